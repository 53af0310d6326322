//! The dev server's memory of parsed documents ([`ContentCache`], through the content
//! loader's [`DocumentMemory`] hook): a rebuild re-parses only the files whose fingerprint
//! (modification time, length, hash) changed, and can skip listing `content/` when the
//! watcher names the only files that changed. A plain build passes no memory and never
//! comes here.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use crate::config::Config;
use crate::content::{Article, CONTENT_DIR, Common, Document, DocumentMemory, Found, PAGES_DIR, parse_bytes};
use crate::error::{Error, Result};
use crate::fs::FileStamp;
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

/// A file's fingerprint and what it parsed into (`None`: a file that is no document).
type Remembered = (FileStamp, Option<Document>);

/// Parsed documents kept between builds, by absolute path.
#[derive(Default)]
pub struct ContentCache {
    /// The configuration the documents were parsed with.
    config: Option<Config>,
    /// The fingerprint of the shortcodes they were expanded with.
    shortcodes: u64,
    docs: HashMap<PathBuf, Remembered>,
    /// What the load under way parsed (not re-used): `None` for a file that failed, which is
    /// then parsed (and its errors reported) again next time. Filled in parallel.
    fresh: Mutex<Vec<(PathBuf, Option<Remembered>)>>,
    /// Files parsed (not re-used) by the last load, for tests and the dev server's log.
    parsed_last: usize,
    /// The last complete listing of content/.
    listing: Option<Vec<Found>>,
    /// Set by [`ContentCache::only_changed`] for the next load.
    hint: Option<Vec<PathBuf>>,
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
    ) -> Result<Option<Arc<Article>>> {
        if path.starts_with(root.join(CONTENT_DIR).join(PAGES_DIR)) {
            return Ok(None);
        }
        let meta = std::fs::symlink_metadata(path).map_err(|e| Error::io("read", path, e))?;
        let bytes = crate::fs::read(path)?;
        let fingerprint = FileStamp::new(&meta, &bytes);
        match parse_bytes(root, path, bytes, None, config, markdown) {
            Ok(Some(Document::Article(article))) => {
                self.docs.insert(path.to_path_buf(), (fingerprint, Some(Document::Article(article.clone()))));
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

    /// Notes a file the load under way looked at afresh, and passes its result on: kept with
    /// its fingerprint when it parsed, forgotten when it did not.
    fn parsed_now(
        &self,
        path: &Path,
        fingerprint: Option<FileStamp>,
        result: std::result::Result<Option<Document>, Vec<Error>>,
    ) -> std::result::Result<Option<Document>, Vec<Error>> {
        let kept = fingerprint.zip(result.as_ref().ok().cloned());
        self.fresh.lock().unwrap_or_else(PoisonError::into_inner).push((path.to_path_buf(), kept));
        result
    }

    /// How many Markdown files the last load had to parse (the others came from the cache).
    pub fn parsed_last(&self) -> usize {
        self.parsed_last
    }
}

impl DocumentMemory for ContentCache {
    fn start_load(&mut self, config: &Config, markdown: &Markdown) -> Option<(Vec<Found>, Vec<PathBuf>)> {
        // Shortcode templates, strings and static files shape bodies too.
        let shortcodes = markdown.expander_fingerprint();
        if self.config.as_ref() != Some(config) || self.shortcodes != shortcodes {
            self.docs.clear();
            self.config = Some(config.clone());
            self.shortcodes = shortcodes;
        }
        let hint = self.hint.take()?;
        let listing = self.listing.take()?;
        let known = hint.iter().all(|p| self.docs.contains_key(p) && p.is_file());
        known.then_some((listing, hint))
    }

    fn document(
        &self,
        root: &Path,
        path: &Path,
        in_pages: Option<&Path>,
        config: &Config,
        markdown: &Markdown,
        unchanged: bool,
    ) -> std::result::Result<Option<Document>, Vec<Error>> {
        // A document is unchanged only while the files its shortcodes read are too (a PDF
        // replaced in static/ changes the card of every article that shows it).
        let files_unchanged =
            |doc: &Option<Document>| doc.as_ref().is_none_or(|d| markdown.files_unchanged(&d.common().body));
        if unchanged
            && let Some((_, doc)) = self.docs.get(path)
            && files_unchanged(doc)
        {
            return Ok(doc.clone());
        }
        let meta = match std::fs::symlink_metadata(path) {
            Ok(meta) => meta,
            Err(e) => return self.parsed_now(path, None, Err(vec![Error::io("read", path, e)])),
        };
        if let Some((cached, doc)) = self.docs.get(path)
            && cached.still_matches(path, &meta)
            && files_unchanged(doc)
        {
            return Ok(doc.clone());
        }
        let bytes = match crate::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) => return self.parsed_now(path, None, Err(vec![e])),
        };
        let fingerprint = FileStamp::new(&meta, &bytes);
        let result = parse_bytes(root, path, bytes, in_pages, config, markdown);
        self.parsed_now(path, Some(fingerprint), result)
    }

    fn finish_load(&mut self, found: Vec<Found>, walked: bool, complete: bool) {
        if walked {
            let present: std::collections::HashSet<&Path> = found
                .iter()
                .filter_map(|f| match f {
                    Found::Markdown { path, .. } => Some(path.as_path()),
                    Found::Other(_) => None,
                })
                .collect();
            self.docs.retain(|p, _| present.contains(p.as_path()));
        }
        let fresh = std::mem::take(self.fresh.get_mut().unwrap_or_else(PoisonError::into_inner));
        self.parsed_last = fresh.len();
        for (path, kept) in fresh {
            match kept {
                Some(entry) => {
                    self.docs.insert(path, entry);
                }
                None => {
                    self.docs.remove(&path);
                }
            }
        }
        if complete {
            self.listing = Some(found);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{Content, LoadOptions};

    fn config() -> Config {
        Config::parse("title: T\nbase_url: https://example.org/\n", None).unwrap()
    }

    fn load_cached(root: &Path, config: &Config, cache: &mut ContentCache) -> Content {
        let opts = LoadOptions { drafts: false, future: false, now: jiff::Timestamp::now() };
        let (content, errors) = crate::content::load_remembering(root, config, &Markdown::new(), opts, cache).unwrap();
        assert!(errors.is_empty(), "{errors:?}");
        content
    }

    #[test]
    fn the_cache_parses_only_files_that_changed() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, title: &str| {
            let text = format!("---\ntitle: {title}\ndate: 2023-09-05\n---\nBody.\n");
            std::fs::write(dir.path().join("content").join(name), text).unwrap();
        };
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        write("a.md", "Alpha");
        write("b.md", "Bravo");
        let mut cache = ContentCache::default();
        assert_eq!(load_cached(dir.path(), &config(), &mut cache).articles.len(), 2);
        assert_eq!(cache.parsed_last(), 2);
        load_cached(dir.path(), &config(), &mut cache);
        assert_eq!(cache.parsed_last(), 0);

        // Same length, saved at once: the modification time may not have moved.
        write("a.md", "Alpho");
        let content = load_cached(dir.path(), &config(), &mut cache);
        assert_eq!(cache.parsed_last(), 1);
        let titles: Vec<&str> = content.articles.iter().map(|a| a.common.title.as_str()).collect();
        assert_eq!(titles, vec!["Alpho", "Bravo"]);

        std::fs::remove_file(dir.path().join("content/b.md")).unwrap();
        assert_eq!(load_cached(dir.path(), &config(), &mut cache).articles.len(), 1);

        let moved = Config::parse("title: T\nbase_url: https://example.org/mirror/\n", None).unwrap();
        load_cached(dir.path(), &moved, &mut cache);
        assert_eq!(cache.parsed_last(), 1, "a new config parses everything again");
    }

    #[test]
    fn a_hint_naming_known_files_skips_the_listing_and_anything_else_lists_again() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(&content).unwrap();
        let write = |name: &str, title: &str| {
            std::fs::write(content.join(name), format!("---\ntitle: {title}\ndate: 2023-09-05\n---\nBody.\n")).unwrap();
        };
        write("a.md", "Alpha");
        write("b.md", "Bravo");
        let mut cache = ContentCache::default();
        load_cached(dir.path(), &config(), &mut cache);

        write("a.md", "Alpha two");
        write("b.md", "Bravo two");
        cache.only_changed(vec![content.join("a.md")]);
        let loaded = load_cached(dir.path(), &config(), &mut cache);
        let titles: Vec<&str> = loaded.articles.iter().map(|a| a.common.title.as_str()).collect();
        assert_eq!(titles, vec!["Alpha two", "Bravo"], "only the named file is looked at");
        assert_eq!(cache.parsed_last(), 1);

        write("c.md", "Charlie");
        cache.only_changed(vec![content.join("c.md")]);
        let loaded = load_cached(dir.path(), &config(), &mut cache);
        let titles: Vec<&str> = loaded.articles.iter().map(|a| a.common.title.as_str()).collect();
        assert_eq!(titles, vec!["Alpha two", "Bravo two", "Charlie"], "a new file means a full listing");
    }
}
