//! `verify --against`: the proof that a bundle is exactly what its
//! collection makes.
//!
//! The bundle is rebuilt from the collection directory, as `pack` would
//! with the same `--source` directories and the names policy allowances the
//! bundle's `bag-info.txt` records (plus any given), into an unnamed
//! temporary file in the system's temporary directory (`TMPDIR`) that
//! vanishes with the process. The two are then compared byte for byte; the
//! first difference is placed in the rebuilt archive's layout: an entry's
//! local header or data, or the central directory. Nothing in the
//! collection or beside the bundle is written.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::bagit::tagfile;
use crate::bundle::read_full;
use crate::collection::Location;
use crate::error::{Error, IoContext, Result};
use crate::names::{ALLOWED_TAG, NameCheck};
use crate::pack;
use crate::progress::Progress;

/// How to rebuild.
#[derive(Clone, Debug, Default)]
pub struct AgainstOptions {
    /// The `--source` directories the bundle was packed with.
    pub sources: Vec<PathBuf>,
    /// Checks allowed besides those the bundle records.
    pub allow: Vec<NameCheck>,
    /// Worker threads.
    pub threads: usize,
}

/// The verdict: is the bundle what the collection makes?
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct AgainstReport {
    /// The bundle.
    pub bundle: PathBuf,
    /// The collection directory it was rebuilt from.
    pub collection: PathBuf,
    /// Whether the two are the same bytes.
    pub identical: bool,
    /// Size of the bundle in bytes.
    pub bundle_size: u64,
    /// Size of the rebuilt bundle in bytes.
    pub rebuilt_size: u64,
    /// The names policy checks allowed for the rebuild.
    pub allowed: Vec<NameCheck>,
    /// Where they first differ, if they do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub difference: Option<Difference>,
}

/// The first byte where a bundle and its rebuild differ.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Difference {
    /// Offset of the byte in the archive.
    pub offset: u64,
    /// What the rebuilt archive holds there.
    pub part: Part,
    /// The entry, when the byte is in one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// Offset of the byte within `part` (of the entry's header or stored
    /// data, or of the central directory).
    pub offset_in_part: u64,
    /// Where, for a person.
    pub message: String,
}

/// A region of a zip archive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Part {
    /// An entry's local header (name, sizes, CRC-32).
    LocalHeader,
    /// An entry's stored (possibly compressed) bytes.
    Data,
    /// The central directory and its end records.
    CentralDirectory,
    /// Past the end of the shorter of the two.
    End,
}

/// Rebuilds the bundle of `collection_dir` and compares it with `bundle`.
pub fn verify_against(
    collection_dir: &Path,
    bundle: &Path,
    options: &AgainstOptions,
    progress: &dyn Progress,
) -> Result<AgainstReport> {
    let mut allowed = recorded_allowances(bundle)?;
    allowed.extend(options.allow.iter().copied());
    allowed.sort();
    allowed.dedup();
    let prepared = pack::prepare(collection_dir, &options.sources, false, &allowed)?;
    let scratch = std::env::temp_dir();
    let file = tempfile::tempfile_in(&scratch).at(&scratch)?;
    let built = pack::build(
        &prepared,
        file,
        Path::new("the rebuilt bundle"),
        &scratch,
        options.threads,
        false,
        progress,
    )?;
    let rebuilt_size = built.archive.file.metadata().at(&scratch)?.len();
    let original = File::open(bundle).at(bundle)?;
    let bundle_size = original.metadata().at(bundle)?.len();
    let first = first_difference(original, &built.archive.file)
        .map_err(|error| Error::io(bundle, error))?;
    let entries: Vec<Span> = (built.archive.entries.iter_from(0))
        .map(|e| {
            e.map(|e| Span {
                offset: e.entry.offset,
                header: e.entry.header_len(),
                data: e.entry.compressed_size,
                name: e.entry.name.to_string(),
            })
        })
        .collect::<io::Result<_>>()
        .at(&scratch)?;
    let mut difference = first.map(|offset| place(offset, &entries, bundle_size, rebuilt_size));
    let not_held = (prepared.located.locations.iter())
        .filter(|location| matches!(location, Location::NotHeld))
        .count();
    if let Some(difference) = difference.as_mut().filter(|_| not_held > 0) {
        // The likeliest cause: pack was given --source directories.
        difference.message.push_str(&format!(
            "; the rebuild found no file for {not_held} {}, which it catalogues without \
             holding: if the bundle holds {}, give the --source directories pack was given",
            if not_held == 1 {
                "document"
            } else {
                "documents"
            },
            if not_held == 1 { "it" } else { "them" },
        ));
    }
    Ok(AgainstReport {
        bundle: bundle.to_path_buf(),
        collection: collection_dir.to_path_buf(),
        identical: difference.is_none(),
        bundle_size,
        rebuilt_size,
        allowed: prepared.allowed,
        difference,
    })
}

/// The checks a bundle's `bag-info.txt` records as allowed; none if it has
/// no readable `bag-info.txt` (the comparison then shows the difference).
fn recorded_allowances(bundle: &Path) -> Result<Vec<NameCheck>> {
    let file = File::open(bundle).at(bundle)?;
    let mut archive = zip::ZipArchive::new(file).map_err(|error| {
        Error::unreadable(
            bundle,
            format!("not a zip bundle ({error}): --against compares zips"),
        )
    })?;
    let name = archive
        .file_names()
        .filter_map(|name| name.ok())
        .find(|name| {
            name.split('/').count() <= 2 && name.rsplit('/').next() == Some("bag-info.txt")
        })
        .map(|name| name.into_owned());
    let Some(name) = name else {
        return Ok(Vec::new());
    };
    let mut text = String::new();
    let read = archive
        .by_name(&name)
        .map_err(io::Error::other)
        .and_then(|mut entry| entry.read_to_string(&mut text));
    if read.is_err() {
        return Ok(Vec::new());
    }
    let Ok(tags) = tagfile::parse(&text) else {
        return Ok(Vec::new());
    };
    Ok(tags
        .get_all(ALLOWED_TAG)
        .filter_map(|value| value.parse().ok())
        .collect())
}

/// The offset of the first byte where the two files differ, if any (a
/// file that is a prefix of the other differs where it ends).
fn first_difference(a: File, b: &File) -> io::Result<Option<u64>> {
    const BLOCK: usize = 1 << 20;
    let mut a = BufReader::with_capacity(BLOCK, a);
    let mut b = BufReader::with_capacity(BLOCK, b);
    let (mut block_a, mut block_b) = (vec![0; BLOCK], vec![0; BLOCK]);
    let mut offset = 0u64;
    loop {
        let n = read_full(&mut a, &mut block_a)?;
        let m = read_full(&mut b, &mut block_b)?;
        let common = n.min(m);
        if let Some(i) = (0..common).find(|&i| block_a[i] != block_b[i]) {
            return Ok(Some(offset + i as u64));
        }
        if n != m {
            return Ok(Some(offset + common as u64));
        }
        if n == 0 {
            return Ok(None);
        }
        offset += n as u64;
    }
}

/// An entry's place in the rebuilt archive.
struct Span {
    name: String,
    offset: u64,
    header: u64,
    data: u64,
}

/// Names the region of the rebuilt archive that holds `offset`.
fn place(offset: u64, entries: &[Span], bundle_size: u64, rebuilt_size: u64) -> Difference {
    let at = |part, entry: Option<&str>, offset_in_part, where_: String| Difference {
        offset,
        part,
        entry: entry.map(str::to_string),
        offset_in_part,
        message: format!("the archive differs at byte {offset}, {where_}"),
    };
    if offset >= bundle_size.min(rebuilt_size) {
        let (longer, by) = if bundle_size > rebuilt_size {
            ("the bundle", bundle_size - rebuilt_size)
        } else {
            ("the rebuilt bundle", rebuilt_size - bundle_size)
        };
        let where_ = format!("where the shorter ends: {longer} is {by} bytes longer");
        return at(Part::End, None, 0, where_);
    }
    for span in entries {
        let data = span.offset + span.header;
        if offset < span.offset {
            break;
        }
        if offset < data {
            let inside = offset - span.offset;
            let where_ = format!(
                "in the rebuilt bundle's local header of entry {} (its byte {inside})",
                span.name
            );
            return at(Part::LocalHeader, Some(&span.name), inside, where_);
        }
        if offset < data + span.data {
            let inside = offset - data;
            let where_ = format!(
                "in the rebuilt bundle's entry {}, at byte {inside} of its stored data",
                span.name
            );
            return at(Part::Data, Some(&span.name), inside, where_);
        }
    }
    let directory = entries.last().map_or(0, |s| s.offset + s.header + s.data);
    let inside = offset.saturating_sub(directory);
    let where_ = format!("in the central directory (its byte {inside})");
    at(Part::CentralDirectory, None, inside, where_)
}

#[cfg(test)]
mod tests {
    use std::io::{Seek, SeekFrom, Write};

    use super::*;

    fn file(bytes: &[u8]) -> File {
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(bytes).unwrap();
        file.seek(SeekFrom::Start(0)).unwrap();
        file
    }

    #[test]
    fn the_first_difference_is_found_across_blocks() {
        let same = vec![7u8; 3 << 20];
        assert_eq!(first_difference(file(&same), &file(&same)).unwrap(), None);
        let mut other = same.clone();
        other[(2 << 20) + 5] = 8;
        other[(2 << 20) + 9] = 8;
        assert_eq!(
            first_difference(file(&same), &file(&other)).unwrap(),
            Some((2 << 20) + 5)
        );
        assert_eq!(
            first_difference(file(&same[..100]), &file(&same)).unwrap(),
            Some(100)
        );
    }

    #[test]
    fn a_difference_is_placed_in_the_layout() {
        let entries = [
            Span {
                name: "b/a".into(),
                offset: 0,
                header: 33,
                data: 100,
            },
            Span {
                name: "b/c".into(),
                offset: 133,
                header: 33,
                data: 10,
            },
        ];
        let placed = |offset| {
            let d = place(offset, &entries, 300, 300);
            (d.part, d.entry, d.offset_in_part)
        };
        assert_eq!(placed(5), (Part::LocalHeader, Some("b/a".into()), 5));
        assert_eq!(placed(33), (Part::Data, Some("b/a".into()), 0));
        assert_eq!(placed(140), (Part::LocalHeader, Some("b/c".into()), 7));
        assert_eq!(placed(170), (Part::Data, Some("b/c".into()), 4));
        assert_eq!(placed(176), (Part::CentralDirectory, None, 0));
        let end = place(250, &entries, 250, 300);
        assert_eq!(end.part, Part::End);
        assert_eq!(
            end.message,
            "the archive differs at byte 250, where the shorter ends: the rebuilt bundle is \
             50 bytes longer"
        );
        assert_eq!(
            place(170, &entries, 300, 300).message,
            "the archive differs at byte 170, in the rebuilt bundle's entry b/c, at byte 4 of \
             its stored data"
        );
    }
}
