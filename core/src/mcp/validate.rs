//! Validation of tool arguments against the tool's JSON Schema.

use serde_json::Value;

/// At most this many problems are listed in one message.
const MAX_LISTED: usize = 5;

/// Checks `arguments` against `schema`; the error is a text for the model.
pub(crate) fn check_arguments(schema: &Value, arguments: &Value) -> Result<(), String> {
    let validator = jsonschema::validator_for(schema)
        .map_err(|e| format!("The tool's input schema is invalid: {e}"))?;
    let problems: Vec<String> = validator
        .iter_errors(arguments)
        .take(MAX_LISTED)
        .map(|error| {
            let path = error.instance_path().as_str().to_string();
            if path.is_empty() {
                error.to_string()
            } else {
                format!("{path}: {error}")
            }
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("Input validation error: {}", problems.join("; ")))
    }
}
