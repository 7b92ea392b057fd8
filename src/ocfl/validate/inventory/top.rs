//! The top object of an inventory, read so that its long values (the
//! manifest, the versions and the fixity block, each as long as the object
//! has files) are not all held as `Value`s at once: each is left as text,
//! to be read when it is checked.

use std::collections::BTreeMap;
use std::ops::Range;

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::object;
use crate::checked_json::Checked;

/// The keys whose values grow with the object's files.
const LONG_KEYS: [&str; 3] = ["manifest", "versions", "fixity"];

/// The top object of the inventory's `text`, its long values (see
/// [`LONG_KEYS`]) left as text, each given by its place in `text`; `None`
/// if it is JSON but not an object. Of a key given twice, the last value
/// counts, as in a `Value`.
pub(super) type Top = Option<(Map<String, Value>, Vec<(String, Range<usize>)>)>;

/// Reads the inventory's `text` as a [`Top`]; its error, if it is not
/// JSON, is the one a `Value` of the whole text would have, where it would.
/// serde_json's raw-value marker is a key like any other, as everywhere in
/// an inventory ([`object`]).
pub(super) fn read_top(text: &str) -> serde_json::Result<Top> {
    serde_json::from_str::<Checked<false>>(text)?;
    // JSON, so what is not read as an object is not one.
    let Ok(entries) = serde_json::from_str::<BTreeMap<String, &RawValue>>(text) else {
        return Ok(None);
    };
    let mut short = Map::new();
    let mut long = Vec::new();
    for (key, raw) in entries {
        if LONG_KEYS.contains(&key.as_str()) {
            // The raw value is a slice of `text`.
            let start = raw.get().as_ptr() as usize - text.as_ptr() as usize;
            long.push((key, start..start + raw.get().len()));
        } else {
            short.insert(key, object::value(raw.get()));
        }
    }
    Ok(Some((short, long)))
}
