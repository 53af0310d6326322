//! WordPress post HTML → Markdown. WordPress stores bodies as HTML with implicit paragraphs
//! (the classic editor) or with block comments (`<!-- wp:paragraph -->`, the block editor),
//! plus shortcodes (`[caption]`), bare URLs that it turns into embeds, and `<!--more-->`.
//! This module turns each of those into plain HTML, rewrites links and media to the new site,
//! then converts with `htmd`, which keeps raw HTML only where Markdown has no equivalent
//! (figures, tables with merged cells).

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::sync::LazyLock;

use htmd::HtmlToMarkdown;
use htmd::options::{BrStyle, BulletListMarker, HrStyle, LinkStyle, Options, TranslationMode};
use lol_html::html_content::ContentType;
use lol_html::{element, rewrite_str};
use regex::Regex;

use super::links::LinkMap;
use super::media::MediaPlaces;

/// Stands for `<!--more-->` while the HTML is converted (htmd drops comments).
const MORE_MARKER: &str = "pamphletmoremarker";

/// Stands for the Nth block set aside while the HTML is converted (an embed's link, a table
/// kept as HTML), so the converter does not escape or reformat it.
const EMBED_MARKER: &str = "pamphletembedmarker";

/// Shortcodes WordPress itself registers; anything else in square brackets is reported only
/// when it has attributes or a closing tag, so `[sic]` and `[1]` in prose are left alone.
const CORE_SHORTCODES: [&str; 7] = ["gallery", "audio", "video", "playlist", "embed", "caption", "wp_caption"];

/// Something the conversion could not carry over, for the import report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// A short kind: `shortcode`, `dynamic block`, `iframe`…
    pub kind: &'static str,
    /// What happened, for the reader of the report.
    pub message: String,
}

/// A converted body.
#[derive(Debug, Default)]
pub struct Converted {
    /// The Markdown.
    pub markdown: String,
    /// Paths inside the uploads folder that the body references (`2024/03/x.jpg`), whether they
    /// were found there or are still served from the old site.
    pub media: BTreeSet<String>,
    /// What was changed or left in place, for the report.
    pub notes: Vec<Note>,
}

/// An uploaded image, for `[gallery]`.
#[derive(Debug, Clone, Default)]
pub struct Attachment {
    /// `wp:post_id`.
    pub id: u64,
    /// The post it was uploaded to.
    pub parent: u64,
    /// `wp:menu_order`: its place in the post's gallery.
    pub order: i64,
    /// `wp:attachment_url`.
    pub url: String,
    /// The caption (plain text).
    pub caption: String,
    /// The alt text.
    pub alt: String,
}

/// Converts bodies; one per import, shared by the threads that convert posts.
pub struct Converter<'a> {
    links: &'a LinkMap,
    media: &'a MediaPlaces,
    attachments: &'a HashMap<u64, Attachment>,
    markdown: HtmlToMarkdown,
}

impl<'a> Converter<'a> {
    /// A converter that rewrites links with `links`, uploads with `media`, and fills galleries
    /// from `attachments`.
    pub fn new(links: &'a LinkMap, media: &'a MediaPlaces, attachments: &'a HashMap<u64, Attachment>) -> Self {
        let options = Options {
            translation_mode: TranslationMode::Faithful,
            bullet_list_marker: BulletListMarker::Dash,
            ul_bullet_spacing: 1,
            ol_number_spacing: 1,
            hr_style: HrStyle::Dashes,
            br_style: BrStyle::Backslash,
            link_style: LinkStyle::InlinedPreferAutolinks,
            ..Options::default()
        };
        let markdown =
            HtmlToMarkdown::builder().options(options).skip_tags(vec!["script", "style", "noscript"]).build();
        Converter { links, media, attachments, markdown }
    }

    /// Converts the HTML of the post with id `post_id`.
    pub fn convert(&self, html: &str, post_id: u64) -> Converted {
        let mut notes = Vec::new();
        let html = html.replace("\r\n", "\n");
        let html = replace_more_comment(&html, &mut notes);
        let is_block_editor = html.contains("<!-- wp:");
        let html = if is_block_editor { strip_block_comments(&html, &mut notes) } else { html };
        let (html, pres) = protect_pre(&html);
        let html = replace_captions(&html);
        let html = replace_embed_shortcodes(&html);
        let html = self.replace_galleries(&html, post_id);
        let mut embeds = Vec::new();
        let mut media = BTreeSet::new();
        let html = self.replace_media_shortcodes(&html, &mut embeds, &mut media, &mut notes);
        report_unknown_shortcodes(&html, &mut notes);
        let html = set_aside_bare_url_lines(&html, &mut embeds);
        let html = if is_block_editor { html } else { autop(&html) };
        let html = restore_pre(&html, &pres);
        let html = self.clean_html(&html, &mut media, &mut notes);
        let html = set_aside_headerless_tables(&html, &mut embeds);
        let markdown = self.markdown.convert(&html).unwrap_or_else(|e| {
            notes.push(Note {
                kind: "conversion",
                message: format!("the HTML could not be converted ({e}); kept as HTML"),
            });
            html.clone()
        });
        Converted { markdown: finish_markdown(&markdown, &embeds), media, notes }
    }

    /// Rewrites links and media to the new site, drops presentational attributes and wrappers,
    /// and turns iframes into links (the theme loads nothing from other sites until a reader
    /// clicks).
    fn clean_html(&self, html: &str, media: &mut BTreeSet<String>, notes: &mut Vec<Note>) -> String {
        let media = RefCell::new(media);
        let notes = RefCell::new(notes);
        let links = self.links;
        let heading_shift = heading_shift(html);
        let rewrite_media = |url: &str| -> Option<String> {
            let place = self.media.place(url)?;
            media.borrow_mut().insert(place.inside);
            Some(place.url)
        };
        let settings = lol_html::Settings::new()
            .append_element_content_handler(element!(
                "div, span, section, article, font, center, main, header, footer",
                |el| {
                    el.remove_and_keep_content();
                    Ok(())
                }
            ))
            .append_element_content_handler(element!("iframe, embed, object", |el| {
                let src = el.get_attribute("src").or_else(|| el.get_attribute("data")).unwrap_or_default();
                let host = super::links::split_url(&src).and_then(|s| s.host).unwrap_or_else(|| "another site".into());
                let link = format!(
                    "<p><a href=\"{}\">Embedded content from {}</a></p>",
                    crate::escape::html(&src),
                    crate::escape::html(&host)
                );
                el.replace(&link, ContentType::Html);
                notes
                    .borrow_mut()
                    .push(Note { kind: "iframe", message: format!("an embed from {host} became a link") });
                Ok(())
            }))
            .append_element_content_handler(element!("h1, h2, h3, h4, h5, h6", |el| {
                if heading_shift != 0 {
                    let level: i64 = el.tag_name()[1..].parse().unwrap_or(2);
                    el.set_tag_name(&format!("h{}", (level + heading_shift).clamp(2, 6)))?;
                }
                Ok(())
            }))
            .append_element_content_handler(element!("*", |el| {
                let tag = el.tag_name();
                let keep: &[&str] = match tag.as_str() {
                    "a" => &["href", "title"],
                    "img" => &["src", "alt", "title"],
                    "td" | "th" => &["colspan", "rowspan"],
                    "abbr" | "acronym" => &["title"],
                    "time" => &["datetime"],
                    "q" => &["cite"],
                    "ol" => &["start", "reversed"],
                    "code" => &["class"],
                    "audio" | "video" | "source" => &["src", "controls", "poster", "type"],
                    _ => &[],
                };
                let drop: Vec<String> =
                    el.attributes().iter().map(|a| a.name()).filter(|n| !keep.contains(&n.as_str())).collect();
                for name in drop {
                    el.remove_attribute(&name);
                }
                if tag == "code"
                    && let Some(class) = el.get_attribute("class")
                    && !class.starts_with("language-")
                {
                    el.remove_attribute("class");
                }
                for attr in ["href", "src", "poster"] {
                    let Some(url) = el.get_attribute(attr) else { continue };
                    let new = rewrite_media(&url).or_else(|| links.rewrite(&url));
                    if let Some(new) = new {
                        el.set_attribute(attr, &new)?;
                    }
                }
                Ok(())
            }));
        // The parser tolerates malformed HTML; an error means one of its limits was hit, and
        // the original HTML is then converted as it is.
        rewrite_str(html, settings).unwrap_or_else(|_| html.to_string())
    }
}

impl Converter<'_> {
    /// `[audio mp3="…"]`, `[video mp4="…" poster="…"]` and the PDF plugins' shortcodes
    /// (`[pdf-embedder url="…"]`, `[pdfjs-viewer url="…"]`, `[embeddoc url="…"]`…) → pamphlet's
    /// `audio`, `video` and `document` shortcodes, set aside (see [`EMBED_MARKER`]) so the HTML
    /// converter leaves them as written. A file that is not in the uploads folder would fail
    /// the build (a shortcode's file must be the site's own), so it becomes a plain link.
    fn replace_media_shortcodes(
        &self,
        html: &str,
        embeds: &mut Vec<String>,
        media: &mut BTreeSet<String>,
        notes: &mut Vec<Note>,
    ) -> String {
        static MEDIA: LazyLock<Regex> = LazyLock::new(|| {
            super::constant_regex(
                r"(?is)\[(audio|video|pdf-embedder|pdfjs-viewer|pdf-viewer|embeddoc|gview)\b([^\]]*)\](?:\s*\[/(?:audio|video)\])?",
            )
        });
        MEDIA
            .replace_all(html, |caps: &regex::Captures| {
                let kind = caps[1].to_ascii_lowercase();
                let attrs = shortcode_attributes(&caps[2]);
                let get = |keys: &[&str]| {
                    keys.iter()
                        .find_map(|k| attrs.iter().find(|(name, _)| name == k).map(|(_, v)| v.trim().to_string()))
                };
                let (name, sources): (&str, &[&str]) = match kind.as_str() {
                    "audio" => ("audio", &["src", "mp3", "m4a", "ogg", "wav"]),
                    "video" => ("video", &["src", "mp4", "m4v", "webm", "ogv"]),
                    _ => ("document", &["url", "src", "file"]),
                };
                // `[audio https://…/a.mp3]`: the address without a name, as older posts write it.
                let positional = || caps[2].split_whitespace().find(|w| w.starts_with("http")).map(str::to_string);
                let Some(source) = get(sources).or_else(positional).filter(|s| !s.is_empty()) else {
                    return caps[0].to_string();
                };
                let mut args = Vec::new();
                if name == "video" && crate::shortcodes::embeds::embed(&source).is_some() {
                    args.push(("url", source.clone()));
                } else {
                    match self.media.place(&source) {
                        Some(place) if place.local => {
                            media.insert(place.inside);
                            args.push(("src", place.url));
                        }
                        _ => {
                            notes.push(Note {
                                kind: "shortcode",
                                message: format!(
                                    "`[{kind}]` names {source}, which is not in the uploads folder: it became a link"
                                ),
                            });
                            embeds.push(format!("<{source}>"));
                            return format!("\n\n<p>{EMBED_MARKER}{}</p>\n\n", embeds.len() - 1);
                        }
                    }
                }
                if let Some(poster) = get(&["poster"]).and_then(|p| self.media.place(&p)).filter(|p| p.local) {
                    media.insert(poster.inside);
                    args.push(("poster", poster.url));
                }
                if let Some(title) = get(&["title"]).filter(|t| !t.is_empty()) {
                    args.push(("title", title));
                }
                let args: Vec<String> = args
                    .iter()
                    .map(|(k, v)| format!("{k}=\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"")))
                    .collect();
                embeds.push(format!("{{{{< {name} {} >}}}}", args.join(" ")));
                format!("\n\n<p>{EMBED_MARKER}{}</p>\n\n", embeds.len() - 1)
            })
            .into_owned()
    }

    /// `[gallery ids="1,2"]`, or a bare `[gallery]` (the images uploaded to the post, in their
    /// gallery order) → one figure per image, with its caption. A gallery whose images are not
    /// in the export is left as written (and reported with the other shortcodes).
    fn replace_galleries(&self, html: &str, post_id: u64) -> String {
        static GALLERY: LazyLock<Regex> = LazyLock::new(|| super::constant_regex(r"\[gallery([^\]]*)\]"));
        GALLERY
            .replace_all(html, |caps: &regex::Captures| {
                let attrs = shortcode_attributes(&caps[1]);
                let ids: Vec<u64> = attrs
                    .iter()
                    .find(|(k, _)| k == "ids" || k == "include")
                    .map(|(_, v)| v.split(',').filter_map(|id| id.trim().parse().ok()).collect())
                    .unwrap_or_default();
                let images: Vec<&Attachment> = if ids.is_empty() {
                    let mut own: Vec<&Attachment> =
                        self.attachments.values().filter(|a| a.parent == post_id && is_image(&a.url)).collect();
                    own.sort_by_key(|a| (a.order, a.id));
                    own
                } else {
                    ids.iter().filter_map(|id| self.attachments.get(id)).collect()
                };
                if images.is_empty() {
                    return caps[0].to_string();
                }
                let figures: Vec<String> = images.iter().map(|a| gallery_figure(a)).collect();
                format!("\n\n{}\n\n", figures.join("\n\n"))
            })
            .into_owned()
    }
}

fn is_image(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    [".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg"].iter().any(|ext| lower.ends_with(ext))
}

fn gallery_figure(image: &Attachment) -> String {
    let img = format!("<img src=\"{}\" alt=\"{}\">", crate::escape::html(&image.url), crate::escape::html(&image.alt));
    if image.caption.is_empty() {
        return format!("<p>{img}</p>");
    }
    format!("<figure>{img}<figcaption>{}</figcaption></figure>", crate::escape::html(&image.caption))
}

/// How far to move a post's headings so its highest one is `<h2>`: the page's title is the only
/// `<h1>`, and a post that starts at `<h3>` would skip a level (an accessibility error).
fn heading_shift(html: &str) -> i64 {
    static HEADING: LazyLock<Regex> = LazyLock::new(|| super::constant_regex(r"(?i)<h([1-6])[\s>]"));
    let highest = HEADING.captures_iter(html).filter_map(|c| c[1].parse::<i64>().ok()).min();
    highest.map_or(0, |h| 2 - h)
}

/// `<!--more-->` and `<!--more Read on…-->` become the marker; `<!--nextpage-->` is dropped.
fn replace_more_comment(html: &str, notes: &mut Vec<Note>) -> String {
    static MORE: LazyLock<Regex> = LazyLock::new(|| super::constant_regex(r"<!--\s*more\b[^>]*?-->"));
    static NEXTPAGE: LazyLock<Regex> = LazyLock::new(|| super::constant_regex(r"<!--\s*nextpage\s*-->"));
    let mut out = MORE.replacen(html, 1, format!("\n\n<p>{MORE_MARKER}</p>\n\n")).into_owned();
    if NEXTPAGE.is_match(&out) {
        notes.push(Note {
            kind: "page break",
            message: "`<!--nextpage-->` page breaks were removed: the post is one page".into(),
        });
        out = NEXTPAGE.replace_all(&out, "").into_owned();
    }
    out
}

/// Removes block-editor comments. Self-closing blocks (`<!-- wp:latest-posts /-->`) are made
/// by PHP when a page is viewed and have no HTML to keep: they are reported.
fn strip_block_comments(html: &str, notes: &mut Vec<Note>) -> String {
    static BLOCK: LazyLock<Regex> =
        LazyLock::new(|| super::constant_regex(r"<!--\s*(/?)wp:([a-z0-9/_-]+)(?:\s[^>]*?)?\s*(/?)-->"));
    let mut dynamic = BTreeSet::new();
    let out = BLOCK.replace_all(html, |caps: &regex::Captures| {
        if &caps[3] == "/" && !matches!(&caps[2], "more" | "nextpage" | "separator" | "spacer") {
            dynamic.insert(caps[2].to_string());
        }
        ""
    });
    // An embed block wraps its URL in a figure; the URL alone on its line becomes a link below.
    static EMBED: LazyLock<Regex> = LazyLock::new(|| {
        super::constant_regex(
            r#"(?is)<figure[^>]*wp-block-embed[^>]*>\s*<div[^>]*wp-block-embed__wrapper[^>]*>\s*(.*?)\s*</div>\s*(<figcaption.*?</figcaption>)?\s*</figure>"#,
        )
    });
    let out = EMBED.replace_all(&out, |caps: &regex::Captures| {
        let caption = caps.get(2).map_or(String::new(), |c| format!("<p>{}</p>", c.as_str()));
        format!("\n\n{}\n\n{caption}", &caps[1])
    });
    for name in dynamic {
        notes.push(Note {
            kind: "dynamic block",
            message: format!("the `{name}` block is generated by WordPress when a page is viewed; it was left out"),
        });
    }
    out.into_owned()
}

/// Takes `<pre>` blocks out while paragraphs are inferred, so blank lines in code survive.
fn protect_pre(html: &str) -> (String, Vec<String>) {
    static PRE: LazyLock<Regex> = LazyLock::new(|| super::constant_regex(r"(?is)<pre[\s>].*?</pre>"));
    let mut pres = Vec::new();
    let out = PRE.replace_all(html, |caps: &regex::Captures| {
        pres.push(caps[0].to_string());
        format!("\n\n\u{E000}{}\u{E001}\n\n", pres.len() - 1)
    });
    (out.into_owned(), pres)
}

fn restore_pre(html: &str, pres: &[String]) -> String {
    static SLOT: LazyLock<Regex> = LazyLock::new(|| super::constant_regex("\u{E000}([0-9]+)\u{E001}"));
    static PRE_OPEN: LazyLock<Regex> = LazyLock::new(|| super::constant_regex(r"(?is)^<pre[^>]*>\s*(<code)?"));
    SLOT.replace_all(html, |caps: &regex::Captures| {
        let Some(pre) = caps[1].parse::<usize>().ok().and_then(|i| pres.get(i)) else { return String::new() };
        // A bare <pre> becomes <pre><code>, which the converter turns into a fenced block.
        match PRE_OPEN.captures(pre) {
            Some(open) if open.get(1).is_none() => {
                let inner = &pre[open[0].len()..];
                let inner = inner.strip_suffix("</pre>").unwrap_or(inner);
                format!("<pre><code>{inner}</code></pre>")
            }
            _ => pre.clone(),
        }
    })
    .into_owned()
}

/// `[caption id="…" align="…" width="300"]<a><img></a> The caption[/caption]` (and the older
/// `caption="…"` attribute form) → `<figure>` with a `<figcaption>`.
fn replace_captions(html: &str) -> String {
    static CAPTION: LazyLock<Regex> =
        LazyLock::new(|| super::constant_regex(r"(?is)\[(?:wp_)?caption([^\]]*)\](.*?)\[/(?:wp_)?caption\]"));
    static MEDIA: LazyLock<Regex> =
        LazyLock::new(|| super::constant_regex(r"(?is)^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$"));
    CAPTION
        .replace_all(html, |caps: &regex::Captures| {
            let attrs = shortcode_attributes(&caps[1]);
            let inner = &caps[2];
            let (image, mut caption) = match MEDIA.captures(inner) {
                Some(m) => (m[1].to_string(), m[2].trim().to_string()),
                None => (String::new(), inner.trim().to_string()),
            };
            if caption.is_empty()
                && let Some((_, c)) = attrs.iter().find(|(k, _)| k == "caption")
            {
                caption = c.clone();
            }
            format!("\n\n<figure>{image}<figcaption>{caption}</figcaption></figure>\n\n")
        })
        .into_owned()
}

/// `[embed]https://…[/embed]` → the URL on a line of its own (then a link, like other embeds).
fn replace_embed_shortcodes(html: &str) -> String {
    static EMBED: LazyLock<Regex> = LazyLock::new(|| super::constant_regex(r"(?is)\[embed[^\]]*\](.*?)\[/embed\]"));
    EMBED.replace_all(html, |caps: &regex::Captures| format!("\n\n{}\n\n", caps[1].trim())).into_owned()
}

/// `key="value" key='value' key=value` pairs of a shortcode.
fn shortcode_attributes(text: &str) -> Vec<(String, String)> {
    static ATTR: LazyLock<Regex> =
        LazyLock::new(|| super::constant_regex(r#"([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))"#));
    ATTR.captures_iter(text)
        .map(|c| {
            let value = c.get(2).or(c.get(3)).or(c.get(4)).map_or("", |m| m.as_str());
            (c[1].to_ascii_lowercase(), value.to_string())
        })
        .collect()
}

/// Lists shortcodes that are left in the text: they show as written until someone replaces
/// them by hand.
fn report_unknown_shortcodes(html: &str, notes: &mut Vec<Note>) {
    static OPEN: LazyLock<Regex> = LazyLock::new(|| super::constant_regex(r"\[([a-zA-Z][\w-]*)(\s+[^\]]*?)?\s*/?\]"));
    let mut seen = BTreeSet::new();
    for caps in OPEN.captures_iter(html) {
        let name = caps[1].to_string();
        let has_attributes = caps.get(2).is_some_and(|a| a.as_str().contains('='));
        let is_closed = html.contains(&format!("[/{name}]"));
        if (CORE_SHORTCODES.contains(&name.as_str()) || has_attributes || is_closed) && seen.insert(name.clone()) {
            notes.push(Note {
                kind: "shortcode",
                message: format!("`[{name}]` is not supported; it was left in the text"),
            });
        }
    }
}

/// A line that is nothing but a URL is an embed in WordPress; here it becomes a plain link
/// (`<https://…>` in the Markdown), so no third-party player loads unless the reader follows
/// it. The URL is set aside behind a placeholder so the HTML converter does not escape it.
fn set_aside_bare_url_lines(html: &str, embeds: &mut Vec<String>) -> String {
    static BARE: LazyLock<Regex> = LazyLock::new(|| super::constant_regex(r#"^\s*(https?://[^\s<>"'&]+)\s*$"#));
    html.lines()
        .map(|line| match BARE.captures(line) {
            Some(c) => {
                embeds.push(format!("<{}>", &c[1]));
                format!("<p>{EMBED_MARKER}{}</p>", embeds.len() - 1)
            }
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A table without header cells (what the classic editor writes) has no Markdown form: GFM
/// tables need a header row. It is kept as HTML, on lines without blank ones so that it stays
/// one HTML block.
fn set_aside_headerless_tables(html: &str, aside: &mut Vec<String>) -> String {
    static TABLE: LazyLock<Regex> = LazyLock::new(|| super::constant_regex(r"(?is)<table\b.*?</table>"));
    TABLE
        .replace_all(html, |caps: &regex::Captures| {
            let table = &caps[0];
            if table.contains("<th") || table.matches("<table").count() > 1 {
                return table.to_string();
            }
            let compact: Vec<&str> = table.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
            aside.push(compact.join("\n"));
            format!("<p>{EMBED_MARKER}{}</p>", aside.len() - 1)
        })
        .into_owned()
}

/// WordPress's `wpautop`, simplified: blank lines separate paragraphs, single newlines inside
/// a paragraph are line breaks, and lines inside block elements (lists, tables, quotes…) are
/// left as they are.
fn autop(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut depth: i64 = 0;
    let mut paragraph: Vec<&str> = Vec::new();
    let flush = |paragraph: &mut Vec<&str>, out: &mut String| {
        if !paragraph.is_empty() {
            out.push_str("<p>");
            out.push_str(&paragraph.join("<br>"));
            out.push_str("</p>\n");
            paragraph.clear();
        }
    };
    for line in html.lines() {
        let trimmed = line.trim();
        if depth > 0 || starts_with_block_tag(trimmed) || trimmed.starts_with('\u{E000}') {
            flush(&mut paragraph, &mut out);
            out.push_str(line);
            out.push('\n');
            depth = (depth + container_balance(trimmed)).max(0);
        } else if trimmed.is_empty() {
            flush(&mut paragraph, &mut out);
            out.push('\n');
        } else {
            paragraph.push(trimmed);
            depth = (depth + container_balance(trimmed)).max(0);
        }
    }
    flush(&mut paragraph, &mut out);
    out
}

const BLOCK_TAGS: [&str; 31] = [
    "address",
    "article",
    "aside",
    "blockquote",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "iframe",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tbody",
    "tr",
    "ul",
];

/// Elements whose lines are kept as they are until they close.
const CONTAINER_TAGS: [&str; 10] =
    ["table", "ul", "ol", "dl", "blockquote", "figure", "div", "iframe", "script", "style"];

fn starts_with_block_tag(line: &str) -> bool {
    let Some(rest) = line.strip_prefix('<') else { return false };
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
    BLOCK_TAGS.contains(&name.as_str()) || CONTAINER_TAGS.contains(&name.as_str())
}

/// Opened minus closed container elements on a line.
fn container_balance(line: &str) -> i64 {
    // One pass over the tags of the line: this runs for every line of every classic post.
    let mut balance = 0;
    for (i, _) in line.match_indices('<') {
        let rest = &line[i + 1..];
        let (closing, rest) = match rest.strip_prefix('/') {
            Some(r) => (true, r),
            None => (false, rest),
        };
        let end = rest.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(rest.len());
        let name = &rest[..end];
        let ends_name = rest[end..].starts_with(['>', ' ', '\t', '\n']);
        if ends_name && CONTAINER_TAGS.iter().any(|t| t.eq_ignore_ascii_case(name)) {
            balance += if closing { -1 } else { 1 };
        }
    }
    balance
}

/// Puts the summary marker and embed links back, and tidies blank lines.
fn finish_markdown(markdown: &str, embeds: &[String]) -> String {
    let mut out = String::with_capacity(markdown.len() + 16);
    let mut blank_run = 0;
    for line in markdown.lines() {
        // Line breaks are written as a trailing `\`, so trailing spaces carry nothing.
        let line = line.trim_end_matches([' ', '\t']);
        let embed =
            line.trim().strip_prefix(EMBED_MARKER).and_then(|n| n.parse::<usize>().ok()).and_then(|n| embeds.get(n));
        let with_embed;
        let line = match embed {
            Some(text) => {
                with_embed = text.clone();
                with_embed.as_str()
            }
            None if line.trim() == MORE_MARKER => "<!-- more -->",
            None => line,
        };
        if line.trim().is_empty() {
            blank_run += 1;
            if blank_run > 1 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    let trimmed = out.trim_matches('\n');
    format!("{trimmed}\n")
}
