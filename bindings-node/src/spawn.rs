//! `spawnClaudeCodeProcess`: a CLI the user's function starts (in a VM, a container, over
//! SSH...), spoken to through the process object it returns.
//!
//! The core builds the command (argv, the complete environment, cwd) as for its own
//! subprocess; the JS layer hands it to the user's function and wires the returned process:
//! writes and signals go out through the session's dispatcher (`spawn`, `write`, `endInput`,
//! `kill`), stdout chunks and the exit come back through `NativeQuery.pushStdout` /
//! `processExited`. Closing follows the TypeScript SDK: end stdin, wait the flavour's grace,
//! SIGTERM, then SIGKILL 5 s later.

use crate::callbacks::Bridge;
use async_trait::async_trait;
use claude_wire::transport::{CliCommand, FrameDecoder, FrameStream, Transport};
use claude_wire::{Error, Flavour, Result};
use futures::StreamExt;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// How the process ended: `(exit code, signal name)`.
type Exit = Option<(Option<i32>, Option<String>)>;

/// The transport over a user-spawned process.
pub struct JsProcess {
    command: CliCommand,
    bridge: Arc<Bridge>,
    decoder: Mutex<FrameDecoder>,
    tx: Mutex<Option<mpsc::UnboundedSender<Result<Value>>>>,
    rx: Mutex<Option<mpsc::UnboundedReceiver<Result<Value>>>>,
    exit: watch::Sender<Exit>,
    ready: AtomicBool,
}

impl JsProcess {
    /// A transport that will run `command` through the user's spawn function.
    pub fn new(command: CliCommand, bridge: Arc<Bridge>, max_line: usize) -> Arc<JsProcess> {
        let (tx, rx) = mpsc::unbounded_channel();
        Arc::new(JsProcess {
            command,
            bridge,
            decoder: Mutex::new(FrameDecoder::new(max_line)),
            tx: Mutex::new(Some(tx)),
            rx: Mutex::new(Some(rx)),
            exit: watch::channel(None).0,
            ready: AtomicBool::new(false),
        })
    }

    /// A chunk of the process's stdout.
    pub fn stdout(&self, chunk: &[u8]) {
        let tx = self.tx.lock().unwrap_or_else(|e| e.into_inner());
        let Some(tx) = tx.as_ref() else { return };
        let mut decoder = self.decoder.lock().unwrap_or_else(|e| e.into_inner());
        decoder.decode(chunk, &mut |item| {
            let _ = tx.send(item);
        });
    }

    /// The process exited (`signal` is the signal's name, e.g. `SIGKILL`); its output ends.
    pub fn exited(&self, code: Option<i32>, signal: Option<String>) {
        self.ready.store(false, Ordering::SeqCst);
        let failed = code.is_some_and(|c| c != 0) || signal.is_some();
        self.exit.send_replace(Some((code, signal.clone())));
        let Some(tx) = self.tx.lock().unwrap_or_else(|e| e.into_inner()).take() else {
            return;
        };
        let mut decoder = self.decoder.lock().unwrap_or_else(|e| e.into_inner());
        decoder.finish(&mut |item| {
            let _ = tx.send(item);
        });
        if failed {
            let _ = tx.send(Err(Error::Process {
                exit_code: code,
                signal: signal.as_deref().and_then(signal_number),
                stderr: String::new(),
            }));
        }
    }

    async fn call(&self, kind: &str, payload: Value) -> Result<Value> {
        self.bridge
            .call(kind, 0, payload)
            .await
            .map_err(|e| Error::Connection(format!("spawnClaudeCodeProcess: {e}")))
    }

    async fn wait_exit(&self, limit: Duration) -> bool {
        let mut exit = self.exit.subscribe();
        let exited = tokio::time::timeout(limit, exit.wait_for(Option::is_some)).await;
        exited.is_ok()
    }
}

impl Drop for JsProcess {
    /// A process still running when its session is gone (a failed start, a dropped query) is
    /// killed, as the core kills its own subprocess.
    fn drop(&mut self) {
        if self.exit.borrow().is_none() && self.ready.load(Ordering::SeqCst) {
            self.bridge.notify("kill", "SIGKILL".into());
        }
    }
}

fn signal_number(name: &str) -> Option<i32> {
    Some(match name {
        "SIGHUP" => 1,
        "SIGINT" => 2,
        "SIGKILL" => 9,
        "SIGSEGV" => 11,
        "SIGPIPE" => 13,
        "SIGTERM" => 15,
        _ => return None,
    })
}

#[async_trait]
impl Transport for JsProcess {
    async fn connect(&self) -> Result<()> {
        let c = &self.command;
        let env: serde_json::Map<String, Value> = c
            .env
            .iter()
            .map(|(k, v)| (k.to_string_lossy().into_owned(), v.to_string_lossy().into()))
            .collect();
        let spec = json!({
            "command": c.program.to_string_lossy(),
            "args": c.args.iter().map(|a| a.to_string_lossy()).collect::<Vec<_>>(),
            "cwd": c.cwd.as_ref().map(|d| d.to_string_lossy()),
            "env": env,
        });
        self.call("spawn", spec).await?;
        self.ready.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn write(&self, frame: &[u8]) -> Result<()> {
        if !self.is_ready() {
            return Err(Error::Connection("the CLI process has exited".into()));
        }
        let text = String::from_utf8_lossy(frame).into_owned();
        self.call("write", Value::String(text)).await.map(drop)
    }

    fn read_frames(&self) -> Option<FrameStream> {
        let mut rx = self.rx.lock().unwrap_or_else(|e| e.into_inner()).take()?;
        Some(futures::stream::poll_fn(move |cx| rx.poll_recv(cx)).boxed())
    }

    async fn end_input(&self) -> Result<()> {
        self.call("endInput", Value::Null).await.map(drop)
    }

    async fn close(&self) -> Result<()> {
        if self.exit.borrow().is_some() {
            return Ok(());
        }
        let _ = self.end_input().await;
        if self.wait_exit(Flavour::Ts.close_grace()).await {
            return Ok(());
        }
        let _ = self.call("kill", "SIGTERM".into()).await;
        if !self.wait_exit(Duration::from_secs(5)).await {
            self.kill().await?;
        }
        Ok(())
    }

    async fn kill(&self) -> Result<()> {
        self.call("kill", "SIGKILL".into()).await.map(drop)
    }

    fn is_ready(&self) -> bool {
        self.ready.load(Ordering::SeqCst)
    }
}
