//! Which frames a flavour delivers, and as what.
//!
//! The core parses every frame into a typed [`Message`] and keeps what it does not model. The
//! official SDKs differ in what reaches the user: the TypeScript SDK hands over every frame as
//! parsed JSON, unchecked (keep-alives excepted); the Python SDK validates the kinds it models,
//! delivers the other system subtypes unchecked, and skips message types it does not know.

use super::{Message, SystemMessage};
use crate::{Error, Flavour, Result};
use serde_json::Value;

/// What `flavour` delivers for one parsed frame: the item itself, a repaired one, or nothing.
pub fn deliver(flavour: Flavour, item: Result<Message>) -> Option<Result<Message>> {
    match (flavour, item) {
        (Flavour::Rust, item) => Some(item),
        // Every frame, as received.
        (Flavour::Ts, Err(Error::MessageParse { raw, .. })) => Some(Ok(Message::Unknown(raw))),
        (Flavour::Ts, item) => Some(item),
        (Flavour::Python, Ok(message)) => {
            known_to_python(message.type_name()).then_some(Ok(message))
        }
        (Flavour::Python, Err(Error::MessageParse { raw, kind, message })) => {
            if !checked_by_python(&raw) {
                // Unknown types are skipped; unvalidated system subtypes are delivered.
                return match raw {
                    Value::Object(map) if is_system(&map) => {
                        Some(Ok(Message::System(SystemMessage::unchecked(map))))
                    }
                    _ => None,
                };
            }
            Some(Err(Error::MessageParse { kind, message, raw }))
        }
        (Flavour::Python, item) => Some(item),
    }
}

/// What `flavour` delivers for one frame (a JSON value of the CLI's output).
pub fn deliver_frame(flavour: Flavour, frame: Value) -> Option<Result<Message>> {
    if flavour == Flavour::Ts && frame.get("type").and_then(Value::as_str) == Some("keep_alive") {
        // The TypeScript SDK reads keep-alives (startup marks) and never hands them over.
        return None;
    }
    if flavour.delivers_frames_unparsed() {
        return deliver(flavour, Ok(Message::Unknown(frame)));
    }
    if flavour == Flavour::Python && frame.get("type").and_then(Value::as_str) == Some("system") {
        // The Python SDK's system messages carry the frame itself as `data`: it keeps the CLI's
        // key order only if handed over as received (the typed struct writes its fields first).
        return match deliver(flavour, Message::from_value(frame.clone())) {
            Some(Ok(Message::System(_))) => Some(Ok(Message::Unknown(frame))),
            other => other,
        };
    }
    deliver(flavour, Message::from_value(frame))
}

/// The message types the Python SDK parses; it skips every other type.
fn known_to_python(kind: &str) -> bool {
    matches!(
        kind,
        "user"
            | "assistant"
            | "system"
            | "result"
            | "stream_event"
            | "rate_limit_event"
            | "conversation_reset"
    )
}

fn is_system(map: &serde_json::Map<String, Value>) -> bool {
    map.get("type").and_then(Value::as_str) == Some("system")
}

/// True for the frames the Python SDK checks (and fails on when malformed): the kinds it
/// models, and among system messages the task ones.
fn checked_by_python(frame: &Value) -> bool {
    let Some(map) = frame.as_object() else {
        return true;
    };
    match map.get("type").and_then(Value::as_str).unwrap_or("") {
        "user" | "assistant" | "result" | "stream_event" | "rate_limit_event"
        | "conversation_reset" => true,
        "system" => matches!(
            map.get("subtype").and_then(Value::as_str),
            Some("task_started" | "task_progress" | "task_notification") | None
        ),
        _ => false,
    }
}

/// True when a frame of this `kind` (and system `subtype`) leaves the last error result in
/// place, so that a failed exit that follows is still explained by it. The Python SDK keeps it
/// only across `session_state_changed`; the TypeScript SDK also across the frames it passes on
/// without looking (summaries, metadata, goals, compaction state, keep-alives, lost writes,
/// plugin installs).
pub(crate) fn keeps_error_result(flavour: Flavour, kind: &str, subtype: Option<&str>) -> bool {
    match (kind, subtype) {
        ("system", Some("session_state_changed")) => true,
        _ if flavour != Flavour::Ts => false,
        ("keep_alive" | "active_goal" | "autocompact_state", _) => true,
        (
            "system",
            Some(
                "post_turn_summary"
                | "task_summary"
                | "session_metadata"
                | "session_writes_lost"
                | "plugin_install",
            ),
        ) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: Value) -> Result<Message> {
        Message::from_value(v)
    }

    #[test]
    fn python_system_frames_keep_the_cli_key_order() {
        let text = r#"{"type":"system","subtype":"init","zeta":1,"session_id":"s","cwd":"/","uuid":"u","tools":[]}"#;
        let frame: Value = serde_json::from_str(text).unwrap();
        match deliver_frame(Flavour::Python, frame) {
            Some(Ok(Message::Unknown(kept))) => {
                assert_eq!(serde_json::to_string(&kept).unwrap(), text)
            }
            other => panic!("{other:?}"),
        }
        let bad_task = json!({"type": "system", "subtype": "task_started"});
        assert!(matches!(
            deliver_frame(Flavour::Python, bad_task),
            Some(Err(Error::MessageParse { .. }))
        ));
        let typed = json!({"type": "system", "subtype": "init", "session_id": "s"});
        assert!(matches!(
            deliver_frame(Flavour::Rust, typed),
            Some(Ok(Message::System(_)))
        ));
    }

    #[test]
    fn each_flavour_delivers_what_its_sdk_does() {
        let unknown = json!({"type": "brand_new", "x": 1});
        let progress = json!({"type": "tool_progress", "tool_use_id": "t", "tool_name": "Bash", "elapsed_time_seconds": 1});
        assert!(
            deliver(Flavour::Python, parse(progress.clone())).is_none(),
            "a type the Python SDK lacks"
        );
        assert!(matches!(deliver(Flavour::Ts, parse(progress)), Some(Ok(_))));
        let bad_retry =
            json!({"type": "system", "subtype": "api_retry", "attempt": "not-a-number"});
        let bad_task = json!({"type": "system", "subtype": "task_started"});
        let bad_result = json!({"type": "result"});

        assert!(deliver(Flavour::Python, parse(unknown.clone())).is_none());
        assert!(matches!(
            deliver(Flavour::Ts, parse(unknown.clone())),
            Some(Ok(Message::Unknown(_)))
        ));
        assert!(matches!(
            deliver(Flavour::Rust, parse(unknown)),
            Some(Ok(Message::Unknown(_)))
        ));

        match deliver(Flavour::Python, parse(bad_retry.clone())) {
            Some(Ok(Message::System(m))) => {
                assert_eq!(m.subtype, "api_retry");
                assert_eq!(Message::System(m).to_value(), bad_retry);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            deliver(Flavour::Python, parse(bad_task)),
            Some(Err(Error::MessageParse { .. }))
        ));
        assert!(matches!(
            deliver(Flavour::Python, parse(bad_result.clone())),
            Some(Err(_))
        ));
        match deliver(Flavour::Ts, parse(bad_result.clone())) {
            Some(Ok(Message::Unknown(raw))) => assert_eq!(raw, bad_result),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            deliver(Flavour::Rust, parse(bad_result)),
            Some(Err(_))
        ));
    }
}
