//! The dev server's memory of parsed documents: a rebuild re-parses only the files whose
//! stamp (modification time, length, hash) changed, and can skip listing `content/` when the
//! watcher names the only files that changed. [`super::load_parts`] asks it through
//! [`parse_cached`] and [`remember`]; a plain build passes no cache and never comes here.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::parse::{parse_bytes, parse_file};
use super::walk::Found;
use super::{Article, CONTENT_DIR, Common, Content, Document, LoadOptions, PAGES_DIR, load_parts};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::markdown::Markdown;

/// Whether two versions of an article differ at most in their body, the summary taken from
/// it, and `extra:`: then the article keeps its place, URL, neighbours and relations, and only
/// the pages that show it need rendering again.
pub fn same_apart_from_body(a: &Article, b: &Article) -> bool {
    // Destructured so that a new field cannot be forgotten here.
    let Article {
        common,
        date,
        updated,
        authors,
        categories,
        tags,
        slug,
        previous,
        next,
        corrections,
        updates,
        withheld,
    } = a;
    let Common {
        source,
        title,
        summary: _,
        lang,
        translation_key,
        image,
        image_position: _,
        image_caption,
        image_alt,
        draft,
        aliases,
        extra: _,
        body: _,
        inline_images: _,
        is_bundle,
        warnings: _,
    } = common;
    *date == b.date
        && *updated == b.updated
        && *authors == b.authors
        && *categories == b.categories
        && *tags == b.tags
        && *slug == b.slug
        && *previous == b.previous
        && *next == b.next
        && *corrections == b.corrections
        && *updates == b.updates
        && *withheld == b.withheld
        && *source == b.common.source
        && *title == b.common.title
        && *lang == b.common.lang
        && *translation_key == b.common.translation_key
        && *image == b.common.image
        && *image_caption == b.common.image_caption
        && *image_alt == b.common.image_alt
        && *draft == b.common.draft
        && *aliases == b.common.aliases
        && *is_bundle == b.common.is_bundle
}

/// Like [`load_all`] (what parsed, and the problems of what did not), but re-uses documents
/// parsed by an earlier call whose file has the same modification time and length, so that the
/// dev server re-parses only what an edit touched. The cache forgets everything when `config`
/// differs from the one it was filled with (parsing depends on it: the base URL's prefix, the
/// timezone).
pub fn load_with_cache(
    root: &Path,
    config: &Config,
    markdown: &Markdown,
    opts: LoadOptions,
    cache: &mut ContentCache,
) -> Result<(Content, Vec<Error>)> {
    // Shortcode templates, strings and static files shape bodies too.
    let shortcodes = markdown.expander_fingerprint();
    if cache.config.as_ref() != Some(config) || cache.shortcodes != shortcodes {
        cache.docs.clear();
        cache.config = Some(config.clone());
        cache.shortcodes = shortcodes;
    }
    load_parts(root, config, markdown, opts, Some(cache))
}

/// Parsed documents kept between builds (see [`load_with_cache`]).
#[derive(Default)]
pub struct ContentCache {
    /// The configuration the documents were parsed with.
    pub(super) config: Option<Config>,
    /// The fingerprint of the shortcodes they were expanded with.
    pub(super) shortcodes: u64,
    pub(super) docs: HashMap<PathBuf, (FileFingerprint, Option<Document>)>,
    /// Files parsed (not re-used) by the last load, for tests and the dev server's log.
    pub(super) parsed_last: usize,
    /// The last complete listing of content/.
    pub(super) listing: Option<Vec<Found>>,
    /// Set by [`ContentCache::only_changed`] for the next load.
    pub(super) hint: Option<Vec<PathBuf>>,
}

impl ContentCache {
    /// Tells the next load that since the last one only `paths` (absolute, as found under
    /// `content/`) may have changed. When they are all Markdown files the cache already
    /// holds, that load skips listing `content/` and checking every other file: for a large
    /// archive, most of the cost of a rebuild. Otherwise (a new, deleted or renamed file, an
    /// asset) it lists and checks everything as usual.
    pub fn only_changed(&mut self, paths: Vec<PathBuf>) {
        self.hint = Some(paths);
    }

    /// Parses the article at `path` again (an edit the caller knows about), remembers it, and
    /// returns it. `Ok(None)` when the file is not an article (a page, or no longer one).
    pub fn reload_article(
        &mut self,
        root: &Path,
        path: &Path,
        config: &Config,
        markdown: &Markdown,
    ) -> Result<Option<std::sync::Arc<Article>>> {
        if path.starts_with(root.join(CONTENT_DIR).join(PAGES_DIR)) {
            return Ok(None);
        }
        let meta = std::fs::symlink_metadata(path).map_err(|e| Error::io("read", path, e))?;
        let bytes = crate::fs::read(path)?;
        let stamp = FileFingerprint::new(&meta, &bytes);
        match parse_bytes(root, path, bytes, None, config, markdown) {
            Ok(Some(Document::Article(article))) => {
                self.docs.insert(path.to_path_buf(), (stamp, Some(Document::Article(article.clone()))));
                Ok(Some(article))
            }
            Ok(_) => Ok(None),
            Err(errors) => {
                // Parsed (and reported) again by the next load.
                self.docs.remove(path);
                Err(Error::collect(errors).err().unwrap_or(Error::Many(Vec::new())))
            }
        }
    }

    /// The last listing and the changed files, when [`ContentCache::only_changed`] allows it.
    pub(super) fn reusable_listing(&mut self) -> Option<(Vec<Found>, Vec<PathBuf>)> {
        let hint = self.hint.take()?;
        let listing = self.listing.take()?;
        let known = hint.iter().all(|p| self.docs.contains_key(p) && p.is_file());
        known.then_some((listing, hint))
    }

    /// How many Markdown files the last load had to parse (the others came from the cache).
    pub fn parsed_last(&self) -> usize {
        self.parsed_last
    }
}

/// What identifies one version of a file: modification time, length, and a hash of the
/// bytes. File systems keep modification times with a coarse clock (milliseconds), so two
/// saves of the same length in quick succession can share a time: for a file modified in
/// the last [`RACY_WINDOW`], the bytes are hashed again (as git does for "racy" entries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FileFingerprint {
    modified: Option<std::time::SystemTime>,
    len: u64,
    hash: u64,
}

/// How recent a modification time must be for the stamp alone not to be trusted.
pub(crate) const RACY_WINDOW: std::time::Duration = std::time::Duration::from_secs(2);

impl FileFingerprint {
    fn new(meta: &std::fs::Metadata, bytes: &[u8]) -> FileFingerprint {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        bytes.hash(&mut hasher);
        FileFingerprint { modified: meta.modified().ok(), len: meta.len(), hash: hasher.finish() }
    }

    /// Whether `cached` still describes the file at `path` (metadata `meta`).
    fn still_matches(&self, path: &Path, meta: &std::fs::Metadata) -> bool {
        if self.modified != meta.modified().ok() || self.len != meta.len() {
            return false;
        }
        let recent = self.modified.and_then(|m| m.elapsed().ok()).is_none_or(|age| age < RACY_WINDOW);
        !recent || std::fs::read(path).is_ok_and(|bytes| FileFingerprint::new(meta, &bytes).hash == self.hash)
    }
}

/// One Markdown file's outcome: its stamp (when cached), the parse result, and whether it
/// was parsed now rather than taken from the cache.
pub(crate) type ParseOutcome = (Option<FileFingerprint>, Result<Option<Document>, Vec<Error>>, bool);

/// Parses one file, or clones it from the cache when its stamp has not changed (or without
/// looking, when `trusted`: the caller said it did not change).
pub(crate) fn parse_cached(
    root: &Path,
    path: &Path,
    in_pages: Option<&Path>,
    config: &Config,
    markdown: &Markdown,
    cache: Option<&ContentCache>,
    trusted: bool,
) -> ParseOutcome {
    let Some(cache) = cache else {
        return (None, parse_file(root, path, in_pages, config, markdown), true);
    };
    if trusted && let Some((stamp, doc)) = cache.docs.get(path) {
        return (Some(*stamp), Ok(doc.clone()), false);
    }
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) => return (None, Err(vec![Error::io("read", path, e)]), true),
    };
    if let Some((cached, doc)) = cache.docs.get(path)
        && cached.still_matches(path, &meta)
    {
        return (Some(*cached), Ok(doc.clone()), false);
    }
    let bytes = match crate::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => return (None, Err(vec![e]), true),
    };
    let stamp = FileFingerprint::new(&meta, &bytes);
    (Some(stamp), parse_bytes(root, path, bytes, in_pages, config, markdown), true)
}

/// Stores what was parsed now and, after a full listing, forgets files that are gone. Files that failed to parse are
/// not stored, so they are parsed (and their errors reported) again next time.
pub(crate) fn remember(cache: &mut ContentCache, parsed: &[(&Path, ParseOutcome)], full_listing: bool) {
    if full_listing {
        let present: std::collections::HashSet<&Path> = parsed.iter().map(|(p, _)| *p).collect();
        cache.docs.retain(|p, _| present.contains(p.as_path()));
    }
    cache.parsed_last = 0;
    for (path, (stamp, result, fresh)) in parsed {
        if !fresh {
            continue;
        }
        cache.parsed_last += 1;
        match (stamp, result) {
            (Some(stamp), Ok(doc)) => {
                cache.docs.insert(path.to_path_buf(), (*stamp, doc.clone()));
            }
            _ => {
                cache.docs.remove(*path);
            }
        }
    }
}
