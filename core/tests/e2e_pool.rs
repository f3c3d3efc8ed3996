//! The session pool against the real Claude Code CLI (pinned) and the scripted model server:
//! warm claims, options applied by control request or refused, dead warm CLIs replaced, fast
//! failures, closing and dropping the pool reaping every process, refill and idle expiry.

mod support;

use claude_wire::model_server::{ModelServer, Reply, Script};
use claude_wire::options::PermissionMode;
use claude_wire::pool::{Pool, PoolError};
use claude_wire::{query, ClaudeAgentOptions, Error, Message};
use futures::StreamExt;
use std::path::Path;
use std::time::{Duration, Instant};
use support::Sandbox;

const DEADLINE: Duration = Duration::from_secs(60);

async fn server(replies: usize) -> ModelServer {
    let mut script = Script::new();
    for n in 0..replies {
        script = script.reply(Reply::text(format!("reply {n}")));
    }
    ModelServer::start(script).await.unwrap()
}

/// Waits until `check` holds, polling (at most 30 s).
async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let until = Instant::now() + Duration::from_secs(30);
    while !check() {
        assert!(Instant::now() < until, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn warm(pool: &Pool, count: usize) {
    eventually("warm CLIs", || pool.stats().warm >= count).await;
}

fn alive(pid: u32) -> bool {
    // A zombie still has a /proc entry: reaped means gone.
    Path::new(&format!("/proc/{pid}")).exists()
}

/// Messages up to the result; the time to the first one.
async fn run(mut messages: claude_wire::Query) -> (Vec<Message>, Duration) {
    let started = Instant::now();
    let mut first = None;
    let mut out = Vec::new();
    while let Some(item) = tokio::time::timeout(DEADLINE, messages.next())
        .await
        .unwrap()
    {
        first.get_or_insert_with(|| started.elapsed());
        out.push(item.expect("no error"));
    }
    (out, first.expect("a message"))
}

fn result_text(messages: &[Message]) -> String {
    messages
        .iter()
        .find_map(|m| match m {
            Message::Result(r) => r.result.clone(),
            _ => None,
        })
        .expect("a result")
}

#[tokio::test]
async fn a_warm_claim_answers_and_its_first_message_comes_sooner_than_a_cold_start() {
    let server = server(2).await;
    let sandbox = Sandbox::new();
    let options = support::options(&server, &sandbox);
    let pool = Pool::builder(options.clone()).size(1).build().unwrap();
    warm(&pool, 1).await;

    let (messages, warm_first) = run(pool.query("Say hello")).await;
    assert_eq!(result_text(&messages), "reply 0");
    let (messages, cold_first) = run(query("Say hello", options)).await;
    assert_eq!(result_text(&messages), "reply 1");
    eprintln!("start to first message: warm {warm_first:?}, cold {cold_first:?}");
    assert!(
        warm_first < cold_first,
        "warm {warm_first:?} vs cold {cold_first:?}"
    );
    assert_eq!(pool.stats().claimed, 1);
    pool.close().await;
}

#[tokio::test]
async fn model_permission_mode_and_thinking_budget_are_applied_by_control_request() {
    let server = server(1).await;
    let sandbox = Sandbox::new();
    let options = support::options(&server, &sandbox);
    let pool = Pool::builder(options.clone()).build().unwrap();
    let mut claim = options.clone().model("claim-model");
    claim.permission_mode = Some(PermissionMode::Plan);
    claim.max_thinking_tokens = Some(4096);

    let (messages, _) = run(pool.query_with("Hi", &claim).unwrap()).await;
    let init = messages
        .iter()
        .find_map(|m| match m {
            Message::System(s) => s.as_init().cloned(),
            _ => None,
        })
        .expect("init");
    assert_eq!(init.model.as_deref(), Some("claim-model"));
    assert_eq!(init.permission_mode.as_deref(), Some("plan"));
    let request = server.main_requests().pop().expect("a model request");
    assert_eq!(request.body["model"], "claim-model");
    pool.close().await;
}

#[tokio::test]
async fn other_differences_are_refused_by_name_and_claim_nothing() {
    let server = server(0).await;
    let sandbox = Sandbox::new();
    let options = support::options(&server, &sandbox);
    let pool = Pool::builder(options.clone()).build().unwrap();
    let refused = |claim: ClaudeAgentOptions| match pool.query_with("Hi", &claim) {
        Err(Error::Pool(PoolError::OptionDiffers { option })) => option,
        Err(other) => panic!("unexpected error {other}"),
        Ok(_) => panic!("accepted"),
    };
    assert_eq!(refused(options.clone().max_turns(7)), "max_turns");
    assert_eq!(refused(options.clone().cwd("/")), "cwd");
    let mut claim = options.clone();
    claim.env.push(("EXTRA".into(), "1".into()));
    assert_eq!(refused(claim), "env");
    let error = pool
        .client_with(&options.clone().max_turns(7))
        .await
        .err()
        .unwrap();
    assert!(error.to_string().contains("`max_turns`"), "{error}");
    assert_eq!(pool.stats().claimed, 0);
    pool.close().await;
}

#[tokio::test]
async fn a_dead_warm_cli_is_replaced_not_handed_out() {
    let server = server(1).await;
    let sandbox = Sandbox::new();
    let pool = Pool::builder(support::options(&server, &sandbox))
        .build()
        .unwrap();
    warm(&pool, 1).await;
    let dead = pool.warm_pids()[0];
    // SAFETY: plain libc call on a process this test owns.
    unsafe { libc::kill(dead as i32, libc::SIGKILL) };
    eventually("the killed CLI reaped", || !alive(dead)).await;

    let (messages, _) = run(pool.query("Hi")).await;
    assert_eq!(result_text(&messages), "reply 0");
    let stats = pool.stats();
    assert_eq!((stats.replaced, stats.claimed), (1, 1), "{stats:?}");
    pool.close().await;
}

#[tokio::test]
async fn a_missing_cli_fails_the_claim_at_once_and_is_not_retried_in_a_loop() {
    let sandbox = Sandbox::new();
    let options = ClaudeAgentOptions::new()
        .cli_path("/nonexistent/claude-wire/claude")
        .cwd(sandbox.work());
    let pool = Pool::builder(options).size(2).build().unwrap();
    let started = Instant::now();
    let first = pool.query("Hi").next().await.expect("an item");
    let error = first.expect_err("an error");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(error, Error::CliNotFound { .. } | Error::Spawn { .. }),
        "{error:?}"
    );
    let error = pool.client().await.err().expect("an error");
    assert!(matches!(
        error,
        Error::CliNotFound { .. } | Error::Spawn { .. }
    ));
    let failed = pool.stats().failed_starts;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        pool.stats().failed_starts,
        failed,
        "starts retried without a claim"
    );
}

#[tokio::test]
async fn a_cli_that_exits_at_start_fails_the_claim_with_its_error() {
    let sandbox = Sandbox::new();
    let server = server(0).await;
    let mut options = support::options(&server, &sandbox);
    options
        .extra_args
        .push(("no-such-flag-for-claude".into(), None));
    let pool = Pool::builder(options).build().unwrap();
    let item = tokio::time::timeout(DEADLINE, pool.query("Hi").next())
        .await
        .unwrap()
        .expect("an item");
    assert!(item.is_err(), "{item:?}");
}

#[tokio::test]
async fn a_closed_pool_refuses_claims() {
    let server = server(0).await;
    let sandbox = Sandbox::new();
    let pool = Pool::builder(support::options(&server, &sandbox))
        .build()
        .unwrap();
    pool.close().await;
    let item = pool.query("Hi").next().await.expect("an item");
    assert!(
        matches!(item, Err(Error::Pool(PoolError::Closed))),
        "{item:?}"
    );
    assert!(matches!(
        pool.client().await,
        Err(Error::Pool(PoolError::Closed))
    ));
    assert!(pool.stats().closed);
}

#[tokio::test]
async fn close_stops_and_reaps_every_warm_cli() {
    let server = server(0).await;
    let sandbox = Sandbox::new();
    let pool = Pool::builder(support::options(&server, &sandbox))
        .size(2)
        .build()
        .unwrap();
    warm(&pool, 2).await;
    let pids = pool.warm_pids();
    assert_eq!(pids.len(), 2);
    pool.close().await;
    for pid in pids {
        assert!(!alive(pid), "CLI {pid} outlived close()");
    }
    assert!(support::processes_in(&sandbox.work()).is_empty());
}

#[tokio::test]
async fn dropping_the_pool_with_claims_in_flight_reaps_everything() {
    let server = server(0).await;
    let sandbox = Sandbox::new();
    let pool = Pool::builder(support::options(&server, &sandbox))
        .size(1)
        .build()
        .unwrap();
    // Three claims for one warm CLI: two wait for starts under way when the pool goes.
    let claims: Vec<_> = (0..3)
        .map(|_| {
            let mut q = pool.query("Hi");
            tokio::spawn(async move { q.next().await.map(|item| item.err()) })
        })
        .collect();
    eventually("CLIs starting", || pool.stats().starting >= 2).await;
    drop(pool);
    for claim in claims {
        let outcome = tokio::time::timeout(DEADLINE, claim)
            .await
            .unwrap()
            .unwrap();
        // A claim either failed (pool gone) or got a CLI and ran (then its query reaps it).
        if let Some(Some(error)) = outcome {
            assert!(matches!(error, Error::Pool(PoolError::Closed)), "{error:?}");
        }
    }
    eventually("no CLI left in the sandbox", || {
        support::processes_in(&sandbox.work()).is_empty()
    })
    .await;
}

#[tokio::test]
async fn a_claim_is_refilled_in_the_background_with_a_new_process() {
    let server = server(1).await;
    let sandbox = Sandbox::new();
    let pool = Pool::builder(support::options(&server, &sandbox))
        .build()
        .unwrap();
    warm(&pool, 1).await;
    let first = pool.warm_pids();
    let client = pool.client().await.unwrap();
    warm(&pool, 1).await;
    let second = pool.warm_pids();
    assert_ne!(first, second, "a claimed CLI went back to the pool");
    // Its first connect takes the claimed CLI up (as `async with` does in Python).
    client.connect(None).await.unwrap();
    assert!(alive(first[0]), "connect restarted the claimed CLI");
    client.query("Hi", "default").await.unwrap();
    let replies: Vec<_> = client.receive_response().collect().await;
    assert!(replies.iter().all(|m| m.is_ok()), "{replies:?}");
    assert!(matches!(replies.last(), Some(Ok(Message::Result(_)))));
    client.disconnect().await.unwrap();
    assert!(!alive(first[0]), "the claimed CLI outlived its client");
    pool.close().await;
}

#[tokio::test]
async fn idle_warm_clis_expire_and_the_next_claim_starts_afresh() {
    let server = server(1).await;
    let sandbox = Sandbox::new();
    let pool = Pool::builder(support::options(&server, &sandbox))
        .idle_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    warm(&pool, 1).await;
    let pid = pool.warm_pids()[0];
    eventually("expiry", || pool.stats().expired == 1).await;
    eventually("the expired CLI reaped", || !alive(pid)).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        pool.stats().warm + pool.stats().starting,
        0,
        "refilled while idle"
    );
    let (messages, _) = run(pool.query("Hi")).await;
    assert_eq!(result_text(&messages), "reply 0");
    pool.close().await;
}
