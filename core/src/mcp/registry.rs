//! The in-process servers of one session. `setMcpServers` may replace them while it runs, so
//! they sit behind a lock that is never held across an await: a call takes its server out.

use super::SdkMcpServer;
use serde_json::{json, Map, Value};
use std::sync::{Arc, RwLock};

#[derive(Default)]
pub(crate) struct SdkServers {
    list: RwLock<Vec<(String, Arc<SdkMcpServer>)>>,
}

impl SdkServers {
    pub(crate) fn new(servers: impl IntoIterator<Item = (String, SdkMcpServer)>) -> Self {
        let list = servers.into_iter().map(|(n, s)| (n, Arc::new(s))).collect();
        SdkServers {
            list: RwLock::new(list),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty()
    }

    /// The server registered as `name`.
    pub(crate) fn find(&self, name: &str) -> Option<Arc<SdkMcpServer>> {
        let list = self.list.read().unwrap_or_else(|e| e.into_inner());
        list.iter().find(|(n, _)| n == name).map(|(_, s)| s.clone())
    }

    /// Makes `wanted` the set of servers, as the TypeScript SDK's `setMcpServers` does: a
    /// server not wanted any more is dropped, a new one is added, and one already registered
    /// keeps its instance and settings except a `tools` policy given anew. Returns the
    /// entries the CLI receives for them (`{"type": "sdk", "name", ...settings}`), in order.
    pub(crate) fn replace(&self, wanted: Vec<(String, SdkMcpServer)>) -> Map<String, Value> {
        let mut list = self.list.write().unwrap_or_else(|e| e.into_inner());
        list.retain(|(name, _)| wanted.iter().any(|(n, _)| n == name));
        let mut entries = Map::new();
        for (name, server) in wanted {
            let current = match list.iter_mut().find(|(n, _)| *n == name) {
                Some((_, current)) => {
                    let tools = server.settings.get("tools");
                    if tools.is_some() && tools != current.settings.get("tools") {
                        let mut updated = SdkMcpServer::clone(current);
                        updated
                            .settings
                            .insert("tools".into(), tools.cloned().unwrap_or_default());
                        *current = Arc::new(updated);
                    }
                    current.clone()
                }
                None => {
                    let added = Arc::new(server);
                    list.push((name.clone(), added.clone()));
                    added
                }
            };
            let mut entry = json!({"type": "sdk", "name": name});
            entry
                .as_object_mut()
                .expect("an object")
                .extend(current.settings.clone());
            entries.insert(name, entry);
        }
        entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(name: &str, settings: Value) -> SdkMcpServer {
        let mut server = SdkMcpServer::new(name);
        server.settings = settings.as_object().cloned().unwrap_or_default();
        server
    }

    #[test]
    fn replacing_drops_adds_and_keeps_registered_servers() {
        let servers = SdkServers::new([
            ("a".to_string(), server("a", json!({"timeout": 5}))),
            ("b".to_string(), server("b", json!({}))),
        ]);
        let kept = servers.find("a").unwrap();
        let entries = servers.replace(vec![
            ("c".into(), server("c", json!({"connectorId": "x"}))),
            // Registered already: the new timeout is ignored, the tools policy replaced.
            (
                "a".into(),
                server("a2", json!({"timeout": 9, "tools": [{"name": "t"}]})),
            ),
        ]);
        assert!(servers.find("b").is_none());
        assert_eq!(servers.find("a").unwrap().name, kept.name);
        assert_eq!(servers.find("c").unwrap().name, "c");
        assert_eq!(
            Value::Object(entries),
            json!({
                "c": {"type": "sdk", "name": "c", "connectorId": "x"},
                "a": {"type": "sdk", "name": "a", "timeout": 5, "tools": [{"name": "t"}]},
            })
        );
        assert!(servers.replace(Vec::new()).is_empty());
        assert!(servers.is_empty());
    }
}
