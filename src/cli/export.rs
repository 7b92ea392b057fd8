//! `corpack export`: runs the exporter of the chosen format and prints
//! what it wrote, or why the bundle was refused.

use anyhow::Context;

use super::args::{ExportArgs, ExportFormat};
use super::progress::Bar;
use super::{Outcome, print_json, print_text};

/// Runs `corpack export`.
pub fn export(args: &ExportArgs) -> anyhow::Result<Outcome> {
    let bar = Bar::new("verifying", args.common.quiet || args.common.json);
    let run = match args.format {
        ExportFormat::DspaceSaf => corpack::export::dspace::export,
        ExportFormat::Datacite => corpack::export::datacite::export,
        ExportFormat::Invenio => corpack::export::invenio::export,
    };
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
                "refused: {} does not verify; nothing was written\n",
                report.bundle.display()
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
