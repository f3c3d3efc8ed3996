//! Renaming, tagging, deleting and forking a session held in a [`SessionStore`]: the entries
//! are appended (or the transcript deleted) under `dir`'s project key. Unlike the reading
//! functions, these refuse an id that is not a UUID.

use super::paths::is_uuid;
use super::store_ops::{main_key, store_error};
use super::{
    custom_title_entry, fork_entries, project_key_for_directory, tag_entry, validate_uuid,
    with_store_stamp, ForkSessionResult, Problem, SessionStore, StoreMethod,
};
use crate::{Error, Flavour, Result};
use serde_json::Value;
use std::path::Path;

async fn append_one(
    store: &dyn SessionStore,
    session_id: &str,
    dir: Option<&Path>,
    entry: Value,
    flavour: Flavour,
) -> Result<()> {
    let key = main_key(&project_key_for_directory(dir), session_id);
    store
        .append(&key, vec![with_store_stamp(entry, flavour)])
        .await
        .map_err(store_error("append"))
}

/// Renames a session in `store`: appends a `custom-title` entry (the title trimmed) with a
/// fresh `uuid` and a `timestamp`.
///
/// Errors: [`Problem::InvalidSessionId`], a blank title, or the store's failure.
pub async fn rename_session_via_store(
    store: &dyn SessionStore,
    session_id: &str,
    title: &str,
    dir: Option<&Path>,
    flavour: Flavour,
) -> Result<()> {
    let entry = custom_title_entry(session_id, title)?;
    append_one(store, session_id, dir, entry, flavour).await
}

/// Tags a session in `store` (`None` clears): appends a `tag` entry, the tag sanitised and
/// trimmed, with a fresh `uuid` and a `timestamp`.
///
/// Errors: [`Problem::InvalidSessionId`], [`Problem::EmptyTag`], or the store's failure.
pub async fn tag_session_via_store(
    store: &dyn SessionStore,
    session_id: &str,
    tag: Option<&str>,
    dir: Option<&Path>,
    flavour: Flavour,
) -> Result<()> {
    let entry = tag_entry(session_id, tag)?;
    append_one(store, session_id, dir, entry, flavour).await
}

/// Deletes a session from `store`; nothing happens when the store has no `delete` (an
/// append-only store). Whether subagent transcripts go too is the store's rule.
///
/// Errors: [`Problem::InvalidSessionId`], or the store's failure.
pub async fn delete_session_via_store(
    store: &dyn SessionStore,
    session_id: &str,
    dir: Option<&Path>,
) -> Result<()> {
    validate_uuid(session_id)?;
    if !store.supports(StoreMethod::Delete) {
        return Ok(());
    }
    let key = main_key(&project_key_for_directory(dir), session_id);
    store.delete(&key).await.map_err(store_error("delete"))
}

/// Forks a session of `store` into a new session of the same project: loads the source,
/// builds the fork's entries ([`fork_entries`]) and appends them in one call.
///
/// Errors: [`Problem::InvalidSessionId`]; [`Problem::SessionNotFound`] when the store has no
/// entries; no messages to fork; the fork point not in the transcript; the store's failure.
/// A fork point that is not a UUID is refused before loading
/// ([`Problem::InvalidMessageId`]); the TypeScript SDK does not check it and reports it not
/// found in the session after loading, as [`Flavour::Ts`] does.
pub async fn fork_session_via_store(
    store: &dyn SessionStore,
    session_id: &str,
    dir: Option<&Path>,
    up_to_message_id: Option<&str>,
    title: Option<&str>,
    flavour: Flavour,
) -> Result<ForkSessionResult> {
    let up_to = up_to_message_id.filter(|u| !u.is_empty());
    let ts_unchecked = flavour == Flavour::Ts && up_to.is_some_and(|u| !is_uuid(u));
    if ts_unchecked {
        validate_uuid(session_id)?;
    } else {
        super::fork::check_ids(session_id, up_to)?;
    }
    let project_key = project_key_for_directory(dir);
    let loaded = store
        .load(&main_key(&project_key, session_id))
        .await
        .map_err(store_error("load"))?
        .filter(|e| !e.is_empty())
        .ok_or_else(|| {
            Error::Sessions(Problem::SessionNotFound {
                session_id: session_id.to_owned(),
                directory: None,
            })
        })?;
    if ts_unchecked {
        // The TypeScript SDK reports an empty transcript first, then the missing fork point.
        fork_entries(&loaded, session_id, None, title, flavour)?;
        return Err(Error::Sessions(Problem::MessageNotInSession {
            message_id: up_to.unwrap_or_default().to_owned(),
            session_id: session_id.to_owned(),
        }));
    }
    let (new_id, entries) = fork_entries(&loaded, session_id, up_to, title, flavour)?;
    store
        .append(&main_key(&project_key, &new_id), entries)
        .await
        .map_err(store_error("append"))?;
    Ok(ForkSessionResult { session_id: new_id })
}

#[cfg(test)]
#[path = "store_mutate_tests.rs"]
mod tests;
