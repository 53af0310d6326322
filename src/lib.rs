//! pamphlet: a static site generator for advocacy publications.
//!
//! The build is a one-way pipeline (see [`build`]):
//! `site.yaml` → [`config::Config`] → [`content::load`] → [`site::Site::assemble`] →
//! [`render::Renderer`] → [`output::write`]. Every stage collects all the problems it finds
//! and returns them together as [`Error::Many`]. Besides the theme's pages, the site model
//! yields feeds ([`feeds`]), the sitemap and robots.txt ([`sitemap`]) and the search index
//! ([`search`]), all as in-memory [`output::OutputFile`]s.

#![warn(missing_docs)]
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod check;
pub mod cli;
pub mod comments;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod error;
pub mod feeds;
pub mod fs;
pub mod import;
pub mod markdown;
pub mod minify;
pub mod output;
pub mod permalink;
pub mod redirects;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod sitemap;
pub mod slug;
pub mod taxonomy;
pub mod theme;
pub mod yaml;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

pub use error::{Error, Location, Position, Result, Warning};

/// mimalloc instead of the system allocator: a build makes millions of small allocations from
/// both cores (Tera values, Pagefind's word lists), and glibc's malloc spent about a sixth of
/// a 10,000-article build with search in `_int_malloc`, `_int_free` and `malloc_consolidate`.
/// Declared here rather than in main.rs so the tests and examples that build sites through the
/// library measure the same allocator as the binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        }
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
    /// Wall time of the build.
    pub elapsed: Duration,
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
        if self.drafts_skipped > 0 {
            write!(f, "; {} drafts skipped", self.drafts_skipped)?;
        }
        if let Some(next) = self.next_scheduled {
            write!(f, "; next scheduled article due {}", next.strftime("%Y-%m-%dT%H:%M:%SZ"))?;
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
    let Prepared { site, renderer, theme, warnings } = prepare(opts)?;
    let (mut files, search) = beside_search(&site, || renderer.render_site(&site))?;
    files.extend(search);
    files.extend(unrendered_outputs(&opts.root, &theme, &site)?);
    output::check_collisions(&files)?;
    check_featured_images(&site, files.iter().map(|f| f.path.as_str()))?;
    if site.config.minify {
        minify::minify_pages(&mut files);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    check_strict(opts, &warnings)?;
    Ok(RenderedSite { site, files, warnings })
}

/// The site loaded and assembled, and its theme compiled: what a build renders from.
struct Prepared {
    site: site::Site,
    renderer: render::Renderer,
    theme: theme::Theme,
    warnings: Vec<Warning>,
}

/// Loads the configuration, theme and content, and assembles the site.
fn prepare(opts: &BuildOptions) -> Result<Prepared> {
    let root = opts.root.as_path();
    let config = config::Config::load(root, opts.base_url.as_deref())?;
    let theme = theme::Theme::load(root, &config.theme)?;
    // Compile templates before the content work so a template typo is reported even when the
    // content also has problems; both lists are returned together.
    let renderer = render::Renderer::new(&theme);
    let markdown = markdown::Markdown::new();
    let load = content::LoadOptions {
        drafts: opts.drafts,
        future: opts.future,
        now: opts.now.unwrap_or_else(jiff::Timestamp::now),
    };
    let content = content::load(root, &config, &markdown, load);
    let (renderer, content) = both(renderer, content)?;
    let warnings = content.warnings.clone();
    let mut site = site::Site::assemble(config, content)?;
    site.load_comments(root)?;
    Ok(Prepared { site, renderer, theme, warnings })
}

/// Runs `render` while the search index (empty when `search: false`) is built beside it. The
/// index gets a thread of its own rather than a rayon worker: it blocks that thread while it
/// waits for the parsing and compression it hands to the rayon pool, which rendering shares.
fn beside_search<T: Send>(
    site: &site::Site,
    render: impl FnOnce() -> Result<T> + Send,
) -> Result<(T, Vec<output::OutputFile>)> {
    std::thread::scope(|scope| {
        let search = scope.spawn(|| search::search_index(site));
        let pages = render();
        let search = search.join().unwrap_or_else(|_| {
            Err(Error::output(search::BUNDLE_DIR, "building the search index failed: the indexer crashed"))
        });
        both(pages, search)
    })
}

/// Both results, or the errors of either or both together.
fn both<A, B>(a: Result<A>, b: Result<B>) -> Result<(A, B)> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (a, b) => {
            let errors = [a.err(), b.err()].into_iter().flatten().collect();
            Err(Error::collect(errors).err().unwrap_or(Error::Many(Vec::new())))
        }
    }
}

/// Everything but the theme's pages and the search index: static files, feeds, the sitemap,
/// robots.txt, `_redirects` and the articles' own files.
fn unrendered_outputs(root: &Path, theme: &theme::Theme, site: &site::Site) -> Result<Vec<output::OutputFile>> {
    let statics = output::static_files(root, theme)?;
    let mut files = publishing_outputs(site, &statics)?;
    files.extend(statics);
    files.extend(site.assets.iter().map(|a| output::OutputFile {
        path: a.path.clone(),
        contents: output::Contents::Copy(a.source.clone()),
        origin: output::Origin::Source(a.source.strip_prefix(root).unwrap_or(&a.source).to_path_buf()),
    }));
    Ok(files)
}

/// With `--strict`, the warnings as errors.
fn check_strict(opts: &BuildOptions, warnings: &[Warning]) -> Result<()> {
    if !opts.strict {
        return Ok(());
    }
    let errors = warnings
        .iter()
        .map(|w| Error::content(w.location.clone(), format!("{} (a warning, fatal with --strict)", w.message)))
        .collect();
    Error::collect(errors)
}

/// Feeds, the sitemap, robots.txt and `_redirects`: what makes the rendered pages a
/// publication (the search index, which is slow, is built separately). `statics` are the
/// site's static files: a `static/robots.txt` of the site's own wins over the generated one.
pub fn publishing_outputs(site: &site::Site, statics: &[output::OutputFile]) -> Result<Vec<output::OutputFile>> {
    let mut files = feeds::feeds(site)?;
    files.extend(sitemap::sitemap(site));
    files.extend(redirects::redirects_file(site));
    files.extend(redirects::query_aliases_file(site));
    if !statics.iter().any(|f| f.path == sitemap::ROBOTS) {
        files.push(sitemap::robots(site));
    }
    Ok(files)
}

/// Every featured image on this site must be one of the files the build writes (`paths`).
fn check_featured_images<'a>(site: &site::Site, paths: impl Iterator<Item = &'a str>) -> Result<()> {
    let written: std::collections::HashSet<&str> = paths.collect();
    let with_images = site
        .articles
        .iter()
        .map(|a| (&a.article.common, &a.image))
        .chain(site.pages.iter().map(|p| (&p.page.common, &p.image)));
    let errors = with_images
        .filter_map(|(common, image)| match image {
            Some(site::ImageRef::Site(path)) if !written.contains(path.as_str()) => Some(Error::content(
                Location { path: common.source.clone(), position: common.image_position },
                format!(
                    "featured image `{}` not found: put the file in static{path} (or, for a path without a leading `/`, beside the article's index.md)",
                    common.image.as_deref().unwrap_or_default()
                ),
            )),
            _ => None,
        })
        .collect();
    Error::collect(errors)
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
    let Prepared { site, renderer, theme, warnings } = prepare(opts)?;
    let staging = output::Staging::create(&output_dir)?;
    let write = |mut file: output::OutputFile| {
        if site.config.minify {
            minify::minify_file(&mut file);
        }
        let error = staging.write(&file).err();
        Written { path: file.path, origin: file.origin, error }
    };
    let views = render::SiteViews::new(&site);
    let (mut written, search) = beside_search(&site, || {
        renderer.render_into(&site, &views, &render::Selection::all(), &|file| Ok(write(file)))
    })?;
    let mut rest = search;
    rest.extend(unrendered_outputs(&opts.root, &theme, &site)?);
    written.par_extend(rest.into_par_iter().map(write));
    // As in `render_site`: two outputs claiming one file are reported as such, before the
    // write errors the second of them caused.
    output::check_claims(written.iter().map(|w| (w.path.as_str(), &w.origin)))?;
    if let Some(error) = written.iter_mut().find_map(|w| w.error.take()) {
        return Err(error);
    }
    check_featured_images(&site, written.iter().map(|w| w.path.as_str()))?;
    check_strict(opts, &warnings)?;
    staging.commit()?;
    Ok(BuildReport {
        articles: site.articles.len(),
        pages: site.pages.len(),
        categories: site.categories.nodes.len(),
        tags: site.tags.len(),
        authors: site.authors.len(),
        files_written: written.len(),
        drafts_skipped: site.drafts_skipped,
        next_scheduled: site.scheduled.first().copied(),
        elapsed: started.elapsed(),
        warnings,
    })
}

/// One file a build staged: its site path, what produced it, and the error writing it hit.
struct Written {
    path: String,
    origin: output::Origin,
    error: Option<Error>,
}

/// Whether `path` looks like a pamphlet site root.
pub fn is_site_root(path: &Path) -> bool {
    path.join(config::CONFIG_FILE).is_file()
}
