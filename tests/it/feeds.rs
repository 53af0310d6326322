//! Feeds, read back with a real feed parser (feed-rs): escaping of `&`, `<` and quotes, Urdu,
//! RFC 822 / RFC 3339 dates, absolute URLs in content, list feeds, limits and drafts.

use crate::common;

use crate::common::{Built, SiteTest, article};

const QUOTES_TITLE: &str = r#"Rights & <Wrongs>: the "quoted" story"#;
const URDU_TITLE: &str = "ڈیجیٹل حقوق کا دن";
const SCRIPT_TITLE: &str = r#"Breaking </script><script>alert(1)</script> "news""#;

fn newsroom() -> Built {
    SiteTest::fixture("publishing/newsroom").build()
}

fn parse(site: &Built, path: &str) -> feed_rs::model::Feed {
    let text = site.text(path);
    feed_rs::parser::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{path} does not parse: {e}\n{text}"))
}

fn titles(feed: &feed_rs::model::Feed) -> Vec<String> {
    feed.entries.iter().map(|e| e.title.as_ref().map(|t| t.content.clone()).unwrap_or_default()).collect()
}

/// The text of every `<tag>…</tag>` in `xml`.
fn elements(xml: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    xml.split(&open).skip(1).filter_map(|rest| rest.split_once(&close).map(|(inner, _)| inner.to_string())).collect()
}

#[test]
fn site_rss_and_atom_parse_and_keep_ampersands_brackets_quotes_and_urdu() {
    let site = newsroom();
    let expected = [URDU_TITLE, SCRIPT_TITLE, QUOTES_TITLE, "Another story"];
    for path in ["/feed.xml", "/atom.xml"] {
        let feed = parse(&site, path);
        assert_eq!(titles(&feed), expected, "{path}");
        assert_eq!(feed.title.as_ref().unwrap().content, "Rights & Wires", "{path}");
    }
    let rss = parse(&site, "/feed.xml");
    assert_eq!(rss.feed_type, feed_rs::model::FeedType::RSS2);
    assert_eq!(rss.description.as_ref().unwrap().content, "Reporting on <digital> rights & freedoms");
    let atom = parse(&site, "/atom.xml");
    assert_eq!(atom.feed_type, feed_rs::model::FeedType::Atom);
    // The raw XML escapes what it must.
    let raw = site.text("/feed.xml");
    assert!(raw.contains("<title>Rights &amp; &lt;Wrongs&gt;: the &quot;quoted&quot; story</title>"), "{raw}");
}

#[test]
fn items_carry_link_guid_dates_author_categories_summary_and_content() {
    let site = newsroom();
    let rss = parse(&site, "/feed.xml");
    let quotes = &rss.entries[2];
    let permalink = "https://example.org/mirror/2024/01/quotes/";
    assert_eq!(quotes.id, permalink, "the guid is the permalink");
    assert_eq!(quotes.links[0].href, permalink);
    assert_eq!(quotes.published.unwrap().to_rfc3339(), "2024-01-10T04:30:00+00:00");
    assert_eq!(quotes.authors[0].name.as_deref(), Some("Hina Baloch"));
    let terms: Vec<&str> = quotes.categories.iter().map(|c| c.term.as_str()).collect();
    assert_eq!(terms, ["DRM Exclusive/News", "Privacy", "Shutdowns"]);
    // RSS's description is HTML: the plain-text summary arrives escaped, and reads as written.
    assert_eq!(quotes.summary.as_ref().unwrap().content, "Shutdowns &amp; &quot;blackouts&quot; in Balochistan.");
    assert!(quotes.content.as_ref().unwrap().body.as_ref().unwrap().contains("Internet shutdowns cost Balochistan"));

    let atom = parse(&site, "/atom.xml");
    let quotes = &atom.entries[2];
    assert_eq!(quotes.id, permalink);
    assert_eq!(quotes.published.unwrap().to_rfc3339(), "2024-01-10T04:30:00+00:00");
    assert_eq!(quotes.updated.unwrap().to_rfc3339(), "2024-01-31T19:00:00+00:00", "updated: 2024-02-01 in Karachi");
    assert_eq!(quotes.authors[0].name.as_deref(), Some("Hina Baloch"));
    assert_eq!(quotes.authors[0].uri.as_deref(), Some("https://example.org/mirror/author/hina/"));
    // An unsigned article is credited to the publication (RFC 4287 needs an author).
    assert_eq!(atom.entries[1].authors[0].name.as_deref(), Some("Rights & Wires"));
}

#[test]
fn rss_dates_are_rfc_822_and_atom_dates_rfc_3339_with_the_articles_offset() {
    let site = newsroom();
    let rss = site.text("/feed.xml");
    assert_eq!(
        elements(&rss, "pubDate"),
        [
            "Tue, 18 Feb 2025 00:00:00 +0500",
            "Fri, 1 Mar 2024 00:00:00 +0500",
            "Wed, 10 Jan 2024 09:30:00 +0500",
            "Fri, 5 Jan 2024 00:00:00 +0500"
        ]
    );
    assert_eq!(elements(&rss, "lastBuildDate"), ["Tue, 18 Feb 2025 00:00:00 +0500"]);
    let atom = site.text("/atom.xml");
    let published = elements(&atom, "published");
    assert_eq!(published[2], "2024-01-10T09:30:00+05:00");
    assert_eq!(elements(&atom, "updated")[0], "2025-02-18T00:00:00+05:00", "the feed's own <updated>");
    assert!(elements(&atom, "updated").contains(&"2024-02-01T00:00:00+05:00".to_string()));
}

#[test]
fn urls_inside_content_are_absolute_and_keep_the_path_prefix() {
    let site = newsroom();
    for (path, index) in [("/feed.xml", 2), ("/atom.xml", 2)] {
        let feed = parse(&site, path);
        let body = feed.entries[index].content.as_ref().unwrap().body.clone().unwrap();
        assert!(body.contains(r#"href="https://example.org/mirror/2024/01/other/""#), "{path}: {body}");
        assert!(body.contains(r#"src="https://example.org/mirror/images/chart.png""#), "{path}: {body}");
        assert!(body.contains(r#"href="https://example.org/mirror/2024/01/quotes/#details""#), "{path}: {body}");
        assert!(!body.contains(r#"="/"#), "{path}: a root-relative URL is left: {body}");
    }
    // Feed and channel links carry the prefix too.
    let raw = site.text("/feed.xml");
    assert!(
        raw.contains(
            r#"<atom:link href="https://example.org/mirror/feed.xml" rel="self" type="application/rss+xml"/>"#
        ),
        "{raw}"
    );
    assert!(raw.contains("<link>https://example.org/mirror/</link>"), "{raw}");
}

#[test]
fn category_tag_and_author_feeds_hold_their_own_articles() {
    let site = newsroom();
    let cases: [(&str, &[&str]); 6] = [
        ("/category/drm-exclusive/news/feed.xml", &[QUOTES_TITLE]),
        ("/category/in-media/feed.xml", &[URDU_TITLE, "Another story"]),
        ("/category/events/feed.xml", &[]),
        ("/tag/privacy/feed.xml", &[URDU_TITLE, SCRIPT_TITLE, QUOTES_TITLE]),
        ("/author/hina/feed.xml", &[URDU_TITLE, QUOTES_TITLE]),
        ("/author/kamran/feed.xml", &["Another story"]),
    ];
    for (path, expected) in cases {
        let feed = parse(&site, path);
        assert_eq!(titles(&feed), expected, "{path}");
        let page = path.trim_end_matches("feed.xml");
        assert_eq!(
            feed.links.iter().find(|l| l.rel.is_none()).map(|l| l.href.clone()).unwrap_or_default(),
            format!("https://example.org/mirror{page}"),
            "{path}"
        );
    }
    assert_eq!(parse(&site, "/tag/privacy/feed.xml").title.unwrap().content, "Rights & Wires: Privacy");
}

#[test]
fn every_page_announces_the_site_feeds_and_list_pages_their_own() {
    let site = newsroom();
    let feeds = |page: &str| site.attrs(page, "link[rel=alternate]", "href");
    let site_feeds = ["https://example.org/mirror/feed.xml", "https://example.org/mirror/atom.xml"];
    assert_eq!(feeds("/2024/01/quotes/"), site_feeds);
    assert_eq!(feeds("/about/"), site_feeds);
    assert_eq!(
        feeds("/tag/privacy/"),
        [site_feeds[0], site_feeds[1], "https://example.org/mirror/tag/privacy/feed.xml"]
    );
    assert_eq!(
        feeds("/category/drm-exclusive/news/")[2],
        "https://example.org/mirror/category/drm-exclusive/news/feed.xml"
    );
    assert_eq!(feeds("/author/hina/")[2], "https://example.org/mirror/author/hina/feed.xml");
    assert_eq!(site.attrs("/tag/privacy/", "link[rel=alternate]", "type")[2], "application/rss+xml");
    // Every announced feed exists (the harness maps absolute URLs under the base URL to files).
    site.assert_internal_links_resolve("https://example.org", "/mirror/");
}

#[test]
fn drafts_never_reach_a_feed_even_in_a_drafts_build() {
    let site = SiteTest::fixture("publishing/newsroom").with(|o| o.drafts = true).build();
    assert!(site.exists("/2024/03/secret/"), "the draft itself is previewed");
    for path in ["/feed.xml", "/atom.xml", "/author/hina/feed.xml", "/category/events/feed.xml", "/tag/leaks/feed.xml"]
    {
        assert!(!site.text(path).contains("Secret draft"), "{path}");
    }
}

#[test]
fn feed_limit_keeps_the_newest_articles() {
    let mut t = SiteTest::new().file("site.yaml", &format!("{}feed_limit: 2\n", common::PLAIN_SITE_YAML));
    for i in 1..=5 {
        t = t.file(
            &format!("content/a{i}.md"),
            &article(&format!("A{i}"), &format!("2024-01-0{i}"), "tags: [t]\n", "x"),
        );
    }
    let site = t.build();
    for path in ["/feed.xml", "/atom.xml", "/tag/t/feed.xml"] {
        assert_eq!(titles(&parse(&site, path)), ["A5", "A4"], "{path}");
    }
}

#[test]
fn default_feed_limit_is_twenty() {
    let mut t = SiteTest::new();
    for i in 1..=21 {
        t = t.file(&format!("content/a{i:02}.md"), &article(&format!("A{i:02}"), &format!("2024-01-{i:02}"), "", "x"));
    }
    let feed = parse(&t.build(), "/feed.xml");
    assert_eq!(feed.entries.len(), 20);
    assert_eq!(titles(&feed)[0], "A21");
}

#[test]
fn feed_full_content_false_leaves_only_the_summary() {
    let site = SiteTest::new()
        .file("site.yaml", &format!("{}feed_full_content: false\n", common::PLAIN_SITE_YAML))
        .file("content/a.md", &article("A", "2024-01-01", "summary: Short.\n", "Long body text."))
        .build();
    for path in ["/feed.xml", "/atom.xml"] {
        let raw = site.text(path);
        assert!(!raw.contains("Long body text"), "{path}: {raw}");
        assert!(!raw.contains("content:encoded") && !raw.contains("<content"), "{path}: {raw}");
        assert_eq!(parse(&site, path).entries[0].summary.as_ref().unwrap().content, "Short.");
    }
}

#[test]
fn a_site_without_articles_still_has_valid_feeds() {
    let site = SiteTest::new().build();
    assert!(parse(&site, "/feed.xml").entries.is_empty());
    let atom = parse(&site, "/atom.xml");
    assert!(atom.entries.is_empty());
    assert_eq!(elements(&site.text("/atom.xml"), "updated"), ["1970-01-01T00:00:00+00:00"]);
}

/// See: issue 22. A plain-text summary is text in every feed reader, never markup; and the
/// featured image travels with the item.
#[test]
fn plain_text_summaries_stay_text_and_featured_images_are_carried() {
    let site = SiteTest::new()
        .file(
            "content/a.md",
            &article(
                "Tags",
                "2024-01-01",
                "summary: Why <b> tags matter & <script>x</script>\nimage: /images/court.jpg\nimage_alt: A court\n",
                "Body.",
            ),
        )
        .image("static/images/court.jpg")
        .build();
    let rss = parse(&site, "/feed.xml");
    let summary = rss.entries[0].summary.as_ref().unwrap().content.clone();
    assert_eq!(summary, "Why &lt;b&gt; tags matter &amp; &lt;script&gt;x&lt;/script&gt;", "HTML-escaped inside RSS");
    let raw = site.text("/feed.xml");
    assert!(raw.contains("xmlns:media=\"http://search.yahoo.com/mrss/\""), "{raw}");
    assert!(
        raw.contains(r#"<media:content medium="image" type="image/jpeg" url="https://example.org/images/court.jpg">"#),
        "{raw}"
    );
    let media = &rss.entries[0].media;
    assert!(
        media
            .iter()
            .flat_map(|m| &m.content)
            .any(|c| c.url.as_ref().is_some_and(|u| u.as_str().ends_with("/images/court.jpg"))),
        "feed-rs reads the image: {media:?}"
    );
    let atom = parse(&site, "/atom.xml");
    assert_eq!(atom.entries[0].summary.as_ref().unwrap().content, "Why <b> tags matter & <script>x</script>");
    assert!(site.text("/atom.xml").contains(r#"rel="enclosure""#));
}
