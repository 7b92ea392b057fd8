//! Which line of the file each record starts on, for errors to name.

/// The line of the file each record starts on, counted as the records are
/// read, in order. The csv crate places a record where the reader stood
/// before it skipped the blank lines ahead of it (and the `\n` of the
/// `\r\n` ending the record before), and counts `\n`s only, though a lone
/// `\r` ends a line, and a record, too.
pub(super) struct RecordLines<'t> {
    pub(super) text: &'t [u8],
    /// How many bytes are counted, and the line they end on.
    pub(super) counted: usize,
    pub(super) line: usize,
}

impl RecordLines<'_> {
    /// The line of the record read from `position` on (without one, the
    /// line counted to).
    pub(super) fn of(&mut self, position: Option<&csv::Position>) -> usize {
        let from = position
            .map_or(self.counted, |p| {
                usize::try_from(p.byte()).unwrap_or(usize::MAX)
            })
            .clamp(self.counted, self.text.len());
        let ends = |b: &u8| matches!(b, b'\r' | b'\n');
        let start = from + self.text[from..].iter().take_while(|b| ends(b)).count();
        for at in self.counted..start {
            let ends_line = match self.text[at] {
                b'\n' => true,
                b'\r' => self.text.get(at + 1) != Some(&b'\n'),
                _ => false,
            };
            self.line += usize::from(ends_line);
        }
        self.counted = start;
        self.line
    }
}

#[cfg(test)]
mod tests {
    use crate::import::csv::testutil::{COLLECTION_ROW, HEADER, located};

    #[test]
    fn an_error_names_the_line_its_record_starts_on() {
        // Blank lines, a cell holding a line break, and each line end a
        // spreadsheet may write: records are not lines.
        let template = format!(
            "\n{HEADER}\n\n{COLLECTION_ROW}\n\
             a.txt,a,\"A\nletter\",,,1937-13\n\nb.txt,b,B,,,June\n"
        );
        for end in ["\n", "\r\n", "\r"] {
            let (places, messages) = located(&template.replace('\n', end));
            assert_eq!(
                places,
                [
                    (5, Some(6), "dc.date".to_string()),
                    (8, Some(6), "dc.date".to_string()),
                ],
                "{end:?}"
            );
            assert!(messages[0].starts_with("invalid EDTF date"), "{messages:?}");
            let (places, _) = located(&format!("{end}{end}filename,dc.title,dc.subject{end}"));
            assert_eq!(places, [(3, Some(3), "dc.subject".to_string())], "{end:?}");
        }
    }
}
