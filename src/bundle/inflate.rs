//! Inflating a small deflated zip entry in one piece with libdeflate, for
//! the bundle reader and the read-back after a pack.

use std::io::{self, Read};

/// Entries of at most this many bytes are inflated in one piece, 1.5 to 2
/// times as fast as streaming them through zlib-rs on the `many-small`
/// corpus (BENCHMARKS.md); larger ones stream.
pub const WHOLE_INFLATE_LIMIT: u64 = 1 << 20;

/// Why an entry did not inflate.
#[derive(Debug)]
pub enum InflateError {
    /// Its raw data could not be read.
    Read(io::Error),
    /// Its raw data is not valid deflate data.
    BadData,
}

/// A decompressor and its buffers, kept from entry to entry: fresh buffers
/// per entry were zeroed each time, 9% of a many-small pack's CPU.
#[derive(Default)]
pub struct WholeInflater {
    decompressor: libdeflater::Decompressor,
    compressed: Vec<u8>,
    /// Grown, never shrunk.
    inflated: Vec<u8>,
}

impl WholeInflater {
    /// Reads an entry's raw data from `raw` and inflates it into room for
    /// one byte more than its `declared` size (at most
    /// [`WHOLE_INFLATE_LIMIT`]), so that content longer than declared
    /// shows as one byte too many, as it would streamed.
    pub fn inflate(&mut self, mut raw: impl Read, declared: u64) -> Result<&[u8], InflateError> {
        self.compressed.clear();
        raw.read_to_end(&mut self.compressed)
            .map_err(InflateError::Read)?;
        debug_assert!(declared <= WHOLE_INFLATE_LIMIT, "a small entry");
        let room = usize::try_from(declared + 1).expect("a small entry");
        if self.inflated.len() < room {
            self.inflated.resize(room, 0);
        }
        let produced = match self
            .decompressor
            .deflate_decompress(&self.compressed, &mut self.inflated[..room])
        {
            Ok(produced) => produced,
            Err(libdeflater::DecompressionError::InsufficientSpace) => room,
            Err(libdeflater::DecompressionError::BadData) => return Err(InflateError::BadData),
        };
        Ok(&self.inflated[..produced])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deflated(data: &[u8]) -> Vec<u8> {
        let mut compressor = libdeflater::Compressor::new(libdeflater::CompressionLvl::fastest());
        let mut out = vec![0; compressor.deflate_compress_bound(data.len())];
        let n = compressor.deflate_compress(data, &mut out).unwrap();
        out.truncate(n);
        out
    }

    #[test]
    fn inflates_what_was_deflated_and_one_byte_past_the_declared_size() {
        let data = b"provenance ".repeat(100);
        let raw = deflated(&data);
        let mut inflater = WholeInflater::default();
        assert_eq!(inflater.inflate(&raw[..], 1100).unwrap(), &data[..]);
        assert_eq!(inflater.inflate(&raw[..], 10).unwrap(), &data[..11]);
        assert_eq!(inflater.inflate(&raw[..], 2000).unwrap(), &data[..]);
        assert_eq!(inflater.inflate(&raw[..], 0).unwrap(), &data[..1]);
    }

    #[test]
    fn invalid_data_is_an_error() {
        let mut inflater = WholeInflater::default();
        assert!(matches!(
            inflater.inflate(&[0xff, 0xff, 0xff][..], 10),
            Err(InflateError::BadData)
        ));
    }
}
