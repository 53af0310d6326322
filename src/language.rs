//! Languages: which are written right to left, and which right-to-left language a piece of
//! text is most likely in (for `pamphlet new` and the WordPress importer, which must write
//! `lang:` for an Urdu title on an English site).

/// Languages written right to left (primary subtags).
const RTL_LANGUAGES: &[&str] = &["ar", "arc", "ckb", "dv", "fa", "he", "ks", "ps", "sd", "syr", "ug", "ur", "yi"];

/// The primary subtag of a language code, lower-cased (`ar-PK` → `ar`).
pub fn primary_subtag(lang: &str) -> String {
    primary_as_written(lang).to_ascii_lowercase()
}

/// The primary subtag of a language code as written (`AR-pk` → `AR`): what
/// [`primary_subtag`] lower-cases, without allocating, for code that only compares it.
fn primary_as_written(lang: &str) -> &str {
    lang.split(['-', '_']).next().unwrap_or("")
}

/// Whether `lang`'s primary subtag is `code` (lower-case), in any case: `primary_is("ar-PK",
/// "ar")`. Templates ask this of every card's language, so it allocates nothing.
pub fn primary_is(lang: &str, code: &str) -> bool {
    primary_as_written(lang).eq_ignore_ascii_case(code)
}

/// Whether `lang` (`ur`, `ar-PK`…) is written right to left.
pub fn is_rtl(lang: &str) -> bool {
    RTL_LANGUAGES.iter().any(|code| primary_is(lang, code))
}

/// `rtl` for right-to-left languages (`ur`, `ar-PK`…), else `ltr`.
pub fn text_direction(lang: &str) -> &'static str {
    if is_rtl(lang) { "rtl" } else { "ltr" }
}

/// `text` as it can be put inside a sentence of `lang`: in a right-to-left language, text
/// holding Latin letters (a host name, a brand, an English title) is wrapped in Unicode's
/// first-strong isolate (U+2068 … U+2069), so its hyphens, dots and brackets keep their order
/// and do not drift to the other end of the Urdu sentence. Other text is returned as it is.
pub fn isolate_in(text: String, lang: &str) -> String {
    if is_rtl(lang) && text.chars().any(|c| c.is_ascii_alphabetic()) { format!("\u{2068}{text}\u{2069}") } else { text }
}

/// Whether two language codes name the same language (`ur` and `ur-PK` do).
pub fn same_language(a: &str, b: &str) -> bool {
    primary_subtag(a) == primary_subtag(b)
}

/// How a language's pages write numbers (dates, counts, page numbers).
#[derive(Debug, Clone, Copy, serde::Deserialize, serde::Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Digits {
    /// 0123456789.
    Latin,
    /// Eastern Arabic digits: ٠١٢٣ for Arabic, ۰۱۲۳ (the extended forms) for Urdu, Persian,
    /// Sindhi and Pashto.
    ArabicIndic,
}

/// Names of common languages in their own script, for language switchers and `languages:`
/// entries that give none.
const NATIVE_NAMES: &[(&str, &str)] = &[
    ("en", "English"),
    ("ur", "اردو"),
    ("ar", "العربية"),
    ("sd", "سنڌي"),
    ("ps", "پښتو"),
    ("pa", "پنجابی"),
    ("pnb", "پنجابی"),
    ("skr", "سرائیکی"),
    ("bal", "بلوچی"),
    ("fa", "فارسی"),
    ("hi", "हिन्दी"),
    ("bn", "বাংলা"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("es", "Español"),
];

/// The name of `lang` in its own script (`ur` → `اردو`), when pamphlet knows it.
pub fn native_name(lang: &str) -> Option<&'static str> {
    let primary = primary_subtag(lang);
    NATIVE_NAMES.iter().find(|(code, _)| *code == primary).map(|(_, name)| *name)
}

/// How `lang`'s pages write numbers unless `languages:` says otherwise: Arabic-script
/// newspapers in the Arab world print Eastern Arabic digits; Pakistani Urdu newspapers and news
/// sites (Jang, Express, Dawn News) print dates and figures in Latin digits, and so does
/// everything else.
pub fn default_digits(lang: &str) -> Digits {
    if primary_is(lang, "ar") { Digits::ArabicIndic } else { Digits::Latin }
}

/// `text` with its Latin digits written in `digits`: Arabic's own (٠١٢) for Arabic, the
/// extended forms (۰۱۲) that Urdu, Persian, Sindhi and Pashto use for the others.
pub fn localise_digits(text: &str, lang: &str, digits: Digits) -> String {
    if digits == Digits::Latin {
        return text.to_string();
    }
    let zero = if primary_is(lang, "ar") { '\u{0660}' } else { '\u{06F0}' };
    text.chars()
        .map(|c| match c.to_digit(10) {
            Some(d) if c.is_ascii_digit() => char::from_u32(zero as u32 + d).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Letters that only one language of the Arabic script uses. Sindhi, Pashto and Urdu each add
/// letters to the Arabic alphabet.
const SCRIPT_MARKERS: &[(&str, &[char])] = &[
    ("sd", &['ڀ', 'ٻ', 'ڄ', 'ڃ', 'ڇ', 'ڏ', 'ڌ', 'ڍ', 'ڊ', 'ڙ', 'ڦ', 'ڪ', 'ڻ', 'ٺ', 'ٽ', 'ٿ', 'ڳ', 'ڱ']),
    ("ps", &['ټ', 'ډ', 'ړ', 'ږ', 'ښ', 'ګ', 'ڼ', 'ۍ', 'ې', 'ځ', 'څ']),
    ("ur", &['ٹ', 'ڈ', 'ڑ', 'ں', 'ے', 'ھ', 'ہ', 'ۓ']),
];

/// Letters Persian and Urdu share but Arabic does not (pe, che, zhe, gaf, keheh, farsi yeh).
const PERSIAN_OR_URDU: &[char] = &['پ', 'چ', 'ژ', 'گ', 'ک', 'ی'];

/// The right-to-left language `text` is most likely written in, when most of its letters are
/// in a right-to-left script: Hebrew (`he`); for the Arabic script Sindhi, Pashto or Urdu by
/// the letters only they use; between Persian and Urdu, which share letters, Persian when the
/// text has Arabic's heh (ه), which Urdu writes as ہ or ھ; else Arabic (`ar`).
pub fn guess_rtl_language(text: &str) -> Option<&'static str> {
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    let count_in = |lo: char, hi: char| letters.iter().filter(|c| (lo..=hi).contains(*c)).count();
    let arabic = count_in('\u{0600}', '\u{06FF}') + count_in('\u{0750}', '\u{077F}') + count_in('\u{FB50}', '\u{FEFF}');
    let hebrew = count_in('\u{0590}', '\u{05FF}');
    if letters.is_empty() {
        return None;
    }
    if hebrew * 2 > letters.len() {
        return Some("he");
    }
    if arabic * 2 <= letters.len() {
        return None;
    }
    let has_any = |marks: &[char]| letters.iter().any(|c| marks.contains(c));
    if let Some((lang, _)) = SCRIPT_MARKERS.iter().find(|(_, marks)| has_any(marks)) {
        return Some(lang);
    }
    match (has_any(PERSIAN_OR_URDU), letters.contains(&'ه')) {
        (true, true) => Some("fa"),
        (true, false) => Some("ur"),
        (false, _) => Some("ar"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directions_follow_the_primary_subtag() {
        assert_eq!(text_direction("ur"), "rtl");
        assert_eq!(isolate_in("youtube-nocookie.com".into(), "ur"), "\u{2068}youtube-nocookie.com\u{2069}");
        assert_eq!(isolate_in("youtube-nocookie.com".into(), "en"), "youtube-nocookie.com");
        assert_eq!(isolate_in("یوٹیوب".into(), "ur"), "یوٹیوب");
        assert_eq!(text_direction("ar-PK"), "rtl");
        assert_eq!(text_direction("en"), "ltr");
        assert!(same_language("ur-PK", "UR"));
    }

    #[test]
    fn titles_in_each_script_are_told_apart() {
        assert_eq!(guess_rtl_language("انٹرنیٹ کی بندش"), Some("ur"));
        assert_eq!(guess_rtl_language("ڊجيٽل حق"), Some("sd"));
        assert_eq!(guess_rtl_language("د انټرنیټ بندیز"), Some("ps"));
        assert_eq!(guess_rtl_language("حقوق دیجیتال برای همه گروه"), Some("fa"));
        assert_eq!(guess_rtl_language("الحقوق الرقمية"), Some("ar"));
        assert_eq!(guess_rtl_language("זכויות דיגיטליות"), Some("he"));
        assert_eq!(guess_rtl_language("Internet shutdown in the north"), None);
        assert_eq!(guess_rtl_language("پاکستان"), Some("ur"), "Persian letters, but no Arabic heh");
        assert_eq!(guess_rtl_language("The PECA amendment: کیا"), None, "mostly Latin letters");
        assert_eq!(guess_rtl_language("2024"), None);
    }
}
