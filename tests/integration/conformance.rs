//! The Library of Congress BagIt conformance suite, in
//! `../shared/conformance/bagit/`: `corpack verify` gives every bag of its
//! `expected.tsv` the expected verdict, for the expected reason, as a
//! directory and zipped, and never changes the suite.
//!
//! Every bag under `warning/` must carry the warning its directory is
//! about. Four of them are valid on Linux and must exit 0 with it. Two are
//! not complete on Linux (see the suite's README): `special-system-files`
//! lists a `data/.DS_Store` that was never committed, and
//! `duplicate-file-with-different-case` lists `data/HELLO.txt` beside
//! `data/hello.txt`, which only a case-insensitive file system can hold as
//! one file. RFC 8493 §3 wins over the directory name: both are rejected as
//! incomplete (exit 1, `payload-file-missing`), and both still carry their
//! warning (`system-file`, `name-case-variant`).

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use corpack::bundle::reader::{BagStore, DirectoryBag, StoredFiles};
use corpack::digest::Digests;
use corpack::finding::Finding;
use corpack::progress::NoProgress;
use corpack::verify::{VerifyOptions, verify};
use serde_json::Value;

use crate::util::{Dir, corpack, shared_dir};

/// What `corpack verify --json` said about one bag.
#[derive(Debug)]
pub struct Verdict {
    /// The exit code.
    pub code: i32,
    /// The JSON document on stdout.
    pub report: Value,
}

impl Verdict {
    /// `(severity, code, path)` of every finding.
    pub fn findings(&self) -> Vec<(String, String, String)> {
        let text = |v: &Value, key: &str| v[key].as_str().unwrap_or_default().to_string();
        self.report["findings"]
            .as_array()
            .map(|list| {
                list.iter()
                    .map(|f| (text(f, "severity"), text(f, "code"), text(f, "path")))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether some finding has `code` and `severity`.
    pub fn has(&self, severity: &str, code: &str) -> bool {
        self.findings()
            .iter()
            .any(|(s, c, _)| s == severity && c == code)
    }

    /// Whether some finding is an error.
    pub fn has_error(&self) -> bool {
        self.findings().iter().any(|(s, _, _)| s == "error")
    }

    /// Whether some finding has `code` and concerns `path`.
    pub fn has_at(&self, code: &str, path: &str) -> bool {
        self.findings()
            .iter()
            .any(|(_, c, p)| c == code && p == path)
    }

    /// The counter `field` of the report (`files_checked`, …).
    pub fn count(&self, field: &str) -> u64 {
        self.report[field].as_u64().unwrap_or(u64::MAX)
    }
}

/// Runs `corpack verify --json` (and `extra` flags) on `bag`.
pub fn verify_json(bag: &Path, extra: &[&str]) -> Verdict {
    let output = corpack()
        .args(["verify", "--json"])
        .args(extra)
        .arg(bag)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: stdout is not one JSON document ({e}):\n{}\nstderr:\n{}",
            bag.display(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    Verdict {
        code: output.status.code().expect("corpack exits, not killed"),
        report,
    }
}

/// One line of `expected.tsv`.
struct Case {
    /// Relative to the suite, e.g. `v0.97/valid/basic-bag`.
    path: String,
    /// `valid`, `invalid` or `warn`.
    expect: String,
}

impl Case {
    fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap()
    }

    fn category(&self) -> &str {
        self.path.split('/').nth(1).unwrap()
    }

    fn is_out_of_scope(&self) -> bool {
        self.name().starts_with("out-of-scope-file-paths")
    }
}

fn cases(suite: &Path) -> Vec<Case> {
    let text = fs::read_to_string(suite.join("expected.tsv")).unwrap();
    let cases: Vec<Case> = text
        .lines()
        .filter(|line| !line.starts_with('#') && !line.starts_with("path\t"))
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            Case {
                path: fields[0].to_string(),
                expect: fields[1].to_string(),
            }
        })
        .collect();
    assert_eq!(cases.len(), 60, "expected.tsv lists the suite's 60 bags");
    cases
}

/// The finding that says why each bag is invalid, or what it warns about.
fn reason(case: &Case) -> Option<(&'static str, &'static str)> {
    let warning = "warning";
    let error = "error";
    Some(match case.name() {
        _ if case.is_out_of_scope() => (error, "unsafe-path"),
        "baginfo-missing-encoding"
        | "bom-in-bagit.txt"
        | "invalid-version-number"
        | "bagit-with-invalid-whitespace" => (error, "bagit-txt-invalid"),
        "corrupt-data-file" => (error, "payload-digest-mismatch"),
        "corrupt-tag-file" => (error, "tag-digest-mismatch"),
        "extra-file-in-bag" | "notAllManifestsListAllFiles" => (error, "payload-file-unlisted"),
        "missing-baginfo" => (error, "tag-file-missing"),
        "missing-bagit.txt" => (error, "bagit-txt-missing"),
        "same-filename-listed-twice-with-different-hashes" => (error, "manifest-duplicate-entry"),
        "same-filename-listed-twice-with-the-same-hash" if case.expect == "invalid" => {
            (error, "manifest-duplicate-entry")
        }
        "same-filename-listed-twice-with-the-same-hash" => (warning, "manifest-duplicate-entry"),
        "same-filename-listed-twice-with-different-normalization" => {
            (warning, "name-normalization")
        }
        "made-with-md5sum-tools" => (warning, "md5sum-marker"),
        "relative-path" => (warning, "dot-slash-path"),
        "special-system-files" => (warning, "system-file"),
        "duplicate-file-with-different-case" => (warning, "name-case-variant"),
        _ => return None,
    })
}

/// The two `warning/` bags that are incomplete on Linux.
const INCOMPLETE_ON_LINUX: [&str; 2] =
    ["special-system-files", "duplicate-file-with-different-case"];

/// What is wrong with the verdict on `case`, if anything.
fn judge(case: &Case, verdict: &Verdict) -> Option<String> {
    let incomplete_here = INCOMPLETE_ON_LINUX.contains(&case.name());
    let exit = match case.expect.as_str() {
        "valid" | "warn" if !incomplete_here => 0,
        "valid" | "warn" | "invalid" => 1,
        other => return Some(format!("unknown expectation {other:?}")),
    };
    if verdict.code != exit {
        return Some(format!("exit {} instead of {exit}", verdict.code));
    }
    if exit == 0 && verdict.has_error() {
        return Some("an error finding on a valid bag".into());
    }
    if incomplete_here && !verdict.has("error", "payload-file-missing") {
        return Some("not rejected as incomplete (payload-file-missing)".into());
    }
    if let Some((severity, code)) = reason(case)
        && !verdict.has(severity, code)
    {
        return Some(format!("no {severity} {code}"));
    }
    if case.is_out_of_scope() {
        // Rejected before any file it names is opened: nothing is hashed,
        // so no checksum can disagree.
        let hashed = verdict.count("files_checked") + verdict.count("bytes_checked");
        if hashed != 0 || verdict.has("error", "payload-digest-mismatch") {
            return Some(format!("files were read ({hashed} files + bytes)"));
        }
    }
    None
}

/// Every file of the suite and its SHA-256, to prove nothing changes.
fn snapshot(suite: &Path) -> BTreeMap<PathBuf, String> {
    walkdir::WalkDir::new(suite)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let digest = Digests::of(&fs::read(e.path()).unwrap()).sha256;
            (e.path().to_path_buf(), digest)
        })
        .collect()
}

#[test]
fn every_bag_of_the_suite_gets_its_expected_verdict_for_its_reason() {
    let Some(shared) = shared_dir() else { return };
    let suite = shared.join("conformance/bagit");
    let before = snapshot(&suite);
    let cases = cases(&suite);
    let mut failures = Vec::new();
    for case in &cases {
        let verdict = verify_json(&suite.join(&case.path), &[]);
        if let Some(why) = judge(case, &verdict) {
            failures.push(format!(
                "{} ({}): {why}: {:#?}",
                case.path,
                case.expect,
                verdict.findings()
            ));
        }
    }
    eprintln!(
        "BagIt conformance suite: {} of {} bags as expected",
        cases.len() - failures.len(),
        cases.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(snapshot(&suite), before, "verify changed the suite");
}

/// A bag directory that records every file it is asked to open.
struct Recording {
    bag: DirectoryBag,
    opened: Mutex<Vec<String>>,
}

impl BagStore for Recording {
    fn location(&self) -> &Path {
        self.bag.location()
    }

    fn files(&self) -> &StoredFiles {
        self.bag.files()
    }

    fn findings(&self) -> &[Finding] {
        self.bag.findings()
    }

    fn is_dir(&self, path: &str) -> bool {
        self.bag.is_dir(path)
    }

    fn read_with(
        &self,
        path: &str,
        read: &mut dyn FnMut(&mut dyn Read) -> io::Result<()>,
    ) -> io::Result<()> {
        self.opened.lock().unwrap().push(path.to_string());
        self.bag.read_with(path, read)
    }

    fn stream(&self, path: &str) -> io::Result<Box<dyn Read + Send + '_>> {
        self.opened.lock().unwrap().push(path.to_string());
        self.bag.stream(path)
    }
}

#[test]
fn out_of_scope_paths_are_rejected_before_any_file_is_opened() {
    let Some(shared) = shared_dir() else { return };
    let suite = shared.join("conformance/bagit");
    let out_of_scope: Vec<Case> = cases(&suite)
        .into_iter()
        .filter(Case::is_out_of_scope)
        .collect();
    assert_eq!(out_of_scope.len(), 14);
    for case in out_of_scope {
        let store = Recording {
            bag: DirectoryBag::open(&suite.join(&case.path)).unwrap(),
            opened: Mutex::default(),
        };
        let report = verify(&store, VerifyOptions::default(), &NoProgress);
        assert!(!report.valid, "{}", case.path);
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.code.to_string() == "unsafe-path"),
            "{}: {:#?}",
            case.path,
            report.findings
        );
        // Only the tag files that must be parsed to find the paths were
        // opened: no payload file, nothing a manifest or fetch.txt names.
        let opened = store.opened.into_inner().unwrap();
        let parsed = |path: &str| {
            ["bagit.txt", "bag-info.txt", "fetch.txt"].contains(&path)
                || (path.ends_with(".txt") && path.contains("manifest-") && !path.contains('/'))
        };
        assert!(
            opened.iter().all(|p| parsed(p)),
            "{}: opened {opened:?}",
            case.path
        );
    }
}

#[test]
fn warnings_are_printed_as_well_as_listed() {
    let Some(shared) = shared_dir() else { return };
    let suite = shared.join("conformance/bagit");
    for case in cases(&suite).iter().filter(|c| c.category() == "warning") {
        let (_, code) = reason(case).unwrap();
        let output = corpack()
            .arg("verify")
            .arg(suite.join(&case.path))
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            stdout.contains(&format!(": warning[{code}]: ")),
            "{}: {code} not printed:\n{stdout}",
            case.path
        );
    }
}

#[test]
fn zipped_bags_get_the_same_verdicts_as_directories() {
    let Some(shared) = shared_dir() else { return };
    let suite = shared.join("conformance/bagit");
    let dir = Dir::new();
    let mut differences = Vec::new();
    for (n, case) in cases(&suite).iter().enumerate() {
        let bag = suite.join(&case.path);
        let zip = dir.join(&format!("{n}.zip"));
        // Half the bags in one top-level directory, half at the root.
        let top = if n % 2 == 0 {
            format!("{}/", case.name())
        } else {
            String::new()
        };
        zip_directory(&bag, &top, &[], &zip);
        let plain = verify_json(&bag, &[]);
        let zipped = verify_json(&zip, &[]);
        // A bag at the zip's root is warned about, as RFC 8493 §4 asks
        // for one directory: that warning is the zip's, not the bag's.
        let at_root = (
            "warning".into(),
            "zip-bag-at-root".into(),
            "bagit.txt".into(),
        );
        let has_bagit_txt = bag.join("bagit.txt").is_file();
        assert_eq!(
            zipped.findings().contains(&at_root),
            top.is_empty() && has_bagit_txt,
            "{}",
            case.path
        );
        let codes = |v: &Verdict| {
            let mut codes = v.findings();
            codes.retain(|finding| *finding != at_root);
            codes.sort();
            codes
        };
        if (plain.code, codes(&plain)) != (zipped.code, codes(&zipped)) {
            differences.push(format!(
                "{}: directory {} {:?}\nzip {} {:?}",
                case.path,
                plain.code,
                codes(&plain),
                zipped.code,
                codes(&zipped)
            ));
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

/// Zips the bag directory `bag`, its entry names prefixed with `top`
/// (`""` for a bag at the root of the zip, or `"name/"`), then the entries
/// `extra` (name and content) as they are named.
pub fn zip_directory(bag: &Path, top: &str, extra: &[(&str, &[u8])], zip: &Path) {
    let mut writer = ::zip::ZipWriter::new(fs::File::create(zip).unwrap());
    let options = ::zip::write::SimpleFileOptions::default();
    for entry in walkdir::WalkDir::new(bag).min_depth(1).sort_by_file_name() {
        let entry = entry.unwrap();
        let relative = entry.path().strip_prefix(bag).unwrap().to_str().unwrap();
        let name = format!("{top}{relative}");
        if entry.file_type().is_dir() {
            writer.add_directory(name, options).unwrap();
        } else {
            writer.start_file(name, options).unwrap();
            std::io::copy(&mut fs::File::open(entry.path()).unwrap(), &mut writer).unwrap();
        }
    }
    for (name, bytes) in extra {
        writer.start_file(*name, options).unwrap();
        std::io::Write::write_all(&mut writer, bytes).unwrap();
    }
    writer.finish().unwrap();
}
