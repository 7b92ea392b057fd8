//! BagIt (RFC 8493): tag files, manifests and the bag's layout rules.
//!
//! This module knows the text formats; reading a whole bag and judging it
//! is [`crate::verify`]'s job, writing one is [`crate::bundle`]'s.

pub mod declaration;
pub mod fetch;
pub mod manifest;
pub mod path;
pub mod tagfile;
pub mod text;

use std::fmt;
use std::str::FromStr;

/// The version of BagIt that corpack writes.
pub const BAGIT_VERSION: &str = "1.0";

/// The text of the `bagit.txt` corpack writes.
pub const BAGIT_TXT: &str = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";

/// The `Payload-Oxum` of a bag: payload octets and file count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PayloadOxum {
    /// Total size of the payload files in bytes.
    pub octets: u64,
    /// Number of payload files.
    pub files: u64,
}

impl PayloadOxum {
    /// Counts one more payload file of `size` bytes.
    pub fn add(&mut self, size: u64) {
        self.octets += size;
        self.files += 1;
    }
}

impl fmt::Display for PayloadOxum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.octets, self.files)
    }
}

/// A `Payload-Oxum` as a bag states it: `OctetCount.StreamCount` (RFC 8493
/// §2.2.2), each count one or more digits. The RFC bounds neither, so a
/// count may be larger than a `u64` holds: it is then `None`, a count no
/// payload corpack reads can have, where each file's size and the number of
/// files are `u64`s. It is never made `u64::MAX`, which a payload may have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatedOxum {
    /// The octet count, or `None` if it is larger than a `u64` holds.
    pub octets: Option<u64>,
    /// The stream (file) count, or `None` if it is larger than a `u64`
    /// holds.
    pub files: Option<u64>,
}

impl StatedOxum {
    /// The stated counts, if both fit in a `u64`.
    pub fn counts(self) -> Option<PayloadOxum> {
        Some(PayloadOxum {
            octets: self.octets?,
            files: self.files?,
        })
    }
}

impl FromStr for StatedOxum {
    type Err = String;

    fn from_str(text: &str) -> Result<StatedOxum, String> {
        // Digits only, so a number that does not parse is one too large.
        let number = |part: &str| -> Option<Option<u64>> {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            Some(part.parse().ok())
        };
        let malformed = || format!("malformed Payload-Oxum {text:?}: expected OCTETS.FILES");
        let (octets, files) = text.split_once('.').ok_or_else(malformed)?;
        match (number(octets), number(files)) {
            (Some(octets), Some(files)) => Ok(StatedOxum { octets, files }),
            _ => Err(malformed()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_oxum_round_trips() {
        let oxum: StatedOxum = "37587.3".parse().unwrap();
        let counts = PayloadOxum {
            octets: 37587,
            files: 3,
        };
        assert_eq!(oxum.counts(), Some(counts));
        assert_eq!(counts.to_string(), "37587.3");
        assert_eq!(
            "007.03".parse::<StatedOxum>().unwrap().counts(),
            Some(PayloadOxum {
                octets: 7,
                files: 3
            })
        );
        for bad in [
            "", "1", "1.", ".1", "1.2.3", "-1.2", "+1.2", "1 .2", "a.b", "1.2 ",
        ] {
            assert!(bad.parse::<StatedOxum>().is_err(), "{bad:?} accepted");
        }
    }

    /// A count larger than a `u64` holds is well formed, and no count.
    #[test]
    fn a_count_too_large_for_a_u64_is_none() {
        let max = u64::MAX.to_string();
        let past = "18446744073709551616";
        let oxum = |text: &str| text.parse::<StatedOxum>().unwrap();
        assert_eq!(
            oxum(&format!("{max}.{max}")).counts(),
            Some(PayloadOxum {
                octets: u64::MAX,
                files: u64::MAX
            })
        );
        let stated = [
            (format!("{past}.1"), None, Some(1)),
            (format!("1.{past}"), Some(1), None),
            (format!("{}.{past}", "9".repeat(100)), None, None),
        ];
        for (text, octets, files) in stated {
            assert_eq!(oxum(&text), StatedOxum { octets, files }, "{text}");
            assert_eq!(oxum(&text).counts(), None, "{text}");
        }
        assert!(format!("{past}.x").parse::<StatedOxum>().is_err());
    }
}
