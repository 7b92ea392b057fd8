//! The top object of an inventory, read so that its long values (the
//! manifest, the versions and the fixity block, each as long as the object
//! has files) are not all held as `Value`s at once: each is left as text,
//! to be read when it is checked.

use std::collections::BTreeMap;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// The keys whose values grow with the object's files.
const LONG_KEYS: [&str; 3] = ["manifest", "versions", "fixity"];

/// The top object of the inventory's `text`, its long values (see
/// [`LONG_KEYS`]) left as text; `None` if it is JSON but not an object.
/// Of a key given twice, the last value counts, as in a `Value`.
pub(super) type Top<'t> = Option<(Map<String, Value>, Vec<(String, &'t RawValue)>)>;

pub(super) fn read_top(text: &str) -> serde_json::Result<Top<'_>> {
    // The errors a `Value` of the whole text would have, where it would.
    serde_json::from_str::<Checked>(text)?;
    // JSON, so what is not read as an object is not one.
    let Ok(entries) = serde_json::from_str::<BTreeMap<String, &RawValue>>(text) else {
        return Ok(None);
    };
    let mut object = Map::new();
    let mut long = Vec::new();
    for (key, raw) in entries {
        if LONG_KEYS.contains(&key.as_str()) {
            long.push((key, raw));
        } else {
            object.insert(key, serde_json::from_str(raw.get())?);
        }
    }
    Ok(Some((object, long)))
}

/// JSON read as a `Value` reads it, numbers and all, keeping nothing: a
/// `RawValue` takes a number too large for a `Value` (`1e400`).
struct Checked;

impl<'de> Deserialize<'de> for Checked {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Checked, D::Error> {
        deserializer.deserialize_any(CheckedVisitor)
    }
}

struct CheckedVisitor;

impl<'de> Visitor<'de> for CheckedVisitor {
    type Value = Checked;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JSON")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_str<E>(self, _: &str) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_unit<E>(self) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Checked, A::Error> {
        while seq.next_element::<Checked>()?.is_some() {}
        Ok(Checked)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Checked, A::Error> {
        while map.next_entry::<Checked, Checked>()?.is_some() {}
        Ok(Checked)
    }
}
