//! Scripted Messages API server. SKELETON: the model-server helper completes it.
