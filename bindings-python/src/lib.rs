//! `claude_wire._native`: the Python extension module of claude-wire.
//!
//! Thin adapters only: options and callbacks in, typed messages out. Every protocol rule lives
//! in the `claude-wire` core crate.

mod awaitable;
mod callbacks;
mod classes;
mod cli;
mod client;
mod convert;
mod entry;
mod errors;
mod host_loop;
mod huge_str;
mod options;
mod pool;
mod prompt;
mod pyfuture;
mod pyjson;
mod pyjson_text;
mod ready;
mod replay;
mod runtime;
mod sessions;
mod store;
mod stream;
mod stream_wait;
mod testing;
mod transport;

use pyo3::prelude::*;

/// The extension module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    runtime::install_fork_handler();
    m.add("__version__", claude_wire::VERSION)?;
    m.add("PINNED_CLI_VERSION", claude_wire::PINNED_CLI_VERSION)?;
    m.add(
        "DEFAULT_SESSION_ID",
        claude_wire::constants::DEFAULT_SESSION_ID,
    )?;
    m.add_class::<ready::Ready>()?;
    m.add_class::<stream::MessageStream>()?;
    m.add_class::<prompt::PromptSink>()?;
    m.add_class::<client::Client>()?;
    m.add_class::<pool::Pool>()?;
    m.add_class::<testing::ModelServer>()?;
    m.add_class::<store::InMemorySessionStore>()?;
    m.add_function(wrap_pyfunction!(sessions::sessions_call, m)?)?;
    m.add_function(wrap_pyfunction!(sessions::sessions_call_store, m)?)?;
    m.add_function(wrap_pyfunction!(store::run_store_conformance, m)?)?;
    m.add_function(wrap_pyfunction!(entry::query, m)?)?;
    m.add_function(wrap_pyfunction!(redact, m)?)?;
    m.add_function(wrap_pyfunction!(client_methods, m)?)?;
    m.add_function(wrap_pyfunction!(testing::cli_env, m)?)?;
    m.add_function(wrap_pyfunction!(cli::find_cli, m)?)?;
    m.add_function(wrap_pyfunction!(cli::install_cli, m)?)?;
    m.add_function(wrap_pyfunction!(replay::_replay, m)?)?;
    m.add_function(wrap_pyfunction!(pyfuture::_shutdown, m)?)?;
    m.py()
        .import("atexit")?
        .call_method1("register", (m.getattr("_shutdown")?,))?;
    Ok(())
}

/// A copy of a JSON-like value with the values of secret-looking keys hidden (the core's rule).
#[pyfunction]
fn redact<'py>(py: Python<'py>, value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let value = pyjson::from_py(value)?;
    pyjson::to_py(py, &claude_wire::redact::json(&value))
}

/// One row of [`client_methods`].
type ClientMethodRow = (&'static str, Vec<(&'static str, bool)>, &'static str);

/// The official Python client's control methods (the core's table): `(name, [(parameter,
/// defaults to None)], doc)` each.
#[pyfunction]
fn client_methods() -> Vec<ClientMethodRow> {
    claude_wire::control::PYTHON_CLIENT_METHODS
        .iter()
        .map(|m| (m.name, m.params.to_vec(), m.doc))
        .collect()
}
