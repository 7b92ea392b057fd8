//! Values written as a plain name or as a table of details: the trait
//! that says how such a type reads and writes each form, and the serde and
//! JSON Schema impls built on it.

use std::fmt;
use std::marker::PhantomData;

use schemars::JsonSchema;
use serde::de::value::MapAccessDeserializer;
use serde::{Deserialize, Serialize};

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
