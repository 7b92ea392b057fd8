//! Checksums: the algorithms BagIt names, and hashing one read into several.
//!
//! corpack writes SHA-256 and SHA-512 manifests. It verifies the checksums
//! of the algorithms below (MD5 and SHA-1 accepted but flagged as weak);
//! a manifest of any other algorithm (`blake3`, …) is read, and
//! its checksums are left unverified (`algorithm-unsupported`).

use blake2::{Blake2b512, Blake2s256};
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384};
use strum::{Display, EnumIter, EnumString, IntoStaticStr};

pub use self::batch::Sha512Batch;
pub use self::lanes::{LANES, Sha512Lanes};
pub use self::sha512::Sha512;

mod batch;
pub mod chunks;
mod lanes;
mod sha512;

/// A checksum algorithm, named as in BagIt manifest file names.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Display,
    EnumString,
    EnumIter,
    IntoStaticStr,
    serde::Serialize,
)]
#[strum(serialize_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum Algorithm {
    /// MD5 (weak).
    Md5,
    /// SHA-1 (weak).
    Sha1,
    /// SHA-224.
    Sha224,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
    /// BLAKE2b-512, also read from `blake2b`, the name bagit-python gives
    /// it (Python's `hashlib.blake2b`, whose digest is 512 bits).
    #[strum(to_string = "blake2b512", serialize = "blake2b")]
    #[serde(rename = "blake2b512")]
    Blake2b512,
    /// BLAKE2s-256, also read from `blake2s`, the name bagit-python gives
    /// it (Python's `hashlib.blake2s`, whose digest is 256 bits).
    #[strum(to_string = "blake2s256", serialize = "blake2s")]
    #[serde(rename = "blake2s256")]
    Blake2s256,
}

impl Algorithm {
    /// The length of a digest in hexadecimal digits.
    pub fn hex_len(self) -> usize {
        match self {
            Algorithm::Md5 => 32,
            Algorithm::Sha1 => 40,
            Algorithm::Sha224 => 56,
            Algorithm::Sha256 | Algorithm::Blake2s256 => 64,
            Algorithm::Sha384 => 96,
            Algorithm::Sha512 | Algorithm::Blake2b512 => 128,
        }
    }

    /// Whether the algorithm is no longer collision resistant.
    pub fn is_weak(self) -> bool {
        matches!(self, Algorithm::Md5 | Algorithm::Sha1)
    }

    /// A fresh hasher for this algorithm.
    pub fn hasher(self) -> Hasher {
        match self {
            Algorithm::Md5 => Hasher::Md5(Md5::new()),
            Algorithm::Sha1 => Hasher::Sha1(Sha1::new()),
            Algorithm::Sha224 => Hasher::Sha224(Sha224::new()),
            Algorithm::Sha256 => Hasher::Sha256(Sha256::new()),
            Algorithm::Sha384 => Hasher::Sha384(Sha384::new()),
            Algorithm::Sha512 => Hasher::Sha512(Sha512::new()),
            Algorithm::Blake2b512 => Hasher::Blake2b512(Blake2b512::new()),
            Algorithm::Blake2s256 => Hasher::Blake2s256(Blake2s256::new()),
        }
    }
}

/// A running hash of one algorithm.
#[derive(Clone)]
pub enum Hasher {
    /// MD5.
    Md5(Md5),
    /// SHA-1.
    Sha1(Sha1),
    /// SHA-224.
    Sha224(Sha224),
    /// SHA-256.
    Sha256(Sha256),
    /// SHA-384.
    Sha384(Sha384),
    /// SHA-512.
    Sha512(Sha512),
    /// BLAKE2b-512.
    Blake2b512(Blake2b512),
    /// BLAKE2s-256.
    Blake2s256(Blake2s256),
}

impl Hasher {
    /// Feeds bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Md5(h) => h.update(bytes),
            Hasher::Sha1(h) => h.update(bytes),
            Hasher::Sha224(h) => h.update(bytes),
            Hasher::Sha256(h) => h.update(bytes),
            Hasher::Sha384(h) => h.update(bytes),
            Hasher::Sha512(h) => h.update(bytes),
            Hasher::Blake2b512(h) => h.update(bytes),
            Hasher::Blake2s256(h) => h.update(bytes),
        }
    }

    /// The digest in lowercase hex.
    pub fn finish_hex(self) -> String {
        hex::encode(self.finish())
    }

    /// The digest.
    pub fn finish(self) -> Vec<u8> {
        match self {
            Hasher::Md5(h) => h.finalize().to_vec(),
            Hasher::Sha1(h) => h.finalize().to_vec(),
            Hasher::Sha224(h) => h.finalize().to_vec(),
            Hasher::Sha256(h) => h.finalize().to_vec(),
            Hasher::Sha384(h) => h.finalize().to_vec(),
            Hasher::Sha512(h) => h.finalize().to_vec(),
            Hasher::Blake2b512(h) => h.finalize().to_vec(),
            Hasher::Blake2s256(h) => h.finalize().to_vec(),
        }
    }
}

/// Several hashers fed by the same reads.
#[derive(Clone)]
pub struct MultiHasher {
    hashers: Vec<(Algorithm, Hasher)>,
}

impl MultiHasher {
    /// Hashers for each of `algorithms`.
    pub fn new(algorithms: impl IntoIterator<Item = Algorithm>) -> MultiHasher {
        MultiHasher {
            hashers: algorithms.into_iter().map(|a| (a, a.hasher())).collect(),
        }
    }

    /// Feeds bytes to every hasher; large buffers are hashed in parallel.
    pub fn update(&mut self, bytes: &[u8]) {
        if bytes.len() >= PARALLEL_UPDATE_MIN && self.hashers.len() > 1 {
            update_parallel(&mut self.hashers, bytes);
        } else {
            for (_, hasher) in &mut self.hashers {
                hasher.update(bytes);
            }
        }
    }

    /// The digests, in lowercase hex, in the order of the algorithms given.
    pub fn finish(self) -> Vec<(Algorithm, String)> {
        self.hashers
            .into_iter()
            .map(|(algorithm, hasher)| (algorithm, hasher.finish_hex()))
            .collect()
    }

    /// The digests, in the order of the algorithms given.
    pub fn finish_bytes(self) -> Vec<(Algorithm, Vec<u8>)> {
        self.hashers
            .into_iter()
            .map(|(algorithm, hasher)| (algorithm, hasher.finish()))
            .collect()
    }
}

/// Buffers at least this long are worth spreading over threads.
const PARALLEL_UPDATE_MIN: usize = 256 * 1024;

/// Runs `a` and `b`, in parallel when a core may be free. Inside a rayon
/// pool, `rayon::join` lets an idle worker steal `b` and costs nothing when
/// none is idle. Outside one, a scoped thread: a rayon call from a thread
/// of another pool would wake rayon's workers, which then spin competing
/// with the caller's own threads for the cores.
fn both(a: impl FnOnce() + Send, b: impl FnOnce() + Send) {
    if rayon::current_thread_index().is_some() {
        rayon::join(a, b);
    } else {
        std::thread::scope(|scope| {
            scope.spawn(b);
            a();
        });
    }
}

fn update_parallel(hashers: &mut [(Algorithm, Hasher)], bytes: &[u8]) {
    match hashers {
        [] => {}
        [(_, only)] => only.update(bytes),
        _ => {
            let (left, right) = hashers.split_at_mut(hashers.len() / 2);
            both(
                || update_parallel(left, bytes),
                || update_parallel(right, bytes),
            );
        }
    }
}

/// The two digests corpack records for every file.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Digests {
    /// SHA-256, lowercase hex.
    pub sha256: String,
    /// SHA-512, lowercase hex.
    pub sha512: String,
}

impl Digests {
    /// Both digests of `bytes`.
    pub fn of(bytes: &[u8]) -> Digests {
        let mut hasher = DigestsHasher::new();
        hasher.update(bytes);
        hasher.finish()
    }

    /// The digest for `algorithm`, if corpack records it.
    pub fn get(&self, algorithm: Algorithm) -> Option<&str> {
        match algorithm {
            Algorithm::Sha256 => Some(&self.sha256),
            Algorithm::Sha512 => Some(&self.sha512),
            _ => None,
        }
    }
}

/// SHA-256 and SHA-512 fed by the same reads.
#[derive(Clone)]
pub struct DigestsHasher {
    sha256: Sha256,
    sha512: Sha512,
}

impl Default for DigestsHasher {
    fn default() -> Self {
        DigestsHasher::new()
    }
}

impl DigestsHasher {
    /// A fresh pair.
    pub fn new() -> DigestsHasher {
        DigestsHasher {
            sha256: Sha256::new(),
            sha512: Sha512::new(),
        }
    }

    /// Feeds bytes to both; large buffers are hashed on two threads.
    pub fn update(&mut self, bytes: &[u8]) {
        if bytes.len() >= PARALLEL_UPDATE_MIN {
            let DigestsHasher { sha256, sha512 } = self;
            both(|| sha256.update(bytes), || sha512.update(bytes));
        } else {
            self.update_here(bytes);
        }
    }

    /// Feeds bytes to both on this thread alone, for a caller whose other
    /// threads keep every core busy: a second thread per buffer would only
    /// add switching.
    pub fn update_here(&mut self, bytes: &[u8]) {
        self.sha256.update(bytes);
        self.sha512.update(bytes);
    }

    /// Both digests in lowercase hex.
    pub fn finish(self) -> Digests {
        self.finish_binary().to_hex()
    }

    /// Both digests in binary.
    pub fn finish_binary(self) -> FileDigests {
        FileDigests {
            sha256: self.sha256.finalize().into(),
            sha512: self.sha512.finalize(),
        }
    }
}

/// Both digests in binary: 96 bytes and no allocation, for the tables of
/// a large collection that hold them for every file. Hex is made only
/// where it is written out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileDigests {
    sha256: [u8; 32],
    sha512: [u8; 64],
}

impl FileDigests {
    /// The two digests, computed apart.
    pub fn new(sha256: [u8; 32], sha512: [u8; 64]) -> FileDigests {
        FileDigests { sha256, sha512 }
    }

    /// The SHA-256 in binary.
    pub fn sha256(&self) -> &[u8; 32] {
        &self.sha256
    }

    /// The SHA-512 in binary.
    pub fn sha512(&self) -> &[u8; 64] {
        &self.sha512
    }

    /// Both digests of `bytes`.
    pub fn of(bytes: &[u8]) -> FileDigests {
        let mut hasher = DigestsHasher::new();
        hasher.update(bytes);
        hasher.finish_binary()
    }

    /// Both, in lowercase hex.
    pub fn to_hex(&self) -> Digests {
        // Through a buffer: `hex::encode` collects a character at a time,
        // 4% of the CPU writing the RO-Crate of 40,000 documents, which asks
        // for each document's digests four times.
        let mut buffer = [0; 128];
        let mut hex = |algorithm| {
            self.hex_in(algorithm, &mut buffer)
                .expect("both are recorded")
                .to_owned()
        };
        Digests {
            sha256: hex(Algorithm::Sha256),
            sha512: hex(Algorithm::Sha512),
        }
    }

    /// The digest for `algorithm` in binary, if corpack records it.
    pub fn get(&self, algorithm: Algorithm) -> Option<&[u8]> {
        match algorithm {
            Algorithm::Sha256 => Some(&self.sha256),
            Algorithm::Sha512 => Some(&self.sha512),
            _ => None,
        }
    }

    /// The digest for `algorithm` in lowercase hex, written into `buffer`,
    /// if corpack records it.
    pub fn hex_in<'b>(&self, algorithm: Algorithm, buffer: &'b mut [u8; 128]) -> Option<&'b str> {
        let bytes = self.get(algorithm)?;
        let hex = &mut buffer[..2 * bytes.len()];
        hex::encode_to_slice(bytes, hex).expect("twice the length");
        Some(std::str::from_utf8(hex).expect("hex digits"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn known_digests_of_abc() {
        let expected = [
            (Algorithm::Md5, "900150983cd24fb0d6963f7d28e17f72"),
            (Algorithm::Sha1, "a9993e364706816aba3e25717850c26c9cd0d89d"),
            (
                Algorithm::Sha256,
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
            // RFC 7693, Appendix B.
            (
                Algorithm::Blake2s256,
                "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982",
            ),
        ];
        let mut multi = MultiHasher::new(expected.iter().map(|(a, _)| *a));
        multi.update(b"abc");
        for ((algorithm, digest), (want_algorithm, want)) in multi.finish().iter().zip(expected) {
            assert_eq!(*algorithm, want_algorithm);
            assert_eq!(digest, want);
        }
    }

    #[test]
    fn parallel_and_serial_updates_agree() {
        let bytes: Vec<u8> = (0..3 * PARALLEL_UPDATE_MIN)
            .map(|i| (i * 7) as u8)
            .collect();
        let mut multi = MultiHasher::new(Algorithm::iter());
        multi.update(&bytes);
        let mut serial = MultiHasher::new(Algorithm::iter());
        for chunk in bytes.chunks(1000) {
            serial.update(chunk);
        }
        assert_eq!(multi.finish(), serial.finish());
        let digests = Digests::of(&bytes);
        let mut pair = DigestsHasher::new();
        for chunk in bytes.chunks(999) {
            pair.update(chunk);
        }
        assert_eq!(pair.finish(), digests);
        let mut here = DigestsHasher::new();
        here.update_here(&bytes);
        assert_eq!(here.finish(), digests);
        let binary = FileDigests::of(&bytes);
        assert_eq!(binary.to_hex(), digests);
        let mut buffer = [0; 128];
        assert_eq!(
            binary.hex_in(Algorithm::Sha512, &mut buffer),
            Some(digests.sha512.as_str())
        );
        assert_eq!(
            binary.hex_in(Algorithm::Sha256, &mut buffer),
            Some(digests.sha256.as_str())
        );
        assert_eq!(binary.hex_in(Algorithm::Md5, &mut buffer), None);
    }

    #[test]
    fn hex_lengths_match_the_algorithms() {
        for algorithm in Algorithm::iter() {
            let mut multi = MultiHasher::new([algorithm]);
            multi.update(b"x");
            let bytes = multi.clone().finish_bytes().remove(0).1;
            let hex = multi.finish().remove(0).1;
            assert_eq!(hex.len(), algorithm.hex_len());
            assert_eq!(hex::encode(bytes), hex);
        }
    }
}
