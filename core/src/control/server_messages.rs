//! An in-process MCP server's own messages to the CLI, outside a tool call (inside one, the
//! call's [`ServerLink`] sends them): notifications and requests, as `mcp_message` control
//! requests written without waiting for their control answer.

use super::Control;
use crate::mcp::{ServerLink, Unanswered};
use crate::{Error, Result};
use serde_json::{Map, Value};
use std::sync::{Arc, Weak};
use std::time::Duration;

impl Control {
    /// Sends `notification` of the in-process server `server_name` to the CLI (a changed
    /// tool list, say): [`ServerLink::notify`].
    pub async fn mcp_notify(&self, server_name: &str, notification: Value) -> Result<()> {
        self.server_link(server_name)?.notify(notification).await
    }

    /// Sends `request` of the in-process server `server_name` to the CLI and waits for the
    /// answer's `result`: [`ServerLink::request`].
    pub async fn mcp_request(
        &self,
        server_name: &str,
        request: Map<String, Value>,
        timeout: Option<Duration>,
    ) -> Result<Value> {
        self.server_link(server_name)?
            .request(request, timeout)
            .await
    }

    fn server_link(&self, server_name: &str) -> Result<ServerLink> {
        let server = self
            .session
            .handlers()
            .and_then(|handlers| handlers.mcp_servers.find(server_name))
            .ok_or_else(|| Error::Mcp {
                code: None,
                message: format!("no in-process MCP server named {server_name}"),
            })?;
        let io = self.session.io();
        let session: Weak<dyn Unanswered> = Arc::downgrade(&io) as _;
        Ok(ServerLink::new(
            session,
            server.outgoing.clone(),
            server_name,
        ))
    }
}
