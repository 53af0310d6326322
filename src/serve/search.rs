//! The search index while serving (issue 19): built on a thread of its own after each
//! successful rebuild, so that a reload never waits for it. Until the first index is ready the
//! search page says it cannot load the index; after an edit, the index of the build before is
//! served until the new one is ready. Parts whose records did not change are reused from the
//! index built last, as `build` reuses them from its previous output, so after one edit only
//! that article's part is indexed again. The files are those `build` writes, byte for byte.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use crate::output::{Contents, OutputFile};
use crate::search::IndexInput;

/// The served search index: site path (`/pagefind/pagefind.js`) → bytes.
pub type SearchFiles = HashMap<Arc<str>, Arc<[u8]>>;

/// What the indexing thread reports.
#[derive(Debug)]
pub enum SearchEvent {
    /// A new index is served.
    Indexed {
        /// Its files.
        files: usize,
        /// How long indexing took.
        elapsed: Duration,
    },
    /// Indexing failed; the index before (if any) is still served.
    Failed(String),
}

/// Indexes each build it receives (what [`crate::search::index_input`] took of its site): a
/// build that a newer one replaced while the index was being built is skipped. `publish`
/// serves each new index; `stopped` ends the loop. The pages Pagefind parsed are kept in the
/// `parsed` folder (see [`crate::search::search_index`]).
pub fn work(
    sites: &Receiver<IndexInput>,
    parsed: &std::path::Path,
    stopped: &std::sync::atomic::AtomicBool,
    publish: impl Fn(Arc<SearchFiles>),
    report: impl Fn(SearchEvent),
) {
    // Indexing runs on a rayon pool of its own, one thread, parsing included (`Parsing::Here`):
    // on the global pool its parsing and compression jobs queued before the next rebuild's
    // rendering, and a save took half a second to reload at 10,000 articles. One thread leaves
    // the other cores to rebuilds.
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).thread_name(|_| "pamphlet-search-pool".into()).build();
    let pool = match pool {
        Ok(pool) => pool,
        Err(e) => return report(SearchEvent::Failed(format!("cannot start the indexing thread: {e}"))),
    };
    let mut last: Option<Arc<SearchFiles>> = None;
    while let Ok(mut site) = sites.recv() {
        // Only the newest site matters.
        while let Ok(newer) = sites.try_recv() {
            site = newer;
        }
        if stopped.load(std::sync::atomic::Ordering::Relaxed) {
            return;
        }
        let started = Instant::now();
        match pool
            .install(|| crate::search::index_from(site, last.as_deref(), Some(parsed), crate::search::Parsing::Here))
        {
            Ok(outputs) => {
                let files = Arc::new(served(outputs));
                let count = files.len();
                publish(files.clone());
                last = Some(files);
                report(SearchEvent::Indexed { files: count, elapsed: started.elapsed() });
            }
            Err(e) => report(SearchEvent::Failed(e.to_string())),
        }
    }
}

/// The index's files as the server holds them.
fn served(outputs: Vec<OutputFile>) -> SearchFiles {
    outputs
        .into_iter()
        .filter_map(|file| match file.contents {
            Contents::Bytes(bytes) => Some((Arc::from(file.path.as_str()), Arc::from(bytes))),
            // The index is made in memory: there is nothing else.
            _ => None,
        })
        .collect()
}
