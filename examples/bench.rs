//! Build speed in one process: a first build into a new output folder, then rebuilds over it.
//! (`scripts/bench.sh` is the whole-process comparison with Hugo and Zola; this is the quick
//! loop for working on pamphlet itself.)
//!
//! ```sh
//! cargo run --release --example bench -- --articles 10000            # generated corpus
//! cargo run --release --example bench -- --articles 1000 --no-search --runs 9
//! cargo run --release --example bench -- path/to/site another/site   # existing sites
//! ```
//!
//! Corpora come from the repository's generator (`tests/support/corpus.rs`, the one
//! `examples/corpus.rs` runs, seed 1) and are kept in the system's temporary folder between runs.
//! Sites are built as they are (a site's own `search:` setting holds) unless `--no-search`
//! is given, which builds a copy of `site.yaml` with `search: false` beside the same content.
//! Prints the first build's time, the rebuilds' median, minimum and maximum, and the peak
//! memory of this process so far (Linux).

#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/support/corpus.rs"]
mod corpus;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use pamphlet::BuildOptions;

/// The allocator the `pamphlet` binary uses, with its settings (see src/main.rs and
/// src/allocator.rs), so this measures what users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Args {
    runs: usize,
    no_search: bool,
    articles: Vec<usize>,
    sites: Vec<PathBuf>,
}

fn main() {
    pamphlet::allocator::tune();
    let args = parse_args();
    let mut sites = args.sites.clone();
    sites.extend(args.articles.iter().map(|&n| generated_corpus(n)));
    if sites.is_empty() {
        eprintln!("usage: bench [--runs N] [--no-search] [--articles N]... [SITE]...");
        std::process::exit(2);
    }
    for site in sites {
        let site = if args.no_search { without_search(&site) } else { site };
        bench_site(&site, args.runs);
    }
}

fn parse_args() -> Args {
    let mut args = Args { runs: 5, no_search: false, articles: Vec::new(), sites: Vec::new() };
    let mut raw = std::env::args().skip(1);
    while let Some(arg) = raw.next() {
        let mut number = |flag: &str| -> usize {
            raw.next().and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{flag} needs a number"))
        };
        match arg.as_str() {
            "--runs" => args.runs = number("--runs").max(1),
            "--articles" => args.articles.push(number("--articles")),
            "--no-search" => args.no_search = true,
            _ => args.sites.push(PathBuf::from(arg)),
        }
    }
    args
}

/// A site of `articles` generated articles, made once and kept in the temporary folder.
fn generated_corpus(articles: usize) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pamphlet-bench-corpus-{articles}"));
    if !dir.join("site.yaml").is_file() {
        eprintln!("generating {articles} articles into {}", dir.display());
        let opts = corpus::Options { articles, seed: 1, format: corpus::Format::Pamphlet };
        corpus::write(&opts, &dir).unwrap_or_else(|e| panic!("failed to write the corpus into {}: {e}", dir.display()));
    }
    dir
}

/// A site beside `site` that shares its content and static files but has `search: false`.
fn without_search(site: &Path) -> PathBuf {
    let copy = std::env::temp_dir().join(format!(
        "pamphlet-bench-nosearch-{}",
        site.canonicalize().unwrap().to_string_lossy().replace(['/', '\\', ':'], "_")
    ));
    std::fs::create_dir_all(&copy).unwrap();
    let yaml = std::fs::read_to_string(site.join("site.yaml")).unwrap();
    let yaml: String = yaml.lines().filter(|l| !l.starts_with("search:")).map(|l| format!("{l}\n")).collect();
    std::fs::write(copy.join("site.yaml"), format!("{yaml}search: false\n")).unwrap();
    for folder in ["content", "static", "themes"] {
        let (from, to) = (site.canonicalize().unwrap().join(folder), copy.join(folder));
        if from.is_dir() && !to.exists() {
            link_folder(&from, &to);
        }
    }
    copy
}

#[cfg(unix)]
fn link_folder(from: &Path, to: &Path) {
    std::os::unix::fs::symlink(from, to).unwrap();
}

#[cfg(not(unix))]
fn link_folder(from: &Path, _to: &Path) {
    panic!("--no-search needs symbolic links to share {}", from.display());
}

fn bench_site(site: &Path, runs: usize) {
    let scratch = tempfile::tempdir().expect("scratch folder");
    let mut opts = BuildOptions::new(site);
    opts.output = Some(scratch.path().join("public"));
    let build = || {
        let started = Instant::now();
        let report = pamphlet::build(&opts).unwrap_or_else(|e| panic!("{}: the build failed:\n{e}", site.display()));
        (started.elapsed(), report)
    };
    let (first, report) = build();
    println!(
        "{}: {} articles, {} pages, {} files",
        site.display(),
        report.articles,
        report.pages,
        report.files_written
    );
    println!("  first build (new output folder): {}", seconds(first));
    let mut rebuilds: Vec<Duration> = (0..runs).map(|_| build().0).collect();
    rebuilds.sort();
    println!(
        "  rebuild: median {} (min {}, max {}, {runs} runs)",
        seconds(rebuilds[rebuilds.len() / 2]),
        seconds(rebuilds[0]),
        seconds(rebuilds[rebuilds.len() - 1])
    );
    if let Some(peak) = peak_memory() {
        println!("  peak memory of this process so far: {peak}");
    }
}

fn seconds(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// `VmHWM` from /proc/self/status (Linux only).
fn peak_memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: u64 =
        status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(format!("{} MB", kb / 1024))
}
