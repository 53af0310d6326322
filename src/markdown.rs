//! Markdown → HTML with pulldown-cmark, in one pass over the events that also yields the table
//! of contents, the plain-text summary and the word count. Fenced code is highlighted by syntect
//! into `hl-*` CSS classes (the theme ships the colours).
//!
//! Shortcodes are expanded before this module parses the text, by an [`Expand`] it is given
//! (the `shortcodes` module, which renders Tera templates): each one is replaced by a token
//! (see [`insert_token`]) that Markdown leaves alone, and the tokens are swapped for the
//! shortcodes' HTML after rendering. This module only knows the tokens, so it does not depend
//! on the template engine.

use std::collections::HashSet;
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use crate::error::{Error, Warning};
use crate::slug::slugify;

/// How many words an automatic summary keeps.
const SUMMARY_WORDS: usize = 50;

/// An entry of an article's table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct TocEntry {
    /// Heading level, 1–6.
    pub level: u8,
    /// The heading's `id` attribute (link to `#id`).
    pub id: String,
    /// The heading's text.
    pub title: String,
    /// Sub-headings.
    pub children: Vec<TocEntry>,
}

/// The result of rendering one Markdown document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Rendered {
    /// The HTML body.
    pub html: String,
    /// Headings as a tree.
    pub toc: Vec<TocEntry>,
    /// Plain text of everything before `<!-- more -->`, when the marker is present.
    pub summary_before_more: Option<String>,
    /// Plain text of the first paragraph, trimmed to about 50 words.
    pub first_paragraph: String,
    /// Words in the whole document.
    pub word_count: usize,
    /// Every heading id in the document, for checking `#anchor` links.
    pub anchors: Vec<String>,
    /// URLs of images written without alt text (`![](x.png)`).
    pub images_without_alt: Vec<String>,
    /// URLs of every Markdown image (`![alt](x.png)`), as written, in order.
    pub images: Vec<String>,
    /// The body for feeds, when it differs from `html`: an embed card there is a plain link.
    pub feed_html: Option<String>,
    /// Whether the body shows an embed card (an element with `data-embed-origin`), whose page
    /// needs the script that loads the player on a click.
    pub has_embeds: bool,
    /// Whether the body uses shortcodes, whose page needs their style sheet.
    pub has_shortcodes: bool,
    /// The files its shortcodes read: a body kept from an earlier build (or by the dev server)
    /// is current only while they are as they were.
    pub files: Vec<FileUse>,
}

/// A file a document's shortcodes read: a PDF measured for its card, a file checked to exist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct FileUse {
    /// The file, relative to the site root (so that the root may be spelled another way next
    /// time), or absolute when outside it.
    pub path: std::path::PathBuf,
    /// Its stamp, when the body shows what the file holds (its size, its pages); `None` when
    /// only that it exists matters.
    pub stamp: Option<crate::fs::FileStamp>,
}

/// The HTML a shortcode stands for, swapped in for its token after rendering.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Insert {
    /// The HTML for the page.
    pub html: String,
    /// The HTML for feeds, when it differs (an embed card becomes a plain link).
    pub feed_html: Option<String>,
    /// Words the shortcode adds to the word count (those of a callout, say).
    pub words: usize,
}

/// What a shortcode expander made of a document body.
#[derive(Debug, Default)]
pub struct Expansion {
    /// The body with each shortcode replaced by its [`insert_token`].
    pub text: String,
    /// The inserts, by token number.
    pub inserts: Vec<Insert>,
    /// Problems that stop the build, each at its file, line and column.
    pub errors: Vec<Error>,
    /// Problems that do not.
    pub warnings: Vec<Warning>,
    /// The files the shortcodes read (see [`Rendered::files`]).
    pub files: Vec<FileUse>,
}

/// The document a body belongs to, for shortcodes: where problems are, which language its
/// labels are in, and where its files are.
#[derive(Debug, Clone, Copy)]
pub struct DocumentContext<'a> {
    /// The file's path relative to the site root, for messages.
    pub source: &'a Path,
    /// The whole file's text, to turn offsets into lines and columns.
    pub file_text: &'a str,
    /// Where the text being expanded starts in `file_text`.
    pub offset: usize,
    /// The document's language.
    pub lang: &'a str,
    /// The base URL's path (`/` for most sites), for root-relative URLs.
    pub url_prefix: &'a str,
}

/// Expands shortcodes in a document body (implemented by the `shortcodes` module).
pub trait Expand: Send + Sync + std::fmt::Debug {
    /// `body` with its shortcodes replaced by tokens, and what the tokens stand for.
    fn expand(&self, body: &str, doc: &DocumentContext, markdown: &Markdown) -> Expansion;
    /// Changes whenever an expansion could: a document parsed with another fingerprint must
    /// be parsed again (the dev server's cache).
    fn fingerprint(&self) -> u64;
    /// Whether `files`, read by an expansion, are as they were then.
    fn files_unchanged(&self, files: &[FileUse]) -> bool;
}

/// First and last character of a token: private-use characters, which nobody types and
/// Markdown passes through untouched.
const TOKEN_OPEN: char = '\u{E010}';
const TOKEN_CLOSE: char = '\u{E011}';

/// The token that stands for insert number `index` in an expanded body.
pub fn insert_token(index: usize) -> String {
    format!("{TOKEN_OPEN}{index}{TOKEN_CLOSE}")
}

/// The byte ranges of `text` that are code (code spans, fenced and indented blocks), where
/// shortcodes are not expanded.
pub fn code_ranges(text: &str) -> Vec<Range<usize>> {
    Parser::new_ext(text, options())
        .into_offset_iter()
        .filter(|(event, _)| matches!(event, Event::Code(_) | Event::Start(Tag::CodeBlock(_))))
        .map(|(_, range)| range)
        .collect()
}

/// A Markdown renderer. Owns the syntax definitions, loaded the first time a code block needs
/// them (most sites have few code blocks; loading costs tens of milliseconds).
#[derive(Debug, Default, Clone)]
pub struct Markdown {
    /// Shared by the clones [`Markdown::with_expander`] makes.
    syntaxes: Arc<OnceLock<SyntaxSet>>,
    /// Expands shortcodes in document bodies; none in a plain renderer.
    expander: Option<Arc<dyn Expand>>,
    /// Bodies rendered by an earlier build (`pamphlet build` only), read back by
    /// [`Markdown::render_document`] instead of rendered again.
    cache: Option<Arc<crate::markdown_cache::MarkdownCache>>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

fn is_more_marker(html: &str) -> bool {
    let inner = html.trim();
    inner.strip_prefix("<!--").and_then(|s| s.strip_suffix("-->")).is_some_and(|s| s.trim() == "more")
}

fn is_external(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://") || url.starts_with("//")
}

/// Adds the site's path prefix to a root-relative URL (`/a/` → `/mirror/a/`).
fn with_prefix<'a>(url: CowStr<'a>, prefix: &str) -> CowStr<'a> {
    if prefix != "/" && url.starts_with('/') && !url.starts_with("//") {
        CowStr::from(format!("{}{}", prefix, &url[1..]))
    } else {
        url
    }
}

impl Markdown {
    /// A renderer with no syntaxes loaded yet.
    pub fn new() -> Self {
        Markdown::default()
    }

    fn syntaxes(&self) -> &SyntaxSet {
        self.syntaxes.get_or_init(SyntaxSet::load_defaults_newlines)
    }

    /// This renderer (sharing its loaded syntaxes) with `expander` expanding shortcodes in
    /// [`Markdown::render_document`].
    pub fn with_expander(&self, expander: Arc<dyn Expand>) -> Markdown {
        Markdown { syntaxes: self.syntaxes.clone(), expander: Some(expander), cache: self.cache.clone() }
    }

    /// This renderer reading back, and keeping, the bodies it renders in `cache`.
    pub fn with_cache(&self, cache: Arc<crate::markdown_cache::MarkdownCache>) -> Markdown {
        Markdown { cache: Some(cache), ..self.clone() }
    }

    /// The expander's fingerprint (0 without one): see [`Expand::fingerprint`].
    pub fn expander_fingerprint(&self) -> u64 {
        self.expander.as_ref().map_or(0, |e| e.fingerprint())
    }

    /// Renders `source`. Root-relative link and image URLs get `url_prefix` (the base URL's
    /// path, `/` for most sites) so that sites published under a sub-path work.
    pub fn render(&self, source: &str, url_prefix: &str) -> Rendered {
        self.render_with(source, url_prefix, &[])
    }

    /// Renders the body of a document, its shortcodes expanded (when this renderer has an
    /// expander), with the problems the shortcodes have.
    pub fn render_document(&self, body: &str, doc: &DocumentContext) -> (Rendered, Vec<Error>, Vec<Warning>) {
        let Some(cache) = &self.cache else { return self.render_document_now(body, doc) };
        let key = self.document_key(body, doc);
        // A body whose files changed is not read back (nor kept: rendered now, it replaces it).
        let current = |bytes: &[u8]| postcard::from_bytes(bytes).ok().filter(|r| self.files_unchanged(r));
        if let Some(rendered) = cache.get(key, current) {
            return (rendered, Vec::new(), Vec::new());
        }
        let (rendered, errors, warnings) = self.render_document_now(body, doc);
        // A body with problems is rendered again each time, so that they are reported.
        if errors.is_empty()
            && warnings.is_empty()
            && let Ok(bytes) = postcard::to_allocvec(&rendered)
        {
            cache.keep(key, bytes);
        }
        (rendered, errors, warnings)
    }

    /// What a document's rendered body depends on: the body in its file (whose path and text
    /// locate its problems and its bundle's files), its language, the base URL's path, the
    /// shortcodes ([`Expand::fingerprint`]) and pamphlet's version.
    fn document_key(&self, body: &str, doc: &DocumentContext) -> u128 {
        let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
        let source = doc.source.to_string_lossy();
        let numbers = [self.expander_fingerprint().to_string(), doc.offset.to_string()];
        for field in [
            env!("CARGO_PKG_VERSION"),
            &numbers[0],
            &numbers[1],
            doc.url_prefix,
            doc.lang,
            &source,
            doc.file_text,
            body,
        ] {
            hasher.update(&(field.len() as u64).to_le_bytes());
            hasher.update(field.as_bytes());
        }
        hasher.digest128()
    }

    /// Whether the files the shortcodes of `rendered` read are as they were when it was
    /// rendered (a body kept between builds is stale once one changed or is gone).
    pub fn files_unchanged(&self, rendered: &Rendered) -> bool {
        rendered.files.is_empty() || self.expander.as_ref().is_some_and(|e| e.files_unchanged(&rendered.files))
    }

    /// [`Markdown::render_document`] without the cache.
    fn render_document_now(&self, body: &str, doc: &DocumentContext) -> (Rendered, Vec<Error>, Vec<Warning>) {
        match &self.expander {
            None => (self.render(body, doc.url_prefix), Vec::new(), Vec::new()),
            Some(expander) => {
                let expansion = expander.expand(body, doc, self);
                let mut rendered = self.render_with(&expansion.text, doc.url_prefix, &expansion.inserts);
                rendered.files = expansion.files;
                (rendered, expansion.errors, expansion.warnings)
            }
        }
    }

    /// Renders `source`, whose tokens ([`insert_token`]) stand for `inserts`.
    pub fn render_with(&self, source: &str, url_prefix: &str, inserts: &[Insert]) -> Rendered {
        let mut events: Vec<Event> = Parser::new_ext(source, options()).collect();
        let mut out = Rendered::default();
        let headings = self.assign_heading_ids(&mut events);
        out.anchors = headings.iter().map(|(_, id, _)| id.clone()).collect();
        out.toc = build_toc(headings);
        self.collect_text(&events, &mut out, inserts);
        let events = self.transform(events, url_prefix);
        out.html.reserve(source.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut out.html, events.into_iter());
        if !inserts.is_empty() {
            if inserts.iter().any(|i| i.feed_html.is_some()) {
                out.feed_html = Some(swap_tokens(&out.html, inserts, true));
            }
            out.html = swap_tokens(&out.html, inserts, false);
            out.has_shortcodes = true;
            out.has_embeds = out.html.contains("data-embed-origin=");
        }
        // The body is kept for the whole build (article bodies were a third of a
        // 10,000-article build's heap at its peak): without the room reserved above.
        out.html.shrink_to_fit();
        out
    }

    /// Gives every heading a unique id (explicit `{#id}` wins) and returns (level, id, text).
    fn assign_heading_ids(&self, events: &mut [Event]) -> Vec<(u8, String, String)> {
        let mut used = HashSet::new();
        let mut headings = Vec::new();
        let mut i = 0;
        while i < events.len() {
            if let Event::Start(Tag::Heading { level, .. }) = &events[i] {
                let level = heading_level(*level);
                let mut text = String::new();
                let mut j = i + 1;
                while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                    if let Event::Text(t) | Event::Code(t) = &events[j] {
                        text.push_str(t);
                    }
                    j += 1;
                }
                if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                    let base = match id {
                        Some(explicit) => explicit.to_string(),
                        None => Some(slugify(&text)).filter(|s| !s.is_empty()).unwrap_or_else(|| "section".into()),
                    };
                    let unique = unique_id(&base, &mut used);
                    *id = Some(CowStr::from(unique.clone()));
                    headings.push((level, unique, text.trim().to_string()));
                }
                i = j;
            }
            i += 1;
        }
        headings
    }

    /// Plain text for the word count, the first top-level paragraph and the text before
    /// `<!-- more -->`. Code blocks count for nothing: they are not prose.
    /// A paragraph holding nothing but shortcodes (a video card) is not the summary.
    fn collect_text(&self, events: &[Event], out: &mut Rendered, inserts: &[Insert]) {
        let mut text = String::new();
        let mut first_paragraph: Option<String> = None;
        let mut capturing: Option<String> = None;
        let mut paragraph_has_insert = false;
        let mut inserted_words = 0;
        let mut nesting = 0usize;
        let mut in_code_block = false;
        let mut open_image: Option<(&str, bool)> = None;
        for event in events {
            match event {
                Event::Start(Tag::Image { dest_url, .. }) => {
                    out.images.push(dest_url.to_string());
                    open_image = Some((dest_url, false));
                }
                Event::End(TagEnd::Image) => {
                    if let Some((url, false)) = open_image.take() {
                        out.images_without_alt.push(url.to_string());
                    }
                }
                Event::Text(t) | Event::Code(t) if open_image.is_some() => {
                    if let Some((_, has_alt)) = &mut open_image {
                        *has_alt |= !t.trim().is_empty();
                    }
                    text.push_str(t);
                }
                Event::Start(Tag::Paragraph) if nesting == 0 && first_paragraph.is_none() => {
                    capturing = Some(String::new());
                    paragraph_has_insert = false;
                }
                Event::End(TagEnd::Paragraph) => {
                    if let Some(buf) = capturing.take()
                        && !(paragraph_has_insert && buf.trim().is_empty())
                    {
                        first_paragraph = Some(trim_words(&buf, SUMMARY_WORDS));
                    }
                    text.push(' ');
                }
                Event::Text(t) if !in_code_block && !inserts.is_empty() && t.contains(TOKEN_OPEN) => {
                    let (prose, words) = split_tokens(t, inserts);
                    paragraph_has_insert = true;
                    inserted_words += words;
                    if let Some(buf) = &mut capturing {
                        buf.push_str(&prose);
                    }
                    text.push_str(&prose);
                    text.push(' ');
                }
                Event::Start(
                    Tag::BlockQuote(_) | Tag::List(_) | Tag::Table(_) | Tag::FootnoteDefinition(_) | Tag::HtmlBlock,
                ) => nesting += 1,
                Event::End(
                    TagEnd::BlockQuote(_)
                    | TagEnd::List(_)
                    | TagEnd::Table
                    | TagEnd::FootnoteDefinition
                    | TagEnd::HtmlBlock,
                ) => {
                    nesting = nesting.saturating_sub(1);
                    text.push(' ');
                }
                Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
                Event::End(TagEnd::CodeBlock) => in_code_block = false,
                Event::Text(t) | Event::Code(t) if !in_code_block => {
                    if let Some(buf) = &mut capturing {
                        buf.push_str(t);
                    }
                    text.push_str(t);
                }
                Event::SoftBreak | Event::HardBreak => {
                    if let Some(buf) = &mut capturing {
                        buf.push(' ');
                    }
                    text.push(' ');
                }
                Event::End(TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell) => text.push(' '),
                Event::Html(h) | Event::InlineHtml(h) if is_more_marker(h) && out.summary_before_more.is_none() => {
                    out.summary_before_more = Some(collapse_whitespace(&text));
                }
                _ => {}
            }
        }
        out.first_paragraph = first_paragraph.unwrap_or_default();
        out.word_count = text.split_whitespace().count() + inserted_words;
    }

    /// Highlights code, marks external links, and prefixes root-relative URLs.
    fn transform<'a>(&self, events: Vec<Event<'a>>, url_prefix: &str) -> Vec<Event<'a>> {
        let mut out = Vec::with_capacity(events.len());
        let mut code: Option<(String, String)> = None;
        let mut external_link_open = false;
        for event in events {
            if let Some((lang, buf)) = &mut code {
                match event {
                    Event::Text(t) => buf.push_str(&t),
                    Event::End(TagEnd::CodeBlock) => {
                        out.push(Event::Html(CowStr::from(self.highlight(lang, buf))));
                        code = None;
                    }
                    _ => {}
                }
                continue;
            }
            match event {
                Event::Start(Tag::CodeBlock(kind)) => {
                    let lang = match kind {
                        CodeBlockKind::Fenced(info) => info.split([' ', ',', '{']).next().unwrap_or("").to_string(),
                        CodeBlockKind::Indented => String::new(),
                    };
                    code = Some((lang, String::new()));
                }
                Event::Start(Tag::Link { dest_url, title, .. }) if is_external(&dest_url) => {
                    external_link_open = true;
                    let mut html = format!("<a href=\"{}\"", crate::escape::html_attribute(&dest_url));
                    if !title.is_empty() {
                        html.push_str(&format!(" title=\"{}\"", crate::escape::html_attribute(&title)));
                    }
                    html.push_str(" rel=\"noopener\">");
                    out.push(Event::InlineHtml(CowStr::from(html)));
                }
                Event::End(TagEnd::Link) if external_link_open => {
                    external_link_open = false;
                    out.push(Event::InlineHtml(CowStr::from("</a>")));
                }
                Event::Start(Tag::Link { link_type, dest_url, title, id }) => out.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url: with_prefix(dest_url, url_prefix),
                    title,
                    id,
                })),
                Event::Start(Tag::Image { link_type, dest_url, title, id }) => out.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url: with_prefix(dest_url, url_prefix),
                    title,
                    id,
                })),
                other => out.push(other),
            }
        }
        out
    }

    /// Highlights a code block into `<pre><code>` with `hl-*` span classes; unknown languages
    /// (and blocks with none) are escaped plain text.
    fn highlight(&self, lang: &str, code: &str) -> String {
        let lang_class = if lang.is_empty() {
            String::new()
        } else {
            format!(" class=\"language-{}\"", crate::escape::html_attribute(lang))
        };
        let syntax = if lang.is_empty() {
            None
        } else {
            let ss = self.syntaxes();
            ss.find_syntax_by_token(lang).map(|s| (ss, s))
        };
        let body = match syntax {
            Some((ss, syntax)) => {
                let mut generator = ClassedHTMLGenerator::new_with_class_style(
                    syntax,
                    ss,
                    ClassStyle::SpacedPrefixed { prefix: "hl-" },
                );
                let ok = LinesWithEndings::from(code)
                    .all(|line| generator.parse_html_for_line_which_includes_newline(line).is_ok());
                if ok { generator.finalize() } else { crate::escape::html(code) }
            }
            None => crate::escape::html(code),
        };
        format!("<pre class=\"code\"><code{lang_class}>{body}</code></pre>\n")
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn unique_id(base: &str, used: &mut HashSet<String>) -> String {
    let mut candidate = base.to_string();
    let mut n = 1;
    while !used.insert(candidate.clone()) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    candidate
}

/// Nests a flat list of (level, id, title) headings under their nearest shallower heading.
fn build_toc(headings: Vec<(u8, String, String)>) -> Vec<TocEntry> {
    fn insert(list: &mut Vec<TocEntry>, entry: TocEntry) {
        match list.last_mut() {
            Some(last) if last.level < entry.level => insert(&mut last.children, entry),
            _ => list.push(entry),
        }
    }
    let mut toc = Vec::new();
    for (level, id, title) in headings {
        insert(&mut toc, TocEntry { level, id, title, children: Vec::new() });
    }
    toc
}

/// `text` without its tokens, and the words of the inserts they stand for.
fn split_tokens(text: &str, inserts: &[Insert]) -> (String, usize) {
    let mut prose = String::with_capacity(text.len());
    let mut inserted = 0;
    let mut rest = text;
    while let Some(open) = rest.find(TOKEN_OPEN) {
        prose.push_str(&rest[..open]);
        let after = &rest[open + TOKEN_OPEN.len_utf8()..];
        let Some(close) = after.find(TOKEN_CLOSE) else { break };
        if let Some(insert) = after[..close].parse::<usize>().ok().and_then(|i| inserts.get(i)) {
            inserted += insert.words;
        }
        rest = &after[close + TOKEN_CLOSE.len_utf8()..];
    }
    prose.push_str(rest);
    (prose, inserted)
}

/// `html` with each token replaced by its insert's HTML (its feed HTML when `feed`); a token
/// that is a paragraph of its own replaces the paragraph, since a card is a block.
fn swap_tokens(html: &str, inserts: &[Insert], feed: bool) -> String {
    let mut out = String::with_capacity(html.len() + inserts.iter().map(|i| i.html.len()).sum::<usize>());
    let mut rest = html;
    while let Some(open) = rest.find(TOKEN_OPEN) {
        let after = &rest[open + TOKEN_OPEN.len_utf8()..];
        let Some(close) = after.find(TOKEN_CLOSE) else { break };
        let Some(insert) = after[..close].parse::<usize>().ok().and_then(|i| inserts.get(i)) else {
            out.push_str(&rest[..open + TOKEN_OPEN.len_utf8()]);
            rest = after;
            continue;
        };
        let mut before = &rest[..open];
        let mut after = &after[close + TOKEN_CLOSE.len_utf8()..];
        if let (Some(b), Some(a)) = (before.strip_suffix("<p>"), after.strip_prefix("</p>")) {
            before = b;
            after = a.strip_prefix('\n').unwrap_or(a);
        }
        out.push_str(before);
        let chosen = if feed { insert.feed_html.as_deref().unwrap_or(&insert.html) } else { &insert.html };
        out.push_str(chosen.trim_end());
        if before.len() != open {
            out.push('\n');
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Runs of whitespace (newlines included) as single spaces, trimmed at both ends.
pub fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Keeps the first `max` words, adding `…` when something was cut.
pub fn trim_words(text: &str, max: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= max { words.join(" ") } else { format!("{}…", words[..max].join(" ")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(src: &str) -> Rendered {
        Markdown::new().render(src, "/")
    }

    #[test]
    fn headings_get_unique_slug_ids_and_a_nested_toc() {
        let r = render("## Intro\n\n### Detail\n\n## Intro\n\n## Custom {#mine}\n");
        assert!(r.html.contains("<h2 id=\"intro\">Intro</h2>"), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"intro-1\">Intro</h2>"), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"mine\">Custom</h2>"), "{}", r.html);
        assert_eq!(r.toc.len(), 3);
        assert_eq!(r.toc[0].children[0].id, "detail");
        assert_eq!(r.anchors, vec!["intro", "detail", "intro-1", "mine"]);
    }

    #[test]
    fn urdu_headings_keep_their_script_in_ids() {
        let r = render("## ڈیجیٹل حقوق\n");
        assert_eq!(r.toc[0].id, "ڈیجیٹل-حقوق");
    }

    #[test]
    fn external_links_get_noopener_and_internal_links_get_the_prefix() {
        let r =
            Markdown::new().render("[a](https://x.org/) [b](/2023/09/b/) [c](#top) ![i](/images/i.png)", "/mirror/");
        assert!(r.html.contains("<a href=\"https://x.org/\" rel=\"noopener\">a</a>"), "{}", r.html);
        assert!(r.html.contains("<a href=\"/mirror/2023/09/b/\">b</a>"), "{}", r.html);
        assert!(r.html.contains("<a href=\"#top\">c</a>"), "{}", r.html);
        assert!(r.html.contains("src=\"/mirror/images/i.png\""), "{}", r.html);
    }

    #[test]
    fn known_languages_are_highlighted_and_unknown_ones_are_plain() {
        let r = render("```rust\nfn main() {}\n```\n\n```nosuchlang\n<x>\n```\n");
        assert!(r.html.contains("<code class=\"language-rust\"><span class=\"hl-source hl-rust\">"), "{}", r.html);
        assert!(r.html.contains("<code class=\"language-nosuchlang\">&lt;x&gt;\n</code>"), "{}", r.html);
    }

    #[test]
    fn summary_comes_from_more_marker_or_first_paragraph() {
        let r = render("First *para* here.\n\nSecond.\n\n<!-- more -->\n\nRest.\n");
        assert_eq!(r.summary_before_more.as_deref(), Some("First para here. Second."));
        assert_eq!(r.first_paragraph, "First para here.");
        assert_eq!(r.word_count, 5);
    }

    #[test]
    fn long_first_paragraphs_are_trimmed_to_fifty_words() {
        let para = vec!["word"; 80].join(" ");
        let r = render(&para);
        assert_eq!(r.first_paragraph.split_whitespace().count(), 50);
        assert!(r.first_paragraph.ends_with('…'));
    }

    #[test]
    fn tables_footnotes_strikethrough_tasklists_and_smart_quotes() {
        let r = render("| a | b |\n|---|---|\n| 1 | 2 |\n\nx[^1] ~~no~~ \"q\"\n\n- [x] done\n\n[^1]: note\n");
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("footnote-reference"));
        assert!(r.html.contains("<del>no</del>"));
        assert!(r.html.contains("“q”"));
        assert!(r.html.contains("type=\"checkbox\""));
    }

    #[test]
    fn images_without_alt_are_listed() {
        let r = render("![](a.png) ![Alt](b.png) ![ ](c.png)");
        assert_eq!(r.images_without_alt, vec!["a.png", "c.png"]);
        assert_eq!(r.images.len(), 3, "every image is listed: {:?}", r.images);
    }

    #[test]
    fn raw_html_passes_through() {
        let r = render("<div class=\"note\">hi</div>\n");
        assert!(r.html.contains("<div class=\"note\">hi</div>"));
    }
}
