//! A quick reader of the pages a build writes, for [`PageSources::of_html`].
//!
//! lol_html reads any HTML the way a browser does, but on a 10,000-article site that took a
//! quarter of the build's CPU: it scans every tag of every page through its selector machine.
//! This reader knows only the part of HTML that templates and Markdown produce: text, start and
//! end tags with their attributes (quoted or not), comments, the doctype, and the elements whose
//! content is not markup (`<script>`, `<style>`, `<title>`, `<textarea>`, `<iframe>`, …). It
//! jumps from one `<` to the next with `memchr`, reads each tag's name and attributes by the
//! tokenizer rules of the HTML standard, and collects the same things lol_html's handlers do, as
//! lol_html reports them (attribute values as written, not decoded).
//!
//! Where it would have to guess, it gives up and returns `None`, and lol_html reads the page:
//! SVG and MathML (foreign content, where `<script>` and `<style>` follow other rules),
//! `<template>`, script text holding `<!--` (the standard's "escaped" script states), a NUL byte,
//! and a page cut off inside a tag, comment or script. The tests check that both readers find
//! the same on every page they both read.

use memchr::{memchr, memmem};

use super::{PageSources, is_executed, sha256_source, srcset_origins, url_origin};

/// What the page `html` runs and loads from elsewhere, or `None` when it holds something this
/// reader leaves to lol_html.
pub(super) fn page_sources(html: &[u8]) -> Option<PageSources> {
    if memchr(0, html).is_some() {
        return None;
    }
    let mut found = PageSources::default();
    let mut at = 0;
    while let Some(offset) = memchr(b'<', &html[at..]) {
        let lt = at + offset;
        at = match html.get(lt + 1) {
            Some(b'!') => after_markup_declaration(html, lt + 2)?,
            Some(b'?') => after_bogus_comment(html, lt + 2)?,
            Some(b'/') => after_end_tag(html, lt + 2)?,
            Some(c) if c.is_ascii_alphabetic() => {
                let tag = StartTag::read(html, lt + 1)?;
                tag.collect(&mut found);
                tag.after_content(html, &mut found)?
            }
            // A `<` that starts no tag is text.
            _ => lt + 1,
        };
    }
    Some(found)
}

/// HTML's whitespace between a tag's parts.
fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\n' | b'\r' | b'\t' | b'\x0C')
}

/// Whether `byte` ends a tag's name: whitespace, `/` or `>`.
fn ends_tag_name(byte: u8) -> bool {
    is_space(byte) || byte == b'/' || byte == b'>'
}

/// Whether `html` at `at` starts with `word`, in any case.
fn starts_with_ignoring_case(html: &[u8], at: usize, word: &[u8]) -> bool {
    html.get(at..at + word.len()).is_some_and(|w| w.eq_ignore_ascii_case(word))
}

/// The position after the `>` that closes what starts at `at`; `None` at the end of the page.
fn after_next_gt(html: &[u8], at: usize) -> Option<usize> {
    memchr(b'>', html.get(at..)?).map(|i| at + i + 1)
}

/// After `<!`: a comment, the doctype, or a bogus comment (CDATA outside SVG is one too); the
/// doctype and bogus comments end at the first `>`, whatever quotes they hold.
fn after_markup_declaration(html: &[u8], at: usize) -> Option<usize> {
    if html[at..].starts_with(b"--") { after_comment(html, at + 2) } else { after_next_gt(html, at) }
}

/// After `<?`: a bogus comment.
fn after_bogus_comment(html: &[u8], at: usize) -> Option<usize> {
    after_next_gt(html, at)
}

/// After `<!--`: `<!-->` and `<!--->` end at once; any other comment ends at the first `-->` or
/// `--!>`.
fn after_comment(html: &[u8], at: usize) -> Option<usize> {
    let rest = html.get(at..)?;
    if rest.starts_with(b">") {
        return Some(at + 1);
    }
    if rest.starts_with(b"->") {
        return Some(at + 2);
    }
    // Every `--`, overlapping ones too: in `--->` the end is the `-->` that starts one dash in.
    let mut from = 0;
    while let Some(found) = memmem::find(&rest[from..], b"--") {
        let dashes = from + found;
        let after = &rest[dashes + 2..];
        if after.starts_with(b">") {
            return Some(at + dashes + 3);
        }
        if after.starts_with(b"!>") {
            return Some(at + dashes + 4);
        }
        from = dashes + 1;
    }
    None
}

/// After `</`: an end tag (its attributes are read, for the quotes they may hold), `</>`
/// (nothing), or a bogus comment.
fn after_end_tag(html: &[u8], at: usize) -> Option<usize> {
    match html.get(at)? {
        b'>' => Some(at + 1),
        c if c.is_ascii_alphabetic() => Some(StartTag::read(html, at)?.end),
        _ => after_bogus_comment(html, at),
    }
}

/// A tag as read: its name as written (compared in any case), the attributes the policy
/// needs, as written (the first of two with one name counts, as in a browser), and where it
/// ends.
#[derive(Default)]
struct StartTag<'a> {
    name: &'a [u8],
    src: Option<&'a [u8]>,
    script_type: Option<&'a [u8]>,
    srcset: Option<&'a [u8]>,
    poster: Option<&'a [u8]>,
    style: Option<&'a [u8]>,
    embed_origin: Option<&'a [u8]>,
    /// The position after its `>`.
    end: usize,
}

impl<'a> StartTag<'a> {
    /// Reads the tag whose name starts at `at`, by the standard's tag-name, attribute-name
    /// and attribute-value states. `None` when the page ends inside it.
    fn read(html: &'a [u8], at: usize) -> Option<StartTag<'a>> {
        let name_end = at + html[at..].iter().position(|&b| ends_tag_name(b))?;
        let mut tag = StartTag { name: &html[at..name_end], ..StartTag::default() };
        let mut i = name_end;
        loop {
            // Before an attribute name: spaces and stray slashes (`<br/>`, `<img/src=…>`).
            while is_space(*html.get(i)?) || html[i] == b'/' {
                i += 1;
            }
            if html[i] == b'>' {
                tag.end = i + 1;
                return Some(tag);
            }
            // The name: its first character may be `=`, which the standard then takes as a
            // name character.
            let start = i;
            i += 1;
            while !matches!(*html.get(i)?, b'/' | b'>' | b'=') && !is_space(html[i]) {
                i += 1;
            }
            let attribute = &html[start..i];
            while is_space(*html.get(i)?) {
                i += 1;
            }
            if html[i] != b'=' {
                tag.keep(attribute, &html[i..i]);
                continue;
            }
            i += 1;
            while is_space(*html.get(i)?) {
                i += 1;
            }
            let value = match html[i] {
                quote @ (b'"' | b'\'') => {
                    let end = i + 1 + memchr(quote, &html[i + 1..])?;
                    let value = &html[i + 1..end];
                    i = end + 1;
                    value
                }
                // `<a href=>`: an empty value, and the tag ends.
                b'>' => &html[i..i],
                _ => {
                    let start = i;
                    while !is_space(*html.get(i)?) && html[i] != b'>' {
                        i += 1;
                    }
                    &html[start..i]
                }
            };
            tag.keep(attribute, value);
        }
    }

    /// Keeps `value` when `attribute` is one the policy needs and the tag has no earlier one.
    fn keep(&mut self, attribute: &[u8], value: &'a [u8]) {
        let slot = match attribute.len() {
            3 if attribute.eq_ignore_ascii_case(b"src") => &mut self.src,
            4 if attribute.eq_ignore_ascii_case(b"type") => &mut self.script_type,
            5 if attribute.eq_ignore_ascii_case(b"style") => &mut self.style,
            6 if attribute.eq_ignore_ascii_case(b"srcset") => &mut self.srcset,
            6 if attribute.eq_ignore_ascii_case(b"poster") => &mut self.poster,
            17 if attribute.eq_ignore_ascii_case(b"data-embed-origin") => &mut self.embed_origin,
            _ => return,
        };
        slot.get_or_insert(value);
    }

    /// Whether this is a `<name>` tag.
    fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name.as_bytes())
    }

    /// What this tag's attributes add: inline styles, embed origins, image hosts (the same
    /// elements and attributes as lol_html's handlers in `read_with_lol_html`).
    fn collect(&self, found: &mut PageSources) {
        let text = |value: &[u8]| String::from_utf8_lossy(value).into_owned();
        if let Some(style) = self.style {
            found.style_attributes.insert(sha256_source(&text(style)));
        }
        if let Some(origin) = self.embed_origin.and_then(|o| url_origin(&text(o))) {
            found.frames.insert(origin);
        }
        let image = if self.is("img") {
            self.src
        } else if self.is("video") && self.poster.is_some() {
            self.src.or(self.poster)
        } else {
            None
        };
        found.images.extend(image.and_then(|url| url_origin(&text(url))));
        if let Some(srcset) = self.srcset.filter(|_| self.is("img") || self.is("source")) {
            found.images.extend(srcset_origins(&text(srcset)));
        }
    }

    /// Reads past the content of elements whose content is text, not tags (hashing inline
    /// scripts and styles), and returns where markup goes on; `None` where this reader gives up.
    fn after_content(&self, html: &[u8], found: &mut PageSources) -> Option<usize> {
        let start = self.end;
        // The longest name below is 9 letters; the name is lowered on the stack.
        let mut lowered = [0u8; 9];
        let Some(name) = lowered.get_mut(..self.name.len()) else { return Some(start) };
        name.copy_from_slice(self.name);
        name.make_ascii_lowercase();
        match &*name {
            b"script" => {
                let end = text_end(html, start, b"script")?;
                let text = &html[start..end];
                // `<!--` in a script switches the tokenizer to states where `</script>` may
                // not end it.
                if memmem::find(text, b"<!--").is_some() {
                    return None;
                }
                // An empty script runs nothing, and lol_html reports no text for it.
                if !text.is_empty()
                    && self.src.is_none()
                    && is_executed(self.script_type.map(|t| String::from_utf8_lossy(t)).as_deref())
                {
                    found.scripts.insert(sha256_source(std::str::from_utf8(text).ok()?));
                }
                Some(end)
            }
            b"style" => {
                let end = text_end(html, start, b"style")?;
                if end > start {
                    found.styles.insert(sha256_source(std::str::from_utf8(&html[start..end]).ok()?));
                }
                Some(end)
            }
            name @ (b"title" | b"textarea" | b"iframe" | b"xmp" | b"noembed" | b"noframes" | b"noscript") => {
                text_end(html, start, name)
            }
            b"plaintext" => Some(html.len()),
            b"svg" | b"math" | b"template" => None,
            _ => Some(start),
        }
    }
}

/// Where the text of a `<name>` element that started at `at` ends: at its end tag, `</name`
/// in any case followed by a space, `/` or `>`. `None` when the page ends first.
fn text_end(html: &[u8], at: usize, name: &[u8]) -> Option<usize> {
    let rest = html.get(at..)?;
    memmem::find_iter(rest, b"</").map(|i| at + i).find(|&lt| {
        starts_with_ignoring_case(html, lt + 2, name)
            && html.get(lt + 2 + name.len()).is_some_and(|&b| ends_tag_name(b))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What lol_html finds, for comparison.
    fn by_lol_html(html: &str) -> PageSources {
        PageSources::read_with_lol_html(html.as_bytes())
    }

    #[track_caller]
    fn agrees(html: &str) {
        let quick = page_sources(html.as_bytes()).unwrap_or_else(|| panic!("gave up on {html:?}"));
        assert_eq!(quick, by_lol_html(html), "{html:?}");
    }

    #[test]
    fn finds_what_lol_html_finds_in_the_html_pages_are_made_of() {
        for html in [
            "",
            "plain text < not a tag, a <= b, 1<2, <3",
            "<!DOCTYPE html><html lang=\"en\"><head><title>A <script>x()</script> title</title>\
             <script type=\"application/ld+json\">{\"a\":\"</p>\"}</script></head><body><script>go()</script>",
            "<script>a()</script><script src=/x.js>b()</script><SCRIPT TYPE='MODULE'>c()</SCRIPT >",
            "<script type=\"text/javascript; charset=utf-8\">d()</script><script type=text/template><p>e</p></script>",
            "<script>if (a </ b) f(\"</scripts>\")</script><script>g()</script/>",
            "<style>p { color: red }</style><STYLE media=print>q{}</STYLE>",
            "<td style=\"text-align: right\">1</td><P STYLE=color:red>x<p style>y<p style=''>",
            "<div data-embed-origin=\"https://www.youtube-nocookie.com\"></div><div data-embed-origin=x></div>",
            "<img src=\"https://cdn.example.net/a.jpg\" srcset=\"//img.example.com/b.jpg 2x, /c.jpg 1x\" alt=\"a > b\">",
            "<img/src=https://slash.example/a.jpg><img src = 'https://spaces.example/b.jpg' >",
            "<video poster=\"https://poster.example/p.jpg\"></video><video src=\"https://v.example/v.mp4\"></video>",
            "<video src=\"https://v.example/v.mp4\" poster=\"/p.jpg\"></video><picture><source srcset=\"https://s.example/a.avif\"></picture>",
            "<img src=\"https://first.example/a.jpg\" src=\"https://second.example/b.jpg\">",
            "<!-- <script>hidden()</script> --><!--><script>one()</script><!---><script>two()</script>",
            "<!-- a --!><script>three()</script><!----><img src=https://after.example/x.jpg>",
            "<!-- a ---><script>after_three_dashes()</script><!-- b --><!-- c ----!><style>q{}</style>",
            "<?xml version=\"1.0\"?><![CDATA[<script>four()</script>]]><script>five()</script>",
            "</p foo=\"<script>six()</script>\"></><//><script>seven()</script></ >",
            "<textarea><script>no()</script></textarea><iframe><img src=https://no.example/a.jpg></iframe>",
            "<noscript><img src=https://no.example/b.jpg></noscript ><xmp><style>no{}</style></xmp>",
            "<a href=>x</a><a title=\"x\"style=\"color: blue\">y</a><p =x style=\"z\">",
            "<pre><code>&lt;script&gt;not()&lt;/script&gt;</code></pre><p class=a\tstyle=\"tab: 1\">",
            "<script></script><style></style><script>after_empty()</script>",
            "<plaintext><script>never()</script>",
        ] {
            agrees(html);
        }
    }

    #[test]
    fn gives_up_where_it_would_have_to_guess() {
        for html in [
            "<svg><script>a()</script></svg>",
            "<math><style>x</style></math>",
            "<template><script>b()</script></template>",
            "<script><!-- <script>c()</script> --></script>",
            "<script>unterminated()",
            "<img src=\"https://cut.example/a.jpg",
            "<p>\0</p>",
            "<!-- never closed",
        ] {
            assert_eq!(page_sources(html.as_bytes()), None, "{html:?}");
        }
    }
}
