//! Which outputs an edit touched. The dev server compares the model and views of the last good
//! build with the new ones and re-renders only the outputs whose template inputs differ: an
//! article whose card, body or neighbours changed, the list pages that show a changed card,
//! the pages whose view changed, and everything rendered with an edited template. Anything
//! that moves articles around (a new title or date, a category, a tag, a deleted file) or
//! changes the `site` variable selects everything: a full render is always correct.

use std::collections::{BTreeSet, HashSet};

use crate::content::Common;
use crate::render::context::{SiteView, ViewBuilder};
use crate::render::{OutputFilter, Renderer, SharedViews};
use crate::site::{ArticleId, Site};

/// Templates rendered once per article, page or list page; the index pages (`tags.html`,
/// `authors.html`, `404.html`) and alias pages are few and always rendered.
const SELECTABLE_TEMPLATES: &[&str] =
    &["article.html", "page.html", "index.html", "category.html", "tag.html", "author.html"];

/// The outputs to render.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    all: bool,
    /// Every output of these templates.
    templates: BTreeSet<String>,
    /// These article pages.
    articles: HashSet<ArticleId>,
    /// These pages, by index into [`Site::pages`].
    pages: HashSet<usize>,
    /// Every list page that shows one of these articles.
    listed: HashSet<ArticleId>,
}

/// One build, as [`Selection::between`] compares it.
#[derive(Clone, Copy)]
pub struct Build<'a> {
    /// The model.
    pub site: &'a Site,
    /// Its views.
    pub views: &'a SharedViews,
    /// The compiled templates.
    pub renderer: &'a Renderer,
}

impl Selection {
    /// Everything.
    pub fn all() -> Selection {
        Selection { all: true, ..Selection::default() }
    }

    /// Whether everything is selected.
    pub fn is_all(&self) -> bool {
        self.all
    }

    /// Whether nothing but the always-rendered index and alias pages is selected.
    pub fn is_empty(&self) -> bool {
        !self.all && self.templates.is_empty() && self.articles.is_empty() && self.pages.is_empty()
    }

    /// The outputs of `new` whose inputs differ from those in `old`.
    pub fn between(old: Build, new: Build) -> Selection {
        if !same_shape(old.site, new.site) || !same_apart_from_recent(&old.views.site, &new.views.site) {
            return Selection::all();
        }
        let edited = changed_templates(old.renderer, new.renderer);
        let recent_changed = old.views.site.recent != new.views.site.recent;
        let templates = SELECTABLE_TEMPLATES
            .iter()
            .filter(|top| {
                closure(new.renderer, top).iter().any(|t| edited.contains(*t))
                    || (recent_changed && reads_recent(new.renderer, top))
            })
            .map(|t| t.to_string())
            .collect();
        let (old_cards, new_cards) = (&old.views.summaries, &new.views.summaries);
        let listed: HashSet<ArticleId> = (0..new_cards.len()).filter(|&id| old_cards[id] != new_cards[id]).collect();
        let articles = new
            .site
            .articles
            .iter()
            .enumerate()
            .filter(|(id, a)| {
                let neighbours = a.previous.iter().chain(&a.next).chain(&a.related);
                listed.contains(id)
                    || neighbours.into_iter().any(|n| listed.contains(n))
                    || own_content_differs(&old.site.articles[*id].article.common, &a.article.common)
                    || notices_differ(&old.site.articles[*id].article, &a.article)
            })
            .map(|(id, _)| id)
            .collect();
        let (old_views, new_views) = (ViewBuilder::new(old.site), ViewBuilder::new(new.site));
        let pages = (0..new.site.pages.len())
            .filter(|&i| old_views.page(&old.site.pages[i]) != new_views.page(&new.site.pages[i]))
            .collect();
        Selection { all: false, templates, articles, pages, listed }
    }
}

impl OutputFilter for Selection {
    fn article(&self, id: ArticleId) -> bool {
        self.all || self.templates.contains("article.html") || self.articles.contains(&id)
    }

    fn page(&self, index: usize) -> bool {
        self.all || self.templates.contains("page.html") || self.pages.contains(&index)
    }

    fn list_page(&self, template: &str, items: &[ArticleId]) -> bool {
        self.all || self.templates.contains(template) || items.iter().any(|id| self.listed.contains(id))
    }
}

impl Selection {
    /// The outputs that editing articles in place touches, when every edit kept the article's
    /// place, URL and relations (see [`super::content_cache::same_apart_from_body`]): `edits` names
    /// each edited article and whether its card changed; `recent_changed` says whether
    /// `site.recent` did. Selects what [`Selection::between`] would for such edits.
    pub fn after_edits(
        site: &Site,
        renderer: &Renderer,
        edits: &[(ArticleId, bool)],
        recent_changed: bool,
    ) -> Selection {
        let listed: HashSet<ArticleId> = edits.iter().filter(|(_, card)| *card).map(|(id, _)| *id).collect();
        let mut articles: HashSet<ArticleId> = edits.iter().map(|(id, _)| *id).collect();
        if !listed.is_empty() {
            articles.extend(site.articles.iter().enumerate().filter_map(|(id, a)| {
                let mut neighbours = a.previous.iter().chain(&a.next).chain(&a.related);
                neighbours.any(|n| listed.contains(n)).then_some(id)
            }));
        }
        let templates = SELECTABLE_TEMPLATES
            .iter()
            .filter(|top| recent_changed && reads_recent(renderer, top))
            .map(|t| t.to_string())
            .collect();
        Selection { all: false, templates, articles, pages: HashSet::new(), listed }
    }
}

/// Whether `top` or a template it uses mentions `recent` (the five newest cards).
fn reads_recent(renderer: &Renderer, top: &str) -> bool {
    closure(renderer, top).iter().any(|t| renderer.template_sources()[*t].contains("recent"))
}

/// What an article page shows beyond its card and its neighbours' cards.
fn own_content_differs(old: &Common, new: &Common) -> bool {
    let same_body = std::sync::Arc::ptr_eq(&old.body, &new.body)
        || (old.body.html == new.body.html && old.body.toc == new.body.toc);
    !same_body || old.extra != new.extra
}

/// Whether an article page's box of corrections and updates changed (its card may not have).
fn notices_differ(old: &crate::content::Article, new: &crate::content::Article) -> bool {
    old.corrections != new.corrections || old.updates != new.updates
}

/// Whether two models have the same articles and pages at the same URLs, in the same order,
/// with the same relations: then both produce the same set of output paths, and an article's
/// id means the same article in both.
fn same_shape(a: &Site, b: &Site) -> bool {
    let same_articles = a.articles.len() == b.articles.len()
        && a.articles.iter().zip(&b.articles).all(|(x, y)| {
            x.path == y.path
                && x.categories == y.categories
                && x.tags == y.tags
                && x.authors == y.authors
                && x.previous == y.previous
                && x.next == y.next
                && x.related == y.related
                && x.image == y.image
                && x.article.common.source == y.article.common.source
                && x.article.common.aliases == y.article.common.aliases
        });
    let same_pages = a.pages.len() == b.pages.len()
        && a.pages.iter().zip(&b.pages).all(|(x, y)| {
            x.page.path == y.page.path
                && x.page.common.source == y.page.common.source
                && x.page.common.aliases == y.page.common.aliases
        });
    same_articles
        && same_pages
        && a.tags == b.tags
        && a.authors == b.authors
        && a.categories == b.categories
        && a.category_articles == b.category_articles
        && a.tag_articles == b.tag_articles
        && a.author_articles == b.author_articles
        && a.config == b.config
}

/// Whether two `site` variables are equal in everything but `recent` (which changes whenever
/// one of the five newest articles' cards does, and which few templates show).
fn same_apart_from_recent(this: &SiteView, other: &SiteView) -> bool {
    // Destructured so that a new field cannot be forgotten here.
    let SiteView {
        title,
        description,
        base_url,
        url,
        language,
        dir,
        categories,
        menu,
        authors,
        recent: _,
        theme,
        extra,
        generator,
        feed_url,
        query_redirects,
        search_parts,
        languages,
    } = this;
    *title == other.title
        && *description == other.description
        && *base_url == other.base_url
        && *url == other.url
        && *language == other.language
        && *dir == other.dir
        && *categories == other.categories
        && *menu == other.menu
        && *authors == other.authors
        && *theme == other.theme
        && *extra == other.extra
        && *feed_url == other.feed_url
        && *query_redirects == other.query_redirects
        && *search_parts == other.search_parts
        && *languages == other.languages
        && *generator == other.generator
}

/// Templates added, removed or edited between two renderers.
fn changed_templates<'a>(old: &Renderer, new: &'a Renderer) -> BTreeSet<&'a str> {
    let (old, new) = (old.template_sources(), new.template_sources());
    let mut changed: BTreeSet<&str> = new
        .iter()
        .filter(|(name, text)| old.get(*name).map(String::as_str) != Some(text.as_str()))
        .map(|(n, _)| n.as_str())
        .collect();
    // A removed template changes whatever included it; it is gone from `new`, so name the
    // survivors that mention it.
    for removed in old.keys().filter(|n| !new.contains_key(*n)) {
        changed.extend(new.iter().filter(|(_, text)| mentions(text, removed)).map(|(n, _)| n.as_str()));
    }
    changed
}

/// Whether a template's text names another template in quotes (`extends`, `include`,
/// `import`, `partial(template=…)`). Over-approximates — a quoted name in a comment counts — which only costs renders.
fn mentions(text: &str, name: &str) -> bool {
    text.contains(&format!("\"{name}\"")) || text.contains(&format!("'{name}'"))
}

/// `name` and every template of `renderer` it uses, directly or through others.
fn closure<'a>(renderer: &'a Renderer, name: &str) -> BTreeSet<&'a str> {
    let sources = renderer.template_sources();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut todo: Vec<&str> = sources.get_key_value(name).map(|(n, _)| n.as_str()).into_iter().collect();
    while let Some(current) = todo.pop() {
        if !seen.insert(current) {
            continue;
        }
        let text = &sources[current];
        todo.extend(sources.keys().map(String::as_str).filter(|other| mentions(text, other)));
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::theme::{TemplateSource, Theme};

    fn renderer(templates: &[(&str, &str)]) -> Renderer {
        let mut all: Vec<(&str, &str)> = crate::theme::REQUIRED_TEMPLATES.iter().map(|n| (*n, "")).collect();
        all.retain(|(n, _)| !templates.iter().any(|(t, _)| t == n));
        all.extend_from_slice(templates);
        let templates = all
            .iter()
            .map(|(name, text)| TemplateSource { name: name.to_string(), text: text.to_string(), origin: name.into() })
            .collect();
        Renderer::new(&Theme { templates, statics: Vec::new(), strings: Vec::new() }, Default::default()).unwrap()
    }

    #[test]
    fn closure_follows_extends_and_includes() {
        let r = renderer(&[
            ("base.html", "{% block main %}{% endblock main %}"),
            ("partials/card.html", "card"),
            (
                "article.html",
                "{% extends \"base.html\" %}{% block main %}{% include 'partials/card.html' %}{% endblock main %}",
            ),
        ]);
        let uses: Vec<&str> = closure(&r, "article.html").into_iter().collect();
        assert_eq!(uses, vec!["article.html", "base.html", "partials/card.html"]);
        assert_eq!(closure(&r, "page.html").into_iter().collect::<Vec<_>>(), vec!["page.html"]);
    }

    #[test]
    fn closure_follows_partials() {
        let r = renderer(&[
            ("partials/card.html", "card"),
            (
                "tag.html",
                "{% for item in items %}{{ partial(template=\"partials/card.html\", item=item) }}{% endfor %}",
            ),
        ]);
        assert!(closure(&r, "tag.html").contains("partials/card.html"));
    }

    #[test]
    fn editing_a_partial_changes_it_and_nothing_else() {
        let before =
            renderer(&[("partials/card.html", "card"), ("index.html", "{% include \"partials/card.html\" %}")]);
        let after =
            renderer(&[("partials/card.html", "new card"), ("index.html", "{% include \"partials/card.html\" %}")]);
        assert_eq!(changed_templates(&before, &after).into_iter().collect::<Vec<_>>(), vec!["partials/card.html"]);
        assert!(closure(&after, "index.html").contains("partials/card.html"));
        assert!(!closure(&after, "article.html").contains("partials/card.html"));
    }
}
