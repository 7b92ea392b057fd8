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
    /// Export a bundle, once verified, in a repository's import format.
    Export(ExportArgs),
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
    /// A bundle (.zip), a bag directory or an OCFL object directory.
    pub bag: PathBuf,
    /// Check only completeness and Payload-Oxum, not checksums (for an
    /// OCFL object: everything but the digests).
    #[arg(long)]
    pub fast: bool,
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

/// `corpack export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The format to write.
    pub format: ExportFormat,
    /// A bundle (.zip) or a bag directory made by corpack.
    pub bundle: PathBuf,
    /// Where to write: a directory or a file, depending on the format.
    #[arg(short, long, value_name = "DIR|FILE")]
    pub output: PathBuf,
    /// Replace the output if it exists. An OCFL object is never replaced:
    /// exporting into one adds a version.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// The formats of `corpack export`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// An OCFL 1.1 object (a directory). Into an existing object of the
    /// same collection, adds a version.
    Ocfl,
}
