//! File-system wrappers whose errors always name the path involved.

use std::path::Path;

use crate::error::{IoResultExt, Result};

/// Reads a whole file as bytes.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).at_path("read", path)
}

/// Writes `contents` to `path`, creating parent directories as needed.
pub fn write(path: &Path, contents: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        create_dir_all(parent)?;
    }
    std::fs::write(path, contents).at_path("write", path)
}

/// Names what this process and thread write beside a file before renaming it over the file
/// (`4242-7`), so that two writers of the same cache (a build beside `serve`, tests on several
/// threads) never write into one half-written file.
pub fn writer_id() -> String {
    let thread = format!("{:?}", std::thread::current().id());
    format!("{}-{}", std::process::id(), thread.trim_start_matches("ThreadId(").trim_end_matches(')'))
}

/// The name `file` is written under before it is renamed into place: this writer's own (see
/// [`writer_id`]).
pub fn partial_name(file: &Path) -> std::path::PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(format!(".{}", writer_id()));
    std::path::PathBuf::from(name)
}

/// Writes `contents` as the new `file` of a cache (its folder created as needed): written
/// beside under [`partial_name`], then renamed over the old one, so that a killed build or
/// another writer never leaves a half-written file to be read. A failure removes what was
/// written beside.
pub fn replace_file(file: &Path, contents: &[u8]) -> std::io::Result<()> {
    let partial = partial_name(file);
    let replaced = std::fs::create_dir_all(file.parent().unwrap_or(file))
        .and_then(|()| std::fs::write(&partial, contents))
        .and_then(|()| std::fs::rename(&partial, file));
    if replaced.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    replaced
}

/// What identifies one version of a file: modification time, length, and a hash of the
/// bytes. File systems keep modification times with a coarse clock (milliseconds), so two
/// saves of the same length in quick succession can share a time: for a file modified in
/// the last [`RACY_WINDOW`], the bytes are hashed again (as git does for "racy" entries).
/// Kept by the dev server for the documents it parsed, and with each rendered body for the
/// files its shortcodes read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileStamp {
    modified: Option<std::time::SystemTime>,
    len: u64,
    hash: u64,
}

/// How recent a modification time must be for a [`FileStamp`] alone not to be trusted (also
/// for the copies of static files the dev server keeps).
pub const RACY_WINDOW: std::time::Duration = std::time::Duration::from_secs(2);

impl FileStamp {
    /// The stamp of a file with metadata `meta` (taken before `bytes` were read, so that a write
    /// in between makes the stamp stale rather than wrong) and contents `bytes`.
    pub fn new(meta: &std::fs::Metadata, bytes: &[u8]) -> FileStamp {
        FileStamp { modified: meta.modified().ok(), len: meta.len(), hash: xxhash_rust::xxh3::xxh3_64(bytes) }
    }

    /// Whether this stamp still describes the file at `path` (metadata `meta`).
    pub fn still_matches(&self, path: &Path, meta: &std::fs::Metadata) -> bool {
        if self.modified != meta.modified().ok() || self.len != meta.len() {
            return false;
        }
        let recent = self.modified.and_then(|m| m.elapsed().ok()).is_none_or(|age| age < RACY_WINDOW);
        !recent || std::fs::read(path).is_ok_and(|bytes| xxhash_rust::xxh3::xxh3_64(&bytes) == self.hash)
    }
}

/// Creates a directory and its parents.
pub fn create_dir_all(path: &Path) -> Result<()> {
    std::fs::create_dir_all(path).at_path("create directory", path)
}

/// Copies a file, creating the destination's parent directories.
pub fn copy(from: &Path, to: &Path) -> Result<()> {
    if let Some(parent) = to.parent() {
        create_dir_all(parent)?;
    }
    std::fs::copy(from, to).at_path("copy", from).map(|_| ())
}

/// Removes a directory tree if it exists.
pub fn remove_dir_all_if_exists(path: &Path) -> Result<()> {
    match std::fs::remove_dir_all(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other.at_path("remove directory", path),
    }
}

/// Removes a file if it exists.
pub fn remove_file_if_exists(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other.at_path("remove", path),
    }
}
