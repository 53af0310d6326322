//! Any text as a content file: the front-matter splitter, YAML, dates, slugs, aliases and the
//! Markdown body must never panic or hang.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock as Once;
use pamphlet::config::Config;
use pamphlet::markdown::Markdown;

fn config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(|| {
        Config::parse("title: T\nbase_url: https://example.org/prefix/\ntimezone: Asia/Karachi\n", None)
            .expect("valid fuzzing config")
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // One renderer for the whole run: its syntax definitions load once, as in a real build.
    static MARKDOWN: Once<Markdown> = Once::new();
    let markdown = MARKDOWN.get_or_init(Markdown::new);
    let _ = pamphlet::content::parse_document(Path::new("content/x.md"), &text, None, config(), markdown);
    let _ = pamphlet::content::parse_document(
        Path::new("content/pages/x.md"),
        &text,
        Some(Path::new("x.md")),
        config(),
        markdown,
    );
});
