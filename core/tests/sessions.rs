//! The disk session API on temporary config directories. Every test sets `CLAUDE_CONFIG_DIR`,
//! so they run one at a time (a lock).

use claude_wire::sessions::{self, ListSessions, Page, Problem};
use claude_wire::{Error, Flavour};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

static ENV: Mutex<()> = Mutex::new(());

const S1: &str = "11111111-1111-4111-8111-111111111111";

/// A fresh config dir set as `CLAUDE_CONFIG_DIR`, held for the test.
struct Config {
    _guard: MutexGuard<'static, ()>,
    dir: tempfile::TempDir,
}

impl Config {
    fn new() -> Config {
        let guard = ENV.lock().unwrap_or_else(|e| e.into_inner());
        let dir = tempfile::tempdir().unwrap();
        std::env::set_var("CLAUDE_CONFIG_DIR", dir.path());
        Config { _guard: guard, dir }
    }

    /// A project directory that exists on disk, and its transcript directory.
    fn project(&self, name: &str) -> (PathBuf, PathBuf) {
        let work = self.dir.path().join("work").join(name);
        std::fs::create_dir_all(&work).unwrap();
        let canonical = sessions::canonical_dir(&work);
        let project = self
            .dir
            .path()
            .join("projects")
            .join(sessions::project_dir_name(&canonical));
        std::fs::create_dir_all(&project).unwrap();
        (work, project)
    }
}

fn u(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

fn write(path: &Path, entries: &[Value]) {
    let text: String = entries.iter().map(|e| format!("{e}\n")).collect();
    std::fs::write(path, text).unwrap();
}

fn simple(session: &str) -> Vec<Value> {
    vec![
        json!({"type":"user","uuid":u(1),"parentUuid":null,"sessionId":session,"timestamp":"2025-01-01T00:00:00.000Z","cwd":"/w","message":{"role":"user","content":"hello there"}}),
        json!({"type":"assistant","uuid":u(2),"parentUuid":u(1),"sessionId":session,"timestamp":"2025-01-01T00:00:01.000Z","message":{"id":"m1","role":"assistant","content":[{"type":"text","text":"hi"}]}}),
    ]
}

#[test]
fn list_info_and_messages() {
    let cfg = Config::new();
    let (work, project) = cfg.project("a");
    write(&project.join(format!("{S1}.jsonl")), &simple(S1));
    let listed = sessions::list_sessions(&ListSessions::in_dir(&work)).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].summary, "hello there");
    assert_eq!(listed[0].created_at, Some(1_735_689_600_000));
    let all = sessions::list_sessions(&ListSessions::default()).unwrap();
    assert_eq!(all, listed);
    let info = sessions::get_session_info(S1, None, Flavour::Python)
        .unwrap()
        .unwrap();
    assert_eq!(info.session_id, S1);
    let messages =
        sessions::get_session_messages(S1, Some(&work), Page::all(), false, Flavour::Python)
            .unwrap();
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[1].message["content"][0]["text"], "hi");
    let page = Page {
        limit: Some(1),
        offset: 1,
    };
    let one = sessions::get_session_messages(S1, None, page, false, Flavour::Python).unwrap();
    assert_eq!(one, messages[1..]);
}

#[test]
fn missing_everything_is_empty_not_an_error() {
    let cfg = Config::new();
    let nowhere = cfg.dir.path().join("nope");
    assert!(sessions::list_sessions(&ListSessions::in_dir(&nowhere))
        .unwrap()
        .is_empty());
    assert!(sessions::list_sessions(&ListSessions::default())
        .unwrap()
        .is_empty());
    assert!(sessions::get_session_info(S1, None, Flavour::Python)
        .unwrap()
        .is_none());
    assert!(
        sessions::get_session_messages(S1, None, Page::all(), false, Flavour::Python)
            .unwrap()
            .is_empty()
    );
    assert!(sessions::list_subagents(S1, None).unwrap().is_empty());
}

#[test]
fn bad_ids_are_refused_before_any_path() {
    let _cfg = Config::new();
    for bad in [
        "../../etc/passwd",
        "",
        "not-a-uuid",
        "11111111-1111-4111-8111-11111111111/",
    ] {
        assert!(
            sessions::get_session_messages(bad, None, Page::all(), false, Flavour::Python)
                .unwrap()
                .is_empty()
        );
        assert!(sessions::get_session_info(bad, None, Flavour::Python)
            .unwrap()
            .is_none());
        let err = sessions::rename_session(bad, "t", None).unwrap_err();
        assert!(
            matches!(err, Error::Sessions(Problem::InvalidSessionId(_))),
            "{err:?}"
        );
        assert!(sessions::delete_session(bad, None).is_err());
        assert!(sessions::fork_session(bad, None, None, None, Flavour::Python).is_err());
    }
    assert!(sessions::get_subagent_messages(
        S1,
        "../../etc/passwd",
        None,
        Page::all(),
        Flavour::Python
    )
    .unwrap()
    .is_empty());
}

#[test]
fn rename_tag_and_not_found() {
    let cfg = Config::new();
    let (work, project) = cfg.project("b");
    let file = project.join(format!("{S1}.jsonl"));
    write(&file, &simple(S1));
    sessions::rename_session(S1, "  New name  ", Some(&work)).unwrap();
    sessions::tag_session(S1, Some("\u{200b}exp\u{feff}"), None).unwrap();
    let info = sessions::get_session_info(S1, Some(&work), Flavour::Python)
        .unwrap()
        .unwrap();
    assert_eq!(info.summary, "New name");
    assert_eq!(info.custom_title.as_deref(), Some("New name"));
    assert_eq!(info.tag.as_deref(), Some("exp"));
    sessions::tag_session(S1, None, None).unwrap();
    let info = sessions::get_session_info(S1, None, Flavour::Python)
        .unwrap()
        .unwrap();
    assert_eq!(info.tag, None);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains(&format!(
        "{{\"type\":\"custom-title\",\"customTitle\":\"New name\",\"sessionId\":\"{S1}\"}}\n"
    )));
    let err = sessions::rename_session(S1, "   ", None).unwrap_err();
    assert!(err.to_string().contains("title must be non-empty"), "{err}");
    let other = "99999999-9999-4999-8999-999999999999";
    let err = sessions::rename_session(other, "x", None).unwrap_err();
    match err {
        Error::Sessions(p) => {
            assert!(p.is_not_found());
            assert_eq!(
                p.message(Flavour::Python),
                format!("Session {other} not found in any project directory")
            );
        }
        e => panic!("{e:?}"),
    }
}

#[test]
fn delete_removes_transcript_and_subagents() {
    let cfg = Config::new();
    let (work, project) = cfg.project("c");
    write(&project.join(format!("{S1}.jsonl")), &simple(S1));
    let subs = project.join(S1).join("subagents");
    std::fs::create_dir_all(&subs).unwrap();
    write(&subs.join("agent-x1.jsonl"), &simple(S1));
    assert_eq!(
        sessions::list_subagents(S1, Some(&work)).unwrap(),
        vec!["x1"]
    );
    sessions::delete_session(S1, Some(&work)).unwrap();
    assert!(!project.join(S1).exists());
    let err = sessions::delete_session(S1, Some(&work)).unwrap_err();
    assert!(
        matches!(err, Error::Sessions(ref p) if p.is_not_found()),
        "{err:?}"
    );
}

#[test]
fn fork_round_trip() {
    let cfg = Config::new();
    let (work, project) = cfg.project("d");
    write(&project.join(format!("{S1}.jsonl")), &simple(S1));
    let fork = sessions::fork_session(S1, Some(&work), None, None, Flavour::Python).unwrap();
    assert_ne!(fork.session_id, S1);
    let info = sessions::get_session_info(&fork.session_id, Some(&work), Flavour::Python)
        .unwrap()
        .unwrap();
    assert_eq!(info.summary, "hello there (fork)");
    let messages =
        sessions::get_session_messages(&fork.session_id, None, Page::all(), false, Flavour::Python)
            .unwrap();
    assert_eq!(messages.len(), 2);
    assert!(messages.iter().all(|m| m.session_id == fork.session_id));
    let upto =
        sessions::fork_session(S1, None, Some(&u(1)), Some("Mine"), Flavour::Python).unwrap();
    let info = sessions::get_session_info(&upto.session_id, None, Flavour::Python)
        .unwrap()
        .unwrap();
    assert_eq!(info.summary, "Mine");
    assert_eq!(
        sessions::get_session_messages(&upto.session_id, None, Page::all(), false, Flavour::Python)
            .unwrap()
            .len(),
        1
    );
    let err = sessions::fork_session(S1, None, Some(&u(77)), None, Flavour::Python).unwrap_err();
    assert!(err.to_string().contains("not found in session"), "{err}");
}

#[test]
fn archive_is_a_typescript_mark() {
    let cfg = Config::new();
    let (work, project) = cfg.project("e");
    write(&project.join(format!("{S1}.jsonl")), &simple(S1));
    let ts = ListSessions::in_dir(&work).flavour(Flavour::Ts);
    assert_eq!(sessions::list_sessions(&ts).unwrap()[0].archived, None);
    sessions::archive_session(S1, Some(&work)).unwrap();
    assert!(project.join(S1).join("archived.json").is_file());
    assert_eq!(
        sessions::list_sessions(&ts).unwrap()[0].archived,
        Some(true)
    );
    assert_eq!(
        sessions::list_sessions(&ListSessions::in_dir(&work)).unwrap()[0].archived,
        None
    );
    sessions::unarchive_session(S1, None).unwrap();
    assert_eq!(
        sessions::list_sessions(&ts).unwrap()[0].archived,
        Some(false)
    );
}

#[test]
fn programmatic_sessions_can_be_left_out() {
    let cfg = Config::new();
    let (work, project) = cfg.project("f");
    let mut entries = simple(S1);
    entries[0]["entrypoint"] = json!("sdk-py");
    write(&project.join(format!("{S1}.jsonl")), &entries);
    assert_eq!(
        sessions::list_sessions(&ListSessions::in_dir(&work))
            .unwrap()
            .len(),
        1
    );
    let human_only = ListSessions::in_dir(&work).include_programmatic(false);
    assert!(sessions::list_sessions(&human_only).unwrap().is_empty());
}

/// Prints what the official `dump.py` prints, for a side-by-side check against the Python
/// SDK: `PARITY_CONFIG=<dir> cargo test --test sessions dump -- --ignored --nocapture`.
#[test]
#[ignore]
fn dump() {
    let Ok(config) = std::env::var("PARITY_CONFIG") else {
        return;
    };
    let _guard = ENV.lock().unwrap_or_else(|e| e.into_inner());
    std::env::set_var("CLAUDE_CONFIG_DIR", config);
    let s4 = "44444444-4444-4444-8444-444444444444";
    let info = |v: Vec<sessions::SessionInfo>| {
        Value::from(
            v.iter()
                .map(|s| s.to_value(Flavour::Python))
                .collect::<Vec<_>>(),
        )
    };
    let msgs = |v: Vec<sessions::SessionMessage>| {
        Value::from(
            v.iter()
                .map(|m| m.to_value(Flavour::Python))
                .collect::<Vec<_>>(),
        )
    };
    let one =
        |v: Option<sessions::SessionInfo>| v.map_or(Value::Null, |s| s.to_value(Flavour::Python));
    let out = json!({
        "list": info(sessions::list_sessions(&ListSessions::default()).unwrap()),
        "list_dir": info(sessions::list_sessions(&ListSessions::in_dir("/work/proj").limit(2)).unwrap()),
        "info1": one(sessions::get_session_info(S1, None, Flavour::Python).unwrap()),
        "info4": one(sessions::get_session_info(s4, Some(Path::new("/work/proj")), Flavour::Python).unwrap()),
        "msgs1": msgs(sessions::get_session_messages(S1, None, Page::all(), false, Flavour::Python).unwrap()),
        "msgs4p": msgs(sessions::get_session_messages(s4, None, Page { limit: Some(3), offset: 2 }, false, Flavour::Python).unwrap()),
        "subs": sessions::list_subagents(S1, None).unwrap(),
        "sub_abc": msgs(sessions::get_subagent_messages(S1, "abc", None, Page::all(), Flavour::Python).unwrap()),
        "sub_def": msgs(sessions::get_subagent_messages(S1, "def", None, Page::all(), Flavour::Python).unwrap()),
    });
    println!("PARITY{}", serde_json::to_string(&out).unwrap());
}
