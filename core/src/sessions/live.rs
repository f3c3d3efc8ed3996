//! What a live session with a session store needs before its CLI starts: the official option
//! checks, the resume materialised from the store, and where the mirror finds the CLI's files.

use super::{
    materialize_resume_session, projects_dir, validate_store_options, FlushMode,
    MaterializedResume, Problem, ResumeRequest, SessionStore, LOAD_TIMEOUT,
};
use crate::options::ClaudeAgentOptions;
use crate::{Error, Result};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// The mirror's store, the projects directory the CLI writes to, and when to append.
pub(crate) type MirrorSetup = (Arc<dyn SessionStore>, PathBuf, FlushMode);

/// Checks the store options and, when the session resumes (or continues) and the CLI is ours
/// to start, loads the session from the store into a temporary config directory.
pub(crate) async fn prepare_live(
    options: &ClaudeAgentOptions,
    store: &Arc<dyn SessionStore>,
    spawns_cli: bool,
) -> Result<(Option<MaterializedResume>, Option<MirrorSetup>)> {
    validate_store_options(
        store.as_ref(),
        options.continue_conversation,
        options.resume.as_deref(),
        options.enable_file_checkpointing,
        options.persist_session != Some(false),
    )
    .map_err(|e| Error::Sessions(Problem::InvalidArgument(e.message(options.flavour))))?;
    let env: HashMap<String, String> = options.env.iter().cloned().collect();
    let resumes = options.resume.is_some() || options.continue_conversation;
    let resumed = if spawns_cli && resumes {
        let request = ResumeRequest {
            store: store.clone(),
            resume: options.resume.as_deref(),
            continue_conversation: options.continue_conversation,
            cwd: options.cwd.as_deref(),
            env: &env,
            load_timeout: options.load_timeout.unwrap_or(LOAD_TIMEOUT),
            flavour: options.flavour,
        };
        materialize_resume_session(&request)
            .await
            .map_err(Error::Resume)?
    } else {
        None
    };
    let projects = match &resumed {
        Some(resumed) => resumed.projects_dir(),
        None => projects_dir(Some(&env)),
    };
    let mirror = (store.clone(), projects, options.session_store_flush);
    Ok((resumed, Some(mirror)))
}

impl MaterializedResume {
    /// `options` pointed at the materialised config directory: `CLAUDE_CONFIG_DIR` set, the
    /// resolved session as `resume`, `continue_conversation` cleared.
    pub(crate) fn apply(&self, options: &ClaudeAgentOptions) -> ClaudeAgentOptions {
        let mut out = options.clone();
        let overrides = self.env_overrides();
        out.env
            .retain(|(key, _)| !overrides.iter().any(|(k, _)| k == key));
        out.env.extend(overrides);
        out.resume = Some(self.resume_session_id.clone());
        out.continue_conversation = false;
        out
    }
}
