//! The ids of the contextual entities documents link to (people,
//! organizations, places, origins, events, disputing works), settled before
//! anything is written.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use std::hash::{DefaultHasher, Hasher};
use std::io;

use super::document_id;
use crate::bundle::PackedDocuments;
use crate::collection::values::{GeonamesId, License, Orcid, WebUrl, WikidataId};
use crate::collection::{AuthorType, CitedWork, CollectionInfo, DisputingWork, Document, Place};
use crate::iri;
use crate::rocrate::document::{WEB_ORIGIN_KIND, doi_name, web_id};
use crate::rocrate::ids::{SharedSlugs, SlugsGathering, hashed_local_id, local_id};
use crate::text_table::RecentTexts;

/// How many local ids one generation of [`MadeIds`] holds.
const MADE_KEPT: usize = if cfg!(test) { 2 } else { 1 << 14 };

/// The ids of the people, organizations, places, origins, events and
/// disputing works of a collection, settled once so that every mention of
/// one thing gets one entity.
///
/// A thing with an identifier the web resolves (an ORCID iD, a DOI) has it
/// as its `@id`; anything else gets a local `#<kind>-<slug>` id from its
/// name, told apart from others of the same name by its identifiers (see
/// [`entity_key`]). A document of the collection that disputes another is
/// its own entity, which the other links to.
///
/// A web IRI is the `@id` of one thing alone: an origin written as a URL,
/// or a cited work with a URL but no DOI, is known by the URL made an IRI
/// only when nothing else would be (see [`WebClaims`]).
pub(crate) struct EntityIds {
    /// Made from each name when asked for: only the slugs that two keys
    /// share are kept.
    local: PerKind<SharedSlugs>,
    made: RefCell<MadeIds>,
    /// The documents that dispute others, by record id.
    disputing: HashMap<String, DisputingDocument>,
    /// The hashes of the web IRIs that two things or more would be known
    /// by, sorted.
    contested: Vec<u64>,
}

/// The local ids made lately, by kind, name length and key: making one
/// from a name at each mention cost a pack of 150,000 documents by 40
/// authors 0.7 s of CPU.
struct MadeIds {
    ids: RecentTexts<String>,
    /// The text of the key being looked for.
    scratch: String,
}

impl Default for MadeIds {
    fn default() -> MadeIds {
        MadeIds {
            ids: RecentTexts::new(MADE_KEPT),
            scratch: String::new(),
        }
    }
}

/// A document that disputes others: its entity, and the citation the
/// records that name it give.
struct DisputingDocument {
    id: String,
    citation: Option<String>,
}

/// One of something for each kind of entity documents link to.
#[derive(Default)]
struct PerKind<T> {
    people: T,
    organizations: T,
    places: T,
    origins: T,
    events: T,
    works: T,
}

/// The keys and names of the entities documents link to, gathered a
/// record at a time: of each slug, the first key.
#[derive(Default)]
pub(super) struct EntityIdsBuilder {
    names: PerKind<SlugsGathering>,
    /// The record id of each document that disputes another, and its
    /// citation (one wherever it is named: a rule of the records).
    disputing: BTreeMap<String, Option<String>>,
    web: WebClaims,
}

/// Who would be known by each web IRI, as 64-bit hashes: 16 bytes a claim.
///
/// An origin written as an http(s) URL is known by the URL made an IRI
/// ([`web_id`]), and that making cannot tell every two URLs apart: a URL
/// that is an IRI is kept as it is, so `https://x/a%25` is its own IRI and
/// that of `https://x/a%` too, whose `%` starts no escape; and an origin
/// `https://doi.org/10.1000/182` has the IRI of the DOI `10.1000/182`,
/// which a `doi:` origin and a cited work of that DOI are known by; and a
/// cited work without a DOI is known by its URL, which two works may
/// share (two chapters of a book). Two things with one `@id` would be one
/// entity, merged, whose name no reader could give back to each. So an
/// IRI that two claim is a DOI's alone (one DOI is one work, a rule of
/// the records), as it is a licence's page or a person's ORCID iD, and an
/// origin or work claiming it is known by a local id instead. Two claims that share a
/// hash without sharing an IRI, once in about 2^64 / n, only cost an
/// origin its web id.
#[derive(Default)]
struct WebClaims {
    /// The hash of an IRI and of who claims it, each claim once or more.
    claims: Vec<(u64, u64)>,
}

impl WebClaims {
    /// Notes that the thing `owner` names, of the kind `kind` (a DOI, an
    /// origin as written), would be known by `iri`.
    fn claim(&mut self, iri: &str, kind: &str, owner: &str) {
        // Claims made again (an origin of many documents) go before the
        // list grows.
        if self.claims.len() == self.claims.capacity() {
            self.claims.sort_unstable();
            self.claims.dedup();
            // Room for as many again unless a quarter went, so that the
            // list is sorted a bounded number of times a claim.
            if self.claims.len() > self.claims.capacity() / 4 * 3 {
                self.claims.reserve(self.claims.len().max(16));
            }
        }
        let mut hasher = DefaultHasher::new();
        hasher.write(kind.as_bytes());
        hasher.write_u8(0);
        hasher.write(owner.as_bytes());
        self.claims.push((hash(iri), hasher.finish()));
    }

    /// The hashes of the IRIs two things or more claim, sorted.
    fn contested(mut self) -> Vec<u64> {
        self.claims.sort_unstable();
        self.claims.dedup();
        let mut contested: Vec<u64> = (self.claims.windows(2))
            .filter(|pair| pair[0].0 == pair[1].0)
            .map(|pair| pair[0].0)
            .collect();
        contested.dedup();
        contested
    }
}

/// A 64-bit hash of an IRI, the same in every run.
fn hash(iri: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    hasher.write(iri.as_bytes());
    hasher.finish()
}

impl EntityIdsBuilder {
    pub(super) fn add(&mut self, record: &Document) {
        if let Some(page) = record.license.as_ref().and_then(License::page) {
            self.web.claim(&page, "license", &page);
        }
        for author in record.provenance.authors.iter() {
            if let Some(orcid) = &author.orcid {
                self.web.claim(&orcid.url(), "orcid", orcid.as_str());
            }
            let key = agent_key(&author.name, author.wikidata.as_ref());
            match author.kind {
                AuthorType::Organization => self.names.organizations.add(&key, &author.name),
                AuthorType::Person if author.orcid.is_none() => {
                    self.names.people.add(&key, &author.name)
                }
                AuthorType::Person => {}
            }
        }
        if let Some(assessor) = &record.contested.assessed_by {
            let kind = match assessor.kind {
                AuthorType::Person => &mut self.names.people,
                AuthorType::Organization => &mut self.names.organizations,
            };
            kind.add(&agent_key(&assessor.name, None), &assessor.name);
        }
        if let Some(publisher) = &record.provenance.publisher {
            self.names.organizations.add(publisher, publisher);
        }
        if let Some(place) = &record.provenance.venue {
            self.names.places.add(&place_key(place), &place.name);
        }
        if let Some(origin) = &record.provenance.origin {
            if origin.is_identified() {
                self.names.origins.add(&place_key(origin), &origin.name);
            } else if let Some(iri) = web_id(&origin.name) {
                self.web.claim(&iri, "origin", &origin.name);
            } else if let Some(doi) = doi_name(&origin.name) {
                self.web.claim(&doi.url(), "doi", doi.as_str());
            }
        }
        if let Some(event) = &record.provenance.event {
            self.names.events.add(event, event);
        }
        for work in &record.contested.disputed_by {
            match work {
                DisputingWork::Cited(work) => match &work.doi {
                    Some(doi) => self.web.claim(&doi.url(), "doi", doi.as_str()),
                    None => {
                        let key = work_key(work);
                        if let Some(iri) = web_iri(work) {
                            self.web.claim(&iri, "work", &key);
                        }
                        self.names.works.add(&key, &work.citation);
                    }
                },
                DisputingWork::Document { id, citation } => {
                    let entry = self.disputing.entry(id.to_string());
                    entry.or_insert_with(|| citation.clone());
                }
            }
        }
    }

    /// The ids, once every record of `documents` is added; an error if a
    /// record names a document that disputes it that is not among them.
    pub(super) fn build(
        mut self,
        info: &CollectionInfo,
        documents: &dyn PackedDocuments,
    ) -> io::Result<EntityIds> {
        if let Some(name) = &info.contact_name {
            self.names.people.add(&agent_key(name, None), name);
        }
        if let Some(name) = &info.source_organization {
            self.names.organizations.add(name, name);
        }
        if let Some(page) = info.license.page() {
            self.web.claim(&page, "license", &page);
        }
        let names = self.names;
        let local = PerKind {
            people: names.people.shared(),
            organizations: names.organizations.shared(),
            places: names.places.shared(),
            origins: names.origins.shared(),
            events: names.events.shared(),
            works: names.works.shared(),
        };
        // Found by their record ids, which the documents' index has
        // without reading the records again.
        let mut disputing = HashMap::new();
        for index in 0..documents.count() {
            let id = documents.id(index);
            let Some(citation) = self.disputing.remove(id) else {
                continue;
            };
            let document = DisputingDocument {
                id: document_id(documents, index),
                citation,
            };
            disputing.insert(id.to_string(), document);
        }
        if let Some(id) = self.disputing.keys().next() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "a record is disputed by the document `{id}`, which is not in the collection"
                ),
            ));
        }
        Ok(EntityIds {
            local,
            made: RefCell::default(),
            disputing,
            contested: self.web.contested(),
        })
    }
}

impl EntityIds {
    /// The local id of an entity of `kind` known by `key`, named `name`:
    /// made again only when not made lately, as an author of many
    /// documents is asked for at each.
    fn made(&self, kind: &'static str, key: &str, name: &str, shared: &SharedSlugs) -> String {
        let mut made = self.made.borrow_mut();
        let MadeIds { ids, scratch } = &mut *made;
        scratch.clear();
        // A key starts with its name, but a name holding U+001F may have
        // the key of another name with an identifier.
        write!(scratch, "{kind}\0{}\0{key}", name.len()).expect("a String takes any text");
        if let Some(id) = ids.get(scratch) {
            return id;
        }
        let id = local_id(kind, key, name, shared);
        ids.insert(scratch, id.clone());
        id
    }

    pub(crate) fn person(
        &self,
        name: &str,
        orcid: Option<&Orcid>,
        wikidata: Option<&WikidataId>,
    ) -> String {
        match orcid {
            Some(orcid) => orcid.url(),
            None => self.made(
                "person",
                &agent_key(name, wikidata),
                name,
                &self.local.people,
            ),
        }
    }

    /// An organization's local id. One named alike as a publisher, as the
    /// source organization and as an author without a Wikidata id is one
    /// entity.
    pub(crate) fn organization(&self, name: &str, wikidata: Option<&WikidataId>) -> String {
        let key = agent_key(name, wikidata);
        self.made("organization", &key, name, &self.local.organizations)
    }

    pub(crate) fn place(&self, place: &Place) -> String {
        self.made("place", &place_key(place), &place.name, &self.local.places)
    }

    /// The local id of an origin given with identifiers.
    pub(crate) fn origin(&self, origin: &Place) -> String {
        self.made(
            "origin",
            &place_key(origin),
            &origin.name,
            &self.local.origins,
        )
    }

    /// The id of an origin written as an http(s) URL whose IRI is `iri`
    /// ([`web_id`]): the IRI, unless something else would be known by it
    /// (see [`WebClaims`]); then a local `#web-origin-…` id, made of the URL
    /// as written.
    pub(crate) fn web_origin(&self, name: &str, iri: &str) -> String {
        if self.is_contested(iri) {
            hashed_local_id(WEB_ORIGIN_KIND, name, name)
        } else {
            iri.to_string()
        }
    }

    pub(crate) fn event(&self, name: &str) -> String {
        self.made("event", name, name, &self.local.events)
    }

    /// A cited work's id: its DOI URL; else its URL made an IRI
    /// ([`web_iri`]), unless something else would be known by that too
    /// (see [`WebClaims`]); else a local `#work-…` id.
    pub(crate) fn work(&self, work: &CitedWork) -> String {
        if let Some(doi) = &work.doi {
            return doi.url();
        }
        match web_iri(work) {
            Some(iri) if !self.is_contested(&iri) => iri,
            _ => self.made("work", &work_key(work), &work.citation, &self.local.works),
        }
    }

    /// Whether two things or more would be known by `iri`.
    fn is_contested(&self, iri: &str) -> bool {
        self.contested.binary_search(&hash(iri)).is_ok()
    }

    /// The id of a disputing work: a cited work's (see [`EntityIds::work`]),
    /// or the entity of a document of the collection.
    pub(crate) fn disputing(&self, work: &DisputingWork) -> String {
        match work {
            DisputingWork::Cited(work) => self.work(work),
            DisputingWork::Document { id, .. } => self.disputing[id.as_str()].id.clone(),
        }
    }

    /// How the records that name the document `id` as disputing another
    /// cite it, if they do.
    pub(crate) fn citation_of(&self, id: &str) -> Option<&str> {
        self.disputing.get(id)?.citation.as_deref()
    }
}

/// What tells apart two entities of one name: the name alone when nothing
/// else is given, else the name and each identifier, `\u{1f}`-separated.
fn entity_key(name: &str, identifiers: &[Option<&str>]) -> String {
    if identifiers.iter().all(Option::is_none) {
        return name.to_string();
    }
    let mut key = name.to_string();
    for identifier in identifiers {
        key.push('\u{1f}');
        key.push_str(identifier.unwrap_or_default());
    }
    key
}

/// The key of a person or organization.
fn agent_key(name: &str, wikidata: Option<&WikidataId>) -> String {
    entity_key(name, &[wikidata.map(WikidataId::as_str)])
}

fn place_key(place: &Place) -> String {
    entity_key(
        &place.name,
        &[
            place.url.as_ref().map(WebUrl::as_str),
            place.wikidata.as_ref().map(WikidataId::as_str),
            place.geonames.as_ref().map(GeonamesId::as_str),
        ],
    )
}

/// The URL of a cited work made an IRI, which RO-Crate 1.1 asks a
/// publication's `@id` to be where it can ("Publications via citation
/// property": a URL, a DOI's for one); `None` for a URL that cannot be
/// one (see [`iri::http_url`]).
fn web_iri(work: &CitedWork) -> Option<String> {
    iri::http_url(work.url.as_ref()?.as_str())
}

fn work_key(work: &CitedWork) -> String {
    entity_key(
        &work.citation,
        &[
            work.kind.map(<&str>::from),
            work.url.as_ref().map(WebUrl::as_str),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rocrate::testutil::sample;
    use crate::rocrate::{metadata_json, preview_html};

    // Records that did not pass the collection's rules are the caller's
    // mistake, not a reason for the library to panic.
    #[test]
    fn records_that_break_the_rules_are_an_error_or_written_never_a_panic() {
        let (info, documents) = sample();
        let without_ueberblick: Vec<_> = (documents.iter())
            .filter(|d| d.record.id.as_str() != "ueberblick")
            .cloned()
            .collect();
        let error = metadata_json(&info, &without_ueberblick).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
        assert!(error.to_string().contains("`ueberblick`"), "{error}");
        let error = preview_html(&info, &without_ueberblick).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);

        let mut broken = documents.clone();
        let plain = broken.iter_mut().find(|d| d.record.id.as_str() == "plain");
        let plain = plain.unwrap().record.to_mut();
        let own_id = plain.id.clone();
        (plain.contested.disputed_by).push(DisputingWork::Document {
            id: own_id,
            citation: None,
        });
        broken.push(documents[0].clone());
        metadata_json(&info, &broken).unwrap();
    }

    #[test]
    fn an_iri_two_claim_is_contested_and_claims_made_again_take_no_room() {
        let mut web = WebClaims::default();
        for _ in 0..10_000 {
            web.claim("https://x/a%25", "origin", "https://x/a%25");
            web.claim("https://doi.org/10.1/a", "doi", "10.1/a");
        }
        assert!(web.claims.capacity() < 64, "{}", web.claims.capacity());
        web.claim("https://x/a%25", "origin", "https://x/a%");
        // One IRI, one thing of another kind: still two.
        web.claim("https://x/b", "origin", "10.1/b");
        web.claim("https://x/b", "doi", "10.1/b");
        let contested = web.contested();
        let mut expected = vec![hash("https://x/a%25"), hash("https://x/b")];
        expected.sort_unstable();
        assert_eq!(contested, expected);
    }

    /// Ids made lately are the ids made afresh: for names that share a
    /// slug, for a name holding U+001F that has the key of another name,
    /// met again within a generation and after.
    #[test]
    fn ids_made_lately_are_those_made_afresh() {
        let mut gathering = SlugsGathering::default();
        gathering.add("J. Smith", "J. Smith");
        gathering.add("J Smith", "J Smith");
        let ids = EntityIds {
            local: PerKind {
                people: gathering.shared(),
                ..PerKind::default()
            },
            made: RefCell::default(),
            disputing: HashMap::new(),
            contested: Vec::new(),
        };
        let afresh = |name: &str| local_id("person", name, name, &ids.local.people);
        let q42: WikidataId = "Q42".parse().unwrap();
        for _ in 0..3 {
            for name in ["J. Smith", "J. Smith", "J Smith", "Ada"] {
                assert_eq!(ids.person(name, None, None), afresh(name));
            }
            assert_eq!(ids.person("Ada", None, Some(&q42)), "#person-ada");
            assert_eq!(ids.person("Ada\u{1f}Q42", None, None), "#person-ada-q42");
            assert_eq!(ids.organization("Ada", None), "#organization-ada");
        }
        assert_ne!(afresh("J. Smith"), afresh("J Smith"));
        assert!(afresh("J Smith").starts_with("#person-j-smith-"));
    }
}
