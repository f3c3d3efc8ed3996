//! Many sessions in one process: 100 concurrent clients, each with its own fake CLI process.

use claude_wire::{ClaudeAgentOptions, ClaudeClient};
use futures::StreamExt;
use serde_json::json;
use std::path::PathBuf;
use std::time::Duration;

fn fake_cli() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fake_cli/fake_claude.py")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_clients_with_their_own_cli_processes() {
    let mut sessions = Vec::new();
    for n in 0..100 {
        let steps = json!([
            {"answer_initialize": {"pid": n}},
            {"expect_stdin": {"type": "user", "message": {"content": format!("hello {n}")}}},
            {"emit": {"type": "assistant", "session_id": format!("s{n}"), "parent_tool_use_id": null,
                      "message": {"id": "m", "model": "fake", "role": "assistant", "content": [{"type": "text", "text": format!("reply {n}")}]}}},
            {"emit": {"type": "result", "subtype": "success", "is_error": false, "duration_ms": 1, "duration_api_ms": 1,
                      "num_turns": 1, "session_id": format!("s{n}"), "result": format!("reply {n}")}},
            {"wait_stdin_eof": true}
        ]);
        let options = ClaudeAgentOptions::new()
            .cli_path(fake_cli())
            .env_var("FAKE_CLI_SCENARIO", steps.to_string());
        sessions.push(tokio::spawn(async move {
            let client = ClaudeClient::new(options);
            client.connect(None).await.unwrap();
            assert_eq!(client.server_info().unwrap()["pid"], n);
            client.query(format!("hello {n}"), "default").await.unwrap();
            let replies: Vec<_> = client
                .receive_response()
                .map(|m| m.unwrap().to_value())
                .collect()
                .await;
            assert_eq!(replies.len(), 2);
            assert_eq!(replies[1]["result"], format!("reply {n}"));
            client.disconnect().await.unwrap();
        }));
    }
    for session in sessions {
        tokio::time::timeout(Duration::from_secs(120), session)
            .await
            .unwrap()
            .unwrap();
    }
}
