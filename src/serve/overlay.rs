//! The error overlay shown on every page while the last build is broken: each problem's
//! message, file and line, and the source lines around it. Pure except for reading the
//! offending files to quote them.

use std::path::Path;

use crate::error::{Error, Location};

/// How many problems the overlay lists before summarising the rest.
const MAX_SHOWN: usize = 20;
/// Source lines shown on each side of the offending line.
const CONTEXT_LINES: usize = 2;

// The overlay's look. It is injected into the site's own pages, whose stylesheet may style
// `pre`, `h2`, `p` and the rest (the default theme gives `pre` a light background, which once
// left the yellow message unreadable: issue 22), so every element carries all of its style
// through `style()`. Colours meet WCAG AA contrast on their backgrounds (tests/browser runs axe).
const PANEL: &str = "display:block;position:fixed;top:0;left:0;right:0;max-height:70vh;overflow:auto;\
    z-index:2147483647;box-sizing:border-box;margin:0;padding:1.5rem clamp(1rem,4vw,2rem);\
    background:#16161a;color:#f3f3f3;font:15px/1.5 system-ui,sans-serif;text-align:left;\
    box-shadow:0 6px 24px rgba(0,0,0,.45)";
const HEADING: &str =
    "display:block;margin:0 0 .5rem;padding:0;color:#ff8f8f;font:700 1.25rem/1.5 system-ui,sans-serif";
const PARAGRAPH: &str = "display:block;margin:0 0 1rem;padding:0;color:#f3f3f3";
const PROBLEM: &str = "display:block;margin:0 0 1.5rem;padding:0;color:#f3f3f3";
/// The message: wrapped, and broken anywhere, so a long path never widens the panel.
const MESSAGE: &str = "display:block;margin:0;padding:0;border:0;background:transparent;color:#ffd479;\
    font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;white-space:pre-wrap;overflow-wrap:anywhere;text-align:left";
/// The quoted source lines: kept as written, scrolled sideways inside the panel when long.
const QUOTE: &str = "display:block;margin:.5rem 0 0;padding:.75rem;border:0;border-radius:4px;background:#000;\
    color:#ddd;font:13px/1.5 ui-monospace,Menlo,Consolas,monospace;white-space:pre;overflow:auto;text-align:left";
const MARKED_LINE: &str = "color:#fff;background:#5a1d1d";
const CARET: &str = "color:#ff8f8f";

/// A `style` attribute's value that the page's CSS cannot override: `all: revert` first takes
/// back every page rule to the browser's defaults, then each of `declarations` is made
/// `!important`, and an important declaration in a `style` attribute outranks any stylesheet
/// rule, important or not (https://www.w3.org/TR/css-cascade-5/#cascade-context).
fn style(declarations: &str) -> String {
    let mut out = String::from("all:revert!important");
    for declaration in declarations.split(';').map(str::trim).filter(|d| !d.is_empty()) {
        out.push(';');
        out.push_str(declaration);
        out.push_str("!important");
    }
    out
}

/// The overlay for a failed build of the site at `root`, shown over the last good pages.
pub fn overlay(error: &Error, root: &Path) -> String {
    panel(
        error,
        root,
        "The page below is the last version that built. Fix the problem and save: this message goes away by itself.",
    )
}

/// A whole page for when no build has succeeded yet.
pub fn error_page(error: &Error, root: &Path) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Build failed — pamphlet serve</title>\n</head>\n<body>\n{}</body>\n</html>\n",
        panel(error, root, "Nothing has built yet. Fix the problem and save: this page reloads by itself.")
    )
}

fn panel(error: &Error, root: &Path, intro: &str) -> String {
    let problems = error.problems();
    let mut items = String::new();
    for p in problems.iter().take(MAX_SHOWN) {
        items.push_str(&problem(p, root));
    }
    if problems.len() > MAX_SHOWN {
        items.push_str(&format!(
            "<p style=\"{}\">… and {} more (see the terminal)</p>",
            style(PARAGRAPH),
            problems.len() - MAX_SHOWN
        ));
    }
    let count = if problems.len() == 1 { "1 problem".to_string() } else { format!("{} problems", problems.len()) };
    format!(
        // A panel over the top of the page rather than a full-screen cover: the last good
        // version stays visible below it.
        "<div id=\"pamphlet-overlay\" role=\"alert\" dir=\"ltr\" style=\"{panel}\">\n<h2 style=\"{heading}\">The site did not build: {count}</h2>\n<p style=\"{para}\">{intro}</p>\n{items}</div>\n",
        panel = style(PANEL),
        heading = style(HEADING),
        para = style(PARAGRAPH),
    )
}

fn problem(p: &Error, root: &Path) -> String {
    let mut text = p.to_string();
    let mut source = std::error::Error::source(p);
    while let Some(s) = source {
        text.push_str(&format!("\n  caused by: {s}"));
        source = s.source();
    }
    let quote = p.location().and_then(|l| snippet(root, l)).unwrap_or_default();
    format!(
        "<section style=\"{}\">\n<pre style=\"{}\">{}</pre>\n{}</section>\n",
        style(PROBLEM),
        style(MESSAGE),
        crate::escape::html(&text),
        quote
    )
}

/// The lines around `location`, numbered, the offending one marked, with a caret under its
/// column; `None` when the file cannot be read (a built-in template) or has no position.
fn snippet(root: &Path, location: &Location) -> Option<String> {
    let position = location.position?;
    let text = std::fs::read_to_string(root.join(&location.path)).ok()?;
    Some(quote_lines(&text, position.line, position.column))
}

/// Numbered lines `line - 2 ..= line + 2` of `text`, HTML-escaped, as a `<pre>` block.
fn quote_lines(text: &str, line: usize, column: usize) -> String {
    let first = line.saturating_sub(CONTEXT_LINES).max(1);
    let last = line + CONTEXT_LINES;
    let width = last.to_string().len();
    let mut out = format!("<pre style=\"{}\">", style(QUOTE));
    for (number, content) in
        text.lines().enumerate().map(|(i, l)| (i + 1, l)).filter(|(n, _)| (first..=last).contains(n))
    {
        let marker = if number == line { "&gt;" } else { " " };
        let row = format!("{marker} {number:>width$} | {}", crate::escape::html(content));
        if number == line {
            out.push_str(&format!("<span style=\"{}\">{row}</span>\n", style(MARKED_LINE)));
            let caret = " ".repeat(width + 4 + column.saturating_sub(1));
            out.push_str(&format!("<span style=\"{}\">{caret}^</span>\n", style(CARET)));
        } else {
            out.push_str(&row);
            out.push('\n');
        }
    }
    out.push_str("</pre>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quote_marks_the_line_and_column() {
        let text = "---\ntitle: x\ndate: yesterday\n---\nbody <b>\n";
        let q = quote_lines(text, 3, 7);
        assert!(q.contains("  1 | ---"), "{q}");
        assert!(q.contains("&gt; 3 | date: yesterday</span>"), "{q}");
        assert!(q.contains("          ^"), "{q}");
        assert!(q.contains("  5 | body &lt;b&gt;"), "{q}");
        assert!(!q.contains("  6 |"), "{q}");
    }

    #[test]
    fn the_overlay_names_file_line_and_quotes_the_source() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        std::fs::write(dir.path().join("content/a.md"), "---\ntitle: <x>\ndate: nope\n---\n").unwrap();
        let err = Error::content(Location::at("content/a.md", 3, 7), "`date: nope` is not a date");
        let html = overlay(&err, dir.path());
        assert!(html.contains("content/a.md:3:7: `date: nope` is not a date"), "{html}");
        assert!(html.contains("title: &lt;x&gt;"), "{html}");
        assert!(html.starts_with("<div id=\"pamphlet-overlay\""));
    }

    // See: issue 22 (the theme's light `pre` background under the yellow message).
    #[test]
    fn every_overlay_element_sets_its_own_colours_above_the_page_css() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        std::fs::write(dir.path().join("content/a.md"), "---\ntitle: x\ndate: nope\n---\n").unwrap();
        let err = Error::content(Location::at("content/a.md", 3, 7), "`date: nope` is not a date");
        let html = overlay(&err, dir.path());
        let tags: Vec<&str> = html.split('<').skip(1).filter(|t| !t.starts_with('/')).collect();
        assert_eq!(tags.len(), 8, "{html}");
        for tag in tags {
            assert!(tag.contains("style=\"all:revert!important;"), "{tag}");
            assert!(tag.contains("color:"), "{tag}");
        }
        for pre in html.split("<pre ").skip(1) {
            assert!(pre.contains("background:"), "{pre}");
        }
    }

    #[test]
    fn style_makes_each_declaration_important_after_a_revert() {
        assert_eq!(
            style("color:#fff; background:#000;"),
            "all:revert!important;color:#fff!important;background:#000!important"
        );
    }
}
