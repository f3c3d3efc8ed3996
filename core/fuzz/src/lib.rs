//! Shared input generators for the fuzz targets of `claude-wire`.
//!
//! [`json`] builds a JSON value from fuzz bytes, biased towards the words of the wire protocol
//! (keys and string values the core looks at), so that structured inputs reach the typed parsers
//! and handlers instead of stopping at "unknown type".

use arbitrary::{Result, Unstructured};
use serde_json::{Map, Number, Value};

/// Keys and string values of the wire protocol (message, control and hook fields).
#[rustfmt::skip]
pub const WORDS: &[&str] = &[
    "type", "subtype", "session_id", "uuid", "message", "content", "role", "id", "model",
    "request_id", "request", "response", "error", "success", "control_request",
    "control_response", "control_cancel_request", "transcript_mirror", "user", "assistant",
    "system", "result", "stream_event", "rate_limit_event", "tool_progress", "auth_status",
    "tool_use_summary", "prompt_suggestion", "conversation_reset", "keep_alive", "active_goal",
    "init", "status", "api_retry", "compact_boundary", "permission_denied", "hook_started",
    "hook_response", "hook_progress", "task_started", "task_progress", "task_notification",
    "task_updated", "session_state_changed", "sdk_host_only", "state", "idle", "running",
    "informational", "local_command_output", "mirror_error", "notification", "plugin_install",
    "elicitation_complete", "thinking_tokens", "text", "thinking", "signature",
    "redacted_thinking", "tool_use", "tool_result", "server_tool_use", "image", "document",
    "data", "name", "input", "tool_use_id", "is_error", "parent_tool_use_id", "stop_reason",
    "stop_sequence", "usage", "duration_ms", "duration_api_ms", "num_turns", "total_cost_usd",
    "modelUsage", "permission_denials", "structured_output", "errors", "terminal_reason",
    "event", "cwd", "tools", "mcp_servers", "permissionMode", "slash_commands", "apiKeySource",
    "claude_code_version", "agents", "skills", "plugins", "path", "source", "can_use_tool",
    "tool_name", "permission_suggestions", "blocked_path", "decision_reason", "title",
    "display_name", "description", "agent_id", "hook_callback", "callback_id", "hook_0",
    "hook_1", "hook_2", "hook_event_name", "PreToolUse", "PostToolUse", "UserPromptSubmit",
    "Stop", "Notification", "tool_input", "tool_response", "transcript_path", "mcp_message",
    "server_name", "jsonrpc", "2.0", "method", "params", "arguments", "tools/list",
    "tools/call", "initialize", "notifications/initialized", "ping", "elicitation",
    "request_user_dialog", "interrupt", "set_model", "set_permission_mode", "mcp_status",
    "behavior", "allow", "deny", "updatedInput", "updatedPermissions", "continue",
    "suppressOutput", "stopReason", "decision", "systemMessage", "reason",
    "hookSpecificOutput", "hookEventName", "permissionDecision", "async", "asyncTimeout",
    "calc", "add", "Bash", "Write", "command", "echo hi", "a", "b", "input_schema",
    "inputSchema", "properties", "required", "rate_limit_info", "utilization", "resetsAt",
    "uuid-1", "s1", "req_1", "",
];

/// A JSON value of at most `depth` levels of nesting.
pub fn json(u: &mut Unstructured, depth: u32) -> Result<Value> {
    let pick: u8 = if depth == 0 {
        u.int_in_range(0..=4)?
    } else {
        u.int_in_range(0..=7)?
    };
    Ok(match pick {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => number(u)?,
        3 => Value::String(string(u)?),
        4 => Value::String(word(u)?.to_owned()),
        5 => {
            let len = u.int_in_range(0..=4)?;
            let mut items = Vec::with_capacity(len);
            for _ in 0..len {
                items.push(json(u, depth - 1)?);
            }
            Value::Array(items)
        }
        _ => Value::Object(object(u, depth - 1)?),
    })
}

/// A JSON object of at most `depth` further levels, keys mostly from [`WORDS`].
pub fn object(u: &mut Unstructured, depth: u32) -> Result<Map<String, Value>> {
    let len = u.int_in_range(0..=6)?;
    let mut map = Map::new();
    for _ in 0..len {
        let key = if u.ratio(7, 8)? {
            word(u)?.to_owned()
        } else {
            string(u)?
        };
        map.insert(key, json(u, depth)?);
    }
    Ok(map)
}

/// One of [`WORDS`].
pub fn word(u: &mut Unstructured) -> Result<&'static str> {
    u.choose(WORDS).copied()
}

/// A short arbitrary string.
pub fn string(u: &mut Unstructured) -> Result<String> {
    let len = u.int_in_range(0..=12)?;
    let mut s = String::new();
    for _ in 0..len {
        s.push(u.arbitrary()?);
    }
    Ok(s)
}

/// A number at the edges JSON numbers have: small, huge, negative, fractional.
pub fn number(u: &mut Unstructured) -> Result<Value> {
    Ok(match u.int_in_range(0..=5)? {
        0 => Value::from(u.int_in_range(0u64..=10)?),
        1 => Value::from(u.arbitrary::<u64>()?),
        2 => Value::from(u.arbitrary::<i64>()?),
        3 => Value::from(u.arbitrary::<u32>()? as u64 + u32::MAX as u64),
        4 => Number::from_f64(u.arbitrary::<f64>()?)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        _ => Value::from(u.int_in_range(0..=100)? as f64 / 4.0),
    })
}

/// A message-shaped object: a known `type` (and `subtype`), then arbitrary fields.
pub fn message(u: &mut Unstructured) -> Result<Value> {
    #[rustfmt::skip]
    const TYPES: &[&str] = &[
        "user", "assistant", "system", "result", "stream_event", "rate_limit_event",
        "tool_progress", "auth_status", "tool_use_summary", "prompt_suggestion",
        "conversation_reset", "keep_alive", "active_goal",
    ];
    let mut map = object(u, 3)?;
    map.insert("type".into(), Value::String(u.choose(TYPES)?.to_string()));
    if u.ratio(1, 2)? {
        map.insert("subtype".into(), Value::String(word(u)?.to_owned()));
    }
    Ok(Value::Object(map))
}

/// The fixture files captured from the real CLI (core/tests/fixtures).
pub const FIXTURES: &[&str] = &[
    include_str!("../../tests/fixtures/text.jsonl"),
    include_str!("../../tests/fixtures/tool_partial.jsonl"),
    include_str!("../../tests/fixtures/thinking_partial.jsonl"),
    include_str!("../../tests/fixtures/api_error_400.jsonl"),
    include_str!("../../tests/fixtures/retry_529.jsonl"),
    include_str!("../../tests/fixtures/max_turns.jsonl"),
    include_str!("../../tests/fixtures/hooks_session_state.jsonl"),
];

/// Every line of every fixture, parsed.
pub fn fixture_messages() -> &'static [Value] {
    static LINES: std::sync::OnceLock<Vec<Value>> = std::sync::OnceLock::new();
    LINES.get_or_init(|| {
        FIXTURES
            .iter()
            .flat_map(|text| text.lines())
            .filter(|line| !line.trim().is_empty())
            .map(|line| serde_json::from_str(line).expect("fixture lines are JSON"))
            .collect()
    })
}

/// A real CLI message with a few fields replaced, removed or added anywhere in it.
pub fn mutated_fixture(u: &mut Unstructured) -> Result<Value> {
    let mut value = u.choose(fixture_messages())?.clone();
    let edits = u.int_in_range(1..=4)?;
    for _ in 0..edits {
        mutate(u, &mut value)?;
    }
    Ok(value)
}

/// Walks down a random path of `value` and replaces, removes or adds something there.
fn mutate(u: &mut Unstructured, value: &mut Value) -> Result<()> {
    let descend = u.ratio(2, 3)?;
    match value {
        Value::Object(map) if !map.is_empty() && descend => {
            let key = nth_key(u, map)?;
            mutate(u, map.get_mut(&key).expect("key present"))
        }
        Value::Array(items) if !items.is_empty() && descend => {
            let index = u.choose_index(items.len())?;
            mutate(u, &mut items[index])
        }
        Value::Object(map) => {
            match u.int_in_range(0..=2)? {
                0 if !map.is_empty() => {
                    let key = nth_key(u, map)?;
                    map.remove(&key);
                }
                1 => {
                    let key = word(u)?.to_owned();
                    map.insert(key, json(u, 2)?);
                }
                _ => *value = json(u, 2)?,
            }
            Ok(())
        }
        _ => {
            *value = json(u, 2)?;
            Ok(())
        }
    }
}

fn nth_key(u: &mut Unstructured, map: &Map<String, Value>) -> Result<String> {
    let index = u.choose_index(map.len())?;
    Ok(map.keys().nth(index).expect("index in range").clone())
}
