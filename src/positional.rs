//! Reading and writing a file at given offsets, without moving a shared
//! cursor, so that several threads can use one file at once.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

/// Reads up to `buffer.len()` bytes at `offset`; returns how many.
#[cfg(unix)]
pub(crate) fn read_at(file: &File, buffer: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buffer, offset)
}

/// Reads up to `buffer.len()` bytes at `offset`; returns how many.
#[cfg(windows)]
pub(crate) fn read_at(file: &File, buffer: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buffer, offset)
}

/// Where a seek `to` from `position` lands in a file `len` bytes long, for
/// a reader that reads at offsets: an error before the file's start.
pub(crate) fn seek_position(position: u64, len: u64, to: SeekFrom) -> io::Result<u64> {
    let landed = match to {
        SeekFrom::Start(offset) => Some(offset),
        SeekFrom::End(delta) => len.checked_add_signed(delta),
        SeekFrom::Current(delta) => position.checked_add_signed(delta),
    };
    landed.ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "seek before the start of the file",
        )
    })
}

/// Reads exactly `buffer.len()` bytes at `offset`.
pub(crate) fn read_exact_at(file: &File, mut buffer: &mut [u8], mut offset: u64) -> io::Result<()> {
    while !buffer.is_empty() {
        match read_at(file, buffer, offset) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buffer = &mut buffer[n..];
                offset += n as u64;
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

/// Writes all of `bytes` at `offset`.
#[cfg(all(unix, not(target_os = "linux")))]
fn write_all_at(file: &File, bytes: &[u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, offset)
}

/// Writes all of `bytes` at `offset`.
#[cfg(windows)]
fn write_all_at(file: &File, mut bytes: &[u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !bytes.is_empty() {
        let n = file.seek_write(bytes, offset)?;
        bytes = &bytes[n..];
        offset += n as u64;
    }
    Ok(())
}

/// Writes `first` and then `second` at `offset`: in one system call on
/// Linux (`pwritev`), where a zip entry's header and data were two.
#[cfg(target_os = "linux")]
pub(crate) fn write_two_at(
    file: &File,
    first: &[u8],
    second: &[u8],
    offset: u64,
) -> io::Result<()> {
    use std::io::IoSlice;
    let mut slices = [IoSlice::new(first), IoSlice::new(second)];
    let mut slices: &mut [IoSlice] = &mut slices;
    let mut offset = offset;
    // Drops empty pieces, which would read as a write of nothing.
    IoSlice::advance_slices(&mut slices, 0);
    while !slices.is_empty() {
        match rustix::io::pwritev(file, slices, offset) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => {
                IoSlice::advance_slices(&mut slices, n);
                offset += n as u64;
            }
            Err(rustix::io::Errno::INTR) => {}
            Err(error) => return Err(error.into()),
        }
    }
    Ok(())
}

/// Writes `first` and then `second` at `offset`.
#[cfg(not(target_os = "linux"))]
pub(crate) fn write_two_at(
    file: &File,
    first: &[u8],
    second: &[u8],
    offset: u64,
) -> io::Result<()> {
    write_all_at(file, first, offset)?;
    write_all_at(file, second, offset + first.len() as u64)
}

/// How much a small read of a [`PagedReader`] reads ahead.
const PAGE: usize = 4096;

/// A file read at positions of its own, so clones read in parallel, with
/// the last two pages it read kept. Parsing a zip's headers makes many
/// small reads: a central directory record took four, a local header two
/// more, and the `zip` crate seeks from each record to its entry's local
/// header and back, where a `BufReader` drops its buffer at every seek. A
/// page on the directory and one on the local headers serve them: reading
/// back the `many-small` benchmark bundle took about 80,000 system calls
/// where it took 325,000, and verify's opening of its 10,000-file bundle
/// 5,567 where a `BufReader` took 10,302. Reads of a page or more go
/// straight to the file.
#[derive(Clone)]
pub(crate) struct PagedReader<'a> {
    file: &'a File,
    len: u64,
    position: u64,
    pages: [Page; 2],
    /// The page read less recently, refilled first.
    older: usize,
}

/// Bytes of the file from `start`.
#[derive(Clone, Default)]
struct Page {
    start: u64,
    bytes: Vec<u8>,
}

impl Page {
    fn holds(&self, position: u64) -> bool {
        position >= self.start && position - self.start < self.bytes.len() as u64
    }
}

impl<'a> PagedReader<'a> {
    /// Reads `file`, `len` bytes long, from its start.
    pub(crate) fn new(file: &'a File, len: u64) -> PagedReader<'a> {
        PagedReader {
            file,
            len,
            position: 0,
            pages: Default::default(),
            older: 0,
        }
    }

    /// Reads exactly `buffer.len()` bytes at `at`.
    pub(crate) fn read_exact_at(&mut self, buffer: &mut [u8], at: u64) -> io::Result<()> {
        self.position = at;
        self.read_exact(buffer)
    }
}

impl Read for PagedReader<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let held = self.pages.iter().position(|page| page.holds(self.position));
        let index = match held {
            Some(index) => index,
            None if out.len() >= PAGE => {
                let read = read_at(self.file, out, self.position)?;
                self.position += read as u64;
                return Ok(read);
            }
            None => {
                let page = &mut self.pages[self.older];
                page.bytes.resize(PAGE, 0);
                let read = read_at(self.file, &mut page.bytes, self.position)?;
                page.bytes.truncate(read);
                page.start = self.position;
                if read == 0 {
                    return Ok(0);
                }
                self.older
            }
        };
        self.older = 1 - index;
        let page = &self.pages[index];
        let from = (self.position - page.start) as usize;
        let read = out.len().min(page.bytes.len() - from);
        out[..read].copy_from_slice(&page.bytes[from..from + read]);
        self.position += read as u64;
        Ok(read)
    }
}

impl Seek for PagedReader<'_> {
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
    fn reads_and_writes_where_told() {
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(b"0123456789").unwrap();
        write_two_at(&file, b"a", b"b", 4).unwrap();
        let mut buffer = [0; 4];
        read_exact_at(&file, &mut buffer, 3).unwrap();
        assert_eq!(&buffer, b"3ab6");
        let error = read_exact_at(&file, &mut buffer, 8).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
    }

    #[test]
    fn writes_two_pieces_one_after_the_other() {
        let file = tempfile::tempfile().unwrap();
        write_two_at(&file, b"head", b"data", 3).unwrap();
        write_two_at(&file, b"", b"!", 0).unwrap();
        write_two_at(&file, b"?", b"", 1).unwrap();
        let mut buffer = [0; 11];
        read_exact_at(&file, &mut buffer, 0).unwrap();
        assert_eq!(&buffer, b"!?\0headdata");
        let big = vec![7; 3 << 20];
        write_two_at(&file, &big, &big, 0).unwrap();
        assert_eq!(file.metadata().unwrap().len(), 6 << 20);
    }

    #[test]
    fn a_paged_reader_reads_what_the_file_holds_wherever_it_seeks() {
        let bytes: Vec<u8> = (0..20_000u32).map(|i| (i % 251) as u8).collect();
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(&bytes).unwrap();
        let mut reader = PagedReader::new(&file, bytes.len() as u64);
        // Within a page, in the other one, in neither, across a page's
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

    proptest::proptest! {
        /// Any mix of seeks and reads, small and large, reads the file's
        /// bytes.
        #[test]
        fn a_paged_reader_reads_the_file(
            steps in proptest::collection::vec((0u64..3 * PAGE as u64, 1usize..2 * PAGE), 1..40),
        ) {
            let bytes: Vec<u8> = (0..3 * PAGE).map(|i| (i * 7 % 251) as u8).collect();
            let mut file = tempfile::tempfile().unwrap();
            file.write_all(&bytes).unwrap();
            let mut reader = PagedReader::new(&file, bytes.len() as u64);
            for (at, want) in steps {
                let from = if at % 2 == 0 {
                    reader.seek(SeekFrom::Start(at)).unwrap()
                } else {
                    reader.position
                };
                let mut out = vec![0; want];
                let n = reader.read(&mut out).unwrap();
                let end = (from as usize + want).min(bytes.len());
                proptest::prop_assert!(n > 0 || from as usize >= bytes.len());
                proptest::prop_assert_eq!(&out[..n], &bytes[from as usize..from as usize + n]);
                proptest::prop_assert!(from as usize + n <= end);
            }
        }
    }
}
