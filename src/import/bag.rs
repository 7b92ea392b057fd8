//! `import bag`: a collection from a BagIt bag another tool made, a
//! directory or a zip, for the user to complete.
//!
//! Each payload file becomes a document: its file is its path under
//! `data/`, its id made from that path, its title its file name (without
//! white space at its ends; a name of white space only, its id), its
//! SHA-256 the one the bag's `manifest-sha256.txt` gives (checked against
//! the bytes as they are copied) or, without that manifest, the one
//! computed; its contested status is `unassessed`, and nothing else is
//! recorded. The files are copied into the collection directory.
//!
//! `bag-info.txt` fills the `[collection]` table (`External-Identifier`,
//! `Title`, `External-Description`, `Bagging-Date`, `Source-Organization`,
//! `Contact-Name`, `Contact-Email`: the table is in `README.md`, under
//! `import bag`), and is kept whole, every label and value as the bag had
//! them, as a document of its own, `source-bag/bag-info.txt` (id
//! `source-bag-info`): its other labels have no field in the records, and
//! are not lost. The licence is never in a bag: `--license` gives it.
//!
//! A payload file whose name the names policy refuses (`q?.txt`, `CON.txt`,
//! a name ending in a dot) stops the import before anything is written,
//! each named with its check, as pack would refuse it: renaming it would
//! lose which file of the bag it is. `--allow <CHECK>` imports it, with a
//! warning that `check` and `pack` need the same flag.
//!
//! The bag is verified first, as `verify` does, and a bag with an error is
//! refused with verify's findings ([`Error::Refused`]): a damaged file
//! would otherwise have its damage recorded as its checksum, and a file
//! the bag lacks, or holds without listing it, would go unsaid. One error
//! does not stop it: a tag file but `bagit.txt` that begins with a UTF-8
//! byte-order mark, which RFC 8493 forbids but which changes nothing of its
//! text; it is read without it and reported in [`ImportReport::warnings`].
//! The copy is checked against `manifest-sha256.txt` again, in case the
//! bag changed since.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use super::{
    CollectionFields, ImportReport, IncomingFile, Source, bundle, name_findings, slug_of,
    write_collection,
};
use crate::bagit::declaration::{self, Declaration};
use crate::bagit::text::{TextEncoding, UTF8_BOM};
use crate::bagit::{manifest, path, tagfile};
use crate::bundle::reader::{self, BagStore};
use crate::collection::validate::rule_errors;
use crate::collection::values::{IsoDate, Slug};
use crate::collection::{Collection, Document, Provenance};
use crate::digest::Algorithm;
use crate::error::{Error, RecordError, RecordErrors, Result};
use crate::finding::{Code, Finding, Severity};
use crate::names::{NameCheck, NamePolicy};
use crate::output::refuse_to_write_into;
use crate::progress::Progress;
use crate::verify::declaration::byte_order_mark;
use crate::verify::{self, VerifyOptions};

/// The file of the document that keeps the bag's `bag-info.txt`.
pub const BAG_INFO_DOCUMENT: &str = "source-bag/bag-info.txt";

/// The labels that fill a collection field.
const MAPPED_LABELS: &[&str] = &[
    "External-Identifier",
    "Title",
    "External-Description",
    "Internal-Sender-Description",
    "Bagging-Date",
    "Source-Organization",
    "Contact-Name",
    "Contact-Email",
];

/// How to import.
#[derive(Clone, Debug, Default)]
pub struct BagImportOptions {
    /// Collection fields that win over `bag-info.txt`.
    pub fields: CollectionFields,
    /// Replace an existing `collection.toml` and document files.
    pub force: bool,
    /// The names policy checks whose problems only warn.
    pub allow: Vec<NameCheck>,
}

/// Reads the bag at `bag` (a directory or a zip) and writes the collection
/// into `dir`; `progress` follows the bytes of the files copied.
pub fn import_bag(
    bag: &Path,
    dir: &Path,
    options: &BagImportOptions,
    progress: &dyn Progress,
) -> Result<ImportReport> {
    // The bag is only read: a collection written in it would change it.
    refuse_to_write_into([dir], bag)?;
    verify::refuse_ocfl(bag, "import bag reads a bag or a bundle")?;
    let store = reader::open(bag)?;
    if let Some(bag_info) = plain_bag_info(store.as_ref())
        && bundle::is_corpack_bundle(store.as_ref(), &bag_info)
    {
        return bundle::import_bundle(bag, store, dir, options, progress);
    }
    let invalid = |message: String| Error::unreadable(bag, message);
    // Damage must not become the collection's checksums, nor a file the
    // bag lacks or does not list pass unsaid. A byte-order mark is the one
    // error that leaves no doubt: the tag files are read without it, and
    // it is reported below as a warning.
    let verdict = verify::verify(store.as_ref(), VerifyOptions::default(), progress);
    let refusing = |finding: &Finding| {
        finding.severity == Severity::Error && finding.code != Code::ByteOrderMark
    };
    if verdict.findings.iter().any(refusing) {
        // A mark, one a tag file at most, is listed whole: the count of
        // what stops the import leaves it out.
        let marks = (verdict.findings.iter())
            .filter(|f| f.severity == Severity::Error && f.code == Code::ByteOrderMark)
            .count() as u64;
        return Err(Error::Refused {
            dir: bag.to_path_buf(),
            stopped: "import",
            errors: verdict.errors - marks,
            findings: verdict.findings,
        });
    }
    let mut warnings = Vec::new();
    let declaration = read_declaration(store.as_ref()).map_err(invalid)?;
    let is_utf8 = declaration.encoding == TextEncoding::UTF_8;
    let mut decode = |name: &str| -> Result<Option<String>> {
        if !store.contains(name) {
            return Ok(None);
        }
        let bytes = store
            .read_all(name)
            .map_err(|e| invalid(format!("{name}: {e}")))?;
        // Decoding drops the mark: it must not go unsaid.
        if is_utf8 && bytes.starts_with(&UTF8_BOM) {
            warnings.push(byte_order_mark(name, Severity::Warning));
        }
        (declaration.encoding.decode(&bytes))
            .map(Some)
            .map_err(|e| invalid(format!("{name}: {e}")))
    };
    let bag_info_text = decode("bag-info.txt")?;
    let bag_info = match &bag_info_text {
        Some(text) => tagfile::parse(text)
            .map_err(|e| invalid(format!("bag-info.txt: line {}: {}", e.line, e.message)))?,
        None => tagfile::TagFile::default(),
    };
    let manifest_name = manifest::manifest_name(Algorithm::Sha256);
    let declared = match decode(&manifest_name)? {
        Some(text) => sha256_by_path(&text, declaration.is_rfc()).map_err(invalid)?,
        None => HashMap::new(),
    };

    let name = bag_name(bag);
    let unread_date =
        (bag_info.get("Bagging-Date")).filter(|date| date.parse::<IsoDate>().is_err());
    let mut collection = Collection {
        info: options
            .fields
            .clone()
            .or(collection_fields(&bag_info, &name))
            .into_info()
            .map_err(|missing| {
                let (them, flags) = if missing.len() == 1 {
                    ("it", "a flag")
                } else {
                    ("them", "flags")
                };
                // The bag reads: what is missing is a record's field.
                Error::Records(RecordErrors(vec![RecordError {
                    file: bag.join("bag-info.txt"),
                    line: None,
                    column: None,
                    field: "collection".into(),
                    message: format!(
                        "bag-info.txt does not give the collection's {}: pass {them} as {flags}{}",
                        missing.join(", "),
                        match unread_date {
                            Some(date) if missing.contains(&"date (--date)") => format!(
                                " (its Bagging-Date {date:?} is not a date written YYYY-MM-DD)"
                            ),
                            _ => String::new(),
                        }
                    ),
                }]))
            })?,
        documents: Vec::new(),
    };
    let mut incoming = Vec::new();
    let mut ids = BTreeSet::new();
    // The documented id of the record keeping bag-info.txt is taken first,
    // so that a payload file of a like name gets another.
    let bag_info_id = bag_info_text
        .is_some()
        .then(|| unique_id("source-bag-info", &mut ids));
    for stored in store.files().iter() {
        let Some(file) = stored.path.strip_prefix("data/") else {
            continue;
        };
        let document = payload_document(file, &declared, stored.path, &mut ids)
            .map_err(|e| invalid(format!("{}: {e}", stored.path)))?;
        incoming.push(IncomingFile {
            document: collection.documents.len(),
            from: Source::Bag(store.as_ref(), stored.path.to_string()),
        });
        collection.documents.push(document);
    }
    if let Some(bag_info_id) = bag_info_id {
        if collection
            .documents
            .iter()
            .any(|d| d.file.as_str() == BAG_INFO_DOCUMENT)
        {
            return Err(invalid(format!(
                "the payload already has data/{BAG_INFO_DOCUMENT}, where the bag's bag-info.txt \
                 would be kept"
            )));
        }
        collection
            .documents
            .push(bag_info_document(&bag_info, bag, bag_info_id));
        // The bytes as the bag has them, in its tag file encoding.
        let bytes = store
            .read_all("bag-info.txt")
            .map_err(|e| invalid(format!("bag-info.txt: {e}")))?;
        incoming.push(IncomingFile {
            document: collection.documents.len() - 1,
            from: Source::Bytes(bytes),
        });
    }
    warnings.extend(check_importable(
        bag,
        dir,
        &collection,
        "data/",
        &options.allow,
    )?);
    let files: Vec<String> = collection
        .documents
        .iter()
        .map(|d| d.file.to_string())
        .collect();
    let comment = format!(
        "Imported by corpack {} from the bag {}: one record per payload file, to complete.",
        env!("CARGO_PKG_VERSION"),
        bag.display()
    );
    let mut report = write_collection(
        dir,
        collection,
        &incoming,
        options.force,
        &comment,
        progress,
        |mismatch| {
            invalid(format!(
                "{manifest_name} gives sha256 {} for data/{}, but the file has {}",
                mismatch.declared, files[mismatch.document], mismatch.actual
            ))
        },
    )?;
    report.warnings = warnings;
    Ok(report)
}

/// Holds `collection`, to be imported from `bag` into `dir`, to what
/// `pack` holds a collection to: the records' rules, then the names
/// policy, its files named `{shown}{file}` and `allow`ed checks only
/// warning. Gives those warnings; a names error refuses the import with
/// every finding. A document that would be written into the bag or over
/// it, from a `dir` around it or through a link in it (a payload file at
/// `data/<bag's name>/…` imported into the bag's directory, say), refuses
/// it too.
pub(super) fn check_importable(
    bag: &Path,
    dir: &Path,
    collection: &Collection,
    shown: &str,
    allow: &[NameCheck],
) -> Result<Vec<Finding>> {
    if let Some(error) = rule_errors(collection).first() {
        let message = format!("{}: {}", error.field, error.message);
        return Err(Error::unreadable(bag, message));
    }
    let policy = NamePolicy::allowing(allow);
    let names: Vec<Finding> = (name_findings(&collection.documents, shown, &policy).into_iter())
        .map(|(_, finding)| finding)
        .collect();
    if names.iter().any(|f| f.severity == Severity::Error) {
        return Err(Error::refused(bag, "import", names));
    }
    let places = (collection.documents.iter()).map(|document| dir.join(document.file.as_str()));
    refuse_to_write_into(places, bag)?;
    Ok(names)
}

/// The checksums of `text`, a `manifest-sha256.txt` of a bag that follows
/// RFC 8493 (`rfc`, which percent-encodes `%` in paths) or not, by path.
pub(super) fn sha256_by_path(text: &str, rfc: bool) -> Result<HashMap<String, String>, String> {
    let parsed = manifest::parse(text, Algorithm::Sha256, rfc);
    if let Some(error) = parsed.errors.first() {
        let name = manifest::manifest_name(Algorithm::Sha256);
        return Err(format!("{name}: line {}: {}", error.line, error.message));
    }
    // Keyed by the path of the bag each names, as verify reads it: a
    // manifest may write `./data/a` or `data//a` for `data/a`.
    Ok((parsed.entries.into_iter())
        .map(|(_, entry)| {
            let path = path::read_listed(&entry.path).path;
            (path, entry.digest.to_ascii_lowercase())
        })
        .collect())
}

/// `bag-info.txt` if it reads as UTF-8 tag lines, as corpack writes it.
fn plain_bag_info(store: &dyn BagStore) -> Option<tagfile::TagFile> {
    let bytes = store.read_all("bag-info.txt").ok()?;
    tagfile::parse(std::str::from_utf8(&bytes).ok()?).ok()
}

/// What `bagit.txt` declares (verify has read it already: it reads).
fn read_declaration(store: &dyn BagStore) -> Result<Declaration, String> {
    let bytes = store
        .read_all("bagit.txt")
        .map_err(|e| format!("bagit.txt: {e}"))?;
    declaration::parse(&bytes).map_err(|e| format!("bagit.txt: {e}"))
}

/// The bag's name: its directory's, or its zip's without the extension.
fn bag_name(bag: &Path) -> String {
    let name = bag.file_name().map(|n| n.to_string_lossy().into_owned());
    let name = name.unwrap_or_else(|| "bag".into());
    match name.strip_suffix(".zip") {
        Some(stem) => stem.to_string(),
        None => name,
    }
}

/// What `bag-info.txt` says of the collection (see the module docs).
fn collection_fields(tags: &tagfile::TagFile, name: &str) -> CollectionFields {
    let text = |label: &str| tags.get(label).map(str::to_string);
    let id = tags
        .get("External-Identifier")
        .and_then(|id| id.parse::<Slug>().ok())
        .or_else(|| slug_of(name).parse().ok());
    CollectionFields {
        id,
        title: text("Title").or_else(|| Some(name.to_string())),
        description: text("External-Description").or_else(|| text("Internal-Sender-Description")),
        license: None,
        date: tags
            .get("Bagging-Date")
            .and_then(|d| d.parse::<IsoDate>().ok()),
        source_organization: text("Source-Organization"),
        contact_name: text("Contact-Name"),
        contact_email: text("Contact-Email"),
    }
}

/// The record of a payload file, its id unique among `ids`.
pub(super) fn payload_document(
    file: &str,
    declared: &HashMap<String, String>,
    bag_path: &str,
    ids: &mut BTreeSet<Slug>,
) -> Result<Document, String> {
    // A title may not start or end with white space, which a file's name
    // may: the name without it, else (white space only) the id.
    let id = unique_id(&slug_of(file), ids);
    let title = match file.rsplit('/').next().unwrap_or(file).trim() {
        "" => id.as_str().to_string(),
        name => name.to_string(),
    };
    let sha256 = declared.get(bag_path).map(|d| d.parse()).transpose()?;
    Ok(Document {
        id,
        title,
        file: file.parse()?,
        media_type: None,
        language: None,
        sha256,
        license: None,
        rights: None,
        provenance: Provenance::default(),
        contested: Default::default(),
    })
}

/// `base`, or `base-2`, `base-3`… if taken (`document` if `base` is empty).
fn unique_id(base: &str, ids: &mut BTreeSet<Slug>) -> Slug {
    let base = if base.is_empty() { "document" } else { base };
    let base: String = base.chars().take(90).collect();
    let base = base.trim_end_matches('-');
    let mut candidate = base.to_string();
    let mut n = 1;
    loop {
        let slug: Slug = candidate.parse().expect("made of a-z, 0-9 and -");
        if ids.insert(slug.clone()) {
            return slug;
        }
        n += 1;
        candidate = format!("{base}-{n}");
    }
}

/// The record, `id`, of the document that keeps `bag-info.txt` whole.
fn bag_info_document(tags: &tagfile::TagFile, bag: &Path, id: Slug) -> Document {
    let mut others: Vec<&str> = tags
        .elements
        .iter()
        .map(|(label, _)| label.as_str())
        .filter(|label| !MAPPED_LABELS.iter().any(|m| m.eq_ignore_ascii_case(label)))
        .collect();
    others.dedup();
    let others = if others.is_empty() {
        "It has no other labels.".to_string()
    } else {
        format!(
            "Its other labels have no field in the records and are kept only here: {}.",
            others.join(", ")
        )
    };
    Document {
        id,
        title: "bag-info.txt of the bag this collection was imported from".into(),
        file: BAG_INFO_DOCUMENT.parse().expect("a valid path"),
        media_type: Some("text/plain".parse().expect("a valid media type")),
        language: None,
        sha256: None,
        license: None,
        rights: None,
        provenance: Provenance {
            origin: Some(crate::collection::Place {
                name: format!("The bag {}", bag.display()),
                url: None,
                wikidata: None,
                geonames: None,
            }),
            date: tags.get("Bagging-Date").and_then(|d| d.parse().ok()),
            context: Some(format!(
                "The bag's bag-info.txt, kept as it was. corpack filled the collection's id, \
                 title, description, date, source organization and contact from its \
                 External-Identifier, Title, External-Description (or \
                 Internal-Sender-Description), Bagging-Date, Source-Organization, Contact-Name \
                 and Contact-Email. {others}"
            )),
            ..Provenance::default()
        },
        contested: Default::default(),
    }
}
