//! The pipeline every command runs, written once: load (site.yaml, the theme, `content/`) →
//! assemble the site model → validate what can be validated before rendering (every image
//! exists; with `--strict`, no warnings) → produce the outputs (pages beside the search index,
//! feeds, the sitemap, robots.txt, redirects, static and content files). What happens to the
//! outputs is the caller's: `build` stages them into the output folder, `render_site` and
//! `check` keep them in memory, and the dev server keeps them in memory too. The dev server
//! adds its incremental machinery around these stages through [`Reuse`] (its document cache
//! and its last model) instead of repeating them, so a preview fails exactly when a build does.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use crate::content::{self, Common, DocumentMemory};
use crate::error::{Error, Location, Result, Warning};
use crate::images::{self, ImageSource};
use crate::output::{self, OutputFile};
use crate::site::{self, ImageRef, Site};
use crate::{BuildOptions, config, markdown, render, search, theme};

/// Why the site is being built: what only matters for a site that goes online (a placeholder
/// `base_url`) is a warning when publishing, not when previewing or checking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// `pamphlet build`.
    Publish,
    /// `check`, `serve`, [`crate::render_site`].
    Inspect,
}

/// What the dev server keeps between builds, offered to the load and assemble stages.
pub(crate) struct Reuse<'a> {
    /// Parsed documents, re-used when their file has not changed.
    pub documents: &'a mut dyn DocumentMemory,
    /// The last good model, whose related-article lists are re-used when nothing they depend
    /// on changed.
    pub previous: Option<&'a Site>,
    /// When images the cache lacks are processed: the dev server leaves them for later, so
    /// that no edit waits for them.
    pub images: images::Timing,
}

/// The site loaded, assembled and validated, and its theme compiled: what a build renders from.
pub(crate) struct Prepared {
    /// The site model.
    pub site: Site,
    /// The compiled templates.
    pub renderer: render::Renderer,
    /// The site's and the theme's static files.
    pub statics: Vec<OutputFile>,
    /// Problems that do not stop the build.
    pub warnings: Vec<Warning>,
    /// The Markdown renderer the content was loaded with (shortcodes included), for the dev
    /// server to parse an edited file the same way.
    pub markdown: markdown::Markdown,
    /// Images left for later ([`images::Timing::Later`]): their files are not in the cache yet.
    pub pending_images: Vec<images::Pending>,
}

/// Loads the configuration, theme and content, assembles the site and checks what can be
/// checked before rendering. Every problem of every stage is reported together: a file that
/// does not parse does not hide an unknown category in another, nor a template error.
pub(crate) fn prepare(
    opts: &BuildOptions,
    purpose: Purpose,
    markdown: &markdown::Markdown,
    reuse: Option<Reuse>,
) -> Result<Prepared> {
    let root = opts.root.as_path();
    let mut config = config::Config::load(root, opts.base_url.as_deref())?;
    if let Some(name) = &opts.hosting {
        config.hosting = crate::hosting::Hosting::parse(name).map_err(|msg| Error::argument("--hosting", msg))?;
    }
    let theme = theme::Theme::load(root, &config.theme)?;
    let strings = crate::i18n::Strings::load(&theme.strings, &config);
    let statics = output::static_files(root, &theme).map(|mut files| {
        crate::minify::minify_theme_styles(&mut files);
        files
    });
    let markdown = with_shortcodes(markdown, &theme, &strings, root, &statics);
    let markdown = &markdown;
    let load = content::LoadOptions {
        drafts: opts.drafts,
        future: opts.future,
        now: opts.now.unwrap_or_else(jiff::Timestamp::now),
    };
    let (documents, previous, timing) = match reuse {
        Some(Reuse { documents, previous, images }) => (Some(documents), previous, images),
        None => (None, None, images::Timing::Now),
    };
    let (content, mut errors) = match documents {
        Some(memory) => content::load_remembering(root, &config, markdown, load, memory)?,
        None => content::load_all(root, &config, markdown, load)?,
    };
    let mut warnings = content.warnings.clone();
    if purpose == Purpose::Publish {
        warnings.extend(config.placeholder_base_url.clone());
    }
    warnings.sort();
    warnings.dedup();
    // Without the dev server's last site, the related-article lists of the last build.
    let stored_related = previous.is_none().then(|| crate::related_cache::load(&opts.cache_dir())).flatten();
    let (mut site, assembly_errors) = Site::assemble_all(config, content, previous, stored_related.as_ref());
    if purpose == Purpose::Publish {
        keep_related(&opts.cache_dir(), &site, stored_related.as_ref());
    }
    errors.extend(assembly_errors);
    if let Ok(strings) = &strings {
        warnings.extend(strings.missing_warnings(languages_in_use(&site).iter().map(String::as_str)));
    }
    let renderer = strings.and_then(|s| render::Renderer::new(&theme, s));
    errors.extend(site.load_comments(root).err());
    let mut pending_images = Vec::new();
    if let Ok(statics) = &statics {
        errors.extend(check_images(&site, &copied_paths(&site, statics)).err());
        warnings.extend(withheld_image_warnings(&site, statics));
        warnings.extend(keep_sites_own_headers_file(&mut site, statics));
        let published =
            images::publish(image_sources(root, statics, &site), &site.config.images, &opts.cache_dir(), timing);
        pending_images = published.pending;
        errors.extend(published.errors);
        warnings.extend(published.warnings);
        warnings.sort();
        site.images = Arc::new(published.images);
    }
    errors.extend(check_strict(opts, &warnings).err());
    match both(renderer, statics) {
        Ok((mut renderer, statics)) => {
            Error::collect(errors)?;
            renderer.use_images(site.images.clone(), site.config.base_url.prefix.clone());
            site.corrections_page = renderer.has_template(render::CORRECTIONS_TEMPLATE);
            Ok(Prepared { site, renderer, statics, warnings, markdown: markdown.clone(), pending_images })
        }
        Err(e) => {
            errors.push(e);
            Err(Error::all(errors))
        }
    }
}

/// `markdown` expanding the shortcodes of `theme` (see [`crate::shortcodes`]). Without strings
/// or static files (whose errors are reported by the caller) shortcodes stay as written.
fn with_shortcodes(
    markdown: &markdown::Markdown,
    theme: &theme::Theme,
    strings: &Result<crate::i18n::Strings>,
    root: &Path,
    statics: &Result<Vec<OutputFile>>,
) -> markdown::Markdown {
    let (Ok(strings), Ok(statics)) = (strings, statics) else { return markdown.clone() };
    let files = statics
        .iter()
        .map(|f| {
            let file = match &f.contents {
                output::Contents::Copy(path) => Some(path.clone()),
                _ => None,
            };
            (f.path.clone(), file)
        })
        .collect();
    match crate::shortcodes::Shortcodes::new(theme, Arc::new(strings.clone()), root, files) {
        Some(shortcodes) => markdown.with_expander(Arc::new(shortcodes)),
        None => markdown.clone(),
    }
}

/// Every language a page of `site` is written in: the site's, those of `languages:`, and
/// each article's and page's `lang:`.
fn languages_in_use(site: &Site) -> std::collections::BTreeSet<String> {
    let own = site.config.languages.iter().map(|l| l.code.clone());
    let articles = site.articles.iter().filter_map(|a| a.article.common.lang.clone());
    let pages = site.pages.iter().filter_map(|p| p.page.common.lang.clone());
    own.chain(articles).chain(pages).collect()
}

/// The most new records of a part parsed on the index's own pool, beside rendering (see
/// [`beside_search`]). Parsing beside rendering fills the cores' waits: 10,000 articles (parts
/// of 2,500), first builds, 3 alternated each: 4.84–5.09 s and 541–546 MiB, against 5.20–5.31 s
/// and 469–473 MiB when every part was parsed after rendering. What it adds to the peak grows
/// with the records parsed: about 70 MiB at 2,500, 240 MiB at 12,500 (50,000 articles: a first
/// build peaked at 2,098 MiB against 1,860 MiB, and was no faster); so about 140 MiB at this
/// bound (20,000 articles), estimated.
const PARSED_BESIDE_RENDERING: usize = 5_000;

/// Runs `render` while the search index (empty when `search: false`) is built beside it,
/// reusing the parts of the index in the `previous` output folder that did not change, and the
/// pages parsed before in the `parsed` folder (see [`search::search_index`]). The index gets a
/// thread of its own and a rayon pool of its own, as many threads as the global one: on the
/// global pool its jobs queued behind rendering's, though the index, not rendering, is what a
/// build waits for last (after one article's edit at 10,000 articles, the part holding it
/// waited 0.7 s to read back its 2,500 parsed pages, 0.15 s of work). Both pools share the
/// cores while rendering runs, and each fills the other's waits. One exception: a part with
/// more new records to parse than [`PARSED_BESIDE_RENDERING`] parses them on the global pool,
/// behind rendering, so that its parsed pages and rendering's memory do not add up. Each file
/// of the index goes through `stage` (a build writes it) as soon as its part is ready, while the
/// next part is indexed.
///
/// Until the parsed pages of a part kept their words as bytes until indexed, whether parsed
/// now or read back from the cache (our patch of Pagefind, vendor/pagefind), a part of more
/// than 5,000 records waited for rendering to end, or the two peaks of memory added up. At
/// 50,000 articles (parts of 12,500 records), alternated: one article edited, 8.27–8.78 s and
/// 1,854–1,862 MiB with that wait, 7.25–7.88 s and 1,910–1,954 MiB without (4 builds each);
/// first builds, 45.68 s and 1,618 MiB with it, 44.44–44.72 s and 1,819–1,822 MiB without (1
/// and 2 builds).
pub(crate) fn beside_search<T: Send, W: Send>(
    site: &Site,
    previous: Option<&std::path::Path>,
    parsed: Option<&std::path::Path>,
    stage: impl Fn(OutputFile) -> W + Sync,
    render: impl FnOnce() -> Result<T> + Send,
) -> Result<(T, Vec<W>)> {
    use rayon::prelude::*;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(rayon::current_num_threads())
        .thread_name(|i| format!("pamphlet-search-{i}"))
        .build()
        .map_err(|e| Error::output(search::BUNDLE_DIR, format!("cannot start the indexing threads: {e}")))?;
    std::thread::scope(|scope| {
        let search = scope.spawn(|| {
            let mut staged = Vec::new();
            let stage_part = |part: Vec<OutputFile>| staged.par_extend(part.into_par_iter().map(&stage));
            let parsing = search::Parsing::HereUpTo(PARSED_BESIDE_RENDERING);
            pool.install(|| search::search_index(site, previous, parsed, parsing, stage_part))?;
            Ok(staged)
        });
        let pages = render();
        let search = search.join().unwrap_or_else(|_| {
            Err(Error::output(search::BUNDLE_DIR, "building the search index failed: the indexer crashed"))
        });
        both(pages, search)
    })
}

/// Keeps `site`'s related-article lists in the cache folder for the next build, unless the
/// lists `stored` there are those (see [`crate::related_cache`]).
fn keep_related(cache_dir: &std::path::Path, site: &Site, stored: Option<&crate::related_cache::Stored>) {
    let key = crate::site::related_key(&site.articles, site.tags.len(), &site.categories);
    if stored.is_none_or(|stored| stored.key() != key) {
        crate::related_cache::save(cache_dir, key, site.articles.iter().map(|a| a.related.clone()));
    }
}

/// Both results, or the errors of either or both together.
pub(crate) fn both<A, B>(a: Result<A>, b: Result<B>) -> Result<(A, B)> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (a, b) => Err(Error::all([a.err(), b.err()].into_iter().flatten().collect())),
    }
}

/// Feeds, the sitemap, robots.txt and `query-aliases.json`: what makes the rendered pages a
/// publication (the search index, which is slow, is built separately, and `_redirects`, which
/// needs every other output's path, last: see [`redirect_outputs`]). `statics` are the
/// site's static files: a `static/robots.txt` of the site's own wins over the generated one.
pub fn publishing_outputs(site: &Site, statics: &[OutputFile]) -> Result<Vec<OutputFile>> {
    let mut files = crate::feeds::feeds(site)?;
    files.extend(other_publishing_outputs(site, statics)?);
    Ok(files)
}

/// [`publishing_outputs`] but the feeds.
fn other_publishing_outputs(site: &Site, statics: &[OutputFile]) -> Result<Vec<OutputFile>> {
    let mut files = crate::sitemap::sitemap(site);
    files.extend(crate::redirects::query_aliases_file(site)?);
    if !statics.iter().any(|f| f.path == crate::sitemap::ROBOTS) {
        files.push(crate::sitemap::robots(site));
    }
    Ok(files)
}

/// `_redirects`, as `hosting:` asks, once every other output is known (`published`, their
/// site paths): a placeholder rule must not redirect any of them away. With `--strict`, a
/// warning (rules left out over a host's limits) is an error.
pub(crate) fn redirect_outputs(
    opts: &BuildOptions,
    site: &Site,
    published: &[&str],
) -> Result<(Vec<OutputFile>, Vec<Warning>)> {
    let (files, warnings) = crate::redirects::build_outputs(site, published);
    check_strict(opts, &warnings)?;
    Ok((files, warnings))
}

/// The files a build copies rather than renders: the static files, then the content
/// folder's own (a bundle's photo, a PDF beside an article). Raster images are published from
/// the image cache instead: without their metadata, and with their resized variants.
pub(crate) fn copied_files(root: &Path, statics: Vec<OutputFile>, site: &Site) -> Vec<OutputFile> {
    let mut files = statics;
    files.extend(site.assets.iter().map(|a| OutputFile {
        path: a.path.clone(),
        contents: output::Contents::Copy(a.source.clone()),
        origin: output::Origin::Source(a.source.strip_prefix(root).unwrap_or(&a.source).to_path_buf()),
    }));
    files.retain(|f| !site.images.handles(&f.path));
    for image in site.images.iter() {
        files.extend(image.files.iter().map(|f| OutputFile {
            path: f.site_path.clone(),
            contents: output::Contents::Cached(f.file.clone()),
            origin: output::Origin::Source(image.origin.clone()),
        }));
    }
    files
}

/// The raster images among the files a build copies (static, theme and content files): what
/// [`images::publish`] processes. Built-in theme files are pamphlet's own and need nothing.
fn image_sources(root: &Path, statics: &[OutputFile], site: &Site) -> Vec<ImageSource> {
    let statics = statics.iter().filter_map(|f| match &f.contents {
        output::Contents::Copy(file) if images::is_processed(&f.path) => Some(ImageSource {
            site_path: f.path.clone(),
            file: file.clone(),
            origin: file.strip_prefix(root).unwrap_or(file).to_path_buf(),
        }),
        _ => None,
    });
    let assets = site.assets.iter().filter(|a| images::is_processed(&a.path)).map(|a| ImageSource {
        site_path: a.path.clone(),
        file: a.source.clone(),
        origin: a.source.strip_prefix(root).unwrap_or(&a.source).to_path_buf(),
    });
    statics.chain(assets).collect()
}

/// Everything but the theme's pages and the search index: the publishing outputs and the
/// copied files.
pub(crate) fn unrendered_outputs(root: &Path, statics: Vec<OutputFile>, site: &Site) -> Result<Vec<OutputFile>> {
    let mut files = publishing_outputs(site, &statics)?;
    files.extend(copied_files(root, statics, site));
    Ok(files)
}

/// [`unrendered_outputs`] for `build`: each feed gets its digest (see
/// [`crate::feeds::FeedPlan::digests`]), and one whose digest and file `earlier` recorded is
/// taken from that file instead of written again, as pages are.
pub(crate) fn unrendered_outputs_reusing(
    root: &Path,
    statics: Vec<OutputFile>,
    site: &Site,
    earlier: &dyn render::EarlierPages,
) -> Result<Vec<render::Rendered>> {
    let plan = crate::feeds::FeedPlan::new(site);
    let mut outputs = Vec::new();
    let mut to_write = std::collections::HashMap::new();
    for (path, origin, digest) in plan.digests() {
        let digest = render::digest::PageDigest(digest);
        match earlier.reuse(&path, digest) {
            Some(file) => {
                let file = OutputFile {
                    path,
                    contents: output::Contents::Cached(file),
                    origin: output::Origin::Generated(origin),
                };
                outputs.push(render::Rendered { file, digest: Some(digest) });
            }
            None => {
                to_write.insert(path, digest);
            }
        }
    }
    for file in plan.write(|path| to_write.contains_key(path))? {
        let digest = to_write.get(&file.path).copied();
        outputs.push(render::Rendered { file, digest });
    }
    let rest = other_publishing_outputs(site, &statics)?.into_iter().chain(copied_files(root, statics, site));
    outputs.extend(rest.map(|file| render::Rendered { file, digest: None }));
    Ok(outputs)
}

/// With `--strict`, the warnings as errors.
fn check_strict(opts: &BuildOptions, warnings: &[Warning]) -> Result<()> {
    if !opts.strict {
        return Ok(());
    }
    Error::collect(warnings.iter().cloned().map(Error::Strict).collect())
}

/// Every image an article or page shows from this site (its featured image and the images in
/// its Markdown) must be a file the build publishes: a static file or a file of the content
/// folder (`published`, site paths). Images on other hosts are `check`'s concern.
pub(crate) fn check_images(site: &Site, published: &HashSet<&str>) -> Result<()> {
    // A withheld article shows no image, and its bundle's files are not published.
    let articles = site
        .articles
        .iter()
        .filter(|a| !a.article.is_withheld())
        .map(|a| (&a.article.common, &a.image, a.path.as_str()));
    let pages = site.pages.iter().map(|p| (&p.page.common, &p.image, p.page.path.as_str()));
    check_document_images(articles.chain(pages), published)
}

/// [`check_images`] for some documents: (what they have in common, featured image, own path).
pub(crate) fn check_document_images<'a>(
    documents: impl Iterator<Item = (&'a Common, &'a Option<ImageRef>, &'a str)>,
    published: &HashSet<&str>,
) -> Result<()> {
    let mut errors = Vec::new();
    for (common, image, owner_path) in documents {
        if let Some(ImageRef::Site(path)) = image
            && !published.contains(path.as_str())
        {
            errors.push(Error::content(
                Location { path: common.source.clone(), position: common.image_position },
                format!(
                    "featured image `{}` not found: put the file in static{path} (or, for a path without a leading `/`, beside the article's index.md)",
                    common.image.as_deref().unwrap_or_default()
                ),
            ));
        }
        for inline in &common.inline_images {
            let Some(path) = site::local_image_path(&inline.value, owner_path) else { continue };
            if !published.contains(path.as_str()) {
                errors.push(content::error_at(
                    &common.source,
                    inline,
                    format!(
                        "image `{}` not found: nothing is published at {path}; put the file in static{path} (or beside the article's index.md for a path without a leading `/`), or fix the path",
                        inline.value
                    ),
                ));
            }
        }
    }
    Error::collect(errors)
}

/// A withheld article's images are never shown, and its bundle's files are not published; but
/// a file of `static/` is the site's own and is still copied. Each one a withheld article
/// uses is a warning: the takedown is not complete until the file goes too.
fn withheld_image_warnings(site: &Site, statics: &[OutputFile]) -> Vec<Warning> {
    let static_paths: HashSet<&str> = statics.iter().map(|f| f.path.as_str()).collect();
    let mut warnings = Vec::new();
    for a in site.articles.iter().filter(|a| a.article.is_withheld()) {
        let common = &a.article.common;
        let featured = match &a.image {
            Some(ImageRef::Site(path)) => Some((path.clone(), common.image_position)),
            _ => None,
        };
        let inline = common
            .inline_images
            .iter()
            .filter_map(|i| site::local_image_path(&i.value, &a.path).map(|path| (path, i.position)));
        for (path, position) in featured.into_iter().chain(inline) {
            if static_paths.contains(path.as_str()) {
                warnings.push(Warning {
                    location: Location { path: common.source.clone(), position },
                    code: "withheld-image",
                    message: format!(
                        "this article is withheld, but its image {path} is still published from static/: delete the file, or move it beside the article's index.md (a withheld article's own files are not published)"
                    ),
                });
            }
        }
    }
    warnings
}

/// A site that ships its own `static/_headers` (usual on Netlify) keeps it: pamphlet then
/// writes none (it would collide), and says how to get its security headers.
fn keep_sites_own_headers_file(site: &mut Site, statics: &[OutputFile]) -> Option<Warning> {
    let path = statics.iter().find_map(|f| match &f.origin {
        output::Origin::Source(source) if f.path == crate::headers::HEADERS_FILE => Some(source),
        _ => None,
    })?;
    if !crate::headers::writes_headers_file(&site.config) {
        return None;
    }
    site.config.headers_file = false;
    Some(Warning {
        location: Location { path: path.clone(), position: None },
        code: "own-headers-file",
        message: "the site has its own _headers, which is published as it is: pamphlet's security headers (Content-Security-Policy and others, see README) are not written. Copy them into yours from a build without this file, or set `headers_file: false` in site.yaml to keep yours and silence this warning".to_string(),
    })
}

/// The site paths of the files a build copies: static files and the content folder's own.
pub(crate) fn copied_paths<'a>(
    site: &'a site::Site,
    statics: &'a [output::OutputFile],
) -> std::collections::HashSet<&'a str> {
    statics.iter().map(|f| f.path.as_str()).chain(site.assets.iter().map(|a| a.path.as_str())).collect()
}
