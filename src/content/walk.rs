//! Listing `content/`: Markdown files (articles, and pages under `content/pages/`) and the
//! other files beside them (bundle images, PDFs), without editor litter or symlinks.

use std::path::{Path, PathBuf};

use super::{Asset, PAGES_DIR};
use crate::error::{Error, Location, Warning};

/// Files editors and operating systems leave beside the real ones: never content, and never a
/// reason for the dev server to rebuild. Hidden files (`.DS_Store`, `.a.md.swp`), `#autosave#`
/// and backup `~` files, swap files, vim's all-digit `4913` write probe, JetBrains' safe-write
/// files, `*.tmp`.
pub fn is_editor_litter(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || (!name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether a walked entry is editor litter: hidden folders are skipped too, but other folders
/// never are (`content/2024/` is all digits, like vim's write probe).
pub(crate) fn is_left_behind(entry: &walkdir::DirEntry) -> bool {
    let name = entry.file_name().to_string_lossy();
    if entry.file_type().is_dir() { name.starts_with('.') } else { is_editor_litter(&name) }
}

pub(crate) enum Found {
    Markdown { path: PathBuf, in_pages: Option<PathBuf> },
    Other(PathBuf),
}

pub(crate) fn asset_for(root: &Path, content_dir: &Path, bundles: &[PathBuf], path: PathBuf) -> Asset {
    let owner = bundles.iter().filter(|b| path.starts_with(b)).max_by_key(|b| b.components().count());
    match owner {
        Some(bundle_dir) => Asset {
            relative: path.strip_prefix(bundle_dir).unwrap_or(&path).to_path_buf(),
            bundle: Some(relative_to(root, &bundle_dir.join("index.md"))),
            source: path,
        },
        None => Asset {
            relative: path.strip_prefix(content_dir).unwrap_or(&path).to_path_buf(),
            bundle: None,
            source: path,
        },
    }
}

pub(crate) fn relative_to(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Lists content files in a stable order. Symlinks are not followed (a link could point
/// outside the site); unreadable folders become errors.
pub(crate) fn walk(root: &Path, content_dir: &Path) -> (Vec<Found>, Vec<Error>, Vec<Warning>) {
    let pages_dir = content_dir.join(PAGES_DIR);
    let mut found = Vec::new();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let walker = walkdir::WalkDir::new(content_dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_left_behind(e));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map(Path::to_path_buf).unwrap_or_else(|| content_dir.to_path_buf());
                let io = e.into_io_error().unwrap_or_else(|| std::io::Error::other("file system loop"));
                errors.push(Error::io("read", &path, io));
                continue;
            }
        };
        if entry.depth() > 0 && entry.path_is_symlink() {
            warnings.push(Warning {
                location: Location::file(relative_to(root, entry.path())),
                code: "symlink",
                message:
                    "symbolic link not followed (it could point outside the site): copy the file into content/ instead"
                        .into(),
            });
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.into_path();
        if path.extension().is_some_and(|e| e == "md") {
            let in_pages = path.strip_prefix(&pages_dir).ok().map(Path::to_path_buf);
            found.push(Found::Markdown { path, in_pages });
        } else {
            found.push(Found::Other(path));
        }
    }
    (found, errors, warnings)
}
