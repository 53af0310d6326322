//! `minify: true` in site.yaml: HTML pages shrunk in memory with the `minify-html` crate.
//!
//! Only the spec-compliant minifications are used (its defaults: no "possibly noncompliant"
//! options, the doctype kept), so the output stays valid HTML. Inline `<style>` is minified;
//! inline scripts are left as written, since the search page's script and JSON-LD are small
//! and a JavaScript minifier is one more thing that could change their meaning. Closing tags
//! are kept: omitting them is valid, but kept ones make pages easier to read and to diff.
//!
//! minify-html is behind the default cargo feature `minify` (it is most of pamphlet's compile
//! time); without it, [`crate::config::MINIFY_AVAILABLE`] is false and the configuration
//! refuses `minify: true`.

use rayon::prelude::*;

use crate::output::{Contents, OutputFile};

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
}
