//! Test harness: build a small site (from a fixture folder under tests/sites/ and/or files
//! given inline) into a temporary folder, then inspect the output as parsed HTML.

#![allow(dead_code)]

pub mod serve;

use std::path::{Path, PathBuf};

use pamphlet::{BuildOptions, BuildReport};
use scraper::{Html, Selector};

/// A site.yaml that uses the plain test theme (stable markup for assertions).
pub const PLAIN_SITE_YAML: &str = "title: Test Site\nbase_url: https://example.org\ntheme: plain\npaginate: 10\n";

/// A fixed "now" so that future/scheduled behaviour does not depend on the clock.
pub fn now() -> jiff::Timestamp {
    "2026-06-01T00:00:00Z".parse().expect("valid timestamp")
}

/// The repository root (the crate's folder), which is itself a working site.
pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies the folder `from` to `to`, creating what is missing.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("readable fixture");
        let target = to.join(entry.path().strip_prefix(from).expect("inside fixture"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("create dir");
        } else {
            std::fs::create_dir_all(target.parent().expect("has parent")).expect("create dir");
            std::fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}

/// A small valid image (8×8 pixels) in the format `name`'s extension says.
pub fn tiny_image(name: &str) -> Vec<u8> {
    let format = image::ImageFormat::from_path(name).unwrap_or_else(|_| panic!("no image format for {name}"));
    let img = image::RgbImage::from_fn(8, 8, |x, y| image::Rgb([(x * 30) as u8, (y * 30) as u8, 120]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img).write_to(&mut out, format).expect("encodes");
    out.into_inner()
}

/// A site under construction in a temporary folder.
pub struct SiteTest {
    dir: tempfile::TempDir,
    opts: BuildOptions,
}

impl SiteTest {
    /// An empty site with the plain test theme and a default site.yaml.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("site");
        copy_dir(&manifest_dir().join("tests/themes/plain"), &root.join("themes/plain"));
        std::fs::create_dir_all(root.join("content")).expect("content dir");
        std::fs::write(root.join("site.yaml"), PLAIN_SITE_YAML).expect("site.yaml");
        let mut opts = BuildOptions::new(&root);
        opts.output = Some(dir.path().join("public"));
        opts.now = Some(now());
        SiteTest { dir, opts }
    }

    /// The fixture tests/sites/<name>/ copied over an empty site (its site.yaml wins).
    pub fn fixture(name: &str) -> Self {
        let t = SiteTest::new();
        let src = manifest_dir().join("tests/sites").join(name);
        assert!(src.is_dir(), "no fixture {}", src.display());
        copy_dir(&src, &t.opts.root);
        t
    }

    /// Adds or replaces a file (path relative to the site root).
    pub fn file(self, rel: &str, contents: &str) -> Self {
        let path = self.opts.root.join(rel);
        std::fs::create_dir_all(path.parent().expect("has parent")).expect("create dir");
        std::fs::write(path, contents).expect("write file");
        self
    }

    /// Adds a small valid image (format from the extension: png, jpg, jpeg, gif, webp): image
    /// files go through image processing, which refuses files that are not images.
    pub fn image(self, rel: &str) -> Self {
        let path = self.opts.root.join(rel);
        std::fs::create_dir_all(path.parent().expect("has parent")).expect("create dir");
        std::fs::write(path, tiny_image(rel)).expect("write image");
        self
    }

    /// Removes the plain theme so the built-in one is used (site.yaml must not say `theme: plain`).
    pub fn without_test_theme(self) -> Self {
        std::fs::remove_dir_all(self.opts.root.join("themes")).expect("remove themes");
        self
    }

    /// Changes build options.
    pub fn with(mut self, f: impl FnOnce(&mut BuildOptions)) -> Self {
        f(&mut self.opts);
        self
    }

    /// The site root.
    pub fn root(&self) -> &Path {
        &self.opts.root
    }

    /// The output folder.
    pub fn output(&self) -> PathBuf {
        self.opts.output_dir()
    }

    /// Builds, panicking with the build's errors on failure.
    pub fn build(self) -> Built {
        match pamphlet::build(&self.opts) {
            Ok(report) => Built { out: self.output(), report, _dir: Some(self.dir) },
            Err(e) => panic!("build failed:\n{e}"),
        }
    }

    /// Builds, expecting failure; returns the error's text (one problem per line).
    pub fn build_err(&self) -> pamphlet::Error {
        match pamphlet::build(&self.opts) {
            Ok(r) => panic!("build unexpectedly succeeded: {r}"),
            Err(e) => e,
        }
    }

    /// Builds again into the same output (after edits), returning the result.
    pub fn rebuild(&self) -> pamphlet::Result<BuildReport> {
        pamphlet::build(&self.opts)
    }
}

/// A built site.
pub struct Built {
    out: PathBuf,
    /// The build's summary.
    pub report: BuildReport,
    _dir: Option<tempfile::TempDir>,
}

impl Built {
    /// Wraps an output folder built elsewhere (the caller keeps it alive).
    pub fn from_dir(out: PathBuf, report: BuildReport) -> Built {
        Built { out, report, _dir: None }
    }

    /// The output folder.
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// The file serving `site_path` (`/a/` → `a/index.html`).
    pub fn file_for(&self, site_path: &str) -> PathBuf {
        let trimmed = site_path.trim_start_matches('/');
        if trimmed.is_empty() || trimmed.ends_with('/') {
            self.out.join(trimmed).join("index.html")
        } else {
            self.out.join(trimmed)
        }
    }

    /// Whether something is served at `site_path`.
    pub fn exists(&self, site_path: &str) -> bool {
        self.file_for(site_path).is_file()
    }

    /// The text of the file at `site_path`.
    pub fn text(&self, site_path: &str) -> String {
        let path = self.file_for(site_path);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    /// The parsed HTML at `site_path`.
    pub fn html(&self, site_path: &str) -> Html {
        Html::parse_document(&self.text(site_path))
    }

    /// Text of each element matching `css` on the page at `site_path`.
    pub fn texts(&self, site_path: &str, css: &str) -> Vec<String> {
        let sel = Selector::parse(css).expect("valid selector");
        self.html(site_path).select(&sel).map(|e| e.text().collect::<String>().trim().to_string()).collect()
    }

    /// Attribute `attr` of each element matching `css` on the page at `site_path`.
    pub fn attrs(&self, site_path: &str, css: &str, attr: &str) -> Vec<String> {
        let sel = Selector::parse(css).expect("valid selector");
        self.html(site_path).select(&sel).filter_map(|e| e.value().attr(attr).map(str::to_string)).collect()
    }

    /// Every file in the output, as site paths of files (`/a/index.html`), sorted.
    pub fn files(&self) -> Vec<String> {
        let mut out: Vec<String> = walkdir::WalkDir::new(&self.out)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| format!("/{}", e.path().strip_prefix(&self.out).expect("inside output").to_string_lossy()))
            .collect();
        out.sort();
        out
    }

    /// Asserts that every internal `href`/`src` in every HTML file points at a file in the
    /// output. `prefix` is the base URL's path (`/` or `/mirror/`); `origin` its scheme+host.
    /// Links that leave the prefix are failures too.
    pub fn assert_internal_links_resolve(&self, origin: &str, prefix: &str) {
        let sel = Selector::parse("[href], [src]").expect("valid selector");
        let mut broken = Vec::new();
        let mut checked = 0;
        for file in self.files().iter().filter(|f| f.ends_with(".html")) {
            let html = Html::parse_document(&std::fs::read_to_string(self.out.join(&file[1..])).expect("read html"));
            for el in html.select(&sel) {
                for attr in ["href", "src"] {
                    let Some(url) = el.value().attr(attr) else { continue };
                    let url = url.split('#').next().unwrap_or("");
                    let path = if let Some(rest) = url.strip_prefix(origin) {
                        rest.to_string()
                    } else if url.starts_with('/') && !url.starts_with("//") {
                        url.to_string()
                    } else if url.is_empty() || url.contains(':') || url.starts_with("//") {
                        continue;
                    } else {
                        // Relative to the page's folder.
                        let dir = file.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
                        format!("{dir}/{url}")
                    };
                    checked += 1;
                    let decoded = percent_decode(&path);
                    let Some(inside) = decoded.strip_prefix(prefix) else {
                        broken.push(format!("{file}: {url} leaves the site prefix {prefix}"));
                        continue;
                    };
                    if !self.exists(&format!("/{inside}")) {
                        broken.push(format!("{file}: {url}"));
                    }
                }
            }
        }
        assert!(checked > 0, "no internal links were checked");
        assert!(broken.is_empty(), "{} broken internal links:\n{}", broken.len(), broken.join("\n"));
    }
}

/// A minimal PDF with `pages` pages.
pub fn minimal_pdf(pages: usize) -> String {
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", 3 + i)).collect();
    let mut out = format!(
        "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [{}] /Count {pages} >>\nendobj\n",
        kids.join(" ")
    );
    for i in 0..pages {
        out.push_str(&format!("{} 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>\nendobj\n", 3 + i));
    }
    out.push_str("trailer\n<< /Root 1 0 R >>\n%%EOF\n");
    out
}

/// Every file under `dir` with its bytes, for byte-for-byte comparisons of outputs.
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("inside the folder").to_string_lossy().into_owned();
            (rel, std::fs::read(e.path()).expect("readable file"))
        })
        .collect();
    files.sort();
    files
}

/// Decodes %XX escapes (UTF-8) in a URL path; malformed escapes stay as written.
pub fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Front matter + body for an article.
pub fn article(title: &str, date: &str, extra_front_matter: &str, body: &str) -> String {
    format!("---\ntitle: \"{title}\"\ndate: {date}\n{extra_front_matter}---\n{body}\n")
}
