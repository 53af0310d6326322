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
    /// Referenced files not in the uploads folder (all of them without `--uploads`): their
    /// references point at the old site, which still serves them.
    pub media_remote: Vec<String>,
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
    /// Categories that posts use and the export's list lacks, added at the top of the tree.
    pub undeclared_categories: Vec<String>,
    /// Tags that posts use and the export's list lacks.
    pub undeclared_tags: Vec<String>,
    /// Warnings by kind, each naming its post.
    pub notes: BTreeMap<&'static str, Vec<String>>,
    /// The file, relative to the site root, that lists every warning (the printed report
    /// shows the first few of each kind); `None` in a dry run.
    pub full_report: Option<String>,
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
            undeclared_categories: index.undeclared.categories.clone(),
            undeclared_tags: index.undeclared.tags.clone(),
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
        self.media_remote.sort();
        self.kept.sort();
        for messages in self.notes.values_mut() {
            messages.sort();
        }
    }

    /// The number of warnings of all kinds.
    pub fn warning_count(&self) -> usize {
        self.notes.values().map(Vec::len).sum::<usize>()
            + self.media_remote.len()
            + self.kept.len()
            + self.undeclared_categories.len()
            + self.undeclared_tags.len()
    }

    /// The whole report, every warning listed: the text of [`ImportReport::full_report`].
    pub fn full_text(&self) -> String {
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = self.write(&mut text, None);
        text
    }

    /// The summary, then the warnings by kind, at most `limit` lines of each.
    fn write(&self, f: &mut impl fmt::Write, limit: Option<usize>) -> fmt::Result {
        self.write_summary(f)?;
        self.write_warnings(f, limit)
    }
}

impl fmt::Display for ImportReport {
    /// The report as printed: at most `SHOWN_PER_KIND` lines of each kind of warning when the
    /// full list was written to a file (a dry run writes nothing, so it prints every one).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, self.full_report.as_ref().map(|_| SHOWN_PER_KIND))
    }
}

impl ImportReport {
    fn write_summary(&self, f: &mut impl fmt::Write) -> fmt::Result {
        let verb = if self.dry_run { "Would import" } else { "Imported" };
        writeln!(f, "{verb} {} (WXR {}) into {}", self.export.display(), self.wxr_version, self.into.display())?;
        let row = |f: &mut dyn fmt::Write, label: &str, value: String| writeln!(f, "  {label:<11} {value}");
        row(f, "posts", format!("{} published ({} scheduled), {} drafts", self.posts, self.scheduled, self.drafts))?;
        row(f, "pages", self.pages.to_string())?;
        row(f, "categories", self.categories.to_string())?;
        row(f, "tags", self.tags.to_string())?;
        row(f, "authors", self.authors.to_string())?;
        row(f, "aliases", format!("{} old addresses redirect to the new ones", self.aliases))?;
        let media = if self.uploads_given {
            format!(
                "{} referenced, {} copied to static/uploads/, {} still served from the old site",
                self.media_referenced,
                self.media_copied,
                self.media_remote.len()
            )
        } else {
            format!(
                "{} referenced, still served from the old site; pass --uploads DIR (a copy of wp-content/uploads) to copy them",
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
        )
    }

    fn write_warnings(&self, f: &mut impl fmt::Write, limit: Option<usize>) -> fmt::Result {
        let mut sections: Vec<(String, &[String])> =
            self.notes.iter().map(|(kind, v)| (format!("{kind} ({})", v.len()), v.as_slice())).collect();
        let counted = [
            (
                &self.undeclared_categories,
                "categories used by posts but missing from the export's list: added at the top level",
            ),
            (&self.undeclared_tags, "tags used by posts but missing from the export's list: added"),
            (
                &self.media_remote,
                "files still served from the old site: copy wp-content/uploads and import again with --uploads (into a new folder)",
            ),
            (&self.kept, "files already existed and were kept, not replaced"),
        ];
        sections.extend(counted.iter().map(|(list, what)| (format!("{} {what}", list.len()), list.as_slice())));
        let sections: Vec<_> = sections.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        if !sections.is_empty() {
            writeln!(f, "\nWarnings ({}):", self.warning_count())?;
        }
        let limit = limit.unwrap_or(usize::MAX);
        for (heading, messages) in sections {
            writeln!(f, "  {heading}:")?;
            for m in messages.iter().take(limit) {
                writeln!(f, "    {m}")?;
            }
            if messages.len() > limit {
                writeln!(f, "    … and {} more", messages.len() - limit)?;
            }
        }
        if let Some(file) = &self.full_report {
            writeln!(f, "\nThe full report, with every warning, is in {}", self.into.join(file).display())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report_with(notes: usize) -> ImportReport {
        let mut report = ImportReport::default();
        for n in 0..notes {
            report.note("shortcode", format!("content/x{n:02}.md: `[audio]` is not supported"));
        }
        report
    }

    // See issue 22: the printed report said "… and N more" though README promised every warning.
    #[test]
    fn the_printed_report_shows_a_few_of_each_kind_and_the_file_every_one() {
        let mut report = report_with(SHOWN_PER_KIND + 3);
        report.full_report = Some("import-report.txt".into());
        let printed = report.to_string();
        assert!(printed.contains("  shortcode (18):\n"), "{printed}");
        assert!(printed.contains("    … and 3 more\n"), "{printed}");
        assert!(!printed.contains("x17.md"), "{printed}");
        assert!(printed.ends_with("The full report, with every warning, is in import-report.txt\n"), "{printed}");
        let full = report.full_text();
        assert!(full.contains("x17.md") && !full.contains("more"), "{full}");
    }

    #[test]
    fn a_dry_run_prints_every_warning() {
        let report = report_with(SHOWN_PER_KIND + 3);
        let printed = report.to_string();
        assert!(printed.contains("x17.md") && !printed.contains("… and"), "{printed}");
    }
}
