//! Hostile bundles and bag directories: each is rejected with a clear
//! finding (exit 1) or, when the zip as a whole cannot be trusted, an error
//! (exit 2); none crashes corpack, writes anything, or costs unbounded
//! time or memory. The zips are made here, byte by byte where needed
//! (`rawzip`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use proptest::prelude::*;

use crate::conformance::Verdict;
use crate::rawzip::{
    RawEntry, UTF8_FLAG, bag, deflate_zeros, sha256, unicode_path, zip, zip_with_aliases,
};
use crate::rfc8493::{retag, write_bag};
use crate::util::{Dir, corpack, sample_collection};
use corpack::digest::Algorithm;

/// Writes `entries` as `name` in `dir`.
fn write_zip(dir: &Dir, name: &str, entries: &[RawEntry]) -> PathBuf {
    dir.create(name, zip(entries))
}

/// Verifies `bag` with its working directory in an empty scratch
/// directory, and checks that nothing was written there or beside `bag`.
fn verify_writing_nothing(bag: &Path) -> Verdict {
    let cwd = Dir::new();
    let beside = bag.parent().unwrap();
    let listing = |dir: &Path| -> Vec<PathBuf> {
        let mut names: Vec<PathBuf> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        names
    };
    let before = listing(beside);
    let output = corpack()
        .current_dir(cwd.path())
        .args(["verify", "--json"])
        .arg(bag)
        .output()
        .unwrap();
    assert_eq!(
        listing(beside),
        before,
        "verify wrote beside {}",
        bag.display()
    );
    assert!(
        listing(cwd.path()).is_empty(),
        "verify wrote in its working directory"
    );
    Verdict {
        code: output.status.code().expect("corpack exits, not killed"),
        report: serde_json::from_slice(&output.stdout).unwrap(),
    }
}

#[track_caller]
fn assert_finding(verdict: &Verdict, code: &str, path: &str) {
    assert_eq!(verdict.code, 1, "{:#?}", verdict.report);
    assert!(
        verdict.has_at(code, path),
        "no {code} at {path}: {:#?}",
        verdict.findings()
    );
}

#[track_caller]
fn assert_untrusted(verdict: &Verdict, words: &str) {
    assert_eq!(verdict.code, 2, "{:#?}", verdict.report);
    let error = verdict.report["error"].as_str().unwrap_or_default();
    assert!(error.contains(words), "{words:?} not in {error:?}");
}

/// Where the field at `offset` in the end record of `zip`, which has no
/// comment, is.
fn end_record_field(zip: &[u8], offset: usize) -> usize {
    zip.len() - 22 + offset
}

/// The little-endian `u32` at `at` in `bytes`.
fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
}

/// Makes the little-endian `u32` at `at` in `bytes` what `change` makes of
/// it.
fn change_u32(bytes: &mut [u8], at: usize, change: impl FnOnce(u32) -> u32) {
    let changed = change(u32_at(bytes, at));
    bytes[at..at + 4].copy_from_slice(&changed.to_le_bytes());
}

/// A bag whose payload is `data/a.txt` = "alpha", plus `extra` entries.
fn alpha_bag(extra: Vec<RawEntry>) -> Vec<RawEntry> {
    let mut entries = bag(vec![(
        "data/a.txt",
        b"alpha",
        RawEntry::stored("bag/data/a.txt", b"alpha"),
    )]);
    entries.extend(extra);
    entries
}

#[test]
fn zip_names_that_could_leave_the_bag_are_rejected_unread() {
    let dir = Dir::new();
    for name in [
        "bag/../evil.txt",
        "../evil.txt",
        "/etc/evil",
        "C:/evil.txt",
        "bag/data/back\\slash.txt",
        "bag/data/..\\..\\evil.txt",
        "bag/data//double",
        "~/evil",
    ] {
        let zip = write_zip(
            &dir,
            "t.zip",
            &alpha_bag(vec![RawEntry::stored(name, b"evil")]),
        );
        let verdict = verify_writing_nothing(&zip);
        assert_finding(&verdict, "unsafe-path", name);
    }
}

#[test]
fn names_starting_with_dot_slash_are_read_without_it() {
    // bsdtar zips a directory given as `.` so: `./`, `./bagit.txt`, ….
    let dir = Dir::new();
    let mut entries = vec![RawEntry::dir("./")];
    for mut entry in alpha_bag(Vec::new()) {
        entry.name.splice(0..0, b"./".iter().copied());
        entries.push(entry);
    }
    let zip = write_zip(&dir, "dot.zip", &entries);
    let verdict = verify_writing_nothing(&zip);
    assert_eq!(verdict.code, 0, "{:#?}", verdict.report);
    assert_eq!(verdict.report["findings"], serde_json::json!([]));
    // `./bag/data/a.txt` beside `bag/data/a.txt` names it twice.
    let twice = RawEntry::stored("./bag/data/a.txt", b"other");
    let zip = write_zip(&dir, "twice.zip", &alpha_bag(vec![twice]));
    assert_untrusted(&verify_writing_nothing(&zip), "two entries are named");
}

#[test]
fn symlink_entries_are_never_followed() {
    let dir = Dir::new();
    let link = RawEntry {
        unix_mode: Some(0o120777),
        ..RawEntry::stored("bag/data/link", b"/etc/passwd")
    };
    let zip = write_zip(&dir, "t.zip", &alpha_bag(vec![link.clone()]));
    assert_finding(
        &verify_writing_nothing(&zip),
        "not-regular-file",
        "bag/data/link",
    );
    // Listed, it has that error, and is not said to be absent too.
    let listed = bag(vec![("data/link", b"/etc/passwd", link.clone())]);
    let verdict = verify_writing_nothing(&write_zip(&dir, "listed.zip", &listed));
    assert_finding(&verdict, "not-regular-file", "bag/data/link");
    assert!(
        !verdict.has_at("payload-file-missing", "data/link"),
        "{:#?}",
        verdict.findings()
    );
    // It may stand for any number of files of any size: a Payload-Oxum
    // is wrong only below what the entries read hold, even one too large
    // for corpack to hold.
    for (oxum, wrong) in [
        ("18446744073709551616.2", false),
        ("5.18446744073709551616", false),
        ("4.18446744073709551616", true),
    ] {
        let bag_info = RawEntry::stored(
            "bag/bag-info.txt",
            format!("Payload-Oxum: {oxum}\n").as_bytes(),
        );
        let entries = alpha_bag(vec![link.clone(), bag_info]);
        let verdict = verify_writing_nothing(&write_zip(&dir, "oxum.zip", &entries));
        assert_finding(&verdict, "not-regular-file", "bag/data/link");
        assert_eq!(
            verdict.has("error", "payload-oxum-mismatch"),
            wrong,
            "{oxum}: {:#?}",
            verdict.findings()
        );
    }
}

#[test]
fn a_directory_is_an_entry_whose_name_ends_with_a_slash() {
    let dir = Dir::new();
    // A stored file whose Unix mode alone says directory.
    let dir_mode = |name: &str, data: &[u8]| RawEntry {
        unix_mode: Some(0o040755),
        ..RawEntry::stored(name, data)
    };
    // Unlisted, it is read, as Python's zipfile and bdbag read it: found
    // unlisted.
    let hidden = dir_mode("bag/data/evil.txt", b"added");
    let verdict = verify_writing_nothing(&write_zip(&dir, "hidden.zip", &alpha_bag(vec![hidden])));
    assert_finding(&verdict, "payload-file-unlisted", "data/evil.txt");
    assert!(
        verdict.has("warning", "not-regular-file"),
        "{:#?}",
        verdict.findings()
    );
    // Listed and changed, its checksum is found wrong.
    let listed = bag(vec![(
        "data/b.txt",
        b"beta",
        dir_mode("bag/data/b.txt", b"changed"),
    )]);
    let verdict = verify_writing_nothing(&write_zip(&dir, "changed.zip", &listed));
    assert_finding(&verdict, "payload-digest-mismatch", "data/b.txt");
    // Listed and right, it verifies, with the warning.
    let listed = bag(vec![(
        "data/b.txt",
        b"beta",
        dir_mode("bag/data/b.txt", b"beta"),
    )]);
    let verdict = verify_writing_nothing(&write_zip(&dir, "right.zip", &listed));
    assert_eq!(verdict.code, 0, "{:#?}", verdict.report);
    assert_eq!(
        verdict.findings(),
        [(
            "warning".to_string(),
            "not-regular-file".to_string(),
            "bag/data/b.txt".to_string()
        )]
    );
    // A directory entry holding bytes: no extractor writes them.
    let full = RawEntry {
        data: b"hidden".to_vec(),
        size: 6,
        crc: crc32fast::hash(b"hidden"),
        ..RawEntry::dir("bag/data/sub/")
    };
    let verdict = verify_writing_nothing(&write_zip(&dir, "full.zip", &alpha_bag(vec![full])));
    assert_finding(&verdict, "zip-entry-corrupt", "bag/data/sub/");
}

#[test]
fn an_end_record_giving_the_central_directory_another_size_makes_the_zip_untrusted() {
    // Python's zipfile (so bdbag) counts the size back from the end record
    // to find the directory, and refuses such a zip.
    let dir = Dir::new();
    let good = zip(&alpha_bag(Vec::new()));
    let mut stubbed = b"#!/bin/sh\nexit 0\n".to_vec();
    stubbed.extend(&good);
    for (name, bytes) in [("good.zip", good.clone()), ("stubbed.zip", stubbed)] {
        let verdict = verify_writing_nothing(&dir.create(name, bytes));
        assert_eq!(verdict.code, 0, "{name}: {:#?}", verdict.report);
    }
    let packed = packed_bundle().to_vec();
    for (name, mut bytes) in [("raw", good), ("packed", packed)] {
        let size_at = end_record_field(&bytes, 12);
        let size = u32_at(&bytes, size_at);
        for changed in [size + 1, size - 1] {
            change_u32(&mut bytes, size_at, |_| changed);
            let zip = dir.create(&format!("{name}-{changed}.zip"), bytes.clone());
            let verdict = verify_writing_nothing(&zip);
            assert_untrusted(
                &verdict,
                &format!(
                    "its end record gives the central directory {changed} bytes, where its records take {size}"
                ),
            );
        }
    }
}

#[test]
fn duplicate_names_make_the_zip_untrusted() {
    let dir = Dir::new();
    let zip = write_zip(
        &dir,
        "t.zip",
        &alpha_bag(vec![RawEntry::stored("bag/data/a.txt", b"other")]),
    );
    // The name is found in the central directory, whose index in the zip
    // crate keeps one of them; a stub before the archive moves it.
    let verdict = verify_writing_nothing(&zip);
    assert_untrusted(&verdict, "cannot be trusted: entry \"bag/data/a.txt\": ");
    assert_untrusted(&verdict, "duplicate");
    let mut stubbed = b"#!/bin/sh\nexit 0\n".to_vec();
    stubbed.extend(fs::read(&zip).unwrap());
    let stubbed_zip = dir.path().join("stubbed.zip");
    fs::write(&stubbed_zip, stubbed).unwrap();
    let verdict = verify_writing_nothing(&stubbed_zip);
    assert_untrusted(&verdict, "cannot be trusted: entry \"bag/data/a.txt\": ");
    // A name another one stands for, in a Unicode Path extra field whose
    // checksum is its own: read as the zip crate reads it.
    let raw = b"bag/data/zzz.txt";
    let stands_for = b"bag/data/a.txt";
    let mut extra = 0x7075u16.to_le_bytes().to_vec();
    extra.extend((5 + stands_for.len() as u16).to_le_bytes());
    extra.push(1);
    extra.extend(crc32fast::hash(raw).to_le_bytes());
    extra.extend(stands_for);
    let renamed = RawEntry {
        extra,
        ..RawEntry::stored("bag/data/zzz.txt", b"other")
    };
    let zip = write_zip(&dir, "renamed.zip", &alpha_bag(vec![renamed.clone()]));
    let verdict = verify_writing_nothing(&zip);
    assert_untrusted(&verdict, "cannot be trusted: entry \"bag/data/a.txt\": ");
    // Whatever its version, as the zip crate reads it.
    let mut other_version = renamed;
    other_version.extra[4] = 2;
    let zip = write_zip(&dir, "renamed.zip", &alpha_bag(vec![other_version]));
    let verdict = verify_writing_nothing(&zip);
    assert_untrusted(&verdict, "cannot be trusted: entry \"bag/data/a.txt\": ");
    // Names of other bytes, one UTF-8, one CP437, that read the same.
    let cp437 = RawEntry {
        name: b"bag/data/\x9Abersicht.txt".to_vec(),
        flags: 0,
        ..RawEntry::stored("x", b"other")
    };
    let utf8 = RawEntry::stored("bag/data/Übersicht.txt", b"one");
    let zip = write_zip(&dir, "t.zip", &alpha_bag(vec![utf8, cp437]));
    assert_untrusted(&verify_writing_nothing(&zip), "duplicate");
}

#[test]
fn names_with_control_characters_reach_the_terminal_escaped() {
    let dir = Dir::new();
    let name = "bag/data/\u{1b}[31mred\rx.txt";
    let listed = write_zip(
        &dir,
        "listed.zip",
        &alpha_bag(vec![RawEntry::stored(name, b"evil")]),
    );
    // An error names the path it was given.
    let missing = dir.path().join("\u{1b}[31mred\rx.zip");
    for (zip, code) in [(&listed, 1), (&missing, 2)] {
        let output = corpack().arg("verify").arg(zip).output().unwrap();
        assert_eq!(output.status.code(), Some(code));
        let text =
            String::from_utf8(output.stdout).unwrap() + str::from_utf8(&output.stderr).unwrap();
        assert!(
            text.contains("\\u{1b}[31mred\\rx."),
            "the name is not shown escaped: {text:?}"
        );
        assert!(
            !text.contains('\u{1b}') && !text.contains('\r'),
            "a control character reached the terminal: {text:?}"
        );
    }
    // JSON keeps the name as it is, escaped by JSON's own rules.
    let verdict = verify_writing_nothing(&listed);
    assert_finding(&verdict, "payload-file-unlisted", &name["bag/".len()..]);
}

#[test]
fn local_headers_that_disagree_with_the_central_directory_make_it_untrusted() {
    let dir = Dir::new();
    let renamed = RawEntry {
        local_name: Some(b"bag/data/b.txt".to_vec()),
        ..RawEntry::stored("bag/data/a.txt", b"alpha")
    };
    let resized = RawEntry {
        local_size: Some(4),
        ..RawEntry::stored("bag/data/a.txt", b"alpha")
    };
    // The same name bytes, which a Unicode Path field renames in the local
    // header alone.
    let cp437 = b"bag/data/\x9Abersicht.txt";
    let renamed_by_field = RawEntry {
        name: cp437.to_vec(),
        flags: 0,
        local_extra: Some(unicode_path(crc32fast::hash(cp437), "bag/data/a.txt")),
        ..RawEntry::stored("x", b"alpha")
    };
    // The same name bytes, UTF-8 in one header and CP437 in the other, as
    // Python's zipfile refuses them.
    let reflagged = RawEntry {
        local_flags: Some(0),
        ..RawEntry::stored("bag/data/Übersicht.txt", b"alpha")
    };
    // Each error names the entry at fault, as its central record names it.
    for (entry, named) in [
        (renamed, "entry \"bag/data/a.txt\": "),
        (resized, "entry \"bag/data/a.txt\": "),
        (
            renamed_by_field,
            "entry \"bag/data/\u{FFFD}bersicht.txt\": ",
        ),
        (reflagged, "record of \"bag/data/Übersicht.txt\" disagree"),
    ] {
        let entries = bag(vec![("data/a.txt", b"alpha", entry)]);
        let zip = write_zip(&dir, "t.zip", &entries);
        let verdict = verify_writing_nothing(&zip);
        assert_untrusted(&verdict, "cannot be trusted");
        assert_untrusted(&verdict, named);
    }
}

#[test]
fn entries_sharing_bytes_make_the_zip_untrusted() {
    // Two central records for one local header and its data: the trick of
    // overlapping-entry zip bombs.
    let dir = Dir::new();
    let entries = alpha_bag(vec![]);
    let a_txt = entries.len() - 1;
    let aliased = dir.create(
        "t.zip",
        zip_with_aliases(&entries, &[(a_txt, "bag/data/b.txt")]),
    );
    // The alias is found first: its local header has a.txt's name.
    let verdict = verify_writing_nothing(&aliased);
    assert_untrusted(&verdict, "cannot be trusted: entry \"bag/data/b.txt\": ");
    // The first entry made a byte longer in both headers runs into the
    // second: neither is to blame alone, and both are named.
    let mut longer = zip(&entries);
    let directory = u32_at(&longer, end_record_field(&longer, 16)) as usize;
    for at in [18, 22, directory + 20, directory + 24] {
        change_u32(&mut longer, at, |size| size + 1);
    }
    let verdict = verify_writing_nothing(&dir.create("longer.zip", longer));
    assert_untrusted(
        &verdict,
        "overlapping entries: entries \"bag/bagit.txt\" and \"bag/manifest-sha256.txt\" share \
         bytes",
    );
}

#[test]
fn offsets_counted_from_the_wrong_place_blame_no_one_entry() {
    // The end record's directory offset one byte short: the archive is
    // taken to start a byte later, and every local header is looked for a
    // byte past it.
    let dir = Dir::new();
    let mut bytes = packed_bundle().to_vec();
    let at = end_record_field(&bytes, 16);
    change_u32(&mut bytes, at, |offset| offset - 1);
    let verdict = verify_writing_nothing(&dir.create("shifted.zip", bytes));
    assert_untrusted(
        &verdict,
        "cannot be trusted: every entry, its local header not where its central directory \
         record says",
    );
}

#[test]
fn a_local_header_no_central_record_lists_is_named() {
    // The first entry's header and data again before the archive, where a
    // self-extracting stub would be.
    let dir = Dir::new();
    let whole = zip(&alpha_bag(vec![]));
    let first = 30
        + "bag/bagit.txt".len()
        + "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".len();
    let mut smuggled = whole[..first].to_vec();
    smuggled.extend(&whole);
    let verdict = verify_writing_nothing(&dir.create("smuggled.zip", smuggled));
    assert_untrusted(
        &verdict,
        "local file header missing from central directory: a local header at byte 0, of an \
         entry named \"bag/bagit.txt\", which no central directory record lists",
    );
}

#[test]
fn truncated_zips_are_unreadable_wherever_they_are_cut() {
    let dir = Dir::new();
    let whole = zip(&alpha_bag(vec![RawEntry::deflated(
        "bag/data/b.txt",
        &[7; 5000],
    )]));
    for cut in [0, 1, 30, whole.len() / 2, whole.len() - 23, whole.len() - 1] {
        let zip = dir.create("t.zip", &whole[..cut]);
        let verdict = verify_writing_nothing(&zip);
        assert_eq!(verdict.code, 2, "cut at {cut}: {:#?}", verdict.report);
        if cut > 0 {
            assert_untrusted(&verdict, "it is truncated");
        }
    }
}

#[test]
fn a_damaged_end_record_or_directory_is_not_called_truncated() {
    let dir = Dir::new();
    let whole = packed_bundle();
    let directory = u32_at(whole, end_record_field(whole, 16)) as usize;
    // The first central record's signature; the end record's total count.
    let mut signature = whole.to_vec();
    signature[directory] ^= 1;
    let mut count = whole.to_vec();
    count[end_record_field(whole, 10)] ^= 1;
    for (name, bytes, words) in [
        (
            "signature",
            signature,
            "the central directory is not where or as that record says",
        ),
        ("count", count, "entry counts disagree"),
    ] {
        let verdict = verify_writing_nothing(&dir.create(&format!("{name}.zip"), bytes));
        assert_untrusted(&verdict, words);
        assert_untrusted(&verdict, "damaged");
    }
}

#[test]
fn names_equal_after_normalization_or_case_folding_are_warned_about() {
    // RFC 8493 only discourages making such bags: one already made is
    // complete and valid where it lies.
    let dir = Dir::new();
    for (first, second) in [
        ("bag/data/Nu\u{f1}ez", "bag/data/Nun\u{303}ez"),
        ("bag/data/a.txt", "bag/data/A.TXT"),
    ] {
        let entries = bag(vec![
            (&first[4..], b"x", RawEntry::stored(first, b"x")),
            (&second[4..], b"x", RawEntry::stored(second, b"x")),
        ]);
        let zip = write_zip(&dir, "t.zip", &entries);
        let verdict = verify_writing_nothing(&zip);
        assert_eq!(verdict.code, 0, "{:#?}", verdict.findings());
        assert!(
            verdict.has("warning", "name-collision"),
            "{:#?}",
            verdict.findings()
        );
    }
    // The same in a directory.
    let bag_dir = dir.join("dirbag");
    let payload: Vec<(&str, &[u8])> = vec![("data/a.txt", b"x"), ("data/A.TXT", b"x")];
    write_bag(&bag_dir, "1.0", &payload, &[Algorithm::Sha256]);
    let verdict = verify_writing_nothing(&bag_dir);
    assert_eq!(verdict.code, 0, "{:#?}", verdict.findings());
    assert_eq!(
        verdict.findings(),
        [(
            "warning".into(),
            "name-collision".into(),
            "data/a.txt".into()
        )]
    );
}

#[test]
fn names_that_are_not_utf8() {
    let dir = Dir::new();
    // Flagged UTF-8 but not UTF-8: rejected.
    let lying = RawEntry {
        name: b"bag/data/\xff.txt".to_vec(),
        flags: UTF8_FLAG,
        ..RawEntry::stored("x", b"x")
    };
    let zip = write_zip(&dir, "t.zip", &alpha_bag(vec![lying]));
    assert_finding(
        &verify_writing_nothing(&zip),
        "name-not-utf8",
        "bag/data/\u{fffd}.txt",
    );
}

/// A zip entry name not flagged UTF-8 is IBM Code Page 437 (APPNOTE
/// 4.4.4 bit 11, Appendix D), as Python's zipfile and so bdbag read it,
/// unless the zip was made on Unix and the name is UTF-8, as Info-ZIP's
/// unzip reads it, or an Info-ZIP Unicode Path field whose CRC-32 matches
/// the name gives its UTF-8 (APPNOTE 4.6.9): the manifests are compared
/// with that name.
#[test]
fn unflagged_names_are_cp437_unless_utf8_from_unix_or_a_unicode_path_field_names_them() {
    let dir = Dir::new();
    let unflagged = |name: &[u8], extra: Vec<u8>| RawEntry {
        name: name.to_vec(),
        flags: 0,
        extra,
        ..RawEntry::stored("x", b"c")
    };
    // 0x9A is Ü in CP437: the name is Übersicht.txt, with a warning.
    let cp437 = unflagged(b"bag/data/\x9Abersicht.txt", Vec::new());
    let entries = bag(vec![("data/Übersicht.txt", b"c", cp437)]);
    let verdict = verify_writing_nothing(&write_zip(&dir, "t.zip", &entries));
    assert_eq!(verdict.code, 0, "{:#?}", verdict.findings());
    assert_eq!(
        verdict.findings(),
        [(
            "warning".into(),
            "zip-name-cp437".into(),
            "bag/data/Übersicht.txt".into()
        )]
    );
    // UTF-8 bytes unflagged from MS-DOS or Windows are CP437 too (C3 9C
    // is ├£): the manifest naming Überblick.txt does not find the file,
    // as bdbag would not after extracting it. From Unix (Info-ZIP's zip,
    // macOS), they are UTF-8, as Info-ZIP's unzip reads them.
    let utf8 = unflagged("bag/data/Überblick.txt".as_bytes(), Vec::new());
    let from_dos = RawEntry {
        unix_mode: None,
        ..utf8.clone()
    };
    for (entry, listed, code, read_as) in [
        (&from_dos, "data/Überblick.txt", 1, "cp437"),
        (&from_dos, "data/├£berblick.txt", 0, "cp437"),
        (&utf8, "data/Überblick.txt", 0, "unflagged-utf8"),
        (&utf8, "data/├£berblick.txt", 1, "unflagged-utf8"),
    ] {
        let entries = bag(vec![(listed, b"c", entry.clone())]);
        let verdict = verify_writing_nothing(&write_zip(&dir, "t.zip", &entries));
        assert_eq!(verdict.code, code, "{listed}: {:#?}", verdict.findings());
        let name = match read_as {
            "cp437" => "bag/data/├£berblick.txt",
            _ => "bag/data/Überblick.txt",
        };
        assert!(
            verdict.has_at(&format!("zip-name-{read_as}"), name),
            "{:#?}",
            verdict.findings()
        );
    }
    // A Unicode Path field whose CRC-32 is the header name's gives the
    // name, as Info-ZIP's zip writes it: no warning.
    for header in [
        &b"bag/data/\x9Aberblick.txt"[..],
        "bag/data/Überblick.txt".as_bytes(),
    ] {
        let field = unicode_path(crc32fast::hash(header), "bag/data/Überblick.txt");
        let entries = bag(vec![("data/Überblick.txt", b"c", unflagged(header, field))]);
        let verdict = verify_writing_nothing(&write_zip(&dir, "t.zip", &entries));
        assert_eq!(verdict.code, 0, "{:#?}", verdict.findings());
        assert_eq!(verdict.findings(), []);
    }
    // One whose CRC-32 is another name's is ignored (APPNOTE 4.6.9).
    let stale = unicode_path(crc32fast::hash(b"other"), "bag/data/Überblick.txt");
    let entries = bag(vec![(
        "data/Übersicht.txt",
        b"c",
        unflagged(b"bag/data/\x9Abersicht.txt", stale),
    )]);
    let verdict = verify_writing_nothing(&write_zip(&dir, "t.zip", &entries));
    assert_eq!(verdict.code, 0, "{:#?}", verdict.findings());
    assert!(verdict.has_at("zip-name-cp437", "bag/data/Übersicht.txt"));
    // An ASCII name is the same read either way: no warning.
    let ascii = unflagged(b"bag/data/plain.txt", Vec::new());
    let entries = bag(vec![("data/plain.txt", b"c", ascii)]);
    let verdict = verify_writing_nothing(&write_zip(&dir, "t.zip", &entries));
    assert_eq!((verdict.code, verdict.findings()), (0, vec![]));
}

#[test]
fn encrypted_and_unsupported_entries_are_not_read() {
    let dir = Dir::new();
    for (entry, code) in [
        (
            RawEntry {
                flags: 1,
                ..RawEntry::stored("bag/data/a.txt", b"alpha")
            },
            "zip-entry-encrypted",
        ),
        (
            RawEntry {
                method: 12,
                ..RawEntry::stored("bag/data/a.txt", b"alpha")
            },
            "zip-entry-unsupported",
        ),
    ] {
        let entries = bag(vec![("data/a.txt", b"alpha", entry)]);
        let verdict = verify_writing_nothing(&write_zip(&dir, "t.zip", &entries));
        assert_finding(&verdict, code, "data/a.txt");
        assert_eq!(verdict.count("bytes_checked"), 0, "the entry is not read");
    }
}

#[test]
fn a_manifest_that_cannot_be_read_is_said_once_and_blames_no_file() {
    // A manifest's lines read before its damage showed may be damaged
    // too: the files are not compared with them, nor said unlisted.
    let dir = Dir::new();
    let mut unsupported = alpha_bag(Vec::new());
    let mut corrupt = alpha_bag(Vec::new());
    for (entries, code) in [
        (&mut unsupported, "zip-entry-unsupported"),
        (&mut corrupt, "zip-entry-corrupt"),
    ] {
        let manifest = (entries.iter_mut())
            .find(|e| e.name == b"bag/manifest-sha256.txt")
            .unwrap();
        if code == "zip-entry-unsupported" {
            manifest.method = 12;
        } else {
            manifest.crc ^= 1;
        }
        let verdict = verify_writing_nothing(&write_zip(&dir, "t.zip", entries));
        assert_eq!(verdict.code, 1, "{:#?}", verdict.report);
        assert_eq!(
            verdict.findings(),
            [("error".into(), code.into(), "manifest-sha256.txt".into())]
        );
    }
}

#[test]
fn damaged_entry_data_is_found() {
    let dir = Dir::new();
    let wrong_crc = RawEntry {
        crc: 0xdead_beef,
        ..RawEntry::deflated("bag/data/a.txt", b"alpha")
    };
    let short_stored = RawEntry {
        size: 9,
        ..RawEntry::stored("bag/data/a.txt", b"alpha")
    };
    let short_deflate = RawEntry {
        size: 9,
        ..RawEntry::deflated("bag/data/a.txt", b"alpha")
    };
    let garbage = RawEntry {
        data: vec![0xff; 16],
        ..RawEntry::deflated("bag/data/a.txt", b"alpha")
    };
    for entry in [wrong_crc, short_stored, short_deflate, garbage] {
        let entries = bag(vec![("data/a.txt", b"alpha", entry)]);
        let verdict = verify_writing_nothing(&write_zip(&dir, "t.zip", &entries));
        assert_finding(&verdict, "zip-entry-corrupt", "data/a.txt");
    }
}

#[test]
fn a_bomb_declaring_1_kb_is_stopped_long_before_its_1_gb() {
    let dir = Dir::new();
    let bomb = RawEntry {
        data: deflate_zeros(1 << 30),
        method: 8,
        size: 1024,
        crc: crc32fast::hash(&[0; 1024]),
        ..RawEntry::stored("bag/data/zeros", b"")
    };
    let entries = bag(vec![("data/zeros", &[0; 1024], bomb)]);
    let zip = write_zip(&dir, "bomb.zip", &entries);
    let (verdict, elapsed) = bounded_verify(&zip, 512);
    assert_finding(&verdict, "zip-bomb", "data/zeros");
    assert!(elapsed < Duration::from_secs(20), "took {elapsed:?}");
}

/// RFC 8493 §4: a bag is serialized from the parent of its base directory.
/// One zipped from within it is read, valid, with a warning that names
/// why other tools may not read it.
#[test]
fn a_bag_at_the_zip_s_root_is_read_with_a_warning() {
    let dir = Dir::new();
    let in_directory = bag(vec![(
        "data/a.txt",
        b"alpha",
        RawEntry::deflated("bag/data/a.txt", b"alpha"),
    )]);
    let at_root: Vec<RawEntry> = (in_directory.iter().cloned())
        .map(|entry| {
            let name = entry.name.strip_prefix(b"bag/").unwrap().to_vec();
            RawEntry { name, ..entry }
        })
        .collect();
    let verdict = verify_writing_nothing(&write_zip(&dir, "root.zip", &at_root));
    assert_eq!(verdict.code, 0, "{:#?}", verdict.report);
    assert_eq!(
        verdict.findings(),
        [(
            "warning".into(),
            "zip-bag-at-root".into(),
            "bagit.txt".into()
        )]
    );
    let verdict = verify_writing_nothing(&write_zip(&dir, "bag.zip", &in_directory));
    assert_eq!(verdict.code, 0, "{:#?}", verdict.report);
    assert!(verdict.findings().is_empty(), "{:#?}", verdict.findings());
}

/// A changed byte near the end of a deflate stream can make it inflate a
/// little past its declared size: damage, not a bomb, whether the entry is
/// inflated whole (small) or streamed (past 1 MiB).
#[test]
fn content_a_little_past_its_declared_size_is_damaged_not_a_bomb() {
    let dir = Dir::new();
    let small = RawEntry {
        size: 4,
        crc: crc32fast::hash(b"alph"),
        ..RawEntry::deflated("bag/data/a.txt", b"alpha")
    };
    let large = RawEntry {
        data: deflate_zeros(3 << 20),
        method: 8,
        size: 2 << 20,
        crc: crc32fast::hash(&vec![0; 2 << 20]),
        ..RawEntry::stored("bag/data/a.txt", b"")
    };
    for (entry, words) in [
        (small, "inflates to 5 bytes, not its declared 4"),
        (large, "inflates to 3145728 bytes, not its declared 2097152"),
    ] {
        let content = vec![0; entry.size as usize];
        let entries = bag(vec![("data/a.txt", &content, entry)]);
        let verdict = verify_writing_nothing(&write_zip(&dir, "t.zip", &entries));
        assert_finding(&verdict, "zip-entry-corrupt", "data/a.txt");
        assert!(!verdict.has_at("zip-bomb", "data/a.txt"));
        let message = verdict.report["findings"].to_string();
        assert!(message.contains(words), "{words:?} not in {message}");
    }
}

#[test]
fn a_size_beyond_what_deflate_can_produce_is_refused_unread() {
    let dir = Dir::new();
    let liar = RawEntry {
        size: 4_000_000_000,
        ..RawEntry::deflated("bag/data/a.txt", b"alpha")
    };
    let entries = bag(vec![("data/a.txt", b"alpha", liar)]);
    let verdict = verify_writing_nothing(&write_zip(&dir, "t.zip", &entries));
    assert_finding(&verdict, "zip-bomb", "data/a.txt");
    assert_eq!(
        verdict.count("bytes_checked"),
        0,
        "the entry is not inflated"
    );
}

/// A Zip64 extended information field (0x0001, APPNOTE 4.5.3) giving the
/// uncompressed size of an entry whose headers say 0xFFFFFFFF.
fn zip64_size(size: u64) -> Vec<u8> {
    let mut field = vec![0x01, 0x00, 0x08, 0x00];
    field.extend_from_slice(&size.to_le_bytes());
    field
}

#[test]
fn payload_sizes_summing_past_u64_are_not_wrapped() {
    let dir = Dir::new();
    // 2^63 + 5 twice is 10 once wrapped: the Oxum 10.2 would pass.
    let huge = |name: &str| RawEntry {
        size: u32::MAX,
        extra: zip64_size((1 << 63) + 5),
        ..RawEntry::deflated(name, b"alpha")
    };
    let mut entries = bag(vec![
        ("data/a.txt", b"alpha", huge("bag/data/a.txt")),
        ("data/b.txt", b"alpha", huge("bag/data/b.txt")),
    ]);
    entries.push(RawEntry::stored(
        "bag/bag-info.txt",
        b"Payload-Oxum: 10.2\n",
    ));
    let verdict = verify_writing_nothing(&write_zip(&dir, "t.zip", &entries));
    assert_finding(&verdict, "payload-oxum-mismatch", "bag-info.txt");
    let messages = verdict.report["findings"].to_string();
    assert!(
        messages.contains("18446744073709551626.2"),
        "the payload's octets are not 2^64 + 10: {messages}"
    );
}

#[test]
fn a_zip_bomb_inside_the_payload_is_payload() {
    let dir = Dir::new();
    let inner = zip(&[RawEntry {
        data: deflate_zeros(1 << 28),
        method: 8,
        size: 1 << 28,
        crc: 0,
        ..RawEntry::stored("zeros", b"")
    }]);
    let entries = bag(vec![(
        "data/inner.zip",
        &inner,
        RawEntry::stored("bag/data/inner.zip", &inner),
    )]);
    let zip = write_zip(&dir, "t.zip", &entries);
    let (verdict, elapsed) = bounded_verify(&zip, 512);
    assert_eq!((verdict.code, verdict.findings()), (0, vec![]));
    assert!(elapsed < Duration::from_secs(20), "took {elapsed:?}");
}

/// A bag of BagIt `version`, `bag/` in a new directory, with one payload
/// file, `data/a.txt`, and a SHA-256 manifest: what the tests below make
/// hostile. Returns the directory (removed when it is dropped) and the
/// bag's root.
fn alpha_bag_dir(version: &str) -> (Dir, PathBuf) {
    let dir = Dir::new();
    let root = dir.join("bag");
    write_bag(
        &root,
        version,
        &[("data/a.txt", b"alpha")],
        &[Algorithm::Sha256],
    );
    (dir, root)
}

/// Runs `corpack verify --json` under a virtual-memory limit of
/// `megabytes`; returns the verdict and the time it took.
///
/// glibc reserves 64 MiB of address space for each thread's malloc arena,
/// touched or not, and `ulimit -v` counts it: whether a run fit then
/// depended on how many threads had got an arena, not on the memory used
/// (one run in six failed at 112 MiB, none at 96). One arena makes the
/// limit measure what corpack allocates.
fn bounded_verify(bag: &Path, megabytes: u64) -> (Verdict, Duration) {
    let binary = assert_cmd::cargo::cargo_bin("corpack");
    let started = Instant::now();
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {}; exec \"$0\" verify --json \"$1\"",
            megabytes * 1024
        ))
        .arg(binary)
        .arg(bag)
        .env("LC_ALL", "C")
        .env("MALLOC_ARENA_MAX", "1")
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let verdict = Verdict {
        code: output.status.code().expect("corpack exits, not killed"),
        report,
    };
    (verdict, elapsed)
}

#[test]
fn a_manifest_of_two_million_lines_verifies_in_bounded_memory() {
    let (_dir, root) = alpha_bag_dir("0.97");
    // One real entry, then the same path two million times (tolerated with
    // a warning before 1.0): every line is parsed and judged.
    let line = format!("{}  data/a.txt\n", sha256(b"alpha"));
    let mut text = String::with_capacity(line.len() * 2_000_001);
    for _ in 0..=2_000_000 {
        text.push_str(&line);
    }
    fs::write(root.join("manifest-sha256.txt"), text).unwrap();
    retag(&root);
    let (verdict, elapsed) = bounded_verify(&root, 512);
    assert_eq!(verdict.code, 0, "{:#?}", verdict.findings());
    let findings = verdict.report["findings"].as_array().unwrap();
    assert_eq!(
        findings.len(),
        corpack::verify::MAX_PER_CODE + 1,
        "findings are capped"
    );
    let last = findings.last().unwrap()["message"].as_str().unwrap();
    assert!(last.starts_with("1999000 more"), "{last}");
    // The counts take in those left out, not the line saying so.
    assert_eq!(verdict.report["warnings"], 2_000_000, "{last}");
    assert_eq!(verdict.report["errors"], 0);
    eprintln!("2,000,001-line manifest verified in {elapsed:?}");
}

#[test]
fn a_manifest_of_two_million_distinct_lines_is_judged_in_bounded_memory() {
    let (_dir, root) = alpha_bag_dir("1.0");
    let mut text = format!("{}  data/a.txt\n", sha256(b"alpha"));
    let zeros = "0".repeat(64);
    for i in 0..2_000_000 {
        text.push_str(&format!("{zeros}  data/absent/{i:07}.txt\n"));
    }
    fs::write(root.join("manifest-sha256.txt"), text).unwrap();
    retag(&root);
    let (verdict, elapsed) = bounded_verify(&root, 1024);
    assert_eq!(verdict.code, 1);
    assert!(verdict.has("error", "payload-file-missing"));
    eprintln!("2,000,001 distinct manifest lines judged in {elapsed:?}");
}

#[test]
fn a_gigabyte_long_manifest_line_is_rejected_without_being_held() {
    let (_dir, root) = alpha_bag_dir("1.0");
    // A sparse file: one line of a checksum and a 1 GiB path.
    let manifest = root.join("manifest-sha256.txt");
    let file = fs::OpenOptions::new().append(true).open(&manifest).unwrap();
    use std::io::Write;
    (&file)
        .write_all(format!("{}  data/", "0".repeat(64)).as_bytes())
        .unwrap();
    file.set_len(1 << 30).unwrap();
    // Without a tag manifest listing it, nothing hashes the gigabyte: the
    // time measured is the line's rejection.
    fs::remove_file(root.join("tagmanifest-sha256.txt")).unwrap();
    let (verdict, elapsed) = bounded_verify(&root, 256);
    assert_finding(&verdict, "manifest-line-invalid", "manifest-sha256.txt");
    let message = verdict.report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "manifest-line-invalid")
        .unwrap()["message"]
        .to_string();
    assert!(message.contains("longer than"), "{message}");
    assert!(elapsed < Duration::from_secs(20), "took {elapsed:?}");
}

#[test]
fn tag_files_that_are_not_text_are_findings() {
    for (name, code) in [
        ("bag-info.txt", "bag-info-invalid"),
        ("manifest-sha256.txt", "manifest-line-invalid"),
        ("fetch.txt", "fetch-line-invalid"),
        ("bagit.txt", "bagit-txt-invalid"),
    ] {
        let (_dir, root) = alpha_bag_dir("1.0");
        fs::write(
            root.join(name),
            b"\x7fELF\x02\x01\x01\x00\x00\x00\xff\xfe\x00binary",
        )
        .unwrap();
        let verdict = verify_writing_nothing(&root);
        assert_finding(&verdict, code, name);
    }
}

#[cfg(unix)]
#[test]
fn links_fifos_and_odd_names_in_a_directory_are_findings_never_opened() {
    use std::os::unix::ffi::OsStrExt;
    let (dir, root) = alpha_bag_dir("1.0");
    let outside = dir.create("outside/secret.txt", "secret");
    std::os::unix::fs::symlink(&outside, root.join("data/link.txt")).unwrap();
    // Opening a FIFO for reading blocks until a writer comes: a verify that
    // opened one, inside the bag or named by `../`, would never finish.
    let fifo_inside = root.join("data/pipe");
    let fifo_outside = dir.join("pipe");
    for fifo in [&fifo_inside, &fifo_outside] {
        let status = Command::new("mkfifo").arg(fifo).status().unwrap();
        assert!(status.success());
    }
    fs::write(
        root.join(std::ffi::OsStr::from_bytes(b"data/\xff.txt")),
        "x",
    )
    .unwrap();
    let manifest = fs::read_to_string(root.join("manifest-sha256.txt")).unwrap();
    let zeros = "0".repeat(64);
    fs::write(
        root.join("manifest-sha256.txt"),
        format!("{manifest}{zeros}  data/link.txt\n{zeros}  data/pipe\n"),
    )
    .unwrap();
    retag(&root);
    let (verdict, elapsed) = bounded_verify(&root, 512);
    assert!(elapsed < Duration::from_secs(20));
    assert_finding(&verdict, "not-regular-file", "data/link.txt");
    assert_finding(&verdict, "not-regular-file", "data/pipe");
    assert_finding(&verdict, "name-not-utf8", "data/\u{fffd}.txt");
    for unread in ["data/link.txt", "data/pipe"] {
        assert!(
            !verdict.has_at("payload-file-missing", unread),
            "{unread} is said to be absent: {:#?}",
            verdict.findings()
        );
        assert!(
            !verdict.has_at("payload-digest-mismatch", unread),
            "{unread} was read: {:#?}",
            verdict.findings()
        );
    }

    fs::write(
        root.join("manifest-sha256.txt"),
        format!("{manifest}{zeros}  data/../../pipe\n"),
    )
    .unwrap();
    retag(&root);
    let (verdict, elapsed) = bounded_verify(&root, 512);
    assert!(elapsed < Duration::from_secs(20));
    assert_finding(&verdict, "unsafe-path", "data/../../pipe");
}

/// A packed bundle's bytes, to damage.
fn packed_bundle() -> &'static [u8] {
    static BUNDLE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BUNDLE.get_or_init(|| {
        let dir = Dir::new();
        let collection = sample_collection(&dir, "c");
        let bundle = dir.join("b.zip");
        corpack()
            .arg("pack")
            .arg(&collection)
            .arg("-o")
            .arg(&bundle)
            .assert()
            .success();
        fs::read(bundle).unwrap()
    })
}

/// Verifies `bytes` as a zip through the library's fuzzing harness: it
/// may be unreadable or invalid, never a panic.
fn verify_bytes(bytes: &[u8]) {
    let dir = Dir::new();
    corpack::fuzzing::zip_bundle(bytes, &dir.join("d.zip"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Flipped bytes anywhere in a real bundle never crash verify.
    #[test]
    fn damaged_bundles_never_crash(flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        let mut bytes = packed_bundle().to_vec();
        for (at, value) in flips {
            let at = at.index(bytes.len());
            bytes[at] ^= value | 1;
        }
        verify_bytes(&bytes);
    }

    /// A real bundle cut anywhere never crashes verify.
    #[test]
    fn truncated_bundles_never_crash(cut in any::<prop::sample::Index>()) {
        let bytes = packed_bundle();
        verify_bytes(&bytes[..cut.index(bytes.len())]);
    }
}

#[test]
fn inputs_kept_from_fuzzing_never_crash() {
    let regressions = crate::util::repo_root().join("fuzz/regressions");
    let scratch = Dir::new();
    let zip = scratch.join("input.zip");
    let mut replayed = 0;
    let targets = [
        "tagfile",
        "manifest",
        "collection",
        "rocrate",
        "zip_bundle",
        "central_directory",
        "csv_import",
        "ocfl_inventory",
        "ocfl_object",
        "profile",
        "edtf",
        "bag_import",
        "rocrate_records",
    ];
    for target in targets {
        let inputs = fs::read_dir(regressions.join(target))
            .unwrap_or_else(|e| panic!("fuzz/regressions/{target}: {e}"));
        for input in inputs {
            let bytes = fs::read(input.unwrap().path()).unwrap();
            match target {
                "tagfile" => corpack::fuzzing::tag_file(&bytes),
                "manifest" => corpack::fuzzing::manifest_lines(&bytes),
                "collection" => corpack::fuzzing::collection(&bytes),
                "rocrate" => corpack::fuzzing::rocrate(&bytes),
                "zip_bundle" => corpack::fuzzing::zip_bundle(&bytes, &zip),
                "central_directory" => corpack::fuzzing::central_directory(&bytes, &zip),
                "csv_import" => corpack::fuzzing::csv_import(&bytes),
                "ocfl_inventory" => corpack::fuzzing::ocfl_inventory(&bytes),
                "ocfl_object" => corpack::fuzzing::ocfl_object(&bytes, scratch.path()),
                "profile" => corpack::fuzzing::profile(&bytes, scratch.path()),
                "edtf" => corpack::fuzzing::edtf(&bytes),
                "bag_import" => corpack::fuzzing::bag_import(&bytes, scratch.path()),
                "rocrate_records" => corpack::fuzzing::rocrate_records(&bytes),
                _ => unreachable!("{target}"),
            }
            replayed += 1;
        }
    }
    assert!(replayed > 0);
}

#[test]
fn a_large_crate_is_streamed_in_bounded_memory() {
    // Another tool's crate, then one that maps corpack's terms, whose
    // records verify judges: it keeps what they link to, here the notes,
    // past its first 8 MiB in a temporary file, and judges them to the
    // end.
    let contexts = [
        r#""https://w3id.org/ro/crate/1.1/context""#,
        r#"["https://w3id.org/ro/crate/1.1/context", {"held": "https://w3id.org/ro/terms/corpack#held"}]"#,
    ];
    for (context, corpack_terms) in contexts.into_iter().zip([false, true]) {
        let (_dir, root) = alpha_bag_dir("1.0");
        // 60 MB of notes, then a file the payload lacks, so that a finding
        // shows the crate was read to its end. Read whole, into a `Value`,
        // it took more than twice its size, more than the limit.
        let note = "x".repeat(300_000);
        let path = root.join("data/ro-crate-metadata.json");
        let mut json = std::io::BufWriter::new(fs::File::create(path).unwrap());
        use std::io::Write;
        write!(
            json,
            r#"{{"@context": {context}, "@graph": [
            {{"@id": "ro-crate-metadata.json", "conformsTo": {{"@id": "https://w3id.org/ro/crate/1.1"}},
              "about": {{"@id": "./"}}}},
            {{"@id": "./", "@type": "Dataset", "hasPart": [{{"@id": "a.txt"}}, {{"@id": "absent.txt"}}]}},
            {{"@id": "a.txt", "@type": "File", "contentSize": 5}}"#
        )
        .unwrap();
        for i in 0..200 {
            write!(
                json,
                r##", {{"@id": "#note-{i}", "description": "{note}"}}"##
            )
            .unwrap();
        }
        write!(json, r#", {{"@id": "absent.txt", "@type": "File"}}]}}"#).unwrap();
        json.into_inner().unwrap().sync_all().unwrap();
        let (verdict, elapsed) = bounded_verify(&root, 128);
        assert_finding(&verdict, "rocrate-mismatch", "data/absent.txt");
        // The records' one fault, judged past all the notes: the root has
        // no licence. Nothing else is said of the crate.
        let messages: Vec<&str> = (verdict.report["findings"].as_array().unwrap().iter())
            .filter(|f| f["code"] == "rocrate-invalid")
            .map(|f| f["message"].as_str().unwrap())
            .collect();
        let judged: &[&str] = match corpack_terms {
            true => &["the root dataset: no license"],
            false => &[],
        };
        assert_eq!(messages, judged, "{:#?}", verdict.findings());
        eprintln!("a 60 MB crate verified in {elapsed:?}");
    }
}
