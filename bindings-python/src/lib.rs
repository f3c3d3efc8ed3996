//! `claude_wire._native`: the Python extension module of claude-wire.
//!
//! Thin adapters only: options and callbacks in, typed messages out. Every protocol rule lives
//! in the `claude-wire` core crate.

mod classes;
mod errors;
mod pyjson;
mod ready;

use pyo3::prelude::*;

/// The extension module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", claude_wire::VERSION)?;
    m.add("PINNED_CLI_VERSION", claude_wire::PINNED_CLI_VERSION)?;
    m.add_class::<ready::Ready>()?;
    Ok(())
}
