//! Fuzzing harnesses. Each takes arbitrary bytes, runs a parser or the zip
//! bundle reader on them, and panics only when a property that must hold
//! for every input fails (a panic inside corpack is a failure too). The
//! cargo-fuzz targets in `fuzz/` are these functions, and the integration
//! tests replay the inputs kept in `fuzz/regressions/` through them.

use std::io::{self, Read};
use std::path::Path;

use crate::bagit::tagfile::{self, TagFile};
use crate::bagit::text::{Lines, TextEncoding, TextError, split_lines};
use crate::bagit::{declaration, fetch, manifest, path};
use crate::digest::Algorithm;
use crate::finding::Severity;
use crate::progress::NoProgress;
use crate::rocrate;
use crate::verify::{VerifyOptions, verify_path};

/// Tag files: the first byte picks an encoding, strictness and a small
/// line limit; the rest is read as lines and `Label: value` elements.
/// Reading as it goes must give the lines of the whole text decoded at
/// once, or stop with an error exactly when the text is not valid in the
/// encoding, holds a NUL, or has a line over the limit. The whole input is
/// also parsed as `bagit.txt`.
pub fn tag_file(bytes: &[u8]) {
    const ENCODINGS: [&str; 4] = ["UTF-8", "UTF-16", "ISO-8859-1", "Shift_JIS"];
    let _ = declaration::parse(bytes);
    let Some((&selector, text)) = bytes.split_first() else {
        return;
    };
    let encoding = TextEncoding::for_label(ENCODINGS[usize::from(selector % 4)])
        .expect("the labels are known");
    let strict = selector & 0x80 != 0;
    let max_line = 64 + usize::from(selector & 0x70);
    let mut tags = TagFile::default();
    let mut read = Vec::new();
    let mut failed = false;
    for (index, line) in Lines::new(text, encoding, max_line).enumerate() {
        match line {
            Ok((number, line)) => {
                assert_eq!(number, index + 1, "lines are numbered one by one");
                let _ = tags.push_line(&line, strict);
                read.push(line);
            }
            Err(TextError::Io(error)) => panic!("reading a slice failed: {error}"),
            Err(_) => failed = true,
        }
    }
    let whole = encoding.decode(text);
    let expected: Vec<&str> = whole
        .as_deref()
        .map(split_lines)
        .into_iter()
        .flatten()
        .collect();
    let readable = whole.is_ok()
        && expected
            .iter()
            .all(|line| line.len() <= max_line && !line.contains('\0'));
    assert_eq!(
        failed, !readable,
        "an error if and only if the text is unreadable"
    );
    assert!(
        read.iter().zip(&expected).all(|(a, b)| a == b),
        "the lines read differ from the lines of the whole text"
    );
    if readable {
        assert_eq!(read.len(), expected.len(), "lines were lost");
        let _ = tagfile::parse(whole.as_deref().unwrap_or_default());
    }
}

/// Manifest and `fetch.txt` lines: the first byte picks an algorithm and
/// the BagIt version; every entry of a 1.0 manifest is written back by
/// corpack's writer to a line that reads as the same entry.
pub fn manifest_lines(bytes: &[u8]) {
    const ALGORITHMS: [Algorithm; 6] = [
        Algorithm::Md5,
        Algorithm::Sha1,
        Algorithm::Sha224,
        Algorithm::Sha256,
        Algorithm::Sha384,
        Algorithm::Sha512,
    ];
    let Some((&selector, text)) = bytes.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    let algorithm = ALGORITHMS[usize::from(selector % 6)];
    let rfc = selector & 0x80 != 0;
    let _ = manifest::has_unencoded_percent(text);
    let _ = fetch::parse_line(text, rfc);
    let _ = path::unsafe_reason(text);
    let _ = path::is_system_file(text);
    for (_, entry) in manifest::parse(text, algorithm, rfc).entries {
        if !rfc || entry.path.starts_with([' ', '\t']) {
            continue;
        }
        let written = manifest::write(std::slice::from_ref(&entry));
        let again = manifest::parse_line(written.trim_end_matches('\n'), algorithm, true)
            .expect("a line corpack writes parses");
        assert_eq!(again.entry, entry, "written as {written:?}");
    }
}

/// `collection.toml`: any text is a collection or a located error, and
/// reading it a table at a time agrees with parsing it whole: what one
/// accepts the other accepts, with the same records at the same lines.
pub fn collection(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let dir = Path::new("/nonexistent-collection");
    let file = dir.join("collection.toml");
    let (split, whole) = crate::collection::parse_both_ways(text, dir, &file);
    match (split, whole) {
        (Some(Ok(split)), Ok(whole)) => {
            let records = |loaded: &crate::collection::LoadedCollection| {
                let places: Vec<_> = (0..loaded.records.len())
                    .map(|i| loaded.records.place(i))
                    .collect();
                (loaded.to_collection().expect("records read back"), places)
            };
            assert_eq!(records(&split), records(&whole));
        }
        (Some(Ok(_)), Err(error)) => panic!("read by table, but whole: {error}"),
        (Some(Err(error)), Ok(_)) => panic!("parsed whole, but by table: {error}"),
        // Not laid out by tables (parsed whole), or an error both ways.
        (None, _) | (Some(Err(_)), Err(_)) => {}
    }
}

/// `ro-crate-metadata.json`, streamed: any bytes give a summary or an
/// error, the same whatever the pieces the stream comes in (the first
/// byte picks their size), and [`rocrate::read_files`] gives the same
/// files or the same error. Only well-formed JSON gives a summary.
pub fn rocrate(bytes: &[u8]) {
    let whole = rocrate::read(bytes).map_err(|e| e.to_string());
    if whole.is_ok() {
        let json = serde_json::from_slice::<serde_json::Value>(bytes);
        assert!(json.is_ok(), "a summary of malformed JSON: {json:?}");
    }
    let size = 1 + usize::from(bytes.first().copied().unwrap_or(0) % 16);
    let in_pieces = rocrate::read(Pieces { bytes, size }).map_err(|e| e.to_string());
    assert_eq!(in_pieces, whole, "read in pieces of {size} bytes");
    let files = rocrate::read_files(bytes, |file| file).map_err(|e| e.to_string());
    assert_eq!(files, whole.map(|summary| summary.files));
}

/// Bytes read at most `size` at a time.
struct Pieces<'a> {
    bytes: &'a [u8],
    size: usize,
}

impl Read for Pieces<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let n = self.size.min(buffer.len()).min(self.bytes.len());
        buffer[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

/// The zip bundle reader and verify: `bytes` written to `scratch` and
/// verified, fully and fast, give a report or an error; a report is valid
/// exactly when it has no error finding.
pub fn zip_bundle(bytes: &[u8], scratch: &Path) {
    std::fs::write(scratch, bytes).expect("the scratch file can be written");
    for fast in [false, true] {
        if let Ok(report) = verify_path(scratch, VerifyOptions { fast }, &NoProgress) {
            let errors = report
                .findings
                .iter()
                .any(|f| f.severity == Severity::Error);
            assert_eq!(
                report.valid, !errors,
                "the verdict contradicts the findings"
            );
        }
    }
}
