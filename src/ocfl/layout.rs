//! The storage layout extensions a storage root may declare in its
//! `ocfl_layout.json` (OCFL 1.1 §4.1.1), which map an object's id to its
//! path in the root's storage hierarchy: those of the OCFL community
//! extensions corpack knows, read with their parameters from
//! `extensions/<name>/config.json` ([`RootLayout::of`]), and the path each
//! gives an id ([`StorageLayout::object_path`]).

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::DigestAlgorithm;
use super::digest::digest_reader;

// The storage layout extensions corpack places objects by (OCFL
// Community Extensions 0002, 0003, 0004 and 0006), by name.
const FLAT_DIRECT: &str = "0002-flat-direct-storage-layout";
const HASH_AND_ID_N_TUPLE: &str = "0003-hash-and-id-n-tuple-storage-layout";
const HASHED_N_TUPLE: &str = "0004-hashed-n-tuple-storage-layout";
const FLAT_OMIT_PREFIX: &str = "0006-flat-omit-prefix-storage-layout";

/// The names of the layouts corpack knows, for messages.
pub const KNOWN_LAYOUTS: [&str; 4] = [
    FLAT_DIRECT,
    HASH_AND_ID_N_TUPLE,
    HASHED_N_TUPLE,
    FLAT_OMIT_PREFIX,
];

/// The file in a storage root naming its layout (§4.1.1).
pub const LAYOUT_FILE: &str = "ocfl_layout.json";

/// How long a directory name may be, in bytes, on the file systems
/// storage roots are kept on (ext4, XFS, NTFS, APFS: 255).
const MAX_NAME_BYTES: usize = 255;

/// How long extension 0003 keeps an encoded id whole, in characters.
const MAX_ENCAPSULATION: usize = 100;

/// A storage layout extension corpack knows, with its parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StorageLayout {
    /// `0002-flat-direct-storage-layout`: the id, unchanged, as a directory
    /// of the storage root.
    FlatDirect,
    /// `0003-hash-and-id-n-tuple-storage-layout`: tuples of the id's
    /// digest, then the id percent-encoded.
    HashAndIdNTuple(Tuples),
    /// `0004-hashed-n-tuple-storage-layout`: tuples of the id's digest,
    /// then the digest (or, with `shortObjectRoot`, what the tuples left
    /// of it).
    HashedNTuple {
        /// The digest's tuples.
        tuples: Tuples,
        /// Whether the object's directory is the rest of the digest.
        short_object_root: bool,
    },
    /// `0006-flat-omit-prefix-storage-layout`: what follows the last
    /// `delimiter` in the id (matched whatever its case), as a directory
    /// of the storage root.
    FlatOmitPrefix {
        /// The end of the prefix.
        delimiter: String,
    },
}

/// The digest of an object's id, cut into tuples (extensions 0003, 0004).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tuples {
    /// The digest algorithm, `sha256` unless configured.
    pub algorithm: DigestAlgorithm,
    /// The characters of each tuple, 3 unless configured.
    pub size: usize,
    /// How many tuples, 3 unless configured.
    pub count: usize,
}

/// What a storage root declares of its layout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RootLayout {
    /// No `ocfl_layout.json`: the root does not say how ids map to paths.
    Undeclared,
    /// A layout extension corpack does not know, by its name.
    Unknown(String),
    /// A layout corpack knows.
    Known(StorageLayout),
}

impl RootLayout {
    /// The layout the storage root `root` declares, read from its
    /// `ocfl_layout.json` and the extension's `config.json`. An error says
    /// which file cannot be read and why: a layout file that is not JSON,
    /// or names no extension (E070), or a known extension's configuration
    /// that is not JSON or holds a parameter it does not allow.
    pub fn of(root: &Path) -> Result<RootLayout, (PathBuf, String)> {
        let file = root.join(LAYOUT_FILE);
        let Some(layout) = read_json(&file)? else {
            return Ok(RootLayout::Undeclared);
        };
        let Some(name) = layout.get("extension").and_then(Value::as_str) else {
            return Err((
                file,
                "names no layout extension: `extension` must be a string (OCFL 1.1 §4.1.1, E070)"
                    .into(),
            ));
        };
        // Read only for a layout corpack knows, whose name is a plain one.
        let config_file = root.join(super::EXTENSIONS).join(name).join("config.json");
        let config = || Config::read(name, &config_file);
        let layout = match name {
            FLAT_DIRECT => StorageLayout::FlatDirect,
            HASH_AND_ID_N_TUPLE => StorageLayout::HashAndIdNTuple(config()?.tuples()?),
            HASHED_N_TUPLE => {
                let config = config()?;
                let tuples = config.tuples()?;
                let short_object_root = config.boolean("shortObjectRoot", false)?;
                if short_object_root && tuples.size * tuples.count == tuples.algorithm.hex_length()
                {
                    return Err(config.error(
                        "`shortObjectRoot` is true, but the tuples take the whole digest: it must be false",
                    ));
                }
                StorageLayout::HashedNTuple {
                    tuples,
                    short_object_root,
                }
            }
            FLAT_OMIT_PREFIX => {
                let config = config()?;
                let delimiter = config.string("delimiter")?;
                if delimiter.is_empty() {
                    return Err(config.error("`delimiter` must not be empty"));
                }
                StorageLayout::FlatOmitPrefix { delimiter }
            }
            other => return Ok(RootLayout::Unknown(other.to_string())),
        };
        Ok(RootLayout::Known(layout))
    }
}

/// The JSON in `file`, or none if there is no file.
fn read_json(file: &Path) -> Result<Option<Value>, (PathBuf, String)> {
    let text = match std::fs::read(file) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err((file.to_path_buf(), error.to_string())),
    };
    serde_json::from_slice(&text)
        .map(Some)
        .map_err(|error| (file.to_path_buf(), format!("is not JSON: {error}")))
}

/// A layout extension's `config.json`, if it has one: its parameters, or
/// their defaults.
struct Config<'a> {
    file: &'a Path,
    /// Whether there is a `config.json`.
    present: bool,
    values: serde_json::Map<String, Value>,
}

impl<'a> Config<'a> {
    /// The configuration of the extension `name` in `file`, if there is one.
    fn read(name: &str, file: &'a Path) -> Result<Config<'a>, (PathBuf, String)> {
        let read = read_json(file)?;
        let present = read.is_some();
        let values = match read {
            None => serde_json::Map::new(),
            Some(Value::Object(values)) => values,
            Some(_) => return Err((file.to_path_buf(), "is not a JSON object".into())),
        };
        let config = Config {
            file,
            present,
            values,
        };
        if let Some(named) = config.values.get("extensionName")
            && named.as_str() != Some(name)
        {
            return Err(config.error(&format!(
                "`extensionName` is {named}, not the layout `{name}` that ocfl_layout.json names"
            )));
        }
        Ok(config)
    }

    fn error(&self, message: &str) -> (PathBuf, String) {
        (self.file.to_path_buf(), message.to_string())
    }

    /// The parameters `digestAlgorithm`, `tupleSize` and `numberOfTuples`
    /// of extensions 0003 and 0004.
    fn tuples(&self) -> Result<Tuples, (PathBuf, String)> {
        let algorithm = match self.values.get("digestAlgorithm") {
            None => DigestAlgorithm::Sha256,
            Some(value) => value
                .as_str()
                .and_then(|name| name.parse().ok())
                .ok_or_else(|| {
                    self.error(&format!(
                        "`digestAlgorithm` is {value}, no digest algorithm of OCFL's fixity block that corpack knows"
                    ))
                })?,
        };
        let size = self.small_number("tupleSize")?;
        let count = self.small_number("numberOfTuples")?;
        if (size == 0) != (count == 0) {
            return Err(self.error("`tupleSize` and `numberOfTuples` must both be 0 if either is"));
        }
        if size * count > algorithm.hex_length() {
            return Err(self.error(&format!(
                "the tuples take {} characters of a {algorithm} digest, which has {}",
                size * count,
                algorithm.hex_length()
            )));
        }
        Ok(Tuples {
            algorithm,
            size,
            count,
        })
    }

    /// An integer parameter from 0 to 32, 3 unless given.
    fn small_number(&self, key: &str) -> Result<usize, (PathBuf, String)> {
        match self.values.get(key) {
            None => Ok(3),
            Some(value) => value
                .as_u64()
                .filter(|number| *number <= 32)
                .map(|number| number as usize)
                .ok_or_else(|| {
                    self.error(&format!("`{key}` is {value}, not an integer from 0 to 32"))
                }),
        }
    }

    fn boolean(&self, key: &str, default: bool) -> Result<bool, (PathBuf, String)> {
        match self.values.get(key) {
            None => Ok(default),
            Some(value) => value
                .as_bool()
                .ok_or_else(|| self.error(&format!("`{key}` is {value}, not true or false"))),
        }
    }

    /// A string parameter that has no default.
    fn string(&self, key: &str) -> Result<String, (PathBuf, String)> {
        match self.values.get(key) {
            Some(Value::String(value)) => Ok(value.clone()),
            Some(value) => Err(self.error(&format!("`{key}` is {value}, not a string"))),
            None if self.present => Err(self.error(&format!(
                "gives no `{key}`, which the layout has no default for"
            ))),
            None => Err(self.error(&format!(
                "is missing: the layout needs its `{key}`, which has no default"
            ))),
        }
    }
}

impl StorageLayout {
    /// The extension's name, as `ocfl_layout.json` gives it.
    pub fn name(&self) -> &'static str {
        match self {
            StorageLayout::FlatDirect => FLAT_DIRECT,
            StorageLayout::HashAndIdNTuple(_) => HASH_AND_ID_N_TUPLE,
            StorageLayout::HashedNTuple { .. } => HASHED_N_TUPLE,
            StorageLayout::FlatOmitPrefix { .. } => FLAT_OMIT_PREFIX,
        }
    }

    /// The path, relative to the storage root, of the object `id`, or why
    /// the layout cannot give it one: an id (or what is left of it) that
    /// is no directory name.
    pub fn object_path(&self, id: &str) -> Result<PathBuf, String> {
        match self {
            StorageLayout::FlatDirect => directory_name(id).map(PathBuf::from),
            StorageLayout::HashAndIdNTuple(tuples) => {
                let digest = tuples.digest(id);
                let mut encoded = percent_encoded(id);
                if encoded.len() > MAX_ENCAPSULATION {
                    encoded.truncate(MAX_ENCAPSULATION);
                    encoded = format!("{encoded}-{digest}");
                }
                Ok(tuples.path(&digest).join(encoded))
            }
            StorageLayout::HashedNTuple {
                tuples,
                short_object_root,
            } => {
                let digest = tuples.digest(id);
                let last = match short_object_root {
                    true => &digest[tuples.size * tuples.count..],
                    false => &digest,
                };
                Ok(tuples.path(&digest).join(last))
            }
            StorageLayout::FlatOmitPrefix { delimiter } => {
                let rest = after_last(id, delimiter).ok_or_else(|| {
                    format!("the id `{id}` holds no `{delimiter}`, the prefix's end")
                })?;
                directory_name(rest).map(PathBuf::from)
            }
        }
    }
}

impl Tuples {
    /// The lowercase hex digest of `id` in UTF-8.
    fn digest(&self, id: &str) -> String {
        let (_, digests) = digest_reader(&mut id.as_bytes(), &[self.algorithm], &|_| {})
            .expect("reading a string does not fail");
        digests.into_iter().next().expect("one digest")
    }

    /// The tuples of `digest`, as directories one in the other.
    fn path(&self, digest: &str) -> PathBuf {
        (0..self.count)
            .map(|i| &digest[i * self.size..(i + 1) * self.size])
            .collect()
    }
}

/// `name`, if it can be a directory's name: not empty, `.` or `..`,
/// without `/` or NUL, and no longer than file systems allow.
fn directory_name(name: &str) -> Result<&str, String> {
    if name.is_empty() || name == "." || name == ".." {
        return Err(format!("`{name}` is no directory name"));
    }
    if name.contains(['/', '\0']) {
        return Err(format!("`{name}` holds a `/` or NUL: no directory name"));
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(format!(
            "`{name}` is {} bytes long, longer than a directory name can be ({MAX_NAME_BYTES})",
            name.len()
        ));
    }
    Ok(name)
}

/// `id` with every byte of a character other than A-Z, a-z, 0-9, `-` and
/// `_` as `%` and two lowercase hex digits (extension 0003).
fn percent_encoded(id: &str) -> String {
    let mut encoded = String::with_capacity(id.len());
    for byte in id.bytes() {
        if byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_' {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02x}"));
        }
    }
    encoded
}

/// What follows the last `delimiter` in `id`, matched whatever the case of
/// either (extension 0006).
fn after_last<'a>(id: &'a str, delimiter: &str) -> Option<&'a str> {
    let lower = |text: &str| -> Vec<char> { text.chars().flat_map(char::to_lowercase).collect() };
    let wanted = lower(delimiter);
    let ends: Vec<usize> = (id.char_indices().map(|(at, c)| at + c.len_utf8())).collect();
    // Each place the delimiter could end, the last first.
    ends.iter().rev().find_map(|&end| {
        let starts = id[..end].char_indices().map(|(at, _)| at).rev();
        let mut matched = starts.map(|start| (start, lower(&id[start..end])));
        matched
            .find(|(_, lowered)| lowered.len() >= wanted.len())
            .filter(|(_, lowered)| *lowered == wanted)
            .map(|_| &id[end..])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tuples(algorithm: DigestAlgorithm, size: usize, count: usize) -> Tuples {
        Tuples {
            algorithm,
            size,
            count,
        }
    }

    fn path(layout: &StorageLayout, id: &str) -> String {
        layout
            .object_path(id)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn extension_0004_maps_the_examples_of_its_specification() {
        let default = StorageLayout::HashedNTuple {
            tuples: tuples(DigestAlgorithm::Sha256, 3, 3),
            short_object_root: false,
        };
        assert_eq!(
            path(&default, "object-01"),
            "3c0/ff4/240/3c0ff4240c1e116dba14c7627f2319b58aa3d77606d0d90dfc6161608ac987d4"
        );
        assert_eq!(
            path(&default, "..hor/rib:le-$id"),
            "487/326/d8c/487326d8c2a3c0b885e23da1469b4d6671fd4e76978924b4443e9e3c316cda6d"
        );
        let short = StorageLayout::HashedNTuple {
            tuples: tuples(DigestAlgorithm::Md5, 2, 15),
            short_object_root: true,
        };
        assert_eq!(
            path(&short, "object-01"),
            "ff/75/53/44/92/48/5e/ab/b3/9f/86/35/67/28/88/4e"
        );
        let none = StorageLayout::HashedNTuple {
            tuples: tuples(DigestAlgorithm::Sha256, 0, 0),
            short_object_root: false,
        };
        assert_eq!(
            path(&none, "object-01"),
            "3c0ff4240c1e116dba14c7627f2319b58aa3d77606d0d90dfc6161608ac987d4"
        );
    }

    #[test]
    fn extension_0003_maps_the_examples_of_its_specification() {
        let default = StorageLayout::HashAndIdNTuple(tuples(DigestAlgorithm::Sha256, 3, 3));
        assert_eq!(path(&default, "object-01"), "3c0/ff4/240/object-01");
        assert_eq!(
            path(&default, "..hor/rib:le-$id"),
            "487/326/d8c/%2e%2ehor%2frib%3ale-%24id"
        );
        assert_eq!(
            path(&default, "..Hor/rib:lè-$id"),
            "373/529/21a/%2e%2eHor%2frib%3al%c3%a8-%24id"
        );
        let long = "abcdefghij".repeat(26);
        assert_eq!(
            path(&default, &long),
            format!(
                "55b/432/806/{}-55b432806f4e270da0cf23815ed338742179002153cd8d896f23b3e2d8a14359",
                "abcdefghij".repeat(10)
            )
        );
        let md5 = StorageLayout::HashAndIdNTuple(tuples(DigestAlgorithm::Md5, 2, 15));
        assert_eq!(
            path(&md5, "object-01"),
            "ff/75/53/44/92/48/5e/ab/b3/9f/86/35/67/28/88/object-01"
        );
        let flat = StorageLayout::HashAndIdNTuple(tuples(DigestAlgorithm::Md5, 0, 0));
        assert_eq!(path(&flat, "object-01"), "object-01");
    }

    #[test]
    fn flat_layouts_take_the_id_or_what_follows_its_prefix() {
        let flat = StorageLayout::FlatDirect;
        assert_eq!(path(&flat, "urn:corpack:seeds"), "urn:corpack:seeds");
        for refused in ["info:fedora/object-01", "..", "", &"a".repeat(256)] {
            assert!(flat.object_path(refused).is_err(), "{refused}");
        }
        let colon = StorageLayout::FlatOmitPrefix {
            delimiter: ":".into(),
        };
        assert_eq!(path(&colon, "namespace:12887296"), "12887296");
        assert_eq!(
            path(&colon, "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66"),
            "6e8bc430-9c3a-11d9-9669-0800200c9a66"
        );
        assert!(colon.object_path("no-prefix").is_err());
        assert!(colon.object_path("ends:").is_err());
        let edu = StorageLayout::FlatOmitPrefix {
            delimiter: "EDU/".into(),
        };
        assert_eq!(path(&edu, "https://institution.edu/3448793"), "3448793");
        assert_eq!(
            path(&edu, "https://institution.edu/abc/edu/f8.05v"),
            "f8.05v"
        );
        let info = StorageLayout::FlatOmitPrefix {
            delimiter: "info:".into(),
        };
        assert!(info.object_path("info:fedora/object-01").is_err());
    }

    #[test]
    fn a_storage_root_declares_its_layout_and_its_parameters() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        assert_eq!(RootLayout::of(root).unwrap(), RootLayout::Undeclared);
        let declare = |name: &str, config: Option<&str>| {
            std::fs::write(
                root.join(LAYOUT_FILE),
                format!(r#"{{"extension": "{name}", "description": "a layout"}}"#),
            )
            .unwrap();
            let config_dir = root.join("extensions").join(name);
            let _ = std::fs::remove_dir_all(root.join("extensions"));
            if let Some(config) = config {
                std::fs::create_dir_all(&config_dir).unwrap();
                std::fs::write(config_dir.join("config.json"), config).unwrap();
            }
            RootLayout::of(root)
        };
        assert_eq!(
            declare("0002-flat-direct-storage-layout", None).unwrap(),
            RootLayout::Known(StorageLayout::FlatDirect)
        );
        assert_eq!(
            declare("0004-hashed-n-tuple-storage-layout", None).unwrap(),
            RootLayout::Known(StorageLayout::HashedNTuple {
                tuples: tuples(DigestAlgorithm::Sha256, 3, 3),
                short_object_root: false,
            })
        );
        let config = r#"{"extensionName": "0003-hash-and-id-n-tuple-storage-layout",
            "digestAlgorithm": "md5", "tupleSize": 2, "numberOfTuples": 15}"#;
        assert_eq!(
            declare("0003-hash-and-id-n-tuple-storage-layout", Some(config)).unwrap(),
            RootLayout::Known(StorageLayout::HashAndIdNTuple(tuples(
                DigestAlgorithm::Md5,
                2,
                15
            )))
        );
        let config =
            r#"{"extensionName": "0006-flat-omit-prefix-storage-layout", "delimiter": ":"}"#;
        assert_eq!(
            declare("0006-flat-omit-prefix-storage-layout", Some(config)).unwrap(),
            RootLayout::Known(StorageLayout::FlatOmitPrefix {
                delimiter: ":".into()
            })
        );
        assert_eq!(
            declare("0007-n-tuple-omit-prefix-storage-layout", None).unwrap(),
            RootLayout::Unknown("0007-n-tuple-omit-prefix-storage-layout".into())
        );
        // Parameters the extension does not allow, each naming its file.
        for (name, config, said) in [
            (
                "0006-flat-omit-prefix-storage-layout",
                None,
                "needs its `delimiter`",
            ),
            (
                "0004-hashed-n-tuple-storage-layout",
                Some(r#"{"tupleSize": 0}"#),
                "both be 0",
            ),
            (
                "0004-hashed-n-tuple-storage-layout",
                Some(r#"{"tupleSize": 32, "numberOfTuples": 3}"#),
                "take 96 characters",
            ),
            (
                "0004-hashed-n-tuple-storage-layout",
                Some(
                    r#"{"digestAlgorithm": "md5", "tupleSize": 16, "numberOfTuples": 2, "shortObjectRoot": true}"#,
                ),
                "shortObjectRoot",
            ),
            (
                "0003-hash-and-id-n-tuple-storage-layout",
                Some(r#"{"digestAlgorithm": "sha3"}"#),
                "digestAlgorithm",
            ),
            (
                "0003-hash-and-id-n-tuple-storage-layout",
                Some(r#"{"extensionName": "0004-hashed-n-tuple-storage-layout"}"#),
                "extensionName",
            ),
            (
                "0003-hash-and-id-n-tuple-storage-layout",
                Some("[]"),
                "not a JSON object",
            ),
        ] {
            let (file, message) = declare(name, config).unwrap_err();
            assert!(file.ends_with("config.json"), "{}", file.display());
            assert!(message.contains(said), "{message}");
        }
        std::fs::write(root.join(LAYOUT_FILE), "{}").unwrap();
        let (file, message) = RootLayout::of(root).unwrap_err();
        assert!(
            file.ends_with(LAYOUT_FILE) && message.contains("E070"),
            "{message}"
        );
    }
}
