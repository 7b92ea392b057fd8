//! `show`: the documents of a bundle (read from its RO-Crate metadata) or
//! of a collection directory (read from its records), filtered.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::bundle::reader;
use crate::bundle::{DOCUMENTS_DIR, ROCRATE_METADATA};
use crate::collection::{self, Document, Status};
use crate::edtf::EdtfDate;
use crate::error::{Error, Result};
use crate::rocrate::{self, DocumentSummary, ReadError};

/// Which documents to show; every filter given must match.
#[derive(Clone, Debug, Default)]
pub struct ShowFilter {
    /// Only documents whose status is `contested`.
    pub contested: bool,
    /// Only documents one of whose people's names contains this, ignoring
    /// case.
    pub author: Option<String>,
    /// Only dated documents whose widest interval shares a day with this
    /// date's (open and unknown ends have no limit).
    pub date_range: Option<EdtfDate>,
}

impl ShowFilter {
    /// Whether `document` passes every filter given.
    pub fn matches(&self, document: &DocumentSummary) -> bool {
        if self.contested && document.status != Some(Status::Contested) {
            return false;
        }
        if let Some(wanted) = &self.author {
            let wanted = wanted.to_lowercase();
            let named = document.authors.iter();
            if !named
                .map(|name| name.to_lowercase())
                .any(|name| name.contains(&wanted))
            {
                return false;
            }
        }
        if let Some(range) = &self.date_range {
            // A date that is not EDTF (a crate from elsewhere) cannot be
            // placed in time, so it matches no range.
            let date = document.date.as_deref().map(str::parse::<EdtfDate>);
            match date {
                Some(Ok(date)) if date.interval().overlaps(&range.interval()) => {}
                _ => return false,
            }
        }
        true
    }
}

/// What a bundle or collection holds.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct ShowReport {
    /// The bundle, bag directory or collection directory.
    pub location: PathBuf,
    /// How many documents it has, before filtering.
    pub total: usize,
    /// The documents that pass the filters: for a bundle, held ones first,
    /// then those only catalogued; for a collection, in record order.
    pub documents: Vec<DocumentSummary>,
}

/// Lists the documents at `path` that pass `filter`: a collection
/// directory (holding `collection.toml`), a bag directory or a bundle.
pub fn show(path: &Path, filter: &ShowFilter) -> Result<ShowReport> {
    let documents = if collection::is_collection(path)? {
        collection_documents(path)?
    } else {
        bundle_documents(path)?
    };
    let total = documents.len();
    Ok(ShowReport {
        location: path.to_path_buf(),
        total,
        documents: documents
            .into_iter()
            .filter(|d| filter.matches(d))
            .collect(),
    })
}

fn bundle_documents(path: &Path) -> Result<Vec<DocumentSummary>> {
    let store = reader::open(path)?;
    let summary = reader::parse_with(store.as_ref(), ROCRATE_METADATA, |json| rocrate::read(json))
        .map_err(ReadError::Io)
        .flatten()
        .map_err(|error| Error::unreadable(path, format!("{ROCRATE_METADATA}: {error}")))?;
    Ok(summary.documents)
}

/// The records of a collection, each held when its file is in the
/// collection directory.
fn collection_documents(dir: &Path) -> Result<Vec<DocumentSummary>> {
    let loaded = collection::load(dir)?;
    loaded
        .documents()
        .map(|d| d.map(|d| summarize(&d, dir.join(d.file.as_str()).is_file())))
        .collect()
}

/// The summary of a record, as a bundle would give it.
fn summarize(record: &Document, held: bool) -> DocumentSummary {
    let crate_documents = DOCUMENTS_DIR.trim_start_matches("data/");
    DocumentSummary {
        id: record.id.to_string(),
        title: Some(record.title.clone()),
        authors: record
            .provenance
            .authors
            .iter()
            .map(|a| a.name.clone())
            .collect(),
        date: record.provenance.date.as_ref().map(|d| d.to_string()),
        date_interval: record
            .provenance
            .date
            .as_ref()
            .map(|d| d.interval().to_string()),
        status: Some(record.contested.status),
        aspects: record.contested.aspects.clone(),
        file: held.then(|| format!("{crate_documents}/{}", record.file)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collection::Aspect;

    fn document(id: &str, status: Status, authors: &[&str], date: Option<&str>) -> DocumentSummary {
        DocumentSummary {
            id: id.into(),
            title: None,
            authors: authors.iter().map(|a| a.to_string()).collect(),
            date: date.map(str::to_string),
            date_interval: None,
            status: Some(status),
            aspects: vec![Aspect::Claims],
            file: None,
        }
    }

    #[test]
    fn filters_by_status_author_and_date() {
        let documents = [
            document(
                "talk",
                Status::Contested,
                &["Grover Furr"],
                Some("2014-06-20?"),
            ),
            document(
                "letter",
                Status::Contested,
                &["M. I. Koroleva"],
                Some("1937~"),
            ),
            document(
                "note",
                Status::Uncontested,
                &["corpack maintainers"],
                Some("2026-11-25"),
            ),
            document("undated", Status::Unassessed, &["Grover Furr"], None),
            document("foreign", Status::Unassessed, &[], Some("June 2014")),
        ];
        let shown = |filter: &ShowFilter| -> Vec<&str> {
            documents
                .iter()
                .filter(|d| filter.matches(d))
                .map(|d| d.id.as_str())
                .collect()
        };
        assert_eq!(shown(&ShowFilter::default()).len(), 5);
        let contested = ShowFilter {
            contested: true,
            ..ShowFilter::default()
        };
        assert_eq!(shown(&contested), ["talk", "letter"]);
        let furr = ShowFilter {
            author: Some("FURR".into()),
            ..ShowFilter::default()
        };
        assert_eq!(shown(&furr), ["talk", "undated"]);
        let thirties = ShowFilter {
            date_range: Some("1930/1939".parse().unwrap()),
            ..ShowFilter::default()
        };
        assert_eq!(shown(&thirties), ["letter"]);
        let since_2000 = ShowFilter {
            date_range: Some("2000/..".parse().unwrap()),
            ..ShowFilter::default()
        };
        assert_eq!(shown(&since_2000), ["talk", "note"]);
        let all = ShowFilter {
            contested: true,
            author: Some("furr".into()),
            date_range: Some("2014".parse().unwrap()),
        };
        assert_eq!(shown(&all), ["talk"]);
    }
}
