//! Reading a stream to its end a chunk at a time, through one buffer per
//! thread: a fresh buffer for each file costs more than reading a small
//! one (256 KiB is past the `mmap` threshold `main` sets, so each would be
//! mapped, zeroed page by page and unmapped).

use std::cell::RefCell;
use std::io::{self, Read};

/// The most read at once.
pub const CHUNK: usize = 256 * 1024;

thread_local! {
    static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Reads `reader` to its end, giving each chunk read to `chunk`, whose
/// error stops the reading; returns how many bytes were read.
pub fn for_each_chunk(
    reader: &mut dyn Read,
    mut chunk: impl FnMut(&[u8]) -> io::Result<()>,
) -> io::Result<u64> {
    // Taken, not borrowed: `chunk` may read another stream the same way.
    let mut buffer = BUFFER.take();
    buffer.resize(CHUNK, 0);
    let mut read = 0u64;
    let result = loop {
        match reader.read(&mut buffer) {
            Ok(0) => break Ok(read),
            Ok(n) => {
                if let Err(error) = chunk(&buffer[..n]) {
                    break Err(error);
                }
                read += n as u64;
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => break Err(error),
        }
    };
    BUFFER.set(buffer);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Gives `data` a few bytes at a time, after an interruption each time.
    struct Halting<'a> {
        data: &'a [u8],
        interrupt: bool,
    }

    impl Read for Halting<'_> {
        fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
            self.interrupt = !self.interrupt;
            if self.interrupt {
                return Err(io::ErrorKind::Interrupted.into());
            }
            let n = self.data.len().min(buffer.len()).min(3);
            buffer[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    #[test]
    fn every_byte_is_given_once_in_order_through_interruptions() {
        let data: Vec<u8> = (0..=255).collect();
        let mut given = Vec::new();
        let mut reader = Halting {
            data: &data,
            interrupt: false,
        };
        let read = for_each_chunk(&mut reader, |bytes| {
            given.extend_from_slice(bytes);
            Ok(())
        });
        assert_eq!(read.unwrap(), 256);
        assert_eq!(given, data);
    }

    #[test]
    fn an_error_of_the_chunk_stops_the_reading() {
        let mut chunks = 0;
        let read = for_each_chunk(&mut &[1u8; 3 * CHUNK][..], |_| {
            chunks += 1;
            Err(io::Error::other("full"))
        });
        assert_eq!(read.unwrap_err().to_string(), "full");
        assert_eq!(chunks, 1);
    }

    #[test]
    fn a_nested_reading_has_a_buffer_of_its_own() {
        let outer = [7u8; 10];
        let mut inner_read = 0;
        for_each_chunk(&mut &outer[..], |bytes| {
            inner_read += for_each_chunk(&mut &[1u8; 5][..], |_| Ok(()))?;
            assert_eq!(bytes, outer);
            Ok(())
        })
        .unwrap();
        assert_eq!(inner_read, 5);
    }
}
