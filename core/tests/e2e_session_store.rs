//! A live session mirrored into a session store, and resumed from it, with the real CLI
//! (pinned) against the scripted model server.

mod support;

use claude_wire::model_server::{ModelServer, Reply, Script};
use claude_wire::sessions::{self, InMemorySessionStore, SessionKey, SessionStore};
use claude_wire::{query, Message};
use futures::StreamExt;
use std::sync::Arc;
use std::time::Duration;
use support::Sandbox;

const DEADLINE: Duration = Duration::from_secs(90);

async fn run(options: claude_wire::ClaudeAgentOptions, prompt: &str) -> Vec<Message> {
    let items = tokio::time::timeout(DEADLINE, query(prompt, options).collect::<Vec<_>>())
        .await
        .expect("the query finished in time");
    items.into_iter().map(|i| i.expect("no error")).collect()
}

fn session_id(messages: &[Message]) -> String {
    messages
        .iter()
        .find_map(|m| match m {
            Message::Result(r) => Some(r.session_id.clone()),
            _ => None,
        })
        .expect("a result")
}

#[tokio::test]
async fn the_transcript_is_mirrored_into_the_store_and_a_resume_reads_it_back() {
    let server = ModelServer::start(
        Script::new()
            .reply(Reply::text("First answer."))
            .reply(Reply::text("Second answer.")),
    )
    .await
    .unwrap();
    let sandbox = Sandbox::new();
    let store = Arc::new(InMemorySessionStore::new());
    let options = support::options(&server, &sandbox).session_store(store.clone());
    let first = run(options.clone(), "Remember the word kiwi").await;
    let id = session_id(&first);

    // Every line the CLI wrote locally is in the store, in order.
    let cwd = options.cwd.clone().expect("a cwd");
    let key = SessionKey {
        project_key: sessions::project_key_for_directory(Some(&cwd)),
        session_id: id.clone(),
        subpath: None,
    };
    let mirrored = store
        .load(&key)
        .await
        .unwrap()
        .expect("the session in the store");
    let local = std::fs::read_to_string(
        sandbox
            .config()
            .join("projects")
            .join(&key.project_key)
            .join(format!("{id}.jsonl")),
    )
    .unwrap();
    let local: Vec<serde_json::Value> = local
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let uuids = |entries: &[serde_json::Value]| {
        entries
            .iter()
            .filter_map(|e| e.get("uuid").cloned())
            .collect::<Vec<_>>()
    };
    assert!(!mirrored.is_empty());
    assert_eq!(uuids(&mirrored), uuids(&local));

    // Resuming from the store alone: the local transcript is gone, the CLI still gets the
    // earlier turn (materialised into a temporary config directory).
    std::fs::remove_dir_all(sandbox.config().join("projects")).unwrap();
    let mut resumed = options.clone();
    resumed.resume = Some(id.clone());
    let second = run(resumed, "Which word?").await;
    assert_eq!(session_id(&second), id);
    let request = server.requests().last().cloned().expect("a model request");
    assert!(request.body.to_string().contains("Remember the word kiwi"));
    // The resumed turn was mirrored too.
    let after = store.load(&key).await.unwrap().unwrap();
    assert!(after.len() > mirrored.len());
}

/// A store whose appends fail.
struct Broken;

#[async_trait::async_trait]
impl SessionStore for Broken {
    async fn append(
        &self,
        _key: &SessionKey,
        _entries: Vec<sessions::StoreEntry>,
    ) -> Result<(), claude_wire::CallbackError> {
        Err("the disk is full".into())
    }

    async fn load(
        &self,
        _key: &SessionKey,
    ) -> Result<Option<Vec<sessions::StoreEntry>>, claude_wire::CallbackError> {
        Ok(None)
    }
}

#[tokio::test]
async fn a_failing_store_reports_mirror_error_and_the_session_goes_on() {
    let server = ModelServer::start(Script::new().reply(Reply::text("Still answered.")))
        .await
        .unwrap();
    let sandbox = Sandbox::new();
    let options = support::options(&server, &sandbox).session_store(Arc::new(Broken));
    let messages = run(options, "Mirror into a broken store").await;
    let result = messages
        .iter()
        .find_map(|m| match m {
            Message::Result(r) => Some(r),
            _ => None,
        })
        .expect("a result");
    assert!(!result.is_error);
    let mirror_error = messages.iter().find_map(|m| match m {
        Message::System(s) if s.subtype == "mirror_error" => Some(s),
        _ => None,
    });
    let mirror_error = mirror_error.expect("a mirror_error message");
    assert!(format!("{mirror_error:?}").contains("the disk is full"));
}
