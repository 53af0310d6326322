//! `<img>` in an article's HTML (from Markdown `![alt](src)` or raw `<img>`) made responsive:
//! each image of this site that was processed gets `srcset`, `sizes`, `width`, `height`,
//! `loading="lazy"` and `decoding="async"`, inside a `<picture>` offering its WebP variants.

use lol_html::html_content::ContentType;
use lol_html::{element, rewrite_str};

use super::{ImageSet, PublishedImage};
use crate::escape::html_attribute;

/// `sizes` for an image in an article's text: the full width of a phone's screen, at most the
/// text column (about 45rem in the default theme, 720 CSS pixels).
pub const CONTENT_SIZES: &str = "(max-width: 760px) 100vw, 720px";

/// `html` with its processed images made responsive; `None` when it shows none. `resolve`
/// turns an `src` into the site path of its file (or `None`: another host); `url` turns a
/// site path into a URL.
pub fn responsive(
    html: &str,
    images: &ImageSet,
    resolve: &dyn Fn(&str) -> Option<String>,
    url: &dyn Fn(&str) -> String,
) -> Option<String> {
    if images.is_empty() || !html.contains("<img") {
        return None;
    }
    let settings = lol_html::Settings::new().append_element_content_handler(element!("img[src]", |el| {
        let Some(src) = el.get_attribute("src") else { return Ok(()) };
        let Some(image) = resolve(&src).and_then(|path| images.get(&path)) else { return Ok(()) };
        let sizes = el.get_attribute("sizes").unwrap_or_else(|| CONTENT_SIZES.to_string());
        for (name, value) in img_attributes(image, url, &sizes) {
            if name == "src" || el.get_attribute(name).is_none() {
                el.set_attribute(name, &value)?;
            }
        }
        if el.get_attribute("width").is_none() || el.get_attribute("height").is_none() {
            el.set_attribute("width", &image.width.to_string())?;
            el.set_attribute("height", &image.height.to_string())?;
        }
        if let Some(source) = webp_source(image, url, &sizes) {
            el.before(&format!("<picture>{source}"), ContentType::Html);
            el.after("</picture>", ContentType::Html);
        }
        Ok(())
    }));
    // The parser tolerates malformed HTML; an error means one of its limits was hit, and the
    // HTML is then shown as it was.
    rewrite_str(html, settings).ok()
}

/// The `<img>` attributes of a processed image (apart from width and height).
fn img_attributes(image: &PublishedImage, url: &dyn Fn(&str) -> String, sizes: &str) -> Vec<(&'static str, String)> {
    let fallback = image.fallback_files();
    let mut attributes = vec![("src", url(&image.src().site_path))];
    if fallback.len() > 1 {
        attributes.push(("srcset", PublishedImage::srcset(&fallback, url)));
        attributes.push(("sizes", sizes.to_string()));
    }
    attributes.push(("loading", "lazy".into()));
    attributes.push(("decoding", "async".into()));
    attributes
}

/// The `<source>` offering an image's WebP variants, when it has any and is not a WebP itself.
fn webp_source(image: &PublishedImage, url: &dyn Fn(&str) -> String, sizes: &str) -> Option<String> {
    let webp = image.webp_files();
    if webp.is_empty() || image.format == super::FileFormat::WebP {
        return None;
    }
    Some(format!(
        "<source type=\"image/webp\" srcset=\"{}\" sizes=\"{}\">",
        html_attribute(&PublishedImage::srcset(&webp, url)),
        html_attribute(sizes)
    ))
}
