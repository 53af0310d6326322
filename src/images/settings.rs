//! The `images:` settings of `site.yaml`: which widths and formats every published raster
//! image is resized to, the quality of the lossy encoders, and whether metadata is kept.

use serde::Deserialize;

/// The narrowest and widest variant a site may ask for.
const WIDTH_RANGE: std::ops::RangeInclusive<u32> = 16..=8192;

/// `images:` in `site.yaml`; each key is optional and these are the defaults when absent.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImageSettings {
    /// Widths of the resized variants, in pixels (never wider than the source).
    pub widths: Vec<u32>,
    /// Quality of the lossy encoders (JPEG, WebP), 1 to 100.
    pub quality: u8,
    /// Formats each variant is written in.
    pub formats: Vec<VariantFormat>,
    /// Publish EXIF, XMP, IPTC and comments as they are (off: they are removed).
    pub keep_metadata: bool,
}

/// A format variants are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VariantFormat {
    /// Lossy WebP.
    Webp,
    /// The source's own format (JPEG, PNG; GIF sources get WebP variants only).
    Original,
}

impl Default for ImageSettings {
    fn default() -> Self {
        ImageSettings {
            widths: vec![480, 800, 1200, 1600],
            quality: 80,
            formats: vec![VariantFormat::Webp, VariantFormat::Original],
            keep_metadata: false,
        }
    }
}

impl ImageSettings {
    /// What is wrong with these settings, one message each.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if let Some(w) = self.widths.iter().find(|w| !WIDTH_RANGE.contains(w)) {
            problems.push(format!(
                "images: widths: {w} is out of range: each width must be between {} and {} pixels",
                WIDTH_RANGE.start(),
                WIDTH_RANGE.end()
            ));
        }
        if !(1..=100).contains(&self.quality) {
            problems.push(format!("images: quality: {} must be between 1 and 100 (80 is a good start)", self.quality));
        }
        if self.formats.is_empty() {
            problems.push("images: formats is empty: list `webp`, `original` or both".to_string());
        }
        problems
    }

    /// The widths, widest first, without repeats.
    pub fn widths_descending(&self) -> Vec<u32> {
        let mut widths = self.widths.clone();
        widths.sort_unstable_by(|a, b| b.cmp(a));
        widths.dedup();
        widths
    }

    /// Whether variants are written in `format`.
    pub fn wants(&self, format: VariantFormat) -> bool {
        self.formats.contains(&format)
    }
}
