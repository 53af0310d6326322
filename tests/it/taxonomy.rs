//! Categories, tags and authors: nesting, the two "News" categories, inference, slugs, indexes.

use crate::common;
use crate::common::{SiteTest, article};

fn titles(site: &common::Built, path: &str) -> Vec<String> {
    site.texts(path, "a.item")
}

#[test]
fn category_index_includes_subcategory_articles() {
    let site = SiteTest::fixture("categories/nested").build();
    assert_eq!(titles(&site, "/category/drm-exclusive/news/"), vec!["DRM news item"]);
    // The parent lists its own and all descendants' articles, newest first.
    assert_eq!(titles(&site, "/category/drm-exclusive/"), vec!["Campaign launch", "DRM news item"]);
    assert_eq!(titles(&site, "/category/drm-exclusive/campaigns/privacyhumsabke/"), vec!["Campaign launch"]);
}

#[test]
fn the_two_news_categories_stay_separate() {
    let site = SiteTest::fixture("categories/nested").build();
    assert_eq!(titles(&site, "/category/in-media/news/"), vec!["Media news item"]);
    assert_eq!(titles(&site, "/category/in-media/"), vec!["An opinion", "Media news item"]);
    assert!(!titles(&site, "/category/drm-exclusive/").contains(&"Media news item".to_string()));
}

#[test]
fn category_page_shows_sub_categories_description_and_ancestors() {
    let site = SiteTest::fixture("categories/nested").build();
    assert_eq!(site.texts("/category/drm-exclusive/", "a.child"), vec!["News", "Campaigns"]);
    assert_eq!(site.texts("/category/drm-exclusive/", "p.description"), vec!["Our own reporting."]);
    assert_eq!(
        site.texts("/category/drm-exclusive/campaigns/privacyhumsabke/", "a.ancestor"),
        vec!["DRM Exclusive", "Campaigns"]
    );
}

#[test]
fn article_categories_carry_their_ancestors() {
    let site = SiteTest::fixture("categories/nested").build();
    let page = "/2024/01/campaign/";
    assert_eq!(site.texts(page, "a.category"), vec!["#PrivacyHumSabKe"]);
    assert_eq!(site.texts(page, "a.category-ancestor"), vec!["DRM Exclusive", "Campaigns"]);
    assert_eq!(site.attrs(page, "a.category", "href"), vec!["/category/drm-exclusive/campaigns/privacyhumsabke/"]);
}

#[test]
fn empty_category_still_gets_a_page() {
    let site = SiteTest::fixture("categories/nested").build();
    assert!(site.exists("/category/in-media/op-eds/"));
    let site = SiteTest::fixture("categories/nested")
        .file("content/2024/01/oped.md", &article("Moved", "2024-01-13", "categories: [\"In Media/News\"]\n", "x"))
        .build();
    assert!(site.texts("/category/in-media/op-eds/", "a.item").is_empty());
}

#[test]
fn ambiguous_category_names_file_line_and_both_paths() {
    let t = SiteTest::fixture("categories/nested")
        .file("content/2024/01/bad.md", "---\ntitle: Bad\ndate: 2024-01-01\ncategories:\n  - News\n---\n");
    let msg = t.build_err().to_string();
    assert_eq!(
        msg,
        "content/2024/01/bad.md:5:5: category \"News\" is ambiguous: write \"DRM Exclusive/News\" or \"In Media/News\""
    );
}

#[test]
fn unknown_category_suggests_the_closest_path() {
    let t = SiteTest::fixture("categories/nested").file(
        "content/2024/01/bad.md",
        "---\ntitle: Bad\ndate: 2024-01-01\ncategories: [\"DRM Exclusive/Campains\"]\n---\n",
    );
    let msg = t.build_err().to_string();
    assert!(
        msg.starts_with("content/2024/01/bad.md:4:15: unknown category \"DRM Exclusive/Campains\": did you mean \"DRM Exclusive/Campaigns\""),
        "{msg}"
    );
}

#[test]
fn tree_is_inferred_when_site_yaml_declares_none() {
    let site = SiteTest::new()
        .file("content/a.md", &article("A", "2024-01-01", "categories: [\"Reports/Annual\"]\n", "x"))
        .file("content/b.md", &article("B", "2024-01-02", "categories: [\"Reports\"]\n", "x"))
        .build();
    assert_eq!(titles(&site, "/category/reports/"), vec!["B", "A"]);
    assert_eq!(titles(&site, "/category/reports/annual/"), vec!["A"]);
    assert_eq!(site.texts("/", "a.menu-item"), vec!["Reports", "Annual"]);
}

#[test]
fn tags_slugify_merge_by_slug_and_accept_a_single_string() {
    let site = SiteTest::new()
        .file("content/a.md", &article("A", "2024-01-01", "tags: Personal Data\n", "x"))
        .file("content/b.md", &article("B", "2024-01-02", "tags: [personal data, \"Women's Rights\"]\n", "x"))
        .build();
    assert_eq!(titles(&site, "/tag/personal-data/"), vec!["B", "A"]);
    assert_eq!(titles(&site, "/tag/womens-rights/"), vec!["B"]);
    assert_eq!(site.texts("/tags/", "a.tag"), vec!["Personal Data", "Women's Rights"]);
    assert_eq!(site.texts("/tags/", ".count"), vec!["2", "1"]);
}

#[test]
fn authors_resolve_by_id_and_unknown_names_get_a_page() {
    let site = SiteTest::new()
        .file(
            "site.yaml",
            &format!(
                "{}authors:\n  usman-shahid: {{ name: Usman Shahid, bio: \"Reporter.\" }}\n",
                common::PLAIN_SITE_YAML
            ),
        )
        .file("content/a.md", &article("A", "2024-01-01", "author: usman-shahid\n", "x"))
        .file("content/b.md", &article("B", "2024-01-02", "authors: [Usman Shahid, Guest Writer]\n", "x"))
        .build();
    assert_eq!(site.texts("/2024/01/b/", "a.author"), vec!["Usman Shahid", "Guest Writer"]);
    assert_eq!(site.attrs("/2024/01/b/", "a.author", "href"), vec!["/author/usman-shahid/", "/author/guest-writer/"]);
    assert_eq!(titles(&site, "/author/usman-shahid/"), vec!["B", "A"]);
    assert_eq!(site.texts("/author/usman-shahid/", "p.bio"), vec!["Reporter."]);
    assert_eq!(titles(&site, "/author/guest-writer/"), vec!["B"]);
    assert_eq!(site.texts("/authors/", "a.author"), vec!["Usman Shahid", "Guest Writer"]);
}

#[test]
fn urdu_tags_and_categories_keep_their_script() {
    let site = SiteTest::new()
        .file(
            "content/a.md",
            &article("اردو", "2024-01-01", "tags: [رازداری]\ncategories: [ڈیجیٹل حقوق]\nlang: ur\n", "متن"),
        )
        .build();
    assert!(site.exists("/tag/رازداری/"));
    assert!(site.exists("/category/ڈیجیٹل-حقوق/"));
}
