//! Categories (a tree from `site.yaml`, or inferred from the articles), tags and authors, and
//! the rules that turn what an author wrote ("News", "DRM Exclusive/News") into one of them.

use std::collections::BTreeMap;

use crate::config::{AuthorConfig, CategoryConfig};
use crate::slug::slugify;

/// Index of a category in [`CategoryTree::nodes`].
pub type CategoryId = usize;

/// One category.
#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    /// Display name.
    pub name: String,
    /// Slug of this level alone.
    pub slug: String,
    /// Description for the category page.
    pub description: Option<String>,
    /// Parent category, if not a root.
    pub parent: Option<CategoryId>,
    /// Children, in menu order.
    pub children: Vec<CategoryId>,
    /// Names from the root down to this node.
    pub names: Vec<String>,
    /// Site path of the category page: `/category/drm-exclusive/news/`.
    pub path: String,
    /// Slug path used by the `:category` permalink token: `drm-exclusive/news`.
    pub slug_path: String,
}

/// The category tree; nodes are stored parents first, in menu order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CategoryTree {
    /// All categories.
    pub nodes: Vec<Category>,
    /// Top-level categories, in menu order.
    pub roots: Vec<CategoryId>,
}

impl CategoryTree {
    /// The tree declared in `site.yaml`.
    pub fn from_config(tree: &[CategoryConfig]) -> Self {
        let mut t = CategoryTree::default();
        for node in tree {
            let id = t.add_config_node(node, None);
            t.roots.push(id);
        }
        t
    }

    fn add_config_node(&mut self, node: &CategoryConfig, parent: Option<CategoryId>) -> CategoryId {
        let id = self.add(node.name.trim(), node.slug.as_deref(), node.description.clone(), parent);
        for child in &node.children {
            let child_id = self.add_config_node(child, Some(id));
            self.nodes[id].children.push(child_id);
        }
        id
    }

    fn add(
        &mut self,
        name: &str,
        slug: Option<&str>,
        description: Option<String>,
        parent: Option<CategoryId>,
    ) -> CategoryId {
        let slug = slug.map(slugify).filter(|s| !s.is_empty()).unwrap_or_else(|| slugify(name));
        let (mut names, slug_path) = match parent {
            Some(p) => (self.nodes[p].names.clone(), format!("{}/{}", self.nodes[p].slug_path, slug)),
            None => (Vec::new(), slug.clone()),
        };
        names.push(name.to_string());
        self.nodes.push(Category {
            name: name.to_string(),
            slug,
            description,
            parent,
            children: Vec::new(),
            names,
            path: format!("/category/{slug_path}/"),
            slug_path,
        });
        self.nodes.len() - 1
    }

    /// Infers a tree from the category paths articles use (when `site.yaml` declares none).
    /// Levels are matched by slug, so "Human rights" and "Human Rights" are one category;
    /// siblings are sorted by name so the menu does not depend on file order.
    pub fn infer<'a>(paths: impl IntoIterator<Item = &'a str>) -> Self {
        let mut t = CategoryTree::default();
        for path in paths {
            let mut parent: Option<CategoryId> = None;
            for segment in path.split('/').map(str::trim).filter(|s| !s.is_empty()) {
                let slug = slugify(segment);
                if slug.is_empty() {
                    break;
                }
                let siblings = match parent {
                    Some(p) => &t.nodes[p].children,
                    None => &t.roots,
                };
                let existing = siblings.iter().copied().find(|&c| t.nodes[c].slug == slug);
                let id = match existing {
                    Some(id) => id,
                    None => {
                        let id = t.add(segment, None, None, parent);
                        match parent {
                            Some(p) => t.nodes[p].children.push(id),
                            None => t.roots.push(id),
                        }
                        id
                    }
                };
                parent = Some(id);
            }
        }
        t.sort_inferred();
        t
    }

    fn sort_inferred(&mut self) {
        let key = |nodes: &[Category], id: CategoryId| nodes[id].name.to_lowercase();
        let nodes = self.nodes.clone();
        self.roots.sort_by_key(|&id| key(&nodes, id));
        for node in &mut self.nodes {
            node.children.sort_by_key(|&id| key(&nodes, id));
        }
    }

    /// The full display path: `DRM Exclusive/News`.
    pub fn full_name(&self, id: CategoryId) -> String {
        self.nodes[id].names.join("/")
    }

    /// The category and its ancestors, root first.
    pub fn lineage(&self, id: CategoryId) -> Vec<CategoryId> {
        let mut chain = vec![id];
        let mut current = id;
        while let Some(parent) = self.nodes[current].parent {
            chain.push(parent);
            current = parent;
        }
        chain.reverse();
        chain
    }

    /// Resolves what an author wrote. A path matches a category whose trailing levels have those
    /// names (or slugs), so "Campaigns/#PrivacyHumSabKe" works; a full path from the root wins
    /// over partial matches. The error message says what to write instead.
    pub fn resolve(&self, written: &str) -> Result<CategoryId, String> {
        let segments: Vec<&str> = written.split('/').map(str::trim).filter(|s| !s.is_empty()).collect();
        if segments.is_empty() {
            return Err("empty category: write a path like \"DRM Exclusive/News\"".into());
        }
        let matches: Vec<CategoryId> = (0..self.nodes.len()).filter(|&id| self.ends_with(id, &segments)).collect();
        let exact: Vec<CategoryId> =
            matches.iter().copied().filter(|&id| self.nodes[id].names.len() == segments.len()).collect();
        match (exact.as_slice(), matches.as_slice()) {
            ([one], _) | ([], [one]) => Ok(*one),
            ([], []) => Err(self.unknown_message(written)),
            (_, many) => {
                let options: Vec<String> = many.iter().map(|&id| format!("\"{}\"", self.full_name(id))).collect();
                Err(format!("category \"{written}\" is ambiguous: write {}", join_or(&options)))
            }
        }
    }

    fn ends_with(&self, id: CategoryId, segments: &[&str]) -> bool {
        let names = &self.nodes[id].names;
        if names.len() < segments.len() {
            return false;
        }
        let mut current = Some(id);
        for seg in segments.iter().rev() {
            let Some(c) = current else { return false };
            let node = &self.nodes[c];
            if !(node.name.eq_ignore_ascii_case(seg) || node.name == *seg || node.slug == slugify(seg)) {
                return false;
            }
            current = node.parent;
        }
        true
    }

    fn unknown_message(&self, written: &str) -> String {
        if self.nodes.is_empty() {
            return format!("unknown category \"{written}\": site.yaml declares no categories");
        }
        let wanted = written.to_lowercase();
        let mut scored: Vec<(f64, String)> = (0..self.nodes.len())
            .map(|id| {
                let full = self.full_name(id);
                let by_full = strsim::normalized_levenshtein(&wanted, &full.to_lowercase());
                let by_leaf = strsim::normalized_levenshtein(
                    wanted.rsplit('/').next().unwrap_or(&wanted).trim(),
                    &self.nodes[id].name.to_lowercase(),
                );
                (by_full.max(by_leaf), full)
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let suggestions: Vec<String> = scored.iter().take(3).map(|(_, n)| format!("\"{n}\"")).collect();
        format!(
            "unknown category \"{written}\": did you mean {}? (categories are declared under `categories:` in site.yaml)",
            join_or(&suggestions)
        )
    }
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

/// A tag, merged by slug ("Privacy" and "privacy" are one tag; the first spelling is shown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// Display name.
    pub name: String,
    /// URL slug.
    pub slug: String,
}

impl Tag {
    /// The site path of the tag's page: `/tag/<slug>/`.
    pub fn path(&self) -> String {
        format!("/tag/{}/", self.slug)
    }
}

/// An author, from `site.yaml` or made up from a name written in front matter.
#[derive(Debug, Clone, PartialEq)]
pub struct Author {
    /// Slug used in the URL: `/author/<id>/`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Details from `site.yaml`, when declared there.
    pub details: Option<AuthorConfig>,
}

impl Author {
    /// The site path of the author's page: `/author/<id>/`.
    pub fn path(&self) -> String {
        format!("/author/{}/", self.id)
    }
}

/// Finds or creates authors for what front matter says.
#[derive(Debug, Default)]
pub struct AuthorIndex {
    /// All authors, declared ones first (by id), then made-up ones in order of appearance.
    pub authors: Vec<Author>,
    by_key: BTreeMap<String, usize>,
}

impl AuthorIndex {
    /// Starts with the authors declared in `site.yaml`.
    pub fn new(declared: &BTreeMap<String, AuthorConfig>) -> Self {
        let mut index = AuthorIndex::default();
        for (id, details) in declared {
            let n = index.authors.len();
            index.authors.push(Author { id: slugify(id), name: details.name.clone(), details: Some(details.clone()) });
            index.by_key.insert(id.clone(), n);
            index.by_key.entry(slugify(id)).or_insert(n);
            index.by_key.entry(details.name.to_lowercase()).or_insert(n);
        }
        index
    }

    /// Whether `written` names one of the `declared` authors, by the rules of [`Self::find`]
    /// (an id, its slug, or a display name in any case), without building the index: the
    /// check runs for every author of every article, and building the index each time was
    /// 3% of a 10,000-article build.
    pub fn declares(declared: &BTreeMap<String, AuthorConfig>, written: &str) -> bool {
        let lower = written.to_lowercase();
        let slug = slugify(written);
        let candidates = [written, lower.as_str(), slug.as_str()];
        // The keys that cost nothing to compare first, the slugs of the ids only when needed.
        declared.iter().any(|(id, details)| {
            let name = details.name.to_lowercase();
            candidates.iter().any(|c| *c == id || *c == name)
        }) || declared.keys().map(|id| slugify(id)).any(|id_slug| candidates.contains(&id_slug.as_str()))
    }

    /// The author already known by `written`: an id, its slug, or a display name in any case.
    pub fn find(&self, written: &str) -> Option<usize> {
        let key = |k: &str| self.by_key.get(k).copied();
        key(written).or_else(|| key(&written.to_lowercase())).or_else(|| key(&slugify(written)))
    }

    /// The author an id or display name refers to; unknown names become new authors whose
    /// page is made from the name. Returns `None` only when the name has no letters or digits.
    pub fn resolve(&mut self, written: &str) -> Option<usize> {
        if let Some(n) = self.find(written) {
            return Some(n);
        }
        let id = slugify(written);
        if id.is_empty() {
            return None;
        }
        let n = self.authors.len();
        self.authors.push(Author { id: id.clone(), name: written.to_string(), details: None });
        self.by_key.insert(written.to_lowercase(), n);
        self.by_key.insert(id, n);
        Some(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declares_agrees_with_the_index() {
        let declared: BTreeMap<String, AuthorConfig> = serde_yaml::from_str(
            "sana-khan: {name: Sana Khan}\nDRM_Staff: {name: DRM Desk}\nayesha: {name: \"عائشہ\"}\n",
        )
        .unwrap_or_default();
        assert_eq!(declared.len(), 3);
        let index = AuthorIndex::new(&declared);
        for written in [
            "sana-khan",
            "Sana Khan",
            "SANA KHAN",
            "sana khan",
            "Sana-Khan",
            "DRM_Staff",
            "drm-staff",
            "drm staff",
            "DRM Desk",
            "drm desk",
            "ayesha",
            "Ayesha",
            "عائشہ",
            "someone else",
            "",
            "sana",
            "khan-sana",
        ] {
            assert_eq!(AuthorIndex::declares(&declared, written), index.find(written).is_some(), "{written:?}");
        }
    }

    fn tree() -> CategoryTree {
        let yaml = r##"
- name: DRM Exclusive
  children:
    - name: News
    - name: Campaigns
      children: [ { name: "#PrivacyHumSabKe" } ]
- name: In Media
  children: [ { name: News }, { name: OP-EDs } ]
"##;
        CategoryTree::from_config(&serde_yaml::from_str::<Vec<CategoryConfig>>(yaml).unwrap())
    }

    #[test]
    fn nested_paths_and_urls() {
        let t = tree();
        let id = t.resolve("DRM Exclusive/Campaigns/#PrivacyHumSabKe").unwrap();
        assert_eq!(t.nodes[id].path, "/category/drm-exclusive/campaigns/privacyhumsabke/");
        assert_eq!(t.lineage(id).len(), 3);
    }

    #[test]
    fn unique_bare_names_and_partial_paths_resolve() {
        let t = tree();
        assert_eq!(t.full_name(t.resolve("OP-EDs").unwrap()), "In Media/OP-EDs");
        assert_eq!(
            t.full_name(t.resolve("Campaigns/#PrivacyHumSabKe").unwrap()),
            "DRM Exclusive/Campaigns/#PrivacyHumSabKe"
        );
        assert_eq!(t.full_name(t.resolve("in media/news").unwrap()), "In Media/News");
    }

    #[test]
    fn ambiguous_name_lists_both_paths() {
        let err = tree().resolve("News").unwrap_err();
        assert_eq!(err, "category \"News\" is ambiguous: write \"DRM Exclusive/News\" or \"In Media/News\"");
    }

    #[test]
    fn unknown_name_suggests_the_closest() {
        let err = tree().resolve("Campains").unwrap_err();
        assert!(err.starts_with("unknown category \"Campains\": did you mean \"DRM Exclusive/Campaigns\""), "{err}");
    }

    #[test]
    fn inferred_tree_merges_by_slug_and_sorts() {
        let t = CategoryTree::infer(["Zeta/Child", "alpha", "Zeta/child"]);
        let roots: Vec<&str> = t.roots.iter().map(|&r| t.nodes[r].name.as_str()).collect();
        assert_eq!(roots, vec!["alpha", "Zeta"]);
        assert_eq!(t.nodes.len(), 3);
        assert_eq!(t.full_name(t.resolve("Zeta/Child").unwrap()), "Zeta/Child");
    }

    #[test]
    fn authors_resolve_by_id_or_name_and_unknown_names_are_created() {
        let mut declared = BTreeMap::new();
        declared.insert(
            "usman-shahid".to_string(),
            AuthorConfig {
                name: "Usman Shahid".into(),
                bio: None,
                twitter: None,
                avatar: None,
                url: None,
                first_name: None,
                last_name: None,
            },
        );
        let mut idx = AuthorIndex::new(&declared);
        assert_eq!(idx.resolve("usman-shahid"), Some(0));
        assert_eq!(idx.resolve("Usman Shahid"), Some(0));
        let guest = idx.resolve("Guest Writer").unwrap();
        assert_eq!(idx.authors[guest].id, "guest-writer");
        assert_eq!(idx.resolve("guest writer"), Some(guest));
        assert_eq!(idx.resolve("!!!"), None);
    }
}
