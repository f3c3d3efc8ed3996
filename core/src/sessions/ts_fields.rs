//! The fields the TypeScript SDK's session message record carries after the six both SDKs
//! share (`type` ... `parent_agent_id`): the entry's `timestamp`, its shutdown and tool-denial
//! marks, its meta flags and its `origin`. The Python SDK's record has none of them. They are
//! worked out once, when a transcript line is indexed (or an entry read); the index keeps them
//! as the JSON text to append to the record ([`text`]), so writing a message stays a copy.

use super::node::blocks_of;
use serde_json::{Map, Value};

/// The denial kinds of a tool call that did not run which the record reports, with the one
/// `tool_result` block's id, as `tool_result_meta`.
const DENIAL_KINDS: [&str; 7] = [
    "user-rejected",
    "permission-rule",
    "automode-blocked",
    "automode-unavailable",
    "automode-parsing-error",
    "interrupted",
    "cancelled",
];

/// The one `toolDenialUnanswered` value the record reports.
const UNANSWERED: &str = "stream-closed";

/// A task notification's `runId` is reported when it is an id of this shape.
pub(crate) fn is_run_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':' | b'-'))
}

/// JavaScript's truth value of a JSON value (objects and arrays are always true).
pub(crate) fn js_truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// The record's `origin`: a task notification's origin keeps only its known keys (a `runId`
/// only when it is an id, a `taskKind` only when it is `mcp-task`); any other origin is kept
/// as it is. `None` when there is none, or it is false to JavaScript.
fn origin(origin: Value) -> Option<Value> {
    let Value::Object(mut fields) = origin else {
        return js_truthy(&origin).then_some(origin);
    };
    if fields.get("kind").and_then(Value::as_str) != Some("task-notification") {
        return Some(Value::Object(fields));
    }
    let mut out = Map::new();
    out.insert("kind".into(), "task-notification".into());
    for key in ["subkind", "fireReason", "producer"] {
        if let Some(value) = fields.remove(key) {
            out.insert(key.into(), value);
        }
    }
    if let Some(Value::String(id)) = fields
        .remove("runId")
        .filter(|v| v.as_str().is_some_and(is_run_id))
    {
        out.insert("runId".into(), id.into());
    }
    if fields.get("taskKind").and_then(Value::as_str) == Some("mcp-task") {
        out.insert("taskKind".into(), "mcp-task".into());
    }
    Some(Value::Object(out))
}

/// The id of the message's only `tool_result` block, when its content is a list with exactly
/// one and that block's `tool_use_id` is a string. `blocks`: each block's (`type`, `id`,
/// `tool_use_id`) where they are strings.
pub(crate) fn only_tool_result<'a>(
    blocks: &[(Option<&str>, Option<&str>, Option<&'a str>)],
) -> Option<&'a str> {
    let mut results = blocks.iter().filter(|b| b.0 == Some("tool_result"));
    let (_, _, id) = results.next()?;
    results.next().is_none().then_some(*id)?
}

/// The fields, in the TypeScript SDK's order. `field` gives the entry's top-level field of a
/// name; `tool_result` is [`only_tool_result`] of its message.
pub(crate) fn ts_fields(
    field: &dyn Fn(&str) -> Option<Value>,
    tool_result: Option<&str>,
) -> Map<String, Value> {
    let is_true = |key: &str| field(key) == Some(Value::Bool(true));
    let mut out = Map::new();
    if is_true("interruptedByShutdown") {
        out.insert("interruptedByShutdown".into(), true.into());
    }
    if field("toolDenialUnanswered")
        .as_ref()
        .and_then(Value::as_str)
        == Some(UNANSWERED)
    {
        out.insert("toolDenialUnanswered".into(), UNANSWERED.into());
    }
    let denial = field("toolDenialKind");
    let denial = denial.as_ref().and_then(Value::as_str);
    if let (Some(kind), Some(id)) = (denial.filter(|k| DENIAL_KINDS.contains(k)), tool_result) {
        let meta = serde_json::json!([{ "id": id, "non_execution_kind": kind }]);
        out.insert("tool_result_meta".into(), meta);
    }
    let compact = is_true("isCompactSummary");
    if compact {
        out.insert("isCompactSummary".into(), true.into());
    }
    if compact || is_true("isMeta") || is_true("isVisibleInTranscriptOnly") {
        out.insert("is_meta".into(), true.into());
    }
    for key in ["isQueuedCommand", "isCompletedLocalCommand"] {
        if is_true(key) {
            out.insert(key.into(), true.into());
        }
    }
    // Kept whatever it holds; absent stays absent (the TypeScript SDK's key is `undefined`).
    if let Some(timestamp) = field("timestamp") {
        out.insert("timestamp".into(), timestamp);
    }
    if let Some(origin) = field("origin").filter(|o| !o.is_null()).and_then(origin) {
        out.insert("origin".into(), origin);
    }
    out
}

/// The fields as JSON text to append to a record: `,"key":value` each (empty when none).
pub(crate) fn text(fields: Map<String, Value>) -> Box<str> {
    if fields.is_empty() {
        return Box::default();
    }
    let text = Value::Object(fields).to_string();
    format!(",{}", &text[1..text.len() - 1]).into_boxed_str()
}

/// [`ts_fields`] of a parsed entry.
pub(crate) fn ts_fields_of(entry: &Map<String, Value>) -> Map<String, Value> {
    let blocks = blocks_of(entry.get("message").and_then(Value::as_object));
    ts_fields(&|key| entry.get(key).cloned(), only_tool_result(&blocks))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn of(entry: Value) -> String {
        text(ts_fields_of(entry.as_object().unwrap())).into()
    }

    #[test]
    fn the_fields_in_order_and_only_when_set() {
        assert_eq!(of(json!({"type": "user"})), "");
        assert_eq!(
            of(json!({"timestamp": "2026-01-01T00:00:00Z"})),
            r#","timestamp":"2026-01-01T00:00:00Z""#
        );
        let all = of(json!({
            "origin": {"kind": "task-notification", "runId": "r/1", "taskKind": "x", "producer": "p", "extra": 1},
            "timestamp": 5,
            "isCompletedLocalCommand": true,
            "isQueuedCommand": true,
            "isVisibleInTranscriptOnly": true,
            "toolDenialKind": "interrupted",
            "toolDenialUnanswered": "stream-closed",
            "interruptedByShutdown": true,
            "message": {"content": [{"type": "tool_result", "tool_use_id": "t1"}, {"type": "text"}]},
        }));
        assert_eq!(
            all,
            concat!(
                r#","interruptedByShutdown":true,"toolDenialUnanswered":"stream-closed","#,
                r#""tool_result_meta":[{"id":"t1","non_execution_kind":"interrupted"}],"#,
                r#""is_meta":true,"isQueuedCommand":true,"isCompletedLocalCommand":true,"#,
                r#""timestamp":5,"origin":{"kind":"task-notification","producer":"p"}"#
            )
        );
    }

    #[test]
    fn strict_values() {
        // Truthy is not true; an unknown denial kind, two tool results, a non-string id or a
        // false origin report nothing.
        assert_eq!(
            of(
                json!({"isMeta": 1, "interruptedByShutdown": "yes", "toolDenialUnanswered": "other"})
            ),
            ""
        );
        let two = json!({"toolDenialKind": "cancelled", "message": {"content": [
            {"type": "tool_result", "tool_use_id": "a"}, {"type": "tool_result", "tool_use_id": "b"}]}});
        assert_eq!(of(two), "");
        let numeric = json!({"toolDenialKind": "cancelled", "message": {"content": [{"type": "tool_result", "tool_use_id": 3}]}});
        assert_eq!(of(numeric), "");
        assert_eq!(
            of(
                json!({"toolDenialKind": "nope", "message": {"content": [{"type": "tool_result", "tool_use_id": "a"}]}})
            ),
            ""
        );
        assert_eq!(of(json!({"origin": 0})), "");
        assert_eq!(of(json!({"origin": null})), "");
        assert_eq!(of(json!({"origin": "cli"})), r#","origin":"cli""#);
        assert_eq!(
            of(
                json!({"isCompactSummary": true, "origin": {"kind": "task-notification", "runId": "ok:1", "taskKind": "mcp-task", "subkind": null}})
            ),
            r#","isCompactSummary":true,"is_meta":true,"origin":{"kind":"task-notification","subkind":null,"runId":"ok:1","taskKind":"mcp-task"}"#
        );
    }
}
