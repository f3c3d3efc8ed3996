//! A real Claude Code session driven by claude-wire.
//!
//! By default the CLI talks to the scripted model server on 127.0.0.1 (offline, no tokens);
//! with `ANTHROPIC_API_KEY` set it talks to the real API. Run with `make demo`.

use claude_wire::message::{ContentBlock, Message, UserContent};
use claude_wire::model_server::{ModelServer, Reply, Script};
use claude_wire::permission::{can_use_tool, PermissionResult, ToolPermissionContext};
use claude_wire::{query, ClaudeAgentOptions};
use futures::StreamExt;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;

/// Tool calls the permission callback was asked about; the others the CLI allowed by its rules.
static ASKED: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

const PROMPT: &str = "Look at this directory, then write a short notes.txt about it.";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let workdir = tempfile::tempdir()?;
    std::fs::write(
        workdir.path().join("hello.rs"),
        "fn main() { println!(\"hi\"); }\n",
    )?;
    let scratch = tempfile::tempdir()?;
    let (options, server) = configure(workdir.path().to_path_buf(), scratch.path()).await?;

    println!(
        "\x1b[1mclaude-wire demo\x1b[0m  ({})",
        match &server {
            Some(server) => format!("scripted model server at {}", server.url()),
            None => "real API, ANTHROPIC_API_KEY is set".to_string(),
        }
    );
    println!(
        "\x1b[2mcwd {}\x1b[0m\n\x1b[1m> {PROMPT}\x1b[0m",
        workdir.path().display()
    );

    let started = Instant::now();
    let mut messages = query(PROMPT, options);
    let mut streamed_text = false;
    while let Some(message) = messages.next().await {
        match message {
            Ok(message) => show(&message, &mut streamed_text),
            Err(error) => println!("\x1b[31merror: {error}\x1b[0m"),
        }
    }
    println!(
        "\x1b[2mwall time {:.2} s\x1b[0m",
        started.elapsed().as_secs_f64()
    );
    if let Ok(notes) = std::fs::read_to_string(workdir.path().join("notes.txt")) {
        println!("\nnotes.txt now says:\n{}", notes.trim_end());
    }
    Ok(())
}

/// Options for the scripted server, or for the real API when a key is set.
async fn configure(
    cwd: PathBuf,
    scratch: &std::path::Path,
) -> claude_wire::Result<(ClaudeAgentOptions, Option<ModelServer>)> {
    let permission = can_use_tool(
        |tool: String, input: Value, context: ToolPermissionContext| async move {
            if let Some(id) = context.tool_use_id {
                ASKED.lock().unwrap_or_else(|e| e.into_inner()).insert(id);
            }
            let decision = if tool == "Write"
                && input["file_path"]
                    .as_str()
                    .is_some_and(|p| p.ends_with("notes.txt"))
            {
                PermissionResult::allow()
            } else {
                PermissionResult::deny("this demo only lets the agent write notes.txt")
            };
            let verdict = if decision.is_allow() {
                "\x1b[32mallowed\x1b[0m"
            } else {
                "\x1b[31mdenied\x1b[0m"
            };
            println!("  \x1b[2mpermission callback:\x1b[0m {tool} {verdict}");
            Ok(decision)
        },
    );
    let options = ClaudeAgentOptions::new()
        .cwd(cwd.clone())
        .include_partial_messages(true)
        .can_use_tool(permission)
        .max_turns(6);
    let options = match std::env::var("CLAUDE_WIRE_CLI") {
        Ok(cli) if !cli.is_empty() => options.cli_path(cli),
        _ => options,
    };
    if std::env::var("ANTHROPIC_API_KEY").is_ok_and(|k| !k.is_empty()) {
        return Ok((options, None));
    }
    let notes = cwd.join("notes.txt");
    let script = Script::new()
        .reply(Reply::text("Let me look around first.").then_tool_use("Bash", json!({"command": "ls -la", "description": "List files"})).chunk_chars(6).delta_delay_ms(15))
        .reply(Reply::tool_use("Write", json!({"file_path": notes, "content": "This directory holds hello.rs, a one-line Rust hello world.\n"})))
        .reply(Reply::text("Done: notes.txt describes the single Rust file here.").chunk_chars(5).delta_delay_ms(15));
    let server = ModelServer::start(script).await?;
    let mut options = options.model("scripted-demo-model");
    options.env = server.cli_env(scratch)?;
    Ok((options, Some(server)))
}

fn show(message: &Message, streamed_text: &mut bool) {
    match message {
        Message::System(system) => {
            if let Some(init) = system.as_init() {
                println!(
                    "\x1b[2msession started: model {}, CLI {}\x1b[0m",
                    init.model.as_deref().unwrap_or("?"),
                    init.claude_code_version.as_deref().unwrap_or("?")
                );
            }
        }
        Message::StreamEvent(event) if event.event["delta"]["type"] == "text_delta" => {
            print!(
                "{}",
                event.event["delta"]["text"].as_str().unwrap_or_default()
            );
            let _ = std::io::stdout().flush();
            *streamed_text = true;
        }
        Message::Assistant(assistant) => {
            if *streamed_text {
                println!();
                *streamed_text = false;
            } else if !assistant.text().is_empty() {
                println!("{}", assistant.text());
            }
            for block in assistant.content() {
                if let ContentBlock::ToolUse(tool) = block {
                    println!("\x1b[36m⚙ {}\x1b[0m {}", tool.name, tool.input);
                }
            }
        }
        Message::User(user) => {
            if let UserContent::Blocks(blocks) = user.content() {
                for block in blocks {
                    if let ContentBlock::ToolResult(result) = block {
                        let text = result.content.as_ref().map(flatten).unwrap_or_default();
                        let first = text.lines().next().unwrap_or_default();
                        let mark = if result.is_error == Some(true) {
                            "\x1b[31m✗\x1b[0m"
                        } else {
                            "\x1b[32m✓\x1b[0m"
                        };
                        if !ASKED
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .contains(&result.tool_use_id)
                        {
                            println!("  \x1b[2mpermission: allowed by the CLI's rules (read-only)\x1b[0m");
                        }
                        println!("  {mark} {first}");
                    }
                }
            }
        }
        Message::Result(result) => {
            println!(
                "\x1b[1mresult:\x1b[0m {} · {} turns · ${:.4} · {} ms (API {} ms)",
                if result.is_error {
                    "error"
                } else {
                    &result.subtype
                },
                result.num_turns,
                result.cost_usd().unwrap_or(0.0),
                result.duration_ms,
                result.duration_api_ms,
            );
        }
        _ => {}
    }
}

fn flatten(content: &Value) -> String {
    match content {
        Value::String(text) => text.clone(),
        Value::Array(blocks) => blocks
            .iter()
            .filter_map(|b| b["text"].as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        other => other.to_string(),
    }
}
