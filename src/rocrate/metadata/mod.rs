//! Writing `ro-crate-metadata.json`: the descriptor, the root dataset, the
//! documents, and the contextual entities they link to.
//!
//! The output is deterministic: documents are taken in file path order
//! whatever their order in the record, ids come from names (see
//! [`super::ids`]), and the graph lists the descriptor, the root, the data
//! entities in path order, then the contextual entities sorted by `@id`.
//! Object keys come out sorted (serde_json's map is ordered by key).

mod contextual;
mod entity_ids;
mod json;
mod root;
mod runs;

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

use serde_json::{Map, Value, json};

pub(super) use self::contextual::Contextual;
pub(super) use self::entity_ids::EntityIds;
use self::entity_ids::EntityIdsBuilder;
pub(super) use self::json::{into_map, one_or_many, reference, set};
use self::root::root_entity;
pub(super) use self::root::{NO_LICENSE_ID, license_entity};
use super::document::{describe_document, not_held_id};
use super::ids::encode_path;
use super::pretty::{Container, write_at};
use super::terms::{self, METADATA_ID, ROCRATE_SPEC, ROOT_ID};
use crate::bundle::{PackedDocument, PackedDocuments, crate_order, crate_path};
use crate::collection::CollectionInfo;

/// The text of `ro-crate-metadata.json`: pretty-printed, with a final
/// newline. Fails as [`write_metadata_json`] does on records it cannot
/// describe; writing to memory cannot fail otherwise.
pub fn metadata_json(info: &CollectionInfo, documents: &[PackedDocument]) -> io::Result<String> {
    let mut text = Vec::new();
    write_metadata_json(info, &documents, None, &mut text)?;
    Ok(String::from_utf8(text).expect("serde_json writes UTF-8"))
}

/// Writes the text of `ro-crate-metadata.json` to `out`, a document at a
/// time: what is held until the end is the contextual entities (people,
/// places, works, licences, the documents catalogued but not held), not
/// the data entities: as runs sorted by `@id`, in an unnamed file in
/// `spill_dir` if there is one, merged at the end. `out` should be
/// buffered.
///
/// Records that break the collection's rules may not be described: one
/// disputed by a document that is not among `documents` is an error of
/// kind [`io::ErrorKind::InvalidInput`], before anything is written.
pub fn write_metadata_json(
    info: &CollectionInfo,
    documents: &dyn PackedDocuments,
    spill_dir: Option<&Path>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let order = crate_order(documents);
    let mut ids = EntityIdsBuilder::default();
    for document in documents.documents(&order) {
        ids.add(&document?.record);
    }
    let ids = ids.build(info, documents)?;
    let (held, not_held): (Vec<usize>, Vec<usize>) =
        order.iter().partition(|&&index| documents.is_held(index));
    let mut held_ids = held.iter().map(|&index| document_id(documents, index));
    let mut not_held_ids = not_held.iter().map(|&index| document_id(documents, index));

    let mut top = Container::object(out, 0)?;
    top.member("@context", &terms::context())?;
    let depth = top.inner_depth();
    let mut graph = Container::array(top.key("@graph")?, depth)?;
    graph.element(&descriptor())?;
    // The root's own contextual entities join the others after the
    // documents', as they always have: merging is order-sensitive.
    let mut root_contextual = Contextual::default();
    let root = root_entity(info, &ids, &mut root_contextual);
    let depth = graph.inner_depth();
    let lists = [
        References {
            key: "hasPart",
            count: held.len(),
            ids: &mut held_ids,
        },
        References {
            key: "mentions",
            count: not_held.len(),
            ids: &mut not_held_ids,
        },
    ];
    write_root(graph.slot()?, depth, root, lists)?;
    let mut contextual = match spill_dir {
        Some(dir) => Contextual::spilled_in(dir)?,
        None => Contextual::default(),
    };
    for document in documents.documents(&order) {
        let document = document?;
        let entity = describe_document(&document, &ids, &mut contextual);
        if document.held.is_some() {
            graph.element(&entity)?;
        } else {
            contextual.add(entity);
        }
    }
    contextual.add_all(root_contextual)?;
    for entity in terms::ad_hoc_term_entities() {
        contextual.add(into_map(entity));
    }
    contextual.write_each(&mut |text| graph.element_pretty(text))?;
    graph.close()?;
    top.close()?;
    out.write_all(b"\n")
}

/// The `@id` of the document at `index`: the path of its file when it is
/// held, else its `#document-<id>`.
fn document_id(documents: &dyn PackedDocuments, index: usize) -> String {
    if documents.is_held(index) {
        encode_path(&crate_path(documents.file(index)))
    } else {
        not_held_id(documents.id(index))
    }
}

/// References to entities, written as the value of `key`: one reference,
/// or an array of them, as [`one_or_many`] would make; none, no member.
struct References<'a> {
    key: &'static str,
    count: usize,
    ids: &'a mut dyn Iterator<Item = String>,
}

/// Writes the root dataset with the lists of references that
/// [`root_entity`] leaves out, each where its key sorts among the others.
fn write_root(
    out: &mut dyn Write,
    depth: usize,
    mut root: Map<String, Value>,
    lists: [References; 2],
) -> io::Result<()> {
    let mut lists: BTreeMap<&str, References> = lists
        .into_iter()
        .filter(|list| list.count > 0)
        .map(|list| (list.key, list))
        .collect();
    for key in lists.keys() {
        root.insert(key.to_string(), Value::Null);
    }
    let mut object = Container::object(out, depth)?;
    for (key, value) in &root {
        let Some(list) = lists.remove(key.as_str()) else {
            object.member(key, value)?;
            continue;
        };
        let depth = object.inner_depth();
        let out = object.key(key)?;
        if list.count == 1 {
            let id = list.ids.next().expect("one id");
            write_at(out, depth, &reference(&id))?;
            continue;
        }
        let mut array = Container::array(out, depth)?;
        for id in list.ids {
            array.element(&reference(&id))?;
        }
        array.close()?;
    }
    object.close()
}

fn descriptor() -> Value {
    json!({
        "@id": METADATA_ID,
        "@type": "CreativeWork",
        "conformsTo": reference(ROCRATE_SPEC),
        "about": reference(ROOT_ID),
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::Value;

    use super::*;
    use crate::rocrate::testutil::sample;

    /// The terms corpack uses that the RO-Crate 1.1 context defines, each
    /// checked against that context as ro-crate-py 0.15.1 ships it
    /// (`rocrate/data/ro-crate.jsonld`, sha256 bb5dd0a7…2222a): all map to
    /// `http://schema.org/` but `conformsTo` (Dublin Core) and the `rdf`
    /// and `rdfs` prefixes.
    const ROCRATE_1_1_TERMS: &[&str] = &[
        "Claim",
        "ClaimReview",
        "ContactPoint",
        "CreativeWork",
        "Dataset",
        "Event",
        "File",
        "Organization",
        "Person",
        "Place",
        "about",
        "appearance",
        "author",
        "citation",
        "conformsTo",
        "contactPoint",
        "contentSize",
        "contributor",
        "creativeWorkStatus",
        "Book",
        "Chapter",
        "Report",
        "ScholarlyArticle",
        "Thesis",
        "WebPage",
        "sameAs",
        "url",
        "dateCreated",
        "datePublished",
        "description",
        "editor",
        "email",
        "encodingFormat",
        "hasPart",
        "identifier",
        "inLanguage",
        "isBasedOn",
        "itemReviewed",
        "license",
        "location",
        "locationCreated",
        "mentions",
        "name",
        "publisher",
        "rdf",
        "rdfs",
        "recordedAt",
        "review",
        "reviewAspect",
        "reviewBody",
        "translator",
    ];

    fn sample_json() -> Value {
        let (info, documents) = sample();
        serde_json::from_str(&metadata_json(&info, &documents).unwrap()).unwrap()
    }

    fn entity<'a>(crate_json: &'a Value, id: &str) -> &'a Value {
        let graph = crate_json["@graph"].as_array().unwrap();
        graph
            .iter()
            .find(|e| e["@id"] == id)
            .unwrap_or_else(|| panic!("no entity {id}"))
    }

    /// Every property key and `@type` value, recursively.
    fn terms_used(value: &Value, terms: &mut BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                for (key, value) in map {
                    if !key.starts_with('@') {
                        terms.insert(key.clone());
                    }
                    if key == "@type" {
                        for t in value.as_array().map_or(vec![value], |a| a.iter().collect()) {
                            terms.insert(t.as_str().unwrap().to_string());
                        }
                    }
                    terms_used(value, terms);
                }
            }
            Value::Array(items) => items.iter().for_each(|item| terms_used(item, terms)),
            _ => {}
        }
    }

    #[test]
    fn every_term_is_in_the_context() {
        let crate_json = sample_json();
        let extension = crate_json["@context"][1].as_object().unwrap();
        let mut terms = BTreeSet::new();
        terms_used(&crate_json["@graph"], &mut terms);
        for term in &terms {
            // A compact IRI needs its prefix defined; a term, itself.
            let defined = term
                .split_once(':')
                .map_or(term.as_str(), |(prefix, _)| prefix);
            assert!(
                ROCRATE_1_1_TERMS.contains(&defined) || extension.contains_key(defined),
                "{term} is in neither the RO-Crate 1.1 context nor the extension"
            );
        }
        // The extension declares nothing 1.1 already has, and nothing unused.
        for key in extension.keys() {
            assert!(
                !ROCRATE_1_1_TERMS.contains(&key.as_str()),
                "{key} redeclared"
            );
            assert!(
                terms
                    .iter()
                    .any(|t| t == key || t.starts_with(&format!("{key}:"))),
                "{key} declared but unused"
            );
        }
    }

    /// The README's mapping table is the one description of the mapping:
    /// every term the crate uses is in it, but the descriptor's.
    #[test]
    fn every_term_is_in_the_readme_mapping() {
        let readme = include_str!("../../../README.md");
        let mapping = readme
            .split_once("## Metadata mapping")
            .expect("README has a Metadata mapping section")
            .1;
        let mut terms = BTreeSet::new();
        terms_used(&sample_json()["@graph"], &mut terms);
        let descriptor = [
            "about",
            "conformsTo",
            "rdf:Property",
            "rdfs:comment",
            "rdfs:label",
        ];
        for term in terms.iter().filter(|t| !descriptor.contains(&t.as_str())) {
            assert!(
                mapping.contains(&format!("`{term}`")),
                "{term} is not in the README's mapping table"
            );
        }
    }

    #[test]
    fn output_is_deterministic_and_ignores_record_order() {
        let (info, mut documents) = sample();
        let text = metadata_json(&info, &documents).unwrap();
        assert!(text.ends_with("}\n"));
        assert_eq!(metadata_json(&info, &documents).unwrap(), text);
        documents.reverse();
        assert_eq!(metadata_json(&info, &documents).unwrap(), text);
    }

    #[test]
    fn graph_order_is_descriptor_root_data_then_contextual_by_id() {
        let crate_json = sample_json();
        let ids: Vec<&str> = crate_json["@graph"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["@id"].as_str().unwrap())
            .collect();
        assert_eq!(
            ids[..5],
            [
                "ro-crate-metadata.json",
                "./",
                "documents/furr%20talk.txt",
                "documents/notes/Überblick.md",
                "documents/plain.txt",
            ]
        );
        let contextual = &ids[5..];
        assert!(contextual.is_sorted(), "{contextual:?}");
    }

    #[test]
    fn root_reaches_every_document() {
        let crate_json = sample_json();
        let root = entity(&crate_json, "./");
        assert_eq!(root["hasPart"].as_array().unwrap().len(), 3);
        assert_eq!(root["mentions"], json!({"@id": "#document-lost-letter"}));
        assert_eq!(root["identifier"], "sample");
        assert_eq!(root["datePublished"], "2026-11-25");
        assert_eq!(
            root["license"],
            json!({"@id": "https://spdx.org/licenses/CC-BY-4.0"})
        );
        let license = entity(&crate_json, "https://spdx.org/licenses/CC-BY-4.0");
        assert_eq!(license["identifier"], "CC-BY-4.0");
        let organization = entity(&crate_json, "#organization-corpus-workshop");
        assert_eq!(root["publisher"]["@id"], organization["@id"]);
        assert_eq!(
            organization["contactPoint"]["@id"],
            "mailto:ada@example.org"
        );
        let contact = entity(&crate_json, "mailto:ada@example.org");
        assert_eq!(contact["@type"], "ContactPoint");
        assert_eq!(contact["name"], "Ada Archivist");
    }

    #[test]
    fn held_and_catalogued_documents() {
        let crate_json = sample_json();
        let held = entity(&crate_json, "documents/notes/Überblick.md");
        assert_eq!(held["@type"], "File");
        assert_eq!(held["identifier"], "ueberblick");
        assert_eq!(held["contentSize"], "13");
        assert_eq!(held["encodingFormat"], "text/markdown");
        assert_eq!(held["dateCreated"], "193X");
        assert_eq!(held["dateCreatedInterval"], "1930-01-01/1939-12-31");
        assert_eq!(
            held["isBasedOn"]["@id"],
            "https://example.org/archive/item?id=7"
        );
        assert!(held.get("held").is_none());

        let catalogued = entity(&crate_json, "#document-lost-letter");
        assert_eq!(catalogued["@type"], "CreativeWork");
        assert_eq!(catalogued["held"], false);
        assert_eq!(
            catalogued["sha256"],
            "972962436953c9ea6eecd3eed1bc013f6e43803f40ed42985ea46f3eb969bfa7"
        );
        assert!(catalogued.get("contentSize").is_none());
        assert_eq!(catalogued["creativeWorkStatus"], "unassessed");
    }

    #[test]
    fn people_are_one_entity_per_person_with_roles_as_properties() {
        let crate_json = sample_json();
        let orcid = "https://orcid.org/0000-0002-1825-0097";
        let talk = entity(&crate_json, "documents/furr%20talk.txt");
        assert_eq!(talk["author"]["@id"], "#person-grover-furr");
        assert_eq!(talk["marcrel:spk"]["@id"], "#person-grover-furr");
        assert_eq!(talk["contributor"]["@id"], orcid);
        assert_eq!(talk["marcrel:trc"]["@id"], orcid);
        // The same name without the ORCID iD is not given it: the record
        // does not say they are one person.
        let overview = entity(&crate_json, "documents/notes/Überblick.md");
        assert_eq!(overview["author"]["@id"], "#person-josiah-carberry");
        assert_eq!(overview["marcrel:aut"]["@id"], "#person-josiah-carberry");
        assert_eq!(overview["editor"]["@id"], "#person-erika-editor");
        assert_eq!(overview["marcrel:edt"]["@id"], "#person-erika-editor");
        assert_eq!(overview["translator"]["@id"], "#person-tom-translator");
        assert_eq!(overview["marcrel:trl"]["@id"], "#person-tom-translator");
        let letter = entity(&crate_json, "#document-lost-letter");
        assert_eq!(letter["contributor"]["@id"], "#person-ian-interviewer");
        assert_eq!(letter["marcrel:ivr"]["@id"], "#person-ian-interviewer");
        assert_eq!(entity(&crate_json, orcid)["name"], "Josiah Carberry");
        let graph = crate_json["@graph"].as_array().unwrap();
        let adas = graph
            .iter()
            .filter(|e| e["name"] == "Ada Archivist")
            .count();
        assert_eq!(adas, 2, "one Person and one ContactPoint");
    }

    #[test]
    fn organizations_are_organization_entities() {
        let crate_json = sample_json();
        let plain = entity(&crate_json, "documents/plain.txt");
        // Named as the source organization, without a Wikidata id: the
        // root's author and publisher, one entity.
        let workshop = "#organization-corpus-workshop";
        assert_eq!(plain["author"]["@id"], workshop);
        assert_eq!(plain["marcrel:aut"]["@id"], workshop);
        assert_eq!(entity(&crate_json, "./")["author"]["@id"], workshop);
        assert_eq!(entity(&crate_json, workshop)["@type"], "Organization");
        let united_nations = entity(&crate_json, plain["editor"]["@id"].as_str().unwrap());
        assert_eq!(united_nations["@id"], "#organization-united-nations");
        assert_eq!(plain["marcrel:edt"], plain["editor"]);
        assert_eq!(united_nations["@type"], "Organization");
        assert_eq!(united_nations["name"], "United Nations");
        assert_eq!(
            united_nations["sameAs"]["@id"],
            "https://www.wikidata.org/wiki/Q1065"
        );
    }

    #[test]
    fn a_doi_origin_links_its_doi_url() {
        let crate_json = sample_json();
        let letter = entity(&crate_json, "#document-lost-letter");
        let url = "https://doi.org/10.1000/lost-letter";
        assert_eq!(letter["isBasedOn"], json!({"@id": url}));
        let origin = entity(&crate_json, url);
        assert_eq!(origin["@type"], "CreativeWork");
        assert_eq!(origin["name"], "doi:10.1000/lost-letter");
        assert_eq!(origin["identifier"], url);
    }

    #[test]
    fn provenance_links_places_events_and_publishers() {
        let crate_json = sample_json();
        let talk = entity(&crate_json, "documents/furr%20talk.txt");
        let place = "#place-lucas-arms-grays-inn-road-london";
        assert_eq!(talk["locationCreated"]["@id"], place);
        assert_eq!(talk["isBasedOn"], "A periodical, not named in the text");
        assert_eq!(
            talk["dateNote"],
            "The year is inferred: 20 June was a Friday in 2014."
        );
        assert_eq!(
            talk["description"],
            "Transcript of a public talk, with an editorial introduction."
        );
        let event = entity(&crate_json, talk["recordedAt"]["@id"].as_str().unwrap());
        assert_eq!(event["@type"], "Event");
        assert_eq!(event["location"]["@id"], place);
        let publisher = entity(&crate_json, talk["publisher"]["@id"].as_str().unwrap());
        assert_eq!(publisher["@type"], "Organization");
        assert_eq!(publisher["name"], "Unnamed periodical");
    }

    #[test]
    fn a_dispute_is_a_claim_review_without_verdict() {
        let crate_json = sample_json();
        let talk = entity(&crate_json, "documents/furr%20talk.txt");
        assert_eq!(talk["creativeWorkStatus"], "contested");
        let disputing = talk["cito:isDisputedBy"].as_array().unwrap();
        assert_eq!(disputing.len(), 3);
        let work = entity(&crate_json, disputing[0]["@id"].as_str().unwrap());
        assert_eq!(work["@type"], "CreativeWork");
        assert_eq!(
            work["name"],
            "Matthew E. Lenoe, The Kirov Murder and Soviet History, Yale University Press, 2010"
        );
        let book = entity(&crate_json, disputing[1]["@id"].as_str().unwrap());
        assert_eq!(book["@type"], "Book");
        assert_eq!(book["url"], "https://example.org/bloodlands");
        // A work with a URL is known by it, as RO-Crate 1.1 asks of a
        // publication a citation links to.
        assert_eq!(disputing[1]["@id"], "https://example.org/bloodlands");
        // A work with a DOI is known by it.
        assert_eq!(disputing[2]["@id"], "https://doi.org/10.1000/182");
        let article = entity(&crate_json, "https://doi.org/10.1000/182");
        assert_eq!(article["@type"], "ScholarlyArticle");
        assert_eq!(article["identifier"], "https://doi.org/10.1000/182");

        let review = entity(&crate_json, "#review-furr-2014");
        assert_eq!(talk["review"]["@id"], "#review-furr-2014");
        assert_eq!(review["@type"], "ClaimReview");
        assert_eq!(review["reviewAspect"], json!(["claims", "date"]));
        assert_eq!(review["author"]["@id"], "#person-ada-archivist");
        assert_eq!(review["datePublished"], "2026-11-20");
        assert_eq!(review["citation"].as_array().unwrap(), disputing);
        assert!(review.get("reviewRating").is_none());
        let claim = entity(&crate_json, review["itemReviewed"]["@id"].as_str().unwrap());
        assert_eq!(claim["@type"], "Claim");
        assert_eq!(claim["appearance"]["@id"], "documents/furr%20talk.txt");

        // Nothing recorded, nothing reviewed.
        let letter = entity(&crate_json, "#document-lost-letter");
        assert!(letter.get("review").is_none());
    }

    #[test]
    fn a_document_of_the_collection_disputes_as_its_own_entity() {
        let crate_json = sample_json();
        let plain = entity(&crate_json, "documents/plain.txt");
        // The held document's File and the catalogued one's entity, not
        // works made for them.
        let disputing = json!([
            {"@id": "documents/notes/Überblick.md"},
            {"@id": "#document-lost-letter"},
        ]);
        assert_eq!(plain["cito:isDisputedBy"], disputing);
        let review = entity(&crate_json, "#review-plain");
        assert_eq!(review["citation"], disputing);
        let overview = entity(&crate_json, "documents/notes/Überblick.md");
        assert_eq!(overview["@type"], "File");
        assert!(
            overview.get("creditText").is_none(),
            "named without a citation"
        );
        let letter = entity(&crate_json, "#document-lost-letter");
        assert_eq!(letter["creditText"], "A letter & its answer, 2001");
        let graph = crate_json["@graph"].as_array().unwrap();
        assert!(
            graph
                .iter()
                .all(|e| !e["@id"].as_str().unwrap().starts_with("#work-a-letter")),
            "no work is made for a document"
        );
    }

    #[test]
    fn identifiers_become_same_as_links() {
        let crate_json = sample_json();
        let overview = entity(&crate_json, "documents/notes/Überblick.md");
        let carberry = entity(&crate_json, overview["author"]["@id"].as_str().unwrap());
        assert_eq!(carberry["name"], "Josiah Carberry");
        assert_eq!(
            carberry["sameAs"]["@id"],
            "https://www.wikidata.org/wiki/Q1"
        );
        let london = entity(
            &crate_json,
            overview["locationCreated"]["@id"].as_str().unwrap(),
        );
        assert_eq!(london["@type"], "Place");
        assert_eq!(
            london["sameAs"],
            json!([
                {"@id": "https://www.wikidata.org/wiki/Q84"},
                {"@id": "https://sws.geonames.org/2643743/"}
            ])
        );
        let plain = entity(&crate_json, "documents/plain.txt");
        let origin = entity(&crate_json, plain["isBasedOn"]["@id"].as_str().unwrap());
        assert_eq!(origin["@type"], "CreativeWork");
        assert_eq!(origin["name"], "Example archive, box 7");
        assert_eq!(origin["url"], "https://example.org/archive");
        assert_eq!(origin["sameAs"]["@id"], "https://www.wikidata.org/wiki/Q42");
    }

    #[test]
    fn the_collection_licence_is_not_the_documents() {
        let crate_json = sample_json();
        let root = entity(&crate_json, "./");
        assert_eq!(
            root["license"]["@id"],
            "https://spdx.org/licenses/CC-BY-4.0"
        );
        let overview = entity(&crate_json, "documents/notes/Überblick.md");
        assert_eq!(
            overview["license"]["@id"],
            "https://spdx.org/licenses/CC-BY-4.0"
        );
        let plain = entity(&crate_json, "documents/plain.txt");
        assert_eq!(plain["license"]["@id"], "https://example.org/licence");
        assert_eq!(
            entity(&crate_json, "https://example.org/licence")["identifier"],
            "https://example.org/licence"
        );
        // No licence of its own: a statement that none is recorded, so that
        // RO-Crate readers do not take the root's for it.
        let talk = entity(&crate_json, "documents/furr%20talk.txt");
        assert_eq!(talk["license"]["@id"], NO_LICENSE_ID);
        assert_eq!(
            entity(&crate_json, NO_LICENSE_ID)["name"],
            "No licence recorded"
        );
        assert_eq!(
            talk["copyrightNotice"],
            "Third-party text: rights remain with its author."
        );
    }

    #[test]
    fn no_one_element_arrays() {
        fn check(value: &Value) {
            match value {
                Value::Array(items) => {
                    assert_ne!(items.len(), 1, "one-element array {value}");
                    items.iter().for_each(check);
                }
                Value::Object(map) => map.values().for_each(check),
                _ => {}
            }
        }
        check(&sample_json()["@graph"]);
    }

    #[test]
    fn contact_without_organization_is_the_publisher() {
        let (mut info, documents) = sample();
        info.source_organization = None;
        let crate_json: Value =
            serde_json::from_str(&metadata_json(&info, &documents).unwrap()).unwrap();
        let root = entity(&crate_json, "./");
        assert_eq!(root["publisher"]["@id"], "#person-ada-archivist");
        assert!(root.get("author").is_none());
        let person = entity(&crate_json, "#person-ada-archivist");
        assert_eq!(person["contactPoint"]["@id"], "mailto:ada@example.org");

        // An e-mail alone: a publisher known by it, as schema.org's
        // Dataset has no contactPoint.
        info.contact_name = None;
        let crate_json: Value =
            serde_json::from_str(&metadata_json(&info, &documents).unwrap()).unwrap();
        let root = entity(&crate_json, "./");
        assert!(root.get("contactPoint").is_none());
        let publisher = entity(&crate_json, root["publisher"]["@id"].as_str().unwrap());
        assert_eq!(publisher["@type"], "Person");
        assert!(publisher.get("name").is_none());
        assert_eq!(publisher["contactPoint"]["@id"], "mailto:ada@example.org");
        let contact = entity(&crate_json, "mailto:ada@example.org");
        assert_eq!(contact["email"], "ada@example.org");
        assert!(contact.get("name").is_none());

        info.contact_email = None;
        let crate_json: Value =
            serde_json::from_str(&metadata_json(&info, &documents).unwrap()).unwrap();
        assert!(entity(&crate_json, "./").get("publisher").is_none());
    }
}
