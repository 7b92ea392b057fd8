//! The `--json` document of a command that fails: a stable code, and the
//! file, line and field where the error has them.

use std::path::Path;

use crate::util::{COLLECTION_HEADER, Dir, corpack, sample_collection};

/// Runs corpack with `args` and `--json`; it must fail with exit 2 and
/// print one JSON document, and nothing on stderr.
fn error_document(args: &[&Path]) -> serde_json::Value {
    let output = corpack().args(args).arg("--json").output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{args:?}");
    assert!(output.stderr.is_empty(), "{args:?}");
    serde_json::from_slice(&output.stdout).unwrap()
}

/// [`error_document`] of a pack of `collection` into `out.zip` in `dir`.
fn pack_error(dir: &Dir, collection: &Path) -> serde_json::Value {
    error_document(&[
        "pack".as_ref(),
        collection,
        "-o".as_ref(),
        &dir.join("out.zip"),
    ])
}

#[test]
fn a_path_holding_a_newline_is_shown_escaped_on_one_line() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let output = corpack()
        .arg("pack")
        .arg(&collection)
        .arg("-o")
        .arg(dir.join("x\ncorpack: error[fake]: y/a.zip"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("x\\ncorpack: error[fake]: y"), "{stderr}");
    // A report's own lines too: check's verdict names the directory.
    let named = dir.join("c\nFAKE: error[x]: y");
    std::fs::rename(&collection, &named).unwrap();
    let output = corpack().arg("check").arg(&named).output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        !stdout.lines().any(|line| line.starts_with("FAKE")),
        "{stdout}"
    );
    // And a record error naming a path under it: a broken link.
    let escape = dir.join("e\u{1b}[31m");
    dir.create(
        "e\u{1b}[31m/collection.toml",
        format!("{COLLECTION_HEADER}\n[[document]]\nid = \"b\"\ntitle = \"B\"\nfile = \"b.txt\"\n"),
    );
    std::os::unix::fs::symlink("nowhere", escape.join("b.txt")).unwrap();
    let output = corpack().arg("check").arg(&escape).output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("broken symbolic link"), "{stdout}");
    assert!(!stdout.contains('\u{1b}'), "{stdout}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_report_that_cannot_be_written_says_so() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("corpack"))
        .arg("check")
        .arg(&collection)
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("error[io]: writing to stdout: "),
        "{stderr}"
    );
}

#[test]
fn a_record_error_has_its_code_file_line_and_field() {
    let dir = Dir::new();
    let collection = dir.join("c");
    let record_file = dir.create(
        "c/collection.toml",
        format!(
            "{COLLECTION_HEADER}\n[[document]]\nid = \"Bad Id\"\ntitle = \"X\"\nfile = \"x.txt\"\n"
        ),
    );
    let document = pack_error(&dir, &collection);
    assert_eq!(document["code"], "record-invalid");
    assert_eq!(document["path"], record_file.to_str().unwrap());
    assert_eq!(document["line"], 9);
    assert_eq!(document["field"], "document[1].id");
    assert_eq!(document["records"][0]["field"], "document[1].id");
}

#[test]
fn a_language_tag_outside_the_registry_is_a_record_error_at_its_field() {
    let dir = Dir::new();
    let collection = dir.join("c");
    dir.create(
        "c/collection.toml",
        format!(
            "{COLLECTION_HEADER}\n[[document]]\nid = \"a\"\ntitle = \"X\"\nfile = \"x.txt\"\nlanguage = \"english\"\n"
        ),
    );
    dir.create("c/x.txt", "x");
    let document = pack_error(&dir, &collection);
    assert_eq!(document["code"], "record-invalid");
    assert_eq!(document["line"], 12);
    assert_eq!(document["field"], "document[1].language");
    let message = document["records"][0]["message"].as_str().unwrap();
    assert!(message.contains("\"english\""), "{message}");
    assert!(
        message.contains("IANA Language Subtag Registry"),
        "{message}"
    );
}

#[test]
fn a_checksum_that_differs_is_placed_at_its_sha256() {
    let dir = Dir::new();
    dir.create("c/a.txt", "a\n");
    dir.create(
        "c/collection.toml",
        format!(
            "{COLLECTION_HEADER}\n[[document]]\nid = \"a\"\ntitle = \"A\"\nfile = \"a.txt\"\n\
             sha256 = \"{}\"\n",
            "0".repeat(64)
        ),
    );
    let document = pack_error(&dir, &dir.join("c"));
    assert_eq!(document["code"], "record-invalid");
    assert_eq!(
        (&document["line"], &document["column"]),
        (&12.into(), &10.into())
    );
    assert_eq!(document["field"], "document[1].sha256");
}

#[test]
fn an_io_error_has_its_code_and_path() {
    let dir = Dir::new();
    let document = pack_error(&dir, &dir.join("missing"));
    assert_eq!(document["code"], "io");
    let record_file = dir.join("missing/collection.toml");
    assert_eq!(document["path"], record_file.to_str().unwrap());
    assert!(document.get("line").is_none(), "{document}");
    assert_eq!(document["records"], serde_json::json!([]));
}

#[test]
fn an_existing_output_has_its_code_and_path() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let bundle = dir.create("out.zip", "not replaced without --force");
    let document = error_document(&["pack".as_ref(), &collection, "-o".as_ref(), &bundle]);
    assert_eq!(document["code"], "output-exists");
    assert_eq!(document["path"], bundle.to_str().unwrap());
}

#[test]
fn a_refused_collection_has_its_code_and_findings() {
    let dir = Dir::new();
    dir.create("c/aux.txt", "a name Windows reserves");
    dir.create(
        "c/collection.toml",
        format!(
            "{COLLECTION_HEADER}\n[[document]]\nid = \"aux\"\ntitle = \"X\"\nfile = \"aux.txt\"\n"
        ),
    );
    let collection = dir.join("c");
    let document = pack_error(&dir, &collection);
    assert_eq!(document["code"], "collection-refused");
    assert_eq!(document["path"], collection.to_str().unwrap());
    assert_eq!(document["findings"][0]["code"], "windows-reserved");
    assert_eq!(document["findings"][0]["path"], "aux.txt");
}

#[test]
fn a_bad_profile_has_its_code_file_line_and_field() {
    let dir = Dir::new();
    let profile = dir.create(
        "profile.json",
        "{\n  \"BagIt-Profile-Info\": {\n    \"BagIt-Profile-Identifier\": 7\n  }\n}\n",
    );
    let document = error_document(&[
        "verify".as_ref(),
        "--profile".as_ref(),
        &profile,
        &crate::util::seeds_dir(),
    ]);
    assert_eq!(document["code"], "profile-invalid");
    assert_eq!(document["path"], profile.to_str().unwrap());
    assert_eq!(document["line"], 3);
    assert_eq!(
        document["field"],
        "BagIt-Profile-Info.BagIt-Profile-Identifier"
    );
}

#[test]
fn a_usage_error_has_its_code() {
    let document = error_document(&["pack".as_ref(), "--threads".as_ref(), "0".as_ref()]);
    assert_eq!(document["code"], "usage");
    let error = document["error"].as_str().unwrap();
    assert!(
        error.starts_with("invalid value '0' for '--threads <N>'"),
        "{error}"
    );
}

/// Runs corpack with `args`, without `--json`: it must fail with exit 2,
/// print nothing on stdout, and give its error on stderr.
fn error_text(args: &[&Path]) -> String {
    let output = corpack().args(args).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{args:?}");
    assert!(output.stdout.is_empty(), "{args:?}");
    String::from_utf8(output.stderr).unwrap()
}

#[test]
fn a_text_error_shows_its_code_as_a_finding_shows_its_own() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let bundle = dir.create("out.zip", "not replaced without --force");
    let text = error_text(&["pack".as_ref(), &collection, "-o".as_ref(), &bundle]);
    let expected = format!(
        "corpack: error[output-exists]: cannot pack {}: {}: already exists",
        collection.display(),
        bundle.display()
    );
    assert!(text.starts_with(&expected), "{text}");
    let missing = dir.join("missing");
    let text = error_text(&["check".as_ref(), &missing]);
    assert!(
        text.starts_with("corpack: error[io]: cannot check "),
        "{text}"
    );
    // An error that names the input first does not have it named twice.
    let missing_zip = dir.join("missing.zip");
    let text = error_text(&["verify".as_ref(), &missing_zip]);
    let expected = format!(
        "corpack: error[io]: cannot verify: {}: ",
        missing_zip.display()
    );
    assert!(text.starts_with(&expected), "{text}");
    assert_eq!(text.matches("missing.zip").count(), 1, "{text}");
    dir.create(
        "bad/collection.toml",
        format!(
            "{COLLECTION_HEADER}\n[[document]]\nid = \"Bad Id\"\ntitle = \"X\"\nfile = \"x.txt\"\n"
        ),
    );
    let out = dir.join("bad.zip");
    let text = error_text(&["pack".as_ref(), &dir.join("bad"), "-o".as_ref(), &out]);
    assert!(
        text.starts_with("corpack: error[record-invalid]: cannot pack "),
        "{text}"
    );
    assert!(
        text.contains("collection.toml:9:6: document[1].id: invalid slug"),
        "{text}"
    );
    let text = error_text(&["pack".as_ref(), "--threads".as_ref(), "0".as_ref()]);
    assert!(
        text.starts_with("error[usage]: invalid value '0'"),
        "{text}"
    );
}

/// The first record error `pack --json` and `check --json` report for a
/// `collection.toml` of `bytes`, which must be refused (exit 2) and found
/// invalid (exit 1), with nothing written: each as `line:column: field`,
/// and the message.
fn first_record_error(bytes: &[u8]) -> (String, String) {
    let dir = Dir::new();
    dir.create("c/collection.toml", bytes);
    dir.create("c/x.txt", "x");
    dir.create("out/keep", "");
    let document = error_document(&[
        "pack".as_ref(),
        &dir.join("c"),
        "-o".as_ref(),
        &dir.join("out/bundle.zip"),
    ]);
    assert_eq!(document["code"], "record-invalid", "{document}");
    assert_eq!(crate::util::listing(&dir.join("out")), ["keep"]);
    let report = crate::check::invalid_check_report(&dir);
    let checked = &report["errors"][0];
    for key in ["line", "column", "field", "message"] {
        assert_eq!(checked[key], document["records"][0][key], "{key}");
    }
    let record = &document["records"][0];
    let place = format!(
        "{}:{}: {}",
        record["line"],
        record["column"],
        record["field"].as_str().unwrap()
    );
    (place, record["message"].as_str().unwrap().into())
}

#[test]
fn a_record_file_not_utf8_is_a_record_error_at_its_line_and_column() {
    let split = [
        COLLECTION_HEADER.as_bytes(),
        b"\n[[document]]\nid = \"a\"\ntitle = \"Caf\xe9\"\nfile = \"x.txt\"\n",
    ]
    .concat();
    let (place, message) = first_record_error(&split);
    assert_eq!(place, "10:13: document[1].title");
    assert!(message.contains("not UTF-8"), "{message}");
    assert!(message.contains("0xE9"), "{message}");
    // Keys before the first table: the file is parsed whole.
    let whole = b"collection = { id = \"c\", title = \"T\", description = \"D\", \
        license = \"CC-BY-4.0\", date = \"2026-11-25\" }\n\n[[document]]\nid = \"a\"\n\
        title = \"\xff\"\nfile = \"x.txt\"\n";
    let (place, message) = first_record_error(whole);
    assert_eq!(place, "5:10: document[1].title");
    assert!(message.contains("0xFF"), "{message}");
}

#[test]
fn a_missing_field_is_the_field_at_its_table() {
    let document = format!("{COLLECTION_HEADER}\n[[document]]\nid = \"a\"\nfile = \"x.txt\"\n");
    let (place, message) = first_record_error(document.as_bytes());
    assert_eq!(place, "8:1: document[1].title");
    assert_eq!(message, "missing field `title`");
    let collection = COLLECTION_HEADER.replace("date = \"2026-11-25\"\n", "");
    let (place, _) = first_record_error(collection.as_bytes());
    assert_eq!(place, "1:1: collection.date");
    let author = format!(
        "{COLLECTION_HEADER}\n[[document]]\nid = \"a\"\ntitle = \"A\"\nfile = \"x.txt\"\n\
         [document.provenance]\nauthors = [{{ role = \"editor\" }}]\n"
    );
    let (place, _) = first_record_error(author.as_bytes());
    assert_eq!(place, "13:12: document[1].provenance.authors[1].name");
    let work = format!(
        "{COLLECTION_HEADER}\n[[document]]\nid = \"a\"\ntitle = \"A\"\nfile = \"x.txt\"\n\
         [document.contested]\ndisputed_by = [{{ type = \"book\" }}]\n"
    );
    let (place, message) = first_record_error(work.as_bytes());
    assert_eq!(
        place,
        "13:16: document[1].contested.disputed_by[1].citation"
    );
    assert!(
        message.starts_with("missing field `citation`: "),
        "{message}"
    );
    let (place, _) = first_record_error(b"[[document]]\nid = \"a\"\n");
    assert_eq!(place, "1:1: collection");
}

#[test]
fn a_value_of_the_wrong_type_is_named_in_toml_terms() {
    let record = |value: &str| {
        let text = format!(
            "{COLLECTION_HEADER}\n[[document]]\nid = \"a\"\ntitle = {value}\nfile = \"x.txt\"\n"
        );
        first_record_error(text.as_bytes())
    };
    let (place, message) = record("2014-06-20");
    assert_eq!(place, "10:9: document[1].title");
    assert!(message.contains("write it in quotes"), "{message}");
    assert!(message.contains("\"2014-06-20\""), "{message}");
    // A title keeps what was written; a date is quoted as EDTF writes
    // it, where TOML takes other forms.
    let (_, message) = record("2014-06-20 12:00:00");
    assert!(
        message.ends_with("quotes, \"2014-06-20 12:00:00\""),
        "{message}"
    );
    let dated = |value: &str| {
        let text = format!(
            "{COLLECTION_HEADER}\n[[document]]\nid = \"a\"\ntitle = \"A\"\nfile = \"x.txt\"\n\
             [document.provenance]\ndate = {value}\n"
        );
        first_record_error(text.as_bytes())
    };
    for (toml, quoted) in [
        ("2014-06-20 12:00:00", "\"2014-06-20T12:00:00\""),
        ("2014-06-20t12:00:00z", "\"2014-06-20T12:00:00Z\""),
        ("1979-05-27T07:32:00-08:00", "\"1979-05-27T07:32:00-08:00\""),
        (
            "1979-05-27T00:32:00.999-07:00",
            "\"1979-05-27T00:32:00-07:00\" (EDTF has no fractions of a second)",
        ),
        // TOML 1.1 leaves seconds out, and writes UTC as -00:00 too.
        ("1979-05-27T07:32", "\"1979-05-27T07:32:00\""),
        ("1979-05-27 07:32-07:00", "\"1979-05-27T07:32:00-07:00\""),
        ("1979-05-27T07:32:00-00:00", "\"1979-05-27T07:32:00+00:00\""),
    ] {
        let (place, message) = dated(toml);
        assert_eq!(place, "13:8: document[1].provenance.date");
        assert!(
            message.ends_with(&format!("write it in quotes, {quoted}")),
            "{message}"
        );
    }
    let (place, message) = first_record_error(
        COLLECTION_HEADER
            .replace("date = \"2026-11-25\"", "date = 2026-11-25 10:00:00")
            .as_bytes(),
    );
    assert!(place.ends_with("collection.date"), "{place}");
    assert!(
        message.ends_with("quotes, \"2026-11-25\" (a calendar date, without a time)"),
        "{message}"
    );
    let assessed = format!(
        "{COLLECTION_HEADER}\n[[document]]\nid = \"a\"\ntitle = \"A\"\nfile = \"x.txt\"\n\
         [document.contested]\nstatus = \"contested\"\nassessed_on = 2026-11-25T10:00:00Z\n"
    );
    let (place, message) = first_record_error(assessed.as_bytes());
    assert!(
        place.ends_with("document[1].contested.assessed_on"),
        "{place}"
    );
    assert!(
        message.ends_with("quotes, \"2026-11-25\" (a calendar date, without a time)"),
        "{message}"
    );
    let (_, message) = dated("1979-05-27T07:32:60Z");
    assert!(
        message.ends_with(
            "in quotes it would still be refused: invalid EDTF date \"1979-05-27T07:32:60Z\": a \
             leap second (:60) is 23:59:60 UTC, which at the offset Z is 23:59:60"
        ),
        "{message}"
    );
    let (_, message) = dated("12:00:00");
    assert!(message.contains("the TOML time 12:00:00"), "{message}");
    assert!(
        message.contains("a time of day alone is no date"),
        "{message}"
    );
    let (place, message) = record("1985");
    assert_eq!(place, "10:9: document[1].title");
    assert_eq!(
        message,
        "invalid type: integer `1985`, expected a string: write it in quotes, \"1985\""
    );
    let (_, message) = record("1.5");
    assert!(
        message.ends_with("write it in quotes, \"1.5\""),
        "{message}"
    );
    let (_, message) = record("[\"A\"]");
    assert_eq!(message, "invalid type: array, expected a string");
    let (_, message) = record("{ name = \"A\" }");
    assert_eq!(message, "invalid type: table, expected a string");
    let (place, message) = first_record_error(
        COLLECTION_HEADER
            .replace("[collection]", "[[collection]]")
            .as_bytes(),
    );
    assert_eq!(place, "1:1: collection");
    assert!(message.contains("write `[collection]`"), "{message}");
}

#[test]
fn a_table_written_as_a_list_of_tables_or_the_other_way_round_is_named() {
    let record = |tables: &str| {
        let text =
            format!("{COLLECTION_HEADER}\n{tables}id = \"a\"\ntitle = \"A\"\nfile = \"x.txt\"\n");
        first_record_error(text.as_bytes())
    };
    let (place, message) = record("[document]\n");
    assert_eq!(place, "8:1: document");
    assert!(
        message.contains("write `[[document]]`, once for each"),
        "{message}"
    );
    let (place, message) =
        record("[document]\nid = \"b\"\ntitle = \"B\"\nfile = \"x.txt\"\n\n[[document]]\n");
    assert_eq!(place, "13:3: document");
    assert!(message.contains("but `[document]` on line 8"), "{message}");
    let (place, message) = record("[[document]]\n[[document.provenance]]\ndate = \"1937\"\n");
    assert_eq!(place, "9:1: document[1].provenance");
    assert!(
        message.contains("write `[document.provenance]`"),
        "{message}"
    );
}

#[test]
fn a_duplicate_key_is_named() {
    let text = format!(
        "{COLLECTION_HEADER}\n[[document]]\nid = \"a\"\ntitle = \"A\"\ntitle = \"B\"\nfile = \"x.txt\"\n"
    );
    let (place, message) = first_record_error(text.as_bytes());
    assert_eq!(place, "11:1: document[1].title");
    assert!(message.contains("`title`"), "{message}");
}

/// The text of corpack's own BagIt profile.
fn corpack_profile() -> String {
    std::fs::read_to_string(crate::util::repo_root().join("manifests/bagit-profile.json")).unwrap()
}

/// The error document of `verify --profile` with a profile of `bytes`.
fn profile_error(bytes: &[u8]) -> serde_json::Value {
    let dir = Dir::new();
    let profile = dir.create("profile.json", bytes);
    let document = error_document(&[
        "verify".as_ref(),
        "--profile".as_ref(),
        &profile,
        &crate::util::seeds_dir(),
    ]);
    assert_eq!(document["code"], "profile-invalid", "{document}");
    assert_eq!(document["path"], profile.to_str().unwrap());
    document
}

#[test]
fn a_profile_not_utf8_is_refused_at_its_line_and_column() {
    let document = profile_error(
        b"{\n  \"BagIt-Profile-Info\": {\n    \"Source-Organization\": \"Caf\xe9\"\n",
    );
    assert_eq!(
        (&document["line"], &document["column"]),
        (&3.into(), &32.into())
    );
    assert!(
        document["error"].as_str().unwrap().contains("not UTF-8"),
        "{document}"
    );
}

#[test]
fn a_profile_that_contradicts_itself_is_refused_at_the_field() {
    let profile = corpack_profile().replace(
        "\"Accept-BagIt-Version\": [\"1.0\"]",
        "\"Accept-BagIt-Version\": []",
    );
    let document = profile_error(profile.as_bytes());
    assert_eq!(document["field"], "Accept-BagIt-Version");
    assert_eq!(
        (&document["line"], &document["column"]),
        (&55.into(), &3.into())
    );
}

#[test]
fn a_profile_with_a_byte_order_mark_is_read() {
    let dir = Dir::new();
    let with_bom = dir.create("profile.json", format!("\u{FEFF}{}", corpack_profile()));
    let bundle = dir.join("seeds.zip");
    crate::util::pack(&crate::util::seeds_dir(), &bundle, &[]);
    corpack()
        .args(["verify", "--profile"])
        .arg(&with_bom)
        .arg(&bundle)
        .assert()
        .success();
}

#[test]
fn an_output_in_a_directory_that_does_not_exist_names_the_directory_not_a_temporary_file() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "c");
    let bundle = dir.join("missing/out.zip");
    let document = error_document(&["pack".as_ref(), &collection, "-o".as_ref(), &bundle]);
    assert_eq!(document["code"], "io");
    // The directory is what is missing.
    assert_eq!(document["path"], dir.join("missing").to_str().unwrap());
    let message = document["error"].as_str().unwrap();
    assert!(!message.contains(".corpack-"), "{message}");
    assert!(
        message.ends_with("No such file or directory (os error 2)"),
        "{message}"
    );
    let csv = crate::util::seeds_dir().join("collection.csv");
    let imported = dir.join("missing/imported");
    let document = error_document(&[
        "import".as_ref(),
        "csv".as_ref(),
        &csv,
        "-o".as_ref(),
        &imported,
    ]);
    let message = document["error"].as_str().unwrap();
    assert!(!message.contains(".corpack-"), "{message}");
    assert_eq!(crate::util::listing(dir.path()), ["c"]);
}

#[test]
fn a_profile_value_of_the_wrong_type_is_named_in_json_terms() {
    let profile = corpack_profile();
    let document = profile_error(
        profile
            .replacen("\"Bag-Info\": {", "\"Bag-Info\": [], \"X\": {", 1)
            .as_bytes(),
    );
    assert_eq!(document["field"], "Bag-Info");
    let message = document["error"].as_str().unwrap();
    assert!(
        message.ends_with("Bag-Info: invalid type: array, expected an object"),
        "{message}"
    );
    let document = profile_error(
        profile
            .replacen("\"Bagging-Date\": {", "\"Bagging-Date\": true, \"X\": {", 1)
            .as_bytes(),
    );
    let message = document["error"].as_str().unwrap();
    assert!(
        message.ends_with("invalid type: boolean `true`, expected an object"),
        "{message}"
    );
    let document = profile_error(b"\n [1]\n");
    assert_eq!(
        (&document["line"], &document["column"]),
        (&2.into(), &2.into())
    );
    let message = document["error"].as_str().unwrap();
    assert!(
        message.ends_with("a profile is a JSON object, { ... }: this is an array"),
        "{message}"
    );
}

#[test]
fn a_profile_syntax_error_names_the_member_it_is_in_without_a_placeholder() {
    let profile = corpack_profile().replacen("\"required\": true,", "\"required\": true", 1);
    let document = profile_error(profile.as_bytes());
    assert_eq!(document["field"], "Bag-Info.Bag-Software-Agent");
    let message = document["error"].as_str().unwrap();
    assert!(
        message.ends_with("Bag-Info.Bag-Software-Agent: expected `,` or `}`"),
        "{message}"
    );
}
