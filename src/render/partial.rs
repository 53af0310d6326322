//! The `partial(template=…, …)` template function: another template rendered with only the
//! arguments it is given (and the page's `lang`, `dir` and `site`), once per build for each
//! distinct set of arguments.
//!
//! Why: an article's card is printed on every list page it appears on (its category's, each
//! tag's, each author's, the home page's) and in the related block of its neighbours: about ten
//! times per article. Rendering each card again was a fifth of a whole build's work. A card made
//! from the same arguments is the same HTML, so the first rendering of it is kept and handed to
//! every later call. An `{% include %}` sees all the page's variables, so it cannot be kept
//! this way; a partial sees only its arguments, which are its key.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError, RwLock, Weak};

use tera::{Context, Kwargs, State, Tera, TeraResult, Value};

use super::digest::{Encoded, digest_of, hash_value};
use super::template_error;

/// The name templates call the function by.
pub const FUNCTION: &str = "partial";
/// The argument naming the template to render; every other argument becomes a variable.
const TEMPLATE_ARG: &str = "template";
/// The page variables a partial gets besides its arguments, the same on many pages: `t()` and
/// `local_date` need `lang`, and a theme's own partial may want `site.url` for its assets.
const PAGE_VARIABLES: [&str; 3] = ["lang", "dir", "site"];

/// The templates partials are rendered with, and the partials rendered so far.
pub(super) struct Partials {
    /// A copy of the renderer's templates (with this function in them), set once they are
    /// complete: see [`Partials::use_templates`].
    tera: RwLock<Option<Tera>>,
    /// Template name → the file it came from, for error messages.
    origins: BTreeMap<String, PathBuf>,
    /// The digest of a call's template, arguments and page variables → the HTML it rendered.
    rendered: Mutex<HashMap<u128, Value>>,
    /// The addresses of maps that stay alive and unchanged until [`Partials::forget`]: every
    /// card, and `site`. A card is a map of a few kilobytes (image variants, categories,
    /// authors) and is handed to a partial ten times per build: hashing it every time cost more
    /// than rendering it. Its address names it as well while it is alive, and no other map can
    /// have that address meanwhile.
    lasting: RwLock<HashSet<usize>>,
}

/// Forgets the partials rendered so far when dropped (see [`Partials::session`]).
pub(super) struct Session<'p>(&'p Partials);

impl Drop for Session<'_> {
    fn drop(&mut self) {
        self.0.forget();
    }
}

impl Partials {
    /// Registers the `partial` function in `tera` and returns what it renders with. The
    /// function holds a weak reference: the templates it renders with hold the function.
    pub(super) fn register(tera: &mut Tera, origins: BTreeMap<String, PathBuf>) -> Arc<Partials> {
        let partials = Arc::new(Partials {
            tera: RwLock::new(None),
            origins,
            rendered: Mutex::default(),
            lasting: RwLock::default(),
        });
        tera.register_function(FUNCTION, Call(Arc::downgrade(&partials)));
        partials
    }

    /// Renders partials with `tera` from now on (the renderer's templates once every function
    /// is registered), forgetting those rendered with earlier templates.
    pub(super) fn use_templates(&self, tera: &Tera) {
        *self.tera.write().unwrap_or_else(PoisonError::into_inner) = Some(tera.clone());
        self.forget();
    }

    /// The partials of one rendering of a site, forgotten when the returned guard is dropped.
    /// Values passed to [`Partials::keep_lasting`] must outlive the guard: declare them first.
    pub(super) fn session(&self) -> Session<'_> {
        Session(self)
    }

    /// Notes that `value` stays alive and unchanged until the current session ends, so that
    /// calls passing it are told apart by its address rather than by hashing it.
    pub(super) fn keep_lasting(&self, value: &Value) {
        if let Some(map) = value.as_map() {
            self.lasting.write().unwrap_or_else(PoisonError::into_inner).insert(address(map));
        }
    }

    /// Drops the partials rendered so far, and the lasting values' addresses (a build does once
    /// its pages are rendered: they are only a cache, and the memory is better spent on the
    /// search index).
    fn forget(&self) {
        *self.rendered.lock().unwrap_or_else(PoisonError::into_inner) = HashMap::new();
        *self.lasting.write().unwrap_or_else(PoisonError::into_inner) = HashSet::new();
    }

    /// The HTML of `template` with `variables`: kept from an earlier call with the same `key`,
    /// or rendered now (and kept when there is a key).
    fn render(&self, key: Option<u128>, template: &str, variables: impl FnOnce() -> Context) -> TeraResult<Value> {
        if let Some(key) = key
            && let Some(html) = self.rendered.lock().unwrap_or_else(PoisonError::into_inner).get(&key)
        {
            return Ok(html.clone());
        }
        // Rendered outside the lock: the other threads go on meanwhile. Two threads may render
        // the same card at once; both get the same HTML.
        let tera = self.tera.read().unwrap_or_else(PoisonError::into_inner);
        let tera = tera.as_ref().ok_or_else(|| tera::Error::message("partial(): the templates are not ready yet"))?;
        let html = tera.render(template, &variables()).map_err(|e| self.error(template, &e))?;
        let html = Value::safe_string(&html);
        if let Some(key) = key {
            self.rendered.lock().unwrap_or_else(PoisonError::into_inner).insert(key, html.clone());
        }
        Ok(html)
    }

    /// The error of rendering the partial `template`, for the calling template's error: where
    /// in the partial, and for a variable it lacks, how to hand it over.
    fn error(&self, template: &str, e: &tera::Error) -> tera::Error {
        let error = template_error(e, &self.origins).to_string();
        let hint = if error.contains("Variable `") && error.contains("is not defined") {
            " (a partial gets its arguments, `lang`, `dir` and `site`: pass anything else as an \
             argument, such as `partial(template=…, current_url=current_url)`)"
        } else {
            ""
        };
        tera::Error::message(format!("in the partial {template}: {error}{hint}"))
    }

    /// The digest of everything a partial is rendered from: its arguments (the template's name
    /// among them) in the order given, and the page variables it gets. `None` when some value
    /// cannot be hashed: that call is rendered and not kept.
    fn call_key(&self, kwargs: &Kwargs, page: &[(&str, Option<Value>)]) -> Option<u128> {
        let lasting = self.lasting.read().unwrap_or_else(PoisonError::into_inner);
        let hash = |hasher: &mut Encoded, value: &Value| match value.as_map().map(address) {
            Some(address) if lasting.contains(&address) => {
                // Apart from `hash_value`'s encodings, which start with a small value kind.
                hasher.write_u8(u8::MAX);
                hasher.write_usize(address);
                true
            }
            _ => hash_value(hasher, value),
        };
        let mut hashable = true;
        let key = digest_of(|hasher| {
            hashable = page.iter().all(|(name, value)| {
                name.hash(hasher);
                value.as_ref().is_none_or(|value| hash(hasher, value))
            }) && kwargs.iter().all(|(name, value)| {
                name.hash(hasher);
                hash(hasher, value)
            });
        });
        hashable.then_some(key)
    }
}

/// A map's address while it is alive (see [`Partials::lasting`]).
fn address(map: &tera::Map) -> usize {
    std::ptr::from_ref(map).addr()
}

/// The function as Tera calls it.
struct Call(Weak<Partials>);

impl tera::Function<TeraResult<Value>> for Call {
    fn call(&self, kwargs: Kwargs, state: &State) -> TeraResult<Value> {
        let partials = self.0.upgrade().ok_or_else(|| tera::Error::message("partial(): the renderer is gone"))?;
        let template: &str = kwargs.must_get(TEMPLATE_ARG)?;
        let page = PAGE_VARIABLES.map(|name| (name, state.get::<Value>(name).ok().flatten()));
        let variables = || {
            let mut variables = Context::new();
            for (name, value) in &page {
                if let Some(value) = value {
                    variables.insert_value(*name, value.clone());
                }
            }
            for (name, value) in kwargs.iter() {
                if name.as_str() != Some(TEMPLATE_ARG) {
                    variables.insert_value(name.to_string(), value.clone());
                }
            }
            variables
        };
        partials.render(partials.call_key(&kwargs, &page), template, variables)
    }

    /// The HTML is printed as it is: it was escaped when the partial was rendered.
    fn is_safe(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tera_with(templates: &[(&str, &str)]) -> (Tera, Arc<Partials>) {
        let mut tera = Tera::new();
        let partials = Partials::register(&mut tera, BTreeMap::new());
        tera.autoescape_on(vec![".html"]);
        tera.add_raw_templates(templates.iter().copied()).unwrap();
        partials.use_templates(&tera);
        (tera, partials)
    }

    fn render(tera: &Tera, template: &str, context: &Context) -> String {
        tera.render(template, context).unwrap()
    }

    #[test]
    fn a_partial_prints_what_an_include_would_for_its_arguments() {
        let card = "<p lang=\"{{ lang }}\">{{ item.title }}{% if h is defined %} h{{ h }}{% endif %}</p>";
        let (tera, _partials) = tera_with(&[
            ("card.html", card),
            ("with_include.html", "{% for item in items %}{% include \"card.html\" %}{% endfor %}"),
            (
                "with_partial.html",
                "{% for item in items %}{{ partial(template=\"card.html\", item=item) }}{% endfor %}",
            ),
        ]);
        let mut context = Context::new();
        context.insert("lang", "ur");
        context.insert("items", &[BTreeMap::from([("title", "A & B")]), BTreeMap::from([("title", "<C>")])]);
        let included = render(&tera, "with_include.html", &context);
        assert_eq!(included, "<p lang=\"ur\">A &amp; B</p><p lang=\"ur\">&lt;C&gt;</p>");
        assert_eq!(render(&tera, "with_partial.html", &context), included);
    }

    #[test]
    fn a_partial_with_the_same_arguments_is_rendered_once() {
        let (tera, partials) = tera_with(&[
            ("card.html", "{{ item.title }}"),
            ("page.html", "{% for item in items %}{{ partial(template=\"card.html\", item=item, h=h) }};{% endfor %}"),
        ]);
        let mut context = Context::new();
        context.insert("items", &[BTreeMap::from([("title", "one")]), BTreeMap::from([("title", "two")])]);
        context.insert("h", &2);
        assert_eq!(render(&tera, "page.html", &context), "one;two;");
        assert_eq!(partials.rendered.lock().unwrap().len(), 2);
        // The same cards again: no new renderings. Another `h` or `lang`: new ones.
        render(&tera, "page.html", &context);
        assert_eq!(partials.rendered.lock().unwrap().len(), 2);
        context.insert("h", &3);
        render(&tera, "page.html", &context);
        assert_eq!(partials.rendered.lock().unwrap().len(), 4);
        context.insert("lang", "ur");
        render(&tera, "page.html", &context);
        assert_eq!(partials.rendered.lock().unwrap().len(), 6);
        partials.forget();
        assert!(partials.rendered.lock().unwrap().is_empty());
    }

    #[test]
    fn a_kept_partial_is_the_one_its_arguments_render() {
        // Were the key to miss an argument, the second item would print the first's title.
        let (tera, _partials) = tera_with(&[
            ("card.html", "{{ item.title }}/{{ lang }}"),
            ("page.html", "{% for item in items %}{{ partial(template=\"card.html\", item=item) }};{% endfor %}"),
        ]);
        let mut context = Context::new();
        context.insert("lang", "en");
        context.insert("items", &[BTreeMap::from([("title", "one")]), BTreeMap::from([("title", "two")])]);
        assert_eq!(render(&tera, "page.html", &context), "one/en;two/en;");
        context.insert("lang", "ur");
        assert_eq!(render(&tera, "page.html", &context), "one/ur;two/ur;");
    }

    #[test]
    fn a_partial_sees_the_pages_site_and_a_new_site_renders_it_again() {
        let (tera, partials) = tera_with(&[
            ("card.html", "{{ item }} in {{ site.title }} ({{ dir }})"),
            ("page.html", "{{ partial(template=\"card.html\", item=1) }}"),
        ]);
        let mut context = Context::new();
        context.insert("dir", "rtl");
        context.insert("site", &BTreeMap::from([("title", "One")]));
        assert_eq!(render(&tera, "page.html", &context), "1 in One (rtl)");
        assert_eq!(render(&tera, "page.html", &context), "1 in One (rtl)");
        assert_eq!(partials.rendered.lock().unwrap().len(), 1);
        context.insert("site", &BTreeMap::from([("title", "Two")]));
        assert_eq!(render(&tera, "page.html", &context), "1 in Two (rtl)");
    }

    #[test]
    fn a_lasting_value_is_known_by_its_address_until_the_session_ends() {
        let (tera, partials) = tera_with(&[
            ("card.html", "{{ item.title }}"),
            ("page.html", "{{ partial(template=\"card.html\", item=item) }}"),
        ]);
        let mut context = Context::new();
        context.insert("item", &BTreeMap::from([("title", "one")]));
        let item = context.get("item").unwrap().clone();
        let session = partials.session();
        partials.keep_lasting(&item);
        assert_eq!(render(&tera, "page.html", &context), "one");
        // The same map again is a kept partial; an equal map elsewhere is not known by address.
        assert_eq!(render(&tera, "page.html", &context), "one");
        assert_eq!(partials.rendered.lock().unwrap().len(), 1);
        context.insert("item", &BTreeMap::from([("title", "one")]));
        assert_eq!(render(&tera, "page.html", &context), "one");
        assert_eq!(partials.rendered.lock().unwrap().len(), 2);
        // Another lasting map is another partial.
        context.insert("item", &BTreeMap::from([("title", "two")]));
        partials.keep_lasting(context.get("item").unwrap());
        assert_eq!(render(&tera, "page.html", &context), "two");
        drop(session);
        assert!(partials.rendered.lock().unwrap().is_empty());
        assert!(partials.lasting.read().unwrap().is_empty());
    }

    #[test]
    fn an_error_inside_a_partial_names_the_partial_and_its_line() {
        let (tera, _partials) = tera_with(&[
            ("card.html", "ok\n{{ missing.title }}"),
            ("page.html", "{{ partial(template=\"card.html\", item=1) }}"),
        ]);
        let message = tera.render("page.html", &Context::new()).unwrap_err().to_string();
        assert!(message.contains("in the partial card.html: card.html:2:"), "{message}");
        assert!(message.contains("pass anything else as an argument"), "{message}");
    }
}
