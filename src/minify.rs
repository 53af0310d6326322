//! `minify: true` in site.yaml: HTML pages shrunk in memory with the `minify-html` crate.
//!
//! Only the spec-compliant minifications are used (its defaults: no "possibly noncompliant"
//! options, the doctype kept), so the output stays valid HTML. Inline `<style>` is minified;
//! inline scripts are left as written, since the search page's script and JSON-LD are small
//! and a JavaScript minifier is one more thing that could change their meaning. Closing tags
//! are kept: omitting them is valid, but kept ones make pages easier to read and to diff.
//!
//! The theme's style sheets are always published minified (with lightningcss, which
//! minify-html uses for `<style>`): a theme is written to be read, with comments, and every
//! article page loads its CSS, so a reader on a slow connection should not pay for the comments.
//! A site's own `static/` files are published as they are.
//!
//! minify-html and lightningcss are behind the default cargo feature `minify` (they are most of
//! pamphlet's compile time); without it, [`crate::config::MINIFY_AVAILABLE`] is false, the
//! configuration refuses `minify: true` and style sheets are published as written.

use rayon::prelude::*;

use crate::output::{Contents, Origin, OutputFile};

/// The minified form of one HTML document.
#[cfg(feature = "minify")]
pub fn minify_html(html: &str) -> String {
    let cfg = minify_html::Cfg { minify_css: true, keep_closing_tags: true, ..minify_html::Cfg::default() };
    let bytes = minify_html::minify(html.as_bytes(), &cfg);
    // minify-html writes back the UTF-8 it was given; keep the page unminified if it ever did not.
    String::from_utf8(bytes).unwrap_or_else(|_| html.to_string())
}

/// Without the `minify` feature: the page as it is (the configuration refuses `minify: true`).
#[cfg(not(feature = "minify"))]
pub fn minify_html(html: &str) -> String {
    html.to_string()
}

/// The minified form of a style sheet, or `None` when lightningcss cannot parse or print it (the
/// sheet is then published as written: browsers skip what they do not understand, and a theme
/// author sees their own file).
#[cfg(feature = "minify")]
pub fn minify_css(css: &str) -> Option<String> {
    use lightningcss::stylesheet::{MinifyOptions, ParserOptions, PrinterOptions, StyleSheet};
    let mut sheet = StyleSheet::parse(css, ParserOptions::default()).ok()?;
    sheet.minify(MinifyOptions::default()).ok()?;
    let printed = sheet.to_css(PrinterOptions { minify: true, ..PrinterOptions::default() }).ok()?;
    Some(printed.code)
}

/// Without the `minify` feature: style sheets are published as written.
#[cfg(not(feature = "minify"))]
pub fn minify_css(_css: &str) -> Option<String> {
    None
}

/// Minifies the theme's `.css` files among `statics`. Theme files are the generated ones (a site's
/// `static/` files have a source path and are left alone, even when they replace a theme file).
/// A file that cannot be read is left to the copy step, which reports it with its path.
pub fn minify_theme_styles(statics: &mut [OutputFile]) {
    for file in statics.iter_mut().filter(|f| f.path.ends_with(".css") && matches!(f.origin, Origin::Generated(_))) {
        let small = match &file.contents {
            Contents::Builtin(bytes) => std::str::from_utf8(bytes).ok().and_then(minify_css),
            Contents::Copy(path) => std::fs::read_to_string(path).ok().as_deref().and_then(minify_css),
            Contents::Text(_) | Contents::Bytes(_) | Contents::Cached(_) => None,
        };
        if let Some(small) = small {
            file.contents = Contents::Bytes(small.into_bytes());
        }
    }
}

/// Minifies every generated HTML page among `files` (copied static files are left alone).
pub fn minify_pages(files: &mut [OutputFile]) {
    files.par_iter_mut().for_each(minify_file);
}

/// Minifies `file` if it is a generated HTML page.
pub fn minify_file(file: &mut OutputFile) {
    if file.is_html_page()
        && let Contents::Text(html) = &mut file.contents
    {
        *html = minify_html(html);
    }
}

#[cfg(all(test, feature = "minify"))]
mod tests {
    use super::*;

    #[test]
    fn whitespace_and_comments_go_but_content_and_doctype_stay() {
        let html = "<!DOCTYPE html>\n<html lang=\"ur\" dir=\"rtl\">\n<head>\n  <title>ڈیجیٹل &amp; حقوق</title>\n</head>\n<body>\n  <!-- note -->\n  <p>  One   two  </p>\n  <script type=\"application/ld+json\">{\"a\": \"\\u003c/script\\u003e\"}</script>\n</body>\n</html>\n";
        let small = minify_html(html);
        assert!(small.len() < html.len(), "{small}");
        assert!(small.starts_with("<!DOCTYPE html>") || small.starts_with("<!doctype html>"), "{small}");
        assert!(small.contains("ڈیجیٹل &amp; حقوق") || small.contains("ڈیجیٹل & حقوق"), "{small}");
        assert!(!small.contains("note"), "{small}");
        assert!(small.contains("{\"a\": \"\\u003c/script\\u003e\"}"), "{small}");
    }

    #[test]
    fn style_sheets_lose_comments_and_whitespace_but_keep_their_rules() {
        let css = "/* the byline */\n.byline {\n  color: #333333;\n  margin-inline-start: 1rem;\n}\n[dir=\"rtl\"] .arrow {\n  transform: scaleX(-1);\n}\n";
        let small = minify_css(css).expect("valid CSS minifies");
        assert!(small.len() < css.len() && !small.contains("byline */"), "{small}");
        assert!(small.contains(".byline{") && small.contains("margin-inline-start:1rem"), "{small}");
        assert!(small.contains("transform:scaleX(-1)"), "{small}");
    }
}
