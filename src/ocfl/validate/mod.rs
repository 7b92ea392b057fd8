//! Validating an OCFL object root against the OCFL 1.1 specification (§3),
//! reporting what is wrong as findings with the specification's codes.
//!
//! The checks: the object root's entries (E001, E046, E067, W013), the
//! declaration (E003, E007), the root inventory (§3.5, checked on its own
//! by the `inventory` module) and its sidecar (E058, E060, E061), then each version
//! directory: its entries (E015, W002), its inventory against the root one
//! (E037, E040, E019, E064, E066, E103, W010, W011), its content files
//! against every manifest (E023, E024, E092), and finally every digest the
//! inventories give, manifest and fixity (E092, E093). Only an object root
//! that cannot be read at all is an [`Error`].

mod content;
pub(crate) mod inventory;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

use self::content::{Claim, Claims};
use self::inventory::Parsed;
use super::code::OcflCode;
use super::digest::{DigestAlgorithm, digest_bytes};
use super::inventory::{INVENTORY, Inventory, Version, VersionNum};
use super::{DECLARATION_PREFIX, SpecVersion};
use crate::error::{Error, IoContext, Result};
use crate::finding::{Finding, Severity};
use crate::progress::Progress;

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

/// The verdict on one object.
#[derive(Clone, Debug, Serialize)]
pub struct ObjectReport {
    /// The object root.
    pub root: PathBuf,
    /// The OCFL version the declaration names, if there is one.
    pub spec: Option<String>,
    /// The root inventory, when it could be read.
    #[serde(skip)]
    pub inventory: Option<Inventory>,
    /// Content files whose digests were computed.
    pub files_checked: u64,
    /// Bytes read to compute them.
    pub bytes_checked: u64,
    /// Everything found, in the order found.
    pub findings: Vec<Finding>,
}

impl ObjectReport {
    /// Whether there is no error finding.
    pub fn is_valid(&self) -> bool {
        !self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}

/// Findings being gathered.
#[derive(Debug, Default)]
pub(crate) struct Findings(pub Vec<Finding>);

impl Findings {
    fn add(&mut self, code: OcflCode, path: &str, message: impl Into<String>) {
        self.0.push(super::finding(code, path, message));
    }
}

/// One entry of a directory.
struct Entry {
    name: String,
    kind: Kind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    File,
    Dir,
    Other,
}

fn list(dir: &Path) -> Result<Vec<Entry>> {
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir).at(dir)? {
        let entry = entry.at(dir)?;
        let file_type = entry.file_type().at(&entry.path())?;
        let kind = if file_type.is_file() {
            Kind::File
        } else if file_type.is_dir() {
            Kind::Dir
        } else {
            Kind::Other
        };
        entries.push(Entry {
            name: entry.file_name().to_string_lossy().into_owned(),
            kind,
        });
    }
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(entries)
}

/// Validates the OCFL object at `root`. With `check_digests` false, no
/// content file is read: everything but the digests is checked.
pub fn validate_object(
    root: &Path,
    check_digests: bool,
    progress: &dyn Progress,
) -> Result<ObjectReport> {
    if !root.is_dir() {
        return Err(Error::unreadable(root, "not a directory"));
    }
    let entries = list(root)?;
    let mut findings = Findings::default();
    let mut report = ObjectReport {
        root: root.to_path_buf(),
        spec: None,
        inventory: None,
        files_checked: 0,
        bytes_checked: 0,
        findings: Vec::new(),
    };
    if entries.is_empty() {
        findings.add(
            OcflCode::E003,
            "",
            "the directory is empty: no object declaration (0=ocfl_object_1.1), and no bagit.txt either",
        );
        findings.add(OcflCode::E063, "", "no inventory.json");
        report.findings = findings.0;
        return Ok(report);
    }
    let declared = declaration(root, &entries, &mut findings)?;
    report.spec = declared.map(|spec| spec.number().to_string());
    let has_inventory = entries
        .iter()
        .any(|e| e.name == INVENTORY && e.kind == Kind::File);
    let (root_bytes, parsed) = if has_inventory {
        let bytes = std::fs::read(root.join(INVENTORY)).at(&root.join(INVENTORY))?;
        let parsed = inventory::parse(&bytes, INVENTORY, &mut findings);
        (bytes, Some(parsed))
    } else {
        findings.add(
            OcflCode::E063,
            INVENTORY,
            "the object root has no inventory.json",
        );
        (Vec::new(), None)
    };
    let algorithm_name = parsed
        .as_ref()
        .and_then(|p| p.digest_algorithm_name.clone());
    let root_inventory = parsed.as_ref().and_then(|p| p.inventory.as_ref());
    check_root_entries(
        &entries,
        root_inventory,
        algorithm_name.as_deref(),
        &mut findings,
    );
    check_extensions(root, &entries, &mut findings)?;
    let Some(parsed) = parsed else {
        report.findings = findings.0;
        return Ok(report);
    };
    check_sidecar(
        root,
        "",
        algorithm_name.as_deref(),
        &root_bytes,
        &mut findings,
    )?;
    if let (Some(declared), Some(typed)) = (declared, parsed.spec)
        && declared != typed
    {
        findings.add(
            OcflCode::E038,
            INVENTORY,
            format!(
                "`type` is the OCFL {} inventory type, but the declaration is OCFL {}",
                typed.number(),
                declared.number()
            ),
        );
    }
    if let Some(inventory) = &parsed.inventory {
        let objects = Object {
            root,
            inventory,
            root_bytes: &root_bytes,
            root_spec: parsed.spec,
        };
        let read = objects.check_versions(&entries, check_digests, progress, &mut findings)?;
        report.files_checked = read.files;
        report.bytes_checked = read.bytes;
    }
    report.inventory = parsed.inventory;
    report.findings = findings.0;
    Ok(report)
}

/// Checks the declaration (§3.2) and returns the version it names.
fn declaration(
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
    let text = std::fs::read(&path).at(&path)?;
    let expected = format!("ocfl_object_{}\n", spec.number());
    if text != expected.as_bytes() {
        findings.add(
            OcflCode::E007,
            &entry.name,
            format!(
                "holds {:?}, not {expected:?}",
                String::from_utf8_lossy(&text)
            ),
        );
    }
    Ok(Some(spec))
}

/// Nothing in the object root but the declaration, the inventory and its
/// sidecar, the version directories, `logs` and `extensions` (§3.1).
fn check_root_entries(
    entries: &[Entry],
    inventory: Option<&Inventory>,
    algorithm_name: Option<&str>,
    findings: &mut Findings,
) {
    let sidecar = algorithm_name.map(|name| format!("{INVENTORY}.{name}"));
    for entry in entries {
        let name = entry.name.as_str();
        let expected = match entry.kind {
            Kind::File => {
                name.starts_with(DECLARATION_PREFIX)
                    || name == INVENTORY
                    || sidecar.as_deref() == Some(name)
            }
            Kind::Dir => {
                if name == "logs" || name == "extensions" {
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
fn check_extensions(root: &Path, entries: &[Entry], findings: &mut Findings) -> Result<()> {
    if !entries
        .iter()
        .any(|e| e.name == "extensions" && e.kind == Kind::Dir)
    {
        return Ok(());
    }
    for entry in list(&root.join("extensions"))? {
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

/// Checks the sidecar of the inventory `inventory_bytes` in `dir` (`""` or
/// `"v1/"`), named after the algorithm `algorithm_name` (§3.6).
fn check_sidecar(
    root: &Path,
    dir: &str,
    algorithm_name: Option<&str>,
    inventory_bytes: &[u8],
    findings: &mut Findings,
) -> Result<()> {
    let Some(name) = algorithm_name else {
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
    let text = match std::fs::read(&path) {
        Ok(text) => text,
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
    let fields: Vec<&str> = text.split_whitespace().collect();
    let [digest, INVENTORY] = fields.as_slice() else {
        findings.add(
            OcflCode::E061,
            &relative,
            format!("reads {text:?}, not `DIGEST inventory.json`"),
        );
        return Ok(());
    };
    if let Ok(algorithm) = name.parse::<DigestAlgorithm>() {
        let actual = digest_bytes(algorithm, inventory_bytes);
        if !actual.eq_ignore_ascii_case(digest) {
            findings.add(
                OcflCode::E060,
                &relative,
                format!("gives {name} {digest}, but {dir}{INVENTORY} has {actual}"),
            );
        }
    }
    Ok(())
}

/// An object whose root inventory could be read.
struct Object<'a> {
    root: &'a Path,
    inventory: &'a Inventory,
    root_bytes: &'a [u8],
    root_spec: Option<SpecVersion>,
}

/// A version directory's own inventory, when it differs from the root's.
struct PriorInventory {
    number: VersionNum,
    path: String,
    inventory: Inventory,
}

impl Object<'_> {
    /// Checks every version directory and the content files, and returns
    /// how much was read to check digests.
    fn check_versions(
        &self,
        root_entries: &[Entry],
        check_digests: bool,
        progress: &dyn Progress,
        findings: &mut Findings,
    ) -> Result<content::Read> {
        let content_directory = self.inventory.content_directory();
        let mut sizes = BTreeMap::new();
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
            let own = self.version_inventory(*number, &entries, findings)?;
            if let Some((spec, prior)) = own {
                specs.push((*number, spec));
                priors.extend(prior);
            }
            for entry in &entries {
                let path = format!("{name}/{}", entry.name);
                match entry.kind {
                    Kind::Dir if entry.name == content_directory => {
                        let files = content::walk(self.root, &path, findings)?;
                        if files.is_empty() {
                            findings.add(
                                OcflCode::W003,
                                &path,
                                "a content directory without files",
                            );
                        }
                        sizes.extend(files);
                    }
                    Kind::Dir => findings.add(
                        OcflCode::W002,
                        &path,
                        format!(
                            "a directory other than the content directory `{content_directory}` (ignored)"
                        ),
                    ),
                    Kind::File if entry.name == INVENTORY || entry.name.starts_with("inventory.json.") => {}
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
        self.check_manifests(&priors, &sizes, findings);
        if !check_digests {
            return Ok(content::Read::default());
        }
        let claims = self.claims(&priors, &sizes);
        Ok(content::check_digests(
            self.root, &claims, &sizes, progress, findings,
        ))
    }

    /// Checks the inventory in version directory `number`, if it has one:
    /// returns the OCFL version its type names, and the inventory itself
    /// when it is not the root inventory's copy.
    fn version_inventory(
        &self,
        number: VersionNum,
        entries: &[Entry],
        findings: &mut Findings,
    ) -> Result<Option<(SpecVersion, Option<PriorInventory>)>> {
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
        let bytes = std::fs::read(self.root.join(&path)).at(&self.root.join(&path))?;
        if number == self.inventory.head && bytes == self.root_bytes {
            let name = self.inventory.digest_algorithm.to_string();
            check_sidecar(self.root, &dir, Some(&name), &bytes, findings)?;
            return Ok(self.root_spec.map(|spec| (spec, None)));
        }
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
        } = inventory::parse(&bytes, &path, findings);
        check_sidecar(
            self.root,
            &dir,
            digest_algorithm_name.as_deref(),
            &bytes,
            findings,
        )?;
        let Some(inventory) = inventory else {
            return Ok(spec.map(|spec| (spec, None)));
        };
        self.compare(number, &path, &inventory, findings);
        Ok(spec.map(|spec| {
            (
                spec,
                Some(PriorInventory {
                    number,
                    path,
                    inventory,
                }),
            )
        }))
    }

    /// A version directory's inventory against the root inventory: same id
    /// (E037), its own version as head (E040), the same content directory
    /// (E019), and the same states (E066) and metadata (W011).
    fn compare(&self, number: VersionNum, path: &str, prior: &Inventory, findings: &mut Findings) {
        let current = self.inventory;
        if prior.id != current.id {
            findings.add(
                OcflCode::E037,
                path,
                format!(
                    "id `{}` differs from the root inventory's `{}`",
                    prior.id, current.id
                ),
            );
        }
        if prior.head != number {
            findings.add(
                OcflCode::E040,
                path,
                format!(
                    "head is {} in the inventory of version {number}",
                    prior.head
                ),
            );
        }
        if prior.content_directory() != current.content_directory() {
            findings.add(
                OcflCode::E019,
                path,
                format!(
                    "contentDirectory `{}` differs from the root inventory's `{}`",
                    prior.content_directory(),
                    current.content_directory()
                ),
            );
        }
        for (version_number, prior_version) in &prior.versions {
            let Some(current_version) = current.versions.get(version_number) else {
                continue;
            };
            if let Some(difference) =
                state_difference(prior, prior_version, current, current_version)
            {
                findings.add(
                    OcflCode::E066,
                    path,
                    format!(
                        "the state of version {version_number} differs from the root inventory's: {difference}"
                    ),
                );
            }
            let mut differing = Vec::new();
            if prior_version.created != current_version.created {
                differing.push("created");
            }
            if prior_version.message != current_version.message {
                differing.push("message");
            }
            if prior_version.user != current_version.user {
                differing.push("user");
            }
            if !differing.is_empty() {
                findings.add(
                    OcflCode::W011,
                    path,
                    format!(
                        "version {version_number}: {} differ from the root inventory's",
                        differing.join(", ")
                    ),
                );
            }
        }
    }

    /// Every content file is in the root manifest and in the manifest of
    /// every version inventory from its version on (E023); every manifest
    /// path exists (E092).
    fn check_manifests(
        &self,
        priors: &[PriorInventory],
        sizes: &BTreeMap<String, u64>,
        findings: &mut Findings,
    ) {
        let listed = |inventory: &Inventory| -> BTreeSet<String> {
            inventory.manifest.values().flatten().cloned().collect()
        };
        let root_listed = listed(self.inventory);
        for path in sizes.keys() {
            if !root_listed.contains(path) {
                findings.add(
                    OcflCode::E023,
                    path,
                    "not in the manifest of inventory.json",
                );
            }
        }
        for path in &root_listed {
            if !sizes.contains_key(path) {
                findings.add(
                    OcflCode::E092,
                    path,
                    "in the manifest of inventory.json, but there is no such file",
                );
            }
        }
        for (algorithm, block) in &self.inventory.fixity {
            for path in block.values().flatten() {
                if root_listed.contains(path) && !sizes.contains_key(path) {
                    findings.add(
                        OcflCode::E093,
                        path,
                        format!("`fixity.{algorithm}` of inventory.json gives a digest, but there is no such file"),
                    );
                }
            }
        }
        for prior in priors {
            let prior_listed = listed(&prior.inventory);
            for path in sizes.keys() {
                let version = path
                    .split_once('/')
                    .and_then(|(v, _)| v.parse::<VersionNum>().ok());
                let up_to_prior = version.is_some_and(|v| v.number <= prior.number.number);
                if up_to_prior && !prior_listed.contains(path) {
                    findings.add(
                        OcflCode::E023,
                        path,
                        format!("not in the manifest of {}", prior.path),
                    );
                }
            }
            for path in &prior_listed {
                if !sizes.contains_key(path) && !root_listed.contains(path) {
                    findings.add(
                        OcflCode::E092,
                        path,
                        format!(
                            "in the manifest of {}, but there is no such file",
                            prior.path
                        ),
                    );
                }
            }
        }
    }

    /// Every digest the inventories give for files that exist.
    fn claims(&self, priors: &[PriorInventory], sizes: &BTreeMap<String, u64>) -> Claims {
        let mut claims = Claims::new();
        let mut add = |inventory: &Inventory, source: &str| {
            let mut blocks = vec![(
                inventory.digest_algorithm,
                &inventory.manifest,
                OcflCode::E092,
            )];
            for (name, block) in &inventory.fixity {
                // Algorithms outside the specification and extension 0001
                // are ignored, as the specification requires (E028).
                if let Ok(algorithm) = name.parse::<DigestAlgorithm>() {
                    blocks.push((algorithm, block, OcflCode::E093));
                }
            }
            for (algorithm, block, code) in blocks {
                for (digest, paths) in block {
                    for path in paths.iter().filter(|p| sizes.contains_key(*p)) {
                        let claim = Claim {
                            algorithm,
                            digest: digest.to_ascii_lowercase(),
                            code,
                        };
                        let sources = claims
                            .entry(path.clone())
                            .or_default()
                            .entry(claim)
                            .or_default();
                        if !sources.iter().any(|s| s == source) {
                            sources.push(source.to_string());
                        }
                    }
                }
            }
        };
        add(self.inventory, INVENTORY);
        for prior in priors {
            add(&prior.inventory, &prior.path);
        }
        claims
    }
}

/// How the state of a version in a prior inventory differs from the same
/// version in the current one, if it does. With the same digest algorithm
/// the digests are compared; across algorithms, the content paths they
/// lead to.
fn state_difference(
    prior: &Inventory,
    prior_version: &Version,
    current: &Inventory,
    current_version: &Version,
) -> Option<String> {
    let files = |inventory: &Inventory, version: &Version| -> BTreeMap<String, BTreeSet<String>> {
        let mut files = BTreeMap::new();
        for (digest, logical_paths) in &version.state {
            let target: BTreeSet<String> = if prior.digest_algorithm == current.digest_algorithm {
                BTreeSet::from([digest.to_ascii_lowercase()])
            } else {
                inventory
                    .manifest
                    .iter()
                    .filter(|(key, _)| key.eq_ignore_ascii_case(digest))
                    .flat_map(|(_, paths)| paths.iter().cloned())
                    .collect()
            };
            for path in logical_paths {
                files.insert(path.clone(), target.clone());
            }
        }
        files
    };
    let before = files(prior, prior_version);
    let after = files(current, current_version);
    let mut differences = Vec::new();
    for (path, target) in &before {
        match after.get(path) {
            None => differences.push(format!("`{path}` is only in the prior inventory")),
            Some(other) if target.is_disjoint(other) => {
                differences.push(format!("`{path}` has other content"))
            }
            Some(_) => {}
        }
    }
    for path in after.keys().filter(|p| !before.contains_key(*p)) {
        differences.push(format!("`{path}` is only in the root inventory"));
    }
    if differences.is_empty() {
        return None;
    }
    let count = differences.len();
    differences.truncate(3);
    let more = if count > 3 {
        format!(" (and {} more)", count - 3)
    } else {
        String::new()
    };
    Some(format!("{}{more}", differences.join("; ")))
}

/// [`validate_object`] as a [`crate::verify::Report`], for `verify`:
/// `--fast` skips the digests.
pub fn verify_report(
    root: &Path,
    options: crate::verify::VerifyOptions,
    progress: &dyn Progress,
) -> Result<crate::verify::Report> {
    let report = validate_object(root, !options.fast, progress)?;
    Ok(crate::verify::Report {
        location: report.root.clone(),
        bagit_version: None,
        ocfl_version: Some(report.spec.clone().unwrap_or_else(|| "unknown".into())),
        valid: report.is_valid(),
        files_checked: report.files_checked,
        bytes_checked: report.bytes_checked,
        findings: report.findings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ocfl::inventory::DigestMap;

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
            (
                format!("{} inventory.json\n", "0".repeat(128)),
                vec!["E060"],
            ),
        ];
        for (text, expected) in cases {
            std::fs::write(dir.path().join("inventory.json.sha512"), &text).unwrap();
            let mut findings = Findings::default();
            check_sidecar(dir.path(), "", Some("sha512"), inventory, &mut findings).unwrap();
            assert_eq!(codes(&findings), expected, "{text:?}");
        }
        std::fs::remove_file(dir.path().join("inventory.json.sha512")).unwrap();
        let mut findings = Findings::default();
        check_sidecar(dir.path(), "", Some("sha512"), inventory, &mut findings).unwrap();
        assert_eq!(codes(&findings), ["E058"]);
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
            check_sidecar(&root, "", Some(name), b"{}", &mut findings)
                .unwrap_or_else(|e| panic!("{name:?}: {e}"));
            assert_eq!(codes(&findings), ["E058"], "{name:?}");
            assert!(!findings.0[0].message.contains("TOPSECRET"), "{name:?}");
        }
    }

    fn inventory(algorithm: DigestAlgorithm, files: &[(&str, &str, &str)]) -> (Inventory, Version) {
        let mut manifest = DigestMap::new();
        let mut state = DigestMap::new();
        for (digest, content, logical) in files {
            manifest.insert(digest.to_string(), vec![content.to_string()]);
            state.insert(digest.to_string(), vec![logical.to_string()]);
        }
        let version = Version {
            created: "2026-11-25T00:00:00Z".into(),
            message: None,
            state,
            user: None,
        };
        let inventory = Inventory {
            content_directory: None,
            digest_algorithm: algorithm,
            fixity: BTreeMap::new(),
            head: VersionNum::FIRST,
            id: "urn:x".into(),
            manifest,
            inventory_type: SpecVersion::V1_1.inventory_type(),
            versions: BTreeMap::from([(VersionNum::FIRST, version.clone())]),
        };
        (inventory, version)
    }

    #[test]
    fn states_compare_by_digest_or_across_algorithms_by_content_path() {
        let (current, now) = inventory(
            DigestAlgorithm::Sha512,
            &[("aa", "v1/content/a", "a"), ("bb", "v1/content/b", "b")],
        );
        let (same, then) = inventory(
            DigestAlgorithm::Sha512,
            &[("AA", "v1/content/a", "a"), ("bb", "v1/content/b", "b")],
        );
        assert_eq!(state_difference(&same, &then, &current, &now), None);
        let (swapped, then) = inventory(
            DigestAlgorithm::Sha256,
            &[("11", "v1/content/a", "a"), ("22", "v1/content/b", "b")],
        );
        assert_eq!(state_difference(&swapped, &then, &current, &now), None);
        let (moved, then) = inventory(
            DigestAlgorithm::Sha256,
            &[("11", "v1/content/b", "a"), ("22", "v1/content/b", "c")],
        );
        let difference = state_difference(&moved, &then, &current, &now).unwrap();
        assert_eq!(
            difference,
            "`a` has other content; `c` is only in the prior inventory; `b` is only in the root inventory"
        );
    }

    #[test]
    fn a_missing_root_is_an_error_not_a_finding() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing");
        assert!(validate_object(&missing, true, &crate::progress::NoProgress).is_err());
    }
}
