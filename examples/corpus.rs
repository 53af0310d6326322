//! Writes the deterministic newsroom corpus used by `tests/it/corpus.rs`, `examples/bench.rs` and
//! `scripts/bench.sh` (issue 16): the same `--articles` and `--seed` always give the same files.
//!
//! ```sh
//! cargo run --release --example corpus -- --articles 10000 --out corpus-10k
//! cargo run --release --example corpus -- --articles 10000 --out corpus-hugo --format hugo --seed 1
//! ```
//!
//! `--format` is `pamphlet` (the default: `site.yaml`, `content/`, `static/`), `hugo` or `zola`
//! (each tool's configuration, content layout, front matter and minimal templates, with
//! categories, tags and authors as taxonomies). `--seed` defaults to 1.

#![allow(clippy::print_stdout, clippy::print_stderr, clippy::expect_used)]

#[path = "../tests/support/corpus.rs"]
mod corpus;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: corpus --articles N --out DIR [--format pamphlet|hugo|zola] [--seed N]";

fn main() -> ExitCode {
    match parse_args(std::env::args().skip(1)) {
        Ok((opts, out)) => match corpus::write(&opts, &out) {
            Ok(summary) => {
                println!(
                    "wrote {} articles to {} ({} drafts, {} scheduled, {} in Urdu, {} tags)",
                    summary.articles,
                    out.display(),
                    summary.drafts,
                    summary.scheduled,
                    summary.urdu,
                    summary.tags
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: failed to write the corpus into `{}`: {e}", out.display());
                ExitCode::FAILURE
            }
        },
        Err(message) => {
            eprintln!("error: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn parse_args(mut raw: impl Iterator<Item = String>) -> Result<(corpus::Options, PathBuf), String> {
    let mut opts = corpus::Options { articles: 0, seed: 1, format: corpus::Format::Pamphlet };
    let (mut articles, mut out) = (None, None);
    while let Some(arg) = raw.next() {
        let mut value = || raw.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--articles" => {
                articles = Some(value()?.parse().map_err(|_| "--articles needs a whole number".to_string())?)
            }
            "--seed" => opts.seed = value()?.parse().map_err(|_| "--seed needs a whole number".to_string())?,
            "--out" => out = Some(PathBuf::from(value()?)),
            "--format" => {
                let name = value()?;
                opts.format = corpus::Format::parse(&name)
                    .ok_or_else(|| format!("unknown format `{name}`: write pamphlet, hugo or zola"))?;
            }
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    opts.articles = articles.ok_or("--articles is required")?;
    let out = out.ok_or("--out is required")?;
    Ok((opts, out))
}
