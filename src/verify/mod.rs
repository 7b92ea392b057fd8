//! `verify`: judging a bag, zipped or not, without extracting it.
//!
//! The checks follow RFC 8493 §3: what the store found while listing the
//! bag (names, links, zip entries it will not read), the bag declaration,
//! `bag-info.txt`, the manifests and their paths, `fetch.txt`, names that
//! collide across systems, completeness (every payload file listed, every
//! listed file present), `Payload-Oxum`, then validity (every checksum), and
//! the RO-Crate metadata, when the payload has one, against the payload,
//! and the records in it, when corpack wrote it.
//! Everything wrong is a [`Finding`]; only a bag that cannot be read at all
//! is an [`Error`].
//!
//! A bag whose manifests or `fetch.txt` name a path that could leave it
//! (`../`, `/`, `~`, a drive letter, a backslash) is judged without hashing
//! any file: its paths are rejected before any is opened, and what the
//! RO-Crate metadata, read beside the tag files, says is set aside.

mod completeness;
mod crate_metadata;
mod crate_records;
pub(crate) mod declaration;
mod fetch;
pub(crate) mod findings;
mod manifests;
mod names;
mod payload;
#[cfg(test)]
mod testutil;

use std::path::{Path, PathBuf};

use serde::Serialize;

pub use self::findings::MAX_PER_CODE;
use self::findings::{Counts, Findings};
use crate::bundle::reader::{self, BagStore};
use crate::collection::CollectionInfo;
use crate::error::{Error, Result};
use crate::finding::Finding;
use crate::progress::Progress;
use crate::rocrate::BundleRecords;

/// How much to check.
#[derive(Clone, Copy, Debug, Default)]
pub struct VerifyOptions {
    /// Only completeness and `Payload-Oxum`: no checksums are computed.
    pub fast: bool,
}

/// What the findings show of a bag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// No error, and every checksum verified.
    Valid,
    /// No error found by a fast check, which verifies no checksum: the
    /// bag is complete, but not shown valid, which RFC 8493 §2.2.2 allows
    /// only once the checksums are verified.
    Complete,
    /// Some error.
    Invalid,
}

impl Verdict {
    /// The verdict of a check that found `errors` errors, and verified the
    /// checksums unless `fast`.
    pub fn of(errors: u64, fast: bool) -> Verdict {
        match (errors, fast) {
            (0, false) => Verdict::Valid,
            (0, true) => Verdict::Complete,
            _ => Verdict::Invalid,
        }
    }

    /// The word for it: `valid`, `complete` or `invalid`.
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Valid => "valid",
            Verdict::Complete => "complete",
            Verdict::Invalid => "invalid",
        }
    }
}

/// The verdict on one bag.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Report {
    /// The bag: a directory or a zip file.
    pub location: PathBuf,
    /// The `BagIt-Version` it declares, if readable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bagit_version: Option<String>,
    /// For an OCFL object root instead of a bag: the OCFL version it
    /// declares (`1.1`), or `unknown`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ocfl_version: Option<String>,
    /// Whether the verdict is `valid`: no error finding, every checksum
    /// verified (never with `--fast`).
    pub valid: bool,
    /// `valid`; `complete` when `--fast` found no error; `invalid`.
    pub verdict: Verdict,
    /// Whether the checksums were left unverified (`--fast`).
    #[serde(skip)]
    pub fast: bool,
    /// Files whose checksums were computed.
    pub files_checked: u64,
    /// Bytes read to compute them.
    pub bytes_checked: u64,
    /// How many findings are errors, those left out of `findings` too.
    pub errors: u64,
    /// How many findings are warnings, those left out of `findings` too.
    pub warnings: u64,
    /// Everything found, errors and warnings, in the order found; at most
    /// [`MAX_PER_CODE`] of one code, then one saying how many more.
    pub findings: Vec<Finding>,
}

impl Report {
    /// Adds `more` findings (a profile's, or those an export finds in the
    /// records), all listed, to the report, its counts and its verdict.
    pub fn add_findings(&mut self, more: Vec<Finding>) {
        let counts = Counts::of(&more);
        self.errors += counts.errors;
        self.warnings += counts.warnings;
        self.set_verdict();
        self.findings.extend(more);
    }

    /// A report on `location` with nothing found yet, whose verdict
    /// [`Report::set_verdict`] sets once the findings are in.
    pub(crate) fn empty(location: PathBuf, fast: bool) -> Report {
        Report {
            location,
            bagit_version: None,
            ocfl_version: None,
            valid: false,
            verdict: Verdict::Invalid,
            fast,
            files_checked: 0,
            bytes_checked: 0,
            errors: 0,
            warnings: 0,
            findings: Vec::new(),
        }
    }

    /// Sets the verdict from the count of errors.
    pub fn set_verdict(&mut self) {
        self.verdict = Verdict::of(self.errors, self.fast);
        self.valid = self.verdict == Verdict::Valid;
    }
}

/// Verifies the bag at `path`: a directory or a zip.
pub fn verify_path(path: &Path, options: VerifyOptions, progress: &dyn Progress) -> Result<Report> {
    // `corpack verify seeds/collection.toml`, where `check` was meant.
    if path.file_name() == Some(crate::collection::COLLECTION_FILE.as_ref()) && path.is_file() {
        let message = "a collection's records, not a bag: `corpack check` checks the collection \
                       (give its directory), `corpack pack` makes a bundle of it";
        return Err(Error::io(path, std::io::Error::other(message)));
    }
    refuse_ocfl_non_object(path)?;
    if crate::ocfl::is_object_root(path) {
        return crate::ocfl::validate::verify_report(path, options, progress);
    }
    let store = reader::open(path)?;
    Ok(verify(store.as_ref(), options, progress))
}

/// Refuses a directory that is OCFL data but no object root, which
/// `verify` does not judge, saying what it is and what to verify instead:
/// a storage root or a directory of its storage hierarchy, whose objects
/// `verify` validates one at a time, and a directory inside an object,
/// whose root it validates. Judged as a bag, each was only a bag with no
/// `bagit.txt`.
fn refuse_ocfl_non_object(path: &Path) -> Result<()> {
    use crate::ocfl::OcflPlace;
    let Some(place) = crate::ocfl::ocfl_place(path) else {
        return Ok(());
    };
    let verify_one = |example: Option<PathBuf>| match example {
        Some(example) => format!(
            "verify its objects one at a time, such as `corpack verify {}`",
            path.join(example).display()
        ),
        None => "it holds no OCFL object to verify".to_string(),
    };
    let message = match place {
        OcflPlace::StorageRoot {
            declaration,
            example,
        } => format!(
            "an OCFL storage root (it has `{declaration}`), not a bag nor an OCFL object, \
             and corpack does not validate storage roots: {}, and the root itself with an \
             OCFL validator, such as ocfl-py's `ocfl-validate.py {}`",
            verify_one(example),
            path.display()
        ),
        OcflPlace::InStorageHierarchy { root, example } => format!(
            "a directory of the storage hierarchy of the OCFL storage root {}, not a bag \
             nor an OCFL object: {}",
            root.display(),
            verify_one(example)
        ),
        OcflPlace::InRootExtensions { root } => format!(
            "a directory of the extensions of the OCFL storage root {}, outside its storage \
             hierarchy, not a bag nor an OCFL object",
            root.display()
        ),
        OcflPlace::InObject { object } => format!(
            "a directory inside the OCFL object {}, not a bag nor an OCFL object: verify \
             the object, `corpack verify {}`",
            object.display(),
            object.display()
        ),
    };
    Err(Error::unreadable(path, message))
}

/// Refuses OCFL data where a bag is wanted (`doing` says by what): what
/// [`refuse_ocfl_non_object`] refuses, and an OCFL object, saying what
/// validates it. Judged as a bag, an object was a bag with no `bagit.txt`,
/// told to unzip what is not zipped.
pub(crate) fn refuse_ocfl(path: &Path, doing: &str) -> Result<()> {
    refuse_ocfl_non_object(path)?;
    if crate::ocfl::declared(path) != Some(crate::ocfl::Declared::Object) {
        return Ok(());
    }
    Err(Error::unreadable(
        path,
        format!(
            "an OCFL object, not a bag: {doing}; `corpack verify {}` validates the object, \
             and the bag corpack exported is its version's content",
            path.display()
        ),
    ))
}

/// What verify keeps of the records it judges, for an export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordsKept {
    /// Nothing: a verification alone.
    Nothing,
    /// The collection's description and the [`JudgedRecords`] counts.
    Counts,
    /// The records too.
    Records,
}

/// What verify read of the records of a crate corpack wrote, when it
/// judged them: what an export needs of them, which it then does not read
/// whole.
#[derive(Debug)]
pub struct JudgedRecords {
    /// The collection's description.
    pub info: CollectionInfo,
    /// The records: one for each time the root lists a document.
    pub documents: usize,
    /// Of those, how many have a file the bag holds.
    pub held: usize,
    /// The records, in file path order, if [`RecordsKept::Records`]: past
    /// their first 8 MiB on disk, a few dozen bytes of each in memory; or
    /// why they could not all be kept.
    pub records: Option<std::io::Result<BundleRecords>>,
}

/// Verifies a bag.
pub fn verify(store: &dyn BagStore, options: VerifyOptions, progress: &dyn Progress) -> Report {
    verify_judging(store, options, progress, RecordsKept::Nothing).0
}

/// Verifies a bag, and gives what `kept` asks of its records if they were
/// judged and the collection's description reads. They are not judged
/// with `--fast`, in a crate of another tool's or one that does not read,
/// nor past [`crate::rocrate::MAX_KEPT_BYTES`].
pub fn verify_judging(
    store: &dyn BagStore,
    options: VerifyOptions,
    progress: &dyn Progress,
    kept: RecordsKept,
) -> (Report, Option<JudgedRecords>) {
    let mut findings = Findings::default();
    let mut report = Report::empty(store.location().to_path_buf(), options.fast);
    let mut judged = None;
    findings.extend(store.findings().iter().cloned());
    if let Some(declaration) = declaration::read(store, &mut findings) {
        std::thread::scope(|scope| {
            // The crate is read beside the tag files, which take one core:
            // on many small files the two take a fifth of the whole
            // verify. What it finds is dropped if the bag is not to be read.
            let described = scope.spawn(|| {
                let mut found = Findings::default();
                (crate_metadata::described_files(store, &mut found), found)
            });
            report.bagit_version = Some(declaration.version_text.clone());
            let bag_info = declaration::read_bag_info(store, &declaration, &mut findings);
            let resolver = names::Resolver::new(store);
            let manifests = manifests::read(store, &declaration, &resolver, &mut findings);
            let resolver = resolver.with_listed(&manifests.list);
            let fetch = fetch::read(store, &declaration, &resolver, &mut findings);
            names::check_collisions(store, &mut findings);
            names::check_listed_case(store, &manifests.list, &mut findings);
            names::check_system_files(store, &manifests.list, &mut findings);
            completeness::check(
                store,
                &manifests.list,
                &fetch,
                declaration.is_rfc(),
                &mut findings,
            );
            declaration::check_oxum(
                store,
                bag_info.as_ref(),
                declaration.is_rfc(),
                fetch.absent(store),
                &mut findings,
            );
            let read_nothing = manifests.has_unsafe_path || fetch.has_unsafe_path;
            let (described, found) = joined(described);
            let described = if read_nothing {
                None
            } else {
                findings.extend(found.into_vec());
                described
            };
            // Another tool's crate holds no records of corpack's, and is
            // not read again.
            let judge_records =
                !options.fast && described.as_ref().is_some_and(|d| d.corpack_terms);
            let records = judge_records.then(|| scope.spawn(|| crate_records::check(store, kept)));
            let mut checked = payload::Checked::default();
            if !options.fast && !read_nothing {
                let sha256_wanted: &dyn payload::Sha256Wants = match &described {
                    Some(described) => described,
                    None => &payload::NoSha256Wanted,
                };
                checked = payload::check_digests(
                    store,
                    &manifests.list,
                    sha256_wanted,
                    progress,
                    &mut findings,
                );
            }
            report.files_checked = checked.files;
            report.bytes_checked = checked.bytes;
            if let Some(described) = &described {
                crate_metadata::check(store, described, &checked, &mut findings);
            }
            if let Some((found, records)) = records.map(joined) {
                findings.extend(found);
                judged = records;
            }
        });
    }
    let counts = findings.counts();
    (report.errors, report.warnings) = (counts.errors, counts.warnings);
    report.set_verdict();
    report.findings = findings.into_vec();
    (report, judged)
}

/// What a thread of verify's gave, or its panic again.
fn joined<T>(thread: std::thread::ScopedJoinHandle<'_, T>) -> T {
    thread
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}
