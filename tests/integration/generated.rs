//! Generated collections for the export property tests: random records
//! that use every part of the model and the values exporters trip on
//! (XML and JSON metacharacters, line breaks, non-ASCII, open and unknown
//! EDTF dates, years out of range, file names DSpace reserves), written as
//! collection directories and packed into bundles.
//!
//! Each case would run a Python validator, so the tests draw a modest
//! number of collections, export them all, and run each validator once
//! over the lot.

use std::path::{Path, PathBuf};

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

use crate::util::corpack;

/// One generated document.
#[derive(Clone, Debug)]
pub struct GenDocument {
    title: String,
    file: &'static str,
    held: bool,
    language: Option<&'static str>,
    license: Option<&'static str>,
    rights: Option<String>,
    /// Name, role, and who: [`PERSON`], [`ORCID_PERSON`] or
    /// [`ORGANIZATION`].
    authors: Vec<(String, &'static str, u8)>,
    date: Option<&'static str>,
    date_note: Option<String>,
    origin: Option<(String, bool)>,
    venue: Option<String>,
    event: Option<String>,
    publisher: Option<String>,
    context: Option<String>,
    status: &'static str,
    aspects: Vec<&'static str>,
    summary: Option<String>,
    /// Citation and kind: cited alone, with a DOI, with a URL, or another
    /// document of the collection (see [`GenDocument::toml`]).
    disputed_by: Vec<(String, u8)>,
    /// Name, and whether it is an organization.
    assessed_by: Option<(String, bool)>,
}

/// One generated collection.
#[derive(Clone, Debug)]
pub struct GenCollection {
    title: String,
    description: String,
    source_organization: Option<String>,
    contact_name: Option<String>,
    documents: Vec<GenDocument>,
}

/// Text with what breaks XML, JSON, TOML and tab-separated files.
fn text() -> impl Strategy<Value = String> {
    "[A-Za-zÜéЖж0-9][A-Za-zÜéЖж0-9 ,.;:'\"<>&|\\\\\n\t()#%/=-]{0,24}[A-Za-z0-9.]"
}

const FILES: &[&str] = &[
    "a.txt",
    "notes/Über blick.md",
    "contents",
    "dir/dublin_core.xml",
    "metadata_notes.xml",
    "-r -s 1 -f x.txt",
    "corpack-record.json",
    "talk.pdf",
    "audio/interview.mp3",
    "a/b/c/deep name.csv",
];

const DATES: &[&str] = &[
    "2014-06-20?",
    "1937~",
    "193X",
    "19XX",
    "2004-06-XX",
    "2001-24",
    "1936/1938",
    "1984?/2004~",
    "../1938",
    "1938/",
    "1938/..",
    "-0044",
    "Y170000002",
    "1985-04-12T23:20:30Z",
    "0000",
];

const LANGUAGES: &[&str] = &["en", "de-CH", "ru", "gsw", "zh-Hant", "x-private", "fr-CA"];
const ROLES: &[&str] = &[
    "author",
    "speaker",
    "editor",
    "translator",
    "transcriber",
    "interviewer",
];
const ASPECTS: &[&str] = &["claims", "authenticity", "attribution", "date"];

/// A person named by the record alone.
const PERSON: u8 = 0;
/// A person with an ORCID iD.
const ORCID_PERSON: u8 = 1;
/// An organization.
const ORGANIZATION: u8 = 2;

fn document() -> impl Strategy<Value = GenDocument> {
    let who = vec(
        (
            text(),
            proptest::sample::select(ROLES),
            PERSON..=ORGANIZATION,
        ),
        0..4,
    );
    (
        (
            text(),
            any::<bool>(),
            option::of(proptest::sample::select(LANGUAGES)),
            option::of(proptest::sample::select(
                &["CC-BY-4.0", "https://example.org/licence"][..],
            )),
            option::of(text()),
            who,
        ),
        (
            option::of(proptest::sample::select(DATES)),
            option::of(text()),
            option::of((text(), any::<bool>())),
            option::of(text()),
            option::of(text()),
            option::of(text()),
            option::of(text()),
        ),
        (
            proptest::sample::select(&["contested", "uncontested", "unassessed"][..]),
            proptest::sample::subsequence(ASPECTS, 0..=4),
            option::of(text()),
            vec((text(), 0..4u8), 0..3),
            option::of((text(), any::<bool>())),
        ),
    )
        .prop_map(
            |(
                (title, held, language, license, rights, authors),
                (date, date_note, origin, venue, event, publisher, context),
                (status, aspects, summary, disputed_by, assessed_by),
            )| GenDocument {
                title,
                file: "",
                held,
                language,
                license,
                rights,
                authors,
                date,
                date_note,
                origin,
                venue,
                event,
                publisher,
                context,
                status,
                aspects,
                summary,
                disputed_by,
                assessed_by,
            },
        )
}

fn collection() -> impl Strategy<Value = GenCollection> {
    (
        text(),
        text(),
        option::of(text()),
        option::of(text()),
        vec(document(), 1..5),
        proptest::sample::subsequence(FILES, 4),
    )
        .prop_map(
            |(title, description, source_organization, contact_name, mut documents, files)| {
                for (document, file) in documents.iter_mut().zip(files) {
                    document.file = file;
                }
                GenCollection {
                    title,
                    description,
                    source_organization,
                    contact_name,
                    documents,
                }
            },
        )
}

/// `count` collections, the same ones on every run.
pub fn collections(count: usize) -> Vec<GenCollection> {
    let mut runner = TestRunner::deterministic();
    let strategy = collection();
    (0..count)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect()
}

fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

impl GenCollection {
    /// Writes the collection into `dir` (created) as `collection.toml`
    /// with the held documents' files, the others declared by checksum.
    pub fn write(&self, dir: &Path, id: &str) {
        let mut toml = format!(
            "[collection]\nid = \"{id}\"\ntitle = {}\ndescription = {}\nlicense = \"CC-BY-4.0\"\ndate = \"2026-11-25\"\n",
            quoted(&self.title),
            quoted(&self.description)
        );
        if let Some(name) = &self.source_organization {
            toml.push_str(&format!("source_organization = {}\n", quoted(name)));
        }
        if let Some(name) = &self.contact_name {
            toml.push_str(&format!("contact_name = {}\n", quoted(name)));
        }
        let count = self.documents.len();
        for (index, document) in self.documents.iter().enumerate() {
            toml.push_str(&document.toml(dir, index, count));
        }
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join("collection.toml"), toml).unwrap();
    }
}

impl GenDocument {
    /// The `[[document]]` table of the document at `index` of `count`.
    fn toml(&self, dir: &Path, index: usize, count: usize) -> String {
        let bytes = format!("document {index}: {}\n", self.title);
        let mut toml = format!(
            "\n[[document]]\nid = \"d{index}\"\ntitle = {}\nfile = {}\n",
            quoted(&self.title),
            quoted(self.file)
        );
        if self.held {
            let path = dir.join(self.file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, &bytes).unwrap();
        } else {
            use sha2::Digest;
            let sha256 = hex::encode(sha2::Sha256::digest(bytes.as_bytes()));
            toml.push_str(&format!("sha256 = \"{sha256}\"\n"));
        }
        let optional = [
            ("language", self.language.map(str::to_string)),
            ("license", self.license.map(str::to_string)),
            ("rights", self.rights.clone()),
        ];
        for (key, value) in optional {
            if let Some(value) = value {
                toml.push_str(&format!("{key} = {}\n", quoted(&value)));
            }
        }
        toml.push_str("[document.provenance]\n");
        // A person or organization is listed once per role.
        let mut seen = std::collections::BTreeSet::new();
        let authors: Vec<String> = self
            .authors
            .iter()
            .filter(|(name, role, who)| {
                let name = if *who == ORCID_PERSON {
                    "Josiah Carberry"
                } else {
                    name
                };
                seen.insert((name.to_string(), *role, *who))
            })
            .map(|(name, role, who)| match *who {
                // One ORCID iD is one person, with one name everywhere: the
                // iD of ORCID's test person, Josiah Carberry.
                ORCID_PERSON => format!(
                    "{{ name = \"Josiah Carberry\", role = \"{role}\", orcid = \"0000-0002-1825-0097\" }}"
                ),
                ORGANIZATION => format!(
                    "{{ name = {}, type = \"organization\", role = \"{role}\" }}",
                    quoted(name)
                ),
                _ => format!("{{ name = {}, role = \"{role}\" }}", quoted(name)),
            })
            .collect();
        toml.push_str(&format!("authors = [{}]\n", authors.join(", ")));
        if let Some(date) = self.date {
            toml.push_str(&format!("date = \"{date}\"\n"));
        }
        if let Some((name, url)) = &self.origin {
            if *url {
                toml.push_str(&format!(
                    "origin = {{ name = {}, url = \"https://example.org/origin\" }}\n",
                    quoted(name)
                ));
            } else {
                toml.push_str(&format!("origin = {}\n", quoted(name)));
            }
        }
        let optional = [
            ("date_note", &self.date_note),
            ("venue", &self.venue),
            ("event", &self.event),
            ("publisher", &self.publisher),
            ("context", &self.context),
        ];
        for (key, value) in optional {
            if let Some(value) = value {
                toml.push_str(&format!("{key} = {}\n", quoted(value)));
            }
        }
        toml.push_str(&format!(
            "[document.contested]\nstatus = \"{}\"\n",
            self.status
        ));
        let aspects: Vec<String> = self.aspects.iter().map(|a| format!("\"{a}\"")).collect();
        toml.push_str(&format!("aspects = [{}]\n", aspects.join(", ")));
        let mut disputing = std::collections::BTreeSet::new();
        let works: Vec<String> = self
            .disputed_by
            .iter()
            .enumerate()
            .filter_map(|(work, (citation, kind))| match kind {
                0 => Some(quoted(citation)),
                // One DOI or URL is one work: each is its own.
                1 => Some(format!(
                    "{{ citation = {}, type = \"article\", doi = \"10.1000/d{index}.{work}\" }}",
                    quoted(citation)
                )),
                2 => Some(format!(
                    "{{ citation = {}, type = \"webpage\", url = \"https://example.org/review/d{index}/{work}\" }}",
                    quoted(citation)
                )),
                // Another document, each once, cited one way wherever it
                // disputes: by a citation of its own when its number is
                // even, else by its title.
                _ => {
                    let other = (index + 1 + work) % count;
                    if other == index || !disputing.insert(other) {
                        return None;
                    }
                    Some(if other.is_multiple_of(2) {
                        format!("{{ document = \"d{other}\", citation = \"Document <{other}> & co\" }}")
                    } else {
                        format!("{{ document = \"d{other}\" }}")
                    })
                }
            })
            .collect();
        toml.push_str(&format!("disputed_by = [{}]\n", works.join(", ")));
        if let Some(summary) = &self.summary {
            toml.push_str(&format!("summary = {}\n", quoted(summary)));
        }
        match &self.assessed_by {
            Some((name, true)) => toml.push_str(&format!(
                "assessed_by = {{ name = {}, type = \"organization\" }}\n",
                quoted(name)
            )),
            Some((name, false)) => {
                toml.push_str(&format!("assessed_by = {}\n", quoted(name)));
            }
            None => {}
        }
        toml
    }
}

/// Writes and packs `count` generated collections under `dir`; returns the
/// bundles.
pub fn bundles(dir: &Path, count: usize) -> Vec<PathBuf> {
    collections(count)
        .iter()
        .enumerate()
        .map(|(index, collection)| {
            let id = format!("gen-{index}");
            let source = dir.join(&id);
            collection.write(&source, &id);
            let bundle = dir.join(format!("{id}.zip"));
            corpack()
                .arg("pack")
                .arg(&source)
                .arg("-o")
                .arg(&bundle)
                .arg("--quiet")
                .assert()
                .success();
            bundle
        })
        .collect()
}
