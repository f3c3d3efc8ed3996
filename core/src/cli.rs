//! Finding the CLI and turning options into its command line and environment.
//!
//! SKELETON: the options helper completes this module.

use crate::options::ClaudeAgentOptions;
use crate::transport::CliCommand;
use crate::Result;

/// Resolves the CLI and builds the full command for `options`.
pub fn build_command(options: &ClaudeAgentOptions) -> Result<CliCommand> {
    let _ = options;
    unimplemented!()
}
