//! Languages (issue 18): each page's interface text comes from its own language's strings
//! table, translations link to each other (`hreflang` both ways, `x-default`, the switcher,
//! the sitemap), and each language of `languages:` gets its own home page and feeds.

use std::collections::BTreeSet;

use crate::common;
use crate::common::{SiteTest, article};
use scraper::{ElementRef, Html, Selector};

const SITE_YAML: &str = "title: Rights Watch\nbase_url: https://news.example.org\nlanguage: en\npaginate: 10\nlanguages:\n  - { code: en, name: English }\n  - { code: ur, name: اردو }\n";

const EN_BODY: &str = "Mobile data was cut in four districts.\n\n## Timeline\n\nIt began at dawn.\n\n## Who was hit\n\nVoters and reporters.\n\n## The order\n\nNone was published.\n\n## Next steps\n\nWe asked for it.\n";
const UR_BODY: &str = "چار اضلاع میں موبائل ڈیٹا بند کر دیا گیا۔\n\n## واقعات\n\nبندش صبح سویرے شروع ہوئی۔\n\n## کون متاثر ہوا\n\nووٹر اور صحافی۔\n\n## حکم نامہ\n\nکوئی حکم نامہ شائع نہیں ہوا۔\n\n## آگے کیا\n\nہم نے حکم نامہ مانگا ہے۔\n";

/// An English story and its Urdu translation, two more Urdu stories around the translation
/// (its previous and next) and an older English one; all share a category and a tag, so that
/// each has related stories.
fn site() -> SiteTest {
    let common = "author: Sana Mir\ncategories: [Reports]\ntags: [Shutdowns]\n";
    SiteTest::new()
        .without_test_theme()
        .file("site.yaml", SITE_YAML)
        .file("content/old.md", &article("Older English story", "2024-01-01", common, "Older text.\n"))
        .file(
            "content/shutdown.md",
            &article(
                "Shutdown in four districts",
                "2024-01-05",
                &format!("{common}translation_key: shutdown-2024\n"),
                EN_BODY,
            ),
        )
        .file("content/ur-before.md", &article("پہلی اردو خبر", "2024-01-08", &format!("{common}lang: ur\n"), "متن۔\n"))
        .file(
            "content/bandish.md",
            &article(
                "چار اضلاع میں انٹرنیٹ کی بندش",
                "2024-01-10",
                &format!("{common}lang: ur\ntranslation_key: shutdown-2024\n"),
                UR_BODY,
            ),
        )
        .file("content/ur-after.md", &article("تیسری اردو خبر", "2024-01-12", &format!("{common}lang: ur\n"), "متن۔\n"))
}

fn select<'a>(html: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
    html.select(&Selector::parse(css).expect("valid selector")).collect()
}

/// `(hreflang, href)` of the page's `<link rel="alternate" hreflang>`s, sorted.
fn alternates(html: &Html) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = select(html, r#"head link[rel="alternate"][hreflang]"#)
        .iter()
        .map(|l| (l.attr("hreflang").unwrap_or("").to_string(), l.attr("href").unwrap_or("").to_string()))
        .collect();
    out.sort();
    out
}

#[test]
fn an_article_and_its_translation_link_to_each_other_with_x_default() {
    let built = site().build();
    let en_url = "https://news.example.org/2024/01/shutdown/";
    let ur_page = built.html("/2024/01/bandish/");
    let ur_url = "https://news.example.org/2024/01/bandish/";
    let expected = vec![
        ("en".to_string(), en_url.to_string()),
        ("ur".to_string(), ur_url.to_string()),
        ("x-default".to_string(), en_url.to_string()),
    ];
    assert_eq!(alternates(&built.html("/2024/01/shutdown/")), expected);
    assert_eq!(alternates(&ur_page), expected);
    // The visible switcher names each language in its own script, with hreflang and lang.
    let switch = select(&built.html("/2024/01/shutdown/"), ".translations a")
        .iter()
        .map(|a| (a.attr("href").map(str::to_string), a.attr("hreflang"), a.attr("lang"), a.inner_html()))
        .map(|(h, hl, l, text)| format!("{} {} {} {text}", h.unwrap_or_default(), hl.unwrap_or(""), l.unwrap_or("")))
        .collect::<Vec<_>>();
    assert_eq!(switch, vec!["/2024/01/bandish/ ur ur اردو"]);
    let back: Vec<String> = select(&ur_page, ".translations a").iter().map(|a| a.inner_html()).collect();
    assert_eq!(back, vec!["English"]);
    // A story's own translation is not among its related stories.
    let related: Vec<String> = select(&ur_page, "section.related a.card-link")
        .iter()
        .filter_map(|a| a.attr("href"))
        .map(String::from)
        .collect();
    assert!(!related.is_empty() && !related.contains(&"/2024/01/shutdown/".to_string()), "{related:?}");
    // A story without a translation has no alternates.
    assert!(alternates(&built.html("/2024/01/old/")).is_empty());
}

/// Latin-letter words of the English strings table (placeholders left out).
fn english_interface_words() -> BTreeSet<String> {
    let yaml = std::fs::read_to_string(common::manifest_dir().join("themes/advocacy/i18n/en.yaml")).expect("en.yaml");
    let table: serde_yaml::Mapping = serde_yaml::from_str(&yaml).expect("en.yaml parses");
    let mut texts = Vec::new();
    for value in table.values() {
        match value {
            serde_yaml::Value::String(s) => texts.push(s.clone()),
            serde_yaml::Value::Mapping(forms) => {
                texts.extend(forms.values().filter_map(|v| v.as_str().map(String::from)))
            }
            _ => {}
        }
    }
    let mut words = BTreeSet::new();
    for text in texts {
        let mut without_placeholders = String::new();
        let mut depth = 0;
        for c in text.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ if depth == 0 => without_placeholders.push(c),
                _ => {}
            }
        }
        words.extend(
            without_placeholders.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| w.len() >= 2).map(str::to_string),
        );
    }
    words
}

/// The text of `element`, leaving out whatever is marked as another language than Urdu (an
/// English story's title or card in the "Latest" list, the "English" switcher link).
fn urdu_text(element: ElementRef) -> String {
    let mut out = String::new();
    for child in element.children() {
        if let Some(text) = child.value().as_text() {
            out.push_str(text);
        } else if let Some(el) = ElementRef::wrap(child) {
            if el.value().attr("lang").is_some_and(|l| !l.starts_with("ur")) {
                continue;
            }
            out.push(' ');
            out.push_str(&urdu_text(el));
            out.push(' ');
        }
    }
    out
}

#[test]
fn an_urdu_page_shows_no_english_interface_word() {
    let built = site().build();
    let page = built.html("/2024/01/bandish/");
    let root = select(&page, "html")[0];
    assert_eq!((root.attr("lang"), root.attr("dir")), (Some("ur"), Some("rtl")));
    let english = english_interface_words();
    assert!(english.contains("By") && english.contains("Search") && english.contains("Related"), "{english:?}");
    let parts = [
        "header.site-header",
        "nav",
        ".trail",
        ".byline-block",
        "nav.toc",
        ".share",
        "section.related",
        "nav.prev-next",
        "aside.sidebar",
        "footer.site-footer",
    ];
    let mut checked = 0;
    for css in parts {
        let found = select(&page, css);
        assert!(!found.is_empty(), "the Urdu article has no {css}");
        for el in found {
            let text = urdu_text(el);
            let leaked: Vec<&str> =
                text.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| english.contains(*w)).collect();
            assert!(leaked.is_empty(), "{css} of the Urdu page shows English interface words {leaked:?}: {text}");
            checked += 1;
        }
    }
    assert!(checked >= 10);
    let byline = urdu_text(select(&page, ".byline")[0]);
    assert!(byline.contains("تحریر:"), "{byline}");
    assert_eq!(urdu_text(select(&page, "#toc-title")[0]).trim(), "فہرست");
    assert!(urdu_text(select(&page, ".reading-time")[0]).contains("منٹ کی پڑھائی"));
    assert!(urdu_text(select(&page, "nav.prev-next")[0]).contains("پچھلی خبر"));
    assert!(urdu_text(select(&page, ".meta time")[0]).contains("جنوری"), "Urdu month name");
    // And the English page keeps its English strings.
    let en = built.html("/2024/01/shutdown/");
    assert!(urdu_text(select(&en, ".byline")[0]).trim_start().starts_with("By "));
}

#[test]
fn each_language_gets_a_home_page_and_feeds_with_only_its_articles() {
    let built = site().build();
    let urdu: BTreeSet<&str> = ["/2024/01/bandish/", "/2024/01/ur-before/", "/2024/01/ur-after/"].into();
    let home = built.html("/ur/");
    let root = select(&home, "html")[0];
    assert_eq!((root.attr("lang"), root.attr("dir")), (Some("ur"), Some("rtl")));
    let cards: BTreeSet<String> =
        select(&home, "a.card-link").iter().filter_map(|a| a.attr("href")).map(String::from).collect();
    assert_eq!(cards, urdu.iter().map(|s| s.to_string()).collect::<BTreeSet<String>>());
    // The two homes are alternates of each other.
    let homes = alternates(&home);
    assert!(homes.contains(&("ur".into(), "https://news.example.org/ur/".into())), "{homes:?}");
    assert!(homes.contains(&("x-default".into(), "https://news.example.org/".into())), "{homes:?}");

    for feed in ["/ur/feed.xml", "/ur/atom.xml"] {
        let parsed = feed_rs::parser::parse(built.text(feed).as_bytes()).expect("feed parses");
        let links: BTreeSet<String> = parsed
            .entries
            .iter()
            .map(|e| e.links[0].href.trim_start_matches("https://news.example.org").to_string())
            .collect();
        assert_eq!(links, urdu.iter().map(|s| s.to_string()).collect::<BTreeSet<String>>(), "{feed}");
        assert_eq!(parsed.language.as_deref(), Some("ur"), "{feed}");
    }
    // The site's own feed keeps every language.
    assert_eq!(feed_rs::parser::parse(built.text("/feed.xml").as_bytes()).expect("feed").entries.len(), 5);
}

#[test]
fn the_sitemap_lists_every_version_of_a_translated_story() {
    let built = site().build();
    let xml = built.text("/sitemap.xml");
    let doc = roxmltree::Document::parse(&xml).expect("sitemap parses");
    let xhtml = "http://www.w3.org/1999/xhtml";
    let alternates_of = |loc: &str| -> Vec<(String, String)> {
        let url = doc
            .descendants()
            .find(|n| n.has_tag_name("url") && n.children().any(|c| c.has_tag_name("loc") && c.text() == Some(loc)))
            .unwrap_or_else(|| panic!("no <url> for {loc}"));
        let mut out: Vec<(String, String)> = url
            .children()
            .filter(|c| c.has_tag_name((xhtml, "link")))
            .map(|l| (l.attribute("hreflang").unwrap_or("").into(), l.attribute("href").unwrap_or("").into()))
            .collect();
        out.sort();
        out
    };
    let en = "https://news.example.org/2024/01/shutdown/";
    let ur = "https://news.example.org/2024/01/bandish/";
    let expected: Vec<(String, String)> =
        vec![("en".into(), en.into()), ("ur".into(), ur.into()), ("x-default".into(), en.into())];
    assert_eq!(alternates_of(en), expected);
    assert_eq!(alternates_of(ur), expected);
    assert!(alternates_of("https://news.example.org/2024/01/old/").is_empty());
    assert_eq!(alternates_of("https://news.example.org/ur/").len(), 3, "the language homes");
}

#[test]
fn two_versions_in_one_language_under_one_key_are_an_error_naming_both() {
    let err = site()
        .file(
            "content/again.md",
            &article("Shutdown, again", "2024-01-06", "translation_key: shutdown-2024\n", "Text.\n"),
        )
        .build_err()
        .to_string();
    assert!(err.contains("translation_key `shutdown-2024`"), "{err}");
    assert!(err.contains("content/again.md") && err.contains("content/shutdown.md"), "{err}");
}

#[test]
fn a_key_missing_from_a_language_falls_back_with_a_warning_and_fails_under_strict() {
    // The site adds a string in English only, and shows it under each date.
    let with_key = || {
        site().file("i18n/en.yaml", "donate: Support our work\n").file(
            "templates/partials/date.html",
            "<time datetime=\"{{ item.date }}\">{{ item.date | local_date(lang=item.lang) }}</time> <span class=\"donate\">{{ t(key=\"donate\") }}</span>",
        )
    };
    let built = with_key().build();
    let warnings: Vec<String> = built.report.warnings.iter().map(|w| format!("{} {}", w.code, w.message)).collect();
    let missing: Vec<&String> = warnings.iter().filter(|w| w.starts_with("missing-strings")).collect();
    assert_eq!(missing.len(), 1, "{warnings:?}");
    assert!(missing[0].contains("`ur`") && missing[0].contains("donate"), "{}", missing[0]);
    assert_eq!(built.texts("/2024/01/bandish/", ".byline-block .meta .donate"), vec!["Support our work"]);
    // An Urdu override removes the warning.
    let fixed = with_key().file("i18n/ur.yaml", "donate: ہمارا ساتھ دیں\n").build();
    assert!(fixed.report.warnings.iter().all(|w| w.code != "missing-strings"));
    assert_eq!(fixed.texts("/2024/01/bandish/", ".byline-block .meta .donate"), vec!["ہمارا ساتھ دیں"]);
    let strict = with_key().with(|o| o.strict = true).build_err().to_string();
    assert!(strict.contains("donate"), "{strict}");
}

#[test]
fn an_unknown_key_is_an_error_at_its_template_line() {
    let err = site()
        .file(
            "templates/partials/date.html",
            "<time datetime=\"{{ item.date }}\">\n{{ item.date }}\n{{ t(key=\"no_such_string\") }}</time>",
        )
        .build_err()
        .to_string();
    assert!(err.contains("templates/partials/date.html:3:"), "{err}");
    assert!(err.contains("no_such_string"), "{err}");
    // A key a template computes is caught as it renders, at the same place.
    let err = site()
        .file(
            "templates/partials/date.html",
            "<time datetime=\"{{ item.date }}\">\n{{ t(key=\"no_\" ~ \"such\") }}</time>",
        )
        .build_err()
        .to_string();
    assert!(err.contains("templates/partials/date.html:2:"), "{err}");
    assert!(err.contains("unknown string key `no_such`"), "{err}");
}

/// The English interface words (of en.yaml) in `text`.
fn english_words_in<'t>(text: &'t str, english: &BTreeSet<String>) -> Vec<&'t str> {
    text.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| english.contains(*w)).collect()
}

#[test]
fn urdu_pages_search_from_an_urdu_search_page_that_still_searches_every_language() {
    let built = site().build();
    let english = english_interface_words();
    let page = built.html("/ur/search/");
    let root = select(&page, "html")[0];
    assert_eq!((root.attr("lang"), root.attr("dir")), (Some("ur"), Some("rtl")));
    assert_eq!(built.texts("/ur/search/", "title"), vec!["تلاش — Rights Watch"]);
    assert_eq!(built.texts("/ur/search/", "main h1"), vec!["تلاش"]);
    // Its whole interface is Urdu, the script's messages included.
    for css in ["header.site-header", "main h1", "form#search-form", "footer.site-footer"] {
        let text = urdu_text(select(&page, css)[0]);
        // The page's own address (printed at the bottom for paper) is not interface text.
        let text: String = text.split_whitespace().filter(|w| !w.starts_with("http")).collect::<Vec<_>>().join(" ");
        let leaked = english_words_in(&text, &english);
        assert!(leaked.is_empty(), "{css} of /ur/search/ shows English interface words {leaked:?}: {text}");
    }
    let form = select(&page, "form#search-form")[0];
    assert_eq!(form.attr("data-searching"), Some("تلاش جاری ہے…"));
    assert!(
        form.attr("data-results-other").is_some_and(|t| t.contains("نتائج")),
        "{:?}",
        form.attr("data-results-other")
    );
    // It queries the one index of the whole site, as /search/ does: every language is found
    // from either page (tests/it/search.rs queries it from both).
    assert_eq!(form.attr("data-bundle"), Some("/pagefind/pagefind.js"));
    assert_eq!(built.attrs("/search/", "form#search-form", "data-bundle"), ["/pagefind/pagefind.js"]);
    assert_eq!(form.attr("action"), Some("/ur/search/"));
    // Without JavaScript it sends readers to the Urdu home.
    let raw = built.text("/ur/search/");
    let noscript = raw.split("<noscript>").nth(1).and_then(|s| s.split("</noscript>").next()).unwrap_or_default();
    assert!(noscript.contains(r#"<a href="/ur/">تازہ ترین"#), "{noscript}");

    // Search boxes on Urdu pages submit to it; English pages and /search/ keep /search/.
    for urdu in ["/2024/01/bandish/", "/ur/"] {
        assert_eq!(built.attrs(urdu, "form.site-search", "action"), ["/ur/search/"], "{urdu}");
    }
    for english_page in ["/2024/01/shutdown/", "/", "/tags/", "/404.html", "/search/"] {
        assert_eq!(built.attrs(english_page, "form.site-search", "action"), ["/search/"], "{english_page}");
    }
    assert_eq!(built.attrs("/search/", "html", "lang"), ["en"]);
    assert_eq!(built.texts("/search/", "main h1"), vec!["Search"]);
    // Search pages are for people, not search engines.
    assert!(!built.text("/sitemap.xml").contains("/search/"));
    assert_eq!(built.attrs("/ur/search/", r#"meta[name="robots"]"#, "content"), ["noindex"]);
}

/// The words of `<title>` and of every `<head>` string a reader or a search engine shows: the
/// meta description, Open Graph and Twitter titles, descriptions and image text, the feed
/// titles, and the `name`s in the JSON-LD (breadcrumbs).
fn head_words(html: &Html) -> Vec<String> {
    let mut out: Vec<String> = select(html, "title").iter().map(|t| t.text().collect()).collect();
    for css in [
        r#"meta[name="description"]"#,
        r#"meta[property="og:title"]"#,
        r#"meta[property="og:description"]"#,
        r#"meta[property="og:image:alt"]"#,
        r#"meta[name="twitter:title"]"#,
        r#"meta[name="twitter:description"]"#,
        r#"meta[name="twitter:image:alt"]"#,
    ] {
        out.extend(select(html, css).iter().filter_map(|m| m.attr("content")).map(String::from));
    }
    out.extend(
        select(html, r#"link[rel="alternate"][title]"#).iter().filter_map(|l| l.attr("title")).map(String::from),
    );
    fn names(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    match v {
                        serde_json::Value::String(s) if k == "name" || k == "headline" || k == "description" => {
                            out.push(s.clone())
                        }
                        _ => names(v, out),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| names(v, out)),
            _ => {}
        }
    }
    for script in select(html, r#"script[type="application/ld+json"]"#) {
        let json: serde_json::Value = serde_json::from_str(&script.text().collect::<String>()).expect("JSON-LD parses");
        names(&json, &mut out);
    }
    out
}

/// A site written in Urdu (English second): every index page (tags, authors, 404, search) and
/// every list page (tag, author, category) is in Urdu.
fn urdu_site() -> SiteTest {
    let yaml = "title: حقوق نامہ\nbase_url: https://news.example.org\nlanguage: ur\npaginate: 1\nlanguages:\n  - { code: ur, name: اردو }\n  - { code: en, name: English }\nauthors:\n  sana:\n    name: ثنا میر\n";
    let common = "author: sana\ncategories: [رپورٹیں]\ntags: [بندش]\n";
    SiteTest::new()
        .without_test_theme()
        .file("site.yaml", yaml)
        .file("content/one.md", &article("پہلی خبر", "2024-01-01", common, "متن۔\n"))
        .file("content/two.md", &article("دوسری خبر", "2024-01-02", common, "متن۔\n"))
        .file("content/three.md", &article("English story", "2024-01-03", "lang: en\n", "Text.\n"))
}

#[test]
fn titles_and_social_cards_of_urdu_pages_use_no_english_interface_word() {
    let english = english_interface_words();
    let check = |built: &common::Built, path: &str| {
        let html = built.html(path);
        let words = head_words(&html);
        assert!(words.len() >= 8, "{path}: {words:?}");
        for text in &words {
            let leaked = english_words_in(text, &english);
            assert!(leaked.is_empty(), "{path}: English interface words {leaked:?} in `{text}`");
        }
        words
    };
    let urdu = urdu_site().build();
    let tag = "/tag/بندش/";
    for path in [
        "/tags/",
        tag,
        &format!("{tag}page/2/"),
        "/authors/",
        "/author/sana/",
        "/author/sana/page/2/",
        "/category/رپورٹیں/",
        "/404.html",
        "/search/",
        "/",
        "/page/2/",
    ] {
        check(&urdu, path);
    }
    let words = check(&urdu, &format!("{tag}page/2/"));
    assert!(words.contains(&"ٹیگ: بندش (صفحہ 2) — حقوق نامہ".to_string()), "{words:?}");
    assert!(words.contains(&"بندش سے متعلق خبریں".to_string()), "{words:?}");
    assert!(words.contains(&"ٹیگز".to_string()), "the breadcrumb's middle step: {words:?}");
    assert!(words.contains(&"حقوق نامہ (آر ایس ایس فیڈ)".to_string()), "{words:?}");
    let words = check(&urdu, "/author/sana/");
    assert!(words.contains(&"ثنا میر کی تحریریں".to_string()), "{words:?}");
    let words = check(&urdu, "/404.html");
    assert!(words.contains(&"صفحہ نہیں ملا".to_string()), "og:title: {words:?}");

    // The Urdu pages of an English site: its Urdu home, search page and articles.
    let bilingual = site().build();
    for path in ["/ur/", "/ur/search/", "/2024/01/bandish/"] {
        check(&bilingual, path);
    }
    // Each announces the Urdu feeds, and the Urdu home its own search page.
    assert_eq!(
        bilingual.attrs("/ur/", r#"link[rel="alternate"][type="application/rss+xml"]"#, "href"),
        ["https://news.example.org/ur/feed.xml"]
    );
    let ld: serde_json::Value =
        serde_json::from_str(&bilingual.texts("/ur/", r#"script[type="application/ld+json"]"#)[0])
            .expect("JSON-LD parses");
    assert_eq!(ld["inLanguage"], "ur");
    assert_eq!(
        ld["potentialAction"]["target"]["urlTemplate"],
        "https://news.example.org/ur/search/?q={search_term_string}"
    );
    // English pages keep English words.
    let en = bilingual.html("/tag/shutdowns/");
    assert!(head_words(&en).contains(&"Articles tagged Shutdowns".to_string()), "{:?}", head_words(&en));
    assert_eq!(bilingual.texts("/search/", "title"), vec!["Search — Rights Watch"]);
}

#[test]
#[ignore = "needs node (Node.js 20) to query the index with Pagefind's JS API"]
fn both_search_pages_find_articles_in_every_language() {
    let built = site().build();
    for page in ["/search/", "/ur/search/"] {
        let found = crate::search::query_from(&built, page, &["districts", "اضلاع", "Older"]);
        let urls = |q: &str| found[q].iter().map(|(url, _, _)| url.as_str()).collect::<Vec<_>>();
        assert_eq!(urls("districts"), ["/2024/01/shutdown/"], "{page}");
        assert_eq!(urls("اضلاع"), ["/2024/01/bandish/"], "{page}");
        assert_eq!(urls("Older"), ["/2024/01/old/"], "{page}");
    }
}
