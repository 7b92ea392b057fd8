//! SHA-512 of many small files side by side, as they come.
//!
//! A worker of `pack` reads a file of at most one chunk whole and goes on
//! to the next: it never has eight streams open at once to give
//! [`Sha512Lanes`]. So each file's bytes are copied into a lane, and the
//! lanes are hashed together once all are taken, up to where the shortest
//! ends; its lane then takes the next file. Where streams are not hashed
//! side by side, each file is hashed at once.

use super::Sha512;
use super::lanes::{LANES, Sha512Lanes};

/// The bytes of a SHA-512 block.
const BLOCK: usize = 128;

/// Copies are made in buffers kept from one buffer to the next: only
/// [`LARGE_KEPT`] of them may be larger than this, so that the few large
/// buffers do not leave their memory behind in every lane.
const SMALL: usize = 64 << 10;
/// How many buffers larger than [`SMALL`] are kept: making them anew was
/// a tenth of the time the batch saves, in page faults.
const LARGE_KEPT: usize = 2;

/// SHA-512s of whole buffers, computed side by side and handed back by
/// key once done.
pub struct Sha512Batch<K> {
    lanes: Option<Sha512Lanes>,
    slots: [Option<Slot<K>>; LANES],
    spare: Vec<Vec<u8>>,
}

/// A buffer being hashed in a lane.
struct Slot<K> {
    key: K,
    bytes: Vec<u8>,
    hashed: usize,
}

impl<K: Copy> Default for Sha512Batch<K> {
    fn default() -> Self {
        Sha512Batch::new()
    }
}

impl<K: Copy> Sha512Batch<K> {
    /// An empty batch.
    pub fn new() -> Sha512Batch<K> {
        Sha512Batch {
            lanes: Sha512Lanes::side_by_side().then(|| Sha512Lanes::new(LANES)),
            slots: std::array::from_fn(|_| None),
            spare: Vec::new(),
        }
    }

    /// Adds the bytes of `key`; `done` is given the digest of every buffer
    /// finished meanwhile, this one's perhaps among them.
    pub fn add(&mut self, key: K, bytes: &[u8], done: &mut impl FnMut(K, [u8; 64])) {
        if self.lanes.is_none() {
            let mut sha512 = Sha512::new();
            sha512.update(bytes);
            done(key, sha512.finalize());
            return;
        }
        // The smallest buffer that fits, so that large ones are kept for
        // large buffers.
        let fits = (self.spare.iter().enumerate())
            .filter(|(_, spare)| spare.capacity() >= bytes.len())
            .min_by_key(|(_, spare)| spare.capacity());
        let mut copy = match fits {
            Some((fits, _)) => self.spare.swap_remove(fits),
            None => self.spare.pop().unwrap_or_default(),
        };
        copy.clear();
        copy.extend_from_slice(bytes);
        let free = self.slots.iter().position(Option::is_none);
        let free = free.expect("a lane is free between additions");
        self.slots[free] = Some(Slot {
            key,
            bytes: copy,
            hashed: 0,
        });
        while self.slots.iter().all(Option::is_some) {
            self.step(done);
        }
    }

    /// Whether the buffer of `key` is being hashed.
    pub fn holds(&self, key: K) -> bool
    where
        K: PartialEq,
    {
        self.slots.iter().flatten().any(|slot| slot.key == key)
    }

    /// Finishes every buffer added, giving their digests to `done`.
    pub fn finish(&mut self, done: &mut impl FnMut(K, [u8; 64])) {
        while self.slots.iter().any(Option::is_some) {
            self.step(done);
        }
    }

    /// Hashes the whole blocks every lane has, up to where the shortest
    /// buffer ends, and finishes the buffers with less than a block left.
    fn step(&mut self, done: &mut impl FnMut(K, [u8; 64])) {
        let lanes = self.lanes.as_mut().expect("only side by side");
        let left = |slot: &Slot<K>| slot.bytes.len() - slot.hashed;
        let shortest = self.slots.iter().flatten().map(left).min();
        let whole = shortest.unwrap_or(0) / BLOCK * BLOCK;
        if whole > 0 {
            let inputs: [&[u8]; LANES] = std::array::from_fn(|lane| match &self.slots[lane] {
                Some(slot) => &slot.bytes[slot.hashed..slot.hashed + whole],
                None => &[],
            });
            lanes.update(&inputs);
            for slot in self.slots.iter_mut().flatten() {
                slot.hashed += whole;
            }
        }
        for lane in 0..LANES {
            let Some(slot) = self.slots[lane].take_if(|slot| left(slot) < BLOCK) else {
                continue;
            };
            let mut inputs: [&[u8]; LANES] = [&[]; LANES];
            inputs[lane] = &slot.bytes[slot.hashed..];
            lanes.update(&inputs);
            done(slot.key, lanes.finish_stream(lane));
            keep(&mut self.spare, slot.bytes);
        }
    }
}

/// Keeps `buffer` among the `spare` ones for a copy to come, unless enough
/// are kept.
fn keep(spare: &mut Vec<Vec<u8>>, buffer: Vec<u8>) {
    let large = |buffer: &Vec<u8>| buffer.capacity() > SMALL;
    let large_kept = spare.iter().filter(|&spare| large(spare)).count();
    if spare.len() <= LANES && (!large(&buffer) || large_kept < LARGE_KEPT) {
        spare.push(buffer);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;
    use sha2::Digest;

    use super::*;

    fn digests_of(buffers: &[Vec<u8>]) -> BTreeMap<usize, [u8; 64]> {
        let mut batch = Sha512Batch::new();
        let mut digests = BTreeMap::new();
        let mut done = |key, digest| {
            assert!(digests.insert(key, digest).is_none(), "{key} done twice");
        };
        for (key, bytes) in buffers.iter().enumerate() {
            batch.add(key, bytes, &mut done);
        }
        batch.finish(&mut done);
        digests
    }

    proptest! {
        /// Every buffer gets its own digest, the `sha2` crate's, whatever
        /// the lengths around it and however many there are.
        #[test]
        fn each_buffer_gets_its_own_digest(
            buffers in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..1200), 0..40),
        ) {
            let digests = digests_of(&buffers);
            prop_assert_eq!(digests.len(), buffers.len());
            for (key, bytes) in buffers.iter().enumerate() {
                let expected: [u8; 64] = sha2::Sha512::digest(bytes).into();
                prop_assert_eq!(digests[&key], expected, "buffer {}", key);
            }
        }
    }

    #[test]
    fn a_long_buffer_among_short_ones_is_hashed_whole() {
        let mut buffers: Vec<Vec<u8>> = (0..30).map(|n| vec![n as u8; 100 + 37 * n]).collect();
        buffers.insert(3, (0..300_000u32).map(|n| (n % 251) as u8).collect());
        let digests = digests_of(&buffers);
        for (key, bytes) in buffers.iter().enumerate() {
            let expected: [u8; 64] = sha2::Sha512::digest(bytes).into();
            assert_eq!(digests[&key], expected, "buffer {key}");
        }
    }
}
