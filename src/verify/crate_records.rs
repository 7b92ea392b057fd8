//! The records of a crate corpack wrote: each document reads back as a
//! record and the records keep the rules of `collection.toml`, as every
//! export asks (see [`rocrate::record_links`]). A crate of another tool is
//! not judged. Each fault is an error on `ro-crate-metadata.json`.
//!
//! `verify` reads them while the payload is hashed: the crate streams
//! past twice, on one core, and hashing alone leaves part of the other
//! idle.

use crate::bundle::ROCRATE_METADATA;
use crate::bundle::reader::{self, BagStore};
use crate::finding::{Code, Finding};
use crate::rocrate::{self, NotJudged};

/// Judges the records of the crate, which has been read as an RO-Crate
/// 1.1; a read that fails now finds nothing. When what records are read
/// from takes more than [`rocrate::MAX_KEPT_BYTES`], the records are not
/// judged, which a warning says: verify's memory stays bounded.
pub fn check(store: &dyn BagStore) -> Vec<Finding> {
    let links = reader::parse_with(store, ROCRATE_METADATA, |json| rocrate::record_links(json));
    let links = match links {
        Ok(Ok(links)) => links,
        Ok(Err(NotJudged::TooLarge)) => return vec![not_judged()],
        Ok(Err(NotJudged::Unreadable)) | Err(_) => return Vec::new(),
    };
    let broken = reader::parse_with(store, ROCRATE_METADATA, |json| {
        rocrate::broken_records(&links, json)
    });
    let error = |message| Finding::error(Code::RocrateInvalid, ROCRATE_METADATA, message);
    match broken {
        Ok(Ok(broken)) => broken.into_iter().map(error).collect(),
        Ok(Err(NotJudged::TooLarge)) => vec![not_judged()],
        Ok(Err(NotJudged::Unreadable)) | Err(_) => Vec::new(),
    }
}

/// The warning that the records are not judged, to bound the memory.
fn not_judged() -> Finding {
    Finding::warning(
        Code::RocrateInvalid,
        ROCRATE_METADATA,
        format!(
            "the records are not judged: what they are read from (the crate's entities other \
             than documents, and documents linked to) takes more than {} MiB, more than verify \
             keeps",
            rocrate::MAX_KEPT_BYTES >> 20
        ),
    )
}
