//! What the repository formats share: identifiers for records that have no
//! DOI, plain dates for systems that do not read EDTF qualifiers, and the
//! contested status and provenance said in words.

use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::collection::values::{Doi, Slug, WebUrl};
use crate::collection::{
    Aspect, CollectionInfo, Contested, DisputingWork, Document, Place, Provenance, Status,
};
use crate::edtf::{Bound, CalendarDay, EdtfDate};
use crate::iri;

/// Whether XML 1.0 can hold `c` at all: not the control characters but tab,
/// line feed and carriage return, nor U+FFFE and U+FFFF.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

/// Whether the collection's contact is an organization: the one it is
/// made by. The record gives the contact no type (`contact_name`, bag-info
/// `Contact-Name`, documented as a person), and the one organization the
/// collection names is its `source_organization`: a contact named as it
/// is (trimmed) is that organization, as the RO-Crate has it, where the
/// contact is then that `Organization`'s `ContactPoint` and no `Person`.
pub fn contact_is_organization(info: &CollectionInfo) -> bool {
    match (&info.contact_name, &info.source_organization) {
        (Some(contact), Some(organization)) => contact.trim() == organization.trim(),
        _ => false,
    }
}

/// What a document is, as far as its media type's top-level type tells:
/// what each format's resource type of a document is made from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaKind {
    /// `audio/…`.
    Sound,
    /// `video/…`.
    Video,
    /// `image/…`.
    Image,
    /// Anything else: text, a PDF, a spreadsheet.
    Text,
}

impl MediaKind {
    /// The kind of the media type `media_type` (`type/subtype`).
    pub fn of(media_type: &str) -> MediaKind {
        match media_type.split('/').next().unwrap_or_default() {
            "audio" => MediaKind::Sound,
            "video" => MediaKind::Video,
            "image" => MediaKind::Image,
            _ => MediaKind::Text,
        }
    }
}

/// The URN of a collection: `urn:corpack:<collection id>`. Records carry it
/// as their identifier until a repository mints a DOI or handle.
pub fn collection_urn(info: &CollectionInfo) -> String {
    format!("urn:corpack:{}", info.id)
}

/// The URN of the document whose record id is `id`:
/// `urn:corpack:<collection id>:<document id>` (ids are slugs, so `:`
/// cannot be part of one).
pub fn document_urn(info: &CollectionInfo, id: &str) -> String {
    format!("urn:corpack:{}:{id}", info.id)
}

/// The years a plain date can be in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlainYears {
    /// 0001–9999: ISO 8601 with no sign, which every system reads (EDTF
    /// level 0, InvenioRDM and DSpace).
    CommonEra,
    /// -9999–9999, a year before 0001 with a minus sign in astronomical
    /// numbering (`0000` is 1 BC, `-0054` is 55 BC), as DataCite 4.5 asks
    /// of a date ("Years before 0000 must be prefixed with a - sign").
    Signed,
}

/// An EDTF date as plain ISO 8601 (EDTF level 0): the widest span the date
/// can mean, each end written at the coarsest precision at which the span
/// is whole: `1937~` is `1937`, `193X` is `1930/1939`, `2014-06-20?` is
/// `2014-06-20`, the season `2001-21` is `2001-03/2001-05`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlainDate {
    /// The first year, month or day.
    pub start: String,
    /// The last year, month or day (equal to `start` for a single one).
    pub end: String,
}

impl PlainDate {
    /// The plain form of `date`; `None` for an open or unknown end
    /// (`../1938`, `1938/`) or a year outside 0001–9999, which plain
    /// dates cannot say (or, for 0000, not every system reads).
    pub fn of(date: &EdtfDate) -> Option<PlainDate> {
        PlainDate::within(date, PlainYears::CommonEra)
    }

    /// The plain form of `date` with its years in `years`: `None` for an
    /// open or unknown end, or a year outside them.
    pub fn within(date: &EdtfDate, years: PlainYears) -> Option<PlainDate> {
        let interval = date.interval();
        let (Bound::Day(first), Bound::Day(last)) = (interval.start, interval.end) else {
            return None;
        };
        // Year 0000 (1 BC) is EDTF, but not every consumer's calendar has it.
        let range = match years {
            PlainYears::CommonEra => 1..=9999,
            PlainYears::Signed => -9999..=9999,
        };
        if !range.contains(&first.year()) || !range.contains(&last.year()) {
            return None;
        }
        let whole_months = first.day() == 1 && is_last_of_month(last);
        let whole_years = whole_months && first.month() == 1 && last.month() == 12;
        let write = |day: CalendarDay| {
            let sign = if day.year() < 0 { "-" } else { "" };
            let year = format!("{sign}{:04}", day.year().unsigned_abs());
            if whole_years {
                year
            } else if whole_months {
                format!("{year}-{:02}", day.month())
            } else {
                format!("{year}-{:02}-{:02}", day.month(), day.day())
            }
        };
        Some(PlainDate {
            start: write(first),
            end: write(last),
        })
    }

    /// `start`, or `start/end` when they differ.
    pub fn text(&self) -> String {
        if self.start == self.end {
            self.start.clone()
        } else {
            format!("{}/{}", self.start, self.end)
        }
    }
}

fn is_last_of_month(day: CalendarDay) -> bool {
    let year = i32::try_from(day.year()).expect("years were checked to be -9999-9999");
    NaiveDate::from_ymd_opt(year, day.month(), day.day() + 1).is_none()
}

/// How a document's date is known, for the repository's date note: the
/// EDTF as written, then the record's `date_note`; whether it has a plain
/// form is judged for plain dates in `years`.
pub fn date_information(provenance: &Provenance, years: PlainYears) -> Option<String> {
    let date = provenance.date.as_ref()?;
    let mut text = format!("EDTF {}", date.as_str());
    if PlainDate::within(date, years).is_none() {
        text.push_str(" (an open-ended or out-of-range date; no plain ISO 8601 form)");
    }
    text.push('.');
    if let Some(note) = &provenance.date_note {
        text.push(' ');
        text.push_str(note.trim());
    }
    Some(text)
}

/// The contested status as a public note, for readers: the status, what is
/// disputed, the summary, the works that dispute it and who assessed it.
/// A document of the collection that disputes it (`document` finds its
/// record by id) is named by its citation, else its title, and its URN.
/// `None` for an unassessed document with nothing to say.
pub fn contested_note(
    info: &CollectionInfo,
    contested: &Contested,
    document: impl Fn(&Slug) -> Option<Document>,
) -> Option<String> {
    let mut parts = Vec::new();
    let aspects: Vec<&str> = contested.aspects.iter().map(aspect_word).collect();
    // Aspects of another status than contested (check warns of them)
    // are stated all the same: the record holds them.
    match (contested.status, aspects.is_empty()) {
        (_, true) => parts.push(format!("Contested status: {}.", contested.status)),
        (Status::Contested, false) => parts.push(format!(
            "Contested status: contested (disputed: {}).",
            aspects.join(", ")
        )),
        (status, false) => parts.push(format!(
            "Contested status: {status} (aspects recorded: {}).",
            aspects.join(", ")
        )),
    }
    if let Some(summary) = &contested.summary {
        parts.push(sentence(summary));
    }
    if !contested.disputed_by.is_empty() {
        let works: Vec<String> = contested
            .disputed_by
            .iter()
            .map(|work| {
                let cited = CitedAs::of(info, work, &document);
                let uris = cited.uris.iter().map(|uri| format!(" <{uri}>"));
                format!("{}{}", cited.name, uris.collect::<String>())
            })
            .collect();
        parts.push(sentence(&format!("Disputed by: {}", works.join("; "))));
    }
    match (&contested.assessed_by, &contested.assessed_on) {
        (Some(who), Some(on)) => parts.push(format!("Assessed by {} on {on}.", who.name)),
        (Some(who), None) => parts.push(format!("Assessed by {}.", who.name)),
        (None, Some(on)) => parts.push(format!("Assessed on {on}.")),
        (None, None) => {}
    }
    let unassessed_and_silent =
        contested.status == Status::Unassessed && parts.len() == 1 && aspects.is_empty();
    (!unassessed_and_silent).then(|| parts.join(" "))
}

/// A disputing work as the repository formats name it: by its citation
/// (a document of the collection by its citation, else its title, else its
/// id) and its URIs (a DOI's URL and its URL; a document of the
/// collection's URN).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CitedAs {
    /// The citation, trimmed.
    pub name: String,
    /// The URIs that identify or locate it, a DOI's first.
    pub uris: Vec<String>,
}

impl CitedAs {
    /// How `work` is named; `document` finds the record of a document of
    /// the collection by its id.
    pub fn of(
        info: &CollectionInfo,
        work: &DisputingWork,
        document: impl Fn(&Slug) -> Option<Document>,
    ) -> CitedAs {
        let name = match work {
            DisputingWork::Cited(work) => work.citation.clone(),
            DisputingWork::Document {
                citation: Some(citation),
                ..
            } => citation.clone(),
            DisputingWork::Document { id, citation: None } => {
                document(id).map_or_else(|| id.to_string(), |d| d.title.to_string())
            }
        };
        CitedAs {
            name: name.trim().to_string(),
            uris: (DisputingId::all(info, work).into_iter())
                .map(DisputingId::uri)
                .collect(),
        }
    }
}

/// What identifies a disputing work: its DOI and its URL; a document of
/// the collection, its URN. A work cited in words alone has none.
pub enum DisputingId<'a> {
    /// A DOI.
    Doi(&'a Doi),
    /// A URL, as the IRI [`url_iri`] makes of it.
    Url(String),
    /// A document of the collection's URN.
    Urn(String),
}

impl<'a> DisputingId<'a> {
    /// The identifiers of `work`, a work disputing a document of `info`'s
    /// collection: its DOI, then its URL.
    pub fn all(info: &CollectionInfo, work: &'a DisputingWork) -> Vec<DisputingId<'a>> {
        match work {
            DisputingWork::Cited(work) => {
                let urls = (work.url.iter()).filter_map(|url| url_iri(url.as_str()));
                (work.doi.iter().map(DisputingId::Doi))
                    .chain(urls.map(DisputingId::Url))
                    .collect()
            }
            DisputingWork::Document { id, .. } => {
                vec![DisputingId::Urn(document_urn(info, id.as_str()))]
            }
        }
    }

    /// The identifier as a URI: a DOI as its `https://doi.org/` URL.
    pub fn uri(self) -> String {
        match self {
            DisputingId::Doi(doi) => doi.url(),
            DisputingId::Url(url) | DisputingId::Urn(url) => url,
        }
    }
}

fn aspect_word(aspect: &Aspect) -> &'static str {
    aspect.into()
}

/// An http(s) URL a record gives (a [`WebUrl`]) as the IRI the RO-Crate
/// links an origin by (`iri::http_url`): what no IRI may hold where it
/// stands percent-encoded (a `%` that starts no escape, `[` and `]` but
/// around an IP-literal host, a bidirectional formatting character, …),
/// other characters beyond ASCII kept, so that every format names the
/// resource by one identifier. `None` for text that is no such URL: white
/// space (`https://example.org/a b` is text, as the record's own check says
/// of a `url`: "write it %20"), a control character, any of `<>"{}|\^` or a
/// backtick, or a port that is not a number.
pub fn url_iri(text: &str) -> Option<String> {
    let url: WebUrl = text.parse().ok()?;
    iri::http_url(url.as_str())
}

/// A place in words: its name, then its identifiers' URLs; a place named
/// by a URL alone is that URL. URLs are written as [`url_iri`] makes them
/// (one it cannot make, as written).
pub fn place_text(place: &Place) -> String {
    let mut links = Vec::new();
    if let Some(url) = &place.url {
        links.push(url_iri(url.as_str()).unwrap_or_else(|| url.to_string()));
    }
    if let Some(wikidata) = &place.wikidata {
        links.push(wikidata.url());
    }
    if let Some(geonames) = &place.geonames {
        links.push(geonames.url());
    }
    if links.is_empty() {
        url_iri(&place.name).unwrap_or_else(|| place.name.clone())
    } else {
        format!("{} <{}>", place.name, links.join(", "))
    }
}

/// What identifies the origin of a copy on the web.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OriginId {
    /// A DOI, written as one (`doi:10.1234/x`) or as its resolver URL
    /// (`https://doi.org/10.1234/x`, `http://dx.doi.org/…`).
    Doi(Doi),
    /// Any other http(s) URL, as the IRI [`url_iri`] makes of it.
    Url(String),
}

/// What identifies the origin of a copy: its `url`, else its name when
/// that is a URL, as the crate links it (`isBasedOn` `{"@id": URL}`), or
/// a DOI's `doi:` form. A DOI in any of these forms is a DOI.
pub fn origin_id(origin: &Place) -> Option<OriginId> {
    let text = match &origin.url {
        Some(url) => url.as_str(),
        None if origin.is_identified() => return None,
        None => origin.name.as_str(),
    };
    // Only a DOI written with its prefix: a bare 10.1234/x names nothing
    // the crate links.
    match text.parse::<Doi>() {
        Ok(doi) if doi.as_str() != text => Some(OriginId::Doi(doi)),
        _ => url_iri(text).map(OriginId::Url),
    }
}

/// The provenance a repository has no field for, in words: origin, venue,
/// event and publisher.
pub fn provenance_note(provenance: &Provenance) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(origin) = &provenance.origin {
        parts.push(sentence(&format!(
            "Origin of this copy: {}",
            place_text(origin)
        )));
    }
    if let Some(venue) = &provenance.venue {
        parts.push(sentence(&format!("Venue: {}", place_text(venue))));
    }
    if let Some(event) = &provenance.event {
        parts.push(sentence(&format!("Event: {}", event.trim())));
    }
    if let Some(publisher) = &provenance.publisher {
        parts.push(sentence(&format!("Published by: {}", publisher.trim())));
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// A person's name as family and given names, when the record writes it
/// so that the split is sure: `Family, Given`, the form DataCite 4.5 asks
/// of a personal name (2.1 creatorName: "family, given"), one comma
/// between two names (`van Gogh, Vincent`, `Tolkien, J. R. R.`). `None`
/// for any other form, which is left whole: `Given Family` cannot be told
/// from `Family Given` (`Mao Zedong`) nor a family name of several words
/// from given names (`Gabriel García Márquez`), and a comma may set off a
/// suffix or degree rather than given names (`Sammy Davis, Jr.`, `Smith,
/// PhD`, `King, Martin Luther, Jr.`) or dates (`Smith, 1950-`). A wrong
/// split would misname the person; an unsplit name only lacks the parts.
pub fn family_and_given(name: &str) -> Option<(&str, &str)> {
    let (family, given) = name.split_once(',')?;
    let (family, given) = (family.trim(), given.trim());
    let is_suffix = || {
        let word: String = (given.chars())
            .filter(|c| !matches!(c, '.' | ' '))
            .flat_map(char::to_lowercase)
            .collect();
        NAME_SUFFIXES.contains(&word.as_str())
    };
    let sure = !family.is_empty()
        && !given.is_empty()
        && !given.contains(',')
        && !name.chars().any(|c| c.is_numeric())
        && !is_suffix();
    sure.then_some((family, given))
}

/// What may follow a name after a comma and is no given name: generational
/// suffixes (a lone `V` or `I` may be an initial, and is not split either),
/// degrees and honorifics, lowercase and without full stops or spaces.
const NAME_SUFFIXES: &[&str] = &[
    "jr", "jnr", "sr", "snr", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "phd",
    "dphil", "md", "dds", "esq", "ba", "bsc", "ma", "msc", "mba", "llb", "llm", "jd", "obe", "mbe",
    "cbe", "kbe", "frs", "sj", "op", "osb",
];

/// `text`, trimmed, ending with a full stop unless it ends with one (or
/// with `!` or `?`) already.
pub fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.ends_with(['.', '!', '?']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

/// `record` with every character XML 1.0 cannot hold, in every string,
/// replaced by U+FFFD: DataCite converts its records to XML, and
/// InvenioRDM strips control characters from its text as it ingests it.
pub fn xml_compatible(record: Value) -> Value {
    match record {
        Value::String(text) if !text.chars().all(is_xml_char) => Value::String(
            text.chars()
                .map(|c| if is_xml_char(c) { c } else { '\u{FFFD}' })
                .collect(),
        ),
        Value::Array(values) => Value::Array(values.into_iter().map(xml_compatible).collect()),
        Value::Object(fields) => Value::Object(xml_compatible_fields(fields)),
        other => other,
    }
}

/// The fields of an object, each made [`xml_compatible`].
pub fn xml_compatible_fields(fields: Map<String, Value>) -> Map<String, Value> {
    (fields.into_iter())
        .map(|(key, value)| (key, xml_compatible(value)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collection::{Assessor, AuthorType, CitedWork};

    fn plain(edtf: &str) -> Option<String> {
        PlainDate::of(&edtf.parse().unwrap()).map(|p| p.text())
    }

    #[test]
    fn plain_dates_keep_the_span_at_its_precision() {
        for (edtf, expected) in [
            ("2014-06-20?", Some("2014-06-20")),
            ("2014-06-20", Some("2014-06-20")),
            ("1937~", Some("1937")),
            ("193X", Some("1930/1939")),
            ("19XX", Some("1900/1999")),
            ("2004-06-XX", Some("2004-06")),
            ("2004-XX", Some("2004")),
            ("2001-21", Some("2001-03/2001-05")),
            ("2003-24", Some("2003-12/2004-02")),
            ("1936/1938", Some("1936/1938")),
            ("2004-02-01/2005-02", Some("2004-02/2005-02")),
            ("2004-02-03/2005", Some("2004-02-03/2005-12-31")),
            ("1985-04-12T23:20:30Z", Some("1985-04-12")),
            ("0001", Some("0001")),
            ("0000", None),
            ("../1938", None),
            ("1938/", None),
            ("-0044", None),
            ("Y170000002", None),
        ] {
            assert_eq!(plain(edtf).as_deref(), expected, "{edtf}");
        }
    }

    /// DataCite's dates take a year before 0001 with a sign, in the
    /// astronomical numbering EDTF uses (`0000` is 1 BC); the other
    /// formats' plain dates do not.
    #[test]
    fn signed_plain_dates_keep_years_before_the_common_era() {
        for (edtf, expected) in [
            ("-0044", Some("-0044")),
            ("-0044~", Some("-0044")),
            ("-0044-03-15", Some("-0044-03-15")),
            ("-0044-02", Some("-0044-02")),
            ("0000", Some("0000")),
            ("-0001/0001", Some("-0001/0001")),
            ("-193X", Some("-1939/-1930")),
            ("-0100-21", Some("-0100-03/-0100-05")),
            ("-9999", Some("-9999")),
            ("1937~", Some("1937")),
            ("193X", Some("1930/1939")),
            ("../-0044", None),
            ("Y-10000", None),
            ("Y-170000002", None),
        ] {
            let date = edtf.parse().unwrap();
            let signed = PlainDate::within(&date, PlainYears::Signed).map(|p| p.text());
            assert_eq!(signed.as_deref(), expected, "{edtf}");
            if edtf.starts_with('-') || edtf == "0000" {
                assert_eq!(PlainDate::of(&date), None, "{edtf}");
            }
        }
    }

    /// An origin's URL is the IRI the RO-Crate makes of it, in every
    /// format: what an IRI may not hold where it stands is escaped, other
    /// characters beyond ASCII kept; a name with a space is words.
    #[test]
    fn an_origin_s_url_is_written_as_an_iri() {
        let named = |name: &str| Place {
            name: name.into(),
            url: None,
            wikidata: None,
            geonames: None,
        };
        for (url, iri) in [
            (
                "https://example.org/Zürich/50%/a[1]",
                "https://example.org/Zürich/50%25/a%5B1%5D",
            ),
            (
                "https://example.org/a%20b/ü\u{202e}",
                "https://example.org/a%20b/ü%E2%80%AE",
            ),
            ("https://example.org/archive", "https://example.org/archive"),
        ] {
            assert_eq!(crate::iri::http_url(url).as_deref(), Some(iri), "{url}");
            assert_eq!(origin_id(&named(url)), Some(OriginId::Url(iri.into())));
            assert_eq!(place_text(&named(url)), iri);
            let identified = Place {
                url: Some(url.parse().unwrap()),
                ..named("Zürich archive")
            };
            assert_eq!(origin_id(&identified), Some(OriginId::Url(iri.into())));
            assert_eq!(place_text(&identified), format!("Zürich archive <{iri}>"));
        }
        for words in [
            "https://example.org/Zürich 1937",
            "https://example.org/archive, box 3",
            "Zürich, the city archive",
        ] {
            assert_eq!(origin_id(&named(words)), None, "{words}");
            assert_eq!(place_text(&named(words)), words);
        }
        assert!("https://example.org/a b".parse::<WebUrl>().is_err());
    }

    /// Only the `Family, Given` form is split: another form, or a comma
    /// before what is no given name, is left whole.
    #[test]
    fn a_name_is_split_only_when_written_family_comma_given() {
        for (name, split) in [
            ("Lovelace, Ada", Some(("Lovelace", "Ada"))),
            ("van Gogh, Vincent", Some(("van Gogh", "Vincent"))),
            ("Tolkien, J. R. R.", Some(("Tolkien", "J. R. R."))),
            (
                "García Márquez,  Gabriel ",
                Some(("García Márquez", "Gabriel")),
            ),
            ("Ada Lovelace", None),
            ("Mao Zedong", None),
            ("Grover Furr", None),
            ("Lovelace", None),
            ("Sammy Davis, Jr.", None),
            ("Davis, Sammy, Jr.", None),
            ("King, Martin Luther, Jr.", None),
            ("Henry Ford, II", None),
            ("Smith, Ph. D.", None),
            ("Smith, V.", None),
            ("Smith, 1950-", None),
            ("Lovelace,", None),
            (", Ada", None),
        ] {
            assert_eq!(family_and_given(name), split, "{name}");
        }
    }

    #[test]
    fn the_contested_note_says_everything_and_takes_no_side() {
        let info: CollectionInfo = toml::from_str(
            "id = \"c\"\ntitle = \"T\"\ndescription = \"D\"\nlicense = \"CC0-1.0\"\n\
             date = \"2026-11-25\"",
        )
        .unwrap();
        let rebuttal: Document =
            toml::from_str("id = \"rebuttal\"\ntitle = \"A rebuttal\"\nfile = \"r.txt\"").unwrap();
        let document = |id: &Slug| (*id == rebuttal.id).then(|| rebuttal.clone());
        let contested = Contested {
            status: Status::Contested,
            aspects: vec![Aspect::Claims, Aspect::Date],
            summary: Some("Its theses are disputed.".into()),
            disputed_by: vec![
                DisputingWork::Cited(CitedWork {
                    citation: "A. B., Title, 2010".into(),
                    kind: None,
                    doi: Some("10.1000/182".parse().unwrap()),
                    url: Some("https://example.org/title".parse().unwrap()),
                }),
                DisputingWork::Cited(CitedWork {
                    citation: "C. D., Other".into(),
                    kind: None,
                    doi: None,
                    url: None,
                }),
                DisputingWork::Document {
                    id: rebuttal.id.clone(),
                    citation: None,
                },
                DisputingWork::Document {
                    id: rebuttal.id.clone(),
                    citation: Some("E. F., A letter, 1938".into()),
                },
            ],
            assessed_by: Some(Assessor {
                name: "Ada".into(),
                kind: AuthorType::Person,
            }),
            assessed_on: Some("2026-11-20".parse().unwrap()),
        };
        assert_eq!(
            contested_note(&info, &contested, document).unwrap(),
            "Contested status: contested (disputed: claims, date). Its theses are disputed. \
             Disputed by: A. B., Title, 2010 <https://doi.org/10.1000/182> \
             <https://example.org/title>; C. D., Other; \
             A rebuttal <urn:corpack:c:rebuttal>; E. F., A letter, 1938 <urn:corpack:c:rebuttal>. \
             Assessed by Ada on 2026-11-20."
        );
        assert_eq!(contested_note(&info, &Contested::default(), document), None);
        let uncontested = Contested {
            status: Status::Uncontested,
            ..Contested::default()
        };
        assert_eq!(
            contested_note(&info, &uncontested, document).unwrap(),
            "Contested status: uncontested."
        );
        // Aspects recorded on another status are not lost.
        for (status, said) in [
            (
                Status::Unassessed,
                "Contested status: unassessed (aspects recorded: authenticity).",
            ),
            (
                Status::Uncontested,
                "Contested status: uncontested (aspects recorded: authenticity).",
            ),
        ] {
            let with_aspects = Contested {
                status,
                aspects: vec![Aspect::Authenticity],
                ..Contested::default()
            };
            assert_eq!(
                contested_note(&info, &with_aspects, document).as_deref(),
                Some(said)
            );
        }
    }
}
