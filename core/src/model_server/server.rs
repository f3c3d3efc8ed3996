//! The HTTP side: listening, recording, choosing a reply and sending it.

use super::request::{classify, RecordedRequest, RequestKind, ResponseOutcome};
use super::script::{Reply, ReplyBody, Script};
use super::sse::{error_body, message_blocks, random_id, Rendered};
use crate::Result;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use axum::serve::ListenerExt;
use axum::Router;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

const EXHAUSTED_TEXT: &str = "[model-server: script exhausted]";
const SIDE_TEXT: &str = "[model-server: side request]";
/// How long [`ModelServer::shutdown`] lets in-flight answers finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

struct Shared {
    script: Mutex<Script>,
    /// The conversation and reply of the last main request answered with a client error.
    last_client_error: Mutex<Option<(Vec<Value>, Reply)>>,
    requests: Mutex<Vec<RecordedRequest>>,
    changed: watch::Sender<()>,
    started: Instant,
}

impl Shared {
    fn script(&self) -> MutexGuard<'_, Script> {
        self.script
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn requests(&self) -> MutexGuard<'_, Vec<RecordedRequest>> {
        self.requests
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn set_outcome(&self, index: usize, outcome: ResponseOutcome) {
        if let Some(r) = self.requests().get_mut(index) {
            r.outcome = outcome;
        }
        self.changed.send_replace(());
    }
}

/// A running scripted Messages API server on `127.0.0.1`.
///
/// Dropping it stops the server (in-flight answers are finished in the background);
/// [`ModelServer::shutdown`] does the same and waits for it.
pub struct ModelServer {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for ModelServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl ModelServer {
    /// Starts a server on a free port of `127.0.0.1`, answering with `script`.
    ///
    /// Must be called within a Tokio runtime: the server runs as a task on it (and stops when
    /// that runtime shuts down). Takes well under a millisecond.
    ///
    /// Fails only when no loopback port can be bound ([`Error::Io`](crate::Error::Io)).
    pub async fn start(script: impl Into<Script>) -> Result<ModelServer> {
        let listener = tokio::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            script: Mutex::new(script.into()),
            last_client_error: Mutex::new(None),
            requests: Mutex::new(Vec::new()),
            changed: watch::Sender::new(()),
            started: Instant::now(),
        });
        let app = Router::new()
            .fallback(handle)
            .layer(DefaultBodyLimit::disable())
            .with_state(shared.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let listener = listener.tap_io(|tcp| {
            // Deltas must reach the client as they are produced, not when Nagle decides.
            let _ = tcp.set_nodelay(true);
        });
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = stopped.await;
            });
            // An I/O error of the accept loop ends the server; requests then fail to connect.
            let _ = serve.await;
        });
        Ok(ModelServer {
            shared,
            addr,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The base URL, `http://127.0.0.1:<port>`: the value for `ANTHROPIC_BASE_URL`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Environment that runs the Claude Code CLI offline against this server, with its state
    /// kept under `scratch`: see [`cli_env`].
    pub fn cli_env(&self, scratch: &std::path::Path) -> std::io::Result<Vec<(String, String)>> {
        cli_env(&self.url(), scratch)
    }

    /// The socket address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// A snapshot of every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.requests().clone()
    }

    /// A snapshot of the main (conversation) requests received so far.
    pub fn main_requests(&self) -> Vec<RecordedRequest> {
        self.shared
            .requests()
            .iter()
            .filter(|r| !r.kind.is_side())
            .cloned()
            .collect()
    }

    /// The most recent request, if any.
    pub fn last_request(&self) -> Option<RecordedRequest> {
        self.shared.requests().last().cloned()
    }

    /// Appends a reply to the script while the server runs.
    pub fn push_reply(&self, reply: Reply) {
        self.shared.script().replies.push(reply);
    }

    /// Appends several replies to the script while the server runs.
    pub fn push_replies(&self, replies: impl IntoIterator<Item = Reply>) {
        self.shared.script().replies.extend(replies);
    }

    /// Number of scripted replies not used yet (repeating replies count once).
    pub fn remaining(&self) -> usize {
        self.shared.script().replies.len()
    }

    /// Waits until at least `n` requests (main or side) arrived, and returns them all.
    ///
    /// Fails with an [`Error::Io`](crate::Error::Io) of kind `TimedOut` after `timeout`.
    pub async fn wait_for_requests(
        &self,
        n: usize,
        timeout: Duration,
    ) -> Result<Vec<RecordedRequest>> {
        self.wait_until(
            timeout,
            |reqs| reqs.len() >= n,
            || format!("{n} request(s)"),
        )
        .await?;
        Ok(self.requests())
    }

    /// Waits until at least `n` main requests arrived, and returns the main requests.
    ///
    /// Fails with an [`Error::Io`](crate::Error::Io) of kind `TimedOut` after `timeout`.
    pub async fn wait_for_main_requests(
        &self,
        n: usize,
        timeout: Duration,
    ) -> Result<Vec<RecordedRequest>> {
        let enough =
            |reqs: &[RecordedRequest]| reqs.iter().filter(|r| !r.kind.is_side()).count() >= n;
        self.wait_until(timeout, enough, || format!("{n} main request(s)"))
            .await?;
        Ok(self.main_requests())
    }

    /// Waits until `done` holds for the recorded requests (checked on every arrival and every
    /// change of a response outcome).
    ///
    /// Fails with an [`Error::Io`](crate::Error::Io) of kind `TimedOut` after `timeout`.
    pub async fn wait_for(
        &self,
        timeout: Duration,
        done: impl Fn(&[RecordedRequest]) -> bool,
    ) -> Result<Vec<RecordedRequest>> {
        self.wait_until(timeout, done, || "the condition".to_string())
            .await?;
        Ok(self.requests())
    }

    async fn wait_until(
        &self,
        timeout: Duration,
        done: impl Fn(&[RecordedRequest]) -> bool,
        what: impl Fn() -> String,
    ) -> Result<()> {
        let mut changes = self.shared.changed.subscribe();
        let wait = async {
            loop {
                changes.mark_unchanged();
                if done(&self.shared.requests()) {
                    return;
                }
                // The sender lives in `self.shared`, so this cannot fail while we hold `self`.
                let _ = changes.changed().await;
            }
        };
        tokio::time::timeout(timeout, wait).await.map_err(|_| {
            let seen = self.shared.requests().len();
            std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!(
                    "model server: waited {timeout:?} for {} but got {seen} request(s)",
                    what()
                ),
            )
            .into()
        })
    }

    /// Stops accepting connections and waits (up to 2 s) for in-flight answers to finish.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take() {
            if tokio::time::timeout(SHUTDOWN_GRACE, &mut task)
                .await
                .is_err()
            {
                task.abort();
            }
        }
    }
}

impl Drop for ModelServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Marks the outcome of a request: completed when told, disconnected when dropped before.
struct OutcomeGuard {
    shared: Arc<Shared>,
    index: usize,
    done: bool,
}

impl OutcomeGuard {
    fn complete(&mut self) {
        self.done = true;
        self.shared
            .set_outcome(self.index, ResponseOutcome::Completed);
    }
}

impl Drop for OutcomeGuard {
    fn drop(&mut self) {
        if !self.done {
            self.shared
                .set_outcome(self.index, ResponseOutcome::Disconnected);
        }
    }
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (index, reply) = record(&shared, &method, &uri, &headers, &body);
    let mut guard = OutcomeGuard {
        shared: shared.clone(),
        index,
        done: false,
    };
    let (kind, model, stream) = {
        let reqs = shared.requests();
        let r = &reqs[index];
        (r.kind, r.model().map(str::to_string), r.is_stream())
    };
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let request_id = random_id("req");
    if let ReplyBody::Error(error) = &reply.body {
        guard.complete();
        return error_response(error, &request_id);
    }
    match kind {
        RequestKind::CountTokens => {
            guard.complete();
            let tokens = reply
                .usage
                .as_ref()
                .and_then(|u| u.get("input_tokens"))
                .cloned();
            json_response(
                StatusCode::OK,
                &json!({"input_tokens": tokens.unwrap_or(json!(10))}),
                &request_id,
            )
        }
        RequestKind::Other => {
            guard.complete();
            other_response(&method, &request_id)
        }
        _ => {
            let blocks = message_blocks(&reply).unwrap_or_default();
            let rendered = Rendered::new(&reply, blocks, model.as_deref());
            if stream {
                sse_response(rendered.events(), reply.delta_delay, guard, &request_id)
            } else {
                guard.complete();
                json_response(StatusCode::OK, &rendered.message(), &request_id)
            }
        }
    }
}

/// Records the request and picks its reply, atomically so that concurrent requests see the
/// script in arrival order.
fn record(
    shared: &Shared,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
) -> (usize, Reply) {
    let mut request = RecordedRequest {
        index: 0,
        method: method.to_string(),
        path: uri
            .path_and_query()
            .map_or_else(|| uri.path().to_string(), |p| p.to_string()),
        headers: headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: serde_json::from_slice(body).unwrap_or(Value::Null),
        kind: RequestKind::Main,
        reply_index: None,
        received_after: shared.started.elapsed(),
        outcome: ResponseOutcome::Pending,
    };
    request.kind = classify(&request);
    let mut script = shared.script();
    let mut last_error = shared
        .last_client_error
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    let resent = match &*last_error {
        Some((conversation, reply)) if request.kind == RequestKind::Main => {
            let same = request.conversation().into_iter().eq(conversation.iter());
            same.then(|| reply.clone())
        }
        _ => None,
    };
    if resent.is_some() {
        request.kind = RequestKind::Resend;
    }
    let (reply_index, reply) = match (script.take_for(&request), resent) {
        (Some((i, reply)), _) => (Some(i), reply),
        (None, Some(reply)) => (None, reply),
        (None, None) => (None, fallback_reply(&script, request.kind)),
    };
    if request.kind == RequestKind::Main {
        *last_error = is_client_error(&reply).then(|| {
            (
                request.conversation().into_iter().cloned().collect(),
                reply.clone(),
            )
        });
    }
    drop(last_error);
    request.reply_index = reply_index;
    let mut requests = shared.requests();
    request.index = requests.len();
    requests.push(request);
    let index = requests.len() - 1;
    drop(requests);
    drop(script);
    shared.changed.send_replace(());
    (index, reply)
}

/// A 4xx the CLI would get again for the same conversation (not a timeout, conflict or rate limit).
fn is_client_error(reply: &Reply) -> bool {
    matches!(&reply.body, ReplyBody::Error(e)
        if (400..500).contains(&e.status) && ![408, 409, 429].contains(&e.status))
}

fn fallback_reply(script: &Script, kind: RequestKind) -> Reply {
    match kind {
        RequestKind::Main => script
            .exhausted_reply
            .clone()
            .unwrap_or_else(|| Reply::text(EXHAUSTED_TEXT)),
        _ => script.side_reply.clone().unwrap_or_else(|| match kind {
            RequestKind::PromptSuggestion => Reply::text(""),
            _ => Reply::text(SIDE_TEXT),
        }),
    }
}

fn base_response(
    status: StatusCode,
    content_type: &'static str,
    request_id: &str,
    body: Body,
) -> Response {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert("content-type", HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(request_id) {
        headers.insert("request-id", v);
    }
    response
}

fn json_response(status: StatusCode, body: &Value, request_id: &str) -> Response {
    base_response(
        status,
        "application/json",
        request_id,
        Body::from(body.to_string()),
    )
}

fn error_response(error: &super::script::ApiError, request_id: &str) -> Response {
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = json_response(status, &error_body(error, request_id), request_id);
    for (name, value) in &error.headers {
        if let (Ok(n), Ok(v)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::from_str(value),
        ) {
            response.headers_mut().insert(n, v);
        }
    }
    if error.status == 529 || error.status == 429 || error.status >= 500 {
        response
            .headers_mut()
            .insert("x-should-retry", HeaderValue::from_static("true"));
    }
    response
}

fn other_response(method: &Method, request_id: &str) -> Response {
    if method == Method::HEAD {
        return base_response(
            StatusCode::OK,
            "application/json",
            request_id,
            Body::empty(),
        );
    }
    let error = super::script::ApiError {
        status: 404,
        error_type: None,
        message: Some("model-server: only POST /v1/messages is scripted".into()),
        headers: Vec::new(),
    };
    error_response(&error, request_id)
}

fn sse_response(
    events: Vec<Bytes>,
    gap: Duration,
    guard: OutcomeGuard,
    request_id: &str,
) -> Response {
    let state = (events.into_iter(), guard, true);
    let stream = futures::stream::unfold(state, move |(mut events, mut guard, first)| async move {
        let Some(event) = events.next() else {
            guard.complete();
            return None;
        };
        if !first && !gap.is_zero() {
            tokio::time::sleep(gap).await;
        }
        Some((
            Ok::<_, std::convert::Infallible>(event),
            (events, guard, false),
        ))
    });
    let mut response = base_response(
        StatusCode::OK,
        "text/event-stream",
        request_id,
        Body::from_stream(stream),
    );
    response
        .headers_mut()
        .insert("cache-control", HeaderValue::from_static("no-cache"));
    response
}

/// Environment that runs the Claude Code CLI offline against the server at `base_url`, with its state
/// kept under `scratch` (created if missing): `ANTHROPIC_BASE_URL`, a dummy
/// `ANTHROPIC_API_KEY`, `CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1`,
/// `CLAUDE_CODE_MAX_RETRIES=0`, fresh `CLAUDE_CONFIG_DIR`, `TMPDIR`, `CLAUDE_CODE_TMPDIR` and
/// `XDG_RUNTIME_DIR`, and `IS_SANDBOX=1` when running as root (the CLI refuses
/// `bypassPermissions` as root otherwise). Put it in `ClaudeAgentOptions::env`.
pub fn cli_env(
    base_url: &str,
    scratch: &std::path::Path,
) -> std::io::Result<Vec<(String, String)>> {
    let dir = |name: &str| -> std::io::Result<String> {
        let path = scratch.join(name);
        std::fs::create_dir_all(&path)?;
        Ok(path.to_string_lossy().into_owned())
    };
    let tmp = dir("tmp")?;
    let mut env = vec![
        ("ANTHROPIC_BASE_URL".to_string(), base_url.to_string()),
        (
            "ANTHROPIC_API_KEY".to_string(),
            "model-server-key".to_string(),
        ),
        (
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC".to_string(),
            "1".to_string(),
        ),
        ("CLAUDE_CODE_MAX_RETRIES".to_string(), "0".to_string()),
        ("CLAUDE_CONFIG_DIR".to_string(), dir("config")?),
        ("TMPDIR".to_string(), tmp.clone()),
        ("CLAUDE_CODE_TMPDIR".to_string(), tmp),
        ("XDG_RUNTIME_DIR".to_string(), dir("runtime")?),
    ];
    // XDG_RUNTIME_DIR must be private to its owner.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        scratch.join("runtime"),
        std::fs::Permissions::from_mode(0o700),
    )?;
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } == 0 {
        env.push(("IS_SANDBOX".to_string(), "1".to_string()));
    }
    Ok(env)
}
