//! The `@graph` of a crate [`super::stream::walk`] has already read, again
//! and faster: each element's bytes are found by counting brackets outside
//! strings, to be parsed on their own, as a slice. `serde_json` parses a
//! slice several times faster than a reader, which it reads a byte at a
//! time. What is not JSON is not reported here: `walk` has judged it.
//!
//! An element's `hasPart` and `mentions` arrays are not kept with it: their
//! items come one at a time ([`Part::ListItem`]) and the element holds `[]`
//! in their place. The root lists every file of the crate: kept whole, its
//! bytes took 16 MiB at 160,000 files, beside the list read from them.

use std::borrow::Cow;
use std::io::{self, Read};

use serde::de::DeserializeSeed;

use super::id_list::{KeyedIds, PayloadFiles};
use super::stream::{self, Asked, Element, ElementSeed, Entity};
use crate::digest::chunks::for_each_chunk;

/// Streams each `@graph` element of the crate in `reader`, as its bytes,
/// to `graph`, and says as each `@graph` array opens.
pub(super) fn walk_elements(
    mut reader: impl Read,
    mut graph: impl FnMut(Part<'_>),
) -> io::Result<()> {
    let mut splitter = Splitter::default();
    for_each_chunk(&mut reader, |piece| {
        splitter.feed(piece, &mut graph);
        Ok(())
    })
    .map(drop)
}

/// Every property of the element in `bytes`, and its `hasPart` and
/// `mentions` if `lists`; `None` if it is not an object or not JSON.
pub(super) fn parse_element(bytes: &[u8], lists: bool) -> Option<Entity> {
    let mut scratch = String::new();
    let mut json = serde_json::Deserializer::from_slice(bytes);
    let seed = ElementSeed {
        properties: Asked::Every,
        lists,
        scratch: &mut scratch,
    };
    match seed.deserialize(&mut json) {
        Ok(Element::Entity(entity)) => Some(entity),
        _ => None,
    }
}

/// A part of the crate, whole.
pub(super) enum Part<'s> {
    /// The array of a `@graph` key opens.
    GraphBegins,
    /// An element's `hasPart` or `mentions` key is read: its value comes
    /// next. One that is an array comes an item at a time, each object of
    /// it a [`Part::ListItem`], and the element holds `[]` in its place: an
    /// element's list can be as long as the crate (the root's list of
    /// every file), and is not held twice, as bytes and as what is read.
    ListBegins(List),
    /// An object in such an array.
    ListItem(List, &'s [u8]),
    /// A `@graph` element.
    Element(&'s [u8]),
}

/// Which list of an element [`Part::ListBegins`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum List {
    HasPart,
    Mentions,
}

/// The bytes that matter outside strings: brackets, quotes, and in the
/// top object and in elements the separators that tell keys from values.
const STRUCTURAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut at = 0;
    let bytes = b"\"{}[],:";
    while at < bytes.len() {
        table[bytes[at] as usize] = true;
        at += 1;
    }
    table
};

/// The room for the bytes of a part that [`Splitter`] keeps after one
/// that took more.
const KEPT_ROOM: usize = 64 * 1024;

/// The depth of an element's own keys: the top object is 1, the `@graph`
/// array 2.
const ELEMENT_DEPTH: usize = 3;

/// Where the parts of a valid JSON text are, a piece at a time.
#[derive(Default)]
struct Splitter {
    /// Brackets open: the top object is depth 1.
    depth: usize,
    in_string: bool,
    /// Whether the piece before ended in a string's backslash.
    escaped: bool,
    /// In the top object: whether the next string is a key, and the last
    /// key (what a value at depth 2 belongs to).
    expecting_key: bool,
    key: Vec<u8>,
    reading_key: bool,
    /// Whether the value being read is a `@graph` array.
    in_graph: bool,
    /// In an element that is an object, whether the next string is one of
    /// its keys.
    expecting_element_key: bool,
    element_is_object: bool,
    /// The list whose key was just read, until its value starts.
    list_next: Option<List>,
    /// The list whose array is being streamed, item by item.
    streaming: Option<List>,
    /// Whether an object item of that array is being read.
    in_item: bool,
    /// The bytes of the part being read, from the pieces before.
    bytes: Vec<u8>,
    /// The bytes of the list item being read, from the pieces before.
    item: Vec<u8>,
}

impl Splitter {
    /// Whether the bytes at the depth reached are part of an element.
    fn keeping(&self) -> bool {
        self.in_graph && self.depth >= ELEMENT_DEPTH && self.streaming.is_none()
    }

    fn feed(&mut self, piece: &[u8], take: &mut impl FnMut(Part<'_>)) {
        // Where the bytes of the part being read, and of the list item
        // being read, begin in `piece`.
        let mut kept_from = self.keeping().then_some(0);
        let mut item_from = self.in_item.then_some(0);
        let mut at = 0;
        if self.escaped && !piece.is_empty() {
            self.escaped = false;
            self.read_key(&piece[..1]);
            at = 1;
        }
        while at < piece.len() {
            if self.in_string {
                let Some(found) = memchr::memchr2(b'"', b'\\', &piece[at..]) else {
                    self.read_key(&piece[at..]);
                    break;
                };
                self.read_key(&piece[at..at + found]);
                at += found;
                if piece[at] == b'\\' {
                    self.read_key(&piece[at..(at + 2).min(piece.len())]);
                    self.escaped = at + 1 == piece.len();
                    at += 2;
                } else {
                    self.in_string = false;
                    self.reading_key = false;
                    at += 1;
                }
                continue;
            }
            while at < piece.len() && !STRUCTURAL[piece[at] as usize] {
                at += 1;
            }
            let Some(&byte) = piece.get(at) else {
                break;
            };
            let in_element = self.in_graph && self.depth == ELEMENT_DEPTH;
            match byte {
                b'"' => {
                    self.in_string = true;
                    let is_key = match self.depth {
                        1 => self.expecting_key,
                        ELEMENT_DEPTH => in_element && self.expecting_element_key,
                        _ => false,
                    };
                    if is_key {
                        self.key.clear();
                        // Element keys are read too, and one can be long.
                        self.key.shrink_to(KEPT_ROOM);
                        self.reading_key = true;
                    } else if in_element {
                        self.list_next = None;
                    }
                }
                b':' if self.depth == 1 => self.expecting_key = false,
                b',' if self.depth == 1 => self.expecting_key = true,
                b':' if in_element => {
                    self.expecting_element_key = false;
                    self.list_next = self.key_list();
                    if let Some(list) = self.list_next {
                        take(Part::ListBegins(list));
                    }
                }
                b',' if in_element => {
                    self.expecting_element_key = self.element_is_object;
                    self.list_next = None;
                }
                b'{' | b'[' => {
                    self.depth += 1;
                    match self.depth {
                        1 => self.expecting_key = true,
                        2 if byte == b'[' && self.key_is_graph() => {
                            self.in_graph = true;
                            take(Part::GraphBegins);
                        }
                        ELEMENT_DEPTH if self.in_graph => {
                            self.element_is_object = byte == b'{';
                            self.expecting_element_key = self.element_is_object;
                        }
                        4 if in_element => {
                            // An element being read is kept from its first
                            // byte, so `kept_from` is known here.
                            if let (b'[', Some(list), Some(from)) =
                                (byte, self.list_next, kept_from)
                            {
                                // What the element holds in the list's place.
                                kept_from = None;
                                self.bytes.extend_from_slice(&piece[from..at]);
                                self.bytes.extend_from_slice(b"[]");
                                self.streaming = Some(list);
                            }
                            self.list_next = None;
                        }
                        5 if byte == b'{' && self.streaming.is_some() => {
                            self.in_item = true;
                            item_from = Some(at);
                        }
                        _ => {}
                    }
                    if kept_from.is_none() && self.keeping() {
                        kept_from = Some(at);
                    }
                }
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    if let Some(list) = self.streaming {
                        if self.depth == 4
                            && let Some(from) = item_from.take()
                        {
                            self.in_item = false;
                            let item = |bytes: &[u8]| take(Part::ListItem(list, bytes));
                            give_whole(&mut self.item, &piece[from..=at], item);
                        } else if self.depth == ELEMENT_DEPTH {
                            self.streaming = None;
                            kept_from = Some(at + 1);
                        }
                    } else if let Some(from) = kept_from.filter(|_| !self.keeping()) {
                        kept_from = None;
                        self.list_next = None;
                        let element = |bytes: &[u8]| take(Part::Element(bytes));
                        give_whole(&mut self.bytes, &piece[from..=at], element);
                    } else if self.depth == 1 {
                        self.in_graph = false;
                    }
                }
                _ => {}
            }
            at += 1;
        }
        if let Some(from) = kept_from {
            self.bytes.extend_from_slice(&piece[from..]);
        }
        if let Some(from) = item_from {
            self.item.extend_from_slice(&piece[from..]);
        }
    }

    /// The last key read, decoded (`"@gr\u0061ph"` is `@graph` to a JSON
    /// reader too).
    fn decoded_key(&self) -> Cow<'_, [u8]> {
        if !self.key.contains(&b'\\') {
            return Cow::Borrowed(&self.key);
        }
        let quoted = [&b"\""[..], &self.key, b"\""].concat();
        match serde_json::from_slice::<String>(&quoted) {
            Ok(key) => Cow::Owned(key.into_bytes()),
            Err(_) => Cow::Borrowed(&self.key),
        }
    }

    /// Whether the last key of the top object is `@graph`, however it is
    /// written.
    fn key_is_graph(&self) -> bool {
        *self.decoded_key() == *b"@graph"
    }

    /// The list the last key of an element names, if it names one, as
    /// [`super::stream`] reads the key.
    fn key_list(&self) -> Option<List> {
        match &*self.decoded_key() {
            b"hasPart" => Some(List::HasPart),
            b"mentions" => Some(List::Mentions),
            _ => None,
        }
    }

    /// Adds the bytes of a key being read, if one is.
    fn read_key(&mut self, bytes: &[u8]) {
        if self.reading_key {
            self.key.extend_from_slice(bytes);
        }
    }
}

/// Gives the part (an element or a list item) whose last bytes are `last`
/// and whose bytes from the pieces before are `kept`: from the piece
/// itself when it lies within it, without copying. `kept` then gives back
/// its room past [`KEPT_ROOM`]: an element of long texts, or one long
/// item, can take megabytes, which the rest need not hold.
fn give_whole(kept: &mut Vec<u8>, last: &[u8], give: impl FnOnce(&[u8])) {
    if kept.is_empty() {
        give(last);
        return;
    }
    kept.extend_from_slice(last);
    give(kept);
    kept.clear();
    kept.shrink_to(KEPT_ROOM);
}

/// An element's `hasPart` and `mentions` as they stream past, for a
/// reader that wants the lists: given each list's parts
/// ([`Part::ListBegins`], [`Part::ListItem`]), then the element read from
/// its bytes, it gives the lists a reader of the whole element finds.
pub(super) struct StreamedLists<'f> {
    /// By [`List`].
    lists: [KeyedIds<'f>; 2],
    /// What each list begins as.
    empty: KeyedIds<'f>,
    /// Room for one `@id` at a time, reused.
    scratch: String,
}

impl<'f> StreamedLists<'f> {
    /// Lists whose ids of `payload`'s files are kept as their indexes.
    pub(super) fn new(payload: Option<&'f dyn PayloadFiles>) -> StreamedLists<'f> {
        let empty = KeyedIds::new(payload);
        StreamedLists {
            lists: [empty.clone(), empty.clone()],
            empty,
            scratch: String::new(),
        }
    }

    /// Takes a list's part; the other parts are not for it.
    pub(super) fn take(&mut self, part: &Part<'_>) {
        match *part {
            Part::ListBegins(list) => self.lists[list as usize] = self.empty.clone(),
            Part::ListItem(list, bytes) => {
                if let Some(id) = stream::item_id(bytes, &mut self.scratch) {
                    self.lists[list as usize].push(id);
                }
            }
            Part::GraphBegins | Part::Element(_) => {}
        }
    }

    /// Ends the element, read from its bytes as `entity` (`None` if it did
    /// not read): its `hasPart` and `mentions`. A list that streamed is the
    /// element's, since its last key for the list had it as value and left
    /// `[]` in the bytes; where none did, the last key's value was not an
    /// array (an object, text), and the bytes give the list.
    pub(super) fn end(&mut self, entity: Option<&Entity>) -> [KeyedIds<'f>; 2] {
        let begun = [self.empty.clone(), self.empty.clone()];
        let mut streamed = std::mem::replace(&mut self.lists, begun);
        if let Some(entity) = entity {
            for (streamed, read) in streamed
                .iter_mut()
                .zip([&entity.has_part, &entity.mentions])
            {
                if streamed.len() == 0 {
                    for id in read.iter() {
                        streamed.push(id);
                    }
                }
            }
        }
        streamed
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::*;
    use crate::json_strategy::any_json;

    /// Any JSON value, with strings full of what the splitter looks for.
    fn any_value() -> impl Strategy<Value = Value> {
        any_json("[\\\\\"{}\\[\\],:@a-z é]{0,8}", "[\\\\\"{}@a-z]{0,6}")
    }

    proptest! {
        #[test]
        fn the_elements_are_those_serde_json_finds(
            context in any_value(),
            graph in proptest::collection::vec(any_value(), 0..6),
            other in any_value(),
            pretty in any::<bool>(),
            size in 1usize..64,
        ) {
            let crate_json = json!({"@context": context, "@graph": graph, "other": other});
            let text = if pretty {
                serde_json::to_string_pretty(&crate_json).unwrap()
            } else {
                crate_json.to_string()
            };
            let mut found = Vec::new();
            let mut splitter = Splitter::default();
            let mut take = |part: Part<'_>| match part {
                Part::GraphBegins => found.clear(),
                Part::Element(bytes) => found.push(serde_json::from_slice::<Value>(bytes).unwrap()),
                Part::ListBegins(_) | Part::ListItem(..) => {}
            };
            for piece in text.as_bytes().chunks(size) {
                splitter.feed(piece, &mut take);
            }
            let containers: Vec<&Value> =
                graph.iter().filter(|v| v.is_object() || v.is_array()).collect();
            prop_assert_eq!(found.iter().collect::<Vec<_>>(), containers);
        }

        #[test]
        fn lists_streamed_read_as_the_element_read_whole(
            elements in proptest::collection::vec(element_text(), 1..4),
            sizes in proptest::collection::vec(1usize..48, 1..6),
        ) {
            let text = format!(r#"{{"@graph": [{}]}}"#, elements.join(", "));
            let mut read = Vec::new();
            let mut streamed = StreamedLists::new(None);
            let mut splitter = Splitter::default();
            let mut take = |part: Part<'_>| match part {
                Part::Element(bytes) => {
                    let element = parse_element(bytes, true).unwrap();
                    let lists = streamed.end(Some(&element)).map(|list| {
                        let index = list.into_index();
                        (0..index.len()).map(|at| index.get(at).into_owned()).collect::<Vec<_>>()
                    });
                    read.push((element.properties, lists));
                }
                lists => streamed.take(&lists),
            };
            // Pieces of mixed sizes, some shorter than an item.
            let (mut rest, mut sizes) = (text.as_bytes(), sizes.iter().cycle());
            while !rest.is_empty() {
                let (piece, after) = rest.split_at((*sizes.next().unwrap()).min(rest.len()));
                splitter.feed(piece, &mut take);
                rest = after;
            }
            prop_assert_eq!(read.len(), elements.len());
            for ((properties, [has_part, mentions]), whole) in read.into_iter().zip(&elements) {
                let whole = parse_element(whole.as_bytes(), true).unwrap();
                prop_assert_eq!(has_part, whole.has_part.iter().collect::<Vec<_>>());
                prop_assert_eq!(mentions, whole.mentions.iter().collect::<Vec<_>>());
                prop_assert_eq!(properties, whole.properties);
            }
        }
    }

    proptest! {
        #[test]
        fn bytes_that_are_not_json_split_without_panic(
            text in "[{}\\[\\],:\"\\\\ a@hasPrtmnu0]{0,200}",
            prefix in prop_oneof![Just(r#"{"@graph": [{"hasPart": ["#), Just(r#"{"@graph": ["#), Just("[")],
            size in 1usize..16,
        ) {
            let text = format!("{prefix}{text}");
            let mut splitter = Splitter::default();
            for piece in text.as_bytes().chunks(size) {
                splitter.feed(piece, &mut |_| {});
            }
        }
    }

    /// An element whose keys, some repeated, name lists (one written with
    /// an escape) with values of every shape a list can have.
    fn element_text() -> impl Strategy<Value = String> {
        let item = prop_oneof![
            "[a-c]{1,2}".prop_map(|id| format!(r#"{{"@id": "{id}", "n": [1, {{"x": "]"}}]}}"#)),
            Just(r#"{"@id": 5}"#.to_string()),
            "[a-c]".prop_map(|id| {
                let pad = r#"]}[{\"\\"#.repeat(12);
                format!(r#"{{"pad": "{pad}", "@id": "{id}", "more": [{{"x": "{pad}"}}]}}"#)
            }),
            Just("null".to_string()),
            Just("{}".to_string()),
            Just(r#"{"@id": "q\"]\\", "t": "\\"}"#.to_string()),
            Just(r#"{"name": "{["}"#.to_string()),
            Just(r#""text""#.to_string()),
            Just(r#"[{"@id": "nested"}]"#.to_string()),
        ];
        let value = prop_oneof![
            proptest::collection::vec(item, 0..4)
                .prop_map(|items| format!("[{}]", items.join(","))),
            "[a-c]".prop_map(|id| format!(r#"{{"@id": "{id}"}}"#)),
            Just(r#""a""#.to_string()),
            Just("7".to_string()),
            Just("null".to_string()),
            Just("{}".to_string()),
        ];
        let key = prop_oneof![
            Just("hasPart"),
            Just("has\\u0050art"),
            Just("mentions"),
            Just("\\u006dentions"),
            Just("hasPart "),
            Just("name"),
        ];
        proptest::collection::vec((key, value), 0..4).prop_map(|pairs| {
            let pairs: Vec<String> = pairs
                .iter()
                .map(|(key, value)| format!(r#""{key}": {value}"#))
                .collect();
            format!(r#"{{"@id": "e", {}}}"#, pairs.join(",\n  ")).replace(", }", "}")
        })
    }

    /// The parts of `json` fed in pieces of `size` bytes, as text.
    fn parts(json: &str, size: usize) -> Vec<String> {
        let mut splitter = Splitter::default();
        let mut parts = Vec::new();
        let mut take = |part: Part<'_>| {
            parts.push(match part {
                Part::GraphBegins => "begin".to_string(),
                Part::ListBegins(list) => format!("{list:?}"),
                Part::ListItem(list, bytes) => {
                    format!("{list:?} {}", String::from_utf8(bytes.to_vec()).unwrap())
                }
                Part::Element(bytes) => String::from_utf8(bytes.to_vec()).unwrap(),
            })
        };
        for piece in json.as_bytes().chunks(size) {
            splitter.feed(piece, &mut take);
        }
        parts
    }

    #[test]
    fn elements_are_found_whatever_the_pieces() {
        let json = r#"{"a": {"@graph": [1]}, "x\"@graph": "@graph", "@context": ["c", {"k": "}"}],
            "@graph": [ {"@id": "a\"}{[", "n": [1, {"b": "q\\"}]}, {"@id": "b"} ], "z": [{}]}"#;
        serde_json::from_str::<Value>(json).unwrap();
        let expected = [
            "begin",
            r#"{"@id": "a\"}{[", "n": [1, {"b": "q\\"}]}"#,
            r#"{"@id": "b"}"#,
        ];
        for size in 1..=json.len() {
            assert_eq!(parts(json, size), expected, "pieces of {size} bytes");
        }
    }

    #[test]
    fn the_lists_are_read_only_when_asked_for() {
        let json =
            br#"{"@id": "./", "hasPart": [{"@id": "a"}], "mentions": {"@id": "b"}, "name": "n"}"#;
        let with = parse_element(json, true).unwrap();
        assert_eq!(with.has_part.iter().collect::<Vec<_>>(), ["a"]);
        assert_eq!(with.mentions.iter().collect::<Vec<_>>(), ["b"]);
        let without = parse_element(json, false).unwrap();
        assert_eq!((without.has_part.len(), without.mentions.len()), (0, 0));
        assert_eq!(without.properties, with.properties);
        assert_eq!(
            without.properties.keys().collect::<Vec<_>>(),
            ["@id", "name"]
        );
    }

    #[test]
    fn a_large_element_does_not_keep_its_room() {
        let large = format!(r#"{{"@id": "./", "name": ["{}"]}}"#, "a".repeat(1 << 20));
        let json = format!(r#"{{"@graph": [{large}, {{"@id": "b"}}]}}"#);
        let mut splitter = Splitter::default();
        let mut sizes = Vec::new();
        let mut take = |part: Part<'_>| {
            if let Part::Element(bytes) = part {
                sizes.push(bytes.len());
            }
        };
        for piece in json.as_bytes().chunks(4096) {
            splitter.feed(piece, &mut take);
        }
        assert_eq!(sizes, [large.len(), r#"{"@id": "b"}"#.len()]);
        assert!(splitter.bytes.capacity() <= KEPT_ROOM);
    }

    #[test]
    fn a_long_list_is_not_kept_with_its_element() {
        let mut items: Vec<String> = (0..20_000)
            .map(|i| format!(r#"{{"@id": "f{i}"}}"#))
            .collect();
        // One item of a megabyte: its room is given back after it.
        items[10] = format!(r#"{{"@id": "f10", "pad": "{}"}}"#, "p".repeat(1 << 20));
        let json = format!(
            r#"{{"@graph": [{{"@id": "./", "hasPart": [{}], "name": "n"}}]}}"#,
            items.join(", ")
        );
        let mut splitter = Splitter::default();
        let (mut streamed, mut elements) = (0, Vec::new());
        let mut take = |part: Part<'_>| match part {
            Part::ListItem(List::HasPart, _) => streamed += 1,
            Part::Element(bytes) => elements.push(String::from_utf8(bytes.to_vec()).unwrap()),
            _ => {}
        };
        for piece in json.as_bytes().chunks(4096) {
            splitter.feed(piece, &mut take);
            assert!(
                splitter.bytes.len() < 64,
                "{} bytes kept",
                splitter.bytes.len()
            );
        }
        assert_eq!(streamed, 20_000);
        assert_eq!(elements, [r#"{"@id": "./", "hasPart": [], "name": "n"}"#]);
        assert!(splitter.bytes.capacity() <= KEPT_ROOM);
        assert!(splitter.item.capacity() <= KEPT_ROOM);
    }

    #[test]
    fn a_graph_key_written_with_escapes_is_found() {
        let json = r#"{"@gr\u0061ph": [{"@id": "a"}], "\u0040graph\"": [{"@id": "b"}]}"#;
        assert_eq!(
            serde_json::from_str::<Value>(json).unwrap()["@graph"][0]["@id"],
            "a"
        );
        for size in 1..=json.len() {
            assert_eq!(
                parts(json, size),
                ["begin", r#"{"@id": "a"}"#],
                "pieces of {size} bytes"
            );
        }
    }

    #[test]
    fn a_second_graph_begins_again() {
        let json = r#"{"@graph": [{"@id": "a"}], "@graph": [{"@id": "b"}]}"#;
        assert_eq!(
            parts(json, 7),
            ["begin", r#"{"@id": "a"}"#, "begin", r#"{"@id": "b"}"#]
        );
    }
}
