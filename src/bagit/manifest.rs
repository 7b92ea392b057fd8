//! Payload and tag manifests: `<checksum> <path>` lines.

use std::io;

use super::text::split_lines;
use crate::digest::Algorithm;

/// The file name of the payload manifest for `algorithm`.
pub fn manifest_name(algorithm: Algorithm) -> String {
    format!("manifest-{algorithm}.txt")
}

/// The file name of the tag manifest for `algorithm`.
pub fn tagmanifest_name(algorithm: Algorithm) -> String {
    format!("tagmanifest-{algorithm}.txt")
}

/// The name of a manifest at the bag root, `manifest-<algorithm>.txt` or
/// `tagmanifest-<algorithm>.txt`, taken apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ManifestFileName<'a> {
    /// Whether it is a tag manifest's.
    pub tag: bool,
    /// The algorithm as the name spells it.
    pub algorithm: &'a str,
}

impl ManifestFileName<'_> {
    /// `path`'s parts, if it names a manifest at the bag root: one with
    /// some algorithm (`manifest-.txt` names none, and is another tag file).
    pub fn parse(path: &str) -> Option<ManifestFileName<'_>> {
        if path.contains('/') {
            return None;
        }
        let (tag, rest) = match path.strip_prefix("tagmanifest-") {
            Some(rest) => (true, rest),
            None => (false, path.strip_prefix("manifest-")?),
        };
        let algorithm = rest.strip_suffix(".txt").filter(|name| !name.is_empty())?;
        Some(ManifestFileName { tag, algorithm })
    }
}

/// An algorithm's name as a manifest's file name must spell it (RFC 8493
/// §2.4): "lowercasing the common name of the algorithm and removing all
/// non-alphanumeric characters" (`SHA-256` → `sha256`).
pub fn normalize_algorithm_name(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// One manifest line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestEntry {
    /// The checksum, lowercase hex.
    pub digest: String,
    /// The path relative to the bag root, decoded.
    pub path: String,
}

/// Writes a manifest: one line per entry, sorted by path (see
/// [`write_line`]).
pub fn write(entries: &[ManifestEntry]) -> String {
    let mut sorted: Vec<&ManifestEntry> = entries.iter().collect();
    sorted.sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
    let mut text = Vec::new();
    for entry in sorted {
        write_line(&mut text, &entry.digest, &entry.path).expect("writing to memory");
    }
    String::from_utf8(text).expect("lines of UTF-8 text")
}

/// Writes one manifest line, its path encoded as RFC 8493 §2.1.3 requires
/// (`%` → `%25`, CR → `%0D`, LF → `%0A`).
pub fn write_line(out: &mut dyn io::Write, digest: &str, path: &str) -> io::Result<()> {
    writeln!(out, "{digest}  {}", encode_path(path))
}

/// Percent-encodes the three characters a manifest path cannot hold.
pub fn encode_path(path: &str) -> String {
    let mut encoded = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            '%' => encoded.push_str("%25"),
            '\r' => encoded.push_str("%0D"),
            '\n' => encoded.push_str("%0A"),
            c => encoded.push(c),
        }
    }
    encoded
}

/// Decodes `%0D` and `%0A` (and `%25` when `decode_percent` is set, as for
/// BagIt 1.0); every other `%` sequence is a literal part of the name.
pub fn decode_path(path: &str, decode_percent: bool) -> String {
    let mut decoded = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(at) = rest.find('%') {
        decoded.push_str(&rest[..at]);
        let escape = rest.get(at..at + 3).unwrap_or("");
        let replacement = match escape.to_ascii_uppercase().as_str() {
            "%0D" => Some('\r'),
            "%0A" => Some('\n'),
            "%25" if decode_percent => Some('%'),
            _ => None,
        };
        match replacement {
            Some(c) => {
                decoded.push(c);
                rest = &rest[at + 3..];
            }
            None => {
                decoded.push('%');
                rest = &rest[at + 1..];
            }
        }
    }
    decoded.push_str(rest);
    decoded
}

/// Whether a path, as written in a manifest or `fetch.txt` of a BagIt 1.0
/// bag, has a `%` that is not one of the escapes `%25`, `%0D`, `%0A`: RFC
/// 8493 §2.1.3 asks writers to encode every `%`.
pub fn has_unencoded_percent(path: &str) -> bool {
    path.match_indices('%').any(|(at, _)| {
        let escape = path.get(at..at + 3).unwrap_or("");
        !["%25", "%0D", "%0A"]
            .iter()
            .any(|known| escape.eq_ignore_ascii_case(known))
    })
}

/// One manifest line, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedLine {
    /// The checksum (lowercase) and the decoded path.
    pub entry: ManifestEntry,
    /// The line was `<checksum> *<path>`, the binary-mode form of `md5sum`
    /// and its kin; the `*` is not part of the path.
    pub binary_marker: bool,
}

/// The most hex digits a checksum of an algorithm corpack does not support
/// may have: 512 bits, as SHA-512, SHA3-512 and BLAKE2b-512 give. Verify
/// keeps every checksum a manifest lists, so without a bound a hostile
/// manifest could make it keep a megabyte per line.
pub const MAX_UNSUPPORTED_HEX_LEN: usize = 128;

/// Parses one line of a manifest for `algorithm`: the checksum, one or more
/// spaces or tabs, and the path (RFC 8493 §2.1.3), percent-decoded as
/// [`decode_path`] does. A single space followed by `*` is the binary-mode
/// marker of `md5sum`-style tools, as bagit-python reads it too
/// ([`ParsedLine::binary_marker`]); verify takes it back where the bag
/// holds the name with the `*` and not the name without.
pub fn parse_line(
    line: &str,
    algorithm: Algorithm,
    decode_percent: bool,
) -> Result<ParsedLine, String> {
    parse_line_with(line, decode_percent, |digest| {
        if digest.len() == algorithm.hex_len() && is_hex(digest) {
            return Ok(());
        }
        Err(format!(
            "{digest:?} is not a {algorithm} checksum ({} hex digits)",
            algorithm.hex_len()
        ))
    })
}

/// Parses one line of a manifest whose algorithm corpack does not support,
/// as [`parse_line`] does; not knowing the algorithm, it takes as checksum
/// any even number of hex digits up to [`MAX_UNSUPPORTED_HEX_LEN`].
pub fn parse_line_unsupported(line: &str, decode_percent: bool) -> Result<ParsedLine, String> {
    parse_line_with(line, decode_percent, |digest| {
        let fits = (2..=MAX_UNSUPPORTED_HEX_LEN).contains(&digest.len()) && digest.len() % 2 == 0;
        if fits && is_hex(digest) {
            return Ok(());
        }
        Err(format!(
            "{digest:?} is not a checksum (an even number of hex digits, at most \
             {MAX_UNSUPPORTED_HEX_LEN})"
        ))
    })
}

fn is_hex(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Parses one line, `check_digest` judging its checksum as written.
fn parse_line_with(
    line: &str,
    decode_percent: bool,
    check_digest: impl FnOnce(&str) -> Result<(), String>,
) -> Result<ParsedLine, String> {
    if line.starts_with([' ', '\t']) {
        return Err(format!(
            "the line starts with white space, where a line is `<checksum> <path>`: {line:?}"
        ));
    }
    let separator = line.bytes().position(|b| b == b' ' || b == b'\t');
    let Some((digest, rest)) = separator.map(|at| (&line[..at], &line[at + 1..])) else {
        return Err(format!("expected `<checksum> <path>`, found {line:?}"));
    };
    check_digest(digest)?;
    let (path, binary_marker) = match rest.strip_prefix('*') {
        Some(path) if line.as_bytes()[digest.len()] == b' ' => (path, true),
        _ => (rest.trim_start_matches([' ', '\t']), false),
    };
    if path.is_empty() {
        return Err("the line has no path".into());
    }
    Ok(ParsedLine {
        entry: ManifestEntry {
            digest: digest.to_ascii_lowercase(),
            path: decode_path(path, decode_percent),
        },
        binary_marker,
    })
}

/// A manifest line that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// The entries of a manifest and the lines that are not entries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedManifest {
    /// Well-formed lines, in order, with their 1-based line numbers.
    pub entries: Vec<(usize, ManifestEntry)>,
    /// Lines that could not be read.
    pub errors: Vec<LineError>,
}

/// Parses a manifest's whole decoded text, line by line with
/// [`parse_line`]; blank lines are skipped.
pub fn parse(text: &str, algorithm: Algorithm, decode_percent: bool) -> ParsedManifest {
    let mut parsed = ParsedManifest::default();
    for (index, line) in split_lines(text).enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(line, algorithm, decode_percent) {
            Ok(read) => parsed.entries.push((index + 1, read.entry)),
            Err(message) => parsed.errors.push(LineError {
                line: index + 1,
                message,
            }),
        }
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str) -> ManifestEntry {
        ManifestEntry {
            digest: "0".repeat(64),
            path: path.into(),
        }
    }

    #[test]
    fn writes_sorted_and_encoded() {
        let text = write(&[entry("data/b"), entry("data/a%\nb")]);
        let zeros = "0".repeat(64);
        assert_eq!(text, format!("{zeros}  data/a%25%0Ab\n{zeros}  data/b\n"));
    }

    #[test]
    fn round_trips_awkward_names() {
        let names = [
            "data/a b.txt",
            "data/100%.txt",
            "data/cr\rlf\n",
            "data/Überblick.md",
        ];
        let entries: Vec<_> = names.iter().map(|n| entry(n)).collect();
        let parsed = parse(&write(&entries), Algorithm::Sha256, true);
        assert!(parsed.errors.is_empty());
        let mut paths: Vec<_> = parsed.entries.into_iter().map(|(_, e)| e.path).collect();
        paths.sort();
        let mut expected: Vec<_> = names.iter().map(|n| n.to_string()).collect();
        expected.sort();
        assert_eq!(paths, expected);
    }

    #[test]
    fn only_known_escapes_are_decoded() {
        assert_eq!(decode_path("data/%7Etest1.txt", true), "data/%7Etest1.txt");
        assert_eq!(decode_path("data/%test2.txt", true), "data/%test2.txt");
        assert_eq!(decode_path("data/%25", false), "data/%25");
        assert_eq!(decode_path("data/%25", true), "data/%");
        assert_eq!(decode_path("a%0d%0A", true), "a\r\n");
    }

    #[test]
    fn md5sum_binary_markers_are_not_part_of_the_path() {
        let md5 = "b1946ac92492d2347c6235b4d2611184";
        let read = parse_line(&format!("{md5} *data/hello.txt"), Algorithm::Md5, true).unwrap();
        assert!(read.binary_marker);
        assert_eq!(read.entry.path, "data/hello.txt");
        let read = parse_line(&format!("{md5}  *data/x"), Algorithm::Md5, true).unwrap();
        assert!(!read.binary_marker);
        assert_eq!(read.entry.path, "*data/x");
        let read = parse_line(
            &format!("{}\tdata/a b ", md5.to_uppercase()),
            Algorithm::Md5,
            true,
        );
        assert_eq!(
            read.unwrap().entry,
            ManifestEntry {
                digest: md5.into(),
                path: "data/a b ".into()
            }
        );
    }

    #[test]
    fn lines_of_an_unsupported_algorithm_hold_any_hex_checksum() {
        let blake2b512 = "ab".repeat(64);
        let read = parse_line_unsupported(&format!("{blake2b512}  data/100%25"), true).unwrap();
        assert_eq!(read.entry.digest, blake2b512);
        assert_eq!(read.entry.path, "data/100%");
        let read = parse_line_unsupported("ABCD *data/a", true).unwrap();
        assert_eq!(
            (read.entry.digest.as_str(), read.binary_marker),
            ("abcd", true)
        );
        let too_long = "0".repeat(MAX_UNSUPPORTED_HEX_LEN + 2);
        for bad in [
            "this is not a manifest".to_string(),
            "../../etc/passwd".to_string(),
            "abc  data/odd-length".to_string(),
            "  abcd data/leading-space".to_string(),
            "abcd  ".to_string(),
            format!("{too_long}  data/a"),
        ] {
            assert!(
                parse_line_unsupported(&bad, true).is_err(),
                "{bad:?} accepted"
            );
        }
    }

    #[test]
    fn manifest_file_names_are_taken_apart_at_the_bag_root_only() {
        let parse = |path| ManifestFileName::parse(path).map(|n| (n.tag, n.algorithm));
        assert_eq!(parse("manifest-sha256.txt"), Some((false, "sha256")));
        assert_eq!(parse("tagmanifest-SHA-512.txt"), Some((true, "SHA-512")));
        assert_eq!(parse("data/manifest-sha256.txt"), None);
        assert_eq!(parse("manifest-sha256.txt.bak"), None);
        assert_eq!(parse("bag-info.txt"), None);
        assert_eq!(parse("manifest-.txt"), None);
        assert_eq!(parse("tagmanifest-.txt"), None);
    }

    #[test]
    fn algorithm_names_are_normalized_lower_case_letters_and_digits() {
        for (name, normalized) in [
            ("sha256", "sha256"),
            ("SHA256", "sha256"),
            ("SHA-512", "sha512"),
            ("Sha_1", "sha1"),
            ("blake2b-512", "blake2b512"),
            ("", ""),
        ] {
            assert_eq!(normalize_algorithm_name(name), normalized, "{name:?}");
        }
    }

    #[test]
    fn finds_percent_signs_left_unencoded() {
        assert!(!has_unencoded_percent("data/a%25b%0d%0A"));
        assert!(has_unencoded_percent("data/100%.txt"));
        assert!(has_unencoded_percent("data/%7Etest"));
        assert!(has_unencoded_percent("data/%"));
    }

    #[test]
    fn reports_bad_lines_with_numbers() {
        let text = format!("{}  data/ok\nnot-a-line\nabc data/short\n", "a".repeat(64));
        let parsed = parse(&text, Algorithm::Sha256, true);
        assert_eq!(parsed.entries.len(), 1);
        let lines: Vec<_> = parsed.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 3]);
    }

    #[test]
    fn a_line_starting_with_white_space_is_said_to() {
        let text = format!(" {}  data/ok\n", "a".repeat(64));
        let parsed = parse(&text, Algorithm::Sha256, true);
        assert_eq!(parsed.entries, []);
        let message = &parsed.errors[0].message;
        assert!(
            message.starts_with("the line starts with white space"),
            "{message}"
        );
    }
}
