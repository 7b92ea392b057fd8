//! The documents' records of a loaded collection, kept out of memory: each
//! is written as a line of JSON to an unnamed temporary file and read back
//! when wanted. What stays in memory is an index of a few dozen bytes per
//! record (its place in the file, its line, its id and its file), so that
//! a collection of any size loads in bounded memory.

use std::fs::File;
use std::io::{self, BufWriter, Write};

use super::Document;
use crate::positional::read_exact_at;

/// What is kept in memory of one record.
#[derive(Debug)]
struct Indexed {
    /// Where its JSON starts in the spill file, and its length.
    offset: u64,
    len: u32,
    /// Line and column of its `[[document]]` header.
    line: u32,
    column: u32,
    /// Whether the record declares a `sha256`.
    declares_sha256: bool,
    id: Box<str>,
    file: Box<str>,
}

/// The records, in record order.
#[derive(Debug)]
pub struct Records {
    spill: File,
    index: Vec<Indexed>,
}

impl Records {
    /// How many records there are.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// The record at `index`.
    pub fn get(&self, index: usize) -> io::Result<Document> {
        let entry = &self.index[index];
        let mut bytes = vec![0; entry.len as usize];
        read_exact_at(&self.spill, &mut bytes, entry.offset)?;
        serde_json::from_slice(&bytes).map_err(io::Error::other)
    }

    /// The id of the record at `index`.
    pub fn id(&self, index: usize) -> &str {
        &self.index[index].id
    }

    /// The file of the record at `index`, as written.
    pub fn file(&self, index: usize) -> &str {
        &self.index[index].file
    }

    /// Whether the record at `index` declares a `sha256`.
    pub fn declares_sha256(&self, index: usize) -> bool {
        self.index[index].declares_sha256
    }

    /// The 1-based line and column of the record's `[[document]]` header.
    pub fn place(&self, index: usize) -> (usize, usize) {
        let entry = &self.index[index];
        (entry.line as usize, entry.column as usize)
    }
}

/// Records being written.
pub struct RecordsWriter {
    spill: BufWriter<File>,
    offset: u64,
    index: Vec<Indexed>,
}

impl RecordsWriter {
    /// Starts with an unnamed temporary file in the system's temporary
    /// directory.
    pub fn new() -> io::Result<RecordsWriter> {
        Ok(RecordsWriter {
            spill: BufWriter::with_capacity(1 << 20, tempfile::tempfile()?),
            offset: 0,
            index: Vec::new(),
        })
    }

    /// How many records have been written.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Adds the next record, whose header is at `place` (line, column).
    pub fn push(&mut self, document: &Document, place: (usize, usize)) -> io::Result<()> {
        let json = serde_json::to_vec(document).map_err(io::Error::other)?;
        self.spill.write_all(&json)?;
        let too_large = || io::Error::other("a record of more than 4 GiB");
        self.index.push(Indexed {
            offset: self.offset,
            len: u32::try_from(json.len()).map_err(|_| too_large())?,
            line: u32::try_from(place.0).map_err(|_| too_large())?,
            column: u32::try_from(place.1).map_err(|_| too_large())?,
            declares_sha256: document.sha256.is_some(),
            id: document.id.as_str().into(),
            file: document.file.as_str().into(),
        });
        self.offset += json.len() as u64;
        Ok(())
    }

    /// The records written.
    pub fn finish(self) -> io::Result<Records> {
        let spill = self
            .spill
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?;
        Ok(Records {
            spill,
            index: self.index,
        })
    }
}
