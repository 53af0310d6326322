//! The shared benchmark corpus (`../shared/bench/gen_corpus.py`, 2,000 articles) builds and
//! every internal link in the output resolves.

mod common;

use std::path::PathBuf;
use std::process::Command;

/// Where the generator is: `$PAMPHLET_GEN_CORPUS`, else `../shared/bench/gen_corpus.py` beside
/// the repository. `.ci/run` sets the variable, so in CI a missing generator is a failure.
fn generator() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PAMPHLET_GEN_CORPUS") {
        let p = PathBuf::from(p);
        assert!(p.is_file(), "PAMPHLET_GEN_CORPUS points at {}, which does not exist", p.display());
        return Some(p);
    }
    let beside = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen_corpus.py");
    beside.is_file().then_some(beside)
}

#[test]
fn generated_corpus_of_2000_articles_builds_with_all_links_resolving() {
    let Some(script) = generator() else {
        eprintln!("skipped: gen_corpus.py not found (set PAMPHLET_GEN_CORPUS)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let status = Command::new("python3")
        .arg(&script)
        .args(["--articles", "2000", "--out"])
        .arg(&site)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("run python3");
    assert!(status.success(), "corpus generation failed");
    let mut opts = pamphlet::BuildOptions::new(&site);
    opts.output = Some(dir.path().join("public"));
    let report = pamphlet::build(&opts).unwrap_or_else(|e| panic!("{e}"));
    // The generator marks about 2% as drafts; the rest are published.
    assert!(report.articles > 1900, "{report}");
    let built = common::Built::from_dir(dir.path().join("public"), report);
    built.assert_internal_links_resolve("https://example.org", "/");
}
