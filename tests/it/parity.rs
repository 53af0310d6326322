//! Issue 15's parity test: `pamphlet serve` serves, byte for byte, every file `pamphlet build`
//! writes, apart from the live-reload script it injects into HTML pages, the search index
//! included (built in the background, issue 19); and when the build fails, serve shows the
//! same message, in its browser page and on its terminal, as `build` prints. Both sides run
//! the real binary, on the repository's example site and on a generated 300-article site.

// Helpers outside #[test] functions too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use crate::common;

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Instant;

use crate::common::serve::{ServeCommand, request};

/// The `build` flags that make its output comparable with what `serve` shows.
/// - `--drafts`: `pamphlet serve` shows drafts unless told `--drafts=false` (src/cli.rs).
/// - no `--future`: neither command includes future-dated articles by default.
/// - no `--base-url`: `serve` does not replace site.yaml's base_url with its own address; it
///   serves the site under the base URL's path (`/` or `/news/`) on 127.0.0.1, so its pages
///   link to the published site exactly as the built ones do.
const BUILD_FLAGS: &[&str] = &["--drafts"];

/// Runs `pamphlet build` on `root` into `out` with `BUILD_FLAGS`.
fn build(root: &Path, out: &Path) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_pamphlet"))
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(out)
        .args(BUILD_FLAGS)
        .output()
        .unwrap()
}

/// Builds `root` into `public/` beside it; returns that folder.
fn build_ok(root: &Path) -> PathBuf {
    let out = root.parent().unwrap().join("public");
    let built = build(root, &out);
    assert!(built.status.success(), "build failed:\n{}", String::from_utf8_lossy(&built.stderr));
    out
}

/// Starts `pamphlet serve` on `root`; returns it with its address and the site's path there.
/// A free port chosen by the system (`--port 0`) is read back from the `serving` line, which
/// the command prints only once its first build is done: no race for a port, no sleeps. The
/// search index is built in the background: this waits for the line saying it is served too.
fn serve(root: &Path) -> (ServeCommand, SocketAddr, String) {
    let serve = ServeCommand::spawn(root, &["--port", "0"]);
    let (addr, prefix) = serve.serving_with_search();
    (serve, addr, prefix)
}

/// Builds `root`, then serves it and checks that every file the build wrote is served with the
/// same bytes. Returns the files compared (paths in the output folder).
fn assert_serve_matches_build(root: &Path) -> Vec<String> {
    let out = build_ok(root);
    let (_serve, addr, prefix) = serve(root);
    assert_serves(addr, &prefix, &out)
}

/// Checks that the server at `addr` serves every file under `out` with the same bytes.
fn assert_serves(addr: SocketAddr, prefix: &str, out: &Path) -> Vec<String> {
    let (mut compared, mut differences) = (Vec::new(), Vec::new());
    for (rel, expected) in common::snapshot(out) {
        let rel = rel.replace('\\', "/");
        if let Err(why) = compare(addr, prefix, &rel, &expected) {
            differences.push(why);
        }
        compared.push(rel);
    }
    assert!(!compared.is_empty(), "the build wrote nothing");
    assert!(
        compared.iter().any(|f| f.starts_with("pagefind/") && f.ends_with(".pf_index")),
        "no search index compared"
    );
    assert!(
        differences.is_empty(),
        "serve differs from build on {} of {} files:\n{}",
        differences.len(),
        compared.len(),
        differences.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
    );
    compared
}

/// Asserts that `files` includes each of `expected`: the kinds of output a test means to cover.
fn assert_covers(files: &[String], expected: &[&str]) {
    for file in expected {
        assert!(files.iter().any(|f| f == file), "{file} was not among the files compared");
    }
}

/// Fetches the built file `rel` (`2024/01/x/index.html` as `/2024/01/x/`) from the server and
/// compares it with the built bytes.
fn compare(addr: SocketAddr, prefix: &str, rel: &str, expected: &[u8]) -> Result<(), String> {
    let url = format!("{prefix}{}", url_path(rel.strip_suffix("index.html").unwrap_or(rel)));
    let response = request(addr, "GET", &url);
    if response.status != 200 {
        return Err(format!("{rel}: GET {url} answered {}", response.status));
    }
    let is_html = rel.ends_with(".html") || rel.ends_with(".htm");
    let served = if is_html {
        strip_reload_script(&response.bytes).map_err(|why| format!("{rel}: {why}"))?
    } else {
        response.bytes
    };
    match first_difference(expected, &served) {
        None => Ok(()),
        Some(at) => Err(format!(
            "{rel}: first difference at byte {at} (built {} bytes, served {}):\n  built:  {}\n  served: {}",
            expected.len(),
            served.len(),
            excerpt(expected, at),
            excerpt(&served, at)
        )),
    }
}

/// `html` without the live-reload script `serve` injects into every HTML page it serves
/// (src/serve/reload.rs, `script(None)` for a page that exists): exactly that text, exactly once.
fn strip_reload_script(html: &[u8]) -> Result<Vec<u8>, String> {
    let script = pamphlet::serve::reload::script(None);
    let found: Vec<usize> =
        html.windows(script.len()).enumerate().filter(|(_, w)| *w == script.as_bytes()).map(|(i, _)| i).collect();
    let [at] = found[..] else {
        return Err(format!("the reload script is there {} times, not once", found.len()));
    };
    Ok([&html[..at], &html[at + script.len()..]].concat())
}

/// The path of `rel` in a URL: every byte but unreserved ones and `/` percent-encoded (Urdu
/// slugs, spaces).
fn url_path(rel: &str) -> String {
    let mut out = String::new();
    for b in rel.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            write!(out, "%{b:02X}").unwrap();
        }
    }
    out
}

/// Where `a` and `b` first differ (a length, when one is the start of the other).
fn first_difference(a: &[u8], b: &[u8]) -> Option<usize> {
    a.iter().zip(b).position(|(x, y)| x != y).or((a.len() != b.len()).then(|| a.len().min(b.len())))
}

/// Up to 60 bytes of `bytes` from 20 before `at`, escaped onto one line: as text when the
/// file is text (a character cut at either end shows as �), as byte escapes when it is not.
fn excerpt(bytes: &[u8], at: usize) -> String {
    let end = (at + 40).min(bytes.len());
    let part = &bytes[at.saturating_sub(20).min(end)..end];
    match std::str::from_utf8(bytes) {
        Ok(_) => format!("{:?}", String::from_utf8_lossy(part)),
        Err(_) => format!("b\"{}\"", part.escape_ascii()),
    }
}

/// A temporary folder holding `site/`, and the site root inside it.
fn temp_site() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    std::fs::create_dir_all(&root).unwrap();
    (dir, root)
}

/// Writes the file `rel` of the site at `root`, creating its folder.
fn write(root: &Path, rel: &str, contents: impl AsRef<[u8]>) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

#[test]
fn serve_serves_the_example_site_as_build_writes_it() {
    let (_dir, root) = temp_site();
    let repo = common::manifest_dir();
    std::fs::copy(repo.join("site.yaml"), root.join("site.yaml")).unwrap();
    for folder in ["content", "static", "themes"] {
        common::copy_dir(&repo.join(folder), &root.join(folder));
    }
    let files = assert_serve_matches_build(&root);
    assert_covers(
        &files,
        &[
            "index.html",
            "404.html",
            // A draft: served, so built with --drafts.
            "2026/08/shutdown-tracker-mid-2026/index.html",
            "2025/02/ڈیجیٹل-حقوق/index.html",
            "2024/03/how-shutdowns-happen/diagram.svg",
            "style.css",
            "feed.xml",
            "sitemap.xml",
        ],
    );
}

#[test]
fn serve_serves_a_300_article_site_as_build_writes_it() {
    let (_dir, root) = temp_site();
    generate_site(&root, 300);
    let files = assert_serve_matches_build(&root);
    assert!(files.iter().filter(|f| f.contains("/article-")).count() == 300, "every article, the draft too");
    assert_covers(
        &files,
        &[
            "2024/05/اردو-مضمون/index.html",
            "category/news/courts/appeals/index.html",
            "page/2/index.html",
            "images/dot.png",
            "about/index.html",
        ],
    );
}

/// With `minify: true`, `build` writes minified pages: serve must show the same, after its
/// first build and after a body-only edit (which serve applies in place, a path of its own).
#[test]
fn serve_serves_a_minified_site_as_build_writes_it() {
    let (_dir, root) = temp_site();
    generate_site(&root, 12);
    let yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    write(&root, "site.yaml", format!("{yaml}minify: true\n"));
    let (serve, addr, prefix) = serve(&root);
    let out = build_ok(&root);
    assert!(std::fs::read_to_string(out.join("index.html")).unwrap().starts_with("<!doctype html><html "), "minified");
    assert_serves(addr, &prefix, &out);

    let edited = "content/2023/01/article-3.md";
    let text = std::fs::read_to_string(root.join(edited)).unwrap();
    write(&root, edited, text.replace("Opening paragraph", "Rewritten   opening"));
    let rebuilt = ServeCommand::line_with(&serve.stdout, "rebuilt");
    assert!(rebuilt.starts_with(&format!("{edited}: rebuilt")), "{rebuilt}");
    // The edited article's part of the search index is built again after the reload.
    ServeCommand::line_with(&serve.stdout, "search: index updated");
    let out = build_ok(&root);
    assert_serves(addr, &prefix, &out);
}

/// A site of `count` articles, the same every time: nested categories, tags, three authors,
/// featured and inline images from static/ (SVG and binary), one Urdu article, one draft, a
/// page, and a base URL with a path (so both sides work under a prefix). The built-in theme.
fn generate_site(root: &Path, count: usize) {
    write(
        root,
        "site.yaml",
        "title: Parity Test Monitor\nbase_url: https://example.org/news/\nlanguage: en\ntimezone: Asia/Karachi\n\
         permalink: /:year/:month/:slug/\npaginate: 10\n\
         authors:\n  ayesha: { name: Ayesha Khan, bio: Editor. }\n  bilal: { name: Bilal Ahmed }\n  sana: { name: Sana Mir }\n\
         categories:\n\
         \x20 - name: News\n    children:\n      - name: Courts\n        children:\n          - name: Appeals\n      - name: Shutdowns\n\
         \x20 - name: Opinion\n\
         \x20 - name: Guides\n    children:\n      - name: Security\n",
    );
    for i in 0..4 {
        write(
            root,
            &format!("static/images/pic-{i}.svg"),
            format!(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><circle r=\"{}\"/></svg>\n",
                i + 1
            ),
        );
    }
    // Not UTF-8: served bytes must be the file's, not a text round trip of them.
    write(root, "static/images/dot.png", common::tiny_image("dot.png"));
    write(root, "content/pages/about.md", "---\ntitle: About\n---\nWho we are. ![A dot](/images/dot.png)\n");
    let categories = ["News", "News/Courts", "News/Courts/Appeals", "News/Shutdowns", "Opinion", "Guides/Security"];
    let tags = ["Privacy", "Surveillance", "Courts", "Elections", "Press Freedom", "Data Protection", "VPN", "Safety"];
    let authors = ["ayesha", "bilal", "sana"];
    for i in 0..count {
        let (year, month, day) = (2023 + i / 120, 1 + (i / 10) % 12, 1 + i % 10 * 2);
        let mut front = format!(
            "---\ntitle: \"Article {i}: {} report\"\ndate: {year}-{month:02}-{day:02}\nauthor: {}\ncategories:\n  - \"{}\"\ntags:\n  - \"{}\"\n  - \"{}\"\n",
            tags[i % tags.len()],
            authors[i % authors.len()],
            categories[i % categories.len()],
            tags[i % tags.len()],
            tags[(i * 3 + 1) % tags.len()],
        );
        if i % 5 == 0 {
            write!(front, "image: /images/pic-{}.svg\nimage_alt: \"Picture {i}\"\n", i % 4).unwrap();
        }
        if i == 7 {
            front.push_str("draft: true\n");
        }
        let mut body = format!(
            "---\nOpening paragraph of article {i}, with *emphasis* and a [link](https://example.com/{i}).\n\n\
             ## Details\n\n- point one\n- point two\n\n```rust\nfn main() {{ println!(\"{i}\"); }}\n```\n"
        );
        if i % 7 == 0 {
            write!(body, "\n![Figure {i}](/images/pic-{}.svg)\n", (i + 1) % 4).unwrap();
        }
        write(root, &format!("content/{year}/{month:02}/article-{i}.md"), format!("{front}{body}"));
    }
    write(
        root,
        "content/2024/05/اردو-مضمون.md",
        "---\ntitle: \"ڈیجیٹل حقوق کا مضمون\"\ndate: 2024-05-05\nauthor: sana\nlang: ur\ncategories:\n  - \"Opinion\"\n\
         tags:\n  - رازداری\n  - \"Privacy\"\nimage: /images/pic-2.svg\nimage_alt: \"ایک تصویر\"\n---\n\
         رازداری ہم سب کا حق ہے۔\n",
    );
}

// --- A build that fails: the same message from both. ---

const SMALL_SITE_YAML: &str = "title: Parity Test Monitor\nbase_url: https://example.org/\n";
const FINE: &str = "---\ntitle: Fine\ndate: 2024-01-09\n---\nA fine article.\n";
const WITHOUT_PHOTO: &str = "---\ntitle: No photo\ndate: 2024-01-10\n---\nBody.\n";
/// The featured image at line 4.
const MISSING_FEATURED: &str = "---\ntitle: No photo\ndate: 2024-01-10\nimage: /images/missing.jpg\n---\nBody.\n";
/// A body-only edit (which serve applies in place, a path of its own) showing a missing image.
const MISSING_INLINE: &str = "---\ntitle: No photo\ndate: 2024-01-10\n---\nBody.\n\n![Gone](/images/missing.jpg)\n";
const BROKEN: &str = "content/2024/01/no-photo.md";

/// A two-article site whose second article is `no_photo`.
fn site_with(no_photo: &str) -> (tempfile::TempDir, PathBuf) {
    let (dir, root) = temp_site();
    write(&root, "site.yaml", SMALL_SITE_YAML);
    write(&root, "content/2024/01/fine.md", FINE);
    write(&root, BROKEN, no_photo);
    (dir, root)
}

/// Builds `root`, expecting it to fail; returns what it printed on stderr, line by line.
fn build_errors(root: &Path) -> Vec<String> {
    let built = build(root, &root.parent().unwrap().join("public"));
    let stderr = String::from_utf8_lossy(&built.stderr).into_owned();
    assert_eq!(built.status.code(), Some(1), "build should fail on the missing image:\n{stderr}");
    stderr.lines().map(str::to_string).collect()
}

/// The problem messages in a page's error overlay or error page (src/serve/overlay.rs: each
/// problem is a `<section>` whose first `<pre>` holds the message, HTML-escaped).
fn shown_messages(html: &str) -> Vec<String> {
    let overlay = &html[html.find("id=\"pamphlet-overlay\"").expect("no error overlay on the page")..];
    overlay
        .split("<section ")
        .skip(1)
        .map(|section| {
            let pre = &section[section.find("<pre ").unwrap()..];
            let text = &pre[pre.find('>').unwrap() + 1..pre.find("</pre>").unwrap()];
            text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&")
        })
        .collect()
}

/// The next `count` lines of `serve`'s stderr (fewer if it prints fewer within the deadline).
fn next_stderr_lines(serve: &ServeCommand, count: usize) -> Vec<String> {
    let deadline = Instant::now() + common::serve::DEADLINE;
    let mut lines = Vec::new();
    while lines.len() < count
        && let Some(left) = deadline.checked_duration_since(Instant::now())
        && let Ok(line) = serve.stderr.recv_timeout(left)
    {
        lines.push(line);
    }
    lines
}

#[test]
fn a_missing_featured_image_fails_build_and_serve_with_one_message() {
    let (_dir, root) = site_with(MISSING_FEATURED);
    let printed = build_errors(&root);
    let message = printed[0].strip_prefix("error: ").unwrap().to_string();
    assert!(message.starts_with("content/2024/01/no-photo.md:4:"), "build names the file and line: {message}");
    assert!(message.contains("featured image `/images/missing.jpg` not found"), "{message}");

    let serve = ServeCommand::spawn(&root, &["--port", "0"]);
    let (addr, prefix) = serve.serving();
    // The terminal: serve's report of the first build, then exactly what build printed.
    assert_eq!(
        ServeCommand::next_line(&serve.stderr),
        "first build: the build failed; still serving the last good version"
    );
    assert_eq!(next_stderr_lines(&serve, printed.len()), printed, "serve's terminal differs from build's");
    // The browser: nothing has built, so every URL is the error page.
    for path in ["", "2024/01/fine/"] {
        let page = request(addr, "GET", &format!("{prefix}{path}"));
        assert_eq!(page.status, 500, "{path}");
        assert_eq!(shown_messages(&page.body), [message.as_str()], "the error page at /{path}");
    }
}

/// The same after a good first build: the edit that breaks it shows the overlay over the last
/// good pages, whether it takes serve's full path (a new featured image) or its in-place path
/// for body-only edits (an inline image).
#[test]
fn an_edit_showing_a_missing_image_overlays_the_message_build_prints() {
    for broken in [MISSING_FEATURED, MISSING_INLINE] {
        let (_dir, root) = site_with(WITHOUT_PHOTO);
        let serve = ServeCommand::spawn(&root, &["--port", "0"]);
        let (addr, prefix) = serve.serving();
        write(&root, BROKEN, broken);
        assert_eq!(
            ServeCommand::line_with(&serve.stderr, "the build failed"),
            format!("{BROKEN}: the build failed; still serving the last good version")
        );
        let printed = build_errors(&root);
        let message = printed[0].strip_prefix("error: ").unwrap().to_string();
        assert!(message.starts_with(&format!("{BROKEN}:")), "{message}");
        assert!(message.contains("`/images/missing.jpg` not found"), "{message}");
        assert_eq!(next_stderr_lines(&serve, printed.len()), printed, "serve's terminal differs from build's");
        let page = request(addr, "GET", &format!("{prefix}2024/01/fine/"));
        assert_eq!(page.status, 200);
        assert!(page.body.contains("A fine article."), "the last good page stays served");
        assert_eq!(shown_messages(&page.body), [message], "the overlay after:\n{broken}");
    }
}
