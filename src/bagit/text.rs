//! Tag files as text: decoded in the encoding `bagit.txt` declares and split
//! into lines as they are read, so that memory is bounded by the longest
//! line allowed, whatever the size of the file.

use std::fmt;
use std::io::{self, Read};

use encoding_rs::{DecoderResult, Encoding};
use oem_cp::code_table::DECODING_TABLE_CP_MAP;
use oem_cp::code_table_type::TableType;

/// The longest line of a manifest, `fetch.txt` or `bag-info.txt` that is
/// read: far beyond any real path (Linux allows 4 KiB), far below what could
/// hurt. A longer line ends the reading of its file.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// How many bytes are read from the file at a time.
const CHUNK_BYTES: usize = 64 * 1024;

/// The byte-order mark of UTF-8, U+FEFF encoded.
pub const UTF8_BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// An encoding tag files may be written in (`Tag-File-Character-Encoding`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    /// ISO-8859-1: each byte is the code point of the same value. (The
    /// WHATWG standard maps this label to windows-1252, which differs in
    /// 0x80–0x9F, so it is decoded here.)
    Latin1,
    /// US-ASCII: bytes up to 0x7F, each its code point; any other byte is
    /// not text. (The WHATWG standard maps this label to windows-1252 too,
    /// which would read every byte.)
    Ascii,
    /// UTF-32, which IANA registers and the WHATWG standard does not know:
    /// four bytes per character, in the byte order a byte-order mark at
    /// the start gives (the mark is not text), else the one the label
    /// names: `UTF-32LE`, or big-endian for `UTF-32BE` and for `UTF-32`
    /// unmarked (the Unicode Standard §3.10, D99).
    Utf32 {
        /// The label names the byte order: `UTF-32LE` or `UTF-32BE`.
        named: bool,
        /// The order without a mark is little-endian (`UTF-32LE`).
        little_endian: bool,
    },
    /// An OEM code page of DOS and Windows (IBM437, IBM850, …), which IANA
    /// registers and the WHATWG standard does not know, by its number: a
    /// byte below 0x80 is its ASCII character, one above the code page's
    /// (as Windows and Python decode it); a byte the code page leaves
    /// undefined (some of IBM857's and IBM864's) is not text.
    Oem(u16),
    /// Any other encoding the WHATWG Encoding Standard knows: UTF-8, UTF-16
    /// (with its byte-order mark deciding the byte order), Shift_JIS, …
    Whatwg(&'static Encoding),
}

impl TextEncoding {
    /// UTF-8, the encoding of `bagit.txt` and of every bag corpack writes.
    pub const UTF_8: TextEncoding = TextEncoding::Whatwg(encoding_rs::UTF_8);

    /// The encoding a label names, if known: an IANA or WHATWG label
    /// ([`TextEncoding::for_registered_label`]), or the name of one of
    /// Python's codecs in any spelling Python takes, as bagit-python reads
    /// the label.
    pub fn for_label(label: &str) -> Option<TextEncoding> {
        TextEncoding::for_registered_label(label).or_else(|| {
            let label = label.trim().to_ascii_lowercase();
            (OEM_CODE_PAGES.iter())
                .find(|page| python_names(page.python, &label))
                .map(|page| TextEncoding::Oem(page.number))
                .or_else(|| {
                    python_names(&PYTHON_CP866, &label)
                        .then_some(TextEncoding::Whatwg(encoding_rs::IBM866))
                })
        })
    }

    /// The encoding an IANA name or alias, a common spelling of one, or a
    /// WHATWG label names, if known: a label RFC 8493 §2.1.1 allows, where
    /// [`TextEncoding::for_label`] reads Python's names too.
    pub fn for_registered_label(label: &str) -> Option<TextEncoding> {
        let label = label.trim().to_ascii_lowercase();
        match label.as_str() {
            // IANA's names and aliases of ISO-8859-1, and common spellings.
            "iso-8859-1" | "iso_8859-1:1987" | "iso-ir-100" | "iso_8859-1" | "latin1" | "l1"
            | "ibm819" | "cp819" | "csisolatin1" | "iso8859-1" | "latin-1" => {
                Some(TextEncoding::Latin1)
            }
            // IANA's names and aliases of US-ASCII.
            "us-ascii" | "ascii" | "us" | "ansi_x3.4-1968" | "ansi_x3.4-1986" | "iso-ir-6"
            | "iso_646.irv:1991" | "iso646-us" | "ibm367" | "cp367" | "csascii" => {
                Some(TextEncoding::Ascii)
            }
            // Without a byte-order mark, UTF-16 is big-endian (RFC 2781
            // §4.3); the WHATWG's "utf-16" is little-endian. The decoder
            // follows a mark either way.
            "utf-16" => Some(TextEncoding::Whatwg(encoding_rs::UTF_16BE)),
            // IANA's names and aliases of the three UTF-32s.
            "utf-32" | "csutf32" => Some(TextEncoding::Utf32 {
                named: false,
                little_endian: false,
            }),
            "utf-32be" | "csutf32be" => Some(TextEncoding::Utf32 {
                named: true,
                little_endian: false,
            }),
            "utf-32le" | "csutf32le" => Some(TextEncoding::Utf32 {
                named: true,
                little_endian: true,
            }),
            _ => (OEM_CODE_PAGES.iter())
                .find(|page| page.iana.contains(&label.as_str()))
                .map(|page| TextEncoding::Oem(page.number))
                .or_else(|| Encoding::for_label(label.as_bytes()).map(TextEncoding::Whatwg)),
        }
    }

    /// Whether `label` has the form of a character set's name: printable
    /// US-ASCII characters, as every name and alias in IANA's registry of
    /// character sets is (RFC 8493 §2.1.1 allows any encoding registered
    /// there). One [`TextEncoding::for_label`] does not know, such as
    /// IBM500 (an EBCDIC), is then a character set corpack cannot read, not a mistake
    /// of the bag's.
    pub fn is_charset_name(label: &str) -> bool {
        let label = label.trim();
        !label.is_empty() && label.bytes().all(|b| b.is_ascii_graphic())
    }

    /// The encodings [`TextEncoding::for_label`] knows, for messages.
    pub const SUPPORTED: &'static str = "UTF-8, UTF-16, UTF-32, ISO-8859-1, US-ASCII, the OEM code \
                                          pages IBM437, IBM775, IBM850, IBM852, IBM855, IBM857, \
                                          IBM00858, IBM860 to IBM865, IBM869, cp720 and cp737, and \
                                          the other encodings of the WHATWG Encoding Standard";

    /// The encoding's name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Latin1 => "ISO-8859-1",
            TextEncoding::Ascii => "US-ASCII",
            TextEncoding::Utf32 { named: false, .. } => "UTF-32",
            TextEncoding::Utf32 {
                little_endian: true,
                ..
            } => "UTF-32LE",
            TextEncoding::Utf32 { .. } => "UTF-32BE",
            TextEncoding::Oem(number) => oem_code_page(number).name,
            TextEncoding::Whatwg(encoding) => encoding.name(),
        }
    }

    fn decoder(self) -> Decoder {
        match self {
            TextEncoding::Latin1 => Decoder::Latin1,
            TextEncoding::Ascii => Decoder::Ascii,
            TextEncoding::Utf32 { little_endian, .. } => Decoder::Utf32(Utf32Decoder {
                little_endian,
                at_start: true,
                pending: Vec::new(),
            }),
            TextEncoding::Oem(number) => Decoder::Oem {
                name: oem_code_page(number).name,
                table: (DECODING_TABLE_CP_MAP.get(&number))
                    .expect("oem_cp decodes every code page of OEM_CODE_PAGES")
                    .clone(),
            },
            // UTF-16 needs its byte-order mark to know the byte order.
            TextEncoding::Whatwg(encoding)
                if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE =>
            {
                Decoder::Whatwg(encoding.new_decoder())
            }
            TextEncoding::Whatwg(encoding) => {
                Decoder::Whatwg(encoding.new_decoder_with_bom_removal())
            }
        }
    }

    /// Decodes a whole (small) text; `Err` says why it is not text.
    pub fn decode(self, bytes: &[u8]) -> Result<String, String> {
        let mut text = String::new();
        self.decoder().decode(bytes, true, &mut text)?;
        Ok(text)
    }
}

/// An OEM code page's number, IANA name and the labels that name it.
struct OemCodePage {
    number: u16,
    name: &'static str,
    /// IANA's name and aliases, lowercase: [`TextEncoding::for_label`]
    /// compares them whatever their case, as IANA's names are.
    iana: &'static [&'static str],
    /// Python's codec name and its aliases, as [`python_normalized`]
    /// spells a label.
    python: &'static [&'static str],
}

/// The OEM code pages `oem_cp` decodes that the WHATWG standard does not
/// (it decodes IBM866 and windows-874), by IANA's name and aliases, and the
/// names Python's codecs know them by (`cp858`, `ibm858`, `cp_is`, …) in
/// any spelling Python's codec registry takes for them (`CP IS`, `-cp437-`),
/// so that a bag bagit-python made or reads in one is read. IANA registers
/// no name of code pages 720 (Arabic) and 737 (Greek): they are read by
/// Python's names, `cp720` and `cp737`.
const OEM_CODE_PAGES: &[OemCodePage] = &[
    OemCodePage {
        number: 437,
        name: "IBM437",
        iana: &["ibm437", "cp437", "437", "cspc8codepage437"],
        python: &["cp437", "437", "cspc8codepage437", "ibm437"],
    },
    OemCodePage {
        number: 720,
        name: "cp720",
        iana: &[],
        python: &["cp720"],
    },
    OemCodePage {
        number: 737,
        name: "cp737",
        iana: &[],
        python: &["cp737"],
    },
    OemCodePage {
        number: 775,
        name: "IBM775",
        iana: &["ibm775", "cp775", "cspc775baltic"],
        python: &["cp775", "775", "cspc775baltic", "ibm775"],
    },
    OemCodePage {
        number: 850,
        name: "IBM850",
        iana: &["ibm850", "cp850", "850", "cspc850multilingual"],
        python: &["cp850", "850", "cspc850multilingual", "ibm850"],
    },
    OemCodePage {
        number: 852,
        name: "IBM852",
        iana: &["ibm852", "cp852", "852", "cspcp852"],
        python: &["cp852", "852", "cspcp852", "ibm852"],
    },
    OemCodePage {
        number: 855,
        name: "IBM855",
        iana: &["ibm855", "cp855", "855", "csibm855"],
        python: &["cp855", "855", "csibm855", "ibm855"],
    },
    OemCodePage {
        number: 857,
        name: "IBM857",
        iana: &["ibm857", "cp857", "857", "csibm857"],
        python: &["cp857", "857", "csibm857", "ibm857"],
    },
    OemCodePage {
        number: 858,
        name: "IBM00858",
        iana: &[
            "ibm00858",
            "ccsid00858",
            "cp00858",
            "pc-multilingual-850+euro",
            "csibm00858",
        ],
        python: &["cp858", "858", "csibm858", "ibm858"],
    },
    OemCodePage {
        number: 860,
        name: "IBM860",
        iana: &["ibm860", "cp860", "860", "csibm860"],
        python: &["cp860", "860", "csibm860", "ibm860"],
    },
    OemCodePage {
        number: 861,
        name: "IBM861",
        iana: &["ibm861", "cp861", "861", "cp-is", "csibm861"],
        python: &["cp861", "861", "cp_is", "csibm861", "ibm861"],
    },
    OemCodePage {
        number: 862,
        name: "IBM862",
        iana: &["ibm862", "cp862", "862", "cspc862latinhebrew"],
        python: &["cp862", "862", "cspc862latinhebrew", "ibm862"],
    },
    OemCodePage {
        number: 863,
        name: "IBM863",
        iana: &["ibm863", "cp863", "863", "csibm863"],
        python: &["cp863", "863", "csibm863", "ibm863"],
    },
    OemCodePage {
        number: 864,
        name: "IBM864",
        iana: &["ibm864", "cp864", "864", "csibm864"],
        python: &["cp864", "864", "csibm864", "ibm864"],
    },
    OemCodePage {
        number: 865,
        name: "IBM865",
        iana: &["ibm865", "cp865", "865", "csibm865"],
        python: &["cp865", "865", "csibm865", "ibm865"],
    },
    OemCodePage {
        number: 869,
        name: "IBM869",
        iana: &["ibm869", "cp869", "869", "cp-gr", "csibm869"],
        python: &["cp869", "869", "cp_gr", "csibm869", "ibm869"],
    },
];

/// Python's names of code page 866, which the WHATWG standard decodes (as
/// IBM866) by the same names, but not in Python's other spellings.
const PYTHON_CP866: [&str; 4] = ["cp866", "866", "csibm866", "ibm866"];

/// `label` as Python's codec registry spells it before looking it up, and
/// so bagit-python (`codecs.lookup`, then `encodings.normalize_encoding`):
/// ASCII letters and digits lowercased, `.` kept, each run of other
/// characters between them one `_`, and those before the first or after
/// the last dropped.
fn python_normalized(label: &str) -> String {
    let mut normalized = String::with_capacity(label.len());
    let mut punctuation = false;
    for c in label.chars() {
        if c.is_ascii_alphanumeric() || c == '.' {
            if punctuation && !normalized.is_empty() {
                normalized.push('_');
            }
            normalized.push(c.to_ascii_lowercase());
            punctuation = false;
        } else {
            punctuation = true;
        }
    }
    normalized
}

/// Whether Python's codec registry finds the codec that `names` (its name
/// and aliases, each without a `.`) name by `label`: by its normalized
/// spelling, or that spelling with each `.` read as `_`, as aliases are
/// looked up.
fn python_names(names: &[&str], label: &str) -> bool {
    let normalized = python_normalized(label);
    names.contains(&normalized.as_str()) || names.contains(&normalized.replace('.', "_").as_str())
}

/// The code page of [`OEM_CODE_PAGES`] numbered `number`.
fn oem_code_page(number: u16) -> &'static OemCodePage {
    (OEM_CODE_PAGES.iter())
        .find(|page| page.number == number)
        .expect("a TextEncoding::Oem is one of OEM_CODE_PAGES")
}

enum Decoder {
    Latin1,
    Ascii,
    Utf32(Utf32Decoder),
    Oem {
        name: &'static str,
        table: TableType,
    },
    Whatwg(encoding_rs::Decoder),
}

/// Decodes UTF-32 as it is read ([`TextEncoding::Utf32`]).
struct Utf32Decoder {
    little_endian: bool,
    /// No byte has been decoded yet: the first four may be a mark.
    at_start: bool,
    /// The bytes of a character cut by the end of the last chunk.
    pending: Vec<u8>,
}

impl Utf32Decoder {
    /// Appends the text of `bytes` to `text`; `last` when they end the
    /// file. As the other decoders, keeps the text before a bad character.
    fn decode(&mut self, bytes: &[u8], last: bool, text: &mut String) -> Result<(), String> {
        self.pending.extend_from_slice(bytes);
        let mut units = self.pending.as_slice();
        if self.at_start {
            if units.len() < 4 && !last {
                return Ok(());
            }
            self.at_start = false;
            let marked = match units.get(..4) {
                Some([0, 0, 0xFE, 0xFF]) => Some(false),
                Some([0xFF, 0xFE, 0, 0]) => Some(true),
                _ => None,
            };
            if let Some(little_endian) = marked {
                self.little_endian = little_endian;
                units = &units[4..];
            }
        }
        let mut chunks = units.chunks_exact(4);
        for unit in &mut chunks {
            let unit: [u8; 4] = unit.try_into().expect("four bytes");
            let value = match self.little_endian {
                true => u32::from_le_bytes(unit),
                false => u32::from_be_bytes(unit),
            };
            match char::from_u32(value) {
                Some(c) => text.push(c),
                None => return Err("not valid UTF-32".into()),
            }
        }
        let cut = chunks.remainder().len();
        if last && cut > 0 {
            return Err("not valid UTF-32: the text ends inside a character".into());
        }
        let consumed = self.pending.len() - cut;
        self.pending.drain(..consumed);
        Ok(())
    }
}

impl Decoder {
    /// Appends the text of `bytes` to `text`; `last` when they end the file.
    fn decode(&mut self, bytes: &[u8], last: bool, text: &mut String) -> Result<(), String> {
        match self {
            Decoder::Latin1 => {
                text.extend(bytes.iter().map(|&b| char::from(b)));
                Ok(())
            }
            Decoder::Ascii => {
                // Like the WHATWG decoders, keep the text before a bad byte.
                let valid = bytes.iter().position(|b| !b.is_ascii());
                let ascii = &bytes[..valid.unwrap_or(bytes.len())];
                text.extend(ascii.iter().map(|&b| char::from(b)));
                match valid {
                    Some(_) => Err("not valid US-ASCII".into()),
                    None => Ok(()),
                }
            }
            Decoder::Utf32(decoder) => decoder.decode(bytes, last, text),
            Decoder::Oem { name, table } => {
                // Like the WHATWG decoders, keep the text before a bad byte.
                for &byte in bytes {
                    match table.decode_char_checked(byte) {
                        Some(c) => text.push(c),
                        None => return Err(format!("not valid {name}")),
                    }
                }
                Ok(())
            }
            Decoder::Whatwg(decoder) => {
                let mut rest = bytes;
                loop {
                    let room = decoder
                        .max_utf8_buffer_length_without_replacement(rest.len())
                        .ok_or("the text is too long to decode")?;
                    text.reserve(room);
                    let (result, read) =
                        decoder.decode_to_string_without_replacement(rest, text, last);
                    rest = &rest[read..];
                    match result {
                        DecoderResult::InputEmpty => return Ok(()),
                        DecoderResult::OutputFull => continue,
                        DecoderResult::Malformed(..) => {
                            return Err(format!("not valid {}", decoder.encoding().name()));
                        }
                    }
                }
            }
        }
    }
}

/// Why a tag file could not be read as lines of text.
#[derive(Debug)]
pub enum TextError {
    /// Reading the file failed.
    Io(io::Error),
    /// The bytes are not text: not valid in the encoding, or a NUL byte.
    NotText {
        /// The 1-based line where it was found.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A line is longer than the limit; the file is not read further.
    LineTooLong {
        /// The 1-based number of the line.
        line: usize,
        /// The limit, in bytes of UTF-8.
        limit: usize,
    },
}

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TextError::Io(error) => write!(f, "cannot be read: {error}"),
            TextError::NotText { line, message } => {
                write!(f, "line {line}: is not text: {message}")
            }
            TextError::LineTooLong { line, limit } => write!(
                f,
                "line {line} is longer than {limit} bytes; the rest of the file is not read"
            ),
        }
    }
}

/// The lines of a text file, decoded as they are read. Lines end with LF,
/// CR or CRLF (RFC 8493 §2.2.2); the terminators are not part of the line.
/// After the first error, the iterator ends.
pub struct Lines<R> {
    reader: R,
    decoder: Decoder,
    raw: Vec<u8>,
    /// Decoded text not yet returned, from `start`.
    text: String,
    start: usize,
    /// Lines returned so far.
    line: usize,
    max_line: usize,
    at_end: bool,
    /// Bytes that are not text, found after the text decoded before them.
    not_text: Option<String>,
    failed: bool,
    /// Whether the text is UTF-8, whose decoder drops a byte-order mark.
    is_utf8: bool,
    /// The first bytes of the file, as many as a UTF-8 byte-order mark has.
    head: Vec<u8>,
}

impl<R: Read> Lines<R> {
    /// Lines of `reader` in `encoding`, none longer than `max_line` bytes.
    pub fn new(reader: R, encoding: TextEncoding, max_line: usize) -> Lines<R> {
        Lines {
            reader,
            decoder: encoding.decoder(),
            raw: vec![0; CHUNK_BYTES],
            text: String::new(),
            start: 0,
            line: 0,
            max_line,
            at_end: false,
            not_text: None,
            failed: false,
            is_utf8: encoding == TextEncoding::UTF_8,
            head: Vec::with_capacity(UTF8_BOM.len()),
        }
    }

    /// Whether the text is UTF-8 and began with a byte-order mark, which is
    /// not part of the first line: RFC 8493 §2.3 forbids it in tag files.
    /// Known once a line has been read.
    pub fn began_with_utf8_bom(&self) -> bool {
        self.is_utf8 && self.head == UTF8_BOM
    }

    /// Reads and decodes the next chunk, after dropping what was returned.
    fn fill(&mut self) -> Result<(), TextError> {
        self.text.drain(..self.start);
        self.start = 0;
        let read = loop {
            match self.reader.read(&mut self.raw) {
                Ok(n) => break n,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(TextError::Io(error)),
            }
        };
        self.at_end = read == 0;
        let wanted = UTF8_BOM.len() - self.head.len();
        self.head.extend_from_slice(&self.raw[..read.min(wanted)]);
        // The text before bad bytes is kept: its lines come first.
        self.not_text = self
            .decoder
            .decode(&self.raw[..read], self.at_end, &mut self.text)
            .err();
        Ok(())
    }

    /// The next line, or `None` at the end of the file.
    fn next_line(&mut self) -> Option<Result<String, TextError>> {
        loop {
            let pending = &self.text[self.start..];
            // After bytes that are not text, nothing more is read.
            let no_more = self.at_end || self.not_text.is_some();
            let terminator = pending.bytes().position(|b| b == b'\r' || b == b'\n');
            if let Some(at) = terminator {
                // A CR ending the text read so far may be the first half
                // of a CRLF: read on before deciding.
                let cr_at_chunk_end = pending.as_bytes()[at] == b'\r' && at + 1 == pending.len();
                if !cr_at_chunk_end || no_more {
                    let skip = if pending[at..].starts_with("\r\n") {
                        2
                    } else {
                        1
                    };
                    let line = pending[..at].to_string();
                    self.start += at + skip;
                    return Some(Ok(line));
                }
            } else if no_more {
                if let Some(message) = self.not_text.take() {
                    return Some(Err(TextError::NotText {
                        line: self.line + 1,
                        message,
                    }));
                }
                if pending.is_empty() {
                    return None;
                }
                let line = pending.to_string();
                self.start = self.text.len();
                return Some(Ok(line));
            } else if pending.len() > self.max_line {
                return Some(Err(TextError::LineTooLong {
                    line: self.line + 1,
                    limit: self.max_line,
                }));
            }
            if let Err(error) = self.fill() {
                return Some(Err(error));
            }
        }
    }
}

impl<R: Read> Iterator for Lines<R> {
    /// `(1-based line number, line)`.
    type Item = Result<(usize, String), TextError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let result = match self.next_line()? {
            Ok(line) if line.len() > self.max_line => Err(TextError::LineTooLong {
                line: self.line + 1,
                limit: self.max_line,
            }),
            Ok(line) if line.contains('\0') => Err(TextError::NotText {
                line: self.line + 1,
                message: "it holds a NUL byte".into(),
            }),
            Ok(line) => {
                self.line += 1;
                Ok((self.line, line))
            }
            Err(error) => Err(error),
        };
        self.failed = result.is_err();
        Some(result)
    }
}

/// Splits a whole text on LF, CR or CRLF, the three line endings BagIt
/// allows.
pub fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        match rest.find(['\r', '\n']) {
            Some(end) => {
                let line = &rest[..end];
                let skip = if rest[end..].starts_with("\r\n") {
                    2
                } else {
                    1
                };
                rest = &rest[end + skip..];
                Some(line)
            }
            None => {
                let line = rest;
                rest = "";
                Some(line)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out one byte per call, to cut every chunk.
    struct ByteByByte<'a>(&'a [u8]);

    impl Read for ByteByByte<'_> {
        fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
            match (self.0.split_first(), buffer.first_mut()) {
                (Some((&byte, rest)), Some(slot)) => {
                    *slot = byte;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    fn lines(bytes: &[u8], encoding: TextEncoding, max: usize) -> Vec<Result<String, String>> {
        let whole: Vec<_> = Lines::new(bytes, encoding, max)
            .map(|r| r.map(|(_, l)| l).map_err(|e| e.to_string()))
            .collect();
        let cut: Vec<_> = Lines::new(ByteByByte(bytes), encoding, max)
            .map(|r| r.map(|(_, l)| l).map_err(|e| e.to_string()))
            .collect();
        assert_eq!(whole, cut, "chunking changed the lines of {bytes:?}");
        whole
    }

    fn ok(lines: &[&str]) -> Vec<Result<String, String>> {
        lines.iter().map(|l| Ok(l.to_string())).collect()
    }

    #[test]
    fn splits_on_lf_cr_and_crlf_across_chunks() {
        let text = b"a\r\nb\rc\nd";
        assert_eq!(
            lines(text, TextEncoding::UTF_8, 100),
            ok(&["a", "b", "c", "d"])
        );
        assert_eq!(lines(b"a\r", TextEncoding::UTF_8, 100), ok(&["a"]));
        assert_eq!(lines(b"\n\n", TextEncoding::UTF_8, 100), ok(&["", ""]));
        assert_eq!(lines(b"", TextEncoding::UTF_8, 100), ok(&[]));
        let split: Vec<_> = split_lines("a\r\nb\rc\nd").collect();
        assert_eq!(split, ["a", "b", "c", "d"]);
    }

    #[test]
    fn decodes_utf16_by_its_byte_order_mark_and_latin1_byte_by_byte() {
        let utf16 = TextEncoding::for_label("UTF-16").unwrap();
        assert_eq!(
            lines(b"\xff\xfea\x00\n\x00b\x00", utf16, 100),
            ok(&["a", "b"])
        );
        assert_eq!(
            lines(b"\xfe\xff\x00a\x00\n\x00b", utf16, 100),
            ok(&["a", "b"])
        );
        assert_eq!(lines(b"\x00a\x00\n\x00b", utf16, 100), ok(&["a", "b"]));
        let utf16le = TextEncoding::for_label("UTF-16LE").unwrap();
        assert_eq!(lines(b"a\x00\n\x00b\x00", utf16le, 100), ok(&["a", "b"]));
        let latin1 = TextEncoding::for_label("ISO-8859-1").unwrap();
        assert_eq!(lines(b"\xe9\x80", latin1, 100), ok(&["\u{e9}\u{80}"]));
        for alias in [
            "ISO_8859-1:1987",
            "iso-ir-100",
            "IBM819",
            "CP819",
            "csISOLatin1",
        ] {
            assert_eq!(TextEncoding::for_label(alias), Some(latin1), "{alias}");
        }
        assert_eq!(TextEncoding::for_label("nonsense-8"), None);
    }

    /// A label corpack does not know is still a character set's name if
    /// it has the form of one: IBM500 is registered with IANA.
    #[test]
    fn a_charset_name_is_printable_ascii() {
        for name in [
            "IBM437",
            "cp437",
            "ISO_8859-1:1987",
            "ANSI_X3.4-1968",
            "Extended_UNIX_Code_Packed_Format_for_Japanese",
            "KLINGON",
            " IBM437 ",
        ] {
            assert!(TextEncoding::is_charset_name(name), "{name:?}");
        }
        for not_a_name in [
            "",
            " ",
            "UTF 8",
            "UTF-8\u{0}",
            "UTF\u{2011}8",
            "Latin-1 (Western)",
        ] {
            assert!(!TextEncoding::is_charset_name(not_a_name), "{not_a_name:?}");
        }
        assert_eq!(TextEncoding::for_label("IBM500"), None);
    }

    #[test]
    fn decodes_the_oem_code_pages_by_their_iana_and_python_names() {
        let ibm437 = TextEncoding::for_label("IBM437").unwrap();
        assert_eq!(ibm437, TextEncoding::Oem(437));
        assert_eq!(ibm437.name(), "IBM437");
        for alias in ["cp437", "437", "csPC8CodePage437", " ibm437 "] {
            assert_eq!(TextEncoding::for_label(alias), Some(ibm437), "{alias}");
        }
        // 0x82 is é, 0x81 ü, 0xE1 ß, 0xB0 a shade; below 0x80, ASCII.
        assert_eq!(
            lines(b"caf\x82\r\nM\x81ller\nStra\xe1e \xb0\n", ibm437, 100),
            ok(&["café", "Müller", "Straße ░"])
        );
        assert_eq!(ibm437.decode(b"\x82t\x82").unwrap(), "été");
        let ibm850 = TextEncoding::for_label("cp850").unwrap();
        assert_eq!(ibm850.name(), "IBM850");
        assert_eq!(TextEncoding::for_label("csPC850Multilingual"), Some(ibm850));
        // 0xD5 is ı in IBM850, ╒ in IBM437; 0xD5 is € in IBM00858.
        assert_eq!(ibm850.decode(b"\xd5").unwrap(), "ı");
        assert_eq!(ibm437.decode(b"\xd5").unwrap(), "╒");
        let ibm858 = TextEncoding::for_label("PC-Multilingual-850+euro").unwrap();
        assert_eq!(
            (ibm858.name(), ibm858.decode(b"\xd5").unwrap()),
            ("IBM00858", "€".into())
        );
        for (label, name) in [
            ("cp-is", "IBM861"),
            ("cp_gr", "IBM869"),
            ("csPC862LatinHebrew", "IBM862"),
            ("cp737", "cp737"),
            ("CP720", "cp720"),
        ] {
            assert_eq!(
                TextEncoding::for_label(label).unwrap().name(),
                name,
                "{label}"
            );
        }
        // IBM866 stays the WHATWG's, as does windows-874.
        assert_eq!(TextEncoding::for_label("cp866").unwrap().name(), "IBM866");
        // A byte IBM857 leaves undefined is not text; the text before it
        // is kept.
        let ibm857 = TextEncoding::for_label("IBM857").unwrap();
        assert_eq!(
            lines(b"a\n\x81b\xd5\n", ibm857, 100),
            [
                Ok("a".into()),
                Err("line 2: is not text: not valid IBM857".into())
            ]
        );
        assert!(ibm857.decode(b"\xd5").is_err());
        // Every code page listed is one oem_cp decodes, found by each of
        // its names.
        for page in OEM_CODE_PAGES {
            assert_eq!(TextEncoding::Oem(page.number).decode(b"a").unwrap(), "a");
            for label in page.iana.iter().chain(page.python) {
                assert_eq!(*label, label.to_ascii_lowercase());
                assert_eq!(
                    TextEncoding::for_label(label),
                    Some(TextEncoding::Oem(page.number))
                );
            }
            for label in page.python {
                assert_eq!(python_normalized(label), *label);
            }
        }
    }

    /// bagit-python reads a bag in any spelling of a codec's name that
    /// Python's codec registry takes (`codecs.lookup`), and no other:
    /// `ibm-437` and `cp-437` are no names of IBM437 there, nor IANA's.
    #[test]
    fn the_oem_code_pages_are_found_by_python_s_spellings_of_its_names() {
        for (label, name) in [
            ("CP IS", "IBM861"),
            ("cp  is", "IBM861"),
            ("Cp-_-Is", "IBM861"),
            ("cp.is", "IBM861"),
            ("cp.gr", "IBM869"),
            ("-cp437-", "IBM437"),
            ("_IBM437", "IBM437"),
            ("775", "IBM775"),
            ("CP858", "IBM00858"),
            ("IBM858", "IBM00858"),
            ("(cp720)", "cp720"),
            ("-cp866-", "IBM866"),
        ] {
            let encoding = TextEncoding::for_label(label);
            assert_eq!(encoding.map(TextEncoding::name), Some(name), "{label:?}");
        }
        // Python's names alone are no registered labels.
        for python_only in ["CP IS", "cp.is", "775", "(cp720)", "cp720", "-cp866-"] {
            assert!(
                TextEncoding::for_label(python_only).is_some(),
                "{python_only:?}"
            );
            assert_eq!(TextEncoding::for_registered_label(python_only), None);
        }
        for registered in [
            "IBM437", "cp437", "cp-is", "IBM00858", "IBM866", "UTF-8", "latin1",
        ] {
            let encoding = TextEncoding::for_registered_label(registered);
            assert_eq!(
                encoding,
                TextEncoding::for_label(registered),
                "{registered:?}"
            );
            assert!(encoding.is_some(), "{registered:?}");
        }
        for label in [
            "ibm-437",
            "IBM-437",
            "CP_437",
            "cp-437",
            "cp 437",
            "cp437.",
            ".cp437",
            "cp._is",
            "ibm-00858",
            "pc multilingual 850 euro",
            "cp-866",
        ] {
            assert_eq!(TextEncoding::for_label(label), None, "{label:?}");
        }
        assert_eq!(python_normalized(" Cp--IS.x "), "cp_is.x");
        assert_eq!(python_normalized("-_-"), "");
    }

    #[test]
    fn decodes_utf32_by_its_byte_order_mark_else_as_its_label_says() {
        let utf32 = TextEncoding::for_label("UTF-32").unwrap();
        let be = |text: &str| -> Vec<u8> {
            text.chars()
                .flat_map(|c| u32::from(c).to_be_bytes())
                .collect()
        };
        let le = |text: &str| -> Vec<u8> {
            text.chars()
                .flat_map(|c| u32::from(c).to_le_bytes())
                .collect()
        };
        let marked = |mark: &[u8], bytes: Vec<u8>| [mark, &bytes].concat();
        assert_eq!(lines(&be("a\né"), utf32, 100), ok(&["a", "é"]));
        assert_eq!(
            lines(&marked(&[0, 0, 0xFE, 0xFF], be("a\r\nb")), utf32, 100),
            ok(&["a", "b"])
        );
        assert_eq!(
            lines(&marked(&[0xFF, 0xFE, 0, 0], le("a\nb")), utf32, 100),
            ok(&["a", "b"])
        );
        let utf32le = TextEncoding::for_label("csUTF32LE").unwrap();
        assert_eq!(utf32le.name(), "UTF-32LE");
        assert_eq!(lines(&le("x\ny"), utf32le, 100), ok(&["x", "y"]));
        assert_eq!(
            TextEncoding::for_label("UTF-32BE").unwrap().name(),
            "UTF-32BE"
        );
        assert_eq!(lines(b"", utf32, 100), ok(&[]));
        // A surrogate, a value past U+10FFFF, a character cut short.
        for bad in [
            &[0, 0, 0xD8, 0][..],
            &[0, 0x11, 0, 0],
            &[0, 0, 0, b'a', 0, 0],
        ] {
            let got = lines(bad, utf32, 100);
            assert!(
                got.last()
                    .unwrap()
                    .as_ref()
                    .is_err_and(|e| e.contains("not valid UTF-32")),
                "{bad:?}: {got:?}"
            );
        }
        assert_eq!(utf32.decode(&be("ab")).unwrap(), "ab");
    }

    #[test]
    fn us_ascii_reads_only_ascii_bytes() {
        let ascii = TextEncoding::for_label("US-ASCII").unwrap();
        assert_eq!(ascii.name(), "US-ASCII");
        for alias in ["ascii", "ANSI_X3.4-1968", "iso-ir-6", "IBM367", "csASCII"] {
            assert_eq!(TextEncoding::for_label(alias), Some(ascii), "{alias}");
        }
        assert_eq!(lines(b"a\nb\x7f", ascii, 100), ok(&["a", "b\x7f"]));
        assert_eq!(
            lines(b"a\n\xe9\n", ascii, 100),
            [
                Ok("a".into()),
                Err("line 2: is not text: not valid US-ASCII".into())
            ]
        );
        assert!(ascii.decode(b"caf\xe9").is_err());
    }

    #[test]
    fn decodes_a_whole_text_in_the_encodings_bagit_names() {
        let decode = |bytes: &[u8], label| TextEncoding::for_label(label).unwrap().decode(bytes);
        assert_eq!(decode("é".as_bytes(), "UTF-8").unwrap(), "é");
        assert!(decode(&[0xff], "UTF-8").is_err());
        assert_eq!(decode(&[0xe9, 0x80], "ISO-8859-1").unwrap(), "\u{e9}\u{80}");
        assert_eq!(decode(&[0xff, 0xfe, b'a', 0], "UTF-16").unwrap(), "a");
        assert_eq!(decode(&[0xfe, 0xff, 0, b'a'], "UTF-16").unwrap(), "a");
    }

    #[test]
    fn a_utf8_byte_order_mark_is_not_text_but_is_known() {
        let began_with_bom = |bytes: &[u8], encoding| {
            let mut read = Lines::new(ByteByByte(bytes), encoding, 100);
            let first = read.next().map(|line| line.unwrap().1);
            (first, read.began_with_utf8_bom())
        };
        let utf8 = TextEncoding::UTF_8;
        assert_eq!(
            began_with_bom(b"\xEF\xBB\xBFa\nb\n", utf8),
            (Some("a".into()), true)
        );
        assert_eq!(began_with_bom(b"\xEF\xBB\xBF", utf8), (None, true));
        assert_eq!(
            began_with_bom(b"a\xEF\xBB\xBF\n", utf8),
            (Some("a\u{feff}".into()), false)
        );
        assert_eq!(began_with_bom(b"ab\n", utf8), (Some("ab".into()), false));
        let utf16 = TextEncoding::for_label("UTF-16").unwrap();
        assert_eq!(
            began_with_bom(b"\xff\xfea\x00", utf16),
            (Some("a".into()), false)
        );
    }

    #[test]
    fn what_is_not_text_ends_the_lines() {
        let got = lines(b"good\n\xff\nafter", TextEncoding::UTF_8, 100);
        assert_eq!(got[0], Ok("good".into()));
        assert_eq!(got[1], Err("line 2: is not text: not valid UTF-8".into()));
        assert_eq!(got.len(), 2);
        let got = lines(b"good\n\xe2\x82", TextEncoding::UTF_8, 100);
        assert_eq!(got[1], Err("line 2: is not text: not valid UTF-8".into()));
        let got = lines(b"a\r\xff\nb\n", TextEncoding::UTF_8, 100);
        assert_eq!(
            got,
            [
                Ok("a".into()),
                Err("line 2: is not text: not valid UTF-8".into())
            ]
        );
        let got = lines(b"a\nb\0c\n", TextEncoding::UTF_8, 100);
        assert_eq!(
            got[1],
            Err("line 2: is not text: it holds a NUL byte".into())
        );
    }

    #[test]
    fn a_long_line_ends_the_lines_without_being_held() {
        let mut bytes = b"short\n".to_vec();
        bytes.extend(std::iter::repeat_n(b'x', 10 * CHUNK_BYTES));
        let mut read = Lines::new(bytes.as_slice(), TextEncoding::UTF_8, 100);
        assert_eq!(read.next().unwrap().unwrap(), (1, "short".to_string()));
        match read.next() {
            Some(Err(TextError::LineTooLong {
                line: 2,
                limit: 100,
            })) => {}
            other => panic!("{other:?}"),
        }
        assert!(read.next().is_none());
        // The whole line was never held: one chunk past the limit at most.
        assert!(read.text.capacity() <= 2 * CHUNK_BYTES + 100);
        assert_eq!(lines(b"12345\n", TextEncoding::UTF_8, 4).len(), 1);
        // A CR ending the first read is not counted in the line.
        assert_eq!(
            Lines::new(&b"1234\r"[..], TextEncoding::UTF_8, 4).count(),
            1
        );
        assert!(Lines::new(&b"1234\r"[..], TextEncoding::UTF_8, 4).all(|l| l.is_ok()));
    }
}
