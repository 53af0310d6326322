//! The `pamphlet` command: parses arguments, calls the library, prints results and errors, and
//! picks the exit status (0 success, 1 content/template errors, 2 usage/configuration, 3 I/O).

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use pamphlet::cli::{Cli, Command, Format};
use pamphlet::diagnostics::Diagnostic;

/// mimalloc instead of the system allocator: a build makes millions of small allocations from
/// both cores (Tera values, Pagefind's word lists), and glibc's malloc spent about a sixth of
/// a 10,000-article build with search in `_int_malloc`, `_int_free` and `malloc_consolidate`.
/// Chosen by the program, not the library, so that the library's users (the fuzz targets under
/// AddressSanitizer, the tests) keep the system allocator; `examples/bench.rs`, which measures
/// the library, declares the same.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How many problems to print before summarising the rest.
const MAX_PRINTED_ERRORS: usize = 100;
/// How many warnings of one kind to print before summarising the rest.
const MAX_WARNINGS_PER_KIND: usize = 10;

fn main() -> ExitCode {
    pamphlet::allocator::tune();
    let cli = Cli::parse();
    let (format, root) = match &cli.command {
        Command::Build { site, .. } | Command::Check { site, .. } => (site.format, site.root.clone()),
        Command::Serve { root, .. } => (Format::Human, root.clone()),
        Command::New { root, .. } => (Format::Human, root.clone().unwrap_or_default()),
        Command::Init { dir } => (Format::Human, dir.clone()),
        Command::Import { source } => (Format::Human, source.options().into),
        Command::Redirects { root, .. } => (Format::Human, root.clone()),
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
        Command::Build { site, output, print_next_publish } => {
            let (opts, format) = (site.build_options(output), site.format);
            let report = pamphlet::build(&opts)?;
            print_warnings(&report.warnings, format, &opts.root);
            if format == Format::Human {
                println!("{report}");
            }
            if print_next_publish {
                match report.next_scheduled {
                    Some(t) => println!("{}", t.strftime("%Y-%m-%dT%H:%M:%SZ")),
                    None => println!("none"),
                }
            }
        }
        Command::Check { site, external } => {
            let (build, format, root, strict) = (site.build_options(None), site.format, site.root, site.strict);
            let report = pamphlet::check::check(&pamphlet::check::CheckOptions { build, external })?;
            print_warnings(&report.warnings, format, &root);
            for e in &report.errors {
                for d in Diagnostic::from_error(e) {
                    print_diagnostic(&d, format, &root);
                }
            }
            if format == Format::Human {
                println!("{report}");
            }
            if !report.errors.is_empty() || (strict && !report.warnings.is_empty()) {
                return Ok(ExitCode::from(1));
            }
        }
        Command::Serve { root, port, bind, drafts, future, open, cache_dir } => {
            let mut opts = pamphlet::serve::ServeOptions::new(root.clone());
            opts.build.cache_dir = pamphlet::cli::cache_dir(cache_dir);
            opts.build.drafts = drafts;
            opts.build.future = future;
            (opts.port, opts.bind, opts.open) = (port, bind, open);
            let on_event = move |event: &pamphlet::serve::ServeEvent| print_serve_event(event, &root);
            pamphlet::serve::serve(opts, std::sync::Arc::new(on_event))?;
            println!("stopped");
        }
        Command::Redirects { format, root, out, base_url } => {
            let mut opts = pamphlet::BuildOptions::new(root);
            opts.base_url = base_url;
            let report = pamphlet::server_redirects(&opts, format.format(), out.as_deref())?;
            match &out {
                Some(dir) => {
                    let names: Vec<&str> = report.files.iter().map(|(name, _)| *name).collect();
                    eprintln!(
                        "{} old addresses ({} placeholder rules): wrote {} in {}",
                        report.aliases,
                        report.patterns,
                        names.join(" and "),
                        dir.display()
                    );
                }
                None => report.files.iter().for_each(|(_, text)| print!("{text}")),
            }
            if report.dropped > 0 {
                eprintln!(
                    "warning: {} old addresses left out: over Cloudflare Pages' limits ({} static, {} placeholder rules)",
                    report.dropped,
                    pamphlet::redirects::CLOUDFLARE_MAX_STATIC,
                    pamphlet::redirects::CLOUDFLARE_MAX_DYNAMIC
                );
            }
        }
        Command::Import { source } => {
            let report = pamphlet::import::import_wordpress(&source.options())?;
            println!("{report}");
            if !report.dry_run {
                println!("Next: read the warnings above, then `pamphlet build --root {}`.", report.into.display());
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
        Command::New { title, category, author, lang, root } => {
            let root = root.or_else(|| pamphlet::scaffold::find_site_root(Path::new("."))).unwrap_or_default();
            let new = pamphlet::scaffold::NewArticle {
                title: &title,
                category: category.as_deref(),
                author: author.as_deref(),
                lang: lang.as_deref(),
            };
            let report = pamphlet::scaffold::new_article(&root, &new, jiff::Timestamp::now())?;
            println!("{}", root.join(&report.path).display());
            if let Some(category) = &report.default_category {
                eprintln!(
                    "note: filed under `{category}`, the first category in site.yaml; pass --category to choose another"
                );
            }
            if let Some(lang) = report.guessed_lang {
                eprintln!("note: wrote `lang: {lang}` from the title's script; pass --lang to choose another language");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints warnings. For people, at most `MAX_WARNINGS_PER_KIND` of each kind are shown (an
/// imported archive can have thousands of images without alt text), then a count per kind;
/// machine formats get every one.
fn print_warnings(warnings: &[pamphlet::Warning], format: Format, root: &Path) {
    let mut shown: BTreeMap<&str, usize> = BTreeMap::new();
    for w in warnings {
        let count = shown.entry(w.code).or_default();
        *count += 1;
        if format != Format::Human || *count <= MAX_WARNINGS_PER_KIND {
            print_diagnostic(&Diagnostic::from_warning(w), format, root);
        }
    }
    if format == Format::Human {
        for (code, count) in shown.into_iter().filter(|(_, n)| *n > MAX_WARNINGS_PER_KIND) {
            eprintln!(
                "warning: … and {} more `{code}` warnings (--format json lists them all)",
                count - MAX_WARNINGS_PER_KIND
            );
        }
    }
}

/// Human-readable text goes to stderr; machine formats go to stdout, one line each.
fn print_diagnostic(d: &Diagnostic, format: Format, root: &Path) {
    match format {
        Format::Human => eprintln!("{}", d.to_human(root)),
        Format::Json => println!("{}", d.to_json()),
        Format::Github => println!("{}", d.to_github()),
    }
}

/// Prints what the preview server reports.
fn print_serve_event(event: &pamphlet::serve::ServeEvent, root: &Path) {
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
        ServeEvent::ImagesProcessed { processed } if *processed > 0 => {
            println!("images: {processed} processed in the background");
        }
        ServeEvent::ImagesProcessed { .. } => {}
        ServeEvent::SearchIndexed { files, elapsed } => {
            println!("search: index updated in the background in {elapsed:.0?} ({files} files)");
        }
        ServeEvent::Failed { cause, error } => {
            eprintln!("{cause}: the build failed; still serving the last good version");
            report(error, Format::Human, root);
        }
    }
}

/// Prints every problem (human: with snippets, up to a limit, then a count; json: all of them).
fn report(e: &pamphlet::Error, format: Format, root: &Path) {
    let diagnostics = Diagnostic::from_error(e);
    if format != Format::Human {
        for d in &diagnostics {
            print_diagnostic(d, format, root);
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
