//! The image formats pamphlet reads and writes.

use serde::{Deserialize, Serialize};

/// Formats pamphlet decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    /// JPEG.
    Jpeg,
    /// PNG.
    Png,
    /// WebP.
    WebP,
    /// GIF.
    Gif,
}

/// A file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileFormat {
    /// JPEG.
    Jpeg,
    /// PNG.
    Png,
    /// WebP.
    WebP,
    /// GIF.
    Gif,
}

impl FileFormat {
    /// The file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            FileFormat::Jpeg => "jpg",
            FileFormat::Png => "png",
            FileFormat::WebP => "webp",
            FileFormat::Gif => "gif",
        }
    }

    /// The MIME type, for `<source type>`.
    pub fn mime(self) -> &'static str {
        match self {
            FileFormat::Jpeg => "image/jpeg",
            FileFormat::Png => "image/png",
            FileFormat::WebP => "image/webp",
            FileFormat::Gif => "image/gif",
        }
    }
}

impl From<SourceFormat> for FileFormat {
    fn from(f: SourceFormat) -> Self {
        match f {
            SourceFormat::Jpeg => FileFormat::Jpeg,
            SourceFormat::Png => FileFormat::Png,
            SourceFormat::WebP => FileFormat::WebP,
            SourceFormat::Gif => FileFormat::Gif,
        }
    }
}
