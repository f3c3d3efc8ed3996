//! Sessions at rest: the transcripts the CLI writes under `<config dir>/projects/`, and the
//! session stores that mirror them.
//!
//! Everything the official SDKs' session functions do lives here once (listing, reading,
//! renaming, tagging, archiving, deleting, forking, stores and their summaries), so the Python
//! and Node packages only convert arguments and results. Reading a session never builds a path
//! from an id that is not a UUID, and never reads or writes outside the projects directory.
//!
//! The live-session runtime (a running CLI) is [`crate::client`]/[`crate::query`], not this
//! module.

mod conformance;
mod import;
mod memory_store;
mod mirror;
mod paths;
mod problem;
mod resume;
mod store;
mod summary;
mod types;

pub use conformance::{run_session_store_conformance, ConformanceError};
pub use import::{import_session_from, import_session_to_store, ImportOptions};
pub use memory_store::InMemorySessionStore;
pub use mirror::{
    file_path_to_session_key, is_transcript_mirror, FlushMode, MirrorBatcher, MirrorError,
    MirrorErrorHandler, MirrorFailure, MirrorLimits, APPEND_BACKOFF, MAX_PENDING_BYTES,
    MAX_PENDING_ENTRIES, SEND_TIMEOUT,
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
pub use summary::{fold_session_summary, summary_to_info};
pub use types::{ForkSessionResult, SessionInfo, SessionKey, SessionMessage};
