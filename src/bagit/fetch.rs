//! `fetch.txt`: where the files missing from a "holey" bag can be
//! downloaded (RFC 8493 §2.2.3). corpack reads it and never downloads.

use super::manifest::decode_path;

/// One line of `fetch.txt`: `URL LENGTH FILEPATH`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchEntry {
    /// Where the file can be fetched from: an absolute URI.
    pub url: String,
    /// Its size in bytes, or `None` for `-` (unspecified).
    pub length: Option<u64>,
    /// The payload path it fills, relative to the bag root, decoded.
    pub path: String,
}

/// Parses one line of `fetch.txt`: a URL, a length (digits or `-`) and the
/// path, separated by spaces or tabs; the path may hold spaces and is
/// percent-decoded as in manifests.
pub fn parse_line(line: &str, decode_percent: bool) -> Result<FetchEntry, String> {
    if line.starts_with([' ', '\t']) {
        return Err(format!(
            "the line starts with white space, where a line is `URL LENGTH FILEPATH`: {line:?}"
        ));
    }
    let fields = || format!("expected `URL LENGTH FILEPATH`, found {line:?}");
    let (url, length, path) = split_fields(line).ok_or_else(fields)?;
    if !is_absolute_uri(url) {
        return Err(format!("{url:?} is not an absolute URL"));
    }
    let length = match length {
        "-" => None,
        digits if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => Some(
            digits
                .parse()
                .map_err(|_| format!("length {digits} is too large"))?,
        ),
        other => return Err(format!("length {other:?} is neither a number nor -")),
    };
    if path.is_empty() {
        return Err(fields());
    }
    Ok(FetchEntry {
        url: url.to_string(),
        length,
        path: decode_path(path, decode_percent),
    })
}

/// The three fields of a line as written (the path still encoded), if it
/// has three.
pub fn split_fields(line: &str) -> Option<(&str, &str, &str)> {
    let (url, rest) = line.split_once([' ', '\t'])?;
    let (length, path) = rest
        .trim_start_matches([' ', '\t'])
        .split_once([' ', '\t'])?;
    Some((url, length, path.trim_start_matches([' ', '\t'])))
}

/// Whether `url` starts with a scheme (RFC 3986 §3.1) and a colon.
fn is_absolute_uri(url: &str) -> bool {
    let Some((scheme, rest)) = url.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        && !rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_url_length_and_a_path_with_spaces() {
        let entry = parse_line("http://example.org/a%20b 12\tdata/test 1.txt", true).unwrap();
        assert_eq!(entry.url, "http://example.org/a%20b");
        assert_eq!(entry.length, Some(12));
        assert_eq!(entry.path, "data/test 1.txt");
        let entry = parse_line("https://x.org/y - data/100%25", true).unwrap();
        assert_eq!((entry.length, entry.path.as_str()), (None, "data/100%"));
    }

    #[test]
    fn rejects_what_is_not_url_length_path() {
        for bad in [
            "",
            "http://x.org/a 12",
            "not-a-url 12 data/a",
            "/relative/url 12 data/a",
            "http://x.org/a twelve data/a",
            "http://x.org/a -1 data/a",
            "http://x.org/a 99999999999999999999999 data/a",
        ] {
            assert!(parse_line(bad, true).is_err(), "{bad:?} accepted");
        }
        let message = parse_line(" http://x.org/a 1 data/a", true).unwrap_err();
        assert!(
            message.starts_with("the line starts with white space"),
            "{message}"
        );
    }
}
