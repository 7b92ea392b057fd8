//! Property-test strategies: any valid collection, in the order an RO-Crate
//! keeps (documents by file, people grouped by role; see
//! [`crate::rocrate::read_collection`]).

use std::collections::{BTreeMap, BTreeSet};

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

use super::values::{
    DocumentPath, IsoDate, LanguageTag, License, MediaType, Orcid, Sha256Hex, Slug,
};
use super::{
    Aspect, Author, Collection, CollectionInfo, Contested, Document, Provenance, Role, Status,
};
use crate::edtf::EdtfDate;

/// A name: letters of several scripts, punctuation that means something in
/// TOML, CSV, HTML or corpack's cell syntax, no white space at either end.
pub fn name() -> impl Strategy<Value = String> {
    "[A-Za-zÜéЖж0-9][A-Za-zÜéЖж0-9 ,.;:'\"<>&|\\\\()#%/=-]{0,14}[A-Za-zÜéЖж0-9.)]"
}

/// Free text: like a name, with line breaks and spaces anywhere inside.
pub fn text() -> impl Strategy<Value = String> {
    "[A-Za-zÜéЖ0-9][A-Za-zÜéЖ0-9 ,.;:'\"<>&|\\\\\n\t-]{0,30}"
}

pub fn slug() -> impl Strategy<Value = Slug> {
    "[a-z0-9]{1,4}(-[a-z0-9]{1,4}){0,2}".prop_map(|s| s.parse().unwrap())
}

pub fn iso_date() -> impl Strategy<Value = IsoDate> {
    (1900..2100u32, 1..=12u32, 1..=28u32)
        .prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}").parse().unwrap())
}

pub fn edtf_date() -> impl Strategy<Value = EdtfDate> {
    prop::sample::select(vec![
        "2014-06-20?",
        "1937~",
        "193X",
        "1936/1938",
        "../1938",
        "1938/",
        "2001-24",
        "2004-06-XX",
        "1984?/2004%",
        "-0043-03-15",
        "Y170000002",
        "1985-04-12T23:20:30Z",
    ])
    .prop_map(|s| s.parse().unwrap())
}

pub fn license() -> impl Strategy<Value = License> {
    prop::sample::select(vec![
        "CC-BY-4.0",
        "CC0-1.0",
        "MIT",
        "https://rightsstatements.org/vocab/InC/1.0/",
    ])
    .prop_map(|s| s.parse().unwrap())
}

pub fn media_type() -> impl Strategy<Value = MediaType> {
    prop::sample::select(vec![
        "text/plain",
        "text/markdown",
        "application/pdf",
        "image/tiff",
    ])
    .prop_map(|s| s.parse().unwrap())
}

pub fn language() -> impl Strategy<Value = LanguageTag> {
    prop::sample::select(vec!["en", "ru", "de-CH", "zh-Hant-TW"]).prop_map(|s| s.parse().unwrap())
}

pub fn sha256() -> impl Strategy<Value = Sha256Hex> {
    "[0-9a-f]{64}".prop_map(|s| s.parse().unwrap())
}

pub fn orcid() -> impl Strategy<Value = Orcid> {
    ("[0-9]{15}", prop::sample::select(b"0123456789X".to_vec())).prop_filter_map(
        "a valid check digit",
        |(digits, check)| {
            let mut bare = String::new();
            for (i, c) in digits.chars().chain([char::from(check)]).enumerate() {
                if i > 0 && i % 4 == 0 {
                    bare.push('-');
                }
                bare.push(c);
            }
            bare.parse().ok()
        },
    )
}

pub fn document_path() -> impl Strategy<Value = DocumentPath> {
    vec("[A-Za-z0-9Ü _.-]{1,8}", 1..3)
        .prop_filter_map("a safe path", |parts| parts.join("/").parse().ok())
}

fn role() -> impl Strategy<Value = Role> {
    prop::sample::select(vec![
        Role::Author,
        Role::Speaker,
        Role::Editor,
        Role::Translator,
        Role::Transcriber,
        Role::Interviewer,
    ])
}

fn author() -> impl Strategy<Value = Author> {
    (name(), role(), option::weighted(0.3, orcid())).prop_map(|(name, role, orcid)| Author {
        name,
        role,
        orcid,
    })
}

/// Origins: free text, or an http(s) URL.
fn origin() -> impl Strategy<Value = String> {
    prop_oneof![text(), "https://example\\.org/[a-z0-9/?=&]{0,12}"]
}

fn email() -> impl Strategy<Value = String> {
    "[a-z]{1,6}@example\\.org"
}

fn provenance() -> impl Strategy<Value = Provenance> {
    (
        vec(author(), 0..4),
        option::of(edtf_date()),
        option::of(text()),
        option::of(origin()),
        option::of(name()),
        option::of(name()),
        option::of(name()),
        option::of(text()),
    )
        .prop_map(
            |(mut authors, date, date_note, origin, venue, event, publisher, context)| {
                authors.sort_by_key(|a| a.role);
                let mut seen = BTreeSet::new();
                authors.retain(|a| seen.insert((a.name.clone(), a.role, a.orcid.clone())));
                Provenance {
                    authors,
                    date,
                    date_note,
                    origin,
                    venue,
                    event,
                    publisher,
                    context,
                }
            },
        )
}

fn contested() -> impl Strategy<Value = Contested> {
    let status = prop::sample::select(vec![
        Status::Unassessed,
        Status::Uncontested,
        Status::Contested,
    ]);
    let aspect = prop::sample::select(vec![
        Aspect::Claims,
        Aspect::Authenticity,
        Aspect::Attribution,
        Aspect::Date,
    ]);
    (
        status,
        vec(aspect, 0..3),
        option::of(text()),
        vec(name(), 0..3),
        option::of(name()),
        option::of(iso_date()),
    )
        .prop_map(
            |(status, mut aspects, summary, mut disputed_by, assessed_by, assessed_on)| {
                let mut seen = BTreeSet::new();
                aspects.retain(|a| seen.insert(*a));
                let mut seen = BTreeSet::new();
                disputed_by.retain(|c| seen.insert(c.clone()));
                Contested {
                    status,
                    aspects,
                    summary,
                    disputed_by,
                    assessed_by,
                    assessed_on,
                }
            },
        )
}

fn document() -> impl Strategy<Value = Document> {
    (
        (slug(), name(), document_path(), media_type()),
        (option::of(language()), option::of(sha256())),
        provenance(),
        contested(),
    )
        .prop_map(
            |((id, title, file, media_type), (language, sha256), provenance, contested)| Document {
                id,
                title,
                file,
                media_type: Some(media_type),
                language,
                sha256,
                provenance,
                contested,
            },
        )
}

pub fn info() -> impl Strategy<Value = CollectionInfo> {
    (
        (slug(), name(), text(), license(), iso_date()),
        (option::of(name()), option::of(name()), option::of(email())),
    )
        .prop_map(
            |((id, title, description, license, date), (organization, contact_name, email))| {
                CollectionInfo {
                    id,
                    title,
                    description,
                    license,
                    date,
                    source_organization: organization,
                    contact_name,
                    contact_email: email,
                }
            },
        )
}

/// Any valid collection of up to `max_documents` documents, in RO-Crate
/// order.
pub fn collection(max_documents: usize) -> impl Strategy<Value = Collection> {
    (info(), vec(document(), 0..=max_documents)).prop_map(|(info, documents)| {
        let mut collection = Collection { info, documents };
        make_valid(&mut collection);
        collection
    })
}

/// Drops documents whose id or file is taken and gives every ORCID iD one
/// name (the person it identifies is one entity); sorts by file.
fn make_valid(collection: &mut Collection) {
    let mut ids = BTreeSet::new();
    let mut files = BTreeSet::new();
    collection
        .documents
        .retain(|d| ids.insert(d.id.clone()) && files.insert(d.file.clone()));
    collection.documents.sort_by(|a, b| a.file.cmp(&b.file));
    let mut names: BTreeMap<Orcid, String> = BTreeMap::new();
    for document in &mut collection.documents {
        for author in &mut document.provenance.authors {
            if let Some(orcid) = &author.orcid {
                let name = names.entry(orcid.clone()).or_insert(author.name.clone());
                author.name = name.clone();
            }
        }
        let mut seen = BTreeSet::new();
        let authors = &mut document.provenance.authors;
        authors.retain(|a| seen.insert((a.name.clone(), a.role, a.orcid.clone())));
    }
}
