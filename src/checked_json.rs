//! JSON read as a `serde_json::Value` reads it, keeping nothing: to judge
//! a text JSON or not, with a `Value`'s errors at a `Value`'s positions,
//! before its parts are read as they are needed. A `RawValue` alone takes
//! what a `Value` refuses, a number too large for one (`1e400`).
//!
//! A `Value` reads an object whose first key is serde_json's raw-value
//! marker as the JSON text in that key's string. [`Checked`] does too, for
//! a reader whose parts are `Value`s (an RO-Crate's); `Checked<false>`
//! reads the marker as any other key, for a reader to which every key is a
//! key (an OCFL inventory's).

use std::fmt;

use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

/// Any JSON, read as a `Value` would read it (numbers in range, strings
/// with their escapes decoded, nesting within `serde_json`'s limit) and
/// kept as nothing; the raw-value marker read as a `Value` reads it if
/// `RAW_VALUE_MARKER`, else as a key.
pub(crate) struct Checked<const RAW_VALUE_MARKER: bool = true>;

impl<'de, const RAW_VALUE_MARKER: bool> Deserialize<'de> for Checked<RAW_VALUE_MARKER> {
    fn deserialize<D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Checked<RAW_VALUE_MARKER>, D::Error> {
        deserializer.deserialize_any(CheckedVisitor::<RAW_VALUE_MARKER>)
    }
}

struct CheckedVisitor<const RAW_VALUE_MARKER: bool>;

/// The text a `Value` takes for JSON after serde_json's `RawValue` marker,
/// with its error when it is not text.
struct RawValueText(String);

impl<'de> Deserialize<'de> for RawValueText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RawValueText, D::Error> {
        deserializer.deserialize_str(RawValueTextVisitor)
    }
}

struct RawValueTextVisitor;

impl Visitor<'_> for RawValueTextVisitor {
    type Value = RawValueText;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("raw value")
    }

    fn visit_str<E>(self, text: &str) -> Result<RawValueText, E> {
        Ok(RawValueText(text.to_string()))
    }
}

impl<'de, const RAW_VALUE_MARKER: bool> Visitor<'de> for CheckedVisitor<RAW_VALUE_MARKER> {
    type Value = Checked<RAW_VALUE_MARKER>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Checked)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Checked)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Checked)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Checked)
    }

    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Checked)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Checked)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<Self::Value>()?.is_some() {}
        Ok(Checked)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // A `Value` reads an object whose first key is this one as the JSON
        // text of its value, a string, and reads no further key (serde_json's
        // `raw_value` feature, which corpack uses). Read as any other, it
        // let a `Value` fail where this did not (found by fuzzing).
        const RAW_VALUE_KEY: &str = "$serde_json::private::RawValue";
        let Some(first) = map.next_key::<String>()? else {
            return Ok(Checked);
        };
        if RAW_VALUE_MARKER && first == RAW_VALUE_KEY {
            let RawValueText(text) = map.next_value()?;
            serde_json::from_str::<Self::Value>(&text).map_err(serde::de::Error::custom)?;
            return Ok(Checked);
        }
        map.next_value::<Self::Value>()?;
        while map.next_entry::<Self::Value, Self::Value>()?.is_some() {}
        Ok(Checked)
    }
}
