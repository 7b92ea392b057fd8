//! Bytes appended one piece after another and read back by where they
//! are: the first pieces in memory, up to a bound, the rest in an unnamed
//! temporary file, written a piece of a set size at a time. What a command
//! keeps per file or per record goes here when it would otherwise grow
//! with the collection (the texts records are judged from, the digests a
//! manifest lists).

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, Seek, SeekFrom, Write};

use crate::positional::read_exact_at;

/// How much is held in memory, and when the file is written.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Bounds {
    /// Pieces are kept in memory until they would pass this; the rest go
    /// to the file.
    pub in_memory: usize,
    /// Bytes bound for the file are written once this many are waiting.
    pub write: usize,
    /// When the file cannot be made or written, the most held in memory
    /// in all, past which appending fails.
    pub held_without_file: usize,
}

/// Where appended bytes are, and how many.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    pub at: u64,
    pub len: u32,
}

/// A piece too long to keep.
fn too_long() -> io::Error {
    io::Error::other("a piece kept in a temporary file is over 4 GiB")
}

/// The bytes appended.
#[derive(Debug)]
pub(crate) struct SpilledBytes {
    bounds: Bounds,
    /// The bytes kept in memory, one piece after another; never more than
    /// `bounds.in_memory` nor `bounds.held_without_file`.
    memory: Vec<u8>,
    /// Made when the first bytes are written.
    file: Option<File>,
    /// Bytes written to the file.
    written: u64,
    /// The bytes that follow them, not yet written.
    pending: Vec<u8>,
    /// Why the file could not be made or written; no more is tried.
    unwritable: Option<io::Error>,
}

impl SpilledBytes {
    pub(crate) fn new(bounds: Bounds) -> SpilledBytes {
        SpilledBytes {
            bounds,
            memory: Vec::new(),
            file: None,
            written: 0,
            pending: Vec::new(),
            unwritable: None,
        }
    }

    /// The bytes held in memory.
    pub(crate) fn held(&self) -> usize {
        self.memory.len() + self.pending.len()
    }

    /// All the bytes appended.
    pub(crate) fn len(&self) -> u64 {
        self.memory.len() as u64 + self.written + self.pending.len() as u64
    }

    /// Whether some bytes went to the file, or wait for it.
    pub(crate) fn spilled(&self) -> bool {
        self.written + self.pending.len() as u64 > 0
    }

    /// Appends `parts`, one after another, as one piece.
    pub(crate) fn append(&mut self, parts: &[impl AsRef<[u8]>]) -> io::Result<Span> {
        let total: usize = parts.iter().map(|part| part.as_ref().len()).sum();
        let len = u32::try_from(total).map_err(|_| too_long())?;
        let at = self.len();
        let in_memory = self.bounds.in_memory.min(self.bounds.held_without_file);
        if !self.spilled() && self.memory.len() + total <= in_memory {
            parts
                .iter()
                .for_each(|part| self.memory.extend_from_slice(part.as_ref()));
            return Ok(Span { at, len });
        }
        // A piece is written whole with the bytes it ends, so it is either
        // in the file or pending, never split.
        (parts.iter()).for_each(|part| self.pending.extend_from_slice(part.as_ref()));
        if self.pending.len() >= self.bounds.write || self.held() > self.bounds.held_without_file {
            self.write_pending_or_keep();
        }
        if let Some(error) = &self.unwritable
            && self.held() > self.bounds.held_without_file
        {
            return Err(io::Error::new(error.kind(), error.to_string()));
        }
        Ok(Span { at, len })
    }

    /// Writes what waits for the file, so that it holds no memory: once
    /// every piece is appended. Where the file cannot be written, it stays.
    pub(crate) fn flush(&mut self) {
        if !self.pending.is_empty() && self.write_pending_or_keep() {
            self.pending = Vec::new();
        }
    }

    /// Writes the pending bytes unless writing failed before; if it fails
    /// now, keeps them, and why, for good. Whether they were written.
    fn write_pending_or_keep(&mut self) -> bool {
        if self.unwritable.is_some() {
            return false;
        }
        let Err(error) = self.write_pending() else {
            return true;
        };
        let dir = std::env::temp_dir();
        let error = io::Error::new(
            error.kind(),
            format!(
                "{} (the temporary directory, TMPDIR): {error}",
                dir.display()
            ),
        );
        self.unwritable = Some(error);
        false
    }

    /// Empties the file, as a disk that loses it would: the bytes in it can
    /// no longer be read.
    #[cfg(test)]
    pub(crate) fn lose_file(&self) {
        if let Some(file) = &self.file {
            file.set_len(0).unwrap();
        }
    }

    /// Fails every write to the file from now on, as a full disk would.
    #[cfg(test)]
    pub(crate) fn refuse_file(&mut self) {
        self.unwritable = Some(io::Error::other("/nowhere: No such file or directory"));
    }

    /// Writes the pending bytes at the end of the file, making it first.
    fn write_pending(&mut self) -> io::Result<()> {
        let file = match &mut self.file {
            Some(file) => file,
            None => self.file.insert(tempfile::tempfile()?),
        };
        // A positional read moves the file's position on Windows.
        file.seek(SeekFrom::Start(self.written))?;
        file.write_all(&self.pending)?;
        self.written += self.pending.len() as u64;
        self.pending.clear();
        Ok(())
    }

    /// The bytes of `span`, which this appended.
    pub(crate) fn get(&self, span: Span) -> io::Result<Cow<'_, [u8]>> {
        let not_kept =
            || io::Error::other("bytes kept in a temporary file are not where they were");
        let len = span.len as usize;
        let Some(in_file) = span.at.checked_sub(self.memory.len() as u64) else {
            let at = usize::try_from(span.at).map_err(|_| not_kept())?;
            let bytes = (self.memory.get(at..at + len)).ok_or_else(not_kept)?;
            return Ok(Cow::Borrowed(bytes));
        };
        if let Some(from) = in_file.checked_sub(self.written) {
            let from = usize::try_from(from).map_err(|_| not_kept())?;
            let bytes = (self.pending.get(from..from + len)).ok_or_else(not_kept)?;
            return Ok(Cow::Borrowed(bytes));
        }
        let file = self.file.as_ref().ok_or_else(not_kept)?;
        let mut bytes = vec![0; len];
        read_exact_at(file, &mut bytes, in_file)?;
        Ok(Cow::Owned(bytes))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const SMALL: Bounds = Bounds {
        in_memory: 1 << 10,
        write: 4 << 10,
        held_without_file: 17 << 10,
    };

    fn piece(i: usize) -> Vec<u8> {
        format!("{i}:{}", "é".repeat(i % 37)).into_bytes()
    }

    /// Appends the first 200 pieces: where each is.
    fn append_pieces(bytes: &mut SpilledBytes) -> Vec<Span> {
        (0..200)
            .map(|i| bytes.append(&[&piece(i)]).unwrap())
            .collect()
    }

    #[test]
    fn pieces_come_back_from_memory_the_pending_bytes_and_the_file() {
        let mut bytes = SpilledBytes::new(SMALL);
        let spans = append_pieces(&mut bytes);
        assert!(!bytes.memory.is_empty() && bytes.written > 0 && !bytes.pending.is_empty());
        for (i, span) in spans.iter().enumerate() {
            assert_eq!(bytes.get(*span).unwrap(), piece(i));
        }
        bytes.flush();
        assert!(bytes.pending.is_empty() && bytes.pending.capacity() == 0);
        for (i, span) in spans.iter().enumerate() {
            assert_eq!(bytes.get(*span).unwrap(), piece(i));
        }
    }

    /// Pieces read back from the file between writes: a read moves the
    /// file's position, which the next write must not follow.
    #[test]
    fn pieces_read_back_between_writes_stay_whole() {
        let mut bytes = SpilledBytes::new(SMALL);
        let mut kept = Vec::new();
        for i in 0..400 {
            let piece = format!("{i}:{}", "y".repeat(i % 90)).into_bytes();
            kept.push((bytes.append(&[&piece]).unwrap(), piece));
            let (back, piece) = &kept[i / 2];
            assert_eq!(bytes.get(*back).unwrap(), *piece);
        }
        assert!(bytes.written > 0);
        for (back, piece) in &kept {
            assert_eq!(bytes.get(*back).unwrap(), *piece);
        }
    }

    /// A file that cannot be made leaves the bytes in memory, up to a
    /// bound; past it, the error names the directory.
    #[test]
    fn pieces_stay_in_memory_when_the_file_cannot_be_made() {
        let mut bytes = SpilledBytes::new(SMALL);
        bytes.refuse_file();
        let mut kept = Vec::new();
        let piece = [b'z'; 100];
        let error = loop {
            match bytes.append(&[&piece]) {
                Ok(span) => kept.push(span),
                Err(error) => break error,
            }
        };
        assert!(kept.len() * 100 > SMALL.held_without_file - 200);
        assert!(bytes.held() <= SMALL.held_without_file + 100);
        assert!(error.to_string().starts_with("/nowhere"), "{error}");
        bytes.flush();
        for span in kept {
            assert_eq!(bytes.get(span).unwrap(), &piece[..]);
        }
        // Past the bound, the file is written at once, not after a piece.
        let mut third = SpilledBytes::new(Bounds {
            held_without_file: 10,
            ..SMALL
        });
        let span = third.append(&[&piece]).unwrap();
        assert_eq!((third.held(), third.written), (0, 100));
        assert_eq!(third.get(span).unwrap(), &piece[..]);
    }

    #[test]
    fn a_lost_file_is_an_error_when_read() {
        let mut bytes = SpilledBytes::new(SMALL);
        let spans = append_pieces(&mut bytes);
        bytes.flush();
        bytes.lose_file();
        assert_eq!(bytes.get(spans[0]).unwrap(), piece(0));
        assert!(bytes.get(spans[199]).is_err());
    }

    proptest! {
        #[test]
        fn every_piece_comes_back_as_appended(
            pieces in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 0..80),
            in_memory in 0usize..2000,
            write in 1usize..3000,
        ) {
            let mut bytes = SpilledBytes::new(Bounds { in_memory, write, held_without_file: usize::MAX });
            let mut spans = Vec::new();
            for (i, piece) in pieces.iter().enumerate() {
                let (head, tail) = piece.split_at(piece.len() / 2);
                spans.push(bytes.append(&[head, tail]).unwrap());
                if i % 7 == 3 {
                    bytes.flush();
                }
            }
            prop_assert_eq!(bytes.len(), pieces.iter().map(|p| p.len() as u64).sum::<u64>());
            for (span, piece) in spans.iter().zip(&pieces) {
                prop_assert_eq!(&*bytes.get(*span).unwrap(), piece.as_slice());
            }
        }
    }
}
