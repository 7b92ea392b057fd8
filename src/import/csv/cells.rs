//! The structured cells (`name | key=value | ...`): persons and
//! organizations, assessors, places, and disputing works.

use std::str::FromStr;

use crate::collection::{
    Assessor, Author, AuthorType, DisputingWork, DisputingWorkTable, NameOrTable, Place, Role,
};
use crate::import::csv_format::{Column, StructuredCell};

/// A person (or organization) cell. In `dc.creator` the role defaults to
/// author; in `dc.contributor` it must be given.
pub(super) fn person(text: &str, column: Column) -> Result<Author, String> {
    let cell = StructuredCell::parse(text, &["type", "role", "orcid", "wikidata"])?;
    let kind = author_type(cell.get("type"))?;
    let role = match (cell.get("role"), column) {
        (Some(role), _) => Role::from_str(role).map_err(|_| {
            format!(
                "unknown role {role:?}: expected author, speaker, editor, translator, \
                 transcriber or interviewer"
            )
        })?,
        (None, Column::Creator) => Role::Author,
        (None, _) => {
            return Err(format!(
                "{:?}: a dc.contributor needs a role (| role=editor, translator, transcriber or \
                 interviewer)",
                cell.name
            ));
        }
    };
    Ok(Author {
        kind,
        role,
        orcid: cell.get("orcid").map(str::parse).transpose()?,
        wikidata: cell.get("wikidata").map(str::parse).transpose()?,
        name: cell.name,
    })
}

/// An assessor cell: a person unless its `type` says otherwise.
pub(super) fn assessor(text: &str) -> Result<Assessor, String> {
    let cell = StructuredCell::parse(text, &["type"])?;
    Ok(Assessor {
        kind: author_type(cell.get("type"))?,
        name: cell.name,
    })
}

/// The `type` of a person cell; a person when it is not given.
fn author_type(kind: Option<&str>) -> Result<AuthorType, String> {
    match kind {
        Some(kind) => AuthorType::from_str(kind)
            .map_err(|_| format!("unknown type {kind:?}: expected person or organization")),
        None => Ok(AuthorType::Person),
    }
}

pub(super) fn place(text: &str) -> Result<Place, String> {
    let cell = StructuredCell::parse(text, &["url", "wikidata", "geonames"])?;
    Ok(Place {
        url: cell.get("url").map(str::parse).transpose()?,
        wikidata: cell.get("wikidata").map(str::parse).transpose()?,
        geonames: cell.get("geonames").map(str::parse).transpose()?,
        name: cell.name,
    })
}

/// A work cell: a citation with its `type`, `doi` and `url`, or a
/// document of the collection, `document=<id>`, with or without a citation.
pub(super) fn disputing_work(text: &str) -> Result<DisputingWork, String> {
    let cell = StructuredCell::parse_unnamed(text, &["type", "doi", "url", "document"])?;
    let document = cell.get("document").map(str::parse).transpose()?;
    if cell.name.is_empty() && document.is_none() {
        return Err(format!(
            "{text:?} has no citation before its first | (nor a document=<id> of the collection)"
        ));
    }
    let kind = cell
        .get("type")
        .map(|kind| {
            kind.parse().map_err(|_| {
                format!(
                    "unknown type {kind:?}: expected book, article, chapter, thesis, report or \
                     webpage"
                )
            })
        })
        .transpose()?;
    DisputingWork::from_table(DisputingWorkTable {
        kind,
        doi: cell.get("doi").map(str::parse).transpose()?,
        url: cell.get("url").map(str::parse).transpose()?,
        document,
        citation: (!cell.name.is_empty()).then_some(cell.name),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::csv::testutil::{COLLECTION_ROW, HEADER, located, parse};

    #[test]
    fn an_organization_is_a_person_cell_of_type_organization() {
        let header = format!("{HEADER},dc.creator,dc.contributor");
        let text = format!(
            "{header}\n{COLLECTION_ROW},,\n\
             a.txt,a,A,,,,UNESCO | type=organization | wikidata=Q7809,Board | type=organization | role=editor\n"
        );
        let authors = &parse(&text).unwrap().collection.documents[0]
            .provenance
            .authors;
        let kinds: Vec<(AuthorType, Role)> = authors.iter().map(|a| (a.kind, a.role)).collect();
        assert_eq!(
            kinds,
            [
                (AuthorType::Organization, Role::Author),
                (AuthorType::Organization, Role::Editor)
            ]
        );
        let (places, messages) = located(&format!(
            "{header}\n{COLLECTION_ROW},,\na.txt,a,A,,,,Board | type=board,\n"
        ));
        assert_eq!(places, [(3, Some(7), "dc.creator".to_string())]);
        assert!(
            messages[0].starts_with("unknown type \"board\": expected person or organization"),
            "{}",
            messages[0]
        );
        let (places, messages) = located(&format!(
            "{header}\n{COLLECTION_ROW},,\n\
             a.txt,a,A,,,,Board | type=organization | orcid=0000-0002-1825-0097,\n"
        ));
        assert_eq!(places, [(3, Some(7), "dc.creator".to_string())]);
        assert!(
            messages[0].contains("is an organization"),
            "{}",
            messages[0]
        );
    }

    #[test]
    fn a_document_of_the_collection_disputes_by_its_id() {
        let header = format!("{HEADER},contested.disputed_by,contested.disputed_by");
        let text = format!(
            "{header}\n{COLLECTION_ROW},,\n\
             a.txt,a,A,,,,| document=b,\"Letter, 1938 | document=c\"\n\
             b.txt,b,B,,,,| document=nowhere,| document=b\n\
             c.txt,c,C,,,,,\n"
        );
        let (places, messages) = located(&text);
        assert_eq!(
            places,
            [
                (4, Some(7), "contested.disputed_by".to_string()),
                (4, Some(8), "contested.disputed_by".to_string()),
            ]
        );
        assert!(messages[0].contains("id `nowhere`"), "{}", messages[0]);
        assert!(messages[1].contains("own id"), "{}", messages[1]);
        let good = text.replace("| document=nowhere,| document=b", ",");
        let parsed = parse(&good).unwrap();
        assert_eq!(
            parsed.collection.documents[0].contested.disputed_by[1],
            DisputingWork::Document {
                id: "c".parse().unwrap(),
                citation: Some("Letter, 1938".into())
            }
        );
        for (cell, expected) in [
            ("| type=book", "no citation before its first |"),
            (
                "| document=c | doi=10.1000/182",
                "leave out type, doi and url",
            ),
            ("| document=C", "invalid slug"),
        ] {
            let (_, messages) = located(&good.replace("| document=b", cell));
            assert!(messages[0].contains(expected), "{cell}: {messages:?}");
        }
    }
}
