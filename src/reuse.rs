//! Pages of the previous build reused instead of rendered again. After editing one article,
//! most of a site's pages are rendered from exactly what they were rendered from last time;
//! rendering them again is most of a rebuild's time, and writing them most of its disk traffic.
//!
//! Each build records, in [`MANIFEST`] in the cache folder, every page it rendered: its site
//! path, the digest of what it was rendered from ([`crate::render::digest`]), what the security
//! policy needs of it ([`PageSources`]) and the identity of its file in the output folder (device,
//! inode, size, modification time). The next build into the same output folder computes each
//! page's digest; when it matches and the file is still the one that build left, the file is
//! linked into the new output (as the search index's reused parts are) instead of rendered.
//! A file changed by hand, a deleted output folder or another output folder means rendering
//! again. A page rendered again from the same inputs (a CI runner keeps the cache folder, not
//! the output) is the same HTML, so it takes its sources from the manifest rather than being
//! read for them. The manifest is only ever a shortcut: a file's bytes never change while it
//! keeps its stamp (a build replaces files, never writes into them), so a digest recorded with
//! a stamp stays true of that file, and a manifest an earlier build left behind (a failed build
//! writes none; a successful one may fail to) at worst matches fewer files.
//!
//! A CI runner keeps the cache folder and starts from an empty output folder, so each page's
//! file is also kept in the cache folder's [`STORE_DIR`], named by its digest: a hard link to
//! the output's file (no second copy on disk, and no second write). A page whose file is not in
//! the output folder is linked from there when its digest matches and the kept file has the
//! size and modification time the manifest recorded. Device and inode are not compared there:
//! a cache restored on another runner holds copies, which `tar` (as `actions/cache` runs it)
//! gives back their modification times to the nanosecond. A tool that writes into a page of the
//! output in place writes into the kept file too, and gives it a new modification time: it is
//! rendered again. A cache folder on another file system than the output keeps no pages.
//!
//! Builds that share a cache folder may run at once (a site built with and without drafts, in
//! one test run or one CI job), and each one's clean-up removes the kept pages of digests it did
//! not produce. So a build holds [`STORE_LOCK`] shared from loading the manifest until its own
//! pages are kept, and removes kept files only while it holds the lock alone; when another build
//! holds it, the removal waits for a later build. A kept file is replaced by renaming a new link
//! over it, never removed first, so a build about to link it links one file or the other, both
//! of the same digest.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::headers::PageSources;
use crate::output::absolute;
use crate::permalink::output_path;
use crate::render::digest::PageDigest;

/// The manifest's file name in the cache folder.
pub const MANIFEST: &str = "rendered-pages.json";

/// The cache folder's folder of kept pages, each named by its digest (see the module's
/// documentation).
pub const STORE_DIR: &str = "rendered-pages";

/// The lock file in the cache folder that guards the kept pages (see the module's
/// documentation).
const STORE_LOCK: &str = "rendered-pages.lock";

/// Changes whenever the manifest's format does.
const MANIFEST_VERSION: u32 = 1;

/// What identifies the bytes of an output file without reading them: a build never writes into
/// a file (it replaces it), so the same inode with the same size and modification time holds
/// what it held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct FileStamp {
    device: u64,
    inode: u64,
    size: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    modified: u128,
}

impl FileStamp {
    fn of(path: &Path) -> Option<FileStamp> {
        let meta = std::fs::symlink_metadata(path).ok()?;
        if !meta.is_file() {
            return None;
        }
        let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos();
        #[cfg(unix)]
        let (device, inode) = {
            use std::os::unix::fs::MetadataExt;
            (meta.dev(), meta.ino())
        };
        #[cfg(not(unix))]
        let (device, inode) = (0, 0);
        Some(FileStamp { device, inode, size: meta.len(), modified })
    }

    /// Whether a file with this stamp holds the bytes of one with stamp `recorded`, where it
    /// may be a copy of it (kept pages restored from a CI cache): the same size and
    /// modification time.
    fn same_bytes_as(&self, recorded: &FileStamp) -> bool {
        self.size == recorded.size && self.modified == recorded.modified
    }
}

/// The name of the kept file of a page with `digest` in [`STORE_DIR`].
fn stored_name(digest: PageDigest) -> String {
    digest.to_string()
}

/// One page of the manifest.
#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    /// [`PageDigest`] as hexadecimal text.
    digest: String,
    file: FileStamp,
    /// Index into [`Manifest::sources`] (most pages share one).
    sources: usize,
}

/// The manifest file.
#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    version: u32,
    pamphlet: String,
    /// The output folder the pages are in (absolute).
    output: PathBuf,
    /// Each distinct set of page sources.
    sources: Vec<PageSources>,
    /// Site path → page.
    pages: BTreeMap<String, Entry>,
}

/// The pages the previous build rendered, as its manifest lists them.
pub struct PreviousPages {
    /// The output folder they are in, when it is this build's: only then are its files reused.
    output: Option<PathBuf>,
    /// The kept pages, reused into any output folder; `None` when their lock could not be
    /// taken.
    store: Option<KeptPages>,
    pages: HashMap<String, (PageDigest, FileStamp, Arc<PageSources>)>,
}

impl PreviousPages {
    /// What the manifest in `cache_dir` says of the pages of the last build, whose files are
    /// reused when it wrote them into `output` too; `None` when there is no manifest, it is of
    /// another version, or it cannot be read.
    pub fn load(cache_dir: &Path, output: &Path) -> Option<PreviousPages> {
        let text = std::fs::read(cache_dir.join(MANIFEST)).ok()?;
        let manifest: Manifest = serde_json::from_slice(&text).ok()?;
        if manifest.version != MANIFEST_VERSION || manifest.pamphlet != env!("CARGO_PKG_VERSION") {
            return None;
        }
        let output = (manifest.output == absolute(output)).then_some(manifest.output);
        let store = KeptPages::claim(cache_dir);
        let sources: Vec<Arc<PageSources>> = manifest.sources.into_iter().map(Arc::new).collect();
        let pages = manifest
            .pages
            .into_iter()
            .filter_map(|(path, entry)| {
                let digest = entry.digest.parse().ok()?;
                Some((path, (digest, entry.file, sources.get(entry.sources)?.clone())))
            })
            .collect();
        Some(PreviousPages { output, store, pages })
    }

    /// Whether `file`, a page [`reuse`](crate::render::EarlierPages::reuse) gave, is a kept
    /// page of the cache folder rather than a file of the previous output.
    pub fn is_kept(&self, file: &Path) -> bool {
        self.store.as_ref().is_some_and(|store| file.starts_with(&store.dir))
    }

    /// What the page at `path` runs and loads when rendered from inputs with `digest`, if the
    /// previous build rendered it from those: the same inputs make the same HTML.
    pub fn sources(&self, path: &str, digest: PageDigest) -> Option<&PageSources> {
        let (previous, _, sources) = self.pages.get(path)?;
        (*previous == digest).then_some(sources.as_ref())
    }
}

impl crate::render::EarlierPages for PreviousPages {
    fn reuse(&self, path: &str, digest: PageDigest) -> Option<PathBuf> {
        let (previous, stamp, _) = self.pages.get(path)?;
        if *previous != digest {
            return None;
        }
        if let Some(output) = &self.output {
            let file = output.join(output_path(path));
            if FileStamp::of(&file).as_ref() == Some(stamp) {
                return Some(file);
            }
        }
        let store = self.store.as_ref().filter(|store| !store.released.load(Ordering::Relaxed))?;
        let kept = store.dir.join(stored_name(digest));
        FileStamp::of(&kept)?.same_bytes_as(stamp).then_some(kept)
    }
}

/// The kept pages a build may link, held with [`STORE_LOCK`] shared: no other build removes
/// any until this one releases it.
struct KeptPages {
    /// Their folder (absolute).
    dir: PathBuf,
    lock: std::fs::File,
    /// Set once the lock is released: no kept page is given out after that.
    released: AtomicBool,
}

impl KeptPages {
    /// Takes the lock of the kept pages in `cache_dir` shared, waiting while a build removes
    /// some (a short while). `None` where the lock cannot be taken at all.
    fn claim(cache_dir: &Path) -> Option<KeptPages> {
        let lock = open_lock(cache_dir).ok()?;
        lock.lock_shared().ok()?;
        Some(KeptPages { dir: absolute(&cache_dir.join(STORE_DIR)), lock, released: AtomicBool::new(false) })
    }

    fn release(&self) {
        self.released.store(true, Ordering::Relaxed);
        let _ = self.lock.unlock();
    }
}

/// Opens (or makes) the kept pages' lock file in `cache_dir`.
fn open_lock(cache_dir: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(false).open(cache_dir.join(STORE_LOCK))
}

/// One page for [`save`] to record.
pub struct SavedPage<'a> {
    /// Site path.
    pub path: &'a str,
    /// What it was rendered from.
    pub digest: PageDigest,
    /// What it runs and loads.
    pub sources: &'a PageSources,
    /// Whether its file is the very file `previous` lists for it in the output folder (reused,
    /// and linked or kept): its stamp is then the one `previous` recorded, and the file is not
    /// looked at again.
    pub unchanged: bool,
    /// Whether this build rendered it (rather than reused a file): its file replaces any kept
    /// one of the same digest.
    pub rendered: bool,
}

/// Records in `cache_dir` the `pages` now in `output`, for the next build, and keeps their
/// files in its [`STORE_DIR`] (only theirs). Pages whose file is not there (it could not be
/// written) are left out.
pub fn save<'a>(
    cache_dir: &Path,
    output: &Path,
    previous: Option<&PreviousPages>,
    pages: impl IntoParallelIterator<Item = SavedPage<'a>>,
) -> std::io::Result<()> {
    let output = absolute(output);
    let store = Store::open(cache_dir.join(STORE_DIR));
    // Held shared while this build's pages are kept, as `previous` holds it while they are
    // linked, so that no other build's clean-up removes what this one just kept.
    let lock = open_lock(cache_dir).ok().filter(|lock| lock.lock_shared().is_ok());
    let stamped: Vec<(&str, PageDigest, &PageSources, FileStamp)> = pages
        .into_par_iter()
        .filter_map(|SavedPage { path, digest, sources, unchanged, rendered }| {
            let file = || output.join(output_path(path));
            let known = previous.filter(|_| unchanged).and_then(|p| p.pages.get(path)).map(|(_, stamp, _)| *stamp);
            let stamp = known.or_else(|| FileStamp::of(&file()))?;
            store.keep(&file, digest, rendered);
            Some((path, digest, sources, stamp))
        })
        .collect();
    if let Some(kept) = previous.and_then(|p| p.store.as_ref()) {
        kept.release();
    }
    if lock.as_ref().is_none_or(|lock| lock.unlock().is_ok() && held_alone(lock)) {
        store.forget_all_but(stamped.iter().map(|&(_, digest, _, _)| digest).collect());
    }
    let mut distinct: Vec<PageSources> = Vec::new();
    let mut index_of: HashMap<&PageSources, usize> = HashMap::new();
    let mut pages = BTreeMap::new();
    for (path, digest, sources, file) in stamped {
        let sources = *index_of.entry(sources).or_insert_with(|| {
            distinct.push(sources.clone());
            distinct.len() - 1
        });
        pages.insert(path.to_string(), Entry { digest: digest.to_string(), file, sources });
    }
    let manifest = Manifest {
        version: MANIFEST_VERSION,
        pamphlet: env!("CARGO_PKG_VERSION").to_string(),
        output,
        sources: distinct,
        pages,
    };
    let text = serde_json::to_vec(&manifest).map_err(std::io::Error::other)?;
    // Written beside and renamed over the old one, so that a killed build leaves a whole file
    // (named for the process and thread: tests build on several threads at once).
    crate::fs::replace_file(&cache_dir.join(MANIFEST), &text)
}

/// Whether `lock`, held by no one in this build, can be taken alone: no other build is
/// linking kept pages or keeping its own. Where locks do not work at all, no build links kept
/// pages, and so they may go.
fn held_alone(lock: &std::fs::File) -> bool {
    !matches!(lock.try_lock(), Err(std::fs::TryLockError::WouldBlock))
}

/// The kept pages of [`STORE_DIR`] while [`save`] brings them up to date. Only ever a shortcut:
/// a kept file is used only with the stamp the manifest gives it, so one that could not be
/// linked or removed costs at worst a page rendered again.
struct Store {
    dir: PathBuf,
    /// The digests the folder's files are named by.
    found: HashSet<PageDigest>,
    /// Its other files.
    strays: Vec<std::ffi::OsString>,
    /// Cleared when a link failed because the folder is on another file system than the
    /// output: copying every page there would cost more than rendering saves.
    linkable: AtomicBool,
}

impl Store {
    fn open(dir: PathBuf) -> Store {
        let (mut found, mut strays) = (HashSet::new(), Vec::new());
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let name = entry.file_name();
            let digest = name.to_str().and_then(|text| text.parse().ok().filter(|&d| stored_name(d) == text));
            match digest {
                Some(digest) => _ = found.insert(digest),
                None => strays.push(name),
            }
        }
        let linkable = AtomicBool::new(std::fs::create_dir_all(&dir).is_ok());
        Store { dir, found, strays, linkable }
    }

    /// Keeps the page with `digest` whose output file is `file()`: a page just rendered
    /// replaces the kept file of its digest (a file not reused was not trusted), a reused one
    /// is linked only when none is kept.
    fn keep(&self, file: &dyn Fn() -> PathBuf, digest: PageDigest, rendered: bool) {
        let found = self.found.contains(&digest);
        if (found && !rendered) || !self.linkable.load(Ordering::Relaxed) {
            return;
        }
        let kept = self.dir.join(stored_name(digest));
        // A kept file is replaced by renaming over it, never removed first: another build may
        // be about to link it (see the module's documentation).
        let link = if found {
            self.dir.join(format!(".{}.{}", stored_name(digest), std::process::id()))
        } else {
            kept.clone()
        };
        match std::fs::hard_link(file(), &link) {
            Ok(()) if found => {
                if std::fs::rename(&link, &kept).is_err() {
                    let _ = std::fs::remove_file(&link);
                }
            }
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::CrossesDevices => {
                self.linkable.store(false, Ordering::Relaxed);
            }
            Err(_) => {}
        }
    }

    /// Removes the files not named by a digest of `wanted`: pages rendered from other inputs
    /// since, or gone, and anything else.
    fn forget_all_but(&self, wanted: HashSet<PageDigest>) {
        let unwanted = self.found.iter().filter(|digest| !wanted.contains(digest)).map(|&d| stored_name(d).into());
        let names: Vec<std::ffi::OsString> = unwanted.chain(self.strays.iter().cloned()).collect();
        names.par_iter().for_each(|name| {
            let _ = std::fs::remove_file(self.dir.join(name));
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::EarlierPages;

    /// A cache folder and an output folder holding `/a/` and `/b.html`, saved with digests 1
    /// and 2 (and `/gone/`, digest 3, whose file was never written).
    struct Saved {
        dir: tempfile::TempDir,
        sources: PageSources,
    }

    impl Saved {
        fn new() -> Saved {
            let dir = tempfile::tempdir().unwrap();
            let saved = Saved {
                dir,
                sources: PageSources { scripts: ["'sha256-x'".to_string()].into(), ..PageSources::default() },
            };
            std::fs::create_dir_all(saved.output().join("a")).unwrap();
            std::fs::write(saved.output().join("a/index.html"), "<p>a</p>").unwrap();
            std::fs::write(saved.output().join("b.html"), "<p>b</p>").unwrap();
            saved.save(&[("/a/", 1), ("/b.html", 2), ("/gone/", 3)]);
            saved
        }

        fn cache(&self) -> PathBuf {
            self.dir.path().join("cache")
        }

        fn output(&self) -> PathBuf {
            self.dir.path().join("public")
        }

        fn kept(&self, digest: u128) -> PathBuf {
            absolute(&self.cache().join(STORE_DIR).join(stored_name(PageDigest(digest))))
        }

        /// Records `pages` (path, digest), all rendered by this build.
        fn save(&self, pages: &[(&'static str, u128)]) {
            self.save_after(None, pages);
        }

        /// As [`Saved::save`], by a build that loaded `previous`.
        fn save_after(&self, previous: Option<&PreviousPages>, pages: &[(&'static str, u128)]) {
            let page = |&(path, digest): &(&'static str, u128)| SavedPage {
                path,
                digest: PageDigest(digest),
                sources: &self.sources,
                unchanged: false,
                rendered: true,
            };
            save(&self.cache(), &self.output(), previous, pages.iter().map(page).collect::<Vec<_>>()).unwrap();
        }

        fn previous(&self) -> PreviousPages {
            PreviousPages::load(&self.cache(), &self.output()).expect("the manifest just written")
        }
    }

    #[test]
    fn a_page_is_reused_only_with_its_digest_and_its_file_as_it_was() {
        let saved = Saved::new();
        let (a, b) = (PageDigest(1), PageDigest(2));
        let previous = saved.previous();
        assert_eq!(previous.reuse("/a/", a), Some(absolute(&saved.output()).join("a/index.html")));
        assert_eq!(previous.sources("/a/", a), Some(&saved.sources));
        assert_eq!(previous.sources("/a/", b), None, "another digest, maybe other HTML");
        assert_eq!(previous.reuse("/a/", b), None, "another digest");
        assert_eq!(previous.reuse("/gone/", PageDigest(3)), None, "a file that was not there is not listed");
        assert_eq!(previous.reuse("/c/", a), None);
        // A file replaced (as a person editing the output would) is not reused: the kept
        // page, which a new file leaves alone, is linked back instead.
        std::fs::remove_file(saved.output().join("b.html")).unwrap();
        std::fs::write(saved.output().join("b.html"), "<p>B</p>").unwrap();
        assert_eq!(previous.reuse("/b.html", b), Some(saved.kept(2)));
        assert_eq!(std::fs::read_to_string(saved.kept(2)).unwrap(), "<p>b</p>");
        // Another output folder gets the kept pages; the sources hold for any.
        let elsewhere = PreviousPages::load(&saved.cache(), &saved.dir.path().join("elsewhere")).expect("the manifest");
        assert_eq!(elsewhere.reuse("/a/", a), Some(saved.kept(1)));
        assert!(elsewhere.is_kept(&saved.kept(1)) && !elsewhere.is_kept(&saved.output().join("a/index.html")));
        assert_eq!(elsewhere.sources("/a/", a), Some(&saved.sources));
    }

    /// The kept pages of a CI cache: the output folder is gone, the cache folder may have been
    /// restored as copies; a page written into in place is never taken from there.
    #[test]
    fn kept_pages_are_reused_into_an_empty_output_while_their_size_and_time_hold() {
        let saved = Saved::new();
        let (a, b) = (PageDigest(1), PageDigest(2));
        std::fs::remove_dir_all(saved.output()).unwrap();
        let previous = saved.previous();
        assert_eq!(previous.reuse("/a/", a), Some(saved.kept(1)));
        assert_eq!(previous.reuse("/a/", b), None, "another digest");
        // A copy with the modification time of the file it copies, as `tar -x` restores it.
        let restored = |digest: u128, text: &str, time: std::time::SystemTime| {
            let kept = saved.kept(digest);
            std::fs::remove_file(&kept).unwrap();
            std::fs::write(&kept, text).unwrap();
            std::fs::File::options().write(true).open(&kept).unwrap().set_modified(time).unwrap();
        };
        let time_of = |digest: u128| std::fs::metadata(saved.kept(digest)).unwrap().modified().unwrap();
        restored(1, "<p>a</p>", time_of(1));
        assert_eq!(previous.reuse("/a/", a), Some(saved.kept(1)), "a restored copy");
        restored(2, "<p>b</p>", time_of(2) - std::time::Duration::from_nanos(1));
        assert_eq!(previous.reuse("/b.html", b), None, "another modification time");
        restored(2, "<p>b!</p>", time_of(2));
        assert_eq!(previous.reuse("/b.html", b), None, "another size");

        // Written into in place through the output (the same file): neither is reused.
        // The same size; the clock of a coarse file system may give the same time within a
        // few milliseconds, so the later time is set.
        let saved = Saved::new();
        let page = saved.output().join("a/index.html");
        let written = std::fs::metadata(&page).unwrap().modified().unwrap();
        std::fs::write(&page, "<p>A</p>").unwrap();
        let file = std::fs::File::options().write(true).open(&page).unwrap();
        file.set_modified(written + std::time::Duration::from_millis(1)).unwrap();
        assert_eq!(saved.previous().reuse("/a/", a), None);
    }

    #[test]
    fn only_the_pages_of_the_last_build_are_kept() {
        let saved = Saved::new();
        let kept = |digest| saved.kept(digest).is_file();
        assert!(kept(1) && kept(2) && !kept(3), "every page written, as its output file");
        // `/b.html` rendered from other inputs: its old kept file goes, and so does what is
        // not a page of this build.
        std::fs::write(saved.cache().join(STORE_DIR).join("stray"), "").unwrap();
        saved.save(&[("/a/", 1), ("/b.html", 4)]);
        assert!(kept(1) && !kept(2) && kept(4));
        assert!(!saved.cache().join(STORE_DIR).join("stray").exists());
        // A page rendered again replaces a kept file of its digest (a copy that was not trusted).
        std::fs::remove_file(saved.kept(4)).unwrap();
        std::fs::write(saved.kept(4), "something else").unwrap();
        saved.save(&[("/a/", 1), ("/b.html", 4)]);
        assert_eq!(std::fs::read_to_string(saved.kept(4)).unwrap(), "<p>b</p>");
    }

    /// Builds sharing a cache folder run at once (a site built with and without drafts): one's
    /// clean-up leaves the kept pages alone while another may still link them.
    #[test]
    fn kept_pages_stay_while_another_build_may_link_them() {
        let saved = Saved::new();
        let other_build = saved.previous();
        // This build renders both pages from other inputs.
        std::fs::remove_dir_all(saved.output()).unwrap();
        std::fs::create_dir_all(saved.output().join("a")).unwrap();
        std::fs::write(saved.output().join("a/index.html"), "<p>new a</p>").unwrap();
        std::fs::write(saved.output().join("b.html"), "<p>new b</p>").unwrap();
        saved.save(&[("/a/", 5), ("/b.html", 6)]);
        let kept = |digest| saved.kept(digest).is_file();
        assert!(kept(1) && kept(2) && kept(5) && kept(6), "the other build's pages stay");
        assert_eq!(other_build.reuse("/a/", PageDigest(1)), Some(saved.kept(1)));
        // Once the other build has kept its own pages (it saves what it linked), the next
        // build on its own removes what neither produced.
        saved.save_after(Some(&other_build), &[("/a/", 5), ("/b.html", 6)]);
        assert_eq!(other_build.reuse("/a/", PageDigest(1)), None, "no kept page after saving");
        assert!(!kept(1) && !kept(2) && kept(5) && kept(6));
    }
}
