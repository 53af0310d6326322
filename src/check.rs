//! `pamphlet check`: builds the site in memory (writing nothing) and inspects the result for
//! problems a build does not catch: broken internal links and `#anchors`, links to drafts,
//! missing images and files, images without alt text, duplicate titles, articles without a
//! category, empty categories, static files nothing links to, images served from another
//! host, and (opt-in) external links.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rayon::prelude::*;

use crate::error::{Error, Location, Position, Result, Warning};
use crate::output::{Contents, Origin, OutputFile};
use crate::{BuildOptions, RenderedSite};

/// How many external URLs are fetched at once.
const EXTERNAL_CONCURRENCY: usize = 8;
/// How long one external request may take.
const EXTERNAL_TIMEOUT: Duration = Duration::from_secs(10);

/// Static files that are meant to be found without links.
const WELL_KNOWN_FILES: &[&str] =
    &["/favicon.ico", "/robots.txt", "/CNAME", "/_redirects", "/_headers", "/humans.txt", "/ads.txt", "/.nojekyll"];

/// What to check.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The build to check (drafts are always looked at to explain links to them).
    pub build: BuildOptions,
    /// Also request every external link.
    pub external: bool,
}

/// The outcome of a check.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Problems that fail the check.
    pub errors: Vec<Error>,
    /// Problems worth fixing.
    pub warnings: Vec<Warning>,
    /// Pages inspected.
    pub pages: usize,
    /// Internal links and image references followed.
    pub links: usize,
    /// External URLs requested (with `--external`).
    pub external: usize,
}

impl std::fmt::Display for CheckReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "checked {} pages, {} internal links{}: {} error(s), {} warning(s)",
            self.pages,
            self.links,
            if self.external > 0 { format!(", {} external links", self.external) } else { String::new() },
            self.errors.len(),
            self.warnings.len()
        )
    }
}

/// A reference from a page to a URL.
#[derive(Debug, Clone)]
struct Reference {
    /// `a`, `img`, `link`, `script`, `source`…
    element: String,
    /// The URL as written in the HTML.
    url: String,
}

/// What one HTML page contains.
#[derive(Debug, Default)]
struct PageScan {
    references: Vec<Reference>,
    ids: BTreeSet<String>,
    images_without_alt: Vec<String>,
}

/// Runs every check. Build errors are returned as `Err` (as `pamphlet build` would report them).
pub fn check(opts: &CheckOptions) -> Result<CheckReport> {
    // Warnings are reported as warnings, each with its code, and `--strict` turns them into a
    // failure in main.rs; a strict build here would stop at the first of them.
    let build = BuildOptions { strict: false, ..opts.build.clone() };
    let rendered = crate::render_site(&build)?;
    let draft_paths = draft_paths(&opts.build, &rendered)?;
    let root = opts.build.root.as_path();
    let prefix = rendered.site.config.base_url.prefix.clone();
    let origin = rendered.site.config.base_url.origin.clone();

    let html: Vec<&OutputFile> = rendered.files.iter().filter(|f| is_rendered_page(f)).collect();
    let scans: Vec<PageScan> = html.par_iter().map(|f| scan_page(text_of(f))).collect();
    let ids: HashMap<&str, &BTreeSet<String>> =
        html.iter().zip(&scans).map(|(f, s)| (f.path.as_str(), &s.ids)).collect();
    let served: BTreeSet<&str> = rendered.files.iter().map(|f| f.path.as_str()).collect();

    let mut report = CheckReport { pages: html.len(), warnings: rendered.warnings.clone(), ..CheckReport::default() };
    let mut linked: BTreeSet<String> = BTreeSet::new();
    let mut external: BTreeMap<String, Vec<(PathBuf, &OutputFile)>> = BTreeMap::new();
    let mut sources = SourceCache::new(root);

    // Problems in a page's own text point at their line; problems that come from the theme
    // (the same link broken on every page) are reported once, with a count.
    let mut from_theme: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for (page, scan) in html.iter().zip(&scans) {
        for r in &scan.references {
            if (r.url.starts_with("http://") || r.url.starts_with("https://"))
                && !r.url.starts_with(&format!("{origin}{prefix}"))
            {
                if is_absolute_media(r) {
                    report.warnings.extend(remote_file(page, r, &mut sources));
                }
                external.entry(r.url.clone()).or_default().push((origin_path(page), page));
                continue;
            }
            let Some((target, fragment)) = resolve(&r.url, &page.path, &origin, &prefix) else { continue };
            report.links += 1;
            linked.insert(target.clone());
            let problem = if !served.contains(target.as_str()) {
                if is_absolute_media(r) || is_absolute_file_link(r) {
                    // An absolute address on the site's own host that the build does not make:
                    // an imported upload still served by the old site at that address.
                    report.warnings.extend(remote_file(page, r, &mut sources));
                    continue;
                }
                if draft_paths.contains(&target) {
                    format!(
                        "links to a draft: `{}` is not published yet (remove the link or publish the article)",
                        r.url
                    )
                } else if matches!(r.element.as_str(), "img" | "source" | "video" | "audio") {
                    format!("missing image or media file `{}`: nothing is published at {target}", r.url)
                } else {
                    format!("broken link `{}`: nothing is published at {target}", r.url)
                }
            } else {
                match fragment {
                    Some(f)
                        if !f.is_empty()
                            && f != "top"
                            && !ids.get(target.as_str()).is_some_and(|set| set.contains(&f)) =>
                    {
                        format!("broken anchor `{}`: {target} has no element with id `{f}`", r.url)
                    }
                    _ => continue,
                }
            };
            match sources.locate(page, &r.url) {
                Some(location) => report.errors.push(Error::content(location, problem)),
                None => {
                    let pages = from_theme.entry(problem).or_default();
                    if pages.last() != Some(&page.path.as_str()) {
                        pages.push(&page.path);
                    }
                }
            }
        }
        for src in &scan.images_without_alt {
            report.warnings.push(Warning {
                location: sources.locate(page, src).unwrap_or_else(|| Location::file(page_file(page))),
                code: "missing-alt",
                message: format!("image `{src}` has no alt attribute"),
            });
        }
    }
    for (problem, pages) in from_theme {
        let more = if pages.len() > 1 { format!(" (and {} more pages)", pages.len() - 1) } else { String::new() };
        report.errors.push(Error::Template {
            location: Location::file(page_file_of(pages[0])),
            message: format!("{problem}; the link comes from the theme's templates{more}"),
        });
    }
    report.warnings.extend(content_warnings(&rendered));
    report.warnings.extend(orphaned_static_files(&rendered, &linked));
    if opts.external {
        report.external = external.len();
        report.errors.extend(check_external(&external, &mut sources));
    }
    report.errors.sort_by(|a, b| a.location().cmp(&b.location()).then_with(|| a.to_string().cmp(&b.to_string())));
    report.errors.dedup_by(|a, b| a.to_string() == b.to_string());
    report.warnings.sort();
    report.warnings.dedup();
    Ok(report)
}

/// An image (`remote-image`), or a linked file such as a PDF (`remote-file`), at an absolute
/// address the build does not serve, in a page's own text: an imported upload still on the old
/// site (whose host may be this site's), a hot-linked picture. It disappears when that host
/// stops serving it, so the editor should know. What the theme repeats on listing pages is
/// reported once, on its own article or page.
fn remote_file(page: &OutputFile, r: &Reference, sources: &mut SourceCache) -> Option<Warning> {
    let Origin::Source(source) = &page.origin else { return None };
    let host = crate::import::links::split_url(&r.url).and_then(|u| u.host).unwrap_or_default();
    let (code, what) = if is_absolute_media(r) { ("remote-image", "image") } else { ("remote-file", "file") };
    Some(Warning {
        location: sources.locate(page, &r.url).unwrap_or_else(|| Location::file(source)),
        code,
        message: format!(
            "{what} `{}` is served from {host}, not by this build: copy the file into static/ and link to the copy (for an import, copy wp-content/uploads and import again with --uploads)",
            r.url
        ),
    })
}

/// An image, video or audio file referenced by an absolute `http(s)` address.
fn is_absolute_media(r: &Reference) -> bool {
    is_absolute(&r.url) && matches!(r.element.as_str(), "img" | "source" | "video" | "audio")
}

/// A link by absolute address to a file (its last segment has an extension, `x.pdf`), not a page.
fn is_absolute_file_link(r: &Reference) -> bool {
    let path = r.url.split(['?', '#']).next().unwrap_or_default();
    let last = path.rsplit('/').next().unwrap_or_default();
    r.element == "a"
        && is_absolute(&r.url)
        && path.matches('/').count() > 2
        && last.contains('.')
        && !last.ends_with(".html")
}

fn is_absolute(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://")
}

/// A page rendered in memory, whose text can be scanned.
fn is_rendered_page(f: &OutputFile) -> bool {
    matches!(f.contents, Contents::Text(_)) && f.is_html_page()
}

fn text_of(f: &OutputFile) -> &str {
    match &f.contents {
        Contents::Text(t) => t,
        _ => "",
    }
}

fn origin_path(f: &OutputFile) -> PathBuf {
    match &f.origin {
        Origin::Source(p) => p.clone(),
        Origin::Generated(_) => crate::permalink::output_path(&f.path),
    }
}

/// Site paths that only a build with drafts (and scheduled articles) publishes.
fn draft_paths(opts: &BuildOptions, published: &RenderedSite) -> Result<BTreeSet<String>> {
    if opts.drafts && opts.future {
        return Ok(BTreeSet::new());
    }
    let mut with_drafts = opts.clone();
    with_drafts.drafts = true;
    with_drafts.future = true;
    with_drafts.strict = false;
    let all = crate::render_site(&with_drafts)?;
    let published: BTreeSet<&str> = published.files.iter().map(|f| f.path.as_str()).collect();
    Ok(all.files.into_iter().map(|f| f.path).filter(|p| !published.contains(p.as_str())).collect())
}

/// Collects links, ids and alt-less images from one page.
fn scan_page(html: &str) -> PageScan {
    let scan = std::cell::RefCell::new(PageScan::default());
    let handler = lol_html::element!("*", |el| {
        let mut scan = scan.borrow_mut();
        if let Some(id) = el.get_attribute("id") {
            scan.ids.insert(id);
        }
        let tag = el.tag_name();
        if tag == "a"
            && let Some(name) = el.get_attribute("name")
        {
            scan.ids.insert(name);
        }
        for attr in ["href", "src", "poster"] {
            if let Some(url) = el.get_attribute(attr) {
                // <link rel=canonical/alternate> point at absolute URLs of this site: checked too.
                scan.references.push(Reference { element: tag.clone(), url });
            }
        }
        if let Some(srcset) = el.get_attribute("srcset") {
            for candidate in srcset.split(',') {
                if let Some(url) = candidate.split_whitespace().next() {
                    scan.references.push(Reference { element: tag.clone(), url: url.to_string() });
                }
            }
        }
        if tag == "img" && el.get_attribute("alt").is_none() {
            let src = el.get_attribute("src").unwrap_or_default();
            scan.images_without_alt.push(src);
        }
        Ok(())
    });
    let settings = lol_html::Settings::new().append_element_content_handler(handler);
    // Malformed HTML is tolerated by the parser; an error here means a parser limit was hit,
    // and the page is then checked as far as it was read.
    let _ = lol_html::rewrite_str(html, settings);
    scan.into_inner()
}

/// Turns a URL found on the page at `page_path` into (site path, fragment), or `None` for
/// URLs that are not ours to check (mailto:, other hosts, data:…).
fn resolve(url: &str, page_path: &str, origin: &str, prefix: &str) -> Option<(String, Option<String>)> {
    let page_url = format!("{origin}{prefix}{}", page_path.trim_start_matches('/'));
    let absolute = crate::urls::resolve(&page_url, url).unwrap_or_else(|| url.to_string());
    let ours = absolute.strip_prefix(origin).filter(|rest| rest.starts_with('/'))?;
    let (ours, fragment) = match ours.split_once('#') {
        Some((u, f)) => (u, Some(crate::urls::decode_or_keep(f))),
        None => (ours, None),
    };
    let path = ours.split('?').next().unwrap_or("");
    let decoded = crate::urls::decode_or_keep(path);
    let site_path = match decoded.strip_prefix(prefix) {
        Some(rest) => format!("/{rest}"),
        None => decoded,
    };
    Some((site_path, fragment))
}

/// Finds where in a content file a URL is written, so a broken link points at its line.
struct SourceCache<'a> {
    root: &'a Path,
    texts: HashMap<PathBuf, Option<String>>,
}

impl<'a> SourceCache<'a> {
    fn new(root: &'a Path) -> Self {
        SourceCache { root, texts: HashMap::new() }
    }

    /// Where the page's own source file contains `url`, if it does.
    fn locate(&mut self, page: &OutputFile, url: &str) -> Option<Location> {
        let Origin::Source(path) = &page.origin else { return None };
        let root = self.root;
        let text = self.texts.entry(path.clone()).or_insert_with(|| std::fs::read_to_string(root.join(path)).ok());
        let text = text.as_deref()?;
        // The HTML may carry the base URL's prefix that the Markdown does not.
        let candidates = [url.to_string(), url.trim_start_matches('/').to_string()];
        let offset = candidates.iter().filter(|c| c.len() > 1).find_map(|c| text.find(c.as_str()))?;
        Some(Location { path: path.clone(), position: Some(Position::of_offset(text, offset)) })
    }
}

/// The output file of a page, for problems without a source line.
fn page_file(page: &OutputFile) -> PathBuf {
    page_file_of(&page.path)
}

fn page_file_of(site_path: &str) -> PathBuf {
    PathBuf::from("public").join(crate::permalink::output_path(site_path))
}

/// Duplicate titles, articles without a category, declared categories without articles.
fn content_warnings(rendered: &RenderedSite) -> Vec<Warning> {
    let site = &rendered.site;
    let mut out = Vec::new();
    let mut by_title: BTreeMap<String, Vec<&Path>> = BTreeMap::new();
    for a in &site.articles {
        by_title.entry(a.article.common.title.to_lowercase()).or_default().push(&a.article.common.source);
        if a.categories.is_empty() {
            out.push(Warning {
                location: Location::file(&a.article.common.source),
                code: "no-category",
                message: "article has no category: add `categories:` so readers can find it from the menu".into(),
            });
        }
    }
    for (_, mut files) in by_title.into_iter().filter(|(_, f)| f.len() > 1) {
        files.sort();
        let others: Vec<String> = files[1..].iter().map(|p| p.display().to_string()).collect();
        out.push(Warning {
            location: Location::file(files[0]),
            code: "duplicate-title",
            message: format!(
                "the same title is used by {}: readers and search engines cannot tell them apart",
                others.join(", ")
            ),
        });
    }
    if site.config.categories.is_some() {
        for (id, articles) in site.category_articles.iter().enumerate() {
            if articles.is_empty() {
                out.push(Warning {
                    location: Location::file(crate::config::CONFIG_FILE),
                    code: "empty-category",
                    message: format!("category \"{}\" has no articles", site.categories.full_name(id)),
                });
            }
        }
    }
    out
}

/// Files from `static/` that no page links to (stylesheets and well-known files excepted).
fn orphaned_static_files(rendered: &RenderedSite, linked: &BTreeSet<String>) -> Vec<Warning> {
    rendered
        .files
        .iter()
        .filter_map(|f| match &f.origin {
            Origin::Source(p) if p.starts_with("static") => Some((f, p)),
            _ => None,
        })
        .filter(|(f, _)| !linked.contains(&f.path) && !WELL_KNOWN_FILES.contains(&f.path.as_str()))
        .filter(|(f, _)| !f.path.starts_with("/.well-known/"))
        // An image's resized variants (`/images/a-800w.webp`) are its source's, not files of
        // their own: one warning for the source is enough.
        .filter(|(f, p)| Path::new("static").join(f.path.trim_start_matches('/')) == **p)
        .map(|(f, p)| Warning {
            location: Location::file(p),
            code: "orphaned-file",
            message: format!("nothing links to {}: delete it or link to it", f.path),
        })
        .collect()
}

/// Requests each external URL once (HEAD, then GET when HEAD is refused), a few at a time.
fn check_external(urls: &BTreeMap<String, Vec<(PathBuf, &OutputFile)>>, sources: &mut SourceCache) -> Vec<Error> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(EXTERNAL_TIMEOUT))
        .user_agent(concat!("pamphlet-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let list: Vec<&String> = urls.keys().collect();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(EXTERNAL_CONCURRENCY).build();
    let fetch = |url: &String| (url.clone(), fetch_status(&agent, url));
    let results: Vec<(String, std::result::Result<(), String>)> = match pool {
        Ok(pool) => pool.install(|| list.par_iter().map(|u| fetch(u)).collect()),
        Err(_) => list.iter().map(|u| fetch(u)).collect(),
    };
    let mut errors = Vec::new();
    for (url, result) in results {
        if let Err(why) = result {
            for (_, page) in &urls[&url] {
                let location = sources.locate(page, &url).unwrap_or_else(|| Location::file(page_file(page)));
                errors.push(Error::content(location, format!("external link `{url}` failed: {why}")));
            }
        }
    }
    errors
}

fn fetch_status(agent: &ureq::Agent, url: &str) -> std::result::Result<(), String> {
    match agent.head(url).call() {
        Ok(_) => Ok(()),
        // Some servers refuse HEAD; ask again properly before calling the link broken.
        Err(ureq::Error::StatusCode(405 | 403 | 501)) => agent.get(url).call().map(|_| ()).map_err(describe),
        Err(e) => Err(describe(e)),
    }
}

fn describe(e: ureq::Error) -> String {
    match e {
        ureq::Error::StatusCode(code) => format!("HTTP status {code}"),
        ureq::Error::Timeout(_) => format!("no answer within {} seconds", EXTERNAL_TIMEOUT.as_secs()),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_root_relative_absolute_and_fragments() {
        let r = |u: &str| resolve(u, "/2024/01/a/", "https://x.org", "/mirror/");
        assert_eq!(r("/mirror/tag/t/"), Some(("/tag/t/".into(), None)));
        assert_eq!(r("https://x.org/mirror/b/#s"), Some(("/b/".into(), Some("s".into()))));
        assert_eq!(r("photo.png"), Some(("/2024/01/a/photo.png".into(), None)));
        assert_eq!(r("../b/"), Some(("/2024/01/b/".into(), None)));
        assert_eq!(r("#top"), Some(("/2024/01/a/".into(), Some("top".into()))));
        assert_eq!(r("mailto:a@b.org"), None);
        assert_eq!(r("https://elsewhere.org/"), None);
        assert_eq!(r("/mirror/%D8%A7/"), Some(("/ا/".into(), None)));
        // A `%` before a multi-byte character once panicked here (a byte slice inside a char).
        assert_eq!(r("/mirror/%aé/"), Some(("/%aé/".into(), None)));
    }

    #[test]
    fn scan_collects_links_ids_and_images_without_alt() {
        let s = scan_page(
            "<h2 id=\"x\">X</h2><a name=\"old\"></a><a href=\"/a/\">a</a><img src=\"/i.png\"><img src=\"/j.png\" alt=\"\" srcset=\"/k.png 2x, /l.png 3x\">",
        );
        let urls: Vec<&str> = s.references.iter().map(|r| r.url.as_str()).collect();
        assert_eq!(urls, vec!["/a/", "/i.png", "/j.png", "/k.png", "/l.png"]);
        assert_eq!(s.ids.iter().collect::<Vec<_>>(), vec!["old", "x"]);
        assert_eq!(s.images_without_alt, vec!["/i.png"]);
    }
}
