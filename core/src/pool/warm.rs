//! The warm sessions of a pool and the task that keeps them topped up.
//!
//! One driver task per pool starts CLIs (each start is a task in the driver's `JoinSet`, so
//! aborting the driver kills every start under way), hands finished starts to waiting claims
//! first, keeps the rest warm, and stops warm CLIs left idle too long. Claims take a warm
//! session under the state lock after a health check; a dead one is dropped (killed and
//! reaped) and the next is tried.

use super::PoolError;
use crate::options::ClaudeAgentOptions;
use crate::session::Session;
use crate::{Error, Result};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::{oneshot, Notify};
use tokio::task::JoinSet;
use tokio::time::Instant;

/// A started, initialized CLI waiting for a claim.
struct Warm {
    session: Session,
    since: Instant,
}

/// A claim waiting for the next start.
type Waiter = oneshot::Sender<Result<Session>>;

/// Counters and gauges of a pool, for monitoring and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolStats {
    /// CLIs started and initialized, waiting for a claim.
    pub warm: usize,
    /// CLIs being started.
    pub starting: usize,
    /// Claims waiting for a start.
    pub waiting: usize,
    /// Sessions handed out so far.
    pub claimed: u64,
    /// Warm CLIs found dead at a claim and replaced.
    pub replaced: u64,
    /// Warm CLIs stopped because they were idle longer than the idle timeout.
    pub expired: u64,
    /// Starts that failed.
    pub failed_starts: u64,
    /// True once the pool was closed.
    pub closed: bool,
}

#[derive(Default)]
struct State {
    warm: VecDeque<Warm>,
    waiters: VecDeque<Waiter>,
    stats: PoolStats,
    /// No refill until the next claim: after a failed start (a missing CLI must not be
    /// started again and again) or after idle expiry.
    dormant: bool,
}

/// What the driver and the claims share.
pub(crate) struct Inner {
    pub(crate) options: ClaudeAgentOptions,
    size: usize,
    idle_timeout: Option<Duration>,
    state: Mutex<State>,
    wake: Notify,
}

impl Inner {
    pub(crate) fn new(
        options: ClaudeAgentOptions,
        size: usize,
        idle_timeout: Option<Duration>,
    ) -> Self {
        Inner {
            options,
            size,
            idle_timeout,
            state: Mutex::new(State::default()),
            wake: Notify::new(),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn stats(&self) -> PoolStats {
        let state = self.state();
        PoolStats {
            warm: state.warm.len(),
            waiting: state.waiters.iter().filter(|w| !w.is_closed()).count(),
            ..state.stats
        }
    }

    /// The process ids the warm CLIs reported at `initialize`.
    pub(crate) fn warm_pids(&self) -> Vec<u32> {
        self.state()
            .warm
            .iter()
            .filter_map(|w| w.session.server_info()?.get("pid")?.as_u64())
            .filter_map(|pid| u32::try_from(pid).ok())
            .collect()
    }

    /// A healthy warm session, or the next one started.
    pub(crate) async fn claim(&self) -> Result<Session> {
        loop {
            let waiting = {
                let mut state = self.state();
                if state.stats.closed {
                    return Err(PoolError::Closed.into());
                }
                state.dormant = false;
                let mut found = None;
                while let Some(warm) = state.warm.pop_front() {
                    if warm.session.is_alive() {
                        found = Some(warm.session);
                        break;
                    }
                    // Dropping it kills and reaps the process (if anything is left of it).
                    state.stats.replaced += 1;
                }
                match found {
                    Some(session) => {
                        state.stats.claimed += 1;
                        drop(state);
                        self.wake.notify_one();
                        return Ok(session);
                    }
                    None => {
                        let (tx, rx) = oneshot::channel();
                        state.waiters.push_back(tx);
                        rx
                    }
                }
            };
            self.wake.notify_one();
            // A dropped sender: the pool closed while this claim waited.
            let session = waiting.await.map_err(|_| PoolError::Closed)??;
            if session.is_alive() {
                self.state().stats.claimed += 1;
                return Ok(session);
            }
            self.state().stats.replaced += 1;
        }
    }

    /// Closes the pool: no claim succeeds from now on; waiting claims fail. Returns the warm
    /// sessions for the caller to stop.
    pub(crate) fn close(&self) -> Vec<Session> {
        let mut state = self.state();
        state.stats.closed = true;
        state.waiters.clear();
        let warm = state.warm.drain(..).map(|w| w.session).collect();
        drop(state);
        self.wake.notify_one();
        warm
    }

    /// How many starts to launch now.
    fn starts_needed(&self, starting: usize) -> usize {
        let mut state = self.state();
        state.waiters.retain(|w| !w.is_closed());
        state.stats.starting = starting;
        if state.stats.closed {
            return 0;
        }
        let target = match state.dormant {
            true => state.waiters.len(),
            false => self.size.max(state.waiters.len()),
        };
        target.saturating_sub(state.warm.len() + starting)
    }

    /// A finished start: to the first waiting claim, else warm.
    fn started(&self, outcome: Result<Session>) {
        let mut state = self.state();
        match outcome {
            Ok(mut session) => {
                while let Some(waiter) = state.waiters.pop_front() {
                    match waiter.send(Ok(session)) {
                        Ok(()) => return,
                        Err(back) => match back {
                            Ok(returned) => session = returned,
                            Err(_) => return,
                        },
                    }
                }
                if !state.stats.closed {
                    state.warm.push_back(Warm {
                        session,
                        since: Instant::now(),
                    });
                }
            }
            Err(error) => {
                state.stats.failed_starts += 1;
                state.dormant = true;
                for waiter in state.waiters.drain(..) {
                    let _ = waiter.send(Err(error.clone()));
                }
            }
        }
    }

    /// Stops warm CLIs idle longer than the idle timeout; the next expiry to wait for.
    fn expire(&self) -> Option<Instant> {
        let idle = self.idle_timeout?;
        let now = Instant::now();
        let mut state = self.state();
        let before = state.warm.len();
        state.warm.retain(|w| w.since + idle > now);
        let expired = before - state.warm.len();
        if expired > 0 {
            state.stats.expired += expired as u64;
            state.dormant = true;
        }
        state.warm.iter().map(|w| w.since + idle).min()
    }
}

/// The driver task: runs until the pool is closed (or the task is aborted).
pub(crate) async fn drive(inner: Arc<Inner>) {
    let mut starts: JoinSet<Result<Session>> = JoinSet::new();
    loop {
        for _ in 0..inner.starts_needed(starts.len()) {
            let options = inner.options.clone();
            starts.spawn(async move { Session::open(&options, None, None).await });
        }
        inner.state().stats.starting = starts.len();
        if inner.state().stats.closed {
            // Dropping the starts kills their processes.
            starts.shutdown().await;
            return;
        }
        let expiry = inner.expire();
        tokio::select! {
            _ = inner.wake.notified() => {}
            Some(done) = starts.join_next(), if !starts.is_empty() => {
                let outcome = done.unwrap_or_else(|e| {
                    Err(Error::Connection(format!("a session pool start failed: {e}")))
                });
                inner.started(outcome);
            }
            _ = sleep_until(expiry), if expiry.is_some() => {}
        }
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    if let Some(deadline) = deadline {
        tokio::time::sleep_until(deadline).await;
    }
}
