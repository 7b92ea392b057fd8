//! Works that dispute a document: cited works, and documents of the same
//! collection.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use strum::{Display, EnumString, IntoStaticStr};

use super::name_or_table::{
    NameOrTable, deserialize_name_or_table, name_or_table_schema, serialize_name_or_table,
};
use crate::collection::values::{Doi, Slug, WebUrl};

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
