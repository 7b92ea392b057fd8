//! Test helpers: scratch directories, the corpack binary, sample collections.

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The seed collection, `seeds/`.
pub fn seeds_dir() -> PathBuf {
    repo_root().join("seeds")
}

/// The project's shared folder, `../shared` beside the repository, or `None`
/// when it is missing: a test that needs it then returns early, having
/// printed why. With the environment variable `CI` set, a missing shared
/// folder fails the test instead.
///
/// ```ignore
/// let Some(shared) = util::shared_dir() else { return };
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

/// The corpack binary with a scrubbed environment.
pub fn corpack() -> Command {
    let mut command = Command::cargo_bin("corpack").expect("the corpack binary is built");
    command.env_remove("TZ").env("LC_ALL", "C");
    command
}

/// Runs corpack with `args` and its files limited to `limit` bytes, so that
/// a write past it fails as on a full disk (`SIGXFSZ` ignored, the write
/// fails with `EFBIG`); returns its exit code and its stderr.
#[cfg(unix)]
pub fn corpack_with_file_size_limit(
    limit: u64,
    args: &[impl AsRef<OsStr>],
) -> (Option<i32>, String) {
    use std::os::unix::process::CommandExt;

    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("corpack"));
    command.args(args);
    // SAFETY: signal(2) and setrlimit(2) are async-signal-safe, so they
    // may run between fork and exec.
    unsafe {
        command.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit {
                rlim_cur: limit,
                rlim_max: limit,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code(), stderr)
}

/// corpack as a user without the power to read what its permissions
/// forbid: as `nobody` when the tests run as root, who reads everything.
#[cfg(unix)]
pub fn corpack_unprivileged() -> std::process::Command {
    use std::os::unix::process::CommandExt;

    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("corpack"));
    command.env_remove("TZ").env("LC_ALL", "C");
    // SAFETY: setgroups(2), setgid(2) and setuid(2) are async-signal-safe,
    // so they may run between fork and exec.
    unsafe {
        command.pre_exec(|| {
            if libc::geteuid() != 0 {
                return Ok(());
            }
            const NOBODY: u32 = 65534;
            if libc::setgroups(0, std::ptr::null()) != 0
                || libc::setgid(NOBODY) != 0
                || libc::setuid(NOBODY) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    command
}

/// Packs `collection` into `bundle`, with `--source` for each of
/// `sources`; the pack must succeed.
pub fn pack(collection: &Path, bundle: &Path, sources: &[PathBuf]) {
    let mut command = corpack();
    command.arg("pack").arg(collection).arg("-o").arg(bundle);
    for source in sources {
        command.arg("--source").arg(source);
    }
    command.arg("--quiet").assert().success();
}

/// A scratch directory, removed when dropped.
pub struct Dir {
    dir: tempfile::TempDir,
}

impl Dir {
    /// A fresh empty directory.
    pub fn new() -> Dir {
        Dir {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `self/relative`.
    pub fn join(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// Writes a file, creating its parent directories.
    pub fn create(&self, relative: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

/// Runs `script` in `sh -c` with the corpack binary as `$0` and `args` as
/// `$1`, `$2`, …; returns (exit status, stdout, stderr).
pub fn shell(script: &str, args: &[impl AsRef<OsStr>]) -> (Option<i32>, String, String) {
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(assert_cmd::cargo::cargo_bin("corpack"))
        .args(args)
        .env_remove("TZ")
        .env("LC_ALL", "C")
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The names in a directory, sorted.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Runs `command`, which must succeed, with its stderr a terminal (a
/// pseudo-terminal 100 columns wide); returns what it wrote there.
pub fn stderr_on_a_terminal(command: &mut std::process::Command) -> String {
    use std::io::Read;
    use std::os::fd::{FromRawFd, OwnedFd};
    use std::process::Stdio;

    let (mut master, mut slave) = (0, 0);
    let size = libc::winsize {
        ws_row: 24,
        ws_col: 100,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty(3) opens two file descriptors and writes them where
    // it is told; the name and the terminal settings may be null.
    let opened = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(opened, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: both were just opened, and nothing else owns them.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    // Read as it is written, so that a full terminal never stops corpack.
    let reader = std::thread::spawn(move || {
        let mut drawn = Vec::new();
        // Once every end of the terminal is closed, reading fails (EIO),
        // with all that was drawn read.
        let _ = std::fs::File::from(master).read_to_end(&mut drawn);
        drawn
    });
    command.stdout(Stdio::null()).stderr(Stdio::from(slave));
    let status = command.status().unwrap();
    // The command's end of the terminal goes, for the reading to end.
    command.stderr(Stdio::null());
    assert!(status.success(), "{status}");
    String::from_utf8_lossy(&reader.join().unwrap()).into_owned()
}

/// The `[collection]` table of sample collections.
pub const COLLECTION_HEADER: &str = r#"[collection]
id = "sample"
title = "Sample collection"
description = "Documents for tests"
license = "CC-BY-4.0"
date = "2026-11-25"
"#;

/// The flags that give every collection field, for imports whose source
/// gives none.
pub const COLLECTION_FLAGS: &[&str] = &[
    "--id",
    "c",
    "--title",
    "T",
    "--description",
    "D",
    "--license",
    "CC0-1.0",
    "--date",
    "2026-11-25",
];

/// Writes a small collection (three held documents, one catalogued but not
/// held) into `dir/name/` and returns its path.
pub fn sample_collection(dir: &Dir, name: &str) -> PathBuf {
    dir.create(&format!("{name}/letter.txt"), "A letter.\n");
    dir.create(
        &format!("{name}/notes/Überblick.md"),
        "# Überblick\n\nNotes.\n",
    );
    dir.create(&format!("{name}/with space.csv"), "a,b\n1,2\n");
    dir.create(
        &format!("{name}/collection.toml"),
        format!(
            r#"{COLLECTION_HEADER}
[[document]]
id = "letter"
title = "A letter"
file = "letter.txt"
[document.provenance]
authors = ["A. Writer"]
date = "1937~"
[document.contested]
status = "uncontested"

[[document]]
id = "notes"
title = "Notes"
file = "notes/Überblick.md"

[[document]]
id = "table"
title = "Table"
file = "with space.csv"

[[document]]
id = "absent"
title = "Absent"
file = "absent.txt"
sha256 = "{}"
"#,
            "ab".repeat(32)
        ),
    );
    dir.join(name)
}

/// Extracts a zip into `into` (for tools that read directories only).
pub fn unzip(zip: &Path, into: &Path) {
    let file = std::fs::File::open(zip).unwrap();
    zip::ZipArchive::new(file).unwrap().extract(into).unwrap();
}

/// The entry names of a zip, sorted.
pub fn zip_names(zip: &Path) -> Vec<String> {
    let archive = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    let mut names: Vec<String> = archive
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .collect();
    names.sort();
    names
}

/// The codes of the findings of a `--json` report, in its order.
pub fn finding_codes<C: FromIterator<String>>(report: &serde_json::Value) -> C {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}
