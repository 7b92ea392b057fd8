//! Helpers for the inventory checks' tests: a valid inventory, and the
//! codes of what parsing one finds.

use std::io::Write;

use serde_json::{Value, json};

use super::{parse, parse_file};
use crate::ocfl::validate::Findings;

/// The SHA-512 digest of an empty file.
pub(super) const DIGEST: &str = "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e";

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

/// The codes of what parsing `json` finds, the same whether its text is
/// held or read from a file.
pub(super) fn codes(json: &Value) -> Vec<String> {
    let text = json.to_string();
    let mut findings = Findings::default();
    let held = parse(text.clone().into_bytes(), "inventory.json", &mut findings);
    let mut file = tempfile::tempfile().unwrap();
    file.write_all(text.as_bytes()).unwrap();
    let mut from_file = Findings::default();
    let read = parse_file(&file, "inventory.json", &mut from_file).unwrap();
    assert_eq!(from_file.0, findings.0, "{text}");
    assert_eq!(read.inventory, held.inventory, "{text}");
    findings.0.iter().map(|f| f.code.to_string()).collect()
}
