//! The documented template API: typed `Serialize` views of the site model. Templates see only
//! these (see README "Template variables"); renaming a field here is a breaking change.

use std::borrow::Cow;

use serde::Serialize;

use crate::comments::ArchivedComment;
use crate::config::BaseUrl;
use crate::images::PublishedImage;
use crate::markdown::TocEntry;
use crate::site::{ArticleId, ImageRef, Site, SiteArticle, SitePage};
use crate::taxonomy::CategoryId;

/// Words per minute used for `reading_time`.
const WORDS_PER_MINUTE: usize = 200;

pub use crate::dates::rfc3339;
pub use crate::language::text_direction;

/// The site path of `lang`'s home page: `/` for the site's language, `/ur/` for another.
pub fn language_home(config: &crate::config::Config, lang: &str) -> String {
    if crate::language::same_language(lang, &config.language) { "/".to_string() } else { format!("/{lang}/") }
}

/// The widest variant `srcset_small` offers: a card or an avatar never needs more.
const SMALL_IMAGE_WIDTH: u32 = 800;

/// `files` (narrowest first) up to [`SMALL_IMAGE_WIDTH`], or the narrowest when none is.
fn small<'f>(files: &[&'f crate::images::PublishedFile]) -> Vec<&'f crate::images::PublishedFile> {
    let small: Vec<_> = files.iter().copied().filter(|f| f.width <= SMALL_IMAGE_WIDTH).collect();
    if small.is_empty() { files.iter().copied().take(1).collect() } else { small }
}

fn reading_time(words: usize) -> usize {
    words.div_ceil(WORDS_PER_MINUTE).max(1)
}

/// Another language's version of an article or page (`article.translations`), or any
/// version in the `alternates` every page gets for its `hreflang` links.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TranslationView {
    /// Language code (`ur`); `x-default` for the `alternates` entry that names the version in
    /// the site's language as the default.
    pub lang: String,
    /// The language's name in its own script (`اردو`).
    pub language_name: String,
    /// URL (with path prefix).
    pub url: String,
    /// Absolute URL, for `<link rel="alternate" hreflang>`.
    pub permalink: String,
    /// Title of that version (the site title for home pages).
    pub title: String,
    /// `ltr` or `rtl`.
    pub dir: String,
}

/// A language the site publishes in (`site.languages`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LanguageView {
    /// Language code.
    pub code: String,
    /// Its name in its own script.
    pub name: String,
    /// `ltr` or `rtl`.
    pub dir: String,
    /// URL of its home page: `/` for the site's language, `/ur/` for the others.
    pub url: String,
}

/// A name and a URL.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkView {
    /// Link text.
    pub name: String,
    /// URL (with the base URL's path prefix).
    pub url: String,
}

/// A node of the navigation menu / category tree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryNodeView {
    /// Display name.
    pub name: String,
    /// URL of the category page.
    pub url: String,
    /// Full path ("DRM Exclusive/News").
    pub path: String,
    /// Description, or empty.
    pub description: String,
    /// Articles in it and its descendants.
    pub count: usize,
    /// Sub-categories.
    pub children: Vec<CategoryNodeView>,
}

/// An author as shown in bylines and on author pages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuthorView {
    /// Id (URL slug).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Author page URL.
    pub url: String,
    /// Absolute URL of the author page.
    pub permalink: String,
    /// Biography, or empty.
    pub bio: String,
    /// X/Twitter handle, or empty.
    pub twitter: String,
    /// Avatar URL, or empty.
    pub avatar: String,
    /// The avatar as an image (sizes and variants, alt text empty), or none.
    pub avatar_image: Option<ImageView>,
    /// Personal web site, or empty.
    pub website: String,
    /// Number of articles.
    pub count: usize,
}

/// A category as attached to an article, with its ancestors for a breadcrumb trail.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryRefView {
    /// Display name.
    pub name: String,
    /// Category page URL.
    pub url: String,
    /// Full path ("DRM Exclusive/News").
    pub path: String,
    /// Ancestors, root first, not including this category.
    pub ancestors: Vec<LinkView>,
}

/// A tag.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TagView {
    /// Display name.
    pub name: String,
    /// URL slug.
    pub slug: String,
    /// Tag page URL.
    pub url: String,
    /// Number of articles.
    pub count: usize,
}

/// A featured image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImageView {
    /// URL for `src`.
    pub url: String,
    /// Absolute URL (for social cards).
    pub absolute: String,
    /// Alt text: `image_alt`, else the title.
    pub alt: String,
    /// Caption, or empty.
    pub caption: String,
    /// URL for `<img src>`: the variant nearest 800 pixels wide in the original's format (the
    /// original when it is narrower, or not processed: SVG, another host).
    pub src: String,
    /// `srcset` of the original's format (`… 480w, … 800w, …`), or empty when not processed.
    pub srcset: String,
    /// `srcset` of the WebP variants, or empty.
    pub webp_srcset: String,
    /// `srcset` with the variants at most 800 pixels wide (cards, avatars), or empty.
    pub srcset_small: String,
    /// `webp_srcset` with the variants at most 800 pixels wide, or empty.
    pub webp_srcset_small: String,
    /// Width in pixels as displayed, or 0 when not known (SVG, another host).
    pub width: u32,
    /// Height in pixels as displayed, or 0 when not known.
    pub height: u32,
}

/// What list pages and cards show of an article (also `previous`, `next`, `related`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArticleSummaryView {
    /// Title.
    pub title: String,
    /// URL (with path prefix).
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// Slug.
    pub slug: String,
    /// Publication date-time, RFC 3339 (format it with the `date` filter).
    pub date: String,
    /// Last update, RFC 3339, or empty.
    pub updated: String,
    /// Plain-text summary.
    pub summary: String,
    /// Authors.
    pub authors: Vec<AuthorView>,
    /// Categories, in the order written.
    pub categories: Vec<CategoryRefView>,
    /// Tags.
    pub tags: Vec<TagView>,
    /// Featured image, or none.
    pub image: Option<ImageView>,
    /// Estimated minutes to read.
    pub reading_time: usize,
    /// Words in the body.
    pub word_count: usize,
    /// Language code.
    pub lang: String,
    /// `ltr` or `rtl`.
    pub dir: String,
    /// Whether this is a draft (only built with `--drafts`).
    pub draft: bool,
    /// Set when the article is withheld: then `summary` is empty, `image` none and
    /// `word_count` 0, and cards show this notice instead.
    pub withheld: Option<WithheldView>,
    /// How many corrections the article has had.
    pub correction_count: usize,
}

/// Every article's card (`ArticleSummaryView`) with its template value, made on first use. A
/// card stands on many pages (lists, `related`, `previous`/`next`, corrections), and Tera copies
/// a value it was handed in O(1) where it would serialise the card again for every page: that
/// was a tenth of a 10,000-article build's CPU time.
/// Each card's digest is made once too (see [`Card::digest`]).
pub struct Cards<'a> {
    views: &'a [ArticleSummaryView],
    values: Vec<std::sync::OnceLock<Result<tera::Value, String>>>,
    digests: Vec<std::sync::OnceLock<Option<u128>>>,
    /// Told of each value once it is made (it then stays unchanged while the cards live).
    on_made: &'a (dyn Fn(&tera::Value) + Sync),
}

impl<'a> Cards<'a> {
    /// The cards of `views`, indexed by [`ArticleId`]; no value is made yet. `on_made` is
    /// called with each card's value when it is made.
    pub fn new(views: &'a [ArticleSummaryView], on_made: &'a (dyn Fn(&tera::Value) + Sync)) -> Self {
        let values = views.iter().map(|_| std::sync::OnceLock::new()).collect();
        let digests = views.iter().map(|_| std::sync::OnceLock::new()).collect();
        Cards { views, values, digests, on_made }
    }

    /// Article `id`'s card.
    pub fn get(&self, id: ArticleId) -> Card<'_> {
        Card { view: &self.views[id], value: &self.values[id], digest: &self.digests[id], on_made: self.on_made }
    }
}

impl Drop for Cards<'_> {
    /// The values made (a map of maps for each article on some page) go on rayon's threads
    /// (see `crate::parallel::drop_all`).
    fn drop(&mut self) {
        crate::parallel::drop_all(std::mem::take(&mut self.values));
    }
}

/// One article's card, serialised as its view would be (through the value made once).
#[derive(Clone, Copy)]
pub struct Card<'c> {
    view: &'c ArticleSummaryView,
    value: &'c std::sync::OnceLock<Result<tera::Value, String>>,
    digest: &'c std::sync::OnceLock<Option<u128>>,
    on_made: &'c (dyn Fn(&tera::Value) + Sync),
}

impl Card<'_> {
    /// The card's template value, made on first use.
    fn value(&self) -> &Result<tera::Value, String> {
        self.value.get_or_init(|| {
            let value = tera::Value::try_from_serializable(self.view).map_err(|e| e.to_string());
            if let Ok(value) = &value {
                (self.on_made)(value);
            }
            value
        })
    }

    /// The digest of the card's view (`super::digest::view_digest`), made on first use without
    /// making its template value; `None` when it could not be hashed.
    pub fn digest(&self) -> Option<u128> {
        *self.digest.get_or_init(|| super::digest::view_digest(self.view))
    }
}

impl std::ops::Deref for Card<'_> {
    type Target = ArticleSummaryView;

    fn deref(&self) -> &ArticleSummaryView {
        self.view
    }
}

impl std::fmt::Debug for Card<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.view.fmt(f)
    }
}

impl PartialEq for Card<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.view == other.view
    }
}

impl Serialize for Card<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.value() {
            Ok(value) => value.serialize(serializer),
            Err(message) => Err(serde::ser::Error::custom(message)),
        }
    }
}

/// Why and since when an article is withheld (`article.withheld`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WithheldView {
    /// When it was taken down, RFC 3339.
    pub date: String,
    /// The notice readers get instead of the article.
    pub reason: String,
}

/// A dated correction or update (`article.corrections`, `article.updates`, `article.notices`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoticeView {
    /// `correction` or `update`.
    pub kind: &'static str,
    /// When it was made, RFC 3339.
    pub date: String,
    /// What it says (plain text).
    pub text: String,
}

/// One correction on the site-wide corrections page (`corrections` in `corrections.html`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CorrectionEntryView<'a> {
    /// When it was made, RFC 3339.
    pub date: String,
    /// What it says.
    pub text: String,
    /// The corrected article's card.
    pub article: Card<'a>,
}

/// The site-wide variables, available as `site` in every template.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteView {
    /// Site title.
    pub title: String,
    /// Site description.
    pub description: String,
    /// Absolute base URL with trailing slash.
    pub base_url: String,
    /// The site's root URL path (`/` or `/mirror/`): prefix for theme assets.
    pub url: String,
    /// Site language.
    pub language: String,
    /// `ltr` or `rtl` for the site language.
    pub dir: String,
    /// The category tree, in menu order.
    pub categories: Vec<CategoryNodeView>,
    /// Extra menu links from `menu:`.
    pub menu: Vec<LinkView>,
    /// All authors.
    pub authors: Vec<AuthorView>,
    /// The five newest articles.
    pub recent: Vec<ArticleSummaryView>,
    /// `theme_config:` from site.yaml.
    pub theme: serde_yaml::Mapping,
    /// `extra:` from site.yaml.
    pub extra: serde_yaml::Mapping,
    /// Generator name and version.
    pub generator: String,
    /// URL of the site's RSS feed, or empty when no feed is written.
    pub feed_url: String,
    /// URL of `query-aliases.json` (old addresses like `/?p=123` → new URL), or empty when no
    /// article has such an alias. The home and 404 pages use it to redirect in the browser on
    /// hosts that ignore `_redirects`.
    pub query_redirects: String,
    /// URLs of the parts of the search index to merge into the bundle (see [`crate::search`]);
    /// empty when the index is one part.
    pub search_parts: Vec<String>,
    /// The languages the site publishes (`languages:`), the site's own first.
    pub languages: Vec<LanguageView>,
}

/// A full article, available as `article` in `article.html`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArticleView<'a> {
    /// Everything a card shows.
    #[serde(flatten)]
    pub summary_view: &'a ArticleSummaryView,
    /// The body as HTML (its images made responsive).
    pub content: Cow<'a, str>,
    /// Table of contents.
    pub toc: &'a [TocEntry],
    /// The older article (or the explicit `previous:`).
    pub previous: Option<Card<'a>>,
    /// The newer article (or the explicit `next:`).
    pub next: Option<Card<'a>>,
    /// Up to three related articles.
    pub related: Vec<Card<'a>>,
    /// `extra:` from front matter.
    pub extra: &'a serde_yaml::Mapping,
    /// Source file, relative to the site root.
    pub source: String,
    /// Comments from the old site's archive (read-only), oldest first.
    pub comments: &'a [ArchivedComment],
    /// The article's versions in other languages (`translation_key:`).
    pub translations: Vec<TranslationView>,
    /// Corrections, newest first.
    pub corrections: Vec<NoticeView>,
    /// Updates, newest first.
    pub updates: Vec<NoticeView>,
    /// Corrections and updates together, newest first (what the default theme shows above
    /// the body).
    pub notices: Vec<NoticeView>,
    /// Whether the body shows an embed card (the page then loads `embeds.js`).
    pub has_embeds: bool,
    /// Whether the body uses shortcodes (the page then loads `shortcodes.css`).
    pub has_shortcodes: bool,
}

/// A page, available as `page` in `page.html`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageView<'a> {
    /// Title.
    pub title: &'a str,
    /// URL.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// Plain-text summary.
    pub summary: &'a str,
    /// Body HTML (its images made responsive).
    pub content: Cow<'a, str>,
    /// Table of contents.
    pub toc: &'a [TocEntry],
    /// Last update, RFC 3339, or empty.
    pub updated: String,
    /// Featured image, or none.
    pub image: Option<ImageView>,
    /// Language code.
    pub lang: String,
    /// `ltr` or `rtl`.
    pub dir: String,
    /// Estimated minutes to read.
    pub reading_time: usize,
    /// Words in the body.
    pub word_count: usize,
    /// `extra:` from front matter.
    pub extra: &'a serde_yaml::Mapping,
    /// Whether this is a draft.
    pub draft: bool,
    /// Comments from the old site's archive (read-only), oldest first.
    pub comments: &'a [ArchivedComment],
    /// The page's versions in other languages (`translation_key:`).
    pub translations: Vec<TranslationView>,
    /// Whether the body shows an embed card (the page then loads `embeds.js`).
    pub has_embeds: bool,
    /// Whether the body uses shortcodes (the page then loads `shortcodes.css`).
    pub has_shortcodes: bool,
}

/// One numbered link of a paginator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PagerLink {
    /// Page number, from 1.
    pub number: usize,
    /// Its URL.
    pub url: String,
    /// Whether it is the page being rendered.
    pub current: bool,
}

/// Pagination of a list page, available as `paginator`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PaginatorView<'a> {
    /// The articles on this page.
    pub items: Vec<Card<'a>>,
    /// This page's number, from 1.
    pub current: usize,
    /// Number of pages (at least 1).
    pub total: usize,
    /// Number of articles across all pages.
    pub total_items: usize,
    /// Items per page.
    pub per_page: usize,
    /// URL of the previous (newer) page, or empty.
    pub previous_url: String,
    /// URL of the next (older) page, or empty.
    pub next_url: String,
    /// URL of the first page.
    pub first_url: String,
    /// URL of the last page.
    pub last_url: String,
    /// All pages, for numbered links. Filled only for themes that read it (one link per page,
    /// so a listing of N pages costs N² links); see [`super::Renderer`].
    pub pages: Vec<PagerLink>,
    /// The pages a numbered pager shows: the first, the last, and two either side of this one.
    pub window: Vec<PagerLink>,
}

/// A category page's subject, available as `category`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryPageView {
    /// Display name.
    pub name: String,
    /// Full path.
    pub path: String,
    /// URL.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// Description, or empty.
    pub description: String,
    /// Ancestors, root first.
    pub ancestors: Vec<LinkView>,
    /// Sub-categories with counts.
    pub children: Vec<CategoryNodeView>,
    /// Articles in it and its descendants.
    pub count: usize,
}

/// Turns model parts into views; holds what every view needs.
pub struct ViewBuilder<'a> {
    site: &'a Site,
    base: &'a BaseUrl,
}

impl<'a> ViewBuilder<'a> {
    /// A builder for `site`.
    pub fn new(site: &'a Site) -> Self {
        ViewBuilder { site, base: &site.config.base_url }
    }

    /// URL with path prefix.
    pub fn url(&self, site_path: &str) -> String {
        self.base.url(site_path)
    }

    /// Absolute URL.
    pub fn permalink(&self, site_path: &str) -> String {
        self.base.absolute(site_path)
    }

    fn image(
        &self,
        image: &Option<ImageRef>,
        alt: &Option<String>,
        caption: &Option<String>,
        title: &str,
    ) -> Option<ImageView> {
        let (url, absolute, processed) = match image.as_ref()? {
            ImageRef::Site(p) => (self.url(p), self.permalink(p), self.site.images.get(p)),
            ImageRef::External(u) => (u.clone(), u.clone(), None),
        };
        let alt = alt.clone().filter(|a| !a.trim().is_empty()).unwrap_or_else(|| title.to_string());
        Some(self.image_view(url, absolute, alt, caption.clone().unwrap_or_default(), processed))
    }

    /// An image's view; `processed` gives its sizes and variants.
    fn image_view(
        &self,
        url: String,
        absolute: String,
        alt: String,
        caption: String,
        processed: Option<&PublishedImage>,
    ) -> ImageView {
        let Some(image) = processed else {
            return ImageView {
                src: url.clone(),
                url,
                absolute,
                alt,
                caption,
                srcset: String::new(),
                webp_srcset: String::new(),
                srcset_small: String::new(),
                webp_srcset_small: String::new(),
                width: 0,
                height: 0,
            };
        };
        let link = |path: &str| self.url(path);
        let webp = if image.format == crate::images::FileFormat::WebP { Vec::new() } else { image.webp_files() };
        let fallback = image.fallback_files();
        ImageView {
            src: self.url(&image.src().site_path),
            url,
            absolute,
            alt,
            caption,
            srcset: PublishedImage::srcset(&fallback, link),
            webp_srcset: PublishedImage::srcset(&webp, link),
            srcset_small: PublishedImage::srcset(&small(&fallback), link),
            webp_srcset_small: PublishedImage::srcset(&small(&webp), link),
            width: image.width,
            height: image.height,
        }
    }

    /// The body HTML of the document at `owner_path`, its processed images made responsive.
    pub fn content(&self, html: &'a str, owner_path: &str) -> Cow<'a, str> {
        let prefix = self.base.prefix.as_str();
        let resolve = |src: &str| {
            let src = match src.strip_prefix(prefix) {
                Some(rest) if src.starts_with('/') => format!("/{rest}"),
                _ => src.to_string(),
            };
            crate::site::local_image_path(&src, owner_path)
        };
        let url = |path: &str| self.url(path);
        match crate::images::html::responsive(html, &self.site.images, &resolve, &url) {
            Some(rewritten) => Cow::Owned(rewritten),
            None => Cow::Borrowed(html),
        }
    }

    /// An author with their article count.
    pub fn author(&self, id: usize) -> AuthorView {
        let a = &self.site.authors[id];
        let path = a.path();
        let details = a.details.as_ref();
        let field = |f: fn(&crate::config::AuthorConfig) -> &Option<String>| {
            details.and_then(|d| f(d).clone()).unwrap_or_default()
        };
        let avatar = field(|d| &d.avatar);
        let avatar_image = (!avatar.is_empty()).then(|| {
            let processed = if avatar.starts_with('/') { self.site.images.get(&avatar) } else { None };
            let url = if avatar.starts_with('/') { self.url(&avatar) } else { avatar.clone() };
            let absolute = if avatar.starts_with('/') { self.permalink(&avatar) } else { avatar.clone() };
            self.image_view(url, absolute, String::new(), String::new(), processed)
        });
        AuthorView {
            id: a.id.clone(),
            name: a.name.clone(),
            url: self.url(&path),
            permalink: self.permalink(&path),
            bio: field(|d| &d.bio),
            twitter: field(|d| &d.twitter).trim_start_matches('@').to_string(),
            avatar: if avatar.starts_with('/') { self.url(&avatar) } else { avatar },
            avatar_image,
            website: field(|d| &d.url),
            count: self.site.author_articles[id].len(),
        }
    }

    /// A tag with its article count.
    pub fn tag(&self, id: usize) -> TagView {
        let t = &self.site.tags[id];
        TagView {
            name: t.name.clone(),
            slug: t.slug.clone(),
            url: self.url(&t.path()),
            count: self.site.tag_articles[id].len(),
        }
    }

    fn ancestors(&self, id: CategoryId) -> Vec<LinkView> {
        let tree = &self.site.categories;
        let lineage = tree.lineage(id);
        lineage[..lineage.len() - 1]
            .iter()
            .map(|&c| LinkView { name: tree.nodes[c].name.clone(), url: self.url(&tree.nodes[c].path) })
            .collect()
    }

    fn category_ref(&self, id: CategoryId) -> CategoryRefView {
        let node = &self.site.categories.nodes[id];
        CategoryRefView {
            name: node.name.clone(),
            url: self.url(&node.path),
            path: self.site.categories.full_name(id),
            ancestors: self.ancestors(id),
        }
    }

    /// The category tree below `ids`, for menus and sub-category lists.
    pub fn category_nodes(&self, ids: &[CategoryId]) -> Vec<CategoryNodeView> {
        let tree = &self.site.categories;
        ids.iter()
            .map(|&id| {
                let node = &tree.nodes[id];
                CategoryNodeView {
                    name: node.name.clone(),
                    url: self.url(&node.path),
                    path: tree.full_name(id),
                    description: node.description.clone().unwrap_or_default(),
                    count: self.site.category_articles[id].len(),
                    children: self.category_nodes(&node.children),
                }
            })
            .collect()
    }

    /// The subject of a category page.
    pub fn category_page(&self, id: CategoryId) -> CategoryPageView {
        let node = &self.site.categories.nodes[id];
        CategoryPageView {
            name: node.name.clone(),
            path: self.site.categories.full_name(id),
            url: self.url(&node.path),
            permalink: self.permalink(&node.path),
            description: node.description.clone().unwrap_or_default(),
            ancestors: self.ancestors(id),
            children: self.category_nodes(&node.children),
            count: self.site.category_articles[id].len(),
        }
    }

    /// The card view of an article. A withheld article's card keeps its title, date, authors
    /// and taxonomy, but nothing of its text or images.
    pub fn article_summary(&self, a: &SiteArticle) -> ArticleSummaryView {
        let art = &a.article;
        let lang = art.common.lang.clone().unwrap_or_else(|| self.site.config.language.clone());
        let withheld = art.withheld.as_ref().map(|w| WithheldView { date: rfc3339(&w.date), reason: w.reason.clone() });
        let shown = withheld.is_none();
        let word_count = if shown { art.common.body.word_count } else { 0 };
        ArticleSummaryView {
            title: art.common.title.clone(),
            url: self.url(&a.path),
            permalink: self.permalink(&a.path),
            slug: art.slug.clone(),
            date: rfc3339(&art.date),
            updated: art.updated.as_ref().map(rfc3339).unwrap_or_default(),
            summary: if shown { art.common.summary.clone() } else { String::new() },
            authors: a.authors.iter().map(|&id| self.author(id)).collect(),
            categories: a.categories.iter().map(|&id| self.category_ref(id)).collect(),
            tags: a.tags.iter().map(|&id| self.tag(id)).collect(),
            image: self
                .image(&a.image, &art.common.image_alt, &art.common.image_caption, &art.common.title)
                .filter(|_| shown),
            reading_time: reading_time(word_count),
            word_count,
            dir: text_direction(&lang).to_string(),
            lang,
            draft: art.common.draft,
            withheld,
            correction_count: art.corrections.len(),
        }
    }

    /// Corrections (`kind` `correction`) or updates as views, in the order given.
    fn notices(kind: &'static str, notices: &[crate::content::article::Notice]) -> Vec<NoticeView> {
        notices.iter().map(|n| NoticeView { kind, date: rfc3339(&n.date), text: n.text.clone() }).collect()
    }

    /// Every correction of the site, newest first (ties: the newer article first), with the
    /// card of the article it corrects; drafts left out.
    pub fn all_corrections(&self, cards: &'a Cards<'a>) -> Vec<CorrectionEntryView<'a>> {
        let mut all: Vec<(jiff::Timestamp, ArticleId, &crate::content::article::Notice)> = self
            .site
            .articles
            .iter()
            .enumerate()
            .filter(|(_, a)| !a.article.common.draft)
            .flat_map(|(id, a)| a.article.corrections.iter().map(move |c| (c.date.timestamp(), id, c)))
            .collect();
        all.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        all.into_iter()
            .map(|(_, id, c)| CorrectionEntryView {
                date: rfc3339(&c.date),
                text: c.text.clone(),
                article: cards.get(id),
            })
            .collect()
    }

    /// The full view of article `id`, given every article's card view.
    pub fn article(&self, id: ArticleId, cards: &'a Cards<'a>) -> ArticleView<'a> {
        let a = &self.site.articles[id];
        // A withheld article keeps its URL, title, date and notice: nothing of its body.
        let shown = !a.article.is_withheld();
        let corrections = Self::notices("correction", &a.article.corrections);
        let updates = Self::notices("update", &a.article.updates);
        // Sorted by the notices' own times: RFC 3339 strings of different offsets do not sort.
        let times = a.article.corrections.iter().chain(&a.article.updates).map(|n| n.date.timestamp());
        let mut notices: Vec<(jiff::Timestamp, NoticeView)> =
            times.zip(corrections.iter().chain(&updates).cloned()).collect();
        notices.sort_by(|x, y| y.0.cmp(&x.0));
        let notices = notices.into_iter().map(|(_, n)| n).collect();
        ArticleView {
            summary_view: cards.get(id).view,
            content: if shown { self.content(&a.article.common.body.html, &a.path) } else { Cow::Borrowed("") },
            toc: if shown { &a.article.common.body.toc } else { &[] },
            previous: a.previous.map(|p| cards.get(p)),
            next: a.next.map(|n| cards.get(n)),
            // Its own translation is not a related story: the switcher already links it.
            related: a
                .related
                .iter()
                .filter(|&&r| !self.same_story(&a.article.common, &self.site.articles[r].article.common))
                .map(|&r| cards.get(r))
                .collect(),
            extra: &a.article.common.extra,
            source: a.article.common.source.to_string_lossy().replace('\\', "/"),
            comments: if shown { self.comments_of(&a.article.common.source) } else { &[] },
            translations: self.translations_of(&a.article.common, &a.path),
            corrections,
            updates,
            notices,
            has_embeds: shown && a.article.common.body.has_embeds,
            has_shortcodes: shown && a.article.common.body.has_shortcodes,
        }
    }

    /// Whether two documents are versions of one story (they share a `translation_key`).
    fn same_story(&self, a: &crate::content::Common, b: &crate::content::Common) -> bool {
        matches!((&a.translation_key, &b.translation_key), (Some(x), Some(y)) if x.value == y.value)
    }

    /// The other versions of the document `common` at `path`.
    fn translations_of(&self, common: &crate::content::Common, path: &str) -> Vec<TranslationView> {
        crate::translations::versions_of(&self.site.translations, common)
            .iter()
            .filter(|v| v.path != path)
            .map(|v| self.translation(&v.lang, &v.path, &v.title))
            .collect()
    }

    /// A version in `lang` at `path`.
    pub fn translation(&self, lang: &str, path: &str, title: &str) -> TranslationView {
        TranslationView {
            lang: lang.to_string(),
            language_name: self.language_name(lang),
            url: self.url(path),
            permalink: self.permalink(path),
            title: title.to_string(),
            dir: text_direction(lang).to_string(),
        }
    }

    /// `lang`'s name in its own script: from `languages:`, else built in, else the code.
    pub fn language_name(&self, lang: &str) -> String {
        match self.site.config.language_of(lang) {
            Some(l) => l.name.clone(),
            None => crate::language::native_name(lang).unwrap_or(lang).to_string(),
        }
    }

    /// The `hreflang` alternates of the document `common` at `path`: every version (itself
    /// included) and `x-default` for the version in the site's language; empty when it has
    /// no other version.
    pub fn document_alternates(&self, common: &crate::content::Common) -> Vec<TranslationView> {
        let versions = crate::translations::versions_of(&self.site.translations, common);
        let all = versions.iter().map(|v| (v.lang.as_str(), v.path.as_str(), v.title.as_str()));
        self.alternates(all)
    }

    /// `hreflang` alternates of the versions (lang, path, title), plus `x-default` for the
    /// one in the site's language.
    pub fn alternates<'v>(&self, versions: impl Iterator<Item = (&'v str, &'v str, &'v str)>) -> Vec<TranslationView> {
        let mut out: Vec<TranslationView> = versions.map(|(l, p, t)| self.translation(l, p, t)).collect();
        if out.len() < 2 {
            return Vec::new();
        }
        let site_lang = &self.site.config.language;
        if let Some(default) = out.iter().find(|v| crate::language::same_language(&v.lang, site_lang)) {
            out.push(TranslationView { lang: "x-default".into(), ..default.clone() });
        }
        out
    }

    /// The archived comments of the content file `source`.
    fn comments_of(&self, source: &std::path::Path) -> &'a [ArchivedComment] {
        self.site.comments.get(source).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The view of a page.
    pub fn page(&self, p: &'a SitePage) -> PageView<'a> {
        let c = &p.page.common;
        let lang = c.lang.clone().unwrap_or_else(|| self.site.config.language.clone());
        PageView {
            title: &c.title,
            url: self.url(&p.page.path),
            permalink: self.permalink(&p.page.path),
            summary: &c.summary,
            content: self.content(&c.body.html, &p.page.path),
            toc: &c.body.toc,
            updated: p.page.updated.as_ref().map(rfc3339).unwrap_or_default(),
            image: self.image(&p.image, &c.image_alt, &c.image_caption, &c.title),
            dir: text_direction(&lang).to_string(),
            lang,
            reading_time: reading_time(c.body.word_count),
            word_count: c.body.word_count,
            extra: &c.extra,
            draft: c.draft,
            comments: self.comments_of(&c.source),
            translations: self.translations_of(c, &p.page.path),
            has_embeds: c.body.has_embeds,
            has_shortcodes: c.body.has_shortcodes,
        }
    }

    /// The `site` variable.
    pub fn site(&self, summaries: &[ArticleSummaryView]) -> SiteView {
        let config = &self.site.config;
        SiteView {
            title: config.title.clone(),
            description: config.description.clone(),
            base_url: config.base_url.to_string(),
            url: config.base_url.prefix.clone(),
            language: config.language.clone(),
            dir: text_direction(&config.language).to_string(),
            categories: self.category_nodes(&self.site.categories.roots),
            menu: config
                .menu
                .iter()
                .map(|m| LinkView {
                    name: m.name.clone(),
                    url: if m.url.starts_with('/') { self.url(&m.url) } else { m.url.clone() },
                })
                .collect(),
            authors: (0..self.site.authors.len()).map(|id| self.author(id)).collect(),
            recent: summaries.iter().take(5).cloned().collect(),
            theme: config.theme_config.clone(),
            extra: config.extra.clone(),
            generator: format!("pamphlet {}", env!("CARGO_PKG_VERSION")),
            feed_url: format!("{}feed.xml", config.base_url.prefix),
            query_redirects: if crate::redirects::has_query_aliases(self.site) {
                self.url(crate::redirects::QUERY_ALIASES)
            } else {
                String::new()
            },
            search_parts: crate::search::merged_parts(self.site).iter().map(|p| self.url(p)).collect(),
            languages: config
                .languages
                .iter()
                .map(|l| LanguageView {
                    code: l.code.clone(),
                    name: l.name.clone(),
                    dir: text_direction(&l.code).to_string(),
                    url: self.url(&language_home(config, &l.code)),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urdu_and_arabic_are_right_to_left() {
        assert_eq!(text_direction("ur"), "rtl");
        assert_eq!(text_direction("ar-PK"), "rtl");
        assert_eq!(text_direction("en"), "ltr");
        assert_eq!(text_direction(""), "ltr");
    }

    fn summary(title: &str) -> ArticleSummaryView {
        ArticleSummaryView {
            title: title.into(),
            url: "/2024/05/a/".into(),
            permalink: "https://x.org/2024/05/a/".into(),
            slug: "a".into(),
            date: "2024-05-01T00:00:00+05:00".into(),
            updated: String::new(),
            summary: "<Less> & more".into(),
            authors: Vec::new(),
            categories: Vec::new(),
            tags: Vec::new(),
            image: None,
            reading_time: 1,
            word_count: 3,
            lang: "ur".into(),
            dir: "rtl".into(),
            draft: false,
            withheld: None,
            correction_count: 2,
        }
    }

    #[test]
    fn a_card_is_its_view_to_templates_and_is_made_once_for_every_page() {
        #[derive(Serialize)]
        struct Page<'c> {
            items: Vec<Card<'c>>,
        }
        let views = [summary("One"), summary("دو")];
        let cards = Cards::new(&views, &|_| {});
        let page = |id| tera::Value::from_serializable(&Page { items: vec![cards.get(id)] });
        let (first, again) = (page(1), page(1));
        let item = |page: &tera::Value| {
            page.as_map().and_then(|m| m.values().next()).and_then(|v| v.as_array()).map(|a| a[0].clone())
        };
        let (shown, shown_again) = (item(&first).expect("an item"), item(&again).expect("an item"));
        assert!(shown == tera::Value::from_serializable(&views[1]), "{shown:?}");
        // The second page got the value made for the first, not a new one.
        assert!(std::ptr::eq(shown.as_map().expect("a map"), shown_again.as_map().expect("a map")));
        assert!(tera::Value::from_serializable(&cards.get(0)) == tera::Value::from_serializable(&views[0]));
    }

    #[test]
    fn reading_time_rounds_up_and_is_at_least_one_minute() {
        assert_eq!(reading_time(0), 1);
        assert_eq!(reading_time(201), 2);
    }
}
