//! The `ts` flavour against the official TypeScript SDK's own builder, row by row.
//!
//! `tests/flavours/ts_rows.json` holds options in the TypeScript SDK's spelling;
//! `tests/flavours/capture_ts.mjs` ran the official SDK 0.3.330 on each row (with a spawn hook
//! that records the command line, the environment and the `initialize` request) and wrote
//! `tests/flavours/ts_expected.jsonl`. `make test` re-captures when Node and the official SDK
//! are at hand (`CLAUDE_WIRE_TS_CAPTURE` names the fresh file); otherwise the committed capture
//! is used. Each row must give the same argv, environment and `initialize` body (in the same
//! key order), or fail where the official SDK fails.

use claude_wire::cli::{build_args, build_env};
use claude_wire::hooks::HookRegistry;
use claude_wire::hooks::{hook, HookOutput};
use claude_wire::mcp::SdkMcpServer;
use claude_wire::options::Callbacks;
use claude_wire::permission::{can_use_tool, PermissionResult};
use claude_wire::{ClaudeAgentOptions, Flavour};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Arc;

fn repo_file(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
}

/// Replaces the rows' `"$callback"` / `{"$server": name}` markers by our handles.
fn with_handles(value: Value, callbacks: &mut Callbacks, key: &str) -> Value {
    match value {
        Value::String(s) if s == "$callback" => match key {
            "canUseTool" => {
                callbacks.can_use_tool = Some(can_use_tool(|_, _, _| async {
                    Ok(PermissionResult::allow())
                }));
                Value::Null
            }
            "onUserDialog" | "onElicitation" => {
                let handler: claude_wire::options::RequestHandler =
                    Arc::new(|_| Box::pin(async { Ok(Value::Null) }));
                if key == "onUserDialog" {
                    callbacks.on_user_dialog = Some(handler);
                } else {
                    callbacks.on_elicitation = Some(handler);
                }
                Value::Null
            }
            "stderr" => {
                callbacks.stderr = Some(Arc::new(|_: &str| {}));
                Value::Null
            }
            _ => {
                callbacks
                    .hooks
                    .push(hook(|_, _, _| async { Ok(HookOutput::default()) }));
                serde_json::json!({"$hook": callbacks.hooks.len() - 1})
            }
        },
        Value::Object(map) if map.get("$server").is_some_and(Value::is_string) => {
            let name = map["$server"].as_str().unwrap().to_string();
            callbacks.mcp_servers.push(SdkMcpServer::new(name));
            serde_json::json!({"$server": callbacks.mcp_servers.len() - 1})
        }
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let v = with_handles(v, callbacks, &k);
                    (k, v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|v| with_handles(v, callbacks, key))
                .collect(),
        ),
        other => other,
    }
}

/// argv, environment and `initialize` body built for a row.
type Built = (Vec<String>, BTreeMap<String, String>, Value);

/// JSON text, where key order counts (`Value` equality ignores it).
fn text(value: &Value) -> String {
    serde_json::to_string(value).unwrap()
}

/// What we build for a row.
fn ours(options: Value) -> Result<Built, String> {
    let mut callbacks = Callbacks::default();
    let data = with_handles(options, &mut callbacks, "");
    let options =
        ClaudeAgentOptions::from_value(data, Flavour::Ts, callbacks).map_err(|e| e.to_string())?;
    let args = build_args(&options)
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|a| a.into_string().unwrap())
        .collect();
    let parent: Vec<(OsString, OsString)> = vec![
        ("PATH".into(), "/usr/bin:/bin".into()),
        ("HOME".into(), "/tmp".into()),
    ];
    let env = build_env(&options, parent)
        .into_iter()
        .map(|(k, v)| (k.into_string().unwrap(), v.into_string().unwrap()))
        .collect();
    let hooks = HookRegistry::new(&options.hooks);
    let mut init = Map::new();
    init.insert("subtype".into(), "initialize".into());
    init.extend(options.initialize_request(&hooks));
    Ok((args, env, Value::Object(init)))
}

#[test]
fn ts_flavour_matches_the_official_builder_row_by_row() {
    let rows: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(repo_file("tests/flavours/ts_rows.json")).unwrap(),
    )
    .unwrap();
    let capture = std::env::var("CLAUDE_WIRE_TS_CAPTURE")
        .map(PathBuf::from)
        .unwrap_or_else(|_| repo_file("tests/flavours/ts_expected.jsonl"));
    let expected: BTreeMap<String, Value> = std::fs::read_to_string(&capture)
        .unwrap()
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap();
            (v["name"].as_str().unwrap().to_string(), v)
        })
        .collect();
    let mut failures = Vec::new();
    for row in &rows {
        let name = row["name"].as_str().unwrap();
        let official = &expected[name];
        match (ours(row["options"].clone()), official.get("error")) {
            (Err(_), Some(_)) => {}
            (Err(e), None) => failures.push(format!(
                "{name}: we refused ({e}), the official SDK accepted"
            )),
            (Ok(_), Some(e)) => failures.push(format!(
                "{name}: we accepted, the official SDK refused ({e})"
            )),
            (Ok((args, env, init)), None) => {
                let their_args: Vec<String> =
                    serde_json::from_value(official["args"].clone()).unwrap();
                if args != their_args {
                    failures.push(format!(
                        "{name}: argv\n    ours   {args:?}\n    theirs {their_args:?}"
                    ));
                }
                let mut their_env: BTreeMap<String, String> =
                    serde_json::from_value(official["env"].clone()).unwrap();
                // Set by the official package on import for Windows; no meaning elsewhere.
                their_env.remove("NoDefaultCurrentDirectoryInExePath");
                if env != their_env {
                    failures.push(format!(
                        "{name}: env\n    ours   {env:?}\n    theirs {their_env:?}"
                    ));
                }
                let their_init = &official["initialize"]["request"];
                // Key order matters: compared as text.
                if text(&init) != text(their_init) {
                    failures.push(format!(
                        "{name}: initialize\n    ours   {init}\n    theirs {their_init}"
                    ));
                }
            }
        }
    }
    eprintln!("compared {} rows against {}", rows.len(), capture.display());
    assert!(
        failures.is_empty(),
        "{} of {} rows differ:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

#[test]
fn either_spelling_gives_the_same_options() {
    let camel = serde_json::json!({"systemPrompt": {"type": "preset", "preset": "claude_code", "append": "x", "excludeDynamicSections": true},
        "maxTurns": 2, "allowedTools": ["Read"], "permissionMode": "plan", "settingSources": ["user"],
        "thinking": {"type": "enabled", "budgetTokens": 100}, "continue": true, "additionalDirectories": ["/d"]});
    let snake = serde_json::json!({"system_prompt": {"type": "preset", "preset": "claude_code", "append": "x", "exclude_dynamic_sections": true},
        "max_turns": 2, "allowed_tools": ["Read"], "permission_mode": "plan", "setting_sources": ["user"],
        "thinking": {"type": "enabled", "budget_tokens": 100}, "continue_conversation": true, "add_dirs": ["/d"]});
    for flavour in [Flavour::Python, Flavour::Ts] {
        let a =
            ClaudeAgentOptions::from_value(camel.clone(), flavour, Callbacks::default()).unwrap();
        let b =
            ClaudeAgentOptions::from_value(snake.clone(), flavour, Callbacks::default()).unwrap();
        assert_eq!(build_args(&a).unwrap(), build_args(&b).unwrap());
    }
}

#[test]
fn a_bad_value_names_its_field_and_what_is_accepted() {
    let cases = [
        (serde_json::json!({"thinking": {"type": "on"}}), "thinking"),
        (serde_json::json!({"effort": "huge"}), "effort"),
        (serde_json::json!({"maxTurns": "three"}), "maxTurns"),
        (
            serde_json::json!({"agents": {"a": {"description": "d", "prompt": "p", "maxTurns": "x"}}}),
            "agents.a",
        ),
        (
            serde_json::json!({"hooks": {"Stop": [{"hooks": [{"$hook": 3}]}]}}),
            "hooks.Stop",
        ),
        (
            serde_json::json!({"mcpServersDelivery": "stdin"}),
            "mcpServersDelivery",
        ),
    ];
    for (value, field) in cases {
        let error =
            ClaudeAgentOptions::from_value(value.clone(), Flavour::Ts, Callbacks::default())
                .expect_err(&value.to_string())
                .to_string();
        assert!(error.contains(field), "{value} → {error}");
    }
    let error = ClaudeAgentOptions::from_value(
        serde_json::json!({"effort": "huge"}),
        Flavour::Python,
        Callbacks::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("xhigh"),
        "the accepted values are listed: {error}"
    );
    // A typo is an error under the Python SDK's rules and the Rust API...
    let typo = serde_json::json!({"modle": "x", "thinking": {"type": "adaptive"}});
    let error = ClaudeAgentOptions::from_value(typo.clone(), Flavour::Python, Callbacks::default())
        .unwrap_err()
        .to_string();
    assert!(error.contains("modle: unknown field"), "{error}");
    // ...while the TypeScript SDK ignores keys it does not know, as the official one does.
    let spread = serde_json::json!({"modle": "x", "model": "m", "myAppConfig": {"a": 1}});
    let options = ClaudeAgentOptions::from_value(spread, Flavour::Ts, Callbacks::default())
        .expect("unknown keys are ignored");
    assert_eq!(options.model.as_deref(), Some("m"));
    // The keys that stand for callbacks are known keys, whatever their value.
    let handles = serde_json::json!({"stderr": null, "canUseTool": 1, "abortController": {}});
    ClaudeAgentOptions::from_value(handles, Flavour::Python, Callbacks::default())
        .expect("callback keys are known");
}

#[test]
fn a_custom_system_prompt_may_come_in_parts() {
    // As the official SDK: the parts go in `initialize` as given, as for a `string[]` prompt.
    let custom =
        ours(serde_json::json!({"systemPrompt": {"type": "custom", "prompt": ["a", "b"]}}));
    let plain = ours(serde_json::json!({"systemPrompt": ["a", "b"]}));
    let (custom, plain) = (custom.unwrap().2, plain.unwrap().2);
    assert_eq!(custom["systemPrompt"], serde_json::json!(["a", "b"]));
    assert_eq!(text(&custom), text(&plain));
}
