//! Completeness (RFC 8493 §3): the payload directory exists, every listed
//! file is present, every payload file is listed, and `fetch.txt` agrees
//! with the payload manifests; and every tag manifest lists every payload
//! manifest, and the same tag files as the others (§2.2.1).

use std::collections::{BTreeSet, HashMap, HashSet};

use super::fetch::{Fetch, Fetched};
use super::findings::{Findings, rfc_rule, unread_files};
use super::manifests::{Manifest, is_tag_manifest};
use crate::bagit::fetch::FetchLength;
use crate::bundle::reader::BagStore;
use crate::finding::{Code, Finding, Severity};

/// Checks what RFC 8493 §3 asks of a complete bag, and that the tag
/// manifests cover the payload manifests. `rfc`: the bag is BagIt 1.0,
/// whose every payload file must be listed in every payload manifest
/// (before, one manifest was enough).
pub fn check(
    store: &dyn BagStore,
    manifests: &[Manifest],
    fetch: &Fetch,
    rfc: bool,
    findings: &mut Findings,
) {
    // A file the store would not read (a link, a FIFO, an unusable name)
    // has its error already: it is not said to be absent too, nor what a
    // link to a directory would hold.
    let not_read: HashSet<&str> = unread_files(store).map(|(_, path)| path).collect();
    let is_not_read = |path: &str| {
        not_read.contains(path)
            || (path.match_indices('/')).any(|(at, _)| not_read.contains(&path[..at]))
    };
    if !store.is_dir("data") && !not_read.contains("data") {
        findings.push(Finding::error(
            Code::PayloadDirMissing,
            "data",
            "the bag has no payload directory data/",
        ));
    }
    // A manifest that could not be read, or was read in part, has its
    // error; what it would list is not said to be missing from it.
    let read_manifests: Vec<&Manifest> = (manifests.iter())
        .filter(|m| !m.is_tag && m.read_whole())
        .collect();
    let to_fetch: HashSet<&str> = fetch.paths.iter().map(|f| f.path.as_str()).collect();
    check_fetch(store, &read_manifests, fetch, findings);
    check_tag_manifests(store, manifests, rfc, findings);
    check_tag_manifests_agree(store, manifests, findings);
    for (index, manifest) in manifests.iter().enumerate() {
        let code = if manifest.is_tag {
            Code::TagFileMissing
        } else {
            Code::PayloadFileMissing
        };
        for path in manifest.absent_paths() {
            let listed_before = |m: &Manifest| m.lists(store, path);
            if to_fetch.contains(path)
                || is_not_read(path)
                || manifests[..index].iter().any(listed_before)
            {
                continue;
            }
            findings.push_with(Severity::Error, code, || {
                let mut message = format!("listed in {} but absent from the bag", manifest.name);
                // RFC 8493 takes the rest of the line as the path; bagit-python
                // strips white space at its end.
                let trimmed = path.trim_end();
                if trimmed != path && store.position(trimmed).is_some() {
                    message.push_str(&format!(
                        " (the path ends with white space, which is part of it: the bag holds \
                         {trimmed:?})"
                    ));
                }
                Finding::error(code, path, message)
            });
        }
    }
    let stored = store.files().iter().enumerate();
    for (index, file) in stored.filter(|(_, f)| f.path.starts_with("data/")) {
        let unlisted: Vec<&str> = read_manifests
            .iter()
            .filter(|m| !m.lists_stored(index))
            .map(|m| m.name.as_str())
            .collect();
        let missing = if rfc {
            !unlisted.is_empty()
        } else {
            unlisted.len() == read_manifests.len() && !unlisted.is_empty()
        };
        if missing {
            findings.push(Finding::error(
                Code::PayloadFileUnlisted,
                file.path,
                format!("payload file not listed in {}", unlisted.join(", ")),
            ));
        }
    }
}

/// Each tag manifest must list every payload manifest (RFC 8493 §2.2.1),
/// so that the payload manifests are not changed unseen with the payload.
/// RFC 8493 is BagIt 1.0: in a bag of an earlier draft, an omission is a
/// warning.
fn check_tag_manifests(
    store: &dyn BagStore,
    manifests: &[Manifest],
    rfc: bool,
    findings: &mut Findings,
) {
    let severity = rfc_rule(rfc);
    for payload_manifest in manifests.iter().filter(|m| !m.is_tag) {
        let unlisted: Vec<&str> = (manifests.iter())
            .filter(|m| m.is_tag && m.read_whole() && !m.lists(store, &payload_manifest.name))
            .map(|m| m.name.as_str())
            .collect();
        if !unlisted.is_empty() {
            findings.push(Finding {
                severity,
                code: Code::PayloadManifestUnlisted,
                path: payload_manifest.name.clone(),
                message: format!(
                    "payload manifest not listed in {}, which must list every payload manifest",
                    unlisted.join(", ")
                ),
            });
        }
    }
}

/// Each tag manifest "SHOULD list the same set of tag files" (RFC 8493
/// §2.2.1): a stored file some list and others do not is a warning. Left
/// out: a payload manifest, which each must list ([`check_tag_manifests`]);
/// a tag manifest, which none can list in its own checksums, so that two
/// listing tag manifests (allowed before BagIt 1.0) always differ; a file
/// the bag lacks, which is missing; and a tag manifest not read whole, of
/// which what it would list is not known.
fn check_tag_manifests_agree(
    store: &dyn BagStore,
    manifests: &[Manifest],
    findings: &mut Findings,
) {
    let tag_manifests: Vec<&Manifest> = (manifests.iter())
        .filter(|m| m.is_tag && m.read_whole())
        .collect();
    if tag_manifests.len() < 2 {
        return;
    }
    let payload_manifests: HashSet<&str> = (manifests.iter())
        .filter(|m| !m.is_tag)
        .map(|m| m.name.as_str())
        .collect();
    for (index, path) in store.files().paths().enumerate() {
        if payload_manifests.contains(path) || is_tag_manifest(path) {
            continue;
        }
        // Counted first: most files, payload files, none lists.
        let listing = (tag_manifests.iter())
            .filter(|m| m.lists_stored(index))
            .count();
        if listing == 0 || listing == tag_manifests.len() {
            continue;
        }
        let (listing, not_listing): (Vec<&Manifest>, Vec<&Manifest>) =
            (tag_manifests.iter()).partition(|m| m.lists_stored(index));
        let names = |manifests: &[&Manifest]| {
            let names: Vec<&str> = manifests.iter().map(|m| m.name.as_str()).collect();
            names.join(", ")
        };
        findings.push_with(Severity::Warning, Code::TagManifestsDiffer, || {
            Finding::warning(
                Code::TagManifestsDiffer,
                path,
                format!(
                    "listed in {} but not in {}: each tag manifest should list the same tag files",
                    names(&listing),
                    names(&not_listing)
                ),
            )
        });
    }
}

/// Files listed in `fetch.txt` must be listed in every payload manifest
/// (RFC 8493 §2.2.3) that could be read; those absent make the bag
/// incomplete. One present with another size than the length its line
/// gives is warned of, as is one whose line gives a length too large for
/// a `u64`, which no file corpack reads has. A path listed more than once
/// has each finding once, naming the lines.
fn check_fetch(
    store: &dyn BagStore,
    payload_manifests: &[&Manifest],
    fetch: &Fetch,
    findings: &mut Findings,
) {
    let size_of = |path: &str| (store.position(path)).map(|index| store.files().get(index).size);
    // The lines that give a file the bag holds another length than its
    // size, by path.
    let mut wrong_lengths: HashMap<&str, Vec<(usize, FetchLength)>> = HashMap::new();
    for Fetched { line, path, length } in &fetch.paths {
        let wrong = match (length, size_of(path)) {
            (FetchLength::Octets(length), Some(size)) => *length != size,
            (FetchLength::TooLarge, Some(_)) => true,
            _ => false,
        };
        if wrong {
            wrong_lengths
                .entry(path)
                .or_default()
                .push((*line, *length));
        }
    }
    let mut seen = BTreeSet::new();
    for Fetched { line, path, .. } in &fetch.paths {
        if !seen.insert(path.as_str()) {
            continue;
        }
        if let Some((wrong, size)) = wrong_lengths.get(path.as_str()).zip(size_of(path)) {
            findings.push(Finding::warning(
                Code::FetchLengthMismatch,
                path,
                format!(
                    "{}; the file the bag holds is {} long",
                    wrong_lengths_given(wrong),
                    bytes(size)
                ),
            ));
        }
        let unlisted: Vec<&str> = payload_manifests
            .iter()
            .filter(|m| !m.lists(store, path))
            .map(|m| m.name.as_str())
            .collect();
        if !unlisted.is_empty() {
            findings.push(Finding::error(
                Code::FetchFileUnlisted,
                path,
                format!(
                    "fetch.txt line {line} lists it, but {} does not",
                    unlisted.join(", ")
                ),
            ));
        }
        if !store.contains(path) {
            findings.push(Finding::error(
                Code::FetchFileMissing,
                path,
                format!(
                    "fetch.txt line {line} lists it to be downloaded; the bag is incomplete \
                     without it (corpack never downloads)"
                ),
            ));
        }
    }
}

/// How many of a path's lines giving a wrong length are named one by one.
const WRONG_LENGTHS_NAMED: usize = 3;

/// "fetch.txt line 2 gives its length as 5 bytes", and how the path's
/// other lines in `wrong` (line, length; one at least) give it.
fn wrong_lengths_given(wrong: &[(usize, FetchLength)]) -> String {
    let length = |length: FetchLength| match length.octets() {
        Some(octets) => bytes(octets),
        None => format!(
            "a number of bytes larger than any corpack can hold ({})",
            u64::MAX
        ),
    };
    let named = &wrong[..wrong.len().min(WRONG_LENGTHS_NAMED)];
    let mut lines: Vec<String> = (named.iter().enumerate())
        .map(|(index, &(line, given))| match index {
            0 => format!(
                "fetch.txt line {line} gives its length as {}",
                length(given)
            ),
            _ => format!("line {line} as {}", length(given)),
        })
        .collect();
    let more = wrong.len() - named.len();
    if more > 0 {
        lines.push(format!("{more} more line(s) a wrong length too"));
    }
    match lines.split_last() {
        Some((last, first @ [_, ..])) => format!("{}, and {last}", first.join(", ")),
        _ => lines.concat(),
    }
}

/// "1 byte", "N bytes".
fn bytes(count: u64) -> String {
    match count {
        1 => "1 byte".to_string(),
        _ => format!("{count} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bagit::BAGIT_TXT;
    use crate::verify::testutil::{Memory, read_manifests};

    #[test]
    fn every_tag_manifest_lists_every_payload_manifest() {
        let sha256 = |path: &str| format!("{}  {path}\n", "00".repeat(32));
        let md5 = |path: &str| format!("{}  {path}\n", "00".repeat(16));
        let payload = sha256("data/a");
        let payload_md5 = md5("data/a");
        let omits_md5 = sha256("manifest-sha256.txt");
        let lists_both = format!("{}{}", md5("manifest-md5.txt"), md5("manifest-sha256.txt"));
        let store = Memory::new(&[
            ("data/a", b"a"),
            ("manifest-md5.txt", payload_md5.as_bytes()),
            ("manifest-sha256.txt", payload.as_bytes()),
            ("tagmanifest-md5.txt", lists_both.as_bytes()),
            ("tagmanifest-sha256.txt", omits_md5.as_bytes()),
        ]);
        let (manifests, _) = read_manifests(&store);
        for (rfc, severity) in [(true, Severity::Error), (false, Severity::Warning)] {
            let mut findings = Findings::default();
            check(
                &store,
                &manifests.list,
                &Fetch::default(),
                rfc,
                &mut findings,
            );
            let found: Vec<_> = (findings.into_vec().into_iter())
                .filter(|f| f.code == Code::PayloadManifestUnlisted)
                .map(|f| (f.severity, f.path, f.message))
                .collect();
            assert_eq!(
                found,
                [(
                    severity,
                    "manifest-md5.txt".to_string(),
                    "payload manifest not listed in tagmanifest-sha256.txt, which must list every \
                     payload manifest"
                        .to_string()
                )]
            );
        }
    }

    #[test]
    fn tag_manifests_listing_other_tag_files_are_warned_of() {
        let lines = |digits: usize, paths: &[&str]| -> String {
            (paths.iter())
                .map(|path| format!("{}  {path}\n", "0".repeat(digits)))
                .collect()
        };
        let payload = lines(64, &["data/a"]);
        let payload_md5 = lines(32, &["data/a"]);
        // A payload manifest, a tag manifest and an absent file that
        // tagmanifest-sha256.txt lists alone have findings of their own,
        // or none.
        let sha256 = lines(
            64,
            &[
                "bag-info.txt",
                "bagit.txt",
                "extra.txt",
                "manifest-md5.txt",
                "manifest-sha256.txt",
                "missing.txt",
                "tagmanifest-sha512.txt",
            ],
        );
        let sha512 = lines(128, &["bagit.txt", "manifest-sha256.txt", "other.txt"]);
        let md5 = lines(
            32,
            &[
                "bag-info.txt",
                "bagit.txt",
                "manifest-md5.txt",
                "manifest-sha256.txt",
            ],
        );
        let store = Memory::new(&[
            ("bag-info.txt", b"X: y\n"),
            ("bagit.txt", BAGIT_TXT.as_bytes()),
            ("data/a", b"a"),
            ("extra.txt", b"e"),
            ("manifest-md5.txt", payload_md5.as_bytes()),
            ("manifest-sha256.txt", payload.as_bytes()),
            ("other.txt", b"o"),
            ("tagmanifest-md5.txt", md5.as_bytes()),
            ("tagmanifest-sha256.txt", sha256.as_bytes()),
            ("tagmanifest-sha512.txt", sha512.as_bytes()),
        ]);
        let (mut manifests, _) = read_manifests(&store);
        let differ = |manifests: &[Manifest]| {
            let mut findings = Findings::default();
            check(&store, manifests, &Fetch::default(), true, &mut findings);
            (findings.into_vec().into_iter())
                .filter(|f| f.code == Code::TagManifestsDiffer)
                .map(|f| (f.severity, f.path, f.message))
                .collect::<Vec<_>>()
        };
        let warning = |path: &str, message: &str| {
            (
                Severity::Warning,
                path.to_string(),
                format!("{message}: each tag manifest should list the same tag files"),
            )
        };
        assert_eq!(
            differ(&manifests.list),
            [
                warning(
                    "bag-info.txt",
                    "listed in tagmanifest-md5.txt, tagmanifest-sha256.txt but not in \
                     tagmanifest-sha512.txt"
                ),
                warning(
                    "extra.txt",
                    "listed in tagmanifest-sha256.txt but not in tagmanifest-md5.txt, \
                     tagmanifest-sha512.txt"
                ),
                warning(
                    "other.txt",
                    "listed in tagmanifest-sha512.txt but not in tagmanifest-md5.txt, \
                     tagmanifest-sha256.txt"
                ),
            ]
        );
        // What a tag manifest not read whole would list is not known.
        let sha512 = (manifests.list.iter_mut())
            .find(|m| m.name == "tagmanifest-sha512.txt")
            .unwrap();
        sha512.cut_short = true;
        assert_eq!(
            differ(&manifests.list),
            [warning(
                "extra.txt",
                "listed in tagmanifest-sha256.txt but not in tagmanifest-md5.txt"
            )]
        );
        let sha256 = (manifests.list.iter_mut())
            .find(|m| m.name == "tagmanifest-sha256.txt")
            .unwrap();
        sha256.unread = true;
        assert_eq!(differ(&manifests.list), []);
    }

    #[test]
    fn a_fetched_file_is_not_said_missing_from_a_manifest_that_was_not_read() {
        let sha256 = format!("{}  data/a\n", "00".repeat(32));
        let sha512 = format!("{}  data/b\n", "00".repeat(64));
        let store = Memory::new(&[
            ("manifest-sha256.txt", sha256.as_bytes()),
            ("manifest-sha512.txt", sha512.as_bytes()),
        ]);
        let (mut manifests, _) = read_manifests(&store);
        let fetch = Fetch {
            paths: vec![Fetched {
                line: 1,
                path: "data/a".to_string(),
                length: FetchLength::Unspecified,
            }],
            ..Fetch::default()
        };
        let unlisted_by = |manifests: &[Manifest]| {
            let mut findings = Findings::default();
            check(&store, manifests, &fetch, true, &mut findings);
            (findings.into_vec().into_iter())
                .filter(|f| f.code == Code::FetchFileUnlisted)
                .map(|f| f.message)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            unlisted_by(&manifests.list),
            ["fetch.txt line 1 lists it, but manifest-sha512.txt does not"]
        );
        manifests.list[1].unread = true;
        assert_eq!(unlisted_by(&manifests.list), Vec::<String>::new());
    }

    #[test]
    fn a_fetched_file_the_bag_holds_at_another_length_is_warned_of() {
        let manifest: String = (["data/a", "data/b", "data/c"].iter())
            .map(|path| format!("{}  {path}\n", "00".repeat(32)))
            .collect();
        let store = Memory::new(&[
            ("data/a", b"a"),
            ("data/b", b"bb"),
            ("manifest-sha256.txt", manifest.as_bytes()),
        ]);
        let (manifests, _) = read_manifests(&store);
        let fetched = |line, path: &str, length| Fetched {
            line,
            path: path.to_string(),
            length,
        };
        // data/c, absent, is still to fetch: only its absence is said. A
        // length too large for a u64 is no length of a file the bag holds.
        use FetchLength::{Octets, TooLarge, Unspecified};
        let fetch = Fetch {
            paths: vec![
                fetched(1, "data/a", Octets(1)),
                fetched(2, "data/b", Octets(5)),
                fetched(3, "data/c", Octets(3)),
                fetched(4, "data/a", Unspecified),
                fetched(5, "data/b", Octets(2)),
                fetched(6, "data/b", TooLarge),
                fetched(7, "data/c", TooLarge),
                fetched(8, "data/a", Octets(2)),
                fetched(9, "data/b", Octets(1)),
            ],
            ..Fetch::default()
        };
        let mut findings = Findings::default();
        check(&store, &manifests.list, &fetch, true, &mut findings);
        let found: Vec<_> = (findings.into_vec().into_iter())
            .map(|f| (f.severity, f.code, f.path, f.message))
            .collect();
        // A path listed more than once is warned of once, naming each
        // line that gives it a wrong length, as it is said missing once.
        assert_eq!(
            found,
            [
                (
                    Severity::Warning,
                    Code::FetchLengthMismatch,
                    "data/a".to_string(),
                    "fetch.txt line 8 gives its length as 2 bytes; the file the bag holds is 1 \
                     byte long"
                        .to_string()
                ),
                (
                    Severity::Warning,
                    Code::FetchLengthMismatch,
                    "data/b".to_string(),
                    "fetch.txt line 2 gives its length as 5 bytes, line 6 as a number of bytes \
                     larger than any corpack can hold (18446744073709551615), and line 9 as 1 \
                     byte; the file the bag holds is 2 bytes long"
                        .to_string()
                ),
                (
                    Severity::Error,
                    Code::FetchFileMissing,
                    "data/c".to_string(),
                    "fetch.txt line 3 lists it to be downloaded; the bag is incomplete without it \
                     (corpack never downloads)"
                        .to_string()
                ),
            ]
        );
        // Past three lines, the others are counted.
        let wrong: Vec<_> = (1..=5).map(|line| (line, Octets(9))).collect();
        assert_eq!(
            wrong_lengths_given(&wrong[..2]),
            "fetch.txt line 1 gives its length as 9 bytes, and line 2 as 9 bytes"
        );
        assert_eq!(
            wrong_lengths_given(&wrong),
            "fetch.txt line 1 gives its length as 9 bytes, line 2 as 9 bytes, line 3 as 9 bytes, \
             and 2 more line(s) a wrong length too"
        );
    }

    /// A listed path that ends with white space is not the stored path
    /// without it, which the message names.
    #[test]
    fn a_path_ending_with_white_space_is_said_to() {
        let manifest = format!(
            "{}  data/a.txt \n{}  data/b \n",
            "00".repeat(32),
            "00".repeat(32)
        );
        let store = Memory::new(&[
            ("data/a.txt", b"a"),
            ("data/b ", b"b"),
            ("manifest-sha256.txt", manifest.as_bytes()),
        ]);
        let (manifests, _) = read_manifests(&store);
        let mut findings = Findings::default();
        check(
            &store,
            &manifests.list,
            &Fetch::default(),
            true,
            &mut findings,
        );
        let missing: Vec<_> = (findings.into_vec().into_iter())
            .filter(|f| f.code == Code::PayloadFileMissing)
            .map(|f| (f.path, f.message))
            .collect();
        assert_eq!(
            missing,
            [(
                "data/a.txt ".to_string(),
                "listed in manifest-sha256.txt but absent from the bag (the path ends with white \
                 space, which is part of it: the bag holds \"data/a.txt\")"
                    .to_string()
            )]
        );
    }
}
