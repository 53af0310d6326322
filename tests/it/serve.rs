//! `pamphlet serve` end to end: a real server on a free port over a temporary site, fetched
//! with a plain `TcpStream` client (so that odd request paths reach the server unchanged),
//! edits made on disk, and the live-reload stream read with deadlines — never sleeps.

// Helpers outside #[test] functions too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::serve::{DEADLINE, Response, ServeCommand, request};
use crate::common::{SiteTest, article};
use pamphlet::serve::{ServeEvent, ServeOptions, Server};

/// A served site: the files (kept alive), the server, and a log of its events.
struct Served {
    site: SiteTest,
    server: Server,
    log: Arc<Mutex<Vec<String>>>,
}

impl Served {
    fn start(site: SiteTest) -> Served {
        let mut opts = ServeOptions::new(site.root());
        opts.port = 0;
        opts.build.now = Some(common::now());
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        let server = pamphlet::serve::start(
            opts,
            Arc::new(move |e: &ServeEvent| {
                let line = match e {
                    ServeEvent::Rebuilt { cause, full, .. } => format!("rebuilt {cause} full={full}"),
                    ServeEvent::Failed { error, .. } => format!("failed {error}"),
                    other => format!("{other:?}"),
                };
                sink.lock().unwrap().push(line);
            }),
        )
        .expect("server starts");
        Served { site, server, log }
    }

    fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    fn get(&self, path: &str) -> Response {
        request(self.addr(), "GET", path)
    }

    fn write(&self, rel: &str, contents: &str) {
        let path = self.site.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }

    fn events(&self) -> Events {
        Events::connect(self.addr())
    }

    fn rebuilds(&self) -> Vec<String> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.starts_with("rebuilt") || l.starts_with("failed"))
            .cloned()
            .collect()
    }
}
/// A live-reload connection.
struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    /// Connects and waits until the server has registered the page.
    fn connect(addr: SocketAddr) -> Events {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(DEADLINE)).unwrap();
        // `Connection: close` lets tiny_http drop its side of the socket when the stream ends
        // (a browser keeps the connection until the page or the process goes).
        write!(stream, "GET /__pamphlet/events HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        while line.trim_end() != ": connected" {
            line.clear();
            assert!(reader.read_line(&mut line).unwrap() > 0, "event stream closed");
        }
        Events { reader }
    }

    /// The next event (name, data), or `None` if none arrives within `timeout`.
    fn next_within(&mut self, timeout: Duration) -> Option<(String, String)> {
        let deadline = Instant::now() + timeout;
        let (mut name, mut data) = (String::new(), String::new());
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            self.reader.get_ref().set_read_timeout(Some(left.max(Duration::from_millis(1)))).unwrap();
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) => panic!("event stream closed"),
                Ok(_) => {}
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                    return None;
                }
                Err(e) => panic!("event stream failed: {e}"),
            }
            let line = line.trim_end_matches(['\r', '\n']);
            if let Some(n) = line.strip_prefix("event: ") {
                name = n.to_string();
            } else if let Some(d) = line.strip_prefix("data: ") {
                data = d.to_string();
            } else if line.is_empty() && !name.is_empty() {
                return Some((name, data));
            }
        }
    }

    /// Waits for the next event, which must be called `name`; returns its data.
    fn expect(&mut self, name: &str) -> String {
        match self.next_within(DEADLINE) {
            Some((n, data)) if n == name => data,
            Some((n, data)) => panic!("expected a `{name}` event, got `{n}`: {data}"),
            None => panic!("no `{name}` event within {DEADLINE:?}"),
        }
    }
}

fn two_articles() -> SiteTest {
    SiteTest::new()
        .file("content/first.md", &article("First", "2024-01-01", "", "The first body."))
        .file("content/second.md", &article("Second", "2024-01-02", "", "The second body."))
}

#[test]
fn pages_are_served_with_the_reload_script_and_public_is_never_written() {
    let s = Served::start(two_articles());
    let home = s.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(home.header("Content-Type"), Some("text/html; charset=utf-8"));
    assert!(home.body.contains("First") && home.body.contains("Second"), "{}", home.body);
    assert!(home.body.contains("new EventSource(\"/__pamphlet/events\")"));
    let script_at = home.body.find("data-pamphlet-serve").unwrap();
    assert!(script_at < home.body.rfind("</body>").unwrap(), "the script goes inside <body>");
    let page = s.get("/2024/01/first/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("The first body."));
    assert!(!s.site.root().join("public").exists(), "serve must not write public/");
    assert!(!s.site.output().exists());
}

#[test]
fn drafts_are_served_by_default() {
    let s = Served::start(
        two_articles().file("content/draft.md", &article("Unfinished", "2024-01-03", "draft: true\n", "x")),
    );
    assert_eq!(s.get("/2024/01/draft/").status, 200);
    assert!(s.get("/").body.contains("Unfinished"));
}

#[test]
fn editing_an_article_rebuilds_it_and_reloads_its_page() {
    let s = Served::start(two_articles());
    let mut events = s.events();
    s.write("content/first.md", &article("First", "2024-01-01", "", "A rewritten body."));
    let data = events.expect("reload");
    assert!(data.contains("\"/2024/01/first/\""), "{data}");
    assert!(!data.contains("\"/2024/01/second/\""), "the untouched article did not change: {data}");
    assert!(s.get("/2024/01/first/").body.contains("A rewritten body."));
    assert!(!s.get("/2024/01/first/").body.contains("The first body."));
    assert_eq!(s.rebuilds(), vec!["rebuilt first build full=true", "rebuilt content/first.md full=false"]);
}

#[test]
fn adding_an_article_serves_it() {
    let s = Served::start(two_articles());
    let mut events = s.events();
    s.write("content/third.md", &article("Third", "2024-01-03", "", "New."));
    assert!(events.expect("reload").contains("\"/2024/01/third/\""));
    assert_eq!(s.get("/2024/01/third/").status, 200);
    assert!(s.get("/").body.contains("Third"));
}

#[test]
fn deleting_the_open_article_serves_the_404_page_with_a_link_home() {
    let s = Served::start(two_articles());
    let mut events = s.events();
    std::fs::remove_file(s.site.root().join("content/first.md")).unwrap();
    assert!(events.expect("reload").contains("\"/2024/01/first/\""));
    let gone = s.get("/2024/01/first/");
    assert_eq!(gone.status, 404);
    assert!(gone.body.contains("<h1>Not found</h1>"), "the site's own 404 page: {}", gone.body);
    assert!(gone.body.contains("<a href=\"/\">home page</a>"), "{}", gone.body);
    assert!(!gone.body.contains("The first body."));
}

#[test]
fn an_invalid_edit_overlays_the_last_good_site_and_a_fix_clears_it() {
    let s = Served::start(two_articles());
    let mut events = s.events();
    s.write("content/first.md", "---\ntitle: First\ndate: yesterday\n---\nBroken body.\n");
    let failed = events.expect("failed");
    assert!(failed.contains("content/first.md:3:7"), "{failed}");

    let page = s.get("/2024/01/first/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("The first body."), "the last good page stays served");
    assert!(page.body.contains("id=\"pamphlet-overlay\""));
    assert!(page.body.contains("content/first.md:3:7: `date: yesterday` is not a date"), "{}", page.body);
    assert!(page.body.contains("&gt; 3 | date: yesterday"), "the overlay quotes the source: {}", page.body);
    assert!(s.get("/2024/01/second/").body.contains("id=\"pamphlet-overlay\""), "every page shows it");
    assert!(!s.get("/style.css").body.contains("pamphlet-overlay"), "only HTML gets it");

    s.write("content/first.md", &article("First", "2024-01-01", "", "Fixed body."));
    assert!(events.expect("reload").contains("\"/2024/01/first/\""));
    let fixed = s.get("/2024/01/first/");
    assert!(fixed.body.contains("Fixed body."));
    assert!(!fixed.body.contains("id=\"pamphlet-overlay\""));
    assert!(s.log.lock().unwrap().iter().filter(|l| l.starts_with("failed")).count() == 1);
}

#[test]
fn reverting_a_broken_edit_clears_the_overlay_without_a_reload() {
    let s = Served::start(two_articles());
    let mut events = s.events();
    let good = std::fs::read_to_string(s.site.root().join("content/first.md")).unwrap();
    s.write("content/first.md", "---\ntitle: First\ndate: nope\n---\n");
    events.expect("failed");
    s.write("content/first.md", &good);
    events.expect("fixed");
    assert!(!s.get("/2024/01/first/").body.contains("id=\"pamphlet-overlay\""));
}

#[test]
fn a_first_build_that_fails_serves_the_error_until_fixed() {
    let s = Served::start(SiteTest::new().file("content/bad.md", "---\ntitle: Bad\ndate: soon\n---\n"));
    let page = s.get("/");
    assert_eq!(page.status, 500);
    assert!(page.body.contains("content/bad.md:3:7"), "{}", page.body);
    assert!(page.body.contains("EventSource"), "the error page reloads itself when fixed");
    let mut events = s.events();
    s.write("content/bad.md", &article("Bad", "2024-01-01", "", "Now good."));
    events.expect("reload");
    assert_eq!(s.get("/2024/01/bad/").status, 200);
}

/// A PDF replaced in static/ changes the card of the article that shows it: the article's
/// Markdown file did not change, but what its shortcode read did.
#[test]
fn replacing_a_file_a_card_shows_updates_the_card() {
    let body = "{{< document src=\"/files/law.pdf\" >}}\n";
    let site = SiteTest::new()
        .without_test_theme()
        .file("site.yaml", "title: Served\nbase_url: https://example.org\n")
        .file("content/law.md", &article("Law", "2024-01-01", "", body))
        .file("static/files/law.pdf", &common::minimal_pdf(2));
    let s = Served::start(site);
    let first = s.get("/2024/01/law/").body;
    assert!(first.contains("2 pages"), "{first}");
    let mut events = s.events();
    s.write("static/files/law.pdf", &common::minimal_pdf(9));
    let data = events.expect("reload");
    assert!(data.contains("\"/2024/01/law/\""), "{data}");
    let page = s.get("/2024/01/law/").body;
    assert!(page.contains("9 pages") && !page.contains("2 pages"), "{page}");
}

#[test]
fn a_stylesheet_edit_swaps_stylesheets_instead_of_reloading() {
    let s = Served::start(two_articles());
    let mut events = s.events();
    s.write("static/style.css", "body { color: red }\n");
    events.expect("css");
    let css = s.get("/style.css");
    assert_eq!(css.body, "body { color: red }\n");
    assert_eq!(css.header("Content-Type"), Some("text/css; charset=utf-8"));
}

#[test]
fn editing_a_template_rerenders_the_pages_that_use_it() {
    let s = Served::start(two_articles());
    let mut events = s.events();
    s.write(
        "templates/article.html",
        "{% extends \"base.html\" %}{% block main %}<h1 class=\"edited\">{{ article.title }}</h1>{% endblock main %}",
    );
    let data = events.expect("reload");
    assert!(data.contains("\"/2024/01/first/\"") && data.contains("\"/2024/01/second/\""), "{data}");
    assert!(!data.contains("\"/\""), "the home page does not use article.html: {data}");
    assert!(s.get("/2024/01/first/").body.contains("<h1 class=\"edited\">First</h1>"));
    assert_eq!(s.rebuilds().last().unwrap(), "rebuilt templates full=false");
}

#[test]
fn editing_site_yaml_rebuilds_everything() {
    let s = Served::start(two_articles());
    let mut events = s.events();
    s.write("site.yaml", &common::PLAIN_SITE_YAML.replace("Test Site", "Renamed Site"));
    events.expect("reload");
    assert!(s.get("/tags/").body.contains("<title>Renamed Site</title>"));
    assert_eq!(s.rebuilds().last().unwrap(), "rebuilt site.yaml full=true");
}

/// Editors that save through a temp file and a rename must cause one rebuild, not several.
#[test]
fn a_write_and_rename_save_is_one_rebuild() {
    let s = Served::start(two_articles());
    let mut events = s.events();
    let root = s.site.root();
    std::fs::write(root.join("content/first.md.tmp"), article("First", "2024-01-01", "", "Saved by rename.")).unwrap();
    std::fs::rename(root.join("content/first.md"), root.join("content/first.md~")).unwrap();
    std::fs::rename(root.join("content/first.md.tmp"), root.join("content/first.md")).unwrap();
    std::fs::remove_file(root.join("content/first.md~")).unwrap();
    events.expect("reload");
    assert!(s.get("/2024/01/first/").body.contains("Saved by rename."));
    // A later edit of another file marks the end: had the save been split in two rebuilds,
    // the second would come before this one (no waiting for a silence).
    s.write("content/second.md", &article("Second", "2024-01-02", "", "Edited after."));
    events.expect("reload");
    let rebuilds = s.rebuilds();
    assert_eq!(rebuilds.len(), 3, "{rebuilds:?}");
    assert!(rebuilds[1].contains("first.md") && rebuilds[2].contains("second.md"), "{rebuilds:?}");
}

#[test]
fn editor_litter_does_not_rebuild() {
    let s = Served::start(two_articles());
    let mut events = s.events();
    s.write("content/.first.md.swp", "swap");
    s.write("content/4913", "");
    s.write("content/first.md~", "backup");
    s.write("content/second.md", &article("Second", "2024-01-02", "", "Real edit."));
    events.expect("reload");
    assert_eq!(s.rebuilds().len(), 2, "{:?}", s.rebuilds());
}

#[test]
fn traversal_attempts_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "TOP SECRET").unwrap();
    let site = two_articles().file("static/ok.txt", "fine");
    link(&outside.path().join("secret.txt"), &site.root().join("static/secret.txt"));
    link(outside.path(), &site.root().join("static/outside"));
    link(&outside.path().join("secret.txt"), &site.root().join("content/secret.txt"));
    let s = Served::start(site);
    assert_eq!(s.get("/ok.txt").body, "fine");
    for path in [
        "/../site.yaml",
        "/../../../../etc/passwd",
        "/%2e%2e/site.yaml",
        "/%2E%2E/%2e%2e/etc/passwd",
        "/..%2fsite.yaml",
        "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/static/..%5c..%5csite.yaml",
        "//etc/passwd",
        "/%00",
        "/ok.txt%00.html",
        "/site.yaml",
        "/content/first.md",
        "/secret.txt",
        "/outside/secret.txt",
        "/2024/01/first/../../../site.yaml",
        "http://localhost/../site.yaml",
        "/etc/passwd",
        "/C:/Windows/win.ini",
    ] {
        let r = s.get(path);
        assert!(r.status == 400 || r.status == 404, "{path} answered {}", r.status);
        assert!(!r.body.contains("TOP SECRET") && !r.body.contains("base_url"), "{path} leaked: {}", r.body);
    }
    assert_eq!(s.get("/../site.yaml").status, 400);
    assert_eq!(s.get("/%2e%2e/site.yaml").status, 400);
    assert_eq!(s.get("/secret.txt").status, 404);
}

#[cfg(unix)]
fn link(target: &Path, at: &Path) {
    std::fs::create_dir_all(at.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, at).unwrap();
}

#[cfg(not(unix))]
fn link(_target: &Path, _at: &Path) {}

#[test]
fn missing_pages_get_the_site_404_page_with_status_404() {
    let s = Served::start(two_articles());
    for path in ["/no/such/page/", "/nope.html", "/2024/"] {
        let r = s.get(path);
        assert_eq!(r.status, 404, "{path}");
        assert!(r.body.contains("<h1>Not found</h1>"), "{path}: {}", r.body);
        assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"));
    }
}

#[test]
fn folders_without_a_slash_redirect_and_index_html_is_the_folder() {
    let s = Served::start(two_articles());
    let r = s.get("/2024/01/first");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("Location"), Some("/2024/01/first/"));
    let r = s.get("/tags?x=1");
    assert_eq!((r.status, r.header("Location")), (301, Some("/tags/?x=1")));
    let r = s.get("/2024/01/first/index.html");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("The first body."));
}

#[test]
fn files_are_served_with_their_content_type() {
    let types = [
        ("a.html", "text/html; charset=utf-8"),
        ("a.css", "text/css; charset=utf-8"),
        ("a.js", "text/javascript; charset=utf-8"),
        ("a.svg", "image/svg+xml"),
        ("a.png", "image/png"),
        ("a.jpg", "image/jpeg"),
        ("a.jpeg", "image/jpeg"),
        ("a.gif", "image/gif"),
        ("a.webp", "image/webp"),
        ("a.avif", "image/avif"),
        ("favicon.ico", "image/x-icon"),
        ("a.xml", "application/xml"),
        ("a.json", "application/json"),
        ("a.txt", "text/plain; charset=utf-8"),
        ("a.pdf", "application/pdf"),
        ("a.woff2", "font/woff2"),
        ("a.mp4", "video/mp4"),
        ("a.webm", "video/webm"),
        ("a.wasm", "application/wasm"),
    ];
    let mut site = two_articles();
    for (name, _) in types {
        site = match name.rsplit_once('.').map(|(_, ext)| ext) {
            // Raster images go through image processing, which wants real images.
            Some("png" | "jpg" | "jpeg" | "gif" | "webp") => site.image(&format!("static/files/{name}")),
            _ => site.file(&format!("static/files/{name}"), "x"),
        };
    }
    let s = Served::start(site);
    for (name, expected) in types {
        let r = s.get(&format!("/files/{name}"));
        assert_eq!(r.status, 200, "{name}: {}", r.body);
        assert_eq!(r.header("Content-Type"), Some(expected), "{name}");
    }
    assert_eq!(s.get("/files/a.txt").body, "x", "non-HTML files are served untouched");
}

#[test]
fn head_is_answered_and_other_methods_are_not() {
    let s = Served::start(two_articles());
    let head = request(s.addr(), "HEAD", "/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(request(s.addr(), "POST", "/").status, 405);
}

#[test]
fn a_base_url_with_a_path_is_served_under_that_path() {
    let yaml = common::PLAIN_SITE_YAML.replace("https://example.org", "https://example.org/mirror/");
    let s = Served::start(two_articles().file("site.yaml", &yaml));
    assert!(s.server.url().ends_with("/mirror/"), "{}", s.server.url());
    let root = s.get("/");
    assert_eq!((root.status, root.header("Location")), (302, Some("/mirror/")));
    assert_eq!(s.get("/mirror").status, 301);
    let home = s.get("/mirror/");
    assert_eq!(home.status, 200);
    assert!(home.body.contains("href=\"/mirror/2024/01/first/\""), "{}", home.body);
    assert_eq!(s.get("/mirror/2024/01/first/").status, 200);
    assert_eq!(s.get("/mirror/style.css").status, 200);
    assert_eq!(s.get("/2024/01/first/").status, 404, "outside the prefix nothing is served");

    let mut events = s.events();
    s.write("content/first.md", &article("First", "2024-01-01", "", "Edited."));
    assert!(events.expect("reload").contains("\"/mirror/2024/01/first/\""));
}

#[test]
fn the_server_stops_cleanly() {
    let s = Served::start(two_articles());
    let addr = s.addr();
    let mut events = s.events();
    s.server.stopper().stop();
    // The open page is disconnected and the port is released.
    let mut rest = String::new();
    let _ = events.reader.read_to_string(&mut rest);
    drop(s);
    // tiny_http closes its listener on its own accept thread, shortly after the drop.
    let deadline = Instant::now() + DEADLINE;
    while std::net::TcpListener::bind(addr).is_err() {
        assert!(Instant::now() < deadline, "port {addr} still taken");
        std::thread::yield_now();
    }
}

// --- The `pamphlet serve` command itself. ---

#[cfg(unix)]
#[test]
fn the_command_prints_its_url_serves_and_stops_cleanly_on_ctrl_c() {
    let site = two_articles();
    let mut serve = ServeCommand::spawn(site.root(), &["--port", "0"]);
    let line = ServeCommand::line_with(&serve.stdout, "serving ");
    let url = line.strip_prefix("serving ").and_then(|l| l.split(' ').next()).unwrap().to_string();
    assert!(url.starts_with("http://127.0.0.1:") && url.ends_with('/'), "{line}");
    let addr: SocketAddr = url.trim_start_matches("http://").trim_end_matches('/').parse().unwrap();
    assert!(request(addr, "GET", "/2024/01/first/").body.contains("The first body."));

    let pid = serve.child.id().to_string();
    assert!(std::process::Command::new("kill").args(["-INT", &pid]).status().unwrap().success());
    assert!(serve.wait().success(), "Ctrl-C is a clean exit");
    ServeCommand::line_with(&serve.stdout, "stopped");
    assert!(!site.root().join("public").exists());
}

#[cfg(unix)]
#[test]
fn the_command_warns_when_bound_beyond_this_machine() {
    let site = two_articles();
    let serve = ServeCommand::spawn(site.root(), &["--port", "0", "--bind", "0.0.0.0"]);
    let warning = ServeCommand::line_with(&serve.stderr, "warning:");
    assert_eq!(
        warning,
        "warning: listening on 0.0.0.0: anyone who can reach this machine can read the preview, drafts included"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn open_without_a_browser_says_so_and_keeps_serving() {
    let site = two_articles();
    let serve = ServeCommand::spawn_with(site.root(), &["--port", "0", "--open"], |c| {
        c.env("PATH", "/nonexistent");
    });
    let warning = ServeCommand::line_with(&serve.stderr, "warning:");
    assert!(
        warning.starts_with("warning: could not open a browser (no xdg-open found): open http://127.0.0.1:"),
        "{warning}"
    );
    let line = ServeCommand::line_with(&serve.stdout, "serving ");
    let addr: SocketAddr = line["serving http://".len()..].split('/').next().unwrap().parse().unwrap();
    assert_eq!(request(addr, "GET", "/").status, 200);
}

#[test]
fn the_command_refuses_a_taken_port_clearly() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let site = two_articles();
    let mut serve = ServeCommand::spawn(site.root(), &["--port", &port.to_string()]);
    assert_eq!(serve.wait().code(), Some(2));
    let error = ServeCommand::line_with(&serve.stderr, "error:");
    assert_eq!(
        error,
        format!(
            "error: --port: port {port} on 127.0.0.1 is already in use (is another `pamphlet serve` running?): stop it, or pick another port with --port {}",
            port + 1
        )
    );
}

// Images while serving (issue 17): no build waits for image processing.

/// A site whose one article shows a 1000×600 photo the image cache has never seen.
fn site_with_a_new_photo() -> SiteTest {
    let site =
        SiteTest::new().without_test_theme().file("site.yaml", "title: T\nbase_url: https://example.org\n").file(
            "content/first.md",
            &article("First", "2024-01-01", "image: /images/photo.jpg\nimage_alt: A march\n", "The first body."),
        );
    let img = image::RgbImage::from_fn(1000, 600, |x, y| image::Rgb([(x % 250) as u8, (y % 250) as u8, 90]));
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
        .encode_image(&image::DynamicImage::ImageRgb8(img))
        .unwrap();
    std::fs::create_dir_all(site.root().join("static/images")).unwrap();
    std::fs::write(site.root().join("static/images/photo.jpg"), jpeg).unwrap();
    site
}

/// How many processed images the site's cache holds (each entry has its `made.json`).
fn processed_in_cache(site: &SiteTest) -> usize {
    let Ok(entries) = std::fs::read_dir(site.root().join(".pamphlet-cache/images")) else { return 0 };
    entries.flatten().filter(|e| e.path().join("made.json").is_file()).count()
}

/// Serves `site` with `images_in_background` as given; every event's line also goes to the
/// returned channel, and a first build's line says how many images the cache held then.
fn serve_images(site: &SiteTest, background: bool) -> (Server, std::sync::mpsc::Receiver<String>) {
    let mut opts = ServeOptions::new(site.root());
    opts.port = 0;
    opts.build.now = Some(common::now());
    opts.images_in_background = background;
    let (tx, rx) = std::sync::mpsc::channel();
    let tx = Mutex::new(tx);
    let cache = site.root().join(".pamphlet-cache/images");
    let server = pamphlet::serve::start(
        opts,
        Arc::new(move |e: &ServeEvent| {
            let line = match e {
                ServeEvent::Rebuilt { cause, .. } => {
                    let made = std::fs::read_dir(&cache)
                        .map(|d| d.flatten().filter(|e| e.path().join("made.json").is_file()).count())
                        .unwrap_or(0);
                    format!("rebuilt {cause} with {made} images in the cache")
                }
                ServeEvent::ImagesProcessed { processed } => format!("images processed {processed}"),
                other => format!("{other:?}"),
            };
            let _ = tx.lock().unwrap().send(line);
        }),
    )
    .expect("server starts");
    (server, rx)
}

#[test]
fn a_new_image_is_processed_when_first_asked_for_and_no_build_or_edit_waits_for_it() {
    let site = site_with_a_new_photo();
    let (server, lines) = serve_images(&site, false);
    assert_eq!(lines.recv_timeout(DEADLINE).unwrap(), "rebuilt first build with 0 images in the cache");
    let page = request(server.addr(), "GET", "/2024/01/first/").body;
    assert!(page.contains("/images/photo-480w.webp 480w"), "the page offers the variants before they exist: {page}");
    assert!(page.contains("width=\"1000\" height=\"600\""), "{page}");

    let mut events = Events::connect(server.addr());
    std::fs::write(
        site.root().join("content/first.md"),
        article("First", "2024-01-01", "image: /images/photo.jpg\nimage_alt: A march\n", "A rewritten body."),
    )
    .unwrap();
    events.expect("reload");
    assert_eq!(processed_in_cache(&site), 0, "editing the text processed no image");
    assert!(request(server.addr(), "GET", "/2024/01/first/").body.contains("A rewritten body."));

    let variant = request(server.addr(), "GET", "/images/photo-480w.webp");
    assert_eq!((variant.status, variant.header("Content-Type")), (200, Some("image/webp")));
    let decoded = image::load_from_memory(&variant.bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (480, 288));
    assert_eq!(processed_in_cache(&site), 1, "the request processed it, once");
    assert_eq!(request(server.addr(), "GET", "/images/photo.jpg").status, 200);
    assert!(lines.try_iter().all(|l| !l.starts_with("images processed")), "nothing ran in the background");
}

#[test]
fn a_new_image_is_processed_in_the_background_after_the_first_build() {
    let site = site_with_a_new_photo();
    let (server, lines) = serve_images(&site, true);
    assert_eq!(lines.recv_timeout(DEADLINE).unwrap(), "rebuilt first build with 0 images in the cache");
    let processed = loop {
        let line = lines.recv_timeout(DEADLINE).expect("the background thread reports");
        if line.starts_with("images processed") {
            break line;
        }
    };
    assert_eq!(processed, "images processed 1");
    assert_eq!(processed_in_cache(&site), 1);
    let variant = request(server.addr(), "GET", "/images/photo-800w.jpg");
    assert_eq!((variant.status, variant.header("Content-Type")), (200, Some("image/jpeg")));
    assert_eq!(image::load_from_memory(&variant.bytes).unwrap().width(), 800);
}
