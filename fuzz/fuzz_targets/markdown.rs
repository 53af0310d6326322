//! Any text as Markdown: rendering, heading ids, the table of contents, summaries and code
//! highlighting must never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pamphlet::markdown::Markdown;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let markdown = Markdown::new();
    let _ = markdown.render(&text, "/");
    let _ = markdown.render(&text, "/mirror/");
});
