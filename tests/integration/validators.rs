//! The external validators (bagit-python, bdbag, rocrate-validator,
//! ocfl-py, and the DataCite 4.5 and InvenioRDM record checks in
//! `scripts/`).
//!
//! The validators live in a Python venv made by `scripts/setup-validators`
//! (pinned by `scripts/validators-requirements.txt`); [`validators`] runs that
//! script once per test process. Each `*_validate` method returns an
//! [`Outcome`] that a test asserts on and prints when the verdict is not the
//! one it expected.

use std::fmt;
use std::fs::File;
use std::path::{Path, PathBuf};

use crate::util::repo_root;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long one validator run may take before it is killed.
const TIMEOUT: Duration = Duration::from_secs(300);

/// The URL rocrate-validator fetches the RO-Crate 1.1 context from.
const ROCRATE_CONTEXT_URL: &str = "https://w3id.org/ro/crate/1.1/context";

/// The validators' venv, set up once per test process.
pub fn validators() -> &'static Validators {
    static VALIDATORS: OnceLock<Validators> = OnceLock::new();
    VALIDATORS.get_or_init(Validators::set_up)
}

/// The external validators, installed in a venv.
#[derive(Debug)]
pub struct Validators {
    /// The venv (`$CORPACK_VALIDATORS` or `target/validators`).
    pub venv: PathBuf,
    /// rocrate-validator's seeded HTTP cache, as given to `--cache-path`.
    pub rocrate_cache: PathBuf,
}

/// What one validator run gave.
#[derive(Debug)]
pub struct Outcome {
    /// The command line, for messages.
    pub command: String,
    /// How the validator exited.
    pub status: ExitStatus,
    /// What it printed on standard output.
    pub stdout: String,
    /// What it printed on standard error.
    pub stderr: String,
    /// rocrate-validator's JSON report; `None` for the other validators.
    pub report: Option<serde_json::Value>,
}

impl Outcome {
    /// The validator accepted the input (exit code 0).
    pub fn is_valid(&self) -> bool {
        self.status.success()
    }

    /// The validator rejected the input: exit code 1, its "invalid" code.
    /// Any other failure (2 is a usage error for all of them) is no verdict.
    pub fn is_invalid(&self) -> bool {
        self.status.code() == Some(1)
    }

    /// Panics, printing the run, unless the validator accepted the input.
    #[track_caller]
    pub fn assert_valid(&self) {
        assert!(self.is_valid(), "expected valid, got:\n{self}");
    }

    /// Panics, printing the run, unless the validator rejected the input.
    #[track_caller]
    pub fn assert_invalid(&self) {
        assert!(self.is_invalid(), "expected invalid (exit 1), got:\n{self}");
    }

    /// stdout and stderr together.
    pub fn output(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "$ {}", self.command)?;
        writeln!(f, "{}", self.status)?;
        writeln!(f, "--- stdout\n{}", self.stdout.trim_end())?;
        writeln!(f, "--- stderr\n{}", self.stderr.trim_end())?;
        if let Some(report) = &self.report {
            let issues = &report["issues"];
            let messages: Vec<String> = issues
                .as_array()
                .into_iter()
                .flatten()
                .map(|issue| {
                    format!(
                        "{} {}: {}",
                        issue["severity"].as_str().unwrap_or("?"),
                        issue["check"]["identifier"].as_str().unwrap_or("?"),
                        issue["message"].as_str().unwrap_or("?"),
                    )
                })
                .collect();
            writeln!(f, "--- report issues\n{}", messages.join("\n"))?;
        }
        Ok(())
    }
}

impl Validators {
    fn set_up() -> Validators {
        let root = repo_root();
        let venv = match std::env::var_os("CORPACK_VALIDATORS") {
            Some(path) => root.join(path),
            None => root.join("target/validators"),
        };
        let script = root.join("scripts/setup-validators");
        let output = Command::new(&script)
            .env("CORPACK_VALIDATORS", &venv)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
        assert!(
            output.status.success(),
            "{} failed ({}):\n{}{}",
            script.display(),
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        );
        let rocrate_cache = venv.join("rocrate-cache/http_cache");
        Validators {
            venv,
            rocrate_cache,
        }
    }

    /// The path of a program in the venv.
    pub fn bin(&self, program: &str) -> PathBuf {
        self.venv.join("bin").join(program)
    }

    /// `bagit.py --validate --quiet BAG_DIR`: a bag directory (bagit-python
    /// does not read zips). Checks every digest.
    pub fn bagit_validate(&self, bag_dir: &Path) -> Outcome {
        let mut command = Command::new(self.bin("bagit.py"));
        command.args(["--validate", "--quiet"]).arg(bag_dir);
        run(command)
    }

    /// `bdbag --quiet --validate full BUNDLE.zip`, with `HOME` a fresh
    /// temporary directory (bdbag writes `~/.bdbag/`).
    pub fn bdbag_validate(&self, zip: &Path) -> Outcome {
        self.bdbag(zip, None)
    }

    /// [`Validators::bdbag_validate`] that also checks the bag against a
    /// BagIt profile read from `profile_json` (bdbag would otherwise fetch
    /// the profile named in bag-info.txt from the network).
    pub fn bdbag_validate_profile(&self, zip: &Path, profile_json: &Path) -> Outcome {
        self.bdbag(zip, Some(profile_json))
    }

    fn bdbag(&self, zip: &Path, profile_json: Option<&Path>) -> Outcome {
        let home = tempfile::tempdir().expect("temporary HOME");
        let mut command = Command::new(self.bin("bdbag"));
        command
            .env("HOME", home.path())
            .args(["--quiet", "--validate", "full"]);
        if let Some(profile) = profile_json {
            command
                .args(["--validate-profile", "full", "--profile-path"])
                .arg(profile);
        }
        command.arg(zip);
        run(command)
    }

    /// `ocfl-validate.py OBJECT_DIR` (ocfl-py): exit 0 for a valid OCFL
    /// object (warnings allowed), 1 for an invalid one. Checks every digest.
    /// A path that does not exist also exits 1 ("Bad path"), so a test of
    /// an invalid object should look for the code in the output.
    pub fn ocfl_validate(&self, object_dir: &Path) -> Outcome {
        self.ocfl_validate_all(&[object_dir])
    }

    /// [`Validators::ocfl_validate`] of several objects in one run: valid
    /// when every one is.
    pub fn ocfl_validate_all(&self, object_dirs: &[&Path]) -> Outcome {
        let mut command = Command::new(self.bin("ocfl-validate.py"));
        command.args(object_dirs);
        run(command)
    }

    /// `rocrate-validator validate` of an RO-Crate directory (a bag's
    /// unzipped `data/`) against the RO-Crate 1.1 profile, at the `required`
    /// level, offline, from the seeded HTTP cache. The JSON report is in
    /// [`Outcome::report`].
    ///
    /// Panics when the validator could not read the RO-Crate context from
    /// the cache: it then calls every crate invalid, which is no verdict.
    pub fn rocrate_validate(&self, data_dir: &Path) -> Outcome {
        self.rocrate_validate_with_cache(data_dir, &self.rocrate_cache)
    }

    /// [`Validators::rocrate_validate`] with another HTTP cache: for testing
    /// the harness itself.
    pub fn rocrate_validate_with_cache(&self, data_dir: &Path, cache: &Path) -> Outcome {
        let scratch = tempfile::tempdir().expect("temporary directory");
        let report_path = scratch.path().join("report.json");
        let mut command = Command::new(self.bin("rocrate-validator"));
        command
            .env("COLUMNS", "200")
            .env("NO_COLOR", "1")
            .args([
                "-y",
                "--disable-color",
                "validate",
                "--offline",
                "--cache-path",
            ])
            .arg(cache)
            .args(["-p", "ro-crate-1.1", "-l", "required", "-f", "json", "-o"])
            .arg(&report_path)
            .arg(data_dir);
        let mut outcome = run(command);
        outcome.report = std::fs::read_to_string(&report_path)
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok());
        if let Some(why) = context_unavailable(&outcome) {
            panic!(
                "rocrate-validator gave no verdict: {why}. The offline HTTP cache {} lacks {ROCRATE_CONTEXT_URL}; \
                 run scripts/setup-validators (delete {} to rebuild it).\n{outcome}",
                cache.display(),
                self.venv.display(),
            );
        }
        outcome
    }
}

impl Validators {
    /// `scripts/validate-datacite.py DIR…`: every `*.json` under the
    /// directories against the DataCite 4.5 schema (datacite 1.4.1), dates
    /// included.
    pub fn datacite_validate(&self, dirs: &[&Path]) -> Outcome {
        let mut command = Command::new(self.bin("python"));
        command
            .arg(repo_root().join("scripts/validate-datacite.py"))
            .args(dirs);
        run(command)
    }

    /// `scripts/validate-invenio.py SCHEMAS VOCABULARIES DIR…`: every
    /// `*.json` under the directories against InvenioRDM's record schema,
    /// required fields and default vocabularies.
    pub fn invenio_validate(&self, dirs: &[&Path]) -> Outcome {
        let invenio = self.venv.join("invenio");
        let mut command = Command::new(self.bin("python"));
        command
            .arg(repo_root().join("scripts/validate-invenio.py"))
            .arg(invenio.join("jsonschemas"))
            .arg(invenio.join("vocabularies"))
            .args(dirs);
        run(command)
    }
}

impl Validators {
    /// Parses an HTML file with html5rdf (html5lib's parser, installed with
    /// rdflib), which lists the HTML 5 parse errors; valid when there are
    /// none, each printed on a line otherwise.
    pub fn html5_validate(&self, file: &Path) -> Outcome {
        const SCRIPT: &str = "import sys, html5rdf\n\
            parser = html5rdf.HTMLParser(strict=False)\n\
            parser.parse(open(sys.argv[1], 'rb').read())\n\
            for position, code, data in parser.errors: print(position, code, data)\n\
            sys.exit(1 if parser.errors else 0)\n";
        let mut command = Command::new(self.bin("python"));
        command.args(["-c", SCRIPT]).arg(file);
        run(command)
    }
}

/// Why a rocrate-validator run could not judge the crate, if it could not.
fn context_unavailable(outcome: &Outcome) -> Option<&'static str> {
    // Its log is wrapped to the console width and coloured: compare words.
    let words = |text: &str| -> String {
        strip_ansi(text)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    if words(&outcome.output()).contains("not available in the HTTP cache") {
        return Some("a resource was \"not available in the HTTP cache\"");
    }
    let unretrievable = outcome
        .report
        .as_ref()
        .and_then(|report| report["issues"].as_array())
        .into_iter()
        .flatten()
        .filter_map(|issue| issue["message"].as_str())
        .any(|message| message.contains("Unable to retrieve the JSON-LD context"));
    unretrievable.then_some("its report says \"Unable to retrieve the JSON-LD context\"")
}

/// Removes ANSI escape sequences (`ESC [ … letter`).
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Runs a validator with its output sent to files, killing it after
/// [`TIMEOUT`].
fn run(mut command: Command) -> Outcome {
    let scratch = tempfile::tempdir().expect("temporary directory");
    let stdout_path = scratch.path().join("stdout");
    let stderr_path = scratch.path().join("stderr");
    command
        .env_remove("PYTHONPATH")
        .env_remove("PYTHONHOME")
        .stdin(Stdio::null())
        .stdout(File::create(&stdout_path).expect("stdout file"))
        .stderr(File::create(&stderr_path).expect("stderr file"));
    let line = command_line(&command);
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {line}: {e}"));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the validator") {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{line} did not finish in {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let read = |path: &Path| {
        String::from_utf8_lossy(&std::fs::read(path).unwrap_or_default()).into_owned()
    };
    Outcome {
        command: line,
        status,
        stdout: read(&stdout_path),
        stderr: read(&stderr_path),
        report: None,
    }
}

fn command_line(command: &Command) -> String {
    let mut line = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
    }
    line
}

#[cfg(test)]
mod tests {
    // The validator harness gives the verdicts it should: on bags and crates
    // made here with plain file writes, valid ones pass and broken ones fail.

    use std::fs;
    use std::io::Write;
    use std::path::{Path, PathBuf};

    use sha2::{Digest, Sha256, Sha512};
    use zip::write::SimpleFileOptions;

    use super::validators;
    use crate::util::shared_dir;

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
        let options =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
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
        let outcome =
            validators().rocrate_validate(&write_crate(bad.path(), serde_json::json!({})));
        outcome.assert_invalid();
        assert!(outcome.to_string().contains("datePublished"), "{outcome}");
    }

    #[test]
    fn ocfl_py_accepts_a_valid_object_and_rejects_a_broken_one() {
        let Some(shared) = shared_dir() else { return };
        let fixtures = shared.join("conformance/ocfl/1.1");
        validators()
            .ocfl_validate(&fixtures.join("good-objects/spec-ex-full"))
            .assert_valid();
        let outcome = validators()
            .ocfl_validate(&fixtures.join("bad-objects/E092_content_file_digest_mismatch"));
        outcome.assert_invalid();
        assert!(outcome.output().contains("E092"), "{outcome}");
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
}
