//! Reading `collection.toml`: parsing, and errors located by line and field.
//!
//! The file is read a line at a time and split into its top-level tables
//! (see [`super::segments`]). Each `[[document]]`, with its own tables, is
//! parsed on its own, in parallel batches, checked against the rules that
//! span records ([`Rules`](super::validate::Rules)), and spilled to
//! [`Records`], so that a collection of any size is never parsed or held
//! whole ([`split`]). A file laid out otherwise than as a `[collection]`
//! table and `[[document]]` tables (keys before the first table, other
//! tables, a table twice) is parsed whole ([`whole`]), so that TOML's own
//! rules decide what it means. Either way, CRLF line ends are read as LF,
//! in multi-line strings too.
//!
//! Read a table at a time, a table that does not read is an error, and the
//! reading goes on: the rules are applied to every record that reads, and
//! every error is reported, in file order, so that one `check` shows them
//! all. Parsed whole, a syntax error stops the parser, and is the only
//! error; past the syntax, each table is read on its own all the same.
//!
//! An error is placed at the value of the field it is about (see
//! [`super::places`]): a value that does not read where TOML says, a rule
//! broken at the value the rule is about. A record may name a document
//! that a later record describes (one that disputes it): the error that no
//! record has that id is placed while the record's text is at hand, and
//! kept aside until every record is read, to be dropped if one has it.

mod errors;
mod split;
mod whole;

use std::fs::File;
use std::io::{self, BufReader};
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use self::errors::utf8_text;
use self::split::read_split;
use self::whole::parse_whole;
use super::records::{Records, ReorderedSpill};
use super::{COLLECTION_FILE, Collection, CollectionInfo, Document};
use crate::error::{Error, IoContext, RecordError, RecordErrors, Result};

/// The shape of `collection.toml`; its JSON Schema is the published one.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "corpack collection.toml")]
pub struct CollectionFile {
    /// The collection as a whole.
    #[schemars(with = "CollectionInfo")]
    pub collection: Spanned<CollectionInfo>,
    /// One `[[document]]` table per document.
    #[serde(default)]
    #[schemars(with = "Vec<Document>")]
    pub document: Vec<Spanned<Document>>,
}

/// The records of a collection read from disk, with what is needed to
/// point at them.
#[derive(Debug)]
pub struct LoadedRecords {
    /// The `[[document]]` records, in file order.
    pub records: Records,
    /// The collection directory.
    pub dir: PathBuf,
    /// The record file (`<dir>/collection.toml`).
    pub file: PathBuf,
    /// The files named by the `[[document]]` tables that did not read, as
    /// far as they can be made out: they are not files that no record
    /// references.
    pub(super) unread_files: Vec<Box<str>>,
}

impl LoadedRecords {
    /// An error about `field` of the document at `index`, located at the
    /// value of its `file` or `sha256`, else at its `[[document]]` header.
    pub fn document_error(&self, index: usize, field: &str, message: String) -> RecordError {
        document_error(&self.file, &self.records, index, field, message)
    }

    /// The 1-based line of the `[[document]]` header of the document at
    /// `index`.
    pub fn document_line(&self, index: usize) -> usize {
        self.records.place(index).0
    }

    /// The document at `index` as a warning names it: its id, and the
    /// file and line of its record, ``document `a` (c/collection.toml:8)``.
    pub fn document_place(&self, index: usize) -> String {
        format!(
            "document `{}` ({}:{})",
            self.records.id(index),
            self.file.display(),
            self.document_line(index)
        )
    }

    /// The document at `index` as a finding about its file names it: its
    /// id, and the file, line and column of its `file` value,
    /// ``document `a` (c/collection.toml:11:8)``.
    pub fn document_file_place(&self, index: usize) -> String {
        let (line, column) = self.records.field_place(index, "file");
        format!(
            "document `{}` ({}:{line}:{column})",
            self.records.id(index),
            self.file.display(),
        )
    }

    /// The record at `index`.
    pub fn document(&self, index: usize) -> Result<Document> {
        self.records
            .get(index)
            .map_err(|error| records_error(&self.file, error))
    }

    /// The records' spill rewritten in `order` (see [`Records::reorder`]).
    pub fn reorder(&self, order: &[usize]) -> Result<Option<ReorderedSpill>> {
        self.records
            .reorder(order)
            .map_err(|error| records_error(&self.file, error))
    }

    /// Every record, in file order, each read back in turn.
    pub fn documents(&self) -> impl Iterator<Item = Result<Document>> + '_ {
        (0..self.records.len()).map(|index| self.document(index))
    }
}

/// A collection read from disk: its `[collection]` table, and its records
/// (which it derefs to).
#[derive(Debug)]
pub struct LoadedCollection {
    /// The `[collection]` table.
    pub info: CollectionInfo,
    read: LoadedRecords,
}

impl std::ops::Deref for LoadedCollection {
    type Target = LoadedRecords;

    fn deref(&self) -> &LoadedRecords {
        &self.read
    }
}

impl std::ops::DerefMut for LoadedCollection {
    fn deref_mut(&mut self) -> &mut LoadedRecords {
        &mut self.read
    }
}

impl LoadedCollection {
    /// The whole collection, every record read back into memory.
    pub fn to_collection(&self) -> Result<Collection> {
        Ok(Collection {
            info: self.info.clone(),
            documents: self.documents().collect::<Result<_>>()?,
        })
    }
}

/// An error about `field` of the record at `index` of `records`, read from
/// `file`, located at the value of its `file` or `sha256`, else at its
/// `[[document]]` header.
fn document_error(
    file: &Path,
    records: &Records,
    index: usize,
    field: &str,
    message: String,
) -> RecordError {
    let (line, column) = records.field_place(index, field);
    RecordError {
        file: file.to_path_buf(),
        line: Some(line),
        column: Some(column),
        field: format!("document[{}].{field}", records.number(index)),
        message,
    }
}

/// A record file read as far as it reads: the collection's table and the
/// records that read, and every error found.
#[derive(Debug)]
pub struct PartlyLoaded {
    /// The `[collection]` table; none when it does not read.
    pub info: Option<CollectionInfo>,
    /// The records that read; none when the file is not TOML. They are
    /// judged, found and checked whether or not the collection's table
    /// reads.
    pub records: Option<LoadedRecords>,
    /// Every error, in file order: each table that does not read, and each
    /// rule the records that read break.
    pub errors: Vec<RecordError>,
}

impl PartlyLoaded {
    /// The collection, if it has no error.
    pub fn whole(self) -> Result<LoadedCollection> {
        match (self.info, self.records) {
            (Some(info), Some(read)) if self.errors.is_empty() => {
                Ok(LoadedCollection { info, read })
            }
            _ => Err(RecordErrors(self.errors).into()),
        }
    }

    /// Nothing loaded, for `errors`.
    fn failed(errors: Vec<RecordError>) -> PartlyLoaded {
        PartlyLoaded {
            info: None,
            records: None,
            errors,
        }
    }
}

/// `line`, ending in CRLF, made to end in LF. A multi-line string keeps
/// the newlines it is written with, which TOML lets a parser normalize:
/// without this, a collection checked out with Windows line ends (git's
/// `core.autocrlf`) would make another bundle.
fn crlf_to_lf(line: &mut Vec<u8>) {
    line.truncate(line.len() - b"\r\n".len());
    line.push(b'\n');
}

/// An I/O error on the temporary file holding the records of `file`.
pub(crate) fn records_error(file: &Path, error: io::Error) -> Error {
    let message = format!("the temporary copy of its records: {error}");
    Error::io(file, io::Error::new(error.kind(), message))
}

/// Reads and validates `<dir>/collection.toml`.
pub fn load(dir: &Path) -> Result<LoadedCollection> {
    load_partly(dir)?.whole()
}

/// Reads and validates `<dir>/collection.toml` as far as it reads, and
/// finds every error; only an I/O error is an `Err`.
pub fn load_partly(dir: &Path) -> Result<PartlyLoaded> {
    if dir.is_file() {
        return Err(super::file_for_collection(dir));
    }
    let file = dir.join(COLLECTION_FILE);
    let opened = File::open(&file);
    if opened
        .as_ref()
        .is_err_and(|error| error.kind() == std::io::ErrorKind::PermissionDenied)
    {
        super::searchable(dir).at(dir)?;
    }
    let reader = BufReader::with_capacity(1 << 20, opened.at(&file)?);
    match read_split(reader, dir, &file)? {
        Some(read) => Ok(read),
        None => match utf8_text(std::fs::read(&file).at(&file)?, &file, 1) {
            Ok(source) => parse_whole(&source, dir, &file),
            Err(error) => Ok(PartlyLoaded::failed(vec![error])),
        },
    }
}

/// Parses and validates the text of a record file. `file` is only used to
/// name the file in errors.
pub fn parse(source: &str, dir: &Path, file: &Path) -> Result<LoadedCollection> {
    let read = match read_split(source.as_bytes(), dir, file)? {
        Some(read) => read,
        None => parse_whole(source, dir, file)?,
    };
    read.whole()
}

/// `source` read a table at a time (`None` if it is not laid out so) and
/// parsed whole, for the fuzz target that checks they agree.
#[doc(hidden)]
pub fn parse_both_ways(
    source: &str,
    dir: &Path,
    file: &Path,
) -> (Option<Result<LoadedCollection>>, Result<LoadedCollection>) {
    let split = read_split(source.as_bytes(), dir, file)
        .transpose()
        .map(|read| read.and_then(PartlyLoaded::whole));
    let whole = parse_whole(source, dir, file).and_then(PartlyLoaded::whole);
    (split, whole)
}

/// The collection's table, if it read, the records that read, and
/// every error: of the tables that did not read, and of the rules broken
/// by those that did.
fn checked(
    collection: Option<CollectionInfo>,
    records: Records,
    mut errors: Vec<RecordError>,
    dir: &Path,
    file: &Path,
) -> PartlyLoaded {
    // In file order; errors on one line in the order they were found.
    errors.sort_by_key(|error| error.line);
    PartlyLoaded {
        info: collection,
        records: Some(LoadedRecords {
            records,
            dir: dir.to_path_buf(),
            file: file.to_path_buf(),
            unread_files: Vec::new(),
        }),
        errors,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::split::BATCH;
    use super::*;
    use crate::Error;
    use crate::collection::{testutil, to_toml};

    const MINIMAL: &str = r#"[collection]
id = "c"
title = "T"
description = "D"
license = "CC-BY-4.0"
date = "2026-11-25"

[[document]]
id = "a"
title = "A"
file = "a.txt"

[document.provenance]
date = "2014-06-20?"
"#;

    fn errors(source: &str) -> Vec<RecordError> {
        match parse(source, Path::new("."), Path::new("collection.toml")) {
            Err(Error::Records(RecordErrors(errors))) => errors,
            other => panic!("expected record errors, got {other:?}"),
        }
    }

    #[test]
    fn parses_a_minimal_collection() {
        let loaded = parse(MINIMAL, Path::new("."), Path::new("collection.toml")).unwrap();
        let document = &loaded.document(0).unwrap();
        assert_eq!(document.id.as_str(), "a");
        assert_eq!(
            document.provenance.date.as_ref().unwrap().as_str(),
            "2014-06-20?"
        );
        assert_eq!(document.contested.status, super::super::Status::Unassessed);
    }

    #[test]
    fn crlf_line_ends_are_read_as_lf_in_multi_line_strings_too() {
        let lf = MINIMAL
            .replace(
                "description = \"D\"",
                "description = \"\"\"\nOne\ntwo\"\"\"",
            )
            .replace(
                "file = \"a.txt\"\n",
                "file = \"a.txt\"\nrights = '''\nthree\nfour'''\n",
            );
        let crlf = lf.replace('\n', "\r\n");
        let (split, whole) = parse_both_ways(&crlf, Path::new("."), Path::new("collection.toml"));
        for loaded in [split.expect("laid out in tables").unwrap(), whole.unwrap()] {
            assert_eq!(loaded.info.description, "One\ntwo");
            let document = loaded.document(0).unwrap();
            assert_eq!(document.rights.as_deref(), Some("three\nfour"));
        }
    }

    #[test]
    fn a_control_character_in_a_leading_comment_is_refused() {
        let source = format!("# a comment\u{7}\n{MINIMAL}");
        let errors = errors(&source);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, Some(1));
        assert!(errors[0].message.contains("comment"), "{}", errors[0]);
    }

    #[test]
    fn a_bad_value_names_line_and_field() {
        let source = MINIMAL.replace("2014-06-20?", "2014-13-20");
        let errors = errors(&source);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, Some(14));
        assert_eq!(errors[0].field, "document[1].provenance.date");
        assert!(
            errors[0].message.contains("invalid EDTF date"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn an_author_s_type_names_line_and_field() {
        let with_authors = |authors: &str| {
            MINIMAL.replace(
                "[document.provenance]\n",
                &format!("[document.provenance]\nauthors = [\n  {authors},\n]\n"),
            )
        };
        let error = &errors(&with_authors(r#"{ name = "A board", type = "board" }"#))[0];
        assert_eq!(error.line, Some(15));
        assert_eq!(error.field, "document[1].provenance.authors[1].type");
        assert!(error.message.contains("unknown value `board`"), "{error}");
        let organization_with_orcid =
            r#"{ name = "A board", type = "organization", orcid = "0000-0002-1825-0097" }"#;
        let errors = errors(&with_authors(organization_with_orcid));
        assert_eq!(errors.len(), 1);
        assert_eq!(
            (errors[0].line, errors[0].column),
            (Some(15), Some(54)),
            "the orcid's value"
        );
        assert_eq!(errors[0].field, "document[1].provenance.authors[1].orcid");
        assert!(
            errors[0].message.contains("is an organization"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn a_rule_is_placed_at_the_value_it_is_about() {
        let source = format!(
            "{MINIMAL}authors = [\"Ada\", \" Ada\"]\n\n[[document]]\nid = \"b\"\ntitle = \"B\"\n\
             file = \"a.txt\"\n\n[[document.provenance.authors]]\nname = \"Board\"\n\
             type = \"organization\"\norcid = \"0000-0002-1825-0097\"\n\n\
             [[document.provenance.authors]]\nname = \"Board\"\ntype = \"organization\"\n\
             orcid = \"0000-0002-1825-0097\"\n"
        );
        let errors = errors(&source);
        let places: Vec<(Option<usize>, Option<usize>, &str)> = errors
            .iter()
            .map(|e| (e.line, e.column, e.field.as_str()))
            .collect();
        assert_eq!(
            places,
            [
                (Some(15), Some(19), "document[1].provenance.authors[2].name"),
                (Some(20), Some(8), "document[2].file"),
                (Some(25), Some(9), "document[2].provenance.authors[1].orcid"),
                (Some(27), Some(1), "document[2].provenance.authors[2]"),
                (Some(30), Some(9), "document[2].provenance.authors[2].orcid"),
            ]
        );
        assert_eq!(whole_errors(&source), errors);
    }

    #[test]
    fn an_unknown_key_names_line_and_field() {
        let source = MINIMAL.replace("title = \"A\"", "titel = \"A\"");
        let error = &errors(&source)[0];
        assert_eq!(error.line, Some(10));
        assert_eq!(error.field, "document[1].titel");
        assert!(error.message.contains("unknown field `titel`"), "{error}");
        assert!(error.message.ends_with("(is it `title`?)"), "{error}");
        let source = MINIMAL.replace("title = \"A\"", "colour = \"A\"");
        let error = &errors(&source)[0];
        assert!(!error.message.contains("is it"), "{error}");
    }

    #[test]
    fn duplicate_ids_and_files_are_reported_together() {
        let source =
            format!("{MINIMAL}\n[[document]]\nid = \"a\"\ntitle = \"B\"\nfile = \"a.txt\"\n");
        let errors = errors(&source);
        assert_eq!(errors.len(), 2);
        assert_eq!((errors[0].line, errors[0].column), (Some(17), Some(6)));
        assert_eq!(errors[0].field, "document[2].id");
        assert_eq!(errors[1].line, Some(19));
        assert_eq!(errors[1].field, "document[2].file");
    }

    #[test]
    fn a_disputing_document_is_one_of_the_others_wherever_its_record_is() {
        // a names b, read after it (in a later batch), a document no record
        // has, and itself; b's table does not read, but has its id.
        let source = many(
            BATCH + 1,
            "\n[[document]]\nid = \"b\"\ntitel = \"B\"\nfile = \"b.txt\"\n",
        )
        .replace(
            "[document.provenance]\n",
            "[document.contested]\ndisputed_by = [\n  { document = \"b\" },\n  \
             { document = \"nowhere\" },\n  { document = \"a\", citation = \"A\" },\n]\n\
             [document.provenance]\n",
        );
        let found = errors(&source);
        let places: Vec<(Option<usize>, Option<usize>, &str)> = found
            .iter()
            .map(|e| (e.line, e.column, e.field.as_str()))
            .collect();
        let last = format!("document[{}].titel", BATCH + 3);
        assert_eq!(
            places,
            [
                (
                    Some(16),
                    Some(16),
                    "document[1].contested.disputed_by[2].document"
                ),
                (
                    Some(17),
                    Some(16),
                    "document[1].contested.disputed_by[3].document"
                ),
                (Some(source.lines().count() - 1), Some(1), last.as_str()),
            ]
        );
        assert_eq!(
            found[0].message,
            "no document of the collection has the id `nowhere`"
        );
        assert!(found[1].message.contains("own id"), "{}", found[1]);
        assert_eq!(whole_errors(&source), found);
        // Once b reads, only what a names wrongly is wrong.
        let fixed = source.replace("titel = \"B\"", "title = \"B\"");
        assert_eq!(errors(&fixed), found[..2]);
        assert_eq!(whole_errors(&fixed), found[..2]);
    }

    fn whole_errors(source: &str) -> Vec<RecordError> {
        let whole = parse_whole(source, Path::new("."), Path::new("collection.toml"));
        match whole.and_then(PartlyLoaded::whole) {
            Err(Error::Records(RecordErrors(errors))) => errors,
            other => panic!("expected record errors, got {other:?}"),
        }
    }

    /// `count` documents after MINIMAL's, the last with `last` added.
    fn many(count: usize, last: &str) -> String {
        let mut source = MINIMAL.to_string();
        for i in 0..count {
            source.push_str(&format!(
                "\n[[document]]\nid = \"d{i}\"\ntitle = \"T\"\nfile = \"d{i}.txt\"\n"
            ));
        }
        source + last
    }

    #[test]
    fn an_error_in_a_later_batch_is_placed_in_the_whole_file() {
        let source = many(2 * BATCH + 2, "[document.provenance]\ndate = \"1937-13\"\n");
        let errors = errors(&source);
        assert_eq!(errors, whole_errors(&source));
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors[0].field,
            format!("document[{}].provenance.date", 2 * BATCH + 3)
        );
        assert_eq!(errors[0].line, Some(source.lines().count()));
    }

    #[test]
    fn rule_errors_across_batches_are_those_of_the_whole_file() {
        let source =
            many(BATCH + 5, "") + "\n[[document]]\nid = \"d3\"\ntitle = \" T\"\nfile = \"a.txt\"\n";
        let errors = errors(&source);
        assert_eq!(errors, whole_errors(&source));
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        let last = format!("document[{}]", BATCH + 7);
        assert_eq!(
            fields,
            [
                format!("{last}.id"),
                format!("{last}.title"),
                format!("{last}.file")
            ]
        );
    }

    #[test]
    fn every_table_that_does_not_read_is_reported_with_the_rules_the_others_break() {
        let document = |id: &str, file: &str, extra: &str| {
            format!("\n[[document]]\nid = \"{id}\"\ntitle = \"T\"\nfile = \"{file}\"\n{extra}")
        };
        let mut source = MINIMAL.replace("2014-06-20?", "2014-13-20");
        source += &document("b", "b.txt", "");
        source += &document("b", "c.txt", "");
        for i in 0..BATCH {
            source += &document(&format!("d{i}"), &format!("d{i}.txt"), "");
        }
        source += &document("late", "late.txt", "titel = \"T\"\n");
        source += &document("last", "b.txt", "");
        let read = parse_partly(&source);
        let fields: Vec<&str> = read.errors.iter().map(|e| e.field.as_str()).collect();
        let (late, last) = (BATCH + 4, BATCH + 5);
        assert_eq!(
            fields,
            [
                "document[1].provenance.date".to_string(),
                "document[3].id".into(),
                format!("document[{late}].titel"),
                format!("document[{last}].file"),
            ]
        );
        let lines: Vec<Option<usize>> = read.errors.iter().map(|e| e.line).collect();
        assert!(lines.is_sorted(), "{lines:?}");
        assert!(read.info.is_some());
        let loaded = read.records.expect("the records read");
        assert_eq!(loaded.records.len(), last - 2);
        let error = loaded.document_error(loaded.records.len() - 1, "file", String::new());
        assert_eq!(error.field, format!("document[{last}].file"));
        assert_eq!(errors(&source), read.errors);
        assert_eq!(whole_errors(&source), read.errors);
    }

    fn parse_partly(source: &str) -> PartlyLoaded {
        let (dir, file) = (Path::new("."), Path::new("collection.toml"));
        read_split(source.as_bytes(), dir, file)
            .unwrap()
            .expect("read by table")
    }

    #[test]
    fn a_collection_table_that_does_not_read_leaves_the_documents_judged() {
        let source = MINIMAL.replace("date = \"2026-11-25\"", "date = \"2026-13-25\"")
            + "\n[[document]]\nid = \"a\"\ntitle = \"B\"\nfile = \"b.txt\"\n";
        let read = parse_partly(&source);
        assert!(read.info.is_none());
        let fields: Vec<&str> = read.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["collection.date", "document[2].id"]);
        // The records that read are there to be checked all the same.
        assert_eq!(read.records.expect("the records read").records.len(), 2);
    }

    #[test]
    fn layouts_read_table_by_table() {
        let (dir, file) = (Path::new("."), Path::new("collection.toml"));
        let collection_last = format!(
            "# documents first\n{}\n{}",
            &MINIMAL[MINIMAL.find("[[document]]").unwrap()..],
            &MINIMAL[..MINIMAL.find("[[document]]").unwrap()]
        );
        for source in [
            MINIMAL.to_string(),
            MINIMAL.replace('\n', "\r\n"),
            collection_last,
        ] {
            let split = read_split(source.as_bytes(), dir, file)
                .unwrap()
                .expect("read by table")
                .whole()
                .unwrap();
            let whole = parse_whole(&source, dir, file).unwrap().whole().unwrap();
            assert_eq!(
                split.to_collection().unwrap(),
                whole.to_collection().unwrap()
            );
            assert_eq!(split.records.place(0), whole.records.place(0), "{source}");
            // The collection's own errors are placed at their values.
            let blank = source.replace("description = \"D\"", "description = \" \"");
            let split = read_split(blank.as_bytes(), dir, file).unwrap().unwrap();
            let whole = parse_whole(&blank, dir, file).unwrap();
            assert_eq!(split.errors.len(), 1, "{blank}");
            assert_eq!(split.errors, whole.errors, "{blank}");
        }
    }

    #[test]
    fn other_layouts_are_parsed_whole() {
        let (dir, file) = (Path::new("."), Path::new("collection.toml"));
        let header = &MINIMAL[..MINIMAL.find("[[document]]").unwrap()];
        let inline =
            format!("document = [{{ id = \"a\", title = \"A\", file = \"a.txt\" }}]\n{header}");
        let twice = format!("{MINIMAL}\n{header}");
        let other_table = format!("{MINIMAL}\n[collection.extra]\nx = 1\n");
        for source in [inline.as_str(), twice.as_str(), other_table.as_str()] {
            assert!(
                read_split(source.as_bytes(), dir, file).unwrap().is_none(),
                "{source}"
            );
        }
        let loaded = parse(&inline, dir, file).unwrap();
        assert_eq!(loaded.document(0).unwrap().id.as_str(), "a");
        assert!(
            errors(&twice)[0].message.contains("duplicate key"),
            "{:?}",
            errors(&twice)
        );
        assert!(
            errors(&other_table)[0]
                .message
                .contains("unknown field `extra`")
        );
    }

    #[test]
    fn parsed_whole_every_table_that_does_not_read_is_reported() {
        let header = &MINIMAL[..MINIMAL.find("[[document]]").unwrap()];
        // Keys before the first table: parsed whole.
        let source = format!(
            "extra = 1\ndocument = [\n  {{ id = \"a\", title = \"A\", file = \"a.txt\" }},\n  \
             {{ id = \"b\", titel = \"B\", file = \"b.txt\" }},\n  \
             {{ id = \"a\", title = \"C\", file = \"c.txt\" }},\n  \
             {{ id = \"d\", title = \"D\", file = \"d.txt\", sha256 = \"abc\" }},\n]\n{header}"
        );
        let (dir, file) = (Path::new("."), Path::new("collection.toml"));
        assert!(read_split(source.as_bytes(), dir, file).unwrap().is_none());
        let read = parse_whole(&source, dir, file).unwrap();
        let places: Vec<(Option<usize>, &str)> = read
            .errors
            .iter()
            .map(|e| (e.line, e.field.as_str()))
            .collect();
        assert_eq!(
            places,
            [
                (Some(1), "extra"),
                (Some(4), "document[2].titel"),
                (Some(5), "document[3].id"),
                (Some(6), "document[4].sha256"),
            ]
        );
        let loaded = read.records.expect("the records read");
        assert_eq!(loaded.records.len(), 2);
        assert_eq!(loaded.unread_files, ["b.txt".into(), "d.txt".into()]);
        // What does not read at all is still one error.
        let broken = source.replace("extra = 1", "extra = ");
        assert_eq!(whole_errors(&broken).len(), 1);
        let no_collection = whole_errors("document = 1\n");
        let fields: Vec<&str> = no_collection.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["collection", "document"]);
        assert!(
            no_collection[1].message.contains("expected an array"),
            "{}",
            no_collection[1]
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(100))]

        #[test]
        fn reading_table_by_table_gives_what_parsing_whole_gives(
            collection in testutil::collection(6)
        ) {
            let text = to_toml(&collection, "made by a test");
            let (dir, file) = (Path::new("."), Path::new("collection.toml"));
            let split = read_split(text.as_bytes(), dir, file)
                .and_then(|read| read.map(PartlyLoaded::whole).transpose());
            let whole = parse_whole(&text, dir, file).and_then(PartlyLoaded::whole);
            match (split, whole) {
                (Ok(Some(split)), Ok(whole)) => {
                    prop_assert_eq!(split.to_collection().unwrap(), whole.to_collection().unwrap());
                    for i in 0..whole.records.len() {
                        prop_assert_eq!(split.records.place(i), whole.records.place(i));
                    }
                }
                (Err(split), Err(whole)) => prop_assert_eq!(split.to_string(), whole.to_string()),
                // to_toml writes `document = []` for no documents.
                (Ok(None), _) => prop_assert!(collection.documents.is_empty()),
                (split, whole) => prop_assert!(false, "{split:?}\n{whole:?}\n{text}"),
            }
        }
    }

    #[test]
    fn syntax_errors_have_a_line() {
        let error = &errors("[collection\nid = 1")[0];
        assert_eq!(error.line, Some(1));
    }

    #[test]
    fn a_syntax_error_names_the_field_of_its_line() {
        let unclosed = MINIMAL.replacen("title = \"", "title = \"unclosed\n#", 2);
        let fields: Vec<String> = errors(&unclosed).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["collection.title", "document[1].title"]);
        let in_provenance = MINIMAL.replace("date = \"2014-06-20?\"", "origin = x");
        let error = &errors(&in_provenance)[0];
        assert_eq!(error.field, "document[1].provenance.origin");
        let header = MINIMAL.replace("[document.provenance]", "[document.provenance");
        assert_eq!(errors(&header)[0].field, "document[1].provenance");
        // A line of a multi-line string is no header, nor a key.
        let references = MINIMAL.replace(
            "title = \"A\"",
            "description = \"\"\"\n[1] Smith, J. (1990)\n[[document]]\nfile = \"x\"\n\"\"\"\ntitle = \"A",
        );
        assert_eq!(errors(&references)[0].field, "document[1].title");
        let spaced = MINIMAL
            .replace("[document.provenance]", "[ document . provenance ]")
            .replace("date = \"2014-06-20?\"", "\"date\" = 2014-06-20?");
        assert_eq!(errors(&spaced)[0].field, "document[1].provenance.date");
        let authors = format!(
            "{MINIMAL}\n[[document.provenance.authors]]\nname = \"A\"\n\n\
             [[document.provenance.authors]]\nname = @\n"
        );
        assert_eq!(
            errors(&authors)[0].field,
            "document[1].provenance.authors[2].name"
        );
        let with_bom = MINIMAL.replacen("[[document]]", "\u{feff}[[document]]", 1);
        let error = &errors(&with_bom)[0];
        assert!(
            error.message.contains("byte-order mark (U+FEFF)"),
            "{}",
            error.message
        );
    }
}
