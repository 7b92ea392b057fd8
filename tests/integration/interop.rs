//! Collections of odd but valid values, packed and exported, and judged by
//! the external tools an archive would run on them: what corpack accepts,
//! those tools must read.

use std::fs;
use std::path::{Path, PathBuf};

use predicates::prelude::*;
use predicates::str::contains;

use crate::conformance::{Verdict, verify_json};
use crate::datacite::export;
use crate::util::{COLLECTION_HEADER, Dir, corpack, unzip};
use crate::validators::validators;

/// Writes a collection `dir/c` of one held document per file name, and
/// returns its path.
fn collection_of_files(dir: &Dir, files: &[&str]) -> PathBuf {
    let mut toml = COLLECTION_HEADER.to_string();
    for (index, file) in files.iter().enumerate() {
        dir.create(&format!("c/{file}"), format!("document {index}\n"));
        let file = file.replace('\\', "\\\\").replace('"', "\\\"");
        toml.push_str(&format!(
            "\n[[document]]\nid = \"d{index}\"\ntitle = \"T\"\nfile = \"{file}\"\n"
        ));
    }
    dir.create("c/collection.toml", toml);
    dir.join("c")
}

/// Packs `collection` with `flags` into `dir/out.zip` and unzips it into
/// `dir/unzipped`; returns the bundle and the bag directory.
fn pack_and_unzip(dir: &Dir, collection: &Path, flags: &[&str]) -> (PathBuf, PathBuf) {
    let bundle = dir.join("out.zip");
    corpack()
        .arg("pack")
        .arg(collection)
        .arg("-o")
        .arg(&bundle)
        .args(flags)
        .arg("--quiet")
        .assert()
        .success();
    unzip(&bundle, &dir.join("unzipped"));
    (bundle, dir.join("unzipped/sample"))
}

#[test]
fn bagit_python_and_bdbag_read_every_odd_name_the_names_policy_accepts() {
    let dir = Dir::new();
    let collection = collection_of_files(
        &dir,
        &[
            "empty/a/b/c/d/e/f/g/h/i/deep name.txt",
            "Cafe\u{301} e\u{301}te\u{301}.txt",
            "hash#amp&plus+[1]@x;y=z'q.txt",
            "\u{a0}leading no-break space.txt",
            "no-break space at a directory's end\u{a0}/a.txt",
            "inner\u{a0}no-break\u{3000}spaces.txt",
            "ends with a zero-width no-break space\u{feff}",
            "emoji \u{1f600}.md",
            "\u{5e2}\u{5d1}\u{5e8}\u{5d9}\u{5ea}.txt",
            "-leading-dash",
            "spaces  two.txt",
        ],
    );
    fs::write(collection.join("empty/a/b/c/d/e/f/g/h/i/deep name.txt"), "").unwrap();
    let (bundle, bag) = pack_and_unzip(&dir, &collection, &[]);
    validators().bagit_validate(&bag).assert_valid();
    validators().bdbag_validate(&bundle).assert_valid();
    validators()
        .rocrate_validate(&bag.join("data"))
        .assert_valid();
}

/// bagit-python (and bdbag, built on it) reads a manifest as Python text:
/// it strips white space from the ends of each line, the Unicode white
/// space too, and breaks lines at U+2028 and U+2029. A name ending in such
/// white space, or holding such a separator, is then missing to it, though
/// the bag is valid: the names policy refuses it unless allowed.
#[test]
fn names_bagit_python_misreads_are_refused_unless_allowed() {
    for file in [
        "no-break space\u{a0}",
        "ideographic space.txt\u{3000}",
        "line\u{2028}separator.txt",
        "paragraph\u{2029}separator.txt",
    ] {
        let dir = Dir::new();
        let collection = collection_of_files(&dir, &[file]);
        corpack()
            .arg("pack")
            .arg(&collection)
            .arg("-o")
            .arg(dir.join("refused.zip"))
            .assert()
            .code(2)
            .stderr(contains("error[unicode-white-space]"));
        let (bundle, bag) = pack_and_unzip(&dir, &collection, &["--allow", "unicode-white-space"]);
        corpack().arg("verify").arg(&bundle).assert().success();
        let outcome = validators().bagit_validate(&bag);
        outcome.assert_invalid();
        assert!(
            outcome.output().contains("not found"),
            "{file:?}: {outcome}"
        );
    }
}

/// Collection fields with the information separators U+001C to U+001F,
/// which Python counts as white space and (but U+001F) as line ends, and
/// a line separator: as TOML escapes.
const SEPARATED: &str = r#"[collection]
id = "sample"
title = "Title\u001Cfile\u001Dgroup\u001Erecord\u001Funit\u2028line"
description = "Description\u001Cfile\u001Dgroup\u001Erecord\u001Funit"
license = "CC0-1.0"
date = "2026-11-25"
source_organization = "Organization\u001Cfile"
contact_name = "Contact\u001Efile"

[[document]]
id = "a"
title = "A\u000Bvertical tab\u000Cform feed\u001Cfile"
file = "a.txt"
license = "CC0-1.0"

[document.provenance]
authors = ["An\u001Fauthor"]
context = "Context\u0007bell\u001Bescape"
"#;

/// bagit-python reads `bag-info.txt` a line at a time as Python text, in
/// which U+001C to U+001E end a line: a value holding one would be cut in
/// two and the bag refused.
#[test]
fn bag_info_reads_in_bagit_python_and_bdbag_whatever_the_collection_fields_hold() {
    let dir = Dir::new();
    dir.create("c/collection.toml", SEPARATED);
    dir.create("c/a.txt", "a\n");
    let (bundle, bag) = pack_and_unzip(&dir, &dir.join("c"), &[]);
    validators().bagit_validate(&bag).assert_valid();
    validators().bdbag_validate(&bundle).assert_valid();
    let bag_info = fs::read_to_string(bag.join("bag-info.txt")).unwrap();
    assert!(
        bag_info.contains("Title: Title file group record unit line\n"),
        "{bag_info}"
    );
}

/// DataCite keeps its records as XML, which cannot hold most control
/// characters: the records must convert.
#[test]
fn datacite_records_convert_to_xml_whatever_the_text_holds() {
    let dir = Dir::new();
    dir.create("c/collection.toml", SEPARATED);
    dir.create("c/a.txt", "a\n");
    let (bundle, _) = pack_and_unzip(&dir, &dir.join("c"), &[]);
    let out = dir.join("datacite");
    export("datacite", &bundle, &out);
    validators().datacite_validate(&[&out]).assert_valid();
    let record = fs::read_to_string(out.join("documents/a.json")).unwrap();
    assert!(
        record.contains("A\u{fffd}vertical tab\u{fffd}form feed\u{fffd}file"),
        "{record}"
    );
}

/// A NUL character makes no text for BagIt (`bag-info.txt` would not be
/// text, and `verify` would refuse the bag), XML or a database: a record
/// holding one is refused, at its field.
#[test]
fn a_nul_character_in_the_records_is_a_record_error() {
    let dir = Dir::new();
    let toml = SEPARATED
        .replace("title = \"Title", "title = \"Title\\u0000")
        .replace("context = \"Context", "context = \"Context\\u0000");
    dir.create("c/collection.toml", toml);
    dir.create("c/a.txt", "a\n");
    corpack()
        .arg("pack")
        .arg(dir.join("c"))
        .arg("-o")
        .arg(dir.join("out.zip"))
        .assert()
        .code(2)
        .stderr(
            contains("collection.toml:3:9: collection.title: holds a NUL")
                .and(contains(
                    "collection.toml:18:11: document[1].provenance.context: holds a NUL",
                ))
                .and(contains("U+0000")),
        );
    assert!(!dir.join("out.zip").exists());
}

/// The licence entities of the crate packed from `dir/c`, by the licence
/// as written (`identifier`).
fn licence_entities(dir: &Dir) -> serde_json::Map<String, serde_json::Value> {
    let (_, bag) = pack_and_unzip(dir, &dir.join("c"), &[]);
    let crate_json = fs::read_to_string(bag.join("data/ro-crate-metadata.json")).unwrap();
    let graph: serde_json::Value = serde_json::from_str(&crate_json).unwrap();
    graph["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entity| entity["@type"] == "CreativeWork")
        .filter_map(|entity| Some((entity["identifier"].as_str()?.to_string(), entity.clone())))
        .collect()
}

/// An SPDX id with a `+` ("or any later version") is named as the SPDX
/// licence list names that id, not as the id without its `+`, which for
/// GPL-2.0 is "only" and so says the opposite.
#[test]
fn a_licence_id_with_a_plus_is_not_named_as_the_id_without_it() {
    let dir = Dir::new();
    let mut toml = COLLECTION_HEADER.to_string();
    for (index, license) in ["GPL-2.0+", "LGPL-2.1+", "MIT+", "GPL-2.0"]
        .iter()
        .enumerate()
    {
        dir.create(&format!("c/{index}.txt"), "a\n");
        toml.push_str(&format!(
            "\n[[document]]\nid = \"d{index}\"\ntitle = \"T\"\nfile = \"{index}.txt\"\nlicense = \"{license}\"\n"
        ));
    }
    dir.create("c/collection.toml", toml);
    let licences = licence_entities(&dir);
    let name = |id: &str| licences[id]["name"].clone();
    assert_eq!(name("GPL-2.0+"), "GNU General Public License v2.0 or later");
    assert_eq!(
        name("LGPL-2.1+"),
        "GNU Lesser General Public License v2.1 or later"
    );
    assert_eq!(name("GPL-2.0"), "GNU General Public License v2.0 only");
    // Not on the list: named by its id, as any other id the list lacks.
    assert_eq!(name("MIT+"), "MIT+");
}

/// RO-Crate 1.1 asks for a valid HTML 5 preview, and HTML 5 makes a parse
/// error of every control character but white space, and of the
/// noncharacters (U+FDD0 to U+FDEF, U+FFFE, U+FFFF, …), in the text and in
/// the copy of the JSON-LD alike.
#[test]
fn the_preview_is_html_5_whatever_the_records_hold() {
    let dir = Dir::new();
    let toml = SEPARATED.replace(
        "title = \"A\\u000B",
        "title = \"A\\u0085next line\\u007Fdelete\\u009Fcontrol\\uFDD0\\uFFFF\\U0010FFFE",
    );
    dir.create("c/collection.toml", toml);
    dir.create("c/a.txt", "a\n");
    let (_, bag) = pack_and_unzip(&dir, &dir.join("c"), &[]);
    validators()
        .html5_validate(&bag.join("data/ro-crate-preview.html"))
        .assert_valid();
}

/// `bag-info.txt` holds each collection field on one line, and `verify`
/// reads no line over 1 MiB: a field too long for that is a record error,
/// where the pack made a bag its own `verify` refused.
#[test]
fn a_collection_field_too_long_for_a_bag_info_line_is_a_record_error() {
    let dir = Dir::new();
    let description = "word ".repeat(220_000);
    let toml = COLLECTION_HEADER.replace(
        "description = \"Documents for tests\"",
        &format!("description = \"{}\"", description.trim_end()),
    );
    dir.create("c/collection.toml", toml);
    corpack()
        .arg("pack")
        .arg(dir.join("c"))
        .arg("-o")
        .arg(dir.join("out.zip"))
        .assert()
        .code(2)
        .stderr(contains("collection.toml:4:15: collection.description: ").and(contains("1 MiB")));
    assert!(!dir.join("out.zip").exists());

    let fits = COLLECTION_HEADER.replace(
        "description = \"Documents for tests\"",
        &format!(
            "description = \"{}\"",
            "w".repeat(1_048_576 - "External-Description: ".len())
        ),
    );
    dir.create("c/collection.toml", fits);
    let (bundle, _) = pack_and_unzip(&dir, &dir.join("c"), &[]);
    corpack().arg("verify").arg(&bundle).assert().success();
}

/// The InvenioRDM record's `languages` of documents in each language
/// given, packed and exported, after the InvenioRDM validator, which checks
/// them against its language vocabulary, found the records valid.
fn invenio_languages(languages: &[&str]) -> Vec<serde_json::Value> {
    let dir = Dir::new();
    let mut toml = COLLECTION_HEADER.to_string();
    for (index, language) in languages.iter().enumerate() {
        dir.create(&format!("c/{index}.txt"), "a\n");
        toml.push_str(&format!(
            "\n[[document]]\nid = \"d{index}\"\ntitle = \"Title\"\nfile = \"{index}.txt\"\nlanguage = \"{language}\"\n"
        ));
    }
    dir.create("c/collection.toml", toml);
    let (bundle, _) = pack_and_unzip(&dir, &dir.join("c"), &[]);
    let out = dir.join("invenio");
    export("invenio", &bundle, &out);
    validators().invenio_validate(&[&out]).assert_valid();
    (0..languages.len())
        .map(|index| {
            let record: serde_json::Value = serde_json::from_str(
                &fs::read_to_string(out.join(format!("documents/d{index}.json"))).unwrap(),
            )
            .unwrap();
            record["metadata"]["languages"].clone()
        })
        .collect()
}

/// BCP 47 keeps the ISO 639-1 codes ISO withdrew (`iw`, `in`, `ji`, `jw`,
/// `mo`) as deprecated subtags with a preferred value: their language has
/// an ISO 639-3 code, which the InvenioRDM record gives.
#[test]
fn a_deprecated_language_subtag_keeps_its_language_in_invenio() {
    let languages = invenio_languages(&["iw", "in-ID", "ji", "jw", "mo"]);
    for (language, expected) in languages.iter().zip(["heb", "ind", "yid", "jav", "ron"]) {
        assert_eq!(language, &serde_json::json!([{"id": expected}]));
    }
}

/// A grandfathered tag's preferred value and an extended language subtag
/// (RFC 5646 §2.2.2: `zh-yue` is Cantonese, not Chinese) are languages of
/// their own, each with an ISO 639-3 id InvenioRDM's vocabulary holds.
#[test]
fn grandfathered_tags_and_extended_language_subtags_keep_their_language_in_invenio() {
    let tags = [
        "i-klingon",
        "art-lojban",
        "zh-min-nan",
        "zh-yue",
        "zh-cmn-Hans",
        "sgn-ase",
    ];
    let languages = invenio_languages(&tags);
    for ((tag, language), expected) in tags
        .iter()
        .zip(&languages)
        .zip(["tlh", "jbo", "nan", "yue", "cmn", "ase"])
    {
        assert_eq!(language, &serde_json::json!([{"id": expected}]), "{tag}");
    }
}

/// A licence URL is the licence's `@id` in the crate, DataCite's
/// `rightsUri` and the preview's link: written with a character no URL may
/// hold (RFC 3986), it would be none of them, as no other URL of the
/// records may be; it is a record error at the field.
#[test]
fn a_licence_url_holding_what_no_url_may_hold_is_a_record_error() {
    for url in [
        "https://example.org/terms?a=<b>",
        "https://example.org/a\\u0001b",
        "https://",
    ] {
        let dir = Dir::new();
        let toml = COLLECTION_HEADER.replace("\"CC-BY-4.0\"", &format!("\"{url}\""));
        dir.create("c/collection.toml", toml);
        corpack()
            .arg("check")
            .arg(dir.join("c"))
            .assert()
            .code(1)
            .stdout(contains("collection.license: invalid license"));
    }
}

/// A zip entry name not flagged UTF-8 is CP437 to Python's zipfile, so to
/// bdbag, as to corpack when the zip was not made on Unix: they agree on
/// which bag it makes valid, and a name whose two headers disagree on the
/// flag is refused by both. Made on Unix, a UTF-8 name is UTF-8 to
/// corpack, as to Info-ZIP's unzip, and CP437 to bdbag.
#[test]
fn corpack_and_bdbag_read_zip_names_not_flagged_utf8_alike_but_from_unix() {
    use crate::rawzip::{RawEntry, bag, zip};

    let dir = Dir::new();
    let unflagged = |name: &[u8]| RawEntry {
        name: name.to_vec(),
        flags: 0,
        unix_mode: None,
        ..RawEntry::stored("x", b"c")
    };
    let utf8_bytes = "bag/data/Überblick.txt".as_bytes();
    let cases = [
        // 0x9A is Ü in CP437.
        (
            "data/Übersicht.txt",
            unflagged(b"bag/data/\x9Abersicht.txt"),
            0,
        ),
        // UTF-8 bytes read as CP437: C3 9C is ├£.
        ("data/Überblick.txt", unflagged(utf8_bytes), 1),
        ("data/├£berblick.txt", unflagged(utf8_bytes), 0),
        (
            "data/Überblick.txt",
            RawEntry {
                local_flags: Some(0),
                ..RawEntry::stored("bag/data/Überblick.txt", b"c")
            },
            2,
        ),
    ];
    for (listed, entry, expected) in cases {
        let zip = dir.create("t.zip", zip(&bag(vec![(listed, b"c", entry)])));
        let status = corpack().arg("verify").arg(&zip).output().unwrap().status;
        assert_eq!(status.code(), Some(expected), "{listed}");
        let bdbag = validators().bdbag_validate(&zip);
        assert_eq!(
            bdbag.is_valid(),
            expected == 0,
            "{listed}: {}",
            bdbag.output()
        );
    }
    let from_unix = RawEntry {
        unix_mode: Some(0o100644),
        ..unflagged(utf8_bytes)
    };
    let zip = dir.create(
        "t.zip",
        zip(&bag(vec![("data/Überblick.txt", b"c", from_unix)])),
    );
    let status = corpack().arg("verify").arg(&zip).output().unwrap().status;
    assert_eq!(status.code(), Some(0));
    assert!(!validators().bdbag_validate(&zip).is_valid());
}

#[test]
fn bags_bagit_python_and_bdbag_make_verify_as_they_are() {
    // verify checks a bag made by any tool: bagit-python's directory, and
    // bdbag's, zipped with the directory entries it writes.
    let dir = Dir::new();
    for bag in ["python", "bdbag"] {
        dir.create(&format!("{bag}/a.txt"), "alpha\n");
        dir.create(&format!("{bag}/sub/é and space.txt"), "beta\n");
    }
    let tools = validators();
    let made = std::process::Command::new(tools.bin("bagit.py"))
        .args(["--quiet", "--sha256", "--sha512"])
        .arg(dir.join("python"))
        .status()
        .unwrap();
    assert!(made.success());
    let made = std::process::Command::new(tools.bin("bdbag"))
        .args(["--quiet", "--checksum", "sha256", "--checksum", "sha512"])
        .args(["--archiver", "zip"])
        .arg(dir.join("bdbag"))
        .status()
        .unwrap();
    assert!(made.success());
    for bag in [dir.join("python"), dir.join("bdbag.zip")] {
        let Verdict { code, report } = verify_json(&bag, &[]);
        assert_eq!(code, 0, "{report:#}");
        assert_eq!(report["valid"], true, "{report:#}");
        assert_eq!(report["files_checked"], 6, "{report:#}");
        assert_eq!(report["findings"], serde_json::json!([]), "{report:#}");
    }
}
