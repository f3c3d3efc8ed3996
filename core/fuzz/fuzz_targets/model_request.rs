//! The scripted model server's request side: arbitrary HTTP requests (method, path, body)
//! recorded as the server records them, classified, and matched by `when` matchers; plus
//! arbitrary JSON scripts and replies.
//!
//! Input: byte 0 picks the mode (raw body bytes, a generated Messages API body, or a script),
//! the rest drives it. Checks: no panic; `classify` gives `other` to anything but
//! `POST /v1/messages[/count_tokens]`; a matcher on the request's own kind accepts it; a
//! recorded request serializes.
#![no_main]

use arbitrary::{Result, Unstructured};
use claude_wire::model_server::{
    classify_request, RecordedRequest, Reply, RequestKind, ResponseOutcome, Script, When,
};
use claude_wire_fuzz::{json, word};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Map, Value};
use std::time::Duration;

const METHODS: &[&str] = &["POST", "POST", "POST", "GET", "HEAD", "PUT"];
const PATHS: &[&str] = &[
    "/v1/messages?beta=true",
    "/v1/messages",
    "/v1/messages/",
    "/v1/messages/count_tokens?beta=true",
    "/v1/models",
    "/",
];
/// Texts the classifier looks for.
const TEXTS: &[&str] = &[
    "[SUGGESTION MODE: Suggest what the user might naturally type next.]",
    "  [SUGGESTION MODE:",
    "Your task is to create a detailed summary of the conversation so far",
    "<system-reminder>context</system-reminder>",
    "hello",
    "",
];

fn text(u: &mut Unstructured) -> Result<String> {
    Ok(match u.int_in_range(0..=2)? {
        0 => u.choose(TEXTS)?.to_string(),
        1 => claude_wire_fuzz::string(u)?,
        _ => format!("{}{}", claude_wire_fuzz::string(u)?, u.choose(TEXTS)?),
    })
}

fn block(u: &mut Unstructured) -> Result<Value> {
    Ok(match u.int_in_range(0..=3)? {
        0 => json!({"type": "text", "text": text(u)?}),
        1 => json!({"type": "tool_result", "tool_use_id": word(u)?, "content": content(u, 0)?}),
        2 => json!({"type": word(u)?, "text": json(u, 1)?}),
        _ => json(u, 2)?,
    })
}

fn content(u: &mut Unstructured, depth: u32) -> Result<Value> {
    Ok(match u.int_in_range(0..=2)? {
        0 => Value::String(text(u)?),
        1 if depth < 1 => {
            let n = u.int_in_range(0..=3)?;
            let mut blocks = Vec::new();
            for _ in 0..n {
                blocks.push(if u.ratio(3, 4)? {
                    block(u)?
                } else {
                    json!({"type": "text", "text": text(u)?})
                });
            }
            Value::Array(blocks)
        }
        _ => json(u, 1)?,
    })
}

/// A Messages API body like the CLI's, with any part possibly off.
fn messages_body(u: &mut Unstructured) -> Result<Value> {
    let mut body = Map::new();
    let roles = ["user", "assistant", "system", "user"];
    let n = u.int_in_range(0..=4)?;
    let mut messages = Vec::new();
    for _ in 0..n {
        messages.push(if u.ratio(7, 8)? {
            json!({"role": u.choose(&roles)?, "content": content(u, 0)?})
        } else {
            json(u, 2)?
        });
    }
    body.insert("messages".into(), Value::Array(messages));
    for key in ["model", "max_tokens", "stream", "system", "tools"] {
        if u.ratio(1, 4)? {
            continue;
        }
        let value = match key {
            "model" => Value::String(text(u)?),
            "max_tokens" => claude_wire_fuzz::number(u)?,
            "stream" => Value::Bool(u.arbitrary()?),
            "system" => content(u, 0)?,
            _ => json!([{"name": word(u)?}, json(u, 1)?]),
        };
        body.insert(key.into(), value);
    }
    Ok(Value::Object(body))
}

fn check(method: String, path: String, body: Value) {
    let mut request = RecordedRequest {
        index: 0,
        method,
        path,
        headers: vec![("x-api-key".into(), "k".into())],
        body,
        kind: RequestKind::Main,
        reply_index: None,
        received_after: Duration::ZERO,
        outcome: ResponseOutcome::Pending,
    };
    request.kind = classify_request(&request);
    let route = request
        .path
        .split('?')
        .next()
        .unwrap_or_default()
        .trim_end_matches('/');
    if request.method != "POST" || !route.starts_with("/v1/messages") {
        assert_eq!(
            request.kind,
            RequestKind::Other,
            "{} {}",
            request.method,
            request.path
        );
    }
    // Every accessor a test may call.
    let _ = (
        request.model(),
        request.max_tokens(),
        request.is_stream(),
        request.header("X-Api-Key"),
    );
    let _ = (
        request.last_user_text(),
        request.user_texts(),
        request.tool_result_texts(),
    );
    let _ = (
        request.has_tool_result(),
        request.tool_names(),
        request.system_text(),
    );
    let _ = request.tool_result_for("toolu_1");
    let own_kind = When {
        kind: Some(request.kind),
        ..When::any()
    };
    assert!(
        own_kind.matches(&request),
        "a matcher on its own kind rejects it"
    );
    assert!(When::any().matches(&request));
    let text = request.last_user_text().unwrap_or_default();
    let by_text = When {
        user_text_contains: Some(text),
        ..When::any()
    };
    assert_eq!(
        by_text.matches(&request),
        request.last_user_text().is_some()
    );
    serde_json::to_string(&request).expect("a recorded request serializes");
}

fn run(mode: u8, u: &mut Unstructured) -> Result<()> {
    match mode % 4 {
        0 => {
            let method = u.choose(METHODS)?.to_string();
            let path = u.choose(PATHS)?.to_string();
            let raw = u.bytes(u.len())?;
            check(
                method,
                path,
                serde_json::from_slice(raw).unwrap_or(Value::Null),
            );
        }
        1 => {
            let method = u.choose(METHODS)?.to_string();
            let path = if u.ratio(7, 8)? {
                u.choose(PATHS)?.to_string()
            } else {
                claude_wire_fuzz::string(u)?
            };
            let body = messages_body(u)?;
            check(method, path, body);
        }
        2 => {
            // A `when` matcher from JSON, applied to a generated request.
            let when: Option<When> = serde_json::from_value(json(u, 2)?).ok();
            let body = messages_body(u)?;
            let mut request = RecordedRequest {
                index: 0,
                method: "POST".into(),
                path: "/v1/messages".into(),
                headers: Vec::new(),
                body,
                kind: RequestKind::Main,
                reply_index: None,
                received_after: Duration::ZERO,
                outcome: ResponseOutcome::Pending,
            };
            request.kind = classify_request(&request);
            if let Some(when) = when {
                let _ = when.matches(&request);
            }
        }
        _ => {
            let value = json(u, 4)?;
            let _ = Reply::from_value(value.clone());
            let _ = Script::from_value(value);
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let [mode, rest @ ..] = data else {
        return;
    };
    let _ = run(*mode, &mut Unstructured::new(rest));
});
