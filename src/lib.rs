//! pamphlet: a static site generator for advocacy publications.
//!
//! The build is a one-way pipeline (see [`build`]):
//! `site.yaml` → [`config::Config`] → [`content::load`] → [`site::Site::assemble`] →
//! [`render::Renderer`] → [`output::write`]. Every stage collects all the problems it finds
//! and returns them together as [`Error::Many`].

#![warn(missing_docs)]
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod config;
pub mod content;
pub mod error;
pub mod fs;
pub mod markdown;
pub mod output;
pub mod permalink;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod site;
pub mod slug;
pub mod taxonomy;
pub mod theme;
pub mod yaml;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use error::{Error, Location, Position, Result};

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
}

impl BuildOptions {
    /// Options for building the site at `root` with defaults.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions { root: root.into(), output: None, base_url: None, drafts: false, future: false, now: None }
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
}

/// Loads, assembles and renders the site without writing anything.
pub fn render_site(opts: &BuildOptions) -> Result<RenderedSite> {
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
    let (renderer, content) = match (renderer, content) {
        (Ok(r), Ok(c)) => (r, c),
        (r, c) => {
            let errors = [r.err(), c.err()].into_iter().flatten().collect();
            return Err(Error::collect(errors).err().unwrap_or(Error::Many(Vec::new())));
        }
    };
    let site = site::Site::assemble(config, content)?;
    let mut files = renderer.render_site(&site)?;
    files.extend(output::static_files(root, &theme)?);
    files.extend(site.assets.iter().map(|a| output::OutputFile {
        path: a.path.clone(),
        contents: output::Contents::Copy(a.source.clone()),
        origin: output::Origin::Source(a.source.strip_prefix(root).unwrap_or(&a.source).to_path_buf()),
    }));
    output::check_collisions(&files)?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(RenderedSite { site, files })
}

/// Builds the site into its output folder. Nothing is written unless the whole build succeeds.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    let started = Instant::now();
    let output_dir = opts.output_dir();
    output::check_output_dir(&opts.root, &output_dir)?;
    let rendered = render_site(opts)?;
    let files_written = output::write(&rendered.files, &output_dir)?;
    let site = &rendered.site;
    Ok(BuildReport {
        articles: site.articles.len(),
        pages: site.pages.len(),
        categories: site.categories.nodes.len(),
        tags: site.tags.len(),
        authors: site.authors.len(),
        files_written,
        drafts_skipped: site.drafts_skipped,
        next_scheduled: site.scheduled.first().copied(),
        elapsed: started.elapsed(),
    })
}

/// Whether `path` looks like a pamphlet site root.
pub fn is_site_root(path: &Path) -> bool {
    path.join(config::CONFIG_FILE).is_file()
}
