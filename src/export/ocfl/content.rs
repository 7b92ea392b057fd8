//! A version's content ([`stage_content`]): every file of the bag hashed,
//! and those whose content the object does not store yet copied into the
//! build, hashed again on the way.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;

use rayon::prelude::*;

use super::maps::KnownDigests;
use super::verified::VerifiedBundle;
use crate::bundle::reader::StoredFiles;
use crate::digest::chunks::for_each_chunk;
use crate::digest::{Algorithm, DigestsHasher, FileDigests};
use crate::error::{Error, IoContext, Result};
use crate::ocfl::DigestAlgorithm;
use crate::ocfl::Version;
use crate::output::create_dirs_in_temporary;
use crate::progress::{Phase, Progress};

/// What staging a version's content gave: each file's digests, in binary,
/// and the orders the inventory's maps list them in, which are made from
/// these as they are written ([`super::maps`]). At 160,000 files, maps of
/// hex text took 900 bytes a file, these about 120.
pub(super) struct Staged<'a> {
    /// The bag's files, sorted by path.
    files: &'a StoredFiles,
    /// The bag's top directory in the object's state: the collection id.
    top: String,
    /// The content directory's path from the object root.
    content_path: String,
    /// The object's digest algorithm.
    pub(super) algorithm: Algorithm,
    /// The other of the two corpack computes, for the fixity block.
    pub(super) fixity: Algorithm,
    /// Its name in the inventory.
    pub(super) fixity_algorithm: DigestAlgorithm,
    /// Each file's size and digests, by its index in `files`.
    hashed: Vec<(u64, FileDigests)>,
    /// Every file, by the state's key for it, then by path.
    pub(super) by_state_key: Vec<u32>,
    /// The files this export stores, by digest.
    pub(super) stored: Vec<u32>,
    /// The same, by digest of the fixity algorithm, then by path.
    pub(super) stored_by_fixity: Vec<u32>,
    /// The state's key of each file whose content the object stores under
    /// a key that is not in lowercase (§3.4 compares digests ignoring
    /// case; the state must repeat the manifest's, E050).
    spellings: HashMap<u32, &'a str>,
    pub(super) bytes_added: u64,
}

impl Staged<'_> {
    /// How many files the version's state has.
    pub(super) fn files(&self) -> u64 {
        self.files.len() as u64
    }

    /// How many files this export stores.
    pub(super) fn added(&self) -> u64 {
        self.stored.len() as u64
    }

    /// The file's digest with `algorithm` (the object's, or the fixity
    /// one), in binary.
    pub(super) fn digest(&self, index: u32, algorithm: Algorithm) -> &[u8] {
        self.hashed[index as usize]
            .1
            .get(algorithm)
            .expect("corpack computes both")
    }

    /// The file's digest with `algorithm` in lowercase hex.
    pub(super) fn hex<'b>(
        &self,
        index: u32,
        algorithm: Algorithm,
        buffer: &'b mut [u8; 128],
    ) -> &'b str {
        self.hashed[index as usize]
            .1
            .hex_in(algorithm, buffer)
            .expect("corpack computes both")
    }

    /// The state's key for the file: its digest as the object's manifest
    /// spells it.
    pub(super) fn state_key<'b>(&'b self, index: u32, buffer: &'b mut [u8; 128]) -> &'b str {
        match self.spellings.get(&index) {
            Some(spelled) => spelled,
            None => self.hex(index, self.algorithm, buffer),
        }
    }

    /// The file's logical path in the object.
    pub(super) fn logical_path(&self, index: u32) -> String {
        let mut path = String::new();
        self.logical_path_into(index, &mut path);
        path
    }

    /// The file's logical path in the object, in `path`, which is
    /// cleared first.
    fn logical_path_into(&self, index: u32, path: &mut String) {
        path.clear();
        path.push_str(&self.top);
        path.push('/');
        path.push_str(self.files.get(index as usize).path);
    }

    /// The path from the object root of the file's copy in this version's
    /// content.
    pub(super) fn content_path(&self, index: u32) -> String {
        format!("{}/{}", self.content_path, self.logical_path(index))
    }

    /// Whether `version`'s state is this one: the same logical paths, each
    /// with the same content.
    pub(super) fn is_state_of(&self, version: &Version) -> bool {
        let state = version.logical_state();
        let (mut buffer, mut path) = ([0; 128], String::new());
        state.len() == self.files.len()
            && (0..self.files.len() as u32).all(|index| {
                self.logical_path_into(index, &mut path);
                // §3.4 compares digests ignoring case.
                let at = state.binary_search_by(|(logical, _)| (*logical).cmp(path.as_str()));
                at.is_ok_and(|at| {
                    let hex = self.hex(index, self.algorithm, &mut buffer);
                    state[at].1.eq_ignore_ascii_case(hex)
                })
            })
    }
}

/// Hashes every file of the bag, then copies into `content_dir` (whose
/// path from the object root is `content_path`) the files whose content
/// the object does not store yet: of files with the same content, the
/// first by path. Each copy is hashed again on the way and must be the
/// bytes hashed first. Nothing is written for content already stored, so
/// a new version costs one read of the bundle, plus a read and a write of
/// what is new.
pub(super) fn stage_content<'a>(
    bundle: &'a VerifiedBundle,
    content_dir: &Path,
    content_path: &str,
    algorithm: DigestAlgorithm,
    known: &KnownDigests<'a>,
    progress: &dyn Progress,
) -> Result<Staged<'a>> {
    let files = bundle.store.files();
    u32::try_from(files.len()).map_err(|_| {
        Error::unreadable(
            bundle.store.location(),
            "more than 4,294,967,295 files: too many for one version".to_string(),
        )
    })?;
    progress.start(Phase::Hashing, files.iter().map(|f| f.size).sum());
    let hashed: Vec<(u64, FileDigests)> = (0..files.len())
        .into_par_iter()
        .map(|index| read_hashing(bundle, files.get(index).path, None, progress))
        .collect::<Result<_>>()?;
    let top = bundle.info.id.to_string();
    let staged = Staged::new(files, top, content_path, algorithm, hashed, known);
    progress.start(Phase::Copying, staged.bytes_added);
    staged
        .stored
        .par_iter()
        .map(|&index| {
            let source = files.get(index as usize).path;
            let target = content_dir.join(staged.logical_path(index));
            let parent = target.parent().expect("a content file has a directory");
            create_dirs_in_temporary(parent).at(parent)?;
            let (_, copied) = read_hashing(bundle, source, Some(&target), progress)?;
            if copied != staged.hashed[index as usize].1 {
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

impl<'a> Staged<'a> {
    /// The staged files of a version whose state is `files`, of the
    /// sizes and digests `hashed`, stored under `content_path` in an
    /// object of `algorithm` that stores the content `known` already.
    pub(super) fn new(
        files: &'a StoredFiles,
        top: String,
        content_path: &str,
        algorithm: DigestAlgorithm,
        hashed: Vec<(u64, FileDigests)>,
        known: &KnownDigests<'a>,
    ) -> Staged<'a> {
        let (algorithm, fixity, fixity_algorithm) = match algorithm {
            DigestAlgorithm::Sha256 => (
                Algorithm::Sha256,
                Algorithm::Sha512,
                DigestAlgorithm::Sha512,
            ),
            _ => (
                Algorithm::Sha512,
                Algorithm::Sha256,
                DigestAlgorithm::Sha256,
            ),
        };
        assert_eq!(
            hashed.len(),
            files.len(),
            "a size and digests for each file"
        );
        assert!(u32::try_from(files.len()).is_ok(), "a u32 for each file");
        let mut staged = Staged {
            files,
            top,
            content_path: content_path.to_string(),
            algorithm,
            fixity,
            fixity_algorithm,
            hashed,
            by_state_key: (0..files.len() as u32).collect(),
            stored: Vec::new(),
            stored_by_fixity: Vec::new(),
            spellings: HashMap::new(),
            bytes_added: 0,
        };
        staged.order(known);
        staged.bytes_added = (staged.stored.iter())
            .map(|&i| staged.hashed[i as usize].0)
            .sum();
        staged
    }

    /// Puts the files in the orders the maps list them in, and picks those
    /// to store: of each content the object does not have, the first file
    /// by path.
    fn order(&mut self, known: &KnownDigests<'a>) {
        let algorithm = self.algorithm;
        let mut by_digest = std::mem::take(&mut self.by_state_key);
        // Stable: files of one content stay in path order.
        by_digest.sort_by(|&a, &b| self.digest(a, algorithm).cmp(self.digest(b, algorithm)));
        let mut buffer = [0; 128];
        let (mut stored, mut spellings) = (Vec::new(), HashMap::new());
        let same = |a: &u32, b: &u32| self.digest(*a, algorithm) == self.digest(*b, algorithm);
        for group in by_digest.chunk_by(same) {
            let hex = self.hex(group[0], algorithm, &mut buffer);
            match known.get(hex) {
                None => stored.push(group[0]),
                Some(spelled) if spelled != hex => {
                    spellings.extend(group.iter().map(|&i| (i, spelled)));
                }
                Some(_) => {}
            }
        }
        (self.stored, self.spellings) = (stored, spellings);
        if !self.spellings.is_empty() {
            let (mut a_key, mut b_key) = ([0; 128], [0; 128]);
            by_digest.sort_by(|&a, &b| {
                self.state_key(a, &mut a_key)
                    .cmp(self.state_key(b, &mut b_key))
            });
        }
        self.by_state_key = by_digest;
        let fixity = self.fixity;
        let mut by_fixity = self.stored.clone();
        by_fixity.sort_by(|&a, &b| (self.digest(a, fixity), a).cmp(&(self.digest(b, fixity), b)));
        self.stored_by_fixity = by_fixity;
    }
}

/// Reads a bag file once, hashing it (SHA-256 and SHA-512) and, given a
/// `target`, copying it there (not yet synced to disk: the build is, as a
/// whole, before it goes into the object).
fn read_hashing(
    bundle: &VerifiedBundle,
    path: &str,
    target: Option<&Path>,
    progress: &dyn Progress,
) -> Result<(u64, FileDigests)> {
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
    Ok((size, hasher.finish_binary()))
}
