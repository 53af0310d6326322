//! Finding the theme: the built-in `advocacy` theme (compiled into the binary from
//! `themes/advocacy/`), or `themes/<name>/` in the site root, plus single-template overrides
//! from `<root>/templates/`.

use std::path::{Path, PathBuf};

use crate::error::{Error, Location, Result};

/// Name of the theme compiled into the binary.
pub const BUILTIN_THEME: &str = "advocacy";

/// The templates every theme must have.
pub const REQUIRED_TEMPLATES: &[&str] = &[
    "base.html",
    "article.html",
    "page.html",
    "index.html",
    "category.html",
    "tag.html",
    "author.html",
    "tags.html",
    "authors.html",
    "404.html",
];

macro_rules! builtin_files {
    ($base:literal; $($name:literal),* $(,)?) => {
        &[$(($name, include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/advocacy/", $base, "/", $name)) as &[u8])),*]
    };
}

/// The built-in theme's templates (name, source).
pub const BUILTIN_TEMPLATES: &[(&str, &[u8])] = builtin_files!("templates";
    "base.html", "article.html", "page.html", "index.html", "category.html", "tag.html", "author.html",
    "tags.html", "authors.html", "404.html", "search.html", "corrections.html", "partials/card.html", "partials/date.html",
    "partials/meta.html", "partials/pagination.html", "partials/query-redirect.html", "partials/comments.html",
    "partials/picture.html", "shortcodes/audio.html", "shortcodes/callout.html", "shortcodes/document.html",
    "shortcodes/figure.html", "shortcodes/pullquote.html", "shortcodes/video.html",
);

/// The built-in theme's static files (path under `static/`, contents).
pub const BUILTIN_STATIC: &[(&str, &[u8])] = builtin_files!("static";
    "favicon.svg", "style.css", "comments.css", "embeds.js", "shortcodes.css",
);

/// The built-in theme's strings tables (file name under `i18n/`, contents).
pub const BUILTIN_STRINGS: &[(&str, &[u8])] = builtin_files!("i18n"; "en.yaml", "ur.yaml", "ar.yaml");

/// A strings table (`i18n/ur.yaml`) of the theme or the site, and where it came from.
#[derive(Debug, Clone)]
pub struct StringsSource {
    /// Language code, from the file name (`ur`).
    pub lang: String,
    /// The YAML text.
    pub text: String,
    /// File it was read from, relative to the site root, or `<built-in advocacy theme>/…`.
    pub origin: PathBuf,
}

/// A template and where it came from (for error messages).
#[derive(Debug, Clone)]
pub struct TemplateSource {
    /// Name used in `{% extends %}` / `{% include %}`: `article.html`, `partials/card.html`.
    pub name: String,
    /// The template text.
    pub text: String,
    /// File it was read from, relative to the site root, or `<built-in advocacy theme>/…`.
    pub origin: PathBuf,
}

/// Where a static file's bytes come from.
#[derive(Debug, Clone)]
pub enum StaticContents {
    /// Compiled into the binary.
    Builtin(&'static [u8]),
    /// A file on disk (absolute path).
    File(PathBuf),
}

/// A theme static file and its site path.
#[derive(Debug, Clone)]
pub struct ThemeStatic {
    /// Site path, like `/style.css`.
    pub path: String,
    /// Bytes.
    pub contents: StaticContents,
}

/// A loaded theme.
#[derive(Debug, Clone)]
pub struct Theme {
    /// All templates, overrides applied.
    pub templates: Vec<TemplateSource>,
    /// Theme static files.
    pub statics: Vec<ThemeStatic>,
    /// The theme's strings tables (`i18n/<lang>.yaml`), then the site's own (`<root>/i18n/`),
    /// which add to and override the theme's.
    pub strings: Vec<StringsSource>,
}

impl Theme {
    /// Loads theme `name` for the site at `root`.
    pub fn load(root: &Path, name: &str) -> Result<Theme> {
        let theme_dir = root.join("themes").join(name);
        let mut theme = if theme_dir.is_dir() {
            Theme::from_dir(root, &theme_dir)?
        } else if name == BUILTIN_THEME {
            Theme::builtin()?
        } else {
            return Err(Error::config(
                Location::file(crate::config::CONFIG_FILE),
                format!(
                    "theme `{name}` not found: there is no folder themes/{name}/ (the built-in theme is `{BUILTIN_THEME}`)"
                ),
            ));
        };
        theme.strings.extend(read_strings(root, &root.join("i18n"))?);
        let overrides = root.join("templates");
        if overrides.is_dir() {
            for t in read_templates(root, &overrides)? {
                theme.templates.retain(|existing| existing.name != t.name);
                theme.templates.push(t);
            }
        }
        let missing: Vec<Error> = REQUIRED_TEMPLATES
            .iter()
            .filter(|r| !theme.templates.iter().any(|t| t.name == **r))
            .map(|r| {
                Error::config(
                    Location::file(theme_dir.strip_prefix(root).unwrap_or(&theme_dir).join("templates")),
                    format!(
                        "theme `{name}` has no template `{r}`: every theme needs {}",
                        REQUIRED_TEMPLATES.join(", ")
                    ),
                )
            })
            .collect();
        Error::collect(missing)?;
        theme.templates.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(theme)
    }

    fn builtin() -> Result<Theme> {
        let origin = |kind: &str, name: &str| PathBuf::from(format!("<built-in {BUILTIN_THEME} theme>/{kind}/{name}"));
        let templates = BUILTIN_TEMPLATES
            .iter()
            .map(|(name, bytes)| {
                let text = std::str::from_utf8(bytes).map_err(|_| {
                    Error::config(Location::file(origin("templates", name)), "built-in template is not UTF-8")
                })?;
                Ok(TemplateSource { name: name.to_string(), text: text.to_string(), origin: origin("templates", name) })
            })
            .collect::<Result<Vec<_>>>()?;
        let statics = BUILTIN_STATIC
            .iter()
            .map(|(name, bytes)| ThemeStatic { path: format!("/{name}"), contents: StaticContents::Builtin(bytes) })
            .collect();
        Ok(Theme { templates, statics, strings: builtin_strings()? })
    }

    fn from_dir(root: &Path, dir: &Path) -> Result<Theme> {
        let templates_dir = dir.join("templates");
        let templates = if templates_dir.is_dir() { read_templates(root, &templates_dir)? } else { Vec::new() };
        let static_dir = dir.join("static");
        let statics = list_files(&static_dir)?
            .into_iter()
            .map(|(rel, abs)| ThemeStatic { path: format!("/{rel}"), contents: StaticContents::File(abs) })
            .collect();
        // A theme folder written before strings tables existed (or one without its own)
        // uses the built-in tables, so that its templates may still call `t`.
        let strings = read_strings(root, &dir.join("i18n"))?;
        let strings = if strings.is_empty() { builtin_strings()? } else { strings };
        Ok(Theme { templates, statics, strings })
    }
}

/// The built-in theme's strings tables.
fn builtin_strings() -> Result<Vec<StringsSource>> {
    BUILTIN_STRINGS
        .iter()
        .map(|(name, bytes)| {
            let origin = PathBuf::from(format!("<built-in {BUILTIN_THEME} theme>/i18n/{name}"));
            let text = std::str::from_utf8(bytes)
                .map_err(|_| Error::config(Location::file(&origin), "built-in strings table is not UTF-8"))?;
            Ok(StringsSource { lang: name.trim_end_matches(".yaml").to_string(), text: text.to_string(), origin })
        })
        .collect()
}

/// Every `<lang>.yaml` directly in `dir` (a missing folder has none).
fn read_strings(root: &Path, dir: &Path) -> Result<Vec<StringsSource>> {
    let mut out = Vec::new();
    for (name, path) in list_files(dir)? {
        let Some(lang) = name.strip_suffix(".yaml").or_else(|| name.strip_suffix(".yml")) else { continue };
        if lang.contains('/') {
            continue;
        }
        let origin = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        let text = String::from_utf8(crate::fs::read(&path)?)
            .map_err(|_| Error::config(Location::file(&origin), "strings table is not UTF-8 text"))?;
        out.push(StringsSource { lang: lang.to_string(), text, origin });
    }
    Ok(out)
}

/// Every `.html`/`.xml` template under `dir`, named by its path relative to `dir`.
fn read_templates(root: &Path, dir: &Path) -> Result<Vec<TemplateSource>> {
    let mut out = Vec::new();
    for (name, path) in list_files(dir)? {
        if !(name.ends_with(".html") || name.ends_with(".xml") || name.ends_with(".txt")) {
            continue;
        }
        let bytes = crate::fs::read(&path)?;
        let origin = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        let text = String::from_utf8(bytes)
            .map_err(|_| Error::content(Location::file(&origin), "template is not UTF-8 text"))?;
        out.push(TemplateSource { name, text, origin });
    }
    Ok(out)
}

/// Files under `dir` (recursively, hidden files skipped), as (`a/b.css`, absolute path), sorted.
/// A missing folder is empty.
pub fn list_files(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e.path().map(Path::to_path_buf).unwrap_or_else(|| dir.to_path_buf());
            Error::io("read", &path, e.into_io_error().unwrap_or_else(|| std::io::Error::other("file system loop")))
        })?;
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
            out.push((rel, entry.into_path()));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file in themes/advocacy is compiled in, so the built-in theme equals the folder.
    #[test]
    fn builtin_lists_match_the_theme_folder() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/advocacy");
        let on_disk: Vec<String> = list_files(&dir.join("templates")).unwrap().into_iter().map(|(n, _)| n).collect();
        let mut compiled: Vec<String> = BUILTIN_TEMPLATES.iter().map(|(n, _)| n.to_string()).collect();
        compiled.sort();
        assert_eq!(on_disk, compiled);
        let on_disk: Vec<String> = list_files(&dir.join("static")).unwrap().into_iter().map(|(n, _)| n).collect();
        let mut compiled: Vec<String> = BUILTIN_STATIC.iter().map(|(n, _)| n.to_string()).collect();
        compiled.sort();
        assert_eq!(on_disk, compiled);
        let on_disk: Vec<String> = list_files(&dir.join("i18n")).unwrap().into_iter().map(|(n, _)| n).collect();
        let mut compiled: Vec<String> = BUILTIN_STRINGS.iter().map(|(n, _)| n.to_string()).collect();
        compiled.sort();
        assert_eq!(on_disk, compiled);
    }

    #[test]
    fn builtin_theme_has_every_required_template() {
        let theme = Theme::builtin().unwrap();
        for r in REQUIRED_TEMPLATES {
            assert!(theme.templates.iter().any(|t| t.name == *r), "{r}");
        }
    }
}
