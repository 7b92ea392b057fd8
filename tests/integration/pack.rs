//! `corpack pack`: output, reproducibility, fixity on ingest, record errors.

use std::fs;
use std::io::Read;
use std::process::Command;
use std::time::{Duration, SystemTime};

use predicates::prelude::*;
use predicates::str::contains;

use crate::util::{
    COLLECTION_HEADER, Dir, corpack, pack, sample_collection, seeds_dir, shared_dir,
    stderr_on_a_terminal, zip_names,
};

#[test]
fn packs_a_collection_into_a_bag_in_a_zip() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let bundle = dir.join("out.zip");
    corpack()
        .arg("pack")
        .arg(&collection)
        .arg("-o")
        .arg(&bundle)
        .assert()
        .success()
        .stdout(contains("3 documents held, 1 catalogued but not held"))
        .stderr(contains("warning[document-not-held]"));
    assert_eq!(
        zip_names(&bundle),
        [
            "sample/bag-info.txt",
            "sample/bagit.txt",
            "sample/data/documents/letter.txt",
            "sample/data/documents/notes/Überblick.md",
            "sample/data/documents/with space.csv",
            "sample/data/ro-crate-metadata.json",
            "sample/data/ro-crate-preview.html",
            "sample/manifest-sha256.txt",
            "sample/manifest-sha512.txt",
            "sample/tagmanifest-sha256.txt",
            "sample/tagmanifest-sha512.txt",
        ]
    );
}

#[test]
fn json_output_describes_the_pack() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let output = corpack()
        .args(["pack", "--json", "-o"])
        .arg(dir.join("out.zip"))
        .arg(&collection)
        .output()
        .unwrap();
    assert!(output.status.success());
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["collection"], "sample");
    assert_eq!(report["held"], 3);
    assert_eq!(report["not_held"], 1);
    assert_eq!(report["warnings"][0]["code"], "document-not-held");
}

#[test]
fn zero_threads_is_a_usage_error() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let bundle = dir.join("out.zip");
    corpack()
        .arg("pack")
        .arg(&collection)
        .arg("-o")
        .arg(&bundle)
        .args(["--threads", "1", "--quiet"])
        .assert()
        .success();
    let refused = dir.join("refused.zip");
    let (collection, bundle, refused) = (
        collection.to_str().unwrap(),
        bundle.to_str().unwrap(),
        refused.to_str().unwrap(),
    );
    for args in [
        &["pack", collection, "-o", refused, "--threads", "0"][..],
        &["verify", "--against", collection, "--threads", "0", bundle],
    ] {
        corpack()
            .args(args)
            .assert()
            .code(2)
            .stderr(contains("invalid value '0' for '--threads <N>'"));
        let output = corpack().args(args).arg("--json").output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let error = document["error"].as_str().unwrap();
        assert!(error.contains("'--threads <N>'"), "{error}");
    }
    assert!(!dir.join("refused.zip").exists());
}

/// Packs `collection` with extra shell set-up and returns the bundle bytes.
fn pack_with(
    collection: &std::path::Path,
    out: &std::path::Path,
    shell: &str,
    threads: &str,
) -> Vec<u8> {
    let command = format!("{shell}; exec \"$0\" pack \"$1\" -o \"$2\" --threads {threads} --quiet");
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .arg(assert_cmd::cargo::cargo_bin("corpack"))
        .arg(collection)
        .arg(out)
        .status()
        .unwrap();
    assert!(status.success());
    fs::read(out).unwrap()
}

#[test]
fn the_same_collection_gives_the_same_bytes() {
    let dir = Dir::new();
    let first = sample_collection(&dir, "first");
    // The same files, created in the opposite order, with other mtimes.
    let second = dir.join("second");
    let mut files: Vec<_> = walkdir::WalkDir::new(&first)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .collect();
    files.reverse();
    for entry in files {
        let relative = entry.path().strip_prefix(&first).unwrap();
        let copy = second.join(relative);
        fs::create_dir_all(copy.parent().unwrap()).unwrap();
        fs::copy(entry.path(), &copy).unwrap();
        let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        fs::File::options()
            .write(true)
            .open(&copy)
            .unwrap()
            .set_modified(old)
            .unwrap();
    }
    let a = pack_with(&first, &dir.join("a.zip"), "umask 022; export TZ=UTC", "1");
    let b = pack_with(
        &second,
        &dir.join("b.zip"),
        "umask 077; export TZ=Asia/Kolkata LANG=de_DE.UTF-8",
        "4",
    );
    assert!(a == b, "two packs of the same collection differ");
}

/// The sample collection, written to `dir/name` with its `[[document]]`
/// tables ordered by `file`, or the reverse.
fn sample_with_records_sorted(dir: &Dir, name: &str, reverse: bool) {
    let collection = sample_collection(dir, name).join("collection.toml");
    let text = fs::read_to_string(&collection).unwrap();
    let mut tables: Vec<&str> = text.split("\n[[document]]\n").collect();
    let header = tables.remove(0);
    fn file_of(table: &str) -> &str {
        table.lines().find(|l| l.starts_with("file = ")).unwrap()
    }
    tables.sort_by_key(|table| file_of(table));
    if reverse {
        tables.reverse();
    }
    let body: String = tables
        .iter()
        .map(|table| format!("\n[[document]]\n{}", table.trim_end()) + "\n")
        .collect();
    fs::write(collection, format!("{header}{body}")).unwrap();
}

/// The bytes of the bundle of the collection `dir/name`, packed into
/// `dir/name.zip`.
fn packed(dir: &Dir, name: &str) -> Vec<u8> {
    let out = dir.join(&format!("{name}.zip"));
    corpack()
        .args(["pack", "-q"])
        .arg(dir.join(name))
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    fs::read(out).unwrap()
}

#[test]
fn the_order_of_the_records_does_not_change_the_bytes() {
    let dir = Dir::new();
    sample_collection(&dir, "c");
    // In path order the records are read as they were spilled; in the
    // reverse order pack first rewrites its copy of them in path order.
    sample_with_records_sorted(&dir, "sorted", false);
    sample_with_records_sorted(&dir, "reversed", true);
    let bundles: Vec<Vec<u8>> = ["c", "sorted", "reversed"]
        .iter()
        .map(|name| packed(&dir, name))
        .collect();
    assert!(bundles[0] == bundles[1], "records in path order differ");
    assert!(
        bundles[0] == bundles[2],
        "records in reverse path order differ"
    );
}

#[test]
fn an_existing_bundle_is_kept_unless_forced() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let bundle = dir.create("out.zip", "precious");
    corpack()
        .arg("pack")
        .arg(&collection)
        .arg("-o")
        .arg(&bundle)
        .assert()
        .code(2)
        .stderr(contains("already exists"));
    assert_eq!(fs::read(&bundle).unwrap(), b"precious");
    corpack()
        .arg("pack")
        .arg(&collection)
        .arg("-o")
        .arg(&bundle)
        .arg("--force")
        .assert()
        .success();
    assert_ne!(fs::read(&bundle).unwrap(), b"precious");
}

#[test]
fn strict_refuses_documents_that_are_not_held() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    corpack()
        .arg("pack")
        .arg(&collection)
        .arg("-o")
        .arg(dir.join("out.zip"))
        .arg("--strict")
        .assert()
        .code(2)
        .stderr(contains("collection.toml:").and(contains("document[4].file")));
    assert!(!dir.join("out.zip").exists());
}

#[test]
fn a_missing_file_without_checksum_is_an_error() {
    let dir = Dir::new();
    dir.create(
        "c/collection.toml",
        format!("{COLLECTION_HEADER}\n[[document]]\nid = \"x\"\ntitle = \"X\"\nfile = \"x.txt\"\n"),
    );
    corpack()
        .arg("pack")
        .arg(dir.join("c"))
        .arg("-o")
        .arg(dir.join("out.zip"))
        .assert()
        .code(2)
        .stderr(
            contains("collection.toml:11:8: document[1].file").and(contains("declares no sha256")),
        );
    assert!(!dir.join("out.zip").exists());
}

/// A one-document collection whose record has `extra` appended, packed:
/// the error must name `line` and `field`, and no bundle may be written.
fn assert_record_error(extra: &str, line: usize, field: &str, message: &str) {
    let dir = Dir::new();
    dir.create("c/a.txt", "a\n");
    let toml = format!(
        "{COLLECTION_HEADER}\n[[document]]\nid = \"a\"\ntitle = \"A\"\nfile = \"a.txt\"\n{extra}"
    );
    dir.create("c/collection.toml", toml);
    let location = format!("collection.toml:{line}:");
    corpack()
        .arg("pack")
        .arg(dir.join("c"))
        .arg("-o")
        .arg(dir.join("out.zip"))
        .assert()
        .code(2)
        .stderr(
            contains(location)
                .and(contains(field))
                .and(contains(message)),
        );
    let left: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["c"], "pack left files behind");
}

#[test]
fn record_errors_name_file_line_and_field() {
    assert_record_error(
        "[document.provenance]\ndate = \"2014-13-20\"\n",
        13,
        "document[1].provenance.date",
        "invalid EDTF date",
    );
    assert_record_error(
        "colour = \"red\"\n",
        12,
        "document[1].colour",
        "unknown field",
    );
    assert_record_error(
        "\n[[document]]\nid = \"a\"\ntitle = \"B\"\nfile = \"b.txt\"\n",
        14,
        "document[2].id",
        "duplicate id",
    );
    assert_record_error(
        "\n[[document]]\nid = \"b\"\ntitle = \"B\"\nfile = \"../b.txt\"\n",
        16,
        "document[2].file",
        "unsafe file path",
    );
    assert_record_error(
        "sha256 = \"abc\"\n",
        12,
        "document[1].sha256",
        "malformed sha256",
    );
    assert_record_error(
        "[document.contested]\nstatus = \"disputed\"\n",
        13,
        "document[1].contested.status",
        "unknown value `disputed`, expected one of",
    );
    assert_record_error(
        "[document.contested]\naspects = [\"tone\"]\n",
        13,
        "document[1].contested.aspects",
        "unknown value `tone`",
    );
}

#[test]
fn fixity_on_ingest_refuses_a_changed_document() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let toml = fs::read_to_string(collection.join("collection.toml")).unwrap();
    let wrong = "cd".repeat(32);
    let toml = toml.replace(
        "file = \"letter.txt\"\n",
        &format!("file = \"letter.txt\"\nsha256 = \"{wrong}\"\n"),
    );
    fs::write(collection.join("collection.toml"), toml).unwrap();
    corpack()
        .arg("pack")
        .arg(&collection)
        .arg("-o")
        .arg(dir.join("out.zip"))
        .assert()
        .code(2)
        .stderr(
            contains("collection.toml:")
                .and(contains(".sha256: declared sha256"))
                .and(contains(format!("declared sha256 {wrong} but the file")))
                .and(contains(format!(
                    "the file {} has",
                    collection.join("letter.txt").display()
                ))),
        );
    assert!(!dir.join("out.zip").exists());
    // From a source, the copy read is named.
    let source = dir.join("source");
    fs::create_dir(&source).unwrap();
    fs::rename(collection.join("letter.txt"), source.join("letter.txt")).unwrap();
    corpack()
        .arg("pack")
        .arg(&collection)
        .arg("--source")
        .arg(&source)
        .arg("-o")
        .arg(dir.join("out.zip"))
        .assert()
        .code(2)
        .stderr(contains(format!(
            "the file {} has",
            source.join("letter.txt").display()
        )));
}

#[test]
fn the_seed_talk_is_held_with_its_source_and_checked() {
    let Some(shared) = shared_dir() else { return };
    let corpus = shared.join("corpus");
    let dir = Dir::new();
    let seeds = crate::util::repo_root().join("seeds");
    corpack()
        .arg("pack")
        .arg(&seeds)
        .arg("-o")
        .arg(dir.join("held.zip"))
        .arg("--source")
        .arg(&corpus)
        .arg("--strict")
        .assert()
        .success();
    assert!(
        zip_names(&dir.join("held.zip"))
            .iter()
            .any(|n| n.ends_with("data/documents/furr-2014-continuing-revolution.txt"))
    );

    let mut corrupted = fs::read(corpus.join("furr-2014-continuing-revolution.txt")).unwrap();
    corrupted[100] ^= 1;
    dir.create("corrupt/furr-2014-continuing-revolution.txt", corrupted);
    corpack()
        .arg("pack")
        .arg(&seeds)
        .arg("-o")
        .arg(dir.join("bad.zip"))
        .arg("--source")
        .arg(dir.join("corrupt"))
        .assert()
        .code(2)
        .stderr(contains(
            "declared sha256 972962436953c9ea6eecd3eed1bc013f6e43803f40ed42985ea46f3eb969bfa7",
        ));
    assert!(!dir.join("bad.zip").exists());
}

#[test]
fn an_organization_assessor_is_the_organization_of_its_name() {
    let dir = Dir::new();
    dir.create("c/a.txt", "a\n");
    dir.create(
        "c/collection.toml",
        "[collection]\nid = \"c\"\ntitle = \"T\"\ndescription = \"D\"\nlicense = \"CC0-1.0\"\n\
         date = \"2026-11-25\"\nsource_organization = \"Corpus Workshop\"\n\n\
         [[document]]\nid = \"a\"\ntitle = \"A\"\nfile = \"a.txt\"\n\
         [document.provenance]\nauthors = [{ name = \"Corpus Workshop\", type = \"organization\" }]\n\
         [document.contested]\nstatus = \"uncontested\"\n\
         assessed_by = { name = \"Corpus Workshop\", type = \"organization\" }\n",
    );
    let bundle = dir.join("c.zip");
    pack(&dir.join("c"), &bundle, &[]);
    let mut archive = zip::ZipArchive::new(fs::File::open(&bundle).unwrap()).unwrap();
    let mut text = String::new();
    archive
        .by_name("c/data/ro-crate-metadata.json")
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    let metadata: serde_json::Value = serde_json::from_str(&text).unwrap();
    let graph = metadata["@graph"].as_array().unwrap();
    // The source organization, the author and the assessor: one entity.
    let named: Vec<&serde_json::Value> = graph
        .iter()
        .filter(|e| e["name"] == "Corpus Workshop")
        .collect();
    assert_eq!(named.len(), 1, "{named:?}");
    assert_eq!(named[0]["@type"], "Organization");
    let review = graph.iter().find(|e| e["@id"] == "#review-a").unwrap();
    assert_eq!(review["author"]["@id"], named[0]["@id"]);
    // It reads back as the organization it is.
    let exported = dir.join("c.csv");
    corpack()
        .args(["export", "csv"])
        .arg(&bundle)
        .arg("-o")
        .arg(&exported)
        .assert()
        .success();
    let csv = fs::read_to_string(&exported).unwrap();
    assert!(
        csv.contains(",uncontested,Corpus Workshop | type=organization\n"),
        "{csv}"
    );
}

#[test]
fn a_collection_toml_with_crlf_line_ends_gives_the_same_bytes() {
    // As a Windows checkout with git's core.autocrlf writes it, multi-line
    // strings and all.
    let dir = Dir::new();
    let bundles: Vec<Vec<u8>> = ["\n", "\r\n"]
        .iter()
        .map(|line_end| {
            let name = format!("c{}", line_end.len());
            let records = sample_collection(&dir, &name).join("collection.toml");
            let text = fs::read_to_string(&records).unwrap().replace(
                "file = \"letter.txt\"\n",
                "file = \"letter.txt\"\nrights = \"\"\"\nFirst line,\nsecond line.\"\"\"\n",
            );
            fs::write(&records, text.replace('\n', line_end)).unwrap();
            packed(&dir, &name)
        })
        .collect();
    assert!(
        bundles[0] == bundles[1],
        "CRLF line ends changed the bundle"
    );
}

#[test]
fn pack_and_verify_draw_each_phase_on_a_terminal_only() {
    let dir = Dir::new();
    let bundle = dir.join("seeds.zip");
    let corpack_command = || Command::new(assert_cmd::cargo::cargo_bin("corpack"));
    let mut pack = corpack_command();
    pack.arg("pack").arg(seeds_dir()).arg("-o").arg(&bundle);
    let drawn = stderr_on_a_terminal(&mut pack);
    // The documents, then the bundle read back before it is put in place.
    let phases: Vec<&str> = ["packing [", "reading back ["]
        .into_iter()
        .filter(|phase| drawn.contains(phase))
        .collect();
    assert_eq!(phases, ["packing [", "reading back ["], "{drawn:?}");
    let mut verify = corpack_command();
    verify.arg("verify").arg(&bundle);
    assert!(stderr_on_a_terminal(&mut verify).contains("verifying ["));
    for quiet in ["--quiet", "--json"] {
        let mut verify = corpack_command();
        verify.arg("verify").arg(&bundle).arg(quiet);
        assert_eq!(stderr_on_a_terminal(&mut verify), "", "{quiet}");
    }
}
