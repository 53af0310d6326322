//! Any text as Markdown: rendering, heading ids, the table of contents, summaries and code
//! highlighting must never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock as Once;
use pamphlet::markdown::Markdown;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // One renderer for the whole run: its syntax definitions load once, as in a real build.
    static MARKDOWN: Once<Markdown> = Once::new();
    let markdown = MARKDOWN.get_or_init(Markdown::new);
    let _ = markdown.render(&text, "/");
    let _ = markdown.render(&text, "/mirror/");
});
