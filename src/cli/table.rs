//! Plain-text tables for people.

use corpack::finding::escape_controls;
use corpack::rocrate::DocumentSummary;

/// One line per document: whether it is held, its contested status, date,
/// authors and title, in aligned columns. Control characters, which a
/// hand-made bundle's records may hold, are shown escaped: a line break
/// would break the table, an escape sequence would reach the terminal.
pub fn documents(documents: &[DocumentSummary]) -> String {
    let header = ["ID", "HELD", "STATUS", "DATE", "AUTHORS", "TITLE"].map(String::from);
    let mut rows = vec![header];
    for document in documents {
        let status = match &document.status {
            Some(status) if document.aspects.is_empty() => status.to_string(),
            Some(status) => {
                let aspects: Vec<String> = document.aspects.iter().map(|a| a.to_string()).collect();
                format!("{status} ({})", aspects.join(", "))
            }
            None => "-".to_string(),
        };
        rows.push(
            [
                document.id.clone(),
                if document.is_held() {
                    "held"
                } else {
                    "not held"
                }
                .to_string(),
                status,
                document.date.clone().unwrap_or_else(|| "-".into()),
                if document.authors.is_empty() {
                    "-".into()
                } else {
                    document.authors.join("; ")
                },
                document.title.clone().unwrap_or_default(),
            ]
            .map(|cell| escape_controls(&cell).into_owned()),
        );
    }
    let columns = rows[0].len();
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut text = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            if c + 1 == columns {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(widths[c] - cell.chars().count() + 2));
            }
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}
