//! Shared helpers for end-to-end tests that run the real Claude Code CLI offline against a
//! [`claude_wire::model_server::ModelServer`].
//!
//! Use from a test file with `mod support;`. Only paths and environment variables come from
//! here, so any test can build its own `ClaudeAgentOptions { cli_path, env, cwd, .. }`:
//!
//! ```ignore
//! let server = ModelServer::start(Script::from(vec![Reply::text("hi")])).await?;
//! let sandbox = support::Sandbox::new();
//! let env = support::isolated_env(&server.url(), &sandbox);
//! // options: cli_path = support::cli_path(), env = env, cwd = sandbox.work()
//! ```
#![allow(dead_code)] // each test binary uses a different subset

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The pinned CLI version the tests expect.
pub const CLI_VERSION: &str = claude_wire::PINNED_CLI_VERSION;

/// Path of the real CLI: `$CLAUDE_WIRE_CLI` when set, else the cached pinned binary, fetched
/// with `scripts/fetch-cli.sh` (once per process) when missing.
///
/// Panics with the script's output when the CLI cannot be obtained: e2e tests cannot run then.
pub fn cli_path() -> PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        if let Some(p) = std::env::var_os("CLAUDE_WIRE_CLI").filter(|p| !p.is_empty()) {
            return PathBuf::from(p);
        }
        let cached = cache_dir().join("cli").join(CLI_VERSION).join("claude");
        if cached.is_file() {
            return cached;
        }
        fetch_cli()
    })
    .clone()
}

fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CLAUDE_WIRE_CACHE").filter(|p| !p.is_empty()) {
        return PathBuf::from(dir);
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    home.join(".cache").join("claude-wire")
}

fn fetch_cli() -> PathBuf {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/fetch-cli.sh");
    let out = Command::new("bash")
        .arg(&script)
        .env("CLAUDE_WIRE_CLI_VERSION", CLI_VERSION)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let path = stdout.lines().last().map(str::trim).unwrap_or_default();
    assert!(
        out.status.success() && Path::new(path).is_file(),
        "fetching the Claude Code CLI failed ({}):\n{}{}",
        out.status,
        stdout,
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(path)
}

/// The model name passed with `--model` (any string works offline; it is echoed back).
pub fn model() -> &'static str {
    "claude-wire-test-model"
}

/// A fresh temporary directory tree for one CLI run, removed on drop:
/// `config/` (CLAUDE_CONFIG_DIR), `tmp/` (TMPDIR), `runtime/` (XDG_RUNTIME_DIR), `work/` (cwd).
pub struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    /// Creates the tree.
    pub fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("claude-wire-e2e-")
            .tempdir()
            .expect("create sandbox dir");
        for sub in ["config", "tmp", "runtime", "work"] {
            std::fs::create_dir(dir.path().join(sub)).expect("create sandbox subdir");
        }
        // XDG_RUNTIME_DIR must be private to its owner.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(
                dir.path().join("runtime"),
                std::fs::Permissions::from_mode(0o700),
            );
        }
        Sandbox { dir }
    }

    /// The sandbox root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// `CLAUDE_CONFIG_DIR`.
    pub fn config(&self) -> PathBuf {
        self.root().join("config")
    }

    /// `TMPDIR` and `CLAUDE_CODE_TMPDIR`.
    pub fn tmp(&self) -> PathBuf {
        self.root().join("tmp")
    }

    /// `XDG_RUNTIME_DIR`.
    pub fn runtime(&self) -> PathBuf {
        self.root().join("runtime")
    }

    /// The working directory to run the CLI in.
    pub fn work(&self) -> PathBuf {
        self.root().join("work")
    }
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

/// True when the tests run as root (the CLI then needs `IS_SANDBOX=1` for some modes).
pub fn running_as_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// The isolation variables of REFERENCE §1 for running the real CLI offline against
/// `server_url` inside `sandbox` (plus `IS_SANDBOX=1` when running as root).
pub fn isolated_env(server_url: &str, sandbox: &Sandbox) -> Vec<(String, String)> {
    claude_wire::model_server::cli_env(server_url, sandbox.root()).expect("sandbox env")
}

/// Replaces (or adds) one variable of an environment list, e.g. to allow retries.
pub fn set_env(env: &mut Vec<(String, String)>, key: &str, value: &str) {
    env.retain(|(k, _)| k != key);
    env.push((key.to_string(), value.to_string()));
}

/// Options that run the real CLI offline against `server`, inside `sandbox` (cwd = `work/`).
pub fn options(
    server: &claude_wire::model_server::ModelServer,
    sandbox: &Sandbox,
) -> claude_wire::ClaudeAgentOptions {
    let mut options = claude_wire::ClaudeAgentOptions::new()
        .cli_path(cli_path())
        .model(model())
        .cwd(sandbox.work());
    options.env = isolated_env(&server.url(), sandbox);
    options
}

/// Processes running in `dir` (every CLI of a test runs in its sandbox's work directory, and so
/// do the tools it starts).
pub fn processes_in(dir: &std::path::Path) -> Vec<u32> {
    let dir = std::fs::canonicalize(dir).unwrap();
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_link(format!("/proc/{pid}/cwd"))
                .ok()
                .as_deref()
                == Some(&dir)
        })
        .collect()
}
