//! Client-side search without a server: a [Pagefind](https://pagefind.app) index built at build
//! time, in memory, with the `pagefind` crate's Rust API, and returned as [`OutputFile`]s under
//! `/pagefind/` (the JS API `pagefind.js`, its WebAssembly and the index chunks).
//!
//! Each published article and page becomes one record: a small synthetic HTML document holding
//! its title and content HTML inside `data-pagefind-body`, and its title, summary, date and
//! image as `data-pagefind-meta`. List pages are not indexed (they only repeat article titles).
//! The whole site is indexed as one language, the site's (`force_language`): Pagefind keeps one
//! index per language and the browser searches only the one matching the search page's
//! `<html lang>`, so per-article languages would hide the Urdu articles from a search made on
//! the English search page. Words are still split per script, so Urdu words find Urdu articles.
//! The Urdu search page (`/ur/search/`, see [`search_page_for`]) has `<html lang="ur">`, for
//! which the index has no part of its own: Pagefind's JS then takes the language with the most
//! pages, which is the one index, so that page too finds articles in every language.
//!
//! A large archive's index is split into parts, built one after another (each on every core:
//! our patch of Pagefind, vendor/pagefind, parses and compresses a part's pages in parallel,
//! so one part at a time bounds the memory to a part's words), every `parts`-th record to the
//! same part so that each part is a fair sample of the whole (Pagefind ranks within a part
//! by its own word statistics, then the browser merges the parts' results by score). Part 0
//! is the full bundle under [`BUNDLE_DIR`]; the others hold only their index and are merged
//! into it with Pagefind's `mergeIndex`, which reuses part 0's WebAssembly, so splitting costs
//! a reader two small extra requests per part. The search page learns the parts from
//! `site.search_parts`.
//!
//! Rebuilding a part whose records did not change is wasted work (indexing is most of a
//! build's time), so each part's folder also gets [`PART_MANIFEST`]: a digest of everything
//! the part was built from, and the part's files. A build that finds the same digest in the
//! previous output, or kept in the cache folder ([`PartStore`], for a build into an empty
//! output folder), reuses that part's files instead of indexing it again: after editing one
//! article, only its part is indexed. Records are dealt counting from the oldest (see
//! [`part_of`]), so publishing a new article, a newsroom's most common change, also indexes
//! only the part it joins; removing or back-dating one still moves every newer record to
//! another part. (Dealing records by a hash of their URL kept every record in place, but
//! changed how Pagefind cut a part's words into chunks, and a query of the equivalence test
//! then loaded one chunk more.) Pagefind's output depends on its input only, so a reused part
//! is byte for byte the part a fresh build makes. Within a part indexed again, a file whose
//! contents did not change (every other page's fragment) is the kept file, linked unread when
//! the part's [`KeptContents`] give it the same digest, else its earlier bytes once Pagefind
//! has compared them (see [`EarlierPart`]).

use std::collections::BTreeMap;
use std::path::Path;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::output::{Contents, Origin, OutputFile};
use crate::site::{ImageRef, Site, SiteArticle, SitePage};
use pagefind::api::ParsedPage;

/// Site path of the folder holding the search bundle.
pub const BUNDLE_DIR: &str = "/pagefind/";
/// Site path of the search page (rendered from the theme's optional `search.html`).
pub const SEARCH_PAGE: &str = "/search/";

/// Site path of the search page that pages in `lang` send their searches to: `/ur/search/`
/// (beside the language's home `/ur/`, with the interface in that language) for a language of
/// `languages:` other than the site's, else [`SEARCH_PAGE`]. Every search page queries the one
/// index, so each finds articles in every language.
pub fn search_page_for(config: &Config, lang: &str) -> String {
    match config.language_of(lang) {
        Some(l) if !crate::language::same_language(&l.code, &config.language) => format!("/{}/search/", l.code),
        _ => SEARCH_PAGE.to_string(),
    }
}

/// Every search page with its language: [`SEARCH_PAGE`] in the site's language, then one per
/// other language of `languages:` (see [`search_page_for`]).
pub fn search_pages(config: &Config) -> Vec<(String, String)> {
    let others = config.languages.iter().filter(|l| !crate::language::same_language(&l.code, &config.language));
    std::iter::once((config.language.clone(), SEARCH_PAGE.to_string()))
        .chain(others.map(|l| (l.code.clone(), search_page_for(config, &l.code))))
        .collect()
}

/// The file in each part's folder naming the digest of what the part was built from, then the
/// part's files (one a line, relative to the folder), for the next build to reuse.
pub const PART_MANIFEST: &str = "pamphlet-part.txt";

/// Changes whenever what a record holds or how a part is indexed changes without pamphlet's
/// version changing, so that no build reuses a part made the old way, nor a page parsed the old
/// way (it is part of every record's [`parsed_key`]).
const INDEXING_VERSION: u32 = 4;

/// Searchable records per part of the index, when `search_parts:` does not say.
const RECORDS_PER_PART: usize = 500;
/// The most parts an index is split into when `search_parts:` does not say.
const MAX_AUTOMATIC_PARTS: usize = 4;

/// How many parts the index of `records` searchable pages is split into: `configured`
/// (`search_parts:`), else one per [`RECORDS_PER_PART`] records, at most
/// [`MAX_AUTOMATIC_PARTS`]. It depends on the site only, never on the machine, so every
/// machine builds the same files.
pub fn part_count(records: usize, configured: Option<usize>) -> usize {
    configured.unwrap_or_else(|| records.div_ceil(RECORDS_PER_PART).clamp(1, MAX_AUTOMATIC_PARTS))
}

/// Site path of the folder holding part `part` of the index (part 0 is the bundle itself).
fn part_dir(part: usize) -> String {
    if part == 0 { BUNDLE_DIR.to_string() } else { format!("{BUNDLE_DIR}part-{part}/") }
}

/// How many parts `site`'s index is split into.
fn site_part_count(site: &Site) -> usize {
    part_count(searchable(site).count(), site.config.search_parts)
}

/// Site paths of the parts of `site`'s index that the search page merges into the bundle
/// (empty when the index is one part, or when `search: false`).
pub fn merged_parts(site: &Site) -> Vec<String> {
    if !site.config.search {
        return Vec::new();
    }
    (1..site_part_count(site)).map(part_dir).collect()
}

/// What the search index holds: the published articles, newest first, then the pages.
enum Searchable<'a> {
    Article(&'a SiteArticle),
    Page(&'a SitePage),
}

fn searchable(site: &Site) -> impl Iterator<Item = Searchable<'_>> {
    let articles = site.articles.iter().filter(|a| !a.article.common.draft).map(Searchable::Article);
    let pages = site.pages.iter().filter(|p| !p.page.common.draft).map(Searchable::Page);
    articles.chain(pages)
}

/// One document to index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SearchRecord {
    /// Site path, without the base URL's path prefix: Pagefind's JS prefixes result URLs with
    /// the folder its bundle was loaded from (`/mirror/pagefind/pagefind.js` → `/mirror/`), so
    /// the index keeps working wherever the site is hosted.
    pub url: String,
    /// The synthetic HTML document Pagefind reads.
    pub html: String,
}

/// Which of `parts` parts holds the record at `position` of `count` (in [`searchable`]'s order,
/// newest article first): every `parts`-th record, counted from the *last* one, so that a new
/// article, which comes first, leaves every other record in its part (and publishing one
/// article indexes one part again, not all of them). Each part is still every `parts`-th
/// record, the same sets as counting from the first, only numbered differently.
fn part_of(position: usize, count: usize, parts: usize) -> usize {
    (count - 1 - position) % parts
}

/// What the records of part `part` of `parts` are made of (see [`part_of`]), in
/// [`searchable`]'s order.
fn part_sources(site: &Site, part: usize, parts: usize) -> Vec<RecordSource> {
    let count = searchable(site).count();
    searchable(site)
        .enumerate()
        .filter(|&(position, _)| part_of(position, count, parts) == part)
        .map(|(_, item)| record_source(site, item))
        .collect()
}

/// The digest of everything part `part` of `parts` is built from: its records (their
/// [`parsed_key`]s, which cover the URL, the HTML, the language and the versions), the
/// language, the versions of pamphlet and of this indexing. XXH3's 128 bits, so two different
/// parts never share a digest.
fn part_digest(keys: &[u128], language: &str, part: usize, parts: usize) -> String {
    let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
    for field in [env!("CARGO_PKG_VERSION"), &INDEXING_VERSION.to_string(), language] {
        hasher.update(&(field.len() as u64).to_le_bytes());
        hasher.update(field.as_bytes());
    }
    for number in [part, parts, keys.len()] {
        hasher.update(&(number as u64).to_le_bytes());
    }
    for key in keys {
        hasher.update(&key.to_le_bytes());
    }
    format!("{:032x}", hasher.digest128())
}

/// Where a build finds the parts of an earlier index to reuse: the previous output folder
/// (`build`), or the index `serve` built last, in memory.
pub trait EarlierIndex: Sync {
    /// The bytes of the earlier index's file at `site_path` (`/pagefind/part-1/…`), if any.
    fn read(&self, site_path: &str) -> Option<Vec<u8>>;

    /// The earlier index's file at `site_path` as the contents of the same file now, if any.
    fn contents(&self, site_path: &str) -> Option<Contents> {
        self.read(site_path).map(Contents::Bytes)
    }
}

impl EarlierIndex for Path {
    fn read(&self, site_path: &str) -> Option<Vec<u8>> {
        std::fs::read(self.join(site_path.trim_start_matches('/'))).ok()
    }

    /// A file of the previous output folder, which is never written again once a build has
    /// written it: linked into the new output rather than read and compared (a 10,000-article
    /// index is 10,000 files).
    fn contents(&self, site_path: &str) -> Option<Contents> {
        let file = std::path::absolute(self.join(site_path.trim_start_matches('/'))).ok()?;
        file.is_file().then_some(Contents::Cached(file))
    }
}

impl EarlierIndex for std::collections::HashMap<std::sync::Arc<str>, std::sync::Arc<[u8]>> {
    fn read(&self, site_path: &str) -> Option<Vec<u8>> {
        self.get(site_path).map(|bytes| bytes.to_vec())
    }
}

/// Part `part`'s files from the `previous` index when its manifest there names `digest`;
/// `None` (index the part again) when it does not, or a file cannot be read.
fn reused_part(previous: &(impl EarlierIndex + ?Sized), part: usize, digest: &str) -> Option<Vec<OutputFile>> {
    let dir = part_dir(part);
    let manifest = String::from_utf8(previous.read(&format!("{dir}{PART_MANIFEST}"))?).ok()?;
    let mut lines = manifest.lines();
    if lines.next()? != digest {
        return None;
    }
    let mut files = Vec::new();
    for name in lines {
        // Only files inside the part's folder, whatever the manifest says.
        if name.is_empty() || name.starts_with('/') || name.split('/').any(|c| c == ".." || c.contains('\\')) {
            return None;
        }
        let path = format!("{dir}{name}");
        let contents = previous.contents(&path)?;
        files.push(index_file(path, contents));
    }
    files.push(index_file(format!("{dir}{PART_MANIFEST}"), Contents::Bytes(manifest.into_bytes())));
    Some(files)
}

fn index_file(path: String, contents: Contents) -> OutputFile {
    OutputFile { path, contents, origin: Origin::Generated("the search index".into()) }
}

/// The manifest of a part built from records with `digest`, listing its `files` (sorted).
fn part_manifest(part: usize, digest: &str, files: &[OutputFile]) -> OutputFile {
    let dir = part_dir(part);
    let mut text = format!("{digest}\n");
    for file in files {
        text.push_str(file.path.strip_prefix(&dir).unwrap_or(&file.path));
        text.push('\n');
    }
    index_file(format!("{dir}{PART_MANIFEST}"), Contents::Bytes(text.into_bytes()))
}

/// The folder of the `parsed` folder where `build` keeps the files of the parts it indexed,
/// one folder per part, named by the part's number and digest (see [`PartStore`]).
fn stored_parts_dir(parsed: &Path) -> std::path::PathBuf {
    parsed.join("parts")
}

/// The parts' files kept in the cache folder, so that a build into an empty output folder (a
/// CI runner that keeps only the cache, as the recipes in examples/ci/ do) links the parts
/// whose records did not change instead of indexing them again. Each part's files, manifest
/// included, are kept in a folder named by its number and digest; the output links them (copies them on
/// another file system), so a part costs no second write. A folder is never written into once
/// made: it is written under another name and renamed, and a stale one is removed whole
/// (the outputs that link its files keep them).
struct PartStore {
    dir: std::path::PathBuf,
    /// The folders of this build's parts: those to keep.
    used: std::sync::Mutex<std::collections::HashSet<String>>,
}

impl PartStore {
    fn new(dir: std::path::PathBuf) -> PartStore {
        PartStore { dir, used: Default::default() }
    }

    /// The folder keeping part `part` built from records with `digest`.
    fn folder(&self, part: usize, digest: &str) -> String {
        format!("{part}-{digest}")
    }

    /// Part `part`'s files as kept under `digest`, if they all are.
    fn part(&self, part: usize, digest: &str) -> Option<Vec<OutputFile>> {
        let name = self.folder(part, digest);
        self.use_folder(&name);
        let folder = std::path::absolute(self.dir.join(name)).ok()?;
        reused_part(&StoredPart { site_dir: part_dir(part), folder }, part, digest)
    }

    /// Keeps part `part`'s `files` (its manifest among them) under `digest`, with the
    /// [`KeptContents`] of its compressed files, and returns them as links to what is kept; as
    /// they were when they cannot be kept. A file of the part's folder kept before (most of
    /// them, after an edit: each page's fragment is a file) is linked, not written again: one
    /// that indexing took from there unread, or one with the same bytes. It keeps its inode,
    /// so the output folder recycled by the next build already holds it.
    fn keep(&self, part: usize, digest: &str, files: Vec<OutputFile>, contents: &KeptContents) -> Vec<OutputFile> {
        use rayon::prelude::*;
        let name = self.folder(part, digest);
        self.use_folder(&name);
        let site_dir = part_dir(part);
        let relative = |file: &OutputFile| file.path.strip_prefix(&site_dir).map(str::to_owned);
        let Ok(folder) = std::path::absolute(self.dir.join(&name)) else { return files };
        let temporary = self.dir.join(format!(".{name}.{}", crate::fs::writer_id()));
        let before = self.kept_before(part, &name);
        // A part has a handful of folders (`index/`, `fragment/`…): made once, not per file.
        let folders: std::collections::BTreeSet<_> =
            files.iter().filter_map(|file| Some(temporary.join(relative(file)?).parent()?.to_path_buf())).collect();
        let written = folders.iter().try_for_each(std::fs::create_dir_all).is_ok()
            && files.par_iter().all(|file| match (relative(file), &file.contents) {
                (Some(name), Contents::Bytes(bytes)) => {
                    let target = temporary.join(&name);
                    let same = before
                        .as_ref()
                        .map(|before| before.join(&name))
                        .filter(|old| crate::output::same_bytes(old, bytes));
                    same.is_some_and(|old| std::fs::hard_link(old, &target).is_ok())
                        || std::fs::write(&target, bytes).is_ok()
                }
                (Some(name), Contents::Cached(kept)) => std::fs::hard_link(kept, temporary.join(name)).is_ok(),
                _ => false,
            })
            && std::fs::write(temporary.join(KEPT_CONTENTS), contents.to_text()).is_ok();
        // A folder already there is one `part` found incomplete.
        let _ = std::fs::remove_dir_all(&folder);
        let kept = written && std::fs::rename(&temporary, &folder).is_ok();
        let _ = std::fs::remove_dir_all(&temporary);
        if !kept {
            return files;
        }
        files
            .into_iter()
            .map(|file| match relative(&file) {
                Some(name) => OutputFile { contents: Contents::Cached(folder.join(name)), ..file },
                None => file,
            })
            .collect()
    }

    /// A folder keeping part `part` other than `name`: the part as an earlier build made it.
    fn kept_before(&self, part: usize, name: &str) -> Option<std::path::PathBuf> {
        let prefix = format!("{part}-");
        std::fs::read_dir(&self.dir).ok()?.flatten().map(|entry| entry.file_name()).find_map(|other| {
            let other = other.to_str()?;
            (other.starts_with(&prefix) && other != name).then(|| self.dir.join(other))
        })
    }

    fn use_folder(&self, name: &str) {
        self.used.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(name.to_string());
    }

    /// Removes the folders of parts this build did not use (and those of builds killed while
    /// keeping a part).
    fn forget_unused(&self) {
        let used = self.used.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return };
        for entry in entries.flatten() {
            if !entry.file_name().to_str().is_some_and(|name| used.contains(name)) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// One part kept in a [`PartStore`], as an earlier index: the site paths of the part's folder
/// are the files of `folder`.
struct StoredPart {
    site_dir: String,
    folder: std::path::PathBuf,
}

impl StoredPart {
    fn file(&self, site_path: &str) -> Option<std::path::PathBuf> {
        Some(self.folder.join(site_path.strip_prefix(&self.site_dir)?))
    }
}

impl EarlierIndex for StoredPart {
    fn read(&self, site_path: &str) -> Option<Vec<u8>> {
        std::fs::read(self.file(site_path)?).ok()
    }

    fn contents(&self, site_path: &str) -> Option<Contents> {
        let file = self.file(site_path)?;
        file.is_file().then_some(Contents::Cached(file))
    }
}

/// What one record is made of, taken from the site cheaply (the article itself is shared, not
/// copied): `serve` takes these from each build on the thread that rebuilds, and makes the
/// records' HTML ([`RecordSource::record`], a copy of every article's text) on the indexing
/// thread, so that a reload never waits for it.
#[derive(Debug)]
struct RecordSource {
    /// Site path (see [`SearchRecord::url`]).
    url: String,
    document: SourceDocument,
    /// The record's language (the site's when the document names none).
    lang: String,
    /// Absolute URL of its featured image.
    image: Option<String>,
    /// Its filter values (see [`FILTER_CATEGORY`]).
    filters: Vec<(&'static str, String)>,
}

#[derive(Debug)]
enum SourceDocument {
    Article(std::sync::Arc<crate::content::Article>),
    Page(Box<crate::content::Page>),
}

fn record_source(site: &Site, item: Searchable) -> RecordSource {
    let image_url = |image: &Option<ImageRef>| match image {
        Some(ImageRef::Site(p)) => Some(site.config.base_url.url(p)),
        Some(ImageRef::External(u)) => Some(u.clone()),
        None => None,
    };
    // Each result says its language, so that a search page can show an English title on an
    // Urdu page (and the reverse) in its own language and direction.
    let lang = |c: &crate::content::Common| c.lang.clone().unwrap_or_else(|| site.config.language.clone());
    match item {
        Searchable::Article(a) => {
            let lang = lang(&a.article.common);
            RecordSource {
                url: a.path.clone(),
                filters: article_filters(site, a, &lang),
                lang,
                // A withheld article's record shows none (see `record`).
                image: image_url(&a.image),
                document: SourceDocument::Article(a.article.clone()),
            }
        }
        Searchable::Page(p) => {
            let lang = lang(&p.page.common);
            RecordSource {
                url: p.page.path.clone(),
                filters: vec![(FILTER_LANGUAGE, language_label(&lang))],
                lang,
                image: image_url(&p.image),
                document: SourceDocument::Page(Box::new(p.page.clone())),
            }
        }
    }
}

impl RecordSource {
    /// The record Pagefind indexes.
    fn record(&self) -> SearchRecord {
        let mut html = String::new();
        // Writing to a String cannot fail.
        let _ = self.write_html(&mut html);
        SearchRecord { url: self.url.clone(), html }
    }

    /// The record's HTML (see [`write_record_html`]), written to `out`.
    fn write_html(&self, out: &mut impl std::fmt::Write) -> std::fmt::Result {
        let lang = self.lang.as_str();
        match &self.document {
            SourceDocument::Article(article) if article.is_withheld() => {
                // Found by its title and notice; nothing of its text or images is indexed.
                let reason = article.withheld.as_ref().map(|w| w.reason.as_str()).unwrap_or_default();
                let date = article.date.strftime("%Y-%m-%d").to_string();
                let notice = format!("<p>{}</p>", crate::escape::xml(reason));
                let record = Record {
                    title: &article.common.title,
                    content: &notice,
                    summary: reason,
                    date: Some(&date),
                    image: None,
                };
                write_record_html(out, &record, lang, &self.filters)
            }
            SourceDocument::Article(article) => {
                let c = &article.common;
                let date = article.date.strftime("%Y-%m-%d").to_string();
                let record = Record {
                    title: &c.title,
                    content: &c.body.html,
                    summary: &c.summary,
                    date: Some(&date),
                    image: self.image.as_deref(),
                };
                write_record_html(out, &record, lang, &self.filters)
            }
            SourceDocument::Page(page) => {
                let c = &page.common;
                let record = Record {
                    title: &c.title,
                    content: &c.body.html,
                    summary: &c.summary,
                    date: None,
                    image: self.image.as_deref(),
                };
                write_record_html(out, &record, lang, &self.filters)
            }
        }
    }
}

/// A record to index, made only when it must be parsed: a part whose pages were all parsed
/// before needs the records' keys only.
trait ToRecord: Sync {
    /// The record's [`parsed_key`] when indexed as `language`.
    fn key(&self, language: &str) -> u128;
    /// The record.
    fn record(&self) -> SearchRecord;
}

impl ToRecord for RecordSource {
    fn key(&self, language: &str) -> u128 {
        let mut hasher = KeyHasher::new(&self.url, language);
        // Writing to a hasher cannot fail.
        let _ = self.write_html(&mut hasher);
        hasher.0.digest128()
    }

    fn record(&self) -> SearchRecord {
        RecordSource::record(self)
    }
}

impl ToRecord for SearchRecord {
    fn key(&self, language: &str) -> u128 {
        parsed_key(self, language)
    }

    fn record(&self) -> SearchRecord {
        self.clone()
    }
}

/// The Pagefind filters a search page narrows results by (issue 19): a newsroom's reader looks
/// for "shutdown" within one category, by one author, in one language or year.
pub const FILTER_CATEGORY: &str = "category";
/// See [`FILTER_CATEGORY`].
pub const FILTER_TAG: &str = "tag";
/// See [`FILTER_CATEGORY`].
pub const FILTER_AUTHOR: &str = "author";
/// See [`FILTER_CATEGORY`].
pub const FILTER_LANGUAGE: &str = "language";
/// See [`FILTER_CATEGORY`].
pub const FILTER_YEAR: &str = "year";

/// How a language is offered as a filter value: its name in its own script (`اردو`), else
/// its code.
fn language_label(lang: &str) -> String {
    crate::language::native_name(lang).map_or_else(|| lang.to_string(), str::to_string)
}

/// An article's filter values: each category with its ancestors (`DRM Exclusive › News`, so
/// two "News" under different parents stay apart), tags, authors, language and year.
fn article_filters(site: &Site, a: &SiteArticle, lang: &str) -> Vec<(&'static str, String)> {
    let categories = a.categories.iter().map(|&c| (FILTER_CATEGORY, site.categories.nodes[c].names.join(" › ")));
    let tags = a.tags.iter().map(|&t| (FILTER_TAG, site.tags[t].name.clone()));
    let authors = a.authors.iter().map(|&au| (FILTER_AUTHOR, site.authors[au].name.clone()));
    let language = (FILTER_LANGUAGE, language_label(lang));
    let year = (FILTER_YEAR, a.article.date.year().to_string());
    categories.chain(tags).chain(authors).chain([language, year]).collect()
}

/// What a record shows: title, content HTML, summary, date (`YYYY-MM-DD`) and image URL.
struct Record<'a> {
    title: &'a str,
    content: &'a str,
    summary: &'a str,
    date: Option<&'a str>,
    image: Option<&'a str>,
}

/// The synthetic HTML document Pagefind reads for `record`, written to `out`: a `String`, or
/// a [`KeyHasher`] when only the record's key is wanted.
fn write_record_html(
    out: &mut impl std::fmt::Write,
    record: &Record,
    lang: &str,
    filters: &[(&str, String)],
) -> std::fmt::Result {
    use crate::escape::xml;
    let title = xml(record.title);
    writeln!(
        out,
        "<!DOCTYPE html><html><head><title>{title}</title></head><body><main data-pagefind-body><h1>{title}</h1>"
    )?;
    out.write_str(record.content)?;
    write!(out, "\n</main><div data-pagefind-ignore hidden>")?;
    write!(
        out,
        "<span data-pagefind-meta=\"title\">{title}</span><span data-pagefind-meta=\"summary\">{}</span><span data-pagefind-meta=\"lang\">{}</span><span data-pagefind-meta=\"dir\">{}</span>",
        xml(record.summary),
        xml(lang),
        crate::language::text_direction(lang)
    )?;
    if let Some(date) = record.date {
        write!(out, "<span data-pagefind-meta=\"date\">{date}</span>")?;
    }
    if let Some(src) = record.image {
        write!(out, "<img data-pagefind-meta=\"image[src]\" src=\"{}\" alt=\"\">", xml(src))?;
    }
    for (name, value) in filters {
        write!(out, "<span data-pagefind-filter=\"{name}\">{}</span>", xml(value))?;
    }
    out.write_str("</div></body></html>")
}

/// Pagefind's errors (`anyhow`), with their causes (`{:#}`).
fn fail(e: impl std::fmt::Display) -> Error {
    Error::output(BUNDLE_DIR, format!("building the search index failed: {e:#}"))
}

/// The folder of the cache folder `cache_dir` that keeps the pages Pagefind parsed, one file
/// per part of the index (see [`build_part`]).
pub fn parsed_dir(cache_dir: &Path) -> std::path::PathBuf {
    cache_dir.join("search")
}

/// The file of the `parsed` folder keeping the pages Pagefind parsed for part `part`.
fn parsed_file(parsed: &Path, part: usize) -> std::path::PathBuf {
    parsed.join(format!("part-{part}.pages"))
}

/// What identifies a record's parsed page: its URL and HTML, the language it is indexed as,
/// and the versions of pamphlet (whose Pagefind parses it and writes the bytes) and of this
/// indexing.
fn parsed_key(record: &SearchRecord, language: &str) -> u128 {
    let mut hasher = KeyHasher::new(&record.url, language);
    hasher.0.update(record.html.as_bytes());
    hasher.0.digest128()
}

/// Computes [`parsed_key`] from a record's HTML as it is written, without keeping it: a part
/// whose records did not change is reused without making them (a copy of every article's text).
struct KeyHasher(xxhash_rust::xxh3::Xxh3Default);

impl KeyHasher {
    /// The key of the record at `url` indexed as `language`, once its HTML is written to it.
    fn new(url: &str, language: &str) -> Self {
        let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
        // Every field but the HTML, which comes last, is preceded by its length.
        for field in [env!("CARGO_PKG_VERSION"), &INDEXING_VERSION.to_string(), language, url] {
            hasher.update(&(field.len() as u64).to_le_bytes());
            hasher.update(field.as_bytes());
        }
        KeyHasher(hasher)
    }
}

impl std::fmt::Write for KeyHasher {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

/// How many pages are read back or stored at a time: the bytes of only these are held beside
/// the part's pages (a whole part's bytes were 190 MB at 50,000 articles).
const PAGES_AT_A_TIME: usize = 512;

/// `page` as the bytes an entry of a file of parsed pages holds: a checksum of its bytes, then
/// the bytes. A page read back keeps its words packed until its part is indexed (our patch of
/// Pagefind reads them only then), so damage must be found by the checksum when the page is
/// read, and the page is then parsed again.
fn stored_page(page: &ParsedPage) -> std::io::Result<Vec<u8>> {
    let bytes = page.to_bytes().map_err(std::io::Error::other)?;
    let mut stored = Vec::with_capacity(8 + bytes.len());
    stored.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(&bytes).to_le_bytes());
    stored.extend_from_slice(&bytes);
    Ok(stored)
}

/// The page of an entry that [`stored_page`] made, or `None` when the entry is damaged or does
/// not read back (stored by another version).
fn read_stored_page(stored: &[u8]) -> Option<ParsedPage> {
    let (checksum, bytes) = stored.split_first_chunk::<8>()?;
    if u64::from_le_bytes(*checksum) != xxhash_rust::xxh3::xxh3_64(bytes) {
        return None;
    }
    ParsedPage::from_bytes(bytes).ok()
}

/// Adds the entries of `pages` to the end of `file` (see [`crate::entries::append`]).
fn append_parsed<'a>(file: &Path, pages: impl Iterator<Item = (u128, &'a ParsedPage)>) {
    let entries: Option<Vec<(u128, Vec<u8>)>> = pages.map(|(key, page)| Some((key, stored_page(page).ok()?))).collect();
    if let Some(entries) = entries {
        crate::entries::append(file, &entries);
    }
}

/// What a file of parsed pages held.
#[derive(Default)]
struct StoredPages {
    /// The pages wanted, by key.
    pages: std::collections::HashMap<u128, ParsedPage>,
    /// How many entries the file held, wanted or not.
    entries: usize,
    /// Whether every entry read whole, up to the end of the file.
    complete: bool,
}

/// The pages of `file` whose keys are `wanted`, read back [`PAGES_AT_A_TIME`] at a time on
/// rayon's threads. A page that does not read back (damaged, or stored by another version) is
/// left out.
fn read_parsed(file: &Path, wanted: &std::collections::HashSet<u128>) -> StoredPages {
    use rayon::prelude::*;
    let mut stored = StoredPages::default();
    let Ok(reader) = std::fs::File::open(file) else { return stored };
    let mut entries = crate::entries::Entries::new(reader);
    loop {
        let batch: Vec<(u128, Vec<u8>)> = entries
            .by_ref()
            .inspect(|_| stored.entries += 1)
            .filter(|(key, _)| wanted.contains(key))
            .take(PAGES_AT_A_TIME)
            .collect();
        if batch.is_empty() {
            break;
        }
        stored
            .pages
            .par_extend(batch.into_par_iter().filter_map(|(key, bytes)| Some((key, read_stored_page(&bytes)?))));
    }
    stored.complete = entries.at_end;
    stored
}

/// Writes `pages`, with their keys, to `file` for the next build, turned into bytes
/// [`PAGES_AT_A_TIME`] at a time on rayon's threads.
fn write_parsed(file: &Path, keys: &[u128], pages: &[ParsedPage]) {
    use rayon::prelude::*;
    let batches = keys.chunks(PAGES_AT_A_TIME).zip(pages.chunks(PAGES_AT_A_TIME)).map(|(keys, pages)| {
        let bytes = pages.par_iter().map(stored_page);
        keys.par_iter().copied().zip(bytes).map(|(key, bytes)| Ok((key, bytes?))).collect()
    });
    crate::entries::write(file, batches);
}

/// Builds part `part` of the index from `records` (whose [`parsed_key`]s are `keys`), indexed
/// as `language`, and returns its files under [`part_dir`]. Part 0 is a whole bundle (Pagefind's JS
/// API, its WebAssembly, the index); the other parts keep only their index files, which is
/// all that `mergeIndex` reads.
///
/// Parsing a record's HTML is most of indexing's time, and a rebuild indexes a part again for
/// one changed record among thousands: with a `parsed` folder, the pages Pagefind parsed are
/// kept there for each part, and a record parsed before is read back instead of parsed again.
/// A page read back indexes exactly as its HTML does (Pagefind's parsing depends on the
/// record, the language and the versions in [`parsed_key`] only). A file that `earlier` holds
/// with the same contents (an unchanged page's fragment) keeps its bytes rather than being
/// compressed again (our patch of Pagefind checks the contents).
fn build_part(
    records: &[impl ToRecord],
    keys: &[u128],
    language: &str,
    part: usize,
    parsed: Option<&Path>,
    parsing: Parsing,
    earlier: Option<&EarlierPart<'_>>,
) -> Result<Vec<OutputFile>> {
    // Pagefind's API for adding pages and writing the files is async; a current-thread
    // runtime for this call is all it needs, and keeps the rest of the build synchronous.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| Error::output(BUNDLE_DIR, format!("cannot start the indexing runtime: {e}")))?;
    let primary = crate::language::primary_subtag(language);
    let options = pagefind::options::PagefindServiceConfig::builder().force_language(primary).build();
    let mut index = pagefind::api::PagefindIndex::new(Some(options)).map_err(fail)?;
    // Parsing (synchronous, on rayon's threads: see `parse`) comes first, outside the runtime:
    // it takes the index's lock with `blocking_lock`, which panics inside one.
    let pages = parsed_pages(&index, records, keys, part, parsed, parsing)?;
    let answer = |filename: &Path, chunks: &[&[u8]]| earlier?.answer(filename, chunks);
    let files = runtime.block_on(async {
        index.add_parsed_pages(pages).await.map_err(fail)?;
        index.get_files_reusing(Some(&answer)).await.map_err(fail)
    })?;
    let dir = part_dir(part);
    let mut out: BTreeMap<String, OutputFile> = BTreeMap::new();
    for file in files {
        let name = bundle_name(&file.filename);
        let name = name.as_str();
        if part > 0 && !is_index_file(name) {
            continue;
        }
        let contents = if file.unchanged {
            // Only `earlier` answers that a file is unchanged, and only for a file it keeps.
            let kept = earlier.and_then(|e| e.kept_file(name));
            Contents::Cached(kept.ok_or_else(|| fail("Pagefind kept a file no earlier index has"))?)
        } else {
            Contents::Bytes(file.contents)
        };
        let path = format!("{dir}{name}");
        out.insert(path.clone(), index_file(path, contents));
    }
    Ok(out.into_values().collect())
}

/// The file of a part's folder in the [`PartStore`] that lists, for each compressed file of
/// the part, its length and a digest of what it was compressed from (see [`KeptContents`]).
const KEPT_CONTENTS: &str = "pamphlet-contents.txt";

/// The digest of the contents Pagefind compresses into a file, given as `chunks` (XXH3's 128
/// bits, as for [`part_digest`]).
fn contents_digest(chunks: &[&[u8]]) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
    hasher.update(&(chunks.len() as u64).to_le_bytes());
    for chunk in chunks {
        hasher.update(&(chunk.len() as u64).to_le_bytes());
        hasher.update(chunk);
    }
    hasher.digest128()
}

/// What a part's folder in the store says of its compressed files: name → (length, digest of
/// the contents). A file whose name, length and digest match needs neither reading nor
/// compressing again: after one edit, that is every other page's fragment of the part.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct KeptContents(std::collections::HashMap<String, (u64, u128)>);

impl KeptContents {
    /// The list in `folder`; empty when there is none (a part kept by an earlier version) or
    /// it cannot be read. A line that does not read is left out: its file is read instead.
    fn read(folder: &Path) -> KeptContents {
        let Ok(text) = std::fs::read_to_string(folder.join(KEPT_CONTENTS)) else { return KeptContents::default() };
        let entry = |line: &str| {
            let (digest, rest) = line.split_once(' ')?;
            let (length, name) = rest.split_once(' ')?;
            let digest = u128::from_str_radix(digest, 16).ok().filter(|_| digest.len() == 32)?;
            Some((name.to_string(), (length.parse().ok()?, digest)))
        };
        KeptContents(text.lines().filter_map(entry).collect())
    }

    /// The list as its file holds it, in name order.
    fn to_text(&self) -> String {
        let sorted: BTreeMap<&String, &(u64, u128)> = self.0.iter().collect();
        sorted.into_iter().map(|(name, (length, digest))| format!("{digest:032x} {length} {name}\n")).collect()
    }
}

/// The bytes of a part's file in the previous index, by its name inside the part's folder.
type PreviousFiles<'a> = dyn Fn(&str) -> Option<Vec<u8>> + Sync + 'a;

/// A part's files as earlier builds left them, which [`build_part`] offers Pagefind for each
/// file it would compress (see [`pagefind::api::EarlierFiles`]): those of the `previous` index,
/// read and compared by Pagefind, and those of the part's folder `kept` in the store, whose
/// [`KeptContents`] vouch for them unread. It also records the digest of each file's contents
/// now, which the store keeps with the part.
struct EarlierPart<'a> {
    previous: Box<PreviousFiles<'a>>,
    kept: Option<(std::path::PathBuf, KeptContents)>,
    now: std::sync::Mutex<std::collections::HashMap<String, u128>>,
}

impl<'a> EarlierPart<'a> {
    /// Part `part` of the `previous` index (its files by name inside the part's folder) and the
    /// part's folder `kept` in the store.
    fn new<E: EarlierIndex + ?Sized>(part: usize, previous: Option<&'a E>, kept: Option<&Path>) -> EarlierPart<'a> {
        let dir = part_dir(part);
        EarlierPart {
            previous: Box::new(move |name| previous?.read(&format!("{dir}{name}"))),
            kept: kept.map(|folder| (folder.to_path_buf(), KeptContents::read(folder))),
            now: Default::default(),
        }
    }

    /// Pagefind's question: what an earlier index holds of the file `filename` (a name inside
    /// the part's folder) that it would compress from `chunks`.
    fn answer(&self, filename: &Path, chunks: &[&[u8]]) -> Option<pagefind::api::EarlierFile> {
        let name = bundle_name(filename);
        let digest = contents_digest(chunks);
        let vouched = self.kept.as_ref().is_some_and(|(folder, contents)| {
            contents.0.get(&name).is_some_and(|&(length, kept)| {
                // The length guards against a file cut short (the folder is never written
                // into, but it is a cache folder); a file replaced is read below instead.
                kept == digest && std::fs::metadata(folder.join(&name)).is_ok_and(|m| m.is_file() && m.len() == length)
            })
        });
        self.now.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(name.clone(), digest);
        if vouched {
            return Some(pagefind::api::EarlierFile::Unchanged);
        }
        let kept = || std::fs::read(self.kept.as_ref()?.0.join(&name)).ok();
        (self.previous)(&name).or_else(kept).map(pagefind::api::EarlierFile::Bytes)
    }

    /// The kept file named `name` (inside the part's folder), which [`EarlierPart::answer`]
    /// vouched for.
    fn kept_file(&self, name: &str) -> Option<std::path::PathBuf> {
        Some(self.kept.as_ref()?.0.join(name))
    }

    /// The [`KeptContents`] of `files`, a part built with this: each compressed file's digest
    /// as recorded, with its length (that of the kept file it is, for one vouched for).
    fn contents_of(&self, files: &[OutputFile], dir: &str) -> KeptContents {
        let now = self.now.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let kept = self.kept.as_ref().map(|(_, contents)| contents);
        let entry = |file: &OutputFile| {
            let name = file.path.strip_prefix(dir)?;
            let digest = *now.get(name)?;
            let length = match &file.contents {
                Contents::Bytes(bytes) => bytes.len() as u64,
                _ => kept?.0.get(name)?.0,
            };
            Some((name.to_string(), (length, digest)))
        };
        KeptContents(files.iter().filter_map(entry).collect())
    }
}

/// The name in the bundle (`fragment/….pf_fragment`) of a file Pagefind names `filename`.
fn bundle_name(filename: &Path) -> String {
    filename.to_string_lossy().replace('\\', "/").trim_start_matches('/').to_string()
}

/// The pages of `records` (whose keys are `keys`), in their order: read back from the
/// `parsed` folder when it holds them, else parsed where `parsing` says (see [`parse`]); the
/// folder then keeps the pages parsed now for the next build (see [`keep_parsed`]).
fn parsed_pages(
    index: &pagefind::api::PagefindIndex,
    records: &[impl ToRecord],
    keys: &[u128],
    part: usize,
    parsed: Option<&Path>,
    parsing: Parsing,
) -> Result<Vec<ParsedPage>> {
    let file = parsed.map(|dir| parsed_file(dir, part));
    let mut stored = match &file {
        Some(file) => read_parsed(file, &keys.iter().copied().collect()),
        None => StoredPages::default(),
    };
    // Each stored page is taken once: a second record with the same key is parsed.
    let mut pages: Vec<Option<ParsedPage>> = keys.iter().map(|key| stored.pages.remove(key)).collect();
    let missing: Vec<usize> = (0..records.len()).filter(|&i| pages[i].is_none()).collect();
    // Only the records parsed now are made (a copy of their text).
    let documents = missing.iter().map(|&i| records[i].record()).map(|r| (r.url, r.html)).collect();
    let fresh = parse(index, documents, parsing)?;
    for (&i, page) in missing.iter().zip(fresh) {
        pages[i] = Some(page);
    }
    let pages: Vec<ParsedPage> = pages.into_iter().flatten().collect();
    if let Some(file) = file.filter(|_| !missing.is_empty()) {
        keep_parsed(&file, &stored, keys, &pages, &missing);
    }
    Ok(pages)
}

/// Where indexing parses a part's new records (`parse_html_files`, our patch of Pagefind,
/// vendor/pagefind, parses them on rayon's threads). The caller chooses: it knows what else runs
/// on which pool (see `pipeline::beside_search` and `serve::search::work`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Parsing {
    /// On the calling thread's rayon pool.
    Here,
    /// On the calling thread's pool when the part has at most this many records to parse; more
    /// from a thread of their own, so on rayon's global pool.
    HereUpTo(usize),
}

impl Parsing {
    /// Whether `records` new records are parsed on the calling thread's pool.
    fn here(self, records: usize) -> bool {
        match self {
            Parsing::Here => true,
            Parsing::HereUpTo(most) => records <= most,
        }
    }
}

/// Parses `documents` (URL, HTML) on rayon's threads, in their order: on the calling thread's
/// pool or on the global one, as `parsing` says.
fn parse(
    index: &pagefind::api::PagefindIndex,
    documents: Vec<(String, String)>,
    parsing: Parsing,
) -> Result<Vec<ParsedPage>> {
    if parsing.here(documents.len()) {
        return index.parse_html_files(documents).map_err(fail);
    }
    match std::thread::scope(|scope| scope.spawn(|| index.parse_html_files(documents)).join()) {
        Ok(parsed) => parsed.map_err(fail),
        Err(_) => Err(fail("the parser crashed")),
    }
}

/// Keeps this part's `pages` (with their `keys`) in `file` for the next build, given what the
/// file held (`stored`) and which pages were parsed now (`missing`, their indexes). A few
/// pages parsed among many read back (an edited article) are added at the end of the file;
/// the file is written anew when it was damaged or cut, or when the pages no record wants
/// any more would outnumber those it does, so that it never grows beyond twice a part.
fn keep_parsed(file: &Path, stored: &StoredPages, keys: &[u128], pages: &[ParsedPage], missing: &[usize]) {
    let unwanted = stored.entries - (keys.len() - missing.len());
    if stored.complete && stored.entries > 0 && unwanted + missing.len() <= keys.len() {
        let fresh = missing.iter().map(|&i| (keys[i], &pages[i]));
        append_parsed(file, fresh);
    } else {
        write_parsed(file, keys, pages);
    }
}

/// Whether a bundle file (path inside the bundle) is part of the index proper, as opposed to
/// the JS API, its WebAssembly and the UI files.
fn is_index_file(name: &str) -> bool {
    name == "pagefind-entry.json"
        || name.ends_with(".pf_meta")
        || ["index/", "fragment/", "filter/"].iter().any(|folder| name.starts_with(folder))
}

/// What indexing may reuse and keep: the `previous` index, the `parsed` folder of pages parsed
/// before, and the `store` of parts kept in the cache folder (see [`search_index`]).
struct Reuse<'a, E: ?Sized> {
    previous: Option<&'a E>,
    parsed: Option<&'a Path>,
    store: Option<&'a PartStore>,
}

/// A part that no earlier index holds: what its records are made of, their keys and its digest.
struct PartToIndex {
    part: usize,
    sources: Vec<RecordSource>,
    keys: Vec<u128>,
    digest: String,
}

/// Part `part` of `parts`, whose records are made of `sources`: its files (with its
/// [`PART_MANIFEST`]) when a part with the same digest is kept in the store or was in the
/// previous index, else what indexing it needs. The records' keys, computed without making
/// the records, make the digest.
fn reused_or_to_index<E: EarlierIndex + ?Sized>(
    sources: Vec<RecordSource>,
    language: &str,
    part: usize,
    parts: usize,
    reuse: &Reuse<'_, E>,
) -> std::result::Result<Vec<OutputFile>, PartToIndex> {
    let keys: Vec<u128> = sources.iter().map(|source| source.key(language)).collect();
    let digest = part_digest(&keys, language, part, parts);
    let reused = reuse
        .store
        .and_then(|store| store.part(part, &digest))
        .or_else(|| reuse.previous.and_then(|previous| reused_part(previous, part, &digest)));
    reused.ok_or(PartToIndex { part, sources, keys, digest })
}

/// Indexes a part (making only the records whose pages it parses, see [`build_part`]), with its
/// [`PART_MANIFEST`], and keeps it in the store.
fn index_part<E: EarlierIndex + ?Sized>(
    to_index: PartToIndex,
    language: &str,
    reuse: &Reuse<'_, E>,
    parsing: Parsing,
) -> Result<Vec<OutputFile>> {
    let PartToIndex { part, sources, keys, digest } = to_index;
    build_and_keep(&sources, &keys, &digest, language, part, reuse, parsing)
}

/// Builds part `part` from `records` (with their `keys` and the part's `digest`), offering
/// Pagefind the part's earlier files (see [`EarlierPart`]), adds its [`PART_MANIFEST`], and
/// keeps it in the store with its [`KeptContents`].
fn build_and_keep<E: EarlierIndex + ?Sized>(
    records: &[impl ToRecord],
    keys: &[u128],
    digest: &str,
    language: &str,
    part: usize,
    reuse: &Reuse<'_, E>,
    parsing: Parsing,
) -> Result<Vec<OutputFile>> {
    let kept = reuse.store.and_then(|store| store.kept_before(part, &store.folder(part, digest)));
    let earlier = EarlierPart::new(part, reuse.previous, kept.as_deref());
    let mut files = build_part(records, keys, language, part, reuse.parsed, parsing, Some(&earlier))?;
    let manifest = part_manifest(part, digest, &files);
    files.push(manifest);
    Ok(match reuse.store {
        Some(store) => {
            let contents = earlier.contents_of(&files, &part_dir(part));
            store.keep(part, digest, files, &contents)
        }
        None => files,
    })
}

/// Everything indexing needs of a site, detached from it: what the records of each part are made
/// of, and the language. `serve` takes it from each build (cheap: articles are shared, not
/// copied) and makes the records and the index on a thread of its own.
#[derive(Debug)]
pub struct IndexInput {
    language: String,
    parts: Vec<Vec<RecordSource>>,
}

/// What indexing `site` needs (`None` when `search: false`).
pub fn index_input(site: &Site) -> Option<IndexInput> {
    if !site.config.search {
        return None;
    }
    let parts = site_part_count(site);
    Some(IndexInput {
        language: site.config.language.clone(),
        parts: (0..parts).map(|part| part_sources(site, part, parts)).collect(),
    })
}

/// The search bundle of `input`, as [`search_index`] builds it for the site it came from, with
/// the pages parsed before in the `parsed` folder, and new pages parsed where `parsing` says.
pub fn index_from(
    input: IndexInput,
    previous: Option<&(impl EarlierIndex + ?Sized)>,
    parsed: Option<&Path>,
    parsing: Parsing,
) -> Result<Vec<OutputFile>> {
    let mut files = Vec::new();
    let reuse = Reuse { previous, parsed, store: None };
    all_parts(input.parts.into_iter(), &input.language, &reuse, parsing, |part| files.extend(part))?;
    Ok(files)
}

/// Removes from the `parsed` folder the files of the parts an earlier build had beyond this
/// one's `parts` (the archive shrank, or `search_parts:` changed): no build reads them, and
/// each holds a part's worth of pages.
fn forget_parts_beyond(parsed: &Path, parts: usize) {
    let Ok(entries) = std::fs::read_dir(parsed) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let part = name.to_str().and_then(|n| n.strip_prefix("part-")?.strip_suffix(".pages")?.parse::<usize>().ok());
        if part.is_some_and(|part| part >= parts) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Hands the files of every part (of which `parts` gives what the records are made of) to
/// `each`: first those reused, then each indexed one as soon as it is. Returns the errors of
/// every part that failed. Once every part is built, the `parsed` folder forgets the parts
/// beyond them.
fn all_parts<E: EarlierIndex + ?Sized>(
    parts: impl ExactSizeIterator<Item = Vec<RecordSource>>,
    language: &str,
    reuse: &Reuse<'_, E>,
    parsing: Parsing,
    mut each: impl FnMut(Vec<OutputFile>),
) -> Result<()> {
    let count = parts.len();
    let mut to_index = Vec::new();
    for (part, sources) in parts.enumerate() {
        match reused_or_to_index(sources, language, part, count, reuse) {
            Ok(files) => each(files),
            Err(part) => to_index.push(part),
        }
    }
    let mut errors = Vec::new();
    for part in to_index {
        match index_part(part, language, reuse, parsing) {
            Ok(files) => each(files),
            Err(e) => errors.push(e),
        }
    }
    Error::collect(errors)?;
    if let Some(parsed) = reuse.parsed {
        forget_parts_beyond(parsed, count);
    }
    Ok(())
}

/// The search bundle of `site` (empty when `search: false`). A part whose records are those it
/// was built from in the parts kept in the `parsed` folder ([`PartStore`]), or in the
/// `previous` index, is reused from there. The others are indexed one after another, each on
/// every core of the current rayon pool (our patch of Pagefind parses, indexes and compresses
/// a part's pages in parallel): a part holds every word of its pages in memory until it is
/// written, so one part at a time keeps the peak to a part's worth. A part indexed again reads
/// the pages it parsed before from the `parsed` folder (see [`build_part`]) and is kept there.
/// Which part holds which record does not depend on the machine, so neither do the files. Each
/// part's files are handed to `each` as soon as the part is ready (a build writes them while the
/// next part is indexed). A part's new records are parsed where `parsing` says.
pub fn search_index(
    site: &Site,
    previous: Option<&(impl EarlierIndex + ?Sized)>,
    parsed: Option<&Path>,
    parsing: Parsing,
    each: impl FnMut(Vec<OutputFile>),
) -> Result<()> {
    if !site.config.search {
        return Ok(());
    }
    let parts = site_part_count(site);
    let store = parsed.map(|parsed| PartStore::new(stored_parts_dir(parsed)));
    let reuse = Reuse { previous, parsed, store: store.as_ref() };
    let sources = (0..parts).map(|part| part_sources(site, part, parts));
    all_parts(sources, &site.config.language, &reuse, parsing, each)?;
    if let Some(store) = store {
        store.forget_unused();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`write_record_html`] into a new `String`.
    fn record_html(record: &Record, lang: &str, filters: &[(&str, String)]) -> String {
        let mut html = String::new();
        write_record_html(&mut html, record, lang, filters).unwrap();
        html
    }

    use crate::entries::write as write_entries;

    fn read_entries(reader: impl std::io::Read) -> crate::entries::Entries<impl std::io::Read> {
        crate::entries::Entries::new(reader)
    }

    fn keys(records: &[SearchRecord], language: &str) -> Vec<u128> {
        records.iter().map(|r| r.key(language)).collect()
    }

    /// Each file's path and bytes, in order; every file must be held in memory.
    fn file_bytes(files: Vec<OutputFile>) -> Vec<(String, Vec<u8>)> {
        files
            .into_iter()
            .map(|f| match f.contents {
                Contents::Bytes(bytes) => (f.path, bytes),
                _ => panic!("{} is not held in memory", f.path),
            })
            .collect()
    }

    fn plain_record(title: &str, content: &str) -> String {
        let record = Record { title, content, summary: "", date: None, image: None };
        record_html(&record, "en", &[])
    }

    #[test]
    fn parsing_here_up_to_a_bound_leaves_larger_parts_to_the_global_pool() {
        assert!(Parsing::Here.here(0));
        assert!(Parsing::Here.here(1_000_000));
        assert!(Parsing::HereUpTo(3).here(0));
        assert!(Parsing::HereUpTo(3).here(3));
        assert!(!Parsing::HereUpTo(3).here(4));
    }

    #[test]
    fn record_html_escapes_the_title_and_keeps_meta_out_of_the_indexed_body() {
        let record = Record {
            title: "A \"quoted\" <title>",
            content: "<p>Body</p>",
            summary: "Sum & more",
            date: Some("2024-01-02"),
            image: Some("/i.png"),
        };
        let filters = [(FILTER_CATEGORY, "Resources › Laws & Policies".to_string()), (FILTER_YEAR, "2024".to_string())];
        let html = record_html(&record, "en", &filters);
        assert!(
            html.contains("<main data-pagefind-body><h1>A &quot;quoted&quot; &lt;title&gt;</h1>\n<p>Body</p>\n</main>")
        );
        assert!(html.contains("<div data-pagefind-ignore hidden><span data-pagefind-meta=\"title\">"));
        assert!(html.contains("<span data-pagefind-meta=\"summary\">Sum &amp; more</span>"));
        assert!(html.contains("<img data-pagefind-meta=\"image[src]\" src=\"/i.png\" alt=\"\">"));
        assert!(
            html.contains("<span data-pagefind-meta=\"lang\">en</span><span data-pagefind-meta=\"dir\">ltr</span>")
        );
        assert!(html.contains(
            "<span data-pagefind-filter=\"category\">Resources › Laws &amp; Policies</span><span data-pagefind-filter=\"year\">2024</span></div>"
        ));
    }

    #[test]
    fn the_index_is_split_by_archive_size_unless_the_site_says() {
        assert_eq!(part_count(0, None), 1);
        assert_eq!(part_count(RECORDS_PER_PART, None), 1);
        assert_eq!(part_count(RECORDS_PER_PART + 1, None), 2);
        assert_eq!(part_count(1_000, None), 2);
        assert_eq!(part_count(10_000, None), MAX_AUTOMATIC_PARTS);
        assert_eq!(part_count(50_000, None), MAX_AUTOMATIC_PARTS);
        assert_eq!(part_count(50_000, Some(1)), 1);
        assert_eq!(part_count(10, Some(3)), 3);
        assert_eq!(part_dir(0), "/pagefind/");
        assert_eq!(part_dir(2), "/pagefind/part-2/");
    }

    #[test]
    fn parts_are_dealt_from_the_oldest_record_so_a_new_article_moves_no_other() {
        let parts_of = |count: usize| (0..count).map(|p| part_of(p, count, 4)).collect::<Vec<_>>();
        assert_eq!(parts_of(6), [1, 0, 3, 2, 1, 0]);
        // A new article comes first: the records after it keep their parts.
        assert_eq!(parts_of(7)[1..], parts_of(6)[..]);
        // Every part is still every fourth record.
        let seven = parts_of(7);
        assert!((0..3).all(|p| seven[p] == seven[p + 4]));
    }

    #[test]
    fn a_file_whose_contents_did_not_change_keeps_the_earlier_index_bytes() {
        use std::io::{Read, Write};
        let records = vec![
            SearchRecord { url: "/a/".into(), html: plain_record("A", "<p>Alpha words</p>") },
            SearchRecord { url: "/b/".into(), html: plain_record("B", "<p>Beta words</p>") },
            SearchRecord { url: "/c/".into(), html: plain_record("C", "<p>Gamma words</p>") },
        ];
        let build = |earlier: Option<&EarlierPart>| -> BTreeMap<String, Vec<u8>> {
            let files = build_part(&records, &keys(&records, "en"), "en", 1, None, Parsing::Here, earlier).unwrap();
            let name = |path: &str| path.strip_prefix(&part_dir(1)).unwrap().to_string();
            files
                .into_iter()
                .filter(|f| f.path.contains("/fragment/"))
                .map(|f| match f.contents {
                    Contents::Bytes(bytes) => (name(&f.path), bytes),
                    _ => panic!("{}", f.path),
                })
                .collect()
        };
        let fresh = build(None);
        let names: Vec<&String> = fresh.keys().collect();
        assert_eq!(names.len(), 3);
        let contents = |gzipped: &[u8]| {
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(gzipped).read_to_end(&mut out).unwrap();
            out
        };
        // Bytes that another compression level made: these differ from a fresh compression's.
        let stored = |contents: &[u8]| {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::none());
            gz.write_all(contents).unwrap();
            gz.finish().unwrap()
        };
        let same = stored(&contents(&fresh[names[0]]));
        assert_ne!(same, fresh[names[0]]);
        // The earlier index had the first fragment as it is, the second with the third's
        // contents, and a damaged third.
        let earlier_files: std::collections::HashMap<String, Vec<u8>> = [
            (names[0].clone(), same.clone()),
            (names[1].clone(), stored(&contents(&fresh[names[2]]))),
            (names[2].clone(), fresh[names[2]][..20].to_vec()),
        ]
        .into();
        let earlier = EarlierPart {
            previous: Box::new(|name| earlier_files.get(name).cloned()),
            kept: None,
            now: Default::default(),
        };
        let again = build(Some(&earlier));
        assert_eq!(again[names[0]], same, "an unchanged file keeps the earlier bytes");
        assert_eq!(again[names[1]], fresh[names[1]], "a file whose contents changed is compressed again");
        assert_eq!(again[names[2]], fresh[names[2]], "a damaged earlier file is not used");
    }

    #[test]
    fn a_part_is_reused_only_when_its_digest_matches_and_its_files_are_there() {
        let records = vec![SearchRecord { url: "/a/".into(), html: plain_record("A", "<p>Alpha words</p>") }];
        let digest = part_digest(&keys(&records, "en"), "en", 1, 2);
        assert_ne!(digest, part_digest(&keys(&records, "ur"), "ur", 1, 2));
        assert_ne!(digest, part_digest(&keys(&records, "en"), "en", 1, 3));
        assert_ne!(digest, part_digest(&keys(&records, "en"), "en", 0, 2));
        let mut edited = records.clone();
        edited[0].html.push(' ');
        assert_ne!(digest, part_digest(&keys(&edited, "en"), "en", 1, 2));
        let dir = tempfile::tempdir().unwrap();
        let mut files = build_part(&records, &keys(&records, "en"), "en", 1, None, Parsing::Here, None).unwrap();
        files.push(part_manifest(1, &digest, &files));
        for file in &files {
            let Contents::Bytes(bytes) = &file.contents else { panic!("{}", file.path) };
            let target = dir.path().join(file.path.trim_start_matches('/'));
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(target, bytes).unwrap();
        }
        let bytes = |files: &[OutputFile]| -> Vec<(String, Vec<u8>)> {
            let mut out: Vec<_> = files
                .iter()
                .map(|f| match &f.contents {
                    Contents::Bytes(b) => (f.path.clone(), b.clone()),
                    // A reused file of an earlier output folder is linked, not read.
                    Contents::Cached(file) => (f.path.clone(), std::fs::read(file).unwrap()),
                    _ => panic!("{}", f.path),
                })
                .collect();
            out.sort();
            out
        };
        let reused = reused_part(dir.path(), 1, &digest).expect("the same digest reuses the part");
        assert_eq!(bytes(&reused), bytes(&files));
        let linked = reused.iter().filter(|f| matches!(f.contents, Contents::Cached(_))).count();
        assert_eq!(linked, files.len() - 1, "every file but the manifest is linked from the earlier output");
        assert!(reused_part(dir.path(), 1, &part_digest(&keys(&edited, "en"), "en", 1, 2)).is_none());
        // A listed file that is gone, or outside the part's folder: index again.
        let manifest = dir.path().join("pagefind/part-1").join(PART_MANIFEST);
        std::fs::write(&manifest, format!("{digest}\n../../secret\n")).unwrap();
        assert!(reused_part(dir.path(), 1, &digest).is_none());
        std::fs::write(&manifest, format!("{digest}\nmissing.pf_index\n")).unwrap();
        assert!(reused_part(dir.path(), 1, &digest).is_none());
    }

    fn entries_of(file: &Path) -> Vec<(u128, Vec<u8>)> {
        read_entries(std::fs::File::open(file).unwrap()).collect()
    }

    #[test]
    fn parsed_pages_are_kept_per_part_and_read_back_up_to_any_damage() {
        let dir = tempfile::tempdir().unwrap();
        let file = parsed_file(dir.path(), 2);
        let entries = vec![(1, b"one".to_vec()), (u128::MAX, Vec::new()), (7, b"seven".to_vec())];
        write_entries(&file, [Ok(entries[..1].to_vec()), Ok(entries[1..].to_vec())].into_iter());
        assert_eq!(entries_of(&file), entries);
        let bytes = std::fs::read(&file).unwrap();
        // Cut inside the last page: the pages before it are still read.
        assert_eq!(read_entries(&bytes[..bytes.len() - 2]).collect::<Vec<_>>(), entries[..2]);
        assert_eq!(read_entries(&b"short"[..]).count(), 0);
        // A length larger than what follows ends the reading instead of allocating it.
        let mut damaged = bytes[..20].to_vec();
        damaged[16..20].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(read_entries(&damaged[..]).count(), 0);
        // A batch that failed leaves the file as it was, and nothing beside it.
        write_entries(&file, [Ok(entries.clone()), Err(std::io::Error::other("no"))].into_iter());
        assert_eq!(entries_of(&file), entries);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    /// Pages read back from the `parsed` folder index as their HTML does, and they are read
    /// back: a stored page put under another record's key shows in that record's place.
    #[test]
    fn a_part_built_from_parsed_pages_is_the_part_built_from_html() {
        let records = vec![
            SearchRecord { url: "/a/".into(), html: plain_record("Alpha", "<p>Aardvarks in Attock</p>") },
            SearchRecord { url: "/b/".into(), html: plain_record("Beta", "<p>Badgers in Bannu</p>") },
        ];
        let dir = tempfile::tempdir().unwrap();
        let build = |records: &[SearchRecord], parsed| {
            build_part(records, &keys(records, "en"), "en", 1, parsed, Parsing::Here, None)
        };
        let from_html = file_bytes(build(&records, None).unwrap());
        let first = file_bytes(build(&records, Some(dir.path())).unwrap());
        assert_eq!(first, from_html);
        let file = parsed_file(dir.path(), 1);
        let stored = entries_of(&file);
        let keys = [parsed_key(&records[0], "en"), parsed_key(&records[1], "en")];
        assert_eq!(stored.iter().map(|(key, _)| *key).collect::<Vec<_>>(), keys);
        let read_back = file_bytes(build(&records, Some(dir.path())).unwrap());
        assert_eq!(read_back, from_html);
        assert_ne!(keys[0], parsed_key(&records[0], "ur"), "the language is part of the key");
        // Alpha's key now holds Beta's page: the part indexes Beta's words for Alpha's record.
        let beta = stored[1].1.clone();
        write_entries(&file, [Ok(vec![(keys[0], beta.clone()), (keys[1], beta)])].into_iter());
        let swapped = file_bytes(build(&records, Some(dir.path())).unwrap());
        assert_ne!(swapped, from_html);
    }

    /// A page read back keeps its words as bytes until its part is indexed, so a damaged
    /// entry must be found when it is read: wherever a byte changed, the page is parsed again
    /// and the part is the one built from the HTML. A record without words (not indexed)
    /// reads back as one.
    #[test]
    fn a_damaged_parsed_page_is_parsed_again() {
        let records = vec![
            SearchRecord { url: "/a/".into(), html: plain_record("Alpha", "<p>Aardvarks in Attock, again</p>") },
            SearchRecord { url: "/b/".into(), html: plain_record("", "") },
        ];
        let dir = tempfile::tempdir().unwrap();
        let build = |parsed| build_part(&records, &keys(&records, "en"), "en", 1, parsed, Parsing::Here, None);
        let from_html = file_bytes(build(None).unwrap());
        assert_eq!(file_bytes(build(Some(dir.path())).unwrap()), from_html);
        let file = parsed_file(dir.path(), 1);
        let stored = entries_of(&file);
        assert_eq!(stored.len(), 2);
        assert_eq!(file_bytes(build(Some(dir.path())).unwrap()), from_html, "read back");
        let alpha = &stored[0].1;
        for at in (0..alpha.len()).step_by(alpha.len().div_ceil(16)).chain([alpha.len() - 1]) {
            let mut damaged = alpha.clone();
            damaged[at] ^= 0x55;
            write_entries(&file, [Ok(vec![(stored[0].0, damaged), stored[1].clone()])].into_iter());
            assert_eq!(file_bytes(build(Some(dir.path())).unwrap()), from_html, "byte {at} of {} changed", alpha.len());
        }
    }

    /// Pages parsed for a part wait with their words packed as bytes (our patch of Pagefind,
    /// `parse_html_files`) until the part is indexed: the part must be the one Pagefind makes
    /// from the same HTML added one document at a time, as the published crate adds it.
    #[test]
    fn a_part_indexed_from_packed_words_is_the_part_pagefind_makes_from_the_html() {
        let records = vec![
            SearchRecord {
                url: "/a/".into(),
                html: plain_record(
                    "Café rights",
                    "<h2 id=\"courts\">Courts</h2><p>Résumé of the café case, in Attock</p>",
                ),
            },
            SearchRecord {
                url: "/b/".into(), html: plain_record("انٹرنیٹ", "<p>انٹرنیٹ کی بندش and shutdowns</p>")
            },
            SearchRecord { url: "/c/".into(), html: plain_record("Shutdowns", "<p>Shutdowns in Bannu, again</p>") },
        ];
        let packed =
            file_bytes(build_part(&records, &keys(&records, "en"), "en", 1, None, Parsing::Here, None).unwrap());
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let direct = runtime.block_on(async {
            let options = pagefind::options::PagefindServiceConfig::builder().force_language("en".into()).build();
            let mut index = pagefind::api::PagefindIndex::new(Some(options)).unwrap();
            for record in &records {
                index.add_html_file(None, Some(record.url.clone()), record.html.clone()).await.unwrap();
            }
            index.get_files_reusing(None).await.unwrap()
        });
        let mut direct: Vec<(String, Vec<u8>)> = direct
            .into_iter()
            .map(|file| (bundle_name(&file.filename), file.contents))
            .filter(|(name, _)| is_index_file(name))
            .map(|(name, bytes)| (format!("{}{name}", part_dir(1)), bytes))
            .collect();
        direct.sort();
        assert!(direct.iter().any(|(name, _)| name.contains("/index/")), "{direct:?}");
        assert_eq!(packed.len(), direct.len());
        for ((packed_name, packed), (direct_name, direct)) in packed.iter().zip(&direct) {
            assert_eq!(packed_name, direct_name);
            assert!(packed == direct, "{packed_name} differs");
        }
    }

    /// A part's digest is made of its records' keys, computed from the HTML as it is written:
    /// the key must be the one of the record made in full.
    #[test]
    fn a_record_key_streamed_is_the_key_of_the_record_made() {
        let record = Record {
            title: "Shutdowns & <courts>",
            content: "<p>Internet shutdowns in Balochistan</p>",
            summary: "A \"summary\"",
            date: Some("2024-05-06"),
            image: Some("/photo.jpg"),
        };
        let filters = [(FILTER_TAG, "courts".to_string()), (FILTER_YEAR, "2024".to_string())];
        for language in ["en", "ur"] {
            let made = SearchRecord { url: "/2024/05/a/".into(), html: record_html(&record, "ur", &filters) };
            let mut streamed = KeyHasher::new("/2024/05/a/", language);
            write_record_html(&mut streamed, &record, "ur", &filters).unwrap();
            assert_eq!(streamed.0.digest128(), made.key(language));
        }
        let mut other_url = KeyHasher::new("/2024/05/b/", "en");
        write_record_html(&mut other_url, &record, "ur", &filters).unwrap();
        let made = SearchRecord { url: "/2024/05/a/".into(), html: record_html(&record, "ur", &filters) };
        assert_ne!(other_url.0.digest128(), made.key("en"));
    }

    /// An edit adds its page to the end of the part's file; the file is written anew once the
    /// pages nobody wants would outnumber the others, or when it is damaged.
    #[test]
    fn pages_parsed_again_are_added_to_the_file_until_it_holds_mostly_old_ones() {
        let dir = tempfile::tempdir().unwrap();
        let file = parsed_file(dir.path(), 1);
        let record =
            |title: &str, text: &str| SearchRecord { url: format!("/{title}/"), html: plain_record(title, text) };
        let build = |records: &[SearchRecord]| {
            build_part(records, &keys(records, "en"), "en", 1, Some(dir.path()), Parsing::Here, None).unwrap()
        };
        let stored_keys = || entries_of(&file).into_iter().map(|(key, _)| key).collect::<Vec<_>>();
        let a = record("a", "<p>Alpha</p>");
        let b = record("b", "<p>Beta</p>");
        let c = record("c", "<p>Gamma</p>");
        build(&[a.clone(), b.clone(), c.clone()]);
        assert_eq!(stored_keys(), keys(&[a.clone(), b.clone(), c.clone()], "en"));
        // One edited record among three: its page is added at the end.
        let b2 = record("b", "<p>Beta, edited</p>");
        let edited = build(&[a.clone(), b2.clone(), c.clone()]);
        assert_eq!(stored_keys(), keys(&[a.clone(), b.clone(), c.clone(), b2.clone()], "en"));
        let from_html = build_part(
            &[a.clone(), b2.clone(), c.clone()],
            &keys(&[a.clone(), b2, c.clone()], "en"),
            "en",
            1,
            None,
            Parsing::Here,
            None,
        );
        assert_eq!(file_bytes(edited), file_bytes(from_html.unwrap()), "a page added to the file reads back as parsed");
        let b3 = record("b", "<p>Beta, edited twice</p>");
        build(&[a.clone(), b3.clone(), c.clone()]);
        assert_eq!(stored_keys().len(), 5);
        // Three unwanted pages and one more would outnumber the three wanted: written anew.
        let b4 = record("b", "<p>Beta, edited thrice</p>");
        build(&[a.clone(), b4.clone(), c.clone()]);
        assert_eq!(stored_keys(), keys(&[a.clone(), b4.clone(), c.clone()], "en"));
        // A cut file is read up to the damage, then written anew.
        let bytes = std::fs::read(&file).unwrap();
        std::fs::write(&file, &bytes[..bytes.len() - 3]).unwrap();
        let b5 = record("b", "<p>Beta, edited again</p>");
        build(&[a.clone(), b5.clone(), c.clone()]);
        assert_eq!(stored_keys(), keys(&[a, b5, c], "en"));
    }

    #[test]
    fn the_parsed_pages_of_parts_the_index_no_longer_has_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let names = ["part-0.pages", "part-1.pages", "part-2.pages", "part-11.pages", "part-x.pages", "notes.txt"];
        for name in names {
            std::fs::write(dir.path().join(name), b"").unwrap();
        }
        forget_parts_beyond(dir.path(), 2);
        let mut left: Vec<String> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        left.sort();
        assert_eq!(left, ["notes.txt", "part-0.pages", "part-1.pages", "part-x.pages"]);
        // A folder that is not there is no error.
        forget_parts_beyond(&dir.path().join("missing"), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_kept_part_is_linked_while_whole_and_forgotten_once_unused() {
        let dir = tempfile::tempdir().unwrap();
        let store = PartStore::new(dir.path().join("parts"));
        let digest = "0123456789abcdef0123456789abcdef";
        let bytes = |path: &str, text: &str| index_file(path.to_string(), Contents::Bytes(text.as_bytes().to_vec()));
        let mut files = vec![
            bytes("/pagefind/part-1/index/en_1.pf_index", "words"),
            bytes("/pagefind/part-1/pagefind-entry.json", "{}"),
        ];
        files.push(part_manifest(1, digest, &files));
        let kept = store.keep(1, digest, files, &KeptContents::default());
        let folder = std::path::absolute(dir.path().join("parts").join(format!("1-{digest}"))).unwrap();
        let linked = |files: &[OutputFile]| -> Vec<(String, Option<std::path::PathBuf>)> {
            let file = |f: &OutputFile| match &f.contents {
                Contents::Cached(path) => Some(path.strip_prefix(&folder).unwrap().to_path_buf()),
                _ => None,
            };
            files.iter().map(|f| (f.path.clone(), file(f))).collect()
        };
        assert_eq!(
            linked(&kept)[0],
            ("/pagefind/part-1/index/en_1.pf_index".into(), Some("index/en_1.pf_index".into()))
        );
        assert_eq!(std::fs::read(folder.join("index/en_1.pf_index")).unwrap(), b"words");
        // Found again under its digest only, with every file but the manifest linked.
        let found = store.part(1, digest).unwrap();
        assert_eq!(linked(&found)[..2], linked(&kept)[..2]);
        assert!(store.part(1, "fedcba9876543210fedcba9876543210").is_none());
        // A part missing a file is not used, and keeping it again makes it whole.
        std::fs::remove_file(folder.join("pagefind-entry.json")).unwrap();
        assert!(store.part(1, digest).is_none());
        let mut again = vec![bytes("/pagefind/part-1/pagefind-entry.json", "{}")];
        again.push(part_manifest(1, digest, &again));
        store.keep(1, digest, again, &KeptContents::default());
        assert!(store.part(1, digest).is_some());
        assert!(!folder.join("index").exists(), "the incomplete folder was replaced whole");
        // The part kept again from other records: a file with the same bytes is the same file.
        let other = "fedcba9876543210fedcba9876543210";
        let mut changed = vec![
            bytes("/pagefind/part-1/pagefind-entry.json", "{}"),
            bytes("/pagefind/part-1/index/en_2.pf_index", "new"),
        ];
        changed.push(part_manifest(1, other, &changed));
        store.keep(1, other, changed, &KeptContents::default());
        let next_folder = dir.path().join("parts").join(format!("1-{other}"));
        let inode = |path: std::path::PathBuf| {
            std::fs::metadata(path).map(|m| std::os::unix::fs::MetadataExt::ino(&m)).unwrap()
        };
        assert_eq!(inode(next_folder.join("pagefind-entry.json")), inode(folder.join("pagefind-entry.json")));
        assert_eq!(std::fs::read(next_folder.join("index/en_2.pf_index")).unwrap(), b"new");
        // A build that used other digests forgets this one.
        let next = PartStore::new(dir.path().join("parts"));
        next.forget_unused();
        assert!(!folder.exists());
    }

    #[test]
    fn kept_contents_read_back_and_skip_what_does_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let contents = KeptContents(
            [
                ("fragment/en_1.pf_fragment".to_string(), (120, 7u128)),
                ("index/en_2.pf_index".to_string(), (9, u128::MAX)),
            ]
            .into(),
        );
        std::fs::write(dir.path().join(KEPT_CONTENTS), contents.to_text()).unwrap();
        assert_eq!(KeptContents::read(dir.path()), contents);
        let digest = format!("{:032x}", 5u128);
        let text = format!(
            "{digest} 10 fragment/a.pf_fragment\n{digest} ten fragment/b.pf_fragment\n5 10 fragment/c.pf_fragment\n{digest}\n{digest} 11 with space.pf_index\n"
        );
        std::fs::write(dir.path().join(KEPT_CONTENTS), text).unwrap();
        let read = KeptContents::read(dir.path());
        let mut names: Vec<&str> = read.0.keys().map(String::as_str).collect();
        names.sort();
        assert_eq!(names, ["fragment/a.pf_fragment", "with space.pf_index"]);
        assert_eq!(read.0["fragment/a.pf_fragment"], (10, 5));
        assert_eq!(KeptContents::read(&dir.path().join("missing")), KeptContents::default());
    }

    #[test]
    fn a_kept_file_is_taken_unread_only_when_its_digest_and_length_match() {
        use pagefind::api::EarlierFile;
        let dir = tempfile::tempdir().unwrap();
        let chunks: [&[u8]; 2] = [b"first", b"second"];
        std::fs::create_dir_all(dir.path().join("fragment")).unwrap();
        for name in ["a", "b", "c"] {
            std::fs::write(dir.path().join(format!("fragment/{name}.pf_fragment")), b"gzipped").unwrap();
        }
        let kept = KeptContents(
            [
                ("fragment/a.pf_fragment".to_string(), (7, contents_digest(&chunks))),
                ("fragment/b.pf_fragment".to_string(), (7, contents_digest(&[b"other"]))),
                // Cut short since it was listed.
                ("fragment/c.pf_fragment".to_string(), (8, contents_digest(&chunks))),
            ]
            .into(),
        );
        assert_ne!(contents_digest(&[b"firstsecond"]), contents_digest(&chunks), "chunks are told apart");
        let earlier = EarlierPart {
            previous: Box::new(|name| (name == "fragment/b.pf_fragment").then(|| b"previous".to_vec())),
            kept: Some((dir.path().to_path_buf(), kept)),
            now: Default::default(),
        };
        let answer = |name: &str| earlier.answer(Path::new(name), &chunks);
        assert!(matches!(answer("fragment/a.pf_fragment"), Some(EarlierFile::Unchanged)));
        assert!(
            matches!(answer("fragment/b.pf_fragment"), Some(EarlierFile::Bytes(b)) if b == b"previous"),
            "another digest: the previous index's bytes, for Pagefind to compare"
        );
        assert!(
            matches!(answer("fragment/c.pf_fragment"), Some(EarlierFile::Bytes(b)) if b == b"gzipped"),
            "another length: the kept file's bytes, for Pagefind to compare"
        );
        assert!(answer("fragment/d.pf_fragment").is_none());
        assert_eq!(earlier.kept_file("fragment/a.pf_fragment"), Some(dir.path().join("fragment/a.pf_fragment")));
        let now = earlier.now.lock().unwrap();
        assert_eq!(now.len(), 4);
        assert!(now.values().all(|&d| d == contents_digest(&chunks)));
    }

    #[cfg(unix)]
    #[test]
    fn a_part_indexed_again_links_the_files_it_kept_and_is_the_part_a_fresh_build_makes() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let store = PartStore::new(dir.path().join("parts"));
        let record = |url: &str, words: &str| SearchRecord { url: url.into(), html: plain_record(url, words) };
        let before = vec![record("/a/", "<p>Alpha words</p>"), record("/b/", "<p>Beta words</p>")];
        let after = vec![record("/a/", "<p>Alpha words</p>"), record("/b/", "<p>Beta changed</p>")];
        let build = |records: &[SearchRecord], store: Option<&PartStore>| {
            let keys = keys(records, "en");
            let digest = part_digest(&keys, "en", 1, 2);
            let reuse = Reuse::<Path> { previous: None, parsed: None, store };
            build_and_keep(records, &keys, &digest, "en", 1, &reuse, Parsing::Here).unwrap()
        };
        let bytes = |files: &[OutputFile]| -> BTreeMap<String, Vec<u8>> {
            let read = |f: &OutputFile| match &f.contents {
                Contents::Bytes(bytes) => bytes.clone(),
                Contents::Cached(path) => std::fs::read(path).unwrap(),
                _ => panic!("{}", f.path),
            };
            files.iter().map(|f| (f.path.clone(), read(f))).collect()
        };
        let inodes = |files: &[OutputFile]| -> BTreeMap<String, u64> {
            let inode = |f: &OutputFile| match &f.contents {
                Contents::Cached(path) => std::fs::metadata(path).unwrap().ino(),
                _ => panic!("{} is not kept", f.path),
            };
            files.iter().map(|f| (f.path.clone(), inode(f))).collect()
        };
        let first = build(&before, Some(&store));
        let first_inodes = inodes(&first);
        let first_folder =
            dir.path().join("parts").join(store.folder(1, &part_digest(&keys(&before, "en"), "en", 1, 2)));
        let listed = KeptContents::read(&first_folder);
        let compressed = first.iter().filter(|f| f.path.contains(".pf_")).count();
        assert_eq!(listed.0.len(), compressed, "every compressed file is listed");
        let fragments: Vec<&String> = first_inodes.keys().filter(|p| p.contains("/fragment/")).collect();
        assert_eq!(fragments.len(), 2);
        let again = build(&after, Some(&store));
        let again_inodes = inodes(&again);
        let kept: Vec<&String> =
            fragments.iter().copied().filter(|p| again_inodes.get(*p) == first_inodes.get(*p)).collect();
        assert_eq!(kept.len(), 1, "the unchanged page's fragment is the kept file: {kept:?}");
        assert_eq!(bytes(&again), bytes(&build(&after, None)), "the same files as a build with nothing kept");
        // The part kept now lists its files in turn.
        let second_folder =
            dir.path().join("parts").join(store.folder(1, &part_digest(&keys(&after, "en"), "en", 1, 2)));
        assert_eq!(KeptContents::read(&second_folder).0.len(), compressed);
    }

    #[test]
    fn parts_keep_only_their_index_files() {
        for kept in [
            "pagefind-entry.json",
            "pagefind.en_1a2b.pf_meta",
            "index/en_3c.pf_index",
            "fragment/en_4d.pf_fragment",
            "filter/en_5e.pf_filter",
        ] {
            assert!(is_index_file(kept), "{kept}");
        }
        for dropped in
            ["pagefind.js", "pagefind-worker.js", "wasm.en.pagefind", "pagefind-ui.css", "pagefind-highlight.js"]
        {
            assert!(!is_index_file(dropped), "{dropped}");
        }
    }

    #[test]
    fn bundle_holds_the_js_api_the_wasm_and_the_index() {
        let records = vec![SearchRecord {
            url: "/2024/01/a/".into(),
            html: plain_record("Shutdowns", "<p>Internet shutdowns in Balochistan</p>"),
        }];
        let files = build_part(&records, &keys(&records, "en"), "en", 0, None, Parsing::Here, None).unwrap();
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        for expected in ["/pagefind/pagefind.js", "/pagefind/pagefind-entry.json", "/pagefind/wasm.en.pagefind"] {
            assert!(paths.contains(&expected), "{expected} missing from {paths:?}");
        }
        assert!(paths.iter().any(|p| p.ends_with(".pf_fragment")), "{paths:?}");
        assert!(paths.iter().any(|p| p.ends_with(".pf_index")), "{paths:?}");
    }
}
