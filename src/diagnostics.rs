//! Presenting problems: for people (rustc-style, with a snippet of the offending line and a
//! marker under the column) and for machines (`--format json`: one JSON object per line with
//! file, line, column, severity, code and message, for CI annotations and editors).

use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Location, Position, Warning};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The build fails.
    Error,
    /// Printed; fails only with `--strict`.
    Warning,
}

/// One problem, ready to print.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// File, relative to the site root when possible (absent for problems without a file).
    pub file: Option<String>,
    /// The command-line flag or argument at fault (`--port`), for problems with one instead
    /// of a file; absent from JSON otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flag: Option<&'static str>,
    /// 1-based line.
    pub line: Option<usize>,
    /// 1-based column.
    pub column: Option<usize>,
    /// Error or warning.
    pub severity: Severity,
    /// Kind of problem (`content`, `template`, `missing-alt`…).
    pub code: &'static str,
    /// What is wrong and what to do.
    pub message: String,
    /// What a parser said, when `message` explains it in other words: shown on a line of its
    /// own (`caused by: …`), in JSON as `caused_by` (absent when there is none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caused_by: Option<String>,
}

impl Diagnostic {
    fn new(location: Option<&Location>, severity: Severity, code: &'static str, message: String) -> Self {
        Diagnostic {
            file: location.map(|l| l.path.to_string_lossy().replace('\\', "/")),
            flag: None,
            line: location.and_then(|l| l.position).map(|p| p.line),
            column: location.and_then(|l| l.position).map(|p| p.column),
            severity,
            code,
            message,
            caused_by: None,
        }
    }

    /// One diagnostic per problem in `error` (with its causes appended to the message).
    pub fn from_error(error: &Error) -> Vec<Diagnostic> {
        error
            .problems()
            .into_iter()
            .map(|p| {
                let mut message = p.message();
                let source = std::error::Error::source(p);
                // A parser's words stay apart from the explanation; an operating system's
                // reason (`permission denied`) completes the message.
                let parser_said = source.and_then(|s| s.downcast_ref::<crate::error::ParserMessage>());
                let mut rest = if parser_said.is_some() { None } else { source };
                while let Some(s) = rest {
                    message.push_str(&format!(": {s}"));
                    rest = s.source();
                }
                let mut d = Diagnostic::new(p.location(), Severity::Error, p.code(), message);
                if let Error::Argument { name, .. } = p {
                    d.flag = Some(name);
                }
                d.caused_by = parser_said.map(|said| said.0.clone());
                d
            })
            .collect()
    }

    /// The diagnostic for a warning.
    pub fn from_warning(w: &Warning) -> Diagnostic {
        Diagnostic::new(Some(&w.location), Severity::Warning, w.code, w.message.clone())
    }

    /// One line of JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| format!("{{\"message\":{:?}}}", self.message))
    }

    /// A GitHub Actions workflow command, shown as an annotation on the file and line.
    pub fn to_github(&self) -> String {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = Vec::new();
        if let Some(f) = &self.file {
            props.push(format!("file={}", escape_github_property(f)));
        }
        if let Some(l) = self.line {
            props.push(format!("line={l}"));
        }
        if let Some(c) = self.column {
            props.push(format!("col={c}"));
        }
        let props = if props.is_empty() { String::new() } else { format!(" {}", props.join(",")) };
        let message = match &self.caused_by {
            Some(cause) => format!("{}\ncaused by: {cause}", self.message),
            None => self.message.clone(),
        };
        format!("::{kind}{props}::{}", escape_github_data(&message))
    }

    /// `error: file:line:col: message`, then the source line with a marker when the file can be
    /// read under `root`.
    pub fn to_human(&self, root: &Path) -> String {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut out = match (&self.file, self.line, self.column) {
            (Some(f), Some(l), Some(c)) => format!("{label}: {f}:{l}:{c}: {}", self.message),
            (Some(f), _, _) if !self.message.starts_with(f.as_str()) => format!("{label}: {f}: {}", self.message),
            (None, _, _) if let Some(flag) = self.flag => format!("{label}: {flag}: {}", self.message),
            _ => format!("{label}: {}", self.message),
        };
        if let (Some(file), Some(line), Some(column)) = (&self.file, self.line, self.column)
            && let Ok(text) = std::fs::read_to_string(root.join(file))
        {
            out.push('\n');
            out.push_str(&snippet(&text, Position { line, column }));
        }
        if let Some(cause) = &self.caused_by {
            out.push_str(&format!("\n  caused by: {cause}"));
        }
        out
    }
}

/// Workflow command data: `%`, CR and LF are escaped (GitHub's toolkit rules).
fn escape_github_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Workflow command properties additionally escape `:` and `,`.
fn escape_github_property(s: &str) -> String {
    escape_github_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The line at `position` with its number, and a `^` under the column:
///
/// ```text
///    |
///  5 |   - News
///    |     ^
/// ```
pub fn snippet(text: &str, position: Position) -> String {
    let Some(line) = text.lines().nth(position.line.saturating_sub(1)) else { return String::new() };
    let number = position.line.to_string();
    let gutter = " ".repeat(number.len());
    // Tabs are shown as four spaces so the marker lines up.
    let shown: String = line.replace('\t', "    ");
    let before: String = line.chars().take(position.column.saturating_sub(1)).collect();
    let pad = before.replace('\t', "    ").chars().count();
    format!(" {gutter} |\n {number} | {shown}\n {gutter} | {}^", " ".repeat(pad))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_marks_the_column() {
        let s = snippet("title: A\ncategories:\n  - News\n", Position { line: 3, column: 5 });
        assert_eq!(s, "   |\n 3 |   - News\n   |     ^");
    }

    #[test]
    fn snippet_of_a_line_past_the_end_is_empty() {
        assert_eq!(snippet("one line", Position { line: 9, column: 1 }), "");
    }

    #[test]
    fn json_has_every_field() {
        let e = Error::content(Location::at("content/a.md", 4, 13), "bad \"thing\"");
        let d = Diagnostic::from_error(&e);
        assert_eq!(
            d[0].to_json(),
            r#"{"file":"content/a.md","line":4,"column":13,"severity":"error","code":"content","message":"bad \"thing\""}"#
        );
    }

    #[test]
    fn github_annotations_escape_their_fields() {
        let e = Error::content(Location::at("content/a,b.md", 4, 13), "50% wrong\nreally");
        assert_eq!(
            Diagnostic::from_error(&e)[0].to_github(),
            "::error file=content/a%2Cb.md,line=4,col=13::50%25 wrong%0Areally"
        );
    }

    #[test]
    fn a_parsers_words_are_a_caused_by_line_not_part_of_the_message() {
        let e = Error::content(Location::at("content/a.md", 4, 48), "put the value in quotes")
            .caused_by("mapping values are not allowed in this context");
        let d = &Diagnostic::from_error(&e)[0];
        assert_eq!(d.message, "put the value in quotes");
        assert_eq!(
            d.to_human(Path::new("/nonexistent")),
            "error: content/a.md:4:48: put the value in quotes\n  caused by: mapping values are not allowed in this context"
        );
        assert!(
            d.to_json().ends_with(
                r#""message":"put the value in quotes","caused_by":"mapping values are not allowed in this context"}"#
            ),
            "{}",
            d.to_json()
        );
        assert!(
            d.to_github()
                .ends_with("::put the value in quotes%0Acaused by: mapping values are not allowed in this context")
        );
    }

    #[test]
    fn a_flag_is_not_a_file() {
        let d = &Diagnostic::from_error(&Error::argument("--port", "port 1111 is in use"))[0];
        assert_eq!(
            d.to_json(),
            r#"{"file":null,"flag":"--port","line":null,"column":null,"severity":"error","code":"usage","message":"port 1111 is in use"}"#
        );
        assert_eq!(d.to_human(Path::new(".")), "error: --port: port 1111 is in use");
    }

    #[test]
    fn io_errors_carry_their_cause() {
        let e = Error::io("read", Path::new("x.md"), std::io::Error::other("disk on fire"));
        let d = Diagnostic::from_error(&e);
        assert_eq!(d[0].message, "failed to read `x.md`: disk on fire");
        assert_eq!(d[0].code, "io");
    }
}
