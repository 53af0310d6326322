//! A PDF's page count, for the `document` card ("7 pages"), read without a PDF library.
//!
//! The count is the `/Count` of the page tree's root: the `/Type /Pages` dictionary without a
//! `/Parent`. It is written either in the file as plain text or, since PDF 1.5, inside a
//! compressed object stream (`/Type /ObjStm`, FlateDecode), which flate2 (already built for
//! other reasons) inflates. When a file was updated incrementally, the root written last is the
//! current one. A full PDF library (lopdf and its parser, encryption and font crates) would cost
//! more compile time than the rest of this feature, for one number; a file this reader cannot
//! read (encrypted object streams, say) simply gets no page count.

use std::io::Read;

/// The number of pages of the PDF `bytes`, when it can be read.
pub fn page_count(bytes: &[u8]) -> Option<u64> {
    if !bytes.starts_with(b"%PDF-") {
        return None;
    }
    // (where in the file, count): the root written last wins.
    let mut roots: Vec<(usize, u64)> = root_counts(bytes).into_iter().collect();
    for (at, stream) in object_streams(bytes) {
        roots.extend(root_counts(&stream).into_iter().map(|(_, count)| (at, count)));
    }
    roots.into_iter().max_by_key(|(at, _)| *at).map(|(_, count)| count)
}

/// (offset, `/Count`) of each page tree root written as plain text in `bytes`.
fn root_counts(bytes: &[u8]) -> Vec<(usize, u64)> {
    let mut out = Vec::new();
    for at in find_all(bytes, b"/Type") {
        let after = skip_whitespace(bytes, at + 5);
        if !is_name_at(bytes, after, b"/Pages") {
            continue;
        }
        let Some(dict) = enclosing_dictionary(bytes, at) else { continue };
        let top = top_level(&bytes[dict.clone()]);
        if find_all(&top, b"/Parent").next().is_some() {
            continue;
        }
        if let Some(count) = integer_after(&top, b"/Count") {
            out.push((dict.start, count));
        }
    }
    out
}

/// Inflated object streams: (offset of the stream in the file, its contents).
fn object_streams(bytes: &[u8]) -> Vec<(usize, Vec<u8>)> {
    let mut out = Vec::new();
    for at in find_all(bytes, b"/ObjStm") {
        let Some(dict) = enclosing_dictionary(bytes, at) else { continue };
        let top = top_level(&bytes[dict.clone()]);
        if find_all(&top, b"/FlateDecode").next().is_none() || find_all(&top, b"/DecodeParms").next().is_some() {
            continue;
        }
        let mut start = skip_whitespace(bytes, dict.end);
        if !bytes[start..].starts_with(b"stream") {
            continue;
        }
        start += b"stream".len();
        if bytes[start..].starts_with(b"\r\n") {
            start += 2;
        } else if bytes[start..].starts_with(b"\n") {
            start += 1;
        }
        let end = match integer_after(&top, b"/Length").filter(|_| !is_indirect_length(&top)) {
            Some(length) => start.saturating_add(usize::try_from(length).unwrap_or(usize::MAX)).min(bytes.len()),
            None => find_all(&bytes[start..], b"endstream").next().map_or(bytes.len(), |i| start + i),
        };
        let mut inflated = Vec::new();
        // A stream that does not inflate (encrypted, damaged) is skipped: no count from it.
        let limit = 64 * 1024 * 1024;
        if flate2::read::ZlibDecoder::new(&bytes[start..end]).take(limit).read_to_end(&mut inflated).is_ok() {
            out.push((dict.start, inflated));
        }
    }
    out
}

/// `/Length 12 0 R`: the length is another object's, so the stream ends at `endstream`.
fn is_indirect_length(dict: &[u8]) -> bool {
    let Some(at) = find_all(dict, b"/Length").next() else { return false };
    let rest = &dict[at + 7..];
    let mut words = rest.split(|b| b.is_ascii_whitespace()).filter(|w| !w.is_empty());
    let (_, _, r) = (words.next(), words.next(), words.next());
    r.is_some_and(|r| r.starts_with(b"R"))
}

fn find_all<'a>(haystack: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    haystack.windows(needle.len()).enumerate().filter(move |(_, w)| *w == needle).map(|(i, _)| i)
}

fn skip_whitespace(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() && bytes[at].is_ascii_whitespace() {
        at += 1;
    }
    at
}

/// Whether the name `name` is at `at`, ending there (`/Pages`, not `/PagesX`).
fn is_name_at(bytes: &[u8], at: usize, name: &[u8]) -> bool {
    bytes[at.min(bytes.len())..].starts_with(name)
        && bytes.get(at + name.len()).is_none_or(|b| b.is_ascii_whitespace() || b"/<>[]()".contains(b))
}

/// The `<<…>>` around `at`, as a range from its `<<` to after its `>>`.
fn enclosing_dictionary(bytes: &[u8], at: usize) -> Option<std::ops::Range<usize>> {
    let mut depth = 0usize;
    let mut i = at;
    let start = loop {
        if i < 2 {
            return None;
        }
        i -= 1;
        if &bytes[i - 1..=i] == b">>" {
            depth += 1;
            i -= 1;
        } else if &bytes[i - 1..=i] == b"<<" {
            if depth == 0 {
                break i - 1;
            }
            depth -= 1;
            i -= 1;
        }
    };
    let mut depth = 0usize;
    let mut j = start + 2;
    while j + 1 < bytes.len() {
        if &bytes[j..j + 2] == b"<<" {
            depth += 1;
            j += 2;
        } else if &bytes[j..j + 2] == b">>" {
            if depth == 0 {
                return Some(start..j + 2);
            }
            depth -= 1;
            j += 2;
        } else {
            j += 1;
        }
    }
    None
}

/// A dictionary's text with its nested dictionaries blanked out: its own keys only.
fn top_level(dict: &[u8]) -> Vec<u8> {
    let inner = &dict[2..dict.len().saturating_sub(2).max(2)];
    let mut out = Vec::with_capacity(inner.len());
    let mut depth = 0usize;
    let mut i = 0;
    while i < inner.len() {
        if inner[i..].starts_with(b"<<") {
            depth += 1;
            out.extend_from_slice(b"  ");
            i += 2;
        } else if inner[i..].starts_with(b">>") {
            depth = depth.saturating_sub(1);
            out.extend_from_slice(b"  ");
            i += 2;
        } else {
            out.push(if depth == 0 { inner[i] } else { b' ' });
            i += 1;
        }
    }
    out
}

/// The whole number written after the name `key`.
fn integer_after(dict: &[u8], key: &[u8]) -> Option<u64> {
    let at = find_all(dict, key).find(|&at| is_name_at(dict, at, key))?;
    let start = skip_whitespace(dict, at + key.len());
    let digits: Vec<u8> = dict[start..].iter().copied().take_while(u8::is_ascii_digit).collect();
    std::str::from_utf8(&digits).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A minimal PDF whose page tree is written as plain text, with `pages` pages in two levels.
    fn plain_pdf(pages: u64) -> Vec<u8> {
        let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", 10 + i)).collect();
        let mut pdf = format!(
            "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count {pages} /Resources << /Font << /F1 4 0 R >> >> >>\nendobj\n3 0 obj\n<< /Type /Pages /Parent 2 0 R /Kids [{}] /Count {pages} >>\nendobj\n",
            kids.join(" ")
        );
        for i in 0..pages {
            pdf.push_str(&format!("{} 0 obj\n<</Type/Page/Parent 3 0 R/MediaBox[0 0 612 792]>>\nendobj\n", 10 + i));
        }
        pdf.push_str("trailer\n<< /Root 1 0 R >>\n%%EOF\n");
        pdf.into_bytes()
    }

    #[test]
    fn the_count_of_a_plain_page_tree_is_read() {
        assert_eq!(page_count(&plain_pdf(7)), Some(7));
        assert_eq!(page_count(&plain_pdf(1)), Some(1));
    }

    #[test]
    fn a_page_tree_inside_a_compressed_object_stream_is_read() {
        let objects = b"2 0 3 40 <</Type/Pages/Kids[3 0 R]/Count 12>> <</Type/Page/Parent 2 0 R>>";
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(objects).unwrap();
        let data = z.finish().unwrap();
        let mut pdf = b"%PDF-1.5\n5 0 obj\n<< /Type /ObjStm /N 2 /First 8 /Filter /FlateDecode /Length ".to_vec();
        pdf.extend_from_slice(format!("{} >>\nstream\n", data.len()).as_bytes());
        pdf.extend_from_slice(&data);
        pdf.extend_from_slice(b"\nendstream\nendobj\n%%EOF\n");
        assert_eq!(page_count(&pdf), Some(12));
    }

    #[test]
    fn after_an_incremental_update_the_last_root_counts() {
        let mut pdf = plain_pdf(5);
        pdf.extend_from_slice(b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 4 >>\nendobj\n%%EOF\n");
        assert_eq!(page_count(&pdf), Some(4));
    }

    #[test]
    fn what_is_not_a_pdf_has_no_count() {
        assert_eq!(page_count(b"hello"), None);
        assert_eq!(page_count(b"%PDF-1.4\nno pages here\n"), None);
    }
}
