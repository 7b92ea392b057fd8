//! Reading and writing a file at given offsets, without moving a shared
//! cursor, so that several threads can use one file at once.

use std::fs::File;
use std::io;

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
pub(crate) fn seek_position(position: u64, len: u64, to: io::SeekFrom) -> io::Result<u64> {
    let landed = match to {
        io::SeekFrom::Start(offset) => Some(offset),
        io::SeekFrom::End(delta) => len.checked_add_signed(delta),
        io::SeekFrom::Current(delta) => position.checked_add_signed(delta),
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
}
