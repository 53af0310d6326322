//! Parsing one Markdown file: front matter (located, so problems point at their line),
//! the body rendered once, and the warnings a document can earn on its own.

use std::collections::HashMap;
use std::path::Path;

use super::front_matter::{self, FrontMatter};
use super::walk::relative_to;
use super::{Article, Common, Located, Page};
use crate::config::Config;
use crate::error::{Error, Location, Position, Warning};
use crate::markdown::Markdown;
use crate::yaml::{YamlProblem, YamlSource};

/// Per-file parsing state: the config, the file's path and its YAML, for locating problems.
pub(crate) struct ParseContext<'a> {
    pub config: &'a Config,
    pub source: &'a Path,
    pub yaml: YamlSource<'a>,
    /// The whole file, for locating problems in the body.
    pub text: &'a str,
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

/// The error for a located front-matter value.
pub fn error_at(source: &Path, located: &Located<String>, message: impl Into<String>) -> Error {
    Error::content(Location { path: source.to_path_buf(), position: located.position }, message)
}

/// A parsed content file.
#[derive(Debug, Clone)]
pub enum Document {
    /// A dated article (shared, so the dev server's cache clones it cheaply).
    Article(std::sync::Arc<Article>),
    /// A page from content/pages/.
    Page(Box<Page>),
}

impl Document {
    /// What articles and pages share (the rendered body among it).
    pub fn common(&self) -> &Common {
        match self {
            Document::Article(article) => &article.common,
            Document::Page(page) => &page.common,
        }
    }
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
pub(crate) const LONG_SLUG: usize = 80;

/// Reads and parses one Markdown file. `in_pages` is its path under `content/pages/`, if there.
pub(crate) fn parse_file(
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
pub(crate) fn parse_bytes(
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

pub(crate) fn parse_text(
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
    let ctx =
        ParseContext { config, source, yaml: YamlSource { text: split.yaml, first_line: split.yaml_first_line }, text };
    let fm: FrontMatter = ctx.yaml.parse().map_err(|p| {
        let unknown = ctx.yaml.unknown_keys(crate::yaml::field_names::<FrontMatter>());
        let problems = if unknown.is_empty() { vec![p] } else { unknown };
        problems
            .into_iter()
            .map(|p| YamlProblem { position: p.position.or(Some(Position { line: 1, column: 1 })), ..p })
            .map(|p| p.into_error(source, Error::content))
            .collect::<Vec<_>>()
    })?;
    let mut errors = Vec::new();
    if let Some(problem) = crate::yaml::untemplatable_key(&fm.extra) {
        errors.push(ctx.error_at_key("extra", format!("`extra:`: {problem}")));
    }
    let empty_tags = fm.tags.is_empty() && ctx.yaml.key_position("tags").is_some();
    let common = common_fields(&fm, source, split.body, &ctx, markdown, &mut errors).map(|mut common| {
        common.inline_images = locate_images(text, &common.body.images);
        // The shortcodes' warnings, found while the body was rendered, join the document's.
        let mut warnings = document_warnings(&common, &fm, empty_tags, &ctx);
        warnings.append(&mut common.warnings);
        warnings.sort();
        common.warnings = warnings;
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
pub(crate) fn locate_images(text: &str, urls: &[String]) -> Vec<Located<String>> {
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
pub(crate) fn document_warnings(
    common: &Common,
    fm: &FrontMatter,
    empty_tags: bool,
    ctx: &ParseContext,
) -> Vec<Warning> {
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
pub(crate) fn comma_separated_scalar<'a>(ctx: &ParseContext, key: &str, parsed: &'a [String]) -> Option<&'a str> {
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
    if crate::taxonomy::AuthorIndex::declares(&config.authors, written) {
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

pub(crate) fn common_fields(
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
    let lang = fm.lang.as_deref().map(str::trim).filter(|l| !l.is_empty()).unwrap_or(ctx.config.language.as_str());
    let document = crate::markdown::DocumentContext {
        source,
        file_text: ctx.text,
        // The body is the end of the file.
        offset: ctx.text.len().saturating_sub(body.len()),
        lang,
        url_prefix: &ctx.config.base_url.prefix,
    };
    let (body, shortcode_errors, shortcode_warnings) = markdown.render_document(body, &document);
    errors.extend(shortcode_errors);
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
        warnings: shortcode_warnings,
    })
}
