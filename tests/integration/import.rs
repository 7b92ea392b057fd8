//! `corpack import csv`, `import bag` and `export csv`: collections in
//! and out of spreadsheets and other tools' bags.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use corpack::collection::{self, Collection};
use corpack::digest::Algorithm;
use predicates::prelude::*;
use predicates::str::contains;

use crate::rfc8493::{retag, write_bag};
use crate::util::{
    COLLECTION_FLAGS, COLLECTION_HEADER, Dir, corpack, listing, pack, sample_collection, seeds_dir,
    shell, stderr_on_a_terminal, unzip,
};
use crate::validators::validators;

fn load(dir: &Path) -> Collection {
    collection::load(dir)
        .and_then(|loaded| loaded.to_collection())
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
}

/// `corpack import csv CSV -o OUT --files FILES`, with every collection
/// field given by flags.
fn import_csv(csv: &Path, out: &Path, files: &Path) -> assert_cmd::assert::Assert {
    corpack()
        .args(["import", "csv"])
        .arg(csv)
        .args(COLLECTION_FLAGS)
        .arg("-o")
        .arg(out)
        .arg("--files")
        .arg(files)
        .assert()
}

/// `import csv` of `csv` into `out`, without `--files`: the catalogue only.
fn import_catalogue(csv: &Path, out: &Path) -> assert_cmd::assert::Assert {
    corpack()
        .args(["import", "csv"])
        .arg(csv)
        .args(COLLECTION_FLAGS)
        .arg("-o")
        .arg(out)
        .assert()
}

/// The `--json` report of an `import csv` of `csv` into `out` (with
/// `--files` if given) that fails on its records (exit 2).
fn failed_import_report(csv: &Path, out: &Path, files: Option<&Path>) -> serde_json::Value {
    let mut command = corpack();
    command
        .args(["import", "csv", "--json"])
        .arg(csv)
        .args(COLLECTION_FLAGS)
        .arg("-o")
        .arg(out);
    if let Some(files) = files {
        command.arg("--files").arg(files);
    }
    let output = command.output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn the_seed_csv_is_the_seed_collection() {
    let dir = Dir::new();
    let out = dir.join("imported");
    corpack()
        .args(["import", "csv"])
        .arg(seeds_dir().join("collection.csv"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stdout(contains("imported 6 documents into").and(contains("0 files copied")));
    assert_eq!(load(&out), load(&seeds_dir()));
    let written = fs::read_to_string(out.join("collection.toml")).unwrap();
    assert!(written.starts_with("# Imported by corpack "), "{written}");
    // Without the files, check accepts it: every record declares a sha256.
    corpack()
        .arg("check")
        .arg(&out)
        .assert()
        .success()
        .stdout(contains("6 catalogued but not held"));
}

#[test]
fn the_seed_csv_is_what_export_writes() {
    let dir = Dir::new();
    let exported = dir.join("collection.csv");
    corpack()
        .args(["export", "csv"])
        .arg(seeds_dir())
        .arg("-o")
        .arg(&exported)
        .assert()
        .success();
    assert_eq!(
        fs::read_to_string(&exported).unwrap(),
        fs::read_to_string(seeds_dir().join("collection.csv")).unwrap(),
        "seeds/collection.csv is stale: corpack export csv seeds -o target/collection.csv --force && mv target/collection.csv seeds/"
    );
}

// The CSV is written a row at a time into its temporary file: a write that
// fails (a full disk) fails the export naming the CSV, and leaves nothing
// beside the bundle.
#[cfg(unix)]
#[test]
fn a_csv_that_cannot_be_written_leaves_no_output() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "sample");
    let bundle = dir.join("sample.zip");
    pack(&collection, &bundle, &[]);
    fs::remove_dir_all(&collection).unwrap();
    let out = dir.join("out.csv");
    let args = [
        "export".as_ref(),
        "csv".as_ref(),
        bundle.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ];
    let (code, stderr) = crate::util::corpack_with_file_size_limit(64, &args);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("error[io]"), "{stderr}");
    assert!(stderr.contains(&format!("{}: ", out.display())), "{stderr}");
    assert_eq!(listing(dir.path()), ["sample.zip"]);
}

#[test]
fn without_files_only_a_row_with_a_sha256_is_catalogued() {
    let dir = Dir::new();
    let csv = dir.create(
        "m.csv",
        format!(
            "filename,dc.title,sha256\na.txt,A,\nb.txt,B,{}\n",
            "0".repeat(64)
        ),
    );
    let out = dir.join("c");
    let import = |json: bool| {
        let mut command = corpack();
        command
            .args(["import", "csv"])
            .arg(&csv)
            .args(COLLECTION_FLAGS);
        if json {
            command.arg("--json");
        }
        command
            .arg("-o")
            .arg(&out)
            .arg("--force")
            .assert()
            .success()
    };
    let output = import(true).get_output().stdout.clone();
    let report: serde_json::Value = serde_json::from_slice(&output).unwrap();
    assert_eq!(
        (&report["not_held"], &report["files_needed"]),
        (&serde_json::json!(["b"]), &serde_json::json!(["a"]))
    );
    import(false).stdout(contains(
        "1 catalogued without their file, 1 with neither file nor sha256",
    ));
    // As check counts them: a.txt is not catalogued, but missing.
    corpack()
        .arg("check")
        .arg(&out)
        .assert()
        .code(1)
        .stdout(contains("0 held, 1 catalogued but not held"));
}

#[test]
fn files_are_copied_and_checked() {
    let dir = Dir::new();
    let out = dir.join("imported");
    let output = corpack()
        .args(["import", "csv", "--json"])
        .arg(seeds_dir().join("collection.csv"))
        .arg("-o")
        .arg(&out)
        .arg("--files")
        .arg(seeds_dir())
        .output()
        .unwrap();
    assert!(output.status.success());
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["files_copied"], 5);
    assert_eq!(report["checksums_recorded"], 0);
    assert_eq!(
        report["not_held"],
        serde_json::json!(["furr-2014-continuing-revolution"])
    );
    assert_eq!(
        fs::read(out.join("letter 1937.txt")).unwrap(),
        fs::read(seeds_dir().join("letter 1937.txt")).unwrap()
    );
    corpack()
        .arg("check")
        .arg(&out)
        .assert()
        .success()
        .stdout(contains("5 held, 1 catalogued but not held"));
}

#[test]
fn a_missing_checksum_is_computed_and_recorded() {
    let dir = Dir::new();
    dir.create("files/objects/a.txt", "A\n");
    let csv = dir.create("m.csv", "filename,dc.title\nobjects/a.txt,A\n");
    import_csv(&csv, &dir.join("c"), &dir.join("files"))
        .success()
        .stdout(contains("1 file copied, 1 checksum recorded"));
    let record = &load(&dir.join("c")).documents[0];
    assert_eq!(record.id.as_str(), "a");
    assert_eq!(
        record.sha256.as_ref().unwrap().as_str(),
        "06f961b802bc46ee168555f066d28f4f0e9afdf3f88174c1ee6f9de004fc30a0"
    );
}

#[test]
fn a_link_out_of_the_files_directory_is_not_followed() {
    // As pack and check would not: a transfer could bring in any file of
    // the host. A link to a file inside the directory is followed.
    let dir = Dir::new();
    dir.create("outside.txt", "secret\n");
    dir.create("files/inside.txt", "A\n");
    std::os::unix::fs::symlink(dir.join("outside.txt"), dir.join("files/out.txt")).unwrap();
    std::os::unix::fs::symlink("inside.txt", dir.join("files/in.txt")).unwrap();
    let csv = dir.create("m.csv", "filename,dc.title\nin.txt,In\nout.txt,Out\n");
    let out = dir.join("c");
    import_csv(&csv, &out, &dir.join("files"))
        .code(2)
        .stderr(contains("m.csv:3:1: filename: ").and(contains("out.txt is a symbolic link to ")))
        .stderr(contains(
            "only links to files inside the directory are followed",
        ));
    assert!(!out.exists(), "nothing may be written");
    let csv = dir.create("m.csv", "filename,dc.title\nin.txt,In\n");
    import_csv(&csv, &out, &dir.join("files")).success();
    assert_eq!(fs::read(out.join("in.txt")).unwrap(), b"A\n");
}

#[test]
fn a_file_name_pack_would_refuse_is_an_error_at_its_cell_unless_allowed() {
    // The collection would be one check and pack refuse, as import bag
    // refuses such a bag.
    let dir = Dir::new();
    let csv = dir.create(
        "m.csv",
        "filename,dc.identifier,dc.title,sha256\nCON.txt,con,C,{0}\nnotes.txt,n1,N,{0}\n\
         Notes.txt,n2,N,{0}\n"
            .replace("{0}", &"a".repeat(64)),
    );
    let out = dir.join("c");
    let mut import = corpack();
    import
        .args(["import", "csv"])
        .arg(&csv)
        .args(COLLECTION_FLAGS);
    import.arg("-o").arg(&out);
    import
        .assert()
        .code(2)
        .stderr(contains(
            "m.csv:2:1: filename: \"CON.txt\" is a device name on Windows",
        ))
        .stderr(contains(
            "m.csv:4:1: filename: the file \"notes.txt\" and the file \"Notes.txt\" differ only \
             in case",
        ))
        .stderr(contains("(--allow case-collision would import it anyway"));
    assert!(!out.exists(), "nothing may be written");
    import.args(["--allow", "windows-reserved", "--allow", "case-collision"]);
    import
        .assert()
        .success()
        .stderr(contains("warning[windows-reserved]").and(contains("warning[case-collision]")));
    let check = |allowed: &[&str]| {
        let mut check = corpack();
        check.arg("check").arg(&out);
        for allow in allowed {
            check.args(["--allow", allow]);
        }
        check.assert()
    };
    check(&[]).code(1);
    check(&["windows-reserved", "case-collision"]).success();
}

#[test]
fn a_file_named_in_another_unicode_form_than_its_row_is_found() {
    // A transfer made on macOS: the name on disk decomposed (NFD), the
    // spreadsheet's composed (NFC), as pack would find it.
    let dir = Dir::new();
    dir.create("files/objects/Cafe\u{301}.txt", "A\n");
    let csv = dir.create("m.csv", "filename,dc.title\nobjects/Caf\u{e9}.txt,A\n");
    import_csv(&csv, &dir.join("c"), &dir.join("files"))
        .success()
        .stdout(contains("1 file copied"));
    let record = &load(&dir.join("c")).documents[0];
    assert_eq!(record.id.as_str(), "cafe");
    assert_eq!(record.file.as_str(), "Caf\u{e9}.txt");
    corpack().arg("check").arg(dir.join("c")).assert().success();
}

#[test]
fn a_bad_cell_writes_nothing() {
    let dir = Dir::new();
    dir.create("files/a.txt", "A\n");
    dir.create("files/b.txt", "B\n");
    let csv = dir.create(
        "m.csv",
        "filename,dc.title,dc.date\na.txt,A,1937~\nb.txt,B,June 1937\n",
    );
    let out = dir.join("c");
    import_csv(&csv, &out, &dir.join("files"))
        .code(2)
        .stderr(contains(
            "m.csv:3:3: dc.date: invalid EDTF date \"June 1937\"",
        ));
    assert!(!out.exists(), "nothing may be written");
    let report = failed_import_report(&csv, &out, None);
    assert_eq!(report["records"][0]["line"], 3);
    assert_eq!(report["records"][0]["column"], 3);
    assert_eq!(report["records"][0]["field"], "dc.date");
}

/// The records of the `--json` report of an `import csv` of `csv`, with
/// no flags, that fails on them (exit 2) and writes nothing.
fn failed_import_records(dir: &Dir, csv: &Path) -> Vec<serde_json::Value> {
    let out = dir.join("c");
    let output = corpack()
        .args(["import", "csv", "--json"])
        .arg(csv)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(!out.exists(), "nothing may be written");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    report["records"].as_array().unwrap().clone()
}

#[test]
fn a_bad_collection_cell_is_its_one_error_not_also_a_field_missing() {
    let dir = Dir::new();
    let csv = dir.create(
        "m.csv",
        "filename,dc.identifier,dc.title,dc.description,dcterms.license,dc.date,sha256\n\
         objects,c,T,D,CC BY,2026,\n\
         a.txt,a,A,,,,0000000000000000000000000000000000000000000000000000000000000000\n",
    );
    let records = failed_import_records(&dir, &csv);
    let places: Vec<_> = records
        .iter()
        .map(|r| (r["line"].clone(), r["column"].clone(), r["field"].clone()))
        .collect();
    assert_eq!(
        places,
        [
            (2.into(), 5.into(), "dcterms.license".into()),
            (2.into(), 6.into(), "dc.date".into())
        ]
    );
    // A field that is missing as well is still said to be.
    let csv = dir.create(
        "m.csv",
        "filename,dc.identifier,dc.title,dc.description,dc.date\nobjects,c,T,D,2026\n",
    );
    let records = failed_import_records(&dir, &csv);
    let fields: Vec<_> = records.iter().map(|r| r["field"].clone()).collect();
    assert_eq!(fields, ["collection", "dc.date"]);
    let message = records[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("no collection license (--license):"),
        "{message}"
    );
}

#[test]
fn a_duplicate_id_made_from_file_names_is_placed_at_the_filename_cell() {
    let dir = Dir::new();
    let csv = dir.create(
        "m.csv",
        "filename,dc.title,sha256\n\
         objects/Letter 1.txt,A,0000000000000000000000000000000000000000000000000000000000000000\n\
         objects/letter-1.txt,B,0000000000000000000000000000000000000000000000000000000000000000\n",
    );
    let report = failed_import_report(&csv, &dir.join("c"), None);
    let record = &report["records"][0];
    let place = (&record["line"], &record["column"], &record["field"]);
    assert_eq!(place, (&3.into(), &1.into(), &"filename".into()));
    let message = record["message"].as_str().unwrap();
    assert!(message.contains("made from the filename"), "{message}");
}

#[test]
fn a_stale_file_where_a_catalogued_document_goes_is_refused() {
    // pack would take it for the document's file and fail on its checksum.
    let dir = Dir::new();
    let sha256 = "06f961b802bc46ee168555f066d28f4f0e9afdf3f88174c1ee6f9de004fc30a0";
    let csv = dir.create(
        "m.csv",
        format!("filename,dc.title,sha256\na.txt,A,{sha256}\n"),
    );
    let out = dir.join("c");
    dir.create("c/a.txt", "stale\n");
    import_catalogue(&csv, &out)
        .code(2)
        .stderr(contains("error[output-conflict]").and(contains(
            "a.txt: holds other bytes than the sha256 06f961b8",
        )));
    assert!(!out.join("collection.toml").exists());
    // With the declared bytes, it is the document's file, and stays.
    fs::write(out.join("a.txt"), "A\n").unwrap();
    import_catalogue(&csv, &out).success();
    assert_eq!(fs::read(out.join("a.txt")).unwrap(), b"A\n");
}

#[test]
fn a_csv_not_utf8_is_an_error_at_its_line_and_column() {
    let dir = Dir::new();
    let csv = dir.create("m.csv", b"filename,dc.title\na.txt,A\nb.txt,Caf\xe9\n");
    let records = failed_import_records(&dir, &csv);
    let place = (
        &records[0]["line"],
        &records[0]["column"],
        &records[0]["field"],
    );
    assert_eq!(place, (&3.into(), &2.into(), &"dc.title".into()));
    let message = records[0]["message"].as_str().unwrap();
    assert!(message.contains("not UTF-8"), "{message}");
}

#[test]
fn a_record_error_at_no_line_has_none_in_json_rather_than_null() {
    // The schema (manifests/schema/error-output.schema.json) has a record
    // error's `line` and `column` integers when known: left out otherwise.
    let dir = Dir::new();
    let csv = dir.create("m.csv", "filename,dc.title\na.txt,A\n");
    let output = corpack()
        .args(["import", "csv", "--json"])
        .arg(&csv)
        .arg("-o")
        .arg(dir.join("c"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let record = report["records"][0].as_object().unwrap();
    assert_eq!(record["field"], "collection");
    assert!(
        !record.contains_key("line") && !record.contains_key("column"),
        "{record:?}"
    );
    let message = record["message"].as_str().unwrap();
    assert!(message.contains("give them in a row"), "{message}");
    // With every field but one given, it is named alone.
    let all_but_the_id = &COLLECTION_FLAGS[2..];
    corpack()
        .args(["import", "csv"])
        .arg(&csv)
        .args(all_but_the_id)
        .arg("-o")
        .arg(dir.join("c"))
        .assert()
        .code(2)
        .stderr(contains(
            "no collection id (--id): give it in a row whose filename is objects, or with the flag",
        ));
}

#[test]
fn a_quoted_cell_never_closed_is_an_error_not_the_rest_of_the_file() {
    let dir = Dir::new();
    // The csv crate reads an open quote to the end of the file: the rows
    // after it would become one title, and be lost without a word.
    let csv = dir.create(
        "m.csv",
        "filename,dc.title\na.txt,A\nb.txt,\"B, left open\nc.txt,C\nd.txt,D",
    );
    let out = dir.join("c");
    import_catalogue(&csv, &out)
        .code(2)
        .stderr(contains("m.csv:3:2: dc.title: not CSV: ").and(contains("never closed")));
    assert!(!out.exists(), "nothing may be written");
    let report = failed_import_report(&csv, &out, None);
    assert_eq!(report["records"][0]["line"], 3);
    assert_eq!(report["records"][0]["column"], 2);
    assert_eq!(report["records"][0]["field"], "dc.title");
}

#[test]
fn a_row_cut_short_is_an_error_at_its_last_cell() {
    // A file cut off mid-row would lose the row's last cells unsaid.
    let dir = Dir::new();
    let csv = dir.create(
        "m.csv",
        "filename,dc.title,sha256\na.txt,A,,\n\nb.txt,B\n,,\n",
    );
    let records = failed_import_records(&dir, &csv);
    let found: Vec<_> = (records.iter())
        .filter(|r| !r["line"].is_null())
        .map(|r| (r["line"].clone(), r["column"].clone(), r["message"].clone()))
        .collect();
    assert_eq!(
        found,
        [(
            4.into(),
            2.into(),
            "the row ends after 2 of the header's 3 columns (is the file cut short?): write \
             every cell, empty ones too"
                .into()
        )]
    );
}

#[test]
fn a_quote_inside_a_quoted_cell_not_doubled_is_an_error() {
    let dir = Dir::new();
    // RFC 4180 writes a quote in a quoted cell doubled; the csv crate, like
    // Python's non-strict csv, would read this title as `quoted"`.
    let csv = dir.create(
        "m.csv",
        "filename,dc.title\na.txt,A\nb.txt,\"quo\"ted\"\nc.txt,\"said \"\"no\"\"\"\n",
    );
    let out = dir.join("c");
    import_catalogue(&csv, &out)
        .code(2)
        .stderr(contains("m.csv:3:2: dc.title: not CSV: ").and(contains("\"\"")));
    assert!(!out.exists(), "nothing may be written");
    let report = failed_import_report(&csv, &out, None);
    assert_eq!(report["records"].as_array().unwrap().len(), 1);
    assert_eq!(report["records"][0]["line"], 3);
    assert_eq!(report["records"][0]["column"], 2);
    assert_eq!(report["records"][0]["field"], "dc.title");
}

#[test]
fn an_error_names_the_line_of_the_file_its_row_starts_on() {
    let dir = Dir::new();
    // After a blank line and a title on two lines, the third row starts on
    // line 5 (as an editor numbers lines, however they end).
    let csv = dir.create(
        "m.csv",
        "filename,dc.title,dc.date\r\n\r\na.txt,\"A\r\nletter\",1937~\r\nb.txt,B,June 1937\r\n",
    );
    corpack()
        .args(["import", "csv"])
        .arg(&csv)
        .args(COLLECTION_FLAGS)
        .arg("-o")
        .arg(dir.join("c"))
        .assert()
        .code(2)
        .stderr(contains(
            "m.csv:5:3: dc.date: invalid EDTF date \"June 1937\"",
        ));
    let report = failed_import_report(&csv, &dir.join("c"), None);
    assert_eq!(
        (&report["line"], &report["column"], &report["field"]),
        (
            &serde_json::json!(5),
            &serde_json::json!(3),
            &serde_json::json!("dc.date")
        )
    );
}

#[test]
fn a_rule_broken_by_a_cell_names_that_cell_s_column() {
    let dir = Dir::new();
    let csv = dir.create(
        "m.csv",
        "filename,dc.title,dc.creator,dc.contributor,contested.disputed_by,contested.disputed_by\n\
         a.txt,A,Ann,Board | type=organization | role=editor | orcid=0000-0002-1825-0097,W,W\n",
    );
    let out = dir.join("c");
    let report = failed_import_report(&csv, &out, None);
    let cells: Vec<(u64, u64, &str)> = report["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["column"].as_u64().unwrap(),
                r["field"].as_str().unwrap(),
            )
        })
        .collect();
    // Not the first column that can hold an author, or a work.
    assert_eq!(
        cells,
        [(2, 4, "dc.contributor"), (2, 6, "contested.disputed_by")]
    );
    import_catalogue(&csv, &out).code(2).stderr(contains(
        "m.csv:2:4: dc.contributor: \"Board\" is an organization",
    ));
    assert!(!out.exists(), "nothing may be written");
}

#[test]
fn an_unknown_status_says_which_statuses_there_are() {
    let dir = Dir::new();
    dir.create("t/objects/a.txt", "a\n");
    let csv = dir.create(
        "metadata.csv",
        "filename,dc.title,contested.status\nobjects/a.txt,A,disputed\n",
    );
    import_csv(&csv, &dir.join("c"), &dir.join("t"))
        .code(2)
        .stderr(contains(
            "metadata.csv:2:3: contested.status: unknown status \"disputed\": expected \
             unassessed, uncontested or contested",
        ));
}

/// A spreadsheet program saves columns that were formatted but never
/// filled as empty cells under an empty header: they hold nothing to lose.
/// A value under no header is an error at its cell.
#[test]
fn empty_columns_without_a_header_are_left_out() {
    let dir = Dir::new();
    dir.create("t/objects/a.txt", "a\n");
    let csv = dir.create(
        "metadata.csv",
        "filename,,dc.title,, \nobjects/a.txt,,A,,\n",
    );
    import_csv(&csv, &dir.join("c"), &dir.join("t")).success();
    assert_eq!(load(&dir.join("c")).documents[0].title, "A");

    let csv = dir.create("metadata.csv", "filename,,dc.title\nobjects/a.txt,lost,A\n");
    import_csv(&csv, &dir.join("d"), &dir.join("t"))
        .code(2)
        .stderr(contains("metadata.csv:2:2: ").and(contains("without a header")));
    assert!(!dir.join("d").exists());
}

#[test]
fn a_wrong_checksum_writes_nothing() {
    let dir = Dir::new();
    dir.create("files/a.txt", "A\n");
    dir.create("files/b.txt", "B\n");
    let csv = dir.create(
        "m.csv",
        format!(
            "filename,dc.title,sha256\na.txt,A,\nb.txt,B,{}\n",
            "0".repeat(64)
        ),
    );
    let out = dir.join("c");
    import_csv(&csv, &out, &dir.join("files"))
        .code(2)
        .stderr(contains("m.csv:3:3: sha256: declared 0000"));
    assert!(!out.exists(), "nothing may be written");
}

#[test]
fn a_file_not_found_is_an_error_at_its_filename_cell() {
    let dir = Dir::new();
    dir.create("files/c.txt", "C\n");
    // b.txt is catalogued without its file: its row declares a sha256.
    let csv = dir.create(
        "m.csv",
        format!(
            "dc.title,filename,sha256\nA,a.txt,\nB,b.txt,{}\nC,c.txt,\n",
            "0".repeat(64)
        ),
    );
    let out = dir.join("c");
    let report = failed_import_report(&csv, &out, Some(&dir.join("files")));
    assert_eq!(
        (&report["line"], &report["column"], &report["field"]),
        (
            &serde_json::json!(2),
            &serde_json::json!(2),
            &serde_json::json!("filename")
        )
    );
    import_csv(&csv, &out, &dir.join("files"))
        .code(2)
        .stderr(contains("m.csv:2:2: filename: \"a.txt\" is not in"));
    assert!(!out.exists(), "nothing may be written");
}

#[test]
fn an_import_into_an_existing_directory_adds_to_it_or_changes_nothing() {
    let dir = Dir::new();
    dir.create("files/sub/a.txt", "A\n");
    dir.create("files/sub/b.txt", "B\n");
    let out = dir.join("c");
    dir.create("c/notes.txt", "mine\n");
    let import = |b_sha256: &str| {
        let csv = dir.create(
            "m.csv",
            format!("filename,dc.title,sha256\nsub/a.txt,A,\nsub/b.txt,B,{b_sha256}\n"),
        );
        import_csv(&csv, &out, &dir.join("files"))
    };
    // The second file's checksum is wrong: nothing of the first is left,
    // not even the directory it was to go in.
    import(&"0".repeat(64))
        .code(2)
        .stderr(contains("m.csv:3:3: sha256: declared 0000"));
    assert_eq!(listing(&out), ["notes.txt"]);
    import("")
        .success()
        .stdout(contains("2 files copied, 2 checksums recorded"));
    assert_eq!(listing(&out), ["collection.toml", "notes.txt", "sub"]);
    assert_eq!(listing(&out.join("sub")), ["a.txt", "b.txt"]);

    // Files already in the directory are hashed where they are.
    let csv = dir.create("a.csv", "filename,dc.title\nsub/a.txt,A\n");
    let in_place = dir.join("files");
    import_csv(&csv, &in_place, &in_place)
        .success()
        .stdout(contains("0 files copied, 1 checksum recorded"));
    assert_eq!(listing(&in_place), ["collection.toml", "sub"]);

    // A new directory is made in one that exists, as pack and export make
    // their outputs.
    import_csv(&csv, &dir.join("missing/c"), &in_place)
        .code(2)
        .stderr(contains("missing"));
    assert!(!dir.join("missing").exists());
}

#[test]
fn old_files_a_killed_import_left_aside_in_a_subdirectory_are_removed() {
    let dir = Dir::new();
    dir.create("files/sub/a.txt", "A\n");
    let out = dir.join("c");
    // What a run killed mid-move leaves: the new a.txt in place, the old
    // one aside beside it. Beside them, an old file whose place is empty
    // (all there is of it), and names corpack does not make.
    dir.create("c/sub/a.txt", "A\n");
    dir.create("c/sub/.corpack-abc123-a.txt.old", "the old a\n");
    dir.create("c/sub/.corpack-abc124-gone.txt.old", "all there is\n");
    dir.create("c/sub/.corpack-notes.old", "mine\n");
    dir.create(
        "c/other/.corpack-abc125-x.old",
        "not a document's directory\n",
    );
    dir.create("c/other/x", "x\n");
    let csv = dir.create("m.csv", "filename,dc.title\nsub/a.txt,A\n");
    import_csv(&csv, &out, &dir.join("files")).success();
    assert_eq!(
        listing(&out.join("sub")),
        [
            ".corpack-abc124-gone.txt.old",
            ".corpack-notes.old",
            "a.txt"
        ]
    );
    assert_eq!(listing(&out.join("other")), [".corpack-abc125-x.old", "x"]);
}

#[test]
fn import_draws_its_progress_on_a_terminal_only() {
    // As pack and verify do: a bar on stderr when it is a terminal, unless
    // --quiet; none when stderr is piped.
    let dir = Dir::new();
    let import = |out: &str| {
        let mut command = Command::new(assert_cmd::cargo::cargo_bin("corpack"));
        command
            .args(["import", "csv"])
            .arg(seeds_dir().join("collection.csv"))
            .arg("-o")
            .arg(dir.join(out))
            .arg("--files")
            .arg(seeds_dir());
        command
    };
    let drawn = stderr_on_a_terminal(&mut import("drawn"));
    assert!(drawn.contains("copying ["), "{drawn:?}");
    assert!(drawn.contains("KiB"), "{drawn:?}");
    let quiet = stderr_on_a_terminal(import("quiet").arg("--quiet"));
    assert_eq!(quiet, "");
    let piped = import("piped").output().unwrap();
    assert!(piped.status.success());
    assert_eq!(String::from_utf8_lossy(&piped.stderr), "");
}

#[test]
fn an_existing_collection_is_kept_unless_forced() {
    let dir = Dir::new();
    let out = dir.join("c");
    dir.create("c/collection.toml", "old");
    let import = || {
        let mut command = corpack();
        command
            .args(["import", "csv"])
            .arg(seeds_dir().join("collection.csv"))
            .arg("-o")
            .arg(&out);
        command
    };
    import()
        .assert()
        .code(2)
        .stderr(contains("already exists (pass --force"));
    assert_eq!(
        fs::read_to_string(out.join("collection.toml")).unwrap(),
        "old"
    );
    import().arg("--force").assert().success();
    assert_eq!(load(&out), load(&seeds_dir()));
}

#[test]
fn a_collection_toml_that_cannot_be_written_is_an_error_about_its_destination() {
    let dir = Dir::new();
    let csv = seeds_dir().join("collection.csv");
    let existing = dir.join("existing");
    fs::create_dir(&existing).unwrap();
    // A new directory is written beside its target, into an existing one
    // inside it: neither temporary name is what the archivist asked for.
    for out in [dir.join("new"), existing.clone()] {
        // A file size limit of 512 bytes, less than collection.toml;
        // SIGXFSZ ignored, so that the write fails with EFBIG instead of
        // killing the process.
        let script = "trap '' XFSZ; ulimit -f 1; exec \"$0\" import csv \"$1\" -o \"$2\"";
        let (code, _, stderr) = shell(script, &[&csv, &out]);
        assert_eq!(code, Some(2), "{stderr}");
        let named = format!("{}: File too large", out.join("collection.toml").display());
        assert!(stderr.contains(&named), "{stderr}");
        assert!(!stderr.contains(".corpack-"), "{stderr}");
    }
    assert_eq!(listing(dir.path()), ["existing"]);
    assert_eq!(listing(&existing), Vec::<String>::new());
}

/// `import csv` of `a.txt`, then `m/b.txt`, into `out` (with `--force` if
/// `force`), `out/m` being a file system of its own (a tmpfs, in a mount
/// namespace gone when corpack ends): `b.txt` cannot be moved there from
/// the temporary directory inside `out` (EXDEV), after `a.txt` was.
/// Returns the exit status and stderr.
fn import_across_a_mount(dir: &Dir, out: &Path, force: bool) -> (Option<i32>, String) {
    dir.create("files/a.txt", "A\n");
    dir.create("files/m/b.txt", "B\n");
    let csv = dir.create("m.csv", "filename,dc.title\na.txt,A\nm/b.txt,B\n");
    let script = dir.create(
        "across-a-mount.sh",
        "corpack=\"$1\"; out=\"$2\"; shift 2\n\
         mount -t tmpfs tmpfs \"$out/m\" || exit 99\n\
         exec \"$corpack\" \"$@\"\n",
    );
    let mut args: Vec<OsString> = vec![out.into(), "import".into(), "csv".into(), csv.into()];
    args.extend(COLLECTION_FLAGS.iter().map(OsString::from));
    args.extend([
        "-o".into(),
        out.into(),
        "--files".into(),
        dir.join("files").into(),
    ]);
    if force {
        args.push("--force".into());
    }
    let command = format!("exec unshare -rm sh '{}' \"$0\" \"$@\"", script.display());
    let (code, _, stderr) = shell(&command, &args);
    assert_ne!(code, Some(99), "unshare or mount failed: {stderr}");
    (code, stderr)
}

#[test]
fn a_move_into_an_existing_directory_that_fails_undoes_those_before_it() {
    let dir = Dir::new();
    let out = dir.join("c");
    dir.create("c/notes.txt", "mine\n");
    fs::create_dir(out.join("m")).unwrap();
    let failed_at_b = format!(
        "{}: Invalid cross-device link",
        out.join("m/b.txt").display()
    );
    let (code, stderr) = import_across_a_mount(&dir, &out, false);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains(&failed_at_b), "{stderr}");
    assert_eq!(listing(&out), ["m", "notes.txt"]);

    // With --force, what the moves before it replaced is put back.
    dir.create("c/a.txt", "old a\n");
    dir.create("c/collection.toml", "old\n");
    let (code, stderr) = import_across_a_mount(&dir, &out, true);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains(&failed_at_b), "{stderr}");
    assert_eq!(
        listing(&out),
        ["a.txt", "collection.toml", "m", "notes.txt"]
    );
    assert_eq!(fs::read_to_string(out.join("a.txt")).unwrap(), "old a\n");
    assert_eq!(
        fs::read_to_string(out.join("collection.toml")).unwrap(),
        "old\n"
    );
    assert_eq!(listing(&out.join("m")), Vec::<String>::new());
}

/// The seeds as the crate keeps them: documents by file, media types
/// explicit (see `rocrate::read_collection`); their people are already in
/// the order of the schema.org properties that link them.
fn in_crate_order(mut collection: Collection) -> Collection {
    collection.documents.sort_by(|a, b| a.file.cmp(&b.file));
    for document in &mut collection.documents {
        document.media_type = Some(document.media_type_or_guess());
    }
    collection
}

/// Packs the collection `collection` into a bundle, exports it as CSV and
/// imports that into a new collection: what the export said, the CSV's
/// text and the new collection's directory.
fn through_csv(dir: &Dir, collection: &Path) -> (String, String, PathBuf) {
    let bundle = dir.join("bundle.zip");
    corpack()
        .arg("pack")
        .arg(collection)
        .arg("-o")
        .arg(&bundle)
        .arg("-q")
        .assert()
        .success();
    let csv = dir.join("exported.csv");
    let exported = corpack()
        .args(["export", "csv"])
        .arg(&bundle)
        .arg("-o")
        .arg(&csv)
        .arg("-q")
        .assert()
        .success();
    let said = String::from_utf8(exported.get_output().stdout.clone()).unwrap();
    let out = dir.join("again");
    corpack()
        .args(["import", "csv"])
        .arg(&csv)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    (said, fs::read_to_string(&csv).unwrap(), out)
}

#[test]
fn a_bundle_exports_its_records() {
    let dir = Dir::new();
    let (said, _, out) = through_csv(&dir, &seeds_dir());
    assert!(said.contains("exported 6 documents of"), "{said}");
    assert_eq!(load(&out), in_crate_order(load(&seeds_dir())));
}

#[test]
fn a_document_that_disputes_another_goes_out_to_csv_and_back() {
    let dir = Dir::new();
    dir.create("c/speech.txt", "A speech.\n");
    dir.create("c/rebuttal.txt", "A rebuttal.\n");
    dir.create(
        "c/collection.toml",
        format!(
            "{COLLECTION_HEADER}
[[document]]
id = \"speech\"
title = \"A speech\"
file = \"speech.txt\"
[document.contested]
status = \"contested\"
disputed_by = [
  {{ document = \"rebuttal\" }},
  {{ document = \"letter\", citation = \"A letter | its answer, 1938\" }},
]

[[document]]
id = \"rebuttal\"
title = \"A rebuttal\"
file = \"rebuttal.txt\"

[[document]]
id = \"letter\"
title = \"A letter\"
file = \"letter.txt\"
sha256 = \"{}\"
",
            "ab".repeat(32)
        ),
    );
    let (_, text, out) = through_csv(&dir, &dir.join("c"));
    assert!(text.contains(",| document=rebuttal,"), "{text}");
    assert!(
        text.contains(r"A letter \| its answer, 1938 | document=letter"),
        "{text}"
    );
    // The crate states the SHA-256 of held bytes; the disputes are as
    // recorded.
    let disputes = |collection: Collection| -> Vec<_> {
        let documents = collection.documents.into_iter();
        documents.map(|d| (d.id, d.contested)).collect()
    };
    assert_eq!(
        disputes(load(&out)),
        disputes(in_crate_order(load(&dir.join("c"))))
    );
}

#[test]
fn a_doi_origin_goes_out_to_csv_and_back_as_written() {
    let dir = Dir::new();
    dir.create("c/letter.txt", "A letter.\n");
    dir.create(
        "c/collection.toml",
        format!(
            "{COLLECTION_HEADER}
[[document]]
id = \"letter\"
title = \"A letter\"
file = \"letter.txt\"
[document.provenance]
origin = \"doi:10.1000/182\"
"
        ),
    );
    let (_, _, out) = through_csv(&dir, &dir.join("c"));
    let origin = load(&out).documents[0].provenance.origin.clone().unwrap();
    assert_eq!(origin.name, "doi:10.1000/182");
}

#[test]
fn a_bundle_that_does_not_verify_is_refused() {
    let dir = Dir::new();
    let bundle = dir.join("seeds.zip");
    corpack()
        .arg("pack")
        .arg(seeds_dir())
        .arg("-o")
        .arg(&bundle)
        .arg("-q")
        .assert()
        .success();
    unzip(&bundle, &dir.join("unzipped"));
    let bag = dir.join("unzipped/soviet-historiography");
    fs::write(bag.join("data/documents/reading-list.csv"), "changed\n").unwrap();
    let csv = dir.join("out.csv");
    corpack()
        .args(["export", "csv", "-q"])
        .arg(&bag)
        .arg("-o")
        .arg(&csv)
        .assert()
        .code(1)
        .stdout(contains("payload-digest-mismatch").and(contains("refused: ")));
    assert!(!csv.exists());
}

/// A bag made by bagit-python from two files, with bag-info fields.
fn python_bag(dir: &Dir) -> PathBuf {
    dir.create("bag/report.txt", "A report.\n");
    dir.create("bag/scans/page 1.tif", "not really a TIFF\n");
    let status = Command::new(validators().bin("bagit.py"))
        .args([
            "--quiet",
            "--source-organization",
            "Example Archive",
            "--contact-name",
            "Ada Archivist",
            "--contact-phone",
            "+1 555 0100",
            "--external-description",
            "Two files from a donor",
            "--external-identifier",
            "donor-2026-7",
            "--sha256",
        ])
        .arg(dir.join("bag"))
        .status()
        .unwrap();
    assert!(status.success());
    dir.join("bag")
}

#[test]
fn a_bag_from_another_tool_becomes_records_to_complete() {
    let dir = Dir::new();
    let bag = python_bag(&dir);
    let out = dir.join("c");
    corpack()
        .args(["import", "bag"])
        .arg(&bag)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(
            contains("error[record-invalid]")
                .and(contains("collection: bag-info.txt does not give"))
                .and(contains(
                    "the collection's license (--license): pass it as a flag",
                )),
        );
    assert!(!out.join("collection.toml").exists());
    corpack()
        .args(["import", "bag"])
        .arg(&bag)
        .arg("-o")
        .arg(&out)
        .args(["--license", "CC0-1.0"])
        .assert()
        .success()
        .stdout(contains("imported 3 documents").and(contains("3 files copied")));
    let collection = load(&out);
    let info = &collection.info;
    assert_eq!(info.id.as_str(), "donor-2026-7");
    assert_eq!(info.title, "bag");
    assert_eq!(info.description, "Two files from a donor");
    assert_eq!(info.source_organization.as_deref(), Some("Example Archive"));
    assert_eq!(info.contact_name.as_deref(), Some("Ada Archivist"));
    let files: Vec<&str> = collection
        .documents
        .iter()
        .map(|d| d.file.as_str())
        .collect();
    assert_eq!(
        files,
        ["report.txt", "scans/page 1.tif", "source-bag/bag-info.txt"]
    );
    let manifest = fs::read_to_string(bag.join("manifest-sha256.txt")).unwrap();
    let report = &collection.documents[0];
    assert_eq!(report.id.as_str(), "report");
    assert!(manifest.contains(&format!(
        "{}  data/report.txt",
        report.sha256.as_ref().unwrap()
    )));
    assert_eq!(collection.documents[1].id.as_str(), "scans-page-1");
    let kept = &collection.documents[2];
    assert!(
        kept.provenance
            .context
            .as_ref()
            .unwrap()
            .contains("Contact-Phone"),
        "{kept:?}"
    );
    assert_eq!(
        fs::read(out.join("source-bag/bag-info.txt")).unwrap(),
        fs::read(bag.join("bag-info.txt")).unwrap()
    );
    // The records are there to complete: check warns, and packs.
    corpack()
        .arg("check")
        .arg(&out)
        .assert()
        .success()
        .stdout(contains("warning[provenance-no-date]"));
    corpack()
        .arg("pack")
        .arg(&out)
        .arg("-o")
        .arg(dir.join("new.zip"))
        .arg("-q")
        .assert()
        .success();
}

#[test]
fn a_bundle_imports_as_its_records_and_packs_again_the_same() {
    // Its records are in its RO-Crate: one record per payload file would
    // lose every one of them.
    let dir = Dir::new();
    let bundle = dir.join("seeds.zip");
    corpack()
        .arg("pack")
        .arg(seeds_dir())
        .arg("-o")
        .arg(&bundle)
        .arg("-q")
        .assert()
        .success();
    unzip(&bundle, &dir.join("unzipped"));
    let bag = dir.join("unzipped/soviet-historiography");
    for (from, name) in [(&bundle, "zipped"), (&bag, "unzipped")] {
        let out = dir.join(name);
        corpack()
            .args(["import", "bag"])
            .arg(from)
            .arg("-o")
            .arg(&out)
            .assert()
            .success()
            .stdout(contains("imported 6 documents into "))
            .stdout(contains(
                "5 files copied, 0 checksums recorded, 1 catalogued without",
            ));
        assert_eq!(load(&out), in_crate_order(load(&seeds_dir())), "{name}");
        let again = dir.join(&format!("{name}.zip"));
        corpack()
            .arg("pack")
            .arg(&out)
            .arg("-o")
            .arg(&again)
            .arg("-q")
            .assert()
            .success();
        assert!(
            fs::read(&again).unwrap() == fs::read(&bundle).unwrap(),
            "{name}: packed again, not the same bundle"
        );
    }
    // The flags win over the bundle's fields, held to the records' rules.
    let retitle = |title: &str| {
        let out = dir.join("retitled");
        let _ = fs::remove_dir_all(&out);
        let mut command = corpack();
        command
            .args(["import", "bag"])
            .arg(&bundle)
            .arg("-o")
            .arg(&out);
        command.args(["--title", title]).assert()
    };
    retitle("Another title").success();
    assert_eq!(load(&dir.join("retitled")).info.title, "Another title");
    retitle(" x")
        .code(2)
        .stderr(contains("title: \" x\" starts or ends with white space"));
    assert!(!dir.join("retitled").exists());

    fs::write(bag.join("data/documents/reading-list.csv"), "changed\n").unwrap();
    corpack()
        .args(["import", "bag"])
        .arg(&bag)
        .arg("-o")
        .arg(dir.join("d"))
        .assert()
        .code(2)
        .stderr(contains("error[collection-refused]").and(contains(
            "data/documents/reading-list.csv: error[payload-digest-mismatch]: \
                 manifest-sha256.txt says sha256",
        )));
    assert!(!dir.join("d").exists());
}

/// `import bag` of `bag` into `out`, with every collection field given.
fn import_bag(bag: &Path, out: &Path) -> assert_cmd::assert::Assert {
    let mut command = corpack();
    command
        .args(["import", "bag"])
        .arg(bag)
        .args(COLLECTION_FLAGS);
    command.arg("-o").arg(out).assert()
}

/// A BagIt 1.0 bag `bag` in `dir`, of one file, `data/a.txt`.
fn one_file_bag(dir: &Dir) -> PathBuf {
    let bag = dir.join("bag");
    write_bag(
        &bag,
        "1.0",
        &[("data/a.txt", b"alpha\n")],
        &[Algorithm::Sha256],
    );
    bag
}

/// The seeds packed into a bundle in `dir` and unzipped there: the bag.
fn unzipped_seeds_bundle(dir: &Dir) -> PathBuf {
    let bundle = dir.join("seeds.zip");
    crate::util::pack(&seeds_dir(), &bundle, &[]);
    unzip(&bundle, &dir.join("unzipped"));
    dir.join("unzipped/soviet-historiography")
}

/// Has bagit-python write the manifests and tag manifests of `bag` again,
/// as a curator who changed its payload would.
fn remanifest(bag: &Path) {
    let status = Command::new(validators().bin("python"))
        .arg("-c")
        .arg("import bagit, sys; bagit.Bag(sys.argv[1]).save(manifests=True)")
        .arg(bag)
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn a_file_added_to_a_bundle_s_payload_is_imported_as_a_record_to_complete() {
    // A curator adds two files to an unzipped bundle and has bagit-python
    // write the manifests again: the crate does not describe them, and
    // left out of the import they would be lost.
    let dir = Dir::new();
    let bag = unzipped_seeds_bundle(&dir);
    fs::write(bag.join("data/extra.txt"), "added later\n").unwrap();
    fs::create_dir(bag.join("data/documents/more")).unwrap();
    fs::write(bag.join("data/documents/more/y.txt"), "y\n").unwrap();
    remanifest(&bag);
    let out = dir.join("c");
    corpack()
        .args(["import", "bag"])
        .arg(&bag)
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stdout(contains("imported 8 documents into "))
        .stderr(contains(
            "data/extra.txt: warning[rocrate-file-undescribed]: payload file described by no \
             record of the RO-Crate: imported as a record to complete",
        ));
    let collection = load(&out);
    let added: Vec<(&str, &str)> = (collection.documents.iter())
        .filter(|d| d.provenance.origin.is_none() && d.title.ends_with(".txt"))
        .filter(|d| ["extra", "more-y"].contains(&d.id.as_str()))
        .map(|d| (d.id.as_str(), d.file.as_str()))
        .collect();
    assert_eq!(added, [("more-y", "more/y.txt"), ("extra", "extra.txt")]);
    assert_eq!(fs::read(out.join("extra.txt")).unwrap(), b"added later\n");
    assert_eq!(fs::read(out.join("more/y.txt")).unwrap(), b"y\n");
    corpack().arg("check").arg(&out).assert().success();

    // One whose file would be that of a record is refused, named.
    fs::write(bag.join("data/reading-list.csv"), "another\n").unwrap();
    remanifest(&bag);
    corpack()
        .args(["import", "bag"])
        .arg(&bag)
        .arg("-o")
        .arg(dir.join("c2"))
        .assert()
        .code(2)
        .stderr(contains(
            "data/reading-list.csv: error[rocrate-file-undescribed]: payload file described by \
             no record of the RO-Crate, which would be imported as \"reading-list.csv\", the \
             file of document `reading-list`",
        ));
    assert!(!dir.join("c2").exists());
}

#[test]
fn more_files_added_to_a_bundle_than_verify_lists_are_each_said_once() {
    // Past verify's thousand findings of a code, which it counts in one
    // more: each file is imported, and said once.
    let dir = Dir::new();
    let bag = unzipped_seeds_bundle(&dir);
    let added = corpack::verify::MAX_PER_CODE + 5;
    for i in 0..added {
        fs::write(bag.join(format!("data/f{i:04}.txt")), format!("{i}\n")).unwrap();
    }
    remanifest(&bag);
    let output = corpack()
        .args(["import", "bag", "--json"])
        .arg(&bag)
        .arg("-o")
        .arg(dir.join("c"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let warnings = report["warnings"].as_array().unwrap();
    let undescribed: Vec<&serde_json::Value> = (warnings.iter())
        .filter(|w| w["code"] == "rocrate-file-undescribed")
        .collect();
    assert_eq!(undescribed.len(), corpack::verify::MAX_PER_CODE + 1);
    let last = undescribed.last().unwrap()["message"].as_str().unwrap();
    assert!(last.starts_with("5 more findings"), "{last}");
    assert!(
        undescribed[..corpack::verify::MAX_PER_CODE]
            .iter()
            .all(|w| {
                w["message"]
                    == "payload file described by no record of the RO-Crate: imported as a \
                         record to complete"
            })
    );
    assert_eq!(load(&dir.join("c")).documents.len(), 6 + added);
}

#[test]
fn a_file_the_crate_describes_as_no_record_is_imported_as_one_to_complete() {
    // A File entity added to the crate by hand: verify has nothing to say
    // of it, and the import says it made a record of it.
    let dir = Dir::new();
    let bag = unzipped_seeds_bundle(&dir);
    fs::write(bag.join("data/extra.txt"), "hand\n").unwrap();
    let crate_path = bag.join("data/ro-crate-metadata.json");
    let mut crate_json: serde_json::Value =
        serde_json::from_slice(&fs::read(&crate_path).unwrap()).unwrap();
    let graph = crate_json["@graph"].as_array_mut().unwrap();
    let root = (graph.iter_mut()).find(|e| e["@id"] == "./").unwrap();
    let parts = root["hasPart"].as_array_mut().unwrap();
    parts.push(serde_json::json!({"@id": "extra.txt"}));
    graph.push(serde_json::json!({"@id": "extra.txt", "@type": "File", "name": "extra"}));
    fs::write(&crate_path, serde_json::to_vec(&crate_json).unwrap()).unwrap();
    remanifest(&bag);
    corpack().arg("verify").arg(&bag).assert().success();
    let out = dir.join("c");
    corpack()
        .args(["import", "bag"])
        .arg(&bag)
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stderr(contains(
            "data/extra.txt: warning[rocrate-file-undescribed]: payload file described by no \
             record of the RO-Crate: imported as a record to complete",
        ));
    assert_eq!(fs::read(out.join("extra.txt")).unwrap(), b"hand\n");
}

#[test]
fn a_refusal_counts_the_errors_verify_leaves_out_of_its_list() {
    // More unlisted files than verify lists of one code: the count says
    // how many there are, not how many are listed.
    let dir = Dir::new();
    let bag = one_file_bag(&dir);
    let unlisted = corpack::verify::MAX_PER_CODE + 5;
    for i in 0..unlisted {
        fs::write(bag.join(format!("data/u{i:04}.txt")), "u\n").unwrap();
    }
    // And Payload-Oxum, which no longer counts the payload.
    let errors = format!("{} errors", unlisted + 1);
    corpack()
        .arg("verify")
        .arg(&bag)
        .assert()
        .code(1)
        .stdout(contains(format!("{errors}, 0 warnings")));
    corpack()
        .args(["import", "bag"])
        .arg(&bag)
        .args(COLLECTION_FLAGS)
        .arg("-o")
        .arg(dir.join("c"))
        .assert()
        .code(2)
        .stderr(contains(format!("{errors} stop the import")));
    let output = corpack()
        .args(["import", "bag", "--json"])
        .arg(&bag)
        .args(COLLECTION_FLAGS)
        .arg("-o")
        .arg(dir.join("c"))
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["errors"], unlisted as u64 + 1);
    for format in ["csv", "datacite", "ocfl"] {
        corpack()
            .args(["export", format])
            .arg(&bag)
            .arg("-o")
            .arg(dir.join(&format!("out-{format}")))
            .assert()
            .code(1)
            .stdout(contains(format!("has {errors} (above)")));
    }
}

#[test]
fn a_bag_is_never_imported_into_itself() {
    let dir = Dir::new();
    let bag = one_file_bag(&dir);
    let before = crate::util::listing(&bag);
    for out in [bag.clone(), bag.join("data"), bag.join("data/new")] {
        refused_over_input(&bag, &out);
        assert_eq!(crate::util::listing(&bag), before, "{}", out.display());
    }
}

/// `import bag BAG -o OUT --force`, which must be refused for writing over
/// or into what it reads.
fn refused_over_input(bag: &Path, out: &Path) -> assert_cmd::assert::Assert {
    let mut command = corpack();
    command
        .args(["import", "bag"])
        .arg(bag)
        .args(COLLECTION_FLAGS);
    command.arg("-o").arg(out).arg("--force");
    command
        .assert()
        .code(2)
        .stderr(contains("error[output-over-input]"))
}

#[test]
fn a_bag_is_never_overwritten_by_its_documents_imported_around_it() {
    let dir = Dir::new();
    let bag = dir.join("p/x");
    write_bag(
        &bag,
        "1.0",
        &[("data/x/data/a.txt", b"alpha\n")],
        &[Algorithm::Sha256],
    );
    let before = crate::util::listing(&bag);
    refused_over_input(&bag, &dir.join("p")).stderr(contains("would be written inside"));
    assert_eq!(crate::util::listing(&bag), before);
    corpack().arg("verify").arg(&bag).assert().success();

    // Through a link in the collection directory that leads into the bag.
    let elsewhere = dir.join("real/x");
    write_bag(
        &elsewhere,
        "1.0",
        &[
            ("data/y/data/b.txt", b"beta\n"),
            ("data/b.txt", b"bag's own\n"),
        ],
        &[Algorithm::Sha256],
    );
    fs::create_dir_all(dir.join("out")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, dir.join("out/y")).unwrap();
    refused_over_input(&elsewhere, &dir.join("out")).stderr(contains("would be written inside"));
    corpack().arg("verify").arg(&elsewhere).assert().success();

    // A bundle whose document has the bundle's own name, beside it.
    dir.create(
        "c/collection.toml",
        format!("{COLLECTION_HEADER}\n[[document]]\nid = \"b\"\ntitle = \"B\"\nfile = \"b.zip\"\n"),
    );
    dir.create("c/b.zip", "inner\n");
    let bundle = dir.join("q/b.zip");
    fs::create_dir_all(dir.join("q")).unwrap();
    crate::util::pack(&dir.join("c"), &bundle, &[]);
    let packed = fs::read(&bundle).unwrap();
    corpack()
        .args(["import", "bag"])
        .arg(&bundle)
        .arg("-o")
        .arg(dir.join("q"))
        .arg("--force")
        .assert()
        .code(2)
        .stderr(contains("error[output-over-input]"))
        .stderr(contains("would replace"));
    assert_eq!(fs::read(&bundle).unwrap(), packed);
}

#[test]
fn a_byte_order_mark_in_a_bag_s_tag_files_is_reported_not_refused() {
    // RFC 8493 forbids the mark (§2.1.1, §2.3) and verify reports it, but
    // it changes nothing of the text: the import goes on, and says so.
    let dir = Dir::new();
    let bag = one_file_bag(&dir);
    fs::write(
        bag.join("bag-info.txt"),
        "\u{feff}External-Identifier: donor-7\nExternal-Description: D\nBagging-Date: 2026-11-25\n",
    )
    .unwrap();
    let manifest = fs::read_to_string(bag.join("manifest-sha256.txt")).unwrap();
    fs::write(
        bag.join("manifest-sha256.txt"),
        format!("\u{feff}{manifest}"),
    )
    .unwrap();
    // Tag manifests are optional: without one the edits above break none.
    fs::remove_file(bag.join("tagmanifest-sha256.txt")).unwrap();
    let import = |out: &str, json: bool| {
        let mut command = corpack();
        command.args(["import", "bag"]).arg(&bag).arg("-o");
        command.arg(dir.join(out)).args(["--license", "CC0-1.0"]);
        if json {
            command.arg("--json");
        }
        command.assert().success()
    };
    let output = import("json", true).get_output().stdout.clone();
    let report: serde_json::Value = serde_json::from_slice(&output).unwrap();
    let warnings: Vec<(&str, &str, &str)> = (report["warnings"].as_array().unwrap().iter())
        .map(|w| {
            let text = |key: &str| w[key].as_str().unwrap();
            (text("severity"), text("code"), text("path"))
        })
        .collect();
    assert_eq!(
        warnings,
        [
            ("warning", "byte-order-mark", "bag-info.txt"),
            ("warning", "byte-order-mark", "manifest-sha256.txt"),
        ]
    );
    // Read without the mark: the first label of bag-info.txt and the first
    // checksum of the manifest (only bag-info.txt's is computed).
    assert_eq!(load(&dir.join("json")).info.id.as_str(), "donor-7");
    assert_eq!(report["checksums_recorded"], 1);
    import("text", false).stderr(contains(
        "bag-info.txt: warning[byte-order-mark]: begins with a byte-order mark",
    ));
}

#[test]
fn a_byte_order_mark_is_not_counted_among_the_errors_that_stop_an_import() {
    let dir = Dir::new();
    let bag = one_file_bag(&dir);
    let info = fs::read_to_string(bag.join("bag-info.txt")).unwrap();
    fs::write(bag.join("bag-info.txt"), format!("\u{feff}{info}")).unwrap();
    fs::remove_file(bag.join("tagmanifest-sha256.txt")).unwrap();
    fs::write(bag.join("data/unlisted.txt"), "u\n").unwrap();
    let mut command = corpack();
    command
        .args(["import", "bag"])
        .arg(&bag)
        .args(COLLECTION_FLAGS);
    command
        .arg("-o")
        .arg(dir.join("c"))
        .assert()
        .code(2)
        // The unlisted file and Payload-Oxum; not the mark.
        .stderr(contains("2 errors stop the import"))
        .stderr(contains("error[byte-order-mark]"));
}

#[test]
fn a_bag_declaration_verify_cannot_read_stops_the_import() {
    // bagit.txt is read as verify reads it, a byte-order mark aside: a
    // version corpack does not know leaves the manifest's paths in doubt
    // (1.0 percent-encodes them, the drafts did not), and a declaration
    // without its encoding leaves the text of the other tag files in doubt.
    let dir = Dir::new();
    let bag = one_file_bag(&dir);
    let out = dir.join("c");
    for (declaration, why) in [
        (
            "BagIt-Version: 2.0\nTag-File-Character-Encoding: UTF-8\n",
            "bagit.txt: error[bagit-version-unsupported]: BagIt-Version 2.0 is not a version \
             corpack reads",
        ),
        (
            "BagIt-Version: 1.0\n",
            "bagit.txt: error[bagit-txt-invalid]: must be exactly two lines",
        ),
        (
            "\u{feff}BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
            "bagit.txt: error[bagit-txt-invalid]: starts with a byte-order mark",
        ),
    ] {
        fs::write(bag.join("bagit.txt"), declaration).unwrap();
        import_bag(&bag, &out).code(2).stderr(contains(why));
        assert!(!out.exists(), "{declaration:?}");
    }
}

#[test]
fn a_payload_file_named_with_white_space_at_its_ends_imports() {
    // A valid bag may hold such names (macOS and Linux make them); the
    // title, the file's name, may not start or end with white space, so
    // it is the name without it, and a name of white space only gives the
    // document's id. A name ending in a space is one the names policy
    // refuses, as pack does, unless allowed.
    let dir = Dir::new();
    let bag = dir.join("bag");
    write_bag(
        &bag,
        "1.0",
        &[
            ("data/notes. ", b"trailing\n"),
            ("data/ lead/ draft .txt", b"both\n"),
            ("data/ ", b"blank\n"),
        ],
        &[Algorithm::Sha256],
    );
    let out = dir.join("c");
    corpack()
        .args(["import", "bag"])
        .arg(&bag)
        .args(COLLECTION_FLAGS)
        .args(["--allow", "trailing-dot-space"])
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let collection = load(&out);
    let records: Vec<(&str, &str, &str)> = (collection.documents.iter())
        .filter(|d| d.id.as_str() != "source-bag-info")
        .map(|d| (d.file.as_str(), d.id.as_str(), d.title.as_str()))
        .collect();
    assert_eq!(
        records,
        [
            (" ", "document", "document"),
            (" lead/ draft .txt", "lead-draft", "draft .txt"),
            ("notes. ", "notes", "notes."),
        ]
    );
}

#[test]
fn the_record_keeping_bag_info_has_its_documented_id_whatever_the_payload_s_names() {
    // The payload file's name slugs to the same id; it is the one to give
    // way.
    let dir = Dir::new();
    let bag = dir.join("bag");
    write_bag(
        &bag,
        "1.0",
        &[("data/source bag info.txt", b"notes\n")],
        &[Algorithm::Sha256],
    );
    let out = dir.join("c");
    corpack()
        .args(["import", "bag"])
        .arg(&bag)
        .args(COLLECTION_FLAGS)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let collection = load(&out);
    let mut records: Vec<(&str, &str)> = (collection.documents.iter())
        .map(|d| (d.file.as_str(), d.id.as_str()))
        .collect();
    records.sort();
    assert_eq!(
        records,
        [
            ("source bag info.txt", "source-bag-info-2"),
            ("source-bag/bag-info.txt", "source-bag-info"),
        ]
    );
}

#[test]
fn a_payload_name_the_names_policy_refuses_stops_the_import_unless_allowed() {
    // Renaming a file would lose which file of the bag it is: the import
    // refuses it as pack would, before writing anything, naming each file
    // and its check; allowed, it imports, and check and pack need the
    // same --allow.
    let dir = Dir::new();
    let bag = dir.join("bag");
    write_bag(
        &bag,
        "1.0",
        &[
            ("data/q?.txt", b"question\n"),
            ("data/CON.txt", b"device\n"),
            ("data/trail dot.", b"dot\n"),
            ("data/nbsp\u{a0}", b"no-break space\n"),
            ("data/plain.txt", b"plain\n"),
        ],
        &[Algorithm::Sha256],
    );
    let out = dir.join("c");
    let import = |allow: &[&str]| {
        let mut command = corpack();
        command
            .args(["import", "bag"])
            .arg(&bag)
            .args(COLLECTION_FLAGS);
        for check in allow {
            command.args(["--allow", check]);
        }
        command.arg("-o").arg(&out).assert()
    };
    let refused = import(&[]).code(2).get_output().stderr.clone();
    let refused = String::from_utf8(refused).unwrap();
    assert!(refused.contains("4 errors stop the import"), "{refused}");
    for (file, check) in [
        ("data/q?.txt", "windows-chars"),
        ("data/CON.txt", "windows-reserved"),
        ("data/trail dot.", "trailing-dot-space"),
        ("data/nbsp\u{a0}", "unicode-white-space"),
    ] {
        assert!(
            refused.contains(&format!("{file}: error[{check}]")),
            "{file}: {refused}"
        );
    }
    assert!(refused.contains("--allow windows-chars would import it anyway"));
    assert!(!out.exists());

    let allow = [
        "windows-chars",
        "windows-reserved",
        "trailing-dot-space",
        "unicode-white-space",
    ];
    import(&allow).success().stderr(
        contains("data/q?.txt: warning[windows-chars]")
            .and(contains("check and pack need --allow windows-chars too")),
    );
    corpack()
        .arg("check")
        .arg(&out)
        .assert()
        .code(1)
        .stdout(contains("error[windows-reserved]"));
    let mut check = corpack();
    check.arg("check").arg(&out);
    for name in allow {
        check.args(["--allow", name]);
    }
    check.assert().success();
}

#[test]
fn a_bag_that_does_not_verify_is_not_imported() {
    // Its damage would become the recorded checksum, and a file it lacks
    // or does not list would go unsaid: verify's findings stop it.
    let dir = Dir::new();
    let bag = dir.join("bag");
    let out = dir.join("c");
    let import = || import_bag(&bag, &out);
    let files: &[(&str, &[u8])] = &[("data/a.txt", b"alpha\n"), ("data/b.txt", b"beta\n")];
    type Damage = fn(&Path);
    let cases: [(&str, Damage, &str); 3] = [
        (
            "a file changed, listed in a SHA-512 manifest only",
            |bag| fs::write(bag.join("data/a.txt"), "alpha!\n").unwrap(),
            "data/a.txt: error[payload-digest-mismatch]: manifest-sha512.txt says sha512",
        ),
        (
            "a file gone",
            |bag| fs::remove_file(bag.join("data/b.txt")).unwrap(),
            "data/b.txt: error[payload-file-missing]",
        ),
        (
            "a file no manifest lists",
            |bag| fs::write(bag.join("data/c.txt"), "gamma\n").unwrap(),
            "data/c.txt: error[payload-file-unlisted]",
        ),
    ];
    for (case, damage, finding) in cases {
        let _ = fs::remove_dir_all(&bag);
        write_bag(&bag, "1.0", files, &[Algorithm::Sha512]);
        import().success();
        fs::remove_dir_all(&out).unwrap();
        damage(&bag);
        import()
            .code(2)
            .stderr(contains("error[collection-refused]").and(contains(finding)));
        assert!(!out.exists(), "{case}: something was written");
    }
}

#[test]
fn a_bag_that_says_corpack_made_it_with_another_tool_s_crate_is_any_bag() {
    // Only a crate corpack wrote (its @context defines corpack's terms)
    // holds records to import; the payload files of this one are records
    // to complete, the crate among them.
    let dir = Dir::new();
    let bag = dir.join("bag");
    let crate_json = r#"{"@context": "https://w3id.org/ro/crate/1.1/context", "@graph": [
        {"@id": "ro-crate-metadata.json", "@type": "CreativeWork", "about": {"@id": "./"},
         "conformsTo": {"@id": "https://w3id.org/ro/crate/1.1"}},
        {"@id": "./", "@type": "Dataset", "name": "x", "description": "y",
         "datePublished": "2020-01-01", "license": "CC-BY-4.0", "hasPart": [{"@id": "a.txt"}]},
        {"@id": "a.txt", "@type": "File", "name": "A"}]}"#;
    let files: &[(&str, &[u8])] = &[
        ("data/a.txt", b"alpha\n"),
        ("data/ro-crate-metadata.json", crate_json.as_bytes()),
    ];
    write_bag(&bag, "1.0", files, &[Algorithm::Sha256]);
    let info = fs::read_to_string(bag.join("bag-info.txt")).unwrap();
    let agent = "Bag-Software-Agent: corpack 0.1.0 <https://example.org>";
    fs::write(bag.join("bag-info.txt"), format!("{agent}\n{info}")).unwrap();
    retag(&bag);
    let out = dir.join("c");
    import_bag(&bag, &out)
        .success()
        .stdout(contains("imported 3 documents"));
    let files: Vec<String> = (load(&out).documents.iter())
        .map(|d| d.file.to_string())
        .collect();
    assert_eq!(
        files,
        ["a.txt", "ro-crate-metadata.json", "source-bag/bag-info.txt"]
    );
}

#[test]
fn a_bagging_date_not_written_yyyy_mm_dd_is_said_to_be_why_the_date_is_missing() {
    let dir = Dir::new();
    let bag = one_file_bag(&dir);
    let info = fs::read_to_string(bag.join("bag-info.txt")).unwrap();
    fs::write(
        bag.join("bag-info.txt"),
        format!("{info}Bagging-Date: 2020-1-5\n"),
    )
    .unwrap();
    retag(&bag);
    corpack()
        .args(["import", "bag"])
        .arg(&bag)
        .args(["--license", "CC0-1.0", "--description", "D"])
        .arg("-o")
        .arg(dir.join("c"))
        .assert()
        .code(2)
        .stderr(contains(
            "does not give the collection's date (--date): pass it as a flag (its Bagging-Date \
             \"2020-1-5\" is not a date written YYYY-MM-DD)",
        ));
}

#[test]
fn a_payload_file_named_collection_toml_is_not_imported_over_the_records() {
    let dir = Dir::new();
    let bag = dir.join("bag");
    let files: &[(&str, &[u8])] = &[("data/collection.toml", b"# a payload file\n")];
    write_bag(&bag, "1.0", files, &[Algorithm::Sha256]);
    let out = dir.join("c");
    import_bag(&bag, &out)
        .code(2)
        .stderr(contains("error[output-conflict]").and(contains(
            "has the file collection.toml, where the import writes the collection's records",
        )));
    assert!(!out.exists());
}

/// A crate past the 256 MiB an export reads whole is exported all the
/// same, from the records verify kept as it judged them: here the crate
/// of a small collection, padded with white space after its JSON.
#[test]
fn a_crate_past_what_is_read_whole_exports_its_records() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let bundle = dir.join("c.zip");
    pack(&collection, &bundle, &[]);
    let small = dir.join("small.csv");
    let small_report = crate::datacite::export("csv", &bundle, &small);
    crate::util::unzip(&bundle, &dir.join("bag"));
    let bag = (fs::read_dir(dir.join("bag")).unwrap().next().unwrap())
        .unwrap()
        .path();
    let metadata = bag.join("data/ro-crate-metadata.json");
    let mut text = fs::read(&metadata).unwrap();
    text.resize(text.len() + (257 << 20), b' ');
    fs::write(&metadata, text).unwrap();
    crate::verify::rehash_manifests(&bag);
    let padded = dir.join("padded.csv");
    let report = crate::datacite::export("csv", &bag, &padded);
    assert_eq!(report["documents"], small_report["documents"]);
    assert_eq!(fs::read(&padded).unwrap(), fs::read(&small).unwrap());
}

#[test]
fn a_checksum_listed_under_another_spelling_of_its_path_is_recorded() {
    // `./data/a.txt` and `data/./a.txt` name data/a.txt, as verify reads
    // them: its record takes the manifest's checksum.
    for spelling in ["./data/a.txt", "data/./a.txt"] {
        let dir = Dir::new();
        let bag = one_file_bag(&dir);
        let manifest = bag.join("manifest-sha256.txt");
        let text = fs::read_to_string(&manifest).unwrap();
        fs::write(
            &manifest,
            text.replace("  data/a.txt", &format!("  {spelling}")),
        )
        .unwrap();
        retag(&bag);
        let out = dir.join("c");
        // Only bag-info.txt's is computed: data/a.txt's is the manifest's,
        // which the copy is checked against.
        import_bag(&bag, &out)
            .success()
            .stdout(contains("2 files copied, 1 checksum recorded"));
        let record = &load(&out).documents[0];
        assert_eq!(
            record.sha256.as_ref().map(|digest| digest.as_str()),
            Some("b6a98d9ce9a2d9149288fa3df42d377c3e42737afdcdaf714e33c0a100b51060"),
            "{spelling}"
        );
    }
}
