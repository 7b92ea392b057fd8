//! What corpack guarantees about the source and the bundle (issue 8): the
//! source is only read, names are portable, nothing is left out silently,
//! and a pack that fails or is killed leaves nothing behind.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use predicates::prelude::*;
use predicates::str::contains;

use crate::util::{
    COLLECTION_FLAGS, COLLECTION_HEADER, Dir, corpack, corpack_unprivileged, listing,
    sample_collection, seeds_dir, shell, zip_names,
};

/// A collection in `dir/c` with one document per `(id, file, bytes)`.
fn make_collection(dir: &Dir, documents: &[(&str, &str, &[u8])]) -> PathBuf {
    let mut toml = COLLECTION_HEADER.to_string();
    for (id, file, bytes) in documents {
        toml.push_str(&format!(
            "\n[[document]]\nid = \"{id}\"\ntitle = \"T\"\nfile = \"{}\"\n",
            file.replace('\\', "\\\\").replace('"', "\\\"")
        ));
        if !bytes.is_empty() {
            dir.create(&format!("c/{file}"), bytes);
        }
    }
    dir.create("c/collection.toml", toml);
    dir.join("c")
}

fn pack(collection: &Path, out: &Path) -> assert_cmd::Command {
    let mut command = corpack();
    command.arg("pack").arg(collection).arg("-o").arg(out);
    command
}

fn entry_text(zip: &Path, name: &str) -> String {
    let mut archive = zip::ZipArchive::new(fs::File::open(zip).unwrap()).unwrap();
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// Everything a pack must not change in a tree: names, kinds, bytes,
/// link targets, permissions and modification times.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, (u32, i64, i64, Vec<u8>)> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            let meta = e.path().symlink_metadata().unwrap();
            let content = if meta.is_file() {
                fs::read(e.path()).unwrap()
            } else if meta.is_symlink() {
                fs::read_link(e.path())
                    .unwrap()
                    .into_os_string()
                    .into_encoded_bytes()
            } else {
                Vec::new()
            };
            let key = e.path().strip_prefix(root).unwrap().to_path_buf();
            (key, (meta.mode(), meta.mtime(), meta.mtime_nsec(), content))
        })
        .collect()
}

fn make_read_only(root: &Path) {
    let mut entries: Vec<_> = walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.unwrap())
        .collect();
    // Children first: a directory loses its write bit last.
    entries.reverse();
    for entry in entries {
        if entry.path_is_symlink() {
            continue;
        }
        let mode = if entry.file_type().is_dir() {
            0o555
        } else {
            0o444
        };
        fs::set_permissions(entry.path(), fs::Permissions::from_mode(mode)).unwrap();
    }
}

fn make_writable(root: &Path) {
    for entry in walkdir::WalkDir::new(root) {
        let entry = entry.unwrap();
        if !entry.path_is_symlink() {
            fs::set_permissions(entry.path(), fs::Permissions::from_mode(0o755)).unwrap();
        }
    }
}

#[test]
fn a_read_only_source_packs_and_nothing_in_it_changes() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    symlink("letter.txt", collection.join("letter-link.txt")).unwrap();
    fs::write(collection.join("cafe\u{301}.txt"), "decomposed\n").unwrap();
    let records = fs::read_to_string(collection.join("collection.toml")).unwrap();
    let records = format!(
        "{records}\n[[document]]\nid = \"link\"\ntitle = \"L\"\nfile = \"letter-link.txt\"\n\
         \n[[document]]\nid = \"cafe\"\ntitle = \"C\"\nfile = \"caf\u{e9}.txt\"\n\
         \n[[document]]\nid = \"wrong\"\ntitle = \"W\"\nfile = \"letter.txt.copy\"\nsha256 = \"{}\"\n",
        "00".repeat(32)
    );
    fs::write(collection.join("collection.toml"), records).unwrap();
    fs::write(collection.join("letter.txt.copy"), "A letter.\n").unwrap();
    make_read_only(&collection);
    let before = snapshot(&collection);

    // The declared checksum of one document is wrong: the pack fails after
    // reading every file.
    pack(&collection, &dir.join("out.zip"))
        .assert()
        .code(2)
        .stderr(contains("declared sha256"));
    assert_eq!(
        snapshot(&collection),
        before,
        "a failed pack changed the source"
    );
    assert_eq!(listing(dir.path()), ["c"]);

    make_writable(&collection);
    let records = fs::read_to_string(collection.join("collection.toml")).unwrap();
    let cut = records.find("\n[[document]]\nid = \"wrong\"").unwrap();
    fs::write(collection.join("collection.toml"), &records[..cut]).unwrap();
    fs::remove_file(collection.join("letter.txt.copy")).unwrap();
    make_read_only(&collection);
    let before = snapshot(&collection);
    pack(&collection, &dir.join("out.zip")).assert().success();
    assert_eq!(snapshot(&collection), before, "pack changed the source");
    make_writable(&collection);
}

#[test]
fn each_names_check_is_an_error_unless_allowed_and_then_recorded() {
    let long_path = format!("{}/{}.txt", "d".repeat(120), "f".repeat(120));
    for (check, file) in [
        ("windows-reserved", "aux.txt"),
        ("windows-chars", "why?.txt"),
        ("trailing-dot-space", "notes./a.txt"),
        ("percent-sign", "100% sure.txt"),
        ("unicode-white-space", "note\u{a0}"),
        ("unicode-white-space", "first\u{2028}second.txt"),
        ("long-path", long_path.as_str()),
    ] {
        let dir = Dir::new();
        let collection = make_collection(&dir, &[("a", file, b"bytes\n")]);
        let out = dir.join("out.zip");
        pack(&collection, &out).assert().code(2).stderr(
            contains(format!("error[{check}]"))
                .and(contains("1 error stops the pack"))
                .and(contains("collection.toml:11:8)"))
                .and(contains(format!("--allow {check}"))),
        );
        assert_eq!(listing(dir.path()), ["c"], "{check}: something was written");
        corpack()
            .args(["check", "--json"])
            .arg(&collection)
            .assert()
            .code(1)
            .stdout(contains(format!("\"code\": \"{check}\"")));

        pack(&collection, &out)
            .args(["--allow", check])
            .assert()
            .success()
            .stderr(contains(format!("warning[{check}]")));
        let bag_info = entry_text(&out, "sample/bag-info.txt");
        assert!(
            bag_info.contains(&format!("Corpack-Name-Check-Allowed: {check}\n")),
            "{bag_info}"
        );
        corpack().arg("verify").arg(&out).assert().success();
    }
}

/// Linux file systems cannot hold a name over 255 bytes, so the record
/// catalogues a document it does not hold.
#[test]
fn a_name_over_255_bytes_is_an_error() {
    let dir = Dir::new();
    let long_name = format!("{}.txt", "\u{44f}".repeat(126));
    let collection = make_collection(&dir, &[("a", &long_name, b"")]);
    let records = fs::read_to_string(collection.join("collection.toml")).unwrap();
    let sha256 = "0".repeat(64);
    fs::write(
        collection.join("collection.toml"),
        format!("{records}sha256 = \"{sha256}\"\n"),
    )
    .unwrap();
    pack(&collection, &dir.join("out.zip"))
        .assert()
        .code(2)
        .stderr(contains("error[long-component]").and(contains("a name of 256 bytes")));
    assert_eq!(listing(dir.path()), ["c"]);
}

#[test]
fn an_allowance_that_finds_nothing_leaves_the_bundle_unchanged() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    pack(&collection, &dir.join("a.zip")).assert().success();
    pack(&collection, &dir.join("b.zip"))
        .args(["--allow", "long-path"])
        .assert()
        .success();
    assert!(fs::read(dir.join("a.zip")).unwrap() == fs::read(dir.join("b.zip")).unwrap());
}

#[test]
fn collisions_in_case_and_normalization() {
    let dir = Dir::new();
    let collection = make_collection(
        &dir,
        &[("a", "Readme.txt", b"1\n"), ("b", "README.txt", b"2\n")],
    );
    pack(&collection, &dir.join("out.zip"))
        .assert()
        .code(2)
        .stderr(contains("error[case-collision]").and(contains("differ only in case")));
    pack(&collection, &dir.join("out.zip"))
        .args(["--allow", "case-collision"])
        .assert()
        .success();

    let dir = Dir::new();
    let collection = make_collection(
        &dir,
        &[
            ("a", "caf\u{e9}.txt", b"1\n"),
            ("b", "cafe\u{301}.txt", b"2\n"),
        ],
    );
    pack(&collection, &dir.join("out.zip"))
        .assert()
        .code(2)
        .stderr(contains("error[nfc-collision]"));
    // It cannot be allowed: the two would be one entry.
    pack(&collection, &dir.join("out.zip"))
        .args(["--allow", "nfc-collision"])
        .assert()
        .code(2)
        .stderr(contains("invalid value 'nfc-collision'"));
    assert_eq!(listing(dir.path()), ["c"]);

    // Within one directory too: sharing it must not hide the clash.
    let dir = Dir::new();
    let collection = make_collection(
        &dir,
        &[
            ("a", "d/caf\u{e9}.txt", b"1\n"),
            ("b", "d/cafe\u{301}.txt", b"2\n"),
        ],
    );
    pack(&collection, &dir.join("out.zip"))
        .assert()
        .code(2)
        .stderr(contains("error[nfc-collision]"));
    assert_eq!(listing(dir.path()), ["c"]);
}

#[test]
fn decomposed_names_on_disk_are_found_and_stored_in_nfc() {
    let dir = Dir::new();
    // The record is composed (NFC); the file on disk is decomposed (NFD).
    let composed = "Notizen/\u{dc}berblick.md";
    let decomposed = "Notizen/U\u{308}berblick.md";
    let collection = make_collection(&dir, &[("n", composed, b"")]);
    dir.create(&format!("c/{decomposed}"), "# notes\n");
    let out = dir.join("out.zip");
    pack(&collection, &out).assert().success();
    let name = format!("sample/data/documents/{composed}");
    assert!(zip_names(&out).contains(&name), "{:?}", zip_names(&out));
    let manifest = entry_text(&out, "sample/manifest-sha256.txt");
    assert!(manifest.contains(&format!("  data/documents/{composed}\n")));
    let metadata = entry_text(&out, "sample/data/ro-crate-metadata.json");
    assert!(
        metadata.contains(&format!("\"alternateName\": \"{decomposed}\"")),
        "the RO-Crate does not record the name on disk"
    );
    corpack().arg("verify").arg(&out).assert().success();

    // The other way round: a decomposed record, a composed file.
    let dir = Dir::new();
    let collection = make_collection(&dir, &[("n", decomposed, b"")]);
    dir.create(&format!("c/{composed}"), "# notes\n");
    let out = dir.join("out.zip");
    pack(&collection, &out).assert().success();
    assert!(zip_names(&out).contains(&name));
    let metadata = entry_text(&out, "sample/data/ro-crate-metadata.json");
    assert!(!metadata.contains("alternateName"), "{metadata}");
}

#[test]
fn a_link_inside_is_packed_as_its_target_and_others_are_errors() {
    let dir = Dir::new();
    let collection = make_collection(&dir, &[("a", "a.txt", b"")]);
    dir.create("c/real/target.txt", "the target's bytes\n");
    symlink("real/target.txt", collection.join("a.txt")).unwrap();
    let out = dir.join("out.zip");
    pack(&collection, &out).assert().success();
    assert_eq!(
        entry_text(&out, "sample/data/documents/a.txt"),
        "the target's bytes\n"
    );

    dir.create("outside.txt", "not in the collection\n");
    for (target, problem) in [
        ("../outside.txt", "outside"),
        ("nowhere.txt", "a broken symbolic link"),
        ("a.txt", "a symbolic link loop"),
        ("real", "a directory, not a regular file"),
    ] {
        fs::remove_file(collection.join("a.txt")).unwrap();
        symlink(target, collection.join("a.txt")).unwrap();
        pack(&collection, &dir.join("bad.zip"))
            .assert()
            .code(2)
            .stderr(
                contains("document[1].file")
                    .and(contains(collection.join("a.txt").display().to_string()))
                    .and(contains(problem)),
            );
        assert!(!dir.join("bad.zip").exists());
    }
}

#[test]
fn a_directory_that_cannot_be_read_is_never_taken_for_empty_or_its_files_for_missing() {
    let dir = Dir::new();
    let collection = make_collection(&dir, &[("a", "a.txt", b"a\n")]);
    let f = dir.create("c/sub/f.txt", "f\n");
    dir.create("c/locked/in/x.txt", "x\n");
    for file in ["d/1.txt", "d/2.txt", "d/3.txt", "d/locked/x", "d/locked2/x"] {
        dir.create(&format!("c/{file}"), "x\n");
    }
    let sha256sum = Command::new("sha256sum").arg(&f).output().unwrap().stdout;
    let sha256 = String::from_utf8_lossy(&sha256sum[..64]);
    let mut records = fs::read_to_string(collection.join("collection.toml")).unwrap();
    records.push_str(&format!(
        "\n[[document]]\nid = \"f\"\ntitle = \"F\"\nfile = \"sub/f.txt\"\nsha256 = \"{sha256}\"\n"
    ));
    fs::write(collection.join("collection.toml"), records).unwrap();
    let mode = |path: &Path, mode: u32| {
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
    };
    // Whoever runs it may go into the test's directory, not into these.
    mode(dir.path(), 0o755);
    let locked = ["sub", "locked", "d/locked", "d/locked2"];
    for path in locked {
        mode(&collection.join(path), 0o000);
    }
    let output = corpack_unprivileged()
        .args(["check", "--json"])
        .arg(&collection)
        .output()
        .unwrap();
    for path in locked {
        mode(&collection.join(path), 0o755);
    }
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["not_held"], 0);
    assert_eq!(report["not_packable"], 1);
    assert_eq!(report["errors"][0]["field"], "document[2].file");
    let message = report["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("Permission denied"), "{message}");
    let codes: Vec<(&str, &str)> = (report["findings"].as_array().unwrap().iter())
        .map(|f| (f["code"].as_str().unwrap(), f["path"].as_str().unwrap()))
        .filter(|(code, _)| !code.starts_with("provenance-") && !code.starts_with("document-"))
        .collect();
    assert_eq!(
        codes,
        [
            ("unreferenced-file", "d"),
            ("file-unreadable", "d/locked"),
            ("file-unreadable", "d/locked2"),
            ("file-unreadable", "locked"),
            ("file-unreadable", "sub"),
        ]
    );
    let unreferenced = &report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "d")
        .unwrap()["message"];
    assert!(
        unreferenced
            .as_str()
            .unwrap()
            .contains("a directory of 3 files"),
        "{unreferenced}"
    );
}

#[test]
fn a_source_that_cannot_be_searched_does_not_hide_the_next() {
    let dir = Dir::new();
    let collection = make_collection(&dir, &[("a", "sub/a.txt", b"")]);
    dir.create("hidden/sub/a.txt", "a\n");
    dir.create("open/sub/a.txt", "a\n");
    let mode = |path: &Path, mode: u32| {
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
    };
    mode(dir.path(), 0o755);
    mode(&dir.join("hidden/sub"), 0o000);
    let check = |sources: &[&str]| {
        let mut command = corpack_unprivileged();
        command.args(["check", "--json"]).arg(&collection);
        for source in sources {
            command.arg("--source").arg(dir.join(source));
        }
        let output = command.output().unwrap();
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        (output.status.code(), report)
    };
    let (code, report) = check(&["hidden", "open"]);
    let (code_alone, alone) = check(&["hidden"]);
    mode(&dir.join("hidden/sub"), 0o755);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["held"], 1);
    assert_eq!(code_alone, Some(1), "{alone}");
    let message = alone["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("Permission denied"), "{message}");
}

#[test]
fn a_source_that_cannot_be_searched_is_one_error_naming_it() {
    let dir = Dir::new();
    let documents = [
        ("a", "a.txt", b"" as &[u8]),
        ("b", "b.txt", b""),
        ("c", "c.txt", b""),
    ];
    let collection = make_collection(&dir, &documents);
    for file in ["a.txt", "b.txt", "c.txt"] {
        dir.create(&format!("source/{file}"), "x\n");
    }
    let source = dir.join("source");
    let bundle = dir.join("out.zip");
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o777)).unwrap();
    // Neither listed nor searched, listed and not searched: refused;
    // searched and not listed (as a home directory of mode 711 is): a
    // source whose files are found by name. The bits are the owner's, or
    // when the tests run as root, whose commands run as `nobody`, the
    // others'.
    // SAFETY: geteuid(2) cannot fail.
    let as_root = unsafe { libc::geteuid() } == 0;
    for (bits, refused) in [(0o0, true), (0o4, true), (0o1, false), (0o5, false)] {
        let mode = if as_root { 0o700 | bits } else { bits << 6 };
        fs::set_permissions(&source, fs::Permissions::from_mode(mode)).unwrap();
        for command in ["check", "pack"] {
            let mut corpack = corpack_unprivileged();
            corpack
                .arg(command)
                .arg(&collection)
                .arg("--source")
                .arg(&source);
            if command == "pack" {
                corpack.arg("-o").arg(&bundle).arg("--force");
            }
            let output = corpack.output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            let at = format!("{mode:o} {command}: {stderr}");
            if !refused {
                assert_eq!(output.status.code(), Some(0), "{at}");
                continue;
            }
            assert_eq!(output.status.code(), Some(2), "{at}");
            assert_eq!(stderr.lines().count(), 1, "{at}");
            let named = format!("{}: Permission denied", source.display());
            assert!(stderr.contains(&named), "{at}");
            assert!(stderr.contains("cannot be searched"), "{at}");
        }
        assert_eq!(bundle.exists(), !refused, "{mode:o}");
        let _ = fs::remove_file(&bundle);
        // The collection directory itself, whose records cannot be opened,
        // nor told from a bag's files by the commands that take either.
        fs::set_permissions(&source, fs::Permissions::from_mode(0o755)).unwrap();
        fs::set_permissions(&collection, fs::Permissions::from_mode(mode)).unwrap();
        let csv = dir.join("records.csv");
        let collection_path = collection.to_str().unwrap();
        // Named from the root, and from within itself, the working
        // directory, which then cannot be searched either.
        let outputs: Vec<_> = [
            vec!["check", collection_path],
            vec!["show", collection_path],
            vec![
                "export",
                "csv",
                "-o",
                csv.to_str().unwrap(),
                collection_path,
            ],
            vec!["check", "."],
            vec!["show", "../c"],
            // Taken for a bag, which cannot be searched either.
            vec!["verify", "."],
        ]
        .into_iter()
        .map(|args| {
            let output = (corpack_unprivileged().args(&args).current_dir(&collection))
                .output()
                .unwrap();
            (args, output)
        })
        .collect();
        fs::set_permissions(&collection, fs::Permissions::from_mode(0o755)).unwrap();
        for (args, output) in outputs {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let searched = stderr.contains("cannot be searched");
            assert_eq!(searched, refused, "{mode:o} {args:?}: {stderr}");
        }
        let _ = fs::remove_file(&csv);
    }
    fs::set_permissions(&source, fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_directory_above_the_one_named_is_not_blamed_on_it() {
    let dir = Dir::new();
    let collection = make_collection(&dir, &[("a", "a.txt", b"a\n")]);
    // The collection directory can be searched; the one above it cannot.
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o000)).unwrap();
    let output = corpack_unprivileged()
        .arg("check")
        .arg(&collection)
        .output()
        .unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("Permission denied"), "{stderr}");
    assert!(!stderr.contains("cannot be searched"), "{stderr}");
}

#[test]
fn a_fifo_is_refused_without_being_opened() {
    let dir = Dir::new();
    let collection = make_collection(&dir, &[("a", "pipe", b"")]);
    let status = Command::new("mkfifo")
        .arg(collection.join("pipe"))
        .status()
        .unwrap();
    assert!(status.success());
    pack(&collection, &dir.join("out.zip"))
        .timeout(Duration::from_secs(60))
        .assert()
        .code(2)
        .stderr(contains("is a FIFO (named pipe), not a regular file"));
}

#[test]
fn unreferenced_files_are_listed_and_strict_refuses_them() {
    let dir = Dir::new();
    let collection = make_collection(&dir, &[("a", "a.txt", b"a\n")]);
    dir.create("c/forgotten.txt", "not recorded\n");
    dir.create("c/.DS_Store", "");
    dir.create("c/__MACOSX/._a.txt", "");
    fs::create_dir_all(collection.join("empty/inside")).unwrap();

    let output = corpack()
        .args(["check", "--json"])
        .arg(&collection)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let scanned = ["unreferenced-file", "system-file", "empty-directory"];
    let found: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| scanned.contains(&w["code"].as_str().unwrap()))
        .map(|w| {
            format!(
                "{} {}",
                w["code"].as_str().unwrap(),
                w["path"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            "system-file .DS_Store",
            "system-file __MACOSX",
            "empty-directory empty",
            "unreferenced-file forgotten.txt",
        ]
    );

    pack(&collection, &dir.join("out.zip"))
        .assert()
        .success()
        .stderr(
            contains("forgotten.txt: warning[unreferenced-file]")
                .and(contains(
                    ".DS_Store: warning[system-file]: a macOS Finder file",
                ))
                .and(contains("empty: warning[empty-directory]")),
        );
    fs::remove_file(dir.join("out.zip")).unwrap();
    pack(&collection, &dir.join("out.zip"))
        .arg("--strict")
        .assert()
        .code(2)
        .stderr(
            contains("forgotten.txt: error[unreferenced-file]")
                .and(contains("empty: error[empty-directory]")),
        );
    assert!(!dir.join("out.zip").exists());
}

#[test]
fn a_file_growing_while_packed_fails_the_pack_naming_it() {
    let dir = Dir::new();
    let collection = make_collection(&dir, &[("big", "growing.log", b"")]);
    let path = collection.join("growing.log");
    fs::write(&path, "x".repeat(8 << 20)).unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (path, stop) = (path.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut file = fs::OpenOptions::new().append(true).open(path).unwrap();
            // Bounded, so that a pack that read until the end could not
            // fill the disk.
            let line = b"another line of the log\n";
            let mut written = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) && written < 256 << 20 {
                std::io::Write::write_all(&mut file, line).unwrap();
                written += line.len();
            }
        })
    };
    let assert = pack(&collection, &dir.join("out.zip")).assert();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.join().unwrap();
    let shown = path.canonicalize().unwrap().display().to_string();
    assert
        .code(2)
        .stderr(contains(shown).and(contains("the file changed while it was packed")));
    assert_eq!(listing(dir.path()), ["c"]);
}

#[test]
fn the_output_may_not_go_inside_the_collection() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    pack(&collection, &collection.join("out.zip"))
        .assert()
        .code(2)
        .stderr(contains("which pack only reads"));
    assert!(!collection.join("out.zip").exists());
}

#[test]
fn an_output_in_or_over_what_pack_reads_has_its_code_whether_its_directory_exists_or_not() {
    let dir = Dir::new();
    sample_collection(&dir, "c");
    dir.create("src/x.txt", "x");
    let tree = || -> Vec<PathBuf> {
        walkdir::WalkDir::new(dir.path())
            .sort_by_file_name()
            .into_iter()
            .map(|entry| entry.unwrap().into_path())
            .collect()
    };
    let before = tree();
    let in_source = "output-in-source";
    let over_input = "output-over-input";
    // (run in, collection, output, code), each with and without --force.
    let cases = [
        ("", "c", "c/sub/x.zip", in_source),
        ("", "c", "c/sub/deeper/../x.zip", in_source),
        ("", "c", "src/sub/x.zip", in_source),
        ("", "c", "c", over_input),
        ("", "c", "c/", over_input),
        ("", "c", "src", over_input),
        ("", "c", ".", over_input),
        ("", "c", "c/..", over_input),
        ("c", ".", ".", over_input),
        ("c", ".", "..", over_input),
        ("c", ".", "sub/x.zip", in_source),
    ];
    for (run_in, collection, output, code) in cases {
        for force in [false, true] {
            let mut command = corpack();
            command
                .current_dir(dir.join(run_in))
                .args(["pack", collection, "-o", output, "--source"])
                .arg(dir.join("src"));
            if force {
                command.arg("--force");
            }
            command
                .assert()
                .code(2)
                .stderr(contains(format!("error[{code}]")));
        }
    }
    assert_eq!(tree(), before);
}

#[test]
fn a_source_or_files_directory_that_is_not_one_is_an_error() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let file = dir.create("not-a-dir", "x");
    for source in [dir.join("no-such-dir"), file] {
        pack(&collection, &dir.join("b.zip"))
            .arg("--source")
            .arg(&source)
            .assert()
            .code(2)
            .stderr(contains(source.display().to_string()));
        corpack()
            .arg("check")
            .arg(&collection)
            .arg("--source")
            .arg(&source)
            .assert()
            .code(2)
            .stderr(contains(source.display().to_string()));
        corpack()
            .args(["import", "csv"])
            .arg(seeds_dir().join("collection.csv"))
            .arg("-o")
            .arg(dir.join("imported"))
            .arg("--files")
            .arg(&source)
            .assert()
            .code(2)
            .stderr(contains(source.display().to_string()));
    }
    assert!(!dir.join("b.zip").exists());
    assert!(!dir.join("imported").exists());
}

#[test]
fn an_export_may_not_replace_its_bundle_even_with_force() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let bundle = dir.join("b.zip");
    pack(&collection, &bundle).assert().success();
    let before = fs::read(&bundle).unwrap();
    for format in ["csv", "datacite", "invenio", "dspace-saf", "ocfl"] {
        for output in [bundle.clone(), dir.join(".")] {
            corpack()
                .args(["export", format])
                .arg(&bundle)
                .arg("-o")
                .arg(&output)
                .arg("--force")
                .assert()
                .code(2)
                .stderr(contains("which is only read"));
            assert_eq!(fs::read(&bundle).unwrap(), before, "{format}");
        }
    }
}

#[test]
fn a_fifo_or_device_is_never_replaced_by_an_output_even_with_force() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let bundle = dir.join("b.zip");
    pack(&collection, &bundle).assert().success();
    let fifo = dir.join("fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let link = dir.join("to-null");
    symlink("/dev/null", &link).unwrap();
    let special = "is a FIFO, socket or device, which an output never replaces";
    for output in [&fifo, &link] {
        pack(&collection, output)
            .arg("--force")
            .timeout(Duration::from_secs(60))
            .assert()
            .code(2)
            .stderr(contains(special));
        for format in ["csv", "datacite", "dspace-saf", "ocfl"] {
            corpack()
                .args(["export", format])
                .arg(&bundle)
                .arg("-o")
                .arg(output)
                .arg("--force")
                .timeout(Duration::from_secs(60))
                .assert()
                .code(2)
                .stderr(contains(special));
        }
    }
    assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
    assert_eq!(fs::read_link(&link).unwrap(), Path::new("/dev/null"));
}

#[test]
fn no_recheck_gives_the_same_bundle_and_says_so() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let output = pack(&collection, &dir.join("a.zip"))
        .arg("--json")
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["rechecked"], true);
    let output = pack(&collection, &dir.join("b.zip"))
        .args(["--json", "--no-recheck"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["rechecked"], false);
    assert!(fs::read(dir.join("a.zip")).unwrap() == fs::read(dir.join("b.zip")).unwrap());
}

/// A collection of about `megabytes` MB: text that deflates and noise that
/// is stored, in several files.
fn large_collection(dir: &Dir, megabytes: usize) -> PathBuf {
    let mut documents = Vec::new();
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    for i in 0..megabytes / 4 {
        let bytes: Vec<u8> = if i % 2 == 0 {
            (0..4 << 20)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    state as u8
                })
                .collect()
        } else {
            format!("line {i} of a long text\n")
                .repeat(4 << 20 >> 5)
                .into_bytes()
        };
        documents.push((format!("d{i}"), format!("part-{i:02}.dat"), bytes));
    }
    let documents: Vec<(&str, &str, &[u8])> = documents
        .iter()
        .map(|(id, file, bytes)| (id.as_str(), file.as_str(), bytes.as_slice()))
        .collect();
    make_collection(dir, &documents)
}

fn temp_files(dir: &Path) -> Vec<String> {
    listing(dir)
        .into_iter()
        .filter(|n| n.starts_with(".corpack-"))
        .collect()
}

#[test]
fn killing_pack_at_any_point_leaves_no_bundle_and_the_next_run_cleans_up() {
    let dir = Dir::new();
    let collection = large_collection(&dir, 48);
    let out_dir = dir.join("out");
    fs::create_dir(&out_dir).unwrap();
    let out = out_dir.join("bundle.zip");
    let binary = assert_cmd::cargo::cargo_bin("corpack");

    // Kill when the temporary file first exists, then at growing sizes;
    // each run removes the temporary file the run before it left.
    let mut killed_at = Vec::new();
    for threshold in [0u64, 2 << 20, 8 << 20, 16 << 20] {
        let earlier = temp_files(&out_dir);
        assert!(earlier.len() <= 1, "stale files pile up: {earlier:?}");
        let mut child = Command::new(&binary)
            .args(["pack", "--quiet", "--threads", "2", "-o"])
            .arg(&out)
            .arg(&collection)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        let size = loop {
            let size = temp_files(&out_dir)
                .into_iter()
                .filter(|name| !earlier.contains(name))
                .filter_map(|name| out_dir.join(name).metadata().ok())
                .map(|m| m.len())
                .max();
            if let Some(size) = size.filter(|s| *s >= threshold) {
                break size;
            }
            assert!(
                child.try_wait().unwrap().is_none(),
                "pack ended before the kill"
            );
            assert!(start.elapsed() < Duration::from_secs(300), "pack is stuck");
            std::thread::sleep(Duration::from_millis(1));
        };
        child.kill().unwrap();
        child.wait().unwrap();
        killed_at.push(size);
        assert!(
            !out.exists(),
            "a pack killed at {size} bytes left the bundle"
        );
        assert_eq!(
            temp_files(&out_dir).len(),
            1,
            "SIGKILL leaves its temporary file"
        );
    }
    assert!(killed_at.windows(2).all(|w| w[0] <= w[1]), "{killed_at:?}");

    let output = corpack()
        .args(["pack", "--json", "-o"])
        .arg(&out)
        .arg(&collection)
        .output()
        .unwrap();
    assert!(output.status.success());
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["removed_stale"].as_array().unwrap().len(), 1);
    assert_eq!(listing(&out_dir), ["bundle.zip"]);
    corpack().arg("verify").arg(&out).assert().success();
}

#[test]
fn exports_and_imports_say_what_interrupted_runs_left_that_they_removed() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let bundle = dir.join("b.zip");
    pack(&collection, &bundle).assert().success();
    let out = dir.join("out");
    // Each command, and whether its output is a directory.
    let runs = [
        ("export", "csv", false),
        ("export", "datacite", true),
        ("export", "dspace-saf", true),
        ("import", "bag", true),
    ];
    for (command, kind, left_a_directory) in runs {
        let run = format!("{command} {kind}");
        let args = [command.as_ref(), kind.as_ref(), bundle.as_os_str()];
        fs::create_dir_all(&out).unwrap();
        let stale = out.join(".corpack-abc123.tmp");
        if left_a_directory {
            fs::create_dir_all(stale.join("inside")).unwrap();
        } else {
            fs::write(&stale, "half").unwrap();
        }
        let output = corpack()
            .args(args)
            .arg("-o")
            .arg(out.join("result"))
            .arg("--json")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{run}");
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(
            report["removed_stale"],
            serde_json::json!([stale.to_str().unwrap()]),
            "{run}"
        );
        assert!(!stale.exists(), "{run}");
        fs::write(&stale, "half").unwrap();
        fs::remove_dir_all(out.join("result"))
            .or_else(|_| fs::remove_file(out.join("result")))
            .unwrap();
        let text = corpack()
            .args(args)
            .arg("-o")
            .arg(out.join("result"))
            .output()
            .unwrap();
        let stderr = String::from_utf8(text.stderr).unwrap();
        assert!(
            stderr.contains("a temporary file or directory an interrupted run left"),
            "{run}: {stderr}"
        );
        fs::remove_dir_all(&out).unwrap();
    }
}

/// `check --json` of 1,000 documents in `dir`, its report more than a pipe
/// holds, once it is blocked writing into the pipe no one reads yet.
#[cfg(target_os = "linux")]
fn check_blocked_writing_its_report(dir: &Dir) -> std::process::Child {
    let ids: Vec<(String, String)> = (0..1000)
        .map(|i| (format!("d{i}"), format!("d{i}.txt")))
        .collect();
    let documents: Vec<(&str, &str, &[u8])> = (ids.iter())
        .map(|(id, file)| (id.as_str(), file.as_str(), &b"text\n"[..]))
        .collect();
    let collection = make_collection(dir, &documents);
    let mut command = Command::new(assert_cmd::cargo::cargo_bin("corpack"));
    command
        .args(["check", "--json"])
        .arg(&collection)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    signals_at_default(&mut command, &[]);
    let child = command.spawn().unwrap();
    let wchan = format!("/proc/{}/wchan", child.id());
    let start = Instant::now();
    while !fs::read_to_string(&wchan).unwrap().contains("pipe_write") {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "never blocked writing"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    child
}

/// A signal while a `--json` report is being written waits for it: what
/// was read of stdout is one whole document. corpack is stopped writing
/// into a full pipe, signalled, and only then read.
#[cfg(target_os = "linux")]
#[test]
fn a_signal_waits_for_a_json_report_to_be_written_whole() {
    let dir = Dir::new();
    let mut child = check_blocked_writing_its_report(&dir);
    // SAFETY: kill(2) with a live child's pid.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGINT) }, 0);
    // Time for the signal's clean-up to end the run, if it did not wait.
    std::thread::sleep(Duration::from_millis(500));
    let mut stdout = Vec::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_end(&mut stdout)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert!(
        stdout.len() > 1 << 16,
        "{} bytes: more than the pipe holds",
        stdout.len()
    );
    let report: serde_json::Value = serde_json::from_slice(&stdout).unwrap();
    assert_eq!(report["documents"], 1000);
}

/// A signal waits for a report only a while: a reader that stopped
/// reading does not keep corpack from ending on one `SIGTERM`.
#[cfg(target_os = "linux")]
#[test]
fn a_signal_ends_a_run_whose_report_nobody_reads() {
    let dir = Dir::new();
    let mut child = check_blocked_writing_its_report(&dir);
    // SAFETY: kill(2) with a live child's pid.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGTERM) }, 0);
    let signalled = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            signalled.elapsed() < Duration::from_secs(30),
            "still running"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(143));
}

/// Makes `command` start with the signals `ignored` ignored, and SIGINT and
/// SIGTERM otherwise at their defaults, whatever the tests inherited (a
/// shell starts background jobs with SIGINT ignored).
fn signals_at_default(command: &mut Command, ignored: &'static [i32]) {
    use std::os::unix::process::CommandExt;

    // SAFETY: signal(2) is async-signal-safe, so it may run between fork
    // and exec.
    unsafe {
        command.pre_exec(move || {
            for signal in [libc::SIGINT, libc::SIGTERM] {
                let disposition = if ignored.contains(&signal) {
                    libc::SIG_IGN
                } else {
                    libc::SIG_DFL
                };
                libc::signal(signal, disposition);
            }
            Ok(())
        });
    }
}

/// Starts corpack with `args`, waits until a temporary output whose name
/// ends with `suffix` exists in `dir` or below, sends it `signals` one
/// right after the other, and returns its exit status. corpack starts with
/// the signals `ignored` ignored ([`signals_at_default`]).
fn signal_writing(
    args: &[impl AsRef<OsStr> + std::fmt::Debug],
    dir: &Path,
    suffix: &str,
    signals: &[i32],
    ignored: &'static [i32],
) -> Option<i32> {
    let mut command = Command::new(assert_cmd::cargo::cargo_bin("corpack"));
    command
        .args(args)
        .arg("--quiet")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    signals_at_default(&mut command, ignored);
    let mut child = command.spawn().unwrap();
    let start = Instant::now();
    let writing = || {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .flatten()
            .any(|entry| {
                let name = entry.file_name().to_string_lossy();
                name.starts_with(".corpack-") && name.ends_with(suffix)
            })
    };
    while !writing() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "{args:?} ended before the signal"
        );
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "{args:?} is stuck"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    for &signal in signals {
        // SAFETY: kill(2) only sends a signal, to the child started above,
        // which has not been waited for, so the pid is still its own.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
    }
    child.wait().unwrap().code()
}

/// The runs the interruption tests cut short, each as its arguments: a
/// pack of a large collection into `out_dir`, and an OCFL export there of
/// the collection's bundle, packed beside it.
struct Interrupted {
    out_dir: PathBuf,
    packing: [PathBuf; 4],
    exporting: [PathBuf; 5],
}

fn interrupted_runs(dir: &Dir) -> Interrupted {
    let collection = large_collection(dir, 48);
    let out_dir = dir.join("out");
    fs::create_dir(&out_dir).unwrap();
    let bundle = dir.join("bundle.zip");
    pack(&collection, &bundle).arg("--quiet").assert().success();
    let packed = out_dir.join("bundle.zip");
    let object = out_dir.join("object");
    Interrupted {
        packing: ["pack".into(), collection, "-o".into(), packed],
        exporting: ["export".into(), "ocfl".into(), bundle, "-o".into(), object],
        out_dir,
    }
}

#[test]
fn sigint_and_sigterm_leave_no_temporary_output_and_exit_128_plus_the_signal() {
    let dir = Dir::new();
    let runs = interrupted_runs(&dir);
    let out_dir = &runs.out_dir;
    for (signal, status) in [(libc::SIGINT, 130), (libc::SIGTERM, 143)] {
        let code = signal_writing(&runs.packing, out_dir, ".tmp", &[signal], &[]);
        assert_eq!(listing(out_dir), Vec::<String>::new(), "signal {signal}");
        assert_eq!(code, Some(status), "signal {signal}");
    }

    // An OCFL export's build directory goes too.
    let code = signal_writing(&runs.exporting, out_dir, ".ocfl", &[libc::SIGTERM], &[]);
    assert_eq!(listing(out_dir), Vec::<String>::new());
    assert_eq!(code, Some(143));
}

/// `timeout` sends its signal to corpack and then to its process group,
/// which corpack is in: two signals a few microseconds apart, the second
/// while the first's clean-up runs, which it must not cut short. Two of one
/// kind sent at once may arrive as one, so one of each is sent; the run
/// ends with the status of the one taken first.
#[test]
fn two_signals_at_once_leave_no_temporary_output() {
    let dir = Dir::new();
    let runs = interrupted_runs(&dir);
    let out_dir = &runs.out_dir;
    for signals in [[libc::SIGINT, libc::SIGTERM], [libc::SIGTERM, libc::SIGINT]] {
        for (args, suffix) in [(&runs.packing[..], ".tmp"), (&runs.exporting[..], ".ocfl")] {
            let code = signal_writing(args, out_dir, suffix, &signals, &[]);
            assert_eq!(
                listing(out_dir),
                Vec::<String>::new(),
                "{signals:?} {suffix}"
            );
            let code = code.unwrap();
            assert!([130, 143].contains(&code), "{signals:?} {suffix}: {code}");
        }
    }
}

/// An import interrupted leaves no trace: not the collection directory it
/// was making, nor, in one that exists, a file or a directory it made.
#[test]
fn sigint_and_sigterm_leave_no_trace_of_an_import() {
    let dir = Dir::new();
    large_collection(&dir, 48);
    let mut rows = String::from("filename,dc.title\n");
    for part in 0..12 {
        rows.push_str(&format!("c/part-{part:02}.dat,Part {part}\n"));
    }
    let csv = dir.create("m.csv", rows);
    let out_dir = dir.join("out");
    let existing = dir.create("out/existing/notes.txt", "kept\n");
    let existing = existing.parent().unwrap();
    for (collection, signal, status) in [
        (out_dir.join("new"), libc::SIGINT, 130),
        (existing.to_path_buf(), libc::SIGTERM, 143),
    ] {
        let mut importing: Vec<&Path> = ["import", "csv"].map(Path::new).to_vec();
        importing.extend([&csv, Path::new("-o"), &collection]);
        importing.extend([Path::new("--files"), dir.path()]);
        importing.extend(COLLECTION_FLAGS.iter().map(Path::new));
        let code = signal_writing(&importing, &out_dir, ".tmp", &[signal], &[]);
        assert_eq!(code, Some(status), "signal {signal}");
        assert_eq!(listing(&out_dir), ["existing"], "signal {signal}");
        assert_eq!(listing(existing), ["notes.txt"], "signal {signal}");
    }
}

/// A shell starts a background job with SIGINT ignored, so that a Ctrl-C
/// meant for the foreground does not end it: corpack leaves it so.
#[test]
fn a_signal_ignored_when_corpack_starts_stays_ignored() {
    let dir = Dir::new();
    let collection = large_collection(&dir, 48);
    let out_dir = dir.join("out");
    fs::create_dir(&out_dir).unwrap();
    let bundle = out_dir.join("bundle.zip");
    let packing: [&Path; 4] = ["pack".as_ref(), &collection, "-o".as_ref(), &bundle];
    let code = signal_writing(&packing, &out_dir, ".tmp", &[libc::SIGINT], &[libc::SIGINT]);
    assert_eq!(code, Some(0));
    assert_eq!(listing(&out_dir), ["bundle.zip"]);
}

#[test]
fn a_write_error_is_clear_and_leaves_no_temporary_file() {
    let dir = Dir::new();
    let collection = large_collection(&dir, 8);
    let out_dir = dir.join("out");
    fs::create_dir(&out_dir).unwrap();
    // 2 MiB.
    pack_fails_past_file_size(&collection, &out_dir, 4096);
}

/// Packs `collection` into `out_dir/out.zip` under a file size limit of
/// `blocks` of 512 bytes, with SIGXFSZ ignored so that writing past it
/// fails with EFBIG instead of killing the process: the error names the
/// bundle and nothing is left.
fn pack_fails_past_file_size(collection: &Path, out_dir: &Path, blocks: u32) {
    let script = format!(
        "trap '' XFSZ; ulimit -f {blocks}; exec \"$0\" pack --quiet -o '{}' \"$1\"",
        out_dir.join("out.zip").display()
    );
    let (code, _, stderr) = shell(&script, &[collection]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("out.zip: File too large"), "{stderr}");
    assert_eq!(listing(out_dir), Vec::<String>::new());
}

#[test]
fn a_write_error_in_the_entry_table_names_the_bundle() {
    let dir = Dir::new();
    let files: Vec<(String, String)> = (0..450)
        .map(|i| (format!("d{i}"), format!("f{i:04}.txt")))
        .collect();
    let documents: Vec<(&str, &str, &[u8])> = (files.iter())
        .map(|(id, file)| (id.as_str(), file.as_str(), &b"x"[..]))
        .collect();
    let collection = make_collection(&dir, &documents);
    let out_dir = dir.join("out");
    fs::create_dir(&out_dir).unwrap();
    // 40 KiB: the bundle (about 26 KiB) and the records' spill fit, the
    // entry table's first write (about 50 KiB of rows) does not.
    pack_fails_past_file_size(&collection, &out_dir, 80);
}

#[test]
fn a_full_disk_is_clear_and_leaves_no_temporary_file() {
    let dir = Dir::new();
    let collection = large_collection(&dir, 8);
    // A 1 MiB tmpfs in a mount namespace of our own, gone when it ends.
    let mount = dir.join("small");
    fs::create_dir(&mount).unwrap();
    let script = dir.create(
        "full-disk.sh",
        format!(
            "mount -t tmpfs -o size=1m tmpfs '{m}' || exit 99\n\
             \"$1\" pack --quiet -o '{m}/out.zip' \"$2\"\n\
             echo \"exit=$?\"\n\
             ls -A '{m}'\n",
            m = mount.display()
        ),
    );
    let command = format!("exec unshare -rm sh '{}' \"$0\" \"$1\"", script.display());
    let (code, stdout, stderr) = shell(&command, &[&collection]);
    assert_eq!(code, Some(0), "unshare or mount failed: {stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert_eq!(stdout, "exit=2\n", "a temporary file was left: {stdout}");
}

#[test]
fn verify_against_proves_a_bundle_is_what_its_collection_makes() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let bundle = dir.join("out.zip");
    pack(&collection, &bundle).assert().success();
    corpack()
        .args(["verify", "--against"])
        .arg(&collection)
        .arg(&bundle)
        .assert()
        .success()
        .stdout(contains("identical:"));
    assert_eq!(listing(dir.path()), ["c", "out.zip"]);

    dir.create("c/letter.txt", "A letter!\n");
    let output = corpack()
        .args(["verify", "--json", "--against"])
        .arg(&collection)
        .arg(&bundle)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["identical"], false);
    let difference = &report["difference"];
    assert_eq!(difference["entry"], "sample/data/documents/letter.txt");
    assert_eq!(difference["part"], "local-header");
    corpack()
        .args(["verify", "--against"])
        .arg(&collection)
        .arg(&bundle)
        .assert()
        .code(1)
        .stdout(contains(
            "in the rebuilt bundle's local header of entry sample/data/documents/letter.txt",
        ));
}

/// A document the bundle holds and the rebuild does not find, for want of
/// the --source pack was given, is catalogued by the rebuild: the report
/// says so beside the first byte that differs, which it places in the
/// rebuilt bundle.
#[test]
fn verify_against_says_when_the_rebuild_found_no_file_for_a_document() {
    let dir = Dir::new();
    let text = "held elsewhere\n";
    let sha256 = corpack::digest::Digests::of(text.as_bytes()).sha256;
    dir.create(
        "c/collection.toml",
        format!(
            "{COLLECTION_HEADER}\n[[document]]\nid = \"a\"\ntitle = \"A\"\nfile = \"a.txt\"\n\
             sha256 = \"{sha256}\"\n"
        ),
    );
    dir.create("elsewhere/a.txt", text);
    let bundle = dir.join("out.zip");
    pack(&dir.join("c"), &bundle)
        .arg("--source")
        .arg(dir.join("elsewhere"))
        .assert()
        .success();
    corpack()
        .args(["verify", "--against"])
        .arg(dir.join("c"))
        .arg(&bundle)
        .assert()
        .code(1)
        .stdout(contains("differs at byte").and(contains(
            "in the rebuilt bundle's local header of entry sample/data/",
        )))
        .stdout(contains(
            "the rebuild found no file for 1 document, which it catalogues without holding: \
             if the bundle holds it, give the --source directories pack was given",
        ));
}

#[test]
fn verify_against_uses_the_sources_and_the_recorded_allowances() {
    let dir = Dir::new();
    let collection = make_collection(&dir, &[("a", "aux.txt", b"")]);
    dir.create("elsewhere/aux.txt", "held elsewhere\n");
    let bundle = dir.join("out.zip");
    pack(&collection, &bundle)
        .arg("--source")
        .arg(dir.join("elsewhere"))
        .args(["--allow", "windows-reserved"])
        .assert()
        .success();
    corpack()
        .args(["verify", "--against"])
        .arg(&collection)
        .arg(&bundle)
        .arg("--source")
        .arg(dir.join("elsewhere"))
        .assert()
        .success()
        .stdout(contains("identical"));
    // Without the source, the document is not found.
    corpack()
        .args(["verify", "--against"])
        .arg(&collection)
        .arg(&bundle)
        .assert()
        .code(2)
        .stderr(contains("not found"));
}
