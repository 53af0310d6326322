//! The command-line interface (clap). It lives in the library so that tests can check that
//! command lines in documentation and CI recipes parse; `main.rs` only calls it.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// `pamphlet [COMMAND] [OPTIONS]`.
#[derive(Debug, Parser)]
#[command(name = "pamphlet", version, about = "A fast static site generator for advocacy publications")]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// How problems are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Readable messages with a snippet of the source.
    Human,
    /// JSON lines: file, line, column, severity, code, message.
    Json,
    /// GitHub Actions workflow commands (`::error file=…,line=…,col=…::message`), which show
    /// up as annotations on the offending lines of a pull request.
    Github,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render the site into the output folder (public/ by default).
    Build {
        /// Site, URL, drafts, strictness and output format (see [`SiteOptions`]).
        #[command(flatten)]
        site: SiteOptions,
        /// Where to write the site (default: ROOT/public).
        #[arg(long)]
        output: Option<PathBuf>,
        /// After building, print when the next held-back (future-dated) article is due, as an
        /// RFC 3339 time in UTC, or `none` (for scheduling the next rebuild).
        #[arg(long)]
        print_next_publish: bool,
    },
    /// Preview the site at http://127.0.0.1:1111/, rebuilding and reloading as you edit.
    Serve {
        /// The site root, holding site.yaml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The port to listen on.
        #[arg(long, default_value_t = crate::serve::DEFAULT_PORT)]
        port: u16,
        /// The address to listen on. Anything but 127.0.0.1 (or ::1) exposes the preview.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Show drafts (the default when serving); `--drafts=false` hides them.
        #[arg(long, default_value_t = true, num_args = 0..=1, default_missing_value = "true", action = clap::ArgAction::Set)]
        drafts: bool,
        /// Include articles dated in the future.
        #[arg(long)]
        future: bool,
        /// Open the site in your browser.
        #[arg(long)]
        open: bool,
        /// Where processed images are kept between runs (default: ROOT/.pamphlet-cache, or
        /// PAMPHLET_CACHE_DIR).
        #[arg(long)]
        cache_dir: Option<PathBuf>,
    },
    /// Build in memory (writing nothing) and report broken links and anchors, links to drafts,
    /// missing images, missing alt text, duplicate titles, uncategorised articles, empty
    /// categories and orphaned static files. Exits 1 when there are errors.
    Check {
        /// Site, URL, drafts, strictness and output format (see [`SiteOptions`]).
        #[command(flatten)]
        site: SiteOptions,
        /// Also request every external link (needs network; off by default for CI).
        #[arg(long)]
        external: bool,
    },
    /// Create a new site with three sample articles, an About page and the default theme.
    Init {
        /// The folder to create the site in.
        dir: PathBuf,
    },
    /// Start a new article dated today, in content/YYYY/MM/<slug>.md.
    New {
        /// The article's title.
        title: String,
        /// Category path, like "DRM Exclusive/News".
        #[arg(long)]
        category: Option<String>,
        /// Author id from site.yaml (or a display name, on a site that declares no authors).
        #[arg(long)]
        author: Option<String>,
        /// The article's language (`ur`), when it is not the site's; guessed from a title in
        /// a right-to-left script (Urdu, Arabic, Persian, Pashto, Sindhi) when not given.
        #[arg(long)]
        lang: Option<String>,
        /// The site root, holding site.yaml (default: the nearest folder at or above the
        /// current one that holds one).
        #[arg(long)]
        root: Option<PathBuf>,
    },
    /// Print the site's old addresses (aliases) as redirect rules for a web server or host:
    /// for nginx, the `map`s for the http block and the `if` for the server block.
    Redirects {
        /// The server or host whose syntax to write.
        #[arg(long, value_enum)]
        format: RedirectFormat,
        /// The site root, holding site.yaml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Write the rules into this folder (nginx: redirects.map.conf and
        /// redirects.server.conf; Netlify, Cloudflare: _redirects; Caddy: redirects.caddy;
        /// Apache: redirects.apache.conf) instead of printing them.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Publish under this URL instead of site.yaml's base_url.
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Import posts, pages, categories and authors from another system.
    Import {
        /// Where the content comes from.
        #[command(subcommand)]
        source: ImportSource,
    },
}

/// The syntaxes `pamphlet redirects` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RedirectFormat {
    /// nginx `map` and `return 301`.
    Nginx,
    /// Caddy `redir`.
    Caddy,
    /// Apache `RewriteRule`.
    Apache,
    /// Netlify's `_redirects`.
    Netlify,
    /// Cloudflare Pages' `_redirects`.
    Cloudflare,
}

impl RedirectFormat {
    /// The library's name for it.
    pub fn format(self) -> crate::redirects::Format {
        match self {
            RedirectFormat::Nginx => crate::redirects::Format::Nginx,
            RedirectFormat::Caddy => crate::redirects::Format::Caddy,
            RedirectFormat::Apache => crate::redirects::Format::Apache,
            RedirectFormat::Netlify => crate::redirects::Format::Netlify,
            RedirectFormat::Cloudflare => crate::redirects::Format::Cloudflare,
        }
    }
}

/// The systems `pamphlet import` reads.
#[derive(Debug, Subcommand)]
pub enum ImportSource {
    /// A WordPress export (WXR, from Tools → Export → All content).
    Wordpress {
        /// The export file (an .xml file).
        export: PathBuf,
        /// The site root to write into (created if missing).
        #[arg(long, default_value = ".")]
        into: PathBuf,
        /// A copy of the old site's wp-content/uploads folder: the files posts use are copied
        /// to static/uploads/.
        #[arg(long)]
        uploads: Option<PathBuf>,
        /// Print the report and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Import into a site that already has content (existing files are never replaced).
        #[arg(long)]
        force: bool,
        /// Write approved comments to data/comments/ beside each post's path (names, dates and
        /// text; no e-mail or IP addresses); the theme shows them read-only.
        #[arg(long)]
        comments: bool,
    },
}

impl ImportSource {
    /// The library's options for these flags.
    pub fn options(&self) -> crate::import::ImportOptions {
        match self {
            ImportSource::Wordpress { export, into, uploads, dry_run, force, comments } => {
                crate::import::ImportOptions {
                    export: export.clone(),
                    into: into.clone(),
                    uploads: uploads.clone(),
                    dry_run: *dry_run,
                    force: *force,
                    comments: *comments,
                }
            }
        }
    }
}

/// The options `build` and `check` share: which site, as published where, with what, and how
/// problems are reported.
#[derive(Debug, Clone, clap::Args)]
pub struct SiteOptions {
    /// The site root, holding site.yaml.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Publish under this URL instead of site.yaml's base_url (e.g. a preview under a path).
    #[arg(long)]
    pub base_url: Option<String>,
    /// Include articles marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Include articles dated in the future.
    #[arg(long)]
    pub future: bool,
    /// Where the site is published, instead of site.yaml's `hosting:` (netlify, cloudflare,
    /// github-pages, s3, nginx, caddy, apache or generic): decides how old addresses answer.
    #[arg(long)]
    pub hosting: Option<String>,
    /// Fail on warnings too (missing alt text, empty tag lists, very long slugs…).
    #[arg(long)]
    pub strict: bool,
    /// How to print problems: `human` (with source snippets), `json` (one object per line) or `github` (annotations).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Where processed images are kept between builds (default: ROOT/.pamphlet-cache, or
    /// PAMPHLET_CACHE_DIR).
    #[arg(long)]
    pub cache_dir: Option<PathBuf>,
}

impl SiteOptions {
    /// The library's build options for these flags, writing to `output` (None: ROOT/public).
    pub fn build_options(&self, output: Option<PathBuf>) -> crate::BuildOptions {
        crate::BuildOptions {
            root: self.root.clone(),
            output,
            base_url: self.base_url.clone(),
            drafts: self.drafts,
            future: self.future,
            now: None,
            strict: self.strict,
            hosting: self.hosting.clone(),
            cache_dir: cache_dir(self.cache_dir.clone()),
        }
    }
}

/// `--cache-dir`, else the `PAMPHLET_CACHE_DIR` environment variable, else none (the
/// default folder in the site root).
pub fn cache_dir(flag: Option<PathBuf>) -> Option<PathBuf> {
    flag.or_else(|| std::env::var_os(CACHE_DIR_VARIABLE).filter(|v| !v.is_empty()).map(PathBuf::from))
}

/// The environment variable that moves the image cache (CI runners cache that folder).
pub const CACHE_DIR_VARIABLE: &str = "PAMPHLET_CACHE_DIR";
