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

#[test]
fn filters_select_documents() {
    let dir = Dir::new();
    let bundle = dir.join("seeds.zip");
    corpack()
        .arg("pack")
        .arg(repo_root().join("seeds"))
        .arg("-o")
        .arg(&bundle)
        .arg("-q")
        .assert()
        .success();
    let ids = |args: &[&str]| -> Vec<String> {
        let output = corpack()
            .args(["show", "--json"])
            .args(args)
            .arg(&bundle)
            .output()
            .unwrap();
        assert!(output.status.success(), "{args:?}");
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(report["total"], 6);
        let documents = report["documents"].as_array().unwrap();
        let mut ids: Vec<String> = documents
            .iter()
            .map(|d| d["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(
        ids(&["--contested"]),
        ["furr-2014-continuing-revolution", "letter-1937"]
    );
    assert_eq!(ids(&["--author", "carberry"]), ["interview-shorthand"]);
    // 193X, 1937~ and 1936/1938 can all fall in 1937.
    assert_eq!(
        ids(&["--date-range", "1937-03/1937-04"]),
        ["archivist-note", "interview-shorthand", "letter-1937"]
    );
    assert_eq!(ids(&["--date-range", "2014/.."]).len(), 3);
    assert_eq!(
        ids(&["--contested", "--date-range", "../1999"]),
        ["letter-1937"]
    );
    corpack()
        .args(["show", "--contested", "--author", "furr"])
        .arg(&bundle)
        .assert()
        .success()
        .stdout(
            contains("furr-2014-continuing-revolution").and(contains("1 of 6 documents match")),
        );
}

#[test]
fn a_collection_directory_can_be_shown() {
    corpack()
        .args(["show", "--contested"])
        .arg(repo_root().join("seeds"))
        .assert()
        .success()
        .stdout(
            contains("furr-2014-continuing-revolution  not held  contested (claims)")
                .and(contains(
                    "letter-1937                      held      contested (attribution)",
                ))
                .and(contains("2 of 6 documents match")),
        );
}

#[test]
fn control_characters_in_records_are_shown_escaped() {
    let dir = Dir::new();
    dir.create("c/a.txt", "text\n");
    dir.create(
        "c/collection.toml",
        r#"[collection]
id = "c"
title = "C"
description = "A title with an escape sequence and a line break."
license = "CC0-1.0"
date = "2026-12-05"

[[document]]
id = "a"
title = "\u001b[31mred\nsecond line"
file = "a.txt"
media_type = "text/plain"
[document.provenance]
authors = ["A"]
date = "1937"
origin = "x"
"#,
    );
    let output = corpack().arg("show").arg(dir.join("c")).output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("\\u{1b}[31mred\\nsecond line"), "{text:?}");
    assert!(!text.contains('\u{1b}'), "{text:?}");
    assert_eq!(text.lines().count(), 2, "{text:?}");
}

#[test]
fn a_bad_date_range_is_a_usage_error() {
    corpack()
        .args(["show", "--date-range", "1930-1939"])
        .arg(repo_root().join("seeds"))
        .assert()
        .code(2)
        .stderr(contains("--date-range").and(contains("invalid EDTF date")));
}

#[test]
fn with_json_a_usage_error_is_a_json_document() {
    let seeds = repo_root().join("seeds");
    let seeds = seeds.to_str().unwrap();
    for args in [
        &["show", "--date-range", "1937-13", "--json", seeds][..],
        &["pack", "--json", seeds],
        &["verify", "--json"],
        &["export", "xml", "b.zip", "-o", "out", "--json"],
    ] {
        let output = corpack().args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let error = document["error"].as_str().unwrap();
        assert!(!error.starts_with("error"), "{error}");
        assert!(!error.contains("For more information"), "{error}");
        assert!(output.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn an_undated_document_has_no_date_in_json_rather_than_null() {
    // The schema (manifests/schema/show-output.schema.json) has `date`,
    // `date_interval`, `title` and `status` strings when present: absent
    // values are left out, never null.
    let dir = Dir::new();
    dir.create(
        "c/collection.toml",
        "[collection]\nid = \"c\"\ntitle = \"T\"\ndescription = \"D\"\n\
         license = \"CC0-1.0\"\ndate = \"2026-11-25\"\n\n\
         [[document]]\nid = \"a\"\ntitle = \"A\"\nfile = \"a.txt\"\n",
    );
    dir.create("c/a.txt", "A\n");
    let bundle = dir.join("c.zip");
    corpack()
        .arg("pack")
        .arg(dir.join("c"))
        .arg("-o")
        .arg(&bundle)
        .arg("-q")
        .assert()
        .success();
    for location in [dir.join("c"), bundle] {
        let output = corpack()
            .args(["show", "--json"])
            .arg(&location)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0));
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let document = report["documents"][0].as_object().unwrap();
        assert_eq!(document["id"], "a");
        for (key, value) in document {
            assert!(!value.is_null(), "{key} is null in {document:?}");
        }
        assert!(!document.contains_key("date"), "{document:?}");
    }
}
