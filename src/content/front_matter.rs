//! Splitting a content file into its YAML front matter and Markdown body, and the typed
//! [`FrontMatter`] every article and page is deserialized into.

use std::fmt;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::error::Position;

/// A content file cut in two at its `---` lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the fences.
    pub yaml: &'a str,
    /// 1-based file line on which the YAML starts (the line after the opening `---`).
    pub yaml_first_line: usize,
    /// The Markdown after the closing fence.
    pub body: &'a str,
}

/// Why a file could not be split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitError {
    /// Where the problem is.
    pub position: Position,
    /// What to do about it.
    pub message: String,
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "---"
}

/// Splits `text` (without BOM) into front matter and body. The file must open with a `---`
/// line, and the front matter must be closed by another `---` line.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if !is_fence(&text[..first_line_end]) {
        return Err(SplitError {
            position: Position { line: 1, column: 1 },
            message: "expected front matter: the file must start with a `---` line, then `title: …` (and `date: …` for articles), then another `---` line".into(),
        });
    }
    let yaml_start = first_line_end;
    let mut offset = yaml_start;
    let mut line_no = 2;
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i + 1);
        if is_fence(&text[offset..end]) {
            return Ok(Split { yaml: &text[yaml_start..offset], yaml_first_line: 2, body: &text[end..] });
        }
        offset = end;
        line_no += 1;
    }
    Err(SplitError {
        position: Position { line: 1, column: 1 },
        message: format!(
            "front matter opened here is never closed: add a `---` line after the last field (the file has {} lines)",
            line_no - 1
        ),
    })
}

/// Front matter as written, shared by articles and pages. Unknown keys are an error.
///
/// Also what the WordPress importer and `pamphlet new` write: fields left empty are not
/// written, and the fields are declared in the order an editor reads them (title and dates,
/// who and where, then the rest).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// Required.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Required for articles; a date or RFC 3339 date-time.
    #[serde(default, deserialize_with = "scalar_string", skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Last update.
    #[serde(default, deserialize_with = "scalar_string", skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    /// One author id or name.
    #[serde(
        default,
        deserialize_with = "string_list",
        serialize_with = "one_or_list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub author: Vec<String>,
    /// Several author ids or names.
    #[serde(default, deserialize_with = "string_list", skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// Category paths (`DRM Exclusive/News`).
    #[serde(default, deserialize_with = "string_list", skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    /// Tag names.
    #[serde(default, deserialize_with = "string_list", skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Explicit summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Explicit slug.
    #[serde(default, deserialize_with = "scalar_string", skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// Explicit previous article (slug or content path).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    /// Explicit next article (slug or content path).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// Skip unless `--drafts`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub draft: bool,
    /// Language code of this article (`ur`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// Articles and pages sharing a key are translations of each other.
    #[serde(default, deserialize_with = "scalar_string", skip_serializing_if = "Option::is_none")]
    pub translation_key: Option<String>,
    /// Featured image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Caption under the featured image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_caption: Option<String>,
    /// Alt text of the featured image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_alt: Option<String>,
    /// Old URL paths that redirect here.
    #[serde(default, deserialize_with = "string_list", skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Free-form data for templates.
    #[serde(default, skip_serializing_if = "serde_yaml::Mapping::is_empty")]
    pub extra: serde_yaml::Mapping,
    /// Corrections published after the fact, each dated (articles only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<NoticeMatter>,
    /// Updates added after publication, each dated (articles only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub updates: Vec<NoticeMatter>,
    /// The article was taken down: only its title, date and this notice stay published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withheld: Option<WithheldMatter>,
}

impl FrontMatter {
    /// The front matter as a file writes it: between `---` lines, fields in declaration order.
    pub fn to_yaml_block(&self) -> Result<String, serde_yaml::Error> {
        Ok(format!("---\n{}---\n", serde_yaml::to_string(self)?))
    }
}

/// One entry of `corrections:` or `updates:` as written: `{ date: 2024-03-20, text: "…" }`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeMatter {
    /// When the correction or update was made.
    #[serde(default, deserialize_with = "scalar_string", skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// What was corrected or added.
    #[serde(default, deserialize_with = "scalar_string", skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// `withheld:` as written: `{ date: 2025-01-10, reason: "…" }`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WithheldMatter {
    /// When the article was taken down.
    #[serde(default, deserialize_with = "scalar_string", skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Why, as readers are told.
    #[serde(default, deserialize_with = "scalar_string", skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Writes a one-item list as its item (`author: editor`), as editors write it, and a longer
/// one as a list.
fn one_or_list<S: Serializer>(items: &[String], s: S) -> Result<S::Ok, S::Error> {
    match items {
        [one] => s.serialize_str(one),
        _ => items.serialize(s),
    }
}

/// Accepts a string, a number or a boolean as a string (`slug: 2024` is a fine slug).
fn scalar_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_any(ScalarVisitor).map(Some)
}

struct ScalarVisitor;

impl Visitor<'_> for ScalarVisitor {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }
}

/// Accepts a single scalar (a one-item list) or a list of scalars.
fn string_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct ListVisitor;
    impl<'de> Visitor<'de> for ListVisitor {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string or a list of strings")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(vec![v.to_string()])
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(vec![v.to_string()])
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(vec![v.to_string()])
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(item) = seq.next_element::<ScalarItem>()? {
                out.push(item.0);
            }
            Ok(out)
        }
    }
    d.deserialize_any(ListVisitor)
}

struct ScalarItem(String);

impl<'de> Deserialize<'de> for ScalarItem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor).map(ScalarItem)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::YamlSource;

    #[test]
    fn splits_at_fences_and_remembers_first_yaml_line() {
        let s = split("---\ntitle: A\n---\nBody\n").unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!(s.yaml_first_line, 2);
        assert_eq!(s.body, "Body\n");
    }

    #[test]
    fn crlf_and_trailing_spaces_on_fences_are_fine() {
        let s = split("---\r\ntitle: A\r\n--- \r\nBody").unwrap();
        assert_eq!(s.yaml, "title: A\r\n");
        assert_eq!(s.body, "Body");
    }

    #[test]
    fn missing_opening_fence_is_an_error() {
        let e = split("title: A\n").unwrap_err();
        assert!(e.message.starts_with("expected front matter"), "{}", e.message);
    }

    #[test]
    fn missing_closing_fence_is_an_error() {
        let e = split("---\ntitle: A\nBody\n").unwrap_err();
        assert!(e.message.contains("never closed"), "{}", e.message);
    }

    #[test]
    fn a_single_tag_string_is_a_one_item_list() {
        let fm: FrontMatter = YamlSource { text: "title: A\ntags: Twitter\n", first_line: 2 }.parse().unwrap();
        assert_eq!(fm.tags, vec!["Twitter"]);
    }

    #[test]
    fn numbers_are_accepted_as_strings_in_lists() {
        let fm: FrontMatter =
            YamlSource { text: "title: A\ntags: [2024, x]\nslug: 42\n", first_line: 2 }.parse().unwrap();
        assert_eq!(fm.tags, vec!["2024", "x"]);
        assert_eq!(fm.slug.as_deref(), Some("42"));
    }

    #[test]
    fn unknown_field_lists_the_valid_keys() {
        let e = YamlSource { text: "title: A\ncategory: x\n", first_line: 2 }.parse::<FrontMatter>().unwrap_err();
        assert!(e.message.starts_with("unknown field `category`, expected one of `title`"), "{}", e.message);
        assert_eq!(e.position, Some(Position { line: 3, column: 1 }));
    }

    #[test]
    fn written_front_matter_reads_back_the_same() {
        let fm = FrontMatter {
            title: Some("Dawn: a raid".into()),
            date: Some("2024-03-01".into()),
            author: vec!["editor".into()],
            tags: vec!["Twitter".into()],
            draft: true,
            ..FrontMatter::default()
        };
        let block = fm.to_yaml_block().unwrap();
        assert_eq!(
            block,
            "---\ntitle: 'Dawn: a raid'\ndate: 2024-03-01\nauthor: editor\ntags:\n- Twitter\ndraft: true\n---\n"
        );
        let back: FrontMatter = YamlSource { text: split(&block).unwrap().yaml, first_line: 2 }.parse().unwrap();
        assert_eq!(serde_yaml::to_string(&back).unwrap(), serde_yaml::to_string(&fm).unwrap());
    }

    #[test]
    fn the_known_fields_are_the_structs() {
        let fields = crate::yaml::field_names::<FrontMatter>();
        assert_eq!(fields.first(), Some(&"title"));
        assert!(fields.contains(&"withheld") && fields.contains(&"image_alt"), "{fields:?}");
        assert_eq!(fields.len(), 22);
    }
}
