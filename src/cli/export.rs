//! `corpack export <FORMAT>`: runs the library's export and prints what it
//! did, or why the bundle was refused.

use std::path::Path;

use anyhow::Context;

use super::args::{ExportArgs, ExportFormat};
use super::progress::Bar;
use super::{Outcome, cannot, counted, print_json, print_removed_stale, print_text};
use corpack::error::shown;
use corpack::export::csv;
use corpack::export::ocfl::{self, OcflAction, OcflExportOptions};
use corpack::export::verified::RepositoryExportReport;
use corpack::export::{datacite, dspace, invenio};
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
    let report = cannot(report, "export", &args.bundle)?;
    if args.common.json {
        print_json(&report)?;
    } else {
        print_removed_stale(&report.removed_stale);
        let mut text = String::new();
        for finding in &report.findings {
            text.push_str(&format!("{finding}\n"));
        }
        if report.written {
            text.push_str(&format!(
                "exported {} of {} to {}\n",
                counted(report.documents as u64, "document"),
                shown(&report.source),
                shown(&report.output)
            ));
        } else {
            text.push_str(&format!(
                "refused: {} has {} (above); nothing was written\n",
                shown(&report.source),
                counted(report.errors, "error")
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
            shown(&args.bundle),
            shown(&args.output)
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
        let object = shown(&report.object);
        text.push_str(&match report.action {
            OcflAction::Created => format!(
                "created the OCFL object {id} in {object}: {head} holds {}\n",
                counted(report.files as u64, "file")
            ),
            OcflAction::VersionAdded => format!(
                "added {head} to the OCFL object {id} in {object}: {}, {} new ({}), {} already stored\n",
                counted(report.files as u64, "file"),
                report.content_files_added,
                counted(report.content_bytes_added, "byte"),
                report.deduplicated
            ),
            OcflAction::Unchanged => format!(
                "nothing to do: the head {head} of the OCFL object {id} in {object} already holds this bundle\n"
            ),
            OcflAction::Refused if report.object_findings.is_empty() => format!(
                "refused: {} has {} (above); nothing was written\n",
                shown(&report.bundle),
                counted(report.bundle_errors, "error")
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
    let report = cannot(report, "export", &args.bundle)?;
    if args.common.json {
        print_json(&report)?;
    } else {
        print_removed_stale(&report.removed_stale);
        let mut text = String::new();
        for finding in &report.findings {
            text.push_str(&format!("{finding}\n"));
        }
        if report.exported {
            text.push_str(&format!(
                "exported {} as {} into {}: {} ({} held, {} metadata only), {}\n",
                shown(&report.bundle),
                report.format,
                shown(&report.output),
                counted(report.documents as u64, "document"),
                report.held,
                report.not_held,
                counted(report.files.len() as u64, "file"),
            ));
        } else {
            text.push_str(&format!(
                "refused: {} has {} (above); nothing was written\n",
                shown(&report.bundle),
                counted(report.errors, "error")
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
