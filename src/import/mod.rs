//! `pamphlet import wordpress`: turns a WordPress export (WXR) into a pamphlet site without
//! losing an address. Two streaming passes over the file keep memory bounded whatever its
//! size: the first gathers authors, terms and every item's metadata and plans where each post
//! and page goes (so links between posts can be rewritten); the second converts bodies, in
//! parallel batches, and writes them.

pub mod convert;
pub mod links;
pub mod media;
pub mod plan;
mod report;
mod site_yaml;
pub mod wxr;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use report::ImportReport;

use crate::config::CONFIG_FILE;
use crate::content::front_matter::FrontMatter;
use crate::error::{Error, Location, Result};
use convert::{Converter, Note};
use plan::{Index, Kind, Plan, Planned};
use wxr::{Item, Record};

/// What to import and where.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The export file (`Tools → Export` in WordPress).
    pub export: PathBuf,
    /// The site root to write into.
    pub into: PathBuf,
    /// A copy of the old site's `wp-content/uploads` folder; referenced files are copied to
    /// `static/uploads/`.
    pub uploads: Option<PathBuf>,
    /// Report what would be written, and write nothing.
    pub dry_run: bool,
    /// Import even though the site already has content (existing files are never replaced).
    pub force: bool,
    /// Write approved comments to `data/comments/<path>.json` (`content/2024/03/x.md` →
    /// `data/comments/2024/03/x.json`), which the theme shows under the post, read-only.
    pub comments: bool,
}

/// How many items are converted together: enough to keep both cores busy, few enough that
/// memory stays bounded on a 20,000-post export.
const BATCH: usize = 256;

/// Imports the export described by `opts`.
pub fn import_wordpress(opts: &ImportOptions) -> Result<ImportReport> {
    check_destination(opts)?;
    let index = read_index(&opts.export)?;
    let permalink = destination_permalink(&opts.into)?;
    let media = media::MediaPlaces::new(index.base_url(), opts.uploads.as_deref());
    let plan = plan::plan(&index, &permalink, &media);
    let mut report = ImportReport::new(opts, &index);
    note_adjusted_terms(&index, &plan, &mut report);
    // Uploads by id, for featured images and galleries alike.
    let attachments: HashMap<u64, convert::Attachment> = index
        .items
        .iter()
        .filter(|i| i.post_type == "attachment")
        .map(|a| {
            let attachment = convert::Attachment {
                id: a.id,
                parent: a.parent,
                order: a.menu_order,
                url: a.attachment_url.clone(),
                caption: html_to_text(&a.excerpt),
                alt: a.meta("_wp_attachment_image_alt").map(html_to_text).unwrap_or_default(),
            };
            (a.id, attachment)
        })
        .collect();
    let context =
        ItemContext { plan: &plan, media: &media, attachments: &attachments, index: &index, comments: opts.comments };
    let converter = Converter::new(&plan.links, &media, &attachments);
    let mut writer = Writer::new(opts);
    let mut batch: Vec<Box<Item>> = Vec::with_capacity(BATCH);
    let convert_batch = |batch: &mut Vec<Box<Item>>, report: &mut ImportReport, writer: &mut Writer| -> Result<()> {
        let done: Vec<ImportedItem> = batch
            .par_iter()
            .filter_map(|item| import_item(item, &context, &converter).transpose())
            .collect::<Result<_>>()?;
        batch.clear();
        // Files are created in parallel too: on a busy disk, creating 20,000 files one after
        // the other is most of an import's time.
        let written: Vec<Result<bool>> =
            done.par_iter().map(|item| writer.create(&item.planned.file, item.text.as_bytes())).collect();
        for (item, created) in done.iter().zip(written) {
            writer.record_item(item, created?, report)?;
        }
        Ok(())
    };
    wxr::read(&opts.export, |record| {
        if let Record::Item(item) = record
            && plan.by_id.contains_key(&item.id)
        {
            batch.push(item);
            if batch.len() == BATCH {
                convert_batch(&mut batch, &mut report, &mut writer)?;
            }
        }
        Ok(())
    })?;
    convert_batch(&mut batch, &mut report, &mut writer)?;
    writer.copy_media(&mut report)?;
    let yaml = site_yaml::site_yaml(&index, &plan)?;
    (report.menu_links, report.menu_skipped) = (yaml.menu_links, yaml.menu_skipped);
    writer.write_site_yaml(&yaml.text, &mut report)?;
    report.finish();
    writer.write_full_report(&mut report)?;
    Ok(report)
}

/// Reports the authors the export did not declare and the categories whose names changed.
fn note_adjusted_terms(index: &Index, plan: &Plan, report: &mut ImportReport) {
    for login in &index.undeclared.authors {
        report.note(
            "undeclared author",
            format!(
                "{CONFIG_FILE}: author `{login}` writes posts but is not among the export's users: added under `authors:` with their login as name; write their real name there"
            ),
        );
    }
    for message in &plan.renamed_categories {
        report.note("category renamed", format!("{CONFIG_FILE}: {message}"));
    }
}

/// Refuses to import into a site that already has content, unless `--force`.
fn check_destination(opts: &ImportOptions) -> Result<()> {
    if !opts.export.is_file() {
        return Err(Error::config(Location::file(&opts.export), "the export file does not exist (or is not a file)"));
    }
    let content = opts.into.join(crate::content::CONTENT_DIR);
    let has_content =
        walkdir::WalkDir::new(&content).into_iter().filter_map(|e| e.ok()).any(|e| e.file_type().is_file());
    if has_content && !opts.force && !opts.dry_run {
        return Err(Error::config(
            Location::file(&content),
            "this site already has content: import into an empty folder (`--into new-site`), or pass `--force` to add the \
             imported posts beside it (existing files are never replaced)",
        ));
    }
    Ok(())
}

/// The first pass: everything but bodies and comments.
fn read_index(export: &Path) -> Result<Index> {
    let mut index = Index::default();
    let mut seen_terms = HashSet::new();
    wxr::read(export, |record| {
        match record {
            Record::Channel(c) => index.channel = c,
            Record::Author(a) => index.authors.push(a),
            // Exports may declare a term twice (as `<wp:category>` and as `<wp:term>`): the
            // first declaration wins.
            Record::Term(t) => {
                let list = match t.taxonomy.as_str() {
                    "category" => &mut index.categories,
                    "post_tag" => &mut index.tags,
                    _ => &mut index.terms,
                };
                if seen_terms.insert((t.taxonomy.clone(), t.slug.clone())) {
                    list.push(t);
                }
            }
            Record::Item(mut item) => {
                // Bodies are read again in the second pass; a block-editor menu is small and
                // is needed for `menu:`.
                if item.post_type != "wp_navigation" {
                    item.content = String::new();
                }
                item.comments = Vec::new();
                // Plugins keep large blobs in post meta (page builders, SEO data): only the
                // keys the import reads are kept for the whole run.
                item.meta.retain(|(key, _)| {
                    matches!(key.as_str(), "_thumbnail_id" | "_wp_attachment_image_alt" | "_wp_old_slug")
                        || key.starts_with("_menu_item_")
                });
                if item.post_type != "attachment" {
                    item.excerpt = String::new();
                }
                index.items.push(*item);
            }
        }
        Ok(())
    })?;
    index.declare_used_terms();
    Ok(index)
}

/// The destination site's permalink pattern: its own when it has a `site.yaml`, else the
/// default one the imported `site.yaml` will use.
fn destination_permalink(root: &Path) -> Result<crate::permalink::PermalinkPattern> {
    let configured = crate::config::Config::load(root, Some("https://example.org/")).ok().map(|c| Ok(c.permalink));
    configured.unwrap_or_else(|| {
        crate::permalink::PermalinkPattern::parse(&crate::config::ConfigFile::default().permalink)
            .map_err(|msg| Error::config(Location::file(CONFIG_FILE), msg))
    })
}

/// A regular expression written as a constant in the importer's source. An invalid one is a
/// bug in pamphlet, never in the export, and panics the first time it is used (the importer's
/// tests use every one), so this is the one place its panic is allowed.
#[allow(clippy::expect_used)]
fn constant_regex(pattern: &str) -> regex::Regex {
    regex::Regex::new(pattern).expect("the importer's patterns are constants")
}

/// What the second pass needs besides the item itself.
struct ItemContext<'a> {
    plan: &'a Plan,
    media: &'a media::MediaPlaces,
    attachments: &'a HashMap<u64, convert::Attachment>,
    index: &'a Index,
    comments: bool,
}

/// One converted post or page, ready to write.
struct ImportedItem {
    planned: Planned,
    title: String,
    status: String,
    draft: bool,
    text: String,
    media: BTreeSet<String>,
    notes: Vec<Note>,
    comments: usize,
    comments_json: Option<String>,
}

/// The imported file of `item`, `None` when the plan left it out; an error only when its front
/// matter or comments cannot be written (never an empty file).
fn import_item(item: &Item, context: &ItemContext, converter: &Converter) -> Result<Option<ImportedItem>> {
    let Some(planned) = context.plan.by_id.get(&item.id).cloned() else {
        return Ok(None);
    };
    let converted = converter.convert(&item.content, item.id);
    let mut notes = converted.notes;
    let mut media = converted.media;
    let title = match html_to_text(&item.title) {
        t if t.is_empty() => {
            notes.push(Note { kind: "untitled", message: "had no title; it is called \"Untitled\"".into() });
            "Untitled".to_string()
        }
        t => t,
    };
    let featured = featured_image(item, context, &mut media);
    if planned.kind == Kind::Post && item.name.trim().is_empty() {
        let from = if planned.slug.ends_with(&format!("-{}", item.id)) { "its id" } else { "its title" };
        notes.push(Note {
            kind: "no slug",
            message: format!("had no slug in the export (`wp:post_name`); its slug is `{}`, from {from}", planned.slug),
        });
    }
    if !item.password.is_empty() {
        notes.push(Note { kind: "password", message: "was password-protected; imported as a draft".into() });
    }
    if item.status == "private" {
        notes.push(Note { kind: "private", message: "was private; imported as a draft".into() });
    }
    let draft = matches!(item.status.as_str(), "draft" | "pending" | "private") || !item.password.is_empty();
    let summary = Some(html_to_text(&item.excerpt)).filter(|s| !s.is_empty());
    let lang = language(item, &title, &context.index.channel.language);
    let front = FrontMatter {
        title: Some(title.clone()),
        date: planned.date.clone().filter(|_| planned.kind == Kind::Post),
        updated: planned.updated.clone(),
        // A login without letters or digits cannot make an author page: left out.
        author: (planned.kind == Kind::Post && !crate::slug::slugify(&item.creator).is_empty())
            .then(|| item.creator.clone())
            .into_iter()
            .collect(),
        categories: terms(item, "category", |t| context.plan.category_paths.get(&t.nicename).cloned()),
        tags: terms(item, "post_tag", tag_name),
        summary,
        slug: (planned.kind == Kind::Post).then(|| planned.slug.clone()),
        draft,
        lang,
        image: featured.as_ref().map(|f| f.url.clone()),
        image_caption: featured.as_ref().and_then(|f| f.caption.clone()),
        image_alt: featured.as_ref().and_then(|f| f.alt.clone()),
        aliases: planned.aliases.clone(),
        ..FrontMatter::default()
    };
    let cannot_write = |what: &str, e: &dyn std::fmt::Display| {
        Error::output(&planned.file, format!("cannot write the {what} of WordPress item {}: {e}", item.id))
    };
    let front = front.to_yaml_block().map_err(|e| cannot_write("front matter", &e))?;
    let text = format!("{front}{}", converted.markdown);
    let approved: Vec<&wxr::Comment> = item.comments.iter().filter(|c| c.approved == "1").collect();
    let comments_json = if context.comments && !approved.is_empty() {
        Some(serde_json::to_string_pretty(&approved).map_err(|e| cannot_write("comments", &e))?)
    } else {
        None
    };
    Ok(Some(ImportedItem {
        title,
        status: item.status.clone(),
        draft,
        text,
        media,
        notes,
        comments: approved.len(),
        comments_json,
        planned,
    }))
}

/// A tag's name, or its decoded slug when the name has no letters or digits to make a URL from
/// (`★` → `star`): pamphlet refuses such tags.
fn tag_name(term: &wxr::ItemTerm) -> Option<String> {
    let name = html_to_text(&term.name);
    if !crate::slug::slugify(&name).is_empty() {
        return Some(name);
    }
    Some(links::decode_path(&term.nicename)).filter(|s| !crate::slug::slugify(s).is_empty())
}

/// The names of an item's terms in `domain`, as `name_of` gives them (`None`: left out).
fn terms(item: &Item, domain: &str, name_of: impl Fn(&wxr::ItemTerm) -> Option<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for term in item.terms.iter().filter(|t| t.domain == domain) {
        let Some(name) = name_of(term) else { continue };
        if !name.is_empty() && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

struct Featured {
    url: String,
    caption: Option<String>,
    alt: Option<String>,
}

/// The featured image from `_thumbnail_id`, with the attachment's caption and alt text.
fn featured_image(item: &Item, context: &ItemContext, media: &mut BTreeSet<String>) -> Option<Featured> {
    let id: u64 = item.meta("_thumbnail_id")?.trim().parse().ok()?;
    let attachment = context.attachments.get(&id)?;
    let url = match context.media.place(&attachment.url) {
        Some(place) => {
            media.insert(place.inside);
            place.url
        }
        // A file on another host works as it is; anything else (a relative path) would be
        // looked for beside the article, and is left out.
        None if is_web_url(&attachment.url) => attachment.url.trim().to_string(),
        None => return None,
    };
    let caption = Some(attachment.caption.clone()).filter(|c| !c.is_empty());
    let alt = Some(attachment.alt.clone()).filter(|a| !a.is_empty());
    Some(Featured { url, caption, alt })
}

fn is_web_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// The item's language: a Polylang/WPML `language` term when there is one; else, for a title
/// mostly in a right-to-left script on a site in another language, the language its letters
/// point to ([`crate::language::guess_rtl_language`]: Urdu, Sindhi, Pashto, Persian, Arabic).
fn language(item: &Item, title: &str, site_language: &str) -> Option<String> {
    if let Some(term) = item.terms.iter().find(|t| t.domain == "language") {
        return Some(term.nicename.clone());
    }
    let guess = crate::language::guess_rtl_language(title)?;
    (!crate::language::is_rtl(site_language)).then(|| guess.to_string())
}

pub use crate::escape::html_to_text;

/// Writes files (or, in a dry run, only counts them); never replaces an existing file.
struct Writer {
    root: PathBuf,
    uploads: Option<PathBuf>,
    dry_run: bool,
    media: BTreeSet<String>,
    /// Folders known to exist, so each is created once.
    folders: std::sync::Mutex<HashSet<PathBuf>>,
}

impl Writer {
    fn new(opts: &ImportOptions) -> Self {
        Writer {
            root: opts.into.clone(),
            uploads: opts.uploads.clone(),
            dry_run: opts.dry_run,
            media: BTreeSet::new(),
            folders: std::sync::Mutex::new(HashSet::new()),
        }
    }

    /// Counts an item whose file was just created (`created`) or kept, and writes its comments.
    fn record_item(&mut self, item: &ImportedItem, created: bool, report: &mut ImportReport) -> Result<()> {
        if created {
            report.written += 1;
        } else {
            report.kept.push(item.planned.file.clone());
        }
        report.count_item(&item.planned, &item.status, item.comments, item.draft);
        for lost in &item.planned.lost {
            let message = format!(
                "{} ({}): its old address {lost} is one of pamphlet's own pages now; it lives at {}",
                item.planned.file, item.title, item.planned.url
            );
            report.note("address taken", message);
        }
        for note in &item.notes {
            report.note(note.kind, format!("{} ({}): {}", item.planned.file, item.title, note.message));
        }
        self.media.extend(item.media.iter().cloned());
        let comments_file = crate::comments::comments_file(Path::new(&item.planned.file));
        if let (Some(json), Some(file)) = (&item.comments_json, comments_file) {
            // Beside the article's own path, so the build finds them (and two posts with the
            // same slug in different months keep theirs apart).
            let name = file.to_string_lossy().replace('\\', "/");
            self.write_new(&name, json.as_bytes(), report)?;
            report.comments_exported += item.comments;
        }
        Ok(())
    }

    /// Writes `relative` under the site root unless it exists (then it is kept and listed).
    fn write_new(&self, relative: &str, bytes: &[u8], report: &mut ImportReport) -> Result<()> {
        if self.create(relative, bytes)? {
            report.written += 1;
        } else {
            report.kept.push(relative.to_string());
        }
        Ok(())
    }

    /// Creates `relative` under the site root with `bytes`; `false` when a file is already
    /// there (it is never replaced). In a dry run nothing is created.
    fn create(&self, relative: &str, bytes: &[u8]) -> Result<bool> {
        use std::io::Write;
        let path = self.root.join(relative);
        if self.dry_run {
            return Ok(!path.exists());
        }
        if let Some(parent) = path.parent() {
            let known = self.folders.lock().map(|f| f.contains(parent)).unwrap_or(false);
            if !known {
                std::fs::create_dir_all(parent).map_err(|e| Error::io("create directory", parent, e))?;
                if let Ok(mut folders) = self.folders.lock() {
                    folders.insert(parent.to_path_buf());
                }
            }
        }
        // `create_new` refuses an existing file in the same system call that creates it.
        let mut file = match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(false),
            Err(e) => return Err(Error::io("create", &path, e)),
        };
        file.write_all(bytes).map_err(|e| Error::io("write", &path, e))?;
        Ok(true)
    }

    /// Copies referenced uploads found in the uploads folder into `static/uploads/`; the others
    /// (all of them without `--uploads`) are listed as still served from the old site.
    fn copy_media(&self, report: &mut ImportReport) -> Result<()> {
        report.media_referenced = self.media.len();
        for inside in &self.media {
            let from = self.uploads.as_ref().map(|uploads| uploads.join(inside)).filter(|f| f.is_file());
            let Some(from) = from else {
                report.media_remote.push(inside.clone());
                continue;
            };
            report.media_copied += 1;
            let to = self.root.join("static/uploads").join(inside);
            if self.dry_run || to.exists() {
                continue;
            }
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Error::io("create directory", parent, e))?;
            }
            std::fs::copy(&from, &to).map_err(|e| Error::io("copy", &from, e))?;
        }
        Ok(())
    }

    /// Writes the report with every warning to `import-report.txt` at the site root (outside
    /// `content/` and `static/`, so it is never published), or to `import-report-2.txt`… when
    /// an earlier import left one.
    fn write_full_report(&self, report: &mut ImportReport) -> Result<()> {
        if self.dry_run {
            // Counted, so a dry run announces the files the import writes; the printed report
            // lists every warning instead.
            report.written += 1;
            return Ok(());
        }
        let mut n = 1;
        loop {
            let name = if n == 1 { "import-report.txt".to_string() } else { format!("import-report-{n}.txt") };
            if !self.root.join(&name).exists() {
                report.full_report = Some(name.clone());
                report.written += 1;
                if self.create(&name, report.full_text().as_bytes())? {
                    return Ok(());
                }
                report.written -= 1;
            }
            n += 1;
        }
    }

    /// Writes `site.yaml`, or `site.wordpress.yaml` beside an existing one (to merge by hand).
    fn write_site_yaml(&self, yaml: &str, report: &mut ImportReport) -> Result<()> {
        let name = if self.root.join(CONFIG_FILE).exists() { "site.wordpress.yaml" } else { CONFIG_FILE };
        report.site_yaml = Some(name.to_string());
        self.write_new(name, yaml.as_bytes(), report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_to_text_drops_tags_and_decodes_entities() {
        assert_eq!(
            html_to_text("Markup: <em>Title</em> &amp; &#8220;quotes&#8221; &#x2014; &bogus; a&b"),
            "Markup: Title & “quotes” — &bogus; a&b"
        );
        assert_eq!(html_to_text("  two\n\nlines "), "two lines");
    }

    #[test]
    fn arabic_script_titles_are_marked_urdu_on_left_to_right_sites() {
        let item = Item::default();
        assert_eq!(language(&item, "ڈیجیٹل حقوق", "en-US").as_deref(), Some("ur"));
        assert_eq!(language(&item, "ڈیجیٹل حقوق", "ur"), None);
        assert_eq!(language(&item, "Digital rights", "en"), None);
    }
}
