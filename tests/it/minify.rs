//! `minify: true`: pages get smaller, stay parseable and keep their content; off by default.
#![cfg(feature = "minify")]

use crate::common;

use crate::common::{SiteTest, article};

fn site(minify: bool) -> common::Built {
    SiteTest::fixture("publishing/newsroom")
        .file(
            "site.yaml",
            &format!(
                "{}minify: {minify}\n",
                std::fs::read_to_string(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/tests/sites/publishing/newsroom/site.yaml"
                ))
                .expect("the fixture's site.yaml")
            ),
        )
        .file(
            "content/2024/05/spaces.md",
            &article("Spaces", "2024-05-01", "", "Some    text\n\n    indented    code\n"),
        )
        .build()
}

#[test]
fn minified_pages_are_smaller_and_keep_their_content_links_and_json_ld() {
    let (plain, small) = (site(false), site(true));
    for page in ["/", "/2024/01/quotes/", "/2025/02/ڈیجیٹل-حقوق/", "/tag/privacy/", "/404.html"] {
        let (a, b) = (plain.text(page), small.text(page));
        assert!(b.len() < a.len(), "{page}: {} !< {}", b.len(), a.len());
        // Whitespace between elements may go; the words may not.
        let words = |s: &common::Built, css: &str| -> Vec<String> {
            s.texts(page, css).iter().map(|t| t.split_whitespace().collect::<String>()).collect()
        };
        for css in ["h1", "a", "main", "title"] {
            assert_eq!(words(&plain, css), words(&small, css), "{page} {css}");
        }
        assert_eq!(plain.texts(page, "pre"), small.texts(page, "pre"), "{page}: <pre> is kept exactly");
        assert_eq!(plain.attrs(page, "a", "href"), small.attrs(page, "a", "href"), "{page}");
        assert_eq!(plain.attrs(page, "meta", "content"), small.attrs(page, "meta", "content"), "{page}");
        let ld = |s: &common::Built| s.texts(page, "script[type=\"application/ld+json\"]");
        let (x, y) = (ld(&plain), ld(&small));
        assert_eq!(x.len(), y.len());
        for (x, y) in x.iter().zip(&y) {
            let x: serde_json::Value = serde_json::from_str(x).unwrap();
            let y: serde_json::Value = serde_json::from_str(y).unwrap();
            assert_eq!(x, y, "{page}");
        }
    }
    assert!(small.text("/2024/05/spaces/").contains("indented    code"), "whitespace inside <pre> is kept");
    small.assert_internal_links_resolve("https://example.org", "/mirror/");
    // Feeds and the sitemap are not HTML pages and are left as they are.
    assert_eq!(plain.text("/feed.xml"), small.text("/feed.xml"));
}

#[test]
fn minify_is_off_by_default() {
    let site = SiteTest::new().file("content/a.md", &article("A", "2024-01-01", "", "x")).build();
    assert!(site.text("/2024/01/a/").contains("\n<body"), "pages are written as the templates print them");
}
