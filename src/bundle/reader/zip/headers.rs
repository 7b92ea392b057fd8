//! What corpack reads of an entry's two headers beside the `zip` crate,
//! which checked that they agree: where the entry's data starts, from its
//! local header, and the UTF-8 flag (general purpose bit 11) of both
//! headers of an entry whose name is not ASCII, which the crate does not
//! keep. The crate has just read both headers: they are read again from
//! the reader's pages, with no system call.

use std::io;

use ::zip::read::ZipFileEntry;

use super::entries::UTF8_NAME_FLAG;
use crate::bundle::central::LocalFixed;
use crate::positional::PagedReader;

/// What the local header of an entry says.
pub(super) struct LocalHeader {
    /// Where the entry's data starts.
    pub(super) data_start: u64,
    /// Whether it says, as the central record does, whether the name is
    /// UTF-8, or the name is ASCII, the same either way. Names of the same
    /// bytes read as UTF-8 by one header and as CP437 by the other are two
    /// names, which Python's `zipfile` refuses; the `zip` crate compares
    /// the names' bytes and their Unicode Path fields, not this flag.
    pub(super) flags_agree: bool,
}

/// The local header of `entry`, which the `zip` crate found to agree with
/// its central record, read with `reader`.
pub(super) fn local_header(
    reader: &mut PagedReader<'_>,
    entry: &ZipFileEntry<'_>,
) -> io::Result<LocalHeader> {
    let at = entry.header_start();
    let mut fixed = LocalFixed([0; LocalFixed::LEN]);
    reader.read_exact_at(&mut fixed.0, at)?;
    let data_start = (at.checked_add(fixed.header_len()))
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "data past 2^64 bytes"))?;
    // An ASCII name, once any Unicode Path field is applied, has no bytes
    // the flag changes: no header needs reading again. The crate flags
    // the entry UTF-8 when it takes such a field's name, so the central
    // record's own flag is read.
    let flags_agree = entry.name_raw().is_ascii() || {
        let mut central = [0; 2];
        reader.read_exact_at(&mut central, entry.central_header_start() + 8)?;
        let central = u16::from_le_bytes(central);
        central & UTF8_NAME_FLAG == fixed.flags() & UTF8_NAME_FLAG || {
            let mut name = vec![0; usize::from(fixed.name_len())];
            reader.read_exact_at(&mut name, at + LocalFixed::LEN as u64)?;
            name.is_ascii()
        }
    };
    Ok(LocalHeader {
        data_start,
        flags_agree,
    })
}
