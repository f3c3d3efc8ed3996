//! A one-shot query's CLI that lingers after its run.
//!
//! Once stdin is closed the CLI waits for its background work before it exits, up to
//! `CLAUDE_CODE_PRINT_BG_WAIT_CEILING_MS`, but a background shell (`Bash` with
//! `run_in_background`, a dev server, a `sleep`) keeps it alive for as long as the shell runs:
//! the query would not end. Past the same ceiling of silence after a result, the CLI is closed
//! (stdin is closed already; then SIGTERM, SIGKILL, its process group reaped).

use super::Shared;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// When the CLI last wrote something, as milliseconds since the session started.
pub(crate) struct LastOutput {
    start: Instant,
    at_ms: AtomicU64,
}

impl Default for LastOutput {
    fn default() -> Self {
        LastOutput {
            start: Instant::now(),
            at_ms: AtomicU64::new(0),
        }
    }
}

impl LastOutput {
    pub(crate) fn touch(&self) {
        let now = self.start.elapsed().as_millis() as u64;
        self.at_ms.store(now, Ordering::Relaxed);
    }

    fn quiet_for(&self) -> Duration {
        let at = Duration::from_millis(self.at_ms.load(Ordering::Relaxed));
        self.start.elapsed().saturating_sub(at)
    }
}

impl Shared {
    /// After stdin was closed: closes the CLI once a result came and it has since been silent
    /// for the run-end ceiling without ending, with none of our callbacks at work.
    pub(crate) async fn close_if_lingering(&self) {
        let Some(ceiling) = self.run_end_ceiling else {
            return;
        };
        let tick = (ceiling / 4).clamp(Duration::from_millis(50), Duration::from_secs(5));
        let mut run = self.run.subscribe();
        if run.wait_for(|r| r.finished || r.results > 0).await.is_err() {
            return;
        }
        loop {
            if self.run.borrow().finished {
                return;
            }
            let idle_handlers = self
                .inflight
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .is_empty();
            if idle_handlers && self.output.quiet_for() >= ceiling {
                self.closing.store(true, Ordering::SeqCst);
                let _ = self.transport.close().await;
                return;
            }
            let _ = tokio::time::timeout(tick, run.wait_for(|r| r.finished)).await;
        }
    }
}
