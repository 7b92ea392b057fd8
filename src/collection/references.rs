//! Values written as a string or as a table: people credited with a
//! document.
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

use super::values::Orcid;

/// A type written as a plain name or as a table of details.
pub(crate) trait NameOrTable: Sized {
    /// The table form, as written in `collection.toml`.
    type Table: for<'de> Deserialize<'de> + Serialize + JsonSchema;
    /// What the error message says is expected.
    const EXPECTING: &'static str;

    /// The value a plain name stands for.
    fn from_name(name: String) -> Self;
    /// The value a table stands for.
    fn from_table(table: Self::Table) -> Self;
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
            Ok(T::from_table(table))
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

/// A person credited with a document, in a role.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Author {
    /// The person's name as it should be cited.
    pub name: String,
    /// What the person did.
    pub role: Role,
    /// ORCID iD, check digit verified.
    pub orcid: Option<Orcid>,
}

/// An author written as a table.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "AuthorTable")]
pub struct AuthorTable {
    /// The person's name as it should be cited.
    pub name: String,
    /// What the person did (default `author`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// ORCID iD (`0000-0000-0000-000X` or its `https://orcid.org/` URL), check
    /// digit verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orcid: Option<Orcid>,
}

impl NameOrTable for Author {
    type Table = AuthorTable;
    const EXPECTING: &'static str = "a name or a table { name, role, orcid }";

    fn from_name(name: String) -> Author {
        Author {
            name,
            role: Role::Author,
            orcid: None,
        }
    }

    fn from_table(table: AuthorTable) -> Author {
        Author {
            name: table.name,
            role: table.role.unwrap_or(Role::Author),
            orcid: table.orcid,
        }
    }

    fn as_name(&self) -> Option<&str> {
        (self.role == Role::Author && self.orcid.is_none()).then_some(&self.name)
    }

    fn to_table(&self) -> AuthorTable {
        AuthorTable {
            name: self.name.clone(),
            role: (self.role != Role::Author).then_some(self.role),
            orcid: self.orcid.clone(),
        }
    }
}

name_or_table!(
    Author,
    "A person: a name (role author), or a table { name, role, orcid }."
);

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
