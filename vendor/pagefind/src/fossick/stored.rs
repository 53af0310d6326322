//! pamphlet patch: a parsed page as bytes, so that a caller can keep the pages it parsed and
//! give them back to a later index instead of parsing the same HTML again (parsing is most of
//! indexing's time). The bytes are [`StoredPage`] in postcard, a plain copy of every field of
//! [`FossickedData`] made of tuples and lists, so that the types whose `Serialize` writes the
//! index files (which skips empty fields, which postcard cannot read back) stay as they are.
//! A page's words, most of its memory, are a block of bytes of their own ([`StoredWords`]):
//! a page waiting to be indexed can hold its words as those bytes ([`pack_words`]), the stored
//! page embeds them as they are, and a page read back keeps them so until it is indexed.

use anyhow::{Context, Result};
use either::Either;
use hashbrown::HashMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::{FossickedData, FossickedWord, MetaFossickedWord};
use crate::fragments::{PageAnchorData, PageFragment, PageFragmentData};

/// (element, id, text, title, location) of a [`PageAnchorData`].
type StoredAnchor = (String, String, String, Option<String>, u32);
/// The words of a page, `word_data` and `meta_word_data` of [`FossickedData`], as they are
/// read back: each map a list of (word, where). The bytes are those of the maps themselves
/// ([`WordMaps`]): postcard writes a map as its length and then each key and value, which are
/// the bytes of a list of (key, value) pairs.
#[derive(Deserialize)]
struct StoredWords {
    word_data: Vec<(String, Vec<FossickedWord>)>,
    meta_word_data: Vec<(String, Vec<MetaFossickedWord>)>,
}

/// A page's word maps, borrowed to be written as [`StoredWords`] without copying a word.
#[derive(Serialize)]
struct WordMaps<'a> {
    word_data: &'a WordData,
    meta_word_data: &'a MetaWordData,
}

/// Bytes that postcard writes as one block (`serialize_bytes`) rather than byte by byte, as it
/// writes a `Vec<u8>`.
struct Bytes(Vec<u8>);

impl Serialize for Bytes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BytesVisitor;
        impl serde::de::Visitor<'_> for BytesVisitor {
            type Value = Bytes;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Bytes, E> {
                Ok(Bytes(bytes.to_vec()))
            }
            fn visit_byte_buf<E: serde::de::Error>(self, bytes: Vec<u8>) -> Result<Bytes, E> {
                Ok(Bytes(bytes))
            }
        }
        deserializer.deserialize_byte_buf(BytesVisitor)
    }
}

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
    /// The page's [`StoredWords`]: the bytes a packed page holds ([`pack_words`]).
    words: Bytes,
    sort: BTreeMap<String, String>,
    /// has_custom_body, force_inclusion, has_html_element, has_old_bundle_reference,
    /// has_default_ui_reference, and whether the page has words to index
    /// ([`FossickedData::has_words`]: a page without is not indexed)
    flags: [bool; 6],
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
        words: Bytes(match &page.packed_words {
            Some(packed) => packed.clone(),
            None => words_to_bytes(&page.word_data, &page.meta_word_data)?,
        }),
        sort: page.sort.clone(),
        flags: [
            page.has_custom_body,
            page.force_inclusion,
            page.has_html_element,
            page.has_old_bundle_reference,
            page.has_default_ui_reference,
            page.has_words(),
        ],
        language: page.language.clone(),
    };
    postcard::to_allocvec(&stored).context("storing a parsed page")
}

/// The page that [`to_bytes`] stored, its words kept packed ([`pack_words`]) until it is
/// indexed: a part read back holds thousands of pages at once. Their bytes are read only then,
/// so the caller must make sure that `bytes` are those [`to_bytes`] gave (pamphlet keeps a
/// checksum beside each): damaged words that still read back would index wrong words, and
/// words that do not read back fail the indexing.
pub fn from_bytes(bytes: &[u8]) -> Result<FossickedData> {
    let stored: StoredPage = postcard::from_bytes(bytes).context("reading a stored parsed page")?;
    let [has_custom_body, force_inclusion, has_html_element, has_old_bundle_reference, has_default_ui_reference, has_words] =
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
        word_data: HashMap::new(),
        meta_word_data: HashMap::new(),
        // A page without words is not indexed, and keeps none (see `pack_words`).
        packed_words: has_words.then_some(stored.words.0),
        sort: stored.sort,
        has_custom_body,
        force_inclusion,
        has_html_element,
        has_old_bundle_reference,
        has_default_ui_reference,
        language: stored.language,
    })
}

type WordData = HashMap<String, Vec<FossickedWord>>;
type MetaWordData = HashMap<String, Vec<MetaFossickedWord>>;

/// A page's words as the bytes of [`StoredWords`].
fn words_to_bytes(word_data: &WordData, meta_word_data: &MetaWordData) -> Result<Vec<u8>> {
    // About what the bytes take (a position is one to three bytes, then a weight or a field's
    // number, and whether there is an original word), so that the bytes are not moved as they
    // grow: growing by doubling copied them over and over, in every page.
    let words = |word: &String, at: usize| word.len() + 2 + 4 * at;
    let size = word_data.iter().map(|(word, at)| words(word, at.len())).sum::<usize>()
        + meta_word_data.iter().map(|(word, at)| words(word, at.len())).sum::<usize>()
        + 4;
    postcard::to_extend(&WordMaps { word_data, meta_word_data }, Vec::with_capacity(size))
        .context("storing the words of a parsed page")
}

/// A page's words as lists of (word, where), in no particular order.
type WordLists = (Vec<(String, Vec<FossickedWord>)>, Vec<(String, Vec<MetaFossickedWord>)>);

/// The words that [`words_to_bytes`] stored.
fn words_from_bytes(bytes: &[u8]) -> Result<WordLists> {
    let words: StoredWords = postcard::from_bytes(bytes).context("reading the words of a stored parsed page")?;
    Ok((words.word_data, words.meta_word_data))
}

/// Keeps `page`'s words as bytes ([`FossickedData::packed_words`]) until the page is indexed,
/// its word maps emptied: the bytes take about a tenth of the maps' memory, and a caller
/// holding thousands of parsed pages at once holds mostly their words. A page without words
/// stays as it is (it is not indexed).
pub fn pack_words(page: &mut FossickedData) -> Result<()> {
    if page.packed_words.is_some() || page.word_data.is_empty() {
        return Ok(());
    }
    page.packed_words = Some(words_to_bytes(&page.word_data, &page.meta_word_data)?);
    page.word_data = HashMap::new();
    page.meta_word_data = HashMap::new();
    Ok(())
}

/// Takes `page`'s words, packed by [`pack_words`] or not, leaving it without: indexing a page
/// reads each word once, so a packed page's words are read into lists, not into maps, and an
/// unpacked page's maps are read as they are.
pub fn take_words(
    page: &mut FossickedData,
) -> Result<(
    impl Iterator<Item = (String, Vec<FossickedWord>)>,
    impl Iterator<Item = (String, Vec<MetaFossickedWord>)>,
)> {
    Ok(match page.packed_words.take() {
        Some(bytes) => {
            let (word_data, meta_word_data) = words_from_bytes(&bytes)?;
            (Either::Left(word_data.into_iter()), Either::Left(meta_word_data.into_iter()))
        }
        None => (
            Either::Right(std::mem::take(&mut page.word_data).into_iter()),
            Either::Right(std::mem::take(&mut page.meta_word_data).into_iter()),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(position: u32, weight: u8, original_word: Option<&str>) -> FossickedWord {
        FossickedWord { position, weight, original_word: original_word.map(str::to_owned) }
    }

    fn page_words() -> (WordData, MetaWordData) {
        let mut words = WordData::new();
        words.insert("cafe".into(), vec![word(0, 24, Some("café")), word(300, 7, None)]);
        words.insert("عدالت".into(), vec![word(70_000, 1, None)]);
        let mut meta = MetaWordData::new();
        meta.insert("title".into(), vec![MetaFossickedWord { field_id: 2, position: 5, original_word: None }]);
        (words, meta)
    }

    /// The bytes of packed words as they were written before the maps were written directly
    /// (a copy of every word into lists of tuples): pages stored by earlier builds read back.
    #[test]
    fn packed_words_have_the_bytes_of_lists_of_tuples() {
        let (words, meta) = page_words();
        let as_lists = (
            words
                .iter()
                .map(|(w, at)| (w.clone(), at.iter().map(|a| (a.position, a.weight, a.original_word.clone())).collect()))
                .collect::<Vec<(String, Vec<(u32, u8, Option<String>)>)>>(),
            meta.iter()
                .map(|(w, at)| (w.clone(), at.iter().map(|a| (a.field_id, a.position, a.original_word.clone())).collect()))
                .collect::<Vec<(String, Vec<(u16, u32, Option<String>)>)>>(),
        );
        assert_eq!(words_to_bytes(&words, &meta).unwrap(), postcard::to_allocvec(&as_lists).unwrap());
    }

    #[test]
    fn packed_words_read_back() {
        let (words, meta) = page_words();
        let (read_words, read_meta) = words_from_bytes(&words_to_bytes(&words, &meta).unwrap()).unwrap();
        assert_eq!(read_words.into_iter().collect::<WordData>(), words);
        assert_eq!(read_meta.into_iter().collect::<MetaWordData>(), meta);
    }
}
