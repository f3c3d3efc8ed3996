//! Core messages → instances of the package's message classes, built once per message.
//!
//! The hot kinds (assistant, user, result, stream events) are built from the typed core structs
//! field by field; the rarer system messages, whose `data` attribute is the whole frame, go
//! through the frame value. JSON values become Python objects directly (see [`crate::pyjson`]).
//! Classes are called with positional arguments in their field order.

use crate::classes::{classes, Classes};
use crate::huge_str::owned_str;
use crate::pyjson::{self, to_py};
use claude_wire::message::{
    AssistantMessage, ContentBlock, ResultMessage, StreamEvent, Usage, UserContent, UserMessage,
};
use claude_wire::Message;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

type Args<'py> = Vec<Bound<'py, PyAny>>;

fn none(py: Python<'_>) -> Bound<'_, PyAny> {
    py.None().into_bound(py)
}

fn string<'py>(py: Python<'py>, s: Option<&str>) -> Bound<'py, PyAny> {
    s.map_or_else(|| none(py), |s| PyString::new(py, s).into_any())
}

fn value<'py>(py: Python<'py>, v: Option<&Value>) -> PyResult<Bound<'py, PyAny>> {
    v.map_or_else(|| Ok(none(py)), |v| to_py(py, v))
}

/// A tool result's `content`: a huge text string is handed over as it is (see `huge_str`).
fn result_content<'py>(py: Python<'py>, content: Option<Value>) -> PyResult<Bound<'py, PyAny>> {
    match content {
        Some(Value::String(text)) => Ok(owned_str(py, text)),
        other => value(py, other.as_ref()),
    }
}

/// An assistant message's `usage` as the dict `json.loads` gives, keys in the wire's order.
fn usage<'py>(py: Python<'py>, usage: Option<Usage>) -> PyResult<Bound<'py, PyAny>> {
    let Some(usage) = usage else {
        return Ok(none(py));
    };
    let dict = PyDict::new(py);
    for (key, value) in usage.into_entries() {
        dict.set_item(PyString::new(py, &key), to_py(py, &value)?)?;
    }
    Ok(dict.into_any())
}

fn number<'py>(py: Python<'py>, n: Option<&Number>) -> PyResult<Bound<'py, PyAny>> {
    n.map_or_else(|| Ok(none(py)), |n| to_py(py, &Value::Number(n.clone())))
}

fn strings<'py>(py: Python<'py>, v: Option<&Vec<String>>) -> PyResult<Bound<'py, PyAny>> {
    v.map_or_else(|| Ok(none(py)), |v| Ok(PyList::new(py, v)?.into_any()))
}

fn extra<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    map.get(key).filter(|v| !v.is_null())
}

fn extra_str<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    map.get(key).and_then(Value::as_str)
}

fn build<'py>(py: Python<'py>, class: &Py<PyAny>, args: Args<'py>) -> PyResult<Bound<'py, PyAny>> {
    class.bind(py).call1(PyTuple::new(py, args)?)
}

/// Builds the Python object for one message.
pub fn message_to_py(py: Python<'_>, message: Message) -> PyResult<Py<PyAny>> {
    let c = classes(py)?;
    let obj = match message {
        Message::Assistant(m) => assistant(py, c, m)?,
        Message::User(m) => user(py, c, m)?,
        Message::Result(m) => result(py, c, *m)?,
        Message::StreamEvent(m) => stream_event(py, c, m)?,
        Message::System(_) | Message::RateLimit(_) | Message::ConversationReset(_) => {
            from_frame(py, c, message.into_value())?
        }
        // A frame the core keeps as received.
        Message::Unknown(frame) => from_frame(py, c, frame)?,
        other => unknown(py, c, other.into_value())?,
    };
    Ok(obj.unbind())
}

fn block<'py>(
    py: Python<'py>,
    c: &Classes,
    b: ContentBlock,
    assistant: bool,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    Ok(Some(match b {
        ContentBlock::Text(t) => build(py, &c.TextBlock, vec![owned_str(py, t.text)])?,
        ContentBlock::ToolUse(t) => build(
            py,
            &c.ToolUseBlock,
            vec![
                PyString::new(py, &t.id).into_any(),
                PyString::new(py, &t.name).into_any(),
                to_py(py, &t.input)?,
            ],
        )?,
        ContentBlock::ToolResult(t) => build(
            py,
            &c.ToolResultBlock,
            vec![
                PyString::new(py, &t.tool_use_id).into_any(),
                result_content(py, t.content)?,
                t.is_error.map_or_else(
                    || Ok(none(py)),
                    |e| e.into_pyobject(py).map(|b| b.to_owned().into_any()),
                )?,
            ],
        )?,
        ContentBlock::Thinking(t) if assistant => build(
            py,
            &c.ThinkingBlock,
            vec![
                owned_str(py, t.thinking),
                PyString::new(py, &t.signature).into_any(),
            ],
        )?,
        ContentBlock::ServerToolUse(t) if assistant => build(
            py,
            &c.ServerToolUseBlock,
            vec![
                PyString::new(py, &t.id).into_any(),
                PyString::new(py, &t.name).into_any(),
                to_py(py, &t.input)?,
            ],
        )?,
        ContentBlock::ServerToolResult(t) if assistant => build(
            py,
            &c.ServerToolResultBlock,
            vec![
                PyString::new(py, &t.tool_use_id).into_any(),
                result_content(py, t.content)?,
            ],
        )?,
        // Blocks the official SDK does not model (images, documents, redacted thinking, ...)
        // are left out of `content`, as it does.
        _ => return Ok(None),
    }))
}

fn blocks<'py>(
    py: Python<'py>,
    c: &Classes,
    content: Vec<ContentBlock>,
    assistant: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let list = PyList::empty(py);
    for b in content {
        if let Some(obj) = block(py, c, b, assistant)? {
            list.append(obj)?;
        }
    }
    Ok(list.into_any())
}

fn assistant<'py>(
    py: Python<'py>,
    c: &Classes,
    m: AssistantMessage,
) -> PyResult<Bound<'py, PyAny>> {
    let body = m.message;
    let args = vec![
        blocks(py, c, body.content, true)?,
        PyString::new(py, &body.model).into_any(),
        string(py, m.parent_tool_use_id.as_deref()),
        string(py, m.error.as_ref().map(|e| e.as_str())),
        usage(py, body.usage)?,
        string(py, body.id.as_deref()),
        string(py, body.stop_reason.as_deref()),
        string(py, m.session_id.as_deref()),
        string(py, m.uuid.as_deref()),
        string(py, extra_str(&m.extra, "user_message_uuid")),
        value(py, extra(&m.extra, "user_message_uuids"))?,
    ];
    build(py, &c.AssistantMessage, args)
}

fn origin<'py>(py: Python<'py>, origin: Option<&Value>) -> PyResult<Bound<'py, PyAny>> {
    match origin {
        Some(o) if o.get("kind").is_some_and(Value::is_string) => to_py(py, o),
        _ => Ok(none(py)),
    }
}

fn user<'py>(py: Python<'py>, c: &Classes, m: UserMessage) -> PyResult<Bound<'py, PyAny>> {
    let content = match m.message.content {
        UserContent::Text(text) => owned_str(py, text),
        UserContent::Blocks(list) => blocks(py, c, list, false)?,
    };
    let args = vec![
        content,
        string(py, m.uuid.as_deref()),
        string(py, m.parent_tool_use_id.as_deref()),
        value(py, m.tool_use_result.as_ref())?,
        origin(py, m.origin.as_ref())?,
    ];
    build(py, &c.UserMessage, args)
}

fn result<'py>(py: Python<'py>, c: &Classes, m: ResultMessage) -> PyResult<Bound<'py, PyAny>> {
    let denials = match &m.permission_denials {
        Some(list) => {
            let out = PyList::empty(py);
            for d in list {
                out.append(to_py(py, &d.clone().into_value())?)?;
            }
            out.into_any()
        }
        None => value(py, extra(&m.extra, "permission_denials"))?,
    };
    let deferred = match &m.deferred_tool_use {
        Some(d) => build(
            py,
            &c.DeferredToolUse,
            vec![
                PyString::new(py, &d.id).into_any(),
                PyString::new(py, &d.name).into_any(),
                value(py, d.input.as_ref())?,
            ],
        )?,
        None => none(py),
    };
    let args = vec![
        PyString::new(py, &m.subtype).into_any(),
        m.duration_ms.into_pyobject(py)?.into_any(),
        m.duration_api_ms.into_pyobject(py)?.into_any(),
        m.is_error.into_pyobject(py)?.to_owned().into_any(),
        m.num_turns.into_pyobject(py)?.into_any(),
        PyString::new(py, &m.session_id).into_any(),
        string(py, m.stop_reason.as_deref()),
        number(py, m.total_cost_usd.as_ref())?,
        value(py, m.usage.as_ref())?,
        string(py, m.result.as_deref()),
        value(py, m.structured_output.as_ref())?,
        match &m.model_usage {
            Some(u) => pyjson::dict_to_py(py, u)?.into_any(),
            None => none(py),
        },
        denials,
        deferred,
        strings(py, m.errors.as_ref())?,
        match m.api_error_status {
            Some(s) => s.into_pyobject(py)?.into_any(),
            None => none(py),
        },
        string(py, m.uuid.as_deref()),
        string(py, m.terminal_reason.as_deref()),
        origin(py, m.origin.as_ref())?,
        string(py, m.user_message_uuid.as_deref()),
        strings(py, m.user_message_uuids.as_ref())?,
    ];
    build(py, &c.ResultMessage, args)
}

fn stream_event<'py>(py: Python<'py>, c: &Classes, m: StreamEvent) -> PyResult<Bound<'py, PyAny>> {
    let args = vec![
        string(py, m.uuid.as_deref()),
        string(py, m.session_id.as_deref()),
        to_py(py, &m.event)?,
        string(py, m.parent_tool_use_id.as_deref()),
        string(py, extra_str(&m.extra, "user_message_uuid")),
        value(py, extra(&m.extra, "user_message_uuids"))?,
    ];
    build(py, &c.StreamEvent, args)
}

fn unknown<'py>(py: Python<'py>, c: &Classes, frame: Value) -> PyResult<Bound<'py, PyAny>> {
    let type_name = frame
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    build(
        py,
        &c.UnknownMessage,
        vec![PyString::new(py, &type_name).into_any(), to_py(py, &frame)?],
    )
}

/// Messages whose Python form is keyed on the raw frame (system messages and the small events).
fn from_frame<'py>(py: Python<'py>, c: &Classes, frame: Value) -> PyResult<Bound<'py, PyAny>> {
    let Value::Object(map) = &frame else {
        return unknown(py, c, frame);
    };
    let s = |key: &str| string(py, extra_str(map, key));
    match extra_str(map, "type") {
        Some("rate_limit_event") => {
            let info = map.get("rate_limit_info").cloned().unwrap_or(Value::Null);
            let i = |key: &str| value(py, extra(info.as_object().unwrap_or(map), key));
            let info_obj = build(
                py,
                &c.RateLimitInfo,
                vec![
                    i("status")?,
                    i("resetsAt")?,
                    i("rateLimitType")?,
                    i("utilization")?,
                    i("overageStatus")?,
                    i("overageResetsAt")?,
                    i("overageDisabledReason")?,
                    to_py(py, &info)?,
                ],
            )?;
            build(
                py,
                &c.RateLimitEvent,
                vec![info_obj, s("uuid"), s("session_id")],
            )
        }
        Some("conversation_reset") => build(
            py,
            &c.ConversationResetMessage,
            vec![s("new_conversation_id"), s("uuid"), s("session_id")],
        ),
        Some("system") => system(py, c, map, &frame),
        _ => unknown(py, c, frame),
    }
}

fn system<'py>(
    py: Python<'py>,
    c: &Classes,
    map: &Map<String, Value>,
    frame: &Value,
) -> PyResult<Bound<'py, PyAny>> {
    let s = |key: &str| string(py, extra_str(map, key));
    let v = |key: &str| value(py, extra(map, key));
    let subtype = extra_str(map, "subtype").unwrap_or("");
    let mut args: Args<'py> = vec![PyString::new(py, subtype).into_any(), to_py(py, frame)?];
    let class = match subtype {
        "hook_started" | "hook_response" => {
            let name = ["hook_event", "hook_name", "hook_event_name"]
                .iter()
                .find_map(|k| extra_str(map, k).filter(|s| !s.is_empty()))
                .unwrap_or("");
            args.extend([
                PyString::new(py, name).into_any(),
                s("session_id"),
                s("uuid"),
            ]);
            &c.HookEventMessage
        }
        "task_started" => {
            args.extend([
                s("task_id"),
                s("description"),
                s("uuid"),
                s("session_id"),
                s("tool_use_id"),
                s("task_type"),
            ]);
            &c.TaskStartedMessage
        }
        "task_progress" => {
            args.extend([
                s("task_id"),
                s("description"),
                v("usage")?,
                s("uuid"),
                s("session_id"),
                s("tool_use_id"),
                s("last_tool_name"),
            ]);
            &c.TaskProgressMessage
        }
        "task_notification" => {
            args.extend([
                s("task_id"),
                s("status"),
                s("output_file"),
                s("summary"),
                s("uuid"),
                s("session_id"),
                s("tool_use_id"),
                v("usage")?,
            ]);
            &c.TaskNotificationMessage
        }
        "task_updated" => {
            let patch = map
                .get("patch")
                .filter(|p| p.is_object())
                .cloned()
                .unwrap_or_else(|| Value::Object(Map::new()));
            let task_id = extra_str(map, "task_id").unwrap_or("");
            args.extend([
                PyString::new(py, task_id).into_any(),
                to_py(py, &patch)?,
                string(py, patch.get("status").and_then(Value::as_str)),
                s("session_id"),
                s("uuid"),
            ]);
            &c.TaskUpdatedMessage
        }
        "mirror_error" => {
            args.extend([
                v("key")?,
                PyString::new(py, extra_str(map, "error").unwrap_or("")).into_any(),
            ]);
            &c.MirrorErrorMessage
        }
        _ => &c.SystemMessage,
    };
    build(py, class, args)
}
