//! Pretty JSON written a piece at a time, byte for byte what
//! `serde_json::to_writer_pretty` writes for the whole document, so that
//! the graph of a large crate is never held as one value.
//!
//! serde_json indents by two spaces per level; a value written at depth `d`
//! is the same text as when written alone, with every line after its first
//! indented by `2 d` more spaces. JSON strings escape their line breaks, so
//! every line break in the output is one the printer put there.

use std::io::{self, Write};

use serde::Serialize;

const SPACES: &[u8] = &[b' '; 64];

fn indent(out: &mut dyn Write, depth: usize) -> io::Result<()> {
    let mut left = 2 * depth;
    while left > 0 {
        let n = left.min(SPACES.len());
        out.write_all(&SPACES[..n])?;
        left -= n;
    }
    Ok(())
}

/// Writes `value` pretty-printed as it would be `depth` levels deep in a
/// pretty-printed document. The caller writes what comes before its first
/// line.
pub(super) fn write_at(
    out: &mut dyn Write,
    depth: usize,
    value: &impl Serialize,
) -> io::Result<()> {
    let mut indented = io::BufWriter::with_capacity(8192, Indented { out, depth });
    serde_json::to_writer_pretty(&mut indented, value).map_err(io::Error::from)?;
    indented.flush()
}

/// Indents every line after the first by `depth` levels.
struct Indented<'a> {
    out: &'a mut dyn Write,
    depth: usize,
}

impl Write for Indented<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let mut rest = bytes;
        while let Some(at) = rest.iter().position(|&b| b == b'\n') {
            self.out.write_all(&rest[..=at])?;
            indent(self.out, self.depth)?;
            rest = &rest[at + 1..];
        }
        self.out.write_all(rest)?;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// A JSON array or object written element by element at `depth`.
pub(super) struct Container<'a> {
    out: &'a mut dyn Write,
    depth: usize,
    close: u8,
    empty: bool,
}

impl<'a> Container<'a> {
    /// Opens an array (its caller has written what comes before `[`).
    pub(super) fn array(out: &'a mut dyn Write, depth: usize) -> io::Result<Container<'a>> {
        Container::open(out, depth, b'[', b']')
    }

    /// Opens an object (its caller has written what comes before `{`).
    pub(super) fn object(out: &'a mut dyn Write, depth: usize) -> io::Result<Container<'a>> {
        Container::open(out, depth, b'{', b'}')
    }

    fn open(out: &'a mut dyn Write, depth: usize, open: u8, close: u8) -> io::Result<Self> {
        out.write_all(&[open])?;
        Ok(Container {
            out,
            depth,
            close,
            empty: true,
        })
    }

    /// Starts the next element or member on its own line and returns the
    /// output to write its value to, at [`Container::inner_depth`].
    pub(super) fn slot(&mut self) -> io::Result<&mut dyn Write> {
        let separator: &[u8] = if self.empty { b"\n" } else { b",\n" };
        self.empty = false;
        self.out.write_all(separator)?;
        indent(self.out, self.depth + 1)?;
        Ok(&mut *self.out)
    }

    /// The depth of the elements.
    pub(super) fn inner_depth(&self) -> usize {
        self.depth + 1
    }

    /// Writes an array element.
    pub(super) fn element(&mut self, value: &impl Serialize) -> io::Result<()> {
        let depth = self.inner_depth();
        write_at(self.slot()?, depth, value)
    }

    /// Writes an array element given as the text `serde_json` pretty-prints
    /// for it alone: what [`Container::element`] writes for that value.
    pub(super) fn element_pretty(&mut self, text: &str) -> io::Result<()> {
        let depth = self.inner_depth();
        Indented {
            out: self.slot()?,
            depth,
        }
        .write_all(text.as_bytes())
    }

    /// Writes an object member's key and returns the output its value
    /// goes to, at [`Container::inner_depth`].
    pub(super) fn key(&mut self, key: &str) -> io::Result<&mut dyn Write> {
        let out = self.slot()?;
        serde_json::to_writer(&mut *out, key).map_err(io::Error::from)?;
        out.write_all(b": ")?;
        Ok(out)
    }

    /// Writes an object member.
    pub(super) fn member(&mut self, key: &str, value: &impl Serialize) -> io::Result<()> {
        let depth = self.inner_depth();
        write_at(self.key(key)?, depth, value)
    }

    /// Closes the container.
    pub(super) fn close(self) -> io::Result<()> {
        if !self.empty {
            self.out.write_all(b"\n")?;
            indent(self.out, self.depth)?;
        }
        self.out.write_all(&[self.close])
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn sample() -> Value {
        json!({
            "a": [1, {"b": "line\nbreak", "c": []}, {}],
            "d": {"e": [{"@id": "x"}, {"@id": "y"}]},
            "f": "g",
        })
    }

    #[test]
    fn pieces_make_what_the_whole_would() {
        let whole = serde_json::to_string_pretty(&json!({ "top": [sample(), sample(), sample()] }))
            .unwrap();
        let mut out = Vec::new();
        let mut top = Container::object(&mut out, 0).unwrap();
        let depth = top.inner_depth();
        let mut list = Container::array(top.key("top").unwrap(), depth).unwrap();
        list.element(&sample()).unwrap();
        let depth = list.inner_depth();
        let mut object = Container::object(list.slot().unwrap(), depth).unwrap();
        for (key, value) in sample().as_object().unwrap() {
            object.member(key, value).unwrap();
        }
        object.close().unwrap();
        let alone = serde_json::to_string_pretty(&sample()).unwrap();
        list.element_pretty(&alone).unwrap();
        list.close().unwrap();
        top.close().unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), whole);
    }

    #[test]
    fn empty_containers_are_written_as_serde_json_writes_them() {
        let mut out = Vec::new();
        let mut top = Container::object(&mut out, 0).unwrap();
        let depth = top.inner_depth();
        Container::array(top.key("a").unwrap(), depth)
            .unwrap()
            .close()
            .unwrap();
        Container::object(top.key("o").unwrap(), depth)
            .unwrap()
            .close()
            .unwrap();
        top.close().unwrap();
        let whole = serde_json::to_string_pretty(&json!({"a": [], "o": {}})).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), whole);
    }

    #[test]
    fn deep_values_are_indented_past_the_spaces_at_hand() {
        let mut value = json!("leaf");
        for _ in 0..40 {
            value = json!([value]);
        }
        let mut out = Vec::new();
        write_at(&mut out, 0, &value).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            serde_json::to_string_pretty(&value).unwrap()
        );
    }
}
