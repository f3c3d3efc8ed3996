//! When the prompt goes out: behind the written `initialize` request (the TypeScript SDK), or
//! after its answer (the Python SDK; and the TypeScript SDK when the request carries what the
//! CLI must confirm first); and that a text prompt's input ends with its result. Played against
//! an in-memory CLI that answers `initialize` only when the test says so.

use claude_wire::hooks::{hook, HookFailureMode, HookMatcher, HookOutput};
use claude_wire::transport::{channel_transport, CliPeer};
use claude_wire::{query_with_transport, ClaudeAgentOptions, Flavour};
use futures::StreamExt;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(5);
/// How long a prompt that waits for the answer is given to show up anyway.
const HELD: Duration = Duration::from_millis(300);

fn flavoured(flavour: Flavour) -> ClaudeAgentOptions {
    ClaudeAgentOptions {
        flavour,
        ..ClaudeAgentOptions::default()
    }
}

async fn next_frame(peer: &mut CliPeer, within: Duration) -> Option<Value> {
    tokio::time::timeout(within, peer.recv())
        .await
        .ok()
        .flatten()
}

fn answer(peer: &CliPeer, init: &Value) {
    let id = init["request_id"].clone();
    peer.send(json!({"type": "control_response", "response": {
        "subtype": "success", "request_id": id, "response": {"commands": [], "pid": 7}}}));
}

fn finish(peer: &CliPeer) {
    peer.send(
        json!({"type": "result", "subtype": "success", "is_error": false,
        "duration_ms": 1, "duration_api_ms": 1, "num_turns": 1, "session_id": "s1",
        "result": "done", "total_cost_usd": 0.0, "usage": {}}),
    );
}

/// Starts a query with `options` and returns the CLI's end, the `initialize` frame, and the
/// task draining the messages.
async fn start(
    options: ClaudeAgentOptions,
) -> (CliPeer, Value, tokio::task::JoinHandle<Vec<Value>>) {
    let (transport, mut peer) = channel_transport();
    let mut query = query_with_transport("hello", options, Arc::new(transport));
    let drain = tokio::spawn(async move {
        let mut seen = Vec::new();
        while let Some(message) = query.next().await {
            seen.push(match message {
                Ok(message) => serde_json::to_value(message).unwrap(),
                Err(error) => json!({"error": error.to_string()}),
            });
        }
        seen
    });
    let init = next_frame(&mut peer, WAIT)
        .await
        .expect("the initialize request");
    assert_eq!(init["request"]["subtype"], "initialize");
    (peer, init, drain)
}

async fn run_to_the_end(peer: &mut CliPeer, drain: tokio::task::JoinHandle<Vec<Value>>) {
    finish(peer);
    peer.exit();
    let seen = tokio::time::timeout(WAIT, drain)
        .await
        .expect("the query ends")
        .unwrap();
    assert_eq!(seen.last().unwrap()["type"], "result");
}

#[tokio::test]
async fn typescript_writes_the_prompt_behind_the_initialize_request() {
    let (mut peer, init, drain) = start(flavoured(Flavour::Ts)).await;
    let prompt = next_frame(&mut peer, WAIT)
        .await
        .expect("the prompt before initialize is answered");
    assert_eq!(prompt["type"], "user");
    assert_eq!(prompt["message"]["content"][0]["text"], "hello");
    answer(&peer, &init);
    run_to_the_end(&mut peer, drain).await;
}

#[tokio::test]
async fn typescript_holds_the_prompt_for_a_blocking_hook() {
    let blocking = flavoured(Flavour::Ts).hook(
        "PreToolUse",
        vec![HookMatcher::new(None)
            .hook(hook(|_, _, _| async { Ok(HookOutput::default()) }))
            .on_failure(HookFailureMode::Block)],
    );
    let (mut peer, init, drain) = start(blocking).await;
    assert!(
        next_frame(&mut peer, HELD).await.is_none(),
        "held until initialize is answered"
    );
    answer(&peer, &init);
    let prompt = next_frame(&mut peer, WAIT).await.expect("the prompt");
    assert_eq!(prompt["type"], "user");
    run_to_the_end(&mut peer, drain).await;
}

#[tokio::test]
async fn python_writes_the_prompt_after_the_answer() {
    let (mut peer, init, drain) = start(flavoured(Flavour::Python)).await;
    assert!(next_frame(&mut peer, HELD).await.is_none());
    answer(&peer, &init);
    let prompt = next_frame(&mut peer, WAIT).await.expect("the prompt");
    assert_eq!(
        (prompt["type"].as_str(), &prompt["message"]["content"]),
        (Some("user"), &json!("hello"))
    );
    run_to_the_end(&mut peer, drain).await;
}

#[tokio::test]
async fn a_failed_initialize_stops_a_prompt_already_written() {
    let (mut peer, init, drain) = start(flavoured(Flavour::Ts)).await;
    assert_eq!(next_frame(&mut peer, WAIT).await.unwrap()["type"], "user");
    peer.send(json!({"type": "control_response", "response": {
        "subtype": "error", "request_id": init["request_id"], "error": "bad settings"}}));
    let seen = tokio::time::timeout(WAIT, drain)
        .await
        .expect("the query ends")
        .unwrap();
    let last = seen.last().expect("the start's error").to_string();
    assert!(last.contains("bad settings"), "{last}");
    // Nothing is left writing to the CLI, which is let go.
    let let_go = tokio::time::timeout(WAIT, async { while peer.recv().await.is_some() {} });
    assert!(let_go.await.is_ok(), "the CLI's input stays open");
}

#[tokio::test]
async fn a_query_dropped_while_starting_lets_go_of_a_prompt_already_written() {
    let (mut peer, _init, drain) = start(flavoured(Flavour::Ts)).await;
    assert_eq!(next_frame(&mut peer, WAIT).await.unwrap()["type"], "user");
    // Dropped before `initialize` is answered: the query, its start and the prompt's task.
    drain.abort();
    let let_go = tokio::time::timeout(WAIT, async { while peer.recv().await.is_some() {} });
    assert!(let_go.await.is_ok(), "the CLI's input stays open");
}

#[tokio::test]
async fn typescript_refuses_a_control_request_made_on_the_result_that_ends_the_input() {
    // The TypeScript SDK ends a text prompt's input before it hands the result over, so a
    // control request made on seeing that result fails, even where closing the input has not
    // happened yet (this runtime has one thread: the consumer goes first).
    let (transport, mut peer) = channel_transport();
    let mut query = query_with_transport("hello", flavoured(Flavour::Ts), Arc::new(transport));
    let consumer = tokio::spawn(async move {
        let mut outcome = None;
        while let Some(message) = query.next().await {
            let kind = message
                .ok()
                .map(|m| serde_json::to_value(m).unwrap()["type"].clone());
            if kind == Some(json!("result")) {
                let control = query.control().expect("a control handle");
                outcome = Some(control.set_model(Some("other")).await);
            }
        }
        outcome
    });
    let init = next_frame(&mut peer, WAIT).await.expect("initialize");
    answer(&peer, &init);
    assert_eq!(next_frame(&mut peer, WAIT).await.unwrap()["type"], "user");
    finish(&peer);
    // The CLI answers what it is sent, as the real one would until its input ends.
    let mut sent = Vec::new();
    while let Some(frame) = next_frame(&mut peer, WAIT).await {
        if frame["type"] == "control_request" {
            peer.send(json!({"type": "control_response", "response": {
                "subtype": "success", "request_id": frame["request_id"], "response": {}}}));
        }
        sent.push(frame);
    }
    peer.exit();
    let outcome = tokio::time::timeout(WAIT, consumer)
        .await
        .expect("the query ends")
        .unwrap()
        .expect("a result was seen");
    let error = outcome.expect_err("refused: the input ended with the result");
    assert_eq!(
        error.message(Flavour::Ts),
        "Query closed before response received"
    );
    assert!(
        sent.is_empty(),
        "nothing written after the result: {sent:?}"
    );
}
