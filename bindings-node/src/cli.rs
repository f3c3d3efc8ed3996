//! The CLI itself: where sessions find it, and `installCli` (`npx claude-wire install-cli`).

use crate::errors::invalid;
use claude_wire::cli::{CliLookup, Installer, Platform};
use claude_wire::Flavour;
use napi_derive::napi;
use std::path::PathBuf;

/// The npm packages that may carry the CLI for this platform, in the order they are tried.
#[napi]
pub fn cli_package_names() -> Vec<String> {
    Platform::current()
        .map(|p| vec![p.sdk_package(), p.cli_package()])
        .unwrap_or_default()
}

/// The CLI a session would run: `explicit`, else the packages in `packageDirs`, else the
/// core's search. Throws the core's "not found" error.
#[napi]
pub fn find_cli(
    explicit: Option<String>,
    package_dirs: Option<Vec<String>>,
) -> napi::Result<String> {
    let lookup = CliLookup {
        package_dirs: package_dirs
            .unwrap_or_default()
            .into_iter()
            .map(PathBuf::from)
            .collect(),
        ..CliLookup::from_env()
    };
    let found = lookup
        .find(explicit.as_deref().map(std::path::Path::new))
        .map_err(|e| invalid(e.message(Flavour::Ts)))?;
    Ok(found.display().to_string())
}

/// Installs the Claude Code CLI (the pinned version unless `version` is given) from the npm
/// registry into the claude-wire cache; resolves to its path.
#[napi]
pub async fn install_cli(version: Option<String>, force: Option<bool>) -> napi::Result<String> {
    let mut installer = Installer::from_env().map_err(|e| invalid(e.message(Flavour::Ts)))?;
    if let Some(version) = version {
        installer.version = version;
    }
    installer.force = force.unwrap_or(false);
    let outcome = tokio::task::spawn_blocking(move || installer.run())
        .await
        .map_err(invalid)?;
    outcome
        .map(|path| path.display().to_string())
        .map_err(|e| invalid(e.message(Flavour::Ts)))
}
