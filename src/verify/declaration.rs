//! The bag declaration (`bagit.txt`), `bag-info.txt` and `Payload-Oxum`.

use crate::bagit::PayloadOxum;
use crate::bagit::tagfile::{self, TagFile};
use crate::bundle::reader::BagStore;
use crate::finding::{Code, Finding};

/// What `bagit.txt` declares.
#[derive(Clone, Debug)]
pub struct Declaration {
    /// `BagIt-Version` as written.
    pub version_text: String,
    /// The version as (major, minor).
    pub version: (u32, u32),
    /// `Tag-File-Character-Encoding`.
    pub encoding: String,
}

impl Declaration {
    /// Whether manifests percent-encode `%` as `%25` (BagIt 1.0 and later).
    pub fn encodes_percent(&self) -> bool {
        self.version >= (1, 0)
    }
}

/// Reads and checks `bagit.txt` (RFC 8493 §2.1.1); `None` if it is absent
/// or unusable, in which case nothing else can be judged.
pub fn read(store: &dyn BagStore, findings: &mut Vec<Finding>) -> Option<Declaration> {
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
    let bytes = match store.read_all(PATH) {
        Ok(bytes) => bytes,
        Err(error) => {
            findings.push(invalid(format!("cannot be read: {error}")));
            return None;
        }
    };
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        findings.push(invalid(
            "starts with a byte-order mark, which bagit.txt must not have".into(),
        ));
        return None;
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(_) => {
            findings.push(invalid("is not UTF-8".into()));
            return None;
        }
    };
    let tags = match tagfile::parse(&text) {
        Ok(tags) => tags,
        Err(error) => {
            findings.push(invalid(format!("line {}: {}", error.line, error.message)));
            return None;
        }
    };
    let Some(version_text) = tags.get("BagIt-Version") else {
        findings.push(invalid("has no BagIt-Version".into()));
        return None;
    };
    let Some(version) = parse_version(version_text) else {
        findings.push(invalid(format!(
            "BagIt-Version {version_text:?} is not MAJOR.MINOR"
        )));
        return None;
    };
    let Some(encoding) = tags.get("Tag-File-Character-Encoding") else {
        findings.push(invalid("has no Tag-File-Character-Encoding".into()));
        return None;
    };
    Some(Declaration {
        version_text: version_text.to_string(),
        version,
        encoding: encoding.to_string(),
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
    findings: &mut Vec<Finding>,
) -> Option<TagFile> {
    let path = ["bag-info.txt", "package-info.txt"]
        .into_iter()
        .find(|p| store.contains(p))?;
    let invalid = |message: String| Finding::error(Code::BagInfoInvalid, path, message);
    let text = match store.read_all(path) {
        Ok(bytes) => tagfile::decode(&bytes, &declaration.encoding),
        Err(error) => Err(format!("cannot be read: {error}")),
    };
    let parsed = text.and_then(|text| {
        tagfile::parse(&text).map_err(|e| format!("line {}: {}", e.line, e.message))
    });
    match parsed {
        Ok(tags) => Some(tags),
        Err(message) => {
            findings.push(invalid(message));
            None
        }
    }
}

/// Compares `Payload-Oxum`, when given, with the payload.
pub fn check_oxum(store: &dyn BagStore, bag_info: Option<&TagFile>, findings: &mut Vec<Finding>) {
    let Some(declared) = bag_info.and_then(|tags| tags.get("Payload-Oxum")) else {
        return;
    };
    let declared: PayloadOxum = match declared.parse() {
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
}
