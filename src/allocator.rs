//! The settings pamphlet's programs (the `pamphlet` binary, `examples/bench.rs`) give mimalloc,
//! the allocator they declare. The library itself leaves the allocator to its user.
//!
//! Transparent huge pages are off at compile time (libmimalloc-sys's `no_thp` feature, see
//! Cargo.toml). With them, each page fault zeroed a 2 MiB page: `clear_page_erms` was a fifth
//! of the CPU samples of a 10,000-article rebuild, and the whole of those pages counted as
//! resident though a build touched only part of them (peak 742–777 MB for a first build,
//! 674–715 MB without).

/// mimalloc's `mi_option_purge_delay` (its `mi_option_t` enum, the same number in mimalloc 2
/// and 3; the Rust bindings name only older options).
const PURGE_DELAY: i32 = 15;

/// How long mimalloc keeps freed memory before giving it back to the system, in milliseconds
/// (mimalloc 3's default is 1,000). A build frees much of what rendering held while the search
/// index is still being built beside it; given back sooner, that memory stops counting towards
/// the peak. First builds of 10,000 articles without huge pages, 3 each: 674–715 MB at 1,000
/// ms, 599–609 MB at 10 ms, 590–640 MB at 1 ms; rebuilds took about as long at 10 ms as at
/// 1,000, and about 0.4 s longer at 1 ms.
const PURGE_DELAY_MS: std::ffi::c_long = 10;

/// Sets pamphlet's defaults for mimalloc. Call it first thing in `main`, before threads start.
/// `MIMALLOC_PURGE_DELAY` in the environment still wins, for whoever measures another value
/// (mimalloc reads its environment when the process loads, before `main`).
#[allow(unsafe_code)]
pub fn tune() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: `mi_option_set` only writes mimalloc's option table, an integer that its
        // allocation paths read.
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, PURGE_DELAY_MS) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The delay mimalloc uses now (`mi_option_get`).
    #[allow(unsafe_code)]
    fn purge_delay_ms() -> std::ffi::c_long {
        // SAFETY: reads mimalloc's option table.
        unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }
    }

    /// The option number names the purge delay: before `tune`, it reads mimalloc's documented
    /// default for it (1,000 ms in mimalloc 3); after, ours.
    #[test]
    fn tune_sets_the_purge_delay() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            panic!("unset MIMALLOC_PURGE_DELAY to run this test");
        }
        assert_eq!(purge_delay_ms(), 1000);
        tune();
        assert_eq!(purge_delay_ms(), PURGE_DELAY_MS);
    }
}
