//! Escaping text for the markup pamphlet writes by hand (most of it is written by Tera, the
//! feed crates and Pagefind, which escape for themselves). One implementation; the three
//! entry points differ only in what becomes of `'`, so that each output stays as it was.

/// Escapes `&`, `<`, `>`, `"`, and `'` as `apostrophe` when given.
fn escape(text: &str, apostrophe: Option<&str>) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match (c, apostrophe) {
            ('&', _) => out.push_str("&amp;"),
            ('<', _) => out.push_str("&lt;"),
            ('>', _) => out.push_str("&gt;"),
            ('"', _) => out.push_str("&quot;"),
            ('\'', Some(entity)) => out.push_str(entity),
            (c, _) => out.push(c),
        }
    }
    out
}

/// For HTML element content and double-quoted attributes.
pub fn html(text: &str) -> String {
    escape(text, None)
}

/// For HTML attributes in either kind of quotes.
pub fn html_attribute(text: &str) -> String {
    escape(text, Some("&#39;"))
}

/// For XML element content and attribute values.
pub fn xml(text: &str) -> String {
    escape(text, Some("&apos;"))
}

/// Plain text from a bit of HTML (an imported title, excerpt, caption or comment): tags
/// dropped, every entity decoded, whitespace collapsed.
pub fn html_to_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let decoded = html_escape::decode_html_entities(&text);
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_flavour_escapes_what_its_context_needs() {
        assert_eq!(html(r#"a&b<c>"d"'e'"#), "a&amp;b&lt;c&gt;&quot;d&quot;'e'");
        assert_eq!(html_attribute("it's"), "it&#39;s");
        assert_eq!(xml("a&b<c 'd'"), "a&amp;b&lt;c &apos;d&apos;");
    }

    #[test]
    fn html_to_text_decodes_every_named_entity() {
        assert_eq!(
            html_to_text("<b>Caf&eacute;</b> &amp; r&eacute;sum&eacute; &#8217;s&hellip;  x"),
            "Café & résumé ’s… x"
        );
        assert_eq!(html_to_text("a &unknown; b"), "a &unknown; b");
    }
}
