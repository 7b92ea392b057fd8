//! BagIt profiles: every bag corpack writes names corpack's own profile
//! and conforms to it, by `corpack verify --profile` and by bdbag; and on
//! bags crafted to break one rule each, `corpack verify --profile` gives
//! bdbag's verdict.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256, Sha512};
use zip::write::SimpleFileOptions;

use crate::util::{Dir, corpack, finding_codes, pack, repo_root, sample_collection, shared_dir};
use crate::validators::validators;

fn own_profile() -> PathBuf {
    repo_root().join("manifests/bagit-profile.json")
}

/// `corpack verify --profile PROFILE --json BAG`: exit code and findings'
/// codes.
fn verify_with_profile(bag: &Path, profile: &Path) -> (i32, Vec<String>) {
    let output = corpack()
        .args(["verify", "--json", "--profile"])
        .arg(profile)
        .arg(bag)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)));
    (output.status.code().unwrap(), finding_codes(&report))
}

/// The `profile-*` codes among `codes`.
fn profile_codes(codes: &[String]) -> Vec<&str> {
    codes
        .iter()
        .map(String::as_str)
        .filter(|c| c.starts_with("profile-"))
        .collect()
}

#[test]
fn corpack_bags_conform_to_corpack_s_profile() {
    let dir = Dir::new();
    let bundle = dir.join("sample.zip");
    pack(&sample_collection(&dir, "sample"), &bundle, &[]);
    let (status, codes) = verify_with_profile(&bundle, &own_profile());
    assert_eq!(status, 0, "{codes:?}");
    assert!(
        codes.iter().all(|c| !c.starts_with("profile-")),
        "{codes:?}"
    );
    validators()
        .bdbag_validate_profile(&bundle, &own_profile())
        .assert_valid();
}

#[test]
fn the_seeds_bundle_conforms_to_corpack_s_profile() {
    let dir = Dir::new();
    let bundle = dir.join("seeds.zip");
    let sources: Vec<PathBuf> = shared_dir().map(|s| s.join("corpus")).into_iter().collect();
    pack(&repo_root().join("seeds"), &bundle, &sources);
    let (status, codes) = verify_with_profile(&bundle, &own_profile());
    assert_eq!(status, 0, "{codes:?}");
    validators()
        .bdbag_validate_profile(&bundle, &own_profile())
        .assert_valid();
}

#[test]
fn a_key_the_specification_does_not_define_is_a_warning_naming_it() {
    // corpack's profile with its Manifests-Required misspelt: the rule is
    // not checked, as bdbag does not check it, and the warning says why.
    let dir = Dir::new();
    let bundle = dir.join("sample.zip");
    pack(&sample_collection(&dir, "sample"), &bundle, &[]);
    let own = fs::read_to_string(own_profile()).unwrap();
    let misspelt = own.replacen("\"Manifests-Required\"", "\"Manifest-Required\"", 1);
    assert_ne!(misspelt, own);
    let profile = dir.join("misspelt.json");
    fs::write(&profile, misspelt).unwrap();
    let (status, codes) = verify_with_profile(&bundle, &profile);
    assert_eq!(
        (status, profile_codes(&codes)),
        (0, vec!["profile-key-unknown"])
    );
    corpack()
        .args(["verify", "--profile"])
        .arg(&profile)
        .arg(&bundle)
        .assert()
        .success()
        .stdout(predicates::str::contains("warning[profile-key-unknown]: "))
        .stdout(predicates::str::contains("misspelt.json:"))
        .stdout(predicates::str::contains(
            ": the profile's key \"Manifest-Required\" is not one the BagIt Profiles \
             specification defines (is it Manifests-Required?)",
        ));
}

#[test]
fn a_media_type_of_another_case_accepts_a_zip() {
    // MIME types match without regard to case (RFC 2045 §5.1).
    let dir = Dir::new();
    let bundle = dir.join("sample.zip");
    pack(&sample_collection(&dir, "sample"), &bundle, &[]);
    let own = fs::read_to_string(own_profile()).unwrap();
    let profile = dir.join("cased.json");
    let cased = own.replace("\"application/zip\"", "\"Application/ZIP\"");
    assert_ne!(cased, own);
    fs::write(&profile, cased).unwrap();
    let (status, codes) = verify_with_profile(&bundle, &profile);
    assert_eq!((status, profile_codes(&codes)), (0, vec![]));
}

#[test]
fn an_unzipped_corpack_bag_breaks_the_serialization_rule() {
    let dir = Dir::new();
    let bundle = dir.join("sample.zip");
    pack(&sample_collection(&dir, "sample"), &bundle, &[]);
    crate::util::unzip(&bundle, &dir.join("unzipped"));
    let bag = dir.join("unzipped/sample");
    let (status, codes) = verify_with_profile(&bag, &own_profile());
    assert_eq!(
        (status, codes),
        (1, vec!["profile-serialization".to_string()])
    );
    validators()
        .bdbag_validate_profile(&bag, &own_profile())
        .assert_invalid();
}

#[test]
fn a_malformed_profile_is_a_usage_error_naming_file_line_and_field() {
    let dir = Dir::new();
    let bundle = dir.join("sample.zip");
    pack(&sample_collection(&dir, "sample"), &bundle, &[]);
    let profile = dir.create(
        "profile.json",
        "{\n  \"BagIt-Profile-Info\": {\n    \"BagIt-Profile-Identifier\": true\n  }\n}\n",
    );
    let output = corpack()
        .args(["verify", "--profile"])
        .arg(&profile)
        .arg(&bundle)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("profile.json:3:") && stderr.contains("BagIt-Profile-Identifier"),
        "{stderr}"
    );
}

/// A bag as the crafted cases vary it.
struct Crafted {
    identifier: &'static str,
    bagit_version: &'static str,
    algorithms: &'static [&'static str],
    bag_info: &'static str,
}

const PROFILE_ID: &str = "https://example.org/corpack/bagit-profile.json";

impl Crafted {
    fn good() -> Crafted {
        Crafted {
            identifier: PROFILE_ID,
            bagit_version: "1.0",
            algorithms: &["sha256", "sha512"],
            bag_info: "Bagging-Date: 2026-11-25\nPayload-Oxum: 12.1\n",
        }
    }

    /// Writes the bag at `root` (`bag_info` after the identifier line),
    /// then zips it beside as `<root>.zip`.
    fn write(&self, root: &Path) -> PathBuf {
        let payload: &[u8] = b"Hello, bag.\n";
        let write = |relative: &str, bytes: &[u8]| {
            let path = root.join(relative);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, bytes).unwrap();
        };
        write(
            "bagit.txt",
            format!(
                "BagIt-Version: {}\nTag-File-Character-Encoding: UTF-8\n",
                self.bagit_version
            )
            .as_bytes(),
        );
        write(
            "bag-info.txt",
            format!(
                "BagIt-Profile-Identifier: {}\n{}",
                self.identifier, self.bag_info
            )
            .as_bytes(),
        );
        write("data/hello.txt", payload);
        let mut tag_files = vec!["bagit.txt".to_string(), "bag-info.txt".to_string()];
        for algorithm in self.algorithms {
            let name = format!("manifest-{algorithm}.txt");
            write(
                &name,
                format!("{}  data/hello.txt\n", digest(algorithm, payload)).as_bytes(),
            );
            tag_files.push(name);
        }
        for algorithm in self.algorithms {
            let mut text = String::new();
            for tag_file in &tag_files {
                let bytes = fs::read(root.join(tag_file)).unwrap();
                text.push_str(&format!("{}  {tag_file}\n", digest(algorithm, &bytes)));
            }
            write(&format!("tagmanifest-{algorithm}.txt"), text.as_bytes());
        }
        zip_dir(root)
    }
}

fn digest(algorithm: &str, bytes: &[u8]) -> String {
    match algorithm {
        "sha256" => hex::encode(Sha256::digest(bytes)),
        "sha512" => hex::encode(Sha512::digest(bytes)),
        other => panic!("no {other}"),
    }
}

/// Zips a bag directory as `<dir>.zip` holding one top-level directory.
fn zip_dir(bag: &Path) -> PathBuf {
    let zip_path = bag.with_extension("zip");
    let top = bag.file_name().unwrap().to_str().unwrap();
    let mut writer = zip::ZipWriter::new(fs::File::create(&zip_path).unwrap());
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(bag)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    for file in files {
        let relative = file.strip_prefix(bag).unwrap().to_str().unwrap();
        writer
            .start_file(format!("{top}/{relative}"), SimpleFileOptions::default())
            .unwrap();
        writer.write_all(&fs::read(&file).unwrap()).unwrap();
    }
    writer.finish().unwrap();
    zip_path
}

#[test]
fn corpack_and_bdbag_agree_on_crafted_bags_against_the_example_profile() {
    let Some(shared) = shared_dir() else { return };
    let profile = shared.join("validators/example-bagit-profile.json");
    let dir = Dir::new();
    let cases: [(&str, Crafted, &[&str]); 4] = [
        ("good", Crafted::good(), &[]),
        (
            "no-sha512",
            Crafted {
                algorithms: &["sha256"],
                ..Crafted::good()
            },
            &["profile-manifest-missing", "profile-tag-manifest-missing"],
        ),
        (
            "no-bagging-date",
            Crafted {
                bag_info: "Payload-Oxum: 12.1\n",
                ..Crafted::good()
            },
            &["profile-bag-info-missing"],
        ),
        (
            "bagit-0-97",
            Crafted {
                bagit_version: "0.97",
                ..Crafted::good()
            },
            &["profile-bagit-version"],
        ),
    ];
    for (name, crafted, expected) in cases {
        let zip = crafted.write(&dir.join(name));
        let (status, codes) = verify_with_profile(&zip, &profile);
        assert_eq!(profile_codes(&codes), expected, "{name}: {codes:?}");
        let bdbag = validators().bdbag_validate_profile(&zip, &profile);
        if expected.is_empty() {
            assert_eq!(status, 0, "{name}: {codes:?}");
            bdbag.assert_valid();
        } else {
            assert_eq!(status, 1, "{name}");
            bdbag.assert_invalid();
        }
    }
}

// bdbag takes the identifier to check from the bag itself, so it accepts a
// bag that names another profile; corpack holds the bag to the profile it
// was given, as the specification asks.
#[test]
fn only_corpack_checks_the_identifier_against_the_profile() {
    let Some(shared) = shared_dir() else { return };
    let profile = shared.join("validators/example-bagit-profile.json");
    let dir = Dir::new();
    let zip = Crafted {
        identifier: "https://example.org/corpack/BAGIT-PROFILE.json",
        ..Crafted::good()
    }
    .write(&dir.join("other-profile"));
    let (status, codes) = verify_with_profile(&zip, &profile);
    assert_eq!(status, 1);
    assert_eq!(profile_codes(&codes), ["profile-identifier"]);
    validators()
        .bdbag_validate_profile(&zip, &profile)
        .assert_valid();
}
