//! Tag files: `bagit.txt`, `bag-info.txt` and other `Label: value` files.

use std::fmt::Write;

pub use super::text::split_lines;

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
    /// become single spaces, so the element stays one line, also to readers
    /// in Python (bagit-python, bdbag), which end a line at U+001C to U+001E
    /// as well and take U+001F for white space.
    pub fn push(&mut self, label: &str, value: &str) {
        let value = value
            .split(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
            .filter(|word| !word.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
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

    /// Adds one line of the file. A line that starts with white space
    /// continues the previous value; blank lines are skipped. With `strict`
    /// (BagIt 1.0, RFC 8493 §2.2.2) an element is a label, a colon, one
    /// space or tab and the value, which may start with more; older
    /// versions allow white space before the colon too. White space around
    /// a value is dropped.
    pub fn push_line(&mut self, line: &str, strict: bool) -> Result<(), String> {
        if line.trim().is_empty() {
            return Ok(());
        }
        if line.starts_with([' ', '\t']) {
            let Some((_, value)) = self.elements.last_mut() else {
                return Err("a continuation line comes before any label".into());
            };
            if !value.is_empty() {
                value.push(' ');
            }
            value.push_str(line.trim());
            return Ok(());
        }
        let (label, value) = parse_element(line, strict)?;
        self.elements.push((label.to_string(), value.to_string()));
        Ok(())
    }
}

/// Splits `Label: value` into its label and value.
fn parse_element(line: &str, strict: bool) -> Result<(&str, &str), String> {
    let Some((label, value)) = line.split_once(':') else {
        return Err(format!("expected `Label: value`, found {line:?}"));
    };
    if label.trim().is_empty() {
        return Err(format!("the element has no label: {line:?}"));
    }
    if !strict {
        return Ok((label.trim(), value.trim()));
    }
    if label.ends_with([' ', '\t']) {
        return Err(format!(
            "white space before the colon in {line:?} (allowed only before BagIt 1.0)"
        ));
    }
    // What follows the one space or tab is the value, white space and all:
    // §2.2.2 does not forbid a value that starts with it.
    let value = match value.strip_prefix([' ', '\t']) {
        Some(value) => value,
        None if value.is_empty() => value,
        None => return Err(format!("no space after the colon in {line:?}")),
    };
    Ok((label, value.trim()))
}

/// A line of a tag file that is not an element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagFileError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Parses a tag file's decoded text, tolerating white space around the
/// colon as readers of every BagIt version must.
pub fn parse(text: &str) -> Result<TagFile, TagFileError> {
    let mut tags = TagFile::default();
    for (index, line) in split_lines(text).enumerate() {
        tags.push_line(line, false)
            .map_err(|message| TagFileError {
                line: index + 1,
                message,
            })?;
    }
    Ok(tags)
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
    fn bagit_1_0_asks_for_a_space_or_tab_after_the_colon_and_none_before() {
        let strict = |line: &str| {
            let mut tags = TagFile::default();
            tags.push_line(line, true)
                .map(|()| tags.elements[0].clone())
        };
        assert_eq!(
            strict("Label: value").unwrap(),
            ("Label".into(), "value".into())
        );
        assert_eq!(strict("Label:\tvalue ").unwrap().1, "value");
        assert_eq!(strict("Label:").unwrap().1, "");
        assert_eq!(strict("Two Words: v").unwrap().0, "Two Words");
        assert_eq!(strict("Label:  value").unwrap().1, "value");
        assert_eq!(strict("Label:\t \tvalue").unwrap().1, "value");
        for bad in [
            "Label : value",
            "Label\t: value",
            "Label:value",
            " Label: v",
        ] {
            assert!(strict(bad).is_err(), "{bad:?} accepted");
        }
        let mut lenient = TagFile::default();
        lenient.push_line("Label  :   value", false).unwrap();
        assert_eq!(lenient.get("label"), Some("value"));
    }

    #[test]
    fn push_keeps_values_on_one_line() {
        let mut tags = TagFile::default();
        tags.push("External-Description", "two\nlines  here");
        assert_eq!(tags.to_text(), "External-Description: two lines here\n");
        let mut tags = TagFile::default();
        tags.push("Title", "a\u{1c}b\u{1d} c\u{1e}d\u{1f}e\u{2028}f");
        assert_eq!(tags.to_text(), "Title: a b c d e f\n");
        assert_eq!(parse(&tags.to_text()).unwrap(), tags);
    }
}
