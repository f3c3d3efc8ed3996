//! Every control request an SDK sends to the CLI, as one serde-tagged enum.
//!
//! The serde form of a [`ControlRequest`] is its wire form: `{"subtype": S, ...fields}`. Subtypes
//! and field names follow what the official Python SDK (0.2.187) and TypeScript SDK (0.3.330)
//! write; requests this version does not know travel verbatim as [`ControlRequest::Other`].
//! Each request is also a struct of its own implementing [`ControlCall`], which names the type
//! of the CLI's answer, so `control.send(McpStatus {})` returns a typed [`McpStatusAnswer`].

use super::answers::{
    ContextUsage, InterruptAnswer, McpSetServersAnswer, McpStatusAnswer, ReadFileAnswer,
    RewindFilesAnswer,
};
use crate::options::PermissionMode;
use crate::{Error, Result};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A control request whose answer has a known type.
///
/// Implemented by every request struct of this module and by [`ControlRequest`] itself (whose
/// answer is the raw JSON).
pub trait ControlCall {
    /// The decoded `response` of the CLI's success answer.
    type Answer: DeserializeOwned;

    /// The request as a member of the tagged enum.
    fn into_request(self) -> ControlRequest;
}

impl ControlCall for ControlRequest {
    type Answer = Value;

    fn into_request(self) -> ControlRequest {
        self
    }
}

/// Decodes the `response` of a success answer into `T`. A missing response (`null`) counts
/// as an empty object, so answer structs whose fields are all optional still decode.
pub(crate) fn decode_answer<T: DeserializeOwned>(subtype: &str, answer: Value) -> Result<T> {
    let was_null = answer.is_null();
    match serde_json::from_value::<T>(answer.clone()) {
        Ok(decoded) => Ok(decoded),
        Err(_) if was_null => {
            serde_json::from_value(Value::Object(Map::new())).map_err(|e| Error::MessageParse {
                kind: format!("control_response to {subtype}"),
                message: e.to_string(),
                raw: answer,
            })
        }
        Err(e) => Err(Error::MessageParse {
            kind: format!("control_response to {subtype}"),
            message: e.to_string(),
            raw: answer,
        }),
    }
}

impl ControlRequest {
    /// Decodes a request from its wire form (`{"subtype": ..., ...}`), as a binding hands it over.
    ///
    /// The frame sent is always exactly `value`: when the typed form would write it differently
    /// (an unknown subtype, a missing or extra field, another spelling), the request is kept
    /// verbatim as [`ControlRequest::Other`].
    pub fn from_value(value: Value) -> Result<ControlRequest> {
        if value.get("subtype").and_then(Value::as_str).is_none() {
            return Err(Error::InvalidOptions(format!(
                "a control request is an object with a string \"subtype\", not {value}"
            )));
        }
        match serde_json::from_value::<ControlRequest>(value.clone()) {
            Ok(typed)
                if !matches!(typed, ControlRequest::Other(_)) && typed.to_value() == value =>
            {
                Ok(typed)
            }
            _ => Ok(ControlRequest::Other(value)),
        }
    }

    /// The wire form of the request (the `request` object of the envelope).
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).expect("a control request always serialises")
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Declares the enum from the list of request structs: one variant per subtype, `From` into the
/// enum and [`ControlCall`] with the answer type.
macro_rules! control_requests {
    ($( $(#[$doc:meta])* $subtype:literal => $name:ident -> $answer:ty, )*) => {
        /// Every control request an SDK sends to the CLI, tagged by `subtype` on the wire.
        ///
        /// Build one from a request struct (`McpReconnect { server_name }.into()`), from JSON with
        /// [`ControlRequest::from_value`], or pass the struct straight to
        /// [`Control::send`](crate::control::Control::send) to get a typed answer.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "subtype")]
        #[non_exhaustive]
        pub enum ControlRequest {
            $( $(#[$doc])* #[serde(rename = $subtype)] $name($name), )*
            /// Any other request, written verbatim (it must hold a string `subtype`).
            #[serde(untagged)]
            Other(Value),
        }

        impl ControlRequest {
            /// The wire subtype (`interrupt`, `mcp_status`, ...).
            pub fn subtype(&self) -> &str {
                match self {
                    $( ControlRequest::$name(_) => $subtype, )*
                    ControlRequest::Other(value) => value
                        .get("subtype")
                        .and_then(Value::as_str)
                        .unwrap_or("unknown"),
                }
            }
        }

        $(
            impl From<$name> for ControlRequest {
                fn from(request: $name) -> Self {
                    ControlRequest::$name(request)
                }
            }

            impl ControlCall for $name {
                type Answer = $answer;

                fn into_request(self) -> ControlRequest {
                    ControlRequest::$name(self)
                }
            }
        )*
    };
}

control_requests! {
    /// `interrupt`: stops the running turn (both SDKs).
    "interrupt" => Interrupt -> InterruptAnswer,
    /// `set_permission_mode`: changes the permission mode (both SDKs).
    "set_permission_mode" => SetPermissionMode -> Value,
    /// `set_model`: switches the model, `null` for the default (both SDKs).
    "set_model" => SetModel -> Value,
    /// `set_max_thinking_tokens`: the thinking budget (TypeScript SDK; deprecated there).
    "set_max_thinking_tokens" => SetMaxThinkingTokens -> Value,
    /// `apply_flag_settings`: settings at flag precedence, mid-session (TypeScript SDK).
    "apply_flag_settings" => ApplyFlagSettings -> Value,
    /// `update_settings`: writes keys to a settings file (TypeScript SDK).
    "update_settings" => UpdateSettings -> Value,
    /// `get_settings`: the effective settings and where they come from (TypeScript SDK).
    "get_settings" => GetSettings -> Value,
    /// `get_hooks_listing`: configured hooks and the hook event catalogue (TypeScript SDK).
    "get_hooks_listing" => GetHooksListing -> Value,
    /// `list_permission_rules`: the permission rules in force (TypeScript SDK).
    "list_permission_rules" => ListPermissionRules -> Value,
    /// `rewind_files`: restores files to their state at a user message (both SDKs).
    "rewind_files" => RewindFiles -> RewindFilesAnswer,
    /// `cancel_async_message`: drops a queued user message (TypeScript SDK).
    "cancel_async_message" => CancelAsyncMessage -> Value,
    /// `seed_read_state`: tells the CLI a file was read at some mtime (TypeScript SDK).
    "seed_read_state" => SeedReadState -> Value,
    /// `set_cwd`: moves the session to another working directory (TypeScript SDK).
    "set_cwd" => SetCwd -> Value,
    /// `mcp_status`: status of every MCP server (both SDKs).
    "mcp_status" => McpStatus -> McpStatusAnswer,
    /// `mcp_reconnect`: reconnects one MCP server (both SDKs).
    "mcp_reconnect" => McpReconnect -> Value,
    /// `mcp_toggle`: enables or disables one MCP server (both SDKs).
    "mcp_toggle" => McpToggle -> Value,
    /// `mcp_set_servers`: replaces the dynamically added MCP servers (TypeScript SDK).
    "mcp_set_servers" => McpSetServers -> McpSetServersAnswer,
    /// `mcp_read_resource`: reads one UI resource of an MCP server (TypeScript SDK).
    "mcp_read_resource" => McpReadResource -> Value,
    /// `set_mcp_permission_mode_override`: pins a per-server permission mode (TypeScript SDK).
    "set_mcp_permission_mode_override" => SetMcpPermissionModeOverride -> Value,
    /// `channel_enable`: enables an MCP server's channel (TypeScript SDK).
    "channel_enable" => ChannelEnable -> Value,
    /// `mcp_authenticate`: starts an MCP server's OAuth flow (TypeScript SDK).
    "mcp_authenticate" => McpAuthenticate -> Value,
    /// `mcp_clear_auth`: forgets an MCP server's credentials (TypeScript SDK).
    "mcp_clear_auth" => McpClearAuth -> Value,
    /// `mcp_oauth_callback_url`: hands the OAuth callback URL to the CLI (TypeScript SDK).
    "mcp_oauth_callback_url" => McpOauthCallbackUrl -> Value,
    /// `mcp_message`: a JSON-RPC message from an in-process MCP server to the CLI (TypeScript SDK).
    "mcp_message" => McpMessage -> Value,
    /// `claude_authenticate`: starts a Claude login (TypeScript SDK).
    "claude_authenticate" => ClaudeAuthenticate -> Value,
    /// `claude_oauth_callback`: finishes a Claude login with its code (TypeScript SDK).
    "claude_oauth_callback" => ClaudeOauthCallback -> Value,
    /// `claude_oauth_wait_for_completion`: waits for a Claude login (TypeScript SDK).
    "claude_oauth_wait_for_completion" => ClaudeOauthWaitForCompletion -> Value,
    /// `stop_task`: stops a background task (both SDKs).
    "stop_task" => StopTask -> Value,
    /// `background_tasks`: moves running foreground work to the background (TypeScript SDK).
    "background_tasks" => BackgroundTasks -> Value,
    /// `get_task_output`: the output of a shell or monitor task (TypeScript SDK).
    "get_task_output" => GetTaskOutput -> Value,
    /// `get_context_usage`: how the context window is used (both SDKs).
    "get_context_usage" => GetContextUsage -> ContextUsage,
    /// `get_usage`: session cost, token totals and plan limits (TypeScript SDK, experimental).
    "get_usage" => GetUsage -> Value,
    /// `reload_plugins`: reloads plugins from disk (TypeScript SDK).
    "reload_plugins" => ReloadPlugins -> Value,
    /// `reload_skills`: reloads skills from disk (TypeScript SDK).
    "reload_skills" => ReloadSkills -> Value,
    /// `reload_output_styles`: reloads output styles from disk (TypeScript SDK).
    "reload_output_styles" => ReloadOutputStyles -> Value,
    /// `read_file`: reads a file through the CLI's read rules (TypeScript SDK).
    "read_file" => ReadFile -> ReadFileAnswer,
    /// `get_plan`: the current plan, if any (TypeScript SDK).
    "get_plan" => GetPlan -> Value,
    /// `get_memory_dialog`: the memory files and folders (TypeScript SDK).
    "get_memory_dialog" => GetMemoryDialog -> Value,
    /// `get_skills_dialog`: the skills listing (TypeScript SDK).
    "get_skills_dialog" => GetSkillsDialog -> Value,
    /// `get_status`: the `/status` report (TypeScript SDK).
    "get_status" => GetStatus -> Value,
    /// `export_conversation`: the conversation as text (TypeScript SDK).
    "export_conversation" => ExportConversation -> Value,
    /// `get_sandbox_dialog`: the sandbox settings report (TypeScript SDK).
    "get_sandbox_dialog" => GetSandboxDialog -> Value,
    /// `get_chrome_dialog`: the Claude-in-Chrome report (TypeScript SDK).
    "get_chrome_dialog" => GetChromeDialog -> Value,
    /// `get_chrome_browsers`: connected Chrome browsers (TypeScript SDK).
    "get_chrome_browsers" => GetChromeBrowsers -> Value,
    /// `select_chrome_browser`: picks a Chrome browser (TypeScript SDK).
    "select_chrome_browser" => SelectChromeBrowser -> Value,
    /// `set_chrome_browser_hints`: browser hints of a remote-hosted session (TypeScript SDK).
    "set_chrome_browser_hints" => SetChromeBrowserHints -> Value,
    /// `set_prompt_suggestions_paused`: pauses or resumes prompt suggestions (TypeScript SDK).
    "set_prompt_suggestions_paused" => SetPromptSuggestionsPaused -> Value,
    /// `rename_session`: sets the session title (TypeScript SDK).
    "rename_session" => RenameSession -> Value,
    /// `generate_session_title`: asks the model for a session title (TypeScript SDK).
    "generate_session_title" => GenerateSessionTitle -> Value,
    /// `side_question`: a question answered beside the conversation (TypeScript SDK).
    "side_question" => SideQuestion -> Value,
    /// `message_rated`: thumbs up or down on a message (TypeScript SDK).
    "message_rated" => MessageRated -> Value,
    /// `submit_feedback`: sends feedback (TypeScript SDK).
    "submit_feedback" => SubmitFeedback -> Value,
    /// `submit_survey_feedback`: sends a survey answer (TypeScript SDK).
    "submit_survey_feedback" => SubmitSurveyFeedback -> Value,
    /// `ultrareview_launch`: launches a remote review (TypeScript SDK).
    "ultrareview_launch" => UltrareviewLaunch -> Value,
    /// `remote_control`: turns remote control of the session on or off (TypeScript SDK).
    "remote_control" => RemoteControl -> Value,
    /// `claim_session`: claims a pre-warmed spare process (TypeScript SDK).
    "claim_session" => ClaimSession -> Value,
    /// `initialize`: the handshake, sent again by `reinitialize` (both SDKs send it first).
    "initialize" => Initialize -> Value,
}

/// Declares request structs without fields.
macro_rules! empty_requests {
    ($( $(#[$doc:meta])* $name:ident, )*) => {
        $(
            $(#[$doc])*
            #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
            pub struct $name {}
        )*
    };
}

empty_requests! {
    /// Asks for the effective settings.
    GetSettings,
    /// Asks for the hooks listing.
    GetHooksListing,
    /// Asks for the permission rules.
    ListPermissionRules,
    /// Asks for the status of every MCP server.
    McpStatus,
    /// Waits for a Claude login to complete.
    ClaudeOauthWaitForCompletion,
    /// Reloads skills.
    ReloadSkills,
    /// Reloads output styles.
    ReloadOutputStyles,
    /// Asks for the current plan.
    GetPlan,
    /// Asks for the memory dialog data.
    GetMemoryDialog,
    /// Asks for the skills dialog data.
    GetSkillsDialog,
    /// Asks for the status report.
    GetStatus,
    /// Asks for the conversation as text.
    ExportConversation,
    /// Asks for the sandbox dialog data.
    GetSandboxDialog,
    /// Asks for the Chrome dialog data.
    GetChromeDialog,
    /// Asks for the connected Chrome browsers.
    GetChromeBrowsers,
}

/// Stops the running turn.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Interrupt {
    /// Also drop queued user messages (`cancel_queued`, sent only when true).
    #[serde(default, skip_serializing_if = "is_false")]
    pub cancel_queued: bool,
}

/// Changes the permission mode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetPermissionMode {
    /// The new mode.
    pub mode: PermissionMode,
    /// Whether answers may switch back out of `bypassPermissions` (TypeScript SDK option).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answers_bypass_switch_back: Option<bool>,
}

/// Switches the model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SetModel {
    /// The model, or `None` (sent as `null`) for the default model.
    #[serde(default)]
    pub model: Option<String>,
}

/// Sets the thinking budget.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SetMaxThinkingTokens {
    /// The budget, or `None` (sent as `null`) to clear it.
    #[serde(default)]
    pub max_thinking_tokens: Option<u64>,
    /// How thinking is shown (`summarized`, `omitted`, `highlights`); left out when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thinking_display: Option<String>,
}

/// Applies settings at flag precedence.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ApplyFlagSettings {
    /// The settings object (`null` values restore lower-precedence sources).
    pub settings: Map<String, Value>,
}

/// Writes keys to a settings file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpdateSettings {
    /// `localSettings` or `userSettings`.
    pub source: String,
    /// The keys to write.
    pub settings: Map<String, Value>,
}

/// Restores files to their state at a user message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RewindFiles {
    /// The `uuid` of the user message to go back to.
    pub user_message_id: String,
    /// Only report what would change; left out when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dry_run: Option<bool>,
}

/// Drops a queued user message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CancelAsyncMessage {
    /// The `uuid` of the queued message.
    pub message_uuid: String,
}

/// Tells the CLI a file was read, so a later edit does not fail as "not read yet".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SeedReadState {
    /// The file path.
    pub path: String,
    /// The file's mtime (floored milliseconds) when it was read.
    pub mtime: u64,
}

/// Moves the session to another working directory.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SetCwd {
    /// The new directory.
    pub path: String,
    /// The user accepted the trust dialog for it; left out when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_accepted: Option<bool>,
    /// The directory the trust applies to; left out when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trusted_directory: Option<String>,
}

/// Reconnects one MCP server.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct McpReconnect {
    /// The server name (`serverName`).
    #[serde(rename = "serverName")]
    pub server_name: String,
}

/// Enables or disables one MCP server.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct McpToggle {
    /// The server name (`serverName`).
    #[serde(rename = "serverName")]
    pub server_name: String,
    /// Enable (true) or disable (false).
    pub enabled: bool,
}

/// Replaces the set of dynamically added MCP servers (process-based configs: stdio, sse, http).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct McpSetServers {
    /// Server name → config, as in the `mcpServers` of an MCP config file.
    pub servers: Map<String, Value>,
}

/// Reads one UI resource of a connected MCP server.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct McpReadResource {
    /// The server name (`serverName`).
    #[serde(rename = "serverName")]
    pub server_name: String,
    /// The resource URI.
    pub uri: String,
}

/// Pins (or clears, with `None`) a per-MCP-server permission mode.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SetMcpPermissionModeOverride {
    /// The server name (`serverName`).
    #[serde(rename = "serverName")]
    pub server_name: String,
    /// `default`, `auto`, or `None` (sent as `null`) to clear.
    #[serde(default)]
    pub mode: Option<String>,
}

/// Enables an MCP server's channel.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChannelEnable {
    /// The server name (`serverName`).
    #[serde(rename = "serverName")]
    pub server_name: String,
}

/// Starts an MCP server's OAuth flow.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct McpAuthenticate {
    /// The server name (`serverName`).
    #[serde(rename = "serverName")]
    pub server_name: String,
    /// Where the OAuth provider redirects (`redirectUri`).
    #[serde(
        rename = "redirectUri",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub redirect_uri: Option<String>,
    /// Only compute the redirect URI (`redirectUriOnly`).
    #[serde(
        rename = "redirectUriOnly",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub redirect_uri_only: Option<bool>,
}

/// Forgets an MCP server's credentials.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct McpClearAuth {
    /// The server name (`serverName`).
    #[serde(rename = "serverName")]
    pub server_name: String,
}

/// Hands the OAuth callback URL of an MCP server's login to the CLI.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct McpOauthCallbackUrl {
    /// The server name (`serverName`).
    #[serde(rename = "serverName")]
    pub server_name: String,
    /// The URL the provider redirected to (`callbackUrl`).
    #[serde(rename = "callbackUrl")]
    pub callback_url: String,
}

/// A JSON-RPC message from an in-process MCP server to the CLI (a notification, say).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct McpMessage {
    /// The in-process server's name.
    pub server_name: String,
    /// The JSON-RPC message.
    pub message: Value,
}

/// Starts a Claude login.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClaudeAuthenticate {
    /// Log in with a claude.ai account rather than the console (`loginWithClaudeAi`).
    #[serde(rename = "loginWithClaudeAi")]
    pub login_with_claude_ai: bool,
    /// The console profile to use (`consoleProfile`).
    #[serde(
        rename = "consoleProfile",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub console_profile: Option<String>,
}

/// Finishes a Claude login with the authorization code.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClaudeOauthCallback {
    /// The authorization code (`authorizationCode`).
    #[serde(rename = "authorizationCode")]
    pub authorization_code: String,
    /// The OAuth state.
    pub state: String,
}

/// Stops a background task.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StopTask {
    /// The `task_id` of its `task_started` message.
    pub task_id: String,
}

/// Moves running foreground work (Bash commands, subagents) to the background.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BackgroundTasks {
    /// Only this tool call; left out when `None` (everything).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_use_id: Option<String>,
}

/// Asks for the output of a shell or monitor task.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GetTaskOutput {
    /// The task id.
    pub task_id: String,
}

/// Asks how the context window is used.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GetContextUsage {
    /// `summary` or `full`; left out when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// Asks for the `/usage` data.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GetUsage {
    /// Leave out the `behaviors` section (`skip_behaviors`, sent only when true).
    #[serde(default, skip_serializing_if = "is_false")]
    pub skip_behaviors: bool,
}

/// Reloads plugins from disk.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReloadPlugins {
    /// Apply nothing when the prompt cache would be affected (sent only when true).
    #[serde(default, skip_serializing_if = "is_false")]
    pub hold_on_cache_impact: bool,
    /// Extra plugins to load as well; left out when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add_plugins: Option<Vec<Value>>,
    /// Reload nothing while the session is busy (sent only when true).
    #[serde(default, skip_serializing_if = "is_false")]
    pub refuse_if_busy: bool,
}

/// Reads a file through the CLI's read rules.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReadFile {
    /// The path, relative to the session's cwd or absolute.
    pub path: String,
    /// Read at most this many bytes (the CLI's default is 1 MB); left out when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_bytes: Option<u64>,
    /// `utf-8` or `base64`; left out when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
}

/// Picks a Chrome browser.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SelectChromeBrowser {
    /// The browser's device id.
    pub device_id: String,
}

/// Browser hints of a remote-hosted session.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SetChromeBrowserHints {
    /// The hint fields, written beside `subtype`.
    #[serde(flatten)]
    pub hints: Map<String, Value>,
}

/// Pauses or resumes prompt suggestions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SetPromptSuggestionsPaused {
    /// Paused (true) or running (false).
    pub paused: bool,
}

/// Sets the session title.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RenameSession {
    /// The new title.
    pub title: String,
    /// Who renamed it (the TypeScript SDK sends `host`).
    pub source: String,
    /// The session to rename; left out when `None` (the current one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
}

/// Asks the model for a session title.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GenerateSessionTitle {
    /// What the session is about.
    pub description: String,
    /// Store the title on the session; left out when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persist: Option<bool>,
}

/// A question answered beside the conversation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SideQuestion {
    /// The question.
    pub question: String,
    /// Earlier side questions and answers; left out when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<Value>>,
}

/// Thumbs up or down on a message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MessageRated {
    /// The rated message (`messageUuid`).
    #[serde(rename = "messageUuid")]
    pub message_uuid: String,
    /// `positive` or `negative`.
    pub sentiment: String,
    /// `tool_use` or `assistant_text`; left out when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surface: Option<String>,
    /// The rating was withdrawn.
    #[serde(default)]
    pub cleared: bool,
}

/// Sends feedback.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SubmitFeedback {
    /// The feedback text.
    pub description: String,
    /// Further fields (`surface`, `draft_id`, `type`, `title`, `area`, `attach_transcript`,
    /// `save_locally`), written beside `description`.
    #[serde(flatten)]
    pub fields: Map<String, Value>,
}

/// Sends a survey answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SubmitSurveyFeedback {
    /// The survey fields, written beside `subtype`.
    #[serde(flatten)]
    pub fields: Map<String, Value>,
}

/// Launches a remote review.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UltrareviewLaunch {
    /// The review's arguments.
    pub args: Value,
    /// Confirmed by the user.
    #[serde(default)]
    pub confirm: bool,
}

/// Turns remote control of the session on or off.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RemoteControl {
    /// On (true) or off (false).
    pub enabled: bool,
    /// Further fields (`name`, `reattach_session_id`, `keep_session_on_exit`, `work_secret`).
    #[serde(flatten)]
    pub fields: Map<String, Value>,
}

/// Claims a pre-warmed spare process.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClaimSession {
    /// The claim's fields (`include_initialize`, options, ...), written beside `subtype`.
    #[serde(flatten)]
    pub fields: Map<String, Value>,
}

/// The `initialize` handshake (hooks, agents, system prompt, in-process servers, ...).
///
/// The session sends it first on its own; [`Control::reinitialize`](crate::control::Control::reinitialize)
/// sends the session's own body again.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Initialize {
    /// The body, written beside `subtype`.
    #[serde(flatten)]
    pub body: Map<String, Value>,
}
