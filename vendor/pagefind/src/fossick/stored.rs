//! pamphlet patch: a parsed page as bytes, so that a caller can keep the pages it parsed and
//! give them back to a later index instead of parsing the same HTML again (parsing is most of
//! indexing's time). The bytes are [`StoredPage`] in postcard, a plain copy of every field of
//! [`FossickedData`] made of tuples and lists, so that the types whose `Serialize` writes the
//! index files (which skips empty fields, which postcard cannot read back) stay as they are.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::{FossickedData, FossickedWord, MetaFossickedWord};
use crate::fragments::{PageAnchorData, PageFragment, PageFragmentData};

/// (element, id, text, title, location) of a [`PageAnchorData`].
type StoredAnchor = (String, String, String, Option<String>, u32);
/// (position, weight, original word) of a [`FossickedWord`].
type StoredWord = (u32, u8, Option<String>);
/// (field id, position, original word) of a [`MetaFossickedWord`].
type StoredMetaWord = (u16, u32, Option<String>);

#[derive(Serialize, Deserialize)]
struct StoredPage {
    url: String,
    page_number: usize,
    fragment_url: String,
    content: String,
    word_count: usize,
    filters: BTreeMap<String, Vec<String>>,
    meta: BTreeMap<String, String>,
    anchors: Vec<StoredAnchor>,
    word_data: Vec<(String, Vec<StoredWord>)>,
    meta_word_data: Vec<(String, Vec<StoredMetaWord>)>,
    sort: BTreeMap<String, String>,
    /// has_custom_body, force_inclusion, has_html_element, has_old_bundle_reference,
    /// has_default_ui_reference
    flags: [bool; 5],
    language: String,
}

/// `page` as bytes that [`from_bytes`] reads back.
pub fn to_bytes(page: &FossickedData) -> Result<Vec<u8>> {
    let data = &page.fragment.data;
    let stored = StoredPage {
        url: page.url.clone(),
        page_number: page.fragment.page_number,
        fragment_url: data.url.clone(),
        content: data.content.clone(),
        word_count: data.word_count,
        filters: data.filters.clone(),
        meta: data.meta.clone(),
        anchors: data
            .anchors
            .iter()
            .map(|a| (a.element.clone(), a.id.clone(), a.text.clone(), a.title.clone(), a.location))
            .collect(),
        word_data: page
            .word_data
            .iter()
            .map(|(word, at)| {
                let at = at.iter().map(|w| (w.position, w.weight, w.original_word.clone())).collect();
                (word.clone(), at)
            })
            .collect(),
        meta_word_data: page
            .meta_word_data
            .iter()
            .map(|(word, at)| {
                let at = at.iter().map(|w| (w.field_id, w.position, w.original_word.clone())).collect();
                (word.clone(), at)
            })
            .collect(),
        sort: page.sort.clone(),
        flags: [
            page.has_custom_body,
            page.force_inclusion,
            page.has_html_element,
            page.has_old_bundle_reference,
            page.has_default_ui_reference,
        ],
        language: page.language.clone(),
    };
    postcard::to_allocvec(&stored).context("storing a parsed page")
}

/// The page that [`to_bytes`] stored.
pub fn from_bytes(bytes: &[u8]) -> Result<FossickedData> {
    let stored: StoredPage = postcard::from_bytes(bytes).context("reading a stored parsed page")?;
    let [has_custom_body, force_inclusion, has_html_element, has_old_bundle_reference, has_default_ui_reference] =
        stored.flags;
    Ok(FossickedData {
        url: stored.url,
        fragment: PageFragment {
            page_number: stored.page_number,
            data: PageFragmentData {
                url: stored.fragment_url,
                content: stored.content,
                word_count: stored.word_count,
                filters: stored.filters,
                meta: stored.meta,
                anchors: stored
                    .anchors
                    .into_iter()
                    .map(|(element, id, text, title, location)| PageAnchorData { element, id, text, title, location })
                    .collect(),
            },
        },
        word_data: stored
            .word_data
            .into_iter()
            .map(|(word, at)| {
                let at = at
                    .into_iter()
                    .map(|(position, weight, original_word)| FossickedWord { position, weight, original_word })
                    .collect();
                (word, at)
            })
            .collect(),
        meta_word_data: stored
            .meta_word_data
            .into_iter()
            .map(|(word, at)| {
                let at = at
                    .into_iter()
                    .map(|(field_id, position, original_word)| MetaFossickedWord { field_id, position, original_word })
                    .collect();
                (word, at)
            })
            .collect(),
        sort: stored.sort,
        has_custom_body,
        force_inclusion,
        has_html_element,
        has_old_bundle_reference,
        has_default_ui_reference,
        language: stored.language,
    })
}
