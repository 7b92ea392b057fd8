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

pub mod reader;
pub mod recheck;
pub mod tags;
pub mod writer;
pub mod zip;

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
#[derive(Clone, Debug, PartialEq)]
pub struct PackedDocument {
    /// The record from `collection.toml`.
    pub record: Document,
    /// The file's size and digests; `None` when catalogued but not held.
    pub held: Option<HeldFile>,
    /// The file's name as found on disk (or, when not held, as the record
    /// writes it), when it differs from the NFC name the bag uses.
    pub original_name: Option<String>,
}

/// Size and digests of a document file that is in the bundle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldFile {
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 and SHA-512 of the bytes.
    pub digests: Digests,
}

impl PackedDocument {
    /// The document's path relative to the bag root:
    /// `data/documents/<file>`, in Unicode NFC.
    pub fn bag_path(&self) -> String {
        format!("{DOCUMENTS_DIR}/{}", nfc(self.record.file.as_str()))
    }

    /// The document's path relative to the RO-Crate root (`data/`), in NFC.
    pub fn crate_path(&self) -> String {
        format!("documents/{}", nfc(self.record.file.as_str()))
    }
}
