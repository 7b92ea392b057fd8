//! `corpack export datacite` and `corpack export invenio`: the records pass
//! DataCite's 4.5 schema and InvenioRDM's record schema and vocabularies,
//! for the seeds and for generated collections; they carry the EDTF date,
//! the contested status, the disputing works and organizations as
//! organizations; an invalid bundle is
//! refused; the output is written whole, reproducibly.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::generated;
use crate::util::{
    COLLECTION_HEADER, Dir, corpack, listing, pack, repo_root, sample_collection, shared_dir,
};
use crate::validators::validators;

/// `corpack export FORMAT BUNDLE -o OUTPUT --json`, which must succeed.
pub fn export(format: &str, bundle: &Path, output: &Path) -> Value {
    let assert = corpack()
        .args(["export", format])
        .arg(bundle)
        .arg("-o")
        .arg(output)
        .arg("--json")
        .assert()
        .success();
    serde_json::from_slice(&assert.get_output().stdout).unwrap()
}

pub fn read_json(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

/// The seeds bundle, holding the talk when the shared corpus is there.
fn seeds_bundle(dir: &Dir) -> PathBuf {
    let bundle = dir.join("seeds.zip");
    let sources: Vec<PathBuf> = shared_dir().map(|s| s.join("corpus")).into_iter().collect();
    pack(&repo_root().join("seeds"), &bundle, &sources);
    bundle
}

const TALK: &str = "documents/furr-2014-continuing-revolution.json";

// Records are written as they are made: one that cannot be written (a full
// disk), after others were, fails the export naming it, and leaves nothing
// beside the bundle, not even the records written before it.
#[cfg(unix)]
#[test]
fn a_record_that_cannot_be_written_leaves_no_output() {
    let dir = Dir::new();
    dir.create("c/a.txt", "A.\n");
    dir.create("c/b.txt", "B.\n");
    dir.create(
        "c/collection.toml",
        format!(
            "{COLLECTION_HEADER}\n[[document]]\nid = \"a\"\ntitle = \"A\"\nfile = \"a.txt\"\n\n\
             [[document]]\nid = \"b\"\ntitle = \"{}\"\nfile = \"b.txt\"\n",
            "A long title".repeat(600)
        ),
    );
    let bundle = dir.join("c.zip");
    pack(&dir.join("c"), &bundle, &[]);
    fs::remove_dir_all(dir.join("c")).unwrap();
    let out = dir.join("out");
    for format in ["datacite", "invenio"] {
        let args: [&std::ffi::OsStr; 5] = [
            "export".as_ref(),
            format.as_ref(),
            bundle.as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
        ];
        let (code, stderr) = crate::util::corpack_with_file_size_limit(4096, &args);
        assert_eq!(code, Some(2), "{format}: {stderr}");
        assert!(stderr.contains("error[io]"), "{format}: {stderr}");
        let written = out.join("documents/b.json");
        assert!(
            stderr.contains(&format!("{}: ", written.display())),
            "{format}: {stderr}"
        );
        assert_eq!(listing(dir.path()), ["c.zip"], "{format}");
    }
}

#[test]
fn the_seeds_export_to_valid_datacite_records() {
    let dir = Dir::new();
    let bundle = seeds_bundle(&dir);
    let out = dir.join("datacite");
    let report = export("datacite", &bundle, &out);
    assert_eq!(report["exported"], true);
    validators().datacite_validate(&[&out]).assert_valid();

    let collection = read_json(&out.join("collection.json"));
    let parts = collection["relatedIdentifiers"].as_array().unwrap();
    assert_eq!(parts.len(), report["documents"].as_u64().unwrap() as usize);
    assert!(parts.iter().all(|p| p["relationType"] == "HasPart"));
    assert_eq!(
        collection["types"],
        serde_json::json!({"resourceTypeGeneral": "Collection", "resourceType": "Document collection"})
    );

    let talk = read_json(&out.join(TALK));
    assert_eq!(
        talk["types"],
        serde_json::json!({"resourceTypeGeneral": "Text", "resourceType": "Document"})
    );
    let created = &talk["dates"][0];
    assert_eq!(created["date"], "2014-06-20");
    assert_eq!(created["dateType"], "Created");
    assert!(
        created["dateInformation"]
            .as_str()
            .unwrap()
            .starts_with("EDTF 2014-06-20?. Inferred, not printed"),
        "{created}"
    );
    assert_eq!(
        talk["relatedIdentifiers"][0],
        serde_json::json!({
            "relatedIdentifier": "urn:corpack:soviet-historiography",
            "relatedIdentifierType": "URN",
            "relationType": "IsPartOf",
            "resourceTypeGeneral": "Collection",
        })
    );
    let descriptions = talk["descriptions"].as_array().unwrap();
    let contested = descriptions
        .iter()
        .find(|d| {
            d["descriptionType"] == "Other"
                && d["description"]
                    .as_str()
                    .unwrap()
                    .starts_with("Contested status: contested (disputed: claims).")
        })
        .expect("the contested note");
    assert!(
        contested["description"]
            .as_str()
            .unwrap()
            .contains("Disputed by: Matthew E. Lenoe"),
        "{contested}"
    );
    assert_eq!(talk["creators"][0]["name"], "Grover Furr");
}

#[test]
fn the_seeds_export_to_valid_invenio_records() {
    let dir = Dir::new();
    let bundle = seeds_bundle(&dir);
    let out = dir.join("invenio");
    export("invenio", &bundle, &out);
    validators().invenio_validate(&[&out]).assert_valid();
    // InvenioRDM has no collection type (DataCite's record says
    // Collection): the bundle is a dataset.
    let collection = read_json(&out.join("collection.json"));
    assert_eq!(collection["metadata"]["resource_type"]["id"], "dataset");
    let talk = read_json(&out.join(TALK));
    assert_eq!(talk["metadata"]["resource_type"]["id"], "publication");
    let metadata = &talk["metadata"];
    assert_eq!(metadata["publication_date"], "2026-11-25");
    assert_eq!(metadata["dates"][0]["date"], "2014-06-20");
    assert_eq!(metadata["dates"][0]["type"]["id"], "created");
    assert!(
        metadata["dates"][0]["description"]
            .as_str()
            .unwrap()
            .starts_with("EDTF 2014-06-20?.")
    );
    assert_eq!(metadata["languages"][0]["id"], "eng");
    assert_eq!(
        talk["files"]["enabled"],
        shared_dir().is_some(),
        "files are enabled when the bundle holds the talk"
    );
    let notes = metadata["additional_descriptions"].as_array().unwrap();
    assert!(notes.iter().any(|n| {
        n["type"]["id"] == "other"
            && n["description"]
                .as_str()
                .unwrap()
                .starts_with("Contested status: contested")
    }));
}

/// A collection whose document is disputed by works of every kind: a
/// citation alone, a DOI, a URL, a document of the collection.
pub const DISPUTED: &str = r#"[collection]
id = "disputes"
title = "Disputes"
description = "A document with identified disputing works"
license = "CC-BY-4.0"
date = "2026-11-25"

[[document]]
id = "claim"
title = "A claim"
file = "claim.txt"
language = "de-CH"

[document.provenance]
authors = [
  { name = "Ada Author", orcid = "0000-0002-1825-0097" },
  { name = "United Nations", type = "organization", wikidata = "Q1065" },
  { name = "Tom Translator", role = "translator" },
  { name = "Ian Interviewer", role = "interviewer" },
  { name = "An editorial board", type = "organization", role = "editor" },
]
date = "193X"
origin = { name = "Example archive", url = "https://example.org/archive" }

[document.contested]
status = "contested"
aspects = ["attribution"]
disputed_by = [
  "A citation alone",
  { citation = "A review", type = "article", doi = "https://doi.org/10.1000/182" },
  { citation = "A web page", type = "webpage", url = "https://example.org/review" },
  { document = "answer" },
]

[[document]]
id = "answer"
title = "An answer in the same collection"
file = "answer.txt"
"#;

#[test]
fn disputing_works_with_identifiers_are_related_as_reviews() {
    let dir = Dir::new();
    dir.create("disputes/collection.toml", DISPUTED);
    dir.create("disputes/claim.txt", "A claim.\n");
    dir.create("disputes/answer.txt", "An answer.\n");
    let bundle = dir.join("disputes.zip");
    pack(&dir.join("disputes"), &bundle, &[]);
    let datacite = dir.join("datacite");
    let invenio = dir.join("invenio");
    export("datacite", &bundle, &datacite);
    export("invenio", &bundle, &invenio);
    validators().datacite_validate(&[&datacite]).assert_valid();
    validators().invenio_validate(&[&invenio]).assert_valid();

    let record = read_json(&datacite.join("documents/claim.json"));
    let related: Vec<(&str, &str, &str)> = record["relatedIdentifiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["relationType"].as_str().unwrap(),
                r["relatedIdentifierType"].as_str().unwrap(),
                r["relatedIdentifier"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        related,
        [
            ("IsPartOf", "URN", "urn:corpack:disputes"),
            ("IsDerivedFrom", "URL", "https://example.org/archive"),
            ("IsReviewedBy", "DOI", "10.1000/182"),
            ("IsReviewedBy", "URL", "https://example.org/review"),
            // A document of the collection, as its own record is known.
            ("IsReviewedBy", "URN", "urn:corpack:disputes:answer"),
        ]
    );
    assert_eq!(
        record["relatedIdentifiers"][4]["resourceTypeGeneral"],
        "Text"
    );
    let note = record["descriptions"][0]["description"].as_str().unwrap();
    assert!(
        note.contains("An answer in the same collection <urn:corpack:disputes:answer>"),
        "{note}"
    );
    assert_eq!(record["dates"][0]["date"], "1930/1939");
    assert_eq!(
        record["creators"][0]["nameIdentifiers"][0]["nameIdentifier"],
        "https://orcid.org/0000-0002-1825-0097"
    );
    assert_eq!(record["creators"][0]["nameType"], "Personal");
    // An organization: the whole name, Organizational, no given and
    // family names.
    assert_eq!(
        record["creators"][1],
        serde_json::json!({
            "name": "United Nations",
            "nameType": "Organizational",
            "nameIdentifiers": [{
                "nameIdentifier": "https://www.wikidata.org/wiki/Q1065",
                "nameIdentifierScheme": "Wikidata",
                "schemeUri": "https://www.wikidata.org/wiki/",
            }],
        })
    );
    let contributors: Vec<(&str, &str, &str)> = record["contributors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap(),
                c["nameType"].as_str().unwrap(),
                c["contributorType"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        contributors,
        [
            ("An editorial board", "Organizational", "Editor"),
            ("Tom Translator", "Personal", "Other"),
            ("Ian Interviewer", "Personal", "DataCollector"),
        ]
    );

    let record = read_json(&invenio.join("documents/claim.json"));
    let metadata = &record["metadata"];
    let reviews: Vec<&str> = metadata["related_identifiers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["relation_type"]["id"] == "isreviewedby")
        .map(|r| r["scheme"].as_str().unwrap())
        .collect();
    assert_eq!(reviews, ["doi", "url", "urn"]);
    assert_eq!(metadata["dates"][0]["date"], "1930/1939");
    assert_eq!(metadata["languages"][0]["id"], "deu");
    assert_eq!(
        metadata["creators"][1],
        serde_json::json!({"person_or_org": {"type": "organizational", "name": "United Nations"}})
    );
    assert_eq!(
        metadata["contributors"][0],
        serde_json::json!({
            "person_or_org": {"type": "organizational", "name": "An editorial board"},
            "role": {"id": "editor"},
        })
    );
    assert_eq!(metadata["contributors"][1]["role"]["id"], "translator");
    assert_eq!(metadata["contributors"][2]["role"]["id"], "datacollector");
}

/// `toml`, a variant of [`DISPUTED`], packed from `dir/name` and exported
/// to DataCite and InvenioRDM records both validators accept: where.
pub fn disputed_exports(dir: &Dir, name: &str, toml: &str) -> (PathBuf, PathBuf) {
    dir.create(&format!("{name}/collection.toml"), toml);
    dir.create(&format!("{name}/claim.txt"), "A claim.\n");
    dir.create(&format!("{name}/answer.txt"), "An answer.\n");
    let bundle = dir.join(&format!("{name}.zip"));
    pack(&dir.join(name), &bundle, &[]);
    let datacite = dir.join(&format!("{name}-datacite"));
    let invenio = dir.join(&format!("{name}-invenio"));
    export("datacite", &bundle, &datacite);
    export("invenio", &bundle, &invenio);
    validators().datacite_validate(&[&datacite]).assert_valid();
    validators().invenio_validate(&[&invenio]).assert_valid();
    (datacite, invenio)
}

/// A person's name written `Family, Given` is split into its parts in
/// both formats; one in another form is left whole, and so is the
/// contact's, which the record gives no type.
#[test]
fn a_name_written_family_comma_given_is_split() {
    let dir = Dir::new();
    let authors = r#"{ name = "Ada Author", orcid = "0000-0002-1825-0097" },"#;
    assert!(DISPUTED.contains(authors));
    let toml = DISPUTED
        .replace(
            authors,
            r#"{ name = "van Gogh, Vincent" }, { name = "Sammy Davis, Jr." },"#,
        )
        .replace(
            "date = \"2026-11-25\"\n",
            "date = \"2026-11-25\"\ncontact_name = \"Lovelace, Ada\"\n",
        );
    let (datacite, invenio) = disputed_exports(&dir, "names", &toml);
    let record = read_json(&datacite.join("documents/claim.json"));
    assert_eq!(
        record["creators"][0],
        serde_json::json!({
            "name": "van Gogh, Vincent",
            "nameType": "Personal",
            "givenName": "Vincent",
            "familyName": "van Gogh",
        })
    );
    assert_eq!(
        record["creators"][1],
        serde_json::json!({"name": "Sammy Davis, Jr.", "nameType": "Personal"})
    );
    assert_eq!(
        record["contributors"][1],
        serde_json::json!({"name": "Tom Translator", "nameType": "Personal", "contributorType": "Other"})
    );
    let record = read_json(&datacite.join("collection.json"));
    assert_eq!(
        record["contributors"],
        serde_json::json!([{
            "name": "Lovelace, Ada",
            "nameType": "Personal",
            "contributorType": "ContactPerson",
        }])
    );
    let record = read_json(&invenio.join("documents/claim.json"));
    let creators = &record["metadata"]["creators"];
    assert_eq!(
        creators[0]["person_or_org"],
        serde_json::json!({"type": "personal", "family_name": "van Gogh", "given_name": "Vincent"})
    );
    assert_eq!(
        creators[1]["person_or_org"],
        serde_json::json!({"type": "personal", "family_name": "Sammy Davis, Jr."})
    );
    let record = read_json(&invenio.join("collection.json"));
    assert_eq!(
        record["metadata"]["contributors"][0]["person_or_org"],
        serde_json::json!({"type": "personal", "family_name": "Lovelace, Ada"})
    );
}

/// The record gives the contact no type: one named as the source
/// organization is that organization in both formats.
#[test]
fn a_contact_named_as_the_source_organization_is_an_organization() {
    let dir = Dir::new();
    let toml = DISPUTED.replace(
        "date = \"2026-11-25\"\n",
        "date = \"2026-11-25\"\nsource_organization = \"Reading Room, City Archive\"\n\
         contact_name = \"Reading Room, City Archive\"\n",
    );
    let (datacite, invenio) = disputed_exports(&dir, "contact", &toml);
    let record = read_json(&datacite.join("collection.json"));
    assert_eq!(
        record["contributors"],
        serde_json::json!([{
            "name": "Reading Room, City Archive",
            "nameType": "Organizational",
            "contributorType": "ContactPerson",
        }])
    );
    let record = read_json(&invenio.join("collection.json"));
    assert_eq!(
        record["metadata"]["contributors"],
        serde_json::json!([{
            "person_or_org": {"type": "organizational", "name": "Reading Room, City Archive"},
            "role": {"id": "contactperson"},
        }])
    );
}

#[test]
fn a_control_character_is_written_u_fffd_in_both_formats() {
    // DataCite keeps XML, which cannot hold it; InvenioRDM would strip it,
    // leaving a title of two characters, below its minimum of three.
    let dir = Dir::new();
    let toml = DISPUTED.replace(r#"title = "A claim""#, r#"title = "A\u001bB""#);
    let (datacite, invenio) = disputed_exports(&dir, "c", &toml);
    let record = read_json(&datacite.join("documents/claim.json"));
    assert_eq!(record["titles"][0]["title"], "A\u{FFFD}B");
    let record = read_json(&invenio.join("documents/claim.json"));
    assert_eq!(record["metadata"]["title"], "A\u{FFFD}B");
}

/// DataCite 4.5 takes a year before 0000 with a minus sign (8 Date:
/// "-0054 to indicate 55 BC"), in the astronomical numbering EDTF uses, so a
/// date of the Roman republic is a `Created` date there; InvenioRDM's EDTF
/// level 0 has no such year, and gives the date in words.
#[test]
fn a_date_before_the_common_era_is_a_datacite_date() {
    let dir = Dir::new();
    assert!(DISPUTED.contains("date = \"193X\"\n"));
    let toml = DISPUTED.replace("date = \"193X\"\n", "date = \"-0043~\"\n");
    let (datacite, invenio) = disputed_exports(&dir, "bc", &toml);
    let record = read_json(&datacite.join("documents/claim.json"));
    assert_eq!(
        record["dates"],
        serde_json::json!([{
            "date": "-0043",
            "dateType": "Created",
            "dateInformation": "EDTF -0043~.",
        }])
    );
    let descriptions = record["descriptions"].to_string();
    assert!(!descriptions.contains("Date created"), "{descriptions}");
    let record = read_json(&invenio.join("documents/claim.json"));
    assert_eq!(record["metadata"].get("dates"), None);
    let descriptions = record["metadata"]["additional_descriptions"].to_string();
    assert!(
        descriptions.contains("Date created: EDTF -0043~ (an open-ended or out-of-range date"),
        "{descriptions}"
    );
}

// Any valid collection exports to records both validators accept.
#[test]
fn an_origin_written_as_a_url_is_related_as_derived_from() {
    let dir = Dir::new();
    let toml = DISPUTED.replace(
        r#"origin = { name = "Example archive", url = "https://example.org/archive" }"#,
        r#"origin = "https://example.org/archive/item-1""#,
    );
    let (datacite, invenio) = disputed_exports(&dir, "origin", &toml);
    // The crate links it as a URL ({"@id": URL}); so do the records.
    let record = read_json(&datacite.join("documents/claim.json"));
    assert_eq!(
        record["relatedIdentifiers"][1],
        serde_json::json!({
            "relatedIdentifier": "https://example.org/archive/item-1",
            "relatedIdentifierType": "URL",
            "relationType": "IsDerivedFrom",
        })
    );
    let record = read_json(&invenio.join("documents/claim.json"));
    assert_eq!(
        record["metadata"]["related_identifiers"][1],
        serde_json::json!({
            "identifier": "https://example.org/archive/item-1",
            "scheme": "url",
            "relation_type": {"id": "isderivedfrom"},
        })
    );
    // An origin in words is not a URL.
    let text = dir.join("text");
    dir.create(
        "text/collection.toml",
        DISPUTED.replace(
            r#"origin = { name = "Example archive", url = "https://example.org/archive" }"#,
            r#"origin = "https://example.org/archive, box 3""#,
        ),
    );
    dir.create("text/claim.txt", "A claim.\n");
    dir.create("text/answer.txt", "An answer.\n");
    pack(&text, &dir.join("text.zip"), &[]);
    let out = dir.join("text-datacite");
    export("datacite", &dir.join("text.zip"), &out);
    let record = read_json(&out.join("documents/claim.json"));
    assert_eq!(
        record["relatedIdentifiers"][1]["relationType"],
        "IsReviewedBy"
    );
}

#[test]
fn an_origin_written_as_a_doi_is_related_as_a_doi() {
    // A DOI's resolver URL or doi: form is a DOI, which both formats have
    // a type for; only its bare form is the identifier.
    let dir = Dir::new();
    let origins = [
        r#"origin = "https://doi.org/10.1234/x""#,
        r#"origin = "doi:10.1234/x""#,
        r#"origin = { name = "A journal", url = "http://dx.doi.org/10.1234/x" }"#,
    ];
    let mut exported = Vec::new();
    for (n, origin) in origins.iter().enumerate() {
        let collection = dir.join(&format!("doi-{n}"));
        dir.create(
            &format!("doi-{n}/collection.toml"),
            DISPUTED.replace(
                r#"origin = { name = "Example archive", url = "https://example.org/archive" }"#,
                origin,
            ),
        );
        dir.create(&format!("doi-{n}/claim.txt"), "A claim.\n");
        dir.create(&format!("doi-{n}/answer.txt"), "An answer.\n");
        let bundle = dir.join(&format!("doi-{n}.zip"));
        pack(&collection, &bundle, &[]);
        let (datacite, invenio) = (
            dir.join(&format!("datacite-{n}")),
            dir.join(&format!("invenio-{n}")),
        );
        export("datacite", &bundle, &datacite);
        export("invenio", &bundle, &invenio);
        let record = read_json(&datacite.join("documents/claim.json"));
        assert_eq!(
            record["relatedIdentifiers"][1],
            serde_json::json!({
                "relatedIdentifier": "10.1234/x",
                "relatedIdentifierType": "DOI",
                "relationType": "IsDerivedFrom",
            }),
            "{origin}"
        );
        let record = read_json(&invenio.join("documents/claim.json"));
        assert_eq!(
            record["metadata"]["related_identifiers"][1],
            serde_json::json!({
                "identifier": "10.1234/x",
                "scheme": "doi",
                "relation_type": {"id": "isderivedfrom"},
            }),
            "{origin}"
        );
        exported.push((datacite, invenio));
    }
    let datacite: Vec<&Path> = exported.iter().map(|(d, _)| d.as_path()).collect();
    let invenio: Vec<&Path> = exported.iter().map(|(_, i)| i.as_path()).collect();
    validators().datacite_validate(&datacite).assert_valid();
    validators().invenio_validate(&invenio).assert_valid();
}

/// The seeds' [`DISPUTED`] collection, licensed `cc-by-4.0` (CC-BY-4.0,
/// as SPDX identifiers match in any case), its claim licensed
/// `CC-BY-4.0+` (an SPDX expression: 4.0 or any later version) and its
/// answer under terms of its own (`LicenseRef-archive-terms`), packed.
pub fn licence_expressions_bundle(dir: &Dir) -> PathBuf {
    assert!(DISPUTED.contains("license = \"CC-BY-4.0\"\n"));
    dir.create(
        "licences/collection.toml",
        DISPUTED
            .replace("license = \"CC-BY-4.0\"\n", "license = \"cc-by-4.0\"\n")
            .replace(
                "language = \"de-CH\"\n",
                "language = \"de-CH\"\nlicense = \"CC-BY-4.0+\"\n",
            )
            .replace(
                "file = \"answer.txt\"\n",
                "file = \"answer.txt\"\nlicense = \"LicenseRef-archive-terms\"\n",
            ),
    );
    dir.create("licences/claim.txt", "A claim.\n");
    dir.create("licences/answer.txt", "An answer.\n");
    let bundle = dir.join("licences.zip");
    pack(&dir.join("licences"), &bundle, &[]);
    bundle
}

#[test]
fn only_a_licence_on_the_spdx_list_is_an_spdx_identifier() {
    let dir = Dir::new();
    let bundle = licence_expressions_bundle(&dir);
    let (datacite, invenio) = (dir.join("datacite"), dir.join("invenio"));
    export("datacite", &bundle, &datacite);
    export("invenio", &bundle, &invenio);
    validators().datacite_validate(&[&datacite]).assert_valid();
    validators().invenio_validate(&[&invenio]).assert_valid();
    let rights = |out: &Path, record: &str, key: &str| {
        let record = read_json(&out.join(record));
        record.pointer(key).unwrap().clone()
    };
    // The collection's cc-by-4.0 is an identifier on the list, spelt as
    // the list spells it, and stated by the licence's full title, as
    // DataCite 4.5 asks of rights.
    assert_eq!(
        rights(&datacite, "collection.json", "/rightsList"),
        serde_json::json!([{
            "rights": "Creative Commons Attribution 4.0 International",
            "rightsUri": "https://spdx.org/licenses/CC-BY-4.0",
            "rightsIdentifier": "CC-BY-4.0",
            "rightsIdentifierScheme": "SPDX",
            "schemeUri": "https://spdx.org/licenses/",
        }])
    );
    // An expression and a licence of the collection's own are stated in
    // words, with no SPDX identifier and no spdx.org address, which would
    // not resolve.
    assert_eq!(
        rights(&datacite, "documents/claim.json", "/rightsList"),
        serde_json::json!([{"rights": "CC-BY-4.0+"}])
    );
    assert_eq!(
        rights(&datacite, "documents/answer.json", "/rightsList"),
        serde_json::json!([{"rights": "LicenseRef-archive-terms"}])
    );
    assert_eq!(
        rights(&invenio, "documents/claim.json", "/metadata/rights"),
        serde_json::json!([{"title": {"en": "CC-BY-4.0+"}}])
    );
    assert_eq!(
        rights(&invenio, "collection.json", "/metadata/rights"),
        serde_json::json!([{
            "title": {"en": "Creative Commons Attribution 4.0 International"},
            "description": {"en": "SPDX licence identifier CC-BY-4.0."},
            "link": "https://spdx.org/licenses/CC-BY-4.0",
        }])
    );
}

#[test]
fn generated_collections_export_to_valid_records() {
    let dir = Dir::new();
    let bundles = generated::bundles(dir.path(), 12);
    let mut datacite = Vec::new();
    let mut invenio = Vec::new();
    for bundle in &bundles {
        let out = bundle.with_extension("datacite");
        export("datacite", bundle, &out);
        datacite.push(out);
        let out = bundle.with_extension("invenio");
        export("invenio", bundle, &out);
        invenio.push(out);
    }
    let datacite: Vec<&Path> = datacite.iter().map(PathBuf::as_path).collect();
    let invenio: Vec<&Path> = invenio.iter().map(PathBuf::as_path).collect();
    validators().datacite_validate(&datacite).assert_valid();
    validators().invenio_validate(&invenio).assert_valid();
}

#[test]
fn the_validators_reject_broken_records() {
    let dir = Dir::new();
    let bundle = dir.join("sample.zip");
    pack(&sample_collection(&dir, "sample"), &bundle, &[]);
    let datacite = dir.join("datacite");
    let invenio = dir.join("invenio");
    export("datacite", &bundle, &datacite);
    export("invenio", &bundle, &invenio);
    let letter = datacite.join("documents/letter.json");
    let mut record = read_json(&letter);
    record["dates"][0]["date"] = "1937~".into();
    fs::write(&letter, record.to_string()).unwrap();
    let outcome = validators().datacite_validate(&[&datacite]);
    outcome.assert_invalid();
    assert!(outcome.stdout.contains("dates/0/date"), "{outcome}");

    let letter = invenio.join("documents/letter.json");
    let mut record = read_json(&letter);
    record["metadata"]["resource_type"]["id"] = "letter".into();
    fs::write(&letter, record.to_string()).unwrap();
    let outcome = validators().invenio_validate(&[&invenio]);
    outcome.assert_invalid();
    assert!(outcome.stdout.contains("resource_types.yaml"), "{outcome}");
}

/// `corpack export <format> <bag> -o <out>`, with `extra` arguments.
fn run_export(format: &str, bag: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    corpack()
        .args(["export", format])
        .arg(bag)
        .arg("-o")
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn an_invalid_bundle_is_refused_and_nothing_is_written() {
    let dir = Dir::new();
    let bundle = dir.join("sample.zip");
    pack(&sample_collection(&dir, "sample"), &bundle, &[]);
    crate::util::unzip(&bundle, &dir.join("bag"));
    let bag = dir.join("bag/sample");
    fs::write(bag.join("data/documents/letter.txt"), "A forged letter.\n").unwrap();
    for format in ["datacite", "invenio", "dspace-saf"] {
        let out = dir.join(format);
        let output = run_export(format, &bag, &out, &["--json"]);
        assert_eq!(output.status.code(), Some(1), "{format}");
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(report["exported"], false);
        assert!(
            report["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["code"] == "payload-digest-mismatch"),
            "{report}"
        );
        assert!(!out.exists(), "{format}: nothing may be written");
    }
    let entries: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(
        entries.iter().all(|name| !name.starts_with(".corpack-")),
        "{entries:?}"
    );
}

// A bag edited by hand so that its records break the rules of
// collection.toml, or do not read as records, does not verify, and no
// export takes it: each says why with a finding on the crate, exit status
// 1, as for any bundle that is not valid.
#[test]
fn records_that_break_the_collection_s_rules_are_refused() {
    type Edit = fn(&mut Value);
    let edits: [(&str, Edit); 4] = [
        (
            "document \"claim\" (data/documents/claim.txt): dateCreated: invalid EDTF date \"not-a-date\"",
            |graph| {
                entity(graph, "documents/claim.txt")["dateCreated"] = "not-a-date".into();
            },
        ),
        ("duplicate id `claim`", |graph| {
            entity(graph, "documents/answer.txt")["identifier"] = "claim".into();
        }),
        (
            "no document of the collection has the id `answer`",
            |graph| {
                let root = entity(graph, "./");
                let parts = root["hasPart"].as_array_mut().unwrap();
                parts.retain(|part| part["@id"] != "documents/answer.txt");
            },
        ),
        ("`claim` is this document's own id", |graph| {
            entity(graph, "documents/claim.txt")["cito:isDisputedBy"] =
                serde_json::json!({"@id": "documents/claim.txt"});
        }),
    ];
    for (message, edit) in edits {
        let dir = Dir::new();
        dir.create("disputes/collection.toml", DISPUTED);
        dir.create("disputes/claim.txt", "A claim.\n");
        dir.create("disputes/answer.txt", "An answer.\n");
        let bundle = dir.join("disputes.zip");
        pack(&dir.join("disputes"), &bundle, &[]);
        crate::util::unzip(&bundle, &dir.join("bag"));
        let bag = dir.join("bag/disputes");
        let metadata = bag.join("data/ro-crate-metadata.json");
        let mut crate_json = read_json(&metadata);
        edit(&mut crate_json["@graph"]);
        fs::write(&metadata, crate_json.to_string()).unwrap();
        crate::verify::rehash_manifests(&bag);
        let output = corpack()
            .args(["verify", "--json"])
            .arg(&bag)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{message}");
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        let is_the_fault = |f: &Value| {
            f["code"] == "rocrate-invalid"
                && f["path"] == "data/ro-crate-metadata.json"
                && f["message"].as_str().unwrap().contains(message)
        };
        let findings = report["findings"].as_array().unwrap();
        assert!(findings.iter().any(is_the_fault), "verify: {report}");
        // Records are not judged by a fast check, which reads no checksum.
        corpack()
            .args(["verify", "--fast"])
            .arg(&bag)
            .assert()
            .success();
        for format in ["datacite", "invenio", "dspace-saf", "csv", "ocfl"] {
            let out = dir.join(format);
            let output = run_export(format, &bag, &out, &["--json"]);
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert_eq!(output.status.code(), Some(1), "{format}: {stdout}");
            let report: Value = serde_json::from_slice(&output.stdout).unwrap();
            let findings = (report.get("findings"))
                .or_else(|| report.get("bundle_findings"))
                .and_then(Value::as_array)
                .unwrap_or_else(|| panic!("{format}: {report}"));
            assert!(
                findings.iter().any(is_the_fault),
                "{format}: {message}: {report}"
            );
            assert!(!out.exists(), "{format}: nothing may be written");
            let text = run_export(format, &bag, &out, &[]);
            let stdout = String::from_utf8_lossy(&text.stdout);
            assert!(
                stdout.contains("refused: ")
                    && (stdout.contains("has 1 error (above); nothing was written")
                        || stdout.contains("has 2 errors (above); nothing was written")),
                "{format}: {stdout}"
            );
        }
    }
}

/// The entity of a crate's `@graph` whose `@id` is `id`.
fn entity<'a>(graph: &'a mut Value, id: &str) -> &'a mut Value {
    let graph = graph.as_array_mut().unwrap();
    graph.iter_mut().find(|e| e["@id"] == id).unwrap()
}

#[test]
fn an_existing_output_needs_force_and_is_then_replaced_whole() {
    let dir = Dir::new();
    let bundle = dir.join("sample.zip");
    pack(&sample_collection(&dir, "sample"), &bundle, &[]);
    let out = dir.join("out");
    dir.create("out/stale.json", "{}");
    let output = corpack()
        .args(["export", "datacite"])
        .arg(&bundle)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--force"));
    corpack()
        .args(["export", "datacite"])
        .arg(&bundle)
        .arg("-o")
        .arg(&out)
        .arg("--force")
        .assert()
        .success();
    assert!(!out.join("stale.json").exists());
    assert!(out.join("collection.json").exists());
}

/// Every file under `dir`, relative path and bytes, sorted.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (relative, fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn exports_are_reproducible() {
    let dir = Dir::new();
    let bundle = dir.join("sample.zip");
    pack(&sample_collection(&dir, "sample"), &bundle, &[]);
    for format in ["datacite", "invenio", "dspace-saf"] {
        let first = dir.join(&format!("{format}-1"));
        let second = dir.join(&format!("{format}-2"));
        export(format, &bundle, &first);
        export(format, &bundle, &second);
        assert_eq!(tree(&first), tree(&second), "{format}");
    }
}
