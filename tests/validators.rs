//! The validator harness gives the verdicts it should: on bags and crates
//! made here with plain file writes, valid ones pass and broken ones fail.

mod common;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256, Sha512};
use zip::write::SimpleFileOptions;

use common::{shared_dir, validators};

const PROFILE_ID: &str = "https://example.org/corpack/bagit-profile.json";

/// Writes a BagIt 1.0 bag at `root` with the payload files given
/// (`data/`-relative), SHA-256 and SHA-512 manifests and tag manifests, and
/// bag-info.txt holding `Payload-Oxum`, `Bagging-Date`,
/// `BagIt-Profile-Identifier` and `extra_info`.
fn write_bag(root: &Path, payload: &[(&str, &[u8])], extra_info: &[(&str, &str)]) {
    let write = |relative: &str, bytes: &[u8]| {
        let path = root.join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    };
    write(
        "bagit.txt",
        b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
    );
    let size: usize = payload.iter().map(|(_, bytes)| bytes.len()).sum();
    let mut info = format!(
        "Bagging-Date: 2026-11-25\nBagIt-Profile-Identifier: {PROFILE_ID}\nPayload-Oxum: {size}.{}\n",
        payload.len()
    );
    for (label, value) in extra_info {
        info.push_str(&format!("{label}: {value}\n"));
    }
    write("bag-info.txt", info.as_bytes());
    let mut manifest256 = String::new();
    let mut manifest512 = String::new();
    for (name, bytes) in payload {
        write(&format!("data/{name}"), bytes);
        manifest256.push_str(&format!(
            "{}  data/{name}\n",
            hex::encode(Sha256::digest(bytes))
        ));
        manifest512.push_str(&format!(
            "{}  data/{name}\n",
            hex::encode(Sha512::digest(bytes))
        ));
    }
    write("manifest-sha256.txt", manifest256.as_bytes());
    write("manifest-sha512.txt", manifest512.as_bytes());
    let mut tag256 = String::new();
    let mut tag512 = String::new();
    for tag_file in [
        "bagit.txt",
        "bag-info.txt",
        "manifest-sha256.txt",
        "manifest-sha512.txt",
    ] {
        let bytes = fs::read(root.join(tag_file)).unwrap();
        tag256.push_str(&format!(
            "{}  {tag_file}\n",
            hex::encode(Sha256::digest(&bytes))
        ));
        tag512.push_str(&format!(
            "{}  {tag_file}\n",
            hex::encode(Sha512::digest(&bytes))
        ));
    }
    write("tagmanifest-sha256.txt", tag256.as_bytes());
    write("tagmanifest-sha512.txt", tag512.as_bytes());
}

const HELLO: &[u8] = b"Hello, bag.\n";
const NOTE: &[u8] = "Zametka: \u{437}\u{430}\u{43c}\u{435}\u{442}\u{43a}\u{430}.\n".as_bytes();

/// A valid bag `<dir>/<name>/`.
fn valid_bag(dir: &Path, name: &str) -> PathBuf {
    let root = dir.join(name);
    write_bag(
        &root,
        &[("hello.txt", HELLO), ("notes/note one.txt", NOTE)],
        &[("Contact-Name", "corpack maintainers")],
    );
    root
}

/// A bag whose payload no longer matches its manifests.
fn corrupt_bag(dir: &Path, name: &str) -> PathBuf {
    let root = valid_bag(dir, name);
    fs::write(root.join("data/hello.txt"), b"Hello, bog.\n").unwrap();
    root
}

/// Zips a bag directory as a bundle: one top-level directory, the bag.
fn zip_bag(bag: &Path) -> PathBuf {
    let zip_path = bag.with_extension("zip");
    let top = bag.file_name().unwrap().to_str().unwrap();
    let mut writer = zip::ZipWriter::new(fs::File::create(&zip_path).unwrap());
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(bag)
        .into_iter()
        .map(|entry| entry.unwrap())
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| entry.into_path())
        .collect();
    files.sort();
    for file in files {
        let relative = file.strip_prefix(bag).unwrap().to_str().unwrap();
        writer
            .start_file(format!("{top}/{relative}"), options)
            .unwrap();
        writer.write_all(&fs::read(&file).unwrap()).unwrap();
    }
    writer.finish().unwrap();
    zip_path
}

#[test]
fn bagit_python_accepts_a_valid_bag_and_rejects_a_corrupt_one() {
    let dir = tempfile::tempdir().unwrap();
    validators()
        .bagit_validate(&valid_bag(dir.path(), "good"))
        .assert_valid();
    let outcome = validators().bagit_validate(&corrupt_bag(dir.path(), "bad"));
    outcome.assert_invalid();
    assert!(outcome.output().contains("hello.txt"), "{outcome}");
}

#[test]
fn bdbag_accepts_a_valid_zip_and_rejects_a_corrupt_one() {
    let dir = tempfile::tempdir().unwrap();
    let good = zip_bag(&valid_bag(dir.path(), "good"));
    validators().bdbag_validate(&good).assert_valid();
    let bad = zip_bag(&corrupt_bag(dir.path(), "bad"));
    let outcome = validators().bdbag_validate(&bad);
    outcome.assert_invalid();
    assert!(outcome.output().contains("hello.txt"), "{outcome}");
}

#[test]
fn bdbag_enforces_a_profile() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("profile.json");
    let profile_json = serde_json::json!({
        "BagIt-Profile-Info": {
            "BagIt-Profile-Identifier": PROFILE_ID,
            "BagIt-Profile-Version": "1.3.0",
            "Source-Organization": "corpack",
            "External-Description": "Test profile of the validator harness",
            "Version": "0.1"
        },
        "Bag-Info": {
            "BagIt-Profile-Identifier": {"required": true},
            "Payload-Oxum": {"required": true},
            "Contact-Name": {"required": true}
        },
        "Manifests-Required": ["sha256"],
        "Tag-Manifests-Required": ["sha256"],
        "Allow-Fetch.txt": false,
        "Serialization": "required",
        "Accept-Serialization": ["application/zip"],
        "Accept-BagIt-Version": ["1.0"]
    });
    fs::write(&profile, profile_json.to_string()).unwrap();
    let good = zip_bag(&valid_bag(dir.path(), "good"));
    validators()
        .bdbag_validate_profile(&good, &profile)
        .assert_valid();

    // A valid bag that lacks a bag-info field the profile requires.
    let root = dir.path().join("no-contact");
    write_bag(&root, &[("hello.txt", HELLO)], &[]);
    let no_contact = zip_bag(&root);
    validators().bdbag_validate(&no_contact).assert_valid();
    let outcome = validators().bdbag_validate_profile(&no_contact, &profile);
    outcome.assert_invalid();
    assert!(outcome.output().contains("Contact-Name"), "{outcome}");
}

#[test]
fn bdbag_enforces_the_shared_example_profile() {
    let Some(shared) = shared_dir() else { return };
    let profile = shared.join("validators/example-bagit-profile.json");
    let dir = tempfile::tempdir().unwrap();
    let good = zip_bag(&valid_bag(dir.path(), "good"));
    validators()
        .bdbag_validate_profile(&good, &profile)
        .assert_valid();
}

/// An RO-Crate 1.1 directory with one file; `root_extra` is merged into the
/// root dataset.
fn write_crate(dir: &Path, root_extra: serde_json::Value) -> PathBuf {
    let data = dir.join("data");
    fs::create_dir_all(data.join("documents")).unwrap();
    fs::write(data.join("documents/hello.txt"), HELLO).unwrap();
    let mut root = serde_json::json!({
        "@id": "./",
        "@type": "Dataset",
        "name": "Harness test",
        "description": "A crate made by the validator harness test",
        "license": {"@id": "https://spdx.org/licenses/CC-BY-4.0"},
        "hasPart": [{"@id": "documents/hello.txt"}]
    });
    for (key, value) in root_extra.as_object().unwrap() {
        root[key] = value.clone();
    }
    let metadata = serde_json::json!({
        "@context": [
            "https://w3id.org/ro/crate/1.1/context",
            {"sha256": "http://schema.org/sha256"}
        ],
        "@graph": [
            {
                "@id": "ro-crate-metadata.json",
                "@type": "CreativeWork",
                "conformsTo": {"@id": "https://w3id.org/ro/crate/1.1"},
                "about": {"@id": "./"}
            },
            root,
            {
                "@id": "documents/hello.txt",
                "@type": "File",
                "name": "Hello",
                "sha256": hex::encode(Sha256::digest(HELLO))
            }
        ]
    });
    fs::write(
        data.join("ro-crate-metadata.json"),
        serde_json::to_string_pretty(&metadata).unwrap(),
    )
    .unwrap();
    data
}

#[test]
fn rocrate_validator_accepts_a_valid_crate_and_rejects_a_broken_one() {
    let good = tempfile::tempdir().unwrap();
    let outcome = validators().rocrate_validate(&write_crate(
        good.path(),
        serde_json::json!({"datePublished": "2026-11-25"}),
    ));
    outcome.assert_valid();
    assert_eq!(
        outcome.report.as_ref().unwrap()["passed"],
        true,
        "{outcome}"
    );

    // No datePublished on the root dataset: a required property.
    let bad = tempfile::tempdir().unwrap();
    let outcome = validators().rocrate_validate(&write_crate(bad.path(), serde_json::json!({})));
    outcome.assert_invalid();
    assert!(outcome.to_string().contains("datePublished"), "{outcome}");
}

#[test]
#[should_panic(expected = "rocrate-validator gave no verdict")]
fn rocrate_validator_without_the_context_is_no_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let data = write_crate(
        dir.path(),
        serde_json::json!({"datePublished": "2026-11-25"}),
    );
    let empty_cache = dir.path().join("empty-cache/http_cache");
    validators().rocrate_validate_with_cache(&data, &empty_cache);
}
