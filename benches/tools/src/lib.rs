//! Shared by the fake CLI and the floor: the benchmark modes, the frames the fake writes, and
//! the process figures (CPU time, peak RSS) every driver reports.

use std::time::Duration;

/// What the fake CLI does after the first user message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// N assistant messages of ~1.3 KB, then a result.
    Flood(usize),
    /// N `can_use_tool` requests, one at a time, timed.
    Permission(usize),
    /// N `hook_callback` requests (PreToolUse), one at a time, timed.
    Hook(usize),
    /// One assistant message whose text is N MiB, then a result.
    Bigline(usize),
}

impl Mode {
    /// Parses `"flood 100000"`, `"permission 2000"`, `"hook 2000"` or `"bigline 50"`.
    pub fn parse(text: &str) -> Option<Mode> {
        let mut words = text.split_whitespace();
        let kind = words.next()?;
        let n: usize = words.next()?.parse().ok()?;
        Some(match kind {
            "flood" => Mode::Flood(n),
            "permission" => Mode::Permission(n),
            "hook" => Mode::Hook(n),
            "bigline" => Mode::Bigline(n),
            _ => return None,
        })
    }

    /// The mode from `BENCH_FAKE_MODE`, or from `--bench-mode "<mode>"` on the command line
    /// (every other argument is ignored).
    pub fn from_env_or_args() -> Option<Mode> {
        if let Ok(text) = std::env::var("BENCH_FAKE_MODE") {
            return Mode::parse(&text);
        }
        let args: Vec<String> = std::env::args().collect();
        let at = args.iter().position(|a| a == "--bench-mode")?;
        Mode::parse(args.get(at + 1)?)
    }
}

pub const SESSION_ID: &str = "8f0c1a2e-5b6d-4c7e-9f10-112233445566";

/// About 850 bytes of text, so that a whole assistant line is ~1.3 KB.
fn filler() -> String {
    "The quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs. "
        .repeat(10)
}

/// One assistant line (newline included), shaped like the CLI's.
pub fn assistant_line(n: usize, text: &str) -> String {
    format!(
        concat!(
            r#"{{"type":"assistant","message":{{"id":"msg_01BenchBenchBench{n:012}","type":"message","#,
            r#""role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{{"type":"text","#,
            r#""text":"{text}"}}],"stop_reason":null,"stop_sequence":null,"usage":{{"input_tokens":3,"#,
            r#""cache_creation_input_tokens":1024,"cache_read_input_tokens":20480,"output_tokens":256,"#,
            r#""service_tier":"standard"}}}},"parent_tool_use_id":null,"session_id":"{sid}","#,
            r#""uuid":"6b1f7c2a-0d3e-4f5a-8b9c-{n:012}"}}"#,
            "\n"
        ),
        n = n,
        text = text,
        sid = SESSION_ID
    )
}

/// The whole output of `flood count`: `system/init`, `count` assistant lines of ~1.3 KB each
/// (each with its own id and uuid), the `result`.
pub fn flood_output(count: usize) -> Vec<u8> {
    let text = filler();
    let init = init_line();
    let result = result_line("done", false);
    let template = assistant_line(0, &text).into_bytes();
    let digits = [
        find(&template, b"Bench000000000000").unwrap() + 5,
        find(&template, b"-000000000000\"").unwrap() + 1,
    ];
    let mut buffer = Vec::with_capacity(init.len() + template.len() * count + result.len());
    buffer.extend_from_slice(init.as_bytes());
    for n in 0..count {
        let at = buffer.len();
        buffer.extend_from_slice(&template);
        let number = format!("{n:012}");
        for offset in digits {
            buffer[at + offset..at + offset + 12].copy_from_slice(number.as_bytes());
        }
    }
    buffer.extend_from_slice(result.as_bytes());
    buffer
}

/// The whole output of `bigline mib`: one assistant line whose text block holds `mib` MiB.
pub fn bigline_output(mib: usize) -> Vec<u8> {
    let text = "x".repeat(mib << 20);
    let mut buffer = init_line().into_bytes();
    buffer.extend_from_slice(assistant_line(0, &text).as_bytes());
    buffer.extend_from_slice(result_line("done", false).as_bytes());
    buffer
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The `system/init` line the CLI writes at the start of a turn.
pub fn init_line() -> String {
    format!(
        concat!(
            r#"{{"type":"system","subtype":"init","cwd":"/tmp","session_id":"{sid}","tools":["Bash","Read"],"#,
            r#""mcp_servers":[],"model":"claude-sonnet-4-5-20250929","permissionMode":"default","#,
            r#""slash_commands":[],"apiKeySource":"ANTHROPIC_API_KEY","claude_code_version":"2.1.330","#,
            r#""output_style":"default","agents":[],"skills":[],"plugins":[],"#,
            r#""uuid":"0a1b2c3d-4e5f-4a6b-8c7d-000000000000"}}"#,
            "\n"
        ),
        sid = SESSION_ID
    )
}

/// The `result` line that ends the turn; `result` is the final text (a JSON string body).
pub fn result_line(result: &str, is_error: bool) -> String {
    format!(
        concat!(
            r#"{{"type":"result","subtype":"success","is_error":{is_error},"duration_ms":1,"#,
            r#""duration_api_ms":1,"num_turns":1,"result":"{result}","stop_reason":"end_turn","#,
            r#""session_id":"{sid}","total_cost_usd":0,"usage":{{"input_tokens":3,"output_tokens":256}},"#,
            r#""uuid":"0a1b2c3d-4e5f-4a6b-8c7d-ffffffffffff"}}"#,
            "\n"
        ),
        is_error = is_error,
        result = result,
        sid = SESSION_ID
    )
}

/// CPU time (user + system, all threads) of this process, not of its children.
pub fn cpu_seconds() -> f64 {
    let usage = rusage();
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

/// Peak resident set size of this process, in MB (2^20 bytes).
pub fn peak_rss_mb() -> f64 {
    rusage().ru_maxrss as f64 / 1024.0
}

fn rusage() -> libc::rusage {
    // SAFETY: getrusage fills the zeroed struct it is given.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    }
}

/// The `q` quantile (0..=1) of `values`, sorted in place.
pub fn quantile(values: &mut [f64], q: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    if values.is_empty() {
        return f64::NAN;
    }
    values[((values.len() - 1) as f64 * q).round() as usize]
}

pub fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}
