//! `message.usage` of an assistant message: typed counters that keep the wire's key order.
//!
//! It is the one object of every assistant message (the most frequent message), so it is read
//! straight into counters instead of an ordered map. The order its keys came in is kept in a
//! few bits, so that [`Usage::into_entries`] gives them back as they were sent (a binding's
//! dict or object then prints as the official SDK's).

use super::fast::{Fast, FastMap, Key, OptSeed};
use super::wire::{Misfit, Object, Wire};
use serde::de::{Deserializer, MapAccess};
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

/// Token usage of one API response, as the Messages API reports it.
///
/// The common counters are typed; everything else (`cache_creation`, `server_tool_use`,
/// ...) and any counter whose value did not fit (an explicit `null`, a fraction) is in
/// `extra`, as received. Equality compares values, not key order.
#[derive(Clone, Default)]
pub struct Usage {
    /// Input tokens neither read from nor written to the prompt cache.
    pub input_tokens: Option<u64>,
    /// Input tokens written to the prompt cache.
    pub cache_creation_input_tokens: Option<u64>,
    /// Input tokens read from the prompt cache.
    pub cache_read_input_tokens: Option<u64>,
    /// Output tokens.
    pub output_tokens: Option<u64>,
    /// The service tier that served the request (`standard`, `priority`, `batch`).
    pub service_tier: Option<String>,
    /// Fields this version does not model, and typed fields whose value did not fit.
    pub extra: Object,
    order: KeyOrder,
}

/// The typed fields' keys, in declaration order (a [`KeyOrder`] slot is an index here).
const FIELDS: [&str; 5] = [
    "input_tokens",
    "cache_creation_input_tokens",
    "cache_read_input_tokens",
    "output_tokens",
    "service_tier",
];
const SERVICE_TIER: usize = 4;

/// The order keys came in: 4 bits a key, the first lowest; a slot is a typed field's index in
/// [`FIELDS`] or [`EXTRA`], the next `extra` entry. Past 16 keys it is not kept (typed fields
/// then come first).
#[derive(Clone, Copy, Default)]
struct KeyOrder {
    slots: u64,
    len: u8,
}

const EXTRA: u8 = 0xF;
const MAX_KEYS: u8 = 16;

impl KeyOrder {
    fn push(&mut self, slot: u8) {
        if self.len < MAX_KEYS {
            self.slots |= u64::from(slot) << (4 * self.len);
        }
        self.len = self.len.saturating_add(1);
    }

    fn slots(self) -> impl Iterator<Item = u8> {
        let len = if self.len > MAX_KEYS { 0 } else { self.len };
        (0..len).map(move |i| ((self.slots >> (4 * i)) & 0xF) as u8)
    }
}

impl Usage {
    /// The counter of typed field `index` (not `service_tier`).
    fn counter(&mut self, index: usize) -> &mut Option<u64> {
        match index {
            0 => &mut self.input_tokens,
            1 => &mut self.cache_creation_input_tokens,
            2 => &mut self.cache_read_input_tokens,
            _ => &mut self.output_tokens,
        }
    }

    /// Keeps an entry the typed fields do not take.
    fn keep_extra(&mut self, key: String, value: Value) {
        if self.extra.insert(key, value).is_none() {
            self.order.push(EXTRA);
        }
    }

    /// Takes one entry of the general path's object: typed when it fits, else in `extra`.
    fn put(&mut self, key: String, value: Value) {
        match FIELDS.iter().position(|f| *f == key) {
            Some(SERVICE_TIER) if value.is_string() => {
                self.service_tier = Some(String::take(value));
                self.order.push(SERVICE_TIER as u8);
            }
            Some(index) if index != SERVICE_TIER && value.is_u64() => {
                *self.counter(index) = value.as_u64();
                self.order.push(index as u8);
            }
            _ => self.keep_extra(key, value),
        }
    }

    /// Every field that is set, keys as sent and in the order they came in (fields set or
    /// added since come after them: typed ones first).
    pub fn into_entries(self) -> Vec<(Cow<'static, str>, Value)> {
        let mut typed = [
            self.input_tokens.map(Value::from),
            self.cache_creation_input_tokens.map(Value::from),
            self.cache_read_input_tokens.map(Value::from),
            self.output_tokens.map(Value::from),
            self.service_tier.map(Value::String),
        ];
        let mut extra = self.extra.into_iter();
        let mut out = Vec::with_capacity(FIELDS.len() + extra.len());
        for slot in self.order.slots() {
            if slot == EXTRA {
                out.extend(extra.next().map(|(k, v)| (Cow::Owned(k), v)));
            } else if let Some(v) = typed[usize::from(slot)].take() {
                out.push((Cow::Borrowed(FIELDS[usize::from(slot)]), v));
            }
        }
        for (key, value) in FIELDS.iter().zip(typed) {
            out.extend(value.map(|v| (Cow::Borrowed(*key), v)));
        }
        out.extend(extra.map(|(k, v)| (Cow::Owned(k), v)));
        out
    }

    /// The JSON object this was built from, in its key order.
    pub fn into_value(self) -> Value {
        Value::Object(
            self.into_entries()
                .into_iter()
                .map(|(k, v)| (k.into_owned(), v))
                .collect(),
        )
    }
}

impl PartialEq for Usage {
    fn eq(&self, other: &Self) -> bool {
        self.input_tokens == other.input_tokens
            && self.cache_creation_input_tokens == other.cache_creation_input_tokens
            && self.cache_read_input_tokens == other.cache_read_input_tokens
            && self.output_tokens == other.output_tokens
            && self.service_tier == other.service_tier
            && self.extra == other.extra
    }
}

impl fmt::Debug for Usage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Usage")
            .field("input_tokens", &self.input_tokens)
            .field(
                "cache_creation_input_tokens",
                &self.cache_creation_input_tokens,
            )
            .field("cache_read_input_tokens", &self.cache_read_input_tokens)
            .field("output_tokens", &self.output_tokens)
            .field("service_tier", &self.service_tier)
            .field("extra", &self.extra)
            .finish()
    }
}

impl Wire for Usage {
    fn check(v: &Value) -> Result<(), Misfit> {
        Object::check(v)
    }
    fn take(v: Value) -> Self {
        let mut usage = Usage::default();
        for (key, value) in Object::take(v) {
            usage.put(key, value);
        }
        usage
    }
    fn into_wire(self) -> Value {
        self.into_value()
    }
}

impl FastMap for Usage {
    fn fast_map<'de, A: MapAccess<'de>>(mut map: A, skip: &[&str]) -> Result<Self, A::Error> {
        let mut usage = Usage::default();
        let mut seen = 0u8;
        while let Some(key) = map.next_key_seed(Key)? {
            let field = FIELDS.iter().position(|f| *f == key);
            if let Some(index) = field {
                // JSON text may repeat a key: the general path keeps the first place and the
                // last value, as a parsed object does.
                if seen & (1 << index) != 0 {
                    return Err(serde::de::Error::custom("a repeated key"));
                }
                seen |= 1 << index;
            }
            match field {
                Some(SERVICE_TIER) => match map.next_value_seed(OptSeed::<String>::new())? {
                    Some(tier) => {
                        usage.service_tier = Some(tier);
                        usage.order.push(SERVICE_TIER as u8);
                    }
                    None => {
                        usage.service_tier = None;
                        usage.keep_extra(key.into_owned(), Value::Null);
                    }
                },
                // A counter that is not a `u64` fails this path; the general one keeps it.
                Some(index) => match map.next_value_seed(OptSeed::<u64>::new())? {
                    Some(n) => {
                        *usage.counter(index) = Some(n);
                        usage.order.push(index as u8);
                    }
                    None => {
                        *usage.counter(index) = None;
                        usage.keep_extra(key.into_owned(), Value::Null);
                    }
                },
                None if skip.contains(&key.as_ref()) => super::fast::ignore(&mut map)?,
                None => {
                    let value: Value = map.next_value()?;
                    usage.keep_extra(key.into_owned(), value);
                }
            }
        }
        Ok(usage)
    }
}

impl Fast for Usage {
    fn fast<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        super::fast::map_of(d, &[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::DeserializeSeed;
    use serde_json::json;

    fn both(text: &str) -> [Usage; 2] {
        let general = Usage::take(serde_json::from_str(text).unwrap());
        let mut de = serde_json::Deserializer::from_str(text);
        let fast = OptSeed::<Usage>::new()
            .deserialize(&mut de)
            .unwrap()
            .unwrap();
        [general, fast]
    }

    fn keys(usage: Usage) -> Vec<String> {
        let value = usage.into_value();
        value.as_object().unwrap().keys().cloned().collect()
    }

    #[test]
    fn typed_counters_and_the_wire_order() {
        let text = r#"{"input_tokens":3,"cache_creation":{"ephemeral_5m_input_tokens":0},"cache_read_input_tokens":20,"output_tokens":256,"service_tier":"standard","server_tool_use":{"web_search_requests":0}}"#;
        for usage in both(text) {
            assert_eq!(usage.input_tokens, Some(3));
            assert_eq!(usage.cache_read_input_tokens, Some(20));
            assert_eq!(usage.output_tokens, Some(256));
            assert_eq!(usage.service_tier.as_deref(), Some("standard"));
            assert_eq!(usage.extra.len(), 2);
            assert_eq!(
                serde_json::to_string(&usage.clone().into_value()).unwrap(),
                text
            );
        }
    }

    #[test]
    fn misfits_stay_in_place() {
        let text = r#"{"output_tokens":null,"input_tokens":1.5,"service_tier":7,"cache_read_input_tokens":2}"#;
        let general = Usage::take(serde_json::from_str(text).unwrap());
        assert_eq!(general.input_tokens, None);
        assert_eq!(general.cache_read_input_tokens, Some(2));
        assert_eq!(serde_json::to_string(&general.into_value()).unwrap(), text);
        // The fast path keeps a `null` itself and leaves other misfits to the general path.
        let mut de = serde_json::Deserializer::from_str(text);
        assert!(OptSeed::<Usage>::new().deserialize(&mut de).is_err());
        let [general, fast] = both(r#"{"output_tokens":null,"input_tokens":4}"#);
        assert_eq!(fast, general);
        assert_eq!(keys(fast), ["output_tokens", "input_tokens"]);
    }

    #[test]
    fn fields_set_later_come_after_the_received_ones() {
        let [mut usage, _] = both(r#"{"service_tier":"batch","x":1}"#);
        usage.output_tokens = Some(9);
        usage.extra.insert("y".into(), json!(2));
        assert_eq!(keys(usage), ["service_tier", "x", "output_tokens", "y"]);
        let fresh = Usage {
            output_tokens: Some(1),
            input_tokens: Some(2),
            ..Usage::default()
        };
        assert_eq!(keys(fresh), ["input_tokens", "output_tokens"]);
    }

    #[test]
    fn past_sixteen_keys_typed_fields_come_first() {
        let mut object = serde_json::Map::new();
        for i in 0..20 {
            object.insert(format!("k{i}"), json!(i));
        }
        object.insert("input_tokens".into(), json!(1));
        let usage = Usage::take(Value::Object(object.clone()));
        assert_eq!(usage.extra.len(), 20);
        let keys = keys(usage);
        assert_eq!(keys[0], "input_tokens");
        assert_eq!(
            keys[1..],
            object.keys().take(20).cloned().collect::<Vec<_>>()[..]
        );
    }

    #[test]
    fn a_repeated_key_keeps_its_last_value() {
        let text = r#"{"input_tokens":null,"service_tier":null,"input_tokens":1,"service_tier":"a","output_tokens":2,"output_tokens":null}"#;
        let general = Usage::take(serde_json::from_str(text).unwrap());
        assert_eq!(general.input_tokens, Some(1));
        assert_eq!(general.output_tokens, None);
        assert_eq!(
            keys(general),
            ["input_tokens", "service_tier", "output_tokens"]
        );
        // The fast path leaves a repeated key to the general path.
        let mut de = serde_json::Deserializer::from_str(text);
        assert!(OptSeed::<Usage>::new().deserialize(&mut de).is_err());
    }

    #[test]
    fn equality_ignores_key_order() {
        let [a, _] = both(r#"{"input_tokens":1,"output_tokens":2}"#);
        let [b, _] = both(r#"{"output_tokens":2,"input_tokens":1}"#);
        assert_eq!(a, b);
    }
}
