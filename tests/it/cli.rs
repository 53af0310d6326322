//! The `pamphlet` binary: init, new, build, exit codes and the summary line.

use std::path::Path;
use std::process::{Command, Output};

fn pamphlet(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pamphlet")).args(args).current_dir(cwd).output().expect("run pamphlet")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn init_writes_a_site_that_builds_as_is() {
    let dir = tempfile::tempdir().unwrap();
    let out = pamphlet(&["init", "mysite"], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let site = dir.path().join("mysite");
    for f in [
        "site.yaml",
        "content/pages/about.md",
        "themes/advocacy/templates/article.html",
        "themes/advocacy/static/style.css",
    ] {
        assert!(site.join(f).is_file(), "{f}");
    }
    let out = pamphlet(&["build", "--root", "mysite"], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let summary = text(&out.stdout);
    assert!(summary.starts_with("built 3 articles, 1 pages, 3 categories, 0 tags, 1 authors: "), "{summary}");
    assert!(site.join("public/about/index.html").is_file());
    // A second init into the same folder is refused.
    assert!(!pamphlet(&["init", "mysite"], dir.path()).status.success());
}

#[test]
fn new_writes_an_article_with_front_matter_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    assert!(pamphlet(&["init", "s"], dir.path()).status.success());
    let site = dir.path().join("s");
    let out = pamphlet(&["new", "Women's Rights Online", "--category", "Investigations", "--author", "editor"], &site);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rel = text(&out.stdout).trim().to_string();
    assert!(rel.starts_with("content/") && rel.ends_with("/womens-rights-online.md"), "{rel}");
    let written = std::fs::read_to_string(site.join(&rel)).unwrap();
    assert!(written.contains("title: Women's Rights Online"), "{written}");
    assert!(written.contains("author: editor"), "{written}");
    assert!(written.contains("- News/Investigations"), "the full category path is written: {written}");
    let out = pamphlet(&["build"], &site);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("built 4 articles"));
}

/// See: issue 22. An editor's first hour: a new site, a new article, the recommended CI
/// check, all without a warning; an Urdu title gets `lang: ur`.
#[test]
fn init_new_and_check_strict_pass_on_a_fresh_site_in_english_and_urdu() {
    let dir = tempfile::tempdir().unwrap();
    assert!(pamphlet(&["init", "x"], dir.path()).status.success());
    let site = dir.path().join("x");
    let gitignore = std::fs::read_to_string(site.join(".gitignore")).unwrap();
    assert!(gitignore.lines().any(|l| l == "/public/") && gitignore.contains(".public."), "{gitignore}");
    assert!(std::fs::read_to_string(site.join("site.yaml")).unwrap().contains("\ntimezone: UTC"));
    let out = pamphlet(&["new", "Internet shutdown in the north"], &site);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let english = std::fs::read_to_string(site.join(text(&out.stdout).trim())).unwrap();
    assert!(!english.contains("tags:") && !english.contains("lang:"), "{english}");
    let out = pamphlet(&["new", "انٹرنیٹ کی بندش"], &site);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let urdu = std::fs::read_to_string(site.join(text(&out.stdout).trim())).unwrap();
    assert!(urdu.contains("\nlang: ur\n"), "{urdu}");
    let out = pamphlet(&["check", "--strict"], &site);
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
    assert!(!text(&out.stderr).contains("warning"), "{}", text(&out.stderr));
    let out = pamphlet(&["check", "--strict", "--format", "github"], &site);
    assert!(out.status.success(), "{}", text(&out.stdout));
    // The Urdu article's page says so.
    let out = pamphlet(&["build", "--base-url", "https://news.example.pk/"], &site);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!text(&out.stderr).contains("warning"), "{}", text(&out.stderr));
    let slug_dir = std::fs::read_dir(site.join("public"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().chars().all(|c| c.is_ascii_digit()))
        .unwrap();
    let page = walk_html(&slug_dir).into_iter().find(|p| p.to_string_lossy().contains("بندش")).unwrap();
    let html = std::fs::read_to_string(page).unwrap();
    assert!(html.contains("lang=\"ur\"") && html.contains("dir=\"rtl\""), "the Urdu page is marked right-to-left");
}

fn walk_html(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk_html(&path));
        } else if path.extension().is_some_and(|e| e == "html") {
            out.push(path);
        }
    }
    out
}

#[test]
fn a_placeholder_base_url_warns_on_build_and_fails_strict_unless_given() {
    let dir = tempfile::tempdir().unwrap();
    assert!(pamphlet(&["init", "x"], dir.path()).status.success());
    let site = dir.path().join("x");
    let out = pamphlet(&["build"], &site);
    assert!(out.status.success());
    assert!(
        text(&out.stderr).contains("site.yaml:4:1: `base_url: https://example.org/` is a placeholder"),
        "{}",
        text(&out.stderr)
    );
    let out = pamphlet(&["build", "--strict", "--format", "json"], &site);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("\"code\":\"placeholder-base-url\""), "{}", text(&out.stdout));
    let out = pamphlet(&["build", "--strict", "--base-url", "https://user.github.io/repo/"], &site);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn new_works_inside_content_and_checks_the_author() {
    let dir = tempfile::tempdir().unwrap();
    assert!(pamphlet(&["init", "s"], dir.path()).status.success());
    let site = dir.path().join("s");
    let inside = site.join("content/pages");
    let out = pamphlet(&["new", "From inside", "--author", "editor"], &inside);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed = text(&out.stdout).trim().to_string();
    assert!(printed.starts_with("../../content/") && inside.join(&printed).is_file(), "{printed}");
    let out = pamphlet(&["new", "Nobody wrote this", "--author", "editr"], &site);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("author `editr` is not declared in site.yaml: did you mean `editor`?"),
        "{}",
        text(&out.stderr)
    );
    let out = pamphlet(&["new", "Persian title", "--lang", "fa"], &site);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(std::fs::read_to_string(site.join(text(&out.stdout).trim())).unwrap().contains("lang: fa"));
}

#[test]
fn new_rejects_an_unknown_category() {
    let dir = tempfile::tempdir().unwrap();
    assert!(pamphlet(&["init", "s"], dir.path()).status.success());
    let out = pamphlet(&["new", "X", "--category", "Nope"], &dir.path().join("s"));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown category \"Nope\""), "{}", text(&out.stderr));
}

#[test]
fn content_errors_exit_1_and_print_every_problem_with_a_count() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("site.yaml"), "title: T\nbase_url: https://example.org\n").unwrap();
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::write(root.join("content/a.md"), "---\ntitle: A\ndate: soon\n---\n").unwrap();
    std::fs::write(root.join("content/b.md"), "---\ntitle: B\ndate: 2024-01-01\ntagz: [x]\n---\n").unwrap();
    let out = pamphlet(&["build"], root);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert_eq!(
        stderr,
        "error: content/a.md:3:7: `date: soon` is not a date: write `2023-09-05` or `2023-09-05T14:30:00+05:00`\n   |\n 3 | date: soon\n   |       ^\n\
         error: content/b.md:4:1: unknown field `tagz`: did you mean `tags`?\n   |\n 4 | tagz: [x]\n   | ^\n\
         2 errors; nothing was written\n"
    );
    assert!(!root.join("public").exists());
}

#[test]
fn configuration_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = pamphlet(&["build"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no site.yaml"), "{}", text(&out.stderr));
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(pamphlet(&["build", "--no-such-flag"], dir.path()).status.code(), Some(2));
}

fn broken_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("site.yaml"), "title: T\nbase_url: https://example.org\n").unwrap();
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::write(root.join("content/a.md"), "---\ntitle: A\ntags: [x]\ndate: 2024-13-01\n---\n").unwrap();
    dir
}

#[test]
fn human_errors_show_the_source_line_with_a_marker() {
    let dir = broken_site();
    let out = pamphlet(&["build"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "error: content/a.md:4:7: `date: 2024-13-01` is not a date: write `2023-09-05` or `2023-09-05T14:30:00+05:00` (failed to parse two digit integer as month: parameter 'month' is not in the required range of 1..=12)\n   |\n 4 | date: 2024-13-01\n   |       ^\n"
    );
}

#[test]
fn json_format_prints_one_object_per_problem() {
    let dir = broken_site();
    let out = pamphlet(&["build", "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["file"], "content/a.md");
    assert_eq!(lines[0]["line"], 4);
    assert_eq!(lines[0]["column"], 7);
    assert_eq!(lines[0]["severity"], "error");
    assert_eq!(lines[0]["code"], "content");
}

fn scheduled_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("site.yaml"), "title: T\nbase_url: https://news.example.pk\ntimezone: Asia/Karachi\n")
        .unwrap();
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::write(root.join("content/now.md"), "---\ntitle: Now\ndate: 2020-01-01\naliases: [/old/now/]\n---\nx\n")
        .unwrap();
    std::fs::write(root.join("content/later.md"), "---\ntitle: Later\ndate: 2999-01-01T10:00:00+05:00\n---\nx\n")
        .unwrap();
    dir
}

#[test]
fn print_next_publish_reports_the_next_scheduled_article() {
    let dir = scheduled_site();
    let out = pamphlet(&["build", "--print-next-publish"], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().last(), Some("2999-01-01T05:00:00Z"));
    // For people, in the newsroom's own time zone; for scripts (the last line), in UTC.
    assert!(stdout.contains("next scheduled article due 2999-01-01 10:00 (Asia/Karachi)"), "{stdout}");
    std::fs::remove_file(dir.path().join("content/later.md")).unwrap();
    let out = pamphlet(&["build", "--print-next-publish"], dir.path());
    assert_eq!(text(&out.stdout).lines().last(), Some("none"));
}

#[test]
fn io_errors_exit_3() {
    let dir = scheduled_site();
    std::fs::write(dir.path().join("not-a-folder"), "x").unwrap();
    let out = pamphlet(&["build", "--output", "not-a-folder/public"], dir.path());
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(text(&out.stderr).starts_with("error: failed to create directory `"), "{}", text(&out.stderr));
}

#[test]
fn github_format_prints_annotations() {
    let dir = broken_site();
    let out = pamphlet(&["build", "--format", "github"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).starts_with("::error file=content/a.md,line=4,col=7::`date: 2024-13-01` is not a date"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn many_warnings_of_one_kind_are_summarised_for_people_but_all_listed_in_json() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("site.yaml"), "title: T\nbase_url: https://example.org\n").unwrap();
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::create_dir_all(root.join("static")).unwrap();
    // A real PNG: image processing refuses files that are not images.
    image::RgbImage::new(4, 4).save(root.join("static/i.png")).unwrap();
    for i in 0..13 {
        std::fs::write(
            root.join(format!("content/a{i:02}.md")),
            format!("---\ntitle: A{i}\ndate: 2024-01-01\nimage: /i.png\n---\nx\n"),
        )
        .unwrap();
    }
    let out = pamphlet(&["build"], root);
    assert!(out.status.success());
    let stderr = text(&out.stderr);
    assert_eq!(stderr.matches("warning: content/").count(), 10, "{stderr}");
    assert!(stderr.contains("warning: … and 3 more `missing-alt` warnings (--format json lists them all)"), "{stderr}");
    let out = pamphlet(&["build", "--format", "json"], root);
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().filter(|l| l.contains("\"code\":\"missing-alt\"")).count(), 13, "{stdout}");
    assert_eq!(stdout.lines().count(), 14, "and the placeholder base_url: {stdout}");
}
