//! The pieces entities are built of as JSON: references, single values
//! rather than one-element arrays, members set only when there is a value.

use serde_json::{Map, Value, json};

/// `{"@id": id}`.
pub(crate) fn reference(id: &str) -> Value {
    json!({ "@id": id })
}

/// Nothing, the value, or an array: RO-Crate 1.1 asks for single values
/// rather than one-element arrays.
pub(crate) fn one_or_many(mut values: Vec<Value>) -> Option<Value> {
    match values.len() {
        0 => None,
        1 => values.pop(),
        _ => Some(Value::Array(values)),
    }
}

/// Sets `key` when there is a value.
pub(crate) fn set(entity: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        entity.insert(key.to_string(), value);
    }
}

/// The object of a `json!({...})`.
pub(crate) fn into_map(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}
