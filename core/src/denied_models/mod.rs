//! Which models a managed `deniedModels` list blocks, judged by model names alone as the CLI of
//! this version judges them (the TypeScript SDK's `matchDeniedModels`), with the CLI's notes on
//! entries it ignores or that block more, or less, than they seem to.
//!
//! An entry is a family (`opus`: every Opus model), a model (`claude-opus-4-1`: Opus 4.1 in
//! every spelling: dated snapshots, `-fast`, provider prefixes such as `us.anthropic.`, paths,
//! the legacy `claude-3-opus` order), or else a literal name matched exactly. Context-size
//! tags (`[1m]`) and letter case are ignored. Nothing here is the CLI's enforcement: `true`
//! means the CLI refuses the model too; `false` promises nothing.

mod model_id;
#[cfg(test)]
mod tests;

use model_id::{parse_id, ModelId};

/// One entry of a list: a name, or a value of another type (named as JS `typeof` names it,
/// `"null"` for null), which blocks nothing and is noted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListItem {
    /// A model name.
    Name(String),
    /// Not a string: its type.
    Other(String),
}

impl ListItem {
    /// The item a JSON value gives (`number`, `boolean`, `object` or `null` for a non-string).
    pub fn from_json(value: &serde_json::Value) -> ListItem {
        use serde_json::Value;
        match value {
            Value::String(name) => ListItem::Name(name.clone()),
            Value::Null => ListItem::Other("null".into()),
            Value::Bool(_) => ListItem::Other("boolean".into()),
            Value::Number(_) => ListItem::Other("number".into()),
            Value::Array(_) | Value::Object(_) => ListItem::Other("object".into()),
        }
    }
}

/// What [`match_denied_models`] answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeniedModelsMatch {
    /// For each model asked about, in order: whether an entry blocks it.
    pub denied: Vec<bool>,
    /// Notes on entries (ignored ones, surprising reach) and on models that are no names.
    pub warnings: Vec<String>,
}

const FAMILIES: [&str; 4] = ["sonnet", "opus", "haiku", "fable"];
const NOT_A_LIST: &str = "\"deniedModels\" was present but is not a list of model names, so it was ignored and blocks no models until it is fixed.";
const TAG_NOTE: &str = " Context-size tags such as [1m] are ignored: the entry blocks the model at every context size.";

/// Which of `models` the `denied` list blocks. `models`: `None` when it is not a list;
/// `denied`: `None` when absent, `Some(None)` when present but not a list. Never fails.
pub fn match_denied_models(
    models: Option<&[ListItem]>,
    denied: Option<Option<&[ListItem]>>,
) -> DeniedModelsMatch {
    let mut model_notes = Vec::new();
    match models {
        None => model_notes.push("\"models\" is not a list of model names, so nothing was matched.".to_string()),
        Some(models) => model_notes.extend(models.iter().filter_map(|m| match m {
            ListItem::Name(_) => None,
            ListItem::Other(kind) => Some(format!("\"models\" contained a non-string entry ({kind}), which is not a model name, so it cannot be matched.")),
        })),
    }
    let models = models.unwrap_or_default();
    let Some(denied) = denied.unwrap_or(Some(&[])) else {
        let mut warnings = vec![NOT_A_LIST.to_string()];
        warnings.extend(model_notes);
        return DeniedModelsMatch {
            denied: vec![false; models.len()],
            warnings: unique(warnings),
        };
    };
    let mut warnings = Vec::new();
    let mut entries = Vec::new();
    for item in denied {
        match item {
            ListItem::Name(name) => entries.push(name.as_str()),
            ListItem::Other(kind) => warnings.push(format!(
                "\"deniedModels\" contained a non-string entry ({kind}); the entry was ignored."
            )),
        }
    }
    let classified: Vec<(Option<Entry>, Option<String>)> =
        entries.iter().map(|e| classify(e)).collect();
    warnings.extend(classified.iter().filter_map(|(_, w)| w.clone()));
    warnings.extend(model_notes);
    let denied = models
        .iter()
        .map(|m| match m {
            ListItem::Name(name) => blocked(name, &classified),
            ListItem::Other(_) => false,
        })
        .collect();
    DeniedModelsMatch {
        denied,
        warnings: unique(warnings),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Entry {
    Literal(String),
    Family(String),
    Model(ModelId),
}

/// JavaScript's whitespace (what `trim()` and `\s` take: Unicode's, less U+0085, plus U+FEFF).
pub(super) fn js_space(c: char) -> bool {
    (c.is_whitespace() && c != '\u{85}') || c == '\u{feff}'
}

pub(super) fn js_trim(text: &str) -> &str {
    text.trim_matches(js_space)
}

/// Removes every `[1m]` / `[2m]` (any letter case).
fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('[') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let tag = tail.len() >= 4
            && matches!(tail.as_bytes()[1], b'1' | b'2')
            && tail.as_bytes()[2].eq_ignore_ascii_case(&b'm')
            && tail.as_bytes()[3] == b']';
        if tag {
            rest = &tail[4..];
        } else {
            out.push('[');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

fn capitalised(family: &str) -> String {
    let mut chars = family.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// An entry or model as a note quotes it: control characters as `?`, cut at 128 UTF-16 units.
fn quoted(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| {
            if matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}') {
                '?'
            } else {
                c
            }
        })
        .collect();
    if clean.encode_utf16().count() <= 128 {
        return clean;
    }
    let mut units = 0;
    let cut: String = clean
        .chars()
        .take_while(|c| {
            units += c.len_utf16();
            units <= 128
        })
        .collect();
    format!("{cut}…")
}

fn unique(list: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    list.into_iter()
        .filter(|w| seen.insert(w.clone()))
        .collect()
}

/// An entry of the list and the note on it, if any; `None` for an ignored entry.
fn classify(entry: &str) -> (Option<Entry>, Option<String>) {
    let t = js_trim(entry).to_lowercase();
    let n = js_trim(&strip_tags(&t)).to_string();
    let tag = if n != t { TAG_NOTE } else { "" };
    if n.is_empty() {
        return (
            None,
            Some("An empty deniedModels entry was ignored.".into()),
        );
    }
    if FAMILIES.contains(&n.as_str()) {
        let note = (!tag.is_empty()).then(|| {
            format!(
                "\"{}\" blocks every {} model.{tag}",
                quoted(entry),
                capitalised(&n)
            )
        });
        return (Some(Entry::Family(n)), note);
    }
    // Aliases whose model moves with the release and the settings.
    if matches!(n.as_str(), "best" | "opusplan" | "default") {
        return (None, Some(format!("\"{}\" was ignored: it names a different model depending on the release and settings. Name the model instead, for example \"claude-opus-5-5\".", quoted(entry))));
    }
    let direct = parse_id(&n);
    let spelled = if direct.is_some() || n.starts_with("claude-") {
        n.clone()
    } else {
        format!("claude-{n}")
    };
    let id = direct.or_else(|| (spelled != n).then(|| parse_id(&spelled)).flatten());
    if let Some(id) = id {
        let tail = spelled
            .rfind(&id.base)
            .map(|at| &spelled[at + id.base.len()..])
            .unwrap_or("");
        let ignored = if id.trailer.is_none() && !tail.is_empty() {
            format!(" \"{}\" is ignored.", quoted(tail))
        } else {
            String::new()
        };
        let reach = match id.minor {
            None => format!("every {} {}.x model", capitalised(&id.family), id.major),
            Some(minor) => format!(
                "{} {}.{minor} in every spelling and snapshot",
                capitalised(&id.family),
                id.major
            ),
        };
        let note = (!tag.is_empty() || !ignored.is_empty())
            .then(|| format!("\"{}\" blocks {reach}.{ignored}{tag}", quoted(entry)));
        return (Some(Entry::Model(id)), note);
    }
    let note = literal_note(entry, &n);
    (Some(Entry::Literal(n)), Some(note))
}

/// The note on an entry matched only as the exact name `n`, with a hint at what was meant.
fn literal_note(entry: &str, n: &str) -> String {
    let head = format!("\"{}\" blocks only the exact model name \"{}\"; other spellings of the same model are not blocked.", quoted(entry), quoted(n));
    let hyphenated = hyphenate_versions(n);
    if hyphenated != n {
        let id = if hyphenated.starts_with("claude-") {
            hyphenated
        } else {
            format!("claude-{hyphenated}")
        };
        if parse_id(&id).is_some() {
            return format!(
                "{head} To block a version, write it with a hyphen: \"{}\".",
                quoted(&id)
            );
        }
    }
    if let Some((family, major, minor)) = family_and_version(n) {
        return match minor {
            Some(minor) => format!("{head} To block a version, write its model ID, for example \"claude-{family}-{major}-{minor}\"."),
            None => format!("{head} To block only version {major}, write \"claude-{family}-{major}-0\"; \"claude-{family}-{major}\" blocks every {} {major}.x model.", capitalised(family)),
        };
    }
    if !n.is_empty() && n.bytes().all(|b| b.is_ascii_lowercase()) {
        return match FAMILIES.iter().find(|f| one_edit_apart(n, f)) {
            Some(family) => format!("{head} If you meant the {} family, write \"{family}\".", capitalised(family)),
            None => format!("{head} To block a model family other than sonnet, opus, haiku or fable, list its versioned IDs."),
        };
    }
    head
}

/// `4.5` → `4-5` wherever a digit, a dot and a digit meet (left to right, not overlapping).
fn hyphenate_versions(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if i + 2 < chars.len()
            && chars[i].is_ascii_digit()
            && chars[i + 1] == '.'
            && chars[i + 2].is_ascii_digit()
        {
            out.extend([chars[i], '-', chars[i + 2]]);
            i += 3;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// `opus 4` / `opus 4.1`: the family, the major and the minor as written.
fn family_and_version(n: &str) -> Option<(&str, &str, Option<&str>)> {
    let family = FAMILIES.into_iter().find(|f| n.starts_with(f))?;
    let rest = &n[family.len()..];
    let version = rest.trim_start_matches(js_space);
    if version.len() == rest.len() {
        return None;
    }
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    match version.split_once('.') {
        Some((major, minor)) if digits(major) && digits(minor) => {
            Some((family, major, Some(minor)))
        }
        None if digits(version) => Some((family, version, None)),
        _ => None,
    }
}

/// Whether `a` and `b` are exactly one edit apart (insert, delete, substitute, or swap two
/// neighbours: the optimal string alignment distance).
fn one_edit_apart(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    rows[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = d;
        }
    }
    rows[a.len()][b.len()] == 1
}

/// Whether an entry blocks `model`.
fn blocked(model: &str, entries: &[(Option<Entry>, Option<String>)]) -> bool {
    let name = strip_tags(js_trim(model)).to_lowercase();
    let id = parse_id(&name);
    entries
        .iter()
        .filter_map(|(entry, _)| entry.as_ref())
        .any(|entry| match entry {
            Entry::Literal(value) => &name == value,
            Entry::Family(family) => {
                id.as_ref().is_some_and(|id| &id.family == family) || has_word(&name, family)
            }
            Entry::Model(entry) => id.as_ref().is_some_and(|id| same_model(entry, id)),
        })
}

fn same_model(entry: &ModelId, id: &ModelId) -> bool {
    if entry.family != id.family || entry.major != id.major {
        return false;
    }
    if entry
        .minor
        .is_some_and(|minor| id.minor.unwrap_or(0) != minor)
    {
        return false;
    }
    match &entry.trailer {
        None => true,
        Some(trailer) => {
            let theirs = id.trailer.as_deref().unwrap_or("");
            theirs == trailer
                || theirs
                    .strip_prefix(trailer.as_str())
                    .is_some_and(|r| r.starts_with('-'))
        }
    }
}

/// `word` in `text` with no ASCII letter or digit right before or after it.
fn has_word(text: &str, word: &str) -> bool {
    let bytes = text.as_bytes();
    text.match_indices(word).any(|(at, _)| {
        let end = at + word.len();
        (at == 0 || !bytes[at - 1].is_ascii_alphanumeric())
            && (end == bytes.len() || !bytes[end].is_ascii_alphanumeric())
    })
}
