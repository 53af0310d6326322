//! Translations: articles and pages that share a `translation_key:` are versions of one story
//! in different languages. Each version links to the others (`hreflang` alternates, the
//! language switcher, `article.translations`, the sitemap's `xhtml:link`s).

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::content::{Common, Located};
use crate::error::{Error, Location};

/// One version of a translated story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// Its language code (the site's when it gives none).
    pub lang: String,
    /// Its site path.
    pub path: String,
    /// Its title.
    pub title: String,
    /// Whether it is a draft (built only with `--drafts`; left out of the sitemap).
    pub draft: bool,
    /// Its content file, for messages.
    pub source: PathBuf,
}

/// Every translation key with its versions, in the order the site lists its documents.
pub type Translations = BTreeMap<String, Vec<Version>>;

/// Groups `documents` (each with its site path) by `translation_key:`. Two versions in the
/// same language under one key are an error naming both files; a key with one version is fine.
pub fn group<'a>(
    documents: impl Iterator<Item = (&'a Common, &'a str)>,
    site_language: &str,
) -> (Translations, Vec<Error>) {
    let mut groups = Translations::new();
    let mut errors = Vec::new();
    for (common, path) in documents {
        let Some(Located { value: key, position }) = &common.translation_key else { continue };
        let lang = common.lang.clone().unwrap_or_else(|| site_language.to_string());
        let versions = groups.entry(key.clone()).or_default();
        if let Some(other) = versions.iter().find(|v| crate::language::same_language(&v.lang, &lang)) {
            errors.push(Error::content(
                Location { path: common.source.clone(), position: *position },
                format!(
                    "translation_key `{key}` is also used by {}, in the same language (`{lang}`): two versions of a story must be in different languages; give one of them another key, or fix its `lang:`",
                    other.source.display()
                ),
            ));
            continue;
        }
        versions.push(Version {
            lang,
            path: path.to_string(),
            title: common.title.clone(),
            draft: common.draft,
            source: common.source.clone(),
        });
    }
    (groups, errors)
}

/// The versions of the document `common` (itself included), when it has a key shared with
/// at least one other version.
pub fn versions_of<'a>(translations: &'a Translations, common: &Common) -> &'a [Version] {
    common
        .translation_key
        .as_ref()
        .and_then(|k| translations.get(&k.value))
        .filter(|versions| versions.len() > 1)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}
