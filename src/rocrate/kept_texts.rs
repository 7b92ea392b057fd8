//! Texts that judging records keeps while a crate streams past (entities
//! as compact JSON): in memory up to [`IN_MEMORY_BYTES`], then in an
//! unnamed temporary file, so that the records of a crate of many richly
//! recorded documents are judged without its entities held in memory.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};

/// The text kept in memory; past it, texts go to the file.
const IN_MEMORY_BYTES: usize = if cfg!(test) { 1 << 10 } else { 8 << 20 };
/// Texts bound for the file are written in pieces of about this size.
const WRITE_BYTES: usize = if cfg!(test) { 4 << 10 } else { 1 << 20 };

/// Where a kept text is.
#[derive(Debug)]
pub(super) enum KeptText {
    Memory(Box<str>),
    /// At byte `at` of the file (or of the bytes not yet written to it).
    Disk {
        at: u64,
        len: usize,
    },
}

/// The texts kept: those in memory are in their [`KeptText`].
#[derive(Debug, Default)]
pub(super) struct KeptTexts {
    in_memory: usize,
    /// Made when the first piece is written.
    file: Option<File>,
    /// Bytes written to the file.
    written: u64,
    /// The bytes that follow them, not yet written.
    pending: Vec<u8>,
}

impl KeptTexts {
    /// Keeps `text`.
    pub(super) fn keep(&mut self, text: String) -> io::Result<KeptText> {
        if self.in_memory + text.len() <= IN_MEMORY_BYTES {
            self.in_memory += text.len();
            return Ok(KeptText::Memory(text.into()));
        }
        let at = self.written + self.pending.len() as u64;
        // A text is written whole with the piece it ends, so it is either
        // in the file or pending, never split.
        self.pending.extend_from_slice(text.as_bytes());
        if self.pending.len() >= WRITE_BYTES {
            let file = match &mut self.file {
                Some(file) => file,
                None => self.file.insert(tempfile::tempfile()?),
            };
            file.write_all(&self.pending)?;
            self.written += self.pending.len() as u64;
            self.pending.clear();
        }
        Ok(KeptText::Disk {
            at,
            len: text.len(),
        })
    }

    /// The text of `kept`, which this kept.
    pub(super) fn text<'a>(&'a self, kept: &'a KeptText) -> io::Result<Cow<'a, str>> {
        let (at, len) = match kept {
            KeptText::Memory(text) => return Ok(Cow::Borrowed(text)),
            KeptText::Disk { at, len } => (*at, *len),
        };
        let not_kept = || io::Error::other("a text kept for judging records is not where it was");
        if let Some(from) = at.checked_sub(self.written) {
            let from = usize::try_from(from).map_err(|_| not_kept())?;
            let bytes = (self.pending.get(from..from + len)).ok_or_else(not_kept)?;
            let text = std::str::from_utf8(bytes).map_err(io::Error::other)?;
            return Ok(Cow::Borrowed(text));
        }
        let mut file = self.file.as_ref().ok_or_else(not_kept)?;
        file.seek(SeekFrom::Start(at))?;
        let mut bytes = vec![0; len];
        file.read_exact(&mut bytes)?;
        String::from_utf8(bytes)
            .map(Cow::Owned)
            .map_err(io::Error::other)
    }
}

/// Texts kept by a key (an entity's `@id`).
#[derive(Debug, Default)]
pub(super) struct KeptById {
    by_id: HashMap<Box<str>, KeptText>,
    texts: KeptTexts,
}

impl KeptById {
    pub(super) fn insert(&mut self, id: Box<str>, text: String) -> io::Result<()> {
        let kept = self.texts.keep(text)?;
        self.by_id.insert(id, kept);
        Ok(())
    }

    pub(super) fn get(&self, id: &str) -> io::Result<Option<Cow<'_, str>>> {
        (self.by_id.get(id))
            .map(|kept| self.texts.text(kept))
            .transpose()
    }

    pub(super) fn contains_key(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    /// Keeps a text that has no key, among these.
    pub(super) fn keep(&mut self, text: String) -> io::Result<KeptText> {
        self.texts.keep(text)
    }

    /// Whether some text went to the file.
    #[cfg(test)]
    pub(super) fn on_disk(&self) -> bool {
        self.texts.file.is_some()
    }

    /// The text of `kept`, which [`KeptById::keep`] kept.
    pub(super) fn text<'a>(&'a self, kept: &'a KeptText) -> io::Result<Cow<'a, str>> {
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
            .map(|text| texts.keep(text.clone()).unwrap())
            .collect();
        let places = |memory: bool| {
            (kept.iter())
                .filter(|kept| matches!(kept, KeptText::Memory(_)) == memory)
                .count()
        };
        assert!(places(true) > 0 && places(false) > 0);
        assert!(texts.written > 0 && !texts.pending.is_empty());
        for (text, kept) in written.iter().zip(&kept) {
            assert_eq!(texts.text(kept).unwrap(), text.as_str());
        }
    }
}
