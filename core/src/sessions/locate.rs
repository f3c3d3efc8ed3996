//! Finding a session's transcript: the project directory of the given path, then those of its
//! git worktrees; or, with no path, every project directory.

use super::paths::{canonical_dir, find_project_dir, projects_dir};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use unicode_normalization::UnicodeNormalization;

/// How long `git worktree list` may take before it is abandoned.
const GIT_TIMEOUT: Duration = Duration::from_secs(5);

/// The worktree paths (NFC) of the git repository holding `cwd`; empty when git is missing,
/// fails, or does not answer within five seconds.
pub(crate) fn worktree_paths(cwd: &str) -> Vec<String> {
    let child = Command::new("git")
        .args(["worktree", "list", "--porcelain"])
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        return Vec::new();
    };
    let Some(mut stdout) = child.stdout.take() else {
        let _ = child.kill();
        let _ = child.wait();
        return Vec::new();
    };
    // Read on a thread so a git that never exits cannot hang us past the timeout.
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stdout.read_to_end(&mut out);
        out
    });
    let deadline = Instant::now() + GIT_TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(5));
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    let Some(status) = status else {
        return Vec::new();
    };
    let Ok(out) = reader.join() else {
        return Vec::new();
    };
    if !status.success() || out.is_empty() {
        return Vec::new();
    }
    String::from_utf8_lossy(&out)
        .split('\n')
        .filter_map(|line| line.strip_prefix("worktree "))
        .map(|p| p.nfc().collect())
        .collect()
}

/// The directories under the projects directory (following symlinks), in directory order.
pub(crate) fn project_dirs(projects: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(projects) else {
        return Vec::new();
    };
    entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect()
}

/// The project directories to look for a session in, in the official search order, each with
/// the project path it stands for (when known): with `dir`, its own project directory and
/// then its worktrees' (the worktree listing is only run if `need_worktrees` says the first
/// candidate did not hold the session); without, every project directory.
pub(crate) fn find_in_projects<T>(
    dir: Option<&Path>,
    mut probe: impl FnMut(&Path, Option<&str>) -> Option<T>,
) -> Option<T> {
    let projects = projects_dir(None);
    match dir.filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => {
            let canonical = canonical_dir(dir);
            if let Some(project) = find_project_dir(&projects, &canonical) {
                if let Some(found) = probe(&project, Some(&canonical)) {
                    return Some(found);
                }
            }
            for wt in worktree_paths(&canonical) {
                if wt == canonical {
                    continue;
                }
                if let Some(project) = find_project_dir(&projects, &wt) {
                    if let Some(found) = probe(&project, Some(&wt)) {
                        return Some(found);
                    }
                }
            }
            None
        }
        None => {
            let entries = std::fs::read_dir(&projects).ok()?;
            for entry in entries.flatten() {
                if let Some(found) = probe(&entry.path(), None) {
                    return Some(found);
                }
            }
            None
        }
    }
}

/// The transcript of `session_id` (already validated) when it exists and is not empty, with
/// its project directory.
pub(crate) fn find_session_file(
    session_id: &str,
    dir: Option<&Path>,
) -> Option<(PathBuf, PathBuf)> {
    let name = format!("{session_id}.jsonl");
    find_in_projects(dir, |project, _| {
        let path = project.join(&name);
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_file() && meta.len() > 0 => Some((path, project.to_path_buf())),
            _ => None,
        }
    })
}
