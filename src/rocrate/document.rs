//! One document's description: a `File` data entity when it is held, a
//! `#document-<id>` `CreativeWork` when it is only catalogued, and the
//! contextual entities its provenance and contested status link to. A
//! document disputed by another of the collection links to that one's
//! entity.
//!
//! Which term each field becomes is the table "Metadata mapping" in
//! `README.md`; this module builds the entities it describes.

use std::collections::{BTreeMap, HashSet};

use serde_json::{Map, Value, json};

use super::ids::encode_path;
use super::metadata::{
    Contextual, EntityIds, NO_LICENSE_ID, into_map, license_entity, one_or_many, reference, set,
};
use super::terms::{
    COPYRIGHT_NOTICE, CREDIT_TEXT, DATE_CREATED_INTERVAL, DATE_NOTE, HELD, IS_DISPUTED_BY,
    PAYLOAD_PATH,
};
use crate::bundle::PackedDocument;
use crate::collection::values::{Doi, GeonamesId, WikidataId};
use crate::collection::{
    AuthorType, CitedWork, DisputingWork, Document, Place, Role, Status, WorkType,
};
use crate::iri;

/// The schema.org properties people are linked by, in the order a
/// summary lists them.
pub(super) const PEOPLE_PROPERTIES: [&str; 4] = ["author", "editor", "translator", "contributor"];

/// The `@id` of a catalogued document that is not held, whose record id
/// is `id`.
pub(super) fn not_held_id(id: &str) -> String {
    format!("#document-{id}")
}

/// The kind of the local id of an origin written as a URL whose IRI
/// something else is known by (see [`EntityIds::web_origin`]):
/// `#web-origin-…`, which no other id starts with.
pub(super) const WEB_ORIGIN_KIND: &str = "web-origin";

/// The `@id` of a document's `ClaimReview`.
fn review_id(document: &Document) -> String {
    format!("#review-{}", document.id)
}

/// The schema.org property a role is linked by, for generic tools.
/// schema.org has no speaker, transcriber or interviewer:
///
/// | role | property |
/// |---|---|
/// | author, speaker | `author` |
/// | editor | `editor` |
/// | translator | `translator` |
/// | transcriber, interviewer | `contributor` |
pub(super) fn role_property(role: Role) -> &'static str {
    match role {
        Role::Author | Role::Speaker => "author",
        Role::Editor => "editor",
        Role::Translator => "translator",
        Role::Transcriber | Role::Interviewer => "contributor",
    }
}

/// The MARC relator property that states a role exactly (see
/// [`super::terms::MARC_RELATORS`]): `aut`, `spk`, `edt`, `trl`, `trc`,
/// `ivr`.
pub(super) fn relator_property(role: Role) -> &'static str {
    match role {
        Role::Author => "marcrel:aut",
        Role::Speaker => "marcrel:spk",
        Role::Editor => "marcrel:edt",
        Role::Translator => "marcrel:trl",
        Role::Transcriber => "marcrel:trc",
        Role::Interviewer => "marcrel:ivr",
    }
}

/// The document's entity; the entities it links to go to `contextual`.
pub(super) fn describe_document(
    document: &PackedDocument,
    ids: &EntityIds,
    contextual: &mut Contextual,
) -> Map<String, Value> {
    let record = &document.record;
    let mut entity = match &document.held {
        Some(held) => into_map(json!({
            "@id": encode_path(&document.crate_path()),
            "@type": "File",
            "sha256": held.digests.sha256,
            "contentSize": held.size.to_string(),
        })),
        None => {
            let mut entity = into_map(json!({
                "@id": not_held_id(record.id.as_str()),
                "@type": "CreativeWork",
                HELD: false,
                PAYLOAD_PATH: document.crate_path(),
            }));
            set(
                &mut entity,
                "sha256",
                record.sha256.as_ref().map(|s| json!(s)),
            );
            entity
        }
    };
    entity.insert("name".into(), json!(record.title));
    set(
        &mut entity,
        CREDIT_TEXT,
        ids.citation_of(record.id.as_str()).map(|c| json!(c)),
    );
    set(
        &mut entity,
        "alternateName",
        document.original_name.as_ref().map(|n| json!(n)),
    );
    entity.insert("identifier".into(), json!(record.id));
    entity.insert("encodingFormat".into(), json!(record.media_type_or_guess()));
    set(
        &mut entity,
        "inLanguage",
        record.language.as_ref().map(|l| json!(l)),
    );
    describe_rights(record, contextual, &mut entity);
    link_people(record, ids, contextual, &mut entity);
    describe_provenance(record, ids, contextual, &mut entity);

    let contested = &record.contested;
    entity.insert("creativeWorkStatus".into(), json!(contested.status));
    let works = contested.disputed_by.iter().map(|work| {
        if let DisputingWork::Cited(work) = work {
            describe_work(work, ids, contextual);
        }
        reference(&ids.disputing(work))
    });
    set(&mut entity, IS_DISPUTED_BY, one_or_many(works.collect()));
    let about = entity["@id"].as_str().expect("set above").to_string();
    if let Some(review) = review_entities(record, &about, ids, contextual) {
        entity.insert("review".into(), reference(&review));
    }
    entity
}

/// Links each person or organization twice: by the schema.org property of
/// the role, which generic tools read, and by the MARC relator of the role,
/// which says it exactly. Each property lists its people in record order.
fn link_people(
    record: &Document,
    ids: &EntityIds,
    contextual: &mut Contextual,
    entity: &mut Map<String, Value>,
) {
    let mut linked: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    // What is linked already, by property and id: looking through the
    // list for each author took time quadratic in their number.
    let mut seen: HashSet<(&str, String)> = HashSet::new();
    for author in &record.provenance.authors {
        let wikidata = author.wikidata.as_ref();
        let (kind, id) = match author.kind {
            AuthorType::Person => (
                "person",
                ids.person(&author.name, author.orcid.as_ref(), wikidata),
            ),
            AuthorType::Organization => ("organization", ids.organization(&author.name, wikidata)),
        };
        contextual.add_once(kind, &id, || {
            let schema_type = author.kind.schema_type();
            let mut agent = into_map(json!({"@id": id, "@type": schema_type, "name": author.name}));
            set(&mut agent, "sameAs", wikidata.map(|w| reference(&w.url())));
            agent
        });
        for property in [role_property(author.role), relator_property(author.role)] {
            if seen.insert((property, id.clone())) {
                linked.entry(property).or_default().push(reference(&id));
            }
        }
    }
    for (property, people) in linked {
        set(entity, property, one_or_many(people));
    }
}

fn describe_provenance(
    record: &Document,
    ids: &EntityIds,
    contextual: &mut Contextual,
    entity: &mut Map<String, Value>,
) {
    let provenance = &record.provenance;
    if let Some(date) = &provenance.date {
        entity.insert("dateCreated".into(), json!(date));
        entity.insert(
            DATE_CREATED_INTERVAL.into(),
            json!(date.interval().to_string()),
        );
    }
    set(
        entity,
        DATE_NOTE,
        provenance.date_note.as_ref().map(|n| json!(n)),
    );
    if let Some(origin) = &provenance.origin {
        let based_on = if origin.is_identified() {
            let id = &ids.origin(origin);
            contextual.add_once("origin", id, || {
                let mut source = into_map(json!({"@id": id, "@type": "CreativeWork"}));
                identify(&mut source, origin);
                source
            });
            reference(id)
        } else if let Some(url) = web_id(&origin.name) {
            // Known by a local id, the origin keeps the IRI as its `url`.
            let id = &ids.web_origin(&origin.name, &url);
            contextual.add_once("web origin", id, || {
                let mut source =
                    into_map(json!({"@id": id, "@type": "CreativeWork", "name": origin.name}));
                set(&mut source, "url", (*id != url).then(|| json!(url)));
                source
            });
            reference(id)
        } else if let Some(doi) = doi_name(&origin.name) {
            let url = doi.url();
            contextual.add_once("doi origin", &url, || {
                into_map(json!({
                    "@id": url, "@type": "CreativeWork", "name": origin.name, "identifier": url
                }))
            });
            reference(&url)
        } else {
            json!(origin.name)
        };
        entity.insert("isBasedOn".into(), based_on);
    }
    let place = provenance.venue.as_ref().map(|venue| {
        let id = &ids.place(venue);
        contextual.add_once("place", id, || {
            let mut place = into_map(json!({"@id": id, "@type": "Place"}));
            identify(&mut place, venue);
            place
        });
        reference(id)
    });
    if let Some(event) = &provenance.event {
        let id = &ids.event(event);
        let mut event_entity = into_map(json!({"@id": id, "@type": "Event", "name": event}));
        set(&mut event_entity, "location", place.clone());
        contextual.add(event_entity);
        entity.insert("recordedAt".into(), reference(id));
    }
    // Where it was said, written or published is where the work was
    // made: schema.org's `locationCreated` ("the location where the
    // CreativeWork was created, which may not be the same as the location
    // depicted in the CreativeWork"). `contentLocation`, which RO-Crate 1.1
    // suggests for a place a data entity is tied to ("Places"), is "the
    // location depicted or described in the content", and
    // `spatialCoverage`, a narrowing of it, the place the content is
    // about: a talk given in a London pub is seldom about the pub.
    set(entity, "locationCreated", place);
    if let Some(publisher) = &provenance.publisher {
        let id = &ids.organization(publisher, None);
        contextual.add_once("publisher", id, || {
            into_map(json!({"@id": id, "@type": "Organization", "name": publisher}))
        });
        entity.insert("publisher".into(), reference(id));
    }
    set(
        entity,
        "description",
        provenance.context.as_ref().map(|c| json!(c)),
    );
}

/// The name of a place or origin, its `url`, and its Wikidata and GeoNames
/// ids as `sameAs` links.
fn identify(entity: &mut Map<String, Value>, place: &Place) {
    entity.insert("name".into(), json!(place.name));
    set(entity, "url", place.url.as_ref().map(|u| json!(u)));
    let same_as = [
        place.wikidata.as_ref().map(WikidataId::url),
        place.geonames.as_ref().map(GeonamesId::url),
    ];
    let same_as = same_as.into_iter().flatten().map(|url| reference(&url));
    set(entity, "sameAs", one_or_many(same_as.collect()));
}

/// A cited work as a contextual entity of its schema.org type
/// (`CreativeWork` when the record gives none), named by its citation,
/// with its DOI URL as `@id` and `identifier` when it has one, else its
/// URL made an IRI as `@id` when no other thing has that IRI, and its URL
/// as written as `url` (see [`EntityIds::work`]). (A document
/// of the collection is its own entity, which names it and which its
/// citation, if any, credits: see [`describe_document`].)
fn describe_work(work: &CitedWork, ids: &EntityIds, contextual: &mut Contextual) {
    let id = ids.work(work);
    contextual.add_once("work", &id, || {
        let kind = work.kind.map_or("CreativeWork", WorkType::schema_type);
        let mut entity = into_map(json!({"@id": id, "@type": kind, "name": work.citation}));
        set(
            &mut entity,
            "identifier",
            work.doi.as_ref().map(|d| json!(d.url())),
        );
        set(&mut entity, "url", work.url.as_ref().map(|u| json!(u)));
        entity
    });
}

/// The document's licence and rights. A document without a licence of its
/// own links to [`NO_LICENSE_ID`], which says so: RO-Crate readers would
/// otherwise take the root's licence, which covers the records and the
/// bundle, to cover the document too.
fn describe_rights(
    record: &Document,
    contextual: &mut Contextual,
    entity: &mut Map<String, Value>,
) {
    // Keyed by the licence as written: an SPDX id and its URL share an @id
    // but not a name.
    let (license_id, written) = match &record.license {
        Some(license) => (license.crate_id(), license.as_str()),
        None => (NO_LICENSE_ID.to_string(), NO_LICENSE_ID),
    };
    contextual.add_once("license", written, || match &record.license {
        Some(license) => license_entity(license),
        None => into_map(json!({
            "@id": NO_LICENSE_ID,
            "@type": "CreativeWork",
            "name": "No licence recorded",
            "description": "No licence is recorded for this document. The licence of the \
                            collection covers its records and the bundle, not this document.",
        })),
    });
    entity.insert("license".into(), reference(&license_id));
    set(
        entity,
        COPYRIGHT_NOTICE,
        record.rights.as_ref().map(|r| json!(r)),
    );
}

/// The dispute as schema.org's fact-checking vocabulary, taking no side:
/// a `ClaimReview` (`#review-<id>`) whose `itemReviewed` is a `Claim`
/// (`#claim-<id>`) that `appearance` ties to the document. The review
/// carries the aspects (`reviewAspect`), the summary (`reviewBody`), who
/// assessed it (`author`, a `Person` or an `Organization`: the entity of
/// an author of that name and type without identifiers, if there is one),
/// when (`datePublished`) and the
/// disputing works (`citation`); it has no `reviewRating`, as corpack
/// records who disputes what, not a verdict. Written when the document is
/// contested or anything about an assessment is recorded; returns its id.
fn review_entities(
    record: &Document,
    about: &str,
    ids: &EntityIds,
    contextual: &mut Contextual,
) -> Option<String> {
    let contested = &record.contested;
    let assessed = contested.status == Status::Contested
        || !contested.aspects.is_empty()
        || contested.summary.is_some()
        || !contested.disputed_by.is_empty()
        || contested.assessed_by.is_some()
        || contested.assessed_on.is_some();
    if !assessed {
        return None;
    }
    let claim_id = format!("#claim-{}", record.id);
    contextual.add(into_map(json!({
        "@id": claim_id,
        "@type": "Claim",
        "name": format!("Claims in or about “{}”", record.title),
        "appearance": reference(about),
    })));

    let review_id = review_id(record);
    let mut review = into_map(json!({
        "@id": review_id,
        "@type": "ClaimReview",
        "name": format!("Assessment of whether “{}” is contested", record.title),
        "itemReviewed": reference(&claim_id),
    }));
    let mut aspects: Vec<Value> = Vec::new();
    for aspect in &contested.aspects {
        if !aspects.contains(&json!(aspect)) {
            aspects.push(json!(aspect));
        }
    }
    set(&mut review, "reviewAspect", one_or_many(aspects));
    set(
        &mut review,
        "reviewBody",
        contested.summary.as_ref().map(|s| json!(s)),
    );
    if let Some(assessor) = &contested.assessed_by {
        let (kind, id) = match assessor.kind {
            AuthorType::Person => ("person", ids.person(&assessor.name, None, None)),
            AuthorType::Organization => ("organization", ids.organization(&assessor.name, None)),
        };
        contextual.add_once(kind, &id, || {
            let schema_type = assessor.kind.schema_type();
            into_map(json!({"@id": id, "@type": schema_type, "name": assessor.name}))
        });
        review.insert("author".into(), reference(&id));
    }
    set(
        &mut review,
        "datePublished",
        contested.assessed_on.map(|d| json!(d)),
    );
    let works = contested
        .disputed_by
        .iter()
        .map(|w| reference(&ids.disputing(w)));
    set(&mut review, "citation", one_or_many(works.collect()));
    contextual.add(review);
    Some(review_id)
}

/// The DOI a name is when it is one in its `doi:` form, as the DataCite
/// and InvenioRDM exports read an origin (`origin_id`), and its URL can be
/// an `@id`: the crate links such an origin by that URL, and reads the name
/// back from the entity.
pub(super) fn doi_name(name: &str) -> Option<Doi> {
    if !name.starts_with("doi:") {
        return None;
    }
    let doi: Doi = name.parse().ok()?;
    web_id(&doi.url()).is_some().then_some(doi)
}

/// The `@id` of an origin that is an http(s) URL, an IRI: the URL with
/// what an IRI may not hold where it stands percent-encoded (see
/// [`iri::http_url`]); `None` for another origin, written as text.
pub(super) fn web_id(name: &str) -> Option<String> {
    iri::http_url(name)
}
