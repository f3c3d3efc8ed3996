//! The plumbing shared by all message types: how one JSON value becomes one typed field and back.
//!
//! Parsing is two-phase so that nothing is cloned and a failure can still report the untouched
//! frame: `check` walks the value by reference and reports the first required field that is
//! missing or mistyped; only when it passes is the owned value taken apart by moving out of it.
//! An optional field whose value does not fit its type (an explicit `null`, a number where a
//! string was expected, ...) is not an error: it stays in the struct's `extra` map, so the frame
//! is reproduced exactly on output.

use serde_json::{Map, Number, Value};
use std::fmt;

/// The JSON object type used for `extra` maps.
pub type Object = Map<String, Value>;

/// Why a value does not fit a type, with the path to the offending part.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Misfit {
    path: String,
    reason: String,
}

impl Misfit {
    pub(crate) fn new(reason: impl Into<String>) -> Self {
        Misfit {
            path: String::new(),
            reason: reason.into(),
        }
    }

    pub(crate) fn expected(what: &str, got: &Value) -> Self {
        Misfit::new(format!("expected {what}, got {}", json_kind(got)))
    }

    pub(crate) fn missing(key: &str) -> Self {
        Misfit {
            path: key.to_owned(),
            reason: "missing".to_owned(),
        }
    }

    /// Prefixes the path with an object key.
    pub(crate) fn in_field(mut self, key: &str) -> Self {
        self.path = join(key, &self.path);
        self
    }

    /// Prefixes the path with an array index.
    pub(crate) fn in_item(mut self, index: usize) -> Self {
        self.path = join(&format!("[{index}]"), &self.path);
        self
    }
}

fn join(head: &str, tail: &str) -> String {
    if tail.is_empty() {
        head.to_owned()
    } else if tail.starts_with('[') {
        format!("{head}{tail}")
    } else {
        format!("{head}.{tail}")
    }
}

impl fmt::Display for Misfit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.reason)
        } else {
            write!(f, "{}: {}", self.path, self.reason)
        }
    }
}

pub(crate) fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A type that one JSON value converts into and back, losslessly.
pub(crate) trait Wire: Sized {
    /// Whether `v` converts into `Self`.
    fn check(v: &Value) -> Result<(), Misfit>;
    /// Converts a value that passed [`Wire::check`].
    fn take(v: Value) -> Self;
    /// Converts back to the value it came from.
    fn into_wire(self) -> Value;
}

impl Wire for String {
    fn check(v: &Value) -> Result<(), Misfit> {
        if v.is_string() {
            Ok(())
        } else {
            Err(Misfit::expected("a string", v))
        }
    }
    fn take(v: Value) -> Self {
        match v {
            Value::String(s) => s,
            _ => String::new(),
        }
    }
    fn into_wire(self) -> Value {
        Value::String(self)
    }
}

impl Wire for bool {
    fn check(v: &Value) -> Result<(), Misfit> {
        if v.is_boolean() {
            Ok(())
        } else {
            Err(Misfit::expected("a boolean", v))
        }
    }
    fn take(v: Value) -> Self {
        v.as_bool().unwrap_or_default()
    }
    fn into_wire(self) -> Value {
        Value::Bool(self)
    }
}

impl Wire for u64 {
    fn check(v: &Value) -> Result<(), Misfit> {
        if v.is_u64() {
            Ok(())
        } else {
            Err(Misfit::expected("a non-negative integer", v))
        }
    }
    fn take(v: Value) -> Self {
        v.as_u64().unwrap_or_default()
    }
    fn into_wire(self) -> Value {
        Value::from(self)
    }
}

impl Wire for i64 {
    fn check(v: &Value) -> Result<(), Misfit> {
        if v.is_i64() {
            Ok(())
        } else {
            Err(Misfit::expected("an integer", v))
        }
    }
    fn take(v: Value) -> Self {
        v.as_i64().unwrap_or_default()
    }
    fn into_wire(self) -> Value {
        Value::from(self)
    }
}

/// Kept as a [`Number`] so that `0` and `0.0` stay what they were on the wire.
impl Wire for Number {
    fn check(v: &Value) -> Result<(), Misfit> {
        if v.is_number() {
            Ok(())
        } else {
            Err(Misfit::expected("a number", v))
        }
    }
    fn take(v: Value) -> Self {
        match v {
            Value::Number(n) => n,
            _ => Number::from(0u8),
        }
    }
    fn into_wire(self) -> Value {
        Value::Number(self)
    }
}

/// Any value but `null` (a `null` is kept in `extra` like every other misfit).
impl Wire for Value {
    fn check(v: &Value) -> Result<(), Misfit> {
        if v.is_null() {
            Err(Misfit::expected("a value", v))
        } else {
            Ok(())
        }
    }
    fn take(v: Value) -> Self {
        v
    }
    fn into_wire(self) -> Value {
        self
    }
}

impl Wire for Object {
    fn check(v: &Value) -> Result<(), Misfit> {
        if v.is_object() {
            Ok(())
        } else {
            Err(Misfit::expected("an object", v))
        }
    }
    fn take(v: Value) -> Self {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }
    fn into_wire(self) -> Value {
        Value::Object(self)
    }
}

impl<T: Wire> Wire for Vec<T> {
    fn check(v: &Value) -> Result<(), Misfit> {
        let items = v
            .as_array()
            .ok_or_else(|| Misfit::expected("an array", v))?;
        for (i, item) in items.iter().enumerate() {
            T::check(item).map_err(|e| e.in_item(i))?;
        }
        Ok(())
    }
    fn take(v: Value) -> Self {
        match v {
            Value::Array(items) => items.into_iter().map(T::take).collect(),
            _ => Vec::new(),
        }
    }
    fn into_wire(self) -> Value {
        Value::Array(self.into_iter().map(T::into_wire).collect())
    }
}

/// Checks a required field of an object.
pub(crate) fn check_required<T: Wire>(map: &Object, key: &str) -> Result<(), Misfit> {
    match map.get(key) {
        Some(v) => T::check(v).map_err(|e| e.in_field(key)),
        None => Err(Misfit::missing(key)),
    }
}

/// Converts an optional field; a value that does not fit goes to `extra` under its key.
pub(crate) fn take_optional<T: Wire>(
    key: &str,
    slot: Option<Value>,
    extra: &mut Object,
) -> Option<T> {
    let v = slot?;
    if T::check(&v).is_ok() {
        Some(T::take(v))
    } else {
        extra.insert(key.to_owned(), v);
        None
    }
}

/// Converts a required field that passed [`check_required`].
pub(crate) fn take_required<T: Wire + Default>(slot: Option<Value>) -> T {
    slot.map(T::take).unwrap_or_default()
}

/// Adds the `extra` entries after the typed ones; a typed field wins over an `extra` entry of
/// the same name (which can only be there if the caller put it there).
pub(crate) fn merge_extra(out: &mut Object, extra: Object) {
    if out.is_empty() {
        *out = extra;
        return;
    }
    for (k, v) in extra {
        out.entry(k).or_insert(v);
    }
}

/// Makes room in an empty `extra` map for its first entries at once: where there is one there
/// are usually several (an assistant message's body has `type`, `role` and two `null` stop
/// fields), and growing an ordered map entry by entry rehashes and reallocates it.
pub(crate) fn room_for_extra(extra: &mut Object) {
    if extra.is_empty() {
        *extra = Object::with_capacity(4);
    }
}

/// Maps the field mode (`req` / `opt`) to the Rust field type.
macro_rules! wire_field_ty {
    (req $t:ty) => { $t };
    (opt $t:ty) => { Option<$t> };
}

macro_rules! wire_check_field {
    (req $map:ident, $key:literal, $t:ty) => {
        $crate::message::wire::check_required::<$t>($map, $key)?;
    };
    (opt $map:ident, $key:literal, $t:ty) => {};
}

macro_rules! wire_take_field {
    (req $t:ty, $key:literal, $slot:ident, $extra:ident) => {
        $crate::message::wire::take_required::<$t>($slot)
    };
    (opt $t:ty, $key:literal, $slot:ident, $extra:ident) => {
        $crate::message::wire::take_optional::<$t>($key, $slot, &mut $extra)
    };
}

macro_rules! wire_put_field {
    (req $out:ident, $key:literal, $val:expr) => {
        $out.insert(
            $key.to_owned(),
            $crate::message::wire::Wire::into_wire($val),
        );
    };
    (opt $out:ident, $key:literal, $val:expr) => {
        if let Some(v) = $val {
            $out.insert($key.to_owned(), $crate::message::wire::Wire::into_wire(v));
        }
    };
}

/// Turns a field read by the fast path (`None`: absent; `Some(None)`: `null`) into the field,
/// as `wire_take_field` does: a required field must be there; an optional `null` goes to
/// `extra`. `Err` when the general path would fail.
macro_rules! wire_fast_field {
    (req $slot:ident, $key:literal, $extra:ident, $err:ty) => {
        match $slot {
            Some(Some(v)) => v,
            _ => {
                return Err(<$err as serde::de::Error>::custom(concat!(
                    "required: ",
                    $key
                )))
            }
        }
    };
    (opt $slot:ident, $key:literal, $extra:ident, $err:ty) => {
        match $slot {
            Some(Some(v)) => Some(v),
            Some(None) => {
                $crate::message::wire::room_for_extra(&mut $extra);
                $extra.insert($key.to_owned(), serde_json::Value::Null);
                None
            }
            None => None,
        }
    };
}

/// Declares a struct with typed fields taken from (and written back to) a JSON object, plus an
/// `extra` map holding everything else. `req` fields must be present with the right type (or the
/// whole message is a parse error); `opt` fields are `Option`s.
macro_rules! wire_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$fmeta:meta])*
                $mode:ident $field:ident : $ty:ty = $key:literal
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct $name {
            $(
                $(#[$fmeta])*
                pub $field: $crate::message::wire::wire_field_ty!($mode $ty),
            )*
            /// Fields this version does not model, and typed fields whose value did not fit
            /// their type (such as an explicit `null`), exactly as received.
            pub extra: $crate::message::wire::Object,
        }

        impl $name {
            #[allow(unused_variables)]
            pub(crate) fn check_map(
                map: &$crate::message::wire::Object,
            ) -> Result<(), $crate::message::wire::Misfit> {
                $( $crate::message::wire::wire_check_field!($mode map, $key, $ty); )*
                Ok(())
            }

            /// Builds the struct from an object that passed `check_map`, dropping the keys in
            /// `skip` (the discriminators the caller already knows).
            #[allow(unused_mut)]
            pub(crate) fn from_map(map: $crate::message::wire::Object, skip: &[&str]) -> Self {
                $( let mut $field: Option<serde_json::Value> = None; )*
                let mut extra = $crate::message::wire::Object::new();
                for (k, v) in map {
                    match k.as_str() {
                        $( $key => $field = Some(v), )*
                        other if skip.contains(&other) => {}
                        _ => {
                            extra.insert(k, v);
                        }
                    }
                }
                $( let $field = $crate::message::wire::wire_take_field!($mode $ty, $key, $field, extra); )*
                Self { $( $field, )* extra }
            }

            /// Writes the fields into `out` (after whatever the caller put there first).
            pub(crate) fn write_map(self, out: &mut $crate::message::wire::Object) {
                $( $crate::message::wire::wire_put_field!($mode out, $key, self.$field); )*
                $crate::message::wire::merge_extra(out, self.extra);
            }

            /// The JSON object this struct was built from.
            pub fn into_value(self) -> serde_json::Value {
                let mut out = $crate::message::wire::Object::new();
                self.write_map(&mut out);
                serde_json::Value::Object(out)
            }
        }

        impl $crate::message::fast::FastMap for $name {
            #[allow(unused_mut)]
            fn fast_map<'de, A: serde::de::MapAccess<'de>>(
                mut map: A,
                skip: &[&str],
            ) -> Result<Self, A::Error> {
                $( let mut $field: Option<Option<$ty>> = None; )*
                let mut extra = $crate::message::wire::Object::new();
                while let Some(key) = map.next_key_seed($crate::message::fast::Key)? {
                    match key.as_ref() {
                        $( $key => {
                            $field = Some(map.next_value_seed($crate::message::fast::OptSeed::<$ty>::new())?);
                        } )*
                        other if skip.contains(&other) => $crate::message::fast::ignore(&mut map)?,
                        _ => {
                            let value: serde_json::Value = map.next_value()?;
                            $crate::message::wire::room_for_extra(&mut extra);
                            extra.insert(key.into_owned(), value);
                        }
                    }
                }
                $( let $field = $crate::message::wire::wire_fast_field!($mode $field, $key, extra, A::Error); )*
                Ok(Self { $( $field, )* extra })
            }
        }

        impl $crate::message::fast::Fast for $name {
            fn fast<'de, D: serde::de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::message::fast::map_of(d, &[])
            }
        }

        impl $crate::message::wire::Wire for $name {
            fn check(v: &serde_json::Value) -> Result<(), $crate::message::wire::Misfit> {
                match v {
                    serde_json::Value::Object(map) => Self::check_map(map),
                    other => Err($crate::message::wire::Misfit::expected("an object", other)),
                }
            }
            fn take(v: serde_json::Value) -> Self {
                match v {
                    serde_json::Value::Object(map) => Self::from_map(map, &[]),
                    _ => Self::default(),
                }
            }
            fn into_wire(self) -> serde_json::Value {
                self.into_value()
            }
        }
    };
}

pub(crate) use {
    wire_check_field, wire_fast_field, wire_field_ty, wire_put_field, wire_struct, wire_take_field,
};
