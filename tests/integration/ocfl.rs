//! OCFL: `corpack verify` of OCFL objects against the official OCFL 1.1
//! fixtures (`../shared/conformance/ocfl/1.1`), and `corpack export ocfl`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256, Sha512};

use crate::util::{Dir, corpack, finding_codes, sample_collection, shared_dir};
use crate::validators::validators;

/// The codes `corpack verify --json` finds in `path`, with its exit code.
fn verdict(path: &Path) -> (i32, BTreeSet<String>) {
    verdict_with(path, &[])
}

/// [`verdict`] of `corpack verify --fast`: no digests.
fn fast_verdict(path: &Path) -> (i32, BTreeSet<String>) {
    verdict_with(path, &["--fast"])
}

fn verdict_with(path: &Path, options: &[&str]) -> (i32, BTreeSet<String>) {
    let (status, report) = report_with(path, options);
    (status, finding_codes(&report))
}

/// The exit code and JSON report of `corpack verify --json` of an OCFL
/// object, with `options`.
fn report_with(path: &Path, options: &[&str]) -> (i32, serde_json::Value) {
    let output = corpack()
        .args(["verify", "--json"])
        .args(options)
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
    (output.status.code().unwrap(), report)
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

/// A copy of the official fixture spec-ex-full (three versions, fixity
/// of md5 and sha1) at `dir/name`, when the fixtures are there.
fn spec_ex_full(dir: &Dir, name: &str) -> Option<PathBuf> {
    let shared = shared_dir()?;
    let object = dir.join(name);
    copy_tree(
        &shared.join("conformance/ocfl/1.1/good-objects/spec-ex-full"),
        &object,
    );
    Some(object)
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
        .stdout(predicates::str::starts_with("complete: "))
        .stdout(predicates::str::contains(
            "OCFL object 1.1; structure only, no digests",
        ));
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
fn an_ocfl_1_0_object_is_judged_by_its_own_version() {
    let dir = Dir::new();
    let Some(object) = spec_ex_full(&dir, "object") else {
        return;
    };
    fs::remove_file(object.join("0=ocfl_object_1.1")).unwrap();
    fs::write(object.join("0=ocfl_object_1.0"), "ocfl_object_1.0\n").unwrap();
    for dir in ["", "v1/", "v2/", "v3/"] {
        let path = object.join(format!("{dir}inventory.json"));
        let text = fs::read_to_string(&path).unwrap().replace(
            "https://ocfl.io/1.1/spec/#inventory",
            "https://ocfl.io/1.0/spec/#inventory",
        );
        fs::write(&path, &text).unwrap();
        let digest = hex::encode(Sha512::digest(text.as_bytes()));
        fs::write(
            object.join(format!("{dir}inventory.json.sha512")),
            format!("{digest} inventory.json\n"),
        )
        .unwrap();
    }
    validators().ocfl_validate(&object).assert_valid();
    assert_eq!(verdict(&object), (0, BTreeSet::new()));
    // A 1.0 inventory under a 1.1 declaration is not.
    fs::rename(
        object.join("0=ocfl_object_1.0"),
        object.join("0=ocfl_object_1.1"),
    )
    .unwrap();
    fs::write(object.join("0=ocfl_object_1.1"), "ocfl_object_1.1\n").unwrap();
    let (status, codes) = verdict(&object);
    assert_eq!(status, 1);
    assert!(codes.contains("E038"), "{codes:?}");
}

#[test]
fn what_ocfl_py_and_the_specification_reject_is_invalid() {
    let dir = Dir::new();
    type Edit = fn(&mut serde_json::Value);
    let edits: [(&str, Edit); 3] = [
        // §3.5.4: no algorithm of the specification or extension 0009.
        ("E056", |inventory| {
            inventory["fixity"]["foo512"] = serde_json::json!({"ab": ["v1/content/image.tiff"]});
        }),
        // RFC 3339's grammar has `T` between date and time.
        ("E049", |inventory| {
            inventory["versions"]["v1"]["created"] = "2018-01-01 01:01:01Z".into();
        }),
        ("E054", |inventory| {
            inventory["versions"]["v1"]["user"]["address"] = 1.into();
        }),
    ];
    for (code, edit) in edits {
        let Some(object) = spec_ex_full(&dir, code) else {
            return;
        };
        edit_spec_ex_full_inventory(&object, edit);
        validators().ocfl_validate(&object).assert_invalid();
        let (status, codes) = verdict(&object);
        assert_eq!(status, 1, "{code}: {codes:?}");
        assert!(codes.contains(code), "{code}: {codes:?}");
    }
    // §3.6: nothing before the digest.
    let Some(object) = spec_ex_full(&dir, "E061") else {
        return;
    };
    let sidecar = object.join("inventory.json.sha512");
    let text = fs::read_to_string(&sidecar).unwrap();
    fs::write(&sidecar, format!(" {text}")).unwrap();
    validators().ocfl_validate(&object).assert_invalid();
    let (status, codes) = verdict(&object);
    assert_eq!(status, 1, "{codes:?}");
    assert!(codes.contains("E061"), "{codes:?}");
}

#[test]
fn size_fixity_values_are_checked_even_without_digests() {
    let dir = Dir::new();
    // Extension 0009: `size` is the size in bytes, in decimal, unpadded.
    let cases: [(&str, &str, Option<&str>); 4] = [
        ("right", "2021", None),
        ("wrong", "2020", Some("E093")),
        ("padded", "02021", Some("E057")),
        ("signed", "+2021", Some("E057")),
    ];
    for (name, image_size, code) in cases {
        let Some(object) = spec_ex_full(&dir, name) else {
            return;
        };
        let edit = |inventory: &mut serde_json::Value| {
            inventory["fixity"]["size"] = serde_json::json!({
                "0": ["v1/content/empty.txt"],
                "272": ["v1/content/foo/bar.xml", "v2/content/foo/bar.xml"],
                image_size: ["v1/content/image.tiff"],
            });
        };
        edit_spec_ex_full_inventory(&object, edit);
        let expected = match code {
            None => (0, BTreeSet::new()),
            Some(code) => (1, BTreeSet::from([code.to_string()])),
        };
        assert_eq!(verdict(&object), expected, "{name}");
        assert_eq!(fast_verdict(&object), expected, "{name} --fast");
    }
}

#[test]
fn a_digest_of_the_wrong_length_is_found_without_digests() {
    let dir = Dir::new();
    let Some(object) = spec_ex_full(&dir, "object") else {
        return;
    };
    // §3.4: a SHA-1 digest is 40 hex digits; 39 are none.
    let edit = |inventory: &mut serde_json::Value| {
        let block = inventory["fixity"]["sha1"].as_object_mut().unwrap();
        let digest = "b9c7ccc6154974288132b63c15db8d2750716b49";
        let paths = block.remove(digest).unwrap();
        block.insert(digest[1..].to_string(), paths);
    };
    edit_spec_ex_full_inventory(&object, edit);
    validators().ocfl_validate(&object).assert_invalid();
    let expected = (1, BTreeSet::from(["E029".to_string()]));
    assert_eq!(fast_verdict(&object), expected);
    assert_eq!(verdict(&object).0, 1);
}

#[test]
fn an_empty_directory_is_neither_bag_nor_object() {
    let dir = Dir::new();
    let (status, codes) = verdict(dir.path());
    assert_eq!(status, 1);
    assert_eq!(codes, BTreeSet::from(["E003".into(), "E063".into()]));
}

// `corpack export ocfl`.

/// Packs the collection in `collection` into `dir/<name>.zip`.
fn pack(dir: &Dir, collection: &Path, name: &str) -> PathBuf {
    let bundle = dir.join(&format!("{name}.zip"));
    corpack()
        .arg("pack")
        .arg(collection)
        .arg("-o")
        .arg(&bundle)
        .arg("--quiet")
        .assert()
        .success();
    bundle
}

/// The version's message counts the records verify read as it judged
/// them, past the first 8 MiB of what they are read from with the rest in
/// a temporary file; a crate whose records it does not judge (here, that
/// file cannot be made) is read whole, and the message is the same.
#[test]
fn records_verify_does_not_judge_are_read_whole() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let bundle = pack(&dir, &collection, "c");
    crate::util::unzip(&bundle, &dir.join("bag"));
    let bag = fs::read_dir(dir.join("bag"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let metadata = bag.join("data/ro-crate-metadata.json");
    let mut crate_json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&metadata).unwrap()).unwrap();
    let graph = crate_json["@graph"].as_array_mut().unwrap();
    // Past the 32 MiB held in memory when the temporary file cannot be
    // made.
    let note = "x".repeat(1 << 20);
    for i in 0..34 {
        graph.push(serde_json::json!({"@id": format!("#note-{i}"), "description": note}));
    }
    fs::write(&metadata, crate_json.to_string()).unwrap();
    crate::verify::rehash_manifests(&bag);
    let no_temp = dir.join("no-such-directory");
    let export = |from: &Path, output: &Path, format: &str, temp: Option<&Path>| {
        let mut command = corpack();
        command
            .args(["export", "--json", "--quiet", format])
            .arg(from)
            .arg("-o")
            .arg(output);
        if let Some(temp) = temp {
            command.env("TMPDIR", temp);
        }
        let output = command.output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        // OCFL's report says `bundle_findings`, beside its object's.
        let findings = (report["bundle_findings"].as_array())
            .or(report["findings"].as_array())
            .unwrap_or_else(|| panic!("{report}"));
        (findings.iter())
            .filter_map(|f| f["message"].as_str())
            .find(|message| message.contains("not judged"))
            .map(str::to_string)
    };
    let message =
        "corpack export of the bundle of collection sample dated 2026-11-25: 4 documents, 3 held";
    let runs = [
        (&bundle, None, "bundle"),
        (&bag, None, "judged"),
        (&bag, Some(no_temp.as_path()), "whole"),
    ];
    for (from, temp, how) in runs {
        let object = dir.join(&format!("object-{how}"));
        let not_judged = export(from, &object, "ocfl", temp);
        match how {
            "whole" => {
                let why = not_judged.expect("not judged");
                assert!(why.contains("temporary file"), "{why}");
                assert!(why.contains("no-such-directory"), "{why}");
            }
            _ => assert_eq!(not_judged, None),
        }
        assert_eq!(inventory(&object)["versions"]["v1"]["message"], message);
    }
    // The other exports take the records verify kept, or read them whole:
    // the same records either way.
    for format in ["csv", "datacite", "invenio", "dspace-saf"] {
        let outputs = [(None, "judged"), (Some(no_temp.as_path()), "whole")].map(|(temp, how)| {
            let output = dir.join(&format!("{format}-{how}"));
            export(&bag, &output, format, temp);
            match output.is_dir() {
                true => tree(&output),
                false => BTreeMap::from([(String::new(), fs::read(&output).unwrap())]),
            }
        });
        assert!(outputs[0] == outputs[1], "{format}");
        assert!(!outputs[0].is_empty(), "{format}");
    }
}

/// `corpack export --json ocfl BUNDLE -o OBJECT [extra]`: the exit code and
/// the report (`{"error": ...}` when the command failed).
fn export(bundle: &Path, object: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let output = corpack()
        .args(["export", "--json", "ocfl"])
        .arg(bundle)
        .arg("-o")
        .arg(object)
        .args(extra)
        .output()
        .unwrap();
    let report = serde_json::from_slice(&output.stdout).unwrap_or(serde_json::Value::Null);
    (output.status.code().unwrap(), report)
}

/// Every file under `dir`: relative path → bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|entry| entry.unwrap())
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let relative = entry.path().strip_prefix(dir).unwrap();
            (
                relative.to_string_lossy().into_owned(),
                fs::read(entry.path()).unwrap(),
            )
        })
        .collect()
}

fn inventory(object: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(object.join("inventory.json")).unwrap()).unwrap()
}

/// Writes the logical state of `version` of `object` into `into`, as an
/// OCFL client would check it out.
fn check_out(object: &Path, version: &str, into: &Path) {
    let inventory = inventory(object);
    let state = inventory["versions"][version]["state"].as_object().unwrap();
    for (digest, logical_paths) in state {
        let content = inventory["manifest"][digest][0].as_str().unwrap();
        for logical in logical_paths.as_array().unwrap() {
            let target = into.join(logical.as_str().unwrap());
            fs::create_dir_all(target.parent().unwrap()).unwrap();
            fs::copy(object.join(content), target).unwrap();
        }
    }
}

/// `corpack verify` of an object: valid, and its warning codes.
fn verify_valid(object: &Path) -> BTreeSet<String> {
    let (status, codes) = verdict(object);
    assert_eq!(status, 0, "{}: {codes:?}", object.display());
    codes
}

/// The sample collection again, later, with the letter changed.
fn revise(collection: &Path) {
    let toml = collection.join("collection.toml");
    let text = fs::read_to_string(&toml).unwrap();
    fs::write(&toml, text.replace("2026-11-25", "2026-12-01")).unwrap();
    fs::write(collection.join("letter.txt"), "A revised letter.\n").unwrap();
}

#[test]
fn a_bundle_exports_to_a_valid_object_holding_the_bag() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let bundle = pack(&dir, &collection, "c");
    let object = dir.join("object");
    let (status, report) = export(&bundle, &object, &[]);
    assert_eq!(status, 0, "{report}");
    assert_eq!(report["action"], "created");
    assert_eq!(report["id"], "urn:corpack:sample");
    assert_eq!(report["head"], "v1");
    assert_eq!(
        fs::read_to_string(object.join("0=ocfl_object_1.1")).unwrap(),
        "ocfl_object_1.1\n"
    );
    let root = fs::read(object.join("inventory.json")).unwrap();
    assert_eq!(fs::read(object.join("v1/inventory.json")).unwrap(), root);
    let sidecar = fs::read_to_string(object.join("inventory.json.sha512")).unwrap();
    assert_eq!(
        sidecar,
        format!("{} inventory.json\n", hex::encode(Sha512::digest(&root)))
    );
    let inventory = inventory(&object);
    assert_eq!(inventory["type"], "https://ocfl.io/1.1/spec/#inventory");
    assert_eq!(inventory["digestAlgorithm"], "sha512");
    assert_eq!(
        inventory["versions"]["v1"]["created"],
        "2026-11-25T00:00:00Z"
    );
    assert_eq!(inventory["versions"]["v1"]["user"]["name"], "corpack");
    // The fixity block repeats the bag's SHA-256 of each file.
    let letter = object.join("v1/content/sample/data/documents/letter.txt");
    let sha256 = hex::encode(Sha256::digest(fs::read(&letter).unwrap()));
    assert_eq!(
        inventory["fixity"]["sha256"][&sha256][0],
        "v1/content/sample/data/documents/letter.txt"
    );
    validators().ocfl_validate(&object).assert_valid();
    assert_eq!(verify_valid(&object), BTreeSet::from(["W008".into()]));
    // The first version's content is the bag itself.
    validators()
        .bagit_validate(&object.join("v1/content/sample"))
        .assert_valid();
    let names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        names
            .iter()
            .all(|n| !n.to_string_lossy().starts_with(".corpack-")),
        "temporary files left: {names:?}"
    );
}

/// A new object in a storage root that declares OCFL 1.0 is a 1.0 object:
/// a root's objects conform to its version or an earlier one (OCFL 1.1
/// §4.2, E081). Its later versions stay 1.0, and an object in a 1.1 root
/// is a 1.1 one.
#[test]
fn a_new_object_in_an_ocfl_1_0_storage_root_is_an_ocfl_1_0_object() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let bundle = pack(&dir, &collection, "c");
    let root = dir.join("root");
    fs::create_dir_all(root.join("ab")).unwrap();
    fs::write(root.join("0=ocfl_1.0"), "ocfl_1.0\n").unwrap();
    let object = root.join("ab/sample");
    let (status, report) = export(&bundle, &object, &[]);
    assert_eq!(status, 0, "{report}");
    assert_eq!(report["action"], "created");
    assert_eq!(
        fs::read_to_string(object.join("0=ocfl_object_1.0")).unwrap(),
        "ocfl_object_1.0\n"
    );
    assert!(!object.join("0=ocfl_object_1.1").exists());
    assert_eq!(
        inventory(&object)["type"],
        "https://ocfl.io/1.0/spec/#inventory"
    );
    revise(&collection);
    let revised = pack(&dir, &collection, "c2");
    let (status, report) = export(&revised, &object, &[]);
    assert_eq!(status, 0, "{report}");
    assert_eq!(report["head"], "v2");
    assert_eq!(
        inventory(&object)["type"],
        "https://ocfl.io/1.0/spec/#inventory"
    );
    assert!(!object.join("0=ocfl_object_1.1").exists());
    validators().ocfl_validate(&object).assert_valid();
    verify_valid(&object);
    // In a 1.1 storage root, a 1.1 object.
    let root = dir.join("root-1.1");
    declare_storage_root(&root);
    let object = root.join("sample");
    assert_eq!(export(&bundle, &object, &[]).0, 0);
    assert!(object.join("0=ocfl_object_1.1").is_file());
}

/// The bag of `bundle`, unzipped in `dir`, with a payload file changed:
/// a bag `export ocfl` refuses.
fn forged_bag(dir: &Dir, bundle: &Path) -> PathBuf {
    let bag = dir.join("bag");
    crate::util::unzip(bundle, &bag);
    fs::write(bag.join("sample/data/documents/letter.txt"), "Forged.\n").unwrap();
    bag.join("sample")
}

#[test]
fn the_directories_above_a_new_object_are_made_as_it_is_put_in_place() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let bundle = pack(&dir, &collection, "c");
    // A bundle refused makes none of them.
    let forged = forged_bag(&dir, &bundle);
    let object = dir.join("new/deeper/object");
    let (status, report) = export(&forged, &object, &[]);
    assert_eq!((status, &report["action"]), (1, &"refused".into()));
    assert!(!dir.join("new").exists());
    // A valid one makes them, as `mkdir -p` does.
    corpack()
        .args(["export", "ocfl"])
        .arg(&bundle)
        .arg("-o")
        .arg(&object)
        .assert()
        .success()
        .stdout(predicates::str::contains("created the OCFL object"));
    verify_valid(&object);
    assert_eq!(crate::util::listing(&dir.join("new")), ["deeper"]);
    // In a storage root, the storage hierarchy's directories: the root
    // stays valid, with no empty directory left (E073).
    let root = dir.join("root");
    declare_storage_root(&root);
    let object = root.join("ab/cd/ef/sample");
    assert_eq!(export(&bundle, &object, &[]).0, 0);
    validators().ocfl_validate(&root).assert_valid();
    let (status, _) = export(&forged, &root.join("gh/ij/sample"), &[]);
    assert_eq!(status, 1);
    assert!(!root.join("gh").exists());
    // A file where a directory must be is an error naming it.
    fs::write(dir.join("file"), "").unwrap();
    let (status, report) = export(&bundle, &dir.join("file/object"), &[]);
    assert_eq!(status, 2, "{report}");
    let in_the_way = dir.join("file").canonicalize().unwrap();
    assert_eq!(report["path"], in_the_way.to_str().unwrap(), "{report}");
    let error = report["error"].as_str().unwrap();
    assert!(error.contains("Not a directory"), "{error}");
}

/// `corpack verify --json [extra] path`: exit 2, and the error's code
/// and message.
fn verify_error(path: &Path, extra: &[&str]) -> (String, String) {
    let output = corpack()
        .args(["verify", "--json"])
        .args(extra)
        .arg(path)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(2), "{report}");
    let text = |key: &str| report[key].as_str().unwrap().to_string();
    (text("code"), text("error"))
}

#[test]
fn a_storage_root_and_what_is_inside_an_object_are_not_verified_as_bags() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let bundle = pack(&dir, &collection, "c");
    let root = dir.join("root");
    declare_storage_root(&root);
    let object = root.join("ab/sample");
    assert_eq!(export(&bundle, &object, &[]).0, 0);
    // A build left in the root, hidden, is not named as its object.
    let build = root.join(".corpack-build/object");
    fs::create_dir_all(&build).unwrap();
    fs::write(build.join("0=ocfl_object_1.1"), "ocfl_object_1.1\n").unwrap();
    let profile = crate::util::repo_root().join("manifests/bagit-profile.json");
    let profile = ["--profile", profile.to_str().unwrap()];
    for extra in [&[][..], &["--fast"], &profile] {
        // The storage root: what it is, an object of it to verify, and
        // what validates a storage root.
        let (code, message) = verify_error(&root, extra);
        assert_eq!(code, "unreadable");
        for part in [
            "an OCFL storage root (it has `0=ocfl_1.1`)".to_string(),
            format!("`corpack verify {}`", object.display()),
            format!("`ocfl-validate.py {}`", root.display()),
        ] {
            assert!(message.contains(&part), "{message}");
        }
        // A directory of its storage hierarchy.
        let (code, message) = verify_error(&root.join("ab"), extra);
        assert_eq!(code, "unreadable");
        assert!(
            message.contains("a directory of the storage hierarchy of the OCFL storage root"),
            "{message}"
        );
        assert!(
            message.contains(&format!("`corpack verify {}`", object.display())),
            "{message}"
        );
        // A version directory, holding an inventory, and its content.
        for inside in ["v1", "v1/content"] {
            let (code, message) = verify_error(&object.join(inside), extra);
            assert_eq!(code, "unreadable");
            assert!(
                message.contains("a directory inside the OCFL object"),
                "{message}"
            );
        }
    }
    // A directory of the root's extensions is outside its hierarchy.
    let extension = root.join("extensions/local-notes");
    fs::create_dir_all(&extension).unwrap();
    let (code, message) = verify_error(&extension, &[]);
    assert_eq!(code, "unreadable");
    assert!(
        message.contains("a directory of the extensions of the OCFL storage root"),
        "{message}"
    );
    // The object checked against a BagIt profile, or imported as a bag,
    // is an object, not a bag to unzip.
    let (code, message) = verify_error(&object, &profile);
    assert_eq!(code, "unreadable");
    assert!(message.contains("an OCFL object, not a bag"), "{message}");
    assert!(!message.contains("unzip"), "{message}");
    let imported = dir.join("imported");
    let output = corpack()
        .args(["import", "bag", "--json"])
        .arg(&object)
        .arg("-o")
        .arg(&imported)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let error = report["error"].as_str().unwrap();
    assert!(error.contains("an OCFL object, not a bag"), "{error}");
    assert!(!imported.exists());
    // A storage root with no object says so.
    let empty_root = dir.join("empty-root");
    fs::create_dir(&empty_root).unwrap();
    fs::write(empty_root.join("0=ocfl_1.0"), "ocfl_1.0\n").unwrap();
    let (_, message) = verify_error(&empty_root, &[]);
    assert!(message.contains("it holds no OCFL object"), "{message}");
    // The object is verified, and the bag its first version holds too.
    verify_valid(&object);
    corpack()
        .arg("verify")
        .arg(object.join("v1/content/sample"))
        .assert()
        .success();
}

#[test]
fn a_zipped_object_or_storage_root_is_named_as_such() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let bundle = pack(&dir, &collection, "c");
    let root = dir.join("root");
    declare_storage_root(&root);
    let object = root.join("sample");
    assert_eq!(export(&bundle, &object, &[]).0, 0);
    for (zipped, top, said) in [
        (
            &object,
            "",
            "this is an OCFL object (it holds 0=ocfl_object_1.1)",
        ),
        (&object, "sample/", "unzip it and verify the directory"),
        (
            &root,
            "root/",
            "this is an OCFL storage root (it holds 0=ocfl_1.1)",
        ),
    ] {
        let zip = dir.join("zipped.zip");
        crate::conformance::zip_directory(zipped, top, &[], &zip);
        let output = corpack()
            .args(["verify", "--json"])
            .arg(&zip)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1));
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let finding = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == "bagit-txt-missing")
            .unwrap_or_else(|| panic!("{report}"));
        assert!(
            finding["message"].as_str().unwrap().contains(said),
            "{finding}"
        );
    }
}

/// Makes `root` an OCFL 1.1 storage root with no layout: the directory
/// and its declaration.
fn declare_storage_root(root: &Path) {
    fs::create_dir_all(root).unwrap();
    fs::write(root.join("0=ocfl_1.1"), "ocfl_1.1\n").unwrap();
}

/// A storage root at `dir/name` declaring the layout `extension`, with
/// `config` as its config.json if given.
fn storage_root(dir: &Dir, name: &str, extension: &str, config: Option<&str>) -> PathBuf {
    let root = dir.join(name);
    declare_storage_root(&root);
    let layout = serde_json::json!({"extension": extension, "description": "a layout"});
    fs::write(root.join("ocfl_layout.json"), layout.to_string()).unwrap();
    if let Some(config) = config {
        let config_dir = root.join("extensions").join(extension);
        fs::create_dir_all(&config_dir).unwrap();
        fs::write(config_dir.join("config.json"), config).unwrap();
    }
    root
}

/// `corpack export ocfl` that fails with exit 2: the error's message.
fn export_error(bundle: &Path, output: &Path) -> String {
    let (status, report) = export(bundle, output, &[]);
    assert_eq!(status, 2, "{report}");
    assert_eq!(report["code"], "output-conflict", "{report}");
    report["error"].as_str().unwrap().to_string()
}

#[test]
fn an_object_goes_where_its_storage_roots_layout_puts_it() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let bundle = pack(&dir, &collection, "c");
    let digest = hex::encode(Sha256::digest("urn:corpack:sample"));
    let tuples = format!("{}/{}/{}", &digest[..3], &digest[3..6], &digest[6..9]);
    let short = r#"{"extensionName": "0004-hashed-n-tuple-storage-layout", "tupleSize": 2, "numberOfTuples": 2, "shortObjectRoot": true}"#;
    let omit =
        r#"{"extensionName": "0006-flat-omit-prefix-storage-layout", "delimiter": "CORPACK:"}"#;
    for (extension, config, path) in [
        (
            "0004-hashed-n-tuple-storage-layout",
            None,
            format!("{tuples}/{digest}"),
        ),
        (
            "0004-hashed-n-tuple-storage-layout",
            Some(short),
            format!("{}/{}/{}", &digest[..2], &digest[2..4], &digest[4..]),
        ),
        (
            "0003-hash-and-id-n-tuple-storage-layout",
            None,
            format!("{tuples}/urn%3acorpack%3asample"),
        ),
        (
            "0002-flat-direct-storage-layout",
            None,
            "urn:corpack:sample".into(),
        ),
        (
            "0006-flat-omit-prefix-storage-layout",
            Some(omit),
            "sample".into(),
        ),
    ] {
        let root = storage_root(&dir, "root", extension, config);
        let object = root.join(&path);
        // Given elsewhere in the root, a new object is refused, saying
        // where it goes, before anything is written.
        let message = export_error(&bundle, &root.join("elsewhere"));
        assert!(message.contains(extension), "{message}");
        assert!(message.contains(&path), "{message}");
        assert!(!root.join("elsewhere").exists() && !object.exists());
        // Given the root, the object goes there.
        let (status, report) = export(&bundle, &root, &[]);
        assert_eq!(status, 0, "{report}");
        assert_eq!(report["action"], "created");
        assert_eq!(report["object"], object.to_str().unwrap(), "{extension}");
        // ocfl-py 2.1.0 knows layouts 0002 and 0003 (it calls others E071,
        // an unregistered name): the storage root is valid, else the object.
        let known = ["0002", "0003"].iter().any(|n| extension.starts_with(n));
        validators()
            .ocfl_validate(if known { &root } else { &object })
            .assert_valid();
        verify_valid(&object);
        // And its later versions, given the root or the object.
        assert_eq!(export(&bundle, &root, &[]).1["action"], "unchanged");
        assert_eq!(export(&bundle, &object, &[]).1["action"], "unchanged");
        fs::remove_dir_all(&root).unwrap();
    }
    // ocfl-py puts the object where corpack does.
    let root = dir.join("ocfl-py-root");
    let created = std::process::Command::new(validators().bin("ocfl-root.py"))
        .args([
            "create",
            "--layout",
            "0003-hash-and-id-n-tuple-storage-layout",
            "--root",
        ])
        .arg(&root)
        .output()
        .unwrap();
    assert!(created.status.success(), "{created:?}");
    let (status, report) = export(&bundle, &root, &[]);
    assert_eq!(status, 0, "{report}");
    let path = std::process::Command::new(validators().bin("ocfl-root.py"))
        .args(["path", "--id", "urn:corpack:sample", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&path.stdout);
    let object = report["object"].as_str().unwrap();
    let relative = object
        .strip_prefix(&format!("{}/", root.display()))
        .unwrap();
    assert!(
        said.trim_end().ends_with(&format!(" is {relative}")),
        "{said}"
    );
    validators().ocfl_validate(&root).assert_valid();
}

#[test]
fn a_storage_root_with_no_layout_corpack_knows_takes_the_path_given() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let bundle = pack(&dir, &collection, "c");
    // Undeclared, or a layout corpack does not know: the root itself is
    // refused, and an object path in it taken as given.
    let unknown = storage_root(
        &dir,
        "unknown",
        "0007-n-tuple-omit-prefix-storage-layout",
        None,
    );
    let undeclared = dir.join("undeclared");
    declare_storage_root(&undeclared);
    for (root, why) in [
        (
            &unknown,
            "0007-n-tuple-omit-prefix-storage-layout, is not one corpack knows",
        ),
        (&undeclared, "declares no storage layout"),
    ] {
        let message = export_error(&bundle, root);
        assert!(message.contains("is an OCFL storage root"), "{message}");
        assert!(message.contains(why), "{message}");
        assert_eq!(export(&bundle, &root.join("ab/sample"), &[]).0, 0);
        verify_valid(&root.join("ab/sample"));
    }
    // A layout that cannot place the id, or cannot be read, is refused.
    let hash = storage_root(
        &dir,
        "hash",
        "0006-flat-omit-prefix-storage-layout",
        Some(r##"{"delimiter": "#"}"##),
    );
    let message = export_error(&bundle, &hash);
    assert!(
        message.contains("cannot place the object urn:corpack:sample"),
        "{message}"
    );
    let broken = storage_root(
        &dir,
        "broken",
        "0004-hashed-n-tuple-storage-layout",
        Some("{"),
    );
    for output in [broken.clone(), broken.join("ab/sample")] {
        let message = export_error(&bundle, &output);
        assert!(
            message.contains("storage layout cannot be read"),
            "{message}"
        );
        assert!(message.contains("config.json: is not JSON"), "{message}");
    }
    for root in [hash, broken] {
        assert_eq!(crate::util::listing(&root).len(), 3, "{}", root.display());
    }
}

#[test]
fn the_collection_contact_is_the_version_user() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let toml = collection.join("collection.toml");
    let text = fs::read_to_string(&toml).unwrap().replace(
        "date = \"2026-11-25\"\n",
        "date = \"2026-11-25\"\ncontact_name = \"Ada Archivist\"\ncontact_email = \"ada@example.org\"\n",
    );
    fs::write(&toml, text).unwrap();
    let bundle = pack(&dir, &collection, "c");
    let object = dir.join("object");
    assert_eq!(export(&bundle, &object, &[]).0, 0);
    let version = &inventory(&object)["versions"]["v1"];
    assert_eq!(
        version["user"],
        serde_json::json!({"name": "Ada Archivist", "address": "mailto:ada@example.org"})
    );
    assert_eq!(
        version["message"],
        "corpack export of the bundle of collection sample dated 2026-11-25: 4 documents, 3 held"
    );
    // With an address, the object draws no warning at all.
    assert_eq!(verify_valid(&object), BTreeSet::new());
    validators().ocfl_validate(&object).assert_valid();
    // An object is not a bundle.
    let (status, report) = export(&object, &dir.join("again"), &[]);
    assert_eq!(status, 2);
    assert!(
        report["error"].as_str().unwrap().contains("not a bundle"),
        "{report}"
    );
    assert!(!dir.join("again").exists());
    // Without an e-mail, the user has no address, and the object draws
    // W008 alone: corpack makes none up (see README).
    let text = fs::read_to_string(&toml).unwrap();
    fs::write(
        &toml,
        text.replace("contact_email = \"ada@example.org\"\n", ""),
    )
    .unwrap();
    let bundle = pack(&dir, &collection, "no-email");
    let object = dir.join("no-email");
    assert_eq!(export(&bundle, &object, &[]).0, 0);
    let version = &inventory(&object)["versions"]["v1"];
    assert_eq!(
        version["user"],
        serde_json::json!({"name": "Ada Archivist"})
    );
    assert_eq!(verify_valid(&object), BTreeSet::from(["W008".into()]));
}

/// The sample collection, packed as `name` and exported into `object` in
/// `dir`: the collection, the bundle and the object.
fn exported(dir: &Dir, name: &str) -> (PathBuf, PathBuf, PathBuf) {
    let collection = sample_collection(dir, "c");
    let bundle = pack(dir, &collection, name);
    let object = dir.join("object");
    assert_eq!(export(&bundle, &object, &[]).0, 0);
    (collection, bundle, object)
}

#[test]
fn a_newer_bundle_adds_a_version_storing_only_new_content() {
    let dir = Dir::new();
    let (collection, first, object) = exported(&dir, "first");
    revise(&collection);
    let second = pack(&dir, &collection, "second");
    let (status, report) = export(&second, &object, &[]);
    assert_eq!(status, 0, "{report}");
    assert_eq!(report["action"], "version-added");
    assert_eq!(report["head"], "v2");
    assert_eq!(report["created"], "2026-12-01T00:00:00Z");
    let stored: BTreeSet<String> = tree(&object.join("v2/content")).into_keys().collect();
    assert!(
        stored.contains("sample/data/documents/letter.txt"),
        "{stored:?}"
    );
    assert!(stored.contains("sample/bag-info.txt"), "{stored:?}");
    for unchanged in ["sample/bagit.txt", "sample/data/documents/with space.csv"] {
        assert!(
            !stored.contains(unchanged),
            "{unchanged} stored again: {stored:?}"
        );
    }
    assert_eq!(
        report["deduplicated"].as_u64().unwrap() + report["content_files_added"].as_u64().unwrap(),
        report["files"].as_u64().unwrap()
    );
    validators().ocfl_validate(&object).assert_valid();
    verify_valid(&object);
    // Each version, checked out, is the bag of its bundle.
    for (version, bundle) in [("v1", &first), ("v2", &second)] {
        let checked_out = dir.join(&format!("checkout-{version}"));
        check_out(&object, version, &checked_out);
        let unzipped = dir.join(&format!("unzipped-{version}"));
        crate::util::unzip(bundle, &unzipped);
        assert_eq!(tree(&checked_out), tree(&unzipped), "{version}");
        validators()
            .bagit_validate(&checked_out.join("sample"))
            .assert_valid();
    }
    // An older bundle after a newer one is refused, and changes nothing.
    let before = tree(&object);
    let output = corpack()
        .args(["export", "ocfl"])
        .arg(&first)
        .arg("-o")
        .arg(&object)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("export a newer bundle"));
    assert_eq!(tree(&object), before);
}

/// Rewrites every inventory of `object` through `edit`, and its sidecar.
fn edit_inventories(object: &Path, edit: impl Fn(&mut serde_json::Value)) {
    let mut dirs = vec![object.to_path_buf()];
    for entry in fs::read_dir(object).unwrap() {
        let path = entry.unwrap().path();
        if path.join("inventory.json").is_file() {
            dirs.push(path);
        }
    }
    for dir in dirs {
        edit_inventory(&dir, &edit);
    }
}

/// Writes every digest of an inventory in upper case, as the official
/// fixture `good-objects/minimal_uppercase_digests` does.
fn uppercase_digests(inventory: &mut serde_json::Value) {
    fn uppercase_keys(map: &mut serde_json::Value) {
        let keys = std::mem::take(map.as_object_mut().unwrap());
        *map = keys
            .into_iter()
            .map(|(digest, paths)| (digest.to_ascii_uppercase(), paths))
            .collect();
    }
    uppercase_keys(&mut inventory["manifest"]);
    for block in inventory["fixity"].as_object_mut().unwrap().values_mut() {
        uppercase_keys(block);
    }
    for version in inventory["versions"].as_object_mut().unwrap().values_mut() {
        uppercase_keys(&mut version["state"]);
    }
}

/// An object exported from the sample collection in `dir`, changed by
/// `edit` and valid still, then given a version, valid too, from a
/// revision of the collection.
fn version_added_after(dir: &Dir, edit: impl Fn(&Path)) -> PathBuf {
    let (collection, _, object) = exported(dir, "first");
    edit(&object);
    verify_valid(&object);
    revise(&collection);
    let second = pack(dir, &collection, "second");
    let (status, report) = export(&second, &object, &[]);
    assert_eq!(
        (status, &report["action"]),
        (0, &"version-added".into()),
        "{report}"
    );
    validators().ocfl_validate(&object).assert_valid();
    verify_valid(&object);
    object
}

#[test]
fn a_version_of_an_object_with_uppercase_digests_spells_them_so() {
    let dir = Dir::new();
    let object = version_added_after(&dir, |object| edit_inventories(object, uppercase_digests));
    // The unchanged bagit.txt is the manifest's key, as written there.
    let inventory = inventory(&object);
    let state = inventory["versions"]["v2"]["state"].as_object().unwrap();
    let (digest, _) = state
        .iter()
        .find(|(_, paths)| {
            paths
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p == "sample/bagit.txt")
        })
        .unwrap();
    assert_eq!(digest, &digest.to_ascii_uppercase());
    assert!(inventory["manifest"].get(digest).is_some(), "{digest}");
}

#[test]
fn the_same_bundle_again_into_an_object_with_uppercase_digests_is_nothing_to_do() {
    // §3.4 compares digests ignoring case: the head's state is the bundle's.
    let dir = Dir::new();
    let (_, bundle, object) = exported(&dir, "c");
    edit_inventories(&object, uppercase_digests);
    verify_valid(&object);
    let (status, report) = export(&bundle, &object, &[]);
    assert_eq!(
        (status, &report["action"]),
        (0, &"unchanged".into()),
        "{report}"
    );
}

/// Moves an object's only version's content from `content` to `stuff`,
/// and says so in its inventories, as an object made by another tool may.
fn content_directory_stuff(object: &Path) {
    fs::rename(object.join("v1/content"), object.join("v1/stuff")).unwrap();
    edit_inventories(object, |inventory| {
        inventory["contentDirectory"] = "stuff".into();
        let renamed = |paths: &mut serde_json::Value| {
            for list in paths.as_object_mut().unwrap().values_mut() {
                for path in list.as_array_mut().unwrap() {
                    *path = path
                        .as_str()
                        .unwrap()
                        .replacen("v1/content/", "v1/stuff/", 1)
                        .into();
                }
            }
        };
        renamed(&mut inventory["manifest"]);
        for block in inventory["fixity"].as_object_mut().unwrap().values_mut() {
            renamed(block);
        }
    });
}

#[test]
fn a_version_of_an_object_with_its_own_content_directory_stores_there() {
    let dir = Dir::new();
    let object = version_added_after(&dir, content_directory_stuff);
    assert!(!object.join("v2/content").exists());
    assert!(
        object
            .join("v2/stuff/sample/data/documents/letter.txt")
            .is_file()
    );
    let inventory = inventory(&object);
    assert_eq!(inventory["contentDirectory"], "stuff");
    let paths: Vec<&str> = (inventory["manifest"].as_object().unwrap().values())
        .flat_map(|paths| paths.as_array().unwrap())
        .map(|path| path.as_str().unwrap())
        .collect();
    assert!(
        paths.contains(&"v2/stuff/sample/data/documents/letter.txt"),
        "{paths:?}"
    );
    assert!(
        paths
            .iter()
            .all(|path| path.starts_with("v1/stuff/") || path.starts_with("v2/stuff/")),
        "{paths:?}"
    );
}

#[test]
fn a_zero_padded_object_that_is_full_is_refused() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let object = dir.join("object");
    let toml = collection.join("collection.toml");
    let dated = |day: u32| {
        let text = fs::read_to_string(&toml).unwrap();
        let (before, after) = text.split_once("date = \"").unwrap();
        fs::write(
            &toml,
            format!("{before}date = \"2026-12-{day:02}{}", &after[10..]),
        )
        .unwrap();
        pack(&dir, &collection, &format!("day-{day}"))
    };
    for day in 1..=9 {
        assert_eq!(export(&dated(day), &object, &[]).0, 0);
    }
    // v1...v9 renamed v01...v09, as an object that pads to two digits.
    edit_inventories(&object, |inventory| {
        let mut text = inventory.to_string();
        for n in 1..=9 {
            text = text
                .replace(&format!("\"v{n}/"), &format!("\"v0{n}/"))
                .replace(&format!("\"v{n}\""), &format!("\"v0{n}\""));
        }
        *inventory = serde_json::from_str(&text).unwrap();
    });
    for n in 1..=9 {
        fs::rename(object.join(format!("v{n}")), object.join(format!("v0{n}"))).unwrap();
    }
    validators().ocfl_validate(&object).assert_valid();
    let bundle = dated(10);
    let before = tree(dir.path());
    let output = corpack()
        .args(["export", "ocfl"])
        .arg(&bundle)
        .arg("-o")
        .arg(&object)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&object.display().to_string()), "{stderr}");
    assert!(stderr.contains("urn:corpack:sample"), "{stderr}");
    assert!(stderr.contains("zero-padded to 2 digits"), "{stderr}");
    assert!(stderr.contains("v09 is the last"), "{stderr}");
    assert_eq!(tree(dir.path()), before, "nothing was written");
    validators().ocfl_validate(&object).assert_valid();
}

#[test]
fn the_same_bundle_again_is_nothing_to_do() {
    let dir = Dir::new();
    let (_, bundle, object) = exported(&dir, "c");
    let before = tree(&object);
    let (status, report) = export(&bundle, &object, &[]);
    assert_eq!(
        (status, &report["action"]),
        (0, &"unchanged".into()),
        "{report}"
    );
    assert_eq!(report["head"], "v1");
    assert_eq!(tree(&object), before);
    corpack()
        .args(["export", "ocfl"])
        .arg(&bundle)
        .arg("-o")
        .arg(&object)
        .assert()
        .success()
        .stdout(predicates::str::contains("nothing to do"));
}

#[test]
fn exports_are_reproducible() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let first = pack(&dir, &collection, "first");
    revise(&collection);
    let second = pack(&dir, &collection, "second");
    let objects = [dir.join("a"), dir.join("b")];
    for object in &objects {
        assert_eq!(export(&first, object, &[]).0, 0);
        assert_eq!(export(&second, object, &[]).0, 0);
    }
    assert_eq!(tree(&objects[0]), tree(&objects[1]));
}

#[test]
fn an_invalid_bundle_is_refused_and_nothing_is_written() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let bundle = pack(&dir, &collection, "c");
    let forged = forged_bag(&dir, &bundle);
    let object = dir.join("object");
    let (status, report) = export(&forged, &object, &[]);
    assert_eq!(status, 1, "{report}");
    assert_eq!(report["action"], "refused");
    let codes: Vec<&str> = report["bundle_findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"payload-digest-mismatch"), "{codes:?}");
    assert!(!object.exists());
    corpack()
        .args(["export", "ocfl"])
        .arg(&forged)
        .arg("-o")
        .arg(&object)
        .assert()
        .code(1)
        .stdout(predicates::str::contains("refused"))
        .stdout(predicates::str::contains("payload-digest-mismatch"));
}

/// Rewrites the inventory of `object`, a copy of spec-ex-full, through
/// `edit`, and its copy in the head version, v3.
fn edit_spec_ex_full_inventory(object: &Path, edit: impl Fn(&mut serde_json::Value)) {
    edit_inventory(object, &edit);
    edit_inventory(&object.join("v3"), &edit);
}

/// Rewrites the inventory in `dir` (an object or a version directory)
/// through `edit`, and its sidecar.
fn edit_inventory(dir: &Path, edit: impl Fn(&mut serde_json::Value)) {
    let path = dir.join("inventory.json");
    let mut inventory = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    edit(&mut inventory);
    let json = serde_json::to_vec_pretty(&inventory).unwrap();
    fs::write(&path, &json).unwrap();
    fs::write(
        dir.join("inventory.json.sha512"),
        format!("{} inventory.json\n", hex::encode(Sha512::digest(&json))),
    )
    .unwrap();
}

#[test]
fn a_root_inventory_without_a_usable_id_is_e037_once() {
    let dir = Dir::new();
    let Some(object) = spec_ex_full(&dir, "object") else {
        return;
    };
    edit_spec_ex_full_inventory(&object, |inventory| inventory["id"] = 5.into());
    let (status, report) = report_with(&object, &[]);
    assert_eq!(status, 1, "{report}");
    let e037: Vec<(&str, &str)> = (report["findings"].as_array().unwrap().iter())
        .filter(|finding| finding["code"] == "E037")
        .map(|finding| {
            let path = finding["path"].as_str().unwrap();
            (path, finding["message"].as_str().unwrap())
        })
        .collect();
    // The root's own (the head version's inventory is the same bytes);
    // v1's and v2's ids are not said to differ from an id the root does
    // not have.
    assert_eq!(
        e037,
        [("inventory.json", "`id` must be a non-empty string, not 5")]
    );
}

/// An object exported from the sample collection in `dir`, then from a
/// revision of it: v1 and v2.
fn two_version_object(dir: &Dir) -> PathBuf {
    let (collection, _, object) = exported(dir, "first");
    revise(&collection);
    let second = pack(dir, &collection, "second");
    assert_eq!(export(&second, &object, &[]).0, 0);
    object
}

#[test]
fn a_content_directory_set_after_the_first_version_is_e019() {
    let dir = Dir::new();
    let object = two_version_object(&dir);
    // `content` is the default, but OCFL 1.1 §3.3.1: if contentDirectory
    // is set, it must be set in the first version (E019); v1's is not.
    for inventory in [object.clone(), object.join("v2")] {
        edit_inventory(&inventory, |inventory| {
            inventory["contentDirectory"] = "content".into();
        });
    }
    validators().ocfl_validate(&object).assert_invalid();
    let (status, codes) = verdict(&object);
    assert_eq!(status, 1, "{codes:?}");
    assert!(codes.contains("E019"), "{codes:?}");
}

#[test]
fn an_inventory_naming_no_algorithm_has_that_error_not_its_sidecar_unexpected() {
    // Without the algorithm, which sidecar is the inventory's is unknown:
    // the one there is not also an unexpected file (E001).
    let dir = Dir::new();
    let object = two_version_object(&dir);
    for algorithm in [None, Some("")] {
        edit_inventory(&object, |inventory| match algorithm {
            None => drop(inventory.as_object_mut().unwrap().remove("digestAlgorithm")),
            Some(name) => inventory["digestAlgorithm"] = name.into(),
        });
        validators().ocfl_validate(&object).assert_invalid();
        let (status, codes) = verdict(&object);
        assert_eq!(status, 1, "{algorithm:?}: {codes:?}");
        let errors: BTreeSet<&str> = (codes.iter().map(String::as_str))
            .filter(|code| code.starts_with('E'))
            .collect();
        let expected = if algorithm.is_none() { "E036" } else { "E025" };
        assert_eq!(errors, BTreeSet::from([expected]), "{algorithm:?}");
    }
}

#[test]
fn a_sidecar_of_another_algorithm_in_a_version_directory_is_e015() {
    let dir = Dir::new();
    let object = two_version_object(&dir);
    // v1's inventory is SHA-512: its sidecar is inventory.json.sha512, and
    // a version directory holds nothing else but the content directory.
    for version in ["v1", "v2"] {
        let dir = object.join(version);
        fs::copy(
            dir.join("inventory.json.sha512"),
            dir.join("inventory.json.sha256"),
        )
        .unwrap();
        validators().ocfl_validate(&object).assert_invalid();
        let (status, codes) = verdict(&object);
        assert_eq!(status, 1, "{version}: {codes:?}");
        assert!(codes.contains("E015"), "{version}: {codes:?}");
        fs::remove_file(dir.join("inventory.json.sha256")).unwrap();
    }
    // A version directory without an inventory (W010) has no sidecar
    // either: one left there, or another file named like one, is E015.
    let v1 = object.join("v1");
    for inventory in ["inventory.json", "inventory.json.sha512"] {
        fs::remove_file(v1.join(inventory)).unwrap();
    }
    for stray in ["inventory.json.sha512", "inventory.json.bak"] {
        fs::write(v1.join(stray), "stray\n").unwrap();
        validators().ocfl_validate(&object).assert_invalid();
        let (status, codes) = verdict(&object);
        assert_eq!(status, 1, "{stray}: {codes:?}");
        assert!(codes.contains("E015"), "{stray}: {codes:?}");
        fs::remove_file(v1.join(stray)).unwrap();
    }
}

#[test]
fn a_link_in_a_version_directory_is_e090() {
    // As in the object root and the content directories: an object holds
    // only regular files and directories.
    let dir = Dir::new();
    let object = two_version_object(&dir);
    let sidecar = object.join("v1/inventory.json.sha512");
    fs::rename(&sidecar, dir.join("sidecar")).unwrap();
    std::os::unix::fs::symlink(dir.join("sidecar"), &sidecar).unwrap();
    let (status, codes) = verdict(&object);
    assert_eq!(status, 1, "{codes:?}");
    assert!(codes.contains("E090"), "{codes:?}");
    assert!(!codes.contains("E015"), "{codes:?}");
}

#[test]
fn an_invalid_object_gets_no_version() {
    let dir = Dir::new();
    let (collection, _, object) = exported(&dir, "first");
    fs::remove_file(object.join("v1/inventory.json.sha512")).unwrap();
    revise(&collection);
    let second = pack(&dir, &collection, "second");
    let (status, report) = export(&second, &object, &[]);
    assert_eq!(status, 1, "{report}");
    assert_eq!(report["action"], "refused");
    let codes: Vec<&str> = report["object_findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"E058"), "{codes:?}");
    assert!(!object.join("v2").exists());
}

#[test]
fn an_object_whose_content_is_damaged_gets_no_version() {
    // The new version would reuse the damaged file by its digest.
    let dir = Dir::new();
    let (collection, _, object) = exported(&dir, "first");
    let bagit_txt = object.join("v1/content/sample/bagit.txt");
    let mut damaged = fs::read(&bagit_txt).unwrap();
    damaged.push(b'\n');
    fs::write(&bagit_txt, damaged).unwrap();
    revise(&collection);
    let second = pack(&dir, &collection, "second");
    let (status, report) = export(&second, &object, &[]);
    assert_eq!(status, 1, "{report}");
    assert_eq!(report["action"], "refused");
    let found: Vec<(&str, &str)> = (report["object_findings"].as_array().unwrap().iter())
        .map(|f| (f["code"].as_str().unwrap(), f["path"].as_str().unwrap()))
        .collect();
    assert!(
        found.contains(&("E092", "v1/content/sample/bagit.txt")),
        "{found:?}"
    );
    assert!(!object.join("v2").exists());
}

#[test]
fn an_object_of_another_collection_is_never_touched() {
    let dir = Dir::new();
    let (_, _, object) = exported(&dir, "c");
    let other = dir.join("other");
    fs::create_dir_all(&other).unwrap();
    fs::write(other.join("a.txt"), "a\n").unwrap();
    fs::write(
        other.join("collection.toml"),
        crate::util::COLLECTION_HEADER.replace("id = \"sample\"", "id = \"other\"")
            + "\n[[document]]\nid = \"a\"\ntitle = \"A\"\nfile = \"a.txt\"\n",
    )
    .unwrap();
    let other_bundle = pack(&dir, &other, "other");
    let before = tree(&object);
    for extra in [&[][..], &["--force"][..]] {
        let output = corpack()
            .args(["export", "ocfl"])
            .arg(&other_bundle)
            .arg("-o")
            .arg(&object)
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("urn:corpack:sample"), "{stderr}");
    }
    assert_eq!(tree(&object), before);
}

#[test]
fn an_existing_output_is_replaced_only_with_force() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let bundle = pack(&dir, &collection, "c");
    let object = dir.create("object", "not an object");
    let (status, _) = export(&bundle, &object, &[]);
    assert_eq!(status, 2);
    assert_eq!(fs::read(&object).unwrap(), b"not an object");
    let (status, report) = export(&bundle, &object, &["--force"]);
    assert_eq!(status, 0, "{report}");
    verify_valid(&object);
    // An empty directory is filled without --force.
    let empty = dir.join("empty");
    fs::create_dir(&empty).unwrap();
    assert_eq!(export(&bundle, &empty, &[]).0, 0);
    verify_valid(&empty);
}

#[test]
fn ocfl_data_is_never_replaced_nor_written_into() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let bundle = pack(&dir, &collection, "c");
    let holder = dir.join("holder");
    let root = holder.join("root");
    fs::create_dir_all(root.join("extensions")).unwrap();
    declare_storage_root(&root);
    let object = root.join("sample");
    assert_eq!(export(&bundle, &object, &[]).0, 0);
    let before = tree(dir.path());
    for (output, why) in [
        (&root, "is an OCFL storage root"),
        (&root.join("extensions/x"), "storage root"),
        (&root.join("ocfl_layout.json"), "storage root"),
        (&object.join("v1/content/x"), "lies inside the OCFL object"),
        (&object.join("x"), "lies inside the OCFL object"),
        (&holder, "holds OCFL data"),
    ] {
        let output = corpack()
            .args(["export", "ocfl"])
            .arg(&bundle)
            .arg("-o")
            .arg(output)
            .arg("--force")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(why), "{stderr}");
    }
    assert_eq!(tree(dir.path()), before);
    validators().ocfl_validate(&object).assert_valid();
}

/// The entries under `dir`, at any depth, named like corpack's temporary
/// files.
fn leftovers(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|entry| entry.unwrap())
        .filter(|entry| entry.file_name().to_string_lossy().starts_with(".corpack-"))
        .map(|entry| entry.into_path())
        .collect()
}

#[cfg(unix)]
#[test]
fn a_killed_export_leaves_the_storage_root_valid() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let holder = dir.join("holder");
    let root = holder.join("root");
    declare_storage_root(&root);
    let object = root.join("sample");
    assert_eq!(export(&pack(&dir, &collection, "first"), &object, &[]).0, 0);
    revise(&collection);
    // Large enough to be still building when it is killed.
    fs::write(collection.join("letter.txt"), vec![b'x'; 24 << 20]).unwrap();
    let second = pack(&dir, &collection, "second");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_corpack"))
        .args(["export", "ocfl"])
        .arg(&second)
        .arg("-o")
        .arg(&object)
        .arg("--quiet")
        .spawn()
        .unwrap();
    while leftovers(&holder).is_empty() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the export ended before it was killed"
        );
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    // What the killed export left (its lock file, and its build directory
    // if it got that far) is beside the storage root, not in it.
    assert_eq!(leftovers(&root), Vec::<PathBuf>::new());
    let left = leftovers(&holder);
    assert!(
        (1..=2).contains(&left.len()) && left.iter().all(|path| path.parent() == Some(&holder)),
        "{left:?}"
    );
    assert_eq!(inventory(&object)["head"], "v1");
    validators().ocfl_validate(&object).assert_valid();
    // The next export removes it.
    let (status, report) = export(&second, &object, &[]);
    assert_eq!((status, &report["head"]), (0, &"v2".into()), "{report}");
    assert_eq!(leftovers(&holder), Vec::<PathBuf>::new());
    validators().ocfl_validate(&object).assert_valid();
}

/// A directory made unwritable, until dropped: by its mode, or, where that
/// is not enough (root ignores modes), by `chattr +i`. Panics if neither
/// works, so that no test passes without having tried what it claims.
#[cfg(unix)]
struct Unwritable {
    dir: PathBuf,
    immutable: bool,
}

#[cfg(unix)]
impl Unwritable {
    fn new(dir: &Path) -> Unwritable {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o555)).unwrap();
        let mut unwritable = Unwritable {
            dir: dir.to_path_buf(),
            immutable: false,
        };
        if unwritable.is_writable() {
            let chattr = std::process::Command::new("chattr")
                .arg("+i")
                .arg(dir)
                .output();
            unwritable.immutable = true;
            assert!(
                !unwritable.is_writable(),
                "{} stays writable: its mode is ignored (running as root?) and `chattr +i` \
                 gave {chattr:?}; it needs e2fsprogs' chattr, CAP_LINUX_IMMUTABLE and a file \
                 system with the immutable flag (ext4, xfs, btrfs): point TMPDIR at one",
                dir.display()
            );
        }
        unwritable
    }

    fn is_writable(&self) -> bool {
        let probe = self.dir.join("probe");
        let made = fs::create_dir(&probe).is_ok();
        let _ = fs::remove_dir(&probe);
        made
    }
}

#[cfg(unix)]
impl Drop for Unwritable {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        if self.immutable {
            let _ = std::process::Command::new("chattr")
                .arg("-i")
                .arg(&self.dir)
                .status();
        }
        let _ = fs::set_permissions(&self.dir, fs::Permissions::from_mode(0o755));
    }
}

/// The names in `dir`, sorted.
#[cfg(unix)]
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

#[cfg(unix)]
#[test]
fn an_export_builds_where_it_may_write() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let first = pack(&dir, &collection, "first");
    revise(&collection);
    let second = pack(&dir, &collection, "second");
    // The directory holding the storage root cannot be written: the build
    // goes into the root's extensions/, and leaves nothing there.
    let holder = dir.join("holder");
    let root = holder.join("root");
    declare_storage_root(&root);
    let object = root.join("sample");
    {
        let _unwritable = Unwritable::new(&holder);
        for (bundle, head) in [(&first, "v1"), (&second, "v2")] {
            let (status, report) = export(bundle, &object, &[]);
            assert_eq!((status, &report["head"]), (0, &head.into()), "{report}");
            assert_eq!(names(&root), ["0=ocfl_1.1", "sample"]);
            assert_eq!(names(&holder), ["root"]);
        }
    }
    validators().ocfl_validate(&root).assert_valid();
    // An object in no storage root, whose directory cannot be written, gets
    // its version built in the system's temporary directory.
    let plain_holder = dir.join("plain");
    fs::create_dir(&plain_holder).unwrap();
    let plain = plain_holder.join("sample");
    assert_eq!(export(&first, &plain, &[]).0, 0);
    let temp = dir.join("tmp");
    fs::create_dir(&temp).unwrap();
    let _unwritable = Unwritable::new(&plain_holder);
    let output = corpack()
        .env("TMPDIR", &temp)
        .args(["export", "--json", "ocfl"])
        .arg(&second)
        .arg("-o")
        .arg(&plain)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        (output.status.code(), &report["head"]),
        (Some(0), &"v2".into()),
        "{report}"
    );
    assert_eq!(names(&temp), Vec::<String>::new());
    validators().ocfl_validate(&plain).assert_valid();
}

#[test]
fn the_seeds_export_to_valid_objects() {
    let dir = Dir::new();
    let seeds = crate::util::repo_root().join("seeds");
    let object = dir.join("seeds-object");
    let bundle = pack(&dir, &seeds, "seeds");
    assert_eq!(export(&bundle, &object, &[]).0, 0);
    let mut objects = vec![object];
    if let Some(shared) = shared_dir() {
        // With the talk held, as a second version of the same object.
        let held = dir.join("seeds-held.zip");
        corpack()
            .arg("pack")
            .arg(&seeds)
            .arg("--source")
            .arg(shared.join("corpus"))
            .arg("-o")
            .arg(&held)
            .arg("--quiet")
            .assert()
            .success();
        let (status, report) = export(&held, &objects[0], &[]);
        assert_eq!(
            (status, &report["action"]),
            (0, &"version-added".into()),
            "{report}"
        );
        let fresh = dir.join("seeds-held-object");
        assert_eq!(export(&held, &fresh, &[]).0, 0);
        objects.push(fresh);
    }
    let paths: Vec<&Path> = objects.iter().map(PathBuf::as_path).collect();
    validators().ocfl_validate_all(&paths).assert_valid();
    for object in &objects {
        verify_valid(object);
    }
}

/// A generated document: its file, its bytes, and whether the collection
/// holds it (otherwise it is catalogued with its declared checksum only).
#[derive(Clone, Debug)]
struct GeneratedDocument {
    file: String,
    bytes: String,
    held: bool,
}

/// A generated collection: id, date and documents.
#[derive(Clone, Debug)]
struct GeneratedCollection {
    id: String,
    date: (u32, u32, u32),
    documents: Vec<GeneratedDocument>,
}

impl GeneratedCollection {
    /// Writes the collection into `dir` (emptied first).
    fn write(&self, dir: &Path) {
        let _ = fs::remove_dir_all(dir);
        fs::create_dir_all(dir).unwrap();
        let (year, month, day) = self.date;
        let mut toml = format!(
            "[collection]\nid = \"{}\"\ntitle = \"Generated\"\ndescription = \"A generated collection\"\nlicense = \"CC0-1.0\"\ndate = \"{year:04}-{month:02}-{day:02}\"\n",
            self.id
        );
        for (index, document) in self.documents.iter().enumerate() {
            toml.push_str(&format!(
                "\n[[document]]\nid = \"d{index}\"\ntitle = \"Document {index}\"\nfile = \"{}\"\nsha256 = \"{}\"\n",
                document.file,
                hex::encode(Sha256::digest(document.bytes.as_bytes()))
            ));
            if document.held {
                let path = dir.join(&document.file);
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::write(path, &document.bytes).unwrap();
            }
        }
        fs::write(dir.join("collection.toml"), toml).unwrap();
    }
}

mod generated {
    //! Strategies for collections and their revisions, the features that
    //! matter to an OCFL export: file names (nested, non-ASCII, spaces),
    //! repeated contents, documents not held, and changes between bundles.

    use proptest::collection::vec;
    use proptest::prelude::*;

    use super::{GeneratedCollection, GeneratedDocument};

    fn file() -> impl Strategy<Value = String> {
        (
            vec("[a-zЖé]{1,5}", 0..3),
            "[A-Za-z0-9Жé_-]([A-Za-z0-9Жé _.-]{0,6}[A-Za-z0-9Жé_-])?",
        )
            .prop_map(|(dirs, name)| {
                let mut path = dirs.join("/");
                if !path.is_empty() {
                    path.push('/');
                }
                path + &name + ".txt"
            })
    }

    fn bytes() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::sample::select(vec!["same\n", "другое\n", ""]).prop_map(str::to_string),
            "[ -~\n]{0,40}",
        ]
    }

    fn documents() -> impl Strategy<Value = Vec<GeneratedDocument>> {
        vec((file(), bytes(), prop::bool::weighted(0.8)), 1..6).prop_map(|documents| {
            let mut seen = std::collections::BTreeSet::new();
            documents
                .into_iter()
                .filter(|(file, _, _)| seen.insert(file.to_lowercase()))
                .map(|(file, bytes, held)| GeneratedDocument { file, bytes, held })
                .collect()
        })
    }

    /// A collection and a later revision of it: some documents changed,
    /// some dropped, some added.
    pub fn collection_and_revision()
    -> impl Strategy<Value = (GeneratedCollection, GeneratedCollection)> {
        (
            "[a-z][a-z0-9]{0,5}(-[a-z0-9]{1,4})?",
            (2000..2090u32, 1..=12u32, 1..=28u32),
            documents(),
            documents(),
            vec((prop::bool::ANY, prop::bool::weighted(0.2), bytes()), 6),
            1..400u32,
        )
            .prop_map(|(id, date, documents, added, changes, later)| {
                let first = GeneratedCollection {
                    id: id.clone(),
                    date,
                    documents: documents.clone(),
                };
                let mut revised: Vec<GeneratedDocument> = documents
                    .into_iter()
                    .zip(changes)
                    .filter(|(_, (_, dropped, _))| !dropped)
                    .map(|(mut document, (changed, _, bytes))| {
                        if changed {
                            document.bytes = bytes;
                        }
                        document
                    })
                    .collect();
                for document in added {
                    let clash = revised
                        .iter()
                        .any(|d| d.file.to_lowercase() == document.file.to_lowercase());
                    if !clash {
                        revised.push(document);
                    }
                }
                let (year, month, day) = date;
                let day_number = (year * 12 + month - 1) * 28 + day - 1 + later;
                let date = (
                    day_number / 336,
                    day_number / 28 % 12 + 1,
                    day_number % 28 + 1,
                );
                let second = GeneratedCollection {
                    id,
                    date,
                    documents: revised,
                };
                (first, second)
            })
    }
}

proptest::proptest! {
    // Each case runs ocfl-py once, on every object it made.
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 6,
        ..proptest::prelude::ProptestConfig::default()
    })]

    #[test]
    fn any_collection_and_its_revision_export_to_valid_ocfl(
        pairs in proptest::collection::vec(generated::collection_and_revision(), 1..4)
    ) {
        let dir = Dir::new();
        let mut objects = Vec::new();
        for (index, (first, second)) in pairs.iter().enumerate() {
            let collection = dir.join(&format!("collection-{index}"));
            let object = dir.join(&format!("object-{index}"));
            for (version, generated) in [("v1", first), ("v2", second)] {
                generated.write(&collection);
                let bundle = pack(&dir, &collection, &format!("{index}-{version}"));
                let (status, report) = export(&bundle, &object, &[]);
                proptest::prop_assert_eq!(status, 0, "{}", report);
                proptest::prop_assert_eq!(&report["head"], version);
                let checked_out = dir.join(&format!("checkout-{index}-{version}"));
                check_out(&object, version, &checked_out);
                let unzipped = dir.join(&format!("unzipped-{index}-{version}"));
                crate::util::unzip(&bundle, &unzipped);
                proptest::prop_assert_eq!(tree(&checked_out), tree(&unzipped));
            }
            let (status, codes) = verdict(&object);
            proptest::prop_assert_eq!(status, 0, "{:?}", codes);
            objects.push(object);
        }
        let paths: Vec<&Path> = objects.iter().map(PathBuf::as_path).collect();
        let outcome = validators().ocfl_validate_all(&paths);
        proptest::prop_assert!(outcome.is_valid(), "{}", outcome);
    }
}

#[cfg(unix)]
#[test]
fn a_failed_write_names_the_object_s_file_not_the_build_directory() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "sample");
    fs::write(collection.join("large.bin"), vec![b'x'; 2 << 20]).unwrap();
    let mut records = fs::read_to_string(collection.join("collection.toml")).unwrap();
    records.push_str("\n[[document]]\nid = \"large\"\ntitle = \"L\"\nfile = \"large.bin\"\n");
    fs::write(collection.join("collection.toml"), records).unwrap();
    let bundle = dir.join("sample.zip");
    crate::util::pack(&collection, &bundle, &[]);
    let object = dir.join("object");
    let args: [&std::ffi::OsStr; 5] = [
        "export".as_ref(),
        "ocfl".as_ref(),
        bundle.as_os_str(),
        "-o".as_ref(),
        object.as_os_str(),
    ];
    let (code, stderr) = crate::util::corpack_with_file_size_limit(1 << 20, &args);
    assert_eq!(code, Some(2), "{stderr}");
    let written = object.join("v1/content/sample/data/documents/large.bin");
    assert!(
        stderr.contains(&format!("{}: ", written.display())),
        "{stderr}"
    );
    assert!(!stderr.contains(".corpack-"), "{stderr}");
    assert!(!object.exists());
}
