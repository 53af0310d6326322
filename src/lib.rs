//! pamphlet: a static site generator for advocacy publications.
//!
//! The build is a one-way pipeline, written once in [`pipeline`] and run by [`build`],
//! [`render_site`] (and so `check`) and the dev server: `site.yaml` → [`config::Config`] →
//! [`content::load_all`] → [`site::Site::assemble_all`] → validation → [`render::Renderer`] →
//! the output folder or memory. Every stage collects all the problems it finds, and one run
//! returns them together as [`Error::Many`]. Besides the theme's pages, the site model
//! yields feeds ([`feeds`]), the sitemap and robots.txt ([`sitemap`]) and the search index
//! ([`search`]), all as in-memory [`output::OutputFile`]s.

#![warn(missing_docs)]
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod allocator;
pub mod check;
pub mod cli;
pub mod comments;
pub mod config;
pub mod content;
pub mod dates;
pub mod diagnostics;
mod entries;
pub mod error;
pub mod escape;
pub mod feeds;
pub mod fs;
pub mod headers;
pub mod hosting;
pub mod i18n;
pub mod images;
pub mod import;
pub mod language;
pub mod markdown;
pub mod markdown_cache;
pub mod minify;
pub mod output;
mod parallel;
pub mod permalink;
pub mod pipeline;
pub mod redirects;
pub mod related;
pub mod related_cache;
pub mod render;
pub mod reuse;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod shortcodes;
pub mod site;
pub mod sitemap;
pub mod slug;
pub mod taxonomy;
pub mod theme;
pub mod translations;
pub mod urls;
pub mod yaml;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

pub use error::{Error, Location, Position, Result, Warning};
pub use pipeline::publishing_outputs;
use pipeline::{Prepared, Purpose};

/// What to build and how.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site root (holds `site.yaml`).
    pub root: PathBuf,
    /// Output folder; `<root>/public` by default.
    pub output: Option<PathBuf>,
    /// Replaces `base_url` from site.yaml (preview builds under a path prefix).
    pub base_url: Option<String>,
    /// Include drafts.
    pub drafts: bool,
    /// Include articles dated in the future.
    pub future: bool,
    /// The moment that counts as "now" for scheduled articles; the current time by default.
    pub now: Option<jiff::Timestamp>,
    /// Treat warnings as errors.
    pub strict: bool,
    /// Replaces `hosting:` from site.yaml (`--hosting`).
    pub hosting: Option<String>,
    /// Where processed images are kept between builds; `<root>/.pamphlet-cache` by default.
    pub cache_dir: Option<PathBuf>,
}

impl BuildOptions {
    /// Options for building the site at `root` with defaults.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            output: None,
            base_url: None,
            drafts: false,
            future: false,
            now: None,
            strict: false,
            hosting: None,
            cache_dir: None,
        }
    }

    /// The cache folder these options use.
    pub fn cache_dir(&self) -> PathBuf {
        self.cache_dir.clone().unwrap_or_else(|| self.root.join(images::DEFAULT_CACHE_DIR))
    }

    /// The output folder these options write to.
    pub fn output_dir(&self) -> PathBuf {
        self.output.clone().unwrap_or_else(|| self.root.join("public"))
    }
}

/// What a build produced, for the summary line.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// Articles published.
    pub articles: usize,
    /// Pages published.
    pub pages: usize,
    /// Categories in the tree.
    pub categories: usize,
    /// Distinct tags.
    pub tags: usize,
    /// Authors.
    pub authors: usize,
    /// Files written to the output folder.
    pub files_written: usize,
    /// Drafts left out.
    pub drafts_skipped: usize,
    /// When the next held-back (future-dated) article is due, if any.
    pub next_scheduled: Option<jiff::Timestamp>,
    /// The site's time zone, in which the summary line gives that time.
    pub timezone: jiff::tz::TimeZone,
    /// Wall time of the build.
    pub elapsed: Duration,
    /// Source images processed by this build (not found in the image cache).
    pub images_processed: usize,
    /// Source images published (processed now or taken from the cache).
    pub images: usize,
    /// Pages rendered from the theme's templates by this build, when its pages can be reused
    /// by the next (0 when a template calls `now()`: see [`reuse`]).
    pub pages_rendered: usize,
    /// Pages taken from the previous build's output instead of rendered: nothing they are
    /// rendered from changed (see [`reuse`]).
    pub pages_reused: usize,
    /// Feeds taken from the previous build's output instead of written again: neither the
    /// articles they list nor the settings they show changed.
    pub feeds_reused: usize,
    /// Problems that did not stop the build.
    pub warnings: Vec<Warning>,
}

impl std::fmt::Display for BuildReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "built {} articles, {} pages, {} categories, {} tags, {} authors: {} files written in {:.2?}",
            self.articles, self.pages, self.categories, self.tags, self.authors, self.files_written, self.elapsed
        )?;
        if self.images_processed > 0 {
            write!(f, "; {} of {} images processed", self.images_processed, self.images)?;
        }
        if self.pages_reused > 0 {
            write!(f, "; {} pages rendered, {} unchanged ones reused", self.pages_rendered, self.pages_reused)?;
        }
        if self.drafts_skipped > 0 {
            write!(f, "; {} drafts skipped", self.drafts_skipped)?;
        }
        if let Some(next) = self.next_scheduled {
            let local = next.to_zoned_datetime(self.timezone.clone());
            let zone = self.timezone.iana_name().unwrap_or("UTC");
            write!(f, "; next scheduled article due {} ({zone})", local.strftime("%Y-%m-%d %H:%M"))?;
        }
        Ok(())
    }
}

/// A site rendered in memory: the model and every file it produces.
pub struct RenderedSite {
    /// The site model.
    pub site: site::Site,
    /// Every output file, checked for collisions.
    pub files: Vec<output::OutputFile>,
    /// Problems that do not stop the build (unless `strict`).
    pub warnings: Vec<Warning>,
}

/// Loads, assembles and renders the site without writing anything.
pub fn render_site(opts: &BuildOptions) -> Result<RenderedSite> {
    let markdown = markdown::Markdown::new();
    let Prepared { site, renderer, statics, mut warnings, .. } =
        pipeline::prepare(opts, Purpose::Inspect, &markdown, None)?;
    let (mut files, search) = pipeline::beside_search(&site, None, None, |file| file, || renderer.render_site(&site))?;
    files.extend(search);
    files.extend(pipeline::unrendered_outputs(&opts.root, statics, &site)?);
    let published: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let (redirects, more_warnings) = pipeline::redirect_outputs(opts, &site, &published)?;
    files.extend(redirects);
    warnings.extend(more_warnings);
    if site.config.minify {
        minify::minify_pages(&mut files);
    }
    // Last: the policy is read from the pages as they are published.
    files.extend(headers::headers_file(&site, &headers::sources_of(&files)));
    output::check_collisions(&files)?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(RenderedSite { site, files, warnings })
}

/// Builds the site into its output folder. Nothing is written unless the whole build succeeds.
///
/// Unlike [`render_site`], each page goes to disk (into the staging folder that replaces the
/// output folder at the end, see [`output`]) as soon as it is rendered, so memory holds one
/// page per thread rather than the whole site.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    let started = Instant::now();
    let output_dir = opts.output_dir();
    output::check_output_dir(&opts.root, &output_dir)?;
    let cache_dir = opts.cache_dir();
    // Bodies rendered by the previous build are read back instead of rendered again.
    let bodies = std::sync::Arc::new(markdown_cache::MarkdownCache::open(&cache_dir));
    let markdown = markdown::Markdown::new().with_cache(bodies.clone());
    let Prepared { site, renderer, statics, mut warnings, .. } =
        pipeline::prepare(opts, Purpose::Publish, &markdown, None)?;
    // Only a shortcut for the next build, kept as soon as every body is rendered.
    bodies.save();
    let staging = output::Staging::create_recording(&output_dir, &cache_dir.join(output::RECORDS_DIR))?;
    // Pages rendered from the same inputs as in the previous build are reused from its output.
    let previous_pages = reuse::PreviousPages::load(&cache_dir, &output_dir);
    let write = |rendered: render::Rendered| {
        let render::Rendered { mut file, digest } = rendered;
        if site.config.minify {
            minify::minify_file(&mut file);
        }
        let reused = digest.is_some() && matches!(file.contents, output::Contents::Cached(_));
        // A page the previous build rendered from the same inputs (reused, or rendered again
        // into an empty output folder) is the same HTML: its sources are in the manifest. Reading
        // every page for them was 6% of a CI build's CPU time.
        let known = previous_pages.as_ref().zip(digest).and_then(|(previous, d)| previous.sources(&file.path, d));
        // A file that is no page (a feed) loads nothing: recorded with no sources, so that the
        // manifest keeps its digest.
        let sources = known
            .cloned()
            .or_else(|| page_sources(&file))
            .or_else(|| (digest.is_some() && !file.is_html_page()).then(headers::PageSources::default));
        let (error, same_file) = match staging.write(&file) {
            Ok(staged) => (None, staged == output::Staged::SameFile),
            Err(error) => (Some(error), false),
        };
        // A reused page linked or kept as the previous output's very file still has the stamp
        // the manifest gave it: the next manifest need not look at the file again. One linked
        // from the pages kept in the cache folder may be a copy restored there (another inode).
        let kept = match &file.contents {
            output::Contents::Cached(src) => previous_pages.as_ref().is_some_and(|p| p.is_kept(src)),
            _ => false,
        };
        let unchanged = reused && same_file && !kept;
        Written { path: file.path, origin: file.origin, error, sources, digest, reused, unchanged }
    };
    let unrendered = |file| write(render::Rendered { file, digest: None });
    // Search index parts whose records did not change are reused from the previous output.
    let previous = output_dir.is_dir().then_some(output_dir.as_path());
    // Without a previous build, pages still get their digests, for the next build.
    let earlier = previous_pages.as_ref().map_or(&render::NoEarlierPages as &dyn render::EarlierPages, |p| p);
    let parsed = search::parsed_dir(&cache_dir);
    // The feeds, the sitemap and the copied files are made and written beside the pages, while
    // the search index is still being built.
    // The index's files are written as each part is built.
    let (mut written, search) = pipeline::beside_search(&site, previous, Some(&parsed), unrendered, || {
        // The views every page shares (an article's card stands on many pages) are dropped
        // as soon as the pages are rendered: the index of a large archive is still being
        // built then, and needs the memory (50,000 articles, one edited: about 130 MiB less
        // at the peak).
        let views = render::SharedViews::new(&site);
        let (pages, rest) = rayon::join(
            || renderer.render_into(&site, &views, &render::Everything, Some(earlier), &|page| Ok(write(page))),
            || pipeline::unrendered_outputs_reusing(&opts.root, statics, &site, earlier),
        );
        parallel::drop_all(views.summaries);
        let (mut written, rest) = pipeline::both(pages, rest)?;
        written.par_extend(rest.into_par_iter().map(write));
        Ok(written)
    })?;
    written.extend(search);
    let published: Vec<&str> = written.iter().map(|w| w.path.as_str()).collect();
    let (redirects, more_warnings) = pipeline::redirect_outputs(opts, &site, &published)?;
    written.extend(redirects.into_iter().map(unrendered));
    warnings.extend(more_warnings);
    // Last: the security policy is read from every page as it was written.
    let sources = headers::PageSources::union(written.iter().filter_map(|w| w.sources.as_ref()));
    written.extend(headers::headers_file(&site, &sources).map(unrendered));
    // As in `render_site`: two outputs claiming one file are reported as such, before the
    // write errors the second of them caused.
    output::check_claims(written.iter().map(|w| (w.path.as_str(), &w.origin)))?;
    if let Some(error) = written.iter_mut().find_map(|w| w.error.take()) {
        return Err(error);
    }
    staging.commit()?;
    // Pages only: feeds are reused the same way, but are not what the summary counts.
    let pages = || written.iter().filter(|w| output::is_html_path(&w.path));
    let pages_reused = pages().filter(|w| w.reused).count();
    let pages_rendered = pages().filter(|w| w.digest.is_some()).count() - pages_reused;
    let feeds_reused = written.iter().filter(|w| w.reused && !output::is_html_path(&w.path)).count();
    let rendered = written.par_iter().filter_map(|w| {
        let page = reuse::SavedPage {
            path: &w.path,
            digest: w.digest?,
            sources: w.sources.as_ref()?,
            unchanged: w.unchanged,
            rendered: !w.reused,
        };
        Some(page)
    });
    // Only a shortcut for the next build (see `reuse`): without it, that build renders every page.
    let _ = reuse::save(&cache_dir, &output_dir, previous_pages.as_ref(), rendered);
    let report = BuildReport {
        articles: site.articles.len(),
        pages: site.pages.len(),
        categories: site.categories.nodes.len(),
        tags: site.tags.len(),
        authors: site.authors.len(),
        files_written: written.len(),
        drafts_skipped: site.drafts_skipped,
        next_scheduled: site.scheduled.first().copied(),
        timezone: site.config.timezone.clone(),
        elapsed: started.elapsed(),
        images_processed: site.images.processed,
        pages_rendered,
        pages_reused,
        feeds_reused,
        images: site.images.len(),
        warnings,
    };
    parallel::drop_later((site, written, renderer, previous_pages, markdown));
    Ok(report)
}

/// What `pamphlet redirects` produced: each file's name and text, and the counts it reports.
#[derive(Debug, Clone)]
pub struct ServerRedirects {
    /// (file name, text): `redirects.map.conf` and `redirects.server.conf` for nginx, one file
    /// for the others.
    pub files: Vec<(&'static str, String)>,
    /// Old addresses answered.
    pub aliases: usize,
    /// Placeholder rules among the rules.
    pub patterns: usize,
    /// Old addresses left out by the host's limits (Cloudflare Pages only).
    pub dropped: usize,
}

/// `pamphlet redirects`: the site's old addresses as `format`'s rules, computed from the site
/// rendered in memory (a placeholder rule must match none of its pages), and written to
/// `out` when given.
pub fn server_redirects(opts: &BuildOptions, format: redirects::Format, out: Option<&Path>) -> Result<ServerRedirects> {
    let markdown = markdown::Markdown::new();
    let Prepared { site, renderer, statics, .. } = pipeline::prepare(opts, Purpose::Inspect, &markdown, None)?;
    let mut files = renderer.render_site(&site)?;
    files.extend(pipeline::unrendered_outputs(&opts.root, statics, &site)?);
    let published: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let rules = redirects::redirects(&site, format, &published);
    let mut dropped = 0;
    let texts = match format {
        redirects::Format::Netlify => {
            let published = published.iter().map(|p| p.to_string()).collect();
            vec![("_redirects", rules.netlify(&published))]
        }
        redirects::Format::Cloudflare => {
            let (text, left_out) = rules.cloudflare();
            dropped = left_out;
            vec![("_redirects", text)]
        }
        redirects::Format::Nginx => {
            let (map, server) = rules.nginx();
            vec![("redirects.map.conf", map), ("redirects.server.conf", server)]
        }
        redirects::Format::Caddy => vec![("redirects.caddy", rules.caddy())],
        redirects::Format::Apache => vec![("redirects.apache.conf", rules.apache())],
    };
    if let Some(dir) = out {
        std::fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
        for (name, text) in &texts {
            let path = dir.join(name);
            std::fs::write(&path, text).map_err(|e| Error::io("write", &path, e))?;
        }
    }
    Ok(ServerRedirects { files: texts, aliases: rules.aliases(), patterns: rules.patterns.len(), dropped })
}

/// One file a build staged: its site path, what produced it, and the error writing it hit.
struct Written {
    path: String,
    origin: output::Origin,
    error: Option<Error>,
    /// For an HTML page, what it runs and loads (for the security policy).
    sources: Option<headers::PageSources>,
    /// For a page rendered from templates, the digest of what it was rendered from.
    digest: Option<render::digest::PageDigest>,
    /// Whether the page is the previous build's file, not rendered again.
    reused: bool,
    /// Whether it is that very file (linked or kept, not copied).
    unchanged: bool,
}

/// What the HTML page `file` runs and loads; `None` for other files.
fn page_sources(file: &output::OutputFile) -> Option<headers::PageSources> {
    match &file.contents {
        output::Contents::Text(text) if file.is_html_page() => Some(headers::PageSources::of_html(text.as_bytes())),
        _ => None,
    }
}

/// Whether `path` looks like a pamphlet site root.
pub fn is_site_root(path: &Path) -> bool {
    path.join(config::CONFIG_FILE).is_file()
}
