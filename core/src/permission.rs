//! Permission callbacks (`can_use_tool`) and their wire types.
//!
//! The CLI asks with a `can_use_tool` control request; [`parse_can_use_tool`] turns its body into
//! the callback arguments, [`PermissionResult::to_value`] turns the answer into the response body,
//! and [`handle_can_use_tool`] does both around a user callback.

use crate::{BoxFuture, CallbackError, Error, Result};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{json, Map, Value};
use std::future::Future;
use std::sync::Arc;

/// The permission callback: `(tool_name, input, context) -> allow | deny`.
pub type CanUseTool = Arc<
    dyn Fn(
            String,
            Value,
            ToolPermissionContext,
        ) -> BoxFuture<'static, Result<PermissionResult, CallbackError>>
        + Send
        + Sync,
>;

/// Wraps a plain async closure into a [`CanUseTool`].
///
/// ```
/// use claude_wire::permission::{can_use_tool, PermissionResult};
/// let cb = can_use_tool(|tool, _input, _ctx| async move {
///     Ok(if tool == "Bash" { PermissionResult::deny("no shell") } else { PermissionResult::allow() })
/// });
/// # let _ = cb;
/// ```
pub fn can_use_tool<F, Fut>(f: F) -> CanUseTool
where
    F: Fn(String, Value, ToolPermissionContext) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<PermissionResult, CallbackError>> + Send + 'static,
{
    Arc::new(move |name, input, ctx| Box::pin(f(name, input, ctx)))
}

/// Whether a permission rule allows, denies or asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PermissionBehavior {
    /// Allow without asking.
    Allow,
    /// Refuse.
    Deny,
    /// Ask the user (or the permission callback).
    Ask,
}

/// Where a permission update is applied and kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PermissionUpdateDestination {
    /// The user's settings file.
    UserSettings,
    /// The project's shared settings file.
    ProjectSettings,
    /// The project's local (not committed) settings file.
    LocalSettings,
    /// In memory, until the session ends.
    #[default]
    Session,
    /// As if given on the command line (in memory).
    CliArg,
}

/// One permission rule: a tool, optionally narrowed by a content pattern.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionRuleValue {
    /// Tool name (`"Bash"`, `"mcp__server__tool"`).
    #[serde(rename = "toolName")]
    pub tool_name: String,
    /// What the rule matches within the tool (`"npm test"` for Bash); `None` covers every use.
    #[serde(
        rename = "ruleContent",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub rule_content: Option<String>,
}

impl PermissionRuleValue {
    /// A rule for every use of `tool_name`.
    pub fn tool(tool_name: impl Into<String>) -> Self {
        Self {
            tool_name: tool_name.into(),
            rule_content: None,
        }
    }

    /// A rule for uses of `tool_name` matching `content`.
    pub fn with_content(tool_name: impl Into<String>, content: impl Into<String>) -> Self {
        Self {
            tool_name: tool_name.into(),
            rule_content: Some(content.into()),
        }
    }
}

/// A change to the permission settings, as suggested by the CLI or sent back with an allow.
///
/// Serialises to the exact wire shape (`{"type":"addRules","rules":[...],...}`). An update this
/// version does not fully understand is kept verbatim as [`PermissionUpdate::Other`].
// `remote = "Self"` makes the derive produce inherent (de)serialisers of the known shapes; the
// trait impls below wrap them so that unknown or extended shapes land in `Other` untouched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", tag = "type", rename_all = "camelCase")]
pub enum PermissionUpdate {
    /// Add rules.
    AddRules {
        /// The rules.
        rules: Vec<PermissionRuleValue>,
        /// What they do.
        behavior: PermissionBehavior,
        /// Where they are kept.
        destination: PermissionUpdateDestination,
    },
    /// Replace all rules of `behavior` with these.
    ReplaceRules {
        /// The rules.
        rules: Vec<PermissionRuleValue>,
        /// What they do.
        behavior: PermissionBehavior,
        /// Where they are kept.
        destination: PermissionUpdateDestination,
    },
    /// Remove rules.
    RemoveRules {
        /// The rules.
        rules: Vec<PermissionRuleValue>,
        /// Which behavior list they are removed from.
        behavior: PermissionBehavior,
        /// Where they are removed.
        destination: PermissionUpdateDestination,
    },
    /// Switch the permission mode (`default`, `acceptEdits`, `plan`, `bypassPermissions`, ...).
    SetMode {
        /// The mode, as the CLI spells it.
        mode: String,
        /// Where it is kept.
        destination: PermissionUpdateDestination,
    },
    /// Grant access to more directories.
    AddDirectories {
        /// Absolute paths.
        directories: Vec<String>,
        /// Where the grant is kept.
        destination: PermissionUpdateDestination,
    },
    /// Withdraw access to directories.
    RemoveDirectories {
        /// Absolute paths.
        directories: Vec<String>,
        /// Where the change is kept.
        destination: PermissionUpdateDestination,
    },
    /// An update of a shape this version does not know, kept as received.
    #[serde(skip)]
    Other(Value),
}

impl PermissionUpdate {
    /// `addRules` kept for this session.
    pub fn add_rules(rules: Vec<PermissionRuleValue>, behavior: PermissionBehavior) -> Self {
        Self::AddRules {
            rules,
            behavior,
            destination: PermissionUpdateDestination::Session,
        }
    }

    /// `setMode` kept for this session.
    pub fn set_mode(mode: impl Into<String>) -> Self {
        Self::SetMode {
            mode: mode.into(),
            destination: PermissionUpdateDestination::Session,
        }
    }

    /// `addDirectories` kept for this session.
    pub fn add_directories(directories: Vec<String>) -> Self {
        Self::AddDirectories {
            directories,
            destination: PermissionUpdateDestination::Session,
        }
    }

    /// The same update kept at `destination` (no effect on [`PermissionUpdate::Other`]).
    pub fn with_destination(mut self, destination: PermissionUpdateDestination) -> Self {
        match &mut self {
            Self::AddRules { destination: d, .. }
            | Self::ReplaceRules { destination: d, .. }
            | Self::RemoveRules { destination: d, .. }
            | Self::SetMode { destination: d, .. }
            | Self::AddDirectories { destination: d, .. }
            | Self::RemoveDirectories { destination: d, .. } => *d = destination,
            Self::Other(_) => {}
        }
        self
    }

    /// Reads an update from its wire JSON; never fails (unknown shapes become `Other`).
    pub fn from_value(value: Value) -> Self {
        match Self::deserialize(value.clone()) {
            Ok(known) if known.to_value() == value => known,
            _ => Self::Other(value),
        }
    }

    /// The wire JSON of this update.
    pub fn to_value(&self) -> Value {
        match self {
            Self::Other(v) => v.clone(),
            known => Self::serialize(known, serde_json::value::Serializer).unwrap_or(Value::Null),
        }
    }
}

impl Serialize for PermissionUpdate {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.to_value().serialize(s)
    }
}

impl<'de> Deserialize<'de> for PermissionUpdate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Value::deserialize(d).map(Self::from_value)
    }
}

/// Parses `value` as `T` only when `T` represents it exactly (serialising back gives the same
/// JSON), so data with fields this version does not know is never silently trimmed.
pub(crate) fn typed_exact<T: Serialize + DeserializeOwned>(value: &Value) -> Option<T> {
    let typed: T = serde_json::from_value(value.clone()).ok()?;
    (serde_json::to_value(&typed).ok()? == *value).then_some(typed)
}

/// Everything the CLI told us about a permission request besides the tool name and input.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ToolPermissionContext {
    /// Suggested permission updates the user could accept ("always allow ...").
    pub suggestions: Vec<PermissionUpdate>,
    /// The path that triggered the request, when there is one.
    pub blocked_path: Option<String>,
    /// Why the CLI is asking.
    pub decision_reason: Option<String>,
    /// The id of the tool call.
    pub tool_use_id: Option<String>,
    /// The sub-agent making the call, when it is not the main agent.
    pub agent_id: Option<String>,
    /// The full prompt sentence ("Claude wants to read foo.txt").
    pub title: Option<String>,
    /// A short label for the action ("Read file").
    pub display_name: Option<String>,
    /// A subtitle for a permission UI.
    pub description: Option<String>,
    /// The raw request (all fields, including ones this version does not know).
    pub raw: Value,
    /// The id of the control request (the TypeScript SDK hands it to its callback).
    pub request_id: Option<String>,
}

/// A parsed `can_use_tool` request.
#[derive(Debug, Clone, PartialEq)]
pub struct CanUseToolRequest {
    /// The tool the model wants to call.
    pub tool_name: String,
    /// Its input.
    pub input: Value,
    /// Everything else.
    pub context: ToolPermissionContext,
}

/// Parses the body of a `can_use_tool` control request into `(tool_name, input, context)`.
///
/// Fails only when `tool_name` is missing or not a string.
pub fn parse_can_use_tool(
    request: &Map<String, Value>,
) -> Result<(String, Value, ToolPermissionContext)> {
    parse_owned(request.clone())
}

/// [`parse_can_use_tool`] of a request the caller gives away: it becomes the context's `raw`.
fn parse_owned(request: Map<String, Value>) -> Result<(String, Value, ToolPermissionContext)> {
    let Some(tool_name) = request.get("tool_name").and_then(Value::as_str) else {
        return Err(Error::MessageParse {
            kind: "control_request/can_use_tool".into(),
            message: "missing string field `tool_name`".into(),
            raw: Value::Object(request),
        });
    };
    let tool_name = tool_name.to_string();
    let input = request.get("input").cloned().unwrap_or_else(|| json!({}));
    let text = |key: &str| request.get(key).and_then(Value::as_str).map(str::to_string);
    let suggestions = match request.get("permission_suggestions") {
        Some(Value::Array(items)) => items
            .iter()
            .cloned()
            .map(PermissionUpdate::from_value)
            .collect(),
        _ => Vec::new(),
    };
    let context = ToolPermissionContext {
        suggestions,
        blocked_path: text("blocked_path"),
        decision_reason: text("decision_reason"),
        tool_use_id: text("tool_use_id"),
        agent_id: text("agent_id"),
        title: text("title"),
        display_name: text("display_name"),
        description: text("description"),
        raw: Value::Object(request),
        request_id: None,
    };
    Ok((tool_name, input, context))
}

impl CanUseToolRequest {
    /// Parses the body of a `can_use_tool` control request (see [`parse_can_use_tool`]).
    pub fn parse(request: &Map<String, Value>) -> Result<Self> {
        let (tool_name, input, context) = parse_can_use_tool(request)?;
        Ok(Self {
            tool_name,
            input,
            context,
        })
    }
}

/// The answer of a permission callback.
#[derive(Debug, Clone, PartialEq)]
pub enum PermissionResult {
    /// Let the tool run.
    Allow {
        /// Replacement input; `None` keeps the original.
        updated_input: Option<Value>,
        /// Permission rule updates to apply.
        updated_permissions: Option<Vec<PermissionUpdate>>,
    },
    /// Refuse the tool call.
    Deny {
        /// Why (shown to the model).
        message: String,
        /// Also interrupt the whole turn.
        interrupt: bool,
    },
    /// An answer sent exactly as given, as the TypeScript SDK passes its callback's result
    /// through (see [`crate::ts_callbacks::permission_answer`]); `null` sends no answer.
    Verbatim(Value),
}

impl PermissionResult {
    /// Allow with the original input.
    pub fn allow() -> Self {
        Self::Allow {
            updated_input: None,
            updated_permissions: None,
        }
    }

    /// Deny with a reason shown to the model.
    pub fn deny(message: impl Into<String>) -> Self {
        Self::Deny {
            message: message.into(),
            interrupt: false,
        }
    }

    /// Deny and interrupt the whole turn.
    pub fn deny_and_interrupt(message: impl Into<String>) -> Self {
        Self::Deny {
            message: message.into(),
            interrupt: true,
        }
    }

    /// Allow with a replacement input (turns a deny into an allow).
    pub fn with_input(self, input: Value) -> Self {
        match self {
            Self::Allow {
                updated_permissions,
                ..
            } => Self::Allow {
                updated_input: Some(input),
                updated_permissions,
            },
            Self::Deny { .. } | Self::Verbatim(_) => Self::Allow {
                updated_input: Some(input),
                updated_permissions: None,
            },
        }
    }

    /// Allow and apply these permission updates (turns a deny into an allow).
    pub fn with_permissions(self, updates: Vec<PermissionUpdate>) -> Self {
        match self {
            Self::Allow { updated_input, .. } => Self::Allow {
                updated_input,
                updated_permissions: Some(updates),
            },
            Self::Deny { .. } | Self::Verbatim(_) => Self::Allow {
                updated_input: None,
                updated_permissions: Some(updates),
            },
        }
    }

    /// True for an allow.
    pub fn is_allow(&self) -> bool {
        match self {
            Self::Verbatim(v) => v.get("behavior").and_then(Value::as_str) == Some("allow"),
            other => matches!(other, Self::Allow { .. }),
        }
    }

    /// The response body for the CLI. An allow always carries `updatedInput` (the original input
    /// when unchanged), as the CLI expects.
    pub fn to_value(&self, original_input: &Value) -> Value {
        self.clone().into_value(original_input.clone())
    }

    /// [`PermissionResult::to_value`], taking both apart instead of copying them.
    pub fn into_value(self, original_input: Value) -> Value {
        match self {
            Self::Allow {
                updated_input,
                updated_permissions,
            } => {
                let mut out = Map::new();
                out.insert("behavior".into(), "allow".into());
                out.insert(
                    "updatedInput".into(),
                    updated_input.unwrap_or(original_input),
                );
                if let Some(updates) = updated_permissions {
                    let wire = updates.iter().map(PermissionUpdate::to_value).collect();
                    out.insert("updatedPermissions".into(), Value::Array(wire));
                }
                Value::Object(out)
            }
            Self::Deny { message, interrupt } => {
                let mut out = json!({"behavior": "deny", "message": message});
                if interrupt {
                    out["interrupt"] = Value::Bool(true);
                }
                out
            }
            Self::Verbatim(value) => value,
        }
    }

    /// Reads a permission result from the JSON a binding got from user code: the wire spelling
    /// (`behavior`, `updatedInput`, `updatedPermissions`, `message`, `interrupt`) or the snake_case
    /// one (`updated_input`, `updated_permissions`).
    pub fn from_value(value: &Value) -> Result<Self> {
        let obj = value
            .as_object()
            .ok_or_else(|| bad_result("must be an object", value))?;
        let pick = |wire: &str, snake: &str| {
            obj.get(wire)
                .or_else(|| obj.get(snake))
                .filter(|v| !v.is_null())
        };
        match obj.get("behavior").and_then(Value::as_str) {
            Some("allow") => {
                let updated_permissions = match pick("updatedPermissions", "updated_permissions") {
                    Some(Value::Array(items)) => Some(
                        items
                            .iter()
                            .cloned()
                            .map(PermissionUpdate::from_value)
                            .collect(),
                    ),
                    Some(_) => {
                        return Err(bad_result("`updatedPermissions` must be a list", value))
                    }
                    None => None,
                };
                Ok(Self::Allow {
                    updated_input: pick("updatedInput", "updated_input").cloned(),
                    updated_permissions,
                })
            }
            Some("deny") => Ok(Self::Deny {
                message: obj
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                interrupt: obj
                    .get("interrupt")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
            }),
            _ => Err(bad_result(
                "`behavior` must be \"allow\" or \"deny\"",
                value,
            )),
        }
    }
}

fn bad_result(why: &str, value: &Value) -> Error {
    Error::MessageParse {
        kind: "permission result".into(),
        message: why.into(),
        raw: value.clone(),
    }
}

/// Answers a `can_use_tool` request body with `callback`: parses it, runs the callback (a panic
/// becomes an error) and returns the response body for the CLI.
pub async fn handle_can_use_tool(
    callback: &CanUseTool,
    request: &Map<String, Value>,
    request_id: &str,
) -> Result<Value, CallbackError> {
    answer_can_use_tool(callback, request.clone(), request_id).await
}

/// [`handle_can_use_tool`] of a request the caller gives away.
pub(crate) async fn answer_can_use_tool(
    callback: &CanUseTool,
    request: Map<String, Value>,
    request_id: &str,
) -> Result<Value, CallbackError> {
    let (tool_name, input, mut context) = parse_owned(request)?;
    context.request_id = Some(request_id.to_owned());
    let future = callback(tool_name, input.clone(), context);
    let result = crate::callback::guarded("permission callback", future).await?;
    Ok(result.into_value(input))
}
