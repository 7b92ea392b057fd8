//! What we write is accepted by the BagIt and RO-Crate world's own tools.

use std::path::PathBuf;

use crate::util::{Dir, corpack, pack, repo_root, shared_dir, unzip};
use crate::validators::validators;

/// Packs `seeds/` (holding the talk when `../shared` is there) and returns
/// the bundle and the unzipped bag directory.
fn seeds_bundle(dir: &Dir) -> (PathBuf, PathBuf) {
    let bundle = dir.join("seeds.zip");
    let mut command = corpack();
    command
        .arg("pack")
        .arg(repo_root().join("seeds"))
        .arg("-o")
        .arg(&bundle)
        .arg("--quiet");
    if let Some(shared) = shared_dir() {
        command
            .arg("--source")
            .arg(shared.join("corpus"))
            .arg("--strict");
    }
    command.assert().success();
    unzip(&bundle, &dir.join("unzipped"));
    (bundle, dir.join("unzipped/soviet-historiography"))
}

#[test]
fn bagit_python_accepts_the_unzipped_seeds_bag() {
    let dir = Dir::new();
    let (_, bag) = seeds_bundle(&dir);
    validators().bagit_validate(&bag).assert_valid();
}

#[test]
fn bdbag_fully_validates_the_seeds_bundle() {
    let dir = Dir::new();
    let (bundle, _) = seeds_bundle(&dir);
    validators().bdbag_validate(&bundle).assert_valid();
}

#[test]
fn rocrate_validator_accepts_the_seeds_payload() {
    let dir = Dir::new();
    let (_, bag) = seeds_bundle(&dir);
    validators()
        .rocrate_validate(&bag.join("data"))
        .assert_valid();
}

/// A collection that uses every field of the record, every role and every
/// kind of identifier, so that every mapping to the crate meets the
/// validator.
const EVERY_FIELD: &str = r#"
[collection]
id = "every-field"
title = "Every field"
description = "A collection that uses every field of the record."
license = "CC-BY-4.0"
date = "2026-11-25"
source_organization = "Corpus Workshop"
contact_name = "Ada Archivist"
contact_email = "ada@example.org"

[[document]]
id = "talk"
title = "A talk"
file = "talk.txt"
media_type = "text/plain"
language = "en"
rights = "Third-party text: rights remain with its author."

[document.provenance]
authors = [
    { name = "A. Speaker", role = "speaker", wikidata = "Q42" },
    { name = "Josiah Carberry", role = "transcriber", orcid = "0000-0002-1825-0097" },
    { name = "I. Interviewer", role = "interviewer" },
    "A. Author",
    { name = "E. Editor", role = "editor" },
    { name = "T. Translator", role = "translator" },
    { name = "An editorial board", type = "organization", role = "editor", wikidata = "Q2" },
    { name = "Corpus Workshop", type = "organization" },
]
date = "2014-06-20?"
date_note = "Inferred."
origin = { name = "Example archive, box 7", url = "https://example.org/box7", wikidata = "Q1" }
venue = { name = "London", wikidata = "Q84", geonames = "2643743" }
event = "A public meeting"
publisher = "A periodical"
context = "Why it is here."

[document.contested]
status = "contested"
aspects = ["claims", "date"]
summary = "What is disputed."
disputed_by = [
    "A citation, 2010.",
    { citation = "A book, 2010.", type = "book", url = "https://example.org/book" },
    { citation = "An article, 2011.", type = "article", doi = "10.1000/182" },
    { document = "licensed" },
    { document = "absent", citation = "An answer, catalogued, 2015." },
]
assessed_by = "Ada Archivist"
assessed_on = "2026-11-20"

[[document]]
id = "licensed"
title = "Licensed"
file = "notes/licensed.md"
license = "CC0-1.0"

[document.provenance]
date = "193X"
origin = "https://example.org/item?id=7"

[document.contested]
status = "uncontested"
assessed_by = { name = "Corpus Workshop", type = "organization" }
assessed_on = "2026-11-20"

[[document]]
id = "absent"
title = "Catalogued, not held"
file = "absent.pdf"
sha256 = "972962436953c9ea6eecd3eed1bc013f6e43803f40ed42985ea46f3eb969bfa7"
license = "https://example.org/licence[2026]"

[document.provenance]
origin = "doi:10.1000/182"
"#;

#[test]
fn rocrate_validator_accepts_every_field_of_the_record() {
    let dir = Dir::new();
    dir.create("c/collection.toml", EVERY_FIELD);
    dir.create("c/talk.txt", "A talk.\n");
    dir.create("c/notes/licensed.md", "# Licensed\n");
    let bundle = dir.join("every.zip");
    pack(&dir.join("c"), &bundle, &[]);
    unzip(&bundle, &dir.join("unzipped"));
    let data = dir.join("unzipped/every-field/data");
    // A licence URL with what an IRI may not hold as written is kept as one.
    let metadata = std::fs::read_to_string(data.join("ro-crate-metadata.json")).unwrap();
    assert!(metadata.contains(r#""@id": "https://example.org/licence%5B2026%5D""#));
    assert!(metadata.contains(r#""identifier": "https://example.org/licence%5B2026%5D""#));
    validators().rocrate_validate(&data).assert_valid();
}

/// A contact given by e-mail alone is a publisher's `contactPoint`, as
/// RO-Crate 1.1 gives contact details ("Contact information"): schema.org's
/// `Dataset` has no `contactPoint`.
#[test]
fn rocrate_validator_accepts_a_contact_given_by_e_mail_alone() {
    let dir = Dir::new();
    let toml = EVERY_FIELD
        .replace("source_organization = \"Corpus Workshop\"\n", "")
        .replace("contact_name = \"Ada Archivist\"\n", "");
    dir.create("c/collection.toml", &toml);
    dir.create("c/talk.txt", "A talk.\n");
    dir.create("c/notes/licensed.md", "# Licensed\n");
    let bundle = dir.join("lone.zip");
    pack(&dir.join("c"), &bundle, &[]);
    unzip(&bundle, &dir.join("unzipped"));
    let data = dir.join("unzipped/every-field/data");
    let metadata = std::fs::read_to_string(data.join("ro-crate-metadata.json")).unwrap();
    let graph: serde_json::Value = serde_json::from_str(&metadata).unwrap();
    let graph = graph["@graph"].as_array().unwrap();
    let root = graph.iter().find(|e| e["@id"] == "./").unwrap();
    assert!(root.get("contactPoint").is_none(), "{root}");
    let publisher = graph.iter().find(|e| e["@id"] == root["publisher"]["@id"]);
    assert_eq!(
        publisher.unwrap()["contactPoint"]["@id"],
        "mailto:ada@example.org"
    );
    validators().rocrate_validate(&data).assert_valid();
}

#[test]
fn a_licence_with_no_page_has_a_local_id_that_the_validator_accepts() {
    let dir = Dir::new();
    let bundle = crate::datacite::licence_expressions_bundle(&dir);
    unzip(&bundle, &dir.join("unzipped"));
    let data = dir.join("unzipped/disputes/data");
    let metadata = std::fs::read_to_string(data.join("ro-crate-metadata.json")).unwrap();
    let graph: serde_json::Value = serde_json::from_str(&metadata).unwrap();
    let ids: Vec<&str> = graph["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entity| entity["@type"] == "CreativeWork" && entity.get("identifier").is_some())
        .map(|entity| entity["@id"].as_str().unwrap())
        .collect();
    for id in ["#license-CC-BY-4.0+", "#license-LicenseRef-archive-terms"] {
        assert!(ids.contains(&id), "{id} not in {ids:?}");
    }
    assert!(!metadata.contains("spdx.org/licenses/CC-BY-4.0+"));
    let preview = std::fs::read_to_string(data.join("ro-crate-preview.html")).unwrap();
    assert!(
        !preview.contains("spdx.org/licenses/LicenseRef"),
        "{preview}"
    );
    validators().rocrate_validate(&data).assert_valid();
}
