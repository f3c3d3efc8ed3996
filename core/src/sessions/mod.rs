//! Sessions at rest: the transcripts the CLI writes under `<config dir>/projects/`, and the
//! session stores that mirror them.
//!
//! Everything the official SDKs' session functions do lives here once (listing, reading,
//! renaming, tagging, archiving, deleting, forking, stores and their summaries), so the Python
//! and Node packages only convert arguments and results. Reading a session never builds a path
//! from an id that is not a UUID, and never reads or writes outside the projects directory.
//!
//! The disk functions are blocking (file I/O, and `git worktree list` for worktrees); the
//! `*_from_*` / `*_entry` functions are pure, for session stores.
//!
//! The live-session runtime (a running CLI) is [`crate::client`]/[`crate::query()`], not this
//! module.

pub mod api;
mod archive;
mod chain;
mod conformance;
mod fork;
mod import;
mod line_index;
mod list;
mod lite;
mod live;
mod locate;
mod memory_store;
mod message_lines;
mod message_scan;
mod messages;
mod mirror;
mod mutate;
mod node;
mod node_line;
mod paths;
mod problem;
mod raw_message;
mod resume;
mod store;
mod store_json;
mod store_mutate;
mod store_ops;
mod subagents;
mod summary;
mod ts_fields;
mod ts_marks;
mod ts_view;
mod types;

pub use archive::{archive_session, unarchive_session};
pub use conformance::{run_session_store_conformance, ConformanceError};
pub use fork::{fork_entries, fork_session};
pub use import::{import_session_from, import_session_to_store, ImportOptions};
pub use list::{get_session_info, list_sessions, ListSessions};
pub use lite::{info_from_jsonl, jsonl_from_entries, mtime_from_jsonl_tail};
pub(crate) use live::prepare_live;
pub use memory_store::InMemorySessionStore;
pub use messages::{
    get_session_messages, messages_from_entries, session_message_lines, MessageLines, Page,
    RawSessionMessage,
};
pub use mirror::{
    file_path_to_session_key, is_transcript_mirror, FlushMode, MirrorBatcher, MirrorError,
    MirrorErrorHandler, MirrorFailure, MirrorLimits, APPEND_BACKOFF, MAX_PENDING_BYTES,
    MAX_PENDING_ENTRIES, SEND_TIMEOUT,
};
pub use mutate::{
    custom_title_entry, delete_session, rename_session, sanitize_unicode, tag_entry, tag_session,
    to_python_json_line, with_store_stamp,
};
pub use paths::{
    canonical_dir, project_dir_name, project_key_for_directory, projects_dir, validate_uuid,
};
pub use problem::Problem;
pub use resume::{
    materialize_resume_session, validate_store_options, MaterializedResume, ResumeError,
    ResumeRequest, StoreCall, StoreOptionsError, LOAD_TIMEOUT,
};
pub use store::{
    SessionStore, SessionSummaryEntry, StoreEntry, StoreListEntry, StoreMethod, Unsupported,
};
pub use store_json::{serve, BadReturn, CallStore, JsonStore};
pub use store_mutate::{
    delete_session_via_store, fork_session_via_store, rename_session_via_store,
    tag_session_via_store,
};
pub use store_ops::{
    get_session_info_from_store, get_session_messages_from_store, get_subagent_messages_from_store,
    list_sessions_from_store, list_subagents_from_store, STORE_LIST_LOAD_CONCURRENCY,
};
pub(crate) use store_ops::{list_store_rows, RowSource};
pub use subagents::{
    get_subagent_messages, list_subagents, parent_ids_from_agent_metadata, subagent_message_lines,
    subagent_messages_from_entries,
};
pub use summary::{fold_session_summary, summary_to_info};
pub use types::{ForkSessionResult, SessionInfo, SessionKey, SessionMessage};
