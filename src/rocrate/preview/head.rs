//! The head of the page, with its style and the crate's JSON-LD, and the
//! description of the collection that opens the body.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::flush;
use super::html::{definition, escape, is_forbidden, license_link};
use crate::collection::CollectionInfo;

const STYLE: &str = "\
body{font-family:system-ui,sans-serif;line-height:1.45;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
table{border-collapse:collapse;width:100%;font-size:.95rem}
th,td{border:1px solid #bbb;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#eee}
code{font-size:.85em;word-break:break-all}
dt{font-weight:bold;margin-top:.4rem}
dd{margin-left:1.5rem}
section{border-top:1px solid #bbb;margin-top:1.5rem}
.note{border-left:.3rem solid #b36b00;background:#fff6e5;padding:.5rem 1rem;margin:1rem 0}
.quiet{color:#555;font-size:.9em}
";

/// The page up to its tables: the head, with the JSON-LD that `json`
/// writes, and the collection.
pub(super) fn write_head(
    info: &CollectionInfo,
    json: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut html = String::new();
    let title = escape(&info.title);
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>\n{STYLE}</style>\n\
         <script type=\"application/ld+json\">\n"
    );
    flush(&mut html, out)?;
    let mut script = ScriptText::new(out);
    json(&mut script)?;
    script.finish()?;
    let _ = write!(
        html,
        "</script>\n</head>\n<body>\n<h1>{title}</h1>\n<p>{}</p>\n",
        escape(&info.description)
    );
    write_citation(&mut html, info);
    write_collection(&mut html, info);
    flush(&mut html, out)
}

/// JSON as the text of a `script` element: every `<` written as `\u003c`,
/// the same JSON, so that no text of a record can end the element
/// (`</script>`) or open a comment (`<!--`); and every character HTML 5
/// forbids in a document (see [`is_forbidden`]) written as its JSON escape
/// too, as serde_json writes U+007F to U+009F and the noncharacters as they
/// are. In JSON these can only be inside a string, where the escape means
/// the same character. The JSON comes in pieces that may cut a character:
/// its first bytes wait for the rest.
struct ScriptText<'a> {
    out: &'a mut dyn Write,
    /// The bytes of a character cut at the end of the last piece.
    cut: Vec<u8>,
}

impl<'a> ScriptText<'a> {
    fn new(out: &'a mut dyn Write) -> ScriptText<'a> {
        ScriptText {
            out,
            cut: Vec::new(),
        }
    }

    /// Fails if the JSON ended in the middle of a character.
    fn finish(self) -> io::Result<()> {
        if self.cut.is_empty() {
            Ok(())
        } else {
            let why = "the crate's JSON-LD ends in the middle of a character";
            Err(io::Error::new(io::ErrorKind::InvalidData, why))
        }
    }

    fn write_text(&mut self, text: &str) -> io::Result<()> {
        let bytes = text.as_bytes();
        let mut plain = 0;
        let mut at = 0;
        while at < bytes.len() {
            // Only these bytes start `<` or a character HTML 5 forbids: the
            // ASCII controls and DEL, and the lead bytes of U+0080 to U+009F
            // (0xC2), U+FDD0 to U+FFFF (0xEF) and the other planes (0xF0 and
            // up). None is a continuation byte, so each starts a character;
            // the rest of the text, nearly all of it, is passed over a byte
            // at a time.
            let byte = bytes[at];
            if !(byte == b'<' || byte < 0x20 || byte == 0x7F || byte == 0xC2 || byte >= 0xEF) {
                at += 1;
                continue;
            }
            let c = text[at..].chars().next().expect("a character starts here");
            if c == '<' || is_forbidden(c) {
                self.out.write_all(&bytes[plain..at])?;
                let mut units = [0; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(self.out, "\\u{unit:04x}")?;
                }
                plain = at + c.len_utf8();
            }
            at += c.len_utf8();
        }
        self.out.write_all(&bytes[plain..])
    }
}

impl Write for ScriptText<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.cut.extend_from_slice(bytes);
        let pending = std::mem::take(&mut self.cut);
        let whole = match std::str::from_utf8(&pending) {
            Ok(text) => text.len(),
            // Cut at the end: keep the start of the character for later.
            Err(error) if error.error_len().is_none() => error.valid_up_to(),
            Err(error) => {
                let why = format!("the crate's JSON-LD is not UTF-8: {error}");
                return Err(io::Error::new(io::ErrorKind::InvalidData, why));
            }
        };
        let text = std::str::from_utf8(&pending[..whole]).expect("checked UTF-8");
        self.write_text(text)?;
        self.cut = pending[whole..].to_vec();
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// The prominent "Cite as" text RO-Crate 1.1 asks of the page when the
/// metadata is enough for a citation ("RO-Crate Website"): in DataCite's
/// order, creator (the source organization, who made the collection),
/// year, title, resource type and publisher, the same organization; the
/// collection's id, no resolvable identifier, goes with the type. Without
/// a source organization there is no creator to cite, and no citation.
fn write_citation(html: &mut String, info: &CollectionInfo) {
    let Some(organization) = &info.source_organization else {
        return;
    };
    let organization = escape(organization);
    let stop = if organization.ends_with('.') { "" } else { "." };
    let _ = writeln!(
        html,
        "<p><strong>Cite as:</strong> {organization} ({}). <cite>{}</cite> [Data set, {}]. \
         {organization}{stop}</p>",
        info.date.date().format("%Y"),
        escape(&info.title),
        escape(info.id.as_str()),
    );
}

fn write_collection(html: &mut String, info: &CollectionInfo) {
    html.push_str("<dl>\n");
    definition(html, "Identifier", &escape(info.id.as_str()));
    definition(html, "Date", &escape(&info.date.to_string()));
    let license = license_link(&info.license);
    definition(html, "Licence of the records and the bundle", &license);
    if let Some(organization) = &info.source_organization {
        definition(html, "Source organization", &escape(organization));
    }
    let contact = match (&info.contact_name, &info.contact_email) {
        (Some(name), Some(email)) => Some(format!("{} &lt;{}&gt;", escape(name), escape(email))),
        (Some(name), None) => Some(escape(name)),
        (None, Some(email)) => Some(escape(email)),
        (None, None) => None,
    };
    if let Some(contact) = contact {
        definition(html, "Contact", &contact);
    }
    html.push_str("</dl>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `ScriptText` writes of `json` given in pieces of `size` bytes.
    fn script_text(json: &str, size: usize) -> String {
        let mut out = Vec::new();
        let mut script = ScriptText::new(&mut out);
        for piece in json.as_bytes().chunks(size) {
            script.write_all(piece).unwrap();
        }
        script.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn script_text_escapes_what_html_forbids_wherever_the_pieces_are_cut() {
        let json = "{\"a\": \"</script>\u{85}é\u{7f}\u{fdd0}\u{10fffe}ok\"}";
        let escaped = "{\"a\": \"\\u003c/script>\\u0085é\\u007f\\ufdd0\\udbff\\udffeok\"}";
        for size in 1..=json.len() {
            assert_eq!(script_text(json, size), escaped, "pieces of {size} bytes");
        }
        let parsed: serde_json::Value = serde_json::from_str(escaped).unwrap();
        assert_eq!(parsed["a"], json[7..json.len() - 2]);
    }

    #[test]
    fn script_text_refuses_json_that_is_not_utf8() {
        let mut out = Vec::new();
        let mut script = ScriptText::new(&mut out);
        assert!(script.write_all(b"{\"a\": \"\xff\"}").is_err());
        let mut script = ScriptText::new(&mut out);
        script.write_all(b"\"\xc3").unwrap();
        assert!(script.finish().is_err());
    }
}
