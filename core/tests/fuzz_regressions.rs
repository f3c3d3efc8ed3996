//! Inputs the fuzz targets (`core/fuzz`, run with `make fuzz`) once failed on, replayed as plain
//! tests. Each file under `core/fuzz/regressions/<target>/` is in the input format of that
//! target (see the doc comment of `core/fuzz/fuzz_targets/<target>.rs`) and is named after
//! the bug it found.

use claude_wire::transport::FrameDecoder;
use claude_wire::Error;
use serde_json::Value;
use std::path::PathBuf;

/// The regression inputs of one fuzz target, with their file names.
fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no inputs in {}", dir.display());
    files
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect()
}

/// Decoded items in a comparable form.
fn decode(max_line: usize, chunks: &[&[u8]]) -> Vec<Result<Value, String>> {
    let mut decoder = FrameDecoder::new(max_line);
    let mut items = Vec::new();
    let mut push = |item: claude_wire::Result<Value>| {
        items.push(item.map_err(|e| match e {
            Error::JsonDecode { .. } | Error::LineTooLong { .. } => format!("{e:?}"),
            other => panic!("unexpected error item: {other:?}"),
        }))
    };
    for chunk in chunks {
        decoder.decode(chunk, &mut push);
        assert!(decoder.buffered() <= max_line);
    }
    decoder.finish(&mut push);
    items
}

/// Framing input: byte 0 picks the maximum line size, the rest is the stream (byte 1, the cut
/// mode of the fuzz target, is ignored: every chunk size from 1 to 64 is tried here).
#[test]
fn framing_does_not_depend_on_the_cuts() {
    for (name, data) in inputs("framing") {
        let [size, _mode, stream @ ..] = &data[..] else {
            panic!("{name}: too short");
        };
        let max_line = match *size {
            0..=191 => 1 + *size as usize,
            _ => 64 * 1024,
        };
        let whole = decode(max_line, &[stream]);
        for len in 1..=64 {
            let chunks: Vec<&[u8]> = stream.chunks(len).collect();
            assert_eq!(decode(max_line, &chunks), whole, "{name}: chunks of {len}");
        }
    }
}
