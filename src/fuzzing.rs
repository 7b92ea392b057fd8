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
use crate::verify::{Verdict, VerifyOptions, verify_path};

/// A new scratch directory for a target that needs files, in memory when
/// `/dev/shm` exists, and removed when dropped: a target makes one for each
/// input, so that the fuzzer leaves none behind (one per process, kept in
/// a static, which is never dropped, outlived every run).
pub fn scratch_dir() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    };
    tempfile::Builder::new()
        .prefix("corpack-fuzz-")
        .tempdir_in(dir)
        .expect("a scratch directory")
}

/// Tag files: the first byte picks an encoding (its low four bits: UTF-8,
/// UTF-16, ISO-8859-1 and Shift_JIS, then US-ASCII, the UTF-32s and OEM
/// code pages of DOS, some with bytes they leave undefined), strictness
/// and a small line limit; the rest is read as lines and `Label: value`
/// elements.
/// Reading as it goes must give the lines of the whole text decoded at
/// once, or stop with an error exactly when the text is not valid in the
/// encoding, holds a NUL, or has a line over the limit. The whole input is
/// also parsed as `bagit.txt`.
pub fn tag_file(bytes: &[u8]) {
    // The first four as before the code pages were added, so that inputs
    // kept from fuzzing read as they did.
    const ENCODINGS: [&str; 16] = [
        "UTF-8",
        "UTF-16",
        "ISO-8859-1",
        "Shift_JIS",
        "IBM437",
        "IBM857",
        "IBM864",
        "cp720",
        "cp737",
        "IBM00858",
        "CP IS",
        "IBM866",
        "US-ASCII",
        "UTF-32",
        "UTF-32LE",
        "IBM869",
    ];
    let _ = declaration::parse(bytes);
    let Some((&selector, text)) = bytes.split_first() else {
        return;
    };
    let encoding = TextEncoding::for_label(ENCODINGS[usize::from(selector & 0x0F)])
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
    for after_dot_slash in [false, true] {
        // Only empty and `.` components go, once and for all: every other
        // stays, in its place.
        if let Some(normal) = path::without_redundant_components(text, after_dot_slash) {
            let kept = |path: &str| {
                (path.split('/'))
                    .filter(|c| !c.is_empty() && *c != ".")
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            };
            assert_eq!(kept(&normal), kept(text), "{text:?} read as {normal:?}");
            assert!(normal.len() < text.len(), "{text:?} read as {normal:?}");
            assert_eq!(path::without_redundant_components(&normal, false), None);
        }
    }
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
    let files = rocrate::read_files(bytes, |file| file).map(|read| read.files);
    assert_eq!(
        files.map_err(|e| e.to_string()),
        whole.map(|summary| summary.files)
    );
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
/// verified, fully and fast, give a report or an error; a report is not
/// invalid exactly when it has no error finding, and valid only when its
/// checksums were verified too.
pub fn zip_bundle(bytes: &[u8], scratch: &Path) {
    std::fs::write(scratch, bytes).expect("the scratch file can be written");
    for fast in [false, true] {
        if let Ok(report) = verify_path(scratch, VerifyOptions { fast }, &NoProgress) {
            let errors = report
                .findings
                .iter()
                .any(|f| f.severity == Severity::Error);
            assert_eq!(
                (report.verdict != Verdict::Invalid, report.valid),
                (!errors, !errors && !fast),
                "the verdict contradicts the findings"
            );
        }
    }
}

/// A zip's central directory as pack's read-back reads it, record by
/// record: `bytes` written to `scratch`. End records that read place the
/// directory within the file, ending where they start: 22 bytes before
/// the end, or 98 with the Zip64 ones. Its records, each taking at least
/// its 46 fixed bytes and its name, are no more than it counts, and come
/// to an end: at the first error, or after all of them. A local header
/// that reads lies in the file, and its data starts after it, past at
/// most a name and an extra field.
pub fn central_directory(bytes: &[u8], scratch: &Path) {
    use crate::bundle::central;

    std::fs::write(scratch, bytes).expect("the scratch file can be written");
    let file = std::fs::File::open(scratch).expect("the scratch file opens");
    let len = bytes.len() as u64;
    let Ok(directory) = central::directory(&file, len) else {
        return;
    };
    let end = directory.offset.checked_add(directory.size);
    assert!(
        end == len.checked_sub(22) || end == len.checked_sub(98),
        "{directory:?} in a file of {len} bytes"
    );
    let mut records = central::records(&file, directory);
    // How many records were read, and the fewest bytes they take.
    let (mut read, mut least_bytes) = (0_u64, 0_u64);
    while let Some(record) = records.next() {
        let Ok(record) = record else {
            assert!(records.next().is_none(), "records after an error");
            return;
        };
        read += 1;
        least_bytes += 46 + record.name.len() as u64;
        assert!(read <= directory.count, "more records than {directory:?}");
        assert!(least_bytes <= directory.size, "records past {directory:?}");
        let Ok(data_start) = central::data_start(&file, record.offset) else {
            continue;
        };
        let header = usize::try_from(record.offset)
            .ok()
            .and_then(|at| bytes.get(at..at.checked_add(30)?));
        assert!(
            header.is_some_and(|header| header.starts_with(b"PK\x03\x04")),
            "a local header read at {} of {len} bytes",
            record.offset
        );
        let after_header = record.offset + 30;
        assert!(
            (after_header..=after_header + 2 * u64::from(u16::MAX)).contains(&data_start),
            "data at {data_start} of the header at {}",
            record.offset
        );
    }
    assert_eq!(read, directory.count, "the records ended early");
}

/// `import csv` of a CSV catalogue, with no collection flags and with
/// every required one: any bytes give records or errors, each error in
/// the file, at a line and column the text has, and an error at a cell
/// names that cell's header. Records, exported with `export csv`, import
/// back the same, people creators first (author, speaker) as the two
/// columns hold them. And the cell syntax: a name and a value (the text
/// before and after the first NUL), trimmed as a cell keeps them, written
/// as `export csv` writes a cell, read back the same.
pub fn csv_import(bytes: &[u8]) {
    use crate::collection::Role;
    use crate::error::RecordErrors;
    use crate::import::CollectionFields;
    use crate::import::csv::parse_csv;

    if let Ok(text) = std::str::from_utf8(bytes) {
        cell_round_trip(text);
    }
    let file = Path::new("catalogue.csv");
    let every_field = CollectionFields {
        id: Some("c".parse().expect("a slug")),
        title: Some("T".into()),
        description: Some("D".into()),
        license: Some("CC0-1.0".parse().expect("a licence")),
        date: Some("2026-11-25".parse().expect("a date")),
        ..CollectionFields::default()
    };
    let sheet = Sheet::read(bytes);
    for fields in [CollectionFields::default(), every_field] {
        let parsed = match parse_csv(bytes, file, &fields) {
            Ok(parsed) => parsed,
            Err(RecordErrors(errors)) => {
                assert!(!errors.is_empty(), "an error without a record error");
                for error in &errors {
                    assert_eq!(error.file, file, "{error}");
                    sheet.assert_located(error);
                }
                continue;
            }
        };
        let collection = &parsed.collection;
        let count = collection.documents.len();
        assert_eq!((parsed.lines.len(), parsed.filenames.len()), (count, count));
        assert!(
            parsed.lines.windows(2).all(|w| w[0] < w[1]),
            "lines {:?} out of order",
            parsed.lines
        );
        assert!(
            (parsed.lines.iter()).all(|&line| line > sheet.header_line && line <= sheet.lines),
            "lines {:?} past the header's {} and the file's {}",
            parsed.lines,
            sheet.header_line,
            sheet.lines
        );
        let text = crate::export::csv::to_csv(collection);
        let again = parse_csv(text.as_bytes(), file, &CollectionFields::default())
            .unwrap_or_else(|e| panic!("the export of an import does not import: {e}\n{text}"));
        let mut expected = collection.clone();
        for document in &mut expected.documents {
            let authors = &mut document.provenance.authors;
            authors.sort_by_key(|a| !matches!(a.role, Role::Author | Role::Speaker));
        }
        assert_eq!(again.collection, expected, "exported as\n{text}");
    }
}

/// A name and a value from `text` (split at its first NUL), written as a
/// structured cell and read back, when they are what a cell keeps: a
/// name that is not empty, neither with white space at its ends.
fn cell_round_trip(text: &str) {
    use crate::import::csv_format::StructuredCell;

    let (name, value) = text.split_once('\0').unwrap_or((text, ""));
    if name.is_empty() || name.trim() != name || value.trim() != value {
        return;
    }
    let cell = StructuredCell::write(name, &[("url", value.to_string())]);
    let read = StructuredCell::parse(&cell, &["url"])
        .unwrap_or_else(|e| panic!("the cell {cell:?} does not read: {e}"));
    assert_eq!(read.name, name, "written as {cell:?}");
    assert_eq!(read.parts, [("url".to_string(), value.to_string())]);
}

/// The shape of a CSV file as `import csv` reads it: how many lines (a
/// `\n`, a `\r\n` or a lone `\r` ends one), the line of the header (the
/// first that is not blank), and the header's cells.
struct Sheet {
    lines: usize,
    header_line: usize,
    widest: usize,
    header: Vec<String>,
}

impl Sheet {
    fn read(bytes: &[u8]) -> Sheet {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        // A row holding a byte that is not UTF-8 is a row all the same: the
        // error says which.
        let text = String::from_utf8_lossy(bytes);
        let bytes = text.as_bytes();
        let line_ends = |bytes: &[u8]| {
            let crlf = bytes.windows(2).filter(|w| w == b"\r\n").count();
            let ends = bytes.iter().filter(|&&b| b == b'\r' || b == b'\n').count();
            ends - crlf
        };
        let blank = bytes
            .iter()
            .take_while(|&&b| b == b'\r' || b == b'\n')
            .count();
        let mut sheet = Sheet {
            lines: 1 + line_ends(bytes),
            header_line: 1 + line_ends(&bytes[..blank]),
            widest: 0,
            header: Vec::new(),
        };
        let mut first = true;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        for record in reader.records() {
            if let Ok(record) = record {
                sheet.widest = sheet.widest.max(record.len());
                if first {
                    sheet.header = record.iter().map(|cell| cell.trim().to_string()).collect();
                }
            }
            first = false;
        }
        sheet
    }

    /// An error is at a line and column of the sheet; one at a cell of a
    /// row below the header names that cell's header.
    fn assert_located(&self, error: &crate::error::RecordError) {
        if let Some(line) = error.line {
            assert!(
                (self.header_line..=self.lines).contains(&line),
                "line {line}, not from the header's {} to the file's {}: {error}",
                self.header_line,
                self.lines
            );
        }
        if let Some(column) = error.column {
            assert!(
                (1..=self.widest.max(1)).contains(&column),
                "column {column} of {}: {error}",
                self.widest
            );
            let header = self.header.get(column - 1);
            if error.line > Some(self.header_line) && !error.field.is_empty() {
                assert_eq!(header, Some(&error.field), "{error}");
            }
        }
    }
}

/// `inventory.json` of an OCFL object: any bytes give findings, each about
/// the inventory; with no error among them, they give an inventory, which
/// corpack's writer ([`Inventory::to_json`]) writes as JSON that reads
/// back as the same inventory, with the same findings.
///
/// [`Inventory::to_json`]: crate::ocfl::Inventory::to_json
pub fn ocfl_inventory(bytes: &[u8]) {
    use crate::ocfl::inventory::INVENTORY;
    use crate::ocfl::validate::{Findings, inventory};

    let mut findings = Findings::default();
    let parsed = inventory::parse(bytes.to_vec(), INVENTORY, &mut findings);
    assert!(
        findings.0.iter().all(|f| f.path == INVENTORY),
        "a finding about another file: {:?}",
        findings.0
    );
    if findings.0.iter().any(|f| f.severity == Severity::Error) {
        return;
    }
    let inventory = parsed
        .inventory
        .expect("an inventory without errors is read");
    let json = inventory.to_json();
    let mut again = Findings::default();
    let reread = inventory::parse(json.clone(), INVENTORY, &mut again);
    let written = String::from_utf8_lossy(&json);
    assert_eq!(reread.inventory.as_ref(), Some(&inventory), "{written}");
    assert_eq!(again.0, findings.0, "written as {written}");
    assert_eq!(reread.spec, parsed.spec);
}

/// An OCFL object made of `bytes`: a directory `object` in `scratch`
/// with the declaration, `bytes` as its inventory with the sidecar its
/// digest algorithm names, a copy of both in every version directory the
/// inventory lists, and a file (its own path as bytes) at every content
/// path it lists that can be made. Validating it gives findings, never
/// an error; validating it without the digests gives the same findings
/// but those of the digests, which come last.
pub fn ocfl_object(bytes: &[u8], scratch: &Path) {
    use crate::ocfl::digest::digest_bytes;
    use crate::ocfl::inventory::{INVENTORY, sidecar_text};
    use crate::ocfl::validate::{Findings, inventory, validate_object};
    use crate::ocfl::{DigestAlgorithm, OBJECT_DECLARATION};

    let root = scratch.join("object");
    match std::fs::remove_dir_all(&root) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => {
            panic!("{}: {error}", root.display())
        }
        _ => {}
    }
    let write = |path: &Path, bytes: &[u8]| {
        std::fs::write(path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    std::fs::create_dir_all(&root).expect("the object directory can be made");
    write(&root.join(OBJECT_DECLARATION), b"ocfl_object_1.1\n");
    let parsed = inventory::parse(bytes.to_vec(), INVENTORY, &mut Findings::default());
    // The sidecar, when the algorithm's name can be a file name's end.
    let sidecar = parsed.digest_algorithm_name.as_deref().and_then(|name| {
        let algorithm = name.parse::<DigestAlgorithm>().ok()?;
        let plain = !name.contains(['/', '\0']);
        plain.then(|| {
            (
                format!("{INVENTORY}.{name}"),
                sidecar_text(&digest_bytes(algorithm, bytes)),
            )
        })
    });
    let mut dirs = vec![root.clone()];
    if let Some(inventory) = &parsed.inventory {
        for version in inventory.versions.keys().take(8) {
            let dir = root.join(version.to_string());
            if std::fs::create_dir(&dir).is_ok() {
                dirs.push(dir);
            }
        }
    }
    for dir in &dirs {
        write(&dir.join(INVENTORY), bytes);
        if let Some((name, text)) = &sidecar {
            write(&dir.join(name), text.as_bytes());
        }
    }
    if let Some(inventory) = &parsed.inventory {
        let paths = inventory.manifest.values().flatten().take(16);
        // A content path under a name that begins as a declaration's
        // (`0=ocfl_object_.x/a`) would make a second declaration, and the
        // object's version unknown: it is left out, as one that cannot be
        // made is.
        let made = |path: &&str| {
            is_plain_relative(path) && !path.starts_with(crate::ocfl::DECLARATION_PREFIX)
        };
        for path in paths.filter(made) {
            let file = root.join(path);
            let parent = file.parent().expect("a path in the object root");
            // What cannot be made (a file where a directory would be)
            // is left out: the object lacks it.
            if !file.exists() && std::fs::create_dir_all(parent).is_ok() {
                let _ = std::fs::write(&file, path.as_bytes());
            }
        }
    }
    let judge = |check_digests| {
        validate_object(&root, check_digests, &NoProgress)
            .unwrap_or_else(|e| panic!("an object that can be read is an error: {e}"))
    };
    let fast = judge(false);
    let full = judge(true);
    assert_eq!(fast.spec.as_deref(), Some("1.1"));
    assert!(
        full.findings.starts_with(&fast.findings),
        "without the digests: {:?}\nwith them: {:?}",
        fast.findings,
        full.findings
    );
    assert_eq!(fast.inventory, full.inventory);
    assert_eq!(fast.files_checked, 0);
}

/// Whether `path` is relative, of plain names (no `.`, `..` or empty
/// element), and short enough to be made.
fn is_plain_relative(path: &str) -> bool {
    use std::path::Component;

    !path.is_empty()
        && path.len() < 200
        && !path.contains(['\0', '\\'])
        && path
            .split('/')
            .all(|element| !element.is_empty() && element.len() < 100)
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// An EDTF date: any text the `edtf` parser reads, corpack prints in a
/// canonical form that reads back to the same value and that corpack
/// accepts (unless the interval ends before it starts, a season has a
/// day, or an interval's end has an `X`, which the parser lets through).
/// A date corpack
/// accepts is its text as written; its widest interval does not end
/// before it starts, and, printed as a plain ISO 8601 interval of days
/// (years 0 to 9999), reads as EDTF to a date of the same interval.
pub fn edtf(bytes: &[u8]) {
    use crate::edtf::{Bound, DateInterval, EdtfDate};

    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    if let Ok(parsed) = ::edtf::level_1::Edtf::parse(text) {
        let canonical = crate::edtf::canonical_text(&parsed);
        let again = ::edtf::level_1::Edtf::parse(&canonical)
            .unwrap_or_else(|e| panic!("{text:?} prints as {canonical:?}, which reads as {e:?}"));
        assert_eq!(again, parsed, "{text:?} prints as {canonical:?}");
        match canonical.parse::<EdtfDate>() {
            Ok(date) => assert_eq!(date.value(), &parsed),
            Err(error) => assert!(
                error.contains("ends (")
                    || error.contains("has no days")
                    || error.contains("in an interval are EDTF level 2")
                    || error.contains("a leap second (:60) is 23:59:60 UTC"),
                "{canonical:?}: {error}"
            ),
        }
    }
    let Ok(date) = text.parse::<EdtfDate>() else {
        return;
    };
    assert_eq!(date.as_str(), text);
    let interval = date.interval();
    if let DateInterval {
        start: Bound::Day(start),
        end: Bound::Day(end),
    } = interval
    {
        assert!(start <= end, "{text:?} is {interval}");
        if [start, end]
            .iter()
            .all(|day| (0..=9999).contains(&day.year()))
        {
            let plain = interval.to_string();
            let read = plain
                .parse::<EdtfDate>()
                .unwrap_or_else(|e| panic!("{text:?} is {plain}, which does not read: {e}"));
            assert_eq!(read.interval(), interval, "{text:?} is {plain}");
        }
    }
    assert!(interval.overlaps(&interval), "{text:?} is {interval}");
}

/// A BagIt profile's JSON: any text is a profile or an error naming the
/// file, at a line and column the text has. A profile is checked against
/// a small bag, the one in `scratch` (written when missing, so that a
/// scratch directory kept between inputs holds it once): every
/// finding is a `profile-*` error, or the warning of a key the
/// specification does not define.
pub fn profile(bytes: &[u8], scratch: &Path) {
    use crate::error::Error;
    use crate::profile::Profile;

    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let file = Path::new("profile.json");
    let profile = match Profile::parse(text, file) {
        Ok(profile) => profile,
        Err(Error::Profile(error)) => {
            assert_eq!(error.file, file);
            let lines: Vec<&str> = text.split('\n').collect();
            if let Some(line) = error.line {
                assert!((1..=lines.len()).contains(&line), "{error}");
                let length = lines[line - 1].len();
                let column = error.column.expect("a line has a column");
                assert!(column <= length + 1, "{error}: the line has {length} bytes");
            }
            return;
        }
        Err(other) => panic!("not a profile error: {other}"),
    };
    let bag = scratch.join("profiled-bag");
    if !bag.join("bagit.txt").is_file() {
        write_profiled_bag(&bag);
    }
    let store = crate::bundle::reader::open(&bag).expect("the bag opens");
    for finding in profile.check(store.as_ref()) {
        let unknown_key = finding.code == crate::finding::Code::ProfileKeyUnknown;
        let severity = if unknown_key {
            Severity::Warning
        } else {
            Severity::Error
        };
        assert_eq!(finding.severity, severity, "{finding:?}");
        assert!(
            finding.code.to_string().starts_with("profile-"),
            "{finding:?}"
        );
    }
}

/// A small bag with something for every rule of a profile: an identifier,
/// bag-info elements, both kinds of manifest, a tag file of its own and a
/// payload in a directory.
fn write_profiled_bag(bag: &Path) {
    let payload: &[(&str, &[u8])] = &[("data/a.txt", b"alpha\n"), ("data/sub/b.txt", b"beta\n")];
    let mut manifest = String::new();
    for (path, bytes) in payload {
        manifest.push_str(&format!("{}  {path}\n", sha256_hex(bytes)));
    }
    let bag_info = "BagIt-Profile-Identifier: https://example.org/profile.json\n\
                    Source-Organization: Example\nContact-Name: A\nContact-Name: B\n";
    let tags: Vec<(&str, Vec<u8>)> = vec![
        ("bagit.txt", crate::bagit::BAGIT_TXT.into()),
        ("bag-info.txt", bag_info.into()),
        ("manifest-sha256.txt", manifest.into()),
        ("notes/readme.txt", b"notes\n".to_vec()),
    ];
    let mut tag_manifest = String::new();
    for (path, bytes) in &tags {
        tag_manifest.push_str(&format!("{}  {path}\n", sha256_hex(bytes)));
    }
    let files = payload
        .iter()
        .map(|(p, b)| (*p, b.to_vec()))
        .chain(tags)
        .chain([("tagmanifest-sha256.txt", tag_manifest.into_bytes())]);
    for (path, bytes) in files {
        let path = bag.join(path);
        std::fs::create_dir_all(path.parent().expect("in the bag")).expect("a bag directory");
        std::fs::write(&path, bytes).expect("a bag file");
    }
}

/// `import bag` of a bag made of `bytes` in `scratch`: the bytes up to the
/// first NUL are its `bag-info.txt` (none when empty), up to the second
/// its `manifest-sha256.txt` (none without a NUL), up to the third the
/// paths of its payload files under `data/`, one a line (`a.txt` without
/// them; each file holds its own path, and paths that cannot be made are
/// left out), and after it its `bagit.txt` (BagIt 1.0, UTF-8 without it).
/// The import, given a licence (a bag has none), fails or writes a
/// collection that `check` finds no error in, every document held; one
/// refused for names the policy can allow (a bag that verifies), and
/// nothing written, imports with those checks allowed, and `check` with
/// them finds no error.
pub fn bag_import(bytes: &[u8], scratch: &Path) {
    use crate::import::CollectionFields;
    use crate::import::bag::{BagImportOptions, import_bag};
    use crate::names::NameCheck;

    let bag = scratch.join("bag");
    let imported = scratch.join("imported");
    for dir in [&bag, &imported] {
        match std::fs::remove_dir_all(dir) {
            Err(error) if error.kind() != io::ErrorKind::NotFound => {
                panic!("{}: {error}", dir.display())
            }
            _ => {}
        }
    }
    let mut parts = bytes.splitn(4, |&b| b == 0);
    let bag_info = parts.next().unwrap_or_default();
    let manifest = parts.next();
    let paths = parts.next().map_or("a.txt".into(), String::from_utf8_lossy);
    let bagit = parts.next().unwrap_or(crate::bagit::BAGIT_TXT.as_bytes());
    let write = |path: &str, bytes: &[u8]| {
        let path = bag.join(path);
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    std::fs::create_dir_all(bag.join("data")).expect("the bag directory can be made");
    write("bagit.txt", bagit);
    if !bag_info.is_empty() {
        write("bag-info.txt", bag_info);
    }
    if let Some(manifest) = manifest {
        write("manifest-sha256.txt", manifest);
    }
    for path in paths.split('\n').filter(|p| is_plain_relative(p)).take(8) {
        let file = bag.join("data").join(path);
        let parent = file.parent().expect("in the payload");
        if !file.exists() && std::fs::create_dir_all(parent).is_ok() {
            let _ = std::fs::write(&file, path.as_bytes());
        }
    }
    let mut options = BagImportOptions {
        fields: CollectionFields {
            license: Some("CC0-1.0".parse().expect("a licence")),
            ..CollectionFields::default()
        },
        force: false,
        allow: Vec::new(),
    };
    let report = match import_bag(&bag, &imported, &options, &NoProgress) {
        Ok(report) => report,
        // Names the policy refuses, and nothing written: allowed, they import.
        Err(crate::Error::Refused { findings, .. }) => {
            assert!(!imported.join("collection.toml").exists());
            let checks: Option<Vec<NameCheck>> = (findings.iter())
                .map(|f| NameCheck::of_code(f.code).filter(|c| c.allowable()))
                .collect();
            let Some(checks) = checks else {
                return;
            };
            options.allow = checks;
            // A bag refused by verify has a finding no `--allow` names,
            // and returned above: allowed, these names may still fail for
            // something else, but never again for themselves.
            match import_bag(&bag, &imported, &options, &NoProgress) {
                Ok(report) => report,
                Err(error @ crate::Error::Refused { .. }) => {
                    panic!("refused again with its names allowed: {error}")
                }
                Err(_) => {
                    assert!(!imported.join("collection.toml").exists());
                    return;
                }
            }
        }
        Err(_) => return,
    };
    let checked = crate::check::check(&imported, &[], false, &options.allow)
        .unwrap_or_else(|e| panic!("the imported collection cannot be checked: {e}"));
    assert!(
        checked.errors.is_empty(),
        "the imported collection has errors: {:?}",
        checked.errors
    );
    assert_eq!(checked.documents, report.documents);
    assert_eq!(checked.held, report.documents, "{report:?}");
}

/// The records of an `ro-crate-metadata.json`, as the exporters read a
/// bundle's: any text gives a collection or an error, and `verify`, which
/// judges them as they stream past, finds fault with a crate corpack reads
/// exactly when the exports do, and reads the same records (which the
/// exports take from it). A collection that keeps the collection
/// rules, written back by corpack's crate writer, every document
/// catalogued (not held), reads back the same, but for the media types the
/// writer states where the records gave none.
pub fn rocrate_records(bytes: &[u8]) {
    use std::borrow::Cow;

    use crate::bundle::PackedDocument;

    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let read = rocrate::read_collection(text);
    let exported = (read.as_ref())
        .map(|collection| crate::collection::validate::rule_errors(collection).is_empty());
    // As verify asks: of a crate that reads, with corpack's terms.
    let corpack_crate = rocrate::read_files(bytes, |file| file.path)
        .ok()
        .filter(|read| read.corpack_terms);
    let holds = |file: &str| file.len().is_multiple_of(2);
    let stored = stored_where(holds);
    // The payload holds some of the files the crate describes, whose ids
    // the root's lists keep as indexes, and not others.
    let payload = corpack_crate
        .map(|read| PayloadPaths::new(read.files.into_iter().filter(|path| holds(path))));
    let judged = (payload.as_ref())
        .and_then(|payload| rocrate::record_links(bytes, Some(payload)).ok())
        .and_then(|links| {
            let wanted = rocrate::Wanted {
                stored: Some(&stored),
                records: true,
            };
            rocrate::judge_records(&links, bytes, wanted).ok()
        });
    if let Some(judged) = &judged {
        assert_eq!(
            judged.broken.is_empty(),
            exported == Ok(true),
            "verify finds {:?}; the exports read {exported:?}",
            judged.broken
        );
    }
    if exported != Ok(true) {
        return;
    }
    let Ok(collection) = read else {
        return;
    };
    // What the exports take from the judgement, in place of the records
    // read whole.
    if let Some(judged) = judged {
        let held = (collection.documents.iter())
            .filter(|document| holds(document.file.as_str()))
            .count();
        assert_eq!(judged.info.as_ref(), Some(&collection.info));
        assert_eq!(
            (judged.documents, judged.held),
            (collection.documents.len(), held)
        );
        let records = (judged.records)
            .map(|records| (records.and_then(|records| records.to_vec())).expect("records kept"));
        assert_eq!(records, Some(collection.documents.clone()));
    }
    let packed: Vec<PackedDocument> = (collection.documents.iter())
        .map(|document| PackedDocument {
            record: Cow::Borrowed(document),
            held: None,
            original_name: None,
        })
        .collect();
    let json = rocrate::metadata_json(&collection.info, &packed)
        .unwrap_or_else(|e| panic!("records that keep the rules are described: {e}"));
    let again = rocrate::read_collection(&json)
        .unwrap_or_else(|e| panic!("corpack's crate of the records does not read: {e}\n{json}"));
    let mut expected = collection.clone();
    for (document, read) in expected.documents.iter_mut().zip(&again.documents) {
        if document.media_type.is_none() {
            document.media_type.clone_from(&read.media_type);
        }
    }
    assert_eq!(again, expected, "written as {json}");
}

/// Where each file `holds` holds is among a bag's stored files, as
/// [`crate::rocrate::Wanted::stored`] asks: an index of its own for each,
/// as a bag gives it.
pub(crate) fn stored_where(holds: impl Fn(&str) -> bool) -> impl Fn(&str) -> Option<usize> {
    let indices = std::cell::RefCell::new(std::collections::HashMap::new());
    move |file| {
        holds(file).then(|| {
            let mut indices = indices.borrow_mut();
            let next = indices.len();
            *indices.entry(file.to_string()).or_insert(next)
        })
    }
}

/// Payload files by their paths in the crate, as
/// [`crate::rocrate::record_links`] asks: an index of its own for each.
pub(crate) struct PayloadPaths(Vec<String>);

impl PayloadPaths {
    pub(crate) fn new(paths: impl IntoIterator<Item = String>) -> PayloadPaths {
        let mut paths: Vec<String> = paths.into_iter().collect();
        paths.sort_unstable();
        paths.dedup();
        PayloadPaths(paths)
    }
}

impl rocrate::PayloadFiles for PayloadPaths {
    fn index(&self, path: &str) -> Option<usize> {
        self.0.binary_search_by(|held| held.as_str().cmp(path)).ok()
    }

    fn path(&self, index: usize) -> &str {
        &self.0[index]
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    let mut hasher = Algorithm::Sha256.hasher();
    hasher.update(bytes);
    hasher.finish_hex()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scratch_directory_goes_when_dropped() {
        let scratch = scratch_dir();
        let path = scratch.path().to_path_buf();
        zip_bundle(b"PK", &path.join("bundle.zip"));
        drop(scratch);
        assert!(!path.exists());
    }
}
