//! The end-to-end tests, in one test binary: each module builds small fixture sites (or the
//! example site) and asserts on what they publish. One binary instead of one per file, because
//! each test binary links the whole crate with its dependencies, which dominated the wait after
//! every change (README, Development).

// Tests may `expect`: a failed expectation is a failed test, with its message (clippy.toml's
// allow-expect-in-tests covers only `#[test]` functions, not the helpers in `common`).
#![allow(clippy::expect_used)]

mod common;

mod broken_sites;
mod browser;
mod build;
mod check;
mod cli;
mod corpus;
mod corrections;
mod errors;
mod feeds;
mod hardening;
mod i18n;
mod images;
mod import;
mod minify;
mod parity;
mod recipes;
mod redirects;
mod reuse;
mod search;
mod serve;
mod shortcodes;
mod sitemap;
mod social;
mod taxonomy;
mod theme;
