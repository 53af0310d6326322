//! `hosting:` in site.yaml: where the site is published, which decides how old addresses
//! (aliases) are answered. Each host treats redirects differently (see [`crate::redirects`]),
//! so the build writes for the one it is told about rather than for all of them at once.

/// A host, as named by `hosting:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hosting {
    /// Unknown host: alias pages, `query-aliases.json`, and a `_redirects` that both Netlify
    /// and Cloudflare Pages accept.
    Generic,
    /// Netlify: a `_redirects` in Netlify's syntax, and no alias pages (they would shadow it).
    Netlify,
    /// Cloudflare Pages: a `_redirects` in Cloudflare's grammar, within its limits.
    Cloudflare,
    /// GitHub Pages: no server redirects; alias pages and `query-aliases.json`.
    GithubPages,
    /// An S3 bucket (or any plain file host): as GitHub Pages.
    S3,
    /// nginx: alias pages; `pamphlet redirects --format nginx` writes the server's rules.
    Nginx,
    /// Caddy: alias pages; `pamphlet redirects --format caddy` writes the server's rules.
    Caddy,
    /// Apache: alias pages; `pamphlet redirects --format apache` writes the server's rules.
    Apache,
}

impl Hosting {
    /// Every host with its name in site.yaml, in the order the error message lists them.
    pub const ALL: &[(&str, Hosting)] = &[
        ("generic", Hosting::Generic),
        ("netlify", Hosting::Netlify),
        ("cloudflare", Hosting::Cloudflare),
        ("github-pages", Hosting::GithubPages),
        ("s3", Hosting::S3),
        ("nginx", Hosting::Nginx),
        ("caddy", Hosting::Caddy),
        ("apache", Hosting::Apache),
    ];

    /// The host named `name`, or a message listing the valid names.
    pub fn parse(name: &str) -> Result<Hosting, String> {
        Hosting::ALL.iter().find(|(n, _)| *n == name.trim()).map(|(_, h)| *h).ok_or_else(|| {
            let names: Vec<&str> = Hosting::ALL.iter().map(|(n, _)| *n).collect();
            format!("unknown hosting `{name}`: use one of {}", names.join(", "))
        })
    }

    /// The name written in site.yaml.
    pub fn name(self) -> &'static str {
        Hosting::ALL.iter().find(|(_, h)| *h == self).map_or("generic", |(n, _)| n)
    }

    /// Whether the build writes an HTML page at each old path. Not on Netlify: a file at a
    /// path shadows an unforced rule there, and the rules (placeholder ones included) already
    /// answer every old path with a real 301.
    pub fn writes_alias_pages(self) -> bool {
        self != Hosting::Netlify
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_list_the_valid_ones() {
        for (name, host) in Hosting::ALL {
            assert_eq!(Hosting::parse(name), Ok(*host));
            assert_eq!(host.name(), *name);
        }
        assert_eq!(
            Hosting::parse("vercel").unwrap_err(),
            "unknown hosting `vercel`: use one of generic, netlify, cloudflare, github-pages, s3, nginx, caddy, apache"
        );
    }
}
