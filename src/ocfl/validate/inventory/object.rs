//! A JSON object of an inventory read without its values: each entry's key
//! (borrowed from the text where it has no escape) and its value's text,
//! read when its entry is checked. A manifest, a state or a fixity block
//! of 160,000 entries read as a `Value` took about 300 bytes an entry
//! while it was typed; so, about 45.
//!
//! A key is a key whatever its text. A `Value`, with serde_json's
//! `raw_value` feature on, read an object whose one key is
//! `$serde_json::private::RawValue` as the JSON in that key's string, so
//! that a manifest written so passed for the manifest in the string; it is
//! now an object of one digest, as any other JSON reader reads it, and as
//! the inventory's top object was read already.

use std::borrow::{Borrow, Cow};
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Deref;

use serde::de::{Deserialize, Deserializer, Visitor};
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

/// The value `text` holds, which was read whole as JSON before.
pub(super) fn value(text: &str) -> Value {
    serde_json::from_str(text).expect("read whole before")
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn a_key_prints_as_its_text() {
        let entries = object(r#"{"fo\u006f": 1, "bar": 2}"#).unwrap();
        let keys: Vec<String> = entries.keys().map(|key| format!("{key:?} {key}")).collect();
        assert_eq!(keys, [r#""bar" bar"#, r#""foo" foo"#]);
    }

    /// serde_json's marker of a raw value is a key like any other.
    #[test]
    fn the_raw_value_marker_is_a_key() {
        let text = r#"{"$serde_json::private::RawValue": "{\"a\": [\"b\"]}"}"#;
        let entries = object(text).unwrap();
        let keys: Vec<&str> = entries.keys().map(|key| &**key).collect();
        assert_eq!(keys, ["$serde_json::private::RawValue"]);
    }
}
