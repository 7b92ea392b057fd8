//! The head of the page, with its style and the crate's JSON-LD, and the
//! description of the collection that opens the body.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::flush;
use super::html::{definition, escape, license_link};
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
    json(&mut ScriptText(out))?;
    let _ = write!(
        html,
        "</script>\n</head>\n<body>\n<h1>{title}</h1>\n<p>{}</p>\n",
        escape(&info.description)
    );
    write_collection(&mut html, info);
    flush(&mut html, out)
}

/// JSON as the text of a `script` element: every `<` written as `\u003c`,
/// the same JSON, so that no text of a record can end the element
/// (`</script>`) or open a comment (`<!--`). In JSON a `<` can only be
/// inside a string, where the escape means the same character.
struct ScriptText<'a>(&'a mut dyn Write);

impl Write for ScriptText<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        for (i, piece) in bytes.split(|&b| b == b'<').enumerate() {
            if i > 0 {
                self.0.write_all(b"\\u003c")?;
            }
            self.0.write_all(piece)?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
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
