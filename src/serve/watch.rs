//! Watching the site's sources: a `notify` watcher on `site.yaml`, `content/`, `static/`,
//! `templates/` and `themes/`, a debounce that turns an editor's burst of file operations into
//! one batch, and the pure [`classify`] that says what a batch changed (or that it was only
//! editor litter, like vim's `4913` probe or a `.swp` file).
//!
//! The debounce is ours rather than `notify-debouncer-*`: it is a dozen lines, it is a plain
//! function over a channel (so tests drive it without timers), and its quiet period is the
//! main part of the save-to-reload latency, so it must be short and exact: a batch ends
//! [`QUIET`] after the last event, or [`MAX_WAIT`] after the first so that a process writing
//! continuously cannot starve the rebuild.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

use crate::error::{Error, Result};

/// How long the file system must be still before a batch is rebuilt. Editors finish their
/// write-temp-and-rename dance within a millisecond or two; `git checkout` of many files
/// keeps events coming faster than this.
pub const QUIET: Duration = Duration::from_millis(30);
/// The longest a batch waits for the file system to become still.
pub const MAX_WAIT: Duration = Duration::from_millis(1000);

/// The folders under the site root whose changes matter.
const WATCHED_DIRS: &[&str] = &["content", "static", "templates", "themes"];

/// What a batch of file changes touched, most sweeping first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// `site.yaml`: everything is rebuilt.
    Config,
    /// A template (site overrides or a theme's).
    Template,
    /// A static file (site or theme).
    Static,
    /// Files under `content/` (relative to the site root).
    Content(Vec<PathBuf>),
    /// Nothing that affects the site (editor temp files, `public/`, `.git/`…).
    Ignore,
}

impl Change {
    /// A short label for log lines.
    pub fn label(&self) -> String {
        match self {
            Change::Config => "site.yaml".into(),
            Change::Template => "templates".into(),
            Change::Static => "static files".into(),
            Change::Content(paths) if paths.len() == 1 => paths[0].display().to_string(),
            Change::Content(paths) => format!("{} content files", paths.len()),
            Change::Ignore => "nothing".into(),
        }
    }
}

/// What the changed `paths` (absolute, or relative to `root`) touched.
pub fn classify(paths: &[PathBuf], root: &Path) -> Change {
    let mut content = Vec::new();
    let mut strongest = Change::Ignore;
    for path in paths {
        let rel = path.strip_prefix(root).unwrap_or(path);
        let change = classify_one(rel);
        if let Change::Content(_) = change
            && !content.contains(&rel.to_path_buf())
        {
            content.push(rel.to_path_buf());
        }
        if rank(&change) > rank(&strongest) {
            strongest = change;
        }
    }
    match strongest {
        Change::Content(_) => Change::Content(content),
        other => other,
    }
}

fn rank(change: &Change) -> u8 {
    match change {
        Change::Ignore => 0,
        Change::Content(_) => 1,
        Change::Static => 2,
        Change::Template => 3,
        Change::Config => 4,
    }
}

fn classify_one(rel: &Path) -> Change {
    let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    // A hidden folder anywhere (.git, .idea) or a litter file name: never part of the site.
    if parts.is_empty()
        || parts.iter().any(|p| p.starts_with('.'))
        || crate::content::is_editor_litter(&parts[parts.len() - 1])
    {
        return Change::Ignore;
    }
    match parts[0].as_str() {
        crate::config::CONFIG_FILE if parts.len() == 1 => Change::Config,
        "content" => Change::Content(vec![rel.to_path_buf()]),
        "static" => Change::Static,
        "templates" => Change::Template,
        // themes/<name>/static/… is static; anything else of a theme may be a template.
        "themes" if parts.get(2).is_some_and(|p| p == "static") => Change::Static,
        "themes" => Change::Template,
        _ => Change::Ignore,
    }
}

/// What the watcher thread receives.
#[derive(Debug)]
pub enum Msg {
    /// Paths a file system event named.
    Paths(Vec<PathBuf>),
    /// The watcher itself failed (the message says how).
    Failed(String),
    /// Stop watching: the server is shutting down.
    Stop,
}

/// The next batch of changed paths: waits for a first event, then collects until the file
/// system has been quiet for `quiet` (or `max_wait` has passed since the first event).
/// Returns `None` when told to stop or when every sender is gone. Watcher failures are
/// returned as their message in `Err`.
pub fn next_batch(rx: &Receiver<Msg>, quiet: Duration, max_wait: Duration) -> Option<Result<Vec<PathBuf>, String>> {
    batch_within(rx, None, quiet, max_wait)
}

/// [`next_batch`], giving up (`None`) when no first event comes within `first`.
fn batch_within(
    rx: &Receiver<Msg>,
    first: Option<Duration>,
    quiet: Duration,
    max_wait: Duration,
) -> Option<Result<Vec<PathBuf>, String>> {
    let msg = match first {
        Some(timeout) => rx.recv_timeout(timeout).ok()?,
        None => rx.recv().ok()?,
    };
    let mut paths = match msg {
        Msg::Paths(p) => p,
        Msg::Failed(m) => return Some(Err(m)),
        Msg::Stop => return None,
    };
    let started = Instant::now();
    loop {
        let left = max_wait.saturating_sub(started.elapsed());
        if left.is_zero() {
            return Some(Ok(paths));
        }
        match rx.recv_timeout(quiet.min(left)) {
            Ok(Msg::Paths(more)) => paths.extend(more),
            Ok(Msg::Failed(m)) => return Some(Err(m)),
            Ok(Msg::Stop) | Err(RecvTimeoutError::Disconnected) => return None,
            Err(RecvTimeoutError::Timeout) => return Some(Ok(paths)),
        }
    }
}

/// A running `notify` watcher on a site's sources.
pub struct SiteWatcher {
    watcher: notify::RecommendedWatcher,
    root: PathBuf,
    /// The source folders that existed (and are watched recursively) at the last refresh.
    watched: Vec<PathBuf>,
}

impl SiteWatcher {
    /// Watches the site at `root`, sending events to `tx`.
    pub fn new(root: &Path, tx: Sender<Msg>) -> Result<SiteWatcher> {
        let handler = move |event: notify::Result<notify::Event>| {
            let msg = match event {
                Ok(e) if matters(&e.kind) => Msg::Paths(e.paths),
                Ok(_) => return,
                Err(e) => Msg::Failed(e.to_string()),
            };
            // The receiver is gone only while the server shuts down.
            let _ = tx.send(msg);
        };
        let mut watcher = notify::recommended_watcher(handler).map_err(|e| watch_error(root, e))?;
        // The root itself, not recursively: site.yaml, and source folders appearing later.
        watcher.watch(root, RecursiveMode::NonRecursive).map_err(|e| watch_error(root, e))?;
        let mut w = SiteWatcher { watcher, root: root.to_path_buf(), watched: Vec::new() };
        w.refresh()?;
        Ok(w)
    }

    /// Starts watching source folders created since the last call (a new `static/`).
    pub fn refresh(&mut self) -> Result<()> {
        for dir in WATCHED_DIRS.iter().map(|d| self.root.join(d)) {
            let exists = dir.is_dir();
            let known = self.watched.contains(&dir);
            if exists && !known {
                self.watcher.watch(&dir, RecursiveMode::Recursive).map_err(|e| watch_error(&dir, e))?;
                self.watched.push(dir);
            } else if !exists && known {
                // Removed: inotify dropped the watch with the folder.
                let _ = self.watcher.unwatch(&dir);
                self.watched.retain(|d| *d != dir);
            }
        }
        Ok(())
    }
}

/// Reads (`Access`) never change the site, and our own builds read every file.
fn matters(kind: &EventKind) -> bool {
    !matches!(
        kind,
        EventKind::Access(_)
            | EventKind::Modify(notify::event::ModifyKind::Metadata(notify::event::MetadataKind::AccessTime))
    )
}

fn watch_error(path: &Path, e: notify::Error) -> Error {
    let io = match e.kind {
        notify::ErrorKind::Io(io) => io,
        other => std::io::Error::other(format!("{other:?}")),
    };
    Error::io("watch", path, io)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    fn change(paths: &[&str]) -> Change {
        let root = Path::new("/site");
        classify(&paths.iter().map(|p| root.join(p)).collect::<Vec<_>>(), root)
    }

    #[test]
    fn content_edits_name_their_files() {
        assert_eq!(change(&["content/2023/09/x.md"]), Change::Content(vec!["content/2023/09/x.md".into()]));
        assert_eq!(
            change(&["content/a.md", "content/a.md", "content/b/photo.jpg"]),
            Change::Content(vec!["content/a.md".into(), "content/b/photo.jpg".into()])
        );
    }

    #[test]
    fn the_most_sweeping_change_wins() {
        assert_eq!(change(&["content/a.md", "static/site.css"]), Change::Static);
        assert_eq!(change(&["static/site.css", "templates/article.html"]), Change::Template);
        assert_eq!(change(&["content/a.md", "site.yaml", "templates/base.html"]), Change::Config);
    }

    #[test]
    fn theme_static_files_are_static_and_theme_templates_are_templates() {
        assert_eq!(change(&["themes/advocacy/static/style.css"]), Change::Static);
        assert_eq!(change(&["themes/advocacy/templates/base.html"]), Change::Template);
    }

    #[test]
    fn editor_litter_is_ignored() {
        for litter in [
            "content/.x.md.swp",
            "content/x.md~",
            "content/4913",
            "content/.#x.md",
            "content/#x.md#",
            "content/x.md.tmp",
            "content/x.md___jb_tmp___",
            "content/x.md___jb_old___",
            "site.yaml~",
            "templates/.base.html.swx",
        ] {
            assert_eq!(change(&[litter]), Change::Ignore, "{litter}");
        }
    }

    #[test]
    fn output_and_hidden_folders_are_ignored() {
        assert_eq!(change(&["public/index.html"]), Change::Ignore);
        assert_eq!(change(&[".git/index"]), Change::Ignore);
        assert_eq!(change(&["content/.hidden/a.md"]), Change::Ignore);
        assert_eq!(change(&["target/debug/x"]), Change::Ignore);
        assert_eq!(change(&["content/sub/site.yaml"]), Change::Content(vec!["content/sub/site.yaml".into()]));
    }

    #[test]
    fn a_burst_is_one_batch() {
        let (tx, rx) = mpsc::channel();
        for p in ["a", "b", "c"] {
            tx.send(Msg::Paths(vec![PathBuf::from(p)])).unwrap();
        }
        let batch = next_batch(&rx, Duration::from_millis(20), Duration::from_secs(5)).unwrap().unwrap();
        assert_eq!(batch, vec![PathBuf::from("a"), "b".into(), "c".into()]);
        tx.send(Msg::Stop).unwrap();
        assert!(next_batch(&rx, Duration::from_millis(20), Duration::from_secs(5)).is_none());
    }

    /// Editors that save through a temporary file and a rename (vim, JetBrains, VS Code's
    /// atomic save) produce one rebuild, observed through a real watcher on a real folder.
    #[test]
    fn write_temp_and_rename_saves_are_one_rebuild() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("content")).unwrap();
        let article = root.join("content/a.md");
        std::fs::write(&article, "old").unwrap();
        let (tx, rx) = mpsc::channel();
        let _watcher = SiteWatcher::new(&root, tx).unwrap();

        // vim (`backupcopy=no`): probe file, backup by rename, write anew, delete the backup.
        std::fs::write(root.join("content/4913"), "").unwrap();
        std::fs::remove_file(root.join("content/4913")).unwrap();
        std::fs::rename(&article, root.join("content/a.md~")).unwrap();
        std::fs::write(&article, "vim").unwrap();
        std::fs::remove_file(root.join("content/a.md~")).unwrap();
        assert_eq!(content_batches_until(&rx, &root, "content/end-1.md"), vec![vec![PathBuf::from("content/a.md")]]);

        // JetBrains safe write: temp file, old renamed away, temp renamed in, old deleted.
        std::fs::write(root.join("content/a.md___jb_tmp___"), "jetbrains").unwrap();
        std::fs::rename(&article, root.join("content/a.md___jb_old___")).unwrap();
        std::fs::rename(root.join("content/a.md___jb_tmp___"), &article).unwrap();
        std::fs::remove_file(root.join("content/a.md___jb_old___")).unwrap();
        assert_eq!(content_batches_until(&rx, &root, "content/end-2.md"), vec![vec![PathBuf::from("content/a.md")]]);

        // VS Code / atomic writers: write a hidden temp file, rename it over the original.
        std::fs::write(root.join("content/.a.md.tmp-123"), "vscode").unwrap();
        std::fs::rename(root.join("content/.a.md.tmp-123"), &article).unwrap();
        assert_eq!(content_batches_until(&rx, &root, "content/end-3.md"), vec![vec![PathBuf::from("content/a.md")]]);
    }

    /// Writes `marker` (a file relative to `root`) after a save, then collects the rebuilds
    /// the watcher asks for until one includes the marker: the wait ends on an event, not on
    /// a silence. Returns each rebuild's content files other than the marker, so a save split
    /// into two rebuilds, or litter that got through, shows as an extra entry.
    ///
    /// The quiet period is longer than the server's `QUIET` so that a busy test machine does
    /// not split one save; what is tested is which events are merged and which are litter.
    fn content_batches_until(rx: &Receiver<Msg>, root: &Path, marker: &str) -> Vec<Vec<PathBuf>> {
        std::fs::write(root.join(marker), "marker").unwrap();
        let quiet = Duration::from_millis(250);
        let mut out = Vec::new();
        loop {
            let batch = batch_within(rx, Some(Duration::from_secs(30)), quiet, MAX_WAIT)
                .expect("the watcher reports the marker within 30 s")
                .unwrap();
            let Change::Content(mut files) = classify(&batch, root) else {
                continue;
            };
            let saw_marker = files.iter().any(|f| f == Path::new(marker));
            files.retain(|f| f != Path::new(marker));
            if !files.is_empty() {
                out.push(files);
            }
            if saw_marker {
                return out;
            }
        }
    }
}
