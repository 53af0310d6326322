//! Old addresses (aliases) answered with a permanent (301) redirect, in the form each host
//! understands. Hosts differ, and the differences decide what is written:
//!
//! - **Netlify** serves an existing file instead of applying an unforced rule ("shadowing"),
//!   so with `hosting: netlify` the build writes no alias pages and its `_redirects` forces a
//!   rule (`301!`) wherever a file exists at the source anyway, and every query rule
//!   (`/ p=123 /new/ 301!`, whose source `/` is the home page).
//! - **Cloudflare Pages** applies a rule even where a file exists, reads exactly
//!   `source destination [code]` per line (query lines are ignored), and keeps at most 2,000
//!   static and 100 dynamic (placeholder) rules; a static rule after a dynamic one counts as
//!   dynamic, so static rules come first.
//! - **nginx, Caddy, Apache** get their own configuration from `pamphlet redirects`.
//! - Hosts without server redirects (GitHub Pages, S3) get only the HTML alias pages and
//!   `query-aliases.json`, which the home and 404 pages read to redirect in the browser.
//!
//! Where old and new addresses differ mechanically (WordPress's `/%year%/%monthnum%/%day%/
//! %postname%/` becoming `/:year/:month/:slug/`), one placeholder rule replaces a rule per
//! article, if the host has placeholders and the rule can match nothing the site publishes.

use std::collections::{BTreeMap, HashSet};

use crate::content::Located;
use crate::error::{Location, Warning};
use crate::hosting::Hosting;
use crate::output::{Contents, Origin, OutputFile};
use crate::site::Site;

/// Where the map of query aliases is written.
pub const QUERY_ALIASES: &str = "/query-aliases.json";
/// Where the Netlify / Cloudflare Pages rules are written.
pub const REDIRECTS_FILE: &str = "/_redirects";
/// Cloudflare Pages' limits on `_redirects` (its documentation, "Redirects": per project).
pub const CLOUDFLARE_MAX_STATIC: usize = 2_000;
/// See [`CLOUDFLARE_MAX_STATIC`].
pub const CLOUDFLARE_MAX_DYNAMIC: usize = 100;
/// How many aliases a placeholder rule must cover to replace their static rules: one alias is
/// one static rule either way, and dynamic rules are the scarcer kind on Cloudflare.
const MIN_PATTERN_COVER: usize = 2;

/// A server's or host's redirect syntax, for `pamphlet redirects --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Netlify's `_redirects`.
    Netlify,
    /// Cloudflare Pages' `_redirects`.
    Cloudflare,
    /// nginx: a `map` for the `http` block and an `if` for the `server` block.
    Nginx,
    /// Caddy: a `route` of `redir`s for the site block.
    Caddy,
    /// Apache: `RewriteRule`s for the server configuration or the root `.htaccess`.
    Apache,
}

/// One piece of an address template.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Token {
    /// A segment written out (decoded: `archives`, an Urdu word).
    Literal(String),
    /// The four-digit year.
    Year,
    /// The two-digit month.
    Month,
    /// The two-digit day.
    Day,
    /// The article's slug.
    Slug,
}

/// A placeholder rule: every address shaped like `from` goes to `to`, filled with the same
/// values. Both are directory paths (`/a/b/`) without the base URL's prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternRule {
    /// The old address's shape.
    pub from: Vec<Token>,
    /// The new address's shape.
    pub to: Vec<Token>,
    /// How many aliases it answers.
    pub covers: usize,
}

/// An old path and the site path it leads to (both decoded, without the base URL's prefix).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PathRule {
    /// The old path.
    pub from: String,
    /// The new site path.
    pub to: String,
}

/// An old address with a query (`/?p=123`) and the site path it leads to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct QueryRule {
    /// The old path (`/`, `/index.php`).
    pub path: String,
    /// The query as written (`p=123`, `p=1&lang=ur`).
    pub query: String,
    /// The new site path.
    pub to: String,
}

/// Every redirect of a site, in the shape one host needs.
#[derive(Debug, Clone, Default)]
pub struct Redirects {
    /// The base URL's path prefix (`/` or `/mirror/`), put before every path when written.
    pub prefix: String,
    /// Placeholder rules, most aliases first.
    pub patterns: Vec<PatternRule>,
    /// One rule per old path not covered by a pattern, sorted.
    pub paths: Vec<PathRule>,
    /// Old addresses with a query, sorted.
    pub queries: Vec<QueryRule>,
}

/// How a host's placeholders match, which decides which placeholder rules are safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Placeholders {
    /// None: one rule per alias.
    None,
    /// `:name` matches any one segment, and an existing file wins over the rule (Netlify), so
    /// a rule matching a published page does no harm.
    AnySegmentShadowed,
    /// `:name` matches any one segment and the rule wins over files (Cloudflare): the year is
    /// written out (one rule per year) so that `/tag/x/page/2/` cannot match
    /// `/:year/:month/:day/:slug/`, and the rule must match no published path.
    YearWrittenOut,
    /// Regular expressions: `\d{4}` years, `\d{2}` months and days (nginx, Caddy, Apache),
    /// which win over files, so the rule must match no published path.
    Digits,
}

impl Format {
    fn placeholders(self) -> Placeholders {
        match self {
            Format::Netlify => Placeholders::AnySegmentShadowed,
            Format::Cloudflare => Placeholders::YearWrittenOut,
            Format::Nginx | Format::Caddy | Format::Apache => Placeholders::Digits,
        }
    }
}

/// An alias with where it leads and, for an article, the values its address is made of.
struct Alias<'a> {
    alias: &'a Located<String>,
    target: &'a str,
    values: Option<Values>,
}

/// An article's date and slug, as its permalink uses them.
#[derive(Clone)]
struct Values {
    year: String,
    month: String,
    day: String,
    slug: String,
}

/// Every alias with the site path it leads to.
fn aliases(site: &Site) -> impl Iterator<Item = Alias<'_>> {
    let from_articles = site.articles.iter().flat_map(|a| {
        let date = &a.article.date;
        let values = Values {
            year: format!("{:04}", date.year()),
            month: format!("{:02}", date.month()),
            day: format!("{:02}", date.day()),
            slug: a.article.slug.clone(),
        };
        a.article.common.aliases.iter().map(move |alias| Alias {
            alias,
            target: a.path.as_str(),
            values: Some(values.clone()),
        })
    });
    let from_pages = site
        .pages
        .iter()
        .flat_map(|p| p.page.common.aliases.iter().map(|alias| Alias { alias, target: &p.page.path, values: None }));
    from_articles.chain(from_pages)
}

/// Whether any article or page has an alias with a query string (`/?p=123`).
pub fn has_query_aliases(site: &Site) -> bool {
    aliases(site).any(|a| crate::permalink::alias_query(&a.alias.value).is_some())
}

/// The site paths with an HTML alias page under `hosting`: every alias without a query,
/// except on Netlify (see [`Hosting::writes_alias_pages`]).
pub fn alias_page_paths(site: &Site) -> HashSet<String> {
    if !site.config.hosting.writes_alias_pages() {
        return HashSet::new();
    }
    aliases(site)
        .filter(|a| crate::permalink::alias_query(&a.alias.value).is_none())
        .map(|a| a.alias.value.clone())
        .collect()
}

/// The template of a directory path made of `v`'s values: `/2024/03/05/x/` →
/// `[Year, Month, Day, Slug]`. Each value is used once, left to right, so a day equal to the
/// month is still told apart. `None` for a file path (`/old.html`).
fn template(path: &str, v: &Values) -> Option<Vec<Token>> {
    let inner = path.strip_prefix('/')?.strip_suffix('/')?;
    let mut used = [false; 4];
    let mut take = |i: usize, matches: bool| {
        let free = matches && !used[i];
        used[i] |= free;
        free
    };
    let tokens = inner
        .split('/')
        .map(|s| {
            if take(3, s == v.slug) {
                Token::Slug
            } else if take(0, s == v.year) {
                Token::Year
            } else if take(1, s == v.month) {
                Token::Month
            } else if take(2, s == v.day) {
                Token::Day
            } else {
                Token::Literal(s.to_string())
            }
        })
        .collect();
    Some(tokens)
}

/// A `from` whose day the target does not use, with its day a placeholder even where it was
/// not the article's (WordPress wrote the day in the old site's time zone, pamphlet dates may
/// be in another): `/:year/:month/02/:slug/` is then `/:year/:month/:day/:slug/`.
fn unused_day(mut from: Vec<Token>, to: &[Token]) -> Vec<Token> {
    if to.contains(&Token::Day) || from.contains(&Token::Day) {
        return from;
    }
    let after_month = from.iter().position(|t| *t == Token::Month).map(|i| i + 1);
    if let Some(i) = after_month
        && let Some(Token::Literal(s)) = from.get(i)
        && s.len() == 2
        && s.bytes().all(|b| b.is_ascii_digit())
    {
        from[i] = Token::Day;
    }
    from
}

/// `to` can be filled from what `from` matches, and `from` is specific to one article.
fn fillable(from: &[Token], to: &[Token]) -> bool {
    let placeholder = |t: &&Token| !matches!(t, Token::Literal(_));
    from.contains(&Token::Slug) && to.iter().filter(placeholder).all(|t| from.contains(t))
}

/// Whether `pattern` (with `placeholders`' meaning) matches the site path `path`.
fn pattern_matches(pattern: &[Token], path: &str, placeholders: Placeholders) -> bool {
    let Some(inner) = path.strip_prefix('/') else { return false };
    let (inner, directory) = match inner.strip_suffix('/') {
        Some(inner) => (inner, true),
        None => (inner, false),
    };
    // Regular expressions take the path with or without its final slash; placeholders only
    // the path as written (`/a/:b/` does not match `/a/x`).
    if !directory && placeholders != Placeholders::Digits {
        return false;
    }
    let segments: Vec<&str> = inner.split('/').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    segments.len() == pattern.len()
        && pattern.iter().zip(&segments).all(|(t, s)| match t {
            Token::Literal(l) => l == s,
            _ if s.is_empty() => false,
            Token::Year if placeholders == Placeholders::Digits => digits(s, 4),
            Token::Month | Token::Day if placeholders == Placeholders::Digits => digits(s, 2),
            _ => true,
        })
}

/// The site's redirects for `format`. `published` are the site paths of every file the build
/// writes (pages, feeds, static files…): a placeholder rule that would redirect one of them
/// away is not used, its aliases keep a rule each.
pub fn redirects(site: &Site, format: Format, published: &[&str]) -> Redirects {
    plan(site, format.placeholders(), published)
}

fn plan(site: &Site, placeholders: Placeholders, published: &[&str]) -> Redirects {
    let mut out = Redirects { prefix: site.config.base_url.prefix.clone(), ..Redirects::default() };
    // (from, to) templates → the aliases (old path, target) they describe.
    let mut groups: BTreeMap<(Vec<Token>, Vec<Token>), Vec<PathRule>> = BTreeMap::new();
    let mut seen = HashSet::new();
    for a in aliases(site) {
        if !seen.insert(a.alias.value.as_str()) {
            continue;
        }
        if let Some((path, query)) = crate::permalink::alias_query(&a.alias.value) {
            let path = crate::urls::decode_or_keep(path);
            out.queries.push(QueryRule { path, query: query.to_string(), to: a.target.to_string() });
            continue;
        }
        let rule = PathRule { from: crate::urls::decode_or_keep(&a.alias.value), to: a.target.to_string() };
        let templates = match (&a.values, placeholders) {
            (Some(v), p) if p != Placeholders::None => {
                template(&rule.from, v).zip(template(&crate::urls::decode_or_keep(a.target), v))
            }
            _ => None,
        };
        match templates.map(|(from, to)| (unused_day(from, &to), to)).filter(|(from, to)| fillable(from, to)) {
            Some((mut from, mut to)) => {
                if placeholders == Placeholders::YearWrittenOut
                    && let Some(v) = &a.values
                {
                    for t in from.iter_mut().chain(to.iter_mut()).filter(|t| **t == Token::Year) {
                        *t = Token::Literal(v.year.clone());
                    }
                }
                groups.entry((from, to)).or_default().push(rule);
            }
            None => out.paths.push(rule),
        }
    }
    // Two groups with one source shape lead to different places (a `:category` permalink):
    // no placeholder rule can tell their aliases apart.
    let mut shapes: BTreeMap<&Vec<Token>, usize> = BTreeMap::new();
    for (from, _) in groups.keys() {
        *shapes.entry(from).or_default() += 1;
    }
    let ambiguous: HashSet<Vec<Token>> =
        shapes.into_iter().filter(|(_, n)| *n > 1).map(|(from, _)| from.clone()).collect();
    // Alias pages are the rules' own sources: a placeholder rule may match them, since rules
    // for single aliases come first wherever the host gives an order.
    let sources: HashSet<&str> = groups.values().flatten().chain(&out.paths).map(|r| r.from.as_str()).collect();
    let others: Vec<&str> =
        published.iter().copied().filter(|p| !sources.contains(crate::urls::decode_or_keep(p).as_str())).collect();
    for ((from, to), rules) in groups {
        let safe = placeholders == Placeholders::AnySegmentShadowed
            || !others.iter().any(|p| pattern_matches(&from, &crate::urls::decode_or_keep(p), placeholders));
        if rules.len() >= MIN_PATTERN_COVER && safe && !ambiguous.contains(&from) {
            out.patterns.push(PatternRule { from, to, covers: rules.len() });
        } else {
            out.paths.extend(rules);
        }
    }
    out.patterns.sort_by(|a, b| b.covers.cmp(&a.covers).then_with(|| a.from.cmp(&b.from)));
    out.paths.sort();
    out.queries.sort();
    out
}

impl Redirects {
    /// The URL path (with the prefix) of a site path, decoded.
    fn url(&self, site_path: &str) -> String {
        format!("{}{}", self.prefix, site_path.trim_start_matches('/'))
    }

    /// How many old addresses these rules answer.
    pub fn aliases(&self) -> usize {
        self.patterns.iter().map(|p| p.covers).sum::<usize>() + self.paths.len() + self.queries.len()
    }

    /// A template as a path with `:name` placeholders (Netlify, Cloudflare), escaped.
    fn placeholder_path(&self, tokens: &[Token]) -> String {
        let segments: Vec<String> = tokens
            .iter()
            .map(|t| match t {
                Token::Literal(s) => crate::urls::encode_path(s),
                Token::Year => ":year".into(),
                Token::Month => ":month".into(),
                Token::Day => ":day".into(),
                Token::Slug => ":slug".into(),
            })
            .collect();
        format!("{}{}/", self.prefix, segments.join("/"))
    }

    /// Netlify's `_redirects`: a rule per path is forced only where a file is `published` at
    /// its source (shadowing would win otherwise); query rules always (their source, `/`, is
    /// the home page); placeholder rules never, so that a published page they happen to match
    /// is still served.
    pub fn netlify(&self, published: &HashSet<String>) -> String {
        let mut lines = vec![header("Netlify")];
        for r in &self.paths {
            let bang = if published.contains(&r.from) { "!" } else { "" };
            lines.push(format!("{} {} 301{bang}", self.url(&r.from), crate::urls::encode_path(&self.url(&r.to))));
        }
        for q in &self.queries {
            let conditions = q.query.replace('&', " ");
            lines.push(format!(
                "{} {conditions} {} 301!",
                self.url(&q.path),
                crate::urls::encode_path(&self.url(&q.to))
            ));
        }
        for p in &self.patterns {
            lines.push(format!("{} {} 301", self.placeholder_path(&p.from), self.placeholder_path(&p.to)));
        }
        lines.join("\n") + "\n"
    }

    /// Cloudflare Pages' `_redirects`: `source destination 301` lines only, static rules
    /// before placeholder ones, within its limits. Query rules cannot be written (the
    /// browser-side fallback has them). Also returns how many aliases were left out because
    /// of the limits.
    pub fn cloudflare(&self) -> (String, usize) {
        let mut lines = vec![header("Cloudflare Pages")];
        let static_rules = self.paths.iter().take(CLOUDFLARE_MAX_STATIC);
        for r in static_rules {
            lines.push(format!(
                "{} {} 301",
                crate::urls::encode_path(&self.url(&r.from)),
                crate::urls::encode_path(&self.url(&r.to))
            ));
        }
        let mut dropped = self.paths.len().saturating_sub(CLOUDFLARE_MAX_STATIC);
        for (i, p) in self.patterns.iter().enumerate() {
            if i >= CLOUDFLARE_MAX_DYNAMIC {
                dropped += p.covers;
                continue;
            }
            lines.push(format!("{} {} 301", self.placeholder_path(&p.from), self.placeholder_path(&p.to)));
        }
        (lines.join("\n") + "\n", dropped)
    }

    /// nginx: the `map`s for the `http` block (`redirects.map.conf`) and the `if` for the
    /// `server` block (`redirects.server.conf`). nginx matches `$uri` decoded (an Urdu path is
    /// matched as UTF-8, however the browser escaped it), so exact paths are keys in a map on
    /// `$uri`; placeholder rules are regular expressions on `$request_uri`, still escaped, so
    /// that what they copy into `Location` stays escaped.
    pub fn nginx(&self) -> (String, String) {
        let mut map = vec![header("nginx: include inside the http { } block")];
        let exact: Vec<(String, String)> =
            self.paths.iter().map(|r| (self.url(&r.from), crate::urls::encode_path(&self.url(&r.to)))).collect();
        let queries: Vec<(String, String)> = self
            .queries
            .iter()
            .map(|q| (format!("{}?{}", self.url(&q.path), q.query), crate::urls::encode_path(&self.url(&q.to))))
            .collect();
        let longest = exact.iter().chain(&queries).map(|(k, _)| k.len()).max().unwrap_or(0);
        let entries = exact.len().max(queries.len());
        // nginx refuses to start when a key does not fit a hash bucket; these settings apply
        // to every map of the http block, and are only ever raised.
        map.push(format!(
            "map_hash_bucket_size {};\nmap_hash_max_size {};",
            (longest + 32).next_power_of_two().max(64),
            (entries * 2).next_power_of_two().max(2048)
        ));
        map.push(nginx_map("\"$uri?$args\"", "$pamphlet_query_redirect", &queries, "\"\""));
        map.push(nginx_map("$uri", "$pamphlet_exact_redirect", &exact, "\"\""));
        let patterns: Vec<(String, String)> = self.patterns.iter().map(|p| self.nginx_pattern(p)).collect();
        let mut pattern_map =
            vec!["map $request_uri $pamphlet_pattern_redirect {".to_string(), "    default \"\";".into()];
        pattern_map.extend(patterns.iter().map(|(re, to)| format!("    \"~{re}\" \"{to}\";")));
        pattern_map.push("}".into());
        map.push(pattern_map.join("\n"));
        map.push(
            "map $pamphlet_exact_redirect $pamphlet_path_redirect {\n    \"\" $pamphlet_pattern_redirect;\n    default $pamphlet_exact_redirect;\n}\nmap $pamphlet_query_redirect $pamphlet_redirect {\n    \"\" $pamphlet_path_redirect;\n    default $pamphlet_query_redirect;\n}"
                .into(),
        );
        let server = format!(
            "{}\nif ($pamphlet_redirect) {{\n    return 301 $pamphlet_redirect;\n}}\n",
            header("nginx: include inside the server { } block, before any location")
        );
        (map.join("\n") + "\n", server)
    }

    /// A placeholder rule as an nginx regular expression on `$request_uri` and its target.
    fn nginx_pattern(&self, p: &PatternRule) -> (String, String) {
        let name = |t: &Token| match t {
            Token::Year => "pamphlet_year",
            Token::Month => "pamphlet_month",
            Token::Day => "pamphlet_day",
            _ => "pamphlet_slug",
        };
        let from: Vec<String> = p
            .from
            .iter()
            .map(|t| match t {
                Token::Literal(s) => regex_escape(&crate::urls::encode_path(s)),
                Token::Year => format!("(?<{}>\\d{{4}})", name(t)),
                Token::Month | Token::Day => format!("(?<{}>\\d{{2}})", name(t)),
                Token::Slug => format!("(?<{}>[^/?]+)", name(t)),
            })
            .collect();
        let to: Vec<String> =
            p.to.iter()
                .map(|t| match t {
                    Token::Literal(s) => crate::urls::encode_path(s),
                    _ => format!("${}", name(t)),
                })
                .collect();
        let re = format!("^{}{}/?(\\?.*)?$", regex_escape(&crate::urls::encode_path(&self.prefix)), from.join("/"));
        (re, format!("{}{}/", crate::urls::encode_path(&self.prefix), to.join("/")))
    }

    /// Caddy: one `route` (so the rules apply in order) of `redir`s for the site block. Caddy
    /// matches paths decoded, so exact paths are written as UTF-8.
    pub fn caddy(&self) -> String {
        let mut lines = vec![header("Caddy: paste inside the site block"), "route {".to_string()];
        for (i, q) in self.queries.iter().enumerate() {
            let query: Vec<String> = q.query.split('&').map(caddy_quote).collect();
            lines.push(format!(
                "\t@pamphlet_query_{i} {{\n\t\tpath {}\n\t\tquery {}\n\t}}",
                caddy_quote(&self.url(&q.path)),
                query.join(" ")
            ));
            lines.push(format!("\tredir @pamphlet_query_{i} {} 301", crate::urls::encode_path(&self.url(&q.to))));
        }
        for (i, r) in self.paths.iter().enumerate() {
            lines.push(format!("\t@pamphlet_path_{i} path {}", caddy_quote(&self.url(&r.from))));
            lines.push(format!("\tredir @pamphlet_path_{i} {} 301", crate::urls::encode_path(&self.url(&r.to))));
        }
        for (i, p) in self.patterns.iter().enumerate() {
            let name = format!("pamphlet_pattern_{i}");
            let (re, to) = self.numbered_pattern(p, |n| format!("{{re.{name}.{n}}}"));
            lines.push(format!("\t@{name} path_regexp {name} {}", caddy_quote(&re)));
            lines.push(format!("\tredir @{name} {to} 301"));
        }
        lines.push("}".into());
        lines.join("\n") + "\n"
    }

    /// Apache: `RewriteRule`s for the server configuration or the site root's `.htaccess`
    /// (`^/?` takes both forms of the path). mod_rewrite matches the decoded path, so exact
    /// paths are written as UTF-8; targets are already escaped (`NE` keeps them as they are),
    /// while a placeholder rule's target is escaped by Apache itself.
    pub fn apache(&self) -> String {
        let mut lines =
            vec![header("Apache: server configuration or the root .htaccess"), "RewriteEngine On".to_string()];
        let rooted = |path: &str| regex_escape(self.url(path).trim_start_matches('/'));
        for q in &self.queries {
            lines.push(format!("RewriteCond %{{QUERY_STRING}} ^{}$", regex_escape(&q.query)));
            lines.push(format!(
                "RewriteRule ^/?{}$ {} [R=301,L,NE,QSD]",
                rooted(&q.path),
                crate::urls::encode_path(&self.url(&q.to))
            ));
        }
        for r in &self.paths {
            lines.push(format!(
                "RewriteRule ^/?{}$ {} [R=301,L,NE]",
                rooted(&r.from),
                crate::urls::encode_path(&self.url(&r.to))
            ));
        }
        for p in &self.patterns {
            let (re, to) = self.numbered_pattern(p, |n| format!("${n}"));
            lines.push(format!("RewriteRule ^/?{} {to} [R=301,L]", re.trim_start_matches("^/")));
        }
        lines.join("\n") + "\n"
    }

    /// A placeholder rule as a regular expression on the decoded path with numbered groups,
    /// and its target with `group(n)` for each placeholder.
    fn numbered_pattern(&self, p: &PatternRule, group: impl Fn(usize) -> String) -> (String, String) {
        let mut numbers = BTreeMap::new();
        let from: Vec<String> = p
            .from
            .iter()
            .map(|t| match t {
                Token::Literal(s) => regex_escape(s),
                t => {
                    let n = numbers.len() + 1;
                    numbers.insert(t.clone(), n);
                    match t {
                        Token::Year => "(\\d{4})".to_string(),
                        Token::Month | Token::Day => "(\\d{2})".to_string(),
                        _ => "([^/]+)".to_string(),
                    }
                }
            })
            .collect();
        let to: Vec<String> =
            p.to.iter()
                .map(|t| match t {
                    Token::Literal(s) => crate::urls::encode_path(s),
                    t => group(numbers.get(t).copied().unwrap_or(1)),
                })
                .collect();
        (
            format!("^{}{}/?$", regex_escape(&self.prefix), from.join("/")),
            format!("{}{}/", crate::urls::encode_path(&self.prefix), to.join("/")),
        )
    }
}

/// The comment every generated file starts with.
fn header(host: &str) -> String {
    format!(
        "# Old addresses → new ones, 301, for {host}. Written by pamphlet from the `aliases:` of the content: do not edit."
    )
}

/// An nginx `map` of quoted keys to quoted values.
fn nginx_map(source: &str, variable: &str, entries: &[(String, String)], default: &str) -> String {
    let mut lines = vec![format!("map {source} {variable} {{"), format!("    default {default};")];
    lines.extend(entries.iter().map(|(k, v)| format!("    \"{}\" \"{}\";", nginx_escape(k), nginx_escape(v))));
    lines.push("}".into());
    lines.join("\n")
}

/// Escapes a string for a double-quoted nginx token.
fn nginx_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// A Caddyfile token, quoted when it needs to be: in backticks, which take everything
/// literally (a regular expression's `\d` included), else in double quotes.
fn caddy_quote(s: &str) -> String {
    if !s.chars().any(|c| c.is_whitespace() || matches!(c, '"' | '`' | '#')) {
        s.to_string()
    } else if !s.contains('`') {
        format!("`{s}`")
    } else {
        format!("\"{}\"", s.replace('"', "\\\""))
    }
}

/// Escapes the characters a regular expression treats specially.
fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// What the build writes for `hosting`: `_redirects` (for Netlify, Cloudflare Pages and
/// `generic`), with a warning when Cloudflare's limits leave aliases out. `published` are the
/// site paths of every other file of the build.
pub fn build_outputs(site: &Site, published: &[&str]) -> (Vec<OutputFile>, Vec<Warning>) {
    let hosting = site.config.hosting;
    let format = match hosting {
        Hosting::Netlify => Format::Netlify,
        Hosting::Cloudflare | Hosting::Generic => Format::Cloudflare,
        _ => return (Vec::new(), Vec::new()),
    };
    if !site.config.redirects_file {
        return (Vec::new(), Vec::new());
    }
    let rules = redirects(site, format, published);
    if rules.aliases() == 0 {
        return (Vec::new(), Vec::new());
    }
    let mut warnings = Vec::new();
    let text = if format == Format::Netlify {
        rules.netlify(&published.iter().map(|p| crate::urls::decode_or_keep(p)).collect())
    } else {
        let (text, dropped) = rules.cloudflare();
        if dropped > 0 && hosting == Hosting::Cloudflare {
            warnings.push(Warning {
                location: Location::file(crate::config::CONFIG_FILE),
                code: "redirect-limit",
                message: format!(
                    "{dropped} old addresses are left out of _redirects: Cloudflare Pages reads at most {CLOUDFLARE_MAX_STATIC} static and {CLOUDFLARE_MAX_DYNAMIC} placeholder rules, and these aliases fit no placeholder rule. Their alias pages still send readers on (without a 301); for real 301s, serve the site with nginx, Caddy or Apache (`pamphlet redirects`), or host it on Netlify"
                ),
            });
        }
        text
    };
    let file = OutputFile {
        path: REDIRECTS_FILE.into(),
        contents: Contents::Text(text),
        origin: Origin::Generated("the _redirects file".into()),
    };
    (vec![file], warnings)
}

/// `query-aliases.json`: `{"/?p=123": "/2024/03/story/"}`, for the small script on the home
/// and 404 pages. `None` when there are no query aliases.
pub fn query_aliases_file(site: &Site) -> crate::error::Result<Option<OutputFile>> {
    let base = &site.config.base_url;
    let map: BTreeMap<&str, String> = aliases(site)
        .filter(|a| crate::permalink::alias_query(&a.alias.value).is_some())
        .map(|a| (a.alias.value.as_str(), base.url(a.target)))
        .collect();
    if map.is_empty() {
        return Ok(None);
    }
    let json = serde_json::to_string(&map).map_err(|e| {
        crate::error::Error::output(QUERY_ALIASES, format!("cannot write the map of old addresses: {e}"))
    })?;
    Ok(Some(OutputFile {
        path: QUERY_ALIASES.into(),
        contents: Contents::Text(json),
        origin: Origin::Generated("the map of old query addresses".into()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> Values {
        Values { year: "2024".into(), month: "03".into(), day: "03".into(), slug: "story".into() }
    }

    #[test]
    fn templates_tell_a_day_equal_to_the_month_apart() {
        use Token::*;
        assert_eq!(template("/2024/03/03/story/", &values()), Some(vec![Year, Month, Day, Slug]));
        assert_eq!(template("/archives/2024/story/", &values()), Some(vec![Literal("archives".into()), Year, Slug]));
        assert_eq!(template("/old.html", &values()), None);
        assert!(fillable(&[Year, Month, Day, Slug], &[Year, Month, Slug]));
        assert!(!fillable(&[Year, Slug], &[Year, Month, Slug]), "the month cannot be made up");
        assert!(!fillable(&[Year, Month, Literal("old-slug".into())], &[Year, Month, Slug]));
    }

    #[test]
    fn placeholders_match_as_each_host_does() {
        use Token::*;
        let day = [Year, Month, Day, Slug];
        assert!(pattern_matches(&day, "/tag/x/page/2/", Placeholders::AnySegmentShadowed));
        assert!(!pattern_matches(&day, "/tag/x/page/2/", Placeholders::Digits));
        assert!(pattern_matches(&day, "/2024/03/05/x", Placeholders::Digits));
        assert!(!pattern_matches(&day, "/2024/03/05/x", Placeholders::YearWrittenOut));
        let year = [Literal("2024".into()), Month, Day, Slug];
        assert!(!pattern_matches(&year, "/tag/x/page/2/", Placeholders::YearWrittenOut));
        assert!(pattern_matches(&year, "/2024/03/page/2/", Placeholders::YearWrittenOut));
    }

    #[test]
    fn paths_are_escaped_as_browsers_send_them() {
        assert_eq!(crate::urls::encode_path("/اردو/a b/$x/"), "/%D8%A7%D8%B1%D8%AF%D9%88/a%20b/%24x/");
        assert_eq!(crate::urls::decode_or_keep("/%D8%A7%D8%B1%D8%AF%D9%88/"), "/اردو/");
        assert_eq!(crate::urls::decode_or_keep("/100%/"), "/100%/");
    }
}
