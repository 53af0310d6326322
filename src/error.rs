//! The error model: every problem a user can cause carries the file (and, where known, the line
//! and column) it comes from, and a build reports all of them at once through [`Error::Many`].

use std::fmt;
use std::path::{Path, PathBuf};

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A 1-based line and column inside a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column number, counted in characters.
    pub column: usize,
}

impl Position {
    /// The line and column (in characters) of a byte offset in `text`.
    pub fn of_offset(text: &str, offset: usize) -> Position {
        let before = &text[..offset.min(text.len())];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Position { line: before.matches('\n').count() + 1, column: before[line_start..].chars().count() + 1 }
    }
}

/// Where a problem is: a path (relative to the site root when possible) and an optional position.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// The file the problem is in.
    pub path: PathBuf,
    /// Line and column, when the problem can be pinned to one.
    pub position: Option<Position>,
}

impl Location {
    /// A location that names only a file.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Location { path: path.into(), position: None }
    }

    /// A location at a line and column of a file.
    pub fn at(path: impl Into<PathBuf>, line: usize, column: usize) -> Self {
        Location { path: path.into(), position: Some(Position { line, column }) }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(p) = self.position {
            write!(f, ":{}:{}", p.line, p.column)?;
        }
        Ok(())
    }
}

/// Everything that can make a build fail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `site.yaml` or the command line asks for something impossible.
    #[error("{location}: {message}")]
    Config {
        /// Where in the configuration.
        location: Location,
        /// What is wrong and how to fix it.
        message: String,
        /// What a parser said, when the message above explains it in other words.
        #[source]
        cause: Option<ParserMessage>,
    },
    /// A content file (article or page) is wrong: bad front matter, unknown category, duplicate URL…
    #[error("{location}: {message}")]
    Content {
        /// Where in the content file.
        location: Location,
        /// What is wrong and how to fix it.
        message: String,
        /// What a parser said, when the message above explains it in other words.
        #[source]
        cause: Option<ParserMessage>,
    },
    /// A theme template does not parse or fails to render.
    #[error("{location}: {message}")]
    Template {
        /// The template file and line.
        location: Location,
        /// The template engine's explanation.
        message: String,
    },
    /// Generating an output (a feed, the search index) failed inside a library.
    #[error("{location}: {message}")]
    Output {
        /// The output being generated (its site path).
        location: Location,
        /// What went wrong.
        message: String,
    },
    /// Reading or writing the file system failed.
    #[error("failed to {action} `{}`", path.display())]
    Io {
        /// What we were doing, as a verb phrase ("read", "create directory").
        action: &'static str,
        /// The path involved.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A command-line argument asks for something impossible (`--port` in use, an unknown
    /// `--category`): a flag is not a file, so this carries the argument's name, not a path.
    #[error("{name}: {message}")]
    Argument {
        /// The flag or argument, as written on the command line (`--port`, `TITLE`).
        name: &'static str,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A warning that fails the build because of `--strict`; it keeps its own code
    /// (`missing-alt`…) so that CI annotations still say what kind of problem it is.
    #[error("{0} (a warning, fatal with --strict)")]
    Strict(Warning),
    /// Several independent problems, all reported together.
    #[error("{}", display_many(.0))]
    Many(Vec<Error>),
}

/// The text of a parser's error (YAML's, say), kept as the cause of a friendlier message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParserMessage(pub String);

impl fmt::Display for ParserMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParserMessage {}

fn display_many(errors: &[Error]) -> String {
    let mut out = String::new();
    for (i, e) in errors.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&e.to_string());
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            out.push_str(&format!("\n  caused by: {s}"));
            source = s.source();
        }
    }
    out
}

impl Error {
    /// A content error at a location.
    pub fn content(location: Location, message: impl Into<String>) -> Self {
        Error::Content { location, message: message.into(), cause: None }
    }

    /// A configuration error at a location.
    pub fn config(location: Location, message: impl Into<String>) -> Self {
        Error::Config { location, message: message.into(), cause: None }
    }

    /// The same error, with a parser's own words kept as its cause (printed as `caused by:`).
    /// Only configuration and content errors carry one; others are returned unchanged.
    pub fn caused_by(mut self, parser_said: impl Into<String>) -> Self {
        if let Error::Config { cause, .. } | Error::Content { cause, .. } = &mut self {
            *cause = Some(ParserMessage(parser_said.into()));
        }
        self
    }

    /// A problem with the command-line argument `name` (`--port`).
    pub fn argument(name: &'static str, message: impl Into<String>) -> Self {
        Error::Argument { name, message: message.into() }
    }

    /// A failure to generate the output at `site_path`.
    pub fn output(site_path: &str, message: impl Into<String>) -> Self {
        Error::Output { location: Location::file(site_path), message: message.into() }
    }

    /// An I/O error naming the path it happened on.
    pub fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        Error::Io { action, path: path.to_path_buf(), source }
    }

    /// Turns a list of problems into one error: `Ok(())` when empty, the error itself when
    /// there is one, and [`Error::Many`] (flattened, sorted by location) otherwise.
    pub fn collect(errors: Vec<Error>) -> Result<()> {
        let mut flat = Vec::with_capacity(errors.len());
        for e in errors {
            e.flatten_into(&mut flat);
        }
        flat.sort_by(|a, b| a.location().cmp(&b.location()));
        match flat.len() {
            0 => Ok(()),
            1 => Err(flat.remove(0)),
            _ => Err(Error::Many(flat)),
        }
    }

    /// The problems in `errors` as one error (for a list known not to be empty; an empty
    /// list gives an empty [`Error::Many`]).
    pub fn all(errors: Vec<Error>) -> Error {
        Error::collect(errors).err().unwrap_or(Error::Many(Vec::new()))
    }

    fn flatten_into(self, out: &mut Vec<Error>) {
        match self {
            Error::Many(list) => list.into_iter().for_each(|e| e.flatten_into(out)),
            other => out.push(other),
        }
    }

    /// The individual problems this error stands for (one, unless it is [`Error::Many`]).
    pub fn problems(&self) -> Vec<&Error> {
        match self {
            Error::Many(list) => list.iter().flat_map(|e| e.problems()).collect(),
            other => vec![other],
        }
    }

    /// Where the problem is, when it has a location.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Error::Config { location, .. }
            | Error::Content { location, .. }
            | Error::Template { location, .. }
            | Error::Output { location, .. } => Some(location),
            Error::Strict(warning) => Some(&warning.location),
            Error::Io { .. } | Error::Argument { .. } | Error::Many(_) => None,
        }
    }

    /// A short stable identifier of the kind of problem, for `--format json`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Config { .. } => "config",
            Error::Content { .. } => "content",
            Error::Template { .. } => "template",
            Error::Io { .. } => "io",
            Error::Output { .. } => "output",
            Error::Argument { .. } => "usage",
            Error::Strict(warning) => warning.code,
            Error::Many(_) => "many",
        }
    }

    /// The message without the location prefix.
    pub fn message(&self) -> String {
        match self {
            Error::Config { message, .. }
            | Error::Content { message, .. }
            | Error::Template { message, .. }
            | Error::Output { message, .. }
            | Error::Argument { message, .. } => message.clone(),
            Error::Strict(warning) => format!("{} (a warning, fatal with --strict)", warning.message),
            other => other.to_string(),
        }
    }

    /// The process exit status for this error: 1 for content and template problems, 2 for
    /// configuration, 3 for I/O and output generation. A mixed [`Error::Many`] takes the most severe (highest) code.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Content { .. } | Error::Template { .. } | Error::Strict(_) => 1,
            Error::Config { .. } | Error::Argument { .. } => 2,
            Error::Io { .. } | Error::Output { .. } => 3,
            Error::Many(list) => list.iter().map(Error::exit_code).max().unwrap_or(1),
        }
    }
}

/// A problem that does not stop the build (unless `--strict`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    /// Where it is.
    pub location: Location,
    /// A short stable identifier (`missing-alt`, `long-slug`…), for tools.
    pub code: &'static str,
    /// What is wrong and what to do.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Helpers to attach a path to `std::io::Result`s.
pub trait IoResultExt<T> {
    /// Names the action and path in the error.
    fn at_path(self, action: &'static str, path: &Path) -> Result<T>;
}

impl<T> IoResultExt<T> for std::io::Result<T> {
    fn at_path(self, action: &'static str, path: &Path) -> Result<T> {
        self.map_err(|e| Error::io(action, path, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_displays_path_line_and_column() {
        assert_eq!(Location::at("content/a.md", 4, 13).to_string(), "content/a.md:4:13");
        assert_eq!(Location::file("content/a.md").to_string(), "content/a.md");
    }

    #[test]
    fn collect_flattens_and_sorts_by_location() {
        let err = Error::collect(vec![
            Error::content(Location::at("b.md", 1, 1), "second"),
            Error::Many(vec![Error::content(Location::at("a.md", 2, 1), "first")]),
        ])
        .unwrap_err();
        assert_eq!(err.to_string(), "a.md:2:1: first\nb.md:1:1: second");
        assert_eq!(err.problems().len(), 2);
    }

    #[test]
    fn collect_of_nothing_is_ok() {
        assert!(Error::collect(Vec::new()).is_ok());
    }

    #[test]
    fn exit_code_picks_the_most_severe() {
        let err = Error::Many(vec![
            Error::content(Location::file("a.md"), "x"),
            Error::config(Location::file("site.yaml"), "y"),
        ]);
        assert_eq!(err.exit_code(), 2);
    }
}
