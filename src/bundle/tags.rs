//! The tag files corpack writes: `bagit.txt`, `bag-info.txt`, manifests
//! and tag manifests.

use std::io::{self, Write};

use super::writer::{ArchiveWriter, StreamWriter};
use crate::bagit::manifest::{self, manifest_name, tagmanifest_name};
use crate::bagit::tagfile::TagFile;
use crate::bagit::{BAGIT_TXT, PayloadOxum};
use crate::collection::CollectionInfo;
use crate::digest::{Algorithm, FileDigests};
use crate::error::Result;
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
    let agent = software_agent();
    let date = info.date.to_string();
    let oxum = oxum.to_string();
    let mut lines = vec![
        ("Bag-Software-Agent", agent.as_str()),
        (PROFILE_IDENTIFIER_LABEL, CORPACK_PROFILE_IDENTIFIER),
        ("Bagging-Date", &date),
        ("External-Identifier", info.id.as_str()),
        ("Payload-Oxum", &oxum),
    ];
    lines.extend(allowed.iter().map(|check| (ALLOWED_TAG, check.into())));
    let from_records = info.bag_info_fields().into_iter();
    lines.extend(from_records.filter_map(|(_, label, value)| Some((label, value?))));
    // By label, byte-wise; a stable sort keeps the allowed checks in order.
    lines.sort_by_key(|&(label, _)| label);
    let mut tags = TagFile::default();
    for (label, value) in lines {
        tags.push(label, value);
    }
    tags.to_text()
}

/// A file of the bag (path relative to the bag root) and its digests.
pub type Listed<'a> = (&'a str, &'a FileDigests);

/// The files a manifest lists, visited in manifest order (by path,
/// byte-wise) rather than held in a list, as a large bag has many.
pub trait Listing: Sync {
    /// Calls `visit` with each file's path relative to the bag root and
    /// its digests, in order.
    fn visit(&self, visit: &mut dyn FnMut(&str, &FileDigests) -> io::Result<()>) -> io::Result<()>;
}

impl Listing for Vec<Listed<'_>> {
    fn visit(&self, visit: &mut dyn FnMut(&str, &FileDigests) -> io::Result<()>) -> io::Result<()> {
        for (path, digests) in self {
            visit(path, digests)?;
        }
        Ok(())
    }
}

/// Writes the manifest of `files` for `algorithm`.
fn write_manifest(
    out: &mut dyn Write,
    algorithm: Algorithm,
    files: &dyn Listing,
) -> io::Result<()> {
    let mut hex = [0; 128];
    files.visit(&mut |path, digests| {
        let digest = digests
            .hex_in(algorithm, &mut hex)
            .expect("corpack records every algorithm it lists");
        manifest::write_line(out, digest, path)
    })
}

/// Whether `files` come in manifest order.
fn in_manifest_order(files: &dyn Listing) -> bool {
    let mut last: Option<String> = None;
    let mut ordered = true;
    let _ = files.visit(&mut |path, _| {
        ordered &= last
            .as_deref()
            .is_none_or(|last| last.as_bytes() <= path.as_bytes());
        last = Some(path.to_string());
        Ok(())
    });
    ordered
}

/// Adds every tag file to `writer`, under `<bag>/`, in name order:
/// `bag-info.txt`, `bagit.txt` and the payload manifests of `payload`
/// (sorted by path, byte-wise), then the tag manifests listing those. The
/// manifests are written as streams, so they are never held whole.
pub fn add_tag_files(
    writer: &mut ArchiveWriter,
    bag: &str,
    payload: &dyn Listing,
    bag_info: &str,
) -> Result<()> {
    assert!(
        in_manifest_order(payload),
        "payload files are listed in manifest order"
    );
    let bag_info_text = |out: &mut dyn Write| out.write_all(bag_info.as_bytes());
    let bagit_text = |out: &mut dyn Write| out.write_all(BAGIT_TXT.as_bytes());
    let manifests: Vec<_> = ALGORITHMS
        .iter()
        .map(|&algorithm| move |out: &mut dyn Write| write_manifest(out, algorithm, payload))
        .collect();
    let mut names = vec!["bag-info.txt".to_string(), "bagit.txt".to_string()];
    names.extend(ALGORITHMS.map(manifest_name));
    let mut first: Vec<(String, &StreamWriter)> = vec![
        (format!("{bag}/{}", names[0]), &bag_info_text),
        (format!("{bag}/{}", names[1]), &bagit_text),
    ];
    for (name, write) in names[2..].iter().zip(&manifests) {
        first.push((format!("{bag}/{name}"), write));
    }
    let first: Vec<(&str, &StreamWriter)> = first.iter().map(|(n, w)| (n.as_str(), *w)).collect();
    let written = writer.add_streams(&first)?;

    let tags: Vec<Listed> = names
        .iter()
        .zip(&written)
        .map(|(name, file)| (name.as_str(), &file.digests))
        .collect();
    let tags = &tags;
    let tag_manifests: Vec<_> = ALGORITHMS
        .iter()
        .map(|&algorithm| move |out: &mut dyn Write| write_manifest(out, algorithm, tags))
        .collect();
    let names: Vec<String> = ALGORITHMS
        .iter()
        .map(|&algorithm| format!("{bag}/{}", tagmanifest_name(algorithm)))
        .collect();
    let second: Vec<(&str, &StreamWriter)> = names
        .iter()
        .zip(&tag_manifests)
        .map(|(name, write)| (name.as_str(), write as &StreamWriter))
        .collect();
    writer.add_streams(&second)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Read;
    use std::path::Path;

    use super::*;
    use crate::bundle::writer::WriteOptions;

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
    fn bag_info_labels_are_in_byte_order() {
        let mut info = info();
        info.contact_name = Some("N".into());
        info.contact_email = Some("n@example.org".into());
        let text = bag_info(&info, PayloadOxum::default(), &[NameCheck::LongPath]);
        let labels: Vec<&str> = text.lines().map(|l| l.split(':').next().unwrap()).collect();
        let mut sorted = labels.clone();
        sorted.sort();
        assert_eq!(labels, sorted);
        assert_eq!(labels.len(), 11, "{text}");
    }

    fn writer(dir: &Path) -> ArchiveWriter {
        let options = WriteOptions {
            threads: 1,
            level: 2,
            whole_level: 1,
        };
        let out = tempfile::tempfile_in(dir).unwrap();
        ArchiveWriter::new(out, Path::new("t.zip"), dir, options).unwrap()
    }

    #[test]
    fn tag_manifests_cover_every_other_tag_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = writer(dir.path());
        let digests = FileDigests::of(b"x");
        let payload: Vec<Listed> = vec![("data/x", &digests)];
        add_tag_files(&mut writer, "b", &payload, "Payload-Oxum: 1.1\n").unwrap();
        let finished = writer.finish().unwrap();
        let names: Vec<String> = (finished.entries.iter_from(0))
            .map(|e| e.unwrap().entry.name.to_string())
            .collect();
        assert_eq!(
            names,
            [
                "b/bag-info.txt",
                "b/bagit.txt",
                "b/manifest-sha256.txt",
                "b/manifest-sha512.txt",
                "b/tagmanifest-sha256.txt",
                "b/tagmanifest-sha512.txt"
            ]
        );
        let mut archive = zip::ZipArchive::new(finished.file).unwrap();
        let mut text = |name: &str| {
            let mut text = String::new();
            archive
                .by_name(name)
                .unwrap()
                .read_to_string(&mut text)
                .unwrap();
            text
        };
        let tagmanifest = text("b/tagmanifest-sha256.txt");
        assert_eq!(tagmanifest.lines().count(), 4);
        assert!(tagmanifest.contains("  manifest-sha512.txt\n"));
        let bagit = FileDigests::of(BAGIT_TXT.as_bytes()).to_hex().sha256;
        assert!(tagmanifest.contains(&format!("{bagit}  bagit.txt\n")));
        assert_eq!(
            text("b/manifest-sha256.txt"),
            format!("{}  data/x\n", digests.to_hex().sha256)
        );
    }

    #[test]
    #[should_panic(expected = "manifest order")]
    fn payload_out_of_order_is_a_bug() {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = writer(dir.path());
        let digests = FileDigests::of(b"x");
        let payload: Vec<Listed> = vec![("data/b", &digests), ("data/a", &digests)];
        let _ = add_tag_files(&mut writer, "b", &payload, "");
    }
}
