//! Finding the CLI executable and validating the command, against injected environments.

use claude_wire::cli::{build_command, CliLookup, Platform};
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
            let Error::CliNotFound { searched, .. } = e else {
                unreachable!()
            };
            (searched, text)
        }
        other => panic!("expected CliNotFound, got {other:?}"),
    }
}

/// A lookup that searches only what is under `home` (and `/usr/local/bin`): no cwd, no
/// virtualenv, no PATH, a fixed platform.
fn lookup(home: &Path) -> CliLookup {
    CliLookup {
        home: Some(home.to_path_buf()),
        platform: Some(Platform::LinuxX64),
        ..CliLookup::default()
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
        ..CliLookup::default()
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
        ..CliLookup::default()
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
        ..CliLookup::default()
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
        ..CliLookup::default()
    };
    assert_eq!(search.find(None).unwrap(), first);
}

#[test]
fn install_locations_are_the_usual_ones() {
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
        ".npm-global/lib/node_modules/@anthropic-ai/claude-code-linux-x64/claude".into(),
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

/// Every field set, nothing installed: the error lists each place in the documented order.
#[test]
fn every_place_is_checked_in_the_documented_order() {
    if system_cli_present() {
        eprintln!("skipped: /usr/local/bin/claude exists");
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let venv = r.join("venv");
    std::fs::create_dir_all(venv.join("lib/python3.12/site-packages")).unwrap();
    std::fs::create_dir_all(venv.join("lib/python3.11/site-packages")).unwrap();
    std::fs::create_dir_all(venv.join("lib/python3.13")).unwrap(); // no site-packages: skipped
    let cwd = r.join("project/sub");
    std::fs::create_dir_all(&cwd).unwrap();
    // `node` on PATH: npm's default global prefix is the directory above its `bin`.
    let node = make_executable(&r.join("nodejs/bin/node"));
    let search = CliLookup {
        cli_env: None,
        path: Some(std::env::join_paths([r.join("p1"), node.parent().unwrap().into()]).unwrap()),
        home: Some(r.join("home")),
        cache: Some(r.join("cache")),
        virtual_env: Some(venv.clone()),
        site_dirs: vec![r.join("site"), r.join("user-site")],
        package_dirs: vec![r.join("resolved/claude-agent-sdk-linux-x64")],
        cwd: Some(cwd.clone()),
        npm_prefix: Some(r.join("prefix")),
        platform: Some(Platform::LinuxArm64Musl),
    };
    let (places, text) = searched(search.find(None));
    let bundled = |site: PathBuf| site.join("claude_agent_sdk/_bundled/claude");
    let packages = |modules: PathBuf| {
        [
            modules.join("@anthropic-ai/claude-agent-sdk-linux-arm64-musl/claude"),
            modules.join("@anthropic-ai/claude-code-linux-arm64-musl/claude"),
        ]
    };
    let mut expected = vec![
        r.join(format!("cache/cli/{PINNED_CLI_VERSION}/claude")),
        r.join("resolved/claude-agent-sdk-linux-x64/claude"),
        bundled(r.join("site")),
        bundled(r.join("user-site")),
        bundled(venv.join("lib/python3.11/site-packages")),
        bundled(venv.join("lib/python3.12/site-packages")),
        r.join("p1/claude"),
        r.join("nodejs/bin/claude"),
    ];
    expected.extend(search.install_locations());
    for dir in cwd.ancestors() {
        expected.extend(packages(dir.join("node_modules")));
    }
    let real_node_prefix = r.join("nodejs").canonicalize().unwrap();
    for prefix in [
        r.join("prefix"),
        real_node_prefix,
        r.join("home/.npm-global"),
    ] {
        expected.extend(packages(prefix.join("lib/node_modules")));
    }
    assert_eq!(places, expected);
    for place in &places {
        assert!(text.contains(&place.display().to_string()), "{place:?}");
    }
}

#[test]
fn claude_wire_cache_is_honoured_and_wins_over_path() {
    let root = tempfile::tempdir().unwrap();
    let on_path = make_executable(&root.path().join("bin/claude"));
    let cached = make_executable(
        &root
            .path()
            .join(format!("mycache/cli/{PINNED_CLI_VERSION}/claude")),
    );
    // A copy in the default cache under home is ignored when CLAUDE_WIRE_CACHE names another.
    make_executable(&root.path().join(format!(
        "home/.cache/claude-wire/cli/{PINNED_CLI_VERSION}/claude"
    )));
    let mut search = lookup(&root.path().join("home"));
    search.path = Some(on_path.parent().unwrap().into());
    search.cache = Some(root.path().join("mycache"));
    assert_eq!(search.find(None).unwrap(), cached);
    assert_eq!(search.cache_root(), Some(root.path().join("mycache")));
    // Another version in the cache is not the pinned one: PATH wins.
    std::fs::remove_file(&cached).unwrap();
    make_executable(&root.path().join("mycache/cli/0.0.1/claude"));
    assert_eq!(search.find(None).unwrap(), on_path);
    // Without CLAUDE_WIRE_CACHE the cache is under home.
    assert_eq!(
        lookup(Path::new("/h")).cache_location(),
        Some(PathBuf::from(format!(
            "/h/.cache/claude-wire/cli/{PINNED_CLI_VERSION}/claude"
        )))
    );
}

#[test]
fn python_wheel_bundled_cli_is_found_before_path() {
    let root = tempfile::tempdir().unwrap();
    let on_path = make_executable(&root.path().join("bin/claude"));
    let site = root.path().join("site-packages");
    let bundled = make_executable(&site.join("claude_agent_sdk/_bundled/claude"));
    let mut search = lookup(&root.path().join("home"));
    search.path = Some(on_path.parent().unwrap().into());
    assert_eq!(
        search.find(None).unwrap(),
        on_path,
        "not searched unless given"
    );
    search.site_dirs = vec![root.path().join("elsewhere"), site.clone()];
    assert_eq!(search.find(None).unwrap(), bundled);

    // The same wheel found through VIRTUAL_ENV.
    let venv = root.path().join("venv");
    let in_venv = make_executable(
        &venv.join("lib/python3.11/site-packages/claude_agent_sdk/_bundled/claude"),
    );
    search.site_dirs.clear();
    search.virtual_env = Some(venv);
    assert_eq!(search.find(None).unwrap(), in_venv);

    // Our own cache at the pinned version comes first.
    search.cache = Some(root.path().join("cache"));
    let cached = make_executable(
        &root
            .path()
            .join(format!("cache/cli/{PINNED_CLI_VERSION}/claude")),
    );
    assert_eq!(search.find(None).unwrap(), cached);
}

#[test]
fn package_dirs_from_a_binding_come_before_site_dirs() {
    let root = tempfile::tempdir().unwrap();
    let site = root.path().join("site");
    make_executable(&site.join("claude_agent_sdk/_bundled/claude"));
    let package = root
        .path()
        .join("node_modules/@anthropic-ai/claude-agent-sdk-linux-x64");
    let resolved = make_executable(&package.join("claude"));
    let mut search = lookup(&root.path().join("home"));
    search.site_dirs = vec![site];
    search.package_dirs = vec![root.path().join("missing"), package];
    assert_eq!(search.find(None).unwrap(), resolved);
}

#[test]
fn npm_platform_packages_are_found_upward_from_cwd_after_path() {
    if system_cli_present() {
        eprintln!("skipped: /usr/local/bin/claude exists and comes before node_modules");
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let cwd = root.path().join("repo/packages/app");
    std::fs::create_dir_all(&cwd).unwrap();
    let modules = root.path().join("repo/node_modules/@anthropic-ai");
    let code = make_executable(&modules.join("claude-code-darwin-arm64/claude"));
    make_executable(&modules.join("claude-code-linux-x64/claude")); // another platform
    let mut search = lookup(&root.path().join("home"));
    search.platform = Some(Platform::DarwinArm64);
    search.cwd = Some(cwd.clone());
    assert_eq!(search.find(None).unwrap(), code);
    // The official TypeScript SDK's copy comes first in the same node_modules.
    let sdk = make_executable(&modules.join("claude-agent-sdk-darwin-arm64/claude"));
    assert_eq!(search.find(None).unwrap(), sdk);
    // A nearer node_modules wins.
    let nearer =
        make_executable(&cwd.join("node_modules/@anthropic-ai/claude-code-darwin-arm64/claude"));
    assert_eq!(search.find(None).unwrap(), nearer);
    // `claude` on PATH comes before a guess about the project.
    let on_path = make_executable(&root.path().join("bin/claude"));
    search.path = Some(on_path.parent().unwrap().into());
    assert_eq!(search.find(None).unwrap(), on_path);
}

#[test]
fn npm_global_root_is_found_from_the_prefix_and_from_node() {
    if system_cli_present() {
        eprintln!("skipped: /usr/local/bin/claude exists and comes before node_modules");
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let package = "lib/node_modules/@anthropic-ai/claude-code-linux-x64/claude";
    let node = make_executable(&root.path().join("node-v24/bin/node"));
    let beside_node = make_executable(&root.path().join("node-v24").join(package));
    let mut search = lookup(&root.path().join("home"));
    search.path = Some(node.parent().unwrap().into());
    assert_eq!(search.find(None).unwrap(), beside_node);
    let from_prefix = make_executable(&root.path().join("prefix").join(package));
    search.npm_prefix = Some(root.path().join("prefix"));
    assert_eq!(search.find(None).unwrap(), from_prefix);
}

#[test]
fn a_session_searches_the_dirs_its_binding_supplied() {
    let options = ClaudeAgentOptions {
        cli_site_dirs: vec!["/site".into()],
        cli_package_dirs: vec!["/pkg".into()],
        ..ClaudeAgentOptions::default()
    };
    let search = CliLookup::for_options(&options);
    assert_eq!(search.site_dirs, vec![PathBuf::from("/site")]);
    assert_eq!(search.package_dirs, vec![PathBuf::from("/pkg")]);
    assert_eq!(
        CliLookup {
            site_dirs: Vec::new(),
            package_dirs: Vec::new(),
            ..search
        },
        CliLookup::from_env()
    );
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
    let mut expected = vec![search.cache_location().unwrap()];
    expected.extend(dirs.iter().map(|d| d.join("claude")));
    expected.extend(search.install_locations());
    expected.extend(search.node_modules_locations());
    assert_eq!(places, expected);
    for place in &places {
        assert!(
            text.contains(&place.display().to_string()),
            "{place:?} missing from: {text}"
        );
    }
    for how in [
        format!("@anthropic-ai/claude-code@{PINNED_CLI_VERSION}"),
        "python -m claude_wire install-cli".into(),
        "npx claude-wire install-cli".into(),
        "claude_wire::cli::install()".into(),
        "CLAUDE_WIRE_CLI".into(),
    ] {
        assert!(text.contains(&how), "{how} missing from: {text}");
    }
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
        matches!(build_command(&options), Err(Error::CliNotFound { searched, configured: true }) if searched == vec![PathBuf::from("/no/such/claude")])
    );
}
