#!/bin/sh
# The smallest stand-in for the Claude Code CLI, for soak tests (1,000 sessions): answers
# `initialize`, reads one user message, writes an init message and a success result, then waits
# for stdin EOF. Pure POSIX sh, so a session costs a few milliseconds, not an interpreter start.
IFS= read -r line || exit 97
id=${line#*\"request_id\":\"}
id=${id%%\"*}
printf '{"type":"control_response","response":{"subtype":"success","request_id":"%s","response":{}}}\n' "$id"
IFS= read -r line || exit 0
printf '%s\n' '{"type":"system","subtype":"init","session_id":"quick","cwd":"/","tools":[],"mcp_servers":[],"model":"m","permissionMode":"default","apiKeySource":"none"}'
printf '%s\n' '{"type":"result","subtype":"success","is_error":false,"duration_ms":1,"duration_api_ms":1,"num_turns":1,"session_id":"quick","result":"ok","total_cost_usd":0}'
while IFS= read -r line; do :; done
exit 0
