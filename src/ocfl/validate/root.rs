//! The object root: its declaration (§3.2), what it may hold (§3.1), and
//! its extensions directory.

use std::path::Path;

use super::entries::{Entry, Kind, list};
use super::{Findings, read_head};
use crate::error::{IoContext, Result};
use crate::ocfl::code::OcflCode;
use crate::ocfl::inventory::{INVENTORY, Inventory, VersionNum};
use crate::ocfl::{DECLARATION_PREFIX, SpecVersion};

/// The extensions registered in the OCFL Community Extensions repository
/// (<https://ocfl.github.io/extensions/>); other names draw W013.
const REGISTERED_EXTENSIONS: [&str; 11] = [
    "0001-digest-algorithms",
    "0002-flat-direct-storage-layout",
    "0003-hash-and-id-n-tuple-storage-layout",
    "0004-hashed-n-tuple-storage-layout",
    "0005-mutable-head",
    "0006-flat-omit-prefix-storage-layout",
    "0007-n-tuple-omit-prefix-storage-layout",
    "0008-schema-registry",
    "0009-digest-algorithms",
    "0011-direct-clean-path-layout",
    "0012-hash-and-no-prefix-id-n-tuple-storage-layout",
];

/// Checks the declaration (§3.2) and returns the version it names.
pub(super) fn declaration(
    root: &Path,
    entries: &[Entry],
    findings: &mut Findings,
) -> Result<Option<SpecVersion>> {
    let declarations: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.name.starts_with(DECLARATION_PREFIX))
        .collect();
    let [entry] = declarations.as_slice() else {
        let message = if declarations.is_empty() {
            "no object declaration (0=ocfl_object_1.1)".to_string()
        } else {
            let names: Vec<&str> = declarations.iter().map(|e| e.name.as_str()).collect();
            format!("more than one object declaration: {}", names.join(", "))
        };
        findings.add(OcflCode::E003, "", message);
        return Ok(None);
    };
    let Some(spec) = SpecVersion::from_declaration(&entry.name) else {
        findings.add(
            OcflCode::E006,
            &entry.name,
            "the declaration names no OCFL version this validator knows (1.0, 1.1)",
        );
        return Ok(None);
    };
    if entry.kind != Kind::File {
        findings.add(OcflCode::E003, &entry.name, "the declaration is not a file");
        return Ok(Some(spec));
    }
    let path = root.join(&entry.name);
    let expected = format!("ocfl_object_{}\n", spec.number());
    // Read no further than the line it must hold, and a byte.
    let (text, more) = read_head(&path, expected.len() as u64).at(&path)?;
    if more || text != expected.as_bytes() {
        findings.add(
            OcflCode::E007,
            &entry.name,
            format!(
                "holds {:?}{}, not {expected:?}",
                String::from_utf8_lossy(&text),
                if more { " and more" } else { "" }
            ),
        );
    }
    Ok(Some(spec))
}

/// Nothing in the object root but the declaration, the inventory and its
/// sidecar, the version directories, `logs` and `extensions` (§3.1).
pub(super) fn check_root_entries(
    entries: &[Entry],
    inventory: Option<&Inventory>,
    algorithm_name: Option<&str>,
    findings: &mut Findings,
) {
    let sidecar =
        (algorithm_name.filter(|name| !name.is_empty())).map(|name| format!("{INVENTORY}.{name}"));
    let has_inventory = (entries.iter()).any(|e| e.name == INVENTORY && e.kind == Kind::File);
    for entry in entries {
        let name = entry.name.as_str();
        let expected = match entry.kind {
            Kind::File => {
                name.starts_with(DECLARATION_PREFIX)
                    || name == INVENTORY
                    // The sidecar of the inventory's algorithm; any when
                    // the inventory names none it can be (E025 says so).
                    || match &sidecar {
                        Some(sidecar) => sidecar == name,
                        None => has_inventory && name.starts_with("inventory.json."),
                    }
            }
            Kind::Dir => {
                if name == "logs" || name == crate::ocfl::EXTENSIONS {
                    true
                } else if name.parse::<VersionNum>().is_ok() {
                    let listed = inventory.is_none_or(|inventory| {
                        inventory.versions.keys().any(|v| v.to_string() == name)
                    });
                    if !listed {
                        findings.add(
                            OcflCode::E046,
                            name,
                            format!(
                                "a version directory that the root inventory does not list (its head is {})",
                                inventory.map_or(String::new(), |i| i.head.to_string())
                            ),
                        );
                    }
                    true
                } else {
                    false
                }
            }
            Kind::Other => {
                findings.add(
                    OcflCode::E090,
                    name,
                    "a link or special file in the object root",
                );
                continue;
            }
        };
        if !expected {
            let what = if entry.kind == Kind::Dir {
                "directory"
            } else {
                "file"
            };
            findings.add(
                OcflCode::E001,
                name,
                format!("an unexpected {what} in the object root"),
            );
        }
    }
}

/// The extensions directory holds only extension directories (E067), named
/// after registered extensions (W013).
pub(super) fn check_extensions(
    root: &Path,
    entries: &[Entry],
    findings: &mut Findings,
) -> Result<()> {
    if !entries
        .iter()
        .any(|e| e.name == crate::ocfl::EXTENSIONS && e.kind == Kind::Dir)
    {
        return Ok(());
    }
    for entry in list(&root.join(crate::ocfl::EXTENSIONS))? {
        let path = format!("extensions/{}", entry.name);
        if entry.kind != Kind::Dir {
            findings.add(
                OcflCode::E067,
                &path,
                "the extensions directory may hold only extension directories",
            );
        } else if !REGISTERED_EXTENSIONS.contains(&entry.name.as_str()) {
            findings.add(
                OcflCode::W013,
                &path,
                format!("`{}` is not a registered extension name", entry.name),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The declaration is read no further than the line it must hold: one
    /// that holds more (sparse here, a GiB) is E007, and says so.
    #[test]
    fn a_declaration_is_read_no_further_than_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("0=ocfl_object_1.1");
        for (text, len, expected) in [
            ("ocfl_object_1.1\n", 16, None),
            (
                "ocfl_object_1.1",
                15,
                Some("holds \"ocfl_object_1.1\", not"),
            ),
            (
                "ocfl_object_1.1\n",
                1 << 30,
                Some("holds \"ocfl_object_1.1\\n\" and more, not"),
            ),
        ] {
            std::fs::write(&path, text).unwrap();
            let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
            file.set_len(len).unwrap();
            let entries = list(dir.path()).unwrap();
            let mut findings = Findings::default();
            let spec = declaration(dir.path(), &entries, &mut findings).unwrap();
            assert_eq!(spec, Some(SpecVersion::V1_1));
            let messages: Vec<&str> = findings.0.iter().map(|f| &*f.message).collect();
            match expected {
                None => assert!(messages.is_empty(), "{messages:?}"),
                Some(expected) => {
                    assert_eq!(messages.len(), 1, "{messages:?}");
                    assert!(messages[0].starts_with(expected), "{messages:?}");
                    assert_eq!(findings.0[0].code.to_string(), "E007");
                }
            }
        }
    }
}
