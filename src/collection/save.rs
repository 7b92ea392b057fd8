//! Writing `collection.toml`: the text of a collection, which reads back as
//! the same collection.

use std::io::{self, Write};

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
    let mut text = Vec::new();
    write_toml(collection, comment, &mut text).expect("a Vec takes every write");
    String::from_utf8(text).expect("TOML is UTF-8")
}

/// Writes what [`to_toml`] makes to `out` a table at a time, so that the
/// text of a large collection is never held whole. `out` should be
/// buffered.
///
/// `toml`'s serializer writes the whole file by inserting each subtable
/// (`[document.provenance]`, …) into the text written so far, which moves
/// all that follows: time quadratic in the documents. Each table alone is
/// the same text.
pub fn write_toml(collection: &Collection, comment: &str, out: &mut dyn Write) -> io::Result<()> {
    for line in comment.lines() {
        writeln!(out, "# {line}")?;
    }
    if comment.lines().next().is_some() {
        writeln!(out)?;
    }
    if collection.documents.is_empty() {
        // `document = []`, as the whole file is written.
        return out.write_all(
            pretty(&CollectionFileOut {
                collection: &collection.info,
                document: &[],
            })
            .as_bytes(),
        );
    }
    out.write_all(
        pretty(&CollectionTableOut {
            collection: &collection.info,
        })
        .as_bytes(),
    )?;
    for document in &collection.documents {
        out.write_all(b"\n")?;
        let table = DocumentTableOut {
            document: std::slice::from_ref(document),
        };
        out.write_all(pretty(&table).as_bytes())?;
    }
    Ok(())
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
            prop_assert_eq!(to_toml(&collection, ""), whole);
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
