//! The TypeScript SDK's details of an error: the JS class it throws and the properties it sets
//! (`errorClass`, `telemetryMessage`, `code`, `signal`), and its wording where it depends on
//! them.

use super::wording::signal_name;
use super::Error;
use serde_json::Value;
use std::path::PathBuf;

/// What the TypeScript SDK adds to some errors (see [`Error::ts_details`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TsErrorDetails {
    /// The JS class thrown (`Error` when absent).
    pub class: &'static str,
    /// `errorClass`: the error's category.
    pub error_class: &'static str,
    /// `telemetryMessage`: the message without paths or other user data.
    pub telemetry_message: String,
    /// `code`: the system error behind it.
    pub code: Option<&'static str>,
    /// `signal`: the signal that ended the CLI (`SIGKILL`, ...).
    pub signal: Option<String>,
    /// Further properties, in the order the SDK sets them.
    pub extra: Vec<(&'static str, Value)>,
}

/// A TypeScript-worded message with its details.
pub(super) struct TsText {
    pub(super) message: String,
    pub(super) details: TsErrorDetails,
}

/// The TypeScript SDK's error for a `pathToClaudeCodeExecutable` it cannot run: missing, or
/// there but not startable (a directory, no permission).
pub(super) fn configured_cli_missing(searched: &[PathBuf]) -> TsText {
    let path = searched
        .first()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let there = searched.first().is_some_and(|p| p.exists());
    let (message, error_class, telemetry, code) = if there {
        (
            format!(
                "Claude Code native binary at {path} exists but failed to launch. This usually means the binary does not match this system's libc — e.g. spawning a musl-linked binary on a glibc Linux host fails because the musl dynamic loader (/lib/ld-musl-*) is missing. Specify a matching binary with options.pathToClaudeCodeExecutable."
            ),
            "executable_launch_failed",
            "Claude Code native binary exists at the configured path but failed to launch (EACCES)",
            "EACCES",
        )
    } else {
        (
            format!(
                "Claude Code native binary not found at {path}. Please ensure Claude Code is installed via native installer or specify a valid path with options.pathToClaudeCodeExecutable."
            ),
            "executable_not_found",
            "Claude Code native binary not found at the configured path (ENOENT)",
            "ENOENT",
        )
    };
    TsText {
        message,
        details: TsErrorDetails {
            class: "ReferenceError",
            error_class,
            telemetry_message: telemetry.to_string(),
            code: Some(code),
            signal: None,
            extra: Vec::new(),
        },
    }
}

/// The TypeScript SDK's error when a query's `abortController` fires (it has no core error:
/// the JS layer aborts): its message and details. `started`: the CLI was running; otherwise
/// the controller had fired before the query was made.
pub fn ts_aborted(started: bool) -> (&'static str, TsErrorDetails) {
    const MESSAGE: &str = "Claude Code process aborted by user";
    const BEFORE: &str = "Operation aborted";
    let message = if started { MESSAGE } else { BEFORE };
    let details = TsErrorDetails {
        class: "AbortError",
        error_class: "aborted",
        telemetry_message: message.into(),
        code: None,
        signal: None,
        extra: Vec::new(),
    };
    (message, details)
}

/// See [`Error::ts_details`].
pub(super) fn details(error: &Error) -> Option<TsErrorDetails> {
    let plain = |error_class, telemetry_message| TsErrorDetails {
        class: "Error",
        error_class,
        telemetry_message,
        code: None,
        signal: None,
        extra: Vec::new(),
    };
    match error {
        Error::CliNotFound {
            searched,
            configured: true,
        } => Some(configured_cli_missing(searched).details),
        Error::Process {
            exit_code: Some(code),
            ..
        } => Some(TsErrorDetails {
            extra: vec![("exitCode", (*code).into())],
            ..plain(
                "process_exited_nonzero",
                format!("Claude Code process exited with code {code}"),
            )
        }),
        Error::Process {
            signal: Some(signal),
            ..
        } => {
            let name = signal_name(*signal);
            let name = if name.starts_with("SIG") {
                name
            } else {
                "unknown".into()
            };
            Some(TsErrorDetails {
                signal: Some(name.clone()),
                ..plain(
                    "process_killed_by_signal",
                    format!("Claude Code process terminated by signal {name}"),
                )
            })
        }
        Error::ErrorResult { .. } => Some(plain(
            "error_result",
            "Claude Code returned an error result".into(),
        )),
        Error::ControlRequest { subtype, .. } => Some(plain(
            "control_request_failed",
            format!("Claude Code control request failed ({subtype})"),
        )),
        Error::InitializeTimeout(report) => {
            let mut extra = vec![
                ("startupHooksOpen", report.hooks_open.into()),
                (
                    "startupMark",
                    report.mark.as_ref().map_or("none", |m| m.0.as_str()).into(),
                ),
            ];
            if let Some((_, age)) = &report.mark {
                extra.push(("startupMarkAgeMs", (age.as_millis() as u64).into()));
            }
            Some(TsErrorDetails {
                extra,
                ..plain("initialize_timeout", report.headline())
            })
        }
        _ => None,
    }
}
