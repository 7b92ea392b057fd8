//! `corpack check`: records and files judged without packing.

use std::path::Path;

use predicates::prelude::*;
use predicates::str::contains;

use crate::util::{COLLECTION_HEADER, Dir, corpack, sample_collection};

/// Where each error of a `check --json` report is, as the text places
/// it: `file:line:column: field`, the file's path under `dir`.
fn error_places(report: &serde_json::Value, dir: &Dir) -> Vec<String> {
    let errors = report["errors"].as_array().expect("a list of errors");
    errors
        .iter()
        .map(|error| {
            let file = Path::new(error["file"].as_str().expect("a file"));
            let file = file.strip_prefix(dir.path()).unwrap_or(file);
            let mut place = file.display().to_string();
            for number in [&error["line"], &error["column"]] {
                if let Some(number) = number.as_u64() {
                    place.push_str(&format!(":{number}"));
                }
            }
            format!("{place}: {}", error["field"].as_str().expect("a field"))
        })
        .collect()
}

/// The `--json` report of `check` on `dir/c`, which must find it invalid
/// (exit 1).
pub(crate) fn invalid_check_report(dir: &Dir) -> serde_json::Value {
    let output = corpack()
        .args(["check", "--json"])
        .arg(dir.join("c"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn a_good_collection_checks_with_warnings() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    corpack()
        .arg("check")
        .arg(&collection)
        .assert()
        .success()
        .stdout(contains("valid: ").and(contains("4 documents: 3 held, 1 catalogued but not held")))
        .stdout(contains(
            "absent.txt: warning[document-not-held]: document `absent` (",
        ))
        // Its record's place, as every warning about a document has it.
        .stdout(contains("collection.toml:"));
    assert!(!dir.join("c").join("out.zip").exists());
}

#[test]
fn strict_counts_a_document_not_held_as_it_is_without_strict() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    // An error now, but still a document catalogued without its file.
    corpack()
        .args(["check", "--strict"])
        .arg(&collection)
        .assert()
        .code(1)
        .stdout(
            contains("\"absent.txt\" not found")
                .and(contains("--strict requires every file"))
                .and(contains("4 documents: 3 held, 1 catalogued but not held")),
        );
}

#[test]
fn a_document_whose_file_cannot_be_packed_is_counted_as_such() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    // Found but a directory, and not found with no sha256 declared: a
    // pack would stop at either.
    dir.create("c/a directory/inside.txt", "text\n");
    let records = dir.join("c/collection.toml");
    let mut text = std::fs::read_to_string(&records).unwrap();
    text.push_str(
        "\n[[document]]\nid = \"folder\"\ntitle = \"Folder\"\nfile = \"a directory\"\n\
         \n[[document]]\nid = \"lost\"\ntitle = \"Lost\"\nfile = \"lost.txt\"\n",
    );
    std::fs::write(&records, text).unwrap();
    for strict in [false, true] {
        let mut command = corpack();
        command.args(["check", "--json"]);
        if strict {
            command.arg("--strict");
        }
        let output = command.arg(&collection).output().unwrap();
        assert_eq!(output.status.code(), Some(1));
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let counts: Vec<u64> = ["documents", "held", "not_held", "not_packable"]
            .iter()
            .map(|count| report[count].as_u64().unwrap())
            .collect();
        assert_eq!(counts, [6, 3, 1, 2], "strict: {strict}");
        let mut command = corpack();
        command.arg("check");
        if strict {
            command.arg("--strict");
        }
        command.arg(&collection).assert().code(1).stdout(contains(
            "6 documents: 3 held, 1 catalogued but not held, 2 whose file cannot be packed;",
        ));
    }
}

#[test]
fn bad_records_make_check_invalid() {
    let dir = Dir::new();
    dir.create(
        "c/collection.toml",
        format!(
            "{COLLECTION_HEADER}\n[[document]]\nid = \"Bad Id\"\ntitle = \"X\"\nfile = \"x.txt\"\n"
        ),
    );
    corpack()
        .arg("check")
        .arg(dir.join("c"))
        .assert()
        .code(1)
        .stdout(
            contains("collection.toml:9:")
                .and(contains("document[1].id"))
                .and(contains("invalid slug")),
        );
    let output = corpack()
        .args(["check", "--json"])
        .arg(dir.join("c"))
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["valid"], false);
    assert_eq!(report["errors"][0]["line"], 9);
    assert_eq!(report["errors"][0]["field"], "document[1].id");
}

#[test]
fn a_name_the_policy_refuses_is_a_finding_of_severity_error() {
    let dir = Dir::new();
    dir.create(
        "c/collection.toml",
        format!(
            "{COLLECTION_HEADER}\n[[document]]\nid = \"con\"\ntitle = \"C\"\nfile = \"CON.txt\"\n"
        ),
    );
    dir.create("c/CON.txt", "device name\n");
    corpack()
        .arg("check")
        .arg(dir.join("c"))
        .assert()
        .code(1)
        .stdout(contains("error[windows-reserved]").and(contains("1 error, 3 warnings")));
    let report = invalid_check_report(&dir);
    assert_eq!(report["errors"], serde_json::json!([]));
    let errors: Vec<&serde_json::Value> = (report["findings"].as_array().unwrap().iter())
        .filter(|finding| finding["severity"] == "error")
        .collect();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["code"], "windows-reserved");
    assert_eq!(errors[0]["path"], "CON.txt");
}

#[test]
fn a_file_given_to_two_records_is_one_error_not_also_a_name_collision() {
    let dir = Dir::new();
    let record =
        |id: &str| format!("[[document]]\nid = \"{id}\"\ntitle = \"T\"\nfile = \"a.txt\"\n");
    dir.create(
        "c/collection.toml",
        format!("{COLLECTION_HEADER}\n{}\n{}", record("a"), record("b")),
    );
    dir.create("c/a.txt", "text\n");
    let report = invalid_check_report(&dir);
    assert_eq!(
        error_places(&report, &dir),
        ["c/collection.toml:16:8: document[2].file"]
    );
    let codes: Vec<&str> = (report["findings"].as_array().unwrap().iter())
        .filter(|finding| finding["severity"] == "error")
        .map(|finding| finding["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, Vec::<&str>::new());
}

#[test]
fn the_records_are_checked_though_the_collection_table_does_not_read() {
    let dir = Dir::new();
    let header = COLLECTION_HEADER.replace("2026-11-25", "2026-13-25");
    dir.create(
        "c/collection.toml",
        format!("{header}\n[[document]]\nid = \"a\"\ntitle = \"A\"\nfile = \"absent.txt\"\n"),
    );
    let report = invalid_check_report(&dir);
    assert_eq!(report["documents"], 1);
    assert_eq!(
        error_places(&report, &dir),
        [
            "c/collection.toml:6:8: collection.date",
            "c/collection.toml:11:8: document[1].file"
        ]
    );
}

#[test]
fn a_missing_collection_file_is_an_error() {
    let dir = Dir::new();
    corpack()
        .arg("check")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(contains("collection.toml"));
}

/// One document with gaps in its record: no licence, date or origin, and a
/// contested status with nothing to say what is disputed.
fn collection_with_gaps(dir: &Dir) -> std::path::PathBuf {
    dir.create("c/a.txt", "A\n");
    dir.create(
        "c/collection.toml",
        format!(
            "{COLLECTION_HEADER}\n[[document]]\nid = \"a\"\ntitle = \"A\"\nfile = \"a.txt\"\n\
             [document.contested]\nstatus = \"contested\"\n"
        ),
    );
    dir.join("c")
}

#[test]
fn gaps_in_provenance_are_warnings() {
    let dir = Dir::new();
    let collection = collection_with_gaps(&dir);
    corpack()
        .arg("check")
        .arg(&collection)
        .assert()
        .success()
        .stdout(
            contains("a.txt: warning[provenance-no-origin]: document `a` (")
                .and(contains("collection.toml:8): no provenance.origin"))
                .and(contains("warning[provenance-no-date]"))
                .and(contains("warning[document-no-license]"))
                .and(contains("warning[contested-no-summary]"))
                .and(contains("warning[contested-no-citations]"))
                .and(contains("warning[contested-no-aspects]"))
                .and(contains("warning[assessment-incomplete]"))
                .and(contains("valid: ").and(contains("0 errors, 7 warnings"))),
        );
}

#[test]
fn strict_turns_warnings_into_errors() {
    let dir = Dir::new();
    let collection = collection_with_gaps(&dir);
    corpack()
        .args(["check", "--strict"])
        .arg(&collection)
        .assert()
        .code(1)
        .stdout(contains("a.txt: error[provenance-no-origin]").and(contains("invalid: ")));
    let output = corpack()
        .args(["check", "--strict", "--json"])
        .arg(&collection)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["valid"], false);
    let warnings = report["findings"].as_array().unwrap();
    assert_eq!(warnings.len(), 7);
    assert!(warnings.iter().all(|w| w["severity"] == "error"));
    assert!(
        warnings
            .iter()
            .any(|w| w["code"] == "contested-no-citations")
    );
}

#[test]
fn the_seeds_have_no_gaps() {
    let output = corpack()
        .args(["check", "--json"])
        .arg(crate::util::repo_root().join("seeds"))
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let codes: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["document-not-held"]);
}

#[test]
fn check_reports_every_record_error_at_once() {
    let dir = Dir::new();
    for file in ["a.txt", "b.txt", "c.txt", "stray.txt"] {
        dir.create(&format!("c/{file}"), "text\n");
    }
    dir.create(
        "c/collection.toml",
        format!(
            "{COLLECTION_HEADER}
[[document]]
id = \"a\"
title = \"A\"
file = \"a.txt\"
[document.provenance]
date = \"1937-13\"

[[document]]
id = \"b\"
title = \"B\"
file = \"b.txt\"

[[document]]
id = \"b\"
title = \"B again\"
file = \"c.txt\"

[[document]]
id = \"d\"
title = \" D\"
file = \"d.txt\"
sha256 = \"{}\"
",
            "ab".repeat(32)
        ),
    );
    let output = corpack()
        .args(["check", "--strict", "--json"])
        .arg(dir.join("c"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        error_places(&report, &dir),
        [
            "c/collection.toml:13:8: document[1].provenance.date",
            "c/collection.toml:21:6: document[3].id",
            "c/collection.toml:27:9: document[4].title",
            "c/collection.toml:28:8: document[4].file",
        ]
    );
    // d.txt is not held; a.txt's record does not read.
    assert_eq!(
        (&report["documents"], &report["held"], &report["not_held"]),
        (
            &serde_json::json!(3),
            &serde_json::json!(2),
            &serde_json::json!(1)
        )
    );
    let unreferenced: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["code"] == "unreferenced-file")
        .map(|w| w["path"].as_str().unwrap())
        .collect();
    // a.txt is the file of the record that does not read, not a file no
    // record references.
    assert_eq!(unreferenced, ["stray.txt"]);
    corpack()
        .args(["check", "--strict"])
        .arg(dir.join("c"))
        .assert()
        .code(1)
        .stdout(
            contains("document[1].provenance.date")
                .and(contains("duplicate id `b`"))
                .and(contains("document[4].title"))
                .and(contains("--strict requires every file"))
                .and(contains("stray.txt: error[unreferenced-file]")),
        );
}

#[test]
fn an_error_found_once_a_record_reads_points_at_the_value_it_is_about() {
    let dir = Dir::new();
    dir.create("c/b.txt", "text\n");
    dir.create(
        "c/collection.toml",
        format!(
            "{COLLECTION_HEADER}
[[document]]
id = \"a\"
title = \"A\"
file = \"a.txt\"

[[document.provenance.authors]]
name = \"Editorial board\"
type = \"organization\"
orcid = \"0000-0002-1825-0097\"

[[document]]
id = \"b\"
title = \"B\"
file = \"b.txt\"
[document.provenance]
authors = [
  \"Ann\",
  \"Ann\",
]
"
        ),
    );
    let report = invalid_check_report(&dir);
    // The organization's orcid, the second "Ann", and the file not found:
    // not the [[document]] headers (lines 8 and 18).
    assert_eq!(
        error_places(&report, &dir),
        [
            "c/collection.toml:16:9: document[1].provenance.authors[1].orcid",
            "c/collection.toml:25:3: document[2].provenance.authors[2]",
            "c/collection.toml:11:8: document[1].file",
        ]
    );
    corpack()
        .arg("check")
        .arg(dir.join("c"))
        .assert()
        .code(1)
        .stdout(contains(
            "collection.toml:16:9: error[record-invalid]: document[1].provenance.authors[1].orcid: \
             \"Editorial board\" is an organization",
        ));
}

#[test]
fn a_file_parsed_whole_has_every_table_that_does_not_read_reported() {
    let dir = Dir::new();
    dir.create("c/a.txt", "text\n");
    // Documents before the [collection] table, as an inline array: not
    // laid out a table at a time, so parsed whole.
    dir.create(
        "c/collection.toml",
        format!(
            "document = [
  {{ id = \"a\", title = \"A\", file = \"a.txt\" }},
  {{ id = \"b\", titel = \"B\", file = \"b.txt\" }},
  {{ id = \"c\", title = \"C\", file = \"c.txt\", colour = \"red\" }},
  {{ id = \"a\", title = \"D\", file = \"d.txt\" }},
]
{COLLECTION_HEADER}"
        ),
    );
    let report = invalid_check_report(&dir);
    assert_eq!(
        error_places(&report, &dir),
        [
            "c/collection.toml:3:15: document[2].titel",
            "c/collection.toml:4:44: document[3].colour",
            "c/collection.toml:5:10: document[4].id",
            "c/collection.toml:5:35: document[4].file",
        ]
    );
    assert_eq!(report["documents"], 2);
}

#[test]
fn every_document_named_as_disputing_that_is_not_another_of_the_collection_is_reported() {
    let dir = Dir::new();
    for file in ["speech.txt", "rebuttal.txt", "letter.txt"] {
        dir.create(&format!("c/{file}"), "text\n");
    }
    // The speech names the rebuttal, whose record comes after it, and
    // with it itself and a document no record has; the letter names one
    // too, and a rebuttal with a DOI, which its record does not have.
    dir.create(
        "c/collection.toml",
        format!(
            "{COLLECTION_HEADER}
[[document]]
id = \"speech-1938\"
title = \"A speech\"
file = \"speech.txt\"
[document.contested]
status = \"contested\"
disputed_by = [
  {{ document = \"rebuttal-1938\" }},
  {{ document = \"speech-1938\" }},
  {{ document = \"rebutal-1938\", citation = \"A letter\" }},
]

[[document]]
id = \"letter\"
title = \"A letter\"
file = \"letter.txt\"
[document.contested]
disputed_by = [{{ document = \"reply\" }}]

[[document]]
id = \"rebuttal-1938\"
title = \"A rebuttal\"
file = \"rebuttal.txt\"
[document.contested]
disputed_by = [{{ document = \"letter\", doi = \"10.1000/182\" }}]
"
        ),
    );
    let report = invalid_check_report(&dir);
    assert_eq!(
        error_places(&report, &dir),
        [
            "c/collection.toml:16:16: document[1].contested.disputed_by[2].document",
            "c/collection.toml:17:16: document[1].contested.disputed_by[3].document",
            "c/collection.toml:25:29: document[2].contested.disputed_by[1].document",
            "c/collection.toml:32:16: document[3].contested.disputed_by[1]",
        ]
    );
    corpack()
        .arg("check")
        .arg(dir.join("c"))
        .assert()
        .code(1)
        .stdout(
            contains(
                "collection.toml:16:16: error[record-invalid]: \
                 document[1].contested.disputed_by[2].document: \
                 `speech-1938` is this document's own id",
            )
            .and(contains(
                "collection.toml:17:16: error[record-invalid]: \
                 document[1].contested.disputed_by[3].document: no \
                 document of the collection has the id `rebutal-1938`",
            ))
            .and(contains("no document of the collection has the id `reply`"))
            .and(contains("leave out type, doi and url"))
            .and(contains("`rebuttal-1938`").not()),
        );
}

#[test]
fn the_file_of_a_record_that_is_not_toml_is_not_taken_for_one_no_record_references() {
    let dir = Dir::new();
    dir.create("c/a.txt", "a");
    dir.create("c/b.txt", "b");
    dir.create(
        "c/collection.toml",
        format!(
            "{COLLECTION_HEADER}\n[[document]]\nid = \"a\"\ntitle = \"A\"\nfile = \"a.txt\"\n\
             rights = \"never closed\n\n[[document]]\nid = \"b\"\ntitle = \"B\"\nfile = 'b.txt'\n\
             rights = \"never closed\n"
        ),
    );
    let report = invalid_check_report(&dir);
    assert_eq!(
        error_places(&report, &dir),
        [
            "c/collection.toml:12:23: document[1].rights",
            "c/collection.toml:18:23: document[2].rights"
        ]
    );
    assert_eq!(report["findings"], serde_json::json!([]));
}

#[cfg(unix)]
#[test]
fn a_file_a_record_names_is_not_also_one_no_record_references_when_it_cannot_be_packed() {
    let dir = Dir::new();
    dir.create("outside.txt", "o");
    dir.create("c/stray.txt", "s");
    dir.create(
        "c/collection.toml",
        format!("{COLLECTION_HEADER}\n[[document]]\nid = \"a\"\ntitle = \"A\"\nfile = \"a.txt\"\n"),
    );
    std::os::unix::fs::symlink(dir.join("outside.txt"), dir.join("c/a.txt")).unwrap();
    for strict in [false, true] {
        let mut command = corpack();
        command.args(["check", "--json"]);
        if strict {
            command.arg("--strict");
        }
        let output = command.arg(dir.join("c")).output().unwrap();
        assert_eq!(output.status.code(), Some(1));
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(
            error_places(&report, &dir),
            ["c/collection.toml:11:8: document[1].file"]
        );
        let unreferenced: Vec<&str> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|w| w["code"] == "unreferenced-file")
            .map(|w| w["path"].as_str().unwrap())
            .collect();
        assert_eq!(unreferenced, ["stray.txt"], "strict: {strict}");
    }
    corpack()
        .arg("check")
        .arg(dir.join("c"))
        .assert()
        .code(1)
        .stdout(contains("outside").and(contains("a.txt: warning[unreferenced-file]").not()));
}

/// The slips of a first run: a collection named by its `collection.toml`,
/// and a collection given to `verify`, which takes bags.
#[test]
fn a_collection_given_where_it_does_not_go_is_told_what_to_give() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let file = collection.join("collection.toml");
    let commands: [&[&str]; 4] = [
        &["check"],
        &["pack", "-o", "x.zip"],
        &["show"],
        &["export", "csv", "-o", "x.csv"],
    ];
    for args in commands {
        corpack()
            .current_dir(dir.path())
            .args(args)
            .arg(&file)
            .assert()
            .code(2)
            .stderr(contains(
                "a file, where a collection's directory is wanted: give the directory that \
                 holds collection.toml",
            ));
    }
    corpack()
        .arg("verify")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(contains(
            "a collection's records, not a bag: `corpack check` checks",
        ));
    corpack()
        .arg("verify")
        .arg(&collection)
        .assert()
        .code(1)
        .stdout(contains(
            "this is a collection (it holds collection.toml), which `corpack check` checks",
        ));
}
