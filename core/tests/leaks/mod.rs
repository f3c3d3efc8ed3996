//! What a soak test counts to show nothing is left behind: fds, threads, child processes, tokio
//! tasks and RSS of this process, and the smallest fake CLI to run sessions against.
#![allow(dead_code)] // each soak binary uses a different subset

use std::path::PathBuf;
use std::time::{Duration, Instant};

/// `tests/fake_cli/quick_claude.sh`: answers `initialize`, then one result per prompt.
pub fn quick_cli() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fake_cli/quick_claude.sh")
}

#[derive(Debug, Clone, Copy)]
pub struct Counts {
    pub fds: usize,
    pub threads: usize,
    pub children: usize,
    pub tasks: usize,
    pub rss_kb: u64,
}

fn status_field(name: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix(name))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn children() -> usize {
    let me = std::process::id().to_string();
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok())
        .filter_map(|e| std::fs::read_to_string(e.path().join("stat")).ok())
        .filter(|stat| {
            stat.rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                == Some(me.as_str())
        })
        .count()
}

/// The counts now (call it inside the tokio runtime).
pub fn counts() -> Counts {
    // Hand freed memory back to the OS first, so RSS shows what is still in use, not what the
    // allocator keeps around after many sessions at once.
    // SAFETY: plain libc call.
    unsafe { libc::malloc_trim(0) };
    Counts {
        fds: std::fs::read_dir("/proc/self/fd").unwrap().count(),
        threads: status_field("Threads:") as usize,
        children: children(),
        tasks: tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks(),
        rss_kb: status_field("VmRSS:"),
    }
}

/// Waits (a little) for the last processes to be reaped and their threads and tasks to end.
pub async fn settled(baseline: Counts) -> Counts {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let now = counts();
        let done = now.fds <= baseline.fds
            && now.children == 0
            && now.threads <= baseline.threads
            && now.tasks <= baseline.tasks;
        if done || Instant::now() > deadline {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
