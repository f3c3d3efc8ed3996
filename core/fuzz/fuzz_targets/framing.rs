//! Framing: an arbitrary byte stream, cut at arbitrary points, through `FrameDecoder`.
//!
//! Input: byte 0 picks the maximum line size (1..=192, or 64 KiB so real lines parse), byte 1
//! picks how the stream is cut, the rest is the stream. Checks:
//! - no panic;
//! - the items do not depend on the cuts (same as decoding the stream as one chunk);
//! - the decoder never holds more than the maximum line size;
//! - the decoder is empty after `finish`.
#![no_main]

use claude_wire::transport::FrameDecoder;
use claude_wire::Error;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

#[derive(Debug, PartialEq)]
enum Item {
    Value(Value),
    Error(String),
}

fn item(result: claude_wire::Result<Value>) -> Item {
    match result {
        Ok(value) => Item::Value(value),
        Err(error @ (Error::JsonDecode { .. } | Error::LineTooLong { .. })) => {
            Item::Error(format!("{error:?}"))
        }
        Err(other) => panic!("unexpected error item: {other:?}"),
    }
}

/// Decodes `chunks` in order, checking the buffer bound after each.
fn decode(max_line: usize, chunks: &[&[u8]]) -> Vec<Item> {
    let mut decoder = FrameDecoder::new(max_line);
    let mut items = Vec::new();
    for chunk in chunks {
        decoder.decode(chunk, &mut |i| items.push(item(i)));
        assert!(
            decoder.buffered() <= max_line,
            "buffered {} > max {max_line}",
            decoder.buffered()
        );
    }
    decoder.finish(&mut |i| items.push(item(i)));
    assert_eq!(decoder.buffered(), 0, "not empty after finish");
    items
}

/// Cuts `data` into chunks: one byte each, or pseudo-random sizes up to `1 + mode`.
fn cut(mode: u8, data: &[u8]) -> Vec<&[u8]> {
    if mode == 0 {
        return data.chunks(1).collect();
    }
    let mut state = u32::from(mode).wrapping_mul(2_654_435_761) | 1;
    let mut chunks = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        // xorshift: deterministic, cheap, spreads the cuts.
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let len = 1 + (state as usize) % (1 + mode as usize);
        let (chunk, after) = rest.split_at(len.min(rest.len()));
        chunks.push(chunk);
        rest = after;
    }
    chunks
}

fuzz_target!(|data: &[u8]| {
    let [size, mode, stream @ ..] = data else {
        return;
    };
    let max_line = match *size {
        0..=191 => 1 + *size as usize,
        _ => 64 * 1024,
    };
    let whole = decode(max_line, &[stream]);
    let pieces = decode(max_line, &cut(*mode, stream));
    assert_eq!(whole, pieces, "items depend on how the input was cut");
});
