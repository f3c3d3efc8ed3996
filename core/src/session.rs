//! Session wiring. SKELETON (lead).
