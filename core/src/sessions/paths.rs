//! Where the CLI keeps transcripts: `<config dir>/projects/<project dir name>/<session>.jsonl`.

use super::Problem;
use crate::{Error, Result};
use std::path::{Path, PathBuf};
use unicode_normalization::UnicodeNormalization;

/// Longest project directory name before the CLI truncates it and appends a hash.
pub(crate) const MAX_DIR_NAME: usize = 200;

/// The CLI's `projects` directory: `$CLAUDE_CONFIG_DIR/projects`, else `~/.claude/projects`.
///
/// `env` is consulted first (the `env` option of a session), so a caller resolves the directory
/// the CLI it starts will write to.
pub fn projects_dir(env: Option<&std::collections::HashMap<String, String>>) -> PathBuf {
    let configured = env
        .and_then(|e| e.get("CLAUDE_CONFIG_DIR").cloned())
        .filter(|v| !v.is_empty())
        .or_else(|| {
            std::env::var("CLAUDE_CONFIG_DIR")
                .ok()
                .filter(|v| !v.is_empty())
        });
    let base = match configured {
        Some(dir) => dir,
        None => home_dir().join(".claude").to_string_lossy().into_owned(),
    };
    PathBuf::from(nfc(&base)).join("projects")
}

fn home_dir() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/"))
}

fn nfc(text: &str) -> String {
    text.nfc().collect()
}

/// A directory resolved the way the CLI names projects: absolute, symbolic links resolved as
/// far as the path exists, `.` and `..` removed (as `os.path.realpath` does, also for a path
/// that does not exist), then Unicode NFC.
pub fn canonical_dir(dir: &Path) -> String {
    nfc(&real_path(dir).to_string_lossy())
}

fn real_path(dir: &Path) -> PathBuf {
    use std::path::Component;
    if let Ok(resolved) = std::fs::canonicalize(dir) {
        return resolved;
    }
    let absolute = match std::env::current_dir() {
        Ok(cwd) if dir.is_relative() => cwd.join(dir),
        _ => dir.to_path_buf(),
    };
    let mut out = PathBuf::from("/");
    for part in absolute.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(name) => {
                out.push(name);
                let is_link =
                    std::fs::symlink_metadata(&out).is_ok_and(|m| m.file_type().is_symlink());
                if is_link {
                    if let Ok(target) = std::fs::canonicalize(&out) {
                        out = target;
                    }
                }
            }
            Component::RootDir | Component::CurDir | Component::Prefix(_) => {}
        }
    }
    out
}

/// The name of a project's directory under [`projects_dir`]: every UTF-16 unit that is not an
/// ASCII letter or digit becomes `-`, and a name over 200 units is cut and suffixed with a hash
/// of the whole path (as the CLI, a JavaScript program, does).
pub fn project_dir_name(path: &str) -> String {
    let sanitized: String = path
        .encode_utf16()
        .map(|unit| match u8::try_from(unit) {
            Ok(b) if b.is_ascii_alphanumeric() => b as char,
            _ => '-',
        })
        .collect();
    if sanitized.len() <= MAX_DIR_NAME {
        return sanitized;
    }
    format!("{}-{}", &sanitized[..MAX_DIR_NAME], simple_hash(path))
}

/// The JavaScript `hash = (hash << 5) - hash + charCode | 0` over UTF-16 units, as base 36 of
/// its absolute value.
fn simple_hash(text: &str) -> String {
    let mut hash: i32 = 0;
    for unit in text.encode_utf16() {
        hash = hash
            .wrapping_shl(5)
            .wrapping_sub(hash)
            .wrapping_add(i32::from(unit));
    }
    let mut n = i64::from(hash).unsigned_abs();
    if n == 0 {
        return "0".into();
    }
    let mut digits = Vec::new();
    while n > 0 {
        digits.push(b"0123456789abcdefghijklmnopqrstuvwxyz"[(n % 36) as usize]);
        n /= 36;
    }
    digits.reverse();
    String::from_utf8(digits).expect("ascii digits")
}

/// The session-store `project_key` of a directory (the current one when `None`): the CLI's
/// project directory name of its canonical path, so store keys match the local transcripts.
pub fn project_key_for_directory(dir: Option<&Path>) -> String {
    project_dir_name(&canonical_dir(dir.unwrap_or(Path::new("."))))
}

/// `id` when it is a UUID (any case), else the typed refusal: ids become file names, so nothing
/// else is let near a path.
pub fn validate_uuid(id: &str) -> Result<&str> {
    if is_uuid(id) {
        Ok(id)
    } else {
        Err(Error::Sessions(Problem::InvalidSessionId(id.to_owned())))
    }
}

/// True for `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in hex digits.
pub(crate) fn is_uuid(id: &str) -> bool {
    let bytes = id.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// The project directory for `project_path` (already canonical), tolerating the CLI's
/// different hash for long paths: when the exact name is missing and the name was cut, the
/// first directory with the same 200-unit prefix.
pub(crate) fn find_project_dir(projects: &Path, project_path: &str) -> Option<PathBuf> {
    let name = project_dir_name(project_path);
    let exact = projects.join(&name);
    if exact.is_dir() {
        return Some(exact);
    }
    if name.len() <= MAX_DIR_NAME {
        return None;
    }
    let prefix = format!("{}-", &name[..MAX_DIR_NAME]);
    std::fs::read_dir(projects)
        .ok()?
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with(&prefix) && e.path().is_dir())
        .map(|e| e.path())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_the_cli() {
        assert_eq!(project_dir_name("/home/u/my project"), "-home-u-my-project");
        // One UTF-16 unit per BMP character, two for an astral one.
        assert_eq!(project_dir_name("/é😀"), "----");
        let long = format!("/{}", "a".repeat(300));
        let name = project_dir_name(&long);
        assert!(name.starts_with(&format!("-{}", "a".repeat(199))));
        assert_eq!(name.len(), 201 + simple_hash(&long).len());
    }

    #[test]
    fn hash_is_the_javascript_one() {
        // (h << 5) - h + c over "abc" = 96354; JS (96354).toString(36) = "22ci".
        assert_eq!(simple_hash("abc"), "22ci");
        assert_eq!(simple_hash(""), "0");
    }

    #[test]
    fn only_uuids_pass() {
        assert!(validate_uuid("123e4567-e89b-12d3-a456-426614174000").is_ok());
        assert!(validate_uuid("123E4567-E89B-12D3-A456-426614174000").is_ok());
        for bad in [
            "../../etc/passwd",
            "",
            "123e4567e89b12d3a456426614174000",
            "123e4567-e89b-12d3-a456-42661417400/",
        ] {
            assert!(validate_uuid(bad).is_err(), "{bad}");
        }
    }
}
