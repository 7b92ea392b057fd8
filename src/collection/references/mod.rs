//! Values written as a string or as a table: people credited with a
//! document, who assessed whether it is disputed, places, and works that
//! dispute it.
//!
//! Each has one Rust value per meaning: `"Ada"`, `{ name = "Ada" }` and
//! `{ name = "Ada", role = "author" }` all read as the same [`Author`],
//! which writes itself back in the shortest form. That keeps a record equal
//! to itself after a trip through the RO-Crate or a CSV file.

use std::fmt;
use std::marker::PhantomData;

use schemars::JsonSchema;
use serde::de::value::MapAccessDeserializer;
use serde::{Deserialize, Serialize};
use strum::{Display, EnumString, IntoStaticStr};

use super::values::{Doi, GeonamesId, Orcid, Slug, WebUrl, WikidataId};

/// A type written as a plain name or as a table of details.
pub(crate) trait NameOrTable: Sized {
    /// The table form, as written in `collection.toml`.
    type Table: for<'de> Deserialize<'de> + Serialize + JsonSchema;
    /// What the error message says is expected.
    const EXPECTING: &'static str;

    /// The value a plain name stands for.
    fn from_name(name: String) -> Self;
    /// The value a table stands for, or why it stands for none (a table
    /// whose fields do not go together).
    fn from_table(table: Self::Table) -> Result<Self, String>;
    /// The plain name, when it says everything the value holds.
    fn as_name(&self) -> Option<&str>;
    /// The table form.
    fn to_table(&self) -> Self::Table;
}

/// Deserializes a [`NameOrTable`] by the TOML (or JSON) type found. A
/// derived untagged enum would hide the inner error ("did not match any
/// variant"); dispatching keeps it, with its line.
pub(crate) fn deserialize_name_or_table<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: NameOrTable,
{
    struct NameOrTableVisitor<T>(PhantomData<T>);

    impl<'de, T: NameOrTable> serde::de::Visitor<'de> for NameOrTableVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(T::EXPECTING)
        }

        fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<T, E> {
            Ok(T::from_name(name.to_string()))
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            let table = T::Table::deserialize(MapAccessDeserializer::new(map))?;
            T::from_table(table).map_err(serde::de::Error::custom)
        }
    }

    d.deserialize_any(NameOrTableVisitor(PhantomData))
}

/// Serializes a [`NameOrTable`] in its shortest form.
pub(crate) fn serialize_name_or_table<S, T>(value: &T, s: S) -> Result<S::Ok, S::Error>
where
    S: serde::Serializer,
    T: NameOrTable,
{
    match value.as_name() {
        Some(name) => s.serialize_str(name),
        None => value.to_table().serialize(s),
    }
}

/// The JSON Schema of a [`NameOrTable`]: a non-empty string or the table.
pub(crate) fn name_or_table_schema<T: NameOrTable>(
    generator: &mut schemars::SchemaGenerator,
    description: &str,
) -> schemars::Schema {
    let table = generator.subschema_for::<T::Table>();
    schemars::json_schema!({
        "description": description,
        "anyOf": [{ "type": "string", "minLength": 1 }, table],
    })
}

/// Implements serde and JSON Schema for a [`NameOrTable`] type.
macro_rules! name_or_table {
    ($type:ident, $description:expr) => {
        impl Serialize for $type {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                serialize_name_or_table(self, s)
            }
        }

        impl<'de> Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                deserialize_name_or_table(d)
            }
        }

        impl JsonSchema for $type {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($type).into()
            }

            fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
                name_or_table_schema::<$type>(generator, $description)
            }
        }
    };
}

/// A person or an organization credited with a document, in a role.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Author {
    /// The name as it should be cited.
    pub name: String,
    /// Whether it is a person or an organization.
    pub kind: AuthorType,
    /// What the person or organization did.
    pub role: Role,
    /// ORCID iD, check digit verified; a person's only: loading refuses
    /// one given to an organization.
    pub orcid: Option<Orcid>,
    /// Wikidata item of the person or organization.
    pub wikidata: Option<WikidataId>,
}

/// An author written as a table.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "AuthorTable",
    extend(
        "if" = { "properties": { "type": { "const": "organization" } }, "required": ["type"] },
        "then" = { "not": { "required": ["orcid"] } }
    )
)]
pub struct AuthorTable {
    /// The name as it should be cited.
    pub name: String,
    /// `person` (the default) or `organization`: a committee, an agency, an
    /// editorial board.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<AuthorType>,
    /// What the person or organization did (default `author`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// ORCID iD (`0000-0000-0000-000X` or its `https://orcid.org/` URL), check
    /// digit verified; a person's only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orcid: Option<Orcid>,
    /// Wikidata item (`Q42` or its `https://www.wikidata.org/wiki/` URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wikidata: Option<WikidataId>,
}

impl NameOrTable for Author {
    type Table = AuthorTable;
    const EXPECTING: &'static str = "a name or a table { name, type, role, orcid, wikidata }";

    fn from_name(name: String) -> Author {
        Author {
            name,
            kind: AuthorType::Person,
            role: Role::Author,
            orcid: None,
            wikidata: None,
        }
    }

    fn from_table(table: AuthorTable) -> Result<Author, String> {
        Ok(Author {
            name: table.name,
            kind: table.kind.unwrap_or(AuthorType::Person),
            role: table.role.unwrap_or(Role::Author),
            orcid: table.orcid,
            wikidata: table.wikidata,
        })
    }

    fn as_name(&self) -> Option<&str> {
        let plain = self.kind == AuthorType::Person
            && self.role == Role::Author
            && self.orcid.is_none()
            && self.wikidata.is_none();
        plain.then_some(&self.name)
    }

    fn to_table(&self) -> AuthorTable {
        AuthorTable {
            name: self.name.clone(),
            kind: (self.kind != AuthorType::Person).then_some(self.kind),
            role: (self.role != Role::Author).then_some(self.role),
            orcid: self.orcid.clone(),
            wikidata: self.wikidata.clone(),
        }
    }
}

name_or_table!(
    Author,
    "A person or an organization: a name (a person, role author), or a table { name, type, \
     role, orcid, wikidata }."
);

/// Who assessed whether a document is disputed: a person, or an
/// organization (a project's maintainers, an editorial board).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Assessor {
    /// The name as it should be cited.
    pub name: String,
    /// Whether it is a person or an organization.
    pub kind: AuthorType,
}

/// An assessor written as a table.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "AssessorTable")]
pub struct AssessorTable {
    /// The name as it should be cited.
    pub name: String,
    /// `person` (the default) or `organization`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<AuthorType>,
}

impl NameOrTable for Assessor {
    type Table = AssessorTable;
    const EXPECTING: &'static str = "a name or a table { name, type }";

    fn from_name(name: String) -> Assessor {
        Assessor {
            name,
            kind: AuthorType::Person,
        }
    }

    fn from_table(table: AssessorTable) -> Result<Assessor, String> {
        Ok(Assessor {
            name: table.name,
            kind: table.kind.unwrap_or(AuthorType::Person),
        })
    }

    fn as_name(&self) -> Option<&str> {
        (self.kind == AuthorType::Person).then_some(&self.name)
    }

    fn to_table(&self) -> AssessorTable {
        AssessorTable {
            name: self.name.clone(),
            kind: (self.kind != AuthorType::Person).then_some(self.kind),
        }
    }
}

name_or_table!(
    Assessor,
    "A person or an organization: a name (a person), or a table { name, type }."
);

/// Whether an author or an assessor is a person or an organization; each
/// is a schema.org type.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    JsonSchema,
    Display,
    EnumString,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum AuthorType {
    /// A person (`Person`), what an author is unless said otherwise.
    Person,
    /// An organization, such as a committee, an agency or a newspaper's
    /// editorial board (`Organization`).
    Organization,
}

impl AuthorType {
    /// The schema.org type of the author.
    pub fn schema_type(self) -> &'static str {
        match self {
            AuthorType::Person => "Person",
            AuthorType::Organization => "Organization",
        }
    }
}

/// A place, or any named thing with optional identifiers: a venue, or the
/// origin of a copy (an archive, a periodical, a donor).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Place {
    /// What it is called.
    pub name: String,
    /// A web page about it.
    pub url: Option<WebUrl>,
    /// Its Wikidata item.
    pub wikidata: Option<WikidataId>,
    /// Its GeoNames feature.
    pub geonames: Option<GeonamesId>,
}

impl Place {
    /// Whether any identifier is given.
    pub fn is_identified(&self) -> bool {
        self.url.is_some() || self.wikidata.is_some() || self.geonames.is_some()
    }
}

/// A place written as a table.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "PlaceTable")]
pub struct PlaceTable {
    /// What it is called.
    pub name: String,
    /// A web page about it (http or https).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<WebUrl>,
    /// Wikidata item (`Q84` or its `https://www.wikidata.org/wiki/` URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wikidata: Option<WikidataId>,
    /// GeoNames feature (`2643743` or its `https://www.geonames.org/` URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geonames: Option<GeonamesId>,
}

impl NameOrTable for Place {
    type Table = PlaceTable;
    const EXPECTING: &'static str = "a name or a table { name, url, wikidata, geonames }";

    fn from_name(name: String) -> Place {
        Place {
            name,
            url: None,
            wikidata: None,
            geonames: None,
        }
    }

    fn from_table(table: PlaceTable) -> Result<Place, String> {
        Ok(Place {
            name: table.name,
            url: table.url,
            wikidata: table.wikidata,
            geonames: table.geonames,
        })
    }

    fn as_name(&self) -> Option<&str> {
        (!self.is_identified()).then_some(&self.name)
    }

    fn to_table(&self) -> PlaceTable {
        PlaceTable {
            name: self.name.clone(),
            url: self.url.clone(),
            wikidata: self.wikidata.clone(),
            geonames: self.geonames.clone(),
        }
    }
}

name_or_table!(
    Place,
    "A name, or a table { name, url, wikidata, geonames }."
);

/// A work that disputes a document: a work known by its citation, or
/// another document of the collection, known by its record.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DisputingWork {
    /// A work outside the collection.
    Cited(CitedWork),
    /// A document of the same collection (a rebuttal packed beside the
    /// speech it disputes): its own record describes it.
    Document {
        /// Its record id.
        id: Slug,
        /// How it should be cited, when the record wants more than its
        /// title.
        citation: Option<String>,
    },
}

impl DisputingWork {
    /// The citation, as written.
    pub fn citation(&self) -> Option<&str> {
        match self {
            DisputingWork::Cited(work) => Some(&work.citation),
            DisputingWork::Document { citation, .. } => citation.as_deref(),
        }
    }
}

/// A work outside the collection that disputes a document: its citation,
/// and what it is and where it can be found when known.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CitedWork {
    /// The bibliographic citation, as it should be printed.
    pub citation: String,
    /// What kind of work it is.
    pub kind: Option<WorkType>,
    /// Its DOI.
    pub doi: Option<Doi>,
    /// A web page of it.
    pub url: Option<WebUrl>,
}

/// A disputing work written as a table: a work cited `{ citation, type,
/// doi, url }`, or a document of the collection `{ document, citation }`.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "DisputingWorkTable",
    extend(
        "anyOf" = [{ "required": ["citation"] }, { "required": ["document"] }],
        "if" = { "required": ["document"] },
        "then" = { "not": { "anyOf": [
            { "required": ["type"] }, { "required": ["doi"] }, { "required": ["url"] }
        ] } }
    )
)]
pub struct DisputingWorkTable {
    /// The bibliographic citation, as it should be printed; for a
    /// document of the collection, optional (its title stands for it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citation: Option<String>,
    /// What kind of work it is.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<WorkType>,
    /// Its DOI (`10.1000/182` or its `https://doi.org/` URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<Doi>,
    /// A web page of it (http or https).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<WebUrl>,
    /// The id of the document of this collection that disputes it; its
    /// own record says what it is, so `type`, `doi` and `url` are left
    /// out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<Slug>,
}

impl NameOrTable for DisputingWork {
    type Table = DisputingWorkTable;
    const EXPECTING: &'static str =
        "a citation or a table { citation, type, doi, url } or { document, citation }";

    fn from_name(citation: String) -> DisputingWork {
        DisputingWork::Cited(CitedWork {
            citation,
            kind: None,
            doi: None,
            url: None,
        })
    }

    fn from_table(table: DisputingWorkTable) -> Result<DisputingWork, String> {
        match (table.document, table.citation) {
            (Some(id), citation) => {
                if table.kind.is_some() || table.doi.is_some() || table.url.is_some() {
                    return Err(format!(
                        "`{id}` is a document of this collection, which its own record \
                         describes: leave out type, doi and url"
                    ));
                }
                Ok(DisputingWork::Document { id, citation })
            }
            (None, Some(citation)) => Ok(DisputingWork::Cited(CitedWork {
                citation,
                kind: table.kind,
                doi: table.doi,
                url: table.url,
            })),
            (None, None) => Err(
                "missing field `citation`: a disputing work is cited, or is the `document` of \
                 this collection (its id) that disputes"
                    .into(),
            ),
        }
    }

    fn as_name(&self) -> Option<&str> {
        match self {
            DisputingWork::Cited(work) => {
                let plain = work.kind.is_none() && work.doi.is_none() && work.url.is_none();
                plain.then_some(&work.citation)
            }
            DisputingWork::Document { .. } => None,
        }
    }

    fn to_table(&self) -> DisputingWorkTable {
        match self {
            DisputingWork::Cited(work) => DisputingWorkTable {
                citation: Some(work.citation.clone()),
                kind: work.kind,
                doi: work.doi.clone(),
                url: work.url.clone(),
                document: None,
            },
            DisputingWork::Document { id, citation } => DisputingWorkTable {
                citation: citation.clone(),
                kind: None,
                doi: None,
                url: None,
                document: Some(id.clone()),
            },
        }
    }
}

name_or_table!(
    DisputingWork,
    "A citation, or a table { citation, type, doi, url }, or a document of the collection: a \
     table { document, citation } (citation optional)."
);

/// What kind of work a disputing work is; each is a schema.org type.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    JsonSchema,
    Display,
    EnumString,
    IntoStaticStr,
    strum::EnumIter,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum WorkType {
    /// A book (`Book`).
    Book,
    /// A journal article (`ScholarlyArticle`).
    Article,
    /// A chapter of a book (`Chapter`).
    Chapter,
    /// A thesis (`Thesis`).
    Thesis,
    /// A report (`Report`).
    Report,
    /// A web page (`WebPage`).
    Webpage,
}

impl WorkType {
    /// The schema.org type of the work.
    pub fn schema_type(self) -> &'static str {
        match self {
            WorkType::Book => "Book",
            WorkType::Article => "ScholarlyArticle",
            WorkType::Chapter => "Chapter",
            WorkType::Thesis => "Thesis",
            WorkType::Report => "Report",
            WorkType::Webpage => "WebPage",
        }
    }
}

/// What a person did for a document. The order here is the order in which
/// an RO-Crate lists a document's people.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    JsonSchema,
    Display,
    EnumString,
    IntoStaticStr,
    strum::EnumIter,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Role {
    /// Wrote it.
    Author,
    /// Said it (a talk, an interview answer).
    Speaker,
    /// Edited it.
    Editor,
    /// Translated it.
    Translator,
    /// Transcribed it from speech or manuscript.
    Transcriber,
    /// Asked the questions of an interview.
    Interviewer,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Holder {
        authors: Vec<Author>,
    }

    #[test]
    fn one_author_has_one_value_whatever_its_form() {
        let holder: Holder = toml::from_str(
            r#"authors = ["Ada", { name = "Ada" }, { name = "Ada", role = "author" }]"#,
        )
        .unwrap();
        assert!(holder.authors.iter().all(|a| a == &holder.authors[0]));
        assert_eq!(
            toml::to_string(&holder).unwrap(),
            "authors = [\"Ada\", \"Ada\", \"Ada\"]\n"
        );
    }

    #[test]
    fn an_author_with_details_writes_a_table() {
        let source = r#"authors = [{ name = "Josiah Carberry", role = "transcriber", orcid = "https://orcid.org/0000-0002-1825-0097" }]"#;
        let holder: Holder = toml::from_str(source).unwrap();
        let author = &holder.authors[0];
        assert_eq!(author.role, Role::Transcriber);
        assert_eq!(
            author.orcid.as_ref().unwrap().as_str(),
            "0000-0002-1825-0097"
        );
        let again: Holder = toml::from_str(&toml::to_string(&holder).unwrap()).unwrap();
        assert_eq!(again, holder);
    }

    #[test]
    fn an_organization_writes_a_table_with_its_type() {
        let holder: Holder = toml::from_str(
            r#"authors = [{ name = "Editorial board", type = "organization" }, { name = "Ada", type = "person" }]"#,
        )
        .unwrap();
        assert_eq!(holder.authors[0].kind, AuthorType::Organization);
        assert_eq!(holder.authors[0].role, Role::Author);
        assert_eq!(holder.authors[1], Author::from_name("Ada".into()));
        assert_eq!(
            toml::to_string(&holder).unwrap(),
            "authors = [{ name = \"Editorial board\", type = \"organization\" }, \"Ada\"]\n"
        );
        let error = toml::from_str::<Holder>(r#"authors = [{ name = "A", type = "group" }]"#)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("unknown variant `group`, expected `person` or `organization`"),
            "{error}"
        );
    }

    #[test]
    fn an_assessor_is_a_person_unless_said_otherwise() {
        #[derive(Debug, Deserialize, Serialize, PartialEq)]
        struct Assessors {
            by: Vec<Assessor>,
        }
        let assessors: Assessors = toml::from_str(
            r#"by = ["Ada", { name = "Ada", type = "person" }, { name = "Board", type = "organization" }]"#,
        )
        .unwrap();
        assert_eq!(assessors.by[0], assessors.by[1]);
        assert_eq!(assessors.by[2].kind, AuthorType::Organization);
        assert_eq!(
            toml::to_string(&assessors).unwrap(),
            "by = [\"Ada\", \"Ada\", { name = \"Board\", type = \"organization\" }]\n"
        );
        let error = toml::from_str::<Assessors>(r#"by = [{ name = "A", role = "editor" }]"#)
            .unwrap_err()
            .to_string();
        assert!(error.contains("unknown field `role`"), "{error}");
    }

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

    #[test]
    fn a_document_of_the_collection_disputes_by_its_id() {
        #[derive(Debug, Deserialize, Serialize, PartialEq)]
        struct Works {
            by: Vec<DisputingWork>,
        }
        let works: Works = toml::from_str(
            r#"by = [{ document = "rebuttal-1938" }, { citation = "Letter, 1938", document = "letter" }]"#,
        )
        .unwrap();
        assert_eq!(
            works.by,
            [
                DisputingWork::Document {
                    id: "rebuttal-1938".parse().unwrap(),
                    citation: None
                },
                DisputingWork::Document {
                    id: "letter".parse().unwrap(),
                    citation: Some("Letter, 1938".into())
                },
            ]
        );
        let text = toml::to_string(&works).unwrap();
        assert_eq!(toml::from_str::<Works>(&text).unwrap(), works, "{text}");
        for (bad, expected) in [
            (
                r#"by = [{ document = "a", doi = "10.1000/182" }]"#,
                "its own record describes: leave out type, doi and url",
            ),
            (r#"by = [{ type = "book" }]"#, "missing field `citation`"),
            (r#"by = [{ document = "A B" }]"#, "invalid slug"),
        ] {
            let error = toml::from_str::<Works>(bad).unwrap_err().to_string();
            assert!(error.contains(expected), "{bad}: {error}");
        }
    }

    #[test]
    fn errors_inside_a_table_are_kept() {
        let error = toml::from_str::<Holder>(r#"authors = [{ name = "A", role = "singer" }]"#)
            .unwrap_err()
            .to_string();
        assert!(error.contains("unknown variant `singer`"), "{error}");
        let error = toml::from_str::<Holder>(r#"authors = [{ nme = "A" }]"#)
            .unwrap_err()
            .to_string();
        assert!(error.contains("unknown field `nme`"), "{error}");
    }
}
