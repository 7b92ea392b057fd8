//! The vocabulary of corpack's RO-Crates: the `@context`, and the ad-hoc
//! terms it adds to RO-Crate 1.1.
//!
//! The RO-Crate 1.1 context maps every schema.org 10.0 term (to
//! `http://schema.org/`), so `Claim`, `ClaimReview`, `reviewAspect`,
//! `appearance` and `creativeWorkStatus` need no declaration; `sha256`,
//! `copyrightNotice` and `creditText` (added to schema.org later), CiTO and
//! the MARC relators do. Terms with no standard home are
//! ad-hoc terms in the corpack namespace, each also described in the graph
//! as an `rdf:Property`, as RO-Crate 1.1 asks.

use serde_json::{Map, Value, json};

/// The RO-Crate 1.1 JSON-LD context.
pub const ROCRATE_CONTEXT: &str = "https://w3id.org/ro/crate/1.1/context";
/// What the metadata descriptor conforms to.
pub const ROCRATE_SPEC: &str = "https://w3id.org/ro/crate/1.1";
/// The `@id` of the metadata descriptor.
pub const METADATA_ID: &str = "ro-crate-metadata.json";
/// The `@id` of the root data entity.
pub const ROOT_ID: &str = "./";

/// The Citation Typing Ontology, for `cito:isDisputedBy`.
pub const CITO: &str = "http://purl.org/spar/cito/";
/// The compact IRI linking a document to a work that disputes it.
pub const IS_DISPUTED_BY: &str = "cito:isDisputedBy";

/// The MARC code list for relators (Library of Congress), whose codes are
/// RDF properties: `marcrel:spk` links a work to its speaker.
pub const MARC_RELATORS: &str = "http://id.loc.gov/vocabulary/relators/";

/// schema.org's `copyrightNotice`, newer than the RO-Crate 1.1 context.
pub const COPYRIGHT_NOTICE: &str = "copyrightNotice";

/// schema.org's `creditText`, newer than the RO-Crate 1.1 context: how a
/// document of the collection is cited where it disputes another.
pub const CREDIT_TEXT: &str = "creditText";

/// Where corpack's ad-hoc terms live.
pub const CORPACK_NAMESPACE: &str = "https://w3id.org/ro/terms/corpack#";

/// An ad-hoc term: declared in the context and described in the graph.
pub struct AdHocTerm {
    /// The term as used in the JSON.
    pub term: &'static str,
    /// `rdfs:label`.
    pub label: &'static str,
    /// `rdfs:comment`: what the property means.
    pub comment: &'static str,
}

/// `false` on a document that is catalogued but not in the crate.
pub const HELD: &str = "held";
/// How a document's date is known.
pub const DATE_NOTE: &str = "dateNote";
/// The ISO 8601 interval an EDTF `dateCreated` can mean.
pub const DATE_CREATED_INTERVAL: &str = "dateCreatedInterval";
/// Where the file of a catalogued work would be in the crate if held.
pub const PAYLOAD_PATH: &str = "payloadPath";

/// Every ad-hoc term corpack writes, sorted by term.
pub const AD_HOC_TERMS: &[AdHocTerm] = &[
    AdHocTerm {
        term: DATE_CREATED_INTERVAL,
        label: "date created interval",
        comment: "The widest ISO 8601 interval of calendar days (YYYY-MM-DD/YYYY-MM-DD, .. for an \
                  open or unknown end) that the EDTF value of dateCreated can mean. Qualifiers \
                  (?, ~, %) do not widen it; seasons are northern meteorological seasons.",
    },
    AdHocTerm {
        term: DATE_NOTE,
        label: "date note",
        comment: "How the creation date of a work is known, e.g. inferred from its content \
                  rather than printed in it.",
    },
    AdHocTerm {
        term: HELD,
        label: "held",
        comment: "Whether the bytes of a catalogued work are part of this crate. false: the work \
                  is described (with its declared checksum) but its file is not in the payload.",
    },
    AdHocTerm {
        term: PAYLOAD_PATH,
        label: "payload path",
        comment: "The path, relative to the crate root, that the file of a catalogued work has \
                  when it is held (held: false says it is not): the same work packed with its \
                  file is the File entity with this path as its @id.",
    },
];

/// The IRI of an ad-hoc term.
pub fn ad_hoc_iri(term: &str) -> String {
    format!("{CORPACK_NAMESPACE}{term}")
}

/// The `@context`: RO-Crate 1.1 plus what corpack adds.
pub fn context() -> Value {
    let mut extension = Map::new();
    extension.insert("sha256".into(), json!("http://schema.org/sha256"));
    extension.insert(
        COPYRIGHT_NOTICE.into(),
        json!("http://schema.org/copyrightNotice"),
    );
    extension.insert(CREDIT_TEXT.into(), json!("http://schema.org/creditText"));
    extension.insert("cito".into(), json!(CITO));
    extension.insert("marcrel".into(), json!(MARC_RELATORS));
    for term in AD_HOC_TERMS {
        extension.insert(term.term.into(), json!(ad_hoc_iri(term.term)));
    }
    json!([ROCRATE_CONTEXT, extension])
}

/// The graph entities describing the ad-hoc terms.
pub fn ad_hoc_term_entities() -> impl Iterator<Item = Value> {
    AD_HOC_TERMS.iter().map(|term| {
        json!({
            "@id": ad_hoc_iri(term.term),
            "@type": "rdf:Property",
            "rdfs:label": term.label,
            "rdfs:comment": term.comment,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ad_hoc_terms_are_sorted_and_declared() {
        let terms: Vec<&str> = AD_HOC_TERMS.iter().map(|t| t.term).collect();
        let mut sorted = terms.clone();
        sorted.sort_unstable();
        assert_eq!(terms, sorted);
        let context = context();
        for term in terms {
            assert_eq!(context[1][term], json!(ad_hoc_iri(term)));
        }
    }
}
