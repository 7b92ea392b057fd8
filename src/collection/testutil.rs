//! Property-test strategies: any valid collection, in the order an RO-Crate
//! keeps (documents by file, people by the schema.org property that links
//! them; see [`crate::rocrate::read_collection`]).

use std::collections::{BTreeMap, BTreeSet};

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

use super::values::{
    DocumentPath, Doi, GeonamesId, IsoDate, LanguageTag, License, MediaType, Orcid, Sha256Hex,
    Slug, WebUrl, WikidataId,
};
use super::{
    Aspect, Assessor, Author, AuthorType, CitedWork, Collection, CollectionInfo, Contested,
    DisputingWork, Document, Place, Provenance, Role, Status, WorkType,
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
        // The same licence in other case, and as its SPDX page: one entity
        // in a crate.
        "mit",
        "https://spdx.org/licenses/MIT",
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

pub fn wikidata() -> impl Strategy<Value = WikidataId> {
    "Q[1-9][0-9]{0,6}".prop_map(|s| s.parse().unwrap())
}

pub fn geonames() -> impl Strategy<Value = GeonamesId> {
    "[1-9][0-9]{0,7}".prop_map(|s| s.parse().unwrap())
}

pub fn web_url() -> impl Strategy<Value = WebUrl> {
    "https://example\\.org/[a-z0-9/?=&%]{0,12}".prop_map(|s| s.parse().unwrap())
}

pub fn doi() -> impl Strategy<Value = Doi> {
    "10\\.[0-9]{4,5}/[a-z0-9.()/<>#?%ü-]{1,10}".prop_map(|s| s.parse().unwrap())
}

/// Puts `authors` in the order an RO-Crate gives them back: by the
/// schema.org property each role is linked by (author and speaker,
/// editor, translator, then transcriber and interviewer); within one, the
/// roles' lists merged, each next person the one the property names first
/// (where first named), a person named in several roles by role.
fn in_crate_order(authors: &mut [Author]) {
    let property = |role: Role| match role {
        Role::Author | Role::Speaker => 0,
        Role::Editor => 1,
        Role::Translator => 2,
        Role::Transcriber | Role::Interviewer => 3,
    };
    let same_agent = |a: &Author, b: &Author| {
        (&a.name, a.kind, &a.orcid, &a.wikidata) == (&b.name, b.kind, &b.orcid, &b.wikidata)
    };
    let mut ordered = Vec::new();
    for linked_by in 0..4 {
        let group: Vec<&Author> = (authors.iter())
            .filter(|a| property(a.role) == linked_by)
            .collect();
        let named_at = |a: &Author| group.iter().position(|b| same_agent(a, b));
        let mut waiting: Vec<(Role, Vec<&Author>)> = Vec::new();
        for author in &group {
            match waiting.iter_mut().find(|(role, _)| *role == author.role) {
                Some((_, people)) => people.push(author),
                None => waiting.push((author.role, vec![author])),
            }
        }
        waiting.sort_by_key(|(role, _)| *role);
        while let Some((_, _, at)) = (waiting.iter().enumerate())
            .filter_map(|(at, (role, people))| people.first().map(|a| (named_at(a), *role, at)))
            .min()
        {
            ordered.push(waiting[at].1.remove(0).clone());
        }
    }
    authors.clone_from_slice(&ordered);
}

/// A person, with or without an ORCID iD, or an organization, which has
/// none.
fn author() -> impl Strategy<Value = Author> {
    let kind_and_orcid = prop_oneof![
        3 => option::weighted(0.3, orcid()).prop_map(|orcid| (AuthorType::Person, orcid)),
        1 => Just((AuthorType::Organization, None)),
    ];
    (
        name(),
        kind_and_orcid,
        role(),
        option::weighted(0.3, wikidata()),
    )
        .prop_map(|(name, (kind, orcid), role, wikidata)| Author {
            name,
            kind,
            role,
            orcid,
            wikidata,
        })
}

fn assessor() -> impl Strategy<Value = Assessor> {
    let kind = prop_oneof![3 => Just(AuthorType::Person), 1 => Just(AuthorType::Organization)];
    (name(), kind).prop_map(|(name, kind)| Assessor { name, kind })
}

fn place_with(name: impl Strategy<Value = String>) -> impl Strategy<Value = Place> {
    (
        name,
        option::weighted(0.3, web_url()),
        option::weighted(0.3, wikidata()),
        option::weighted(0.3, geonames()),
    )
        .prop_map(|(name, url, wikidata, geonames)| Place {
            name,
            url,
            wikidata,
            geonames,
        })
}

/// Origins: named by free text, an http(s) URL (some holding what an IRI
/// escapes, `[`, `]`, a `%` that starts no escape, and some an escape
/// written, which one of those may be another spelling of; some a DOI's
/// resolver URL) or a DOI in its `doi:` form, with identifiers or not.
fn origin() -> impl Strategy<Value = Place> {
    place_with(prop_oneof![
        name(),
        "https://example\\.org/[a-z/?=&\\[\\]]{0,8}(%|%25|%5B)?[a-z]{0,2}",
        "https://doi\\.org/10\\.[0-9]{4}/[a-z0-9./()]{1,12}%?",
        "doi:10\\.[0-9]{4}/[a-z0-9./()]{1,12}"
    ])
}

/// A cited work, or a document of the collection: its id here is a
/// stand-in, which [`make_valid`] makes the id of another document.
fn disputing_work() -> impl Strategy<Value = DisputingWork> {
    prop_oneof![
        3 => cited_work().prop_map(DisputingWork::Cited),
        1 => (slug(), option::of(name()))
            .prop_map(|(id, citation)| DisputingWork::Document { id, citation }),
    ]
}

fn cited_work() -> impl Strategy<Value = CitedWork> {
    let kind = prop::sample::select(vec![
        WorkType::Book,
        WorkType::Article,
        WorkType::Chapter,
        WorkType::Thesis,
        WorkType::Report,
        WorkType::Webpage,
    ]);
    (
        name(),
        option::of(kind),
        option::weighted(0.3, doi()),
        option::weighted(0.3, web_url()),
    )
        .prop_map(|(citation, kind, doi, url)| CitedWork {
            citation,
            kind,
            doi,
            url,
        })
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
        option::of(place_with(name())),
        option::of(name()),
        option::of(name()),
        option::of(text()),
    )
        .prop_map(
            |(mut authors, date, date_note, origin, venue, event, publisher, context)| {
                in_crate_order(&mut authors);
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
        vec(disputing_work(), 0..3),
        option::of(assessor()),
        option::of(iso_date()),
    )
        .prop_map(
            |(status, mut aspects, summary, mut disputed_by, assessed_by, assessed_on)| {
                let mut seen = BTreeSet::new();
                aspects.retain(|a| seen.insert(*a));
                let mut seen = BTreeSet::new();
                disputed_by.retain(|w| match w {
                    DisputingWork::Cited(w) => seen.insert(w.citation.clone()),
                    DisputingWork::Document { .. } => true,
                });
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
        (option::of(license()), option::of(text())),
        provenance(),
        contested(),
    )
        .prop_map(
            |(
                (id, title, file, media_type),
                (language, sha256),
                (license, rights),
                provenance,
                contested,
            )| Document {
                id,
                title,
                file,
                media_type: Some(media_type),
                language,
                sha256,
                license,
                rights,
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

/// Follows the rules of [`super::validate`]: drops documents whose id or
/// file is taken, gives every ORCID iD one person and every DOI one work,
/// makes each document of the collection that disputes another one of the
/// others (dropped when there is none), cited one way, and lists nobody
/// twice; sorts by file.
fn make_valid(collection: &mut Collection) {
    let mut ids = BTreeSet::new();
    let mut files = BTreeSet::new();
    collection
        .documents
        .retain(|d| ids.insert(d.id.clone()) && files.insert(d.file.clone()));
    collection.documents.sort_by(|a, b| a.file.cmp(&b.file));
    let mut people: BTreeMap<Orcid, (String, Option<WikidataId>)> = BTreeMap::new();
    let mut works: BTreeMap<Doi, CitedWork> = BTreeMap::new();
    let ids: Vec<Slug> = collection.documents.iter().map(|d| d.id.clone()).collect();
    let mut citations: BTreeMap<Slug, Option<String>> = BTreeMap::new();
    for document in &mut collection.documents {
        for author in &mut document.provenance.authors {
            if let Some(orcid) = &author.orcid {
                let person = (author.name.clone(), author.wikidata.clone());
                let (name, wikidata) = people.entry(orcid.clone()).or_insert(person).clone();
                author.name = name;
                author.wikidata = wikidata;
            }
        }
        let mut seen = BTreeSet::new();
        document
            .provenance
            .authors
            .retain(|a| seen.insert(a.clone()));
        let others: Vec<&Slug> = ids.iter().filter(|id| **id != document.id).collect();
        let disputed_by = std::mem::take(&mut document.contested.disputed_by);
        for work in disputed_by {
            let work = match work {
                DisputingWork::Cited(work) => DisputingWork::Cited(match &work.doi {
                    Some(doi) => works.entry(doi.clone()).or_insert(work).clone(),
                    None => work,
                }),
                DisputingWork::Document { id, citation } if !others.is_empty() => {
                    let id = others[id.as_str().len() % others.len()].clone();
                    let citation = citations.entry(id.clone()).or_insert(citation).clone();
                    DisputingWork::Document { id, citation }
                }
                DisputingWork::Document { .. } => continue,
            };
            document.contested.disputed_by.push(work);
        }
        let mut seen = BTreeSet::new();
        document.contested.disputed_by.retain(|w| {
            let key = match w {
                DisputingWork::Document { id, .. } => DisputingWork::Document {
                    id: id.clone(),
                    citation: None,
                },
                cited => cited.clone(),
            };
            seen.insert(key)
        });
    }
}
