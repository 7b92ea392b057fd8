//! What we write is accepted by the BagIt and RO-Crate world's own tools.

use std::path::PathBuf;

use crate::util::{Dir, corpack, repo_root, shared_dir, unzip};
use crate::validators::validators;

/// Packs `seeds/` (holding the talk when `../shared` is there) and returns
/// the bundle and the unzipped bag directory.
fn seeds_bundle(dir: &Dir) -> (PathBuf, PathBuf) {
    let bundle = dir.join("seeds.zip");
    let mut command = corpack();
    command
        .arg("pack")
        .arg(repo_root().join("seeds"))
        .arg("-o")
        .arg(&bundle)
        .arg("--quiet");
    if let Some(shared) = shared_dir() {
        command
            .arg("--source")
            .arg(shared.join("corpus"))
            .arg("--strict");
    }
    command.assert().success();
    unzip(&bundle, &dir.join("unzipped"));
    (bundle, dir.join("unzipped/soviet-historiography"))
}

#[test]
fn bagit_python_accepts_the_unzipped_seeds_bag() {
    let dir = Dir::new();
    let (_, bag) = seeds_bundle(&dir);
    validators().bagit_validate(&bag).assert_valid();
}

#[test]
fn bdbag_fully_validates_the_seeds_bundle() {
    let dir = Dir::new();
    let (bundle, _) = seeds_bundle(&dir);
    validators().bdbag_validate(&bundle).assert_valid();
}

#[test]
fn rocrate_validator_accepts_the_seeds_payload() {
    let dir = Dir::new();
    let (_, bag) = seeds_bundle(&dir);
    validators()
        .rocrate_validate(&bag.join("data"))
        .assert_valid();
}
