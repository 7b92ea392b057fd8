//! Command-line arguments. Doc comments here are the `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Package research corpora with provenance into reproducible BagIt +
/// RO-Crate bundles, and verify bags.
///
/// Exit status: 0 = success (warnings allowed), 1 = invalid (a bag or
/// collection with errors; findings are printed), 2 = usage or I/O error.
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
    /// Check a collection's records and files without packing.
    Check(CheckArgs),
    /// List the documents of a bundle.
    Show(ShowArgs),
    /// Write a bundle in a repository's import format. The bundle is
    /// verified first; one that does not verify is refused (exit 1).
    Export(ExportArgs),
}

/// The formats `corpack export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// DSpace Simple Archive Format: saf/item_NNN/, saf.zip for `dspace
    /// import -z`, and the registry file of corpack's local fields.
    DspaceSaf,
    /// DataCite 4.5 JSON: collection.json and documents/<id>.json.
    Datacite,
    /// InvenioRDM records for its REST API: collection.json and
    /// documents/<id>.json.
    Invenio,
}

/// `corpack export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The format to write.
    pub format: ExportFormat,
    /// A bundle (.zip) or a bag directory made by corpack.
    pub bundle: PathBuf,
    /// The directory to write.
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// Replace the output directory if it exists.
    #[arg(long)]
    pub force: bool,
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
    /// declares a checksum.
    #[arg(long)]
    pub strict: bool,
    /// Overwrite the bundle if it exists.
    #[arg(long)]
    pub force: bool,
    /// Worker threads (default: one per CPU). The bundle's bytes do not
    /// depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// `corpack verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A bundle (.zip) or a bag directory.
    pub bag: PathBuf,
    /// Check only completeness and Payload-Oxum, not checksums.
    #[arg(long)]
    pub fast: bool,
    /// Also check the bag against a BagIt profile (JSON, BagIt Profiles
    /// 1.3.0), such as corpack's own, manifests/bagit-profile.json.
    #[arg(long, value_name = "PROFILE.json")]
    pub profile: Option<PathBuf>,
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
    /// Treat documents that are catalogued but not held as errors.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// `corpack show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A bundle (.zip) or a bag directory made by corpack.
    pub bundle: PathBuf,
    #[command(flatten)]
    pub common: CommonArgs,
}
