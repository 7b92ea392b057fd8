//! The validation codes of the OCFL 1.1 specification, verbatim.
//!
//! Every `MUST` of the specification has an error code (E001–E112) and every
//! `SHOULD` a warning code (W001–W016); `https://ocfl.io/1.1/spec/#E040`
//! links to the sentence. Findings about an OCFL object carry these codes as
//! written, so that `corpack verify` speaks the same language as the other
//! OCFL validators. The one-line summaries below are the requirements the
//! codes stand for, from the specification's `validation-codes.md`.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Serialize;
use strum::{Display, EnumString, IntoStaticStr};

use crate::finding::Severity;

/// A validation code of the OCFL 1.1 specification, documented by the
/// requirement it stands for.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Display,
    EnumString,
    IntoStaticStr,
)]
pub enum OcflCode {
    /// The object root must not contain files or directories other than those the specification names.
    E001,
    /// The version declaration must be formatted according to the NAMASTE specification.
    E002,
    /// There must be exactly one version declaration file in the object root.
    E003,
    /// The declaration file name must conform to the pattern T=dvalue.
    E004,
    /// In the declaration file name, T must be 0.
    E005,
    /// In the declaration file name, dvalue must be ocfl_object_ followed by the OCFL version.
    E006,
    /// The declaration file must contain dvalue followed by a newline.
    E007,
    /// Object content must be stored as a sequence of one or more versions.
    E008,
    /// The version number sequence must start at 1.
    E009,
    /// The version number sequence must be continuous, without missing integers.
    E010,
    /// Zero-padded version directory names must start with the prefix v and then a zero.
    E011,
    /// All version directories must use the same naming convention.
    E012,
    /// A new version must follow the naming convention of the earlier versions.
    E013,
    /// Inventories must refer to files in version directories by the actual directory names.
    E014,
    /// A version directory must hold no files other than an inventory and its digest.
    E015,
    /// A version with files to preserve must have a content directory.
    E016,
    /// contentDirectory must not contain a forward slash.
    E017,
    /// contentDirectory must not be . or ..
    E018,
    /// contentDirectory, if set, must be set in the first version.
    E019,
    /// contentDirectory must not change between versions.
    E020,
    /// Without contentDirectory, the content directory must be named content.
    E021,
    /// Tools must ignore directories in a version directory other than the content directory.
    E022,
    /// Every file in a version's content directory must be in the manifest.
    E023,
    /// There must not be empty directories in a version's content directory.
    E024,
    /// Content addressing must use sha512 or sha256.
    E025,
    /// Fixity algorithms must come from the specification's or an extension's vocabulary.
    E026,
    /// Clients must support all fixity algorithms of the specification.
    E027,
    /// Clients must ignore optional fixity algorithms they do not support.
    E028,
    /// sha1 digests must be encoded in hex.
    E029,
    /// sha256 digests must be encoded in hex.
    E030,
    /// sha512 digests must be encoded in hex.
    E031,
    /// blake2b-512 digests must be encoded in hex.
    E032,
    /// The inventory must be JSON with the structure the specification describes.
    E033,
    /// The inventory must be named inventory.json.
    E034,
    /// Content paths in manifest and fixity must use the forward slash separator.
    E035,
    /// The inventory must include id, type, digestAlgorithm and head.
    E036,
    /// id must be unique in the local context.
    E037,
    /// type must be the inventory URI of the specification version of the declaration.
    E038,
    /// digestAlgorithm must be the algorithm used in manifest and state.
    E039,
    /// head must be the version directory name with the highest version number.
    E040,
    /// The inventory must include manifest and versions.
    E041,
    /// Content paths must be relative to the object root.
    E042,
    /// The inventory must include a block for versions.
    E043,
    /// The versions block must have the key versions.
    E044,
    /// versions must be a JSON object.
    E045,
    /// The keys of versions must be the names of the version directories.
    E046,
    /// Each value of versions must be a JSON object describing the version.
    E047,
    /// A version must include created and state.
    E048,
    /// created must be an RFC 3339 date-time with seconds and a time zone.
    E049,
    /// The keys of state must be digests in the manifest.
    E050,
    /// A logical path is one or more path elements joined by /.
    E051,
    /// Logical path elements must not be ., .. or empty.
    E052,
    /// A logical path must not begin or end with /.
    E053,
    /// user must contain a name.
    E054,
    /// Fixity information must be under the key fixity.
    E055,
    /// Fixity keys must be digest algorithm names of the controlled vocabulary.
    E056,
    /// A fixity block must be structured like the manifest.
    E057,
    /// Every inventory must have a sidecar file stating its digest.
    E058,
    /// The sidecar's algorithm must be the inventory's digestAlgorithm.
    E059,
    /// The sidecar must contain the digest of the inventory.
    E060,
    /// The sidecar must read: DIGEST inventory.json
    E061,
    /// The sidecar must be written last, after every change to the inventory.
    E062,
    /// The object root must hold an inventory of the current version.
    E063,
    /// The root inventory must be the same as the inventory of the most recent version.
    E064,
    /// Each version block of a prior inventory must give the same state as the current inventory.
    E066,
    /// The extensions directory must hold nothing but extension sub-directories.
    E067,
    /// A storage root must contain a root conformance declaration.
    E069,
    /// ocfl_layout.json must include extension and description.
    E070,
    /// The ocfl_layout.json extension must be a registered extension name.
    E071,
    /// The storage hierarchy must not contain files that are not part of an object.
    E072,
    /// Empty directories must not appear under a storage root.
    E073,
    /// Each storage root must be independent.
    E074,
    /// The storage root declaration must be formatted according to NAMASTE.
    E075,
    /// There must be exactly one storage root declaration.
    E076,
    /// The storage root declaration name must conform to T=dvalue.
    E077,
    /// In the storage root declaration name, T must be 0.
    E078,
    /// In the storage root declaration name, dvalue must be ocfl_ followed by the version.
    E079,
    /// The storage root declaration must contain dvalue followed by a newline.
    E080,
    /// Objects must conform to the same or an earlier version than their storage root.
    E081,
    /// Object roots must end a storage hierarchy or be children of the storage root.
    E082,
    /// Object identifiers must map deterministically to unique storage paths.
    E083,
    /// Storage hierarchies must not include files in intermediate directories.
    E084,
    /// Storage hierarchies must be terminated by object roots.
    E085,
    /// A validator must ignore files in the storage root it does not understand.
    E087,
    /// A storage root must hold only storage hierarchies and storage root extensions.
    E088,
    /// Non-OCFL features must be wrapped in an image format treated as a regular file.
    E089,
    /// Hard and symbolic links must not be used within storage hierarchies.
    E090,
    /// Each manifest digest must list the content paths of files with that digest.
    E092,
    /// Fixity digests must match the digests of the files at their content paths.
    E093,
    /// message must be a JSON string.
    E094,
    /// Logical paths must be unique and non-conflicting within a version.
    E095,
    /// Each digest must occur only once in the manifest, regardless of case.
    E096,
    /// Each digest must occur only once per fixity algorithm, regardless of case.
    E097,
    /// A content path is one or more path elements joined by /.
    E098,
    /// Content path elements must not be ., .. or empty.
    E099,
    /// A content path must not begin or end with /.
    E100,
    /// Content paths must be unique and non-conflicting within an inventory.
    E101,
    /// The inventory must not contain keys the specification does not describe.
    E102,
    /// Each version must conform to the same or a later OCFL version than the previous one.
    E103,
    /// Version directory names must be v followed by the version number.
    E104,
    /// Version numbers must be positive base-ten integers.
    E105,
    /// manifest must be a JSON object.
    E106,
    /// Each manifest digest must appear in the state of some version.
    E107,
    /// contentDirectory must name a direct child of the version directory.
    E108,
    /// The object id must not change between versions.
    E110,
    /// fixity, if present, must be a JSON object.
    E111,
    /// The extensions directory must hold nothing but extension sub-directories.
    E112,
    /// Version directory names should not be zero-padded.
    W001,
    /// A version directory should hold no directories other than the content directory.
    W002,
    /// A version without files to preserve should have no content directory.
    W003,
    /// Content addressing should use sha512.
    W004,
    /// id should be a URI.
    W005,
    /// A version should include message and user.
    W007,
    /// user should include an address.
    W008,
    /// The user address should be a URI (mailto: or a personal identifier URL).
    W009,
    /// Every version directory should include an inventory.
    W010,
    /// Prior inventories should give the same created, message and user as the current one.
    W011,
    /// The logs directory should be used for records of actions on the object.
    W012,
    /// Extension sub-directories should be named after registered extensions.
    W013,
    /// A storage root should use one layout pattern.
    W014,
    /// A storage root should consistently use hierarchies or top-level objects.
    W015,
    /// Storage root extension sub-directories should be named after registered extensions.
    W016,
}

impl OcflCode {
    /// Errors for the `E` codes (`MUST`), warnings for the `W` codes
    /// (`SHOULD`).
    pub fn severity(self) -> Severity {
        let name: &'static str = self.into();
        if name.starts_with('E') {
            Severity::Error
        } else {
            Severity::Warning
        }
    }
}

/// In JSON Schemas, a code is a pattern, not a list of 122 constants: the
/// specification defines them.
impl JsonSchema for OcflCode {
    fn schema_name() -> Cow<'static, str> {
        "OcflCode".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A validation code of the OCFL 1.1 specification (https://ocfl.io/1.1/spec/validation-codes.html): E for an error (a MUST), W for a warning (a SHOULD).",
            "type": "string",
            "pattern": "^[EW][0-9]{3}$"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_and_print_as_in_the_specification() {
        assert_eq!(OcflCode::E040.to_string(), "E040");
        assert_eq!("W013".parse::<OcflCode>().unwrap(), OcflCode::W013);
        assert_eq!(serde_json::to_string(&OcflCode::E001).unwrap(), "\"E001\"");
    }

    #[test]
    fn e_codes_are_errors_and_w_codes_warnings() {
        assert_eq!(OcflCode::E112.severity(), Severity::Error);
        assert_eq!(OcflCode::W001.severity(), Severity::Warning);
    }
}
