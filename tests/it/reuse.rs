//! Rebuilds reuse the pages of the previous output that were rendered from the same inputs
//! (src/reuse.rs): they are linked, not rendered. What a rebuild publishes is always what a
//! build into an empty folder publishes.

use crate::common::{SiteTest, article, snapshot};

const SITE_YAML: &str = "title: Test Site\nbase_url: https://example.org\nsearch: false\n";

/// Three articles on the built-in theme, then ten newer ones (so that the three are not among
/// the recent articles every page lists); Gamma shows a YouTube card (its player's origin is in
/// the security policy, which a rebuild must still know from the pages it reuses).
fn site() -> SiteTest {
    let mut t = SiteTest::new();
    for day in 10..20 {
        t = t.file(
            &format!("content/n{day}.md"),
            &article(&format!("News {day}"), &format!("2024-02-{day}"), "", "News."),
        );
    }
    t.without_test_theme()
        .file("site.yaml", SITE_YAML)
        .file("content/a.md", &article("Alpha", "2024-01-01", "tags: [x]\n", "First words."))
        .file("content/b.md", &article("Beta", "2024-01-02", "tags: [y]\n", "Middle words."))
        .file(
            "content/c.md",
            &article("Gamma", "2024-01-03", "tags: [y]\n", "Newest.\n\nhttps://www.youtube.com/watch?v=M7lc1UVf-VE\n"),
        )
        .file("content/pages/about.md", "---\ntitle: About\n---\nAbout us.\n")
}

/// What a build of the same site into an empty folder, with an empty cache, publishes.
fn fresh_build(t: &SiteTest) -> Vec<(String, Vec<u8>)> {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut opts = pamphlet::BuildOptions::new(t.root());
    opts.output = Some(dir.path().join("public"));
    opts.cache_dir = Some(dir.path().join("cache"));
    opts.now = Some(crate::common::now());
    let report = pamphlet::build(&opts).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.pages_reused, 0, "nothing to reuse in a new cache");
    snapshot(&dir.path().join("public"))
}

fn edit(t: &SiteTest, rel: &str, text: &str) {
    std::fs::write(t.root().join(rel), text).expect("edit a file of the site");
}

#[test]
fn a_rebuild_renders_only_the_pages_an_edit_touched() {
    let t = site();
    let first = t.rebuild().unwrap();
    let pages = first.pages_rendered;
    assert!(pages >= 10, "articles, the page, lists, tags, authors, 404: {pages}");
    assert_eq!(first.pages_reused, 0);

    let unchanged = t.rebuild().unwrap();
    assert_eq!((unchanged.pages_rendered, unchanged.pages_reused), (0, pages), "nothing changed");
    assert!(unchanged.to_string().contains(&format!("0 pages rendered, {pages} unchanged ones reused")), "{unchanged}");

    // Alpha's body (and so its summary on cards) changes: its page and the pages that show its
    // card are rendered again; the other articles' pages, the page, 404 and others are not.
    edit(&t, "content/a.md", &article("Alpha", "2024-01-01", "tags: [x]\n", "Edited words."));
    let edited = t.rebuild().unwrap();
    assert!(edited.pages_rendered >= 1 && edited.pages_reused >= 10, "{edited}");
    assert_eq!(edited.pages_rendered + edited.pages_reused, pages);
    let alpha = std::fs::read_to_string(t.output().join("2024/01/a/index.html")).unwrap();
    assert!(alpha.contains("Edited words."));
    assert_eq!(snapshot(&t.output()), fresh_build(&t), "a rebuild publishes what a build from nothing does");

    // Alpha's title shows on its neighbour's page (previous/next links): it changes too.
    edit(&t, "content/a.md", &article("Alpha renamed", "2024-01-01", "tags: [x]\n", "Edited words."));
    t.rebuild().unwrap();
    let beta = std::fs::read_to_string(t.output().join("2024/01/b/index.html")).unwrap();
    assert!(beta.contains("Alpha renamed"));
    assert_eq!(snapshot(&t.output()), fresh_build(&t));
}

/// Feeds are reused as pages are: a rebuild takes from the previous output the feeds whose
/// articles and settings did not change, writes again those listing an edited article, and
/// always publishes what a build from nothing does (a new time zone changes every date).
#[test]
fn feeds_listing_an_edited_article_are_written_again_and_the_others_reused() {
    let t = site();
    t.rebuild().unwrap();
    // Nothing changed: the site's RSS and Atom feeds and those of tags x and y are all reused.
    let feeds = t.rebuild().unwrap().feeds_reused;
    assert_eq!(feeds, 4);
    assert!(t.output().join("tag/x/feed.xml").is_file() && t.output().join("atom.xml").is_file());

    // Beta is on the site's feeds and tag y's; tag x's lists only Alpha.
    edit(&t, "content/b.md", &article("Beta", "2024-01-02", "tags: [y]\n", "Middle words, corrected."));
    let report = t.rebuild().unwrap();
    assert_eq!(report.feeds_reused, feeds - 3, "{report}");
    let tag_y = std::fs::read_to_string(t.output().join("tag/y/feed.xml")).unwrap();
    assert!(tag_y.contains("Middle words, corrected."), "{tag_y}");
    assert_eq!(snapshot(&t.output()), fresh_build(&t), "a rebuild publishes what a build from nothing does");

    edit(&t, "site.yaml", &format!("{SITE_YAML}timezone: Asia/Karachi\n"));
    assert_eq!(t.rebuild().unwrap().feeds_reused, 0, "every date's offset changed");
    assert!(std::fs::read_to_string(t.output().join("feed.xml")).unwrap().contains("+0500"));
    assert_eq!(snapshot(&t.output()), fresh_build(&t));
}

#[test]
fn reused_pages_keep_their_part_in_the_security_policy() {
    let t = site();
    t.rebuild().unwrap();
    let headers = std::fs::read_to_string(t.output().join("_headers")).unwrap();
    assert!(headers.contains("https://www.youtube-nocookie.com"), "{headers}");
    // An edit elsewhere: Gamma's page (the one with the player) is reused, not read again.
    edit(&t, "content/pages/about.md", "---\ntitle: About\n---\nAbout us, edited.\n");
    let report = t.rebuild().unwrap();
    assert_eq!(report.pages_rendered, 1, "only the edited page: {report}");
    assert_eq!(std::fs::read_to_string(t.output().join("_headers")).unwrap(), headers);
}

/// A CI runner keeps the cache folder, not the output: the pages kept there are linked into
/// the empty output folder, and only those an edit touched are rendered.
#[test]
fn an_empty_output_folder_gets_the_pages_kept_in_the_cache_folder() {
    let t = site();
    let pages = t.rebuild().unwrap().pages_rendered;
    let empty_output = || std::fs::remove_dir_all(t.output()).expect("remove the output folder");
    empty_output();
    let report = t.rebuild().unwrap();
    assert_eq!((report.pages_rendered, report.pages_reused), (0, pages), "{report}");
    assert_eq!(snapshot(&t.output()), fresh_build(&t), "the same site, security policy included");

    edit(&t, "content/a.md", &article("Alpha", "2024-01-01", "tags: [x]\n", "Edited words."));
    empty_output();
    let report = t.rebuild().unwrap();
    assert!(report.pages_rendered >= 1 && report.pages_reused >= 10, "{report}");
    assert_eq!(snapshot(&t.output()), fresh_build(&t));
    // Twice in a row, as a CI runner builds: the kept pages are those of the last build.
    empty_output();
    let report = t.rebuild().unwrap();
    assert_eq!((report.pages_rendered, report.pages_reused), (0, pages), "{report}");
    assert_eq!(snapshot(&t.output()), fresh_build(&t));
}

/// Builds sharing one cache folder run at once (as the example site is built with and without
/// drafts in one test run): each one's clean-up of the kept pages must leave alone those the
/// other is linking. Two sites whose every page differs (another base URL), each built into an
/// emptied output folder, round after round.
#[test]
fn builds_sharing_a_cache_folder_at_once_all_publish_their_site() {
    let t = site();
    let options = |base_url: &str| {
        let mut opts = pamphlet::BuildOptions::new(t.root());
        opts.output = Some(t.root().join(format!("public-{}", base_url.len())));
        opts.base_url = Some(base_url.to_string());
        opts.now = Some(crate::common::now());
        opts
    };
    let sites = [options("https://one.example.org"), options("https://two.example.org/news")];
    let start = std::sync::Barrier::new(sites.len());
    let mut reused = 0;
    for _round in 0..6 {
        let reports = std::thread::scope(|scope| {
            let builds: Vec<_> = sites
                .iter()
                .map(|opts| {
                    let start = &start;
                    scope.spawn(move || {
                        let _ = std::fs::remove_dir_all(opts.output_dir());
                        start.wait();
                        pamphlet::build(opts)
                    })
                })
                .collect();
            builds.into_iter().map(|build| build.join().expect("no panic")).collect::<Vec<_>>()
        });
        for report in reports {
            reused += report.unwrap_or_else(|e| panic!("{e}")).pages_reused;
        }
    }
    assert!(reused > 0, "some kept pages were linked");
    for opts in &sites {
        let page = std::fs::read_to_string(opts.output_dir().join("2024/01/a/index.html")).unwrap();
        assert!(page.contains(opts.base_url.as_deref().unwrap()), "each build's own pages");
    }
}

/// Without the kept pages (a cache folder on another file system keeps none), every page is
/// rendered into an empty folder, and a page rendered from the inputs it had in the previous
/// build (its digest) takes what it runs and loads from the manifest instead of being read
/// again. An edited page is read.
#[test]
fn pages_rendered_from_unchanged_inputs_take_their_sources_from_the_manifest() {
    let t = site();
    t.rebuild().unwrap();
    let kept = t.root().join(".pamphlet-cache").join(pamphlet::reuse::STORE_DIR);
    let empty_output = || {
        std::fs::remove_dir_all(t.output()).expect("remove the output folder");
        std::fs::remove_dir_all(&kept).expect("remove the kept pages");
    };
    empty_output();
    let report = t.rebuild().unwrap();
    assert_eq!(report.pages_reused, 0, "no output to reuse: {report}");
    assert_eq!(snapshot(&t.output()), fresh_build(&t), "the same site, security policy included");

    // A host only the manifest names: pages whose inputs did not change bring it to the policy.
    let manifest_file = t.root().join(".pamphlet-cache").join(pamphlet::reuse::MANIFEST);
    let mut manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(&manifest_file).unwrap()).unwrap();
    for sources in manifest["sources"].as_array_mut().expect("the distinct sources") {
        sources["frames"].as_array_mut().unwrap().push("https://from-the-manifest.example".into());
    }
    std::fs::write(&manifest_file, serde_json::to_vec(&manifest).unwrap()).unwrap();
    empty_output();
    t.rebuild().unwrap();
    let headers = std::fs::read_to_string(t.output().join("_headers")).unwrap();
    assert!(headers.contains("https://from-the-manifest.example"), "{headers}");
    assert!(headers.contains("https://www.youtube-nocookie.com"), "{headers}");

    // Gamma without its player: its page is read again, and the player's host leaves the policy.
    edit(&t, "content/c.md", &article("Gamma", "2024-01-03", "tags: [y]\n", "Newest, no video.\n"));
    empty_output();
    t.rebuild().unwrap();
    let headers = std::fs::read_to_string(t.output().join("_headers")).unwrap();
    assert!(!headers.contains("https://www.youtube-nocookie.com"), "{headers}");
}

#[test]
fn an_edited_template_renders_every_page_again() {
    let t = site().file("templates/page.html", "{% extends \"base.html\" %}");
    let pages = t.rebuild().unwrap().pages_rendered;
    // A site's own template changes the pages made with it; templates include one another
    // (base.html, partials), so every page is rendered again.
    let template =
        "{% extends \"base.html\" %}{% block main %}<p class=\"own\">{{ page.title }}</p>{% endblock main %}";
    edit(&t, "templates/page.html", template);
    let report = t.rebuild().unwrap();
    assert_eq!((report.pages_rendered, report.pages_reused), (pages, 0));
    let about = std::fs::read_to_string(t.output().join("about/index.html")).unwrap();
    assert!(about.contains("<p class=\"own\">About</p>"));
}

#[test]
fn a_page_changed_by_hand_in_the_output_is_published_as_rendered() {
    let t = site();
    t.rebuild().unwrap();
    let alpha = t.output().join("2024/01/a/index.html");
    // A new file, as most tools write: the page kept in the cache folder is linked back…
    std::fs::remove_file(&alpha).unwrap();
    std::fs::write(&alpha, "defaced").unwrap();
    assert_eq!(t.rebuild().unwrap().pages_rendered, 0);
    assert!(std::fs::read_to_string(&alpha).unwrap().contains("First words."));
    // …but the same file written over in place is the kept one too: rendered again.
    std::fs::write(&alpha, "defaced again, in place").unwrap();
    assert_eq!(t.rebuild().unwrap().pages_rendered, 1);
    assert!(std::fs::read_to_string(&alpha).unwrap().contains("First words."));
    assert_eq!(snapshot(&t.output()), fresh_build(&t));
}

#[test]
fn another_base_url_renders_every_page_again() {
    let t = site();
    let pages = t.rebuild().unwrap().pages_rendered;
    let t = t.with(|o| o.base_url = Some("https://news.example.net/".into()));
    let report = t.rebuild().unwrap();
    assert_eq!((report.pages_rendered, report.pages_reused), (pages, 0));
    let about = std::fs::read_to_string(t.output().join("about/index.html")).unwrap();
    assert!(about.contains("https://news.example.net/about/"));
}

/// The same site built with its root spelled another way (`site`, `../site`, an absolute path,
/// here a link to it): the cache folder's path changes with it, what pages are rendered from
/// does not.
#[cfg(unix)]
#[test]
fn the_spelling_of_the_site_root_does_not_change_what_is_reused() {
    let t = site()
        .image("static/images/photo.png")
        .file("content/d.md", &article("Delta", "2024-01-04", "image: /images/photo.png\n", "A photo."));
    let pages = t.rebuild().unwrap().pages_rendered;
    let link = t.root().with_file_name("the-same-site");
    std::os::unix::fs::symlink(t.root(), &link).expect("a link to the site root");
    let t = t.with(|o| o.root = link);
    let report = t.rebuild().unwrap();
    assert_eq!((report.pages_rendered, report.pages_reused), (0, pages), "{report}");
    let delta = std::fs::read_to_string(t.output().join("2024/01/d/index.html")).unwrap();
    assert!(delta.contains("/images/photo"), "the photo is on its page");
}

#[test]
fn a_theme_that_reads_the_clock_is_rendered_every_time() {
    let t =
        site().file("templates/page.html", "{% extends \"base.html\" %}{% block main %}{{ now() }}{% endblock main %}");
    t.rebuild().unwrap();
    let report = t.rebuild().unwrap();
    assert_eq!(report.pages_reused, 0, "{report}");
}

/// A rebuild reuses the related-article lists the previous build kept in the cache folder while
/// every article has the tags and categories it had (src/related_cache.rs), and finds them
/// again once one changes: lists put in the file by hand show until then.
#[test]
fn related_lists_are_kept_until_a_tag_or_category_changes() {
    let t = SiteTest::new()
        .file("content/a.md", &article("Base", "2024-01-01", "tags: [x, y]\ncategories: [C]\n", "."))
        .file("content/b.md", &article("Both tags", "2024-01-02", "tags: [x, y]\n", "."))
        .file("content/c.md", &article("One tag", "2024-01-03", "tags: [x]\n", "."))
        .file("content/d.md", &article("Same category", "2024-01-04", "categories: [C]\n", "."));
    let related = |t: &SiteTest| {
        let report = t.rebuild().unwrap_or_else(|e| panic!("{e}"));
        crate::common::Built::from_dir(t.output(), report).texts("/2024/01/a/", "a.related-item")
    };
    assert_eq!(related(&t), ["Both tags", "One tag", "Same category"]);
    let cache = t.root().join(".pamphlet-cache");
    let stored = pamphlet::related_cache::load(&cache).expect("the build kept its lists");
    let mut lists = stored.lists_for(stored.key()).expect("lists for their own key");
    // Newest first: Base is the fourth article, "Same category" the first.
    assert_eq!(lists.len(), 4);
    lists[3] = vec![0];
    pamphlet::related_cache::save(&cache, stored.key(), lists.into_iter());
    let t = t.file("content/b.md", &article("Both tags", "2024-01-02", "tags: [x, y]\n", "A body edited."));
    assert_eq!(related(&t), ["Same category"], "the kept lists are used");
    let t = t.file("content/c.md", &article("One tag", "2024-01-03", "tags: [z]\n", "."));
    assert_eq!(related(&t), ["Both tags", "Same category"], "a tag changed: the lists are found again");
}
