//! Embed providers: which URLs are a YouTube video, a Vimeo video, a post on X, Facebook or
//! Instagram, a SoundCloud track or an Internet Archive item, and the player each one loads
//! when the reader clicks. The card a page shows loads nothing; only the click script
//! (`embeds.js` of the default theme) inserts an `<iframe>` with the `src`, `sandbox` and
//! `allow` given here. `origin` is the one host that iframe loads, for a Content-Security-Policy's
//! `frame-src` (every card carries it as `data-embed-origin`).

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

/// A URL's player.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Embed {
    /// The provider's name, for the card: `YouTube`.
    pub provider: &'static str,
    /// The origin the player is loaded from: `https://www.youtube-nocookie.com`.
    pub origin: &'static str,
    /// That origin's host name, for the button: `youtube-nocookie.com`.
    pub host: &'static str,
    /// The player's URL.
    pub src: String,
    /// The page on the provider's site, for the plain link.
    pub link: String,
    /// The iframe's `sandbox`: what the player needs and no more.
    pub sandbox: &'static str,
    /// The iframe's `allow` (permissions policy).
    pub allow: &'static str,
    /// `play` for video and audio, `show` for a post: which button label the card uses.
    pub action: &'static str,
    /// `video` (16:9), `audio` (a short strip) or `post` (tall): the player's shape.
    pub shape: &'static str,
}

/// Players run their own script and keep state under their own origin (same-origin); they may
/// open the provider's page in a new tab (popups); video players may go full screen or cast
/// (presentation).
const VIDEO_SANDBOX: &str = "allow-scripts allow-same-origin allow-popups allow-presentation";
const AUDIO_SANDBOX: &str = "allow-scripts allow-same-origin allow-popups";
/// A post's links open the real page, outside the sandbox.
const POST_SANDBOX: &str = "allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox";
const VIDEO_ALLOW: &str = "autoplay; encrypted-media; fullscreen; picture-in-picture";
const AUDIO_ALLOW: &str = "autoplay";

/// The player for `url`, when it is a page of a known provider.
pub fn embed(url: &str) -> Option<Embed> {
    let (host, path, query) = split_url(url)?;
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match host.as_str() {
        "youtube.com" | "youtube-nocookie.com" | "youtu.be" => youtube(&host, &segments, query),
        "vimeo.com" | "player.vimeo.com" => vimeo(&segments),
        "twitter.com" | "x.com" => tweet(&segments),
        "facebook.com" | "fb.watch" => facebook(url, &host, &segments),
        "instagram.com" => instagram(&segments),
        "soundcloud.com" => soundcloud(url, &segments),
        "archive.org" => archive(&segments),
        _ => None,
    }
}

/// (host without `www.`/`m.`, lower-cased; path; query) of an http(s) URL.
fn split_url(url: &str) -> Option<(String, &str, &str)> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let rest = rest.split('#').next().unwrap_or_default();
    let host_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let host = rest[..host_end].to_ascii_lowercase();
    let host = host.strip_prefix("www.").or_else(|| host.strip_prefix("m.")).unwrap_or(&host).to_string();
    let (path, query) = rest[host_end..].split_once('?').unwrap_or((&rest[host_end..], ""));
    Some((host, path, query))
}

fn query_value<'a>(query: &'a str, key: &str) -> Option<&'a str> {
    query.split('&').find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
}

/// IDs go into URLs: only the characters providers use.
fn is_id(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
}

fn youtube(host: &str, segments: &[&str], query: &str) -> Option<Embed> {
    let id = match (host, segments) {
        ("youtu.be", [id, ..]) => *id,
        (_, ["watch"]) => query_value(query, "v")?,
        (_, ["shorts" | "embed" | "live" | "v", id, ..]) => *id,
        _ => return None,
    };
    if !is_id(id) {
        return None;
    }
    // `t=90` or `t=1m30s`: start there.
    let start = query_value(query, "t").or_else(|| query_value(query, "start")).and_then(seconds);
    let start = start.map(|s| format!("&start={s}")).unwrap_or_default();
    Some(Embed {
        provider: "YouTube",
        origin: "https://www.youtube-nocookie.com",
        host: "youtube-nocookie.com",
        src: format!("https://www.youtube-nocookie.com/embed/{id}?autoplay=1{start}"),
        link: format!("https://www.youtube.com/watch?v={id}"),
        sandbox: VIDEO_SANDBOX,
        allow: VIDEO_ALLOW,
        action: "play",
        shape: "video",
    })
}

/// `90`, `90s` or `1m30s` as seconds.
fn seconds(text: &str) -> Option<u64> {
    if let Ok(n) = text.parse() {
        return Some(n);
    }
    let mut total: u64 = 0;
    let mut number = String::new();
    for c in text.chars() {
        match c {
            '0'..='9' => number.push(c),
            'h' | 'm' | 's' => {
                let n: u64 = number.parse().ok()?;
                let unit = match c {
                    'h' => 3600,
                    'm' => 60,
                    _ => 1,
                };
                // An absurd time an author typed is no start time, not an overflow.
                total = n.checked_mul(unit).and_then(|s| total.checked_add(s))?;
                number.clear();
            }
            _ => return None,
        }
    }
    number.is_empty().then_some(total)
}

fn vimeo(segments: &[&str]) -> Option<Embed> {
    let id = segments.iter().rev().find(|s| s.chars().all(|c| c.is_ascii_digit()))?;
    Some(Embed {
        provider: "Vimeo",
        origin: "https://player.vimeo.com",
        host: "player.vimeo.com",
        src: format!("https://player.vimeo.com/video/{id}?dnt=1&autoplay=1"),
        link: format!("https://vimeo.com/{id}"),
        sandbox: VIDEO_SANDBOX,
        allow: VIDEO_ALLOW,
        action: "play",
        shape: "video",
    })
}

fn tweet(segments: &[&str]) -> Option<Embed> {
    let [user, "status", id, ..] = segments else { return None };
    if !is_id(user) || !id.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(Embed {
        provider: "X",
        origin: "https://platform.twitter.com",
        host: "platform.twitter.com",
        src: format!("https://platform.twitter.com/embed/Tweet.html?id={id}&dnt=true"),
        link: format!("https://x.com/{user}/status/{id}"),
        sandbox: POST_SANDBOX,
        allow: "",
        action: "show",
        shape: "post",
    })
}

fn facebook(url: &str, host: &str, segments: &[&str]) -> Option<Embed> {
    let is_video = host == "fb.watch" || segments.iter().any(|s| matches!(*s, "videos" | "watch" | "reel"));
    let is_post = segments.iter().any(|s| matches!(*s, "posts" | "permalink.php" | "photos" | "story.php"));
    if !is_video && !is_post {
        return None;
    }
    let plugin = if is_video { "video" } else { "post" };
    Some(Embed {
        provider: "Facebook",
        origin: "https://www.facebook.com",
        host: "facebook.com",
        src: format!(
            "https://www.facebook.com/plugins/{plugin}.php?href={}&show_text=true",
            utf8_percent_encode(url, NON_ALPHANUMERIC)
        ),
        link: url.to_string(),
        sandbox: if is_video { VIDEO_SANDBOX } else { POST_SANDBOX },
        allow: if is_video { VIDEO_ALLOW } else { "" },
        action: if is_video { "play" } else { "show" },
        shape: if is_video { "video" } else { "post" },
    })
}

fn instagram(segments: &[&str]) -> Option<Embed> {
    let [kind @ ("p" | "reel" | "tv"), code, ..] = segments else { return None };
    if !is_id(code) {
        return None;
    }
    Some(Embed {
        provider: "Instagram",
        origin: "https://www.instagram.com",
        host: "instagram.com",
        src: format!("https://www.instagram.com/{kind}/{code}/embed/"),
        link: format!("https://www.instagram.com/{kind}/{code}/"),
        sandbox: POST_SANDBOX,
        allow: "",
        action: "show",
        shape: "post",
    })
}

fn soundcloud(url: &str, segments: &[&str]) -> Option<Embed> {
    if segments.len() < 2 || !segments.iter().all(|s| is_id(s)) {
        return None;
    }
    Some(Embed {
        provider: "SoundCloud",
        origin: "https://w.soundcloud.com",
        host: "w.soundcloud.com",
        src: format!(
            "https://w.soundcloud.com/player/?url={}&auto_play=true",
            utf8_percent_encode(url, NON_ALPHANUMERIC)
        ),
        link: url.to_string(),
        sandbox: AUDIO_SANDBOX,
        allow: AUDIO_ALLOW,
        action: "play",
        shape: "audio",
    })
}

fn archive(segments: &[&str]) -> Option<Embed> {
    let ["details", id, ..] = segments else { return None };
    if !is_id(id) {
        return None;
    }
    Some(Embed {
        provider: "Internet Archive",
        origin: "https://archive.org",
        host: "archive.org",
        src: format!("https://archive.org/embed/{id}"),
        link: format!("https://archive.org/details/{id}"),
        sandbox: VIDEO_SANDBOX,
        allow: VIDEO_ALLOW,
        action: "play",
        shape: "video",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn youtube_urls_of_every_form_play_from_youtube_nocookie() {
        for url in [
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://youtu.be/dQw4w9WgXcQ",
            "https://m.youtube.com/watch?feature=share&v=dQw4w9WgXcQ",
            "https://www.youtube.com/shorts/dQw4w9WgXcQ",
        ] {
            let e = embed(url).unwrap_or_else(|| panic!("{url}"));
            assert_eq!(e.src, "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1", "{url}");
            assert_eq!(e.origin, "https://www.youtube-nocookie.com");
        }
        assert!(embed("https://youtu.be/dQw4w9WgXcQ?t=1m30s").unwrap().src.ends_with("&start=90"));
        // A start time too large to count is left out, never an overflow.
        let absurd = embed("https://youtu.be/dQw4w9WgXcQ?t=18446744073709551615h").unwrap();
        assert_eq!(absurd.src, "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1");
    }

    #[test]
    fn every_provider_has_its_player_origin() {
        let origins: Vec<&str> = [
            "https://vimeo.com/76979871",
            "https://twitter.com/someone/status/1234567890",
            "https://x.com/someone/status/1234567890",
            "https://www.facebook.com/someone/videos/1234/",
            "https://www.instagram.com/p/Cabc123/",
            "https://soundcloud.com/artist/track-name",
            "https://archive.org/details/some_item",
        ]
        .iter()
        .map(|u| embed(u).unwrap_or_else(|| panic!("{u}")).origin)
        .collect();
        assert_eq!(
            origins,
            vec![
                "https://player.vimeo.com",
                "https://platform.twitter.com",
                "https://platform.twitter.com",
                "https://www.facebook.com",
                "https://www.instagram.com",
                "https://w.soundcloud.com",
                "https://archive.org",
            ]
        );
    }

    #[test]
    fn other_pages_are_not_embeds() {
        for url in [
            "https://example.org/watch?v=x",
            "https://www.youtube.com/",
            "https://www.youtube.com/watch?v=<script>",
            "https://www.facebook.com/someone",
            "https://x.com/someone",
            "https://archive.org/web/",
        ] {
            assert!(embed(url).is_none(), "{url}");
        }
    }
}
