//! Loading `content/`: walk it, split articles from `content/pages/`, parse every file in
//! parallel, and collect every problem (a build reports all broken files at once).

pub mod article;
pub mod front_matter;
pub mod page;
mod parse;
mod walk;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::error::{Error, Location, Position, Result, Warning};
use crate::markdown::{Markdown, Rendered};
pub use article::Article;
pub use page::Page;
pub(crate) use parse::ParseContext;
pub(crate) use parse::parse_bytes;
use parse::parse_file;
pub use parse::{Document, Parsed, error_at, parse_document, undeclared_author};
pub(crate) use walk::Found;
pub use walk::is_editor_litter;
use walk::{asset_for, walk};

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

/// Like [`load_all`], asking `memory` for documents parsed by an earlier load: the hook
/// through which the dev server (its cache is `serve::content_cache`) re-parses only the
/// files an edit touched.
pub(crate) fn load_remembering(
    root: &Path,
    config: &Config,
    markdown: &Markdown,
    opts: LoadOptions,
    memory: &mut dyn DocumentMemory,
) -> Result<(Content, Vec<Error>)> {
    load_parts(root, config, markdown, opts, Some(memory))
}

/// Parsed documents kept from one load to the next. A load tells it what parsing depends on
/// and may get back the last listing of `content/`; asks it for every Markdown file (in
/// parallel); and hands it the listing at the end.
pub(crate) trait DocumentMemory: Sync {
    /// Called first, with what every document depends on (a memory forgets documents parsed
    /// with another configuration or other shortcodes). Returns the last listing and the
    /// files that may have changed since, when those are all it needs to look at.
    fn start_load(&mut self, config: &Config, markdown: &Markdown) -> Option<(Vec<Found>, Vec<PathBuf>)>;

    /// The document at `path`: the remembered one when its file has not changed (not even
    /// looked at when `unchanged`, the caller's word), else parsed now with [`parse_file`].
    fn document(
        &self,
        root: &Path,
        path: &Path,
        in_pages: Option<&Path>,
        config: &Config,
        markdown: &Markdown,
        unchanged: bool,
    ) -> Result<Option<Document>, Vec<Error>>;

    /// Called last with the files found: `walked` when `content/` was listed now (so a file
    /// missing from `found` is gone), `complete` when that listing had no errors.
    fn finish_load(&mut self, found: Vec<Found>, walked: bool, complete: bool);
}

fn load_parts(
    root: &Path,
    config: &Config,
    markdown: &Markdown,
    opts: LoadOptions,
    mut memory: Option<&mut dyn DocumentMemory>,
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
    let reused = memory.as_deref_mut().and_then(|m| m.start_load(config, markdown));
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

    let shared = memory.as_deref();
    let parsed: Vec<Result<Option<Document>, Vec<Error>>> = found
        .par_iter()
        .filter_map(|f| match f {
            Found::Markdown { path, in_pages } => Some(match shared {
                Some(memory) => {
                    // A short list: comparing beats hashing every path of a large archive.
                    let unchanged = changed.as_ref().is_some_and(|c| !c.iter().any(|p| p == path));
                    memory.document(root, path, in_pages.as_deref(), config, markdown, unchanged)
                }
                None => parse_file(root, path, in_pages.as_deref(), config, markdown),
            }),
            Found::Other(_) => None,
        })
        .collect();

    let mut content = Content { warnings: symlink_warnings, ..Content::default() };
    for result in parsed {
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
    if let Some(memory) = memory {
        memory.finish_load(found, changed.is_none(), listing_is_complete);
    }
    Ok((content, errors))
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
            assert!(is_editor_litter(name), "{name}");
        }
        assert!(!is_editor_litter("a.md"));
    }
}
