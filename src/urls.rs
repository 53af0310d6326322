//! URLs, in one place: percent-encoding on the `percent-encoding` crate (decoding request paths
//! and links, encoding the letters of Urdu slugs where a URL must be ASCII: sitemaps, HTTP
//! headers), and resolving a link against the page it is on (feeds make links absolute, `check`
//! finds the file a link names).
//!
//! The resolver is RFC 3986's (section 5.2) for the links a site holds, written here rather
//! than taken from the `url` crate: `url` would add IDNA and its Unicode tables to every build
//! for one function, and it normalises what it resolves (it percent-encodes Urdu paths, lowers
//! hosts), where feeds should keep links as the author wrote them.

use percent_encoding::{AsciiSet, CONTROLS, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// Characters that may not appear raw in an RFC 3986 URL but may in a site path: space and
/// the delimiters RFC 3986 leaves out (non-ASCII bytes are always encoded).
const NOT_IN_URLS: &AsciiSet =
    &CONTROLS.add(b' ').add(b'"').add(b'<').add(b'>').add(b'\\').add(b'^').add(b'`').add(b'{').add(b'|').add(b'}');

/// Everything in a path but RFC 3986's unreserved characters and `/`.
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b'/');

/// Bytes that may not appear in an HTTP header value: controls, space and non-ASCII.
const NOT_IN_HEADERS: &AsciiSet = &CONTROLS.add(b' ');

/// Decodes `%XX` escapes into bytes; `None` when an escape is malformed (`%4`, `%zz`, or a `%`
/// followed by a multi-byte character), which the crate would keep as written. Shared by the
/// dev server, which refuses such paths, and the link checks, which keep the URL as written.
pub fn decode_strict(s: &str) -> Option<Vec<u8>> {
    let well_formed = s
        .match_indices('%')
        .all(|(i, _)| s.as_bytes().get(i + 1..i + 3).is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)));
    well_formed.then(|| percent_decode_str(s).collect())
}

/// `s` decoded as UTF-8 text, or as written when an escape is malformed or the bytes are not
/// UTF-8 (WordPress encodes Urdu slugs; a link that does not decode is reported as written).
pub fn decode_or_keep(s: &str) -> String {
    decode_strict(s).and_then(|bytes| String::from_utf8(bytes).ok()).unwrap_or_else(|| s.to_string())
}

/// Percent-encodes what may not appear raw in a URL (the letters of Urdu slugs, spaces), as
/// the sitemap protocol asks for RFC 3986 URLs. Existing escapes are kept.
pub fn encode_url(url: &str) -> String {
    utf8_percent_encode(url, NOT_IN_URLS).to_string()
}

/// Percent-encodes everything in a path but unreserved characters and `/`: what a browser
/// sends for an Urdu path (`/%D8%A7…/`), and safe in a `Location` header and in every server
/// configuration syntax (no spaces, quotes, `$` or `%` left unescaped).
pub fn encode_path(path: &str) -> String {
    utf8_percent_encode(path, NOT_UNRESERVED).to_string()
}

/// `url` with every byte outside printable ASCII percent-encoded, fit for an HTTP header.
pub fn encode_for_header(url: &str) -> String {
    utf8_percent_encode(url, NOT_IN_HEADERS).to_string()
}

/// `reference` (an `href`, `src`…) resolved against `base`, an absolute URL such as
/// `https://x.org/mirror/2024/01/a/`: `None` when the reference has a scheme of its own
/// (`https:`, `mailto:`, `data:`), which needs no resolving.
pub fn resolve(base: &str, reference: &str) -> Option<String> {
    if has_scheme(reference) {
        return None;
    }
    let (scheme, after_scheme) = base.split_once("://").unwrap_or(("https", base));
    let authority_end = after_scheme.find('/').unwrap_or(after_scheme.len());
    let origin = &base[..scheme.len() + 3 + authority_end];
    let base_rest = &after_scheme[authority_end..];
    let base_without_fragment = base_rest.split('#').next().unwrap_or("");
    let base_path = base_without_fragment.split('?').next().unwrap_or("");
    Some(if let Some(network_path) = reference.strip_prefix("//") {
        format!("{scheme}://{network_path}")
    } else if reference.is_empty() {
        format!("{origin}{base_without_fragment}")
    } else if reference.starts_with('#') {
        format!("{origin}{base_without_fragment}{reference}")
    } else if reference.starts_with('?') {
        format!("{origin}{base_path}{reference}")
    } else if reference.starts_with('/') {
        format!("{origin}{}", remove_dot_segments(reference))
    } else {
        // Relative to the base's folder: everything up to its last `/`.
        let folder = &base_path[..base_path.rfind('/').map_or(0, |i| i + 1)];
        let folder = if folder.is_empty() { "/" } else { folder };
        format!("{origin}{}", remove_dot_segments(&format!("{folder}{reference}")))
    })
}

/// Whether `url` starts with a scheme (`https:`, `mailto:`): letters, then letters, digits,
/// `+`, `-` or `.`, then `:` (RFC 3986, 3.1).
fn has_scheme(url: &str) -> bool {
    url.split_once(':').is_some_and(|(scheme, _)| {
        scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    })
}

/// Applies the `.` and `..` segments of an absolute path (its query and fragment untouched);
/// `..` never climbs above the root.
fn remove_dot_segments(path_and_more: &str) -> String {
    let split = path_and_more.find(['?', '#']).unwrap_or(path_and_more.len());
    let (path, more) = path_and_more.split_at(split);
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match *segment {
            "." | ".." => {
                if *segment == ".." {
                    out.pop();
                }
                // A trailing `.` or `..` names a folder: keep the slash.
                if last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    format!("/{}{more}", out.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_decoding_refuses_malformed_escapes_without_panicking() {
        assert_eq!(decode_strict("/%D8%A7/").map(String::from_utf8), Some(Ok("/ا/".to_string())));
        assert_eq!(decode_strict("/a%20b"), Some(b"/a b".to_vec()));
        for bad in ["%", "%4", "%zz", "%aé", "%é", "/x/%"] {
            assert_eq!(decode_strict(bad), None, "{bad:?}");
        }
        assert_eq!(decode_or_keep("/%4"), "/%4");
        assert_eq!(decode_or_keep("/%ff/"), "/%ff/", "not UTF-8 once decoded");
        assert_eq!(decode_or_keep("/%D8%A7/"), "/ا/");
    }

    #[test]
    fn references_resolve_as_rfc_3986_says() {
        let base = "https://x.org/mirror/2024/01/a/";
        let r = |reference: &str| resolve(base, reference);
        assert_eq!(r("photo.png").as_deref(), Some("https://x.org/mirror/2024/01/a/photo.png"));
        assert_eq!(r("./y.pdf").as_deref(), Some("https://x.org/mirror/2024/01/a/y.pdf"));
        assert_eq!(r("../b/").as_deref(), Some("https://x.org/mirror/2024/01/b/"));
        assert_eq!(r("../../../../../x").as_deref(), Some("https://x.org/x"));
        assert_eq!(r("..").as_deref(), Some("https://x.org/mirror/2024/01/"));
        assert_eq!(r("/mirror/tag/t/").as_deref(), Some("https://x.org/mirror/tag/t/"));
        assert_eq!(r("/a/./b/../c?q=1#f").as_deref(), Some("https://x.org/a/c?q=1#f"));
        assert_eq!(r("#notes").as_deref(), Some("https://x.org/mirror/2024/01/a/#notes"));
        assert_eq!(r("?page=2").as_deref(), Some("https://x.org/mirror/2024/01/a/?page=2"));
        assert_eq!(r("").as_deref(), Some(base));
        assert_eq!(r("//cdn.org/z").as_deref(), Some("https://cdn.org/z"));
        assert_eq!(r("اردو/").as_deref(), Some("https://x.org/mirror/2024/01/a/اردو/"));
        for left_alone in ["https://eff.org/", "mailto:a@b.org", "data:image/png;base64,AA", "tel:+92"] {
            assert_eq!(r(left_alone), None, "{left_alone}");
        }
        assert_eq!(resolve("https://x.org/page.html", "b.html").as_deref(), Some("https://x.org/b.html"));
        assert_eq!(resolve("https://x.org", "b/").as_deref(), Some("https://x.org/b/"));
    }

    #[test]
    fn urls_are_encoded_for_sitemaps_and_headers() {
        assert_eq!(encode_url("https://x.org/2025/02/ڈی/"), "https://x.org/2025/02/%DA%88%DB%8C/");
        assert_eq!(encode_url("/a b/{x}?q=1&r=%20"), "/a%20b/%7Bx%7D?q=1&r=%20");
        assert_eq!(encode_for_header("/ا {x}/"), "/%D8%A7%20{x}/");
        assert_eq!(encode_path("/2024/ا b$%/a-b_c.d~e/"), "/2024/%D8%A7%20b%24%25/a-b_c.d~e/");
    }
}
