//! Tests of `chain.rs`.
use super::super::messages::{messages_from_entries, Page};
use super::*;
use crate::Flavour;
use serde_json::{json, Value};

fn u(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

fn last2(entries: &[Value]) -> Vec<String> {
    messages_from_entries(entries, Page::all(), false, Flavour::Python)
        .iter()
        .map(|m| m.uuid[34..].to_owned())
        .collect()
}

/// Three parallel calls: one result on the walked branch, one off it, one (a stray)
/// parented elsewhere but naming its call's entry; a meta leaf and a sidechain leaf that
/// must not be chosen. The order is the official Python SDK's on the same entries.
#[test]
fn parallel_tool_results_are_put_back() {
    let a = |n, p: u32, ts: &str, block: Value| json!({"type":"assistant","uuid":u(n),"parentUuid":u(p),"timestamp":ts,"message":{"id":"A","content":[block]}});
    let r = |n, p: u32, ts: &str, call: &str| json!({"type":"user","uuid":u(n),"parentUuid":u(p),"timestamp":ts,"message":{"content":[{"type":"tool_result","tool_use_id":call}]}});
    let mut stray = r(17, 7, "t09", "t3");
    stray["sourceToolAssistantUUID"] = json!(u(16));
    let entries = vec![
        json!({"type":"user","uuid":u(3),"parentUuid":null,"timestamp":"t03","message":{"role":"user","content":"go"}}),
        a(4, 3, "t04", json!({"type":"text","text":"calling"})),
        a(5, 4, "t05", json!({"type":"tool_use","id":"t1"})),
        a(6, 5, "t06", json!({"type":"tool_use","id":"t2"})),
        a(16, 6, "t06", json!({"type":"tool_use","id":"t3"})),
        r(7, 5, "t08", "t1"),
        r(8, 6, "t07", "t2"),
        stray,
        json!({"type":"progress","uuid":u(9),"parentUuid":u(7),"timestamp":"t10"}),
        json!({"type":"assistant","uuid":u(10),"parentUuid":u(9),"timestamp":"t11","message":{"id":"B","content":[{"type":"text","text":"done"}]}}),
        json!({"type":"user","uuid":u(11),"parentUuid":u(3),"isSidechain":true,"timestamp":"t12","message":{"content":"side"}}),
        json!({"type":"user","uuid":u(12),"parentUuid":u(3),"isMeta":true,"timestamp":"t13","message":{"content":"meta leaf"}}),
    ];
    assert_eq!(
        last2(&entries),
        ["03", "04", "05", "06", "16", "08", "17", "07", "10"]
    );
    // The fast line reader sees the same nodes as the parsed-value path.
    for e in &entries {
        let fast = Node::from_line(&e.to_string()).unwrap();
        let slow = Node::from_value(e).unwrap();
        assert_eq!(format!("{fast:?}"), format!("{slow:?}"));
    }
}

#[test]
fn compaction_interruption_and_cycles() {
    let entries = vec![
        json!({"type":"user","uuid":u(1),"parentUuid":null,"message":{"content":"old"}}),
        json!({"type":"assistant","uuid":u(2),"parentUuid":u(1),"message":{"content":[]}}),
        json!({"type":"system","subtype":"compact_boundary","uuid":u(3),"parentUuid":null,"logicalParentUuid":u(2)}),
        json!({"type":"user","uuid":u(4),"parentUuid":u(3),"isCompactSummary":true,"message":{"content":"summary"}}),
        json!({"type":"user","uuid":u(5),"parentUuid":u(4),"message":{"content":"[Request interrupted by user]"}}),
    ];
    assert_eq!(last2(&entries), ["04", "05"]);
    let with_system: Vec<String> =
        messages_from_entries(&entries, Page::all(), true, Flavour::Python)
            .iter()
            .map(|m| m.kind.clone())
            .collect();
    assert_eq!(with_system, ["system", "user", "user"]);
    // A parent cycle ends the walk instead of looping.
    let cycle = vec![
        json!({"type":"user","uuid":u(1),"parentUuid":u(2),"message":{"content":"a"}}),
        json!({"type":"assistant","uuid":u(2),"parentUuid":u(1),"message":{"content":[]}}),
    ];
    assert!(last2(&cycle).len() <= 2);
    assert!(last2(&[]).is_empty());
    assert!(last2(&[
        json!(1),
        json!({"type":"user"}),
        json!({"type":"tag","uuid":u(1)})
    ])
    .is_empty());
}

#[test]
fn odd_lines_do_not_panic() {
    for line in [
        "",
        "{",
        "[1,2]",
        "null",
        r#"{"type":"user","uuid":5}"#,
        r#"{"type":"user","uuid":"x","message":"str"}"#,
        r#"{"type":"user","uuid":"x","message":{"content":[1,"a",null,{"type":3}]}}"#,
        r#"{"type":"user","uuid":"x","uuid":"y"}"#,
        r#"{"type":"assistant","uuid":"x","parentUuid":"","isMeta":0,"teamName":"t"}"#,
        r#"{"type":"assistant","uuid":"x","parentUuid":"p","isMeta":[0],"teamName":{},"isSidechain":0.5,"agentId":{"b":[1,"\u00e9"]}}"#,
        r#"{"type":"user","uuid":"x","parentUuid":"p","message":{"id":7,"content":{"type":"tool_result"}}}"#,
        r#"{"type":"user","uuid":"x","parentUuid":"p","message":{"content":[{"type":"tool_result","tool_use_id":"t\"1","content":[{"x":[{}]}]},{"type":"tool_use","id":null}]}}"#,
        r#"{"type":"assistant","uuid":"x","message":{"id":"m","content":[{"type":"tool_use","id":"a","id":"b"}]}}"#,
        r#"{"type":"assistant","uuid":"x","message":{"id":"m","id":"n","content":"s"},"timestamp":"\u0074"}"#,
        r#"{"type":"progress","uuid":"\u0078","sourceToolAssistantUUID":["s"],"timestamp":1}"#,
        r#"{"type":"assistant","uuid":"x","message":{"\u0069d":"m","content":[[{"type":"tool_use"}],{"type":"tool_use","id":"a\\\"]"},{"input":{"id":"no","x":[{}]},"id":"b","type":"tool_use"}]}}"#,
        r#"{"type":"user","uuid":"x","parentUuid":"p","message":{"content":[{"type":"tool_result","tool_use_id":"t"}],"content":"later"}}"#,
        r#"{"type":"user","uuid":"x","parentUuid":"p","message" : { "content" : [ { "type" : "tool_result" , "tool_use_id" : "t" } ] } }"#,
    ] {
        // The fast line reader and the parsed-value path agree on every shape.
        let fast = Node::from_line(line).map(|n| format!("{n:?}"));
        let slow = serde_json::from_str::<Value>(line)
            .ok()
            .and_then(|v| Node::from_value(&v))
            .map(|n| format!("{n:?}"));
        assert_eq!(fast, slow, "{line}");
    }
    let dup = Node::from_line(r#"{"type":"user","uuid":"x","uuid":"y"}"#).unwrap();
    assert_eq!(&*dup.uuid, "y");
    let team = Node::from_line(
        r#"{"type":"assistant","uuid":"x","parentUuid":"","isMeta":0,"teamName":"t"}"#,
    )
    .unwrap();
    assert!(team.team && !team.meta && team.parent.is_none());
}
