//! What an import did, for the person who runs it: counts, old addresses kept, media, and
//! everything that could not be carried over, grouped by kind.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use super::ImportOptions;
use super::plan::{Index, Kind, Planned};

/// How many lines of one warning kind the summary prints.
const SHOWN_PER_KIND: usize = 15;

/// The result of an import.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// The export file.
    pub export: PathBuf,
    /// The site root written to.
    pub into: PathBuf,
    /// Nothing was written.
    pub dry_run: bool,
    /// The export's WXR version.
    pub wxr_version: String,
    /// Published posts (scheduled included).
    pub posts: usize,
    /// Posts imported as drafts (draft, pending, private, password-protected).
    pub drafts: usize,
    /// Posts scheduled for later.
    pub scheduled: usize,
    /// Pages.
    pub pages: usize,
    /// Categories in the tree.
    pub categories: usize,
    /// Tags.
    pub tags: usize,
    /// Authors.
    pub authors: usize,
    /// Old addresses kept as aliases.
    pub aliases: usize,
    /// Approved comments on imported posts and pages.
    pub comments: usize,
    /// Comments written to `data/comments/`.
    pub comments_exported: usize,
    /// Files referenced from posts (uploads).
    pub media_referenced: usize,
    /// Files copied into `static/uploads/`.
    pub media_copied: usize,
    /// Referenced files not found in the uploads folder.
    pub media_missing: Vec<String>,
    /// Whether `--uploads` was given.
    pub uploads_given: bool,
    /// Menu items written to `menu:`.
    pub menu_links: usize,
    /// Menu items left out.
    pub menu_skipped: usize,
    /// Items of other types that were not imported, by type (`attachment`, `product`…).
    pub skipped: BTreeMap<String, usize>,
    /// Files written (or, in a dry run, that would be).
    pub written: usize,
    /// Files that already existed and were kept as they were.
    pub kept: Vec<String>,
    /// The configuration file written (`site.yaml` or `site.wordpress.yaml`).
    pub site_yaml: Option<String>,
    /// Warnings by kind, each naming its post.
    pub notes: BTreeMap<&'static str, Vec<String>>,
}

impl ImportReport {
    /// A report for an import of `index` with `opts`; the item counts are filled as items are
    /// written.
    pub fn new(opts: &ImportOptions, index: &Index) -> Self {
        let mut skipped = BTreeMap::new();
        for item in &index.items {
            let imported = matches!(item.post_type.as_str(), "post" | "page" | "nav_menu_item");
            if !imported {
                *skipped.entry(item.post_type.clone()).or_default() += 1;
            }
        }
        ImportReport {
            export: opts.export.clone(),
            into: opts.into.clone(),
            dry_run: opts.dry_run,
            wxr_version: index.channel.wxr_version.clone(),
            categories: index.categories.len(),
            tags: index.tags.len(),
            authors: index.authors.len(),
            uploads_given: opts.uploads.is_some(),
            skipped,
            ..ImportReport::default()
        }
    }

    /// Counts one written post or page.
    pub fn count_item(&mut self, planned: &Planned, status: &str, comments: usize, draft: bool) {
        match planned.kind {
            Kind::Page => self.pages += 1,
            Kind::Post if draft => self.drafts += 1,
            Kind::Post if status == "future" => {
                self.scheduled += 1;
                self.posts += 1;
            }
            Kind::Post => self.posts += 1,
        }
        self.aliases += planned.aliases.len();
        self.comments += comments;
    }

    /// Records a warning of `kind`.
    pub fn note(&mut self, kind: &'static str, message: String) {
        self.notes.entry(kind).or_default().push(message);
    }

    /// Sorts what needs sorting once everything is counted.
    pub fn finish(&mut self) {
        self.media_missing.sort();
        self.kept.sort();
        for messages in self.notes.values_mut() {
            messages.sort();
        }
    }

    /// The number of warnings of all kinds.
    pub fn warning_count(&self) -> usize {
        self.notes.values().map(Vec::len).sum::<usize>() + self.media_missing.len() + self.kept.len()
    }
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verb = if self.dry_run { "Would import" } else { "Imported" };
        writeln!(f, "{verb} {} (WXR {}) into {}", self.export.display(), self.wxr_version, self.into.display())?;
        let row = |f: &mut fmt::Formatter<'_>, label: &str, value: String| writeln!(f, "  {label:<11} {value}");
        row(f, "posts", format!("{} published ({} scheduled), {} drafts", self.posts, self.scheduled, self.drafts))?;
        row(f, "pages", self.pages.to_string())?;
        row(f, "categories", self.categories.to_string())?;
        row(f, "tags", self.tags.to_string())?;
        row(f, "authors", self.authors.to_string())?;
        row(f, "aliases", format!("{} old addresses redirect to the new ones", self.aliases))?;
        let media = if self.uploads_given {
            format!(
                "{} referenced, {} copied to static/uploads/, {} missing",
                self.media_referenced,
                self.media_copied,
                self.media_missing.len()
            )
        } else {
            format!(
                "{} referenced as /uploads/…; pass --uploads DIR (a copy of wp-content/uploads) to copy them",
                self.media_referenced
            )
        };
        row(f, "media", media)?;
        let comments = if self.comments_exported > 0 {
            format!("{} approved, written to data/comments/", self.comments_exported)
        } else {
            format!("{} approved, not imported (--comments writes them to data/comments/)", self.comments)
        };
        row(f, "comments", comments)?;
        row(f, "menu", format!("{} links in `menu:`, {} items left out", self.menu_links, self.menu_skipped))?;
        if !self.skipped.is_empty() {
            let list: Vec<String> = self.skipped.iter().map(|(kind, n)| format!("{n} {kind}")).collect();
            row(f, "skipped", list.join(", "))?;
        }
        let files = if self.dry_run { "would be written" } else { "written" };
        row(
            f,
            "files",
            format!("{} {files}; configuration in {}", self.written, self.site_yaml.as_deref().unwrap_or("-")),
        )?;
        let mut sections: Vec<(&str, &[String])> = self.notes.iter().map(|(k, v)| (*k, v.as_slice())).collect();
        sections.push(("missing media", &self.media_missing));
        sections.push(("kept (already existed, not replaced)", &self.kept));
        let sections: Vec<_> = sections.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        if !sections.is_empty() {
            writeln!(f, "\nWarnings ({}):", self.warning_count())?;
        }
        for (kind, messages) in sections {
            writeln!(f, "  {kind} ({}):", messages.len())?;
            for m in messages.iter().take(SHOWN_PER_KIND) {
                writeln!(f, "    {m}")?;
            }
            if messages.len() > SHOWN_PER_KIND {
                writeln!(f, "    … and {} more", messages.len() - SHOWN_PER_KIND)?;
            }
        }
        Ok(())
    }
}
