//! `pack`: a collection directory in, a reproducible bundle out.
//!
//! The bundle is written to a temporary file beside the target and renamed
//! into place only when complete, so a failure leaves nothing behind.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::bagit::PayloadOxum;
use crate::bundle::tags::{self, Listed};
use crate::bundle::writer::{ArchiveWriter, FileSource, WriteOptions};
use crate::bundle::{HeldFile, PackedDocument, ROCRATE_METADATA, ROCRATE_PREVIEW};
use crate::collection::{self, Location};
use crate::digest::Digests;
use crate::error::{Error, IoContext, Result};
use crate::finding::Finding;
use crate::output::AtomicFile;
use crate::progress::Progress;
use crate::rocrate;

/// How to pack.
#[derive(Clone, Debug)]
pub struct PackOptions {
    /// Extra directories to look for document files in, after the
    /// collection directory.
    pub sources: Vec<PathBuf>,
    /// Make a document that is catalogued but not held an error.
    pub strict: bool,
    /// Replace an existing output file.
    pub force: bool,
    /// Worker threads.
    pub threads: usize,
}

/// The default deflate level: see BENCHMARKS.md for how it was chosen.
pub const DEFLATE_LEVEL: u32 = 6;

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
    /// Warnings (e.g. documents not held).
    pub warnings: Vec<Finding>,
}

/// Packs the collection in `collection_dir` into the bundle `output`.
pub fn pack(
    collection_dir: &Path,
    output: &Path,
    options: &PackOptions,
    progress: &dyn Progress,
) -> Result<PackReport> {
    let loaded = collection::load(collection_dir)?;
    let located = collection::locate(&loaded, &options.sources, options.strict)?;
    let collection = &loaded.collection;
    let bag = collection.info.id.as_str();

    // Held documents in archive order: by bag path, byte-wise.
    let mut held: Vec<(usize, PathBuf)> = located
        .locations
        .iter()
        .enumerate()
        .filter_map(|(index, location)| match location {
            Location::Held(path) => Some((index, path.clone())),
            Location::NotHeld => None,
        })
        .collect();
    held.sort_by(|a, b| {
        let file = |i: usize| collection.documents[i].file.as_str().as_bytes();
        file(a.0).cmp(file(b.0))
    });
    let sources: Vec<FileSource> = held
        .iter()
        .map(|(index, path)| FileSource {
            name: format!("{bag}/data/documents/{}", collection.documents[*index].file),
            path: path.clone(),
        })
        .collect();
    let total: u64 = held
        .iter()
        .map(|(_, path)| path.metadata().map_or(0, |m| m.len()))
        .sum();
    progress.start(total);

    let target = AtomicFile::create(output, options.force)?;
    let mut writer = ArchiveWriter::new(
        target.file()?,
        output,
        target.dir(),
        WriteOptions {
            threads: options.threads,
            level: DEFLATE_LEVEL,
        },
    );
    let check_declared = |i: usize, written: &crate::bundle::writer::WrittenFile| {
        let (index, path) = &held[i];
        let document = &collection.documents[*index];
        match &document.sha256 {
            Some(declared) if declared.as_str() != written.digests.sha256 => {
                Err(Error::ChecksumMismatch {
                    path: path.clone(),
                    id: document.id.to_string(),
                    declared: declared.to_string(),
                    actual: written.digests.sha256.clone(),
                })
            }
            _ => Ok(()),
        }
    };
    let written = writer.add_files(&sources, &check_declared, &|n| progress.advance(n))?;

    let mut packed: Vec<PackedDocument> = collection
        .documents
        .iter()
        .map(|record| PackedDocument {
            record: record.clone(),
            held: None,
        })
        .collect();
    for ((index, _), file) in held.iter().zip(&written) {
        packed[*index].held = Some(HeldFile {
            size: file.size,
            digests: file.digests.clone(),
        });
    }
    let metadata = rocrate::metadata_json(&collection.info, &packed);
    let preview = rocrate::preview_html(&collection.info, &packed);

    let mut payload: Vec<(String, u64, Digests)> = held
        .iter()
        .zip(&written)
        .map(|((index, _), file)| {
            let path = packed[*index].bag_path();
            (path, file.size, file.digests.clone())
        })
        .collect();
    for (path, text) in [(ROCRATE_METADATA, &metadata), (ROCRATE_PREVIEW, &preview)] {
        payload.push((
            path.to_string(),
            text.len() as u64,
            Digests::of(text.as_bytes()),
        ));
        writer.add_bytes(&format!("{bag}/{path}"), text.as_bytes())?;
    }
    let mut oxum = PayloadOxum::default();
    for (_, size, _) in &payload {
        oxum.add(*size);
    }
    let listed: Vec<Listed> = payload.iter().map(|(p, _, d)| (p.as_str(), d)).collect();
    let bag_info = tags::bag_info(&collection.info, oxum);
    for (name, text) in tags::tag_files(&listed, bag_info) {
        writer.add_bytes(&format!("{bag}/{name}"), text.as_bytes())?;
    }
    let file = writer.finish()?;
    let bundle_size = file.metadata().at(output)?.len();
    drop(file);
    target.commit()?;

    Ok(PackReport {
        output: output.to_path_buf(),
        collection: bag.to_string(),
        held: held.len(),
        not_held: collection.documents.len() - held.len(),
        payload_octets: oxum.octets,
        payload_files: oxum.files,
        bundle_size,
        warnings: located.warnings,
    })
}
