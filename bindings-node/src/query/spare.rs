//! The claim of a spare process (`prewarm()` / `SpareProcess.claim()`); the rules are the
//! core's ([`SpareClaim`]), this converts and forwards.

use super::{promise, NativeQuery};
use crate::errors::{failed, invalid};
use claude_wire::control::{ClaimOutcome, SpareClaim};
use claude_wire::{Error, Flavour, QueryHandle};
use napi::bindgen_prelude::PromiseRaw;
use napi::Env;
use napi_derive::napi;
use serde_json::{json, Map, Value};
use std::sync::Mutex;
use tokio::sync::oneshot;

fn spare_claim(options: &str, sdk_servers: &[String]) -> napi::Result<SpareClaim> {
    let options: Map<String, Value> = serde_json::from_str(options).map_err(invalid)?;
    let base = std::env::current_dir().map_err(invalid)?;
    SpareClaim::from_ts(&options, sdk_servers, &base).map_err(|e| match e {
        // The claim's own wording, without the "invalid options" prefix.
        Error::InvalidOptions(text) => invalid(text),
        e => invalid(e.message(Flavour::Ts)),
    })
}

/// Checks a claim (`ClaimOptions` as JSON text) and sends nothing; throws what `claim()` throws
/// for a claim it refuses up front.
#[napi]
pub fn check_spare_claim(options: String, sdk_servers: Vec<String>) -> napi::Result<()> {
    spare_claim(&options, &sdk_servers).map(drop)
}

/// A claim whose requests are written: its outcome comes with the answers.
#[napi]
pub struct SpareClaimAnswers {
    outcome: Mutex<Option<oneshot::Receiver<String>>>,
}

#[napi]
impl SpareClaimAnswers {
    /// JSON text: `{"claimed": answer}`, `{"refused": record}`, or
    /// `{"settingsRefused" | "optionsRefused": message, "answer": a}`, each with the `cwd`
    /// the claim asked for (when it named one).
    #[napi(ts_return_type = "Promise<string>")]
    pub fn outcome<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, String>> {
        let pending = self
            .outcome
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        let closed = || json!({"refused": {"kind": "connection", "message": "the claim ended without an answer"}});
        promise(env, async move {
            match pending {
                Some(outcome) => outcome.await.unwrap_or_else(|_| closed().to_string()),
                None => closed().to_string(),
            }
        })
    }
}

#[napi]
impl NativeQuery {
    /// Claims the spare this query is: resolves once the claim's requests are written (in
    /// order); their outcome follows from [`SpareClaimAnswers::outcome`].
    #[napi(ts_return_type = "Promise<SpareClaimAnswers>")]
    pub fn claim_spare<'env>(
        &self,
        env: &'env Env,
        options: String,
        sdk_servers: Vec<String>,
    ) -> napi::Result<PromiseRaw<'env, SpareClaimAnswers>> {
        let handle = self.state.handle.clone();
        promise(env, claim(handle, options, sdk_servers))
    }

    /// Resolves once the session is over: the CLI's output ended, or its start failed.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn exited<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, ()>> {
        let handle = self.state.handle.clone();
        promise(env, async move { handle.finished().await })
    }
}

async fn claim(
    handle: QueryHandle,
    options: String,
    sdk_servers: Vec<String>,
) -> SpareClaimAnswers {
    let (outcome_tx, outcome_rx) = oneshot::channel();
    let answers = SpareClaimAnswers {
        outcome: Mutex::new(Some(outcome_rx)),
    };
    let claim = match spare_claim(&options, &sdk_servers) {
        Ok(claim) => claim,
        Err(e) => {
            let refused = json!({"refused": {"kind": "invalid_options", "message": e.reason}});
            let _ = outcome_tx.send(refused.to_string());
            return answers;
        }
    };
    let (written_tx, written_rx) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let mut answer = match handle.control().await {
            Ok(control) => {
                let written = move || {
                    let _ = written_tx.send(());
                };
                match control.claim_spare(&claim, written).await {
                    ClaimOutcome::Claimed(answer) => json!({"claimed": answer}),
                    ClaimOutcome::Refused(e) => json!({"refused": failed(&e)["error"]}),
                    ClaimOutcome::SettingsRefused(message, answer) => {
                        json!({"settingsRefused": message, "answer": answer})
                    }
                    ClaimOutcome::OptionsRefused(message, answer) => {
                        json!({"optionsRefused": message, "answer": answer})
                    }
                }
            }
            Err(e) => json!({"refused": failed(&e)["error"]}),
        };
        if let Some(cwd) = claim.cwd() {
            answer["cwd"] = cwd.clone();
        }
        let _ = outcome_tx.send(answer.to_string());
    });
    // Written, or the claim ended before it could be.
    let _ = written_rx.await;
    answers
}
