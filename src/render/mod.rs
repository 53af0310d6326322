//! Rendering: the theme's Tera templates applied to views of the site model, in parallel.
//! Produces [`OutputFile`]s and never touches the disk.

pub mod context;
pub mod digest;
mod partial;
pub mod seo;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;
use tera::{Context, ErrorKind, Tera, Value};

use crate::error::{Error, Location, Position, Result};
use crate::i18n::Strings;
use crate::images::{ImageSet, PublishedImage};
use crate::output::{Contents, Origin, OutputFile};
use crate::permalink::page_path;
use crate::site::{ArticleId, Site};
use crate::theme::Theme;
use context::{ArticleSummaryView, ArticleView, PagerLink, PaginatorView, SiteView, ViewBuilder};
use digest::{InputsDigest, PageContext, PageDigest};
use seo::{ListSubject, SeoBuilder, SeoView};

/// The optional template for the search page; a theme without it gets no search page.
pub const SEARCH_TEMPLATE: &str = "search.html";
/// The optional template for the site-wide corrections page; a theme without it gets none.
pub const CORRECTIONS_TEMPLATE: &str = "corrections.html";
pub use crate::site::CORRECTIONS_PAGE;

/// Compiled templates of one theme.
pub struct Renderer {
    tera: Tera,
    /// Template name → the file it came from, for error messages.
    origins: BTreeMap<String, PathBuf>,
    /// Template name → its text, to tell which templates one includes (the dev server asks,
    /// through [`Renderer::template_sources`]).
    sources: BTreeMap<String, String>,
    /// Whether some template may read `paginator.pages`. The home page of a 50,000-article
    /// site has 5,000 list pages, each of which would carry 5,000 links: building and walking
    /// them was most of that build's time. Themes that only use `paginator.window` (as the
    /// default theme does) get an empty `pages`.
    reads_pager_pages: bool,
    /// The interface strings the `t` function looks up.
    strings: Arc<Strings>,
    /// Whether some template may call `now()`: its pages then differ from one build to the
    /// next whatever their inputs, and are never reused (see [`digest`]).
    reads_clock: bool,
    /// The digest of what the `image()` function can tell templates (see [`digest`]).
    images_digest: u128,
    /// What the `partial()` function renders with, and the partials a build rendered so far.
    partials: Arc<partial::Partials>,
}

/// The most pages of one kind (articles, a listing's pages) one rayon job renders. A page takes
/// a fraction of a millisecond, so a job of this many is still far larger than rayon's cost of
/// handing it out, and a thread that runs out of work always finds a job to take.
const PAGES_PER_JOB: usize = 16;

/// Changes whenever what a page's digest covers changes without pamphlet's version changing,
/// so that no build reuses a page whose digest was made the old way.
const DIGEST_VERSION: u32 = 2;

/// Pages of an earlier build that a build may reuse instead of rendering them again.
pub trait EarlierPages: Sync {
    /// The file of the earlier build's page at site path `path`, when that page was rendered
    /// from inputs with `digest` and its file is still as that build left it.
    fn reuse(&self, path: &str, digest: PageDigest) -> Option<PathBuf>;
}

/// No earlier pages: every page is rendered, and gets its digest for the next build.
pub struct NoEarlierPages;

impl EarlierPages for NoEarlierPages {
    fn reuse(&self, _: &str, _: PageDigest) -> Option<PathBuf> {
        None
    }
}

/// One output of [`Renderer::render_into`].
pub struct Rendered {
    /// The page: rendered, or an earlier build's file ([`Contents::Cached`]).
    pub file: OutputFile,
    /// What the page was rendered from, when the caller offered earlier pages (alias pages,
    /// which are not rendered from templates, have none).
    pub digest: Option<PageDigest>,
}

/// Which outputs [`Renderer::render_selected`] renders besides the index and alias pages,
/// which are few and always rendered: every one ([`Everything`]) for a build, only what an edit
/// touched for the dev server (its `serve::select::Selection`).
pub trait OutputFilter: Sync {
    /// Whether to render article `id`'s page.
    fn article(&self, id: ArticleId) -> bool;
    /// Whether to render the page at `index` of [`Site::pages`].
    fn page(&self, index: usize) -> bool;
    /// Whether to render a list page of `template` that shows `items`.
    fn list_page(&self, template: &str, items: &[ArticleId]) -> bool;
}

/// Every output.
pub struct Everything;

impl OutputFilter for Everything {
    fn article(&self, _: ArticleId) -> bool {
        true
    }
    fn page(&self, _: usize) -> bool {
        true
    }
    fn list_page(&self, _: &str, _: &[ArticleId]) -> bool {
        true
    }
}

/// The views every output is rendered from, computed once per build: each article's card and
/// the `site` variable. The dev server keeps them to compare one build with the next.
pub struct SharedViews {
    /// Card views, by [`ArticleId`].
    pub summaries: Vec<ArticleSummaryView>,
    /// The `site` variable.
    pub site: SiteView,
}

impl SharedViews {
    /// The views of `site`.
    pub fn new(site: &Site) -> SharedViews {
        let views = ViewBuilder::new(site);
        let summaries: Vec<ArticleSummaryView> = site.articles.par_iter().map(|a| views.article_summary(a)).collect();
        let site = views.site(&summaries);
        SharedViews { summaries, site }
    }
}

/// One list page to render: which template, its first page's path, and its articles.
struct Listing<'a> {
    template: &'static str,
    base: String,
    articles: Cow<'a, [ArticleId]>,
    /// Extra variable (`category`, `tag` or `author`) and its value (see [`digest::value_of`]).
    subject: Option<(&'static str, std::result::Result<Value, String>)>,
    /// The language of a language's own home page (`/ur/`); other listings are in the site's.
    lang: Option<String>,
    origin: String,
    /// What the page is about, for `seo` and `json_ld`.
    seo: ListSubject,
}

/// Registers `image(path=…, width=…, format=…)`: the URL of the variant of the image at `path`
/// (a site path or a URL under the base URL) nearest `width` pixels wide and at least as wide,
/// in the original's format or `format="webp"`. An image that was not processed (SVG, another
/// host) is returned as given, so templates need no special case.
fn register_image_function(tera: &mut Tera, images: Arc<ImageSet>, prefix: String) {
    tera.register_function("image", move |kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<String> {
        let path: &str = kwargs.must_get("path")?;
        let width: Option<i64> = kwargs.get("width")?;
        let format: Option<&str> = kwargs.get("format")?;
        let site_path = match path.strip_prefix(prefix.as_str()) {
            Some(rest) if path.starts_with('/') => format!("/{rest}"),
            _ => path.to_string(),
        };
        let Some(image) = images.get(&site_path) else { return Ok(path.to_string()) };
        let files = match format {
            Some("webp") => image.webp_files(),
            None | Some("original") => image.fallback_files(),
            Some(other) => {
                return Err(tera::Error::message(format!(
                    "image(): format `{other}` is not one pamphlet writes: use `webp` or leave it out"
                )));
            }
        };
        let width = u32::try_from(width.unwrap_or(i64::from(image.width)).max(1)).unwrap_or(u32::MAX);
        let file = PublishedImage::nearest(&files, width).unwrap_or(image.src());
        Ok(format!("{prefix}{}", file.site_path.trim_start_matches('/')))
    });
}

/// Adds the `seo` and `json_ld` variables.
fn insert_seo(ctx: &mut PageContext, seo: SeoView, json_ld: String) {
    ctx.insert_view("seo", seo);
    ctx.insert_view("json_ld", json_ld);
}

impl Renderer {
    /// Compiles every template of `theme`, whose `t` function looks up `strings`; syntax
    /// errors and unknown string keys name the template file and line.
    pub fn new(theme: &Theme, strings: Strings) -> Result<Renderer> {
        let strings = Arc::new(strings);
        let mut tera = Tera::new();
        crate::i18n::register(&mut tera, strings.clone());
        tera.register_filter("date", tera_contrib::dates::date);
        tera.register_function("now", tera_contrib::dates::now);
        tera.register_filter("urlencode", tera_contrib::urlencode::urlencode);
        tera.register_filter("json_encode", tera_contrib::json::json_encode);
        register_image_function(&mut tera, Arc::default(), "/".into());
        tera.autoescape_on(vec![".html", ".htm", ".xml"]);
        let origins: BTreeMap<String, PathBuf> =
            theme.templates.iter().map(|t| (t.name.clone(), t.origin.clone())).collect();
        let partials = partial::Partials::register(&mut tera, origins.clone());
        tera.add_raw_templates(theme.templates.iter().map(|t| (t.name.as_str(), t.text.as_str())))
            .map_err(|e| template_error(&e, &origins))?;
        Error::collect(strings.check_templates(theme.templates.iter().map(|t| (t.text.as_str(), &t.origin))))?;
        let sources: BTreeMap<String, String> =
            theme.templates.iter().map(|t| (t.name.clone(), t.text.clone())).collect();
        let reads_pager_pages = sources.values().any(|text| may_read_pager_pages(text));
        let reads_clock = sources.values().any(|text| text.contains("now("));
        partials.use_templates(&tera);
        Ok(Renderer { tera, origins, sources, reads_pager_pages, strings, reads_clock, images_digest: 0, partials })
    }

    /// What every page shares besides its variables (the templates, strings and images, the
    /// `site` variable, whether pages are minified once written): the key of each page's
    /// digest. `None` when pages cannot be reused (a template reads the clock).
    fn inputs_digest(&self, site_value: &Value, minify: bool) -> Option<InputsDigest> {
        if self.reads_clock {
            return None;
        }
        let mut hashable = true;
        let inputs = InputsDigest::of(|hasher| {
            env!("CARGO_PKG_VERSION").hash(hasher);
            DIGEST_VERSION.hash(hasher);
            self.sources.hash(hasher);
            self.strings.hash(hasher);
            self.images_digest.hash(hasher);
            self.reads_pager_pages.hash(hasher);
            minify.hash(hasher);
            hashable = digest::hash_value(hasher, site_value);
        });
        hashable.then_some(inputs)
    }

    /// The page at site path `path` from `template` and its variables: the earlier build's file
    /// when it was rendered from the same inputs, else rendered.
    fn page(
        &self,
        template: &str,
        ctx: PageContext<'_>,
        path: &str,
        origin: Origin,
        earlier: Option<&dyn EarlierPages>,
    ) -> Result<Rendered> {
        let (variables, digest) = ctx.finish(template, path);
        if let (Some(digest), Some(earlier)) = (digest, earlier)
            && let Some(file) = earlier.reuse(path, digest)
        {
            let file = OutputFile { path: path.to_string(), contents: Contents::Cached(file), origin };
            return Ok(Rendered { file, digest: Some(digest) });
        }
        let context = variables.into_context().map_err(|(key, why)| {
            Error::output(path, format!("the template variable `{key}` cannot be made for {template}: {why}"))
        })?;
        let html = self.render(template, &context)?;
        Ok(Rendered { file: OutputFile::html(path, html, origin), digest })
    }

    /// The page title `key` in `lang`, or `english` for a theme whose tables lack it.
    fn title(&self, lang: &str, key: &str, english: &str) -> String {
        self.strings.translate(lang, key, None, &[]).unwrap_or_else(|_| english.to_string())
    }

    /// Lets the `image(path=…, width=…)` function find the variants of `images` (URLs under
    /// the base URL's path `prefix`).
    pub fn use_images(&mut self, images: Arc<ImageSet>, prefix: String) {
        self.images_digest = digest::digest_of(|hasher| {
            images.hash_published(hasher);
            prefix.hash(hasher);
        });
        register_image_function(&mut self.tera, images, prefix);
        self.partials.use_templates(&self.tera);
    }

    /// Whether the theme has the optional template `name`.
    pub fn has_template(&self, name: &str) -> bool {
        self.origins.contains_key(name)
    }

    fn render(&self, template: &str, ctx: &Context) -> Result<String> {
        self.tera.render(template, ctx).map_err(|e| template_error(&e, &self.origins))
    }

    /// Template name → its text, as the theme has them.
    pub fn template_sources(&self) -> &BTreeMap<String, String> {
        &self.sources
    }

    /// Renders every article, page, list, index and alias page of `site`, and the search page
    /// when search is on and the theme has [`SEARCH_TEMPLATE`].
    pub fn render_site(&self, site: &Site) -> Result<Vec<OutputFile>> {
        self.render_selected(site, &SharedViews::new(site), &Everything)
    }

    /// Renders the outputs of `site` that `selection` asks for (index and alias pages, which
    /// are few and cheap, always). `site_views` must be [`SharedViews::new`] of `site`.
    pub fn render_selected(
        &self,
        site: &Site,
        site_views: &SharedViews,
        selection: &dyn OutputFilter,
    ) -> Result<Vec<OutputFile>> {
        self.render_into(site, site_views, selection, None, &|rendered| Ok(rendered.file))
    }

    /// [`Renderer::render_selected`], handing each page to `sink` as soon as it is rendered
    /// (from several threads) and keeping what `sink` returns. A build writes each page out
    /// there, so the whole site's HTML (about 400 MB at 10,000 articles) is never held at once.
    ///
    /// With `earlier` pages, each page gets the digest of what it is rendered from, and a page
    /// of the earlier build with the same digest is handed over instead of rendered again.
    pub fn render_into<T: Send>(
        &self,
        site: &Site,
        site_views: &SharedViews,
        selection: &dyn OutputFilter,
        earlier: Option<&dyn EarlierPages>,
        sink: &(impl Fn(Rendered) -> Result<T> + Sync),
    ) -> Result<Vec<T>> {
        let views = ViewBuilder::new(site);
        let seo = SeoBuilder::new(site, &views, &self.strings);
        // Cards and `site` are handed to many partials: they are known by address while they
        // live, which is longer than the partials' session (declared after them).
        let lasting = |value: &Value| self.partials.keep_lasting(value);
        let cards = context::Cards::new(&site_views.summaries, &lasting);
        let cards = &cards;
        let site_value = digest::value_of(&site_views.site)
            .map_err(|why| Error::output("/", format!("the template variable `site` cannot be made: {why}")))?;
        self.partials.keep_lasting(&site_value);
        let _partials = self.partials.session();
        let inputs = earlier.and_then(|_| self.inputs_digest(&site_value, site.config.minify));
        let search_pages = site.config.search && self.has_template(SEARCH_TEMPLATE);
        let base_context = |kind: &str, url: &str, lang: &str, dir: &str| {
            // Its variables are all made now (none borrows from the arguments).
            let mut ctx: PageContext<'static> = PageContext::new(inputs);
            ctx.insert_shared("site", site_value.clone());
            ctx.insert("page_kind", kind);
            ctx.insert("current_url", url);
            ctx.insert(
                "canonical",
                &site.config.base_url.absolute(url.strip_prefix(&site.config.base_url.prefix).unwrap_or(url)),
            );
            ctx.insert("lang", lang);
            ctx.insert("dir", dir);
            // The home and search page of the page's language (`/ur/`, `/ur/search/`), when
            // the site publishes it as one of `languages:`; else the site's.
            let home =
                site.config.language_of(lang).map_or("/".into(), |l| context::language_home(&site.config, &l.code));
            ctx.insert("home_url", &views.url(&home));
            let search = if search_pages {
                crate::search::search_page_for(&site.config, lang)
            } else {
                crate::search::SEARCH_PAGE.to_string()
            };
            ctx.insert("search_url", &views.url(&search));
            ctx.insert("alternates", &Vec::<context::TranslationView>::new());
            ctx
        };

        // Pages are handed to rayon a few at a time (`with_max_len`): left to split a long range
        // as it likes, rayon ran the last thousands of articles of a 50,000-article build on one
        // thread while the other cores had nothing left to take.
        let articles = (0..site.articles.len())
            .into_par_iter()
            .with_max_len(PAGES_PER_JOB)
            .filter(|&id| selection.article(id))
            .map(|id| {
                let view = views.article(id, cards);
                let mut ctx =
                    base_context("article", &view.summary_view.url, &view.summary_view.lang, &view.summary_view.dir);
                ctx.insert("alternates", &views.document_alternates(&site.articles[id].article.common));
                let (card, json_ld) =
                    seo.article(id, view.summary_view).map_err(|e| seo::json_ld_error(&site.articles[id].path, &e))?;
                insert_article(&mut ctx, view);
                insert_seo(&mut ctx, card, json_ld);
                let article = &site.articles[id];
                let origin = Origin::Source(article.article.common.source.clone());
                self.page("article.html", ctx, &article.path, origin, earlier)
            });
        let pages = site.pages.par_iter().enumerate().filter(|(i, _)| selection.page(*i)).map(|(_, p)| {
            let view = views.page(p);
            let mut ctx = base_context("page", &view.url, &view.lang, &view.dir);
            ctx.insert("alternates", &views.document_alternates(&p.page.common));
            let (card, json_ld) = seo
                .page(p, view.title, &view.permalink, view.image.as_ref(), &view.lang)
                .map_err(|e| seo::json_ld_error(&p.page.path, &e))?;
            ctx.insert_view("page", view);
            insert_seo(&mut ctx, card, json_ld);
            self.page("page.html", ctx, &p.page.path, Origin::Source(p.page.common.source.clone()), earlier)
        });
        let listings = self.listings(site, &views);
        let (views, base_context, seo) = (&views, &base_context, &seo);
        let lists = listings.par_iter().flat_map(|listing| {
            let pages = site.config.paginate;
            let total = listing.articles.len().div_ceil(pages).max(1);
            // `1..total + 1` rather than `1..=total`: rayon cannot bound the jobs of an
            // inclusive range of `usize` (its length may not fit), and `with_max_len` needs that.
            (1..total + 1)
                .into_par_iter()
                .with_max_len(PAGES_PER_JOB)
                .filter(move |&number| {
                    let start = (number - 1) * pages;
                    let end = (start + pages).min(listing.articles.len());
                    selection.list_page(listing.template, &listing.articles[start.min(end)..end])
                })
                .map(move |number| {
                    self.render_list_page(listing, number, total, cards, views, seo, base_context, site, earlier)
                })
        });
        // The tags and authors indexes and the 404 page are in the site's language; there is
        // one search page per language (`/search/`, `/ur/search/`).
        let site_lang = &site.config.language;
        let mut indexes = vec![
            ("tags.html", "/tags/".to_string(), "tags", ("tags_title", "Tags"), site_lang.clone()),
            ("authors.html", "/authors/".to_string(), "authors", ("authors_title", "Authors"), site_lang.clone()),
            ("404.html", "/404.html".to_string(), "404", ("not_found_title", "Page not found"), site_lang.clone()),
        ];
        if search_pages {
            for (lang, path) in crate::search::search_pages(&site.config) {
                indexes.push((SEARCH_TEMPLATE, path, "search", ("search_title", "Search"), lang));
            }
        }
        if self.has_template(CORRECTIONS_TEMPLATE) {
            indexes.push((
                CORRECTIONS_TEMPLATE,
                CORRECTIONS_PAGE.to_string(),
                "corrections",
                ("corrections_title", "Corrections"),
                site_lang.clone(),
            ));
        }
        let indexes = indexes.into_par_iter().map(|(template, path, kind, (title_key, english), lang)| {
            let path = path.as_str();
            let title = self.title(&lang, title_key, english);
            let title = title.as_str();
            let mut ctx = base_context(kind, &views.url(path), &lang, context::text_direction(&lang));
            let noindex = matches!(kind, "404" | "search");
            insert_seo(&mut ctx, seo.plain(title, &views.permalink(path), noindex, &lang), String::new());
            match kind {
                "tags" => {
                    let mut tags: Vec<_> = (0..site.tags.len()).map(|id| views.tag(id)).collect();
                    tags.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.slug.cmp(&b.slug)));
                    ctx.insert_view("tags", tags);
                }
                "authors" => {
                    ctx.insert_view("authors", (0..site.authors.len()).map(|id| views.author(id)).collect::<Vec<_>>())
                }
                "corrections" => ctx.insert_view("corrections", views.all_corrections(cards)),
                _ => {}
            }
            let origin =
                if lang == *site_lang { format!("the {kind} page") } else { format!("the `{lang}` {kind} page") };
            self.page(template, ctx, path, Origin::Generated(origin), earlier)
        });
        let aliases = site
            .articles
            .par_iter()
            .map(|a| (&a.article.common, a.path.as_str()))
            .chain(site.pages.par_iter().map(|p| (&p.page.common, p.page.path.as_str())))
            .flat_map_iter(|(common, target)| {
                // Aliases with a query string (`/?p=123`) cannot be files; `_redirects` has them.
                // On Netlify an alias page would shadow the 301 rule that answers its path.
                let pages = site.config.hosting.writes_alias_pages();
                let paths =
                    common.aliases.iter().filter(move |a| pages && crate::permalink::alias_query(&a.value).is_none());
                paths.map(move |alias| {
                    let html = alias_page(&site.config.base_url.absolute(target));
                    let file = OutputFile::html(&alias.value, html, Origin::Source(common.source.clone()));
                    Ok(Rendered { file, digest: None })
                })
            });

        let results: Vec<Result<T>> =
            articles.chain(pages).chain(lists).chain(indexes).chain(aliases).map(|r| r.and_then(sink)).collect();
        collect_distinct(results)
    }

    /// The home page, every category, tag and author.
    fn listings<'a>(&self, site: &'a Site, views: &ViewBuilder) -> Vec<Listing<'a>> {
        let mut out = vec![Listing {
            template: "index.html",
            base: "/".into(),
            articles: Cow::Owned((0..site.articles.len()).collect()),
            subject: None,
            lang: None,
            origin: "the home page".into(),
            seo: ListSubject::Home,
        }];
        for language in site.config.languages.iter().skip(1) {
            let code = &language.code;
            out.push(Listing {
                template: "index.html",
                base: context::language_home(&site.config, code),
                articles: Cow::Owned(crate::site::articles_in(site, code)),
                subject: None,
                lang: Some(code.clone()),
                origin: format!("the `{code}` home page"),
                seo: ListSubject::Home,
            });
        }
        for (id, node) in site.categories.nodes.iter().enumerate() {
            out.push(Listing {
                template: "category.html",
                base: node.path.clone(),
                articles: Cow::Borrowed(&site.category_articles[id]),
                subject: Some(("category", digest::value_of(&views.category_page(id)))),
                lang: None,
                origin: format!("category `{}`", site.categories.full_name(id)),
                seo: ListSubject::Category(id),
            });
        }
        for (id, tag) in site.tags.iter().enumerate() {
            out.push(Listing {
                template: "tag.html",
                base: tag.path(),
                articles: Cow::Borrowed(&site.tag_articles[id]),
                subject: Some(("tag", digest::value_of(&views.tag(id)))),
                lang: None,
                origin: format!("tag `{}`", tag.name),
                seo: ListSubject::Tag(id),
            });
        }
        for (id, author) in site.authors.iter().enumerate() {
            out.push(Listing {
                template: "author.html",
                base: author.path(),
                articles: Cow::Borrowed(&site.author_articles[id]),
                subject: Some(("author", digest::value_of(&views.author(id)))),
                lang: None,
                origin: format!("author `{}`", author.name),
                seo: ListSubject::Author(id),
            });
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn render_list_page(
        &self,
        listing: &Listing,
        number: usize,
        total: usize,
        cards: &context::Cards,
        views: &ViewBuilder,
        seo: &SeoBuilder,
        base_context: &(impl Fn(&str, &str, &str, &str) -> PageContext<'static> + Sync),
        site: &Site,
        earlier: Option<&dyn EarlierPages>,
    ) -> Result<Rendered> {
        let per_page = site.config.paginate;
        let start = (number - 1) * per_page;
        let items = listing.articles.iter().skip(start).take(per_page).map(|&id| cards.get(id)).collect();
        let url_of = |n: usize| views.url(&page_path(&listing.base, n));
        let link = |n: usize| PagerLink { number: n, url: url_of(n), current: n == number };
        let paginator = PaginatorView {
            items,
            current: number,
            total,
            total_items: listing.articles.len(),
            per_page,
            previous_url: if number > 1 { url_of(number - 1) } else { String::new() },
            next_url: if number < total { url_of(number + 1) } else { String::new() },
            first_url: url_of(1),
            last_url: url_of(total),
            pages: if self.reads_pager_pages { (1..=total).map(link).collect() } else { Vec::new() },
            window: pager_window(number, total).into_iter().map(link).collect(),
        };
        let path = page_path(&listing.base, number);
        let lang = listing.lang.as_ref().unwrap_or(&site.config.language);
        let mut ctx = base_context(
            listing.template.trim_end_matches(".html"),
            &views.url(&path),
            lang,
            context::text_direction(lang),
        );
        insert_paginator(&mut ctx, paginator);
        if listing.template == "index.html" && number == 1 && site.config.languages.len() > 1 {
            let homes: Vec<(&str, String)> = site
                .config
                .languages
                .iter()
                .map(|l| (l.code.as_str(), context::language_home(&site.config, &l.code)))
                .collect();
            let title = site.config.title.as_str();
            ctx.insert("alternates", &views.alternates(homes.iter().map(|(l, p)| (*l, p.as_str(), title))));
        }
        if let Some((name, value)) = &listing.subject {
            ctx.insert_made(name, value.clone());
        }
        let (card, json_ld) =
            seo.list(&listing.seo, &views.permalink(&path), number, lang).map_err(|e| seo::json_ld_error(&path, &e))?;
        insert_seo(&mut ctx, card, json_ld);
        self.page(listing.template, ctx, &path, Origin::Generated(listing.origin.clone()), earlier)
    }
}

/// Sets `paginator`, hashed as its other fields and its cards' digests: a card stands on many
/// list pages (each of its categories, tags and authors, the home page, its year), and walking
/// it on each was a tenth of a rebuild's time.
fn insert_paginator<'a>(ctx: &mut PageContext<'a>, paginator: PaginatorView<'a>) {
    ctx.insert_view_hashed_by("paginator", paginator, |h, paginator| {
        let items = std::mem::take(&mut paginator.items);
        let hashed = hash_cards(h, &items) && h.write_view(&*paginator);
        paginator.items = items;
        hashed
    });
}

/// Sets `article`, hashed as its other fields and the digests of the cards it shows (previous,
/// next, related): each card is hashed once per build, not again on every page that shows it.
fn insert_article<'a>(ctx: &mut PageContext<'a>, article: ArticleView<'a>) {
    ctx.insert_view_hashed_by("article", article, |h, article| {
        let (previous, next) = (article.previous.take(), article.next.take());
        let related = std::mem::take(&mut article.related);
        let hashed = hash_cards(h, previous.as_slice())
            && hash_cards(h, next.as_slice())
            && hash_cards(h, &related)
            && h.write_view(&*article);
        (article.previous, article.next, article.related) = (previous, next, related);
        hashed
    });
}

/// Feeds `h` how many `cards` there are and each one's digest; `false` when one has none.
fn hash_cards(h: &mut digest::Encoded, cards: &[context::Card]) -> bool {
    cards.len().hash(h);
    cards.iter().all(|card| card.digest().map(|d| h.write_u128(d)).is_some())
}

/// The page numbers a numbered pager shows for page `current` of `total`: the first, the last,
/// and two either side of the current one, in order.
fn pager_window(current: usize, total: usize) -> Vec<usize> {
    let mut numbers = vec![1];
    numbers.extend(current.saturating_sub(2).max(1)..=(current + 2).min(total));
    numbers.push(total);
    numbers.sort_unstable();
    numbers.dedup();
    numbers
}

/// Whether a template's text may read `paginator.pages`: it names `paginator` other than as
/// `paginator.FIELD` with one of the other fields (a theme that hands the whole paginator to
/// a macro or a filter may read anything, so it counts).
fn may_read_pager_pages(text: &str) -> bool {
    const OTHER_FIELDS: [&str; 10] = [
        "items",
        "current",
        "total",
        "total_items",
        "per_page",
        "previous_url",
        "next_url",
        "first_url",
        "last_url",
        "window",
    ];
    text.match_indices("paginator").any(|(at, name)| {
        let Some(field) = text[at + name.len()..].strip_prefix('.') else { return true };
        let end = field.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(field.len());
        !OTHER_FIELDS.contains(&&field[..end])
    })
}

/// A page that sends browsers and search engines from an old URL to the new one.
fn alias_page(target: &str) -> String {
    let t = crate::escape::html(target);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Redirecting…</title>\n<link rel=\"canonical\" href=\"{t}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={t}\">\n</head>\n<body>\n<p>This page has moved to <a href=\"{t}\">{t}</a>.</p>\n</body>\n</html>\n"
    )
}

/// Keeps successful outputs; reports each distinct error once (a typo in `article.html` would
/// otherwise be reported for every article).
fn collect_distinct<T>(results: Vec<Result<T>>) -> Result<Vec<T>> {
    let mut files = Vec::with_capacity(results.len());
    let mut errors: Vec<Error> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for r in results {
        match r {
            Ok(f) => files.push(f),
            Err(e) => {
                if seen.insert(e.to_string()) {
                    errors.push(e);
                }
            }
        }
    }
    Error::collect(errors)?;
    Ok(files)
}

/// Converts a Tera error into ours, with the template's file, line and column.
fn template_error(e: &tera::Error, origins: &BTreeMap<String, PathBuf>) -> Error {
    let origin = |name: &str| origins.get(name).cloned().unwrap_or_else(|| PathBuf::from(name));
    match e.kind() {
        ErrorKind::RenderingError(r) | ErrorKind::SyntaxError(r) => {
            let span = r.span();
            Error::Template {
                location: Location {
                    path: origin(r.filename()),
                    position: Some(Position { line: span.start_line, column: span.start_col + 1 }),
                },
                message: r.message().to_string(),
            }
        }
        ErrorKind::Msg(report) => {
            // Reference checks (unknown filter, missing include…) arrive as formatted reports:
            // pair each "error: X" line with its " --> file:line:col" line.
            let mut errors = Vec::new();
            let mut pending: Option<String> = None;
            for line in report.lines() {
                if let Some(msg) = line.strip_prefix("error: ") {
                    pending = Some(msg.to_string());
                } else if let (Some(loc), Some(msg)) = (line.trim_start().strip_prefix("--> "), pending.as_ref()) {
                    let mut parts = loc.rsplitn(3, ':');
                    let column = parts.next().and_then(|c| c.parse().ok());
                    let line_no = parts.next().and_then(|l| l.parse().ok());
                    let name = parts.next().unwrap_or(loc);
                    let position = line_no.zip(column).map(|(line, column)| Position { line, column });
                    errors.push(Error::Template {
                        location: Location { path: origin(name), position },
                        message: msg.clone(),
                    });
                    pending = None;
                }
            }
            if errors.is_empty() {
                Error::Template { location: Location::file("templates"), message: report.clone() }
            } else {
                Error::collect(errors).err().unwrap_or_else(|| Error::Template {
                    location: Location::file("templates"),
                    message: report.clone(),
                })
            }
        }
        other => Error::Template { location: Location::file("templates"), message: other.to_string() },
    }
}

impl OutputFile {
    /// An HTML (or other text) file generated for a site path.
    pub fn html(site_path: &str, html: String, origin: Origin) -> OutputFile {
        OutputFile { path: site_path.to_string(), contents: Contents::Text(html), origin }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pager_window_shows_first_last_and_two_either_side() {
        assert_eq!(pager_window(1, 1), vec![1]);
        assert_eq!(pager_window(1, 10), vec![1, 2, 3, 10]);
        assert_eq!(pager_window(5, 10), vec![1, 3, 4, 5, 6, 7, 10]);
        assert_eq!(pager_window(10, 10), vec![1, 8, 9, 10]);
        assert_eq!(pager_window(2, 3), vec![1, 2, 3]);
    }

    #[test]
    fn only_templates_that_may_read_every_pager_link_get_them() {
        assert!(!may_read_pager_pages("{% for p in paginator.window %}{{ paginator.total_items }}{% endfor %}"));
        assert!(!may_read_pager_pages("{% include \"partials/pagination.html\" %}"));
        assert!(may_read_pager_pages("{% for p in paginator.pages %}{% endfor %}"));
        assert!(may_read_pager_pages("{{ paginator | json_encode }}"));
        assert!(may_read_pager_pages("{{ paginator[\"pages\"] }}"));
        assert!(may_read_pager_pages("{{ paginator.totally }}"));
    }
}
