//! The records of a crate corpack wrote: each document reads back as a
//! record and the records keep the rules of `collection.toml`, as every
//! export asks (see [`rocrate::judge_records`]), and an export takes what
//! it asks of them from here. A crate of another tool is not judged. Each
//! fault is an error on `ro-crate-metadata.json`.
//!
//! `verify` reads them while the payload is hashed: the crate streams
//! past twice, on one core, and hashing alone leaves part of the other
//! idle.

use std::io::Read;

use super::{JudgedRecords, RecordsKept};
use crate::bundle::reader::{self, BagStore};
use crate::bundle::{DOCUMENTS_DIR, ROCRATE_METADATA};
use crate::finding::{Code, Finding};
use crate::rocrate::{self, NotJudged};

/// Judges the records of the crate, which has been read as an RO-Crate
/// 1.1; a read that fails now finds nothing. When what records are read
/// from takes more than [`rocrate::MAX_KEPT_BYTES`], the records are not
/// judged, which a warning says: verify's memory stays bounded. Records
/// judged give what `kept` asks of them, if the collection's description
/// reads.
pub fn check(store: &dyn BagStore, kept: RecordsKept) -> (Vec<Finding>, Option<JudgedRecords>) {
    let stored = |file: &str| store.position(&format!("{DOCUMENTS_DIR}/{file}"));
    let wanted = rocrate::Wanted {
        stored: Some(&stored),
        records: kept == RecordsKept::Records,
    };
    let payload = Payload(store);
    let judged = judge(store, |json| rocrate::record_links(json, Some(&payload)))
        .and_then(|links| judge(store, |json| rocrate::judge_records(&links, json, wanted)));
    let error = |message| Finding::error(Code::RocrateInvalid, ROCRATE_METADATA, message);
    match judged {
        Ok(judged) => {
            let info = judged.info.filter(|_| kept != RecordsKept::Nothing);
            let records = info.map(|info| JudgedRecords {
                info,
                documents: judged.documents,
                held: judged.held,
                records: judged.records,
            });
            (judged.broken.into_iter().map(error).collect(), records)
        }
        Err(NotJudged::TooLarge) => (vec![not_judged(&too_large())], None),
        Err(NotJudged::TempFile(why)) => (vec![not_judged(&why)], None),
        Err(NotJudged::Unreadable) => (Vec::new(), None),
    }
}

/// The bag's payload files, by their paths in the crate, which is the
/// payload (`data/`).
struct Payload<'s>(&'s dyn BagStore);

impl rocrate::PayloadFiles for Payload<'_> {
    fn index(&self, path: &str) -> Option<usize> {
        self.0.position(&format!("data/{path}"))
    }

    fn path(&self, index: usize) -> &str {
        let path = self.0.files().get(index).path;
        (path.strip_prefix("data/")).expect("an index of a path in the payload")
    }
}

/// One pass over the crate; one that cannot be read is not judged.
fn judge<T>(
    store: &dyn BagStore,
    pass: impl FnOnce(&mut dyn Read) -> Result<T, NotJudged>,
) -> Result<T, NotJudged> {
    reader::parse_with(store, ROCRATE_METADATA, pass).unwrap_or(Err(NotJudged::Unreadable))
}

/// The warning that the records are not judged, and why.
fn not_judged(why: &str) -> Finding {
    Finding::warning(
        Code::RocrateInvalid,
        ROCRATE_METADATA,
        format!("the records are not judged: {why}"),
    )
}

fn too_large() -> String {
    format!(
        "what they are read from (the crate's entities other than documents, and documents \
         linked to) takes more than {} MiB, more than verify keeps",
        rocrate::MAX_KEPT_BYTES >> 20
    )
}
