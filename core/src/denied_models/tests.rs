use super::*;

fn names(list: &[&str]) -> Vec<ListItem> {
    list.iter().map(|n| ListItem::Name((*n).into())).collect()
}

fn check(models: &[&str], denied: &[&str]) -> DeniedModelsMatch {
    match_denied_models(Some(&names(models)), Some(Some(&names(denied))))
}

#[test]
fn families_models_and_literals() {
    let models = ["claude-opus-4-1", "opus", "claude-sonnet-4-5-20250929", "x"];
    assert_eq!(check(&models, &["opus"]).denied, [true, true, false, false]);
    assert_eq!(
        check(&models, &["claude-sonnet-4-5"]).denied,
        [false, false, true, false]
    );
    assert_eq!(
        check(&models, &["Claude-Opus-4"]).denied,
        [true, false, false, false]
    );
    assert_eq!(
        check(&models, &["opus-4-1"]).denied,
        [true, false, false, false]
    );
    assert_eq!(check(&models, &["claude-opus-4-0"]).denied, [false; 4]);
    let star = check(&models, &["claude-opus-*"]);
    assert_eq!(star.denied, [false; 4]);
    assert!(star.warnings[0].starts_with("\"claude-opus-*\" blocks only the exact model name"));
}

#[test]
fn spellings_of_one_model() {
    let blocked_by = |denied: &str, model: &str| check(&[model], &[denied]).denied[0];
    for model in [
        "claude-opus-4-1@20250805",
        "us.anthropic.claude-opus-4-1-20250805-v1:0",
        "anthropic.claude-opus-4-1",
        "claude-opus-4-1[1m]",
        "CLAUDE-OPUS-4-1",
        "claude-opus-4-1-fast",
        "projects/p/models/claude-opus-4-1",
    ] {
        assert!(blocked_by("claude-opus-4-1", model), "{model}");
    }
    for model in [
        "claude-opus-4-10",
        "claude-opus-4",
        "xx.anthropic.claude-opus-4-1",
    ] {
        assert!(!blocked_by("claude-opus-4-1", model), "{model}");
    }
    assert!(blocked_by("claude-opus-4-0", "claude-opus-4-20250514"));
    assert!(blocked_by("3-opus", "claude-3-opus-20240229"));
    assert!(blocked_by("claude-opus-4-1-foo", "claude-opus-4-1-foo-bar"));
    assert!(!blocked_by("claude-opus-4-1-foo", "claude-opus-4-1-foobar"));
    assert!(blocked_by("opus", "my-opus-model"));
    assert!(!blocked_by("opus", "opusplan"));
}

#[test]
fn notes() {
    let note = |denied: &str| check(&["m"], &[denied]).warnings;
    assert_eq!(note(""), ["An empty deniedModels entry was ignored."]);
    assert!(note("best")[0].contains("was ignored: it names a different model"));
    assert!(note("claude-opus-4.1")[0].ends_with("write it with a hyphen: \"claude-opus-4-1\"."));
    assert!(note("opus 4")[0]
        .ends_with("write \"claude-opus-4-0\"; \"claude-opus-4\" blocks every Opus 4.x model."));
    assert!(note("opus 4.1")[0].ends_with("for example \"claude-opus-4-1\"."));
    assert!(note("opsu")[0].ends_with("If you meant the Opus family, write \"opus\"."));
    assert!(note("gemini")[0].ends_with("list its versioned IDs."));
    assert_eq!(
        note("sonnet[1m]"),
        [format!(
            "\"sonnet[1m]\" blocks every Sonnet model.{TAG_NOTE}"
        )]
    );
    assert_eq!(note("claude-sonnet-4-5-20250929"), ["\"claude-sonnet-4-5-20250929\" blocks Sonnet 4.5 in every spelling and snapshot. \"-20250929\" is ignored."]);
    assert_eq!(quoted(&"a\u{1}".repeat(100)).chars().count(), 129);
}

#[test]
fn lists_that_are_not_lists() {
    let not_list = match_denied_models(Some(&names(&["opus"])), Some(None));
    assert_eq!(
        (not_list.denied, not_list.warnings),
        (vec![false], vec![NOT_A_LIST.to_string()])
    );
    let absent = match_denied_models(None, None);
    assert_eq!(absent.denied, Vec::<bool>::new());
    assert_eq!(
        absent.warnings,
        ["\"models\" is not a list of model names, so nothing was matched."]
    );
    let mixed = [
        ListItem::Other("null".into()),
        ListItem::Name("OPUS".into()),
    ];
    let models = [
        ListItem::Name("opus".into()),
        ListItem::Other("number".into()),
    ];
    let m = match_denied_models(Some(&models), Some(Some(&mixed)));
    assert_eq!(m.denied, [true, false]);
    assert_eq!(m.warnings.len(), 2);
}
