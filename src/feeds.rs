//! Feeds: RSS 2.0 (`/feed.xml`) and Atom 1.0 (`/atom.xml`) for the whole site, and an RSS
//! `feed.xml` beside every category, tag and author page. Pure: returns [`OutputFile`]s.
//!
//! Each feed also has a digest of everything it is made of ([`FeedPlan::digests`]), with which
//! a build takes an unchanged feed from the previous output instead of writing it again
//! (escaping every article's full text for a few hundred feeds was a tenth of a rebuild's CPU
//! time). So that the digest cannot miss an input, a feed is made only of what is hashed: the
//! site's side is [`FeedSite`], each article's is [`EntryInputs`].
//!
//! The XML is written by the `rss` and `atom_syndication` crates (rust-syndication), so
//! escaping, CDATA sections (including a `]]>` inside an article) and namespace declarations
//! follow the specs; this module only decides what goes in. Drafts never appear, even in a
//! `--drafts` build: a feed is a publication channel, and readers keep what they fetched.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use crate::config::BaseUrl;
use crate::error::{Error, Result};
use crate::output::{Contents, Origin, OutputFile};
use crate::site::{ArticleId, Site};

/// Site path of the site-wide RSS feed.
pub const SITE_RSS: &str = "/feed.xml";
/// Site path of the site-wide Atom feed.
pub const SITE_ATOM: &str = "/atom.xml";
/// File name of the RSS feed beside a category, tag or author page.
pub const LIST_FEED: &str = "feed.xml";

const DUBLIN_CORE: &str = "http://purl.org/dc/elements/1.1/";
const GENERATOR: &str = "pamphlet";

/// The site path of the feed of the list page at `list_path` (`/tag/x/` → `/tag/x/feed.xml`).
pub fn list_feed_path(list_path: &str) -> String {
    format!("{list_path}{LIST_FEED}")
}

/// One feed to write.
struct FeedSpec {
    /// Site path of the feed file.
    path: String,
    /// Site path of the HTML page the feed mirrors.
    page: String,
    title: String,
    description: String,
    /// Newest first, drafts removed, at most `feed_limit`.
    articles: Vec<ArticleId>,
    origin: String,
    /// The feed's language.
    lang: String,
    /// Site path of the Atom twin of this feed, for the site's feed and each language's.
    atom: Option<String>,
}

impl FeedSpec {
    /// What writes the Atom twin of this feed, for messages.
    fn atom_origin(&self) -> String {
        self.origin.replace("RSS", "Atom")
    }
}

/// What every feed says about one article (computed once, shared by all its feeds).
struct FeedEntry {
    title: String,
    link: String,
    published: jiff::ZonedDateTime,
    updated: jiff::ZonedDateTime,
    authors: Vec<(String, String)>,
    /// (term, display name, absolute URL of its page): categories, then tags.
    categories: Vec<(String, String, String)>,
    /// The summary as HTML (RSS's `<description>` is read as HTML: plain text is escaped).
    summary_html: String,
    /// The summary as plain text (Atom's `<summary type="text">`).
    summary: String,
    /// The featured image's absolute URL and media type, when there is one.
    image: Option<(String, Option<&'static str>)>,
    /// Full HTML with absolute URLs, when `feed_full_content` is on.
    content: Option<String>,
}

/// The namespace of Media RSS, whose `<media:content>` carries an item's featured image.
const MEDIA_RSS: &str = "http://search.yahoo.com/mrss/";

/// The media type of an image, from its file name's extension.
fn image_type(url: &str) -> Option<&'static str> {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let extension = path.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match extension.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "svg" => "image/svg+xml",
        _ => return None,
    })
}

/// Every feed of the site.
pub fn feeds(site: &Site) -> Result<Vec<OutputFile>> {
    FeedPlan::new(site).write(|_| true)
}

/// The feeds whose articles (newest first) `keep` accepts: the hook through which the dev
/// server rebuilds only the feeds an edit touched.
pub fn feeds_where(site: &Site, keep: impl Fn(&[ArticleId]) -> bool) -> Result<Vec<OutputFile>> {
    let plan = FeedPlan::new(site);
    let kept: BTreeSet<&str> = plan
        .specs
        .iter()
        .filter(|s| keep(&s.articles))
        .flat_map(|s| std::iter::once(&s.path).chain(&s.atom))
        .map(String::as_str)
        .collect();
    plan.write(|path| kept.contains(path))
}

/// What feeds read of the site's configuration: nothing else of it reaches them.
#[derive(Hash)]
struct FeedSite<'a> {
    base: &'a BaseUrl,
    title: &'a str,
    description: &'a str,
    logo: Option<&'a str>,
    full_content: bool,
}

/// Everything a feed entry is made of ([`FeedEntry::new`] reads nothing else).
#[derive(Hash)]
struct EntryInputs<'a> {
    title: &'a str,
    path: &'a str,
    published: When<'a>,
    updated: Option<When<'a>>,
    /// (name, site path) of each author.
    authors: Vec<(&'a str, String)>,
    /// (term, display name, site path): categories, then tags.
    categories: Vec<(&'a str, String, String)>,
    /// The notice of a withheld article, which stands in for its summary, body and image.
    withheld: Option<&'a str>,
    summary: &'a str,
    /// The body as feeds show it (an embed card is a plain link there).
    body: &'a str,
    image: Option<&'a crate::site::ImageRef>,
}

/// A date as a feed writes it: hashed with its offset and time zone, not only as an instant
/// (which is all `ZonedDateTime`'s own hash covers), since the feed prints the offset.
struct When<'a>(&'a jiff::ZonedDateTime);

impl std::hash::Hash for When<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.timestamp().hash(state);
        self.0.offset().hash(state);
        self.0.time_zone().iana_name().hash(state);
    }
}

/// The feeds of a site, planned: which there are, what each lists, and (on demand) the digest
/// of everything each is made of.
pub struct FeedPlan<'a> {
    site: &'a Site,
    feed_site: FeedSite<'a>,
    specs: Vec<FeedSpec>,
}

/// Changes whenever the way feeds are written does without pamphlet's version changing (it
/// is in the digests too).
const FEEDS_VERSION: u32 = 1;

impl<'a> FeedPlan<'a> {
    /// The feeds of `site`.
    pub fn new(site: &'a Site) -> FeedPlan<'a> {
        let config = &site.config;
        let feed_site = FeedSite {
            base: &config.base_url,
            title: &config.title,
            description: &config.description,
            logo: config.logo.as_deref(),
            full_content: config.feed_full_content,
        };
        FeedPlan { site, feed_site, specs: feed_specs(site) }
    }

    /// Each feed file: its site path, what writes it (for messages) and the digest of
    /// everything it is made of (the configuration it reads, its own title and list, each
    /// listed article's [`EntryInputs`] and pamphlet's version).
    pub fn digests(&self) -> Vec<(String, String, u128)> {
        let needed: BTreeSet<ArticleId> = self.specs.iter().flat_map(|s| s.articles.iter().copied()).collect();
        let entries: BTreeMap<ArticleId, u128> = needed
            .into_par_iter()
            .map(|id| (id, digest_of(&entry_inputs(self.site, id))))
            .collect::<Vec<_>>()
            .into_iter()
            .collect();
        let mut out = Vec::with_capacity(self.specs.len() + 2);
        for spec in &self.specs {
            let listed: Vec<u128> = spec.articles.iter().filter_map(|id| entries.get(id).copied()).collect();
            let files = std::iter::once(("rss", &spec.path, spec.origin.clone()))
                .chain(spec.atom.as_ref().map(|atom| ("atom", atom, spec.atom_origin())));
            for (kind, path, origin) in files {
                let digest = digest_of(&(
                    env!("CARGO_PKG_VERSION"),
                    FEEDS_VERSION,
                    kind,
                    &self.feed_site,
                    (&spec.path, &spec.page, &spec.title, &spec.description, &spec.lang, &spec.atom),
                    &listed,
                ));
                out.push((path.clone(), origin, digest));
            }
        }
        out
    }

    /// The feed files whose site paths `keep` accepts (the feed of each spec, and its Atom
    /// twin).
    pub fn write(&self, keep: impl Fn(&str) -> bool) -> Result<Vec<OutputFile>> {
        let rss: Vec<&FeedSpec> = self.specs.iter().filter(|s| keep(&s.path)).collect();
        let atom: Vec<(&FeedSpec, &String)> =
            self.specs.iter().filter_map(|s| Some((s, s.atom.as_ref()?))).filter(|(_, path)| keep(path)).collect();
        let needed: BTreeSet<ArticleId> =
            rss.iter().chain(atom.iter().map(|(s, _)| s)).flat_map(|s| s.articles.iter().copied()).collect();
        let site = &self.feed_site;
        let entries: BTreeMap<ArticleId, FeedEntry> = needed
            .into_par_iter()
            .map(|id| (id, FeedEntry::new(&entry_inputs(self.site, id), site)))
            .collect::<Vec<_>>()
            .into_iter()
            .collect();
        let mut files = rss
            .par_iter()
            .map(|spec| {
                let xml = rss_feed(site, spec, &entries)?;
                Ok(OutputFile {
                    path: spec.path.clone(),
                    contents: Contents::Text(xml),
                    origin: Origin::Generated(spec.origin.clone()),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        for (spec, path) in atom {
            files.push(OutputFile {
                contents: Contents::Text(atom_feed(site, spec, path, &entries)?),
                origin: Origin::Generated(spec.atom_origin()),
                path: path.clone(),
            });
        }
        Ok(files)
    }
}

/// The 128-bit XXH3 digest of `value`.
fn digest_of(value: &impl std::hash::Hash) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
    value.hash(&mut hasher);
    hasher.digest128()
}

/// The site feed first, then one per category, tag and author.
fn feed_specs(site: &Site) -> Vec<FeedSpec> {
    let limit = site.config.feed_limit;
    let newest = |ids: &mut dyn Iterator<Item = ArticleId>| -> Vec<ArticleId> {
        ids.filter(|&id| !site.articles[id].article.common.draft).take(limit).collect()
    };
    let site_title = &site.config.title;
    let mut specs = vec![FeedSpec {
        path: SITE_RSS.to_string(),
        page: "/".to_string(),
        title: site_title.clone(),
        description: non_empty(&site.config.description, site_title),
        articles: newest(&mut (0..site.articles.len())),
        origin: "the RSS feed".into(),
        lang: site.config.language.clone(),
        atom: Some(SITE_ATOM.to_string()),
    }];
    for language in site.config.languages.iter().skip(1) {
        let home = format!("/{}/", language.code);
        specs.push(FeedSpec {
            path: list_feed_path(&home),
            atom: Some(format!("{home}atom.xml")),
            page: home,
            title: format!("{site_title} ({})", language.name),
            description: non_empty(&site.config.description, site_title),
            articles: newest(&mut crate::site::articles_in(site, &language.code).into_iter()),
            origin: format!("the `{}` RSS feed", language.code),
            lang: language.code.clone(),
        });
    }
    for (id, node) in site.categories.nodes.iter().enumerate() {
        let name = site.categories.full_name(id);
        specs.push(FeedSpec {
            path: list_feed_path(&node.path),
            page: node.path.clone(),
            title: format!("{site_title}: {name}"),
            description: node.description.clone().unwrap_or_else(|| format!("Articles in {name}")),
            articles: newest(&mut site.category_articles[id].iter().copied()),
            origin: format!("the feed of category `{name}`"),
            lang: site.config.language.clone(),
            atom: None,
        });
    }
    for (id, tag) in site.tags.iter().enumerate() {
        let page = tag.path();
        specs.push(FeedSpec {
            path: list_feed_path(&page),
            page,
            title: format!("{site_title}: {}", tag.name),
            description: format!("Articles tagged {}", tag.name),
            articles: newest(&mut site.tag_articles[id].iter().copied()),
            origin: format!("the feed of tag `{}`", tag.name),
            lang: site.config.language.clone(),
            atom: None,
        });
    }
    for (id, author) in site.authors.iter().enumerate() {
        let page = author.path();
        specs.push(FeedSpec {
            path: list_feed_path(&page),
            page,
            title: format!("{site_title}: {}", author.name),
            description: format!("Articles by {}", author.name),
            articles: newest(&mut site.author_articles[id].iter().copied()),
            origin: format!("the feed of author `{}`", author.name),
            lang: site.config.language.clone(),
            atom: None,
        });
    }
    specs
}

fn non_empty(text: &str, fallback: &str) -> String {
    if text.trim().is_empty() { fallback.to_string() } else { text.to_string() }
}

/// What the feeds say about article `id` is made of.
fn entry_inputs(site: &Site, id: ArticleId) -> EntryInputs<'_> {
    let a = &site.articles[id];
    let authors = a
        .authors
        .iter()
        .map(|&au| {
            let author = &site.authors[au];
            (author.name.as_str(), author.path())
        })
        .collect();
    let categories = a
        .categories
        .iter()
        .map(|&c| {
            let node = &site.categories.nodes[c];
            (node.slug_path.as_str(), site.categories.full_name(c), node.path.clone())
        })
        .chain(a.tags.iter().map(|&t| {
            let tag = &site.tags[t];
            (tag.slug.as_str(), tag.name.clone(), tag.path())
        }))
        .collect();
    let body = &a.article.common.body;
    EntryInputs {
        title: &a.article.common.title,
        path: &a.path,
        published: When(&a.article.date),
        updated: a.article.updated.as_ref().map(When),
        authors,
        categories,
        withheld: a.article.withheld.as_ref().map(|w| w.reason.as_str()),
        summary: &a.article.common.summary,
        body: body.feed_html.as_deref().unwrap_or(&body.html),
        image: a.image.as_ref(),
    }
}

impl FeedEntry {
    /// The entry made of `e` for feeds of `site`.
    fn new(e: &EntryInputs, site: &FeedSite) -> FeedEntry {
        let base = site.base;
        let link = base.absolute(e.path);
        let published = e.published.0.clone();
        let updated =
            e.updated.as_ref().map(|u| u.0.clone()).filter(|u| *u > published).unwrap_or_else(|| published.clone());
        // A withheld article stays in its feeds (its `updated` tells readers it changed), with
        // its notice in place of the summary, and without its body or image. Feed readers get
        // embeds as plain links (no card, no script).
        let summary = e.withheld.unwrap_or(e.summary);
        let content =
            (site.full_content && e.withheld.is_none()).then(|| xml_text(&absolute_urls(e.body, &base.origin, &link)));
        FeedEntry {
            title: xml_text(e.title),
            published,
            updated,
            authors: e.authors.iter().map(|(name, path)| (xml_text(name), base.absolute(path))).collect(),
            categories: e
                .categories
                .iter()
                .map(|(term, name, path)| (term.to_string(), xml_text(name), base.absolute(path)))
                .collect(),
            summary_html: xml_text(&crate::escape::html(summary)),
            summary: xml_text(summary),
            image: e.image.filter(|_| e.withheld.is_none()).map(|image| {
                let url = match image {
                    crate::site::ImageRef::Site(path) => base.absolute(path),
                    crate::site::ImageRef::External(url) if url.starts_with("//") => format!("https:{url}"),
                    crate::site::ImageRef::External(url) => url.clone(),
                };
                let mime = image_type(&url);
                (xml_text(&url), mime)
            }),
            content,
            link,
        }
    }
}

pub use crate::dates::rfc822;

fn rfc3339(date: &jiff::ZonedDateTime) -> Result<atom_syndication::FixedDateTime> {
    let text = crate::dates::rfc3339(date);
    atom_syndication::FixedDateTime::parse_from_rfc3339(&text)
        .map_err(|e| Error::output(SITE_ATOM, format!("date `{text}` cannot be written: {e}")))
}

/// The newest change among `articles` (the Unix epoch for an empty feed, so that output stays
/// reproducible: the build time would change on every build).
fn last_change<'a>(
    articles: &[ArticleId],
    entries: &'a BTreeMap<ArticleId, FeedEntry>,
) -> Option<&'a jiff::ZonedDateTime> {
    articles.iter().filter_map(|id| entries.get(id)).map(|e| &e.updated).max()
}

fn rss_feed(site: &FeedSite, spec: &FeedSpec, entries: &BTreeMap<ArticleId, FeedEntry>) -> Result<String> {
    let base = site.base;
    let items: Vec<rss::Item> = spec.articles.iter().filter_map(|id| entries.get(id)).map(rss_item).collect();
    let self_link = rss::extension::atom::Link {
        href: base.absolute(&spec.path),
        rel: "self".into(),
        mime_type: Some("application/rss+xml".into()),
        ..Default::default()
    };
    let mut channel = rss::Channel {
        title: xml_text(&spec.title),
        link: base.absolute(&spec.page),
        description: xml_text(&spec.description),
        language: Some(spec.lang.clone()),
        generator: Some(GENERATOR.into()),
        last_build_date: last_change(&spec.articles, entries).map(rfc822),
        items,
        atom_ext: Some(rss::extension::atom::AtomExtension { links: vec![self_link] }),
        ..Default::default()
    };
    channel.namespaces.insert("dc".into(), DUBLIN_CORE.into());
    if items_have_images(spec, entries) {
        channel.namespaces.insert("media".into(), MEDIA_RSS.into());
    }
    let mut out = Vec::new();
    channel.pretty_write_to(&mut out, b' ', 1).map_err(|e| Error::output(&spec.path, e.to_string()))?;
    String::from_utf8(out).map_err(|e| Error::output(&spec.path, e.to_string()))
}

fn items_have_images(spec: &FeedSpec, entries: &BTreeMap<ArticleId, FeedEntry>) -> bool {
    spec.articles.iter().filter_map(|id| entries.get(id)).any(|e| e.image.is_some())
}

fn rss_item(e: &FeedEntry) -> rss::Item {
    let categories = e
        .categories
        .iter()
        .map(|(_, name, url)| rss::Category { name: name.clone(), domain: Some(url.clone()) })
        .collect();
    // RSS's own <author> must be an e-mail address; Dublin Core's creator takes a name.
    let dublin_core = (!e.authors.is_empty()).then(|| rss::extension::dublincore::DublinCoreExtension {
        creators: e.authors.iter().map(|(name, _)| name.clone()).collect(),
        ..Default::default()
    });
    rss::Item {
        title: Some(e.title.clone()),
        link: Some(e.link.clone()),
        description: Some(e.summary_html.clone()),
        extensions: item_extensions(e),
        guid: Some(rss::Guid { value: e.link.clone(), permalink: true }),
        pub_date: Some(rfc822(&e.published)),
        categories,
        content: e.content.clone(),
        dublin_core_ext: dublin_core,
        ..Default::default()
    }
}

/// An item's `<media:content>` (its featured image), and its `<atom:updated>` when it changed
/// after publication (a correction, an update): RSS has no element of its own for that.
fn item_extensions(e: &FeedEntry) -> rss::extension::ExtensionMap {
    let mut map = e.image.as_ref().map(|(url, mime)| media_content(url, *mime)).unwrap_or_default();
    if e.updated > e.published {
        let updated = rss::extension::Extension {
            name: "atom:updated".into(),
            value: Some(crate::dates::rfc3339(&e.updated)),
            ..Default::default()
        };
        map.entry("atom".to_string()).or_default().insert("updated".to_string(), vec![updated]);
    }
    map
}

/// `<media:content url="…" medium="image" type="…"/>`: the featured image, which feed readers
/// show beside the item (RSS's own `<enclosure>` needs the file's length in bytes).
fn media_content(url: &str, mime: Option<&str>) -> rss::extension::ExtensionMap {
    let mut attrs =
        std::collections::BTreeMap::from([("url".to_string(), url.to_string()), ("medium".into(), "image".into())]);
    if let Some(mime) = mime {
        attrs.insert("type".into(), mime.to_string());
    }
    let content = rss::extension::Extension { name: "media:content".into(), attrs, ..Default::default() };
    std::collections::BTreeMap::from([(
        "media".to_string(),
        std::collections::BTreeMap::from([("content".to_string(), vec![content])]),
    )])
}

fn atom_feed(site: &FeedSite, spec: &FeedSpec, path: &str, entries: &BTreeMap<ArticleId, FeedEntry>) -> Result<String> {
    let base = site.base;
    let link = |href: String, rel: &str, mime: &str| atom_syndication::Link {
        href,
        rel: rel.into(),
        mime_type: Some(mime.into()),
        ..Default::default()
    };
    let site_name = xml_text(site.title);
    let title = xml_text(&spec.title);
    let updated = match last_change(&spec.articles, entries) {
        Some(date) => rfc3339(date)?,
        None => atom_syndication::FixedDateTime::default(),
    };
    let entries = spec
        .articles
        .iter()
        .filter_map(|id| entries.get(id))
        .map(|e| atom_entry(e, &site_name))
        .collect::<Result<Vec<_>>>()?;
    let feed = atom_syndication::Feed {
        title: atom_syndication::Text::plain(title),
        id: base.absolute(&spec.page),
        updated,
        generator: Some(atom_syndication::Generator { value: GENERATOR.into(), ..Default::default() }),
        links: vec![
            link(base.absolute(path), "self", "application/atom+xml"),
            link(base.absolute(&spec.page), "alternate", "text/html"),
        ],
        subtitle: (!site.description.trim().is_empty())
            .then(|| atom_syndication::Text::plain(xml_text(site.description))),
        logo: site.logo.map(|l| absolute_asset(base, l)),
        entries,
        lang: Some(spec.lang.clone()),
        ..Default::default()
    };
    let mut out = Vec::new();
    feed.write_with_config(
        &mut out,
        atom_syndication::WriteConfig { write_document_declaration: true, indent_size: Some(1) },
    )
    .map_err(|e| Error::output(path, e.to_string()))?;
    String::from_utf8(out).map_err(|e| Error::output(path, e.to_string()))
}

fn atom_entry(e: &FeedEntry, site_name: &str) -> Result<atom_syndication::Entry> {
    let mut authors: Vec<atom_syndication::Person> = e
        .authors
        .iter()
        .map(|(name, uri)| atom_syndication::Person {
            name: name.clone(),
            uri: Some(uri.clone()),
            ..Default::default()
        })
        .collect();
    if authors.is_empty() {
        // RFC 4287 §4.1.2: every entry needs an author; the publication speaks for unsigned pieces.
        authors.push(atom_syndication::Person { name: site_name.to_string(), ..Default::default() });
    }
    Ok(atom_syndication::Entry {
        title: atom_syndication::Text::plain(e.title.clone()),
        id: e.link.clone(),
        updated: rfc3339(&e.updated)?,
        published: Some(rfc3339(&e.published)?),
        authors,
        categories: e
            .categories
            .iter()
            .map(|(term, name, url)| atom_syndication::Category {
                term: term.clone(),
                scheme: Some(url.clone()),
                label: Some(name.clone()),
            })
            .collect(),
        links: std::iter::once(atom_syndication::Link {
            href: e.link.clone(),
            rel: "alternate".into(),
            mime_type: Some("text/html".into()),
            ..Default::default()
        })
        .chain(e.image.as_ref().map(|(url, mime)| atom_syndication::Link {
            href: url.clone(),
            rel: "enclosure".into(),
            mime_type: mime.map(str::to_string),
            ..Default::default()
        }))
        .collect(),
        summary: (!e.summary.is_empty()).then(|| atom_syndication::Text::plain(e.summary.clone())),
        content: e.content.as_ref().map(|html| atom_syndication::Content {
            value: Some(html.clone()),
            content_type: Some("html".into()),
            ..Default::default()
        }),
        ..Default::default()
    })
}

/// The absolute URL of a site path or full URL (`/images/logo.svg` → `https://x.org/images/logo.svg`).
pub fn absolute_asset(base: &BaseUrl, url: &str) -> String {
    if url.starts_with('/') && !url.starts_with("//") { base.absolute(url) } else { url.to_string() }
}

/// Removes characters XML 1.0 forbids (C0 controls other than tab and newlines, U+FFFE/U+FFFF);
/// front matter can contain them (pasted text), and a feed holding one is unreadable.
pub fn xml_text(text: &str) -> String {
    let allowed = |c: char| matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}');
    if text.chars().all(allowed) { text.to_string() } else { text.chars().filter(|&c| allowed(c)).collect() }
}

/// Makes the URLs in `href`, `src`, `poster` and `srcset` attributes of `html` absolute, as feed
/// readers show content away from the site. Root-relative paths (which already carry the base
/// URL's path prefix) get `origin`; relative ones and `#fragments` are resolved against `page`
/// (the article's absolute URL, ending in `/`). URLs with a scheme are left alone. The HTML is
/// read by lol_html, so unquoted and oddly spaced attributes are found too, and text that
/// only looks like an attribute is left alone.
pub fn absolute_urls(html: &str, origin: &str, page: &str) -> String {
    let page = if page.starts_with(origin) { page.to_string() } else { format!("{origin}/") };
    let absolute = |url: &str| crate::urls::resolve(&page, url.trim()).unwrap_or_else(|| url.to_string());
    let handler = lol_html::element!("[href], [src], [poster], [srcset]", |el| {
        for name in ["href", "src", "poster"] {
            if let Some(value) = el.get_attribute(name) {
                el.set_attribute(name, &absolute(&value))?;
            }
        }
        if let Some(srcset) = el.get_attribute("srcset") {
            let candidates: Vec<String> = srcset
                .split(',')
                .map(|candidate| {
                    let candidate = candidate.trim();
                    let (url, descriptor) = candidate.split_once(char::is_whitespace).unwrap_or((candidate, ""));
                    let url = absolute(url);
                    if descriptor.is_empty() { url } else { format!("{url} {}", descriptor.trim()) }
                })
                .collect();
            el.set_attribute("srcset", &candidates.join(", "))?;
        }
        Ok(())
    });
    let settings = lol_html::Settings::new().append_element_content_handler(handler);
    // The body is our own Markdown rendering; should lol_html refuse it (a parser limit), the
    // feed keeps it as it is rather than lose the article.
    lol_html::rewrite_str(html, settings).unwrap_or_else(|_| html.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGIN: &str = "https://x.org";
    const PAGE: &str = "https://x.org/mirror/2024/01/a/";

    #[test]
    fn root_relative_urls_get_the_origin_and_keep_the_prefix_they_already_have() {
        let html = r#"<p><a href="/mirror/2024/01/b/">b</a> <img src="/mirror/i.png" alt="i"></p>"#;
        assert_eq!(
            absolute_urls(html, ORIGIN, PAGE),
            r#"<p><a href="https://x.org/mirror/2024/01/b/">b</a> <img src="https://x.org/mirror/i.png" alt="i"></p>"#
        );
    }

    #[test]
    fn relative_urls_and_fragments_resolve_against_the_article() {
        let html = r##"<img src="photo.svg"><a href="#notes">n</a><a href="../x/">x</a><a href='./y.pdf'>y</a><a href=z.pdf>z</a>"##;
        assert_eq!(
            absolute_urls(html, ORIGIN, PAGE),
            r##"<img src="https://x.org/mirror/2024/01/a/photo.svg"><a href="https://x.org/mirror/2024/01/a/#notes">n</a><a href="https://x.org/mirror/2024/01/x/">x</a><a href="https://x.org/mirror/2024/01/a/y.pdf">y</a><a href="https://x.org/mirror/2024/01/a/z.pdf">z</a>"##
        );
    }

    #[test]
    fn absolute_urls_mailto_and_text_are_left_alone() {
        let html = r#"<a href="https://eff.org/">e</a><a href="mailto:a@b.org">m</a><p>data-href="/x" and href=/y</p><a href="//cdn.org/z">z</a>"#;
        assert_eq!(
            absolute_urls(html, ORIGIN, PAGE),
            r#"<a href="https://eff.org/">e</a><a href="mailto:a@b.org">m</a><p>data-href="/x" and href=/y</p><a href="https://cdn.org/z">z</a>"#
        );
    }

    #[test]
    fn srcset_candidates_are_each_resolved() {
        let html = r#"<img srcset="/mirror/a.png 1x, b.png 2x" src="/mirror/a.png">"#;
        assert_eq!(
            absolute_urls(html, ORIGIN, PAGE),
            r#"<img srcset="https://x.org/mirror/a.png 1x, https://x.org/mirror/2024/01/a/b.png 2x" src="https://x.org/mirror/a.png">"#
        );
    }

    #[test]
    fn characters_xml_forbids_are_dropped() {
        assert_eq!(xml_text("a\u{1}b\tc\u{FFFF}"), "ab\tc");
        assert_eq!(xml_text("ڈیجیٹل & <b>"), "ڈیجیٹل & <b>");
    }

    #[test]
    fn rss_dates_are_rfc_822_with_the_articles_offset() {
        let tz = jiff::tz::TimeZone::get("Asia/Karachi").unwrap();
        let d = crate::content::article::parse_date("2023-09-05T10:00:00", &tz).unwrap();
        assert_eq!(rfc822(&d), "Tue, 5 Sep 2023 10:00:00 +0500");
    }
}
