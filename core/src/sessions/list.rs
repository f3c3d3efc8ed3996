//! `list_sessions` and `get_session_info`: a stat and the two 64 KiB ends of each transcript.

use super::archive::read_archived;
use super::lite::{is_programmatic, parse_info, read_lite, Lite};
use super::locate::{find_in_projects, project_dirs, worktree_paths};
use super::paths::{canonical_dir, find_project_dir, is_uuid, project_dir_name, MAX_DIR_NAME};
use super::{projects_dir, SessionInfo};
use crate::{Flavour, Result};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// What [`list_sessions`] lists. `ListSessions::default()` lists every project's sessions, all
/// of them, worktrees and programmatic sessions included, in the Python SDK's shape.
#[derive(Debug, Clone)]
pub struct ListSessions {
    /// A project directory: its sessions (and its git worktrees'); `None` for all projects.
    pub dir: Option<PathBuf>,
    /// At most this many sessions (`None` or 0: no limit).
    pub limit: Option<usize>,
    /// Skip this many sessions of the sorted list first.
    pub offset: usize,
    /// With `dir` inside a git repository, include the sessions of every worktree (default).
    pub include_worktrees: bool,
    /// Include sessions started by an SDK or a daemon (default); `false` is the TypeScript
    /// SDK's `includeProgrammatic: false`.
    pub include_programmatic: bool,
    /// Whose rules to follow: [`Flavour::Ts`] also reports the archived mark.
    pub flavour: Flavour,
}

impl Default for ListSessions {
    fn default() -> Self {
        ListSessions {
            dir: None,
            limit: None,
            offset: 0,
            include_worktrees: true,
            include_programmatic: true,
            flavour: Flavour::Python,
        }
    }
}

impl ListSessions {
    /// The sessions of one project directory (and its worktrees).
    pub fn in_dir(dir: impl Into<PathBuf>) -> Self {
        ListSessions {
            dir: Some(dir.into()),
            ..Self::default()
        }
    }

    /// At most `limit` sessions.
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Skip the first `offset` sessions.
    pub fn offset(mut self, offset: usize) -> Self {
        self.offset = offset;
        self
    }

    /// Whether to include git worktrees' sessions.
    pub fn include_worktrees(mut self, yes: bool) -> Self {
        self.include_worktrees = yes;
        self
    }

    /// Whether to include SDK and daemon sessions.
    pub fn include_programmatic(mut self, yes: bool) -> Self {
        self.include_programmatic = yes;
        self
    }

    /// Whose rules to follow.
    pub fn flavour(mut self, flavour: Flavour) -> Self {
        self.flavour = flavour;
        self
    }
}

/// Which sessions to read from a project directory and how.
struct Reader<'a> {
    opts: &'a ListSessions,
}

impl Reader<'_> {
    /// The listed sessions of one project directory, in directory order.
    fn read_dir(&self, project: &Path, project_path: Option<&str>) -> Vec<SessionInfo> {
        self.read_all(&[(project.to_path_buf(), project_path)])
    }

    /// The listed sessions of several project directories, in order. The files are read on
    /// every core at once (each read is a few system calls and a scan of 128 KiB), the
    /// results kept in directory order.
    fn read_all(&self, projects: &[(PathBuf, Option<&str>)]) -> Vec<SessionInfo> {
        let mut files: Vec<(&Path, String, Option<&str>)> = Vec::new();
        for (project, project_path) in projects {
            let Ok(entries) = std::fs::read_dir(project) else {
                continue;
            };
            for entry in entries.flatten() {
                let name = entry.file_name();
                let Some(id) = name.to_str().and_then(|n| n.strip_suffix(".jsonl")) else {
                    continue;
                };
                if is_uuid(id) {
                    files.push((project, id.to_owned(), *project_path));
                }
            }
        }
        let read = |chunk: &[(&Path, String, Option<&str>)]| -> Vec<SessionInfo> {
            chunk
                .iter()
                .filter_map(|(project, id, path)| self.read_one(project, id, *path))
                .collect()
        };
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        if threads < 2 || files.len() < 64 {
            return read(&files);
        }
        let chunk = files.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let parts: Vec<_> = files
                .chunks(chunk)
                .map(|part| scope.spawn(move || read(part)))
                .collect();
            parts
                .into_iter()
                .flat_map(|part| part.join().unwrap_or_default())
                .collect()
        })
    }

    /// One session's info, `None` when it is not listed.
    fn read_one(
        &self,
        project: &Path,
        id: &str,
        project_path: Option<&str>,
    ) -> Option<SessionInfo> {
        let lite = read_lite(&project.join(format!("{id}.jsonl")))?;
        self.info_of(project, id, &lite, project_path)
    }

    fn info_of(
        &self,
        project: &Path,
        id: &str,
        lite: &Lite,
        project_path: Option<&str>,
    ) -> Option<SessionInfo> {
        if !self.opts.include_programmatic && is_programmatic(lite) {
            return None;
        }
        let mut info = parse_info(id, lite, project_path)?;
        if self.opts.flavour == Flavour::Ts {
            info.archived = read_archived(project, id, lite);
        }
        Some(info)
    }
}

/// Keeps the newest of each session id, in first-seen order.
fn dedupe(sessions: Vec<SessionInfo>) -> Vec<SessionInfo> {
    let mut index: HashMap<String, usize> = HashMap::with_capacity(sessions.len());
    let mut out: Vec<SessionInfo> = Vec::with_capacity(sessions.len());
    for s in sessions {
        match index.get(&s.session_id) {
            Some(&i) => {
                if s.last_modified > out[i].last_modified {
                    out[i] = s;
                }
            }
            None => {
                index.insert(s.session_id.clone(), out.len());
                out.push(s);
            }
        }
    }
    out
}

/// Newest first (stable: ties keep their order), then `offset` and `limit`.
fn sort_page(
    mut sessions: Vec<SessionInfo>,
    limit: Option<usize>,
    offset: usize,
) -> Vec<SessionInfo> {
    sessions.sort_by_key(|s| std::cmp::Reverse(s.last_modified));
    let mut page: Vec<SessionInfo> = sessions.into_iter().skip(offset).collect();
    if let Some(limit) = limit.filter(|l| *l > 0) {
        page.truncate(limit);
    }
    page
}

/// Lists sessions, newest first, from a stat and the two 64 KiB ends of each transcript (never
/// a whole one).
///
/// With `dir`, the sessions of that project directory and, inside a git repository, of its
/// worktrees (`git worktree list`, five-second timeout); without, every project's. Subagent
/// transcripts and sessions with nothing to show are left out; a session found in two
/// directories is listed once, the newer copy. Unreadable directories and files are skipped:
/// a missing projects directory lists nothing.
pub fn list_sessions(opts: &ListSessions) -> Result<Vec<SessionInfo>> {
    let reader = Reader { opts };
    let projects = projects_dir(None);
    let sessions = match opts.dir.as_deref().filter(|d| !d.as_os_str().is_empty()) {
        None => {
            let dirs: Vec<(PathBuf, Option<&str>)> = project_dirs(&projects)
                .into_iter()
                .map(|project| (project, None))
                .collect();
            dedupe(reader.read_all(&dirs))
        }
        Some(dir) => {
            let canonical = canonical_dir(dir);
            let worktrees = if opts.include_worktrees {
                worktree_paths(&canonical)
            } else {
                Vec::new()
            };
            if worktrees.len() <= 1 {
                match find_project_dir(&projects, &canonical) {
                    Some(project) => reader.read_dir(&project, Some(&canonical)),
                    None => Vec::new(),
                }
            } else {
                list_with_worktrees(&reader, &projects, &canonical, &worktrees)
            }
        }
    };
    Ok(sort_page(sessions, opts.limit, opts.offset))
}

fn list_with_worktrees(
    reader: &Reader<'_>,
    projects: &Path,
    canonical: &str,
    worktrees: &[String],
) -> Vec<SessionInfo> {
    let fold = |s: &str| {
        if cfg!(windows) {
            s.to_lowercase()
        } else {
            s.to_owned()
        }
    };
    let mut indexed: Vec<(&str, String)> = worktrees
        .iter()
        .map(|wt| (wt.as_str(), fold(&project_dir_name(wt))))
        .collect();
    indexed.sort_by_key(|w| std::cmp::Reverse(w.1.len()));
    let Ok(entries) = std::fs::read_dir(projects) else {
        return match find_project_dir(projects, canonical) {
            Some(project) => reader.read_dir(&project, Some(canonical)),
            None => Vec::new(),
        };
    };
    let dirs: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    let mut all = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    if let Some(project) = find_project_dir(projects, canonical) {
        if let Some(name) = project.file_name() {
            seen.insert(fold(&name.to_string_lossy()));
        }
        all.extend(reader.read_dir(&project, Some(canonical)));
    }
    for dir in dirs {
        let Some(name) = dir.file_name() else {
            continue;
        };
        let name = fold(&name.to_string_lossy());
        if seen.contains(&name) {
            continue;
        }
        for (wt, prefix) in &indexed {
            let matches = name == *prefix
                || (prefix.len() >= MAX_DIR_NAME && name.starts_with(&format!("{prefix}-")));
            if matches {
                seen.insert(name.clone());
                all.extend(reader.read_dir(&dir, Some(wt)));
                break;
            }
        }
    }
    dedupe(all)
}

/// The info of one session (`None` when not found, not a UUID, a subagent transcript or empty
/// of anything to show), read like [`list_sessions`] reads each: no directory scan.
///
/// With `dir`, looks in its project directory then its worktrees'; without, in every project.
pub fn get_session_info(
    session_id: &str,
    dir: Option<&Path>,
    flavour: Flavour,
) -> Result<Option<SessionInfo>> {
    if !is_uuid(session_id) {
        return Ok(None);
    }
    let opts = ListSessions {
        flavour,
        ..ListSessions::default()
    };
    let reader = Reader { opts: &opts };
    let name = format!("{session_id}.jsonl");
    // The first readable, non-empty transcript decides, even when it has nothing to show.
    let found = find_in_projects(dir, |project, project_path| {
        let lite = read_lite(&project.join(&name))?;
        Some(reader.info_of(project, session_id, &lite, project_path))
    });
    Ok(found.flatten())
}
