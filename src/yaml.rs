//! YAML helpers shared by `site.yaml` and front matter: parse with serde_yaml and turn its
//! errors into our [`Location`]s, and find where a key or value sits in the source so that
//! problems found after parsing (an unknown category, a bad date) still point at a line.

use serde::de::DeserializeOwned;

use crate::error::{Error, Location, Position};

/// A YAML document and the line of the file it starts on (front matter starts after `---`).
#[derive(Debug, Clone, Copy)]
pub struct YamlSource<'a> {
    /// The YAML text.
    pub text: &'a str,
    /// 1-based line of the file on which `text` starts.
    pub first_line: usize,
}

/// A YAML problem: what is wrong in an editor's words, the position in the file (already
/// shifted by the document's first line), and what the parser itself said, when the message
/// explains a syntax error in other words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlProblem {
    /// What is wrong and what to do.
    pub message: String,
    /// Where, in file coordinates.
    pub position: Option<Position>,
    /// The parser's own text (without its YAML-relative line numbers), for a `caused by` line.
    pub parser_said: Option<String>,
}

impl YamlProblem {
    /// The problem as an error of the file at `path`, made by `kind` ([`Error::content`] or
    /// [`Error::config`]), with the parser's words as its cause.
    pub fn into_error(self, path: &std::path::Path, kind: impl FnOnce(Location, String) -> Error) -> Error {
        let error = kind(Location { path: path.to_path_buf(), position: self.position }, self.message);
        match self.parser_said {
            Some(said) => error.caused_by(said),
            None => error,
        }
    }
}

/// Why templates cannot read `mapping` (a free-form `extra:` or `theme_config:`), if they
/// cannot: a key, at any depth, that is not text, a whole number or `true`/`false`
/// (`? [a, b] : c`, `1.5: x`). Tera cannot hold such a map, and a build with one stopped with a
/// panic when the first page was rendered.
pub fn untemplatable_key(mapping: &serde_yaml::Mapping) -> Option<String> {
    use serde_yaml::Value;
    fn in_value(value: &Value) -> Option<String> {
        match value {
            Value::Mapping(inner) => untemplatable_key(inner),
            Value::Sequence(items) => items.iter().find_map(in_value),
            Value::Tagged(tagged) => in_value(&tagged.value),
            _ => None,
        }
    }
    mapping.iter().find_map(|(key, value)| {
        let readable = match key {
            Value::String(_) | Value::Bool(_) => true,
            Value::Number(n) => n.is_i64() || n.is_u64(),
            _ => false,
        };
        if readable {
            return in_value(value);
        }
        // JSON's flow style shows a list or a mapping on one line.
        let key = serde_json::to_string(key).unwrap_or_else(|_| "a mapping".to_string());
        Some(format!(
            "templates cannot read the key `{key}` in it: keys here must be text, whole numbers or true/false"
        ))
    })
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
                parser_said: None,
            });
        }
        serde_yaml::from_str(self.text).map_err(|e| self.problem(&e))
    }

    fn problem(&self, err: &serde_yaml::Error) -> YamlProblem {
        let raw = err.to_string().replace('\n', " ");
        // serde_yaml writes positions into its text in the document's own lines (front matter
        // starts on the file's second line); we print one position, in the file's lines, in front.
        let said = strip_positions(&raw);
        let at = err.location().map(|loc| Position { line: loc.line(), column: loc.column() });
        match explain_syntax(self.text, &raw, at) {
            Some((message, in_doc)) => {
                YamlProblem { message, position: in_doc.or(at).map(|p| self.in_file(p)), parser_said: Some(said) }
            }
            // Not a syntax error (a wrong type, an unknown field): serde's words are the message.
            None => YamlProblem { message: said, position: at.map(|p| self.in_file(p)), parser_said: None },
        }
    }

    /// A position in the document as a position in the file.
    fn in_file(&self, p: Position) -> Position {
        Position { line: p.line + self.first_line - 1, column: p.column }
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
                YamlProblem { message, position: self.key_position(key), parser_said: None }
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

/// The keys a struct read from YAML accepts, in the order it declares them, as serde's derive
/// lists them for its own "expected one of" message: so the "did you mean" hints for
/// `site.yaml` and front matter follow the types, with no hand-kept list to forget a field in.
/// Asked of the `Deserialize` side rather than found by serialising a default value, which
/// would miss fields that are never written (`images:`) or are empty by default.
pub fn field_names<T: DeserializeOwned>() -> &'static [&'static str] {
    let mut fields: &'static [&'static str] = &[];
    // The derive hands its field list to `deserialize_struct`, then gets our error back; a
    // type that is not a struct leaves the list empty.
    let _ = T::deserialize(FieldNames(&mut fields));
    fields
}

/// A deserializer that only records the field names it is asked for.
struct FieldNames<'a>(&'a mut &'static [&'static str]);

/// What [`FieldNames`] answers every request with.
#[derive(Debug)]
struct FieldsRecorded;

impl std::fmt::Display for FieldsRecorded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("field names recorded")
    }
}

impl std::error::Error for FieldsRecorded {}

impl serde::de::Error for FieldsRecorded {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        FieldsRecorded
    }
}

impl<'de> serde::Deserializer<'de> for FieldNames<'_> {
    type Error = FieldsRecorded;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, FieldsRecorded> {
        Err(FieldsRecorded)
    }

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, FieldsRecorded> {
        *self.0 = fields;
        Err(FieldsRecorded)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// The parser's text without the "at line N column M" it writes after each part.
fn strip_positions(said: &str) -> String {
    let mut out = String::with_capacity(said.len());
    let mut rest = said;
    while let Some(start) = rest.find(" at line ") {
        let tail = &rest[start + " at line ".len()..];
        let digits = |s: &str| s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let line_len = digits(tail);
        let after_line = &tail[line_len..];
        match after_line.strip_prefix(" column ") {
            Some(col) if line_len > 0 && digits(col) > 0 => {
                out.push_str(&rest[..start]);
                rest = &col[digits(col)..];
            }
            _ => {
                out.push_str(&rest[..start + " at line ".len()]);
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The line and column of the first "at line N column M" after `context` in the parser's text.
fn position_after(said: &str, context: &str) -> Option<Position> {
    let tail = &said[said.find(context)? + context.len()..];
    let tail = tail.strip_prefix(" at line ")?;
    let (line, tail) = tail.split_once(" column ")?;
    let column: String = tail.chars().take_while(char::is_ascii_digit).collect();
    Some(Position { line: line.parse().ok()?, column: column.parse().ok()? })
}

/// For the syntax errors editors make, what to do instead, in their words, and the position
/// (in the document) that the advice is about. `None` leaves the parser's text as it is.
fn explain_syntax(text: &str, said: &str, at: Option<Position>) -> Option<(String, Option<Position>)> {
    if let Some(tab) = leading_tab(text)
        && (said.contains("cannot start any token") || said.contains("tab") || at.is_some_and(|p| p.line == tab.line))
    {
        return Some((
            "a tab at the start of a line: YAML needs spaces here, so replace the tab with spaces".into(),
            Some(tab),
        ));
    }
    if said.contains("mapping values are not allowed") {
        let line = text.lines().nth(at?.line.checked_sub(1)?)?;
        let advice = match line.split_once(':') {
            Some((key, value)) if !key.trim().is_empty() && !key.trim_start().starts_with('-') => {
                let quoted = value.trim().replace('\\', "\\\\").replace('"', "\\\"");
                format!(
                    "this value has a colon followed by a space, which YAML reads as the start of another field: put the value in quotes: `{}: \"{quoted}\"`",
                    key.trim_end()
                )
            }
            _ => "this line has a colon followed by a space, which YAML reads as the start of another field: put the text in quotes".into(),
        };
        return Some((advice, at));
    }
    for (open, close, kind) in [('[', ']', "flow sequence"), ('{', '}', "flow mapping")] {
        let context = format!("while parsing a {kind}");
        if said.contains(&format!("did not find expected ',' or '{close}'")) || said.contains(&context) {
            let opened = position_after(said, &context);
            let what = if open == '[' { "list" } else { "mapping" };
            let example = if open == '[' { "`[News, Policy]`" } else { "`{ name: About, url: /about/ }`" };
            return Some((
                format!(
                    "the {what} opened with `{open}` here is not closed: end it with `{close}` on the same line, like {example} (or check for a missing comma)"
                ),
                opened.or(at),
            ));
        }
    }
    if said.contains("could not find expected ':'") {
        return Some((
            "expected `field: value` on this line: add the missing `:`, or indent the line if it continues the value above".into(),
            at,
        ));
    }
    if said.contains("did not find expected key") || said.contains("did not find expected '-'") {
        return Some((
            "this line is indented differently from the fields around it: line up each field with the others (two spaces for items of a list)".into(),
            at,
        ));
    }
    if said.contains("found unexpected end of stream") && said.contains("quoted scalar") {
        return Some(("a quoted value is never closed: add the closing quote".into(), at));
    }
    None
}

/// Where the first tab in a line's indentation is: YAML allows only spaces there.
fn leading_tab(text: &str) -> Option<Position> {
    text.lines().enumerate().find_map(|(i, line)| {
        let indent = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
        indent.find('\t').map(|byte| Position { line: i + 1, column: indent[..byte].chars().count() + 1 })
    })
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
    fn field_names_are_the_structs_fields_in_order() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Two {
            title: String,
            #[serde(default)]
            tags: Vec<String>,
        }
        assert_eq!(field_names::<Two>(), ["title", "tags"]);
        assert!(field_names::<serde_yaml::Value>().is_empty());
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

    fn problem_of(text: &str) -> YamlProblem {
        YamlSource { text, first_line: 2 }.parse::<serde_yaml::Value>().unwrap_err()
    }

    #[test]
    fn an_unclosed_list_points_at_its_bracket() {
        let p = problem_of("title: A\ncategories: [News\ntags: [x]\n");
        assert_eq!(p.position, Some(Position { line: 3, column: 13 }));
        assert!(p.message.starts_with("the list opened with `[` here is not closed: end it with `]`"), "{}", p.message);
        let said = p.parser_said.unwrap();
        assert!(said.starts_with("did not find expected ',' or ']'") && !said.contains("at line"), "{said}");
    }

    #[test]
    fn a_missing_colon_and_a_misaligned_field_are_explained() {
        let p = problem_of("title: A\ndate 2024\n  x: y\n");
        assert!(p.message.starts_with("expected `field: value`") || p.message.contains("indented"), "{p:?}");
        let p = problem_of("title: A\nextra:\n    a: 1\n  b: 2\n");
        assert!(p.parser_said.is_some(), "{p:?}");
    }

    #[test]
    fn positions_inside_the_parser_text_are_removed() {
        assert_eq!(
            strip_positions(
                "did not find expected ',' or ']' at line 6 column 5, while parsing a flow sequence at line 4 column 13"
            ),
            "did not find expected ',' or ']', while parsing a flow sequence"
        );
        assert_eq!(strip_positions("at line nine"), "at line nine");
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
