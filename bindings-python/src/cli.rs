//! The CLI itself: where the core looks for it from Python, and `install_cli` (what
//! `python -m claude_wire install-cli` runs).

use crate::errors::{to_pyerr, to_pyerr_in_own_words};
use claude_wire::cli::{CliLookup, Installer};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

/// This interpreter's package directories (`site.getsitepackages()`, then the user site when
/// it is enabled), where the official `claude_agent_sdk` wheel may have put its bundled CLI.
/// Read once per process.
pub fn site_dirs(py: Python<'_>) -> PyResult<Vec<PathBuf>> {
    static DIRS: PyOnceLock<Vec<PathBuf>> = PyOnceLock::new();
    DIRS.get_or_try_init(py, || {
        let site = py.import("site")?;
        let mut dirs: Vec<PathBuf> = match site.getattr("getsitepackages") {
            // Absent from some embedded interpreters and old virtualenvs.
            Ok(get) => get.call0()?.extract()?,
            Err(_) => Vec::new(),
        };
        let user_site_enabled = site
            .getattr("ENABLE_USER_SITE")
            .and_then(|v| v.is_truthy())
            .unwrap_or(false);
        if user_site_enabled {
            if let Ok(user) = site.call_method0("getusersitepackages") {
                dirs.push(user.extract()?);
            }
        }
        Ok(dirs)
    })
    .cloned()
}

/// The CLI a session with `cli_path` would run, found as sessions find it.
#[pyfunction]
#[pyo3(signature = (cli_path=None))]
pub fn find_cli(py: Python<'_>, cli_path: Option<PathBuf>) -> PyResult<String> {
    let lookup = CliLookup {
        site_dirs: site_dirs(py)?,
        ..CliLookup::from_env()
    };
    let found = lookup
        .find(cli_path.as_deref())
        .map_err(|e| to_pyerr_in_own_words(py, e))?;
    Ok(found.display().to_string())
}

/// Installs the Claude Code CLI (the pinned version unless `version` is given) from the npm
/// registry into the claude-wire cache and returns its path. Blocking; Ctrl-C interrupts the
/// wait.
#[pyfunction]
#[pyo3(signature = (version=None, force=false))]
pub fn install_cli(py: Python<'_>, version: Option<String>, force: bool) -> PyResult<String> {
    let mut installer = Installer::from_env().map_err(|e| to_pyerr(py, e))?;
    if let Some(version) = version {
        installer.version = version;
    }
    installer.force = force;
    let (done, mut result) = mpsc::channel();
    std::thread::Builder::new()
        .name("claude-wire-install".into())
        .spawn(move || {
            let _ = done.send(installer.run());
        })
        .map_err(|e| to_pyerr(py, e.into()))?;
    loop {
        let (outcome, receiver) = py.detach(move || {
            let outcome = result.recv_timeout(Duration::from_millis(100));
            (outcome, result)
        });
        result = receiver;
        match outcome {
            Ok(outcome) => {
                return outcome
                    .map(|path| path.display().to_string())
                    .map_err(|e| to_pyerr(py, e))
            }
            Err(mpsc::RecvTimeoutError::Timeout) => py.check_signals()?,
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(PyRuntimeError::new_err("the install thread failed"))
            }
        }
    }
}
