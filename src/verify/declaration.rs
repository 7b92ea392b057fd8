//! The bag declaration (`bagit.txt`), `bag-info.txt` and `Payload-Oxum`.

use std::io::Read;

use super::findings::Findings;
use crate::bagit::PayloadOxum;
use crate::bagit::tagfile::TagFile;
use crate::bagit::text::{Lines, MAX_LINE_BYTES, TextEncoding, TextError, split_lines};
use crate::bundle::reader::{BagStore, read_error_finding};
use crate::finding::{Code, Finding};

/// The BagIt versions corpack reads: the drafts 0.93 to 0.97 and RFC 8493.
const KNOWN_VERSIONS: [(u32, u32); 6] = [(0, 93), (0, 94), (0, 95), (0, 96), (0, 97), (1, 0)];

/// `bagit.txt` is two short lines; anything longer is not a declaration.
const BAGIT_TXT_LIMIT: u64 = 1024;

/// The most of `bag-info.txt` that is read.
const BAG_INFO_LIMIT: usize = 16 << 20;

/// What `bagit.txt` declares.
#[derive(Clone, Debug)]
pub struct Declaration {
    /// `BagIt-Version` as written.
    pub version_text: String,
    /// The version as (major, minor).
    pub version: (u32, u32),
    /// `Tag-File-Character-Encoding`.
    pub encoding: TextEncoding,
}

impl Declaration {
    /// Whether the bag follows RFC 8493 (BagIt 1.0): `%` is encoded as
    /// `%25` in paths, tag files allow one space after the colon only, and
    /// every payload file is listed in every payload manifest.
    pub fn is_rfc(&self) -> bool {
        self.version >= (1, 0)
    }
}

/// Reads and checks `bagit.txt` (RFC 8493 §2.1.1): UTF-8 without a
/// byte-order mark, exactly the two lines `BagIt-Version: M.N` and
/// `Tag-File-Character-Encoding: ENCODING`, in that order. `None` if it is
/// absent or unusable, in which case nothing else can be judged.
pub fn read(store: &dyn BagStore, findings: &mut Findings) -> Option<Declaration> {
    const PATH: &str = "bagit.txt";
    let invalid = |message: String| Finding::error(Code::BagitTxtInvalid, PATH, message);
    if !store.contains(PATH) {
        findings.push(Finding::error(
            Code::BagitTxtMissing,
            PATH,
            "the bag has no bagit.txt",
        ));
        return None;
    }
    let mut bytes = Vec::new();
    let read = store.read_with(PATH, &mut |reader| {
        reader
            .take(BAGIT_TXT_LIMIT + 1)
            .read_to_end(&mut bytes)
            .map(drop)
    });
    if let Err(error) = read {
        findings.push(read_error_finding(PATH, &error));
        return None;
    }
    let declaration = parse(&bytes);
    if let Err(message) = &declaration {
        findings.push(invalid(message.clone()));
    }
    declaration.ok()
}

/// Parses the bytes of `bagit.txt`.
fn parse(bytes: &[u8]) -> Result<Declaration, String> {
    if bytes.len() as u64 > BAGIT_TXT_LIMIT {
        return Err(format!(
            "is longer than {BAGIT_TXT_LIMIT} bytes; a bag declaration is two short lines"
        ));
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        return Err("starts with a byte-order mark, which bagit.txt must not have".into());
    }
    let text = std::str::from_utf8(bytes).map_err(|_| "is not UTF-8".to_string())?;
    if text.contains('\0') {
        return Err("is not text: it holds a NUL byte".into());
    }
    let lines: Vec<&str> = split_lines(text).collect();
    let [version_line, encoding_line] = lines.as_slice() else {
        return Err(format!(
            "must be exactly two lines, BagIt-Version then Tag-File-Character-Encoding; it has {}",
            lines.len()
        ));
    };
    let element = |line: &str, strict: bool, label: &str| -> Result<String, String> {
        let mut tags = TagFile::default();
        tags.push_line(line, strict)?;
        match tags.elements.first() {
            Some((found, value)) if found.eq_ignore_ascii_case(label) => Ok(value.clone()),
            _ => Err(format!("expected {label}, found {line:?}")),
        }
    };
    let line_error = |number: usize| move |message: String| format!("line {number}: {message}");
    // The version decides how strictly the lines are read, so it is read
    // leniently first.
    let version_text = element(version_line, false, "BagIt-Version").map_err(line_error(1))?;
    let version = parse_version(&version_text)
        .ok_or_else(|| format!("BagIt-Version {version_text:?} is not MAJOR.MINOR"))?;
    if !KNOWN_VERSIONS.contains(&version) {
        return Err(format!(
            "BagIt-Version {version_text} is not one corpack knows (0.93 to 0.97, 1.0)"
        ));
    }
    let strict = version >= (1, 0);
    if strict {
        element(version_line, true, "BagIt-Version").map_err(line_error(1))?;
    }
    let encoding_label =
        element(encoding_line, strict, "Tag-File-Character-Encoding").map_err(line_error(2))?;
    let encoding = TextEncoding::for_label(&encoding_label)
        .ok_or_else(|| format!("unknown Tag-File-Character-Encoding {encoding_label:?}"))?;
    Ok(Declaration {
        version_text,
        version,
        encoding,
    })
}

fn parse_version(text: &str) -> Option<(u32, u32)> {
    let (major, minor) = text.split_once('.')?;
    let number = |part: &str| {
        (!part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse().ok())
            .flatten()
    };
    Some((number(major)?, number(minor)?))
}

/// Reads `bag-info.txt` (or `package-info.txt`, its name before 0.96), if
/// present: both are optional.
pub fn read_bag_info(
    store: &dyn BagStore,
    declaration: &Declaration,
    findings: &mut Findings,
) -> Option<TagFile> {
    let path = if store.contains("bag-info.txt") {
        "bag-info.txt"
    } else if declaration.version < (0, 96) && store.contains("package-info.txt") {
        "package-info.txt"
    } else {
        return None;
    };
    let mut tags = TagFile::default();
    let mut problem = None;
    let read = store.read_with(path, &mut |reader| {
        let mut total = 0;
        for line in Lines::new(reader, declaration.encoding, MAX_LINE_BYTES) {
            let (number, line) = match line {
                Ok(line) => line,
                Err(TextError::Io(error)) => return Err(error),
                Err(error) => {
                    problem = Some(error.to_string());
                    break;
                }
            };
            total += line.len();
            if total > BAG_INFO_LIMIT {
                problem = Some(format!(
                    "is longer than {BAG_INFO_LIMIT} bytes; the rest is not read"
                ));
                break;
            }
            if let Err(message) = tags.push_line(&line, declaration.is_rfc()) {
                problem = Some(format!("line {number}: {message}"));
                break;
            }
        }
        Ok(())
    });
    if let Err(error) = read {
        findings.push(read_error_finding(path, &error));
        return None;
    }
    if let Some(message) = problem {
        findings.push(Finding::error(Code::BagInfoInvalid, path, message));
        return None;
    }
    Some(tags)
}

/// Compares `Payload-Oxum`, when given, with the payload. The label is
/// found whatever its case, as RFC 8493 §2.2.2 asks of reserved labels.
pub fn check_oxum(store: &dyn BagStore, bag_info: Option<&TagFile>, findings: &mut Findings) {
    let Some(tags) = bag_info else {
        return;
    };
    let mut values: Vec<&str> = tags.get_all("Payload-Oxum").collect();
    values.dedup();
    let declared = match values.as_slice() {
        [] => return,
        [one] => one.parse::<PayloadOxum>(),
        _ => Err(format!(
            "Payload-Oxum is given {} times with different values",
            values.len()
        )),
    };
    let declared = match declared {
        Ok(oxum) => oxum,
        Err(message) => {
            findings.push(Finding::error(
                Code::PayloadOxumInvalid,
                "bag-info.txt",
                message,
            ));
            return;
        }
    };
    let mut actual = PayloadOxum::default();
    for file in store.files().iter().filter(|f| f.path.starts_with("data/")) {
        actual.add(file.size);
    }
    if declared != actual {
        findings.push(Finding::error(
            Code::PayloadOxumMismatch,
            "bag-info.txt",
            format!("Payload-Oxum is {declared} (octets.files) but the payload has {actual}"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_major_dot_minor() {
        assert_eq!(parse_version("1.0"), Some((1, 0)));
        assert_eq!(parse_version("0.97"), Some((0, 97)));
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
                b"BagIt-Version : 1.0\nTag-File-Character-Encoding: UTF-8\n",
                "before the colon",
            ),
            (
                b"BagIt-Version: 1.0\nTag-File-Character-Encoding:  UTF-8\n",
                "more than one",
            ),
            (
                b"\xEF\xBB\xBFBagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
                "byte-order",
            ),
            (
                b"BagIt-Version: 2.0\nTag-File-Character-Encoding: UTF-8\n",
                "not one corpack knows",
            ),
            (
                b"BagIt-Version: 1.0\nTag-File-Character-Encoding: KLINGON\n",
                "unknown",
            ),
            (
                b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\xff\n",
                "not UTF-8",
            ),
        ] {
            let message = parse(bad).unwrap_err();
            assert!(message.contains(why), "{bad:?}: {message}");
        }
        let long = format!(
            "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8{}",
            " ".repeat(2000)
        );
        assert!(parse(long.as_bytes()).unwrap_err().contains("longer than"));
    }
}
