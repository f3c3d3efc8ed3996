//! Warm starts: a pool of CLIs started and initialized ahead of the queries that use them.
//!
//! Starting the Claude Code CLI takes about half a second before its first message. A [`Pool`]
//! keeps `size` CLIs spawned and past the `initialize` handshake for one option set, hands one
//! to each [`Pool::query`] or [`Pool::client`], and starts a replacement in the background.
//!
//! - **Used once.** A claimed CLI belongs to its query or client and is stopped with it; it
//!   never returns to the pool.
//! - **One option set.** Everything the CLI takes when it starts (argv, environment, working
//!   directory, `initialize`, callbacks) is the pool's. A claim with other options may differ
//!   only in `model`, `permission_mode` and `max_thinking_tokens`, which are applied by control
//!   request after the claim; any other difference is refused with
//!   [`PoolError::OptionDiffers`] naming the option.
//! - **Healthy.** A warm CLI that died is dropped at the claim and the next one is tried (or a
//!   fresh one started); a dead CLI is never handed out.
//! - **Bounded.** At most `max(size, claims waiting)` CLIs are warm or starting. With an
//!   [`idle_timeout`](PoolBuilder::idle_timeout), warm CLIs unclaimed that long are stopped and
//!   the pool stays empty until the next claim.
//! - **Failing fast.** When a CLI cannot start (missing binary, bad option), waiting claims get
//!   the start's own error at once, and the pool starts nothing more until the next claim.
//! - **No process left.** [`Pool::close`] stops every warm CLI and every start under way;
//!   dropping the pool does the same (killing them). Each CLI also dies with this process.
//!
//! ```no_run
//! # async fn demo() -> claude_wire::Result<()> {
//! use claude_wire::pool::Pool;
//! use futures::StreamExt;
//! let pool = Pool::builder(claude_wire::ClaudeAgentOptions::new().model("sonnet")).size(2).build()?;
//! let mut messages = pool.query("What is 2 + 2?");
//! while let Some(message) = messages.next().await {
//!     println!("{:?}", message?);
//! }
//! pool.close().await;
//! # Ok(()) }
//! ```

mod claim;
mod error;
mod warm;

pub use error::PoolError;
pub use warm::PoolStats;

use crate::client::ClaudeClient;
use crate::control::Control;
use crate::options::ClaudeAgentOptions;
use crate::prompt::Prompt;
use crate::query::Query;
use crate::session::Session;
use crate::{Error, Flavour, Result};
use claim::Adjust;
use futures::FutureExt;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::AbortHandle;
use warm::Inner;

/// Configuration of a [`Pool`]; made by [`Pool::builder`].
#[derive(Debug, Clone)]
pub struct PoolBuilder {
    options: ClaudeAgentOptions,
    size: usize,
    idle_timeout: Option<Duration>,
}

impl PoolBuilder {
    /// How many CLIs to keep warm (default 1, at least 1).
    pub fn size(mut self, size: usize) -> Self {
        self.size = size;
        self
    }

    /// Stop warm CLIs that nobody claimed for this long (default: never); the pool then stays
    /// empty until the next claim, which waits for a fresh start.
    pub fn idle_timeout(mut self, idle: Duration) -> Self {
        self.idle_timeout = Some(idle);
        self
    }

    /// Starts the pool: its CLIs start at once, in the background. Needs a tokio runtime.
    ///
    /// Fails with [`PoolError::InvalidConfig`] for a size of 0, [`PoolError::Unpoolable`] for
    /// options every warm CLI cannot share (`session_id`), and [`Error::Connection`] outside a
    /// tokio runtime. A CLI that cannot start is reported to the claims, not here.
    pub fn build(self) -> Result<Pool> {
        if self.size == 0 {
            return Err(PoolError::InvalidConfig("size must be at least 1").into());
        }
        if self.options.session_id.is_some() {
            return Err(PoolError::Unpoolable {
                option: "session_id",
                why: "every warm CLI would start the same session",
            }
            .into());
        }
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| {
            Error::Connection("a session pool needs a tokio runtime to start its CLIs".into())
        })?;
        let inner = Arc::new(Inner::new(self.options, self.size, self.idle_timeout));
        let driver = runtime.spawn(warm::drive(inner.clone())).abort_handle();
        Ok(Pool { inner, driver })
    }
}

/// A pool of warm CLIs for one option set (see the [module docs](self)).
///
/// `Send + Sync`; share it in an `Arc`. Dropping it kills every CLI it still holds.
pub struct Pool {
    inner: Arc<Inner>,
    driver: AbortHandle,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("options", &self.inner.options)
            .field("stats", &self.stats())
            .finish()
    }
}

impl Pool {
    /// A pool configuration for `options`: every CLI of the pool starts with them.
    pub fn builder(options: ClaudeAgentOptions) -> PoolBuilder {
        PoolBuilder {
            options,
            size: 1,
            idle_timeout: None,
        }
    }

    /// The options the pool's CLIs start with.
    pub fn options(&self) -> &ClaudeAgentOptions {
        &self.inner.options
    }

    /// A one-shot query on a warm CLI, like [`crate::query()`] with the pool's options. The
    /// claim happens when the stream is first polled (at once under [`Flavour::Ts`]); a claim
    /// that fails (closed pool, failed start) is the stream's only item.
    pub fn query(&self, prompt: impl Into<Prompt>) -> Query {
        self.start_query(prompt.into(), Adjust::default())
    }

    /// Like [`query`](Self::query) with per-query `options`: `model`, `permission_mode` and
    /// `max_thinking_tokens` may differ from the pool's (set by control request after the
    /// claim); any other difference is refused at once with [`PoolError::OptionDiffers`].
    pub fn query_with(
        &self,
        prompt: impl Into<Prompt>,
        options: &ClaudeAgentOptions,
    ) -> Result<Query> {
        let adjust = claim::compare(&self.inner.options, options)?;
        Ok(self.start_query(prompt.into(), adjust))
    }

    /// Whether a claim with `options` would be accepted: `Ok` when they differ from the pool's
    /// only in what a control request sets, else [`PoolError::OptionDiffers`] naming the option.
    pub fn accepts(&self, options: &ClaudeAgentOptions) -> Result<(), PoolError> {
        claim::compare(&self.inner.options, options).map(drop)
    }

    fn start_query(&self, prompt: Prompt, adjust: Adjust) -> Query {
        let inner = self.inner.clone();
        let eager = inner.options.flavour == Flavour::Ts;
        Query::starting(claimed(inner, adjust).boxed(), prompt, eager, None)
    }

    /// A multi-turn client connected to a warm CLI (the pool's options). After its
    /// `disconnect`, a new `connect` starts a fresh CLI (not from the pool).
    pub async fn client(&self) -> Result<ClaudeClient> {
        let session = claimed(self.inner.clone(), Adjust::default()).await?;
        Ok(ClaudeClient::connected(self.inner.options.clone(), session))
    }

    /// Like [`client`](Self::client) with per-client `options`, under the rules of
    /// [`query_with`](Self::query_with).
    pub async fn client_with(&self, options: &ClaudeAgentOptions) -> Result<ClaudeClient> {
        let adjust = claim::compare(&self.inner.options, options)?;
        let session = claimed(self.inner.clone(), adjust).await?;
        Ok(ClaudeClient::connected(options.clone(), session))
    }

    /// Counters and gauges: warm, starting, waiting, claimed, replaced, expired, failed starts.
    pub fn stats(&self) -> PoolStats {
        self.inner.stats()
    }

    /// The process ids of the warm CLIs (as each reported at `initialize`), for monitoring.
    pub fn warm_pids(&self) -> Vec<u32> {
        self.inner.warm_pids()
    }

    /// Closes the pool: claims fail with [`PoolError::Closed`] from now on (waiting ones too),
    /// starts under way are killed, and every warm CLI is stopped gracefully and reaped before
    /// this returns. Sessions already claimed are not affected. Idempotent.
    pub async fn close(&self) {
        let warm = self.inner.close();
        futures::future::join_all(warm.iter().map(Session::close)).await;
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        // The warm sessions are dropped (their processes killed); aborting the driver drops
        // the starts under way, which kills theirs.
        drop(self.inner.close());
        self.driver.abort();
    }
}

/// Claims a session and applies the claim's control-settable options.
async fn claimed(inner: Arc<Inner>, adjust: Adjust) -> Result<Arc<Session>> {
    let session = Arc::new(inner.claim().await?);
    if !adjust.is_empty() {
        adjust.apply(&Control::new(session.clone())).await?;
    }
    Ok(session)
}
