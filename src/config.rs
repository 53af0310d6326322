//! `site.yaml` → [`Config`]: parsed with serde (unknown keys are errors), then validated:
//! the base URL, the permalink pattern, the timezone and the category tree's names.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result, Warning};
pub use crate::language::Digits;
use crate::permalink::PermalinkPattern;
use crate::yaml::YamlSource;

/// The file name of the site configuration, relative to the site root.
pub const CONFIG_FILE: &str = "site.yaml";

/// The values `referrer_policy:` accepts, the default first.
const REFERRER_POLICIES: [&str; 2] = ["no-referrer", "strict-origin-when-cross-origin"];

/// The most parts `search_parts:` may split the search index into: each is built on a thread
/// of its own, and each costs a reader's browser two more requests.
const MAX_SEARCH_PARTS: usize = 16;

/// `site.yaml` exactly as written: read by [`Config::parse`], and written by the WordPress
/// importer, which fills in what it knows and leaves the rest at [`Default`]. Fields at their
/// default are not written, so a written file holds only what differs from the defaults.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Site title.
    pub title: String,
    /// Where the site is published.
    pub base_url: String,
    /// One-line description.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Default language (`en` when left out; a writer leaves it empty to leave it out).
    #[serde(default = "default_language", skip_serializing_if = "String::is_empty")]
    pub language: String,
    /// Name of the theme under `themes/`.
    #[serde(default = "default_theme", skip_serializing_if = "is_default_theme")]
    pub theme: String,
    /// How article URLs are formed.
    #[serde(default = "default_permalink", skip_serializing_if = "is_default_permalink")]
    pub permalink: String,
    /// Items per list page.
    #[serde(default = "default_paginate", skip_serializing_if = "is_default_paginate")]
    pub paginate: usize,
    /// IANA time zone for dates written without an offset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Authors by id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub authors: BTreeMap<String, AuthorConfig>,
    /// The category tree, or `None` to infer it from the articles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<CategoryConfig>>,
    /// Extra menu links.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub menu: Vec<MenuLink>,
    /// Free-form settings read by the theme.
    #[serde(default, skip_serializing_if = "serde_yaml::Mapping::is_empty")]
    pub theme_config: serde_yaml::Mapping,
    /// Free-form data for templates.
    #[serde(default, skip_serializing_if = "serde_yaml::Mapping::is_empty")]
    pub extra: serde_yaml::Mapping,
    /// Write `_redirects`.
    #[serde(default = "default_true", skip_serializing_if = "is_true")]
    pub redirects_file: bool,
    /// Write `_headers`.
    #[serde(default = "default_true", skip_serializing_if = "is_true")]
    pub headers_file: bool,
    /// `no-referrer` or `strict-origin-when-cross-origin`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer_policy: Option<String>,
    /// Where the site is published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosting: Option<String>,
    /// How many of the newest articles each feed holds.
    #[serde(default = "default_feed_limit", skip_serializing_if = "is_default_feed_limit")]
    pub feed_limit: usize,
    /// Whether feed items carry the full article HTML.
    #[serde(default = "default_true", skip_serializing_if = "is_true")]
    pub feed_full_content: bool,
    /// Whether to build the search index and page.
    #[serde(default = "default_true", skip_serializing_if = "is_true")]
    pub search: bool,
    /// How many parts to split the search index into.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_parts: Option<usize>,
    /// Whether to minify the HTML pages.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub minify: bool,
    /// The site's X/Twitter account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub twitter_site: Option<String>,
    /// The publisher's logo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<String>,
    /// The languages the site publishes besides its own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<LanguageConfig>,
    /// `images:` settings. Never written: no writer sets them, and their type (owned by
    /// `images/`) is read-only.
    #[serde(default, skip_serializing)]
    pub images: crate::images::ImageSettings,
}

impl Default for ConfigFile {
    /// Every default a reader of `site.yaml` fills in, with an empty title, address and
    /// language for a writer to set.
    fn default() -> Self {
        ConfigFile {
            title: String::new(),
            base_url: String::new(),
            description: String::new(),
            language: String::new(),
            theme: default_theme(),
            permalink: default_permalink(),
            paginate: default_paginate(),
            timezone: None,
            authors: BTreeMap::new(),
            categories: None,
            menu: Vec::new(),
            theme_config: serde_yaml::Mapping::new(),
            extra: serde_yaml::Mapping::new(),
            redirects_file: true,
            headers_file: true,
            referrer_policy: None,
            hosting: None,
            feed_limit: default_feed_limit(),
            feed_full_content: true,
            search: true,
            search_parts: None,
            minify: false,
            twitter_site: None,
            logo: None,
            languages: Vec::new(),
            images: crate::images::ImageSettings::default(),
        }
    }
}

fn is_true(value: &bool) -> bool {
    *value
}
fn is_default_theme(theme: &str) -> bool {
    theme == default_theme()
}
fn is_default_permalink(pattern: &str) -> bool {
    pattern == default_permalink()
}
fn is_default_paginate(per_page: &usize) -> bool {
    *per_page == default_paginate()
}
fn is_default_feed_limit(limit: &usize) -> bool {
    *limit == default_feed_limit()
}

fn default_feed_limit() -> usize {
    20
}
fn default_true() -> bool {
    true
}
fn default_language() -> String {
    "en".into()
}
fn default_theme() -> String {
    "advocacy".into()
}
fn default_permalink() -> String {
    "/:year/:month/:slug/".into()
}
fn default_paginate() -> usize {
    10
}

/// An author declared in `site.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AuthorConfig {
    /// Display name.
    pub name: String,
    /// Short biography shown on the author page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bio: Option<String>,
    /// X/Twitter handle without `@`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub twitter: Option<String>,
    /// Avatar image URL (site-relative like `/images/a.jpg`, or absolute).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    /// A personal web site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Given name (kept by the WordPress importer; templates may use it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
}

/// A node of the category tree in `site.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CategoryConfig {
    /// Display name ("DRM Exclusive").
    pub name: String,
    /// The URL segment; by default the slug of the name. Imported WordPress categories keep
    /// theirs, so `/category/parent/child/` addresses do not change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// Shown on the category page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Sub-categories, in menu order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<CategoryConfig>,
}

/// A language the site publishes in, from `languages:` in `site.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LanguageConfig {
    /// Language code (`ur`, `en`, `sd`).
    pub code: String,
    /// The language's name in its own script (`اردو`); a built-in name when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// How numbers are written on its pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digits: Option<Digits>,
}

/// A language the site publishes in, with everything filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Language {
    /// Language code as written (`ur`).
    pub code: String,
    /// Its name in its own script.
    pub name: String,
    /// How its pages write numbers.
    pub digits: Digits,
}

/// The languages the site publishes: the site's own language first (from `languages:` when
/// listed there, else with its built-in name), then the others in the order written.
fn site_languages(
    language: &str,
    listed: &[LanguageConfig],
    source: &YamlSource,
    errors: &mut Vec<Error>,
) -> Vec<Language> {
    let resolve = |l: &LanguageConfig| Language {
        code: l.code.trim().to_string(),
        name: l
            .name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| crate::language::native_name(&l.code).unwrap_or(l.code.trim()).to_string()),
        digits: l.digits.unwrap_or_else(|| crate::language::default_digits(&l.code)),
    };
    let at = |code: &str| Location { path: CONFIG_FILE.into(), position: source.value_position("languages", code) };
    let mut out = vec![resolve(
        listed
            .iter()
            .find(|l| crate::language::same_language(&l.code, language) && l.code.trim() == language)
            .unwrap_or(&LanguageConfig { code: language.to_string(), name: None, digits: None }),
    )];
    for l in listed {
        let code = l.code.trim();
        let valid = !code.is_empty() && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !valid {
            errors.push(Error::config(
                at(&l.code),
                format!("language code `{code}` is not a language tag: write it like `ur` or `pa-Arab`"),
            ));
        } else if code == language {
            continue;
        } else if out.iter().any(|o| o.code.eq_ignore_ascii_case(code)) {
            errors.push(Error::config(at(code), format!("language `{code}` is listed twice under `languages:`")));
        } else {
            out.push(resolve(l));
        }
    }
    out
}

/// An extra menu link after the category tree.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MenuLink {
    /// Link text.
    pub name: String,
    /// Site-relative (`/about/`) or absolute URL.
    pub url: String,
}

/// The site's base URL split into origin and path prefix, so that a site published under
/// `https://x.org/mirror/` links to `/mirror/…` everywhere.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BaseUrl {
    /// Scheme and host, without a trailing slash: `https://x.org`.
    pub origin: String,
    /// Path prefix, starting and ending with `/`: `/` or `/mirror/`.
    pub prefix: String,
}

/// Whether this build of pamphlet can minify HTML (the `minify` cargo feature). Asked here,
/// where `minify: true` is validated, rather than of the minify module, which sits downstream
/// of the configuration (config → … → output → minify).
pub const MINIFY_AVAILABLE: bool = cfg!(feature = "minify");

/// Hosts that only ever stand in for a real address (RFC 2606 and the local machine), and
/// the top-level domains reserved for examples and tests.
const PLACEHOLDER_HOSTS: &[&str] = &["example.org", "example.com", "example.net", "localhost", "127.0.0.1"];
const PLACEHOLDER_TLDS: &[&str] = &["example", "test", "invalid", "localhost"];

/// Whether `host` (without a port) is a placeholder or a name under one.
fn is_placeholder_host(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    let under = |name: &str| host == name || host.ends_with(&format!(".{name}"));
    PLACEHOLDER_HOSTS.iter().any(|h| under(h)) || PLACEHOLDER_TLDS.iter().any(|t| under(t))
}

/// A warning when `base_url` is still a placeholder such as `pamphlet init`'s
/// `https://example.org`: feeds, the sitemap and canonical links would all point there.
fn placeholder_base_url(url: &BaseUrl, location: Location) -> Option<Warning> {
    let host = url.origin.split("://").nth(1).unwrap_or_default();
    let host =
        host.rsplit_once(':').filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit())).map_or(host, |(h, _)| h);
    is_placeholder_host(host).then(|| Warning {
        location,
        code: "placeholder-base-url",
        message: format!(
            "`base_url: {}{}` is a placeholder: feeds, the sitemap and links shared on social media would point there. Set your site's address here, or pass `--base-url` when you build (the CI recipes in examples/ci/ do)",
            url.origin, url.prefix
        ),
    })
}

impl BaseUrl {
    /// Parses `https://host[/prefix]`; returns a message on failure.
    pub fn parse(raw: &str) -> std::result::Result<BaseUrl, String> {
        let raw = raw.trim();
        let rest = raw
            .strip_prefix("https://")
            .or_else(|| raw.strip_prefix("http://"))
            .ok_or_else(|| format!("base_url `{raw}` must start with https:// or http://"))?;
        let scheme_len = raw.len() - rest.len();
        let (host, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        if host.is_empty() || host.contains(['?', '#', ' ']) {
            return Err(format!("base_url `{raw}` has no valid host"));
        }
        if path.contains(['?', '#', ' ', '\\']) || path.split('/').any(|s| s == "..") {
            return Err(format!("base_url `{raw}` has an invalid path"));
        }
        let mut prefix = path.to_string();
        if !prefix.ends_with('/') {
            prefix.push('/');
        }
        Ok(BaseUrl { origin: raw[..scheme_len + host.len()].to_string(), prefix })
    }

    /// The URL a browser uses for a site path (`/2023/09/x/` → `/mirror/2023/09/x/`).
    pub fn url(&self, site_path: &str) -> String {
        let path = site_path.strip_prefix('/').unwrap_or(site_path);
        format!("{}{}", self.prefix, path)
    }

    /// The absolute URL of a site path (`https://x.org/mirror/2023/09/x/`).
    pub fn absolute(&self, site_path: &str) -> String {
        format!("{}{}", self.origin, self.url(site_path))
    }
}

impl std::fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.origin, self.prefix)
    }
}

/// The validated site configuration. Compared with `==` by the dev server, which starts over
/// when it changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Site title.
    pub title: String,
    /// Where the site is published.
    pub base_url: BaseUrl,
    /// One-line description (meta description of the home page).
    pub description: String,
    /// Default language of the site (`en`).
    pub language: String,
    /// Name of the theme under `themes/`.
    pub theme: String,
    /// How article URLs are formed.
    pub permalink: PermalinkPattern,
    /// Items per list page (at least 1).
    pub paginate: usize,
    /// Time zone used for dates written without an offset.
    pub timezone: jiff::tz::TimeZone,
    /// Name of the time zone as written (`UTC` by default).
    pub timezone_name: String,
    /// Authors by id.
    pub authors: BTreeMap<String, AuthorConfig>,
    /// The declared category tree, or `None` to infer it from the articles.
    pub categories: Option<Vec<CategoryConfig>>,
    /// Extra menu links.
    pub menu: Vec<MenuLink>,
    /// Free-form settings read by the theme (logo, social handles, footer text…).
    pub theme_config: serde_yaml::Mapping,
    /// Free-form data for templates.
    pub extra: serde_yaml::Mapping,
    /// Write `_redirects` (Netlify / Cloudflare Pages) with a 301 for every alias.
    pub redirects_file: bool,
    /// Write `_headers` (Netlify / Cloudflare Pages) with the security headers.
    pub headers_file: bool,
    /// The `Referrer-Policy` sent with every file: `no-referrer` (the default) or
    /// `strict-origin-when-cross-origin`.
    pub referrer_policy: String,
    /// Where the site is published (`hosting:`), which decides how old addresses are answered.
    pub hosting: crate::hosting::Hosting,
    /// How many of the newest articles each feed holds (at least 1).
    pub feed_limit: usize,
    /// Whether feed items carry the full article HTML (else only the summary).
    pub feed_full_content: bool,
    /// Whether to build the search index and the search page.
    pub search: bool,
    /// How many parts to split the search index into (built one after another, merged in the
    /// browser), when set; else it follows the size of the archive.
    pub search_parts: Option<usize>,
    /// Whether to minify the HTML pages.
    pub minify: bool,
    /// `images:`: variant widths, formats and quality, and whether metadata is kept.
    pub images: crate::images::ImageSettings,
    /// The site's X/Twitter account for `twitter:site`, with its `@` (`@drm`), if any.
    pub twitter_site: Option<String>,
    /// The publisher's logo (site path or absolute URL), for structured data, if any.
    pub logo: Option<String>,
    /// A warning, when `base_url` is still a placeholder (`https://example.org`) and no
    /// `--base-url` replaced it: `build` prints it (publishing there would be wrong); `check`
    /// and `serve`, which publish nothing, do not.
    pub placeholder_base_url: Option<Warning>,
    /// The languages the site publishes (`languages:`), the site's `language` first; each
    /// other one gets a home page and feeds under `/<code>/`.
    pub languages: Vec<Language>,
}

impl Config {
    /// The language `code` as the site publishes it (by primary subtag: `ur-PK` is `ur`), if
    /// it is one of `languages:` or the site's own.
    pub fn language_of(&self, code: &str) -> Option<&Language> {
        self.languages
            .iter()
            .find(|l| l.code.eq_ignore_ascii_case(code))
            .or_else(|| self.languages.iter().find(|l| crate::language::same_language(&l.code, code)))
    }

    /// Reads and validates `site.yaml` in `root`. `base_url_override` comes from `--base-url`.
    pub fn load(root: &Path, base_url_override: Option<&str>) -> Result<Config> {
        let path = root.join(CONFIG_FILE);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::config(
                    Location::file(CONFIG_FILE),
                    format!(
                        "no {CONFIG_FILE} in `{}`: is this a pamphlet site? (`pamphlet init DIR` creates one)",
                        root.display()
                    ),
                ));
            }
            Err(e) => return Err(Error::io("read", &path, e)),
        };
        let text = String::from_utf8(bytes)
            .map_err(|_| Error::config(Location::file(CONFIG_FILE), "site.yaml is not valid UTF-8"))?;
        Config::parse(&text, base_url_override)
    }

    /// Parses and validates the text of `site.yaml`.
    pub fn parse(text: &str, base_url_override: Option<&str>) -> Result<Config> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let source = YamlSource { text, first_line: 1 };
        let at = |key: &str| Location { path: CONFIG_FILE.into(), position: source.key_position(key) };
        let raw: ConfigFile = source.parse().map_err(|p| {
            let unknown = source.unknown_keys(crate::yaml::field_names::<ConfigFile>());
            let problems = if unknown.is_empty() { vec![p] } else { unknown };
            let errors = problems.into_iter().map(|p| p.into_error(Path::new(CONFIG_FILE), Error::config)).collect();
            Error::collect(errors)
                .err()
                .unwrap_or_else(|| Error::config(Location::file(CONFIG_FILE), "invalid site.yaml"))
        })?;

        let mut errors = Vec::new();
        let base_url = match BaseUrl::parse(base_url_override.unwrap_or(&raw.base_url)) {
            Ok(b) => Some(b),
            Err(msg) if base_url_override.is_some() => {
                errors.push(Error::argument("--base-url", msg));
                None
            }
            Err(msg) => {
                errors.push(Error::config(at("base_url"), msg));
                None
            }
        };
        let permalink = PermalinkPattern::parse(&raw.permalink)
            .map_err(|msg| errors.push(Error::config(at("permalink"), msg)))
            .ok();
        if raw.paginate == 0 {
            errors.push(Error::config(at("paginate"), "paginate must be at least 1"));
        }
        let timezone_name = raw.timezone.clone().unwrap_or_else(|| "UTC".to_string());
        let timezone = jiff::tz::TimeZone::get(&timezone_name)
            .map_err(|_| {
                errors.push(Error::config(
                    at("timezone"),
                    format!("unknown time zone `{timezone_name}`: use an IANA name such as `Asia/Karachi` or `UTC`"),
                ))
            })
            .ok();
        for (key, mapping) in [("theme_config", &raw.theme_config), ("extra", &raw.extra)] {
            if let Some(problem) = crate::yaml::untemplatable_key(mapping) {
                errors.push(Error::config(at(key), format!("`{key}:`: {problem}")));
            }
        }
        if raw.search_parts.is_some_and(|parts| !(1..=MAX_SEARCH_PARTS).contains(&parts)) {
            errors.push(Error::config(
                at("search_parts"),
                format!(
                    "search_parts must be between 1 and {MAX_SEARCH_PARTS} (or left out, to follow the archive's size)"
                ),
            ));
        }
        if raw.feed_limit == 0 {
            errors.push(Error::config(at("feed_limit"), "feed_limit must be at least 1"));
        }
        let twitter_site = raw.twitter_site.as_deref().map(str::trim).filter(|h| !h.is_empty()).and_then(|h| {
            let handle = h.trim_start_matches('@');
            if handle.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !handle.is_empty() {
                Some(format!("@{handle}"))
            } else {
                errors.push(Error::config(
                    at("twitter_site"),
                    format!(
                        "twitter_site `{h}` is not an X/Twitter handle: write it like `@drm` (letters, digits and `_`)"
                    ),
                ));
                None
            }
        });
        let referrer_policy = match raw.referrer_policy.as_deref().map(str::trim) {
            None => REFERRER_POLICIES[0].to_string(),
            Some(policy) if REFERRER_POLICIES.contains(&policy) => policy.to_string(),
            Some(other) => {
                errors.push(Error::config(
                    at("referrer_policy"),
                    format!(
                        "referrer_policy `{other}` is not one pamphlet writes: use `no-referrer` (the default: other sites never learn which article a reader came from) or `strict-origin-when-cross-origin` (they learn the site's address only)"
                    ),
                ));
                REFERRER_POLICIES[0].to_string()
            }
        };
        if raw.minify && !MINIFY_AVAILABLE {
            errors.push(Error::config(
                at("minify"),
                "this pamphlet was built without HTML minification (the `minify` cargo feature): set `minify: false`, or install pamphlet with its default features",
            ));
        }
        let hosting = match raw.hosting.as_deref() {
            None => crate::hosting::Hosting::Generic,
            Some(name) => crate::hosting::Hosting::parse(name).unwrap_or_else(|msg| {
                let position = source.value_position("hosting", name.trim());
                errors.push(Error::config(Location { path: CONFIG_FILE.into(), position }, msg));
                crate::hosting::Hosting::Generic
            }),
        };
        errors.extend(raw.images.problems().into_iter().map(|p| Error::config(at("images"), p)));
        let logo = site_logo(raw.logo.as_deref(), &raw.theme_config, &at("logo"), &mut errors);
        let languages = site_languages(&raw.language, &raw.languages, &source, &mut errors);
        if let Some(tree) = &raw.categories {
            check_category_names(tree, &mut errors, &source);
        }
        for (id, author) in &raw.authors {
            if crate::slug::slugify(id).is_empty() {
                errors.push(Error::config(
                    Location { path: CONFIG_FILE.into(), position: source.value_position("authors", id) },
                    format!("author id `{id}` has no letters or digits to make a URL from"),
                ));
            }
            if author.name.trim().is_empty() {
                errors.push(Error::config(at("authors"), format!("author `{id}` has an empty name")));
            }
        }
        Error::collect(errors)?;
        let placeholder = base_url
            .as_ref()
            .filter(|_| base_url_override.is_none())
            .and_then(|url| placeholder_base_url(url, at("base_url")));
        let (Some(base_url), Some(permalink), Some(timezone)) = (base_url, permalink, timezone) else {
            unreachable!("every None above pushed an error, and collect returned it")
        };
        Ok(Config {
            title: raw.title,
            base_url,
            description: raw.description,
            language: raw.language,
            theme: raw.theme,
            permalink,
            paginate: raw.paginate,
            timezone,
            timezone_name,
            authors: raw.authors,
            categories: raw.categories,
            menu: raw.menu,
            theme_config: raw.theme_config,
            extra: raw.extra,
            redirects_file: raw.redirects_file,
            headers_file: raw.headers_file,
            referrer_policy,
            hosting,
            feed_limit: raw.feed_limit,
            feed_full_content: raw.feed_full_content,
            search: raw.search,
            search_parts: raw.search_parts,
            minify: raw.minify,
            images: raw.images,
            twitter_site,
            logo,
            placeholder_base_url: placeholder,
            languages,
        })
    }
}

/// The publisher logo: `logo:`, else the theme's `theme_config.logo` (so a site that already
/// tells its theme where the logo is need not say it twice). It must be a site path (`/x.svg`)
/// or an http(s) URL, because structured data needs an absolute URL.
fn site_logo(
    logo: Option<&str>,
    theme_config: &serde_yaml::Mapping,
    at: &Location,
    errors: &mut Vec<Error>,
) -> Option<String> {
    if let Some(raw) = logo.map(str::trim).filter(|l| !l.is_empty()) {
        if raw.starts_with('/') && !raw.starts_with("//") || raw.starts_with("https://") || raw.starts_with("http://") {
            return Some(raw.to_string());
        }
        errors.push(Error::config(
            at.clone(),
            format!("logo `{raw}` must be a path on the site (`/images/logo.svg`) or a full https:// URL"),
        ));
        return None;
    }
    let from_theme = theme_config.get("logo").and_then(serde_yaml::Value::as_str).map(str::trim)?;
    let usable = from_theme.starts_with('/') && !from_theme.starts_with("//") || from_theme.starts_with("http");
    usable.then(|| from_theme.to_string())
}

/// Category names must give a non-empty slug, must not contain `/` (it separates path levels),
/// and siblings must not share a slug (their URLs would collide).
fn check_category_names(tree: &[CategoryConfig], errors: &mut Vec<Error>, source: &YamlSource) {
    let mut seen = BTreeMap::new();
    for node in tree {
        let here = Location { path: CONFIG_FILE.into(), position: source.value_position("categories", &node.name) };
        let slug = crate::slug::slugify(&node.name);
        if node.name.contains('/') {
            errors.push(Error::config(
                here.clone(),
                format!("category name `{}` contains `/`, which separates levels in category paths: nest it with `children:` instead", node.name),
            ));
        } else if slug.is_empty() {
            errors.push(Error::config(
                here.clone(),
                format!("category name `{}` has no letters or digits to make a URL from", node.name),
            ));
        } else if let Some(other) = seen.insert(slug.clone(), node.name.clone()) {
            errors.push(Error::config(
                here.clone(),
                format!(
                    "categories `{other}` and `{}` are siblings with the same URL slug `{slug}`: rename one",
                    node.name
                ),
            ));
        }
        check_category_names(&node.children, errors, source);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "title: T\nbase_url: https://example.org\n";

    #[test]
    fn minimal_config_gets_defaults() {
        let c = Config::parse(MINIMAL, None).unwrap();
        assert_eq!(c.language, "en");
        assert_eq!(c.theme, "advocacy");
        assert_eq!(c.paginate, 10);
        assert_eq!(c.base_url.prefix, "/");
        assert!(c.categories.is_none());
    }

    #[test]
    fn unknown_key_names_line_and_valid_keys() {
        let err = Config::parse(&format!("{MINIMAL}paginat: 3\n"), None).unwrap_err();
        let msg = err.to_string();
        assert_eq!(msg, "site.yaml:3:1: unknown field `paginat`: did you mean `paginate`?");
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn base_url_prefix_is_kept_and_override_wins() {
        let c = Config::parse(MINIMAL, Some("https://x.org/mirror")).unwrap();
        assert_eq!(c.base_url.prefix, "/mirror/");
        assert_eq!(c.base_url.url("/2023/09/a/"), "/mirror/2023/09/a/");
        assert_eq!(c.base_url.absolute("/"), "https://x.org/mirror/");
    }

    #[test]
    fn bad_values_are_all_reported() {
        let text = "title: T\nbase_url: example.org\npermalink: /:year/:nope/\npaginate: 0\n";
        let msg = Config::parse(text, None).unwrap_err().to_string();
        assert!(msg.contains("site.yaml:2:1: base_url `example.org` must start with https://"), "{msg}");
        assert!(msg.contains("site.yaml:3:1: unknown permalink token `:nope`"), "{msg}");
        assert!(msg.contains("site.yaml:4:1: paginate must be at least 1"), "{msg}");
    }

    #[test]
    fn publishing_keys_have_defaults() {
        let c = Config::parse(MINIMAL, None).unwrap();
        assert_eq!(c.feed_limit, 20);
        assert!(c.feed_full_content);
        assert!(c.search);
        assert!(!c.minify);
        assert_eq!(c.twitter_site, None);
        assert_eq!(c.logo, None);
    }

    #[test]
    fn twitter_site_gets_its_at_sign_and_bad_handles_are_reported() {
        let c = Config::parse(&format!("{MINIMAL}twitter_site: drm_news\n"), None).unwrap();
        assert_eq!(c.twitter_site.as_deref(), Some("@drm_news"));
        let msg =
            Config::parse(&format!("{MINIMAL}twitter_site: \"@a b\"\nfeed_limit: 0\n"), None).unwrap_err().to_string();
        assert!(msg.contains("site.yaml:3:1: twitter_site `@a b` is not an X/Twitter handle"), "{msg}");
        assert!(msg.contains("site.yaml:4:1: feed_limit must be at least 1"), "{msg}");
    }

    #[test]
    fn logo_comes_from_site_yaml_or_falls_back_to_the_theme_config() {
        let c = Config::parse(&format!("{MINIMAL}theme_config:\n  logo: /images/t.svg\n"), None).unwrap();
        assert_eq!(c.logo.as_deref(), Some("/images/t.svg"));
        let c = Config::parse(&format!("{MINIMAL}logo: /l.png\ntheme_config:\n  logo: /images/t.svg\n"), None).unwrap();
        assert_eq!(c.logo.as_deref(), Some("/l.png"));
        let msg = Config::parse(&format!("{MINIMAL}logo: images/l.png\n"), None).unwrap_err().to_string();
        assert_eq!(
            msg,
            "site.yaml:3:1: logo `images/l.png` must be a path on the site (`/images/logo.svg`) or a full https:// URL"
        );
    }

    #[test]
    fn unknown_hosting_names_its_place_and_the_valid_hosts() {
        assert_eq!(Config::parse(MINIMAL, None).unwrap().hosting, crate::hosting::Hosting::Generic);
        let c = Config::parse(&format!("{MINIMAL}hosting: netlify\n"), None).unwrap();
        assert_eq!(c.hosting, crate::hosting::Hosting::Netlify);
        let msg = Config::parse(&format!("{MINIMAL}hosting: vercel\n"), None).unwrap_err().to_string();
        assert_eq!(
            msg,
            "site.yaml:3:10: unknown hosting `vercel`: use one of generic, netlify, cloudflare, github-pages, s3, nginx, caddy, apache"
        );
    }

    #[test]
    fn sibling_categories_with_same_slug_are_rejected() {
        let text = format!("{MINIMAL}categories:\n  - name: News\n  - name: news!\n");
        let msg = Config::parse(&text, None).unwrap_err().to_string();
        assert!(msg.contains("site.yaml:5:11: categories `News` and `news!` are siblings"), "{msg}");
    }
}
