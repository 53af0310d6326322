//! The imported site's `site.yaml`: title and address from the export's channel, authors,
//! the category tree (parents first, in WordPress's order, with descriptions and slugs), and
//! the main navigation menu as `menu:` links.

use std::collections::{BTreeMap, HashMap};

use super::html_to_text;
use super::links::decode_path;
use super::plan::{Index, Plan, category_parent};
use super::wxr::{Item, Term};
use crate::config::{AuthorConfig, CategoryConfig, ConfigFile, MenuLink};
use crate::slug::slugify;

/// The generated file and what became of the menu.
pub struct SiteYaml {
    /// The YAML text.
    pub text: String,
    /// Menu items written as `menu:` links.
    pub menu_links: usize,
    /// Menu items left out (categories, which the theme lists already; nested items; items
    /// pointing at something not imported).
    pub menu_skipped: usize,
}

/// Builds `site.yaml` for the export.
pub fn site_yaml(index: &Index, plan: &Plan) -> crate::error::Result<SiteYaml> {
    let channel = &index.channel;
    let base_url = if channel.link.ends_with('/') { channel.link.clone() } else { format!("{}/", channel.link) };
    let (menu, menu_skipped) = menu(index, plan);
    let categories = category_tree(&index.categories, &plan.category_names);
    let site = ConfigFile {
        title: Some(html_to_text(&channel.title)).filter(|t| !t.is_empty()).unwrap_or_else(|| "My publication".into()),
        base_url,
        description: html_to_text(&channel.description),
        language: channel.language.clone(),
        authors: authors(index),
        categories: Some(categories).filter(|tree| !tree.is_empty()),
        menu,
        ..ConfigFile::default()
    };
    let yaml = serde_yaml::to_string(&site)
        .map_err(|e| crate::error::Error::output("site.yaml", format!("cannot write the imported site.yaml: {e}")))?;
    let text = format!(
        "# Imported from a WordPress export by `pamphlet import wordpress`: review it before publishing.\n{yaml}"
    );
    Ok(SiteYaml { text, menu_links: site.menu.len(), menu_skipped })
}

/// `login: { name, first_name, last_name }`, by login as `site.yaml` is read; e-mail addresses
/// are left out on purpose.
fn authors(index: &Index) -> BTreeMap<String, AuthorConfig> {
    let given = |name: &str| Some(name.to_string()).filter(|n| !n.is_empty());
    let mut map = BTreeMap::new();
    for a in index.authors.iter().filter(|a| !a.login.is_empty()) {
        let full = format!("{} {}", a.first_name, a.last_name).trim().to_string();
        let name =
            [&a.display_name, &full, &a.login].into_iter().find(|n| !n.trim().is_empty()).cloned().unwrap_or_default();
        let author = AuthorConfig {
            name: html_to_text(&name),
            bio: None,
            twitter: None,
            avatar: None,
            url: None,
            first_name: given(&a.first_name),
            last_name: given(&a.last_name),
        };
        map.insert(a.login.clone(), author);
    }
    map
}

/// The category tree, parents before children, siblings in the export's order, named as
/// `names` says. A category whose WordPress slug differs from the one its name gives keeps its
/// slug, so old category addresses (`/category/parent/child/`) stay the same.
fn category_tree(categories: &[Term], names: &HashMap<String, String>) -> Vec<CategoryConfig> {
    let known: HashMap<&str, &Term> = categories.iter().map(|t| (t.slug.as_str(), t)).collect();
    let mut children: HashMap<&str, Vec<&Term>> = HashMap::new();
    let mut roots = Vec::new();
    for term in categories.iter().filter(|t| names.contains_key(&t.slug)) {
        match category_parent(term, &known) {
            Some(parent) => children.entry(parent).or_default().push(term),
            None => roots.push(term),
        }
    }
    let mut visited = std::collections::HashSet::new();
    roots.into_iter().filter_map(|t| category_node(t, &children, names, &mut visited)).collect()
}

fn category_node<'a>(
    term: &'a Term,
    children: &HashMap<&str, Vec<&'a Term>>,
    names: &HashMap<String, String>,
    visited: &mut std::collections::HashSet<&'a str>,
) -> Option<CategoryConfig> {
    if !visited.insert(term.slug.as_str()) {
        return None;
    }
    let name = names.get(&term.slug)?.clone();
    let slug = decode_path(&term.slug);
    let kids = children.get(term.slug.as_str()).map(Vec::as_slice).unwrap_or(&[]);
    Some(CategoryConfig {
        slug: (slugify(&name) != slug && !slugify(&slug).is_empty()).then_some(slug),
        description: Some(html_to_text(&term.description)).filter(|d| !d.is_empty()),
        children: kids.iter().filter_map(|c| category_node(c, children, names, visited)).collect(),
        name,
    })
}

/// The first navigation menu's links to pages, posts and other addresses. The theme's menu is
/// one level deep: top-level items are kept, and so are the children of a placeholder parent
/// (a `#` link that only opens a dropdown in WordPress); categories are left out because the
/// theme lists the category tree already.
fn menu(index: &Index, plan: &Plan) -> (Vec<MenuLink>, usize) {
    let menu_items: Vec<&Item> = index.items.iter().filter(|i| i.post_type == "nav_menu_item").collect();
    if menu_items.is_empty()
        && let Some(navigation) = index.items.iter().find(|i| i.post_type == "wp_navigation")
    {
        return block_menu(&navigation.content, index, plan);
    }
    let menu_of = |i: &Item| i.terms.iter().find(|t| t.domain == "nav_menu").map(|t| t.nicename.clone());
    let first_menu = menu_items.iter().find_map(|i| menu_of(i));
    let mut in_menu: Vec<&Item> = menu_items.iter().copied().filter(|i| menu_of(i) == first_menu).collect();
    in_menu.sort_by_key(|i| i.menu_order);
    let titles: HashMap<u64, &str> = index.items.iter().map(|i| (i.id, i.title.as_str())).collect();
    let parent_of =
        |i: &Item| i.meta("_menu_item_menu_item_parent").and_then(|p| p.trim().parse::<u64>().ok()).unwrap_or(0);
    let placeholders: Vec<u64> =
        in_menu.iter().filter(|i| parent_of(i) == 0 && is_placeholder(i)).map(|i| i.id).collect();
    let mut links = Vec::new();
    for item in &in_menu {
        let shown = parent_of(item) == 0 || placeholders.contains(&parent_of(item));
        let object_id: u64 = item.meta("_menu_item_object_id").and_then(|v| v.trim().parse().ok()).unwrap_or(0);
        let url = match item.meta("_menu_item_type") {
            Some("custom") if !is_placeholder(item) => {
                let url = item.meta("_menu_item_url").map(str::trim);
                url.map(|u| plan.links.rewrite(u).or_else(|| plan.links.site_path(u)).unwrap_or_else(|| u.to_string()))
            }
            Some("post_type") => plan.by_id.get(&object_id).map(|p| p.url.clone()),
            _ => None,
        };
        let Some(url) = url.filter(|_| shown) else { continue };
        let title = Some(html_to_text(&item.title))
            .filter(|t| !t.is_empty())
            .or_else(|| titles.get(&object_id).map(|t| html_to_text(t)).filter(|t| !t.is_empty()))
            .unwrap_or_else(|| url.clone());
        links.push(MenuLink { name: title, url });
    }
    let skipped = menu_items.len() - links.len();
    (links, skipped)
}

/// A custom link to nowhere (`#` or empty): a dropdown's heading in WordPress.
fn is_placeholder(item: &Item) -> bool {
    item.meta("_menu_item_type") == Some("custom")
        && item.meta("_menu_item_url").is_none_or(|u| u.trim().is_empty() || u.trim().starts_with('#'))
}

/// A block-theme menu (a `wp_navigation` item): its `navigation-link` blocks, and for a
/// `page-list` block every top-level page. Submenus' children are lifted to the top.
fn block_menu(content: &str, index: &Index, plan: &Plan) -> (Vec<MenuLink>, usize) {
    static BLOCK: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| super::constant_regex(r"<!--\s*wp:([a-z-]+)(\s+\{.*?\})?\s*/?-->"));
    let mut links = Vec::new();
    let mut skipped = 0;
    for caps in BLOCK.captures_iter(content) {
        let attrs: serde_json::Value =
            caps.get(2).and_then(|a| serde_json::from_str(a.as_str().trim()).ok()).unwrap_or_default();
        match &caps[1] {
            "navigation-link" | "navigation-submenu" => {
                let by_id = attrs["id"].as_u64().and_then(|id| plan.by_id.get(&id)).map(|p| p.url.clone());
                let url = attrs["url"].as_str().unwrap_or("").trim();
                let url = by_id.or_else(|| match url {
                    "" | "#" => None,
                    _ if url.starts_with("?s") || url.starts_with("/?s") => Some("/search/".to_string()),
                    _ => Some(plan.links.rewrite(url).unwrap_or_else(|| url.to_string())),
                });
                match (url, attrs["label"].as_str().map(html_to_text).filter(|l| !l.is_empty())) {
                    (Some(url), Some(name)) => links.push(MenuLink { name, url }),
                    _ => skipped += 1,
                }
            }
            "page-list" => {
                for item in
                    index.items.iter().filter(|i| i.post_type == "page" && i.parent == 0 && i.status == "publish")
                {
                    if let Some(p) = plan.by_id.get(&item.id).filter(|p| p.date.is_none()) {
                        links.push(MenuLink { name: html_to_text(&item.title), url: p.url.clone() });
                    }
                }
            }
            _ => {}
        }
    }
    (links, skipped)
}
