//! Reading one entry's content in place: [`EntryReader`] holds it to its
//! declared size and CRC-32, and [`SharedFile`] lets threads read the
//! archive each at its own position.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::sync::Arc;

use crate::bundle::inflate::InflateError;
use crate::bundle::reader::EntryError;
use crate::finding::Code;
use crate::positional::{read_at, seek_position};

pub(super) fn not_inflated(error: InflateError) -> io::Error {
    match error {
        InflateError::Read(error) => damaged(&error),
        InflateError::BadData => damaged(&"invalid deflate data"),
    }
}

fn damaged(error: &dyn std::fmt::Display) -> io::Error {
    EntryError::into_io(
        Code::ZipEntryCorrupt,
        format!("zip entry data is damaged: {error}"),
    )
}

/// The content of one entry, checked against its declared size and CRC-32:
/// reading gives no byte past the declared size, and the end is an error
/// unless both the size and the CRC-32 match.
///
/// Content that runs past its declared size is followed a little further
/// ([`overrun_limit`]), unread, to tell a damaged entry from a bomb: a
/// changed byte near the end of a deflate stream can make it inflate a few
/// bytes more, or break, where a bomb goes on.
pub(super) struct EntryReader<R> {
    inner: R,
    declared: u64,
    produced: u64,
    crc: crc32fast::Hasher,
    expected_crc: u32,
}

/// How far past its declared size an entry's content is followed before
/// it is called a bomb: as far again as it declares, and at least 1 MiB.
/// Following it costs no more than reading what it declares.
fn overrun_limit(declared: u64) -> u64 {
    declared.saturating_add(declared.max(1 << 20))
}

impl<R: Read> EntryReader<R> {
    pub(super) fn new(inner: R, declared: u64, expected_crc: u32) -> EntryReader<R> {
        EntryReader {
            inner,
            declared,
            produced: 0,
            crc: crc32fast::Hasher::new(),
            expected_crc,
        }
    }

    /// The error for content found past the declared size: the rest is
    /// read, unkept, until it ends, breaks or passes [`overrun_limit`].
    fn overrun(&mut self) -> io::Error {
        let limit = overrun_limit(self.declared);
        let mut scratch = [0; 16 * 1024];
        while self.produced <= limit {
            match self.inner.read(&mut scratch) {
                Ok(0) => {
                    return EntryError::into_io(
                        Code::ZipEntryCorrupt,
                        format!(
                            "zip entry inflates to {} bytes, not its declared {}",
                            self.produced, self.declared
                        ),
                    );
                }
                Ok(n) => self.produced += n as u64,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return damaged(&error),
            }
        }
        EntryError::into_io(
            Code::ZipBomb,
            format!(
                "zip entry inflates past its declared size of {} bytes, and on past {limit}; \
                 stopped there",
                self.declared
            ),
        )
    }
}

impl<R: Read> Read for EntryReader<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        if buffer.is_empty() {
            return Ok(0);
        }
        // One byte past the declared size is enough to see a lie.
        let room = self
            .declared
            .saturating_sub(self.produced)
            .saturating_add(1);
        let want = buffer
            .len()
            .min(usize::try_from(room).unwrap_or(usize::MAX));
        let n = self
            .inner
            .read(&mut buffer[..want])
            .map_err(|error| damaged(&error))?;
        self.produced += n as u64;
        if self.produced > self.declared {
            return Err(self.overrun());
        }
        self.crc.update(&buffer[..n]);
        if n == 0 {
            if self.produced < self.declared {
                return Err(EntryError::into_io(
                    Code::ZipEntryCorrupt,
                    format!(
                        "zip entry ends after {} of its declared {} bytes",
                        self.produced, self.declared
                    ),
                ));
            }
            let crc = self.crc.clone().finalize();
            if crc != self.expected_crc {
                return Err(EntryError::into_io(
                    Code::ZipEntryCorrupt,
                    format!(
                        "zip entry CRC-32 is {crc:08x}, the archive declares {:08x}",
                        self.expected_crc
                    ),
                ));
            }
        }
        Ok(n)
    }
}

/// A file shared between threads, each clone reading at its own position.
#[derive(Clone)]
pub(super) struct SharedFile {
    pub(super) file: Arc<File>,
    pub(super) position: u64,
    pub(super) len: u64,
}

impl SharedFile {
    pub(super) fn new(file: File) -> SharedFile {
        let len = file.metadata().map_or(0, |m| m.len());
        SharedFile {
            file: Arc::new(file),
            position: 0,
            len,
        }
    }
}

impl Read for SharedFile {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let n = read_at(&self.file, buffer, self.position)?;
        self.position += n as u64;
        Ok(n)
    }
}

impl Seek for SharedFile {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        self.position = seek_position(self.position, self.len, to)?;
        Ok(self.position)
    }
}

#[cfg(test)]
mod tests {
    use flate2::{Compress, Compression, FlushCompress};

    use super::*;
    use crate::bundle::inflate::WholeInflater;

    fn read_entry(data: &[u8], declared: u64, crc: u32) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        EntryReader::new(data, declared, crc)
            .read_to_end(&mut out)
            .map(|_| out)
    }

    fn code(result: io::Result<Vec<u8>>) -> Code {
        let error = result.unwrap_err();
        crate::bundle::reader::read_error_finding("x", &error).code
    }

    #[test]
    fn entries_must_match_their_declared_size_and_crc() {
        let crc = crc32fast::hash(b"hello");
        assert_eq!(read_entry(b"hello", 5, crc).unwrap(), b"hello");
        assert_eq!(code(read_entry(b"hello", 4, crc)), Code::ZipEntryCorrupt);
        assert_eq!(code(read_entry(b"hello", 6, crc)), Code::ZipEntryCorrupt);
        assert_eq!(code(read_entry(b"hellO", 5, crc)), Code::ZipEntryCorrupt);
        assert_eq!(read_entry(b"", 0, 0).unwrap(), b"");
    }

    #[test]
    fn a_bomb_is_stopped_soon_after_as_much_again_as_it_declares() {
        /// Endless zeros, counting how many were handed out.
        struct Endless(u64);
        impl Read for Endless {
            fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
                buffer.fill(0);
                self.0 += buffer.len() as u64;
                Ok(buffer.len())
            }
        }
        let mut endless = Endless(0);
        let mut reader = EntryReader::new(&mut endless, 1000, 0);
        let mut buffer = vec![0; 1 << 20];
        let error = loop {
            if let Err(error) = reader.read(&mut buffer) {
                break error;
            }
        };
        assert_eq!(
            crate::bundle::reader::read_error_finding("x", &error).code,
            Code::ZipBomb
        );
        let limit = overrun_limit(1000);
        assert!(limit < endless.0 && endless.0 <= limit + 16 * 1024);
    }

    #[test]
    fn content_a_little_past_its_declared_size_is_damaged_not_a_bomb() {
        let error = read_entry(&[7; 5000], 1000, 0).unwrap_err();
        let finding = crate::bundle::reader::read_error_finding("x", &error);
        assert_eq!(finding.code, Code::ZipEntryCorrupt);
        assert!(
            finding
                .message
                .contains("inflates to 5000 bytes, not its declared 1000")
        );
        let past = usize::try_from(overrun_limit(1000)).unwrap();
        assert_eq!(
            code(read_entry(&vec![7; past], 1000, 0)),
            Code::ZipEntryCorrupt
        );
        assert_eq!(code(read_entry(&vec![7; past + 1], 1000, 0)), Code::ZipBomb);
        let big = 3 << 20;
        let past = usize::try_from(overrun_limit(big)).unwrap();
        assert_eq!(past, 2 * big as usize);
        assert_eq!(
            code(read_entry(&vec![7; past], big, 0)),
            Code::ZipEntryCorrupt
        );
    }

    #[test]
    fn content_that_breaks_past_its_declared_size_is_damaged() {
        struct Breaking(u64);
        impl Read for Breaking {
            fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
                if self.0 == 0 {
                    return Err(io::Error::other("invalid deflate data"));
                }
                let n = buffer.len().min(self.0 as usize);
                self.0 -= n as u64;
                Ok(n)
            }
        }
        let mut reader = EntryReader::new(Breaking(1010), 1000, 0);
        let error = reader.read_to_end(&mut Vec::new()).unwrap_err();
        assert_eq!(code(Err(error)), Code::ZipEntryCorrupt);
    }

    /// An entry inflated whole, then checked as a streamed one would be;
    /// streamed if it inflates past its declared size, as `read_with` does.
    fn inflate_whole(compressed: &[u8], declared: u64, crc: u32) -> io::Result<Vec<u8>> {
        let mut whole = WholeInflater::default();
        let inflated = whole.inflate(compressed, declared).map_err(not_inflated)?;
        if inflated.len() as u64 > declared {
            let stream = flate2::read::DeflateDecoder::new(compressed);
            let mut out = Vec::new();
            return EntryReader::new(stream, declared, crc)
                .read_to_end(&mut out)
                .map(|_| out);
        }
        read_entry(inflated, declared, crc)
    }

    #[test]
    fn entries_inflated_whole_get_the_verdicts_of_streamed_ones() {
        // Not periodic, so that a changed match distance changes the text.
        let text: Vec<u8> = (0..32_000u32)
            .map(|i| b"abcdefgh"[((i * i) >> 7) as usize % 8])
            .collect();
        let mut compress = Compress::new(Compression::new(6), false);
        let mut deflated = Vec::with_capacity(text.len());
        compress
            .compress_vec(&text, &mut deflated, FlushCompress::Finish)
            .unwrap();
        let crc = crc32fast::hash(&text);
        let size = text.len() as u64;
        assert_eq!(inflate_whole(&deflated, size, crc).unwrap(), text);
        let over = inflate_whole(&deflated, size - 1, crc).unwrap_err();
        let over = crate::bundle::reader::read_error_finding("x", &over);
        assert_eq!(over.code, Code::ZipEntryCorrupt);
        assert!(
            over.message
                .contains("inflates to 32000 bytes, not its declared 31999")
        );
        assert_eq!(
            code(inflate_whole(&deflated, 10, crc)),
            Code::ZipEntryCorrupt
        );
        let short = code(inflate_whole(&deflated, size + 1, crc));
        assert_eq!(short, Code::ZipEntryCorrupt);
        let mut flipped = deflated.clone();
        flipped[deflated.len() / 2] ^= 0x40;
        assert_eq!(
            code(inflate_whole(&flipped, size, crc)),
            Code::ZipEntryCorrupt
        );
        let cut = &deflated[..deflated.len() / 2];
        assert_eq!(code(inflate_whole(cut, size, crc)), Code::ZipEntryCorrupt);
        assert_eq!(
            code(inflate_whole(b"\xff\xff\xff", size, crc)),
            Code::ZipEntryCorrupt
        );
    }
}
