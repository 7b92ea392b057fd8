//! InvenioRDM records: the JSON its REST API takes to create a draft
//! (`POST /api/records`), one per document and one for the collection.
//!
//! The output directory holds `collection.json` and `documents/<id>.json`.
//! Vocabulary values are ids of InvenioRDM's default vocabularies
//! (invenio-rdm-records fixtures): resource types, roles, date types,
//! relation types, description types and ISO 639-3 languages.
//!
//! | record | InvenioRDM `metadata` |
//! |---|---|
//! | `title` | `title` (under three characters, InvenioRDM's minimum: followed by ` [<id>]`) |
//! | authors, speakers | `creators` (`personal`: a name written `Family, Given` as `family_name` and `given_name`, any other whole as `family_name`, as only that form splits surely; ORCID as an `orcid` identifier; an organization `organizational` with its `name`); none: an organizational `:unav` |
//! | editors / translators / interviewers / transcribers | `contributors` with role `editor` / `translator` / `datacollector` / `other` |
//! | `provenance.date` | `dates` `created`: the plain (EDTF level 0) date or interval, the EDTF and `date_note` as its `description` |
//! | `context` | `description` (as HTML: text escaped, line breaks `<br>`) |
//! | `contested` | `additional_descriptions` `other`: the public note |
//! | origin, venue, event, publisher | `additional_descriptions` `other`; venue also `locations` (with its Wikidata and GeoNames ids) |
//! | origin URL or DOI (`doi:` or a `doi.org` URL) / `disputed_by` with a DOI or URL, or a document of the collection (its URN) | `related_identifiers` `isderivedfrom` / `isreviewedby` |
//! | the collection | `related_identifiers` `ispartof` (URN); the collection's record lists its documents as `haspart` |
//! | URN | `identifiers` (`urn`) |
//! | `language` | `languages` (ISO 639-3 of the extended language subtag (`zh-yue` → `yue`), else of the primary subtag, or of its preferred value when deprecated; a grandfathered tag's preferred value's, none without one) |
//! | `media_type`, size | `formats`, `sizes`; `resource_type` from the media type (`publication`, `audio`, `video`, `image`) |
//! | the collection | `resource_type` [`dataset`](COLLECTION_RESOURCE_TYPE): InvenioRDM has no collection type |
//! | `license`, `rights` | `rights` (custom entries: title and link; a licence on the SPDX list titled by its full name, its identifier in the description) |
//! | collection `date`, `source_organization` | `publication_date`, `publisher` |
//! | collection `contact_name` | `contributors` `contactperson`: `personal` (the whole name as `family_name`), or `organizational` when it names the source organization |
//! | held or not | `files.enabled` |

use std::path::Path;

use isolang::Language;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::{Map, Value, json};

use super::mapping::{
    DisputingId, MediaKind, OriginId, PlainDate, PlainYears, collection_urn,
    contact_is_organization, contested_note, date_information, document_urn, family_and_given,
    origin_id, provenance_note, xml_compatible_fields,
};
use super::records;
use super::verified::{RepositoryExportReport, VerifiedBundle};
use crate::collection::values::{LanguageTag, License};
use crate::collection::{Author, AuthorType, CollectionInfo, DisputingWork, Document, Role};
use crate::error::Result;
use crate::progress::Progress;

/// The format's name on the command line.
pub const FORMAT: &str = "invenio";

/// The name given to a creator nobody can name (DataCite's standard value,
/// which InvenioRDM passes on to DataCite).
pub const UNAVAILABLE: &str = ":unav";

/// The resource type of the collection's record, and of the collection
/// where a document's record names it. DataCite's record of the collection
/// says `Collection`, which InvenioRDM's default resource types have no
/// type for: the one they map to it, `publication-annotationcollection`,
/// is an annotation collection, a kind of publication, which the bundle is
/// not, and `other` says nothing. `dataset` is what the record's file, the
/// bundle, is (its RO-Crate's root is a `Dataset`); InvenioRDM passes it
/// on to DataCite as `Dataset`.
pub const COLLECTION_RESOURCE_TYPE: &str = "dataset";

/// Exports the bundle at `bundle` as InvenioRDM records in the directory
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

/// The record of the collection. Its files are enabled: the bundle itself
/// is the file to upload to it.
pub(crate) fn collection_record(bundle: &VerifiedBundle) -> Record<WithMember<Vec<Part>>> {
    let info = &bundle.info;
    let mut metadata = common(info);
    metadata.insert(
        "resource_type".into(),
        json!({"id": COLLECTION_RESOURCE_TYPE}),
    );
    metadata.insert(
        "title".into(),
        json!(at_least_three(&info.title, |t| format!(
            "{t} [{}]",
            info.id
        ))),
    );
    metadata.insert(
        "description".into(),
        json!(html_text(&at_least_three(&info.description, |d| format!(
            "Description: {d}"
        )))),
    );
    let creator = match &info.source_organization {
        Some(name) => json!({"person_or_org": {"type": "organizational", "name": name}}),
        None => unavailable_creator(),
    };
    metadata.insert("creators".into(), json!([creator]));
    if let Some(contact) = &info.contact_name {
        // Whole, not split: the record gives the contact no type, and a
        // comma may set off an office's parts.
        let person_or_org = if contact_is_organization(info) {
            json!({"type": "organizational", "name": contact})
        } else {
            json!({"type": "personal", "family_name": contact})
        };
        metadata.insert(
            "contributors".into(),
            json!([{"person_or_org": person_or_org, "role": {"id": "contactperson"}}]),
        );
    }
    metadata.insert(
        "identifiers".into(),
        json!([{"identifier": collection_urn(info), "scheme": "urn"}]),
    );
    metadata.insert("rights".into(), json!([license_rights(&info.license)]));
    let parts: Vec<Part> = (bundle.ids())
        .map(|id| Part {
            identifier: document_urn(info, id),
            relation_type: HAS_PART,
            scheme: "urn",
        })
        .collect();
    let metadata = WithMember {
        object: xml_compatible_fields(metadata),
        key: "related_identifiers",
        value: (!parts.is_empty()).then_some(parts),
    };
    record(metadata, true)
}

/// A document of the collection in its record's `related_identifiers`.
/// Typed rather than a `Value`, whose two `Map`s take some 1.3 KB: a
/// collection of 40,000 documents held 80 MB of them. Its fields are in
/// the order of a `Map`'s keys, which is how the record is written.
#[derive(Serialize)]
pub(crate) struct Part {
    identifier: String,
    relation_type: RelationType,
    scheme: &'static str,
}

/// How a [`Part`] relates to the collection.
#[derive(Serialize)]
pub(crate) struct RelationType {
    id: &'static str,
}

const HAS_PART: RelationType = RelationType { id: "haspart" };

/// A JSON object and one member more, if it has a value, written where
/// its key sorts among the others', as a `Map` writes its keys.
pub(crate) struct WithMember<T> {
    object: Map<String, Value>,
    key: &'static str,
    value: Option<T>,
}

impl<T: Serialize> Serialize for WithMember<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        let mut member = self.value.as_ref().map(|value| (self.key, value));
        for (key, value) in &self.object {
            if let Some((member_key, member_value)) = member.filter(|(k, _)| *k < key.as_str()) {
                map.serialize_entry(member_key, member_value)?;
                member = None;
            }
            map.serialize_entry(key, value)?;
        }
        if let Some((member_key, member_value)) = member {
            map.serialize_entry(member_key, member_value)?;
        }
        map.end()
    }
}

/// The record of one document; files are enabled when the bundle holds it.
pub(crate) fn document_record(
    bundle: &VerifiedBundle,
    document: &Document,
) -> Record<Map<String, Value>> {
    let info = &bundle.info;
    let provenance = &document.provenance;
    let media_type = document.media_type_or_guess();
    let mut metadata = common(info);
    metadata.insert(
        "resource_type".into(),
        json!({"id": resource_type(media_type.as_str())}),
    );
    metadata.insert(
        "title".into(),
        json!(at_least_three(&document.title, |t| format!(
            "{t} [{}]",
            document.id
        ))),
    );

    let creators: Vec<Value> = provenance
        .authors
        .iter()
        .filter(|a| matches!(a.role, Role::Author | Role::Speaker))
        .map(|a| json!({"person_or_org": person_or_org(a)}))
        .collect();
    let creators = if creators.is_empty() {
        vec![unavailable_creator()]
    } else {
        creators
    };
    metadata.insert("creators".into(), Value::Array(creators));
    let contributors: Vec<Value> = provenance
        .authors
        .iter()
        .filter_map(|a| {
            let role = match a.role {
                Role::Author | Role::Speaker => return None,
                Role::Editor => "editor",
                Role::Translator => "translator",
                Role::Interviewer => "datacollector",
                Role::Transcriber => "other",
            };
            Some(json!({"person_or_org": person_or_org(a), "role": {"id": role}}))
        })
        .collect();
    if !contributors.is_empty() {
        metadata.insert("contributors".into(), Value::Array(contributors));
    }

    if let Some(date) = &provenance.date
        && let Some(plain) = PlainDate::of(date)
    {
        let mut created = json!({"date": plain.text(), "type": {"id": "created"}});
        if let Some(information) = date_information(provenance, PlainYears::CommonEra) {
            created["description"] = json!(information);
        }
        metadata.insert("dates".into(), json!([created]));
    }
    if let Some(language) = document.language.as_ref().and_then(iso_639_3) {
        metadata.insert("languages".into(), json!([{"id": language}]));
    }
    metadata.insert(
        "identifiers".into(),
        json!([{"identifier": document_urn(info, document.id.as_str()), "scheme": "urn"}]),
    );

    let mut related = vec![json!({
        "identifier": collection_urn(info),
        "scheme": "urn",
        "relation_type": {"id": "ispartof"},
        "resource_type": {"id": COLLECTION_RESOURCE_TYPE},
    })];
    if let Some(origin) = provenance.origin.as_ref().and_then(origin_id) {
        let (identifier, scheme) = match &origin {
            OriginId::Doi(doi) => (doi.as_str(), "doi"),
            OriginId::Url(url) => (url.as_str(), "url"),
        };
        related.push(json!({
            "identifier": identifier,
            "scheme": scheme,
            "relation_type": {"id": "isderivedfrom"},
        }));
    }
    for work in &document.contested.disputed_by {
        let identifiers = (DisputingId::all(info, work).into_iter()).map(|id| match id {
            DisputingId::Doi(doi) => (doi.as_str().to_string(), "doi"),
            DisputingId::Url(url) => (url, "url"),
            DisputingId::Urn(urn) => (urn, "urn"),
        });
        let disputing = match work {
            DisputingWork::Cited(_) => None,
            DisputingWork::Document { id, .. } => bundle.document(id),
        };
        for (identifier, scheme) in identifiers {
            let mut relation = json!({
                "identifier": identifier,
                "scheme": scheme,
                "relation_type": {"id": "isreviewedby"},
            });
            if let Some(disputing) = &disputing {
                let media_type = disputing.media_type_or_guess();
                relation["resource_type"] = json!({"id": resource_type(media_type.as_str())});
            }
            related.push(relation);
        }
    }
    metadata.insert("related_identifiers".into(), Value::Array(related));

    if let Some(context) = &provenance.context {
        let context = at_least_three(context, |c| format!("Context: {c}"));
        metadata.insert("description".into(), json!(html_text(&context)));
    }
    let mut additional = Vec::new();
    if let Some(note) = contested_note(info, &document.contested, |id| bundle.document(id)) {
        additional.push(json!({"description": html_text(&note), "type": {"id": "other"}}));
    }
    let undated = provenance
        .date
        .as_ref()
        .is_some_and(|d| PlainDate::of(d).is_none());
    let date_words = if undated {
        date_information(provenance, PlainYears::CommonEra).map(|t| format!("Date created: {t}"))
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
        additional.push(json!({
            "description": html_text(&format!("Provenance. {}", provenance_words.join(" "))),
            "type": {"id": "other"},
        }));
    }
    if !additional.is_empty() {
        metadata.insert("additional_descriptions".into(), Value::Array(additional));
    }
    if let Some(venue) = &provenance.venue {
        let mut feature = json!({"place": venue.name});
        let mut identifiers = Vec::new();
        if let Some(wikidata) = &venue.wikidata {
            identifiers.push(json!({"identifier": wikidata.as_str(), "scheme": "wikidata"}));
        }
        if let Some(geonames) = &venue.geonames {
            identifiers.push(json!({"identifier": geonames.as_str(), "scheme": "geonames"}));
        }
        if !identifiers.is_empty() {
            feature["identifiers"] = Value::Array(identifiers);
        }
        metadata.insert("locations".into(), json!({"features": [feature]}));
    }
    metadata.insert("formats".into(), json!([media_type.as_str()]));
    let held = bundle.held_size(document);
    if let Some(size) = held {
        metadata.insert("sizes".into(), json!([format!("{size} bytes")]));
    }
    let mut rights = Vec::new();
    if let Some(license) = &document.license {
        rights.push(license_rights(license));
    }
    if let Some(text) = &document.rights {
        rights.push(json!({"title": {"en": "Rights"}, "description": {"en": text}}));
    }
    if !rights.is_empty() {
        metadata.insert("rights".into(), Value::Array(rights));
    }
    record(xml_compatible_fields(metadata), held.is_some())
}

/// `text`, or, when it is shorter than the three characters InvenioRDM
/// requires of titles and descriptions, `lengthen(text)`.
fn at_least_three(text: &str, lengthen: impl Fn(&str) -> String) -> String {
    if text.trim().chars().count() < 3 {
        lengthen(text.trim())
    } else {
        text.to_string()
    }
}

/// Plain text as the HTML InvenioRDM takes (and sanitizes) in its
/// descriptions: `&`, `<` and `>` escaped, so that `<sic>` stays text, and
/// line breaks kept as `<br>`.
fn html_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\n', "<br>")
}

/// A record around its metadata: public, with files enabled or not.
fn record<M: Serialize>(metadata: M, files: bool) -> Record<M> {
    Record {
        access: Access {
            files: "public",
            record: "public",
        },
        files: Files { enabled: files },
        metadata,
    }
}

/// An InvenioRDM record. Its fields, and theirs, are in the order of a
/// `Map`'s keys, in which the records were first written.
#[derive(Serialize)]
pub(crate) struct Record<M> {
    access: Access,
    files: Files,
    metadata: M,
}

/// Who may see a [`Record`] and its files.
#[derive(Serialize)]
pub(crate) struct Access {
    files: &'static str,
    record: &'static str,
}

/// Whether a [`Record`] has files.
#[derive(Serialize)]
pub(crate) struct Files {
    enabled: bool,
}

/// What every record's metadata has: publication date and publisher.
fn common(info: &CollectionInfo) -> Map<String, Value> {
    let mut metadata = Map::new();
    metadata.insert("publication_date".into(), json!(info.date.to_string()));
    if let Some(publisher) = &info.source_organization {
        metadata.insert("publisher".into(), json!(publisher));
    }
    metadata
}

fn unavailable_creator() -> Value {
    json!({"person_or_org": {"type": "organizational", "name": UNAVAILABLE}})
}

/// A person or organization. An organization has a name only: InvenioRDM
/// takes no Wikidata id.
fn person_or_org(author: &Author) -> Value {
    if author.kind == AuthorType::Organization {
        return json!({"type": "organizational", "name": author.name});
    }
    let mut value = personal(&author.name);
    if let Some(orcid) = &author.orcid {
        value["identifiers"] = json!([{"identifier": orcid.as_str(), "scheme": "orcid"}]);
    }
    value
}

/// A person by name. InvenioRDM needs a person's family name: a name
/// written `Family, Given` is split into `family_name` and `given_name`
/// ([`family_and_given`]), where the split is sure; any other is given
/// whole as the family name, as a wrong split would misname the person.
fn personal(name: &str) -> Value {
    match family_and_given(name) {
        Some((family, given)) => {
            json!({"type": "personal", "family_name": family, "given_name": given})
        }
        None => json!({"type": "personal", "family_name": name}),
    }
}

/// A licence as a custom `rights` entry, linked to its page when it has
/// one: an identifier on the SPDX licence list titled by its full name,
/// the identifier in the description, as DataCite's export states it
/// (InvenioRDM makes a custom entry's title DataCite's `rights`, of which
/// DataCite 4.5, 16 Rights, asks the complete title of a licence with its
/// version); any other licence (an SPDX expression, a `LicenseRef-`, a
/// URL) titled as written.
fn license_rights(license: &License) -> Value {
    let title = license.spdx_name().unwrap_or(license.as_str());
    let mut rights = json!({"title": {"en": title}});
    if let Some(id) = license.spdx_id() {
        rights["description"] = json!({"en": format!("SPDX licence identifier {id}.")});
    }
    if let Some(page) = license.page() {
        rights["link"] = json!(page);
    }
    rights
}

/// The InvenioRDM resource type of a document, from its media type.
pub fn resource_type(media_type: &str) -> &'static str {
    match MediaKind::of(media_type) {
        MediaKind::Sound => "audio",
        MediaKind::Video => "video",
        MediaKind::Image => "image",
        MediaKind::Text => "publication",
    }
}

/// The ISO 639-3 code of a BCP 47 tag's language, which is what
/// InvenioRDM's language vocabulary holds: the primary language subtag of
/// the tag in its canonical form (RFC 5646 §4.5, from the IANA registry the
/// `language-tags` crate carries), which is a grandfathered or redundant
/// tag's preferred value's (`i-klingon` is `tlh`, `sgn-US` is `ase`), an
/// extended language subtag's preferred value (`zh-yue` is `yue`) and a
/// deprecated subtag's replacement (`iw` is `he`). An extended language
/// ISO 639-3 has since retired (`ar-ajp`) falls back to the language the
/// tag is written with (`ara`). `None` when neither is an ISO 639 language
/// (`qaa`, private use) or the registry gives no preferred value
/// (`i-default`, `zh-min`).
pub fn iso_639_3(tag: &LanguageTag) -> Option<&'static str> {
    let written = language_tags::LanguageTag::parse(tag.as_str()).ok()?;
    let canonical = written.canonicalize().ok()?;
    iso_639(canonical.primary_language())
        .or_else(|| iso_639(written.primary_language()))
        .map(|language| language.to_639_3())
}

/// The language of an ISO 639-1 or ISO 639-3 code.
fn iso_639(code: &str) -> Option<Language> {
    match code.len() {
        2 => Language::from_639_1(code),
        3 => Language::from_639_3(code),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_is_written_where_a_map_would_put_it() {
        let object = |keys: &[&str]| -> Map<String, Value> {
            keys.iter().map(|k| (k.to_string(), json!(k))).collect()
        };
        for keys in [
            &[][..],
            &["a"],
            &["s"],
            &["z"],
            &["a", "s", "z"],
            &["a", "b"],
        ] {
            for value in [None, Some(vec![1, 2])] {
                let with = WithMember {
                    object: object(keys),
                    key: "r",
                    value: value.clone(),
                };
                let mut map = object(keys);
                if let Some(value) = value {
                    map.insert("r".into(), json!(value));
                }
                assert_eq!(
                    serde_json::to_string_pretty(&with).unwrap(),
                    serde_json::to_string_pretty(&map).unwrap(),
                    "{keys:?}"
                );
            }
        }
    }

    #[test]
    fn short_titles_and_descriptions_are_lengthened() {
        assert_eq!(at_least_three("Ab", |t| format!("{t} [d]")), "Ab [d]");
        assert_eq!(at_least_three("Abc", |t| format!("{t} [d]")), "Abc");
        assert_eq!(at_least_three("Жж", |t| format!("{t} [d]")), "Жж [d]");
    }

    #[test]
    fn descriptions_are_text_inside_html() {
        assert_eq!(html_text("a <sic> & b\nc"), "a &lt;sic&gt; &amp; b<br>c");
    }

    #[test]
    fn languages_map_to_iso_639_3() {
        for (tag, expected) in [
            ("en", Some("eng")),
            ("de-CH", Some("deu")),
            ("RU", Some("rus")),
            ("gsw", Some("gsw")),
            ("zh-Hant", Some("zho")),
            ("iw", Some("heb")),
            ("MO-md", Some("ron")),
            ("x-private", None),
            ("qaa", None),
            // Grandfathered: the preferred value's, or none.
            ("i-klingon", Some("tlh")),
            ("art-lojban", Some("jbo")),
            ("zh-min-nan", Some("nan")),
            ("ZH-GUOYU", Some("cmn")),
            ("no-nyn", Some("nno")),
            ("i-lux", Some("ltz")),
            ("sgn-CH-DE", Some("sgg")),
            ("en-GB-oed", Some("eng")),
            ("zh-min", None),
            ("i-default", None),
            ("cel-gaulish", None),
            // An extended language subtag is the language (RFC 5646
            // §2.2.2).
            ("zh-yue", Some("yue")),
            ("zh-cmn-Hans", Some("cmn")),
            ("ZH-YUE-HK", Some("yue")),
            ("sgn-ase", Some("ase")),
            ("ar-aao", Some("aao")),
            // The registry's preferred values where none was looked up:
            // a redundant tag's, a deprecated three-letter subtag's.
            ("sgn-US", Some("ase")),
            ("sgn-BR", Some("bzs")),
            ("drh", Some("khk")),
            ("tnf", Some("prs")),
            // An extended language ISO 639-3 retired: the tag's language.
            ("ar-ajp", Some("ara")),
            ("sgn-lsg", None),
        ] {
            let tag: LanguageTag = tag.parse().unwrap();
            assert_eq!(iso_639_3(&tag), expected, "{tag}");
        }
    }
}
