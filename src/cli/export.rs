//! `corpack export <FORMAT>`: runs the library's export and prints what it
//! did, or why the bundle was refused.

use std::path::Path;

use anyhow::Context;

use super::args::{ExportArgs, ExportFormat};
use super::progress::Bar;
use super::{Outcome, count, print_json, print_text};
use corpack::export::csv;
use corpack::export::ocfl::{self, OcflAction, OcflExportOptions};
use corpack::export::verified::RepositoryExportReport;
use corpack::export::{datacite, dspace, invenio};
use corpack::finding::Severity;
use corpack::progress::Progress;

/// Runs `corpack export`.
pub fn export(args: &ExportArgs) -> anyhow::Result<Outcome> {
    match args.format {
        ExportFormat::Csv => export_csv(args),
        ExportFormat::Ocfl => export_ocfl(args),
        ExportFormat::DspaceSaf => repository(dspace::export, args),
        ExportFormat::Datacite => repository(datacite::export, args),
        ExportFormat::Invenio => repository(invenio::export, args),
    }
}

fn export_csv(args: &ExportArgs) -> anyhow::Result<Outcome> {
    let bar = Bar::new("verifying", args.common.quiet || args.common.json);
    let report = csv::export_csv(&args.bundle, &args.output, args.force, &bar);
    bar.finish();
    let report = report.with_context(|| format!("cannot export {}", args.bundle.display()))?;
    if args.common.json {
        print_json(&report)?;
    } else {
        let mut text = String::new();
        for finding in &report.findings {
            text.push_str(&format!("{finding}\n"));
        }
        if report.written {
            text.push_str(&format!(
                "exported {} documents of {} to {}\n",
                report.documents,
                report.source.display(),
                report.output.display()
            ));
        } else {
            text.push_str(&format!(
                "refused: {} has {} errors (above); nothing was written\n",
                report.source.display(),
                count(&report.findings, Severity::Error)
            ));
        }
        print_text(&text)?;
    }
    Ok(Outcome::from_valid(report.written))
}

fn export_ocfl(args: &ExportArgs) -> anyhow::Result<Outcome> {
    let bar = Bar::new("exporting", args.common.quiet || args.common.json);
    let options = OcflExportOptions { force: args.force };
    let report = ocfl::export(&args.bundle, &args.output, &options, &bar);
    bar.finish();
    let report = report.with_context(|| {
        format!(
            "cannot export {} as OCFL into {}",
            args.bundle.display(),
            args.output.display()
        )
    })?;
    let refused = report.action == OcflAction::Refused;
    if args.common.json {
        print_json(&report)?;
    } else {
        let mut text = String::new();
        for finding in report.bundle_findings.iter().chain(&report.object_findings) {
            text.push_str(&format!("{finding}\n"));
        }
        let id = report.id.as_deref().unwrap_or("?");
        let head = report.head.as_deref().unwrap_or("?");
        let object = report.object.display();
        text.push_str(&match report.action {
            OcflAction::Created => format!(
                "created the OCFL object {id} in {object}: {head} holds {} files\n",
                report.files
            ),
            OcflAction::VersionAdded => format!(
                "added {head} to the OCFL object {id} in {object}: {} files, {} new ({} bytes), {} already stored\n",
                report.files, report.content_files_added, report.content_bytes_added, report.deduplicated
            ),
            OcflAction::Unchanged => format!(
                "nothing to do: the head {head} of the OCFL object {id} in {object} already holds this bundle\n"
            ),
            OcflAction::Refused if report.object_findings.is_empty() => format!(
                "refused: {} has errors (above); nothing was written\n",
                report.bundle.display()
            ),
            OcflAction::Refused => format!(
                "refused: {object} is not a valid OCFL object; nothing was written\n"
            ),
        });
        print_text(&text)?;
    }
    Ok(if refused {
        Outcome::Invalid
    } else {
        Outcome::Success
    })
}

/// An exporter of `corpack::export`: bundle, output, force, progress.
type Exporter = fn(&Path, &Path, bool, &dyn Progress) -> corpack::Result<RepositoryExportReport>;

/// Runs one of the repository exports.
fn repository(run: Exporter, args: &ExportArgs) -> anyhow::Result<Outcome> {
    let bar = Bar::new("verifying", args.common.quiet || args.common.json);
    let report = run(&args.bundle, &args.output, args.force, &bar);
    bar.finish();
    let report = report.with_context(|| format!("cannot export {}", args.bundle.display()))?;
    if args.common.json {
        print_json(&report)?;
    } else {
        let mut text = String::new();
        for finding in &report.findings {
            text.push_str(&format!("{finding}\n"));
        }
        if report.exported {
            text.push_str(&format!(
                "exported {} as {} into {}: {} documents ({} held, {} metadata only), {} files\n",
                report.bundle.display(),
                report.format,
                report.output.display(),
                report.documents,
                report.held,
                report.not_held,
                report.files.len(),
            ));
        } else {
            text.push_str(&format!(
                "refused: {} has {} errors (above); nothing was written\n",
                report.bundle.display(),
                count(&report.findings, Severity::Error)
            ));
        }
        print_text(&text)?;
    }
    Ok(if report.exported {
        Outcome::Success
    } else {
        Outcome::Invalid
    })
}
