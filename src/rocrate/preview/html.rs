//! HTML text: escaping, links, and the terms of a description list.

use std::fmt::Write as _;

use crate::collection::values::License;

pub(super) fn definition(html: &mut String, term: &str, value: &str) {
    let _ = writeln!(html, "<dt>{term}</dt><dd>{value}</dd>");
}

/// `<a href="url">text</a>`, both escaped.
pub(super) fn link(url: &str, text: &str) -> String {
    format!("<a href=\"{}\">{}</a>", escape(url), escape(text))
}

/// The licence as written, linked to the page that states it when there is
/// one.
pub(super) fn license_link(license: &License) -> String {
    match license.page() {
        Some(page) => link(&page, license.as_str()),
        None => escape(license.as_str()),
    }
}

/// ` [<a>label</a>, …]` for the links given, or nothing.
pub(super) fn links(links: impl IntoIterator<Item = (&'static str, String)>) -> String {
    let links: Vec<String> = links
        .into_iter()
        .map(|(label, url)| link(&url, label))
        .collect();
    if links.is_empty() {
        String::new()
    } else {
        format!(" [{}]", links.join(", "))
    }
}

/// `text` with the five characters HTML gives meaning to escaped, for
/// element content and quoted attribute values alike, and each character
/// an HTML 5 document may not hold, even as a reference, written U+FFFD.
pub(super) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c if is_forbidden(c) => escaped.push('\u{FFFD}'),
            c => escaped.push(c),
        }
    }
    escaped
}

/// Whether HTML 5 makes a parse error of `c` in a document: a control
/// character other than ASCII white space (tab, line feed, form feed,
/// carriage return), or a noncharacter (U+FDD0 to U+FDEF, and the last two
/// code points of every plane).
pub(super) fn is_forbidden(c: char) -> bool {
    let code = u32::from(c);
    (c.is_control() && !matches!(c, '\t' | '\n' | '\u{c}' | '\r'))
        || (0xFDD0..=0xFDEF).contains(&code)
        || code & 0xFFFE == 0xFFFE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_the_five_characters() {
        assert_eq!(
            escape(r#"<a href="x">Tom & Jerry's</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
        );
    }

    #[test]
    fn characters_html_forbids_become_replacement_characters() {
        assert_eq!(
            escape("a\u{b}\u{1c}\u{7f}\u{85}\u{9f}\u{fdd0}\u{ffff}\u{10fffe}b"),
            format!("a{}b", "\u{fffd}".repeat(8))
        );
        assert_eq!(
            escape("\t\n\u{c}\r \u{a0}\u{fdf0}\u{fffd}"),
            "\t\n\u{c}\r \u{a0}\u{fdf0}\u{fffd}"
        );
    }
}
