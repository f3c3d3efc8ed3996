use super::*;
use serde_json::json;

fn key() -> SessionKey {
    SessionKey {
        project_key: "proj".into(),
        session_id: "s1".into(),
        subpath: None,
    }
}

fn user(text: &str) -> Value {
    json!({"type": "user", "timestamp": "2024-01-01T00:00:01.500Z",
           "message": {"role": "user", "content": text}})
}

#[test]
fn iso_timestamps() {
    assert_eq!(
        super::super::lite::iso_to_ms("1970-01-01T00:00:00Z"),
        Some(0)
    );
    assert_eq!(
        super::super::lite::iso_to_ms("2024-01-01T00:00:00.000Z"),
        Some(1_704_067_200_000)
    );
    assert_eq!(
        super::super::lite::iso_to_ms("2024-01-01T01:00:00.123456+01:00"),
        Some(1_704_067_200_123)
    );
    assert_eq!(
        super::super::lite::iso_to_ms("2024-01-01"),
        Some(1_704_067_200_000)
    );
    assert_eq!(super::super::lite::iso_to_ms("yesterday"), None);
    assert_eq!(super::super::lite::iso_to_ms("2024-13-01T00:00:00Z"), None);
}

#[test]
fn fold_python_spelling() {
    let entries = vec![
        json!({"type": "summary", "summary": "hint", "cwd": "/w", "isSidechain": false,
               "timestamp": "2024-01-01T00:00:00.000Z"}),
        json!({"type": "user", "message": {"content": "<command-name>/init</command-name>"}}),
        user("<local-command-stdout>x</local-command-stdout>"),
        user("  hello\nworld  "),
        user("second prompt"),
        json!({"type": "custom-title", "customTitle": "Title", "gitBranch": "main"}),
        json!({"type": "tag", "tag": "t1"}),
    ];
    let s = fold_session_summary(None, &key(), &entries, Some(5), Flavour::Python);
    assert_eq!(s.mtime, 5);
    assert_eq!(
        Value::Object(s.data.clone()),
        json!({"is_sidechain": false, "created_at": 1_704_067_200_000_i64, "cwd": "/w",
               "summary_hint": "hint", "command_fallback": "/init",
               "first_prompt": "hello world", "first_prompt_locked": true,
               "custom_title": "Title", "git_branch": "main", "tag": "t1"})
    );
    // An empty tag clears it; a later cwd does not replace the first; mtime kept when None.
    let next = fold_session_summary(
        Some(&s),
        &key(),
        &[
            json!({"type": "tag", "tag": ""}),
            json!({"type": "x", "cwd": "/other"}),
        ],
        None,
        Flavour::Python,
    );
    assert_eq!(next.mtime, 5);
    assert!(!next.data.contains_key("tag"));
    assert_eq!(next.data["cwd"], "/w");
    let info = summary_to_info(&next, Some("/p"), Flavour::Python).unwrap();
    assert_eq!(info.summary, "Title");
    assert_eq!(info.first_prompt.as_deref(), Some("hello world"));
    assert_eq!(info.cwd.as_deref(), Some("/w"));
    assert_eq!(info.created_at, Some(1_704_067_200_000));
    assert_eq!(info.file_size, None);
}

#[test]
fn fold_typescript_spelling_and_extras() {
    let entries = vec![
        user("<bash-input> ls -la </bash-input>"),
        json!({"type": "relocated", "relocatedCwd": "/moved"}),
        json!({"type": "x", "aiTitle": "AI"}),
    ];
    let s = fold_session_summary(None, &key(), &entries, Some(9), Flavour::Ts);
    assert_eq!(s.data["firstPrompt"], "! ls -la");
    assert_eq!(s.data["firstPromptLocked"], true);
    assert_eq!(s.data["isSidechain"], false);
    assert_eq!(s.data["createdAt"], 1_704_067_201_500_i64);
    assert_eq!(s.data["cwd"], "/moved");
    let info = summary_to_info(&s, None, Flavour::Ts).unwrap();
    assert_eq!(info.summary, "AI");
    assert_eq!(info.custom_title.as_deref(), Some("AI"));
    // TypeScript skips any leading tag; Python only the listed ones.
    let tagged = [user("<foo-bar>x</foo-bar>"), user("real")];
    let ts = fold_session_summary(None, &key(), &tagged, None, Flavour::Ts);
    assert_eq!(ts.data["firstPrompt"], "real");
    let py = fold_session_summary(None, &key(), &tagged, None, Flavour::Python);
    assert_eq!(py.data["first_prompt"], "<foo-bar>x</foo-bar>");
}

#[test]
fn first_prompt_rules() {
    let tool_result = json!({"type": "user", "message": {"content": [
        {"type": "text", "text": "ignored"}, {"type": "tool_result", "content": "r"}]}});
    let meta = json!({"type": "user", "isMeta": true, "message": {"content": "meta"}});
    let long = "é".repeat(250);
    let s = fold_session_summary(
        None,
        &key(),
        &[
            tool_result,
            meta,
            user("[Request interrupted by user]"),
            user(&long),
        ],
        None,
        Flavour::Python,
    );
    let fp = s.data["first_prompt"].as_str().unwrap();
    assert_eq!(fp.chars().count(), 201);
    assert!(fp.ends_with('\u{2026}'));
}

#[test]
fn sidechains_and_untitled_are_not_listed() {
    let side = fold_session_summary(
        None,
        &key(),
        &[json!({"type": "user", "isSidechain": true, "message": {"content": "x"}})],
        None,
        Flavour::Python,
    );
    assert!(summary_to_info(&side, None, Flavour::Python).is_none());
    let empty = fold_session_summary(None, &key(), &[json!({"type": "x"})], None, Flavour::Python);
    assert!(summary_to_info(&empty, None, Flavour::Python).is_none());
    // Only a command: the fallback becomes the summary.
    let cmd = fold_session_summary(
        None,
        &key(),
        &[user("<command-name>/review</command-name>")],
        None,
        Flavour::Python,
    );
    let info = summary_to_info(&cmd, None, Flavour::Python).unwrap();
    assert_eq!(info.summary, "/review");
}
