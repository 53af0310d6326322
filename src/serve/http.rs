//! The HTTP side of the dev server: turn a request URL into a site path (refusing anything
//! that tries to leave the site), look it up in the in-memory site, and answer with the file,
//! a redirect, the site's 404 page, or the live-reload event stream. HTML responses get the
//! reload script, and the error overlay while the latest build is broken.
//!
//! Files are served only from the in-memory site: what `build` would write, nothing else. A
//! URL cannot name a file on disk, so `..`, symlinks and absolute paths cannot reach one; they
//! are still refused early with a 400 so that no lookup ever sees them.

use std::io::{Cursor, Write};
use std::sync::Arc;
use std::time::Duration;

use super::reload::{self, EVENTS_PATH};
use super::search::SearchFiles;
use super::state::{ServeState, SiteFiles};

/// How often an idle event stream gets a comment, so dead connections are noticed.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// What to answer.
#[derive(Debug)]
pub enum Reply {
    /// A body with a status and content type.
    Body {
        /// HTTP status.
        status: u16,
        /// Content-Type header.
        content_type: &'static str,
        /// The bytes.
        body: Arc<[u8]>,
        /// The security headers `build` writes to `_headers` (see [`crate::headers`]).
        security: Vec<(&'static str, String)>,
    },
    /// A redirect to `location`.
    Redirect {
        /// 301 or 302.
        status: u16,
        /// Where to.
        location: String,
    },
    /// The live-reload event stream.
    Events,
}

impl Reply {
    fn text(status: u16, text: &str) -> Reply {
        Reply::Body {
            status,
            content_type: "text/plain; charset=utf-8",
            body: text.as_bytes().into(),
            security: Vec::new(),
        }
    }
}

/// Answers one request (on its own thread: an event stream holds it until the page goes).
pub fn handle(state: &ServeState, request: tiny_http::Request) {
    let method = request.method().as_str().to_string();
    let reply = route(state, &method, request.url());
    // A failed respond means the browser went away; there is no one left to tell.
    let _ = match reply {
        Reply::Body { status, content_type, body, security } => {
            let len = body.len();
            let ours: [(&str, &str); 2] = [("Content-Type", content_type), ("Cache-Control", "no-store")];
            let theirs = security.iter().map(|(name, value)| (*name, value.as_str()));
            let headers: Vec<_> =
                ours.into_iter().chain(theirs).filter_map(|(name, value)| header(name, value)).collect();
            let response =
                tiny_http::Response::new(tiny_http::StatusCode(status), headers, Cursor::new(body), Some(len), None);
            request.respond(response)
        }
        Reply::Redirect { status, location } => {
            let mut response = tiny_http::Response::empty(tiny_http::StatusCode(status));
            for h in [header("Location", &location), header("Cache-Control", "no-store")].into_iter().flatten() {
                response.add_header(h);
            }
            request.respond(response)
        }
        Reply::Events => stream_events(state, request),
    };
}

/// A response header, `None` when it cannot be sent: HTTP/1.1 headers are ASCII. Ours always
/// are (content types, and URLs passed through `urls::encode_for_header`); a security policy
/// built from a site's content (an embed host's name) might not be, and the preview then goes
/// without that header rather than failing the request.
fn header(name: &str, value: &str) -> Option<tiny_http::Header> {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

/// Writes the event stream by hand: tiny_http's own chunked responses buffer their output,
/// and an event must reach the page the moment it is sent.
fn stream_events(state: &ServeState, request: tiny_http::Request) -> std::io::Result<()> {
    let Some(messages) = state.reload.subscribe() else {
        return request.respond(tiny_http::Response::empty(tiny_http::StatusCode(503)));
    };
    let mut out = request.into_writer();
    out.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n: connected\n\n",
    )?;
    out.flush()?;
    loop {
        match messages.recv_timeout(KEEPALIVE) {
            Ok(frame) => out.write_all(frame.as_bytes())?,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => out.write_all(b": keep-alive\n\n")?,
            // The server is shutting down.
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
        }
        out.flush()?;
    }
}

/// Decides the answer to `method url`.
pub fn route(state: &ServeState, method: &str, url: &str) -> Reply {
    if method != "GET" && method != "HEAD" {
        return Reply::text(405, "405 method not allowed: the preview server only answers GET and HEAD");
    }
    let (raw_path, query) = match url.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (url, None),
    };
    if raw_path == EVENTS_PATH {
        return Reply::Events;
    }
    let path = match sanitize(raw_path) {
        Ok(p) => p,
        Err(why) => return Reply::text(400, &format!("400 bad request: {why}")),
    };
    let failure = state.failure();
    let Some(site) = state.site() else {
        // No build has succeeded yet: every page is the error.
        let page = failure.map(|f| f.page.clone()).unwrap_or_else(|| "The site is being built…".into());
        return html(500, inject(page.as_bytes(), None, None, &[]));
    };
    let overlay = failure.as_ref().map(|f| f.overlay.as_str());
    match lookup(&site, state.search().as_deref(), &path) {
        Found::File(site_path, bytes) => {
            let content_type = content_type(&site_path);
            if content_type.starts_with("text/html") {
                html(200, inject(&bytes, overlay, None, &site.headers))
            } else {
                Reply::Body { status: 200, content_type, body: bytes, security: site.headers.clone() }
            }
        }
        Found::Directory => {
            let query = query.map(|q| format!("?{q}")).unwrap_or_default();
            Reply::Redirect { status: 301, location: crate::urls::encode_for_header(&format!("{raw_path}/{query}")) }
        }
        Found::Prefix => Reply::Redirect { status: 302, location: crate::urls::encode_for_header(&site.prefix) },
        Found::Failed(message) => Reply::text(500, &message),
        Found::Nothing => not_found(&site, overlay),
    }
}

fn html(status: u16, (body, security): (Vec<u8>, Vec<(&'static str, String)>)) -> Reply {
    Reply::Body { status, content_type: "text/html; charset=utf-8", body: body.into(), security }
}

/// `page` with the reload script (and the overlay, while a build is broken), and the site's
/// security headers widened for exactly what was put in.
fn inject(
    page: &[u8],
    overlay: Option<&str>,
    not_found: Option<&str>,
    security: &[(&'static str, String)],
) -> (Vec<u8>, Vec<(&'static str, String)>) {
    let mut snippet = overlay.unwrap_or_default().to_string();
    snippet.push_str(&reload::script(not_found));
    (reload::inject(page, &snippet), crate::headers::with_snippet(security, &snippet))
}

/// The site's own 404 page (its `404.html`) with status 404, plus a link home when the theme's
/// page lacks one: a deleted article must leave the reader a way back.
fn not_found(site: &SiteFiles, overlay: Option<&str>) -> Reply {
    let home = format!("href=\"{}\"", site.prefix);
    let page: Vec<u8> = match site.files.get("/404.html") {
        Some(page) => page.to_vec(),
        None => b"<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Not found</title></head>\n<body>\n<h1>Not found</h1>\n</body>\n</html>\n".to_vec(),
    };
    let has_home_link = page.windows(home.len()).any(|w| w == home.as_bytes());
    let mut extra = overlay.unwrap_or_default().to_string();
    if !has_home_link {
        extra.push_str(&format!(
            "<p data-pamphlet-serve>There is no page here (any more). Go to the <a {home}>home page</a>.</p>\n"
        ));
    }
    let not_found_url = format!("{}404.html", site.prefix);
    extra.push_str(&reload::script(Some(&not_found_url)));
    html(404, (reload::inject(&page, &extra), crate::headers::with_snippet(&site.headers, &extra)))
}

enum Found {
    /// A file: its site path and bytes.
    File(String, Arc<[u8]>),
    /// A folder with an index page, asked for without the trailing slash.
    Directory,
    /// `/` of a site served under a prefix.
    Prefix,
    /// An image that could not be processed: why.
    Failed(String),
    Nothing,
}

/// Looks a clean URL path up in the site: `/dir/` and `/dir/index.html` are the folder's page,
/// `/dir` redirects to `/dir/`, and paths outside the base URL's prefix do not exist.
fn lookup(site: &SiteFiles, search: Option<&SearchFiles>, url_path: &str) -> Found {
    let prefix = site.prefix.as_str();
    let site_path = if prefix == "/" {
        url_path.to_string()
    } else if let Some(rest) = url_path.strip_prefix(prefix) {
        format!("/{rest}")
    } else if url_path == "/" {
        return Found::Prefix;
    } else if format!("{url_path}/") == prefix {
        return Found::Directory;
    } else {
        return Found::Nothing;
    };
    if let Some(bytes) = site.files.get(site_path.as_str()) {
        let served_as = if site_path.ends_with('/') { format!("{site_path}index.html") } else { site_path };
        return Found::File(served_as, bytes.clone());
    }
    // The search index, built in the background: the latest one ready.
    if let Some(bytes) = search.and_then(|files| files.get(site_path.as_str())) {
        return Found::File(site_path, bytes.clone());
    }
    if let Some((job, file)) = site.later.get(site_path.as_str()) {
        // An image not processed yet: this request waits for it (the rest of the site does not).
        return match job.ensure().and_then(|()| std::fs::read(file).map_err(|e| e.to_string())) {
            Ok(bytes) => Found::File(site_path, bytes.into()),
            Err(message) => Found::Failed(format!(
                "500: {} could not be processed: this image {message}",
                job.pending().origin().display()
            )),
        };
    }
    if let Some(dir) = site_path.strip_suffix("index.html").filter(|d| d.ends_with('/'))
        && let Some(bytes) = site.files.get(dir)
    {
        return Found::File(site_path.clone(), bytes.clone());
    }
    if !site_path.ends_with('/') && site.files.contains_key(format!("{site_path}/").as_str()) {
        return Found::Directory;
    }
    Found::Nothing
}

/// The decoded path of a request URL (query removed), or why it is refused: it must be an
/// absolute path (`/…`, not `http://…` or `*`), well-formed percent escapes, UTF-8, without
/// NUL bytes, backslashes, encoded slashes, empty segments (`//etc`) or `.`/`..` segments.
pub fn sanitize(raw_path: &str) -> Result<String, &'static str> {
    if !raw_path.starts_with('/') {
        return Err("the path must start with /");
    }
    let lower = raw_path.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") {
        return Err("encoded slashes are not allowed");
    }
    let bytes = crate::urls::decode_strict(raw_path).ok_or("malformed percent escape")?;
    if bytes.contains(&0) {
        return Err("NUL bytes are not allowed");
    }
    let path = String::from_utf8(bytes).map_err(|_| "the path is not UTF-8")?;
    if path.contains('\\') {
        return Err("backslashes are not allowed");
    }
    let segments: Vec<&str> = path[1..].split('/').collect();
    let last = segments.len() - 1;
    for (i, segment) in segments.iter().enumerate() {
        if *segment == "." || *segment == ".." {
            return Err("`.` and `..` are not allowed");
        }
        if segment.is_empty() && i != last {
            return Err("empty path segments are not allowed");
        }
    }
    Ok(path)
}

/// The Content-Type for a site path, by extension; folders (`/a/`) are HTML.
pub fn content_type(site_path: &str) -> &'static str {
    let name = site_path.rsplit('/').next().unwrap_or_default();
    let ext = match name.rsplit_once('.') {
        Some((_, ext)) => ext.to_ascii_lowercase(),
        None if site_path.ends_with('/') => "html".into(),
        None => String::new(),
    };
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" => "application/xml",
        "rss" => "application/rss+xml",
        "atom" => "application/atom+xml",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "wasm" => "application/wasm",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_paths_pass_decoded() {
        assert_eq!(sanitize("/").unwrap(), "/");
        assert_eq!(sanitize("/2023/09/x/").unwrap(), "/2023/09/x/");
        assert_eq!(sanitize("/files/annual%20report.pdf").unwrap(), "/files/annual report.pdf");
        assert_eq!(sanitize("/tag/%D8%A7%D8%B1%D8%AF%D9%88/").unwrap(), "/tag/اردو/");
        assert_eq!(sanitize("/a..b/").unwrap(), "/a..b/");
    }

    #[test]
    fn traversal_and_odd_paths_are_refused() {
        for bad in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/a/..",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/%2E%2E/etc/passwd",
            "/.%2e/x",
            "/a%2f..%2f..%2fetc",
            "/a%5c..%5cetc",
            "/a\\..\\etc",
            "//etc/passwd",
            "/a//b",
            "/./a",
            "/a%00.html",
            "/%ff",
            "/%zz",
            "/%2",
            "etc/passwd",
            "http://example.org/etc/passwd",
            "*",
        ] {
            assert!(sanitize(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(content_type("/a/"), "text/html; charset=utf-8");
        assert_eq!(content_type("/404.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("/style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("/x/PHOTO.JPG"), "image/jpeg");
        assert_eq!(content_type("/font.woff2"), "font/woff2");
        assert_eq!(content_type("/sitemap.xml"), "application/xml");
        assert_eq!(content_type("/LICENSE"), "application/octet-stream");
    }

    fn site(prefix: &str, paths: &[&str]) -> SiteFiles {
        SiteFiles {
            headers: Vec::new(),
            prefix: prefix.into(),
            files: paths.iter().map(|p| (Arc::from(*p), Arc::from(p.as_bytes()))).collect(),
            later: std::collections::HashMap::new(),
        }
    }

    #[test]
    fn folders_are_their_index_and_redirect_without_a_slash() {
        let s = site("/", &["/", "/a/", "/style.css"]);
        assert!(matches!(lookup(&s, None, "/a/"), Found::File(p, _) if p == "/a/index.html"));
        assert!(matches!(lookup(&s, None, "/a/index.html"), Found::File(p, _) if p == "/a/index.html"));
        assert!(matches!(lookup(&s, None, "/a"), Found::Directory));
        assert!(matches!(lookup(&s, None, "/style.css"), Found::File(..)));
        assert!(matches!(lookup(&s, None, "/style.css/"), Found::Nothing));
        assert!(matches!(lookup(&s, None, "/b/"), Found::Nothing));
    }

    #[test]
    fn a_prefixed_site_lives_under_its_prefix() {
        let s = site("/mirror/", &["/", "/a/"]);
        assert!(matches!(lookup(&s, None, "/mirror/a/"), Found::File(..)));
        assert!(matches!(lookup(&s, None, "/mirror/"), Found::File(..)));
        assert!(matches!(lookup(&s, None, "/mirror"), Found::Directory));
        assert!(matches!(lookup(&s, None, "/"), Found::Prefix));
        assert!(matches!(lookup(&s, None, "/a/"), Found::Nothing));
    }
}
