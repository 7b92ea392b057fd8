//! `check`: a collection's records and files, judged without packing.
//!
//! Errors are what stops a pack: records that do not parse or break a rule,
//! files that cannot be packed (not found, a link leading out, not a
//! regular file), names the names policy refuses. Warnings are what a pack
//! leaves out (documents catalogued but not held, files no record packs)
//! and what an archivist would want completed: provenance with gaps (no
//! date, no origin, no licence or rights) and disputes recorded without
//! their substance (no summary, no citations, no aspects, no assessor) or
//! under another status. `strict` makes every warning an error, except the
//! names policy's checks allowed with `--allow`.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::collection::{self, Document, LoadedRecords, Location, PartlyLoaded, Status};
use crate::error::{RecordError, Result};
use crate::finding::{Code, Finding, Severity};
use crate::names::{self, NameCheck, NamePolicy};

/// The verdict on a collection.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct CheckReport {
    /// The collection directory.
    pub location: PathBuf,
    /// Whether there is no error (with `--strict`, no warning either).
    pub valid: bool,
    /// Documents whose records read (0 if the `[collection]` table does
    /// not): `held`, `not_held` and `not_packable` add up to it.
    pub documents: usize,
    /// Documents whose file was found.
    pub held: usize,
    /// Documents catalogued without their file, `--strict` or not (it
    /// makes each an error too).
    pub not_held: usize,
    /// Documents whose file cannot be packed at all (not found with no
    /// declared sha256, or not a regular file in its directory); an error
    /// names each.
    pub not_packable: usize,
    /// The errors of the records, each naming its file, line and field:
    /// the records that do not read or break a rule, in file order, then
    /// the documents whose file cannot be packed. The errors of names are
    /// in `findings`.
    pub errors: Vec<RecordError>,
    /// Findings of the documents' files and names, each with a severity, a
    /// code, the document's file and a message that names the record's
    /// line. A name the policy refuses is an error, unless allowed; the
    /// rest are warnings, errors with `--strict`.
    pub findings: Vec<Finding>,
}

/// Checks the collection in `dir`, looking for files also in `sources`.
/// Invalid records are reported, not returned as errors, and every check
/// is made of the records that read; only an I/O failure (no readable
/// collection.toml) is an error.
/// `allow` are the names policy's checks whose problems are only
/// warnings, even with `strict`.
pub fn check(
    dir: &Path,
    sources: &[PathBuf],
    strict: bool,
    allow: &[NameCheck],
) -> Result<CheckReport> {
    collection::require_dirs(sources)?;
    // The records are judged whether or not the collection's table reads.
    let PartlyLoaded {
        records: loaded,
        errors,
        ..
    } = collection::load_partly(dir)?;
    let mut report = CheckReport {
        location: dir.to_path_buf(),
        valid: false,
        documents: 0,
        held: 0,
        not_held: 0,
        not_packable: 0,
        errors,
        findings: Vec::new(),
    };
    let Some(loaded) = loaded else {
        return Ok(report);
    };
    report.documents = loaded.records.len();
    let policy = NamePolicy::allowing(allow);
    let (located, file_errors) = collection::locate_all(&loaded, sources, strict);
    report.errors.extend(file_errors);
    let count =
        |wanted: fn(&Location) -> bool| located.locations.iter().filter(|l| wanted(l)).count();
    report.held = count(|l| matches!(l, Location::Held(_)));
    report.not_held = count(|l| matches!(l, Location::NotHeld));
    report.not_packable = count(|l| matches!(l, Location::Unpackable { .. }));
    report.findings = located.warnings.clone();
    report
        .findings
        .extend(collection::scan(&loaded, &located, &policy, false));
    report.findings.extend(provenance_findings(&loaded)?);
    report
        .findings
        .extend(names::check_records(&loaded, &policy));
    if strict {
        // The names policy decides its own severities: what is allowed
        // stays a warning.
        for finding in &mut report.findings {
            if NameCheck::of_code(finding.code).is_none() {
                finding.severity = Severity::Error;
            }
        }
    }
    report.valid = report.errors.is_empty()
        && report
            .findings
            .iter()
            .all(|f| f.severity == Severity::Warning);
    Ok(report)
}

/// Warnings about gaps in the records, document by document: each names
/// the document's file as its path, and the record's line.
pub fn provenance_findings(loaded: &LoadedRecords) -> Result<Vec<Finding>> {
    let mut findings = Vec::new();
    for (index, document) in loaded.documents().enumerate() {
        let document = document?;
        let place = loaded.document_place(index);
        for (code, what) in gaps(&document) {
            findings.push(Finding::warning(
                code,
                document.file.as_str(),
                format!("{place}: {what}"),
            ));
        }
    }
    Ok(findings)
}

/// What a record leaves out that an archivist would want, in field order.
fn gaps(document: &Document) -> Vec<(Code, &'static str)> {
    let provenance = &document.provenance;
    let contested = &document.contested;
    let mut gaps = Vec::new();
    if document.license.is_none() && document.rights.is_none() {
        gaps.push((
            Code::DocumentNoLicense,
            "no license or rights: the collection's licence covers the records, not the \
             document, so say on what terms it may be used",
        ));
    }
    if provenance.date.is_none() {
        gaps.push((
            Code::ProvenanceNoDate,
            "no provenance.date: say when it was made; EDTF can say how unsure that is \
             (1937~, 193X, 1936/1938)",
        ));
    }
    if provenance.origin.is_none() {
        gaps.push((
            Code::ProvenanceNoOrigin,
            "no provenance.origin: say where this copy came from",
        ));
    }
    let describes_dispute = !contested.aspects.is_empty()
        || contested.summary.is_some()
        || !contested.disputed_by.is_empty();
    match contested.status {
        Status::Contested => {
            if contested.aspects.is_empty() {
                gaps.push((
                    Code::ContestedNoAspects,
                    "contested, but contested.aspects does not say what is disputed \
                     (claims, authenticity, attribution, date)",
                ));
            }
            if contested.summary.is_none() {
                gaps.push((
                    Code::ContestedNoSummary,
                    "contested, but there is no contested.summary of the dispute",
                ));
            }
            if contested.disputed_by.is_empty() {
                gaps.push((
                    Code::ContestedNoCitations,
                    "contested, but contested.disputed_by cites no work that disputes it",
                ));
            }
        }
        Status::Uncontested | Status::Unassessed if describes_dispute => gaps.push((
            Code::DisputeNotContested,
            "contested.aspects, summary or disputed_by describe a dispute, but the status \
             is not contested",
        )),
        Status::Uncontested | Status::Unassessed => {}
    }
    let assessed = contested.status != Status::Unassessed;
    if assessed && (contested.assessed_by.is_none() || contested.assessed_on.is_none()) {
        gaps.push((
            Code::AssessmentIncomplete,
            "the status is assessed, but contested.assessed_by or assessed_on does not say \
             who assessed it, or when",
        ));
    }
    gaps
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::collection::parse;

    fn codes(source: &str) -> Vec<Code> {
        let loaded = parse(source, Path::new("."), Path::new("collection.toml")).unwrap();
        provenance_findings(&loaded)
            .unwrap()
            .iter()
            .map(|f| f.code)
            .collect()
    }

    const HEADER: &str = r#"[collection]
id = "c"
title = "T"
description = "D"
license = "CC0-1.0"
date = "2026-11-25"
"#;

    #[test]
    fn a_complete_record_has_no_gaps() {
        let source = format!(
            r#"{HEADER}
[[document]]
id = "a"
title = "A"
file = "a.txt"
rights = "Public domain in its country of origin."
[document.provenance]
date = "1937~"
origin = "A donor"
[document.contested]
status = "contested"
aspects = ["date"]
summary = "S"
disputed_by = ["W"]
assessed_by = "X"
assessed_on = "2026-11-25"
"#
        );
        assert_eq!(codes(&source), []);
    }

    #[test]
    fn gaps_in_provenance_and_disputes() {
        let source = format!(
            r#"{HEADER}
[[document]]
id = "a"
title = "A"
file = "a.txt"
[document.contested]
status = "contested"

[[document]]
id = "b"
title = "B"
file = "b.txt"
license = "CC0-1.0"
[document.provenance]
date = "1937"
origin = "A donor"
[document.contested]
status = "uncontested"
summary = "Some say otherwise."
assessed_by = "X"
"#
        );
        assert_eq!(
            codes(&source),
            [
                Code::DocumentNoLicense,
                Code::ProvenanceNoDate,
                Code::ProvenanceNoOrigin,
                Code::ContestedNoAspects,
                Code::ContestedNoSummary,
                Code::ContestedNoCitations,
                Code::AssessmentIncomplete,
                Code::DisputeNotContested,
                Code::AssessmentIncomplete,
            ]
        );
    }

    #[test]
    fn a_finding_names_the_document_file_and_line() {
        let source = format!(
            "{HEADER}\n[[document]]\nid = \"a\"\ntitle = \"A\"\nfile = \"d/a.txt\"\nlicense = \"MIT\"\n[document.provenance]\ndate = \"1937\"\n"
        );
        let loaded = parse(&source, Path::new("."), Path::new("collection.toml")).unwrap();
        let findings = provenance_findings(&loaded).unwrap();
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].path, "d/a.txt");
        assert_eq!(findings[0].severity, Severity::Warning);
        assert!(
            findings[0]
                .message
                .starts_with("document `a` (collection.toml:8): no provenance.origin"),
            "{}",
            findings[0].message
        );
    }
}
