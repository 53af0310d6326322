//! End-to-end builds of small sites: URLs, pagination, previous/next, drafts, scheduling,
//! aliases, Unicode slugs, path-prefixed base URLs, bundles and template overrides.

use crate::common;

use crate::common::{SiteTest, article};

fn site_with_articles(n: usize) -> SiteTest {
    let mut t = SiteTest::new();
    for i in 1..=n {
        t = t.file(
            &format!("content/a{i:02}.md"),
            &article(&format!("Article {i:02}"), &format!("2024-01-{i:02}"), "", "x"),
        );
    }
    t
}

// --- Pagination boundaries: 0, 1, exactly `paginate`, `paginate + 1` articles. ---

#[test]
fn home_with_no_articles_is_one_empty_page() {
    let site = site_with_articles(0).build();
    assert!(site.texts("/", "a.item").is_empty());
    assert_eq!(site.attrs("/", ".pager", "data-total"), vec!["1"]);
    assert!(!site.exists("/page/2/"));
    assert!(site.attrs("/", "a[rel=next]", "href").is_empty());
}

#[test]
fn home_with_one_article() {
    let site = site_with_articles(1).build();
    assert_eq!(site.texts("/", "a.item"), vec!["Article 01"]);
    assert!(!site.exists("/page/2/"));
}

#[test]
fn exactly_paginate_articles_fit_on_one_page() {
    let site = site_with_articles(10).build();
    assert_eq!(site.texts("/", "a.item").len(), 10);
    assert_eq!(site.attrs("/", ".pager", "data-total"), vec!["1"]);
    assert!(!site.exists("/page/2/"));
}

#[test]
fn paginate_plus_one_spills_onto_page_two_with_rel_links() {
    let site = site_with_articles(11).build();
    assert_eq!(site.texts("/", "a.item").len(), 10);
    assert_eq!(site.texts("/", "a.item")[0], "Article 11");
    assert_eq!(site.texts("/page/2/", "a.item"), vec!["Article 01"]);
    assert_eq!(site.attrs("/", "a[rel=next]", "href"), vec!["/page/2/"]);
    assert_eq!(site.attrs("/page/2/", "a[rel=prev]", "href"), vec!["/"]);
    assert_eq!(site.texts("/page/2/", "a[aria-current=page]"), vec!["2"]);
    assert!(!site.exists("/page/3/"));
}

#[test]
fn tag_and_category_lists_paginate_too() {
    let mut t = SiteTest::new();
    for i in 1..=11 {
        t = t.file(
            &format!("content/a{i:02}.md"),
            &article(&format!("A{i:02}"), &format!("2024-01-{i:02}"), "tags: [T]\ncategories: [C]\nauthor: Jo\n", "x"),
        );
    }
    let site = t.build();
    for base in ["/tag/t/", "/category/c/", "/author/jo/"] {
        assert_eq!(site.texts(base, "a.item").len(), 10, "{base}");
        assert_eq!(site.texts(&format!("{base}page/2/"), "a.item"), vec!["A01"], "{base}");
    }
}

// --- Previous / next ---

#[test]
fn previous_is_older_and_next_is_newer_with_stable_ties() {
    let site = SiteTest::new()
        .file("content/a.md", &article("Alpha", "2024-01-01", "", "x"))
        .file("content/b.md", &article("Bravo", "2024-01-02", "", "x"))
        // Same date as Bravo: ties break by title, so Charlie is "newer" than Bravo.
        .file("content/c.md", &article("Charlie", "2024-01-02", "", "x"))
        .build();
    let prev = |p: &str| site.texts(p, "a[rel=prev]");
    let next = |p: &str| site.texts(p, "a[rel=next]");
    assert_eq!(prev("/2024/01/a/"), Vec::<String>::new());
    assert_eq!(next("/2024/01/a/"), vec!["Charlie"]);
    assert_eq!(prev("/2024/01/c/"), vec!["Alpha"]);
    assert_eq!(next("/2024/01/c/"), vec!["Bravo"]);
    assert_eq!(prev("/2024/01/b/"), vec!["Charlie"]);
    assert_eq!(next("/2024/01/b/"), Vec::<String>::new());
}

#[test]
fn explicit_previous_and_next_by_slug_or_content_path() {
    let site = SiteTest::new()
        .file("content/2024/a.md", &article("Alpha", "2024-01-01", "", "x"))
        .file("content/2024/b.md", &article("Bravo", "2024-02-01", "", "x"))
        .file("content/2024/c.md", &article("Charlie", "2024-03-01", "previous: a\nnext: 2024/b.md\n", "x"))
        .build();
    assert_eq!(site.texts("/2024/03/c/", "a[rel=prev]"), vec!["Alpha"]);
    assert_eq!(site.texts("/2024/03/c/", "a[rel=next]"), vec!["Bravo"]);
}

#[test]
fn unknown_previous_target_is_an_error_with_line() {
    let t = SiteTest::new().file("content/c.md", &article("Charlie", "2024-03-01", "previous: nowhere\n", "x"));
    let msg = t.build_err().to_string();
    assert!(msg.starts_with("content/c.md:4:11: `previous: nowhere` matches no article"), "{msg}");
}

// --- Drafts and scheduled posts ---

#[test]
fn drafts_are_skipped_unless_asked_for() {
    let make = || {
        SiteTest::new()
            .file("content/a.md", &article("Public", "2024-01-01", "", "x"))
            .file("content/d.md", &article("Secret draft", "2024-01-02", "draft: true\n", "x"))
    };
    let site = make().build();
    assert_eq!(site.texts("/", "a.item"), vec!["Public"]);
    assert!(!site.exists("/2024/01/d/"));
    assert_eq!(site.report.drafts_skipped, 1);
    let site = make().with(|o| o.drafts = true).build();
    assert_eq!(site.texts("/", "a.item"), vec!["Secret draft", "Public"]);
}

#[test]
fn future_articles_are_held_back_unless_future_is_set() {
    // The harness's "now" is 2026-06-01.
    let make = || {
        SiteTest::new()
            .file("content/a.md", &article("Today", "2026-05-31", "", "x"))
            .file("content/f.md", &article("Tomorrow", "2026-06-02T09:00:00+05:00", "", "x"))
    };
    let site = make().build();
    assert!(!site.exists("/2026/06/f/"));
    assert_eq!(site.report.next_scheduled.map(|t| t.to_string()).as_deref(), Some("2026-06-02T04:00:00Z"));
    let site = make().with(|o| o.future = true).build();
    assert!(site.exists("/2026/06/f/"));
}

// --- Aliases ---

#[test]
fn aliases_redirect_with_canonical_and_refresh() {
    let site = SiteTest::new()
        .file("content/a.md", &article("Moved", "2024-01-01", "aliases: [/2019/05/old-slug/, old.html]\n", "x"))
        .build();
    for alias in ["/2019/05/old-slug/", "/old.html"] {
        assert_eq!(site.attrs(alias, "link[rel=canonical]", "href"), vec!["https://example.org/2024/01/a/"], "{alias}");
        assert_eq!(
            site.attrs(alias, "meta[http-equiv=refresh]", "content"),
            vec!["0; url=https://example.org/2024/01/a/"]
        );
    }
}

#[test]
fn alias_escaping_the_output_folder_is_rejected() {
    let t = SiteTest::new().file("content/a.md", &article("A", "2024-01-01", "aliases: [\"/../../etc/x/\"]\n", "x"));
    let msg = t.build_err().to_string();
    assert!(msg.starts_with("content/a.md:4:12: alias `/../../etc/x/` is not a path on this site"), "{msg}");
}

#[test]
fn two_articles_with_the_same_url_name_both_files() {
    let t = SiteTest::new()
        .file("content/one/a.md", &article("One", "2024-01-01", "", "x"))
        .file("content/two/a.md", &article("Two", "2024-01-05", "", "x"));
    let msg = t.build_err().to_string();
    assert!(msg.contains("content/one/a.md and content/two/a.md all want the URL /2024/01/a/"), "{msg}");
}

// --- Slugs ---

#[test]
fn slug_rules_file_name_date_prefix_explicit_and_folder() {
    let site = SiteTest::new()
        .file("content/2024-01-05-dated-name.md", &article("X", "2024-01-05", "", "x"))
        .file("content/Mixed Case!.md", &article("Y", "2024-01-06", "", "x"))
        .file("content/z.md", &article("Z", "2024-01-07", "slug: chosen\n", "x"))
        .file("content/2024/bundle-name/index.md", &article("W", "2024-01-08", "", "x"))
        .build();
    for path in ["/2024/01/dated-name/", "/2024/01/mixed-case/", "/2024/01/chosen/", "/2024/01/bundle-name/"] {
        assert!(site.exists(path), "{path} missing; files: {:?}", site.files());
    }
}

#[test]
fn urdu_file_names_give_urdu_urls_and_rtl_pages() {
    let site = SiteTest::new()
        .file("content/ڈیجیٹل حقوق.md", &article("ڈیجیٹل حقوق کا دن", "2025-02-18", "lang: ur\n", "متن"))
        .file("content/؟؟.md", &article("رازداری سب کے لیے", "2025-02-19", "lang: ur\n", "متن"))
        .build();
    assert!(site.exists("/2025/02/ڈیجیٹل-حقوق/"));
    // A file name without letters falls back to the title.
    assert!(site.exists("/2025/02/رازداری-سب-کے-لیے/"));
    assert_eq!(site.attrs("/2025/02/ڈیجیٹل-حقوق/", "html", "dir"), vec!["rtl"]);
    assert_eq!(site.attrs("/2025/02/ڈیجیٹل-حقوق/", "html", "lang"), vec!["ur"]);
    site.assert_internal_links_resolve("https://example.org", "/");
}

// --- Markdown features and template variables ---

#[test]
fn summary_toc_reading_time_extra_and_links() {
    let body = "Intro paragraph.\n\n<!-- more -->\n\n## One\n\n### One a\n\n## Two\n\n[ext](https://eff.org) [int](/2024/01/a/)\n\n```rust\nfn main() {}\n```\n";
    let site =
        SiteTest::new().file("content/a.md", &article("A", "2024-01-01", "extra: { note: hello }\n", body)).build();
    let page = "/2024/01/a/";
    assert_eq!(site.texts(page, "p.summary"), vec!["Intro paragraph."]);
    assert_eq!(site.attrs(page, ".toc > li > a:not(.sub)", "href"), vec!["#one", "#two"]);
    assert_eq!(site.attrs(page, ".toc a.sub", "href"), vec!["#one-a"]);
    assert_eq!(site.attrs(page, ".content h2", "id"), vec!["one", "two"]);
    assert_eq!(site.attrs(page, "article", "data-reading-time"), vec!["1"]);
    assert_eq!(site.texts(page, "p.extra"), vec!["hello"]);
    assert_eq!(site.attrs(page, ".content a[href^=https]", "rel"), vec!["noopener"]);
    assert_eq!(site.attrs(page, ".content code", "class"), vec!["language-rust"]);
    assert!(!site.attrs(page, ".content code span", "class").is_empty(), "code is highlighted");
}

#[test]
fn summary_falls_back_from_front_matter_to_first_paragraph() {
    let long = vec!["word"; 70].join(" ");
    let site = SiteTest::new()
        .file("content/a.md", &article("A", "2024-01-01", "summary: Given summary.\n", "Body text."))
        .file("content/b.md", &article("B", "2024-01-02", "", &format!("{long}\n\nSecond.")))
        .build();
    assert_eq!(site.texts("/2024/01/a/", "p.summary"), vec!["Given summary."]);
    let auto = &site.texts("/2024/01/b/", "p.summary")[0];
    assert_eq!(auto.split_whitespace().count(), 50);
    assert!(auto.ends_with('…'));
}

#[test]
fn related_articles_prefer_shared_tags_then_category() {
    let site = SiteTest::new()
        .file("content/a.md", &article("Base", "2024-01-01", "tags: [x, y]\ncategories: [C]\n", "."))
        .file("content/b.md", &article("Both tags", "2024-01-02", "tags: [x, y]\n", "."))
        .file("content/c.md", &article("One tag", "2024-01-03", "tags: [x]\n", "."))
        .file("content/d.md", &article("Same category", "2024-01-04", "categories: [C]\n", "."))
        .file("content/e.md", &article("Unrelated", "2024-01-05", "", "."))
        .build();
    assert_eq!(site.texts("/2024/01/a/", "a.related-item"), vec!["Both tags", "One tag", "Same category"]);
}

#[test]
fn featured_image_relative_to_a_bundle_is_copied_beside_the_article() {
    let site = SiteTest::new()
        .file(
            "content/2024/story/index.md",
            &article("Story", "2024-01-01", "image: photo.svg\nimage_caption: A caption\n", "![inline](photo.svg)"),
        )
        .file("content/2024/story/photo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>")
        .build();
    assert!(site.exists("/2024/01/story/photo.svg"));
    assert_eq!(site.attrs("/2024/01/story/", "figure img", "src"), vec!["/2024/01/story/photo.svg"]);
    // Alt falls back to the title when image_alt is missing.
    assert_eq!(site.attrs("/2024/01/story/", "figure img", "alt"), vec!["Story"]);
    assert_eq!(site.texts("/2024/01/story/", "figcaption"), vec!["A caption"]);
    site.assert_internal_links_resolve("https://example.org", "/");
}

#[test]
fn pages_live_at_their_slug_and_nest() {
    let site = SiteTest::new()
        .file("content/pages/about.md", "---\ntitle: About us\nsummary: Who we are.\n---\n| a | b |\n|---|---|\n| 1 | 2 |\n\nNote[^1].\n\n[^1]: A footnote.\n")
        .file("content/pages/about/team.md", "---\ntitle: Team\n---\nPeople.\n")
        .build();
    assert_eq!(site.texts("/about/", "h1"), vec!["About us"]);
    assert_eq!(site.texts("/about/", ".content td"), vec!["1", "2"]);
    assert_eq!(site.texts("/about/", ".content .footnote-definition p"), vec!["A footnote."]);
    assert_eq!(site.texts("/about/team/", "h1"), vec!["Team"]);
}

#[test]
fn static_files_are_copied_and_site_files_win_over_theme_files() {
    let site = SiteTest::new().image("static/images/a.png").file("static/style.css", "site wins").build();
    assert_eq!(std::fs::read(site.file_for("/images/a.png")).expect("published"), common::tiny_image("a.png"));
    assert_eq!(site.text("/style.css"), "site wins");
}

// --- Base URL with a path prefix ---

#[test]
fn path_prefixed_base_url_works_everywhere() {
    let site = SiteTest::fixture("categories/nested")
        .file(
            "content/2024/01/linking.md",
            &article(
                "Linking",
                "2024-01-20",
                "tags: [t]\nauthor: Jo\nimage: /images/i.png\n",
                "[other](/2024/01/oped/) ![img](/images/i.png)",
            ),
        )
        .image("static/images/i.png")
        .with(|o| o.base_url = Some("https://x.org/mirror/".into()))
        .build();
    assert_eq!(
        site.attrs("/2024/01/linking/", "link[rel=canonical]", "href"),
        vec!["https://x.org/mirror/2024/01/linking/"]
    );
    assert_eq!(site.attrs("/2024/01/linking/", ".content a", "href"), vec!["/mirror/2024/01/oped/"]);
    assert_eq!(site.attrs("/2024/01/linking/", "figure img", "src"), vec!["/mirror/images/i.png"]);
    site.assert_internal_links_resolve("https://x.org", "/mirror/");
}

// --- Themes and template overrides ---

#[test]
fn site_with_only_site_yaml_and_content_uses_the_built_in_theme() {
    let site = SiteTest::new()
        .without_test_theme()
        .file("site.yaml", "title: Bare\nbase_url: https://example.org\n")
        .file("content/a.md", &article("Hello", "2024-01-01", "tags: [t]\ncategories: [C/D]\nauthor: Jo\n", "Text."))
        .file("content/pages/about.md", "---\ntitle: About\n---\nx\n")
        .build();
    assert!(site.exists("/style.css"));
    assert_eq!(site.texts("/2024/01/a/", "h1"), vec!["Hello"]);
    for path in ["/", "/tags/", "/authors/", "/404.html", "/category/c/d/", "/tag/t/", "/author/jo/", "/about/"] {
        assert!(site.exists(path), "{path}");
    }
    site.assert_internal_links_resolve("https://example.org", "/");
}

/// The built-in theme prints its cards with `partial()`: a site's own card sees the card's
/// arguments and the page's `lang`, `dir` and `site`, on every page that shows it.
#[test]
fn an_overridden_card_is_rendered_as_a_partial_with_its_arguments() {
    let site = SiteTest::new()
        .without_test_theme()
        .file("site.yaml", "title: Bare\nbase_url: https://example.org/mirror/\n")
        .file("content/a.md", &article("Hello", "2024-01-01", "tags: [t]\nauthor: Jo\n", "Text."))
        .file("content/b.md", &article("World", "2024-01-02", "tags: [t]\nauthor: Jo\n", "Text."))
        .file(
            "templates/partials/card.html",
            "<p class=\"my-card\" data-h=\"{{ card_h | default(value=2) }}\" data-lang=\"{{ lang }}\" data-dir=\"{{ dir }}\">\
             <a href=\"{{ site.url }}x/\">{{ item.title }}</a></p>",
        )
        .build();
    for path in ["/", "/tag/t/", "/author/jo/"] {
        assert_eq!(site.texts(path, "p.my-card"), vec!["World", "Hello"], "{path}");
        assert_eq!(site.attrs(path, "p.my-card a", "href"), vec!["/mirror/x/"; 2], "{path}");
        assert_eq!(site.attrs(path, "p.my-card", "data-lang"), vec!["en"; 2], "{path}");
        assert_eq!(site.attrs(path, "p.my-card", "data-dir"), vec!["ltr"; 2], "{path}");
    }
    // The lead story is an `h2` card; the rest of the home page's and a related block's `h3`.
    assert_eq!(site.attrs("/", "p.my-card", "data-h"), vec!["2", "3"]);
    assert_eq!(site.attrs("/tag/t/", "p.my-card", "data-h"), vec!["2", "2"]);
    assert_eq!(site.texts("/2024/01/a/", ".related p.my-card"), vec!["World"]);
    assert_eq!(site.attrs("/2024/01/a/", ".related p.my-card", "data-h"), vec!["3"]);
}

#[test]
fn an_error_inside_a_card_names_the_card_template_and_line() {
    let t = SiteTest::new()
        .without_test_theme()
        .file("site.yaml", "title: Bare\nbase_url: https://example.org\n")
        .file("content/a.md", &article("Hello", "2024-01-01", "", "Text."))
        .file("templates/partials/card.html", "<p>\n{{ item.titel }}</p>");
    let message = t.build_err().to_string();
    assert!(message.contains("in the partial partials/card.html: templates/partials/card.html:2:"), "{message}");
    assert!(message.contains("Field `titel` is not defined"), "{message}");
}

#[test]
fn a_single_template_can_be_overridden_from_root_templates() {
    let site = SiteTest::new()
        .file("content/a.md", &article("Hello", "2024-01-01", "", "Text."))
        .file("templates/tag.html", "unused")
        .file("templates/article.html", "{% extends \"base.html\" %}{% block main %}<p class=\"override\">{{ article.title }}</p>{% endblock main %}")
        .build();
    assert_eq!(site.texts("/2024/01/a/", "p.override"), vec!["Hello"]);
    // Other templates still come from the theme.
    assert_eq!(site.texts("/", "h1"), vec!["Home"]);
}

#[test]
fn a_themes_advocacy_folder_replaces_the_built_in_copy() {
    let t = SiteTest::new()
        .file("site.yaml", "title: T\nbase_url: https://example.org\n")
        .file("content/a.md", &article("Hello", "2024-01-01", "", "Text."));
    // Copy the plain theme under the built-in theme's name.
    let plain = t.root().join("themes/plain");
    let advocacy = t.root().join("themes/advocacy");
    std::fs::rename(&plain, &advocacy).unwrap();
    let site = t.build();
    assert_eq!(site.attrs("/", "body", "data-kind"), vec!["index"], "the plain theme's markup is used");
}

#[test]
fn building_twice_gives_identical_output_and_removes_stale_files() {
    let t = SiteTest::new()
        .file("content/a.md", &article("A", "2024-01-01", "tags: [x, y]\n", "x"))
        .file("content/b.md", &article("B", "2024-01-02", "tags: [y]\n", "x"));
    t.rebuild().unwrap();
    let snapshot = |dir: &std::path::Path| -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<_> = walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap())
            })
            .collect();
        v.sort();
        v
    };
    let first = snapshot(&t.output());
    t.rebuild().unwrap();
    assert_eq!(first, snapshot(&t.output()));
    std::fs::remove_file(t.root().join("content/b.md")).unwrap();
    t.rebuild().unwrap();
    assert!(!t.output().join("2024/01/b/index.html").exists());
    assert!(
        !t.output().join("tag/y/index.html").exists()
            || std::fs::read_to_string(t.output().join("tag/y/index.html")).unwrap().contains(">A<")
    );
}

// --- The example site at the repository root ---

#[test]
fn example_site_builds_and_every_internal_link_resolves() {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = pamphlet::BuildOptions::new(env!("CARGO_MANIFEST_DIR"));
    opts.output = Some(dir.path().join("public"));
    let report = pamphlet::build(&opts).unwrap_or_else(|e| panic!("{e}"));
    assert!(report.articles >= 12, "{report}");
    let built = common::Built::from_dir(dir.path().join("public"), report);
    built.assert_internal_links_resolve("https://example.org", "/");
}

// --- Redirect file for Netlify / Cloudflare Pages ---

#[test]
fn redirects_file_lists_every_alias_with_the_prefix() {
    let make = || {
        SiteTest::new()
            .file("content/a.md", &article("A", "2024-01-01", "aliases: [/2019/05/old/, /legacy.html]\n", "x"))
            .file("content/pages/about.md", "---\ntitle: About\naliases: [/who-we-are/]\n---\nx\n")
    };
    let site = make().with(|o| o.base_url = Some("https://x.org/mirror/".into())).build();
    let text = site.text("/_redirects");
    let rules: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        rules,
        [
            "/mirror/2019/05/old/ /mirror/2024/01/a/ 301",
            "/mirror/legacy.html /mirror/2024/01/a/ 301",
            "/mirror/who-we-are/ /mirror/about/ 301"
        ]
    );
    let site = make().file("site.yaml", &format!("{}redirects_file: false\n", common::PLAIN_SITE_YAML)).build();
    assert!(!site.exists("/_redirects"));
    assert!(site.exists("/2019/05/old/"), "HTML alias pages are still written");
}
