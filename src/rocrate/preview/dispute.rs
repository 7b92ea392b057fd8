//! The dispute as recorded of a contested document: what is disputed, by
//! which works, and who assessed its status when.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io;

use super::documents::anchor;
use super::html::{escape, link, links};
use crate::bundle::PackedDocuments;
use crate::collection::{DisputingWork, Document};

/// The titles of the documents that dispute others and that the records
/// name without a citation: their links in a dispute show them.
#[derive(Default)]
pub(super) struct Titles(HashMap<String, Option<String>>);

impl Titles {
    /// Notes the documents `record` names without a citation.
    pub(super) fn want(&mut self, record: &Document) {
        for work in &record.contested.disputed_by {
            if let DisputingWork::Document { id, citation: None } = work {
                self.0.insert(id.to_string(), None);
            }
        }
    }

    /// Reads the titles wanted, the records found by their ids.
    pub(super) fn read(&mut self, documents: &dyn PackedDocuments) -> io::Result<()> {
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

pub(super) fn write_dispute(html: &mut String, record: &Document, titles: &Titles) {
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
pub(super) fn status(record: &Document) -> String {
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
