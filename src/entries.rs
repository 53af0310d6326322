//! Files of keyed entries, the format of the build's own caches (the pages Pagefind parsed,
//! the Markdown bodies rendered): each entry a 16-byte key, a 4-byte length and that many
//! bytes. They are shortcuts only: a file that cannot be read, or is damaged, gives what it
//! holds up to the damage, and writing one never fails a build.

use std::path::Path;

/// The entries of a file, in order: each a 16-byte key, a 4-byte length, then that many bytes
/// (see [`write`]). A damaged or cut file gives the entries before the
/// damage; `at_end` tells whether the reading stopped at the end of the file.
pub(crate) struct Entries<R> {
    reader: std::io::BufReader<R>,
    /// Set when the last entry was followed by the end of the file, not by damage.
    pub(crate) at_end: bool,
    /// Set once the reading stopped, at the end or at damage: nothing is read after damage.
    stopped: bool,
}

impl<R: std::io::Read> Entries<R> {
    pub(crate) fn new(reader: R) -> Self {
        Entries { reader: std::io::BufReader::new(reader), at_end: false, stopped: false }
    }

    /// The next entry, or `None` at the end of the file or at damage.
    fn read_entry(&mut self) -> Option<(u128, Vec<u8>)> {
        use std::io::{BufRead, Read};
        if self.reader.fill_buf().ok()?.is_empty() {
            self.at_end = true;
            return None;
        }
        let (key, len) = read_head(&mut self.reader)?;
        let len = len as usize;
        // Read through `take`, so that a damaged length allocates no more than the file holds.
        let mut bytes = Vec::new();
        self.reader.by_ref().take(len as u64).read_to_end(&mut bytes).ok()?;
        (bytes.len() == len).then_some((key, bytes))
    }
}

impl<R: std::io::Read> Iterator for Entries<R> {
    type Item = (u128, Vec<u8>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.stopped {
            return None;
        }
        let entry = self.read_entry();
        self.stopped = entry.is_none();
        entry
    }
}

/// The head of the next entry of `reader`: its key and the length of its bytes.
fn read_head(reader: &mut impl std::io::Read) -> Option<(u128, u32)> {
    let mut head = [0u8; 20];
    reader.read_exact(&mut head).ok()?;
    let (key, len) = head.split_at(16);
    Some((u128::from_le_bytes(key.try_into().ok()?), u32::from_le_bytes(len.try_into().ok()?)))
}

/// Where the entries of a file are, without their bytes (see [`locate`]).
#[derive(Debug, Default)]
pub(crate) struct Located {
    /// Each entry's key, with where its bytes start in the file and how many there are.
    pub(crate) entries: std::collections::HashMap<u128, (u64, u32)>,
    /// How many entries the file held.
    pub(crate) count: usize,
    /// Whether the file read whole, up to its end (as [`Entries::at_end`]).
    pub(crate) complete: bool,
}

/// Where each entry of `file` is, read as [`Entries`] reads them but skipping their bytes.
pub(crate) fn locate(file: &std::fs::File) -> Located {
    let mut located = Located::default();
    let Ok(size) = file.metadata().map(|m| m.len()) else { return located };
    let mut reader = std::io::BufReader::new(file);
    let mut at = 0u64;
    while at < size {
        let Some((key, len)) = read_head(&mut reader) else { return located };
        let start = at + 20;
        if start + u64::from(len) > size || reader.seek_relative(i64::from(len)).is_err() {
            return located;
        }
        located.entries.insert(key, (start, len));
        located.count += 1;
        at = start + u64::from(len);
    }
    located.complete = true;
    located
}

/// The bytes of one entry (see [`Entries`]).
fn entry_bytes(key: u128, page: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(&key.to_le_bytes());
    out.extend_from_slice(&(page.len() as u32).to_le_bytes());
    out.extend_from_slice(page);
}

/// Adds `entries` to the end of `file` in one write, so that a build adding beside another does
/// not interleave with it; a write cut short (a full disk) leaves damage that the next reader
/// stops at ([`Entries::at_end`] stays false), and the file is then written anew.
pub(crate) fn append(file: &Path, entries: &[(u128, Vec<u8>)]) {
    let _ = append_bytes(file, &to_bytes(entries));
}

/// Adds `bytes`, entries as [`to_bytes`] makes them, to the end of `file` in one write (see
/// [`append`]).
pub(crate) fn append_bytes(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut out = std::fs::OpenOptions::new().append(true).open(file)?;
    std::io::Write::write_all(&mut out, bytes)
}

/// The bytes of `entries`, as a file holds them.
pub(crate) fn to_bytes(entries: &[(u128, Vec<u8>)]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(entries.iter().map(|(_, value)| value.len() + 20).sum());
    for (key, value) in entries {
        entry_bytes(*key, value, &mut bytes);
    }
    bytes
}

/// Writes `entries` to `file` (see [`Entries`]): a shortcut only, so a failure to write is
/// not an error, and a file half written is never read (written beside, under a name of this
/// writer's own, then renamed; removed if the writing failed).
pub(crate) fn write(file: &Path, entries: impl Iterator<Item = std::io::Result<Vec<(u128, Vec<u8>)>>>) {
    let partial = crate::fs::partial_name(file);
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(file.parent().unwrap_or(file))?;
        let mut out = std::io::BufWriter::new(std::fs::File::create(&partial)?);
        for batch in entries {
            for (key, page) in batch? {
                std::io::Write::write_all(&mut out, &key.to_le_bytes())?;
                std::io::Write::write_all(&mut out, &(page.len() as u32).to_le_bytes())?;
                std::io::Write::write_all(&mut out, &page)?;
            }
        }
        std::io::Write::flush(&mut out)?;
        drop(out);
        std::fs::rename(&partial, file)
    };
    if write().is_err() {
        let _ = std::fs::remove_file(&partial);
    }
}
