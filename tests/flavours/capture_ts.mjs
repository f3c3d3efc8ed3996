// Runs the official TypeScript SDK's query() once per row of tests/flavours/ts_rows.json with a
// spawnClaudeCodeProcess hook that starts nothing: it records the command line, the environment
// and the first stdin frame (the initialize request), then ends the session. Prints one JSON
// object per row: {name, args, env, initialize} (or {name, error}).
//
//   node tests/flavours/capture_ts.mjs <sdk module dir> <rows.json> <cli path>
//
// Rows give options in the SDK's own spelling; "$callback" marks a function (canUseTool, hook
// callbacks, stderr, onElicitation, onUserDialog) and {"$server": name} an in-process MCP server.
import { readFileSync } from "node:fs";
import { PassThrough } from "node:stream";
import { EventEmitter } from "node:events";
import { pathToFileURL } from "node:url";
import { join } from "node:path";

const [sdkDir, rowsPath, cliPath] = process.argv.slice(2);
const sdk = await import(pathToFileURL(join(sdkDir, "sdk.mjs")).href);
const rows = JSON.parse(readFileSync(rowsPath, "utf8"));

function revive(value) {
  if (value === "$callback") return async () => ({});
  if (Array.isArray(value)) return value.map(revive);
  if (value && typeof value === "object") {
    if (typeof value.$server === "string") {
      return sdk.createSdkMcpServer({ name: value.$server, version: "1.0.0", tools: [] });
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v)]));
  }
  return value;
}

function fakeProcess(record, done) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const events = new EventEmitter();
  let buffered = "";
  stdin.on("data", (chunk) => {
    buffered += chunk.toString();
    const newline = buffered.indexOf("\n");
    if (newline >= 0 && record.initialize === undefined) {
      record.initialize = JSON.parse(buffered.slice(0, newline));
      done();
    }
  });
  return {
    stdin,
    stdout,
    killed: false,
    exitCode: null,
    signalCode: null,
    kill() {
      this.killed = true;
      stdout.end();
      setImmediate(() => events.emit("exit", 0, null));
      return true;
    },
    on: (e, f) => events.on(e, f),
    once: (e, f) => events.once(e, f),
    off: (e, f) => events.off(e, f),
  };
}

for (const row of rows) {
  const record = { name: row.name };
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no initialize within 5 s")), 5000);
      const options = {
        ...revive(row.options),
        pathToClaudeCodeExecutable: cliPath,
        spawnClaudeCodeProcess(spawn) {
          record.args = spawn.args;
          record.env = spawn.env;
          return fakeProcess(record, () => {
            clearTimeout(timer);
            resolve();
          });
        },
      };
      const q = sdk.query({ prompt: row.prompt ?? "hi", options });
      q.next().catch(() => {});
      record.close = () => q.close();
    });
    record.close?.();
  } catch (e) {
    record.error = String(e?.message ?? e);
  }
  delete record.close;
  if (record.initialize) {
    delete record.initialize.request_id;
  }
  process.stdout.write(JSON.stringify(record) + "\n");
}
process.exit(0);
