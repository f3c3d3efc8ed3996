//! `NativePool`: the native side of `SessionPool`, forwarding to `claude_wire::pool::Pool`.
//!
//! The pool's callbacks go through one bridge made when the pool is created (its CLIs answer
//! `initialize` and MCP requests before any claim); each claimed query gets a keep-alive of its
//! own, so Node stays up while a session runs but not for an idle pool.

use crate::callbacks::Bridge;
use crate::errors::{failed, invalid};
use crate::host_loop::NodeHostLoop;
use crate::query::{options, promise, prompt_source, Live, NativeQuery, QueryState};
use claude_wire::pool::Pool;
use claude_wire::{Error, Flavour};
use napi::bindgen_prelude::{Function, PromiseRaw};
use napi::Env;
use napi_derive::napi;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

/// A pool of warm CLIs for one options object.
#[napi]
pub struct NativePool {
    pool: Arc<Pool>,
    bridge: Arc<Bridge>,
}

#[napi]
impl NativePool {
    /// Starts the pool's CLIs in the background. `setup` is the options as for a query.
    #[napi(constructor)]
    pub fn new(
        env: Env,
        setup: String,
        size: u32,
        idle_timeout_ms: Option<f64>,
        dispatch: Function<'_, (String, u32, String, u32), napi::Unknown<'static>>,
        abort: Function<'_, u32, napi::Unknown<'static>>,
    ) -> napi::Result<Self> {
        // The pool's own keep-alive is dropped: an idle pool does not keep Node running.
        let (bridge, _) = Bridge::new(&dispatch, &abort)?;
        let (mut options, spawn) = options(setup, &bridge)?;
        options.host_loop = Some(Arc::new(NodeHostLoop::new(&env)?));
        if spawn {
            return Err(invalid(
                "spawnClaudeCodeProcess cannot be used with a session pool",
            ));
        }
        let mut builder = Pool::builder(options).size(size as usize);
        if let Some(ms) = idle_timeout_ms {
            let idle = Duration::try_from_secs_f64(ms / 1000.0).map_err(invalid)?;
            builder = builder.idle_timeout(idle);
        }
        let pool = napi::bindgen_prelude::within_runtime_if_available(|| builder.build())
            .map_err(|e| invalid(e.message(Flavour::Ts)))?;
        // A Worker's teardown frees this object, which drops the pool: its CLIs are killed.
        Ok(NativePool {
            pool: Arc::new(pool),
            bridge,
        })
    }

    /// `{}` when a claim with these options (`setup` as for a query) would be accepted, else
    /// `{"error": record}`, as JSON text.
    #[napi]
    pub fn check(&self, setup: String) -> napi::Result<String> {
        let (claim, _) = options(setup, &self.bridge)?;
        Ok(match self.pool.accepts(&claim) {
            Ok(()) => "{}".to_owned(),
            Err(e) => failed(&Error::Pool(e)).to_string(),
        })
    }

    /// A query on a warm CLI: `prompt` is the text, or absent for a stream pushed with
    /// `pushPrompt`; `setup` the per-query options (checked with `check` first), if any.
    #[napi]
    pub fn query(
        &self,
        env: Env,
        prompt: Option<String>,
        setup: Option<String>,
        dispatch: Function<'_, (String, u32, String, u32), napi::Unknown<'static>>,
        abort: Function<'_, u32, napi::Unknown<'static>>,
    ) -> napi::Result<NativeQuery> {
        // The query's own functions: its keep-alive, and the bridge of servers it adds later
        // (the pool's callbacks stay on the pool's bridge).
        let (bridge, keep_alive) = Bridge::new(&dispatch, &abort)?;
        let live = Live {
            _keep_alive: keep_alive,
            bridge,
        };
        let claim = setup
            .map(|setup| options(setup, &self.bridge).map(|(o, _)| o))
            .transpose()?;
        let (sender, prompt) = prompt_source(prompt);
        let query = napi::bindgen_prelude::within_runtime_if_available(|| match &claim {
            Some(claim) => self.pool.query_with(prompt, claim),
            None => Ok(self.pool.query(prompt)),
        })
        .map_err(|e| invalid(e.message(Flavour::Ts)))?;
        QueryState::new(&env, query, sender, live, Vec::new(), None).map(NativeQuery::from)
    }

    /// Counters and gauges of the pool.
    #[napi]
    pub fn stats(&self) -> Value {
        let s = self.pool.stats();
        json!({
            "warm": s.warm, "starting": s.starting, "waiting": s.waiting, "claimed": s.claimed,
            "replaced": s.replaced, "expired": s.expired, "failedStarts": s.failed_starts,
            "closed": s.closed,
        })
    }

    /// Process ids of the warm CLIs.
    #[napi]
    pub fn warm_pids(&self) -> Vec<u32> {
        self.pool.warm_pids()
    }

    /// Closes the pool and stops every warm CLI.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn close<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, ()>> {
        let pool = self.pool.clone();
        promise(env, async move { pool.close().await })
    }
}
