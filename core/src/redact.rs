//! Keeping secrets out of `Debug` output, reprs and error texts (one rule for every binding).

/// What a hidden value prints as.
pub const REDACTED: &str = "<redacted>";

/// True for an environment variable or header name that likely holds a credential.
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let anywhere = [
        "KEY",
        "TOKEN",
        "SECRET",
        "PASSW",
        "CREDENTIAL",
        "COOKIE",
        "AUTHORIZATION",
    ];
    anywhere.iter().any(|part| upper.contains(part))
        || upper.split(['_', '-', '.']).any(|word| word == "AUTH")
}

/// `arg` with secrets hidden when it is a JSON object (`--mcp-config`, `--settings`).
pub fn arg(arg: &str) -> std::borrow::Cow<'_, str> {
    if !arg.starts_with('{') {
        return arg.into();
    }
    match serde_json::from_str::<serde_json::Value>(arg) {
        Ok(value) => json(&value).to_string().into(),
        Err(_) => arg.into(),
    }
}

/// `text` with credentials that look like API keys or bearer tokens replaced.
pub fn text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        // The credential may sit inside quotes or after `NAME=` (`"KEY=sk-ant-…",`).
        let core = word
            .trim_matches(|c: char| !c.is_alphanumeric() && c != '-' && c != '_')
            .rsplit('=')
            .next()
            .unwrap_or_default();
        let looks_secret = core.starts_with("sk-ant-")
            || (core.starts_with("sk-") && core.len() > 20)
            || core.starts_with("ghp_")
            || core.starts_with("xox");
        out.push_str(if looks_secret { REDACTED } else { word });
    }
    out
}

/// A copy of `value` with the values of secret-looking keys replaced, at any depth.
pub fn json(value: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = if is_secret_name(k) && !v.is_object() {
                        Value::String(REDACTED.into())
                    } else {
                        json(v)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(json).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::is_secret_name;

    #[test]
    fn secret_names() {
        for name in [
            "ANTHROPIC_API_KEY",
            "CLAUDE_CODE_OAUTH_TOKEN",
            "x-api-key",
            "Authorization",
            "AWS_SECRET_ACCESS_KEY",
            "GITHUB_TOKEN",
            "DB_PASSWORD",
            "X_AUTH",
            "auth-header",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "PATH",
            "HOME",
            "ANTHROPIC_BASE_URL",
            "CLAUDE_CODE_ENTRYPOINT",
            "PWD",
            "CARGO_PKG_AUTHORS",
            "CLAUDE_CODE_SDK_READS_SESSION_STATE",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }
}
