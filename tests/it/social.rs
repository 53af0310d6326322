//! Social cards and structured data: the `seo` variables as printed by the
//! `partials/meta.html` partial (Open Graph, Twitter, description, canonical), and the
//! `json_ld` variable, parsed back with serde_json, including titles that try to break out.
use crate::common;

use crate::common::{Built, SiteTest};
use scraper::{Html, Selector};
use serde_json::Value;

fn newsroom() -> Built {
    SiteTest::fixture("publishing/newsroom").build()
}

/// The content of `<meta property=…>` or `<meta name=…>`, every occurrence.
fn meta(site: &Built, page: &str, key: &str) -> Vec<String> {
    let mut values = site.attrs(page, &format!("meta[property=\"{key}\"]"), "content");
    values.extend(site.attrs(page, &format!("meta[name=\"{key}\"]"), "content"));
    values
}

/// The page's one JSON-LD block, parsed.
fn json_ld(site: &Built, page: &str) -> Value {
    let html = Html::parse_document(&site.text(page));
    let sel = Selector::parse("script[type=\"application/ld+json\"]").expect("valid selector");
    let blocks: Vec<String> = html.select(&sel).map(|s| s.text().collect()).collect();
    assert_eq!(blocks.len(), 1, "{page} should have one JSON-LD block: {blocks:?}");
    serde_json::from_str(&blocks[0]).unwrap_or_else(|e| panic!("{page}: JSON-LD does not parse: {e}\n{}", blocks[0]))
}

#[test]
fn article_has_open_graph_and_twitter_card_tags() {
    let site = newsroom();
    let page = "/2024/01/quotes/";
    let one = |key: &str| {
        let v = meta(&site, page, key);
        assert_eq!(v.len(), 1, "{key}: {v:?}");
        v[0].clone()
    };
    assert_eq!(one("og:title"), r#"Rights & <Wrongs>: the "quoted" story"#);
    assert_eq!(one("description"), "Shutdowns & \"blackouts\" in Balochistan.");
    assert_eq!(one("og:description"), "Shutdowns & \"blackouts\" in Balochistan.");
    assert_eq!(one("og:type"), "article");
    assert_eq!(one("og:url"), "https://example.org/mirror/2024/01/quotes/");
    assert_eq!(site.attrs(page, "link[rel=canonical]", "href"), ["https://example.org/mirror/2024/01/quotes/"]);
    assert_eq!(one("og:image"), "https://example.org/mirror/images/card.png");
    assert_eq!(one("og:image:alt"), "A phone with no signal");
    assert_eq!(one("og:site_name"), "Rights & Wires");
    assert_eq!(one("article:published_time"), "2024-01-10T09:30:00+05:00");
    assert_eq!(one("article:modified_time"), "2024-02-01T00:00:00+05:00");
    assert_eq!(one("article:author"), "https://example.org/mirror/author/hina/");
    assert_eq!(one("article:section"), "News");
    assert_eq!(meta(&site, page, "article:tag"), ["Privacy", "Shutdowns"]);
    assert_eq!(one("twitter:card"), "summary_large_image");
    assert_eq!(one("twitter:site"), "@drm");
    assert_eq!(one("twitter:creator"), "@hina_b");
    assert_eq!(one("twitter:image"), "https://example.org/mirror/images/card.png");
}

#[test]
fn pages_without_an_image_get_a_summary_card_with_the_logo() {
    let site = newsroom();
    for page in ["/2024/01/other/", "/about/", "/", "/tag/privacy/"] {
        assert_eq!(meta(&site, page, "twitter:card"), ["summary"], "{page}");
        assert_eq!(meta(&site, page, "og:image"), ["https://example.org/mirror/images/logo.png"], "{page}");
    }
    assert_eq!(meta(&site, "/", "og:type"), ["website"]);
    assert_eq!(meta(&site, "/author/hina/", "og:type"), ["profile"]);
    assert_eq!(meta(&site, "/", "description"), ["Reporting on <digital> rights & freedoms"]);
    assert_eq!(meta(&site, "/about/", "description"), ["Who we are & what we do."]);
    assert!(meta(&site, "/", "article:published_time").is_empty());
    assert_eq!(meta(&site, "/404.html", "robots"), ["noindex"]);
    assert!(meta(&site, "/", "robots").is_empty());
}

#[test]
fn article_json_ld_is_a_news_article() {
    let site = newsroom();
    let ld = json_ld(&site, "/2024/01/quotes/");
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "NewsArticle");
    assert_eq!(ld["headline"], r#"Rights & <Wrongs>: the "quoted" story"#);
    assert_eq!(ld["datePublished"], "2024-01-10T09:30:00+05:00");
    assert_eq!(ld["dateModified"], "2024-02-01T00:00:00+05:00");
    assert_eq!(ld["author"][0]["@type"], "Person");
    assert_eq!(ld["author"][0]["name"], "Hina Baloch");
    assert_eq!(ld["author"][0]["url"], "https://example.org/mirror/author/hina/");
    assert_eq!(ld["image"][0], "https://example.org/mirror/images/card.png");
    assert_eq!(ld["publisher"]["@type"], "Organization");
    assert_eq!(ld["publisher"]["name"], "Rights & Wires");
    assert_eq!(ld["publisher"]["logo"]["url"], "https://example.org/mirror/images/logo.png");
    assert_eq!(ld["mainEntityOfPage"]["@id"], "https://example.org/mirror/2024/01/quotes/");
    assert_eq!(ld["inLanguage"], "en");
    let urdu = json_ld(&site, "/2025/02/ڈیجیٹل-حقوق/");
    assert_eq!(urdu["headline"], "ڈیجیٹل حقوق کا دن");
    assert_eq!(urdu["inLanguage"], "ur");
}

#[test]
fn a_title_with_script_end_tag_and_quotes_cannot_break_out_of_the_json_ld() {
    let site = newsroom();
    let page = "/2024/03/script/";
    let raw = site.text(page);
    assert!(!raw.contains("<script>alert"), "the title leaked into the markup:\n{raw}");
    let html = Html::parse_document(&raw);
    assert_eq!(html.select(&Selector::parse("script").unwrap()).count(), 1, "only the JSON-LD script: {raw}");
    let ld = json_ld(&site, page);
    assert_eq!(ld["headline"], r#"Breaking </script><script>alert(1)</script> "news""#);
    assert!(raw.contains(r#"\u003c/script\u003e"#), "{raw}");
}

#[test]
fn category_and_tag_pages_carry_breadcrumbs() {
    let site = newsroom();
    let trail = |page: &str| -> Vec<(u64, String, String)> {
        let ld = json_ld(&site, page);
        assert_eq!(ld["@type"], "BreadcrumbList", "{page}");
        ld["itemListElement"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                assert_eq!(i["@type"], "ListItem");
                (
                    i["position"].as_u64().unwrap(),
                    i["name"].as_str().unwrap().into(),
                    i["item"].as_str().unwrap().into(),
                )
            })
            .collect()
    };
    let s = |p: u64, n: &str, u: &str| (p, n.to_string(), u.to_string());
    assert_eq!(
        trail("/category/in-media/news/"),
        [
            s(1, "Rights & Wires", "https://example.org/mirror/"),
            s(2, "In Media", "https://example.org/mirror/category/in-media/"),
            s(3, "News", "https://example.org/mirror/category/in-media/news/"),
        ]
    );
    assert_eq!(
        trail("/tag/privacy/"),
        [
            s(1, "Rights & Wires", "https://example.org/mirror/"),
            s(2, "Tags", "https://example.org/mirror/tags/"),
            s(3, "Privacy", "https://example.org/mirror/tag/privacy/"),
        ]
    );
}

#[test]
fn home_is_a_web_site_with_a_search_action_and_authors_are_profile_pages() {
    let site = newsroom();
    let home = json_ld(&site, "/");
    assert_eq!(home["@type"], "WebSite");
    assert_eq!(home["url"], "https://example.org/mirror/");
    assert_eq!(
        home["potentialAction"]["target"]["urlTemplate"],
        "https://example.org/mirror/search/?q={search_term_string}"
    );
    let author = json_ld(&site, "/author/kamran/");
    assert_eq!(author["@type"], "ProfilePage");
    assert_eq!(author["mainEntity"]["name"], "Kamran Ashraf");
    assert_eq!(json_ld(&site, "/about/")["@type"], "WebPage");
}

#[test]
fn without_logo_or_twitter_site_those_tags_are_left_out() {
    let site = SiteTest::new().file("content/a.md", &common::article("A", "2024-01-01", "", "x")).build();
    assert!(meta(&site, "/2024/01/a/", "twitter:site").is_empty());
    assert!(meta(&site, "/2024/01/a/", "og:image").is_empty());
    assert!(json_ld(&site, "/2024/01/a/")["publisher"].get("logo").is_none());
    // The site's theme_config.logo stands in for a missing `logo:`.
    let site = SiteTest::new()
        .file("site.yaml", &format!("{}theme_config:\n  logo: /t.png\n", common::PLAIN_SITE_YAML))
        .image("static/t.png")
        .file("content/a.md", &common::article("A", "2024-01-01", "", "x"))
        .build();
    assert_eq!(json_ld(&site, "/2024/01/a/")["publisher"]["logo"]["url"], "https://example.org/t.png");
}

/// The test theme uses a copy of the built-in theme's partial: keep them identical.
#[test]
fn the_test_themes_meta_partial_is_the_built_in_one() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
    assert_eq!(
        read("tests/themes/plain/templates/partials/meta.html"),
        read("themes/advocacy/templates/partials/meta.html")
    );
}
