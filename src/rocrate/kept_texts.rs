//! Texts that judging records keeps while a crate streams past (entities,
//! and the records an export asks for, as compact JSON): in memory up to
//! [`IN_MEMORY_BYTES`], then in an unnamed temporary file, so that the
//! records of a crate of many richly recorded documents are judged, and
//! exported, without them held in memory.

use std::borrow::Cow;
use std::hash::{BuildHasher, RandomState};
use std::io;

use hashbrown::HashTable;

use crate::spilled_bytes::{Bounds, Span, SpilledBytes};

/// The text kept in memory; past it, texts go to the file.
const IN_MEMORY_BYTES: usize = if cfg!(test) { 1 << 10 } else { 8 << 20 };
/// Texts bound for the file are written in pieces of about this size.
const WRITE_BYTES: usize = if cfg!(test) { 4 << 10 } else { 1 << 20 };
/// When the file cannot be made or written, texts bound for it are held in
/// memory, up to this in all (for both passes of the records' judgement
/// together: see [`KeptById::with_memory_limit`]), as every text was before
/// there was a file. The records an export asks for are held apart, up to
/// their own bound (`kept_records`).
pub(super) const MAX_HELD_BYTES: usize = if cfg!(test) { 17 << 10 } else { 32 << 20 };

/// Where a kept text is among all the texts kept, one after another: in
/// memory before [`IN_MEMORY_BYTES`], in the file (or the bytes not yet
/// written to it) after.
pub(super) type KeptText = Span;

/// A text too long to keep, which [`super::record_check::MAX_KEPT_BYTES`]
/// stops before.
fn too_long() -> io::Error {
    io::Error::other("a text kept for judging records is over 4 GiB")
}

/// The texts kept.
#[derive(Debug)]
pub(super) struct KeptTexts {
    bytes: SpilledBytes,
}

impl Default for KeptTexts {
    fn default() -> KeptTexts {
        KeptTexts::with_memory_limit(MAX_HELD_BYTES)
    }
}

impl KeptTexts {
    /// Texts that may hold `limit` bytes in memory when the file cannot be
    /// made or written.
    pub(super) fn with_memory_limit(limit: usize) -> KeptTexts {
        KeptTexts {
            bytes: SpilledBytes::new(Bounds {
                in_memory: IN_MEMORY_BYTES,
                write: WRITE_BYTES,
                held_without_file: limit,
            }),
        }
    }

    /// The bytes held in memory.
    pub(super) fn held(&self) -> usize {
        self.bytes.held()
    }

    /// Keeps the text of `parts`, one after another.
    pub(super) fn keep(&mut self, parts: &[&str]) -> io::Result<KeptText> {
        self.bytes.append(parts)
    }

    /// Empties the file, as a disk that loses it would: the texts in it can
    /// no longer be read.
    #[cfg(test)]
    pub(super) fn lose_file(&self) {
        self.bytes.lose_file();
    }

    /// The text of `kept`, which this kept.
    pub(super) fn text(&self, kept: KeptText) -> io::Result<Cow<'_, str>> {
        match self.bytes.get(kept)? {
            Cow::Borrowed(bytes) => std::str::from_utf8(bytes)
                .map(Cow::Borrowed)
                .map_err(io::Error::other),
            Cow::Owned(bytes) => String::from_utf8(bytes)
                .map(Cow::Owned)
                .map_err(io::Error::other),
        }
    }
}

/// Texts kept by a key (an entity's `@id`). Each key is kept at the start
/// of its text and found by its hash in a table of where the texts are:
/// about 25 bytes a key in memory, where a `HashMap<Box<str>, _>` took 64
/// MB for the 640,000 entities of a rich crate, and a table with the keys
/// beside it 63 MB.
#[derive(Default)]
pub(super) struct KeptById<S = RandomState> {
    by_id: HashTable<Keyed>,
    hasher: S,
    texts: KeptTexts,
}

/// A key's hash and where its text, the key first, is kept.
struct Keyed {
    hash: u64,
    at: u64,
    len: u32,
    key_len: u32,
}

impl Keyed {
    /// Where the key and text are kept.
    fn whole(&self) -> KeptText {
        KeptText {
            at: self.at,
            len: self.len,
        }
    }
}

/// Whether the key kept at `keyed`, of hash `hash`, is `id`: only its
/// bytes are read back.
fn key_is(texts: &KeptTexts, keyed: &Keyed, hash: u64, id: &str) -> io::Result<bool> {
    if keyed.hash != hash || keyed.key_len as usize != id.len() {
        return Ok(false);
    }
    let key = KeptText {
        at: keyed.at,
        len: keyed.key_len,
    };
    Ok(texts.text(key)? == id)
}

impl<S: BuildHasher + Default> KeptById<S> {
    /// Texts that may hold `limit` bytes in memory when the file cannot be
    /// made or written: what [`MAX_HELD_BYTES`] leaves of what another
    /// holds.
    pub(super) fn with_memory_limit(limit: usize) -> KeptById<S> {
        KeptById {
            texts: KeptTexts::with_memory_limit(limit),
            ..KeptById::default()
        }
    }

    /// The bytes of text held in memory.
    pub(super) fn held(&self) -> usize {
        self.texts.held()
    }

    /// The text kept for `id`, if one is, found by reading back the
    /// texts whose keys share its hash, each with its key first.
    pub(super) fn get(&self, id: &str) -> io::Result<Option<Cow<'_, str>>> {
        let hash = self.hasher.hash_one(id);
        let candidates = self.by_id.iter_hash(hash);
        for keyed in
            candidates.filter(|keyed| keyed.hash == hash && keyed.key_len as usize == id.len())
        {
            let whole = self.texts.text(keyed.whole())?;
            if whole.starts_with(id) {
                return Ok(Some(match whole {
                    Cow::Borrowed(whole) => Cow::Borrowed(&whole[id.len()..]),
                    Cow::Owned(mut whole) => Cow::Owned(whole.split_off(id.len())),
                }));
            }
        }
        Ok(None)
    }

    pub(super) fn contains_key(&self, id: &str) -> io::Result<bool> {
        let hash = self.hasher.hash_one(id);
        for keyed in self.by_id.iter_hash(hash) {
            if key_is(&self.texts, keyed, hash, id)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Keeps `text` for `id`, in place of any text kept for it before,
    /// and says where it is.
    pub(super) fn insert(&mut self, id: &str, text: &str) -> io::Result<KeptText> {
        let key_len = u32::try_from(id.len()).map_err(|_| too_long())?;
        let hash = self.hasher.hash_one(id);
        let mut before = None;
        for keyed in self.by_id.iter_hash_mut(hash) {
            if key_is(&self.texts, keyed, hash, id)? {
                before = Some(keyed);
                break;
            }
        }
        let whole = self.texts.keep(&[id, text])?;
        let keyed = Keyed {
            hash,
            at: whole.at,
            len: whole.len,
            key_len,
        };
        match before {
            Some(before) => *before = keyed,
            None => {
                self.by_id.insert_unique(hash, keyed, |keyed| keyed.hash);
            }
        }
        Ok(KeptText {
            at: whole.at + u64::from(key_len),
            len: whole.len - key_len,
        })
    }

    /// Keeps a text that has no key, among these.
    pub(super) fn keep(&mut self, text: &str) -> io::Result<KeptText> {
        self.texts.keep(&[text])
    }

    /// Whether some text went to the file.
    #[cfg(test)]
    pub(super) fn on_disk(&self) -> bool {
        self.texts.bytes.spilled()
    }

    /// The text of `kept`, which [`KeptById::keep`] kept.
    pub(super) fn text(&self, kept: KeptText) -> io::Result<Cow<'_, str>> {
        self.texts.text(kept)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_come_back_from_memory_the_pending_bytes_and_the_file() {
        let mut texts = KeptTexts::default();
        let written: Vec<String> = (0..200)
            .map(|i| format!("{i}:{}", "é".repeat(i % 37)))
            .collect();
        let kept: Vec<KeptText> = (written.iter())
            .map(|text| texts.keep(&[text]).unwrap())
            .collect();
        assert!(texts.bytes.spilled());
        for (text, kept) in written.iter().zip(&kept) {
            assert_eq!(texts.text(*kept).unwrap(), text.as_str());
        }
    }

    /// A file that cannot be made leaves the texts in memory, up to
    /// [`MAX_HELD_BYTES`] for every text kept.
    #[test]
    fn texts_stay_in_memory_when_the_file_cannot_be_made() {
        let mut texts = KeptTexts::default();
        texts.bytes.refuse_file();
        let mut kept = Vec::new();
        let text = "z".repeat(100);
        let error = loop {
            match texts.keep(&[&text]) {
                Ok(at) => kept.push(at),
                Err(error) => break error,
            }
        };
        assert!(kept.len() * 100 > MAX_HELD_BYTES - 200);
        assert!(error.to_string().starts_with("/nowhere"), "{error}");
        // What another holds is taken off the limit.
        let mut second: KeptById =
            KeptById::with_memory_limit(MAX_HELD_BYTES.saturating_sub(texts.held()));
        second.texts.bytes.refuse_file();
        assert!(second.keep(&text).is_err());
        for at in kept {
            assert_eq!(texts.text(at).unwrap(), text);
        }
    }

    /// Keys of one hash, as every key has with this hasher.
    #[derive(Default)]
    struct OneHash;

    impl std::hash::Hasher for OneHash {
        fn finish(&self) -> u64 {
            7
        }

        fn write(&mut self, _: &[u8]) {}
    }

    fn texts_are_found_by_their_key<S: BuildHasher + Default>() {
        let mut kept = KeptById::<S>::default();
        for i in 0..300 {
            kept.insert(
                &format!("#e-{}", i % 100),
                &format!("{i}{}", "x".repeat(i % 50)),
            )
            .unwrap();
        }
        assert!(kept.on_disk());
        for i in 200..300 {
            let id = format!("#e-{}", i % 100);
            assert!(kept.contains_key(&id).unwrap());
            let text = format!("{i}{}", "x".repeat(i % 50));
            assert_eq!(kept.get(&id).unwrap().as_deref(), Some(text.as_str()));
        }
        for absent in ["#e-100", "#e-1000", "#e-", "", "#f-1"] {
            assert!(!kept.contains_key(absent).unwrap() && kept.get(absent).unwrap().is_none());
        }
    }

    #[test]
    fn texts_are_found_by_their_key_the_last_kept_for_it() {
        texts_are_found_by_their_key::<RandomState>();
    }

    /// Keys that share a hash are told apart by the key kept with each
    /// text.
    #[test]
    fn texts_whose_keys_share_a_hash_are_found_by_their_key() {
        texts_are_found_by_their_key::<std::hash::BuildHasherDefault<OneHash>>();
    }
}
