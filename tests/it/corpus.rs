//! The generated newsroom corpus (`tests/support/corpus.rs`, 2,000 articles) builds and every
//! internal link in the output resolves (issue 16: the test needs nothing outside the repository).

use crate::common;
#[path = "../support/corpus.rs"]
mod corpus;

#[test]
fn generated_corpus_of_2000_articles_builds_with_all_links_resolving() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let opts = corpus::Options { articles: 2000, seed: 1, format: corpus::Format::Pamphlet };
    let summary = corpus::write(&opts, &site).unwrap();
    let mut build = pamphlet::BuildOptions::new(&site);
    build.output = Some(dir.path().join("public"));
    let report = pamphlet::build(&build).unwrap_or_else(|e| panic!("{e}"));
    // About 2% are drafts and 1% scheduled for 2099; a default build publishes the rest.
    assert_eq!(report.articles, summary.published(), "{report}");
    assert!(report.articles > 1900, "{report}");
    assert!(summary.urdu > 0 && summary.drafts > 0 && summary.scheduled > 0, "{summary:?}");
    let built = common::Built::from_dir(dir.path().join("public"), report);
    built.assert_internal_links_resolve("https://example.org", "/");
}

#[test]
fn the_same_seed_writes_the_same_corpus() {
    let dir = tempfile::tempdir().unwrap();
    for format in [corpus::Format::Pamphlet, corpus::Format::Hugo, corpus::Format::Zola] {
        let opts = corpus::Options { articles: 60, seed: 7, format };
        let (a, b) = (dir.path().join(format!("{format:?}-a")), dir.path().join(format!("{format:?}-b")));
        corpus::write(&opts, &a).unwrap();
        corpus::write(&opts, &b).unwrap();
        assert_eq!(read_tree(&a), read_tree(&b), "{format:?}");
    }
    let other = corpus::Options { articles: 60, seed: 8, format: corpus::Format::Pamphlet };
    corpus::write(&other, &dir.path().join("seed-8")).unwrap();
    assert_ne!(read_tree(&dir.path().join("Pamphlet-a")), read_tree(&dir.path().join("seed-8")));
}

/// Every file under `root` with its bytes, by relative path.
fn read_tree(root: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(root).expect("walkdir stays under its root").to_string_lossy().into_owned();
            (rel, std::fs::read(e.path()).expect("read a generated file"))
        })
        .collect();
    files.sort();
    files
}
