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
#[cfg(feature = "install")]
pub mod install;
mod platform;

pub use args::build_args;
pub use discovery::{cache_root, cached_cli_path, find_cli, CliLookup, CACHE_ENV_VAR, CLI_ENV_VAR};
pub use env::build_env;
use env::env_with_cwd;
#[cfg(feature = "install")]
pub use install::{install, Installer};
pub use platform::Platform;

use crate::options::ClaudeAgentOptions;
use crate::transport::CliCommand;
use crate::{Error, Result};

pub use env::{
    CLIENT_APP_ENV, ENTRYPOINT_ENV, FILE_CHECKPOINTING_ENV, READS_SESSION_STATE_ENV,
    READS_STARTUP_MARKS_ENV, SDK_VERSION_ENV,
};

/// Resolves the CLI and builds the full command for `options`.
///
/// Checks that `cwd` (when set) is an existing directory, finds the CLI as [`find_cli`] does
/// (with the options' [`cli_site_dirs`](ClaudeAgentOptions::cli_site_dirs) and
/// [`cli_package_dirs`](ClaudeAgentOptions::cli_package_dirs)),
/// builds the arguments with [`build_args`] and the environment with [`build_env`] over this
/// process's environment.
pub fn build_command(options: &ClaudeAgentOptions) -> Result<CliCommand> {
    let cwd = match &options.cwd {
        Some(dir) if dir.is_dir() => Some(std::path::absolute(dir)?),
        Some(dir) => return Err(Error::CwdNotFound(dir.clone())),
        None => None,
    };
    let program = CliLookup::for_options(options).find(options.cli_path.as_deref())?;
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
