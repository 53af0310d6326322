//! `pamphlet init` (a small working site) and `pamphlet new` (an article with its front matter
//! filled in).

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::config::Config;
use crate::error::{Error, Location, Result};
use crate::taxonomy::CategoryTree;
use crate::theme::{BUILTIN_STATIC, BUILTIN_TEMPLATES};

const INIT_SITE_YAML: &str = r##"title: My Publication
base_url: https://example.org
description: Independent reporting on digital rights
language: en
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
    ];
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("site.yaml".into(), INIT_SITE_YAML.as_bytes().to_vec()),
        ("content/pages/about.md".into(), INIT_ABOUT.as_bytes().to_vec()),
    ];
    for (name, title, category, body) in articles {
        let fm = front_matter(title, today, Some("editor"), Some(category))?;
        files.push((format!("{month_dir}/{name}"), format!("{fm}{body}").into_bytes()));
    }
    for (name, bytes) in BUILTIN_TEMPLATES {
        files.push((format!("themes/advocacy/templates/{name}"), bytes.to_vec()));
    }
    for (name, bytes) in BUILTIN_STATIC {
        files.push((format!("themes/advocacy/static/{name}"), bytes.to_vec()));
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

#[derive(Serialize)]
struct NewFrontMatter<'a> {
    title: &'a str,
    date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<&'a str>,
    categories: Vec<&'a str>,
    tags: Vec<&'a str>,
    draft: bool,
}

fn front_matter(title: &str, date: jiff::civil::Date, author: Option<&str>, category: Option<&str>) -> Result<String> {
    let fm = NewFrontMatter {
        title,
        date: date.to_string(),
        author,
        categories: category.into_iter().collect(),
        tags: Vec::new(),
        draft: false,
    };
    let yaml = serde_yaml::to_string(&fm).map_err(|e| Error::content(Location::file("front matter"), e.to_string()))?;
    Ok(format!("---\n{yaml}---\n"))
}

/// Writes `content/YYYY/MM/<slug>.md` for a new article in the site at `root` and returns its
/// path. The category must exist in the tree (written as its full path); the author is kept as
/// given (unknown names are allowed, as in front matter).
pub fn new_article(
    root: &Path,
    title: &str,
    category: Option<&str>,
    author: Option<&str>,
    now: jiff::Timestamp,
) -> Result<PathBuf> {
    let config = Config::load(root, None)?;
    let slug = crate::slug::slugify(title);
    if slug.is_empty() {
        return Err(Error::config(
            Location::file("title"),
            format!("the title \"{title}\" has no letters or digits to make a URL from"),
        ));
    }
    let category = match (category, &config.categories) {
        (Some(c), Some(tree)) => {
            let tree = CategoryTree::from_config(tree);
            let id = tree.resolve(c).map_err(|msg| Error::config(Location::file("--category"), msg))?;
            Some(tree.full_name(id))
        }
        (Some(c), None) => Some(c.to_string()),
        (None, _) => None,
    };
    let today = now.to_zoned_datetime(config.timezone.clone()).date();
    let rel = PathBuf::from(format!("content/{:04}/{:02}/{slug}.md", today.year(), today.month()));
    let path = root.join(&rel);
    if path.exists() {
        return Err(Error::config(
            Location::file(&rel),
            "an article with this title already exists this month: choose another title or edit that file",
        ));
    }
    let fm = front_matter(title, today, author, category.as_deref())?;
    crate::fs::write(&path, format!("{fm}\nWrite your article here.\n").as_bytes())?;
    Ok(rel)
}
