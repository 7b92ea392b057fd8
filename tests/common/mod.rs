//! Helpers shared by the integration tests: the external validators
//! (bagit-python, bdbag, rocrate-validator) and the project's `../shared`
//! folder.
//!
//! The validators live in a Python venv made by `scripts/setup-validators`
//! (pinned by `scripts/validators-requirements.txt`); [`validators`] runs that
//! script once per test process. Each `*_validate` method returns an
//! [`Outcome`] that a test asserts on and prints when the verdict is not the
//! one it expected.

// Each test binary compiles this module and uses only part of it.
#![allow(dead_code)]

use std::fmt;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long one validator run may take before it is killed.
const TIMEOUT: Duration = Duration::from_secs(300);

/// The URL rocrate-validator fetches the RO-Crate 1.1 context from.
const ROCRATE_CONTEXT_URL: &str = "https://w3id.org/ro/crate/1.1/context";

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The project's shared folder, `../shared` beside the repository, or `None`
/// when it is missing: a test that needs it then returns early, having
/// printed why. With the environment variable `CI` set, a missing shared
/// folder fails the test instead.
///
/// ```ignore
/// let Some(shared) = common::shared_dir() else { return };
/// ```
pub fn shared_dir() -> Option<PathBuf> {
    let root = repo_root();
    let dir = root.parent().unwrap_or(&root).join("shared");
    if dir.is_dir() {
        return Some(dir);
    }
    let test = std::thread::current()
        .name()
        .unwrap_or("this test")
        .to_string();
    if std::env::var_os("CI").is_some() {
        panic!(
            "{test}: {} is missing, and CI is set: CI must run with the project's shared folder beside the clone",
            dir.display()
        );
    }
    // Written straight to stderr, past the test harness's capture, so that
    // the skip shows in the output of a passing test.
    let _ = writeln!(
        std::io::stderr(),
        "skipping {test}: {} is missing (it is only beside the clone in the project's workspace and CI)",
        dir.display()
    );
    None
}

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
    /// Any other failure (2 is a usage error for all three) is no verdict.
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
