//! One live session with the CLI: the reader task, the handler tasks for the CLI's requests, and
//! the control requests we send.
//!
//! ```text
//! reader task ◄── frames ── route: control_response → pending map
//!                                  control_request  → one handler task each
//!                                  everything else  → message channel
//! ```
//! Nothing on the reader path awaits a user callback.

mod inbox;
mod inline_task;
mod linger;
mod open;
mod reader;
mod run;
mod startup;

pub use startup::StartupReport;
use startup::StartupWatch;

use crate::control::{self, ClosedReason, Pending};
use crate::handlers::Handlers;
use crate::message::Message;
use crate::sessions::{
    FlushMode, MaterializedResume, MirrorBatcher, MirrorError, MirrorErrorHandler, SessionStore,
};
use crate::transport::Transport;
use crate::Flavour;
use crate::{Error, Result};
use futures::future::{AbortHandle, Abortable};
use futures::FutureExt;
use inbox::{Delivery, Inbox};
use run::RunState;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tokio::sync::watch;

/// How long a failed write waits for the reader to report how the CLI ended.
const EXIT_REPORT: Duration = Duration::from_secs(2);

/// State shared by the session handle, the reader and the handler tasks.
pub(crate) struct Shared {
    transport: Arc<dyn Transport>,
    pending: Pending,
    inflight: Mutex<HashMap<String, AbortHandle>>,
    /// The user's callbacks; dropped once the CLI's output ended, so that nothing the callbacks
    /// hold (a binding's references into its language) outlives the run.
    handlers: RwLock<Option<Arc<Handlers>>>,
    run: watch::Sender<RunState>,
    control_timeout: Duration,
    /// Fail the session when the CLI is silent this long during a turn.
    stall_timeout: Option<Duration>,
    /// Answer a CLI request with an error when its callback takes longer than this.
    callback_timeout: Option<Duration>,
    /// Set when we close the session: the end of output that follows is expected.
    closing: AtomicBool,
    /// How user messages are written (see [`Shared::send_user`]).
    flavour: Flavour,
    /// Mark every user message `client_composed` (the `verbatim_prompts` option).
    verbatim_prompts: bool,
    /// How long a one-shot query waits, between turns, for a CLI that still reports work.
    run_end_ceiling: Option<Duration>,
    /// When the CLI last wrote something (see [`linger`]).
    output: linger::LastOutput,
    /// Appends the CLI's `transcript_mirror` frames to the session store, when there is one.
    mirror: Option<MirrorBatcher>,
    /// Follows the start-up of a session started ahead of its prompt.
    startup: Option<StartupWatch>,
    /// A session resumed from its store: the temporary config directory the CLI reads
    /// (removed when the session is dropped, after the transport above).
    _resumed: Option<MaterializedResume>,
}

/// A running session. Dropping it stops every task it started; the transport then kills and
/// reaps the CLI once the last reference to it is gone.
pub(crate) struct Session {
    shared: Arc<Shared>,
    messages: tokio::sync::Mutex<Inbox>,
    /// Its tasks (the reader first), stopped when it closes.
    tasks: Mutex<Vec<AbortHandle>>,
    server_info: RwLock<Option<Value>>,
    /// The body of the `initialize` request, kept to send it again ([`Session::reinitialize`]).
    initialize: Map<String, Value>,
    /// Time allowed for an `initialize` answer.
    initialize_timeout: Duration,
}

/// What a session needs besides its transport.
pub(crate) struct SessionConfig {
    pub handlers: Handlers,
    pub control_timeout: Duration,
    /// Time allowed for the `initialize` answer.
    pub initialize_timeout: Duration,
    /// See [`ClaudeAgentOptions::stall_timeout`].
    pub stall_timeout: Option<Duration>,
    /// See [`ClaudeAgentOptions::callback_timeout`].
    pub callback_timeout: Option<Duration>,
    /// See [`ClaudeAgentOptions::flavour`].
    pub flavour: Flavour,
    /// See [`ClaudeAgentOptions::verbatim_prompts`].
    pub verbatim_prompts: bool,
    /// See [`Shared::wait_run_over`]; `None`: no limit.
    pub run_end_ceiling: Option<Duration>,
    /// See [`ClaudeAgentOptions::startup`].
    pub startup: Option<crate::options::Startup>,
    /// The body of the `initialize` request (without `subtype`).
    pub initialize: Map<String, Value>,
    /// Mirror the transcript into this store: the store, the projects directory the CLI writes
    /// to, and when to append.
    pub mirror: Option<(Arc<dyn SessionStore>, PathBuf, FlushMode)>,
    /// See [`Shared::_resumed`].
    pub resumed: Option<MaterializedResume>,
    /// Told the session's I/O once `initialize` is written, for a prompt that need not wait
    /// for the answer (see [`Session::open`]).
    pub early: Option<tokio::sync::oneshot::Sender<Arc<Shared>>>,
    /// A host loop watches the CLI's stdout ([`ClaudeAgentOptions::host_loop`]): the reader
    /// runs where that loop wakes it.
    pub host_reads: bool,
}

impl Session {
    /// Connects the transport, starts the reader and sends `initialize`.
    pub(crate) async fn start(
        transport: Arc<dyn Transport>,
        config: SessionConfig,
    ) -> Result<Session> {
        transport.connect().await?;
        let input = reader::Input::take(transport.as_ref())
            .ok_or_else(|| Error::Connection("the transport's output was already taken".into()))?;
        let flavour = config.flavour;
        let (tx, inbox) = Inbox::new(flavour);
        let mirror = config.mirror.map(|(store, projects, mode)| {
            // Weak: the message stream ends when the reader's sender goes, not with the session.
            let errors = tx.downgrade();
            let on_error: MirrorErrorHandler = Arc::new(move |error: MirrorError| {
                let item =
                    crate::message::policy::deliver_frame(flavour, error.to_message(flavour));
                if let (Some(item), Some(errors)) = (item, errors.upgrade()) {
                    let _ = errors.send(vec![Delivery::Ready(Box::new(item), 0)]);
                }
            });
            MirrorBatcher::new(store, projects, mode, on_error)
        });
        let shared = Arc::new(Shared {
            transport,
            pending: Pending::default(),
            inflight: Mutex::new(HashMap::new()),
            handlers: RwLock::new(Some(Arc::new(config.handlers))),
            run: watch::Sender::new(RunState::default()),
            control_timeout: config.control_timeout,
            stall_timeout: config.stall_timeout,
            callback_timeout: config.callback_timeout,
            closing: AtomicBool::new(false),
            flavour: config.flavour,
            verbatim_prompts: config.verbatim_prompts,
            run_end_ceiling: config.run_end_ceiling,
            output: linger::LastOutput::default(),
            mirror,
            startup: config
                .startup
                .map(|startup| StartupWatch::new(startup.limit)),
            _resumed: config.resumed,
        });
        let early = config.early;
        let backlog = inbox.backlog();
        let (reader, registration) = AbortHandle::new_pair();
        let read = Abortable::new(
            reader::read_loop(shared.clone(), input, tx, backlog),
            registration,
        )
        .map(drop);
        if config.host_reads {
            inline_task::InlineTask::start_reader(Box::pin(read));
        } else {
            tokio::spawn(read);
        }
        let session = Session {
            shared,
            messages: tokio::sync::Mutex::new(inbox),
            tasks: Mutex::new(vec![reader]),
            server_info: RwLock::new(None),
            initialize: config.initialize,
            initialize_timeout: config.initialize_timeout,
        };
        let (written, tell) = match early {
            Some(early) => {
                let (written, wrote) = tokio::sync::oneshot::channel();
                let io = session.shared.clone();
                let tell = async move {
                    if wrote.await.is_ok() {
                        let _ = early.send(io);
                    }
                };
                (Some(written), Some(tell))
            }
            None => (None, None),
        };
        let initialized = async {
            match &session.shared.startup {
                Some(watch) => {
                    // The watch's limit governs; the request's own timeout only backs it up.
                    let backstop = watch.longest().max(session.initialize_timeout);
                    let backstop = backstop.saturating_mul(2);
                    let initialize = session.initialize_noting(Some(backstop), written);
                    watch.race(initialize).await
                }
                None => session.initialize_noting(None, written).await,
            }
        };
        // `tell` ends once the request is written, or failed before that.
        let (initialized, _) = tokio::join!(initialized, async {
            if let Some(tell) = tell {
                tell.await
            }
        });
        initialized?;
        Ok(session)
    }

    /// Sends the session's `initialize` request (again) and keeps the answer as server info.
    /// `timeout` defaults to the initialize timeout, not the control timeout.
    pub(crate) async fn reinitialize(&self, timeout: Option<Duration>) -> Result<Value> {
        self.initialize_noting(timeout, None).await
    }

    /// [`Session::reinitialize`], telling `written` once the request is written.
    async fn initialize_noting(
        &self,
        timeout: Option<Duration>,
        written: Option<tokio::sync::oneshot::Sender<()>>,
    ) -> Result<Value> {
        let mut request = self.initialize.clone();
        request.insert("subtype".into(), "initialize".into());
        let timeout = timeout.unwrap_or(self.initialize_timeout);
        let info = self
            .shared
            .request_noting_write(Value::Object(request), Some(timeout), written)
            .await?;
        *self.server_info.write().unwrap_or_else(|e| e.into_inner()) = Some(info.clone());
        Ok(info)
    }

    /// Waits until the reader has stopped: the CLI's output ended and no frame will come.
    pub(crate) async fn finished(&self) {
        let mut run = self.shared.run.subscribe();
        let _ = run.wait_for(|run| run.finished).await;
    }

    /// True while the CLI can take a prompt: its input is open and its output has not ended
    /// (the health check of a warm session, [`crate::pool`]).
    pub(crate) fn is_alive(&self) -> bool {
        self.shared.transport.is_ready() && !self.shared.run.borrow().finished
    }

    /// Replaces the server info with what `update` makes of the current one (a claimed spare's
    /// snapshot of its new folder).
    pub(crate) fn replace_server_info(&self, update: impl FnOnce(Option<&Value>) -> Value) {
        let mut info = self.server_info.write().unwrap_or_else(|e| e.into_inner());
        *info = Some(update(info.as_ref()));
    }

    /// The latest answer to `initialize`: commands, models, agents, account, version, ...
    pub(crate) fn server_info(&self) -> Option<Value> {
        self.server_info
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The next message, `None` once the session is over.
    pub(crate) async fn next_message(&self) -> Option<Result<Message>> {
        self.inbox().await.next().await
    }

    /// The next message as JSON text (see [`Inbox::next_json`]), `None` once the session is over.
    pub(crate) async fn next_json(&self) -> Option<Result<crate::transport::JsonMessage>> {
        self.inbox().await.next_json().await
    }

    /// The inbox, locked. The lock is taken outside tokio's cooperative budget: it is no work
    /// of its own, and counted once per message it made a consumer yield every 128 messages
    /// (and cut a binding's batch there) although the next ones were ready; the inbox still
    /// spends budget once per batch it receives.
    async fn inbox(&self) -> tokio::sync::MutexGuard<'_, Inbox> {
        tokio::task::unconstrained(self.messages.lock()).await
    }

    /// Sends a control request and waits for its answer.
    pub(crate) async fn request(&self, request: Value, timeout: Option<Duration>) -> Result<Value> {
        self.shared.request(request, timeout).await
    }

    /// The part of the session that background tasks may hold without keeping it alive.
    pub(crate) fn io(&self) -> Arc<Shared> {
        self.shared.clone()
    }

    /// The user's callbacks, until the CLI's output ended.
    pub(crate) fn handlers(&self) -> Option<Arc<Handlers>> {
        self.shared.handlers()
    }

    /// Runs `task` for as long as the session lives. The task must not hold the `Session`
    /// itself (only [`Session::io`]), or the session could never be dropped.
    pub(crate) fn spawn<F>(&self, task: F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        let (handle, registration) = AbortHandle::new_pair();
        tokio::spawn(Abortable::new(task, registration));
        self.adopt(handle);
    }

    /// Stops the task of `handle` when the session closes, as one it spawned.
    pub(crate) fn adopt(&self, handle: AbortHandle) {
        self.tasks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(handle);
    }

    /// Shuts the CLI down gracefully and reaps it.
    pub(crate) async fn close(&self) -> Result<()> {
        self.shared.closing.store(true, Ordering::SeqCst);
        self.shared
            .pending
            .close(ClosedReason::Other("the session was closed".into()));
        let result = self.shared.transport.close().await;
        // Whatever the CLI mirrored before it exited reaches the store.
        if let Some(mirror) = &self.shared.mirror {
            mirror.close().await;
        }
        self.abort_tasks();
        // The reader was one of those tasks: nothing will come any more.
        self.shared.run.send_modify(|run| run.finished = true);
        result
    }

    fn abort_tasks(&self) {
        for task in self
            .tasks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .drain(..)
        {
            task.abort();
        }
        self.shared.abort_handlers();
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.shared.closing.store(true, Ordering::SeqCst);
        self.shared
            .pending
            .close(ClosedReason::Other("the session was dropped".into()));
        self.abort_tasks();
    }
}

impl Shared {
    /// Writes one user message. A text prompt is sent as the flavour's SDK sends it: as is
    /// (Python), or as one text block (TypeScript).
    pub(crate) async fn send_user(&self, content: Value, session_id: &str) -> Result<()> {
        let message = crate::prompt::user_message(self.flavour, content, session_id);
        self.send_raw(message).await
    }

    /// Writes a caller-built user message object (from a prompt stream), marked
    /// `client_composed` under `verbatim_prompts` (replacing any value the caller set).
    pub(crate) async fn send_raw(&self, mut message: Value) -> Result<()> {
        if self.verbatim_prompts {
            if let Some(object) = message.as_object_mut() {
                object.insert("client_composed".into(), Value::Bool(true));
            }
        }
        // Before the write: the result may be read before the write call returns.
        self.run.send_modify(|run| run.awaiting_result = true);
        self.transport.write(&control::frame(&message)).await
    }

    /// Results seen so far.
    pub(crate) fn results_seen(&self) -> u64 {
        self.run.borrow().results
    }

    /// Closes stdin; the CLI finishes its work and exits.
    pub(crate) async fn end_input(&self) -> Result<()> {
        self.transport.end_input().await
    }

    async fn request(&self, request: Value, timeout: Option<Duration>) -> Result<Value> {
        self.request_noting_write(request, timeout, None).await
    }

    /// [`Shared::request`], telling `written` once the request is written (a request that
    /// fails before that drops it).
    pub(crate) async fn request_noting_write(
        &self,
        mut request: Value,
        timeout: Option<Duration>,
        written: Option<tokio::sync::oneshot::Sender<()>>,
    ) -> Result<Value> {
        let subtype = request
            .get("subtype")
            .and_then(Value::as_str)
            .unwrap_or("unknown")
            .to_string();
        if self.flavour == Flavour::Ts && self.input_ending() {
            return Err(Error::SessionClosed(
                "the input ended with the result".into(),
            ));
        }
        let id = control::next_request_id();
        let mut reply = self.pending.register(&id, &subtype)?;
        if let Err(error) = self
            .transport
            .write(&control::request_frame(&id, request.take()))
            .await
        {
            // A CLI that is gone: its exit status and stderr follow a moment later, and say
            // more (the TypeScript SDK reports them); the Python SDK reports the failed write.
            if self.flavour != Flavour::Python && crate::transport::cli_gone(&error) {
                // Forgotten however the wait ends (its caller may give it up).
                let mut guard = CancelOnDrop {
                    shared: self,
                    id: &id,
                    armed: true,
                };
                let exit = tokio::time::timeout(EXIT_REPORT, &mut reply).await;
                guard.armed = false;
                if let Ok(Ok(Err(exit @ Error::Process { .. }))) = exit {
                    return Err(exit);
                }
            }
            self.pending.forget(&id);
            // The TypeScript SDK queues a request to a query whose input is over, and fails it
            // when the query closes: "Query closed before response received".
            return Err(match error {
                Error::Connection(reason) if self.flavour == Flavour::Ts => {
                    Error::SessionClosed(reason)
                }
                error => error,
            });
        }
        if let Some(written) = written {
            let _ = written.send(());
        }
        // Forgets the request and tells the CLI when the caller gives up (timeout or drop).
        let mut guard = CancelOnDrop {
            shared: self,
            id: &id,
            armed: true,
        };
        let timeout = timeout.unwrap_or(self.control_timeout);
        let outcome = tokio::time::timeout(timeout, reply).await;
        match outcome {
            Ok(Ok(answer)) => {
                guard.armed = false;
                answer
            }
            Ok(Err(_)) => {
                guard.armed = false;
                Err(Error::SessionClosed(
                    "the session ended before the CLI answered".into(),
                ))
            }
            Err(_) => Err(Error::ControlTimeout { subtype, timeout }),
        }
    }

    fn abort_handlers(&self) {
        for (_, task) in self
            .inflight
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .drain()
        {
            task.abort();
        }
    }
}

/// Removes an abandoned request from the pending table and sends `control_cancel_request`.
struct CancelOnDrop<'a> {
    shared: &'a Shared,
    id: &'a str,
    armed: bool,
}

impl Drop for CancelOnDrop<'_> {
    fn drop(&mut self) {
        if !self.armed || !self.shared.pending.forget(self.id) {
            return;
        }
        let transport = self.shared.transport.clone();
        let frame = control::cancel_frame(self.id);
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let _ = transport.write(&frame).await;
            });
        }
    }
}
