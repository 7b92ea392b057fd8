//! The seed collection `seeds/` loads, its files are the bytes its record
//! declares, and it uses every part of the record model it is meant to.

use std::collections::BTreeSet;
use std::fs;

use corpack::collection::{self, Aspect, AuthorType, Collection, Role, Status};
use sha2::{Digest, Sha256};
use unicode_normalization::is_nfc;

use crate::util::{repo_root, seeds_dir, shared_dir};

/// The real talk: third-party, recorded in `seeds/` but never held there.
const TALK_FILE: &str = "furr-2014-continuing-revolution.txt";

fn seeds() -> Collection {
    collection::load(&seeds_dir())
        .and_then(|loaded| loaded.to_collection())
        .unwrap_or_else(|e| panic!("seeds/collection.toml: {e}"))
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[test]
fn every_document_is_declared_with_a_checksum_and_held_files_match_it() {
    for document in seeds().documents {
        let declared = document
            .sha256
            .as_ref()
            .unwrap_or_else(|| panic!("{}: no sha256", document.id));
        let path = seeds_dir().join(document.file.as_str());
        if document.file.as_str() == TALK_FILE {
            assert!(
                !path.exists(),
                "{TALK_FILE} is third-party: it must not be in the repository"
            );
            continue;
        }
        let bytes = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(sha256(&bytes), declared.as_str(), "{}", path.display());
    }
}

#[test]
fn the_talk_in_the_shared_corpus_is_the_recorded_one() {
    let Some(shared) = shared_dir() else { return };
    let talk = seeds()
        .documents
        .into_iter()
        .find(|d| d.file.as_str() == TALK_FILE)
        .expect("the talk's record");
    let bytes = fs::read(shared.join("corpus").join(TALK_FILE)).unwrap();
    assert_eq!(sha256(&bytes), talk.sha256.unwrap().as_str());
}

#[test]
fn seed_files_are_nfc_lf_text_and_all_recorded() {
    let collection = seeds();
    let recorded: BTreeSet<String> = collection
        .documents
        .iter()
        .map(|d| d.file.as_str().to_string())
        .collect();
    for entry in fs::read_dir(seeds_dir()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name == "collection.toml" {
            continue;
        }
        if name == "collection.csv" {
            // The records again, as import csv reads them (see import.rs).
            continue;
        }
        assert!(
            recorded.contains(&name),
            "{name:?} is in seeds/ but not recorded"
        );
        let text = String::from_utf8(fs::read(seeds_dir().join(&name)).unwrap())
            .unwrap_or_else(|_| panic!("{name:?} is not UTF-8"));
        assert!(is_nfc(&name), "the file name {name:?} is not NFC");
        assert!(is_nfc(&text), "the text of {name:?} is not NFC");
        assert!(!text.contains('\r'), "{name:?} has CR line endings");
        assert!(text.ends_with('\n'), "{name:?} does not end with a newline");
    }
}

#[test]
fn the_seeds_exercise_the_record_model() {
    let collection = seeds();
    assert_eq!(collection.info.id.as_str(), "soviet-historiography");
    let documents = &collection.documents;

    let statuses: BTreeSet<String> = documents
        .iter()
        .map(|d| d.contested.status.to_string())
        .collect();
    for status in [Status::Uncontested, Status::Contested, Status::Unassessed] {
        assert!(
            statuses.contains(&status.to_string()),
            "no {status} document"
        );
    }
    let aspects: BTreeSet<Aspect> = documents
        .iter()
        .flat_map(|d| d.contested.aspects.iter().copied())
        .collect();
    assert!(aspects.contains(&Aspect::Claims));
    assert!(aspects.contains(&Aspect::Attribution));

    let roles: Vec<Role> = documents
        .iter()
        .flat_map(|d| d.provenance.authors.iter().map(|a| a.role))
        .collect();
    for role in [
        Role::Author,
        Role::Speaker,
        Role::Editor,
        Role::Translator,
        Role::Transcriber,
        Role::Interviewer,
    ] {
        assert!(roles.contains(&role), "no {role}");
    }
    assert!(
        documents
            .iter()
            .flat_map(|d| &d.provenance.authors)
            .any(|a| a.orcid.is_some()),
        "no ORCID iD"
    );
    // The maintainers are a group, and the collection's source
    // organization: an organization author, in two roles.
    let maintainers: Vec<(AuthorType, Role)> = documents
        .iter()
        .flat_map(|d| &d.provenance.authors)
        .filter(|a| a.name == "corpack maintainers")
        .map(|a| (a.kind, a.role))
        .collect();
    assert_eq!(
        maintainers,
        [
            (AuthorType::Organization, Role::Author),
            (AuthorType::Organization, Role::Editor)
        ]
    );
    assert_eq!(
        collection.info.source_organization.as_deref(),
        Some("corpack maintainers")
    );

    let files: Vec<&str> = documents.iter().map(|d| d.file.as_str()).collect();
    assert!(
        files.iter().any(|f| !f.is_ascii()),
        "no non-ASCII file name"
    );
    assert!(
        files.iter().any(|f| f.contains(' ')),
        "no file name with a space"
    );

    let media_types: BTreeSet<String> = documents
        .iter()
        .map(|d| d.media_type_or_guess().to_string())
        .collect();
    assert!(media_types.len() >= 3, "{media_types:?}");

    let dates: BTreeSet<&str> = documents
        .iter()
        .filter_map(|d| d.provenance.date.as_ref().map(|date| date.as_str()))
        .collect();
    for date in ["2014-06-20?", "1937~", "193X", "1936/1938", "2026-11-25"] {
        assert!(dates.contains(date), "no date {date}");
    }
}

#[test]
fn the_talk_record_says_who_disputes_what() {
    let talk = seeds()
        .documents
        .into_iter()
        .find(|d| d.file.as_str() == TALK_FILE)
        .expect("the talk's record");
    assert_eq!(talk.provenance.authors[0].name, "Grover Furr");
    assert_eq!(talk.provenance.authors[0].role, Role::Speaker);
    assert_eq!(
        talk.provenance.date.as_ref().unwrap().as_str(),
        "2014-06-20?"
    );
    assert!(talk.provenance.date_note.is_some());
    assert_eq!(talk.contested.status, Status::Contested);
    assert_eq!(talk.contested.aspects, [Aspect::Claims]);
    assert_eq!(talk.contested.disputed_by.len(), 4);
    // The maintainers assessed it, as the organization they are.
    let assessor = talk.contested.assessed_by.as_ref().expect("an assessor");
    assert_eq!(
        (assessor.name.as_str(), assessor.kind),
        ("corpack maintainers", AuthorType::Organization)
    );
}

#[test]
fn the_readme_example_is_the_seed_record() {
    let readme = fs::read_to_string(repo_root().join("README.md")).unwrap();
    let section = readme
        .split_once("## Collection format")
        .expect("README has a Collection format section")
        .1;
    let example = section
        .split_once("```toml\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .expect("a toml example in the Collection format section")
        .0;
    let readme_file = repo_root().join("README.md");
    let parsed = collection::parse(example, &seeds_dir(), &readme_file)
        .and_then(|loaded| loaded.to_collection())
        .unwrap_or_else(|e| panic!("README example: {e}"));
    let seeds = seeds();
    assert_eq!(parsed.info, seeds.info);
    assert_eq!(parsed.documents.len(), 1);
    let record = seeds
        .documents
        .iter()
        .find(|d| d.id == parsed.documents[0].id)
        .expect("the README's document is in seeds/collection.toml");
    assert_eq!(&parsed.documents[0], record);
}
