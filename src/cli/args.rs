//! Command-line arguments. Doc comments here are the `--help` text.

use std::num::NonZeroUsize;
use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use corpack::collection::values::{IsoDate, License, Slug};
use corpack::edtf::EdtfDate;
use corpack::names::NameCheck;

/// Package research corpora with provenance into reproducible BagIt +
/// RO-Crate bundles, and verify bags.
///
/// Exit status: 0 = success (warnings allowed), 1 = invalid (a bag or
/// collection with errors; findings are printed), 2 = usage or I/O error,
/// 130 and 143 = interrupted by SIGINT or SIGTERM (temporary outputs
/// removed).
#[derive(Debug, Parser)]
#[command(name = "corpack", version, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Pack a collection directory into a bundle (a zip holding a BagIt bag
    /// whose payload is an RO-Crate).
    Pack(PackArgs),
    /// Verify a bag, zipped or not, without extracting it.
    Verify(VerifyArgs),
    /// Check a collection's records and files without packing; warn about
    /// gaps in provenance.
    Check(CheckArgs),
    /// List the documents of a bundle or collection, optionally filtered.
    Show(ShowArgs),
    /// Make a collection directory from a CSV file or a bag.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Export a bundle, once verified, in another format: the records as
    /// CSV, or a repository's import format.
    Export(ExportArgs),
}

/// `corpack import …`.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// A collection from a CSV file of records, one row per document
    /// (Archivematica's metadata.csv form: filename, dc.* and corpack
    /// columns; a row whose filename is `objects` describes the
    /// collection). Nothing is written unless every row is good.
    Csv(ImportCsvArgs),
    /// A collection from a BagIt bag (a directory or a zip), verified first:
    /// made by another tool, bag-info.txt fills the collection and each
    /// payload file becomes a record to complete; a bundle corpack packed
    /// gives back its records.
    Bag(ImportBagArgs),
}

/// Collection fields for an import; they win over what the source says.
#[derive(Debug, Args)]
pub struct CollectionFieldArgs {
    /// collection.id (a slug).
    #[arg(long, value_name = "SLUG")]
    pub id: Option<Slug>,
    /// collection.title.
    #[arg(long)]
    pub title: Option<String>,
    /// collection.description.
    #[arg(long)]
    pub description: Option<String>,
    /// collection.license: an SPDX id or a URL (of the records and the
    /// bundle, not the documents).
    #[arg(long, value_name = "LICENSE")]
    pub license: Option<License>,
    /// collection.date, YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    pub date: Option<IsoDate>,
    /// collection.source_organization.
    #[arg(long, value_name = "NAME")]
    pub source_organization: Option<String>,
    /// collection.contact_name.
    #[arg(long, value_name = "NAME")]
    pub contact_name: Option<String>,
    /// collection.contact_email.
    #[arg(long, value_name = "EMAIL")]
    pub contact_email: Option<String>,
}

/// `corpack import csv`.
#[derive(Debug, Args)]
pub struct ImportCsvArgs {
    /// The CSV file (UTF-8).
    pub csv: PathBuf,
    /// The collection directory to write: made if missing (in a directory
    /// that exists), else added to.
    #[arg(short, long, value_name = "COLLECTION_DIR")]
    pub output: PathBuf,
    /// Copy the document files from here into the collection directory,
    /// checking each declared sha256 and recording the computed one where
    /// none is declared. A filename is looked up as written (objects/…),
    /// then without objects/.
    #[arg(long, value_name = "DIR")]
    pub files: Option<PathBuf>,
    #[command(flatten)]
    pub fields: CollectionFieldArgs,
    /// Replace an existing collection.toml and document files.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub allow: AllowArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// `corpack import bag`.
#[derive(Debug, Args)]
pub struct ImportBagArgs {
    /// The bag: a directory or a zip.
    pub bag: PathBuf,
    /// The collection directory to write: made if missing (in a directory
    /// that exists), else added to.
    #[arg(short, long, value_name = "COLLECTION_DIR")]
    pub output: PathBuf,
    #[command(flatten)]
    pub fields: CollectionFieldArgs,
    /// Replace an existing collection.toml and document files.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub allow: AllowArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Flags every command has.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Print one JSON document on stdout instead of text.
    #[arg(long)]
    pub json: bool,
    /// Print no progress bar.
    #[arg(short, long)]
    pub quiet: bool,
}

/// `corpack pack`.
#[derive(Debug, Args)]
pub struct PackArgs {
    /// The collection directory (holding collection.toml).
    pub collection: PathBuf,
    /// The bundle to write (a .zip file).
    #[arg(short, long, value_name = "BUNDLE")]
    pub output: PathBuf,
    /// Also look for document files here (repeatable; searched in order,
    /// after the collection directory).
    #[arg(long = "source", value_name = "DIR")]
    pub sources: Vec<PathBuf>,
    /// Fail when a document's file is not found, even if its record
    /// declares a checksum, or when the collection directory holds what no
    /// record packs: a file no record references, a system file
    /// (`.DS_Store`, `Thumbs.db`, …) or an empty directory.
    #[arg(long)]
    pub strict: bool,
    /// Overwrite the bundle if it exists.
    #[arg(long)]
    pub force: bool,
    /// Worker threads, 1 or more (default: one per CPU). The bundle's
    /// bytes do not depend on it.
    #[arg(long, value_name = "N", value_parser = thread_count)]
    pub threads: Option<NonZeroUsize>,
    #[command(flatten)]
    pub allow: AllowArgs,
    /// Do not read the bundle back before putting it in place. Unsafe: a
    /// bundle whose bytes are not what was read (a fault in writing it)
    /// then goes unnoticed until it is verified.
    #[arg(long)]
    pub no_recheck: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// `--allow`: the names policy checks that only warn.
#[derive(Debug, Args)]
pub struct AllowArgs {
    /// Make one names policy check a warning instead of an error
    /// (repeatable); when packing, what is allowed and found is recorded in
    /// the bundle's bag-info.txt; a bag imported with it needs it to be
    /// checked and packed too. nfc-collision and file-directory-collision
    /// cannot be allowed.
    #[arg(
        long = "allow",
        value_name = "CHECK",
        value_parser = name_check_parser(),
    )]
    pub checks: Vec<NameCheck>,
}

/// Parses the name of a check `--allow` accepts; `--help` lists them.
fn name_check_parser() -> impl TypedValueParser<Value = NameCheck> {
    PossibleValuesParser::new(NameCheck::allowable_names())
        .map(|name| name.parse::<NameCheck>().expect("a possible value"))
}

/// Parses `--threads`: no thread would do no work.
fn thread_count(value: &str) -> Result<NonZeroUsize, String> {
    value
        .parse()
        .map_err(|_| "expected a whole number of threads, 1 or more".to_string())
}

/// `corpack verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A bundle (.zip), a bag directory or an OCFL object directory.
    pub bag: PathBuf,
    /// Check only completeness and Payload-Oxum, not checksums (for an
    /// OCFL object: everything but the digests): a bag without error is
    /// then "complete", not "valid".
    #[arg(long, conflicts_with = "against")]
    pub fast: bool,
    /// Also check the bag against a BagIt profile (JSON, BagIt Profiles
    /// 1.3.0), such as corpack's own, manifests/bagit-profile.json.
    #[arg(long, value_name = "PROFILE.json", conflicts_with = "against")]
    pub profile: Option<PathBuf>,
    /// Instead of checking the bag, rebuild the bundle from this
    /// collection directory and report whether it is byte-identical, and
    /// where it first differs (exit 1 if it differs).
    #[arg(long, value_name = "COLLECTION_DIR")]
    pub against: Option<PathBuf>,
    /// With --against: the --source directories the bundle was packed
    /// with (repeatable, in order).
    #[arg(long = "source", value_name = "DIR", requires = "against")]
    pub sources: Vec<PathBuf>,
    /// With --against: allow a names policy check besides those the
    /// bundle records (repeatable).
    #[arg(
        long = "allow",
        value_name = "CHECK",
        requires = "against",
        value_parser = name_check_parser(),
    )]
    pub allow: Vec<NameCheck>,
    /// With --against: worker threads for the rebuild, 1 or more.
    #[arg(long, value_name = "N", requires = "against", value_parser = thread_count)]
    pub threads: Option<NonZeroUsize>,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// `corpack check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The collection directory (holding collection.toml).
    pub collection: PathBuf,
    /// Also look for document files here (repeatable).
    #[arg(long = "source", value_name = "DIR")]
    pub sources: Vec<PathBuf>,
    /// Turn every warning into an error: documents catalogued but not
    /// held, files no record references, system files, empty directories,
    /// and gaps in provenance (no date, origin, licence or rights; a
    /// dispute without aspects, summary, citations or assessor; a dispute
    /// described under a status other than contested). Allowed names
    /// policy checks stay warnings.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub allow: AllowArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// `corpack show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A bundle (.zip), a bag directory made by corpack, or a collection
    /// directory (holding collection.toml).
    pub source: PathBuf,
    /// Only contested documents.
    #[arg(long)]
    pub contested: bool,
    /// Only documents with a person or organization whose name contains
    /// NAME (any case).
    #[arg(long, value_name = "NAME")]
    pub author: Option<String>,
    /// Only documents whose date can fall in this EDTF date or interval,
    /// e.g. 1930/1939, 1937, 2000/.. (the widest readings must share a
    /// day).
    #[arg(long, value_name = "FROM/TO")]
    pub date_range: Option<EdtfDate>,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// `corpack export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The format to write.
    pub format: ExportFormat,
    /// A bundle (.zip) or a bag directory made by corpack; for `csv`, also
    /// a collection directory.
    pub bundle: PathBuf,
    /// Where to write: a directory or a file, depending on the format.
    #[arg(short, long, value_name = "DIR|FILE")]
    pub output: PathBuf,
    /// Replace the output if it exists. OCFL data is never replaced: an
    /// export into an object adds a version, and a storage root or a
    /// directory holding objects is refused.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// The formats of `corpack export`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// The records as a CSV file (a file) that `import csv` reads back.
    Csv,
    /// An OCFL 1.1 object (a directory). Into an existing object of the
    /// same collection, adds a version. Into an OCFL storage root whose
    /// layout corpack knows, the object goes where the layout puts it.
    Ocfl,
    /// DSpace Simple Archive Format (a directory): saf/item_NNN/, saf.zip
    /// for `dspace import -z`, and the registry file of corpack's local
    /// fields.
    DspaceSaf,
    /// DataCite 4.5 JSON records (a directory): collection.json and
    /// documents/<id>.json.
    Datacite,
    /// InvenioRDM records for its REST API (a directory): collection.json
    /// and documents/<id>.json.
    Invenio,
}
