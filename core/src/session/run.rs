//! Where the current run stands, and the rules both official SDKs follow to decide when a run
//! is over (so a one-shot query may close stdin): a result, then `idle` (or no state reports),
//! or the run-end ceiling passing between turns.

use super::Shared;
use crate::handlers::Handlers;
use crate::options::ClaudeAgentOptions;
use crate::Flavour;
use serde_json::{Map, Value};
use std::sync::Arc;
use std::time::Duration;

/// Where the current run stands; drives when a one-shot query may close stdin.
#[derive(Debug, Clone, Default)]
pub(crate) struct RunState {
    /// Results seen so far.
    pub results: u64,
    /// The CLI's latest `session_state_changed` state, when it reports one.
    pub session_state: Option<String>,
    /// The reader has stopped: no more frames will come.
    pub finished: bool,
    /// A user message was written and its result has not arrived yet: a turn is under way.
    pub awaiting_result: bool,
    /// The prompt's first message is written (or will never be): later messages go after it.
    pub prompt_written: bool,
    /// The CLI's main thread is producing a turn of its own accord (assistant output with no
    /// parent tool use after a result, e.g. woken by a background task): until its result (or,
    /// under the TypeScript SDK's rule, the next state change) the ceiling does not count.
    pub turn_in_progress: bool,
    /// Background agents and workflows the CLI started and has not reported finished: they
    /// may still ask for permissions, hooks or MCP calls, so stdin stays open for them.
    pub tasks_in_flight: std::collections::BTreeSet<String>,
    /// A text prompt under the TypeScript flavour: its input ends at the first result after
    /// this many (unless the CLI may still ask us something then).
    pub input_ends_after: Option<u64>,
}

/// Task types whose work can still need stdin after the turn's result (as the official SDKs).
const DEFERRING_TASK_TYPES: [&str; 2] = ["local_agent", "local_workflow"];
/// `task_updated` statuses that end a task.
const TERMINAL_TASK_STATUSES: [&str; 4] = ["completed", "failed", "stopped", "killed"];

impl RunState {
    /// True once a result arrived and the CLI is not still busy with work it owes.
    pub(super) fn run_over(&self, results_before: u64) -> bool {
        self.finished
            || (self.results > results_before
                && self.tasks_in_flight.is_empty()
                && matches!(self.session_state.as_deref(), None | Some("idle")))
    }

    /// Between turns: past a result, no turn under way, and the CLI not waiting on us
    /// (`requires_action`): only then does the run-end ceiling count.
    fn between_turns(&self) -> bool {
        !self.awaiting_result
            && !self.turn_in_progress
            && self.session_state.as_deref() != Some("requires_action")
    }

    /// What a change of which restarts the ceiling.
    fn marks(&self) -> (u64, Option<String>, bool, bool) {
        (
            self.results,
            self.session_state.clone(),
            self.awaiting_result,
            self.turn_in_progress,
        )
    }

    /// Follows the task lifecycle frames (`task_started`, `task_notification`, `task_updated`).
    pub(crate) fn track_task(&mut self, subtype: &str, frame: &Map<String, Value>) {
        let Some(id) = frame.get("task_id").and_then(Value::as_str) else {
            return;
        };
        let text = |key: &str| frame.get(key).and_then(Value::as_str);
        match subtype {
            "task_started"
                if text("task_type").is_some_and(|t| DEFERRING_TASK_TYPES.contains(&t)) =>
            {
                self.tasks_in_flight.insert(id.to_owned());
            }
            "task_notification" => {
                self.tasks_in_flight.remove(id);
            }
            "task_updated" => {
                let status = frame
                    .get("patch")
                    .and_then(|p| p.get("status"))
                    .and_then(Value::as_str);
                if status.is_some_and(|s| TERMINAL_TASK_STATUSES.contains(&s)) {
                    self.tasks_in_flight.remove(id);
                }
            }
            _ => {}
        }
    }
}

/// True for an assistant or stream_event line with no parent tool use: output of the CLI's
/// main thread, which means a turn is under way. Only asked after a result.
pub(crate) fn is_main_thread_output(line: &[u8]) -> bool {
    let kind = line.starts_with(br#"{"type":"assistant""#)
        || line.starts_with(br#"{"type":"stream_event""#);
    kind && memchr::memmem::find(line, br#""parent_tool_use_id":null"#).is_some()
}

impl Shared {
    /// True past a result with no turn known to be under way: the only time main-thread output
    /// changes what [`Shared::wait_run_over`] does.
    pub(crate) fn between_results(&self) -> bool {
        let run = self.run.borrow();
        run.results > 0 && !run.awaiting_result && !run.turn_in_progress
    }

    /// Main-thread output arrived: a turn is under way.
    pub(crate) fn note_main_thread_output(&self) {
        self.run.send_if_modified(|run| {
            let changed = !run.turn_in_progress && !run.awaiting_result;
            run.turn_in_progress = true;
            changed
        });
    }

    /// The user's callbacks, until the CLI's output ended.
    pub(crate) fn handlers(&self) -> Option<Arc<Handlers>> {
        self.handlers
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The CLI's output ended: no request can come any more, so the callbacks go (a call under
    /// way keeps its own reference until it is answered).
    pub(crate) fn drop_handlers(&self) {
        self.handlers
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .take();
    }

    /// The input ends at the first result after `results_before` (see [`Shared::input_ending`]).
    pub(crate) fn end_input_at_result(&self, results_before: u64) {
        self.run
            .send_modify(|run| run.input_ends_after = Some(results_before));
    }

    /// The result that ends the input was read, and the CLI cannot ask anything: the input is
    /// over, though closing it may still be under way. The TypeScript SDK closes it before it
    /// hands that result over, so a control request made once the result is seen fails there.
    pub(crate) fn input_ending(&self) -> bool {
        let ending = {
            let run = self.run.borrow();
            run.input_ends_after
                .is_some_and(|before| run.results > before)
        };
        ending && !self.bidirectional()
    }

    /// The prompt's first message is out (or nothing will be written).
    pub(crate) fn mark_prompt_written(&self) {
        self.run
            .send_if_modified(|run| !std::mem::replace(&mut run.prompt_written, true));
    }

    /// Waits until the prompt's first message is out, or the session ended.
    pub(crate) async fn wait_prompt_written(&self) {
        let mut run = self.run.subscribe();
        let _ = run.wait_for(|s| s.prompt_written || s.finished).await;
    }

    /// Waits for a result after the first `results_before`, or the session's end.
    pub(crate) async fn wait_result(&self, results_before: u64) {
        let mut run = self.run.subscribe();
        let _ = run
            .wait_for(|s| s.finished || s.results > results_before)
            .await;
    }

    /// True when the CLI may ask us something mid-run (see [`Handlers::bidirectional`]); it
    /// changes when `setMcpServers` adds in-process servers.
    ///
    /// [`Handlers::bidirectional`]: crate::handlers::Handlers::bidirectional
    pub(crate) fn bidirectional(&self) -> bool {
        self.handlers().is_some_and(|h| h.bidirectional())
    }

    pub(crate) fn flavour(&self) -> Flavour {
        self.flavour
    }

    /// Waits until the run that follows `results_before` results is over (REFERENCE §4, stdin
    /// lifetime), or the session ended. A CLI that reports work still running after a result
    /// is waited for at most the run-end ceiling between turns (as the official SDKs do); a new
    /// result or state change restarts that clock; a turn under way (ours or the CLI's own) and
    /// a request the CLI waits on (`requires_action`) stop it.
    pub(crate) async fn wait_run_over(&self, results_before: u64) {
        let mut run = self.run.subscribe();
        loop {
            let (seen, between_turns) = match run
                .wait_for(|s| s.run_over(results_before) || s.results > results_before)
                .await
            {
                Ok(state) if state.run_over(results_before) => return,
                Ok(state) => (state.marks(), state.between_turns()),
                Err(_) => return,
            };
            let changed = run.wait_for(|s| s.run_over(results_before) || s.marks() != seen);
            match self.run_end_ceiling.filter(|_| between_turns) {
                Some(ceiling) => {
                    if tokio::time::timeout(ceiling, changed).await.is_err()
                        && self.run.borrow().tasks_in_flight.is_empty()
                    {
                        // The ceiling passed with no new turn and no tracked task: the run is over.
                        return;
                    }
                }
                None => {
                    let _ = changed.await;
                }
            }
        }
    }
}

/// The CLI's own wait for background work once stdin is closed, which the SDKs also use to
/// bound their wait for `idle` between turns: `CLAUDE_CODE_PRINT_BG_WAIT_CEILING_MS` as the CLI
/// will see it (the options' `env`, over this process's unless it replaces it), read as the
/// flavour's SDK reads it; 10 minutes when unset or unreadable, `None` (no limit) for `0`.
pub(crate) fn run_end_ceiling(options: &ClaudeAgentOptions) -> Option<Duration> {
    const NAME: &str = "CLAUDE_CODE_PRINT_BG_WAIT_CEILING_MS";
    const DEFAULT_MS: u64 = 600_000;
    const MAX_MS: u64 = (1 << 31) - 1;
    let given = options.env.iter().rev().find(|(k, _)| k == NAME);
    let raw = match given {
        Some((_, value)) => Some(value.clone()),
        None if options.flavour == Flavour::Ts && options.replace_env => None,
        None => std::env::var(NAME).ok(),
    };
    let ms = raw.and_then(|raw| match options.flavour {
        Flavour::Ts => ts_integer(&raw),
        Flavour::Python | Flavour::Rust => python_integer(&raw),
    });
    match ms {
        Some(0) => None,
        Some(ms) if ms > 0 => Some(Duration::from_millis((ms as u64).min(MAX_MS))),
        _ => Some(Duration::from_millis(DEFAULT_MS)),
    }
}

/// Python's `int(text)`: optional sign, digits with single `_` between them, surrounding
/// whitespace.
fn python_integer(text: &str) -> Option<i64> {
    let text = text.trim();
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    let grouped = !digits.is_empty()
        && !digits.starts_with('_')
        && !digits.ends_with('_')
        && !digits.contains("__")
        && digits.chars().all(|c| c.is_ascii_digit() || c == '_');
    grouped
        .then(|| text.replace('_', "").parse().ok())
        .flatten()
}

/// How the TypeScript SDK reads a whole number: an exponent spelling (`1e4`) when it is whole,
/// digits grouped by one repeated separator (`10,000`), or else the leading digits, as
/// `parseInt` does (`1000ms` is 1000).
fn ts_integer(text: &str) -> Option<i64> {
    let text = text.trim();
    if text.chars().count() <= 32 {
        if text.contains(['e', 'E']) && !text.contains(['x', 'X', '_']) {
            let value: f64 = text.parse().ok()?;
            return (value.fract() == 0.0 && value.is_finite()).then_some(value as i64);
        }
        if let Some(value) = grouped_integer(text) {
            return Some(value);
        }
    }
    let (sign, rest) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text.strip_prefix('+').unwrap_or(text)),
    };
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    rest[..end].parse::<i64>().ok().map(|n| sign * n)
}

/// `1,000,000` (one to three digits, then groups of three after one repeated separator among
/// `_`, `,`, no-break space, narrow no-break space and space).
fn grouped_integer(text: &str) -> Option<i64> {
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    let separator = body.chars().find(|c| !c.is_ascii_digit())?;
    if !['_', ',', '\u{a0}', '\u{202f}', ' '].contains(&separator) {
        return None;
    }
    let mut groups = body.split(separator);
    let head = groups.next()?;
    let head_ok = (1..=3).contains(&head.len()) && head.chars().all(|c| c.is_ascii_digit());
    let mut rest = groups.peekable();
    rest.peek()?;
    let tail_ok = rest.all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()));
    (head_ok && tail_ok)
        .then(|| text.replace(separator, "").parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ceiling(flavour: Flavour, value: &str) -> Option<Duration> {
        let options = ClaudeAgentOptions {
            flavour,
            env: vec![("CLAUDE_CODE_PRINT_BG_WAIT_CEILING_MS".into(), value.into())],
            ..ClaudeAgentOptions::new()
        };
        run_end_ceiling(&options)
    }

    #[test]
    fn each_flavour_reads_the_ceiling_as_its_sdk_does() {
        let ms = |n| Some(Duration::from_millis(n));
        let default = ms(600_000);
        for (value, python, ts) in [
            ("1500", ms(1500), ms(1500)),
            (" 2_000 ", ms(2000), ms(2000)),
            ("1000ms", default, ms(1000)),
            ("1.5", default, ms(1)),
            ("1e4", default, ms(10_000)),
            ("10,000", default, ms(10_000)),
            ("0", None, None),
            ("-5", default, default),
            ("soon", default, default),
        ] {
            assert_eq!(ceiling(Flavour::Python, value), python, "python {value:?}");
            assert_eq!(ceiling(Flavour::Ts, value), ts, "ts {value:?}");
        }
    }

    #[test]
    fn a_replaced_environment_hides_the_inherited_ceiling_from_the_typescript_flavour() {
        let options = ClaudeAgentOptions {
            flavour: Flavour::Ts,
            replace_env: true,
            env: vec![("PATH".into(), "/bin".into())],
            ..ClaudeAgentOptions::new()
        };
        assert_eq!(
            run_end_ceiling(&options),
            Some(Duration::from_millis(600_000))
        );
    }

    #[test]
    fn main_thread_output_is_told_apart_from_subagent_output() {
        assert!(is_main_thread_output(
            br#"{"type":"assistant","message":{},"parent_tool_use_id":null}"#
        ));
        assert!(!is_main_thread_output(
            br#"{"type":"assistant","message":{},"parent_tool_use_id":"toolu_1"}"#
        ));
        assert!(!is_main_thread_output(
            br#"{"type":"user","parent_tool_use_id":null}"#
        ));
    }
}
