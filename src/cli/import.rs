//! `import csv` and `import bag`: run the library, print what was
//! written.

use std::path::Path;

use corpack::error::shown;
use corpack::import::bag::{BagImportOptions, import_bag};
use corpack::import::csv::{CsvImportOptions, import_csv};
use corpack::import::{CollectionFields, ImportReport};

use super::args::{CollectionFieldArgs, CommonArgs, ImportBagArgs, ImportCsvArgs};
use super::progress::Bar;
use super::{Outcome, cannot, counted, print_json, print_removed_stale, print_text};

fn fields(args: &CollectionFieldArgs) -> CollectionFields {
    CollectionFields {
        id: args.id.clone(),
        title: args.title.clone(),
        description: args.description.clone(),
        license: args.license.clone(),
        date: args.date,
        source_organization: args.source_organization.clone(),
        contact_name: args.contact_name.clone(),
        contact_email: args.contact_email.clone(),
    }
}

pub fn csv(args: &ImportCsvArgs) -> anyhow::Result<Outcome> {
    let options = CsvImportOptions {
        files: args.files.clone(),
        fields: fields(&args.fields),
        force: args.force,
        allow: args.allow.checks.clone(),
    };
    import(&args.csv, &args.common, |bar| {
        import_csv(&args.csv, &args.output, &options, bar)
    })
}

pub fn bag(args: &ImportBagArgs) -> anyhow::Result<Outcome> {
    let options = BagImportOptions {
        fields: fields(&args.fields),
        force: args.force,
        allow: args.allow.checks.clone(),
    };
    import(&args.bag, &args.common, |bar| {
        import_bag(&args.bag, &args.output, &options, bar)
    })
}

/// Runs an import of `source`, with a progress bar, and prints what it
/// wrote.
fn import(
    source: &Path,
    common: &CommonArgs,
    run: impl FnOnce(&Bar) -> corpack::Result<ImportReport>,
) -> anyhow::Result<Outcome> {
    let bar = Bar::new("importing", common.quiet || common.json);
    let report = run(&bar);
    bar.finish();
    let report = cannot(report, "import", source)?;
    if common.json {
        print_json(&report)?;
    } else {
        for warning in &report.warnings {
            eprintln!("{warning}");
        }
        print_removed_stale(&report.removed_stale);
        print_text(&format!(
            "imported {} into {}: {} copied, {} recorded, {} \
             catalogued without their file, {} with neither file nor sha256 (pack must find \
             their files)\n",
            counted(report.documents as u64, "document"),
            shown(&report.collection),
            counted(report.files_copied as u64, "file"),
            counted(report.checksums_recorded as u64, "checksum"),
            report.not_held.len(),
            report.files_needed.len(),
        ))?;
    }
    Ok(Outcome::Success)
}
