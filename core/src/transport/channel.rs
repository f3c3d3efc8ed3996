//! An in-memory transport: the other end is a [`CliPeer`] that plays the CLI.
//!
//! Useful for deterministic protocol tests of your own code and of claude-wire itself.

use super::{FrameStream, Transport};
use crate::{Error, Result};
use async_trait::async_trait;
use futures::StreamExt;
use serde_json::Value;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use tokio::sync::{mpsc, watch};
use tokio_stream::wrappers::UnboundedReceiverStream;

/// Creates a connected pair: the transport for a session and the peer that plays the CLI.
pub fn channel_transport() -> (ChannelTransport, CliPeer) {
    let (to_sdk, from_peer) = mpsc::unbounded_channel();
    let (to_peer, from_sdk) = mpsc::unbounded_channel();
    let (closed_tx, closed_rx) = watch::channel(false);
    let transport = ChannelTransport {
        frames: Mutex::new(Some(from_peer)),
        to_peer: Mutex::new(Some(to_peer)),
        closed: closed_tx,
        ready: AtomicBool::new(true),
    };
    (
        transport,
        CliPeer {
            to_sdk: Some(to_sdk),
            from_sdk,
            closed: closed_rx,
        },
    )
}

/// The session side of [`channel_transport`].
pub struct ChannelTransport {
    frames: Mutex<Option<mpsc::UnboundedReceiver<Result<Value>>>>,
    to_peer: Mutex<Option<mpsc::UnboundedSender<Value>>>,
    closed: watch::Sender<bool>,
    ready: AtomicBool,
}

#[async_trait]
impl Transport for ChannelTransport {
    async fn connect(&self) -> Result<()> {
        Ok(())
    }

    async fn write(&self, frame: &[u8]) -> Result<()> {
        let value: Value = serde_json::from_slice(frame)?;
        let peer = self.to_peer.lock().unwrap_or_else(|e| e.into_inner());
        match peer.as_ref() {
            Some(peer) if peer.send(value).is_ok() => Ok(()),
            _ => Err(Error::Connection("the peer's input is closed".into())),
        }
    }

    fn read_frames(&self) -> Option<FrameStream> {
        let frames = self
            .frames
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()?;
        let mut closed = self.closed.subscribe();
        let stop = async move {
            let _ = closed.wait_for(|closed| *closed).await;
        };
        Some(
            UnboundedReceiverStream::new(frames)
                .take_until(stop)
                .boxed(),
        )
    }

    async fn end_input(&self) -> Result<()> {
        self.ready.store(false, Ordering::SeqCst);
        self.to_peer
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        Ok(())
    }

    async fn close(&self) -> Result<()> {
        self.end_input().await?;
        self.closed.send_replace(true);
        Ok(())
    }

    fn is_ready(&self) -> bool {
        self.ready.load(Ordering::SeqCst)
    }
}

/// The CLI side of [`channel_transport`]: read what the session wrote, send it frames.
pub struct CliPeer {
    to_sdk: Option<mpsc::UnboundedSender<Result<Value>>>,
    from_sdk: mpsc::UnboundedReceiver<Value>,
    closed: watch::Receiver<bool>,
}

impl CliPeer {
    /// The next frame the session wrote; `None` once its input was closed.
    pub async fn recv(&mut self) -> Option<Value> {
        self.from_sdk.recv().await
    }

    /// Sends one frame to the session.
    pub fn send(&self, frame: Value) {
        if let Some(tx) = &self.to_sdk {
            let _ = tx.send(Ok(frame));
        }
    }

    /// Sends an error item (as a subprocess transport would for a bad line or a failed exit).
    pub fn send_error(&self, error: Error) {
        if let Some(tx) = &self.to_sdk {
            let _ = tx.send(Err(error));
        }
    }

    /// Ends the session's frame stream, as if the CLI exited.
    pub fn exit(&mut self) {
        self.to_sdk = None;
    }

    /// True once the session closed the transport.
    pub fn is_closed(&self) -> bool {
        *self.closed.borrow()
    }

    /// Answers the next control request if it is an `initialize`, with `response`; returns the
    /// request body.
    pub async fn accept_initialize(&mut self, response: Value) -> Option<Value> {
        let frame = self.recv().await?;
        let id = frame.get("request_id")?.as_str()?.to_string();
        let request = frame.get("request")?.clone();
        if request.get("subtype")?.as_str()? != "initialize" {
            return None;
        }
        self.send(serde_json::json!({
            "type": "control_response",
            "response": {"subtype": "success", "request_id": id, "response": response},
        }));
        Some(request)
    }
}
