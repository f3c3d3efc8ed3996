//! One-shot queries: send a prompt, stream the messages until the CLI is done.

use crate::control::{Control, ControlCall};
use crate::message::Message;
use crate::options::ClaudeAgentOptions;
use crate::prompt::{feed_prompt, Prompt};
use crate::session::Session;
use crate::transport::Transport;
use crate::{Error, Flavour, Result};
use futures::future::{AbortHandle, Abortable, BoxFuture, FutureExt, Shared};
use futures::stream::{self, BoxStream, Stream, StreamExt};
use serde_json::Value;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::sync::{oneshot, watch};

/// Runs a one-shot query and streams its messages.
///
/// The CLI starts when the stream is first polled; with [`Flavour::Ts`] options it starts at
/// once, as the TypeScript SDK's `query()` does (so `initializationResult()` works before the
/// first message), which needs a tokio runtime. Errors come as `Err` items: a bad line or
/// message is reported and the stream goes on; a failed start or a failed CLI ends the stream.
/// Dropping the [`Query`] stops the CLI and reaps it.
///
/// ```no_run
/// # async fn demo() -> claude_wire::Result<()> {
/// use futures::StreamExt;
/// let mut messages = claude_wire::query("What is 2 + 2?", claude_wire::ClaudeAgentOptions::default());
/// while let Some(message) = messages.next().await {
///     println!("{:?}", message?);
/// }
/// # Ok(()) }
/// ```
pub fn query(prompt: impl Into<Prompt>, options: ClaudeAgentOptions) -> Query {
    Query::new(prompt.into(), options, None)
}

/// Like [`query`], over a caller-provided [`Transport`] instead of the CLI subprocess.
pub fn query_with_transport(
    prompt: impl Into<Prompt>,
    options: ClaudeAgentOptions,
    transport: Arc<dyn Transport>,
) -> Query {
    Query::new(prompt.into(), options, Some(transport))
}

/// Like [`query`] with a stream of user-message objects as the prompt.
pub fn query_stream(
    prompt: impl Stream<Item = Value> + Send + 'static,
    options: ClaudeAgentOptions,
) -> Query {
    query(Prompt::Stream(prompt.boxed()), options)
}

/// The start of a session, awaited by the message stream and by control calls alike.
type Start = Shared<BoxFuture<'static, Result<Arc<Session>>>>;

/// The messages of a one-shot query, plus control methods usable while it runs.
pub struct Query {
    start: Start,
    /// The task starting the CLI at once ([`Flavour::Ts`]), stopped if the query is dropped.
    eager: Option<tokio::task::AbortHandle>,
    /// Set by [`QueryHandle::close`]: a start under way gives up.
    closing: Arc<watch::Sender<bool>>,
    messages: BoxStream<'static, Result<Message>>,
    /// Set when [`Query::next_json`] has seen the end.
    json_done: bool,
    /// The TypeScript SDK's query (eager; see `start_failure`).
    typescript: bool,
    /// What [`Query::next_json`] still yields of a failed start, last first.
    failed_start: Vec<Result<Value>>,
}

impl Query {
    fn new(
        prompt: Prompt,
        options: ClaudeAgentOptions,
        transport: Option<Arc<dyn Transport>>,
    ) -> Query {
        let eager = options.flavour == Flavour::Ts;
        // The TypeScript SDK writes the prompt once `initialize` is written, not answered.
        let (early, told) = match eager {
            true => {
                let (early, told) = oneshot::channel();
                (Some(early), Some(told))
            }
            false => (None, None),
        };
        let open = async move {
            Session::open(&options, transport, early)
                .await
                .map(Arc::new)
        }
        .boxed();
        Query::starting(open, prompt, eager, told)
    }

    /// A query whose session comes from `open` (a fresh CLI, or one claimed from a pool); the
    /// prompt is fed once it is there, or once `early` tells the session's I/O (its
    /// `initialize` written). `eager`: start at once, when in a tokio runtime.
    pub(crate) fn starting(
        open: BoxFuture<'static, Result<Arc<Session>>>,
        prompt: Prompt,
        eager: bool,
        early: Option<oneshot::Receiver<Arc<crate::session::Shared>>>,
    ) -> Query {
        let (closing, mut closed) = watch::channel(false);
        // Eager queries are the TypeScript SDK's (see `start_failure`).
        let typescript = eager;
        let start: Start = async move {
            let mut prompt = Some(prompt);
            let mut fed_early = AbortOnDrop(None);
            // A close during the start drops it: the CLI is killed.
            let opened = tokio::select! {
                session = open_feeding(open, early, &mut prompt, &mut fed_early) => session,
                _ = closed.wait_for(|closed| *closed) => {
                    Err(Error::SessionClosed("the query was closed while starting".into()))
                }
            };
            // On an error, `fed_early` stops the prompt's task as it goes.
            let session = opened?;
            match (fed_early.0.take(), prompt) {
                (Some(feeding), _) => session.adopt(feeding),
                (None, Some(prompt)) => session.spawn(feed_prompt(session.io(), prompt)),
                (None, None) => {}
            }
            Ok::<_, Error>(session)
        }
        .boxed()
        .shared();
        let eager = eager
            .then(|| tokio::runtime::Handle::try_current().ok())
            .flatten()
            .map(|runtime| {
                let start = start.clone();
                runtime
                    .spawn(async move { drop(start.await) })
                    .abort_handle()
            });
        let messages = stream::once(start.clone())
            .flat_map(move |started| match started {
                Ok(session) => session_messages(session).left_stream(),
                Err(error) => {
                    let items = start_failure(error, typescript).into_iter();
                    stream::iter(items.map(|item| item.and_then(Message::from_value)))
                        .right_stream()
                }
            })
            .boxed();
        Query {
            start,
            eager,
            closing: Arc::new(closing),
            messages,
            json_done: false,
            typescript,
            failed_start: Vec::new(),
        }
    }

    /// The next message as JSON text, `None` when the query is over: for a binding that hands
    /// text to its language's JSON parser. Under [`Flavour::Ts`] a message is the CLI's line
    /// byte for byte (checked to be JSON; key order kept; a huge line taken apart, its main
    /// string beside the rest); otherwise, and for the messages the core makes itself, the
    /// message serialised. Use it or the message stream, not both.
    pub async fn next_json(&mut self) -> Option<Result<crate::transport::JsonMessage>> {
        if let Some(item) = self.failed_start.pop() {
            return Some(item.map(|message| {
                let line = serde_json::to_vec(&message).unwrap_or_default();
                crate::transport::JsonMessage::Whole(line.into())
            }));
        }
        if self.json_done {
            return None;
        }
        let session = match self.start.clone().await {
            Ok(session) => session,
            Err(error) => {
                self.json_done = true;
                self.failed_start = start_failure(error, self.typescript);
                self.failed_start.reverse();
                return Box::pin(self.next_json()).await;
            }
        };
        let item = session.next_json().await;
        if item.is_none() {
            self.json_done = true;
            let _ = session.close().await;
        }
        item
    }

    /// A handle for control calls and closing, usable while another task reads the messages.
    pub fn handle(&self) -> QueryHandle {
        QueryHandle {
            start: self.start.clone(),
            eager: self.eager.is_some(),
            closing: self.closing.clone(),
        }
    }

    /// The next message; `None` when the query is over.
    pub async fn next_message(&mut self) -> Option<Result<Message>> {
        self.messages.next().await
    }

    /// Control methods of the running session (interrupt, set model, MCP status, ...).
    ///
    /// Fails with [`Error::Connection`] before the first message was polled.
    pub fn control(&self) -> Result<Control> {
        self.session()
            .map(Control::new)
            .ok_or_else(|| Error::Connection("the query has not started yet; poll it first".into()))
    }

    /// The session, when it has started.
    fn session(&self) -> Option<Arc<Session>> {
        self.start
            .peek()
            .and_then(|started| started.as_ref().ok().cloned())
    }

    /// Sends a control request: shorthand for [`Control::send`] on [`Query::control`].
    pub async fn send<R: ControlCall>(&self, request: R) -> Result<R::Answer> {
        self.control()?.send(request).await
    }

    /// The CLI's answer to `initialize`, once started.
    pub fn server_info(&self) -> Option<Value> {
        self.session().and_then(|s| s.server_info())
    }

    /// Stops the CLI gracefully and reaps it.
    pub async fn close(&self) -> Result<()> {
        match self.session() {
            Some(session) => session.close().await,
            None => Ok(()),
        }
    }
}

/// Control of a [`Query`] from other tasks: cheap to clone, it waits for the start.
#[derive(Clone)]
pub struct QueryHandle {
    start: Start,
    eager: bool,
    closing: Arc<watch::Sender<bool>>,
}

impl QueryHandle {
    /// Control methods of the session once the CLI has started and answered `initialize`
    /// (starting it if nothing did yet); the start's error if it failed.
    pub async fn control(&self) -> Result<Control> {
        self.start.clone().await.map(Control::new)
    }

    /// Stops the CLI gracefully and reaps it. A start under way gives up at once (the CLI is
    /// killed before the prompt is written); a lazy query that was never polled never starts.
    pub async fn close(&self) -> Result<()> {
        self.closing.send_replace(true);
        if !self.eager && self.start.peek().is_none() {
            return Ok(());
        }
        match self.start.clone().await {
            Ok(session) => session.close().await,
            Err(_) => Ok(()),
        }
    }

    /// Writes one more user message (a stream-json `user` object) to the running CLI, after
    /// the query's prompt, as the TypeScript SDK's `streamInput` does on any query, also one
    /// started with a text prompt.
    pub async fn send_message(&self, message: Value) -> Result<()> {
        let io = self.start.clone().await?.io();
        io.wait_prompt_written().await;
        io.send_raw(message).await
    }

    /// Waits until the session is over: the CLI's output ended (or the start failed).
    pub async fn finished(&self) {
        if let Ok(session) = self.start.clone().await {
            session.finished().await;
        }
    }
}

/// The prompt's task while the start is under way: stopped unless the session takes it (a
/// start that fails, or is dropped, must not leave it holding the CLI).
struct AbortOnDrop(Option<AbortHandle>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(task) = self.0.take() {
            task.abort();
        }
    }
}

/// Waits for the session from `open`. With `early`, the prompt is fed (taken from `prompt`, its
/// task's handle left in `fed`) as soon as the session tells that `initialize` is written.
async fn open_feeding(
    mut open: BoxFuture<'static, Result<Arc<Session>>>,
    early: Option<oneshot::Receiver<Arc<crate::session::Shared>>>,
    prompt: &mut Option<Prompt>,
    fed: &mut AbortOnDrop,
) -> Result<Arc<Session>> {
    let Some(early) = early else {
        return open.await;
    };
    tokio::select! {
        session = &mut open => return session,
        // An error: the session dropped `early`, the prompt waits for the answer.
        Ok(io) = early => {
            if let Some(text) = prompt.take() {
                let (feeding, registration) = AbortHandle::new_pair();
                tokio::spawn(Abortable::new(feed_prompt(io, text), registration));
                fed.0 = Some(feeding);
            }
        }
    }
    open.await
}

/// What a query that failed to start yields. A CLI that ends with an error result before it
/// answers `initialize` (a `resume` of a session it cannot find): under the TypeScript SDK,
/// whose queries start eagerly, that result comes first (as the CLI wrote it), then the error,
/// as it does for a running session.
fn start_failure(error: Error, typescript: bool) -> Vec<Result<Value>> {
    let result = match &error {
        Error::ErrorResult { result, .. } if typescript => Some((**result).clone()),
        _ => None,
    };
    result.map(Ok).into_iter().chain([Err(error)]).collect()
}

impl Drop for Query {
    fn drop(&mut self) {
        if let Some(task) = &self.eager {
            task.abort();
        }
    }
}

impl Stream for Query {
    type Item = Result<Message>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.messages.poll_next_unpin(cx)
    }
}

/// Messages of a session until it ends; then the CLI is closed and reaped.
pub(crate) fn session_messages(
    session: Arc<Session>,
) -> impl Stream<Item = Result<Message>> + Send + 'static {
    stream::unfold(Some(session), |session| async move {
        let session = session?;
        match session.next_message().await {
            Some(message) => Some((message, Some(session))),
            None => {
                let _ = session.close().await;
                None
            }
        }
    })
}
