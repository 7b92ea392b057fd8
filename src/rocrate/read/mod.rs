//! Reading `ro-crate-metadata.json` back, for `show` and `verify`.
//!
//! The reader checks what makes JSON an RO-Crate 1.1 (see [`super::graph`])
//! and summarizes the payload files and the documents. It takes single
//! values and arrays alike, as JSON-LD allows, so it also reads crates
//! corpack did not write; there, files that are not documents are listed as
//! files only.
//!
//! The crate streams past ([`super::stream`]): neither its text nor a
//! `Value` of its graph is held, only one entity at a time. Entities may
//! come in any order (the root after its files), so an index is kept until
//! the end: every `@id`, for duplicates and lookups (its text and 8 bytes,
//! 8 more while sorted at the end), the root's `hasPart` and `mentions`
//! (the same per reference), and the files. [`read`] keeps every document;
//! [`read_files`], for `verify`, only those that may be wrong (an unknown
//! status, a review) and of each file what its caller makes of it, and not
//! the root's lists unless one may be.

use std::fmt;
use std::io::{self, Read};

mod documents;
#[cfg(test)]
mod equivalence;
mod walk;

use self::walk::Walk;
use super::graph::Invalid;
use crate::collection::{Aspect, Status};

/// Whether the crate `json` streams is one corpack wrote: its `@context`
/// defines corpack's terms, as every crate corpack writes does (verify
/// judges the records of such a crate only). The rest is skipped unread.
pub fn written_by_corpack(json: &mut dyn Read) -> bool {
    #[derive(serde::Deserialize)]
    struct Context {
        #[serde(rename = "@context")]
        context: Option<serde_json::Value>,
    }
    let json = io::BufReader::with_capacity(1 << 16, json);
    serde_json::from_reader::<_, Context>(json)
        .is_ok_and(|crate_json| documents::uses_corpack_terms(crate_json.context.as_ref()))
}

/// What an RO-Crate holds and describes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrateSummary {
    /// The payload files (`File` entities with a relative `@id`), in graph
    /// order. Web-based files (absolute URLs) and local `#…` ids are not
    /// payload and are left out.
    pub files: Vec<CrateFile>,
    /// The documents: `File`s the root lists in `hasPart` that carry an
    /// `identifier`, then entities the root `mentions` with `held: false`;
    /// each group in graph order.
    pub documents: Vec<DocumentSummary>,
}

/// A payload file as the metadata describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrateFile {
    /// The path relative to the crate root (`data/` in a bag), decoded from
    /// the percent-encoded `@id`; checked to stay inside the crate.
    pub path: String,
    /// The `sha256` property, if any.
    pub sha256: Option<String>,
    /// The `contentSize` property, if it is a number of bytes (a JSON
    /// number or a string of digits); any other text, such as `"12 kB"`,
    /// is not compared with the file.
    pub content_size: Option<u64>,
}

/// One document, held or only catalogued.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct DocumentSummary {
    /// The record id (`identifier`).
    pub id: String,
    /// The title (`name`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The names of its authors, editors, translators and contributors, in
    /// that order (the record's `provenance.authors`, whatever their role).
    pub authors: Vec<String>,
    /// The date as written, in EDTF (`dateCreated`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The ISO 8601 interval the date can mean (`dateCreatedInterval`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_interval: Option<String>,
    /// The contested status (`creativeWorkStatus`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// What is disputed (`reviewAspect` of its `review`).
    pub aspects: Vec<Aspect>,
    /// The payload path of its file when it is held.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

impl DocumentSummary {
    /// Whether the document's file is in the crate.
    pub fn is_held(&self) -> bool {
        self.file.is_some()
    }
}

/// Why an `ro-crate-metadata.json` is not read.
#[derive(Debug)]
pub enum ReadError {
    /// Its bytes could not be read.
    Io(io::Error),
    /// It is not UTF-8.
    NotUtf8,
    /// It is not JSON, not an RO-Crate 1.1, or says what cannot be (a path
    /// leaving the crate, an unknown contested status, …).
    Invalid(String),
    /// It is an RO-Crate of another version (its `@context` or metadata
    /// descriptor names, say, RO-Crate 1.2's), which corpack does not read.
    OtherVersion(String),
}

impl From<Invalid> for ReadError {
    fn from(invalid: Invalid) -> ReadError {
        if invalid.is_other_version() {
            ReadError::OtherVersion(invalid.to_string())
        } else {
            ReadError::Invalid(invalid.to_string())
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(error) => error.fmt(f),
            ReadError::NotUtf8 => f.write_str("not UTF-8"),
            ReadError::Invalid(message) | ReadError::OtherVersion(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for ReadError {}

/// Reads an `ro-crate-metadata.json`: its files and its documents.
pub fn read(json: impl Read) -> Result<CrateSummary, ReadError> {
    let walked = Walk::new(true, |file| file).run(json)?;
    let (files, documents) = (walked.files, walked.documents);
    Ok(CrateSummary { files, documents })
}

/// The payload files a crate describes, as [`read_files`] gives them.
#[derive(Debug)]
pub struct CrateFiles<T> {
    /// In graph order, each as its caller made it.
    pub files: Vec<T>,
    /// The paths of the directories it describes (`Dataset`s with a path
    /// in the payload, but the root), in graph order.
    pub directories: Vec<String>,
    /// Whether the crate's `@context` maps some term into corpack's
    /// namespace: whether corpack wrote it, as far as a crate says.
    pub corpack_terms: bool,
}

/// An `ro-crate-metadata.json` that can be read more than once.
pub trait CrateJson {
    /// What `read` makes of a reader of the crate from its start; an error
    /// if it cannot be opened.
    fn read_with<T>(&self, read: impl FnOnce(&mut dyn Read) -> T) -> io::Result<T>;
}

impl CrateJson for &[u8] {
    fn read_with<T>(&self, read: impl FnOnce(&mut dyn Read) -> T) -> io::Result<T> {
        let mut bytes: &[u8] = self;
        Ok(read(&mut bytes))
    }
}

/// Reads the payload files an `ro-crate-metadata.json` describes, in graph
/// order, each made into what `keep` makes of it as it comes; nothing else
/// is kept. The crate is checked as [`read`] checks it, documents included:
/// on an error, what `keep` was given is dropped.
///
/// The root's `hasPart` and `mentions`, which say which entities are
/// documents, are as long as the crate: they are read only when some
/// document may be wrong (an unknown status, say), which is rare, in a
/// second reading of the crate.
pub fn read_files<T>(
    json: impl CrateJson,
    keep: impl FnMut(CrateFile) -> T,
) -> Result<CrateFiles<T>, ReadError> {
    let walked = json
        .read_with(|json| Walk::new(false, keep).without_lists().run(json))
        .map_err(ReadError::Io)??;
    if walked.documents_unread {
        // The second reading finds all else as the first, and the error of
        // a document, if one is wrong.
        json.read_with(|json| Walk::new(false, drop::<CrateFile>).run(json))
            .map_err(ReadError::Io)??;
    }
    Ok(CrateFiles {
        files: walked.files,
        directories: walked.directories,
        corpack_terms: walked.corpack_terms,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::rocrate::metadata_json;
    use crate::rocrate::testutil::{HELD_FILES, sample};

    #[test]
    fn reads_what_metadata_json_writes() {
        let (info, documents) = sample();
        let summary = read(metadata_json(&info, &documents).unwrap().as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));

        let paths: Vec<&str> = summary.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "documents/furr talk.txt",
                "documents/notes/Überblick.md",
                "documents/plain.txt"
            ]
        );
        for (file, (_, bytes)) in summary.files.iter().zip(HELD_FILES) {
            assert_eq!(file.content_size, Some(bytes.len() as u64));
            assert_eq!(file.sha256, Some(crate::digest::Digests::of(bytes).sha256));
        }

        let talk = &summary.documents[0];
        assert_eq!(
            *talk,
            DocumentSummary {
                id: "furr-2014".into(),
                title: Some("The Continuing Revolution in Stalin-Era Soviet History".into()),
                authors: vec!["Grover Furr".into(), "Josiah Carberry".into()],
                date: Some("2014-06-20?".into()),
                date_interval: Some("2014-06-20/2014-06-20".into()),
                status: Some(Status::Contested),
                aspects: vec![Aspect::Claims, Aspect::Date],
                file: Some("documents/furr talk.txt".into()),
            }
        );
        let overview = &summary.documents[1];
        assert_eq!(overview.id, "ueberblick");
        assert_eq!(
            overview.authors,
            ["Josiah Carberry", "Erika Editor", "Tom Translator"]
        );
        assert_eq!(overview.status, Some(Status::Uncontested));
        assert!(overview.aspects.is_empty());
        assert_eq!(
            overview.file.as_deref(),
            Some("documents/notes/Überblick.md")
        );
        assert_eq!(summary.documents[2].id, "plain");
        assert_eq!(
            summary.documents[2].authors,
            ["Corpus Workshop", "United Nations"]
        );
        assert_eq!(summary.documents[2].status, Some(Status::Contested));

        let letter = &summary.documents[3];
        assert_eq!(letter.id, "lost-letter");
        assert!(!letter.is_held());
        assert_eq!(letter.authors, ["Timothy Snyder", "Ian Interviewer"]);
        assert_eq!(letter.date.as_deref(), Some("2001-24"));
        assert_eq!(summary.documents.len(), 4);
    }

    /// A small crate someone else might write: single values, a numeric
    /// size, a size in schema.org's other words, a status and a review
    /// aspect in schema.org's sense (free text, not corpack's words), a
    /// file that is not a document, a web-based file.
    #[test]
    fn reads_single_values_and_foreign_files() {
        let crate_json = json!({
            "@context": "https://w3id.org/ro/crate/1.1/context",
            "@graph": [
                {"@id": "ro-crate-metadata.json", "@type": "CreativeWork",
                 "conformsTo": {"@id": "https://w3id.org/ro/crate/1.1"}, "about": {"@id": "./"}},
                {"@id": "./", "@type": ["Dataset"], "hasPart": [
                    {"@id": "a%20b.csv"}, {"@id": "doc.txt"}, {"@id": "https://example.org/x.pdf"},
                    {"@id": "missing.txt"}]},
                {"@id": "a%20b.csv", "@type": "File", "contentSize": 12},
                {"@id": "doc.txt", "@type": ["File", "ScholarlyArticle"], "identifier": "d1",
                 "contentSize": "2 kB", "creativeWorkStatus": "Published",
                 "review": {"@id": "#r"}, "author": [{"@id": "#p"}, "Plain Name"]},
                {"@id": "#r", "@type": "Review", "reviewAspect": "Quality"},
                {"@id": "#p", "@type": "Person", "name": "P. Erson"},
                {"@id": "https://example.org/x.pdf", "@type": "File"},
            ]
        });
        let summary = read(crate_json.to_string().as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            summary.files,
            [
                CrateFile {
                    path: "a b.csv".into(),
                    sha256: None,
                    content_size: Some(12)
                },
                CrateFile {
                    path: "doc.txt".into(),
                    sha256: None,
                    content_size: None
                },
            ]
        );
        assert_eq!(summary.documents.len(), 1);
        assert_eq!(summary.documents[0].authors, ["P. Erson", "Plain Name"]);
        assert_eq!(summary.documents[0].status, None);
        assert!(summary.documents[0].aspects.is_empty());
        let read = read_files(crate_json.to_string().as_bytes(), |file| file).unwrap();
        assert_eq!(read.files, summary.files);
        assert!(!read.corpack_terms);
    }

    #[test]
    fn file_ids_are_resolved_as_relative_uris() {
        let crate_with = |files: &[&str]| {
            let mut graph = vec![
                json!({"@id": "ro-crate-metadata.json", "@type": "CreativeWork",
                 "conformsTo": {"@id": "https://w3id.org/ro/crate/1.1"}, "about": {"@id": "./"}}),
                json!({"@id": "./", "@type": "Dataset"}),
            ];
            graph.extend(files.iter().map(|id| json!({"@id": id, "@type": "File"})));
            json!({"@context": "https://w3id.org/ro/crate/1.1/context", "@graph": graph})
                .to_string()
        };
        let ids = [
            "./a.txt",
            "sub/../b.txt",
            "%2E/c%20d.txt",
            "//example.org/x.pdf",
            "#f",
        ];
        let read = read_files(crate_with(&ids).as_bytes(), |file| file.path).unwrap();
        assert_eq!(read.files, ["a.txt", "b.txt", "c d.txt"]);
        assert!(read.directories.is_empty());
        for climbing in ["../x.txt", "sub/../../x.txt"] {
            let error = read_files(crate_with(&[climbing]).as_bytes(), |file| file).unwrap_err();
            assert!(
                error.to_string().contains("climbs out"),
                "{climbing}: {error}"
            );
        }
        let error = read_files(crate_with(&["/x.txt"]).as_bytes(), |file| file).unwrap_err();
        assert!(error.to_string().contains("absolute"), "{error}");
    }

    /// The sample crate, changed by `change`, read.
    fn edit(change: &dyn Fn(&mut Value)) -> Result<CrateSummary, ReadError> {
        let (info, documents) = sample();
        let mut crate_json: Value =
            serde_json::from_str(&metadata_json(&info, &documents).unwrap()).unwrap();
        change(&mut crate_json);
        read(crate_json.to_string().as_bytes())
    }

    #[test]
    fn another_version_of_rocrate_is_told_apart_from_what_is_no_crate() {
        let rocrate_1_2 = json!({"@id": "https://w3id.org/ro/crate/1.2"});
        for other_version in [
            edit(&|v| v["@context"] = json!("https://w3id.org/ro/crate/1.2/context")),
            edit(&|v| v["@context"] = json!(["https://w3id.org/ro/crate/1.0/context", {"x": "y"}])),
            edit(&|v| v["@graph"][0]["conformsTo"] = rocrate_1_2.clone()),
        ] {
            assert!(
                matches!(other_version, Err(ReadError::OtherVersion(_))),
                "{other_version:?}"
            );
        }
        for not_a_crate in [
            edit(&|v| v["@context"] = json!("https://schema.org/")),
            edit(&|v| v["@graph"][0]["conformsTo"] = json!({"@id": "https://example.org/x"})),
            edit(&|v| drop(v.as_object_mut().unwrap().remove("@context"))),
        ] {
            assert!(
                matches!(not_a_crate, Err(ReadError::Invalid(_))),
                "{not_a_crate:?}"
            );
        }
    }

    #[test]
    fn datasets_in_the_payload_are_directories_but_the_root() {
        let crate_json = json!({
            "@context": "https://w3id.org/ro/crate/1.1/context",
            "@graph": [
                {"@id": "ro-crate-metadata.json", "@type": "CreativeWork",
                 "conformsTo": {"@id": "https://w3id.org/ro/crate/1.1"}, "about": {"@id": "./"}},
                {"@id": "./", "@type": "Dataset"},
                {"@id": "sub/", "@type": "Dataset"},
                {"@id": "./other%20dir/", "@type": ["Dataset", "Collection"]},
                {"@id": "https://example.org/data/", "@type": "Dataset"},
                {"@id": "#set", "@type": "Dataset"},
                {"@id": "sub/a.txt", "@type": "File"},
            ]
        });
        let read = read_files(crate_json.to_string().as_bytes(), |file| file.path).unwrap();
        assert_eq!(read.directories, ["sub", "other dir"]);
        assert_eq!(read.files, ["sub/a.txt"]);
    }

    #[test]
    fn a_context_given_by_value_is_read_by_conforms_to() {
        // RO-Crate 1.1: the context "may either be set by reference ... or
        // by value", and clients check `conformsTo` rather than `@context`.
        let by_value = json!({"@vocab": "http://schema.org/", "sha256": "https://w3id.org/ro/terms/workflow-run#sha256"});
        let read_whole = edit(&|_| ()).unwrap();
        for context in [by_value.clone(), json!([by_value.clone()])] {
            let read = edit(&|v| v["@context"] = context.clone()).unwrap();
            assert_eq!(read.files, read_whole.files);
        }
        let rocrate_1_2 = json!({"@id": "https://w3id.org/ro/crate/1.2"});
        let other_version = edit(&|v| {
            v["@context"] = by_value.clone();
            v["@graph"][0]["conformsTo"] = rocrate_1_2.clone();
        });
        assert!(
            matches!(other_version, Err(ReadError::OtherVersion(_))),
            "{other_version:?}"
        );
        let named_other = edit(&|v| {
            v["@context"] = json!(["https://w3id.org/ro/crate/1.2/context", by_value.clone()]);
        });
        assert!(
            matches!(named_other, Err(ReadError::OtherVersion(_))),
            "{named_other:?}"
        );
    }

    #[test]
    fn rejects_what_is_not_an_rocrate_1_1() {
        let (info, documents) = sample();
        let good: Value = serde_json::from_str(&metadata_json(&info, &documents).unwrap()).unwrap();
        let edit = |change: &dyn Fn(&mut Value)| {
            let mut bad = good.clone();
            change(&mut bad);
            bad.to_string()
        };
        let cases: Vec<(String, &str)> = vec![
            ("{".into(), "not JSON"),
            (format!("\u{feff}{}", edit(&|_| ())), "byte-order mark"),
            ("\u{feff}".into(), "byte-order mark"),
            ("[".repeat(200), "more than 128 deep, past corpack's limit"),
            (
                edit(&|v| v["@graph"][0]["conformsTo"] = json!("https://w3id.org/ro/crate/1.1")),
                "has no conformsTo naming {\"@id\"",
            ),
            ("[]".into(), "not an object"),
            (
                edit(&|v| drop(v.as_object_mut().unwrap().remove("@graph"))),
                "no @graph",
            ),
            (
                edit(&|v| drop(v.as_object_mut().unwrap().remove("@context"))),
                "no @context",
            ),
            (
                edit(&|v| v["@context"] = json!("https://w3id.org/ro/crate/1.2/context")),
                "does not name https://w3id.org/ro/crate/1.1/context",
            ),
            (
                edit(&|v| v["@graph"][0]["@id"] = json!("other.json")),
                "no metadata descriptor",
            ),
            (
                edit(&|v| {
                    v["@graph"][0]["conformsTo"] = json!({"@id": "https://w3id.org/ro/crate/1.2"})
                }),
                "not an RO-Crate 1.1",
            ),
            (
                edit(&|v| v["@graph"][0]["about"] = json!({"@id": "#nowhere"})),
                "not in the @graph",
            ),
            (
                edit(&|v| v["@graph"][1]["@type"] = json!("CreativeWork")),
                "is not a Dataset",
            ),
            (
                edit(&|v| v["@graph"][3] = v["@graph"][2].clone()),
                "two entities",
            ),
            (
                edit(&|v| drop(v["@graph"][2].as_object_mut().unwrap().remove("@id"))),
                "has no @id",
            ),
            (
                edit(&|v| v["@graph"][2]["@id"] = json!("../../etc/passwd")),
                "climbs out of the crate's root",
            ),
            (
                edit(&|v| v["@graph"][2]["creativeWorkStatus"] = json!("disputed")),
                "unknown contested status \"disputed\"",
            ),
        ];
        for (json, expected) in cases {
            match read(json.as_bytes()) {
                Ok(_) => panic!("accepted, expected {expected:?}"),
                Err(error) => {
                    let message = error.to_string();
                    assert!(message.contains(expected), "{message:?} lacks {expected:?}")
                }
            }
        }
    }

    #[test]
    fn reads_entities_in_any_order() {
        let (info, documents) = sample();
        let json = metadata_json(&info, &documents).unwrap();
        let in_order = read(json.as_bytes()).unwrap();
        // The files first, the root and the metadata descriptor last.
        let mut crate_json: Value = serde_json::from_str(&json).unwrap();
        crate_json["@graph"].as_array_mut().unwrap().reverse();
        let reversed = read(crate_json.to_string().as_bytes()).unwrap();
        assert_eq!(reversed.documents, in_order.documents);
        let mut files = in_order.files;
        files.reverse();
        assert_eq!(reversed.files, files);
    }

    #[test]
    fn a_key_given_twice_counts_as_its_last() {
        let crate_json = json!({
            "@context": "https://w3id.org/ro/crate/1.1/context",
            "@graph": [
                {"@id": "ro-crate-metadata.json", "conformsTo": {"@id": "https://w3id.org/ro/crate/1.1"},
                 "about": {"@id": "./"}},
                {"@id": "./", "@type": "Dataset"},
                {"@id": "a.txt", "@type": "File", "contentSize": "12 kB", "contentSize": 3},
            ]
        })
        .to_string();
        let earlier = r#"{"@graph": [{"@id": "b.txt", "@type": "File"}], "@context": 5, "#;
        let json = format!("{earlier}{}", &crate_json[1..]);
        let files = read(json.as_bytes()).unwrap().files;
        assert_eq!(
            files,
            [CrateFile {
                path: "a.txt".into(),
                sha256: None,
                content_size: Some(3)
            }]
        );
        let later = format!(
            "{}, \"@graph\": {{}}}}",
            &crate_json[..crate_json.len() - 1]
        );
        let error = read(later.as_bytes()).unwrap_err().to_string();
        assert_eq!(error, "not an RO-Crate: no @graph array");
    }

    #[test]
    fn read_files_keeps_what_it_is_given_and_checks_the_documents() {
        let (info, documents) = sample();
        let json = metadata_json(&info, &documents).unwrap();
        let read = read_files(json.as_bytes(), |file| file.content_size).unwrap();
        assert_eq!(read.files, [Some(26), Some(13), Some(6)]);
        assert!(read.corpack_terms);
        let bad = json.replace("\"contested\"", "\"disputed\"");
        let error = read_files(bad.as_bytes(), |file| file).unwrap_err();
        assert_eq!(
            error.to_string(),
            "document \"documents/furr%20talk.txt\": unknown contested status \"disputed\""
        );
    }

    /// A crate read as a [`CrateJson`] that counts its readings.
    struct Counted<'a> {
        bytes: &'a [u8],
        readings: std::cell::Cell<usize>,
    }

    impl CrateJson for &Counted<'_> {
        fn read_with<T>(&self, read: impl FnOnce(&mut dyn Read) -> T) -> io::Result<T> {
            self.readings.set(self.readings.get() + 1);
            self.bytes.read_with(read)
        }
    }

    /// The root's lists are read, in a second reading, only when a
    /// document may be wrong: its error is then found, and when the root
    /// does not list it, there is none.
    #[test]
    fn read_files_reads_the_root_s_lists_again_only_when_a_document_may_be_wrong() {
        let (info, documents) = sample();
        let json = metadata_json(&info, &documents).unwrap();
        let unlisted = {
            let mut crate_json: Value = serde_json::from_str(&json).unwrap();
            let graph = crate_json["@graph"].as_array_mut().unwrap();
            let root = graph.iter_mut().find(|e| e["@id"] == "./").unwrap();
            let parts = root["hasPart"].as_array_mut().unwrap();
            parts.retain(|part| part["@id"] != "documents/furr%20talk.txt");
            crate_json.to_string()
        };
        // The talk's status, which the first says.
        let disputed = |json: &str| json.replacen("\"contested\"", "\"disputed\"", 1);
        for (json, readings, error) in [
            (json.clone(), 1, None),
            (
                disputed(&json),
                2,
                Some("unknown contested status \"disputed\""),
            ),
            (disputed(&unlisted), 2, None),
        ] {
            let counted = Counted {
                bytes: json.as_bytes(),
                readings: Default::default(),
            };
            let read = read_files(&counted, |file| file.path);
            assert_eq!(counted.readings.get(), readings, "{error:?}");
            match (read, error) {
                (Ok(read), None) => assert_eq!(read.files.len(), 3),
                (Err(found), Some(error)) => assert!(found.to_string().contains(error), "{found}"),
                (read, _) => panic!("{error:?}: {:?}", read.map(|read| read.files)),
            }
        }
    }

    /// Without summaries, a document kept by its reviews alone gets the
    /// error reading it whole gives, for each document a review of an
    /// unknown aspect makes wrong, held or catalogued.
    #[test]
    fn read_files_finds_the_review_of_an_unknown_aspect_as_read_does() {
        let (info, documents) = sample();
        let json = metadata_json(&info, &documents).unwrap();
        let crate_json: Value = serde_json::from_str(&json).unwrap();
        let graph = crate_json["@graph"].as_array().unwrap();
        let reviews: Vec<&str> = (graph.iter())
            .filter(|entity| entity.get("reviewAspect").is_some())
            .map(|entity| entity["@id"].as_str().unwrap())
            .collect();
        assert_eq!(reviews.len(), 1);
        // The review is a held document's, then a catalogued one's.
        for catalogued in [false, true] {
            let mut bad = crate_json.clone();
            for entity in bad["@graph"].as_array_mut().unwrap() {
                if entity["@id"] == reviews[0] {
                    entity["reviewAspect"] = json!(["claims", "tone"]);
                }
                if catalogued {
                    if entity["held"] == json!(false) {
                        entity["review"] = json!({"@id": reviews[0]});
                    } else if let Some(entity) = entity.as_object_mut() {
                        entity.remove("review");
                    }
                }
            }
            let bad = bad.to_string();
            let review = catalogued;
            let whole = read(bad.as_bytes()).err().map(|error| error.to_string());
            let files = read_files(bad.as_bytes(), |file| file).err();
            assert_eq!(files.map(|error| error.to_string()), whole, "{review}");
            assert!(whole.unwrap().contains("unknown contested aspect \"tone\""));
        }
    }

    /// Reads what it is given a byte at a time, then fails if told to.
    struct Trickle<'a> {
        bytes: &'a [u8],
        then_fail: bool,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
            match self.bytes.split_first() {
                Some((first, rest)) if !buffer.is_empty() => {
                    buffer[0] = *first;
                    self.bytes = rest;
                    Ok(1)
                }
                _ if self.then_fail => Err(io::Error::other("CRC-32 differs")),
                _ => Ok(0),
            }
        }
    }

    #[test]
    fn a_read_error_is_reported_before_what_was_read() {
        let (info, documents) = sample();
        let json = metadata_json(&info, &documents).unwrap();
        let trickle = |bytes, then_fail| Trickle { bytes, then_fail };
        let whole = read(trickle(json.as_bytes(), false)).unwrap();
        assert_eq!(whole, read(json.as_bytes()).unwrap());
        let failed = read(trickle(json.as_bytes(), true)).unwrap_err();
        assert!(matches!(&failed, ReadError::Io(e) if e.to_string() == "CRC-32 differs"));
        // Even when the bytes read are neither a crate nor UTF-8.
        let cut = trickle(&json.as_bytes()[..json.find('Ü').unwrap() + 1], true);
        assert!(matches!(read(cut), Err(ReadError::Io(_))));
        let cut = trickle(&json.as_bytes()[..json.find('Ü').unwrap() + 1], false);
        assert!(matches!(read(cut), Err(ReadError::NotUtf8)));
    }
}
