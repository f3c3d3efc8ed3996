//! Tests of the scripted Messages API server: raw HTTP checks of the SSE bytes, errors, delays
//! and recording, then real-CLI runs against it.

mod support;

use claude_wire::model_server::{
    Block, ModelServer, RecordedRequest, Reply, RequestKind, ResponseOutcome, Script, When,
};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

// ---------------------------------------------------------------------------------------------
// A minimal HTTP/1.1 client over a raw TcpStream.

struct HttpResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// Arrival time (since the request was sent) of each SSE event, by event name.
    event_times: Vec<(String, Duration)>,
    /// Time until the first response byte.
    first_byte: Duration,
}

impl HttpResponse {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("JSON body")
    }

    /// The SSE events as (event name, data JSON).
    fn events(&self) -> Vec<(String, Value)> {
        let text = String::from_utf8(self.body.clone()).expect("utf-8 SSE");
        text.split("\n\n")
            .filter(|frame| !frame.trim().is_empty())
            .map(|frame| {
                let mut lines = frame.lines();
                let event = lines
                    .next()
                    .and_then(|l| l.strip_prefix("event: "))
                    .expect("event line");
                let data = lines
                    .next()
                    .and_then(|l| l.strip_prefix("data: "))
                    .expect("data line");
                assert!(lines.next().is_none(), "one data line per event: {frame:?}");
                (
                    event.to_string(),
                    serde_json::from_str(data).expect("data JSON"),
                )
            })
            .collect()
    }

    fn event_names(&self) -> Vec<String> {
        self.events().into_iter().map(|(e, _)| e).collect()
    }
}

fn request_bytes(method: &str, path: &str, body: &Value, port: u16) -> Vec<u8> {
    let body = if body.is_null() {
        String::new()
    } else {
        body.to_string()
    };
    format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nx-api-key: test-key\r\n\
         content-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Sends one request and reads the whole response, timing every SSE event.
async fn http(server: &ModelServer, method: &str, path: &str, body: Value) -> HttpResponse {
    let mut stream = TcpStream::connect(server.addr()).await.expect("connect");
    let sent = Instant::now();
    stream
        .write_all(&request_bytes(method, path, &body, server.port()))
        .await
        .expect("send");
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader
        .read_line(&mut status_line)
        .await
        .expect("status line");
    let first_byte = sent.elapsed();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).await.expect("header line");
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (k, v) = line.split_once(':').expect("header");
        headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
    let mut body = Vec::new();
    let mut event_times = Vec::new();
    if chunked {
        loop {
            let mut size_line = String::new();
            reader.read_line(&mut size_line).await.expect("chunk size");
            let size = usize::from_str_radix(size_line.trim(), 16).expect("hex chunk size");
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).await.expect("chunk");
            chunk.truncate(size);
            if size == 0 {
                break;
            }
            let at = sent.elapsed();
            for line in String::from_utf8_lossy(&chunk).lines() {
                if let Some(name) = line.strip_prefix("event: ") {
                    event_times.push((name.to_string(), at));
                }
            }
            body.extend_from_slice(&chunk);
        }
    } else {
        reader.read_to_end(&mut body).await.expect("body");
    }
    HttpResponse {
        status,
        headers,
        body,
        event_times,
        first_byte,
    }
}

/// A request body shaped like the CLI's: a system-reminder block before the prompt, a `system`
/// role message after it.
fn cli_like_body(prompt: &str) -> Value {
    json!({
        "model": "test-model",
        "max_tokens": 32000,
        "stream": true,
        "system": [{"type": "text", "text": "You are a test agent."}],
        "tools": [{"name": "Bash", "input_schema": {}}, {"name": "Read", "input_schema": {}}],
        "messages": [
            {"role": "user", "content": [
                {"type": "text", "text": "<system-reminder>\nbe nice\n</system-reminder>\n"},
                {"type": "text", "text": prompt},
            ]},
            {"role": "system", "content": [{"type": "text", "text": "# Environment"}]},
        ],
    })
}

fn tool_result_body(tool_use_id: &str, output: &str) -> Value {
    let mut body = cli_like_body("run it");
    let messages = body["messages"].as_array_mut().expect("messages");
    messages.push(json!({"role": "assistant", "content": [
        {"type": "tool_use", "id": tool_use_id, "name": "Bash", "input": {"command": "echo hi"}}]}));
    messages.push(json!({"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": tool_use_id, "content": output, "is_error": false}]}));
    body
}

fn suggestion_body() -> Value {
    let mut body = cli_like_body("x");
    body["messages"]
        .as_array_mut()
        .expect("messages")
        .push(json!({"role": "user", "content": "[SUGGESTION MODE: Suggest what the user might type next.]"}));
    body
}

const MESSAGES: &str = "/v1/messages?beta=true";

// ---------------------------------------------------------------------------------------------
// SSE shape

#[tokio::test]
async fn text_reply_streams_the_full_event_sequence() {
    let server = ModelServer::start(Reply::text("Hello there"))
        .await
        .unwrap();
    let resp = http(&server, "POST", MESSAGES, cli_like_body("hi")).await;
    assert_eq!(resp.status, 200);
    assert_eq!(resp.header("content-type"), Some("text/event-stream"));
    assert!(resp
        .header("request-id")
        .is_some_and(|id| id.starts_with("req_")));
    assert_eq!(
        resp.event_names(),
        [
            "message_start",
            "content_block_start",
            "content_block_delta",
            "content_block_stop",
            "message_delta",
            "message_stop"
        ]
    );
    let events = resp.events();
    let start = &events[0].1["message"];
    assert_eq!(start["role"], "assistant");
    assert_eq!(
        start["model"], "test-model",
        "the requested model is echoed"
    );
    assert_eq!(start["content"], json!([]));
    assert!(start["id"].as_str().unwrap().starts_with("msg_"));
    assert_eq!(start["usage"]["input_tokens"], 10);
    assert_eq!(
        events[1].1,
        json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}})
    );
    assert_eq!(
        events[2].1["delta"],
        json!({"type": "text_delta", "text": "Hello there"})
    );
    assert_eq!(
        events[3].1,
        json!({"type": "content_block_stop", "index": 0})
    );
    assert_eq!(events[4].1["delta"]["stop_reason"], "end_turn");
    assert_eq!(events[4].1["usage"]["output_tokens"], 5);
    assert_eq!(events[5].1, json!({"type": "message_stop"}));
}

#[tokio::test]
async fn tool_use_input_is_streamed_as_json_deltas() {
    let input = json!({"command": "echo hi", "description": "say hi"});
    let reply = Reply::tool_use("Bash", input.clone()).chunk_chars(7);
    let server = ModelServer::start(reply).await.unwrap();
    let events = http(&server, "POST", MESSAGES, cli_like_body("hi"))
        .await
        .events();
    let block = &events[1].1["content_block"];
    assert_eq!(block["type"], "tool_use");
    assert_eq!(block["name"], "Bash");
    assert_eq!(block["input"], json!({}));
    assert!(block["id"].as_str().unwrap().starts_with("toolu_"));
    let parts: Vec<&str> = events
        .iter()
        .filter(|(e, _)| e == "content_block_delta")
        .map(|(_, d)| {
            assert_eq!(d["delta"]["type"], "input_json_delta");
            d["delta"]["partial_json"].as_str().unwrap()
        })
        .collect();
    assert!(parts.len() > 3, "chunked into several deltas: {parts:?}");
    assert!(parts.iter().all(|p| p.chars().count() <= 7));
    let joined: Value = serde_json::from_str(&parts.concat()).unwrap();
    assert_eq!(joined, input);
    let delta = events.iter().find(|(e, _)| e == "message_delta").unwrap();
    assert_eq!(delta.1["delta"]["stop_reason"], "tool_use");
}

#[tokio::test]
async fn thinking_text_and_tool_blocks_in_one_reply() {
    let reply = Reply::thinking("let me think", "sig-1")
        .then_text("I will run it.")
        .then_tool_use("Bash", json!({"command": "ls"}))
        .tool_use_id("toolu_fixed")
        .model("echo-model")
        .usage(json!({"output_tokens": 42}))
        .stop_reason("max_tokens");
    let server = ModelServer::start(reply).await.unwrap();
    let events = http(&server, "POST", MESSAGES, cli_like_body("hi"))
        .await
        .events();
    let starts: Vec<&Value> = events
        .iter()
        .filter(|(e, _)| e == "content_block_start")
        .map(|(_, d)| d)
        .collect();
    assert_eq!(starts.len(), 3);
    assert_eq!(starts[0]["content_block"]["type"], "thinking");
    assert_eq!(starts[1]["content_block"]["type"], "text");
    assert_eq!(starts[2]["content_block"]["id"], "toolu_fixed");
    assert_eq!(
        starts
            .iter()
            .map(|s| s["index"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [0, 1, 2]
    );
    let deltas: Vec<&Value> = events
        .iter()
        .filter(|(e, _)| e == "content_block_delta")
        .map(|(_, d)| &d["delta"])
        .collect();
    assert_eq!(
        deltas[0],
        &json!({"type": "thinking_delta", "thinking": "let me think"})
    );
    assert_eq!(
        deltas[1],
        &json!({"type": "signature_delta", "signature": "sig-1"})
    );
    assert_eq!(deltas[2]["text"], "I will run it.");
    assert_eq!(events[0].1["message"]["model"], "echo-model");
    let delta = events.iter().find(|(e, _)| e == "message_delta").unwrap();
    assert_eq!(delta.1["delta"]["stop_reason"], "max_tokens");
    assert_eq!(delta.1["usage"]["output_tokens"], 42);
    assert_eq!(
        delta.1["usage"]["input_tokens"], 10,
        "defaults kept under overrides"
    );
}

#[tokio::test]
async fn non_streaming_requests_get_a_json_message() {
    let server = ModelServer::start(Reply::text("plain").id("msg_fixed"))
        .await
        .unwrap();
    let mut body = cli_like_body("hi");
    body["stream"] = json!(false);
    let resp = http(&server, "POST", MESSAGES, body).await;
    assert_eq!(resp.status, 200);
    assert_eq!(resp.header("content-type"), Some("application/json"));
    let msg = resp.json();
    assert_eq!(msg["id"], "msg_fixed");
    assert_eq!(msg["content"], json!([{"type": "text", "text": "plain"}]));
    assert_eq!(msg["stop_reason"], "end_turn");
}

// ---------------------------------------------------------------------------------------------
// Errors

#[tokio::test]
async fn http_errors_carry_anthropic_error_bodies() {
    let script = Script::new()
        .reply(Reply::error(529).header("retry-after", "0"))
        .reply(Reply::error(400).error_message("prompt is too long"))
        .reply(Reply::error(500))
        .reply(Reply::error(418).error_type("teapot_error"));
    let server = ModelServer::start(script).await.unwrap();

    let r = http(&server, "POST", MESSAGES, cli_like_body("a")).await;
    assert_eq!(r.status, 529);
    assert_eq!(r.header("retry-after"), Some("0"));
    let body = r.json();
    assert_eq!(body["type"], "error");
    assert_eq!(
        body["error"],
        json!({"type": "overloaded_error", "message": "Overloaded"})
    );
    assert_eq!(body["request_id"].as_str(), r.header("request-id"));

    let r = http(&server, "POST", MESSAGES, cli_like_body("b")).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json()["error"],
        json!({"type": "invalid_request_error", "message": "prompt is too long"})
    );

    let r = http(&server, "POST", MESSAGES, cli_like_body("c")).await;
    assert_eq!(r.status, 500);
    assert_eq!(r.json()["error"]["type"], "api_error");

    let r = http(&server, "POST", MESSAGES, cli_like_body("d")).await;
    assert_eq!(r.status, 418);
    assert_eq!(r.json()["error"]["type"], "teapot_error");
}

#[tokio::test]
async fn other_endpoints_are_recorded_and_answered() {
    let server = ModelServer::start(Reply::text("kept for the main turn"))
        .await
        .unwrap();
    let r = http(
        &server,
        "POST",
        "/v1/messages/count_tokens",
        json!({"model": "m", "messages": []}),
    )
    .await;
    assert_eq!((r.status, r.json()), (200, json!({"input_tokens": 10})));
    let r = http(&server, "GET", "/v1/models", Value::Null).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"]["type"], "not_found_error");
    let r = http(&server, "HEAD", "/", Value::Null).await;
    assert_eq!(r.status, 200);

    let kinds: Vec<RequestKind> = server.requests().iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        [
            RequestKind::CountTokens,
            RequestKind::Other,
            RequestKind::Other
        ]
    );
    assert_eq!(
        server.remaining(),
        1,
        "side requests did not consume the script"
    );
    let events = http(&server, "POST", MESSAGES, cli_like_body("x"))
        .await
        .events();
    assert_eq!(events[2].1["delta"]["text"], "kept for the main turn");
}

#[tokio::test]
async fn resends_after_a_client_error_get_the_same_error() {
    let script = Script::new()
        .reply(Reply::error(400).error_message("bad turn"))
        .reply(Reply::text("next turn"))
        .reply(Reply::error(529))
        .reply(Reply::text("after retry"));
    let server = ModelServer::start(script).await.unwrap();
    let mut body = cli_like_body("hi");
    assert_eq!(
        http(&server, "POST", MESSAGES, body.clone()).await.status,
        400
    );
    // The CLI edits its system entry and drops features between resends.
    body["messages"][1]["content"][0]["text"] = json!("# Environment, edited");
    body["thinking"] = json!({"type": "adaptive"});
    let again = http(&server, "POST", MESSAGES, body.clone()).await;
    assert_eq!(
        (again.status, again.json()["error"]["message"].as_str()),
        (400, Some("bad turn"))
    );
    assert_eq!(
        server.remaining(),
        3,
        "the resend did not consume the script"
    );

    let text_of = |r: HttpResponse| {
        r.events()[2].1["delta"]["text"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        text_of(http(&server, "POST", MESSAGES, cli_like_body("new prompt")).await),
        "next turn"
    );
    // A retryable error is not sticky: the identical retry takes the next reply.
    assert_eq!(
        http(&server, "POST", MESSAGES, cli_like_body("again"))
            .await
            .status,
        529
    );
    assert_eq!(
        text_of(http(&server, "POST", MESSAGES, cli_like_body("again")).await),
        "after retry"
    );

    let kinds: Vec<RequestKind> = server.requests().iter().map(|r| r.kind).collect();
    use RequestKind::*;
    assert_eq!(kinds, [Main, Resend, Main, Main, Main]);
}

// ---------------------------------------------------------------------------------------------
// Delays

#[tokio::test]
async fn delay_holds_back_the_response() {
    let server = ModelServer::start(Reply::text("late").delay_ms(300))
        .await
        .unwrap();
    let r = http(&server, "POST", MESSAGES, cli_like_body("hi")).await;
    assert!(
        r.first_byte >= Duration::from_millis(300),
        "first byte after {:?}",
        r.first_byte
    );
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn delta_delay_spaces_the_events() {
    let reply = Reply::text("abcdefgh").chunk_chars(2).delta_delay_ms(60);
    let server = ModelServer::start(reply).await.unwrap();
    let r = http(&server, "POST", MESSAGES, cli_like_body("hi")).await;
    let texts: Vec<String> = r
        .events()
        .iter()
        .filter(|(e, _)| e == "content_block_delta")
        .map(|(_, d)| d["delta"]["text"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(texts, ["ab", "cd", "ef", "gh"]);
    // 9 events, 8 gaps of 60 ms between them.
    let first = r.event_times.first().unwrap().1;
    let last = r.event_times.last().unwrap().1;
    assert_eq!(r.event_times.len(), 9);
    assert!(
        last - first >= Duration::from_millis(8 * 60),
        "spread {:?}",
        last - first
    );
    let gaps_ok = r
        .event_times
        .windows(2)
        .all(|w| w[1].1 - w[0].1 >= Duration::from_millis(40));
    assert!(gaps_ok, "events arrive one by one: {:?}", r.event_times);
}

#[tokio::test]
async fn a_client_leaving_mid_stream_is_recorded_as_disconnected() {
    let script = Script::new()
        .reply(Reply::text("0123456789").chunk_chars(1).delta_delay_ms(100))
        .reply(Reply::text("fast"));
    let server = ModelServer::start(script).await.unwrap();
    {
        let mut stream = TcpStream::connect(server.addr()).await.unwrap();
        stream
            .write_all(&request_bytes(
                "POST",
                MESSAGES,
                &cli_like_body("slow"),
                server.port(),
            ))
            .await
            .unwrap();
        let mut buf = [0u8; 256];
        let n = stream.read(&mut buf).await.unwrap();
        assert!(n > 0);
    } // dropped: the client goes away after the first bytes
    let reqs = server
        .wait_for(Duration::from_secs(5), |r| {
            r[0].outcome == ResponseOutcome::Disconnected
        })
        .await
        .unwrap();
    assert_eq!(reqs[0].outcome, ResponseOutcome::Disconnected);

    http(&server, "POST", MESSAGES, cli_like_body("again")).await;
    let reqs = server
        .wait_for(Duration::from_secs(5), |r| {
            r.len() == 2 && r[1].outcome == ResponseOutcome::Completed
        })
        .await
        .unwrap();
    assert_eq!(reqs[1].outcome, ResponseOutcome::Completed);
}

// ---------------------------------------------------------------------------------------------
// Recording and script routing

#[tokio::test]
async fn requests_are_recorded_with_accessors() {
    let script = Script::new()
        .reply(Reply::tool_use("Bash", json!({"command": "echo hi"})))
        .reply(Reply::text("done"));
    let server = ModelServer::start(script).await.unwrap();
    http(&server, "POST", MESSAGES, cli_like_body("please run echo")).await;
    http(
        &server,
        "POST",
        MESSAGES,
        tool_result_body("toolu_1", "hi\n"),
    )
    .await;

    let reqs = server
        .wait_for_requests(2, Duration::from_secs(1))
        .await
        .unwrap();
    let first = &reqs[0];
    assert_eq!(
        (first.index, first.method.as_str(), first.path.as_str()),
        (0, "POST", MESSAGES)
    );
    assert_eq!(first.header("X-API-KEY"), Some("test-key"));
    assert_eq!(first.model(), Some("test-model"));
    assert_eq!(first.max_tokens(), Some(32000));
    assert!(first.is_stream());
    assert_eq!(first.kind, RequestKind::Main);
    assert_eq!(first.reply_index, Some(0));
    assert_eq!(first.outcome, ResponseOutcome::Completed);
    assert_eq!(
        first.last_user_text().as_deref(),
        Some("please run echo"),
        "skips the system message"
    );
    assert_eq!(first.user_texts().len(), 2);
    assert!(!first.has_tool_result());
    assert_eq!(first.tool_names(), ["Bash", "Read"]);
    assert_eq!(first.system_text(), "You are a test agent.");

    let second = &reqs[1];
    assert!(second.has_tool_result());
    assert_eq!(second.tool_result_texts(), ["hi\n"]);
    assert_eq!(
        second.tool_result_for("toolu_1").unwrap()["is_error"],
        false
    );
    assert!(second.received_after >= first.received_after);
    assert_eq!(server.last_request().unwrap().index, 1);
    assert_eq!(server.remaining(), 0);
}

#[tokio::test]
async fn side_requests_do_not_consume_the_script() {
    let script = Script::new()
        .reply(Reply::text("first"))
        .reply(Reply::text("second"));
    let server = ModelServer::start(script).await.unwrap();
    let text_of = |r: &HttpResponse| {
        r.events()[2].1["delta"]["text"]
            .as_str()
            .unwrap()
            .to_string()
    };

    assert_eq!(
        text_of(&http(&server, "POST", MESSAGES, cli_like_body("one")).await),
        "first"
    );
    let side = http(&server, "POST", MESSAGES, suggestion_body()).await;
    assert_eq!(
        text_of(&side),
        "",
        "prompt suggestions get an empty text by default"
    );
    let mut probe = cli_like_body("quota");
    probe["max_tokens"] = json!(1);
    assert_eq!(
        text_of(&http(&server, "POST", MESSAGES, probe).await),
        "[model-server: side request]"
    );
    assert_eq!(
        text_of(&http(&server, "POST", MESSAGES, cli_like_body("two")).await),
        "second"
    );
    assert_eq!(
        text_of(&http(&server, "POST", MESSAGES, cli_like_body("three")).await),
        "[model-server: script exhausted]"
    );

    let kinds: Vec<RequestKind> = server.requests().iter().map(|r| r.kind).collect();
    use RequestKind::*;
    assert_eq!(kinds, [Main, PromptSuggestion, Probe, Main, Main]);
    let replies: Vec<Option<usize>> = server.requests().iter().map(|r| r.reply_index).collect();
    assert_eq!(replies, [Some(0), None, None, Some(0), None]);
    assert_eq!(server.main_requests().len(), 3);
}

#[tokio::test]
async fn when_matchers_route_replies() {
    let script = Script::from_value(json!({
        "replies": [
            {"text": "after tool", "when": {"has_tool_result": true, "tool_result_contains": "hi"}},
            {"text": "suggested", "when": {"kind": "prompt_suggestion"}, "repeat": true},
            {"text": "greeting", "when": {"user_text_contains": "hello"}},
            {"text": "plain"},
        ],
        "exhausted_reply": {"text": "no more"},
    }))
    .unwrap();
    let server = ModelServer::start(script).await.unwrap();
    let text_of = |r: HttpResponse| {
        r.events()[2].1["delta"]["text"]
            .as_str()
            .unwrap()
            .to_string()
    };

    assert_eq!(
        text_of(http(&server, "POST", MESSAGES, cli_like_body("other")).await),
        "plain"
    );
    assert_eq!(
        text_of(http(&server, "POST", MESSAGES, suggestion_body()).await),
        "suggested"
    );
    assert_eq!(
        text_of(http(&server, "POST", MESSAGES, suggestion_body()).await),
        "suggested"
    );
    assert_eq!(
        text_of(http(&server, "POST", MESSAGES, cli_like_body("hello you")).await),
        "greeting"
    );
    assert_eq!(
        text_of(http(&server, "POST", MESSAGES, tool_result_body("t", "hi")).await),
        "after tool"
    );
    assert_eq!(
        text_of(http(&server, "POST", MESSAGES, cli_like_body("x")).await),
        "no more"
    );
    assert_eq!(server.remaining(), 1, "only the repeating reply is left");
}

#[tokio::test]
async fn when_matches_model_system_and_side() {
    let req = |body: Value| RecordedRequest {
        index: 0,
        method: "POST".into(),
        path: MESSAGES.into(),
        headers: vec![],
        body,
        kind: RequestKind::Main,
        reply_index: None,
        received_after: Duration::ZERO,
        outcome: ResponseOutcome::Pending,
    };
    let r = req(cli_like_body("hi"));
    assert!(When::any().matches(&r));
    assert!(When {
        model: Some("test-model".into()),
        ..When::any()
    }
    .matches(&r));
    assert!(!When {
        model: Some("other".into()),
        ..When::any()
    }
    .matches(&r));
    assert!(When {
        system_contains: Some("test agent".into()),
        ..When::any()
    }
    .matches(&r));
    assert!(When {
        side: Some(false),
        ..When::any()
    }
    .matches(&r));
    assert!(!When {
        side: Some(true),
        ..When::any()
    }
    .matches(&r));
    assert!(!When {
        has_tool_result: Some(true),
        ..When::any()
    }
    .matches(&r));
}

#[tokio::test]
async fn push_reply_extends_a_running_script() {
    let server = ModelServer::start(Script::new()).await.unwrap();
    assert_eq!(server.remaining(), 0);
    server.push_reply(Reply::text("pushed"));
    server.push_replies([Reply::text("a"), Reply::text("b")]);
    assert_eq!(server.remaining(), 3);
    let events = http(&server, "POST", MESSAGES, cli_like_body("hi"))
        .await
        .events();
    assert_eq!(events[2].1["delta"]["text"], "pushed");
}

#[tokio::test]
async fn wait_for_requests_times_out_with_a_clear_error() {
    let server = ModelServer::start(Script::new()).await.unwrap();
    let started = Instant::now();
    let err = server
        .wait_for_requests(1, Duration::from_millis(100))
        .await
        .unwrap_err();
    assert!(started.elapsed() >= Duration::from_millis(100));
    match err {
        claude_wire::Error::Io(e) => {
            assert_eq!(e.kind(), std::io::ErrorKind::TimedOut);
            assert!(e.to_string().contains("got 0 request(s)"), "{e}");
        }
        other => panic!("unexpected error {other:?}"),
    }
    // A waiter is woken by an arrival, not by polling.
    let waiter = server.wait_for_main_requests(1, Duration::from_secs(5));
    let (reqs, _) = tokio::join!(waiter, http(&server, "POST", MESSAGES, cli_like_body("x")));
    assert_eq!(reqs.unwrap().len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Lifecycle

#[test]
fn server_and_script_types_can_cross_threads() {
    fn send_sync<T: Send + Sync + 'static>() {}
    send_sync::<ModelServer>();
    send_sync::<Script>();
    send_sync::<Reply>();
    send_sync::<RecordedRequest>();
}

#[tokio::test]
async fn starts_fast_on_fresh_ports_and_shuts_down() {
    let mut ports = std::collections::HashSet::new();
    let mut slowest = Duration::ZERO;
    let mut servers = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let server = ModelServer::start(Script::new()).await.unwrap();
        slowest = slowest.max(t.elapsed());
        assert!(server.url().starts_with("http://127.0.0.1:"));
        assert_ne!(server.port(), 0);
        ports.insert(server.port());
        servers.push(server);
    }
    eprintln!("model server start: slowest of 20 = {slowest:?}");
    assert_eq!(ports.len(), 20, "every server has its own port");
    assert!(
        slowest < Duration::from_millis(50),
        "start took {slowest:?}"
    );

    let server = servers.pop().unwrap();
    let addr = server.addr();
    assert_eq!(
        http(&server, "POST", MESSAGES, cli_like_body("x"))
            .await
            .status,
        200
    );
    let t = Instant::now();
    server.shutdown().await;
    assert!(
        t.elapsed() < Duration::from_secs(1),
        "shutdown took {:?}",
        t.elapsed()
    );
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "port closed after shutdown"
    );

    let dropped = servers.pop().unwrap();
    let addr = dropped.addr();
    drop(dropped);
    let mut closed = false;
    for _ in 0..50 {
        if TcpStream::connect(addr).await.is_err() {
            closed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(closed, "port closed after drop");
}

// ---------------------------------------------------------------------------------------------
// JSON script format

#[test]
fn json_script_builds_the_same_replies_as_the_builder() {
    let script = Script::from_value(json!([
        {"text": "hi"},
        {"tool_use": {"name": "Bash", "input": {"command": "echo hi"}, "id": "toolu_x"}},
        {"thinking": "hmm", "text": "answer"},
        {"blocks": [{"text": "a"}, {"redacted_thinking": "xyz"}, {"thinking": {"thinking": "t", "signature": "s"}}]},
        {"error": 529},
        {"error": {"status": 400, "message": "bad", "headers": {"retry-after": "0"}}},
        {"text": "slow", "delay_ms": 5, "delta_delay_ms": 7, "chunk_chars": 2, "stop_reason": "max_tokens",
         "usage": {"output_tokens": 3}, "model": "m", "id": "msg_1", "repeat": true,
         "when": {"user_text_contains": "x"}},
    ]))
    .unwrap();
    let r = script.replies();
    assert_eq!(r[0], Reply::text("hi"));
    assert_eq!(
        r[1],
        Reply::tool_use("Bash", json!({"command": "echo hi"})).tool_use_id("toolu_x")
    );
    assert_eq!(
        r[2],
        Reply::thinking("hmm", "model-server-signature").then_text("answer")
    );
    assert_eq!(
        r[3],
        Reply::blocks(vec![
            Block::Text("a".into()),
            Block::RedactedThinking("xyz".into()),
            Block::Thinking {
                thinking: "t".into(),
                signature: "s".into()
            },
        ])
    );
    assert_eq!(r[4], Reply::error(529));
    assert_eq!(
        r[5],
        Reply::error(400)
            .error_message("bad")
            .header("retry-after", "0")
    );
    assert_eq!(
        r[6],
        Reply::text("slow")
            .delay_ms(5)
            .delta_delay_ms(7)
            .chunk_chars(2)
            .stop_reason("max_tokens")
            .usage(json!({"output_tokens": 3}))
            .model("m")
            .id("msg_1")
            .repeat()
            .when(When {
                user_text_contains: Some("x".into()),
                ..When::any()
            })
    );
    let via_serde: Script = serde_json::from_value(json!([{"text": "hi"}])).unwrap();
    assert_eq!(via_serde.replies(), [Reply::text("hi")]);
    assert_eq!(
        Script::from_json(r#"{"replies": [{"error": 500}]}"#)
            .unwrap()
            .replies(),
        [Reply::error(500)]
    );
}

#[test]
fn bad_json_scripts_are_rejected_with_the_position() {
    let err = |v: Value| Script::from_value(v).unwrap_err().to_string();
    assert!(err(json!([{"text": "ok"}, {"txt": "typo"}])).contains("reply 1"));
    assert!(err(json!([{"txt": "typo"}])).contains("unknown field `txt`"));
    assert!(err(json!([{}])).contains("needs text"));
    assert!(err(json!([{"text": "a", "error": 500}])).contains("cannot be combined"));
    assert!(err(json!([{"text": "a", "blocks": [{"text": "b"}]}])).contains("either `blocks`"));
    assert!(err(json!([{"blocks": [{"text": "a", "thinking": "b"}]}])).contains("exactly one"));
    assert!(err(json!([{"error": 200}])).contains("not a 4xx/5xx"));
    assert!(err(json!([{"text": "a", "when": {"kind": "nope"}}])).contains("reply 0"));
    assert!(err(json!({"replies": [], "extra": 1})).contains("unknown key `extra`"));
    assert!(err(json!("text")).contains("array or an object"));
    assert!(matches!(
        Script::from_value(json!([{}])).unwrap_err(),
        claude_wire::Error::InvalidOptions(_)
    ));
}

// ---------------------------------------------------------------------------------------------
// Real CLI against the server

/// Output of one CLI run.
struct CliRun {
    messages: Vec<Value>,
    exit: std::process::ExitStatus,
    stderr: String,
}

impl CliRun {
    fn of_type<'a>(&'a self, ty: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
        self.messages.iter().filter(move |m| m["type"] == ty)
    }

    fn result(&self) -> &Value {
        self.of_type("result")
            .last()
            .unwrap_or_else(|| panic!("no result; stderr: {}", self.stderr))
    }

    fn assistant_texts(&self) -> Vec<String> {
        self.of_type("assistant")
            .flat_map(|m| {
                m["message"]["content"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .filter(|b| b["type"] == "text")
            .filter_map(|b| b["text"].as_str().map(str::to_string))
            .collect()
    }
}

/// A running CLI process speaking stream-json, with its sandbox.
struct CliProc {
    child: tokio::process::Child,
    stdin: Option<tokio::process::ChildStdin>,
    lines: tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
    stderr_task: tokio::task::JoinHandle<String>,
    messages: Vec<Value>,
    _sandbox: support::Sandbox,
}

impl CliProc {
    fn spawn(server: &ModelServer, env_over: &[(&str, &str)]) -> CliProc {
        let sandbox = support::Sandbox::new();
        let mut env = support::isolated_env(&server.url(), &sandbox);
        for (k, v) in env_over {
            support::set_env(&mut env, k, v);
        }
        let mut child = tokio::process::Command::new(support::cli_path())
            .args(["--output-format", "stream-json", "--verbose"])
            .args(["--input-format", "stream-json", "--model", support::model()])
            .env_remove("CLAUDECODE")
            .envs(env)
            .current_dir(sandbox.work())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn the CLI");
        let stdin = child.stdin.take();
        let lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let mut stderr_pipe = child.stderr.take().expect("stderr");
        let stderr_task = tokio::spawn(async move {
            let mut s = String::new();
            let _ = stderr_pipe.read_to_string(&mut s).await;
            s
        });
        CliProc {
            child,
            stdin,
            lines,
            stderr_task,
            messages: Vec::new(),
            _sandbox: sandbox,
        }
    }

    async fn send(&mut self, frame: &Value) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin
            .write_all(format!("{frame}\n").as_bytes())
            .await
            .expect("write to the CLI");
    }

    async fn prompt(&mut self, text: &str) {
        self.send(
            &json!({"type": "user", "session_id": "", "parent_tool_use_id": null,
                          "message": {"role": "user", "content": text}}),
        )
        .await;
    }

    /// Reads messages until one satisfies `stop` (included); panics after 60 s.
    async fn read_until(&mut self, stop: impl Fn(&Value) -> bool) {
        let read = async {
            while let Some(line) = self.lines.next_line().await.expect("read stdout") {
                let Ok(msg) = serde_json::from_str::<Value>(&line) else {
                    continue;
                };
                let done = stop(&msg);
                self.messages.push(msg);
                if done {
                    return;
                }
            }
            panic!("CLI stdout ended early; messages: {:?}", self.messages);
        };
        tokio::time::timeout(Duration::from_secs(60), read)
            .await
            .expect("CLI timed out");
    }

    /// Closes stdin, reads the rest and waits for the exit.
    async fn finish(mut self) -> CliRun {
        drop(self.stdin.take());
        let rest = async {
            while let Some(line) = self.lines.next_line().await.expect("read stdout") {
                if let Ok(msg) = serde_json::from_str::<Value>(&line) {
                    self.messages.push(msg);
                }
            }
            self.child.wait().await.expect("wait for the CLI")
        };
        let exit = tokio::time::timeout(Duration::from_secs(60), rest)
            .await
            .expect("CLI exit timed out");
        let stderr = self.stderr_task.await.unwrap_or_default();
        CliRun {
            messages: self.messages,
            exit,
            stderr,
        }
    }
}

/// Runs the CLI with `frames` written first (e.g. an initialize request), then each prompt
/// after the previous `result`; stdin closes after the last `result`.
async fn run_cli_with(
    server: &ModelServer,
    env_over: &[(&str, &str)],
    frames: &[Value],
    prompts: &[&str],
) -> CliRun {
    let mut cli = CliProc::spawn(server, env_over);
    for frame in frames {
        cli.send(frame).await;
    }
    for prompt in prompts {
        cli.prompt(prompt).await;
        cli.read_until(|m| m["type"] == "result").await;
    }
    cli.finish().await
}

async fn run_cli(server: &ModelServer, env_over: &[(&str, &str)], prompt: &str) -> CliRun {
    run_cli_with(server, env_over, &[], &[prompt]).await
}

#[tokio::test]
async fn cli_text_reply_becomes_assistant_text_and_success() {
    let server = ModelServer::start(Reply::text("Hello from the script"))
        .await
        .unwrap();
    let prompt = "Say hello, exactly like this: \"quoted\" & <tagged>";
    let run = run_cli(&server, &[], prompt).await;
    assert!(run.exit.success(), "exit {:?}: {}", run.exit, run.stderr);
    assert_eq!(run.assistant_texts(), ["Hello from the script"]);
    let result = run.result();
    assert_eq!(result["subtype"], "success");
    assert_eq!(result["is_error"], false);
    assert_eq!(result["result"], "Hello from the script");

    let reqs = server.main_requests();
    assert_eq!(
        reqs.len(),
        1,
        "one turn, one request: {:?}",
        server.requests()
    );
    assert_eq!(reqs[0].path, MESSAGES);
    assert_eq!(reqs[0].model(), Some(support::model()));
    assert!(reqs[0].is_stream());
    assert_eq!(reqs[0].last_user_text().as_deref(), Some(prompt));
    let sent_key = support::isolated_env(&server.url(), &support::Sandbox::new())
        .into_iter()
        .find(|(k, _)| k == "ANTHROPIC_API_KEY")
        .map(|(_, v)| v);
    assert_eq!(reqs[0].header("x-api-key"), sent_key.as_deref());
    assert_eq!(
        server.requests().len(),
        1,
        "no side requests in a plain turn"
    );
}

#[tokio::test]
async fn cli_runs_a_scripted_bash_tool_and_sends_its_result() {
    let script = Script::new()
        .reply(
            Reply::tool_use(
                "Bash",
                json!({"command": "echo hi", "description": "print hi"}),
            )
            .chunk_chars(5),
        )
        .reply(Reply::text("The command printed hi.").when(When {
            has_tool_result: Some(true),
            ..When::any()
        }));
    let server = ModelServer::start(script).await.unwrap();
    let run = run_cli(&server, &[], "run echo hi").await;
    assert!(run.exit.success(), "exit {:?}: {}", run.exit, run.stderr);
    assert_eq!(run.result()["result"], "The command printed hi.");
    let tool_use = run
        .of_type("assistant")
        .flat_map(|m| {
            m["message"]["content"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .find(|b| b["type"] == "tool_use")
        .expect("assistant tool_use");
    assert_eq!(
        tool_use["input"]["command"], "echo hi",
        "input rebuilt from the JSON deltas"
    );

    let reqs = server.main_requests();
    assert_eq!(reqs.len(), 2);
    assert!(!reqs[0].has_tool_result());
    assert!(reqs[1].has_tool_result());
    assert_eq!(reqs[1].tool_result_texts(), ["hi"]);
    let id = tool_use["id"].as_str().unwrap();
    assert_eq!(reqs[1].tool_result_for(id).unwrap()["is_error"], false);
}

#[tokio::test]
async fn cli_reports_a_400_as_an_error_result() {
    let reply = Reply::error(400).error_message("messages: scripted failure for the test");
    let server = ModelServer::start(reply).await.unwrap();
    let run = run_cli(&server, &[], "fail please").await;
    let result = run.result();
    assert_eq!(result["is_error"], true, "{result}");
    let text = result["result"].as_str().unwrap_or_default();
    assert!(
        text.contains("scripted failure for the test"),
        "result text: {text}"
    );
    assert_eq!(server.main_requests().len(), 1);
    let resends = server
        .requests()
        .iter()
        .filter(|r| r.kind == RequestKind::Resend)
        .count();
    assert!(
        resends >= 1,
        "the CLI resends after a 400 (without some betas): {:?}",
        server.requests()
    );
    assert!(server
        .requests()
        .iter()
        .all(|r| r.kind == RequestKind::Main || r.kind == RequestKind::Resend));
}

#[tokio::test]
async fn cli_retries_a_529_then_uses_the_next_reply() {
    let script = Script::new()
        .reply(Reply::error(529).header("retry-after", "0"))
        .reply(Reply::text("recovered"));
    let server = ModelServer::start(script).await.unwrap();
    let started = Instant::now();
    let run = run_cli(&server, &[("CLAUDE_CODE_MAX_RETRIES", "1")], "try twice").await;
    eprintln!("529 + retry run: {:?}", started.elapsed());
    let retries: Vec<&Value> = run
        .of_type("system")
        .filter(|m| m["subtype"] == "api_retry")
        .collect();
    assert_eq!(retries.len(), 1, "messages: {:?}", run.messages);
    assert_eq!(retries[0]["error_status"], 529, "{}", retries[0]);
    let result = run.result();
    assert_eq!(
        (result["subtype"].as_str(), result["is_error"].as_bool()),
        (Some("success"), Some(false))
    );
    assert_eq!(result["result"], "recovered");
    let reqs = server.main_requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(
        reqs[0].last_user_text(),
        reqs[1].last_user_text(),
        "the same turn was resent"
    );
}

#[tokio::test]
async fn cli_prompt_suggestions_are_side_requests() {
    let script = Script::new()
        .reply(Reply::text("first answer"))
        .reply(Reply::text("second answer"))
        .reply(Reply::text("try this next").when(When {
            kind: Some(RequestKind::PromptSuggestion),
            ..When::any()
        }));
    let server = ModelServer::start(script).await.unwrap();
    let init = json!({"type": "control_request", "request_id": "req_1_init",
                      "request": {"subtype": "initialize", "hooks": null, "promptSuggestions": true}});
    let run = run_cli_with(&server, &[], &[init], &["first", "second"]).await;
    assert!(run.exit.success(), "exit {:?}: {}", run.exit, run.stderr);
    let results: Vec<&Value> = run.of_type("result").collect();
    assert_eq!(results[0]["result"], "first answer");
    assert_eq!(results[1]["result"], "second answer");
    let suggestions: Vec<&Value> = run.of_type("prompt_suggestion").collect();
    assert_eq!(
        suggestions.len(),
        1,
        "suggestions are suppressed on the first turn: {:?}",
        run.messages
    );
    assert_eq!(suggestions[0]["suggestion"], "try this next");
    let kinds: Vec<RequestKind> = server.requests().iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        [
            RequestKind::Main,
            RequestKind::Main,
            RequestKind::PromptSuggestion
        ]
    );
}

#[tokio::test]
async fn cli_interrupt_during_a_slow_reply_drops_the_stream() {
    let script = Script::new()
        .reply(
            Reply::text("a slow answer that takes a while")
                .chunk_chars(2)
                .delta_delay_ms(150),
        )
        .reply(Reply::text("after the interrupt"));
    let server = ModelServer::start(script).await.unwrap();
    let mut cli = CliProc::spawn(&server, &[]);
    cli.prompt("go slowly").await;
    server
        .wait_for_main_requests(1, Duration::from_secs(30))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await; // some deltas are out
    cli.send(
        &json!({"type": "control_request", "request_id": "req_1_interrupt",
                     "request": {"subtype": "interrupt"}}),
    )
    .await;
    cli.read_until(|m| m["type"] == "result").await;
    let reqs = server
        .wait_for(Duration::from_secs(5), |r| {
            r[0].outcome != ResponseOutcome::Pending
        })
        .await
        .unwrap();
    assert_eq!(
        reqs[0].outcome,
        ResponseOutcome::Disconnected,
        "the CLI dropped the stream"
    );
    let interrupted = cli.messages.iter().any(|m| {
        m["type"] == "control_response"
            && m["response"]["request_id"] == "req_1_interrupt"
            && m["response"]["subtype"] == "success"
    });
    assert!(interrupted, "interrupt acknowledged: {:?}", cli.messages);

    cli.prompt("next").await;
    cli.read_until(|m| m["type"] == "result").await;
    let run = cli.finish().await;
    assert!(run.exit.success(), "exit {:?}: {}", run.exit, run.stderr);
    assert_eq!(run.result()["result"], "after the interrupt");
    assert_eq!(
        server.main_requests()[1].last_user_text().as_deref(),
        Some("next")
    );
}
