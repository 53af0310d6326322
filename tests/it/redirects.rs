//! Old addresses answer 301 on the hosts `hosting:` names, checked against each host's own
//! rules: Netlify's `_redirects` semantics (shadowing, forcing, query matching), Cloudflare
//! Pages' grammar and limits, and a real nginx (ignored unless nginx is installed).
//!
//! The two host models below follow the hosts' documentation: Netlify, "Redirects and
//! rewrites" (rules top to bottom, first match wins; a file at the requested path is served
//! instead of an unforced rule, "shadowing"; `301!` forces; `key=value` tokens match the
//! query; `:name` matches one segment); Cloudflare Pages, "Redirects" (exactly `source
//! destination [code]` per line or the line is ignored; codes 301, 302, 303, 307, 308 and 200;
//! at most 2,000 static and 100 dynamic rules, a static rule after a dynamic one counting as
//! dynamic; rules apply whether or not a file exists; `:name` matches one segment).

use std::collections::BTreeMap;
use std::path::Path;

use crate::common;
use crate::common::{Built, SiteTest, article};

const URDU_SLUG: &str = "انٹرنیٹ-کی-بندش";

/// A small imported-looking site: day-based WordPress addresses (a placeholder rule's work),
/// one old address whose slug changed and one from another year (exceptions), an Urdu
/// article, `?p=` and `?page_id=` links, a page with old addresses, and tag pages four
/// segments deep (`/tag/x/page/2/`, which `/:year/:month/:day/:slug/` would match).
fn imported_site(hosting: &str) -> SiteTest {
    let yaml = format!("{}hosting: {hosting}\n", common::PLAIN_SITE_YAML).replace("paginate: 10", "paginate: 1");
    SiteTest::new()
        .file("site.yaml", &yaml)
        .file("content/a.md", &article("A", "2024-03-05", "tags: [x]\naliases: [/2024/03/05/a/, /?p=101]\n", "a"))
        .file("content/b.md", &article("B", "2024-03-06", "tags: [x]\naliases: [/2024/03/06/b/, /?p=102]\n", "b"))
        .file("content/c.md", &article("C", "2023-11-30", "tags: [x]\naliases: [/2023/11/30/c/]\n", "c"))
        .file("content/d.md", &article("D", "2024-05-01", "slug: d\naliases: [/2024/05/01/old-d/]\n", "d"))
        .file(
            "content/urdu.md",
            &article(
                "انٹرنیٹ کی بندش",
                "2024-04-18",
                &format!("slug: {URDU_SLUG}\nlang: ur\naliases: [/2024/04/18/{URDU_SLUG}/, /پرانا-پتہ/, /?p=10]\n"),
                "متن",
            ),
        )
        .file(
            "content/pages/about.md",
            "---\ntitle: About\naliases: [/who-we-are/, /legacy.html, /?page_id=7]\n---\nx\n",
        )
}

/// Every old address of [`imported_site`] with the path it must lead to (decoded).
fn old_addresses() -> Vec<(String, &'static str)> {
    let urdu = Box::leak(format!("/2024/04/{URDU_SLUG}/").into_boxed_str());
    vec![
        ("/2024/03/05/a/".into(), "/2024/03/a/"),
        ("/2024/03/06/b/".into(), "/2024/03/b/"),
        ("/2023/11/30/c/".into(), "/2023/11/c/"),
        ("/2024/05/01/old-d/".into(), "/2024/05/d/"),
        (format!("/2024/04/18/{URDU_SLUG}/"), urdu),
        ("/پرانا-پتہ/".into(), urdu),
        ("/who-we-are/".into(), "/about/"),
        ("/legacy.html".into(), "/about/"),
        ("/?p=101".into(), "/2024/03/a/"),
        ("/?p=102".into(), "/2024/03/b/"),
        ("/?p=10".into(), urdu),
        ("/?page_id=7".into(), "/about/"),
    ]
}

/// Percent-encodes a path as a browser sends it (non-ASCII as `%XX`, upper case).
fn browser_path(path: &str) -> String {
    percent_encoding::utf8_percent_encode(path, percent_encoding::CONTROLS).to_string()
}

/// Decodes `%XX` escapes.
fn decode(path: &str) -> String {
    common::percent_decode(path)
}

/// The site paths of every page and file of the build (`/a/` for `/a/index.html`).
fn published_paths(built: &Built) -> Vec<String> {
    built.files().into_iter().map(|f| f.strip_suffix("index.html").map(str::to_string).unwrap_or(f)).collect()
}

/// Matches `pattern` (with `:name` placeholders, one segment each) against `path`, returning
/// the placeholders' values.
fn placeholder_match(pattern: &str, path: &str) -> Option<BTreeMap<String, String>> {
    let (p, s): (Vec<&str>, Vec<&str>) = (pattern.split('/').collect(), path.split('/').collect());
    if p.len() != s.len() {
        return None;
    }
    let mut values = BTreeMap::new();
    for (p, s) in p.iter().zip(&s) {
        match p.strip_prefix(':') {
            Some(name) if !s.is_empty() => {
                values.insert(name.to_string(), s.to_string());
            }
            _ if p == s => {}
            _ => return None,
        }
    }
    Some(values)
}

/// Fills a destination's placeholders.
fn fill(to: &str, values: &BTreeMap<String, String>) -> String {
    to.split('/')
        .map(|seg| seg.strip_prefix(':').and_then(|n| values.get(n)).cloned().unwrap_or_else(|| seg.to_string()))
        .collect::<Vec<_>>()
        .join("/")
}

// --- Netlify ---

struct NetlifyRule {
    from: String,
    query: Vec<String>,
    to: String,
    status: u16,
    forced: bool,
}

/// Parses `_redirects` as Netlify does: `from [key=value…] to status[!]`.
fn netlify_rules(text: &str) -> Vec<NetlifyRule> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|line| {
            let tokens: Vec<&str> = line.split_whitespace().collect();
            let (from, rest) = tokens.split_first().expect("a source");
            let (status, middle) = rest.split_last().expect("a status");
            let (to, query) = middle.split_last().expect("a destination");
            assert!(query.iter().all(|q| q.contains('=')), "query conditions are key=value: {line}");
            let forced = status.ends_with('!');
            NetlifyRule {
                from: from.to_string(),
                query: query.iter().map(|q| q.to_string()).collect(),
                to: to.to_string(),
                status: status.trim_end_matches('!').parse().expect("a status code"),
                forced,
            }
        })
        .collect()
}

/// What Netlify answers for `path?query`: (status, Location). Netlify matches the decoded
/// path; a file at the path is served unless a forced rule matches.
fn netlify_answer(rules: &[NetlifyRule], files: &[String], path: &str, query: &str) -> (u16, Option<String>) {
    let path = decode(path);
    let file_exists = files.contains(&path);
    let params: Vec<&str> = query.split('&').filter(|q| !q.is_empty()).collect();
    for rule in rules.iter().filter(|r| r.forced || !file_exists) {
        let Some(values) = placeholder_match(&rule.from, &path) else { continue };
        if rule.query.iter().all(|q| params.contains(&q.as_str())) {
            return (rule.status, Some(fill(&rule.to, &values)));
        }
    }
    if file_exists { (200, None) } else { (404, None) }
}

#[test]
fn on_netlify_every_old_address_answers_301_and_no_page_is_shadowed_or_redirected() {
    let built = imported_site("netlify").build();
    let text = built.text("/_redirects");
    let rules = netlify_rules(&text);
    let files = published_paths(&built);
    assert!(!built.exists("/who-we-are/") && !built.exists("/2024/03/05/a/"), "no alias page shadows a rule");
    for (old, new) in old_addresses() {
        let (path, query) = old.split_once('?').unwrap_or((&old, ""));
        let (status, location) = netlify_answer(&rules, &files, &browser_path(path), query);
        assert_eq!(status, 301, "{old}\n{text}");
        assert_eq!(decode(&location.expect("a Location")), new, "{old}\n{text}");
    }
    for page in &files {
        assert_eq!(netlify_answer(&rules, &files, &browser_path(page), "").0, 200, "{page} is served\n{text}");
    }
    assert!(files.contains(&"/tag/x/page/2/".to_string()), "a page four segments deep exists: {files:?}");
    assert!(
        text.lines().any(|l| l == "/:year/:month/:day/:slug/ /:year/:month/:slug/ 301"),
        "one placeholder rule for the day-based addresses:\n{text}"
    );
    assert!(!text.contains("/2024/03/05/a/"), "no rule of their own:\n{text}");
}

#[test]
fn the_generic_redirects_file_is_shadowed_on_netlify_so_hosting_netlify_is_needed() {
    // What issue 21 found: alias pages beside unforced rules answer 200 on Netlify.
    let built = imported_site("generic").build();
    let rules = netlify_rules(&built.text("/_redirects"));
    let files = published_paths(&built);
    assert_eq!(netlify_answer(&rules, &files, "/who-we-are/", ""), (200, None));
    assert!(built.texts("/who-we-are/", "a").iter().any(|t| t.ends_with("/about/")), "the alias page sends readers on");
}

// --- Cloudflare Pages ---

/// Cloudflare's parse of `_redirects`: the rules it keeps, and each ignored line's reason.
/// A path is normalised as `new URL()` does it (non-ASCII escaped).
fn cloudflare_rules(text: &str) -> (Vec<(String, String, u16)>, Vec<String>) {
    let (mut rules, mut ignored) = (Vec::new(), Vec::new());
    let (mut statics, mut dynamics, mut static_allowed) = (0, 0, true);
    for (n, line) in text.lines().map(str::trim).enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let tokens: Vec<&str> = line.split_whitespace().collect();
        if !(2..=3).contains(&tokens.len()) {
            ignored.push(format!("line {}: {} tokens: {line}", n + 1, tokens.len()));
            continue;
        }
        let from = browser_path(tokens[0]);
        if static_allowed && !from.contains(':') && !from.contains('*') {
            statics += 1;
            if statics > 2000 {
                ignored.push(format!("line {}: over 2,000 static rules", n + 1));
                continue;
            }
        } else {
            dynamics += 1;
            static_allowed = false;
            if dynamics > 100 {
                ignored.push(format!("line {}: over 100 dynamic rules", n + 1));
                break;
            }
        }
        let status = tokens.get(2).unwrap_or(&"302");
        match status.parse::<u16>() {
            Ok(code) if [200, 301, 302, 303, 307, 308].contains(&code) => {
                if rules.iter().any(|(f, _, _)| *f == from) {
                    ignored.push(format!("line {}: duplicate source", n + 1));
                } else {
                    rules.push((from, tokens[1].to_string(), code));
                }
            }
            _ => ignored.push(format!("line {}: status {status}", n + 1)),
        }
    }
    (rules, ignored)
}

/// What Cloudflare answers for the escaped `pathname`: rules apply before files.
fn cloudflare_answer(rules: &[(String, String, u16)], files: &[String], pathname: &str) -> (u16, Option<String>) {
    for (from, to, status) in rules {
        if let Some(values) = placeholder_match(from, pathname) {
            return (*status, Some(fill(to, &values)));
        }
    }
    if files.contains(&decode(pathname)) { (200, None) } else { (404, None) }
}

#[test]
fn on_cloudflare_every_line_is_valid_and_every_path_alias_answers_301() {
    let built = imported_site("cloudflare").build();
    let text = built.text("/_redirects");
    let (rules, ignored) = cloudflare_rules(&text);
    assert!(ignored.is_empty(), "{ignored:?}\n{text}");
    assert!(rules.iter().all(|(_, _, status)| *status == 301), "{text}");
    let files = published_paths(&built);
    for (old, new) in old_addresses() {
        match old.split_once('?') {
            // Cloudflare cannot match a query: the home page's script has these.
            Some(_) => {
                let map: serde_json::Value = serde_json::from_str(&built.text("/query-aliases.json")).expect("JSON");
                assert_eq!(decode(map[&old].as_str().expect("in the map")), new, "{old}");
            }
            None => {
                let (status, location) = cloudflare_answer(&rules, &files, &browser_path(&old));
                assert_eq!(status, 301, "{old}\n{text}");
                assert_eq!(decode(&location.expect("a Location")), new, "{old}\n{text}");
            }
        }
    }
    let aliases: Vec<String> = old_addresses().into_iter().map(|(old, _)| old).collect();
    for page in files.iter().filter(|f| !aliases.contains(f)) {
        assert_eq!(cloudflare_answer(&rules, &files, &browser_path(page)).0, 200, "{page} is not redirected\n{text}");
    }
    assert!(text.lines().any(|l| l == "/2024/:month/:day/:slug/ /2024/:month/:slug/ 301"), "{text}");
    assert!(built.exists("/who-we-are/"), "alias pages stay, for rules over the limits");
    assert!(built.report.warnings.iter().all(|w| w.code != "redirect-limit"), "{:?}", built.report.warnings);
}

#[test]
fn over_cloudflares_limits_the_build_keeps_2000_static_rules_and_says_how_many_it_left_out() {
    let aliases: Vec<String> = (0..2_050).map(|i| format!("/old-{i}/")).collect();
    let front = format!("aliases: [{}]\n", aliases.join(", "));
    let built = SiteTest::new()
        .file("site.yaml", &format!("{}hosting: cloudflare\n", common::PLAIN_SITE_YAML))
        .file("content/a.md", &article("A", "2024-03-05", &front, "a"))
        .build();
    let text = built.text("/_redirects");
    let (rules, ignored) = cloudflare_rules(&text);
    assert!(ignored.is_empty(), "{ignored:?}");
    assert_eq!(rules.len(), 2_000);
    let warnings: Vec<&pamphlet::Warning> =
        built.report.warnings.iter().filter(|w| w.code == "redirect-limit").collect();
    assert_eq!(warnings.len(), 1, "{:?}", built.report.warnings);
    assert!(warnings[0].message.starts_with("50 old addresses are left out of _redirects"), "{}", warnings[0]);
    assert!(built.exists("/old-2049/"), "the left-out addresses keep their alias page");
}

#[test]
fn hosts_without_server_redirects_get_alias_pages_and_the_query_map_only() {
    for host in ["github-pages", "s3", "nginx"] {
        let built = imported_site(host).build();
        assert!(!built.exists("/_redirects"), "{host}");
        assert!(built.exists("/who-we-are/") && built.exists("/legacy.html"), "{host}");
        assert!(built.text("/query-aliases.json").contains("\"/?p=101\""), "{host}");
    }
}

// --- pamphlet redirects ---

#[test]
fn the_redirects_command_writes_the_nginx_files_and_prints_the_others() {
    let site = imported_site("nginx");
    let out = tempfile::tempdir().expect("temp dir");
    let opts = pamphlet::BuildOptions::new(site.root());
    let report = pamphlet::server_redirects(&opts, pamphlet::redirects::Format::Nginx, Some(out.path()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.aliases, old_addresses().len());
    assert_eq!(report.patterns, 1, "one placeholder rule: {}", report.files[0].1);
    let map = std::fs::read_to_string(out.path().join("redirects.map.conf")).expect("map file");
    let server = std::fs::read_to_string(out.path().join("redirects.server.conf")).expect("server file");
    assert!(
        map.contains(&format!("\"/پرانا-پتہ/\" \"{}\";", browser_path(&format!("/2024/04/{URDU_SLUG}/")))),
        "{map}"
    );
    assert!(map.contains("\"/?p=101\" \"/2024/03/a/\";"), "{map}");
    assert!(server.contains("return 301 $pamphlet_redirect;"), "{server}");
    for format in [pamphlet::redirects::Format::Caddy, pamphlet::redirects::Format::Apache] {
        let report = pamphlet::server_redirects(&opts, format, None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(report.aliases, old_addresses().len(), "{format:?}");
    }
    let apache = pamphlet::server_redirects(&opts, pamphlet::redirects::Format::Apache, None).expect("apache");
    let apache = &apache.files[0].1;
    assert!(
        apache.contains("RewriteCond %{QUERY_STRING} ^p=101$\nRewriteRule ^/?$ /2024/03/a/ [R=301,L,NE,QSD]"),
        "{apache}"
    );
}

// --- a real nginx ---

/// nginx, started on a free port of 127.0.0.1 with its own prefix and configuration, stopped
/// when dropped. One process (`master_process off`), so that killing it leaves no worker
/// behind holding the test's output open.
struct Nginx {
    child: std::process::Child,
    addr: std::net::SocketAddr,
}

impl Nginx {
    fn start(dir: &Path, site: &Path, rules: &Path) -> Nginx {
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("addr").port();
        for sub in ["logs", "tmp"] {
            std::fs::create_dir_all(dir.join(sub)).expect("nginx folder");
        }
        let tmp = dir.join("tmp").display().to_string();
        let conf = format!(
            "master_process off;\nevents {{ worker_connections 64; }}\nhttp {{\n    access_log off;\n    client_body_temp_path {tmp}/body;\n    proxy_temp_path {tmp}/proxy;\n    fastcgi_temp_path {tmp}/fastcgi;\n    uwsgi_temp_path {tmp}/uwsgi;\n    scgi_temp_path {tmp}/scgi;\n    absolute_redirect off;\n    include {rules}/redirects.map.conf;\n    server {{\n        listen 127.0.0.1:{port};\n        root {site};\n        include {rules}/redirects.server.conf;\n    }}\n}}\n",
            rules = rules.display(),
            site = site.display()
        );
        std::fs::write(dir.join("nginx.conf"), conf).expect("nginx.conf");
        let global = format!("daemon off; pid {}/nginx.pid; error_log stderr;", dir.display());
        let child = std::process::Command::new("nginx")
            .arg("-p")
            .arg(dir)
            .arg("-c")
            .arg(dir.join("nginx.conf"))
            .args(["-g", &global])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("nginx runs (apt-get install nginx-light)");
        let mut nginx = Nginx { child, addr: ([127, 0, 0, 1], port).into() };
        nginx.wait_until_listening();
        nginx
    }

    /// Polls until nginx accepts connections; fails if it exits or takes over the deadline.
    fn wait_until_listening(&mut self) {
        let deadline = std::time::Instant::now() + common::serve::DEADLINE;
        loop {
            if std::net::TcpStream::connect_timeout(&self.addr, std::time::Duration::from_millis(200)).is_ok() {
                return;
            }
            if let Some(status) = self.child.try_wait().expect("nginx status") {
                let mut stderr = String::new();
                std::io::Read::read_to_string(self.child.stderr.as_mut().expect("stderr"), &mut stderr).ok();
                panic!("nginx exited ({status}):\n{stderr}");
            }
            assert!(std::time::Instant::now() < deadline, "nginx did not listen on {} in time", self.addr);
            std::thread::yield_now();
        }
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

#[test]
#[ignore = "needs nginx (apt-get install nginx-light or nginx)"]
fn nginx_answers_every_old_address_with_a_301_and_serves_every_page() {
    let site = imported_site("nginx");
    let root = site.root().to_path_buf();
    let built = site.build();
    let work = tempfile::tempdir().expect("temp dir");
    let rules = work.path().join("rules");
    let opts = pamphlet::BuildOptions::new(&root);
    pamphlet::server_redirects(&opts, pamphlet::redirects::Format::Nginx, Some(&rules)).expect("rules");
    let nginx = Nginx::start(&work.path().join("nginx"), built.out(), &rules);
    for (old, new) in old_addresses() {
        let requested = browser_path(&old);
        let response = common::serve::request(nginx.addr, "GET", &requested);
        assert_eq!(response.status, 301, "{old}: {}", response.body);
        let location = response.header("location").expect("a Location");
        assert!(location.is_ascii(), "escaped: {location}");
        assert_eq!(decode(location), new, "{old}");
    }
    // nginx matches the decoded path: lower-case escapes reach the same rule.
    let lower = browser_path("/پرانا-پتہ/").to_lowercase();
    assert_eq!(common::serve::request(nginx.addr, "GET", &lower).status, 301, "{lower}");
    let with_tracking = common::serve::request(nginx.addr, "GET", "/2024/03/05/a/?utm_source=x");
    assert_eq!(with_tracking.header("location"), Some("/2024/03/a/"));
    let aliases: Vec<String> = old_addresses().into_iter().map(|(old, _)| old).collect();
    for page in published_paths(&built).iter().filter(|p| !aliases.contains(p)) {
        let response = common::serve::request(nginx.addr, "GET", &browser_path(page));
        assert_eq!(response.status, 200, "{page} is served, not redirected");
    }
    assert_eq!(common::serve::request(nginx.addr, "GET", "/?p=999").status, 200, "an unknown id shows the home page");
}

#[test]
fn an_unknown_host_is_an_error_naming_its_place_and_the_valid_hosts() {
    let site = SiteTest::new().file("site.yaml", &format!("{}hosting: vercel\n", common::PLAIN_SITE_YAML));
    let message = site.build_err().to_string();
    assert!(
        message.starts_with("site.yaml:5:10: unknown hosting `vercel`: use one of generic, netlify, cloudflare"),
        "{message}"
    );
    let site = SiteTest::new().with(|o| o.hosting = Some("heroku".into()));
    let message = site.build_err().to_string();
    assert!(message.contains("--hosting") && message.contains("unknown hosting `heroku`"), "{message}");
}
