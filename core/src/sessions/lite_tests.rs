//! Tests of `lite.rs`.
use super::*;

#[test]
fn fields_without_parsing() {
    let text = r#"{"a":"x\"y","a": "spaced"} {"a":"last"} {"a":"cut"#;
    assert_eq!(first_field(text, "a").as_deref(), Some("x\"y"));
    // The spaced spelling is searched second, so it wins (as the official reader).
    assert_eq!(last_field(text, "a").as_deref(), Some("spaced"));
    assert_eq!(
        last_field(r#"{"a":"1"}{"a":"2"}{"a":"3"#, "a").as_deref(),
        Some("2")
    );
    assert_eq!(first_field("", "a"), None);
}

#[test]
fn first_prompt_rules() {
    let line =
        |content: &str| format!("{{\"type\":\"user\",\"message\":{{\"content\":{content}}}}}\n");
    let head = [
        line(r#""<command-name>/init</command-name>""#),
        line(r#"[{"type":"tool_result","content":"x"}]"#),
        line(r#""<ide_opened_file>f</ide_opened_file>""#),
        line(r#""[Request interrupted by user for tool use]""#),
        line(r#"[{"type":"text","text":"  real\nprompt "}]"#),
    ]
    .concat();
    assert_eq!(first_prompt(&head), "real prompt");
    assert_eq!(
        first_prompt(&line(r#""<command-name>/init</command-name>""#)),
        "/init"
    );
    let long = line(&format!("\"{}\"", "é".repeat(300)));
    assert_eq!(first_prompt(&long), format!("{}\u{2026}", "é".repeat(200)));
    assert_eq!(first_prompt("{\"type\":\"user\", truncated"), "");
}

#[test]
fn timestamps_like_python() {
    assert_eq!(iso_to_ms("2025-01-01T00:00:00Z"), Some(1_735_689_600_000));
    assert_eq!(
        iso_to_ms("2025-01-01T00:00:01.007Z"),
        Some(1_735_689_601_007)
    );
    assert_eq!(
        iso_to_ms("2025-02-03T04:05:06.789+02:00"),
        Some(1_738_548_306_789)
    );
    assert_eq!(iso_to_ms("2025-13-01T00:00:00Z"), None);
    assert_eq!(iso_to_ms("garbage"), None);
    assert_eq!(iso_to_ms(""), None);
}

#[test]
fn info_rules() {
    let sidechain = "{\"isSidechain\":true,\"type\":\"user\"}\n";
    assert!(info_from_jsonl("s", sidechain, 1, None).is_none());
    assert!(info_from_jsonl("s", "{\"type\":\"permission-mode\"}\n", 1, None).is_none());
    assert!(info_from_jsonl("s", "", 1, None).is_none());
    let text = concat!(
        "{\"type\":\"user\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"cwd\":\"/c\",\"message\":{\"content\":\"hi\"}}\n",
        "{\"type\":\"tag\",\"tag\":\"t1\"}\n",
        "{\"type\":\"summary\",\"summary\":\"S\"}\n",
        "{\"type\":\"tool\",\"input\":{\"tag\":\"not-a-tag\"}}\n",
    );
    let info = info_from_jsonl("s", text, 5, Some("/p")).unwrap();
    assert_eq!(info.summary, "S");
    assert_eq!(info.first_prompt.as_deref(), Some("hi"));
    assert_eq!(info.tag.as_deref(), Some("t1"));
    assert_eq!(info.cwd.as_deref(), Some("/c"));
    assert_eq!(info.file_size, Some(text.len() as u64));
    // A truncated last line and a window cut mid-character do not break the read.
    let mut big = text.repeat(2000);
    big.push_str("{\"type\":\"custom-title\",\"customTitle\":\"é");
    let info = info_from_jsonl("s", &big, 5, None).unwrap();
    assert_eq!(info.summary, "S");
}

#[test]
fn store_entries_serialise_like_python() {
    let entries = vec![serde_json::json!({"tag":"é","type":"tag"})];
    assert_eq!(
        jsonl_from_entries(&entries),
        "{\"type\":\"tag\",\"tag\":\"\\u00e9\"}\n"
    );
}
