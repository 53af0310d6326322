//! Archived comments: `data/comments/<path>.json`, which `pamphlet import wordpress --comments`
//! writes for each post or page that had approved comments (`content/2024/03/x.md` →
//! `data/comments/2024/03/x.json`). A static site takes no new comments, so the theme shows
//! these read-only under their article or page, marked as closed.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result};

/// The folder, under the site root, that holds the comment files.
pub const COMMENTS_DIR: &str = "data/comments";

/// One comment as the importer writes it.
#[derive(Debug, Deserialize)]
struct StoredComment {
    #[serde(default)]
    id: u64,
    #[serde(default)]
    author: String,
    #[serde(default)]
    author_url: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    parent: u64,
    /// `pingback` or `trackback`; empty for a comment.
    #[serde(default)]
    kind: String,
}

/// A comment as templates see it (`article.comments`, `page.comments`): plain text only, so
/// the theme escapes everything a commenter wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArchivedComment {
    /// The commenter's name.
    pub author: String,
    /// Their web site, only when it is an `http(s)` address; else empty.
    pub author_url: String,
    /// When it was written, RFC 3339 in UTC; format with the `date` filter.
    pub date: String,
    /// The text, one entry per paragraph, without markup.
    pub paragraphs: Vec<String>,
    /// The name of the commenter this one answers, or empty.
    pub reply_to: String,
}

/// The comment file of the content file `source` (relative to the site root):
/// `content/2024/03/x.md` and `content/2024/03/x/index.md` → `data/comments/2024/03/x.json`.
pub fn comments_file(source: &Path) -> Option<PathBuf> {
    let inside = source.strip_prefix(crate::content::CONTENT_DIR).ok()?;
    let inside = if inside.file_stem().is_some_and(|s| s == "index") { inside.parent()? } else { inside };
    let stem = inside.with_extension("");
    (!stem.as_os_str().is_empty()).then(|| Path::new(COMMENTS_DIR).join(stem).with_extension("json"))
}

/// Loads the comments of each content file in `sources` (relative to `root`) that has a comment
/// file. A file that is not a list of comments is an error at its line.
pub fn load<'a>(
    root: &Path,
    sources: impl Iterator<Item = &'a Path>,
) -> Result<BTreeMap<PathBuf, Vec<ArchivedComment>>> {
    let mut out = BTreeMap::new();
    let mut errors = Vec::new();
    if !root.join(COMMENTS_DIR).is_dir() {
        return Ok(out);
    }
    for source in sources {
        let Some(file) = comments_file(source) else { continue };
        let path = root.join(&file);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => {
                errors.push(Error::io("read", &file, e));
                continue;
            }
        };
        match serde_json::from_str::<Vec<StoredComment>>(&text) {
            Ok(stored) => {
                out.insert(source.to_path_buf(), archived(stored));
            }
            Err(e) => errors.push(Error::content(
                Location::at(&file, e.line().max(1), e.column().max(1)),
                format!(
                    "not a list of comments ({e}): each needs `author`, `date` and `content`, as `pamphlet import wordpress --comments` writes them"
                ),
            )),
        }
    }
    Error::collect(errors)?;
    Ok(out)
}

/// Comments (not pingbacks or trackbacks) in the order they were written, as plain text.
fn archived(mut stored: Vec<StoredComment>) -> Vec<ArchivedComment> {
    stored.retain(|c| c.kind.is_empty() || c.kind == "comment");
    stored.sort_by(|a, b| a.date.cmp(&b.date).then(a.id.cmp(&b.id)));
    let names: HashMap<u64, &str> = stored.iter().filter(|c| c.id != 0).map(|c| (c.id, c.author.as_str())).collect();
    stored
        .iter()
        .map(|c| {
            let url = c.author_url.trim();
            let web = url.to_ascii_lowercase();
            ArchivedComment {
                author: crate::escape::html_to_text(&c.author),
                author_url: if web.starts_with("https://") || web.starts_with("http://") {
                    url.to_string()
                } else {
                    String::new()
                },
                date: c.date.trim().to_string(),
                paragraphs: paragraphs(&c.content),
                reply_to: names.get(&c.parent).map(|n| crate::escape::html_to_text(n)).unwrap_or_default(),
            }
        })
        .collect()
}

/// A comment's HTML as paragraphs of plain text: a blank line or `<p>` starts a paragraph
/// (WordPress stores comments with blank lines between paragraphs).
fn paragraphs(html: &str) -> Vec<String> {
    let marked = html.replace("\r\n", "\n").replace("<p>", "\n\n").replace("</p>", "\n\n");
    marked.split("\n\n").map(crate::escape::html_to_text).filter(|p| !p.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_files_mirror_content_paths() {
        let file = |s: &str| comments_file(Path::new(s)).map(|p| p.to_string_lossy().replace('\\', "/"));
        assert_eq!(file("content/2024/03/x.md").as_deref(), Some("data/comments/2024/03/x.json"));
        assert_eq!(file("content/2024/03/x/index.md").as_deref(), Some("data/comments/2024/03/x.json"));
        assert_eq!(file("content/pages/about.md").as_deref(), Some("data/comments/pages/about.json"));
        assert_eq!(file("elsewhere/x.md"), None);
    }

    #[test]
    fn comments_become_plain_paragraphs_with_safe_links() {
        let stored = vec![
            StoredComment {
                id: 2,
                author: "B".into(),
                author_url: "javascript:alert(1)".into(),
                date: "2024-03-19T07:00:00Z".into(),
                content: "Agreed.<script>x</script>".into(),
                parent: 1,
                kind: String::new(),
            },
            StoredComment {
                id: 1,
                author: "A &amp; co".into(),
                author_url: "https://a.example".into(),
                date: "2024-03-18T07:00:00Z".into(),
                content: "<p>First <b>point</b>.</p><p>Second.</p>".into(),
                parent: 0,
                kind: String::new(),
            },
            StoredComment { kind: "pingback".into(), ..StoredComment::default_for_test() },
        ];
        let out = archived(stored);
        assert_eq!(out.len(), 2, "pingbacks are left out");
        assert_eq!(out[0].author, "A & co");
        assert_eq!(out[0].paragraphs, ["First point.", "Second."]);
        assert_eq!(out[1].author_url, "", "only web addresses are links");
        assert_eq!(out[1].reply_to, "A & co");
    }

    impl StoredComment {
        fn default_for_test() -> Self {
            StoredComment {
                id: 3,
                author: "Blog".into(),
                author_url: String::new(),
                date: "2024-03-20T07:00:00Z".into(),
                content: "Linked".into(),
                parent: 0,
                kind: String::new(),
            }
        }
    }
}
