//! Helpers for the inventory checks' tests: a valid inventory, and the
//! codes of what parsing one finds.

use serde_json::{Value, json};

use super::parse;
use crate::ocfl::validate::Findings;

const DIGEST: &str = "ab";

pub(super) fn valid() -> Value {
    json!({
        "id": "urn:x:1",
        "type": "https://ocfl.io/1.1/spec/#inventory",
        "digestAlgorithm": "sha512",
        "head": "v1",
        "manifest": {DIGEST: ["v1/content/a.txt"]},
        "versions": {"v1": {
            "created": "2026-11-25T00:00:00Z",
            "state": {DIGEST: ["a.txt"]},
            "message": "m",
            "user": {"name": "n", "address": "mailto:n@example.org"}
        }}
    })
}

pub(super) fn codes(json: &Value) -> Vec<String> {
    let mut findings = Findings::default();
    parse(json.to_string().as_bytes(), "inventory.json", &mut findings);
    findings.0.iter().map(|f| f.code.to_string()).collect()
}
