//! The header row: which column each position holds.

use std::path::Path;
use std::str::FromStr;

use super::byte_order_mark_in;
use crate::error::{RecordError, RecordErrors};
use crate::import::csv_format::Column;

/// The header: which column each position holds. A column whose header
/// is empty, as a spreadsheet program saves a column formatted but never
/// filled, holds none: a value in it is an error of its row.
pub(super) struct Columns {
    pub(super) by_position: Vec<Option<Column>>,
}

impl Columns {
    pub(super) fn read(
        header: &csv::StringRecord,
        line: usize,
        file: &Path,
    ) -> Result<Columns, RecordErrors> {
        let mut by_position = Vec::new();
        let mut errors = Vec::new();
        let error = |column: usize, field: &str, message: String| RecordError {
            file: file.to_path_buf(),
            line: Some(line),
            column: Some(column),
            field: field.to_string(),
            message,
        };
        for (position, name) in header.iter().enumerate() {
            // Said, then read without: the column is still known.
            let without_mark = name.replace('\u{feff}', "");
            if without_mark.len() < name.len() {
                let message = byte_order_mark_in(name, false).into();
                errors.push(error(position + 1, without_mark.trim(), message));
            }
            let name = without_mark.trim();
            if name.is_empty() {
                by_position.push(None);
                continue;
            }
            match Column::from_str(name) {
                Ok(column) if !column.is_repeatable() && by_position.contains(&Some(column)) => {
                    errors.push(error(
                        position + 1,
                        name,
                        format!("{name} appears twice, but it is not repeatable"),
                    ));
                }
                Ok(column) => by_position.push(Some(column)),
                Err(_) => errors.push(error(
                    position + 1,
                    name,
                    match not_comma_separated(name) {
                        Some(hint) => format!("unknown column {name:?}: {hint}"),
                        None => format!(
                            "unknown column {name:?}: corpack has no field for it (columns: {})",
                            Column::all_headers()
                        ),
                    },
                )),
            }
        }
        for required in [Column::Filename, Column::Title] {
            if !by_position.contains(&Some(required)) {
                errors.push(error(
                    1,
                    required.header(),
                    format!("no {} column", required.header()),
                ));
            }
        }
        if errors.is_empty() {
            Ok(Columns { by_position })
        } else {
            Err(RecordErrors(errors))
        }
    }

    /// The header of the column at `position` (0-based), or nothing for
    /// one without a known header: the field of an error there.
    pub(super) fn field_at(&self, position: usize) -> String {
        (self.by_position.get(position).copied().flatten())
            .map_or_else(String::new, |column| column.header().to_string())
    }

    /// The 1-based position of the first column of this kind.
    pub(super) fn position(&self, column: Column) -> Option<usize> {
        self.by_position
            .iter()
            .position(|&c| c == Some(column))
            .map(|p| p + 1)
    }
}

/// What to do with a header cell that shows the file is not CSV separated
/// by commas, as spreadsheets in many locales save it: Excel's separator
/// line (`sep=;`), or the whole header in one cell, split by `;` or a tab.
fn not_comma_separated(name: &str) -> Option<String> {
    if name.to_ascii_lowercase().starts_with("sep=") {
        return Some(
            "the first line is Excel's separator line: delete it (corpack reads CSV separated \
             by commas)"
                .into(),
        );
    }
    let separator = [';', '\t'].into_iter().find(|&separator| {
        name.split(separator)
            .any(|cell| Column::from_str(cell.trim()).is_ok())
    })?;
    Some(format!(
        "the header is separated by {separator:?}, not by commas: save the file as CSV \
         separated by commas (in Excel: CSV UTF-8)"
    ))
}

#[cfg(test)]
mod tests {
    use crate::import::csv::testutil::located;

    #[test]
    fn bad_headers_are_errors_on_the_header_s_line() {
        let (places, messages) = located("filename,dc.subject,dc.title,dc.date,dc.date\n");
        assert_eq!(
            places,
            [
                (1, Some(2), "dc.subject".to_string()),
                (1, Some(5), "dc.date".to_string())
            ]
        );
        assert!(messages[0].contains("unknown column \"dc.subject\""));
        assert!(messages[1].contains("not repeatable"));
        // Columns without a header are left out, not unknown.
        let (places, _) = located("filename,,dc.title, ,dc.subject\n");
        assert_eq!(places, [(1, Some(5), "dc.subject".to_string())]);
        let (places, _) = located("dc.identifier\n");
        assert_eq!(
            places,
            [
                (1, Some(1), "filename".into()),
                (1, Some(1), "dc.title".into())
            ]
        );
    }

    #[test]
    fn a_header_not_separated_by_commas_says_so() {
        // As spreadsheets save CSV in locales whose decimal mark is a comma.
        let (_, messages) = located("sep=;\nfilename;dc.title\n");
        assert!(
            messages[0].contains("the first line is Excel's separator line: delete it"),
            "{messages:?}"
        );
        for header in ["filename;dc.title\n", "filename\tdc.title\n"] {
            let (_, messages) = located(header);
            assert!(
                messages[0].contains("not by commas: save the file as CSV separated by commas"),
                "{header:?}: {messages:?}"
            );
        }
        let (_, messages) = located("filename,dc.title,colour\n");
        assert!(messages[0].contains("corpack has no field for it"));
    }
}
