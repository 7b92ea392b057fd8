//! A reader of a zip's headers that keeps the last two windows of the file
//! it read. Going through the central directory, the `zip` crate seeks to
//! each record, then to its entry's local header and back; a `BufReader`
//! drops its buffer at every seek, so each record and each local header
//! was a system call. With a window on the directory and one on the local
//! headers, a read of the directory serves some fifty records.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

use crate::positional::{read_at, seek_position};

/// How much one read fills a window with.
const WINDOW_BYTES: usize = 4096;

/// Reads `file` through two windows, refilling the one read less
/// recently.
pub(super) struct WindowedReader<'a> {
    file: &'a File,
    len: u64,
    position: u64,
    windows: [Window; 2],
    /// The window read less recently.
    older: usize,
}

#[derive(Default)]
struct Window {
    start: u64,
    bytes: Vec<u8>,
}

impl Window {
    fn holds(&self, position: u64) -> bool {
        position >= self.start && position - self.start < self.bytes.len() as u64
    }
}

impl<'a> WindowedReader<'a> {
    pub(super) fn new(file: &'a File) -> io::Result<WindowedReader<'a>> {
        Ok(WindowedReader {
            file,
            len: file.metadata()?.len(),
            position: 0,
            windows: Default::default(),
            older: 0,
        })
    }

    /// Reads exactly `buffer.len()` bytes at `at`.
    pub(super) fn read_exact_at(&mut self, buffer: &mut [u8], at: u64) -> io::Result<()> {
        self.position = at;
        self.read_exact(buffer)
    }
}

impl Read for WindowedReader<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let held = self.windows.iter().position(|w| w.holds(self.position));
        let index = match held {
            Some(index) => index,
            None => {
                let window = &mut self.windows[self.older];
                window.bytes.resize(WINDOW_BYTES, 0);
                let read = read_at(self.file, &mut window.bytes, self.position)?;
                window.bytes.truncate(read);
                window.start = self.position;
                if read == 0 {
                    return Ok(0);
                }
                self.older
            }
        };
        self.older = 1 - index;
        let window = &self.windows[index];
        let from = (self.position - window.start) as usize;
        let read = buffer.len().min(window.bytes.len() - from);
        buffer[..read].copy_from_slice(&window.bytes[from..from + read]);
        self.position += read as u64;
        Ok(read)
    }
}

impl Seek for WindowedReader<'_> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        self.position = seek_position(self.position, self.len, to)?;
        Ok(self.position)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn reads_what_the_file_holds_wherever_it_seeks() {
        let bytes: Vec<u8> = (0..20_000u32).map(|i| (i % 251) as u8).collect();
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(&bytes).unwrap();
        let mut reader = WindowedReader::new(&file).unwrap();
        // Within a window, in the other one, in neither, across a window's
        // end, near the end of the file, back to the first.
        for (at, len) in [
            (0, 10),
            (100, 30),
            (15_000, 30),
            (120, 5000),
            (19_990, 10),
            (4090, 20),
            (0, 10),
        ] {
            let mut read = vec![0; len];
            reader.read_exact_at(&mut read, at).unwrap();
            assert_eq!(read, &bytes[at as usize..at as usize + len], "at {at}");
        }
        let mut past = [0; 11];
        assert!(
            reader.read_exact_at(&mut past, 19_990).is_err(),
            "past the end"
        );
        assert_eq!(reader.seek(SeekFrom::End(-5)).unwrap(), 19_995);
        assert!(reader.seek(SeekFrom::Current(-20_000)).is_err());
    }
}
