//! The hand-over of messages from the reader task to whoever consumes them.
//!
//! The reader sends one batch per read of the CLI's output, so a flood costs one wake-up per
//! batch, not one per message. Message lines the reader need not look into travel unparsed:
//! the consumer parses them when it takes them, so a message is allocated and freed on the same
//! thread (cross-thread frees made the allocator's locks the bottleneck of a flood).

use crate::message::{policy, Message};
use crate::transport::parse_line;
use crate::{Flavour, Result};
use bytes::Bytes;
use tokio::sync::mpsc;

/// One item of a batch.
pub(crate) enum Delivery {
    /// A message (or error) the reader already dealt with.
    Ready(Box<Result<Message>>),
    /// A message line, parsed by the consumer.
    Line(Bytes),
}

pub(crate) type Batch = Vec<Delivery>;
pub(crate) type BatchSender = mpsc::UnboundedSender<Batch>;

/// The consumer's side.
pub(crate) struct Inbox {
    rx: mpsc::UnboundedReceiver<Batch>,
    current: std::vec::IntoIter<Delivery>,
    flavour: Flavour,
}

impl Inbox {
    pub(crate) fn new(flavour: Flavour) -> (BatchSender, Inbox) {
        let (tx, rx) = mpsc::unbounded_channel();
        let inbox = Inbox {
            rx,
            current: Vec::new().into_iter(),
            flavour,
        };
        (tx, inbox)
    }

    /// The next message as the flavour delivers it; `None` once the reader is gone.
    pub(crate) async fn next(&mut self) -> Option<Result<Message>> {
        loop {
            for delivery in self.current.by_ref() {
                match delivery {
                    Delivery::Ready(item) => return Some(*item),
                    Delivery::Line(line) => {
                        let parsed = if self.flavour.delivers_frames_unparsed() {
                            parse_line(&line).map(Message::Unknown)
                        } else {
                            Message::from_slice(&line)
                        };
                        if let Some(item) = policy::deliver(self.flavour, parsed) {
                            return Some(item);
                        }
                    }
                }
            }
            self.current = self.rx.recv().await?.into_iter();
        }
    }
}

/// A parsed message frame as `flavour`'s SDK delivers it (`None` when it skips it).
pub(crate) fn deliverable(
    flavour: Flavour,
    frame: Result<serde_json::Value>,
) -> Option<Result<Message>> {
    let parsed = match frame {
        Ok(message) if flavour.delivers_frames_unparsed() => Ok(Message::Unknown(message)),
        Ok(message) => Message::from_value(message),
        // A line that is not JSON is reported and the session goes on.
        Err(error) => return Some(Err(error)),
    };
    policy::deliver(flavour, parsed)
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
            Delivery::Ready(Box::new(Err(crate::Error::NoResult))),
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
}
