//! Finding the CLI and turning options into its command line and environment.
//!
//! [`build_args`] and [`build_env`] are pure functions of the options (the only I/O is reading a
//! settings file when sandbox settings must be merged into it); [`build_command`] adds the
//! checks and the lookup that touch the machine.

mod args;
mod args_ts;
mod discovery;
mod env;
mod initialize;

pub use args::build_args;
pub use discovery::{find_cli, CliLookup, CLI_ENV_VAR};
pub use env::build_env;
use env::env_with_cwd;

use crate::options::ClaudeAgentOptions;
use crate::transport::CliCommand;
use crate::{Error, Result};

pub use env::{
    CLIENT_APP_ENV, ENTRYPOINT_ENV, FILE_CHECKPOINTING_ENV, READS_SESSION_STATE_ENV,
    SDK_VERSION_ENV,
};

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
