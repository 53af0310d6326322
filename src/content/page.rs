//! `Page`: an undated document under `content/pages/` (About, Contact…), served at `/<slug>/`.
//! Nested folders keep their structure: `pages/about/team.md` → `/about/team/`.

use std::path::Path;

use super::front_matter::FrontMatter;
use super::{Common, ParseContext};
use crate::error::Error;

/// A parsed page.
#[derive(Debug, Clone)]
pub struct Page {
    /// Everything pages share with articles.
    pub common: Common,
    /// Site path, like `/about/` or `/about/team/`.
    pub path: String,
    /// Optional last update.
    pub updated: Option<jiff::ZonedDateTime>,
}

impl Page {
    /// Builds a page; `path_in_pages` is the file's path relative to `content/pages/`.
    pub(super) fn from_front_matter(
        fm: FrontMatter,
        common: Common,
        path_in_pages: &Path,
        ctx: &ParseContext,
        errors: &mut Vec<Error>,
    ) -> Option<Page> {
        for (key, used) in [
            ("categories", !fm.categories.is_empty()),
            ("tags", !fm.tags.is_empty()),
            ("previous", fm.previous.is_some()),
            ("next", fm.next.is_some()),
            ("corrections", !fm.corrections.is_empty()),
            ("updates", !fm.updates.is_empty()),
            ("withheld", fm.withheld.is_some()),
        ] {
            if used {
                errors.push(ctx.error_at_key(
                    key,
                    format!("pages do not have `{key}`: remove it, or move the file out of content/pages/ to make it an article"),
                ));
            }
        }
        let updated = fm.updated.as_deref().and_then(|raw| {
            super::article::parse_date(raw, &ctx.config.timezone)
                .map_err(|why| {
                    errors.push(ctx.error_at_value("updated", raw, format!("`updated: {raw}` is not a date ({why})")))
                })
                .ok()
        });
        let path = page_path(path_in_pages, fm.slug.as_deref(), &common.title, ctx, errors)?;
        Some(Page { common, path, updated })
    }
}

/// `about.md` → `/about/`, `about/team.md` → `/about/team/`, `about/index.md` → `/about/`; an
/// explicit `slug:` replaces the last segment.
fn page_path(
    path_in_pages: &Path,
    explicit: Option<&str>,
    title: &str,
    ctx: &ParseContext,
    errors: &mut Vec<Error>,
) -> Option<String> {
    let mut segments: Vec<String> = path_in_pages
        .parent()
        .map(|p| p.components().map(|c| crate::slug::slugify(&c.as_os_str().to_string_lossy())).collect())
        .unwrap_or_default();
    let is_index = path_in_pages.file_stem().is_some_and(|s| s == "index");
    if is_index {
        segments.pop();
    }
    let stem = super::article::file_stem_for_slug(path_in_pages);
    let last = super::article::document_slug(explicit, &stem, title, ctx, errors)?;
    segments.push(last);
    Some(format!("/{}/", segments.join("/")))
}
