//! 1,000 sequential sessions, then 200 concurrent ones, against the smallest fake CLI
//! (`tests/fake_cli/quick_claude.sh`): no fd, thread, child process or memory is left behind.
//! One test in its own binary, so nothing else runs in the process while it counts.

mod leaks;

use claude_wire::{query, ClaudeAgentOptions};
use futures::StreamExt;
use leaks::{counts, quick_cli, settled};
use std::time::{Duration, Instant};

async fn one_session() {
    let options = ClaudeAgentOptions::new().cli_path(quick_cli());
    let messages: Vec<_> = query("hi", options).collect().await;
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[1].as_ref().unwrap().is_result());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_sequential_and_two_hundred_concurrent_sessions_leave_nothing_behind() {
    // Warm up (runtime threads, lazy statics), then take the baseline.
    one_session().await;
    let baseline = settled(counts()).await;

    let started = Instant::now();
    for _ in 0..1000 {
        one_session().await;
    }
    let sequential = started.elapsed();
    let after_sequential = settled(baseline).await;

    // Three rounds: the first grows the allocator's pools (200 read buffers at once), the later
    // ones show whether anything accumulates.
    let mut rounds = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        let sessions: Vec<_> = (0..200).map(|_| tokio::spawn(one_session())).collect();
        for session in sessions {
            tokio::time::timeout(Duration::from_secs(120), session)
                .await
                .expect("concurrent session in time")
                .unwrap();
        }
        rounds.push((started.elapsed(), settled(baseline).await));
    }
    let (concurrent, after_concurrent) = rounds[2];

    eprintln!(
        "soak: 1000 sequential in {sequential:?}, 3 x 200 concurrent, the last in {concurrent:?}\n  \
         baseline {baseline:?}\n  after sequential {after_sequential:?}\n  \
         after the first concurrent round {:?}\n  after the third {after_concurrent:?}",
        rounds[0].1
    );
    assert!(
        after_concurrent.rss_kb < rounds[0].1.rss_kb + 5 * 1024,
        "RSS kept growing from one round of 200 sessions to the next: {rounds:?}"
    );
    for (when, now) in [
        ("sequential", after_sequential),
        ("concurrent", after_concurrent),
    ] {
        assert_eq!(
            now.children, 0,
            "child processes left after the {when} sessions"
        );
        assert!(
            now.fds <= baseline.fds,
            "fds leaked after the {when} sessions: {now:?} vs {baseline:?}"
        );
        assert!(
            now.threads <= baseline.threads,
            "threads leaked after the {when} sessions: {now:?}"
        );
        assert!(
            now.rss_kb < baseline.rss_kb + 40 * 1024,
            "RSS grew by more than 40 MB after the {when} sessions: {now:?} vs {baseline:?}"
        );
    }
}
