//! Incremental rebuilds for the dev server. Every rebuild runs the whole pipeline, but cheaply:
//! documents come from [`ContentCache`] unless their file changed, the model is re-assembled
//! (fast), and only the outputs whose template inputs differ from the last good build are
//! rendered ([`Selection::between`]); the rest are re-used. Comparing the new bytes with the
//! old then says exactly which URLs changed. Nothing is written to disk.
//!
//! The watcher's list of paths is trusted only to skip listing `content/` when every changed
//! path is a Markdown file already known (an edit); anything else (a new, deleted or renamed
//! file, a template, a static file, site.yaml) re-checks every file, so a coalesced event
//! cannot leave a stale page behind.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use super::state::SiteFiles;
use super::watch::Change;
use crate::content::{self, ContentCache, LoadOptions};
use crate::error::{Error, IoResultExt, Result};
use crate::output::{self, Contents, Origin, OutputFile};
use crate::render::select::Build;
use crate::render::{Renderer, Selection, SiteViews};
use crate::site::Site;
use crate::theme::Theme;
use crate::{BuildOptions, config, markdown};

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
    views: SiteViews,
    renderer: Renderer,
    /// Rendered outputs: site path → bytes and what produced it.
    rendered: HashMap<String, (Arc<[u8]>, Origin)>,
    /// Site paths of the copied files.
    copy_paths: Vec<String>,
    files: Arc<SiteFiles>,
}

/// How recent a modification time must be for the byte cache not to trust it.
const RACY_WINDOW: Duration = Duration::from_secs(2);

/// A file's identity for the byte cache.
type Stamp = (Option<SystemTime>, u64);

/// Rebuilds one site again and again, keeping caches between builds.
pub struct Rebuilder {
    opts: BuildOptions,
    markdown: markdown::Markdown,
    documents: ContentCache,
    /// Static and content files read earlier: path → stamp and bytes.
    copied: HashMap<PathBuf, (Stamp, Arc<[u8]>)>,
    last: Option<LastGood>,
    /// The build before `last`, until [`Rebuilder::release_previous`].
    retired: Option<LastGood>,
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
        }
    }

    /// Frees the build that the last successful rebuild replaced.
    pub fn release_previous(&mut self) {
        self.retired = None;
    }

    /// Builds the site again after `change`. On failure the previous build stays the one
    /// compared against.
    pub fn rebuild(&mut self, change: &Change) -> Result<Outcome> {
        let mut phases = Phases::start();
        if let Change::Content(paths) = change {
            // Edits to known articles need no new listing of content/ (see `only_changed`).
            self.documents.only_changed(paths.iter().map(|p| self.opts.root.join(p)).collect());
        }
        let (site, renderer, theme) = self.load(&mut phases)?;
        let views = SiteViews::new(&site);
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
        let copies = copied_outputs(&self.opts.root, &theme, &site)?;
        let copy_paths: Vec<String> = copies.iter().map(|c| c.path.clone()).collect();
        // Rendered paths change only with a full render: check again when anything moved.
        match &self.last {
            Some(last) if !selection.is_all() => {
                if last.copy_paths != copy_paths {
                    check_collisions(last.rendered.iter().map(|(p, (_, o))| (p, o)), &copies)?;
                }
            }
            _ => check_collisions(outputs.iter().map(|f| (&f.path, &f.origin)), &copies)?,
        }
        let copied: Vec<(String, Arc<[u8]>)> =
            copies.iter().map(|f| Ok((f.path.clone(), self.read_copied(f)?))).collect::<Result<_>>()?;
        // Nothing below fails: the last build's rendered outputs can be updated in place.
        let rendered_count = outputs.len();
        let rendered = self.merge_rendered(outputs, selection.is_all());
        let mut files = HashMap::with_capacity(rendered.len() + copied.len());
        files.extend(rendered.iter().map(|(path, (bytes, _))| (path.clone(), bytes.clone())));
        files.extend(copied);
        let files = Arc::new(SiteFiles { prefix: site.config.base_url.prefix.clone(), files });
        let changed = changed_paths(self.last.as_ref().map(|l| &*l.files), &files);
        phases.mark("diff");
        let outcome = Outcome {
            files: files.clone(),
            changed,
            rendered: rendered_count,
            parsed: self.documents.parsed_last(),
            full: selection.is_all(),
            elapsed: phases.total(),
            phases: phases.0,
        };
        // Freeing a large model takes tens of milliseconds: leave it for `release_previous`,
        // after the pages have been told.
        self.retired = self.last.replace(LastGood { site, views, renderer, rendered, copy_paths, files });
        Ok(outcome)
    }

    /// Config, theme, content (through the cache) and the assembled model; template and
    /// content problems are reported together, as in [`crate::render_site`].
    fn load(&mut self, phases: &mut Phases) -> Result<(Site, Renderer, Theme)> {
        let root = self.opts.root.as_path();
        let config = config::Config::load(root, self.opts.base_url.as_deref())?;
        let theme = Theme::load(root, &config.theme)?;
        let renderer = Renderer::new(&theme);
        let load = LoadOptions {
            drafts: self.opts.drafts,
            future: self.opts.future,
            now: self.opts.now.unwrap_or_else(jiff::Timestamp::now),
        };
        phases.mark("config and templates");
        let content = content::load_with_cache(root, &config, &self.markdown, load, &mut self.documents);
        phases.mark("content");
        let (renderer, content) = match (renderer, content) {
            (Ok(r), Ok(c)) => (r, c),
            (r, c) => {
                let errors = [r.err(), c.err()].into_iter().flatten().collect();
                return Err(Error::collect(errors).err().unwrap_or(Error::Many(Vec::new())));
            }
        };
        let site = Site::assemble_reusing(config, content, self.last.as_ref().map(|l| &l.site))?;
        phases.mark("assemble");
        Ok((site, renderer, theme))
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
                // The renderer produces text only; copies come from `copied_outputs`.
                Contents::Copy(_) => continue,
            };
            rendered.insert(file.path, (bytes, file.origin));
        }
        rendered
    }

    /// The bytes of a static or content file, read again only when its stamp changed.
    fn read_copied(&mut self, file: &OutputFile) -> Result<Arc<[u8]>> {
        let source = match &file.contents {
            Contents::Copy(source) => source,
            Contents::Builtin(bytes) => return Ok(Arc::from(*bytes)),
            Contents::Text(text) => return Ok(Arc::from(text.as_bytes())),
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
        self.copied.insert(source.clone(), (stamp, bytes.clone()));
        Ok(bytes)
    }
}

/// Static files (theme, then site) and content assets, as the build copies them.
fn copied_outputs(root: &std::path::Path, theme: &Theme, site: &Site) -> Result<Vec<OutputFile>> {
    let mut files = output::static_files(root, theme)?;
    files.extend(site.assets.iter().map(|a| OutputFile {
        path: a.path.clone(),
        contents: Contents::Copy(a.source.clone()),
        origin: Origin::Source(a.source.strip_prefix(root).unwrap_or(&a.source).to_path_buf()),
    }));
    Ok(files)
}

/// The build's check that no two outputs (`rendered` paths and origins, and the copies)
/// claim the same file.
fn check_collisions<'a>(rendered: impl Iterator<Item = (&'a String, &'a Origin)>, copies: &[OutputFile]) -> Result<()> {
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
        let mut all: Vec<String> = new.files.keys().cloned().collect();
        if let Some(old) = old {
            all.extend(old.files.keys().filter(|k| !new.files.contains_key(*k)).cloned());
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
            None => true,
        })
        .map(|(path, _)| path.clone())
        .collect();
    let kept: HashSet<&String> = new.files.keys().collect();
    changed.extend(old.files.keys().filter(|k| !kept.contains(k)).cloned());
    changed.sort();
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(entries: &[(&str, &str)]) -> SiteFiles {
        SiteFiles {
            prefix: "/".into(),
            files: entries.iter().map(|(p, b)| (p.to_string(), Arc::from(b.as_bytes()))).collect(),
        }
    }

    #[test]
    fn changed_paths_lists_edits_additions_and_removals() {
        let old = files(&[("/a/", "a"), ("/b/", "b"), ("/gone/", "x")]);
        let new = files(&[("/a/", "a"), ("/b/", "B"), ("/new/", "n")]);
        assert_eq!(changed_paths(Some(&old), &new), vec!["/b/", "/gone/", "/new/"]);
        assert_eq!(changed_paths(None, &new), vec!["/a/", "/b/", "/new/"]);
    }
}
