//! `pamphlet serve`: a local preview that rebuilds as authors type. It builds the site into
//! memory (never touching `public/`), serves it over HTTP, watches the sources, rebuilds only
//! what an edit touched, and tells open pages to reload through Server-Sent Events. A broken
//! build never stops it: the last good site stays served, under an error overlay.
//!
//! Threads: one accepts HTTP requests and answers each on its own thread (an event stream
//! holds its thread for as long as the page is open); one waits for file changes and rebuilds.
//! They share a [`state::ServeState`]. The library prints nothing: the caller gets
//! [`ServeEvent`]s and decides what to show.

pub mod content_cache;
pub mod http;
pub mod images;
pub mod overlay;
pub mod rebuild;
pub mod reload;
pub mod search;
pub mod select;
pub mod state;
pub mod watch;

use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::BuildOptions;
use crate::error::{Error, Location, Result};
use rebuild::Rebuilder;
use reload::Message;
use state::{Failure, ServeState};
use watch::{Change, Msg, SiteWatcher};

/// The port `pamphlet serve` listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 1111;
/// A rebuild that changes more pages than this tells every open page to reload, rather than
/// sending the list.
const MAX_LISTED_CHANGES: usize = 500;

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// What to build (its output folder is ignored: nothing is written).
    pub build: BuildOptions,
    /// The address to listen on; loopback unless the author asks otherwise.
    pub bind: IpAddr,
    /// The port; 0 picks a free one (see [`Server::addr`]).
    pub port: u16,
    /// Open the site in a browser once it is served.
    pub open: bool,
    /// How long the file system must be still before rebuilding (see [`watch::QUIET`]).
    pub quiet: Duration,
    /// Process new images on a background thread (on): each is otherwise processed when a
    /// page first asks for one of its files. Rebuilds never wait for them either way.
    pub images_in_background: bool,
}

impl ServeOptions {
    /// Serve the site at `root` on 127.0.0.1:1111, drafts included.
    pub fn new(root: impl Into<PathBuf>) -> ServeOptions {
        let mut build = BuildOptions::new(root);
        build.drafts = true;
        ServeOptions {
            build,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_PORT,
            open: false,
            quiet: watch::QUIET,
            images_in_background: true,
        }
    }
}

/// What the server reports to its caller.
#[derive(Debug)]
pub enum ServeEvent<'a> {
    /// The site is served at `url`.
    Listening {
        /// The site's URL (with the base URL's path prefix).
        url: &'a str,
    },
    /// Something the author should know about (a public address, no browser to open).
    Warning(&'a str),
    /// A build succeeded and open pages were told.
    Rebuilt {
        /// What triggered it (`first build`, a file, `templates`…).
        cause: &'a str,
        /// Site paths that changed.
        changed: &'a [String],
        /// Outputs rendered.
        rendered: usize,
        /// Markdown files parsed.
        parsed: usize,
        /// Whether every output was rendered.
        full: bool,
        /// How long it took.
        elapsed: Duration,
        /// How long each step took.
        phases: &'a [(&'static str, Duration)],
    },
    /// The background thread built the search index of the latest build, and serves it now
    /// (see [`search`]).
    SearchIndexed {
        /// Files of the index.
        files: usize,
        /// How long indexing took.
        elapsed: Duration,
    },
    /// The background thread processed every image it was given (see [`images`]).
    ImagesProcessed {
        /// How many it processed (others were processed when a page asked for them).
        processed: usize,
    },
    /// A build failed; the last good site is still served, under the error overlay.
    Failed {
        /// What triggered it.
        cause: &'a str,
        /// Every problem found.
        error: &'a Error,
    },
}

/// Receives [`ServeEvent`]s, from whichever thread produced them.
pub type OnEvent = Arc<dyn Fn(&ServeEvent) + Send + Sync>;

/// Stops a running server from any thread (a Ctrl-C handler, a test).
#[derive(Clone)]
pub struct Stopper {
    http: Arc<tiny_http::Server>,
    watch: Sender<Msg>,
    state: Arc<ServeState>,
}

impl Stopper {
    /// Stops accepting requests, stops watching, and disconnects open pages.
    pub fn stop(&self) {
        self.state.stop();
        // A failed send means the watch thread is already gone.
        let _ = self.watch.send(Msg::Stop);
        self.http.unblock();
        self.state.reload.close();
    }
}

/// A running server. Dropping it stops it.
pub struct Server {
    addr: SocketAddr,
    url: String,
    stopper: Stopper,
    threads: Vec<JoinHandle<()>>,
}

impl Server {
    /// The address it listens on (with the real port when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The site's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A handle that stops the server.
    pub fn stopper(&self) -> Stopper {
        self.stopper.clone()
    }

    /// Blocks until the server is stopped (through a [`Stopper`]).
    pub fn wait(mut self) {
        self.join();
    }

    fn join(&mut self) {
        for t in self.threads.drain(..) {
            // A panicked thread has nothing left to clean up.
            let _ = t.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stopper.stop();
        self.join();
    }
}

/// Serves until Ctrl-C: [`start`], then wait. Installs a process-wide Ctrl-C handler, so call
/// it once per process (tests use [`start`]).
pub fn serve(opts: ServeOptions, on_event: OnEvent) -> Result<()> {
    let server = start(opts, on_event)?;
    let stopper = server.stopper();
    ctrlc::set_handler(move || stopper.stop())
        .map_err(|e| Error::config(Location::file("pamphlet serve"), format!("cannot watch for Ctrl-C: {e}")))?;
    server.wait();
    Ok(())
}

/// Binds the port, builds the site, and serves it on background threads. Fails only when the
/// port cannot be bound or the sources cannot be watched: a broken site is served as an error
/// page until it is fixed.
pub fn start(opts: ServeOptions, on_event: OnEvent) -> Result<Server> {
    let root = opts.build.root.canonicalize().map_err(|e| Error::io("open the site at", &opts.build.root, e))?;
    let listener = bind(opts.bind, opts.port)?;
    let addr = listener.local_addr().map_err(|e| Error::io("listen on", Path::new(&opts.bind.to_string()), e))?;
    let http = tiny_http::Server::from_listener(listener, None)
        .map_err(|e| Error::argument("--bind", format!("cannot serve on {addr}: {e}")))?;
    let http = Arc::new(http);
    let state = Arc::new(ServeState::default());
    let (tx, rx) = channel();
    // Watch before the first build, so that a save during it is not missed.
    let watcher = SiteWatcher::new(&root, tx.clone())?;
    let mut build = opts.build.clone();
    build.root = root.clone();
    // The pages the index parsed are kept where `build` keeps them, so that either starts from
    // what the other parsed.
    let parsed = crate::search::parsed_dir(&build.cache_dir());
    let mut rebuilder = Rebuilder::new(build);
    rebuilder.process_images_later();
    let (image_jobs, image_batches) = channel();
    let (search_inputs, search_jobs) = channel();
    let workers = Workers { images: opts.images_in_background.then_some(image_jobs), search: search_inputs };
    apply(&state, &mut rebuilder, &Change::Config, "first build", &on_event, &root, &workers);

    let prefix = state.site().map(|s| s.prefix.clone()).unwrap_or_else(|| "/".into());
    let host = if opts.bind.is_unspecified() { IpAddr::V4(Ipv4Addr::LOCALHOST) } else { opts.bind };
    let url = format!("http://{}{prefix}", SocketAddr::new(host, addr.port()));
    let stopper = Stopper { http: http.clone(), watch: tx, state: state.clone() };
    let threads = vec![
        spawn("pamphlet-http", &root, {
            let state = state.clone();
            move || accept(&http, &state)
        })?,
        spawn("pamphlet-watch", &root, {
            let (state, root, on_event, quiet) = (state.clone(), root.clone(), on_event.clone(), opts.quiet);
            move || watch_and_rebuild(&rx, watcher, rebuilder, &state, &on_event, &root, quiet, &workers)
        })?,
        spawn("pamphlet-images", &root, {
            let (state, on_event) = (state.clone(), on_event.clone());
            move || images::work(&image_batches, state.stopped(), |event| report_images(&on_event, &event))
        })?,
        spawn("pamphlet-search", &root, {
            let (state, on_event) = (state.clone(), on_event.clone());
            move || {
                let publish = |files| state.publish_search(files);
                let report = |event| report_search(&on_event, event);
                search::work(&search_jobs, &parsed, state.stopped(), publish, report);
            }
        })?,
    ];
    let server = Server { addr, url, stopper, threads };
    on_event(&ServeEvent::Listening { url: server.url() });
    if !opts.bind.is_loopback() {
        on_event(&ServeEvent::Warning(&format!(
            "listening on {}: anyone who can reach this machine can read the preview, drafts included",
            opts.bind
        )));
    }
    if opts.open
        && let Err(why) = open_browser(server.url())
    {
        on_event(&ServeEvent::Warning(&why));
    }
    Ok(server)
}

fn bind(ip: IpAddr, port: u16) -> Result<TcpListener> {
    TcpListener::bind((ip, port)).map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => Error::argument(
            "--port",
            format!(
                "port {port} on {ip} is already in use (is another `pamphlet serve` running?): stop it, or pick another port with --port {}",
                port.wrapping_add(1)
            ),
        ),
        _ => Error::argument("--bind", format!("cannot listen on {ip} port {port}: {e}")),
    })
}

fn spawn(name: &str, root: &Path, f: impl FnOnce() + Send + 'static) -> Result<JoinHandle<()>> {
    std::thread::Builder::new().name(name.into()).spawn(f).map_err(|e| Error::io("start a server thread for", root, e))
}

/// Answers requests, each on its own thread, until the server is unblocked.
fn accept(http: &tiny_http::Server, state: &Arc<ServeState>) {
    for request in http.incoming_requests() {
        let state = state.clone();
        // If no thread can be started the request is dropped and the browser retries.
        let _ =
            std::thread::Builder::new().name("pamphlet-request".into()).spawn(move || http::handle(&state, request));
    }
}

/// Tells the caller what the background image thread did.
fn report_images(on_event: &OnEvent, event: &images::WorkEvent) {
    match event {
        images::WorkEvent::Done { processed } => on_event(&ServeEvent::ImagesProcessed { processed: *processed }),
        images::WorkEvent::Failed { job, message } => {
            on_event(&ServeEvent::Warning(&format!("{}: this image {message}", job.pending().origin().display())))
        }
    }
}

/// Tells the caller what the background search thread did.
fn report_search(on_event: &OnEvent, event: search::SearchEvent) {
    match event {
        search::SearchEvent::Indexed { files, elapsed } => on_event(&ServeEvent::SearchIndexed { files, elapsed }),
        search::SearchEvent::Failed(why) => on_event(&ServeEvent::Warning(&format!(
            "the search index could not be built ({why}); the search page uses the one before, if any"
        ))),
    }
}

/// The background threads a rebuild hands work to.
struct Workers {
    /// Images still to process (none when they are processed when a page asks).
    images: Option<Sender<Vec<Arc<images::ImageJob>>>>,
    /// Each good build's search records, indexed on a thread of their own.
    search: Sender<crate::search::IndexInput>,
}

/// Rebuilds after each batch of changes that touches the site, until told to stop.
#[allow(clippy::too_many_arguments)]
fn watch_and_rebuild(
    rx: &Receiver<Msg>,
    mut watcher: SiteWatcher,
    mut rebuilder: Rebuilder,
    state: &ServeState,
    on_event: &OnEvent,
    root: &Path,
    quiet: Duration,
    workers: &Workers,
) {
    while let Some(batch) = watch::next_batch(rx, quiet, watch::MAX_WAIT) {
        let paths = match batch {
            Ok(paths) => paths,
            Err(why) => {
                on_event(&ServeEvent::Warning(&format!("the file watcher reported a problem: {why}")));
                continue;
            }
        };
        let change = watch::classify(&paths, root);
        if change == Change::Ignore {
            continue;
        }
        if let Err(e) = watcher.refresh() {
            on_event(&ServeEvent::Warning(&e.to_string()));
        }
        apply(state, &mut rebuilder, &change, &change.label(), on_event, root, workers);
    }
}

/// Rebuilds, then serves the result and tells open pages, or shows the failure; then hands
/// the images still to process to the background thread (`images`, when there is one).
fn apply(
    state: &ServeState,
    rebuilder: &mut Rebuilder,
    change: &Change,
    cause: &str,
    on_event: &OnEvent,
    root: &Path,
    workers: &Workers,
) {
    // The caller hears of each build before the pages do, so that whoever watches both (the
    // terminal, a test) sees them in that order; reporting takes microseconds.
    match rebuilder.rebuild(change) {
        Ok(outcome) => {
            let prefix = outcome.files.prefix.clone();
            let (was_failing, replaced) = state.publish(outcome.files.clone());
            on_event(&ServeEvent::Rebuilt {
                cause,
                changed: &outcome.changed,
                rendered: outcome.rendered,
                parsed: outcome.parsed,
                full: outcome.full,
                elapsed: outcome.elapsed,
                phases: &outcome.phases,
            });
            if let Some(message) = reload_message(&outcome.changed, &prefix, was_failing) {
                state.reload.send(&message);
            }
            if let Some(images) = &workers.images
                && !outcome.images.is_empty()
            {
                // A failed send means the image thread is gone (the server is stopping).
                let _ = images.send(outcome.images);
            }
            // The index is built after the pages were told, on its own thread: a reload never
            // waits for it. Its parts that did not change are reused there.
            if let Some(input) = rebuilder.search_input() {
                let _ = workers.search.send(input);
            }
            // Only now, with the pages told, free what the new build replaced.
            drop(replaced);
            rebuilder.release_previous();
        }
        Err(error) => {
            let failure = Failure { overlay: overlay::overlay(&error, root), page: overlay::error_page(&error, root) };
            let message = Message::Failed { overlay: failure.overlay.clone() };
            state.fail(failure);
            on_event(&ServeEvent::Failed { cause, error: &error });
            state.reload.send(&message);
        }
    }
}

/// What to tell open pages after a successful build that changed the site paths `changed`.
fn reload_message(changed: &[String], prefix: &str, was_failing: bool) -> Option<Message> {
    if changed.is_empty() {
        return was_failing.then_some(Message::Fixed);
    }
    if changed.iter().all(|p| p.ends_with(".css")) {
        return Some(Message::Css);
    }
    if changed.len() > MAX_LISTED_CHANGES {
        return Some(Message::Reload { paths: Vec::new(), all: true });
    }
    let paths = changed.iter().map(|p| format!("{prefix}{}", p.trim_start_matches('/'))).collect();
    Some(Message::Reload { paths, all: false })
}

/// Asks the desktop to open `url`; says why not when it cannot.
fn open_browser(url: &str) -> std::result::Result<(), String> {
    let openers: &[(&str, &[&str])] = if cfg!(target_os = "macos") {
        &[("open", &[])]
    } else if cfg!(windows) {
        &[("cmd", &["/C", "start", ""])]
    } else {
        &[("xdg-open", &[]), ("sensible-browser", &[]), ("x-www-browser", &[])]
    };
    for (program, args) in openers {
        let spawned = std::process::Command::new(program)
            .args(*args)
            .arg(url)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        if let Ok(mut child) = spawned {
            // Reap it whenever it exits; its outcome does not matter to the server.
            std::thread::spawn(move || child.wait());
            return Ok(());
        }
    }
    Err(format!("could not open a browser (no {} found): open {url} yourself", openers[0].0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stylesheet_only_changes_swap_stylesheets() {
        assert_eq!(reload_message(&["/style.css".into()], "/", false), Some(Message::Css));
    }

    #[test]
    fn page_changes_list_their_urls_with_the_prefix() {
        assert_eq!(
            reload_message(&["/a/".into(), "/style.css".into()], "/mirror/", false),
            Some(Message::Reload { paths: vec!["/mirror/a/".into(), "/mirror/style.css".into()], all: false })
        );
    }

    #[test]
    fn a_fix_that_changes_nothing_clears_the_overlay_and_a_no_op_says_nothing() {
        assert_eq!(reload_message(&[], "/", true), Some(Message::Fixed));
        assert_eq!(reload_message(&[], "/", false), None);
    }

    #[test]
    fn a_taken_port_is_named_with_a_way_out() {
        let taken = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = taken.local_addr().unwrap().port();
        let err = bind(IpAddr::V4(Ipv4Addr::LOCALHOST), port).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "--port: port {port} on 127.0.0.1 is already in use (is another `pamphlet serve` running?): stop it, or pick another port with --port {}",
                port + 1
            )
        );
    }
}
