//! `manifests/` holds what corpack generates and must not drift: the JSON
//! Schemas, and the tag files, RO-Crate metadata and SHA-256 of the seeds
//! bundle.
//! A difference fails; `CORPACK_BLESS=1 cargo test manifests` rewrites
//! them after an intended change.

use std::fs;
use std::io::Read;
use std::path::Path;

use crate::util::{Dir, corpack, repo_root};

/// Compares `generated` with the committed files in `dir`, or rewrites them.
fn check_committed(dir: &Path, generated: &[(String, Vec<u8>)]) {
    let bless = std::env::var_os("CORPACK_BLESS").is_some();
    if bless {
        fs::create_dir_all(dir).unwrap();
    }
    let mut stale = Vec::new();
    for (name, bytes) in generated {
        let path = dir.join(name);
        if bless {
            fs::write(&path, bytes).unwrap();
        } else if fs::read(&path).ok().as_deref() != Some(bytes.as_slice()) {
            stale.push(path.display().to_string());
        }
    }
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.retain(|name| !generated.iter().any(|(n, _)| n == name));
    for extra in names {
        if bless {
            fs::remove_file(dir.join(&extra)).unwrap();
        } else {
            stale.push(format!(
                "{} (no longer generated)",
                dir.join(extra).display()
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "stale committed files (run `CORPACK_BLESS=1 cargo test manifests` if the change is intended):\n{}",
        stale.join("\n")
    );
}

#[test]
fn committed_schemas_are_current() {
    let generated: Vec<(String, Vec<u8>)> = corpack::schema::schemas()
        .into_iter()
        .map(|(name, text)| (name.to_string(), text.into_bytes()))
        .collect();
    check_committed(&repo_root().join("manifests/schema"), &generated);
}

#[test]
fn committed_seeds_manifests_are_current() {
    let dir = Dir::new();
    let bundle = dir.join("seeds.zip");
    corpack()
        .arg("pack")
        .arg(repo_root().join("seeds"))
        .arg("-o")
        .arg(&bundle)
        .arg("--quiet")
        .assert()
        .success();
    let mut archive = zip::ZipArchive::new(fs::File::open(&bundle).unwrap()).unwrap();
    let mut generated = Vec::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).unwrap();
        let name = entry.name().unwrap().into_owned();
        let Some((_, path)) = name.split_once('/') else {
            continue;
        };
        let committed = !path.contains('/') || path == "data/ro-crate-metadata.json";
        if committed {
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            let file = path.rsplit('/').next().unwrap().to_string();
            generated.push((file, bytes));
        }
    }
    // The whole archive too: a new zlib-rs or libdeflate may deflate the
    // same bytes differently, and the bundle would no longer be the same.
    let sha256 = corpack::digest::Digests::of(&fs::read(&bundle).unwrap()).sha256;
    generated.push((
        "seeds.zip.sha256".to_string(),
        format!("{sha256}  seeds.zip\n").into_bytes(),
    ));
    check_committed(&repo_root().join("manifests/seeds"), &generated);
}
