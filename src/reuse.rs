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

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::headers::PageSources;
use crate::output::absolute;
use crate::permalink::output_path;
use crate::render::digest::PageDigest;

/// The manifest's file name in the cache folder.
pub const MANIFEST: &str = "rendered-pages.json";

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
    /// The output folder they are in, when it is this build's: only then are files reused.
    output: Option<PathBuf>,
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
        let sources: Vec<Arc<PageSources>> = manifest.sources.into_iter().map(Arc::new).collect();
        let pages = manifest
            .pages
            .into_iter()
            .filter_map(|(path, entry)| {
                let digest = entry.digest.parse().ok()?;
                Some((path, (digest, entry.file, sources.get(entry.sources)?.clone())))
            })
            .collect();
        Some(PreviousPages { output, pages })
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
        let output = self.output.as_ref()?;
        let (previous, stamp, _) = self.pages.get(path)?;
        if *previous != digest {
            return None;
        }
        let file = output.join(output_path(path));
        (FileStamp::of(&file)? == *stamp).then_some(file)
    }
}

/// One page for [`save`] to record.
pub struct SavedPage<'a> {
    /// Site path.
    pub path: &'a str,
    /// What it was rendered from.
    pub digest: PageDigest,
    /// What it runs and loads.
    pub sources: &'a PageSources,
    /// Whether its file is the very file `previous` lists for it (reused, and linked or kept):
    /// its stamp is then the one `previous` recorded, and the file is not looked at again.
    pub unchanged: bool,
}

/// Records in `cache_dir` the `pages` now in `output`, for the next build. Pages whose file is
/// not there (it could not be written) are left out.
pub fn save<'a>(
    cache_dir: &Path,
    output: &Path,
    previous: Option<&PreviousPages>,
    pages: impl IntoParallelIterator<Item = SavedPage<'a>>,
) -> std::io::Result<()> {
    let output = absolute(output);
    let stamped: Vec<(&str, PageDigest, &PageSources, FileStamp)> = pages
        .into_par_iter()
        .filter_map(|SavedPage { path, digest, sources, unchanged }| {
            let known = previous.filter(|_| unchanged).and_then(|p| p.pages.get(path)).map(|(_, stamp, _)| *stamp);
            let stamp = known.or_else(|| FileStamp::of(&output.join(output_path(path))))?;
            Some((path, digest, sources, stamp))
        })
        .collect();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::EarlierPages;

    #[test]
    fn a_page_is_reused_only_with_its_digest_and_its_file_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let (cache, output) = (dir.path().join("cache"), dir.path().join("public"));
        std::fs::create_dir_all(output.join("a")).unwrap();
        std::fs::write(output.join("a/index.html"), "<p>a</p>").unwrap();
        std::fs::write(output.join("b.html"), "<p>b</p>").unwrap();
        let sources = PageSources { scripts: ["'sha256-x'".to_string()].into(), ..PageSources::default() };
        let (a, b) = (PageDigest(1), PageDigest(2));
        let page = |path, digest| SavedPage { path, digest, sources: &sources, unchanged: false };
        let pages = vec![page("/a/", a), page("/b.html", b), page("/gone/", PageDigest(3))];
        save(&cache, &output, None, pages).unwrap();

        let previous = PreviousPages::load(&cache, &output).expect("the manifest just written");
        assert_eq!(previous.reuse("/a/", a), Some(absolute(&output).join("a/index.html")));
        assert_eq!(previous.sources("/a/", a), Some(&sources));
        assert_eq!(previous.sources("/a/", b), None, "another digest, maybe other HTML");
        assert_eq!(previous.reuse("/a/", b), None, "another digest");
        assert_eq!(previous.reuse("/gone/", PageDigest(3)), None, "a file that was not there is not listed");
        assert_eq!(previous.reuse("/c/", a), None);
        // A file replaced (as a person editing the output would) is rendered again.
        std::fs::remove_file(output.join("b.html")).unwrap();
        std::fs::write(output.join("b.html"), "<p>B</p>").unwrap();
        assert_eq!(previous.reuse("/b.html", b), None);
        // Files are reused from one output folder only; their sources hold for any.
        let elsewhere = PreviousPages::load(&cache, &dir.path().join("elsewhere")).expect("the same manifest");
        assert_eq!(elsewhere.reuse("/a/", a), None);
        assert_eq!(elsewhere.sources("/a/", a), Some(&sources));
    }
}
