//! What the collection directory holds besides its documents: nothing is
//! left out without saying so.
//!
//! Every file no record references is a warning (`unreferenced-file`), an
//! operating system's own file is named as such (`system-file`), and an
//! empty directory is reported as skipped (`empty-directory`): a bag lists
//! files only. With `strict` they are errors. A directory none of whose
//! files is referenced is one finding, with its file count. The record
//! files themselves (`collection.toml`, and `collection.csv`, the CSV form
//! of the records kept beside it, as `seeds/` keeps its `export csv`) are
//! not reported, nor is what a record names that cannot be packed (a link
//! leading out, a FIFO, a directory and all it holds), nor what a link it
//! names leads to inside: its record's error is about it. Names that are
//! not UTF-8 are judged by the names policy (`non-utf8`), as are the
//! targets of symbolic links that records reach through.

use std::borrow::Cow;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::locate::{Listings, named_paths};
use super::{COLLECTION_FILE, LoadedRecords, Located, Location};
use crate::finding::{Code, Finding};
use crate::names::{NameCheck, NamePolicy};

/// The CSV form of the records, kept beside `collection.toml` (`export
/// csv` writes it elsewhere, as it never writes inside the collection it
/// reads).
pub const COLLECTION_CSV: &str = "collection.csv";

/// Names operating systems leave in directories, and what leaves them.
const SYSTEM_FILES: [(&str, &str); 4] = [
    (".DS_Store", "a macOS Finder file"),
    ("Thumbs.db", "a Windows thumbnail cache"),
    ("ehthumbs.db", "a Windows thumbnail cache"),
    ("desktop.ini", "a Windows folder settings file"),
];

/// Directories operating systems make, and what makes them.
const SYSTEM_DIRECTORIES: [(&str, &str); 6] = [
    ("__MACOSX", "macOS resource forks from a zip"),
    (".Spotlight-V100", "a macOS Spotlight index"),
    (".Trashes", "a macOS volume's trash"),
    (".fseventsd", "a macOS file event log"),
    ("$RECYCLE.BIN", "a Windows volume's recycle bin"),
    (
        "System Volume Information",
        "a Windows volume's system directory",
    ),
];

/// What the directory of `loaded` holds that no record of `located`
/// packs, and the names policy's verdict on names not in UTF-8.
pub fn scan(
    loaded: &LoadedRecords,
    located: &Located,
    policy: &NamePolicy,
    strict: bool,
) -> Vec<Finding> {
    let root = loaded.dir.as_path();
    let mut findings = link_target_findings(loaded, located, policy);
    let referenced = referenced(loaded, located);
    let ancestors: HashSet<&Path> = referenced
        .iter()
        .flat_map(|p| p.ancestors().skip(1))
        .collect();
    let finding = |code, path: &Path, message: String| {
        let path = shown(path);
        if strict {
            Finding::error(code, path, format!("{message} (--strict)"))
        } else {
            Finding::warning(code, path, message)
        }
    };
    let mut walker = WalkDir::new(root)
        .min_depth(1)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let at = error.path().unwrap_or(root);
                let at = at.strip_prefix(root).unwrap_or(at);
                let message = format!("cannot be read, so what it holds is not known: {error}");
                findings.push(finding(Code::FileUnreadable, at, message));
                continue;
            }
        };
        let relative = entry.path().strip_prefix(root).expect("walked under root");
        let is_dir = entry.file_type().is_dir();
        let Some(name) = entry.file_name().to_str() else {
            findings.push(non_utf8(policy, relative));
            if is_dir {
                walker.skip_current_dir();
            }
            continue;
        };
        if ancestors.contains(relative) {
            continue;
        }
        let record_file = entry.depth() == 1 && [COLLECTION_FILE, COLLECTION_CSV].contains(&name);
        if record_file || referenced.contains(relative) {
            // A directory a record names is that record's error, with all
            // it holds.
            if is_dir {
                walker.skip_current_dir();
            }
            continue;
        }
        if !is_dir {
            findings.push(match system_name(&SYSTEM_FILES, name) {
                Some(what) => finding(
                    Code::SystemFile,
                    relative,
                    format!("{what}, referenced by no record: it is not packed"),
                ),
                None => finding(
                    Code::UnreferencedFile,
                    relative,
                    "referenced by no record in collection.toml: it is not packed".into(),
                ),
            });
            continue;
        }
        walker.skip_current_dir();
        let Contents {
            files,
            unnamed,
            unreadable,
        } = contents(root, entry.path());
        findings.extend(unnamed.iter().map(|path| non_utf8(policy, path)));
        let counted = counted_files(files);
        if let Some(what) = system_name(&SYSTEM_DIRECTORIES, name) {
            findings.push(finding(
                Code::SystemFile,
                relative,
                format!("{what} ({counted}), referenced by no record: it is not packed"),
            ));
        } else if files > 0 {
            findings.push(finding(
                Code::UnreferencedFile,
                relative,
                format!(
                    "a directory of {counted}, none referenced by a record in \
                     collection.toml: it is not packed"
                ),
            ));
        } else if unreadable.is_empty() {
            findings.push(finding(
                Code::EmptyDirectory,
                relative,
                "an empty directory: a bag lists files only, so it is not packed".into(),
            ));
        }
        // Not known to be empty, nor what it holds.
        for error in unreadable {
            let at = error.path().unwrap_or(entry.path());
            let at = at.strip_prefix(root).unwrap_or(at);
            let message = format!("cannot be read, so what it holds is not known: {error}");
            findings.push(finding(Code::FileUnreadable, at, message));
        }
    }
    findings
}

/// The paths under the collection directory (relative) that records
/// name: each file packed as found, and the target of each link followed
/// to a file inside it; what a record names that cannot be packed (a link
/// leading out, a directory, ...), and what such a link leads to inside,
/// which its record's error is about; and the files named by records that
/// did not read.
fn referenced<'a>(loaded: &'a LoadedRecords, located: &'a Located) -> HashSet<Cow<'a, Path>> {
    let canonical_root = loaded.dir.canonicalize().ok();
    // A link's target, resolved, as a path under the collection directory
    // if it is inside.
    let inside = |target: Option<&Path>| -> Option<Cow<'a, Path>> {
        let relative = target?.strip_prefix(canonical_root.as_deref()?).ok()?;
        Some(Cow::Owned(relative.to_path_buf()))
    };
    let listings = Listings::default();
    let mut referenced: HashSet<Cow<'a, Path>> = HashSet::new();
    for file in &loaded.unread_files {
        referenced.insert(Cow::Borrowed(Path::new(&**file)));
        // Under another Unicode form too, as a record that reads is found;
        // a path with an empty component (`/etc`, `a//b`) names nothing
        // inside.
        if !file.split('/').any(str::is_empty) {
            let named = named_paths(&loaded.dir, file, &listings);
            referenced.extend(named.into_iter().map(|path| Cow::Owned(path.into())));
        }
    }
    for (index, location) in located.locations.iter().enumerate() {
        let found = match location {
            Location::Held(found) => found,
            // Nothing in the collection directory has the name of a file
            // not found, or found only in a --source directory: looking for
            // names equal to it in NFC would read a directory for each.
            Location::Unpackable {
                in_collection: false,
            }
            | Location::NotHeld => continue,
            Location::Unpackable {
                in_collection: true,
            } => {
                let named = named_paths(&loaded.dir, loaded.records.file(index), &listings);
                for path in named {
                    // What a link leads to inside (a FIFO, a directory and
                    // all it holds) is that record's error too.
                    let full = loaded.dir.join(&path);
                    let target = (full.symlink_metadata().ok())
                        .filter(|metadata| metadata.file_type().is_symlink())
                        .and_then(|_| full.canonicalize().ok());
                    referenced.extend(inside(target.as_deref()));
                    referenced.insert(Cow::Owned(path.into()));
                }
                continue;
            }
        };
        if found.place() != 0 {
            continue;
        }
        referenced.insert(Cow::Borrowed(Path::new(
            found.name(loaded.records.file(index)),
        )));
        referenced.extend(inside(found.link_target()));
    }
    referenced
}

/// Findings about records reached through links to names not in UTF-8.
fn link_target_findings(
    loaded: &LoadedRecords,
    located: &Located,
    policy: &NamePolicy,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (index, location) in located.locations.iter().enumerate() {
        let Location::Held(found) = location else {
            continue;
        };
        let Some(target) = found.link_target().filter(|t| t.to_str().is_none()) else {
            continue;
        };
        let message = format!(
            "document `{}` ({}:{}): {} is a link to {:?}, a name that is not UTF-8 (the bag \
             keeps the record's name)",
            loaded.records.id(index),
            loaded.file.display(),
            loaded.document_line(index),
            located.path(found, loaded.records.file(index)).display(),
            target.as_os_str()
        );
        findings.push(policy.finding(NameCheck::NonUtf8, loaded.records.file(index), message));
    }
    findings
}

fn non_utf8(policy: &NamePolicy, relative: &Path) -> Finding {
    let message = format!(
        "the name {:?} is not UTF-8, so no record can reference it and no bag can hold it",
        relative.as_os_str()
    );
    // The file itself is never packed: allowed, it is only left out.
    policy.finding_allowing_to(
        NameCheck::NonUtf8,
        &shown(relative),
        message,
        "pack the rest without it",
    )
}

/// What a directory no record names holds.
struct Contents {
    /// How many files, at any depth.
    files: usize,
    /// The names under it that are not UTF-8.
    unnamed: Vec<PathBuf>,
    /// The directories under it (or itself) that could not be read.
    unreadable: Vec<walkdir::Error>,
}

/// "1 file", "3 files".
fn counted_files(files: usize) -> String {
    if files == 1 {
        "1 file".to_string()
    } else {
        format!("{files} files")
    }
}

fn contents(root: &Path, dir: &Path) -> Contents {
    let mut contents = Contents {
        files: 0,
        unnamed: Vec::new(),
        unreadable: Vec::new(),
    };
    for entry in WalkDir::new(dir).follow_links(false).sort_by_file_name() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                contents.unreadable.push(error);
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        if !entry.file_type().is_dir() {
            contents.files += 1;
        }
        if entry.file_name().to_str().is_none() {
            let relative = entry.path().strip_prefix(root).expect("walked under root");
            contents.unnamed.push(relative.to_path_buf());
        }
    }
    contents
}

/// What makes a file or directory of this name, if an operating system
/// does (or it is a macOS AppleDouble `._` file).
fn system_name(known: &[(&str, &'static str)], name: &str) -> Option<&'static str> {
    if let Some((_, what)) = known.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
        return Some(what);
    }
    (known == SYSTEM_FILES && name.starts_with("._")).then_some("a macOS AppleDouble file")
}

/// A relative path for a finding, `/`-separated (lossy if not UTF-8).
fn shown(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;
    use std::fs;

    use super::*;
    use crate::collection::{load, locate, locate_all};
    use crate::finding::Severity;

    const RECORDS: &str = r#"[collection]
id = "c"
title = "T"
description = "D"
license = "CC0-1.0"
date = "2026-11-25"

[[document]]
id = "a"
title = "A"
file = "docs/a.txt"
"#;

    fn scanned(dir: &Path, strict: bool) -> Vec<(Code, String)> {
        let loaded = load(dir).unwrap();
        let located = locate(&loaded, &[], false).unwrap();
        scan(&loaded, &located, &NamePolicy::default(), strict)
            .into_iter()
            .map(|f| {
                let expected = if strict {
                    Severity::Error
                } else {
                    Severity::Warning
                };
                assert_eq!(f.severity, expected, "{f}");
                (f.code, f.path)
            })
            .collect()
    }

    /// What `scan` finds with the default names policy, by code and path.
    fn codes_and_paths(loaded: &LoadedRecords, located: &Located) -> Vec<(Code, String)> {
        scan(loaded, located, &NamePolicy::default(), false)
            .into_iter()
            .map(|f| (f.code, f.path))
            .collect()
    }

    #[test]
    fn unreferenced_system_and_empty_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join(COLLECTION_FILE), RECORDS).unwrap();
        fs::write(root.join(COLLECTION_CSV), "").unwrap();
        fs::create_dir_all(root.join("docs/empty/deeper")).unwrap();
        fs::write(root.join("docs/a.txt"), "a").unwrap();
        fs::write(root.join("docs/b.txt"), "b").unwrap();
        fs::write(root.join("docs/.DS_Store"), "").unwrap();
        fs::write(root.join("docs/._a.txt"), "").unwrap();
        fs::create_dir_all(root.join("__MACOSX/docs")).unwrap();
        fs::write(root.join("__MACOSX/docs/._a.txt"), "").unwrap();
        fs::create_dir_all(root.join("old/x")).unwrap();
        fs::write(root.join("old/x/1"), "").unwrap();
        fs::write(root.join("old/2"), "").unwrap();
        fs::write(root.join("THUMBS.DB"), "").unwrap();
        let found = scanned(root, false);
        assert_eq!(
            found,
            [
                (Code::SystemFile, "THUMBS.DB".to_string()),
                (Code::SystemFile, "__MACOSX".into()),
                (Code::SystemFile, "docs/.DS_Store".into()),
                (Code::SystemFile, "docs/._a.txt".into()),
                (Code::UnreferencedFile, "docs/b.txt".into()),
                (Code::EmptyDirectory, "docs/empty".into()),
                (Code::UnreferencedFile, "old".into()),
            ]
        );
        assert_eq!(scanned(root, true).len(), found.len());
    }

    #[test]
    fn the_file_of_a_record_that_does_not_read_is_referenced_in_any_unicode_form() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let unread = "\n[[document]]\nid = \"b\"\ntitle = \"B\"\nfile = \"caf\u{e9}.txt\"\n\
                      [document.provenance]\ndate = \"1937-13\"\n";
        fs::write(root.join(COLLECTION_FILE), format!("{RECORDS}{unread}")).unwrap();
        fs::create_dir_all(root.join("docs")).unwrap();
        fs::write(root.join("docs/a.txt"), "a").unwrap();
        // Under its NFD name, as macOS made it.
        fs::write(root.join("cafe\u{301}.txt"), "b").unwrap();
        fs::write(root.join("stray.txt"), "c").unwrap();
        let loaded = crate::collection::load_partly(root)
            .unwrap()
            .records
            .unwrap();
        let (located, _) = locate_all(&loaded, &[], false);
        let found = codes_and_paths(&loaded, &located);
        assert_eq!(found, [(Code::UnreferencedFile, "stray.txt".to_string())]);
    }

    #[cfg(unix)]
    #[test]
    fn a_file_a_record_names_is_referenced_though_it_cannot_be_packed() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("c");
        let mut records = RECORDS.replace("docs/a.txt", "held.txt");
        let named = [
            "out.txt",
            "broken.txt",
            "loop.txt",
            "pipe",
            "folder",
            "sub/folder",
            "sub/deeper/caf\u{e9}.txt",
            "e\u{301}\u{327}.txt",
            "to-pipe.txt",
            "to-folder.txt",
        ];
        for (index, file) in named.iter().enumerate() {
            records.push_str(&format!(
                "\n[[document]]\nid = \"d{index}\"\ntitle = \"D\"\nfile = \"{file}\"\n"
            ));
        }
        fs::create_dir_all(root.join("sub/folder/inner")).unwrap();
        fs::create_dir_all(root.join("sub/deeper")).unwrap();
        fs::create_dir(root.join("folder")).unwrap();
        fs::write(root.join(COLLECTION_FILE), records).unwrap();
        fs::write(root.join("held.txt"), "h").unwrap();
        fs::write(root.join("folder/one.txt"), "1").unwrap();
        fs::write(root.join("sub/folder/inner/two.txt"), "2").unwrap();
        fs::write(dir.path().join("outside.txt"), "o").unwrap();
        symlink("../outside.txt", root.join("out.txt")).unwrap();
        symlink("nowhere", root.join("broken.txt")).unwrap();
        symlink("loop.txt", root.join("loop.txt")).unwrap();
        // Links to what cannot be packed, whose targets are the records'
        // errors and not unreferenced files.
        fs::create_dir_all(root.join("fifos")).unwrap();
        fs::create_dir_all(root.join("linked/inner")).unwrap();
        fs::write(root.join("linked/inner/three.txt"), "3").unwrap();
        let fifo = root.join("fifos/other-pipe");
        rustix::fs::mkfifoat(rustix::fs::CWD, &fifo, rustix::fs::Mode::RUSR).unwrap();
        symlink("fifos/other-pipe", root.join("to-pipe.txt")).unwrap();
        symlink("linked", root.join("to-folder.txt")).unwrap();
        rustix::fs::mkfifoat(rustix::fs::CWD, root.join("pipe"), rustix::fs::Mode::RUSR).unwrap();
        // Under its NFD name, as macOS made it.
        symlink("nowhere", root.join("sub/deeper/cafe\u{301}.txt")).unwrap();
        // Two names equal to the record's in NFC, neither of them it.
        fs::write(root.join("e\u{327}\u{301}.txt"), "x").unwrap();
        fs::write(root.join("\u{229}\u{301}.txt"), "y").unwrap();
        // Genuinely referenced by nothing, beside each of them.
        fs::write(root.join("stray.txt"), "s").unwrap();
        fs::write(root.join("sub/stray.txt"), "s").unwrap();
        fs::write(root.join("sub/deeper/stray.txt"), "s").unwrap();
        symlink("nowhere", root.join("sub/deeper/cafe.txt")).unwrap();

        let loaded = load(&root).unwrap();
        let (located, errors) = locate_all(&loaded, &[], false);
        assert_eq!(errors.len(), named.len(), "{errors:?}");
        let found = codes_and_paths(&loaded, &located);
        assert_eq!(
            found,
            [
                (Code::UnreferencedFile, "stray.txt".to_string()),
                (Code::UnreferencedFile, "sub/deeper/cafe.txt".into()),
                (Code::UnreferencedFile, "sub/deeper/stray.txt".into()),
                (Code::UnreferencedFile, "sub/stray.txt".into()),
            ]
        );
    }

    /// Scan looks again, names equal in NFC too, only for what a record
    /// names that is in the collection directory: for each file not found
    /// it read the directory it would be in, 10,000 files not found in a
    /// directory of 10,000 a check of 40 seconds more.
    #[cfg(unix)]
    #[test]
    fn only_what_is_in_the_collection_directory_is_looked_for_again() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("c");
        let source = dir.path().join("s");
        fs::create_dir_all(root.join("docs")).unwrap();
        fs::create_dir(&source).unwrap();
        let mut records = RECORDS.to_string();
        for (index, file) in ["docs/missing.txt", "out.txt", "s.txt"].iter().enumerate() {
            records.push_str(&format!(
                "\n[[document]]\nid = \"d{index}\"\ntitle = \"D\"\nfile = \"{file}\"\n"
            ));
        }
        fs::write(root.join(COLLECTION_FILE), records).unwrap();
        fs::write(root.join("docs/a.txt"), "a").unwrap();
        fs::write(dir.path().join("outside.txt"), "o").unwrap();
        std::os::unix::fs::symlink("../outside.txt", root.join("out.txt")).unwrap();
        std::os::unix::fs::symlink("../outside.txt", source.join("s.txt")).unwrap();
        let loaded = load(&root).unwrap();
        let (located, errors) = locate_all(&loaded, std::slice::from_ref(&source), false);
        assert_eq!(errors.len(), 3, "{errors:?}");
        let unpackable = |in_collection| Location::Unpackable { in_collection };
        assert_eq!(
            located.locations[1..],
            [unpackable(false), unpackable(true), unpackable(false)]
        );
    }

    #[cfg(unix)]
    #[test]
    fn link_targets_are_referenced_and_names_not_in_utf8_are_errors() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join(COLLECTION_FILE), RECORDS).unwrap();
        fs::create_dir(root.join("docs")).unwrap();
        fs::write(root.join("real.txt"), "a").unwrap();
        std::os::unix::fs::symlink("../real.txt", root.join("docs/a.txt")).unwrap();
        assert_eq!(scanned(root, false), []);

        fs::write(root.join(OsStr::from_bytes(b"bad\xff.txt")), "").unwrap();
        let loaded = load(root).unwrap();
        let located = locate(&loaded, &[], false).unwrap();
        let findings = scan(&loaded, &located, &NamePolicy::default(), false);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].code, Code::NonUtf8);
        assert_eq!(findings[0].severity, Severity::Error);
        assert_eq!(findings[0].path, "bad\u{fffd}.txt");
        assert!(
            findings[0]
                .message
                .ends_with("(--allow non-utf8 would pack the rest without it)"),
            "{}",
            findings[0].message
        );
        let allowed = NamePolicy::allowing(&[NameCheck::NonUtf8]);
        let findings = scan(&loaded, &located, &allowed, false);
        assert_eq!(findings[0].severity, Severity::Warning);
    }
}
