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
    unreserved(c) || sub_delim(c) || ":@".contains(c)
}

/// The `mailto:` URI (RFC 6068) of one e-mail address, written as the
/// record gives it: what a `mailto:` address may not hold unescaped (space,
/// `<`, `#`, `%`, `?`, `,` between addresses, …) is percent-encoded, so
/// that `Ada <ada@example.org>` is `mailto:Ada%20%3Cada@example.org%3E`.
pub(crate) fn mailto(address: &str) -> String {
    let address = encode(address, |c| unreserved(c) || "!$'()*+;:@".contains(c));
    format!("mailto:{address}")
}

/// An http(s) URL as written, made an IRI: a URL may be written with what
/// no IRI holds where it stands, which is percent-encoded there as a
/// browser would send it, so that the IRI names the resource the URL does:
/// a `%` that starts no escape (`50%` is `50%25`), `[` and `]` but around
/// an IP-literal host (`http://[::1]/a[1]` is `http://[::1]/a%5B1%5D`), a
/// `#` within the fragment, `@` within the user name, and characters beyond
/// ASCII that RFC 3987 keeps out of an IRI (see [`in_iri`]). An escape
/// already written (`%5B`) is kept, so that a URL that is an IRI is
/// unchanged. `None` for text that is not an http(s) URL, or holds white
/// space, a control character or any of `<>"{}|\^`` (which no URL holds
/// as written, as text would), a port that is not a number, or an IPv6
/// address with a zone id (see [`has_zone_id`]).
pub(crate) fn http_url(text: &str) -> Option<String> {
    let (scheme, rest) = ["https://", "http://"]
        .into_iter()
        .find_map(|scheme| Some((scheme, text.strip_prefix(scheme)?)))?;
    let not_in_url = |c: char| c.is_whitespace() || c.is_control() || "<>\"{}|\\^`".contains(c);
    if text.contains(not_in_url) {
        return None;
    }
    let (authority, rest) = rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()));
    let (user, host_port) = match authority.rsplit_once('@') {
        Some((user, host_port)) => (Some(user), host_port),
        None => (None, authority),
    };
    let (host, port) = split_port(host_port)?;
    if has_zone_id(host) {
        return None;
    }
    let mut iri = String::with_capacity(text.len());
    iri.push_str(scheme);
    if let Some(user) = user {
        iri.push_str(&encode_keeping_escapes(user, |c| {
            unreserved(c) || sub_delim(c) || c == ':'
        }));
        iri.push('@');
    }
    if is_ip_literal(host) {
        iri.push_str(host);
    } else {
        iri.push_str(&encode_keeping_escapes(host, |c| {
            unreserved(c) || sub_delim(c)
        }));
    }
    if let Some(port) = port {
        iri.push(':');
        iri.push_str(port);
    }
    // The path and query may hold what a segment does, `/` and `?`; so may
    // the fragment, after its `#`.
    let in_path = |c: char| in_segment(c) || "/?".contains(c);
    let (path, fragment) = match rest.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (rest, None),
    };
    iri.push_str(&encode_keeping_escapes(path, in_path));
    if let Some(fragment) = fragment {
        iri.push('#');
        iri.push_str(&encode_keeping_escapes(fragment, in_path));
    }
    Some(iri)
}

/// A URL's host and port, split at the `:` after the host; `None` when the
/// port is not a number.
fn split_port(host_port: &str) -> Option<(&str, Option<&str>)> {
    let after_literal = host_port
        .starts_with('[')
        .then(|| host_port.find(']'))
        .flatten()
        .map(|close| close + 1);
    let colon = match after_literal {
        Some(end) if host_port[end..].starts_with(':') => Some(end),
        Some(end) if end == host_port.len() => None,
        _ => host_port.rfind(':'),
    };
    let Some(colon) = colon else {
        return Some((host_port, None));
    };
    let port = &host_port[colon + 1..];
    port.bytes()
        .all(|b| b.is_ascii_digit())
        .then_some((&host_port[..colon], Some(port)))
}

/// Whether a host is an IP-literal (RFC 3986 §3.2.2), the one place a
/// URI holds `[` and `]`: an IPv6 address, `[2001:db8::1]`, or a future
/// version's, `[v1.x]` (only its characters are checked).
fn is_ip_literal(host: &str) -> bool {
    let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) else {
        return false;
    };
    match inner.strip_prefix(['v', 'V']) {
        Some(future) => future.split_once('.').is_some_and(|(version, address)| {
            !version.is_empty()
                && version.chars().all(|c| c.is_ascii_hexdigit())
                && !address.is_empty()
                && address
                    .chars()
                    .all(|c| unreserved(c) || sub_delim(c) || c == ':')
        }),
        None => {
            inner.contains(':')
                && inner
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() || ":.".contains(c))
        }
    }
}

/// Whether a host is an IPv6 address with a zone id, `[fe80::1%25eth0]`
/// as RFC 6874 wrote it in a URI (or with a bare `%`, as typed): no
/// IP-literal of RFC 3986 holds a `%`, and RFC 9844 obsoletes RFC 6874. A
/// zone names a network interface of one machine, so such a URL names
/// nothing anywhere else; made an IRI as another bracketed host is
/// (`%5Bfe80%3A%3A1%25eth0%5D`), it would name a host called that, so
/// it is refused instead.
fn has_zone_id(host: &str) -> bool {
    let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) else {
        return false;
    };
    inner
        .split_once('%')
        .is_some_and(|(address, _)| is_ip_literal(&format!("[{address}]")))
}

/// `part` percent-encoded as [`encode`] does but for the escapes already
/// in it: a `%` and two hex digits are kept, another `%` is `%25`.
fn encode_keeping_escapes(part: &str, keep: impl Fn(char) -> bool) -> String {
    let mut encoded = String::with_capacity(part.len());
    let mut rest = part;
    while let Some(at) = rest.find('%') {
        encoded.push_str(&encode(&rest[..at], &keep));
        let escape =
            (rest.get(at + 1..at + 3)).filter(|hex| hex.chars().all(|c| c.is_ascii_hexdigit()));
        match escape {
            Some(hex) => {
                encoded.push('%');
                encoded.push_str(hex);
                rest = &rest[at + 3..];
            }
            None => {
                encoded.push_str("%25");
                rest = &rest[at + 1..];
            }
        }
    }
    encoded.push_str(&encode(rest, &keep));
    encoded
}

/// Whether `c` is one of RFC 3986's sub-delimiters, `!$&'()*+,;=`.
fn sub_delim(c: char) -> bool {
    "!$&'()*+,;=".contains(c)
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

    #[test]
    fn a_url_is_escaped_where_an_iri_may_not_hold_what_it_does() {
        for iri in [
            "https://example.org/",
            "http://example.org",
            "https://user:pw@example.org:8080/a/b;c?q=1&r=(2)#top",
            "https://example.org/a%20b%5B1%5D?q=%25",
            "http://[2001:db8::1]:80/a",
            "http://[v7.a:b]/",
            "https://пример.рф/заметка?q=ü#ß",
        ] {
            assert_eq!(http_url(iri).as_deref(), Some(iri));
        }
        for (url, iri) in [
            ("https://example.org/50%", "https://example.org/50%25"),
            ("https://example.org/%zz%2", "https://example.org/%25zz%252"),
            ("https://example.org/a%ü", "https://example.org/a%25ü"),
            (
                "https://example.org/a[1]?q[]=2#x[3]",
                "https://example.org/a%5B1%5D?q%5B%5D=2#x%5B3%5D",
            ),
            ("http://[::1]/a[1]", "http://[::1]/a%5B1%5D"),
            ("http://[::1]x:80/", "http://%5B%3A%3A1%5Dx:80/"),
            ("http://[host]/", "http://%5Bhost%5D/"),
            ("https://a@b@example.org/", "https://a%40b@example.org/"),
            ("https://example.org/#a#b", "https://example.org/#a%23b"),
            (
                "https://example.org/a\u{202e}txt",
                "https://example.org/a%E2%80%AEtxt",
            ),
            (
                "https://example.org/\u{e000}",
                "https://example.org/%EE%80%80",
            ),
        ] {
            assert_eq!(http_url(url).as_deref(), Some(iri), "{url}");
            assert_eq!(http_url(iri).as_deref(), Some(iri), "{iri}");
        }
        for not_a_url in [
            "example.org",
            "ftp://example.org/",
            "https://example.org/a b",
            "https://example.org/<a>",
            "https://example.org/a|b",
            "https://example.org:http/",
            "https://[::1]:x/",
            "https://[::1]x/",
            // A zone id: RFC 6874's form, and the bare `%` typed.
            "http://[fe80::1%25eth0]/",
            "http://[fe80::1%eth0]:8080/a",
            "http://[fe80::a:1.2.3.4%25%C3%BC]/",
        ] {
            assert_eq!(http_url(not_a_url), None, "{not_a_url}");
        }
    }
}
