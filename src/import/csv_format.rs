//! The CSV form of a collection, shared by `import csv` and `export csv`:
//! its columns, and the syntax of cells that hold a person (or an
//! organization), a place or a work.
//!
//! It follows Archivematica's `metadata.csv`: a header row, a `filename`
//! column (a leading `objects/` is dropped), Dublin Core columns `dc.*`,
//! and a column repeated under the same header for each value of a
//! repeatable field. corpack adds columns for what Dublin Core lacks. A row
//! whose `filename` is `objects` (or `objects/`) describes the collection
//! as a whole, as Archivematica's row for a directory describes it.
//!
//! A cell that holds a person or organization, place or work is its name,
//! then optional `key=value` parts, each after a `|`:
//!
//! ```text
//! Josiah Carberry | role=transcriber | orcid=0000-0002-1825-0097
//! UNESCO | type=organization | role=editor | wikidata=Q7809
//! Lucas Arms, Grays Inn Road, London | geonames=2643743
//! Timothy Snyder, Bloodlands, 2010 | type=book | doi=10.1000/182
//! Letter to the editor, 12 March 1938 | document=rebuttal-1938
//! | document=rebuttal-1938
//! ```
//!
//! A work that is a document of the collection may go without a citation:
//! its cell is its `document` part alone.
//!
//! White space around parts is dropped; a `|` or `\` inside a name is
//! written `\|` or `\\` (another `\` stands for itself).

use strum::{EnumIter, EnumString, IntoEnumIterator, IntoStaticStr};

/// The prefix Archivematica gives file names (the transfer's `objects/`).
pub const OBJECTS_PREFIX: &str = "objects/";

/// Whether a `filename` names the collection row.
pub fn is_collection_row(filename: &str) -> bool {
    filename == "objects" || filename == "objects/"
}

/// A column, by its header. The order is the order `export csv` writes.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, EnumIter, EnumString, IntoStaticStr,
)]
pub enum Column {
    /// The document's file; `objects` for the collection row.
    #[strum(serialize = "filename")]
    Filename,
    /// The document id; the collection id in the collection row.
    #[strum(serialize = "dc.identifier")]
    Identifier,
    /// The title, of the document or the collection.
    #[strum(serialize = "dc.title")]
    Title,
    /// A person or organization who made it (roles author and speaker).
    #[strum(serialize = "dc.creator")]
    Creator,
    /// A person or organization who contributed (roles editor,
    /// translator, transcriber, interviewer).
    #[strum(serialize = "dc.contributor")]
    Contributor,
    /// `provenance.date` (EDTF); the collection's date (YYYY-MM-DD) in the
    /// collection row.
    #[strum(serialize = "dc.date")]
    Date,
    /// `provenance.date_note`.
    #[strum(serialize = "date_note")]
    DateNote,
    /// `language`.
    #[strum(serialize = "dc.language")]
    Language,
    /// `media_type`.
    #[strum(serialize = "dc.format")]
    Format,
    /// `provenance.origin`.
    #[strum(serialize = "dc.source")]
    Source,
    /// `provenance.venue`.
    #[strum(serialize = "venue")]
    Venue,
    /// `provenance.event`.
    #[strum(serialize = "event")]
    Event,
    /// `provenance.publisher`; `source_organization` in the collection row.
    #[strum(serialize = "dc.publisher")]
    Publisher,
    /// `provenance.context`; the collection's description in the
    /// collection row.
    #[strum(serialize = "dc.description")]
    Description,
    /// Another name of `dc.description` (corpack's).
    #[strum(serialize = "context")]
    Context,
    /// `rights`.
    #[strum(serialize = "dc.rights")]
    Rights,
    /// `license`; the collection's licence in the collection row.
    #[strum(serialize = "dcterms.license")]
    License,
    /// `sha256`.
    #[strum(serialize = "sha256")]
    Sha256,
    /// `contested.status`.
    #[strum(serialize = "contested.status")]
    Status,
    /// `contested.aspects`, comma-separated.
    #[strum(serialize = "contested.aspects")]
    Aspects,
    /// `contested.summary`.
    #[strum(serialize = "contested.summary")]
    Summary,
    /// A work that disputes it.
    #[strum(serialize = "contested.disputed_by")]
    DisputedBy,
    /// `contested.assessed_by`.
    #[strum(serialize = "contested.assessed_by")]
    AssessedBy,
    /// `contested.assessed_on`.
    #[strum(serialize = "contested.assessed_on")]
    AssessedOn,
    /// `contact_name`, in the collection row only.
    #[strum(serialize = "contact.name")]
    ContactName,
    /// `contact_email`, in the collection row only.
    #[strum(serialize = "contact.email")]
    ContactEmail,
}

impl Column {
    /// The header.
    pub fn header(self) -> &'static str {
        self.into()
    }

    /// Whether the column may appear several times.
    pub fn is_repeatable(self) -> bool {
        matches!(
            self,
            Column::Creator | Column::Contributor | Column::DisputedBy
        )
    }

    /// The columns a document row may fill.
    pub fn for_documents(self) -> bool {
        !matches!(self, Column::ContactName | Column::ContactEmail)
    }

    /// The columns the collection row may fill.
    pub fn for_collection(self) -> bool {
        matches!(
            self,
            Column::Filename
                | Column::Identifier
                | Column::Title
                | Column::Date
                | Column::Publisher
                | Column::Description
                | Column::License
                | Column::ContactName
                | Column::ContactEmail
        )
    }

    /// Every header, for error messages.
    pub fn all_headers() -> String {
        Column::iter()
            .map(Column::header)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A cell split into its name and `key=value` parts (see the module docs).
#[derive(Debug, PartialEq, Eq)]
pub struct StructuredCell {
    /// The name, citation or person.
    pub name: String,
    /// The `key=value` parts, in order.
    pub parts: Vec<(String, String)>,
}

impl StructuredCell {
    /// Reads a cell; `keys` are the keys it may have.
    pub fn parse(cell: &str, keys: &[&str]) -> Result<StructuredCell, String> {
        let parsed = StructuredCell::parse_unnamed(cell, keys)?;
        if parsed.name.is_empty() {
            return Err(format!("{cell:?} has no name before its first |"));
        }
        Ok(parsed)
    }

    /// Reads a cell that may have no name, only parts; `keys` are the keys
    /// it may have.
    pub fn parse_unnamed(cell: &str, keys: &[&str]) -> Result<StructuredCell, String> {
        let mut pieces = split_unescaped(cell).into_iter();
        let name = pieces.next().unwrap_or_default();
        let mut parts: Vec<(String, String)> = Vec::new();
        for piece in pieces {
            let Some((key, value)) = piece.split_once('=') else {
                return Err(format!(
                    "{piece:?} is not key=value (keys: {})",
                    keys.join(", ")
                ));
            };
            let (key, value) = (key.trim(), value.trim());
            if !keys.contains(&key) {
                return Err(format!("unknown key {key:?} (keys: {})", keys.join(", ")));
            }
            if parts.iter().any(|(k, _)| k == key) {
                return Err(format!("{key} is given twice"));
            }
            parts.push((key.to_string(), value.to_string()));
        }
        Ok(StructuredCell { name, parts })
    }

    /// The value of `key`, if given.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.parts
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The cell's text: the name, then ` | key=value` for each part, with
    /// `|` and `\` escaped; with no name, `| key=value` first.
    pub fn write(name: &str, parts: &[(&str, String)]) -> String {
        let mut cell = escape(name);
        for (key, value) in parts {
            let separator = if cell.is_empty() { "| " } else { " | " };
            cell.push_str(&format!("{separator}{key}={}", escape(value)));
        }
        cell
    }
}

/// `text` with `|` and `\` written `\|` and `\\`.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '|' || c == '\\' {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// Splits at every `|` not written `\|`, undoes the escapes, and trims
/// each piece.
fn split_unescaped(cell: &str) -> Vec<String> {
    let mut pieces = vec![String::new()];
    let mut chars = cell.chars().peekable();
    while let Some(c) = chars.next() {
        let piece = pieces.last_mut().expect("never empty");
        match c {
            '\\' if matches!(chars.peek(), Some('|' | '\\')) => {
                piece.push(chars.next().expect("peeked"));
            }
            '|' => pieces.push(String::new()),
            c => piece.push(c),
        }
    }
    pieces
        .iter()
        .map(|piece| piece.trim().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn headers_read_back() {
        for column in Column::iter() {
            assert_eq!(column.header().parse::<Column>(), Ok(column));
        }
        assert!("dc.subject".parse::<Column>().is_err());
    }

    #[test]
    fn structured_cells() {
        let cell = StructuredCell::parse(
            " Josiah Carberry |role=transcriber| orcid = 0000-0002-1825-0097 ",
            &["role", "orcid", "wikidata"],
        )
        .unwrap();
        assert_eq!(cell.name, "Josiah Carberry");
        assert_eq!(cell.get("role"), Some("transcriber"));
        assert_eq!(cell.get("orcid"), Some("0000-0002-1825-0097"));
        assert_eq!(cell.get("wikidata"), None);
        let plain = StructuredCell::parse(r"C:\temp, A \| B \\ C", &[]).unwrap();
        assert_eq!(plain.name, r"C:\temp, A | B \ C");
        for (bad, expected) in [
            ("| role=editor", "no name"),
            ("A | editor", "not key=value"),
            ("A | rank=1", "unknown key \"rank\""),
            ("A | role=a | role=b", "given twice"),
        ] {
            let error = StructuredCell::parse(bad, &["role"]).unwrap_err();
            assert!(error.contains(expected), "{bad}: {error}");
        }
    }

    #[test]
    fn a_cell_without_a_name_is_its_parts() {
        let text = StructuredCell::write("", &[("document", "rebuttal-1938".into())]);
        assert_eq!(text, "| document=rebuttal-1938");
        let cell = StructuredCell::parse_unnamed(&text, &["document"]).unwrap();
        assert_eq!(cell.name, "");
        assert_eq!(cell.get("document"), Some("rebuttal-1938"));
        let error = StructuredCell::parse(&text, &["document"]).unwrap_err();
        assert!(error.contains("no name"), "{error}");
    }

    proptest! {
        #[test]
        fn a_written_cell_reads_back(
            name in "[^\\s]([^\\n]{0,20}[^\\s])?",
            value in "[a-z0-9:/.-]{1,10}",
        ) {
            let text = StructuredCell::write(&name, &[("url", value.clone())]);
            let cell = StructuredCell::parse(&text, &["url"]).map_err(TestCaseError::fail)?;
            prop_assert_eq!(&cell.name, &name);
            prop_assert_eq!(cell.get("url"), Some(value.as_str()));
        }
    }
}
