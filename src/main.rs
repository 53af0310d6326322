//! The `pamphlet` command: parses arguments, calls the library, prints results and errors, and
//! picks the exit status (0 success, 1 content/template errors, 2 usage/configuration, 3 I/O).

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// How many problems to print before summarising the rest.
const MAX_PRINTED_ERRORS: usize = 100;

#[derive(Debug, Parser)]
#[command(name = "pamphlet", version, about = "A fast static site generator for advocacy publications")]
struct Cli {
    #[command(subcommand)]
    command: Command,
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
    },
    /// Preview the site at http://127.0.0.1:1111/, rebuilding and reloading as you edit.
    Serve {
        /// The site root, holding site.yaml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The port to listen on.
        #[arg(long, default_value_t = pamphlet::serve::DEFAULT_PORT)]
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
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report(&e);
            ExitCode::from(e.exit_code())
        }
    }
}

fn run(cli: Cli) -> pamphlet::Result<()> {
    match cli.command {
        Command::Build { root, output, base_url, drafts, future } => {
            let opts = pamphlet::BuildOptions { root, output, base_url, drafts, future, now: None };
            let report = pamphlet::build(&opts)?;
            println!("{report}");
        }
        Command::Serve { root, port, bind, drafts, future, open } => {
            let mut opts = pamphlet::serve::ServeOptions::new(root);
            opts.build.drafts = drafts;
            opts.build.future = future;
            (opts.port, opts.bind, opts.open) = (port, bind, open);
            pamphlet::serve::serve(opts, std::sync::Arc::new(print_serve_event))?;
            println!("stopped");
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
    Ok(())
}

/// Prints what the preview server reports.
fn print_serve_event(event: &pamphlet::serve::ServeEvent) {
    use pamphlet::serve::ServeEvent;
    match event {
        ServeEvent::Listening { url } => println!("serving {url} (Ctrl-C to stop)"),
        ServeEvent::Warning(message) => eprintln!("warning: {message}"),
        ServeEvent::Rebuilt { cause, changed, rendered, parsed, full, elapsed, .. } => {
            let how = if *full { "full render" } else { "incremental" };
            println!(
                "{cause}: rebuilt in {elapsed:.0?} ({how}: {parsed} files parsed, {rendered} outputs rendered, {} changed)",
                changed.len()
            );
        }
        ServeEvent::Failed { cause, error } => {
            eprintln!("{cause}: the build failed; still serving the last good version");
            report(error);
        }
    }
}

/// Prints every problem (each with its causes), then a count.
fn report(e: &pamphlet::Error) {
    let problems = e.problems();
    for p in problems.iter().take(MAX_PRINTED_ERRORS) {
        eprintln!("error: {p}");
        let mut source = std::error::Error::source(*p);
        while let Some(s) = source {
            eprintln!("  caused by: {s}");
            source = s.source();
        }
    }
    if problems.len() > MAX_PRINTED_ERRORS {
        eprintln!("… and {} more", problems.len() - MAX_PRINTED_ERRORS);
    }
    if problems.len() > 1 {
        eprintln!("{} errors; nothing was written", problems.len());
    }
}
