//! A JSON object of an inventory read without its values: each entry's key
//! (borrowed from the text where it has no escape) and its value's text,
//! read when its entry is checked. A manifest, a state or a fixity block
//! of 160,000 entries read as a `Value` took about 300 bytes an entry
//! while it was typed; so, about 45.
//!
//! A key is a key whatever its text. serde_json's `Value`, with its
//! `raw_value` feature on, reads an object whose first key is
//! `$serde_json::private::RawValue` as the JSON in that key's string, so
//! that a manifest written so passed for the manifest in the string. Here
//! it is an object of one digest, as any other JSON reader reads it; so is
//! such an object anywhere in a value ([`value`]), and in the inventory's
//! top object ([`super::top`]).

use std::borrow::{Borrow, Cow};
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Deref;

use serde::de::{Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Map;
use serde_json::Value;
use serde_json::value::RawValue;

/// The entries of a JSON object, sorted by key; of a key given twice, the
/// last value counts, as in a `Value`.
pub(super) type Object<'a> = BTreeMap<Key<'a>, &'a RawValue>;

/// The key of an entry. It orders, and prints, as its text.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Key<'a>(Cow<'a, str>);

impl Deref for Key<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Key<'_> {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Key<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Key<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Key<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Key<'a>, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(key)))
    }

    fn visit_str<E>(self, key: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(key.to_string())))
    }
}

/// The object `text` holds, or the value it holds if that is no object.
/// The text was read whole as JSON before.
pub(super) fn object(text: &str) -> Result<Object<'_>, Value> {
    serde_json::from_str(text).map_err(|_| value(text))
}

/// The value `text` holds, which was read whole as JSON before, every key
/// of its objects a key. Text read again from a file is checked by its
/// CRC-32 only, which another text can share: one that is no longer JSON
/// is given as a string saying so, which the finding of a value of the
/// wrong kind then quotes.
pub(super) fn value(text: &str) -> Value {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    PlainValue
        .deserialize(&mut deserializer)
        .unwrap_or_else(|error| {
            Value::String(format!(
                "text that is no longer JSON ({error}): the file changed while it was read"
            ))
        })
}

/// A `Value` read as `Value` reads one but for serde_json's raw-value
/// marker, a key like any other here.
struct PlainValue;

impl<'de> DeserializeSeed<'de> for PlainValue {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PlainValue {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_string()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Value, A::Error> {
        let mut list = Vec::new();
        while let Some(item) = items.next_element_seed(PlainValue)? {
            list.push(item);
        }
        Ok(Value::Array(list))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = entries.next_key::<String>()? {
            let item = entries.next_value_seed(PlainValue)?;
            map.insert(key, item);
        }
        Ok(Value::Object(map))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::json_strategy::any_json;

    #[test]
    fn keys_and_values_are_those_a_value_has() {
        let text = r#"{"b": [1], "a\u0041": {"x": 2}, "b": "last", "é": null}"#;
        let entries = object(text).unwrap();
        let keys: Vec<&str> = entries.keys().map(|key| &**key).collect();
        assert_eq!(keys, ["aA", "b", "é"]);
        assert!(matches!(entries.keys().nth(1).unwrap().0, Cow::Borrowed(_)));
        assert!(matches!(entries.keys().next().unwrap().0, Cow::Owned(_)));
        assert_eq!(value(entries["b"].get()), Value::from("last"));
        let whole: Value = serde_json::from_str(text).unwrap();
        for (key, raw) in &entries {
            assert_eq!(value(raw.get()), whole[&**key]);
        }
        assert_eq!(object("[1, 2]").unwrap_err(), serde_json::json!([1, 2]));
        assert_eq!(object("\"a\"").unwrap_err(), Value::from("a"));
    }

    #[test]
    fn text_no_longer_json_is_a_value_saying_so() {
        // As a file rewritten between two reads with the same CRC-32 gives.
        let Value::String(said) = object(r#"{"a": [1"#).unwrap_err() else {
            panic!("a string");
        };
        assert!(said.contains("changed while it was read"), "{said}");
    }

    #[test]
    fn a_key_prints_as_its_text() {
        let entries = object(r#"{"fo\u006f": 1, "bar": 2}"#).unwrap();
        let keys: Vec<String> = entries.keys().map(|key| format!("{key:?} {key}")).collect();
        assert_eq!(keys, [r#""bar" bar"#, r#""foo" foo"#]);
    }

    /// serde_json's marker of a raw value is a key like any other, in an
    /// object and in a value.
    #[test]
    fn the_raw_value_marker_is_a_key() {
        let marker = "$serde_json::private::RawValue";
        let text = format!(r#"{{"{marker}": "{{\"a\": [\"b\"]}}"}}"#);
        let entries = object(&text).unwrap();
        let keys: Vec<&str> = entries.keys().map(|key| &**key).collect();
        assert_eq!(keys, [marker]);
        let nested = format!(r#"[{{"{marker}": "[1]"}}, 2.5, -3, null, true]"#);
        let expected = serde_json::json!([{marker: "[1]"}, 2.5, -3, null, true]);
        assert_eq!(value(&nested), expected);
        assert_eq!(object(&nested).unwrap_err(), expected);
        // A `Value` reads it as what its string holds.
        let read: Value = serde_json::from_str(&nested).unwrap();
        assert_eq!(read[0], serde_json::json!([1]));
    }

    proptest! {
        /// Without the marker, a value reads as a `Value` reads it.
        #[test]
        fn a_value_is_what_serde_json_reads(json in any_json("[a-z\"\\\\é\u{1}]{0,4}", "[a-c\"]{0,2}")) {
            let text = json.to_string();
            let read: Value = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(value(&text), read);
        }
    }
}
