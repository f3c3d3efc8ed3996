//! Resuming from a session store: the transcript is loaded from the store into a fresh
//! temporary config directory laid out like `~/.claude/`, which the CLI is then pointed at with
//! `CLAUDE_CONFIG_DIR` (it only resumes from local files). Also the pre-flight refusal of
//! option combinations a store cannot serve ([`validate_store_options`]).

use super::paths::is_uuid;
use super::{project_key_for_directory, SessionKey, SessionStore, StoreMethod};
use crate::{CallbackError, Flavour};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::future::Future;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

#[path = "resume_files.rs"]
mod files;

/// The default bound on each store call of a materialisation (`load_timeout_ms`).
pub const LOAD_TIMEOUT: Duration = Duration::from_secs(60);

/// What to materialise.
#[derive(Clone)]
pub struct ResumeRequest<'a> {
    /// The store holding the session.
    pub store: Arc<dyn SessionStore>,
    /// The session to resume (`resume`), winning over `continue_conversation`.
    pub resume: Option<&'a str>,
    /// Resume the most recent session of the project (needs `list_sessions`).
    pub continue_conversation: bool,
    /// The session's working directory (its project key); `None` for the current directory.
    pub cwd: Option<&'a Path>,
    /// The session's `env` option (where the caller's config dir is).
    pub env: &'a HashMap<String, String>,
    /// The bound on each store call.
    pub load_timeout: Duration,
    /// Whose rules and texts to follow.
    pub flavour: Flavour,
}

/// A store call made while materialising.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreCall {
    /// `list_sessions` of the project (continue).
    ListSessions,
    /// `load` of a session or one of its subpaths.
    Load {
        /// The session.
        session_id: String,
        /// The subpath, for a subagent transcript.
        subpath: Option<String>,
    },
    /// `list_subkeys` of a session.
    ListSubkeys {
        /// The session.
        session_id: String,
    },
}

impl StoreCall {
    fn name(&self, ts: bool) -> &'static str {
        match self {
            StoreCall::ListSessions if ts => "listSessions",
            StoreCall::ListSessions => "list_sessions",
            StoreCall::Load { .. } => "load",
            StoreCall::ListSubkeys { .. } if ts => "listSubkeys",
            StoreCall::ListSubkeys { .. } => "list_subkeys",
        }
    }

    /// What follows the method in the texts: ` for session <id>[ subpath <sub>]`.
    fn target(&self) -> String {
        match self {
            StoreCall::ListSessions => String::new(),
            StoreCall::Load {
                session_id,
                subpath: Some(sub),
            } => format!(" for session {session_id} subpath {sub}"),
            StoreCall::Load { session_id, .. } | StoreCall::ListSubkeys { session_id } => {
                format!(" for session {session_id}")
            }
        }
    }
}

/// Why a store-backed resume could not be prepared; the CLI is not started.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ResumeError {
    /// A store call did not settle within the load timeout.
    #[error("SessionStore.{}(){} timed out after {}ms during resume materialization", .call.name(false), .call.target(), .after.as_millis())]
    TimedOut {
        /// The call.
        call: StoreCall,
        /// The timeout.
        after: Duration,
    },
    /// A store call failed.
    #[error("SessionStore.{}(){} failed during resume materialization: {source}", .call.name(false), .call.target())]
    Failed {
        /// The call.
        call: StoreCall,
        /// The store's error.
        #[source]
        source: Arc<CallbackError>,
    },
    /// Writing the temporary config directory failed.
    #[error("cannot materialize the resumed session: {0}")]
    Io(Arc<std::io::Error>),
}

impl ResumeError {
    /// The text of `flavour`'s SDK (the Python one is also the `Display`): TypeScript words a
    /// timeout differently and passes a store's error through unchanged.
    pub fn message(&self, flavour: Flavour) -> String {
        match (self, flavour) {
            (ResumeError::TimedOut { call, after }, Flavour::Ts) => format!(
                "SessionStore.{}() timed out after {}ms{}",
                call.name(true),
                after.as_millis(),
                call.target()
            ),
            (ResumeError::Failed { source, .. }, Flavour::Ts) => source.to_string(),
            _ => self.to_string(),
        }
    }
}

impl From<std::io::Error> for ResumeError {
    fn from(e: std::io::Error) -> Self {
        ResumeError::Io(Arc::new(e))
    }
}

/// A resume materialised in a temporary config directory, removed when this is dropped (keep
/// it until the CLI has exited).
#[derive(Debug)]
pub struct MaterializedResume {
    config_dir: PathBuf,
    /// The session to pass as `--resume` (for `continue_conversation`, the one chosen); the
    /// caller also clears `continue_conversation`.
    pub resume_session_id: String,
}

impl MaterializedResume {
    /// The temporary directory laid out like `~/.claude/`.
    pub fn config_dir(&self) -> &Path {
        &self.config_dir
    }

    /// Its `projects` directory: the mirror batcher's projects directory for this session.
    pub fn projects_dir(&self) -> PathBuf {
        self.config_dir.join("projects")
    }

    /// The variables to add to the CLI's environment: `CLAUDE_CONFIG_DIR`.
    pub fn env_overrides(&self) -> Vec<(String, String)> {
        vec![(
            "CLAUDE_CONFIG_DIR".into(),
            self.config_dir.to_string_lossy().into_owned(),
        )]
    }
}

impl Drop for MaterializedResume {
    fn drop(&mut self) {
        files::remove_tree(&self.config_dir);
    }
}

/// Loads the session to resume from the store into a new temporary config directory.
///
/// `Ok(None)` when there is nothing to materialise (neither `resume` nor
/// `continue_conversation`, a `resume` id that is not a UUID, no stored entries, no candidate
/// for `continue`): the CLI then starts as it would without a store. Each store call is bounded
/// by `load_timeout`. Besides the transcript (and subagent transcripts and `.meta.json`
/// sidecars when the store lists subkeys), the caller's `.credentials.json` (refresh token
/// removed), `.claude.json` and user `settings.json`/`cowork_settings.json` (plugin
/// declarations and `env.CLAUDE_CONFIG_DIR` removed) are copied, as the official SDKs do.
pub async fn materialize_resume_session(
    req: &ResumeRequest<'_>,
) -> Result<Option<MaterializedResume>, ResumeError> {
    if req.resume.is_none() && !req.continue_conversation {
        return Ok(None);
    }
    let project_key = project_key_for_directory(req.cwd);
    let found = match req.resume {
        Some(id) if !is_uuid(id) => None,
        Some(id) => load_candidate(req, &project_key, id).await?,
        None => continue_candidate(req, &project_key).await?,
    };
    let Some((session_id, entries)) = found else {
        return Ok(None);
    };
    let materialized = MaterializedResume {
        config_dir: files::make_temp_dir()?,
        resume_session_id: session_id,
    };
    // From here an error drops `materialized`, which removes the directory.
    let project_dir = materialized.projects_dir().join(&project_key);
    let sid = materialized.resume_session_id.clone();
    files::write_jsonl(&project_dir.join(format!("{sid}.jsonl")), &entries)?;
    files::copy_auth_files(&materialized.config_dir, req.env, req.flavour).await?;
    if req.store.supports(StoreMethod::ListSubkeys) {
        materialize_subkeys(req, &project_dir, &project_key, &sid).await?;
    }
    Ok(Some(materialized))
}

async fn bounded<T>(
    req: &ResumeRequest<'_>,
    call: StoreCall,
    fut: impl Future<Output = Result<T, CallbackError>>,
) -> Result<T, ResumeError> {
    match tokio::time::timeout(req.load_timeout, fut).await {
        Err(_) => Err(ResumeError::TimedOut {
            call,
            after: req.load_timeout,
        }),
        Ok(Err(e)) => Err(ResumeError::Failed {
            call,
            source: Arc::new(e),
        }),
        Ok(Ok(v)) => Ok(v),
    }
}

type Candidate = Option<(String, Vec<Value>)>;

async fn load_candidate(
    req: &ResumeRequest<'_>,
    project_key: &str,
    session_id: &str,
) -> Result<Candidate, ResumeError> {
    let key = SessionKey {
        project_key: project_key.into(),
        session_id: session_id.into(),
        subpath: None,
    };
    let call = StoreCall::Load {
        session_id: session_id.into(),
        subpath: None,
    };
    let entries = bounded(req, call, req.store.load(&key)).await?;
    Ok(entries
        .filter(|e| !e.is_empty())
        .map(|e| (session_id.to_owned(), e)))
}

/// The newest session: Python walks newest to oldest skipping non-UUID ids, empty and sidechain
/// transcripts; TypeScript takes the newest as is.
async fn continue_candidate(
    req: &ResumeRequest<'_>,
    project_key: &str,
) -> Result<Candidate, ResumeError> {
    let listed = bounded(
        req,
        StoreCall::ListSessions,
        req.store.list_sessions(project_key),
    )
    .await?;
    let mut listed = listed;
    listed.sort_by_key(|s| std::cmp::Reverse(s.mtime));
    if req.flavour == Flavour::Ts {
        return match listed.first() {
            Some(s) if is_uuid(&s.session_id) => {
                load_candidate(req, project_key, &s.session_id).await
            }
            _ => Ok(None),
        };
    }
    for cand in listed {
        if !is_uuid(&cand.session_id) {
            continue;
        }
        let Some((sid, entries)) = load_candidate(req, project_key, &cand.session_id).await? else {
            continue;
        };
        if entries[0].get("isSidechain") == Some(&Value::Bool(true)) {
            continue;
        }
        return Ok(Some((sid, entries)));
    }
    Ok(None)
}

async fn materialize_subkeys(
    req: &ResumeRequest<'_>,
    project_dir: &Path,
    project_key: &str,
    session_id: &str,
) -> Result<(), ResumeError> {
    let session_dir = project_dir.join(session_id);
    let key = SessionKey {
        project_key: project_key.into(),
        session_id: session_id.into(),
        subpath: None,
    };
    let call = StoreCall::ListSubkeys {
        session_id: session_id.into(),
    };
    let subkeys = bounded(req, call, req.store.list_subkeys(&key)).await?;
    for subpath in subkeys {
        if !is_safe_subpath(&subpath) {
            continue;
        }
        let sub_key = SessionKey {
            subpath: Some(subpath.clone()),
            ..key.clone()
        };
        let call = StoreCall::Load {
            session_id: session_id.into(),
            subpath: Some(subpath.clone()),
        };
        let Some(entries) = bounded(req, call, req.store.load(&sub_key)).await? else {
            continue;
        };
        let mut metadata: Option<Map<String, Value>> = None;
        let mut transcript = Vec::new();
        for entry in entries {
            match entry {
                Value::Object(m) if m.get("type") == Some(&Value::from("agent_metadata")) => {
                    metadata = Some(m);
                }
                other => transcript.push(other),
            }
        }
        let base = session_dir.join(&subpath);
        let base = base.to_string_lossy();
        if !transcript.is_empty() {
            files::write_jsonl(Path::new(&format!("{base}.jsonl")), &transcript)?;
        }
        if let Some(mut meta) = metadata {
            meta.remove("type");
            let text = serde_json::to_string(&meta).unwrap_or_default();
            files::write_private(Path::new(&format!("{base}.meta.json")), text.as_bytes())?;
        }
    }
    Ok(())
}

/// A subpath from the store may become a path under the session directory only when it is
/// relative, has no drive, no `.`/`..` parts, no NUL, and is not empty.
pub(crate) fn is_safe_subpath(subpath: &str) -> bool {
    if subpath.is_empty() || subpath.contains('\0') {
        return false;
    }
    if subpath.starts_with('/') || subpath.starts_with('\\') || Path::new(subpath).is_absolute() {
        return false;
    }
    let b = subpath.as_bytes();
    if b.len() >= 2 && b[1] == b':' && b[0].is_ascii_alphabetic() {
        return false;
    }
    if subpath.split(['/', '\\']).any(|p| p == "." || p == "..") {
        return false;
    }
    Path::new(subpath)
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
}

/// Why a store cannot be used with the other options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StoreOptionsError {
    /// `continue_conversation` without `resume` needs a store with `list_sessions`.
    #[error(
        "continue_conversation with session_store requires the store to implement list_sessions()"
    )]
    ContinueNeedsListSessions,
    /// File checkpoints are local only.
    #[error("session_store cannot be combined with enable_file_checkpointing (checkpoints are local-disk only and would diverge from the mirrored transcript)")]
    FileCheckpointing,
    /// The store mirrors the CLI's local transcript, which `persist_session: false` turns off.
    #[error("session_store cannot be combined with persist_session=False: the store mirrors the transcript the CLI writes locally; for no lasting local copy, point CLAUDE_CONFIG_DIR at a fresh private directory and delete it afterwards")]
    PersistenceOff,
}

impl StoreOptionsError {
    /// The refusal in `flavour`'s wording (the Python one is also the `Display`).
    pub fn message(&self, flavour: Flavour) -> String {
        match (self, flavour) {
            (StoreOptionsError::ContinueNeedsListSessions, Flavour::Ts) => {
                "Options.continue with sessionStore requires store.listSessions to be implemented"
                    .into()
            }
            (StoreOptionsError::FileCheckpointing, Flavour::Ts) => "enableFileCheckpointing is not yet supported with sessionStore (backup blobs are not mirrored, so rewindFiles() fails after a store-backed resume).".into(),
            (StoreOptionsError::PersistenceOff, Flavour::Ts) => "sessionStore cannot be used with persistSession: false -- the storage adapter requires local writes to mirror from. To avoid keeping a local copy, pass env: { ...process.env, CLAUDE_CONFIG_DIR: dir }, where dir is a new private directory such as fs.mkdtempSync(path.join(os.tmpdir(), 'claude-')), and delete dir when the query ends.".into(),
            _ => self.to_string(),
        }
    }
}

/// The official pre-flight checks of a `session_store` option, before the CLI starts.
pub fn validate_store_options(
    store: &dyn SessionStore,
    continue_conversation: bool,
    resume: Option<&str>,
    enable_file_checkpointing: bool,
    persist_session: bool,
) -> Result<(), StoreOptionsError> {
    if !persist_session {
        return Err(StoreOptionsError::PersistenceOff);
    }
    if continue_conversation && resume.is_none() && !store.supports(StoreMethod::ListSessions) {
        return Err(StoreOptionsError::ContinueNeedsListSessions);
    }
    if enable_file_checkpointing {
        return Err(StoreOptionsError::FileCheckpointing);
    }
    Ok(())
}

#[cfg(test)]
#[path = "resume_tests.rs"]
mod tests;
