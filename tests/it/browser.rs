//! The default theme in a real browser: the repository's example site is built with the
//! binary, then tests/browser/check.js opens one page of every kind in headless Chromium at 360
//! and 1280 px and fails when anything reaches past the viewport's edge (the search page once
//! laid its form out in one row and overflowed sideways: issue 22), runs axe's WCAG A/AA rules
//! on each of the example's pages at both widths (every page kind in English and Urdu: issue
//! 18), and on `pamphlet serve`'s error overlay over a page with one article broken.
//!
//! Ignored by default: it needs Debian's chromium and the npm packages pinned in
//! tests/browser/package-lock.json, which `scripts/install_browser_tests.sh` installs. CI runs it
//! (`.ci/run`); by hand: `cargo test --test it browser -- --include-ignored`. Screenshots of every
//! page go to `target/tmp/browser-shots/` (NAME-WIDTH.png).

use std::path::Path;
use std::process::Command;

/// The address the sites are built for; check.js answers the browser's requests for it from the
/// built folder, so nothing is served over the network.
const BASE_URL: &str = "http://pamphlet.test/";

/// `pamphlet build` of the site at `root` into `out`, with its image cache beside `out` (a
/// test writes nothing into the repository).
fn build(root: &Path, out: &Path) {
    let build = Command::new(env!("CARGO_BIN_EXE_pamphlet"))
        .args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(out)
        .arg("--cache-dir")
        .arg(out.with_extension("cache"))
        .args(["--base-url", BASE_URL])
        .output()
        .expect("run pamphlet build");
    assert!(build.status.success(), "{} did not build:\n{}", root.display(), String::from_utf8_lossy(&build.stderr));
}

/// Runs tests/browser/check.js on the site built in `site` with `args`; its report, and whether
/// it found nothing wrong.
fn check(site: &Path, args: &[&std::ffi::OsStr]) -> (bool, String) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-shots");
    let out = Command::new("node")
        .arg(repo.join("tests/browser/check.js"))
        .arg("--site")
        .arg(site)
        .args(["--base-url", BASE_URL])
        .args(args)
        .arg("--shots")
        .arg(&shots)
        .output()
        .expect("run node (Node.js 20 or newer)");
    let report = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), report)
}

// See: issue 22.
#[test]
#[ignore = "needs chromium and tests/browser/node_modules (scripts/install_browser_tests.sh)"]
fn every_page_kind_fits_phone_and_desktop_widths_and_passes_axe_in_both_languages() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("temp dir");

    // The example site (the repository root), and `pamphlet serve`'s overlay over a copy of it.
    let example = dir.path().join("example");
    build(repo, &example);
    let pamphlet = Path::new(env!("CARGO_BIN_EXE_pamphlet"));
    let (example_ok, example_report) = check(
        &example,
        &[
            "--pages".as_ref(),
            repo.join("tests/browser/example-pages.json").as_os_str(),
            "--axe".as_ref(),
            "yes".as_ref(),
            "--pamphlet".as_ref(),
            pamphlet.as_os_str(),
            "--root".as_ref(),
            repo.as_os_str(),
        ],
    );

    // Unbroken words and URLs, a wide table, long code, deep categories with long names.
    let fixture = repo.join("tests/sites/browser/overflow");
    let overflow = dir.path().join("overflow");
    build(&fixture, &overflow);
    let (overflow_ok, overflow_report) =
        check(&overflow, &["--pages".as_ref(), fixture.join("pages.json").as_os_str()]);

    assert!(example_ok && overflow_ok, "tests/browser/check.js found problems:\n{example_report}\n{overflow_report}");
}

// See: issue 20. A pasted YouTube URL loads nothing from YouTube until the reader clicks.
#[test]
#[ignore = "needs chromium and tests/browser/node_modules (scripts/install_browser_tests.sh)"]
fn embeds_load_nothing_until_clicked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    std::fs::create_dir_all(root.join("content/2024/05")).expect("mkdir");
    std::fs::write(root.join("site.yaml"), "title: Embeds\nbase_url: https://example.org\n").expect("site.yaml");
    std::fs::write(
        root.join("content/2024/05/video.md"),
        "---\ntitle: A video\ndate: 2024-05-01\n---\nWatch this:\n\nhttps://www.youtube.com/watch?v=M7lc1UVf-VE\n\nAnd read on.\n",
    )
    .expect("article");
    let out = dir.path().join("public");
    build(&root, &out);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = Command::new("node")
        .arg(repo.join("tests/browser/embeds.js"))
        .arg("--site")
        .arg(&out)
        .args(["--base-url", BASE_URL, "--page", "/2024/05/video/"])
        .output()
        .expect("run node (Node.js 20 or newer)");
    let report = format!("{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    assert!(run.status.success(), "tests/browser/embeds.js found problems:\n{report}");
    assert!(report.contains("\"iframesOnLoad\": 0"), "{report}");
    assert!(report.contains("https://www.youtube-nocookie.com/embed/M7lc1UVf-VE"), "{report}");
}

// Image bytes at 360 px (issue 17): what a phone downloads for an article with photos.

/// The example's article with a featured photo and an inline one.
const PHOTO_ARTICLE: &str = "/2026/06/privacy-week-2026/";

#[test]
#[ignore = "needs chromium and tests/browser/node_modules (scripts/install_browser_tests.sh)"]
fn a_phone_loads_at_most_120_kb_of_featured_image_and_under_400_kb_of_images() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("temp dir");
    let site = dir.path().join("example");
    build(repo, &site);
    let out = Command::new("node")
        .arg(repo.join("tests/browser/image_bytes.js"))
        .arg("--site")
        .arg(&site)
        .args(["--base-url", BASE_URL, "--page", PHOTO_ARTICLE, "--width", "360"])
        .output()
        .expect("run node (Node.js 20 or newer)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "image_bytes.js failed:\n{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("image_bytes.js prints JSON");
    let featured = &report["featured"];
    let featured_url = featured["url"].as_str().expect("the article has a featured image");
    let featured_bytes = featured["bytes"].as_u64().expect("the browser loaded the featured image");
    let total = report["total"].as_u64().expect("a total");
    assert!(featured_url.ends_with("-480w.webp"), "a 360 px phone gets the narrowest WebP: {report}");
    assert!(featured_bytes <= 120_000, "featured image: {featured_bytes} bytes, over 120 KB: {report}");
    assert!(total < 400_000, "images on first load: {total} bytes, not under 400 KB: {report}");
}
