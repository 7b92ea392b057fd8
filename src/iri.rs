/*!
Text as parts of IRIs (RFC 3987): percent-encoding what a part may not
hold, and undoing it.

An `@id` in an RO-Crate is an IRI: a payload path, a DOI's resolver URL or
a `mailto:` made of what a record says must escape the characters no IRI
may hold (space, `<`, `%` not starting an escape, …) and those that would
read another way (`#` starts a fragment, `?` a query). Characters beyond
ASCII that an IRI may hold are kept, as RO-Crate 1.1 prefers ("Encoding
file paths": `面试.mp4` rather than `%E9%9D%A2%E8%AF%95.mp4`).
*/

/// `text` with every character percent-encoded (its UTF-8 bytes, in
/// uppercase hex) but the ASCII ones `keep` accepts and those beyond ASCII
/// an IRI may hold ([`in_iri`]).
pub(crate) fn encode(text: &str, keep: impl Fn(char) -> bool) -> String {
    let mut encoded = String::with_capacity(text.len());
    for c in text.chars() {
        if (c.is_ascii() && keep(c)) || in_iri(c) {
            encoded.push(c);
        } else {
            let mut utf8 = [0; 4];
            for byte in c.encode_utf8(&mut utf8).bytes() {
                encoded.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    encoded
}

/// Undoes percent-encoding: `%20` → space, UTF-8 sequences → characters.
pub(crate) fn decode(encoded: &str) -> Result<String, String> {
    let bytes = encoded.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("{encoded:?} has a % not followed by two hex digits"))?;
            decoded.push(hex);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(decoded).map_err(|_| format!("{encoded:?} does not decode to UTF-8"))
}

/// Whether `c` is one of RFC 3986's unreserved characters, which no URI
/// escapes: ASCII letters and digits, `-`, `.`, `_` and `~`.
pub(crate) fn unreserved(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~".contains(c)
}

/// Whether `c` may stand unescaped in a segment of a URI's path (RFC 3986
/// `pchar`): unreserved, a sub-delimiter (`!$&'()*+,;=`), `:` or `@`.
pub(crate) fn in_segment(c: char) -> bool {
    unreserved(c) || "!$&'()*+,;=:@".contains(c)
}

/// The `mailto:` URI (RFC 6068) of one e-mail address, written as the
/// record gives it: what a `mailto:` address may not hold unescaped (space,
/// `<`, `#`, `%`, `?`, `,` between addresses, …) is percent-encoded, so
/// that `Ada <ada@example.org>` is `mailto:Ada%20%3Cada@example.org%3E`.
pub(crate) fn mailto(address: &str) -> String {
    let address = encode(address, |c| unreserved(c) || "!$'()*+;:@".contains(c));
    format!("mailto:{address}")
}

/// Whether `c` is one of RFC 3987's `ucschar`, the characters beyond ASCII
/// an IRI path may hold: not controls, private use, surrogates or
/// noncharacters; and not a bidirectional formatting character, which an
/// IRI must not hold (RFC 3987 §4.1: LRM, RLM, LRE to RLO; and the
/// isolates Unicode added since, LRI to PDI), as they reorder the text
/// around them (`a\u{202e}txt.exe` shows as `aexe.txt`).
fn in_iri(c: char) -> bool {
    let c = u32::from(c);
    let bidi = matches!(c, 0x200E | 0x200F | 0x202A..=0x202E | 0x2066..=0x2069);
    !bidi
        && (matches!(c, 0xA0..=0xD7FF | 0xF900..=0xFDCF | 0xFDF0..=0xFFEF)
            || (0x10000..=0xEFFFD).contains(&c)
                && c & 0xFFFF <= 0xFFFD
                && !(0xE0000..=0xE0FFF).contains(&c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_e_mail_address_is_escaped_as_a_mailto_needs() {
        assert_eq!(mailto("ada@example.org"), "mailto:ada@example.org");
        assert_eq!(
            mailto("Ada <a.b+c@example.org>"),
            "mailto:Ada%20%3Ca.b+c@example.org%3E"
        );
        assert_eq!(
            mailto("a#1%x?y&z=1,b/c@пример.рф"),
            "mailto:a%231%25x%3Fy%26z%3D1%2Cb%2Fc@пример.рф"
        );
    }
}
