//! Writing `ro-crate-preview.html`: the crate for people, one page with no
//! code to run and nothing fetched from elsewhere (its style is inline), so
//! it reads the same offline in twenty years. Its head holds a copy of the
//! crate's JSON-LD in a `script` element of type `application/ld+json`, data
//! that no browser runs, as RO-Crate 1.1 requires of the page (section
//! "RO-Crate Website").
//!
//! Every record text is escaped: titles, summaries and citations are user
//! text. The wording reports the record ("recorded as contested", "disputed
//! by") and never judges the documents.
//!
//! The page is built in a `String`, which `write!` cannot fail on, so its
//! results are dropped with `let _ =`.

mod dispute;
mod documents;
mod head;
mod html;

use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

use self::documents::write_documents;
use self::head::write_head;
use super::metadata::write_metadata_json;
use crate::bundle::{PackedDocument, PackedDocuments};
use crate::collection::CollectionInfo;

/// The text of `ro-crate-preview.html`. Fails, as
/// [`super::metadata_json`] does, on records it cannot describe.
pub fn preview_html(info: &CollectionInfo, documents: &[PackedDocument]) -> io::Result<String> {
    let mut html = Vec::new();
    write_preview_html(info, &documents, &mut html)?;
    Ok(String::from_utf8(html).expect("the page is built from UTF-8 text"))
}

/// Writes the text of `ro-crate-preview.html` to `out` a document at a
/// time: the crate's JSON-LD, then a table row for each document, then a
/// section for each. `out` should be buffered.
pub fn write_preview_html(
    info: &CollectionInfo,
    documents: &dyn PackedDocuments,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut json = |out: &mut dyn Write| write_metadata_json(info, documents, None, out);
    write_head(info, &mut json, out)?;
    write_documents(documents, out)
}

/// Writes what [`write_preview_html`] writes, with the copy of the JSON-LD
/// read from `metadata_json`, the text of `ro-crate-metadata.json` (as
/// another thread writes it, say), while the tables of documents are made
/// on a second thread, into an unnamed file in `spill_dir`, to follow.
pub fn write_preview_html_copying(
    info: &CollectionInfo,
    documents: &dyn PackedDocuments,
    metadata_json: &mut dyn Read,
    spill_dir: &Path,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut tables = tempfile::tempfile_in(spill_dir)?;
    std::thread::scope(|scope| {
        let written = scope.spawn(|| {
            let mut spill = io::BufWriter::new(&tables);
            write_documents(documents, &mut spill)?;
            spill.flush()
        });
        let mut json = |out: &mut dyn Write| io::copy(metadata_json, out).map(drop);
        let head = write_head(info, &mut json, out);
        let written = written.join().expect("the preview's tables did not panic");
        head.and(written)
    })?;
    tables.seek(SeekFrom::Start(0))?;
    io::copy(&mut tables, out)?;
    Ok(())
}

/// Moves what `html` holds to `out`.
fn flush(html: &mut String, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(html.as_bytes())?;
    html.clear();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collection::{Assessor, AuthorType, CitedWork, DisputingWork};
    use crate::rocrate::testutil::sample;

    fn sample_html() -> String {
        let (info, documents) = sample();
        preview_html(&info, &documents).unwrap()
    }

    #[test]
    fn a_document_of_the_collection_that_disputes_links_to_its_section() {
        let html = sample_html();
        let section = &html[html.find("<section id=\"document-plain\">").unwrap()..];
        let note = &section[..section.find("</div>").unwrap()];
        for expected in [
            // Named by its title, without a citation; by its citation, with.
            "<li><a href=\"#document-ueberblick\">Überblick</a> <span class=\"quiet\">(a \
             document of this collection)</span></li>",
            "<li><a href=\"#document-lost-letter\">A letter &amp; its answer, 2001</a>",
        ] {
            assert!(note.contains(expected), "missing {expected} in {note}");
        }
        assert!(html.contains("<section id=\"document-ueberblick\">"));
    }

    #[test]
    fn record_text_is_escaped_everywhere() {
        let (mut info, mut documents) = sample();
        let hostile = "<script>alert('x')</script> & \"q\"";
        info.title = hostile.into();
        info.description = hostile.into();
        let record = documents[0].record.to_mut();
        record.title = hostile.into();
        record.provenance.context = Some(hostile.into());
        record.contested.summary = Some(hostile.into());
        record.contested.disputed_by = vec![DisputingWork::Cited(CitedWork {
            citation: hostile.into(),
            kind: None,
            doi: None,
            url: None,
        })];
        record.contested.assessed_by = Some(Assessor {
            name: hostile.into(),
            kind: AuthorType::Organization,
        });
        let html = preview_html(&info, &documents).unwrap();
        let (page, json) = split_script(&html);
        assert!(!page.contains("<script>"), "{page}");
        assert!(!page.contains("'x'"));
        assert!(!json.contains('<'), "{json}");
        let escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;";
        // Page title and heading, description, the collection's citation,
        // table row and section heading, context, summary, citation,
        // assessor in the note and in the status row.
        assert_eq!(html.matches(escaped).count(), 11, "{html}");
    }

    /// The page without its script element, and the element's text.
    fn split_script(html: &str) -> (String, &str) {
        let open = "<script type=\"application/ld+json\">\n";
        let start = html.find(open).expect("a script element") + open.len();
        let end = start + html[start..].find("</script>").expect("its end");
        let page = format!("{}{}", &html[..start], &html[end..]);
        (page, &html[start..end])
    }

    #[test]
    fn the_collection_has_a_citation_when_it_has_a_creator() {
        // RO-Crate 1.1 ("RO-Crate Website") asks the page for a prominent
        // "Cite as" text when the metadata is enough for one: creator,
        // year, title, publisher (DataCite's order).
        let (mut info, documents) = sample();
        let html = preview_html(&info, &documents).unwrap();
        let body = &html[html.find("<body>").unwrap()..];
        let citation = "<p><strong>Cite as:</strong> Corpus Workshop (2026). <cite>Sample \
                        &lt;corpus&gt; &amp; &quot;friends&quot;</cite> [Data set, sample]. \
                        Corpus Workshop.</p>\n";
        let description = "<p>Documents about &lt;b&gt;history&lt;/b&gt;; some contested.</p>\n";
        assert!(
            body.contains(&format!("{description}{citation}<dl>")),
            "{body}"
        );
        info.source_organization = None;
        let html = preview_html(&info, &documents).unwrap();
        assert!(!html.contains("Cite as"), "no creator, no citation");
    }

    #[test]
    fn the_head_holds_a_copy_of_the_json_ld() {
        let (mut info, documents) = sample();
        info.description = "ends </script><!-- here".into();
        let html = preview_html(&info, &documents).unwrap();
        let (page, json) = split_script(&html);
        let head_end = page.find("</head>").expect("a head");
        assert!(page.find("<script").expect("in the page") < head_end);
        assert!(!json.contains('<'), "{json}");
        let copy: serde_json::Value = serde_json::from_str(json).unwrap();
        let metadata = crate::rocrate::metadata_json(&info, &documents).unwrap();
        let metadata: serde_json::Value = serde_json::from_str(&metadata).unwrap();
        assert_eq!(copy, metadata);
        assert_eq!(copy["@graph"][1]["description"], "ends </script><!-- here");
    }

    #[test]
    fn copying_the_metadata_it_is_the_same_page() {
        let (info, documents) = sample();
        let metadata = crate::rocrate::metadata_json(&info, &documents).unwrap();
        let spill_dir = tempfile::tempdir().unwrap();
        let mut html = Vec::new();
        write_preview_html_copying(
            &info,
            &documents.as_slice(),
            &mut metadata.as_bytes(),
            spill_dir.path(),
            &mut html,
        )
        .unwrap();
        assert_eq!(String::from_utf8(html).unwrap(), sample_html());
    }

    #[test]
    fn is_self_contained_and_deterministic() {
        let html = sample_html();
        assert!(html.starts_with("<!DOCTYPE html>\n"));
        assert!(html.contains("<meta charset=\"utf-8\">"));
        assert!(html.contains("<style>"));
        assert_eq!(html.matches("<script").count(), 1);
        for external in ["<link", "src=", "@import", "url("] {
            assert!(!html.contains(external), "{external}");
        }
        let (info, mut documents) = sample();
        documents.reverse();
        assert_eq!(preview_html(&info, &documents).unwrap(), html);
    }

    #[test]
    fn shows_the_collection_and_every_document() {
        let html = sample_html();
        for expected in [
            "<dt>Licence of the records and the bundle</dt><dd><a href=\"https://spdx.org/licenses/CC-BY-4.0\">CC-BY-4.0</a></dd>",
            "<dt>Date</dt><dd>2026-11-25</dd>",
            "<a href=\"documents/notes/Überblick.md\">notes/Überblick.md</a>",
            "<td>catalogued, not held</td>",
            "972962436953c9ea6eecd3eed1bc013f6e43803f40ed42985ea46f3eb969bfa7 \
             <span class=\"quiet\">(declared)</span>",
            "Grover Furr (speaker); <a href=\"https://orcid.org/0000-0002-1825-0097\">Josiah \
             Carberry</a> (transcriber)",
            "193X <span class=\"quiet\">(1930-01-01/1939-12-31)</span>",
            "<dt>Venue</dt><dd>Lucas Arms, Grays Inn Road, London</dd>",
            "<dt>Date note</dt><dd>The year is inferred: 20 June was a Friday in 2014.</dd>",
            "<dt>Contested status</dt><dd>uncontested (assessed by Ada Archivist on 2026-11-21)</dd>",
        ] {
            assert!(html.contains(expected), "missing {expected}");
        }
    }

    #[test]
    fn only_contested_documents_carry_a_note() {
        let html = sample_html();
        assert_eq!(html.matches("<div class=\"note\">").count(), 2);
        let note = &html[html.find("<div class=\"note\">").unwrap()..];
        let note = &note[..note.find("</div>").unwrap()];
        for expected in [
            "Recorded as contested.",
            "Disputed: claims, date.",
            "<li>Matthew E. Lenoe, The Kirov Murder and Soviet History, Yale University Press, \
             2010</li>",
            "This status was assessed by Ada Archivist on 2026-11-20.",
        ] {
            assert!(note.contains(expected), "missing {expected} in {note}");
        }
    }

    #[test]
    fn shows_licences_rights_and_identifiers() {
        let html = sample_html();
        for expected in [
            "<dt>Licence</dt><dd>none recorded (the collection&#39;s licence covers the records, \
             not this document)</dd>",
            "<dt>Rights</dt><dd>Third-party text: rights remain with its author.</dd>",
            "<dt>Licence</dt><dd><a href=\"https://example.org/licence\">https://example.org/licence</a></dd>",
            "Josiah Carberry (author) [<a href=\"https://www.wikidata.org/wiki/Q1\">Wikidata</a>]",
            "<dt>Authors</dt><dd>Corpus Workshop (author, organization); United Nations (editor, \
             organization) [<a href=\"https://www.wikidata.org/wiki/Q1065\">Wikidata</a>]</dd>",
            "<dt>Venue</dt><dd>London [<a href=\"https://www.wikidata.org/wiki/Q84\">Wikidata</a>, \
             <a href=\"https://sws.geonames.org/2643743/\">GeoNames</a>]</dd>",
            "<dt>Origin</dt><dd><a href=\"https://example.org/archive\">Example archive, box 7</a> \
             [<a href=\"https://www.wikidata.org/wiki/Q42\">Wikidata</a>]</dd>",
            // An origin written as a URL or a DOI links to it, as the
            // crate's isBasedOn does; one written as text is text.
            "<dt>Origin</dt><dd><a href=\"https://example.org/archive/item?id=7\">\
             https://example.org/archive/item?id=7</a></dd>",
            "<dt>Origin</dt><dd><a href=\"https://doi.org/10.1000/lost-letter\">\
             doi:10.1000/lost-letter</a></dd>",
            "<dt>Origin</dt><dd>A periodical, not named in the text</dd>",
            "<li>Timothy Snyder, Bloodlands: Europe Between Hitler and Stalin, Basic Books, 2010 \
             <span class=\"quiet\">(book)</span> [<a href=\"https://example.org/bloodlands\">web</a>]</li>",
            "<li>A. Reviewer, A review, Journal 1 (2011) <span class=\"quiet\">(article)</span> \
             [<a href=\"https://doi.org/10.1000/182\">DOI</a>]</li>",
        ] {
            assert!(html.contains(expected), "missing {expected}");
        }
    }
}
