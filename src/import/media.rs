//! Where each uploaded file an export refers to is served from in the new site: a copy under
//! `/uploads/` when the uploads folder given with `--uploads` has it, else the file's address
//! on the old site, so the imported site shows its images from the first build (for as long as
//! the old host is up) and never fails on a file it does not have.

use std::path::{Path, PathBuf};

use super::links::{LinkMap, split_url};

/// Decides, for each upload URL, between the local copy and the old site.
#[derive(Debug)]
pub struct MediaPlaces {
    /// Recognises upload URLs on the old site (and WordPress.com's files host).
    links: LinkMap,
    /// A copy of `wp-content/uploads`, when given.
    uploads: Option<PathBuf>,
    /// `https://old.example.org`, for upload URLs written without a host.
    origin: String,
}

/// Where one uploaded file ends up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaPlace {
    /// Its path inside the uploads folder (`2024/03/x.jpg`).
    pub inside: String,
    /// The address the new site uses: `/uploads/2024/03/x.jpg`, or the old absolute URL.
    pub url: String,
    /// Whether the uploads folder has it (then it is copied to `static/uploads/`).
    pub local: bool,
}

impl MediaPlaces {
    /// Places for the site at `base_url` (the export's `wp:base_blog_url` or `<link>`), with
    /// the uploads folder `uploads` if there is one.
    pub fn new(base_url: &str, uploads: Option<&Path>) -> Self {
        let origin = split_url(base_url)
            .and_then(|s| s.host)
            .map(|host| {
                let scheme = if base_url.trim().to_ascii_lowercase().starts_with("http://") { "http" } else { "https" };
                format!("{scheme}://{host}")
            })
            .unwrap_or_default();
        MediaPlaces { links: LinkMap::new(base_url), uploads: uploads.map(Path::to_path_buf), origin }
    }

    /// Where the uploaded file at `url` is served from; `None` when `url` is not an upload of
    /// the old site.
    pub fn place(&self, url: &str) -> Option<MediaPlace> {
        let inside = self.links.upload_path(url)?;
        let local = self.uploads.as_ref().is_some_and(|dir| dir.join(&inside).is_file());
        let url = if local { format!("/uploads/{inside}") } else { self.old_url(url) };
        Some(MediaPlace { inside, url, local })
    }

    /// The absolute address of `url` on the old site: as written when it has a host (with
    /// `https:` before a protocol-relative `//host/…`), else on the export's own host.
    fn old_url(&self, url: &str) -> String {
        let url = url.trim();
        if url.starts_with("//") {
            format!("https:{url}")
        } else if url.starts_with('/') {
            format!("{}{url}", self.origin)
        } else {
            url.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_missing_from_the_folder_stay_on_the_old_site() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("2024/03")).expect("mkdir");
        std::fs::write(dir.path().join("2024/03/here.jpg"), "x").expect("write");
        let places = MediaPlaces::new("https://old.example.org/blog", Some(dir.path()));
        let here = places.place("https://old.example.org/blog/wp-content/uploads/2024/03/here.jpg").expect("upload");
        assert_eq!((here.url.as_str(), here.local), ("/uploads/2024/03/here.jpg", true));
        let gone = places.place("/blog/wp-content/uploads/2024/03/gone.jpg").expect("upload");
        assert_eq!(gone.inside, "2024/03/gone.jpg");
        assert_eq!(
            (gone.url.as_str(), gone.local),
            ("https://old.example.org/blog/wp-content/uploads/2024/03/gone.jpg", false)
        );
        assert_eq!(places.place("https://elsewhere.org/wp-content/uploads/2024/03/here.jpg"), None);
    }

    #[test]
    fn without_an_uploads_folder_every_file_is_on_the_old_site() {
        let places = MediaPlaces::new("https://demo.wordpress.com", None);
        let wpcom = places.place("//demo.files.wordpress.com/2008/06/a.jpg?w=300").expect("upload");
        assert_eq!((wpcom.url.as_str(), wpcom.local), ("https://demo.files.wordpress.com/2008/06/a.jpg?w=300", false));
    }
}
