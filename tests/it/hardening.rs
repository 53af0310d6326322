//! Pathological input must not panic, hang or blow up: regression tests for what the fuzz
//! targets (fuzz/) exercise, plus the classic parser bombs.

use std::path::Path;

use pamphlet::config::Config;
use pamphlet::content::parse_document;
use pamphlet::markdown::Markdown;

fn config() -> Config {
    Config::parse("title: T\nbase_url: https://example.org\n", None).unwrap()
}

fn parse(text: &str) -> Result<pamphlet::content::Parsed, Vec<pamphlet::Error>> {
    parse_document(Path::new("content/x.md"), text, None, &config(), &Markdown::new())
}

#[test]
fn ten_thousand_nested_blockquotes_render() {
    let src = format!("{} deep\n", ">".repeat(10_000));
    let html = Markdown::new().render(&src, "/").html;
    assert!(html.contains("deep"));
}

#[test]
fn ten_thousand_nested_lists_render() {
    // "- - - x" nests a list in a list on one line.
    let src = format!("{}item\n", "- ".repeat(10_000));
    let r = Markdown::new().render(&src, "/");
    assert_eq!(r.word_count, 1);
    assert!(r.html.matches("<ul>").count() >= 10_000);
}

#[test]
fn a_fifty_megabyte_line_renders() {
    let line = "word ".repeat(10 * 1024 * 1024);
    let r = Markdown::new().render(&line, "/");
    assert_eq!(r.word_count, 10 * 1024 * 1024);
    assert_eq!(r.first_paragraph.split_whitespace().count(), 50);
}

#[test]
fn deeply_nested_yaml_is_an_error_not_a_stack_overflow() {
    let depth = 100_000;
    let text = format!("---\ntitle: A\ndate: 2024-01-01\nextra: {}{}\n---\n", "[".repeat(depth), "]".repeat(depth));
    let errors = parse(&text).unwrap_err();
    assert_eq!(
        errors[0].to_string(),
        "content/x.md:4:72: brackets nest more than 64 levels deep here: simplify this value"
    );
}

#[test]
fn yaml_alias_bomb_is_refused() {
    // "Billion laughs": each level repeats the previous one nine times.
    let mut yaml = String::from(
        "---\ntitle: A\ndate: 2024-01-01\nextra:\n  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
    let mut prev = "a";
    for name in names {
        yaml.push_str(&format!(
            "  {name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
        prev = name;
    }
    yaml.push_str("---\n");
    let errors = parse(&yaml).unwrap_err();
    assert!(errors[0].to_string().contains("repetition limit"), "{}", errors[0]);
}

#[test]
fn unclosed_front_matter_at_end_of_file_and_empty_files_are_errors() {
    for text in ["", "---", "---\n", "---\ntitle: A", "\u{feff}"] {
        assert!(parse(text).is_err(), "{text:?}");
    }
}

#[test]
fn control_characters_and_odd_unicode_in_titles_and_slugs_do_not_panic() {
    for title in ["\u{0}", "\u{202e}evil", "🏳️‍🌈", "a\u{301}\u{301}\u{301}", "\u{fffd}"] {
        let text = format!("---\ntitle: {title:?}\ndate: 2024-01-01\n---\nbody\n");
        let _ = parse(&text);
    }
}

/// The fuzz crate is a workspace of its own, so it does not inherit the main crate's
/// `[patch.crates-io]`: without the same entries (paths from `fuzz/`), `cargo fuzz` builds
/// pamphlet against the published crates, and pamphlet does not compile (README, Fuzzing).
#[test]
fn the_fuzz_crate_patches_what_the_main_crate_patches() {
    let patches = |manifest: &str| -> toml::value::Table {
        let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(manifest)).expect("readable");
        let parsed: toml::Value = toml::from_str(&text).expect("valid TOML");
        parsed.get("patch").and_then(|p| p.get("crates-io")).and_then(|p| p.as_table()).cloned().unwrap_or_default()
    };
    let (main, fuzz) = (patches("Cargo.toml"), patches("fuzz/Cargo.toml"));
    assert!(!main.is_empty(), "the main crate patches Pagefind");
    for (name, entry) in &main {
        let path = entry.get("path").and_then(|p| p.as_str()).expect("a path patch");
        let fuzz_path = fuzz.get(name).and_then(|e| e.get("path")).and_then(|p| p.as_str());
        assert_eq!(fuzz_path, Some(format!("../{path}").as_str()), "fuzz/Cargo.toml's [patch.crates-io] {name}");
    }
}
