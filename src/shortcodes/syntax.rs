//! Finding shortcodes in a Markdown body: `{{< name key="value" >}}`, the pair
//! `{{< name >}}…{{< /name >}}`, and URLs alone on a line that are embeds, all outside code
//! (code spans, fenced and indented blocks show shortcodes as written). Pure: offsets in, calls
//! out; [`super`] renders them.

use std::ops::Range;

/// A shortcode call found in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// Its name (`video`).
    pub name: String,
    /// Its arguments, in the order written.
    pub args: Vec<(String, String)>,
    /// From its `{{<` to the end of its `>}}` (of the closing tag, for a pair).
    pub span: Range<usize>,
    /// The text between the opening and the closing tag, for a pair.
    pub body: Option<Range<usize>>,
}

/// Something to replace in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A shortcode.
    Shortcode(Call),
    /// A URL alone on its line (`https://…` or `<https://…>`): an embed when its host is a
    /// known provider, which the caller decides.
    BareUrl {
        /// The URL.
        url: String,
        /// The line, without its line break.
        span: Range<usize>,
    },
}

impl Item {
    /// Where it is in the text.
    pub fn span(&self) -> &Range<usize> {
        match self {
            Item::Shortcode(call) => &call.span,
            Item::BareUrl { span, .. } => span,
        }
    }
}

/// A tag as written: `{{< name args >}}`, `{{< name args />}}` or `{{< /name >}}`.
#[derive(Debug)]
struct Tag {
    name: String,
    args: Vec<(String, String)>,
    span: Range<usize>,
    closing: bool,
    self_closing: bool,
}

/// The shortcodes and bare URL lines at the top level of `text` (those inside a pair are in
/// its body, for the caller to scan in turn), in order, and the syntax problems (offset,
/// message). `code` are the code ranges of `text`.
pub fn scan(text: &str, code: &[Range<usize>], is_embed: &dyn Fn(&str) -> bool) -> (Vec<Item>, Vec<(usize, String)>) {
    let mut problems = Vec::new();
    let tags = tags(text, code, &mut problems);
    let calls = pair(tags, &mut problems);
    let mut items: Vec<Item> = calls.into_iter().map(Item::Shortcode).collect();
    let inside_call = |at: usize| items.iter().any(|i| i.span().contains(&at));
    let urls: Vec<Item> = bare_url_lines(text)
        .filter(|(url, span)| !in_ranges(code, span.start) && !inside_call(span.start) && is_embed(url))
        .map(|(url, span)| Item::BareUrl { url, span })
        .collect();
    items.extend(urls);
    items.sort_by_key(|i| i.span().start);
    problems.sort_by_key(|(at, _)| *at);
    (items, problems)
}

fn in_ranges(ranges: &[Range<usize>], at: usize) -> bool {
    ranges.iter().any(|r| r.contains(&at))
}

/// Every tag outside code, in order.
fn tags(text: &str, code: &[Range<usize>], problems: &mut Vec<(usize, String)>) -> Vec<Tag> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = text[from..].find("{{<") {
        let start = from + found;
        from = start + 3;
        if in_ranges(code, start) {
            continue;
        }
        let Some(end) = text[start..].find(">}}").map(|i| start + i + 3) else {
            problems.push((start, "this shortcode is not closed: end it with `>}}`".into()));
            break;
        };
        match parse_tag(&text[start + 3..end - 3]) {
            Ok((name, args, closing, self_closing)) => {
                out.push(Tag { name, args, span: start..end, closing, self_closing });
            }
            Err(message) => problems.push((start, message)),
        }
        from = end;
    }
    out
}

/// Pairs opening tags with closing ones; an opening tag without a closing one is a call of
/// its own.
fn pair(tags: Vec<Tag>, problems: &mut Vec<(usize, String)>) -> Vec<Call> {
    let mut calls: Vec<Call> = Vec::new();
    let mut open: Vec<Tag> = Vec::new();
    for tag in tags {
        if !tag.closing {
            if tag.self_closing {
                calls.push(Call { name: tag.name, args: tag.args, span: tag.span, body: None });
            } else {
                open.push(tag);
            }
            continue;
        }
        let Some(at) = open.iter().rposition(|o| o.name == tag.name) else {
            problems.push((
                tag.span.start,
                format!(
                    "`{{{{< /{} >}}}}` closes no `{{{{< {} >}}}}` before it: remove it or add the opening tag",
                    tag.name, tag.name
                ),
            ));
            continue;
        };
        // Opened after this pair's opening tag and never closed: calls of their own.
        for inner in open.drain(at + 1..) {
            calls.push(Call { name: inner.name, args: inner.args, span: inner.span, body: None });
        }
        let Some(opening) = open.pop() else { continue };
        calls.push(Call {
            name: opening.name,
            args: opening.args,
            span: opening.span.start..tag.span.end,
            body: Some(opening.span.end..tag.span.start),
        });
    }
    calls.extend(open.into_iter().map(|o| Call { name: o.name, args: o.args, span: o.span, body: None }));
    // Keep the outermost: a call inside a pair's body is the body's business.
    calls.sort_by_key(|c| (c.span.start, std::cmp::Reverse(c.span.end)));
    let mut top: Vec<Call> = Vec::new();
    for call in calls {
        if top.last().is_none_or(|last| call.span.start >= last.span.end) {
            top.push(call);
        }
    }
    top
}

/// Reads what is between `{{<` and `>}}`: (name, arguments, is a closing tag, ends with `/`).
fn parse_tag(inner: &str) -> Result<(String, Vec<(String, String)>, bool, bool), String> {
    let mut rest = inner.trim();
    let self_closing = match rest.strip_suffix('/') {
        Some(r) => {
            rest = r.trim_end();
            true
        }
        None => false,
    };
    let closing = match rest.strip_prefix('/') {
        Some(r) => {
            rest = r.trim_start();
            true
        }
        None => false,
    };
    let name_end = rest.find(|c: char| !is_name_char(c)).unwrap_or(rest.len());
    let name = &rest[..name_end];
    if name.is_empty() {
        return Err(
            "a shortcode needs a name: write `{{< name key=\"value\" >}}` (a name of letters, digits, `-` and `_`)"
                .into(),
        );
    }
    let args = parse_args(&rest[name_end..]).map_err(|m| format!("shortcode `{name}`: {m}"))?;
    if closing && !args.is_empty() {
        return Err(format!("`{{{{< /{name} >}}}}` closes a shortcode and takes no arguments"));
    }
    Ok((name.to_string(), args, closing, self_closing))
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// `key="value" key='value' key=value`, also with the curly quotes an editor may have put in.
fn parse_args(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut args = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        let key_end = rest.find(|c: char| !is_name_char(c)).unwrap_or(rest.len());
        let key = &rest[..key_end];
        let after_key = rest[key_end..].trim_start();
        let Some(value_text) = after_key.strip_prefix('=').map(str::trim_start).filter(|_| !key.is_empty()) else {
            let shown: String = rest.chars().take(30).collect();
            return Err(format!("cannot read the arguments at `{shown}`: write them as key=\"value\""));
        };
        let (value, after) =
            read_value(value_text).ok_or_else(|| format!("the value of `{key}` has no closing quote"))?;
        if args.iter().any(|(k, _): &(String, String)| k.as_str() == key) {
            return Err(format!("`{key}` is given twice"));
        }
        args.push((key.to_string(), value));
        rest = after.trim_start();
    }
    Ok(args)
}

/// A quoted or bare value, and the text after it.
fn read_value(text: &str) -> Option<(String, &str)> {
    let mut chars = text.chars();
    let quote = chars.next()?;
    let close = match quote {
        '"' => '"',
        '\'' => '\'',
        '“' => '”',
        '‘' => '’',
        _ => {
            let end = text.find(char::is_whitespace).unwrap_or(text.len());
            return Some((text[..end].to_string(), &text[end..]));
        }
    };
    let body = &text[quote.len_utf8()..];
    let mut value = String::new();
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        if escaped {
            value.push(c);
            escaped = false;
        } else if c == '\\' && close == '"' {
            escaped = true;
        } else if c == close {
            return Some((value, &body[i + c.len_utf8()..]));
        } else {
            value.push(c);
        }
    }
    None
}

/// Lines that hold a URL and nothing else, starting at the line's first column: (URL, the
/// line's range without its break).
pub fn bare_url_lines(text: &str) -> impl Iterator<Item = (String, Range<usize>)> + '_ {
    let mut offset = 0;
    text.split_inclusive('\n').filter_map(move |line| {
        let start = offset;
        offset += line.len();
        let content = line.trim_end();
        let url = content.strip_prefix('<').and_then(|u| u.strip_suffix('>')).unwrap_or(content);
        let is_url = (url.starts_with("https://") || url.starts_with("http://"))
            && !url.contains(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"');
        is_url.then(|| (url.to_string(), start..start + content.len()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_all(text: &str) -> (Vec<Item>, Vec<(usize, String)>) {
        let code = crate::markdown::code_ranges(text);
        scan(text, &code, &|url| url.contains("youtube"))
    }

    fn call(item: &Item) -> &Call {
        match item {
            Item::Shortcode(c) => c,
            other => panic!("not a shortcode: {other:?}"),
        }
    }

    #[test]
    fn arguments_are_read_in_every_quoting_style() {
        let (items, problems) = scan_all("{{< video url=\"https://x/\" title='It is' n=3 q=“curly” >}}\n");
        assert!(problems.is_empty(), "{problems:?}");
        let args = &call(&items[0]).args;
        assert_eq!(args[0], ("url".into(), "https://x/".into()));
        assert_eq!(args[1].1, "It is");
        assert_eq!(args[3], ("q".into(), "curly".into()));
    }

    #[test]
    fn pairs_keep_their_body_and_nested_calls_stay_inside() {
        let text = "{{< callout type=\"note\" >}}\nText {{< pullquote >}}x{{< /pullquote >}}\n{{< /callout >}}\n";
        let (items, problems) = scan_all(text);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(items.len(), 1);
        let c = call(&items[0]);
        assert_eq!(c.name, "callout");
        assert_eq!(&text[c.body.clone().unwrap()], "\nText {{< pullquote >}}x{{< /pullquote >}}\n");
    }

    #[test]
    fn code_spans_and_blocks_are_left_alone() {
        let text = "`{{< video >}}`\n\n```\n{{< video >}}\nhttps://youtube.com/watch?v=a\n```\n\n    {{< video >}}\n";
        let (items, problems) = scan_all(text);
        assert!(items.is_empty() && problems.is_empty(), "{items:?} {problems:?}");
    }

    #[test]
    fn bare_embed_urls_count_only_alone_on_their_line() {
        let text = "https://youtube.com/watch?v=a\n<https://www.youtube.com/watch?v=b>\nsee https://youtube.com/watch?v=c\nhttps://example.org/\n";
        let (items, _) = scan_all(text);
        let urls: Vec<&str> = items
            .iter()
            .map(|i| match i {
                Item::BareUrl { url, .. } => url.as_str(),
                _ => "",
            })
            .collect();
        assert_eq!(urls, vec!["https://youtube.com/watch?v=a", "https://www.youtube.com/watch?v=b"]);
    }

    #[test]
    fn broken_tags_are_problems_at_their_offset() {
        let (_, problems) = scan_all("ab {{< video url=\"x >}}\n\n{{< /callout >}}\n\n{{< >}}");
        let offsets: Vec<usize> = problems.iter().map(|p| p.0).collect();
        assert_eq!(offsets, vec![3, 25, 43], "{problems:?}");
        assert!(problems[0].1.contains("no closing quote"), "{problems:?}");
        assert!(problems[1].1.contains("closes no"), "{problems:?}");
    }
}
