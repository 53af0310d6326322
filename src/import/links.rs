//! Old WordPress addresses and where they live now: the map that rewrites internal links in
//! imported posts, turns `wp-content/uploads` URLs into `/uploads/…`, and gives every old
//! address an alias.

use std::collections::HashMap;

/// The parts of a URL the importer cares about.
#[derive(Debug, PartialEq, Eq)]
pub struct SplitUrl<'a> {
    /// Lower-cased host, when the URL has one.
    pub host: Option<String>,
    /// The path, still percent-encoded, starting with `/` (or empty).
    pub path: &'a str,
    /// The query without `?`.
    pub query: Option<&'a str>,
    /// The fragment without `#`.
    pub fragment: Option<&'a str>,
}

/// Splits `https://host:port/path?q#f`, `//host/path` and `/path?q` (anything else, such as
/// `mailto:` or a relative `x.html`, is `None`: it is not an address on the old site).
pub fn split_url(url: &str) -> Option<SplitUrl<'_>> {
    let url = url.trim();
    let (rest, fragment) = match url.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (url, None),
    };
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let after_scheme = ["https://", "http://", "//"].iter().find_map(|scheme| {
        rest.get(..scheme.len()).filter(|s| s.eq_ignore_ascii_case(scheme)).map(|_| &rest[scheme.len()..])
    });
    match after_scheme {
        Some(authority_and_path) => {
            let (authority, path) = match authority_and_path.find('/') {
                Some(i) => (&authority_and_path[..i], &authority_and_path[i..]),
                None => (authority_and_path, ""),
            };
            let host = authority.rsplit('@').next().unwrap_or(authority);
            let host = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
            Some(SplitUrl { host: Some(host), path, query, fragment })
        }
        None if rest.starts_with('/') || (rest.is_empty() && query.is_some()) => {
            Some(SplitUrl { host: None, path: rest, query, fragment })
        }
        None => None,
    }
}

/// Decodes a percent-encoded path into text (WordPress encodes Urdu slugs), keeping it as
/// written when it is not valid UTF-8 once decoded.
pub fn decode_path(path: &str) -> String {
    crate::urls::decode_or_keep(path)
}

/// The old site's addresses and where each now lives.
#[derive(Debug, Default)]
pub struct LinkMap {
    /// Hosts that mean "this site" (`example.org` and `www.example.org`).
    hosts: Vec<String>,
    /// The blog's path prefix on its host (`/news` for `https://x.org/news`), or empty.
    prefix: String,
    /// `site.files.wordpress.com`, where WordPress.com keeps uploads.
    wpcom_files_host: Option<String>,
    /// Old path (decoded, prefix removed, with a trailing `/`) → new site path.
    by_path: HashMap<String, String>,
    /// `p=12`, `page_id=3`, `attachment_id=9`, `cat=4` → new site path.
    by_query: HashMap<String, String>,
}

impl LinkMap {
    /// A map for the site whose addresses start with `base_url` (the export's `wp:base_blog_url`
    /// or `<link>`).
    pub fn new(base_url: &str) -> LinkMap {
        let mut map = LinkMap::default();
        if let Some(split) = split_url(base_url)
            && let Some(host) = split.host
        {
            let bare = host.strip_prefix("www.").unwrap_or(&host).to_string();
            if let Some(name) = bare.strip_suffix(".wordpress.com") {
                map.wpcom_files_host = Some(format!("{name}.files.wordpress.com"));
            }
            map.hosts = vec![format!("www.{bare}"), bare];
            map.prefix = decode_path(split.path.trim_end_matches('/'));
        }
        map
    }

    /// Records that the old address `old_url` (a full URL, a path, or `?p=12`) now lives at
    /// `new_path`. Returns the old address as a site path to alias (`/2019/05/x/`, `/?p=12`),
    /// or `None` when it is not on this site.
    pub fn insert(&mut self, old_url: &str, new_path: &str) -> Option<String> {
        let (path, query) = self.site_path_and_query(old_url)?;
        match query {
            Some(q) if path == "/" => {
                self.by_query.insert(q.clone(), new_path.to_string());
                Some(format!("/?{q}"))
            }
            Some(_) => None,
            // The home page stays the home page, whatever WordPress showed there.
            None if path == "/" => None,
            None => {
                self.by_path.insert(path.clone(), new_path.to_string());
                Some(path)
            }
        }
    }

    /// The new address for a link to the old site, keeping its `#fragment` (but not WordPress's
    /// own `#comments`, `#respond` and `#more-12`, which pamphlet's pages do not have); `None`
    /// for links elsewhere and for old addresses nothing was imported at.
    pub fn rewrite(&self, href: &str) -> Option<String> {
        let fragment = split_url(href)?
            .fragment
            .filter(|f| {
                !(f.is_empty()
                    || *f == "comments"
                    || *f == "respond"
                    || f.starts_with("more-")
                    || f.starts_with("comment-"))
            })
            .map(|f| format!("#{f}"))
            .unwrap_or_default();
        let (path, query) = self.site_path_and_query(href)?;
        let new = match query {
            Some(q) => self.by_query.get(&q).or_else(|| self.by_path.get(&path))?,
            None => self.by_path.get(&path)?,
        };
        Some(format!("{new}{fragment}"))
    }

    /// An address on the old site as a path of the new one, whether or not anything was
    /// imported there (`https://old.example.org/` → `/`); `None` for other sites.
    pub fn site_path(&self, url: &str) -> Option<String> {
        let (path, query) = self.site_path_and_query(url)?;
        Some(match query {
            Some(q) => format!("{path}?{q}"),
            None => path,
        })
    }

    /// For a URL of an uploaded file (`…/wp-content/uploads/2024/03/x.jpg`, or WordPress.com's
    /// `site.files.wordpress.com/2024/03/x.jpg`): its path inside the uploads folder.
    pub fn upload_path(&self, url: &str) -> Option<String> {
        let split = split_url(url)?;
        let path = decode_path(split.path);
        let on_this_site = split.host.as_ref().is_none_or(|h| self.hosts.contains(h));
        let inside = if on_this_site {
            let (_, rest) = path.split_once("/wp-content/uploads/")?;
            rest.to_string()
        } else if split.host.is_some() && split.host == self.wpcom_files_host {
            path.trim_start_matches('/').to_string()
        } else {
            return None;
        };
        let safe = !inside.is_empty() && inside.split('/').all(crate::slug::is_safe_path_segment);
        safe.then_some(inside)
    }

    /// The site path (decoded, blog prefix removed, trailing `/` unless it names a file) and the
    /// WordPress query (`p=12`) of an address on this site.
    fn site_path_and_query(&self, url: &str) -> Option<(String, Option<String>)> {
        let split = split_url(url)?;
        if let Some(host) = &split.host
            && !self.hosts.contains(host)
        {
            return None;
        }
        let mut path = decode_path(split.path);
        if !self.prefix.is_empty() {
            path = match path.strip_prefix(&self.prefix) {
                Some(rest) if rest.is_empty() || rest.starts_with('/') => rest.to_string(),
                _ if split.host.is_some() => return None,
                // A root-relative link written without the blog's prefix: taken as it is.
                _ => path,
            };
        }
        let path = match path.trim_matches('/') {
            "" => "/".to_string(),
            _ => crate::permalink::normalise_site_path(&path)?,
        };
        let query = split.query.and_then(wordpress_query);
        Some((path, query))
    }
}

/// The one query parameter that names a WordPress object (`p=12`, `page_id=3`…), ignoring
/// tracking parameters such as `utm_source`.
fn wordpress_query(query: &str) -> Option<String> {
    const KEYS: [&str; 5] = ["p", "page_id", "attachment_id", "cat", "tag"];
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (KEYS.contains(&key) && !value.is_empty()).then(|| format!("{key}={value}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_absolute_protocol_relative_and_root_relative_urls() {
        let s = split_url("HTTPS://Example.ORG:8080/a/b/?p=1#top").expect("absolute");
        assert_eq!(
            s,
            SplitUrl { host: Some("example.org".into()), path: "/a/b/", query: Some("p=1"), fragment: Some("top") }
        );
        assert_eq!(split_url("//x.org").expect("protocol-relative").host.as_deref(), Some("x.org"));
        assert_eq!(split_url("/?p=3").expect("root").query, Some("p=3"));
        assert_eq!(split_url("mailto:a@b.org"), None);
        assert_eq!(split_url("relative.html"), None);
    }

    #[test]
    fn old_links_map_to_new_paths_with_their_fragment() {
        let mut map = LinkMap::new("https://www.example.org/news");
        assert_eq!(
            map.insert("https://example.org/news/2019/05/07/old/", "/2019/05/old/").as_deref(),
            Some("/2019/05/07/old/")
        );
        assert_eq!(map.insert("https://example.org/news/?p=12", "/2019/05/old/").as_deref(), Some("/?p=12"));
        assert_eq!(map.insert("https://elsewhere.org/x/", "/x/"), None);
        assert_eq!(map.rewrite("http://www.example.org/news/2019/05/07/old#c").as_deref(), Some("/2019/05/old/#c"));
        assert_eq!(map.rewrite("https://example.org/news/?utm_source=x&p=12").as_deref(), Some("/2019/05/old/"));
        assert_eq!(map.rewrite("https://example.org/news/2019/05/07/other/"), None);
        assert_eq!(map.rewrite("https://example.org/2019/05/07/old/"), None, "outside the blog's prefix");
        assert_eq!(
            map.rewrite("/news/2019/05/07/old/").as_deref(),
            Some("/2019/05/old/"),
            "root-relative, with the prefix"
        );
    }

    #[test]
    fn urdu_paths_are_matched_decoded() {
        let mut map = LinkMap::new("https://example.org");
        map.insert("https://example.org/2025/02/%DA%88%DB%8C%D8%AC%DB%8C%D9%B9%D9%84/", "/2025/02/ڈیجیٹل/");
        assert_eq!(map.rewrite("/2025/02/ڈیجیٹل").as_deref(), Some("/2025/02/ڈیجیٹل/"));
    }

    #[test]
    fn upload_urls_on_this_site_and_wordpress_com() {
        let map = LinkMap::new("https://demo.wordpress.com");
        assert_eq!(
            map.upload_path("https://demo.files.wordpress.com/2008/06/a.jpg?w=300").as_deref(),
            Some("2008/06/a.jpg")
        );
        assert_eq!(
            map.upload_path("https://demo.wordpress.com/wp-content/uploads/2024/03/b%20c.png").as_deref(),
            Some("2024/03/b c.png")
        );
        assert_eq!(map.upload_path("/wp-content/uploads/2024/03/d.pdf").as_deref(), Some("2024/03/d.pdf"));
        assert_eq!(map.upload_path("https://other.org/wp-content/uploads/2024/03/e.jpg"), None);
        assert_eq!(map.upload_path("/wp-content/uploads/../../etc/passwd"), None);
    }
}
