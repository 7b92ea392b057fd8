//! An inventory's sidecar, `inventory.json.<algorithm>` (§3.6): a file
//! reading `DIGEST inventory.json`, the inventory's digest.

use std::path::Path;

use super::{Findings, read_head};
use crate::error::{Error, Result};
use crate::ocfl::code::OcflCode;
use crate::ocfl::inventory::INVENTORY;

/// The most of a sidecar read: a digest of 128 hex digits, the name and
/// a line end are 145 bytes, and room is left for any spaces or tabs.
const SIDECAR_LIMIT: u64 = 64 << 10;

/// Checks the sidecar of the inventory in `dir` (`""` or `"v1/"`), named
/// after the algorithm `algorithm_name` (§3.6), against the inventory's
/// digest with that algorithm, `inventory_digest`, which there is when
/// corpack knows the algorithm.
pub(super) fn check_sidecar(
    root: &Path,
    dir: &str,
    algorithm_name: Option<&str>,
    inventory_digest: Option<&str>,
    findings: &mut Findings,
) -> Result<()> {
    // No name, or an empty one, names no sidecar (E025, E036 say why).
    let Some(name) = algorithm_name.filter(|name| !name.is_empty()) else {
        return Ok(());
    };
    let relative = format!("{dir}{INVENTORY}.{name}");
    // The name comes from the inventory: one that cannot end a file name
    // (`sha512/256`, a NUL) names no sidecar, and with a `/` it would lead
    // out of the object (`x/../../../etc/passwd`), whose text E061 shows.
    if name.contains(['/', '\\', '\0']) {
        findings.add(
            OcflCode::E058,
            &relative,
            format!(
                "{dir}{INVENTORY} can have no sidecar: its digest algorithm {name:?} cannot end a file name"
            ),
        );
        return Ok(());
    }
    let path = root.join(&relative);
    if path.is_dir() {
        findings.add(
            OcflCode::E058,
            &relative,
            format!("the sidecar of {dir}{INVENTORY} is a directory, not a file"),
        );
        return Ok(());
    }
    let text = match read_head(&path, SIDECAR_LIMIT) {
        Ok((_, true)) => {
            findings.add(
                OcflCode::E061,
                &relative,
                format!(
                    "is more than {SIDECAR_LIMIT} bytes long, not `DIGEST inventory.json` \
                     (not read further)"
                ),
            );
            return Ok(());
        }
        Ok((text, false)) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            findings.add(
                OcflCode::E058,
                &relative,
                format!("{dir}{INVENTORY} has no sidecar {relative}"),
            );
            return Ok(());
        }
        Err(error) => return Err(Error::io(path, error)),
    };
    let text = String::from_utf8_lossy(&text);
    // §3.6: the digest, spaces or tabs, the name; what follows the name
    // (the line end) is not judged.
    let line = text.trim_end();
    let fields = line
        .split_once([' ', '\t'])
        .map(|(digest, name)| (digest, name.trim_start_matches([' ', '\t'])));
    let Some((digest, INVENTORY)) = fields.filter(|(digest, _)| !digest.is_empty()) else {
        findings.add(
            OcflCode::E061,
            &relative,
            format!("reads {text:?}, not `DIGEST inventory.json`"),
        );
        return Ok(());
    };
    if let Some(actual) = inventory_digest
        && !actual.eq_ignore_ascii_case(digest)
    {
        findings.add(
            OcflCode::E060,
            &relative,
            format!("gives {name} {digest}, but {dir}{INVENTORY} has {actual}"),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ocfl::digest::{DigestAlgorithm, digest_bytes};

    fn codes(findings: &Findings) -> Vec<String> {
        findings.0.iter().map(|f| f.code.to_string()).collect()
    }

    #[test]
    fn sidecars_are_read_with_any_blank_between_digest_and_name() {
        let dir = tempfile::tempdir().unwrap();
        let inventory = b"{}";
        let digest = digest_bytes(DigestAlgorithm::Sha512, inventory);
        let cases = [
            (format!("{digest} inventory.json\n"), vec![]),
            (format!("{}\tinventory.json", digest.to_uppercase()), vec![]),
            (format!("{digest}  inventory.json\n"), vec![]),
            (format!("{digest} inventory.jsn\n"), vec!["E061"]),
            (digest.clone(), vec!["E061"]),
            // Spaces or tabs between the two, and nothing before the digest.
            (format!(" {digest} inventory.json\n"), vec!["E061"]),
            (format!("{digest}\ninventory.json\n"), vec!["E061"]),
            (
                format!("{} inventory.json\n", "0".repeat(128)),
                vec!["E060"],
            ),
        ];
        for (text, expected) in cases {
            std::fs::write(dir.path().join("inventory.json.sha512"), &text).unwrap();
            let mut findings = Findings::default();
            check_sidecar(dir.path(), "", Some("sha512"), Some(&digest), &mut findings).unwrap();
            assert_eq!(codes(&findings), expected, "{text:?}");
        }
        std::fs::remove_file(dir.path().join("inventory.json.sha512")).unwrap();
        let mut findings = Findings::default();
        check_sidecar(dir.path(), "", Some("sha512"), Some(&digest), &mut findings).unwrap();
        assert_eq!(codes(&findings), ["E058"]);
    }

    /// A sidecar is read no further than a line of it can go: a larger one
    /// (sparse here) is E061, and its text is not given.
    #[test]
    fn a_sidecar_past_its_limit_is_not_read_further() {
        let dir = tempfile::tempdir().unwrap();
        let digest = digest_bytes(DigestAlgorithm::Sha512, b"{}");
        let path = dir.path().join("inventory.json.sha512");
        let line = format!("{digest} inventory.json");
        let spaced = format!("{line}{}", " ".repeat(SIDECAR_LIMIT as usize - line.len()));
        for (len, expected) in [(SIDECAR_LIMIT, vec![]), (SIDECAR_LIMIT + 1, vec!["E061"])] {
            std::fs::write(&path, &spaced).unwrap();
            let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
            file.set_len(len).unwrap();
            let mut findings = Findings::default();
            check_sidecar(dir.path(), "", Some("sha512"), Some(&digest), &mut findings).unwrap();
            assert_eq!(codes(&findings), expected, "{len}");
        }
        let sparse = std::fs::File::create(&path).unwrap();
        sparse.set_len(1 << 30).unwrap();
        let mut findings = Findings::default();
        check_sidecar(dir.path(), "", Some("sha512"), Some(&digest), &mut findings).unwrap();
        assert_eq!(codes(&findings), ["E061"]);
        let message = &findings.0[0].message;
        assert!(message.contains("more than 65536 bytes"), "{message}");
        assert!(!message.contains('\0'), "{message}");
    }

    #[test]
    fn a_sidecar_is_a_file_in_the_object_named_by_the_algorithm() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("object");
        std::fs::create_dir_all(root.join("inventory.json.x")).unwrap();
        std::fs::create_dir_all(root.join("inventory.json.sha512")).unwrap();
        std::fs::write(dir.path().join("secret"), "TOPSECRET\n").unwrap();
        for name in ["x/../../secret", "sha\0", "sha512/256", "sha512"] {
            let mut findings = Findings::default();
            check_sidecar(&root, "", Some(name), None, &mut findings)
                .unwrap_or_else(|e| panic!("{name:?}: {e}"));
            assert_eq!(codes(&findings), ["E058"], "{name:?}");
            assert!(!findings.0[0].message.contains("TOPSECRET"), "{name:?}");
        }
    }
}
