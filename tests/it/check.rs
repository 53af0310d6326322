//! `pamphlet check` finds planted problems, with file and line, and passes on a clean site.

use crate::common;
use crate::common::SiteTest;
use pamphlet::check::{CheckOptions, check};

fn run(t: &SiteTest) -> pamphlet::check::CheckReport {
    let build = pamphlet::BuildOptions {
        root: t.root().to_path_buf(),
        now: Some(common::now()),
        ..pamphlet::BuildOptions::new(t.root())
    };
    check(&CheckOptions { build, external: false }).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn planted_problems_are_found_with_file_and_line() {
    let t = SiteTest::fixture("check/planted");
    let report = run(&t);
    let errors: Vec<String> = report.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        vec![
            "content/2024/01/a.md:6:17: broken link `/2024/01/missing/`: nothing is published at /2024/01/missing/",
            "content/2024/01/a.md:6:58: broken anchor `/2024/01/b/#nope`: /2024/01/b/ has no element with id `nope`",
            "content/2024/01/a.md:7:55: links to a draft: `/2024/01/draft/` is not published yet (remove the link or publish the article)",
            "content/2024/01/a.md:9:11: missing image or media file `/images/missing.png`: nothing is published at /images/missing.png",
        ],
        "{errors:#?}"
    );
    let warnings: Vec<(&str, String)> = report.warnings.iter().map(|w| (w.code, w.location.to_string())).collect();
    assert_eq!(
        warnings,
        vec![
            ("duplicate-title", "content/2024/01/a.md".to_string()),
            ("missing-alt", "content/2024/01/a.md:11:11".to_string()),
            ("no-category", "content/2024/01/b.md".to_string()),
            ("empty-category", "site.yaml".to_string()),
            ("orphaned-file", "static/images/orphan.png".to_string()),
        ],
        "{warnings:#?}"
    );
}

/// A Markdown image whose file is missing fails the build (see: issue 22), so `check` reports
/// it as the build would, with its line.
#[test]
fn a_missing_markdown_image_is_a_build_error_that_check_reports() {
    let t =
        SiteTest::new().file("content/a.md", &common::article("A", "2024-01-01", "", "![A chart](/images/gone.png)"));
    let build = pamphlet::BuildOptions { now: Some(common::now()), ..pamphlet::BuildOptions::new(t.root()) };
    let err = check(&CheckOptions { build, external: false }).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.starts_with("content/a.md:5:10: image `/images/gone.png` not found"), "{err}");
}

#[test]
fn check_writes_nothing() {
    let t = SiteTest::fixture("check/planted");
    run(&t);
    assert!(!t.output().exists());
    assert!(!t.root().join("public").exists());
}

#[test]
fn a_clean_site_passes() {
    let t = SiteTest::new()
        .file("site.yaml", "title: T\nbase_url: https://example.org/mirror/\ntheme: plain\n")
        .file(
            "content/a.md",
            &common::article(
                "A",
                "2024-01-01",
                "categories: [C]\ntags: [t]\n",
                "## Part\n\n[self](#part) [b](/2024/01/b/#one)",
            ),
        )
        .file("content/b.md", &common::article("B", "2024-01-02", "categories: [C]\n", "## One\n\nx"));
    let report = run(&t);
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    assert!(report.links > 10, "{report}");
}

#[test]
fn the_example_site_has_no_errors() {
    let build = pamphlet::BuildOptions::new(env!("CARGO_MANIFEST_DIR"));
    let report = check(&CheckOptions { build, external: false }).unwrap_or_else(|e| panic!("{e}"));
    let errors: Vec<String> = report.errors.iter().map(ToString::to_string).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn external_links_are_checked_only_when_asked() {
    // A local server that answers 404 to everything stands in for a dead external site.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            use std::io::{Read, Write};
            let mut stream = stream;
            let mut buf = [0u8; 1024];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        }
    });
    let t = SiteTest::new().file(
        "content/a.md",
        &common::article("A", "2024-01-01", "categories: [C]\n", &format!("[dead](http://127.0.0.1:{port}/gone)")),
    );
    assert!(run(&t).errors.is_empty(), "off by default");
    let build = pamphlet::BuildOptions { now: Some(common::now()), ..pamphlet::BuildOptions::new(t.root()) };
    let report = check(&CheckOptions { build, external: true }).unwrap();
    let errors: Vec<String> = report.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        vec![format!("content/a.md:6:8: external link `http://127.0.0.1:{port}/gone` failed: HTTP status 404")]
    );
    assert_eq!(report.external, 1);
}
