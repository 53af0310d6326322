//! Shortcodes, as Hugo users know them: `{{< name key="value" >}}` and the pair
//! `{{< name >}}…{{< /name >}}` in Markdown, each rendered by the Tera template
//! `templates/shortcodes/<name>.html` of the site (which wins) or of the theme. A URL of a
//! known embed provider alone on its line is the `video` shortcode with that `url`: a card that
//! loads nothing until the reader clicks (see [`embeds`]).
//!
//! Expansion happens while content is loaded ([`crate::markdown::Expand`]), so `build`,
//! `check` and `serve` all get it from the one pipeline. The built-in shortcodes' arguments
//! are checked here (required ones, files that must exist, allowed values) so that a mistake is
//! an error at its `file:line:col` naming the shortcode, with every other problem of the run.

pub mod embeds;
pub mod pdf;
pub mod syntax;

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use crate::error::{Error, Location, Position, Warning};
use crate::fs::FileStamp;
use crate::i18n::Strings;
use crate::markdown::{DocumentContext, Expand, Expansion, FileUse, Insert, Markdown, insert_token};
use crate::theme::Theme;
use syntax::{Call, Item};

/// Folder of the shortcode templates, under a theme's or the site's `templates/`.
pub const TEMPLATE_DIR: &str = "shortcodes/";

/// What a built-in shortcode needs.
struct Spec {
    name: &'static str,
    /// Each entry: one of these arguments must be given (`body`: the pair's content).
    required: &'static [&'static [&'static str]],
    /// Arguments that name a file of the site, which must exist.
    files: &'static [&'static str],
    /// Arguments with a fixed set of values.
    choices: &'static [(&'static str, &'static [&'static str])],
    /// How to write it, for messages.
    example: &'static str,
}

/// The built-in shortcodes of the default theme.
const BUILT_IN: &[Spec] = &[
    Spec {
        name: "video",
        required: &[&["url", "src"]],
        files: &["src", "poster"],
        choices: &[],
        example: "{{< video url=\"https://www.youtube.com/watch?v=…\" poster=\"/images/still.jpg\" title=\"…\" >}}",
    },
    Spec {
        name: "audio",
        required: &[&["src"]],
        files: &["src"],
        choices: &[],
        example: "{{< audio src=\"/media/episode-1.mp3\" title=\"…\" >}}",
    },
    Spec {
        name: "document",
        required: &[&["src"]],
        files: &["src"],
        choices: &[],
        example: "{{< document src=\"/files/report.pdf\" title=\"Annual report 2024\" >}}",
    },
    Spec {
        name: "pullquote",
        required: &[&["body", "text"]],
        files: &[],
        choices: &[],
        example: "{{< pullquote cite=\"…\" >}}The quotation{{< /pullquote >}}",
    },
    Spec {
        name: "callout",
        required: &[&["body", "text"]],
        files: &[],
        choices: &[("type", &["note", "warning"])],
        example: "{{< callout type=\"warning\" >}}What readers must know{{< /callout >}}",
    },
    Spec {
        name: "figure",
        required: &[&["src"], &["alt", "caption"]],
        files: &["src"],
        choices: &[],
        example: "{{< figure src=\"/images/x.jpg\" alt=\"…\" caption=\"…\" credit=\"…\" >}}",
    },
];

/// The built-in shortcodes' optional arguments and their values when not given.
const OPTIONAL: &[(&str, &str)] = &[
    ("title", ""),
    ("description", ""),
    ("text", ""),
    ("cite", ""),
    ("type", "note"),
    ("alt", ""),
    ("caption", ""),
    ("credit", ""),
    ("url", ""),
    ("src", ""),
    ("poster", ""),
];

/// A file a shortcode names, as its template gets it (`files.src`).
#[derive(Debug, Clone, Default, Serialize)]
struct FileView {
    /// Its URL (root-relative with the base URL's path, or relative inside a bundle).
    url: String,
    /// Its file name.
    name: String,
    /// Its extension in capitals: `PDF`.
    kind: String,
    /// Its size for people: `340 KB`, `2.4 MB` (empty for a file built into pamphlet).
    size: String,
    /// Its size in bytes.
    bytes: u64,
    /// A PDF's page count (0 when unknown or not a PDF).
    pages: u64,
}

/// What expanding a body found besides its text: its problems and the files it read.
#[derive(Default)]
struct Found {
    errors: Vec<Error>,
    warnings: Vec<Warning>,
    files: Vec<FileUse>,
}

/// The shortcode templates of a theme and site, compiled, and what they may refer to.
pub struct Shortcodes {
    tera: tera::Tera,
    /// Template name (`video`) → the file it came from, for messages.
    origins: BTreeMap<String, PathBuf>,
    root: PathBuf,
    /// Site path → file of every static file (`None`: built into pamphlet).
    statics: BTreeMap<String, Option<PathBuf>>,
    fingerprint: u64,
}

impl std::fmt::Debug for Shortcodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shortcodes").field("templates", &self.origins.keys()).finish_non_exhaustive()
    }
}

impl Shortcodes {
    /// The shortcodes of `theme` (its `templates/shortcodes/*.html`, the site's overrides
    /// included), whose labels come from `strings`, for the site at `root` whose static files
    /// are `statics` (site path → file). `None` when a template does not compile: the renderer,
    /// which compiles every template, reports that.
    pub fn new(
        theme: &Theme,
        strings: Arc<Strings>,
        root: &Path,
        statics: BTreeMap<String, Option<PathBuf>>,
    ) -> Option<Shortcodes> {
        let templates: Vec<_> = theme.templates.iter().filter(|t| t.name.starts_with(TEMPLATE_DIR)).collect();
        let mut tera = tera::Tera::new();
        crate::i18n::register(&mut tera, strings.clone());
        tera.autoescape_on(vec![".html"]);
        tera.add_raw_templates(templates.iter().map(|t| (t.name.as_str(), t.text.as_str()))).ok()?;
        let origins: BTreeMap<String, PathBuf> = templates
            .iter()
            .filter_map(|t| {
                let name = t.name.strip_prefix(TEMPLATE_DIR)?.strip_suffix(".html")?;
                Some((name.to_string(), t.origin.clone()))
            })
            .collect();
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        for t in &templates {
            (&t.name, &t.text).hash(&mut hasher);
        }
        for s in &theme.strings {
            (&s.lang, &s.text).hash(&mut hasher);
        }
        // Which site paths are static files, and where each is relative to the root: the same
        // however the root is spelled (`--root site` or `--root .` inside it), which hashing the
        // root itself was not, so that a change of spelling rendered every body again.
        for (site_path, file) in &statics {
            (site_path, file.as_deref().map(|f| f.strip_prefix(root).unwrap_or(f))).hash(&mut hasher);
        }
        Some(Shortcodes { tera, origins, root: root.to_path_buf(), statics, fingerprint: hasher.finish() })
    }

    /// `text` (part of a document, at `doc.offset`) with its shortcodes replaced by tokens,
    /// and their inserts; problems, and the files read, go to `found`.
    fn expand_text(
        &self,
        text: &str,
        doc: &DocumentContext,
        markdown: &Markdown,
        found: &mut Found,
    ) -> (String, Vec<Insert>) {
        // A theme without a `video` shortcode leaves pasted URLs as they are (links).
        let is_embed = |url: &str| self.origins.contains_key("video") && embeds::embed(url).is_some();
        // Most bodies have neither: skip the extra Markdown pass that finds code.
        if !text.contains("{{<") && !syntax::bare_url_lines(text).any(|(url, _)| is_embed(&url)) {
            return (text.to_string(), Vec::new());
        }
        let code = crate::markdown::code_ranges(text);
        let (items, problems) = syntax::scan(text, &code, &is_embed);
        found.errors.extend(problems.into_iter().map(|(at, message)| error_at(doc, at, message)));
        let mut out = String::with_capacity(text.len());
        let mut inserts = Vec::new();
        let mut last = 0;
        for item in items {
            let span = item.span().clone();
            out.push_str(&text[last..span.start]);
            last = span.end;
            let call = match item {
                Item::Shortcode(call) => call,
                Item::BareUrl { url, span } => {
                    Call { name: "video".into(), args: vec![("url".into(), url)], span, body: None }
                }
            };
            let Some(insert) = self.render_call(&call, text, doc, markdown, found) else {
                out.push_str(&text[span.clone()]);
                continue;
            };
            let token = insert_token(inserts.len());
            inserts.push(insert);
            match alone_on_line(text, &span) {
                // A paragraph of its own, so the card replaces it rather than sit inside it.
                Some(indent) => {
                    out.push('\n');
                    out.push_str(indent);
                    out.push_str(&token);
                    out.push('\n');
                }
                None => out.push_str(&token),
            }
        }
        out.push_str(&text[last..]);
        (out, inserts)
    }

    /// The insert for one call, or `None` after reporting why it cannot be rendered.
    fn render_call(
        &self,
        call: &Call,
        text: &str,
        doc: &DocumentContext,
        markdown: &Markdown,
        found: &mut Found,
    ) -> Option<Insert> {
        let at = call.span.start;
        let fail = |found: &mut Found, message: String| {
            found.errors.push(error_at(doc, at, format!("shortcode `{}`: {message}", call.name)));
            None
        };
        if !self.origins.contains_key(&call.name) {
            return fail(found, self.unknown(&call.name));
        }
        // The pair's content, rendered as Markdown (its own shortcodes expanded).
        let body = call.body.clone().map(|range| {
            let inner = DocumentContext { offset: doc.offset + range.start, ..*doc };
            let (inner_text, inner_inserts) = self.expand_text(&text[range], &inner, markdown, found);
            markdown.render_with(&inner_text, doc.url_prefix, &inner_inserts)
        });
        let args: BTreeMap<&str, &str> = call.args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let mut files = BTreeMap::new();
        let mut embed = None;
        if let Some(spec) = BUILT_IN.iter().find(|s| s.name == call.name && self.is_builtin_template(s.name)) {
            if let Err(message) = check_arguments(spec, &args, body.is_some()) {
                return fail(found, message);
            }
            for key in spec.files {
                files.insert(*key, None);
                let Some(value) = args.get(key) else { continue };
                match self.file(value, doc, spec.name == "document", &mut found.files) {
                    Ok(file) => {
                        files.insert(*key, Some(file));
                    }
                    Err(message) => return fail(found, format!("`{key}`: {message}")),
                }
            }
            if let Some(url) = args.get("url") {
                match embeds::embed(url) {
                    Some(e) => embed = Some(e),
                    None => {
                        return fail(
                            found,
                            format!(
                                "`{url}` is not a video of a provider pamphlet knows (YouTube, Vimeo, Facebook, Internet Archive…); for a video file of this site write src=\"/media/x.mp4\""
                            ),
                        );
                    }
                }
            }
            if let Some(Some(file)) = files.get("src")
                && spec.name == "document"
                && file.kind == "PDF"
                && file.pages == 0
            {
                found.warnings.push(Warning {
                    location: location(doc, at),
                    code: "pdf-pages",
                    message: format!(
                        "shortcode `document`: the page count of `{}` could not be read (an encrypted or damaged PDF?); the card shows none",
                        args.get("src").copied().unwrap_or_default()
                    ),
                });
            }
        }
        let mut ctx = tera::Context::new();
        if self.origins.get(&call.name).is_some() && BUILT_IN.iter().any(|s| s.name == call.name) {
            // The built-in templates test their optional arguments with `if`.
            for (key, value) in OPTIONAL {
                ctx.insert(*key, value);
            }
        }
        for (key, value) in &args {
            ctx.insert(key.to_string(), value);
        }
        ctx.insert("args", &args);
        ctx.insert("name", &call.name);
        ctx.insert("lang", doc.lang);
        ctx.insert("dir", crate::language::text_direction(doc.lang));
        ctx.insert("files", &files);
        ctx.insert("embed", &embed);
        ctx.insert("body", body.as_ref().map_or("", |b| b.html.as_str()));
        let html = match self.render_template(&call.name, &ctx) {
            Ok(html) => html,
            Err(message) => return fail(found, message),
        };
        // The feed: an embed is a plain link; a pair whose content holds one, rendered with
        // the content's feed version.
        let feed_html = match (&embed, body.as_ref().and_then(|b| b.feed_html.as_ref())) {
            (Some(e), _) => {
                let title = args.get("title").copied().unwrap_or(e.link.as_str());
                Some(format!(
                    "<p><a href=\"{}\">{}</a> ({})</p>",
                    crate::escape::html_attribute(&e.link),
                    crate::escape::html(title),
                    e.provider
                ))
            }
            (None, Some(feed_body)) => {
                ctx.insert("body", feed_body);
                self.render_template(&call.name, &ctx).ok()
            }
            (None, None) => None,
        };
        // A callout's words are the article's; a pull quote repeats them.
        let words = match (call.name.as_str(), &body) {
            ("pullquote", _) | (_, None) => 0,
            (_, Some(b)) => b.word_count,
        };
        Some(Insert { html, feed_html, words })
    }

    /// Whether the template `name` is the default theme's own (whose arguments are checked
    /// here), not a site's shortcode of the same name with arguments of its own.
    fn is_builtin_template(&self, name: &str) -> bool {
        self.origins.get(name).is_some_and(|origin| {
            origin.starts_with(format!("<built-in {} theme>", crate::theme::BUILTIN_THEME))
                || origin.starts_with(Path::new("themes").join(crate::theme::BUILTIN_THEME))
        })
    }

    fn render_template(&self, name: &str, ctx: &tera::Context) -> Result<String, String> {
        self.tera.render(&format!("{TEMPLATE_DIR}{name}.html"), ctx).map_err(|e| {
            let origin = self.origins.get(name).map(|o| o.display().to_string()).unwrap_or_default();
            let mut message = format!("its template {origin} failed: {e}");
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                message.push_str(&format!(": {s}"));
                source = s.source();
            }
            message
        })
    }

    /// "unknown shortcode" with the nearest known name.
    fn unknown(&self, name: &str) -> String {
        let nearest = self
            .origins
            .keys()
            .map(|k| (strsim::jaro_winkler(k, name), k))
            .filter(|(score, _)| *score > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, k)| format!(" (did you mean `{k}`?)"))
            .unwrap_or_default();
        let known: Vec<&str> = self.origins.keys().map(String::as_str).collect();
        format!(
            "there is no such shortcode{nearest}: known are {}; to make one, write templates/{TEMPLATE_DIR}{name}.html",
            known.join(", ")
        )
    }

    /// The file `value` names: a static file or a file of the content folder (`/files/x.pdf`),
    /// or a file beside a bundle's `index.md` (`x.pdf`). `measure`: read its size and pages.
    /// The file read is added to `uses`.
    fn file(
        &self,
        value: &str,
        doc: &DocumentContext,
        measure: bool,
        uses: &mut Vec<FileUse>,
    ) -> Result<FileView, String> {
        if value.contains("://") || value.starts_with("//") {
            return Err(format!(
                "`{value}` is on another host: put the file in static/ (or beside the article's index.md) so that readers load nothing from elsewhere"
            ));
        }
        let clean = value.split(['?', '#']).next().unwrap_or_default();
        let (url, path) = if let Some(site_path) = clean.strip_prefix('/') {
            let in_content = self.root.join(crate::content::CONTENT_DIR).join(site_path);
            let path = match self.statics.get(clean) {
                Some(file) => file.clone(),
                None if !site_path.contains("..") && in_content.is_file() => Some(in_content),
                None => {
                    return Err(format!(
                        "file `{value}` not found: put it in static{clean} (or write a path without a leading `/` for a file beside the article's index.md)"
                    ));
                }
            };
            (format!("{}{}", doc.url_prefix, site_path), path)
        } else {
            let is_bundle = doc.source.file_name().is_some_and(|n| n == "index.md");
            let dir = doc.source.parent().unwrap_or(Path::new(""));
            let relative = clean.trim_start_matches("./");
            let file = self.root.join(dir).join(relative);
            if !is_bundle || relative.contains("..") || !file.is_file() {
                return Err(format!(
                    "file `{value}` not found: put it beside the article's index.md (a folder of its own), or in static/ and write its path with a leading `/`"
                ));
            }
            (relative.to_string(), Some(file))
        };
        let name = clean.rsplit('/').next().unwrap_or_default().to_string();
        let kind = name.rsplit_once('.').map(|(_, e)| e.to_ascii_uppercase()).unwrap_or_default();
        let mut view = FileView { url, name, kind, ..FileView::default() };
        let Some(path) = path else { return Ok(view) };
        let stamp = if measure {
            // The metadata before the bytes: a write in between leaves the stamp stale, not wrong.
            let meta = std::fs::metadata(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let bytes = crate::fs::read(&path).map_err(|e| e.to_string())?;
            view.bytes = bytes.len() as u64;
            view.size = human_size(view.bytes);
            if view.kind == "PDF" {
                view.pages = pdf::page_count(&bytes).unwrap_or(0);
            }
            Some(FileStamp::new(&meta, &bytes))
        } else {
            None
        };
        let path = path.strip_prefix(&self.root).map(Path::to_path_buf).unwrap_or(path);
        uses.push(FileUse { path, stamp });
        Ok(view)
    }
}

impl Expand for Shortcodes {
    fn expand(&self, body: &str, doc: &DocumentContext, markdown: &Markdown) -> Expansion {
        let mut found = Found::default();
        let (text, inserts) = self.expand_text(body, doc, markdown, &mut found);
        let Found { errors, warnings, files } = found;
        Expansion { text, inserts, errors, warnings, files }
    }

    fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    fn files_unchanged(&self, files: &[FileUse]) -> bool {
        files.iter().all(|file| {
            let path = self.root.join(&file.path);
            std::fs::metadata(&path)
                .is_ok_and(|meta| meta.is_file() && file.stamp.is_none_or(|stamp| stamp.still_matches(&path, &meta)))
        })
    }
}

/// Why `args` (and the pair's content, when `has_body`) do not do for `spec`.
fn check_arguments(spec: &Spec, args: &BTreeMap<&str, &str>, has_body: bool) -> Result<(), String> {
    for one_of in spec.required {
        let given = one_of
            .iter()
            .any(|k| if *k == "body" { has_body } else { args.get(k).is_some_and(|v| !v.trim().is_empty()) });
        if !given {
            let names: Vec<String> = one_of
                .iter()
                .map(|k| {
                    if *k == "body" { format!("content before `{{{{< /{} >}}}}`", spec.name) } else { format!("`{k}`") }
                })
                .collect();
            return Err(format!("missing {}: write {}", names.join(" or "), spec.example));
        }
    }
    for (key, allowed) in spec.choices {
        if let Some(value) = args.get(key)
            && !allowed.contains(value)
        {
            return Err(format!("`{key}=\"{value}\"` is not one of {}", allowed.join(", ")));
        }
    }
    Ok(())
}

/// `340 KB`, `2.4 MB`.
fn human_size(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes < MB {
        format!("{} KB", bytes.div_ceil(1024).max(1))
    } else {
        format!("{:.1} MB", bytes as f64 / MB as f64)
    }
}

/// The indentation before `span` when it fills its lines (only whitespace before it on its
/// first line and after it on its last).
fn alone_on_line<'a>(text: &'a str, span: &std::ops::Range<usize>) -> Option<&'a str> {
    let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..span.start];
    let rest = &text[span.end..];
    let after = &rest[..rest.find('\n').unwrap_or(rest.len())];
    (indent.trim().is_empty() && after.trim().is_empty()).then_some(indent)
}

fn location(doc: &DocumentContext, at: usize) -> Location {
    Location { path: doc.source.to_path_buf(), position: Some(Position::of_offset(doc.file_text, doc.offset + at)) }
}

fn error_at(doc: &DocumentContext, at: usize, message: String) -> Error {
    Error::content(location(doc, at), message)
}

/// The names of the built-in shortcodes.
pub fn built_in_names() -> BTreeSet<&'static str> {
    BUILT_IN.iter().map(|s| s.name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_written_in_kilobytes_or_megabytes() {
        assert_eq!(human_size(10), "1 KB");
        assert_eq!(human_size(340 * 1024), "340 KB");
        assert_eq!(human_size(2_516_582), "2.4 MB");
    }

    #[test]
    fn the_fingerprint_does_not_depend_on_how_the_root_is_spelled() {
        let theme = Theme::load(Path::new("site"), crate::theme::BUILTIN_THEME).unwrap();
        let config = crate::config::Config::parse("title: T\nbase_url: https://example.org/\n", None).unwrap();
        let strings = Arc::new(Strings::load(&theme.strings, &config).unwrap());
        let fingerprint = |root: &Path, law: &str| {
            let statics = BTreeMap::from([
                ("/files/law.pdf".to_string(), Some(root.join(law))),
                ("/style.css".to_string(), None),
            ]);
            Shortcodes::new(&theme, strings.clone(), root, statics).unwrap().fingerprint
        };
        let relative = fingerprint(Path::new("site"), "static/files/law.pdf");
        let absolute = std::env::current_dir().unwrap().join("site");
        assert_eq!(fingerprint(&absolute, "static/files/law.pdf"), relative);
        assert_eq!(fingerprint(Path::new("."), "static/files/law.pdf"), relative);
        // Where a static file comes from still counts.
        assert_ne!(fingerprint(Path::new("site"), "themes/t/static/files/law.pdf"), relative);
    }

    #[test]
    fn a_shortcode_alone_on_its_line_is_a_block() {
        let text = "a\n  {{< x >}}  \nb {{< y >}}\n";
        assert_eq!(alone_on_line(text, &(4..13)), Some("  "));
        assert_eq!(alone_on_line(text, &(18..27)), None);
    }
}
