//! Multi-turn client. SKELETON (lead).

/// A multi-turn client.
pub struct ClaudeClient {}
