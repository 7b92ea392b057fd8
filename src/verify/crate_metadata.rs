//! The RO-Crate metadata against the payload: every `File` it describes is
//! present, with the size (when stated as a number of bytes, not as
//! schema.org's other words for it, `12 kB`) and SHA-256 it states. A crate
//! of another RO-Crate version than 1.1 is not compared at all: a warning.
//!
//! The crate is read as a stream ([`rocrate::read_files`]), and of each file
//! it describes verify keeps 16 bytes until the payload is hashed: the
//! stored file it is and which SHA-256 stated is its, compared while the
//! file is hashed. The SHA-256s stated wait, past their first MiB, in a
//! temporary file, as a manifest's digests do: at 160,000 files they were
//! 5 MB of verify's peak. Only a file that is absent, has another size, or
//! whose SHA-256 is not written as corpack writes it is kept as read, path
//! and all. Each stored file costs 4 bytes more: which described file it
//! is.

use std::io::{self, Read};

use super::findings::Findings;
use super::names::Resolver;
use super::payload::{Checked, Sha256Wanted, Sha256Wants};
use crate::bundle::reader::{self, BagStore};
use crate::bundle::{ROCRATE_METADATA, ROCRATE_PREVIEW};
use crate::finding::{Code, Finding};
use crate::rocrate::{self, CrateFile, ReadError};
use crate::spilled_bytes::{Bounds, Span, SpilledBytes};

/// The SHA-256s stated held in memory; past them, they wait in a temporary
/// file.
const STATED_IN_MEMORY: usize = if cfg!(test) { 64 } else { 1 << 20 };
/// Those bound for the file are written this many bytes at a time.
const STATED_WRITTEN: usize = if cfg!(test) { 128 } else { 64 << 10 };

/// A file the metadata describes, as verify keeps it.
#[derive(Debug)]
pub enum DescribedFile {
    /// A stored file whose size, if stated, agrees; its SHA-256, if stated
    /// in lowercase hexadecimal as corpack and `sha256sum` write it, by its
    /// number in [`Described::stated`].
    Stored {
        /// Its index in [`BagStore::files`].
        index: u32,
        sha256: Option<u32>,
    },
    /// Any other, as read, with its index in [`BagStore::files`] if stored.
    AsRead(Box<(CrateFile, Option<usize>)>),
}

impl DescribedFile {
    fn new(store: &dyn BagStore, file: CrateFile, stated: &mut StatedDigests) -> DescribedFile {
        let index = store.position(&bag_path(&file));
        let stored = index.map(|index| store.files().get(index));
        let size_agrees = match (stored, file.content_size) {
            (Some(stored), Some(size)) => stored.size == size,
            (stored, _) => stored.is_some(),
        };
        let sha256 = file.sha256.as_deref().map(lowercase_sha256);
        let kept = match (index.map(u32::try_from), sha256) {
            (Some(Ok(index)), None) if size_agrees => Some((index, None)),
            (Some(Ok(index)), Some(Some(digest))) if size_agrees => {
                stated.push(&digest).map(|number| (index, Some(number)))
            }
            _ => None,
        };
        match kept {
            Some((index, sha256)) => DescribedFile::Stored { index, sha256 },
            None => DescribedFile::AsRead(Box::new((file, index))),
        }
    }

    /// The index of the stored file it is, if stored.
    fn index(&self) -> Option<usize> {
        match self {
            DescribedFile::Stored { index, .. } => Some(*index as usize),
            DescribedFile::AsRead(read) => read.1,
        }
    }
}

/// A SHA-256 digest written in lowercase hexadecimal, as bytes.
fn lowercase_sha256(text: &str) -> Option<[u8; 32]> {
    let mut digest = [0; 32];
    let lowercase = text
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    hex::decode_to_slice(text, &mut digest).ok()?;
    lowercase.then_some(digest)
}

/// SHA-256 digests, one after another, each known by its number.
#[derive(Debug)]
struct StatedDigests {
    bytes: SpilledBytes,
}

impl StatedDigests {
    fn new() -> StatedDigests {
        StatedDigests {
            // Where no temporary file can be written they are all held,
            // as they were before there was one.
            bytes: SpilledBytes::new(Bounds {
                in_memory: STATED_IN_MEMORY,
                write: STATED_WRITTEN,
                held_without_file: usize::MAX,
            }),
        }
    }

    /// Keeps `digest`: its number, or `None` if it cannot be kept.
    fn push(&mut self, digest: &[u8; 32]) -> Option<u32> {
        // Numbered by where it goes, whether or not an append failed before.
        let number = u32::try_from(self.bytes.len() / 32).ok()?;
        let span = self.bytes.append(&[digest]).ok()?;
        debug_assert_eq!(span.at, u64::from(number) * 32);
        Some(number)
    }

    /// The digest numbered `number`; an error if it could not be read back
    /// from the temporary file.
    fn get(&self, number: u32) -> io::Result<[u8; 32]> {
        let span = Span {
            at: u64::from(number) * 32,
            len: 32,
        };
        let bytes = self.bytes.get(span)?;
        Ok(bytes.as_ref().try_into().expect("32 bytes a digest"))
    }
}

/// The files the metadata describes.
#[derive(Debug)]
pub struct Described {
    /// In graph order.
    files: Vec<DescribedFile>,
    /// The SHA-256s of [`DescribedFile::Stored`].
    stated: StatedDigests,
    /// For each stored file (by index in [`BagStore::files`]), which of
    /// `files` it is, [`NOT_DESCRIBED`] or [`DESCRIBED_AGAIN`].
    by_index: Vec<u32>,
    /// The directories it describes (RO-Crate 1.1: a `Dataset` in the
    /// payload must be there), by path under `data/`.
    directories: Vec<String>,
    /// Whether the crate maps some term into corpack's namespace: whether
    /// its records are corpack's, to be judged.
    pub corpack_terms: bool,
}

/// In [`Described::by_index`]: no file describes it.
const NOT_DESCRIBED: u32 = u32::MAX;
/// In [`Described::by_index`]: several do (two `@id`s can decode to one
/// path).
const DESCRIBED_AGAIN: u32 = u32::MAX - 1;

impl Described {
    fn new(
        store: &dyn BagStore,
        files: Vec<DescribedFile>,
        mut stated: StatedDigests,
        directories: Vec<String>,
        corpack_terms: bool,
    ) -> Described {
        stated.bytes.flush();
        let mut by_index = vec![NOT_DESCRIBED; store.files().len()];
        for (at, file) in files.iter().enumerate() {
            if let Some(index) = file.index() {
                by_index[index] = match by_index[index] {
                    NOT_DESCRIBED => u32::try_from(at).expect("a u32 per file"),
                    _ => DESCRIBED_AGAIN,
                };
            }
        }
        Described {
            files,
            stated,
            by_index,
            directories,
            corpack_terms,
        }
    }

    /// The described file that the stored file at `index` is, if one only.
    fn of_stored(&self, index: usize) -> Option<&DescribedFile> {
        match self.by_index[index] {
            NOT_DESCRIBED | DESCRIBED_AGAIN => None,
            at => Some(&self.files[at as usize]),
        }
    }

    /// Empties the temporary file of the SHA-256s stated, as a disk that
    /// loses it would.
    #[cfg(test)]
    fn lose_stated(&self) {
        self.stated.bytes.lose_file();
    }
}

/// What the crate wants of the SHA-256 of a stored file: one that differs
/// from the one stated.
impl Sha256Wants for Described {
    fn wanted(&self, index: usize) -> Sha256Wanted {
        let file = match self.by_index[index] {
            NOT_DESCRIBED => return Sha256Wanted::Nothing,
            DESCRIBED_AGAIN => return Sha256Wanted::Kept,
            at => &self.files[at as usize],
        };
        match file {
            DescribedFile::Stored {
                sha256: Some(_), ..
            } => Sha256Wanted::KeptUnlessStated,
            DescribedFile::Stored { sha256: None, .. } => Sha256Wanted::Read,
            DescribedFile::AsRead(read) if read.0.sha256.is_some() => Sha256Wanted::Kept,
            DescribedFile::AsRead(_) => Sha256Wanted::Read,
        }
    }

    fn stated(&self, index: usize) -> io::Result<[u8; 32]> {
        match self.of_stored(index) {
            Some(DescribedFile::Stored {
                sha256: Some(number),
                ..
            }) => self.stated.get(*number),
            _ => Err(io::Error::other("no SHA-256 is stated of it")),
        }
    }
}

/// The files the metadata describes, or `None` (with a finding) if it
/// cannot be read; `None` without a finding when the bag has no RO-Crate.
pub fn described_files(store: &dyn BagStore, findings: &mut Findings) -> Option<Described> {
    if !store.contains(ROCRATE_METADATA) {
        return None;
    }
    let mut stated = StatedDigests::new();
    let read = rocrate::read_files(StoredCrate(store), |file| {
        DescribedFile::new(store, file, &mut stated)
    });
    let message = match read {
        Ok(read) => {
            let described = Described::new(
                store,
                read.files,
                stated,
                read.directories,
                read.corpack_terms,
            );
            return Some(described);
        }
        // Another version of RO-Crate is not an error of the bag (RFC 8493
        // leaves the payload's meaning to it), only a crate corpack does
        // not read: the bags of other tools are valid whatever version
        // their crate is (ro-crate-py writes 1.2 by default).
        Err(ReadError::OtherVersion(message)) => {
            findings.push(Finding::warning(
                Code::RocrateInvalid,
                ROCRATE_METADATA,
                format!(
                    "{message}: corpack reads RO-Crate 1.1 only, so the metadata is not \
                     compared with the payload"
                ),
            ));
            return None;
        }
        Err(ReadError::Io(error)) => format!("cannot be read: {error}"),
        Err(error) => error.to_string(),
    };
    findings.push(Finding::error(
        Code::RocrateInvalid,
        ROCRATE_METADATA,
        message,
    ));
    None
}

/// The bag's crate, read from the store each time.
struct StoredCrate<'s>(&'s dyn BagStore);

impl rocrate::CrateJson for StoredCrate<'_> {
    fn read_with<T>(&self, read: impl FnOnce(&mut dyn Read) -> T) -> io::Result<T> {
        reader::parse_with(self.0, ROCRATE_METADATA, read)
    }
}

/// The bag path (`data/…`) of a described file.
fn bag_path(file: &CrateFile) -> String {
    format!("data/{}", file.path)
}

/// Compares the described files with the payload. `checked` holds the
/// SHA-256 [`Described`] asked to be kept (none in a fast check).
pub fn check(
    store: &dyn BagStore,
    described: &Described,
    checked: &Checked,
    findings: &mut Findings,
) {
    let mismatch =
        |path: &str, message: String| Finding::error(Code::RocrateMismatch, path, message);
    // Hex digits are the same digest in either case.
    let differs = |path: &str, stated: &str, computed: &[u8; 32]| {
        let computed = hex::encode(computed);
        (!stated.eq_ignore_ascii_case(&computed)).then(|| {
            mismatch(
                path,
                format!("{ROCRATE_METADATA} gives sha256 {stated}, the file has {computed}"),
            )
        })
    };
    // Made only if a file is absent: it indexes every non-ASCII name.
    let mut resolver = None;
    for file in &described.files {
        let (file, index) = match file {
            DescribedFile::Stored { index, sha256 } => {
                let index = *index as usize;
                let path = store.files().get(index).path;
                if let (Some(number), Some(computed)) = (sha256, checked.sha256(index)) {
                    let finding = match described.stated.get(*number) {
                        Ok(stated) => differs(path, &hex::encode(stated), computed),
                        Err(error) => Some(stated_unreadable(path, &error)),
                    };
                    findings.extend(finding);
                }
                continue;
            }
            DescribedFile::AsRead(read) => (&read.0, read.1),
        };
        let path = bag_path(file);
        let Some(stored) = index.map(|index| store.files().get(index)) else {
            let mut message = format!("{ROCRATE_METADATA} describes it, but it is absent");
            let resolver = resolver.get_or_insert_with(|| Resolver::new(store));
            if let Some(other) = resolver.other_form(store, &path) {
                message.push_str(&format!(
                    ": the bag has {other:?}, the same name in another Unicode normalization form"
                ));
            }
            findings.push(mismatch(&path, message));
            continue;
        };
        if let Some(size) = file.content_size.filter(|&size| size != stored.size) {
            findings.push(mismatch(
                &path,
                format!(
                    "{ROCRATE_METADATA} gives contentSize {size}, the file has {} bytes",
                    stored.size
                ),
            ));
        }
        let computed = index.and_then(|index| checked.sha256(index));
        if let (Some(stated), Some(computed)) = (&file.sha256, computed)
            && let Some(finding) = differs(&path, stated, computed)
        {
            findings.push(finding);
        }
    }
    for directory in &described.directories {
        let path = format!("data/{directory}");
        if !store.is_dir(&path) {
            findings.push(mismatch(
                &format!("{path}/"),
                format!("{ROCRATE_METADATA} describes this directory, but it is absent"),
            ));
        }
    }
    for (stored, at) in store.files().iter().zip(&described.by_index) {
        let path = stored.path;
        let is_crate_file = path == ROCRATE_METADATA || path == ROCRATE_PREVIEW;
        if path.starts_with("data/") && !is_crate_file && *at == NOT_DESCRIBED {
            findings.push(Finding::warning(
                Code::RocrateFileUndescribed,
                path,
                format!("payload file not described in {ROCRATE_METADATA}"),
            ));
        }
    }
}

/// The finding for a SHA-256 the metadata states, that of `path`, that
/// could not be read back, `error` saying why. One is listed, as for a
/// file that cannot be read.
fn stated_unreadable(path: &str, error: &io::Error) -> Finding {
    Finding::error(
        Code::FileUnreadable,
        ROCRATE_METADATA,
        format!(
            "the SHA-256s it gives could not be read back from corpack's temporary file, the \
             first that of {path:?}, so they are not compared with the files': {error}"
        ),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::verify::testutil::Memory;

    /// Eight payload files, each described with its SHA-256 but `f5`,
    /// described with another: their SHA-256s pass the 64 bytes held in
    /// memory in tests.
    fn eight_files() -> (Vec<(String, Vec<u8>)>, String) {
        let files: Vec<(String, Vec<u8>)> = (0..8)
            .map(|i| (format!("data/f{i}"), format!("{i}\n").into_bytes()))
            .collect();
        let described = files.iter().map(|(path, bytes)| {
            let mut bytes = bytes.clone();
            if path == "data/f5" {
                bytes.push(b'!');
            }
            json!({"@id": &path[5..], "@type": "File", "sha256": sha256_hex(&bytes)})
        });
        let mut graph = vec![
            json!({"@id": "ro-crate-metadata.json", "@type": "CreativeWork",
                   "conformsTo": {"@id": "https://w3id.org/ro/crate/1.1"},
                   "about": {"@id": "./"}}),
            json!({"@id": "./", "@type": "Dataset"}),
        ];
        graph.extend(described);
        let metadata =
            json!({"@context": "https://w3id.org/ro/crate/1.1/context", "@graph": graph});
        (files, metadata.to_string())
    }

    fn sha256_hex(bytes: &[u8]) -> String {
        let mut hasher = crate::digest::Hasher::Sha256(Default::default());
        hasher.update(bytes);
        hasher.finish_hex()
    }

    /// The findings of comparing the crate of `store` with its payload,
    /// `lose` emptying the temporary file of the SHA-256s stated first.
    fn compared(store: &Memory, lose: bool) -> Vec<Finding> {
        let mut findings = Findings::default();
        let described = described_files(store, &mut findings).expect("a crate");
        assert!(described.stated.bytes.spilled());
        if lose {
            described.lose_stated();
        }
        let checked = super::super::payload::check_digests(
            store,
            &[],
            &described,
            &crate::progress::NoProgress,
            &mut findings,
        );
        check(store, &described, &checked, &mut findings);
        findings.into_vec()
    }

    #[test]
    fn sha256s_stated_are_compared_when_they_wait_in_a_temporary_file() {
        let (files, metadata) = eight_files();
        let mut all: Vec<(&str, &[u8])> = (files.iter())
            .map(|(path, bytes)| (path.as_str(), bytes.as_slice()))
            .collect();
        all.push((ROCRATE_METADATA, metadata.as_bytes()));
        let store = Memory::new(&all);
        let found: Vec<_> = (compared(&store, false).into_iter())
            .map(|f| (f.code, f.path))
            .collect();
        assert_eq!(found, [(Code::RocrateMismatch, "data/f5".to_string())]);
        // Past the first two, held in memory, none can be read back: one
        // finding says so, naming the first file whose SHA-256 was lost.
        let found = compared(&store, true);
        let codes: Vec<_> = found.iter().map(|f| (f.code, f.path.as_str())).collect();
        assert_eq!(codes, [(Code::FileUnreadable, ROCRATE_METADATA)]);
        assert!(found[0].message.contains("\"data/f2\""), "{found:?}");
    }

    #[test]
    fn only_lowercase_sha256_digests_are_kept_as_bytes() {
        let digest = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(
            lowercase_sha256(digest).map(hex::encode).as_deref(),
            Some(digest)
        );
        assert_eq!(lowercase_sha256(&digest.to_uppercase()), None);
        assert_eq!(lowercase_sha256(&digest[2..]), None);
        assert_eq!(lowercase_sha256(&format!("{digest}00")), None);
        assert_eq!(lowercase_sha256("not hex"), None);
        assert_eq!(size_of::<DescribedFile>(), 16);
    }
}
