//! Tests of `ts_view.rs`.
use super::super::messages::{messages_from_entries, Page};
use crate::Flavour;
use serde_json::{json, Value};

/// Entries chained in order; each a `(type, fields)`.
fn chain(items: &[(&str, Value)]) -> Vec<Value> {
    let mut parent = Value::Null;
    items
        .iter()
        .enumerate()
        .map(|(i, (kind, fields))| {
            let uuid = format!("00000000-0000-4000-8000-{:012}", i + 1);
            let mut entry = json!({"type": kind, "uuid": uuid, "parentUuid": parent, "sessionId": "s", "timestamp": format!("t{i:02}")});
            entry.as_object_mut().unwrap().extend(fields.as_object().unwrap().clone());
            parent = uuid.into();
            entry
        })
        .collect()
}

fn user(content: Value) -> Value {
    json!({"message": {"role": "user", "content": content}})
}

fn said(text: &str) -> Value {
    json!({"message": {"role": "assistant", "content": [{"type": "text", "text": text}]}})
}

fn queued(prompt: &str, more: Value) -> Value {
    let mut command = json!({"type": "queued_command", "prompt": prompt});
    command
        .as_object_mut()
        .unwrap()
        .extend(more.as_object().unwrap().clone());
    json!({"attachment": command})
}

/// What the view shows: each message's text and its marks.
fn shown(entries: &[Value], flavour: Flavour) -> Vec<String> {
    messages_from_entries(entries, Page::all(), false, flavour)
        .into_iter()
        .map(|m| {
            let content = &m.message["content"];
            let text = content
                .as_str()
                .or_else(|| content[0]["text"].as_str())
                .unwrap_or("?");
            let marks: Vec<&str> = m
                .ts_fields
                .keys()
                .map(String::as_str)
                .filter(|k| *k != "timestamp")
                .collect();
            format!("{} {text} {}", m.kind, marks.join(","))
                .trim_end()
                .to_owned()
        })
        .collect()
}

#[test]
fn queued_prompts_local_commands_quiet_turns_and_channels() {
    let mut entries = chain(&[
        ("user", user(json!("hello"))),
        (
            "attachment",
            queued("taken up", json!({"source_uuid": "src-1"})),
        ),
        ("assistant", said("reply")),
        (
            "user",
            json!({"isMeta": true, "message": {"role": "user", "content": "<local-command-caveat>c</local-command-caveat>"}}),
        ),
        ("user", user(json!("<command-name>/x</command-name>"))),
        (
            "user",
            user(json!("<local-command-stdout>out</local-command-stdout>")),
        ),
        (
            "user",
            json!({"isMeta": true, "origin": {"kind": "channel"}, "message": {"role": "user", "content": "from a channel"}}),
        ),
        (
            "assistant",
            json!({"closesQuietTurn": true, "message": {"role": "assistant", "content": [{"type": "text", "text": "No response requested."}]}}),
        ),
        ("user", user(json!("next"))),
        ("attachment", queued("meta", json!({"isMeta": true}))),
        (
            "attachment",
            queued("forwarded", json!({"forwardedIntent": {"lineage": "x"}})),
        ),
        (
            "attachment",
            queued("copy", json!({"source_uuid": "src-2"})),
        ),
        (
            "attachment",
            queued("copy", json!({"source_uuid": "src-2"})),
        ),
        ("user", user(json!("a prompt"))),
        ("attachment", queued("waiting", json!({}))),
    ]);
    // The CLI took up one of the two copies (by the prompt's uuid): the later one shows.
    entries.push(json!({"type": "queue-operation", "operation": "remove", "reason": "absorbed_mid_turn", "commandUuid": "src-2"}));
    assert_eq!(
        shown(&entries, Flavour::Ts),
        [
            "user hello",
            "user taken up isQueuedCommand",
            "assistant reply",
            "user <command-name>/x</command-name> isCompletedLocalCommand",
            "user <local-command-stdout>out</local-command-stdout> isCompletedLocalCommand",
            "user from a channel is_meta,origin",
            "user next",
            "user copy isQueuedCommand",
            "user a prompt",
            "user waiting isQueuedCommand",
        ]
    );
    // The Python SDK shows the entries as they are.
    let python = shown(&entries, Flavour::Python);
    assert!(python.iter().all(|s| !s.contains("isQueuedCommand")));
    assert!(python.contains(&"assistant No response requested.".to_owned()));
}
