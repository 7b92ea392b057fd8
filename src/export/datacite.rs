//! DataCite Metadata Schema 4.5, as JSON: one record per document and one
//! for the collection.
//!
//! The output directory holds `collection.json` and `documents/<id>.json`,
//! each a record in DataCite's JSON form (the `attributes` of a DataCite
//! REST API `dois` request). No record has a DOI: the repository mints
//! them on registration. Until then a record is identified by its URN
//! (`alternateIdentifiers`, type `URN`), and the collection and its
//! documents point at each other by URN (`HasPart`, `IsPartOf`).
//!
//! | record | DataCite 4.5 |
//! |---|---|
//! | `title` | `titles` (with `lang`) |
//! | authors, speakers | `creators` (`Personal`, the name as written, and `familyName`, `givenName` when written `Family, Given`; or `Organizational` for an organization; ORCID and Wikidata `nameIdentifiers`); none: `:unav` |
//! | editors / interviewers / translators, transcribers | `contributors` `Editor` / `DataCollector` / `Other` (4.5 has no Translator) |
//! | `provenance.date` | `dates` `Created`: the plain date or range (a year before 0001 signed, `-0043`), the EDTF and `date_note` in `dateInformation` |
//! | origin URL, or DOI (`doi:` or a `doi.org` URL) | `relatedIdentifiers` `IsDerivedFrom` (URL, the IRI the RO-Crate links it by, [`url_iri`](super::mapping::url_iri); or DOI) |
//! | `disputed_by` with a DOI or URL, or a document of the collection (its URN) | `relatedIdentifiers` `IsReviewedBy` |
//! | `contested` | `descriptions` `Other`: the public note |
//! | `context` | `descriptions` `Abstract` |
//! | origin, venue, event, publisher | `descriptions` `Other`; venue also `geoLocations.geoLocationPlace` |
//! | `language`, `media_type`, size | `language`, `formats`, `sizes`; `types` from the media type: `resourceTypeGeneral` and the free-text `resourceType` (`Text`, `Document`; `Sound`, `Sound recording`; …), the collection's `Collection`, `Document collection` |
//! | `license`, `rights` | `rightsList` (identifiers on the SPDX list by their full name, with their scheme) |
//! | collection `source_organization`, `date` | `publisher`, `publicationYear` (of every record) |
//! | collection `contact_name` | `contributors` `ContactPerson`: `Personal`, or `Organizational` when it names the source organization |
//!
//! DataCite keeps its records as XML: a character XML 1.0 cannot hold (a
//! control character other than tab, line feed and carriage return,
//! U+FFFE, U+FFFF) is written U+FFFD in every string, as in the DSpace
//! export.

use std::path::Path;

use serde::{Serialize, Serializer, ser::SerializeMap};
use serde_json::{Map, Value, json};

use super::mapping::{
    DisputingId, MediaKind, OriginId, PlainDate, PlainYears, collection_urn,
    contact_is_organization, contested_note, date_information, document_urn, family_and_given,
    origin_id, provenance_note, xml_compatible_fields,
};
use super::records;
use super::verified::{RepositoryExportReport, VerifiedBundle};
use crate::collection::values::License;
use crate::collection::{
    Author, AuthorType, CollectionInfo, DisputingWork, Document, Role, WorkType,
};
use crate::error::Result;
use crate::progress::Progress;

/// The format's name on the command line.
pub const FORMAT: &str = "datacite";

/// The `schemaVersion` of every record.
pub const SCHEMA_VERSION: &str = "http://datacite.org/schema/kernel-4";

/// DataCite's standard value for a mandatory property nobody can give.
pub const UNAVAILABLE: &str = ":unav";

/// Exports the bundle at `bundle` as DataCite records in the directory
/// `output`.
pub fn export(
    bundle: &Path,
    output: &Path,
    force: bool,
    progress: &dyn Progress,
) -> Result<RepositoryExportReport> {
    records::export_json_records(
        FORMAT,
        bundle,
        output,
        force,
        progress,
        collection_record,
        document_record,
    )
}

/// The record of the collection: its fields, then a part for each
/// document, written among them in the order of their keys.
pub struct CollectionRecord {
    fields: Map<String, Value>,
    /// The URN of each document.
    parts: Vec<String>,
}

/// The key of [`CollectionRecord::parts`].
const RELATED_IDENTIFIERS: &str = "relatedIdentifiers";

/// A document, as a part of the collection. Typed: as `Value`s, the parts
/// of 160,000 documents took 100 MB.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Part<'a> {
    related_identifier: &'a str,
    related_identifier_type: &'static str,
    relation_type: &'static str,
}

/// The parts of a collection, made as they are written.
struct Parts<'a>(&'a [String]);

impl Serialize for Parts<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|urn| Part {
            related_identifier: urn,
            related_identifier_type: "URN",
            relation_type: "HasPart",
        }))
    }
}

impl Serialize for CollectionRecord {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut parts = (!self.parts.is_empty()).then_some(Parts(&self.parts));
        let mut map =
            serializer.serialize_map(Some(self.fields.len() + usize::from(parts.is_some())))?;
        for (key, value) in &self.fields {
            if key.as_str() > RELATED_IDENTIFIERS
                && let Some(parts) = parts.take()
            {
                map.serialize_entry(RELATED_IDENTIFIERS, &parts)?;
            }
            map.serialize_entry(key, value)?;
        }
        if let Some(parts) = parts {
            map.serialize_entry(RELATED_IDENTIFIERS, &parts)?;
        }
        map.end()
    }
}

/// The record of the collection.
pub fn collection_record(bundle: &VerifiedBundle) -> CollectionRecord {
    let info = &bundle.info;
    let creator = match &info.source_organization {
        Some(name) => json!({"name": name, "nameType": "Organizational"}),
        None => json!({"name": UNAVAILABLE}),
    };
    let mut record = common(info);
    record.insert(
        "alternateIdentifiers".into(),
        json!([{"alternateIdentifier": collection_urn(info), "alternateIdentifierType": "URN"}]),
    );
    record.insert(
        "types".into(),
        json!({"resourceTypeGeneral": "Collection", "resourceType": COLLECTION_TYPE}),
    );
    record.insert("titles".into(), json!([{"title": info.title}]));
    record.insert("creators".into(), json!([creator]));
    record.insert(
        "descriptions".into(),
        json!([{"description": info.description, "descriptionType": "Abstract"}]),
    );
    record.insert(
        "dates".into(),
        json!([{"date": info.date.to_string(), "dateType": "Issued"}]),
    );
    record.insert("rightsList".into(), json!([license_rights(&info.license)]));
    // The contact's name is not split: the record gives it no type, and
    // a comma may set off an office's parts (`Reading Room, City Archive`).
    if let Some(contact) = &info.contact_name {
        let name_type = if contact_is_organization(info) {
            "Organizational"
        } else {
            "Personal"
        };
        record.insert(
            "contributors".into(),
            json!([{"name": contact, "nameType": name_type, "contributorType": "ContactPerson"}]),
        );
    }
    let fields = xml_compatible_fields(record);
    // A URN is made of slugs, which XML takes as they are.
    let parts = (bundle.ids()).map(|id| document_urn(info, id)).collect();
    CollectionRecord { fields, parts }
}

/// The record of one document.
pub fn document_record(bundle: &VerifiedBundle, document: &Document) -> Value {
    let info = &bundle.info;
    let provenance = &document.provenance;
    let mut record = common(info);
    record.insert(
        "alternateIdentifiers".into(),
        json!([{"alternateIdentifier": document_urn(info, document.id.as_str()), "alternateIdentifierType": "URN"}]),
    );
    let media_type = document.media_type_or_guess();
    record.insert(
        "types".into(),
        json!({
            "resourceTypeGeneral": resource_type_general(media_type.as_str()),
            "resourceType": resource_type(media_type.as_str()),
        }),
    );
    let mut title = json!({"title": document.title});
    if let Some(language) = &document.language {
        title["lang"] = json!(language.as_str());
        record.insert("language".into(), json!(language.as_str()));
    }
    record.insert("titles".into(), json!([title]));

    let creators: Vec<Value> = provenance
        .authors
        .iter()
        .filter(|a| matches!(a.role, Role::Author | Role::Speaker))
        .map(|a| creator_or_contributor(a, None))
        .collect();
    let creators = if creators.is_empty() {
        vec![json!({"name": UNAVAILABLE})]
    } else {
        creators
    };
    record.insert("creators".into(), Value::Array(creators));
    let contributors: Vec<Value> = provenance
        .authors
        .iter()
        .filter_map(|a| match a.role {
            Role::Author | Role::Speaker => None,
            Role::Editor => Some(creator_or_contributor(a, Some("Editor"))),
            Role::Interviewer => Some(creator_or_contributor(a, Some("DataCollector"))),
            Role::Translator | Role::Transcriber => Some(creator_or_contributor(a, Some("Other"))),
        })
        .collect();
    if !contributors.is_empty() {
        record.insert("contributors".into(), Value::Array(contributors));
    }

    if let Some(date) = &provenance.date
        && let Some(plain) = PlainDate::within(date, PlainYears::Signed)
    {
        let mut created = json!({"date": plain.text(), "dateType": "Created"});
        if let Some(information) = date_information(provenance, PlainYears::Signed) {
            created["dateInformation"] = json!(information);
        }
        record.insert("dates".into(), json!([created]));
    }

    let mut related = vec![json!({
        "relatedIdentifier": collection_urn(info),
        "relatedIdentifierType": "URN",
        "relationType": "IsPartOf",
        "resourceTypeGeneral": "Collection",
    })];
    if let Some(origin) = provenance.origin.as_ref().and_then(origin_id) {
        let (identifier, kind) = match &origin {
            OriginId::Doi(doi) => (doi.as_str(), "DOI"),
            OriginId::Url(url) => (url.as_str(), "URL"),
        };
        related.push(json!({
            "relatedIdentifier": identifier,
            "relatedIdentifierType": kind,
            "relationType": "IsDerivedFrom",
        }));
    }
    for work in &document.contested.disputed_by {
        let identifiers = (DisputingId::all(info, work).into_iter()).map(|id| match id {
            DisputingId::Doi(doi) => (doi.as_str().to_string(), "DOI"),
            DisputingId::Url(url) => (url, "URL"),
            DisputingId::Urn(urn) => (urn, "URN"),
        });
        let resource_type = match work {
            DisputingWork::Cited(work) => work.kind.map(work_resource_type),
            DisputingWork::Document { id, .. } => bundle
                .document(id)
                .map(|d| resource_type_general(d.media_type_or_guess().as_str())),
        };
        for (identifier, kind) in identifiers {
            let mut relation = json!({
                "relatedIdentifier": identifier,
                "relatedIdentifierType": kind,
                "relationType": "IsReviewedBy",
            });
            if let Some(resource_type) = resource_type {
                relation["resourceTypeGeneral"] = json!(resource_type);
            }
            related.push(relation);
        }
    }
    record.insert("relatedIdentifiers".into(), Value::Array(related));

    let mut descriptions = Vec::new();
    if let Some(context) = &provenance.context {
        descriptions.push(json!({"description": context, "descriptionType": "Abstract"}));
    }
    if let Some(note) = contested_note(info, &document.contested, |id| bundle.document(id)) {
        descriptions.push(json!({"description": note, "descriptionType": "Other"}));
    }
    let undated = provenance
        .date
        .as_ref()
        .is_some_and(|d| PlainDate::within(d, PlainYears::Signed).is_none());
    let date_words = if undated {
        date_information(provenance, PlainYears::Signed).map(|t| format!("Date created: {t}"))
    } else if provenance.date.is_none() {
        provenance.date_note.clone()
    } else {
        None
    };
    let provenance_words: Vec<String> = [provenance_note(provenance), date_words]
        .into_iter()
        .flatten()
        .collect();
    if !provenance_words.is_empty() {
        descriptions.push(json!({
            "description": format!("Provenance. {}", provenance_words.join(" ")),
            "descriptionType": "Other",
        }));
    }
    if !descriptions.is_empty() {
        record.insert("descriptions".into(), Value::Array(descriptions));
    }
    if let Some(venue) = &provenance.venue {
        record.insert(
            "geoLocations".into(),
            json!([{"geoLocationPlace": venue.name}]),
        );
    }

    record.insert("formats".into(), json!([media_type.as_str()]));
    if let Some(size) = bundle.held_size(document) {
        record.insert("sizes".into(), json!([format!("{size} bytes")]));
    }
    let mut rights = Vec::new();
    if let Some(license) = &document.license {
        rights.push(license_rights(license));
    }
    if let Some(text) = &document.rights {
        rights.push(json!({"rights": text}));
    }
    if !rights.is_empty() {
        record.insert("rightsList".into(), Value::Array(rights));
    }
    Value::Object(xml_compatible_fields(record))
}

/// What every record has: the schema version, publisher and year.
fn common(info: &CollectionInfo) -> Map<String, Value> {
    let mut record = Map::new();
    record.insert("schemaVersion".into(), json!(SCHEMA_VERSION));
    let publisher = info.source_organization.as_deref().unwrap_or(UNAVAILABLE);
    record.insert("publisher".into(), json!({"name": publisher}));
    record.insert(
        "publicationYear".into(),
        json!(info.date.date().format("%Y").to_string()),
    );
    record
}

/// A person or organization as a creator, or as a contributor of
/// `contributor_type`. The name is given as written, and a person's also
/// as `familyName` and `givenName` when it is written `Family, Given`
/// ([`personal_name`]).
fn creator_or_contributor(author: &Author, contributor_type: Option<&str>) -> Value {
    let mut value = match author.kind {
        AuthorType::Person => personal_name(&author.name),
        AuthorType::Organization => json!({"name": author.name, "nameType": "Organizational"}),
    };
    let mut identifiers = Vec::new();
    if let Some(orcid) = &author.orcid {
        identifiers.push(json!({
            "nameIdentifier": orcid.url(),
            "nameIdentifierScheme": "ORCID",
            "schemeUri": "https://orcid.org",
        }));
    }
    if let Some(wikidata) = &author.wikidata {
        identifiers.push(json!({
            "nameIdentifier": wikidata.url(),
            "nameIdentifierScheme": "Wikidata",
            "schemeUri": "https://www.wikidata.org/wiki/",
        }));
    }
    if !identifiers.is_empty() {
        value["nameIdentifiers"] = Value::Array(identifiers);
    }
    if let Some(kind) = contributor_type {
        value["contributorType"] = json!(kind);
    }
    value
}

/// A person's name, `nameType` `Personal`: as written, and split into
/// `familyName` and `givenName` (DataCite 4.5, 2.2 givenName, 2.3
/// familyName) only when written `Family, Given`, where the split is sure
/// ([`family_and_given`]); `Ada Lovelace` could as well be a family name
/// first, and is left whole.
fn personal_name(name: &str) -> Value {
    let mut value = json!({"name": name, "nameType": "Personal"});
    if let Some((family, given)) = family_and_given(name) {
        value["givenName"] = json!(given);
        value["familyName"] = json!(family);
    }
    value
}

/// A licence as a `rightsList` entry: an identifier on the SPDX licence
/// list by its full name (DataCite 4.5, 16 Rights: "Use the complete title
/// of a license and include version information"), with the identifier,
/// its scheme and its page; a URL as such; and any other text (an SPDX
/// expression such as `CC-BY-4.0+`, a `LicenseRef-`) in words alone.
fn license_rights(license: &License) -> Value {
    let title = license.spdx_name().unwrap_or(license.as_str());
    let mut rights = json!({"rights": title});
    if let Some(page) = license.page() {
        rights["rightsUri"] = json!(page);
    }
    if let Some(id) = license.spdx_id() {
        rights["rightsIdentifier"] = json!(id);
        rights["rightsIdentifierScheme"] = json!("SPDX");
        rights["schemeUri"] = json!("https://spdx.org/licenses/");
    }
    rights
}

/// The free-text `resourceType` of the collection's record. DataCite 4.5
/// (10 ResourceType) makes it mandatory in the XML, where
/// `resourceTypeGeneral` is its attribute; in the JSON it is
/// `types.resourceType`.
pub const COLLECTION_TYPE: &str = "Document collection";

/// The free-text `resourceType` of a document, from its media type, beside
/// its [`resource_type_general`]: what the record knows of the document is
/// its media type, not its genre (a talk, a letter), which its title and
/// descriptions say.
pub fn resource_type(media_type: &str) -> &'static str {
    match MediaKind::of(media_type) {
        MediaKind::Sound => "Sound recording",
        MediaKind::Video => "Video recording",
        MediaKind::Image => "Still image",
        MediaKind::Text => "Document",
    }
}

/// The DataCite `resourceTypeGeneral` of a document, from its media type.
pub fn resource_type_general(media_type: &str) -> &'static str {
    match MediaKind::of(media_type) {
        MediaKind::Sound => "Sound",
        MediaKind::Video => "Audiovisual",
        MediaKind::Image => "Image",
        MediaKind::Text => "Text",
    }
}

fn work_resource_type(work_type: WorkType) -> &'static str {
    match work_type {
        WorkType::Book => "Book",
        WorkType::Article => "JournalArticle",
        WorkType::Chapter => "BookChapter",
        WorkType::Thesis => "Dissertation",
        WorkType::Report => "Report",
        WorkType::Webpage => "Text",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_types_follow_the_media_type() {
        for (media_type, general, free_text) in [
            ("text/plain", "Text", "Document"),
            ("application/pdf", "Text", "Document"),
            ("audio/mpeg", "Sound", "Sound recording"),
            ("video/mp4", "Audiovisual", "Video recording"),
            ("image/png", "Image", "Still image"),
        ] {
            assert_eq!(resource_type_general(media_type), general);
            assert_eq!(resource_type(media_type), free_text);
        }
    }

    /// The parts are written where a map of `Value`s sorts their key,
    /// whatever keys come before and after it, and not at all when there
    /// are none.
    #[test]
    fn the_parts_are_written_as_values_would_be() {
        let urns = vec!["urn:corpack:c:a".to_string(), "urn:corpack:c:b".to_string()];
        let keys = [
            &["types"][..],
            &["dates", "publisher"],
            &["dates", "rightsList", "titles"],
        ];
        for keys in keys {
            for parts in [Vec::new(), urns.clone()] {
                let fields: Map<String, Value> = (keys.iter())
                    .map(|key| (key.to_string(), json!({"name": key})))
                    .collect();
                let mut expected = fields.clone();
                if !parts.is_empty() {
                    let values = (parts.iter())
                        .map(|urn| {
                            json!({
                                "relatedIdentifier": urn,
                                "relatedIdentifierType": "URN",
                                "relationType": "HasPart",
                            })
                        })
                        .collect();
                    expected.insert(RELATED_IDENTIFIERS.into(), Value::Array(values));
                }
                let record = CollectionRecord { fields, parts };
                assert_eq!(
                    serde_json::to_string_pretty(&record).unwrap(),
                    serde_json::to_string_pretty(&expected).unwrap()
                );
            }
        }
    }

    #[test]
    fn spdx_licences_carry_their_scheme_and_urls_do_not() {
        let spdx = license_rights(&"CC-BY-4.0".parse().unwrap());
        assert_eq!(
            spdx["rights"],
            "Creative Commons Attribution 4.0 International"
        );
        assert_eq!(spdx["rightsIdentifier"], "CC-BY-4.0");
        assert_eq!(spdx["rightsIdentifierScheme"], "SPDX");
        assert_eq!(spdx["rightsUri"], "https://spdx.org/licenses/CC-BY-4.0");
        let url = license_rights(&"https://example.org/l".parse().unwrap());
        assert_eq!(
            url,
            json!({"rights": "https://example.org/l", "rightsUri": "https://example.org/l"})
        );
        let expression = license_rights(&"CC-BY-4.0+".parse().unwrap());
        assert_eq!(expression, json!({"rights": "CC-BY-4.0+"}));
    }
}
