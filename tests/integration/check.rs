//! `corpack check`: records and files judged without packing.

use predicates::prelude::*;
use predicates::str::contains;

use crate::util::{COLLECTION_HEADER, Dir, corpack, sample_collection};

#[test]
fn a_good_collection_checks_with_warnings() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    corpack()
        .arg("check")
        .arg(&collection)
        .assert()
        .success()
        .stdout(contains("valid: ").and(contains("4 documents: 3 held, 1 catalogued but not held")))
        .stdout(contains("absent.txt: warning[document-not-held]"));
    assert!(!dir.join("c").join("out.zip").exists());
}

#[test]
fn bad_records_make_check_invalid() {
    let dir = Dir::new();
    dir.create(
        "c/collection.toml",
        format!(
            "{COLLECTION_HEADER}\n[[document]]\nid = \"Bad Id\"\ntitle = \"X\"\nfile = \"x.txt\"\n"
        ),
    );
    corpack()
        .arg("check")
        .arg(dir.join("c"))
        .assert()
        .code(1)
        .stdout(
            contains("collection.toml:9:")
                .and(contains("document[1].id"))
                .and(contains("invalid slug")),
        );
    let output = corpack()
        .args(["check", "--json"])
        .arg(dir.join("c"))
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["valid"], false);
    assert_eq!(report["errors"][0]["line"], 9);
    assert_eq!(report["errors"][0]["field"], "document[1].id");
}

#[test]
fn a_missing_collection_file_is_an_error() {
    let dir = Dir::new();
    corpack()
        .arg("check")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(contains("collection.toml"));
}
