//! Permalink patterns (`/:year/:month/:slug/`), site paths of list pages, and the mapping from a
//! site path to the file that serves it (`/a/b/` → `a/b/index.html`).

use std::path::PathBuf;

/// One piece of a permalink pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Year,
    Month,
    Day,
    Slug,
    Category,
}

/// A validated permalink pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermalinkPattern {
    segments: Vec<Segment>,
}

/// The values a permalink pattern is expanded with.
#[derive(Debug, Clone, Copy)]
pub struct PermalinkValues<'a> {
    /// Four-digit year.
    pub year: i16,
    /// Month, 1–12.
    pub month: i8,
    /// Day of month, 1–31.
    pub day: i8,
    /// The article's slug.
    pub slug: &'a str,
    /// Slug path of the first category (`drm-exclusive/news`), or `uncategorized`.
    pub category: &'a str,
}

impl PermalinkPattern {
    /// Parses a pattern; it must start and end with `/`, use only known tokens, and contain `:slug`.
    pub fn parse(pattern: &str) -> Result<Self, String> {
        if !pattern.starts_with('/') || !pattern.ends_with('/') {
            return Err(format!("permalink `{pattern}` must start and end with `/`, like `/:year/:month/:slug/`"));
        }
        let mut segments = Vec::new();
        for part in pattern.split('/').filter(|p| !p.is_empty()) {
            let seg = match part {
                ":year" => Segment::Year,
                ":month" => Segment::Month,
                ":day" => Segment::Day,
                ":slug" => Segment::Slug,
                ":category" => Segment::Category,
                other if other.starts_with(':') => {
                    return Err(format!(
                        "unknown permalink token `{other}`: use :year, :month, :day, :slug or :category"
                    ));
                }
                other if other == ".." || other == "." || other.contains('\\') => {
                    return Err(format!("permalink segment `{other}` is not allowed"));
                }
                other => Segment::Literal(other.to_string()),
            };
            segments.push(seg);
        }
        if !segments.contains(&Segment::Slug) {
            return Err(format!("permalink `{pattern}` must contain :slug so that articles get different URLs"));
        }
        Ok(PermalinkPattern { segments })
    }

    /// Expands the pattern into a site path such as `/2023/09/my-article/`.
    pub fn expand(&self, v: &PermalinkValues) -> String {
        let mut out = String::from("/");
        for seg in &self.segments {
            match seg {
                Segment::Literal(s) => out.push_str(s),
                Segment::Year => out.push_str(&format!("{:04}", v.year)),
                Segment::Month => out.push_str(&format!("{:02}", v.month)),
                Segment::Day => out.push_str(&format!("{:02}", v.day)),
                Segment::Slug => out.push_str(v.slug),
                Segment::Category => out.push_str(v.category),
            }
            out.push('/');
        }
        out
    }
}

/// The site path of page `number` (1-based) of a list whose first page is `base` (`/tag/x/`).
pub fn page_path(base: &str, number: usize) -> String {
    if number <= 1 { base.to_string() } else { format!("{base}page/{number}/") }
}

/// The output file (relative to the output folder) that serves `site_path`:
/// `/` → `index.html`, `/a/b/` → `a/b/index.html`, `/404.html` → `404.html`.
pub fn output_path(site_path: &str) -> PathBuf {
    let trimmed = site_path.trim_start_matches('/');
    if trimmed.is_empty() || trimmed.ends_with('/') {
        PathBuf::from(trimmed).join("index.html")
    } else {
        PathBuf::from(trimmed)
    }
}

/// Normalises a user-written site path (an alias): ensures a leading `/`, and a trailing `/`
/// unless the last segment has a file extension. Returns `None` for paths that would escape the
/// output folder or cannot be a file name (`..`, backslashes, NUL, empty segments…), and for
/// query strings, which static hosts cannot serve as separate files.
pub fn normalise_site_path(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() || raw.contains(['?', '#', '\\', '\0']) || raw.starts_with("//") || raw.contains("://") {
        return None;
    }
    let segments: Vec<&str> = raw.split('/').filter(|s| !s.is_empty()).collect();
    if !segments.iter().all(|s| crate::slug::is_safe_path_segment(s)) {
        return None;
    }
    let mut path = format!("/{}", segments.join("/"));
    let is_file = segments.last().is_some_and(|s| s.contains('.'));
    if !is_file && !path.ends_with('/') {
        path.push('/');
    }
    Some(path)
}

/// Normalises an alias: a site path as [`normalise_site_path`] does, or an old address with a
/// query string (`/?p=123`, `/index.php?page_id=7`) such as WordPress used. Those cannot be
/// files on a static host, so they only go to `_redirects` (see [`alias_query`]).
pub fn normalise_alias(raw: &str) -> Option<String> {
    let Some((path, query)) = raw.trim().split_once('?') else { return normalise_site_path(raw) };
    let path = match path.trim_matches('/') {
        "" => "/".to_string(),
        _ => normalise_site_path(path)?,
    };
    let well_formed = query.split('&').all(|pair| {
        pair.split_once('=').is_some_and(|(k, v)| !k.is_empty() && !v.is_empty())
            && !pair.contains(['#', '?', ' ', '\\', '\0', '/'])
    });
    (!query.is_empty() && well_formed).then(|| format!("{path}?{query}"))
}

/// The path and the query of an alias written with a query string; `None` for plain paths.
pub fn alias_query(alias: &str) -> Option<(&str, &str)> {
    alias.split_once('?')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values<'a>() -> PermalinkValues<'a> {
        PermalinkValues { year: 2023, month: 9, day: 5, slug: "my-post", category: "drm-exclusive/news" }
    }

    #[test]
    fn default_pattern_expands_with_zero_padding() {
        let p = PermalinkPattern::parse("/:year/:month/:slug/").unwrap();
        assert_eq!(p.expand(&values()), "/2023/09/my-post/");
    }

    #[test]
    fn category_and_day_tokens_expand() {
        let p = PermalinkPattern::parse("/news/:category/:day/:slug/").unwrap();
        assert_eq!(p.expand(&values()), "/news/drm-exclusive/news/05/my-post/");
    }

    #[test]
    fn bad_patterns_are_rejected_with_reasons() {
        assert!(PermalinkPattern::parse(":year/:slug/").unwrap_err().contains("must start and end"));
        assert!(PermalinkPattern::parse("/:year/:month/").unwrap_err().contains("must contain :slug"));
        assert!(PermalinkPattern::parse("/:yr/:slug/").unwrap_err().contains("unknown permalink token `:yr`"));
        assert!(PermalinkPattern::parse("/../:slug/").unwrap_err().contains("not allowed"));
    }

    #[test]
    fn output_paths_map_directories_to_index_html() {
        assert_eq!(output_path("/"), PathBuf::from("index.html"));
        assert_eq!(output_path("/a/b/"), PathBuf::from("a/b/index.html"));
        assert_eq!(output_path("/404.html"), PathBuf::from("404.html"));
    }

    #[test]
    fn page_paths() {
        assert_eq!(page_path("/", 1), "/");
        assert_eq!(page_path("/", 2), "/page/2/");
        assert_eq!(page_path("/tag/x/", 3), "/tag/x/page/3/");
    }

    #[test]
    fn query_aliases_keep_their_query() {
        assert_eq!(normalise_alias("/?p=123").as_deref(), Some("/?p=123"));
        assert_eq!(normalise_alias("?page_id=7").as_deref(), Some("/?page_id=7"));
        assert_eq!(normalise_alias("/index.php?p=1&lang=ur").as_deref(), Some("/index.php?p=1&lang=ur"));
        assert_eq!(normalise_alias("/old/"), Some("/old/".to_string()));
        assert_eq!(normalise_alias("/?p="), None);
        assert_eq!(normalise_alias("/?p=1#x"), None);
        assert_eq!(normalise_alias("/../?p=1"), None);
        assert_eq!(alias_query("/?p=1"), Some(("/", "p=1")));
        assert_eq!(alias_query("/old/"), None);
    }

    #[test]
    fn aliases_are_normalised_or_refused() {
        assert_eq!(normalise_site_path("/2019/old-post").as_deref(), Some("/2019/old-post/"));
        assert_eq!(normalise_site_path("old.html").as_deref(), Some("/old.html"));
        for bad in ["/../etc/passwd", "/a/../../b/", "/a\\b/", "/?p=12", "https://x.org/a/", "//evil.org/", "/a\0/"] {
            assert_eq!(normalise_site_path(bad), None, "{bad:?}");
        }
    }
}
