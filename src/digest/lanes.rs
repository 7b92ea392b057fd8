//! SHA-512 of several files side by side.
//!
//! Within one stream SHA-512 is sequential, block after block, and it is
//! the slower of the two digests corpack computes (`sha512.rs`). Streams of
//! different files are independent, so on a CPU with AVX-512 eight of them
//! advance together, one per 64-bit lane of a register: about three times
//! the bytes per second of libcrypto's one stream on the benchmark machine
//! (BENCHMARKS.md). Elsewhere each stream is hashed on its own.

use sha2::block_api::compress512;

use super::Sha512;

/// The most streams hashed side by side.
pub const LANES: usize = 8;

/// The bytes of a block.
const BLOCK: usize = 128;

/// Side by side, every lane costs what the widest does: with fewer streams
/// than this having blocks left, they are hashed one by one.
const MIN_SIDE_BY_SIDE: usize = 3;

/// Up to [`LANES`] running SHA-512s, fed together.
pub struct Sha512Lanes(Streams);

enum Streams {
    SideBySide(Box<SideBySide>),
    OneByOne(Vec<Sha512>),
}

impl Sha512Lanes {
    /// `count` fresh hashes, at most [`LANES`].
    pub fn new(count: usize) -> Sha512Lanes {
        assert!(count <= LANES, "{count} streams, at most {LANES}");
        if Sha512Lanes::side_by_side() {
            Sha512Lanes(Streams::SideBySide(Box::new(SideBySide::new(count))))
        } else {
            Sha512Lanes(Streams::OneByOne(
                (0..count).map(|_| Sha512::new()).collect(),
            ))
        }
    }

    /// Feeds `inputs[i]` to stream `i`; one input per stream, empty for a
    /// stream with nothing new.
    pub fn update(&mut self, inputs: &[&[u8]]) {
        match &mut self.0 {
            Streams::SideBySide(streams) => streams.update(inputs),
            Streams::OneByOne(streams) => {
                assert_eq!(inputs.len(), streams.len(), "one input per stream");
                for (stream, input) in streams.iter_mut().zip(inputs) {
                    stream.update(input);
                }
            }
        }
    }

    /// The digest of stream `lane`, which starts again, empty.
    pub fn finish_stream(&mut self, lane: usize) -> [u8; 64] {
        match &mut self.0 {
            Streams::SideBySide(streams) => streams.finish_stream(lane),
            Streams::OneByOne(streams) => std::mem::take(&mut streams[lane]).finalize(),
        }
    }

    /// Whether streams are hashed side by side here, faster than one by
    /// one; if not, hashing files one at a time spreads better over cores.
    pub fn side_by_side() -> bool {
        #[cfg(target_arch = "x86_64")]
        return std::arch::is_x86_feature_detected!("avx512f");
        #[cfg(not(target_arch = "x86_64"))]
        false
    }
}

/// The streams' states, and the part of a block each has been given.
struct SideBySide {
    count: usize,
    state: [[u64; 8]; LANES],
    pending: [[u8; BLOCK]; LANES],
    pending_len: [usize; LANES],
    length: [u128; LANES],
}

/// SHA-512's initial state (FIPS 180-4, 5.3.5).
const INITIAL: [u64; 8] = [
    0x6a09e667f3bcc908,
    0xbb67ae8584caa73b,
    0x3c6ef372fe94f82b,
    0xa54ff53a5f1d36f1,
    0x510e527fade682d1,
    0x9b05688c2b3e6c1f,
    0x1f83d9abfb41bd6b,
    0x5be0cd19137e2179,
];

impl SideBySide {
    fn new(count: usize) -> SideBySide {
        SideBySide {
            count,
            state: [INITIAL; LANES],
            pending: [[0; BLOCK]; LANES],
            pending_len: [0; LANES],
            length: [0; LANES],
        }
    }

    fn update(&mut self, inputs: &[&[u8]]) {
        assert_eq!(inputs.len(), self.count, "one input per stream");
        let mut rest: [&[u8]; LANES] = [&[]; LANES];
        for (lane, &input) in inputs.iter().enumerate() {
            self.length[lane] += input.len() as u128;
            rest[lane] = self.fill_pending(lane, input);
        }
        loop {
            let blocks = rest.map(|bytes| bytes.len() / BLOCK);
            let active = blocks.iter().filter(|&&n| n > 0).count();
            if active < MIN_SIDE_BY_SIDE {
                for (lane, bytes) in rest.iter_mut().enumerate() {
                    let (whole, tail) = bytes.as_chunks::<BLOCK>();
                    compress512(&mut self.state[lane], whole);
                    *bytes = tail;
                }
                break;
            }
            let n = blocks.iter().copied().filter(|&n| n > 0).min().unwrap_or(0);
            self.compress_side_by_side(&mut rest, n);
        }
        for (lane, tail) in rest.iter().enumerate() {
            if !tail.is_empty() {
                self.pending[lane][..tail.len()].copy_from_slice(tail);
                self.pending_len[lane] = tail.len();
            }
        }
    }

    /// Adds the start of `input` to the lane's partial block, compressing
    /// it once whole; returns the rest.
    fn fill_pending<'a>(&mut self, lane: usize, input: &'a [u8]) -> &'a [u8] {
        let pending = self.pending_len[lane];
        if pending == 0 {
            return input;
        }
        let take = (BLOCK - pending).min(input.len());
        self.pending[lane][pending..pending + take].copy_from_slice(&input[..take]);
        self.pending_len[lane] += take;
        if self.pending_len[lane] == BLOCK {
            compress512(&mut self.state[lane], &[self.pending[lane]]);
            self.pending_len[lane] = 0;
        }
        &input[take..]
    }

    /// Compresses `n` blocks of every lane that has them, together; a lane
    /// without is given another's bytes and keeps its state.
    fn compress_side_by_side(&mut self, rest: &mut [&[u8]; LANES], n: usize) {
        let bytes = n * BLOCK;
        let donor = rest
            .iter()
            .copied()
            .find(|r| r.len() >= bytes)
            .expect("a lane with n blocks");
        let active = rest.map(|r| r.len() >= bytes);
        let blocks: [&[u8]; LANES] = std::array::from_fn(|lane| {
            if active[lane] {
                &rest[lane][..bytes]
            } else {
                &donor[..bytes]
            }
        });
        let mut state = self.state;
        compress_lanes(&mut state, &blocks, n);
        for lane in 0..LANES {
            if active[lane] {
                self.state[lane] = state[lane];
                rest[lane] = &rest[lane][bytes..];
            }
        }
    }

    fn finish_stream(&mut self, lane: usize) -> [u8; 64] {
        assert!(lane < self.count, "no stream {lane}");
        let len = self.pending_len[lane];
        let mut last = [0u8; 2 * BLOCK];
        last[..len].copy_from_slice(&self.pending[lane][..len]);
        last[len] = 0x80;
        // The length in bits, big-endian, ends the padding: in this block
        // if 16 bytes are left after the 0x80, else in the next.
        let end = if len < BLOCK - 16 { BLOCK } else { 2 * BLOCK };
        let bits = self.length[lane].wrapping_mul(8);
        last[end - 16..end].copy_from_slice(&bits.to_be_bytes());
        let mut state = std::mem::replace(&mut self.state[lane], INITIAL);
        compress512(&mut state, last[..end].as_chunks::<BLOCK>().0);
        self.pending_len[lane] = 0;
        self.length[lane] = 0;
        let mut digest = [0u8; 64];
        for (bytes, word) in digest.chunks_exact_mut(8).zip(state) {
            bytes.copy_from_slice(&word.to_be_bytes());
        }
        digest
    }
}

#[cfg(target_arch = "x86_64")]
fn compress_lanes(state: &mut [[u64; 8]; LANES], blocks: &[&[u8]; LANES], count: usize) {
    // SAFETY: `SideBySide` is only made where AVX-512F was detected.
    unsafe { avx512::compress(state, blocks, count) }
}

#[cfg(not(target_arch = "x86_64"))]
fn compress_lanes(_: &mut [[u64; 8]; LANES], _: &[&[u8]; LANES], _: usize) {
    unreachable!("streams are hashed side by side only on x86_64")
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use std::arch::x86_64::*;

    use super::{BLOCK, LANES};

    /// SHA-512's round constants (FIPS 180-4, 4.2.3).
    const K: [u64; 80] = [
        0x428a2f98d728ae22,
        0x7137449123ef65cd,
        0xb5c0fbcfec4d3b2f,
        0xe9b5dba58189dbbc,
        0x3956c25bf348b538,
        0x59f111f1b605d019,
        0x923f82a4af194f9b,
        0xab1c5ed5da6d8118,
        0xd807aa98a3030242,
        0x12835b0145706fbe,
        0x243185be4ee4b28c,
        0x550c7dc3d5ffb4e2,
        0x72be5d74f27b896f,
        0x80deb1fe3b1696b1,
        0x9bdc06a725c71235,
        0xc19bf174cf692694,
        0xe49b69c19ef14ad2,
        0xefbe4786384f25e3,
        0x0fc19dc68b8cd5b5,
        0x240ca1cc77ac9c65,
        0x2de92c6f592b0275,
        0x4a7484aa6ea6e483,
        0x5cb0a9dcbd41fbd4,
        0x76f988da831153b5,
        0x983e5152ee66dfab,
        0xa831c66d2db43210,
        0xb00327c898fb213f,
        0xbf597fc7beef0ee4,
        0xc6e00bf33da88fc2,
        0xd5a79147930aa725,
        0x06ca6351e003826f,
        0x142929670a0e6e70,
        0x27b70a8546d22ffc,
        0x2e1b21385c26c926,
        0x4d2c6dfc5ac42aed,
        0x53380d139d95b3df,
        0x650a73548baf63de,
        0x766a0abb3c77b2a8,
        0x81c2c92e47edaee6,
        0x92722c851482353b,
        0xa2bfe8a14cf10364,
        0xa81a664bbc423001,
        0xc24b8b70d0f89791,
        0xc76c51a30654be30,
        0xd192e819d6ef5218,
        0xd69906245565a910,
        0xf40e35855771202a,
        0x106aa07032bbd1b8,
        0x19a4c116b8d2d0c8,
        0x1e376c085141ab53,
        0x2748774cdf8eeb99,
        0x34b0bcb5e19b48a8,
        0x391c0cb3c5c95a63,
        0x4ed8aa4ae3418acb,
        0x5b9cca4f7763e373,
        0x682e6ff3d6b2b8a3,
        0x748f82ee5defb2fc,
        0x78a5636f43172f60,
        0x84c87814a1f0ab72,
        0x8cc702081a6439ec,
        0x90befffa23631e28,
        0xa4506cebde82bde9,
        0xbef9a3f7b2c67915,
        0xc67178f2e372532b,
        0xca273eceea26619c,
        0xd186b8c721c0c207,
        0xeada7dd6cde0eb1e,
        0xf57d4f7fee6ed178,
        0x06f067aa72176fba,
        0x0a637dc5a2c898a6,
        0x113f9804bef90dae,
        0x1b710b35131c471b,
        0x28db77f523047d84,
        0x32caab7b40c72493,
        0x3c9ebe0a15c9bebc,
        0x431d67c49c100d4c,
        0x4cc5d4becb3e42b6,
        0x597f299cfc657e2a,
        0x5fcb6fab3ad6faec,
        0x6c44198c4a475817,
    ];

    /// Word `t` of block `b` of each lane, big-endian, lane `i` in lane `i`.
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn word(blocks: &[&[u8]; LANES], b: usize, t: usize) -> __m512i {
        let at = b * BLOCK + t * 8;
        let w = |lane: usize| {
            let bytes: [u8; 8] = blocks[lane][at..at + 8].try_into().expect("8 bytes");
            u64::from_be_bytes(bytes) as i64
        };
        _mm512_set_epi64(w(7), w(6), w(5), w(4), w(3), w(2), w(1), w(0))
    }

    #[inline]
    #[target_feature(enable = "avx512f")]
    fn add(a: __m512i, b: __m512i) -> __m512i {
        _mm512_add_epi64(a, b)
    }

    #[inline]
    #[target_feature(enable = "avx512f")]
    fn big_sigma0(a: __m512i) -> __m512i {
        _mm512_ternarylogic_epi64::<0x96>(
            _mm512_ror_epi64::<28>(a),
            _mm512_ror_epi64::<34>(a),
            _mm512_ror_epi64::<39>(a),
        )
    }

    #[inline]
    #[target_feature(enable = "avx512f")]
    fn big_sigma1(e: __m512i) -> __m512i {
        _mm512_ternarylogic_epi64::<0x96>(
            _mm512_ror_epi64::<14>(e),
            _mm512_ror_epi64::<18>(e),
            _mm512_ror_epi64::<41>(e),
        )
    }

    #[inline]
    #[target_feature(enable = "avx512f")]
    fn small_sigma0(w: __m512i) -> __m512i {
        _mm512_ternarylogic_epi64::<0x96>(
            _mm512_ror_epi64::<1>(w),
            _mm512_ror_epi64::<8>(w),
            _mm512_srli_epi64::<7>(w),
        )
    }

    #[inline]
    #[target_feature(enable = "avx512f")]
    fn small_sigma1(w: __m512i) -> __m512i {
        _mm512_ternarylogic_epi64::<0x96>(
            _mm512_ror_epi64::<19>(w),
            _mm512_ror_epi64::<61>(w),
            _mm512_srli_epi64::<6>(w),
        )
    }

    /// Compresses blocks `0..count` of every lane into its state.
    #[target_feature(enable = "avx512f")]
    pub(super) fn compress(state: &mut [[u64; 8]; LANES], blocks: &[&[u8]; LANES], count: usize) {
        let mut s = [_mm512_setzero_si512(); 8];
        for (j, word) in s.iter_mut().enumerate() {
            let v = |lane: usize| state[lane][j] as i64;
            *word = _mm512_set_epi64(v(7), v(6), v(5), v(4), v(3), v(2), v(1), v(0));
        }
        for b in 0..count {
            let mut w = [_mm512_setzero_si512(); 16];
            for (t, slot) in w.iter_mut().enumerate() {
                *slot = word(blocks, b, t);
            }
            let [mut a, mut bb, mut c, mut d, mut e, mut f, mut g, mut h] = s;
            for (t, &k) in K.iter().enumerate() {
                let i = t % 16;
                if t >= 16 {
                    w[i] = add(
                        add(small_sigma1(w[(i + 14) % 16]), w[(i + 9) % 16]),
                        add(small_sigma0(w[(i + 1) % 16]), w[i]),
                    );
                }
                let ch = _mm512_ternarylogic_epi64::<0xCA>(e, f, g);
                let t1 = add(
                    add(h, big_sigma1(e)),
                    add(ch, add(_mm512_set1_epi64(k as i64), w[i])),
                );
                let maj = _mm512_ternarylogic_epi64::<0xE8>(a, bb, c);
                let t2 = add(big_sigma0(a), maj);
                h = g;
                g = f;
                f = e;
                e = add(d, t1);
                d = c;
                c = bb;
                bb = a;
                a = add(t1, t2);
            }
            for (word, new) in s.iter_mut().zip([a, bb, c, d, e, f, g, h]) {
                *word = add(*word, new);
            }
        }
        let mut words = [[0u64; LANES]; 8];
        for (j, word) in s.iter().enumerate() {
            // SAFETY: `words[j]` is 64 bytes, as the register is.
            unsafe { _mm512_storeu_si512(words[j].as_mut_ptr().cast(), *word) };
        }
        for (lane, lane_state) in state.iter_mut().enumerate() {
            for (j, value) in lane_state.iter_mut().enumerate() {
                *value = words[j][lane];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use sha2::Digest;

    use super::*;

    fn expected(input: &[u8]) -> [u8; 64] {
        sha2::Sha512::digest(input).into()
    }

    proptest! {
        /// Whatever the lengths of the streams and however they are cut
        /// into updates, each digest is the `sha2` crate's.
        #[test]
        fn each_stream_gets_its_own_digest(
            lengths in prop::collection::vec(0usize..3000, 1..=LANES),
            cuts in prop::collection::vec(0usize..700, 0..6),
        ) {
            let inputs: Vec<Vec<u8>> = lengths
                .iter()
                .enumerate()
                .map(|(i, &n)| (0..n).map(|j| (j * 7 + i * 13) as u8).collect())
                .collect();
            let mut lanes = Sha512Lanes::new(inputs.len());
            let mut at = vec![0usize; inputs.len()];
            for cut in cuts.iter().chain([&usize::MAX]) {
                let parts: Vec<&[u8]> = inputs
                    .iter()
                    .zip(at.iter_mut())
                    .enumerate()
                    .map(|(i, (input, at))| {
                        let start = *at;
                        *at = start.saturating_add(cut.saturating_add(i * 31)).min(input.len());
                        &input[start..*at]
                    })
                    .collect();
                lanes.update(&parts);
            }
            for (lane, input) in inputs.iter().enumerate() {
                prop_assert_eq!(lanes.finish_stream(lane), expected(input));
            }
            // A finished stream starts again.
            let again: Vec<&[u8]> = inputs.iter().map(|i| &i[..i.len() / 2]).collect();
            lanes.update(&again);
            for (lane, input) in again.iter().enumerate() {
                prop_assert_eq!(lanes.finish_stream(lane), expected(input));
            }
        }
    }

    #[test]
    fn streams_side_by_side_for_many_blocks() {
        let inputs: Vec<Vec<u8>> = (0..LANES)
            .map(|i| vec![i as u8; 100_000 + i * 1000])
            .collect();
        let mut lanes = Sha512Lanes::new(LANES);
        for chunk in 0..4 {
            let parts: Vec<&[u8]> = inputs
                .iter()
                .map(|input| {
                    let size = input.len().div_ceil(4);
                    &input[(chunk * size).min(input.len())..((chunk + 1) * size).min(input.len())]
                })
                .collect();
            lanes.update(&parts);
        }
        assert!(!Sha512Lanes::side_by_side() || matches!(lanes.0, Streams::SideBySide(_)));
        for (lane, input) in inputs.iter().enumerate() {
            assert_eq!(lanes.finish_stream(lane), expected(input));
        }
    }
}
