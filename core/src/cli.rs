//! Finding the CLI and turning options into its command line and environment.
//!
//! [`build_args`] and [`build_env`] are pure functions of the options (the only I/O is reading a
//! settings file when sandbox settings must be merged into it); [`build_command`] adds the
//! checks and the lookup that touch the machine.

mod args;
mod discovery;
mod initialize;

pub use args::build_args;
pub use discovery::{find_cli, CliLookup, CLI_ENV_VAR};

use crate::options::{ClaudeAgentOptions, DEFAULT_ENTRYPOINT};
use crate::transport::CliCommand;
use crate::{Error, Result};
use std::ffi::{OsStr, OsString};
use std::path::Path;

/// Environment variable telling the CLI it was started by an SDK, and which.
pub const ENTRYPOINT_ENV: &str = "CLAUDE_CODE_ENTRYPOINT";
/// Environment variable carrying the SDK version.
pub const SDK_VERSION_ENV: &str = "CLAUDE_AGENT_SDK_VERSION";
/// Environment variable asking the CLI for the host-only `session_state_changed` frames.
pub const READS_SESSION_STATE_ENV: &str = "CLAUDE_CODE_SDK_READS_SESSION_STATE";
/// Environment variable enabling file checkpointing.
pub const FILE_CHECKPOINTING_ENV: &str = "CLAUDE_CODE_ENABLE_SDK_FILE_CHECKPOINTING";
/// Environment variable naming the host application.
pub const CLIENT_APP_ENV: &str = "CLAUDE_AGENT_SDK_CLIENT_APP";
/// Environment variable an outer SDK session may leave behind; never inherited.
const DERIVED_CLIENT_APP_ENV: &str = "CLAUDE_AGENT_SDK_DERIVED_CLIENT_APP";
/// Set by a Claude Code parent process; dropped so the child does not think it is nested.
const CLAUDECODE_ENV: &str = "CLAUDECODE";

/// Resolves the CLI and builds the full command for `options`.
///
/// Checks that `cwd` (when set) is an existing directory, finds the CLI with [`find_cli`],
/// builds the arguments with [`build_args`] and the environment with [`build_env`] over this
/// process's environment.
pub fn build_command(options: &ClaudeAgentOptions) -> Result<CliCommand> {
    let cwd = match &options.cwd {
        Some(dir) if dir.is_dir() => Some(std::path::absolute(dir)?),
        Some(dir) => return Err(Error::CwdNotFound(dir.clone())),
        None => None,
    };
    let program = find_cli(options.cli_path.as_deref())?;
    let args = build_args(options)?;
    let env = env_with_cwd(options, std::env::vars_os(), cwd.as_deref());
    Ok(CliCommand {
        program,
        args,
        env,
        cwd,
        user: options.user.clone(),
    })
}

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

fn env_with_cwd(
    options: &ClaudeAgentOptions,
    parent: impl IntoIterator<Item = (OsString, OsString)>,
    cwd: Option<&Path>,
) -> Vec<(OsString, OsString)> {
    let mut env = EnvList::default();
    for (key, value) in parent {
        if key != CLAUDECODE_ENV && key != DERIVED_CLIENT_APP_ENV {
            env.set(key, value);
        }
    }
    let entrypoint = options.entrypoint.as_deref().unwrap_or(DEFAULT_ENTRYPOINT);
    env.set(ENTRYPOINT_ENV.into(), entrypoint.into());
    for (key, value) in &options.env {
        env.set(key.into(), value.into());
    }
    let version = options.sdk_version.as_deref().unwrap_or(crate::VERSION);
    env.set(SDK_VERSION_ENV.into(), version.into());
    if let Some(app) = &options.client_app {
        env.set(CLIENT_APP_ENV.into(), app.into());
    }
    if !env.contains_ignore_case(READS_SESSION_STATE_ENV) {
        env.set(READS_SESSION_STATE_ENV.into(), "1".into());
    }
    if options.enable_file_checkpointing {
        env.set(FILE_CHECKPOINTING_ENV.into(), "true".into());
    }
    if let Some(dir) = cwd {
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
}

fn eq_ignore_ascii_case(key: &OsStr, name: &str) -> bool {
    key.to_str().is_some_and(|k| k.eq_ignore_ascii_case(name))
}
