//! `fetch.txt` (RFC 8493 §2.2.3): the payload files a "holey" bag says can
//! be downloaded. corpack never downloads: a listed file that is absent
//! makes the bag incomplete.

use super::declaration::{byte_order_mark, directory_for_tag_file};
use super::findings::{Findings, rfc_rule};
use super::names::Resolver;
use crate::bagit::declaration::Declaration;
use crate::bagit::fetch::{self, FetchLength};
use crate::bagit::manifest::has_unencoded_percent;
use crate::bagit::path::{read_listed, unsafe_reason};
use crate::bagit::text::{Lines, MAX_LINE_BYTES, TextError};
use crate::bundle::reader::{BagStore, read_error_finding};
use crate::finding::{Code, Finding};

/// The fetch file's name.
pub const FETCH_TXT: &str = "fetch.txt";

/// What `fetch.txt` lists.
#[derive(Debug, Default)]
pub struct Fetch {
    /// The usable payload paths listed.
    pub paths: Vec<Fetched>,
    /// Some line names an unsafe path: no file of the bag is to be read.
    pub has_unsafe_path: bool,
}

/// A payload path `fetch.txt` lists.
#[derive(Debug)]
pub struct Fetched {
    /// The number of its line.
    pub line: usize,
    pub path: String,
    /// The length it is given.
    pub length: FetchLength,
}

/// Reads `fetch.txt`, if the bag has one. A path spelled in another
/// Unicode normalization form than a stored file's or a manifest's is
/// that path, with a warning, as a manifest path is that file's.
pub fn read(
    store: &dyn BagStore,
    declaration: &Declaration,
    resolver: &Resolver,
    findings: &mut Findings,
) -> Fetch {
    let mut fetch = Fetch::default();
    if !store.contains(FETCH_TXT) {
        if store.is_dir(FETCH_TXT) {
            findings.push(directory_for_tag_file(FETCH_TXT));
        }
        return fetch;
    }
    let mut text_error = None;
    let mut began_with_bom = false;
    let read = store.read_with(FETCH_TXT, &mut |reader| {
        let mut lines = Lines::new(reader, declaration.encoding, MAX_LINE_BYTES);
        for line in &mut lines {
            match line {
                Ok((number, line)) => fetch.line(number, &line, declaration, findings),
                Err(TextError::Io(error)) => return Err(error),
                Err(error) => {
                    text_error = Some(error);
                    break;
                }
            }
        }
        began_with_bom = lines.began_with_utf8_bom();
        Ok(())
    });
    for Fetched {
        line: number, path, ..
    } in &mut fetch.paths
    {
        if let Some(meant) = resolver.other_form(store, path) {
            findings.push(Finding::warning(
                Code::NameNormalization,
                meant,
                format!(
                    "{FETCH_TXT} line {number}: listed as {path:?}, the same name in another \
                     Unicode normalization form"
                ),
            ));
            *path = meant.to_string();
        }
    }
    if began_with_bom {
        findings.push(byte_order_mark(FETCH_TXT, rfc_rule(declaration.is_rfc())));
    }
    if let Err(error) = read {
        findings.push(read_error_finding(FETCH_TXT, &error));
    }
    if let Some(error) = text_error {
        findings.push(Finding::error(
            Code::FetchLineInvalid,
            FETCH_TXT,
            error.to_string(),
        ));
    }
    fetch
}

impl Fetch {
    fn line(
        &mut self,
        number: usize,
        line: &str,
        declaration: &Declaration,
        findings: &mut Findings,
    ) {
        if line.trim().is_empty() {
            return;
        }
        let at = |message: &str| format!("{FETCH_TXT} line {number}: {message}");
        let entry = match fetch::parse_line(line, declaration.is_rfc()) {
            Ok(entry) => entry,
            Err(message) => {
                findings.push(Finding::error(
                    Code::FetchLineInvalid,
                    FETCH_TXT,
                    at(&message),
                ));
                return;
            }
        };
        let raw_path = fetch::split_fields(line).map_or("", |(_, _, path)| path);
        if declaration.is_rfc() && has_unencoded_percent(raw_path) {
            findings.push(Finding::warning(
                Code::UnencodedPercent,
                &entry.path,
                at("a % that BagIt 1.0 asks to be written %25 (read as a literal %)"),
            ));
        }
        let listed = read_listed(&entry.path);
        let path = listed.path;
        if listed.dot_slash {
            findings.push(Finding::warning(
                Code::DotSlashPath,
                &path,
                at("the path starts with ./, which is read as the bag root"),
            ));
        }
        if listed.redundant {
            findings.push(Finding::warning(
                Code::RedundantPathComponent,
                &path,
                at(&format!(
                    "listed as {:?}, with an empty or . component inside it, which is read \
                     without it",
                    entry.path
                )),
            ));
        }
        if let Some(why) = unsafe_reason(&path) {
            self.has_unsafe_path = true;
            findings.push(Finding::error(
                Code::UnsafePath,
                &path,
                at(&format!(
                    "{why}; it is never opened, and no checksum of this bag is verified"
                )),
            ));
            return;
        }
        if !path.starts_with("data/") {
            findings.push(Finding::error(
                Code::FetchLineInvalid,
                &path,
                at("fetch.txt lists payload files only, under data/"),
            ));
            return;
        }
        self.paths.push(Fetched {
            line: number,
            path,
            length: entry.length,
        });
    }

    /// The files listed that the bag does not store: how many, and their
    /// bytes if every length is given and fits in a `u64` (no sum counts
    /// a length larger: a file that long is none corpack can hold).
    pub fn absent(&self, store: &dyn BagStore) -> FetchedLater {
        let mut seen = std::collections::HashSet::new();
        let mut later = FetchedLater {
            files: 0,
            octets: Some(0),
        };
        for Fetched { path, length, .. } in &self.paths {
            if store.contains(path) || !seen.insert(path.as_str()) {
                continue;
            }
            later.files += 1;
            later.octets = later
                .octets
                .zip(length.octets())
                .map(|(sum, n)| sum + u128::from(n));
        }
        later
    }
}

/// The payload files `fetch.txt` lists that the bag does not store yet.
#[derive(Clone, Copy, Debug, Default)]
pub struct FetchedLater {
    pub files: u64,
    /// Their bytes, if `fetch.txt` gives every length, each one a `u64`
    /// holds.
    pub octets: Option<u128>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bagit::{BAGIT_TXT, declaration};
    use crate::verify::testutil::Memory;

    /// Reads the `fetch.txt` of `store`, a BagIt 1.0 bag.
    fn read_fetch(store: &Memory) -> (Fetch, Vec<Finding>) {
        let declaration = declaration::parse(BAGIT_TXT.as_bytes()).unwrap();
        let mut findings = Findings::default();
        let fetch = read(store, &declaration, &Resolver::new(store), &mut findings);
        (fetch, findings.into_vec())
    }

    /// RFC 8493 §2.2.3 bounds no LENGTH: one larger than a `u64` holds is
    /// a well-formed line, whose file counts in no sum of bytes to fetch.
    #[test]
    fn a_length_too_large_for_a_u64_is_a_valid_line() {
        let past = "18446744073709551616";
        let text = format!("http://x.org/a {past} data/a\nhttp://x.org/b 3 data/b\n");
        let store = Memory::new(&[("fetch.txt", text.as_bytes())]);
        let (fetch, findings) = read_fetch(&store);
        assert_eq!(findings, []);
        let listed: Vec<_> = (fetch.paths.iter())
            .map(|f| (f.line, f.path.as_str(), f.length))
            .collect();
        assert_eq!(
            listed,
            [
                (1, "data/a", FetchLength::TooLarge),
                (2, "data/b", FetchLength::Octets(3))
            ]
        );
        let later = fetch.absent(&store);
        assert_eq!((later.files, later.octets), (2, None));
        let store = Memory::new(&[("fetch.txt", text.as_bytes()), ("data/a", b"")]);
        let later = read_fetch(&store).0.absent(&store);
        assert_eq!((later.files, later.octets), (1, Some(3)));
    }

    /// An empty or `.` component inside a path names the directory it is
    /// in: the line lists the file without it, with a warning; a `..`
    /// component is still unsafe.
    #[test]
    fn empty_and_dot_components_inside_a_path_are_read_without_them() {
        let text = "http://x.org/a 1 data//a\nhttp://x.org/b - .//data/./b\n";
        let store = Memory::new(&[("fetch.txt", text.as_bytes())]);
        let (fetch, findings) = read_fetch(&store);
        assert!(!fetch.has_unsafe_path);
        let paths: Vec<_> = (fetch.paths.iter())
            .map(|f| (f.line, f.path.as_str()))
            .collect();
        assert_eq!(paths, [(1, "data/a"), (2, "data/b")]);
        let found: Vec<_> = (findings.iter())
            .map(|f| (f.code, f.path.as_str(), f.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    Code::RedundantPathComponent,
                    "data/a",
                    "fetch.txt line 1: listed as \"data//a\", with an empty or . component inside \
                     it, which is read without it"
                ),
                (
                    Code::DotSlashPath,
                    "data/b",
                    "fetch.txt line 2: the path starts with ./, which is read as the bag root"
                ),
                (
                    Code::RedundantPathComponent,
                    "data/b",
                    "fetch.txt line 2: listed as \".//data/./b\", with an empty or . component \
                     inside it, which is read without it"
                ),
            ]
        );
        let store = Memory::new(&[("fetch.txt", b"http://x.org/a 1 data/.//../a\n")]);
        let (fetch, findings) = read_fetch(&store);
        assert!(fetch.has_unsafe_path && fetch.paths.is_empty());
        assert_eq!(findings.last().map(|f| f.code), Some(Code::UnsafePath));
    }
}
