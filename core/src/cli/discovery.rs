//! Locating the Claude Code CLI executable (the order is documented on [`find_cli`]).

use super::platform::Platform;
use crate::{ClaudeAgentOptions, Error, Result, PINNED_CLI_VERSION};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// Environment variable naming the CLI to use when no explicit path is given.
pub const CLI_ENV_VAR: &str = "CLAUDE_WIRE_CLI";

/// Environment variable naming the claude-wire cache directory (default `~/.cache/claude-wire`),
/// shared by the installer, discovery and the repository's scripts.
pub const CACHE_ENV_VAR: &str = "CLAUDE_WIRE_CACHE";

const CLI_NAME: &str = "claude";

/// Finds the CLI executable using this process's environment.
///
/// # Order
///
/// 1. the explicit path (`cli_path`), which must exist;
/// 2. [`CLI_ENV_VAR`] (`CLAUDE_WIRE_CLI`), which must exist when set;
/// 3. the claude-wire cache at the pinned version,
///    `${CLAUDE_WIRE_CACHE:-~/.cache/claude-wire}/cli/<PINNED_CLI_VERSION>/claude`, where
///    `claude_wire::cli::install` (cargo feature `install`; `python -m claude_wire install-cli`) and
///    `scripts/fetch-cli.sh` put it;
/// 4. the copies the official SDK packages ship, in the environment the host runtime resolves
///    packages from: npm package directories a binding resolved
///    ([`CliLookup::package_dirs`]), then `claude_agent_sdk/_bundled/claude` in the Python
///    import directories a binding supplied ([`CliLookup::site_dirs`]) and in the active
///    virtualenv (`$VIRTUAL_ENV/lib/python3.*/site-packages`);
/// 5. `claude` on `PATH`;
/// 6. the usual install locations ([`CliLookup::install_locations`]);
/// 7. the npm platform packages in `node_modules` directories found without a binding's help:
///    in the working directory and each of its ancestors, then in the global npm root
///    (`$npm_config_prefix/lib/node_modules`, the one beside `node` on `PATH`, and
///    `~/.npm-global/lib/node_modules`). Each is checked for
///    `@anthropic-ai/claude-agent-sdk-<platform>/claude` and
///    `@anthropic-ai/claude-code-<platform>/claude`.
///
/// Why 3 and 4 come before `PATH`: both official SDKs run the CLI their package ships before
/// any `claude` on `PATH` (the Python SDK checks its `_bundled/claude` first; the TypeScript SDK
/// resolves its own platform package), because that is the version they were released and tested
/// with, while the `claude` on `PATH` is the user's interactive install, which updates itself
/// and drifts. The claude-wire cache holds exactly [`PINNED_CLI_VERSION`] and exists only when
/// someone installed it for claude-wire; an official package installed next to claude-wire is
/// what the official SDK would run in the same environment, so switching from it to claude-wire
/// keeps the same CLI. Set `cli_path` or `CLAUDE_WIRE_CLI` to run another one. The `node_modules`
/// found by walking up from the working directory (7) are a guess about the project rather than
/// the runtime's own resolution, so they come after `PATH` and the install locations.
///
/// When nothing is found, [`Error::CliNotFound`] lists every place checked, in order.
///
/// See [`CliLookup`] to search with another environment or with the directories a binding
/// supplies.
pub fn find_cli(explicit: Option<&Path>) -> Result<PathBuf> {
    CliLookup::from_env().find(explicit)
}

/// Where a CLI of `version` lives in the cache rooted at `cache_root`:
/// `<cache_root>/cli/<version>/claude`. The installer, discovery and `scripts/fetch-cli.sh` all
/// use this layout.
pub fn cached_cli_path(cache_root: &Path, version: &str) -> PathBuf {
    cache_root.join("cli").join(version).join(CLI_NAME)
}

/// The cache root of this process's environment: `$CLAUDE_WIRE_CACHE`, else
/// `$HOME/.cache/claude-wire`; `None` when neither is set.
pub fn cache_root() -> Option<PathBuf> {
    CliLookup::from_env().cache_root()
}

/// The inputs of the CLI search, so it can run against any environment.
///
/// [`CliLookup::from_env`] fills every field it can from this process; a binding adds what only
/// its runtime knows ([`site_dirs`](Self::site_dirs), [`package_dirs`](Self::package_dirs)),
/// through [`ClaudeAgentOptions::cli_site_dirs`](crate::ClaudeAgentOptions::cli_site_dirs) and
/// [`ClaudeAgentOptions::cli_package_dirs`](crate::ClaudeAgentOptions::cli_package_dirs).
/// Fields left empty are simply not searched, so tests can build a lookup with only the fields
/// they mean (`CliLookup { home: Some(h), ..Default::default() }`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CliLookup {
    /// Value of [`CLI_ENV_VAR`].
    pub cli_env: Option<OsString>,
    /// Value of `PATH`.
    pub path: Option<OsString>,
    /// The home directory (base of the per-user install locations and the default cache).
    pub home: Option<PathBuf>,
    /// Value of [`CACHE_ENV_VAR`]: the cache root, instead of `<home>/.cache/claude-wire`.
    pub cache: Option<PathBuf>,
    /// Value of `VIRTUAL_ENV`: its `lib/python3.*/site-packages` are searched after
    /// [`site_dirs`](Self::site_dirs).
    pub virtual_env: Option<PathBuf>,
    /// Python import directories (a binding passes `site.getsitepackages()` and the user site):
    /// each is checked for `claude_agent_sdk/_bundled/claude`, the CLI the official Python SDK's
    /// wheel ships.
    pub site_dirs: Vec<PathBuf>,
    /// Directories of installed npm packages that hold the CLI as `claude` at their root
    /// (`@anthropic-ai/claude-agent-sdk-<platform>`, `@anthropic-ai/claude-code-<platform>`), as
    /// a binding's runtime resolved them (the Node binding: `require.resolve` from its own
    /// location). Each is checked for `claude`.
    pub package_dirs: Vec<PathBuf>,
    /// The working directory: `node_modules` in it and in each ancestor are searched.
    pub cwd: Option<PathBuf>,
    /// Value of `npm_config_prefix` (npm's global prefix; its `lib/node_modules` is searched).
    pub npm_prefix: Option<PathBuf>,
    /// The platform naming the npm packages; `None` means [`Platform::current`].
    pub platform: Option<Platform>,
}

impl CliLookup {
    /// Reads `CLAUDE_WIRE_CLI`, `PATH`, `HOME`, `CLAUDE_WIRE_CACHE`, `VIRTUAL_ENV`,
    /// `npm_config_prefix` and the working directory from this process.
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        CliLookup {
            cli_env: var(CLI_ENV_VAR),
            path: var("PATH"),
            home: var("HOME").map(PathBuf::from),
            cache: var(CACHE_ENV_VAR).map(PathBuf::from),
            virtual_env: var("VIRTUAL_ENV").map(PathBuf::from),
            site_dirs: Vec::new(),
            package_dirs: Vec::new(),
            cwd: std::env::current_dir().ok(),
            npm_prefix: var("npm_config_prefix")
                .or_else(|| var("NPM_CONFIG_PREFIX"))
                .map(PathBuf::from),
            platform: None,
        }
    }

    /// [`from_env`](Self::from_env) plus the directories a binding put in `options`
    /// ([`cli_site_dirs`](ClaudeAgentOptions::cli_site_dirs),
    /// [`cli_package_dirs`](ClaudeAgentOptions::cli_package_dirs)): the search a session runs.
    pub fn for_options(options: &ClaudeAgentOptions) -> Self {
        CliLookup {
            site_dirs: options.cli_site_dirs.clone(),
            package_dirs: options.cli_package_dirs.clone(),
            ..CliLookup::from_env()
        }
    }

    /// The cache root: [`cache`](Self::cache), else `<home>/.cache/claude-wire`.
    pub fn cache_root(&self) -> Option<PathBuf> {
        self.cache
            .clone()
            .or_else(|| self.home.as_ref().map(|h| h.join(".cache/claude-wire")))
    }

    /// The cached CLI at the pinned version, checked right after `CLAUDE_WIRE_CLI`.
    pub fn cache_location(&self) -> Option<PathBuf> {
        self.cache_root()
            .map(|root| cached_cli_path(&root, PINNED_CLI_VERSION))
    }

    /// The copies the official packages ship, in the directories a binding supplied and the
    /// active virtualenv, in order; checked before `PATH`.
    pub fn bundled_locations(&self) -> Vec<PathBuf> {
        let mut places: Vec<PathBuf> = self
            .package_dirs
            .iter()
            .map(|dir| dir.join(CLI_NAME))
            .collect();
        let venv_sites = self
            .virtual_env
            .as_deref()
            .map(venv_site_packages)
            .unwrap_or_default();
        for site in self.site_dirs.iter().chain(&venv_sites) {
            push_new(
                &mut places,
                site.join("claude_agent_sdk/_bundled").join(CLI_NAME),
            );
        }
        places
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
        }
        places
    }

    /// The `node_modules` directories searched last: the working directory's and its
    /// ancestors', then the global npm roots.
    pub fn node_modules_dirs(&self) -> Vec<PathBuf> {
        let mut dirs = Vec::new();
        if let Some(cwd) = &self.cwd {
            for dir in cwd.ancestors() {
                // `node_modules/node_modules` is never a place npm installs to.
                if dir.file_name().is_some_and(|n| n == "node_modules") {
                    continue;
                }
                push_new(&mut dirs, dir.join("node_modules"));
            }
        }
        let mut prefixes: Vec<PathBuf> = self.npm_prefix.iter().cloned().collect();
        if let Some(node) = self.which("node") {
            // npm's default global prefix is the directory above the one holding `node`.
            let node = node.canonicalize().unwrap_or(node);
            if let Some(prefix) = node.parent().and_then(Path::parent) {
                prefixes.push(prefix.to_path_buf());
            }
        }
        if let Some(home) = &self.home {
            prefixes.push(home.join(".npm-global"));
        }
        for prefix in prefixes {
            push_new(&mut dirs, prefix.join("lib/node_modules"));
        }
        dirs
    }

    /// The npm platform packages in [`node_modules_dirs`](Self::node_modules_dirs), in order.
    pub fn node_modules_locations(&self) -> Vec<PathBuf> {
        let Some(platform) = self.platform.or_else(Platform::current) else {
            return Vec::new();
        };
        let packages = [platform.sdk_package(), platform.cli_package()];
        self.node_modules_dirs()
            .into_iter()
            .flat_map(|dir| packages.iter().map(move |p| dir.join(p).join(CLI_NAME)))
            .collect()
    }

    /// Runs the search described on [`find_cli`].
    pub fn find(&self, explicit: Option<&Path>) -> Result<PathBuf> {
        if let Some(path) = explicit {
            return require_file(path, true);
        }
        if let Some(path) = &self.cli_env {
            return require_file(Path::new(path), false);
        }
        let mut searched = Vec::new();
        let early = self
            .cache_location()
            .into_iter()
            .chain(self.bundled_locations())
            .collect();
        if let Some(found) = check(early, &mut searched) {
            return Ok(found);
        }
        if let Some(path_var) = &self.path {
            if let Some(found) = self.which(CLI_NAME) {
                return Ok(found);
            }
            searched.extend(std::env::split_paths(path_var).map(|dir| dir.join(CLI_NAME)));
        }
        let late = self
            .install_locations()
            .into_iter()
            .chain(self.node_modules_locations())
            .collect();
        if let Some(found) = check(late, &mut searched) {
            return Ok(found);
        }
        Err(Error::CliNotFound {
            searched,
            configured: false,
        })
    }

    /// An executable named `name` on [`path`](Self::path).
    fn which(&self, name: &str) -> Option<PathBuf> {
        let path_var = self.path.as_ref()?;
        // The working directory only matters for relative PATH entries.
        let cwd = self.cwd.clone().unwrap_or_else(|| PathBuf::from("/"));
        which::which_in(name, Some(path_var), cwd).ok()
    }
}

/// The first of `places` that is a file; the others checked are added to `searched`.
fn check(places: Vec<PathBuf>, searched: &mut Vec<PathBuf>) -> Option<PathBuf> {
    for place in places {
        if place.is_file() {
            return Some(place);
        }
        searched.push(place);
    }
    None
}

/// `<venv>/lib/python3.*/site-packages`, sorted (a virtualenv normally has one).
fn venv_site_packages(venv: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(venv.join("lib")) else {
        return Vec::new();
    };
    let mut sites: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("python"))
        .map(|e| e.path().join("site-packages"))
        .filter(|p| p.is_dir())
        .collect();
    sites.sort();
    sites
}

fn push_new(places: &mut Vec<PathBuf>, place: PathBuf) {
    if !places.contains(&place) {
        places.push(place);
    }
}

/// `path` as the CLI; `configured` when the user gave it (`cli_path`), not the environment.
fn require_file(path: &Path, configured: bool) -> Result<PathBuf> {
    if path.is_file() {
        Ok(path.to_path_buf())
    } else {
        Err(Error::CliNotFound {
            searched: vec![path.to_path_buf()],
            configured,
        })
    }
}
