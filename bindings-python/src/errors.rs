//! Mapping of core errors onto the package's Python exception classes.

use crate::classes::classes;
use crate::pyjson;
use claude_wire::{Error, Flavour};
use pyo3::exceptions::{PyFileNotFoundError, PyValueError};
use pyo3::prelude::*;
use std::path::Path;

/// Converts a core error into the matching Python exception, worded as the official SDK.
pub fn to_pyerr(py: Python<'_>, err: Error) -> PyErr {
    build(py, &err, Flavour::Python).unwrap_or_else(|e| e)
}

/// [`to_pyerr`] in the core's own words, for this package's own tools (`find-cli`), whose
/// texts name the way out (`install-cli`).
pub fn to_pyerr_in_own_words(py: Python<'_>, err: Error) -> PyErr {
    build(py, &err, Flavour::Rust).unwrap_or_else(|e| e)
}

fn result_error(
    py: Python<'_>,
    message: &str,
    data: &serde_json::Value,
    exit_code: Option<i32>,
) -> PyResult<PyErr> {
    let c = classes(py)?;
    let value = c
        .ResultError
        .call1(py, (message, pyjson::to_py(py, data)?, exit_code))?;
    // As the official SDK: raised from the `ProcessError` of the CLI's exit.
    if let Some(code) = exit_code.filter(|code| *code != 0) {
        let exit = Error::Process {
            exit_code: Some(code),
            signal: None,
            stderr: String::new(),
        };
        let cause = c
            .ProcessError
            .call1(py, (exit.message(Flavour::Python), code))?;
        value.setattr(py, "__cause__", cause)?;
    }
    Ok(PyErr::from_value(value.into_bound(py)))
}

/// As the official SDK raises a failed start: from the `FileNotFoundError` of a missing `path`.
fn raised_from_missing(py: Python<'_>, error: &Py<PyAny>, path: &Path) -> PyResult<()> {
    let path = path.display().to_string();
    let cause = PyFileNotFoundError::new_err((2, "No such file or directory", path));
    error.setattr(py, "__cause__", cause.into_value(py))
}

fn build(py: Python<'_>, err: &Error, flavour: Flavour) -> PyResult<PyErr> {
    let c = classes(py)?;
    let text = err.message(flavour);
    let value = match err {
        Error::CliNotFound {
            searched,
            configured,
        } => {
            let value = c.CLINotFoundError.call1(py, (text,))?;
            if let (true, Some(path)) = (*configured, searched.first()) {
                value.setattr(py, "cli_path", path.display().to_string())?;
                if !path.exists() {
                    raised_from_missing(py, &value, path)?;
                }
            }
            value
        }
        Error::CwdNotFound(dir) => {
            let value = c.CLIConnectionError.call1(py, (text,))?;
            raised_from_missing(py, &value, dir)?;
            value
        }
        Error::InvalidOptions(_) => c.InvalidOptionsError.call1(py, (text,))?,
        Error::Spawn { .. }
        | Error::Connection(_)
        | Error::SessionClosed(_)
        | Error::NotConnected
        | Error::NoResult
        | Error::Stalled { .. }
        | Error::Io(_) => c.CLIConnectionError.call1(py, (text,))?,
        Error::ErrorResult { result, .. } => {
            return result_error(py, &text, result, err.exit_status())
        }
        Error::Process { stderr, .. } => {
            // The text carries the core's excerpt; the attribute keeps the whole tail.
            let message = err.message(flavour);
            let value = c
                .ProcessError
                .call1(py, (message, err.exit_status(), err.stderr_excerpt()))?;
            if !stderr.is_empty() {
                value.bind(py).setattr("stderr", stderr)?;
            }
            value
        }
        Error::JsonDecode { .. } | Error::LineTooLong { .. } => {
            let line = match err {
                Error::JsonDecode { preview, .. } => preview.clone(),
                _ => text,
            };
            let cause = PyValueError::new_err(err.decode_cause()).into_value(py);
            c.CLIJSONDecodeError.call1(py, (line, cause))?
        }
        Error::MessageParse { raw, .. } => c
            .MessageParseError
            .call1(py, (text, pyjson::to_py(py, raw)?))?,
        Error::ControlRequest { code, .. } => {
            c.ControlRequestError.call1(py, (text, code.as_deref()))?
        }
        Error::ControlTimeout { .. } | Error::InitializeTimeout(_) => {
            c.ControlRequestError.call1(py, (text,))?
        }
        Error::Sessions(problem) if problem.is_not_found() => {
            return Ok(PyFileNotFoundError::new_err(text))
        }
        Error::Sessions(_) => return Ok(PyValueError::new_err(text)),
        Error::Resume(_) => return Ok(pyo3::exceptions::PyRuntimeError::new_err(text)),
        Error::Pool(problem) => match problem.kind() {
            claude_wire::error::ErrorKind::InvalidOptions => {
                c.InvalidOptionsError.call1(py, (text,))?
            }
            _ => c.CLIConnectionError.call1(py, (text,))?,
        },
        // A Python store's own exception propagates as it was raised.
        Error::Store { source, .. } => match source.downcast_ref::<PyErr>() {
            Some(raised) => return Ok(raised.clone_ref(py)),
            None => c.ClaudeSDKError.call1(py, (text,))?,
        },
        _ => c.ClaudeSDKError.call1(py, (text,))?,
    };
    Ok(PyErr::from_value(value.into_bound(py)))
}
