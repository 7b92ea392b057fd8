//! Writing `ro-crate-preview.html`: the crate for people, one page with no
//! code to run and nothing fetched from elsewhere (its style is inline), so
//! it reads the same offline in twenty years. Its head holds a copy of the
//! crate's JSON-LD in a `script` element of type `application/ld+json`, data
//! that no browser runs, as RO-Crate 1.1 requires of the page (section
//! "RO-Crate Website").
//!
//! Every record text is escaped: titles, summaries and citations are user
//! text. The wording reports the record ("recorded as contested", "disputed
//! by") and never judges the documents.
//!
//! The page is built in a `String`, which `write!` cannot fail on, so its
//! results are dropped with `let _ =`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

use super::ids::encode_path;
use super::metadata::write_metadata_json;
use crate::bundle::{PackedDocument, PackedDocuments, crate_order};
use crate::collection::{AuthorType, CollectionInfo, DisputingWork, Document, Place, Status};

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

/// The text of `ro-crate-preview.html`. Fails, as
/// [`super::metadata_json`] does, on records it cannot describe.
pub fn preview_html(info: &CollectionInfo, documents: &[PackedDocument]) -> io::Result<String> {
    let mut html = Vec::new();
    write_preview_html(info, &documents, &mut html)?;
    Ok(String::from_utf8(html).expect("the page is built from UTF-8 text"))
}

/// Writes the text of `ro-crate-preview.html` to `out` a document at a
/// time: the crate's JSON-LD, then a table row for each document, then a
/// section for each. `out` should be buffered.
pub fn write_preview_html(
    info: &CollectionInfo,
    documents: &dyn PackedDocuments,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut json = |out: &mut dyn Write| write_metadata_json(info, documents, out);
    write_head(info, &mut json, out)?;
    write_documents(documents, out)
}

/// Writes what [`write_preview_html`] writes, with the copy of the JSON-LD
/// read from `metadata_json`, the text of `ro-crate-metadata.json` (as
/// another thread writes it, say), while the tables of documents are made
/// on a second thread, into an unnamed file in `spill_dir`, to follow.
pub fn write_preview_html_copying(
    info: &CollectionInfo,
    documents: &dyn PackedDocuments,
    metadata_json: &mut dyn Read,
    spill_dir: &Path,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut tables = tempfile::tempfile_in(spill_dir)?;
    std::thread::scope(|scope| {
        let written = scope.spawn(|| {
            let mut spill = io::BufWriter::new(&tables);
            write_documents(documents, &mut spill)?;
            spill.flush()
        });
        let mut json = |out: &mut dyn Write| io::copy(metadata_json, out).map(drop);
        let head = write_head(info, &mut json, out);
        let written = written.join().expect("the preview's tables did not panic");
        head.and(written)
    })?;
    tables.seek(SeekFrom::Start(0))?;
    io::copy(&mut tables, out)?;
    Ok(())
}

/// The page up to its tables: the head, with the JSON-LD that `json`
/// writes, and the collection.
fn write_head(
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

/// The rest of the page: the table of documents, then a section for each.
fn write_documents(documents: &dyn PackedDocuments, out: &mut dyn Write) -> io::Result<()> {
    let order = crate_order(documents);
    let mut html = String::from(TABLE_HEAD);
    let mut titles = Titles::default();
    for document in documents.documents(&order) {
        let document = document?;
        write_row(&mut html, &document);
        titles.want(&document.record);
        flush(&mut html, out)?;
    }
    html.push_str("</tbody>\n</table>\n");
    titles.read(documents)?;
    for document in documents.documents(&order) {
        write_document(&mut html, &document?, &titles);
        flush(&mut html, out)?;
    }
    html.push_str(
        "<p class=\"quiet\">The machine-readable description of this crate is \
         <a href=\"ro-crate-metadata.json\">ro-crate-metadata.json</a> (RO-Crate 1.1).</p>\n\
         </body>\n</html>\n",
    );
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

/// The titles of the documents that dispute others and that the records
/// name without a citation: their links in a dispute show them.
#[derive(Default)]
struct Titles(HashMap<String, Option<String>>);

impl Titles {
    /// Notes the documents `record` names without a citation.
    fn want(&mut self, record: &Document) {
        for work in &record.contested.disputed_by {
            if let DisputingWork::Document { id, citation: None } = work {
                self.0.insert(id.to_string(), None);
            }
        }
    }

    /// Reads the titles wanted, the records found by their ids.
    fn read(&mut self, documents: &dyn PackedDocuments) -> io::Result<()> {
        for index in 0..documents.count() {
            if let Some(title) = self.0.get_mut(documents.id(index)) {
                *title = Some(documents.document(index)?.record.title.clone());
            }
        }
        Ok(())
    }

    /// The title of the document `id`, if wanted and found.
    fn of(&self, id: &str) -> Option<&str> {
        self.0.get(id)?.as_deref()
    }
}

/// Moves what `html` holds to `out`.
fn flush(html: &mut String, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(html.as_bytes())?;
    html.clear();
    Ok(())
}

fn write_collection(html: &mut String, info: &CollectionInfo) {
    html.push_str("<dl>\n");
    definition(html, "Identifier", &escape(info.id.as_str()));
    definition(html, "Date", &escape(&info.date.to_string()));
    let license = link(&info.license.url(), info.license.as_str());
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

const TABLE_HEAD: &str = "<h2>Documents</h2>\n<table>\n<thead><tr><th>Title</th><th>Authors</th>\
    <th>Date</th><th>Contested status</th><th>In this crate</th><th>File and SHA-256</th></tr>\
    </thead>\n<tbody>\n";

/// A document's row in the table of documents.
fn write_row(html: &mut String, document: &PackedDocument) {
    let record = &document.record;
    let sha256 = match (&document.held, &record.sha256) {
        (Some(held), _) => Some(escape(&held.digests.sha256)),
        (None, Some(declared)) => Some(format!(
            "{} <span class=\"quiet\">(declared)</span>",
            escape(declared.as_str())
        )),
        (None, None) => None,
    };
    let file = match &document.held {
        Some(_) => format!(
            "<a href=\"{}\">{}</a>",
            escape(&encode_path(&document.crate_path())),
            escape(record.file.as_str())
        ),
        None => escape(record.file.as_str()),
    };
    let file = match sha256 {
        Some(sha256) => format!("{file}<br><code>{sha256}</code>"),
        None => file,
    };
    let held = match document.held {
        Some(_) => "held",
        None => "catalogued, not held",
    };
    let _ = writeln!(
        html,
        "<tr><td><a href=\"#{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{held}</td>\
             <td>{file}</td></tr>",
        anchor(record.id.as_str()),
        escape(&record.title),
        authors(record),
        date(record),
        record.contested.status,
    );
}

/// A document's section: its provenance and, when it is contested, the
/// dispute as recorded.
fn write_document(html: &mut String, document: &PackedDocument, titles: &Titles) {
    let record = &document.record;
    let _ = write!(
        html,
        "<section id=\"{}\">\n<h3>{}</h3>\n<p class=\"quiet\">Record <code>{}</code></p>\n",
        anchor(record.id.as_str()),
        escape(&record.title),
        escape(record.id.as_str())
    );
    if record.contested.status == Status::Contested {
        write_dispute(html, record, titles);
    }
    html.push_str("<dl>\n");
    let provenance = &record.provenance;
    let fields = [
        ("Authors", Some(authors(record))),
        ("Date", provenance.date.as_ref().map(|_| date(record))),
        ("Date note", provenance.date_note.as_deref().map(escape)),
        ("Origin", provenance.origin.as_ref().map(place)),
        ("Venue", provenance.venue.as_ref().map(place)),
        ("Event", provenance.event.as_deref().map(escape)),
        ("Publisher", provenance.publisher.as_deref().map(escape)),
        ("Context", provenance.context.as_deref().map(escape)),
        ("Contested status", Some(status(record))),
        ("Licence", Some(license(record))),
        ("Rights", record.rights.as_deref().map(escape)),
        (
            "Language",
            record.language.as_ref().map(|l| escape(l.as_str())),
        ),
        (
            "Media type",
            Some(escape(record.media_type_or_guess().as_str())),
        ),
    ];
    for (term, value) in fields {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            definition(html, term, &value);
        }
    }
    html.push_str("</dl>\n</section>\n");
}

fn write_dispute(html: &mut String, record: &Document, titles: &Titles) {
    let contested = &record.contested;
    html.push_str("<div class=\"note\">\n<p><strong>Recorded as contested.</strong>");
    if !contested.aspects.is_empty() {
        let aspects: Vec<&str> = contested.aspects.iter().map(|a| a.into()).collect();
        let _ = write!(html, " Disputed: {}.", aspects.join(", "));
    }
    html.push_str("</p>\n");
    if let Some(summary) = &contested.summary {
        let _ = writeln!(html, "<p>{}</p>", escape(summary));
    }
    if !contested.disputed_by.is_empty() {
        html.push_str("<p>Disputed by:</p>\n<ul>\n");
        for work in &contested.disputed_by {
            let _ = writeln!(html, "<li>{}</li>", disputing_work(work, titles));
        }
        html.push_str("</ul>\n");
    }
    if let Some(assessed) = assessed(record) {
        let _ = writeln!(html, "<p class=\"quiet\">This status was {assessed}.</p>");
    }
    html.push_str("</div>\n");
}

/// The status word, and who assessed it when, escaped.
fn status(record: &Document) -> String {
    match assessed(record) {
        Some(assessed) => format!("{} ({assessed})", record.contested.status),
        None => record.contested.status.to_string(),
    }
}

/// "assessed by … on …", escaped, when the record says either.
fn assessed(record: &Document) -> Option<String> {
    let contested = &record.contested;
    match (&contested.assessed_by, &contested.assessed_on) {
        (Some(by), Some(on)) => Some(format!("assessed by {} on {on}", escape(&by.name))),
        (Some(by), None) => Some(format!("assessed by {}", escape(&by.name))),
        (None, Some(on)) => Some(format!("assessed on {on}")),
        (None, None) => None,
    }
}

fn definition(html: &mut String, term: &str, value: &str) {
    let _ = writeln!(html, "<dt>{term}</dt><dd>{value}</dd>");
}

/// The id of the section of the document whose record id is `id`; record
/// ids are slugs, safe as they are.
fn anchor(id: &str) -> String {
    format!("document-{id}")
}

/// Names with their roles (and "organization" for one), ORCID and
/// Wikidata links, escaped.
fn authors(record: &Document) -> String {
    let authors: Vec<String> = record
        .provenance
        .authors
        .iter()
        .map(|author| {
            let name = match &author.orcid {
                Some(orcid) => link(&orcid.url(), &author.name),
                None => escape(&author.name),
            };
            let kind = match author.kind {
                AuthorType::Person => "",
                AuthorType::Organization => ", organization",
            };
            let wikidata = author.wikidata.as_ref().map(|w| ("Wikidata", w.url()));
            format!("{name} ({}{kind}){}", author.role, links(wikidata))
        })
        .collect();
    authors.join("; ")
}

/// The document's licence, linked; or that none is recorded, which is not
/// the collection's.
fn license(record: &Document) -> String {
    match &record.license {
        Some(license) => link(&license.url(), license.as_str()),
        None => "none recorded (the collection&#39;s licence covers the records, not this \
                 document)"
            .to_string(),
    }
}

/// A place or origin: its name, linked to its URL, then its Wikidata and
/// GeoNames links; escaped.
fn place(place: &Place) -> String {
    let name = match &place.url {
        Some(url) => link(url.as_str(), &place.name),
        None => escape(&place.name),
    };
    let identifiers = [
        place.wikidata.as_ref().map(|w| ("Wikidata", w.url())),
        place.geonames.as_ref().map(|g| ("GeoNames", g.url())),
    ];
    format!("{name}{}", links(identifiers.into_iter().flatten()))
}

/// A disputing work, escaped: a cited work's citation, its type, and its
/// DOI and URL links; a document of the collection, a link to its section
/// named by its citation, else its title.
fn disputing_work(work: &DisputingWork, titles: &Titles) -> String {
    let work = match work {
        DisputingWork::Cited(work) => work,
        DisputingWork::Document { id, citation } => {
            let id = id.as_str();
            let name = citation.as_deref().or_else(|| titles.of(id)).unwrap_or(id);
            return format!(
                "{} <span class=\"quiet\">(a document of this collection)</span>",
                link(&format!("#{}", anchor(id)), name)
            );
        }
    };
    let kind = work
        .kind
        .map(|k| format!(" <span class=\"quiet\">({k})</span>"));
    let identifiers = [
        work.doi.as_ref().map(|d| ("DOI", d.url())),
        work.url.as_ref().map(|u| ("web", u.to_string())),
    ];
    format!(
        "{}{}{}",
        escape(&work.citation),
        kind.unwrap_or_default(),
        links(identifiers.into_iter().flatten())
    )
}

/// `<a href="url">text</a>`, both escaped.
fn link(url: &str, text: &str) -> String {
    format!("<a href=\"{}\">{}</a>", escape(url), escape(text))
}

/// ` [<a>label</a>, …]` for the links given, or nothing.
fn links(links: impl IntoIterator<Item = (&'static str, String)>) -> String {
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

/// The EDTF date and the interval it means, escaped.
fn date(record: &Document) -> String {
    match &record.provenance.date {
        Some(date) => format!(
            "{} <span class=\"quiet\">({})</span>",
            escape(date.as_str()),
            date.interval()
        ),
        None => String::new(),
    }
}

/// `text` with the five characters HTML gives meaning to escaped, for
/// element content and quoted attribute values alike.
fn escape(text: &str) -> String {
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
    use crate::collection::{Assessor, CitedWork};
    use crate::rocrate::testutil::sample;

    fn sample_html() -> String {
        let (info, documents) = sample();
        preview_html(&info, &documents).unwrap()
    }

    #[test]
    fn escapes_the_five_characters() {
        assert_eq!(
            escape(r#"<a href="x">Tom & Jerry's</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
        );
    }

    #[test]
    fn a_document_of_the_collection_that_disputes_links_to_its_section() {
        let html = sample_html();
        let section = &html[html.find("<section id=\"document-plain\">").unwrap()..];
        let note = &section[..section.find("</div>").unwrap()];
        for expected in [
            // Named by its title, without a citation; by its citation, with.
            "<li><a href=\"#document-ueberblick\">Überblick</a> <span class=\"quiet\">(a \
             document of this collection)</span></li>",
            "<li><a href=\"#document-lost-letter\">A letter &amp; its answer, 2001</a>",
        ] {
            assert!(note.contains(expected), "missing {expected} in {note}");
        }
        assert!(html.contains("<section id=\"document-ueberblick\">"));
    }

    #[test]
    fn record_text_is_escaped_everywhere() {
        let (mut info, mut documents) = sample();
        let hostile = "<script>alert('x')</script> & \"q\"";
        info.title = hostile.into();
        info.description = hostile.into();
        let record = documents[0].record.to_mut();
        record.title = hostile.into();
        record.provenance.context = Some(hostile.into());
        record.contested.summary = Some(hostile.into());
        record.contested.disputed_by = vec![DisputingWork::Cited(CitedWork {
            citation: hostile.into(),
            kind: None,
            doi: None,
            url: None,
        })];
        record.contested.assessed_by = Some(Assessor {
            name: hostile.into(),
            kind: AuthorType::Organization,
        });
        let html = preview_html(&info, &documents).unwrap();
        let (page, json) = split_script(&html);
        assert!(!page.contains("<script>"), "{page}");
        assert!(!page.contains("'x'"));
        assert!(!json.contains('<'), "{json}");
        let escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;";
        // Page title and heading, description, table row and section
        // heading, context, summary, citation, assessor in the note and in
        // the status row.
        assert_eq!(html.matches(escaped).count(), 10, "{html}");
    }

    /// The page without its script element, and the element's text.
    fn split_script(html: &str) -> (String, &str) {
        let open = "<script type=\"application/ld+json\">\n";
        let start = html.find(open).expect("a script element") + open.len();
        let end = start + html[start..].find("</script>").expect("its end");
        let page = format!("{}{}", &html[..start], &html[end..]);
        (page, &html[start..end])
    }

    #[test]
    fn the_head_holds_a_copy_of_the_json_ld() {
        let (mut info, documents) = sample();
        info.description = "ends </script><!-- here".into();
        let html = preview_html(&info, &documents).unwrap();
        let (page, json) = split_script(&html);
        let head_end = page.find("</head>").expect("a head");
        assert!(page.find("<script").expect("in the page") < head_end);
        assert!(!json.contains('<'), "{json}");
        let copy: serde_json::Value = serde_json::from_str(json).unwrap();
        let metadata = crate::rocrate::metadata_json(&info, &documents).unwrap();
        let metadata: serde_json::Value = serde_json::from_str(&metadata).unwrap();
        assert_eq!(copy, metadata);
        assert_eq!(copy["@graph"][1]["description"], "ends </script><!-- here");
    }

    #[test]
    fn copying_the_metadata_it_is_the_same_page() {
        let (info, documents) = sample();
        let metadata = crate::rocrate::metadata_json(&info, &documents).unwrap();
        let spill_dir = tempfile::tempdir().unwrap();
        let mut html = Vec::new();
        write_preview_html_copying(
            &info,
            &documents.as_slice(),
            &mut metadata.as_bytes(),
            spill_dir.path(),
            &mut html,
        )
        .unwrap();
        assert_eq!(String::from_utf8(html).unwrap(), sample_html());
    }

    #[test]
    fn is_self_contained_and_deterministic() {
        let html = sample_html();
        assert!(html.starts_with("<!DOCTYPE html>\n"));
        assert!(html.contains("<meta charset=\"utf-8\">"));
        assert!(html.contains("<style>"));
        assert_eq!(html.matches("<script").count(), 1);
        for external in ["<link", "src=", "@import", "url("] {
            assert!(!html.contains(external), "{external}");
        }
        let (info, mut documents) = sample();
        documents.reverse();
        assert_eq!(preview_html(&info, &documents).unwrap(), html);
    }

    #[test]
    fn shows_the_collection_and_every_document() {
        let html = sample_html();
        for expected in [
            "<dt>Licence of the records and the bundle</dt><dd><a href=\"https://spdx.org/licenses/CC-BY-4.0\">CC-BY-4.0</a></dd>",
            "<dt>Date</dt><dd>2026-11-25</dd>",
            "<a href=\"documents/notes/Überblick.md\">notes/Überblick.md</a>",
            "<td>catalogued, not held</td>",
            "972962436953c9ea6eecd3eed1bc013f6e43803f40ed42985ea46f3eb969bfa7 \
             <span class=\"quiet\">(declared)</span>",
            "Grover Furr (speaker); <a href=\"https://orcid.org/0000-0002-1825-0097\">Josiah \
             Carberry</a> (transcriber)",
            "193X <span class=\"quiet\">(1930-01-01/1939-12-31)</span>",
            "<dt>Venue</dt><dd>Lucas Arms, Grays Inn Road, London</dd>",
            "<dt>Date note</dt><dd>The year is inferred: 20 June was a Friday in 2014.</dd>",
            "<dt>Contested status</dt><dd>uncontested (assessed by Ada Archivist on 2026-11-21)</dd>",
        ] {
            assert!(html.contains(expected), "missing {expected}");
        }
    }

    #[test]
    fn only_contested_documents_carry_a_note() {
        let html = sample_html();
        assert_eq!(html.matches("<div class=\"note\">").count(), 2);
        let note = &html[html.find("<div class=\"note\">").unwrap()..];
        let note = &note[..note.find("</div>").unwrap()];
        for expected in [
            "Recorded as contested.",
            "Disputed: claims, date.",
            "<li>Matthew E. Lenoe, The Kirov Murder and Soviet History, Yale University Press, \
             2010</li>",
            "This status was assessed by Ada Archivist on 2026-11-20.",
        ] {
            assert!(note.contains(expected), "missing {expected} in {note}");
        }
    }

    #[test]
    fn shows_licences_rights_and_identifiers() {
        let html = sample_html();
        for expected in [
            "<dt>Licence</dt><dd>none recorded (the collection&#39;s licence covers the records, \
             not this document)</dd>",
            "<dt>Rights</dt><dd>Third-party text: rights remain with its author.</dd>",
            "<dt>Licence</dt><dd><a href=\"https://example.org/licence\">https://example.org/licence</a></dd>",
            "Josiah Carberry (author) [<a href=\"https://www.wikidata.org/wiki/Q1\">Wikidata</a>]",
            "<dt>Authors</dt><dd>Corpus Workshop (author, organization); United Nations (editor, \
             organization) [<a href=\"https://www.wikidata.org/wiki/Q1065\">Wikidata</a>]</dd>",
            "<dt>Venue</dt><dd>London [<a href=\"https://www.wikidata.org/wiki/Q84\">Wikidata</a>, \
             <a href=\"https://sws.geonames.org/2643743/\">GeoNames</a>]</dd>",
            "<dt>Origin</dt><dd><a href=\"https://example.org/archive\">Example archive, box 7</a> \
             [<a href=\"https://www.wikidata.org/wiki/Q42\">Wikidata</a>]</dd>",
            "<li>Timothy Snyder, Bloodlands: Europe Between Hitler and Stalin, Basic Books, 2010 \
             <span class=\"quiet\">(book)</span> [<a href=\"https://example.org/bloodlands\">web</a>]</li>",
            "<li>A. Reviewer, A review, Journal 1 (2011) <span class=\"quiet\">(article)</span> \
             [<a href=\"https://doi.org/10.1000/182\">DOI</a>]</li>",
        ] {
            assert!(html.contains(expected), "missing {expected}");
        }
    }
}
