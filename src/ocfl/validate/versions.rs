//! The version directories: each the inventory lists is there and holds
//! only its inventory, the sidecar and the content directory; its own
//! inventory; then the content files against the manifests, and their
//! digests.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use super::content_files::Found;
use super::entries::{Entry, Kind, list};
use super::inventory::Parsed;
use super::prior::PriorInventory;
use super::sidecar::check_sidecar;
use super::{Findings, content, inventory};
use crate::digest::chunks::for_each_chunk;
use crate::error::{IoContext, Result};
use crate::ocfl::SpecVersion;
use crate::ocfl::code::OcflCode;
use crate::ocfl::inventory::{INVENTORY, Inventory, VersionNum};
use crate::progress::Progress;

/// An object whose root inventory could be read.
pub(super) struct Object<'a> {
    pub(super) root: &'a Path,
    pub(super) inventory: &'a Inventory,
    pub(super) root_spec: Option<SpecVersion>,
    /// The root inventory's digest with its algorithm, for the sidecar of
    /// the head version's copy.
    pub(super) root_digest: Option<&'a str>,
}

impl Object<'_> {
    /// Checks every version directory and the content files, and returns
    /// how much was read to check digests.
    pub(super) fn check_versions(
        &self,
        root_entries: &[Entry],
        check_digests: bool,
        progress: &dyn Progress,
        findings: &mut Findings,
    ) -> Result<content::Read> {
        let content_directory = self.inventory.content_directory();
        let mut found = Found::default();
        let mut priors = Vec::new();
        let mut specs = Vec::new();
        for number in self.inventory.versions.keys() {
            let name = number.to_string();
            if !root_entries
                .iter()
                .any(|e| e.name == name && e.kind == Kind::Dir)
            {
                findings.add(
                    OcflCode::E010,
                    &name,
                    format!("version {name} is in the inventory but has no directory"),
                );
                continue;
            }
            let dir = self.root.join(&name);
            let entries = list(&dir)?;
            let mut sidecar = None;
            let has_inventory =
                (entries.iter()).any(|e| e.name == INVENTORY && e.kind == Kind::File);
            let own = self.version_inventory(*number, &entries, &mut sidecar, findings)?;
            if let Some((spec, prior)) = own {
                specs.push((*number, spec));
                priors.extend(prior);
            }
            for entry in &entries {
                let path = format!("{name}/{}", entry.name);
                match entry.kind {
                    Kind::Dir if entry.name == content_directory => {
                        content::walk(self.root, &path, &mut found, findings)?;
                    }
                    Kind::Dir => findings.add(
                        OcflCode::W002,
                        &path,
                        format!(
                            "a directory other than the content directory `{content_directory}` (ignored)"
                        ),
                    ),
                    Kind::Other => findings.add(
                        OcflCode::E090,
                        &path,
                        "a link or special file in a version directory",
                    ),
                    Kind::File if entry.name == INVENTORY => {}
                    // The sidecar of the inventory's algorithm; any when
                    // that is not known (E058, E061 say what is wrong).
                    // Without an inventory, no sidecar belongs here.
                    Kind::File
                        if entry.name.starts_with("inventory.json.")
                            && has_inventory
                            && sidecar.as_ref().is_none_or(|s| *s == entry.name) => {}
                    _ => findings.add(
                        OcflCode::E015,
                        &path,
                        "a version directory may hold only its inventory, the sidecar and the content directory",
                    ),
                }
            }
        }
        for pair in specs.windows(2) {
            if pair[1].1 < pair[0].1 {
                findings.add(
                    OcflCode::E103,
                    &format!("{}/{INVENTORY}", pair[1].0),
                    format!(
                        "conforms to OCFL {}, earlier than OCFL {} of version {}",
                        pair[1].1.number(),
                        pair[0].1.number(),
                        pair[0].0
                    ),
                );
            }
        }
        let files = found.sorted();
        self.check_manifests(&priors, &files, findings);
        self.check_size_fixity(&priors, &files, findings);
        if !check_digests {
            return Ok(content::Read::default());
        }
        let claims = self.claims(&priors, &files);
        Ok(content::check_digests(
            self.root, &claims, &files, progress, findings,
        ))
    }

    /// Checks the inventory in version directory `number`, if it has one:
    /// returns the OCFL version its type names, and the inventory itself
    /// when it is not the root inventory's copy; `sidecar` is set to the
    /// name of its sidecar when its digest algorithm is known.
    fn version_inventory(
        &self,
        number: VersionNum,
        entries: &[Entry],
        sidecar: &mut Option<String>,
        findings: &mut Findings,
    ) -> Result<Option<(SpecVersion, Option<PriorInventory<'_>>)>> {
        let dir = format!("{number}/");
        let path = format!("{dir}{INVENTORY}");
        if !entries
            .iter()
            .any(|e| e.name == INVENTORY && e.kind == Kind::File)
        {
            findings.add(
                OcflCode::W010,
                &path,
                format!("version directory {number} has no inventory"),
            );
            return Ok(None);
        }
        let file = self.root.join(&path);
        if number == self.inventory.head && same_bytes(&self.root.join(INVENTORY), &file)? {
            let name = self.inventory.digest_algorithm.to_string();
            *sidecar = Some(format!("{INVENTORY}.{name}"));
            check_sidecar(self.root, &dir, Some(&name), self.root_digest, findings)?;
            return Ok(self.root_spec.map(|spec| (spec, None)));
        }
        let opened = File::open(&file).at(&file)?;
        if number == self.inventory.head {
            findings.add(
                OcflCode::E064,
                &path,
                "the inventory of the head version differs from the root inventory",
            );
        }
        let Parsed {
            inventory,
            spec,
            digest_algorithm_name,
            digest,
        } = inventory::parse_file(&opened, &path, findings).at(&file)?;
        *sidecar = digest_algorithm_name
            .as_ref()
            .map(|name| format!("{INVENTORY}.{name}"));
        check_sidecar(
            self.root,
            &dir,
            digest_algorithm_name.as_deref(),
            digest.as_deref(),
            findings,
        )?;
        let Some(inventory) = inventory else {
            return Ok(spec.map(|spec| (spec, None)));
        };
        self.compare(number, &path, &inventory, findings);
        Ok(spec.map(|spec| {
            (
                spec,
                Some(PriorInventory::of(number, path, inventory, self.inventory)),
            )
        }))
    }
}

/// Whether the files `first` and `second` hold the same bytes, read a
/// chunk at a time: the head version's inventory and the root's, neither
/// kept while the versions are checked (95 MB each at 160,000 files).
fn same_bytes(first: &Path, second: &Path) -> Result<bool> {
    let length = |path: &Path| std::fs::metadata(path).map(|m| m.len()).at(path);
    if length(first)? != length(second)? {
        return Ok(false);
    }
    let mut first_file = std::fs::File::open(first).at(first)?;
    let mut second_file = std::fs::File::open(second).at(second)?;
    let mut other = vec![0; 64 * 1024];
    let mut differs = false;
    let mut second_error = None;
    let read = for_each_chunk(&mut first_file, |chunk| {
        for piece in chunk.chunks(other.len()) {
            let other = &mut other[..piece.len()];
            if let Err(error) = second_file.read_exact(other) {
                second_error = Some(error);
                return Err(io::ErrorKind::Other.into());
            }
            // Read no further once they differ.
            if other != piece {
                differs = true;
                return Err(io::ErrorKind::InvalidData.into());
            }
        }
        Ok(())
    });
    if let Some(error) = second_error {
        return Err(crate::Error::io(second, error));
    }
    match read {
        Ok(_) => Ok(true),
        Err(_) if differs => Ok(false),
        Err(error) => Err(crate::Error::io(first, error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_the_same_only_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        let long: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let mut late_difference = long.clone();
        late_difference[150_000] ^= 1;
        let cases: [(&[u8], &[u8], bool); 5] = [
            (&long, &long, true),
            (&long, &late_difference, false),
            (&long, &long[..199_999], false),
            (b"", b"", true),
            (b"ab", b"ac", false),
        ];
        for (at, (first, second, same)) in cases.into_iter().enumerate() {
            let (a, b) = (
                dir.path().join(format!("{at}a")),
                dir.path().join(format!("{at}b")),
            );
            std::fs::write(&a, first).unwrap();
            std::fs::write(&b, second).unwrap();
            assert_eq!(same_bytes(&a, &b).unwrap(), same, "case {at}");
        }
        assert!(same_bytes(&dir.path().join("0a"), &dir.path().join("missing")).is_err());
    }
}
