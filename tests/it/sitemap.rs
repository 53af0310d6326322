//! sitemap.xml and robots.txt: every `<loc>` is a file of the build, the right pages are listed
//! (drafts, aliases, later list pages, 404 and search never), `<lastmod>` follows `updated`.

use crate::common::{Built, SiteTest, article, percent_decode};

const ORIGIN: &str = "https://example.org";
const PREFIX: &str = "/mirror/";

/// (loc, lastmod) of every `<url>`, read with a real XML parser.
fn sitemap_urls(site: &Built) -> Vec<(String, Option<String>)> {
    let text = site.text("/sitemap.xml");
    let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("sitemap.xml is not XML: {e}\n{text}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "urlset");
    assert_eq!(root.tag_name().namespace(), Some("http://www.sitemaps.org/schemas/sitemap/0.9"));
    root.children()
        .filter(|n| n.has_tag_name("url"))
        .map(|url| {
            let child =
                |name: &str| url.children().find(|c| c.has_tag_name(name)).and_then(|c| c.text()).map(str::to_string);
            (child("loc").expect("every <url> has a <loc>"), child("lastmod"))
        })
        .collect()
}

/// The site paths (without prefix) the sitemap lists, each checked to map to an output file.
fn listed_paths(site: &Built) -> Vec<String> {
    sitemap_urls(site)
        .into_iter()
        .map(|(loc, _)| {
            let path =
                percent_decode(loc.strip_prefix(ORIGIN).unwrap_or_else(|| panic!("{loc} is not absolute on {ORIGIN}")));
            let inside = path.strip_prefix(PREFIX).unwrap_or_else(|| panic!("{loc} is outside {PREFIX}"));
            let site_path = format!("/{inside}");
            assert!(site.exists(&site_path), "<loc>{loc}</loc> has no file in the build");
            site_path
        })
        .collect()
}

#[test]
fn every_loc_maps_to_an_output_file_and_every_public_page_is_listed() {
    let site = SiteTest::fixture("publishing/newsroom").build();
    let mut listed = listed_paths(&site);
    listed.sort();
    let mut expected = vec![
        "/",
        "/2024/01/quotes/",
        "/2024/01/other/",
        "/2024/03/script/",
        "/2025/02/ڈیجیٹل-حقوق/",
        "/about/",
        "/category/drm-exclusive/",
        "/category/drm-exclusive/news/",
        "/category/in-media/",
        "/category/in-media/news/",
        "/category/events/",
        "/tag/privacy/",
        "/tag/shutdowns/",
        "/author/hina/",
        "/author/kamran/",
        "/tags/",
        "/authors/",
    ];
    expected.sort();
    assert_eq!(listed, expected);
    // Unicode paths are percent-encoded, as the protocol asks.
    let text = site.text("/sitemap.xml");
    assert!(text.contains("<loc>https://example.org/mirror/2025/02/%DA%88%DB%8C%D8%AC%DB%8C%D9%B9%D9%84-%D8%AD%D9%82%D9%88%D9%82/</loc>"), "{text}");
}

#[test]
fn drafts_aliases_404_search_and_later_pages_are_never_listed() {
    let mut t = SiteTest::fixture("publishing/newsroom").with(|o| o.drafts = true);
    for i in 1..=12 {
        t = t.file(
            &format!("content/2023/f{i}.md"),
            &article(&format!("Filler {i}"), &format!("2023-05-{i:02}"), "tags: [Privacy]\n", "x"),
        );
    }
    let site = t.build();
    assert!(site.exists("/2024/03/secret/") && site.exists("/old/other/") && site.exists("/404.html"));
    assert!(site.exists("/page/2/") && site.exists("/tag/privacy/page/2/") && site.exists("/tag/leaks/"));
    let listed = listed_paths(&site);
    for never in
        ["/2024/03/secret/", "/old/other/", "/404.html", "/page/2/", "/tag/privacy/page/2/", "/tag/leaks/", "/search/"]
    {
        assert!(!listed.iter().any(|p| p == never), "{never} is listed");
    }
    assert!(listed.iter().any(|p| p == "/2023/05/f12/"));
}

#[test]
fn lastmod_comes_from_updated_then_date() {
    let site = SiteTest::fixture("publishing/newsroom").build();
    let urls = sitemap_urls(&site);
    let lastmod = |loc: &str| urls.iter().find(|(l, _)| l == loc).and_then(|(_, m)| m.clone());
    assert_eq!(lastmod("https://example.org/mirror/2024/01/quotes/").as_deref(), Some("2024-02-01T00:00:00+05:00"));
    assert_eq!(lastmod("https://example.org/mirror/2024/01/other/").as_deref(), Some("2024-01-05T00:00:00+05:00"));
    // Lists take their newest article's change; the home page the newest of all.
    assert_eq!(lastmod("https://example.org/mirror/").as_deref(), Some("2025-02-18T00:00:00+05:00"));
    assert_eq!(lastmod("https://example.org/mirror/tag/shutdowns/").as_deref(), Some("2024-02-01T00:00:00+05:00"));
    // An empty declared category and a page without `updated` have none.
    assert_eq!(lastmod("https://example.org/mirror/category/events/"), None);
    assert_eq!(lastmod("https://example.org/mirror/about/"), None);
}

#[test]
fn robots_txt_points_at_the_absolute_sitemap_url() {
    let site = SiteTest::fixture("publishing/newsroom").build();
    assert_eq!(
        site.text("/robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://example.org/mirror/sitemap.xml\n"
    );
}

#[test]
fn a_robots_txt_in_static_wins_over_the_generated_one() {
    let site = SiteTest::new().file("static/robots.txt", "User-agent: *\nDisallow: /private/\n").build();
    assert_eq!(site.text("/robots.txt"), "User-agent: *\nDisallow: /private/\n");
}
