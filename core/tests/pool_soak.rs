//! 1,000 claims in a row from one session pool over the smallest fake CLI
//! (`tests/fake_cli/quick_claude.sh`): every claim answers, and once the pool is closed no
//! process, fd, thread or task is left, and memory did not grow. One test in its own binary, so
//! nothing else runs in the process while it counts.

mod leaks;

use claude_wire::pool::Pool;
use claude_wire::ClaudeAgentOptions;
use futures::StreamExt;
use leaks::{counts, quick_cli, settled};
use std::time::Instant;

async fn claims(pool: &Pool, count: usize) {
    for _ in 0..count {
        let messages: Vec<_> = pool.query("hi").collect().await;
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[1].as_ref().unwrap().is_result());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_claims_in_a_row_leave_nothing_behind() {
    let options = ClaudeAgentOptions::new().cli_path(quick_cli());
    // Warm up (runtime threads, lazy statics, allocator pools) with a first pool.
    let pool = Pool::builder(options.clone()).size(2).build().unwrap();
    claims(&pool, 50).await;
    pool.close().await;
    drop(pool);
    let baseline = settled(counts()).await;

    let pool = Pool::builder(options).size(2).build().unwrap();
    let started = Instant::now();
    claims(&pool, 100).await;
    let early = counts();
    claims(&pool, 900).await;
    let elapsed = started.elapsed();
    let late = counts();
    let stats = pool.stats();
    pool.close().await;
    drop(pool);
    let after = settled(baseline).await;

    eprintln!(
        "pool soak: 1000 claims in {elapsed:?} ({stats:?})\n  baseline {baseline:?}\n  \
         after 100 claims {early:?}\n  after 1000 {late:?}\n  after close {after:?}"
    );
    assert_eq!(stats.claimed, 1000);
    assert_eq!(stats.replaced + stats.failed_starts, 0, "{stats:?}");
    assert_eq!(after.children, 0, "CLI processes left: {after:?}");
    assert!(
        after.fds <= baseline.fds,
        "fds leaked: {after:?} vs {baseline:?}"
    );
    assert!(
        after.threads <= baseline.threads,
        "threads leaked: {after:?}"
    );
    assert!(
        after.tasks <= baseline.tasks,
        "tasks leaked: {after:?} vs {baseline:?}"
    );
    assert!(
        late.rss_kb < early.rss_kb + 8 * 1024,
        "RSS grew by more than 8 MB from claim 100 to claim 1000: {early:?} -> {late:?}"
    );
}
