//! `claude_wire::cli::install` over HTTP: against a registry on 127.0.0.1 serving a tarball made
//! here, the cache layout shared with `scripts/fetch-cli.sh`, and (with
//! `CLAUDE_WIRE_TEST_INSTALL=1`) the real pinned CLI from the npm registry.

use claude_wire::cli::install::{Installer, Integrity};
use claude_wire::cli::{cached_cli_path, CliLookup, Platform};
use claude_wire::error::InstallProblem;
use claude_wire::{Error, PINNED_CLI_VERSION};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

/// A gzipped tarball holding `package/claude` = `script`, as `npm pack` lays it out.
fn tarball(script: &[u8]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut builder = tar::Builder::new(gz);
    for (path, data) in [
        ("package/package.json", &b"{\"name\":\"x\"}"[..]),
        ("package/claude", script),
    ] {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o755);
        header.set_cksum();
        builder.append_data(&mut header, path, data).unwrap();
    }
    builder.into_inner().unwrap().finish().unwrap()
}

fn fake_cli(version: &str) -> Vec<u8> {
    format!("#!/bin/sh\necho '{version} (Claude Code)'\n").into_bytes()
}

/// Answers by request path: status and body.
type Routes = Arc<Mutex<HashMap<String, (u16, Vec<u8>)>>>;

/// A registry on 127.0.0.1: answers by request path, and the paths asked, in order.
struct Registry {
    url: String,
    routes: Routes,
    asked: Arc<Mutex<Vec<String>>>,
}

const METADATA_PATH: &str = "/@anthropic-ai%2fclaude-code-linux-x64";
const TARBALL_PATH: &str = "/@anthropic-ai/claude-code-linux-x64/-/claude-code-linux-x64.tgz";

impl Registry {
    fn start() -> Registry {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let routes: Routes = Arc::default();
        let asked = Arc::new(Mutex::new(Vec::new()));
        let (table, log) = (routes.clone(), asked.clone());
        // Serves until the test process ends; every connection is closed after one answer.
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                reader.read_line(&mut request_line).unwrap();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
                        break;
                    }
                }
                let path = request_line
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or("")
                    .to_string();
                log.lock().unwrap().push(path.clone());
                let (status, body) = table
                    .lock()
                    .unwrap()
                    .get(&path)
                    .cloned()
                    .unwrap_or((404, b"{\"error\":\"Not found\"}".to_vec()));
                let head = format!(
                    "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            }
        });
        Registry { url, routes, asked }
    }

    fn route(&self, path: &str, status: u16, body: Vec<u8>) {
        self.routes
            .lock()
            .unwrap()
            .insert(path.to_string(), (status, body));
    }

    /// Publishes `dist` as `version` of the linux-x64 package.
    fn metadata(&self, version: &str, dist: serde_json::Value) {
        let metadata = serde_json::json!({
            "name": "@anthropic-ai/claude-code-linux-x64",
            "dist-tags": {"latest": version},
            "versions": {version: {"dist": dist}}
        });
        self.route(METADATA_PATH, 200, metadata.to_string().into_bytes());
    }

    /// A registry publishing `version` of the linux-x64 package as `tgz`, announcing
    /// `integrity` (the real one when `None`).
    fn publishing(version: &str, tgz: Vec<u8>, integrity: Option<&str>) -> Registry {
        let registry = Registry::start();
        let integrity = integrity.map_or_else(|| Integrity::of(&tgz), str::to_owned);
        registry.metadata(
            version,
            serde_json::json!({
                "tarball": format!("{}{TARBALL_PATH}", registry.url),
                "integrity": integrity,
                "shasum": "ignored",
            }),
        );
        registry.route(TARBALL_PATH, 200, tgz);
        registry
    }

    fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }
}

fn installer(registry: &str, cache: &Path, version: &str) -> Installer {
    Installer {
        version: version.into(),
        platform: Platform::LinuxX64,
        cache_root: cache.to_path_buf(),
        registry: registry.into(),
        force: false,
    }
}

fn problem(result: claude_wire::Result<PathBuf>) -> InstallProblem {
    match result {
        Err(Error::CliInstall {
            package, problem, ..
        }) => {
            assert_eq!(package, "@anthropic-ai/claude-code-linux-x64");
            *problem
        }
        other => panic!("expected CliInstall, got {other:?}"),
    }
}

/// Files in the version's directory other than the CLI (temporary files left behind).
fn leftovers(cache: &Path, version: &str) -> Vec<String> {
    let dir = cache.join("cli").join(version);
    std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|name| name != "claude")
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn installs_from_a_registry_then_keeps_the_installed_copy() {
    let registry = Registry::publishing("1.2.3", tarball(&fake_cli("1.2.3")), None);
    let cache = tempfile::tempdir().unwrap();
    let setup = installer(&registry.url, cache.path(), "1.2.3");
    let cli = setup.run().unwrap();
    assert_eq!(cli, cached_cli_path(cache.path(), "1.2.3"));
    assert_eq!(cli, cache.path().join("cli/1.2.3/claude"));
    assert_eq!(std::fs::read(&cli).unwrap(), fake_cli("1.2.3"));
    let mode = std::fs::metadata(&cli).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o755);
    assert_eq!(registry.asked(), [METADATA_PATH, TARBALL_PATH]);
    assert!(leftovers(cache.path(), "1.2.3").is_empty());

    // Installed already: the registry is not asked again.
    assert_eq!(setup.run().unwrap(), cli);
    assert_eq!(registry.asked().len(), 2);
    // Unless forced.
    let forced = Installer {
        force: true,
        ..setup.clone()
    };
    assert_eq!(forced.run().unwrap(), cli);
    assert_eq!(registry.asked().len(), 4);
}

#[test]
fn a_tampered_tarball_is_refused_and_nothing_is_installed() {
    let announced = Integrity::of(b"what the registry signed");
    let registry = Registry::publishing("1.2.3", tarball(&fake_cli("1.2.3")), Some(&announced));
    let cache = tempfile::tempdir().unwrap();
    match problem(installer(&registry.url, cache.path(), "1.2.3").run()) {
        InstallProblem::Integrity {
            expected, actual, ..
        } => {
            assert_eq!(expected, announced);
            assert_ne!(actual, announced);
        }
        other => panic!("{other:?}"),
    }
    assert!(!cache.path().join("cli/1.2.3/claude").exists());
    assert!(leftovers(cache.path(), "1.2.3").is_empty());
}

#[test]
fn a_binary_reporting_another_version_is_refused() {
    let registry = Registry::publishing("1.2.3", tarball(&fake_cli("1.2.4")), None);
    let cache = tempfile::tempdir().unwrap();
    let problem = problem(installer(&registry.url, cache.path(), "1.2.3").run());
    assert!(
        matches!(&problem, InstallProblem::Broken(m) if m.contains("1.2.4")),
        "{problem}"
    );
    assert!(!cache.path().join("cli/1.2.3/claude").exists());
    assert!(leftovers(cache.path(), "1.2.3").is_empty());
}

#[test]
fn missing_version_package_and_registry_are_typed_errors() {
    let registry = Registry::publishing("1.2.3", tarball(&fake_cli("1.2.3")), None);
    let cache = tempfile::tempdir().unwrap();
    let err = installer(&registry.url, cache.path(), "9.9.9")
        .run()
        .unwrap_err();
    assert!(err.to_string().contains("newest: 1.2.3"), "{err}");
    assert_eq!(err.kind().as_str(), "cli_install");
    assert!(matches!(
        problem(Err(err)),
        InstallProblem::VersionNotFound { latest: Some(v) } if v == "1.2.3"
    ));

    // A version is a version, not a path.
    for bad in ["../../x", "", "latest", "1.0/2"] {
        let err = installer(&registry.url, cache.path(), bad)
            .run()
            .unwrap_err();
        assert!(matches!(err, Error::InvalidOptions(_)), "{bad:?}: {err}");
    }

    let empty = Registry::start();
    assert!(matches!(
        problem(installer(&empty.url, cache.path(), "1.2.3").run()),
        InstallProblem::PackageNotFound { url } if url.ends_with(METADATA_PATH)
    ));

    // A registry error status, on the metadata or on the tarball.
    empty.route(METADATA_PATH, 503, b"busy".to_vec());
    assert!(matches!(
        problem(installer(&empty.url, cache.path(), "1.2.3").run()),
        InstallProblem::Network { message, .. } if message == "HTTP 503"
    ));
    registry.route(TARBALL_PATH, 500, Vec::new());
    assert!(matches!(
        problem(installer(&registry.url, cache.path(), "1.2.3").run()),
        InstallProblem::Network { url, message } if url.ends_with(TARBALL_PATH) && message == "HTTP 500"
    ));

    // Nothing listens on port 9 of the loopback address.
    assert!(matches!(
        problem(installer("http://127.0.0.1:9", cache.path(), "1.2.3").run()),
        InstallProblem::Network { .. }
    ));
}

#[test]
fn plain_http_tarballs_are_refused_unless_on_loopback() {
    let cache = tempfile::tempdir().unwrap();
    // A registry on loopback announcing a tarball on a plain-HTTP remote host.
    let registry = Registry::start();
    registry.metadata(
        "1.2.3",
        serde_json::json!({"tarball": "http://example.invalid/x.tgz", "integrity": Integrity::of(b"x")}),
    );
    let problem = problem(installer(&registry.url, cache.path(), "1.2.3").run());
    assert!(
        matches!(&problem, InstallProblem::BadPackage(m) if m.contains("not HTTPS")),
        "{problem}"
    );
}

/// The cache layout is the one `scripts/fetch-cli.sh` writes: a CLI the script would accept is
/// found by discovery and kept by the installer, and the script accepts what the core installed.
#[test]
fn cache_layout_agrees_with_fetch_cli_script() {
    let cache = tempfile::tempdir().unwrap();
    let dest = cached_cli_path(cache.path(), PINNED_CLI_VERSION);
    std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
    std::fs::write(&dest, fake_cli(PINNED_CLI_VERSION)).unwrap();
    std::fs::set_permissions(&dest, std::fs::Permissions::from_mode(0o755)).unwrap();

    // Discovery with CLAUDE_WIRE_CACHE pointing there finds it.
    let lookup = CliLookup {
        cache: Some(cache.path().to_path_buf()),
        ..CliLookup::default()
    };
    assert_eq!(lookup.find(None).unwrap(), dest);
    // The installer keeps it without asking any registry (none listens on port 9).
    let kept = installer("http://127.0.0.1:9", cache.path(), PINNED_CLI_VERSION).run();
    assert_eq!(kept.unwrap(), dest);

    // The script, given the same cache, prints the same path and fetches nothing.
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/fetch-cli.sh");
    let output = Command::new("bash")
        .arg(&script)
        .env("CLAUDE_WIRE_CACHE", cache.path())
        .env_remove("CLAUDE_WIRE_CLI_VERSION")
        .env("PATH", "/usr/bin:/bin") // no npm needed: it must not fetch
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        dest.to_str().unwrap()
    );
    let entries: Vec<_> = std::fs::read_dir(dest.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(entries, ["claude"]);

    // Without CLAUDE_WIRE_CACHE both use ~/.cache/claude-wire.
    let home = tempfile::tempdir().unwrap();
    let lookup = CliLookup {
        home: Some(home.path().to_path_buf()),
        ..CliLookup::default()
    };
    let default = home.path().join(format!(
        ".cache/claude-wire/cli/{PINNED_CLI_VERSION}/claude"
    ));
    assert_eq!(lookup.cache_location(), Some(default.clone()));
    std::fs::create_dir_all(default.parent().unwrap()).unwrap();
    std::fs::copy(&dest, &default).unwrap();
    let output = Command::new("bash")
        .arg(&script)
        .env_remove("CLAUDE_WIRE_CACHE")
        .env_remove("CLAUDE_WIRE_CLI_VERSION")
        .env("HOME", home.path())
        .env("PATH", "/usr/bin:/bin")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        default.to_str().unwrap()
    );
}

/// The real thing: the pinned CLI from the npm registry (~80 MB download, ~380 MB on disk) into a
/// temporary cache, then `<installed> --version`. Run with `CLAUDE_WIRE_TEST_INSTALL=1 cargo test
/// -p claude-wire --test cli_install -- --nocapture`.
#[test]
#[cfg_attr(
    not(claude_wire_test_install),
    ignore = "downloads the real CLI: set CLAUDE_WIRE_TEST_INSTALL=1"
)]
fn installs_the_pinned_cli_from_the_npm_registry() {
    let cache = tempfile::tempdir().unwrap();
    let mut setup = Installer::from_env().unwrap();
    setup.cache_root = cache.path().to_path_buf();
    let started = std::time::Instant::now();
    let cli = setup.run().unwrap();
    let took = started.elapsed();
    eprintln!(
        "installed {} ({}) in {took:.1?}: download, sha512 check, extraction, --version check",
        cli.display(),
        setup.package()
    );
    assert_eq!(cli, cached_cli_path(cache.path(), PINNED_CLI_VERSION));
    let output = Command::new(&cli).arg("--version").output().unwrap();
    let version = String::from_utf8_lossy(&output.stdout);
    assert_eq!(version.split_whitespace().next(), Some(PINNED_CLI_VERSION));
    assert!(leftovers(cache.path(), PINNED_CLI_VERSION).is_empty());
    // A second run finds it in place.
    let again = std::time::Instant::now();
    assert_eq!(setup.run().unwrap(), cli);
    eprintln!("second run (already installed): {:.1?}", again.elapsed());
}
