//! The native side of the npm package `claude-wire` (napi-rs).
//!
//! Thin adapters only: the JS layer hands over options as JSON plus one dispatcher function for
//! every callback; messages come back as JSON text in batches; errors as JSON records that the
//! JS layer turns into the official SDK's error classes. Every SDK rule lives in the
//! `claude-wire` core crate, selected with [`Flavour::Ts`](claude_wire::Flavour::Ts).

// A test build compiles napi's export registration out, so the exported functions look unused.
#![cfg_attr(test, allow(dead_code))]

mod callbacks;
mod cli;
mod errors;
mod host_loop;
mod pool;
mod query;
mod sessions;
mod spawn;
mod teardown;
mod testing;
mod tool_links;

use napi_derive::napi;
use serde_json::{json, Value};

/// The package version.
#[napi]
pub fn version() -> &'static str {
    claude_wire::VERSION
}

/// The constants the official SDK exports (`HOOK_EVENTS`, `EXIT_REASONS`, ...), and the
/// pinned CLI version.
#[napi]
pub fn constants() -> Value {
    use claude_wire::constants::*;
    json!({
        "HOOK_EVENTS": HOOK_EVENTS,
        "EXIT_REASONS": EXIT_REASONS,
        "SYSTEM_PROMPT_DYNAMIC_BOUNDARY": SYSTEM_PROMPT_DYNAMIC_BOUNDARY,
        "BUILTIN_TOOL_NAMES": BUILTIN_TOOL_NAMES,
        "LEGACY_TOOL_NAME_ALIASES": LEGACY_TOOL_NAME_ALIASES
            .iter()
            .map(|(old, new)| (old.to_string(), Value::from(*new)))
            .collect::<serde_json::Map<_, _>>(),
        "ORG_POLICY_LIMIT_PREFIXES": ORG_POLICY_LIMIT_PREFIXES,
        "USAGE_LIMIT_ERROR_PREFIXES": USAGE_LIMIT_ERROR_PREFIXES,
        "USAGE_TRANSITION_PREFIXES": USAGE_TRANSITION_PREFIXES,
        "USAGE_WARNING_PREFIXES": USAGE_WARNING_PREFIXES,
        "UNTRUSTED_DEFAULT_MODE_SOURCES": UNTRUSTED_DEFAULT_MODE_SOURCES
            .iter()
            .map(|(mode, sources)| (mode.to_string(), json!(sources)))
            .collect::<serde_json::Map<_, _>>(),
        "PINNED_CLI_VERSION": claude_wire::PINNED_CLI_VERSION,
        "MCP_REQUEST_TIMEOUT_MS": claude_wire::mcp::REQUEST_TIMEOUT.as_millis() as u64,
        "MCP_REQUEST_TIMED_OUT": claude_wire::mcp::TIMED_OUT,
        "ABORT_ERROR": errors::aborted_record(true),
        "ABORTED_BEFORE_START": errors::aborted_record(false),
    })
}

/// A copy of a JSON value with the values of secret-looking keys hidden (the core's rule).
#[napi]
pub fn redact(value: Value) -> Value {
    claude_wire::redact::json(&value)
}

/// `matchDeniedModels` (the core's rule). Each list comes as its entries, a non-string entry
/// as `{"type": <its typeof>}`; `models` is `null` when it is not a list, `denied` `null` when
/// absent and `false` when it is not a list. Returns `{denied, warnings}`.
#[napi]
pub fn match_denied_models(models: Value, denied: Value) -> Value {
    use claude_wire::denied_models::{match_denied_models, ListItem};
    let items = |list: &Vec<Value>| -> Vec<ListItem> {
        list.iter()
            .map(|item| match item {
                Value::String(name) => ListItem::Name(name.clone()),
                other => ListItem::Other(other["type"].as_str().unwrap_or("object").to_owned()),
            })
            .collect()
    };
    let models = models.as_array().map(items);
    let denied = match &denied {
        Value::Array(list) => Some(Some(items(list))),
        Value::Null => None,
        _ => Some(None),
    };
    let answer = match_denied_models(models.as_deref(), denied.as_ref().map(|d| d.as_deref()));
    json!({"denied": answer.denied, "warnings": answer.warnings})
}
