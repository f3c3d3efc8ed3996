//! Claiming a parked spare process (the TypeScript SDK's `prewarm()` / `SpareProcess.claim()`).
//!
//! A spare is a CLI started with `--await-claim` in a parking directory, past `initialize`, that
//! is not yet any session. A claim binds it to one: `claim_session` moves it to the session's
//! folder with the per-session options, and the options a claim cannot carry itself go around
//! it as ordinary requests. This module holds the rules: what a claim may set, what is sent in
//! which order, and what the answers mean (including the wording of the refusals).

use super::Control;
use crate::{Error, Result};
use serde_json::{Map, Value};
use std::path::Path;

/// Settings keys that govern hooks: they must be in force before any hook runs, so only the
/// spare's own options may set them.
const HOOK_KEYS: [&str; 5] = [
    "hooks",
    "disableAllHooks",
    "allowManagedHooksOnly",
    "allowedHttpHookUrls",
    "httpHookAllowedEnvVars",
];

/// Settings keys sent behind the claim. The others go ahead of it: they decide which of the
/// folder's MCP servers and plugins the claim starts.
const BEHIND_KEYS: [&str; 6] = [
    "model",
    "agent",
    "fastMode",
    "permissions",
    "availableModels",
    "disableAutoMode",
];

/// The `initialize` fields a claim's snapshot keeps from the spare's when it lacks them.
const KEPT_FIELDS: [&str; 7] = [
    "hooks_applied",
    "plugins_applied",
    "managed_settings_applied",
    "settings_applied",
    "disallowed_tools_applied",
    "mcp_servers_applied",
    "code_running_mcp_tools_applied",
];

/// A checked claim: the requests it sends, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpareClaim {
    /// The settings overlay sent ahead of the claim (`apply_flag_settings`).
    pub ahead: Option<Value>,
    /// The `claim_session` fields.
    pub fields: Map<String, Value>,
    /// `set_model`, behind the claim.
    pub model: Option<Value>,
    /// `set_max_thinking_tokens`, behind the claim.
    pub max_thinking_tokens: Option<Value>,
    /// The settings keys sent behind the claim (`apply_flag_settings`).
    pub behind: Option<Value>,
    /// The claim carries a settings overlay: its prompt waits until the overlay is accepted.
    pub has_settings: bool,
}

/// What became of a claim (see [`Control::claim_spare`]).
#[derive(Debug, Clone)]
pub enum ClaimOutcome {
    /// Claimed, with every option applied. The value is the CLI's answer.
    Claimed(Value),
    /// The CLI refused the claim: the spare goes away once its input ends, and a prompt the
    /// host sends first is answered with a `not_claimed` error result.
    Refused(Error),
    /// Claimed, but the settings overlay was refused: the session must not run (its prompt is
    /// not sent, the process is closed). The message, and the claim's answer.
    SettingsRefused(String, Value),
    /// Claimed, and the session runs, without `model` or `maxThinkingTokens`, which the CLI
    /// refused. The message, and the claim's answer.
    OptionsRefused(String, Value),
}

impl SpareClaim {
    /// Checks a claim given as the TypeScript `ClaimOptions` (`cwd`, `env`,
    /// `additionalDirectories`, `model`, `permissionMode`, `maxThinkingTokens`, `settings`,
    /// `appendSystemPrompt`, `title`, `agents`, `workspaceTrust`); `sdk_servers` names the spare's in-process MCP
    /// servers. A relative `cwd` resolves against `base` (this process's directory; `~` is the
    /// CLI's to expand). Fails, sending nothing, when the settings govern hooks.
    pub fn from_ts(
        options: &Map<String, Value>,
        sdk_servers: &[String],
        base: &Path,
    ) -> Result<SpareClaim> {
        let settings = options.get("settings");
        if let Some(Value::Object(settings)) = settings {
            // Present at all (`null` included): the claim cannot carry it.
            let hooks: Vec<&str> = HOOK_KEYS
                .into_iter()
                .filter(|key| settings.contains_key(*key))
                .collect();
            if !hooks.is_empty() {
                return Err(Error::InvalidOptions(format!(
                    "SpareProcess.claim(): hook settings ({}) cannot be applied at claim; pass them to prewarm() in Options.settings, where they are in force before any hook, as on a cold start. Nothing was sent: this spare can still be claimed without them.",
                    hooks.join(", ")
                )));
            }
        }
        let mut fields = Map::new();
        if let Some(cwd) = options.get("cwd") {
            fields.insert("cwd".into(), claim_cwd(cwd, base));
        }
        // `null` is sent as a value; a falsy environment or directory list is left out.
        let given = |name: &str| options.get(name).cloned();
        let truthy = |name: &str| {
            options.get(name).filter(|v| match v {
                Value::Null | Value::Bool(false) => false,
                Value::String(s) => !s.is_empty(),
                Value::Number(n) => n.as_f64() != Some(0.0),
                _ => true,
            })
        };
        if let Some(mode) = given("permissionMode") {
            fields.insert("permission_mode".into(), mode);
        }
        if let Some(env) = truthy("env") {
            fields.insert("env".into(), env.clone());
        }
        if let Some(dirs) = truthy("additionalDirectories") {
            fields.insert("additional_directories".into(), dirs.clone());
        }
        if let Some(prompt) = given("appendSystemPrompt") {
            fields.insert("append_system_prompt".into(), prompt);
        }
        if let Some(title) = given("title") {
            fields.insert("title".into(), title);
        }
        // As given: the CLI judges the definitions (in-process servers were replaced by
        // their names before they got here).
        if let Some(agents) = truthy("agents") {
            fields.insert("agents".into(), agents.clone());
        }
        // A trust attestation travels only when accepted, for an absolute directory.
        if let Some(trust) = options.get("workspaceTrust").filter(|t| {
            t.get("accepted") == Some(&Value::Bool(true))
                && t.get("directory")
                    .and_then(Value::as_str)
                    .is_some_and(|d| Path::new(d).is_absolute())
        }) {
            fields.insert("workspace_trust".into(), trust.clone());
        }
        fields.insert(
            "sdk_mcp_servers".into(),
            sdk_servers.iter().cloned().map(Value::String).collect(),
        );
        fields.insert("include_initialize".into(), Value::Bool(true));

        let (ahead, behind) = match settings {
            Some(Value::Object(settings)) => {
                let ahead: Map<_, _> = settings
                    .iter()
                    .filter(|(k, _)| !BEHIND_KEYS.contains(&k.as_str()))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                let behind: Map<_, _> = BEHIND_KEYS
                    .into_iter()
                    .filter_map(|k| Some((k.to_owned(), settings.get(k)?.clone())))
                    .collect();
                (
                    (!ahead.is_empty()).then_some(Value::Object(ahead)),
                    (!behind.is_empty()).then_some(Value::Object(behind)),
                )
            }
            // Not an object (`null` included): sent as given, for the CLI to refuse.
            Some(other) => (Some(other.clone()), None),
            None => (None, None),
        };
        Ok(SpareClaim {
            ahead,
            fields,
            // `null` is a value for both (the default model, no thinking limit).
            model: options.get("model").cloned(),
            max_thinking_tokens: options.get("maxThinkingTokens").cloned(),
            behind,
            has_settings: settings.is_some(),
        })
    }

    /// The working directory the claim asks for, as the host would print it.
    pub fn cwd(&self) -> Option<&Value> {
        self.fields.get("cwd")
    }
}

/// A relative `cwd` resolves against `base` (`.` and `..` taken out, as `path.resolve` does);
/// an absolute one, `~`, `~/...` and a blank one are kept.
fn claim_cwd(cwd: &Value, base: &Path) -> Value {
    let Value::String(text) = cwd else {
        return cwd.clone();
    };
    if text.trim().is_empty()
        || Path::new(text).is_absolute()
        || text == "~"
        || text.starts_with("~/")
    {
        return cwd.clone();
    }
    let mut parts: Vec<&str> = Vec::new();
    let base = base.to_string_lossy();
    for part in base.split('/').chain(text.split('/')) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    Value::String(format!("/{}", parts.join("/")))
}

impl Control {
    /// Claims the spare this session is (see the module docs). Writes the requests of `claim`
    /// in order, each once the one before is written, without waiting for answers; calls
    /// `written` then (the moment the official SDK sends the prompt of a claim without
    /// settings). A refused claim is reported as soon as the CLI refuses it; otherwise the
    /// claim's `initialize` snapshot replaces [`Control::server_info`] (keeping the spare's
    /// `*_applied` fields it lacks), so the session describes the claimed folder, and the
    /// outcome waits for the other answers.
    pub async fn claim_spare(&self, claim: &SpareClaim, written: impl FnOnce()) -> ClaimOutcome {
        let mut requests = Vec::new();
        let mut flag = |name: &'static str, settings: &Option<Value>| {
            if let Some(settings) = settings {
                requests.push((
                    name,
                    body("apply_flag_settings", "settings", settings.clone()),
                ));
            }
        };
        flag("ahead", &claim.ahead);
        let mut fields = claim.fields.clone();
        fields.insert("subtype".into(), "claim_session".into());
        requests.push(("claim", Value::Object(fields)));
        if let Some(model) = &claim.model {
            requests.push(("model", body("set_model", "model", model.clone())));
        }
        if let Some(tokens) = &claim.max_thinking_tokens {
            let request = body(
                "set_max_thinking_tokens",
                "max_thinking_tokens",
                tokens.clone(),
            );
            requests.push(("maxThinkingTokens", request));
        }
        if let Some(settings) = &claim.behind {
            requests.push((
                "behind",
                body("apply_flag_settings", "settings", settings.clone()),
            ));
        }
        let mut answers = Vec::new();
        for (name, request) in requests {
            let (sent, on_write) = tokio::sync::oneshot::channel();
            let shared = self.session.io();
            let answer = tokio::spawn(async move {
                shared.request_noting_write(request, None, Some(sent)).await
            });
            // The next request is written once this one is (or failed before it was).
            let _ = on_write.await;
            answers.push((name, answer));
        }
        written();
        let mut take = |name: &str| {
            let at = answers.iter().position(|(n, _)| *n == name)?;
            let (_, answer) = answers.remove(at);
            Some(async move {
                answer.await.unwrap_or_else(|e| {
                    Err(Error::Connection(format!("a claim request failed: {e}")))
                })
            })
        };
        let ahead = take("ahead");
        let claimed = take("claim");
        let (model, thinking, behind) = (take("model"), take("maxThinkingTokens"), take("behind"));
        let answer = match claimed {
            Some(claimed) => match claimed.await {
                Ok(answer) => answer,
                Err(error) => return ClaimOutcome::Refused(error),
            },
            None => unreachable!("the claim is always sent"),
        };
        if let Some(snapshot) = answer.get("initialize").filter(|v| v.is_object()) {
            self.session
                .replace_server_info(|previous| claimed_info(previous, snapshot));
        }
        let settings = [optional(ahead).await, optional(behind).await];
        if claim.has_settings {
            if let Some(error) = settings.into_iter().find_map(Result::err) {
                let message = format!(
                    "settings_not_applied: {} — the prompt was not sent and the process was closed; start the session with query()",
                    error.message(crate::Flavour::Ts)
                );
                return ClaimOutcome::SettingsRefused(message, answer);
            }
        }
        let mut refused = Vec::new();
        for (name, outcome) in [("model", model), ("maxThinkingTokens", thinking)] {
            if let Err(error) = optional(outcome).await {
                refused.push(format!("{name}: {}", error.message(crate::Flavour::Ts)));
            }
        }
        if refused.is_empty() {
            return ClaimOutcome::Claimed(answer);
        }
        let message = format!(
            "option_not_applied: {} — the prompt was sent and the session runs without these options",
            refused.join("; ")
        );
        ClaimOutcome::OptionsRefused(message, answer)
    }
}

/// A request body: `{"subtype": subtype, field: value}`.
fn body(subtype: &str, field: &str, value: Value) -> Value {
    let mut body = Map::new();
    body.insert("subtype".into(), subtype.into());
    body.insert(field.into(), value);
    Value::Object(body)
}

/// Awaits a request that may not have been made; `Ok(Null)` for none.
async fn optional<F: std::future::Future<Output = Result<Value>>>(
    request: Option<F>,
) -> Result<Value> {
    match request {
        Some(request) => request.await,
        None => Ok(Value::Null),
    }
}

/// The claim's `initialize` snapshot, with the spare's `*_applied` fields it lacks.
fn claimed_info(previous: Option<&Value>, snapshot: &Value) -> Value {
    let mut info = snapshot.as_object().cloned().unwrap_or_default();
    for key in KEPT_FIELDS {
        if info.get(key).is_none_or(Value::is_null) {
            if let Some(value) = previous.and_then(|p| p.get(key)).filter(|v| !v.is_null()) {
                info.insert(key.into(), value.clone());
            } else {
                info.remove(key);
            }
        }
    }
    Value::Object(info)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claim(options: Value) -> Result<SpareClaim> {
        let options = options.as_object().cloned().unwrap();
        SpareClaim::from_ts(&options, &["tools".into()], Path::new("/host"))
    }

    #[test]
    fn fields_in_wire_form_and_settings_split_around_the_claim() {
        let c = claim(json!({
            "cwd": "proj", "permissionMode": "plan", "env": {"CLAUDE_CODE_OAUTH_TOKEN": "t"},
            "additionalDirectories": ["x"], "title": "T", "model": "opus",
            "maxThinkingTokens": null,
            "settings": {"permissions": {"allow": ["Read"]}, "effortLevel": "high", "fastMode": true},
            "agents": {"a": {"description": "d", "prompt": "p"}},
        }))
        .unwrap();
        assert_eq!(
            Value::Object(c.fields.clone()),
            json!({
                "cwd": "/host/proj", "permission_mode": "plan",
                "env": {"CLAUDE_CODE_OAUTH_TOKEN": "t"}, "additional_directories": ["x"],
                "title": "T", "agents": {"a": {"description": "d", "prompt": "p"}},
                "sdk_mcp_servers": ["tools"], "include_initialize": true,
            })
        );
        assert_eq!(c.ahead, Some(json!({"effortLevel": "high"})));
        assert_eq!(
            c.behind,
            Some(json!({"fastMode": true, "permissions": {"allow": ["Read"]}}))
        );
        assert_eq!(c.model, Some(json!("opus")));
        assert_eq!(c.max_thinking_tokens, Some(Value::Null));
        assert!(c.has_settings);
    }

    #[test]
    fn cwd_kept_when_absolute_or_home_relative() {
        for cwd in ["/abs", "~", "~/x", ""] {
            assert_eq!(claim(json!({"cwd": cwd})).unwrap().cwd(), Some(&json!(cwd)));
        }
        assert_eq!(
            claim(json!({"cwd": "./a/../b/"})).unwrap().cwd(),
            Some(&json!("/host/b"))
        );
        let c = claim(json!({"title": null, "env": {}, "additionalDirectories": ""})).unwrap();
        assert_eq!(c.cwd(), None);
        assert_eq!(c.fields.get("title"), Some(&Value::Null));
        assert_eq!(c.fields.get("env"), Some(&json!({})));
        assert_eq!(c.fields.get("additional_directories"), None);
        assert_eq!((c.ahead, c.behind, c.has_settings), (None, None, false));
    }

    #[test]
    fn hook_settings_refused_before_anything_is_sent() {
        let error = claim(json!({"cwd": "/w", "settings": {"hooks": {}, "disableAllHooks": null}}))
            .unwrap_err();
        assert!(error
            .to_string()
            .contains("hook settings (hooks, disableAllHooks) cannot be applied at claim"));
    }

    #[test]
    fn snapshot_keeps_the_spares_applied_fields_it_lacks() {
        let previous = json!({"hooks_applied": true, "settings_applied": false, "commands": []});
        let info = claimed_info(
            Some(&previous),
            &json!({"commands": [1], "settings_applied": true}),
        );
        assert_eq!(
            info,
            json!({"commands": [1], "settings_applied": true, "hooks_applied": true})
        );
    }
}
