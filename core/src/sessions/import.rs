//! Copying a local session transcript (and its subagents') into a [`SessionStore`], as the
//! official `import_session_to_store` / `importSessionToStore`.

use super::paths::{find_project_dir, validate_uuid};
use super::{canonical_dir, projects_dir, Problem, SessionKey, SessionStore, MAX_PENDING_BYTES};
use crate::{Error, Flavour, Result};
use serde_json::{Map, Value};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The options of [`import_session_to_store`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOptions {
    /// The project directory the session belongs to; `None` searches every project.
    pub directory: Option<PathBuf>,
    /// Also import `<session>/subagents/**.jsonl` and their `.meta.json` sidecars.
    pub include_subagents: bool,
    /// Most entries per `append` (0 means the default, 500); a batch also ends at 1 MiB.
    pub batch_size: usize,
    /// Whose behaviour to follow: the TypeScript SDK skips unparseable lines and puts the
    /// synthetic `type` of a sidecar entry first; Python (and claude-wire) fail on a bad line
    /// and put `type` last.
    pub flavour: Flavour,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            directory: None,
            include_subagents: true,
            batch_size: super::MAX_PENDING_ENTRIES,
            flavour: Flavour::Rust,
        }
    }
}

/// Replays the local transcript of `session_id` (from the CLI's projects directory of the
/// current environment) into `store`, under the key the live mirror would have used: the
/// on-disk project directory's name. Adapters should treat `uuid` as an idempotency key, so a
/// re-import does not duplicate.
///
/// Fails with [`Problem::InvalidSessionId`] for a non-UUID id, [`Problem::SessionNotFound`]
/// when no non-empty transcript exists, [`Error::Store`] when an append fails.
pub async fn import_session_to_store(
    session_id: &str,
    store: &dyn SessionStore,
    options: &ImportOptions,
) -> Result<()> {
    import_session_from(&projects_dir(None), session_id, store, options).await
}

/// [`import_session_to_store`] from an explicit projects directory.
pub async fn import_session_from(
    projects: &Path,
    session_id: &str,
    store: &dyn SessionStore,
    options: &ImportOptions,
) -> Result<()> {
    validate_uuid(session_id)?;
    let Some(file) = resolve_session_file(projects, session_id, options.directory.as_deref())
    else {
        return Err(Error::Sessions(Problem::SessionNotFound {
            session_id: session_id.to_owned(),
            directory: None,
        }));
    };
    // Python keys the copy by the directory the transcript was found in; TypeScript by the
    // project key of `dir` (the process's directory when none is given).
    let project_key = match options.flavour {
        Flavour::Ts => super::project_key_for_directory(options.directory.as_deref()),
        _ => file
            .parent()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    let batch_size = if options.batch_size == 0 {
        super::MAX_PENDING_ENTRIES
    } else {
        options.batch_size
    };
    let main = SessionKey {
        project_key: project_key.clone(),
        session_id: session_id.to_owned(),
        subpath: None,
    };
    append_file(&file, &main, store, batch_size, options.flavour).await?;
    if !options.include_subagents {
        return Ok(());
    }
    let session_dir = file.with_extension("");
    let mut files = Vec::new();
    collect_jsonl(&session_dir.join("subagents"), &mut files);
    for path in files {
        let Ok(rel) = path.strip_prefix(&session_dir) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        let subpath = rel.strip_suffix(".jsonl").unwrap_or(&rel).to_owned();
        let key = SessionKey {
            project_key: project_key.clone(),
            session_id: session_id.to_owned(),
            subpath: Some(subpath),
        };
        append_file(&path, &key, store, batch_size, options.flavour).await?;
        if let Some(meta) = read_sidecar(&path)? {
            let entry = metadata_entry(meta, options.flavour);
            append(store, &key, vec![entry]).await?;
        }
    }
    Ok(())
}

/// The sidecar as a store entry: `{"type": "agent_metadata", ...}`.
fn metadata_entry(meta: Map<String, Value>, flavour: Flavour) -> Value {
    let tag = Value::from("agent_metadata");
    if flavour == Flavour::Ts {
        // `{type: "agent_metadata", ...meta}`: a `type` in the sidecar wins, in first place.
        let mut out = Map::new();
        out.insert("type".into(), tag);
        out.extend(meta);
        Value::Object(out)
    } else {
        // `{**meta, "type": "agent_metadata"}`: the synthetic `type` always wins.
        let mut out = meta;
        out.insert("type".into(), tag);
        Value::Object(out)
    }
}

/// The first non-empty `<session>.jsonl`: in the project of `directory`, else in any project.
fn resolve_session_file(projects: &Path, session_id: &str, dir: Option<&Path>) -> Option<PathBuf> {
    let name = format!("{session_id}.jsonl");
    let non_empty = |p: PathBuf| {
        std::fs::metadata(&p)
            .ok()
            .filter(|m| m.is_file() && m.len() > 0)
            .map(|_| p)
    };
    if let Some(dir) = dir {
        let project = find_project_dir(projects, &canonical_dir(dir))?;
        return non_empty(project.join(&name));
    }
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(projects)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs.into_iter().find_map(|d| non_empty(d.join(&name)))
}

/// Every `*.jsonl` under `dir`, depth first, sorted by name within each directory.
fn collect_jsonl(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = read.flatten().map(|e| e.path()).collect();
    entries.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    for path in entries {
        if path.is_dir() {
            collect_jsonl(&path, out);
        } else if path.is_file() && path.to_string_lossy().ends_with(".jsonl") {
            out.push(path);
        }
    }
}

/// `agent-x.jsonl` → `agent-x.meta.json` as a JSON object; missing, unparseable or not an
/// object is `None`, other read errors fail.
fn read_sidecar(transcript: &Path) -> Result<Option<Map<String, Value>>> {
    let name = transcript
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    let Some(stem) = name.as_deref().and_then(|n| n.strip_suffix(".jsonl")) else {
        return Ok(None);
    };
    let path = transcript.with_file_name(format!("{stem}.meta.json"));
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    Ok(match serde_json::from_str(&text) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    })
}

/// Streams a JSONL file into `store` in batches of `batch_size` entries or 1 MiB of lines.
async fn append_file(
    path: &Path,
    key: &SessionKey,
    store: &dyn SessionStore,
    batch_size: usize,
    flavour: Flavour,
) -> Result<()> {
    let reader = std::io::BufReader::new(std::fs::File::open(path)?);
    let mut batch = Vec::new();
    let mut bytes = 0;
    for line in reader.lines() {
        let line = line?;
        let line = line.strip_suffix('\r').unwrap_or(&line);
        if line.is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(entry) => batch.push(entry),
            Err(_) if flavour == Flavour::Ts => continue,
            Err(e) => return Err(e.into()),
        }
        bytes += line.len();
        if batch.len() >= batch_size || bytes >= MAX_PENDING_BYTES {
            append(store, key, std::mem::take(&mut batch)).await?;
            bytes = 0;
        }
    }
    if !batch.is_empty() {
        append(store, key, batch).await?;
    }
    Ok(())
}

async fn append(store: &dyn SessionStore, key: &SessionKey, entries: Vec<Value>) -> Result<()> {
    store.append(key, entries).await.map_err(|e| Error::Store {
        operation: "append",
        source: Arc::new(e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sessions::InMemorySessionStore;
    use serde_json::json;

    const SID: &str = "123e4567-e89b-12d3-a456-426614174000";

    fn lines(n: usize) -> String {
        (0..n)
            .map(|i| format!("{{\"type\":\"user\",\"uuid\":\"u{i}\"}}\n"))
            .collect()
    }

    fn setup() -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let project = tmp.path().join("-work-proj");
        let sub = project.join(SID).join("subagents").join("wf");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(project.join(format!("{SID}.jsonl")), lines(5) + "\n").unwrap();
        let agents = project.join(SID).join("subagents");
        std::fs::write(agents.join("agent-a.jsonl"), lines(2)).unwrap();
        std::fs::write(
            agents.join("agent-a.meta.json"),
            r#"{"agentType":"explore","type":"odd"}"#,
        )
        .unwrap();
        std::fs::write(sub.join("agent-b.jsonl"), lines(1)).unwrap();
        std::fs::write(sub.join("agent-b.meta.json"), "not json").unwrap();
        (tmp, project)
    }

    fn key(sub: Option<&str>) -> SessionKey {
        SessionKey {
            project_key: "-work-proj".into(),
            session_id: SID.into(),
            subpath: sub.map(str::to_owned),
        }
    }

    #[tokio::test]
    async fn imports_in_batches_with_subagents() {
        let (tmp, _) = setup();
        let store = InMemorySessionStore::new();
        let options = ImportOptions {
            batch_size: 2,
            ..ImportOptions::default()
        };
        import_session_from(tmp.path(), SID, &store, &options)
            .await
            .unwrap();
        assert_eq!(store.get_entries(&key(None)).len(), 5);
        let a = store.get_entries(&key(Some("subagents/agent-a")));
        assert_eq!(a.len(), 3);
        assert_eq!(
            a[2],
            json!({"agentType": "explore", "type": "agent_metadata"})
        );
        // An unusable sidecar is treated as absent.
        assert_eq!(
            store.get_entries(&key(Some("subagents/wf/agent-b"))).len(),
            1
        );
        assert_eq!(
            store.list_subkeys(&key(None)).await.unwrap(),
            ["subagents/agent-a", "subagents/wf/agent-b"]
        );
    }

    #[tokio::test]
    async fn main_only_and_errors() {
        let (tmp, project) = setup();
        let store = InMemorySessionStore::new();
        let options = ImportOptions {
            include_subagents: false,
            ..ImportOptions::default()
        };
        import_session_from(tmp.path(), SID, &store, &options)
            .await
            .unwrap();
        assert!(store.list_subkeys(&key(None)).await.unwrap().is_empty());
        let err = import_session_from(tmp.path(), "nope", &store, &options).await;
        assert!(err
            .unwrap_err()
            .to_string()
            .contains("Invalid session_id: nope"));
        let other = "00000000-0000-4000-8000-000000000000";
        let err = import_session_from(tmp.path(), other, &store, &options).await;
        assert!(matches!(
            err,
            Err(Error::Sessions(Problem::SessionNotFound { .. }))
        ));
        // A bad line fails for Python, is skipped for TypeScript.
        std::fs::write(
            project.join(format!("{SID}.jsonl")),
            "{bad\n{\"type\":\"x\"}\n",
        )
        .unwrap();
        let py = import_session_from(tmp.path(), SID, &InMemorySessionStore::new(), &options).await;
        assert!(matches!(py, Err(Error::Json(_))));
        let ts_options = ImportOptions {
            flavour: Flavour::Ts,
            include_subagents: true,
            ..ImportOptions::default()
        };
        let ts_store = InMemorySessionStore::new();
        import_session_from(tmp.path(), SID, &ts_store, &ts_options)
            .await
            .unwrap();
        // TypeScript keys the copy by the process's directory (no `dir` given).
        let ts_key = |sub: Option<&str>| SessionKey {
            project_key: crate::sessions::project_key_for_directory(None),
            ..key(sub)
        };
        assert_eq!(
            ts_store.get_entries(&ts_key(None)),
            vec![json!({"type": "x"})]
        );
        let meta = ts_store.get_entries(&ts_key(Some("subagents/agent-a")));
        assert_eq!(meta[2], json!({"type": "odd", "agentType": "explore"}));
    }
}
