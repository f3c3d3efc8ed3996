//! The hand-over of messages from the reader task to whoever consumes them.
//!
//! The reader sends one batch per read of the CLI's output, so a flood costs one wake-up per
//! batch, not one per message. Message lines the reader need not look into travel unparsed:
//! the consumer parses them when it takes them, so a message is allocated and freed on the same
//! thread (cross-thread frees made the allocator's locks the bottleneck of a flood).
//!
//! The [`Backlog`] counts what the consumer has not taken yet, so that the reader can stop
//! reading ahead of a slow consumer (see [`Backlog::wait_for_room`]).

use crate::message::{policy, Message};
use crate::transport::{parse_line, parse_owned_line, split_owned_line, JsonMessage};
use crate::{Flavour, Result};
use bytes::Bytes;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, Notify};

/// Above this many bytes not yet taken by the consumer, the reader pauses...
const BACKLOG_HIGH: usize = 16 << 20;
/// ...until the consumer brings it down to this.
const BACKLOG_LOW: usize = 4 << 20;
/// How often a paused reader looks whether a control request started waiting for its answer.
const RECHECK: Duration = Duration::from_millis(20);

/// Bytes handed to the consumer and not taken yet.
#[derive(Default)]
pub(crate) struct Backlog {
    bytes: AtomicUsize,
    drained: Notify,
}

impl Backlog {
    pub(crate) fn add(&self, bytes: usize) {
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    fn take(&self, bytes: usize) {
        let before = self
            .bytes
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |b| {
                Some(b.saturating_sub(bytes))
            })
            .unwrap_or_default();
        if before > BACKLOG_LOW && before.saturating_sub(bytes) <= BACKLOG_LOW {
            self.drained.notify_one();
        }
    }

    /// Waits while the consumer is far behind. Reading on would only pile the rest of the
    /// output up in memory. It never waits while `urgent()` holds: an answer to one of our
    /// control requests may be behind the unread messages, and its caller may be the very
    /// task that would consume them.
    pub(crate) async fn wait_for_room(&self, urgent: impl Fn() -> bool) {
        while self.bytes.load(Ordering::Relaxed) > BACKLOG_HIGH && !urgent() {
            let drained = self.drained.notified();
            if self.bytes.load(Ordering::Relaxed) <= BACKLOG_LOW {
                return;
            }
            let _ = tokio::time::timeout(RECHECK, drained).await;
            if self.bytes.load(Ordering::Relaxed) <= BACKLOG_LOW {
                return;
            }
        }
    }
}

/// One item of a batch.
pub(crate) enum Delivery {
    /// A message (or error) the reader already dealt with, and what it counts for in the
    /// [`Backlog`] (0: not counted).
    Ready(Box<Result<Message>>, usize),
    /// A message line, parsed by the consumer.
    Line(Bytes),
}

impl Delivery {
    /// What the item counts for in the [`Backlog`].
    pub(crate) fn weight(&self) -> usize {
        match self {
            Delivery::Ready(_, weight) => *weight,
            Delivery::Line(line) => line.len(),
        }
    }
}

pub(crate) type Batch = Vec<Delivery>;
pub(crate) type BatchSender = mpsc::UnboundedSender<Batch>;

/// The consumer's side.
pub(crate) struct Inbox {
    rx: mpsc::UnboundedReceiver<Batch>,
    current: std::vec::IntoIter<Delivery>,
    flavour: Flavour,
    backlog: Arc<Backlog>,
}

impl Inbox {
    pub(crate) fn new(flavour: Flavour) -> (BatchSender, Inbox) {
        let (tx, rx) = mpsc::unbounded_channel();
        let inbox = Inbox {
            rx,
            current: Vec::new().into_iter(),
            flavour,
            backlog: Arc::default(),
        };
        (tx, inbox)
    }

    /// The count the reader adds to and this inbox takes from.
    pub(crate) fn backlog(&self) -> Arc<Backlog> {
        self.backlog.clone()
    }

    fn pop(&mut self) -> Option<Delivery> {
        let delivery = self.current.next()?;
        self.backlog.take(delivery.weight());
        Some(delivery)
    }

    /// The next message as the flavour delivers it; `None` once the reader is gone.
    pub(crate) async fn next(&mut self) -> Option<Result<Message>> {
        loop {
            while let Some(delivery) = self.pop() {
                if let Some(item) = deliver(self.flavour, delivery) {
                    return Some(item);
                }
            }
            self.current = self.rx.recv().await?.into_iter();
        }
    }

    /// The next message as JSON text: a line the flavour delivers as it is ([`Flavour::Ts`])
    /// keeps the CLI's bytes, after a check that it is valid JSON (a huge one taken apart, see
    /// [`split_owned_line`]); any other message is serialised.
    pub(crate) async fn next_json(&mut self) -> Option<Result<JsonMessage>> {
        loop {
            while let Some(delivery) = self.pop() {
                let item = match delivery {
                    Delivery::Line(line) if self.flavour.delivers_frames_unparsed() => {
                        Some(match split_owned_line(line) {
                            Ok(split) => Ok(JsonMessage::Split(split)),
                            Err(line) => checked_json(line).map(JsonMessage::Whole),
                        })
                    }
                    other => deliver(self.flavour, other)
                        .map(|item| item.map(|message| JsonMessage::Whole(to_json(message)))),
                };
                if item.is_some() {
                    return item;
                }
            }
            self.current = self.rx.recv().await?.into_iter();
        }
    }
}

fn deliver(flavour: Flavour, delivery: Delivery) -> Option<Result<Message>> {
    match delivery {
        Delivery::Ready(item, _) => Some(*item),
        Delivery::Line(line) => {
            let parsed = if flavour.delivers_frames_unparsed() {
                parse_owned_line(line).map(Message::Unknown)
            } else {
                Message::from_line(line)
            };
            policy::deliver(flavour, parsed)
        }
    }
}

/// The line itself when it is valid JSON in UTF-8, else the error parsing it gives.
fn checked_json(line: Bytes) -> Result<Bytes> {
    let valid = std::str::from_utf8(&line).is_ok()
        && serde_json::from_slice::<serde::de::IgnoredAny>(&line).is_ok();
    if valid {
        return Ok(line);
    }
    parse_line(&line).map(|value| Bytes::from(value.to_string()))
}

fn to_json(message: Message) -> Bytes {
    // Writing a JSON value into memory cannot fail.
    Bytes::from(serde_json::to_vec(&message.into_value()).unwrap_or_default())
}

/// True for a line the reader can pass on unparsed: a message kind that needs no routing,
/// recognised by its first key as the CLI writes it. Anything else is parsed by the reader.
pub(crate) fn is_plain_message(line: &[u8]) -> bool {
    const KINDS: [&[u8]; 3] = [b"assistant\"", b"user\"", b"stream_event\""];
    line.strip_prefix(b"{\"type\":\"")
        .is_some_and(|rest| KINDS.iter().any(|kind| rest.starts_with(kind)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_kinds_with_the_type_first_skip_the_reader() {
        assert!(is_plain_message(br#"{"type":"assistant","message":{}}"#));
        assert!(is_plain_message(br#"{"type":"user","message":{}}"#));
        assert!(is_plain_message(br#"{"type":"stream_event","event":{}}"#));
        assert!(!is_plain_message(br#"{"type":"user_x"}"#));
        assert!(!is_plain_message(
            br#"{"type":"result","subtype":"success"}"#
        ));
        assert!(!is_plain_message(br#"{"type":"control_request"}"#));
        assert!(!is_plain_message(br#"{"type": "assistant"}"#));
        assert!(!is_plain_message(br#"{"uuid":"x","type":"assistant"}"#));
    }

    #[tokio::test]
    async fn lines_are_parsed_by_the_consumer_in_order() {
        let (tx, mut inbox) = Inbox::new(Flavour::Rust);
        let line = |s: &'static str| Delivery::Line(Bytes::from_static(s.as_bytes()));
        tx.send(vec![
            line(r#"{"type":"brand_new","x":1}"#),
            line("{not json"),
            Delivery::Ready(Box::new(Err(crate::Error::NoResult)), 0),
        ])
        .unwrap();
        drop(tx);
        assert_eq!(
            inbox.next().await.unwrap().unwrap().type_name(),
            "brand_new"
        );
        assert!(matches!(
            inbox.next().await,
            Some(Err(crate::Error::JsonDecode { .. }))
        ));
        assert!(matches!(
            inbox.next().await,
            Some(Err(crate::Error::NoResult))
        ));
        assert!(inbox.next().await.is_none());
    }

    #[tokio::test]
    async fn json_keeps_the_cli_bytes_when_delivered_as_is() {
        let (tx, mut inbox) = Inbox::new(Flavour::Ts);
        let line = |s: &'static [u8]| Delivery::Line(Bytes::from_static(s));
        let huge = format!(
            r#"{{"type":"user","message":{{"content":"{}"}}}}"#,
            "y".repeat(crate::transport::HUGE_LINE)
        );
        tx.send(vec![
            line(br#"{"type":"assistant","z":1,"a":{"y":2,"b":3}}"#),
            line(b"{\"type\":\"user\",\"bad\":\"\xff\"}"),
            line(b"{\"type\":\"user\""),
            Delivery::Ready(
                Box::new(Ok(Message::Unknown(serde_json::json!({"type": "x"})))),
                0,
            ),
            Delivery::Line(Bytes::from(huge.into_bytes())),
        ])
        .unwrap();
        drop(tx);
        let whole = |item: Option<Result<JsonMessage>>| match item {
            Some(Ok(JsonMessage::Whole(bytes))) => bytes,
            _ => panic!("a whole message"),
        };
        assert_eq!(
            &whole(inbox.next_json().await)[..],
            br#"{"type":"assistant","z":1,"a":{"y":2,"b":3}}"#
        );
        assert!(matches!(
            inbox.next_json().await,
            Some(Err(crate::Error::JsonDecode { .. }))
        ));
        assert!(matches!(
            inbox.next_json().await,
            Some(Err(crate::Error::JsonDecode { .. }))
        ));
        assert_eq!(&whole(inbox.next_json().await)[..], br#"{"type":"x"}"#);
        let Some(Ok(JsonMessage::Split(split))) = inbox.next_json().await else {
            panic!("the huge line taken apart");
        };
        let rest = format!(
            r#"{{"type":"user","message":{{"content":"{}"}}}}"#,
            split.hole
        );
        assert_eq!(String::from_utf8(split.rest).unwrap(), rest);
        assert_eq!(split.text, "y".repeat(crate::transport::HUGE_LINE));
        assert!(inbox.next_json().await.is_none());
    }
}
