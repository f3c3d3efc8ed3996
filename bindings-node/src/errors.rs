//! Core errors as JSON records for the JS layer, which throws them as the official SDK's error
//! classes: `{kind, message, exitCode?, stderr?, errorCode?, class?, errorClass?,
//! telemetryMessage?, code?, signal?, extra?}`. The wording and details are the core's TypeScript-flavoured ones.

use claude_wire::error::TsErrorDetails;
use claude_wire::{Error, Flavour};
use serde_json::{json, Map, Value};

/// Converts a core error into the record the JS layer throws.
pub trait ToJs {
    /// The error record.
    fn to_js(&self) -> Value;
}

impl ToJs for Error {
    fn to_js(&self) -> Value {
        let mut out = Map::new();
        out.insert("kind".into(), self.kind().as_str().into());
        out.insert("message".into(), self.message(Flavour::Ts).into());
        let details = self.ts_details();
        // An error the official SDK details carries just those properties (`exitCode` among
        // them where it sets one); the others keep what the core knows.
        if details.is_none() {
            if let Some(code) = self.exit_status() {
                out.insert("exitCode".into(), code.into());
            }
            if let Some(stderr) = self.stderr_excerpt() {
                out.insert("stderr".into(), stderr.into());
            }
        }
        if let Error::ControlRequest {
            code: Some(code), ..
        } = self
        {
            out.insert("errorCode".into(), code.clone().into());
        }
        if let Some(details) = details {
            insert_details(&mut out, details);
        }
        if let Error::Mcp {
            code: Some(code), ..
        } = self
        {
            // The MCP SDK's `McpError`: its JSON-RPC code as `code`.
            out.insert("class".into(), "McpError".into());
            out.insert("extra".into(), json!({ "code": code }));
        }
        Value::Object(out)
    }
}

fn insert_details(out: &mut Map<String, Value>, details: TsErrorDetails) {
    out.insert("class".into(), details.class.into());
    out.insert("errorClass".into(), details.error_class.into());
    out.insert("telemetryMessage".into(), details.telemetry_message.into());
    if let Some(code) = details.code {
        out.insert("code".into(), code.into());
    }
    if let Some(signal) = details.signal {
        out.insert("signal".into(), signal.into());
    }
    if !details.extra.is_empty() {
        let extra = details.extra.into_iter().map(|(k, v)| (k.to_string(), v));
        out.insert("extra".into(), Value::Object(extra.collect()));
    }
}

/// The record of the error a query throws once its `abortController` fired (`started`: while
/// its CLI ran; otherwise before the query was made).
pub fn aborted_record(started: bool) -> Value {
    let (message, details) = claude_wire::error::ts_aborted(started);
    let mut out = Map::new();
    out.insert("kind".into(), "aborted".into());
    out.insert("message".into(), message.into());
    insert_details(&mut out, details);
    Value::Object(out)
}

/// `{"error": record}`.
pub fn failed(error: &Error) -> Value {
    json!({ "error": error.to_js() })
}

/// A napi error for a failure of the binding itself (bad arguments from the JS layer).
pub fn invalid(message: impl std::fmt::Display) -> napi::Error {
    napi::Error::new(napi::Status::InvalidArg, message.to_string())
}
