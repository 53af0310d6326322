//! Shortcodes and embeds (issue 20): each built-in shortcode of the default theme renders,
//! shortcodes in code are shown as written, a site's own shortcode template works, mistakes are
//! errors at `file:line:col` naming the shortcode (all of a run together), a YouTube URL alone
//! on its line becomes a card that loads nothing (no `<iframe>`; the click script is loaded only
//! on such pages), feeds get a plain link, and the WordPress importer writes these shortcodes.
//! The browser half (no request to another host until a click) is `embeds_load_nothing_until_clicked`
//! in tests/it/browser.rs.

use crate::common::{self, SiteTest};
use scraper::{Html, Selector};

const SITE_YAML: &str = "title: Shortcode Site\nbase_url: https://example.org\nlanguages:\n  - { code: en, name: English }\n  - { code: ur, name: اردو }\n";

/// A site with the built-in theme and `body` as the article `content/2024/05/a.md`.
fn site(body: &str) -> SiteTest {
    SiteTest::new()
        .without_test_theme()
        .file("site.yaml", SITE_YAML)
        .file("content/2024/05/a.md", &common::article("A", "2024-05-01", "", body))
}

fn select<'a>(html: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    html.select(&Selector::parse(css).expect("valid selector")).collect()
}

fn text(el: &scraper::ElementRef) -> String {
    el.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")
}

const ARTICLE: &str = "/2024/05/a/";

#[test]
fn a_youtube_url_alone_on_its_line_becomes_a_card_without_an_iframe() {
    let built = site("Intro.\n\nhttps://www.youtube.com/watch?v=M7lc1UVf-VE\n\nAfter.\n").build();
    let html = built.html(ARTICLE);
    assert!(select(&html, "iframe").is_empty(), "no iframe before a click");
    let cards = select(&html, ".prose figure.embed");
    assert_eq!(cards.len(), 1, "{}", built.text(ARTICLE));
    let card = cards[0].value();
    assert_eq!(card.attr("data-embed-origin"), Some("https://www.youtube-nocookie.com"));
    assert_eq!(card.attr("data-embed-src"), Some("https://www.youtube-nocookie.com/embed/M7lc1UVf-VE?autoplay=1"));
    assert!(
        card.attr("data-embed-sandbox").is_some_and(|s| s.contains("allow-scripts") && !s.contains("top-navigation"))
    );
    // Without JavaScript: a plain link to the video, and a button that stays hidden.
    let links = select(&html, ".prose figure.embed a.embed-link");
    assert_eq!(links[0].value().attr("href"), Some("https://www.youtube.com/watch?v=M7lc1UVf-VE"));
    assert!(text(&links[0]).contains("YouTube"));
    assert!(select(&html, ".embed-placeholder").len() == 1, "no poster: a neutral placeholder");
    let button = &select(&html, "button.embed-play")[0];
    assert!(button.value().attr("hidden").is_some());
    assert_eq!(text(button), "Play on YouTube — this loads content from youtube-nocookie.com");
    // The card is a block of its own, not inside a paragraph; the click script is loaded.
    assert!(!built.text(ARTICLE).contains("<p><figure"), "{}", built.text(ARTICLE));
    assert_eq!(select(&html, "script[src$='/embeds.js']").len(), 1);
    assert!(built.exists("/embeds.js"));
    // Every script the page loads comes from the site itself.
    for src in select(&html, "script[src]").iter().filter_map(|s| s.value().attr("src")) {
        assert!(src.starts_with('/') || src.starts_with("https://example.org/"), "{src}");
    }
}

#[test]
fn a_page_without_embeds_does_not_load_the_click_script() {
    let built = site("Just text, and a link: <https://example.org/x>.\n").build();
    let html = built.html(ARTICLE);
    assert!(select(&html, "script[src$='embeds.js']").is_empty());
    assert!(select(&html, "link[href$='shortcodes.css']").is_empty());
}

#[test]
fn the_video_shortcode_shows_its_title_and_local_poster_through_the_image_pipeline() {
    let built =
        site("{{< video url=\"https://vimeo.com/76979871\" poster=\"/images/still.jpg\" title=\"Our interview\" >}}\n")
            .image("static/images/still.jpg")
            .build();
    let html = built.html(ARTICLE);
    let card = &select(&html, "figure.embed")[0];
    assert_eq!(card.value().attr("data-embed-origin"), Some("https://player.vimeo.com"));
    assert_eq!(text(&select(&html, ".embed-title")[0]), "Our interview");
    let poster = &select(&html, "figure.embed img.embed-poster")[0];
    // Processed like any image of the site: its size known, loaded lazily.
    assert_eq!(poster.value().attr("width"), Some("8"));
    assert_eq!(poster.value().attr("loading"), Some("lazy"));
    assert_eq!(poster.value().attr("alt"), Some(""));
    assert!(select(&html, "iframe").is_empty());
}

#[test]
fn an_urdu_article_gets_the_button_in_urdu() {
    let body = "https://youtu.be/M7lc1UVf-VE\n";
    let built =
        site("x").file("content/2024/05/u.md", &common::article("ویڈیو", "2024-05-02", "lang: ur\n", body)).build();
    let html = built.html("/2024/05/u/");
    assert_eq!(select(&html, "html[dir=rtl]").len(), 1);
    let button = text(&select(&html, "button.embed-play")[0]);
    // Latin names inside the Urdu sentence are isolated, so that their dots and hyphens keep
    // their places in a right-to-left line.
    assert!(button.starts_with("\u{2068}YouTube\u{2069} پر چلائیں"), "{button}");
    assert!(button.contains("\u{2068}youtube-nocookie.com\u{2069}"), "{button}");
}

#[test]
fn feeds_get_a_plain_link_instead_of_the_card() {
    let built = site("https://www.youtube.com/watch?v=M7lc1UVf-VE\n")
        .file("site.yaml", &format!("{SITE_YAML}feed_full_content: true\n"))
        .build();
    let feed = built.text("/atom.xml");
    assert!(feed.contains("https://www.youtube.com/watch?v=M7lc1UVf-VE"), "{feed}");
    assert!(!feed.contains("data-embed-origin"), "{feed}");
    assert!(!feed.contains("embed-play"), "{feed}");
    assert!(!feed.contains("iframe"), "{feed}");
}

#[test]
fn audio_document_pullquote_callout_and_figure_render() {
    let body = "\
{{< audio src=\"/media/episode.mp3\" title=\"Episode 1\" >}}

{{< document src=\"/files/report.pdf\" title=\"Annual report 2024\" >}}

{{< document src=\"notes.txt\" >}}

{{< pullquote cite=\"A reader\" >}}Privacy is *for everyone*.{{< /pullquote >}}

{{< callout type=\"warning\" >}}
Do **not** share the file.
{{< /callout >}}

{{< figure src=\"/images/crowd.jpg\" caption=\"A march in Karachi\" credit=\"Staff photographer\" >}}
";
    let built = SiteTest::new()
        .without_test_theme()
        .file("site.yaml", SITE_YAML)
        .file("content/2024/05/a/index.md", &common::article("A", "2024-05-01", "", body))
        .file("content/2024/05/a/notes.txt", &"n".repeat(3000))
        .file("static/media/episode.mp3", "ID3")
        .file("static/files/report.pdf", &common::minimal_pdf(7))
        .image("static/images/crowd.jpg")
        .build();
    let html = built.html(ARTICLE);

    let audio = &select(&html, "figure.audio audio")[0];
    assert_eq!(audio.value().attr("controls"), Some(""));
    assert_eq!(audio.value().attr("preload"), Some("none"));
    assert_eq!(audio.value().attr("src"), Some("/media/episode.mp3"));

    let cards = select(&html, ".document-card");
    assert_eq!(cards.len(), 2);
    assert_eq!(text(&select(&html, ".document-title")[0]), "Annual report 2024");
    let meta = text(&select(&html, ".document-meta")[0]);
    assert!(meta.starts_with("PDF · 7 pages · 1 KB"), "{meta}");
    let download = &select(&html, "a.document-download")[0];
    assert_eq!(download.value().attr("href"), Some("/files/report.pdf"));
    assert!(download.value().attr("download").is_some());
    // A file beside a bundle's index.md: relative, published beside the page.
    assert_eq!(text(&select(&html, ".document-meta")[1]), "TXT · 3 KB · Download");
    assert!(built.exists("/2024/05/a/notes.txt"));

    assert_eq!(text(&select(&html, "figure.pullquote blockquote")[0]), "Privacy is for everyone.");
    assert_eq!(select(&html, "figure.pullquote blockquote em").len(), 1, "the content is Markdown");
    assert_eq!(text(&select(&html, "figure.pullquote figcaption")[0]), "— A reader");

    let callout = &select(&html, ".callout.callout-warning[role=note]")[0];
    assert_eq!(text(&select(&html, ".callout-label")[0]), "Warning");
    assert!(text(callout).ends_with("Do not share the file."), "{}", text(callout));
    assert_eq!(select(&html, ".callout strong").len(), 1);

    let img = &select(&html, "figure.figure img")[0];
    assert_eq!(img.value().attr("alt"), Some("A march in Karachi"), "alt defaults to the caption");
    assert_eq!(img.value().attr("width"), Some("8"), "processed like any image");
    assert_eq!(text(&select(&html, "figure.figure figcaption")[0]), "A march in Karachi Credit: Staff photographer");

    assert_eq!(select(&html, "link[href$='/shortcodes.css']").len(), 1);
    assert!(select(&html, "script[src$='embeds.js']").is_empty(), "no embed card, no script");
    let page = built.text(ARTICLE);
    assert!(!page.contains("<p><div") && !page.contains("<p><figure"), "blocks are not inside paragraphs: {page}");
}

#[test]
fn shortcodes_in_code_are_shown_as_written() {
    let body = "Write `{{< video url=\"https://youtu.be/x\" >}}` inline.\n\n```\n{{< nosuch >}}\nhttps://www.youtube.com/watch?v=M7lc1UVf-VE\n```\n\n    {{< callout >}}\n";
    let built = site(body).build();
    let html = built.html(ARTICLE);
    let code: Vec<String> = select(&html, ".prose code").iter().map(|c| c.text().collect()).collect();
    assert_eq!(code[0], "{{< video url=\"https://youtu.be/x\" >}}");
    assert!(code[1].contains("{{< nosuch >}}") && code[1].contains("watch?v=M7lc1UVf-VE"), "{code:?}");
    assert!(code[2].contains("{{< callout >}}"), "{code:?}");
    assert!(select(&html, ".embed, .callout").is_empty());
}

#[test]
fn a_site_shortcode_template_adds_a_shortcode_and_overrides_a_built_in_one() {
    let built = site("{{< sticker word=\"hello\" >}}\n\n{{< pullquote >}}Quoted{{< /pullquote >}}\n")
        .file("templates/shortcodes/sticker.html", "<span class=\"sticker\" lang=\"{{ lang }}\">{{ word }}</span>")
        .file("templates/shortcodes/pullquote.html", "<aside class=\"mine\">{{ body | safe }}</aside>")
        .build();
    let html = built.html(ARTICLE);
    assert_eq!(text(&select(&html, ".sticker[lang=en]")[0]), "hello");
    assert_eq!(text(&select(&html, "aside.mine")[0]), "Quoted");
    assert!(select(&html, "figure.pullquote").is_empty());
}

#[test]
fn mistakes_are_errors_at_file_line_and_column_all_reported_together() {
    let body = "Text.\n\n{{< vidoe url=\"https://youtu.be/M7lc1UVf-VE\" >}}\n\nMore {{< document title=\"x\" >}}\n\n  {{< audio src=\"/media/missing.mp3\" >}}\n\n{{< callout type=\"danger\" >}}x{{< /callout >}}\n\n{{< video url=\"https://example.org/v\" >}}\n";
    let t = site(body).file(
        "content/2024/05/b.md",
        &common::article("B", "2024-05-02", "", "{{< figure src=\"/images/none.jpg\" alt=\"x\" >}}"),
    );
    let err = t.build_err();
    let lines: Vec<String> = err.to_string().lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 6, "{err}");
    // The body starts on line 5 of the file (after four lines of front matter).
    assert!(
        lines[0].starts_with(
            "content/2024/05/a.md:7:1: shortcode `vidoe`: there is no such shortcode (did you mean `video`?)"
        ),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("content/2024/05/a.md:9:6: shortcode `document`: missing `src`: write {{< document src="),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with("content/2024/05/a.md:11:3: shortcode `audio`: `src`: file `/media/missing.mp3` not found: put it in static/media/missing.mp3"), "{}", lines[2]);
    assert!(
        lines[3].starts_with(
            "content/2024/05/a.md:13:1: shortcode `callout`: `type=\"danger\"` is not one of note, warning"
        ),
        "{}",
        lines[3]
    );
    assert!(
        lines[4].starts_with(
            "content/2024/05/a.md:15:1: shortcode `video`: `https://example.org/v` is not a video of a provider"
        ),
        "{}",
        lines[4]
    );
    assert!(
        lines[5].starts_with("content/2024/05/b.md:5:1: shortcode `figure`: `src`: file `/images/none.jpg` not found"),
        "{}",
        lines[5]
    );
    assert_eq!(err.exit_code(), 1);
}

/// Bodies are kept between builds (the cache folder), but a body is only as current as the
/// files its shortcodes read: a PDF replaced under the same name gets a new card at the next
/// build, and a file deleted is reported again, wherever it lives (static/, beside a bundle's
/// index.md, or under content/).
#[test]
fn a_card_follows_its_file_across_builds() {
    let body = "{{< document src=\"/files/law.pdf\" >}}\n\n{{< document src=\"notes.txt\" >}}\n\n{{< document src=\"/papers/brief.pdf\" >}}\n";
    let t = SiteTest::new()
        .without_test_theme()
        .file("site.yaml", SITE_YAML)
        .file("content/2024/05/a/index.md", &common::article("A", "2024-05-01", "", body))
        .file("content/2024/05/a/notes.txt", &"n".repeat(3000))
        .file("content/papers/brief.pdf", &common::minimal_pdf(4))
        .file("static/files/law.pdf", &common::minimal_pdf(2));
    let cards = |t: &SiteTest| {
        let page = std::fs::read_to_string(t.output().join("2024/05/a/index.html")).expect("the article page");
        select(&Html::parse_document(&page), ".document-meta").iter().map(text).collect::<Vec<_>>()
    };
    t.rebuild().expect("first build");
    let first = cards(&t);
    assert!(first[0].starts_with("PDF · 2 pages"), "{first:?}");
    assert!(first[1].starts_with("TXT · 3 KB"), "{first:?}");
    assert!(first[2].starts_with("PDF · 4 pages"), "{first:?}");

    std::fs::write(t.root().join("static/files/law.pdf"), common::minimal_pdf(9)).unwrap();
    std::fs::write(t.root().join("content/2024/05/a/notes.txt"), "n".repeat(12_000)).unwrap();
    std::fs::write(t.root().join("content/papers/brief.pdf"), common::minimal_pdf(6)).unwrap();
    t.rebuild().expect("second build");
    let second = cards(&t);
    assert!(second[0].starts_with("PDF · 9 pages"), "replaced in static/: {second:?}");
    assert!(second[1].starts_with("TXT · 12 KB"), "replaced beside index.md: {second:?}");
    assert!(second[2].starts_with("PDF · 6 pages"), "replaced under content/: {second:?}");

    for gone in ["content/2024/05/a/notes.txt", "content/papers/brief.pdf"] {
        std::fs::remove_file(t.root().join(gone)).unwrap();
    }
    let errors = t.rebuild().expect_err("two files are gone").to_string();
    assert!(errors.contains("file `notes.txt` not found"), "{errors}");
    assert!(errors.contains("file `/papers/brief.pdf` not found"), "{errors}");
}

#[test]
fn a_tag_that_does_not_parse_is_an_error_at_its_place() {
    let err = site("Para.\n\n{{< video url=\"https://youtu.be/x >}}\n").build_err();
    assert!(
        err.to_string()
            .starts_with("content/2024/05/a.md:7:1: shortcode `video`: the value of `url` has no closing quote"),
        "{err}"
    );
}

#[test]
fn the_summary_skips_a_leading_card() {
    let built = site("https://www.youtube.com/watch?v=M7lc1UVf-VE\n\nThe real first paragraph.\n").build();
    let feed = built.text("/atom.xml");
    assert!(feed.contains("The real first paragraph."), "{feed}");
}

#[test]
fn the_importer_turns_wordpress_media_shortcodes_into_pamphlets() {
    let dir = tempfile::tempdir().expect("temp dir");
    let uploads = dir.path().join("uploads");
    for f in ["2024/03/episode.mp3", "2024/03/report.pdf", "2024/03/clip.mp4"] {
        let path = uploads.join(f);
        std::fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
        std::fs::write(&path, if f.ends_with(".pdf") { common::minimal_pdf(3) } else { "data".into() })
            .expect("write upload");
    }
    let export = dir.path().join("export.xml");
    let post = "<p>Listen:</p>\n[audio mp3=\"https://old.example.org/wp-content/uploads/2024/03/episode.mp3\"][/audio]\n[video width=\"640\" mp4=\"https://old.example.org/wp-content/uploads/2024/03/clip.mp4\"][/video]\n[video src=\"https://youtu.be/M7lc1UVf-VE\"]\n[pdf-embedder url=\"https://old.example.org/wp-content/uploads/2024/03/report.pdf\" title=\"Annual report\"]\n[embed]https://vimeo.com/76979871[/embed]\n[audio src=\"https://elsewhere.example.net/a.mp3\"]";
    std::fs::write(&export, wxr(post)).expect("write export");
    let root = dir.path().join("site");
    let opts = pamphlet::import::ImportOptions {
        export: export.clone(),
        into: root.clone(),
        uploads: Some(uploads),
        dry_run: false,
        force: false,
        comments: false,
    };
    pamphlet::import::import_wordpress(&opts).expect("import");
    let md = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| std::fs::read_to_string(e.path()).expect("read"))
        .expect("one post");
    assert!(md.contains("{{< audio src=\"/uploads/2024/03/episode.mp3\" >}}"), "{md}");
    assert!(md.contains("{{< video src=\"/uploads/2024/03/clip.mp4\" >}}"), "{md}");
    assert!(md.contains("{{< video url=\"https://youtu.be/M7lc1UVf-VE\" >}}"), "{md}");
    assert!(md.contains("{{< document src=\"/uploads/2024/03/report.pdf\" title=\"Annual report\" >}}"), "{md}");
    assert!(md.contains("\n<https://vimeo.com/76979871>\n"), "{md}");
    assert!(md.contains("<https://elsewhere.example.net/a.mp3>"), "a file elsewhere stays a link: {md}");
    assert!(!md.contains("[audio") && !md.contains("[pdf-embedder"), "{md}");

    // And the imported site builds, with the cards.
    let mut build = pamphlet::BuildOptions::new(&root);
    build.output = Some(dir.path().join("public"));
    let report = pamphlet::build(&build).unwrap_or_else(|e| panic!("the imported site does not build: {e}"));
    let built = common::Built::from_dir(dir.path().join("public"), report);
    let page = built
        .files()
        .into_iter()
        .find(|f| f.ends_with("index.html") && built.text(f).contains("document-card"))
        .expect("a page with the document card");
    let html = built.html(&page);
    assert_eq!(select(&html, "figure.embed").len(), 2, "the YouTube video and the Vimeo URL");
    assert_eq!(text(&select(&html, ".document-meta")[0]), "PDF · 3 pages · 1 KB · Download");
}

/// A one-post WordPress export whose body is `content`.
fn wxr(content: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/">
<channel>
<title>Old</title>
<link>https://old.example.org</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://old.example.org</wp:base_site_url>
<wp:base_blog_url>https://old.example.org</wp:base_blog_url>
<item>
<title>Media post</title>
<link>https://old.example.org/2024/03/media-post/</link>
<dc:creator>admin</dc:creator>
<content:encoded><![CDATA[{content}]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>10</wp:post_id>
<wp:post_date>2024-03-05 10:00:00</wp:post_date>
<wp:post_date_gmt>2024-03-05 05:00:00</wp:post_date_gmt>
<wp:post_name>media-post</wp:post_name>
<wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type>
</item>
</channel>
</rss>
"#
    )
}
