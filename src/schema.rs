//! JSON Schemas of corpack's inputs and outputs, generated from the types
//! that read and write them, and published in `manifests/schema/`.

use schemars::generate::SchemaSettings;
use schemars::transform::transform_subschemas;
use schemars::{JsonSchema, Schema};

use crate::check::CheckReport;
use crate::collection::CollectionFile;
use crate::error::ErrorReport;
use crate::export::csv::ExportReport;
use crate::export::ocfl::OcflExportReport;
use crate::export::verified::RepositoryExportReport;
use crate::import::ImportReport;
use crate::pack::PackReport;
use crate::rebuild::AgainstReport;
use crate::show::ShowReport;
use crate::verify::Report;

/// Every published schema: `(file name, pretty JSON text)`.
pub fn schemas() -> Vec<(&'static str, String)> {
    vec![
        ("collection.schema.json", text::<CollectionFile>()),
        ("pack-output.schema.json", text::<PackReport>()),
        ("verify-output.schema.json", text::<Report>()),
        ("verify-against-output.schema.json", text::<AgainstReport>()),
        ("check-output.schema.json", text::<CheckReport>()),
        ("show-output.schema.json", text::<ShowReport>()),
        ("import-output.schema.json", text::<ImportReport>()),
        ("export-output.schema.json", text::<ExportReport>()),
        ("export-ocfl-output.schema.json", text::<OcflExportReport>()),
        (
            "export-repository-output.schema.json",
            text::<RepositoryExportReport>(),
        ),
        ("error-output.schema.json", text::<ErrorReport>()),
    ]
}

fn text<T: JsonSchema>() -> String {
    // Absent optional fields are omitted, never null (TOML has no null).
    let schema = SchemaSettings::draft2020_12()
        .with_transform(drop_null as fn(&mut Schema))
        .into_generator()
        .into_root_schema_for::<T>();
    let mut text = serde_json::to_string_pretty(&schema).expect("schemas serialize to JSON");
    text.push('\n');
    text
}

/// Removes `null` from the types a schema allows: corpack omits absent
/// values rather than writing null, and TOML cannot write null at all.
fn drop_null(schema: &mut Schema) {
    if let Some(serde_json::Value::Array(types)) = schema.get_mut("type") {
        types.retain(|t| t != "null");
        if let [only] = types.as_slice() {
            let only = only.clone();
            schema.insert("type".into(), only);
        }
    }
    if let Some(serde_json::Value::Array(branches)) = schema.get_mut("anyOf") {
        branches.retain(|branch| branch.get("type").is_none_or(|t| t != "null"));
        if let [only] = branches.as_slice() {
            let only = only.clone();
            schema.remove("anyOf");
            if let serde_json::Value::Object(fields) = only {
                schema
                    .as_object_mut()
                    .expect("anyOf lives in an object")
                    .extend(fields);
            }
        }
    }
    transform_subschemas(&mut drop_null, schema);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_collection_schema_describes_the_record_file() {
        let (_, text) = &schemas()[0];
        let schema: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(schema["title"], "corpack collection.toml");
        let required = schema["required"].as_array().unwrap();
        assert!(required.contains(&"collection".into()));
        assert_eq!(schema["additionalProperties"], false);
        assert!(
            !text.contains("null"),
            "optional fields must not allow null"
        );
    }
}
