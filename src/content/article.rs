//! `Article`: one dated piece of writing, parsed from front matter + Markdown and validated
//! on its own (dates, slug, aliases). Cross-article checks (categories, prev/next, duplicate
//! URLs) happen in `site::assemble`, where all articles are known.

use std::path::Path;

use jiff::ZonedDateTime;
use jiff::tz::TimeZone;

use super::front_matter::{FrontMatter, NoticeMatter, WithheldMatter};
use super::{Common, Located, ParseContext};
use crate::error::Error;

/// A parsed article.
#[derive(Debug, Clone)]
pub struct Article {
    /// Everything articles share with pages.
    pub common: Common,
    /// Publication date-time.
    pub date: ZonedDateTime,
    /// Last update, when given.
    pub updated: Option<ZonedDateTime>,
    /// Author ids or display names, as written.
    pub authors: Vec<Located<String>>,
    /// Category paths as written (`DRM Exclusive/News`).
    pub categories: Vec<Located<String>>,
    /// Tag names as written.
    pub tags: Vec<String>,
    /// The URL slug.
    pub slug: String,
    /// Explicit previous article (slug or content path).
    pub previous: Option<Located<String>>,
    /// Explicit next article (slug or content path).
    pub next: Option<Located<String>>,
    /// Corrections, newest first.
    pub corrections: Vec<Notice>,
    /// Updates, newest first.
    pub updates: Vec<Notice>,
    /// Set when the article was taken down: its body, summary and images are published nowhere.
    pub withheld: Option<Withheld>,
}

/// A dated correction or update, shown above the body.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    /// When it was made.
    pub date: ZonedDateTime,
    /// What it says.
    pub text: String,
}

/// Why and since when an article is withheld.
#[derive(Debug, Clone, PartialEq)]
pub struct Withheld {
    /// When it was taken down.
    pub date: ZonedDateTime,
    /// The notice readers see instead of the article.
    pub reason: String,
}

impl Article {
    /// Whether the article is withheld (only its title, date and notice are published).
    pub fn is_withheld(&self) -> bool {
        self.withheld.is_some()
    }
}

impl Article {
    /// Builds an article from parsed front matter; `errors` receives every problem found.
    pub(super) fn from_front_matter(
        fm: FrontMatter,
        common: Common,
        ctx: &ParseContext,
        errors: &mut Vec<Error>,
    ) -> Option<Article> {
        let date = match &fm.date {
            None => {
                errors.push(ctx.error_at_key(
                    "title",
                    "articles need a `date:` (like `date: 2023-09-05`); put pages under content/pages/ instead",
                ));
                None
            }
            Some(raw) => parse_date_field(raw, "date", ctx, errors),
        };
        let updated = fm.updated.as_ref().and_then(|raw| parse_date_field(raw, "updated", ctx, errors));
        let corrections = parse_notices(&fm.corrections, "corrections", ctx, errors);
        let updates = parse_notices(&fm.updates, "updates", ctx, errors);
        let withheld = fm.withheld.as_ref().and_then(|w| parse_withheld(w, ctx, errors));
        // A correction, an update or a takedown changes the article: its `updated` date (in
        // feeds, the sitemap and JSON-LD) moves to the latest of them.
        let updated = updated
            .into_iter()
            .chain(corrections.iter().chain(&updates).map(|n| n.date.clone()))
            .chain(withheld.iter().map(|w| w.date.clone()))
            .max_by_key(|d| d.timestamp());
        // The file name without its `YYYY-MM-DD-` prefix.
        let stem = file_stem_for_slug(&common.source);
        let slug = document_slug(fm.slug.as_deref(), strip_date_prefix(&stem), &common.title, ctx, errors);
        let mut authors: Vec<Located<String>> = Vec::new();
        for (key, list) in [("author", &fm.author), ("authors", &fm.authors)] {
            for name in list.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
                if !authors.iter().any(|a| a.value == name) {
                    authors.push(ctx.locate(key, name));
                }
            }
        }
        let categories = fm.categories.iter().map(|c| ctx.locate("categories", c.trim())).collect();
        let tags = fm.tags.iter().map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect();
        let previous = fm.previous.as_deref().map(|p| ctx.locate("previous", p.trim()));
        let next = fm.next.as_deref().map(|n| ctx.locate("next", n.trim()));
        Some(Article {
            common,
            date: date?,
            updated,
            authors,
            categories,
            tags,
            slug: slug?,
            previous,
            next,
            corrections,
            updates,
            withheld,
        })
    }
}

/// `corrections:` or `updates:` (`key`), newest first; each entry needs a date and a text.
fn parse_notices(written: &[NoticeMatter], key: &str, ctx: &ParseContext, errors: &mut Vec<Error>) -> Vec<Notice> {
    let mut notices = Vec::new();
    for entry in written {
        let text = entry.text.as_deref().map(str::trim).filter(|t| !t.is_empty());
        if text.is_none() {
            errors.push(ctx.error_at_key(
                key,
                format!("each entry of `{key}:` needs a `text:` saying what changed, like `- {{ date: 2024-03-20, text: \"…\" }}`"),
            ));
        }
        let date = match entry.date.as_deref() {
            None => {
                errors.push(ctx.error_at_key(
                    key,
                    format!("each entry of `{key}:` needs a `date:`, like `- {{ date: 2024-03-20, text: \"…\" }}`"),
                ));
                None
            }
            Some(raw) => parse_nested_date(raw, key, ctx, errors),
        };
        if let (Some(date), Some(text)) = (date, text) {
            notices.push(Notice { date, text: text.to_string() });
        }
    }
    notices.sort_by(|a, b| b.date.timestamp().cmp(&a.date.timestamp()));
    notices
}

/// `withheld:`: a date and the reason readers are given are both required.
fn parse_withheld(written: &WithheldMatter, ctx: &ParseContext, errors: &mut Vec<Error>) -> Option<Withheld> {
    let reason = written.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    if reason.is_none() {
        errors.push(ctx.error_at_key(
            "withheld",
            "`withheld:` needs a `reason:` telling readers why the article was removed, like `withheld: { date: 2025-01-10, reason: \"Removed on the order of …\" }`",
        ));
    }
    let date = match written.date.as_deref() {
        None => {
            errors.push(ctx.error_at_key(
                "withheld",
                "`withheld:` needs the `date:` the article was removed, like `withheld: { date: 2025-01-10, reason: \"…\" }`",
            ));
            None
        }
        Some(raw) => parse_nested_date(raw, "withheld", ctx, errors),
    };
    Some(Withheld { date: date?, reason: reason?.to_string() })
}

/// A `date:` written inside the block of `key`, located at its value.
fn parse_nested_date(raw: &str, key: &str, ctx: &ParseContext, errors: &mut Vec<Error>) -> Option<ZonedDateTime> {
    let what = format!("`date: {raw}` in `{key}:`");
    parse_date_at(raw, key, &what, "2024-03-20", ctx, errors)
}

/// The date field `key`.
fn parse_date_field(raw: &str, key: &str, ctx: &ParseContext, errors: &mut Vec<Error>) -> Option<ZonedDateTime> {
    parse_date_at(raw, key, &format!("`{key}: {raw}`"), "2023-09-05", ctx, errors)
}

/// `raw` as a date in the site's time zone, or an error at the value of `key` saying that
/// `what` is not one, with an example date.
fn parse_date_at(
    raw: &str,
    key: &str,
    what: &str,
    example: &str,
    ctx: &ParseContext,
    errors: &mut Vec<Error>,
) -> Option<ZonedDateTime> {
    match parse_date(raw, &ctx.config.timezone) {
        Ok(d) => Some(d),
        Err(why) => {
            let message =
                format!("{what} is not a date: write `{example}` or `{example}T14:30:00+05:00`{}", explain(raw, &why));
            errors.push(ctx.error_at_value(key, raw, message));
            None
        }
    }
}

/// jiff's reason helps when the text looks like a date but is impossible (`2023-02-30`); for
/// words like `yesterday` it only talks about digits, so it is left out.
fn explain(raw: &str, why: &str) -> String {
    let looks_like_a_date = raw.trim().len() >= 10 && raw.trim().as_bytes()[..4].iter().all(u8::is_ascii_digit);
    if looks_like_a_date { format!(" ({why})") } else { String::new() }
}

/// Parses `2023-09-05`, `2023-09-05T10:00:00` (both in the site's time zone) or an RFC 3339
/// date-time with an offset, which is kept so the article shows the author's local date.
pub fn parse_date(raw: &str, site_tz: &TimeZone) -> Result<ZonedDateTime, String> {
    let pieces = jiff::fmt::temporal::Pieces::parse(raw.trim()).map_err(|e| e.to_string())?;
    let time = pieces.time().unwrap_or(jiff::civil::Time::midnight());
    let datetime = pieces.date().to_datetime(time);
    let tz = match pieces.to_numeric_offset() {
        Some(offset) => TimeZone::fixed(offset),
        None => site_tz.clone(),
    };
    datetime.to_zoned_datetime(tz).map_err(|e| e.to_string())
}

/// The slug of an article or a page (the last segment of its URL): explicit `slug:` (checked
/// to be a safe path segment without characters a URL would have to escape), else `stem` (the
/// file name, as the caller prepares it) slugified; if that has no letters or digits, the
/// title, slugified.
pub(super) fn document_slug(
    explicit: Option<&str>,
    stem: &str,
    title: &str,
    ctx: &ParseContext,
    errors: &mut Vec<Error>,
) -> Option<String> {
    if let Some(raw) = explicit {
        let raw = raw.trim();
        if crate::slug::is_safe_path_segment(raw) && !raw.contains(['?', '#', ' ']) {
            return Some(raw.to_string());
        }
        errors.push(ctx.error_at_key(
            "slug",
            format!("slug `{raw}` cannot be used in a URL: use letters, digits and `-`, without `/`, `\\`, `?`, `#`, spaces or `..`"),
        ));
        return None;
    }
    let from_file = crate::slug::slugify(stem);
    if !from_file.is_empty() {
        return Some(from_file);
    }
    let from_title = crate::slug::slugify(title);
    if !from_title.is_empty() {
        return Some(from_title);
    }
    errors.push(ctx.error_at_key(
        "title",
        "neither the file name nor the title has letters or digits to make a URL from: add `slug: some-words`",
    ));
    None
}

/// The file name without `.md`, or the folder name for `index.md`.
pub(super) fn file_stem_for_slug(source: &Path) -> String {
    let stem = source.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    if stem == "index"
        && let Some(dir) = source.parent().and_then(Path::file_name)
    {
        return dir.to_string_lossy().into_owned();
    }
    stem
}

/// Strips a leading `YYYY-MM-DD-` from a file name.
pub fn strip_date_prefix(stem: &str) -> &str {
    let bytes = stem.as_bytes();
    let is_date_prefix = bytes.len() > 11
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[5..7].iter().all(u8::is_ascii_digit)
        && bytes[7] == b'-'
        && bytes[8..10].iter().all(u8::is_ascii_digit)
        && bytes[10] == b'-';
    if is_date_prefix { &stem[11..] } else { stem }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_only_is_midnight_in_site_zone() {
        let tz = TimeZone::get("Asia/Karachi").unwrap();
        let d = parse_date("2023-09-05", &tz).unwrap();
        assert_eq!(d.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(), "2023-09-05T00:00:00+05:00");
    }

    #[test]
    fn explicit_offset_is_kept() {
        let d = parse_date("2024-03-01T23:30:00+05:00", &TimeZone::UTC).unwrap();
        assert_eq!(d.strftime("%Y-%m-%d %H:%M %:z").to_string(), "2024-03-01 23:30 +05:00");
    }

    #[test]
    fn nonsense_dates_are_rejected() {
        assert!(parse_date("yesterday", &TimeZone::UTC).is_err());
        assert!(parse_date("2023-02-30", &TimeZone::UTC).is_err());
    }

    #[test]
    fn date_prefix_is_stripped_from_file_names() {
        assert_eq!(strip_date_prefix("2023-09-05-my-post"), "my-post");
        assert_eq!(strip_date_prefix("2023-my-post"), "2023-my-post");
        assert_eq!(strip_date_prefix("2023-09-05"), "2023-09-05");
    }

    #[test]
    fn index_md_takes_its_folder_name() {
        assert_eq!(
            file_stem_for_slug(Path::new("content/2023/09/2023-09-01-shutdown/index.md")),
            "2023-09-01-shutdown"
        );
        assert_eq!(file_stem_for_slug(Path::new("content/2023/09/x.md")), "x");
    }
}
