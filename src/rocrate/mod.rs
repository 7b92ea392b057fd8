//! The RO-Crate 1.1 payload description: `ro-crate-metadata.json` and
//! `ro-crate-preview.html`, and reading them back.

use crate::bundle::PackedDocument;
use crate::collection::CollectionInfo;

/// The text of `ro-crate-metadata.json` for a packed collection.
pub fn metadata_json(info: &CollectionInfo, documents: &[PackedDocument]) -> String {
    let files: Vec<serde_json::Value> = documents
        .iter()
        .filter_map(|d| {
            let held = d.held.as_ref()?;
            Some(serde_json::json!({
                "@id": d.crate_path(),
                "@type": "File",
                "name": d.record.title,
                "sha256": held.digests.sha256,
                "contentSize": held.size.to_string(),
            }))
        })
        .collect();
    let has_part: Vec<serde_json::Value> = files
        .iter()
        .map(|f| serde_json::json!({"@id": f["@id"]}))
        .collect();
    let mut graph = vec![
        serde_json::json!({
            "@id": "ro-crate-metadata.json",
            "@type": "CreativeWork",
            "conformsTo": {"@id": "https://w3id.org/ro/crate/1.1"},
            "about": {"@id": "./"},
        }),
        serde_json::json!({
            "@id": "./",
            "@type": "Dataset",
            "name": info.title,
            "description": info.description,
            "datePublished": info.date.to_string(),
            "license": {"@id": info.license.url()},
            "hasPart": has_part,
        }),
    ];
    graph.extend(files);
    let crate_json = serde_json::json!({
        "@context": ["https://w3id.org/ro/crate/1.1/context", {"sha256": "http://schema.org/sha256"}],
        "@graph": graph,
    });
    let mut text = serde_json::to_string_pretty(&crate_json).expect("JSON values serialize");
    text.push('\n');
    text
}

/// The text of `ro-crate-preview.html` for a packed collection.
pub fn preview_html(info: &CollectionInfo, _documents: &[PackedDocument]) -> String {
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{}</title></head><body></body></html>\n",
        info.title
    )
}
