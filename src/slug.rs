//! The one slug rule for articles, categories, tags and authors, so URLs are predictable:
//! NFC-normalise, lowercase, drop apostrophes, turn every run of characters that are not
//! letters, combining marks or digits (of any script) into one `-`, trim `-` at both ends.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Slugifies `text`; the result may be empty (callers decide whether that is an error).
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.nfc() {
        if c == '\'' || c == '’' {
            continue;
        }
        if c.is_alphanumeric() || is_combining_mark(c) {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.extend(c.to_lowercase());
        } else {
            pending_dash = true;
        }
    }
    slug
}

/// Whether a slug or URL path segment is safe to use as part of an output path: no parent
/// directory, no separators, no NUL. Slugs from [`slugify`] always are; explicit `slug:` and
/// `aliases:` values from front matter are checked with this.
pub fn is_safe_path_segment(segment: &str) -> bool {
    !segment.is_empty()
        && segment != "."
        && segment != ".."
        && !segment.contains(['/', '\\', '\0'])
        && !segment.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apostrophes_are_dropped_not_dashed() {
        assert_eq!(slugify("Women's Rights"), "womens-rights");
        assert_eq!(slugify("Women’s Rights"), "womens-rights");
    }

    #[test]
    fn punctuation_runs_collapse_and_ends_are_trimmed() {
        assert_eq!(slugify("#PrivacyHumSabKe"), "privacyhumsabke");
        assert_eq!(slugify("  Personal Data!! "), "personal-data");
        assert_eq!(slugify("OP-EDs"), "op-eds");
        assert_eq!(slugify("a -- b"), "a-b");
    }

    #[test]
    fn urdu_stays_urdu() {
        assert_eq!(slugify("ڈیجیٹل حقوق"), "ڈیجیٹل-حقوق");
    }

    #[test]
    fn combining_marks_are_kept_and_input_is_nfc_normalised() {
        // "é" written as e + U+0301 becomes the single NFC character.
        assert_eq!(slugify("Caf\u{65}\u{301}"), "café");
        // Arabic-script diacritics (zabar, U+064E) are combining marks and stay in the slug.
        assert_eq!(slugify("بَات"), "بَات");
    }

    #[test]
    fn digits_of_any_script_are_kept() {
        assert_eq!(slugify("PECA ۲۰۱۶"), "peca-۲۰۱۶");
    }

    #[test]
    fn nothing_usable_gives_empty() {
        assert_eq!(slugify("!!!"), "");
    }

    #[test]
    fn unsafe_segments_are_rejected() {
        assert!(is_safe_path_segment("hello"));
        for bad in ["", ".", "..", "a/b", "a\\b", "a\0b"] {
            assert!(!is_safe_path_segment(bad), "{bad:?}");
        }
    }
}
