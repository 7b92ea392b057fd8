//! `corpack verify`: a packed bundle verifies; each kind of damage is found.

use std::fs;
use std::path::{Path, PathBuf};

use predicates::prelude::*;
use predicates::str::contains;

use crate::conformance::verify_json;
use crate::util::{Dir, corpack, sample_collection, unzip};

/// Packs the sample collection and returns the bundle.
fn bundle(dir: &Dir) -> PathBuf {
    let collection = sample_collection(dir, "c");
    let bundle = dir.join("bundle.zip");
    corpack()
        .arg("pack")
        .arg(&collection)
        .arg("-o")
        .arg(&bundle)
        .assert()
        .success();
    bundle
}

/// Packs and unzips the sample collection; returns the bag directory.
fn bag(dir: &Dir) -> PathBuf {
    let bundle = bundle(dir);
    unzip(&bundle, &dir.join("unzipped"));
    dir.join("unzipped/sample")
}

/// Verifies `bag` as JSON; returns the exit code and the finding codes.
fn verdict(bag: &Path) -> (i32, Vec<(String, String)>) {
    let output = corpack()
        .args(["verify", "--json"])
        .arg(bag)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)));
    let findings = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (output.status.code().unwrap(), findings)
}

fn has_code(findings: &[(String, String)], code: &str) -> bool {
    findings.iter().any(|(c, _)| c == code)
}

fn has(findings: &[(String, String)], code: &str, path: &str) -> bool {
    findings.iter().any(|(c, p)| c == code && p == path)
}

#[test]
fn a_packed_bundle_verifies_zipped_and_unzipped() {
    let dir = Dir::new();
    let bundle = bundle(&dir);
    corpack()
        .arg("verify")
        .arg(&bundle)
        .assert()
        .success()
        .stdout(contains("valid: ").and(contains("0 errors, 0 warnings")));
    unzip(&bundle, &dir.join("unzipped"));
    assert_eq!(verdict(&dir.join("unzipped/sample")), (0, vec![]));
}

#[test]
fn one_changed_byte_is_found() {
    let dir = Dir::new();
    let bag = bag(&dir);
    let file = bag.join("data/documents/letter.txt");
    let mut bytes = fs::read(&file).unwrap();
    bytes[0] ^= 0x20;
    fs::write(&file, bytes).unwrap();
    let (code, findings) = verdict(&bag);
    assert_eq!(code, 1);
    assert!(
        has(
            &findings,
            "payload-digest-mismatch",
            "data/documents/letter.txt"
        ),
        "{findings:?}"
    );
    corpack()
        .arg("verify")
        .arg(&bag)
        .assert()
        .code(1)
        .stdout(contains(
            "data/documents/letter.txt: error[payload-digest-mismatch]",
        ));
}

#[test]
fn a_changed_byte_inside_the_zip_is_found() {
    let dir = Dir::new();
    let bundle = bundle(&dir);
    let mut bytes = fs::read(&bundle).unwrap();
    let at = bytes.windows(10).position(|w| w == b"A letter.\n").unwrap();
    bytes[at] = b'B';
    fs::write(&bundle, bytes).unwrap();
    let (code, findings) = verdict(&bundle);
    assert_eq!(code, 1);
    assert!(
        findings
            .iter()
            .any(|(_, p)| p == "data/documents/letter.txt"),
        "{findings:?}"
    );
}

#[test]
fn a_removed_file_is_found() {
    let dir = Dir::new();
    let bag = bag(&dir);
    fs::remove_file(bag.join("data/documents/with space.csv")).unwrap();
    let (code, findings) = verdict(&bag);
    assert_eq!(code, 1);
    assert!(
        has(
            &findings,
            "payload-file-missing",
            "data/documents/with space.csv"
        ),
        "{findings:?}"
    );
    assert!(
        has(&findings, "payload-oxum-mismatch", "bag-info.txt"),
        "{findings:?}"
    );
}

#[test]
fn an_added_file_is_found() {
    let dir = Dir::new();
    let bag = bag(&dir);
    fs::write(bag.join("data/documents/extra.txt"), "smuggled\n").unwrap();
    let (code, findings) = verdict(&bag);
    assert_eq!(code, 1);
    assert!(
        has(
            &findings,
            "payload-file-unlisted",
            "data/documents/extra.txt"
        ),
        "{findings:?}"
    );
}

#[test]
fn a_changed_manifest_line_is_found() {
    let dir = Dir::new();
    let bag = bag(&dir);
    let manifest = bag.join("manifest-sha256.txt");
    let text = fs::read_to_string(&manifest).unwrap();
    let line = text.lines().find(|l| l.ends_with("letter.txt")).unwrap();
    let changed = format!("{}{}", "0".repeat(64), &line[64..]);
    fs::write(&manifest, text.replace(line, &changed)).unwrap();
    let (code, findings) = verdict(&bag);
    assert_eq!(code, 1);
    assert!(
        has(
            &findings,
            "payload-digest-mismatch",
            "data/documents/letter.txt"
        ),
        "{findings:?}"
    );
    assert!(
        has(&findings, "tag-digest-mismatch", "manifest-sha256.txt"),
        "{findings:?}"
    );
}

#[test]
fn fast_checks_completeness_only() {
    let dir = Dir::new();
    let bag = bag(&dir);
    let file = bag.join("data/documents/letter.txt");
    let mut bytes = fs::read(&file).unwrap();
    bytes[0] ^= 0x20;
    fs::write(&file, bytes).unwrap();
    corpack()
        .args(["verify", "--fast"])
        .arg(&bag)
        .assert()
        .success()
        .stdout(predicates::str::starts_with("complete: "))
        .stdout(contains(
            "completeness and Payload-Oxum only, no checksum verified",
        ));
    fs::remove_file(&file).unwrap();
    corpack()
        .args(["verify", "--fast"])
        .arg(&bag)
        .assert()
        .code(1)
        .stdout(contains("payload-file-missing"));
}

#[test]
fn what_is_not_a_bag_is_an_error() {
    let dir = Dir::new();
    let not_zip = dir.create("x.zip", "not a zip");
    corpack()
        .arg("verify")
        .arg(&not_zip)
        .assert()
        .code(2)
        .stderr(contains("x.zip").and(contains("it is not a zip, or it is truncated")));
    let bundle = fs::read(bundle(&dir)).unwrap();
    let cut = dir.create("cut.zip", &bundle[..bundle.len() - 10]);
    corpack()
        .arg("verify")
        .arg(&cut)
        .assert()
        .code(2)
        .stderr(contains("cut.zip").and(contains("truncated")));
    corpack()
        .arg("verify")
        .arg(dir.join("missing"))
        .assert()
        .code(2)
        .stderr(contains("missing"));
}

#[test]
fn ro_crate_metadata_that_disagrees_with_the_payload_is_found() {
    let dir = Dir::new();
    let bag = bag(&dir);
    let metadata = bag.join("data/ro-crate-metadata.json");
    let text = fs::read_to_string(&metadata).unwrap();
    let letter = fs::read(bag.join("data/documents/letter.txt")).unwrap();
    let size = format!("\"contentSize\": \"{}\"", letter.len());
    assert!(text.contains(&size));
    let changed = text.replace(&size, "\"contentSize\": \"999\"");
    fs::write(&metadata, changed).unwrap();
    // Make the manifests agree, so only the RO-Crate check can object.
    rehash_manifests(&bag);
    let (code, findings) = verdict(&bag);
    assert_eq!(code, 1, "{findings:?}");
    assert!(
        has(&findings, "rocrate-mismatch", "data/documents/letter.txt"),
        "{findings:?}"
    );

    fs::write(&metadata, "{\"not\": \"a crate\"}").unwrap();
    rehash_manifests(&bag);
    let (code, findings) = verdict(&bag);
    assert_eq!(code, 1);
    assert!(
        has(&findings, "rocrate-invalid", "data/ro-crate-metadata.json"),
        "{findings:?}"
    );
}

#[test]
fn a_file_id_is_read_as_a_relative_uri() {
    // RO-Crate 1.1: a File's @id is a URI path relative to the crate's root,
    // so `./documents/letter.txt` names the letter, and `../` cannot.
    let dir = Dir::new();
    let bag = bag(&dir);
    let metadata = bag.join("data/ro-crate-metadata.json");
    let text = fs::read_to_string(&metadata).unwrap();
    let letter = "\"documents/letter.txt\"";
    assert!(text.contains(letter));
    for (id, valid) in [
        ("./documents/letter.txt", true),
        ("documents/./notes/../letter.txt", true),
        ("documents/../../letter.txt", false),
    ] {
        fs::write(&metadata, text.replace(letter, &format!("{id:?}"))).unwrap();
        rehash_manifests(&bag);
        let (code, findings) = verdict(&bag);
        if valid {
            assert_eq!(code, 0, "{id}: {findings:?}");
            assert!(findings.is_empty(), "{id}: {findings:?}");
        } else {
            assert_eq!(code, 1, "{id}: {findings:?}");
            assert!(
                has(&findings, "rocrate-invalid", "data/ro-crate-metadata.json"),
                "{id}: {findings:?}"
            );
        }
    }
}

#[test]
fn a_file_named_in_another_normalization_form_is_said_to_be_so() {
    let dir = Dir::new();
    let bag = bag(&dir);
    let metadata = bag.join("data/ro-crate-metadata.json");
    let text = fs::read_to_string(&metadata).unwrap();
    let nfc = "documents/notes/Überblick.md";
    assert!(text.contains(nfc));
    fs::write(
        &metadata,
        text.replace(nfc, "documents/notes/U\u{308}berblick.md"),
    )
    .unwrap();
    rehash_manifests(&bag);
    let report = verify_json(&bag, &[]).report;
    let absent = (report["findings"].as_array().unwrap().iter())
        .find(|f| f["code"] == "rocrate-mismatch")
        .unwrap_or_else(|| panic!("{report:#}"));
    let message = absent["message"].as_str().unwrap();
    assert!(
        message.ends_with(&format!(
            "absent: the bag has {:?}, the same name in another Unicode normalization form",
            format!("data/{nfc}")
        )),
        "{message}"
    );
}

/// Edits the `@graph` of a bag's RO-Crate, then its manifests to agree.
fn edit_graph(bag: &Path, edit: impl FnOnce(&mut Vec<serde_json::Value>)) {
    let metadata = bag.join("data/ro-crate-metadata.json");
    let mut crate_json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&metadata).unwrap()).unwrap();
    edit(crate_json["@graph"].as_array_mut().unwrap());
    fs::write(&metadata, crate_json.to_string()).unwrap();
    rehash_manifests(bag);
}

#[test]
fn a_directory_the_crate_describes_must_be_in_the_payload() {
    // RO-Crate 1.1: a data entity is a file or directory of the payload,
    // or on the web.
    use serde_json::json;
    let dir = Dir::new();
    let bag = bag(&dir);
    edit_graph(&bag, |graph| {
        graph.push(json!({"@id": "documents/notes/", "@type": "Dataset"}));
    });
    let (code, findings) = verdict(&bag);
    assert_eq!(code, 0, "{findings:?}");
    edit_graph(&bag, |graph| {
        graph.push(json!({"@id": "documents/gone/", "@type": "Dataset"}));
    });
    let (code, findings) = verdict(&bag);
    assert_eq!(code, 1, "{findings:?}");
    assert!(
        has(&findings, "rocrate-mismatch", "data/documents/gone/"),
        "{findings:?}"
    );
}

#[test]
fn ro_crate_mismatches_are_reported_in_graph_order() {
    use corpack::digest::Digests;
    use serde_json::{Value, json};
    let dir = Dir::new();
    let bag = bag(&dir);
    let letter_sha256 = Digests::of(b"A letter.\n").sha256;
    edit_graph(&bag, |graph| {
        let mut take = |id: &str| {
            let at = graph.iter().position(|e| e["@id"] == id).unwrap();
            graph.remove(at)
        };
        let mut letter = take("documents/letter.txt");
        let mut notes = take("documents/notes/Überblick.md");
        let mut table = take("documents/with%20space.csv");
        letter["sha256"] = json!("0".repeat(64));
        let notes_sha256 = notes["sha256"].as_str().unwrap().to_uppercase();
        notes["sha256"] = json!(notes_sha256);
        table["contentSize"] = json!("999");
        let absent = json!({"@id": "documents/absent.txt", "@type": "File"});
        // The letter again, under another spelling of its path, rightly.
        let letter_again =
            json!({"@id": "documents/%6Cetter.txt", "@type": "File", "sha256": letter_sha256});
        graph.extend([absent, table, letter_again, letter, notes]);
    });
    let output = corpack()
        .args(["verify", "--json"])
        .arg(&bag)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let mismatches: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "rocrate-mismatch")
        .map(|f| (f["path"].as_str().unwrap(), f["message"].as_str().unwrap()))
        .collect();
    let zeros = "0".repeat(64);
    // The notes' digest in upper case is the same digest: no mismatch.
    assert_eq!(
        mismatches,
        [
            (
                "data/documents/absent.txt",
                "data/ro-crate-metadata.json describes it, but it is absent"
            ),
            (
                "data/documents/with space.csv",
                "data/ro-crate-metadata.json gives contentSize 999, the file has 8 bytes"
            ),
            (
                "data/documents/letter.txt",
                &*format!(
                    "data/ro-crate-metadata.json gives sha256 {zeros}, the file has {letter_sha256}"
                )
            ),
        ]
    );
}

/// Rewrites every manifest and tag manifest of a corpack bag from the files,
/// and its Payload-Oxum from the payload.
pub fn rehash_manifests(bag: &Path) {
    use corpack::digest::Digests;
    let payload = fs::read_to_string(bag.join("manifest-sha256.txt")).unwrap();
    let (mut octets, mut count) = (0, 0);
    for line in payload.lines() {
        let (_, file) = line.split_once("  ").unwrap();
        octets += fs::metadata(bag.join(file)).unwrap().len();
        count += 1;
    }
    let bag_info = bag.join("bag-info.txt");
    let text = fs::read_to_string(&bag_info).unwrap();
    let lines: Vec<String> = (text.lines())
        .map(|line| match line.starts_with("Payload-Oxum:") {
            true => format!("Payload-Oxum: {octets}.{count}"),
            false => line.to_string(),
        })
        .collect();
    fs::write(&bag_info, lines.join("\n") + "\n").unwrap();
    let rewrite = |manifest: &str, algorithm: fn(&Digests) -> &str| {
        let path = bag.join(manifest);
        let text = fs::read_to_string(&path).unwrap();
        let mut out = String::new();
        for line in text.lines() {
            let (_, file) = line.split_once("  ").unwrap();
            let digests = Digests::of(&fs::read(bag.join(file)).unwrap());
            out.push_str(&format!("{}  {file}\n", algorithm(&digests)));
        }
        fs::write(&path, out).unwrap();
    };
    rewrite("manifest-sha256.txt", |d| &d.sha256);
    rewrite("manifest-sha512.txt", |d| &d.sha512);
    rewrite("tagmanifest-sha256.txt", |d| &d.sha256);
    rewrite("tagmanifest-sha512.txt", |d| &d.sha512);
}

/// A bag another tool made, whose payload is the RO-Crate `crate_json`
/// describing `a.txt`.
fn foreign_crate_bag(dir: &Dir, crate_json: &serde_json::Value) -> PathBuf {
    use corpack::digest::Algorithm;
    let root = dir.join("bag");
    let metadata = crate_json.to_string();
    crate::rfc8493::write_bag(
        &root,
        "1.0",
        &[
            ("data/a.txt", b"hello"),
            ("data/ro-crate-metadata.json", metadata.as_bytes()),
        ],
        &[Algorithm::Sha256],
    );
    root
}

/// A crate of `version`, as ro-crate-py writes it, whose file `a.txt` has
/// the `contentSize` given.
fn foreign_crate(version: &str, content_size: &str) -> serde_json::Value {
    serde_json::json!({
        "@context": format!("https://w3id.org/ro/crate/{version}/context"),
        "@graph": [
            {"@id": "./", "@type": "Dataset", "name": "x", "description": "y",
             "datePublished": "2024-01-01", "hasPart": [{"@id": "a.txt"}]},
            {"@id": "ro-crate-metadata.json", "@type": "CreativeWork",
             "about": {"@id": "./"},
             "conformsTo": {"@id": format!("https://w3id.org/ro/crate/{version}")}},
            {"@id": "a.txt", "@type": "File", "name": "A", "contentSize": content_size},
        ]
    })
}

#[test]
fn a_bag_holding_an_rocrate_of_another_version_is_valid() {
    // RFC 8493 §3 judges a bag without knowing what its payload means, and
    // ro-crate-py writes RO-Crate 1.2 by default: such a bag is valid, its
    // crate left unchecked with a warning (corpack reads RO-Crate 1.1).
    for version in ["1.2", "1.0"] {
        let dir = Dir::new();
        let bag = foreign_crate_bag(&dir, &foreign_crate(version, "999"));
        let verdict = crate::conformance::verify_json(&bag, &[]);
        assert_eq!(verdict.code, 0, "{version}: {:#?}", verdict.findings());
        assert!(
            verdict.has("warning", "rocrate-invalid"),
            "{version}: {:#?}",
            verdict.findings()
        );
    }
    // An RO-Crate 1.1 is still compared with the payload.
    let dir = Dir::new();
    let bag = foreign_crate_bag(&dir, &foreign_crate("1.1", "999"));
    let verdict = crate::conformance::verify_json(&bag, &[]);
    assert_eq!(verdict.code, 1, "{:#?}", verdict.findings());
    assert!(verdict.has("error", "rocrate-mismatch"));
}

#[test]
fn a_content_size_in_other_words_than_bytes_is_not_an_error() {
    // schema.org's contentSize is text, "File size in (mega/kilo) bytes":
    // RO-Crate 1.1 takes "5 B" or "12 kB" as well as "5".
    for size in ["5 B", "0.005 kB", "5"] {
        let dir = Dir::new();
        let bag = foreign_crate_bag(&dir, &foreign_crate("1.1", size));
        let verdict = crate::conformance::verify_json(&bag, &[]);
        assert_eq!(verdict.code, 0, "{size}: {:#?}", verdict.findings());
        assert!(!verdict.has("warning", "rocrate-invalid"), "{size}");
    }
}

#[test]
fn a_status_in_schema_org_s_sense_is_not_an_error_in_another_tool_s_crate() {
    // schema.org's creativeWorkStatus is free text ("Draft", "Published"),
    // as is reviewAspect: only a crate using corpack's terms means by them
    // a contested status, and only there is another word an error.
    let mut crate_json = foreign_crate("1.1", "5");
    crate_json["@graph"][2]["identifier"] = serde_json::json!("a-1");
    crate_json["@graph"][2]["creativeWorkStatus"] = serde_json::json!("Published");
    let dir = Dir::new();
    let bag = foreign_crate_bag(&dir, &crate_json);
    let verdict = crate::conformance::verify_json(&bag, &[]);
    assert_eq!(verdict.code, 0, "{:#?}", verdict.findings());
    // With corpack's terms in its @context, the same word is an error.
    crate_json["@context"] = serde_json::json!([
        "https://w3id.org/ro/crate/1.1/context",
        {"held": "https://w3id.org/ro/terms/corpack#held"}
    ]);
    let dir = Dir::new();
    let bag = foreign_crate_bag(&dir, &crate_json);
    let verdict = crate::conformance::verify_json(&bag, &[]);
    assert_eq!(verdict.code, 1, "{:#?}", verdict.findings());
    assert!(verdict.has("error", "rocrate-invalid"));
}

/// `zip` with Zip64 end records it did not need (every field of the end
/// record holds its value, none the -1 that calls for them) inserted
/// before the end record.
fn with_unneeded_zip64_end(zip: &[u8]) -> Vec<u8> {
    let end = zip.len() - 22;
    let field = |at: usize, len: usize| {
        let mut bytes = [0; 8];
        bytes[..len].copy_from_slice(&zip[end + at..end + at + len]);
        u64::from_le_bytes(bytes)
    };
    let (count, size, offset) = (field(10, 2), field(12, 4), field(16, 4));
    let mut out = zip[..end].to_vec();
    out.extend_from_slice(&0x0606_4b50u32.to_le_bytes());
    out.extend_from_slice(&44u64.to_le_bytes());
    out.extend_from_slice(&[45, 3, 45, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    for value in [count, count, size, offset] {
        out.extend_from_slice(&value.to_le_bytes());
    }
    out.extend_from_slice(&0x0706_4b50u32.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&(end as u64).to_le_bytes());
    out.extend_from_slice(&1u32.to_le_bytes());
    out.extend_from_slice(&zip[end..]);
    out
}

#[test]
fn a_tarred_bag_is_unreadable_with_a_hint_to_unpack_it() {
    let dir = Dir::new();
    let mut tar = vec![0u8; 1024];
    tar[..8].copy_from_slice(b"bag/data");
    tar[257..263].copy_from_slice(b"ustar\0");
    let gzip = [&[0x1f, 0x8b, 8, 0][..], &[0; 16]].concat();
    for (name, bytes, hint) in [
        ("b.tgz", gzip, "it is gzip-compressed (a .tgz?): unpack it"),
        ("b.tar", tar, "it is a tar archive: unpack it"),
    ] {
        corpack()
            .arg("verify")
            .arg(dir.create(name, bytes))
            .assert()
            .code(2)
            .stderr(contains("error[unreadable]").and(contains(hint)));
    }
}

#[test]
fn a_zip_with_zip64_end_records_it_did_not_need_verifies() {
    use crate::rawzip::{RawEntry, sha256, zip};
    // The Zip64 end record and its locator take 76 bytes, as does a central
    // header with a name of 30 bytes: a search for where the central
    // directory starts, counting back its size from the end record, finds
    // the second header there and read the archive from the wrong place.
    for top in ["bag-with-a-long-name", "bag"] {
        let bagit = format!("{top}/bagit.txt");
        let entries = [
            RawEntry::stored(
                &bagit,
                b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
            ),
            RawEntry::stored(
                &format!("{top}/manifest-sha256.txt"),
                format!("{}  data/a.txt\n", sha256(b"alpha")).as_bytes(),
            ),
            RawEntry::deflated(&format!("{top}/data/a.txt"), b"alpha"),
        ];
        let dir = Dir::new();
        let path = dir.create("z64.zip", with_unneeded_zip64_end(&zip(&entries)));
        assert_eq!(verdict(&path), (0, vec![]), "{bagit}");
    }
}

/// A payload file whose name cannot be used in a bag (a backslash, as
/// bagit-python writes it on Linux; not UTF-8, a directory's name too) is
/// reported and never read; the Payload-Oxum that counts it is not called
/// wrong for that, and one wrong for other reasons still is: the file's
/// size is known, from the file system or the zip's central directory.
#[test]
fn a_file_of_an_unusable_name_is_counted_in_payload_oxum() {
    use std::os::unix::ffi::OsStrExt;

    use crate::rawzip::{RawEntry, UTF8_FLAG, zip};

    let dir = Dir::new();
    let root = dir.join("bag");
    crate::rfc8493::write_bag(
        &root,
        "1.0",
        &[("data/a.txt", b"a\n"), ("data/back\\slash.txt", b"b\n")],
        &[corpack::digest::Algorithm::Sha256],
    );
    let not_utf8 = root
        .join("data")
        .join(std::ffi::OsStr::from_bytes(b"d\xff"));
    fs::create_dir(&not_utf8).unwrap();
    fs::write(not_utf8.join("c.txt"), b"cc\n").unwrap();
    // Two files of 2 bytes and one of 3; one wrong thing each.
    for (oxum, wrong) in [("7.3", false), ("7.8", true), ("9.3", true), ("2.1", true)] {
        fs::write(root.join("bag-info.txt"), format!("Payload-Oxum: {oxum}\n")).unwrap();
        crate::rfc8493::retag(&root);
        // The same bag zipped under a top directory, as bundles are: the
        // zip's findings name the entries whole, "bag/data/back\slash.txt".
        let mut entries = Vec::new();
        for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let relative = entry.path().strip_prefix(&root).unwrap();
                let mut name = b"bag/".to_vec();
                name.extend_from_slice(relative.as_os_str().as_bytes());
                // Flagged UTF-8, which d\xff is not.
                entries.push(RawEntry {
                    flags: if name.is_ascii() { 0 } else { UTF8_FLAG },
                    name,
                    ..RawEntry::stored("x", &fs::read(entry.path()).unwrap())
                });
            }
        }
        let zipped = dir.create("bag.zip", zip(&entries));
        for bag in [&root, &zipped] {
            let (code, findings) = verdict(bag);
            assert_eq!(code, 1);
            assert!(
                findings
                    .iter()
                    .any(|(code, path)| code == "unsafe-path"
                        && path.ends_with("data/back\\slash.txt")),
                "{findings:?}"
            );
            assert!(has_code(&findings, "name-not-utf8"), "{findings:?}");
            assert_eq!(
                has_code(&findings, "payload-oxum-mismatch"),
                wrong,
                "{oxum} in {bag:?}: {findings:?}"
            );
        }
    }
}

/// A bag given one directory too high is told where its bagit.txt is.
#[test]
fn a_bag_one_directory_down_is_pointed_at() {
    let dir = Dir::new();
    let bag = bag(&dir);
    let outer = dir.join("outer");
    fs::create_dir(&outer).unwrap();
    fs::rename(&bag, outer.join("inner")).unwrap();
    corpack()
        .arg("verify")
        .arg(&outer)
        .assert()
        .code(1)
        .stdout(contains(
            "the bag has no bagit.txt at its root, but holds \"inner/bagit.txt\": is the bag \
             that file's directory?",
        ));
    // Under a directory named data/ too, unless what holds it has
    // manifests: a bag that lost its bagit.txt, whose payload holds a bag.
    fs::rename(&outer, dir.join("data")).unwrap();
    let top = dir.join("top");
    fs::create_dir(&top).unwrap();
    fs::rename(dir.join("data"), top.join("data")).unwrap();
    corpack()
        .arg("verify")
        .arg(&top)
        .assert()
        .code(1)
        .stdout(contains("but holds \"data/inner/bagit.txt\""));
    for tag_file in ["manifest-sha256.txt", "bag-info.txt"] {
        fs::write(top.join(tag_file), "").unwrap();
        corpack()
            .arg("verify")
            .arg(&top)
            .assert()
            .code(1)
            .stdout(contains("the bag has no bagit.txt\n"));
        fs::remove_file(top.join(tag_file)).unwrap();
    }
}
