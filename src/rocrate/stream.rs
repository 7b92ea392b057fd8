//! `ro-crate-metadata.json` as a stream: the top object key by key, each
//! `@graph` element by element, and of each element only the properties a
//! reader asks for, as a small map of `Value`s ([`Entity`]). `hasPart` and
//! `mentions`, the lists as long as the crate, come as [`IdList`]s. All
//! else is parsed as strictly as into a `Value` (numbers, escapes, depth)
//! and dropped, so the stream accepts exactly the JSON `serde_json` does.
//!
//! Keys that come twice in one object count as in a `Value`: the last one.
//!
//! What is held at a time is one entity's properties asked for and the
//! longest string so far (the parser's scratch space), whatever the length
//! of the crate.

use std::borrow::Cow;
use std::io::{self, BufReader, Read};

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::id_list::IdList;
use crate::bagit::text::UTF8_BOM;

/// One `@graph` element.
#[derive(Default)]
pub(super) enum Element {
    #[default]
    NotAnObject,
    Entity(Entity),
}

/// The properties of one entity that were asked for.
#[derive(Default)]
pub(super) struct Entity {
    /// Every property asked for, but `hasPart` and `mentions`.
    pub(super) properties: Map<String, Value>,
    /// The `@id`s `hasPart` refers to.
    pub(super) has_part: IdList,
    /// The `@id`s `mentions` refers to.
    pub(super) mentions: IdList,
}

/// Receives the `@graph`s of the crate as they stream.
pub(super) trait GraphSink {
    /// A `@graph` key begins: what came of an earlier one is dropped.
    fn begin(&mut self);
    /// The next element of the `@graph` array.
    fn element(&mut self, element: Element);
}

/// The properties of each entity a walk asks for.
#[derive(Clone, Copy)]
pub(super) enum Asked<'s> {
    /// These only.
    Only(&'s [&'s str]),
    /// Every one.
    Every,
}

/// The top-level object, but its `@graph`.
pub(super) struct Top {
    pub(super) context: Option<Value>,
    /// Whether the last `@graph` is an array (`None`: there is none).
    pub(super) graph_is_array: Option<bool>,
}

/// What stopped a stream, in the order it is to be reported: a read error
/// wins over bytes that are not UTF-8, which win over text that is not
/// JSON, wherever each is.
#[derive(Debug)]
pub(super) enum Broken {
    Io(io::Error),
    NotUtf8,
    /// It starts with a byte-order mark, which JSON text must not
    /// (RFC 8259 §8.1) and which the parser does not pass over.
    ByteOrderMark,
    NotJson(serde_json::Error),
}

/// Streams the crate in `reader` to `sink`, asking for the `properties`
/// of each entity, and for its `hasPart` and `mentions` if `lists`; `None`
/// when the JSON is not an object. The whole input is read, even past a
/// fault, for the faults reported before it.
pub(super) fn walk(
    reader: impl Read,
    properties: Asked<'_>,
    lists: bool,
    sink: &mut dyn GraphSink,
) -> Result<Option<Top>, Broken> {
    let mut checked = Checked::new(reader);
    // The parser owns its buffer: only then does std hand it each byte
    // from the buffer directly. What it buffered has been checked.
    let input = BufReader::with_capacity(64 * 1024, &mut checked);
    let mut json = serde_json::Deserializer::from_reader(input);
    let walked = TopSeed {
        properties,
        lists,
        sink,
    }
    .deserialize(&mut json)
    .and_then(|top| json.end().map(|()| top));
    drop(json);
    let rest = io::copy(&mut checked, &mut io::sink());
    if let Some(error) = checked.io_error {
        return Err(Broken::Io(error));
    }
    rest.map_err(Broken::Io)?;
    if !checked.utf8.is_complete() {
        return Err(Broken::NotUtf8);
    }
    if walked.is_err() && checked.head == UTF8_BOM {
        return Err(Broken::ByteOrderMark);
    }
    walked.map_err(Broken::NotJson)
}

/// A reader that remembers its first error and whether its bytes are
/// UTF-8, so that they can be reported as such whatever the parser made of
/// them.
struct Checked<R> {
    inner: R,
    io_error: Option<io::Error>,
    utf8: Utf8,
    /// The first bytes, up to three.
    head: Vec<u8>,
}

impl<R: Read> Checked<R> {
    fn new(inner: R) -> Checked<R> {
        Checked {
            inner,
            io_error: None,
            utf8: Utf8::default(),
            head: Vec::new(),
        }
    }
}

impl<R: Read> Read for Checked<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        if self.io_error.is_some() {
            return Err(io::Error::other("the read failed before"));
        }
        match self.inner.read(buffer) {
            Ok(n) => {
                self.utf8.feed(&buffer[..n]);
                let wanted = UTF8_BOM.len() - self.head.len();
                self.head.extend(&buffer[..n.min(wanted)]);
                Ok(n)
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => Err(error),
            Err(error) => {
                self.io_error = Some(error);
                Err(io::Error::other("the read failed"))
            }
        }
    }
}

/// UTF-8 checked piece by piece: a character may span two pieces.
#[derive(Debug, Default)]
struct Utf8 {
    invalid: bool,
    /// The start of a character the last piece ended in (at most 3 bytes).
    pending: Vec<u8>,
}

impl Utf8 {
    fn feed(&mut self, mut bytes: &[u8]) {
        while !self.pending.is_empty() && !bytes.is_empty() && !self.invalid {
            self.pending.push(bytes[0]);
            bytes = &bytes[1..];
            match std::str::from_utf8(&self.pending) {
                Ok(_) => self.pending.clear(),
                Err(error) => self.invalid = error.error_len().is_some(),
            }
        }
        if self.invalid || bytes.is_empty() {
            return;
        }
        if let Err(error) = std::str::from_utf8(bytes) {
            match error.error_len() {
                Some(_) => self.invalid = true,
                None => self
                    .pending
                    .extend_from_slice(&bytes[error.valid_up_to()..]),
            }
        }
    }

    /// Whether everything fed was UTF-8, the last character whole.
    fn is_complete(&self) -> bool {
        !self.invalid && self.pending.is_empty()
    }
}

/// The `visit_*` methods for scalars, of a visitor that makes nothing of
/// them: each gives the default value.
macro_rules! scalars_give_default {
    () => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
    };
}

/// Any JSON value, parsed as a `Value` would be and dropped.
struct Skip;

impl<'de> de::Deserialize<'de> for Skip {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Skip, D::Error> {
        deserializer.deserialize_any(SkipVisitor).map(|()| Skip)
    }
}

struct SkipVisitor;

impl<'de> Visitor<'de> for SkipVisitor {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    scalars_give_default!();

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        skip_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<Skip, Skip>()?.is_some() {}
        Ok(())
    }
}

fn skip_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<Skip>()?.is_some() {}
    Ok(())
}

struct TopSeed<'s> {
    properties: Asked<'s>,
    lists: bool,
    sink: &'s mut dyn GraphSink,
}

impl<'de> DeserializeSeed<'de> for TopSeed<'_> {
    type Value = Option<Top>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<Top>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopSeed<'_> {
    type Value = Option<Top>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an RO-Crate")
    }

    scalars_give_default!();

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Option<Top>, A::Error> {
        skip_seq(seq).map(|()| None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Top>, A::Error> {
        let mut top = Top {
            context: None,
            graph_is_array: None,
        };
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "@context" => top.context = Some(map.next_value()?),
                "@graph" => {
                    self.sink.begin();
                    let graph = GraphSeed {
                        properties: self.properties,
                        lists: self.lists,
                        sink: &mut *self.sink,
                    };
                    top.graph_is_array = Some(map.next_value_seed(graph)?);
                }
                _ => {
                    map.next_value::<Skip>()?;
                }
            }
        }
        Ok(Some(top))
    }
}

/// A `@graph`: whether it is an array.
struct GraphSeed<'s> {
    properties: Asked<'s>,
    lists: bool,
    sink: &'s mut dyn GraphSink,
}

impl<'de> DeserializeSeed<'de> for GraphSeed<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for GraphSeed<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a @graph")
    }

    scalars_give_default!();

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        let mut scratch = String::new();
        loop {
            let element = ElementSeed {
                properties: self.properties,
                lists: self.lists,
                scratch: &mut scratch,
            };
            match seq.next_element_seed(element)? {
                Some(element) => self.sink.element(element),
                None => return Ok(true),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<bool, A::Error> {
        SkipVisitor.visit_map(map).map(|()| false)
    }
}

/// One `@graph` element.
pub(super) struct ElementSeed<'s> {
    pub(super) properties: Asked<'s>,
    /// Whether `hasPart` and `mentions` are read into lists; if not, they
    /// are passed over, as a property not asked for.
    pub(super) lists: bool,
    /// Room for one `@id` at a time, reused.
    pub(super) scratch: &'s mut String,
}

impl<'de> DeserializeSeed<'de> for ElementSeed<'_> {
    type Value = Element;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Element, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ElementSeed<'_> {
    type Value = Element;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an entity")
    }

    scalars_give_default!();

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Element, A::Error> {
        skip_seq(seq).map(|()| Element::NotAnObject)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Element, A::Error> {
        let mut entity = Entity::default();
        let properties = self.properties;
        while let Some(key) = map.next_key_seed(PropertySeed { properties })? {
            match key {
                Property::HasPart | Property::Mentions if !self.lists => {
                    map.next_value::<Skip>()?;
                }
                Property::HasPart => {
                    entity.has_part = IdList::default();
                    map.next_value_seed(IdsSeed {
                        list: &mut entity.has_part,
                        scratch: &mut *self.scratch,
                    })?;
                }
                Property::Mentions => {
                    entity.mentions = IdList::default();
                    map.next_value_seed(IdsSeed {
                        list: &mut entity.mentions,
                        scratch: &mut *self.scratch,
                    })?;
                }
                Property::Asked(name) => {
                    entity
                        .properties
                        .insert(name.into_owned(), map.next_value()?);
                }
                Property::Other => {
                    map.next_value::<Skip>()?;
                }
            }
        }
        Ok(Element::Entity(entity))
    }
}

/// An entity's key, as far as the reader cares.
enum Property<'p> {
    HasPart,
    Mentions,
    Asked(Cow<'p, str>),
    Other,
}

struct PropertySeed<'p> {
    properties: Asked<'p>,
}

impl<'de, 'p> DeserializeSeed<'de> for PropertySeed<'p> {
    type Value = Property<'p>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Property<'p>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de, 'p> Visitor<'de> for PropertySeed<'p> {
    type Value = Property<'p>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a property name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Property<'p>, E> {
        Ok(match key {
            "hasPart" => Property::HasPart,
            "mentions" => Property::Mentions,
            _ => match self.properties {
                Asked::Every => Property::Asked(Cow::Owned(key.to_string())),
                Asked::Only(properties) => match properties.iter().find(|p| **p == key) {
                    Some(asked) => Property::Asked(Cow::Borrowed(asked)),
                    None => Property::Other,
                },
            },
        })
    }
}

/// The `@id`s a property refers to, as `super::graph::ids` finds them in a
/// `Value`: the `@id` text of the value, or of each item of an array.
struct IdsSeed<'s> {
    list: &'s mut IdList,
    scratch: &'s mut String,
}

impl<'de> DeserializeSeed<'de> for IdsSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for IdsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("references")
    }

    scalars_give_default!();

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        loop {
            let item = ReferenceSeed {
                scratch: &mut *self.scratch,
            };
            match seq.next_element_seed(item)? {
                Some(true) => self.list.push(self.scratch),
                Some(false) => {}
                None => return Ok(()),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        if read_reference(map, self.scratch)? {
            self.list.push(self.scratch);
        }
        Ok(())
    }
}

/// One item of a list of references: whether it has an `@id`, read into
/// `scratch`.
struct ReferenceSeed<'s> {
    scratch: &'s mut String,
}

impl<'de> DeserializeSeed<'de> for ReferenceSeed<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ReferenceSeed<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a reference")
    }

    scalars_give_default!();

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<bool, A::Error> {
        skip_seq(seq).map(|()| false)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<bool, A::Error> {
        read_reference(map, self.scratch)
    }
}

/// The `@id` of the object in `bytes`, an item of a list
/// [`super::elements`] streams, as an item of `hasPart` read whole gives
/// it: if it is text. It is read into `scratch`.
pub(super) fn item_id<'s>(bytes: &[u8], scratch: &'s mut String) -> Option<&'s str> {
    let item = ReferenceSeed {
        scratch: &mut *scratch,
    };
    // The crate was read whole before: an item is valid JSON.
    let has_id = item.deserialize(&mut serde_json::Deserializer::from_slice(bytes));
    has_id.unwrap_or(false).then_some(scratch.as_str())
}

/// Reads the `@id` of an object into `scratch`: whether it has one that
/// is text.
fn read_reference<'de, A: MapAccess<'de>>(
    mut map: A,
    scratch: &mut String,
) -> Result<bool, A::Error> {
    let mut has_id = false;
    while let Some(key) = map.next_key_seed(PropertySeed {
        properties: Asked::Only(&["@id"]),
    })? {
        match key {
            Property::Asked(_) => has_id = map.next_value_seed(TextInto { text: scratch })?,
            _ => {
                map.next_value::<Skip>()?;
            }
        }
    }
    Ok(has_id)
}

/// A value copied into `text` if it is text: whether it was.
struct TextInto<'s> {
    text: &'s mut String,
}

impl<'de> DeserializeSeed<'de> for TextInto<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TextInto<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an @id")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<bool, E> {
        self.text.clear();
        self.text.push_str(text);
        Ok(true)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<bool, A::Error> {
        skip_seq(seq).map(|()| false)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<bool, A::Error> {
        SkipVisitor.visit_map(map).map(|()| false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_checked_across_pieces() {
        let fed = |pieces: &[&[u8]]| {
            let mut utf8 = Utf8::default();
            for piece in pieces {
                utf8.feed(piece);
            }
            utf8.is_complete()
        };
        let text = "é€😀".as_bytes();
        assert!(fed(&[text]));
        assert!(fed(&text.chunks(1).collect::<Vec<_>>()));
        assert!(fed(&[&text[..1], &text[1..4], &text[4..6], &text[6..]]));
        assert!(!fed(&[&text[..text.len() - 1]]));
        assert!(!fed(&[b"a\xffb"]));
        assert!(!fed(&[b"\xe2\x82", b"x"]));
        assert!(!fed(&[b"\xed\xa0", b"\x80"]));
    }
}
