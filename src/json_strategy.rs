//! Any JSON value, for the property tests of corpack's JSON readers, which
//! must read what `serde_json` reads: floats across `f64`'s whole range
//! included, which read alike by every path only with its
//! `float_roundtrip`.

use proptest::prelude::*;
use serde_json::Value;

/// Any JSON value whose strings match `strings` and whose keys match
/// `keys` (regular expressions), nested at most four deep.
pub(crate) fn any_json(strings: &'static str, keys: &'static str) -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        strings.prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 4, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(keys, inner, 0..4)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}
