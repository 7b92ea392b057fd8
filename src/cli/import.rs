//! `import csv` and `import bag`: run the library, print what was
//! written.

use anyhow::Context;
use corpack::import::bag::{BagImportOptions, import_bag};
use corpack::import::csv::{CsvImportOptions, import_csv};
use corpack::import::{CollectionFields, ImportReport};

use super::args::{CollectionFieldArgs, ImportBagArgs, ImportCsvArgs};
use super::{Outcome, print_json, print_text};

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
        for warning in &report.warnings {
            eprintln!("{warning}");
        }
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
