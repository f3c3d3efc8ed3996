//! Locating the Claude Code CLI executable.

use crate::{Error, Result, PINNED_CLI_VERSION};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// Environment variable naming the CLI to use when no explicit path is given.
pub const CLI_ENV_VAR: &str = "CLAUDE_WIRE_CLI";

const CLI_NAME: &str = "claude";

/// Finds the CLI executable using this process's environment.
///
/// Order: `explicit` (must exist), then [`CLI_ENV_VAR`] (must exist when set), then `claude` on
/// `PATH`, then the usual install locations and the claude-wire cache
/// (`~/.cache/claude-wire/cli/<PINNED_CLI_VERSION>/claude`). When nothing is found the error
/// lists every place checked. See [`CliLookup`] to search with another environment.
pub fn find_cli(explicit: Option<&Path>) -> Result<PathBuf> {
    CliLookup::from_env().find(explicit)
}

/// The inputs of the CLI search, so it can run against any environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CliLookup {
    /// Value of [`CLI_ENV_VAR`].
    pub cli_env: Option<OsString>,
    /// Value of `PATH`.
    pub path: Option<OsString>,
    /// The home directory (base of the per-user install locations).
    pub home: Option<PathBuf>,
}

impl CliLookup {
    /// Reads `CLAUDE_WIRE_CLI`, `PATH` and `HOME` from this process's environment.
    pub fn from_env() -> Self {
        let non_empty = |v: OsString| (!v.is_empty()).then_some(v);
        CliLookup {
            cli_env: std::env::var_os(CLI_ENV_VAR).and_then(non_empty),
            path: std::env::var_os("PATH").and_then(non_empty),
            home: std::env::var_os("HOME")
                .and_then(non_empty)
                .map(PathBuf::from),
        }
    }

    /// The fixed install locations checked after `PATH`, in order.
    pub fn install_locations(&self) -> Vec<PathBuf> {
        let mut places = Vec::new();
        let home = self.home.as_deref();
        if let Some(home) = home {
            places.push(home.join(".npm-global/bin").join(CLI_NAME));
        }
        places.push(Path::new("/usr/local/bin").join(CLI_NAME));
        if let Some(home) = home {
            for dir in [
                ".local/bin",
                "node_modules/.bin",
                ".yarn/bin",
                ".claude/local",
            ] {
                places.push(home.join(dir).join(CLI_NAME));
            }
            places.push(
                home.join(".cache/claude-wire/cli")
                    .join(PINNED_CLI_VERSION)
                    .join(CLI_NAME),
            );
        }
        places
    }

    /// Runs the search described on [`find_cli`].
    pub fn find(&self, explicit: Option<&Path>) -> Result<PathBuf> {
        if let Some(path) = explicit {
            return require_file(path);
        }
        if let Some(path) = &self.cli_env {
            return require_file(Path::new(path));
        }
        let mut searched = Vec::new();
        if let Some(path_var) = &self.path {
            if let Some(found) = self.search_path(path_var) {
                return Ok(found);
            }
            searched.extend(std::env::split_paths(path_var).map(|dir| dir.join(CLI_NAME)));
        }
        for place in self.install_locations() {
            if place.is_file() {
                return Ok(place);
            }
            searched.push(place);
        }
        Err(Error::CliNotFound { searched })
    }

    fn search_path(&self, path_var: &OsString) -> Option<PathBuf> {
        // The working directory only matters for relative PATH entries.
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
        which::which_in(CLI_NAME, Some(path_var), cwd).ok()
    }
}

fn require_file(path: &Path) -> Result<PathBuf> {
    if path.is_file() {
        Ok(path.to_path_buf())
    } else {
        Err(Error::CliNotFound {
            searched: vec![path.to_path_buf()],
        })
    }
}
