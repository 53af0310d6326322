//! Social cards and structured data: the `seo` and `json_ld` template variables every page
//! gets (see README "Publishing outputs"). `seo` holds what Open Graph, Twitter cards, the meta
//! description and feed autodiscovery need; `json_ld` is schema.org JSON-LD, serialised here
//! and escaped so that it can be printed with `| safe` inside `<script type="application/ld+json">`.

use serde::Serialize;

use super::context::{ArticleSummaryView, ImageView, LinkView, ViewBuilder, language_home};
use crate::feeds::{SITE_ATOM, SITE_RSS, absolute_asset, list_feed_path};
use crate::i18n::Strings;
use crate::site::{ArticleId, Site, SitePage};
use crate::taxonomy::CategoryId;

const SCHEMA_ORG: &str = "https://schema.org";

/// A feed for `<link rel="alternate">` autodiscovery.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FeedLinkView {
    /// Feed title.
    pub title: String,
    /// Absolute URL.
    pub url: String,
    /// `application/rss+xml` or `application/atom+xml`.
    pub mime: &'static str,
}

/// What social cards, search engines and feed readers read from a page's `<head>`, available
/// as `seo` in every template.
#[derive(Debug, Clone, Serialize)]
pub struct SeoView {
    /// The page's own title (article title, category name…; the site title on the home page).
    pub title: String,
    /// The site's title (`og:site_name`).
    pub site_name: String,
    /// Meta description: the summary, the list's description, or the site description.
    pub description: String,
    /// Absolute canonical URL.
    pub canonical: String,
    /// `og:type`: `article`, `profile` (author pages) or `website`.
    pub og_type: &'static str,
    /// Absolute URL of the card image: the page's featured image, else the site logo, else empty.
    pub image: String,
    /// Alt text of `image`.
    pub image_alt: String,
    /// Articles: publication time, RFC 3339; else empty.
    pub published_time: String,
    /// Articles: last change (`updated`, else the publication time), RFC 3339; else empty.
    pub modified_time: String,
    /// Articles: authors with the absolute URLs of their author pages.
    pub authors: Vec<LinkView>,
    /// Articles: the first category's name (`article:section`), or empty.
    pub section: String,
    /// Articles: tag names (`article:tag`).
    pub tags: Vec<String>,
    /// `summary_large_image` when the page has its own image, else `summary`.
    pub twitter_card: &'static str,
    /// `twitter_site` from site.yaml (`@drm`), or empty.
    pub twitter_site: String,
    /// The first author's handle (`@name`), or empty.
    pub twitter_creator: String,
    /// `noindex` for pages search engines should skip (404, search), else empty.
    pub robots: &'static str,
    /// Feeds to announce: the site's RSS and Atom feeds, then the list page's own feed.
    pub feeds: Vec<FeedLinkView>,
}

/// Builds `seo` and `json_ld` for each kind of page, its words (feed titles, descriptions,
/// page numbers) from the strings tables in the page's language.
pub struct SeoBuilder<'a> {
    site: &'a Site,
    views: &'a ViewBuilder<'a>,
    strings: &'a Strings,
}

/// A list page's subject, for its card and breadcrumb.
pub enum ListSubject {
    /// The home page.
    Home,
    /// A category.
    Category(CategoryId),
    /// A tag.
    Tag(usize),
    /// An author.
    Author(usize),
}

impl<'a> SeoBuilder<'a> {
    /// A builder for `site`.
    pub fn new(site: &'a Site, views: &'a ViewBuilder<'a>, strings: &'a Strings) -> Self {
        SeoBuilder { site, views, strings }
    }

    /// The string `key` in `lang` with `{name}` filled in; `english` (the same text with the
    /// same placeholders) for a theme whose tables lack the key.
    fn say(&self, lang: &str, key: &str, args: &[(&str, &str)], english: &str) -> String {
        self.strings.translate(lang, key, None, args).unwrap_or_else(|_| {
            args.iter().fold(english.to_string(), |text, (k, v)| text.replace(&format!("{{{k}}}"), v))
        })
    }

    /// `name`, with the page number after it on page 2 and later: `Privacy (Page 2)`.
    fn with_page(&self, name: String, page_number: usize, lang: &str) -> String {
        if page_number > 1 {
            let page = self.say(lang, "page_number", &[("number", &page_number.to_string())], "Page {number}");
            format!("{name} ({page})")
        } else {
            name
        }
    }

    fn logo(&self) -> String {
        self.site.config.logo.as_deref().map(|l| absolute_asset(&self.site.config.base_url, l)).unwrap_or_default()
    }

    /// The feeds of `lang`'s home: `/ur/feed.xml` and `/ur/atom.xml` for a language of
    /// `languages:` other than the site's, else the site's, titled in `lang`.
    fn site_feeds(&self, lang: &str) -> Vec<FeedLinkView> {
        let config = &self.site.config;
        let site = config.title.as_str();
        let (rss, atom) = match config.language_of(lang) {
            Some(l) if !crate::language::same_language(&l.code, &config.language) => {
                (format!("/{}/feed.xml", l.code), format!("/{}/atom.xml", l.code))
            }
            _ => (SITE_RSS.to_string(), SITE_ATOM.to_string()),
        };
        vec![
            FeedLinkView {
                title: self.say(lang, "feed_title_rss", &[("site", site)], "{site} (RSS)"),
                url: self.views.permalink(&rss),
                mime: "application/rss+xml",
            },
            FeedLinkView {
                title: self.say(lang, "feed_title_atom", &[("site", site)], "{site} (Atom)"),
                url: self.views.permalink(&atom),
                mime: "application/atom+xml",
            },
        ]
    }

    /// A page in `lang` with no subject of its own (tags and authors indexes, 404, search).
    pub fn plain(&self, title: &str, canonical: &str, noindex: bool, lang: &str) -> SeoView {
        let config = &self.site.config;
        let logo = self.logo();
        SeoView {
            title: title.to_string(),
            site_name: config.title.clone(),
            description: config.description.clone(),
            canonical: canonical.to_string(),
            og_type: "website",
            image_alt: if logo.is_empty() { String::new() } else { config.title.clone() },
            image: logo,
            published_time: String::new(),
            modified_time: String::new(),
            authors: Vec::new(),
            section: String::new(),
            tags: Vec::new(),
            twitter_card: "summary",
            twitter_site: config.twitter_site.clone().unwrap_or_default(),
            twitter_creator: String::new(),
            robots: if noindex { "noindex" } else { "" },
            feeds: self.site_feeds(lang),
        }
    }

    fn with_image(mut seo: SeoView, image: Option<&ImageView>) -> SeoView {
        if let Some(image) = image {
            seo.image = image.absolute.clone();
            seo.image_alt = image.alt.clone();
            seo.twitter_card = "summary_large_image";
        }
        seo
    }

    /// An article's card and `NewsArticle`.
    pub fn article(&self, id: ArticleId, view: &ArticleSummaryView) -> serde_json::Result<(SeoView, String)> {
        let a = &self.site.articles[id];
        let mut seo =
            Self::with_image(self.plain(&view.title, &view.permalink, false, &view.lang), view.image.as_ref());
        // A withheld article's card and structured data carry its notice, never its summary.
        seo.description = match &view.withheld {
            Some(w) => w.reason.clone(),
            None => view.summary.clone(),
        };
        seo.og_type = "article";
        seo.published_time = view.date.clone();
        seo.modified_time = if view.updated.is_empty() { view.date.clone() } else { view.updated.clone() };
        seo.authors =
            view.authors.iter().map(|au| LinkView { name: au.name.clone(), url: au.permalink.clone() }).collect();
        seo.section = a.categories.first().map(|&c| self.site.categories.nodes[c].name.clone()).unwrap_or_default();
        seo.tags = view.tags.iter().map(|t| t.name.clone()).collect();
        seo.twitter_creator = view
            .authors
            .iter()
            .find(|au| !au.twitter.is_empty())
            .map(|au| format!("@{}", au.twitter))
            .unwrap_or_default();
        let json = NewsArticle {
            context: SCHEMA_ORG,
            kind: "NewsArticle",
            headline: &view.title,
            // The notice for a withheld article (see above), never its summary.
            description: &seo.description,
            url: &view.permalink,
            date_published: &seo.published_time,
            date_modified: &seo.modified_time,
            author: view
                .authors
                .iter()
                .map(|au| Person { kind: "Person", name: &au.name, url: &au.permalink })
                .collect(),
            image: if seo.image.is_empty() || view.withheld.is_some() { Vec::new() } else { vec![seo.image.as_str()] },
            publisher: self.organization(),
            main_entity_of_page: WebPageRef { kind: "WebPage", id: &view.permalink },
            article_section: &seo.section,
            keywords: &seo.tags,
            in_language: &view.lang,
            correction: a
                .article
                .corrections
                .iter()
                .map(|c| CorrectionComment {
                    kind: "CorrectionComment",
                    date_published: crate::dates::rfc3339(&c.date),
                    text: &c.text,
                })
                .collect(),
        };
        let json_ld = script_safe_json(&json)?;
        Ok((seo, json_ld))
    }

    /// A page's card and `WebPage`.
    pub fn page(
        &self,
        p: &SitePage,
        title: &str,
        permalink: &str,
        image: Option<&ImageView>,
        lang: &str,
    ) -> serde_json::Result<(SeoView, String)> {
        let mut seo = Self::with_image(self.plain(title, permalink, false, lang), image);
        seo.description = p.page.common.summary.clone();
        let json = WebPage {
            context: SCHEMA_ORG,
            kind: "WebPage",
            name: title,
            description: &seo.description,
            url: permalink,
            publisher: self.organization(),
        };
        let json_ld = script_safe_json(&json)?;
        Ok((seo, json_ld))
    }

    /// A list page's card (`canonical` is the page's own URL, page 2 and later included) and
    /// structured data: `WebSite` on the home page, `BreadcrumbList` on category and tag pages,
    /// `ProfilePage` on author pages. Its words are in `lang`, the page's language.
    pub fn list(
        &self,
        subject: &ListSubject,
        canonical: &str,
        page_number: usize,
        lang: &str,
    ) -> serde_json::Result<(SeoView, String)> {
        let site = self.site;
        let config = &site.config;
        let home = LinkView { name: config.title.clone(), url: self.views.permalink("/") };
        let plain = |title: String| self.plain(&self.with_page(title, page_number, lang), canonical, false, lang);
        match *subject {
            ListSubject::Home => {
                let seo = plain(config.title.clone());
                // A language's own home (`/ur/`) describes the site in that language, searched
                // from that language's search page.
                let home_url = self.views.permalink(&language_home(config, lang));
                let json = WebSite {
                    context: SCHEMA_ORG,
                    kind: "WebSite",
                    name: &config.title,
                    description: &config.description,
                    url: &home_url,
                    in_language: lang,
                    publisher: self.organization(),
                    potential_action: config.search.then(|| SearchAction {
                        kind: "SearchAction",
                        target: EntryPoint {
                            kind: "EntryPoint",
                            url_template: format!(
                                "{}?q={{search_term_string}}",
                                self.views.permalink(&crate::search::search_page_for(config, lang))
                            ),
                        },
                        query_input: "required name=search_term_string",
                    }),
                };
                Ok((seo, script_safe_json(&json)?))
            }
            ListSubject::Category(id) => {
                let node = &site.categories.nodes[id];
                let mut seo = plain(node.name.clone());
                seo.description = node.description.clone().unwrap_or_else(|| {
                    self.say(lang, "articles_in", &[("name", &site.categories.full_name(id))], "Articles in {name}")
                });
                seo.feeds.push(FeedLinkView {
                    title: format!("{}: {}", config.title, site.categories.full_name(id)),
                    url: self.views.permalink(&list_feed_path(&node.path)),
                    mime: "application/rss+xml",
                });
                let mut trail = vec![home];
                trail.extend(site.categories.lineage(id).into_iter().map(|c| LinkView {
                    name: site.categories.nodes[c].name.clone(),
                    url: self.views.permalink(&site.categories.nodes[c].path),
                }));
                Ok((seo, script_safe_json(&breadcrumbs(&trail))?))
            }
            ListSubject::Tag(id) => {
                let tag = &site.tags[id];
                let path = tag.path();
                let mut seo = plain(tag.name.clone());
                seo.description = self.say(lang, "articles_tagged", &[("name", &tag.name)], "Articles tagged {name}");
                seo.feeds.push(FeedLinkView {
                    title: format!("{}: {}", config.title, tag.name),
                    url: self.views.permalink(&list_feed_path(&path)),
                    mime: "application/rss+xml",
                });
                let trail = vec![
                    home,
                    LinkView { name: self.say(lang, "tags_title", &[], "Tags"), url: self.views.permalink("/tags/") },
                    LinkView { name: tag.name.clone(), url: self.views.permalink(&path) },
                ];
                Ok((seo, script_safe_json(&breadcrumbs(&trail))?))
            }
            ListSubject::Author(id) => {
                let author = self.views.author(id);
                let mut seo = plain(author.name.clone());
                seo.og_type = "profile";
                seo.description = if author.bio.is_empty() {
                    self.say(lang, "articles_by", &[("name", &author.name)], "Articles by {name}")
                } else {
                    author.bio.clone()
                };
                if !author.avatar.is_empty() {
                    seo.image = absolute_asset(&config.base_url, &author.avatar);
                    seo.image_alt = author.name.clone();
                }
                seo.feeds.push(FeedLinkView {
                    title: format!("{}: {}", config.title, author.name),
                    url: self.views.permalink(&list_feed_path(&site.authors[id].path())),
                    mime: "application/rss+xml",
                });
                let json = ProfilePage {
                    context: SCHEMA_ORG,
                    kind: "ProfilePage",
                    url: canonical,
                    main_entity: Person { kind: "Person", name: &author.name, url: &author.permalink },
                };
                Ok((seo, script_safe_json(&json)?))
            }
        }
    }

    fn organization(&self) -> Organization {
        let logo = self.logo();
        Organization {
            kind: "Organization",
            name: self.site.config.title.clone(),
            url: self.views.permalink("/"),
            logo: (!logo.is_empty()).then_some(ImageObject { kind: "ImageObject", url: logo }),
        }
    }
}

/// Serialises `value` as JSON that is safe inside a `<script>` element: `<`, `>` and `&` become
/// `\u003c`, `\u003e` and `\u0026` (so `</script>` and `<!--` cannot end or confuse the
/// element), and U+2028/U+2029 are escaped for old JavaScript parsers. Still the same JSON.
/// Fails only when `value` cannot be JSON (a map with keys that are not strings): the page
/// then fails to build, rather than going out with empty structured data.
pub fn script_safe_json<T: Serialize>(value: &T) -> serde_json::Result<String> {
    let json = serde_json::to_string(value)?;
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// The error of a page (at site path `path`) whose structured data could not be written.
pub fn json_ld_error(path: &str, e: &serde_json::Error) -> crate::error::Error {
    crate::error::Error::output(path, format!("cannot write the page's structured data (JSON-LD): {e}"))
}

fn breadcrumbs(trail: &[LinkView]) -> BreadcrumbList<'_> {
    BreadcrumbList {
        context: SCHEMA_ORG,
        kind: "BreadcrumbList",
        item_list_element: trail
            .iter()
            .enumerate()
            .map(|(i, link)| ListItem { kind: "ListItem", position: i + 1, name: &link.name, item: &link.url })
            .collect(),
    }
}

#[derive(Serialize)]
struct Person<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct ImageObject {
    #[serde(rename = "@type")]
    kind: &'static str,
    url: String,
}

#[derive(Serialize)]
struct Organization {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: String,
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    logo: Option<ImageObject>,
}

#[derive(Serialize)]
struct WebPageRef<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "@id")]
    id: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NewsArticle<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    headline: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    url: &'a str,
    date_published: &'a str,
    date_modified: &'a str,
    author: Vec<Person<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    image: Vec<&'a str>,
    publisher: Organization,
    main_entity_of_page: WebPageRef<'a>,
    #[serde(skip_serializing_if = "str::is_empty")]
    article_section: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    keywords: &'a [String],
    in_language: &'a str,
    /// schema.org's `correction`, each a `CorrectionComment`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    correction: Vec<CorrectionComment<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CorrectionComment<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    date_published: String,
    text: &'a str,
}

#[derive(Serialize)]
struct WebPage<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    url: &'a str,
    publisher: Organization,
}

#[derive(Serialize)]
struct EntryPoint {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "urlTemplate")]
    url_template: String,
}

#[derive(Serialize)]
struct SearchAction {
    #[serde(rename = "@type")]
    kind: &'static str,
    target: EntryPoint,
    #[serde(rename = "query-input")]
    query_input: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WebSite<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    url: &'a str,
    in_language: &'a str,
    publisher: Organization,
    #[serde(skip_serializing_if = "Option::is_none")]
    potential_action: Option<SearchAction>,
}

#[derive(Serialize)]
struct ListItem<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    position: usize,
    name: &'a str,
    item: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BreadcrumbList<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    item_list_element: Vec<ListItem<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProfilePage<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    url: &'a str,
    main_entity: Person<'a>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_breaking_sequences_are_escaped_and_the_json_still_parses() {
        let trail = [LinkView { name: "A \"quoted\" </script><!-- & \u{2028}".into(), url: "https://x.org/".into() }];
        let json = script_safe_json(&breadcrumbs(&trail)).unwrap();
        assert!(!json.contains('<') && !json.contains('>') && !json.contains('&'), "{json}");
        assert!(json.contains(r#"A \"quoted\" \u003c/script\u003e\u003c!-- \u0026 \u2028"#), "{json}");
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(parsed["itemListElement"][0]["name"], "A \"quoted\" </script><!-- & \u{2028}");
        assert_eq!(parsed["@type"], "BreadcrumbList");
    }
}
