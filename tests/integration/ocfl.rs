//! OCFL: `corpack verify` of OCFL objects against the official OCFL 1.1
//! fixtures (`../shared/conformance/ocfl/1.1`), and `corpack export ocfl`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::util::{Dir, corpack, shared_dir};

/// The codes `corpack verify --json` finds in `path`, with its exit code.
fn verdict(path: &Path) -> (i32, BTreeSet<String>) {
    let output = corpack()
        .args(["verify", "--json"])
        .arg(path)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: {e}: {}{}",
            path.display(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    assert!(report["ocfl_version"].is_string(), "{report}");
    let codes = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect();
    (output.status.code().unwrap(), codes)
}

/// The fixture objects of one kind (`good-objects`, ...), sorted by name.
fn fixtures(shared: &Path, kind: &str) -> Vec<PathBuf> {
    let dir = shared.join("conformance/ocfl/1.1").join(kind);
    let mut objects: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    objects.sort();
    objects
}

/// The codes a fixture's name gives: `E060_E064_root_inventory...` →
/// E060, E064.
fn named_codes(object: &Path) -> BTreeSet<String> {
    let name = object.file_name().unwrap().to_str().unwrap();
    name.split('_')
        .take_while(|part| {
            part.len() == 4
                && (part.starts_with('E') || part.starts_with('W'))
                && part[1..].bytes().all(|b| b.is_ascii_digit())
        })
        .map(str::to_string)
        .collect()
}

/// Copies a directory tree.
fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn good_fixtures_are_valid_without_warnings() {
    let Some(shared) = shared_dir() else { return };
    let objects = fixtures(&shared, "good-objects");
    assert_eq!(objects.len(), 12);
    for object in objects {
        assert_eq!(
            verdict(&object),
            (0, BTreeSet::new()),
            "{}",
            object.display()
        );
    }
}

#[test]
fn warn_fixtures_are_valid_with_exactly_the_named_warnings() {
    let Some(shared) = shared_dir() else { return };
    let objects = fixtures(&shared, "warn-objects");
    assert_eq!(objects.len(), 13);
    for object in objects {
        assert_eq!(
            verdict(&object),
            (0, named_codes(&object)),
            "{}",
            object.display()
        );
    }
}

#[test]
fn bad_fixtures_are_invalid_with_every_named_error() {
    let Some(shared) = shared_dir() else { return };
    let objects = fixtures(&shared, "bad-objects");
    assert_eq!(objects.len(), 55);
    let scratch = Dir::new();
    for object in objects {
        let named = named_codes(&object);
        assert!(!named.is_empty(), "{}", object.display());
        // The empty object holds `.keep` so that git keeps it: judge a copy
        // without it, the truly empty directory the fixture means.
        let judged = if object.join(".keep").exists() {
            let copy = scratch.join(object.file_name().unwrap().to_str().unwrap());
            copy_tree(&object, &copy);
            fs::remove_file(copy.join(".keep")).unwrap();
            copy
        } else {
            object.clone()
        };
        let (status, codes) = verdict(&judged);
        assert_eq!(status, 1, "{}: {codes:?}", object.display());
        assert!(
            named.is_subset(&codes),
            "{}: named {named:?}, found {codes:?}",
            object.display()
        );
    }
}

#[test]
fn fast_verification_skips_the_digests() {
    let Some(shared) = shared_dir() else { return };
    let object = shared.join("conformance/ocfl/1.1/bad-objects/E092_content_file_digest_mismatch");
    let (status, codes) = verdict(&object);
    assert_eq!((status, codes.contains("E092")), (1, true));
    corpack()
        .args(["verify", "--fast"])
        .arg(&object)
        .assert()
        .success()
        .stdout(predicates::str::contains("valid: "))
        .stdout(predicates::str::contains("OCFL object 1.1"));
}

#[test]
fn text_output_names_each_finding_by_its_ocfl_code() {
    let Some(shared) = shared_dir() else { return };
    let object = shared.join("conformance/ocfl/1.1/bad-objects/E058_no_sidecar");
    corpack()
        .arg("verify")
        .arg(&object)
        .assert()
        .code(1)
        .stdout(predicates::str::contains(
            "inventory.json.sha512: error[E058]: inventory.json has no sidecar",
        ))
        .stdout(predicates::str::contains("invalid: "));
}

#[test]
fn an_empty_directory_is_neither_bag_nor_object() {
    let dir = Dir::new();
    let (status, codes) = verdict(dir.path());
    assert_eq!(status, 1);
    assert_eq!(codes, BTreeSet::from(["E003".into(), "E063".into()]));
}
