//! The documents' records of a loaded collection, kept out of memory: each
//! is written as a line of JSON to an unnamed temporary file and read back
//! when wanted. What stays in memory is an index of a few dozen bytes per
//! record (its place in the file, its line, its id and its file), so that
//! a collection of any size loads in bounded memory.
//!
//! Records wanted one after another in some order are read through
//! [`Records::in_order`], which reads each run of records that lie end to
//! end in the file with one call: the records of a collection listed in
//! path order, read in path order, come in reads of up to [`WINDOW`].
//! The spill of records listed in another order can be rewritten in the
//! order they are wanted in ([`Records::reorder`]).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::num::NonZeroU16;

use super::Document;
use crate::positional::read_exact_at;

/// The most [`RecordsInOrder`] reads at once, unless one record is longer.
const WINDOW: u64 = 1 << 20;

/// What is kept in memory of one record.
#[derive(Debug)]
struct Indexed {
    /// Where its JSON starts in the spill file, and its length.
    offset: u64,
    len: u32,
    /// Its 1-based place among the file's `[[document]]` tables, which
    /// counts those that did not read.
    number: u32,
    /// Line and column of its `[[document]]` header.
    header: [u32; 2],
    /// Where its `file` is, and its `sha256` if it declares one: errors
    /// found after loading are about them.
    file_place: NearPlace,
    sha256_place: Option<NearPlace>,
    /// Where its `id` and then its `file` are in [`Records::names`], and
    /// their lengths: one text for every record, where a string each cost
    /// 32 bytes of pointers and 30 or so of allocator overhead.
    names_at: u64,
    id_len: u32,
    file_len: u32,
}

impl Indexed {
    fn id<'a>(&self, names: &'a str) -> &'a str {
        let at = self.names_at as usize;
        &names[at..at + self.id_len as usize]
    }

    fn file<'a>(&self, names: &'a str) -> &'a str {
        let at = self.names_at as usize + self.id_len as usize;
        &names[at..at + self.file_len as usize]
    }
}

/// A field's place near its record's header, in 4 bytes, which keep the
/// index at 48 bytes a record: lines after the header, and column. A place
/// too far for them is given as the header's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct NearPlace {
    lines_after: u16,
    column: NonZeroU16,
}

impl NearPlace {
    const AT_HEADER: NearPlace = NearPlace {
        lines_after: u16::MAX,
        column: NonZeroU16::MAX,
    };

    fn new(header: (usize, usize), (line, column): (usize, usize)) -> NearPlace {
        let near = line
            .checked_sub(header.0)
            .and_then(|after| u16::try_from(after).ok())
            .zip(u16::try_from(column).ok().and_then(NonZeroU16::new));
        near.map_or(NearPlace::AT_HEADER, |(lines_after, column)| NearPlace {
            lines_after,
            column,
        })
    }

    fn place(self, header: [u32; 2]) -> (usize, usize) {
        if self == NearPlace::AT_HEADER {
            return unpack(header);
        }
        let line = header[0] as usize + usize::from(self.lines_after);
        (line, usize::from(self.column.get()))
    }
}

/// The records, in record order.
#[derive(Debug)]
pub struct Records {
    spill: File,
    index: Vec<Indexed>,
    /// Every record's `id` and `file`, one after another.
    names: String,
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

    /// The records at `indexes`, in that order.
    pub fn in_order<'a>(&'a self, indexes: &'a [usize]) -> RecordsInOrder<'a> {
        RecordsInOrder {
            records: self,
            indexes: indexes.iter(),
            window: Vec::new(),
            window_start: 0,
        }
    }

    /// The spill rewritten with the records in `order`, a permutation of
    /// their indexes, for [`Records::use_spill`]; `None` if it is in that
    /// order already. It reads the records but not the index, so it can
    /// run while others read the records.
    pub fn reorder(&self, order: &[usize]) -> io::Result<Option<ReorderedSpill>> {
        assert_eq!(order.len(), self.len(), "an order of every record");
        let in_order = order
            .windows(2)
            .all(|pair| self.index[pair[0]].offset < self.index[pair[1]].offset);
        if in_order {
            return Ok(None);
        }
        let mut spill = BufWriter::with_capacity(1 << 20, tempfile::tempfile()?);
        let mut offsets = vec![0; self.len()];
        let mut offset = 0;
        let mut bytes = Vec::new();
        for &index in order {
            let entry = &self.index[index];
            bytes.resize(entry.len as usize, 0);
            read_exact_at(&self.spill, &mut bytes, entry.offset)?;
            spill.write_all(&bytes)?;
            offsets[index] = offset;
            offset += u64::from(entry.len);
        }
        let spill = spill.into_inner().map_err(io::IntoInnerError::into_error)?;
        Ok(Some(ReorderedSpill { spill, offsets }))
    }

    /// Reads the records from `reordered` from now on.
    pub fn use_spill(&mut self, reordered: ReorderedSpill) {
        for (entry, offset) in self.index.iter_mut().zip(reordered.offsets) {
            entry.offset = offset;
        }
        self.spill = reordered.spill;
    }

    /// The id of the record at `index`.
    pub fn id(&self, index: usize) -> &str {
        self.index[index].id(&self.names)
    }

    /// The file of the record at `index`, as written.
    pub fn file(&self, index: usize) -> &str {
        self.index[index].file(&self.names)
    }

    /// Whether the record at `index` declares a `sha256`.
    pub fn declares_sha256(&self, index: usize) -> bool {
        self.index[index].sha256_place.is_some()
    }

    /// The 1-based place of the record at `index` among the file's
    /// `[[document]]` tables: `index + 1`, unless tables before it did not
    /// read.
    pub fn number(&self, index: usize) -> usize {
        self.index[index].number as usize
    }

    /// The 1-based line and column of the record's `[[document]]` header.
    pub fn place(&self, index: usize) -> (usize, usize) {
        unpack(self.index[index].header)
    }

    /// The 1-based line and column of `field` of the record at `index`:
    /// of the value of its `file` or `sha256`, else of its header.
    pub fn field_place(&self, index: usize, field: &str) -> (usize, usize) {
        let entry = &self.index[index];
        match field {
            "file" => entry.file_place.place(entry.header),
            "sha256" => entry
                .sha256_place
                .map_or(unpack(entry.header), |near| near.place(entry.header)),
            _ => unpack(entry.header),
        }
    }
}

/// Where a record is in its file, as 1-based lines and columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordPlaces {
    /// Its `[[document]]` header.
    pub header: (usize, usize),
    /// The value of its `file`.
    pub file: (usize, usize),
    /// The value of its `sha256`, if it declares one.
    pub sha256: Option<(usize, usize)>,
}

impl RecordPlaces {
    /// Every field placed at the header.
    #[cfg(test)]
    pub fn at_header(header: (usize, usize), document: &Document) -> RecordPlaces {
        RecordPlaces {
            header,
            file: header,
            sha256: document.sha256.as_ref().map(|_| header),
        }
    }
}

fn unpack([line, column]: [u32; 2]) -> (usize, usize) {
    (line as usize, column as usize)
}

/// The records' spill rewritten in another order, and where each record
/// now starts in it, by index.
pub struct ReorderedSpill {
    spill: File,
    offsets: Vec<u64>,
}

/// The records at given indexes, in their order (see [`Records::in_order`]).
pub struct RecordsInOrder<'a> {
    records: &'a Records,
    indexes: std::slice::Iter<'a, usize>,
    /// Bytes of the spill read last, from `window_start` on.
    window: Vec<u8>,
    window_start: u64,
}

impl RecordsInOrder<'_> {
    /// Reads the run of records that starts with `first` and goes on with
    /// the indexes still to come, as far as they lie end to end in the
    /// spill, up to [`WINDOW`].
    fn read_run(&mut self, first: &Indexed) -> io::Result<()> {
        let start = first.offset;
        let mut end = start + u64::from(first.len);
        for &next in self.indexes.as_slice() {
            let next = &self.records.index[next];
            let next_end = next.offset + u64::from(next.len);
            if next.offset != end || next_end - start > WINDOW {
                break;
            }
            end = next_end;
        }
        let len = usize::try_from(end - start).map_err(io::Error::other)?;
        self.window.resize(len, 0);
        self.window_start = start;
        read_exact_at(&self.records.spill, &mut self.window, start)
    }
}

impl Iterator for RecordsInOrder<'_> {
    type Item = io::Result<Document>;

    fn next(&mut self) -> Option<io::Result<Document>> {
        let records = self.records;
        let entry = &records.index[*self.indexes.next()?];
        let window_end = self.window_start + self.window.len() as u64;
        let end = entry.offset + u64::from(entry.len);
        let in_window = self.window_start <= entry.offset && end <= window_end;
        if !in_window && let Err(error) = self.read_run(entry) {
            return Some(Err(error));
        }
        let at = (entry.offset - self.window_start) as usize;
        let bytes = &self.window[at..at + entry.len as usize];
        Some(serde_json::from_slice(bytes).map_err(io::Error::other))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.indexes.size_hint()
    }
}

/// `value`, which the index keeps in 32 bits; `what` of a record names
/// it if it does not fit.
fn in_32_bits(value: usize, what: &str) -> io::Result<u32> {
    u32::try_from(value).map_err(|_| {
        io::Error::other(format!(
            "a record's {what} ({value}) is past 4,294,967,295, the most corpack indexes"
        ))
    })
}

/// Records being written.
pub struct RecordsWriter {
    spill: BufWriter<File>,
    offset: u64,
    index: Vec<Indexed>,
    names: String,
}

impl RecordsWriter {
    /// Starts with an unnamed temporary file in the system's temporary
    /// directory.
    pub fn new() -> io::Result<RecordsWriter> {
        Ok(RecordsWriter {
            spill: BufWriter::with_capacity(1 << 20, tempfile::tempfile()?),
            offset: 0,
            index: Vec::new(),
            names: String::new(),
        })
    }

    /// Adds the next record, the file's `number`th `[[document]]` table,
    /// found at `places`. A record that declares a `sha256` has its place.
    pub fn push(
        &mut self,
        document: &Document,
        number: usize,
        places: RecordPlaces,
    ) -> io::Result<()> {
        let json = serde_json::to_vec(document).map_err(io::Error::other)?;
        self.spill.write_all(&json)?;
        let pack = |(line, column): (usize, usize)| -> io::Result<[u32; 2]> {
            Ok([
                in_32_bits(line, "line number")?,
                in_32_bits(column, "column")?,
            ])
        };
        debug_assert_eq!(document.sha256.is_some(), places.sha256.is_some());
        self.index.push(Indexed {
            offset: self.offset,
            len: in_32_bits(json.len(), "length as JSON")?,
            number: in_32_bits(number, "number")?,
            header: pack(places.header)?,
            file_place: NearPlace::new(places.header, places.file),
            sha256_place: places
                .sha256
                .map(|place| NearPlace::new(places.header, place)),
            names_at: self.names.len() as u64,
            id_len: in_32_bits(document.id.as_str().len(), "id's length")?,
            file_len: in_32_bits(document.file.as_str().len(), "file's length")?,
        });
        self.names.push_str(document.id.as_str());
        self.names.push_str(document.file.as_str());
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
            names: self.names,
        })
    }
}

#[cfg(test)]
mod tests {
    use proptest::collection::vec;
    use proptest::prelude::*;
    use proptest::sample::Index;

    use super::*;

    #[test]
    fn a_value_past_32_bits_is_named_with_the_limit() {
        assert_eq!(in_32_bits(u32::MAX as usize, "number").unwrap(), u32::MAX);
        let error = in_32_bits(u32::MAX as usize + 1, "line number").unwrap_err();
        assert_eq!(
            error.to_string(),
            "a record's line number (4294967296) is past 4,294,967,295, the most corpack indexes"
        );
    }

    #[test]
    fn a_record_takes_48_bytes_of_the_index() {
        assert_eq!(std::mem::size_of::<Indexed>(), 48);
    }

    #[test]
    fn a_field_near_its_header_keeps_its_place_and_one_far_gets_the_header() {
        let header = (70_000, 3);
        for near in [(70_000, 9), (70_004, 1), (70_000 + 65_534, 65_535)] {
            assert_eq!(NearPlace::new(header, near).place([70_000, 3]), near);
        }
        for far in [(70_000 + 65_536, 1), (70_001, 65_536), (69_999, 5)] {
            assert_eq!(NearPlace::new(header, far).place([70_000, 3]), header);
        }
    }
    use crate::collection::testutil::collection;

    fn written(documents: &[Document]) -> Records {
        let mut writer = RecordsWriter::new().unwrap();
        for (index, document) in documents.iter().enumerate() {
            let places = RecordPlaces::at_header((index + 1, 1), document);
            writer.push(document, index + 1, places).unwrap();
        }
        writer.finish().unwrap()
    }

    /// Documents in any order, as a collection may list them.
    fn listed() -> impl Strategy<Value = Vec<Document>> {
        collection(12).prop_flat_map(|collection| Just(collection.documents).prop_shuffle())
    }

    /// Documents as a collection may list them, and an order to want them in.
    fn listed_and_wanted() -> impl Strategy<Value = (Vec<Document>, Vec<usize>)> {
        listed().prop_flat_map(|documents| {
            let order: Vec<usize> = (0..documents.len()).collect();
            (Just(documents), Just(order).prop_shuffle())
        })
    }

    /// Whether the spill holds the records in `order`.
    fn spilled_in(records: &Records, order: &[usize]) -> bool {
        order
            .windows(2)
            .all(|pair| records.index[pair[0]].offset < records.index[pair[1]].offset)
    }

    proptest! {
        #[test]
        fn records_in_any_order_read_as_one_at_a_time(
            documents in listed(),
            picks in vec(any::<Index>(), 0..30),
        ) {
            let records = written(&documents);
            let indexes: Vec<usize> = match documents.len() {
                0 => Vec::new(),
                len => picks.iter().map(|pick| pick.index(len)).collect(),
            };
            let read: Vec<Document> = records.in_order(&indexes).map(Result::unwrap).collect();
            let expected: Vec<Document> = indexes.iter().map(|&i| documents[i].clone()).collect();
            prop_assert_eq!(read, expected);
        }

        #[test]
        fn reordering_keeps_each_record_at_its_index((documents, order) in listed_and_wanted()) {
            let mut records = written(&documents);
            if let Some(reordered) = records.reorder(&order).unwrap() {
                records.use_spill(reordered);
            }
            for (index, document) in documents.iter().enumerate() {
                prop_assert_eq!(&records.get(index).unwrap(), document);
                prop_assert_eq!(records.file(index), document.file.as_str());
            }
            prop_assert!(spilled_in(&records, &order));
            prop_assert!(records.reorder(&order).unwrap().is_none());
        }
    }

    #[test]
    fn runs_longer_than_the_window_and_records_longer_than_it_read_whole() {
        let template: Document = toml::from_str("id = \"a\"\ntitle = \"A\"\nfile = \"a\"").unwrap();
        // Five records of 300 KiB lie end to end over more than a window,
        // and one is longer than a window.
        let documents: Vec<Document> = [300 << 10, 300 << 10, 300 << 10, 3 << 20, 300 << 10, 10]
            .iter()
            .enumerate()
            .map(|(n, &len)| Document {
                title: "t".repeat(len),
                file: format!("f{n}").parse().unwrap(),
                ..template.clone()
            })
            .collect();
        let records = written(&documents);
        let all: Vec<usize> = (0..documents.len()).collect();
        let read: Vec<Document> = records.in_order(&all).map(Result::unwrap).collect();
        assert_eq!(read, documents);
        assert!(spilled_in(&records, &all));
        assert!(records.reorder(&all).unwrap().is_none());
    }
}
