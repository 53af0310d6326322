//! `_redirects`: the Netlify / Cloudflare Pages redirect file, with a permanent (301) redirect
//! from every alias to its article or page, so URLs moved from WordPress keep their search
//! ranking on hosts that support it. The HTML alias pages are written as well, for other hosts.
//! Old addresses with a query string (`/?p=123`, WordPress's default) are only here, in
//! Netlify's query-matching syntax, and in `query-aliases.json`, which the home and 404 pages
//! read to redirect in the browser on hosts that ignore `_redirects`.

use std::collections::BTreeMap;

use crate::content::Located;
use crate::output::{Contents, Origin, OutputFile};
use crate::site::Site;

/// Where the map of query aliases is written.
pub const QUERY_ALIASES: &str = "/query-aliases.json";

/// Every alias with the site path it leads to.
fn aliases_and_targets(site: &Site) -> impl Iterator<Item = (&Located<String>, &str)> {
    let from_articles = site.articles.iter().map(|a| (&a.article.common.aliases, a.path.as_str()));
    let from_pages = site.pages.iter().map(|p| (&p.page.common.aliases, p.page.path.as_str()));
    from_articles.chain(from_pages).flat_map(|(aliases, target)| aliases.iter().map(move |a| (a, target)))
}

/// Whether any article or page has an alias with a query string (`/?p=123`).
pub fn has_query_aliases(site: &Site) -> bool {
    aliases_and_targets(site).any(|(a, _)| crate::permalink::alias_query(&a.value).is_some())
}

/// The `_redirects` file, or `None` when there are no aliases or `redirects_file: false`.
pub fn redirects_file(site: &Site) -> Option<OutputFile> {
    if !site.config.redirects_file {
        return None;
    }
    let base = &site.config.base_url;
    let mut lines: Vec<String> = aliases_and_targets(site)
        .map(|(alias, target)| match crate::permalink::alias_query(&alias.value) {
            // Netlify's syntax for matching a query: `/ p=123 /new/ 301`.
            Some((path, query)) => format!("{} {} {} 301", base.url(path), query.replace('&', " "), base.url(target)),
            None => format!("{} {} 301", base.url(&alias.value), base.url(target)),
        })
        .collect();
    if lines.is_empty() {
        return None;
    }
    lines.sort();
    let mut text = lines.join("\n");
    text.push('\n');
    Some(OutputFile {
        path: "/_redirects".into(),
        contents: Contents::Text(text),
        origin: Origin::Generated("the _redirects file".into()),
    })
}

/// `query-aliases.json`: `{"/?p=123": "/2024/03/story/"}`, for the small script on the home
/// and 404 pages. `None` when there are no query aliases.
pub fn query_aliases_file(site: &Site) -> Option<OutputFile> {
    let base = &site.config.base_url;
    let map: BTreeMap<&str, String> = aliases_and_targets(site)
        .filter(|(a, _)| crate::permalink::alias_query(&a.value).is_some())
        .map(|(a, target)| (a.value.as_str(), base.url(target)))
        .collect();
    if map.is_empty() {
        return None;
    }
    Some(OutputFile {
        path: QUERY_ALIASES.into(),
        contents: Contents::Text(serde_json::to_string(&map).unwrap_or_default()),
        origin: Origin::Generated("the map of old query addresses".into()),
    })
}
