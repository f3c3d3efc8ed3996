//! Message parsing throughput on the captured CLI lines (`cargo bench -p claude-wire --bench parse`).
//!
//! Plain `std::time` loop, no bench framework: prints ns per line for each stage, and compares
//! the move-out parser with what a serde-derive struct using `#[serde(flatten)]` costs.

use std::hint::black_box;
use std::time::Instant;

use claude_wire::message::Message;
use serde_json::{Map, Value};

const FIXTURES: &[&str] = &[
    include_str!("../tests/fixtures/text.jsonl"),
    include_str!("../tests/fixtures/tool_partial.jsonl"),
    include_str!("../tests/fixtures/thinking_partial.jsonl"),
    include_str!("../tests/fixtures/api_error_400.jsonl"),
    include_str!("../tests/fixtures/retry_529.jsonl"),
    include_str!("../tests/fixtures/max_turns.jsonl"),
];

/// The same result fields through serde derive with a flattened `extra`, for comparison.
#[allow(dead_code)]
#[derive(serde::Deserialize)]
struct FlattenResult {
    subtype: String,
    is_error: bool,
    duration_ms: u64,
    duration_api_ms: u64,
    num_turns: u64,
    session_id: String,
    result: Option<String>,
    total_cost_usd: Option<serde_json::Number>,
    usage: Option<Value>,
    #[serde(rename = "modelUsage")]
    model_usage: Option<Map<String, Value>>,
    permission_denials: Option<Vec<Value>>,
    errors: Option<Vec<String>>,
    stop_reason: Option<String>,
    terminal_reason: Option<String>,
    uuid: Option<String>,
    api_error_status: Option<i64>,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

fn report(label: &str, per_line_ns: f64) {
    println!("{label:<46} {per_line_ns:>8.0} ns/line");
}

fn time<F: FnMut()>(label: &str, lines: usize, rounds: usize, mut f: F) {
    f();
    let start = Instant::now();
    for _ in 0..rounds {
        f();
    }
    report(
        label,
        start.elapsed().as_nanos() as f64 / (rounds * lines) as f64,
    );
}

/// Times `parse` over pre-cloned copies of `values`, so the clone is not measured.
fn time_owned<T>(label: &str, values: &[Value], rounds: usize, parse: impl Fn(Value) -> T) {
    let mut total = 0u128;
    for _ in 0..rounds {
        let batch: Vec<Value> = values.to_vec();
        let start = Instant::now();
        for v in batch {
            black_box(parse(v));
        }
        total += start.elapsed().as_nanos();
    }
    report(label, total as f64 / (rounds * values.len()) as f64);
}

fn main() {
    let lines: Vec<&str> = FIXTURES.iter().flat_map(|f| f.lines()).collect();
    let values: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let messages: Vec<Message> = values
        .iter()
        .map(|v| Message::from_value(v.clone()).unwrap())
        .collect();
    let n = lines.len();
    let rounds = 1000;
    println!(
        "{n} lines, {} bytes",
        lines.iter().map(|l| l.len()).sum::<usize>()
    );

    time("all: str -> Value (serde_json)", n, rounds, || {
        for l in &lines {
            black_box(serde_json::from_str::<Value>(l).unwrap());
        }
    });
    time(
        "all: Value.clone() (what a cloning parser adds)",
        n,
        rounds,
        || {
            for v in &values {
                black_box(v.clone());
            }
        },
    );
    time_owned(
        "all: drop(Value) (baseline: included below)",
        &values,
        rounds,
        |v| v,
    );
    time_owned("all: Value -> Message, dropped", &values, rounds, |v| {
        Message::from_value(v).unwrap()
    });
    time(
        "all: Message.to_value() (clone + into_value)",
        n,
        rounds,
        || {
            for m in &messages {
                black_box(m.to_value());
            }
        },
    );

    for kind in ["system", "assistant", "stream_event", "result"] {
        let group: Vec<Value> = values
            .iter()
            .filter(|v| v["type"] == kind)
            .cloned()
            .collect();
        time_owned(&format!("{kind}: drop(Value)"), &group, rounds, |v| v);
        time_owned(
            &format!("{kind}: Value -> Message, dropped"),
            &group,
            rounds,
            |v| Message::from_value(v).unwrap(),
        );
    }
    let results: Vec<Value> = values
        .iter()
        .filter(|v| v["type"] == "result")
        .cloned()
        .collect();
    time_owned(
        "result: Value -> serde derive + flatten, dropped",
        &results,
        rounds,
        |v| serde_json::from_value::<FlattenResult>(v).unwrap(),
    );
}
