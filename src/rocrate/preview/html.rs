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
/// element content and quoted attribute values alike.
pub(super) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
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
}
