//! A huge string of a message into a Python `str`, holding one full copy at a time.
//!
//! The core hands over a huge line's main string as the line's own buffer (see
//! `claude_wire::transport::parse_owned_line`); building the `str` from it would still hold
//! both in full for a moment. An ASCII string (a base64 image, most file text) is copied into a
//! fresh `str` a megabyte at a time instead, each copied megabyte of the source given back to
//! the system at once (`hand_over_in_steps`). Other strings take the usual copy.

use claude_wire::transport::hand_over_in_steps;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyString;

/// Strings shorter than this take the usual copy.
const HUGE: usize = 4 << 20;
/// Copied (and released) this much at a time.
const STEP: usize = 1 << 20;

extern "C" {
    // Not in the limited API, but exported by every CPython 3: a fresh string of `size`
    // characters none above `maxchar`, to be filled before it is shared.
    fn PyUnicode_New(size: ffi::Py_ssize_t, maxchar: u32) -> *mut ffi::PyObject;
}

/// `text` as a Python `str`.
pub fn owned_str(py: Python<'_>, text: String) -> Bound<'_, PyAny> {
    if text.len() < HUGE || !text.is_ascii() {
        return PyString::new(py, &text).into_any();
    }
    ascii_str(py, text).unwrap_or_else(|text| PyString::new(py, &text).into_any())
}

/// Copies ASCII `text` (not empty) into a fresh `str` a step at a time; `Err` gives it back,
/// untouched, when the interpreter does not make the `str` as expected.
fn ascii_str(py: Python<'_>, text: String) -> Result<Bound<'_, PyAny>, String> {
    let Ok(size) = ffi::Py_ssize_t::try_from(text.len()) else {
        return Err(text);
    };
    // SAFETY: the GIL is held; a null result is an error, taken below.
    let raw = unsafe { PyUnicode_New(size, 127) };
    if raw.is_null() {
        let _ = PyErr::take(py);
        return Err(text);
    }
    // SAFETY: `raw` is a new, owned reference.
    let string = unsafe { Bound::from_owned_ptr(py, raw) };
    let mut length: ffi::Py_ssize_t = 0;
    // SAFETY: `string` is a str; for a compact ASCII string this is its own character data.
    let data = unsafe { ffi::PyUnicode_AsUTF8AndSize(string.as_ptr(), &mut length) };
    if data.is_null() || length != size {
        let _ = PyErr::take(py);
        return Err(text);
    }
    let data = data.cast_mut().cast::<u8>();
    let (first, last) = (text.as_bytes()[0], text.as_bytes()[text.len() - 1]);
    // SAFETY: `data` holds `size` (> 0) bytes, and nobody else holds the string yet.
    unsafe {
        *data = first;
        *data.add(text.len() - 1) = last;
    }
    if !holds(&string, size, first, last) {
        return Err(text); // not the string's own characters; nothing was taken
    }
    let mut at = 0;
    hand_over_in_steps(text, STEP, |piece| {
        // SAFETY: as above; the pieces come in order and are `size` bytes in all, and they
        // do not overlap `data`.
        unsafe { std::ptr::copy_nonoverlapping(piece.as_ptr(), data.add(at), piece.len()) };
        at += piece.len();
        true
    });
    Ok(string.into_any())
}

/// True when the first and last characters of `string` (`size` of them) read as `first` and
/// `last`: the pointer written through is the string's own character data.
fn holds(string: &Bound<'_, PyAny>, size: ffi::Py_ssize_t, first: u8, last: u8) -> bool {
    // SAFETY: `string` is a str of `size` characters; both indices are in range.
    let (a, z) = unsafe {
        (
            ffi::PyUnicode_ReadChar(string.as_ptr(), 0),
            ffi::PyUnicode_ReadChar(string.as_ptr(), size - 1),
        )
    };
    a == u32::from(first) && z == u32::from(last)
}
