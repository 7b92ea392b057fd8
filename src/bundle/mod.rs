//! The bundle: a zip holding one BagIt bag whose payload is an RO-Crate.
//!
//! Layout, relative to the bag's top directory `<collection id>/`:
//!
//! ```text
//! bagit.txt  bag-info.txt  manifest-sha256.txt  manifest-sha512.txt
//! tagmanifest-sha256.txt  tagmanifest-sha512.txt
//! data/ro-crate-metadata.json  data/ro-crate-preview.html
//! data/documents/<file of each held document>
//! ```

pub(crate) mod central;
mod inflate;
pub mod reader;
pub mod recheck;
pub mod tags;
pub mod writer;
pub mod zip;

use std::borrow::Cow;
use std::io;

use crate::collection::Document;
use crate::digest::Digests;
use crate::names::nfc;

/// The payload directory of the documents, relative to the bag root.
pub const DOCUMENTS_DIR: &str = "data/documents";
/// The RO-Crate metadata file, relative to the bag root.
pub const ROCRATE_METADATA: &str = "data/ro-crate-metadata.json";
/// The RO-Crate preview page, relative to the bag root.
pub const ROCRATE_PREVIEW: &str = "data/ro-crate-preview.html";

/// A document as packed: its record and, when its file was found, the
/// facts of the bytes that went into the bundle.
/// Its parts are borrowed where they are kept elsewhere.
#[derive(Clone, Debug, PartialEq)]
pub struct PackedDocument<'a> {
    /// The record from `collection.toml`.
    pub record: Cow<'a, Document>,
    /// The file's size and digests; `None` when catalogued but not held.
    pub held: Option<Cow<'a, HeldFile>>,
    /// The file's name as found on disk (or, when not held, as the record
    /// writes it), when it differs from the NFC name the bag uses.
    pub original_name: Option<Cow<'a, str>>,
}

/// Size and digests of a document file that is in the bundle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldFile {
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 and SHA-512 of the bytes.
    pub digests: Digests,
}

impl PackedDocument<'_> {
    /// The document's path relative to the RO-Crate root (`data/`), in NFC.
    pub fn crate_path(&self) -> String {
        crate_path(self.record.file.as_str())
    }
}

/// Reads until `buffer` is full or the reader ends; returns the bytes read.
pub(crate) fn read_full(reader: &mut impl io::Read, buffer: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match reader.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(filled)
}

/// The path relative to the bag root of the document whose record's file
/// is `file`: `data/documents/<file>`, in Unicode NFC.
pub fn bag_path(file: &str) -> String {
    format!("{DOCUMENTS_DIR}/{}", nfc(file))
}

/// The path relative to the RO-Crate root (`data/`) of the document whose
/// record's file is `file`, in NFC.
pub fn crate_path(file: &str) -> String {
    format!("documents/{}", nfc(file))
}

/// The documents of a bundle as packed, read by index as often as needed:
/// in memory, or spilled to disk so that a large collection is not held.
pub trait PackedDocuments: Sync {
    /// How many documents there are.
    fn count(&self) -> usize;

    /// The record's file path of the document at `index`, as written.
    fn file(&self, index: usize) -> &str;

    /// The record id of the document at `index`.
    fn id(&self, index: usize) -> &str;

    /// Whether the document at `index` is held.
    fn is_held(&self, index: usize) -> bool;

    /// The document at `index`; reading it may fail where it is spilled.
    fn document(&self, index: usize) -> io::Result<PackedDocument<'_>>;

    /// The documents at `indexes`, in that order: what [`document`] gives
    /// for each, read together where that is cheaper.
    ///
    /// [`document`]: PackedDocuments::document
    fn documents<'a>(
        &'a self,
        indexes: &'a [usize],
    ) -> Box<dyn Iterator<Item = io::Result<PackedDocument<'a>>> + 'a> {
        Box::new(indexes.iter().map(|&index| self.document(index)))
    }
}

impl PackedDocuments for &[PackedDocument<'_>] {
    fn count(&self) -> usize {
        self.len()
    }

    fn file(&self, index: usize) -> &str {
        self[index].record.file.as_str()
    }

    fn id(&self, index: usize) -> &str {
        self[index].record.id.as_str()
    }

    fn is_held(&self, index: usize) -> bool {
        self[index].held.is_some()
    }

    fn document(&self, index: usize) -> io::Result<PackedDocument<'_>> {
        let document = &self[index];
        Ok(PackedDocument {
            record: Cow::Borrowed(&document.record),
            held: document.held.as_deref().map(Cow::Borrowed),
            original_name: document.original_name.as_deref().map(Cow::Borrowed),
        })
    }
}

/// The indexes of `documents` in the order the RO-Crate lists them: by
/// their records' file paths as written.
pub fn crate_order(documents: &dyn PackedDocuments) -> Vec<usize> {
    crate_order_of(documents.count(), |index| documents.file(index))
}

/// The indexes of `count` records whose file paths, as written, `file`
/// gives, in the order the RO-Crate lists them (see [`crate_order`]).
pub fn crate_order_of<'a>(count: usize, file: impl Fn(usize) -> &'a str) -> Vec<usize> {
    let mut order: Vec<usize> = (0..count).collect();
    order.sort_by(|&a, &b| file(a).cmp(file(b)));
    order
}
