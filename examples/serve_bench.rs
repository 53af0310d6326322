//! Save-to-reload latency of `pamphlet serve` (a benchmark, not a test).
//!
//! ```sh
//! cargo run --release --example corpus -- --articles 10000 --out /tmp/corpus10k
//! cargo run --release --example serve_bench -- . /tmp/corpus10k
//! ```
//!
//! For each site (copied to a temporary folder first, so nothing of yours is edited), it starts
//! the server on a free port, opens the live-reload stream like a browser, and measures the
//! time from writing a file to receiving the reload message, for: an article's first paragraph
//! (which changes its card on list pages too), a later paragraph (only its page), its title
//! (which runs the whole cached pipeline), and an `article.html` template override. It prints the median, minimum and maximum of several runs.
//!
//! The saves start as soon as the site is served, so the first ones are made while the search
//! index is built in the background (on a large site, all of them are): the benchmark then
//! prints when that first index was ready and how many of the timed saves came before it, so
//! the figures show whether indexing delays a reload.

#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pamphlet::serve::{ServeEvent, ServeOptions};

const RUNS: usize = 9;

fn main() {
    let sites: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let sites = if sites.is_empty() { vec![PathBuf::from(".")] } else { sites };
    for site in sites {
        bench_site(&site);
    }
}

fn bench_site(original: &Path) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_site(original, &root);
    let article = pick_article(&root);
    // A template override present from the start, so editing it is a template change.
    let template = root.join("templates/article.html");
    if !template.exists() {
        let builtin = pamphlet::theme::BUILTIN_TEMPLATES.iter().find(|(n, _)| *n == "article.html").unwrap().1;
        std::fs::create_dir_all(template.parent().unwrap()).unwrap();
        std::fs::write(&template, builtin).unwrap();
    }

    let mut opts = ServeOptions::new(&root);
    opts.port = 0;
    let log: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = log.clone();
    let (indexed, first_index) = channel();
    let started = Instant::now();
    let server = pamphlet::serve::start(
        opts,
        Arc::new(move |e: &ServeEvent| {
            if let ServeEvent::Rebuilt { cause, rendered, parsed, full, elapsed, changed, phases } = e {
                let steps: Vec<String> = phases.iter().map(|(name, t)| format!("{name} {t:.1?}")).collect();
                sink.lock().unwrap().push(format!(
                    "{cause}: {elapsed:.1?} in the rebuilder ({parsed} parsed, {rendered} rendered, {} changed, full: {full})\n      steps: {}",
                    changed.len(),
                    steps.join(", ")
                ));
            }
            if let ServeEvent::Failed { error, .. } = e {
                eprintln!("build failed: {error}");
            }
            if let ServeEvent::SearchIndexed { files, elapsed } = e {
                // Only the first is waited for; later sends fail once the receiver is gone.
                let _ = indexed.send((Instant::now(), *files, *elapsed));
            }
        }),
    )
    .unwrap();
    println!("\n{} — first build and serve: {:.2?}", original.display(), started.elapsed());
    println!("  edited article: {}", article.strip_prefix(&root).unwrap().display());
    let mut events = Events::connect(server.addr());
    let mut saves = Vec::new();

    let text = std::fs::read_to_string(&article).unwrap();
    let (front, body) = split_front_matter(&text);
    let first = measure(&mut events, &mut saves, RUNS, |i| {
        std::fs::write(&article, format!("{front}Rewritten opening paragraph, run {i}.\n\n{body}")).unwrap();
    });
    report("save article (first paragraph)", &first, &log);
    let later = measure(&mut events, &mut saves, RUNS, |i| {
        std::fs::write(&article, format!("{front}{body}\n\nA closing paragraph, run {i}.\n")).unwrap();
    });
    report("save article (later paragraph)", &later, &log);
    // A new title can move the article among its date's peers: the whole (cached) pipeline.
    let title_line = front.lines().find(|l| l.starts_with("title:")).expect("a title").to_string();
    let retitled = measure(&mut events, &mut saves, 5, |i| {
        let title = format!("title: \"Retitled, run {i}\"");
        std::fs::write(&article, format!("{}{body}", front.replacen(&title_line, &title, 1))).unwrap();
    });
    report("save article (new title)", &retitled, &log);
    let base = std::fs::read_to_string(&template).unwrap();
    // Inside the last block: a child template allows nothing outside its blocks.
    let at = base.rfind("{% endblock").expect("article.html has a block");
    let tpl = measure(&mut events, &mut saves, 3, |i| {
        std::fs::write(&template, format!("{}<!-- edit {i} -->{}", &base[..at], &base[at..])).unwrap();
    });
    report("save article.html template", &tpl, &log);
    let search = pamphlet::config::Config::load(&root, None).unwrap().search;
    if search {
        report_first_index(&first_index, started, &saves);
    }
    drop(server);
}

/// Prints when the server's first search index was ready (waiting for it if need be), and how
/// many of the timed `saves` were made before then, while it was being built.
fn report_first_index(first_index: &Receiver<(Instant, usize, Duration)>, started: Instant, saves: &[Instant]) {
    match first_index.recv_timeout(Duration::from_secs(1800)) {
        Ok((ready, files, elapsed)) => println!(
            "  first search index: served {:.1?} after starting ({files} files, indexed in {elapsed:.1?}); {} of the {} timed saves were made before it",
            ready - started,
            saves.iter().filter(|&&save| save < ready).count(),
            saves.len()
        ),
        Err(_) => println!("  first search index: not ready within 30 minutes"),
    }
}

/// Times `runs` edits from the write to the reload message, and notes when each save was made.
fn measure(events: &mut Events, saves: &mut Vec<Instant>, runs: usize, mut edit: impl FnMut(usize)) -> Vec<Duration> {
    (0..runs)
        .map(|i| {
            let t = Instant::now();
            saves.push(t);
            edit(i);
            events.wait_for("reload");
            t.elapsed()
        })
        .collect()
}

fn report(what: &str, times: &[Duration], log: &Mutex<Vec<String>>) {
    let mut sorted = times.to_vec();
    sorted.sort();
    println!(
        "  {what}: median {:.1?} (min {:.1?}, max {:.1?}, {} runs)",
        sorted[sorted.len() / 2],
        sorted[0],
        sorted[sorted.len() - 1],
        sorted.len()
    );
    if let Some(last) = log.lock().unwrap().last() {
        println!("    last rebuild: {last}");
    }
}

/// The middle article by path: not among the newest, like most edits to an archive.
fn pick_article(root: &Path) -> PathBuf {
    let mut articles: Vec<PathBuf> = walk(&root.join("content"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.starts_with(root.join("content/pages")))
        .filter(|p| !std::fs::read_to_string(p).unwrap().contains("\ndraft: true"))
        .collect();
    articles.sort();
    articles[articles.len() / 2].clone()
}

fn split_front_matter(text: &str) -> (String, String) {
    let end = text[3..].find("\n---\n").map(|i| i + 3 + 5).expect("front matter");
    (text[..end].to_string(), text[end..].to_string())
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Copies what a site is made of (not public/, target/ or .git/).
fn copy_site(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for name in ["site.yaml", "content", "static", "templates", "themes"] {
        let src = from.join(name);
        if src.is_file() {
            std::fs::copy(&src, to.join(name)).unwrap();
        } else if src.is_dir() {
            for file in walk(&src) {
                let target = to.join(file.strip_prefix(from).unwrap());
                std::fs::create_dir_all(target.parent().unwrap()).unwrap();
                std::fs::copy(&file, target).unwrap();
            }
        }
    }
}

/// A live-reload connection, read like a browser's EventSource.
struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    fn connect(addr: SocketAddr) -> Events {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
        write!(stream, "GET /__pamphlet/events HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        while line.trim_end() != ": connected" {
            line.clear();
            reader.read_line(&mut line).unwrap();
        }
        Events { reader }
    }

    fn wait_for(&mut self, name: &str) {
        let wanted = format!("event: {name}");
        let mut line = String::new();
        loop {
            line.clear();
            assert!(self.reader.read_line(&mut line).unwrap() > 0, "stream closed");
            if line.trim_end() == wanted {
                return;
            }
            assert!(!line.starts_with("event: failed"), "the build failed: {line}");
        }
    }
}
