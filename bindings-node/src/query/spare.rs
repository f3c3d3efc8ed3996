//! The claim of a spare process (`prewarm()` / `SpareProcess.claim()`); the rules are the
//! core's ([`SpareClaim`]), this converts and forwards.

use super::NativeQuery;
use crate::errors::{failed, invalid};
use claude_wire::control::{ClaimOutcome, SpareClaim};
use claude_wire::{Error, Flavour};
use napi_derive::napi;
use serde_json::{json, Map, Value};

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

#[napi]
impl NativeQuery {
    /// Claims the spare this query is. Resolves to JSON text: `{"claimed": answer}`,
    /// `{"refused": record}`, or `{"settingsRefused" | "optionsRefused": message, "answer": a}`,
    /// each with the `cwd` the claim asked for.
    #[napi]
    pub async fn claim_spare(&self, options: String, sdk_servers: Vec<String>) -> String {
        let claim = match spare_claim(&options, &sdk_servers) {
            Ok(claim) => claim,
            Err(e) => {
                return json!({"refused": {"kind": "invalid_options", "message": e.reason}})
                    .to_string()
            }
        };
        let control = match self.handle.control().await {
            Ok(control) => control,
            Err(e) => return json!({"refused": failed(&e)["error"]}).to_string(),
        };
        let cwd = claim.cwd().clone();
        let mut answer = match control.claim_spare(&claim).await {
            ClaimOutcome::Claimed(answer) => json!({"claimed": answer}),
            ClaimOutcome::Refused(e) => json!({"refused": failed(&e)["error"]}),
            ClaimOutcome::SettingsRefused(message, answer) => {
                json!({"settingsRefused": message, "answer": answer})
            }
            ClaimOutcome::OptionsRefused(message, answer) => {
                json!({"optionsRefused": message, "answer": answer})
            }
        };
        answer["cwd"] = cwd;
        answer.to_string()
    }

    /// Resolves once the session is over: the CLI's output ended, or its start failed.
    #[napi]
    pub async fn exited(&self) {
        self.handle.finished().await;
    }
}
