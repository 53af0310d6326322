//! Markdown bodies rendered by an earlier build, kept in the cache folder so that a rebuild
//! renders only the documents that changed (rendering every body again was most of the time a
//! rebuild of 10,000 articles spent before anything else could start).
//!
//! One file, `markdown.bodies`, of entries (see [`crate::entries`]): the key of a document
//! ([`crate::markdown::Markdown`]'s `document_key`: its file's text and path, its language, the
//! base URL's path, the shortcodes and pamphlet's version), then its rendered body as bytes
//! (postcard's, made and read by the Markdown renderer: this module knows only bytes). Only
//! the keys and where their bytes are stay in memory; a body is read from the file when it is
//! asked for (a large archive's bodies are hundreds of MB). A build adds the bodies
//! it rendered to the end of the file, or writes the file anew when the bodies no document
//! wants any more would outnumber those it does.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The file of the cache folder holding the bodies.
const FILE_NAME: &str = "markdown.bodies";

/// Bodies rendered before, and those rendered now (see the module's documentation).
#[derive(Debug)]
pub struct MarkdownCache {
    path: PathBuf,
    file: Option<File>,
    /// Each stored body's key, with where its bytes start in the file and how many there are.
    stored: HashMap<u128, (u64, u32)>,
    /// How many entries the file held.
    entries: usize,
    /// Whether the file read whole: a damaged file is written anew.
    complete: bool,
    /// The stored bodies read back by this build.
    used: Mutex<HashSet<u128>>,
    /// The bodies rendered by this build.
    fresh: Mutex<Fresh>,
}

/// The bodies rendered by a build: the last few as bytes, the others already written to a file
/// beside the cache's, of this writer's own (a first build of 50,000 articles renders about
/// 500 MB of them, too many to hold until the end).
#[derive(Debug, Default)]
struct Fresh {
    pending: Vec<(u128, Vec<u8>)>,
    /// The file the others went to, and how many.
    written: Option<(PathBuf, File, usize)>,
}

/// How many rendered bodies are held before they are written out.
const BODIES_AT_A_TIME: usize = 256;

impl Fresh {
    fn count(&self) -> usize {
        self.pending.len() + self.written.as_ref().map_or(0, |(_, _, n)| *n)
    }

    /// The side file `beside`, created at the first call.
    fn side_file(&mut self, beside: &Path) -> std::io::Result<&mut File> {
        if self.written.is_none() {
            if let Some(parent) = beside.parent() {
                std::fs::create_dir_all(parent)?;
            }
            self.written = Some((beside.to_path_buf(), File::create(beside)?, 0));
        }
        match &mut self.written {
            Some((_, file, _)) => Ok(file),
            None => Err(std::io::ErrorKind::NotFound.into()),
        }
    }

    /// Writes the pending bodies to the side file `beside`.
    fn write_out(&mut self, beside: &Path) -> std::io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let bytes = crate::entries::to_bytes(&self.pending);
        std::io::Write::write_all(self.side_file(beside)?, &bytes)?;
        if let Some((_, _, count)) = &mut self.written {
            *count += self.pending.len();
        }
        self.pending.clear();
        Ok(())
    }
}

impl MarkdownCache {
    /// The cache of the cache folder `cache_dir` (empty when it has none yet).
    pub fn open(cache_dir: &Path) -> MarkdownCache {
        let path = cache_dir.join(FILE_NAME);
        let file = File::open(&path).ok();
        let located = file.as_ref().map(crate::entries::locate).unwrap_or_default();
        MarkdownCache {
            path,
            file,
            stored: located.entries,
            entries: located.count,
            complete: located.complete,
            used: Mutex::default(),
            fresh: Mutex::default(),
        }
    }

    /// The body stored under `key`, if any, as `read` makes it of its bytes (`None` when they do
    /// not read back, as a body stored by another version).
    pub(crate) fn get<T>(&self, key: u128, read: impl FnOnce(&[u8]) -> Option<T>) -> Option<T> {
        let &(offset, len) = self.stored.get(&key)?;
        let bytes = read_at(self.file.as_ref()?, offset, len as usize).ok()?;
        let body = read(&bytes)?;
        self.used.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(key);
        Some(body)
    }

    /// Keeps `bytes`, the body of the document with `key`, for the next build.
    pub(crate) fn keep(&self, key: u128, bytes: Vec<u8>) {
        let mut fresh = self.fresh.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        fresh.pending.push((key, bytes));
        if fresh.pending.len() >= BODIES_AT_A_TIME && fresh.write_out(&self.beside()).is_err() {
            // Without a side file, the bodies are only held: a shortcut lost, nothing more.
            fresh.pending.clear();
        }
    }

    /// The side file the bodies rendered now go to before they join the cache's file.
    fn beside(&self) -> PathBuf {
        crate::fs::partial_name(&self.path)
    }

    /// Writes what the next build needs: the bodies rendered now are added to the end of the
    /// file, or the file is written anew (the bodies read back and those rendered now) when it
    /// was damaged, or when the bodies nobody read would outnumber those read and added.
    pub fn save(&self) {
        let used = self.used.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut fresh = std::mem::take(&mut *self.fresh.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
        let unwanted = self.entries.saturating_sub(used.len());
        let written = fresh.count();
        if written == 0 && unwanted <= used.len() {
            return;
        }
        let _ = if self.complete && self.entries > 0 && unwanted <= used.len() + written {
            self.add_to_file(&mut fresh)
        } else {
            self.write_anew(&mut fresh, &used)
        };
        if let Some((side, _, _)) = fresh.written {
            let _ = std::fs::remove_file(side);
        }
    }

    /// Adds the bodies rendered now to the end of the cache's file, in one write.
    fn add_to_file(&self, fresh: &mut Fresh) -> std::io::Result<()> {
        let mut bytes = match &fresh.written {
            Some((side, _, _)) => std::fs::read(side)?,
            None => Vec::new(),
        };
        bytes.extend(crate::entries::to_bytes(&fresh.pending));
        crate::entries::append_bytes(&self.path, &bytes)
    }

    /// Writes the cache's file anew: the bodies rendered now, then those read back (`used`),
    /// all in the side file, which then takes the file's place.
    fn write_anew(&self, fresh: &mut Fresh, used: &HashSet<u128>) -> std::io::Result<()> {
        let beside = self.beside();
        // Made even when nothing was rendered now: it then holds the bodies read back only.
        fresh.side_file(&beside)?;
        fresh.write_out(&beside)?;
        let Some((side, file, _)) = &mut fresh.written else { return Ok(()) };
        if let Some(old) = &self.file {
            let mut kept: Vec<(u128, (u64, u32))> =
                used.iter().filter_map(|key| Some((*key, *self.stored.get(key)?))).collect();
            // In the order they were stored, for the next build's reading.
            kept.sort_by_key(|(_, (offset, _))| *offset);
            for batch in kept.chunks(BODIES_AT_A_TIME) {
                let entries: Vec<(u128, Vec<u8>)> = batch
                    .iter()
                    .map(|&(key, (offset, len))| Ok((key, read_at(old, offset, len as usize)?)))
                    .collect::<std::io::Result<_>>()?;
                std::io::Write::write_all(file, &crate::entries::to_bytes(&entries))?;
            }
        }
        std::io::Write::flush(file)?;
        std::fs::rename(side, &self.path)
    }
}

/// `len` bytes of `file` from `offset`, without moving a shared position (bodies are read from
/// rayon's threads).
fn read_at(file: &File, offset: u64, len: usize) -> std::io::Result<Vec<u8>> {
    let mut bytes = vec![0; len];
    #[cfg(unix)]
    std::os::unix::fs::FileExt::read_exact_at(file, &mut bytes, offset)?;
    #[cfg(windows)]
    {
        let mut done = 0;
        while done < len {
            let n = std::os::windows::fs::FileExt::seek_read(file, &mut bytes[done..], offset + done as u64)?;
            if n == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            done += n;
        }
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(text: &str) -> Vec<u8> {
        format!("<p>{text}</p>").into_bytes()
    }

    fn get(cache: &MarkdownCache, key: u128) -> Option<Vec<u8>> {
        cache.get(key, |bytes| Some(bytes.to_vec()))
    }

    fn keys_in(dir: &Path) -> Vec<u128> {
        let file = File::open(dir.join(FILE_NAME)).unwrap();
        crate::entries::Entries::new(file).map(|(key, _)| key).collect()
    }

    #[test]
    fn bodies_are_read_back_by_the_next_build_and_added_to_the_end() {
        let dir = tempfile::tempdir().unwrap();
        let first = MarkdownCache::open(dir.path());
        assert_eq!(get(&first, 1), None);
        first.keep(1, body("one"));
        first.keep(2, body("two"));
        first.save();
        assert_eq!(keys_in(dir.path()), [1, 2]);
        let second = MarkdownCache::open(dir.path());
        assert_eq!(get(&second, 2), Some(body("two")));
        assert_eq!(get(&second, 1), Some(body("one")));
        assert_eq!(get(&second, 3), None);
        second.keep(3, body("three"));
        second.save();
        assert_eq!(keys_in(dir.path()), [1, 2, 3], "an edit adds its body at the end");
        // Nothing new and nothing much unwanted: the file is left alone.
        let third = MarkdownCache::open(dir.path());
        for key in [1, 2] {
            get(&third, key).unwrap();
        }
        let before = std::fs::metadata(dir.path().join(FILE_NAME)).unwrap().modified().unwrap();
        third.save();
        assert_eq!(std::fs::metadata(dir.path().join(FILE_NAME)).unwrap().modified().unwrap(), before);
    }

    #[test]
    fn many_bodies_go_to_the_file_a_batch_at_a_time_and_all_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let count = BODIES_AT_A_TIME as u128 * 2 + 3;
        let first = MarkdownCache::open(dir.path());
        for key in 0..count {
            first.keep(key, body(&key.to_string()));
        }
        // The first batches are already out of memory, in the side file.
        assert_eq!(first.fresh.lock().unwrap().pending.len(), 3);
        first.save();
        assert_eq!(keys_in(dir.path()), (0..count).collect::<Vec<_>>());
        let second = MarkdownCache::open(dir.path());
        assert!((0..count).all(|key| get(&second, key) == Some(body(&key.to_string()))));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn the_file_is_written_anew_when_mostly_unwanted_or_damaged() {
        let dir = tempfile::tempdir().unwrap();
        let first = MarkdownCache::open(dir.path());
        for key in 1..=4 {
            first.keep(key, body(&key.to_string()));
        }
        first.save();
        // One body read back, one rendered: three unwanted outnumber the two.
        let second = MarkdownCache::open(dir.path());
        get(&second, 4).unwrap();
        second.keep(5, body("five"));
        second.save();
        assert_eq!(keys_in(dir.path()), [5, 4], "written anew: the bodies rendered now, then those read back");
        let third = MarkdownCache::open(dir.path());
        assert_eq!(get(&third, 4), Some(body("4")));
        assert_eq!(get(&third, 1), None);
        // Nothing rendered, and the bodies nobody read outnumber those read: only those remain.
        let fresh_file = MarkdownCache::open(dir.path());
        for key in [6, 7, 8] {
            fresh_file.keep(key, body(&key.to_string()));
        }
        fresh_file.save();
        assert_eq!(keys_in(dir.path()), [5, 4, 6, 7, 8]);
        let reading = MarkdownCache::open(dir.path());
        assert_eq!(get(&reading, 7), Some(body("7")));
        reading.save();
        assert_eq!(keys_in(dir.path()), [7]);
        let again = MarkdownCache::open(dir.path());
        get(&again, 7).unwrap();
        for key in [4, 5] {
            again.keep(key, body(&key.to_string()));
        }
        again.save();
        assert_eq!(keys_in(dir.path()), [7, 4, 5]);
        // A cut file: what is before the damage reads back, and the file is written anew.
        let path = dir.path().join(FILE_NAME);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 2]).unwrap();
        let fourth = MarkdownCache::open(dir.path());
        assert_eq!(get(&fourth, 4), Some(body("4")));
        assert_eq!(get(&fourth, 5), None);
        fourth.keep(5, body("five again"));
        fourth.save();
        assert_eq!(keys_in(dir.path()), [5, 4]);
        assert_eq!(get(&MarkdownCache::open(dir.path()), 5), Some(body("five again")));
        // No side file is left beside the cache's.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
