//! Interface strings per language: the theme's `i18n/<lang>.yaml` tables and the site's own
//! (`<root>/i18n/<lang>.yaml`, which add to and override the theme's), looked up by the
//! templates' `t` function with plural forms, and the `local_date` and `digits` filters that
//! write dates and numbers the way each language prints them.
//!
//! A key missing from a page's language falls back to the site's language (a warning, see
//! [`Strings::missing_warnings`]); a key no table has is an error naming the template and line
//! ([`Strings::check_templates`] before rendering, and the `t` function while rendering for
//! keys a template computes).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use crate::config::{Config, Language};
use crate::error::{Error, Location, Position, Result, Warning};
use crate::language::{Digits, default_digits, isolate_in, localise_digits, primary_is, primary_subtag};
use crate::theme::StringsSource;

/// The plural categories a strings table may give (CLDR's names).
const PLURAL_CATEGORIES: &[&str] = &["zero", "one", "two", "few", "many", "other"];

/// One entry of a strings table.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Entry {
    /// The same text whatever the count.
    Text(String),
    /// Text per plural category (`one`, `other`…); `other` is always there.
    Plural(BTreeMap<String, String>),
}

/// The strings tables of a theme and site, and how each language writes numbers.
#[derive(Debug, Clone, Default, Hash)]
pub struct Strings {
    /// The site's language, lower-cased: the fallback for keys a language lacks.
    site_lang: String,
    /// Language code (lower-cased, as in the file name) → key → entry.
    tables: BTreeMap<String, BTreeMap<String, Entry>>,
    /// Language code → the file whose keys were read last (the site's override when there is
    /// one), for warnings.
    origins: BTreeMap<String, PathBuf>,
    /// Language code (lower-cased) → its `digits:` from `languages:`.
    digits: BTreeMap<String, Digits>,
}

impl Strings {
    /// Reads `sources` (the theme's tables, then the site's, in that order) for a site whose
    /// configuration is `config`. Every table that does not parse is reported.
    pub fn load(sources: &[StringsSource], config: &Config) -> Result<Strings> {
        Strings::from_sources(sources, &config.language, &config.languages)
    }

    fn from_sources(sources: &[StringsSource], site_lang: &str, languages: &[Language]) -> Result<Strings> {
        let mut strings = Strings {
            site_lang: site_lang.to_ascii_lowercase(),
            digits: languages.iter().map(|l| (l.code.to_ascii_lowercase(), l.digits)).collect(),
            ..Strings::default()
        };
        let mut errors = Vec::new();
        for source in sources {
            match parse_table(source) {
                Ok(table) => {
                    let lang = source.lang.to_ascii_lowercase();
                    strings.tables.entry(lang.clone()).or_default().extend(table);
                    strings.origins.insert(lang, source.origin.clone());
                }
                Err(e) => errors.push(e),
            }
        }
        Error::collect(errors)?;
        Ok(strings)
    }

    /// The table for `lang`: its own (`ur-pk`), else its primary subtag's (`ur`).
    fn table(&self, lang: &str) -> Option<(&String, &BTreeMap<String, Entry>)> {
        let lang = lower_case(lang);
        self.tables.get_key_value(lang.as_ref()).or_else(|| self.tables.get_key_value(&primary_subtag(&lang)))
    }

    /// Whether any table has `key`.
    pub fn knows(&self, key: &str) -> bool {
        self.tables.values().any(|t| t.contains_key(key))
    }

    /// The entry for `key` in `lang`, else in the site's language, else in any table (English
    /// first).
    fn entry(&self, lang: &str, key: &str) -> Option<&Entry> {
        let in_lang = |l: &str| self.table(l).and_then(|(_, t)| t.get(key));
        in_lang(lang)
            .or_else(|| in_lang(&self.site_lang))
            .or_else(|| in_lang("en"))
            .or_else(|| self.tables.values().find_map(|t| t.get(key)))
    }

    /// How `lang` writes numbers: its `digits:` in `languages:`, else its default.
    pub fn digits(&self, lang: &str) -> Digits {
        let lang = lower_case(lang);
        self.digits
            .get(lang.as_ref())
            .or_else(|| self.digits.get(&primary_subtag(&lang)))
            .copied()
            .unwrap_or_else(|| default_digits(&lang))
    }

    /// `text`'s digits written as `lang` writes them.
    pub fn number(&self, text: &str, lang: &str) -> String {
        localise_digits(text, lang, self.digits(lang))
    }

    /// `text` as a placeholder's value in a sentence of `lang`: its digits as `lang` writes
    /// them, Latin text isolated in a right-to-left language.
    fn placeholder_value(&self, text: &str, lang: &str) -> String {
        isolate_in(self.number(text, lang), lang)
    }

    /// The text of `key` in `lang`, in the plural form for `count` when given, with each
    /// `{name}` of `args` (and `{count}`) filled in, numbers in the language's digits, Latin
    /// text isolated in a right-to-left language (see [`isolate_in`]).
    pub fn translate(
        &self,
        lang: &str,
        key: &str,
        count: Option<i64>,
        args: &[(&str, &str)],
    ) -> std::result::Result<String, String> {
        let Some(entry) = self.entry(lang, key) else { return Err(self.unknown_key(key)) };
        let text: &str = match entry {
            Entry::Text(text) => text,
            Entry::Plural(forms) => {
                let category = plural_category(lang, count.unwrap_or(0));
                forms.get(category).or_else(|| forms.get("other")).map(String::as_str).unwrap_or_default()
            }
        };
        if !text.contains('{') {
            return Ok(text.to_string());
        }
        let count = count.map(|n| self.number(&n.to_string(), lang));
        Ok(fill_placeholders(text, |name| match (name, &count) {
            ("count", Some(count)) => Some(count.clone()),
            _ => args.iter().find(|(arg, _)| *arg == name).map(|(_, value)| self.placeholder_value(value, lang)),
        }))
    }

    /// The plural form `form` (`one`, `few`…) of `key` in `lang` as written, placeholders
    /// kept (`other` when the language has no such form); the text for a key without forms.
    pub fn plural_form(&self, lang: &str, key: &str, form: &str) -> std::result::Result<String, String> {
        match self.entry(lang, key) {
            None => Err(self.unknown_key(key)),
            Some(Entry::Text(text)) => Ok(text.clone()),
            Some(Entry::Plural(forms)) => {
                Ok(forms.get(form).or_else(|| forms.get("other")).cloned().unwrap_or_default())
            }
        }
    }

    /// "unknown key" with the nearest known key, when one is close.
    fn unknown_key(&self, key: &str) -> String {
        let known: BTreeSet<&String> = self.tables.values().flat_map(|t| t.keys()).collect();
        let nearest = known
            .iter()
            .map(|k| (strsim::jaro_winkler(k, key), k))
            .filter(|(score, _)| *score > 0.85)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, k)| format!(" (did you mean `{k}`?)"))
            .unwrap_or_default();
        format!(
            "unknown string key `{key}`{nearest}: no strings table (the theme's i18n/*.yaml or the site's i18n/*.yaml) has it; add it to i18n/{}.yaml",
            self.site_lang
        )
    }

    /// `date` (RFC 3339, as templates get it) written in `lang`: `5 September 2023`,
    /// `5 ستمبر 2023`, with the language's month names (`month_1`…`month_12`), order
    /// (`date_format`) and digits. Empty for an empty or unreadable date.
    pub fn date(&self, date: &str, lang: &str) -> std::result::Result<String, String> {
        let mut parts = date.get(..10).unwrap_or_default().split('-').map(|p| p.parse::<u32>().ok());
        let (Some(Some(year)), Some(Some(month)), Some(Some(day))) = (parts.next(), parts.next(), parts.next()) else {
            return Ok(String::new());
        };
        // Cards print a date each: a listing page has a dozen of them.
        const MONTHS: [&str; 12] = [
            "month_1", "month_2", "month_3", "month_4", "month_5", "month_6", "month_7", "month_8", "month_9",
            "month_10", "month_11", "month_12",
        ];
        let month_key: Cow<str> = match MONTHS.get((month as usize).wrapping_sub(1)) {
            Some(key) => Cow::Borrowed(key),
            None => Cow::Owned(format!("month_{month}")),
        };
        let month_name = self.translate(lang, &month_key, None, &[])?;
        let (day, year) = (day.to_string(), year.to_string());
        self.translate(lang, "date_format", None, &[("day", &day), ("month", &month_name), ("year", &year)])
    }

    /// One warning per language that pages are written in (`langs`) whose table lacks keys
    /// the site language's table has, or that has no table at all: those pages show the site
    /// language's text there.
    pub fn missing_warnings<'a>(&self, langs: impl IntoIterator<Item = &'a str>) -> Vec<Warning> {
        let site_keys: BTreeSet<&String> = match self.table(&self.site_lang) {
            Some((_, table)) => table.keys().collect(),
            None => return Vec::new(),
        };
        let langs: BTreeSet<String> = langs.into_iter().map(str::to_ascii_lowercase).collect();
        let mut warnings = Vec::new();
        let mut seen = BTreeSet::new();
        for lang in &langs {
            if crate::language::same_language(lang, &self.site_lang) {
                continue;
            }
            match self.table(lang) {
                None => {
                    if seen.insert(primary_subtag(lang)) {
                        warnings.push(Warning {
                            location: Location::file(format!("i18n/{lang}.yaml")),
                            code: "missing-strings",
                            message: format!(
                                "no strings table for language `{lang}`: pages in it show the theme's text in the site language (`{}`); add i18n/{lang}.yaml at the site root",
                                self.site_lang
                            ),
                        });
                    }
                }
                Some((code, table)) => {
                    if !seen.insert(code.clone()) {
                        continue;
                    }
                    let missing: Vec<&str> =
                        site_keys.iter().filter(|k| !table.contains_key(**k)).map(|k| k.as_str()).collect();
                    if missing.is_empty() {
                        continue;
                    }
                    let origin = self.origins.get(code).cloned().unwrap_or_else(|| format!("i18n/{code}.yaml").into());
                    warnings.push(Warning {
                        location: Location::file(origin),
                        code: "missing-strings",
                        message: format!(
                            "the `{code}` strings lack {} key{} the site language (`{}`) has: {}; pages in `{code}` show those in `{}` (add them to i18n/{code}.yaml at the site root)",
                            missing.len(),
                            if missing.len() == 1 { "" } else { "s" },
                            self.site_lang,
                            missing.join(", "),
                            self.site_lang
                        ),
                    });
                }
            }
        }
        warnings
    }

    /// An error, at its template's file, line and column, for every `t(key="…")` whose
    /// literal key no table has. (Keys a template computes are checked as they render.)
    pub fn check_templates<'a>(&self, templates: impl IntoIterator<Item = (&'a str, &'a PathBuf)>) -> Vec<Error> {
        let mut errors = Vec::new();
        for (text, origin) in templates {
            for (offset, key) in literal_keys(text) {
                if !self.knows(key) {
                    let before = &text[..offset];
                    let line = before.matches('\n').count() + 1;
                    let column = before.rsplit('\n').next().unwrap_or_default().chars().count() + 1;
                    errors.push(Error::Template {
                        location: Location { path: origin.clone(), position: Some(Position { line, column }) },
                        message: self.unknown_key(key),
                    });
                }
            }
        }
        errors
    }
}

/// `lang` lower-cased, borrowed when it already is (every page asks for its strings dozens of
/// times, nearly always in a lower-case language).
fn lower_case(lang: &str) -> Cow<'_, str> {
    if lang.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(lang.to_ascii_lowercase())
    } else {
        Cow::Borrowed(lang)
    }
}

/// `text` with each `{name}` for which `value` gives a value replaced by it, in one pass (a
/// value is not read again for placeholders); other braces are kept as written.
fn fill_placeholders(text: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let name_end = after.find(['{', '}']).filter(|&end| after[end..].starts_with('}'));
        match name_end.and_then(|end| Some((end, value(&after[..end])?))) {
            Some((end, filled)) => {
                out.push_str(&rest[..open]);
                out.push_str(&filled);
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Each `t(key="…")` (or `t(key='…')`) call with a literal key in a template's text: the byte
/// offset of the call and the key.
fn literal_keys(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = text[from..].find("t(") {
        let at = from + found;
        from = at + 2;
        let preceded_by_name =
            text[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.');
        if preceded_by_name {
            continue;
        }
        let rest = text[at + 2..].trim_start();
        let Some(rest) = rest.strip_prefix("key") else { continue };
        let Some(rest) = rest.trim_start().strip_prefix('=') else { continue };
        let rest = rest.trim_start();
        let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else { continue };
        // Only a whole literal: `t(key="no_" ~ name)` computes its key, checked as it renders.
        if let Some(end) = rest[1..].find(quote)
            && rest[1 + end + 1..].trim_start().starts_with([',', ')'])
        {
            out.push((at, &rest[1..1 + end]));
        }
    }
    out
}

/// One strings table file: a map of keys to text, or to text per plural category.
fn parse_table(source: &StringsSource) -> Result<BTreeMap<String, Entry>> {
    let at = |message: String| Error::config(Location::file(&source.origin), message);
    let raw: BTreeMap<String, serde_yaml::Value> = if source.text.trim().is_empty() {
        BTreeMap::new()
    } else {
        serde_yaml::from_str(&source.text).map_err(|e| {
            let position = e.location().map(|l| Position { line: l.line(), column: l.column() });
            Error::config(
                Location { path: source.origin.clone(), position },
                format!("strings table is not a map of keys to text: {e}"),
            )
        })?
    };
    let mut table = BTreeMap::new();
    let mut errors = Vec::new();
    for (key, value) in raw {
        match value {
            serde_yaml::Value::String(text) => {
                table.insert(key, Entry::Text(text));
            }
            serde_yaml::Value::Mapping(forms) => {
                let mut plural = BTreeMap::new();
                for (category, text) in forms {
                    match (category.as_str(), text.as_str()) {
                        (Some(c), Some(t)) if PLURAL_CATEGORIES.contains(&c) => {
                            plural.insert(c.to_string(), t.to_string());
                        }
                        _ => errors.push(at(format!(
                            "`{key}`: plural forms are written `one: …`, `other: …` (categories: {})",
                            PLURAL_CATEGORIES.join(", ")
                        ))),
                    }
                }
                if !plural.contains_key("other") {
                    errors.push(at(format!("`{key}` has plural forms but no `other:`, which every language needs")));
                }
                table.insert(key, Entry::Plural(plural));
            }
            _ => errors.push(at(format!("`{key}` must be text, or plural forms (`one: …`, `other: …`)"))),
        }
    }
    Error::collect(errors)?;
    Ok(table)
}

/// The CLDR plural category of `n` in `lang` (cardinal, integers): Arabic has six forms;
/// English, Urdu, Sindhi, Pashto and Punjabi tell one from many.
pub fn plural_category(lang: &str, n: i64) -> &'static str {
    let n = n.unsigned_abs();
    if primary_is(lang, "ar") {
        match (n, n % 100) {
            (0, _) => "zero",
            (1, _) => "one",
            (2, _) => "two",
            (_, 3..=10) => "few",
            (_, 11..=99) => "many",
            _ => "other",
        }
    } else if ["fr", "hi", "bn", "fa"].iter().any(|code| primary_is(lang, code)) {
        if n <= 1 { "one" } else { "other" }
    } else if n == 1 {
        "one"
    } else {
        "other"
    }
}

/// Registers `t`, `local_date` and `digits` on `tera`. Each defaults to the page's language
/// (the `lang` variable) and takes `lang=` to write in another (a card's own).
pub fn register(tera: &mut tera::Tera, strings: Arc<Strings>) {
    let t_strings = strings.clone();
    tera.register_function("t", move |kwargs: tera::Kwargs, state: &tera::State| -> tera::TeraResult<String> {
        let key: &str = kwargs.must_get("key")?;
        let count = match kwargs.get::<tera::Value>("count")? {
            Some(v) => Some(v.as_i64().ok_or_else(|| tera::Error::message("`count` must be a whole number"))?),
            None => None,
        };
        let args: Vec<(&str, Cow<str>)> = kwargs
            .iter()
            .filter_map(|(k, v)| Some((k.as_str()?, v)))
            .filter(|(k, _)| !matches!(*k, "key" | "lang" | "count" | "form"))
            .map(|(k, v)| (k, v.as_str().map_or_else(|| Cow::Owned(v.to_string()), Cow::Borrowed)))
            .collect();
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_ref())).collect();
        let form = kwargs.get::<&str>("form")?;
        in_language(&kwargs, state, |lang| match form {
            // One plural form as written, `{count}` left in: for scripts that count later.
            Some(form) => t_strings.plural_form(lang, key, form).map_err(tera::Error::message),
            None => t_strings.translate(lang, key, count, &args).map_err(tera::Error::message),
        })
    });
    let date_strings = strings.clone();
    tera.register_filter(
        "local_date",
        move |value: &str, kwargs: tera::Kwargs, state: &tera::State| -> tera::TeraResult<String> {
            in_language(&kwargs, state, |lang| date_strings.date(value, lang).map_err(tera::Error::message))
        },
    );
    tera.register_filter(
        "digits",
        move |value: tera::Value, kwargs: tera::Kwargs, state: &tera::State| -> tera::TeraResult<String> {
            let text = value.as_str().map_or_else(|| Cow::Owned(value.to_string()), Cow::Borrowed);
            in_language(&kwargs, state, |lang| Ok(strings.number(&text, lang)))
        },
    );
}

/// `write` in the language of a call: its `lang=`, else the page's `lang` variable, else
/// English. Borrowed, not copied: templates call `t` dozens of times a page.
fn in_language<T>(
    kwargs: &tera::Kwargs,
    state: &tera::State,
    write: impl FnOnce(&str) -> tera::TeraResult<T>,
) -> tera::TeraResult<T> {
    if let Some(lang) = kwargs.get::<&str>("lang")? {
        return write(lang);
    }
    match state.get::<tera::Value>("lang")? {
        None => write("en"),
        Some(page_lang) => match page_lang.as_str() {
            Some(lang) => write(lang),
            // Not text: the error a template gets for it.
            None => write(&<String as tera::ArgFromValue>::from_value(&page_lang)?),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings() -> Strings {
        let source = |lang: &str, text: &str| StringsSource {
            lang: lang.into(),
            text: text.into(),
            origin: format!("i18n/{lang}.yaml").into(),
        };
        let languages = [Language { code: "ar".into(), name: "العربية".into(), digits: Digits::ArabicIndic }];
        Strings::from_sources(
            &[
                source("en", "by: By\nminutes:\n  one: \"{count} min read\"\n  other: \"{count} min read\"\nmonth_9: September\ndate_format: \"{day} {month} {year}\"\nsearch: Search\n"),
                source("ur", "by: \"تحریر:\"\nminutes:\n  other: \"{count} منٹ کی پڑھائی\"\nmonth_9: ستمبر\ndate_format: \"{day} {month} {year}\"\n"),
                source("ar", "minutes:\n  one: دقيقة\n  two: دقيقتان\n  few: \"{count} دقائق\"\n  other: \"{count} دقيقة\"\n"),
            ],
            "en",
            &languages,
        )
        .unwrap()
    }

    #[test]
    fn each_language_gets_its_own_text_and_plural_forms() {
        let s = strings();
        assert_eq!(s.translate("ur", "by", None, &[]).unwrap(), "تحریر:");
        assert_eq!(s.translate("ur-PK", "minutes", Some(4), &[]).unwrap(), "4 منٹ کی پڑھائی");
        assert_eq!(s.translate("ar", "minutes", Some(2), &[]).unwrap(), "دقيقتان");
        assert_eq!(s.translate("ar", "minutes", Some(5), &[]).unwrap(), "٥ دقائق");
        assert_eq!(s.translate("ar", "minutes", Some(11), &[]).unwrap(), "١١ دقيقة", "many falls back to other");
    }

    #[test]
    fn a_missing_key_falls_back_to_the_site_language_and_warns() {
        let s = strings();
        assert_eq!(s.translate("ur", "search", None, &[]).unwrap(), "Search");
        let warnings = s.missing_warnings(["en", "ur", "ur-PK", "sd"]);
        assert_eq!(warnings.len(), 2, "ur and ur-PK share one table: {warnings:?}");
        assert!(warnings[1].message.contains("search"), "{}", warnings[1].message);
        assert!(warnings.iter().any(|w| w.message.contains("no strings table for language `sd`")));
    }

    #[test]
    fn unknown_keys_are_errors_at_their_template_line() {
        let s = strings();
        assert!(s.translate("en", "serch", None, &[]).unwrap_err().contains("did you mean `search`"));
        let origin = PathBuf::from("templates/x.html");
        let text =
            "<p>{{ t(key=\"by\") }}</p>\n  <b>{{ t( key = 'nope') }}</b>{{ at(key=\"x\") }}{{ t(key=\"no_\" ~ x) }}";
        let errors = s.check_templates([(text, &origin)]);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].to_string().split(": unknown").next().unwrap(), "templates/x.html:2:9");
    }

    #[test]
    fn dates_use_the_languages_month_names_and_digits() {
        let s = strings();
        assert_eq!(s.date("2023-09-05T10:00:00+05:00", "ur").unwrap(), "5 ستمبر 2023");
        assert_eq!(s.date("2023-09-05T10:00:00+05:00", "en").unwrap(), "5 September 2023");
        assert_eq!(s.number("12", "ur"), "12", "Urdu keeps Latin digits by default");
        assert_eq!(localise_digits("12", "ur", Digits::ArabicIndic), "۱۲");
        assert_eq!(s.date("2023-13-05", "en").unwrap_err(), s.unknown_key("month_13"), "no such month");
        assert_eq!(s.date("5 September", "en").unwrap(), "", "not a date");
    }

    #[test]
    fn placeholders_are_filled_in_one_pass_and_unknown_ones_are_kept() {
        let values = |name: &str| match name {
            "day" => Some("5".to_string()),
            "month" => Some("{day}".to_string()),
            _ => None,
        };
        assert_eq!(fill_placeholders("{day} {month} {year}", values), "5 {day} {year}");
        assert_eq!(fill_placeholders("{day}{day}", values), "55");
        assert_eq!(fill_placeholders("{{day}} {", values), "{5} {");
        assert_eq!(fill_placeholders("{ day} }{day", values), "{ day} }{day");
        assert_eq!(fill_placeholders("no braces", values), "no braces");
        assert_eq!(fill_placeholders("ستمبر {day}", values), "ستمبر 5");
    }

    #[test]
    fn arguments_fill_their_placeholders_in_the_pages_language() {
        let s = strings();
        let args = [("day", "12"), ("month", "Dawn"), ("year", "2023"), ("unused", "x")];
        assert_eq!(s.translate("ur", "by", None, &args).unwrap(), "تحریر:", "no placeholders");
        assert_eq!(
            s.translate("ar", "date_format", None, &args).unwrap(),
            "١٢ \u{2068}Dawn\u{2069} ٢٠٢٣",
            "Arabic digits, Latin text isolated (English's `date_format`, the site language's)"
        );
        assert_eq!(s.translate("en", "date_format", None, &args[..1]).unwrap(), "12 {month} {year}");
    }
}
