//! The documents: a row for each in the table of documents, then a
//! section for each with its provenance.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::dispute::{Titles, status, write_dispute};
use super::flush;
use super::html::{definition, escape, license_link, link, links};
use crate::bundle::{PackedDocument, PackedDocuments, crate_order};
use crate::collection::{AuthorType, Document, Place, Status};
use crate::rocrate::document::{doi_name, web_id};
use crate::rocrate::ids::encode_path;

/// The rest of the page: the table of documents, then a section for each.
pub(super) fn write_documents(
    documents: &dyn PackedDocuments,
    out: &mut dyn Write,
) -> io::Result<()> {
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
        ("Origin", provenance.origin.as_ref().map(origin)),
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

/// The id of the section of the document whose record id is `id`; record
/// ids are slugs, safe as they are.
pub(super) fn anchor(id: &str) -> String {
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
        Some(license) => license_link(license),
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

/// An origin: a place's, or, written as a URL or a DOI's `doi:` form,
/// linked to that URL made an IRI or to the DOI's URL, as RO-Crate 1.1
/// asks the page to link an external URI ("RO-Crate Website").
fn origin(origin: &Place) -> String {
    if origin.is_identified() {
        return place(origin);
    }
    let url = web_id(&origin.name).or_else(|| doi_name(&origin.name).map(|doi| doi.url()));
    match url {
        Some(url) => link(&url, &origin.name),
        None => escape(&origin.name),
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
