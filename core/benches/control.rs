//! Round-trip time of the CLI's control requests through a session: the fake CLI (an in-memory
//! peer) sends `can_use_tool` / `hook_callback`, the session runs the callback and answers.
//! Run: `cargo bench -p claude-wire --bench control`.

use claude_wire::hooks::{hook, HookMatcher, HookOutput};
use claude_wire::permission::{can_use_tool, PermissionResult};
use claude_wire::transport::{channel_transport, CliPeer};
use claude_wire::{ClaudeAgentOptions, ClaudeClient};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

const ROUNDS: usize = 5_000;

#[tokio::main]
async fn main() {
    let mut options =
        ClaudeAgentOptions::default().can_use_tool(can_use_tool(|_name, _input, _ctx| async {
            Ok(PermissionResult::allow())
        }));
    let noop = hook(|_input, _id, _ctx| async { Ok(HookOutput::default()) });
    options.hooks = vec![(
        "PreToolUse".into(),
        vec![HookMatcher::new(Some("Bash")).hook(noop)],
    )];

    let (transport, mut peer) = channel_transport();
    let client = Arc::new(ClaudeClient::with_transport(options, Arc::new(transport)));
    let connecting = {
        let client = client.clone();
        tokio::spawn(async move { client.connect(None).await })
    };
    peer.accept_initialize(json!({})).await.expect("initialize");
    connecting.await.unwrap().unwrap();

    let permission = json!({"subtype": "can_use_tool", "tool_name": "Bash", "input": {"command": "ls"},
                            "permission_suggestions": [], "tool_use_id": "t"});
    let hook_call = json!({"subtype": "hook_callback", "callback_id": "hook_0", "tool_use_id": "t",
                           "input": {"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": "ls"}}});
    report("can_use_tool", &round_trips(&mut peer, &permission).await);
    report("hook_callback", &round_trips(&mut peer, &hook_call).await);
    client.disconnect().await.unwrap();
}

async fn round_trips(peer: &mut CliPeer, body: &Value) -> Vec<Duration> {
    let mut times = Vec::with_capacity(ROUNDS);
    for n in 0..ROUNDS {
        let id = format!("r{n}");
        let started = Instant::now();
        peer.send(json!({"type": "control_request", "request_id": id, "request": body}));
        let answer = peer.recv().await.expect("an answer");
        times.push(started.elapsed());
        assert_eq!(answer["response"]["request_id"], id);
        assert_eq!(answer["response"]["subtype"], "success");
    }
    times
}

fn report(name: &str, times: &[Duration]) {
    let mut sorted = times.to_vec();
    sorted.sort();
    let pick = |q: f64| sorted[((sorted.len() - 1) as f64 * q) as usize];
    println!(
        "{name:14} {ROUNDS} round trips: median {:>6.1} µs  p90 {:>6.1} µs  p99 {:>6.1} µs",
        pick(0.5).as_secs_f64() * 1e6,
        pick(0.9).as_secs_f64() * 1e6,
        pick(0.99).as_secs_f64() * 1e6,
    );
}
