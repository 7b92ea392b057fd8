//! The tag files corpack writes: `bagit.txt`, `bag-info.txt`, manifests
//! and tag manifests.

use crate::bagit::manifest::{self, ManifestEntry, manifest_name, tagmanifest_name};
use crate::bagit::tagfile::TagFile;
use crate::bagit::{BAGIT_TXT, PayloadOxum};
use crate::collection::CollectionInfo;
use crate::digest::{Algorithm, Digests};
use crate::names::{ALLOWED_TAG, NameCheck};
use crate::profile::{CORPACK_PROFILE_IDENTIFIER, PROFILE_IDENTIFIER_LABEL};

/// The algorithms of corpack's manifests, strongest last.
pub const ALGORITHMS: [Algorithm; 2] = [Algorithm::Sha256, Algorithm::Sha512];

/// `Bag-Software-Agent`: this program and its version.
pub fn software_agent() -> String {
    format!(
        "corpack {} <https://crates.io/crates/corpack>",
        env!("CARGO_PKG_VERSION")
    )
}

/// The text of `bag-info.txt`; `allowed` are the names policy's checks
/// that were allowed to warnings (see [`ALLOWED_TAG`]).
pub fn bag_info(info: &CollectionInfo, oxum: PayloadOxum, allowed: &[NameCheck]) -> String {
    let mut tags = TagFile::default();
    tags.push("Bag-Software-Agent", &software_agent());
    tags.push(PROFILE_IDENTIFIER_LABEL, CORPACK_PROFILE_IDENTIFIER);
    tags.push("Bagging-Date", &info.date.to_string());
    if let Some(name) = &info.contact_name {
        tags.push("Contact-Name", name);
    }
    if let Some(email) = &info.contact_email {
        tags.push("Contact-Email", email);
    }
    for check in allowed {
        tags.push(ALLOWED_TAG, check.into());
    }
    tags.push("External-Description", &info.description);
    tags.push("External-Identifier", info.id.as_str());
    tags.push("Payload-Oxum", &oxum.to_string());
    if let Some(organization) = &info.source_organization {
        tags.push("Source-Organization", organization);
    }
    tags.push("Title", &info.title);
    tags.to_text()
}

/// A file of the bag (path relative to the bag root) and its digests.
pub type Listed<'a> = (&'a str, &'a Digests);

/// The manifests of `files`, one `(file name, text)` per algorithm, using
/// `name_of` to name them.
fn manifests(files: &[Listed], name_of: fn(Algorithm) -> String) -> Vec<(String, String)> {
    ALGORITHMS
        .iter()
        .map(|&algorithm| {
            let entries: Vec<ManifestEntry> = files
                .iter()
                .map(|(path, digests)| ManifestEntry {
                    digest: digests
                        .get(algorithm)
                        .expect("corpack records every algorithm it lists")
                        .to_string(),
                    path: path.to_string(),
                })
                .collect();
            (name_of(algorithm), manifest::write(&entries))
        })
        .collect()
}

/// Every tag file of the bag, given its payload files and `bag-info.txt`,
/// as `(name, text)` sorted by name.
pub fn tag_files(payload: &[Listed], bag_info: String) -> Vec<(String, String)> {
    let mut tags = vec![
        ("bagit.txt".to_string(), BAGIT_TXT.to_string()),
        ("bag-info.txt".to_string(), bag_info),
    ];
    tags.extend(manifests(payload, manifest_name));
    let digests: Vec<(String, Digests)> = tags
        .iter()
        .map(|(name, text)| (name.clone(), Digests::of(text.as_bytes())))
        .collect();
    let listed: Vec<Listed> = digests.iter().map(|(n, d)| (n.as_str(), d)).collect();
    tags.extend(manifests(&listed, tagmanifest_name));
    tags.sort();
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> CollectionInfo {
        toml::from_str(
            r#"id = "c"
title = "A title"
description = "Two\nlines"
license = "CC-BY-4.0"
date = "2026-11-25"
source_organization = "Org""#,
        )
        .unwrap()
    }

    #[test]
    fn bag_info_uses_the_collection_date_and_oxum() {
        let text = bag_info(
            &info(),
            PayloadOxum {
                octets: 10,
                files: 2,
            },
            &[],
        );
        assert!(text.contains("Bagging-Date: 2026-11-25\n"), "{text}");
        assert!(text.contains("Payload-Oxum: 10.2\n"));
        assert!(text.contains(&format!(
            "BagIt-Profile-Identifier: {CORPACK_PROFILE_IDENTIFIER}\n"
        )));
        assert!(text.contains("External-Description: Two lines\n"));
        assert!(text.contains("Source-Organization: Org\n"));
        assert!(!text.contains("Contact-Name"));
        assert!(!text.contains(ALLOWED_TAG));
    }

    #[test]
    fn bag_info_records_the_allowed_name_checks() {
        let oxum = PayloadOxum::default();
        let allowed = [NameCheck::CaseCollision, NameCheck::LongPath];
        let text = bag_info(&info(), oxum, &allowed);
        assert!(
            text.contains(
                "Corpack-Name-Check-Allowed: case-collision\n\
                 Corpack-Name-Check-Allowed: long-path\n\
                 External-Description:"
            ),
            "{text}"
        );
    }

    #[test]
    fn tag_manifests_cover_every_other_tag_file() {
        let digests = Digests::of(b"x");
        let tags = tag_files(&[("data/x", &digests)], "Payload-Oxum: 1.1\n".into());
        let names: Vec<&str> = tags.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "bag-info.txt",
                "bagit.txt",
                "manifest-sha256.txt",
                "manifest-sha512.txt",
                "tagmanifest-sha256.txt",
                "tagmanifest-sha512.txt"
            ]
        );
        let tagmanifest = &tags[4].1;
        assert_eq!(tagmanifest.lines().count(), 4);
        assert!(tagmanifest.contains("  manifest-sha512.txt\n"));
        assert!(tags[2].1.ends_with("  data/x\n"));
    }
}
