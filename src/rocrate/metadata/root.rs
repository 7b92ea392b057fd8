//! The root dataset, but for its lists of documents: the collection's
//! description, its licence, its source organization and its contact.

use serde_json::{Map, Value, json};

use super::contextual::Contextual;
use super::entity_ids::EntityIds;
use super::json::{into_map, reference, set};
use crate::collection::CollectionInfo;
use crate::collection::values::License;
use crate::iri;
use crate::rocrate::ids::local_id_of_name;
use crate::rocrate::terms::ROOT_ID;

/// The root dataset, but for the `hasPart` that reaches held documents and
/// the `mentions` that reaches catalogued ones ([`super::write_root`]
/// streams those). The source organization made the collection, so it
/// is both `author` and `publisher` (RO-Crate recommends both); the contact
/// is a `ContactPoint` of that organization. With no organization, the
/// contact person is the publisher: RO-Crate 1.1 asks for contact details
/// through a `publisher` or `author` ("Contact information"), as `Dataset`
/// has no `contactPoint` in schema.org. With a lone e-mail, the publisher
/// is a `Person` known by it alone ([`LONE_CONTACT_ID`]), the contact of
/// the collection being a person.
pub(super) fn root_entity(
    info: &CollectionInfo,
    ids: &EntityIds,
    contextual: &mut Contextual,
) -> Map<String, Value> {
    let license_id = info.license.crate_id();
    contextual.add(license_entity(&info.license));
    let mut root = into_map(json!({
        "@id": ROOT_ID,
        "@type": "Dataset",
        "name": info.title,
        "description": info.description,
        "datePublished": info.date.to_string(),
        "license": reference(&license_id),
        "identifier": info.id.as_str(),
    }));

    let contact = contact_point(info, contextual).map(|id| reference(&id));
    if let Some(name) = &info.source_organization {
        let id = &ids.organization(name, None);
        let mut organization = into_map(json!({"@id": id, "@type": "Organization", "name": name}));
        set(&mut organization, "contactPoint", contact);
        contextual.add(organization);
        root.insert("author".into(), reference(id));
        root.insert("publisher".into(), reference(id));
    } else if let Some(name) = &info.contact_name {
        let id = ids.person(name, None, None);
        let mut person = into_map(json!({"@id": id, "@type": "Person", "name": name}));
        set(&mut person, "contactPoint", contact);
        contextual.add(person);
        root.insert("publisher".into(), reference(&id));
    } else if let Some(contact) = contact {
        let person = into_map(json!({
            "@id": LONE_CONTACT_ID,
            "@type": "Person",
            "description": "The person to contact about this collection, known by the e-mail \
                            of their contact point alone.",
            "contactPoint": contact,
        }));
        contextual.add(person);
        root.insert("publisher".into(), reference(LONE_CONTACT_ID));
    }
    root
}

/// The `@id` of the publisher made of a contact given by e-mail alone.
const LONE_CONTACT_ID: &str = "#publisher";

/// The `@id` of the statement that a document has no licence recorded.
pub(crate) const NO_LICENSE_ID: &str = "#no-license-recorded";

/// A licence as a contextual entity: its page (a URL, or the SPDX page of
/// an id on the SPDX list) as `@id`, else a local id
/// ([`License::crate_id`]), the licence as written as `identifier`, and the name and
/// description RO-Crate 1.1 asks of the root's licence ("Root Data Entity":
/// it SHOULD link to a contextual entity with both): the full name from the
/// SPDX licence list when it is there, else the id or URL.
pub(crate) fn license_entity(license: &License) -> Map<String, Value> {
    let id = license.as_str();
    let (name, description) = match license.spdx_name() {
        Some(name) => (name, format!("{name} (SPDX licence identifier {id}).")),
        None if id.contains(':') => (id, format!("The licence published at {id}.")),
        None => (id, format!("The licence identified as {id}.")),
    };
    into_map(json!({
        "@id": license.crate_id(),
        "@type": "CreativeWork",
        "name": name,
        "description": description,
        "identifier": id,
    }))
}

/// The collection's contact as a `ContactPoint` entity, returning its id:
/// `mailto:` the e-mail when there is one (escaped as a URI needs), else a local id from the name.
fn contact_point(info: &CollectionInfo, contextual: &mut Contextual) -> Option<String> {
    let name = info.contact_name.as_deref();
    let email = info.contact_email.as_deref();
    let id = match (email, name) {
        (Some(email), _) => iri::mailto(email),
        (None, Some(name)) => local_id_of_name("contact", name),
        (None, None) => return None,
    };
    let mut entity = into_map(json!({"@id": id, "@type": "ContactPoint"}));
    set(&mut entity, "name", name.map(Value::from));
    set(&mut entity, "email", email.map(Value::from));
    contextual.add(entity);
    Some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_licence_has_a_name_and_a_description() {
        let entity = |text: &str| license_entity(&text.parse().unwrap());
        let spdx = entity("CC-BY-4.0");
        assert_eq!(spdx["@id"], "https://spdx.org/licenses/CC-BY-4.0");
        assert_eq!(
            spdx["name"],
            "Creative Commons Attribution 4.0 International"
        );
        assert_eq!(
            spdx["description"],
            "Creative Commons Attribution 4.0 International (SPDX licence identifier CC-BY-4.0)."
        );
        assert_eq!(spdx["identifier"], "CC-BY-4.0");
        let url = entity("https://example.org/terms");
        assert_eq!(url["name"], "https://example.org/terms");
        assert_eq!(
            url["description"],
            "The licence published at https://example.org/terms."
        );
        let unlisted = entity("LicenseRef-archive-terms");
        assert_eq!(unlisted["name"], "LicenseRef-archive-terms");
        assert_eq!(
            unlisted["description"],
            "The licence identified as LicenseRef-archive-terms."
        );
        // An expression (4.0 or any later version) is not the licence it
        // starts with.
        let later = entity("CC-BY-4.0+");
        assert_eq!(later["name"], "CC-BY-4.0+");
        assert_eq!(
            later["description"],
            "The licence identified as CC-BY-4.0+."
        );
    }
}
