//! One deliberately broken site per error class: the `pamphlet build` binary exits with the
//! right status, names the file and line, and leaves the previously published output exactly
//! as it was.

use std::process::Command;

use crate::common::{SiteTest, article, snapshot};

/// A good site: two articles in a declared category tree, a page, an image.
fn good_site() -> SiteTest {
    SiteTest::new()
        .file(
            "site.yaml",
            "title: T\nbase_url: https://example.org\ntheme: plain\ncategories:\n  - name: DRM Exclusive\n    children: [ { name: News } ]\n  - name: In Media\n    children: [ { name: News } ]\n",
        )
        .file("content/a.md", &article("A", "2024-01-01", "categories: [\"DRM Exclusive/News\"]\nimage: /i.png\nimage_alt: An image\n", "Text."))
        .file("content/b.md", &article("B", "2024-01-02", "categories: [\"In Media/News\"]\n", "Text."))
        .file("content/pages/about.md", "---\ntitle: About\n---\nUs.\n")
        .image("static/i.png")
}

fn pamphlet_build(t: &SiteTest) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_pamphlet"))
        .args(["build", "--root"])
        .arg(t.root())
        .arg("--output")
        .arg(t.output())
        .output()
        .expect("run pamphlet")
}

/// Adds `lines` at the end of the site's `site.yaml` (whose last line is 8).
fn append_to_site_yaml(t: &SiteTest, lines: &str) {
    let yaml = std::fs::read_to_string(t.root().join("site.yaml")).unwrap();
    write(t, "site.yaml", &format!("{yaml}{lines}"));
}

/// Builds the good site, breaks it with `break_it`, builds again and checks the outcome.
fn assert_broken(name: &str, break_it: impl FnOnce(&SiteTest), exit: i32, expected: &str) {
    let t = good_site();
    let first = pamphlet_build(&t);
    assert!(first.status.success(), "{name}: the good site must build: {}", String::from_utf8_lossy(&first.stderr));
    let before = snapshot(&t.output());
    assert!(!before.is_empty());
    break_it(&t);
    let out = pamphlet_build(&t);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(exit), "{name}: exit status; stderr:\n{stderr}");
    assert!(stderr.contains(expected), "{name}: expected `{expected}` in:\n{stderr}");
    assert_eq!(snapshot(&t.output()), before, "{name}: the previous output changed");
}

fn write(t: &SiteTest, rel: &str, text: &str) {
    let path = t.root().join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn front_matter_that_is_not_yaml() {
    assert_broken(
        "yaml",
        |t| write(t, "content/a.md", "---\ntitle: [A\ndate: 2024-01-01\n---\n"),
        1,
        "error: content/a.md:2:8: title: invalid type: sequence, expected a string",
    );
}

#[test]
fn front_matter_never_closed() {
    assert_broken(
        "unclosed",
        |t| write(t, "content/a.md", "---\ntitle: A\ndate: 2024-01-01\n"),
        1,
        "error: content/a.md:1:1: front matter opened here is never closed",
    );
}

#[test]
fn file_that_is_not_utf8() {
    assert_broken(
        "utf8",
        |t| std::fs::write(t.root().join("content/a.md"), b"---\ntitle: A\ndate: 2024-01-01\n---\n\xff\n").unwrap(),
        1,
        "error: content/a.md:5:1: this file is not UTF-8 text",
    );
}

#[test]
fn wrongly_typed_date() {
    assert_broken(
        "date",
        |t| write(t, "content/a.md", &article("A", "yesterday", "", "x")),
        1,
        "error: content/a.md:3:7: `date: yesterday` is not a date",
    );
}

#[test]
fn unknown_field() {
    assert_broken(
        "field",
        |t| write(t, "content/a.md", &article("A", "2024-01-01", "tgas: [x]\n", "x")),
        1,
        "error: content/a.md:4:1: unknown field `tgas`: did you mean `tags`?",
    );
}

#[test]
fn unknown_category() {
    assert_broken(
        "category",
        |t| write(t, "content/a.md", &article("A", "2024-01-01", "categories: [Nwes]\n", "x")),
        1,
        "error: content/a.md:4:14: unknown category \"Nwes\": did you mean",
    );
}

#[test]
fn ambiguous_category() {
    assert_broken(
        "ambiguous",
        |t| write(t, "content/a.md", &article("A", "2024-01-01", "categories: [News]\n", "x")),
        1,
        "error: content/a.md:4:14: category \"News\" is ambiguous: write \"DRM Exclusive/News\" or \"In Media/News\"",
    );
}

#[test]
fn previous_pointing_at_nothing() {
    assert_broken(
        "previous",
        |t| write(t, "content/a.md", &article("A", "2024-01-01", "previous: nothing-here\n", "x")),
        1,
        "error: content/a.md:4:11: `previous: nothing-here` matches no article",
    );
}

#[test]
fn two_files_claiming_one_url() {
    assert_broken(
        "duplicate",
        |t| write(t, "content/again/a.md", &article("A again", "2024-01-03", "", "x")),
        1,
        "content/a.md and content/again/a.md all want the URL /2024/01/a/",
    );
}

#[test]
fn slug_escaping_the_output_folder() {
    assert_broken(
        "slug",
        |t| write(t, "content/a.md", &article("A", "2024-01-01", "slug: ../../outside\n", "x")),
        1,
        "error: content/a.md:4:1: slug `../../outside` cannot be used in a URL",
    );
}

#[test]
fn alias_escaping_the_output_folder() {
    assert_broken(
        "alias",
        |t| write(t, "content/a.md", &article("A", "2024-01-01", "aliases: [\"/a/../../../x/\"]\n", "x")),
        1,
        "error: content/a.md:4:12: alias `/a/../../../x/` is not a path on this site",
    );
}

#[test]
fn template_syntax_error() {
    assert_broken(
        "template syntax",
        |t| {
            write(
                t,
                "templates/tag.html",
                "{% extends \"base.html\" %}\n{% block main %}{{ tag.name </p>{% endblock main %}",
            )
        },
        1,
        "error: templates/tag.html:2:",
    );
}

#[test]
fn template_missing_variable() {
    assert_broken(
        "template variable",
        |t| {
            write(
                t,
                "templates/article.html",
                "{% extends \"base.html\" %}\n{% block main %}{{ article.titel }}{% endblock main %}",
            )
        },
        1,
        "error: templates/article.html:2:28: Field `titel` is not defined",
    );
}

#[test]
fn missing_theme() {
    assert_broken(
        "theme",
        |t| {
            let yaml =
                std::fs::read_to_string(t.root().join("site.yaml")).unwrap().replace("theme: plain", "theme: nosuch");
            write(t, "site.yaml", &yaml);
        },
        2,
        "theme `nosuch` not found",
    );
}

#[test]
fn missing_template() {
    assert_broken(
        "template",
        |t| std::fs::remove_file(t.root().join("themes/plain/templates/tag.html")).unwrap(),
        2,
        "theme `plain` has no template `tag.html`",
    );
}

#[test]
fn site_yaml_error() {
    assert_broken(
        "site.yaml",
        |t| append_to_site_yaml(t, "paginat: 5\n"),
        2,
        "error: site.yaml:9:1: unknown field `paginat`: did you mean `paginate`?",
    );
}

#[test]
fn featured_image_that_does_not_exist() {
    assert_broken(
        "image",
        |t| std::fs::remove_file(t.root().join("static/i.png")).unwrap(),
        1,
        "error: content/a.md:5:8: featured image `/i.png` not found",
    );
}

/// Keys a template cannot read (a list, a number with a fraction) in the free-form mappings
/// templates get: an error at the key's line, never a panic while rendering.
#[test]
fn extra_keys_templates_cannot_read() {
    assert_broken(
        "extra key",
        |t| write(t, "content/b.md", &article("B", "2024-01-02", "extra:\n  ? [a, b]\n  : c\n", "Text.")),
        1,
        "error: content/b.md:4:1: `extra:`: templates cannot read the key `[\"a\",\"b\"]` in it",
    );
    assert_broken(
        "theme_config key",
        |t| append_to_site_yaml(t, "theme_config:\n  social:\n    1.5: x\n"),
        2,
        "error: site.yaml:9:1: `theme_config:`: templates cannot read the key `1.5` in it",
    );
}
