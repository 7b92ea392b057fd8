//! The RO-Crate 1.1 payload description: `ro-crate-metadata.json` and
//! `ro-crate-preview.html`, and reading the metadata back: as a summary of
//! files and documents ([`read()`]), or as the full records
//! ([`read_collection`], the inverse of [`metadata_json`]).
//!
//! The bag's `data/` is the crate root. Held documents are `File` data
//! entities under `documents/`, listed in the root's `hasPart`; documents
//! catalogued but not held are `CreativeWork`s `#document-<id>` with
//! `held: false`, listed in the root's `mentions`.
//!
//! The mapping of every record field to RO-Crate terms (and to Dublin Core
//! and DataCite) is one table, in `README.md`, section "Metadata mapping";
//! a test checks that every term the writer uses is in it. The modules
//! `document` and `metadata` say how each entity is built.
//!
//! A document that is contested, or whose assessment is recorded, links by
//! `review` to a `ClaimReview` `#review-<id>` whose `itemReviewed` is a
//! `Claim` `#claim-<id>` that `appearance` ties back to the document:
//! generic schema.org tools see that claims in it are reviewed, by whom, on
//! which points, and which works dispute them, with no verdict
//! (`reviewRating`) stated.

mod document;
mod elements;
mod graph;
mod hashed_ids;
mod id_list;
mod ids;
mod kept_records;
mod kept_texts;
mod metadata;
mod pretty;
mod preview;
mod read;
mod record_check;
mod records;
mod stream;
mod terms;

pub use self::id_list::PayloadFiles;
pub use self::kept_records::BundleRecords;
pub use self::metadata::{metadata_json, write_metadata_json};
pub use self::preview::{preview_html, write_preview_html, write_preview_html_copying};
pub use self::read::{
    CrateFile, CrateFiles, CrateJson, CrateSummary, DocumentSummary, ReadError, read, read_files,
    written_by_corpack,
};
pub use self::record_check::{
    Judgement, MAX_KEPT_BYTES, NotJudged, RecordLinks, Wanted, judge_records, record_links,
};
pub use self::records::read_collection;

#[cfg(test)]
mod testutil {
    //! A sample collection that uses every field of the record.

    use std::borrow::Cow;
    use std::path::Path;

    use crate::bundle::{HeldFile, PackedDocument};
    use crate::collection::{CollectionInfo, parse};
    use crate::digest::Digests;

    pub const SAMPLE: &str = r#"
[collection]
id = "sample"
title = "Sample <corpus> & \"friends\""
description = "Documents about <b>history</b>; some contested."
license = "CC-BY-4.0"
date = "2026-11-25"
source_organization = "Corpus Workshop"
contact_name = "Ada Archivist"
contact_email = "ada@example.org"

[[document]]
id = "furr-2014"
title = "The Continuing Revolution in Stalin-Era Soviet History"
file = "furr talk.txt"
language = "en"
rights = "Third-party text: rights remain with its author."

[document.provenance]
authors = [
    { name = "Grover Furr", role = "speaker" },
    { name = "Josiah Carberry", role = "transcriber", orcid = "0000-0002-1825-0097" },
]
date = "2014-06-20?"
date_note = "The year is inferred: 20 June was a Friday in 2014."
origin = "A periodical, not named in the text"
venue = "Lucas Arms, Grays Inn Road, London"
event = "Public meeting of the CPGB-ML"
publisher = "Unnamed periodical"
context = "Transcript of a public talk, with an editorial introduction."

[document.contested]
status = "contested"
aspects = ["claims", "date"]
summary = "Its theses run against the consensus of academic historiography <sic>."
disputed_by = [
    "Matthew E. Lenoe, The Kirov Murder and Soviet History, Yale University Press, 2010",
    { citation = "Timothy Snyder, Bloodlands: Europe Between Hitler and Stalin, Basic Books, 2010", type = "book", url = "https://example.org/bloodlands" },
    { citation = "A. Reviewer, A review, Journal 1 (2011)", type = "article", doi = "https://doi.org/10.1000/182" },
]
assessed_by = "Ada Archivist"
assessed_on = "2026-11-20"

[[document]]
id = "ueberblick"
title = "Überblick"
file = "notes/Überblick.md"
license = "CC-BY-4.0"

[document.provenance]
authors = [
    { name = "Josiah Carberry", wikidata = "https://www.wikidata.org/wiki/Q1" },
    { name = "Erika Editor", role = "editor" },
    { name = "Tom Translator", role = "translator" },
]
date = "193X"
origin = "https://example.org/archive/item?id=7"
venue = { name = "London", wikidata = "Q84", geonames = "https://www.geonames.org/2643743/london.html" }

[document.contested]
status = "uncontested"
assessed_by = "Ada Archivist"
assessed_on = "2026-11-21"

[[document]]
id = "lost-letter"
title = "A letter <not> held"
file = "letters/lost letter.pdf"
sha256 = "972962436953C9EA6EECD3EED1BC013F6E43803F40ED42985EA46F3EB969BFA7"

[document.provenance]
authors = [
    { name = "Timothy Snyder" },
    { name = "Ian Interviewer", role = "interviewer" },
]
date = "2001-24"
origin = "doi:10.1000/lost-letter"
venue = "Lucas Arms, Grays Inn Road, London"
event = "Public meeting of the CPGB-ML"

[[document]]
id = "plain"
title = "Plain"
file = "plain.txt"
license = "https://example.org/licence"

[document.provenance]
authors = [
    { name = "Corpus Workshop", type = "organization" },
    { name = "United Nations", type = "organization", role = "editor", wikidata = "Q1065" },
]
origin = { name = "Example archive, box 7", url = "https://example.org/archive", wikidata = "Q42" }

[document.contested]
status = "contested"
disputed_by = [
    { document = "ueberblick" },
    { citation = "A letter & its answer, 2001", document = "lost-letter" },
]
"#;

    /// The bytes of the held documents, by record file.
    pub const HELD_FILES: &[(&str, &[u8])] = &[
        ("furr talk.txt", b"The Continuing Revolution\n"),
        ("notes/\u{dc}berblick.md", "# Überblick\n".as_bytes()),
        ("plain.txt", b"plain\n"),
    ];

    /// The sample's description and its documents as packed.
    pub fn sample() -> (CollectionInfo, Vec<PackedDocument<'static>>) {
        let loaded = parse(SAMPLE, Path::new("."), Path::new("collection.toml"))
            .unwrap_or_else(|e| panic!("{e}"));
        let collection = loaded.to_collection().unwrap();
        let documents = collection
            .documents
            .into_iter()
            .map(|record| {
                let bytes = HELD_FILES
                    .iter()
                    .find(|(file, _)| *file == record.file.as_str());
                let held = bytes.map(|(_, bytes)| {
                    Cow::Owned(HeldFile {
                        size: bytes.len() as u64,
                        digests: Digests::of(bytes),
                    })
                });
                PackedDocument {
                    record: Cow::Owned(record),
                    held,
                    original_name: None,
                }
            })
            .collect();
        (collection.info, documents)
    }
}
