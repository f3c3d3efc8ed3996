//! Typed messages from the CLI. Unknown types, subtypes, blocks and fields are kept.
//!
//! SKELETON: the messages helper completes this module keeping these public names.

use serde_json::Value;

/// One message of a session.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// A message of a type this version does not know.
    Unknown(Value),
}

impl Message {
    /// Converts a parsed frame into a message.
    pub fn from_value(value: Value) -> crate::Result<Message> {
        Ok(Message::Unknown(value))
    }
}
