//! The record model: a collection of documents and their provenance.
//!
//! A collection is a directory holding `collection.toml` and the document
//! files. The types here are that file's schema: `manifests/schema/
//! collection.schema.json` is generated from them.

mod first_uses;
mod load;
mod locate;
mod places;
mod records;
mod references;
mod save;
mod scan;
mod segments;
#[cfg(test)]
pub(crate) mod testutil;
pub(crate) mod validate;
pub mod values;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use strum::{Display, EnumString, IntoStaticStr};

pub(crate) use self::load::records_error;
pub use self::load::{
    CollectionFile, LoadedCollection, LoadedRecords, PartlyLoaded, load, load_partly, parse,
    parse_both_ways,
};
pub use self::locate::{
    Found, Located, Location, is_collection, locate, locate_all, metadata_saying_why, require_dirs,
    searchable,
};
pub(crate) use self::locate::{Listings, disk_name, file_for_collection, real_path_inside};
pub use self::records::{Records, RecordsInOrder, ReorderedSpill};
pub(crate) use self::references::NameOrTable;
pub use self::references::{
    Assessor, AssessorTable, Author, AuthorTable, AuthorType, CitedWork, DisputingWork,
    DisputingWorkTable, Place, PlaceTable, Role, WorkType,
};
pub use self::save::{to_toml, write_toml};
pub use self::scan::{COLLECTION_CSV, scan};
use self::values::{DocumentPath, IsoDate, LanguageTag, License, MediaType, Sha256Hex, Slug};
use crate::edtf::EdtfDate;

/// The name of the record file inside a collection directory.
pub const COLLECTION_FILE: &str = "collection.toml";

/// A collection: its own description and its documents' records.
#[derive(Clone, Debug, PartialEq)]
pub struct Collection {
    /// The `[collection]` table.
    pub info: CollectionInfo,
    /// The `[[document]]` records, in file order.
    pub documents: Vec<Document>,
}

/// What describes the collection as a whole.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CollectionInfo {
    /// Identifier; names the bag's top-level directory.
    pub id: Slug,
    /// Human-readable title.
    pub title: String,
    /// What the collection is.
    pub description: String,
    /// Licence of the records and of the bundle as a whole. It does not
    /// cover the documents: each states its own (`license`, `rights`).
    pub license: License,
    /// The collection's date; used as the bag's Bagging-Date, so that the
    /// same collection always gives the same bundle.
    pub date: IsoDate,
    /// Organization that made the collection (bag-info `Source-Organization`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_organization: Option<String>,
    /// Person to contact (bag-info `Contact-Name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_name: Option<String>,
    /// E-mail of the contact (bag-info `Contact-Email`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_email: Option<String>,
}

impl CollectionInfo {
    /// The fields `bag-info.txt` holds as they are written, in the
    /// records' order, each as its field in the records, its label and its
    /// value: the one list that the tag file's writer and the records'
    /// check of its line length both read.
    pub fn bag_info_fields(&self) -> [(&'static str, &'static str, Option<&str>); 5] {
        [
            ("title", "Title", Some(&self.title)),
            (
                "description",
                "External-Description",
                Some(&self.description),
            ),
            (
                "source_organization",
                "Source-Organization",
                self.source_organization.as_deref(),
            ),
            ("contact_name", "Contact-Name", self.contact_name.as_deref()),
            (
                "contact_email",
                "Contact-Email",
                self.contact_email.as_deref(),
            ),
        ]
    }
}

/// The record of one document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Identifier, unique in the collection.
    pub id: Slug,
    /// Title of the document.
    pub title: String,
    /// The file, relative to the collection directory or a `--source`
    /// directory. It keeps this path under `data/documents/` in the bag.
    pub file: DocumentPath,
    /// IANA media type; guessed from the file extension when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<MediaType>,
    /// BCP 47 language of the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<LanguageTag>,
    /// SHA-256 checksum declared by the source. Checked when the file is
    /// packed; lets a document be catalogued without being held.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<Sha256Hex>,
    /// The document's licence: an SPDX identifier or a URL. Without one,
    /// no licence is stated for it: the collection's licence covers the
    /// records and the bundle, not the documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<License>,
    /// Who holds the rights, and on what terms the document may be used,
    /// in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rights: Option<String>,
    /// Who made it, when, where, and where this copy came from.
    #[serde(default, skip_serializing_if = "is_default")]
    pub provenance: Provenance,
    /// Whether the document is disputed, and how.
    #[serde(default, skip_serializing_if = "is_default")]
    pub contested: Contested,
}

impl Document {
    /// The media type of the record, or the one guessed from the file name.
    pub fn media_type_or_guess(&self) -> MediaType {
        self.media_type
            .clone()
            .unwrap_or_else(|| MediaType::guess(self.file.as_str()))
    }
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// Provenance of a document.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// The people and organizations credited: authors, speakers and other
    /// contributors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<Author>,
    /// When the document was made, in EDTF.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<EdtfDate>,
    /// How the date is known (e.g. inferred, not printed in the text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_note: Option<String>,
    /// Where this copy came from: a URL, archive, donor or periodical; a
    /// name, or a table with identifiers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Place>,
    /// Where it was said, written or published; a name, or a table with
    /// identifiers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue: Option<Place>,
    /// The event it records, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// Who published it, if anyone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// What the document is and why it is in the collection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
}

/// Whether, and how, a document is disputed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contested {
    /// `uncontested`, `contested` or `unassessed` (the default).
    #[serde(default)]
    pub status: Status,
    /// What is disputed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aspects: Vec<Aspect>,
    /// The dispute in a few sentences, taking no side.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Works that dispute it: citations, tables with a type and
    /// identifiers, or other documents of the collection by their ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disputed_by: Vec<DisputingWork>,
    /// Who assessed the status: a person, or an organization (a table
    /// with `type = "organization"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessed_by: Option<Assessor>,
    /// When the status was assessed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessed_on: Option<IsoDate>,
}

/// The contested status of a document.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    JsonSchema,
    Display,
    EnumString,
    IntoStaticStr,
    strum::EnumIter,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Status {
    /// Nobody has assessed whether it is disputed.
    #[default]
    Unassessed,
    /// Assessed, and not disputed.
    Uncontested,
    /// Its claims, authenticity, attribution or date are disputed.
    Contested,
}

/// What about a document is disputed.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    JsonSchema,
    Display,
    EnumString,
    IntoStaticStr,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Aspect {
    /// What it asserts.
    Claims,
    /// Whether it is what it purports to be.
    Authenticity,
    /// Who made it.
    Attribution,
    /// When it was made.
    Date,
}
