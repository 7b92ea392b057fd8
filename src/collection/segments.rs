//! Finding the top-level tables of `collection.toml` line by line, without
//! parsing it, so that each `[[document]]` can be parsed on its own and a
//! collection of any size is never parsed, or held, whole.
//!
//! A line whose first non-blank character is `[` is a table header unless
//! it is inside a multi-line string or a multi-line array or inline table;
//! [`Scanner`] follows strings, comments and brackets across lines to tell.
//! It only classifies: whatever it cannot classify is
//! [`Header::Other`], and the caller then parses the file whole, so that
//! TOML's own rules (and error messages) decide.

/// What a table header opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Header {
    /// `[collection]`.
    Collection,
    /// `[[document]]`: the next document.
    Document,
    /// `[document.…]` or `[[document.…]]`: a table of the last document.
    DocumentPart,
    /// Any other header, or one that does not read as a header.
    Other,
}

/// What a line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Line {
    /// A table header.
    Header(Header),
    /// Nothing but white space and a comment, outside any value.
    Blank,
    /// Part of a key/value pair, or of a multi-line value.
    Content,
}

/// Where the scanner is between lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum State {
    /// Outside any string.
    #[default]
    Code,
    /// Inside a `"""` string.
    MultiLineBasic,
    /// Inside a `'''` string.
    MultiLineLiteral,
}

/// Follows a TOML text a line at a time.
#[derive(Debug, Default)]
pub(super) struct Scanner {
    state: State,
    /// How many arrays and inline tables are open.
    depth: usize,
}

impl Scanner {
    /// Whether the next line begins inside a value: a multi-line string,
    /// array or inline table.
    pub(super) fn in_value(&self) -> bool {
        self.state != State::Code || self.depth > 0
    }

    /// Classifies `line` (without its line break) and moves past it.
    pub(super) fn line(&mut self, line: &str) -> Line {
        if self.state == State::Code && self.depth == 0 {
            let start = line.trim_start_matches([' ', '\t']);
            if start.starts_with('[') {
                return Line::Header(classify(start));
            }
            if start.is_empty() || start.starts_with('#') {
                return Line::Blank;
            }
        }
        self.scan(line.as_bytes());
        Line::Content
    }

    /// Follows strings and brackets through `bytes`.
    fn scan(&mut self, bytes: &[u8]) {
        let mut i = 0;
        while i < bytes.len() {
            match self.state {
                State::MultiLineBasic | State::MultiLineLiteral => {
                    let quote = if self.state == State::MultiLineBasic {
                        b'"'
                    } else {
                        b'\''
                    };
                    if quote == b'"' && bytes[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    let run = run_of(bytes, i, quote);
                    if run >= 3 {
                        // Up to two quotes before the closing three are
                        // part of the string.
                        self.state = State::Code;
                        i += run.min(5);
                    } else {
                        i += run.max(1);
                    }
                }
                State::Code => match bytes[i] {
                    b'#' => return,
                    quote @ (b'"' | b'\'') => {
                        if run_of(bytes, i, quote) >= 3 {
                            self.state = if quote == b'"' {
                                State::MultiLineBasic
                            } else {
                                State::MultiLineLiteral
                            };
                            i += 3;
                        } else {
                            i = end_of_string(bytes, i + 1, quote);
                        }
                    }
                    b'[' | b'{' => {
                        self.depth += 1;
                        i += 1;
                    }
                    b']' | b'}' => {
                        self.depth = self.depth.saturating_sub(1);
                        i += 1;
                    }
                    _ => i += 1,
                },
            }
        }
    }
}

/// How many `quote` bytes start at `i`.
fn run_of(bytes: &[u8], i: usize, quote: u8) -> usize {
    bytes[i..].iter().take_while(|&&b| b == quote).count()
}

/// Where a one-line string whose content starts at `i` ends: just past its
/// closing quote, or at the end of the line if it has none.
fn end_of_string(bytes: &[u8], mut i: usize, quote: u8) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Classifies a header line, given from its `[`.
fn classify(line: &str) -> Header {
    let Some((array, keys)) = header_keys(line) else {
        return Header::Other;
    };
    match (array, keys.as_slice()) {
        (false, ["collection"]) => Header::Collection,
        (true, ["document"]) => Header::Document,
        (_, ["document", _, ..]) => Header::DocumentPart,
        _ => Header::Other,
    }
}

/// The keys of a header line (`[a.b]` or `[[a."b"]]`), and whether it
/// opens an array of tables; `None` unless it is plainly a header.
pub(super) fn header_keys(line: &str) -> Option<(bool, Vec<&str>)> {
    let array = line.starts_with("[[");
    let mut rest = &line[if array { 2 } else { 1 }..];
    let mut keys = Vec::new();
    loop {
        rest = rest.trim_start_matches([' ', '\t']);
        let (key, after) = key(rest)?;
        keys.push(key);
        rest = after.trim_start_matches([' ', '\t']);
        match rest.strip_prefix('.') {
            Some(after) => rest = after,
            None => break,
        }
    }
    rest = rest.strip_prefix(if array { "]]" } else { "]" })?;
    let rest = rest.trim_start_matches([' ', '\t']);
    (rest.is_empty() || rest.starts_with('#')).then_some((array, keys))
}

/// A bare or quoted key at the start of `text`, and what follows it. A
/// quoted key with escapes is not read (its header is then `Other`).
pub(super) fn key(text: &str) -> Option<(&str, &str)> {
    let bare = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    match text.chars().next()? {
        quote @ ('"' | '\'') => {
            let body = &text[1..];
            let end = body.find(quote)?;
            let key = &body[..end];
            (quote == '\'' || !key.contains('\\')).then_some((key, &body[end + 1..]))
        }
        c if bare(c) => {
            let end = text.find(|c: char| !bare(c)).unwrap_or(text.len());
            Some((&text[..end], &text[end..]))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Line> {
        let mut scanner = Scanner::default();
        text.lines().map(|line| scanner.line(line)).collect()
    }

    #[test]
    fn headers_are_classified() {
        let cases = [
            ("[collection]", Header::Collection),
            ("  [ collection ] # the collection", Header::Collection),
            ("[\"collection\"]", Header::Collection),
            ("[[document]]", Header::Document),
            ("\t[[ 'document' ]]", Header::Document),
            ("[document.provenance]", Header::DocumentPart),
            (
                "[[document . \"provenance\" . authors]]",
                Header::DocumentPart,
            ),
            ("[document]", Header::Other),
            ("[[collection]]", Header::Other),
            ("[collection.extra]", Header::Other),
            ("[other]", Header::Other),
            ("[[document]] trailing", Header::Other),
            ("[\"docu\\u006dent\"]", Header::Other),
            ("[document", Header::Other),
        ];
        for (line, header) in cases {
            assert_eq!(kinds(line), [Line::Header(header)], "{line}");
        }
    }

    #[test]
    fn brackets_inside_values_and_strings_are_not_headers() {
        let text = "\
a = [
[1, 2],
  [3]
]
b = \"\"\"
[[document]]
\"\"\"
c = '''
[collection]'''
d = { x = \"]\", y = '[' }
e = \"\\\"\"
[[document]]
# [collection]
";
        assert_eq!(
            kinds(text),
            [
                Line::Content,
                Line::Content,
                Line::Content,
                Line::Content,
                Line::Content,
                Line::Content,
                Line::Content,
                Line::Content,
                Line::Content,
                Line::Content,
                Line::Content,
                Line::Header(Header::Document),
                Line::Blank,
            ]
        );
    }

    #[test]
    fn quotes_before_the_closing_three_stay_in_the_string() {
        let text = "a = \"\"\"x\"\"\"\"\"\nb = '''y'''''\n[[document]]";
        assert_eq!(
            kinds(text),
            [Line::Content, Line::Content, Line::Header(Header::Document)]
        );
    }

    #[test]
    fn escapes_do_not_close_multi_line_strings() {
        let text = "a = \"\"\"x\\\"\"\"\n[[document]]\n\"\"\"\n[[document]]";
        assert_eq!(
            kinds(text),
            [
                Line::Content,
                Line::Content,
                Line::Content,
                Line::Header(Header::Document)
            ]
        );
    }
}
