//! Validation of tool arguments against the tool's JSON Schema, worded as the official Python
//! SDK's MCP server words it: `Input validation error: <message>`, where the message is the one
//! Python's `jsonschema` gives for its best match (the shallowest problem, the first of those;
//! values quoted as Python prints them: `'two' is not of type 'number'`).

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::ValidationError;
use serde_json::Value;

/// Checks `arguments` against `schema`; the error is a text for the model.
pub(crate) fn check_arguments(schema: &Value, arguments: &Value) -> Result<(), String> {
    let validator = jsonschema::validator_for(schema)
        .map_err(|e| format!("The tool's input schema is invalid: {e}"))?;
    // `min_by_key` keeps the first of equals, as Python's `max` over its relevance does.
    let best = validator.iter_errors(arguments).min_by_key(|error| {
        let weak = matches!(
            error.kind(),
            ValidationErrorKind::AnyOf { .. } | ValidationErrorKind::OneOfNotValid { .. }
        );
        (error.instance_path().as_str().matches('/').count(), weak)
    });
    match best {
        None => Ok(()),
        Some(error) => Err(format!(
            "Input validation error: {}",
            python_message(&error, schema).unwrap_or_else(|| error.to_string())
        )),
    }
}

/// Python `jsonschema`'s message for the common kinds; `None` for the others (then the
/// crate's own message is used). `schema` is the tool's, where the error's schema path points.
fn python_message(error: &ValidationError<'_>, schema: &Value) -> Option<String> {
    let instance = error.instance();
    Some(match error.kind() {
        ValidationErrorKind::Type { kind } => {
            // In the schema's order, as Python lists them.
            let types: Vec<String> = match schema.pointer(error.schema_path().as_str()) {
                Some(Value::String(t)) => vec![quoted(t)],
                Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).map(quoted).collect(),
                _ => match kind {
                    TypeKind::Single(t) => vec![quoted(t.as_str())],
                    TypeKind::Multiple(set) => set.iter().map(|t| quoted(t.as_str())).collect(),
                },
            };
            format!("{} is not of type {}", repr(instance), types.join(", "))
        }
        ValidationErrorKind::Required { property } => {
            format!("{} is a required property", repr(property))
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let names: Vec<String> = unexpected.iter().map(|n| quoted(n)).collect();
            let verb = if names.len() == 1 { "was" } else { "were" };
            format!(
                "Additional properties are not allowed ({} {verb} unexpected)",
                names.join(", ")
            )
        }
        _ => return None,
    })
}

/// A string as Python's `repr` prints it.
fn quoted(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// A JSON value as Python's `repr` prints what `json.loads` makes of it.
fn repr(value: &Value) -> String {
    match value {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => quoted(s),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(repr).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{}: {}", quoted(k), repr(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({
            "type": "object",
            "properties": {"a": {"type": "number"}, "b": {"type": ["number", "null"]}},
            "required": ["a", "b"],
        })
    }

    #[test]
    fn messages_read_as_the_python_sdks() {
        let check = |args: Value| check_arguments(&schema(), &args).unwrap_err();
        assert_eq!(
            check(json!({"a": "two", "b": 3})),
            "Input validation error: 'two' is not of type 'number'"
        );
        // The shallowest problem wins over a deeper one listed before it.
        assert_eq!(
            check(json!({"a": "two"})),
            "Input validation error: 'b' is a required property"
        );
        assert_eq!(
            check(json!({"a": 1, "b": {"it's": [true, null, 1.5]}})),
            "Input validation error: {\"it's\": [True, None, 1.5]} is not of type 'number', 'null'"
        );
        assert!(check_arguments(&schema(), &json!({"a": 1, "b": null})).is_ok());
    }
}
