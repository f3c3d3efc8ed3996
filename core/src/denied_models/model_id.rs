//! Model IDs taken apart as the CLI reads them: `claude-<family>-<major>[-<minor>]` or the
//! legacy `claude-<major>[-<minor>]-<family>`, after a provider prefix or path, with the date,
//! `-fast` / `-latest` and version suffixes that do not change the model.

use super::{js_space, js_trim};

const REGIONS: [&str; 7] = ["us", "eu", "apac", "jp", "au", "us-gov", "global"];

/// A model ID taken apart: `claude-<family>-<major>[-<minor>]` (or the legacy
/// `claude-<major>[-<minor>]-<family>`), and what follows that is not a date or suffix.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ModelId {
    pub(super) family: String,
    pub(super) major: u32,
    pub(super) minor: Option<u32>,
    pub(super) base: String,
    pub(super) trailer: Option<String>,
}

/// 1-2 ASCII digits not followed by another digit, at the start of `text`: (value, length).
fn version_number(text: &str) -> Option<(u32, usize)> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    (1..=2)
        .contains(&digits)
        .then(|| (text[..digits].parse().unwrap_or(0), digits))
}

fn letters(text: &str) -> usize {
    text.bytes().take_while(u8::is_ascii_lowercase).count()
}

/// `-<1-2 digits>` at the start of `text`: (value, length with the dash).
fn dashed_number(text: &str) -> Option<(u32, usize)> {
    let (n, len) = version_number(text.strip_prefix('-')?)?;
    Some((n, len + 1))
}

/// The base of a model ID (family, major, minor, and its length), in either word order.
fn base(text: &str) -> Option<(String, u32, Option<u32>, usize)> {
    let rest = text.strip_prefix("claude-")?;
    let family = letters(rest);
    if family > 0 {
        let after = &rest[family..];
        let (major, len) = dashed_number(after)?;
        let mut end = 7 + family + len;
        let minor = dashed_number(&text[end..]).map(|(minor, len)| {
            end += len;
            minor
        });
        return Some((rest[..family].to_string(), major, minor, end));
    }
    let (major, len) = version_number(rest)?;
    let after_major = 7 + len;
    // With a minor first; without one when no family follows it.
    if let Some((minor, len)) = dashed_number(&text[after_major..]) {
        let at = after_major + len;
        if let Some(family) = text[at..].strip_prefix('-').map(letters).filter(|&n| n > 0) {
            return Some((
                text[at + 1..at + 1 + family].to_string(),
                major,
                Some(minor),
                at + 1 + family,
            ));
        }
    }
    let family = text[after_major..]
        .strip_prefix('-')
        .map(letters)
        .filter(|&n| n > 0)?;
    let at = after_major + 1;
    Some((text[at..at + family].to_string(), major, None, at + family))
}

/// Whether what follows a base is only a date, `-fast` / `-latest` and a version suffix.
fn ignorable(rest: &str) -> bool {
    let firsts = ["-fast", "-latest", ""]
        .into_iter()
        .filter_map(|p| rest.strip_prefix(p));
    firsts.flat_map(dates).any(version_suffix)
}

/// `text` after 8 ASCII digits at its start.
fn eight_digits(text: &str) -> Option<&str> {
    let digits = text.len() >= 8 && text.as_bytes()[..8].iter().all(u8::is_ascii_digit);
    digits.then(|| &text[8..])
}

/// The ways a date part (`-v<1-3>@<8 digits>`, `-<8 digits>`, `@<8 digits>`, or none) can start `text`.
fn dates(text: &str) -> Vec<&str> {
    let mut out = vec![text];
    if let Some(t) = text.strip_prefix("-v") {
        for n in 1..=3.min(t.len()) {
            if t.as_bytes()[..n].iter().all(u8::is_ascii_digit) {
                if let Some(rest) = t[n..].strip_prefix('@').and_then(eight_digits) {
                    out.push(rest);
                }
            }
        }
    }
    if let Some(rest) = text.strip_prefix(['-', '@']).and_then(eight_digits) {
        out.push(rest);
    }
    out
}

/// `-v<1-3 digits>[:<1-3 digits>]` or nothing, to the end.
fn version_suffix(text: &str) -> bool {
    let digits = |t: &str| (1..=3).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit());
    match text.strip_prefix("-v") {
        None => text.is_empty(),
        Some(t) => match t.split_once(':') {
            Some((a, b)) => digits(a) && digits(b),
            None => digits(t),
        },
    }
}

/// A model ID taken apart, or `None` for a name that is not one.
pub(super) fn parse_id(name: &str) -> Option<ModelId> {
    let lowered = js_trim(name).to_lowercase();
    if lowered.is_empty() || lowered.chars().any(js_space) {
        return None;
    }
    let mut t = lowered.as_str();
    t = t
        .strip_suffix("[1m]")
        .or_else(|| t.strip_suffix("[2m]"))
        .unwrap_or(t);
    if let Some(at) = t.rfind('/') {
        t = &t[at + 1..];
    }
    let regional = t.split_once('.').filter(|(region, rest)| {
        !region.is_empty()
            && region.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
            && rest.starts_with("anthropic.claude-")
    });
    if let Some((region, rest)) = regional {
        if !REGIONS.contains(&region) {
            return None;
        }
        t = &rest["anthropic.".len()..];
    } else if let Some(rest) = t
        .strip_prefix("anthropic.")
        .filter(|r| r.starts_with("claude-"))
    {
        t = rest;
    }
    let (family, major, minor, len) = base(t)?;
    let rest = &t[len..];
    if !(rest.is_empty() || rest.starts_with(['-', '@'])) {
        return None;
    }
    Some(ModelId {
        family,
        major,
        minor,
        base: t[..len].to_string(),
        trailer: (!ignorable(rest)).then(|| rest.to_string()),
    })
}
