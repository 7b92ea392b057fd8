//! The `--json` document of a command that fails: a stable code, and the
//! file, line and field where the error has them.

use std::path::Path;

use crate::util::{COLLECTION_HEADER, Dir, corpack, sample_collection};

/// Runs corpack with `args` and `--json`; it must fail with exit 2 and
/// print one JSON document, and nothing on stderr.
fn error_document(args: &[&Path]) -> serde_json::Value {
    let output = corpack().args(args).arg("--json").output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{args:?}");
    assert!(output.stderr.is_empty(), "{args:?}");
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn a_record_error_has_its_code_file_line_and_field() {
    let dir = Dir::new();
    let collection = dir.join("c");
    let record_file = dir.create(
        "c/collection.toml",
        format!(
            "{COLLECTION_HEADER}\n[[document]]\nid = \"Bad Id\"\ntitle = \"X\"\nfile = \"x.txt\"\n"
        ),
    );
    let document = error_document(&[
        "pack".as_ref(),
        &collection,
        "-o".as_ref(),
        &dir.join("out.zip"),
    ]);
    assert_eq!(document["code"], "record-invalid");
    assert_eq!(document["path"], record_file.to_str().unwrap());
    assert_eq!(document["line"], 9);
    assert_eq!(document["field"], "document[1].id");
    assert_eq!(document["records"][0]["field"], "document[1].id");
}

#[test]
fn a_language_tag_outside_the_registry_is_a_record_error_at_its_field() {
    let dir = Dir::new();
    let collection = dir.join("c");
    dir.create(
        "c/collection.toml",
        format!(
            "{COLLECTION_HEADER}\n[[document]]\nid = \"a\"\ntitle = \"X\"\nfile = \"x.txt\"\nlanguage = \"english\"\n"
        ),
    );
    dir.create("c/x.txt", "x");
    let document = error_document(&[
        "pack".as_ref(),
        &collection,
        "-o".as_ref(),
        &dir.join("out.zip"),
    ]);
    assert_eq!(document["code"], "record-invalid");
    assert_eq!(document["line"], 12);
    assert_eq!(document["field"], "document[1].language");
    let message = document["records"][0]["message"].as_str().unwrap();
    assert!(message.contains("\"english\""), "{message}");
    assert!(
        message.contains("IANA Language Subtag Registry"),
        "{message}"
    );
}

#[test]
fn a_checksum_that_differs_is_placed_at_its_sha256() {
    let dir = Dir::new();
    dir.create("c/a.txt", "a\n");
    dir.create(
        "c/collection.toml",
        format!(
            "{COLLECTION_HEADER}\n[[document]]\nid = \"a\"\ntitle = \"A\"\nfile = \"a.txt\"\n\
             sha256 = \"{}\"\n",
            "0".repeat(64)
        ),
    );
    let document = error_document(&[
        "pack".as_ref(),
        &dir.join("c"),
        "-o".as_ref(),
        &dir.join("out.zip"),
    ]);
    assert_eq!(document["code"], "record-invalid");
    assert_eq!(
        (&document["line"], &document["column"]),
        (&12.into(), &10.into())
    );
    assert_eq!(document["field"], "document[1].sha256");
}

#[test]
fn an_io_error_has_its_code_and_path() {
    let dir = Dir::new();
    let document = error_document(&[
        "pack".as_ref(),
        &dir.join("missing"),
        "-o".as_ref(),
        &dir.join("out.zip"),
    ]);
    assert_eq!(document["code"], "io");
    let record_file = dir.join("missing/collection.toml");
    assert_eq!(document["path"], record_file.to_str().unwrap());
    assert!(document.get("line").is_none(), "{document}");
    assert_eq!(document["records"], serde_json::json!([]));
}

#[test]
fn an_existing_output_has_its_code_and_path() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let bundle = dir.create("out.zip", "not replaced without --force");
    let document = error_document(&["pack".as_ref(), &collection, "-o".as_ref(), &bundle]);
    assert_eq!(document["code"], "output-exists");
    assert_eq!(document["path"], bundle.to_str().unwrap());
}

#[test]
fn a_refused_collection_has_its_code_and_findings() {
    let dir = Dir::new();
    dir.create("c/aux.txt", "a name Windows reserves");
    dir.create(
        "c/collection.toml",
        format!(
            "{COLLECTION_HEADER}\n[[document]]\nid = \"aux\"\ntitle = \"X\"\nfile = \"aux.txt\"\n"
        ),
    );
    let collection = dir.join("c");
    let document = error_document(&[
        "pack".as_ref(),
        &collection,
        "-o".as_ref(),
        &dir.join("out.zip"),
    ]);
    assert_eq!(document["code"], "collection-refused");
    assert_eq!(document["path"], collection.to_str().unwrap());
    assert_eq!(document["findings"][0]["code"], "windows-reserved");
    assert_eq!(document["findings"][0]["path"], "aux.txt");
}

#[test]
fn a_bad_profile_has_its_code_file_line_and_field() {
    let dir = Dir::new();
    let profile = dir.create(
        "profile.json",
        "{\n  \"BagIt-Profile-Info\": {\n    \"BagIt-Profile-Identifier\": 7\n  }\n}\n",
    );
    let document = error_document(&[
        "verify".as_ref(),
        "--profile".as_ref(),
        &profile,
        &crate::util::seeds_dir(),
    ]);
    assert_eq!(document["code"], "profile-invalid");
    assert_eq!(document["path"], profile.to_str().unwrap());
    assert_eq!(document["line"], 3);
    assert_eq!(
        document["field"],
        "BagIt-Profile-Info.BagIt-Profile-Identifier"
    );
}

#[test]
fn a_usage_error_has_its_code() {
    let document = error_document(&["pack".as_ref(), "--threads".as_ref(), "0".as_ref()]);
    assert_eq!(document["code"], "usage");
    assert!(document["error"].as_str().unwrap().starts_with("error: "));
}

/// Runs corpack with `args`, without `--json`: it must fail with exit 2,
/// print nothing on stdout, and give its error on stderr.
fn error_text(args: &[&Path]) -> String {
    let output = corpack().args(args).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{args:?}");
    assert!(output.stdout.is_empty(), "{args:?}");
    String::from_utf8(output.stderr).unwrap()
}

#[test]
fn a_text_error_shows_its_code_as_a_finding_shows_its_own() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let bundle = dir.create("out.zip", "not replaced without --force");
    let text = error_text(&["pack".as_ref(), &collection, "-o".as_ref(), &bundle]);
    let expected = format!(
        "corpack: error[output-exists]: cannot pack {}: {}: already exists",
        collection.display(),
        bundle.display()
    );
    assert!(text.starts_with(&expected), "{text}");
    let missing = dir.join("missing");
    let text = error_text(&["check".as_ref(), &missing]);
    assert!(
        text.starts_with("corpack: error[io]: cannot check "),
        "{text}"
    );
    dir.create(
        "bad/collection.toml",
        format!(
            "{COLLECTION_HEADER}\n[[document]]\nid = \"Bad Id\"\ntitle = \"X\"\nfile = \"x.txt\"\n"
        ),
    );
    let out = dir.join("bad.zip");
    let text = error_text(&["pack".as_ref(), &dir.join("bad"), "-o".as_ref(), &out]);
    assert!(
        text.starts_with("corpack: error[record-invalid]: cannot pack "),
        "{text}"
    );
    assert!(
        text.contains("collection.toml:9:6: document[1].id: invalid slug"),
        "{text}"
    );
    let text = error_text(&["pack".as_ref(), "--threads".as_ref(), "0".as_ref()]);
    assert!(
        text.starts_with("error[usage]: invalid value '0'"),
        "{text}"
    );
}
