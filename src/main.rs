//! The `pamphlet` command: parses arguments, calls the library, prints results and errors, and
//! picks the exit status (0 success, 1 content/template errors, 2 usage/configuration, 3 I/O).

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use pamphlet::diagnostics::Diagnostic;

/// How many problems to print before summarising the rest.
const MAX_PRINTED_ERRORS: usize = 100;

#[derive(Debug, Parser)]
#[command(name = "pamphlet", version, about = "A fast static site generator for advocacy publications")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Readable messages with a snippet of the source.
    Human,
    /// JSON lines: file, line, column, severity, code, message.
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Render the site into the output folder (public/ by default).
    Build {
        /// The site root, holding site.yaml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site (default: ROOT/public).
        #[arg(long)]
        output: Option<PathBuf>,
        /// Publish under this URL instead of site.yaml's base_url (e.g. a preview under a path).
        #[arg(long)]
        base_url: Option<String>,
        /// Include articles marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Include articles dated in the future.
        #[arg(long)]
        future: bool,
        /// Fail on warnings too (missing alt text, empty tag lists, very long slugs…).
        #[arg(long)]
        strict: bool,
        /// How to print problems: `human` (with source snippets) or `json` (one object per line).
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Build in memory (writing nothing) and report broken links and anchors, links to drafts,
    /// missing images, missing alt text, duplicate titles, uncategorised articles, empty
    /// categories and orphaned static files. Exits 1 when there are errors.
    Check {
        /// The site root, holding site.yaml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Check as if published under this URL.
        #[arg(long)]
        base_url: Option<String>,
        /// Include drafts.
        #[arg(long)]
        drafts: bool,
        /// Include articles dated in the future.
        #[arg(long)]
        future: bool,
        /// Also request every external link (needs network; off by default for CI).
        #[arg(long)]
        external: bool,
        /// Fail on warnings too.
        #[arg(long)]
        strict: bool,
        /// How to print problems: `human` or `json`.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Create a new site with two sample articles, an About page and the default theme.
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
        /// Author id from site.yaml (or a display name).
        #[arg(long)]
        author: Option<String>,
        /// The site root, holding site.yaml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (format, root) = match &cli.command {
        Command::Build { format, root, .. } | Command::Check { format, root, .. } => (*format, root.clone()),
        Command::New { root, .. } => (Format::Human, root.clone()),
        Command::Init { dir } => (Format::Human, dir.clone()),
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            report(&e, format, &root);
            ExitCode::from(e.exit_code())
        }
    }
}

fn run(cli: Cli) -> pamphlet::Result<ExitCode> {
    match cli.command {
        Command::Build { root, output, base_url, drafts, future, strict, format } => {
            let opts = pamphlet::BuildOptions { root, output, base_url, drafts, future, now: None, strict };
            let report = pamphlet::build(&opts)?;
            print_warnings(&report.warnings, format, &opts.root);
            match format {
                Format::Human => println!("{report}"),
                Format::Json => {}
            }
        }
        Command::Check { root, base_url, drafts, future, external, strict, format } => {
            let build = pamphlet::BuildOptions {
                root: root.clone(),
                output: None,
                base_url,
                drafts,
                future,
                now: None,
                strict,
            };
            let report = pamphlet::check::check(&pamphlet::check::CheckOptions { build, external })?;
            print_warnings(&report.warnings, format, &root);
            for e in &report.errors {
                for d in Diagnostic::from_error(e) {
                    match format {
                        Format::Human => eprintln!("{}", d.to_human(&root)),
                        Format::Json => println!("{}", d.to_json()),
                    }
                }
            }
            if format == Format::Human {
                println!("{report}");
            }
            if !report.errors.is_empty() || (strict && !report.warnings.is_empty()) {
                return Ok(ExitCode::from(1));
            }
        }
        Command::Init { dir } => {
            let today = jiff::ZonedDateTime::now().date();
            let files = pamphlet::scaffold::init(&dir, today)?;
            println!(
                "created a new site in {} ({} files); build it with: pamphlet build --root {}",
                dir.display(),
                files.len(),
                dir.display()
            );
        }
        Command::New { title, category, author, root } => {
            let path = pamphlet::scaffold::new_article(
                &root,
                &title,
                category.as_deref(),
                author.as_deref(),
                jiff::Timestamp::now(),
            )?;
            println!("{}", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_warnings(warnings: &[pamphlet::Warning], format: Format, root: &Path) {
    for w in warnings {
        let d = Diagnostic::from_warning(w);
        match format {
            Format::Human => eprintln!("{}", d.to_human(root)),
            Format::Json => println!("{}", d.to_json()),
        }
    }
}

/// Prints every problem (human: with snippets, up to a limit, then a count; json: all of them).
fn report(e: &pamphlet::Error, format: Format, root: &Path) {
    let diagnostics = Diagnostic::from_error(e);
    if format == Format::Json {
        for d in &diagnostics {
            println!("{}", d.to_json());
        }
        return;
    }
    for d in diagnostics.iter().take(MAX_PRINTED_ERRORS) {
        eprintln!("{}", d.to_human(root));
    }
    if diagnostics.len() > MAX_PRINTED_ERRORS {
        eprintln!("… and {} more", diagnostics.len() - MAX_PRINTED_ERRORS);
    }
    if diagnostics.len() > 1 {
        eprintln!("{} errors; nothing was written", diagnostics.len());
    }
}
