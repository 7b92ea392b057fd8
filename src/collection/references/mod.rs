//! Values written as a string or as a table: people credited with a
//! document, who assessed whether it is disputed, places, and works that
//! dispute it.
//!
//! Each has one Rust value per meaning: `"Ada"`, `{ name = "Ada" }` and
//! `{ name = "Ada", role = "author" }` all read as the same [`Author`],
//! which writes itself back in the shortest form. That keeps a record equal
//! to itself after a trip through the RO-Crate or a CSV file.

// `#[macro_use]`: its `name_or_table!` implements serde for the types of the
// modules after it.
#[macro_use]
mod name_or_table;
mod people;
mod places;
mod works;

pub(crate) use self::name_or_table::NameOrTable;
pub use self::people::{Assessor, AssessorTable, Author, AuthorTable, AuthorType, Role};
pub use self::places::{Place, PlaceTable};
pub use self::works::{CitedWork, DisputingWork, DisputingWorkTable, WorkType};

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    use super::*;

    #[test]
    fn places_and_works_have_one_value_per_meaning() {
        #[derive(Debug, Deserialize, Serialize, PartialEq)]
        struct Record {
            venues: Vec<Place>,
            works: Vec<DisputingWork>,
        }
        let record: Record = toml::from_str(
            r#"venues = ["London", { name = "London" }, { name = "London", wikidata = "https://www.wikidata.org/wiki/Q84", geonames = "2643743" }]
works = ["A. B., Title, 2010", { citation = "A. B., Title, 2010", type = "book", doi = "doi:10.1000/182" }]"#,
        )
        .unwrap();
        assert_eq!(record.venues[0], record.venues[1]);
        assert_eq!(record.venues[2].wikidata.as_ref().unwrap().as_str(), "Q84");
        let DisputingWork::Cited(book) = &record.works[1] else {
            panic!("{:?} is not a cited work", record.works[1]);
        };
        assert_eq!(book.kind, Some(WorkType::Book));
        assert_eq!(book.doi.as_ref().unwrap().as_str(), "10.1000/182");
        let text = toml::to_string(&record).unwrap();
        assert!(
            text.starts_with("venues = [\"London\", \"London\", {"),
            "{text}"
        );
        assert_eq!(toml::from_str::<Record>(&text).unwrap(), record);
        let error = toml::from_str::<Record>(
            "venues = [{ name = \"X\", geonames = \"London\" }]\nworks = []",
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("invalid GeoNames id"), "{error}");
    }
}
