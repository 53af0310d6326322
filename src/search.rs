//! Client-side search without a server: a [Pagefind](https://pagefind.app) index built at build
//! time, in memory, with the `pagefind` crate's Rust API, and returned as [`OutputFile`]s under
//! `/pagefind/` (the JS API `pagefind.js`, its WebAssembly and the index chunks).
//!
//! Each published article and page becomes one record: a small synthetic HTML document holding
//! its title and content HTML inside `data-pagefind-body`, and its title, summary, date and
//! image as `data-pagefind-meta`. List pages are not indexed (they only repeat article titles).
//! The whole site is indexed as one language, the site's (`force_language`): Pagefind keeps one
//! index per language and the browser searches only the one matching the search page's
//! `<html lang>`, so per-article languages would hide the Urdu articles from a search made on
//! the English search page. Words are still split per script, so Urdu words find Urdu articles.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::output::{Contents, Origin, OutputFile};
use crate::site::{ImageRef, Site};
use crate::sitemap::xml_escape;

/// Site path of the folder holding the search bundle.
pub const BUNDLE_DIR: &str = "/pagefind/";
/// Site path of the search page (rendered from the theme's optional `search.html`).
pub const SEARCH_PAGE: &str = "/search/";

/// One document to index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRecord {
    /// Site path, without the base URL's path prefix: Pagefind's JS prefixes result URLs with
    /// the folder its bundle was loaded from (`/mirror/pagefind/pagefind.js` → `/mirror/`), so
    /// the index keeps working wherever the site is hosted.
    pub url: String,
    /// The synthetic HTML document Pagefind reads.
    pub html: String,
}

/// The records for every published article and page of `site`, newest article first, made one
/// at a time as the index takes them.
pub fn search_records(site: &Site) -> impl Iterator<Item = SearchRecord> + '_ {
    let base = &site.config.base_url;
    let image_url = move |image: &Option<ImageRef>| match image {
        Some(ImageRef::Site(p)) => Some(base.url(p)),
        Some(ImageRef::External(u)) => Some(u.clone()),
        None => None,
    };
    let articles = site.articles.iter().filter(|a| !a.article.common.draft).map(move |a| {
        let c = &a.article.common;
        let date = a.article.date.strftime("%Y-%m-%d").to_string();
        SearchRecord {
            url: a.path.clone(),
            html: record_html(&c.title, &c.body.html, &c.summary, Some(&date), image_url(&a.image).as_deref()),
        }
    });
    let pages = site.pages.iter().filter(|p| !p.page.common.draft).map(move |p| {
        let c = &p.page.common;
        SearchRecord {
            url: p.page.path.clone(),
            html: record_html(&c.title, &c.body.html, &c.summary, None, image_url(&p.image).as_deref()),
        }
    });
    articles.chain(pages)
}

fn record_html(title: &str, content: &str, summary: &str, date: Option<&str>, image: Option<&str>) -> String {
    let title = xml_escape(title);
    let mut meta = format!(
        "<span data-pagefind-meta=\"title\">{title}</span><span data-pagefind-meta=\"summary\">{}</span>",
        xml_escape(summary)
    );
    if let Some(date) = date {
        meta.push_str(&format!("<span data-pagefind-meta=\"date\">{date}</span>"));
    }
    if let Some(src) = image {
        meta.push_str(&format!("<img data-pagefind-meta=\"image[src]\" src=\"{}\" alt=\"\">", xml_escape(src)));
    }
    format!(
        "<!DOCTYPE html><html><head><title>{title}</title></head><body><main data-pagefind-body><h1>{title}</h1>\n{content}\n</main><div data-pagefind-ignore hidden>{meta}</div></body></html>"
    )
}

/// Pagefind's errors (`anyhow`), with their causes (`{:#}`).
fn fail(e: impl std::fmt::Display) -> Error {
    Error::output(BUNDLE_DIR, format!("building the search index failed: {e:#}"))
}

/// Builds the Pagefind bundle for `records`, indexed as `language`. Returns its files under
/// [`BUNDLE_DIR`].
pub fn search_bundle(records: impl IntoIterator<Item = SearchRecord>, language: &str) -> Result<Vec<OutputFile>> {
    // Pagefind's API is async (it hands parsing to tokio's blocking pool); a current-thread
    // runtime for this call is all it needs, and keeps the rest of the build synchronous.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| Error::output(BUNDLE_DIR, format!("cannot start the indexing runtime: {e}")))?;
    let primary = language.split(['-', '_']).next().unwrap_or("en").to_ascii_lowercase();
    let options = pagefind::options::PagefindServiceConfig::builder().force_language(primary).build();
    let files = runtime.block_on(async {
        let mut index = pagefind::api::PagefindIndex::new(Some(options)).map_err(fail)?;
        for record in records {
            index.add_html_file(None, Some(record.url), record.html).await.map_err(fail)?;
        }
        index.get_files().await.map_err(fail)
    })?;
    let mut out: BTreeMap<String, OutputFile> = BTreeMap::new();
    for file in files {
        let name = file.filename.to_string_lossy().replace('\\', "/");
        let path = format!("{BUNDLE_DIR}{}", name.trim_start_matches('/'));
        out.insert(
            path.clone(),
            OutputFile {
                path,
                contents: Contents::Bytes(file.contents),
                origin: Origin::Generated("the search index".into()),
            },
        );
    }
    Ok(out.into_values().collect())
}

/// The search bundle of `site` (empty when `search: false`).
pub fn search_index(site: &Site) -> Result<Vec<OutputFile>> {
    if !site.config.search {
        return Ok(Vec::new());
    }
    search_bundle(search_records(site), &site.config.language)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_html_escapes_the_title_and_keeps_meta_out_of_the_indexed_body() {
        let html = record_html("A \"quoted\" <title>", "<p>Body</p>", "Sum & more", Some("2024-01-02"), Some("/i.png"));
        assert!(
            html.contains("<main data-pagefind-body><h1>A &quot;quoted&quot; &lt;title&gt;</h1>\n<p>Body</p>\n</main>")
        );
        assert!(html.contains("<div data-pagefind-ignore hidden><span data-pagefind-meta=\"title\">"));
        assert!(html.contains("<span data-pagefind-meta=\"summary\">Sum &amp; more</span>"));
        assert!(html.contains("<img data-pagefind-meta=\"image[src]\" src=\"/i.png\" alt=\"\">"));
    }

    #[test]
    fn bundle_holds_the_js_api_the_wasm_and_the_index() {
        let records = vec![SearchRecord {
            url: "/2024/01/a/".into(),
            html: record_html("Shutdowns", "<p>Internet shutdowns in Balochistan</p>", "", None, None),
        }];
        let files = search_bundle(records, "en").unwrap();
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        for expected in ["/pagefind/pagefind.js", "/pagefind/pagefind-entry.json", "/pagefind/wasm.en.pagefind"] {
            assert!(paths.contains(&expected), "{expected} missing from {paths:?}");
        }
        assert!(paths.iter().any(|p| p.ends_with(".pf_fragment")), "{paths:?}");
        assert!(paths.iter().any(|p| p.ends_with(".pf_index")), "{paths:?}");
    }
}
