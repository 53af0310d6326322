//! The built-in "advocacy" theme, checked on the example site at the repository root: nothing
//! loads from another host, the article page has the parts other tests and readers rely on, and
//! an article page stays light. See issue 3.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use scraper::{ElementRef, Html, Selector};

/// The example site's own origin: absolute URLs to it are not third-party.
const OWN_ORIGIN: &str = "https://example.org/";

/// HTML + CSS + JS budget for one article page, before images (issue 3: "under 60 KB").
const ARTICLE_PAGE_BUDGET: u64 = 60 * 1024;

/// `rel` values of `<link>` that make the browser fetch (or connect to) the URL on its own.
const LOADING_LINK_RELS: &[&str] = &[
    "stylesheet",
    "preload",
    "modulepreload",
    "prefetch",
    "preconnect",
    "dns-prefetch",
    "icon",
    "apple-touch-icon",
    "mask-icon",
    "manifest",
];

/// Elements whose URL attributes load automatically, and those attributes.
const LOADING_ELEMENTS: &[(&str, &[&str])] = &[
    ("script", &["src"]),
    ("img", &["src", "srcset"]),
    ("iframe", &["src"]),
    ("frame", &["src"]),
    ("source", &["src", "srcset"]),
    ("video", &["src", "poster"]),
    ("audio", &["src"]),
    ("track", &["src"]),
    ("object", &["data"]),
    ("embed", &["src"]),
    ("input", &["src"]),
];

/// Builds the example site into a fresh temporary folder.
fn build_example(drafts: bool) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("public");
    // Struct update syntax: options added later keep their defaults here.
    pamphlet::build(&pamphlet::BuildOptions {
        output: Some(out.clone()),
        base_url: None,
        drafts,
        future: false,
        now: None,
        ..pamphlet::BuildOptions::new(env!("CARGO_MANIFEST_DIR"))
    })
    .unwrap_or_else(|e| panic!("the example site builds: {e}"));
    (dir, out)
}

fn files_with_extension(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == ext))
        .map(walkdir::DirEntry::into_path)
        .collect();
    out.sort();
    out
}

fn page(out: &Path, site_path: &str) -> Html {
    let file = out.join(site_path.trim_start_matches('/')).join("index.html");
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("read {}: {e}", file.display()));
    Html::parse_document(&text)
}

fn select<'a>(html: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
    let sel = Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e:?}"));
    html.select(&sel).collect()
}

fn is_third_party(url: &str) -> bool {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    let remote = lower.starts_with("http:") || lower.starts_with("https:") || lower.starts_with("//");
    remote && !lower.starts_with(OWN_ORIGIN)
}

/// The URLs of a `srcset` (`a.png 1x, b.png 2x`).
fn srcset_urls(srcset: &str) -> impl Iterator<Item = &str> {
    srcset.split(',').filter_map(|candidate| candidate.split_whitespace().next())
}

/// Every URL in `html` that the browser would fetch from another host without a click, as
/// `<tag attr="url">`. Plain `<a href>` links are not requests and are not reported.
fn third_party_requests(html: &Html) -> Vec<String> {
    let mut found = Vec::new();
    for link in select(html, "link[rel][href]") {
        let rel = link.value().attr("rel").unwrap_or("").to_ascii_lowercase();
        let loads = rel.split_whitespace().any(|r| LOADING_LINK_RELS.contains(&r));
        let href = link.value().attr("href").unwrap_or("");
        if loads && is_third_party(href) {
            found.push(format!("<link rel=\"{rel}\" href=\"{href}\">"));
        }
    }
    for (tag, attrs) in LOADING_ELEMENTS {
        for el in select(html, tag) {
            for attr in *attrs {
                let Some(value) = el.value().attr(attr) else { continue };
                let urls: Vec<&str> = if *attr == "srcset" { srcset_urls(value).collect() } else { vec![value] };
                for url in urls.into_iter().filter(|u| is_third_party(u)) {
                    found.push(format!("<{tag} {attr}=\"{url}\">"));
                }
            }
        }
    }
    found
}

/// `url(...)` and `@import` targets on other hosts in a style sheet.
fn third_party_css_urls(css: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (i, _) in css.match_indices("url(") {
        let rest = &css[i + 4..];
        let arg = rest[..rest.find(')').unwrap_or(rest.len())].trim().trim_matches(['"', '\'']);
        if is_third_party(arg) {
            found.push(format!("url({arg})"));
        }
    }
    for (i, _) in css.match_indices("@import") {
        let rest = css[i + 7..].trim_start().trim_start_matches("url(").trim_start_matches(['"', '\'']);
        let target = rest.split(['"', '\'', ')', ';', ' ']).next().unwrap_or("");
        if is_third_party(target) {
            found.push(format!("@import {target}"));
        }
    }
    found
}

#[test]
fn the_example_site_makes_no_third_party_requests() {
    let (_dir, out) = build_example(false);
    let pages = files_with_extension(&out, "html");
    assert!(pages.len() > 50, "the example site has its pages: {}", pages.len());
    let mut offenders = Vec::new();
    for file in &pages {
        let html = Html::parse_document(&std::fs::read_to_string(file).expect("read page"));
        for request in third_party_requests(&html) {
            offenders.push(format!("{}: {request}", file.strip_prefix(&out).unwrap_or(file).display()));
        }
    }
    for file in files_with_extension(&out, "css") {
        for request in third_party_css_urls(&std::fs::read_to_string(&file).expect("read css")) {
            offenders.push(format!("{}: {request}", file.strip_prefix(&out).unwrap_or(file.as_path()).display()));
        }
    }
    assert!(offenders.is_empty(), "{} third-party requests:\n{}", offenders.len(), offenders.join("\n"));
}

/// The scanners above must be able to fail: each kind of automatic request is caught, while
/// outbound links and the site's own absolute URLs are not.
/// The security policy's quick page reader (issue 19) must find on every page of the example
/// site (photos, embeds, a table with alignment, Urdu, the search page) what lol_html finds, and
/// must not give up on any of them: a page it gives up on is read at lol_html's cost.
#[test]
fn the_quick_page_reader_finds_what_lol_html_finds_on_every_example_page() {
    let (_dir, out) = build_example(true);
    let pages = files_with_extension(&out, "html");
    assert!(pages.len() > 30, "{} pages", pages.len());
    for path in pages {
        let html = std::fs::read(&path).expect("read page");
        let quick = pamphlet::headers::PageSources::quick(&html);
        let quick = quick.unwrap_or_else(|| panic!("{}: the quick reader gave up", path.display()));
        assert_eq!(quick, pamphlet::headers::PageSources::read_with_lol_html(&html), "{}", path.display());
    }
}

#[test]
fn third_party_scan_reports_loading_elements_but_not_links() {
    let html = Html::parse_document(
        r#"<!DOCTYPE html><html><head>
        <link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Inter">
        <link rel="preconnect" href="//cdn.example.net">
        <link rel="canonical" href="https://elsewhere.example/">
        <link rel="icon" href="https://example.org/favicon.svg">
        <script src="https://analytics.example.com/a.js"></script>
        </head><body>
        <img src="/local.png" srcset="/a.png 1x, https://img.example.com/b.png 2x" alt="">
        <video poster="http://video.example.com/p.jpg"></video>
        <iframe src="https://www.youtube.com/embed/x"></iframe>
        <a href="https://x.com/share">share</a>
        </body></html>"#,
    );
    let found = third_party_requests(&html);
    assert_eq!(
        found,
        vec![
            "<link rel=\"stylesheet\" href=\"https://fonts.googleapis.com/css2?family=Inter\">",
            "<link rel=\"preconnect\" href=\"//cdn.example.net\">",
            "<script src=\"https://analytics.example.com/a.js\">",
            "<img srcset=\"https://img.example.com/b.png\">",
            "<iframe src=\"https://www.youtube.com/embed/x\">",
            "<video poster=\"http://video.example.com/p.jpg\">",
        ]
    );
    let css = "body{background:url('https://cdn.example.net/bg.png')} i{background:url(/ok.svg)}\n@import \"https://fonts.example.com/f.css\";";
    assert_eq!(
        third_party_css_urls(css),
        vec!["url(https://cdn.example.net/bg.png)", "@import https://fonts.example.com/f.css"]
    );
}

#[test]
fn article_page_has_navigation_dates_figure_menu_and_share_links() {
    let (_dir, out) = build_example(false);
    let html = page(&out, "/2024/05/verify-your-downloads/");
    for css in
        ["a[rel=prev]", "a[rel=next]", "time[datetime]", "figure figcaption", "a[href=\"#main\"]", "main#main h1"]
    {
        assert!(!select(&html, css).is_empty(), "the article page has `{css}`");
    }
    // rel=prev is the older article, and both carry the title.
    let prev = select(&html, "a[rel=prev]");
    assert_eq!(prev.len(), 1, "one previous link");
    assert!(prev[0].text().collect::<String>().contains("How an Internet Shutdown Actually Happens"));
    // Dates are machine-readable.
    for time in select(&html, "time[datetime]") {
        let value = time.value().attr("datetime").unwrap_or("");
        assert!(value.len() >= 10 && value.as_bytes()[4] == b'-', "datetime is ISO 8601: {value:?}");
    }
    // The main menu holds the three-level category tree.
    let menu_links: BTreeSet<&str> =
        select(&html, "nav[aria-label=Main] a").iter().filter_map(|a| a.value().attr("href")).collect();
    for href in [
        "/category/drm-exclusive/",
        "/category/drm-exclusive/campaigns/",
        "/category/drm-exclusive/campaigns/privacyhumsabke/",
        "/about/",
    ] {
        assert!(menu_links.contains(href), "the main menu links to {href}: {menu_links:?}");
    }
    // The category trail names the ancestors.
    let trail = select(&html, ".trail a").iter().map(|a| a.text().collect::<String>()).collect::<Vec<_>>();
    assert_eq!(trail, ["Resources", "Guides"]);
    // Share links are plain links with the permalink URL-encoded into them.
    let encoded = "https%3A//example.org/2024/05/verify-your-downloads/";
    let shares: Vec<&str> = select(&html, ".share a").iter().filter_map(|a| a.value().attr("href")).collect();
    for prefix in [
        "https://x.com/intent/",
        "https://www.facebook.com/sharer/",
        "https://wa.me/",
        "https://www.linkedin.com/",
        "https://t.me/share/",
        "mailto:",
    ] {
        let link = shares
            .iter()
            .find(|h| h.starts_with(prefix))
            .unwrap_or_else(|| panic!("a share link to {prefix}: {shares:?}"));
        assert!(link.contains(encoded), "{link} carries the encoded permalink");
    }
    for script in select(&html, "script") {
        let size = script.text().map(str::len).sum::<usize>();
        assert!(script.value().attr("src").is_none() && size < 1024, "only a tiny inline script: {size} bytes");
    }
    // Long articles get a table of contents linking to the headings.
    let toc: Vec<&str> = select(&html, "nav.toc a").iter().filter_map(|a| a.value().attr("href")).collect();
    assert!(toc.len() >= 4, "table of contents: {toc:?}");
    for href in toc {
        let id = href.trim_start_matches('#');
        assert!(!select(&html, &format!("[id=\"{id}\"]")).is_empty(), "toc target {href} exists");
    }
}

#[test]
fn urdu_article_is_right_to_left_and_its_chrome_is_urdu_too() {
    let (_dir, out) = build_example(false);
    let html = page(&out, "/2025/02/ڈیجیٹل-حقوق/");
    assert_eq!(select(&html, "html[dir=rtl][lang=ur]").len(), 1, "<html lang=ur dir=rtl>");
    // The header follows the page's language (issue 18): no lang of its own, Urdu labels.
    assert_eq!(select(&html, "header.site-header[lang]").len(), 0);
    let button: String = select(&html, "header.site-header button")[0].text().collect();
    assert_eq!(button, "تلاش");
    // Cards of English articles on the Urdu page carry their own language and direction.
    let related = select(&html, ".related article.card");
    assert!(!related.is_empty());
    for card in related {
        let lang = card.value().attr("lang");
        assert!(lang.is_none() || lang == Some("en"), "{lang:?}");
        if lang == Some("en") {
            assert_eq!(card.value().attr("dir"), Some("ltr"));
        }
    }
}

#[test]
fn home_page_opens_with_a_lead_story_and_numbers_its_pages() {
    let (_dir, out) = build_example(false);
    let home = page(&out, "/");
    assert_eq!(select(&home, ".lead-story article.card-lead").len(), 1, "a lead story on page 1");
    let current = select(&home, "nav.pagination a[aria-current=page]");
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].value().attr("href"), Some("/"));
    assert_eq!(select(&home, "nav.pagination a[rel=next]")[0].value().attr("href"), Some("/page/2/"));
    let second = page(&out, "/page/2/");
    assert!(select(&second, ".card-lead").is_empty(), "only the first page has a lead story");
    assert_eq!(select(&second, "nav.pagination a[rel=prev]")[0].value().attr("href"), Some("/"));
    let category = page(&out, "/category/drm-exclusive/");
    let subs: Vec<&str> = select(&category, ".subcategories a").iter().filter_map(|a| a.value().attr("href")).collect();
    assert_eq!(subs, ["/category/drm-exclusive/news/", "/category/drm-exclusive/campaigns/"]);
}

#[test]
fn drafts_show_a_badge() {
    let (_dir, out) = build_example(true);
    let html = page(&out, "/2026/08/shutdown-tracker-mid-2026/");
    let badges: Vec<String> = select(&html, "h1 .badge").iter().map(|b| b.text().collect()).collect();
    assert_eq!(badges, ["Draft"]);
}

#[test]
fn an_article_page_with_its_css_and_scripts_weighs_under_60_kb() {
    let (_dir, out) = build_example(false);
    let heaviest = files_with_extension(&out, "html")
        .into_iter()
        .filter(|f| {
            select(&Html::parse_document(&std::fs::read_to_string(f).expect("read")), "body.kind-article").len() == 1
        })
        .map(|f| (std::fs::metadata(&f).expect("page size").len(), f))
        .max()
        .expect("article pages exist");
    // What the page itself loads: its style sheets and scripts (not, say, the search bundle,
    // which only the search page loads).
    let html = Html::parse_document(&std::fs::read_to_string(&heaviest.1).expect("read"));
    let loaded: Vec<String> = select(&html, "link[rel=stylesheet][href], script[src]")
        .iter()
        .filter_map(|e| e.value().attr("href").or(e.value().attr("src")).map(str::to_string))
        .collect();
    let assets: u64 = loaded
        .iter()
        .map(|url| std::fs::metadata(out.join(url.trim_start_matches('/'))).expect("loaded asset exists").len())
        .sum();
    assert!(assets > 0, "the theme ships a style sheet");
    let total = heaviest.0 + assets;
    assert!(
        total < ARTICLE_PAGE_BUDGET,
        "{} ({} bytes) + CSS/JS ({assets} bytes) = {total} bytes, over the {ARTICLE_PAGE_BUDGET}-byte budget",
        heaviest.1.display(),
        heaviest.0
    );
}

/// The theme's optional settings (`theme_config:`, authors, categories) may all be missing.
#[test]
fn built_in_theme_renders_a_site_without_theme_config_authors_or_categories() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    std::fs::create_dir_all(root.join("content")).expect("mkdir");
    std::fs::write(root.join("site.yaml"), "title: Bare\nbase_url: https://example.org\n").expect("write");
    std::fs::write(root.join("content/a.md"), "---\ntitle: Hello\ndate: 2024-01-01\n---\nText.\n").expect("write");
    let out = root.join("public");
    pamphlet::build(&pamphlet::BuildOptions::new(root.clone())).unwrap_or_else(|e| panic!("bare site builds: {e}"));
    let html = page(&out, "/2024/01/a/");
    assert_eq!(select(&html, "h1").iter().map(|h| h.text().collect::<String>()).collect::<Vec<_>>(), ["Hello"]);
    assert!(select(&html, ".brand-logo").is_empty(), "no logo without theme_config.logo");
    assert!(select(&html, ".follow a[href^=\"https://\"]").is_empty(), "no social links without theme_config.social");
    assert_eq!(select(&html, "link[rel=icon]")[0].value().attr("href"), Some("/favicon.svg"));
    assert!(out.join("favicon.svg").is_file());
}

/// The search page once had the header's search box id twice (the Nu checker caught it).
#[test]
fn element_ids_are_unique_on_every_page() {
    let (_dir, out) = build_example(false);
    let mut checked = 0;
    for file in files_with_extension(&out, "html") {
        let html = Html::parse_document(&std::fs::read_to_string(&file).expect("read"));
        let mut seen = std::collections::BTreeSet::new();
        for el in select(&html, "[id]") {
            let id = el.value().attr("id").unwrap_or_default().to_string();
            assert!(seen.insert(id.clone()), "{}: duplicate id `{id}`", file.display());
        }
        checked += 1;
    }
    assert!(checked > 50, "only {checked} pages checked");
}
