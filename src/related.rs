//! Related articles: for each article, up to three others that share the most tags (ties:
//! sharing a category, then newest), topped up with the newest of its categories. The scan is
//! the costly part of assembling a large archive, so it works on compact sets (see
//! [`TagMembers`], [`CategorySets`]) and stops early (see [`related_articles`]).

use rayon::prelude::*;

use crate::taxonomy::CategoryId;

/// An article's index in the site's newest-first list (`site::ArticleId`).
type ArticleId = usize;
/// A tag's index in the site's tag list (`site::TagId`).
type TagId = usize;

/// How many related articles each article gets.
pub const RELATED_COUNT: usize = 3;

/// The related articles of every article, in parallel: `tags[a]` and `categories[a]` are
/// article `a`'s, `tag_articles[t]` and `category_articles[c]` the articles of tag `t` and
/// category `c`, each newest first.
pub fn all_related(
    tags: &[&[TagId]],
    categories: Vec<&[CategoryId]>,
    tag_articles: &[Vec<ArticleId>],
    category_articles: &[Vec<ArticleId>],
) -> Vec<Vec<ArticleId>> {
    let members = TagMembers::new(tag_articles, tags.len());
    let categories = CategorySets::new(categories);
    (0..tags.len())
        .into_par_iter()
        .map(|id| related_articles(id, tags[id], &categories, &members, category_articles))
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
