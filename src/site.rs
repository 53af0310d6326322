//! `Site::assemble`: from loaded content to the immutable site model — permalinks, resolved
//! categories, tags and authors, newest-first order, previous/next, related articles and the
//! article lists of every category, tag and author. All cross-file problems are collected.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use crate::config::Config;
use crate::content::{Article, Content, Located, Page, error_at};
use crate::error::{Error, Result};
use crate::permalink::PermalinkValues;
use crate::taxonomy::{Author, AuthorIndex, CategoryId, CategoryTree, Tag};

/// Index into [`Site::articles`].
pub type ArticleId = usize;
/// Index into [`Site::tags`].
pub type TagId = usize;
/// Index into [`Site::authors`].
pub type AuthorId = usize;

/// A featured image reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ImageRef {
    /// A path on this site (`/images/x.jpg`, or a bundle file resolved to the article's folder).
    Site(String),
    /// A full URL on another host.
    External(String),
}

/// Site path of the site-wide corrections page (see [`Site::corrections_page`]).
pub const CORRECTIONS_PAGE: &str = "/corrections/";

/// An article placed in the site.
#[derive(Debug, Clone)]
pub struct SiteArticle {
    /// The parsed article.
    pub article: std::sync::Arc<Article>,
    /// Site path from the permalink pattern: `/2023/09/slug/`.
    pub path: String,
    /// Resolved categories, in the order written.
    pub categories: Vec<CategoryId>,
    /// Tags, in the order written.
    pub tags: Vec<TagId>,
    /// Authors, in the order written.
    pub authors: Vec<AuthorId>,
    /// The older neighbour (or the explicit `previous:`).
    pub previous: Option<ArticleId>,
    /// The newer neighbour (or the explicit `next:`).
    pub next: Option<ArticleId>,
    /// Up to three related articles.
    pub related: Vec<ArticleId>,
    /// Featured image.
    pub image: Option<ImageRef>,
}

/// A page placed in the site.
#[derive(Debug, Clone)]
pub struct SitePage {
    /// The parsed page.
    pub page: Page,
    /// Featured image.
    pub image: Option<ImageRef>,
}

/// A file from `content/` to copy, with the site path it is served at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedAsset {
    /// Absolute source path.
    pub source: PathBuf,
    /// Site path, like `/2024/03/slug/photo.jpg`.
    pub path: String,
}

/// The complete, immutable site model.
#[derive(Debug)]
pub struct Site {
    /// Configuration.
    pub config: Config,
    /// Articles, newest first (ties: title, then source path).
    pub articles: Vec<SiteArticle>,
    /// Pages, by source path.
    pub pages: Vec<SitePage>,
    /// The category tree.
    pub categories: CategoryTree,
    /// For each category: its own and all descendants' articles, newest first.
    pub category_articles: Vec<Vec<ArticleId>>,
    /// Tags, by order of first use in newest-first articles.
    pub tags: Vec<Tag>,
    /// For each tag: its articles, newest first.
    pub tag_articles: Vec<Vec<ArticleId>>,
    /// Authors: declared ones (by id), then names first seen in front matter.
    pub authors: Vec<Author>,
    /// For each author: their articles, newest first.
    pub author_articles: Vec<Vec<ArticleId>>,
    /// Content files to copy.
    pub assets: Vec<PlacedAsset>,
    /// Publication times of held-back (future) articles, earliest first.
    pub scheduled: Vec<jiff::Timestamp>,
    /// Drafts left out of this build.
    pub drafts_skipped: usize,
    /// Archived comments by content file (see [`crate::comments`]); filled by
    /// [`Site::load_comments`].
    pub comments: BTreeMap<std::path::PathBuf, Vec<crate::comments::ArchivedComment>>,
    /// Articles and pages by `translation_key:` (see [`crate::translations`]).
    pub translations: crate::translations::Translations,
    /// The processed raster images (sizes, variants); filled by the pipeline once they are
    /// processed (see [`crate::images`]).
    pub images: std::sync::Arc<crate::images::ImageSet>,
    /// Whether the theme renders the site-wide corrections page (its optional
    /// `corrections.html`); set by the pipeline once the theme is compiled.
    pub corrections_page: bool,
}

impl Site {
    /// Assembles the model, reporting every unresolvable reference at once.
    pub fn assemble(config: Config, content: Content) -> Result<Site> {
        let (site, errors) = Site::assemble_all(config, content, None, None);
        Error::collect(errors)?;
        Ok(site)
    }

    /// [`Site::assemble`] that returns the site together with its problems: what could not be
    /// resolved (an unknown category, a `previous:` that names no article) is left out of the
    /// model, so that the checks after it still look at everything else. `previous`'s
    /// related-article lists are re-used when every article has the same tags and categories
    /// in the same order (they would come out the same): the dev server passes its last build,
    /// as most edits change a body and finding related articles is the costly part of
    /// assembling a large archive. Without `previous`, the lists a build kept in the cache
    /// folder (`stored`) are re-used when they were found from the same inputs
    /// ([`related_key`]).
    pub fn assemble_all(
        config: Config,
        content: Content,
        previous: Option<&Site>,
        stored: Option<&crate::related_cache::Stored>,
    ) -> (Site, Vec<Error>) {
        let mut errors = Vec::new();
        let categories = match &config.categories {
            Some(tree) => CategoryTree::from_config(tree),
            None => {
                CategoryTree::infer(content.articles.iter().flat_map(|a| a.categories.iter().map(|c| c.value.as_str())))
            }
        };

        let mut articles = content.articles;
        articles.sort_by(|a, b| {
            b.date
                .timestamp()
                .cmp(&a.date.timestamp())
                .then_with(|| a.common.title.cmp(&b.common.title))
                .then_with(|| a.common.source.cmp(&b.common.source))
        });

        let mut author_index = AuthorIndex::new(&config.authors);
        let mut tag_ids: HashMap<String, TagId> = HashMap::new();
        let mut tags: Vec<Tag> = Vec::new();
        // Per tag: how often each spelling is used, and the newest-first index of its last
        // (= oldest) use, to pick the display name after the loop.
        let mut spellings: Vec<BTreeMap<String, (usize, usize)>> = Vec::new();
        let mut placed: Vec<SiteArticle> = Vec::with_capacity(articles.len());
        // Resolving a category and slugifying a tag are costly (Unicode normalisation) and an
        // archive writes the same few names thousands of times: remember each answer.
        let mut resolved: HashMap<String, std::result::Result<CategoryId, String>> = HashMap::new();
        let mut tag_slugs: HashMap<String, String> = HashMap::new();
        for article in articles {
            let category_ids = resolve_categories(&article, &categories, &mut resolved, &mut errors);
            let author_ids = resolve_authors(&article, &mut author_index, &mut errors);
            let mut tag_list = Vec::new();
            for name in &article.tags {
                let slug = match tag_slugs.get(name) {
                    Some(slug) => slug.clone(),
                    None => tag_slugs.entry(name.clone()).or_insert_with(|| crate::slug::slugify(name)).clone(),
                };
                if slug.is_empty() {
                    errors.push(error_at(
                        &article.common.source,
                        &Located { value: name.clone(), position: None },
                        format!("tag `{name}` has no letters or digits to make a URL from"),
                    ));
                    continue;
                }
                let id = *tag_ids.entry(slug.clone()).or_insert_with(|| {
                    tags.push(Tag { name: name.clone(), slug });
                    spellings.push(BTreeMap::new());
                    tags.len() - 1
                });
                let used = spellings[id].entry(name.clone()).or_default();
                *used = (used.0 + 1, placed.len());
                if !tag_list.contains(&id) {
                    tag_list.push(id);
                }
            }
            let first_category =
                category_ids.first().map(|&c| categories.nodes[c].slug_path.as_str()).unwrap_or("uncategorized");
            let path = config.permalink.expand(&PermalinkValues {
                year: article.date.year(),
                month: article.date.month(),
                day: article.date.day(),
                slug: &article.slug,
                category: first_category,
            });
            let image = article.common.image.as_deref().map(|raw| resolve_image(raw, &path));
            placed.push(SiteArticle {
                article,
                path,
                categories: category_ids,
                tags: tag_list,
                authors: author_ids,
                previous: None,
                next: None,
                related: Vec::new(),
                image,
            });
        }

        for (tag, used) in tags.iter_mut().zip(&spellings) {
            tag.name = display_spelling(used).unwrap_or_else(|| tag.name.clone());
        }
        link_neighbours(&mut placed, &mut errors);
        let category_articles = list_category_articles(&placed, &categories);
        let tag_articles = list_by(&placed, tags.len(), |a| &a.tags);
        let authors = author_index.authors;
        let author_articles = list_by(&placed, authors.len(), |a| &a.authors);
        let earlier = match previous {
            Some(p) => {
                same_relations(p, &placed, &categories).then(|| p.articles.iter().map(|a| a.related.clone()).collect())
            }
            None => stored.and_then(|stored| stored.lists_for(related_key(&placed, tags.len(), &categories))),
        };
        let related: Vec<Vec<ArticleId>> = match earlier.filter(|lists: &Vec<_>| lists.len() == placed.len()) {
            Some(lists) => lists,
            None => crate::related::all_related(
                &placed.iter().map(|a| a.tags.as_slice()).collect::<Vec<_>>(),
                placed.iter().map(|a| a.categories.as_slice()).collect(),
                &tag_articles,
                &category_articles,
            ),
        };
        for (article, rel) in placed.iter_mut().zip(related) {
            article.related = rel;
        }

        let pages: Vec<SitePage> = content
            .pages
            .into_iter()
            .map(|page| {
                let image = page.common.image.as_deref().map(|raw| resolve_image(raw, &page.path));
                SitePage { page, image }
            })
            .collect();
        let assets = place_assets(content.assets, &placed, &pages);
        let documents = placed
            .iter()
            .map(|a| (&a.article.common, a.path.as_str()))
            .chain(pages.iter().map(|p| (&p.page.common, p.page.path.as_str())));
        let (translations, translation_errors) = crate::translations::group(documents, &config.language);
        errors.extend(translation_errors);
        let site = Site {
            config,
            articles: placed,
            pages,
            categories,
            category_articles,
            tags,
            tag_articles,
            authors,
            author_articles,
            assets,
            scheduled: content.scheduled,
            drafts_skipped: content.drafts_skipped,
            comments: BTreeMap::new(),
            translations,
            images: Default::default(),
            corrections_page: false,
        };
        (site, errors)
    }

    /// Reads the archived comments of every article and page from `root`'s `data/comments/`.
    pub fn load_comments(&mut self, root: &std::path::Path) -> Result<()> {
        let sources = self
            .articles
            .iter()
            .map(|a| a.article.common.source.as_path())
            .chain(self.pages.iter().map(|p| p.page.common.source.as_path()));
        self.comments = crate::comments::load(root, sources)?;
        Ok(())
    }
}

/// The articles written in `lang` (by primary subtag; an article without `lang:` is in the
/// site's language), newest first.
pub fn articles_in(site: &Site, lang: &str) -> Vec<ArticleId> {
    let site_lang = &site.config.language;
    (0..site.articles.len())
        .filter(|&id| {
            let own = site.articles[id].article.common.lang.as_deref().unwrap_or(site_lang);
            crate::language::same_language(own, lang)
        })
        .collect()
}

/// The spelling most articles use; on a tie, the one the oldest article uses (the original).
fn display_spelling(used: &BTreeMap<String, (usize, usize)>) -> Option<String> {
    used.iter().max_by_key(|(_, (count, oldest))| (*count, *oldest)).map(|(name, _)| name.clone())
}

fn resolve_categories(
    article: &Article,
    tree: &CategoryTree,
    resolved: &mut HashMap<String, std::result::Result<CategoryId, String>>,
    errors: &mut Vec<Error>,
) -> Vec<CategoryId> {
    let mut ids = Vec::new();
    for written in &article.categories {
        let answer = match resolved.get(&written.value) {
            Some(answer) => answer,
            None => resolved.entry(written.value.clone()).or_insert_with(|| tree.resolve(&written.value)),
        };
        match answer {
            Ok(id) if !ids.contains(id) => ids.push(*id),
            Ok(_) => {}
            Err(msg) => errors.push(error_at(&article.common.source, written, msg.clone())),
        }
    }
    ids
}

fn resolve_authors(article: &Article, index: &mut AuthorIndex, errors: &mut Vec<Error>) -> Vec<AuthorId> {
    let mut ids = Vec::new();
    for written in &article.authors {
        match index.resolve(&written.value) {
            Some(id) if !ids.contains(&id) => ids.push(id),
            Some(_) => {}
            None => errors.push(error_at(
                &article.common.source,
                written,
                format!("author `{}` has no letters or digits to make a URL from", written.value),
            )),
        }
    }
    ids
}

/// The site path of an image URL written in an article's Markdown (`owner_path` is the
/// article's own path, for relative URLs), without its `?query` or `#fragment` and with
/// `%20`-style escapes decoded; `None` for URLs that are not files of this site (another
/// host, `data:`, `mailto:`).
pub fn local_image_path(raw: &str, owner_path: &str) -> Option<String> {
    let url = raw.trim().split(['#', '?']).next().unwrap_or_default();
    let scheme = url.split('/').next().is_some_and(|first| first.contains(':'));
    if url.is_empty() || scheme || url.starts_with("//") {
        return None;
    }
    let ImageRef::Site(path) = resolve_image(url, owner_path) else { return None };
    let decoded = crate::urls::decode_strict(&path).and_then(|bytes| String::from_utf8(bytes).ok());
    Some(decoded.unwrap_or(path))
}

/// Relative image paths belong to the article's folder; `/…` is a site path; `http…` is external.
fn resolve_image(raw: &str, owner_path: &str) -> ImageRef {
    let raw = raw.trim();
    if raw.starts_with("http://") || raw.starts_with("https://") || raw.starts_with("//") {
        ImageRef::External(raw.to_string())
    } else if raw.starts_with('/') {
        ImageRef::Site(raw.to_string())
    } else {
        ImageRef::Site(format!("{owner_path}{}", raw.trim_start_matches("./")))
    }
}

/// Chronological neighbours (previous = older), unless `previous:`/`next:` name an article by
/// slug or content path.
fn link_neighbours(articles: &mut [SiteArticle], errors: &mut Vec<Error>) {
    let mut by_key: HashMap<String, Vec<ArticleId>> = HashMap::new();
    for (id, a) in articles.iter().enumerate() {
        by_key.entry(a.article.slug.clone()).or_default().push(id);
        let source = a.article.common.source.to_string_lossy().replace('\\', "/");
        let in_content = source.strip_prefix("content/").unwrap_or(&source).to_string();
        for key in [in_content.clone(), in_content.trim_end_matches(".md").to_string(), source] {
            by_key.entry(key).or_default().push(id);
        }
    }
    let count = articles.len();
    for id in 0..count {
        let older = (id + 1 < count).then_some(id + 1);
        let newer = id.checked_sub(1);
        let a = &articles[id].article;
        let previous = match &a.previous {
            Some(target) => find_target(target, "previous", &by_key, a, id, errors),
            None => older,
        };
        let next = match &a.next {
            Some(target) => find_target(target, "next", &by_key, a, id, errors),
            None => newer,
        };
        articles[id].previous = previous;
        articles[id].next = next;
    }
}

fn find_target(
    target: &Located<String>,
    key: &str,
    by_key: &HashMap<String, Vec<ArticleId>>,
    article: &Article,
    own_id: ArticleId,
    errors: &mut Vec<Error>,
) -> Option<ArticleId> {
    let wanted = target.value.trim().trim_start_matches('/');
    let mut candidates: Vec<ArticleId> = by_key.get(wanted).cloned().unwrap_or_default();
    candidates.dedup();
    match candidates.as_slice() {
        [one] if *one == own_id => {
            errors.push(error_at(
                &article.common.source,
                target,
                format!("`{key}: {}` points at this article itself", target.value),
            ));
            None
        }
        [one] => Some(*one),
        [] => {
            errors.push(error_at(
                &article.common.source,
                target,
                format!("`{key}: {}` matches no article: use another article's slug or its path under content/ (like `2023/09/my-post.md`)", target.value),
            ));
            None
        }
        _ => {
            errors.push(error_at(
                &article.common.source,
                target,
                format!("`{key}: {}` matches several articles: use the path under content/ instead", target.value),
            ));
            None
        }
    }
}

/// For each id (`0..count`), the articles (newest first) that `keys` assigns to it.
fn list_by(articles: &[SiteArticle], count: usize, keys: impl Fn(&SiteArticle) -> &Vec<usize>) -> Vec<Vec<ArticleId>> {
    let mut lists = vec![Vec::new(); count];
    for (id, a) in articles.iter().enumerate() {
        for &k in keys(a) {
            lists[k].push(id);
        }
    }
    lists
}

/// Each category lists its own articles and those of all its descendants, once each.
fn list_category_articles(articles: &[SiteArticle], tree: &CategoryTree) -> Vec<Vec<ArticleId>> {
    let mut lists: Vec<Vec<ArticleId>> = vec![Vec::new(); tree.nodes.len()];
    for (id, a) in articles.iter().enumerate() {
        let mut seen: Vec<CategoryId> = Vec::new();
        for &c in &a.categories {
            for ancestor in tree.lineage(c) {
                if !seen.contains(&ancestor) {
                    seen.push(ancestor);
                    lists[ancestor].push(id);
                }
            }
        }
    }
    lists
}

/// The digest of the inputs of [`crate::related`] for `articles`, under `tag_count` tags and the
/// category tree `categories` (see [`crate::related_cache`]).
pub fn related_key(articles: &[SiteArticle], tag_count: usize, categories: &CategoryTree) -> u128 {
    let inputs = articles.iter().map(|a| (a.tags.as_slice(), a.categories.as_slice()));
    crate::related_cache::inputs_key(inputs, tag_count, categories)
}

/// Whether `previous` has the articles of `placed` with the same tags and categories, in the
/// same order, under the same category tree: the inputs of [`crate::related`].
fn same_relations(previous: &Site, placed: &[SiteArticle], categories: &CategoryTree) -> bool {
    previous.categories == *categories
        && previous.articles.len() == placed.len()
        && previous.articles.iter().zip(placed).all(|(a, b)| a.tags == b.tags && a.categories == b.categories)
}

/// Bundle files go beside their article or page; loose files keep their path under content/.
fn place_assets(assets: Vec<crate::content::Asset>, articles: &[SiteArticle], pages: &[SitePage]) -> Vec<PlacedAsset> {
    if assets.is_empty() {
        return Vec::new();
    }
    // A withheld article's own files (its photos above all) are published nowhere.
    let owner_paths: HashMap<&std::path::Path, &str> = articles
        .iter()
        .filter(|a| !a.article.is_withheld())
        .map(|a| (a.article.common.source.as_path(), a.path.as_str()))
        .chain(pages.iter().map(|p| (p.page.common.source.as_path(), p.page.path.as_str())))
        .collect();
    assets
        .into_iter()
        .filter_map(|asset| {
            let relative = asset.relative.to_string_lossy().replace('\\', "/");
            let path = match &asset.bundle {
                // The bundle's article was left out (draft or scheduled) or is withheld: so are
                // its files.
                Some(bundle) => format!("{}{relative}", owner_paths.get(bundle.as_path())?),
                None => format!("/{relative}"),
            };
            Some(PlacedAsset { source: asset.source, path })
        })
        .collect()
}
