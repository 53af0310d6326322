//! `sitemap.xml` (split into a sitemap index and numbered sitemaps past the protocol's 50,000
//! URLs per file) and `robots.txt` pointing at it. Pure: returns [`OutputFile`]s.
//!
//! Listed: the home page, every article and page, and the first page of every category, tag and
//! author list, plus the tag and author indexes and the corrections page (when the theme has
//! one). Never listed: drafts (even in a `--drafts`
//! build), alias redirects, later list pages, the 404 page and the search page.
//! See <https://www.sitemaps.org/protocol.html>.

use crate::config::BaseUrl;
use crate::output::{Contents, Origin, OutputFile};
use crate::site::{ArticleId, Site};

/// Site path of the sitemap (or of the sitemap index, when the site needs several).
pub const SITEMAP: &str = "/sitemap.xml";
/// Site path of robots.txt.
pub const ROBOTS: &str = "/robots.txt";
/// The protocol's limit of URLs per sitemap file.
pub const MAX_URLS_PER_SITEMAP: usize = 50_000;

const NAMESPACE: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
/// The namespace of `<xhtml:link rel="alternate" hreflang>`, which names a URL's translations.
const XHTML: &str = "http://www.w3.org/1999/xhtml";

/// One `<url>`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SitemapUrl {
    /// Site path.
    path: String,
    /// W3C datetime of the last change, if known.
    lastmod: Option<String>,
    /// Its versions in every language, itself included, as (hreflang, site path), with
    /// `x-default` for the site language's; empty when it has no translation.
    alternates: Vec<(String, String)>,
}

/// `sitemap.xml` (and its parts when needed) for `site`.
pub fn sitemap(site: &Site) -> Vec<OutputFile> {
    sitemap_files(&sitemap_urls(site), &site.config.base_url, MAX_URLS_PER_SITEMAP)
}

/// `robots.txt` allowing everything and naming the sitemap by its absolute URL. Crawlers read
/// robots.txt only at the host's root, so a site under a path prefix should copy the line
/// into the host's own robots.txt.
pub fn robots(site: &Site) -> OutputFile {
    let text = format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        crate::urls::encode_url(&site.config.base_url.absolute(SITEMAP))
    );
    OutputFile { path: ROBOTS.into(), contents: Contents::Text(text), origin: Origin::Generated("robots.txt".into()) }
}

/// The public versions of the document `common` (drafts are never listed), when it has
/// another one.
fn document_alternates(site: &Site, common: &crate::content::Common) -> Vec<(String, String)> {
    let versions = crate::translations::versions_of(&site.translations, common);
    with_default(site, versions.iter().filter(|v| !v.draft).map(|v| (v.lang.clone(), v.path.clone())).collect())
}

/// `versions` plus `x-default` for the one in the site's language; nothing for fewer than two.
fn with_default(site: &Site, mut versions: Vec<(String, String)>) -> Vec<(String, String)> {
    if versions.len() < 2 {
        return Vec::new();
    }
    let default =
        versions.iter().find(|(lang, _)| crate::language::same_language(lang, &site.config.language)).cloned();
    if let Some((_, path)) = default {
        versions.push(("x-default".into(), path));
    }
    versions
}

fn is_public(site: &Site, id: ArticleId) -> bool {
    !site.articles[id].article.common.draft
}

fn lastmod_of(site: &Site, id: ArticleId) -> String {
    let a = &site.articles[id].article;
    let date = a.updated.as_ref().filter(|u| **u > a.date).unwrap_or(&a.date);
    crate::dates::rfc3339(date)
}

/// The newest change among the public articles of a list, and whether it has any.
fn newest_change(site: &Site, ids: &[ArticleId]) -> Option<String> {
    ids.iter()
        .copied()
        .filter(|&id| is_public(site, id))
        .map(|id| {
            let a = &site.articles[id].article;
            (a.updated.as_ref().filter(|u| **u > a.date).unwrap_or(&a.date).timestamp(), id)
        })
        .max()
        .map(|(_, id)| lastmod_of(site, id))
}

fn sitemap_urls(site: &Site) -> Vec<SitemapUrl> {
    let all: Vec<ArticleId> = (0..site.articles.len()).collect();
    let homes: Vec<(String, String)> = site
        .config
        .languages
        .iter()
        .map(|l| {
            (l.code.clone(), if l.code == site.config.language { "/".to_string() } else { format!("/{}/", l.code) })
        })
        .collect();
    let home_alternates = with_default(site, homes.clone());
    let mut urls =
        vec![SitemapUrl { path: "/".into(), lastmod: newest_change(site, &all), alternates: home_alternates.clone() }];
    for (code, path) in homes.iter().skip(1) {
        let lastmod = newest_change(site, &crate::site::articles_in(site, code));
        urls.push(SitemapUrl { path: path.clone(), lastmod, alternates: home_alternates.clone() });
    }
    urls.extend(all.iter().filter(|&&id| is_public(site, id)).map(|&id| SitemapUrl {
        path: site.articles[id].path.clone(),
        lastmod: Some(lastmod_of(site, id)),
        alternates: document_alternates(site, &site.articles[id].article.common),
    }));
    urls.extend(site.pages.iter().filter(|p| !p.page.common.draft).map(|p| SitemapUrl {
        path: p.page.path.clone(),
        lastmod: p.page.updated.as_ref().map(crate::dates::rfc3339),
        alternates: document_alternates(site, &p.page.common),
    }));
    // A declared category is a real section even while empty; inferred ones, tags and authors
    // exist only through their articles, so one known only from drafts stays out.
    let declared = site.config.categories.is_some();
    for (id, node) in site.categories.nodes.iter().enumerate() {
        let lastmod = newest_change(site, &site.category_articles[id]);
        if declared || lastmod.is_some() {
            urls.push(SitemapUrl { path: node.path.clone(), lastmod, alternates: Vec::new() });
        }
    }
    let mut any_tag = false;
    for (id, tag) in site.tags.iter().enumerate() {
        if let Some(lastmod) = newest_change(site, &site.tag_articles[id]) {
            any_tag = true;
            urls.push(SitemapUrl { path: tag.path(), lastmod: Some(lastmod), alternates: Vec::new() });
        }
    }
    let mut any_author = false;
    for (id, author) in site.authors.iter().enumerate() {
        if let Some(lastmod) = newest_change(site, &site.author_articles[id]) {
            any_author = true;
            urls.push(SitemapUrl { path: author.path(), lastmod: Some(lastmod), alternates: Vec::new() });
        }
    }
    if any_tag {
        urls.push(SitemapUrl { path: "/tags/".into(), lastmod: None, alternates: Vec::new() });
    }
    if any_author {
        urls.push(SitemapUrl { path: "/authors/".into(), lastmod: None, alternates: Vec::new() });
    }
    if site.corrections_page {
        let newest = site
            .articles
            .iter()
            .filter(|a| !a.article.common.draft)
            .flat_map(|a| a.article.corrections.iter().map(|c| &c.date))
            .max_by_key(|d| d.timestamp());
        let lastmod = newest.map(crate::dates::rfc3339);
        urls.push(SitemapUrl { path: crate::site::CORRECTIONS_PAGE.into(), lastmod, alternates: Vec::new() });
    }
    urls
}

/// One `sitemap.xml` when `urls` fit in `limit`; else `sitemap-1.xml`, `sitemap-2.xml`… and a
/// `sitemap.xml` index listing them.
fn sitemap_files(urls: &[SitemapUrl], base: &BaseUrl, limit: usize) -> Vec<OutputFile> {
    let file = |path: String, text: String, what: String| OutputFile {
        path,
        contents: Contents::Text(text),
        origin: Origin::Generated(what),
    };
    if urls.len() <= limit {
        return vec![file(SITEMAP.into(), urlset(urls, base), "the sitemap".into())];
    }
    let mut files = Vec::new();
    let mut index = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"{NAMESPACE}\">\n");
    for (i, chunk) in urls.chunks(limit.max(1)).enumerate() {
        let path = format!("/sitemap-{}.xml", i + 1);
        index.push_str(&format!(
            "<sitemap><loc>{}</loc>",
            crate::escape::xml(&crate::urls::encode_url(&base.absolute(&path)))
        ));
        if let Some(newest) = chunk.iter().filter_map(|u| u.lastmod.as_ref()).max_by_key(|d| timestamp(d)) {
            index.push_str(&format!("<lastmod>{newest}</lastmod>"));
        }
        index.push_str("</sitemap>\n");
        files.push(file(path, urlset(chunk, base), format!("sitemap part {}", i + 1)));
    }
    index.push_str("</sitemapindex>\n");
    files.push(file(SITEMAP.into(), index, "the sitemap index".into()));
    files
}

fn timestamp(rfc3339: &str) -> Option<jiff::Timestamp> {
    rfc3339.parse().ok()
}

fn urlset(urls: &[SitemapUrl], base: &BaseUrl) -> String {
    let xhtml =
        if urls.iter().any(|u| !u.alternates.is_empty()) { format!(" xmlns:xhtml=\"{XHTML}\"") } else { String::new() };
    let mut out = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"{NAMESPACE}\"{xhtml}>\n");
    for u in urls {
        out.push_str(&format!(
            "<url><loc>{}</loc>",
            crate::escape::xml(&crate::urls::encode_url(&base.absolute(&u.path)))
        ));
        if let Some(lastmod) = &u.lastmod {
            out.push_str(&format!("<lastmod>{lastmod}</lastmod>"));
        }
        for (hreflang, path) in &u.alternates {
            out.push_str(&format!(
                "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                crate::escape::xml(hreflang),
                crate::escape::xml(&crate::urls::encode_url(&base.absolute(path)))
            ));
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> BaseUrl {
        BaseUrl::parse("https://x.org/mirror/").unwrap()
    }

    fn urls(n: usize) -> Vec<SitemapUrl> {
        (0..n)
            .map(|i| SitemapUrl {
                path: format!("/a{i}/"),
                lastmod: Some(format!("2024-01-{:02}T00:00:00+00:00", i + 1)),
                alternates: Vec::new(),
            })
            .collect()
    }

    fn text(f: &OutputFile) -> &str {
        match &f.contents {
            Contents::Text(t) => t,
            _ => panic!("not text"),
        }
    }

    #[test]
    fn urls_within_the_limit_make_one_urlset() {
        let files = sitemap_files(&urls(3), &base(), 3);
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].path, "/sitemap.xml");
        assert!(text(&files[0]).contains("<urlset"));
        assert_eq!(text(&files[0]).matches("<url>").count(), 3);
        assert!(
            text(&files[0])
                .contains("<url><loc>https://x.org/mirror/a0/</loc><lastmod>2024-01-01T00:00:00+00:00</lastmod></url>")
        );
    }

    #[test]
    fn one_url_over_the_limit_splits_into_an_index_and_parts() {
        let files = sitemap_files(&urls(5), &base(), 2);
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["/sitemap-1.xml", "/sitemap-2.xml", "/sitemap-3.xml", "/sitemap.xml"]);
        let index = text(&files[3]);
        assert!(index.contains("<sitemapindex"), "{index}");
        assert_eq!(index.matches("<sitemap>").count(), 3);
        assert!(
            index.contains("<loc>https://x.org/mirror/sitemap-2.xml</loc><lastmod>2024-01-04T00:00:00+00:00</lastmod>")
        );
        let counts: Vec<usize> = files[..3].iter().map(|f| text(f).matches("<url>").count()).collect();
        assert_eq!(counts, [2, 2, 1]);
        // Every URL appears exactly once across the parts.
        let all: String = files[..3].iter().map(text).collect();
        for i in 0..5 {
            assert_eq!(all.matches(&format!("/a{i}/<")).count(), 1);
        }
    }
}
