//! `_redirects`: the Netlify / Cloudflare Pages redirect file, with a permanent (301) redirect
//! from every alias to its article or page, so URLs moved from WordPress keep their search
//! ranking on hosts that support it. The HTML alias pages are written as well, for other hosts.
//! Old addresses with a query string (`/?p=123`, WordPress's default) are only here, in
//! Netlify's query-matching syntax; hosts that ignore it serve the home page for them.

use crate::output::{Contents, Origin, OutputFile};
use crate::site::Site;

/// The `_redirects` file, or `None` when there are no aliases or `redirects_file: false`.
pub fn redirects_file(site: &Site) -> Option<OutputFile> {
    if !site.config.redirects_file {
        return None;
    }
    let base = &site.config.base_url;
    let from_articles = site.articles.iter().map(|a| (&a.article.common.aliases, a.path.as_str()));
    let from_pages = site.pages.iter().map(|p| (&p.page.common.aliases, p.page.path.as_str()));
    let mut lines: Vec<String> = from_articles
        .chain(from_pages)
        .flat_map(|(aliases, target)| {
            aliases.iter().map(move |alias| match crate::permalink::alias_query(&alias.value) {
                // Netlify's syntax for matching a query: `/ p=123 /new/ 301`.
                Some((path, query)) => {
                    format!("{} {} {} 301", base.url(path), query.replace('&', " "), base.url(target))
                }
                None => format!("{} {} 301", base.url(&alias.value), base.url(target)),
            })
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
