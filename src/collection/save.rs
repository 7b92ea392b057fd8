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

/// The text of `collection.toml` for `collection`, after a comment line
/// saying where it came from (`# …`, may be empty). Values are written in
/// their shortest form: a person with no role or identifiers as a name.
pub fn to_toml(collection: &Collection, comment: &str) -> String {
    let file = CollectionFileOut {
        collection: &collection.info,
        document: &collection.documents,
    };
    let body = toml::to_string_pretty(&file).expect("records serialize to TOML");
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
