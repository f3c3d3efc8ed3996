//! The multi-turn client and the control methods of a running session.

use crate::control::{Control, ControlCall};
use crate::message::Message;
use crate::options::ClaudeAgentOptions;
use crate::prompt::{write_all, Prompt};
use crate::session::Session;
use crate::transport::Transport;
use crate::{Error, Result};
use futures::stream::{self, BoxStream, Stream, StreamExt};
use serde_json::Value;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

/// A multi-turn conversation with the CLI.
///
/// Methods take `&self` and may run concurrently (for example `interrupt` while another task
/// receives messages); the client is `Send + Sync` and can be shared in an `Arc`. Dropping it
/// stops the CLI and reaps it.
///
/// ```no_run
/// # async fn demo() -> claude_wire::Result<()> {
/// use futures::StreamExt;
/// let client = claude_wire::ClaudeClient::new(claude_wire::ClaudeAgentOptions::default());
/// client.connect(None).await?;
/// client.query("Hello", claude_wire::constants::DEFAULT_SESSION_ID).await?;
/// let mut reply = client.receive_response();
/// while let Some(message) = reply.next().await {
///     println!("{:?}", message?);
/// }
/// client.disconnect().await?;
/// # Ok(()) }
/// ```
pub struct ClaudeClient {
    /// What the next `connect` starts the CLI with.
    options: Mutex<Arc<ClaudeAgentOptions>>,
    transport: Mutex<TransportSource>,
    session: RwLock<Option<Arc<Session>>>,
    /// Set while `session` is a pool's warm CLI that no `connect` has taken up yet.
    adopted: AtomicBool,
}

/// Makes a fresh transport for each connection of a [`ClaudeClient`].
pub type TransportFactory = Arc<dyn Fn() -> Result<Arc<dyn Transport>> + Send + Sync>;

/// Where a client's connections go.
enum TransportSource {
    /// The CLI as a subprocess, started from the options.
    Cli,
    /// One caller-provided transport, usable for one connection.
    Once(Option<Arc<dyn Transport>>),
    /// A new transport per connection.
    Factory(TransportFactory),
}

impl ClaudeClient {
    /// A client that will run the CLI with `options`.
    pub fn new(options: ClaudeAgentOptions) -> Self {
        Self::with_source(options, TransportSource::Cli)
    }

    /// A client over one caller-provided transport (tests, remote CLIs). It connects once: a
    /// second `connect` fails instead of silently starting the local CLI (see
    /// [`with_transport_factory`](Self::with_transport_factory) to reconnect).
    pub fn with_transport(options: ClaudeAgentOptions, transport: Arc<dyn Transport>) -> Self {
        Self::with_source(options, TransportSource::Once(Some(transport)))
    }

    /// A client that asks `factory` for a transport at each `connect`.
    pub fn with_transport_factory(options: ClaudeAgentOptions, factory: TransportFactory) -> Self {
        Self::with_source(options, TransportSource::Factory(factory))
    }

    fn with_source(options: ClaudeAgentOptions, source: TransportSource) -> Self {
        ClaudeClient {
            options: Mutex::new(Arc::new(options)),
            transport: Mutex::new(source),
            session: RwLock::new(None),
            adopted: AtomicBool::new(false),
        }
    }

    /// A client already connected to `session` (claimed from a [`crate::pool::Pool`]): usable
    /// at once, and its first `connect` takes that session up instead of starting a CLI; a
    /// `connect` after that, or after `disconnect`, starts a fresh CLI with `options`.
    pub(crate) fn connected(options: ClaudeAgentOptions, session: Arc<Session>) -> Self {
        let client = Self::with_source(options, TransportSource::Cli);
        *client.session.write().unwrap_or_else(|e| e.into_inner()) = Some(session);
        client.adopted.store(true, Ordering::SeqCst);
        client
    }

    /// Replaces the options that the next `connect` starts the CLI with; the session running
    /// now keeps its own. The Python SDK's client reads its `options` at every `connect`.
    pub fn set_options(&self, options: ClaudeAgentOptions) {
        *self.options.lock().unwrap_or_else(|e| e.into_inner()) = Arc::new(options);
    }

    /// The transport for a new connection; `None` for the CLI subprocess.
    fn next_transport(&self) -> Result<Option<Arc<dyn Transport>>> {
        let mut source = self.transport.lock().unwrap_or_else(|e| e.into_inner());
        match &mut *source {
            TransportSource::Cli => Ok(None),
            TransportSource::Once(transport) => transport.take().map(Some).ok_or_else(|| {
                Error::Connection(
                    "this client's transport was already used by an earlier connection; give the client a transport factory to reconnect".into(),
                )
            }),
            TransportSource::Factory(factory) => factory().map(Some),
        }
    }

    /// Starts the CLI and performs the `initialize` handshake, optionally sending a first prompt.
    ///
    /// On a connected client the session so far ends first (connecting again reconnects, as in
    /// the Python SDK), except on a client claimed from a pool: its first `connect` takes up the
    /// pool's warm CLI.
    pub async fn connect(&self, prompt: Option<Prompt>) -> Result<()> {
        let session = match self.current() {
            Ok(warm) if self.adopted.swap(false, Ordering::SeqCst) => warm,
            current => {
                if current.is_ok() {
                    self.disconnect().await?;
                }
                let transport = self.next_transport()?;
                let options = self
                    .options
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .clone();
                Arc::new(Session::open(&options, transport, None).await?)
            }
        };
        match prompt {
            Some(Prompt::Text(text)) => session.io().send_user(Value::String(text), "").await?,
            Some(Prompt::Stream(messages)) => {
                let io = session.io();
                session.spawn(async move {
                    write_all(&io, messages).await;
                });
            }
            None => {}
        }
        *self.session.write().unwrap_or_else(|e| e.into_inner()) = Some(session);
        Ok(())
    }

    /// Sends a new user turn: a text, or a stream of user-message objects.
    pub async fn query(&self, prompt: impl Into<Prompt>, session_id: &str) -> Result<()> {
        let session = self.current()?;
        match prompt.into() {
            Prompt::Text(text) => {
                session
                    .io()
                    .send_user(Value::String(text), session_id)
                    .await
            }
            Prompt::Stream(messages) => {
                let session_id = session_id.to_string();
                let stamped = messages.map(move |mut message| {
                    if let Some(object) = message.as_object_mut() {
                        object
                            .entry("session_id")
                            .or_insert_with(|| session_id.clone().into());
                    }
                    message
                });
                write_all(&session.io(), stamped.boxed()).await;
                Ok(())
            }
        }
    }

    /// Sends a new user turn made of content blocks (text, images, documents, ...).
    pub async fn query_blocks(&self, content: Vec<Value>, session_id: &str) -> Result<()> {
        self.current()?
            .io()
            .send_user(Value::Array(content), session_id)
            .await
    }

    /// The next message of the session; `None` once it ended.
    pub async fn next_message(&self) -> Option<Result<Message>> {
        match self.current() {
            Ok(session) => session.next_message().await,
            Err(error) => Some(Err(error)),
        }
    }

    /// Every message of the session from now on, until it ends.
    pub fn receive_messages(&self) -> BoxStream<'static, Result<Message>> {
        match self.current() {
            Ok(session) => session_messages_open(session).boxed(),
            Err(error) => stream::iter([Err(error)]).boxed(),
        }
    }

    /// The messages of the current turn, ending after its [`Message::Result`].
    pub fn receive_response(&self) -> BoxStream<'static, Result<Message>> {
        let messages = self.receive_messages();
        stream::unfold((messages, false), |(mut messages, done)| async move {
            if done {
                return None;
            }
            let message = messages.next().await?;
            let done = matches!(&message, Ok(m) if m.is_result());
            Some((message, (messages, done)))
        })
        .boxed()
    }

    /// [`Error::NotConnected`] unless a session is connected: what a call needing one fails
    /// with, checked before a caller starts reading a prompt it would send.
    pub fn ensure_connected(&self) -> Result<()> {
        self.current().map(drop)
    }

    /// Control methods of the connected session (interrupt, set model, MCP status, ...).
    pub fn control(&self) -> Result<Control> {
        self.current().map(Control::new)
    }

    /// Sends a control request: shorthand for [`Control::send`] on [`ClaudeClient::control`].
    pub async fn send<R: ControlCall>(&self, request: R) -> Result<R::Answer> {
        self.control()?.send(request).await
    }

    /// The CLI's answer to `initialize` (commands, models, agents, account, version), once connected.
    pub fn server_info(&self) -> Option<Value> {
        self.current().ok().and_then(|s| s.server_info())
    }

    /// Ends the session: closes stdin, waits for the CLI to exit (terminating it if needed), reaps it.
    pub async fn disconnect(&self) -> Result<()> {
        self.adopted.store(false, Ordering::SeqCst);
        let session = self
            .session
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        match session {
            Some(session) => session.close().await,
            None => Ok(()),
        }
    }

    fn current(&self) -> Result<Arc<Session>> {
        self.session
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .ok_or(Error::NotConnected)
    }
}

/// Messages of a client session: unlike a one-shot query, the end of one receiver does not close it.
fn session_messages_open(
    session: Arc<Session>,
) -> impl Stream<Item = Result<Message>> + Send + 'static {
    stream::unfold(session, |session| async move {
        let message = session.next_message().await?;
        Some((message, session))
    })
}
