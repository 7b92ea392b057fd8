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

/// Declares [`OcflCode`] with a summary per code.
macro_rules! ocfl_codes {
    ($($code:ident: $summary:literal,)*) => {
        /// A validation code of the OCFL 1.1 specification.
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash,
            Serialize, Display, EnumString, IntoStaticStr,
        )]
        pub enum OcflCode {
            $(
                #[doc = $summary]
                $code,
            )*
        }

        impl OcflCode {
            /// The requirement the code stands for, in one line.
            pub fn summary(self) -> &'static str {
                match self {
                    $(OcflCode::$code => $summary,)*
                }
            }
        }
    };
}

ocfl_codes! {
    E001: "The object root must not contain files or directories other than those the specification names.",
    E002: "The version declaration must be formatted according to the NAMASTE specification.",
    E003: "There must be exactly one version declaration file in the object root.",
    E004: "The declaration file name must conform to the pattern T=dvalue.",
    E005: "In the declaration file name, T must be 0.",
    E006: "In the declaration file name, dvalue must be ocfl_object_ followed by the OCFL version.",
    E007: "The declaration file must contain dvalue followed by a newline.",
    E008: "Object content must be stored as a sequence of one or more versions.",
    E009: "The version number sequence must start at 1.",
    E010: "The version number sequence must be continuous, without missing integers.",
    E011: "Zero-padded version directory names must start with the prefix v and then a zero.",
    E012: "All version directories must use the same naming convention.",
    E013: "A new version must follow the naming convention of the earlier versions.",
    E014: "Inventories must refer to files in version directories by the actual directory names.",
    E015: "A version directory must hold no files other than an inventory and its digest.",
    E016: "A version with files to preserve must have a content directory.",
    E017: "contentDirectory must not contain a forward slash.",
    E018: "contentDirectory must not be . or ..",
    E019: "contentDirectory, if set, must be set in the first version.",
    E020: "contentDirectory must not change between versions.",
    E021: "Without contentDirectory, the content directory must be named content.",
    E022: "Tools must ignore directories in a version directory other than the content directory.",
    E023: "Every file in a version's content directory must be in the manifest.",
    E024: "There must not be empty directories in a version's content directory.",
    E025: "Content addressing must use sha512 or sha256.",
    E026: "Fixity algorithms must come from the specification's or an extension's vocabulary.",
    E027: "Clients must support all fixity algorithms of the specification.",
    E028: "Clients must ignore optional fixity algorithms they do not support.",
    E029: "sha1 digests must be encoded in hex.",
    E030: "sha256 digests must be encoded in hex.",
    E031: "sha512 digests must be encoded in hex.",
    E032: "blake2b-512 digests must be encoded in hex.",
    E033: "The inventory must be JSON with the structure the specification describes.",
    E034: "The inventory must be named inventory.json.",
    E035: "Content paths in manifest and fixity must use the forward slash separator.",
    E036: "The inventory must include id, type, digestAlgorithm and head.",
    E037: "id must be unique in the local context.",
    E038: "type must be the inventory URI of the specification version of the declaration.",
    E039: "digestAlgorithm must be the algorithm used in manifest and state.",
    E040: "head must be the version directory name with the highest version number.",
    E041: "The inventory must include manifest and versions.",
    E042: "Content paths must be relative to the object root.",
    E043: "The inventory must include a block for versions.",
    E044: "The versions block must have the key versions.",
    E045: "versions must be a JSON object.",
    E046: "The keys of versions must be the names of the version directories.",
    E047: "Each value of versions must be a JSON object describing the version.",
    E048: "A version must include created and state.",
    E049: "created must be an RFC 3339 date-time with seconds and a time zone.",
    E050: "The keys of state must be digests in the manifest.",
    E051: "A logical path is one or more path elements joined by /.",
    E052: "Logical path elements must not be ., .. or empty.",
    E053: "A logical path must not begin or end with /.",
    E054: "user must contain a name.",
    E055: "Fixity information must be under the key fixity.",
    E056: "Fixity keys must be digest algorithm names of the controlled vocabulary.",
    E057: "A fixity block must be structured like the manifest.",
    E058: "Every inventory must have a sidecar file stating its digest.",
    E059: "The sidecar's algorithm must be the inventory's digestAlgorithm.",
    E060: "The sidecar must contain the digest of the inventory.",
    E061: "The sidecar must read: DIGEST inventory.json",
    E062: "The sidecar must be written last, after every change to the inventory.",
    E063: "The object root must hold an inventory of the current version.",
    E064: "The root inventory must be the same as the inventory of the most recent version.",
    E066: "Each version block of a prior inventory must give the same state as the current inventory.",
    E067: "The extensions directory must hold nothing but extension sub-directories.",
    E069: "A storage root must contain a root conformance declaration.",
    E070: "ocfl_layout.json must include extension and description.",
    E071: "The ocfl_layout.json extension must be a registered extension name.",
    E072: "The storage hierarchy must not contain files that are not part of an object.",
    E073: "Empty directories must not appear under a storage root.",
    E074: "Each storage root must be independent.",
    E075: "The storage root declaration must be formatted according to NAMASTE.",
    E076: "There must be exactly one storage root declaration.",
    E077: "The storage root declaration name must conform to T=dvalue.",
    E078: "In the storage root declaration name, T must be 0.",
    E079: "In the storage root declaration name, dvalue must be ocfl_ followed by the version.",
    E080: "The storage root declaration must contain dvalue followed by a newline.",
    E081: "Objects must conform to the same or an earlier version than their storage root.",
    E082: "Object roots must end a storage hierarchy or be children of the storage root.",
    E083: "Object identifiers must map deterministically to unique storage paths.",
    E084: "Storage hierarchies must not include files in intermediate directories.",
    E085: "Storage hierarchies must be terminated by object roots.",
    E087: "A validator must ignore files in the storage root it does not understand.",
    E088: "A storage root must hold only storage hierarchies and storage root extensions.",
    E089: "Non-OCFL features must be wrapped in an image format treated as a regular file.",
    E090: "Hard and symbolic links must not be used within storage hierarchies.",
    E092: "Each manifest digest must list the content paths of files with that digest.",
    E093: "Fixity digests must match the digests of the files at their content paths.",
    E094: "message must be a JSON string.",
    E095: "Logical paths must be unique and non-conflicting within a version.",
    E096: "Each digest must occur only once in the manifest, regardless of case.",
    E097: "Each digest must occur only once per fixity algorithm, regardless of case.",
    E098: "A content path is one or more path elements joined by /.",
    E099: "Content path elements must not be ., .. or empty.",
    E100: "A content path must not begin or end with /.",
    E101: "Content paths must be unique and non-conflicting within an inventory.",
    E102: "The inventory must not contain keys the specification does not describe.",
    E103: "Each version must conform to the same or a later OCFL version than the previous one.",
    E104: "Version directory names must be v followed by the version number.",
    E105: "Version numbers must be positive base-ten integers.",
    E106: "manifest must be a JSON object.",
    E107: "Each manifest digest must appear in the state of some version.",
    E108: "contentDirectory must name a direct child of the version directory.",
    E110: "The object id must not change between versions.",
    E111: "fixity, if present, must be a JSON object.",
    E112: "The extensions directory must hold nothing but extension sub-directories.",
    W001: "Version directory names should not be zero-padded.",
    W002: "A version directory should hold no directories other than the content directory.",
    W003: "A version without files to preserve should have no content directory.",
    W004: "Content addressing should use sha512.",
    W005: "id should be a URI.",
    W007: "A version should include message and user.",
    W008: "user should include an address.",
    W009: "The user address should be a URI (mailto: or a personal identifier URL).",
    W010: "Every version directory should include an inventory.",
    W011: "Prior inventories should give the same created, message and user as the current one.",
    W012: "The logs directory should be used for records of actions on the object.",
    W013: "Extension sub-directories should be named after registered extensions.",
    W014: "A storage root should use one layout pattern.",
    W015: "A storage root should consistently use hierarchies or top-level objects.",
    W016: "Storage root extension sub-directories should be named after registered extensions.",
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

    /// The sentence of the OCFL 1.1 specification that the code stands for.
    pub fn spec_url(self) -> String {
        format!("https://ocfl.io/1.1/spec/#{self}")
    }
}

/// In JSON Schemas, a code is a pattern, not a list of 115 constants: the
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
        assert_eq!(OcflCode::E060.spec_url(), "https://ocfl.io/1.1/spec/#E060");
    }

    #[test]
    fn e_codes_are_errors_and_w_codes_warnings() {
        assert_eq!(OcflCode::E112.severity(), Severity::Error);
        assert_eq!(OcflCode::W001.severity(), Severity::Warning);
    }
}
