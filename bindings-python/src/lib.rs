//! `claude_wire._native`: the Python extension module of claude-wire.
//!
//! Thin adapters only: options and callbacks in, typed messages out. Every protocol rule lives
//! in the `claude-wire` core crate.

mod callbacks;
mod classes;
mod convert;
mod errors;
mod options;
mod pyfuture;
mod pyjson;
mod ready;
mod replay;
mod stream;

use pyo3::prelude::*;

/// The extension module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", claude_wire::VERSION)?;
    m.add("PINNED_CLI_VERSION", claude_wire::PINNED_CLI_VERSION)?;
    m.add_class::<ready::Ready>()?;
    m.add_class::<stream::MessageStream>()?;
    m.add_function(wrap_pyfunction!(replay::_replay, m)?)?;
    m.add_function(wrap_pyfunction!(pyfuture::_shutdown, m)?)?;
    m.py().import("atexit")?.call_method1("register", (m.getattr("_shutdown")?,))?;
    Ok(())
}
