//! The per-server settings an in-process server's config may carry beside its instance
//! (TypeScript SDK): `timeout`, `disableAutoBackground`, `tools` (per-tool permission
//! policies), `connectorId`, `autoModeVerdictTools`, `remoteControlMetaKeys`, `dataFlowServer`
//! and `onPersonsMachine`. The CLI receives them in `initialize` (`sdkMcpServerConfigs`) and in
//! `mcp_set_servers`. A malformed setting is left out, as the official SDK leaves it out, so
//! the CLI never sees it.

use serde_json::{json, Map, Value};

/// The most entries of `autoModeVerdictTools`, and the longest one (UTF-16 units).
const VERDICT_TOOLS: (usize, usize) = (64, 128);
/// The same for `remoteControlMetaKeys`.
const META_KEYS: (usize, usize) = (16, 128);
/// The longest id a `dataFlowServer` may carry (UTF-16 units).
const MAX_ID: usize = 256;
/// The permission policies a `tools` entry may name; any other reads as `always_ask`.
const POLICIES: [&str; 3] = ["always_allow", "always_ask", "always_deny"];

/// The well-formed settings of the config `config`, in the official order.
pub fn sdk_server_settings(config: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    if let Some(timeout) = config.get("timeout").filter(|t| is_positive_integer(t)) {
        out.insert("timeout".into(), timeout.clone());
    }
    if config.get("disableAutoBackground") == Some(&Value::Bool(true)) {
        out.insert("disableAutoBackground".into(), Value::Bool(true));
    }
    if let Some(Value::Array(entries)) = config.get("tools") {
        let policies = entries.iter().filter_map(tool_policy).collect();
        out.insert("tools".into(), Value::Array(policies));
    }
    let connector = config.get("connectorId");
    if let Some(Value::String(id)) = connector.filter(|id| id.as_str() != Some("")) {
        out.insert("connectorId".into(), Value::String(id.clone()));
    }
    for (key, limits) in [
        ("autoModeVerdictTools", VERDICT_TOOLS),
        ("remoteControlMetaKeys", META_KEYS),
    ] {
        if let Some(list) = config.get(key).filter(|v| is_short_string_list(v, limits)) {
            out.insert(key.into(), list.clone());
        }
    }
    if let Some(server) = config.get("dataFlowServer").and_then(data_flow_server) {
        let connector_kind = server["type"] == "claude_ai_connector";
        if connector.is_none() || connector_kind {
            out.insert("dataFlowServer".into(), server);
        }
    }
    if let Some(machine) = config.get("onPersonsMachine") {
        let except = match machine.get("exceptTools") {
            Some(Value::Array(tools)) if tools.iter().all(Value::is_string) => tools.clone(),
            _ => Vec::new(),
        };
        out.insert("onPersonsMachine".into(), json!({ "exceptTools": except }));
    }
    out
}

fn is_positive_integer(value: &Value) -> bool {
    match value.as_f64() {
        Some(n) => n > 0.0 && n.fract() == 0.0 && n.is_finite(),
        None => false,
    }
}

fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
}

fn is_short_string_list(value: &Value, (most, longest): (usize, usize)) -> bool {
    match value {
        Value::Array(items) if items.len() <= most => items
            .iter()
            .all(|item| item.as_str().is_some_and(|s| utf16_len(s) <= longest)),
        _ => false,
    }
}

/// One `tools` entry as the CLI receives it: `{name}` or `{name, permission_policy}`;
/// `None` drops an entry without a string `name`.
fn tool_policy(entry: &Value) -> Option<Value> {
    let name = entry.as_object()?.get("name")?.as_str()?;
    Some(match entry.get("permission_policy") {
        None => json!({ "name": name }),
        Some(Value::String(policy)) if POLICIES.contains(&policy.as_str()) => {
            json!({ "name": name, "permission_policy": policy })
        }
        Some(_) => json!({ "name": name, "permission_policy": "always_ask" }),
    })
}

/// A non-empty id of at most [`MAX_ID`] units without control characters.
fn is_id(value: &Value) -> bool {
    value.as_str().is_some_and(|s| {
        !s.is_empty()
            && utf16_len(s) <= MAX_ID
            && !s.chars().any(|c| c.is_ascii_control() || c == '\x7f')
    })
}

/// A well-formed `dataFlowServer`, reduced to the fields of its kind.
fn data_flow_server(value: &Value) -> Option<Value> {
    let server = value.as_object()?;
    let id = server.get("id").unwrap_or(&Value::Null);
    match server.get("type")?.as_str()? {
        "anthropic" if is_id(id) => Some(json!({ "type": "anthropic", "id": id })),
        "claude_ai_connector" => {
            let directory = server.get("directory_id")?;
            if !is_id(id) || !(directory.is_null() || is_id(directory)) {
                return None;
            }
            let id = id.as_str().unwrap_or_default();
            let id = tagged_id_as_uuid(id).unwrap_or_else(|| id.to_owned());
            Some(json!({ "type": "claude_ai_connector", "id": id, "directory_id": directory }))
        }
        "client_configured" => {
            let transport = server.get("transport")?.as_str()?;
            if !["stdio", "http", "in_process"].contains(&transport) {
                return None;
            }
            let mut out = json!({ "type": "client_configured", "transport": transport });
            match server.get("plugin_id_hash") {
                None => {}
                Some(hash) if is_id(hash) => out["plugin_id_hash"] = hash.clone(),
                Some(_) => return None,
            }
            Some(out)
        }
        _ => None,
    }
}

/// A tagged id (`<prefix>_01<22 base58 digits>`) as the UUID it encodes; `None` for any other
/// id, which is kept as it is.
fn tagged_id_as_uuid(id: &str) -> Option<String> {
    const DIGITS: &str = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let tail = id.rsplit_once('_')?.1.strip_prefix("01")?;
    if tail.len() != 22 {
        return None;
    }
    let mut n: u128 = 0;
    for c in tail.chars() {
        let digit = DIGITS.find(c)? as u128;
        n = n.checked_mul(58)?.checked_add(digit)?;
    }
    let hex = format!("{n:032x}");
    Some(format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(config: Value) -> Value {
        Value::Object(sdk_server_settings(config.as_object().unwrap()))
    }

    #[test]
    fn well_formed_settings_are_kept_in_order_and_the_rest_is_left_out() {
        let config = json!({
            "type": "sdk", "name": "calc", "instance": {"$server": 0},
            "onPersonsMachine": {"exceptTools": ["a"]},
            "connectorId": "conn",
            "tools": [
                {"name": "add"},
                {"name": "sub", "permission_policy": "always_deny"},
                {"name": "mul", "permission_policy": "sometimes"},
                {"permission_policy": "always_allow"},
                "div"
            ],
            "disableAutoBackground": true,
            "timeout": 5000,
            "autoModeVerdictTools": ["add"],
            "remoteControlMetaKeys": vec!["k"; 17],
        });
        let out = settings(config);
        let keys: Vec<&str> = out
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "timeout",
                "disableAutoBackground",
                "tools",
                "connectorId",
                "autoModeVerdictTools",
                "onPersonsMachine"
            ]
        );
        assert_eq!(
            out["tools"],
            json!([
                {"name": "add"},
                {"name": "sub", "permission_policy": "always_deny"},
                {"name": "mul", "permission_policy": "always_ask"}
            ])
        );
    }

    #[test]
    fn malformed_values_are_dropped() {
        let out = settings(json!({
            "timeout": 1.5, "disableAutoBackground": false, "tools": "all", "connectorId": "",
            "autoModeVerdictTools": ["x".repeat(129)], "onPersonsMachine": {"exceptTools": [1]},
        }));
        assert_eq!(out, json!({"onPersonsMachine": {"exceptTools": []}}));
        assert_eq!(settings(json!({"timeout": 3.0}))["timeout"], json!(3.0));
        assert_eq!(settings(json!({"timeout": -1})), json!({}));
    }

    #[test]
    fn a_data_flow_server_is_checked_by_kind() {
        let anthropic = json!({"type": "anthropic", "id": "a1", "extra": 1});
        assert_eq!(
            settings(json!({ "dataFlowServer": anthropic }))["dataFlowServer"],
            json!({"type": "anthropic", "id": "a1"})
        );
        // With a connector id, only a connector data-flow server is kept.
        assert_eq!(
            settings(json!({"connectorId": "c", "dataFlowServer": anthropic}))
                .get("dataFlowServer"),
            None
        );
        let no_directory = json!({"type": "claude_ai_connector", "id": "x"});
        assert_eq!(
            settings(json!({ "dataFlowServer": no_directory })),
            json!({})
        );
        let client = json!({"type": "client_configured", "transport": "sse"});
        assert_eq!(settings(json!({ "dataFlowServer": client })), json!({}));
        let control = json!({"type": "anthropic", "id": "a\u{1}"});
        assert_eq!(settings(json!({ "dataFlowServer": control })), json!({}));
    }

    #[test]
    fn a_tagged_connector_id_reads_as_its_uuid() {
        // 22 base58 digits of 2^122: the UUID 04000000-0000-0000-0000-000000000000.
        let mut n: u128 = 1 << 122;
        let digits = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".as_bytes();
        let mut text = Vec::new();
        while n > 0 {
            text.push(digits[(n % 58) as usize]);
            n /= 58;
        }
        while text.len() < 22 {
            text.push(b'1');
        }
        text.reverse();
        let id = format!("mcpsrv_01{}", String::from_utf8(text).unwrap());
        assert_eq!(
            tagged_id_as_uuid(&id).as_deref(),
            Some("04000000-0000-0000-0000-000000000000")
        );
        assert_eq!(tagged_id_as_uuid("plain"), None);
        assert_eq!(tagged_id_as_uuid("x_01short"), None);
        let server = json!({"type": "claude_ai_connector", "id": id, "directory_id": null});
        assert_eq!(
            settings(json!({ "dataFlowServer": server }))["dataFlowServer"]["id"],
            "04000000-0000-0000-0000-000000000000"
        );
    }
}
