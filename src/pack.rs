//! `pack`: a collection directory in, a reproducible bundle out.
//!
//! Everything is judged before anything is written: the records, each
//! document's file (found, a regular file, links kept inside), the names
//! policy, and what the collection directory holds that no record packs.
//! The bundle is then written to a temporary file beside the target, read
//! back and checked against what was read from the sources, and renamed
//! into place only then, so a failure leaves nothing behind. The sources
//! are only ever opened for reading.

use std::borrow::Cow;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;

use crate::bagit::PayloadOxum;
use crate::bundle::recheck;
use crate::bundle::tags::{self, Listing};
use crate::bundle::writer::{
    ArchiveWriter, FileSource, FileSources, Finished, StreamWriter, WriteOptions, Written,
    WrittenFile, WrittenFiles,
};
use crate::bundle::{
    self, HeldFile, PackedDocument, PackedDocuments, ROCRATE_METADATA, ROCRATE_PREVIEW,
};
use crate::collection::{self, Document, LoadedCollection, Located, Location, Records};
use crate::digest::FileDigests;
use crate::error::{Error, IoContext, RecordErrors, Result};
use crate::finding::{Finding, Severity};
use crate::names::{self, NameCheck, NamePolicy};
use crate::output::{self, AtomicFile};
use crate::progress::{Phase, Progress};
use crate::rocrate;

/// How to pack.
#[derive(Clone, Debug)]
pub struct PackOptions {
    /// Extra directories to look for document files in, after the
    /// collection directory.
    pub sources: Vec<PathBuf>,
    /// Make a document that is catalogued but not held, and a file no
    /// record references, an error.
    pub strict: bool,
    /// Replace an existing output file.
    pub force: bool,
    /// Worker threads.
    pub threads: usize,
    /// Names policy checks whose problems are only warnings.
    pub allow: Vec<NameCheck>,
    /// Read the bundle back and check it before putting it in place.
    pub recheck: bool,
}

/// The default deflate level: see BENCHMARKS.md for how it was chosen.
pub const DEFLATE_LEVEL: u32 = 2;

/// The default libdeflate level for data deflated in one piece (files up to
/// a chunk, tag files): see BENCHMARKS.md.
pub const WHOLE_DEFLATE_LEVEL: i32 = 1;

/// What a pack did.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct PackReport {
    /// The bundle written.
    pub output: PathBuf,
    /// The collection id (the bag's top directory).
    pub collection: String,
    /// Documents packed with their bytes.
    pub held: usize,
    /// Documents catalogued without their bytes.
    pub not_held: usize,
    /// Payload octets and files.
    pub payload_octets: u64,
    /// Payload file count (documents and RO-Crate files).
    pub payload_files: u64,
    /// Size of the bundle in bytes.
    pub bundle_size: u64,
    /// Whether the bundle was read back and checked before it was put in
    /// place (false only with `--no-recheck`).
    pub rechecked: bool,
    /// Names policy checks allowed to warnings that found something;
    /// `bag-info.txt` records them.
    pub allowed: Vec<NameCheck>,
    /// Temporary files of interrupted runs removed from the output's
    /// directory.
    pub removed_stale: Vec<PathBuf>,
    /// Warnings (documents not held, unreferenced files, allowed names).
    pub warnings: Vec<Finding>,
}

/// A collection judged fit to pack: nothing but warnings was found.
pub struct Prepared {
    /// The records.
    pub loaded: LoadedCollection,
    /// Where each document's bytes are.
    pub located: Located,
    /// Warnings, in the order found.
    pub warnings: Vec<Finding>,
    /// The allowed checks that found something.
    pub allowed: Vec<NameCheck>,
}

/// Loads and judges the collection in `dir`, writing nothing: fails on
/// any record error or any finding that is an error.
pub fn prepare(
    dir: &Path,
    sources: &[PathBuf],
    strict: bool,
    allow: &[NameCheck],
) -> Result<Prepared> {
    collection::require_dirs(sources)?;
    let mut loaded = collection::load(dir)?;
    let policy = NamePolicy::allowing(allow);
    // The names are checked while the files are looked for, and the
    // records are put in the order the RO-Crate writers read them: all
    // only read, and each took a tenth of a second on 40,000 records.
    let ((name_findings, reordered), located) = rayon::join(
        || {
            rayon::join(
                || names::check_records(&loaded, &policy),
                || {
                    let records = &loaded.records;
                    loaded.reorder(&bundle::crate_order_of(records.len(), |i| records.file(i)))
                },
            )
        },
        || -> Result<_> {
            let located = collection::locate(&loaded, sources, strict)?;
            let scanned = collection::scan(&loaded, &located, &policy, strict);
            Ok((located, scanned))
        },
    );
    let (mut located, scanned) = located?;
    if let Some(reordered) = reordered? {
        loaded.records.use_spill(reordered);
    }
    let mut findings = std::mem::take(&mut located.warnings);
    findings.extend(name_findings);
    findings.extend(scanned);
    if findings.iter().any(|f| f.severity == Severity::Error) {
        return Err(Error::refused(dir, "pack", findings));
    }
    Ok(Prepared {
        allowed: names::allowances_used(&findings),
        loaded,
        located,
        warnings: findings,
    })
}

/// What [`build`] wrote.
pub struct Built {
    /// The archive, flushed.
    pub archive: Finished,
    /// Documents held.
    pub held: usize,
    /// Payload octets and files.
    pub oxum: PayloadOxum,
    /// How many entries, from the first, had their data read back while
    /// the RO-Crate was made (see [`recheck::recheck_written`]).
    pub data_checked: usize,
}

/// Writes the bundle of `prepared` into the empty `file`, named `path` in
/// errors; large compressed entries spill to unnamed files in `spill_dir`.
/// With `read_back`, the documents' entries are read back while the
/// RO-Crate is made, on cores it leaves idle; [`recheck::recheck`] of the
/// result does the rest.
pub fn build(
    prepared: &Prepared,
    file: File,
    path: &Path,
    spill_dir: &Path,
    threads: usize,
    read_back: bool,
    progress: &dyn Progress,
) -> Result<Built> {
    let loaded = &prepared.loaded;
    let records = &loaded.records;
    let bag = loaded.info.id.as_str();

    let sources = HeldSources::of(bag, records, &prepared.located);
    let total: u64 = prepared
        .located
        .locations
        .iter()
        .filter_map(|location| match location {
            Location::Held(found) => Some(found.size),
            Location::NotHeld | Location::Unpackable { .. } => None,
        })
        .sum();
    progress.start(Phase::Packing, total);

    let mut writer = ArchiveWriter::new(
        file,
        path,
        spill_dir,
        WriteOptions {
            threads,
            level: DEFLATE_LEVEL,
            whole_level: WHOLE_DEFLATE_LEVEL,
        },
    )?;
    let check_declared = |i: usize, sha256: &[u8; 32]| {
        let index = sources.order[i] as usize;
        if !records.declares_sha256(index) {
            return Ok(());
        }
        let document = loaded.document(index)?;
        let actual = hex::encode(sha256);
        match &document.sha256 {
            Some(declared) if declared.as_str() != actual => {
                // Where it was read: with several sources, which copy.
                let message = format!(
                    "declared sha256 {declared} but the file {} has {actual}",
                    sources.path(i).display()
                );
                let error = loaded.document_error(index, "sha256", message);
                Err(Error::Records(RecordErrors(vec![error])))
            }
            _ => Ok(()),
        }
    };
    let files = writer.add_files(&sources, &check_declared, &|n| progress.advance(n))?;
    let mut archive_place = vec![NOT_HELD; records.len()];
    for (place, &index) in sources.order.iter().enumerate() {
        archive_place[index as usize] = place as u32;
    }
    let packed = Packed {
        records,
        locations: &prepared.located.locations,
        files: &files,
        archive_place: &archive_place,
    };
    // The preview's head holds a copy of the metadata, which is made once
    // and passed through a pipe to the preview's thread, as it is written.
    let (copy_from, copy_to) = io::pipe().at(path)?;
    let copy_from = Mutex::new(Some(copy_from));
    let copy_to = Mutex::new(Some(copy_to));
    let write_metadata = |out: &mut dyn io::Write| {
        let copy = copy_to.lock().expect("no writer panicked").take();
        // The pretty printer writes a few bytes at a time.
        let copy = copy.map(|pipe| io::BufWriter::with_capacity(PIPE_BUFFER, pipe));
        let mut tee = Tee { out, copy };
        rocrate::write_metadata_json(&loaded.info, &packed, Some(spill_dir), &mut tee)
    };
    let write_preview = |out: &mut dyn io::Write| {
        let copy = copy_from.lock().expect("no writer panicked").take();
        let mut json = copy.ok_or_else(|| io::Error::other("the preview is written once"))?;
        rocrate::write_preview_html_copying(&loaded.info, &packed, &mut json, spill_dir, out)
    };
    let crate_names = [ROCRATE_METADATA, ROCRATE_PREVIEW].map(|name| format!("{bag}/{name}"));
    let crate_streams: [(&str, &StreamWriter); 2] = [
        (&crate_names[0], &write_metadata),
        (&crate_names[1], &write_preview),
    ];
    let crate_files = if read_back {
        // One reader: the RO-Crate's writers leave about half a core idle,
        // waiting for each other. Two readers took more, lengthening
        // the writers' longest thread as much as they saved: packs of
        // many-small took 3.81 s (median of eight) against 3.63 s with one
        // and 3.83 s with none.
        let documents = |written: Written| recheck::recheck_written(written, path, 1, progress);
        writer.add_streams_beside(&crate_streams, &documents)?
    } else {
        writer.add_streams(&crate_streams)?
    };

    let crate_files: Vec<(String, WrittenFile)> =
        crate_names.into_iter().zip(crate_files).collect();
    let payload = Payload {
        bag,
        files: &files,
        crate_files: &crate_files,
    };
    let mut oxum = PayloadOxum::default();
    for place in 0..files.len() {
        oxum.add(files.get(place).at(path)?.size);
    }
    for (_, file) in &crate_files {
        oxum.add(file.size);
    }
    let bag_info = tags::bag_info(&loaded.info, oxum, &prepared.allowed);
    tags::add_tag_files(&mut writer, bag, &payload, &bag_info)?;
    Ok(Built {
        archive: writer.finish()?,
        held: sources.order.len(),
        oxum,
        data_checked: if read_back { sources.order.len() } else { 0 },
    })
}

/// Packs the collection in `collection_dir` into the bundle `output`.
pub fn pack(
    collection_dir: &Path,
    output: &Path,
    options: &PackOptions,
    progress: &dyn Progress,
) -> Result<PackReport> {
    let prepared = prepare(
        collection_dir,
        &options.sources,
        options.strict,
        &options.allow,
    )?;
    let read_only: Vec<&Path> = std::iter::once(collection_dir)
        .chain(options.sources.iter().map(PathBuf::as_path))
        .collect();
    refuse_output_inside(output, &read_only)?;

    let target = AtomicFile::create(output, options.force)?;
    let built = build(
        &prepared,
        target.file()?,
        output,
        target.dir(),
        options.threads,
        options.recheck,
        progress,
    )?;
    if options.recheck {
        let (threads, data_checked) = (options.threads, built.data_checked);
        recheck::recheck(&built.archive, output, threads, data_checked, progress)?;
    }
    let bundle_size = built.archive.file.metadata().at(output)?.len();
    drop(built.archive);
    let removed_stale = target.removed_stale().to_vec();
    target.commit()?;

    let documents = prepared.loaded.records.len();
    Ok(PackReport {
        output: output.to_path_buf(),
        collection: prepared.loaded.info.id.to_string(),
        held: built.held,
        not_held: documents - built.held,
        payload_octets: built.oxum.octets,
        payload_files: built.oxum.files,
        bundle_size,
        rechecked: options.recheck,
        allowed: prepared.allowed,
        removed_stale,
        warnings: prepared.warnings,
    })
}

/// Fails if `output` would be written inside one of `dirs`, which pack
/// only reads (its temporary file too would be made there), or is one of
/// them or holds one (see [`output::written_path`]).
fn refuse_output_inside(output: &Path, dirs: &[&Path]) -> Result<()> {
    // No directory above it can be found: it fails when made.
    let Some(written) = output::written_path(output) else {
        return Ok(());
    };
    for dir in dirs {
        let Ok(read) = dir.canonicalize() else {
            continue;
        };
        if read.starts_with(&written) {
            return Err(Error::OutputOverInput {
                output: output.to_path_buf(),
                input: dir.to_path_buf(),
            });
        }
        if written.starts_with(&read) {
            return Err(Error::OutputInSource {
                output: output.to_path_buf(),
                source_dir: dir.to_path_buf(),
            });
        }
    }
    Ok(())
}

/// The payload in manifest order: the documents, then `data/ro-crate-*`.
struct Payload<'a> {
    bag: &'a str,
    /// What was read of each document's file, with its entry's name.
    files: &'a WrittenFiles,
    /// The RO-Crate files by entry name.
    crate_files: &'a [(String, WrittenFile)],
}

impl Listing for Payload<'_> {
    fn visit(&self, visit: &mut dyn FnMut(&str, &FileDigests) -> io::Result<()>) -> io::Result<()> {
        let in_bag = self.bag.len() + 1;
        for file in self.files.iter() {
            let (name, file) = file?;
            visit(&name[in_bag..], &file.digests)?;
        }
        for (name, file) in self.crate_files {
            visit(&name[in_bag..], &file.digests)?;
        }
        Ok(())
    }
}

/// The size of a Linux pipe's buffer.
const PIPE_BUFFER: usize = 64 << 10;

/// Writes to `out`, and to `copy` while it takes what it is given: if the
/// reader of the copy fails, the error is the reader's to report.
struct Tee<'a, W> {
    out: &'a mut dyn io::Write,
    copy: Option<W>,
}

impl<W: io::Write> io::Write for Tee<'_, W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let written = self.out.write(bytes)?;
        if let Some(copy) = &mut self.copy
            && copy.write_all(&bytes[..written]).is_err()
        {
            self.copy = None;
        }
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// The archive place of a document not held.
const NOT_HELD: u32 = u32::MAX;

/// The held documents' files, in archive order: by entry name, byte-wise,
/// which is by the record's path in NFC, as every name starts with
/// `<bag>/data/documents/`. Each is made when the writer asks for it.
struct HeldSources<'a> {
    bag: &'a str,
    records: &'a Records,
    located: &'a Located,
    /// The records of the held documents, in archive order.
    order: Vec<u32>,
}

impl<'a> HeldSources<'a> {
    fn of(bag: &'a str, records: &'a Records, located: &'a Located) -> HeldSources<'a> {
        let mut order: Vec<u32> = (located.locations.iter().enumerate())
            .filter(|(_, location)| matches!(location, Location::Held(_)))
            .map(|(index, _)| u32::try_from(index).expect("fewer than 2^32 records"))
            .collect();
        let file = |index: &u32| records.file(*index as usize);
        if order
            .iter()
            .all(|index| matches!(names::nfc(file(index)), Cow::Borrowed(_)))
        {
            order.sort_unstable_by(|a, b| file(a).cmp(file(b)));
        } else {
            order.sort_by_cached_key(|index| names::nfc(file(index)).into_owned());
        }
        HeldSources {
            bag,
            records,
            located,
            order,
        }
    }
}

impl FileSources for HeldSources<'_> {
    fn count(&self) -> usize {
        self.order.len()
    }

    fn source(&self, place: usize) -> FileSource<'_> {
        let (file, dir, path) = self.held(place);
        FileSource {
            name: format!("{}/{}", self.bag, bundle::bag_path(file)).into(),
            dir,
            path: Cow::Borrowed(path),
        }
    }

    fn path(&self, place: usize) -> PathBuf {
        let (_, dir, path) = self.held(place);
        dir.join(path)
    }
}

impl HeldSources<'_> {
    /// The record's path of the document at `place`, and the directory and
    /// path of its file.
    fn held(&self, place: usize) -> (&str, &Path, &Path) {
        let index = self.order[place] as usize;
        let Location::Held(found) = &self.located.locations[index] else {
            unreachable!("only held documents have a place");
        };
        let file = self.records.file(index);
        let (dir, path) = self.located.target(found, file);
        (file, dir, path)
    }
}

/// The documents as packed, seen through the records, where their files
/// were found, and what the file phase read.
struct Packed<'a> {
    records: &'a Records,
    locations: &'a [Location],
    /// What was read of each held file, in archive order.
    files: &'a WrittenFiles,
    /// Each record's place in archive order, [`NOT_HELD`] when it is not
    /// held.
    archive_place: &'a [u32],
}

impl PackedDocuments for Packed<'_> {
    fn count(&self) -> usize {
        self.records.len()
    }

    fn file(&self, index: usize) -> &str {
        self.records.file(index)
    }

    fn id(&self, index: usize) -> &str {
        self.records.id(index)
    }

    fn is_held(&self, index: usize) -> bool {
        self.archive_place[index] != NOT_HELD
    }

    fn document(&self, index: usize) -> io::Result<PackedDocument<'_>> {
        self.packed(index, self.records.get(index)?)
    }

    fn documents<'a>(
        &'a self,
        indexes: &'a [usize],
    ) -> Box<dyn Iterator<Item = io::Result<PackedDocument<'a>>> + 'a> {
        let records = self.records.in_order(indexes);
        Box::new(
            indexes
                .iter()
                .zip(records)
                .map(|(&index, record)| self.packed(index, record?)),
        )
    }
}

impl Packed<'_> {
    /// The document at `index`, whose record is `record`.
    fn packed(&self, index: usize, record: Document) -> io::Result<PackedDocument<'_>> {
        let file = self.records.file(index);
        let original = match &self.locations[index] {
            Location::Held(found) => found.name(file),
            Location::NotHeld | Location::Unpackable { .. } => file,
        };
        let held = match self.archive_place[index] {
            NOT_HELD => None,
            place => {
                let written = self.files.get(place as usize)?;
                Some(Cow::Owned(HeldFile {
                    size: written.size,
                    digests: written.digests.to_hex(),
                }))
            }
        };
        Ok(PackedDocument {
            record: Cow::Owned(record),
            held,
            // The bag's name is the record's in NFC.
            original_name: (original != names::nfc(file)).then_some(Cow::Borrowed(original)),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::progress::testutil::Recorded;

    #[test]
    fn a_tee_goes_on_writing_when_its_copy_fails() {
        let (reader, writer) = io::pipe().unwrap();
        let mut out = Vec::new();
        let mut tee = Tee {
            out: &mut out,
            copy: Some(writer),
        };
        tee.write_all(b"first ").unwrap();
        drop(reader);
        tee.write_all(b"second").unwrap();
        assert!(tee.copy.is_none());
        assert_eq!(out, b"first second");
    }

    #[test]
    fn progress_totals_are_the_bytes_each_phase_advances() {
        // The seeds are not in the working directory, so a size looked up
        // relative to it would be missing.
        let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let out = tempfile::tempdir().unwrap();
        let options = PackOptions {
            sources: Vec::new(),
            strict: false,
            force: false,
            threads: 2,
            allow: Vec::new(),
            recheck: true,
        };
        let progress = Recorded::default();
        let report = pack(&seeds, &out.path().join("seeds.zip"), &options, &progress).unwrap();
        let phases = progress.phases();
        let [
            (Phase::Packing, files_total, files_done),
            (Phase::ReadingBack, documents_total, documents_done),
            (Phase::ReadingBack, rest_total, rest_done),
        ] = phases[..]
        else {
            panic!("three phases, the files and the read-back of them and of the rest: {phases:?}");
        };
        assert!(files_total > 0);
        assert_eq!(files_total, files_done);
        assert!(documents_total > 0);
        assert!(documents_total <= files_total);
        assert_eq!(documents_total, documents_done);
        assert!(rest_total > 0, "it reads back the metadata too");
        assert_eq!(rest_total, rest_done);
        assert!(documents_total + rest_total <= report.payload_octets + report.bundle_size);
    }
}
