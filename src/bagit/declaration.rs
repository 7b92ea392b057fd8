//! The bag declaration, `bagit.txt` (RFC 8493 §2.1.1): UTF-8 without a
//! byte-order mark, exactly the two lines `BagIt-Version: M.N` and
//! `Tag-File-Character-Encoding: ENCODING`, in that order.

use std::fmt;

use super::tagfile::TagFile;
use super::text::{TextEncoding, UTF8_BOM, split_lines};

/// The BagIt versions corpack reads: the drafts 0.93 to 0.97 and RFC 8493.
const KNOWN_VERSIONS: [(u32, u32); 6] = [(0, 93), (0, 94), (0, 95), (0, 96), (0, 97), (1, 0)];

/// [`KNOWN_VERSIONS`] in words, for messages.
const READ_VERSIONS: &str = "1.0, that of RFC 8493, and the drafts before it, 0.93 to 0.97";

/// `bagit.txt` is two short lines; anything longer is not a declaration.
pub const BAGIT_TXT_LIMIT: u64 = 1024;

/// What `bagit.txt` declares.
#[derive(Clone, Debug)]
pub struct Declaration {
    /// `BagIt-Version` as written.
    pub version_text: String,
    /// The version as (major, minor).
    pub version: (u32, u32),
    /// `Tag-File-Character-Encoding`.
    pub encoding: TextEncoding,
    /// `Tag-File-Character-Encoding` as written.
    pub encoding_label: String,
}

impl Declaration {
    /// Whether the bag follows RFC 8493 (BagIt 1.0): `%` is encoded as
    /// `%25` in paths, tag files allow no white space before the colon, and
    /// every payload file is listed in every payload manifest.
    pub fn is_rfc(&self) -> bool {
        self.version >= (1, 0)
    }
}

/// Why a `bagit.txt` cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeclarationError {
    /// It is not a declaration RFC 8493 §2.1.1 (or a draft before it)
    /// allows; the message says why.
    Invalid(String),
    /// `BagIt-Version` is a well-formed `M.N` (as written here) of a
    /// version corpack does not read, such as 2.0: the declaration may be
    /// right, but the rules the bag follows are not known.
    VersionUnsupported(String),
    /// `Tag-File-Character-Encoding` names, by its form, a character set
    /// that corpack cannot decode: the declaration may well be right, but
    /// no other tag file of the bag can be read.
    EncodingUnsupported(String),
}

impl fmt::Display for DeclarationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeclarationError::Invalid(message) => f.write_str(message),
            DeclarationError::VersionUnsupported(version) => write!(
                f,
                "BagIt-Version {version} is not a version corpack reads (it reads {READ_VERSIONS}), \
                 so it judges nothing else of the bag"
            ),
            DeclarationError::EncodingUnsupported(label) => write!(
                f,
                "Tag-File-Character-Encoding {label:?} is not an encoding corpack can read \
                 (it reads {}), so it reads none of the bag's other tag files",
                TextEncoding::SUPPORTED
            ),
        }
    }
}

/// Parses the bytes of `bagit.txt`; `Err` says what is wrong, or that the
/// bag is of a version, or its tag files in an encoding, corpack cannot
/// read.
pub fn parse(bytes: &[u8]) -> Result<Declaration, DeclarationError> {
    let (version_text, version, label) = parse_lines(bytes)?;
    let encoding = match TextEncoding::for_label(&label) {
        Some(encoding) => encoding,
        None if TextEncoding::is_charset_name(&label) => {
            return Err(DeclarationError::EncodingUnsupported(label));
        }
        None => {
            return Err(DeclarationError::Invalid(format!(
                "Tag-File-Character-Encoding {label:?} is not the name of a character set, \
                 which is printable US-ASCII characters without spaces"
            )));
        }
    };
    Ok(Declaration {
        version_text,
        version,
        encoding,
        encoding_label: label,
    })
}

/// The version as written, as (major, minor), and the encoding's label,
/// from the two lines of `bagit.txt`.
fn parse_lines(bytes: &[u8]) -> Result<(String, (u32, u32), String), DeclarationError> {
    let invalid = DeclarationError::Invalid;
    if bytes.len() as u64 > BAGIT_TXT_LIMIT {
        return Err(invalid(format!(
            "is longer than {BAGIT_TXT_LIMIT} bytes; a bag declaration is two short lines"
        )));
    }
    if bytes.starts_with(&UTF8_BOM) {
        return Err(invalid(
            "starts with a byte-order mark, which bagit.txt must not have".into(),
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| invalid("is not UTF-8".into()))?;
    if text.contains('\0') {
        return Err(invalid("is not text: it holds a NUL byte".into()));
    }
    let lines: Vec<&str> = split_lines(text).collect();
    let [version_line, encoding_line] = lines.as_slice() else {
        return Err(invalid(format!(
            "must be exactly two lines, BagIt-Version then Tag-File-Character-Encoding; it has {}",
            lines.len()
        )));
    };
    let element = |line: &str, strict: bool, label: &str| -> Result<String, String> {
        let mut tags = TagFile::default();
        tags.push_line(line, strict)?;
        // §2.1.1 gives the two lines' form, one space or tab after the
        // colon, where bag-info.txt's values may start with more.
        let after_colon = line.split_once(':').map_or("", |(_, value)| value);
        if strict
            && after_colon
                .get(1..)
                .is_some_and(|v| v.starts_with([' ', '\t']))
        {
            return Err(format!(
                "more than one space after the colon in {line:?} (allowed only before BagIt 1.0)"
            ));
        }
        match tags.elements.first() {
            // The labels are written as §2.1.1 writes them: only
            // bag-info.txt's reserved names are case-insensitive (§2.2.2).
            Some((found, value)) if found == label => Ok(value.clone()),
            _ => Err(format!("expected {label}, found {line:?}")),
        }
    };
    let line_error =
        |number: usize| move |message: String| invalid(format!("line {number}: {message}"));
    // The version decides how strictly the lines are read, so it is read
    // leniently first; one corpack does not read is said to be so before
    // the form of the lines, which it sets, is judged.
    let version_text = element(version_line, false, "BagIt-Version").map_err(line_error(1))?;
    let version = parse_version(&version_text)
        .ok_or_else(|| invalid(format!("BagIt-Version {version_text:?} is not MAJOR.MINOR")))?;
    if !KNOWN_VERSIONS.contains(&version) {
        return Err(DeclarationError::VersionUnsupported(version_text));
    }
    let strict = version >= (1, 0);
    if strict {
        element(version_line, true, "BagIt-Version").map_err(line_error(1))?;
    }
    let encoding_label =
        element(encoding_line, strict, "Tag-File-Character-Encoding").map_err(line_error(2))?;
    Ok((version_text, version, encoding_label))
}

/// The version `M.N`; a number too large for a `u32`, well formed still,
/// is read as `u32::MAX`, a version no one reads.
fn parse_version(text: &str) -> Option<(u32, u32)> {
    let (major, minor) = text.split_once('.')?;
    let number = |part: &str| {
        (!part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse().unwrap_or(u32::MAX))
    };
    Some((number(major)?, number(minor)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_major_dot_minor() {
        assert_eq!(parse_version("1.0"), Some((1, 0)));
        assert_eq!(parse_version("0.97"), Some((0, 97)));
        assert_eq!(parse_version("4294967296.0"), Some((u32::MAX, 0)));
        assert!(matches!(
            parse(b"BagIt-Version: 4294967296.0\nTag-File-Character-Encoding: UTF-8\n"),
            Err(DeclarationError::VersionUnsupported(version)) if version == "4294967296.0"
        ));
        for bad in [".97", "1", "1.", "a.b", "1.0.0", " 1.0"] {
            assert_eq!(parse_version(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_declaration_is_exactly_two_lines_in_order() {
        let good = parse(b"BagIt-Version: 1.0\r\nTag-File-Character-Encoding: UTF-8").unwrap();
        assert_eq!((good.version, good.encoding), ((1, 0), TextEncoding::UTF_8));
        let old = parse(b"BagIt-Version : 0.97\nTag-File-Character-Encoding :  ISO-8859-1\n");
        assert_eq!(old.unwrap().encoding, TextEncoding::Latin1);
        for (bad, why) in [
            (&b"BagIt-Version: 1.0\n"[..], "exactly two lines"),
            (
                b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n\n",
                "exactly two",
            ),
            (
                b"Tag-File-Character-Encoding: UTF-8\nBagIt-Version: 1.0\n",
                "expected BagIt",
            ),
            (
                b"bagit-version: 0.97\nTag-File-Character-Encoding: UTF-8\n",
                "expected BagIt",
            ),
            (
                b"BagIt-Version : 1.0\nTag-File-Character-Encoding: UTF-8\n",
                "before the colon",
            ),
            (
                b"BagIt-Version: 1.0\nTag-File-Character-Encoding:  UTF-8\n",
                "more than one",
            ),
            (
                b"BagIt-Version:\t 1.0\nTag-File-Character-Encoding: UTF-8\n",
                "more than one",
            ),
            (
                b"\xEF\xBB\xBFBagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
                "byte-order",
            ),
            (
                b"BagIt-Version: 1.x\nTag-File-Character-Encoding: UTF-8\n",
                "is not MAJOR.MINOR",
            ),
            (
                b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF 8\n",
                "not the name of a character set",
            ),
            (
                b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\xff\n",
                "not UTF-8",
            ),
        ] {
            let message = match parse(bad).unwrap_err() {
                DeclarationError::Invalid(message) => message,
                unsupported => panic!("{bad:?}: {unsupported}"),
            };
            assert!(message.contains(why), "{bad:?}: {message}");
        }
        let long = format!(
            "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8{}",
            " ".repeat(2000)
        );
        assert!((parse(long.as_bytes()).unwrap_err().to_string()).contains("longer than"));
    }

    /// A well-formed version corpack does not read is said to be so, not
    /// that the declaration is wrong; a malformed one is invalid.
    #[test]
    fn a_version_corpack_does_not_read_is_unsupported_not_invalid() {
        let declare = |version: &str| {
            parse(
                format!("BagIt-Version: {version}\nTag-File-Character-Encoding: UTF-8\n")
                    .as_bytes(),
            )
        };
        for version in ["2.0", "1.1", "0.98", "0.92", "0.1"] {
            let error = declare(version).unwrap_err();
            assert_eq!(error, DeclarationError::VersionUnsupported(version.into()));
            assert_eq!(
                error.to_string(),
                format!(
                    "BagIt-Version {version} is not a version corpack reads (it reads 1.0, that \
                     of RFC 8493, and the drafts before it, 0.93 to 0.97), so it judges nothing \
                     else of the bag"
                )
            );
        }
        for version in ["1.x", "1", ".97", "1.0.0", "v1.0", "1.-0", ""] {
            let error = declare(version).unwrap_err();
            assert!(
                matches!(error, DeclarationError::Invalid(_)),
                "{version:?}: {error}"
            );
        }
        for version in ["0.93", "0.96", "0.97", "1.0"] {
            assert_eq!(declare(version).unwrap().version_text, version);
        }
        // The form of the lines a version sets is not judged for one
        // corpack does not read: its rules are not known.
        let spaced = b"BagIt-Version : 2.0\nTag-File-Character-Encoding:  UTF-8\n";
        assert_eq!(
            parse(spaced).unwrap_err(),
            DeclarationError::VersionUnsupported("2.0".into())
        );
    }

    /// RFC 8493 §2.1.1 allows any encoding IANA registers: one corpack
    /// cannot decode is no mistake of the declaration's.
    #[test]
    fn an_encoding_corpack_cannot_read_is_unsupported_not_invalid() {
        for label in ["IBM500", "CP500", "KLINGON", "x-no-such-encoding"] {
            let text = format!("BagIt-Version: 1.0\nTag-File-Character-Encoding: {label}\n");
            let error = parse(text.as_bytes()).unwrap_err();
            assert_eq!(error, DeclarationError::EncodingUnsupported(label.into()));
            assert!(
                (error.to_string()).starts_with(&format!(
                    "Tag-File-Character-Encoding {label:?} is not an encoding corpack can read"
                )),
                "{error}"
            );
        }
        // The form of the two lines is judged first.
        let bad = b"BagIt-Version: 1.0\nTag-File-Character-Encoding:  IBM437\n";
        assert!(matches!(parse(bad), Err(DeclarationError::Invalid(_))));
        let known = b"BagIt-Version: 0.97\nTag-File-Character-Encoding: IBM819\n";
        assert_eq!(parse(known).unwrap().encoding, TextEncoding::Latin1);
        let oem = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: IBM437\n";
        assert_eq!(parse(oem).unwrap().encoding, TextEncoding::Oem(437));
    }
}
