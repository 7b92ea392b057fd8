//! `import csv`, `import bag` and `export csv`: run the library, print
//! what was written.

use anyhow::Context;
use corpack::export::csv::export_csv as export;
use corpack::finding::Severity;
use corpack::import::bag::{BagImportOptions, import_bag};
use corpack::import::csv::{CsvImportOptions, import_csv};
use corpack::import::{CollectionFields, ImportReport};

use super::args::{CollectionFieldArgs, ExportCsvArgs, ImportBagArgs, ImportCsvArgs};
use super::progress::Bar;
use super::{Outcome, count, print_json, print_text};

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
    };
    let report = import_csv(&args.csv, &args.output, &options)
        .with_context(|| format!("cannot import {}", args.csv.display()))?;
    print_import(&report, args.common.json)
}

pub fn bag(args: &ImportBagArgs) -> anyhow::Result<Outcome> {
    let options = BagImportOptions {
        fields: fields(&args.fields),
        force: args.force,
    };
    let report = import_bag(&args.bag, &args.output, &options)
        .with_context(|| format!("cannot import {}", args.bag.display()))?;
    print_import(&report, args.common.json)
}

fn print_import(report: &ImportReport, json: bool) -> anyhow::Result<Outcome> {
    if json {
        print_json(report)?;
    } else {
        print_text(&format!(
            "imported {} documents into {}: {} files copied, {} checksums recorded, {} \
             catalogued without their file\n",
            report.documents,
            report.collection.display(),
            report.files_copied,
            report.checksums_recorded,
            report.not_held.len(),
        ))?;
    }
    Ok(Outcome::Success)
}

pub fn export_csv(args: &ExportCsvArgs) -> anyhow::Result<Outcome> {
    let bar = Bar::new("verifying", args.common.quiet || args.common.json);
    let report = export(&args.source, &args.output, args.force, &bar);
    bar.finish();
    let report = report.with_context(|| format!("cannot export {}", args.source.display()))?;
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
                "refused: {} does not verify ({} errors); nothing written\n",
                report.source.display(),
                count(&report.findings, Severity::Error)
            ));
        }
        print_text(&text)?;
    }
    Ok(Outcome::from_valid(report.written))
}
