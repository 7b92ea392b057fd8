//! `corpack export dspace-saf`, judged by a structural checker of the
//! DSpace Simple Archive Format.
//!
//! DSpace has no SAF validator short of running `dspace import` on a
//! DSpace instance, so [`check_archive`] follows what DSpace's importer
//! (`ItemImportServiceImpl`, DSpace 7/8) reads: item directories, each with
//! a `dublin_core.xml` and `metadata_<schema>.xml` files that parse as XML,
//! whose root `dublin_core` names its schema and holds only `dcvalue`
//! elements with an `element` and a `qualifier`; a `contents` file of
//! TAB-separated lines naming files of the item, with `bundle:`,
//! `primary:true` and `description:` options; every field in the DSpace
//! registry (`dc` and `dcterms` as DSpace ships them, `local` as the
//! registry file of the export defines it); no `dc.description.provenance`;
//! and a zip whose entries are the items at its root (DSpace's unzip takes a
//! single extra directory level as the archive root).

use std::collections::BTreeSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use predicates::prelude::*;
use predicates::str::contains;

use crate::datacite::{
    DISPUTED, disputed_exports, export, licence_expressions_bundle, read_json, tree,
};
use crate::generated;
use crate::util::{Dir, corpack, pack, repo_root, sample_collection, shared_dir, unzip};

/// Fields of DSpace's `config/registries/dublin-core-types.xml` (`dc`), as
/// `element.qualifier` (`none` unqualified): those an export may use.
const DC_FIELDS: &[&str] = &[
    "contributor.none",
    "contributor.advisor",
    "contributor.author",
    "contributor.editor",
    "contributor.illustrator",
    "contributor.other",
    "coverage.spatial",
    "coverage.temporal",
    "date.created",
    "date.issued",
    "description.none",
    "description.abstract",
    "format.none",
    "format.extent",
    "format.mimetype",
    "identifier.other",
    "identifier.uri",
    "language.iso",
    "publisher.none",
    "relation.none",
    "relation.ispartof",
    "relation.uri",
    "rights.none",
    "rights.uri",
    "source.none",
    "title.none",
    "title.alternative",
    "type.none",
];

/// The `dcterms` fields of DSpace's `dcterms-types.xml` an export may use.
const DCTERMS_FIELDS: &[&str] = &["provenance.none", "temporal.none", "created.none"];

/// Every problem DSpace's importer would meet in the export at `out`.
pub fn check_archive(out: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let local = match registry_fields(&out.join("local-types-corpack.xml")) {
        Ok(fields) => fields,
        Err(problem) => return vec![format!("local-types-corpack.xml: {problem}")],
    };
    let saf = out.join("saf");
    let mut items: Vec<String> = fs::read_dir(&saf)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    items.sort();
    for (index, item) in items.iter().enumerate() {
        let width = items[0].len() - "item_".len();
        if *item != format!("item_{index:0width$}") {
            problems.push(format!("saf/{item}: expected item_{index:0width$}"));
        }
        for problem in check_item(&saf.join(item), &local) {
            problems.push(format!("saf/{item}/{problem}"));
        }
    }
    problems.extend(check_zip(out));
    problems
}

/// The `local` fields a registry file defines, as `element.qualifier`.
fn registry_fields(path: &Path) -> Result<BTreeSet<String>, String> {
    let text = fs::read_to_string(path).map_err(|e| e.to_string())?;
    let document = roxmltree::Document::parse(&text).map_err(|e| e.to_string())?;
    let root = document.root_element();
    if root.tag_name().name() != "dspace-dc-types" {
        return Err("the root is not dspace-dc-types".into());
    }
    let child_text = |node: roxmltree::Node, name: &str| {
        node.children()
            .find(|c| c.has_tag_name(name))
            .and_then(|c| c.text())
            .unwrap_or_default()
            .to_string()
    };
    let schema = root
        .children()
        .find(|c| c.has_tag_name("dc-schema"))
        .ok_or("no dc-schema")?;
    if child_text(schema, "name") != "local"
        || child_text(schema, "namespace") != "http://dspace.org/namespace/local/"
    {
        return Err("the schema is not DSpace's local schema and namespace".into());
    }
    let mut fields = BTreeSet::new();
    for dc_type in root.children().filter(|c| c.has_tag_name("dc-type")) {
        if child_text(dc_type, "schema") != "local" || child_text(dc_type, "scope_note").is_empty()
        {
            return Err("a dc-type without schema local or a scope note".into());
        }
        let qualifier = child_text(dc_type, "qualifier");
        let qualifier = if qualifier.is_empty() {
            "none".into()
        } else {
            qualifier
        };
        fields.insert(format!("{}.{qualifier}", child_text(dc_type, "element")));
    }
    Ok(fields)
}

/// Values of a metadata file, `(element.qualifier, value)`, or why DSpace
/// could not load it.
fn metadata_values(path: &Path, schema: &str) -> Result<Vec<(String, String)>, String> {
    let text = fs::read_to_string(path).map_err(|e| e.to_string())?;
    let document = roxmltree::Document::parse(&text).map_err(|e| format!("not XML: {e}"))?;
    let root = document.root_element();
    if root.tag_name().name() != "dublin_core" || root.attribute("schema") != Some(schema) {
        return Err(format!("the root is not <dublin_core schema=\"{schema}\">"));
    }
    let mut values = Vec::new();
    for node in root.children() {
        if node.is_text() && node.text().unwrap().trim().is_empty() {
            continue;
        }
        if !node.has_tag_name("dcvalue") {
            return Err(format!("unexpected node {:?}", node.tag_name().name()));
        }
        let element = node.attribute("element").unwrap_or_default();
        let qualifier = node
            .attribute("qualifier")
            .ok_or("a dcvalue has no qualifier")?;
        if element.is_empty() || node.children().any(|c| c.is_element()) {
            return Err("a dcvalue without element, or with child elements".into());
        }
        let value = node.text().unwrap_or_default();
        if value.trim().is_empty() || value.trim() != value {
            return Err(format!(
                "{element}.{qualifier}: an empty or untrimmed value"
            ));
        }
        let qualifier = if qualifier.is_empty() {
            "none"
        } else {
            qualifier
        };
        values.push((format!("{element}.{qualifier}"), value.to_string()));
    }
    Ok(values)
}

fn check_item(item: &Path, local: &BTreeSet<String>) -> Vec<String> {
    let mut problems = Vec::new();
    let mut names = BTreeSet::new();
    for entry in fs::read_dir(item).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().into_string().unwrap();
        if !entry.file_type().unwrap().is_file() {
            problems.push(format!("{name}: items hold files only"));
        }
        names.insert(name);
    }
    for name in ["dublin_core.xml", "contents"] {
        if !names.contains(name) {
            problems.push(format!("{name}: missing"));
        }
    }
    let mut metadata_files = Vec::new();
    for name in &names {
        let schema = if name == "dublin_core.xml" {
            "dc"
        } else if let Some(schema) = name
            .strip_prefix("metadata_")
            .and_then(|rest| rest.strip_suffix(".xml"))
        {
            schema
        } else {
            continue;
        };
        metadata_files.push(name.clone());
        let allowed = |field: &str| match schema {
            "dc" => DC_FIELDS.contains(&field),
            "dcterms" => DCTERMS_FIELDS.contains(&field),
            "local" => local.contains(field),
            _ => false,
        };
        match metadata_values(&item.join(name), schema) {
            Ok(values) => {
                for (field, _) in values {
                    if schema == "dc" && field == "description.provenance" {
                        problems.push(format!(
                            "{name}: dc.description.provenance is DSpace's own, hidden field"
                        ));
                    } else if !allowed(&field) {
                        problems.push(format!("{name}: {schema}.{field} is not a registry field"));
                    }
                }
            }
            Err(problem) => problems.push(format!("{name}: {problem}")),
        }
    }
    let contents = fs::read_to_string(item.join("contents")).unwrap_or_default();
    let mut listed = BTreeSet::new();
    for (number, line) in contents.split('\n').enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = format!("contents line {}", number + 1);
        if line.trim().starts_with("-r ") || line.contains('\r') {
            problems.push(format!(
                "{at}: would be read as a register line, or has a CR"
            ));
        }
        let mut fields = line.split('\t');
        let file = fields.next().unwrap();
        if !names.contains(file) || metadata_files.contains(&file.to_string()) {
            problems.push(format!("{at}: {file:?} is not a content file of the item"));
        }
        listed.insert(file.to_string());
        let mut bundle = None;
        for option in fields {
            if let Some(name) = option.strip_prefix("bundle:") {
                bundle = Some(name);
            } else if option != "primary:true"
                && !option.starts_with("description:")
                && !option.starts_with("permissions:")
            {
                problems.push(format!("{at}: unknown option {option:?}"));
            }
        }
        if !matches!(bundle, Some("ORIGINAL" | "METADATA")) {
            problems.push(format!("{at}: bundle {bundle:?}"));
        }
    }
    for name in &names {
        let own = metadata_files.contains(name) || name == "contents";
        if !own && !listed.contains(name) {
            problems.push(format!("{name}: not listed in contents"));
        }
    }
    problems
}

/// The zip holds exactly the files of `saf/`, items at its root.
fn check_zip(out: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let mut archive = zip::ZipArchive::new(fs::File::open(out.join("saf.zip")).unwrap()).unwrap();
    let mut zipped = Vec::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).unwrap();
        let name = entry.name().unwrap().into_owned();
        if name.split('/').count() != 2 {
            problems.push(format!("saf.zip: {name}: not item/file"));
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        zipped.push((name, bytes));
    }
    if !zipped.is_sorted_by(|a, b| a.0 < b.0) {
        problems.push("saf.zip: entries not in the order of their names".into());
    }
    zipped.sort();
    if zipped != tree(&out.join("saf")) {
        problems.push("saf.zip: differs from saf/".into());
    }
    problems
}

#[track_caller]
fn assert_clean(out: &Path) {
    let problems = check_archive(out);
    assert!(
        problems.is_empty(),
        "{}:\n{}",
        out.display(),
        problems.join("\n")
    );
}

/// The values of `field` (`schema.element[.qualifier]`) in an item.
fn values(item: &Path, field: &str) -> Vec<String> {
    let (schema, rest) = field.split_once('.').unwrap();
    let rest = if rest.contains('.') {
        rest.to_string()
    } else {
        format!("{rest}.none")
    };
    let file = if schema == "dc" {
        "dublin_core.xml".to_string()
    } else {
        format!("metadata_{schema}.xml")
    };
    metadata_values(&item.join(file), schema)
        .unwrap()
        .into_iter()
        .filter(|(f, _)| *f == rest)
        .map(|(_, v)| v)
        .collect()
}

/// The item directory of a document, found by its URN.
fn item_of(out: &Path, document_id: &str) -> PathBuf {
    let urn_end = format!(":{document_id}");
    fs::read_dir(out.join("saf"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|item| {
            values(item, "dc.identifier.other")
                .iter()
                .any(|v| v.ends_with(&urn_end))
        })
        .unwrap_or_else(|| panic!("no item for {document_id}"))
}

#[test]
fn the_seeds_export_to_a_clean_archive_with_the_talk_s_provenance() {
    let dir = Dir::new();
    let bundle = dir.join("seeds.zip");
    let mut pack = corpack();
    pack.arg("pack")
        .arg(repo_root().join("seeds"))
        .arg("-o")
        .arg(&bundle);
    if let Some(shared) = shared_dir() {
        pack.arg("--source").arg(shared.join("corpus"));
    }
    pack.arg("--quiet").assert().success();
    let out = dir.join("saf-out");
    let report = export("dspace-saf", &bundle, &out);
    assert_eq!(report["exported"], true);
    assert_clean(&out);
    // The report lists every file written, sorted.
    let written: Vec<String> = tree(&out).into_iter().map(|(name, _)| name).collect();
    assert_eq!(report["files"], serde_json::json!(written));

    let talk = item_of(&out, "furr-2014-continuing-revolution");
    assert_eq!(values(&talk, "dc.date.created"), ["2014-06-20"]);
    assert_eq!(values(&talk, "dc.coverage.temporal"), ["2014-06-20?"]);
    assert_eq!(values(&talk, "dc.contributor.author"), ["Grover Furr"]);
    assert_eq!(values(&talk, "local.contributor.speaker"), ["Grover Furr"]);
    assert_eq!(values(&talk, "local.provenance.status"), ["contested"]);
    assert_eq!(values(&talk, "local.provenance.aspect"), ["claims"]);
    // The venue is where the talk was given, not its publisher; the origin
    // where the copy came from, not a series it is part of.
    assert_eq!(
        values(&talk, "dc.coverage.spatial"),
        ["Lucas Arms, Grays Inn Road, London"]
    );
    assert!(values(&talk, "dc.publisher").is_empty());
    assert!(values(&talk, "dc.source")[0].starts_with("Serialized in a periodical"));
    assert!(values(&talk, "dc.relation.ispartof").is_empty());
    // The copy's date, which DSpace 4 and later do not set themselves.
    assert_eq!(values(&talk, "dc.date.issued"), ["2026-11-25"]);
    let descriptions = values(&talk, "dc.description");
    assert!(
        descriptions
            .iter()
            .any(|d| d.starts_with("Contested status: contested (disputed: claims).")),
        "{descriptions:?}"
    );
    let custody = values(&talk, "dcterms.provenance");
    let contents = fs::read_to_string(talk.join("contents")).unwrap();
    if shared_dir().is_some() {
        assert!(custody[0].contains("is this item's ORIGINAL bitstream"));
        assert!(contents.starts_with(
            "furr-2014-continuing-revolution.txt\tbundle:ORIGINAL\tprimary:true\tdescription:data/documents/furr-2014-continuing-revolution.txt\n"
        ));
    } else {
        assert!(custody[0].contains("Catalogued, not held"), "{custody:?}");
        assert!(
            !contents.contains("ORIGINAL"),
            "a metadata-only item: {contents}"
        );
    }
    let record: serde_json::Value =
        serde_json::from_slice(&fs::read(talk.join("corpack-record.json")).unwrap()).unwrap();
    assert_eq!(record["record"]["contested"]["status"], "contested");
    let relations = values(&talk, "dc.relation");
    assert_eq!(relations.len(), 4, "{relations:?}");
    assert!(relations[0].starts_with("Matthew E. Lenoe, The Kirov Murder"));
    assert_eq!(values(&talk, "dc.relation.uri"), Vec::<String>::new());
    let letter = item_of(&out, "letter-1937");
    assert_eq!(
        values(&letter, "dc.relation"),
        ["Archivist's note, this collection (fiction)"]
    );
    assert_eq!(
        values(&letter, "dc.relation.uri"),
        ["urn:corpack:soviet-historiography:archivist-note"]
    );
}

// As the README's mapping says: Dublin Core's relation, each work by its
// citation, its DOI or URL (or a document's URN) beside it.
#[test]
fn disputing_works_are_relations() {
    let dir = Dir::new();
    dir.create("disputes/collection.toml", DISPUTED);
    dir.create("disputes/claim.txt", "A claim.\n");
    dir.create("disputes/answer.txt", "An answer.\n");
    let bundle = dir.join("disputes.zip");
    pack(&dir.join("disputes"), &bundle, &[]);
    let out = dir.join("out");
    export("dspace-saf", &bundle, &out);
    assert_clean(&out);
    let claim = item_of(&out, "claim");
    assert_eq!(
        values(&claim, "dc.relation"),
        [
            "A citation alone",
            "A review",
            "A web page",
            "An answer in the same collection"
        ]
    );
    assert_eq!(
        values(&claim, "dc.relation.uri"),
        [
            "https://doi.org/10.1000/182",
            "https://example.org/review",
            "urn:corpack:disputes:answer"
        ]
    );
    let answer = item_of(&out, "answer");
    assert_eq!(values(&answer, "dc.relation"), Vec::<String>::new());
    assert_eq!(values(&answer, "dc.relation.uri"), Vec::<String>::new());
}

/// An origin's URL is named alike in the crate and in every format: by
/// the IRI the crate links it by, with what an IRI may not hold where it
/// stands (a `%` that starts no escape, `[`, `]`) escaped and characters
/// beyond ASCII kept. A URL with a space is words everywhere, as the
/// record's own check says of a `url` (it must be written `%20`).
#[test]
fn an_origin_s_url_is_the_crate_s_iri_in_every_format() {
    let origin = r#"origin = { name = "Example archive", url = "https://example.org/archive" }"#;
    assert!(DISPUTED.contains(origin));
    let url = "https://example.org/Zürich/50%/a[1]";
    let iri = "https://example.org/Zürich/50%25/a%5B1%5D";
    let cases = [
        (format!("origin = \"{url}\""), iri.to_string()),
        (
            format!("origin = {{ name = \"Zürich archive\", url = \"{url}\" }}"),
            format!("Zürich archive <{iri}>"),
        ),
    ];
    let dir = Dir::new();
    for (n, (origin_line, source)) in cases.iter().enumerate() {
        let name = format!("origin-{n}");
        let (datacite, invenio) =
            disputed_exports(&dir, &name, &DISPUTED.replace(origin, origin_line));
        let record = read_json(&datacite.join("documents/claim.json"));
        assert_eq!(
            record["relatedIdentifiers"][1],
            serde_json::json!({
                "relatedIdentifier": iri,
                "relatedIdentifierType": "URL",
                "relationType": "IsDerivedFrom",
            }),
            "{origin_line}"
        );
        let record = read_json(&invenio.join("documents/claim.json"));
        assert_eq!(
            record["metadata"]["related_identifiers"][1]["identifier"], iri,
            "{origin_line}"
        );
        let out = dir.join(&format!("{name}-saf"));
        export("dspace-saf", &dir.join(&format!("{name}.zip")), &out);
        assert_clean(&out);
        let claim = item_of(&out, "claim");
        assert_eq!(values(&claim, "dc.source"), [source.as_str()]);
        let custody = &values(&claim, "dcterms.provenance")[0];
        assert!(
            custody.starts_with(&format!("Origin of this copy: {source}. ")),
            "{custody}"
        );
    }
    // The crate links an origin written as a URL by the same IRI.
    unzip(&dir.join("origin-0.zip"), &dir.join("bag"));
    let crate_json = read_json(&dir.join("bag/disputes/data/ro-crate-metadata.json"));
    let claim = crate_json["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["@id"] == "documents/claim.txt")
        .unwrap();
    assert_eq!(claim["isBasedOn"], serde_json::json!({"@id": iri}));

    let spaced = "https://example.org/Zürich 1937";
    let toml = DISPUTED.replace(origin, &format!("origin = \"{spaced}\""));
    let (datacite, _) = disputed_exports(&dir, "spaced", &toml);
    let record = read_json(&datacite.join("documents/claim.json"));
    let related = record["relatedIdentifiers"].to_string();
    assert!(!related.contains("IsDerivedFrom"), "{related}");
    let out = dir.join("spaced-saf");
    export("dspace-saf", &dir.join("spaced.zip"), &out);
    assert_eq!(values(&item_of(&out, "claim"), "dc.source"), [spaced]);
}

#[test]
fn a_licence_not_on_the_spdx_list_is_rights_text_not_a_uri() {
    let dir = Dir::new();
    let bundle = licence_expressions_bundle(&dir);
    let out = dir.join("out");
    export("dspace-saf", &bundle, &out);
    assert_clean(&out);
    let claim = item_of(&out, "claim");
    assert_eq!(values(&claim, "dc.rights.uri"), Vec::<String>::new());
    assert_eq!(values(&claim, "dc.rights"), ["CC-BY-4.0+"]);
    let answer = item_of(&out, "answer");
    assert_eq!(values(&answer, "dc.rights"), ["LicenseRef-archive-terms"]);
}

#[test]
fn catalogued_documents_become_metadata_only_items() {
    let dir = Dir::new();
    let bundle = dir.join("sample.zip");
    pack(&sample_collection(&dir, "sample"), &bundle, &[]);
    let out = dir.join("out");
    let report = export("dspace-saf", &bundle, &out);
    assert_eq!(
        (report["held"].as_u64(), report["not_held"].as_u64()),
        (Some(3), Some(1))
    );
    assert_clean(&out);
    let absent = item_of(&out, "absent");
    let files: BTreeSet<String> = fs::read_dir(&absent)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(!files.contains("absent.txt"), "{files:?}");
    assert_eq!(
        fs::read_to_string(absent.join("contents")).unwrap(),
        "corpack-record.json\tbundle:METADATA\tdescription:corpack record of this item: provenance and contested status (JSON)\n"
    );
    let notes = item_of(&out, "notes");
    assert!(notes.join("Überblick.md").is_file());
    assert_eq!(values(&notes, "local.provenance.status"), ["unassessed"]);
}

// The archive writer reads a large stored entry back as it writes it, so
// saf.zip must be open for reading too.
#[test]
fn a_large_incompressible_document_exports() {
    let dir = Dir::new();
    let collection = sample_collection(&dir, "sample");
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let noise: Vec<u8> = (0..3 << 20)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 56) as u8
        })
        .collect();
    fs::write(collection.join("with space.csv"), &noise).unwrap();
    let bundle = dir.join("sample.zip");
    pack(&collection, &bundle, &[]);
    let out = dir.join("out");
    export("dspace-saf", &bundle, &out);
    assert_clean(&out);
    assert_eq!(
        fs::read(item_of(&out, "table").join("with space.csv")).unwrap(),
        noise
    );
}

// A write that fails is the output's error, not the bundle's: corpack runs
// with a file size limit, which fails a write as a full disk does
// (SIGXFSZ ignored, the write fails with EFBIG).
#[cfg(unix)]
#[test]
fn a_failed_write_names_the_output_not_the_bundle() {
    use std::os::unix::process::CommandExt;

    let dir = Dir::new();
    let collection = sample_collection(&dir, "sample");
    fs::write(collection.join("with space.csv"), vec![b'x'; 2 << 20]).unwrap();
    let bundle = dir.join("sample.zip");
    pack(&collection, &bundle, &[]);
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("corpack"));
    command
        .args(["export", "dspace-saf"])
        .arg(&bundle)
        .arg("-o")
        .arg(dir.join("out"));
    // SAFETY: signal(2) and setrlimit(2) are async-signal-safe, so they
    // may run between fork and exec.
    unsafe {
        command.pre_exec(|| {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit {
                rlim_cur: 1 << 20,
                rlim_max: 1 << 20,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("error[io]"), "{stderr}");
    let written = dir.join("out/saf/item_003/with space.csv");
    assert!(
        stderr.contains(&format!("{}: ", written.display())),
        "{stderr}"
    );
    assert!(!stderr.contains(".corpack-"), "{stderr}");
    assert!(!stderr.contains("data/documents/"), "{stderr}");
    assert!(!dir.join("out").exists());
}

#[test]
fn a_collection_of_no_document_is_refused_not_an_empty_archive() {
    // Its saf.zip would be an empty zip, which `unzip -t` refuses, of no
    // item to import: the archivist is told, and nothing is written.
    let dir = Dir::new();
    dir.create(
        "empty/collection.toml",
        "[collection]\nid = \"empty\"\ntitle = \"Empty\"\ndescription = \"No documents yet\"\n\
         license = \"CC0-1.0\"\ndate = \"2026-01-01\"\n",
    );
    let bundle = dir.join("empty.zip");
    pack(&dir.join("empty"), &bundle, &[]);
    let out = dir.join("out");
    corpack()
        .args(["export", "dspace-saf"])
        .arg(&bundle)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(contains("error[record-invalid]").and(contains("the collection has no documents")));
    assert!(!out.exists());
}

// Any valid collection exports to an archive the checker finds clean:
// reserved file names, XML metacharacters, control-free text and every
// kind of date included.
#[test]
fn generated_collections_export_to_clean_archives() {
    let dir = Dir::new();
    for bundle in generated::bundles(dir.path(), 12) {
        let out = bundle.with_extension("saf");
        export("dspace-saf", &bundle, &out);
        assert_clean(&out);
    }
}

#[test]
fn the_checker_finds_what_dspace_would_trip_on() {
    let dir = Dir::new();
    let bundle = dir.join("sample.zip");
    pack(&sample_collection(&dir, "sample"), &bundle, &[]);
    let out = dir.join("out");
    export("dspace-saf", &bundle, &out);
    let item = item_of(&out, "letter");
    let dc = item.join("dublin_core.xml");
    let text = fs::read_to_string(&dc).unwrap();
    fs::write(
        &dc,
        text.replace(
            "</dublin_core>",
            "  <dcvalue element=\"description\" qualifier=\"provenance\">x</dcvalue>\n</dublin_core>",
        ),
    )
    .unwrap();
    fs::write(item.join("stray.txt"), "x").unwrap();
    fs::write(
        item.join("metadata_local.xml"),
        "<dublin_core schema=\"local\"><dcvalue>",
    )
    .unwrap();
    let problems = check_archive(&out).join("\n");
    for expected in [
        "dc.description.provenance is DSpace's own, hidden field",
        "stray.txt: not listed in contents",
        "metadata_local.xml: not XML",
        "saf.zip: differs from saf/",
    ] {
        assert!(problems.contains(expected), "{expected}:\n{problems}");
    }
}
