//! The files of a materialised resume: the private temporary directory, JSONL writing, and the
//! caller's auth and settings files copied (redacted) into it.

use crate::Flavour;
use serde_json::Value;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A rewrite of a copied file's bytes (the flag: TypeScript rules).
type Transform = fn(Vec<u8>, bool) -> Vec<u8>;

/// Settings keys that misbehave under a redirected config dir (plugins would reinstall into the
/// empty temporary plugin cache). TypeScript also drops `additionalMarketplaces`.
const STRIPPED_SETTINGS: [&str; 2] = ["enabledPlugins", "extraKnownMarketplaces"];

/// A new private (0700) `claude-resume-<random>` directory under the system temp dir.
pub(super) fn make_temp_dir() -> std::io::Result<PathBuf> {
    let base = std::env::temp_dir();
    let mut last = None;
    for _ in 0..16 {
        let path = base.join(format!("claude-resume-{:016x}", fastrand::u64(..)));
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        match builder.create(&path) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no temporary directory name left")))
}

/// Best-effort recursive removal.
pub(super) fn remove_tree(path: &Path) {
    for _ in 0..4 {
        match std::fs::remove_dir_all(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => continue,
            _ => return,
        }
    }
}

/// Writes `bytes` to `path` (parents created), readable by the owner only.
pub(super) fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)
}

/// One compact JSON object per line.
pub(super) fn write_jsonl(path: &Path, entries: &[Value]) -> std::io::Result<()> {
    let mut out = Vec::new();
    for entry in entries {
        serde_json::to_writer(&mut out, entry)?;
        out.push(b'\n');
    }
    write_private(path, &out)
}

/// A regular file's bytes; `None` when missing or unreadable (these copies are best effort).
fn read_regular(path: &Path) -> Option<Vec<u8>> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    std::fs::read(path).ok()
}

/// Copies `src` (through `transform`) to `dst` when it can be read; a failed write leaves no
/// partial file.
fn copy_if_present(src: &Path, dst: &Path, transform: Option<Transform>, ts: bool) {
    let Some(content) = read_regular(src) else {
        return;
    };
    let content = match transform {
        Some(f) => f(content, ts),
        None => content,
    };
    if write_private(dst, &content).is_err() {
        let _ = std::fs::remove_file(dst);
    }
}

/// Seeds the temporary config dir with the caller's auth and user config, resolved as the CLI
/// does: `.credentials.json`, `settings.json`, `cowork_settings.json` from the config dir
/// (`CLAUDE_CONFIG_DIR` of `env` or the process, else `~/.claude`), `.claude.json` from the
/// config dir when set, else `~/.claude.json`.
pub(super) async fn copy_auth_files(
    tmp: &Path,
    env: &HashMap<String, String>,
    flavour: Flavour,
) -> std::io::Result<()> {
    let ts = flavour == Flavour::Ts;
    let var = |name: &str| {
        env.get(name)
            .cloned()
            .or_else(|| std::env::var(name).ok())
            .filter(|v| !v.is_empty())
    };
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/"));
    let caller_dir = var("CLAUDE_CONFIG_DIR").map(PathBuf::from);
    let source = caller_dir.clone().unwrap_or_else(|| home.join(".claude"));

    let mut creds = read_regular(&source.join(".credentials.json"))
        .map(|b| String::from_utf8_lossy(&b).into_owned());
    if caller_dir.is_none()
        && var("ANTHROPIC_API_KEY").is_none()
        && var("CLAUDE_CODE_OAUTH_TOKEN").is_none()
    {
        if let Some(keychain) = keychain_credentials().await {
            creds = Some(keychain);
        }
    }
    if let Some(creds) = creds {
        write_private(
            &tmp.join(".credentials.json"),
            redact_credentials(&creds, ts).as_bytes(),
        )?;
    }

    let claude_json = match &caller_dir {
        Some(dir) => dir.join(".claude.json"),
        None => home.join(".claude.json"),
    };
    copy_if_present(&claude_json, &tmp.join(".claude.json"), None, ts);
    if ts {
        copy_if_present(
            &source.join(".config.json"),
            &tmp.join(".config.json"),
            None,
            ts,
        );
    }
    for name in ["settings.json", "cowork_settings.json"] {
        copy_if_present(
            &source.join(name),
            &tmp.join(name),
            Some(strip_settings),
            ts,
        );
    }
    Ok(())
}

/// Credentials without `claudeAiOauth.refreshToken` (TypeScript also `hybridOauth`'s): the
/// resumed CLI must not spend the parent's single-use refresh token. Unparseable text is kept.
pub(super) fn redact_credentials(text: &str, ts: bool) -> String {
    let Ok(mut parsed) = serde_json::from_str::<Value>(text) else {
        return text.to_owned();
    };
    let mut changed = false;
    let sections: &[&str] = if ts {
        &["claudeAiOauth", "hybridOauth"]
    } else {
        &["claudeAiOauth"]
    };
    for section in sections {
        if let Some(Value::Object(oauth)) = parsed.get_mut(*section) {
            changed |= oauth.remove("refreshToken").is_some();
        }
    }
    if changed {
        serde_json::to_string(&parsed).unwrap_or_else(|_| text.to_owned())
    } else {
        text.to_owned()
    }
}

/// User settings without plugin declarations and `env.CLAUDE_CONFIG_DIR`; anything that is not
/// a JSON object (a UTF-8 BOM allowed) is copied as is.
pub(super) fn strip_settings(content: Vec<u8>, ts: bool) -> Vec<u8> {
    let text = String::from_utf8_lossy(&content);
    let Ok(Value::Object(mut map)) =
        serde_json::from_str::<Value>(text.trim_start_matches('\u{feff}'))
    else {
        return content;
    };
    let mut changed = false;
    let extra: &[&str] = if ts { &["additionalMarketplaces"] } else { &[] };
    for key in STRIPPED_SETTINGS.iter().chain(extra) {
        changed |= map.remove(*key).is_some();
    }
    if let Some(Value::Object(env)) = map.get_mut("env") {
        changed |= env.remove("CLAUDE_CONFIG_DIR").is_some();
    }
    if !changed {
        return content;
    }
    serde_json::to_vec(&Value::Object(map)).unwrap_or(content)
}

/// The OAuth credentials the CLI keeps in the macOS Keychain (default service name), when a
/// redirected config dir would make the CLI miss them.
#[cfg(target_os = "macos")]
async fn keychain_credentials() -> Option<String> {
    let user = std::env::var("USER").unwrap_or_else(|_| "claude-code-user".into());
    let run = tokio::process::Command::new("security")
        .args([
            "find-generic-password",
            "-a",
            &user,
            "-w",
            "-s",
            "Claude Code-credentials",
        ])
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(std::time::Duration::from_secs(5), run)
        .await
        .ok()?
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    (!text.is_empty()).then_some(text)
}

#[cfg(not(target_os = "macos"))]
async fn keychain_credentials() -> Option<String> {
    None
}
