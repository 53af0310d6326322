//! The image cache (`.pamphlet-cache/images/` by default): one folder per processed source,
//! named after a hash of the source's bytes and the settings, holding the published files and
//! `made.json` (what [`super::process::process`] made). An index from source path to its
//! size, modification time and key lets a rebuild skip reading unchanged sources at all.
//! Folders no build of the site uses any more are removed after each build.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use super::process::Made;
use super::settings::ImageSettings;

/// Changes whenever processing changes what it makes, so old entries are not re-used.
const PROCESSING_VERSION: u32 = 1;
const INDEX_FILE: &str = "index.json";
const MADE_FILE: &str = "made.json";

/// A source file's size and modification time, as last seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Stamp {
    len: u64,
    modified_ns: u128,
}

impl Stamp {
    pub(super) fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        let modified_ns = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?.as_nanos();
        Some(Stamp { len: meta.len(), modified_ns })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct IndexEntry {
    stamp: Stamp,
    key: String,
}

/// The cache folder and its index, as read at the start of a build.
pub(super) struct Cache {
    dir: PathBuf,
    index: HashMap<String, IndexEntry>,
}

impl Cache {
    /// Opens (without creating) the cache in `dir`.
    pub(super) fn open(dir: &Path) -> Cache {
        let index = std::fs::read(dir.join(INDEX_FILE))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        Cache { dir: dir.to_path_buf(), index }
    }

    /// The folder of the entry `key`.
    pub(super) fn entry_dir(&self, key: &str) -> PathBuf {
        self.dir.join(key)
    }

    /// The key of `source` when its stamp is the one the index remembers.
    pub(super) fn known_key(&self, source: &Path, stamp: Option<Stamp>) -> Option<&str> {
        let entry = self.index.get(source.to_string_lossy().as_ref())?;
        (Some(entry.stamp) == stamp).then_some(entry.key.as_str())
    }

    /// What the entry `key` holds, when it is complete.
    pub(super) fn made(&self, key: &str) -> Option<Made> {
        let bytes = std::fs::read(self.entry_dir(key).join(MADE_FILE)).ok()?;
        let made: Made = serde_json::from_slice(&bytes).ok()?;
        made.files.first().is_some_and(|f| f.original).then_some(made)
    }

    /// Makes the entry `key` with `make`, which fills the empty folder it is given: written
    /// beside the cache and renamed into place, so an interrupted build leaves no half entry.
    pub(super) fn make(&self, key: &str, make: impl FnOnce(&Path) -> Result<Made, String>) -> Result<Made, String> {
        let unwritable = |e: std::io::Error| {
            format!("could not be processed: the image cache {} is not writable ({e})", self.dir.display())
        };
        let temp = self.dir.join(format!(".{key}.{}.tmp", crate::fs::writer_id()));
        let _ = std::fs::remove_dir_all(&temp);
        std::fs::create_dir_all(&temp).map_err(unwritable)?;
        let made = make(&temp).inspect_err(|_| {
            let _ = std::fs::remove_dir_all(&temp);
        })?;
        let json = serde_json::to_vec(&made).map_err(|e| unwritable(std::io::Error::other(e)))?;
        std::fs::write(temp.join(MADE_FILE), json).map_err(unwritable)?;
        let target = self.entry_dir(key);
        if std::fs::rename(&temp, &target).is_err() {
            // Another build made the same entry meanwhile: theirs is as good as ours.
            let _ = std::fs::remove_dir_all(&temp);
            if !target.join(MADE_FILE).is_file() {
                return Err(unwritable(std::io::Error::other("could not move the processed files into place")));
            }
        }
        Ok(made)
    }

    /// Writes the index of this build's sources and removes every entry it did not use.
    pub(super) fn finish(&self, used: &[(PathBuf, Stamp, String)]) {
        let index: HashMap<String, IndexEntry> = used
            .iter()
            .map(|(source, stamp, key)| {
                (source.to_string_lossy().into_owned(), IndexEntry { stamp: *stamp, key: key.clone() })
            })
            .collect();
        if let Ok(json) = serde_json::to_vec(&index) {
            let temp = self.dir.join(format!(".{INDEX_FILE}.{}.tmp", crate::fs::writer_id()));
            if std::fs::write(&temp, json).is_ok() {
                let _ = std::fs::rename(&temp, self.dir.join(INDEX_FILE));
            }
        }
        let keys: HashSet<&str> = used.iter().map(|(_, _, key)| key.as_str()).collect();
        let Ok(listing) = std::fs::read_dir(&self.dir) else { return };
        for entry in listing.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            // Only entry folders: another build's temporary folder may be in use.
            let is_entry = name.len() == 32 && name.bytes().all(|b| b.is_ascii_hexdigit());
            let stale = is_entry && !keys.contains(name.as_ref()) && entry.path().is_dir();
            if stale {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// The cache key of a source: its bytes, the settings and the processing version. Two
/// 64-bit SipHashes with different salts make 128 bits: enough that two different images never
/// share an entry, and std's hasher needs no dependency.
pub(super) fn key(bytes: &[u8], settings: &ImageSettings) -> String {
    let half = |salt: u64| {
        let mut h = std::hash::DefaultHasher::new();
        salt.hash(&mut h);
        PROCESSING_VERSION.hash(&mut h);
        env!("CARGO_PKG_VERSION").hash(&mut h);
        settings.hash(&mut h);
        bytes.hash(&mut h);
        h.finish()
    };
    format!("{:016x}{:016x}", half(0x5eed), half(0xfeed))
}
