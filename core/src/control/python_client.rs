//! The control methods of the official Python SDK's `ClaudeSDKClient`: their names, parameters
//! and one-line docs. The Python binding makes the client's methods from this table; each one
//! is sent as [`crate::control::Control::call`] sends that name.

/// One method of the Python client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientMethod {
    /// Its name, as the method table ([`crate::control::ControlRequest::for_method`]) knows it.
    pub name: &'static str,
    /// Its parameters in order: the name, and whether it defaults to `None`.
    pub params: &'static [(&'static str, bool)],
    /// What it does, in one line.
    pub doc: &'static str,
}

const fn m(
    name: &'static str,
    params: &'static [(&'static str, bool)],
    doc: &'static str,
) -> ClientMethod {
    ClientMethod { name, params, doc }
}

/// The official Python client's control methods (0.2.187), in its order.
pub const PYTHON_CLIENT_METHODS: &[ClientMethod] = &[
    m("interrupt", &[], "Interrupts the running turn."),
    m(
        "set_permission_mode",
        &[("mode", false)],
        "Changes the permission mode of the session.",
    ),
    m(
        "set_model",
        &[("model", true)],
        "Switches the model (``None`` restores the default).",
    ),
    m(
        "rewind_files",
        &[("user_message_id", false)],
        "Restores files to their state at a user message (needs ``enable_file_checkpointing``).",
    ),
    m(
        "get_mcp_status",
        &[],
        "Status of every MCP server (``{\"mcpServers\": [...]}``).",
    ),
    m(
        "reconnect_mcp_server",
        &[("server_name", false)],
        "Reconnects an MCP server.",
    ),
    m(
        "toggle_mcp_server",
        &[("server_name", false), ("enabled", false)],
        "Enables or disables an MCP server.",
    ),
    m(
        "stop_task",
        &[("task_id", false)],
        "Stops a background task.",
    ),
    m(
        "get_context_usage",
        &[],
        "Breakdown of the context window usage.",
    ),
    m(
        "get_server_info",
        &[],
        "The CLI's answer to the initialize request (commands, models, ...).",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::ControlRequest;
    use serde_json::{Map, Value};

    #[test]
    fn every_client_method_is_one_the_core_sends() {
        for method in PYTHON_CLIENT_METHODS {
            if method.name == "get_server_info" {
                continue; // Answered from the `initialize` answer, without a request.
            }
            let args: Map<String, Value> = method
                .params
                .iter()
                .map(|(name, _)| ((*name).to_owned(), Value::Null))
                .collect();
            assert!(
                ControlRequest::for_method(method.name, &args).is_ok(),
                "{}",
                method.name
            );
        }
    }
}
