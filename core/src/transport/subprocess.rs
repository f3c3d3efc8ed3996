//! The subprocess transport: runs the CLI as a child process and talks over its pipes.
//!
//! Unix only. Needs a tokio runtime with I/O and time enabled.

mod child;
mod stderr;
mod stdout;

use super::host_pipe::{HostLoop, HostPipe};
use super::{CliCommand, FrameStream, LineStream, Transport, DEFAULT_MAX_LINE_SIZE};
use crate::options::StderrCallback;
use crate::{Error, Result};
use async_trait::async_trait;
use child::Child;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use stderr::StderrTail;
use stdout::{Batch, Batches, FrameReceiver, Output, Reader};
use tokio::io::AsyncWriteExt;
use tokio::process::{ChildStderr, ChildStdin, ChildStdout};
use tokio::sync::{mpsc, watch};

/// Batches of frames buffered between the reader task and the stream (backpressure beyond).
const FRAME_BATCHES: usize = 16;
/// After the child ended, how long pipes still held open by its descendants are read.
const DRAIN_AFTER_EXIT: Duration = Duration::from_millis(500);

/// A write refused because the CLI has exited.
const CLI_EXITED: &str = "the CLI process has exited";
/// A write the pipe refused (the CLI closed its stdin or is gone).
const WRITE_FAILED: &str = "writing to the CLI failed";

/// Whether a write failed because the CLI is gone (not because we closed its stdin): how it
/// ended is then reported a moment later.
pub(crate) fn cli_gone(error: &Error) -> bool {
    matches!(error, Error::Connection(reason) if reason == CLI_EXITED || reason.starts_with(WRITE_FAILED))
}

/// Who watches the CLI's stdout.
enum Stdout {
    Reactor(ChildStdout),
    Host(HostPipe),
}

/// Settings of the subprocess transport besides the command.
#[derive(Clone)]
pub struct SubprocessConfig {
    /// Longest accepted stdout line in bytes (see [`FrameDecoder`](crate::transport::FrameDecoder)).
    pub max_line_size: usize,
    /// Receives every stderr line. A panic in it is caught and ignored.
    pub stderr: Option<StderrCallback>,
    /// Copies the CLI's stderr, byte for byte, to this process's stderr (as a CLI that inherits
    /// it would write there), besides the callback and the tail.
    pub pass_stderr_through: bool,
    /// How many bytes of stderr to keep for [`Error::Process`] messages.
    pub stderr_tail_bytes: usize,
    /// On [`close`](Transport::close): how long to wait for the CLI to exit after stdin EOF
    /// before sending SIGTERM.
    pub close_grace: Duration,
    /// On close: how long to wait after SIGTERM before SIGKILL.
    pub term_grace: Duration,
    /// The host's event loop that watches stdout (see [`HostLoop`]); `None`: tokio's reactor.
    pub host_loop: Option<Arc<dyn HostLoop>>,
}

impl Default for SubprocessConfig {
    fn default() -> Self {
        Self {
            max_line_size: DEFAULT_MAX_LINE_SIZE,
            stderr: None,
            pass_stderr_through: false,
            stderr_tail_bytes: 64 * 1024,
            close_grace: Duration::from_secs(5),
            term_grace: Duration::from_secs(5),
            host_loop: None,
        }
    }
}

impl std::fmt::Debug for SubprocessConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SubprocessConfig")
            .field("max_line_size", &self.max_line_size)
            .field("stderr", &self.stderr.as_ref().map(|_| "<callback>"))
            .field("pass_stderr_through", &self.pass_stderr_through)
            .field("stderr_tail_bytes", &self.stderr_tail_bytes)
            .field("close_grace", &self.close_grace)
            .field("term_grace", &self.term_grace)
            .field("host_loop", &self.host_loop.as_ref().map(|_| "<host loop>"))
            .finish()
    }
}

impl SubprocessConfig {
    /// Sets [`max_line_size`](Self::max_line_size).
    pub fn with_max_line_size(mut self, bytes: usize) -> Self {
        self.max_line_size = bytes;
        self
    }

    /// Sets the [`stderr`](Self::stderr) callback.
    pub fn with_stderr(mut self, callback: StderrCallback) -> Self {
        self.stderr = Some(callback);
        self
    }

    /// Sets [`pass_stderr_through`](Self::pass_stderr_through).
    pub fn with_stderr_passed_through(mut self, through: bool) -> Self {
        self.pass_stderr_through = through;
        self
    }

    /// Sets [`stderr_tail_bytes`](Self::stderr_tail_bytes).
    pub fn with_stderr_tail_bytes(mut self, bytes: usize) -> Self {
        self.stderr_tail_bytes = bytes;
        self
    }

    /// Sets both grace periods of [`close`](Transport::close).
    pub fn with_graces(mut self, close_grace: Duration, term_grace: Duration) -> Self {
        self.close_grace = close_grace;
        self.term_grace = term_grace;
        self
    }
}

/// Runs the CLI as a child process.
///
/// The child runs with exactly the command's environment, in its own process group, and (on
/// Linux) is killed when this process dies. stderr is drained by a task. stdout is framed by a
/// reader that runs inside whoever polls the stream of [`read_lines`](Transport::read_lines) or
/// [`read_frames`](Transport::read_frames) (no hand-over between tasks); a stream that is taken
/// but not polled therefore lets the CLI block once its pipe is full, and a dropped stream hands
/// the reader to a task that drains stdout. Dropping the transport without
/// [`close`](Transport::close) kills the process group; the child is always reaped.
pub struct SubprocessTransport {
    command: CliCommand,
    config: SubprocessConfig,
    child: OnceLock<Arc<Child>>,
    connecting: AtomicBool,
    /// Set by close and drop: a failing exit after this point is not reported.
    closing: Arc<AtomicBool>,
    stdin: tokio::sync::Mutex<Option<ChildStdin>>,
    stdin_open: AtomicBool,
    frames_tx: Mutex<Option<mpsc::Sender<Batch>>>,
    output: Mutex<Option<Output>>,
}

impl std::fmt::Debug for SubprocessTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SubprocessTransport")
            .field("program", &self.command.program)
            .field("pid", &self.pid())
            .field("ready", &self.is_ready())
            .finish()
    }
}

impl SubprocessTransport {
    /// A transport that will run `command` when connected.
    pub fn new(command: CliCommand, config: SubprocessConfig) -> Self {
        let (tx, rx) = mpsc::channel(FRAME_BATCHES);
        Self {
            command,
            config,
            child: OnceLock::new(),
            connecting: AtomicBool::new(false),
            closing: Arc::new(AtomicBool::new(false)),
            stdin: tokio::sync::Mutex::new(None),
            stdin_open: AtomicBool::new(false),
            frames_tx: Mutex::new(Some(tx)),
            output: Mutex::new(Some(Output {
                batches: rx,
                reader: None,
            })),
        }
    }

    /// The command this transport runs.
    pub fn command(&self) -> &CliCommand {
        &self.command
    }

    /// The process id of the child, once connected.
    pub fn pid(&self) -> Option<u32> {
        self.child.get().map(|c| c.pid())
    }

    fn connected_child(&self) -> Result<&Arc<Child>> {
        self.child
            .get()
            .ok_or_else(|| Error::Connection("not connected".into()))
    }

    async fn start(&self) -> Result<()> {
        let spawn_error = |source| Error::Spawn {
            path: self.command.program.clone(),
            source: std::sync::Arc::new(source),
        };
        let (child, pipes) = child::spawn(&self.command, self.closing.clone())
            .await
            .map_err(spawn_error)?;
        let stdout = match &self.config.host_loop {
            Some(host) => HostPipe::new(pipes.stdout, host.clone()).map(Stdout::Host),
            None => ChildStdout::from_std(pipes.stdout).map(Stdout::Reactor),
        };
        let tokio_pipes = (
            ChildStdin::from_std(pipes.stdin),
            stdout,
            ChildStderr::from_std(pipes.stderr),
        );
        let _ = self.child.set(child.clone());
        let (stdin, stdout, stderr) = match tokio_pipes {
            (Ok(i), Ok(o), Ok(e)) => (i, o, e),
            (i, o, e) => {
                self.closing.store(true, Ordering::SeqCst);
                child.signal_group(libc::SIGKILL);
                let err = [i.err(), o.err(), e.err()].into_iter().flatten().next();
                return Err(Error::from(
                    err.unwrap_or_else(|| std::io::Error::other("pipe setup failed")),
                ));
            }
        };
        *self.stdin.lock().await = Some(stdin);
        self.stdin_open.store(true, Ordering::SeqCst);
        let tail = Arc::new(Mutex::new(StderrTail::new(self.config.stderr_tail_bytes)));
        let (stderr_done_tx, stderr_done) = watch::channel(false);
        tokio::spawn(stderr::drain(
            stderr,
            stderr::Sinks {
                callback: self.config.stderr.clone(),
                through: self.config.pass_stderr_through,
                tail: tail.clone(),
            },
            stderr_done_tx,
        ));
        if let Some(frames) = lock(&self.frames_tx).take() {
            let reader = Reader {
                child,
                frames: Some(frames),
                tail,
                stderr_done,
                stdout_eof_grace: self.config.close_grace,
            };
            let max_line = self.config.max_line_size;
            let run: futures::future::BoxFuture<'static, ()> = match stdout {
                Stdout::Reactor(stdout) => Box::pin(reader.run(stdout, max_line)),
                Stdout::Host(stdout) => Box::pin(reader.run(stdout, max_line)),
            };
            Output::start(&self.output, run);
        }
        Ok(())
    }

    async fn write_frame(&self, child: &Child, frame: &[u8]) -> Result<()> {
        let mut guard = self.stdin.lock().await;
        let stdin = guard
            .as_mut()
            .ok_or_else(|| Error::Connection("stdin of the CLI is closed".into()))?;
        let mut exit = child.exit_watch();
        let needs_newline = !frame.ends_with(b"\n");
        let write = async {
            stdin.write_all(frame).await?;
            if needs_newline {
                stdin.write_all(b"\n").await?;
            }
            stdin.flush().await
        };
        let outcome = tokio::select! {
            r = write => r.map_err(|e| format!("{WRITE_FAILED}: {e}")),
            _ = exit.wait_for(Option::is_some) => Err(CLI_EXITED.to_string()),
        };
        outcome.map_err(|message| {
            *guard = None;
            self.stdin_open.store(false, Ordering::SeqCst);
            Error::Connection(message)
        })
    }

    /// Closes stdin, giving up after `limit` if a blocked writer holds it.
    async fn close_stdin(&self, limit: Option<Duration>) {
        self.stdin_open.store(false, Ordering::SeqCst);
        let guard = match limit {
            Some(limit) => tokio::time::timeout(limit, self.stdin.lock()).await.ok(),
            None => Some(self.stdin.lock().await),
        };
        if let Some(mut guard) = guard {
            if let Some(mut stdin) = guard.take() {
                let _ = stdin.shutdown().await;
            }
        }
    }
}

#[async_trait]
impl Transport for SubprocessTransport {
    async fn connect(&self) -> Result<()> {
        if self.connecting.swap(true, Ordering::SeqCst) {
            return Err(Error::Connection("already connected".into()));
        }
        let started = self.start().await;
        if started.is_err() {
            // No reader will ever run: end the frame stream.
            lock(&self.frames_tx).take();
        }
        started
    }

    async fn write(&self, frame: &[u8]) -> Result<()> {
        let child = self.connected_child()?;
        if child.has_exited() {
            return Err(Error::Connection(CLI_EXITED.into()));
        }
        self.write_frame(child, frame).await
    }

    fn read_frames(&self) -> Option<FrameStream> {
        let output = lock(&self.output).take()?;
        Some(Box::pin(FrameReceiver {
            batches: Batches::new(output),
            current: Vec::new().into_iter(),
        }))
    }

    fn read_lines(&self) -> Option<LineStream> {
        let output = lock(&self.output).take()?;
        Some(Box::pin(Batches::new(output)))
    }

    async fn end_input(&self) -> Result<()> {
        self.close_stdin(None).await;
        Ok(())
    }

    async fn close(&self) -> Result<()> {
        self.closing.store(true, Ordering::SeqCst);
        lock(&self.frames_tx).take();
        let Some(child) = self.child.get() else {
            return Ok(());
        };
        let grace = self.config.close_grace;
        self.close_stdin(Some(grace)).await;
        if child.wait_exit(Some(grace)).await {
            return Ok(());
        }
        child.signal_group(libc::SIGTERM);
        if child.wait_exit(Some(self.config.term_grace)).await {
            return Ok(());
        }
        child.signal_group(libc::SIGKILL);
        child.wait_exit(None).await;
        Ok(())
    }

    async fn kill(&self) -> Result<()> {
        self.closing.store(true, Ordering::SeqCst);
        lock(&self.frames_tx).take();
        if let Some(child) = self.child.get() {
            child.signal_group(libc::SIGKILL);
            child.wait_exit(None).await;
        }
        Ok(())
    }

    fn is_ready(&self) -> bool {
        self.child.get().is_some_and(|c| !c.has_exited())
            && self.stdin_open.load(Ordering::SeqCst)
            && !self.closing.load(Ordering::SeqCst)
    }
}

impl Drop for SubprocessTransport {
    fn drop(&mut self) {
        self.closing.store(true, Ordering::SeqCst);
        if let Some(child) = self.child.get() {
            // The child's waiter thread reaps it.
            child.signal_group(libc::SIGKILL);
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
