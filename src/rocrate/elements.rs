//! The `@graph` of a crate [`super::stream::walk`] has already read, again
//! and faster: each element's bytes are found by counting brackets outside
//! strings, to be parsed on their own, as a slice. `serde_json` parses a
//! slice several times faster than a reader, which it reads a byte at a
//! time. What is not JSON is not reported here: `walk` has judged it.

use std::io::{self, Read};

use serde::de::DeserializeSeed;

use super::stream::{Asked, Element, ElementSeed, Entity};
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
    /// A `@graph` element.
    Element(&'s [u8]),
}

/// The bytes that matter outside strings: brackets, quotes, and in the
/// top object the separators that tell keys from values.
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
    /// The bytes of the part being read, from the pieces before.
    bytes: Vec<u8>,
}

impl Splitter {
    /// Whether the bytes at the depth reached are part of an element.
    fn keeping(&self) -> bool {
        self.in_graph && self.depth >= 3
    }

    fn feed(&mut self, piece: &[u8], take: &mut impl FnMut(Part<'_>)) {
        // Where the bytes of the part being read begin in `piece`.
        let mut kept_from = self.keeping().then_some(0);
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
            match byte {
                b'"' => {
                    self.in_string = true;
                    if self.depth == 1 && self.expecting_key {
                        self.key.clear();
                        self.reading_key = true;
                    }
                }
                b':' if self.depth == 1 => self.expecting_key = false,
                b',' if self.depth == 1 => self.expecting_key = true,
                b'{' | b'[' => {
                    self.depth += 1;
                    match self.depth {
                        1 => self.expecting_key = true,
                        2 if byte == b'[' && self.key_is_graph() => {
                            self.in_graph = true;
                            take(Part::GraphBegins);
                        }
                        _ => {}
                    }
                    if kept_from.is_none() && self.keeping() {
                        kept_from = Some(at);
                    }
                }
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    if let Some(from) = kept_from.filter(|_| !self.keeping()) {
                        kept_from = None;
                        if self.bytes.is_empty() {
                            take(Part::Element(&piece[from..=at]));
                        } else {
                            self.bytes.extend_from_slice(&piece[from..=at]);
                            take(Part::Element(&self.bytes));
                            self.bytes.clear();
                            // The root's list of every file can take
                            // megabytes, which the rest need not hold.
                            self.bytes.shrink_to(KEPT_ROOM);
                        }
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
    }

    /// Whether the last key of the top object is `@graph`, however it is
    /// written (`"@gr\u0061ph"` is `@graph` to a JSON reader too).
    fn key_is_graph(&self) -> bool {
        if !self.key.contains(&b'\\') {
            return self.key == b"@graph";
        }
        let quoted = [&b"\""[..], &self.key, b"\""].concat();
        serde_json::from_slice::<String>(&quoted).is_ok_and(|key| key == "@graph")
    }

    /// Adds the bytes of a key being read, if one is.
    fn read_key(&mut self, bytes: &[u8]) {
        if self.reading_key {
            self.key.extend_from_slice(bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::*;

    /// Any JSON value, with strings full of what the splitter looks for.
    fn any_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            "[\\\\\"{}\\[\\],:@a-z é]{0,8}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 32, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                proptest::collection::btree_map("[\\\\\"{}@a-z]{0,6}", inner, 0..4)
                    .prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        })
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
            };
            for piece in text.as_bytes().chunks(size) {
                splitter.feed(piece, &mut take);
            }
            let containers: Vec<&Value> =
                graph.iter().filter(|v| v.is_object() || v.is_array()).collect();
            prop_assert_eq!(found.iter().collect::<Vec<_>>(), containers);
        }
    }

    /// The parts of `json` fed in pieces of `size` bytes, as text.
    fn parts(json: &str, size: usize) -> Vec<String> {
        let mut splitter = Splitter::default();
        let mut parts = Vec::new();
        let mut take = |part: Part<'_>| {
            parts.push(match part {
                Part::GraphBegins => "begin".to_string(),
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
        let large = format!(r#"{{"@id": "./", "hasPart": ["{}"]}}"#, "a".repeat(1 << 20));
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
