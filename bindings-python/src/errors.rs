//! Mapping of core errors onto the package's Python exception classes.

use crate::classes::classes;
use crate::pyjson;
use claude_wire::{Error, Flavour};
use pyo3::exceptions::{PyFileNotFoundError, PyValueError};
use pyo3::prelude::*;

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
    let cls = &classes(py)?.ResultError;
    let value = cls.call1(py, (message, pyjson::to_py(py, data)?, exit_code))?;
    Ok(PyErr::from_value(value.into_bound(py)))
}

fn build(py: Python<'_>, err: &Error, flavour: Flavour) -> PyResult<PyErr> {
    let c = classes(py)?;
    let text = err.message(flavour);
    let value = match err {
        Error::CliNotFound { .. } => c.CLINotFoundError.call1(py, (text,))?,
        Error::InvalidOptions(_) => c.InvalidOptionsError.call1(py, (text,))?,
        Error::CwdNotFound(_)
        | Error::Spawn { .. }
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
        Error::JsonDecode { message, preview } => {
            let cause = PyValueError::new_err(message.clone()).into_value(py);
            c.CLIJSONDecodeError.call1(py, (preview.as_str(), cause))?
        }
        Error::LineTooLong { .. } => {
            let cause = PyValueError::new_err(text.clone()).into_value(py);
            c.CLIJSONDecodeError.call1(py, (text, cause))?
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
