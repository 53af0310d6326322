//! The CI recipes in examples/ci/ parse as YAML, and every `pamphlet …` command line in them is
//! accepted by the command-line parser, so the recipes cannot rot silently. README's examples
//! are held to the same standard: its site.yaml examples load, its front-matter example builds,
//! and its shell commands parse (see: issue 22, whose README example did not build).

use crate::common;
use clap::Parser;
use pamphlet::cli::Cli;

fn recipes() -> Vec<(String, serde_yaml::Value)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ci");
    let mut out: Vec<(String, serde_yaml::Value)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let value = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p.file_name().unwrap().to_string_lossy().into_owned(), value)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn strings(v: &serde_yaml::Value, out: &mut Vec<String>) {
    match v {
        serde_yaml::Value::String(s) => out.push(s.clone()),
        serde_yaml::Value::Sequence(items) => items.iter().for_each(|i| strings(i, out)),
        serde_yaml::Value::Mapping(m) => m.values().for_each(|i| strings(i, out)),
        serde_yaml::Value::Tagged(t) => strings(&t.value, out),
        _ => {}
    }
}

/// Splits a shell command into words, honouring single and double quotes.
fn words(command: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut in_word = false;
    for c in command.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => current.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            // A shell comment: the rest of the line is not part of the command.
            (None, '#') if !in_word => break,
            (None, c) if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            (None, c) => {
                current.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push(current);
    }
    out
}

/// Every shell command (split at `&&`, `||`, `;`, `|` and redirections) that runs `pamphlet`.
fn pamphlet_commands(script: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for line in script.lines() {
        for command in
            line.split("&&").flat_map(|c| c.split("||")).flat_map(|c| c.split(';')).flat_map(|c| c.split('|'))
        {
            let command = command.split(['>', '<']).next().unwrap_or("");
            let w = words(command);
            if w.first().is_some_and(|first| first == "pamphlet") {
                found.push(w);
            }
        }
    }
    found
}

#[test]
fn every_pamphlet_command_in_the_recipes_parses() {
    let mut total = 0;
    for (name, recipe) in recipes() {
        let mut texts = Vec::new();
        strings(&recipe, &mut texts);
        let commands: Vec<Vec<String>> = texts.iter().flat_map(|t| pamphlet_commands(t)).collect();
        let subcommands: Vec<&str> = commands.iter().filter_map(|c| c.get(1).map(String::as_str)).collect();
        assert!(subcommands.contains(&"build"), "{name} never runs `pamphlet build`");
        assert!(subcommands.contains(&"check"), "{name} never runs `pamphlet check`");
        for command in &commands {
            if let Err(e) = Cli::try_parse_from(command) {
                panic!("{name}: `{}` is rejected:\n{e}", command.join(" "));
            }
        }
        total += commands.len();
    }
    assert!(total >= 8, "only {total} pamphlet commands found in the recipes");
}

#[test]
fn the_splitter_finds_commands_and_the_parser_rejects_bad_ones() {
    let found = pamphlet_commands("cd site && pamphlet build --drafts > log.txt; echo pamphlet");
    assert_eq!(found, vec![vec!["pamphlet", "build", "--drafts"]]);
    assert!(Cli::try_parse_from(["pamphlet", "build", "--no-such-flag"]).is_err());
    assert_eq!(words(r#"pamphlet build --base-url "https://x.org/pr 1/""#)[3], "https://x.org/pr 1/");
}

#[test]
fn recipes_pin_a_version_and_schedule_rebuilds() {
    for (name, recipe) in recipes() {
        let text = serde_yaml::to_string(&recipe).unwrap();
        assert!(text.contains("PAMPHLET_VERSION"), "{name} does not pin a pamphlet version");
    }
    let all: String = recipes().iter().map(|(_, r)| serde_yaml::to_string(r).unwrap()).collect();
    assert!(all.contains("cron"), "no recipe rebuilds on a schedule");
}

/// README's fenced code blocks: (info string, text, line of the opening fence).
fn readme_blocks() -> Vec<(String, String, usize)> {
    let readme = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let mut blocks = Vec::new();
    let mut open: Option<(String, String, usize)> = None;
    // Fences inside numbered lists are indented; so is their text, by as much.
    let mut indent = "";
    for (i, line) in readme.lines().enumerate() {
        let fence = line.trim_start().strip_prefix("```");
        match (fence, open.take()) {
            (Some(info), None) => {
                indent = &line[..line.len() - line.trim_start().len()];
                open = Some((info.trim().to_string(), String::new(), i + 1));
            }
            (Some(_), Some(block)) => blocks.push(block),
            (None, Some((info, mut text, at))) => {
                text.push_str(line.strip_prefix(indent).unwrap_or(line));
                text.push('\n');
                open = Some((info, text, at));
            }
            (None, None) => {}
        }
    }
    blocks
}

/// The first complete site.yaml in README (the one with `title:` and `base_url:`).
fn readme_site_yaml(blocks: &[(String, String, usize)]) -> String {
    blocks
        .iter()
        .find(|(info, text, _)| info == "yaml" && text.starts_with("title:"))
        .map(|(_, text, _)| text.clone())
        .expect("README shows a complete site.yaml")
}

#[test]
fn readme_site_yaml_examples_load() {
    let blocks = readme_blocks();
    let site_yaml = readme_site_yaml(&blocks);
    let mut loaded = 0;
    for (info, text, line) in blocks.iter().filter(|(info, _, _)| info == "yaml") {
        // A fragment (the theme's `theme_config:`) is loaded as part of a minimal site.yaml,
        // so unknown keys in it are caught too.
        let whole = if text.starts_with("title:") {
            text.clone()
        } else {
            format!("title: T\nbase_url: https://news.example.pk/\n{text}")
        };
        if let Err(e) = pamphlet::config::Config::parse(&whole, None) {
            panic!("README.md:{line}: the {info} example does not load:\n{e}");
        }
        loaded += 1;
    }
    assert!(loaded >= 2, "only {loaded} yaml examples found");
    assert!(site_yaml.contains("categories:"));
}

#[test]
fn readme_front_matter_examples_build_without_warnings() {
    let blocks = readme_blocks();
    let site_yaml = readme_site_yaml(&blocks);
    let examples: Vec<&(String, String, usize)> = blocks.iter().filter(|(info, _, _)| info == "markdown").collect();
    assert!(!examples.is_empty(), "README has no markdown example");
    for (_, text, line) in examples {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("site.yaml"), &site_yaml).unwrap();
        std::fs::create_dir_all(root.join("content/2024/03")).unwrap();
        // A block without front matter is a body snippet (an embed, a shortcode): it is
        // built as the body of an article.
        let article = if text.starts_with("---") {
            text.clone()
        } else {
            format!("---\ntitle: README snippet\ndate: 2024-03-01\n---\n{text}")
        };
        std::fs::write(root.join("content/2024/03/example.md"), article).unwrap();
        // The images and files the example names exist on the site it is written for.
        for word in text.split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '"')) {
            let Some(path) = word.strip_prefix('/') else { continue };
            let file = root.join("static").join(path);
            if path.starts_with("images/") {
                std::fs::create_dir_all(file.parent().unwrap()).unwrap();
                // A real image: image processing refuses files that are not images.
                image::RgbImage::new(1, 1).save_with_format(file, image::ImageFormat::Png).unwrap();
            } else if path.starts_with("files/") && path.ends_with(".pdf") {
                std::fs::create_dir_all(file.parent().unwrap()).unwrap();
                std::fs::write(file, common::minimal_pdf(2)).unwrap();
            }
        }
        let mut opts = pamphlet::BuildOptions::new(root);
        opts.strict = true;
        if let Err(e) = pamphlet::render_site(&opts) {
            panic!("README.md:{line}: the front-matter example does not build:\n{e}");
        }
    }
}

#[test]
fn readme_shell_commands_parse() {
    let mut total = 0;
    for (_, text, line) in readme_blocks().iter().filter(|(info, _, _)| info == "sh") {
        for command in pamphlet_commands(text) {
            if let Err(e) = Cli::try_parse_from(&command) {
                panic!("README.md:{line}: `{}` is rejected:\n{e}", command.join(" "));
            }
            total += 1;
        }
    }
    assert!(total >= 5, "only {total} pamphlet commands found in README");
}
