//! `pamphlet init` (a small working site) and `pamphlet new` (an article with its front matter
//! filled in).

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::content::front_matter::FrontMatter;
use crate::error::{Error, Location, Result};
use crate::taxonomy::CategoryTree;
use crate::theme::{BUILTIN_STATIC, BUILTIN_STRINGS, BUILTIN_TEMPLATES};

const INIT_SITE_YAML: &str = r##"title: My Publication
# Your site's address. `pamphlet build` warns while it is still example.org; the CI recipes in
# pamphlet's examples/ci/ pass the host's address with --base-url instead.
base_url: https://example.org
description: Independent reporting on digital rights
language: en                   # ur, ar, fa… make the whole site right-to-left
timezone: UTC                  # dates without an offset are in this zone, e.g. Asia/Karachi
theme: advocacy
permalink: /:year/:month/:slug/
paginate: 10
authors:
  editor:
    name: The Editor
    bio: Edits this publication.
categories:
  - name: News
    description: Reporting from our newsroom.
    children:
      - name: Investigations
  - name: Opinion
menu:
  - { name: About, url: /about/ }
"##;

/// Keeps the output and pamphlet's working folders beside it out of git.
const INIT_GITIGNORE: &str = "# pamphlet build's output, and the folders it builds in and recycles (.public.spare)\n/public/\n/.public.*/\n# processed images kept between builds (safe to delete)\n/.pamphlet-cache/\n";

const INIT_ABOUT: &str =
    "---\ntitle: About\n---\nWe report on digital rights. Edit `content/pages/about.md` to tell readers who you are.\n";

/// Writes a new site into `dir` (which must not already hold one). Returns the files written.
pub fn init(dir: &Path, today: jiff::civil::Date) -> Result<Vec<PathBuf>> {
    if crate::is_site_root(dir) {
        return Err(Error::config(
            Location::file(dir.join(crate::config::CONFIG_FILE)),
            "a site already exists here: pick an empty folder",
        ));
    }
    let month_dir = format!("content/{:04}/{:02}", today.year(), today.month());
    let articles = [
        (
            "welcome.md",
            "Welcome to your new publication",
            "News",
            "This is your first article. Write in Markdown; the part between the `---` lines is front matter.\n\n## What next\n\nRun `pamphlet new \"My first story\"` to start another article, and `pamphlet build` to publish.\n",
        ),
        (
            "how-we-work.md",
            "How we work",
            "Opinion",
            "Our reporting follows three rules: check every claim, protect every source, and publish corrections openly.\n",
        ),
        (
            "what-an-investigation-looks-like.md",
            "What an investigation looks like",
            "News/Investigations",
            "Longer pieces go under News › Investigations: a category of its own in the tree in `site.yaml`, shown in the menu and with its own page and feed.\n\nEvery category in the tree should have at least one article; `pamphlet check` says when one has none.\n",
        ),
    ];
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("site.yaml".into(), INIT_SITE_YAML.as_bytes().to_vec()),
        (".gitignore".into(), INIT_GITIGNORE.as_bytes().to_vec()),
        ("content/pages/about.md".into(), INIT_ABOUT.as_bytes().to_vec()),
    ];
    for (name, title, category, body) in articles {
        let fm = front_matter(FrontMatter {
            title: Some(title.to_string()),
            date: Some(today.to_string()),
            author: vec!["editor".to_string()],
            categories: vec![category.to_string()],
            ..FrontMatter::default()
        })?;
        files.push((format!("{month_dir}/{name}"), format!("{fm}{body}").into_bytes()));
    }
    for (name, bytes) in BUILTIN_TEMPLATES {
        files.push((format!("themes/advocacy/templates/{name}"), bytes.to_vec()));
    }
    for (name, bytes) in BUILTIN_STATIC {
        files.push((format!("themes/advocacy/static/{name}"), bytes.to_vec()));
    }
    for (name, bytes) in BUILTIN_STRINGS {
        files.push((format!("themes/advocacy/i18n/{name}"), bytes.to_vec()));
    }
    files.push(("static/.gitkeep".into(), Vec::new()));
    let mut written = Vec::new();
    for (rel, bytes) in files {
        let path = dir.join(&rel);
        crate::fs::write(&path, &bytes)?;
        written.push(path);
    }
    Ok(written)
}

/// The front matter `init` and `new` write: only fields with a value, so that a new article
/// builds without a warning (an empty `tags: []` would warn).
fn front_matter(fm: FrontMatter) -> Result<String> {
    fm.to_yaml_block().map_err(|e| Error::output("front matter", format!("could not write the front matter: {e}")))
}

/// What `pamphlet new` is asked for.
#[derive(Debug, Clone, Copy, Default)]
pub struct NewArticle<'a> {
    /// The title.
    pub title: &'a str,
    /// A category path of the tree (`DRM Exclusive/News`), if any.
    pub category: Option<&'a str>,
    /// An author id from site.yaml (or, on a site that declares none, a name).
    pub author: Option<&'a str>,
    /// The article's language; guessed from the title's script when not given.
    pub lang: Option<&'a str>,
}

/// What `pamphlet new` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewArticleReport {
    /// The new file, relative to the site root.
    pub path: PathBuf,
    /// The `lang:` written when it was guessed from the title (not given, and not the site's).
    pub guessed_lang: Option<&'static str>,
    /// The category written when none was given: the tree's first.
    pub default_category: Option<String>,
}

/// The nearest folder at or above `start` that holds a `site.yaml`, as git finds its
/// repository: so `pamphlet new` works from inside `content/2024/`. Relative paths stay
/// relative (`../..`), so that what is printed reads well.
pub fn find_site_root(start: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(start).ok()?;
    // The current folder itself is the empty path, so that `root.join(file)` prints `file`.
    let mut relative = if start == Path::new(".") { PathBuf::new() } else { start.to_path_buf() };
    for dir in absolute.ancestors() {
        if crate::is_site_root(dir) {
            return Some(relative);
        }
        relative = relative.join("..");
    }
    None
}

/// Writes `content/YYYY/MM/<slug>.md` for a new article in the site at `root`. The category
/// must exist in the tree (written as its full path); the author must be declared in site.yaml
/// when the site declares authors; `lang:` is written for a title in a right-to-left script
/// on a site in another language.
pub fn new_article(root: &Path, new: &NewArticle, now: jiff::Timestamp) -> Result<NewArticleReport> {
    let config = Config::load(root, None)?;
    let title = new.title.trim();
    let slug = crate::slug::slugify(title);
    if slug.is_empty() {
        return Err(Error::argument(
            "TITLE",
            format!("the title \"{title}\" has no letters or digits to make a URL from"),
        ));
    }
    let tree = config.categories.as_deref().map(CategoryTree::from_config);
    let (category, default_category) = match (new.category, &tree) {
        (Some(c), Some(tree)) => {
            let id = tree.resolve(c).map_err(|msg| Error::argument("--category", msg))?;
            (Some(tree.full_name(id)), false)
        }
        (Some(c), None) => (Some(c.to_string()), false),
        // Like WordPress's default category: an article with none is hard to find from the
        // menu, and `check` warns about it. The first category of the tree is the default.
        (None, Some(tree)) => (tree.roots.first().map(|&id| tree.full_name(id)), true),
        (None, None) => (None, false),
    };
    if let Some(message) = new.author.and_then(|a| crate::content::undeclared_author(&config, a)) {
        return Err(Error::argument("--author", message));
    }
    let guessed_lang = match new.lang {
        Some(_) => None,
        None => crate::language::guess_rtl_language(title)
            .filter(|lang| !crate::language::same_language(lang, &config.language)),
    };
    let lang = new.lang.map(str::trim).filter(|l| !l.is_empty()).or(guessed_lang);
    let today = now.to_zoned_datetime(config.timezone.clone()).date();
    let rel = PathBuf::from(format!("content/{:04}/{:02}/{slug}.md", today.year(), today.month()));
    let path = root.join(&rel);
    if path.exists() {
        return Err(Error::config(
            Location::file(&rel),
            "an article with this title already exists this month: choose another title or edit that file",
        ));
    }
    let fm = front_matter(FrontMatter {
        title: Some(title.to_string()),
        date: Some(today.to_string()),
        author: new.author.map(str::to_string).into_iter().collect(),
        categories: category.clone().into_iter().collect(),
        lang: lang.map(str::to_string),
        ..FrontMatter::default()
    })?;
    crate::fs::write(&path, format!("{fm}\nWrite your article here.\n").as_bytes())?;
    Ok(NewArticleReport { path: rel, guessed_lang, default_category: category.filter(|_| default_category) })
}
