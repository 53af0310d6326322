//! `Site::assemble`: from loaded content to the immutable site model — permalinks, resolved
//! categories, tags and authors, newest-first order, previous/next, related articles and the
//! article lists of every category, tag and author. All cross-file problems are collected.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use rayon::prelude::*;

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

/// How many related articles each article gets.
const RELATED_COUNT: usize = 3;

/// A featured image reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageRef {
    /// A path on this site (`/images/x.jpg`, or a bundle file resolved to the article's folder).
    Site(String),
    /// A full URL on another host.
    External(String),
}

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
    /// The processed raster images (sizes, variants); filled by the pipeline once they are
    /// processed (see [`crate::images`]).
    pub images: std::sync::Arc<crate::images::ImageSet>,
}

impl Site {
    /// Assembles the model, reporting every unresolvable reference at once.
    pub fn assemble(config: Config, content: Content) -> Result<Site> {
        let (site, errors) = Site::assemble_all(config, content, None);
        Error::collect(errors)?;
        Ok(site)
    }

    /// [`Site::assemble`] that returns the site together with its problems: what could not be
    /// resolved (an unknown category, a `previous:` that names no article) is left out of the
    /// model, so that the checks after it still look at everything else. `previous`'s
    /// related-article lists are re-used when every article has the same tags and categories
    /// in the same order (they would come out the same): the dev server passes its last build,
    /// as most edits change a body and finding related articles is the costly part of
    /// assembling a large archive.
    pub fn assemble_all(config: Config, content: Content, previous: Option<&Site>) -> (Site, Vec<Error>) {
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
        let related: Vec<Vec<ArticleId>> = match previous.filter(|p| same_relations(p, &placed, &categories)) {
            Some(p) => p.articles.iter().map(|a| a.related.clone()).collect(),
            None => all_related(&placed, &tag_articles, &category_articles),
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
            images: Default::default(),
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
    let decoded = crate::permalink::percent_decode(&path).and_then(|bytes| String::from_utf8(bytes).ok());
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

/// Whether `previous` has the articles of `placed` with the same tags and categories, in the
/// same order, under the same category tree: the inputs of [`related_articles`].
fn same_relations(previous: &Site, placed: &[SiteArticle], categories: &CategoryTree) -> bool {
    previous.categories == *categories
        && previous.articles.len() == placed.len()
        && previous.articles.iter().zip(placed).all(|(a, b)| a.tags == b.tags && a.categories == b.categories)
}

/// The related articles of every article, in parallel.
fn all_related(
    placed: &[SiteArticle],
    tag_articles: &[Vec<ArticleId>],
    category_articles: &[Vec<ArticleId>],
) -> Vec<Vec<ArticleId>> {
    let members = TagMembers::new(tag_articles, placed.len());
    let categories = CategorySets::new(placed.iter().map(|a| a.categories.as_slice()).collect());
    (0..placed.len())
        .into_par_iter()
        .map(|id| related_articles(id, &placed[id].tags, &categories, &members, category_articles))
        .collect()
}

/// Which articles carry each tag, answering "does article `a` have tag `t`" quickly. A tag
/// used by a good share of the archive gets one bit per article; a rarer one is looked up in
/// its id-sorted list. Bits for every tag would cost tags × articles / 8 bytes (60 MB for a
/// WordPress archive of 10,000 tags and 50,000 articles); this way they cost at most eight
/// times the lists themselves.
struct TagMembers<'a> {
    lists: &'a [Vec<ArticleId>],
    /// Per tag, its bits (empty for a tag looked up in its list).
    bits: Vec<Vec<u64>>,
}

impl<'a> TagMembers<'a> {
    fn new(lists: &'a [Vec<ArticleId>], article_count: usize) -> Self {
        let words = article_count.div_ceil(64);
        let bits = lists
            .iter()
            .map(|list| {
                // A list takes 8 bytes per article, its bits `article_count / 8` bytes.
                if list.len() * 8 * 8 < article_count / 8 {
                    return Vec::new();
                }
                let mut bits = vec![0u64; words];
                for &a in list {
                    bits[a / 64] |= 1 << (a % 64);
                }
                bits
            })
            .collect();
        TagMembers { lists, bits }
    }

    fn has(&self, tag: TagId, article: ArticleId) -> bool {
        match self.bits[tag].get(article / 64) {
            Some(word) => word & (1 << (article % 64)) != 0,
            None => self.lists[tag].binary_search(&article).is_ok(),
        }
    }
}

/// Each article's categories, compact for the related-posts scan, which asks "do these two
/// share a category" millions of times: one bit per category (modulo 64), and the lists to
/// confirm a shared bit.
struct CategorySets<'a> {
    lists: Vec<&'a [CategoryId]>,
    masks: Vec<u64>,
}

impl<'a> CategorySets<'a> {
    fn new(lists: Vec<&'a [CategoryId]>) -> Self {
        let masks = lists.iter().map(|list| list.iter().fold(0, |mask, c| mask | 1 << (c % 64))).collect();
        CategorySets { lists, masks }
    }

    fn share(&self, a: ArticleId, b: ArticleId) -> bool {
        self.masks[a] & self.masks[b] != 0 && self.lists[a].iter().any(|c| self.lists[b].contains(c))
    }
}

/// How a candidate ranks as a related article: most shared tags, then sharing a category, then
/// newest (smaller ids are newer). Smaller ranks first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct RelatedRank {
    fewer_shared: std::cmp::Reverse<usize>,
    other_category: bool,
    id: ArticleId,
}

/// Up to three articles sharing the most tags (ties: sharing a category, then newest), then
/// topped up with the newest articles of the same categories.
///
/// Counting every article of every tag would cost the sum of the tags' sizes per article, and
/// in a newsroom archive a few tags ("Pakistan") are on a third of all articles, so the whole
/// would grow with the square of the archive. Instead the article's tags are taken smallest
/// first, each candidate's shared tags counted once, exactly, by looking it up in the other
/// tags, and the scan stops as soon as nothing left can rank above the third best: a candidate
/// not on the first `i` lists shares at most `k - i` tags, and lists are in id order, so within
/// a list every later candidate is older than the one at hand.
fn related_articles(
    id: ArticleId,
    my_tags: &[TagId],
    categories: &CategorySets,
    members: &TagMembers,
    category_articles: &[Vec<ArticleId>],
) -> Vec<ArticleId> {
    let mut tags = my_tags.to_vec();
    tags.sort_by_key(|&t| (members.lists[t].len(), t));
    let mut best: Vec<RelatedRank> = Vec::with_capacity(RELATED_COUNT + 1);
    let full_and_beats =
        |best: &[RelatedRank], rank: RelatedRank| best.len() == RELATED_COUNT && best[RELATED_COUNT - 1] < rank;
    for (i, &tag) in tags.iter().enumerate() {
        let (seen, later) = (&tags[..i], &tags[i + 1..]);
        for &other in &members.lists[tag] {
            // The best rank any candidate from here on could have.
            let ceiling =
                RelatedRank { fewer_shared: std::cmp::Reverse(tags.len() - i), other_category: false, id: other };
            if full_and_beats(&best, ceiling) {
                break;
            }
            if other == id || seen.iter().any(|&t| members.has(t, other)) {
                continue; // itself, or already ranked from an earlier list
            }
            let shared = std::cmp::Reverse(1 + later.iter().filter(|&&t| members.has(t, other)).count());
            // Whether it shares a category is only worth asking when that could get it in.
            if full_and_beats(&best, RelatedRank { fewer_shared: shared, other_category: false, id: other }) {
                continue;
            }
            let rank = RelatedRank { fewer_shared: shared, other_category: !categories.share(id, other), id: other };
            if full_and_beats(&best, rank) {
                continue;
            }
            let at = best.partition_point(|b| *b < rank);
            best.insert(at, rank);
            best.truncate(RELATED_COUNT);
        }
    }
    let mut related: Vec<ArticleId> = best.into_iter().map(|r| r.id).collect();
    for &c in categories.lists[id] {
        for &other in &category_articles[c] {
            if related.len() >= RELATED_COUNT {
                return related;
            }
            if other != id && !related.contains(&other) {
                related.push(other);
            }
        }
    }
    related
}

/// Bundle files go beside their article or page; loose files keep their path under content/.
fn place_assets(assets: Vec<crate::content::Asset>, articles: &[SiteArticle], pages: &[SitePage]) -> Vec<PlacedAsset> {
    if assets.is_empty() {
        return Vec::new();
    }
    let owner_paths: HashMap<&std::path::Path, &str> = articles
        .iter()
        .map(|a| (a.article.common.source.as_path(), a.path.as_str()))
        .chain(pages.iter().map(|p| (p.page.common.source.as_path(), p.page.path.as_str())))
        .collect();
    assets
        .into_iter()
        .filter_map(|asset| {
            let relative = asset.relative.to_string_lossy().replace('\\', "/");
            let path = match &asset.bundle {
                // The bundle's article was left out (draft or scheduled): so are its files.
                Some(bundle) => format!("{}{relative}", owner_paths.get(bundle.as_path())?),
                None => format!("/{relative}"),
            };
            Some(PlacedAsset { source: asset.source, path })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain definition of [`related_articles`]: count the shared tags of every article,
    /// rank them all, take the best three, top up from the categories.
    fn related_by_counting(
        id: ArticleId,
        tags: &[Vec<TagId>],
        categories: &[Vec<CategoryId>],
        category_articles: &[Vec<ArticleId>],
    ) -> Vec<ArticleId> {
        let mut ranked: Vec<RelatedRank> = (0..tags.len())
            .filter(|&other| other != id)
            .map(|other| {
                let shared = tags[other].iter().filter(|t| tags[id].contains(t)).count();
                let other_category = !categories[other].iter().any(|c| categories[id].contains(c));
                (shared, RelatedRank { fewer_shared: std::cmp::Reverse(shared), other_category, id: other })
            })
            .filter(|(shared, _)| *shared > 0)
            .map(|(_, rank)| rank)
            .collect();
        ranked.sort();
        let mut related: Vec<ArticleId> = ranked.into_iter().take(RELATED_COUNT).map(|r| r.id).collect();
        for &c in &categories[id] {
            for &other in &category_articles[c] {
                if related.len() < RELATED_COUNT && other != id && !related.contains(&other) {
                    related.push(other);
                }
            }
        }
        related
    }

    /// A small deterministic generator (xorshift), so the test needs no extra crate.
    struct Random(u64);
    impl Random {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    #[test]
    fn related_articles_match_the_plain_definition() {
        let mut random = Random(0x9e37_79b9_7f4a_7c15);
        for round in 0..300 {
            let (articles, tag_count, category_count) =
                (1 + random.below(250), 1 + random.below(30), 1 + random.below(if round % 10 == 0 { 150 } else { 6 }));
            // Skewed like a newsroom's: low tag ids are on many articles, high ones on few.
            let tags: Vec<Vec<TagId>> = (0..articles)
                .map(|_| {
                    let mut t: Vec<TagId> = (0..random.below(6))
                        .map(|_| {
                            let popular = 1 + random.below(tag_count);
                            random.below(popular)
                        })
                        .collect();
                    t.sort();
                    t.dedup();
                    t
                })
                .collect();
            let categories: Vec<Vec<CategoryId>> =
                (0..articles).map(|_| (0..random.below(3)).map(|_| random.below(category_count)).collect()).collect();
            let mut tag_articles = vec![Vec::new(); tag_count];
            let mut category_articles = vec![Vec::new(); category_count];
            for a in 0..articles {
                tags[a].iter().for_each(|&t| tag_articles[t].push(a));
                categories[a].iter().for_each(|&c| category_articles[c].push(a));
            }
            category_articles.iter_mut().for_each(|l| l.dedup());
            let members = TagMembers::new(&tag_articles, articles);
            let sets = CategorySets::new(categories.iter().map(Vec::as_slice).collect());
            for id in 0..articles {
                assert_eq!(
                    related_articles(id, &tags[id], &sets, &members, &category_articles),
                    related_by_counting(id, &tags, &categories, &category_articles),
                    "round {round}, article {id} of {articles}, tags {:?}",
                    tags[id]
                );
            }
        }
    }

    #[test]
    fn category_sets_confirm_a_shared_bit_on_the_lists() {
        // 3 and 67 share a bit (modulo 64) but not a category.
        let lists: Vec<Vec<CategoryId>> = vec![vec![3], vec![67], vec![5, 3], vec![]];
        let sets = CategorySets::new(lists.iter().map(Vec::as_slice).collect());
        assert!(!sets.share(0, 1));
        assert!(sets.share(0, 2) && sets.share(2, 0));
        assert!(!sets.share(3, 0) && !sets.share(3, 3));
    }

    #[test]
    fn tag_members_answer_for_bits_and_lists_alike() {
        let lists = vec![(0..10_000).step_by(3).collect::<Vec<_>>(), vec![5, 70, 9_999]];
        let members = TagMembers::new(&lists, 10_000);
        assert!(!members.bits[0].is_empty() && members.bits[1].is_empty());
        for a in 0..10_000 {
            assert_eq!(members.has(0, a), a % 3 == 0);
            assert_eq!(members.has(1, a), a == 5 || a == 70 || a == 9_999);
        }
    }
}
