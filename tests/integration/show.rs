//! `corpack show`: the documents of a bundle, from its RO-Crate metadata.

use predicates::prelude::*;
use predicates::str::contains;

use crate::util::{Dir, corpack, repo_root};

#[test]
fn lists_documents_with_status_and_holding() {
    let dir = Dir::new();
    let bundle = dir.join("seeds.zip");
    corpack()
        .arg("pack")
        .arg(repo_root().join("seeds"))
        .arg("-o")
        .arg(&bundle)
        .assert()
        .success();
    corpack()
        .arg("show")
        .arg(&bundle)
        .assert()
        .success()
        .stdout(
            contains("furr-2014-continuing-revolution  not held  contested (claims)")
                .and(contains("2014-06-20?"))
                .and(contains("Grover Furr")),
        );
    let output = corpack()
        .args(["show", "--json"])
        .arg(&bundle)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let documents = report["documents"].as_array().unwrap();
    assert_eq!(documents.len(), 6);
    let talk = documents
        .iter()
        .find(|d| d["id"] == "furr-2014-continuing-revolution")
        .unwrap();
    assert_eq!(talk["status"], "contested");
    assert_eq!(talk["aspects"][0], "claims");
    assert_eq!(talk["date_interval"], "2014-06-20/2014-06-20");
    assert!(talk.get("file").is_none());
}

#[test]
fn a_bag_without_ro_crate_cannot_be_shown() {
    let dir = Dir::new();
    dir.create(
        "bag/bagit.txt",
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
    );
    corpack()
        .arg("show")
        .arg(dir.join("bag"))
        .assert()
        .code(2)
        .stderr(contains("ro-crate-metadata.json"));
}
