//! The CLI's stdout: a reader that splits it into batches of lines, and the streams that hand
//! them over. Whoever polls a stream drives the reader itself, so reading and routing happen
//! in one task with no wake-up between them; once the stream is dropped (or was taken before
//! the CLI started), the reader runs as a task of its own and drains stdout.

use super::child::{Child, Exit};
use super::stderr::StderrTail;
use super::{lock, DRAIN_AFTER_EXIT};
use crate::transport::chunks::ChunkPool;
use crate::transport::{parse_owned_line, FrameDecoder, Line};
use crate::{Error, Result};
use bytes::Bytes;
use futures::future::BoxFuture;
use futures::Stream;
use serde_json::Value;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::sync::{mpsc, watch};

/// The lines of one read (or the errors that end the output).
pub(super) type Batch = Vec<Result<Bytes>>;

/// The output side of a transport before a stream takes it: the batches, and the reader once
/// the CLI has started.
pub(super) struct Output {
    pub(super) batches: mpsc::Receiver<Batch>,
    pub(super) reader: Option<BoxFuture<'static, ()>>,
}

impl Output {
    /// Runs `reader` for whoever takes the output, or as a task if it was taken already.
    pub(super) fn start(slot: &Mutex<Option<Output>>, reader: BoxFuture<'static, ()>) {
        match lock(slot).as_mut() {
            Some(output) => output.reader = Some(reader),
            None => drop(tokio::spawn(reader)),
        }
    }
}

/// The stream of batches; polling it polls the reader first (see the module docs).
pub(super) struct Batches {
    output: Output,
}

impl Batches {
    pub(super) fn new(output: Output) -> Self {
        Batches { output }
    }
}

impl Stream for Batches {
    type Item = Batch;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Batch>> {
        let output = &mut self.output;
        let Some(reader) = output.reader.as_mut() else {
            return output.batches.poll_recv(cx);
        };
        // The reader runs in this task and sends only while polled here, so the channel is
        // read without leaving this task's waker in it: the reader's send would wake the very
        // task that runs it, and tokio hands such a wake to another worker thread, a futex
        // wake-up and a context switch at every read of stdout.
        let took = |batches: &mut mpsc::Receiver<Batch>| match batches.try_recv() {
            Ok(batch) => Some(Some(batch)),
            Err(mpsc::error::TryRecvError::Disconnected) => Some(None),
            Err(mpsc::error::TryRecvError::Empty) => None,
        };
        if let Some(item) = took(&mut output.batches) {
            return Poll::Ready(item);
        }
        if reader.as_mut().poll(cx).is_ready() {
            output.reader = None;
            return output.batches.poll_recv(cx);
        }
        took(&mut output.batches).map_or(Poll::Pending, Poll::Ready)
    }
}

impl Drop for Batches {
    fn drop(&mut self) {
        // Nobody reads any more, but the CLI must not block on a full pipe.
        if let (Some(reader), Ok(runtime)) = (
            self.output.reader.take(),
            tokio::runtime::Handle::try_current(),
        ) {
            drop(runtime.spawn(reader));
        }
    }
}

/// Reads stdout into batches of lines.
pub(super) struct Reader {
    pub(super) child: Arc<Child>,
    /// `None` once the stream was dropped: stdout is then drained and discarded.
    pub(super) frames: Option<mpsc::Sender<Batch>>,
    pub(super) tail: Arc<Mutex<StderrTail>>,
    pub(super) stderr_done: watch::Receiver<bool>,
    /// How long the child may live on after closing stdout.
    pub(super) stdout_eof_grace: Duration,
}

impl Reader {
    pub(super) async fn run(mut self, mut stdout: impl AsyncRead + Unpin, max_line: usize) {
        let mut decoder = FrameDecoder::new(max_line);
        let pool = Arc::new(ChunkPool::default());
        let mut buf = pool.take();
        let mut exit = self.child.exit_watch();
        let mut deadline = None;
        while read_chunk(&mut stdout, &mut buf, &mut exit, &mut deadline)
            .await
            .is_some()
        {
            // Lines are handed over as slices of the chunk they were read in.
            let chunk = pool.share(&mut buf);
            if self.frames.is_some() {
                let mut batch = Vec::new();
                decoder.decode_lines(&chunk, &mut |item| {
                    batch.push(item.map(|line| share(&chunk, line)))
                });
                self.send(batch).await;
            }
        }
        let mut batch = Vec::new();
        decoder.finish_lines(&mut |item| batch.push(item.map(|line| share(&Bytes::new(), line))));
        if !self.child.wait_exit(Some(self.stdout_eof_grace)).await {
            // Output is over but the CLI lives on: nobody can hear from it again.
            self.child.signal_group(libc::SIGKILL);
            self.child.wait_exit(None).await;
            if !self.child.exit().is_some_and(|e| e.by_us) {
                batch.push(Err(Error::Connection(format!(
                    "the Claude Code CLI closed its output but did not exit within {:?}; it was killed",
                    self.stdout_eof_grace
                ))));
            }
        } else if let Some(error) = self.exit_error().await {
            batch.push(Err(error));
        }
        self.send(batch).await;
    }

    async fn send(&mut self, batch: Batch) {
        if batch.is_empty() {
            return;
        }
        if let Some(frames) = &self.frames {
            if frames.send(batch).await.is_err() {
                self.frames = None;
            }
        }
    }

    /// The error for a failed exit that we did not cause.
    async fn exit_error(&mut self) -> Option<Error> {
        let exit: Exit = self.child.exit()?;
        if exit.success() || exit.by_us {
            return None;
        }
        let _ =
            tokio::time::timeout(DRAIN_AFTER_EXIT, self.stderr_done.wait_for(|done| *done)).await;
        let stderr = lock(&self.tail).text();
        Some(Error::Process {
            exit_code: exit.code,
            signal: exit.signal,
            stderr,
        })
    }
}

/// Reads the next chunk of stdout; `None` at EOF (or on a read error). Once the child has
/// exited, stops when the pipe stays empty past a short deadline, so descendants holding stdout
/// open cannot keep the stream alive.
async fn read_chunk(
    stdout: &mut (impl AsyncRead + Unpin),
    buf: &mut Vec<u8>,
    exit: &mut watch::Receiver<Option<Exit>>,
    deadline: &mut Option<tokio::time::Instant>,
) -> Option<usize> {
    loop {
        let read = match *deadline {
            Some(at) => tokio::time::timeout_at(at, stdout.read_buf(buf))
                .await
                .ok()?,
            None => tokio::select! {
                r = stdout.read_buf(buf) => r,
                _ = exit.wait_for(Option::is_some) => {
                    *deadline = Some(tokio::time::Instant::now() + DRAIN_AFTER_EXIT);
                    continue;
                }
            },
        };
        return match read {
            Ok(0) | Err(_) => None,
            Ok(n) => Some(n),
        };
    }
}

/// A line as shared bytes, without a copy: a slice of `chunk` (where it lies), or the gathered
/// buffer itself.
fn share(chunk: &Bytes, line: Line<'_>) -> Bytes {
    match line {
        Line::InChunk(line) if chunk.as_ptr_range().contains(&line.as_ptr()) => {
            chunk.slice_ref(line)
        }
        Line::InChunk(line) => Bytes::copy_from_slice(line),
        Line::Gathered(line) => Bytes::from(line),
    }
}

/// The frame stream of a subprocess transport: flattens the batches and parses.
pub(super) struct FrameReceiver {
    pub(super) batches: Batches,
    pub(super) current: std::vec::IntoIter<Result<Bytes>>,
}

impl Stream for FrameReceiver {
    type Item = Result<Value>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(item) = self.current.next() {
                return Poll::Ready(Some(item.and_then(parse_owned_line)));
            }
            match Pin::new(&mut self.batches).poll_next(cx) {
                Poll::Ready(Some(batch)) => self.current = batch.into_iter(),
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}
