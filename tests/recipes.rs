//! The CI recipes in examples/ci/ parse as YAML, and every `pamphlet …` command line in them is
//! accepted by the command-line parser, so the recipes cannot rot silently.

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
