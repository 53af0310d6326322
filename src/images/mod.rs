//! Images: every raster image the site publishes (JPEG, PNG, WebP, GIF, from `static/`, the
//! theme or beside an article) is published without its metadata (GPS position, camera
//! serial, time: see [`metadata`]) and with resized variants in the formats `images:` asks for
//! ([`settings`]), made once and kept in a cache ([`cache`]) keyed by the source's bytes and
//! the settings. The result, an [`ImageSet`], tells the renderer each image's size and
//! variants (for `srcset`, `width` and `height`) and the pipeline which files to write.
//!
//! Sources are processed in parallel, one decoded image per rayon thread at a time: memory
//! never holds more decoded images than there are cores.

mod cache;
pub mod format;
pub mod html;
mod metadata;
pub mod process;
pub mod settings;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Error, Location, Warning};
pub use format::FileFormat;
pub use process::PIXEL_LIMIT;
pub use settings::ImageSettings;

/// The cache folder, relative to the site root, unless `--cache-dir` or `PAMPHLET_CACHE_DIR`
/// says otherwise.
pub const DEFAULT_CACHE_DIR: &str = ".pamphlet-cache";

/// The width a plain `<img src>` points at, for browsers that ignore `srcset`.
const FALLBACK_WIDTH: u32 = 800;

/// Extensions of the raster formats pamphlet processes.
const RASTER_EXTENSIONS: [&str; 5] = ["jpg", "jpeg", "png", "webp", "gif"];
/// Extensions of image formats browsers cannot show, refused with advice. (AVIF, which
/// browsers show but pamphlet cannot read yet, is copied as it is.)
const UNSUPPORTED_EXTENSIONS: [&str; 4] = ["heic", "heif", "tif", "tiff"];

/// Whether a published file at `path` goes through image processing (by its extension).
pub fn is_processed(path: &str) -> bool {
    let ext = extension(path);
    RASTER_EXTENSIONS.contains(&ext.as_str()) || UNSUPPORTED_EXTENSIONS.contains(&ext.as_str())
}

fn extension(path: &str) -> String {
    Path::new(path).extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default()
}

/// One source image to publish.
#[derive(Debug, Clone)]
pub struct ImageSource {
    /// Site path it is published at (`/images/protest.jpg`).
    pub site_path: String,
    /// The file (absolute).
    pub file: PathBuf,
    /// The file as messages name it (relative to the site root).
    pub origin: PathBuf,
}

/// One published file of an image: the original (metadata removed) or a variant.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PublishedFile {
    /// Site path (`/images/protest-800w.webp`).
    pub site_path: String,
    /// Where its bytes are (in the cache).
    pub file: PathBuf,
    /// Width in pixels.
    pub width: u32,
    /// Format.
    pub format: FileFormat,
}

/// A processed image: its displayed size and its published files.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PublishedImage {
    /// The source, relative to the site root.
    pub origin: PathBuf,
    /// Width as displayed (EXIF orientation applied).
    pub width: u32,
    /// Height as displayed.
    pub height: u32,
    /// The original's format.
    pub format: FileFormat,
    /// Every file, the original (at the source's site path) first.
    pub files: Vec<PublishedFile>,
}

impl PublishedImage {
    /// Files in the original's format, narrowest first: what `<img srcset>` lists.
    pub fn fallback_files(&self) -> Vec<&PublishedFile> {
        self.sorted(|f| f.format == self.format)
    }

    /// WebP files, narrowest first: what `<source type="image/webp" srcset>` lists.
    pub fn webp_files(&self) -> Vec<&PublishedFile> {
        self.sorted(|f| f.format == FileFormat::WebP)
    }

    fn sorted(&self, keep: impl Fn(&PublishedFile) -> bool) -> Vec<&PublishedFile> {
        let mut files: Vec<&PublishedFile> = self.files.iter().filter(|f| keep(f)).collect();
        files.sort_by_key(|f| f.width);
        files
    }

    /// The narrowest of `files` at least `width` wide, else the widest.
    pub fn nearest<'a>(files: &[&'a PublishedFile], width: u32) -> Option<&'a PublishedFile> {
        files.iter().find(|f| f.width >= width).or(files.last()).copied()
    }

    /// What `<img src>` points at: the fallback file nearest 800 pixels wide.
    pub fn src(&self) -> &PublishedFile {
        Self::nearest(&self.fallback_files(), FALLBACK_WIDTH).unwrap_or(&self.files[0])
    }

    /// A `srcset` of `files`, their site paths made URLs by `url`.
    pub fn srcset(files: &[&PublishedFile], url: impl Fn(&str) -> String) -> String {
        files.iter().map(|f| format!("{} {}w", url(&f.site_path), f.width)).collect::<Vec<_>>().join(", ")
    }
}

/// Every processed image of a build, by the site path of its source.
#[derive(Debug, Clone, Default)]
pub struct ImageSet {
    images: HashMap<String, PublishedImage>,
    /// Site paths of sources that failed (their errors are reported): not copied either.
    failed: Vec<String>,
    /// How many sources this build processed rather than found in the cache.
    pub processed: usize,
}

impl ImageSet {
    /// The processed image published at `site_path`.
    pub fn get(&self, site_path: &str) -> Option<&PublishedImage> {
        self.images.get(site_path)
    }

    /// Whether `site_path` is a source image (processed, or failed): its file is published
    /// from the cache, not copied.
    pub fn handles(&self, site_path: &str) -> bool {
        self.images.contains_key(site_path) || self.failed.iter().any(|f| f == site_path)
    }

    /// Every image, in no order.
    pub fn iter(&self) -> impl Iterator<Item = &PublishedImage> {
        self.images.values()
    }

    /// Feeds `hasher` what templates can learn of these images (each one's site path, source,
    /// size, and its files' site paths, widths and formats), in an order that does not change
    /// from one build to the next. Not where the files' bytes are: that is in the cache folder,
    /// under the site root as the command spelled it, and `build --root site` after
    /// `build --root ./site` rendered every page again.
    pub fn hash_published(&self, hasher: &mut impl std::hash::Hasher) {
        use std::hash::Hash;
        let mut paths: Vec<&String> = self.images.keys().collect();
        paths.sort_unstable();
        paths.len().hash(hasher);
        for path in paths {
            let image = &self.images[path];
            (path, &image.origin, image.width, image.height, image.format).hash(hasher);
            image.files.len().hash(hasher);
            for file in &image.files {
                (&file.site_path, file.width, file.format).hash(hasher);
            }
        }
    }

    /// How many source images there are.
    pub fn len(&self) -> usize {
        self.images.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.images.is_empty()
    }
}

/// When [`publish`] processes a source the cache does not have yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timing {
    /// Before it returns (`build`, `check`).
    Now,
    /// Later, by whoever calls [`Pending::make`] (`pamphlet serve`: a background thread, or
    /// the first request for one of its files). `publish` only reads the source's header and
    /// metadata, so pages can show it (sizes, `srcset`) before its files exist.
    Later,
}

/// A source [`publish`] left for later ([`Timing::Later`]): its files, in the cache folder
/// its [`PublishedImage`] names, do not exist until [`Pending::make`] has run.
#[derive(Debug, Clone)]
pub struct Pending {
    key: String,
    source: PathBuf,
    origin: PathBuf,
    settings: ImageSettings,
    dir: PathBuf,
    files: Vec<PathBuf>,
}

impl Pending {
    /// The cache key: the same for the same source bytes and settings.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The source, relative to the site root.
    pub fn origin(&self) -> &Path {
        &self.origin
    }

    /// The files [`Pending::make`] writes (absolute).
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// Processes the source into the cache (unless another build already did). The error
    /// says what is wrong with the file, as `build` would.
    pub fn make(&self) -> Result<(), String> {
        let cache = cache::Cache::open(&self.dir);
        if cache.made(&self.key).is_some() {
            return Ok(());
        }
        let bytes = std::fs::read(&self.source).map_err(|e| format!("could not be read ({e})"))?;
        if cache::key(&bytes, &self.settings) != self.key {
            return Err("changed while it waited to be processed: the next rebuild processes it again".into());
        }
        cache.make(&self.key, |dir| process::process(bytes, &self.settings, dir)).map(|_| ())
    }
}

/// What [`publish`] produced.
pub struct Publication {
    /// The images.
    pub images: ImageSet,
    /// A message per source that could not be processed.
    pub errors: Vec<Error>,
    /// A warning per source that carried a GPS position.
    pub warnings: Vec<Warning>,
    /// Sources left for later ([`Timing::Later`]).
    pub pending: Vec<Pending>,
}

/// Processes `sources` (re-using the cache in `cache_dir`), in parallel, now or [`Timing::Later`].
pub fn publish(sources: Vec<ImageSource>, settings: &ImageSettings, cache_dir: &Path, timing: Timing) -> Publication {
    let dir = cache_dir.join("images");
    let cache_ready = std::fs::create_dir_all(&dir);
    let cache = cache::Cache::open(&dir);
    let outcomes: Vec<(ImageSource, Result<Outcome, String>)> = sources
        .into_par_iter()
        .map(|source| {
            let outcome = match &cache_ready {
                Ok(()) => one(&source, settings, &cache, timing),
                Err(e) => Err(format!("could not be processed: cannot create the image cache {} ({e})", dir.display())),
            };
            (source, outcome)
        })
        .collect();
    let site_paths: Vec<String> = outcomes.iter().map(|(source, _)| source.site_path.clone()).collect();
    let shared_stems = shared_stems(site_paths.iter().map(String::as_str));
    let mut publication =
        Publication { images: ImageSet::default(), errors: Vec::new(), warnings: Vec::new(), pending: Vec::new() };
    let mut used = Vec::new();
    for (source, outcome) in outcomes {
        match outcome {
            Ok(outcome) => {
                publication.images.processed += usize::from(outcome.processed);
                if outcome.made.has_gps {
                    publication.warnings.push(gps_warning(&source.origin, settings.keep_metadata));
                }
                let qualified = shared_stems.contains(stem(&source.site_path));
                let image = published_image(&source, &outcome.made, &cache.entry_dir(&outcome.key), qualified);
                if outcome.later {
                    publication.pending.push(Pending {
                        key: outcome.key.clone(),
                        source: source.file.clone(),
                        origin: source.origin.clone(),
                        settings: settings.clone(),
                        dir: dir.clone(),
                        files: image.files.iter().map(|f| f.file.clone()).collect(),
                    });
                }
                publication.images.images.insert(source.site_path.clone(), image);
                used.push((source.file, outcome.stamp, outcome.key));
            }
            Err(message) => {
                publication
                    .errors
                    .push(Error::content(Location::file(&source.origin), format!("this image {message}")));
                publication.images.failed.push(source.site_path);
            }
        }
    }
    if cache_ready.is_ok() && publication.errors.is_empty() {
        cache.finish(&used);
    }
    publication
}

struct Outcome {
    made: process::Made,
    key: String,
    stamp: cache::Stamp,
    /// Whether it was processed now (not found in the cache).
    processed: bool,
    /// Whether it is left for later ([`Timing::Later`]): `made` is its plan.
    later: bool,
}

/// One source: from the cache when its stamp or its bytes are known, else processed now.
fn one(
    source: &ImageSource,
    settings: &ImageSettings,
    cache: &cache::Cache,
    timing: Timing,
) -> Result<Outcome, String> {
    let stamp = cache::Stamp::of(&source.file);
    if let Some(key) = cache.known_key(&source.file, stamp)
        && let Some(made) = cache.made(key)
        && let Some(stamp) = stamp
    {
        return Ok(Outcome { made, key: key.to_string(), stamp, processed: false, later: false });
    }
    let bytes = std::fs::read(&source.file).map_err(|e| format!("could not be read ({e})"))?;
    let stamp = stamp.ok_or("could not be read (no size or modification time)")?;
    let key = cache::key(&bytes, settings);
    if let Some(made) = cache.made(&key) {
        return Ok(Outcome { made, key, stamp, processed: false, later: false });
    }
    if timing == Timing::Later {
        let made = process::plan(&bytes::Bytes::from(bytes), settings)?.made;
        return Ok(Outcome { made, key, stamp, processed: false, later: true });
    }
    let made = cache.make(&key, |dir| process::process(bytes, settings, dir))?;
    Ok(Outcome { made, key, stamp, processed: true, later: false })
}

fn gps_warning(origin: &Path, kept: bool) -> Warning {
    let message = if kept {
        "published WITH its GPS position (`images: keep_metadata: true`): anyone can read where the photo was taken"
            .to_string()
    } else {
        "GPS position removed from the published copy; the original in the repository still has it".to_string()
    };
    Warning { location: Location::file(origin), code: "image-gps", message }
}

/// A site path without its extension (`/images/a.jpg` → `/images/a`).
fn stem(site_path: &str) -> &str {
    site_path.rsplit_once('.').map_or(site_path, |(stem, _)| stem)
}

/// The stems two sources share (`a.jpg` and `a.png`): their WebP variants would share names.
fn shared_stems<'a>(site_paths: impl Iterator<Item = &'a str>) -> std::collections::HashSet<&'a str> {
    let mut seen = std::collections::HashSet::new();
    site_paths.map(stem).filter(|s| !seen.insert(*s)).collect()
}

/// The published files of `made`, at site paths beside the source's (`protest.jpg` →
/// `protest-800w.jpg`, `protest-800w.webp`). When another source shares the stem
/// (`qualified`: `logo.png` beside `logo.jpg`), the variants name the source's extension too
/// (`logo-png-800w.webp`), or the two would claim the same files.
fn published_image(source: &ImageSource, made: &process::Made, entry: &Path, qualified: bool) -> PublishedImage {
    let stem = stem(&source.site_path);
    let extension = extension(&source.site_path);
    let own = made.files.first().map_or(FileFormat::Jpeg, |f| f.format);
    let files = made
        .files
        .iter()
        .map(|f| PublishedFile {
            site_path: if f.original {
                source.site_path.clone()
            } else if qualified {
                format!("{stem}-{extension}-{}w.{}", f.width, f.format.extension())
            } else {
                format!("{stem}-{}w.{}", f.width, f.format.extension())
            },
            file: entry.join(&f.name),
            width: f.width,
            format: f.format,
        })
        .collect();
    PublishedImage { origin: source.origin.clone(), width: made.width, height: made.height, format: own, files }
}
