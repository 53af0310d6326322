//! Live reload over Server-Sent Events: the messages a rebuild sends to open pages, the hub
//! that fans them out to every connected page, and the small script injected into HTML
//! responses (in serve mode only; `build` output never contains it).
//!
//! SSE rather than WebSocket: one-way server → page is all live reload needs, browsers
//! reconnect by themselves, and it is plain HTTP, so no handshake or framing code is needed.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};

/// The URL pages listen on. Outside any site path prefix; a site cannot produce a file here
/// because every generated path comes from slugs, which never start with `_`.
pub const EVENTS_PATH: &str = "/__pamphlet/events";

/// A message to open pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// Pages at these URLs changed (or were removed); `all` when too many to list. A page
    /// reloads only when its own URL is among them, so authors keep their place elsewhere.
    Reload {
        /// Changed URLs, with the site's path prefix.
        paths: Vec<String>,
        /// Every page should reload.
        all: bool,
    },
    /// Only stylesheets changed: pages re-fetch them without reloading.
    Css,
    /// The build failed: pages show this overlay (and keep showing the last good site).
    Failed {
        /// The overlay's HTML.
        overlay: String,
    },
    /// The build succeeded again without changing any page: pages drop the overlay.
    Fixed,
}

impl Message {
    /// The SSE frame for this message.
    pub fn to_sse(&self) -> String {
        let (event, data) = match self {
            Message::Reload { paths, all } => ("reload", serde_json::json!({ "paths": paths, "all": all })),
            Message::Css => ("css", serde_json::json!({})),
            Message::Failed { overlay } => ("failed", serde_json::json!({ "overlay": overlay })),
            Message::Fixed => ("fixed", serde_json::json!({})),
        };
        // JSON never contains a raw newline, so the data fits on one `data:` line.
        format!("event: {event}\ndata: {data}\n\n")
    }
}

/// The connected pages. Each SSE connection holds a receiver; a send drops the senders whose
/// page went away.
#[derive(Default)]
pub struct Reload {
    clients: Mutex<Option<Vec<Sender<Arc<str>>>>>,
}

impl Reload {
    /// A hub accepting subscribers.
    pub fn new() -> Reload {
        Reload { clients: Mutex::new(Some(Vec::new())) }
    }

    /// A new page's channel; `None` once the server is shutting down.
    pub fn subscribe(&self) -> Option<Receiver<Arc<str>>> {
        let (tx, rx) = channel();
        self.clients.lock().unwrap_or_else(PoisonError::into_inner).as_mut()?.push(tx);
        Some(rx)
    }

    /// Sends `message` to every connected page; returns how many got it.
    pub fn send(&self, message: &Message) -> usize {
        let frame: Arc<str> = message.to_sse().into();
        let mut guard = self.clients.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(clients) = guard.as_mut() else { return 0 };
        clients.retain(|c| c.send(frame.clone()).is_ok());
        clients.len()
    }

    /// Disconnects every page and refuses new ones (shutdown).
    pub fn close(&self) {
        self.clients.lock().unwrap_or_else(PoisonError::into_inner).take();
    }
}

/// The script injected into every HTML response. `not_found_path` is set on 404 responses,
/// which should reload when the missing page appears or the 404 page changes.
pub fn script(not_found_path: Option<&str>) -> String {
    let not_found = serde_json::to_string(&not_found_path).unwrap_or_else(|_| "null".into());
    format!(
        r#"<script data-pamphlet-serve>
(function () {{
  var notFound = {not_found};
  var here = decodeURI(location.pathname).replace(/\/index\.html$/, "/");
  function clearOverlay() {{ var o = document.getElementById("pamphlet-overlay"); if (o) o.remove(); }}
  var events = new EventSource("{EVENTS_PATH}");
  events.addEventListener("reload", function (e) {{
    var m = JSON.parse(e.data);
    if (m.all || m.paths.indexOf(here) >= 0 || (notFound && m.paths.indexOf(notFound) >= 0)) {{
      location.reload();
    }} else {{
      clearOverlay();
    }}
  }});
  events.addEventListener("css", function () {{
    clearOverlay();
    document.querySelectorAll('link[rel~="stylesheet"]').forEach(function (link) {{
      var url = new URL(link.href, location.href);
      url.searchParams.set("pamphlet-reload", Date.now());
      link.href = url.href;
    }});
  }});
  events.addEventListener("failed", function (e) {{
    clearOverlay();
    document.body.insertAdjacentHTML("beforeend", JSON.parse(e.data).overlay);
  }});
  events.addEventListener("fixed", clearOverlay);
}})();
</script>
"#
    )
}

/// `html` with `snippet` inserted before its last `</body>` (any case), or appended.
pub fn inject(html: &[u8], snippet: &str) -> Vec<u8> {
    let at = html.windows(7).rposition(|w| w.eq_ignore_ascii_case(b"</body>")).unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + snippet.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(snippet.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_one_sse_event_each() {
        let m = Message::Reload { paths: vec!["/a/".into()], all: false };
        let frame = m.to_sse();
        let data = frame.strip_prefix("event: reload\ndata: ").and_then(|d| d.strip_suffix("\n\n")).unwrap();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(data).unwrap(),
            serde_json::json!({"paths": ["/a/"], "all": false})
        );
        let failed = Message::Failed { overlay: "<div>\nline</div>".into() }.to_sse();
        let lines: Vec<&str> = failed.lines().collect();
        assert_eq!(lines.len(), 3, "{failed}");
        assert!(lines[1].starts_with("data: {") && lines[2].is_empty(), "{failed}");
    }

    #[test]
    fn pages_that_went_away_are_dropped_and_close_disconnects() {
        let hub = Reload::new();
        let kept = hub.subscribe().unwrap();
        drop(hub.subscribe().unwrap());
        assert_eq!(hub.send(&Message::Css), 1);
        assert_eq!(&*kept.recv().unwrap(), "event: css\ndata: {}\n\n");
        hub.close();
        assert!(kept.recv().is_err());
        assert!(hub.subscribe().is_none());
    }

    #[test]
    fn the_script_goes_before_the_last_closing_body_tag() {
        assert_eq!(inject(b"<body>x</BODY></html>", "S"), b"<body>xS</BODY></html>");
        assert_eq!(inject(b"no body", "S"), b"no bodyS");
    }
}
