//! Rules no single value shows: empty text, names with stray white space,
//! things listed twice, identifiers that name two different things, an
//! organization given an ORCID iD, which only people have, and a document
//! disputed by a document of the collection that is not there, or is
//! itself.
//!
//! `collection.toml` and the CSV importer both apply them, each locating
//! the errors in its own file.

use std::collections::{HashMap, HashSet};

use super::first_uses::FirstUses;
use super::{Author, AuthorType, CitedWork, Collection, CollectionInfo, DisputingWork};
use crate::bagit::text::MAX_LINE_BYTES;

/// What a rule found wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleError {
    /// The document (index in the collection), or `None` for the
    /// `[collection]` table.
    pub document: Option<usize>,
    /// The field, as a path such as `provenance.authors[2].name`.
    pub field: String,
    /// What is wrong.
    pub message: String,
    /// The id of a document of the collection that the field names and
    /// no record checked before it has: the error stands only if no
    /// record checked after it has it either (see [`Rules::stands`]).
    pub awaiting: Option<String>,
}

/// Every rule broken by `collection`: the collection's, then each
/// record's in record order.
pub fn rule_errors(collection: &Collection) -> Vec<RuleError> {
    let mut rules = Rules::default();
    let mut errors = rules.collection(&collection.info);
    for (index, document) in collection.documents.iter().enumerate() {
        errors.extend(rules.document(index, document));
    }
    errors.retain(|error| rules.stands(error));
    errors
}

/// The rules, applied a record at a time: what spans records is kept, so
/// each record can be let go once it is checked, and its errors located
/// while its text is at hand. Ids and files are kept for every record;
/// ORCID iDs, DOIs and the documents that dispute others once each.
///
/// A record may name a document of the collection that a later record
/// describes: the error that no record has its id is returned all the
/// same, located with the others, and marked as awaiting that id; once
/// every record is checked, [`Rules::stands`] says whether it still
/// holds.
#[derive(Default)]
pub struct Rules {
    /// The errors of the table being checked.
    errors: Vec<RuleError>,
    /// Ids and files, and the document that first used each.
    ids: FirstUses,
    files: FirstUses,
    /// For files that are stored files of a bag, by their index among
    /// them (see [`Rules::document_stored`]): the document that first used
    /// each, plus one; 0 for none.
    stored_files: Vec<u32>,
    /// Who each ORCID iD was first given to: (name, wikidata), document.
    orcids: HashMap<Box<str>, (Person, usize)>,
    /// What each DOI was first given to, and in which document.
    dois: HashMap<Box<str>, (CitedWork, usize)>,
    /// How each document that disputes another was first cited, and in
    /// which document.
    disputing: HashMap<Box<str>, (Option<String>, usize)>,
    /// The ids of the records that did not read, as far as they can be made
    /// out: a reference to one is not to a document that is not there.
    unread_ids: HashSet<Box<str>>,
    document: Option<usize>,
}

/// A name and a Wikidata id.
type Person = (String, Option<String>);

impl Rules {
    fn error(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.push(field.into(), message.into(), None);
    }

    fn push(&mut self, field: String, message: String, awaiting: Option<String>) {
        self.errors.push(RuleError {
            document: self.document,
            field,
            message,
            awaiting,
        });
    }

    /// Whether `error` holds once every record is checked: it awaits no
    /// id, or none of the records has the id it awaits.
    pub fn stands(&self, error: &RuleError) -> bool {
        error
            .awaiting
            .as_deref()
            .is_none_or(|id| !self.is_there(id))
    }

    /// Whether a record checked so far has the id `id`, or a record with
    /// that id did not read.
    pub fn is_there(&self, id: &str) -> bool {
        self.ids.contains(id) || self.unread_ids.contains(id)
    }

    /// Notes the id of a record that did not read, so that no reference to
    /// it is reported: the record's own error says what is wrong.
    pub fn unread(&mut self, id: &str) {
        self.unread_ids.insert(id.into());
    }

    /// Notes that the document numbered `used` (its index plus one) uses
    /// the stored file at `stored`: the index of the document that used it
    /// first, if one did before.
    fn note_stored(&mut self, stored: usize, used: u32) -> Option<usize> {
        if self.stored_files.len() <= stored {
            self.stored_files.resize(stored + 1, 0);
        }
        let first = &mut self.stored_files[stored];
        if *first == 0 {
            *first = used;
            return None;
        }
        Some(*first as usize - 1)
    }

    /// Free text: anything but nothing, or a NUL.
    fn text(&mut self, field: &str, value: &str) {
        if value.trim().is_empty() {
            self.error(field, "is empty: leave the field out instead");
        } else if value.contains('\0') {
            self.nul(field);
        }
    }

    /// A name, title or citation: not empty, no white space at either end
    /// (it would make two spellings of one name), no NUL.
    fn name(&mut self, field: &str, value: &str) {
        if value.trim().is_empty() {
            self.error(field, "is empty: leave the field out instead");
        } else if value.trim() != value {
            self.error(field, format!("{value:?} starts or ends with white space"));
        } else if value.contains('\0') {
            self.nul(field);
        }
    }

    /// Text holding a NUL can be no tag file's (`bag-info.txt` would not be
    /// text), nor XML's, nor most databases'.
    fn nul(&mut self, field: &str) {
        self.error(
            field,
            "holds a NUL character (U+0000), which bag-info.txt, XML and databases cannot hold",
        );
    }

    fn optional_text(&mut self, field: &str, value: Option<&str>) {
        if let Some(value) = value {
            self.text(field, value);
        }
    }

    fn optional_name(&mut self, field: &str, value: Option<&str>) {
        if let Some(value) = value {
            self.name(field, value);
        }
    }

    /// Checks the `[collection]` table; returns the rules it breaks.
    pub fn collection(&mut self, info: &CollectionInfo) -> Vec<RuleError> {
        self.document = None;
        self.name("title", &info.title);
        self.text("description", &info.description);
        self.optional_name("source_organization", info.source_organization.as_deref());
        self.optional_name("contact_name", info.contact_name.as_deref());
        self.optional_name("contact_email", info.contact_email.as_deref());
        for (field, label, value) in info.bag_info_fields() {
            if let Some(value) = value {
                self.bag_info_line(field, label, value);
            }
        }
        std::mem::take(&mut self.errors)
    }

    /// A field `bag-info.txt` holds as `label: value` on one line, which
    /// `verify` reads only up to [`MAX_LINE_BYTES`].
    fn bag_info_line(&mut self, field: &str, label: &str, value: &str) {
        let length = label.len() + ": ".len() + value.len();
        if length > MAX_LINE_BYTES {
            self.error(
                field,
                format!(
                    "is {} bytes long: bag-info.txt holds it as {label} on one line, and a line \
                     over 1 MiB is not read (verify would refuse the bag); put the long text \
                     in a document",
                    value.len()
                ),
            );
        }
    }

    /// Checks the record at `index`, given in record order; returns the
    /// rules it breaks, alone or with the records checked before it.
    pub fn document(&mut self, index: usize, document: &super::Document) -> Vec<RuleError> {
        self.document_stored(index, document, None)
    }

    /// As [`Rules::document`], for a record whose file is the stored file
    /// at `stored` among a bag's files, if it is one: the file's first use
    /// is kept as 4 bytes at that index, not as its text in a table (at
    /// 160,000 records, verify's peak is 7 MiB lower). Two records name one
    /// stored file only when they name it by the same text.
    pub fn document_stored(
        &mut self,
        index: usize,
        document: &super::Document,
        stored: Option<usize>,
    ) -> Vec<RuleError> {
        self.document = Some(index);
        // verify judges a record that links to one not come yet after those
        // that follow it: the record that used a value first may come later.
        let before = |first: usize| if first < index { "already" } else { "also" };
        if let Some(first) = self.ids.note(document.id.as_str(), index) {
            self.error(
                "id",
                format!(
                    "duplicate id `{}`: document[{}] {} uses it",
                    document.id,
                    first + 1,
                    before(first)
                ),
            );
        }
        let first = match stored.zip(u32::try_from(index + 1).ok()) {
            Some((stored, used)) => self.note_stored(stored, used),
            None => self.files.note(document.file.as_str(), index),
        };
        if let Some(first) = first {
            self.error(
                "file",
                format!(
                    "file {:?} is {} the file of document[{}]",
                    document.file.as_str(),
                    before(first),
                    first + 1
                ),
            );
        }
        self.name("title", &document.title);
        self.optional_text("rights", document.rights.as_deref());

        let provenance = &document.provenance;
        // The authors and works seen before, in sets: looking through the
        // list before each took time quadratic in their number.
        let mut authors_before: HashSet<&Author> = HashSet::new();
        for (i, author) in provenance.authors.iter().enumerate() {
            let field = format!("provenance.authors[{}]", i + 1);
            self.name(&format!("{field}.name"), &author.name);
            if !authors_before.insert(author) {
                self.error(
                    &field,
                    format!("{:?} is listed twice as {}", author.name, author.role),
                );
            }
            let organization = author.kind == AuthorType::Organization;
            if organization && author.orcid.is_some() {
                self.error(
                    format!("{field}.orcid"),
                    format!(
                        "{:?} is an organization, and an ORCID iD identifies a person: leave \
                         orcid out (a Wikidata id can identify an organization)",
                        author.name
                    ),
                );
            }
            if let Some(orcid) = author.orcid.as_ref().filter(|_| !organization) {
                let who = (
                    author.name.as_str(),
                    author.wikidata.as_ref().map(|w| w.as_str()),
                );
                let first = self
                    .orcids
                    .get(orcid.as_str())
                    .map(|((name, wikidata), document)| {
                        ((name.clone(), wikidata.clone()), *document)
                    });
                match first {
                    Some((first, document)) if (first.0.as_str(), first.1.as_deref()) != who => {
                        self.error(
                            &field,
                            format!(
                                "ORCID iD {orcid} is given to {:?}{} in document[{}]: one iD is \
                             one person, so give it the same name and Wikidata id everywhere",
                                first.0,
                                first.1.map(|w| format!(" ({w})")).unwrap_or_default(),
                                document + 1
                            ),
                        )
                    }
                    Some(_) => {}
                    None => {
                        let who = (who.0.to_string(), who.1.map(str::to_string));
                        self.orcids.insert(orcid.as_str().into(), (who, index));
                    }
                }
            }
        }
        self.optional_text("provenance.date_note", provenance.date_note.as_deref());
        if let Some(origin) = &provenance.origin {
            self.name("provenance.origin.name", &origin.name);
        }
        if let Some(venue) = &provenance.venue {
            self.name("provenance.venue.name", &venue.name);
        }
        self.optional_name("provenance.event", provenance.event.as_deref());
        self.optional_name("provenance.publisher", provenance.publisher.as_deref());
        self.optional_text("provenance.context", provenance.context.as_deref());

        let contested = &document.contested;
        for (i, aspect) in contested.aspects.iter().enumerate() {
            if contested.aspects[..i].contains(aspect) {
                self.error(
                    format!("contested.aspects[{}]", i + 1),
                    format!("{aspect} is listed twice"),
                );
            }
        }
        self.optional_text("contested.summary", contested.summary.as_deref());
        let mut works_before: HashSet<WorkKey> = HashSet::new();
        for (i, work) in contested.disputed_by.iter().enumerate() {
            let field = format!("contested.disputed_by[{}]", i + 1);
            let twice = !works_before.insert(work_key(work));
            match work {
                DisputingWork::Cited(work) => {
                    self.cited_work(index, &field, work);
                    if twice {
                        let message = format!("{:?} is listed twice", work.citation);
                        self.error(&field, message);
                    }
                }
                // The first listing is checked; a second says no more.
                DisputingWork::Document { id, .. } if twice => {
                    self.error(&field, format!("document `{id}` is listed twice"));
                }
                DisputingWork::Document { id, citation } => {
                    let (id, citation) = (id.as_str(), citation.as_deref());
                    self.disputing_document(index, document, &field, id, citation);
                }
            }
        }
        if let Some(assessor) = &contested.assessed_by {
            self.name("contested.assessed_by.name", &assessor.name);
        }
        std::mem::take(&mut self.errors)
    }

    /// A work cited in the record at `index`: its citation, and its DOI,
    /// which names one work wherever it is given.
    fn cited_work(&mut self, index: usize, field: &str, work: &CitedWork) {
        self.name(&format!("{field}.citation"), &work.citation);
        let Some(doi) = &work.doi else {
            return;
        };
        let first = self.dois.get(doi.as_str()).map(|(w, d)| (w.clone(), *d));
        match first {
            Some((first, document)) if &first != work => self.error(
                field,
                format!(
                    "DOI {doi} is given to another citation, type or URL in document[{}] ({:?}): \
                     one DOI is one work, so describe it the same way everywhere",
                    document + 1,
                    first.citation
                ),
            ),
            Some(_) => {}
            None => {
                self.dois.insert(doi.as_str().into(), (work.clone(), index));
            }
        }
    }

    /// A document of the collection that disputes `disputed`, the record
    /// at `index`: another record, one of the records checked so far or
    /// (the error awaits it) of those to come, cited the same way
    /// wherever it disputes, as in the crate it is one entity.
    fn disputing_document(
        &mut self,
        index: usize,
        disputed: &super::Document,
        field: &str,
        id: &str,
        citation: Option<&str>,
    ) {
        if let Some(citation) = citation {
            self.name(&format!("{field}.citation"), citation);
        }
        let at_id = format!("{field}.document");
        if id == disputed.id.as_str() {
            self.error(
                &at_id,
                format!(
                    "`{id}` is this document's own id: a document does not dispute itself; \
                     name the document of the collection that disputes it"
                ),
            );
            return;
        }
        if !self.is_there(id) {
            let message = format!("no document of the collection has the id `{id}`");
            self.push(at_id, message, Some(id.to_string()));
        }
        let first = self.disputing.get(id).map(|(c, d)| (c.clone(), *d));
        match first {
            Some((first, document)) if first.as_deref() != citation => {
                let cited = match &first {
                    Some(first) => format!("cited as {first:?}"),
                    None => "named without a citation".into(),
                };
                self.error(
                    field,
                    format!(
                        "document `{id}` is {cited} in document[{}]: in the crate it is one \
                         entity, so cite it the same way wherever it disputes (or leave the \
                         citation out everywhere)",
                        document + 1
                    ),
                );
            }
            Some(_) => {}
            None => {
                let citation = citation.map(str::to_string);
                self.disputing.insert(id.into(), (citation, index));
            }
        }
    }
}

/// What makes two disputing works one: the same work cited the same way,
/// or the same document of the collection however it is cited.
#[derive(PartialEq, Eq, Hash)]
enum WorkKey<'a> {
    Cited(&'a CitedWork),
    Document(&'a str),
}

fn work_key(work: &DisputingWork) -> WorkKey<'_> {
    match work {
        DisputingWork::Cited(work) => WorkKey::Cited(work),
        DisputingWork::Document { id, .. } => WorkKey::Document(id.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collection::{AuthorType, Role};

    fn sample() -> Collection {
        let source = r#"
[collection]
id = "c"
title = "T"
description = "D"
license = "CC0-1.0"
date = "2026-11-25"

[[document]]
id = "a"
title = "A"
file = "a.txt"
[document.provenance]
authors = [{ name = "Josiah Carberry", orcid = "0000-0002-1825-0097" }]
[document.contested]
disputed_by = [{ citation = "X, 2010", doi = "10.1000/182" }]

[[document]]
id = "b"
title = "B"
file = "b.txt"
[document.provenance]
authors = [{ name = "Josiah Carberry", role = "editor", orcid = "0000-0002-1825-0097" }]
[document.contested]
disputed_by = [{ citation = "X, 2010", doi = "10.1000/182" }]
"#;
        let (dir, file) = (std::path::Path::new("."), std::path::Path::new("c.toml"));
        crate::collection::parse(source, dir, file)
            .unwrap()
            .to_collection()
            .unwrap()
    }

    fn fields(errors: &[RuleError]) -> Vec<(Option<usize>, &str)> {
        errors
            .iter()
            .map(|e| (e.document, e.field.as_str()))
            .collect()
    }

    #[test]
    fn a_stored_file_named_twice_is_found_by_its_index() {
        let mut collection = sample();
        let (a, b) = (
            collection.documents[0].clone(),
            collection.documents[1].clone(),
        );
        let again = |id: &str, of: &crate::collection::Document| {
            let mut document = of.clone();
            document.id = id.parse().unwrap();
            document
        };
        collection.documents = vec![a.clone(), b.clone(), again("a2", &a), again("b2", &b)];
        let mut rules = Rules::default();
        // `a.txt` is stored file 7, `b.txt` is not stored.
        let stored = [Some(7), None, Some(7), None];
        let errors: Vec<RuleError> = (collection.documents.iter().zip(stored).enumerate())
            .flat_map(|(index, (document, stored))| rules.document_stored(index, document, stored))
            .filter(|error| error.field == "file")
            .collect();
        assert_eq!(fields(&errors), [(Some(2), "file"), (Some(3), "file")]);
        assert!(errors[0].message.contains("document[1]"), "{errors:?}");
        assert!(errors[1].message.contains("document[2]"), "{errors:?}");
    }

    #[test]
    fn a_consistent_collection_breaks_no_rule() {
        assert_eq!(rule_errors(&sample()), []);
    }

    #[test]
    fn empty_text_and_padded_names() {
        let mut collection = sample();
        collection.info.description = " \n".into();
        collection.documents[0].title = " A".into();
        collection.documents[1].rights = Some(String::new());
        let errors = rule_errors(&collection);
        assert_eq!(
            fields(&errors),
            [
                (None, "description"),
                (Some(0), "title"),
                (Some(1), "rights")
            ]
        );
        assert!(
            errors[1].message.contains("white space"),
            "{}",
            errors[1].message
        );
    }

    #[test]
    fn text_and_names_holding_a_nul() {
        let mut collection = sample();
        collection.info.description = "a\0b".into();
        collection.documents[0].title = "A\0".into();
        let errors = rule_errors(&collection);
        assert_eq!(fields(&errors), [(None, "description"), (Some(0), "title")]);
        assert!(errors[1].message.contains("NUL"), "{}", errors[1].message);
    }

    #[test]
    fn a_collection_field_too_long_for_a_bag_info_line() {
        let mut collection = sample();
        let room = MAX_LINE_BYTES - "External-Description: ".len();
        collection.info.description = "d".repeat(room);
        assert_eq!(rule_errors(&collection), []);
        collection.info.description.push('d');
        collection.info.contact_email = Some("e".repeat(MAX_LINE_BYTES));
        let errors = rule_errors(&collection);
        assert_eq!(
            fields(&errors),
            [(None, "description"), (None, "contact_email")]
        );
        assert!(errors[0].message.contains("1 MiB"), "{}", errors[0].message);
    }

    #[test]
    fn things_listed_twice() {
        let mut collection = sample();
        let document = &mut collection.documents[0];
        let author = document.provenance.authors[0].clone();
        document.provenance.authors.push(author);
        let work = document.contested.disputed_by[0].clone();
        document.contested.disputed_by.push(work);
        document.contested.aspects = vec![crate::collection::Aspect::Claims; 2];
        collection.documents[1].id = collection.documents[0].id.clone();
        collection.documents[1].file = collection.documents[0].file.clone();
        assert_eq!(
            fields(&rule_errors(&collection)),
            [
                (Some(0), "provenance.authors[2]"),
                (Some(0), "contested.aspects[2]"),
                (Some(0), "contested.disputed_by[2]"),
                (Some(1), "id"),
                (Some(1), "file"),
            ]
        );
    }

    #[test]
    fn one_identifier_is_one_thing() {
        let mut collection = sample();
        collection.documents[1].provenance.authors[0] = Author {
            name: "J. Carberry".into(),
            kind: AuthorType::Person,
            role: Role::Editor,
            orcid: Some("0000-0002-1825-0097".parse().unwrap()),
            wikidata: None,
        };
        let DisputingWork::Cited(work) = &mut collection.documents[1].contested.disputed_by[0]
        else {
            panic!("the sample cites a work");
        };
        work.citation = "X (2010)".into();
        let errors = rule_errors(&collection);
        assert_eq!(
            fields(&errors),
            [
                (Some(1), "provenance.authors[1]"),
                (Some(1), "contested.disputed_by[1]")
            ]
        );
        assert!(
            errors[0]
                .message
                .contains("\"Josiah Carberry\" in document[1]"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn an_organization_has_no_orcid() {
        let mut collection = sample();
        let author = &mut collection.documents[1].provenance.authors[0];
        author.kind = AuthorType::Organization;
        let errors = rule_errors(&collection);
        assert_eq!(fields(&errors), [(Some(1), "provenance.authors[1].orcid")]);
        assert!(
            errors[0]
                .message
                .starts_with("\"Josiah Carberry\" is an organization, and an ORCID iD"),
            "{}",
            errors[0].message
        );
        // Without the iD it is another author than the person of that name.
        collection.documents[1].provenance.authors[0].orcid = None;
        assert_eq!(rule_errors(&collection), []);
    }

    #[test]
    fn an_author_or_a_work_listed_again_is_an_error_each_time_after_the_first() {
        let mut collection = sample();
        let josiah = collection.documents[0].provenance.authors[0].clone();
        let mut other = josiah.clone();
        other.name = "Another".into();
        other.orcid = None;
        let mut editor = josiah.clone();
        editor.role = Role::Editor;
        let document = &mut collection.documents[0];
        document.provenance.authors = vec![
            josiah.clone(),
            other.clone(),
            josiah.clone(),
            editor,
            other,
            josiah,
        ];
        let cited = document.contested.disputed_by[0].clone();
        let DisputingWork::Cited(mut retyped) = cited.clone() else {
            panic!("a cited work")
        };
        retyped.doi = None;
        document.contested.disputed_by = vec![cited.clone(), DisputingWork::Cited(retyped), cited];
        document
            .contested
            .disputed_by
            .extend(disputed_by(&[("b", Some("B")), ("b", None)]));
        let errors = rule_errors(&collection);
        assert_eq!(
            fields(&errors),
            [
                (Some(0), "provenance.authors[3]"),
                (Some(0), "provenance.authors[5]"),
                (Some(0), "provenance.authors[6]"),
                (Some(0), "contested.disputed_by[3]"),
                (Some(0), "contested.disputed_by[5]"),
            ]
        );
    }

    /// `document` disputed by the documents of the collection `ids`, each
    /// with its citation.
    fn disputed_by(ids: &[(&str, Option<&str>)]) -> Vec<DisputingWork> {
        ids.iter()
            .map(|(id, citation)| DisputingWork::Document {
                id: id.parse().unwrap(),
                citation: citation.map(str::to_string),
            })
            .collect()
    }

    #[test]
    fn a_document_of_the_collection_that_disputes_is_another_that_is_there() {
        let mut collection = sample();
        // b, after a, and a, before b: both are there.
        collection.documents[0].contested.disputed_by = disputed_by(&[("b", None)]);
        collection.documents[1].contested.disputed_by = disputed_by(&[("a", Some("A, 2010"))]);
        assert_eq!(rule_errors(&collection), []);
        let mut third = collection.documents[1].clone();
        third.id = "c".parse().unwrap();
        third.file = "c.txt".parse().unwrap();
        third.contested.disputed_by = disputed_by(&[("b", Some("B")), ("a", Some("A, 2010"))]);
        collection.documents.push(third);
        collection.documents[0].contested.disputed_by =
            disputed_by(&[("a", None), ("gone", None), ("b", None), ("b", None)]);
        collection.documents[1].contested.disputed_by =
            disputed_by(&[("a", Some("A, 2010")), ("gone", None)]);
        let errors = rule_errors(&collection);
        assert_eq!(
            fields(&errors),
            [
                (Some(0), "contested.disputed_by[1].document"),
                (Some(0), "contested.disputed_by[2].document"),
                (Some(0), "contested.disputed_by[4]"),
                (Some(1), "contested.disputed_by[2].document"),
                (Some(2), "contested.disputed_by[1]"),
            ]
        );
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert!(
            messages[0].starts_with("`a` is this document's own id"),
            "{messages:?}"
        );
        assert_eq!(
            messages[1],
            "no document of the collection has the id `gone`"
        );
        assert_eq!(messages[2], "document `b` is listed twice");
        assert!(
            messages[4].starts_with("document `b` is named without a citation in document[1]"),
            "{messages:?}"
        );
        // An id no record checked so far has awaits the records to come.
        assert_eq!(errors[1].awaiting.as_deref(), Some("gone"));
        assert_eq!(errors[0].awaiting, None);
    }

    #[test]
    fn a_document_named_before_its_record_is_checked_awaits_it() {
        let collection = sample();
        let mut rules = Rules::default();
        rules.collection(&collection.info);
        let mut first = collection.documents[0].clone();
        first.contested.disputed_by = disputed_by(&[("b", None), ("c", None)]);
        let errors = rules.document(0, &first);
        assert_eq!(fields(&errors).len(), 2);
        assert!(errors.iter().all(|e| e.awaiting.is_some()));
        rules.document(1, &collection.documents[1]);
        rules.unread("c");
        assert!(!rules.stands(&errors[0]), "b is read after a");
        assert!(!rules.stands(&errors[1]), "c did not read, but is there");
    }
}
