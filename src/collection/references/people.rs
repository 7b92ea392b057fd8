//! People credited with a document, in a role, and who assessed whether it
//! is disputed: each a person or an organization.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use strum::{Display, EnumString, IntoStaticStr};

use super::name_or_table::{
    NameOrTable, deserialize_name_or_table, name_or_table_schema, serialize_name_or_table,
};
use crate::collection::values::{Orcid, WikidataId};

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
