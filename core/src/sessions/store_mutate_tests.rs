//! Tests of `store_mutate.rs`, with the recording store of `store_ops_tests.rs`.

use super::super::store_ops::tests::{
    conversation, dir, key, python_messages, seed_subagents, sid, uid, Down, Recorder, ALL,
};
use super::super::*;
use crate::{Error, Flavour};

#[tokio::test]
async fn rename_and_tag_append_stamped_entries() {
    let store = Recorder::new(&ALL);
    store.seed(&sid(1), conversation(1, "first", 1)).await;
    rename_session_via_store(
        &store,
        &sid(1),
        "  New name \n",
        Some(dir()),
        Flavour::Python,
    )
    .await
    .unwrap();
    tag_session_via_store(
        &store,
        &sid(1),
        Some(" t\u{200b}ag "),
        Some(dir()),
        Flavour::Python,
    )
    .await
    .unwrap();
    tag_session_via_store(&store, &sid(1), None, Some(dir()), Flavour::Python)
        .await
        .unwrap();
    let entries = store.inner.get_entries(&key(&sid(1)));
    let written = &entries[2..];
    let keys: Vec<Vec<&str>> = written
        .iter()
        .map(|e| e.as_object().unwrap().keys().map(String::as_str).collect())
        .collect();
    assert_eq!(
        keys[0],
        ["type", "customTitle", "sessionId", "uuid", "timestamp"]
    );
    assert_eq!(keys[1], ["type", "tag", "sessionId", "uuid", "timestamp"]);
    assert_eq!(written[0]["customTitle"], "New name");
    assert_eq!(written[1]["tag"], "tag");
    assert_eq!(written[2]["tag"], "");
    assert!(validate_uuid(written[0]["uuid"].as_str().unwrap()).is_ok());
    assert_ne!(written[1]["uuid"], written[2]["uuid"]);
    assert!(written[0]["timestamp"].as_str().unwrap().ends_with('Z'));
    let info = get_session_info_from_store(&store, &sid(1), Some(dir()), Flavour::Python)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(info.summary, "New name");
    assert_eq!(info.tag, None);
    assert_eq!(
        store.take_calls()[..3],
        [
            format!("append {} 1", sid(1)),
            format!("append {} 1", sid(1)),
            format!("append {} 1", sid(1)),
        ]
    );
    // Refusals come before any store call.
    let bad = rename_session_via_store(&store, "bad", "x", None, Flavour::Python)
        .await
        .unwrap_err();
    assert_eq!(bad.message(Flavour::Python), "Invalid session_id: bad");
    assert_eq!(bad.message(Flavour::Ts), "Invalid sessionId: bad");
    let blank = rename_session_via_store(&store, &sid(1), " \t", None, Flavour::Python).await;
    assert_eq!(
        blank.unwrap_err().message(Flavour::Python),
        "title must be non-empty"
    );
    let empty =
        tag_session_via_store(&store, &sid(1), Some("\u{200b} "), None, Flavour::Python).await;
    assert!(matches!(empty, Err(Error::Sessions(Problem::EmptyTag))));
    assert!(
        tag_session_via_store(&store, "bad", None, None, Flavour::Python)
            .await
            .is_err()
    );
    assert!(store.take_calls().is_empty());
}

#[tokio::test]
async fn delete_only_when_the_store_can() {
    let store = Recorder::new(&ALL);
    seed_subagents(&store).await;
    delete_session_via_store(&store, &sid(1), Some(dir()))
        .await
        .unwrap();
    assert_eq!(store.take_calls(), [format!("delete {}", sid(1))]);
    assert!(store.inner.get_entries(&key(&sid(1))).is_empty());
    assert_eq!(store.inner.size(), 0);

    let append_only = Recorder::new(&[StoreMethod::ListSessions]);
    append_only.seed(&sid(1), conversation(1, "kept", 1)).await;
    delete_session_via_store(&append_only, &sid(1), Some(dir()))
        .await
        .unwrap();
    assert!(append_only.take_calls().is_empty());
    assert_eq!(append_only.inner.get_entries(&key(&sid(1))).len(), 2);
    let bad = delete_session_via_store(&append_only, "x", None).await;
    assert!(matches!(
        bad,
        Err(Error::Sessions(Problem::InvalidSessionId(_)))
    ));
}

#[tokio::test]
async fn fork_through_the_store() {
    let store = Recorder::new(&ALL);
    let mut entries = conversation(1, "first", 1);
    let mut more = conversation(1, "second", 2);
    more[0]["uuid"] = uid(1, 3).into();
    more[0]["parentUuid"] = uid(1, 2).into();
    more[1]["uuid"] = uid(1, 4).into();
    more[1]["parentUuid"] = uid(1, 3).into();
    entries.extend(more);
    store.seed(&sid(1), entries).await;

    let fork = fork_session_via_store(&store, &sid(1), Some(dir()), None, None, Flavour::Python)
        .await
        .unwrap();
    assert_ne!(fork.session_id, sid(1));
    let calls = store.take_calls();
    assert_eq!(calls[0], format!("load {}", sid(1)));
    assert!(calls[1].starts_with(&format!("append {} ", fork.session_id)));
    assert_eq!(calls.len(), 2);
    let original = python_messages(&store, &sid(1), Some(dir()), Page::all()).await;
    let forked = python_messages(&store, &fork.session_id, Some(dir()), Page::all()).await;
    assert_eq!(forked.len(), 4);
    for (a, b) in original.iter().zip(&forked) {
        assert_eq!(a.message, b.message);
        assert_ne!(a.uuid, b.uuid);
        assert_eq!(b.session_id, fork.session_id);
    }
    let info = get_session_info_from_store(&store, &fork.session_id, Some(dir()), Flavour::Python)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(info.custom_title.as_deref(), Some("first (fork)"));

    // Up to a message, with a title.
    let part = fork_session_via_store(
        &store,
        &sid(1),
        Some(dir()),
        Some(&uid(1, 2)),
        Some("Part"),
        Flavour::Python,
    )
    .await
    .unwrap();
    let part_messages = python_messages(&store, &part.session_id, Some(dir()), Page::all()).await;
    assert_eq!(part_messages.len(), 2);
    store.take_calls();
}

#[tokio::test]
async fn fork_refusals() {
    let store = Recorder::new(&ALL);
    store.seed(&sid(1), conversation(1, "first", 1)).await;
    let fork = |session: String, up_to: Option<&'static str>, flavour| {
        let store = &store;
        async move {
            fork_session_via_store(store, &session, Some(dir()), up_to, None, flavour)
                .await
                .unwrap_err()
        }
    };
    let bad = fork("bad".into(), None, Flavour::Python).await;
    assert_eq!(bad.message(Flavour::Python), "Invalid session_id: bad");
    // Python refuses a fork point that is not a UUID before loading.
    let bad_point = fork(sid(1), Some("m1"), Flavour::Python).await;
    assert_eq!(
        bad_point.message(Flavour::Python),
        "Invalid up_to_message_id: m1"
    );
    assert!(store.take_calls().is_empty());
    // The TypeScript SDK loads and then does not find it.
    let ts_point = fork(sid(1), Some("m1"), Flavour::Ts).await;
    assert_eq!(
        ts_point.message(Flavour::Ts),
        format!("Message m1 not found in session {}", sid(1))
    );
    assert_eq!(store.take_calls(), [format!("load {}", sid(1))]);
    let absent = fork(sid(2), None, Flavour::Python).await;
    assert!(matches!(&absent, Error::Sessions(p) if p.is_not_found()));
    assert_eq!(
        absent.message(Flavour::Python),
        format!("Session {} not found", sid(2))
    );
    let unknown_point = fork(
        sid(1),
        Some("00000000-0000-4000-8000-00000000ffff"),
        Flavour::Python,
    );
    assert!(matches!(
        unknown_point.await,
        Error::Sessions(Problem::MessageNotInSession { .. })
    ));
    let side_only = Recorder::new(&ALL);
    let mut side = conversation(5, "side", 1);
    for e in &mut side {
        e["isSidechain"] = true.into();
    }
    side_only.seed(&sid(5), side).await;
    let nothing = fork_session_via_store(&side_only, &sid(5), Some(dir()), None, None, Flavour::Ts)
        .await
        .unwrap_err();
    assert_eq!(
        nothing.message(Flavour::Ts),
        format!("Session {} has no messages to fork", sid(5))
    );
}

#[tokio::test]
async fn a_store_failure_keeps_the_store_error() {
    let mut store = Recorder::new(&ALL);
    store.fail_append = true;
    let err = rename_session_via_store(&store, &sid(1), "x", None, Flavour::Python)
        .await
        .unwrap_err();
    let Error::Store { operation, source } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(*operation, "append");
    assert!(source.downcast_ref::<Down>().is_some());
    assert_eq!(err.message(Flavour::Python), "backend down");
    store.failing_loads.insert(sid(1));
    let load = get_session_info_from_store(&store, &sid(1), None, Flavour::Python).await;
    assert!(matches!(
        load,
        Err(Error::Store {
            operation: "load",
            ..
        })
    ));
}
