//! Loading `content/`: walk it, split articles from `content/pages/`, parse every file in
//! parallel, and collect every problem (a build reports all broken files at once).

pub mod article;
pub mod front_matter;
pub mod page;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::error::{Error, Location, Position, Result, Warning};
use crate::markdown::{Markdown, Rendered};
use crate::yaml::{YamlProblem, YamlSource};
pub use article::Article;
use front_matter::FrontMatter;
pub use page::Page;

/// Name of the content folder under the site root.
pub const CONTENT_DIR: &str = "content";
/// Name of the pages folder under `content/`.
pub const PAGES_DIR: &str = "pages";

/// A value from front matter with the position it was written at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where it is in the file, when found.
    pub position: Option<Position>,
}

/// What articles and pages have in common.
#[derive(Debug, Clone)]
pub struct Common {
    /// Path relative to the site root (`content/2023/09/x.md`), used in messages.
    pub source: PathBuf,
    /// Title.
    pub title: String,
    /// Plain-text summary: `summary:`, else text before `<!-- more -->`, else the first paragraph.
    pub summary: String,
    /// Language code, when it differs from the site's.
    pub lang: Option<String>,
    /// `translation_key:`: documents sharing it are translations of each other.
    pub translation_key: Option<Located<String>>,
    /// Featured image as written.
    pub image: Option<String>,
    /// Where `image:` is written, for "image not found" errors.
    pub image_position: Option<Position>,
    /// Featured image caption.
    pub image_caption: Option<String>,
    /// Featured image alt text.
    pub image_alt: Option<String>,
    /// Marked as draft (only present when drafts are built).
    pub draft: bool,
    /// Old site paths that redirect here, normalised (`/old/path/`).
    pub aliases: Vec<Located<String>>,
    /// Free-form template data.
    pub extra: serde_yaml::Mapping,
    /// The rendered body; shared, so that the dev server's document cache clones cheaply.
    pub body: std::sync::Arc<Rendered>,
    /// The body's Markdown images (`![alt](url)`), each located in the file.
    pub inline_images: Vec<Located<String>>,
    /// True for `index.md` files, whose folder's other files are copied beside the output.
    pub is_bundle: bool,
    /// Problems in this file that do not stop the build.
    pub warnings: Vec<Warning>,
}

/// A non-Markdown file under `content/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// Absolute path of the file.
    pub source: PathBuf,
    /// The `index.md` (relative to the site root) whose folder holds it, if any.
    pub bundle: Option<PathBuf>,
    /// Path relative to the bundle folder, or to `content/` for loose files.
    pub relative: PathBuf,
}

/// Everything loaded from `content/`.
#[derive(Debug, Default)]
pub struct Content {
    /// Articles, in content-path order. Shared, so that the dev server's document cache
    /// hands out unchanged articles without copying them.
    pub articles: Vec<std::sync::Arc<Article>>,
    /// Pages, in content-path order.
    pub pages: Vec<Page>,
    /// Non-Markdown files to copy.
    pub assets: Vec<Asset>,
    /// Publication times of articles held back because they are dated in the future.
    pub scheduled: Vec<jiff::Timestamp>,
    /// Number of drafts left out.
    pub drafts_skipped: usize,
    /// Problems that do not stop the build.
    pub warnings: Vec<Warning>,
}

/// What to include.
#[derive(Debug, Clone, Copy)]
pub struct LoadOptions {
    /// Include `draft: true` documents.
    pub drafts: bool,
    /// Include articles dated after `now`.
    pub future: bool,
    /// The moment that counts as "now" for scheduled articles.
    pub now: jiff::Timestamp,
}

/// Per-file parsing state: the config, the file's path and its YAML, for locating problems.
pub(crate) struct ParseContext<'a> {
    pub config: &'a Config,
    pub source: &'a Path,
    pub yaml: YamlSource<'a>,
}

impl ParseContext<'_> {
    fn location(&self, position: Option<Position>) -> Location {
        Location { path: self.source.to_path_buf(), position: position.or(Some(Position { line: 1, column: 1 })) }
    }

    /// `value` located inside the block of `key`.
    pub fn locate(&self, key: &str, value: &str) -> Located<String> {
        Located { value: value.to_string(), position: self.yaml.value_position(key, value) }
    }

    /// An error at the line of `key`.
    pub fn error_at_key(&self, key: &str, message: impl Into<String>) -> Error {
        Error::content(self.location(self.yaml.key_position(key)), message)
    }

    /// An error at `value` inside the block of `key`.
    pub fn error_at_value(&self, key: &str, value: &str, message: impl Into<String>) -> Error {
        Error::content(self.location(self.yaml.value_position(key, value)), message)
    }
}

/// Whether two versions of an article differ at most in their body, the summary taken from
/// it, and `extra:`: then the article keeps its place, URL, neighbours and relations, and only
/// the pages that show it need rendering again.
pub fn same_apart_from_body(a: &Article, b: &Article) -> bool {
    // Destructured so that a new field cannot be forgotten here.
    let Article { common, date, updated, authors, categories, tags, slug, previous, next } = a;
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

/// The error for a located front-matter value.
pub fn error_at(source: &Path, located: &Located<String>, message: impl Into<String>) -> Error {
    Error::content(Location { path: source.to_path_buf(), position: located.position }, message)
}

/// Files editors and operating systems leave behind, never content.
fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.starts_with('#')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
}

enum Found {
    Markdown { path: PathBuf, in_pages: Option<PathBuf> },
    Other(PathBuf),
}

/// Walks `root/content` and parses everything in it.
pub fn load(root: &Path, config: &Config, markdown: &Markdown, opts: LoadOptions) -> Result<Content> {
    let (content, errors) = load_all(root, config, markdown, opts)?;
    Error::collect(errors)?;
    Ok(content)
}

/// Like [`load`], but returns what did parse together with the problems of what did not, so
/// that the later stages (categories, authors, previous/next, images) still look at every
/// good file and one run reports every problem in the site. A missing `content/` folder is
/// still an error on its own: there is nothing to go on.
pub fn load_all(root: &Path, config: &Config, markdown: &Markdown, opts: LoadOptions) -> Result<(Content, Vec<Error>)> {
    load_parts(root, config, markdown, opts, None)
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
    if cache.config.as_ref() != Some(config) {
        cache.docs.clear();
        cache.config = Some(config.clone());
    }
    load_parts(root, config, markdown, opts, Some(cache))
}

/// Parsed documents kept between builds (see [`load_with_cache`]).
#[derive(Default)]
pub struct ContentCache {
    /// The configuration the documents were parsed with.
    config: Option<Config>,
    docs: HashMap<PathBuf, (Stamp, Option<Document>)>,
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
    ) -> Result<Option<std::sync::Arc<Article>>> {
        if path.starts_with(root.join(CONTENT_DIR).join(PAGES_DIR)) {
            return Ok(None);
        }
        let meta = std::fs::symlink_metadata(path).map_err(|e| Error::io("read", path, e))?;
        let bytes = crate::fs::read(path)?;
        let stamp = Stamp::new(&meta, &bytes);
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
    fn reusable_listing(&mut self) -> Option<(Vec<Found>, Vec<PathBuf>)> {
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
struct Stamp {
    modified: Option<std::time::SystemTime>,
    len: u64,
    hash: u64,
}

/// How recent a modification time must be for the stamp alone not to be trusted.
const RACY_WINDOW: std::time::Duration = std::time::Duration::from_secs(2);

impl Stamp {
    fn new(meta: &std::fs::Metadata, bytes: &[u8]) -> Stamp {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        bytes.hash(&mut hasher);
        Stamp { modified: meta.modified().ok(), len: meta.len(), hash: hasher.finish() }
    }

    /// Whether `cached` still describes the file at `path` (metadata `meta`).
    fn still_matches(&self, path: &Path, meta: &std::fs::Metadata) -> bool {
        if self.modified != meta.modified().ok() || self.len != meta.len() {
            return false;
        }
        let recent = self.modified.and_then(|m| m.elapsed().ok()).is_none_or(|age| age < RACY_WINDOW);
        !recent || std::fs::read(path).is_ok_and(|bytes| Stamp::new(meta, &bytes).hash == self.hash)
    }
}

/// One Markdown file's outcome: its stamp (when cached), the parse result, and whether it
/// was parsed now rather than taken from the cache.
type ParseOutcome = (Option<Stamp>, Result<Option<Document>, Vec<Error>>, bool);

fn load_parts(
    root: &Path,
    config: &Config,
    markdown: &Markdown,
    opts: LoadOptions,
    mut cache: Option<&mut ContentCache>,
) -> Result<(Content, Vec<Error>)> {
    let content_dir = root.join(CONTENT_DIR);
    if !content_dir.is_dir() {
        return Err(Error::config(
            Location::file(CONTENT_DIR),
            "no content/ folder: create it and put articles (Markdown files) in it",
        ));
    }
    // The last listing when the caller named the only files that changed, else a fresh walk.
    let mut symlink_warnings = Vec::new();
    let reused = cache.as_deref_mut().and_then(ContentCache::reusable_listing);
    let (found, mut errors, changed) = match reused {
        Some((found, changed)) => (found, Vec::new(), Some(changed)),
        None => {
            let (found, errors, warnings) = walk(root, &content_dir);
            symlink_warnings = warnings;
            (found, errors, None)
        }
    };
    let listing_is_complete = errors.is_empty();
    let bundles: Vec<PathBuf> = found
        .iter()
        .filter_map(|f| match f {
            Found::Markdown { path, .. } if path.file_name().is_some_and(|n| n == "index.md") => {
                path.parent().map(Path::to_path_buf)
            }
            _ => None,
        })
        .collect();

    let shared = cache.as_deref();
    let parsed: Vec<(&Path, ParseOutcome)> = found
        .par_iter()
        .filter_map(|f| match f {
            Found::Markdown { path, in_pages } => {
                // A short list: comparing beats hashing every path of a large archive.
                let trusted = changed.as_ref().is_some_and(|c| !c.iter().any(|p| p == path));
                let parsed = parse_cached(root, path, in_pages.as_deref(), config, markdown, shared, trusted);
                Some((path.as_path(), parsed))
            }
            Found::Other(_) => None,
        })
        .collect();
    if let Some(cache) = cache.as_deref_mut() {
        remember(cache, &parsed, changed.is_none());
    }

    let mut content = Content { warnings: symlink_warnings, ..Content::default() };
    for (_, (_, result, _)) in parsed {
        match result {
            Err(errs) => errors.extend(errs),
            Ok(None) => {}
            Ok(Some(doc)) => content.add(doc, opts),
        }
    }
    content.scheduled.sort();
    content.warnings.sort();
    for f in &found {
        if let Found::Other(path) = f {
            content.assets.push(asset_for(root, &content_dir, &bundles, path.clone()));
        }
    }
    if let Some(cache) = cache
        && listing_is_complete
    {
        cache.listing = Some(found);
    }
    Ok((content, errors))
}

/// Parses one file, or clones it from the cache when its stamp has not changed (or without
/// looking, when `trusted`: the caller said it did not change).
fn parse_cached(
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
    let stamp = Stamp::new(&meta, &bytes);
    (Some(stamp), parse_bytes(root, path, bytes, in_pages, config, markdown), true)
}

/// Stores what was parsed now and, after a full listing, forgets files that are gone. Files that failed to parse are
/// not stored, so they are parsed (and their errors reported) again next time.
fn remember(cache: &mut ContentCache, parsed: &[(&Path, ParseOutcome)], full_listing: bool) {
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

impl Content {
    /// Adds a parsed document, or counts it as a skipped draft or a scheduled article.
    fn add(&mut self, doc: Document, opts: LoadOptions) {
        match doc {
            Document::Page(p) => {
                if p.common.draft && !opts.drafts {
                    self.drafts_skipped += 1;
                } else {
                    self.warnings.extend(p.common.warnings.iter().cloned());
                    self.pages.push(*p);
                }
            }
            Document::Article(a) => {
                if a.common.draft && !opts.drafts {
                    self.drafts_skipped += 1;
                } else if a.date.timestamp() > opts.now && !opts.future {
                    self.scheduled.push(a.date.timestamp());
                } else {
                    self.warnings.extend(a.common.warnings.iter().cloned());
                    self.articles.push(a);
                }
            }
        }
    }
}

fn asset_for(root: &Path, content_dir: &Path, bundles: &[PathBuf], path: PathBuf) -> Asset {
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

fn relative_to(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Lists content files in a stable order. Symlinks are not followed (a link could point
/// outside the site); unreadable folders become errors.
fn walk(root: &Path, content_dir: &Path) -> (Vec<Found>, Vec<Error>, Vec<Warning>) {
    let pages_dir = content_dir.join(PAGES_DIR);
    let mut found = Vec::new();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let walker = walkdir::WalkDir::new(content_dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()));
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

/// A parsed content file.
#[derive(Debug, Clone)]
pub enum Document {
    /// A dated article (shared, so the dev server's cache clones it cheaply).
    Article(std::sync::Arc<Article>),
    /// A page from content/pages/.
    Page(Box<Page>),
}

/// A parsed file and the warnings it raised.
#[derive(Debug)]
pub struct Parsed {
    /// The document (absent only when it had errors, which are returned instead).
    pub doc: Option<Document>,
    /// Problems that do not stop the build.
    pub warnings: Vec<Warning>,
}

/// Slugs longer than this get a warning: long URLs are hard to share and some hosts cut them.
const LONG_SLUG: usize = 80;

/// Reads and parses one Markdown file. `in_pages` is its path under `content/pages/`, if there.
fn parse_file(
    root: &Path,
    path: &Path,
    in_pages: Option<&Path>,
    config: &Config,
    markdown: &Markdown,
) -> Result<Option<Document>, Vec<Error>> {
    let bytes = crate::fs::read(path).map_err(|e| vec![e])?;
    parse_bytes(root, path, bytes, in_pages, config, markdown)
}

/// Parses the bytes read from `path`.
fn parse_bytes(
    root: &Path,
    path: &Path,
    bytes: Vec<u8>,
    in_pages: Option<&Path>,
    config: &Config,
    markdown: &Markdown,
) -> Result<Option<Document>, Vec<Error>> {
    let source = relative_to(root, path);
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        let column = String::from_utf8_lossy(&valid[valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1)..])
            .chars()
            .count()
            + 1;
        vec![Error::content(
            Location::at(&source, line, column),
            "this file is not UTF-8 text: re-save it as UTF-8 in your editor",
        )]
    })?;
    parse_text(&source, &text, in_pages, config, markdown)
}

/// Parses the text of a Markdown file (pure: no file system access). `source` is the path used
/// in messages; `in_pages` is the path under `content/pages/` for pages, `None` for articles.
pub fn parse_document(
    source: &Path,
    text: &str,
    in_pages: Option<&Path>,
    config: &Config,
    markdown: &Markdown,
) -> Result<Parsed, Vec<Error>> {
    let doc = parse_text(source, text, in_pages, config, markdown)?;
    let warnings = match &doc {
        Some(Document::Article(a)) => a.common.warnings.clone(),
        Some(Document::Page(p)) => p.common.warnings.clone(),
        None => Vec::new(),
    };
    Ok(Parsed { doc, warnings })
}

fn parse_text(
    source: &Path,
    text: &str,
    in_pages: Option<&Path>,
    config: &Config,
    markdown: &Markdown,
) -> Result<Option<Document>, Vec<Error>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let split = front_matter::split(text).map_err(|e| {
        vec![Error::content(Location { path: source.to_path_buf(), position: Some(e.position) }, e.message)]
    })?;
    let ctx = ParseContext { config, source, yaml: YamlSource { text: split.yaml, first_line: split.yaml_first_line } };
    let fm: FrontMatter = ctx.yaml.parse().map_err(|p| {
        let unknown = ctx.yaml.unknown_keys(front_matter::FIELDS);
        let problems = if unknown.is_empty() { vec![p] } else { unknown };
        problems
            .into_iter()
            .map(|p| YamlProblem { position: p.position.or(Some(Position { line: 1, column: 1 })), ..p })
            .map(|p| p.into_error(source, Error::content))
            .collect::<Vec<_>>()
    })?;
    let mut errors = Vec::new();
    let empty_tags = fm.tags.is_empty() && ctx.yaml.key_position("tags").is_some();
    let common = common_fields(&fm, source, split.body, &ctx, markdown, &mut errors).map(|mut common| {
        common.inline_images = locate_images(text, &common.body.images);
        common.warnings = document_warnings(&common, &fm, empty_tags, &ctx);
        common
    });
    let doc = match (common, in_pages) {
        (None, _) => None,
        (Some(common), Some(in_pages)) => {
            Page::from_front_matter(fm, common, in_pages, &ctx, &mut errors).map(|p| Document::Page(Box::new(p)))
        }
        (Some(common), None) => {
            Article::from_front_matter(fm, common, &ctx, &mut errors).map(|a| Document::Article(std::sync::Arc::new(a)))
        }
    };
    let mut doc = doc;
    if let Some(Document::Article(a)) = &mut doc {
        // Just created, so not shared yet: get_mut always succeeds here.
        if let Some(article) = std::sync::Arc::get_mut(a) {
            let length = article.slug.chars().count();
            if length > LONG_SLUG {
                article.common.warnings.push(Warning {
                    location: ctx.location(ctx.yaml.key_position("slug").or(ctx.yaml.key_position("title"))),
                    code: "long-slug",
                    message: format!("the URL slug is {length} characters long: set a shorter `slug:`"),
                });
            }
        }
    }
    if errors.is_empty() { Ok(doc) } else { Err(errors) }
}

/// Where each Markdown image URL is written in `text` (the whole file): the `](url` of each
/// use in turn, so that the same image used twice is located twice.
fn locate_images(text: &str, urls: &[String]) -> Vec<Located<String>> {
    let mut searched_from: HashMap<&str, usize> = HashMap::new();
    urls.iter()
        .map(|url| {
            let from = searched_from.entry(url.as_str()).or_default();
            let needle = format!("]({url}");
            let found = text.get(*from..).and_then(|rest| rest.find(&needle)).map(|i| *from + i);
            if let Some(offset) = found {
                *from = offset + needle.len();
            }
            Located { value: url.clone(), position: found.map(|offset| Position::of_offset(text, offset)) }
        })
        .collect()
}

/// Things worth fixing that do not stop the build: missing alt text, an empty tag list, tags
/// written as one comma-separated string, and authors site.yaml does not know. (A very long
/// slug is checked once the slug is known.) One warning per problem: an image without alt
/// text used twice on one line is one warning.
fn document_warnings(common: &Common, fm: &FrontMatter, empty_tags: bool, ctx: &ParseContext) -> Vec<Warning> {
    let warn = |position: Option<Position>, code: &'static str, message: String| Warning {
        location: ctx.location(position),
        code,
        message,
    };
    let mut out = Vec::new();
    if common.image.is_some() && common.image_alt.as_deref().is_none_or(|a| a.trim().is_empty()) {
        out.push(warn(
            ctx.yaml.key_position("image"),
            "missing-alt",
            "featured image has no `image_alt:`: describe the picture for readers who cannot see it (the title is used meanwhile)".into(),
        ));
    }
    // One warning per image: the same picture repeated in a body (a gallery, a logo) is one
    // thing to fix, at its first place.
    let mut seen = std::collections::HashSet::new();
    let without_alt = |url: &String| common.body.images_without_alt.contains(url);
    for image in common.inline_images.iter().filter(|i| without_alt(&i.value) && seen.insert(i.value.as_str())) {
        let url = &image.value;
        out.push(warn(
            image.position,
            "missing-alt",
            format!("image `{url}` has no alt text: write ![what it shows]({url})"),
        ));
    }
    if empty_tags {
        out.push(warn(
            ctx.yaml.key_position("tags"),
            "empty-tags",
            "`tags:` is empty: add tags or remove the line".into(),
        ));
    }
    if let Some(joined) = comma_separated_scalar(ctx, "tags", &fm.tags) {
        let list = joined.split(',').map(str::trim).filter(|t| !t.is_empty()).collect::<Vec<_>>().join(", ");
        out.push(warn(
            ctx.yaml.key_position("tags"),
            "comma-tags",
            format!(
                "`tags: {joined}` is one tag with commas in its name: for several tags write a list, `tags: [{list}]`"
            ),
        ));
    }
    for key in ["author", "authors"] {
        let written = if key == "author" { &fm.author } else { &fm.authors };
        for name in written {
            if let Some(message) = undeclared_author(ctx.config, name) {
                out.push(warn(ctx.yaml.value_position(key, name), "unknown-author", message));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The value of `key` when it is written as one plain string holding a comma (`tags: a, b`),
/// which YAML reads as one item; a list (`[a, b]` or `- a`) is what was meant.
fn comma_separated_scalar<'a>(ctx: &ParseContext, key: &str, parsed: &'a [String]) -> Option<&'a str> {
    let [only] = parsed else { return None };
    let line = ctx.yaml.key_position(key)?.line - ctx.yaml.first_line;
    let written = ctx.yaml.text.lines().nth(line)?.split_once(':')?.1.trim_start();
    (only.contains(',') && !written.starts_with(['[', '-'])).then_some(only.as_str())
}

/// Why `written` (an `author:` value) is probably a mistake: site.yaml declares authors, and
/// this is neither the id nor the name of one of them. `None` when it is declared, or when the
/// site declares no authors at all (then every name makes its own author page, by design).
pub fn undeclared_author(config: &Config, written: &str) -> Option<String> {
    if config.authors.is_empty() {
        return None;
    }
    // Declared when the build would find it among site.yaml's authors, by the same rules.
    if crate::taxonomy::AuthorIndex::new(&config.authors).find(written).is_some() {
        return None;
    }
    let closest = config
        .authors
        .iter()
        .map(|(id, details)| {
            let score = strsim::jaro_winkler(&written.to_lowercase(), &id.to_lowercase())
                .max(strsim::jaro_winkler(&written.to_lowercase(), &details.name.to_lowercase()));
            (score, id)
        })
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, id)| id.as_str());
    let ids = config.authors.keys().map(|id| format!("`{id}`")).collect::<Vec<_>>().join(", ");
    Some(match closest {
        Some(id) => format!(
            "author `{written}` is not declared in site.yaml: did you mean `{id}`? (declared: {ids}; an undeclared name gets an author page of its own)"
        ),
        None => format!(
            "author `{written}` is not declared in site.yaml (declared: {ids}): use one of those ids, or declare this author under `authors:`"
        ),
    })
}

fn common_fields(
    fm: &FrontMatter,
    source: &Path,
    body: &str,
    ctx: &ParseContext,
    markdown: &Markdown,
    errors: &mut Vec<Error>,
) -> Option<Common> {
    let title = match fm.title.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() => t.to_string(),
        _ => {
            errors.push(Error::content(
                ctx.location(ctx.yaml.key_position("title")),
                "missing `title:`: every article and page needs a title",
            ));
            return None;
        }
    };
    let mut aliases = Vec::new();
    for raw in &fm.aliases {
        match crate::permalink::normalise_alias(raw) {
            Some(path) => aliases.push(Located { value: path, position: ctx.yaml.value_position("aliases", raw) }),
            None => errors.push(ctx.error_at_value(
                "aliases",
                raw,
                format!(
                    "alias `{raw}` is not a path on this site: write it like `/2019/05/old-slug/` (or `/?p=123`, which only `_redirects` can serve), without `..`, `\\` or a host name"
                ),
            )),
        }
    }
    let body = markdown.render(body, &ctx.config.base_url.prefix);
    let summary = fm
        .summary
        .as_deref()
        .map(crate::markdown::collapse_whitespace)
        .or_else(|| body.summary_before_more.clone())
        .unwrap_or_else(|| body.first_paragraph.clone());
    Some(Common {
        source: source.to_path_buf(),
        title,
        summary,
        lang: fm.lang.clone().filter(|l| !l.trim().is_empty()),
        translation_key: fm
            .translation_key
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(|k| Located { value: k.to_string(), position: ctx.yaml.value_position("translation_key", k) }),
        image: fm.image.clone().filter(|i| !i.trim().is_empty()),
        image_position: fm.image.as_deref().and_then(|raw| ctx.yaml.value_position("image", raw.trim())),
        image_caption: fm.image_caption.clone(),
        image_alt: fm.image_alt.clone(),
        draft: fm.draft,
        aliases,
        extra: fm.extra.clone(),
        body: std::sync::Arc::new(body),
        inline_images: Vec::new(),
        is_bundle: source.file_name().is_some_and(|n| n == "index.md"),
        warnings: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::parse("title: T\nbase_url: https://example.org\n", None).unwrap()
    }

    fn parse(text: &str) -> Result<Option<Document>, Vec<Error>> {
        parse_document(Path::new("content/2023/09/x.md"), text, None, &config(), &Markdown::new()).map(|p| p.doc)
    }

    fn warnings(text: &str) -> Vec<String> {
        match parse_document(Path::new("content/x.md"), text, None, &config(), &Markdown::new()) {
            Ok(p) => p.warnings.iter().map(|w| format!("{} [{}]", w, w.code)).collect(),
            Err(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn missing_alt_text_empty_tags_and_long_slugs_are_warnings() {
        let long = "x".repeat(81);
        let w = warnings(&format!(
            "---\ntitle: A\ndate: 2024-01-01\nimage: /a.png\ntags: []\nslug: {long}\n---\nText\n\n![](/b.png)\n"
        ));
        assert_eq!(
            w,
            vec![
                "content/x.md:4:1: featured image has no `image_alt:`: describe the picture for readers who cannot see it (the title is used meanwhile) [missing-alt]".to_string(),
                "content/x.md:5:1: `tags:` is empty: add tags or remove the line [empty-tags]".to_string(),
                "content/x.md:10:3: image `/b.png` has no alt text: write ![what it shows](/b.png) [missing-alt]".to_string(),
                "content/x.md:6:1: the URL slug is 81 characters long: set a shorter `slug:` [long-slug]".to_string(),
            ]
        );
    }

    #[test]
    fn a_clean_article_has_no_warnings() {
        assert!(warnings("---\ntitle: A\ndate: 2024-01-01\nimage: /a.png\nimage_alt: A chart\ntags: [x]\n---\n![A chart](/b.png)\n").is_empty());
    }

    fn messages(r: Result<Option<Document>, Vec<Error>>) -> Vec<String> {
        match r {
            Err(errs) => errs.iter().map(ToString::to_string).collect(),
            Ok(_) => panic!("expected errors"),
        }
    }

    #[test]
    fn article_fields_are_read() {
        let Ok(Some(Document::Article(a))) =
            parse("---\ntitle: Hello\ndate: 2023-09-05\nauthor: usman\ntags: Privacy\n---\nFirst para.\n")
        else {
            panic!("not an article")
        };
        assert_eq!(a.common.title, "Hello");
        assert_eq!(a.slug, "x");
        assert_eq!(a.tags, vec!["Privacy"]);
        assert_eq!(a.authors[0].value, "usman");
        assert_eq!(a.common.summary, "First para.");
    }

    #[test]
    fn bad_date_points_at_its_line() {
        let msgs = messages(parse("---\ntitle: Hello\ndate: yesterday\n---\n"));
        assert_eq!(msgs.len(), 1);
        assert!(msgs[0].starts_with("content/2023/09/x.md:3:7: `date: yesterday` is not a date"), "{}", msgs[0]);
    }

    #[test]
    fn missing_date_and_bad_alias_are_both_reported() {
        let msgs = messages(parse("---\ntitle: Hello\naliases: [/../x/]\n---\n"));
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("articles need a `date:`")));
        assert!(msgs.iter().any(|m| m.contains("content/2023/09/x.md:3:11: alias `/../x/` is not a path")), "{msgs:?}");
    }

    #[test]
    fn missing_title_is_an_error() {
        let msgs = messages(parse("---\ndate: 2023-09-05\n---\n"));
        assert!(msgs[0].contains("missing `title:`"), "{msgs:?}");
    }

    #[test]
    fn yaml_syntax_error_points_into_the_file() {
        let msgs = messages(parse("---\ntitle: Hello\ndate: [2023\n---\n"));
        assert!(msgs[0].starts_with("content/2023/09/x.md:"), "{msgs:?}");
        let line: usize = msgs[0].split(':').nth(1).unwrap().parse().unwrap();
        assert!(line >= 3, "{msgs:?}");
    }

    #[test]
    fn bom_is_accepted() {
        assert!(matches!(parse("\u{feff}---\ntitle: A\ndate: 2023-09-05\n---\n"), Ok(Some(Document::Article(_)))));
    }

    #[test]
    fn pages_reject_article_only_fields() {
        let r = parse_document(
            Path::new("content/pages/about.md"),
            "---\ntitle: About\ntags: [x]\n---\n",
            Some(Path::new("about.md")),
            &config(),
            &Markdown::new(),
        )
        .map(|p| p.doc);
        let msgs = messages(r);
        assert!(msgs[0].contains("pages do not have `tags`"), "{msgs:?}");
    }

    #[test]
    fn editor_leftovers_are_ignored() {
        for name in [".#a.md", "a.md~", ".DS_Store", "#a.md#", "a.md.swp"] {
            assert!(is_ignored(name), "{name}");
        }
        assert!(!is_ignored("a.md"));
    }

    fn load_cached(root: &Path, config: &Config, cache: &mut ContentCache) -> Content {
        let opts = LoadOptions { drafts: false, future: false, now: jiff::Timestamp::now() };
        let (content, errors) = load_with_cache(root, config, &Markdown::new(), opts, cache).unwrap();
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
