//! The records that judging a crate keeps for an export, as compact JSON
//! in [`KeptTexts`]: the first 8 MiB in memory, the rest in an unnamed
//! temporary file, in memory up to [`MAX_HELD_BYTES`] if that file cannot
//! be made or written, and at most [`MAX_RECORDS_BYTES`] in all. An export
//! reads them one at a time, in file path order, and reads again the few
//! that others name. A few dozen bytes of each stay in memory, where the
//! records themselves took about 1.2 KB each (190 MiB at 160,000
//! documents).

use std::io;
use std::sync::Mutex;

use super::kept_texts::{KeptText, KeptTexts};
use crate::collection::Document;

/// The records' text held in memory at most when the temporary file cannot
/// be made or written: as much as an export reads of a crate whole.
const MAX_HELD_BYTES: usize = if cfg!(test) {
    16 << 10
} else {
    crate::bundle::reader::READ_ALL_LIMIT as usize
};

/// The records' text kept at most. A record holds the entities it links to,
/// so a crate that links one large entity from every document would
/// otherwise fill the disk: a million richly recorded documents take
/// about 1 GB.
const MAX_RECORDS_BYTES: u64 = if cfg!(test) { 256 << 10 } else { 4 << 30 };

/// Records being kept, in the order they come.
#[derive(Debug)]
pub struct KeptRecords {
    texts: KeptTexts,
    /// The bytes of text kept, and the most it may keep.
    bytes: u64,
    max_bytes: u64,
    kept: Vec<Kept>,
    /// Every record's id and then its file, one after another.
    names: String,
}

/// Where a record's JSON is kept, and its id and file in
/// [`KeptRecords::names`].
#[derive(Debug)]
struct Kept {
    text: KeptText,
    names_at: usize,
    id_len: u32,
    file_len: u32,
}

impl Default for KeptRecords {
    fn default() -> KeptRecords {
        KeptRecords {
            texts: KeptTexts::with_memory_limit(MAX_HELD_BYTES),
            bytes: 0,
            max_bytes: MAX_RECORDS_BYTES,
            kept: Vec::new(),
            names: String::new(),
        }
    }
}

impl KeptRecords {
    /// Keeps `document`, after those kept before.
    pub fn push(&mut self, document: &Document) -> io::Result<()> {
        let json = serde_json::to_string(document).map_err(io::Error::other)?;
        self.bytes += json.len() as u64;
        if self.bytes > self.max_bytes {
            return Err(io::Error::other(format!(
                "the records take more than {} MiB as JSON, the most kept for an export",
                self.max_bytes >> 20
            )));
        }
        let text = self.texts.keep(&[&json])?;
        let len = |text: &str| u32::try_from(text.len()).map_err(io::Error::other);
        self.kept.push(Kept {
            text,
            names_at: self.names.len(),
            id_len: len(document.id.as_str())?,
            file_len: len(document.file.as_str())?,
        });
        self.names.push_str(document.id.as_str());
        self.names.push_str(document.file.as_str());
        Ok(())
    }

    fn id(&self, index: usize) -> &str {
        let kept = &self.kept[index];
        &self.names[kept.names_at..kept.names_at + kept.id_len as usize]
    }

    fn file(&self, index: usize) -> &str {
        let kept = &self.kept[index];
        let at = kept.names_at + kept.id_len as usize;
        &self.names[at..at + kept.file_len as usize]
    }

    /// The records kept, to be read by file path and by id.
    pub fn finish(self) -> BundleRecords {
        let mut by_path: Vec<usize> = (0..self.kept.len()).collect();
        // Stable: a path listed twice keeps the order its records came in.
        by_path.sort_by(|&a, &b| self.file(a).cmp(self.file(b)));
        let mut by_id: Vec<usize> = (0..self.kept.len()).collect();
        by_id.sort_unstable_by(|&a, &b| self.id(a).cmp(self.id(b)));
        BundleRecords {
            records: self,
            by_path,
            by_id,
            failed: Mutex::new(None),
        }
    }
}

/// Records in file path order, found by id.
#[derive(Debug)]
pub struct BundleRecords {
    records: KeptRecords,
    /// The records' indexes in file path order.
    by_path: Vec<usize>,
    /// The records' indexes in the order of their ids.
    by_id: Vec<usize>,
    /// The first error reading a record by its id, which
    /// [`BundleRecords::document`] does not return.
    failed: Mutex<Option<io::Error>>,
}

impl Default for BundleRecords {
    /// None.
    fn default() -> BundleRecords {
        KeptRecords::default().finish()
    }
}

impl BundleRecords {
    /// `documents`, kept in any order. They are in memory already, read
    /// from a crate of at most [`crate::bundle::reader::READ_ALL_LIMIT`]:
    /// no bound but theirs applies.
    pub fn of(documents: &[Document]) -> io::Result<BundleRecords> {
        let mut kept = KeptRecords {
            texts: KeptTexts::with_memory_limit(usize::MAX),
            max_bytes: u64::MAX,
            ..KeptRecords::default()
        };
        for document in documents {
            kept.push(document)?;
        }
        Ok(kept.finish())
    }

    /// How many records there are.
    pub fn len(&self) -> usize {
        self.by_path.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.by_path.is_empty()
    }

    /// Every record, in file path order, each read in turn.
    pub fn documents(&self) -> impl Iterator<Item = io::Result<Document>> + '_ {
        self.by_path.iter().map(|&index| self.read(index))
    }

    /// Every record's id, in file path order, without reading the records.
    pub fn ids(&self) -> impl Iterator<Item = &str> + '_ {
        self.by_path.iter().map(|&index| self.records.id(index))
    }

    /// Every record, in file path order, in memory.
    pub fn to_vec(&self) -> io::Result<Vec<Document>> {
        self.documents().collect()
    }

    /// The record whose id is `id`, read again. An error reading it gives
    /// `None` here, and is kept for [`BundleRecords::checked`].
    pub fn document(&self, id: &str) -> Option<Document> {
        let at = (self.by_id)
            .binary_search_by(|&index| self.records.id(index).cmp(id))
            .ok()?;
        match self.read(self.by_id[at]) {
            Ok(document) => Some(document),
            Err(error) => {
                let mut failed = self.failed.lock().expect("no reader panicked");
                failed.get_or_insert(error);
                None
            }
        }
    }

    /// The first error [`BundleRecords::document`] met since this was last
    /// called, if any: what was made from its `None` is not to be kept.
    pub fn checked(&self) -> io::Result<()> {
        match self.failed.lock().expect("no reader panicked").take() {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    fn read(&self, index: usize) -> io::Result<Document> {
        let json = self.records.texts.text(self.records.kept[index].text)?;
        serde_json::from_str(&json).map_err(io::Error::other)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::collection::testutil::collection;

    /// Documents of a few dozen bytes of JSON each.
    fn documents(count: usize) -> Vec<Document> {
        (0..count)
            .map(|i| {
                toml::from_str(&format!(
                    "id = \"d{i}\"\ntitle = \"T\"\nfile = \"f{i:04}.txt\""
                ))
            })
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn records_past_the_memory_kept_are_read_back_from_the_file() {
        let documents = documents(200);
        let mut kept = KeptRecords::default();
        for document in &documents {
            kept.push(document).unwrap();
        }
        assert!(kept.texts.held() < kept.bytes as usize);
        assert_eq!(kept.finish().to_vec().unwrap(), documents);
    }

    /// A record that cannot be read back is an error: in turn from
    /// `documents`, and kept for `checked` when found by its id.
    #[test]
    fn a_record_that_cannot_be_read_back_is_an_error() {
        let documents = documents(200);
        let records = BundleRecords::of(&documents).unwrap();
        records.records.texts.lose_file();
        // The first are in memory, the last waiting to be written; those
        // between were in the file.
        assert!(records.documents().nth(100).unwrap().is_err());
        assert_eq!(records.document("d0"), Some(documents[0].clone()));
        assert!(records.checked().is_ok());
        assert_eq!(records.document("d100"), None);
        assert!(records.checked().is_err());
        assert!(records.checked().is_ok(), "the error is given once");
    }

    #[test]
    fn records_past_their_bound_are_not_kept() {
        let mut kept = KeptRecords::default();
        let error = (documents(8000).iter())
            .try_for_each(|document| kept.push(document))
            .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("as JSON, the most kept for an export"),
            "{error}"
        );
        assert!(kept.bytes > MAX_RECORDS_BYTES);
        let everything = BundleRecords::of(&documents(8000)).unwrap();
        assert_eq!(everything.len(), 8000);
    }

    proptest! {
        /// Read back in file path order, the records are those sorted by
        /// file, ties kept in the order they came in, as the crate's
        /// reader gives them; each is found by its id. The records of
        /// the tests' collections pass the few KiB kept in memory in tests.
        #[test]
        fn records_come_back_by_path_and_are_found_by_id(
            collection in collection(12),
            files in proptest::collection::vec(0..4usize, 12),
        ) {
            // Few paths, so that some are listed twice.
            let mut documents = collection.documents;
            for (document, file) in documents.iter_mut().zip(&files) {
                document.file = format!("f{file}.txt").parse().unwrap();
            }
            let records = BundleRecords::of(&documents).unwrap();
            let mut expected = documents.clone();
            expected.sort_by(|a, b| a.file.cmp(&b.file));
            prop_assert_eq!(records.to_vec().unwrap(), expected.clone());
            let ids: Vec<&str> = records.ids().collect();
            let expected_ids: Vec<&str> = expected.iter().map(|d| d.id.as_str()).collect();
            prop_assert_eq!(ids, expected_ids);
            for document in &documents {
                prop_assert_eq!(records.document(document.id.as_str()), Some(document.clone()));
            }
            prop_assert_eq!(records.document("no-such-id"), None);
            prop_assert!(records.checked().is_ok());
        }
    }
}
