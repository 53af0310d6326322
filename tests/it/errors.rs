//! Problems a writer can cause: each names the file, line and column, says what to do, and a
//! build reports all of them at once without touching the previous output.

use crate::common::{SiteTest, article, snapshot};

fn problems(err: &pamphlet::Error) -> Vec<String> {
    err.problems().iter().map(|p| p.to_string()).collect()
}

#[test]
fn unknown_front_matter_key_names_line_and_suggests_the_field() {
    let t = SiteTest::new().file("content/a.md", "---\ntitle: A\ndate: 2024-01-01\ncategory: News\n---\n");
    assert_eq!(
        problems(&t.build_err()),
        vec!["content/a.md:4:1: unknown field `category`: did you mean `categories`?"]
    );
}

#[test]
fn every_broken_file_is_reported_in_one_run() {
    let t = SiteTest::new()
        .file("content/a.md", "---\ntitle: A\ndate: yesterday\n---\n")
        .file("content/b.md", "---\ntitle: [unclosed\ndate: 2024-01-01\n---\n")
        .file("content/c.md", "no front matter here\n")
        .file("content/d.md", "---\ntitle: D\ndate: 2024-01-01\n")
        .file("content/ok.md", &article("Fine", "2024-01-01", "", "x"));
    let err = t.build_err();
    let list = problems(&err);
    assert_eq!(list.len(), 4, "{list:#?}");
    assert_eq!(
        list[0],
        "content/a.md:3:7: `date: yesterday` is not a date: write `2023-09-05` or `2023-09-05T14:30:00+05:00`"
    );
    assert!(list[1].starts_with("content/b.md:"), "{}", list[1]);
    assert_eq!(
        list[2],
        "content/c.md:1:1: expected front matter: the file must start with a `---` line, then `title: …` (and `date: …` for articles), then another `---` line"
    );
    assert!(list[3].starts_with("content/d.md:1:1: front matter opened here is never closed"), "{}", list[3]);
    assert_eq!(err.exit_code(), 1);
}

#[test]
fn impossible_dates_explain_why() {
    let t = SiteTest::new().file("content/a.md", "---\ntitle: A\ndate: 2023-02-30\n---\n");
    let msg = t.build_err().to_string();
    assert!(msg.starts_with("content/a.md:3:7: `date: 2023-02-30` is not a date"), "{msg}");
    assert!(msg.contains('('), "jiff's reason is included for date-shaped text: {msg}");
}

#[test]
fn non_utf8_file_is_an_error_with_position() {
    let t = SiteTest::new();
    std::fs::write(t.root().join("content/bad.md"), b"---\ntitle: A\xff\n---\n").unwrap();
    let msg = t.build_err().to_string();
    assert_eq!(msg, "content/bad.md:2:9: this file is not UTF-8 text: re-save it as UTF-8 in your editor");
}

#[test]
fn template_error_names_template_line_and_missing_variable() {
    let t = SiteTest::new().file("content/a.md", &article("A", "2024-01-01", "", "x")).file(
        "templates/article.html",
        "{% extends \"base.html\" %}{% block main %}\n<p>{{ article.titel }}</p>{% endblock main %}",
    );
    let msg = t.build_err().to_string();
    assert!(msg.starts_with("templates/article.html:2:15: Field `titel` is not defined"), "{msg}");
}

#[test]
fn template_syntax_error_names_the_file_and_line() {
    let t = SiteTest::new().file("content/a.md", &article("A", "2024-01-01", "", "x")).file(
        "templates/tag.html",
        "{% extends \"base.html\" %}{% block main %}\n\n{{ tag.name </p>{% endblock main %}",
    );
    let msg = t.build_err().to_string();
    assert!(msg.starts_with("templates/tag.html:3:"), "{msg}");
}

#[test]
fn missing_theme_is_a_configuration_error() {
    let t = SiteTest::new().file("site.yaml", "title: T\nbase_url: https://example.org\ntheme: nosuch\n");
    let err = t.build_err();
    assert_eq!(
        err.to_string(),
        "site.yaml: theme `nosuch` not found: there is no folder themes/nosuch/ (the built-in theme is `advocacy`)"
    );
    assert_eq!(err.exit_code(), 2);
}

#[test]
fn theme_missing_a_required_template_says_which() {
    let t = SiteTest::new();
    std::fs::remove_file(t.root().join("themes/plain/templates/tags.html")).unwrap();
    let msg = t.build_err().to_string();
    assert!(msg.contains("theme `plain` has no template `tags.html`"), "{msg}");
}

#[test]
fn site_yaml_errors_name_the_key_line() {
    let t = SiteTest::new()
        .file("site.yaml", "title: T\nbase_url: https://example.org\ntheme: plain\npermalink: /:year/:titel/\n");
    let err = t.build_err();
    assert!(err.to_string().starts_with("site.yaml:4:1: unknown permalink token `:titel`"), "{err}");
    assert_eq!(err.exit_code(), 2);
}

#[test]
fn unsafe_slug_is_rejected() {
    let t = SiteTest::new().file("content/a.md", &article("A", "2024-01-01", "slug: ../../etc\n", "x"));
    let msg = t.build_err().to_string();
    assert!(msg.starts_with("content/a.md:4:1: slug `../../etc` cannot be used in a URL"), "{msg}");
}

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let t = SiteTest::new().file("content/a.md", &article("A", "2024-01-01", "", "x"));
    t.rebuild().unwrap();
    let index = t.output().join("index.html");
    let before = std::fs::read(&index).unwrap();
    let t = t.file("content/b.md", "---\ntitle: B\ndate: nope\n---\n");
    assert!(t.rebuild().is_err());
    assert_eq!(std::fs::read(&index).unwrap(), before);
    assert!(!t.output().join("2024/01/b/index.html").exists());
}

#[test]
fn output_folder_at_the_site_root_is_refused() {
    let t = SiteTest::new().file("content/a.md", &article("A", "2024-01-01", "", "x"));
    let root = t.root().to_path_buf();
    let t = t.with(|o| o.output = Some(root));
    let msg = t.build_err().to_string();
    assert!(msg.contains("refusing to write the site to"), "{msg}");
    assert!(t.root().join("content/a.md").exists());
}

#[test]
fn hidden_files_and_editor_leftovers_are_ignored() {
    let site = SiteTest::new()
        .file("content/a.md", &article("A", "2024-01-01", "", "x"))
        .file("content/.#a.md", "garbage")
        .file("content/a.md~", "garbage")
        .file("content/.DS_Store", "garbage")
        .build();
    assert_eq!(site.report.articles, 1);
    assert!(!site.exists("/.DS_Store"));
}

#[test]
fn missing_featured_image_is_an_error_at_its_line() {
    let t = SiteTest::new()
        .file("content/a.md", &article("A", "2024-01-01", "image: /images/nope.png\nimage_alt: x\n", "x"));
    let msg = t.build_err().to_string();
    assert!(msg.starts_with("content/a.md:4:8: featured image `/images/nope.png` not found"), "{msg}");
}

#[test]
fn warnings_do_not_fail_the_build_unless_strict() {
    let make = || {
        SiteTest::new()
            .file("content/a.md", &article("A", "2024-01-01", "tags: []\n", "![](/x.png)"))
            .image("static/x.png")
    };
    let site = make().build();
    let codes: Vec<&str> = site.report.warnings.iter().map(|w| w.code).collect();
    assert_eq!(codes, vec!["empty-tags", "missing-alt", "placeholder-base-url"], "sorted by file and line");
    let t = make().with(|o| o.strict = true);
    let err = t.build_err();
    assert_eq!(err.problems().len(), 3);
    assert!(err.to_string().contains("(a warning, fatal with --strict)"), "{err}");
    assert!(!t.output().exists(), "nothing is written when --strict fails");
}

#[cfg(unix)]
#[test]
fn symlinks_in_content_are_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "---\ntitle: Secret\ndate: 2024-01-01\n---\nx\n").unwrap();
    let t = SiteTest::new().file("content/a.md", &article("A", "2024-01-01", "", "x"));
    std::os::unix::fs::symlink(outside.path().join("secret.md"), t.root().join("content/linked.md")).unwrap();
    let site = t.build();
    assert_eq!(site.report.articles, 1);
    let codes: Vec<&str> =
        site.report.warnings.iter().map(|w| w.code).filter(|c| *c != "placeholder-base-url").collect();
    assert_eq!(codes, vec!["symlink"]);
}

#[cfg(unix)]
#[test]
fn a_build_killed_midway_leaves_the_previous_output_byte_identical() {
    let mut t = SiteTest::new().file("content/first.md", &article("First", "2024-01-01", "", "x"));
    t.rebuild().unwrap();
    let out = t.output();
    let before = snapshot(&out);
    // Enough articles that the build takes a while, so it can be killed while writing.
    for i in 0..2000 {
        t = t.file(
            &format!("content/bulk/a{i}.md"),
            &article(&format!("Bulk {i}"), "2024-02-01", "tags: [bulk]\n", "Some text.\n\n## A heading\n\nMore."),
        );
    }
    let parent = out.parent().unwrap().to_path_buf();
    let staging_exists = || {
        std::fs::read_dir(&parent)
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with(".public.building-"))
    };
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pamphlet"))
        .args(["build", "--root"])
        .arg(t.root())
        .arg("--output")
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !staging_exists() {
        assert!(std::time::Instant::now() < deadline, "the build never started writing");
        if child.try_wait().unwrap().is_some() {
            panic!("the build finished before it could be interrupted; make the site bigger");
        }
        std::thread::yield_now();
    }
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    assert_eq!(snapshot(&out), before, "the previous output changed");
    // The next build succeeds and removes the abandoned staging folder.
    t.rebuild().unwrap();
    assert!(!staging_exists(), "abandoned staging folder was not removed");
    assert!(out.join("2024/02/a1/index.html").exists());
}

/// See: issue 14 ("Not every error in one run"). Cross-file problems (an unknown category, a
/// missing image) of the files that parsed come in the same run as the parse errors of the
/// files that did not.
#[test]
fn problems_of_every_stage_are_reported_in_one_run() {
    let t = SiteTest::new()
        .file("site.yaml", "title: T\nbase_url: https://example.org\ntheme: plain\ncategories:\n  - name: News\n")
        .file("content/a.md", "---\ntitle: A\ndate: yesterday\n---\n")
        .file("content/b.md", "---\ntitle: B\ndate: 2024-01-01\ntags: [unclosed\n---\n")
        .file("content/c.md", &article("C", "2024-01-01", "categories: [Sport]\n", "x"))
        .file("content/d.md", &article("D", "2024-01-01", "", "![A chart](/images/chart.png)"));
    let list = problems(&t.build_err());
    assert_eq!(list.len(), 4, "{list:#?}");
    assert!(list[0].starts_with("content/a.md:3:7: `date: yesterday` is not a date"), "{}", list[0]);
    assert!(list[1].starts_with("content/b.md:4:7: the list opened with `[` here is not closed"), "{}", list[1]);
    assert!(list[2].starts_with("content/c.md:4:14: unknown category \"Sport\""), "{}", list[2]);
    assert!(list[3].starts_with("content/d.md:5:10: image `/images/chart.png` not found"), "{}", list[3]);
}

/// See: issue 22 (README's own example failed with "mapping values are not allowed").
#[test]
fn a_colon_in_a_value_asks_for_quotes_and_keeps_the_parser_text_as_the_cause() {
    let t = SiteTest::new().file(
        "content/a.md",
        "---\ntitle: A\ndate: 2024-01-01\nimage_caption: The high court in session. Photo: DRM\n---\n",
    );
    let err = t.build_err();
    assert_eq!(
        err.to_string(),
        "content/a.md:4:48: this value has a colon followed by a space, which YAML reads as the start of another field: put the value in quotes: `image_caption: \"The high court in session. Photo: DRM\"`"
    );
    let cause = std::error::Error::source(&err).map(|c| c.to_string()).unwrap_or_default();
    assert_eq!(cause, "mapping values are not allowed in this context");
}

#[test]
fn a_tab_in_the_indentation_is_named_at_its_own_line() {
    let t = SiteTest::new().file("content/tab.md", "---\ntitle: A\ndate: 2024-01-01\ntags:\n\t- x\n---\n");
    let err = t.build_err();
    assert_eq!(
        err.to_string(),
        "content/tab.md:5:1: a tab at the start of a line: YAML needs spaces here, so replace the tab with spaces"
    );
    let cause = std::error::Error::source(&err).map(|c| c.to_string()).unwrap_or_default();
    assert!(!cause.contains("at line"), "the parser's document-relative lines are gone: {cause}");
}

#[test]
fn a_missing_inline_image_fails_the_build_like_a_missing_featured_image() {
    let t = SiteTest::new()
        .file("content/a.md", &article("A", "2024-01-01", "", "Intro.\n\n![A map](/images/x.jpg)\n\n![Here](map.png)"))
        .image("static/images/present.jpg");
    let list = problems(&t.build_err());
    assert_eq!(list.len(), 2, "{list:#?}");
    assert!(list[0].contains("image `/images/x.jpg` not found: nothing is published at /images/x.jpg"), "{}", list[0]);
    assert!(list[1].contains("image `map.png` not found: nothing is published at /2024/01/a/map.png"), "{}", list[1]);
    let fine = SiteTest::new()
        .file("content/a.md", &article("A", "2024-01-01", "", "![A map](/images/x.jpg) ![Remote](https://x.org/a.png)"))
        .image("static/images/x.jpg");
    fine.build();
}

/// See: issue 22 (`--strict` reported warnings as `"code":"content"`).
#[test]
fn strict_failures_keep_each_warnings_code() {
    let t = SiteTest::new()
        .file("content/a.md", &article("A", "2024-01-01", "tags: Privacy, Surveillance, PTA\n", "x"))
        .with(|o| o.strict = true);
    let err = t.build_err();
    let codes: Vec<&str> =
        pamphlet::diagnostics::Diagnostic::from_error(&err).iter().map(|d| d.code).collect::<Vec<_>>();
    assert_eq!(codes, vec!["comma-tags", "placeholder-base-url"], "{err}");
}

// See issue 22: an image repeated in a body (a gallery, a logo) gave one missing-alt warning
// per occurrence, all pointing at the same line.
#[test]
fn an_image_repeated_without_alt_text_is_one_warning() {
    let body = "![](/x.png)\n\n![](/x.png)\n\n![](/x.png)\n\n![](/y.png)";
    let site = SiteTest::new()
        .image("static/x.png")
        .image("static/y.png")
        .file("content/a.md", &article("A", "2024-01-01", "", body))
        .build();
    let warnings: Vec<String> = site
        .report
        .warnings
        .iter()
        .filter(|w| w.code == "missing-alt")
        .map(|w| format!("{} {}", w.location, w.code))
        .collect();
    assert_eq!(warnings, ["content/a.md:5:3 missing-alt", "content/a.md:11:3 missing-alt"]);
}
