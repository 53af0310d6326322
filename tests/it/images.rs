//! Images (issue 17): every published raster image loses its metadata (GPS above all) and gets
//! resized WebP and original-format variants, shown as <picture> with srcset, width and
//! height; the cache makes a second build process nothing; broken files are reported, all of
//! them, and the old output stays. Test images are generated here, not committed.

use std::io::Cursor;
use std::path::Path;

use crate::common;
use crate::common::{SiteTest, article, snapshot};
use exif::{Field, In, Rational, Tag, Value};
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, GenericImageView, ImageEncoder, Rgb, RgbImage};
use img_parts::jpeg::Jpeg;
use img_parts::png::Png;
use img_parts::webp::WebP;
use img_parts::{Bytes, ImageEXIF, ImageICC};

/// A site.yaml for the built-in theme.
const SITE_YAML: &str = "title: Test Site\nbase_url: https://example.org\npaginate: 10\n";

/// A JPEG of `w`×`h`: the top half red, the bottom half blue.
fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |_, y| if y < h / 2 { Rgb([220, 20, 20]) } else { Rgb([20, 20, 220]) });
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 90)
        .write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
        .expect("encodes");
    out
}

/// A PNG screenshot-like image of `w`×`h`.
fn png(w: u32, h: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
    let mut out = Vec::new();
    DynamicImage::ImageRgb8(img).write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png).expect("encodes");
    out
}

/// EXIF as a phone writes it: orientation, a GPS position, the camera's serial number.
fn phone_exif(orientation: u16) -> Vec<u8> {
    let orientation = Field { tag: Tag::Orientation, ifd_num: In::PRIMARY, value: Value::Short(vec![orientation]) };
    let serial =
        Field { tag: Tag::BodySerialNumber, ifd_num: In::PRIMARY, value: Value::Ascii(vec![b"SN-12345".to_vec()]) };
    let lat_ref = Field { tag: Tag::GPSLatitudeRef, ifd_num: In::PRIMARY, value: Value::Ascii(vec![b"N".to_vec()]) };
    let dms = |d, m, s| {
        Value::Rational(vec![
            Rational { num: d, denom: 1 },
            Rational { num: m, denom: 1 },
            Rational { num: s, denom: 100 },
        ])
    };
    let lat = Field { tag: Tag::GPSLatitude, ifd_num: In::PRIMARY, value: dms(33, 41, 2964) };
    let lon = Field { tag: Tag::GPSLongitude, ifd_num: In::PRIMARY, value: dms(73, 2, 5112) };
    let mut writer = exif::experimental::Writer::new();
    for f in [&orientation, &serial, &lat_ref, &lat, &lon] {
        writer.push_field(f);
    }
    let mut out = Cursor::new(Vec::new());
    writer.write(&mut out, false).expect("writes EXIF");
    out.into_inner()
}

/// A JPEG with every kind of metadata: EXIF (GPS, serial, orientation), XMP, IPTC, a comment
/// and an ICC profile.
fn phone_jpeg(w: u32, h: u32, orientation: u16) -> Vec<u8> {
    let mut jpeg = Jpeg::from_bytes(Bytes::from(jpeg(w, h))).expect("parses");
    jpeg.set_exif(Some(Bytes::from(phone_exif(orientation))));
    let segment = img_parts::jpeg::JpegSegment::new_with_contents;
    let xmp = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><rdf:Description exif:GPSLatitude=\"33,41.49N\"/></x:xmpmeta>";
    jpeg.segments_mut().insert(3, segment(0xE1, Bytes::from_static(xmp)));
    jpeg.segments_mut().insert(3, segment(0xED, Bytes::from_static(b"Photoshop 3.0\08BIM\x04\x04by-line: source")));
    jpeg.segments_mut().insert(3, segment(0xFE, Bytes::from_static(b"taken at the safe house")));
    jpeg.set_icc_profile(Some(Bytes::from_static(b"fake-but-kept-icc-profile")));
    jpeg.encoder().bytes().to_vec()
}

fn dimensions(path: &Path) -> (u32, u32) {
    image::ImageReader::open(path)
        .expect("opens")
        .with_guessed_format()
        .expect("reads")
        .into_dimensions()
        .expect("decodes")
}

fn site_with_photo(photo: Vec<u8>) -> SiteTest {
    let t = SiteTest::new()
        .file("site.yaml", SITE_YAML)
        .without_test_theme()
        .file(
            "content/2026/street.md",
            &article(
                "Street",
                "2026-01-02",
                "image: /images/photo.jpg\nimage_alt: A protest\n",
                "Text.\n\n![A screenshot](/images/screen.png)\n",
            ),
        )
        .file("content/2026/other.md", &article("Other", "2026-01-01", "image: /images/photo.jpg\n", "More text."));
    write(t.root(), "static/images/photo.jpg", &photo);
    write(t.root(), "static/images/screen.png", &png(1000, 600));
    t
}

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
    std::fs::write(path, bytes).expect("write");
}

#[test]
fn variants_have_the_configured_widths_and_formats_and_never_upscale() {
    let built = site_with_photo(jpeg(2000, 1000)).build();
    for w in [480, 800, 1200, 1600] {
        for ext in ["jpg", "webp"] {
            let file = built.file_for(&format!("/images/photo-{w}w.{ext}"));
            assert_eq!(dimensions(&file), (w, w / 2), "{}", file.display());
        }
    }
    assert!(!built.exists("/images/photo-2000w.webp"), "the widths cover the photo: no full-size WebP");
    assert_eq!(dimensions(&built.file_for("/images/photo.jpg")), (2000, 1000));
    // 1000 pixels wide: 480 and 800 (never 1200 or 1600), and WebP at its own width.
    for (path, size) in [
        ("/images/screen-480w.png", (480, 288)),
        ("/images/screen-800w.png", (800, 480)),
        ("/images/screen-480w.webp", (480, 288)),
        ("/images/screen-1000w.webp", (1000, 600)),
    ] {
        assert_eq!(dimensions(&built.file_for(path)), size, "{path}");
    }
    assert!(!built.exists("/images/screen-1200w.png") && !built.exists("/images/screen-1200w.webp"));
    assert_eq!(
        image::guess_format(&std::fs::read(built.file_for("/images/photo-800w.webp")).expect("read")).ok(),
        Some(image::ImageFormat::WebP)
    );
}

#[test]
fn settings_choose_widths_and_formats() {
    let t = site_with_photo(jpeg(2000, 1000))
        .file("site.yaml", &format!("{SITE_YAML}images:\n  widths: [300, 900]\n  formats: [webp]\n  quality: 60\n"));
    let built = t.build();
    assert!(built.exists("/images/photo-300w.webp") && built.exists("/images/photo-900w.webp"));
    assert!(!built.exists("/images/photo-300w.jpg"), "no original-format variants when formats is [webp]");
    assert!(!built.exists("/images/photo-480w.webp"));
}

#[test]
fn bad_settings_are_config_errors() {
    let t = site_with_photo(jpeg(100, 100))
        .file("site.yaml", &format!("{SITE_YAML}images:\n  widths: [0]\n  quality: 101\n"));
    let e = t.build_err().to_string();
    assert!(e.contains("site.yaml") && e.contains("widths: 0 is out of range") && e.contains("quality: 101"), "{e}");
}

#[test]
fn featured_inline_and_card_images_are_pictures_with_srcset_and_size() {
    let built = site_with_photo(jpeg(2000, 1000)).build();
    let page = built.html("/2026/01/street/");
    let sel = |css: &str| scraper::Selector::parse(css).expect("selector");
    let featured = page.select(&sel("figure.featured picture > img")).next().expect("featured <picture>");
    assert_eq!(featured.attr("width"), Some("2000"));
    assert_eq!(featured.attr("height"), Some("1000"));
    assert_eq!(featured.attr("fetchpriority"), Some("high"));
    assert_eq!(featured.attr("loading"), None, "the featured image loads at once");
    assert_eq!(featured.attr("src"), Some("/images/photo-800w.jpg"));
    let srcset = featured.attr("srcset").expect("srcset");
    assert!(srcset.contains("/images/photo-480w.jpg 480w") && srcset.contains("/images/photo.jpg 2000w"), "{srcset}");
    let source =
        page.select(&sel("figure.featured picture > source[type=\"image/webp\"]")).next().expect("WebP source");
    assert!(source.attr("srcset").expect("srcset").contains("/images/photo-1600w.webp 1600w"));
    assert!(source.attr("sizes").is_some());

    let inline = page.select(&sel(".prose picture > img")).next().expect("inline <picture>");
    assert_eq!((inline.attr("width"), inline.attr("height")), (Some("1000"), Some("600")));
    assert_eq!(inline.attr("loading"), Some("lazy"));
    assert_eq!(inline.attr("alt"), Some("A screenshot"));
    assert!(inline.attr("srcset").expect("srcset").contains("/images/screen-480w.png 480w"));
    assert!(page.select(&sel(".prose picture > source[type=\"image/webp\"]")).next().is_some());

    let home = built.html("/");
    let cards: Vec<_> = home.select(&sel(".card picture > img.card-image")).collect();
    assert_eq!(cards.len(), 2, "both cards show the photo as a <picture>");
    for card in &cards {
        assert!(card.attr("width").is_some() && card.attr("height").is_some());
        assert_eq!(card.attr("src"), Some("/images/photo-800w.jpg"), "one small file for browsers without WebP");
    }
    let sources: Vec<_> = home.select(&sel(".card picture > source[type=\"image/webp\"]")).collect();
    assert_eq!(sources.len(), 2);
    for source in sources {
        let srcset = source.attr("srcset").expect("srcset");
        assert!(srcset.contains("/images/photo-480w.webp 480w"), "{srcset}");
        assert!(
            !srcset.contains("1600w") && !srcset.contains("1200w") && !srcset.contains("2000w"),
            "a card offers small variants only: {srcset}"
        );
    }
    assert!(cards.iter().filter(|c| c.attr("loading") == Some("lazy")).count() >= 1, "cards after the lead are lazy");
}

/// Every image file under `out`.
fn published_images(out: &Path) -> Vec<std::path::PathBuf> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .map(|e| e.expect("walk").into_path())
        .filter(|p| p.extension().is_some_and(|e| ["jpg", "png", "webp"].contains(&e.to_string_lossy().as_ref())))
        .collect()
}

/// Whether the EXIF block has a GPS position or a serial number.
fn exif_leaks(exif: Option<Bytes>) -> bool {
    let Some(exif) = exif else { return false };
    let parsed = exif::Reader::new().read_raw(exif.to_vec()).expect("EXIF parses");
    parsed.fields().any(|f| matches!(f.tag, Tag::GPSLatitude | Tag::GPSLongitude | Tag::BodySerialNumber))
}

#[test]
fn no_published_image_has_gps_xmp_iptc_or_comments_and_icc_is_kept() {
    let t = site_with_photo(phone_jpeg(1700, 900, 1));
    let built = t.build();
    let files = published_images(built.out());
    assert!(files.len() >= 10, "original and variants: {files:?}");
    for file in &files {
        let bytes = Bytes::from(std::fs::read(file).expect("read"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("GPSLatitude") && !text.contains("safe house") && !text.contains("by-line"),
            "{}",
            file.display()
        );
        match file.extension().and_then(|e| e.to_str()) {
            Some("jpg") => {
                let jpeg = Jpeg::from_bytes(bytes).expect("JPEG");
                assert!(!exif_leaks(jpeg.exif()), "{}", file.display());
                assert!(
                    jpeg.segments().iter().all(|s| ![0xE1, 0xED, 0xFE].contains(&s.marker())),
                    "{}",
                    file.display()
                );
                assert_eq!(
                    jpeg.icc_profile().as_deref(),
                    Some(&b"fake-but-kept-icc-profile"[..]),
                    "ICC kept: {}",
                    file.display()
                );
            }
            Some("png") => assert!(!exif_leaks(Png::from_bytes(bytes).expect("PNG").exif())),
            Some("webp") => {
                let webp = WebP::from_bytes(bytes).expect("WebP");
                assert!(webp.exif().is_none() && !webp.has_chunk(*b"XMP "), "{}", file.display());
            }
            _ => unreachable!(),
        }
    }
    let gps: Vec<_> = built.report.warnings.iter().filter(|w| w.code == "image-gps").collect();
    assert_eq!(gps.len(), 1, "{:?}", built.report.warnings);
    assert_eq!(
        gps[0].to_string(),
        "static/images/photo.jpg: GPS position removed from the published copy; the original in the repository still has it"
    );
}

#[test]
fn check_lists_the_photos_that_carried_gps() {
    let t = site_with_photo(phone_jpeg(640, 480, 1));
    let build = pamphlet::BuildOptions { now: Some(common::now()), ..pamphlet::BuildOptions::new(t.root()) };
    let report = pamphlet::check::check(&pamphlet::check::CheckOptions { build, external: false }).expect("checks");
    let gps: Vec<String> = report.warnings.iter().filter(|w| w.code == "image-gps").map(|w| w.to_string()).collect();
    assert_eq!(gps.len(), 1, "{gps:?}");
    assert!(gps[0].starts_with("static/images/photo.jpg: GPS position removed"), "{gps:?}");
}

#[test]
fn keep_metadata_publishes_the_original_as_it_is() {
    let photo = phone_jpeg(900, 600, 1);
    let t = site_with_photo(photo.clone()).file("site.yaml", &format!("{SITE_YAML}images:\n  keep_metadata: true\n"));
    let built = t.build();
    assert_eq!(std::fs::read(built.file_for("/images/photo.jpg")).expect("read"), photo);
    assert!(built.report.warnings.iter().any(|w| w.code == "image-gps" && w.message.contains("WITH its GPS position")));
}

#[test]
fn exif_orientation_is_applied_before_resizing() {
    // Stored 1200×600 with the red half on top; orientation 6 turns it 90° clockwise for
    // display, so it shows 600×1200 with the red half on the right.
    let built = site_with_photo(phone_jpeg(1200, 600, 6)).build();
    let variant = image::open(built.file_for("/images/photo-480w.jpg")).expect("decodes");
    assert_eq!(variant.dimensions(), (480, 960));
    let left = variant.get_pixel(20, 480);
    let right = variant.get_pixel(460, 480);
    assert!(left[2] > 150 && left[0] < 100, "left is blue: {left:?}");
    assert!(right[0] > 150 && right[2] < 100, "right is red: {right:?}");
    let page = built.html("/2026/01/street/");
    let img = page.select(&scraper::Selector::parse("figure.featured img").expect("selector")).next().expect("img");
    assert_eq!((img.attr("width"), img.attr("height")), (Some("600"), Some("1200")));
    // The original keeps only its orientation, so browsers still turn it.
    let jpeg =
        Jpeg::from_bytes(Bytes::from(std::fs::read(built.file_for("/images/photo.jpg")).expect("read"))).expect("JPEG");
    let exif = exif::Reader::new().read_raw(jpeg.exif().expect("orientation kept").to_vec()).expect("parses");
    assert_eq!(exif.fields().map(|f| f.tag).collect::<Vec<_>>(), vec![Tag::Orientation]);
}

/// CRC-32 (PNG's), to forge a header.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// A small PNG whose header claims 20,000×20,000 pixels (a decompression bomb).
fn bomb_png() -> Vec<u8> {
    let mut bytes = png(16, 16);
    // Signature (8), then the IHDR chunk: length (4), type (4), width, height…, CRC.
    bytes[16..20].copy_from_slice(&20_000u32.to_be_bytes());
    bytes[20..24].copy_from_slice(&20_000u32.to_be_bytes());
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    bytes
}

#[test]
fn each_bad_image_is_reported_and_the_old_output_stays() {
    let t = site_with_photo(jpeg(900, 600));
    let first = pamphlet::build(&pamphlet::BuildOptions {
        now: Some(common::now()),
        output: Some(t.output()),
        ..pamphlet::BuildOptions::new(t.root())
    });
    first.expect("the good site builds");
    let before = snapshot(&t.output());
    let good = png(400, 300);
    write(t.root(), "static/images/empty.jpg", b"");
    write(t.root(), "static/images/corrupt.jpg", &[&[0xFF, 0xD8, 0xFF, 0xE0][..], &[0x42; 300]].concat());
    write(t.root(), "static/images/truncated.png", &good[..good.len() / 2]);
    let photo = jpeg(800, 600);
    write(t.root(), "static/images/truncated.jpg", &photo[..photo.len() * 2 / 3]);
    write(t.root(), "static/images/phone.heic", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic");
    write(t.root(), "static/images/scan.tiff", b"II*\0\x08\0\0\0\0\0");
    write(t.root(), "static/images/bomb.png", &bomb_png());
    let e = t.build_err().to_string();
    for (file, says) in [
        ("static/images/empty.jpg", "is empty (0 bytes)"),
        ("static/images/corrupt.jpg", "damaged or truncated"),
        ("static/images/truncated.png", "damaged or truncated"),
        ("static/images/truncated.jpg", "truncated"),
        ("static/images/phone.heic", "HEIC"),
        ("static/images/scan.tiff", "TIFF"),
        ("static/images/bomb.png", "20000×20000 pixels"),
    ] {
        let line = e.lines().find(|l| l.contains(file)).unwrap_or_else(|| panic!("{file} is reported:\n{e}"));
        assert!(line.contains(says), "{file}: {line}");
    }
    assert_eq!(snapshot(&t.output()), before, "the previous output is untouched");
}

#[test]
fn a_second_build_processes_no_image_and_a_changed_one_alone() {
    let t = site_with_photo(jpeg(900, 600));
    let first = t.rebuild().expect("builds");
    assert_eq!((first.images_processed, first.images), (2, 2));
    let second = t.rebuild().expect("builds");
    assert_eq!(second.images_processed, 0, "nothing changed, nothing processed");
    let out = t.output();
    assert!(out.join("images/photo-480w.webp").is_file());
    // A changed photo is processed again; its old cache entry goes.
    let entries = |root: &Path| {
        std::fs::read_dir(root.join(".pamphlet-cache/images"))
            .expect("cache")
            .flatten()
            .filter(|e| e.path().is_dir())
            .count()
    };
    assert_eq!(entries(t.root()), 2);
    write(t.root(), "static/images/photo.jpg", &jpeg(700, 500));
    let third = t.rebuild().expect("builds");
    assert_eq!(third.images_processed, 1);
    assert_eq!(entries(t.root()), 2, "the stale entry was removed");
    assert_eq!(dimensions(&out.join("images/photo-480w.jpg")), (480, 343));
}

#[test]
fn the_cache_folder_can_be_moved() {
    let elsewhere = tempfile::tempdir().expect("temp");
    let cache = elsewhere.path().join("cache");
    let dir = cache.clone();
    let t = site_with_photo(jpeg(900, 600)).with(|o| o.cache_dir = Some(dir));
    t.rebuild().expect("builds");
    assert!(cache.join("images/index.json").is_file());
    assert!(!t.root().join(".pamphlet-cache").exists());
}

#[test]
fn the_image_function_gives_a_variant_url() {
    let t = site_with_photo(jpeg(2000, 1000)).file(
        "templates/partials/card.html",
        "<img class=\"card-image\" src=\"{{ image(path=item.image.url, width=500) }}\" data-webp=\"{{ image(path=item.image.url, width=100, format=\"webp\") }}\" data-svg=\"{{ image(path=\"/logo.svg\", width=100) }}\">",
    );
    let built = t.build();
    let home = built.html("/");
    let img = home.select(&scraper::Selector::parse("img.card-image").expect("selector")).next().expect("card");
    assert_eq!(img.attr("src"), Some("/images/photo-800w.jpg"));
    assert_eq!(img.attr("data-webp"), Some("/images/photo-480w.webp"));
    assert_eq!(img.attr("data-svg"), Some("/logo.svg"), "an image that is not processed is returned as given");
}
