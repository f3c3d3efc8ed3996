use super::*;
use crate::sessions::InMemorySessionStore;
use serde_json::json;

const SID: &str = "123e4567-e89b-12d3-a456-426614174000";
const OLD: &str = "00000000-0000-4000-8000-000000000001";

fn key(project: &str, sid: &str, sub: Option<&str>) -> SessionKey {
    SessionKey {
        project_key: project.into(),
        session_id: sid.into(),
        subpath: sub.map(str::to_owned),
    }
}

fn request<'a>(
    store: Arc<dyn SessionStore>,
    cwd: &'a Path,
    env: &'a HashMap<String, String>,
) -> ResumeRequest<'a> {
    ResumeRequest {
        store,
        resume: Some(SID),
        continue_conversation: false,
        cwd: Some(cwd),
        env,
        load_timeout: LOAD_TIMEOUT,
        flavour: Flavour::Python,
    }
}

#[tokio::test]
async fn materializes_the_layout_and_cleans_up() {
    let cwd = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    std::fs::write(
        src.path().join(".credentials.json"),
        r#"{"claudeAiOauth":{"accessToken":"a","refreshToken":"r"}}"#,
    )
    .unwrap();
    std::fs::write(src.path().join(".claude.json"), "{\"x\":1}").unwrap();
    std::fs::write(
        src.path().join("settings.json"),
        "\u{feff}{\"apiKeyHelper\":\"h\",\"enabledPlugins\":{},\"env\":{\"CLAUDE_CONFIG_DIR\":\"/x\",\"A\":\"1\"}}",
    )
    .unwrap();
    std::fs::write(src.path().join("cowork_settings.json"), "not json").unwrap();
    let env = HashMap::from([(
        "CLAUDE_CONFIG_DIR".to_owned(),
        src.path().to_string_lossy().into_owned(),
    )]);
    let pk = project_key_for_directory(Some(cwd.path()));
    let store = Arc::new(InMemorySessionStore::new());
    store
        .append(&key(&pk, SID, None), vec![json!({"type": "user", "n": 1})])
        .await
        .unwrap();
    let sub = key(&pk, SID, Some("subagents/agent-a"));
    store
        .append(
            &sub,
            vec![
                json!({"type": "assistant", "n": 2}),
                json!({"type": "agent_metadata", "agentType": "old"}),
                json!({"type": "agent_metadata", "agentType": "explore"}),
            ],
        )
        .await
        .unwrap();
    store
        .append(
            &key(&pk, SID, Some("../escape")),
            vec![json!({"type": "x"})],
        )
        .await
        .unwrap();

    let m = materialize_resume_session(&request(store, cwd.path(), &env))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(m.resume_session_id, SID);
    let dir = m.config_dir().to_path_buf();
    assert!(dir
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("claude-resume-"));
    let project = dir.join("projects").join(&pk);
    let read = |p: PathBuf| std::fs::read_to_string(p).unwrap();
    assert_eq!(
        read(project.join(format!("{SID}.jsonl"))),
        "{\"type\":\"user\",\"n\":1}\n"
    );
    let agent = project.join(SID).join("subagents");
    assert_eq!(
        read(agent.join("agent-a.jsonl")),
        "{\"type\":\"assistant\",\"n\":2}\n"
    );
    assert_eq!(
        read(agent.join("agent-a.meta.json")),
        "{\"agentType\":\"explore\"}"
    );
    assert!(!project.join("escape.jsonl").exists());
    assert_eq!(
        read(dir.join(".credentials.json")),
        r#"{"claudeAiOauth":{"accessToken":"a"}}"#
    );
    assert_eq!(read(dir.join(".claude.json")), "{\"x\":1}");
    assert_eq!(
        read(dir.join("settings.json")),
        r#"{"apiKeyHelper":"h","env":{"A":"1"}}"#
    );
    assert_eq!(read(dir.join("cowork_settings.json")), "not json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join(".credentials.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert_eq!(
        m.env_overrides(),
        [(
            "CLAUDE_CONFIG_DIR".to_owned(),
            dir.to_string_lossy().into_owned()
        )]
    );
    drop(m);
    assert!(!dir.exists(), "the guard removes the directory");
}

#[tokio::test]
async fn continue_picks_per_flavour_and_nothing_is_none() {
    let cwd = tempfile::tempdir().unwrap();
    let env = HashMap::new();
    let pk = project_key_for_directory(Some(cwd.path()));
    let store = Arc::new(InMemorySessionStore::new());
    store
        .append(&key(&pk, OLD, None), vec![json!({"type": "user"})])
        .await
        .unwrap();
    store
        .append(
            &key(&pk, SID, None),
            vec![json!({"type": "user", "isSidechain": true})],
        )
        .await
        .unwrap();
    let mut req = request(store.clone(), cwd.path(), &env);
    req.resume = None;
    req.continue_conversation = true;
    let py = materialize_resume_session(&req).await.unwrap().unwrap();
    assert_eq!(py.resume_session_id, OLD, "Python skips the sidechain");
    req.flavour = Flavour::Ts;
    let ts = materialize_resume_session(&req).await.unwrap().unwrap();
    assert_eq!(ts.resume_session_id, SID, "TypeScript takes the newest");

    req.continue_conversation = false;
    assert!(materialize_resume_session(&req).await.unwrap().is_none());
    req.resume = Some("not-a-uuid");
    assert!(materialize_resume_session(&req).await.unwrap().is_none());
    req.resume = Some("00000000-0000-4000-8000-0000000000ff");
    assert!(materialize_resume_session(&req).await.unwrap().is_none());
}

/// A store whose calls hang or fail.
struct Broken {
    hang: bool,
}

#[async_trait::async_trait]
impl SessionStore for Broken {
    async fn append(&self, _: &SessionKey, _: Vec<Value>) -> Result<(), CallbackError> {
        Ok(())
    }
    async fn load(&self, _: &SessionKey) -> Result<Option<Vec<Value>>, CallbackError> {
        if self.hang {
            std::future::pending::<()>().await;
        }
        Err("connection refused".into())
    }
    fn supports(&self, m: StoreMethod) -> bool {
        m == StoreMethod::ListSessions
    }
    async fn list_sessions(
        &self,
        _: &str,
    ) -> Result<Vec<super::super::StoreListEntry>, CallbackError> {
        std::future::pending::<()>().await;
        Ok(vec![])
    }
}

#[tokio::test(start_paused = true)]
async fn timeouts_and_failures_have_the_official_texts() {
    let cwd = tempfile::tempdir().unwrap();
    let env = HashMap::new();
    let mut req = request(Arc::new(Broken { hang: true }), cwd.path(), &env);
    req.load_timeout = Duration::from_millis(1500);
    let err = materialize_resume_session(&req).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("SessionStore.load() for session {SID} timed out after 1500ms during resume materialization")
    );
    assert_eq!(
        err.message(Flavour::Ts),
        format!("SessionStore.load() timed out after 1500ms for session {SID}")
    );
    req.resume = None;
    req.continue_conversation = true;
    let err = materialize_resume_session(&req).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "SessionStore.list_sessions() timed out after 1500ms during resume materialization"
    );
    assert_eq!(
        err.message(Flavour::Ts),
        "SessionStore.listSessions() timed out after 1500ms"
    );
    let req = request(Arc::new(Broken { hang: false }), cwd.path(), &env);
    let err = materialize_resume_session(&req).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("SessionStore.load() for session {SID} failed during resume materialization: connection refused")
    );
    assert_eq!(err.message(Flavour::Ts), "connection refused");
}

#[test]
fn subpaths_that_escape_are_refused() {
    for ok in ["subagents/agent-1", "subagents/wf/agent-2"] {
        assert!(is_safe_subpath(ok), "{ok}");
    }
    for bad in [
        "", "/abs", "\\abs", "C:foo", "a/../b", "./a", "a\\..\\b", "a\0b",
    ] {
        assert!(!is_safe_subpath(bad), "{bad:?}");
    }
}

#[test]
fn validation_refusals() {
    let full = InMemorySessionStore::new();
    let minimal = Broken { hang: false };
    assert_eq!(
        validate_store_options(&full, true, None, false, true),
        Ok(())
    );
    assert_eq!(
        validate_store_options(&minimal, true, None, false, true),
        Ok(())
    );
    struct Bare;
    #[async_trait::async_trait]
    impl SessionStore for Bare {
        async fn append(&self, _: &SessionKey, _: Vec<Value>) -> Result<(), CallbackError> {
            Ok(())
        }
        async fn load(&self, _: &SessionKey) -> Result<Option<Vec<Value>>, CallbackError> {
            Ok(None)
        }
    }
    let err = validate_store_options(&Bare, true, None, false, true).unwrap_err();
    assert_eq!(
        err.to_string(),
        "continue_conversation with session_store requires the store to implement list_sessions()"
    );
    assert_eq!(
        err.message(Flavour::Ts),
        "Options.continue with sessionStore requires store.listSessions to be implemented"
    );
    assert_eq!(
        validate_store_options(&Bare, true, Some(SID), false, true),
        Ok(())
    );
    let err = validate_store_options(&full, false, None, true, true).unwrap_err();
    assert!(err
        .to_string()
        .starts_with("session_store cannot be combined with enable_file_checkpointing"));
    assert!(err
        .message(Flavour::Ts)
        .starts_with("enableFileCheckpointing is not yet supported"));
    let err = validate_store_options(&full, false, None, false, false).unwrap_err();
    assert_eq!(err, StoreOptionsError::PersistenceOff);
    assert!(err
        .message(Flavour::Ts)
        .starts_with("sessionStore cannot be used with persistSession: false -- "));
}
