//! JSON text straight to Python objects: the parser's events build the dicts, lists and
//! scalars as it goes, with no `serde_json::Value` in between. Numbers and strings come out as
//! [`pyjson::to_py`](crate::pyjson::to_py) makes them from a parsed value.

use foldhash::HashMap;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyList, PyString};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::cell::RefCell;
use std::fmt;

/// The object keys made so far, shared by the texts one call converts: a key is made once
/// (and hashed once) however many objects have it, as `json.loads` does within one text. Also
/// for other short strings a caller knows to repeat ([`Keys::get`]).
#[derive(Default)]
pub struct Keys<'py>(RefCell<HashMap<Box<str>, Bound<'py, PyString>>>);

/// At most this many keys are kept, each of at most `KEY_MAX` bytes.
const KEYS_MAX: usize = 4096;
const KEY_MAX: usize = 64;

impl<'py> Keys<'py> {
    /// The string `key`, made once.
    pub fn get(&self, py: Python<'py>, key: &str) -> Bound<'py, PyString> {
        if key.len() > KEY_MAX {
            return PyString::new(py, key);
        }
        let mut keys = self.0.borrow_mut();
        if let Some(k) = keys.get(key) {
            return k.clone();
        }
        let k = PyString::new(py, key);
        if keys.len() < KEYS_MAX {
            keys.insert(key.into(), k.clone());
        }
        k
    }
}

/// Builds the Python object of a JSON text; an error when the text is not JSON (or holds a
/// string Rust cannot: a lone surrogate escape).
pub fn text_to_py<'py>(
    py: Python<'py>,
    text: &str,
    keys: &Keys<'py>,
) -> PyResult<Bound<'py, PyAny>> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Seed(py, keys)
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v));
    value.map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
}

#[derive(Clone, Copy)]
struct Seed<'k, 'py>(Python<'py>, &'k Keys<'py>);

fn py_err<E: serde::de::Error>(e: PyErr) -> E {
    E::custom(e)
}

impl<'de, 'py> DeserializeSeed<'de> for Seed<'_, 'py> {
    type Value = Bound<'py, PyAny>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, 'py> Visitor<'de> for Seed<'_, 'py> {
    type Value = Bound<'py, PyAny>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<Self::Value, E> {
        Ok(PyBool::new(self.0, b).to_owned().into_any())
    }

    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Self::Value, E> {
        n.into_pyobject(self.0)
            .map(Bound::into_any)
            .map_err(E::custom)
    }

    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Self::Value, E> {
        n.into_pyobject(self.0)
            .map(Bound::into_any)
            .map_err(E::custom)
    }

    fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<Self::Value, E> {
        Ok(PyFloat::new(self.0, n).into_any())
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
        Ok(PyString::new(self.0, s).into_any())
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(self.0.None().into_bound(self.0))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        PyList::new(self.0, items)
            .map(Bound::into_any)
            .map_err(py_err)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let dict = PyDict::new(self.0);
        while let Some(key) = map.next_key_seed(Key(self.0, self.1))? {
            let value = map.next_value_seed(self)?;
            dict.set_item(key, value).map_err(py_err)?;
        }
        Ok(dict.into_any())
    }
}

/// An object key: always a string in JSON.
struct Key<'k, 'py>(Python<'py>, &'k Keys<'py>);

impl<'de, 'py> DeserializeSeed<'de> for Key<'_, 'py> {
    type Value = Bound<'py, PyString>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, 'py> Visitor<'de> for Key<'_, 'py> {
    type Value = Bound<'py, PyString>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
        Ok(self.1.get(self.0, s))
    }
}
