//! Incremental rebuilds for the dev server, in two tiers:
//!
//! - An edit that changes only the bodies of known articles (the common case while writing)
//!   is applied to the last build in place ([`Rebuilder::edit_in_place`]): re-parse those
//!   files, swap them into the model, update their cards, render the pages that show them.
//!   Its cost does not grow with the archive.
//! - Anything else runs the whole pipeline, but cheaply: documents come from
//!   [`ContentCache`] unless their file changed, the model is re-assembled (re-using the
//!   related-article lists when nothing they depend on moved), and only the outputs whose
//!   template inputs differ from the last good build are rendered ([`Selection::between`]).
//!
//! Comparing the new bytes with the old then says exactly which URLs changed. Nothing is
//! written to disk. The watcher's list of paths is trusted only to tell edits of known
//! Markdown files from everything else; anything else re-checks every file, so a coalesced
//! event cannot leave a stale page behind. Tests check that both tiers produce exactly what a
//! full rebuild produces.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use super::content_cache::{ContentCache, same_apart_from_body};
use super::images::{ImageJob, Jobs};
use super::select::{Build, Selection};
use super::state::SiteFiles;
use super::watch::Change;
use crate::error::{Error, IoResultExt, Result};
use crate::fs::RACY_WINDOW;
use crate::headers::PageSources;
use crate::output::{self, Contents, Data, Origin, OutputFile};
use crate::pipeline::{self, Prepared, Purpose, Reuse};
use crate::render::context::{ArticleSummaryView, ViewBuilder};
use crate::render::{Renderer, SharedViews};
use crate::site::{ArticleId, Site};
use crate::{BuildOptions, markdown};

/// What a successful rebuild produced.
pub struct Outcome {
    /// The whole site, to serve from now on.
    pub files: Arc<SiteFiles>,
    /// Site paths whose bytes changed, appeared or disappeared, sorted.
    pub changed: Vec<String>,
    /// Outputs rendered (the rest were re-used).
    pub rendered: usize,
    /// Markdown files parsed (the rest came from the cache).
    pub parsed: usize,
    /// Whether every output was rendered.
    pub full: bool,
    /// Wall time.
    pub elapsed: Duration,
    /// Wall time of each step, in order (`content`, `assemble`, `render`…).
    pub phases: Vec<(&'static str, Duration)>,
    /// Images whose files are still to be made (served as `later` until then).
    pub images: Vec<Arc<ImageJob>>,
}

/// Times the steps of a rebuild.
struct Phases(Vec<(&'static str, Duration)>, Instant, Instant);

impl Phases {
    fn start() -> Phases {
        let now = Instant::now();
        Phases(Vec::new(), now, now)
    }

    /// Ends the step called `name`.
    fn mark(&mut self, name: &'static str) {
        let now = Instant::now();
        self.0.push((name, now - self.2));
        self.2 = now;
    }

    fn total(&self) -> Duration {
        self.1.elapsed()
    }
}

/// The last good build, kept to compare the next one with.
struct LastGood {
    site: Site,
    views: SharedViews,
    renderer: Renderer,
    /// Rendered outputs: site path → bytes and what produced it.
    rendered: HashMap<String, (Arc<[u8]>, Origin)>,
    /// Site paths of the copied files.
    copy_paths: Vec<String>,
    files: Arc<SiteFiles>,
}

/// A file's identity for the byte cache.
type CopyStamp = (Option<SystemTime>, u64);

/// Rebuilds one site again and again, keeping caches between builds.
pub struct Rebuilder {
    opts: BuildOptions,
    markdown: markdown::Markdown,
    documents: ContentCache,
    /// Static and content files read earlier: path → stamp and bytes.
    copied: HashMap<PathBuf, (CopyStamp, Arc<[u8]>)>,
    last: Option<LastGood>,
    /// The build before `last`, until [`Rebuilder::release_previous`].
    retired: Option<LastGood>,
    /// Whether the latest rebuild failed.
    failing: bool,
    /// What each page runs and loads, for the security headers.
    security: Security,
    /// When images the cache lacks are processed (see [`Rebuilder::process_images_later`]).
    image_timing: crate::images::Timing,
    /// The images still to process, shared with the server's background thread.
    jobs: Jobs,
}

/// What each HTML page of the last build runs and loads (see [`crate::headers`]): read again
/// only for the pages a rebuild changed, so the policy costs a rebuild what it rendered.
#[derive(Default)]
struct Security {
    pages: HashMap<String, PageSources>,
}

impl Security {
    /// Reads the `pages` that changed again, then gives `files` its security headers and, as
    /// `build` writes it, `_headers` (added to `changed` when it differs from `old`'s).
    fn refresh(
        &mut self,
        site: &Site,
        files: &mut SiteFiles,
        pages: &[String],
        old: Option<&SiteFiles>,
        changed: &mut Vec<String>,
    ) {
        for path in pages.iter().filter(|p| crate::output::is_html_path(p)) {
            match files.files.get(path.as_str()) {
                Some(bytes) => self.pages.insert(path.clone(), PageSources::of_html(bytes)),
                None => self.pages.remove(path),
            };
        }
        let all = PageSources::union(self.pages.values());
        files.headers = crate::headers::security_headers(site, &all);
        let path = crate::headers::HEADERS_FILE;
        let text = crate::headers::headers_file(site, &all).and_then(|f| match f.contents {
            Contents::Text(text) => Some(text),
            _ => None,
        });
        // Without one of pamphlet's (`headers_file: false`, a host that does not read it, or
        // the site's own static/_headers), the map keeps what the build put there.
        if let Some(text) = text {
            files.files.insert(Arc::from(path), Arc::from(text.into_bytes()));
        }
        changed.retain(|c| c != path);
        let before = old.and_then(|o| o.files.get(path));
        if before.map(|b| &b[..]) != files.files.get(path).map(|b| &b[..]) {
            changed.push(path.to_string());
            changed.sort();
        }
    }
}

impl Rebuilder {
    /// A rebuilder for the site `opts` describes (its output folder is never used).
    pub fn new(opts: BuildOptions) -> Rebuilder {
        Rebuilder {
            opts,
            markdown: markdown::Markdown::new(),
            documents: ContentCache::default(),
            copied: HashMap::new(),
            last: None,
            retired: None,
            failing: false,
            security: Security::default(),
            image_timing: crate::images::Timing::Now,
            jobs: Jobs::default(),
        }
    }

    /// Leaves images the cache lacks for later (the dev server): a rebuild reads only their
    /// headers, and serves their files from [`ImageJob`]s (see [`Outcome::images`]).
    pub fn process_images_later(&mut self) {
        self.image_timing = crate::images::Timing::Later;
    }

    /// What indexing the last good build's site needs, for the background index (`None` with
    /// `search: false`, or before a build has succeeded).
    pub fn search_input(&self) -> Option<crate::search::IndexInput> {
        self.last.as_ref().and_then(|last| crate::search::index_input(&last.site))
    }

    /// Frees the build that the last successful rebuild replaced.
    pub fn release_previous(&mut self) {
        self.retired = None;
    }

    /// Builds the site again after `change`. On failure the previous build stays the one
    /// compared against.
    pub fn rebuild(&mut self, change: &Change) -> Result<Outcome> {
        let result = self.rebuild_after(change);
        self.failing = result.is_err();
        result
    }

    fn rebuild_after(&mut self, change: &Change) -> Result<Outcome> {
        let mut phases = Phases::start();
        if let Change::Content(paths) = change {
            if let Some(outcome) = self.edit_in_place(paths, &mut phases) {
                return outcome;
            }
            // Edits to known articles need no new listing of content/ (see `only_changed`).
            self.documents.only_changed(paths.iter().map(|p| self.opts.root.join(p)).collect());
        }
        let Prepared { site, renderer, statics, markdown, pending_images, .. } = self.load(&mut phases)?;
        // With this build's shortcodes, so that an edited article is parsed as a build would.
        self.markdown = markdown;
        let views = SharedViews::new(&site);
        phases.mark("views");
        let selection = match &self.last {
            Some(last) => Selection::between(
                Build { site: &last.site, views: &last.views, renderer: &last.renderer },
                Build { site: &site, views: &views, renderer: &renderer },
            ),
            None => Selection::all(),
        };
        phases.mark("compare");
        let outputs = renderer.render_selected(&site, &views, &selection)?;
        phases.mark("render");
        let copies = pipeline::copied_files(&self.opts.root, statics, &site);
        // Feeds, the sitemap and robots.txt, as `build` writes them (a body-only edit takes the
        // in-place path, which updates the feeds listing the article). The search index is not
        // built while serving: it takes seconds on a large site.
        let mut outputs = outputs;
        outputs.extend(pipeline::publishing_outputs(&site, &copies)?);
        // As `build` writes them: with `minify: true`, minified.
        if site.config.minify {
            crate::minify::minify_pages(&mut outputs);
        }
        let copy_paths: Vec<String> = copies.iter().map(|c| c.path.clone()).collect();
        // Rendered paths change only with a full render: check again when anything moved.
        match &self.last {
            Some(last) if !selection.is_all() => {
                if last.copy_paths != copy_paths {
                    check_rendered_and_copied(last.rendered.iter().map(|(p, (_, o))| (p, o)), &copies)?;
                }
            }
            _ => check_rendered_and_copied(outputs.iter().map(|f| (&f.path, &f.origin)), &copies)?,
        }
        // Files of images not processed yet are served from their jobs until they exist.
        let jobs = self.jobs.update(pending_images);
        let job_of: HashMap<&std::path::Path, &Arc<ImageJob>> =
            jobs.iter().flat_map(|j| j.pending().files().iter().map(move |f| (f.as_path(), j))).collect();
        let mut later = HashMap::new();
        let mut copied: Vec<(String, Arc<[u8]>)> = Vec::with_capacity(copies.len());
        for f in &copies {
            match &f.contents {
                Contents::Cached(file) if job_of.contains_key(file.as_path()) => {
                    later.insert(Arc::from(f.path.as_str()), (job_of[file.as_path()].clone(), file.clone()));
                }
                _ => copied.push((f.path.clone(), self.read_copied(f)?)),
            }
        }
        // Nothing below fails: the last build's rendered outputs can be updated in place.
        let rendered_count = outputs.len();
        let rendered = self.merge_rendered(outputs, selection.is_all());
        let mut files = HashMap::with_capacity(rendered.len() + copied.len());
        files.extend(rendered.iter().map(|(path, (bytes, _))| (Arc::from(path.as_str()), bytes.clone())));
        files.extend(copied.into_iter().map(|(path, bytes)| (Arc::from(path), bytes)));
        // `_redirects`, as `build` writes it, from the paths of every other output. Body edits
        // (`edit_in_place`) move no path, so theirs stays this one.
        let published: Vec<&str> =
            rendered.keys().map(String::as_str).chain(copy_paths.iter().map(String::as_str)).collect();
        for file in crate::redirects::build_outputs(&site, &published).0 {
            if let Contents::Text(text) = file.contents {
                files.insert(Arc::from(file.path.as_str()), Arc::from(text.into_bytes()));
            }
        }
        let mut files = SiteFiles { prefix: site.config.base_url.prefix.clone(), files, headers: Vec::new(), later };
        let mut changed = changed_paths(self.last.as_ref().map(|l| &*l.files), &files);
        let pages = changed.clone();
        self.security.refresh(&site, &mut files, &pages, self.last.as_ref().map(|l| &*l.files), &mut changed);
        let files = Arc::new(files);
        phases.mark("diff");
        let outcome = Outcome {
            files: files.clone(),
            changed,
            rendered: rendered_count,
            parsed: self.documents.parsed_last(),
            full: selection.is_all(),
            elapsed: phases.total(),
            phases: phases.0,
            images: jobs.into_iter().filter(|j| !j.is_done()).collect(),
        };
        // Freeing a large model takes tens of milliseconds: leave it for `release_previous`,
        // after the pages have been told.
        self.retired = self.last.replace(LastGood { site, views, renderer, rendered, copy_paths, files });
        Ok(outcome)
    }

    /// Edits that change only the bodies of known articles, applied to the last build in place:
    /// parse the edited files, swap them into the model, update their cards, and render what
    /// shows them ([`Selection::after_edits`]). Such an edit cannot move anything, so this is
    /// what the full pipeline would produce, without its work proportional to the archive.
    /// `None` when the change is anything else, or the last build failed (its other problems
    /// must be reported again): then the full pipeline runs.
    fn edit_in_place(&mut self, paths: &[PathBuf], phases: &mut Phases) -> Option<Result<Outcome>> {
        // Files that still exist: a deleted or renamed article moves things around.
        let edited_markdown =
            paths.iter().all(|p| p.extension().is_some_and(|e| e == "md") && self.opts.root.join(p).is_file());
        if self.failing || paths.is_empty() || !edited_markdown {
            return None;
        }
        let root = self.opts.root.clone();
        let last = self.last.as_mut()?;
        let mut edits = Vec::with_capacity(paths.len());
        for rel in paths {
            let id = last.site.articles.iter().position(|a| a.article.common.source == *rel)?;
            let article = match self.documents.reload_article(&root, &root.join(rel), &last.site.config, &self.markdown)
            {
                Ok(Some(article)) => article,
                Ok(None) => return None,
                Err(e) => return Some(Err(e)),
            };
            if !same_apart_from_body(&last.site.articles[id].article, &article) {
                return None;
            }
            edits.push((id, article));
        }
        phases.mark("content");
        let undo = swap_in_edits(last, edits);
        // As `build` does: an edit that shows a missing image fails.
        let images = {
            let published: std::collections::HashSet<&str> = last.copy_paths.iter().map(String::as_str).collect();
            let edited =
                undo.edits.iter().map(|(id, _, _)| &last.site.articles[*id]).filter(|a| !a.article.is_withheld());
            let edited = edited.map(|a| (&a.article.common, &a.image, a.path.as_str()));
            pipeline::check_document_images(edited, &published)
        };
        if let Err(e) = images {
            undo.apply(last);
            return Some(Err(e));
        }
        let cards: Vec<(ArticleId, bool)> =
            undo.edits.iter().map(|(id, _, card)| (*id, *card != last.views.summaries[*id])).collect();
        let recent_changed = undo.recent != last.views.site.recent;
        let selection = Selection::after_edits(&last.site, &last.renderer, &cards, recent_changed);
        phases.mark("compare");
        let edited: Vec<ArticleId> = cards.iter().map(|(id, _)| *id).collect();
        let mut outputs = match last.renderer.render_selected(&last.site, &last.views, &selection).and_then(|mut o| {
            // The edited articles' feed entries carry their bodies.
            o.extend(feeds_containing(&last.site, &edited)?);
            Ok(o)
        }) {
            Ok(outputs) => outputs,
            Err(e) => {
                undo.apply(last);
                return Some(Err(e));
            }
        };
        if last.site.config.minify {
            crate::minify::minify_pages(&mut outputs);
        }
        phases.mark("render");
        let rendered = outputs.len();
        let mut files = last.files.files.clone();
        let mut changed = Vec::new();
        for file in outputs {
            let Contents::Text(text) = file.contents else { continue };
            let bytes: Arc<[u8]> = Arc::from(text.into_bytes());
            if files.get(file.path.as_str()).is_none_or(|old| old[..] != bytes[..]) {
                changed.push(file.path.clone());
            }
            files.insert(Arc::from(file.path.as_str()), bytes.clone());
            last.rendered.insert(file.path, (bytes, file.origin));
        }
        changed.sort();
        let mut new_files = SiteFiles {
            prefix: last.files.prefix.clone(),
            files,
            headers: Vec::new(),
            later: last.files.later.clone(),
        };
        let pages = changed.clone();
        self.security.refresh(&last.site, &mut new_files, &pages, Some(&last.files), &mut changed);
        last.files = Arc::new(new_files);
        phases.mark("diff");
        Some(Ok(Outcome {
            files: last.files.clone(),
            changed,
            rendered,
            parsed: paths.len(),
            full: false,
            elapsed: phases.total(),
            phases: std::mem::take(&mut phases.0),
            images: Vec::new(),
        }))
    }

    /// The pipeline's load, assemble and validate stages ([`pipeline::prepare`]), with this
    /// server's document cache and last model to re-use: the same stages, and so the same
    /// errors, as `pamphlet build`.
    fn load(&mut self, phases: &mut Phases) -> Result<Prepared> {
        let reuse = Reuse {
            documents: &mut self.documents,
            previous: self.last.as_ref().map(|l| &l.site),
            images: self.image_timing,
        };
        let prepared = pipeline::prepare(&self.opts, Purpose::Inspect, &self.markdown, Some(reuse))?;
        phases.mark("assemble");
        Ok(prepared)
    }

    /// The new rendered outputs over the last build's (or alone, after a full render).
    fn merge_rendered(&mut self, outputs: Vec<OutputFile>, full: bool) -> HashMap<String, (Arc<[u8]>, Origin)> {
        let mut rendered = match (&mut self.last, full) {
            // Taken, not copied: the last build's map is not needed once this one exists.
            (Some(last), false) => std::mem::take(&mut last.rendered),
            _ => HashMap::with_capacity(outputs.len()),
        };
        for file in outputs {
            let bytes: Arc<[u8]> = match file.contents {
                Contents::Text(text) => Arc::from(text.into_bytes()),
                Contents::Builtin(b) => Arc::from(b),
                Contents::Bytes(b) => Arc::from(b),
                // The renderer produces text only; copies come from `pipeline::copied_files`.
                Contents::Copy(_) | Contents::Cached(_) => continue,
            };
            rendered.insert(file.path, (bytes, file.origin));
        }
        rendered
    }

    /// The bytes of a static or content file, read again only when its stamp changed.
    fn read_copied(&mut self, file: &OutputFile) -> Result<Arc<[u8]>> {
        let source = match file.contents.data() {
            Data::OnDisk(source) => source,
            Data::InMemory(bytes) => return Ok(Arc::from(bytes)),
        };
        // The walks that list these files skip symlinks; never follow one that appeared since.
        let meta = std::fs::symlink_metadata(source).at_path("read", source)?;
        if !meta.is_file() {
            return Err(Error::io("read", source, std::io::Error::other("not a regular file")));
        }
        let stamp = (meta.modified().ok(), meta.len());
        // A file modified within the file system's clock granularity may have changed again
        // with the same time and length: read recent files again (`changed_paths` compares).
        let recent = stamp.0.and_then(|m| m.elapsed().ok()).is_none_or(|age| age < RACY_WINDOW);
        if let Some((cached, bytes)) = self.copied.get(source)
            && *cached == stamp
            && !recent
        {
            return Ok(bytes.clone());
        }
        let bytes: Arc<[u8]> = crate::fs::read(source)?.into();
        self.copied.insert(source.to_path_buf(), (stamp, bytes.clone()));
        Ok(bytes)
    }
}

/// What [`swap_in_edits`] replaced, to put back if rendering fails.
struct Undo {
    /// Article id, its previous version and its previous card.
    edits: Vec<(ArticleId, Arc<crate::content::Article>, ArticleSummaryView)>,
    /// The previous `site.recent`.
    recent: Vec<ArticleSummaryView>,
}

impl Undo {
    fn apply(self, last: &mut LastGood) {
        for (id, article, card) in self.edits {
            last.site.articles[id].article = article;
            last.views.summaries[id] = card;
        }
        last.views.site.recent = self.recent;
    }
}

/// Puts the edited articles into the last build's model and recomputes their cards and
/// `site.recent` (the first cards, newest first).
fn swap_in_edits(last: &mut LastGood, edits: Vec<(ArticleId, Arc<crate::content::Article>)>) -> Undo {
    let mut undo = Undo { edits: Vec::with_capacity(edits.len()), recent: last.views.site.recent.clone() };
    for (id, article) in edits {
        let old_article = std::mem::replace(&mut last.site.articles[id].article, article);
        let card = ViewBuilder::new(&last.site).article_summary(&last.site.articles[id]);
        let old_card = std::mem::replace(&mut last.views.summaries[id], card);
        undo.edits.push((id, old_article, old_card));
    }
    let shown = last.views.site.recent.len();
    last.views.site.recent = last.views.summaries.iter().take(shown).cloned().collect();
    undo
}

/// The build's check that no two outputs (`rendered` paths and origins, and the copies)
/// claim the same file.
fn check_rendered_and_copied<'a>(
    rendered: impl Iterator<Item = (&'a String, &'a Origin)>,
    copies: &[OutputFile],
) -> Result<()> {
    let mut all: Vec<OutputFile> = rendered
        .map(|(path, origin)| OutputFile {
            path: path.clone(),
            contents: Contents::Text(String::new()),
            origin: origin.clone(),
        })
        .collect();
    all.extend(copies.iter().cloned());
    output::check_collisions(&all)
}

/// Site paths whose bytes differ between two builds, including added and removed ones.
fn changed_paths(old: Option<&SiteFiles>, new: &SiteFiles) -> Vec<String> {
    let Some(old) = old.filter(|o| o.prefix == new.prefix) else {
        let mut all: Vec<String> = new.files.keys().chain(new.later.keys()).map(|k| k.to_string()).collect();
        if let Some(old) = old {
            all.extend(old.files.keys().filter(|k| !new.files.contains_key(*k)).map(|k| k.to_string()));
        }
        all.sort();
        all.dedup();
        return all;
    };
    let mut changed: Vec<String> = new
        .files
        .iter()
        .filter(|(path, bytes)| match old.files.get(*path) {
            Some(before) => !Arc::ptr_eq(before, bytes) && before[..] != bytes[..],
            // An image processed since: its bytes are what the pages were promised.
            None => !old.later.contains_key(*path),
        })
        .map(|(path, _)| path.to_string())
        .collect();
    // An image still to process is a change unless the same job was pending before.
    changed.extend(
        new.later
            .iter()
            .filter(|(path, (job, _))| old.later.get(*path).is_none_or(|(before, _)| !Arc::ptr_eq(before, job)))
            .map(|(path, _)| path.to_string()),
    );
    let kept: HashSet<&Arc<str>> = new.files.keys().chain(new.later.keys()).collect();
    changed.extend(old.files.keys().chain(old.later.keys()).filter(|k| !kept.contains(k)).map(|k| k.to_string()));
    changed.sort();
    changed.dedup();
    changed
}

/// Only the feeds that list one of `ids`: after an edit to those articles' bodies, which
/// changes nothing else in any feed.
fn feeds_containing(site: &Site, ids: &[ArticleId]) -> Result<Vec<OutputFile>> {
    crate::feeds::feeds_where(site, |listed| listed.iter().any(|a| ids.contains(a)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(entries: &[(&str, &str)]) -> SiteFiles {
        SiteFiles {
            headers: Vec::new(),
            prefix: "/".into(),
            files: entries.iter().map(|(p, b)| (Arc::from(*p), Arc::from(b.as_bytes()))).collect(),
            later: HashMap::new(),
        }
    }

    #[test]
    fn changed_paths_lists_edits_additions_and_removals() {
        let old = files(&[("/a/", "a"), ("/b/", "b"), ("/gone/", "x")]);
        let new = files(&[("/a/", "a"), ("/b/", "B"), ("/new/", "n")]);
        assert_eq!(changed_paths(Some(&old), &new), vec!["/b/", "/gone/", "/new/"]);
        assert_eq!(changed_paths(None, &new), vec!["/a/", "/b/", "/new/"]);
    }

    fn write_site(root: &std::path::Path) {
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::write(root.join("site.yaml"), "title: T\nbase_url: https://example.org/\npaginate: 3\n").unwrap();
        for i in 1..=8 {
            let tags = if i % 2 == 0 { "[Privacy, Courts]" } else { "[Privacy]" };
            let text =
                format!("---\ntitle: Article {i}\ndate: 2024-01-0{i}\ntags: {tags}\n---\nOpening {i}.\n\nMore.\n");
            std::fs::write(root.join(format!("content/a{i}.md")), text).unwrap();
        }
    }

    fn rebuilder(root: &std::path::Path) -> Rebuilder {
        let mut opts = BuildOptions::new(root);
        opts.now = Some("2026-01-01T00:00:00Z".parse().unwrap());
        Rebuilder::new(opts)
    }

    fn sorted(files: &SiteFiles) -> Vec<(String, Vec<u8>)> {
        let mut all: Vec<(String, Vec<u8>)> = files.files.iter().map(|(k, v)| (k.to_string(), v.to_vec())).collect();
        all.sort();
        all
    }

    /// The in-place path must produce exactly what a full rebuild produces, and name exactly
    /// the pages whose bytes changed.
    #[test]
    fn editing_a_body_in_place_equals_a_full_rebuild() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        write_site(&root);
        let mut incremental = rebuilder(&root);
        let mut previous = incremental.rebuild(&Change::Config).unwrap().files;
        for (file, text) in [
            ("a8.md", "---\ntitle: Article 8\ndate: 2024-01-08\ntags: [Privacy, Courts]\n---\nA new opening.\n"),
            ("a3.md", "---\ntitle: Article 3\ndate: 2024-01-03\ntags: [Privacy]\n---\nOpening 3.\n\nLater text.\n"),
        ] {
            std::fs::write(root.join("content").join(file), text).unwrap();
            let edited = incremental.rebuild(&Change::Content(vec![PathBuf::from("content").join(file)])).unwrap();
            assert!(edited.phases.iter().all(|(name, _)| *name != "assemble"), "took the in-place path");
            let full = rebuilder(&root).rebuild(&Change::Config).unwrap();
            assert_eq!(sorted(&edited.files), sorted(&full.files), "after editing {file}");
            assert!(edited.changed.iter().any(|p| p == &format!("/2024/01/{}/", &file[..2])), "{:?}", edited.changed);
            assert_eq!(edited.changed, changed_paths(Some(&previous), &full.files));
            previous = edited.files;
        }
    }

    #[test]
    fn a_title_edit_takes_the_full_path() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        write_site(&root);
        let mut incremental = rebuilder(&root);
        incremental.rebuild(&Change::Config).unwrap();
        std::fs::write(root.join("content/a2.md"), "---\ntitle: Renamed\ndate: 2024-01-02\n---\nx\n").unwrap();
        let edited = incremental.rebuild(&Change::Content(vec!["content/a2.md".into()])).unwrap();
        assert!(edited.phases.iter().any(|(name, _)| *name == "assemble"));
        let full = rebuilder(&root).rebuild(&Change::Config).unwrap();
        assert_eq!(sorted(&edited.files), sorted(&full.files));
    }

    #[test]
    fn deleting_an_article_takes_the_full_path() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        write_site(&root);
        let mut incremental = rebuilder(&root);
        incremental.rebuild(&Change::Config).unwrap();
        std::fs::remove_file(root.join("content/a5.md")).unwrap();
        let edited = incremental.rebuild(&Change::Content(vec!["content/a5.md".into()])).unwrap();
        assert!(edited.changed.contains(&"/2024/01/a5/".to_string()));
        assert_eq!(sorted(&edited.files), sorted(&rebuilder(&root).rebuild(&Change::Config).unwrap().files));
    }

    /// While one file is broken, an edit to another must not report success.
    #[test]
    fn a_body_edit_after_a_failed_build_still_reports_the_broken_file() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        write_site(&root);
        let mut incremental = rebuilder(&root);
        incremental.rebuild(&Change::Config).unwrap();
        std::fs::write(root.join("content/a1.md"), "---\ntitle: Article 1\ndate: never\n---\n").unwrap();
        assert!(incremental.rebuild(&Change::Content(vec!["content/a1.md".into()])).is_err());
        std::fs::write(root.join("content/a2.md"), "---\ntitle: Article 2\ndate: 2024-01-02\n---\nNew body.\n")
            .unwrap();
        let err = incremental.rebuild(&Change::Content(vec!["content/a2.md".into()])).err().unwrap();
        assert!(err.to_string().contains("content/a1.md:3:7"), "{err}");
    }

    /// Full-pipeline rebuilds that render only part of the site (`Selection::between`) must
    /// also equal a rebuild from scratch.
    #[test]
    fn partial_renders_of_the_full_pipeline_equal_a_full_rebuild() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        write_site(&root);
        let card = crate::theme::BUILTIN_TEMPLATES.iter().find(|(n, _)| *n == "partials/card.html").unwrap().1;
        let card = std::str::from_utf8(card).unwrap();
        std::fs::create_dir_all(root.join("templates/partials")).unwrap();
        std::fs::write(root.join("templates/partials/card.html"), card).unwrap();
        let mut incremental = rebuilder(&root);
        incremental.rebuild(&Change::Config).unwrap();
        let edits: [(&str, String, Change); 3] = [
            ("templates/partials/card.html", format!("<!-- edited -->{card}"), Change::Template),
            (
                "content/a4.md",
                "---\ntitle: Article 4\ndate: 2024-01-04\ntags: [Privacy, Surveillance]\n---\nOpening 4.\n".into(),
                Change::Content(vec!["content/a4.md".into()]),
            ),
            ("static/extra.css", "p { color: red }".into(), Change::Static),
        ];
        for (file, text, change) in edits {
            std::fs::create_dir_all(root.join(file).parent().unwrap()).unwrap();
            std::fs::write(root.join(file), text).unwrap();
            let edited = incremental.rebuild(&change).unwrap();
            let full = rebuilder(&root).rebuild(&Change::Config).unwrap();
            assert_eq!(sorted(&edited.files), sorted(&full.files), "after editing {file}");
        }
    }
}
