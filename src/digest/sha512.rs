//! SHA-512, which takes most of the time of hashing both digests.
//!
//! On the benchmark machine (BENCHMARKS.md), one thread over 1 MiB
//! buffers: the `sha2` crate's AVX2 code ran at 390–520 MiB/s, `ring` and
//! `aws-lc-rs` no faster, the system's OpenSSL 3.0 libcrypto at 610–800
//! MiB/s, as bagit-python gets through `hashlib`. With the `openssl` feature
//! (on by default) SHA-512 comes from libcrypto; without it, from `sha2`,
//! which needs no C library.

/// A running SHA-512.
#[derive(Clone)]
pub struct Sha512(Inner);

#[cfg(feature = "openssl")]
type Inner = openssl::sha::Sha512;
#[cfg(not(feature = "openssl"))]
type Inner = sha2::Sha512;

impl Default for Sha512 {
    fn default() -> Self {
        Sha512::new()
    }
}

impl Sha512 {
    /// A fresh hash.
    pub fn new() -> Sha512 {
        #[cfg(feature = "openssl")]
        return Sha512(openssl::sha::Sha512::new());
        #[cfg(not(feature = "openssl"))]
        return Sha512(<sha2::Sha512 as sha2::Digest>::new());
    }

    /// Feeds bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        #[cfg(feature = "openssl")]
        self.0.update(bytes);
        #[cfg(not(feature = "openssl"))]
        sha2::Digest::update(&mut self.0, bytes);
    }

    /// The digest.
    pub fn finalize(self) -> [u8; 64] {
        #[cfg(feature = "openssl")]
        return self.0.finish();
        #[cfg(not(feature = "openssl"))]
        return sha2::Digest::finalize(self.0).into();
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use sha2::Digest;

    use super::*;

    proptest! {
        /// Whichever library computes it, the digest is the `sha2` crate's,
        /// however the bytes are split between updates.
        #[test]
        fn agrees_with_sha2(bytes in prop::collection::vec(any::<u8>(), 0..600), split in 0usize..600) {
            let split = split.min(bytes.len());
            let mut ours = Sha512::new();
            ours.update(&bytes[..split]);
            ours.update(&bytes[split..]);
            let theirs: [u8; 64] = sha2::Sha512::digest(&bytes).into();
            prop_assert_eq!(ours.finalize(), theirs);
        }
    }

    #[test]
    fn a_known_digest() {
        let mut hash = Sha512::new();
        hash.update(b"abc");
        assert_eq!(
            hex::encode(hash.finalize()),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a\
             2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        );
    }
}
