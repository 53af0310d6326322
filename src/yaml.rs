//! YAML helpers shared by `site.yaml` and front matter: parse with serde_yaml and turn its
//! errors into our [`Location`]s, and find where a key or value sits in the source so that
//! problems found after parsing (an unknown category, a bad date) still point at a line.

use serde::de::DeserializeOwned;

use crate::error::Position;

/// A YAML document and the line of the file it starts on (front matter starts after `---`).
#[derive(Debug, Clone, Copy)]
pub struct YamlSource<'a> {
    /// The YAML text.
    pub text: &'a str,
    /// 1-based line of the file on which `text` starts.
    pub first_line: usize,
}

/// A YAML problem: the message without serde_yaml's own "at line N column M" suffix, and the
/// position in the file (already shifted by the document's first line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlProblem {
    /// What serde_yaml said.
    pub message: String,
    /// Where, in file coordinates.
    pub position: Option<Position>,
}

/// Deeper flow nesting (`[[[…]]]`) than this is refused before parsing: no real front matter
/// comes close, and libyaml's time grows with the square of the depth.
const MAX_FLOW_DEPTH: usize = 64;

impl<'a> YamlSource<'a> {
    /// Deserializes the document into `T`.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, YamlProblem> {
        if let Some(offset) = too_deep(self.text, MAX_FLOW_DEPTH) {
            let at = Position::of_offset(self.text, offset);
            return Err(YamlProblem {
                message: format!("brackets nest more than {MAX_FLOW_DEPTH} levels deep here: simplify this value"),
                position: Some(Position { line: at.line + self.first_line - 1, column: at.column }),
            });
        }
        serde_yaml::from_str(self.text).map_err(|e| self.problem(&e))
    }

    fn problem(&self, err: &serde_yaml::Error) -> YamlProblem {
        let mut message = err.to_string();
        let position = err.location().map(|loc| {
            // serde_yaml appends the location to its message; we print our own in front.
            let suffix = format!(" at line {} column {}", loc.line(), loc.column());
            if let Some(stripped) = message.strip_suffix(&suffix) {
                message = stripped.to_string();
            }
            Position { line: loc.line() + self.first_line - 1, column: loc.column() }
        });
        YamlProblem { message: message.replace("\n", " "), position }
    }

    /// Explains unknown top-level keys, all of them, each with its position and the closest
    /// known key. Returns nothing when the document is not a mapping or every key is known;
    /// used after a failed parse to replace serde's "unknown field" (which names only the first
    /// and suggests nothing) with a friendlier list.
    pub fn unknown_keys(&self, known: &[&str]) -> Vec<YamlProblem> {
        if too_deep(self.text, MAX_FLOW_DEPTH).is_some() {
            return Vec::new();
        }
        let Ok(serde_yaml::Value::Mapping(map)) = serde_yaml::from_str::<serde_yaml::Value>(self.text) else {
            return Vec::new();
        };
        map.keys()
            .filter_map(|k| k.as_str())
            .filter(|k| !known.contains(k))
            .map(|key| {
                let closest = known
                    .iter()
                    .map(|k| (strsim::jaro_winkler(key, k), *k))
                    .filter(|(score, _)| *score > 0.8)
                    .max_by(|a, b| a.0.total_cmp(&b.0))
                    .map(|(_, k)| k);
                let message = match closest {
                    Some(k) => format!("unknown field `{key}`: did you mean `{k}`?"),
                    None => format!(
                        "unknown field `{key}`: valid fields are {}",
                        known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                    ),
                };
                YamlProblem { message, position: self.key_position(key) }
            })
            .collect()
    }

    /// The position of a top-level `key:` (a line starting with it, unindented).
    pub fn key_position(&self, key: &str) -> Option<Position> {
        self.text.lines().enumerate().find_map(|(i, line)| {
            let rest = line.strip_prefix(key)?;
            rest.trim_start().starts_with(':').then_some(Position { line: self.first_line + i, column: 1 })
        })
    }

    /// The position of `value` in the block that belongs to top-level `key` (same line or the
    /// indented lines that follow). Falls back to the key's own position.
    pub fn value_position(&self, key: &str, value: &str) -> Option<Position> {
        let key_pos = self.key_position(key)?;
        if value.is_empty() {
            return Some(key_pos);
        }
        let start = key_pos.line - self.first_line;
        for (i, line) in self.text.lines().enumerate().skip(start) {
            let in_block = i == start || line.starts_with([' ', '\t', '-']) || line.trim().is_empty();
            if !in_block {
                break;
            }
            let searchable = if i == start { &line[key.len()..] } else { line };
            if let Some(byte) = searchable.find(value) {
                let offset = line.len() - searchable.len() + byte;
                let column = line[..offset].chars().count() + 1;
                return Some(Position { line: self.first_line + i, column });
            }
        }
        Some(key_pos)
    }
}

/// The byte offset where `[`/`{` nesting (outside quotes and comments) first exceeds `max`.
fn too_deep(text: &str, max: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut comment = false;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (_, '\n') => {
                comment = false;
            }
            _ if comment => {}
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '#') => comment = true,
            (None, '[' | '{') => {
                depth += 1;
                if depth > max {
                    return Some(i);
                }
            }
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        title: String,
    }

    #[test]
    fn absurd_nesting_is_refused_before_parsing() {
        let deep = format!("extra: {}{}\n", "[".repeat(65), "]".repeat(65));
        let src = YamlSource { text: &deep, first_line: 2 };
        let err = src.parse::<serde_yaml::Value>().unwrap_err();
        assert_eq!(err.position, Some(Position { line: 2, column: 72 }));
        // Brackets inside quotes and comments do not count.
        let quoted = format!("a: \"{}\" # {}\n", "[".repeat(100), "{".repeat(100));
        assert!(YamlSource { text: &quoted, first_line: 1 }.parse::<serde_yaml::Value>().is_ok());
    }

    #[test]
    fn parse_error_is_shifted_to_file_lines_and_loses_serde_suffix() {
        let src = YamlSource { text: "title: x\ntitel: y\n", first_line: 2 };
        let err = src.parse::<T>().unwrap_err();
        assert_eq!(err.position, Some(Position { line: 3, column: 1 }));
        assert!(err.message.starts_with("unknown field `titel`"), "{}", err.message);
        assert!(!err.message.contains("at line"), "{}", err.message);
    }

    #[test]
    fn unknown_keys_are_all_listed_with_suggestions() {
        let src = YamlSource { text: "title: x\ncategory: y\nzzz: 1\n", first_line: 2 };
        let problems = src.unknown_keys(&["title", "categories"]);
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].message, "unknown field `category`: did you mean `categories`?");
        assert_eq!(problems[0].position, Some(Position { line: 3, column: 1 }));
        assert_eq!(problems[1].message, "unknown field `zzz`: valid fields are `title`, `categories`");
    }

    #[test]
    fn value_position_finds_list_items_on_following_lines() {
        let src = YamlSource { text: "title: x\ncategories:\n  - Foo\n  - News\ntags: [News]\n", first_line: 2 };
        assert_eq!(src.value_position("categories", "News"), Some(Position { line: 5, column: 5 }));
        assert_eq!(src.value_position("tags", "News"), Some(Position { line: 6, column: 8 }));
    }

    #[test]
    fn value_position_counts_columns_in_characters() {
        let src = YamlSource { text: "title: اردو\ncategories: [اردو, Zed]\n", first_line: 1 };
        assert_eq!(src.value_position("categories", "Zed"), Some(Position { line: 2, column: 20 }));
    }
}
