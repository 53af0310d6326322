//! Processing one source image: check it, publish it without its metadata, and write its
//! resized variants. Everything a user's file can get wrong is a message, never a panic.

use std::io::Cursor;
use std::path::Path;

use bytes::Bytes;
use fast_image_resize::{ResizeOptions, Resizer};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::metadata::Orientation;
use image::{DynamicImage, ImageEncoder, ImageFormat, ImageReader, Limits};
use serde::{Deserialize, Serialize};

use super::format::{FileFormat, SourceFormat};
use super::metadata;
use super::settings::{ImageSettings, VariantFormat};

/// The most pixels a source image may have: 100 megapixels (a 12-megapixel phone photo is an
/// eighth of that). A small file announcing 20,000×20,000 pixels would need 1.6 GB to decode.
pub const PIXEL_LIMIT: u64 = 100_000_000;

/// One file made from a source, in its cache folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MadeFile {
    /// File name in the cache folder (`original`, `800.webp`).
    pub name: String,
    /// Width in pixels.
    pub width: u32,
    /// Its format.
    pub format: FileFormat,
    /// Whether this is the source itself, metadata removed (published at the source's path).
    pub original: bool,
}

/// What processing a source made: its displayed size and its files, the original first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Made {
    /// Width as displayed (after EXIF orientation).
    pub width: u32,
    /// Height as displayed.
    pub height: u32,
    /// Whether the source carried a GPS position.
    pub has_gps: bool,
    /// The files, the original first.
    pub files: Vec<MadeFile>,
}

/// What a source will publish, found from its header and metadata alone (no pixel decoded):
/// the checks a user's file can fail before decoding, and the list of files [`process`]
/// makes, so that pages can be rendered before the image is processed (`pamphlet serve`).
pub struct Plan {
    format: SourceFormat,
    orientation: u8,
    /// The files, sizes and GPS flag [`process`] will produce.
    pub made: Made,
}

/// Plans `bytes` (see [`Plan`]). The error says what is wrong with the file and what to do.
pub fn plan(bytes: &Bytes, settings: &ImageSettings) -> Result<Plan, String> {
    if bytes.is_empty() {
        return Err("is empty (0 bytes): export the image again, or delete the file".into());
    }
    let format = source_format(bytes)?;
    let (stored_w, stored_h) = header_size(bytes, format)?;
    if u64::from(stored_w) * u64::from(stored_h) > PIXEL_LIMIT {
        return Err(format!(
            "is {stored_w}×{stored_h} pixels, more than the {} megapixels pamphlet decodes (a file this large would take gigabytes of memory): resize it before publishing",
            PIXEL_LIMIT / 1_000_000
        ));
    }
    if format == SourceFormat::Jpeg && !jpeg_is_complete(bytes) {
        return Err("is truncated (the JPEG stops before its end marker): export or download it again".into());
    }
    let meta = metadata::inspect(format, bytes);
    let turned = matches!(meta.orientation, 5..=8);
    let (width, height) = if turned { (stored_h, stored_w) } else { (stored_w, stored_h) };
    let own_format = FileFormat::from(format);
    let mut files = vec![MadeFile { name: "original".into(), width, format: own_format, original: true }];
    let mut made = Made { width, height, has_gps: meta.has_gps, files: Vec::new() };
    // An animation is published as it is: a resized first frame would be a still.
    if format == SourceFormat::Gif && metadata::is_animated_gif(bytes) {
        made.files = files;
        return Ok(Plan { format, orientation: meta.orientation, made });
    }
    let variant = |width: u32, format: FileFormat| MadeFile {
        name: format!("{width}.{}", format.extension()),
        width,
        format,
        original: false,
    };
    let widths = settings.widths_descending();
    let widest = widths.first().copied().unwrap_or(width);
    // WebP at the source's own width only when the configured widths do not cover it.
    if settings.wants(VariantFormat::Webp) && own_format != FileFormat::WebP && width < widest {
        files.push(variant(width, FileFormat::WebP));
    }
    for w in widths.into_iter().filter(|w| *w < width) {
        if settings.wants(VariantFormat::Original) && own_format != FileFormat::Gif {
            files.push(variant(w, own_format));
        }
        if settings.wants(VariantFormat::Webp)
            && !(own_format == FileFormat::WebP && settings.wants(VariantFormat::Original))
        {
            files.push(variant(w, FileFormat::WebP));
        }
    }
    made.files = files;
    Ok(Plan { format, orientation: meta.orientation, made })
}

/// Processes `bytes` into `dir` (which exists and is empty): the files of its [`plan`], the
/// original without its metadata first, then the variants widest first, each resized from
/// the one before (a 1200-pixel variant from the 1600, not from 12 megapixels). The error says
/// what is wrong with the file and what to do, to follow its path.
pub fn process(bytes: Vec<u8>, settings: &ImageSettings, dir: &Path) -> Result<Made, String> {
    let bytes = Bytes::from(bytes);
    let Plan { format, orientation, made } = plan(&bytes, settings)?;
    let published =
        if settings.keep_metadata { bytes.to_vec() } else { metadata::strip(format, bytes.clone(), orientation)? };
    write(dir, "original", &published)?;
    if made.files.len() == 1 {
        return Ok(made);
    }
    let mut image = decode(&bytes, format)?;
    if let Some(orientation) = Orientation::from_exif(orientation) {
        image.apply_orientation(orientation);
    }
    let mut current = eight_bit(image);
    let icc = metadata::icc_profile(format, &bytes);
    for file in &made.files[1..] {
        if current.width() != file.width {
            let h = ((u64::from(made.height) * u64::from(file.width) + u64::from(made.width) / 2)
                / u64::from(made.width))
            .max(1) as u32;
            current = resize(&current, file.width, h)?;
        }
        let encoded = encode(&current, file.format, settings.quality, icc.as_deref())?;
        write(dir, &file.name, &encoded)?;
    }
    Ok(made)
}

/// The format the bytes are in, or why pamphlet cannot publish them.
fn source_format(bytes: &[u8]) -> Result<SourceFormat, String> {
    if bytes.get(4..8) == Some(&b"ftyp"[..]) {
        let brand = bytes.get(8..12).unwrap_or_default();
        if [&b"heic"[..], b"heix", b"mif1", b"msf1", b"heim", b"heis", b"hevc"].contains(&brand) {
            return Err("is a HEIC/HEIF photo, which browsers cannot show: export it as JPEG (on a phone, set the camera to \"Most Compatible\") and publish that".into());
        }
        if brand == b"avif" {
            return Err("is AVIF, which pamphlet does not process yet: export it as JPEG, PNG or WebP".into());
        }
    }
    match image::guess_format(bytes) {
        Ok(ImageFormat::Jpeg) => Ok(SourceFormat::Jpeg),
        Ok(ImageFormat::Png) => Ok(SourceFormat::Png),
        Ok(ImageFormat::WebP) => Ok(SourceFormat::WebP),
        Ok(ImageFormat::Gif) => Ok(SourceFormat::Gif),
        Ok(ImageFormat::Tiff) => {
            Err("is a TIFF, which browsers cannot show: export it as JPEG (photos) or PNG (screenshots, drawings)".into())
        }
        Ok(other) => Err(format!(
            "is {}, which pamphlet does not publish: export it as JPEG, PNG, WebP or GIF",
            other.extensions_str().first().unwrap_or(&"an unknown format")
        )),
        Err(_) => Err("is not an image pamphlet can read (not JPEG, PNG, WebP or GIF): the file may be damaged or misnamed; export it again".into()),
    }
}

/// Whether a JPEG's last scan is followed by the end-of-image marker. The decoder fills a
/// truncated photo's missing rows with grey rather than failing, so this is checked first.
/// Inside a scan 0xFF is always followed by 0x00 or a restart marker, so the last start-of-scan
/// marker found is the real one (an EXIF thumbnail's come earlier).
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let Some(last_scan) = bytes.windows(2).rposition(|w| w == [0xFF, 0xDA]) else { return false };
    bytes[last_scan..].windows(2).any(|w| w == [0xFF, 0xD9])
}

fn reader(bytes: &[u8], format: SourceFormat) -> ImageReader<Cursor<&[u8]>> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), image_format(format));
    let mut limits = Limits::default();
    // Width and height each below the pixel limit's square side times 4 (a panorama), and
    // never more memory than the pixel limit in 8-bit RGBA plus the decoders' working space.
    limits.max_alloc = Some(PIXEL_LIMIT * 4 + (256 << 20));
    reader.limits(limits);
    reader
}

fn image_format(format: SourceFormat) -> ImageFormat {
    match format {
        SourceFormat::Jpeg => ImageFormat::Jpeg,
        SourceFormat::Png => ImageFormat::Png,
        SourceFormat::WebP => ImageFormat::WebP,
        SourceFormat::Gif => ImageFormat::Gif,
    }
}

/// Width and height as stored, from the header alone (a decompression bomb is refused before
/// any pixel is decoded).
fn header_size(bytes: &[u8], format: SourceFormat) -> Result<(u32, u32), String> {
    reader(bytes, format).into_dimensions().map_err(|e| damaged(&e))
}

fn decode(bytes: &[u8], format: SourceFormat) -> Result<DynamicImage, String> {
    reader(bytes, format).decode().map_err(|e| damaged(&e))
}

fn damaged(e: &image::ImageError) -> String {
    match e {
        image::ImageError::Limits(_) => format!(
            "needs more memory to decode than pamphlet allows ({e}): resize it to under {} megapixels",
            PIXEL_LIMIT / 1_000_000
        ),
        _ => format!("is damaged or truncated and cannot be decoded ({e}): export or download it again"),
    }
}

/// The image as 8-bit RGB, or RGBA when it has transparency: what the encoders and the
/// resizer take.
fn eight_bit(image: DynamicImage) -> DynamicImage {
    match image {
        DynamicImage::ImageRgb8(_) | DynamicImage::ImageRgba8(_) => image,
        other if other.color().has_alpha() => DynamicImage::ImageRgba8(other.to_rgba8()),
        other => DynamicImage::ImageRgb8(other.to_rgb8()),
    }
}

fn resize(image: &DynamicImage, width: u32, height: u32) -> Result<DynamicImage, String> {
    let mut resized = match image {
        DynamicImage::ImageRgba8(_) => DynamicImage::new_rgba8(width, height),
        _ => DynamicImage::new_rgb8(width, height),
    };
    // Lanczos3 (the default) with alpha premultiplied, as browsers and Hugo resize.
    Resizer::new()
        .resize(image, &mut resized, &ResizeOptions::new())
        .map_err(|e| format!("could not be resized to {width} pixels ({e})"))?;
    Ok(resized)
}

fn encode(image: &DynamicImage, format: FileFormat, quality: u8, icc: Option<&[u8]>) -> Result<Vec<u8>, String> {
    let (w, h) = (image.width(), image.height());
    let failed = |e: &dyn std::fmt::Display| format!("could not be encoded as {} ({e})", format.extension());
    let mut out = Vec::new();
    match format {
        FileFormat::WebP => {
            let encoder = match image {
                DynamicImage::ImageRgba8(rgba) => webp::Encoder::from_rgba(rgba.as_raw(), w, h),
                DynamicImage::ImageRgb8(rgb) => webp::Encoder::from_rgb(rgb.as_raw(), w, h),
                _ => return Err(failed(&"not 8-bit")),
            };
            let encoded = encoder.encode_simple(false, f32::from(quality)).map_err(|e| failed(&format!("{e:?}")))?;
            out.extend_from_slice(&encoded);
        }
        FileFormat::Jpeg => {
            let mut encoder = JpegEncoder::new_with_quality(&mut out, quality);
            if let Some(icc) = icc {
                // A profile that does not fit is left out: the colours are then sRGB's.
                let _ = encoder.set_icc_profile(icc.to_vec());
            }
            let rgb = DynamicImage::ImageRgb8(image.to_rgb8());
            encoder.write_image(rgb.as_bytes(), w, h, rgb.color().into()).map_err(|e| failed(&e))?;
        }
        FileFormat::Png => {
            let mut encoder = PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Adaptive);
            if let Some(icc) = icc {
                let _ = encoder.set_icc_profile(icc.to_vec());
            }
            encoder.write_image(image.as_bytes(), w, h, image.color().into()).map_err(|e| failed(&e))?;
        }
        FileFormat::Gif => return Err(failed(&"GIF variants are not made")),
    }
    Ok(out)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), String> {
    let path = dir.join(name);
    std::fs::write(&path, bytes)
        .map_err(|e| format!("could not be written to the image cache at {} ({e})", path.display()))
}
