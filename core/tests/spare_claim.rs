//! The claim of a spare process (`Control::claim_spare`) against the scripted fake CLI: the
//! requests go out in the official order, a refusal is reported at once, and the claim's
//! snapshot becomes the session's server info.

use claude_wire::control::{ClaimOutcome, SpareClaim};
use claude_wire::{query_stream, ClaudeAgentOptions};
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};
use std::time::Duration;

fn options(steps: Value) -> ClaudeAgentOptions {
    let fake = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fake_cli/fake_claude.py");
    ClaudeAgentOptions::new()
        .cli_path(fake)
        .env_var("FAKE_CLI_SCENARIO", steps.to_string())
}

fn claim(options: Value) -> SpareClaim {
    let options: Map<String, Value> = options.as_object().cloned().unwrap_or_default();
    SpareClaim::from_ts(&options, &[], Path::new("/")).expect("a valid claim")
}

fn answer(subtype: &str, response: Value) -> Value {
    json!({"answer_subtype": {"subtype": subtype, "response": response}})
}

#[tokio::test]
async fn requests_in_order_snapshot_kept_and_a_refused_model_reported() {
    let steps = json!([
        {"answer_initialize": {"commands": ["parked"], "hooks_applied": true}},
        answer("apply_flag_settings", json!({})),
        answer("claim_session", json!({"cwd": "/w", "session_id": "s1", "parked_ms": 5,
            "sdk_mcp_settled": true, "initialize": {"commands": ["claimed"]}})),
        {"answer_subtype": {"subtype": "set_model", "error": "no such model"}},
        answer("set_max_thinking_tokens", json!({})),
        answer("apply_flag_settings", json!({})),
        {"wait_stdin_eof": true}
    ]);
    let (_tx, prompt) = futures::channel::mpsc::unbounded::<Value>();
    let q = query_stream(prompt, options(steps));
    let control = tokio::time::timeout(Duration::from_secs(20), q.handle().control())
        .await
        .expect("started in time")
        .expect("started");
    let spare = claim(json!({"cwd": "/w", "model": "m", "maxThinkingTokens": 9,
        "settings": {"effortLevel": "high", "fastMode": true}}));
    let mut written = false;
    let outcome = tokio::time::timeout(
        Duration::from_secs(20),
        control.claim_spare(&spare, || written = true),
    )
    .await
    .expect("answered in time");
    assert!(written);
    let ClaimOutcome::OptionsRefused(message, answer) = outcome else {
        panic!("unexpected {outcome:?}");
    };
    assert_eq!(
        message,
        "option_not_applied: model: no such model — the prompt was sent and the session runs without these options"
    );
    assert_eq!(answer["session_id"], "s1");
    let info = control.server_info().expect("server info");
    assert_eq!(info["commands"], json!(["claimed"]));
    assert_eq!(info["hooks_applied"], json!(true), "kept from the spare's");
    q.close().await.ok();
}

#[tokio::test]
async fn a_refused_claim_is_reported_without_waiting_for_the_rest() {
    let steps = json!([
        {"answer_initialize": {}},
        {"answer_subtype": {"subtype": "claim_session", "error": "cwd_not_found: the claim cwd does not exist"}},
        // The model request that follows is never answered.
        {"hang": true}
    ]);
    let (_tx, prompt) = futures::channel::mpsc::unbounded::<Value>();
    let q = query_stream(prompt, options(steps));
    let control = q.handle().control().await.expect("started");
    let spare = claim(json!({"cwd": "/missing", "model": "m"}));
    let outcome = tokio::time::timeout(Duration::from_secs(10), control.claim_spare(&spare, || {}))
        .await
        .expect("the refusal does not wait for the model's answer");
    let ClaimOutcome::Refused(error) = outcome else {
        panic!("unexpected {outcome:?}");
    };
    assert!(error.to_string().contains("cwd_not_found"), "{error}");
    q.close().await.ok();
}
