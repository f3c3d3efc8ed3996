//! Options → argv and environment, one table row per option.
//!
//! Rows marked `official` were produced by running the official Python SDK 0.2.187 command
//! builder (`SubprocessCLITransport._build_command`) on the same options. JSON values are
//! compared after parsing, because Python puts spaces after `:` and `,`.

use claude_wire::cli::{build_args, build_env};
use claude_wire::mcp::SdkMcpServer;
use claude_wire::options::*;
use claude_wire::permission::{CanUseTool, PermissionResult};
use claude_wire::{BoxFuture, CallbackError, Error};
use serde_json::{json, Value};
use std::ffi::OsString;
use std::sync::Arc;

const HEAD: [&str; 3] = ["--output-format", "stream-json", "--verbose"];
const TAIL: [&str; 2] = ["--input-format", "stream-json"];

/// The full argv for options that leave the system prompt unset.
fn with_empty_prompt(middle: &[&str]) -> Vec<String> {
    let mut v = vec!["--system-prompt", ""];
    v.extend_from_slice(middle);
    full(&v)
}

fn full(middle: &[&str]) -> Vec<String> {
    HEAD.iter()
        .chain(middle)
        .chain(TAIL.iter())
        .map(|s| s.to_string())
        .collect()
}

fn args(options: &ClaudeAgentOptions) -> Vec<String> {
    build_args(options)
        .expect("valid options")
        .into_iter()
        .map(|a| a.into_string().expect("utf-8 argument"))
        .collect()
}

/// Compares argv, treating arguments that hold JSON objects as equal when their JSON is equal.
fn assert_argv(name: &str, actual: &[String], expected: &[String]) {
    let same = actual.len() == expected.len()
        && actual
            .iter()
            .zip(expected)
            .all(|(a, e)| a == e || (a.starts_with('{') && json_eq(a, e)));
    assert!(
        same,
        "row {name}:\n  actual   {actual:?}\n  expected {expected:?}"
    );
}

fn json_eq(a: &str, b: &str) -> bool {
    match (
        serde_json::from_str::<Value>(a),
        serde_json::from_str::<Value>(b),
    ) {
        // Compared as text: `Value` equality ignores key order, and order is part of the contract.
        (Ok(x), Ok(y)) => serde_json::to_string(&x).ok() == serde_json::to_string(&y).ok(),
        _ => false,
    }
}

fn allow_all() -> CanUseTool {
    Arc::new(
        |_name, _input, _ctx| -> BoxFuture<'static, Result<PermissionResult, CallbackError>> {
            Box::pin(async {
                Ok(PermissionResult::Allow {
                    updated_input: None,
                    updated_permissions: None,
                })
            })
        },
    )
}

fn calc_server() -> SdkMcpServer {
    SdkMcpServer::new("calc")
}

fn o() -> ClaudeAgentOptions {
    ClaudeAgentOptions::new()
}

#[test]
fn every_option_maps_to_its_argv() {
    let rows: Vec<(&str, ClaudeAgentOptions, Vec<String>)> = vec![
        // official
        ("defaults", o(), with_empty_prompt(&[])),
        // official
        (
            "system prompt text",
            o().system_prompt("be brief"),
            full(&["--system-prompt", "be brief"]),
        ),
        (
            "system prompt text starting with a dash",
            o().system_prompt("-x"),
            full(&["--system-prompt", "-x"]),
        ),
        // official
        (
            "system prompt custom",
            o().system_prompt(SystemPrompt::Custom {
                prompt: vec!["c".into()],
                snapshot: Some(true),
            }),
            full(&["--system-prompt", "c"]),
        ),
        // official
        (
            "system prompt file",
            o().system_prompt(SystemPrompt::File("/p/sp.md".into())),
            full(&["--system-prompt-file", "/p/sp.md"]),
        ),
        // official
        (
            "system prompt preset",
            o().system_prompt(SystemPrompt::preset()),
            full(&[]),
        ),
        // official
        (
            "system prompt preset + append",
            o().system_prompt(SystemPrompt::preset_append("extra")),
            full(&["--append-system-prompt", "extra"]),
        ),
        // official
        (
            "tools list",
            o().tools(["Read", "Bash"]),
            with_empty_prompt(&["--tools", "Read,Bash"]),
        ),
        // official
        (
            "tools empty",
            o().tools(Vec::<String>::new()),
            with_empty_prompt(&["--tools", ""]),
        ),
        // official
        (
            "tools preset",
            o().tools_preset(),
            with_empty_prompt(&["--tools", "default"]),
        ),
        (
            "allowed tools",
            o().allowed_tools(["Read", "Bash(ls:*)"]),
            with_empty_prompt(&["--allowedTools", "Read,Bash(ls:*)"]),
        ),
        (
            "allowed tools empty",
            o().allowed_tools(Vec::<String>::new()),
            with_empty_prompt(&[]),
        ),
        (
            "disallowed tools",
            o().disallowed_tools(["Write", "Edit"]),
            with_empty_prompt(&["--disallowedTools", "Write,Edit"]),
        ),
        // official
        (
            "skills list adds rules and default sources",
            o().allowed_tools(["Read"])
                .skills(Skills::List(vec!["pdf".into(), "a:b".into()])),
            with_empty_prompt(&[
                "--allowedTools",
                "Read,Skill(pdf),Skill(a:b)",
                "--setting-sources=user,project",
            ]),
        ),
        // official
        (
            "skills all keeps explicit empty sources",
            o().skills(Skills::All).setting_sources([]),
            with_empty_prompt(&["--allowedTools", "Skill", "--setting-sources="]),
        ),
        (
            "skills rule already allowed is not repeated",
            o().allowed_tools(["Skill(pdf)"])
                .skills(Skills::List(vec!["pdf".into()])),
            with_empty_prompt(&[
                "--allowedTools",
                "Skill(pdf)",
                "--setting-sources=user,project",
            ]),
        ),
        (
            "max turns",
            o().max_turns(3),
            with_empty_prompt(&["--max-turns", "3"]),
        ),
        (
            "max turns zero means unset",
            o().max_turns(0),
            with_empty_prompt(&[]),
        ),
        // official (together with max turns and task budget)
        (
            "budgets",
            o().max_turns(3).max_budget_usd(0.25).task_budget(5000),
            with_empty_prompt(&[
                "--max-turns",
                "3",
                "--max-budget-usd",
                "0.25",
                "--task-budget",
                "5000",
            ]),
        ),
        (
            "model",
            o().model("claude-x"),
            with_empty_prompt(&["--model", "claude-x"]),
        ),
        // official
        (
            "model starting with a dash",
            o().model("-x"),
            with_empty_prompt(&["--model", "-x"]),
        ),
        (
            "empty model is skipped",
            o().model(""),
            with_empty_prompt(&[]),
        ),
        (
            "fallback model",
            o().fallback_model("fb"),
            with_empty_prompt(&["--fallback-model", "fb"]),
        ),
        (
            "betas",
            o().betas(["b1", "b2"]),
            with_empty_prompt(&["--betas", "b1,b2"]),
        ),
        (
            "permission prompt tool",
            o().permission_prompt_tool_name("mcp__p__ask"),
            with_empty_prompt(&["--permission-prompt-tool", "mcp__p__ask"]),
        ),
        (
            "can_use_tool forces stdio",
            o().can_use_tool(allow_all()),
            with_empty_prompt(&["--permission-prompt-tool", "stdio"]),
        ),
        (
            "permission mode",
            o().permission_mode(PermissionMode::BypassPermissions),
            with_empty_prompt(&["--permission-mode", "bypassPermissions"]),
        ),
        (
            "permission mode unknown passes through",
            o().permission_mode(PermissionMode::Other("future".into())),
            with_empty_prompt(&["--permission-mode", "future"]),
        ),
        (
            "continue",
            o().continue_conversation(true),
            with_empty_prompt(&["--continue"]),
        ),
        (
            "resume uses = form",
            o().resume("abc"),
            with_empty_prompt(&["--resume=abc"]),
        ),
        (
            "resume with dash stays bound",
            o().resume("-r"),
            with_empty_prompt(&["--resume=-r"]),
        ),
        (
            "session id",
            o().session_id("--evil"),
            with_empty_prompt(&["--session-id=--evil"]),
        ),
        (
            "fork session",
            o().fork_session(true),
            with_empty_prompt(&["--fork-session"]),
        ),
        (
            "resume session at",
            o().resume_session_at("u1"),
            with_empty_prompt(&["--resume-session-at=u1"]),
        ),
        (
            "resume drops turn",
            o().resume_drops_turn("u2"),
            with_empty_prompt(&["--resume-drops-turn=u2"]),
        ),
        (
            "resume drops turn empty is kept",
            o().resume_drops_turn(""),
            with_empty_prompt(&["--resume-drops-turn="]),
        ),
        // official
        (
            "ids together",
            o().resume("-r")
                .session_id("s-1")
                .resume_session_at("u1")
                .resume_drops_turn("u2")
                .fork_session(true)
                .continue_conversation(true),
            with_empty_prompt(&[
                "--continue",
                "--resume=-r",
                "--session-id=s-1",
                "--fork-session",
                "--resume-session-at=u1",
                "--resume-drops-turn=u2",
            ]),
        ),
        (
            "settings path verbatim",
            o().settings("/s.json"),
            with_empty_prompt(&["--settings", "/s.json"]),
        ),
        // official
        (
            "sandbox merged into inline settings, replacing its sandbox key in place",
            o().settings(r#"{"a": 1, "sandbox": {"old": true}, "z": 2}"#)
                .sandbox(json!({"enabled": true})),
            with_empty_prompt(&["--settings", r#"{"a":1,"sandbox":{"enabled":true},"z":2}"#]),
        ),
        (
            "sandbox alone",
            o().sandbox(json!({"enabled": true, "excludedCommands": ["git"]})),
            with_empty_prompt(&[
                "--settings",
                r#"{"sandbox":{"enabled":true,"excludedCommands":["git"]}}"#,
            ]),
        ),
        (
            "add dirs",
            o().add_dir("/d1").add_dir("/d2"),
            with_empty_prompt(&["--add-dir", "/d1", "--add-dir", "/d2"]),
        ),
        (
            "mcp servers: external and in-process, in order",
            o().mcp_server(
                "ext",
                McpServerConfig::External(
                    json!({"type": "stdio", "command": "srv", "args": ["-v"]}),
                ),
            )
            .mcp_server("mine", McpServerConfig::Sdk(calc_server())),
            with_empty_prompt(&[
                "--mcp-config",
                r#"{"mcpServers":{"ext":{"type":"stdio","command":"srv","args":["-v"]},"mine":{"type":"sdk","name":"calc"}}}"#,
            ]),
        ),
        (
            "sdk_mcp_server helper names the entry after the server",
            o().sdk_mcp_server(calc_server()),
            with_empty_prompt(&[
                "--mcp-config",
                r#"{"mcpServers":{"calc":{"type":"sdk","name":"calc"}}}"#,
            ]),
        ),
        (
            "mcp config path verbatim",
            o().mcp_config("/m.json"),
            with_empty_prompt(&["--mcp-config", "/m.json"]),
        ),
        (
            "partial messages",
            o().include_partial_messages(true),
            with_empty_prompt(&["--include-partial-messages"]),
        ),
        (
            "hook events",
            o().include_hook_events(true),
            with_empty_prompt(&["--include-hook-events"]),
        ),
        (
            "strict mcp config",
            o().strict_mcp_config(true),
            with_empty_prompt(&["--strict-mcp-config"]),
        ),
        (
            "setting sources",
            o().setting_sources([
                SettingSource::User,
                SettingSource::Project,
                SettingSource::Local,
            ]),
            with_empty_prompt(&["--setting-sources=user,project,local"]),
        ),
        // official
        (
            "setting sources empty",
            o().setting_sources([]),
            with_empty_prompt(&["--setting-sources="]),
        ),
        (
            "plugins",
            o().plugin(Plugin::Local("/pl".into()))
                .plugin(Plugin::Local("/p2".into())),
            with_empty_prompt(&["--plugin-dir", "/pl", "--plugin-dir", "/p2"]),
        ),
        // official
        (
            "thinking enabled",
            o().thinking(Thinking::Enabled {
                budget_tokens: 2048,
                display: Some(ThinkingDisplay::Omitted),
            }),
            with_empty_prompt(&[
                "--max-thinking-tokens",
                "2048",
                "--thinking-display",
                "omitted",
            ]),
        ),
        // official
        (
            "thinking adaptive wins over max thinking tokens",
            o().thinking(Thinking::Adaptive {
                display: Some(ThinkingDisplay::Summarized),
            })
            .max_thinking_tokens(99),
            with_empty_prompt(&["--thinking", "adaptive", "--thinking-display", "summarized"]),
        ),
        // official
        (
            "thinking disabled",
            o().thinking(Thinking::Disabled),
            with_empty_prompt(&["--thinking", "disabled"]),
        ),
        // official
        (
            "max thinking tokens",
            o().max_thinking_tokens(99),
            with_empty_prompt(&["--max-thinking-tokens", "99"]),
        ),
        (
            "effort",
            o().effort(Effort::Max),
            with_empty_prompt(&["--effort", "max"]),
        ),
        // official
        (
            "effort + json schema",
            o().effort(Effort::XHigh)
                .json_schema(json!({"type": "object"})),
            with_empty_prompt(&["--effort", "xhigh", "--json-schema", r#"{"type":"object"}"#]),
        ),
        (
            "output format of another type is ignored",
            o().output_format(json!({"type": "text"})),
            with_empty_prompt(&[]),
        ),
        // official
        (
            "extra args: bare flag, value, dash value",
            o().extra_arg("flag-a", None)
                .extra_arg("k", Some("v".into()))
                .extra_arg("neg", Some("-1".into())),
            with_empty_prompt(&["--flag-a", "--k", "v", "--neg=-1"]),
        ),
        (
            "env-only options add no arguments",
            o().enable_file_checkpointing(true)
                .client_app("app/1")
                .env_var("A", "b")
                .user("nobody"),
            with_empty_prompt(&[]),
        ),
        // official
        (
            "everything, in order",
            o().system_prompt(SystemPrompt::preset_append("A"))
                .tools(["Read"])
                .allowed_tools(["Bash"])
                .skills(Skills::List(vec!["s1".into()]))
                .max_turns(2)
                .max_budget_usd(1.5)
                .disallowed_tools(["Write"])
                .task_budget(10)
                .model("m")
                .fallback_model("f")
                .betas(["b"])
                .permission_prompt_tool_name("t")
                .permission_mode(PermissionMode::Plan)
                .continue_conversation(true)
                .resume("r")
                .session_id("sid")
                .settings(r#"{"x":1}"#)
                .add_dir("/d")
                .mcp_server(
                    "e",
                    McpServerConfig::External(json!({"type": "http", "url": "http://h"})),
                )
                .include_partial_messages(true)
                .include_hook_events(true)
                .strict_mcp_config(true)
                .fork_session(true)
                .resume_session_at("ra")
                .resume_drops_turn("rd")
                .plugin(Plugin::Local("/p".into()))
                .extra_arg("debug", None)
                .thinking(Thinking::Adaptive { display: None })
                .effort(Effort::Low)
                .json_schema(json!({"type": "string"})),
            full(&[
                "--append-system-prompt",
                "A",
                "--tools",
                "Read",
                "--allowedTools",
                "Bash,Skill(s1)",
                "--max-turns",
                "2",
                "--max-budget-usd",
                "1.5",
                "--disallowedTools",
                "Write",
                "--task-budget",
                "10",
                "--model",
                "m",
                "--fallback-model",
                "f",
                "--betas",
                "b",
                "--permission-prompt-tool",
                "t",
                "--permission-mode",
                "plan",
                "--continue",
                "--resume=r",
                "--session-id=sid",
                "--settings",
                r#"{"x":1}"#,
                "--add-dir",
                "/d",
                "--mcp-config",
                r#"{"mcpServers": {"e": {"type": "http", "url": "http://h"}}}"#,
                "--include-partial-messages",
                "--include-hook-events",
                "--strict-mcp-config",
                "--fork-session",
                "--resume-session-at=ra",
                "--resume-drops-turn=rd",
                "--setting-sources=user,project",
                "--plugin-dir",
                "/p",
                "--debug",
                "--thinking",
                "adaptive",
                "--effort",
                "low",
                "--json-schema",
                r#"{"type": "string"}"#,
            ]),
        ),
    ];
    for (name, options, expected) in &rows {
        assert_argv(name, &args(options), expected);
    }
}

#[test]
fn settings_file_is_read_relative_to_cwd_when_sandbox_is_merged() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("s.json"),
        "\u{feff}{\"permissions\": {\"allow\": [\"Read\"]}}",
    )
    .unwrap();
    let options = o()
        .cwd(dir.path())
        .settings(" s.json ")
        .sandbox(json!({"enabled": false}));
    assert_argv(
        "settings file",
        &args(&options),
        &with_empty_prompt(&[
            "--settings",
            r#"{"permissions":{"allow":["Read"]},"sandbox":{"enabled":false}}"#,
        ]),
    );
}

fn invalid(options: ClaudeAgentOptions) -> String {
    match build_args(&options) {
        Err(Error::InvalidOptions(message)) => message,
        other => panic!("expected InvalidOptions, got {other:?}"),
    }
}

#[test]
fn inconsistent_options_are_rejected() {
    let msg = invalid(
        o().can_use_tool(allow_all())
            .permission_prompt_tool_name("mcp__x__y"),
    );
    assert!(
        msg.contains("can_use_tool") && msg.contains("permission_prompt_tool_name"),
        "{msg}"
    );

    let msg = invalid(o().sdk_mcp_server(calc_server()).mcp_config("/m.json"));
    assert!(msg.contains("mcp_config"), "{msg}");

    for bad in [
        "",
        " pdf",
        "a,b",
        "a(b)",
        "*",
        "p:*",
        "/pdf",
        "a\\\\b",
        "x\\",
        "bo\u{feff}m",
        "ctl\u{7}",
    ] {
        let msg = invalid(o().skills(Skills::List(vec![bad.into()])));
        assert!(msg.contains("invalid skill name"), "{bad:?}: {msg}");
    }

    assert!(invalid(o().extra_arg("", Some("v".into()))).contains("empty flag name"));
    assert!(invalid(o().max_budget_usd(f64::NAN)).contains("max_budget_usd"));

    let msg = invalid(o().settings("/definitely/not/here.json").sandbox(json!({})));
    assert!(msg.contains("/definitely/not/here.json"), "{msg}");
    assert!(invalid(o().settings("[1]").sandbox(json!({}))).contains("failed to load settings"));
    assert!(
        invalid(o().settings("{not json}").sandbox(json!({}))).contains("failed to load settings")
    );
}

#[test]
fn can_use_tool_with_empty_prompt_tool_name_is_allowed() {
    let options = o()
        .can_use_tool(allow_all())
        .permission_prompt_tool_name("");
    assert_argv(
        "empty tool name",
        &args(&options),
        &with_empty_prompt(&["--permission-prompt-tool", "stdio"]),
    );
}

fn os(pairs: &[(&str, &str)]) -> Vec<(OsString, OsString)> {
    pairs
        .iter()
        .map(|(k, v)| (OsString::from(k), OsString::from(v)))
        .collect()
}

fn env_of(options: &ClaudeAgentOptions, parent: &[(&str, &str)]) -> Vec<(String, String)> {
    build_env(options, os(parent))
        .into_iter()
        .map(|(k, v)| (k.into_string().unwrap(), v.into_string().unwrap()))
        .collect()
}

fn sdk_tail(entrypoint: &str) -> Vec<(String, String)> {
    vec![
        ("CLAUDE_CODE_ENTRYPOINT".into(), entrypoint.into()),
        (
            "CLAUDE_AGENT_SDK_VERSION".into(),
            claude_wire::VERSION.into(),
        ),
        ("CLAUDE_CODE_SDK_READS_SESSION_STATE".into(), "1".into()),
    ]
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn env_defaults_inherit_parent_minus_claudecode() {
    let parent = [
        ("PATH", "/bin"),
        ("CLAUDECODE", "1"),
        ("CLAUDE_AGENT_SDK_DERIVED_CLIENT_APP", "outer"),
        ("HOME", "/h"),
    ];
    let mut expected = pairs(&[("PATH", "/bin"), ("HOME", "/h")]);
    expected.extend(sdk_tail("sdk-rust"));
    assert_eq!(env_of(&o(), &parent), expected);
}

/// (row name, options, parent environment, entries that must appear exactly once with this value)
type EnvRow = (
    &'static str,
    ClaudeAgentOptions,
    &'static [(&'static str, &'static str)],
    Vec<(&'static str, &'static str)>,
);

#[test]
fn env_rows() {
    let rows: Vec<EnvRow> = vec![
        (
            "entrypoint replaces an inherited one",
            o().entrypoint("sdk-py"),
            &[("CLAUDE_CODE_ENTRYPOINT", "cli")],
            vec![("CLAUDE_CODE_ENTRYPOINT", "sdk-py")],
        ),
        (
            "user env overrides entrypoint and parent values",
            o().env_var("CLAUDE_CODE_ENTRYPOINT", "mine")
                .env_var("PATH", "/x"),
            &[("PATH", "/bin")],
            vec![("PATH", "/x"), ("CLAUDE_CODE_ENTRYPOINT", "mine")],
        ),
        (
            "sdk version cannot be overridden by env",
            o().env_var("CLAUDE_AGENT_SDK_VERSION", "9")
                .sdk_version("1.2.3"),
            &[],
            vec![("CLAUDE_AGENT_SDK_VERSION", "1.2.3")],
        ),
        (
            "reads-session-state kept when the user chose a value, in any case",
            o().env_var("claude_code_sdk_reads_session_state", "0"),
            &[],
            vec![("claude_code_sdk_reads_session_state", "0")],
        ),
        (
            "reads-session-state inherited value kept",
            o(),
            &[("CLAUDE_CODE_SDK_READS_SESSION_STATE", "0")],
            vec![("CLAUDE_CODE_SDK_READS_SESSION_STATE", "0")],
        ),
        (
            "a session started ahead of its prompt asks for start-up marks",
            o().startup(claude_wire::options::Startup::default()),
            &[],
            vec![("CLAUDE_CODE_SDK_READS_STARTUP_MARKS", "1")],
        ),
        (
            "start-up marks: the user's value kept, in any case",
            o().startup(claude_wire::options::Startup::default())
                .env_var("claude_code_sdk_reads_startup_marks", "0"),
            &[],
            vec![("claude_code_sdk_reads_startup_marks", "0")],
        ),
        (
            "file checkpointing",
            o().enable_file_checkpointing(true),
            &[],
            vec![("CLAUDE_CODE_ENABLE_SDK_FILE_CHECKPOINTING", "true")],
        ),
        (
            "client app",
            o().client_app("my-app/1.0"),
            &[],
            vec![("CLAUDE_AGENT_SDK_CLIENT_APP", "my-app/1.0")],
        ),
        (
            "cwd sets PWD",
            o().cwd("/work/here"),
            &[("PWD", "/old")],
            vec![("PWD", "/work/here")],
        ),
    ];
    for (name, options, parent, wanted) in rows {
        let env = env_of(&options, parent);
        for (key, value) in wanted {
            let found: Vec<&String> = env
                .iter()
                .filter(|(k, _)| k == key)
                .map(|(_, v)| v)
                .collect();
            assert_eq!(found, vec![value], "row {name}: {key} in {env:?}");
        }
    }
}

#[test]
fn env_without_options_has_no_optional_entries() {
    let env = env_of(&o(), &[]);
    for key in [
        "PWD",
        "CLAUDE_CODE_ENABLE_SDK_FILE_CHECKPOINTING",
        "CLAUDE_AGENT_SDK_CLIENT_APP",
    ] {
        assert!(env.iter().all(|(k, _)| k != key), "{key} in {env:?}");
    }
    assert_eq!(env, sdk_tail("sdk-rust"));
}
