//! The stable kind of an error, which bindings map to their exception classes.

use super::Error;

/// The stable kind of an [`Error`]: what bindings map to their exception classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// [`Error::CliNotFound`].
    CliNotFound,
    /// [`Error::CliInstall`].
    CliInstall,
    /// [`Error::CwdNotFound`], [`Error::Spawn`], [`Error::Connection`], [`Error::Io`],
    /// [`Error::SessionClosed`], [`Error::NotConnected`], [`Error::NoResult`], [`Error::Stalled`]: the session cannot
    /// be (or stay) connected.
    Connection,
    /// [`Error::InvalidOptions`].
    InvalidOptions,
    /// [`Error::Process`].
    Process,
    /// [`Error::ErrorResult`].
    ErrorResult,
    /// [`Error::JsonDecode`] and [`Error::LineTooLong`].
    JsonDecode,
    /// [`Error::MessageParse`].
    MessageParse,
    /// [`Error::ControlRequest`], [`Error::ControlTimeout`], [`Error::InitializeTimeout`] and
    /// [`Error::Mcp`].
    Control,
    /// [`Error::Json`].
    Internal,
    /// [`Error::Sessions`] with a refused argument (Python `ValueError`).
    InvalidArgument,
    /// [`Error::Sessions`] for a missing session (Python `FileNotFoundError`).
    NotFound,
    /// [`Error::Store`] and [`Error::Resume`].
    Store,
}

impl ErrorKind {
    /// A stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::CliNotFound => "cli_not_found",
            ErrorKind::CliInstall => "cli_install",
            ErrorKind::Connection => "connection",
            ErrorKind::InvalidOptions => "invalid_options",
            ErrorKind::Process => "process",
            ErrorKind::ErrorResult => "error_result",
            ErrorKind::JsonDecode => "json_decode",
            ErrorKind::MessageParse => "message_parse",
            ErrorKind::Control => "control",
            ErrorKind::Internal => "internal",
            ErrorKind::InvalidArgument => "invalid_argument",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Store => "store",
        }
    }
}

impl Error {
    /// The stable kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::CliNotFound { .. } => ErrorKind::CliNotFound,
            Error::CliInstall { .. } => ErrorKind::CliInstall,
            Error::CwdNotFound(_)
            | Error::Spawn { .. }
            | Error::Connection(_)
            | Error::Io(_)
            | Error::SessionClosed(_)
            | Error::NotConnected
            | Error::NoResult
            | Error::Stalled { .. } => ErrorKind::Connection,
            Error::InvalidOptions(_) => ErrorKind::InvalidOptions,
            Error::Process { .. } => ErrorKind::Process,
            Error::ErrorResult { .. } => ErrorKind::ErrorResult,
            Error::JsonDecode { .. } | Error::LineTooLong { .. } => ErrorKind::JsonDecode,
            Error::MessageParse { .. } => ErrorKind::MessageParse,
            Error::ControlRequest { .. }
            | Error::ControlTimeout { .. }
            | Error::InitializeTimeout(_)
            | Error::Mcp { .. } => ErrorKind::Control,
            Error::Json(_) => ErrorKind::Internal,
            Error::Sessions(p) if p.is_not_found() => ErrorKind::NotFound,
            Error::Sessions(_) => ErrorKind::InvalidArgument,
            Error::Store { .. } | Error::Resume(_) => ErrorKind::Store,
            Error::Pool(problem) => problem.kind(),
        }
    }
}
