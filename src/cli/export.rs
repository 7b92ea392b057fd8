//! `corpack export dspace-saf | datacite | invenio`: runs the exporter and
//! prints what it wrote, or why the bundle was refused.

use std::path::Path;

use anyhow::Context;

use super::args::ExportRepositoryArgs;
use super::progress::Bar;
use super::{Outcome, print_json, print_text};
use corpack::export::verified::RepositoryExportReport;
use corpack::progress::Progress;

/// An exporter of `corpack::export`: bundle, output, force, progress.
pub type Exporter =
    fn(&Path, &Path, bool, &dyn Progress) -> corpack::Result<RepositoryExportReport>;

/// Runs one of the repository exports.
pub fn repository(run: Exporter, args: &ExportRepositoryArgs) -> anyhow::Result<Outcome> {
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
