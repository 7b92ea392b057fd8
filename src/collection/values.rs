//! Validated string values of the record model.
//!
//! Each type here can only hold a valid value: parsing is the validation, so
//! a `Collection` that exists is a collection whose values are all well
//! formed. In TOML and JSON they are plain strings.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use chrono::NaiveDate;

use crate::iri;

/// Implements `Display`, serde and JSON Schema for a string newtype that has
/// `FromStr<Err = String>` and an `as_str` method.
macro_rules! string_value {
    ($type:ident, $description:expr, $schema_extra:tt) => {
        impl fmt::Display for $type {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&*self.as_str())
            }
        }

        impl serde::Serialize for $type {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&*self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }

        impl schemars::JsonSchema for $type {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($type).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let mut schema = schemars::json_schema!($schema_extra);
                schema.insert("type".into(), "string".into());
                schema.insert("description".into(), $description.into());
                schema
            }
        }
    };
}
pub(crate) use string_value;

/// A lowercase identifier: `[a-z0-9-]+`, not starting or ending with `-`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slug(String);

impl Slug {
    /// The slug as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Slug {
    type Err = String;

    fn from_str(text: &str) -> Result<Slug, String> {
        let valid_chars = text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if text.is_empty() || text.len() > 100 || !valid_chars {
            return Err(format!(
                "invalid slug {text:?}: use 1 to 100 characters from a-z, 0-9 and -"
            ));
        }
        if text.starts_with('-') || text.ends_with('-') {
            return Err(format!(
                "invalid slug {text:?}: must not start or end with -"
            ));
        }
        Ok(Slug(text.to_string()))
    }
}

string_value!(
    Slug,
    "A lowercase identifier made of a-z, 0-9 and -, not starting or ending with -.",
    { "pattern": "^[a-z0-9]([a-z0-9-]{0,98}[a-z0-9])?$" }
);

/// A SHA-256 checksum as 64 hexadecimal digits, kept in lowercase.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Sha256Hex(String);

impl Sha256Hex {
    /// The checksum as lowercase hex.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Sha256Hex {
    type Err = String;

    fn from_str(text: &str) -> Result<Sha256Hex, String> {
        if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!(
                "malformed sha256 {text:?}: expected 64 hexadecimal digits"
            ));
        }
        Ok(Sha256Hex(text.to_ascii_lowercase()))
    }
}

string_value!(
    Sha256Hex,
    "A SHA-256 checksum: 64 hexadecimal digits.",
    { "pattern": "^[0-9a-fA-F]{64}$" }
);

/// A relative path inside a collection, `/`-separated, that cannot escape it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocumentPath(String);

impl DocumentPath {
    /// The path as written, with `/` separators.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for DocumentPath {
    type Err = String;

    fn from_str(text: &str) -> Result<DocumentPath, String> {
        let reject = |why: &str| Err(format!("unsafe file path {text:?}: {why}"));
        if text.is_empty() {
            return reject("it is empty");
        }
        if text.starts_with('/') {
            return reject("it is absolute; give it relative to the collection");
        }
        if text.contains('\\') {
            return reject("use / to separate directories, not \\");
        }
        let bytes = text.as_bytes();
        if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
            return reject("it starts with a drive letter");
        }
        if text.chars().any(char::is_control) {
            return reject("it contains a control character");
        }
        for component in text.split('/') {
            match component {
                "" => return reject("it has an empty path component"),
                "." | ".." => return reject("it has a . or .. component"),
                _ => {}
            }
        }
        Ok(DocumentPath(text.to_string()))
    }
}

string_value!(
    DocumentPath,
    "A file path relative to the collection directory (or a --source directory), with / separators; no absolute paths, no . or .. components, no backslashes.",
    { "minLength": 1 }
);

/// A BCP 47 language tag such as `en`, `ru` or `de-CH`, kept as written:
/// well formed (RFC 5646 §2.1) and valid (§2.2.9), its language, extended
/// language, script and region subtags in the IANA Language Subtag
/// Registry that the `language-tags` crate carries, no variant or extension
/// twice, and an extended language subtag only after its registered prefix
/// (§3.1.8: `zh-yue`, not `en-yue`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LanguageTag(String);

impl LanguageTag {
    /// The tag as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for LanguageTag {
    type Err = String;

    fn from_str(text: &str) -> Result<LanguageTag, String> {
        let tag = language_tags::LanguageTag::parse(text).map_err(|e| {
            format!(
                "invalid language tag {text:?}: {e}; expected a BCP 47 tag such as en, ru or de-CH"
            )
        })?;
        use language_tags::ValidationError::{VariantNotInRegistry, WrongVariantPrefix};
        match tag.validate() {
            // The registry's variant prefixes are recommendations: a tag
            // that does not follow them is still valid (RFC 5646 §2.2.9).
            // Variants are what IANA registers most often (ltg2007, tailo
            // and kleinsch came after the registry the crate carries), and
            // one the registry lacks cannot be mistaken for a language,
            // so an unknown one is let through.
            Ok(()) | Err(WrongVariantPrefix | VariantNotInRegistry) => {
                Ok(LanguageTag(text.to_string()))
            }
            Err(e) => Err(format!(
                "invalid language tag {text:?}: {e}; expected a BCP 47 tag such as en, ru or de-CH"
            )),
        }
    }
}

string_value!(
    LanguageTag,
    "A BCP 47 language tag, e.g. en, ru, de-CH.",
    { "pattern": "^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$" }
);

/// An IANA media type such as `text/plain` or `application/pdf`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MediaType(String);

impl MediaType {
    /// The media type as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Guesses a media type from a file name's extension.
    pub fn guess(file_name: &str) -> MediaType {
        let extension = file_name
            .rsplit_once('.')
            .map(|(_, ext)| ext.to_ascii_lowercase())
            .unwrap_or_default();
        let guessed = match extension.as_str() {
            "txt" => "text/plain",
            "md" | "markdown" => "text/markdown",
            "html" | "htm" => "text/html",
            "xml" => "application/xml",
            "csv" => "text/csv",
            "tsv" => "text/tab-separated-values",
            "json" => "application/json",
            "pdf" => "application/pdf",
            "rtf" => "application/rtf",
            "odt" => "application/vnd.oasis.opendocument.text",
            "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "epub" => "application/epub+zip",
            "jpg" | "jpeg" => "image/jpeg",
            "png" => "image/png",
            "tif" | "tiff" => "image/tiff",
            "gif" => "image/gif",
            "jp2" => "image/jp2",
            "svg" => "image/svg+xml",
            "mp3" => "audio/mpeg",
            "wav" => "audio/wav",
            "flac" => "audio/flac",
            "ogg" => "audio/ogg",
            "mp4" => "video/mp4",
            "zip" => "application/zip",
            "gz" => "application/gzip",
            _ => "application/octet-stream",
        };
        MediaType(guessed.to_string())
    }
}

impl FromStr for MediaType {
    type Err = String;

    fn from_str(text: &str) -> Result<MediaType, String> {
        let is_token = |s: &str| {
            !s.is_empty()
                && s.len() <= 127
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
        };
        match text.split_once('/') {
            Some((kind, subtype)) if is_token(kind) && is_token(subtype) => {
                Ok(MediaType(text.to_ascii_lowercase()))
            }
            _ => Err(format!(
                "invalid media type {text:?}: expected type/subtype such as text/plain"
            )),
        }
    }
}

string_value!(
    MediaType,
    "An IANA media type (type/subtype), e.g. text/plain.",
    { "pattern": "^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+$" }
);

/// A calendar date written `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoDate(NaiveDate);

impl IsoDate {
    /// The date.
    pub fn date(&self) -> NaiveDate {
        self.0
    }

    fn as_str(&self) -> String {
        self.0.format("%Y-%m-%d").to_string()
    }
}

impl FromStr for IsoDate {
    type Err = String;

    fn from_str(text: &str) -> Result<IsoDate, String> {
        let shaped = text.len() == 10
            && text.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        if !shaped {
            return Err(format!(
                "invalid date {text:?}: expected a calendar date YYYY-MM-DD"
            ));
        }
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(IsoDate)
            .map_err(|_| {
                format!(
                    "invalid date {text:?}: no such day (a month is 01 to 12, a day 01 to the \
                     month's last)"
                )
            })
    }
}

string_value!(
    IsoDate,
    "A calendar date, YYYY-MM-DD.",
    { "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" }
);

/// A licence: an SPDX identifier (`CC-BY-4.0`) or an http(s) URL, as
/// [`WebUrl`] has it. An identifier on the SPDX licence list is kept as
/// the list spells it, whatever case it was written in: SPDX identifiers
/// match case-insensitively, and one spelling of each keeps the crate's
/// licence entities one per licence.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct License(String);

impl License {
    /// The licence as written, an SPDX identifier as the list spells it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The licence's `@id` in an RO-Crate: its page ([`License::page`]),
    /// or, when it has none, a local id, `#license-<text>`: an address
    /// under spdx.org that does not exist would not identify it.
    pub fn crate_id(&self) -> String {
        self.page()
            .unwrap_or_else(|| format!("#license-{}", self.0))
    }

    /// The licence's full name in the SPDX licence list, when it is an
    /// identifier on the list.
    pub fn spdx_name(&self) -> Option<&'static str> {
        self.spdx_entry().map(|entry| entry.full_name)
    }

    /// The licence as an SPDX identifier: when it is one identifier on the
    /// SPDX licence list. An expression such as
    /// `CC-BY-4.0+` (4.0 or any later version) or a `LicenseRef-` of the
    /// collection's own is not one.
    pub fn spdx_id(&self) -> Option<&str> {
        self.spdx_entry().map(|_| self.as_str())
    }

    /// A page that states the licence: the URL itself, or the SPDX list's
    /// page of an identifier on the list. None for any other text, whose
    /// page under spdx.org would not exist.
    pub fn page(&self) -> Option<String> {
        if is_url(&self.0) {
            Some(self.0.clone())
        } else {
            (self.spdx_entry().is_some()).then(|| format!("https://spdx.org/licenses/{}", self.0))
        }
    }

    // Looked up as written: `spdx::license_id` strips a trailing `+`, and
    // would take `CC-BY-4.0+` for CC-BY-4.0.
    fn spdx_entry(&self) -> Option<&'static spdx::License> {
        let list = spdx::identifiers::LICENSES;
        let index = list
            .binary_search_by(|entry| entry.name.cmp(&self.0))
            .ok()?;
        Some(&list[index])
    }
}

fn is_url(text: &str) -> bool {
    text.starts_with("https://") || text.starts_with("http://")
}

/// The SPDX licence list's spelling of the identifier `text`, in whatever
/// case it is written; `+` is part of it (`GPL-2.0+` is on the list,
/// `CC-BY-4.0+` is not).
fn spdx_spelling(text: &str) -> Option<&'static str> {
    let list = spdx::identifiers::LICENSES;
    if let Ok(index) = list.binary_search_by(|entry| entry.name.cmp(text)) {
        return Some(list[index].name);
    }
    static BY_LOWER_CASE: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    let by_lower_case = BY_LOWER_CASE.get_or_init(|| {
        (list.iter())
            .map(|entry| (entry.name.to_ascii_lowercase(), entry.name))
            .collect()
    });
    by_lower_case.get(&text.to_ascii_lowercase()).copied()
}

impl FromStr for License {
    type Err = String;

    fn from_str(text: &str) -> Result<License, String> {
        let spdx_like = !text.is_empty()
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'+');
        if spdx_like {
            Ok(License(spdx_spelling(text).unwrap_or(text).to_string()))
        } else if is_url(text) {
            // As any URL of the records: it is the crate's `@id` of the
            // licence and DataCite's `rightsUri`.
            text.parse::<WebUrl>()
                .map_err(|error| format!("invalid license: {error}"))?;
            // Kept as an IRI: the crate's `@id` of the licence, one for
            // every spelling of it (`[` and `%5B`, `%` and `%25`).
            let Some(iri) = iri::http_url(text) else {
                return Err(format!(
                    "invalid license {text:?}: its port is not a number, or its host is an \
                     IPv6 address with a zone id, which no link to a licence holds"
                ));
            };
            // The SPDX page of a listed licence is that licence: read as its
            // id, it is one entity in the crate with the id written as such.
            let id = strip_any_prefix(
                text,
                &["https://spdx.org/licenses/", "http://spdx.org/licenses/"],
            );
            let page_of = (id != text)
                .then(|| id.strip_suffix(".html").unwrap_or(id))
                .and_then(spdx_spelling);
            Ok(License(page_of.map_or(iri, str::to_string)))
        } else {
            Err(format!(
                "invalid license {text:?}: expected an SPDX identifier such as CC-BY-4.0 or an http(s) URL"
            ))
        }
    }
}

string_value!(
    License,
    "An SPDX licence identifier (e.g. CC-BY-4.0) or an http(s) URL without white space, control characters or any of <>\"{}|\\^`.",
    { "minLength": 1 }
);

/// An ORCID iD, `0000-0002-1825-0097`, with a valid check digit.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Orcid(String);

impl Orcid {
    /// The 19-character form `0000-0000-0000-000X`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The ORCID URL, `https://orcid.org/…`.
    pub fn url(&self) -> String {
        format!("https://orcid.org/{}", self.0)
    }
}

impl FromStr for Orcid {
    type Err = String;

    fn from_str(text: &str) -> Result<Orcid, String> {
        let bare = text
            .strip_prefix("https://orcid.org/")
            .or_else(|| text.strip_prefix("http://orcid.org/"))
            .unwrap_or(text);
        let digits: Vec<u8> = bare.bytes().filter(|&b| b != b'-').collect();
        let grouped = bare.len() == 19
            && bare
                .bytes()
                .enumerate()
                .all(|(i, b)| (i % 5 == 4) == (b == b'-'));
        let shaped = grouped
            && digits.len() == 16
            && digits[..15].iter().all(u8::is_ascii_digit)
            && (digits[15].is_ascii_digit() || digits[15] == b'X');
        if !shaped {
            return Err(format!(
                "invalid ORCID {text:?}: expected 0000-0000-0000-000X"
            ));
        }
        // ISO 7064 MOD 11-2, as ORCID specifies.
        let total = digits[..15]
            .iter()
            .fold(0u32, |total, d| (total + u32::from(d - b'0')) * 2);
        let check = (12 - total % 11) % 11;
        let expected = if check == 10 {
            b'X'
        } else {
            b'0' + check as u8
        };
        if digits[15] != expected {
            return Err(format!(
                "invalid ORCID {text:?}: the check digit should be {}",
                expected as char
            ));
        }
        Ok(Orcid(bare.to_string()))
    }
}

string_value!(
    Orcid,
    "An ORCID iD (0000-0000-0000-000X or its https://orcid.org/ URL) with a valid check digit.",
    { "pattern": "^(https?://orcid\\.org/)?[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]$" }
);

/// A Wikidata item id, `Q42` (`Q[1-9][0-9]*`); its
/// `https://www.wikidata.org/wiki/Q42` and `http://www.wikidata.org/entity/Q42`
/// forms are accepted and kept as the bare id.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WikidataId(String);

impl WikidataId {
    /// The bare id, `Q42`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The item's page, `https://www.wikidata.org/wiki/Q42`.
    pub fn url(&self) -> String {
        format!("https://www.wikidata.org/wiki/{}", self.0)
    }
}

impl FromStr for WikidataId {
    type Err = String;

    fn from_str(text: &str) -> Result<WikidataId, String> {
        let bare = strip_any_prefix(
            text,
            &[
                "https://www.wikidata.org/wiki/",
                "http://www.wikidata.org/wiki/",
                "https://www.wikidata.org/entity/",
                "http://www.wikidata.org/entity/",
            ],
        );
        let digits = bare.strip_prefix('Q').unwrap_or_default();
        let valid = !digits.starts_with('0')
            && !digits.is_empty()
            && digits.len() <= 12
            && digits.bytes().all(|b| b.is_ascii_digit());
        if valid {
            Ok(WikidataId(bare.to_string()))
        } else {
            Err(format!(
                "invalid Wikidata id {text:?}: expected Q followed by digits, e.g. Q42, or its https://www.wikidata.org/wiki/ URL"
            ))
        }
    }
}

string_value!(
    WikidataId,
    "A Wikidata item id (Q42) or its https://www.wikidata.org/wiki/ URL.",
    { "pattern": "^((https?://www\\.wikidata\\.org/(wiki|entity)/)?Q[1-9][0-9]*)$" }
);

/// A GeoNames feature id, `2643743` (digits); its `https://www.geonames.org/2643743`
/// (with or without a trailing `/name.html`) and `https://sws.geonames.org/2643743/`
/// forms are accepted and kept as the bare id.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GeonamesId(String);

impl GeonamesId {
    /// The bare id, `2643743`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The feature's linked-data IRI, `https://sws.geonames.org/2643743/`.
    pub fn url(&self) -> String {
        format!("https://sws.geonames.org/{}/", self.0)
    }
}

impl FromStr for GeonamesId {
    type Err = String;

    fn from_str(text: &str) -> Result<GeonamesId, String> {
        let rest = strip_any_prefix(
            text,
            &[
                "https://www.geonames.org/",
                "http://www.geonames.org/",
                "https://geonames.org/",
                "http://geonames.org/",
                "https://sws.geonames.org/",
                "http://sws.geonames.org/",
            ],
        );
        let is_url = rest.len() != text.len();
        let (digits, after) = match rest.split_once('/') {
            Some((digits, after)) if is_url => (digits, after),
            _ => (rest, ""),
        };
        let tail_ok = after.is_empty()
            || (!after.contains('/') && after.ends_with(".html"))
            || after == "about.rdf";
        let valid = !digits.is_empty()
            && !digits.starts_with('0')
            && digits.len() <= 12
            && digits.bytes().all(|b| b.is_ascii_digit())
            && tail_ok;
        if valid {
            Ok(GeonamesId(digits.to_string()))
        } else {
            Err(format!(
                "invalid GeoNames id {text:?}: expected its number, e.g. 2643743, or its https://www.geonames.org/ URL"
            ))
        }
    }
}

string_value!(
    GeonamesId,
    "A GeoNames feature id (2643743) or its https://www.geonames.org/ or https://sws.geonames.org/ URL.",
    { "pattern": "^((https?://(www\\.|sws\\.)?geonames\\.org/)?[1-9][0-9]*(/.*)?)$" }
);

/// A DOI, `10.1000/182`; its `https://doi.org/`, `http://dx.doi.org/` and
/// `doi:` forms are accepted and kept as the bare DOI.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Doi(String);

impl Doi {
    /// The bare DOI, `10.1000/182`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The DOI's resolver URL, `https://doi.org/10.1000/182`, with what a
    /// URL's path may not hold percent-encoded, as the DOI Handbook asks
    /// (2.5.2.4: `%`, `"`, `#`, space, `?`, and `<`, `>`, `{`, `}`, `^`,
    /// `[`, `]`, `` ` ``, `|`, `\`), so that it is an IRI and names this
    /// DOI: `10.1000/a#b` is `https://doi.org/10.1000/a%23b`, where
    /// `#b` would be a fragment of another.
    pub fn url(&self) -> String {
        let path = iri::encode(&self.0, |c| iri::in_segment(c) || c == '/');
        format!("https://doi.org/{path}")
    }
}

impl FromStr for Doi {
    type Err = String;

    fn from_str(text: &str) -> Result<Doi, String> {
        let url_path = strip_any_prefix(
            text,
            &[
                "https://doi.org/",
                "http://doi.org/",
                "https://dx.doi.org/",
                "http://dx.doi.org/",
            ],
        );
        // A resolver URL escapes what a URL may not hold (see
        // [`Doi::url`]): its path is the DOI once unescaped, unless it
        // does not unescape, a `%` written as it is.
        let bare = if url_path.len() == text.len() {
            Cow::Borrowed(strip_any_prefix(text, &["doi:"]))
        } else {
            iri::decode(url_path).map_or(Cow::Borrowed(url_path), Cow::Owned)
        };
        let bare = bare.as_ref();
        let valid = match bare.split_once('/') {
            Some((prefix, suffix)) => {
                let registrant = prefix.strip_prefix("10.").unwrap_or_default();
                !registrant.is_empty()
                    && registrant.bytes().all(|b| b.is_ascii_digit() || b == b'.')
                    && !suffix.is_empty()
                    && !suffix.chars().any(|c| c.is_whitespace() || c.is_control())
            }
            None => false,
        };
        if valid {
            Ok(Doi(bare.to_string()))
        } else {
            Err(format!(
                "invalid DOI {text:?}: expected 10.<registrant>/<suffix>, e.g. 10.1000/182, or its https://doi.org/ URL"
            ))
        }
    }
}

string_value!(
    Doi,
    "A DOI (10.1000/182), or its https://doi.org/ URL or doi: form.",
    { "pattern": "^((https?://(dx\\.)?doi\\.org/|doi:)?10\\.[0-9.]+/\\S+)$" }
);

/// An http(s) URL with no white space or control characters.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WebUrl(String);

impl WebUrl {
    /// The URL as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for WebUrl {
    type Err = String;

    fn from_str(text: &str) -> Result<WebUrl, String> {
        let rest = strip_any_prefix(text, &["https://", "http://"]);
        let host_ok =
            rest.len() != text.len() && !rest.is_empty() && !rest.starts_with(['/', '?', '#']);
        if !host_ok {
            return Err(format!(
                "invalid URL {text:?}: expected an http:// or https:// URL"
            ));
        }
        let not_in_url = |c: char| c.is_whitespace() || c.is_control() || "<>\"{}|\\^`".contains(c);
        match text.chars().find(|&c| not_in_url(c)) {
            None => Ok(WebUrl(text.to_string())),
            Some(c) => {
                let mut utf8 = [0; 4];
                let encoded: String = (c.encode_utf8(&mut utf8).bytes())
                    .map(|b| format!("%{b:02X}"))
                    .collect();
                Err(format!(
                    "invalid URL {text:?}: {c:?} may not be written in a URL \
                     (white space, control characters and <>\"{{}}|\\^`): write it {encoded}"
                ))
            }
        }
    }
}

string_value!(
    WebUrl,
    "An http(s) URL without white space, control characters or any of <>\"{}|\\^` (percent-encode them).",
    { "pattern": "^https?://[^\\s\\x00-\\x1f\\x7f-\\x9f<>\"{}|\\\\^`/?#][^\\s\\x00-\\x1f\\x7f-\\x9f<>\"{}|\\\\^`]*$" }
);

/// `text` without the first of `prefixes` it starts with.
fn strip_any_prefix<'a>(text: &'a str, prefixes: &[&str]) -> &'a str {
    prefixes
        .iter()
        .find_map(|prefix| text.strip_prefix(prefix))
        .unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!("soviet-historiography".parse::<Slug>().is_ok());
        assert!("a1".parse::<Slug>().is_ok());
        for bad in [
            "",
            "Upper",
            "has space",
            "-lead",
            "trail-",
            "under_score",
            "é",
        ] {
            assert!(bad.parse::<Slug>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn checksums_are_64_hex_digits_and_lowercased() {
        let upper = "972962436953C9EA6EECD3EED1BC013F6E43803F40ED42985EA46F3EB969BFA7";
        assert_eq!(
            upper.parse::<Sha256Hex>().unwrap().as_str(),
            upper.to_lowercase()
        );
        assert!("9729".parse::<Sha256Hex>().is_err());
        assert!("g".repeat(64).parse::<Sha256Hex>().is_err());
    }

    #[test]
    fn document_paths_cannot_escape() {
        for good in ["a.txt", "letters/1937/a b.txt", "Überblick.md", "..hidden"] {
            assert!(good.parse::<DocumentPath>().is_ok(), "{good:?} rejected");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a/./b",
            "a//b",
            "a/",
            "C:x",
            "c:\\x",
            "a\\b",
            "a\nb",
        ] {
            assert!(bad.parse::<DocumentPath>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn language_tags() {
        for good in [
            "en",
            "ru",
            "de-CH",
            "zh-Hant-TW",
            "x-private",
            "sr-Latn",
            "EN-us",
            "zh-yue",
            "i-klingon",
            "es-419",
            "de-CH-1901",
            "en-u-ca-gregory",
            "qaa",
            "en-QX",
            // A variant after a prefix the registry does not list is not
            // recommended, but valid (RFC 5646 §2.2.9).
            "en-rozaj",
            // Variants registered after the registry the crate carries.
            "nan-tailo",
            "sv-kleinsch",
            "de-1234x",
        ] {
            assert!(good.parse::<LanguageTag>().is_ok(), "{good:?} rejected");
        }
        for bad in [
            "",
            "e",
            "english language",
            "en_GB",
            "en-",
            "x",
            "toolongtag9",
            "en-a",
            "en-US-US",
            // Well formed, but not in the IANA registry.
            "english",
            "eng",
            "xx",
            "en-Abcd",
            "en-AB",
            // An extended language subtag only after its prefix.
            "en-yue",
            "de-1996-1996",
            "en-a-bbb-a-ccc",
        ] {
            assert!(bad.parse::<LanguageTag>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn media_types() {
        assert_eq!(
            "Text/Plain".parse::<MediaType>().unwrap().as_str(),
            "text/plain"
        );
        assert!("textplain".parse::<MediaType>().is_err());
        assert!("text/".parse::<MediaType>().is_err());
        assert_eq!(MediaType::guess("a.TXT").as_str(), "text/plain");
        assert_eq!(
            MediaType::guess("noext").as_str(),
            "application/octet-stream"
        );
    }

    #[test]
    fn dates_are_calendar_dates() {
        assert!("2026-11-25".parse::<IsoDate>().is_ok());
        for bad in [
            "2026-02-30",
            "2026-1-5",
            "20261125",
            "2026-11-25T00:00",
            "+2026-11-25",
        ] {
            assert!(bad.parse::<IsoDate>().is_err(), "{bad:?} accepted");
        }
        // A date of the right shape that no calendar has says which.
        for (text, says) in [
            ("2014-13-01", "no such day"),
            ("2026-02-29", "no such day"),
            ("2026-11-5", "YYYY-MM-DD"),
        ] {
            let error = text.parse::<IsoDate>().unwrap_err();
            assert!(error.contains(says), "{text:?}: {error}");
        }
    }

    #[test]
    fn licenses() {
        let license = |text: &str| text.parse::<License>().unwrap();
        assert_eq!(
            license("CC-BY-4.0").crate_id(),
            "https://spdx.org/licenses/CC-BY-4.0"
        );
        let url = "https://example.org/licence";
        assert_eq!(license(url).crate_id(), url);
        assert_eq!(license("CC-BY-4.0+").crate_id(), "#license-CC-BY-4.0+");
        // A URL is kept as an IRI, one for every spelling.
        for spelling in [
            "https://example.org/terms[2026]",
            "https://example.org/terms%5B2026%5D",
        ] {
            let bracketed = license(spelling);
            assert_eq!(bracketed.as_str(), "https://example.org/terms%5B2026%5D");
            assert_eq!(bracketed.crate_id(), bracketed.as_str());
        }
        assert_eq!(
            license("https://example.org/100%").as_str(),
            license("https://example.org/100%25").as_str()
        );
        for no_iri in [
            "https://example.org:port/terms",
            "http://[fe80::1%25eth0]/terms",
        ] {
            let error = no_iri.parse::<License>().unwrap_err();
            assert!(error.contains("port is not a number"), "{no_iri}: {error}");
        }
        assert!("All rights reserved".parse::<License>().is_err());
        for not_a_url in [
            "https://example.org/a<b>",
            "https://example.org/a\u{1}",
            "https://",
        ] {
            assert!(not_a_url.parse::<License>().is_err(), "{not_a_url:?}");
        }
    }

    #[test]
    fn only_an_identifier_on_the_spdx_list_has_an_spdx_page() {
        let license = |text: &str| text.parse::<License>().unwrap();
        for listed in ["CC-BY-4.0", "GPL-2.0+"] {
            assert_eq!(license(listed).spdx_id(), Some(listed));
            assert_eq!(
                license(listed).page().unwrap(),
                format!("https://spdx.org/licenses/{listed}")
            );
        }
        let url = "https://example.org/licence";
        assert_eq!(license(url).spdx_id(), None);
        assert_eq!(license(url).page().unwrap(), url);
        for unlisted in ["CC-BY-4.0+", "LicenseRef-archive-terms", "cc-by-4.0+"] {
            assert_eq!(license(unlisted).spdx_id(), None, "{unlisted}");
            assert_eq!(license(unlisted).spdx_name(), None, "{unlisted}");
            assert_eq!(license(unlisted).page(), None, "{unlisted}");
        }
    }

    #[test]
    fn spdx_names_are_of_the_id_as_written() {
        let name = |id: &str| id.parse::<License>().unwrap().spdx_name();
        assert_eq!(name("MIT"), Some("MIT License"));
        assert_eq!(
            name("GPL-2.0+"),
            Some("GNU General Public License v2.0 or later")
        );
        assert_eq!(name("MIT+"), None);
    }

    #[test]
    fn an_spdx_identifier_in_any_case_is_the_lists_spelling() {
        let license = |text: &str| text.parse::<License>().unwrap();
        for (written, listed) in [
            ("cc-by-4.0", "CC-BY-4.0"),
            ("mit", "MIT"),
            ("gpl-2.0+", "GPL-2.0+"),
            ("CC0-1.0", "CC0-1.0"),
        ] {
            assert_eq!(license(written).as_str(), listed);
            assert_eq!(license(written).spdx_id(), Some(listed));
        }
        for unlisted in [
            "cc-by-4.0+",
            "LicenseRef-Archive",
            "https://example.org/MIT",
        ] {
            assert_eq!(license(unlisted).as_str(), unlisted);
        }
        // A listed licence's SPDX page is that licence.
        for page in [
            "https://spdx.org/licenses/CC-BY-4.0",
            "http://spdx.org/licenses/cc-by-4.0.html",
        ] {
            assert_eq!(license(page).as_str(), "CC-BY-4.0");
        }
        for other in [
            "https://spdx.org/licenses/CC-BY-4.0+",
            "https://spdx.org/licenses/",
            "https://spdx.org/licenses/preview/",
        ] {
            assert_eq!(license(other).as_str(), other);
        }
    }

    #[test]
    fn orcid_check_digit() {
        assert!("0000-0002-1825-0097".parse::<Orcid>().is_ok());
        assert!("0000-0002-1694-233X".parse::<Orcid>().is_ok());
        assert_eq!(
            "https://orcid.org/0000-0002-1825-0097"
                .parse::<Orcid>()
                .unwrap()
                .as_str(),
            "0000-0002-1825-0097"
        );
        assert!("0000-0002-1825-0098".parse::<Orcid>().is_err());
        assert!("0000000218250097".parse::<Orcid>().is_err());
    }

    #[test]
    fn wikidata_ids() {
        for (text, bare) in [
            ("Q42", "Q42"),
            ("https://www.wikidata.org/wiki/Q84", "Q84"),
            ("http://www.wikidata.org/entity/Q1", "Q1"),
        ] {
            assert_eq!(text.parse::<WikidataId>().unwrap().as_str(), bare);
        }
        assert_eq!(
            "Q84".parse::<WikidataId>().unwrap().url(),
            "https://www.wikidata.org/wiki/Q84"
        );
        for bad in [
            "",
            "Q",
            "Q0",
            "Q042",
            "q42",
            "P31",
            "42",
            "Q4 2",
            "https://example.org/Q42",
        ] {
            assert!(bad.parse::<WikidataId>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn geonames_ids() {
        for text in [
            "2643743",
            "https://www.geonames.org/2643743",
            "https://www.geonames.org/2643743/london.html",
            "http://sws.geonames.org/2643743/",
            "https://sws.geonames.org/2643743/about.rdf",
        ] {
            assert_eq!(
                text.parse::<GeonamesId>().unwrap().as_str(),
                "2643743",
                "{text}"
            );
        }
        assert_eq!(
            "2643743".parse::<GeonamesId>().unwrap().url(),
            "https://sws.geonames.org/2643743/"
        );
        for bad in [
            "",
            "0",
            "02643743",
            "London",
            "2643743/",
            "https://www.geonames.org/",
            "https://www.geonames.org/x/2643743",
        ] {
            assert!(bad.parse::<GeonamesId>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn dois() {
        for text in [
            "10.1000/182",
            "https://doi.org/10.1000/182",
            "http://dx.doi.org/10.1000/182",
            "doi:10.1000/182",
        ] {
            assert_eq!(
                text.parse::<Doi>().unwrap().as_str(),
                "10.1000/182",
                "{text}"
            );
        }
        assert_eq!(
            "10.1000/182".parse::<Doi>().unwrap().url(),
            "https://doi.org/10.1000/182"
        );
        // The URL escapes what a URL's path may not hold, and its path
        // is read unescaped; a `%` that starts no escape is as written.
        let doi: Doi = "10.1000/a#b?<c>%dü".parse().unwrap();
        assert_eq!(doi.url(), "https://doi.org/10.1000/a%23b%3F%3Cc%3E%25dü");
        assert_eq!(doi.url().parse::<Doi>(), Ok(doi));
        let doi: Doi = "https://doi.org/10.1000/50%".parse().unwrap();
        assert_eq!(doi.as_str(), "10.1000/50%");
        assert_eq!(doi.url(), "https://doi.org/10.1000/50%25");
        for bad in [
            "",
            "10.1000",
            "11.1000/182",
            "10./x",
            "10.1000/",
            "10.1000/a b",
        ] {
            assert!(bad.parse::<Doi>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn web_urls() {
        assert!("https://example.org/a?b=c#d".parse::<WebUrl>().is_ok());
        for bad in [
            "",
            "example.org",
            "ftp://example.org",
            "https://",
            "https:///x",
            "https://a b",
            "https://a\"b",
        ] {
            assert!(bad.parse::<WebUrl>().is_err(), "{bad:?} accepted");
        }
        // The error says what is wrong with a URL that is one but for a
        // character, and how to write it.
        let error = "https://example.org/?a=b|c".parse::<WebUrl>().unwrap_err();
        assert!(
            error.contains("'|' may not be written") && error.ends_with("write it %7C"),
            "{error}"
        );
        let error = "https://example.org/a b".parse::<WebUrl>().unwrap_err();
        assert!(error.ends_with("write it %20"), "{error}");
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;
        use crate::collection::testutil;

        proptest! {
            #[test]
            fn identifiers_read_the_same_in_every_form(
                wikidata in testutil::wikidata(),
                geonames in testutil::geonames(),
                doi in testutil::doi(),
                orcid in testutil::orcid(),
            ) {
                let q = wikidata.as_str();
                for form in [q.to_string(), wikidata.url(), format!("http://www.wikidata.org/entity/{q}")] {
                    prop_assert_eq!(form.parse::<WikidataId>(), Ok(wikidata.clone()));
                }
                let g = geonames.as_str();
                for form in [g.to_string(), geonames.url(), format!("https://www.geonames.org/{g}/x.html")] {
                    prop_assert_eq!(form.parse::<GeonamesId>(), Ok(geonames.clone()));
                }
                let d = doi.as_str();
                for form in [d.to_string(), doi.url(), format!("doi:{d}"), format!("http://dx.doi.org/{}", &doi.url()["https://doi.org/".len()..])] {
                    prop_assert_eq!(form.parse::<Doi>(), Ok(doi.clone()));
                }
                prop_assert_eq!(orcid.url().parse::<Orcid>(), Ok(orcid.clone()));
            }

            #[test]
            fn a_changed_orcid_digit_is_caught(orcid in testutil::orcid(), position in 0usize..19, digit in 0u8..10) {
                let mut bytes = orcid.as_str().as_bytes().to_vec();
                prop_assume!(bytes[position] != b'-' && bytes[position] != b'0' + digit);
                bytes[position] = b'0' + digit;
                let changed = String::from_utf8(bytes).unwrap();
                prop_assert!(changed.parse::<Orcid>().is_err(), "{} accepted", changed);
            }

            #[test]
            fn any_text_is_a_value_or_an_error(text in "\\PC{0,40}") {
                // Parsing never panics, and what parses keeps its meaning.
                if let Ok(slug) = text.parse::<Slug>() {
                    prop_assert_eq!(slug.as_str(), text.as_str());
                }
                if let Ok(path) = text.parse::<DocumentPath>() {
                    prop_assert!(!path.as_str().split('/').any(|c| c == ".." || c.is_empty()));
                }
                let _ = text.parse::<LanguageTag>();
                let _ = text.parse::<MediaType>();
                let _ = text.parse::<IsoDate>();
                let _ = text.parse::<License>();
                let _ = text.parse::<Orcid>();
                let _ = text.parse::<WikidataId>();
                let _ = text.parse::<GeonamesId>();
                let _ = text.parse::<Doi>();
                if let Ok(url) = text.parse::<WebUrl>() {
                    prop_assert!(!url.as_str().contains(char::is_whitespace));
                }
            }
        }
    }
}
