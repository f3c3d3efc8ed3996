//! One-shot queries. SKELETON (lead).

/// The prompt of a query.
pub enum Prompt {
    /// A text prompt.
    Text(String),
}

/// Runs a one-shot query.
pub fn query() {}

/// Runs a one-shot query with a message stream.
pub fn query_stream() {}
