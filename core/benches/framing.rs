//! Throughput of the framing layer: `FrameDecoder` on an in-memory stream, and the whole
//! `SubprocessTransport` reading a child that `cat`s the same stream from a file.
//!
//! Run with `cargo bench -p claude-wire --bench framing`. Prints figures; asserts nothing but
//! the frame counts.

use claude_wire::transport::{
    CliCommand, FrameDecoder, SubprocessConfig, SubprocessTransport, Transport,
};
use futures::StreamExt;
use serde_json::json;
use std::io::Write;
use std::time::{Duration, Instant};

const MESSAGES: usize = 100_000;
const CHUNK: usize = 256 * 1024;
const ROUNDS: usize = 3;

fn main() {
    let stream = realistic_stream(MESSAGES);
    let mb = stream.len() as f64 / 1e6;
    println!(
        "input: {MESSAGES} lines, {mb:.1} MB (avg {} bytes/line)",
        stream.len() / MESSAGES
    );

    let best = best_of(|| decode_in_memory(&stream));
    report("FrameDecoder + parse (in memory, 256 KiB chunks)", best, mb);

    let split = best_of(|| split_only(&stream));
    report("line splitting only (memchr, no parse)", split, mb);

    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("stream.ndjson");
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(&stream))
        .expect("write stream");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let best = best_of(|| runtime.block_on(through_transport(&path)));
    report("SubprocessTransport (child cats the file)", best, mb);
}

fn best_of(mut run: impl FnMut() -> Duration) -> Duration {
    (0..ROUNDS).map(|_| run()).min().unwrap_or_default()
}

fn report(what: &str, took: Duration, mb: f64) {
    let secs = took.as_secs_f64();
    println!(
        "{what}: {:.1} ms, {:.0} lines/s, {:.0} MB/s",
        secs * 1e3,
        MESSAGES as f64 / secs,
        mb / secs
    );
}

fn decode_in_memory(stream: &[u8]) -> Duration {
    let started = Instant::now();
    let mut decoder = FrameDecoder::default();
    let mut count = 0usize;
    let mut count_item = |item: claude_wire::Result<serde_json::Value>| {
        assert!(item.is_ok());
        count += 1;
    };
    for chunk in stream.chunks(CHUNK) {
        decoder.decode(chunk, &mut count_item);
    }
    decoder.finish(&mut count_item);
    let took = started.elapsed();
    assert_eq!(count, MESSAGES);
    took
}

fn split_only(stream: &[u8]) -> Duration {
    let started = Instant::now();
    let count = memchr::memchr_iter(b'\n', stream).count();
    let took = started.elapsed();
    assert_eq!(count, MESSAGES);
    took
}

async fn through_transport(path: &std::path::Path) -> Duration {
    let command = CliCommand {
        program: which::which("cat").expect("cat on PATH"),
        args: vec![path.into()],
        env: Vec::new(),
        cwd: None,
        user: None,
    };
    let started = Instant::now();
    let transport = SubprocessTransport::new(command, SubprocessConfig::default());
    transport.connect().await.expect("spawn cat");
    let frames = transport.read_frames().expect("frames");
    let count = frames
        .fold(
            0usize,
            |n, item| async move { n + usize::from(item.is_ok()) },
        )
        .await;
    let took = started.elapsed();
    transport.close().await.expect("close");
    assert_eq!(count, MESSAGES);
    took
}

/// A mix resembling a CLI session with partial messages on: mostly `stream_event` deltas, then
/// assistant messages with text or tool use, and tool results.
fn realistic_stream(n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n * 600);
    let session = "4f1c2a9e-8d3b-4e6f-9a1b-2c3d4e5f6a7b";
    for i in 0..n {
        let value = match i % 100 {
            0..=69 => stream_event(i, session),
            70..=84 => assistant_text(i, session),
            85..=92 => assistant_tool_use(i, session),
            _ => tool_result(i, session),
        };
        serde_json::to_writer(&mut out, &value).expect("serialise");
        out.push(b'\n');
    }
    out
}

fn uuid(i: usize) -> String {
    format!(
        "{:08x}-1b2c-4d3e-8f40-{:012x}",
        i * 2_654_435_761 % 0xffff_ffff,
        i
    )
}

fn stream_event(i: usize, session: &str) -> serde_json::Value {
    json!({
        "type": "stream_event",
        "event": {"type": "content_block_delta", "index": 0,
                  "delta": {"type": "text_delta", "text": format!("chunk {i} of the answer, with some words ")}},
        "session_id": session, "parent_tool_use_id": null, "uuid": uuid(i)
    })
}

fn usage() -> serde_json::Value {
    json!({"input_tokens": 1234, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 20480,
           "output_tokens": 87, "service_tier": "standard"})
}

fn assistant_text(i: usize, session: &str) -> serde_json::Value {
    let text =
        "Here is what I found in the repository: the transport module reads stdout in large \
                chunks, frames lines and parses each one once. Line ";
    json!({
        "type": "assistant",
        "message": {"id": format!("msg_{i:020}"), "type": "message", "role": "assistant",
                    "model": "claude-sonnet-4-5-20250929",
                    "content": [{"type": "text", "text": format!("{text}{i}.")}],
                    "stop_reason": null, "stop_sequence": null, "usage": usage()},
        "parent_tool_use_id": null, "session_id": session, "uuid": uuid(i)
    })
}

fn assistant_tool_use(i: usize, session: &str) -> serde_json::Value {
    json!({
        "type": "assistant",
        "message": {"id": format!("msg_{i:020}"), "type": "message", "role": "assistant",
                    "model": "claude-sonnet-4-5-20250929",
                    "content": [{"type": "tool_use", "id": format!("toolu_{i:020}"), "name": "Bash",
                                 "input": {"command": format!("grep -rn 'fn decode' core/src | head -{i}"),
                                           "description": "Find the decoder entry points"}}],
                    "stop_reason": "tool_use", "stop_sequence": null, "usage": usage()},
        "parent_tool_use_id": null, "session_id": session, "uuid": uuid(i)
    })
}

fn tool_result(i: usize, session: &str) -> serde_json::Value {
    let output: String = (0..12)
        .map(|l| {
            format!(
                "core/src/transport/framing.rs:{}:    pub fn decode(&mut self, chunk: &[u8]) {{\n",
                l * 7 + i % 5
            )
        })
        .collect();
    json!({
        "type": "user",
        "message": {"role": "user",
                    "content": [{"tool_use_id": format!("toolu_{i:020}"), "type": "tool_result",
                                 "content": output, "is_error": false}]},
        "parent_tool_use_id": null, "session_id": session, "uuid": uuid(i),
        "tool_use_result": {"stdout": "(elided)", "stderr": "", "interrupted": false, "isImage": false}
    })
}
