//! The child's environment, as each official SDK builds it.

use crate::flavour::Flavour;
use crate::options::ClaudeAgentOptions;
use std::ffi::{OsStr, OsString};
use std::path::Path;

/// Environment variable telling the CLI it was started by an SDK, and which.
pub const ENTRYPOINT_ENV: &str = "CLAUDE_CODE_ENTRYPOINT";
/// Environment variable carrying the SDK version.
pub const SDK_VERSION_ENV: &str = "CLAUDE_AGENT_SDK_VERSION";
/// Environment variable asking the CLI for the host-only `session_state_changed` frames.
pub const READS_SESSION_STATE_ENV: &str = "CLAUDE_CODE_SDK_READS_SESSION_STATE";
/// Environment variable asking the CLI for `keep_alive` frames that say how far its start-up got
/// (sessions started ahead of their prompt, [`ClaudeAgentOptions::startup`]).
pub const READS_STARTUP_MARKS_ENV: &str = "CLAUDE_CODE_SDK_READS_STARTUP_MARKS";
/// Environment variable enabling file checkpointing.
pub const FILE_CHECKPOINTING_ENV: &str = "CLAUDE_CODE_ENABLE_SDK_FILE_CHECKPOINTING";
/// Environment variable naming the host application.
pub const CLIENT_APP_ENV: &str = "CLAUDE_AGENT_SDK_CLIENT_APP";
/// Environment variable an outer SDK session may leave behind; never inherited.
const DERIVED_CLIENT_APP_ENV: &str = "CLAUDE_AGENT_SDK_DERIVED_CLIENT_APP";
/// Set by a Claude Code parent process; dropped so the child does not think it is nested.
const CLAUDECODE_ENV: &str = "CLAUDECODE";

/// Variables the TypeScript SDK sets from `toolConfig.askUserQuestion`, or else clears from an
/// inherited environment.
const QUESTION_EXTENDED_ENV: &str = "CLAUDE_CODE_QUESTION_EXTENDED";
const QUESTION_OPTIONAL_DESCRIPTIONS_ENV: &str = "CLAUDE_CODE_QUESTION_OPTIONAL_DESCRIPTIONS";
const QUESTION_PREVIEW_FORMAT_ENV: &str = "CLAUDE_CODE_QUESTION_PREVIEW_FORMAT";
const AGENT_PROGRESS_SUMMARIES_ENV: &str = "CLAUDE_CODE_AGENT_PROGRESS_SUMMARIES";

/// The child's complete environment: `parent` minus `CLAUDECODE`, then
/// `CLAUDE_CODE_ENTRYPOINT`, the user's `env`, `CLAUDE_AGENT_SDK_VERSION`,
/// `CLAUDE_AGENT_SDK_CLIENT_APP` (when `client_app` is set),
/// `CLAUDE_CODE_SDK_READS_SESSION_STATE=1` (unless already present in any letter case),
/// `CLAUDE_CODE_ENABLE_SDK_FILE_CHECKPOINTING=true` (when enabled) and `PWD` (when `cwd` is set).
///
/// Later entries replace earlier ones with the same name; the order of first appearance is kept.
pub fn build_env(
    options: &ClaudeAgentOptions,
    parent: impl IntoIterator<Item = (OsString, OsString)>,
) -> Vec<(OsString, OsString)> {
    env_with_cwd(options, parent, options.cwd.as_deref())
}

pub(super) fn env_with_cwd(
    options: &ClaudeAgentOptions,
    parent: impl IntoIterator<Item = (OsString, OsString)>,
    cwd: Option<&Path>,
) -> Vec<(OsString, OsString)> {
    if options.flavour == Flavour::Ts {
        return ts_env(options, parent);
    }
    let mut env = EnvList::default();
    for (key, value) in parent {
        if key != CLAUDECODE_ENV && key != DERIVED_CLIENT_APP_ENV {
            env.set(key, value);
        }
    }
    let entrypoint = options
        .entrypoint
        .as_deref()
        .unwrap_or(options.flavour.entrypoint());
    env.set(ENTRYPOINT_ENV.into(), entrypoint.into());
    for (key, value) in &options.env {
        env.set(key.into(), value.into());
    }
    let version = options
        .sdk_version
        .as_deref()
        .unwrap_or(options.flavour.sdk_version());
    env.set(SDK_VERSION_ENV.into(), version.into());
    if let Some(app) = &options.client_app {
        env.set(CLIENT_APP_ENV.into(), app.into());
    }
    if !env.contains_ignore_case(READS_SESSION_STATE_ENV) {
        env.set(READS_SESSION_STATE_ENV.into(), "1".into());
    }
    if options.startup.is_some() && !env.contains_ignore_case(READS_STARTUP_MARKS_ENV) {
        env.set(READS_STARTUP_MARKS_ENV.into(), "1".into());
    }
    if options.enable_file_checkpointing {
        env.set(FILE_CHECKPOINTING_ENV.into(), "true".into());
    }
    if let Some(dir) = cwd {
        // The Python SDK hands the CLI `cwd` as it was given, a relative one too.
        let given = options.cwd.as_deref();
        let dir = given
            .filter(|_| options.flavour == Flavour::Python)
            .unwrap_or(dir);
        env.set("PWD".into(), dir.as_os_str().to_owned());
    }
    env.0
}

/// An environment in insertion order where setting a name again replaces its value in place.
#[derive(Default)]
struct EnvList(Vec<(OsString, OsString)>);

impl EnvList {
    fn set(&mut self, key: OsString, value: OsString) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => self.0.push((key, value)),
        }
    }

    fn contains_ignore_case(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| eq_ignore_ascii_case(k, name))
    }

    fn contains(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }

    fn get(&self, name: &str) -> Option<&OsStr> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_os_str())
    }

    fn set_default(&mut self, key: &str, value: &str) {
        if !self.contains(key) {
            self.set(key.into(), value.into());
        }
    }

    fn remove(&mut self, name: &str) {
        self.0.retain(|(k, _)| k != name);
    }

    fn remove_ignore_case(&mut self, name: &str) {
        self.0.retain(|(k, _)| !eq_ignore_ascii_case(k, name));
    }
}

fn eq_ignore_ascii_case(key: &OsStr, name: &str) -> bool {
    key.to_str().is_some_and(|k| k.eq_ignore_ascii_case(name))
}

/// The TypeScript SDK's environment: `env` as given (the whole environment when
/// [`replace_env`](ClaudeAgentOptions::replace_env)), or this process's, plus its own
/// variables where the user set none. No `PWD`: the working directory is the spawn's.
fn ts_env(
    options: &ClaudeAgentOptions,
    parent: impl IntoIterator<Item = (OsString, OsString)>,
) -> Vec<(OsString, OsString)> {
    let mut env = EnvList::default();
    if !options.replace_env {
        for (key, value) in parent {
            env.set(key, value);
        }
    }
    for (key, value) in &options.env {
        env.set(key.into(), value.into());
    }
    let entrypoint = options
        .entrypoint
        .as_deref()
        .unwrap_or(Flavour::Ts.entrypoint());
    env.set_default(ENTRYPOINT_ENV, entrypoint);
    let version = options
        .sdk_version
        .as_deref()
        .unwrap_or(Flavour::Ts.sdk_version());
    env.set_default(SDK_VERSION_ENV, version);
    if options.enable_file_checkpointing {
        env.set(FILE_CHECKPOINTING_ENV.into(), "true".into());
    }
    if !env.contains_ignore_case(READS_SESSION_STATE_ENV) {
        env.set(READS_SESSION_STATE_ENV.into(), "1".into());
    }
    if options.startup.is_some() && !env.contains_ignore_case(READS_STARTUP_MARKS_ENV) {
        env.set(READS_STARTUP_MARKS_ENV.into(), "1".into());
    }
    let question = options
        .tool_config
        .as_ref()
        .and_then(|c| c.get("askUserQuestion"));
    if let Some(format) = question
        .and_then(|q| q.get("previewFormat"))
        .and_then(|f| f.as_str())
        .filter(|f| !f.is_empty())
    {
        env.set(QUESTION_PREVIEW_FORMAT_ENV.into(), format.into());
    }
    let flag = |key: &str| question.and_then(|q| q.get(key)).is_some_and(truthy_json);
    for (on, name) in [
        (flag("extendedQuestions"), QUESTION_EXTENDED_ENV),
        (
            flag("optionalDescriptions"),
            QUESTION_OPTIONAL_DESCRIPTIONS_ENV,
        ),
        (false, AGENT_PROGRESS_SUMMARIES_ENV),
    ] {
        if on {
            env.set(name.into(), "1".into());
        } else if !options.replace_env {
            env.remove_ignore_case(name);
        }
    }
    env.remove("NODE_OPTIONS");
    let debug = env
        .get("DEBUG_CLAUDE_AGENT_SDK")
        .and_then(OsStr::to_str)
        .is_some_and(truthy_text);
    if debug {
        env.set("DEBUG".into(), "1".into());
    } else {
        env.remove("DEBUG");
    }
    env.0
}

fn truthy_text(text: &str) -> bool {
    matches!(
        text.trim().to_ascii_lowercase().as_str(),
        "1" | "true" | "yes" | "on"
    )
}

fn truthy_json(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Bool(b) => *b,
        serde_json::Value::Null => false,
        serde_json::Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        serde_json::Value::String(s) => !s.is_empty(),
        _ => true,
    }
}
