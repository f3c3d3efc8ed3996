//! Finding the CLI executable and validating the command, against injected environments.

use claude_wire::cli::{build_command, CliLookup};
use claude_wire::{ClaudeAgentOptions, Error, PINNED_CLI_VERSION};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// `/usr/local/bin/claude` is the one location outside the injected home; tests that need it
/// absent say so instead of failing on a machine that has it.
fn system_cli_present() -> bool {
    Path::new("/usr/local/bin/claude").exists()
}

fn make_executable(path: &Path) -> PathBuf {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, "#!/bin/sh\n").unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.to_path_buf()
}

fn searched(result: claude_wire::Result<PathBuf>) -> (Vec<PathBuf>, String) {
    match result {
        Err(e @ Error::CliNotFound { .. }) => {
            let text = e.to_string();
            let Error::CliNotFound { searched } = e else {
                unreachable!()
            };
            (searched, text)
        }
        other => panic!("expected CliNotFound, got {other:?}"),
    }
}

fn lookup(home: &Path) -> CliLookup {
    CliLookup {
        cli_env: None,
        path: None,
        home: Some(home.to_path_buf()),
    }
}

#[test]
fn explicit_path_missing_is_an_error_naming_it() {
    let home = tempfile::tempdir().unwrap();
    let other = make_executable(&home.path().join("bin/claude"));
    let missing = home.path().join("nope/claude");
    let mut search = lookup(home.path());
    search.cli_env = Some(other.clone().into());
    let (places, text) = searched(search.find(Some(&missing)));
    assert_eq!(places, vec![missing.clone()]);
    assert!(text.contains(&missing.display().to_string()), "{text}");
}

#[test]
fn explicit_path_wins_over_everything() {
    let home = tempfile::tempdir().unwrap();
    let explicit = make_executable(&home.path().join("explicit/claude"));
    let from_env = make_executable(&home.path().join("env/claude"));
    let on_path = make_executable(&home.path().join("pathdir/claude"));
    let search = CliLookup {
        cli_env: Some(from_env.into()),
        path: Some(on_path.parent().unwrap().into()),
        home: Some(home.path().into()),
    };
    assert_eq!(search.find(Some(&explicit)).unwrap(), explicit);
}

#[test]
fn env_var_is_used_before_path() {
    let home = tempfile::tempdir().unwrap();
    let from_env = make_executable(&home.path().join("env/claude"));
    let on_path = make_executable(&home.path().join("pathdir/claude"));
    let search = CliLookup {
        cli_env: Some(from_env.clone().into()),
        path: Some(on_path.parent().unwrap().into()),
        home: Some(home.path().into()),
    };
    assert_eq!(search.find(None).unwrap(), from_env);
}

#[test]
fn env_var_pointing_nowhere_is_an_error() {
    let home = tempfile::tempdir().unwrap();
    let on_path = make_executable(&home.path().join("pathdir/claude"));
    let missing = home.path().join("gone");
    let search = CliLookup {
        cli_env: Some(missing.clone().into()),
        path: Some(on_path.parent().unwrap().into()),
        home: Some(home.path().into()),
    };
    assert_eq!(searched(search.find(None)).0, vec![missing]);
}

#[test]
fn path_is_searched_in_order_and_needs_an_executable() {
    let home = tempfile::tempdir().unwrap();
    let not_exec = home.path().join("a/claude");
    std::fs::create_dir_all(not_exec.parent().unwrap()).unwrap();
    std::fs::write(&not_exec, "data").unwrap();
    let first = make_executable(&home.path().join("b/claude"));
    let _second = make_executable(&home.path().join("c/claude"));
    let dirs = ["a", "b", "c"].map(|d| home.path().join(d));
    let search = CliLookup {
        cli_env: None,
        path: Some(std::env::join_paths(dirs).unwrap()),
        home: Some(home.path().into()),
    };
    assert_eq!(search.find(None).unwrap(), first);
}

#[test]
fn install_locations_are_the_usual_ones_then_our_cache() {
    let home = Path::new("/h");
    let expected: Vec<PathBuf> = [
        "/h/.npm-global/bin/claude",
        "/usr/local/bin/claude",
        "/h/.local/bin/claude",
        "/h/node_modules/.bin/claude",
        "/h/.yarn/bin/claude",
        "/h/.claude/local/claude",
    ]
    .iter()
    .map(PathBuf::from)
    .chain([home
        .join(".cache/claude-wire/cli")
        .join(PINNED_CLI_VERSION)
        .join("claude")])
    .collect();
    assert_eq!(lookup(home).install_locations(), expected);
    let no_home = CliLookup::default();
    assert_eq!(
        no_home.install_locations(),
        vec![PathBuf::from("/usr/local/bin/claude")]
    );
}

#[test]
fn each_fallback_location_is_found() {
    if system_cli_present() {
        eprintln!("skipped: /usr/local/bin/claude exists and shadows the home locations");
        return;
    }
    for relative in [
        ".npm-global/bin/claude".to_string(),
        ".local/bin/claude".into(),
        "node_modules/.bin/claude".into(),
        ".yarn/bin/claude".into(),
        ".claude/local/claude".into(),
        format!(".cache/claude-wire/cli/{PINNED_CLI_VERSION}/claude"),
    ] {
        let home = tempfile::tempdir().unwrap();
        let cli = make_executable(&home.path().join(&relative));
        let empty_path = home.path().join("empty-bin");
        std::fs::create_dir_all(&empty_path).unwrap();
        let mut search = lookup(home.path());
        search.path = Some(empty_path.into());
        assert_eq!(search.find(None).unwrap(), cli, "{relative}");
    }
}

#[test]
fn earlier_fallback_location_wins() {
    let home = tempfile::tempdir().unwrap();
    let npm = make_executable(&home.path().join(".npm-global/bin/claude"));
    make_executable(&home.path().join(".local/bin/claude"));
    assert_eq!(lookup(home.path()).find(None).unwrap(), npm);
}

#[test]
fn nothing_found_lists_every_place_and_the_pinned_version() {
    if system_cli_present() {
        eprintln!("skipped: /usr/local/bin/claude exists");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let dirs = [home.path().join("p1"), home.path().join("p2")];
    let mut search = lookup(home.path());
    search.path = Some(std::env::join_paths(&dirs).unwrap());
    let (places, text) = searched(search.find(None));
    let mut expected: Vec<PathBuf> = dirs.iter().map(|d| d.join("claude")).collect();
    expected.extend(search.install_locations());
    assert_eq!(places, expected);
    for place in &places {
        assert!(
            text.contains(&place.display().to_string()),
            "{place:?} missing from: {text}"
        );
    }
    assert!(
        text.contains(&format!("@anthropic-ai/claude-code@{PINNED_CLI_VERSION}")),
        "{text}"
    );
    assert!(text.contains("CLAUDE_WIRE_CLI"), "{text}");
}

#[test]
fn directory_is_not_a_cli() {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".local/bin/claude")).unwrap();
    let dir = home.path().join(".local/bin/claude");
    assert_eq!(searched(lookup(home.path()).find(Some(&dir))).0, vec![dir]);
}

#[test]
fn build_command_rejects_missing_cwd() {
    let home = tempfile::tempdir().unwrap();
    let cli = make_executable(&home.path().join("claude"));
    let missing = home.path().join("no-such-dir");
    let options = ClaudeAgentOptions::new().cli_path(&cli).cwd(&missing);
    match build_command(&options) {
        Err(Error::CwdNotFound(path)) => assert_eq!(path, missing),
        other => panic!("expected CwdNotFound, got {other:?}"),
    }
    let file_as_cwd = ClaudeAgentOptions::new().cli_path(&cli).cwd(&cli);
    assert!(matches!(
        build_command(&file_as_cwd),
        Err(Error::CwdNotFound(_))
    ));
}

#[test]
fn build_command_assembles_program_args_env_cwd_user() {
    let home = tempfile::tempdir().unwrap();
    let cli = make_executable(&home.path().join("claude"));
    let options = ClaudeAgentOptions::new()
        .cli_path(&cli)
        .cwd(home.path())
        .model("m")
        .user("nobody")
        .env_var("CLAUDE_WIRE_TEST_VAR", "yes");
    let cmd = build_command(&options).unwrap();
    assert_eq!(cmd.program, cli);
    assert_eq!(cmd.args, claude_wire::cli::build_args(&options).unwrap());
    assert_eq!(cmd.cwd.as_deref(), Some(home.path()));
    assert_eq!(cmd.user.as_deref(), Some("nobody"));
    let get = |k: &str| {
        cmd.env
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(get("CLAUDE_WIRE_TEST_VAR"), Some("yes".into()));
    assert_eq!(get("PWD"), Some(home.path().as_os_str().to_owned()));
    assert_eq!(get("CLAUDE_CODE_ENTRYPOINT"), Some("sdk-rust".into()));
    // The parent environment is inherited.
    assert_eq!(get("PATH"), std::env::var_os("PATH"));
}

#[test]
fn build_command_reports_missing_explicit_cli() {
    let options = ClaudeAgentOptions::new().cli_path("/no/such/claude");
    assert!(
        matches!(build_command(&options), Err(Error::CliNotFound { searched }) if searched == vec![PathBuf::from("/no/such/claude")])
    );
}
