//! Work that std does on one thread, spread over rayon's threads.

use rayon::prelude::*;

/// Drops `items` on rayon's threads. A build ends by dropping what it held for every article
/// (their cards' template values, the site model): on one thread, at 50,000 articles, that
/// was about a third of a second with the other cores idle.
pub(crate) fn drop_all<T: Send>(items: Vec<T>) {
    // A few hundred items per job: each is small, and there are tens of thousands.
    items.into_par_iter().with_min_len(256).for_each(drop);
}

/// Drops `value` on a thread of its own, so that its owner goes on at once. A build's last act
/// was freeing what it held (the site model, the list of the files it wrote, the templates):
/// after one article's edit at 10,000 articles, up to a tenth of a second of a 1.6 s build,
/// with a core idle. `pamphlet build` then exits, leaving the rest to the system as it would
/// anyway; a long-running caller gets the memory back moments later. Only for values whose
/// dropping does nothing but free memory: a thread is not waited for at exit.
pub(crate) fn drop_later<T: Send + 'static>(value: T) {
    // When the system refuses a thread, the closure, and the value with it, is dropped here.
    let _ = std::thread::Builder::new().name("pamphlet-drop".to_string()).spawn(move || drop(value));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    struct Counted<'a>(&'a AtomicUsize);

    impl Drop for Counted<'_> {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }

    #[test]
    fn every_item_is_dropped_once() {
        let dropped = AtomicUsize::new(0);
        drop_all((0..10_000).map(|_| Counted(&dropped)).collect());
        assert_eq!(dropped.load(Ordering::Relaxed), 10_000);
    }

    #[test]
    fn a_value_dropped_later_is_dropped_on_another_thread() {
        struct Reports(std::sync::mpsc::Sender<std::thread::ThreadId>);
        impl Drop for Reports {
            fn drop(&mut self) {
                let _ = self.0.send(std::thread::current().id());
            }
        }
        let (sender, dropped_on) = std::sync::mpsc::channel();
        drop_later(Reports(sender));
        let thread = dropped_on.recv().expect("the value is dropped");
        assert_ne!(thread, std::thread::current().id());
    }
}
