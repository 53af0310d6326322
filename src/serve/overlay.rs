//! The error overlay shown on every page while the last build is broken: each problem's
//! message, file and line, and the source lines around it. Pure except for reading the
//! offending files to quote them.

use std::path::Path;

use crate::error::{Error, Location};
use crate::markdown::escape_html;

/// How many problems the overlay lists before summarising the rest.
const MAX_SHOWN: usize = 20;
/// Source lines shown on each side of the offending line.
const CONTEXT_LINES: usize = 2;

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
        items.push_str(&format!("<p>… and {} more (see the terminal)</p>", problems.len() - MAX_SHOWN));
    }
    let count = if problems.len() == 1 { "1 problem".to_string() } else { format!("{} problems", problems.len()) };
    format!(
        concat!(
            // A panel over the top of the page rather than a full-screen cover: the last good
            // version stays visible below it.
            "<div id=\"pamphlet-overlay\" role=\"alert\" style=\"position:fixed;top:0;left:0;right:0;",
            "max-height:70vh;overflow:auto;z-index:2147483647;background:#16161a;color:#f3f3f3;",
            "font:15px/1.5 system-ui,sans-serif;padding:1.5rem 2rem;box-shadow:0 6px 24px rgba(0,0,0,.45);",
            "text-align:left\" dir=\"ltr\">\n<h2 style=\"margin:0 0 .5rem;color:#ff8f8f\">The site did not build: {count}</h2>\n",
            "<p style=\"margin:0 0 1rem\">{intro}</p>\n{items}</div>\n"
        ),
        count = count,
        intro = intro,
        items = items
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
        "<section style=\"margin:0 0 1.5rem\">\n<pre style=\"white-space:pre-wrap;margin:0;color:#ffd479\">{}</pre>\n{}</section>\n",
        escape_html(&text),
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
    let mut out = String::from(
        "<pre style=\"background:#000;color:#ddd;padding:.75rem;margin:.5rem 0 0;overflow:auto;border-radius:4px\">",
    );
    for (number, content) in
        text.lines().enumerate().map(|(i, l)| (i + 1, l)).filter(|(n, _)| (first..=last).contains(n))
    {
        let marker = if number == line { "&gt;" } else { " " };
        let row = format!("{marker} {number:>width$} | {}", escape_html(content));
        if number == line {
            out.push_str(&format!("<span style=\"color:#fff;background:#5a1d1d\">{row}</span>\n"));
            let caret = " ".repeat(width + 4 + column.saturating_sub(1));
            out.push_str(&format!("<span style=\"color:#ff8f8f\">{caret}^</span>\n"));
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
}
