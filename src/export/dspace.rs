//! DSpace Simple Archive Format (SAF), for `dspace import`.
//!
//! The output directory holds:
//!
//! - `saf/item_NNN/`, one item per document, in file path order: its
//!   `dublin_core.xml` (schema `dc`), `metadata_dcterms.xml`,
//!   `metadata_local.xml`, a `contents` file, the document's file
//!   (bundle `ORIGINAL`, primary) when the bundle holds it, and
//!   `corpack-record.json`, the item's full record (bundle `METADATA`). A
//!   document catalogued but not held is a metadata-only item.
//! - `saf.zip`: the same items at the root of a zip, for `dspace import -z`.
//! - `local-types-corpack.xml`: the metadata registry file that defines the
//!   `local` fields below (`dspace registry-loader -metadata`).
//!
//! A bundle with no document is refused (`record-invalid`), and nothing
//! written: there is no item to import.
//!
//! | record | DSpace field |
//! |---|---|
//! | `title` | `dc.title` |
//! | authors, speakers / editors / translators, transcribers, interviewers | `dc.contributor.author` / `.editor` / `.other`; speakers, translators, transcribers and interviewers also `local.contributor.<role>` |
//! | `provenance.date` | `dc.date.created`: the plain date, or the start of the span (`193X`: `1930`); the EDTF as written in `dc.coverage.temporal` |
//! | the collection's `date` | `dc.date.issued`: the copy's, as DataCite's `publicationYear` |
//! | `origin` | `dc.source`: its name and URL, or the URL it is written as (URLs as IRIs, [`url_iri`](super::mapping::url_iri)) |
//! | `venue` | `dc.coverage.spatial` |
//! | `publisher` | `dc.publisher` |
//! | `context`, `event`, `date_note` | `dc.description` |
//! | `contested` | `dc.description` (a public note) and `local.provenance.status`, `local.provenance.aspect` |
//! | `contested.disputed_by` | `dc.relation`: each work's citation (a document of the collection's citation, else its title); `dc.relation.uri`: its DOI's URL and its URL, and a document of the collection's URN |
//! | custody: origin, and how the copy came into the bundle | `dcterms.provenance` |
//! | `language`, `media_type`, size | `dc.language.iso`, `dc.format.mimetype`, `dc.format.extent` |
//! | `license`, `rights` | `dc.rights.uri`, `dc.rights` |
//! | URN | `dc.identifier.other` |
//!
//! `dc.description.provenance` is never written: DSpace appends its own
//! accession notes there and hides the field from the public. Nor is
//! `dc.identifier.uri`: DSpace writes the item's own handle there, which an
//! origin's URL is not.

use std::borrow::Cow;
use std::fs;
use std::path::Path;

use serde_json::json;

use super::file_names::FileNames;
use super::mapping::{
    CitedAs, PlainDate, contested_note, document_urn, is_xml_char, place_text, sentence,
};
use super::verified::{self, RepositoryExportReport, VerifiedBundle};
use crate::bundle::writer::{ArchiveWriter, FileSource, FileSources, WriteOptions};
use crate::collection::{Document, Role};
use crate::error::{Error, IoContext, RecordError, RecordErrors, Result};
use crate::output::{AtomicDir, create_dirs_in_temporary};
use crate::progress::Progress;

/// The format's name on the command line.
pub const FORMAT: &str = "dspace-saf";
/// The archive directory, relative to the output directory.
pub const SAF_DIR: &str = "saf";
/// The zip of the archive, relative to the output directory.
pub const SAF_ZIP: &str = "saf.zip";
/// The metadata registry file, relative to the output directory.
pub const REGISTRY_FILE: &str = "local-types-corpack.xml";
/// The file of an item's full record (bundle `METADATA`).
pub const RECORD_FILE: &str = "corpack-record.json";
/// The namespace of DSpace's `local` schema (`config/registries/local-types.xml`).
pub const LOCAL_NAMESPACE: &str = "http://dspace.org/namespace/local/";

/// The `local` fields corpack writes: element, qualifier, scope note.
pub const LOCAL_FIELDS: &[(&str, &str, &str)] = &[
    (
        "provenance",
        "status",
        "Contested status of the item, as its corpack record states it: contested, uncontested or unassessed.",
    ),
    (
        "provenance",
        "aspect",
        "What about the item is disputed: claims, authenticity, attribution or date (repeatable).",
    ),
    (
        "contributor",
        "speaker",
        "A person who said the item (a talk, an interview answer).",
    ),
    (
        "contributor",
        "translator",
        "A person who translated the item.",
    ),
    (
        "contributor",
        "transcriber",
        "A person who transcribed the item from speech or manuscript.",
    ),
    (
        "contributor",
        "interviewer",
        "A person who asked the questions of an interview.",
    ),
];

/// One `dcvalue`: element, qualifier (`none` when unqualified), value.
type DcValue = (&'static str, &'static str, String);

/// Exports the bundle at `bundle` as a Simple Archive Format directory,
/// its zip and the registry file, in the directory `output`.
pub fn export(
    bundle: &Path,
    output: &Path,
    force: bool,
    progress: &dyn Progress,
) -> Result<RepositoryExportReport> {
    let bundle = match verified::open_for_export(FORMAT, bundle, output, progress)? {
        Ok(bundle) => bundle,
        Err(refused) => return Ok(refused),
    };
    if bundle.records_len() == 0 {
        return Err(no_items(&bundle));
    }
    let target = AtomicDir::create(output, force)?;
    let files = write_archive(&bundle, target.path()).map_err(|error| target.in_place(error))?;
    let removed_stale = target.removed_stale().to_vec();
    target.commit()?;
    Ok(RepositoryExportReport::written(
        FORMAT,
        &bundle,
        output,
        files,
        removed_stale,
    ))
}

/// Writes the items, their zip and the registry file into `root`; gives
/// the files written, sorted: the registry file and the zip, whose names
/// sort first, then the items' files under `SAF_DIR`.
fn write_archive(bundle: &VerifiedBundle, root: &Path) -> Result<FileNames> {
    let saf = root.join(SAF_DIR);
    create_dirs_in_temporary(&saf).at(&saf)?;
    let width = (bundle.records_len().saturating_sub(1).to_string().len()).max(3);
    let mut files = FileNames::new();
    files.push(&[REGISTRY_FILE]);
    files.push(&[SAF_ZIP]);
    let first_item_file = files.len();
    for (index, document) in bundle.documents().enumerate() {
        let document = document?;
        debug_assert!(index < bundle.records_len(), "one width for every item");
        let item = format!("item_{index:0width$}");
        let dir = saf.join(&item);
        create_dirs_in_temporary(&dir).at(&dir)?;
        let mut names = write_item(bundle, &document, &dir)?;
        // Items' names have one width, so their files come sorted.
        names.sort();
        for name in names {
            files.push(&[SAF_DIR, "/", &item, "/", &name]);
        }
    }
    write_zip(root, &files, first_item_file)?;
    let registry = root.join(REGISTRY_FILE);
    fs::write(&registry, registry_xml()).at(&registry)?;
    Ok(files)
}

/// The error of a bundle with no document: an archive of no item would
/// import nothing, and its zip would be empty, which `unzip -t` refuses.
fn no_items(bundle: &VerifiedBundle) -> Error {
    Error::Records(RecordErrors(vec![RecordError {
        file: bundle.location.clone(),
        line: None,
        column: None,
        field: "document".into(),
        message: "the collection has no documents, so a Simple Archive Format archive of it \
                  would hold no item to import; nothing was written"
            .into(),
    }]))
}

/// Writes one item directory; returns the names of its files.
fn write_item(bundle: &VerifiedBundle, document: &Document, dir: &Path) -> Result<Vec<String>> {
    let held = bundle.held_size(document);
    let mut contents = String::new();
    let mut files = Vec::new();
    if held.is_some() {
        let name = item_file_name(document);
        bundle.copy_document(document, &dir.join(&name))?;
        contents.push_str(&format!(
            "{name}\tbundle:ORIGINAL\tprimary:true\tdescription:{}\n",
            VerifiedBundle::bag_path(document)
        ));
        files.push(name);
    }
    contents.push_str(&format!(
        "{RECORD_FILE}\tbundle:METADATA\tdescription:corpack record of this item: provenance and contested status (JSON)\n"
    ));
    let record = json!({
        "collection": bundle.info.id.as_str(),
        "identifier": document_urn(&bundle.info, document.id.as_str()),
        "held": held.is_some(),
        "bag_path": VerifiedBundle::bag_path(document),
        "record": document,
    });
    let mut record_text = serde_json::to_string_pretty(&record).expect("records serialize");
    record_text.push('\n');
    let texts = [
        (
            "dublin_core.xml",
            metadata_xml("dc", &dc_values(bundle, document, held)),
        ),
        (
            "metadata_dcterms.xml",
            metadata_xml(
                "dcterms",
                &[("provenance", "none", custody(bundle, document, held))],
            ),
        ),
        (
            "metadata_local.xml",
            metadata_xml("local", &local_values(document)),
        ),
        ("contents", contents),
        (RECORD_FILE, record_text),
    ];
    bundle.checked()?;
    for (name, text) in texts {
        let path = dir.join(name);
        fs::write(&path, text).at(&path)?;
        files.push(name.to_string());
    }
    Ok(files)
}

/// The file name of a document in its item directory: the base name of
/// its file, unless DSpace would read that name as one of the archive's
/// own files or as a register line of `contents`; then `document-` goes
/// before it.
fn item_file_name(document: &Document) -> String {
    let base = document
        .file
        .as_str()
        .rsplit('/')
        .next()
        .expect("a path has a last component");
    let reserved = matches!(
        base,
        "contents" | "dublin_core.xml" | "collections" | "handle" | "relationships" | RECORD_FILE
    ) || (base.starts_with("metadata_")
        && base.len() >= 13
        && base.ends_with("xml"))
        || base.trim().starts_with("-r ")
        || base.trim() != base;
    if reserved {
        format!("document-{base}")
    } else {
        base.to_string()
    }
}

fn dc_values(bundle: &VerifiedBundle, document: &Document, held: Option<u64>) -> Vec<DcValue> {
    let provenance = &document.provenance;
    let mut values = vec![("title", "none", document.title.clone())];
    for (role, qualifier) in [
        (Role::Author, "author"),
        (Role::Speaker, "author"),
        (Role::Editor, "editor"),
        (Role::Translator, "other"),
        (Role::Transcriber, "other"),
        (Role::Interviewer, "other"),
    ] {
        for author in provenance.authors.iter().filter(|a| a.role == role) {
            values.push(("contributor", qualifier, author.name.clone()));
        }
    }
    if let Some(date) = &provenance.date {
        if let Some(plain) = PlainDate::of(date) {
            values.push(("date", "created", plain.start));
        }
        values.push(("coverage", "temporal", date.as_str().to_string()));
    }
    // The copy's issue date, as DataCite's publicationYear: the
    // collection's date. DSpace 4 and later set none themselves.
    values.push(("date", "issued", bundle.info.date.to_string()));
    if let Some(origin) = &provenance.origin {
        values.push(("source", "none", place_text(origin)));
    }
    for work in &document.contested.disputed_by {
        let cited = CitedAs::of(&bundle.info, work, |id| bundle.document(id));
        values.push(("relation", "none", cited.name));
        for uri in cited.uris {
            values.push(("relation", "uri", uri));
        }
    }
    if let Some(publisher) = &provenance.publisher {
        values.push(("publisher", "none", publisher.clone()));
    }
    if let Some(venue) = &provenance.venue {
        values.push(("coverage", "spatial", place_text(venue)));
    }
    if let Some(context) = &provenance.context {
        values.push(("description", "none", context.clone()));
    }
    if let Some(event) = &provenance.event {
        values.push(("description", "none", format!("Event: {event}")));
    }
    if let Some(date) = &provenance.date {
        let mut text = format!("Date created (EDTF): {}.", date.as_str());
        if let Some(note) = &provenance.date_note {
            text.push(' ');
            text.push_str(note);
        }
        values.push(("description", "none", text));
    } else if let Some(note) = &provenance.date_note {
        values.push(("description", "none", note.clone()));
    }
    if let Some(note) = contested_note(&bundle.info, &document.contested, |id| bundle.document(id))
    {
        values.push(("description", "none", note));
    }
    if let Some(language) = &document.language {
        values.push(("language", "iso", language.to_string()));
    }
    values.push((
        "format",
        "mimetype",
        document.media_type_or_guess().to_string(),
    ));
    if let Some(size) = held {
        values.push(("format", "extent", format!("{size} bytes")));
    }
    if let Some(rights) = &document.rights {
        values.push(("rights", "none", rights.clone()));
    }
    if let Some(license) = &document.license {
        match license.page() {
            Some(page) => values.push(("rights", "uri", page)),
            None => values.push(("rights", "none", license.as_str().to_string())),
        }
    }
    values.push((
        "identifier",
        "other",
        document_urn(&bundle.info, document.id.as_str()),
    ));
    values
}

/// `dcterms.provenance`: where the copy came from and how it came into
/// the bundle.
fn custody(bundle: &VerifiedBundle, document: &Document, held: Option<u64>) -> String {
    let info = &bundle.info;
    let mut text = String::new();
    if let Some(origin) = &document.provenance.origin {
        text.push_str(&sentence(&format!(
            "Origin of this copy: {}",
            place_text(origin)
        )));
        text.push(' ');
    }
    let sha256 = document
        .sha256
        .as_ref()
        .map(|s| s.as_str().to_string())
        .unwrap_or_default();
    match held {
        Some(size) => text.push_str(&format!(
            "Packed by corpack into the bundle {} ({}) dated {}: the file {} ({size} bytes, SHA-256 {sha256}) is this item's ORIGINAL bitstream.",
            info.id, info.title, info.date, VerifiedBundle::bag_path(document),
        )),
        None => text.push_str(&format!(
            "Catalogued, not held, in the bundle {} ({}) dated {}: the bundle records this document and the SHA-256 its source declares ({sha256}), not its file.",
            info.id, info.title, info.date,
        )),
    }
    text
}

fn local_values(document: &Document) -> Vec<DcValue> {
    let contested = &document.contested;
    let mut values = vec![("provenance", "status", contested.status.to_string())];
    for aspect in &contested.aspects {
        values.push(("provenance", "aspect", aspect.to_string()));
    }
    for (role, qualifier) in [
        (Role::Speaker, "speaker"),
        (Role::Translator, "translator"),
        (Role::Transcriber, "transcriber"),
        (Role::Interviewer, "interviewer"),
    ] {
        for author in document
            .provenance
            .authors
            .iter()
            .filter(|a| a.role == role)
        {
            values.push(("contributor", qualifier, author.name.clone()));
        }
    }
    values
}

/// A SAF metadata file (`<dublin_core schema="…">`). DSpace trims values
/// and drops empty ones, so empty values are left out here too.
fn metadata_xml(schema: &str, values: &[DcValue]) -> String {
    let mut xml =
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<dublin_core schema=\"{schema}\">\n");
    for (element, qualifier, value) in values {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        xml.push_str(&format!(
            "  <dcvalue element=\"{element}\" qualifier=\"{qualifier}\">{}</dcvalue>\n",
            escape_xml(value)
        ));
    }
    xml.push_str("</dublin_core>\n");
    xml
}

/// The metadata registry file defining corpack's `local` fields, for
/// `dspace registry-loader -metadata`. It names DSpace's own `local`
/// schema and namespace, so loading it adds the fields and changes nothing
/// else; fields that exist already are kept.
fn registry_xml() -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<dspace-dc-types>\n  <dspace-header>\n    <title>corpack: local fields for the provenance and contested status of items</title>\n  </dspace-header>\n",
    );
    xml.push_str(&format!(
        "  <dc-schema>\n    <name>local</name>\n    <namespace>{LOCAL_NAMESPACE}</namespace>\n  </dc-schema>\n"
    ));
    for (element, qualifier, note) in LOCAL_FIELDS {
        xml.push_str(&format!(
            "  <dc-type>\n    <schema>local</schema>\n    <element>{element}</element>\n    <qualifier>{qualifier}</qualifier>\n    <scope_note>{}</scope_note>\n  </dc-type>\n",
            escape_xml(note)
        ));
    }
    xml.push_str("</dspace-dc-types>\n");
    xml
}

/// Escapes text for XML 1.0 content. Characters XML 1.0 cannot hold at all
/// (control characters other than tab, line feed and carriage return, and
/// U+FFFE, U+FFFF) become U+FFFD; a carriage return is kept as `&#13;`,
/// which a parser would otherwise turn into a line feed.
fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// Zips the item files (the names of `files` from `first`, each under
/// `SAF_DIR`) into `saf.zip`, with corpack's reproducible zip writer. The
/// zip is not synced here: the output directory is, whole, before it is
/// put in place.
fn write_zip(root: &Path, files: &FileNames, first: usize) -> Result<()> {
    let path = root.join(SAF_ZIP);
    // Read too: the writer reads large stored entries back as it writes.
    let file = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)
        .at(&path)?;
    let mut writer = ArchiveWriter::new(
        file,
        &path,
        root,
        WriteOptions {
            threads: 1,
            level: 6,
            whole_level: 6,
        },
    )?;
    let sources = ItemFiles {
        names: files,
        first,
        dir: &root.join(SAF_DIR),
    };
    writer.add_files(&sources, &|_, _| Ok(()), &|_| {})?;
    writer.finish_unsynced()?;
    Ok(())
}

/// The items' files, as the zip's entries: each made when the writer
/// asks, where a list of them all beside the names took about 100 bytes a
/// file (six an item).
struct ItemFiles<'a> {
    names: &'a FileNames,
    /// Where the items' files start among `names`.
    first: usize,
    dir: &'a Path,
}

impl FileSources for ItemFiles<'_> {
    fn count(&self) -> usize {
        self.names.len() - self.first
    }

    fn source(&self, index: usize) -> FileSource<'_> {
        let name = self.names.get(self.first + index);
        let name = (name.strip_prefix(SAF_DIR))
            .and_then(|name| name.strip_prefix('/'))
            .expect("an item's file is under the archive's directory");
        FileSource {
            name: name.into(),
            dir: self.dir,
            path: Cow::Borrowed(Path::new(name)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(file: &str) -> Document {
        toml::from_str(&format!("id = \"d\"\ntitle = \"T\"\nfile = \"{file}\"")).unwrap()
    }

    #[test]
    fn reserved_names_get_a_prefix() {
        for (file, name) in [
            ("a/b.txt", "b.txt"),
            ("contents", "document-contents"),
            ("x/dublin_core.xml", "document-dublin_core.xml"),
            ("metadata_notes.xml", "document-metadata_notes.xml"),
            ("metadata_.xml", "document-metadata_.xml"),
            ("metadata_xml", "metadata_xml"),
            ("-r -s 1 -f x", "document--r -s 1 -f x"),
            (" lead.txt", "document- lead.txt"),
            ("corpack-record.json", "document-corpack-record.json"),
        ] {
            assert_eq!(item_file_name(&document(file)), name, "{file}");
        }
    }

    #[test]
    fn xml_text_is_escaped_and_always_well_formed() {
        assert_eq!(
            escape_xml("a & <b> \"c\"\r\n\t\u{1}\u{FFFF}é"),
            "a &amp; &lt;b&gt; &quot;c&quot;&#13;\n\t\u{FFFD}\u{FFFD}é"
        );
        let xml = metadata_xml(
            "dc",
            &[
                ("title", "none", " x ".into()),
                ("title", "none", "  ".into()),
            ],
        );
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<dublin_core schema=\"dc\">\n  <dcvalue element=\"title\" qualifier=\"none\">x</dcvalue>\n</dublin_core>\n"
        );
    }
}
