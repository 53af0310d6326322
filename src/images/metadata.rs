//! Reading and removing an image's metadata without decoding it: EXIF (GPS position, camera
//! serial, time, owner), XMP, IPTC and comments go; the ICC colour profile, and what the pixels
//! need to look right (JPEG's JFIF and Adobe segments, PNG's gamma and colour chunks), stay.
//! The bytes of the picture itself are copied untouched, so the published original loses no
//! quality.

use bytes::Bytes;
use img_parts::jpeg::Jpeg;
use img_parts::png::Png;
use img_parts::webp::WebP;
use img_parts::{ImageEXIF, ImageICC};

use super::format::SourceFormat;

/// What an image's metadata says that matters to publishing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Metadata {
    /// EXIF orientation, 1 (upright) to 8.
    pub orientation: u8,
    /// Whether EXIF or XMP held a GPS position.
    pub has_gps: bool,
}

/// JPEG markers.
const APP0: u8 = 0xE0;
const APP2: u8 = 0xE2;
const APP14: u8 = 0xEE;
const APP15: u8 = 0xEF;
const COM: u8 = 0xFE;

/// PNG chunks that carry metadata rather than anything the picture needs.
const PNG_METADATA_CHUNKS: [&[u8; 4]; 5] = [b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"];

/// The orientation and GPS presence of `bytes`, an image in `format`. Unreadable metadata
/// counts as none: the decoder reports a broken file.
pub(super) fn inspect(format: SourceFormat, bytes: &Bytes) -> Metadata {
    let (exif, texts) = match format {
        SourceFormat::Jpeg => match Jpeg::from_bytes(bytes.clone()) {
            Ok(jpeg) => {
                let texts =
                    jpeg.segments().iter().filter(|s| s.marker() == 0xE1).map(|s| s.contents().clone()).collect();
                (jpeg.exif(), texts)
            }
            Err(_) => (None, Vec::new()),
        },
        SourceFormat::Png => match Png::from_bytes(bytes.clone()) {
            Ok(png) => {
                let texts = png
                    .chunks()
                    .iter()
                    .filter(|c| [b"tEXt", b"zTXt", b"iTXt"].contains(&&c.kind()))
                    .map(|c| c.contents().clone())
                    .collect();
                (png.exif(), texts)
            }
            Err(_) => (None, Vec::new()),
        },
        SourceFormat::WebP => match WebP::from_bytes(bytes.clone()) {
            Ok(webp) => {
                let xmp = webp.chunk_by_id(*b"XMP ").and_then(|c| c.content().data().cloned());
                (webp.exif(), xmp.into_iter().collect())
            }
            Err(_) => (None, Vec::new()),
        },
        SourceFormat::Gif => (None, gif_blocks(bytes).map(|b| b.metadata).unwrap_or_default()),
    };
    let parsed = exif.and_then(|e| exif::Reader::new().read_raw(e.to_vec()).ok());
    let orientation = parsed
        .as_ref()
        .and_then(|e| e.get_field(exif::Tag::Orientation, exif::In::PRIMARY))
        .and_then(|f| f.value.get_uint(0))
        .and_then(|o| u8::try_from(o).ok())
        .filter(|o| (1..=8).contains(o))
        .unwrap_or(1);
    let exif_gps = parsed.as_ref().is_some_and(|e| {
        e.get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY).is_some()
            || e.get_field(exif::Tag::GPSLongitude, exif::In::PRIMARY).is_some()
    });
    // XMP spells the position out (`exif:GPSLatitude`); a text search finds it in any packet.
    let xmp_gps = texts.iter().any(|t| contains(t, b"GPSLatitude") || contains(t, b"GPSLongitude"));
    Metadata { orientation, has_gps: exif_gps || xmp_gps }
}

/// `bytes` without EXIF, XMP, IPTC and comments. An orientation other than upright is written
/// back as the only EXIF field, so browsers still turn the picture the right way up.
pub(super) fn strip(format: SourceFormat, bytes: Bytes, orientation: u8) -> Result<Vec<u8>, String> {
    let exif = (orientation != 1).then(|| orientation_exif(orientation));
    match format {
        SourceFormat::Jpeg => {
            let mut jpeg = Jpeg::from_bytes(bytes).map_err(|e| {
                format!("is damaged or truncated (not a readable JPEG: {e}): export or download it again")
            })?;
            jpeg.segments_mut().retain(|s| keep_jpeg_segment(s.marker(), s.contents()));
            jpeg.set_exif(exif);
            Ok(jpeg.encoder().bytes().to_vec())
        }
        SourceFormat::Png => {
            let mut png = Png::from_bytes(bytes).map_err(|e| {
                format!("is damaged or truncated (not a readable PNG: {e}): export or download it again")
            })?;
            png.chunks_mut().retain(|c| !PNG_METADATA_CHUNKS.contains(&&c.kind()));
            png.set_exif(exif);
            Ok(png.encoder().bytes().to_vec())
        }
        SourceFormat::WebP => {
            let mut webp = WebP::from_bytes(bytes).map_err(|e| {
                format!("is damaged or truncated (not a readable WebP: {e}): export or download it again")
            })?;
            webp.remove_chunks_by_id(*b"XMP ");
            // Setting the EXIF (or none) also rewrites the VP8X flags to match the chunks left.
            webp.set_exif(exif);
            Ok(webp.encoder().bytes().to_vec())
        }
        SourceFormat::Gif => strip_gif(&bytes),
    }
}

/// The ICC profile of a JPEG or PNG, to carry over to its resized variants.
pub(super) fn icc_profile(format: SourceFormat, bytes: &Bytes) -> Option<Vec<u8>> {
    match format {
        SourceFormat::Jpeg => Jpeg::from_bytes(bytes.clone()).ok()?.icc_profile().map(|b| b.to_vec()),
        SourceFormat::Png => Png::from_bytes(bytes.clone()).ok()?.icc_profile().map(|b| b.to_vec()),
        SourceFormat::WebP | SourceFormat::Gif => None,
    }
}

/// Whether a JPEG segment stays: everything but APPn and comments, and of those JFIF (APP0),
/// the ICC profile (APP2 `ICC_PROFILE`) and Adobe's colour transform (APP14), which decoders
/// need to get the colours right.
fn keep_jpeg_segment(marker: u8, contents: &Bytes) -> bool {
    match marker {
        APP0 => contents.starts_with(b"JFIF\0"),
        APP2 => contents.starts_with(b"ICC_PROFILE\0"),
        APP14 => true,
        APP0..=APP15 | COM => false,
        _ => true,
    }
}

/// A TIFF (EXIF) block holding only an orientation: big-endian header, one IFD, one entry.
fn orientation_exif(orientation: u8) -> Bytes {
    let mut tiff = Vec::with_capacity(26);
    tiff.extend_from_slice(b"MM\0\x2a\0\0\0\x08"); // byte order, magic, offset of the IFD
    tiff.extend_from_slice(&1u16.to_be_bytes()); // one entry
    tiff.extend_from_slice(&0x0112u16.to_be_bytes()); // Orientation
    tiff.extend_from_slice(&3u16.to_be_bytes()); // SHORT
    tiff.extend_from_slice(&1u32.to_be_bytes()); // one value
    tiff.extend_from_slice(&[0, orientation, 0, 0]); // the value, left-aligned
    tiff.extend_from_slice(&0u32.to_be_bytes()); // no next IFD
    Bytes::from(tiff)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A GIF split into what is kept and the metadata blocks' contents.
struct GifBlocks {
    kept: Vec<u8>,
    metadata: Vec<Bytes>,
    frames: usize,
}

/// Walks a GIF's blocks: comments and application extensions other than looping (NETSCAPE2.0,
/// ANIMEXTS1.0) and the ICC profile (ICCRGBG1012) are metadata; XMP lives in one of those.
fn gif_blocks(bytes: &[u8]) -> Result<GifBlocks, String> {
    let truncated = || "is damaged or truncated (the GIF ends early): export or download it again".to_string();
    if bytes.len() < 13 || !(bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a")) {
        return Err("is damaged or truncated (not a readable GIF): export or download it again".into());
    }
    let mut pos = 13 + color_table_len(bytes[10]);
    let mut kept = bytes.get(..pos).ok_or_else(truncated)?.to_vec();
    let mut metadata = Vec::new();
    let mut frames = 0;
    loop {
        match *bytes.get(pos).ok_or_else(truncated)? {
            0x3B => {
                kept.push(0x3B);
                return Ok(GifBlocks { kept, metadata, frames });
            }
            0x21 => {
                let label = *bytes.get(pos + 1).ok_or_else(truncated)?;
                let end = sub_blocks_end(bytes, pos + 2).ok_or_else(truncated)?;
                let block = &bytes[pos..end];
                let application = block.get(3..14).unwrap_or_default();
                let is_metadata = label == 0xFE
                    || (label == 0xFF && ![&b"NETSCAPE2.0"[..], b"ANIMEXTS1.0", b"ICCRGBG1012"].contains(&application));
                if is_metadata {
                    metadata.push(Bytes::copy_from_slice(block));
                } else {
                    kept.extend_from_slice(block);
                }
                pos = end;
            }
            0x2C => {
                let packed = *bytes.get(pos + 9).ok_or_else(truncated)?;
                let data = pos + 10 + color_table_len(packed) + 1; // + LZW minimum code size
                let end = sub_blocks_end(bytes, data).ok_or_else(truncated)?;
                kept.extend_from_slice(&bytes[pos..end]);
                frames += 1;
                pos = end;
            }
            other => {
                return Err(format!(
                    "is damaged or truncated (not a readable GIF: unknown block 0x{other:02X}): export or download it again"
                ));
            }
        }
    }
}

/// Bytes of the colour table a packed field announces.
fn color_table_len(packed: u8) -> usize {
    if packed & 0x80 == 0 { 0 } else { 3 << ((packed & 0x07) + 1) }
}

/// Where the sub-blocks starting at `pos` end (after their zero-length terminator).
fn sub_blocks_end(bytes: &[u8], mut pos: usize) -> Option<usize> {
    loop {
        let len = *bytes.get(pos)? as usize;
        pos += 1 + len;
        if len == 0 {
            return (pos <= bytes.len()).then_some(pos);
        }
    }
}

fn strip_gif(bytes: &[u8]) -> Result<Vec<u8>, String> {
    gif_blocks(bytes).map(|b| b.kept)
}

/// Whether a GIF has more than one frame.
pub(super) fn is_animated_gif(bytes: &[u8]) -> bool {
    gif_blocks(bytes).is_ok_and(|b| b.frames > 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_orientation_block_reads_back() {
        let exif = exif::Reader::new().read_raw(orientation_exif(6).to_vec()).expect("parses");
        let field = exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY).expect("has orientation");
        assert_eq!(field.value.get_uint(0), Some(6));
        assert_eq!(exif.fields().count(), 1);
    }

    #[test]
    fn jpeg_segments_kept_are_the_ones_pixels_need() {
        assert!(keep_jpeg_segment(APP0, &Bytes::from_static(b"JFIF\0rest")));
        assert!(keep_jpeg_segment(APP2, &Bytes::from_static(b"ICC_PROFILE\0\x01\x01")));
        assert!(!keep_jpeg_segment(0xE1, &Bytes::from_static(b"Exif\0\0")));
        assert!(!keep_jpeg_segment(0xED, &Bytes::from_static(b"Photoshop 3.0\0")));
        assert!(!keep_jpeg_segment(COM, &Bytes::from_static(b"taken at home")));
        assert!(keep_jpeg_segment(0xDB, &Bytes::from_static(b"")));
    }

    #[test]
    fn gif_comments_and_xmp_go_and_looping_stays() {
        let mut gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00".to_vec();
        gif.extend_from_slice(b"\x21\xFE\x05hello\x00"); // comment
        gif.extend_from_slice(b"\x21\xFF\x0BNETSCAPE2.0\x03\x01\x00\x00\x00"); // loop
        gif.extend_from_slice(b"\x21\xFF\x0BXMP DataXMP\x03GPS\x00"); // XMP
        gif.extend_from_slice(b"\x2C\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00\x3B");
        let blocks = gif_blocks(&gif).expect("walks");
        assert_eq!(blocks.metadata.len(), 2);
        assert_eq!(blocks.frames, 1);
        assert!(contains(&blocks.kept, b"NETSCAPE2.0"));
        assert!(!contains(&blocks.kept, b"hello") && !contains(&blocks.kept, b"XMP"));
    }
}
