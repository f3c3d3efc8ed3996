//! `claude_wire._native`: the Python extension module of claude-wire.
//!
//! Thin adapters only: options and callbacks in, typed messages out. Every protocol rule lives
//! in the `claude-wire` core crate.

mod awaitable;
mod callbacks;
mod classes;
mod client;
mod convert;
mod entry;
mod errors;
mod options;
mod prompt;
mod pyfuture;
mod pyjson;
mod ready;
mod replay;
mod runtime;
mod stream;
mod testing;

use pyo3::prelude::*;

/// The session's reader parses every line into many small allocations; mimalloc makes that
/// cheaper than the system allocator (Python objects are still allocated by Python).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The extension module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    runtime::install_fork_handler();
    m.add("__version__", claude_wire::VERSION)?;
    m.add("PINNED_CLI_VERSION", claude_wire::PINNED_CLI_VERSION)?;
    m.add_class::<ready::Ready>()?;
    m.add_class::<stream::MessageStream>()?;
    m.add_class::<prompt::PromptSink>()?;
    m.add_class::<client::Client>()?;
    m.add_class::<testing::ModelServer>()?;
    m.add_function(wrap_pyfunction!(entry::query, m)?)?;
    m.add_function(wrap_pyfunction!(redact_env, m)?)?;
    m.add_function(wrap_pyfunction!(testing::cli_env, m)?)?;
    m.add_function(wrap_pyfunction!(replay::_replay, m)?)?;
    m.add_function(wrap_pyfunction!(pyfuture::_shutdown, m)?)?;
    m.py()
        .import("atexit")?
        .call_method1("register", (m.getattr("_shutdown")?,))?;
    Ok(())
}

/// A copy of an `env` mapping with the values of secret-looking names hidden (the core's rule).
#[pyfunction]
fn redact_env<'py>(
    py: Python<'py>,
    env: &Bound<'py, pyo3::types::PyDict>,
) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
    let out = pyo3::types::PyDict::new(py);
    for (key, value) in env.iter() {
        let hidden = claude_wire::redact::is_secret_name(&key.str()?.to_cow()?);
        if hidden {
            out.set_item(key, claude_wire::redact::REDACTED)?;
        } else {
            out.set_item(key, value)?;
        }
    }
    Ok(out)
}
