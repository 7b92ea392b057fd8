//! The digest algorithms an OCFL object may name: `sha512` and `sha256` for
//! content addressing, and for fixity those of the specification's table
//! plus extension 0001's; and 0009's `size`, which is no digest.

use std::io::{self, Read, Write};

use blake2::Blake2b;
use blake2::digest::DynDigest;
use blake2::digest::consts::{U20, U32, U48, U64};
use md5::Md5;
use sha1::Sha1;
use sha2::{Sha256, Sha512, Sha512_256};
use strum::{Display, EnumString, IntoStaticStr};

use crate::digest::chunks::for_each_chunk;

/// A digest algorithm by its OCFL name.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Display, EnumString, IntoStaticStr,
)]
pub enum DigestAlgorithm {
    /// MD5 (fixity only; insecure).
    #[strum(serialize = "md5")]
    Md5,
    /// SHA-1 (fixity only; insecure).
    #[strum(serialize = "sha1")]
    Sha1,
    /// SHA-256.
    #[strum(serialize = "sha256")]
    Sha256,
    /// SHA-512, the default.
    #[strum(serialize = "sha512")]
    Sha512,
    /// BLAKE2b with a 512-bit digest.
    #[strum(serialize = "blake2b-512")]
    Blake2b512,
    /// BLAKE2b with a 160-bit digest (extension 0001).
    #[strum(serialize = "blake2b-160")]
    Blake2b160,
    /// BLAKE2b with a 256-bit digest (extension 0001).
    #[strum(serialize = "blake2b-256")]
    Blake2b256,
    /// BLAKE2b with a 384-bit digest (extension 0001).
    #[strum(serialize = "blake2b-384")]
    Blake2b384,
    /// SHA-512/256 (extension 0001).
    #[strum(serialize = "sha512/256")]
    Sha512_256,
}

impl DigestAlgorithm {
    /// Whether the specification allows it for content addressing (E025).
    pub fn addresses_content(self) -> bool {
        matches!(self, DigestAlgorithm::Sha512 | DigestAlgorithm::Sha256)
    }

    /// How many hex digits its digests have.
    pub fn hex_length(self) -> usize {
        self.hasher().output_size() * 2
    }

    fn hasher(self) -> Box<dyn DynDigest + Send> {
        match self {
            DigestAlgorithm::Md5 => Box::new(Md5::default()),
            DigestAlgorithm::Sha1 => Box::new(Sha1::default()),
            DigestAlgorithm::Sha256 => Box::new(Sha256::default()),
            DigestAlgorithm::Sha512 => Box::new(Sha512::default()),
            DigestAlgorithm::Blake2b512 => Box::new(Blake2b::<U64>::default()),
            DigestAlgorithm::Blake2b160 => Box::new(Blake2b::<U20>::default()),
            DigestAlgorithm::Blake2b256 => Box::new(Blake2b::<U32>::default()),
            DigestAlgorithm::Blake2b384 => Box::new(Blake2b::<U48>::default()),
            DigestAlgorithm::Sha512_256 => Box::new(Sha512_256::default()),
        }
    }
}

/// Extension 0009's `size`: a file's size in bytes, checked against the
/// size the file system gives rather than computed.
pub const SIZE: &str = "size";

/// Whether `name` is in the fixity vocabulary (§3.5.4, E056): the
/// specification's table or extension 0009's, which is extension 0001's
/// with `size`.
pub fn is_fixity_name(name: &str) -> bool {
    name == SIZE || name.parse::<DigestAlgorithm>().is_ok()
}

/// Whether `value` is of the form extension 0009 gives `size`: a decimal
/// number with no padding (`0` for an empty file).
pub fn is_size_value(value: &str) -> bool {
    let digits = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
    digits && (value == "0" || !value.starts_with('0'))
}

/// Reads `reader` to its end once, hashing with every one of `algorithms`;
/// `advance` is told of each chunk's length. Returns the size and the
/// lowercase hex digests, in the order of `algorithms`.
pub fn digest_reader(
    reader: &mut dyn Read,
    algorithms: &[DigestAlgorithm],
    advance: &dyn Fn(u64),
) -> io::Result<(u64, Vec<String>)> {
    let mut hashers: Vec<_> = algorithms.iter().map(|a| a.hasher()).collect();
    let size = for_each_chunk(reader, |bytes| {
        for hasher in &mut hashers {
            hasher.update(bytes);
        }
        advance(bytes.len() as u64);
        Ok(())
    })?;
    let digests = hashers
        .into_iter()
        .map(|hasher| hex::encode(hasher.finalize()))
        .collect();
    Ok((size, digests))
}

/// A writer that hashes what goes through it.
pub struct DigestWriter<W> {
    inner: W,
    hasher: Box<dyn DynDigest + Send>,
}

impl<W: Write> DigestWriter<W> {
    /// Hashes by `algorithm` what is written to `inner`.
    pub fn new(algorithm: DigestAlgorithm, inner: W) -> DigestWriter<W> {
        DigestWriter {
            inner,
            hasher: algorithm.hasher(),
        }
    }

    /// The writer, and the digest in lowercase hex of what was written.
    pub fn finish(self) -> (W, String) {
        (self.inner, hex::encode(self.hasher.finalize()))
    }
}

impl<W: Write> Write for DigestWriter<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(bytes)?;
        self.hasher.update(&bytes[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The digest of `bytes` in lowercase hex.
pub fn digest_bytes(algorithm: DigestAlgorithm, bytes: &[u8]) -> String {
    let mut hasher = algorithm.hasher();
    hasher.update(bytes);
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_of_nothing_are_the_specifications_examples() {
        // The zero-length examples of the OCFL 1.1 specification (§3.4) and
        // extension 0001.
        let starts = [
            (DigestAlgorithm::Md5, "d41d8cd98f00b204e9800998ecf8427e"),
            (
                DigestAlgorithm::Sha1,
                "da39a3ee5e6b4b0d3255bfef95601890afd80709",
            ),
            (
                DigestAlgorithm::Sha256,
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4",
            ),
            (
                DigestAlgorithm::Sha512,
                "cf83e1357eefb8bdf1542850d66d8007d620e405",
            ),
            (
                DigestAlgorithm::Blake2b512,
                "786a02f742015903c6c6fd852552d272912f4740",
            ),
            (
                DigestAlgorithm::Blake2b160,
                "3345524abf6bbe1809449224b5972c41790b6cf2",
            ),
            (
                DigestAlgorithm::Blake2b256,
                "0e5751c026e543b2e8ab2eb06099daa1d1e5df47",
            ),
            (
                DigestAlgorithm::Blake2b384,
                "b32811423377f52d7862286ee1a72ee540524380",
            ),
        ];
        for (algorithm, start) in starts {
            let digest = digest_bytes(algorithm, b"");
            assert!(digest.starts_with(start), "{algorithm}: {digest}");
        }
    }

    #[test]
    fn one_read_gives_every_digest() {
        let algorithms = [DigestAlgorithm::Sha512, DigestAlgorithm::Md5];
        let advanced = std::sync::atomic::AtomicU64::new(0);
        let (size, digests) = digest_reader(&mut &b"abc"[..], &algorithms, &|n| {
            advanced.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
        })
        .unwrap();
        assert_eq!(size, 3);
        assert_eq!(advanced.into_inner(), 3);
        assert_eq!(digests[0], digest_bytes(DigestAlgorithm::Sha512, b"abc"));
        assert_eq!(digests[1], "900150983cd24fb0d6963f7d28e17f72");
    }

    #[test]
    fn names_are_the_specifications() {
        assert_eq!(
            "blake2b-512".parse::<DigestAlgorithm>().unwrap(),
            DigestAlgorithm::Blake2b512
        );
        assert_eq!(DigestAlgorithm::Sha512_256.to_string(), "sha512/256");
        assert!("SHA512".parse::<DigestAlgorithm>().is_err());
        assert!(DigestAlgorithm::Sha256.addresses_content());
        assert!(!DigestAlgorithm::Md5.addresses_content());
        assert_eq!(DigestAlgorithm::Sha512.hex_length(), 128);
        assert_eq!(DigestAlgorithm::Blake2b160.hex_length(), 40);
    }

    #[test]
    fn sizes_are_unpadded_decimal_numbers() {
        for value in ["0", "7", "2021", "99999999999999999999999"] {
            assert!(is_size_value(value), "{value}");
        }
        for value in ["", "00", "0272", "+1", "-1", "1e3", "0x10", " 1", "1.0"] {
            assert!(!is_size_value(value), "{value}");
        }
    }
}
