//! The related-article lists of the last build, kept in the cache folder. Finding them is the
//! one part of assembling a site that grows faster than the archive (see [`crate::related`]:
//! about 0.5 s of CPU time at 50,000 articles, 0.04 s at 10,000), and they depend only on
//! which tags and categories each article has, which most rebuilds do not change. The dev
//! server keeps its last site in memory instead (see [`crate::site::Site::assemble_all`]).
//!
//! One file, `related.lists`: postcard's bytes of [`Stored`]. It is only a shortcut: a file
//! that is missing, damaged or made from other inputs is not used, and writing it never fails a
//! build.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::taxonomy::CategoryTree;

/// An article's index in the site's newest-first list (`site::ArticleId`).
type ArticleId = usize;

/// The file of the cache folder holding the lists.
const FILE_NAME: &str = "related.lists";

/// The related articles of every article (`lists[a]` are article `a`'s), with the digest of
/// what they were found from ([`inputs_key`]).
#[derive(Debug, Serialize, Deserialize)]
pub struct Stored {
    key: u128,
    lists: Vec<Vec<u32>>,
}

impl Stored {
    /// The digest of the inputs the lists were found from.
    pub fn key(&self) -> u128 {
        self.key
    }

    /// The lists, when they were found from inputs whose digest is `key`.
    pub fn lists_for(&self, key: u128) -> Option<Vec<Vec<ArticleId>>> {
        (self.key == key)
            .then(|| self.lists.iter().map(|list| list.iter().map(|&a| a as ArticleId).collect()).collect())
    }
}

/// The digest of what the related-article lists are found from: each article's tags and
/// categories (newest article first), the number of tags, the category tree's shape (a category
/// lists the articles of its descendants), and pamphlet's version (the way they are found).
pub fn inputs_key<'a>(
    articles: impl ExactSizeIterator<Item = (&'a [usize], &'a [usize])>,
    tag_count: usize,
    categories: &CategoryTree,
) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
    let version = env!("CARGO_PKG_VERSION");
    for n in [version.len(), crate::related::RELATED_COUNT, tag_count, categories.nodes.len()] {
        hash_number(&mut hasher, n);
    }
    hasher.update(version.as_bytes());
    for node in &categories.nodes {
        // A root is written as the number of nodes, which no parent can be.
        hash_number(&mut hasher, node.parent.unwrap_or(categories.nodes.len()));
    }
    hash_number(&mut hasher, articles.len());
    for (tags, article_categories) in articles {
        for list in [tags, article_categories] {
            hash_number(&mut hasher, list.len());
            list.iter().for_each(|&id| hash_number(&mut hasher, id));
        }
    }
    hasher.digest128()
}

fn hash_number(hasher: &mut xxhash_rust::xxh3::Xxh3Default, n: usize) {
    hasher.update(&(n as u64).to_le_bytes());
}

/// The lists kept in `cache_dir`, if any read back.
pub fn load(cache_dir: &Path) -> Option<Stored> {
    let bytes = std::fs::read(cache_dir.join(FILE_NAME)).ok()?;
    postcard::from_bytes(&bytes).ok()
}

/// Keeps `lists`, found from inputs whose digest is `key`, in `cache_dir` for the next build
/// (see [`crate::fs::replace_file`]: a file half written is never read).
pub fn save(cache_dir: &Path, key: u128, lists: impl Iterator<Item = Vec<ArticleId>>) {
    let stored = Stored { key, lists: lists.map(|list| list.into_iter().map(|a| a as u32).collect()).collect() };
    if let Ok(bytes) = postcard::to_allocvec(&stored) {
        let _ = crate::fs::replace_file(&cache_dir.join(FILE_NAME), &bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::taxonomy::Category;

    fn tree(parents: &[Option<usize>]) -> CategoryTree {
        let nodes = parents
            .iter()
            .enumerate()
            .map(|(i, &parent)| Category {
                name: format!("C{i}"),
                slug: format!("c{i}"),
                description: None,
                parent,
                children: Vec::new(),
                names: vec![format!("C{i}")],
                path: format!("/category/c{i}/"),
                slug_path: format!("c{i}"),
            })
            .collect();
        CategoryTree { nodes, roots: vec![0] }
    }

    fn key(articles: &[(&[usize], &[usize])], tag_count: usize, categories: &CategoryTree) -> u128 {
        inputs_key(articles.iter().copied(), tag_count, categories)
    }

    #[test]
    fn the_key_changes_with_every_input_of_the_lists() {
        let categories = tree(&[None, Some(0)]);
        let articles: &[(&[usize], &[usize])] = &[(&[0, 1], &[1]), (&[1], &[])];
        let base = key(articles, 2, &categories);
        assert_eq!(base, key(articles, 2, &tree(&[None, Some(0)])));
        assert_ne!(base, key(&[(&[0], &[1]), (&[1], &[])], 2, &categories), "a tag fewer");
        assert_ne!(base, key(&[(&[1, 0], &[1]), (&[1], &[])], 2, &categories), "tags in another order");
        assert_ne!(base, key(&[(&[0, 1], &[]), (&[1], &[1])], 2, &categories), "a category moved");
        assert_ne!(base, key(&[(&[0], &[1, 1]), (&[1], &[])], 2, &categories), "a tag became a category");
        assert_ne!(base, key(&articles[..1], 2, &categories), "an article fewer");
        assert_ne!(base, key(articles, 3, &categories), "another tag count");
        assert_ne!(base, key(articles, 2, &tree(&[None, None])), "another tree");
    }

    #[test]
    fn lists_are_read_back_only_for_their_key_and_whole() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load(dir.path()).is_none());
        let lists = vec![vec![1, 2], vec![], vec![0]];
        save(&dir.path().join("cache"), 7, lists.clone().into_iter());
        let stored = load(&dir.path().join("cache")).expect("read back");
        assert_eq!(stored.key(), 7);
        assert_eq!(stored.lists_for(7), Some(lists));
        assert_eq!(stored.lists_for(8), None);
        let file = dir.path().join("cache").join(FILE_NAME);
        let bytes = std::fs::read(&file).unwrap();
        std::fs::write(&file, &bytes[..bytes.len() - 1]).unwrap();
        assert!(load(&dir.path().join("cache")).is_none(), "a cut file is not used");
        assert_eq!(std::fs::read_dir(dir.path().join("cache")).unwrap().count(), 1, "nothing left beside");
    }
}
