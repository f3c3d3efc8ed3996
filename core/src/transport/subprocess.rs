//! The subprocess transport. SKELETON: the transport helper completes it.

use super::CliCommand;

/// Settings of the subprocess transport besides the command.
#[derive(Clone, Default)]
pub struct SubprocessConfig {}

/// Runs the CLI as a child process.
pub struct SubprocessTransport {
    #[allow(dead_code)]
    command: CliCommand,
}
