//! A version's content ([`stage_content`]): every file of the bag hashed,
//! and those whose content the object does not store yet copied into the
//! build, hashed again on the way.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;

use rayon::prelude::*;

use super::verified::VerifiedBundle;
use crate::digest::chunks::for_each_chunk;
use crate::digest::{Digests, DigestsHasher};
use crate::error::{Error, IoContext, Result};
use crate::ocfl::DigestAlgorithm;
use crate::ocfl::inventory::DigestMap;
use crate::output::create_dirs_in_temporary;
use crate::progress::{Phase, Progress};

/// What staging a version's content gave.
pub(super) struct Staged {
    /// Digest → logical paths of every file of the bundle.
    pub(super) state: DigestMap,
    /// Digest → content path of each file stored.
    pub(super) manifest: DigestMap,
    /// The other algorithm of the two corpack computes.
    pub(super) fixity_algorithm: DigestAlgorithm,
    /// Its digest → content path of each file stored.
    pub(super) fixity: DigestMap,
    pub(super) files: u64,
    pub(super) added: u64,
    pub(super) bytes_added: u64,
}

impl Staged {
    /// Logical path → digest, as
    /// [`Version::logical_state`](crate::ocfl::Version::logical_state)
    /// gives it.
    pub(super) fn logical_state(&self) -> BTreeMap<&str, String> {
        let mut paths = BTreeMap::new();
        for (digest, logical_paths) in &self.state {
            for path in logical_paths {
                paths.insert(path.as_str(), digest.to_ascii_lowercase());
            }
        }
        paths
    }
}

/// One bag file, hashed.
struct Hashed {
    /// Its digest with the object's algorithm.
    digest: String,
    /// Its digest with the other algorithm, for the fixity block.
    other_digest: String,
    size: u64,
}

/// Hashes every file of the bag, then copies into `content_dir` (whose
/// path from the object root is `content_path`) the files whose content
/// the object does not store yet: of files with the same content, the
/// first by path. Each copy is hashed again on the way and must be the
/// bytes hashed first. Nothing is written for content already stored, so
/// a new version costs one read of the bundle, plus a read and a write of
/// what is new.
pub(super) fn stage_content(
    bundle: &VerifiedBundle,
    content_dir: &Path,
    content_path: &str,
    algorithm: DigestAlgorithm,
    known: &BTreeMap<String, String>,
    progress: &dyn Progress,
) -> Result<Staged> {
    let fixity_algorithm = match algorithm {
        DigestAlgorithm::Sha256 => DigestAlgorithm::Sha512,
        _ => DigestAlgorithm::Sha256,
    };
    let top = bundle.info.id.to_string();
    let files = bundle.store.files();
    progress.start(Phase::Hashing, files.iter().map(|f| f.size).sum());
    let hashed: Vec<Hashed> = files
        .par_iter()
        .map(|file| {
            let (size, digests) = read_hashing(bundle, &file.path, None, progress)?;
            let (digest, other_digest) = match algorithm {
                DigestAlgorithm::Sha256 => (digests.sha256, digests.sha512),
                _ => (digests.sha512, digests.sha256),
            };
            Ok(Hashed {
                digest,
                other_digest,
                size,
            })
        })
        .collect::<Result<_>>()?;
    let mut staged = Staged {
        state: DigestMap::new(),
        manifest: DigestMap::new(),
        fixity_algorithm,
        fixity: DigestMap::new(),
        files: hashed.len() as u64,
        added: 0,
        bytes_added: 0,
    };
    // The maps take the digests and paths as they are made; what the
    // copies need waits beside them: a file's index and digest (at 160,000
    // files, each hashed file held whole took 56 MB more).
    let logical = |index: usize| format!("{top}/{}", files[index].path);
    let mut new = Vec::new();
    for (index, file) in hashed.into_iter().enumerate() {
        let state_key = known.get(&file.digest).unwrap_or(&file.digest);
        staged
            .state
            .entry(state_key.clone())
            .or_default()
            .push(logical(index));
        if known.contains_key(&file.digest) || staged.manifest.contains_key(&file.digest) {
            continue;
        }
        staged.added += 1;
        staged.bytes_added += file.size;
        let content = format!("{content_path}/{}", logical(index));
        staged
            .fixity
            .insert(file.other_digest, vec![content.clone()]);
        staged.manifest.insert(file.digest.clone(), vec![content]);
        new.push((index, file.digest));
    }
    progress.start(Phase::Copying, staged.bytes_added);
    new.par_iter()
        .map(|(index, digest)| {
            let source = &files[*index].path;
            let target = content_dir.join(logical(*index));
            let parent = target.parent().expect("a content file has a directory");
            create_dirs_in_temporary(parent).at(parent)?;
            let (_, digests) = read_hashing(bundle, source, Some(&target), progress)?;
            let copied = match algorithm {
                DigestAlgorithm::Sha256 => digests.sha256,
                _ => digests.sha512,
            };
            if copied != *digest {
                return Err(Error::unreadable(
                    bundle.store.location(),
                    format!("{source} changed during the export"),
                ));
            }
            Ok(())
        })
        .collect::<Result<Vec<()>>>()?;
    Ok(staged)
}

/// Reads a bag file once, hashing it (SHA-256 and SHA-512) and, given a
/// `target`, copying it there (not yet synced to disk: the build is, as a
/// whole, before it goes into the object).
fn read_hashing(
    bundle: &VerifiedBundle,
    path: &str,
    target: Option<&Path>,
    progress: &dyn Progress,
) -> Result<(u64, Digests)> {
    let mut out = match target {
        Some(target) => Some(File::create(target).at(target)?),
        None => None,
    };
    let mut hasher = DigestsHasher::new();
    let mut size = 0u64;
    // A failed write is the target's error, not the bundle's.
    let mut write_error = None;
    let read = bundle.store.read_with(path, &mut |reader: &mut dyn Read| {
        size = for_each_chunk(reader, |bytes| {
            hasher.update(bytes);
            if let Some(out) = &mut out
                && let Err(error) = out.write_all(bytes)
            {
                write_error = Some(error);
                return Err(io::Error::other("the copy could not be written"));
            }
            progress.advance(bytes.len() as u64);
            Ok(())
        })?;
        Ok(())
    });
    if let (Some(error), Some(target)) = (write_error, target) {
        return Err(Error::io(target, error));
    }
    read.map_err(|error| Error::unreadable(bundle.store.location(), format!("{path}: {error}")))?;
    Ok((size, hasher.finish()))
}
