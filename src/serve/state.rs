//! What the dev server's handlers share: the last good site (swapped whole after each
//! successful rebuild), the current build failure if any, and the live-reload hub. One
//! `ServeState` per server, handed to every handler in an `Arc`; nothing is global.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use super::images::ImageJob;
use super::reload::Reload;

/// A built site held in memory: site path (`/2023/09/x/`, `/style.css`) → bytes.
#[derive(Debug, Default)]
pub struct SiteFiles {
    /// The base URL's path prefix (`/` or `/mirror/`) the site is served under.
    pub prefix: String,
    /// Every file of the site, exactly as `build` would write it. Shared keys make copying
    /// the map for the next version cheap.
    pub files: HashMap<Arc<str>, Arc<[u8]>>,
    /// The security headers `build` writes to `_headers` (see [`crate::headers`]), sent with
    /// every file so that a page breaking the policy breaks in preview.
    pub headers: Vec<(&'static str, String)>,
    /// Image files not processed yet: site path → the job that makes it, and where it then is.
    pub later: HashMap<Arc<str>, (Arc<ImageJob>, PathBuf)>,
}

/// A failed build, as shown to the browser.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The overlay injected into every page.
    pub overlay: String,
    /// A whole page, served when no build has succeeded yet.
    pub page: String,
}

/// The server's shared state.
pub struct ServeState {
    site: RwLock<Option<Arc<SiteFiles>>>,
    failure: RwLock<Option<Arc<Failure>>>,
    /// Connected pages.
    pub reload: Reload,
    /// Set when the server stops: background work ends at the next image.
    stopped: AtomicBool,
    /// The search index, built in the background after each build (see [`super::search`]);
    /// `None` until the first is ready.
    search: RwLock<Option<Arc<super::search::SearchFiles>>>,
}

impl Default for ServeState {
    fn default() -> Self {
        ServeState {
            site: RwLock::new(None),
            failure: RwLock::new(None),
            reload: Reload::new(),
            stopped: AtomicBool::new(false),
            search: RwLock::new(None),
        }
    }
}

impl ServeState {
    /// The last good site, if a build has succeeded.
    pub fn site(&self) -> Option<Arc<SiteFiles>> {
        self.site.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// The failure of the latest build, if it failed.
    pub fn failure(&self) -> Option<Arc<Failure>> {
        self.failure.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Serves `site` from now on and clears any failure; returns whether there was one, and
    /// the site it replaced (for the caller to free when it suits it).
    pub fn publish(&self, site: Arc<SiteFiles>) -> (bool, Option<Arc<SiteFiles>>) {
        let replaced = self.site.write().unwrap_or_else(PoisonError::into_inner).replace(site);
        let was_failing = self.failure.write().unwrap_or_else(PoisonError::into_inner).take().is_some();
        (was_failing, replaced)
    }

    /// The search index served now, if one is ready.
    pub fn search(&self) -> Option<Arc<super::search::SearchFiles>> {
        self.search.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Serves `files` as the search index from now on.
    pub fn publish_search(&self, files: Arc<super::search::SearchFiles>) {
        *self.search.write().unwrap_or_else(PoisonError::into_inner) = Some(files);
    }

    /// Tells background work to stop.
    pub fn stop(&self) {
        self.stopped.store(true, Ordering::Relaxed);
    }

    /// Set by [`ServeState::stop`].
    pub fn stopped(&self) -> &AtomicBool {
        &self.stopped
    }

    /// Records a failed build (the last good site stays served).
    pub fn fail(&self, failure: Failure) {
        *self.failure.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(failure));
    }
}
