//! What a page is rendered from, as a 128-bit digest, so that a build can tell that a page of
//! the previous build was rendered from exactly the same inputs and reuse its file instead of
//! rendering it again (see `crate::reuse`).
//!
//! A page's HTML is a function of its template, the theme's other templates, the interface
//! strings, the published images (the `image()` function), its site path and its template
//! variables. Everything but the variables is the same for every page of a build: it is hashed
//! once ([`Renderer::inputs_digest`](super::Renderer)), and each page's digest is an XXH3-128
//! of that, the template's name, the page's path and each variable as it is inserted
//! ([`PageContext`]). A theme that calls `now()` renders differently from one moment to
//! the next, so its pages get no digest and are always rendered.

mod stream;

use std::hash::{Hash, Hasher};

use tera::value::ValueKind;
use tera::{Context, Value};

/// The digest of everything one page is rendered from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageDigest(pub u128);

impl std::fmt::Display for PageDigest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

impl std::str::FromStr for PageDigest {
    type Err = std::num::ParseIntError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        u128::from_str_radix(s, 16).map(PageDigest)
    }
}

/// The digest of what every page of a build shares (templates, strings, images, the `site`
/// variable): the key of each page's digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputsDigest(u128);

impl InputsDigest {
    /// The digest of everything `hash` feeds it.
    pub fn of(hash: impl FnOnce(&mut Encoded)) -> InputsDigest {
        InputsDigest(digest_of(hash))
    }
}

/// A page's template variables, and the running digest of them when the build asked for one.
///
/// A large variable (an article's view with its text, the cards of a list page) is kept as the
/// view it was given and hashed from its serde stream; its template value is made only when
/// the page is rendered ([`PageVariables::into_context`]). A rebuild reuses most pages, and
/// making each page's values only to hash and drop them was about a quarter of the CPU time of
/// a build in which nothing changed.
pub struct PageContext<'a> {
    variables: Vec<(&'static str, Variable<'a>)>,
    /// The bytes of the shared digest and of the variables so far; `None` when no digest is
    /// wanted, or a variable could not be hashed.
    encoded: Option<Encoded>,
}

/// One template variable, as [`PageContext`] keeps it.
enum Variable<'a> {
    Value(Value),
    /// A view whose template value is made only if the page is rendered.
    View(Box<dyn ToValue + 'a>),
    /// A value that could not be made into a template value: why (see [`value_of`]).
    Failed(String),
}

/// What can be made into a template value (anything serde can serialize).
trait ToValue {
    fn to_value(&self) -> Result<Value, String>;
}

impl<T: serde::Serialize> ToValue for T {
    fn to_value(&self) -> Result<Value, String> {
        value_of(self)
    }
}

/// `value` as a template value, or why it cannot be one. Tera's `Value::from_serializable`
/// panics instead: on a map whose keys are not strings, integers or booleans, for one (a key
/// a front matter's `extra:` may hold, which `crate::yaml::untemplatable_key` reports first,
/// with its line), and a user's input must never crash a build.
pub fn value_of<T: serde::Serialize + ?Sized>(value: &T) -> Result<Value, String> {
    Value::try_from_serializable(value).map_err(|e| e.to_string())
}

/// A page's template variables, made into Tera's context only when the page is rendered.
pub struct PageVariables<'a>(Vec<(&'static str, Variable<'a>)>);

impl PageVariables<'_> {
    /// The variables as Tera takes them, each view made into its template value; or, for the
    /// first variable that cannot be one, its name and why.
    pub fn into_context(self) -> Result<Context, (&'static str, String)> {
        let mut context = Context::new();
        for (key, variable) in self.0 {
            let value = match variable {
                Variable::Value(value) => value,
                Variable::View(view) => view.to_value().map_err(|why| (key, why))?,
                Variable::Failed(why) => return Err((key, why)),
            };
            context.insert_value(key, value);
        }
        Ok(context)
    }
}

/// The bytes a digest is made of, gathered in one buffer and hashed in one call at the end: a
/// page has hundreds of small values (numbers, flags, lengths, short strings), and hashing
/// each on its own costs more than the bytes themselves.
#[derive(Default)]
pub struct Encoded(Vec<u8>);

impl Hasher for Encoded {
    fn write(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    fn finish(&self) -> u64 {
        // Not a hasher's result: the bytes are hashed by `Encoded::digest`.
        0
    }
}

impl Encoded {
    fn digest(&self) -> u128 {
        xxhash_rust::xxh3::xxh3_128(&self.0)
    }

    /// Feeds `view`'s serde data model (see [`stream`]); `false` when its `Serialize` fails.
    pub fn write_view<T: serde::Serialize + ?Sized>(&mut self, view: &T) -> bool {
        view.serialize(stream::StreamHasher::new(&mut self.0)).is_ok()
    }
}

impl<'a> PageContext<'a> {
    /// An empty context, digested when `inputs` is given.
    pub fn new(inputs: Option<InputsDigest>) -> PageContext<'a> {
        let encoded = inputs.map(|inputs| {
            // A page's variables are about 30 kB (its article's text, the cards it shows).
            let mut encoded = Encoded(Vec::with_capacity(64 * 1024));
            encoded.write_u128(inputs.0);
            encoded
        });
        PageContext { variables: Vec::with_capacity(16), encoded }
    }

    /// Sets variable `key` to `value`, made into a template value now: for small values (a
    /// URL, a flag, a short list).
    pub fn insert<T: serde::Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.insert_made(key, value_of(value));
    }

    /// Sets variable `key` to `value`, made by [`value_of`] (which may have failed).
    pub fn insert_made(&mut self, key: &'static str, value: Result<Value, String>) {
        match value {
            Ok(value) => self.insert_value(key, value),
            Err(why) => {
                // The page has no digest then: it is rendered, and its rendering fails with why.
                self.encoded = None;
                self.variables.push((key, Variable::Failed(why)));
            }
        }
    }

    /// Sets variable `key` to `value`, already a template value.
    pub fn insert_value(&mut self, key: &'static str, value: Value) {
        if let Some(encoded) = &mut self.encoded {
            key.hash(encoded);
            if !hash_value(encoded, &value) {
                self.encoded = None;
            }
        }
        self.variables.push((key, Variable::Value(value)));
    }

    /// Sets variable `key` to `view`, hashed from its serde stream now and made into a template
    /// value only if the page is rendered: for large values (an article's view, its `seo`).
    pub fn insert_view<T: serde::Serialize + 'a>(&mut self, key: &'static str, view: T) {
        self.insert_view_hashed_by(key, view, |encoded, view| encoded.write_view(&*view));
    }

    /// [`PageContext::insert_view`], feeding the digest what `hash` feeds it instead of the
    /// view's serde stream: for a view made of parts whose digests are already known, such as
    /// the cards of a list page (each card is hashed once per build, not once for every list
    /// page it stands on). `hash` must feed everything `view` holds, and returns `false` when it
    /// cannot, and may take parts out of `view` while it hashes the rest, if it puts them back.
    /// It is not called when the page gets no digest.
    pub fn insert_view_hashed_by<T: serde::Serialize + 'a>(
        &mut self,
        key: &'static str,
        mut view: T,
        hash: impl FnOnce(&mut Encoded, &mut T) -> bool,
    ) {
        if let Some(encoded) = &mut self.encoded {
            key.hash(encoded);
            // Apart from values hashed by `hash_value`, which start with their kind.
            encoded.write_u8(0xfd);
            if !hash(encoded, &mut view) {
                self.encoded = None;
            }
        }
        self.variables.push((key, Variable::View(Box::new(view))));
    }

    /// Sets variable `key` to `value`, the same for every page of the build: the
    /// [`InputsDigest`] covers it, so it is not hashed again for each page.
    pub fn insert_shared(&mut self, key: &'static str, value: Value) {
        if let Some(encoded) = &mut self.encoded {
            key.hash(encoded);
            encoded.write_u8(0xfe);
        }
        self.variables.push((key, Variable::Value(value)));
    }

    /// The variables, and the digest of the page at site path `path` rendered from them with
    /// `template` (`None` when no digest was wanted or one could not be made).
    pub fn finish(self, template: &str, path: &str) -> (PageVariables<'a>, Option<PageDigest>) {
        let digest = self.encoded.map(|mut encoded| {
            template.hash(&mut encoded);
            path.hash(&mut encoded);
            PageDigest(encoded.digest())
        });
        (PageVariables(self.variables), digest)
    }
}

/// The 128-bit digest of everything `hash` feeds it.
pub fn digest_of(hash: impl FnOnce(&mut Encoded)) -> u128 {
    let mut encoded = Encoded::default();
    hash(&mut encoded);
    encoded.digest()
}

/// The digest of `view`'s serde data model (`None` when its `Serialize` fails).
pub fn view_digest<T: serde::Serialize + ?Sized>(view: &T) -> Option<u128> {
    let mut hashable = true;
    let digest = digest_of(|h| hashable = h.write_view(view));
    hashable.then_some(digest)
}

/// Hashes `value` and everything in it; `false` for a kind of value this version of Tera added
/// that it does not know (the page is then rendered, never reused). Strings, byte strings and
/// sequences hash their length or an end marker with them (std's `Hash`), so that no two
/// different values feed the same bytes.
pub(crate) fn hash_value(hasher: &mut impl Hasher, value: &Value) -> bool {
    let kind = value.kind();
    kind.hash(hasher);
    match kind {
        ValueKind::Undefined | ValueKind::None => {}
        ValueKind::Bool => value.as_bool().hash(hasher),
        ValueKind::U64 => value.as_u64().hash(hasher),
        ValueKind::I64 => value.as_i64().hash(hasher),
        ValueKind::U128 => value.as_u128().hash(hasher),
        ValueKind::I128 => value.as_i128().hash(hasher),
        ValueKind::F64 => value.as_f64().map(f64::to_bits).hash(hasher),
        ValueKind::String => {
            // A safe string is printed as it is, a normal one escaped.
            value.is_safe().hash(hasher);
            value.as_str().hash(hasher);
        }
        ValueKind::Bytes => value.as_bytes().hash(hasher),
        ValueKind::Array => {
            let items = value.as_array().unwrap_or_default();
            items.len().hash(hasher);
            return items.iter().all(|item| hash_value(hasher, item));
        }
        ValueKind::Map => {
            // Tera's maps keep their insertion order (the `preserve_order` feature), which is
            // the order templates iterate them in: hashing in that order is what is wanted.
            let Some(map) = value.as_map() else { return true };
            map.len().hash(hasher);
            return map.iter().all(|(key, item)| {
                key.hash(hasher);
                hash_value(hasher, item)
            });
        }
        _ => return false,
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn digest(insert: impl FnOnce(&mut PageContext)) -> PageDigest {
        let mut ctx = PageContext::new(Some(InputsDigest::of(|h| h.write_u8(1))));
        insert(&mut ctx);
        ctx.finish("article.html", "/a/").1.expect("every value here can be hashed")
    }

    #[test]
    fn a_digest_changes_with_any_variable_and_nothing_else() {
        let base = digest(|c| c.insert("article", &serde_json::json!({"title": "A", "tags": ["x", "y"]})));
        assert_eq!(base, digest(|c| c.insert("article", &serde_json::json!({"title": "A", "tags": ["x", "y"]}))));
        for other in [
            digest(|c| c.insert("article", &serde_json::json!({"title": "B", "tags": ["x", "y"]}))),
            digest(|c| c.insert("article", &serde_json::json!({"title": "A", "tags": ["xy"]}))),
            digest(|c| c.insert("article", &serde_json::json!({"title": "A", "tags": ["x", "y", ""]}))),
            digest(|c| c.insert("page", &serde_json::json!({"title": "A", "tags": ["x", "y"]}))),
            digest(|c| c.insert("article", &serde_json::json!({"title": "A", "tags": ["x", "y"], "n": 1}))),
        ] {
            assert_ne!(base, other);
        }
        // A string printed as it is and one escaped are different inputs.
        assert_ne!(
            digest(|c| c.insert_value("x", Value::safe_string("<b>"))),
            digest(|c| c.insert_value("x", Value::normal_string("<b>")))
        );
        // Numbers of different kinds print differently.
        assert_ne!(digest(|c| c.insert("x", &1u64)), digest(|c| c.insert("x", &1.0f64)));
    }

    #[test]
    fn a_digest_depends_on_the_shared_inputs_template_and_path() {
        let page = |inputs: u8, template: &str, path: &str| {
            let mut ctx = PageContext::new(Some(InputsDigest::of(|h| h.write_u8(inputs))));
            ctx.insert("x", "same");
            ctx.insert_shared("site", Value::from("not hashed per page"));
            ctx.finish(template, path).1
        };
        let base = page(1, "article.html", "/a/");
        assert!(base.is_some());
        assert_ne!(base, page(2, "article.html", "/a/"));
        assert_ne!(base, page(1, "page.html", "/a/"));
        assert_ne!(base, page(1, "article.html", "/b/"));
        assert_eq!(PageContext::new(None).finish("article.html", "/a/").1, None);
    }

    /// A view that counts how often it is serialized.
    struct Counted<'c>(&'c std::cell::Cell<usize>, &'static str);

    impl serde::Serialize for Counted<'_> {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            self.0.set(self.0.get() + 1);
            self.1.serialize(serializer)
        }
    }

    #[test]
    fn a_variable_that_cannot_be_a_template_value_is_an_error_not_a_panic() {
        // Tera's values have map keys that are strings, numbers or booleans; a pair is none.
        let untemplatable: BTreeMap<(u8, u8), u8> = BTreeMap::from([((1, 2), 3)]);
        let mut ctx = PageContext::new(Some(InputsDigest::of(|h| h.write_u8(1))));
        ctx.insert("fine", "text");
        ctx.insert("extra", &untemplatable);
        let (variables, digest) = ctx.finish("article.html", "/a/");
        assert_eq!(digest, None, "such a page is never reused");
        let (key, why) = variables.into_context().unwrap_err();
        assert_eq!(key, "extra");
        assert!(!why.is_empty());

        // A view fails only when it is made, as the page is rendered.
        let mut ctx = PageContext::new(None);
        ctx.insert_view("article", untemplatable);
        let (variables, _) = ctx.finish("article.html", "/a/");
        assert_eq!(variables.into_context().unwrap_err().0, "article");
    }

    #[test]
    fn a_view_is_hashed_once_and_made_a_value_only_when_its_page_is_rendered() {
        let made = std::cell::Cell::new(0);
        let mut ctx = PageContext::new(Some(InputsDigest::of(|h| h.write_u8(1))));
        ctx.insert_view("article", Counted(&made, "text"));
        let (variables, digest) = ctx.finish("article.html", "/a/");
        assert!(digest.is_some());
        assert_eq!(made.get(), 1, "hashed, no value made");
        let context = variables.into_context().unwrap();
        assert_eq!(made.get(), 2, "made a value once rendered");
        assert_eq!(context.get("article"), Some(&Value::from("text")));

        // Without a digest, nothing is serialized until the page is rendered.
        let made = std::cell::Cell::new(0);
        let mut ctx = PageContext::new(None);
        ctx.insert_view("article", Counted(&made, "text"));
        let (variables, digest) = ctx.finish("article.html", "/a/");
        assert_eq!((digest, made.get()), (None, 0));
        variables.into_context().unwrap();
        assert_eq!(made.get(), 1);
    }

    #[test]
    fn a_view_digest_changes_with_the_view() {
        let view = |insert: fn(&mut PageContext)| {
            let mut ctx = PageContext::new(Some(InputsDigest::of(|h| h.write_u8(1))));
            insert(&mut ctx);
            ctx.finish("article.html", "/a/").1.expect("every view here can be hashed")
        };
        let base = view(|c| c.insert_view("article", serde_json::json!({"title": "A", "tags": ["x", "y"]})));
        assert_eq!(base, view(|c| c.insert_view("article", serde_json::json!({"title": "A", "tags": ["x", "y"]}))));
        for other in [
            view(|c| c.insert_view("article", serde_json::json!({"title": "B", "tags": ["x", "y"]}))),
            view(|c| c.insert_view("article", serde_json::json!({"title": "A", "tags": ["xy"]}))),
            view(|c| c.insert_view("article", serde_json::json!({"title": "A", "tags": ["x,y"]}))),
            view(|c| c.insert_view("page", serde_json::json!({"title": "A", "tags": ["x", "y"]}))),
            // The same value made now is another input (its page is the same, but a digest need
            // not say so): what matters is that it never equals a different one.
            view(|c| c.insert("article", &serde_json::json!({"title": "A", "tags": ["x", "y"]}))),
        ] {
            assert_ne!(base, other);
        }
        // A view that cannot be serialized: no digest, so the page is rendered (and fails there).
        struct Failing;
        impl serde::Serialize for Failing {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("no"))
            }
        }
        let mut ctx = PageContext::new(Some(InputsDigest::of(|h| h.write_u8(1))));
        ctx.insert_view("extra", Failing);
        assert_eq!(ctx.finish("article.html", "/a/").1, None);
    }

    #[test]
    fn a_digest_reads_back_from_its_text() {
        let digest = PageDigest(0x0123_4567_89ab_cdef_0011_2233_4455_6677);
        assert_eq!(digest.to_string(), "0123456789abcdef0011223344556677");
        assert_eq!(digest.to_string().parse::<PageDigest>(), Ok(digest));
        assert!("not hex".parse::<PageDigest>().is_err());
    }
}
