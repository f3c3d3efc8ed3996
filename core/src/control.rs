//! Control protocol. SKELETON (lead).
