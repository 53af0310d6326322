//! The first pass over an export: what it holds (authors, categories, tags, the metadata of
//! every item, without bodies), and where each post and page will live in the new site.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::links::{LinkMap, decode_path};
use super::media::MediaPlaces;
use super::wxr::{Author, Channel, Item, Term};
use crate::content::{CONTENT_DIR, PAGES_DIR};
use crate::permalink::{PermalinkPattern, PermalinkValues};
use crate::slug::slugify;

/// Everything but the bodies, gathered by the first pass.
#[derive(Debug, Default)]
pub struct Index {
    /// The channel's details.
    pub channel: Channel,
    /// Authors in file order.
    pub authors: Vec<Author>,
    /// `wp:category` terms in file order.
    pub categories: Vec<Term>,
    /// `wp:tag` terms.
    pub tags: Vec<Term>,
    /// Other terms (`nav_menu`…).
    pub terms: Vec<Term>,
    /// Every item, with `content` and `comments` emptied to keep memory small.
    pub items: Vec<Item>,
    /// Terms and authors that posts use but the export never declared, added to the lists
    /// above by [`Index::declare_used_terms`].
    pub undeclared: Undeclared,
}

/// What the export's header left out though its posts use it (WordPress.com and older
/// versions write `<category domain="category" nicename="sub">` without a `<wp:category>`).
#[derive(Debug, Default)]
pub struct Undeclared {
    /// Category names, added at the top of the tree.
    pub categories: Vec<String>,
    /// Tag names.
    pub tags: Vec<String>,
    /// Author logins.
    pub authors: Vec<String>,
}

impl Index {
    /// The address the old site's links start with: `wp:base_blog_url`, else `<link>`.
    pub fn base_url(&self) -> &str {
        if self.channel.base_blog_url.is_empty() { &self.channel.link } else { &self.channel.base_blog_url }
    }

    /// Declares every category, tag and author that an imported post or page uses and the
    /// export did not declare, so the new site's tree has all of them (categories whose parent
    /// is unknown go at the top); each is listed in [`Index::undeclared`].
    pub fn declare_used_terms(&mut self) {
        let mut categories: HashSet<String> = self.categories.iter().map(|t| t.slug.clone()).collect();
        let mut tags: HashSet<String> = self.tags.iter().map(|t| t.slug.clone()).collect();
        // By slug, as the build finds authors: `>login`, a typo real exports have, is `login`.
        let mut authors: HashSet<String> = self.authors.iter().map(|a| slugify(&a.login)).collect();
        for item in self.items.iter_mut().filter(|i| content_kind(i).is_some()) {
            for term in &mut item.terms {
                if term.nicename.trim().is_empty() {
                    term.nicename = slugify(&super::html_to_text(&term.name));
                }
                let (list, declared, names) = match term.domain.as_str() {
                    "category" => (&mut self.categories, &mut categories, &mut self.undeclared.categories),
                    "post_tag" => (&mut self.tags, &mut tags, &mut self.undeclared.tags),
                    _ => continue,
                };
                if term.nicename.is_empty() || !declared.insert(term.nicename.clone()) {
                    continue;
                }
                names.push(super::html_to_text(&term.name));
                list.push(Term {
                    taxonomy: if term.domain == "category" { "category" } else { "post_tag" }.into(),
                    slug: term.nicename.clone(),
                    parent: String::new(),
                    name: term.name.clone(),
                    description: String::new(),
                });
            }
            let login = item.creator.trim();
            let slug = slugify(login);
            if content_kind(item) == Some(Kind::Post) && !slug.is_empty() && authors.insert(slug) {
                self.undeclared.authors.push(login.to_string());
                self.authors.push(Author { login: login.to_string(), ..Author::default() });
            }
        }
    }
}

/// How an imported post or page is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An article under `content/YYYY/MM/`.
    Post,
    /// A page under `content/pages/`.
    Page,
}

/// Where one post or page goes.
#[derive(Debug, Clone)]
pub struct Planned {
    /// Post or page.
    pub kind: Kind,
    /// The file to write, relative to the site root (`content/2024/03/x.md`).
    pub file: String,
    /// Its new site path (`/2024/03/x/`).
    pub url: String,
    /// The slug written in front matter (articles only).
    pub slug: String,
    /// Local date with offset, RFC 3339 (`2024-03-18T09:30:00+05:00`).
    pub date: Option<String>,
    /// Modification date with offset.
    pub updated: Option<String>,
    /// Old addresses to alias: `<link>` and `/?p=ID`.
    pub aliases: Vec<String>,
    /// Old addresses that pamphlet's own pages now use (`/search/`, `/tags/`…), so they could
    /// not be kept; reported.
    pub lost: Vec<String>,
}

/// The whole plan: each post's and page's destination, and the link map.
#[derive(Debug, Default)]
pub struct Plan {
    /// Item id → destination.
    pub by_id: HashMap<u64, Planned>,
    /// Old address → new address.
    pub links: LinkMap,
    /// Category slug → its path of names (`Resources/Laws and Policies`).
    pub category_paths: HashMap<String, String>,
    /// Category slug → its name in `site.yaml`.
    pub category_names: HashMap<String, String>,
    /// Categories whose WordPress name could not be kept, and why.
    pub renamed_categories: Vec<String>,
    /// The offset written on dates WordPress kept no UTC time for (unpublished drafts): the
    /// one most published posts have.
    pub usual_offset: String,
}

/// The item types imported as content.
pub fn content_kind(item: &Item) -> Option<Kind> {
    let kind = match item.post_type.as_str() {
        "post" => Kind::Post,
        "page" => Kind::Page,
        _ => return None,
    };
    let imported = !matches!(item.status.as_str(), "trash" | "auto-draft" | "inherit");
    imported.then_some(kind)
}

/// Works out every destination. `permalink` is the new site's pattern; `media` says where
/// uploaded files are served from (an attachment's old page leads to its file).
pub fn plan(index: &Index, permalink: &PermalinkPattern, media: &MediaPlaces) -> Plan {
    let (category_names, renamed_categories) = category_names(&index.categories);
    let mut plan = Plan {
        links: LinkMap::new(index.base_url()),
        category_paths: category_paths(&index.categories, &category_names),
        category_names,
        renamed_categories,
        usual_offset: usual_offset(&index.items),
        ..Plan::default()
    };
    let by_id: HashMap<u64, &Item> = index.items.iter().map(|i| (i.id, i)).collect();
    let mut taken: HashSet<String> = HashSet::new();
    for item in &index.items {
        let Some(kind) = content_kind(item) else { continue };
        let planned = match kind {
            Kind::Post => plan_post(item, permalink, &plan, &mut taken),
            Kind::Page => plan_page(item, &by_id, &mut taken),
        };
        plan.by_id.insert(item.id, planned);
    }
    // Old addresses are registered once every destination is known: a link can then be
    // rewritten whichever order the posts come in.
    let mut lost = Vec::new();
    for item in &index.items {
        let Some(planned) = plan.by_id.get(&item.id) else { continue };
        let url = planned.url.clone();
        let query = if content_kind(item) == Some(Kind::Page) { "page_id" } else { "p" };
        let mut aliases = Vec::new();
        for old in old_addresses(item, query) {
            let Some(alias) = plan.links.insert(&old, &url) else { continue };
            if alias == url || alias == "/" || aliases.contains(&alias) {
                continue;
            }
            if is_reserved(&alias) {
                lost.push(alias);
            } else {
                aliases.push(alias);
            }
        }
        if let Some(p) = plan.by_id.get_mut(&item.id) {
            p.aliases = aliases;
            p.lost = std::mem::take(&mut lost);
        }
    }
    for item in index.items.iter().filter(|i| i.post_type == "attachment") {
        if let Some(place) = media.place(&item.attachment_url) {
            plan.links.insert(&item.link, &place.url);
            plan.links.insert(&format!("/?attachment_id={}", item.id), &place.url);
        }
    }
    plan
}

fn plan_post(item: &Item, permalink: &PermalinkPattern, plan: &Plan, taken: &mut HashSet<String>) -> Planned {
    let date = local_date(&item.date, &item.date_gmt, &plan.usual_offset)
        .or_else(|| local_date(&item.modified, &item.modified_gmt, &plan.usual_offset));
    let updated =
        local_date(&item.modified, &item.modified_gmt, &plan.usual_offset).filter(|u| Some(u) != date.as_ref());
    let (year, month, day) = date.as_deref().and_then(date_parts).unwrap_or((1970, 1, 1));
    let folder = format!("{CONTENT_DIR}/{year:04}/{month:02}");
    let slug = unique(&folder, &base_slug(item), taken);
    let first_category = item
        .terms
        .iter()
        .find(|t| t.domain == "category")
        .and_then(|t| plan.category_paths.get(&t.nicename))
        .map(|path| path.split('/').map(slugify).collect::<Vec<_>>().join("/"))
        .unwrap_or_else(|| "uncategorized".into());
    let url = permalink.expand(&PermalinkValues { year, month, day, slug: &slug, category: &first_category });
    Planned {
        kind: Kind::Post,
        file: format!("{folder}/{slug}.md"),
        url,
        slug,
        date,
        updated,
        aliases: Vec::new(),
        lost: Vec::new(),
    }
}

fn plan_page(item: &Item, by_id: &HashMap<u64, &Item>, taken: &mut HashSet<String>) -> Planned {
    // Ancestors' slugs, nearest last; a loop in the parents (a broken export) stops the walk.
    let mut ancestors = Vec::new();
    let mut parent = item.parent;
    let mut seen = HashSet::from([item.id]);
    while let Some(p) = by_id.get(&parent).filter(|p| p.post_type == "page") {
        if !seen.insert(p.id) {
            break;
        }
        ancestors.push(base_slug(p));
        parent = p.parent;
    }
    ancestors.reverse();
    let folder = std::iter::once(format!("{CONTENT_DIR}/{PAGES_DIR}"))
        .chain(ancestors.iter().cloned())
        .collect::<Vec<_>>()
        .join("/");
    let mut slug = base_slug(item);
    if ancestors.is_empty() && is_reserved(&format!("/{slug}/")) {
        slug = format!("{slug}-page");
    }
    let slug = unique(&folder, &slug, taken);
    let url = format!("/{}/", ancestors.iter().chain(std::iter::once(&slug)).cloned().collect::<Vec<_>>().join("/"));
    let updated = local_date(&item.modified, &item.modified_gmt, "+00:00");
    Planned {
        kind: Kind::Page,
        file: format!("{folder}/{slug}.md"),
        url,
        slug,
        date: None,
        updated,
        aliases: Vec::new(),
        lost: Vec::new(),
    }
}

/// The addresses an item had: its `<link>`, `/?p=ID` (or `?page_id=`), and its link with each
/// slug it had before (`_wp_old_slug`, which WordPress kept redirecting).
fn old_addresses(item: &Item, query: &str) -> Vec<String> {
    let mut out = vec![item.link.clone(), format!("/?{query}={}", item.id)];
    let current = format!("/{}/", item.name.trim());
    if item.name.trim().is_empty() || !item.link.contains(&current) {
        return out;
    }
    for (key, old_slug) in &item.meta {
        if key == "_wp_old_slug" && !old_slug.trim().is_empty() {
            out.push(item.link.replacen(&current, &format!("/{}/", old_slug.trim()), 1));
        }
    }
    out
}

/// Addresses pamphlet's own pages use: an old post or page there cannot keep its address.
fn is_reserved(path: &str) -> bool {
    use crate::{feeds, search, sitemap};
    const EXACT: [&str; 8] = [
        search::SEARCH_PAGE,
        "/tags/",
        "/authors/",
        "/404.html",
        feeds::SITE_RSS,
        feeds::SITE_ATOM,
        sitemap::SITEMAP,
        sitemap::ROBOTS,
    ];
    const PREFIXES: [&str; 5] = ["/category/", "/tag/", "/author/", "/page/", search::BUNDLE_DIR];
    EXACT.contains(&path) || PREFIXES.iter().any(|p| path.len() > p.len() && path.starts_with(p))
}

/// The slug from `wp:post_name` (percent-decoded: WordPress encodes Urdu), else from the title,
/// else `post-ID`.
fn base_slug(item: &Item) -> String {
    let from_name = slugify(&decode_path(&item.name));
    if !from_name.is_empty() {
        return from_name;
    }
    let from_title = slugify(&super::html_to_text(&item.title));
    if !from_title.is_empty() {
        return from_title;
    }
    format!("{}-{}", item.post_type, item.id)
}

/// `slug`, or `slug-2`, `slug-3`… when another item already has that file.
fn unique(folder: &str, slug: &str, taken: &mut HashSet<String>) -> String {
    let mut candidate = slug.to_string();
    let mut n = 2;
    while !taken.insert(format!("{folder}/{candidate}")) {
        candidate = format!("{slug}-{n}");
        n += 1;
    }
    candidate
}

/// `2024-03-18 09:30:00` local, with the offset from the matching UTC time →
/// `2024-03-18T09:30:00+05:00`. Without a UTC time (drafts), `fallback_offset` is used.
pub fn local_date(local: &str, gmt: &str, fallback_offset: &str) -> Option<String> {
    let local_dt = parse_wp_datetime(local)?;
    let offset = match parse_wp_datetime(gmt) {
        Some(utc) => format_offset(local_dt.duration_since(utc).as_secs()),
        None => fallback_offset.to_string(),
    };
    Some(format!("{}{offset}", local_dt.strftime("%Y-%m-%dT%H:%M:%S")))
}

fn parse_wp_datetime(text: &str) -> Option<jiff::civil::DateTime> {
    let text = text.trim();
    if text.is_empty() || text.starts_with("0000") {
        return None;
    }
    jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M:%S", text).ok()
}

fn format_offset(seconds: i64) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.abs() / 60;
    format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

fn date_parts(rfc3339: &str) -> Option<(i16, i8, i8)> {
    let year = rfc3339.get(0..4)?.parse().ok()?;
    let month = rfc3339.get(5..7)?.parse().ok()?;
    let day = rfc3339.get(8..10)?.parse().ok()?;
    Some((year, month, day))
}

/// The offset most dated items have; `+00:00` when none has one.
fn usual_offset(items: &[Item]) -> String {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for item in items {
        if let (Some(local), Some(utc)) = (parse_wp_datetime(&item.date), parse_wp_datetime(&item.date_gmt)) {
            *counts.entry(format_offset(local.duration_since(utc).as_secs())).or_default() += 1;
        }
    }
    counts.into_iter().max_by_key(|(_, n)| *n).map_or_else(|| "+00:00".into(), |(offset, _)| offset)
}

/// Category slug → path of names from the root (`Resources/Laws and Policies`).
fn category_paths(categories: &[Term], names: &HashMap<String, String>) -> HashMap<String, String> {
    let by_slug: HashMap<&str, &Term> = categories.iter().map(|t| (t.slug.as_str(), t)).collect();
    let mut paths = HashMap::new();
    for term in categories {
        let mut path = Vec::new();
        let mut current = Some(term);
        let mut seen = HashSet::new();
        while let Some(t) = current {
            if !seen.insert(t.slug.as_str()) {
                break;
            }
            path.push(names.get(&t.slug).cloned().unwrap_or_default());
            current = by_slug.get(t.parent.as_str()).copied();
        }
        path.reverse();
        paths.insert(term.slug.clone(), path.join("/"));
    }
    paths
}

/// The parent a category is filed under in the new tree: its own, unless the export does not
/// have it (then it goes at the top).
pub fn category_parent<'a>(term: &'a Term, known: &HashMap<&str, &Term>) -> Option<&'a str> {
    let parent = term.parent.as_str();
    (!parent.is_empty() && parent != term.slug && known.contains_key(parent)).then_some(parent)
}

/// Category slug → the name it gets in `site.yaml` (and in front matter paths): its WordPress
/// name with entities decoded, unless that cannot be a pamphlet category name (it contains
/// `/`, which separates levels, or has no letters or digits) or a sibling already gives the
/// same URL slug; then its WordPress slug, decoded. Each name that differs from WordPress's is
/// in the second list, for the report.
pub fn category_names(categories: &[Term]) -> (HashMap<String, String>, Vec<String>) {
    let known: HashMap<&str, &Term> = categories.iter().map(|t| (t.slug.as_str(), t)).collect();
    let mut taken: HashSet<(Option<&str>, String)> = HashSet::new();
    let mut names = HashMap::new();
    let mut renamed = Vec::new();
    for term in categories {
        let parent = category_parent(term, &known);
        let original = super::html_to_text(&term.name);
        let fallback = decode_path(&term.slug);
        let mut candidates = vec![original.clone(), fallback.clone()];
        candidates.extend((2..).map(|n| format!("{fallback}-{n}")).take(20));
        let usable = |name: &String| !name.contains('/') && !slugify(name).is_empty();
        let Some(name) = candidates.into_iter().filter(usable).find(|n| taken.insert((parent, slugify(n)))) else {
            continue;
        };
        if name != original {
            renamed
                .push(format!("category \"{original}\" is named \"{name}\" (its slug): {}", rename_reason(&original)));
        }
        names.insert(term.slug.clone(), name);
    }
    (names, renamed)
}

fn rename_reason(original: &str) -> &'static str {
    if original.contains('/') {
        "a name cannot contain `/`, which separates levels in category paths"
    } else if slugify(original).is_empty() {
        "the name has no letters or digits to make a URL from"
    } else {
        "another category at the same level has the same name"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_dates_keep_their_offset() {
        assert_eq!(
            local_date("2024-03-18 09:30:00", "2024-03-18 04:30:00", "+00:00").as_deref(),
            Some("2024-03-18T09:30:00+05:00")
        );
        assert_eq!(
            local_date("2024-03-18 00:30:00", "2024-03-18 04:00:00", "+00:00").as_deref(),
            Some("2024-03-18T00:30:00-03:30")
        );
        assert_eq!(
            local_date("2024-03-18 09:30:00", "0000-00-00 00:00:00", "+05:00").as_deref(),
            Some("2024-03-18T09:30:00+05:00")
        );
        assert_eq!(local_date("0000-00-00 00:00:00", "0000-00-00 00:00:00", "+05:00"), None);
    }

    #[test]
    fn nested_category_names_and_slash_names() {
        let term = |slug: &str, parent: &str, name: &str| Term {
            taxonomy: "category".into(),
            slug: slug.into(),
            parent: parent.into(),
            name: name.into(),
            description: String::new(),
        };
        let terms = [
            term("resources", "", "Resources"),
            term("laws", "resources", "Laws and Policies"),
            term("tv-radio", "resources", "TV/Radio"),
            term("stars", "resources", "★★★"),
            term("news", "", "News"),
            term("news-2", "missing-parent", "News"),
        ];
        let (names, renamed) = category_names(&terms);
        let paths = category_paths(&terms, &names);
        assert_eq!(paths["laws"], "Resources/Laws and Policies");
        assert_eq!(paths["tv-radio"], "Resources/tv-radio");
        assert_eq!(paths["stars"], "Resources/stars");
        assert_eq!(paths["news-2"], "news-2", "its parent is unknown: at the top, beside another News");
        assert_eq!(renamed.len(), 3, "{renamed:?}");
        assert!(renamed[0].starts_with("category \"TV/Radio\" is named \"tv-radio\""), "{renamed:?}");
    }
}
