//! `fetch.txt`: where the files missing from a "holey" bag can be
//! downloaded (RFC 8493 §2.2.3). corpack reads it and never downloads.

use super::manifest::decode_path;

/// One line of `fetch.txt`: `URL LENGTH FILEPATH`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchEntry {
    /// Where the file can be fetched from: an absolute URI.
    pub url: String,
    /// Its size in bytes, as the line gives it.
    pub length: FetchLength,
    /// The payload path it fills, relative to the bag root, decoded.
    pub path: String,
}

/// The LENGTH of a `fetch.txt` line: "the number of octets in the file"
/// or `-` (RFC 8493 §2.2.3). The RFC bounds no number, so one may be larger
/// than a `u64` holds: it is then [`FetchLength::TooLarge`], a length no
/// file corpack reads can have, whose sizes are `u64`s. It is never made
/// `u64::MAX`, which a file may have (see [`super::StatedOxum`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FetchLength {
    /// `-`: the length is not given.
    Unspecified,
    /// A number of octets.
    Octets(u64),
    /// A number of octets larger than a `u64` holds.
    TooLarge,
}

impl FetchLength {
    /// The number of octets, if one is given and fits in a `u64`.
    pub fn octets(self) -> Option<u64> {
        match self {
            FetchLength::Octets(octets) => Some(octets),
            FetchLength::Unspecified | FetchLength::TooLarge => None,
        }
    }
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
    // Digits only, so a number that does not parse is one too large.
    let length = match length {
        "-" => FetchLength::Unspecified,
        digits if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => digits
            .parse()
            .map_or(FetchLength::TooLarge, FetchLength::Octets),
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
        assert_eq!(entry.length, FetchLength::Octets(12));
        assert_eq!(entry.path, "data/test 1.txt");
        let entry = parse_line("https://x.org/y - data/100%25", true).unwrap();
        assert_eq!(
            (entry.length, entry.path.as_str()),
            (FetchLength::Unspecified, "data/100%")
        );
    }

    /// A length larger than a `u64` holds is well formed, and no length a
    /// file can have; `u64::MAX` itself is one.
    #[test]
    fn a_length_too_large_for_a_u64_is_too_large() {
        let length = |digits: &str| {
            parse_line(&format!("http://x.org/a {digits} data/a"), true)
                .unwrap()
                .length
        };
        let max = u64::MAX.to_string();
        assert_eq!(length(&max), FetchLength::Octets(u64::MAX));
        assert_eq!(length(&format!("000{max}")), FetchLength::Octets(u64::MAX));
        for past in [
            "18446744073709551616",
            "99999999999999999999999",
            &"9".repeat(200),
        ] {
            assert_eq!(length(past), FetchLength::TooLarge, "{past}");
            assert_eq!(length(past).octets(), None, "{past}");
        }
        assert_eq!(length("0").octets(), Some(0));
        assert_eq!(length("-").octets(), None);
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
            "http://x.org/a +1 data/a",
            "http://x.org/a 1e30 data/a",
            "http://x.org/a 99999999999999999999999x data/a",
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
