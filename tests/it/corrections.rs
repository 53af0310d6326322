//! Corrections, updates and withheld stories, and the security headers (issue 20): a
//! correction changes the article page, its JSON-LD, both feeds and `/corrections/`; a
//! withheld article's body, summary and images appear in no output file; `_headers` allows
//! exactly the scripts the pages run; `pamphlet serve` sends the same headers.

// Helpers outside #[test] functions too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::io::Read;
use std::sync::Arc;

use scraper::{Html, Selector};

use crate::common::serve::request;
use crate::common::{Built, SiteTest, article};

/// site.yaml for the built-in theme (which has the corrections page and the notice box).
const SITE_YAML: &str = "title: Test Site\nbase_url: https://example.org\ntimezone: Asia/Karachi\n";

fn with_builtin_theme(site_yaml: &str) -> SiteTest {
    SiteTest::new().without_test_theme().file("site.yaml", site_yaml)
}

/// An article with two corrections (written oldest first) and one update, an Urdu article
/// with one correction, and an article without any.
fn corrected_site() -> SiteTest {
    let corrected = "corrections:\n  - { date: 2024-03-20, text: \"The hearing was on Tuesday, not Monday.\" }\n  - { date: 2024-03-25T09:00:00+05:00, text: \"The judge's name is spelled Qureshi.\" }\nupdates:\n  - { date: 2024-03-22, text: \"The court has set a date for its ruling.\" }\ntags: [Courts]\n";
    let urdu = "lang: ur\ncorrections:\n  - { date: 2024-04-02, text: \"پہلے ورژن میں تاریخ غلط تھی۔\" }\n";
    with_builtin_theme(SITE_YAML)
        .file(
            "content/hearing.md",
            &article("Court hears the challenge", "2024-03-18", corrected, "The court heard the case."),
        )
        .file("content/urdu.md", &article("عدالت میں سماعت", "2024-03-30", urdu, "عدالت نے مقدمہ سنا۔"))
        .file("content/plain.md", &article("Nothing to correct", "2024-03-19", "tags: [Courts]\n", "All correct."))
}

fn select<'a>(html: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    html.select(&Selector::parse(css).unwrap()).collect()
}

fn text(el: &scraper::ElementRef) -> String {
    el.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The page's JSON-LD, parsed.
fn json_ld(site: &Built, path: &str) -> serde_json::Value {
    let html = site.html(path);
    let script = select(&html, r#"script[type="application/ld+json"]"#);
    serde_json::from_str(&script[0].inner_html()).unwrap()
}

/// The text of the child element `name` of the RSS item or Atom entry that links to `link`.
fn feed_child(xml: &str, link: &str, name: &str) -> Option<String> {
    let doc = roxmltree::Document::parse(xml).unwrap();
    let entry = doc.descendants().find(|n| {
        (n.has_tag_name("item") || n.has_tag_name("entry"))
            && n.descendants().any(|c| c.text() == Some(link) || c.attribute("href") == Some(link))
    })?;
    entry.children().find(|c| c.tag_name().name() == name).and_then(|c| c.text()).map(str::to_string)
}

#[test]
fn a_correction_is_shown_above_the_body_newest_first_and_moves_the_updated_date() {
    let site = corrected_site().build();
    let html = site.html("/2024/03/hearing/");
    let notes: Vec<String> = select(&html, ".notices li").iter().map(text).collect();
    assert_eq!(notes.len(), 3, "{notes:?}");
    assert!(notes[0].starts_with("Correction 25 March 2024") && notes[0].ends_with("spelled Qureshi."), "{notes:?}");
    assert!(notes[1].starts_with("Update 22 March 2024"), "{notes:?}");
    assert!(notes[2].starts_with("Correction 20 March 2024"), "{notes:?}");
    assert_eq!(text(&select(&html, ".notices h2")[0]), "Corrections and updates");
    // Above the body.
    let page = site.text("/2024/03/hearing/");
    assert!(page.find("class=\"notice-box notices\"").unwrap() < page.find("<div class=\"prose\">").unwrap());
    // The latest correction is the article's last change.
    let updated: Vec<String> =
        select(&html, ".updated time").iter().filter_map(|t| t.attr("datetime").map(String::from)).collect();
    assert_eq!(updated, ["2024-03-25T09:00:00+05:00"]);
    // An article without any has no box.
    assert!(select(&site.html("/2024/03/plain/"), ".notices").is_empty());
}

#[test]
fn the_notice_box_speaks_the_articles_language() {
    let site = corrected_site().build();
    let html = site.html("/2024/03/urdu/");
    assert_eq!(text(&select(&html, ".notices h2")[0]), "تصحیحات اور اپ ڈیٹس");
    assert!(text(&select(&html, ".notices li")[0]).starts_with("تصحیح"), "{}", site.text("/2024/03/urdu/"));
}

#[test]
fn the_json_ld_carries_each_correction_as_a_correction_comment() {
    let site = corrected_site().build();
    let ld = json_ld(&site, "/2024/03/hearing/");
    let corrections = ld["correction"].as_array().unwrap();
    assert_eq!(corrections.len(), 2, "{ld}");
    assert_eq!(corrections[0]["@type"], "CorrectionComment");
    assert_eq!(corrections[0]["datePublished"], "2024-03-25T09:00:00+05:00");
    assert_eq!(corrections[0]["text"], "The judge's name is spelled Qureshi.");
    assert_eq!(corrections[1]["datePublished"], "2024-03-20T00:00:00+05:00");
    assert_eq!(ld["dateModified"], "2024-03-25T09:00:00+05:00");
    assert!(json_ld(&site, "/2024/03/plain/").get("correction").is_none());
}

#[test]
fn both_feeds_say_the_corrected_article_changed() {
    let site = corrected_site().build();
    let link = "https://example.org/2024/03/hearing/";
    let atom = site.text("/atom.xml");
    assert_eq!(feed_child(&atom, link, "updated").as_deref(), Some("2024-03-25T09:00:00+05:00"));
    assert_eq!(feed_child(&atom, link, "published").as_deref(), Some("2024-03-18T00:00:00+05:00"));
    let rss = site.text("/feed.xml");
    assert_eq!(feed_child(&rss, link, "updated").as_deref(), Some("2024-03-25T09:00:00+05:00"), "{rss}");
    // An uncorrected article keeps one date.
    assert_eq!(feed_child(&rss, "https://example.org/2024/03/plain/", "updated"), None);
    feed_rs::parser::parse(rss.as_bytes()).expect("the RSS feed still parses");
}

#[test]
fn the_corrections_page_lists_every_correction_newest_first_and_is_in_the_sitemap() {
    let site = corrected_site().build();
    let html = site.html("/corrections/");
    let entries = select(&html, ".corrections-list > li");
    let dates: Vec<&str> = entries.iter().map(|li| select_in(li, "time")[0].attr("datetime").unwrap()).collect();
    assert_eq!(dates, ["2024-04-02T00:00:00+05:00", "2024-03-25T09:00:00+05:00", "2024-03-20T00:00:00+05:00"]);
    let links: Vec<&str> = entries.iter().map(|li| select_in(li, "a")[0].attr("href").unwrap()).collect();
    assert_eq!(links, ["/2024/03/urdu/", "/2024/03/hearing/", "/2024/03/hearing/"]);
    assert_eq!(entries[0].attr("lang"), Some("ur"), "a correction is shown in its article's language");
    assert!(text(&entries[2]).contains("The hearing was on Tuesday, not Monday."));
    // Updates are not corrections.
    assert!(!site.text("/corrections/").contains("set a date for its ruling"));
    assert!(site.text("/sitemap.xml").contains("<loc>https://example.org/corrections/</loc>"));
}

fn select_in<'a>(el: &scraper::ElementRef<'a>, css: &str) -> Vec<scraper::ElementRef<'a>> {
    el.select(&Selector::parse(css).unwrap()).collect()
}

#[test]
fn bad_corrections_and_withheld_notices_are_errors_at_their_line_and_column() {
    let front = "corrections:\n  - { date: 2024-13-45, text: \"x\" }\n  - { date: 2024-03-20 }\nwithheld: { date: 2025-01-10 }\n";
    let t = with_builtin_theme(SITE_YAML).file("content/a.md", &article("A", "2024-03-18", front, "Body."));
    let error = t.build_err().to_string();
    assert!(
        error.contains("content/a.md:5:13: `date: 2024-13-45` in `corrections:` is not a date: write `2024-03-20`"),
        "{error}"
    );
    assert!(error.contains("content/a.md:4:1: each entry of `corrections:` needs a `text:`"), "{error}");
    assert!(error.contains("content/a.md:7:1: `withheld:` needs a `reason:`"), "{error}");
}

#[test]
fn corrections_on_a_page_are_an_error() {
    let t = with_builtin_theme(SITE_YAML).file(
        "content/pages/about.md",
        "---\ntitle: About\nupdates:\n  - { date: 2024-03-20, text: x }\n---\nAbout us.\n",
    );
    let error = t.build_err().to_string();
    assert!(error.contains("content/pages/about.md:3:1: pages do not have `updates`"), "{error}");
}

/// The body sentence, summary and image file name of the withheld article in [`withheld_site`].
const WITHHELD_SENTENCE: &str = "The committee met in secret eleven times";
const WITHHELD_SUMMARY: &str = "A leaked list of blocked websites";
const WITHHELD_IMAGE: &str = "leaked-list";
const REASON: &str = "Removed on the order of the regulator under section 37 of PECA.";
/// A sentence of a published article, to show that the search below reads the index.
const PUBLISHED_SENTENCE: &str = "Operators confirmed the blocks";

fn withheld_site() -> SiteTest {
    let withheld = format!(
        "summary: \"{WITHHELD_SUMMARY}.\"\nimage: {WITHHELD_IMAGE}.jpg\nimage_alt: The list\ntags: [Censorship]\nwithheld: {{ date: 2025-01-10, reason: \"{REASON}\" }}\n"
    );
    with_builtin_theme(SITE_YAML)
        .file(
            "content/2025/01/list/index.md",
            &article(
                "The blocking list",
                "2025-01-05",
                &withheld,
                &format!("{WITHHELD_SENTENCE}.\n\n![The list]({WITHHELD_IMAGE}-page.png)\n"),
            ),
        )
        .image(&format!("content/2025/01/list/{WITHHELD_IMAGE}.jpg"))
        .image(&format!("content/2025/01/list/{WITHHELD_IMAGE}-page.png"))
        .file(
            "content/2025/01/blocks.md",
            &article("Blocks confirmed", "2025-01-06", "tags: [Censorship]\n", &format!("{PUBLISHED_SENTENCE}.")),
        )
}

/// Every output file's bytes; the search index's gzipped files decompressed.
fn every_output(site: &Built) -> Vec<(String, Vec<u8>)> {
    site.files()
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(site.out().join(&path[1..])).unwrap();
            let mut plain = Vec::new();
            let bytes = match flate2::read::GzDecoder::new(&bytes[..]).read_to_end(&mut plain) {
                Ok(_) => plain,
                Err(_) => bytes,
            };
            (path, bytes)
        })
        .collect()
}

fn files_containing(files: &[(String, Vec<u8>)], needle: &str) -> Vec<String> {
    files
        .iter()
        .filter(|(_, bytes)| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
        .map(|(path, _)| path.clone())
        .collect()
}

#[test]
fn a_withheld_articles_body_summary_and_images_are_in_no_output_file() {
    let site = withheld_site().build();
    let files = every_output(&site);
    assert_eq!(files_containing(&files, WITHHELD_SENTENCE), Vec::<String>::new());
    assert_eq!(files_containing(&files, WITHHELD_SUMMARY), Vec::<String>::new());
    assert_eq!(files_containing(&files, WITHHELD_IMAGE), Vec::<String>::new());
    let image_files: Vec<&String> = files.iter().map(|(p, _)| p).filter(|p| p.contains(WITHHELD_IMAGE)).collect();
    assert!(image_files.is_empty(), "{image_files:?}");
    // The search above reads the index: the published article's words are found in it.
    assert!(files_containing(&files, PUBLISHED_SENTENCE).iter().any(|p| p.starts_with("/pagefind/")));
}

#[test]
fn a_withheld_article_keeps_its_url_title_date_and_notice() {
    let site = withheld_site().build();
    let html = site.html("/2025/01/list/");
    assert_eq!(text(&select(&html, "h1")[0]), "The blocking list");
    assert_eq!(select(&html, ".article-header time")[0].attr("datetime"), Some("2025-01-05T00:00:00+05:00"));
    let notice = text(&select(&html, ".withheld")[0]);
    assert!(notice.contains("This article has been withheld") && notice.contains(REASON), "{notice}");
    assert!(notice.contains("10 January 2025"), "{notice}");
    let meta = |property: &str| {
        select(&html, &format!("meta[property=\"{property}\"]"))
            .first()
            .and_then(|m| m.attr("content").map(String::from))
    };
    assert_eq!(meta("og:description").as_deref(), Some(REASON));
    assert_eq!(meta("og:image"), None);
    assert!(json_ld(&site, "/2025/01/list/").get("image").is_none());
    // Cards, the home page's and the related article's, show the notice.
    let home = site.html("/");
    let withheld_cards: Vec<String> = select(&home, ".card-withheld").iter().map(text).collect();
    assert_eq!(withheld_cards, [format!("Withheld {REASON}")]);
    let related = site.html("/2025/01/blocks/");
    assert_eq!(select(&related, ".related .card-withheld").len(), 1);
    // Feeds keep the item, with the notice in place of the summary.
    assert!(site.text("/feed.xml").contains(REASON));
}

#[test]
fn a_withheld_article_with_a_static_image_warns_that_the_file_is_still_published() {
    let t = with_builtin_theme(SITE_YAML).image("static/images/leak.png").file(
        "content/a.md",
        &article(
            "A",
            "2025-01-05",
            &format!("image: /images/leak.png\nimage_alt: x\nwithheld: {{ date: 2025-01-10, reason: \"{REASON}\" }}\n"),
            "Body.",
        ),
    );
    let built = t.build();
    let warnings: Vec<String> = built.report.warnings.iter().map(|w| format!("{}: {}", w.code, w)).collect();
    assert!(
        warnings.iter().any(|w| w.starts_with("withheld-image: content/a.md:4:8: this article is withheld, but its image /images/leak.png is still published from static/")),
        "{warnings:?}"
    );
}

/// The Content-Security-Policy of a `_headers` file, as directive → sources.
fn policy(headers: &str) -> std::collections::BTreeMap<String, Vec<String>> {
    let line = headers.lines().find_map(|l| l.trim().strip_prefix("Content-Security-Policy: ")).unwrap();
    line.split("; ")
        .map(|d| {
            let mut words = d.split(' ').map(String::from);
            (words.next().unwrap(), words.collect())
        })
        .collect()
}

/// `'sha256-…'` of every inline script the pages of `site` run.
fn inline_script_hashes(site: &Built) -> BTreeSet<String> {
    let mut hashes = BTreeSet::new();
    for path in site.files().iter().filter(|p| p.ends_with(".html")) {
        let html = Html::parse_document(&std::fs::read_to_string(site.out().join(&path[1..])).unwrap());
        for script in select(&html, "script:not([src])") {
            if script.attr("type").is_none_or(|t| t == "module") {
                hashes.insert(pamphlet::headers::sha256_source(&script.text().collect::<String>()));
            }
        }
    }
    hashes
}

fn headers_site() -> SiteTest {
    let body = "A photo from elsewhere:\n\n![A protest](https://images.example.net/protest.jpg)\n\n<div class=\"embed\" data-embed-origin=\"https://www.youtube-nocookie.com\"><a href=\"https://www.youtube.com/watch?v=x\">Watch</a></div>\n\n| a | b |\n| --: | --- |\n| 1 | 2 |\n";
    with_builtin_theme(SITE_YAML).file("content/a.md", &article("A", "2024-03-18", "", body))
}

#[test]
fn the_headers_file_allows_the_sites_own_scripts_by_hash_and_nothing_inline_else() {
    let site = headers_site().build();
    let headers = site.text("/_headers");
    assert!(headers.starts_with("/*\n"), "{headers}");
    assert!(headers.contains("\n  Referrer-Policy: no-referrer\n"), "{headers}");
    assert!(headers.contains("\n  X-Content-Type-Options: nosniff\n"), "{headers}");
    assert!(
        headers.contains("\n  Permissions-Policy: camera=(), microphone=(), geolocation=(), interest-cohort=()\n"),
        "{headers}"
    );
    assert!(!headers.contains("unsafe-inline"), "{headers}");
    let csp = policy(&headers);
    assert_eq!(csp["default-src"], ["'self'"]);
    assert_eq!(csp["frame-ancestors"], ["'self'"]);
    assert_eq!(csp["frame-src"], ["https://www.youtube-nocookie.com"]);
    assert_eq!(csp["img-src"], ["'self'", "data:", "https://images.example.net"]);
    // Exactly the inline scripts the pages run (the theme's, the search page's), plus
    // Pagefind's WebAssembly.
    let expected = inline_script_hashes(&site);
    assert!(expected.len() >= 2, "{expected:?}");
    let mut allowed: BTreeSet<String> = csp["script-src"].iter().cloned().collect();
    assert!(allowed.remove("'self'") && allowed.remove("'wasm-unsafe-eval'"), "{allowed:?}");
    assert_eq!(allowed, expected);
    // The table's alignment is a `style` attribute: allowed by its hash only.
    let style = &csp["style-src"];
    assert!(style.contains(&"'unsafe-hashes'".to_string()), "{style:?}");
    assert!(style.contains(&pamphlet::headers::sha256_source("text-align: right")), "{style:?}");
}

#[test]
fn without_embeds_nothing_may_be_framed_and_settings_change_the_file() {
    let yaml = format!("{SITE_YAML}referrer_policy: strict-origin-when-cross-origin\nsearch: false\n");
    let site = with_builtin_theme(&yaml).file("content/a.md", &article("A", "2024-03-18", "", "Text.")).build();
    let headers = site.text("/_headers");
    assert_eq!(policy(&headers)["frame-src"], ["'none'"]);
    assert!(!headers.contains("wasm-unsafe-eval"), "no search, no WebAssembly: {headers}");
    assert!(headers.contains("\n  Referrer-Policy: strict-origin-when-cross-origin\n"), "{headers}");

    let off = format!("{SITE_YAML}headers_file: false\n");
    let site = with_builtin_theme(&off).file("content/a.md", &article("A", "2024-03-18", "", "Text.")).build();
    assert!(!site.exists("/_headers"));
    let nginx = format!("{SITE_YAML}hosting: nginx\n");
    let site = with_builtin_theme(&nginx).file("content/a.md", &article("A", "2024-03-18", "", "Text.")).build();
    assert!(!site.exists("/_headers"), "nginx ignores _headers: README gives its configuration");
}

// A Netlify site that already ships static/_headers keeps it (pamphlet's would collide with
// it), with a warning saying what it misses.
#[test]
fn a_sites_own_headers_file_is_published_and_pamphlet_writes_none() {
    let own = "/*\n  X-Frame-Options: DENY\n";
    let site = with_builtin_theme(SITE_YAML)
        .file("static/_headers", own)
        .file("content/a.md", &article("A", "2024-03-18", "", "Text."))
        .build();
    assert_eq!(site.text("/_headers"), own);
    let warnings: Vec<String> = site.report.warnings.iter().map(|w| format!("{}: {}", w.code, w)).collect();
    assert!(
        warnings.iter().any(|w| w.starts_with("own-headers-file: static/_headers: the site has its own _headers")),
        "{warnings:?}"
    );
    // Saying so in site.yaml silences it.
    let off = format!("{SITE_YAML}headers_file: false\n");
    let site = with_builtin_theme(&off)
        .file("static/_headers", own)
        .file("content/a.md", &article("A", "2024-03-18", "", "Text."))
        .build();
    assert_eq!(site.text("/_headers"), own);
    assert!(!site.report.warnings.iter().any(|w| w.code == "own-headers-file"), "{:?}", site.report.warnings);
}

#[test]
fn an_unknown_referrer_policy_is_an_error_naming_the_choices() {
    let yaml = format!("{SITE_YAML}referrer_policy: unsafe-url\n");
    let error = with_builtin_theme(&yaml).file("content/a.md", &article("A", "2024-03-18", "", "x")).build_err();
    assert!(
        error
            .to_string()
            .contains("site.yaml:4:1: referrer_policy `unsafe-url` is not one pamphlet writes: use `no-referrer`"),
        "{error}"
    );
}

#[test]
fn serve_sends_the_same_headers_and_allows_its_own_reload_script() {
    let site = headers_site();
    let built_headers = {
        let copy = headers_site().build();
        copy.text("/_headers")
    };
    let mut opts = pamphlet::serve::ServeOptions::new(site.root());
    opts.port = 0;
    opts.build.now = Some(crate::common::now());
    let server = pamphlet::serve::start(opts, Arc::new(|_: &pamphlet::serve::ServeEvent| {})).unwrap();
    let page = request(server.addr(), "GET", "/2024/03/a/");
    assert_eq!(page.status, 200);
    let csp = page.header("Content-Security-Policy").unwrap().to_string();
    assert_eq!(page.header("Referrer-Policy"), Some("no-referrer"));
    assert_eq!(page.header("X-Content-Type-Options"), Some("nosniff"));
    // Every inline script of the page as served, the reload script included, is allowed.
    let html = Html::parse_document(&page.body);
    let scripts: Vec<String> = select(&html, "script:not([src])")
        .iter()
        .filter(|s| s.attr("type").is_none())
        .map(|s| pamphlet::headers::sha256_source(&s.text().collect::<String>()))
        .collect();
    assert!(page.body.contains("data-pamphlet-serve") && scripts.len() >= 2, "{}", page.body);
    for hash in &scripts {
        assert!(csp.contains(hash.as_str()), "{hash} not in {csp}");
    }
    // Otherwise it is the policy `build` writes.
    let built = policy(&built_headers);
    let served = policy(&format!("Content-Security-Policy: {csp}"));
    assert_eq!(built["img-src"], served["img-src"]);
    assert_eq!(built["frame-src"], served["frame-src"]);
    // Other files get the headers too.
    let css = request(server.addr(), "GET", "/style.css");
    assert_eq!(css.header("X-Content-Type-Options"), Some("nosniff"));
    assert!(css.header("Content-Security-Policy").is_some());
    drop(server);
}

/// The example site (the repository root), built for a test address with its `_headers`,
/// opened page by page in headless Chromium under that policy by tests/browser/csp.js: no page,
/// the search page running a query included, may cause a single violation.
#[test]
#[ignore = "needs chromium and tests/browser/node_modules (scripts/install_browser_tests.sh)"]
fn every_example_page_loads_under_the_generated_policy_without_a_violation() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("example");
    let base_url = "http://pamphlet.test/";
    let build = std::process::Command::new(env!("CARGO_BIN_EXE_pamphlet"))
        .args(["build", "--root"])
        .arg(repo)
        .arg("--output")
        .arg(&out)
        .args(["--base-url", base_url, "--hosting", "generic"])
        .output()
        .unwrap();
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
    let run = std::process::Command::new("node")
        .arg(repo.join("tests/browser/csp.js"))
        .arg("--site")
        .arg(&out)
        .args(["--base-url", base_url, "--pages"])
        .arg(repo.join("tests/browser/example-pages.json"))
        .output()
        .expect("run node (Node.js 20 or newer)");
    let report = format!("{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    assert!(run.status.success(), "tests/browser/csp.js found problems:\n{report}");
}
