//! `ModelServer`: the core's scripted Messages API server, for `claude-wire/testing`.

use crate::errors::invalid;
use claude_wire::model_server::{ModelServer as CoreServer, RecordedRequest, Reply, Script};
use claude_wire::Flavour;
use napi_derive::napi;
use serde_json::Value;
use std::sync::Mutex;

/// A running scripted server (stopped by `close()` or when garbage-collected).
#[napi]
pub struct NativeModelServer {
    server: Mutex<Option<CoreServer>>,
    url: String,
    recorded: Mutex<Vec<RecordedRequest>>,
}

#[napi]
impl NativeModelServer {
    /// Starts a server answering with `script` (a list of replies, or the script object form).
    #[napi(factory)]
    pub async fn start(script: Value) -> napi::Result<NativeModelServer> {
        let script = Script::from_value(script).map_err(|e| invalid(e.message(Flavour::Ts)))?;
        let server = CoreServer::start(script)
            .await
            .map_err(|e| invalid(e.message(Flavour::Ts)))?;
        Ok(NativeModelServer {
            url: server.url(),
            server: Mutex::new(Some(server)),
            recorded: Mutex::new(Vec::new()),
        })
    }

    /// `http://127.0.0.1:<port>`.
    #[napi(getter)]
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Every request received so far (also after `close()`).
    #[napi]
    pub fn requests(&self) -> napi::Result<Value> {
        let records = match &*self.server.lock().unwrap_or_else(|e| e.into_inner()) {
            Some(server) => server.requests(),
            None => self
                .recorded
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone(),
        };
        serde_json::to_value(&records).map_err(invalid)
    }

    /// Appends a reply to the script.
    #[napi]
    pub fn push(&self, reply: Value) -> napi::Result<()> {
        let script = Script::from_value(Value::Array(vec![reply]))
            .map_err(|e| invalid(e.message(Flavour::Ts)))?;
        let replies: Vec<Reply> = script.replies().to_vec();
        match &*self.server.lock().unwrap_or_else(|e| e.into_inner()) {
            Some(server) => server.push_replies(replies),
            None => return Err(invalid("the model server was closed")),
        }
        Ok(())
    }

    /// Stops the server.
    #[napi]
    pub async fn close(&self) {
        let server = self.server.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(server) = server {
            *self.recorded.lock().unwrap_or_else(|e| e.into_inner()) = server.requests();
            server.shutdown().await;
        }
    }
}

/// The environment that runs the CLI offline against the server at `baseUrl`, with its state
/// under `scratch` (the core's `model_server::cli_env`), as `[name, value]` pairs.
#[napi]
pub fn cli_env(base_url: String, scratch: String) -> napi::Result<Vec<Vec<String>>> {
    let pairs = claude_wire::model_server::cli_env(&base_url, std::path::Path::new(&scratch))
        .map_err(invalid)?;
    Ok(pairs.into_iter().map(|(k, v)| vec![k, v]).collect())
}
