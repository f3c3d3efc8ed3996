//! Newline-delimited JSON framing. SKELETON: the transport helper completes it.

/// Default maximum line size: 64 MiB.
pub const DEFAULT_MAX_LINE_SIZE: usize = 64 * 1024 * 1024;

/// Splits bytes into lines and parses each once.
#[derive(Debug)]
pub struct FrameDecoder {}
