//! What the TypeScript SDK's view of a conversation ([`ts_view`](super::ts_view)) reads of one
//! transcript entry beyond its node: local command tags, interruption markers, quiet turn
//! ends, channel origins and queued prompts. Read when the entry is indexed, and kept with its
//! node for the few entries that have any.

use super::ts_fields::{is_run_id, js_truthy, text, ts_fields_of};
use serde_json::{Map, Value};

/// The CLI's markers of an interrupted turn or call, at the start of a user entry's text.
const INTERRUPTED: [&str; 5] = [
    "[Request interrupted",
    "[This turn ended before it finished.]",
    "[Agent call interrupted",
    "[Tool call ",
    "The user doesn't want to take this action right now.",
];

/// The tags a local command's entries start with: its record, its output, and the caveat
/// before them.
const TAGS: [(&str, Tag); 4] = [
    ("<command-name>", Tag::Record),
    ("<local-command-stdout>", Tag::Output),
    ("<local-command-stderr>", Tag::Output),
    ("<local-command-caveat>", Tag::Caveat),
];

/// Whether a text as it stands in the line (JSON-escaped, without its quote) may start with
/// one of the markers above: the fast reading's cue to read the entry whole.
pub(crate) fn may_start_marked(raw: &[u8]) -> bool {
    raw.starts_with(b"\\u")
        || TAGS.iter().any(|(tag, _)| raw.starts_with(tag.as_bytes()))
        || INTERRUPTED.iter().any(|m| raw.starts_with(m.as_bytes()))
}

/// The text a quiet turn's closing entry holds, if any.
const NO_RESPONSE: &str = "No response requested.";

/// The origins whose meta entries are shown.
const SHOWN_ORIGINS: [&str; 6] = [
    "channel",
    "observer",
    "observer-activity",
    "slack-ping",
    "voice-call",
    "peer",
];

/// A local command's part, by the tag its user entry starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag {
    Record,
    Output,
    Caveat,
}

/// What the view reads of an entry, beyond its node; kept only for entries that have any.
#[derive(Debug, Clone, Default)]
pub(crate) struct TsMarks {
    /// A user entry's local command tag (none when it has a `promptSource`).
    pub(super) tag: Option<Tag>,
    /// A user entry that is the CLI's marker of an interruption.
    pub(super) interrupted: bool,
    /// `isCompactSummary`, truthy.
    pub(super) compact: bool,
    /// An assistant entry that only closes a quiet turn.
    pub(super) quiet: bool,
    /// A meta entry from a channel: shown.
    pub(super) shown: bool,
    /// The queued command's `delivery_id` and `source_uuid` (non-empty strings).
    pub(super) delivery_id: Option<Box<str>>,
    pub(super) source_uuid: Option<Box<str>>,
    /// The attachment as JSON text: copies of one prompt are told apart by it.
    pub(super) copy: Option<Box<str>>,
    /// A `queued_command` attachment, as the user message it stands for.
    pub(super) queued: Option<Box<Queued>>,
}

/// A queued prompt as a user message.
#[derive(Debug, Clone)]
pub(super) struct Queued {
    /// The message's uuid: the prompt's own (`source_uuid`), else the attachment's.
    pub(super) uuid: Option<Box<str>>,
    /// The record of the message as JSON text: `message`, then the fields after the six.
    pub(super) message: Box<str>,
    pub(super) ts_fields: Box<str>,
    pub(super) is_meta: bool,
    /// A meta prompt from a channel: shown even where meta entries are not.
    pub(super) shown: bool,
}

fn truthy(value: Option<&Value>) -> bool {
    value.is_some_and(js_truthy)
}

fn nonempty(value: Option<&Value>) -> Option<Box<str>> {
    value
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(Into::into)
}

/// An origin that shows a meta entry.
fn shows(origin: Option<&Value>) -> bool {
    let kind = origin.and_then(|o| o.get("kind")).and_then(Value::as_str);
    kind.is_some_and(|kind| SHOWN_ORIGINS.contains(&kind))
}

/// The text a user entry's local command tag and interruption markers are read from: a
/// string content, or the last text block's.
fn last_text(message: Option<&Value>) -> Option<&str> {
    match message?.get("content")? {
        Value::String(s) => Some(s),
        Value::Array(blocks) => blocks
            .iter()
            .rev()
            .find(|b| b.get("type").and_then(Value::as_str) == Some("text"))?
            .get("text")?
            .as_str(),
        _ => None,
    }
}

fn is_interruption(message: Option<&Value>) -> bool {
    let starts = |s: &str| INTERRUPTED.iter().any(|m| s.starts_with(m));
    match message.and_then(|m| m.get("content")) {
        Some(Value::String(s)) => starts(s),
        Some(Value::Array(blocks)) => {
            !blocks.is_empty()
                && blocks.iter().all(|b| {
                    let text = match b.get("type").and_then(Value::as_str) {
                        Some("text") => b.get("text"),
                        Some("tool_result") if b.get("is_error") == Some(&Value::Bool(true)) => {
                            b.get("content")
                        }
                        _ => None,
                    };
                    text.and_then(Value::as_str).is_some_and(starts)
                })
        }
        _ => false,
    }
}

/// What the fast reading of a line saw, for [`may_have_marks`].
pub(crate) struct Hints<'a> {
    /// The `attachment` field's JSON text.
    pub attachment: Option<&'a str>,
    /// Which of `closesQuietTurn`, `isCompactSummary`, `origin` and `isMeta` it has.
    pub closes_quiet: bool,
    pub compact: bool,
    pub origin: bool,
    pub meta: bool,
    /// A text of its message may start with a marker.
    pub text_marked: bool,
}

/// Whether a line's entry may have marks: the cheap test before [`marks_of`] parses it.
pub(crate) fn may_have_marks(kind: &str, hints: &Hints<'_>) -> bool {
    match kind {
        "attachment" => hints
            .attachment
            .is_some_and(|a| a.contains("\"queued_command\"")),
        "assistant" => hints.closes_quiet || (hints.origin && hints.meta),
        "user" => hints.compact || hints.origin || hints.text_marked,
        _ => hints.origin && hints.meta,
    }
}

/// The marks of a parsed entry; `None` when it has none.
pub(crate) fn marks_of(entry: &Map<String, Value>) -> Option<Box<TsMarks>> {
    let kind = entry
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let message = entry.get("message");
    let mut marks = TsMarks {
        compact: truthy(entry.get("isCompactSummary")),
        shown: shows(entry.get("origin")),
        ..TsMarks::default()
    };
    match kind {
        "user" => {
            if !entry.contains_key("promptSource") {
                let text = last_text(message).unwrap_or_default();
                marks.tag = TAGS
                    .iter()
                    .find(|(t, _)| text.starts_with(t))
                    .map(|(_, tag)| *tag);
            }
            marks.interrupted = is_interruption(message);
        }
        "assistant" => {
            let content = message.and_then(|m| m.get("content"));
            let closing = match content {
                Some(Value::Array(blocks)) if blocks.len() == 1 => {
                    blocks[0].get("type").and_then(Value::as_str) == Some("text")
                        && matches!(
                            blocks[0].get("text").and_then(Value::as_str),
                            Some("" | NO_RESPONSE)
                        )
                }
                _ => false,
            };
            marks.quiet = entry.get("closesQuietTurn") == Some(&Value::Bool(true)) && closing;
        }
        "attachment" => queued_command(entry, &mut marks),
        _ => {}
    }
    let any = marks.tag.is_some()
        || marks.interrupted
        || marks.compact
        || marks.quiet
        || marks.shown
        || marks.queued.is_some()
        || marks.delivery_id.is_some()
        || marks.source_uuid.is_some();
    any.then(|| Box::new(marks))
}

/// Reads a `queued_command` attachment into `marks`.
fn queued_command(entry: &Map<String, Value>, marks: &mut TsMarks) {
    let Some(Value::Object(command)) = entry.get("attachment") else {
        return;
    };
    if command.get("type").and_then(Value::as_str) != Some("queued_command") {
        return;
    }
    marks.delivery_id = nonempty(command.get("delivery_id"));
    marks.source_uuid = nonempty(command.get("source_uuid"));
    marks.copy = Some(Value::Object(command.clone()).to_string().into());
    let prompt = match command.get("prompt") {
        Some(prompt @ (Value::String(_) | Value::Array(_))) => prompt.clone(),
        _ => return,
    };
    // A prompt forwarded from another session is not shown as this one's.
    let forwarded = command
        .get("forwardedIntent")
        .and_then(|f| f.get("lineage"))
        .and_then(Value::as_str)
        .is_some_and(|l| !l.is_empty());
    if forwarded {
        return;
    }
    let origin = command
        .get("origin")
        .filter(|o| o.get("kind").is_some_and(Value::is_string));
    let is_meta = truthy(command.get("isMeta"));
    let origin = queued_origin(origin, command.get("commandMode"), command.get("runId"));
    let mut record = Map::new();
    if is_meta {
        record.insert("isMeta".into(), true.into());
    }
    if let Some(origin) = &origin {
        record.insert("origin".into(), origin.clone());
    }
    record.insert("isQueuedCommand".into(), true.into());
    if let Some(timestamp) = entry.get("timestamp") {
        record.insert("timestamp".into(), timestamp.clone());
    }
    let message = serde_json::json!({"role": "user", "content": prompt});
    marks.queued = Some(Box::new(Queued {
        uuid: marks.source_uuid.clone(),
        message: message.to_string().into(),
        ts_fields: text(ts_fields_of(&record)),
        is_meta,
        shown: shows(origin.as_ref()),
    }));
}

/// A queued prompt's origin: the command's own (an object with a `kind`), else a task
/// notification's when that is its mode; a task notification gets the command's `runId` when
/// it has none.
fn queued_origin(
    origin: Option<&Value>,
    mode: Option<&Value>,
    run_id: Option<&Value>,
) -> Option<Value> {
    let mut origin = origin.cloned().or_else(|| {
        (mode.and_then(Value::as_str) == Some("task-notification"))
            .then(|| serde_json::json!({"kind": "task-notification"}))
    })?;
    let run_id = run_id.and_then(Value::as_str).filter(|id| is_run_id(id));
    if let (Some(id), Some(fields)) = (run_id, origin.as_object_mut()) {
        let notification = fields.get("kind").and_then(Value::as_str) == Some("task-notification");
        if notification && !fields.contains_key("runId") {
            fields.insert("runId".into(), id.into());
        }
    }
    Some(origin)
}
