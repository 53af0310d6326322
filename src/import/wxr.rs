//! A streaming reader for WordPress export files (WXR 1.1 and 1.2: RSS 2.0 with `wp:`,
//! `content:`, `excerpt:` and `dc:` elements). It hands out one record at a time (the channel's
//! details, each author, category, tag, term, and each `<item>` with its meta and comments), so
//! a 500 MB export never sits in memory as a tree.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::error::{Error, Location, Result};

/// The `<channel>`'s own details.
#[derive(Debug, Default, Clone)]
pub struct Channel {
    /// The site title.
    pub title: String,
    /// The site address (`<link>`).
    pub link: String,
    /// The tagline.
    pub description: String,
    /// `en-US`, `ur`…
    pub language: String,
    /// `wp:base_blog_url`: the address posts' `<link>`s start with.
    pub base_blog_url: String,
    /// `wp:wxr_version`.
    pub wxr_version: String,
}

/// A `<wp:author>`.
#[derive(Debug, Default, Clone)]
pub struct Author {
    /// `wp:author_login`, what posts' `dc:creator` names.
    pub login: String,
    /// `wp:author_display_name`.
    pub display_name: String,
    /// `wp:author_first_name`.
    pub first_name: String,
    /// `wp:author_last_name`.
    pub last_name: String,
}

/// A `<wp:category>`, `<wp:tag>` or `<wp:term>`.
#[derive(Debug, Default, Clone)]
pub struct Term {
    /// `category`, `post_tag`, `nav_menu`…
    pub taxonomy: String,
    /// The URL slug (`wp:category_nicename`, `wp:tag_slug`, `wp:term_slug`).
    pub slug: String,
    /// The parent's slug, empty at the top.
    pub parent: String,
    /// The display name.
    pub name: String,
    /// The description, possibly empty.
    pub description: String,
}

/// A term an item is filed under: `<category domain="post_tag" nicename="x">X</category>`.
#[derive(Debug, Default, Clone)]
pub struct ItemTerm {
    /// `category`, `post_tag`, `nav_menu`…
    pub domain: String,
    /// The term's slug.
    pub nicename: String,
    /// The term's name.
    pub name: String,
}

/// A `<wp:comment>`.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Comment {
    /// `wp:comment_id`.
    pub id: u64,
    /// The commenter's name.
    pub author: String,
    /// The commenter's web site, if given.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub author_url: String,
    /// `wp:comment_date_gmt` (UTC).
    pub date: String,
    /// The comment's HTML.
    pub content: String,
    /// The comment it answers, 0 for none.
    pub parent: u64,
    /// `1` when approved; `0`, `spam`, `trash` otherwise.
    #[serde(skip)]
    pub approved: String,
    /// Empty for comments; `pingback` or `trackback` otherwise.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub kind: String,
}

/// An `<item>`: a post, page, attachment, menu item or custom post type.
#[derive(Debug, Default, Clone)]
pub struct Item {
    /// The line the `<item>` starts on, for messages.
    pub line: usize,
    /// The title.
    pub title: String,
    /// The public address (`<link>`).
    pub link: String,
    /// `dc:creator`: the author's login.
    pub creator: String,
    /// `content:encoded`: the body HTML.
    pub content: String,
    /// `excerpt:encoded` (for attachments: the caption).
    pub excerpt: String,
    /// `wp:post_id`.
    pub id: u64,
    /// `wp:post_date`: local time, `YYYY-MM-DD HH:MM:SS`.
    pub date: String,
    /// `wp:post_date_gmt`; `0000-00-00 00:00:00` for unpublished drafts.
    pub date_gmt: String,
    /// `wp:post_modified`.
    pub modified: String,
    /// `wp:post_modified_gmt`.
    pub modified_gmt: String,
    /// `wp:post_name`: the slug, percent-encoded when it is not ASCII.
    pub name: String,
    /// `publish`, `draft`, `pending`, `private`, `future`, `inherit`, `trash`…
    pub status: String,
    /// `wp:post_parent`.
    pub parent: u64,
    /// `wp:menu_order`.
    pub menu_order: i64,
    /// `post`, `page`, `attachment`, `nav_menu_item`…
    pub post_type: String,
    /// Non-empty for password-protected posts.
    pub password: String,
    /// `wp:attachment_url` for attachments.
    pub attachment_url: String,
    /// Categories, tags and other terms.
    pub terms: Vec<ItemTerm>,
    /// `wp:postmeta` key/value pairs.
    pub meta: Vec<(String, String)>,
    /// Comments, pingbacks and trackbacks.
    pub comments: Vec<Comment>,
}

impl Item {
    /// The first meta value for `key`.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

/// One unit of the export, in file order.
#[derive(Debug)]
pub enum Record {
    /// The channel's details; sent once, before the first item.
    Channel(Channel),
    /// A `<wp:author>`.
    Author(Author),
    /// A `<wp:category>`, `<wp:tag>` or `<wp:term>`.
    Term(Term),
    /// An `<item>`.
    Item(Box<Item>),
}

/// What the element being read belongs to.
#[derive(Debug, Default)]
enum Open {
    #[default]
    Channel,
    Author(Author),
    Term(Term),
    Item(Box<Item>),
}

/// Reads the export at `path`, calling `on_record` for each record in file order.
/// Malformed XML, a root element other than `<rss>`, a file that is not a WordPress export and
/// a truncated file are errors with the line and column where they were found.
pub fn read(path: &Path, mut on_record: impl FnMut(Record) -> Result<()>) -> Result<()> {
    let file = File::open(path).map_err(|e| Error::io("read", path, e))?;
    let mut reader = Reader::from_reader(LineCounter::new(BufReader::with_capacity(1 << 16, file)));
    reader.config_mut().check_end_names = true;
    let mut parser = Parser::default();
    let mut buf = Vec::new();
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(e) => {
                let offset = reader.error_position();
                let mut message = format!("this is not well-formed XML: {e}");
                if message.contains("end of input") {
                    message.push_str(" (the file ends early: the export is truncated; download it again)");
                }
                return Err(located(path, offset, message));
            }
        };
        let line = reader.get_ref().line;
        let step = match event {
            Event::Eof => break,
            Event::Start(start) => parser.start(&start, line),
            Event::Empty(start) => parser.start(&start, line).and_then(|()| parser.end()),
            Event::End(_) => parser.end(),
            Event::Text(text) => {
                parser.text.push_str(&text.xml10_content());
                Ok(())
            }
            Event::CData(data) => {
                parser.text.push_str(&data.xml10_content());
                Ok(())
            }
            Event::GeneralRef(reference) => {
                parser.push_reference(&reference);
                Ok(())
            }
            _ => Ok(()),
        };
        if let Err(message) = step {
            return Err(located(path, reader.buffer_position(), message));
        }
        for record in parser.ready.drain(..) {
            on_record(record)?;
        }
        buf.clear();
    }
    parser.finish().map_err(|message| located(path, reader.buffer_position(), message))
}

/// An import error at a byte offset of the export, with its line and column (found by reading
/// the file again up to the offset: errors are rare, so the normal path counts nothing).
fn located(path: &Path, offset: u64, message: String) -> Error {
    let (line, column) = line_and_column(path, offset).unwrap_or((0, 0));
    if line == 0 {
        return Error::content(Location::file(path), message);
    }
    Error::content(Location::at(path, line, column), message)
}

fn line_and_column(path: &Path, offset: u64) -> Option<(usize, usize)> {
    let mut bytes = Vec::new();
    File::open(path).ok()?.take(offset).read_to_end(&mut bytes).ok()?;
    let line_start = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let line = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = String::from_utf8_lossy(&bytes[line_start..]).chars().count() + 1;
    Some((line, column))
}

/// Counts the lines the XML reader has consumed, so each item knows where it starts.
struct LineCounter<R> {
    inner: R,
    line: usize,
}

impl<R> LineCounter<R> {
    fn new(inner: R) -> Self {
        LineCounter { inner, line: 1 }
    }
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(out)?;
        self.line += out[..n].iter().filter(|&&b| b == b'\n').count();
        Ok(n)
    }
}

impl<R: BufRead> BufRead for LineCounter<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        if let Ok(buf) = self.inner.fill_buf() {
            self.line += buf[..amount.min(buf.len())].iter().filter(|&&b| b == b'\n').count();
        }
        self.inner.consume(amount);
    }
}

/// The state between events: the open elements, the text of the innermost one, and the record
/// being filled.
#[derive(Default)]
struct Parser {
    /// Qualified names of the open elements (`rss`, `channel`, `item`, `wp:postmeta`…).
    stack: Vec<String>,
    /// Lines the open elements started on, for the truncated-file message.
    lines: Vec<usize>,
    text: String,
    channel: Channel,
    channel_sent: bool,
    open: Open,
    /// The `<wp:postmeta>` or `<wp:comment>` being read inside an item.
    meta_key: String,
    comment: Option<Comment>,
    item_term: Option<ItemTerm>,
    saw_wxr_version: bool,
    /// Records finished by the last event, for the caller to hand out.
    ready: Vec<Record>,
}

impl Parser {
    fn start(&mut self, start: &BytesStart, line: usize) -> std::result::Result<(), String> {
        let name = start.name().as_ref().to_string();
        if self.stack.is_empty() && name != "rss" {
            return Err(format!(
                "expected a WordPress export (an `<rss>` document made by Tools → Export), found a `<{name}>` root element"
            ));
        }
        let parent = self.stack.last().map(String::as_str).unwrap_or("");
        match (parent, name.as_str()) {
            ("channel", "wp:author") => self.open = Open::Author(Author::default()),
            ("channel", "wp:category" | "wp:tag" | "wp:term") => {
                let taxonomy = match name.as_str() {
                    "wp:category" => "category",
                    "wp:tag" => "post_tag",
                    _ => "",
                };
                self.open = Open::Term(Term { taxonomy: taxonomy.into(), ..Term::default() });
            }
            ("channel", "item") => {
                self.open = Open::Item(Box::new(Item { line, ..Item::default() }));
            }
            ("item", "category") => {
                let attr = |key: &str| {
                    start
                        .try_get_attribute(key)
                        .ok()
                        .flatten()
                        .and_then(|a| {
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().map(|v| v.into_owned())
                        })
                        .unwrap_or_default()
                };
                self.item_term =
                    Some(ItemTerm { domain: attr("domain"), nicename: attr("nicename"), name: String::new() });
            }
            ("item", "wp:comment") => self.comment = Some(Comment::default()),
            ("item", "wp:postmeta") => self.meta_key.clear(),
            _ => {}
        }
        self.stack.push(name);
        self.lines.push(line);
        self.text.clear();
        Ok(())
    }

    fn push_reference(&mut self, reference: &quick_xml::events::BytesRef) {
        if let Ok(Some(c)) = reference.resolve_char_ref() {
            self.text.push(c);
            return;
        }
        let name = reference.xml10_content();
        match quick_xml::escape::resolve_predefined_entity(&name) {
            Some(s) => self.text.push_str(s),
            // An HTML entity such as `&nbsp;` outside CDATA: keep it for the HTML converter.
            None => {
                self.text.push('&');
                self.text.push_str(&name);
                self.text.push(';');
            }
        }
    }

    /// Closes the innermost element; a finished record is queued in `ready`.
    fn end(&mut self) -> std::result::Result<(), String> {
        let Some(name) = self.stack.pop() else { return Ok(()) };
        self.lines.pop();
        let parent = self.stack.last().map(String::as_str).unwrap_or("");
        let text = std::mem::take(&mut self.text);
        match (parent, name.as_str()) {
            ("channel", "title") => self.channel.title = text,
            ("channel", "link") => self.channel.link = text.trim().to_string(),
            ("channel", "description") => self.channel.description = text,
            ("channel", "language") => self.channel.language = text.trim().to_string(),
            ("channel", "wp:base_blog_url") => self.channel.base_blog_url = text.trim().to_string(),
            ("channel", "wp:wxr_version") => {
                self.channel.wxr_version = text.trim().to_string();
                self.saw_wxr_version = true;
            }
            ("channel", "wp:author" | "wp:category" | "wp:tag" | "wp:term" | "item") => {
                // The channel's details precede authors, terms and items in every export
                // WordPress writes; they are sent once, before the first of those.
                if !self.channel_sent {
                    self.check_is_wordpress()?;
                    self.channel_sent = true;
                    self.ready.push(Record::Channel(self.channel.clone()));
                }
                let record = match std::mem::take(&mut self.open) {
                    Open::Author(a) => Record::Author(a),
                    Open::Term(t) => Record::Term(t),
                    Open::Item(i) => Record::Item(i),
                    Open::Channel => return Ok(()),
                };
                self.ready.push(record);
            }
            ("wp:author", field) => {
                if let Open::Author(a) = &mut self.open {
                    let value = text.trim().to_string();
                    match field {
                        "wp:author_login" => a.login = value,
                        "wp:author_display_name" => a.display_name = value,
                        "wp:author_first_name" => a.first_name = value,
                        "wp:author_last_name" => a.last_name = value,
                        _ => {}
                    }
                }
            }
            ("wp:category" | "wp:tag" | "wp:term", field) => {
                if let Open::Term(t) = &mut self.open {
                    let value = text.trim().to_string();
                    match field {
                        "wp:category_nicename" | "wp:tag_slug" | "wp:term_slug" => t.slug = value,
                        "wp:category_parent" | "wp:term_parent" => t.parent = value,
                        "wp:cat_name" | "wp:tag_name" | "wp:term_name" => t.name = value,
                        "wp:category_description" | "wp:tag_description" | "wp:term_description" => {
                            t.description = value
                        }
                        "wp:term_taxonomy" => t.taxonomy = value,
                        _ => {}
                    }
                }
            }
            ("wp:postmeta", "wp:meta_key") => self.meta_key = text,
            ("wp:postmeta", "wp:meta_value") => {
                if let Open::Item(i) = &mut self.open {
                    i.meta.push((std::mem::take(&mut self.meta_key), text));
                }
            }
            ("wp:comment", field) => {
                if let Some(c) = &mut self.comment {
                    match field {
                        "wp:comment_id" => c.id = text.trim().parse().unwrap_or(0),
                        "wp:comment_author" => c.author = text.trim().to_string(),
                        "wp:comment_author_url" => c.author_url = text.trim().to_string(),
                        "wp:comment_date_gmt" => c.date = text.trim().replacen(' ', "T", 1) + "Z",
                        "wp:comment_content" => c.content = text,
                        "wp:comment_approved" => c.approved = text.trim().to_string(),
                        "wp:comment_type" => c.kind = text.trim().to_string(),
                        "wp:comment_parent" => c.parent = text.trim().parse().unwrap_or(0),
                        _ => {}
                    }
                }
            }
            ("item", field) => {
                if let Open::Item(i) = &mut self.open {
                    fill_item_field(i, field, text, &mut self.item_term, &mut self.comment);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn check_is_wordpress(&self) -> std::result::Result<(), String> {
        if self.saw_wxr_version {
            return Ok(());
        }
        Err("this RSS file is not a WordPress export: it has no `<wp:wxr_version>` (export it again with Tools → Export → All content)".into())
    }

    /// At the end of the file: everything must have been closed, and the file must have been
    /// a WordPress export.
    fn finish(self) -> std::result::Result<(), String> {
        if let (Some(open), Some(line)) = (self.stack.last(), self.lines.last()) {
            return Err(format!(
                "the file ends inside `<{open}>` (opened on line {line}): the export is truncated; download it again"
            ));
        }
        if !self.channel_sent {
            self.check_is_wordpress()?;
        }
        Ok(())
    }
}

fn fill_item_field(
    item: &mut Item,
    field: &str,
    text: String,
    item_term: &mut Option<ItemTerm>,
    comment: &mut Option<Comment>,
) {
    let number = |t: &str| t.trim().parse().unwrap_or(0);
    match field {
        "title" => item.title = text.trim().to_string(),
        "link" => item.link = text.trim().to_string(),
        "dc:creator" => item.creator = text.trim().to_string(),
        "content:encoded" => item.content = text,
        "excerpt:encoded" => item.excerpt = text,
        "wp:post_id" => item.id = number(&text),
        "wp:post_date" => item.date = text.trim().to_string(),
        "wp:post_date_gmt" => item.date_gmt = text.trim().to_string(),
        "wp:post_modified" => item.modified = text.trim().to_string(),
        "wp:post_modified_gmt" => item.modified_gmt = text.trim().to_string(),
        "wp:post_name" => item.name = text.trim().to_string(),
        "wp:status" => item.status = text.trim().to_string(),
        "wp:post_parent" => item.parent = number(&text),
        "wp:menu_order" => item.menu_order = text.trim().parse().unwrap_or(0),
        "wp:post_type" => item.post_type = text.trim().to_string(),
        "wp:post_password" => item.password = text,
        "wp:attachment_url" => item.attachment_url = text.trim().to_string(),
        "category" => {
            if let Some(mut term) = item_term.take() {
                term.name = text.trim().to_string();
                item.terms.push(term);
            }
        }
        "wp:comment" => {
            if let Some(c) = comment.take() {
                item.comments.push(c);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(xml: &str) -> Result<Vec<Record>> {
        let dir = tempfile::tempdir().map_err(|e| Error::io("create", Path::new("tmp"), e))?;
        let path = dir.path().join("export.xml");
        std::fs::write(&path, xml).map_err(|e| Error::io("write", &path, e))?;
        let mut out = Vec::new();
        read(&path, |r| {
            out.push(r);
            Ok(())
        })?;
        Ok(out)
    }

    const HEAD: &str =
        "<?xml version=\"1.0\"?>\n<rss><channel>\n<title>T &amp; co</title>\n<wp:wxr_version>1.2</wp:wxr_version>\n";

    #[test]
    fn entities_cdata_and_char_refs_become_text() {
        let xml = format!(
            "{HEAD}<item><title>A &#8217;quote&#8217; &amp; &nbsp;x</title><content:encoded><![CDATA[<p>raw & <b>html</b></p>]]></content:encoded></item>\n</channel></rss>\n"
        );
        let all = records(&xml).expect("parses");
        let Record::Channel(c) = &all[0] else { panic!("channel first: {all:?}") };
        assert_eq!(c.title, "T & co");
        let Record::Item(item) = &all[1] else { panic!("then the item: {all:?}") };
        assert_eq!(item.title, "A ’quote’ & &nbsp;x");
        assert_eq!(item.content, "<p>raw & <b>html</b></p>");
        assert_eq!(item.line, 5);
    }

    #[test]
    fn truncated_file_names_the_open_element_and_its_line() {
        let xml = format!("{HEAD}<item><title>Cut</title>\n<content:encoded><![CDATA[half");
        let e = records(&xml).expect_err("truncated").to_string();
        assert!(e.contains("export.xml:"), "{e}");
        assert!(e.contains("not well-formed") || e.contains("ends inside"), "{e}");
        let xml = format!("{HEAD}<item><title>Cut</title>\n");
        let e = records(&xml).expect_err("truncated").to_string();
        assert!(e.contains("ends inside `<item>` (opened on line 5)"), "{e}");
    }

    #[test]
    fn wrong_root_and_missing_version_are_refused() {
        let e = records("<?xml version=\"1.0\"?>\n\n<html><body/></html>").expect_err("html").to_string();
        assert!(e.contains("export.xml:3:"), "{e}");
        assert!(e.contains("found a `<html>` root element"), "{e}");
        let e = records("<rss><channel><title>x</title><item></item></channel></rss>").expect_err("rss").to_string();
        assert!(e.contains("no `<wp:wxr_version>`"), "{e}");
    }
}
