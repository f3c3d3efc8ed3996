//! The wait for a session started ahead of its prompt (the TypeScript SDK's `startup()`).
//!
//! The CLI is asked to report how far its start-up got (`keep_alive` frames with a
//! `startup_mark`) and reports the SessionStart and Setup hooks it runs (`system/hook_started`,
//! `hook_response`). Without a limit from the caller, the wait has the default limit and the
//! time in which such a hook runs does not count against it, for at most
//! [`HOOK_ALLOWANCE`] in all; a limit from the caller counts throughout. When the limit is used
//! up the wait fails with [`Error::InitializeTimeout`], which says what the CLI reported.

use crate::{Error, Result};
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime};
use tokio::sync::Notify;
use tokio::time::Instant;

/// The limit when the caller gives none.
pub const DEFAULT_LIMIT: Duration = Duration::from_secs(60);
/// The most time running start-up hooks may take outside the default limit.
pub const HOOK_ALLOWANCE: Duration = Duration::from_secs(600);
/// The hook events whose running time may be left uncounted.
const STARTUP_HOOKS: [&str; 2] = ["SessionStart", "Setup"];
/// Hooks followed by id; beyond this, they are only counted.
const FOLLOWED_MAX: usize = 64;
/// Longest start-up mark kept.
const MARK_MAX: usize = 64;

/// What a session started ahead of its prompt reported before its start-up timed out
/// ([`Error::InitializeTimeout`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartupReport {
    /// The limit that was used up.
    pub limit: Duration,
    /// Time not counted because start-up hooks were running.
    pub uncounted: Duration,
    /// How many SessionStart / Setup hooks the CLI reported.
    pub hooks_reported: usize,
    /// Their events, in the order first reported.
    pub hook_events: Vec<String>,
    /// How many of them had not finished.
    pub hooks_open: usize,
    /// The last start-up mark the CLI reported, and how long before the timeout.
    pub mark: Option<(String, Duration)>,
}

impl StartupReport {
    /// The first sentence: the limit, without anything the CLI reported.
    pub fn headline(&self) -> String {
        format!(
            "Subprocess initialization did not complete within {}ms",
            self.limit.as_millis()
        )
    }

    /// The whole explanation: the headline, the uncounted time, and what the hooks did.
    pub fn describe(&self) -> String {
        let events = "SessionStart or Setup";
        let mut out = vec![format!("{}.", self.headline())];
        let uncounted = (self.uncounted.as_millis() as f64 / 1000.0).round() as u64;
        if uncounted > 0 {
            out.push(format!(
                "Not counted: {uncounted} {} in which Claude Code reported a {events} hook running.",
                plural(uncounted as usize, "second")
            ));
        }
        let causes = "Slow plugins, MCP servers, hooks that Claude Code does not report, disks \
                      or network can each cause this.";
        let (reported, open) = (self.hooks_reported, self.hooks_open);
        let hooks = format!(
            "{reported} {} {}",
            self.hook_events.join(" and "),
            plural(reported, "hook")
        );
        out.push(if reported == 0 {
            format!(
                "Claude Code did not answer the initialize request and reported no {events} \
                 hook running. {causes}"
            )
        } else if open == 0 {
            let all = if reported == 1 { "" } else { "all " };
            format!(
                "Claude Code reported {hooks}, which {all}finished, and then did not answer the \
                 initialize request. {causes}"
            )
        } else {
            let unfinished = match (reported, open) {
                (1, _) => "which had not finished".to_string(),
                (r, o) if r == o => "none of which had finished".to_string(),
                (_, o) => format!("{o} of which had not finished"),
            };
            let these = if reported == 1 {
                "this hook"
            } else {
                "these hooks"
            };
            format!(
                "Claude Code reported {hooks}, {unfinished}, and did not answer the initialize \
                 request. A hook that runs in the background counts as not finished until it \
                 ends. Check {these} first, then authentication and network connectivity."
            )
        });
        out.join(" ")
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

/// Follows a session's start-up (see the module docs).
pub(crate) struct StartupWatch {
    state: Mutex<State>,
    changed: Notify,
    /// The wait is over: frames are no longer looked at.
    over: AtomicBool,
}

struct State {
    limit: Duration,
    counted_left: Duration,
    uncounted_left: Duration,
    uncounted: Duration,
    counting: bool,
    armed_at: Instant,
    followed: HashSet<String>,
    unfollowed_open: usize,
    events: Vec<String>,
    reported: usize,
    mark: Option<(String, SystemTime)>,
}

impl State {
    fn open(&self) -> usize {
        self.followed.len() + self.unfollowed_open
    }

    fn arm(&mut self) {
        self.armed_at = Instant::now();
    }

    fn deadline(&self) -> Instant {
        let left = if self.counting {
            self.counted_left
        } else {
            self.uncounted_left
        };
        // A limit beyond any instant (`Duration::MAX`) is never reached.
        let far = Duration::from_secs(100 * 365 * 86_400);
        self.armed_at
            .checked_add(left.min(far))
            .unwrap_or(self.armed_at)
    }

    /// A hook ended or the allowance ran out: the time since arming was uncounted.
    fn count_again(&mut self) {
        let spent = self.armed_at.elapsed().min(self.uncounted_left);
        self.uncounted_left -= spent;
        self.uncounted += spent;
        self.counting = self.open() == 0 || self.uncounted_left.is_zero();
        self.arm();
    }

    fn report(&self) -> StartupReport {
        let mark = self.mark.as_ref().map(|(mark, at)| {
            let age = SystemTime::now().duration_since(*at).unwrap_or_default();
            // Whole milliseconds, rounded as the TypeScript SDK rounds them.
            let age = Duration::from_millis((age.as_secs_f64() * 1000.0).round() as u64);
            (mark.clone(), age)
        });
        StartupReport {
            limit: self.limit,
            uncounted: self.uncounted,
            hooks_reported: self.reported,
            hook_events: self.events.clone(),
            hooks_open: self.open(),
            mark,
        }
    }
}

impl StartupWatch {
    /// A watch with the caller's limit (counted throughout), or the default one that leaves
    /// the time of running start-up hooks uncounted.
    pub(crate) fn new(limit: Option<Duration>) -> Self {
        StartupWatch {
            state: Mutex::new(State {
                limit: limit.unwrap_or(DEFAULT_LIMIT),
                counted_left: limit.unwrap_or(DEFAULT_LIMIT),
                uncounted_left: if limit.is_some() {
                    Duration::ZERO
                } else {
                    HOOK_ALLOWANCE
                },
                uncounted: Duration::ZERO,
                counting: true,
                armed_at: Instant::now(),
                followed: HashSet::new(),
                unfollowed_open: 0,
                events: Vec::new(),
                reported: 0,
                mark: None,
            }),
            changed: Notify::new(),
            over: AtomicBool::new(false),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Looks at a frame the CLI wrote: start-up marks and start-up hooks.
    pub(crate) fn note(&self, frame: &Map<String, Value>) {
        if self.over.load(Ordering::Relaxed) {
            return;
        }
        let text = |key: &str| frame.get(key).and_then(Value::as_str);
        match (text("type"), text("subtype")) {
            (Some("keep_alive"), _) => {
                // The length as JS counts it (UTF-16 units).
                let short = |m: &&str| m.encode_utf16().count() <= MARK_MAX;
                if let Some(mark) = text("startup_mark").filter(short) {
                    self.state().mark = Some((mark.to_string(), SystemTime::now()));
                }
            }
            (Some("system"), Some("hook_started")) => {
                let (Some(event), Some(id)) = (text("hook_event"), text("hook_id")) else {
                    return;
                };
                let mut state = self.state();
                if !STARTUP_HOOKS.contains(&event) || state.followed.contains(id) {
                    return;
                }
                if state.followed.len() < FOLLOWED_MAX {
                    state.followed.insert(id.to_string());
                } else {
                    state.unfollowed_open += 1;
                }
                if !state.events.iter().any(|e| e == event) {
                    state.events.push(event.to_string());
                }
                state.reported += 1;
                if state.counting && !state.uncounted_left.is_zero() {
                    let spent = state.armed_at.elapsed();
                    state.counted_left = state.counted_left.saturating_sub(spent);
                    state.counting = false;
                    state.arm();
                }
                drop(state);
                self.changed.notify_waiters();
            }
            (Some("system"), Some("hook_response")) => {
                let mut state = self.state();
                let followed = text("hook_id").is_some_and(|id| state.followed.remove(id));
                if !followed {
                    let startup = text("hook_event").is_some_and(|e| STARTUP_HOOKS.contains(&e));
                    if state.unfollowed_open == 0 || !startup {
                        return;
                    }
                    state.unfollowed_open -= 1;
                }
                if !state.counting {
                    state.count_again();
                }
                drop(state);
                self.changed.notify_waiters();
            }
            _ => {}
        }
    }

    /// The longest the wait can take: the limit plus the whole allowance for hooks.
    pub(crate) fn longest(&self) -> Duration {
        let state = self.state();
        state.limit.saturating_add(state.uncounted_left)
    }

    /// Waits for `initialized` under the watch's limit.
    pub(crate) async fn race<T>(&self, initialized: impl Future<Output = Result<T>>) -> Result<T> {
        tokio::pin!(initialized);
        {
            let mut state = self.state();
            state.arm();
        }
        let outcome = loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            let deadline = self.state().deadline();
            tokio::select! {
                biased;
                outcome = &mut initialized => break outcome,
                _ = tokio::time::sleep_until(deadline) => {
                    let mut state = self.state();
                    if state.deadline() > Instant::now() {
                        continue;
                    }
                    if state.counting {
                        break Err(Error::InitializeTimeout(Box::new(state.report())));
                    }
                    state.count_again();
                }
                _ = changed => {}
            }
        };
        self.over.store(true, Ordering::Relaxed);
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn frame(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    fn started(id: &str, event: &str) -> Map<String, Value> {
        frame(
            json!({"type": "system", "subtype": "hook_started", "hook_id": id, "hook_event": event}),
        )
    }

    fn ended(id: &str, event: &str) -> Map<String, Value> {
        frame(
            json!({"type": "system", "subtype": "hook_response", "hook_id": id, "hook_event": event}),
        )
    }

    async fn never() -> Result<()> {
        std::future::pending().await
    }

    #[tokio::test(start_paused = true)]
    async fn a_given_limit_counts_throughout() {
        let watch = StartupWatch::new(Some(Duration::from_secs(1)));
        watch.note(&started("a", "SessionStart"));
        let started_at = Instant::now();
        let Err(Error::InitializeTimeout(report)) = watch.race(never()).await else {
            panic!("expected a timeout");
        };
        assert_eq!(started_at.elapsed(), Duration::from_secs(1));
        assert_eq!((report.hooks_reported, report.hooks_open), (1, 1));
        assert_eq!(
            report.describe(),
            "Subprocess initialization did not complete within 1000ms. Claude Code reported 1 \
             SessionStart hook, which had not finished, and did not answer the initialize \
             request. A hook that runs in the background counts as not finished until it ends. \
             Check this hook first, then authentication and network connectivity."
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_default_limit_leaves_running_startup_hooks_uncounted() {
        let watch = std::sync::Arc::new(StartupWatch::new(None));
        let started_at = Instant::now();
        let hooks = {
            let watch = watch.clone();
            async move {
                tokio::time::sleep(Duration::from_secs(10)).await;
                watch.note(&started("a", "SessionStart"));
                watch.note(&started("b", "Setup"));
                watch.note(&started("c", "PreToolUse"));
                tokio::time::sleep(Duration::from_secs(100)).await;
                watch.note(&ended("a", "SessionStart"));
                tokio::time::sleep(Duration::from_secs(5)).await;
                watch.note(&ended("b", "Setup"));
                std::future::pending::<()>().await
            }
        };
        let outcome = tokio::select! {
            outcome = watch.race(never()) => outcome,
            _ = hooks => unreachable!(),
        };
        let Err(Error::InitializeTimeout(report)) = outcome else {
            panic!("expected a timeout");
        };
        assert_eq!(started_at.elapsed(), Duration::from_secs(60 + 105));
        assert_eq!(report.uncounted, Duration::from_secs(105));
        assert_eq!(report.hook_events, ["SessionStart", "Setup"]);
        assert_eq!(
            report.describe(),
            "Subprocess initialization did not complete within 60000ms. Not counted: 105 seconds \
             in which Claude Code reported a SessionStart or Setup hook running. Claude Code \
             reported 2 SessionStart and Setup hooks, which all finished, and then did not answer \
             the initialize request. Slow plugins, MCP servers, hooks that Claude Code does not \
             report, disks or network can each cause this."
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_allowance_for_hooks_runs_out() {
        let watch = StartupWatch::new(None);
        watch.note(&started("a", "SessionStart"));
        watch.note(&frame(
            json!({"type": "keep_alive", "startup_mark": "before_connectMcp"}),
        ));
        let started_at = Instant::now();
        let Err(Error::InitializeTimeout(report)) = watch.race(never()).await else {
            panic!("expected a timeout");
        };
        assert_eq!(started_at.elapsed(), HOOK_ALLOWANCE + DEFAULT_LIMIT);
        assert_eq!(report.uncounted, HOOK_ALLOWANCE);
        let text = report.describe();
        assert!(text.contains("Not counted: 600 seconds in which"), "{text}");
        assert_eq!(
            report.mark.as_ref().map(|m| m.0.as_str()),
            Some("before_connectMcp")
        );
        assert!(report
            .describe()
            .contains("1 SessionStart hook, which had not finished"));
    }

    #[tokio::test(start_paused = true)]
    async fn an_answer_in_time_is_the_outcome() {
        let watch = StartupWatch::new(None);
        let answer = async {
            tokio::time::sleep(Duration::from_secs(59)).await;
            Ok(7)
        };
        assert_eq!(watch.race(answer).await.unwrap(), 7);
        assert!(watch.over.load(Ordering::Relaxed));
    }

    #[tokio::test(start_paused = true)]
    async fn a_limit_beyond_any_instant_never_ends_the_wait() {
        let watch = StartupWatch::new(Some(Duration::MAX));
        let answer = async {
            tokio::time::sleep(Duration::from_secs(86_400)).await;
            Ok(())
        };
        watch.race(answer).await.unwrap();
    }

    #[test]
    fn no_hook_reported() {
        let report = StartupWatch::new(Some(Duration::from_millis(1500)))
            .state()
            .report();
        assert_eq!(
            report.describe(),
            "Subprocess initialization did not complete within 1500ms. Claude Code did not answer \
             the initialize request and reported no SessionStart or Setup hook running. Slow \
             plugins, MCP servers, hooks that Claude Code does not report, disks or network can \
             each cause this."
        );
    }
}
