//! Tag files: `bagit.txt`, `bag-info.txt` and other `Label: value` files.

use std::fmt::Write;

/// The elements of a tag file, in order; labels may repeat.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TagFile {
    /// `(label, value)` pairs as they appear.
    pub elements: Vec<(String, String)>,
}

impl TagFile {
    /// The first value of `label`, compared without regard to case as
    /// RFC 8493 §2.2.2 asks of reserved labels.
    pub fn get(&self, label: &str) -> Option<&str> {
        self.elements
            .iter()
            .find(|(l, _)| l.eq_ignore_ascii_case(label))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `label`.
    pub fn get_all<'a>(&'a self, label: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.elements
            .iter()
            .filter(move |(l, _)| l.eq_ignore_ascii_case(label))
            .map(|(_, v)| v.as_str())
    }

    /// Appends an element. Line breaks and runs of white space in the value
    /// become single spaces, so the element stays one line.
    pub fn push(&mut self, label: &str, value: &str) {
        let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
        self.elements.push((label.to_string(), value));
    }

    /// The file's text, one `Label: value` line each, LF-terminated.
    pub fn to_text(&self) -> String {
        let mut text = String::new();
        for (label, value) in &self.elements {
            writeln!(text, "{label}: {value}").expect("writing to a String");
        }
        text
    }
}

/// A line of a tag file that is not an element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagFileError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Parses a tag file's decoded text. Lines that start with white space
/// continue the previous value (RFC 8493 §2.2.2); blank lines are skipped.
pub fn parse(text: &str) -> Result<TagFile, TagFileError> {
    let mut tags = TagFile::default();
    for (index, line) in split_lines(text).enumerate() {
        let number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            match tags.elements.last_mut() {
                Some((_, value)) => {
                    value.push(' ');
                    value.push_str(line.trim());
                }
                None => {
                    return Err(TagFileError {
                        line: number,
                        message: "a continuation line comes before any label".into(),
                    });
                }
            }
            continue;
        }
        match line.split_once(':') {
            Some((label, value)) if !label.trim().is_empty() => {
                tags.elements
                    .push((label.trim().to_string(), value.trim().to_string()));
            }
            _ => {
                return Err(TagFileError {
                    line: number,
                    message: format!("expected `Label: value`, found {line:?}"),
                });
            }
        }
    }
    Ok(tags)
}

/// Decodes a tag file's bytes in the encoding `Tag-File-Character-Encoding`
/// names. UTF-16 needs its byte-order mark; ISO-8859-1 maps each byte to the
/// code point of the same value.
pub fn decode(bytes: &[u8], encoding: &str) -> Result<String, String> {
    let label = encoding.trim().to_ascii_lowercase();
    match label.as_str() {
        "utf-8" | "utf8" => {
            String::from_utf8(bytes.to_vec()).map_err(|error| format!("not valid UTF-8: {error}"))
        }
        "iso-8859-1" | "iso8859-1" | "latin1" | "latin-1" | "l1" => {
            Ok(bytes.iter().map(|&b| char::from(b)).collect())
        }
        _ => {
            let named = encoding_rs::Encoding::for_label(label.as_bytes())
                .ok_or_else(|| format!("unknown Tag-File-Character-Encoding {encoding:?}"))?;
            let (decoded, used, had_errors) = named.decode(bytes);
            if had_errors {
                return Err(format!("not valid {}", used.name()));
            }
            Ok(decoded.into_owned())
        }
    }
}

/// Splits on LF, CR or CRLF, the three line endings BagIt allows.
pub fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        match rest.find(['\r', '\n']) {
            Some(end) => {
                let line = &rest[..end];
                let skip = if rest[end..].starts_with("\r\n") {
                    2
                } else {
                    1
                };
                rest = &rest[end + skip..];
                Some(line)
            }
            None => {
                let line = rest;
                rest = "";
                Some(line)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_labels_continuations_and_line_endings() {
        let text = "Source-Organization: Somewhere\r\nExternal-Description: one\r\n  two\rBag-Size: 1 KB\n";
        let tags = parse(text).unwrap();
        assert_eq!(tags.get("source-organization"), Some("Somewhere"));
        assert_eq!(tags.get("External-Description"), Some("one two"));
        assert_eq!(tags.get("Bag-Size"), Some("1 KB"));
    }

    #[test]
    fn keeps_repeated_labels() {
        let tags = parse("Contact-Name: A\nContact-Name: B\n").unwrap();
        assert_eq!(tags.get_all("Contact-Name").collect::<Vec<_>>(), ["A", "B"]);
    }

    #[test]
    fn rejects_lines_without_a_label() {
        assert_eq!(parse("Good: yes\nno colon here\n").unwrap_err().line, 2);
        assert_eq!(parse("  leading continuation\n").unwrap_err().line, 1);
        assert!(parse(": empty label\n").is_err());
    }

    #[test]
    fn decodes_the_encodings_bagit_names() {
        assert_eq!(decode("é".as_bytes(), "UTF-8").unwrap(), "é");
        assert!(decode(&[0xff], "UTF-8").is_err());
        assert_eq!(decode(&[0xe9, 0x80], "ISO-8859-1").unwrap(), "\u{e9}\u{80}");
        assert_eq!(decode(&[0xff, 0xfe, b'a', 0], "UTF-16").unwrap(), "a");
        assert_eq!(decode(&[0xfe, 0xff, 0, b'a'], "UTF-16").unwrap(), "a");
        assert!(decode(b"x", "EBCDIC-nonsense").is_err());
    }

    #[test]
    fn push_keeps_values_on_one_line() {
        let mut tags = TagFile::default();
        tags.push("External-Description", "two\nlines  here");
        assert_eq!(tags.to_text(), "External-Description: two lines here\n");
        assert_eq!(parse(&tags.to_text()).unwrap(), tags);
    }
}
