//! Dates in the Extended Date/Time Format (EDTF, ISO 8601-2), levels 0 and 1.
//!
//! Parsing is done by the `edtf` crate; this module keeps the text as written
//! (the record is the archivist's statement, so it is never rewritten) next
//! to the parsed value.

use std::fmt;
use std::str::FromStr;

use edtf::level_1::Edtf;

use crate::collection::values::string_value;

/// An EDTF level 0 or 1 date: `2014-06-20?`, `1937~`, `193X`, `1936/1938`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EdtfDate {
    text: String,
    parsed: Edtf,
}

impl EdtfDate {
    /// The date as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The parsed value.
    pub fn value(&self) -> &Edtf {
        &self.parsed
    }
}

impl FromStr for EdtfDate {
    type Err = String;

    fn from_str(text: &str) -> Result<EdtfDate, String> {
        match Edtf::parse(text) {
            Ok(parsed) => Ok(EdtfDate {
                text: text.to_string(),
                parsed,
            }),
            Err(edtf::ParseError::OutOfRange) => Err(format!(
                "invalid EDTF date {text:?}: a month, day or year is out of range"
            )),
            Err(_) => Err(format!(
                "invalid EDTF date {text:?}: expected EDTF level 0 or 1, \
                 e.g. 2014-06-20, 2014-06-20?, 1937~, 193X, 1936/1938"
            )),
        }
    }
}

string_value!(
    EdtfDate,
    "A date in the Extended Date/Time Format (ISO 8601-2), level 0 or 1: 2014-06-20, 2014-06-20? (uncertain), 1937~ (approximate), 193X (unspecified digit), 1936/1938 (interval), ../1938 (open start).",
    { "minLength": 1 }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_level_0_and_1() {
        for good in [
            "2014-06-20",
            "2014-06-20?",
            "1937~",
            "1937%",
            "193X",
            "19XX",
            "1936/1938",
            "../1938",
            "1938/..",
            "2001-21",
            "1985-04-12T23:20:30Z",
        ] {
            let date: EdtfDate = good.parse().unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(date.as_str(), good);
        }
    }

    #[test]
    fn rejects_invalid_dates() {
        for bad in [
            "",
            "2014-13-01",
            "2019-02-29",
            "June 2014",
            "2014/06/20",
            "14-06-20",
        ] {
            assert!(bad.parse::<EdtfDate>().is_err(), "{bad:?} accepted");
        }
    }
}
