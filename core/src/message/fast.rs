//! Parsing the common message kinds straight from a line's bytes into their typed structs.
//!
//! The general path builds a `serde_json::Value` tree first (with an ordered map per object:
//! a hash table and its entries, for every object of every message) and then moves it apart.
//! This path fills the structs as the parser walks the text. It gives exactly what the general
//! path gives or nothing: any value that does not fit its field (other than an optional
//! field's `null`, kept in `extra` the same way) makes it fail, and the caller falls back to the
//! general path, which reports the problem precisely.

use super::chat::{AssistantMessage, UserMessage};
use super::content::{ContentBlock, UserContent};
use super::events::StreamEvent;
use super::wire::{Object, Wire};
use super::Message;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Number, Value};
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// A type parsed straight from a deserializer, as [`Wire`] would from a `Value`.
pub(crate) trait Fast: Sized {
    fn fast<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
}

/// A struct (or block) whose fields are read from an open map.
pub(crate) trait FastMap: Sized {
    /// Reads the remaining entries of `map`, ignoring the keys in `skip`.
    fn fast_map<'de, A: MapAccess<'de>>(map: A, skip: &[&str]) -> Result<Self, A::Error>;
}

/// Leaves: through a `Value` (as cheap as a direct parse for scalars), checked as [`Wire`] does.
macro_rules! fast_via_value {
    ($($t:ty),*) => {$(
        impl Fast for $t {
            fn fast<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let v = Value::deserialize(d)?;
                <$t as Wire>::check(&v).map_err(de::Error::custom)?;
                Ok(<$t as Wire>::take(v))
            }
        }
    )*};
}

fast_via_value!(
    String,
    bool,
    u64,
    i64,
    Number,
    Value,
    Object,
    super::AssistantError
);

/// A [`DeserializeSeed`] for a [`Fast`] type.
pub(crate) struct Seed<T>(PhantomData<T>);

impl<T> Seed<T> {
    pub(crate) fn new() -> Self {
        Seed(PhantomData)
    }
}

impl<'de, T: Fast> DeserializeSeed<'de> for Seed<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        T::fast(d)
    }
}

/// A field value: `None` for `null`.
pub(crate) struct OptSeed<T>(PhantomData<T>);

impl<T> OptSeed<T> {
    pub(crate) fn new() -> Self {
        OptSeed(PhantomData)
    }
}

impl<'de, T: Fast> DeserializeSeed<'de> for OptSeed<T> {
    type Value = Option<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de, T: Fast> Visitor<'de> for OptSeed<T> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value or null")
    }
    fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        T::fast(d).map(Some)
    }
}

/// An object key, borrowed from the input when it has no escapes.
pub(crate) struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(s))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(s.to_owned()))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(s))
    }
}

/// Reads a map into a [`FastMap`] type, ignoring the keys in `skip`.
struct MapVisitor<T> {
    skip: &'static [&'static str],
    marker: PhantomData<T>,
}

impl<'de, T: FastMap> Visitor<'de> for MapVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::fast_map(map, self.skip)
    }
}

/// Parses a [`FastMap`] type from `d`, ignoring the keys in `skip`.
pub(crate) fn map_of<'de, T: FastMap, D: Deserializer<'de>>(
    d: D,
    skip: &'static [&'static str],
) -> Result<T, D::Error> {
    d.deserialize_map(MapVisitor {
        skip,
        marker: PhantomData,
    })
}

impl<T: Fast> Fast for Vec<T> {
    fn fast<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(SeqVisitor(PhantomData))
    }
}

struct SeqVisitor<T>(PhantomData<T>);

impl<'de, T: Fast> Visitor<'de> for SeqVisitor<T> {
    type Value = Vec<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(Seed::<T>::new())? {
            out.push(item);
        }
        Ok(out)
    }
}

impl Fast for UserContent {
    fn fast<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(UserContentVisitor)
    }
}

struct UserContentVisitor;

impl<'de> Visitor<'de> for UserContentVisitor {
    type Value = UserContent;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or an array of blocks")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<UserContent, E> {
        Ok(UserContent::Text(s.to_owned()))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<UserContent, E> {
        Ok(UserContent::Text(s))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<UserContent, A::Error> {
        SeqVisitor(PhantomData)
            .visit_seq(seq)
            .map(UserContent::Blocks)
    }
}

impl Fast for ContentBlock {
    fn fast<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(BlockVisitor)
    }
}

struct BlockVisitor;

impl<'de> Visitor<'de> for BlockVisitor {
    type Value = ContentBlock;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a content block object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ContentBlock, A::Error> {
        let Some(key) = map.next_key_seed(Key)? else {
            return ContentBlock::take_checked(Object::new());
        };
        if key == "type" {
            let tag: Value = map.next_value()?;
            if let Some(block) = ContentBlock::fast_after_type(tag.as_str(), &mut map)? {
                return Ok(block);
            }
            return ContentBlock::take_checked(rest_of(map, "type".to_owned(), tag)?);
        }
        let value = map.next_value()?;
        ContentBlock::take_checked(rest_of(map, key.into_owned(), value)?)
    }
}

/// The whole object: the entry already read, then the rest.
fn rest_of<'de, A: MapAccess<'de>>(
    mut map: A,
    key: String,
    value: Value,
) -> Result<Object, A::Error> {
    let mut object = Object::new();
    object.insert(key, value);
    while let Some((k, v)) = map.next_entry::<String, Value>()? {
        object.insert(k, v);
    }
    Ok(object)
}

impl ContentBlock {
    /// A block as the general path builds it, or an error when that path would fail.
    fn take_checked<E: de::Error>(object: Object) -> Result<ContentBlock, E> {
        let value = Value::Object(object);
        <ContentBlock as Wire>::check(&value).map_err(E::custom)?;
        Ok(<ContentBlock as Wire>::take(value))
    }
}

/// Parses a line whose first key is `"type"` with one of the plain kinds, when every value fits.
pub(crate) fn message(line: &[u8]) -> Option<Message> {
    let rest = line.strip_prefix(b"{\"type\":\"")?;
    let kind = [b"assistant\"" as &[u8], b"user\"", b"stream_event\""]
        .into_iter()
        .position(|kind| rest.starts_with(kind))?;
    let mut de = serde_json::Deserializer::from_slice(line);
    let message = match kind {
        0 => map_of(&mut de, SKIP_TYPE).map(Message::Assistant),
        1 => map_of(&mut de, SKIP_TYPE).map(Message::User),
        _ => map_of(&mut de, SKIP_TYPE).map(Message::StreamEvent),
    }
    .ok()?;
    de.end().ok()?;
    Some(message)
}

const SKIP_TYPE: &[&str] = &["type"];

/// Reads the value of a key, skipping it when the key is one the caller ignores.
pub(crate) fn ignore<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

// The wire structs implement `FastMap` (see `wire_struct!`); these are the ones a fast message
// starts from, checked here so that a change to them cannot silently drop the fast path.
const _: fn() = || {
    fn is_fast_map<T: FastMap>() {}
    is_fast_map::<AssistantMessage>();
    is_fast_map::<UserMessage>();
    is_fast_map::<StreamEvent>();
};

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path gives what the general path gives, and is taken for these lines.
    fn same(line: &str, fast: bool) {
        let general = Message::from_value(serde_json::from_str(line).unwrap());
        let direct = Message::from_slice(line.as_bytes());
        match (&general, &direct) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a, b, "{line}");
                let back = serde_json::to_string(&b.to_value()).unwrap();
                assert_eq!(back, serde_json::to_string(&a.to_value()).unwrap());
            }
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{line}"),
            _ => panic!("{line}: {general:?} vs {direct:?}"),
        }
        assert_eq!(
            message(line.as_bytes()).is_some(),
            fast,
            "fast path for {line}"
        );
    }

    #[test]
    fn captured_cli_lines_parse_the_same_both_ways() {
        let fixtures = [
            include_str!("../../tests/fixtures/text.jsonl"),
            include_str!("../../tests/fixtures/tool_partial.jsonl"),
            include_str!("../../tests/fixtures/thinking_partial.jsonl"),
            include_str!("../../tests/fixtures/api_error_400.jsonl"),
            include_str!("../../tests/fixtures/retry_529.jsonl"),
            include_str!("../../tests/fixtures/max_turns.jsonl"),
            include_str!("../../tests/fixtures/hooks_session_state.jsonl"),
        ];
        let mut fast = 0;
        for line in fixtures.iter().flat_map(|f| f.lines()) {
            let taken = message(line.as_bytes()).is_some();
            fast += usize::from(taken);
            same(line, taken);
        }
        assert!(
            fast > 10,
            "the fast path was taken for {fast} captured lines"
        );
    }

    #[test]
    fn nulls_misfits_and_odd_blocks_match_the_general_path() {
        let cases = [
            // Optional nulls go to `extra` in field order; unknown keys stay in place.
            (
                r#"{"type":"assistant","zeta":1,"message":{"stop_reason":null,"model":"m","content":[],"id":null,"new":{"a":[1]}},"uuid":null,"parent_tool_use_id":null,"session_id":"s"}"#,
                true,
            ),
            // Every block kind, escaped keys and strings, a block whose type is not first.
            (
                r#"{"type":"assistant","message":{"model":"m","content":[{"type":"text","text":"h\u00e9\n","citations":null},{"type":"thinking","thinking":"t","signature":"s"},{"type":"redacted_thinking","data":"d"},{"type":"tool_use","id":"i","name":"Bash","input":{"b":1,"a":2}},{"type":"server_tool_use","id":"i","name":"web_search","input":{}},{"type":"web_search_tool_result","tool_use_id":"i","content":[]},{"type":"image","source":{"type":"url","url":"u"}},{"type":"document","source":{},"title":null},{"type":"future_block","x":1},{"text":"no type first","type":"text"},{"t\u0065xt":"escaped key","type":"text"}]}}"#,
                true,
            ),
            (
                r#"{"type":"user","message":{"role":"user","content":"plain"},"isReplay":true,"timestamp":"t"}"#,
                true,
            ),
            (
                r#"{"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"text","text":"x"}],"is_error":false}]},"tool_use_result":{"stdout":""},"origin":null}"#,
                true,
            ),
            (
                r#"{"type":"stream_event","event":{"type":"content_block_delta","delta":{"type":"text_delta","text":"x"}},"session_id":"s","parent_tool_use_id":null,"uuid":"u"}"#,
                true,
            ),
            (
                r#"{"type":"assistant","message":{"model":"m","content":[]},"error":"rate_limit"}"#,
                true,
            ),
            // Misfits: the general path decides (an error, or the value kept in `extra`).
            (
                r#"{"type":"assistant","message":{"model":"m","content":[{"type":"text","text":5}]}}"#,
                false,
            ),
            (
                r#"{"type":"assistant","message":{"model":null,"content":[]}}"#,
                false,
            ),
            (r#"{"type":"assistant","message":{"content":[]}}"#, false),
            (
                r#"{"type":"assistant","message":{"model":"m","content":[],"stop_reason":7}}"#,
                false,
            ),
            (
                r#"{"type":"user","message":{"content":{"not":"blocks"}}}"#,
                false,
            ),
            (
                r#"{"type":"user","message":{"content":[]},"isReplay":"yes"}"#,
                false,
            ),
            (r#"{"type":"stream_event","event":null}"#, false),
            (
                r#"{"type":"assistant","message":{"model":"m","content":[{"type":"tool_use","id":"i","name":"n"}]}}"#,
                false,
            ),
            // Not taken: another kind, another key first, trailing data.
            (r#"{"type":"result","subtype":"success"}"#, false),
            (
                r#"{"uuid":"u","type":"assistant","message":{"model":"m","content":[]}}"#,
                false,
            ),
        ];
        for (line, fast) in cases {
            same(line, fast);
        }
        assert!(Message::from_slice(
            br#"{"type":"assistant","message":{"model":"m","content":[]}} x"#
        )
        .is_err());
        assert!(Message::from_slice(br#"{"type":"assistant","message":"#).is_err());
    }
}
