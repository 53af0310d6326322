//! Images while serving: a rebuild never processes an image (see [`crate::images::Timing`]).
//! Each source the cache lacks becomes an [`ImageJob`], done by whichever comes first: the
//! background thread ([`work`], one image at a time, so rebuilds keep the other cores) or a
//! request for one of its files ([`ImageJob::ensure`] blocks that request only). Either way an
//! edit of an article's text never waits for image work.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex, PoisonError};

use crate::images::Pending;

/// One source to process, shared by the rebuilds that publish it, the background thread and
/// the requests for its files. Done once: the outcome is kept.
#[derive(Debug)]
pub struct ImageJob {
    pending: Pending,
    outcome: Mutex<Option<Result<(), String>>>,
}

impl ImageJob {
    /// A job for `pending`.
    pub fn new(pending: Pending) -> ImageJob {
        ImageJob { pending, outcome: Mutex::new(None) }
    }

    /// The source it processes.
    pub fn pending(&self) -> &Pending {
        &self.pending
    }

    /// Processes the source unless that was done; a second caller waits for the first.
    pub fn ensure(&self) -> Result<(), String> {
        let mut outcome = self.outcome.lock().unwrap_or_else(PoisonError::into_inner);
        outcome.get_or_insert_with(|| self.pending.make()).clone()
    }

    /// Whether it has been done (successfully or not).
    pub fn is_done(&self) -> bool {
        // A job being processed holds its lock: not done.
        self.outcome.try_lock().is_ok_and(|o| o.is_some())
    }
}

/// The jobs of the latest rebuild, by cache key, so that the next rebuild shares them (and
/// their outcome) rather than starting again.
#[derive(Debug, Default)]
pub struct Jobs(HashMap<String, Arc<ImageJob>>);

impl Jobs {
    /// The jobs for `pending` (re-using those already known), keeping only these.
    pub fn update(&mut self, pending: Vec<Pending>) -> Vec<Arc<ImageJob>> {
        let mut next = HashMap::with_capacity(pending.len());
        for p in pending {
            let job = self.0.remove(p.key()).unwrap_or_else(|| Arc::new(ImageJob::new(p)));
            next.insert(job.pending.key().to_string(), job);
        }
        self.0 = next;
        self.0.values().cloned().collect()
    }
}

/// What the background thread reports.
pub enum WorkEvent<'a> {
    /// It processed every job it was given and waits for more.
    Done {
        /// How many it processed now (the rest were done already, by a request).
        processed: usize,
    },
    /// A source could not be processed.
    Failed {
        /// The job.
        job: &'a ImageJob,
        /// What is wrong with it.
        message: &'a str,
    },
}

/// The background thread: processes the jobs of each batch received, one at a time, until
/// the channel closes or `stop` is set.
pub fn work(batches: &Receiver<Vec<Arc<ImageJob>>>, stop: &AtomicBool, report: impl Fn(WorkEvent)) {
    while let Ok(batch) = batches.recv() {
        let mut processed = 0;
        let mut queue = batch;
        loop {
            for job in &queue {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                if job.is_done() {
                    continue;
                }
                processed += 1;
                if let Err(message) = job.ensure() {
                    report(WorkEvent::Failed { job, message: &message });
                }
            }
            // A rebuild during the work sent newer jobs: do them before reporting.
            match batches.try_recv() {
                Ok(more) => queue = more,
                Err(_) => break,
            }
        }
        report(WorkEvent::Done { processed });
    }
}
