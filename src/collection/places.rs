//! Where a field is in the text of `collection.toml`, so that an error
//! found once a table has read (a rule it breaks, a file not found) points
//! at the field's own line, not at the table's header.
//!
//! A field is named by its path in the record model, such as
//! `document[2].provenance.authors[3].orcid` (indexes 1-based, as errors
//! print them), and looked up in the table as TOML parsed it, with the
//! place of every value. Where a step of the path is not written out (the
//! name of an author written as a plain string, a field left out), the
//! place is that of the nearest value that holds it.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// One step of a field's path.
#[derive(Debug, PartialEq, Eq)]
enum Step<'a> {
    Key(&'a str),
    /// A 0-based index.
    Index(usize),
}

/// The steps of `field`; `None` if it is not a path of keys and 1-based
/// indexes.
fn steps(field: &str) -> Option<Vec<Step<'_>>> {
    let mut steps = Vec::new();
    for part in field.split('.') {
        let (key, indexes) = part.split_once('[').unwrap_or((part, ""));
        if key.is_empty() {
            return None;
        }
        steps.push(Step::Key(key));
        if indexes.is_empty() {
            continue;
        }
        for index in indexes.strip_suffix(']')?.split("][") {
            let number: usize = index.parse().ok()?;
            steps.push(Step::Index(number.checked_sub(1)?));
        }
    }
    Some(steps)
}

/// The span of `field` in `root`, or of the nearest value that holds it;
/// `None` if not even its first step is in `root`.
pub(super) fn field_span(root: &DeTable<'_>, field: &str) -> Option<Range<usize>> {
    let mut steps = steps(field)?.into_iter();
    let Some(Step::Key(first)) = steps.next() else {
        return None;
    };
    let mut found: &Spanned<DeValue<'_>> = root.get(first)?;
    for step in steps {
        let next = match step {
            Step::Key(key) => found.get_ref().get(key),
            Step::Index(index) => found.get_ref().get(index),
        };
        match next {
            Some(next) => found = next,
            None => break,
        }
    }
    Some(found.span())
}

#[cfg(test)]
mod tests {
    use toml::de::DeTable;

    use super::*;

    const SOURCE: &str = r#"[[document]]
id = "a"
[document.provenance]
authors = [
  "Ada",
  { name = "Board", type = "organization", orcid = "0000-0002-1825-0097" },
]

[[document]]
id = "b"
provenance.event = "E"
[[document.contested.disputed_by]]
citation = "W"
"#;

    /// The text at the place `field_span` gives.
    fn at(field: &str) -> Option<&'static str> {
        let root = DeTable::parse(SOURCE).unwrap().into_inner();
        let span = field_span(&root, field)?;
        SOURCE[span].lines().next()
    }

    #[test]
    fn a_field_is_placed_at_its_value() {
        assert_eq!(at("document[1].id"), Some("\"a\""));
        assert_eq!(
            at("document[1].provenance.authors[2].orcid"),
            Some("\"0000-0002-1825-0097\"")
        );
        assert_eq!(
            at("document[1].provenance.authors[2]"),
            Some("{ name = \"Board\", type = \"organization\", orcid = \"0000-0002-1825-0097\" }")
        );
        assert_eq!(at("document[2].provenance.event"), Some("\"E\""));
        assert_eq!(
            at("document[2].contested.disputed_by[1].citation"),
            Some("\"W\"")
        );
    }

    #[test]
    fn a_field_not_written_out_is_placed_at_what_holds_it() {
        assert_eq!(
            at("document[1].provenance.authors[1].name"),
            Some("\"Ada\"")
        );
        assert_eq!(at("document[1].title"), Some("[[document]]"));
        assert_eq!(
            at("document[2].contested.disputed_by[1]"),
            Some("[[document.contested.disputed_by]]")
        );
        assert_eq!(at("collection.title"), None);
        assert_eq!(at("document[1].provenance[x"), None);
    }

    #[test]
    fn paths_are_keys_and_1_based_indexes() {
        use Step::{Index, Key};
        assert_eq!(
            steps("document[2].authors[1].name"),
            Some(vec![
                Key("document"),
                Index(1),
                Key("authors"),
                Index(0),
                Key("name")
            ])
        );
        for bad in ["", "a..b", "a[0]", "a[x]", "a[1", "[1]"] {
            assert_eq!(steps(bad), None, "{bad}");
        }
    }
}
