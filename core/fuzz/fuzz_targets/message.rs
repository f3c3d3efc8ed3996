//! Message parsing: JSON and near-JSON through `serde_json` and `Message::from_value`.
//!
//! Input: byte 0 picks the mode, the rest is either raw text (parsed by `serde_json`) or drives
//! a generator (a message-shaped object, or a real CLI message with a few edits). Checks:
//! - no panic;
//! - an `Ok` message converts back to exactly the value it was parsed from (`to_value`,
//!   `into_value`, and serde through text), so no field is lost or changed;
//! - a `MessageParse` error carries the untouched frame; no other error is returned;
//! - `Message::from_slice` on the value's text (its fast path for the common kinds) gives the
//!   same message, or the same error.
#![no_main]

use arbitrary::Unstructured;
use claude_wire::{Error, Message};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn check(original: Value) {
    let text = serde_json::to_vec(&original).expect("a value serializes");
    match (Message::from_value(original.clone()), Message::from_slice(&text)) {
        (Ok(general), Ok(direct)) => assert_eq!(general, direct, "from_slice differs"),
        (Err(general), Err(direct)) => assert_eq!(general.to_string(), direct.to_string()),
        (general, direct) => panic!("from_value {general:?} but from_slice {direct:?}"),
    }
    match Message::from_value(original.clone()) {
        Ok(message) => {
            // The accessors must not panic on anything that parsed.
            let _ = (message.type_name(), message.session_id(), message.uuid());
            let _ = message.is_result();
            let _ = format!("{message:?}");
            assert_eq!(message.to_value(), original, "to_value differs");
            let text = serde_json::to_string(&message).expect("a message serializes");
            let back: Value = serde_json::from_str(&text).expect("serialized text is JSON");
            assert_eq!(back, original, "serde round trip differs");
            let reparsed: Message = serde_json::from_str(&text).expect("serialized text parses");
            assert_eq!(reparsed, message, "serde round trip gives another message");
            assert_eq!(message.into_value(), original, "into_value differs");
        }
        Err(Error::MessageParse { raw, .. }) => assert_eq!(raw, original, "raw frame changed"),
        Err(other) => panic!("unexpected error: {other:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let [mode, rest @ ..] = data else {
        return;
    };
    let mut u = Unstructured::new(rest);
    let value = match mode % 4 {
        0 => match serde_json::from_slice::<Value>(rest) {
            Ok(value) => value,
            Err(_) => return,
        },
        1 => match claude_wire_fuzz::message(&mut u) {
            Ok(value) => value,
            Err(_) => return,
        },
        2 => match claude_wire_fuzz::mutated_fixture(&mut u) {
            Ok(value) => value,
            Err(_) => return,
        },
        _ => match claude_wire_fuzz::json(&mut u, 4) {
            Ok(value) => value,
            Err(_) => return,
        },
    };
    check(value);
});
