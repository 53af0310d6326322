//! Security headers for static hosts: a Content-Security-Policy that lets a page load only
//! what the site itself publishes, plus `Referrer-Policy`, `X-Content-Type-Options` and
//! `Permissions-Policy`. The build writes them as `_headers` (Netlify and Cloudflare Pages
//! syntax), and `pamphlet serve` sends the same ones, so a page that breaks the policy breaks
//! in preview already.
//!
//! The policy is computed from the rendered output, never assumed: every page is read once
//! ([`PageSources::of_html`]) for the inline scripts it runs and the inline styles it carries
//! (each allowed by its SHA-256 hash, never with `'unsafe-inline'`), the embed cards it shows
//! (each card carries `data-embed-origin="https://…"`, the origin its player is loaded from once
//! the reader asks) and the other hosts its images come from. A theme that adds a script adds
//! its hash by being rendered.

use std::collections::BTreeSet;

use base64::Engine;

use crate::output::{Contents, Origin, OutputFile};
use crate::site::Site;

mod quick;

/// Site path of the headers file.
pub const HEADERS_FILE: &str = "/_headers";

/// What the pages of a site load or run besides files of the site itself, as CSP sources.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct PageSources {
    /// `'sha256-…'` of each inline script a browser runs (not JSON-LD or other data blocks).
    pub scripts: BTreeSet<String>,
    /// `'sha256-…'` of each `<style>` element.
    pub styles: BTreeSet<String>,
    /// `'sha256-…'` of each `style="…"` attribute (Markdown table alignment writes them).
    pub style_attributes: BTreeSet<String>,
    /// Origins of embedded players (`data-embed-origin`).
    pub frames: BTreeSet<String>,
    /// Origins of images on other hosts.
    pub images: BTreeSet<String>,
}

/// `'sha256-…'`: the CSP source that allows exactly `text`.
pub fn sha256_source(text: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, text.as_bytes());
    format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest.as_ref()))
}

/// Whether a `<script type>` is one a browser runs: none, a JavaScript MIME type, or `module`.
/// Anything else (`application/ld+json`, `application/json`, `text/template`) is a data block,
/// which CSP does not govern.
fn is_executed(script_type: Option<&str>) -> bool {
    let Some(kind) = script_type.map(|t| t.trim().to_ascii_lowercase()) else { return true };
    let essence = kind.split(';').next().unwrap_or_default().trim().to_string();
    essence.is_empty()
        || essence == "module"
        || matches!(
            essence.as_str(),
            "text/javascript" | "application/javascript" | "application/ecmascript" | "text/ecmascript"
        )
}

/// The origin (`https://host[:port]`) of an absolute or protocol-relative URL; `None` for a
/// path on this site, `data:` and the like.
pub fn url_origin(url: &str) -> Option<String> {
    let url = url.trim();
    let (scheme, rest) = if let Some(rest) = url.strip_prefix("//") {
        ("https", rest)
    } else {
        let (scheme, rest) = url.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return None;
        }
        (if scheme == "http" { "http" } else { "https" }, rest)
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit('@').next().unwrap_or_default().to_ascii_lowercase();
    let valid = !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c));
    valid.then(|| format!("{scheme}://{host}"))
}

/// Origins of the URLs of a `srcset` (`a.jpg 480w, https://x.org/b.jpg 800w`).
fn srcset_origins(srcset: &str) -> impl Iterator<Item = String> + '_ {
    srcset.split(',').filter_map(|candidate| url_origin(candidate.split_whitespace().next().unwrap_or_default()))
}

/// Whether `html` may hold a `style` attribute or a `data-embed-origin`: some `style` (any
/// case) followed by what can follow an attribute name (whitespace, `=`, `>`, `/`, the end), or
/// `data-embed-origin`. It errs only towards yes: `stylesheet` says no, prose that mentions
/// "style =" says yes, and then the page is read in full as before.
fn may_hold_attribute_sources(html: &[u8]) -> bool {
    let word_at = |at: usize, word: &[u8]| html.get(at..at + word.len()).is_some_and(|w| w.eq_ignore_ascii_case(word));
    let ends_name =
        |at: usize| html.get(at).is_none_or(|&b| b.is_ascii_whitespace() || matches!(b, b'=' | b'>' | b'/'));
    memchr::memchr2_iter(b's', b'S', html).any(|at| word_at(at, b"style") && ends_name(at + 5))
        || memchr::memchr2_iter(b'd', b'D', html).any(|at| word_at(at, b"data-embed-origin"))
}

impl PageSources {
    /// What the HTML page `html` runs and loads from elsewhere: read by [`PageSources::quick`]
    /// when the page stays within what that reader knows (every page the default theme writes),
    /// else by [`PageSources::read_with_lol_html`].
    pub fn of_html(html: &[u8]) -> PageSources {
        Self::quick(html).unwrap_or_else(|| Self::read_with_lol_html(html))
    }

    /// What [`PageSources::of_html`] finds, read without lol_html's general tokenizer (a quarter
    /// of a large build's CPU went there), or `None` for a page holding what this reader leaves
    /// to lol_html: SVG, MathML, `<template>`, `<!--` in a script. Public so that tests can check
    /// that both readers agree on whole sites.
    pub fn quick(html: &[u8]) -> Option<PageSources> {
        quick::page_sources(html)
    }

    /// What [`PageSources::of_html`] finds, read by lol_html, which reads any HTML as a browser
    /// does. A page lol_html cannot read (it reads anything our templates write) adds nothing.
    pub fn read_with_lol_html(html: &[u8]) -> PageSources {
        use std::cell::RefCell;
        let found = RefCell::new(PageSources::default());
        // The inline `<script>` or `<style>` being read, when it counts, and its text so far.
        let script: RefCell<Option<String>> = RefCell::new(None);
        let style: RefCell<Option<String>> = RefCell::new(None);
        let mut handlers = vec![
            lol_html::element!("script", |el| {
                let inline = el.get_attribute("src").is_none();
                *script.borrow_mut() = (inline && is_executed(el.get_attribute("type").as_deref())).then(String::new);
                Ok(())
            }),
            lol_html::text!("script", |chunk| {
                let mut current = script.borrow_mut();
                if let Some(text) = current.as_mut() {
                    text.push_str(chunk.as_str());
                    if chunk.last_in_text_node() {
                        found.borrow_mut().scripts.insert(sha256_source(text));
                        *current = None;
                    }
                }
                Ok(())
            }),
            lol_html::element!("style", |_| {
                *style.borrow_mut() = Some(String::new());
                Ok(())
            }),
            lol_html::text!("style", |chunk| {
                let mut current = style.borrow_mut();
                if let Some(text) = current.as_mut() {
                    text.push_str(chunk.as_str());
                    if chunk.last_in_text_node() {
                        found.borrow_mut().styles.insert(sha256_source(text));
                        *current = None;
                    }
                }
                Ok(())
            }),
            lol_html::element!("img[src], video[poster]", |el| {
                let url = el.get_attribute("src").or_else(|| el.get_attribute("poster")).unwrap_or_default();
                found.borrow_mut().images.extend(url_origin(&url));
                Ok(())
            }),
            lol_html::element!("img[srcset], source[srcset]", |el| {
                let srcset = el.get_attribute("srcset").unwrap_or_default();
                found.borrow_mut().images.extend(srcset_origins(&srcset));
                Ok(())
            }),
        ];
        // Selectors by attribute alone make lol_html read every attribute of every element
        // (three quarters of this function's time on a 10,000-article site), so they are
        // added only to pages whose bytes could hold such an attribute.
        if may_hold_attribute_sources(html) {
            handlers.extend([
                lol_html::element!("[style]", |el| {
                    if let Some(value) = el.get_attribute("style") {
                        found.borrow_mut().style_attributes.insert(sha256_source(&value));
                    }
                    Ok(())
                }),
                lol_html::element!("[data-embed-origin]", |el| {
                    if let Some(origin) = el.get_attribute("data-embed-origin").and_then(|o| url_origin(&o)) {
                        found.borrow_mut().frames.insert(origin);
                    }
                    Ok(())
                }),
            ]);
        }
        let settings = handlers.into_iter().fold(lol_html::Settings::new(), |s, h| s.append_element_content_handler(h));
        let mut rewriter = lol_html::HtmlRewriter::new(settings, |_: &[u8]| {});
        if rewriter.write(html).and_then(|()| rewriter.end()).is_err() {
            return PageSources::default();
        }
        found.into_inner()
    }

    /// Adds what `other` found.
    pub fn merge(&mut self, other: PageSources) {
        self.scripts.extend(other.scripts);
        self.styles.extend(other.styles);
        self.style_attributes.extend(other.style_attributes);
        self.frames.extend(other.frames);
        self.images.extend(other.images);
    }

    /// What `pages` load together, borrowing them: the many pages of a site share the few
    /// sources they name, so this copies each distinct source once, not once per page (the dev
    /// server takes the union of every page after each edit).
    pub fn union<'a>(pages: impl IntoIterator<Item = &'a PageSources>) -> PageSources {
        let mut scripts = BTreeSet::new();
        let mut styles = BTreeSet::new();
        let mut style_attributes = BTreeSet::new();
        let mut frames = BTreeSet::new();
        let mut images = BTreeSet::new();
        for page in pages {
            scripts.extend(page.scripts.iter().map(String::as_str));
            styles.extend(page.styles.iter().map(String::as_str));
            style_attributes.extend(page.style_attributes.iter().map(String::as_str));
            frames.extend(page.frames.iter().map(String::as_str));
            images.extend(page.images.iter().map(String::as_str));
        }
        let owned = |set: BTreeSet<&str>| set.into_iter().map(str::to_string).collect();
        PageSources {
            scripts: owned(scripts),
            styles: owned(styles),
            style_attributes: owned(style_attributes),
            frames: owned(frames),
            images: owned(images),
        }
    }
}

/// What a whole site's pages load together: the policy is their union.
impl FromIterator<PageSources> for PageSources {
    fn from_iter<I: IntoIterator<Item = PageSources>>(pages: I) -> Self {
        pages.into_iter().fold(PageSources::default(), |mut all, page| {
            all.merge(page);
            all
        })
    }
}

/// The security headers of `site`, whose pages load `sources`, as (name, value) pairs in the
/// order they are written.
pub fn security_headers(site: &Site, sources: &PageSources) -> Vec<(&'static str, String)> {
    vec![
        ("Content-Security-Policy", content_security_policy(site, sources)),
        ("Referrer-Policy", site.config.referrer_policy.clone()),
        ("X-Content-Type-Options", "nosniff".into()),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()".into()),
    ]
}

/// The Content-Security-Policy: the site itself, and each exception the pages need.
fn content_security_policy(site: &Site, sources: &PageSources) -> String {
    let own_origin = url_origin(&site.config.base_url.origin);
    let join = |first: &[&str], rest: &BTreeSet<String>| {
        first.iter().map(|s| s.to_string()).chain(rest.iter().cloned()).collect::<Vec<_>>().join(" ")
    };
    let mut script = vec!["'self'"];
    // Pagefind runs its search in WebAssembly, which browsers compile only under
    // 'wasm-unsafe-eval' (it allows WebAssembly, not JavaScript's eval):
    // https://pagefind.app/docs/hosting/#content-security-policy-csp
    if site.config.search {
        script.push("'wasm-unsafe-eval'");
    }
    let mut style: Vec<&str> = vec!["'self'"];
    style.extend(sources.styles.iter().map(String::as_str));
    if !sources.style_attributes.is_empty() {
        // Hashes allow `style` attributes only with 'unsafe-hashes', which allows no others.
        style.push("'unsafe-hashes'");
        style.extend(sources.style_attributes.iter().map(String::as_str));
    }
    let images: BTreeSet<String> = sources.images.iter().filter(|o| Some(*o) != own_origin.as_ref()).cloned().collect();
    let frames = if sources.frames.is_empty() { "'none'".to_string() } else { join(&[], &sources.frames) };
    [
        "default-src 'self'".to_string(),
        format!("script-src {}", join(&script, &sources.scripts)),
        format!("style-src {}", style.join(" ")),
        format!("img-src {}", join(&["'self'", "data:"], &images)),
        format!("frame-src {frames}"),
        "object-src 'none'".into(),
        "base-uri 'self'".into(),
        "form-action 'self'".into(),
        "frame-ancestors 'self'".into(),
    ]
    .join("; ")
}

/// `headers` for a page into which the dev server put `snippet` (its reload script, and the
/// error overlay while a build is broken): the policy also allows what the snippet runs and
/// its inline styles, and nothing else.
pub fn with_snippet(headers: &[(&'static str, String)], snippet: &str) -> Vec<(&'static str, String)> {
    let extra = PageSources::of_html(snippet.as_bytes());
    headers
        .iter()
        .map(|(name, value)| {
            if *name != "Content-Security-Policy" {
                return (*name, value.clone());
            }
            let mut styles: Vec<String> = extra.styles.iter().cloned().collect();
            if !extra.style_attributes.is_empty() {
                styles.push("'unsafe-hashes'".into());
                styles.extend(extra.style_attributes.iter().cloned());
            }
            let directives: Vec<String> = value
                .split("; ")
                .map(|directive| {
                    let added: Vec<&String> = match directive.split(' ').next() {
                        Some("script-src") => extra.scripts.iter().collect(),
                        Some("style-src") => styles.iter().filter(|s| !directive.contains(s.as_str())).collect(),
                        _ => Vec::new(),
                    };
                    std::iter::once(directive.to_string())
                        .chain(added.into_iter().cloned())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect();
            (*name, directives.join("; "))
        })
        .collect()
}

/// Whether a build for `config` writes [`HEADERS_FILE`]: on Netlify, Cloudflare Pages and
/// unknown hosts, unless `headers_file: false`.
pub fn writes_headers_file(config: &crate::config::Config) -> bool {
    use crate::hosting::Hosting;
    matches!(config.hosting, Hosting::Generic | Hosting::Netlify | Hosting::Cloudflare) && config.headers_file
}

/// `_headers` for `site`, whose pages load `sources`: on Netlify, Cloudflare Pages and
/// unknown hosts (the file is theirs), unless `headers_file: false`.
pub fn headers_file(site: &Site, sources: &PageSources) -> Option<OutputFile> {
    if !writes_headers_file(&site.config) {
        return None;
    }
    let mut text = format!("{}*\n", site.config.base_url.prefix);
    for (name, value) in security_headers(site, sources) {
        text.push_str(&format!("  {name}: {value}\n"));
    }
    Some(OutputFile {
        path: HEADERS_FILE.into(),
        contents: Contents::Text(text),
        origin: Origin::Generated("the _headers file".into()),
    })
}

/// What the HTML pages among `files` load (files held in memory; `render_site` and the dev
/// server).
pub fn sources_of(files: &[OutputFile]) -> PageSources {
    use rayon::prelude::*;
    files
        .par_iter()
        .filter(|f| f.is_html_page())
        .filter_map(|f| match &f.contents {
            Contents::Text(text) => Some(PageSources::of_html(text.as_bytes())),
            _ => None,
        })
        .reduce(PageSources::default, |mut a, b| {
            a.merge(b);
            a
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_hashed_and_data_blocks_and_files_are_not() {
        let html =
            br#"<html><head><script type="application/ld+json">{"a":1}</script><script src="/x.js"></script></head>
<body><script>alert(1)</script><script type="module">go()</script></body></html>"#;
        let found = PageSources::of_html(html);
        let expected: BTreeSet<String> = [sha256_source("alert(1)"), sha256_source("go()")].into();
        assert_eq!(found.scripts, expected);
    }

    #[test]
    fn the_hash_is_base64_of_sha256() {
        // echo -n 'alert(1)' | openssl sha256 -binary | base64
        assert_eq!(sha256_source("alert(1)"), "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='");
    }

    #[test]
    fn styles_embeds_and_image_hosts_are_collected() {
        let html = br#"<style>p{}</style><td style="text-align: right">1</td>
<div data-embed-origin="https://www.youtube-nocookie.com"></div><div data-embed-origin="not a url"></div>
<img src="https://cdn.example.net/a.jpg" srcset="//img.example.com/b.jpg 2x, /c.jpg 1x"><img src="/d.jpg"><img src="data:image/png;base64,AA">"#;
        let found = PageSources::of_html(html);
        assert_eq!(found.styles, BTreeSet::from([sha256_source("p{}")]));
        assert_eq!(found.style_attributes, BTreeSet::from([sha256_source("text-align: right")]));
        assert_eq!(found.frames, BTreeSet::from(["https://www.youtube-nocookie.com".to_string()]));
        let images: Vec<&str> = found.images.iter().map(String::as_str).collect();
        assert_eq!(images, ["https://cdn.example.net", "https://img.example.com"]);
    }

    #[test]
    fn pages_that_may_hold_a_style_attribute_or_an_embed_are_told_apart() {
        for html in [
            &b"<td style=\"text-align: right\">"[..],
            b"<P STYLE=color:red>",
            b"<div\nstyle\n= 'x'>",
            b"<p style>",
            b"<p style/>",
            b"<style>p{}</style>",
            b"<div data-embed-origin=\"https://x.example\">",
            b"<div DATA-EMBED-ORIGIN=x>",
            b"ends with style",
        ] {
            assert!(may_hold_attribute_sources(html), "{}", String::from_utf8_lossy(html));
        }
        for html in [&b"<link rel=\"stylesheet\" href=\"/a.css\"><p>Styles of reporting</p>"[..], b"", b"<p>s</p>"] {
            assert!(!may_hold_attribute_sources(html), "{}", String::from_utf8_lossy(html));
        }
    }

    #[test]
    fn a_style_attribute_in_capitals_is_still_hashed() {
        let found = PageSources::of_html(b"<link rel=stylesheet href=/a.css><P STYLE=\"color: red\">x</P>");
        assert_eq!(found.style_attributes, BTreeSet::from([sha256_source("color: red")]));
    }

    #[test]
    fn the_union_of_borrowed_pages_is_the_union_of_owned_ones() {
        let pages = [
            PageSources::of_html(b"<script>a()</script><img src=\"https://x.example/1.jpg\">"),
            PageSources::of_html(b"<script>a()</script><style>p{}</style><p style=\"color: red\">"),
            PageSources::of_html(b"<div data-embed-origin=\"https://player.example\"></div><script>b()</script>"),
        ];
        let union = PageSources::union(&pages);
        assert_eq!(union.scripts.len(), 2);
        assert_eq!(
            (union.styles.len(), union.style_attributes.len(), union.frames.len(), union.images.len()),
            (1, 1, 1, 1)
        );
        assert_eq!(union, pages.into_iter().collect::<PageSources>());
    }

    #[test]
    fn origins_keep_scheme_host_and_port_only() {
        assert_eq!(url_origin("https://Example.org:8443/a?b").as_deref(), Some("https://example.org:8443"));
        assert_eq!(url_origin("http://x.org").as_deref(), Some("http://x.org"));
        assert_eq!(url_origin("/images/a.jpg"), None);
        assert_eq!(url_origin("javascript:alert(1)"), None);
        assert_eq!(url_origin("https://x.org\"; script-src *"), None);
    }
}
