//! Writing `collection.toml`: the text of a collection, which reads back as
//! the same collection.

use serde::Serialize;

use super::{Collection, CollectionInfo, Document};

/// The shape of the file, borrowed from a collection.
#[derive(Serialize)]
struct CollectionFileOut<'a> {
    collection: &'a CollectionInfo,
    document: &'a [Document],
}

/// The `[collection]` table alone.
#[derive(Serialize)]
struct CollectionTableOut<'a> {
    collection: &'a CollectionInfo,
}

/// One `[[document]]` table (and its subtables) alone.
#[derive(Serialize)]
struct DocumentTableOut<'a> {
    document: &'a [Document],
}

/// The text of `collection.toml` for `collection`, after a comment line
/// saying where it came from (`# …`, may be empty). Values are written in
/// their shortest form: a person with no role or identifiers as a name.
pub fn to_toml(collection: &Collection, comment: &str) -> String {
    let body = body(collection);
    let mut text = String::new();
    for line in comment.lines() {
        text.push_str("# ");
        text.push_str(line);
        text.push('\n');
    }
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(&body);
    text
}

/// The records as TOML, as `toml` writes the whole file, a table at a
/// time: its serializer puts each subtable (`[document.provenance]`, …) in
/// place by inserting it into the text written so far, which moves all
/// that follows, so a whole file of many documents with subtables took
/// time quadratic in their number.
fn body(collection: &Collection) -> String {
    if collection.documents.is_empty() {
        // `document = []`, as the whole file is written.
        return pretty(&CollectionFileOut {
            collection: &collection.info,
            document: &[],
        });
    }
    let mut body = pretty(&CollectionTableOut {
        collection: &collection.info,
    });
    for document in &collection.documents {
        body.push('\n');
        body.push_str(&pretty(&DocumentTableOut {
            document: std::slice::from_ref(document),
        }));
    }
    body
}

fn pretty(value: &impl Serialize) -> String {
    toml::to_string_pretty(value).expect("records serialize to TOML")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use proptest::prelude::*;

    use super::*;
    use crate::collection::{parse, testutil};

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn the_text_reads_back_as_the_collection(collection in testutil::collection(4)) {
            let text = to_toml(&collection, "made by a test");
            let loaded = parse(&text, Path::new("."), Path::new("collection.toml"))
                .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
            prop_assert_eq!(loaded.to_collection().unwrap(), collection);
        }

        #[test]
        fn a_table_at_a_time_is_the_whole_file_as_toml_writes_it(
            collection in testutil::collection(6)
        ) {
            let whole = pretty(&CollectionFileOut {
                collection: &collection.info,
                document: &collection.documents,
            });
            prop_assert_eq!(body(&collection), whole);
        }
    }

    #[test]
    fn the_seeds_write_back_as_they_read() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let seeds = crate::collection::load(&dir)
            .unwrap()
            .to_collection()
            .unwrap();
        let text = to_toml(&seeds, "");
        assert!(
            text.starts_with("[collection]\nid = \"soviet-historiography\"\n"),
            "{text}"
        );
        let again = parse(&text, &dir, Path::new("collection.toml")).unwrap();
        assert_eq!(again.to_collection().unwrap(), seeds);
    }
}
