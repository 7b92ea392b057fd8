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

impl FromStr for PayloadOxum {
    type Err = String;

    fn from_str(text: &str) -> Result<PayloadOxum, String> {
        let number = |part: &str| -> Option<u64> {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            part.parse().ok()
        };
        match text.split_once('.') {
            Some((octets, files)) => match (number(octets), number(files)) {
                (Some(octets), Some(files)) => Ok(PayloadOxum { octets, files }),
                _ => Err(format!(
                    "malformed Payload-Oxum {text:?}: expected OCTETS.FILES"
                )),
            },
            None => Err(format!(
                "malformed Payload-Oxum {text:?}: expected OCTETS.FILES"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_oxum_round_trips() {
        let oxum: PayloadOxum = "37587.3".parse().unwrap();
        assert_eq!(
            oxum,
            PayloadOxum {
                octets: 37587,
                files: 3
            }
        );
        assert_eq!(oxum.to_string(), "37587.3");
        for bad in ["", "1", "1.", ".1", "1.2.3", "-1.2", "1 .2", "a.b"] {
            assert!(bad.parse::<PayloadOxum>().is_err(), "{bad:?} accepted");
        }
    }
}
