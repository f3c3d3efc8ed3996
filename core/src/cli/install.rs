//! Installing the pinned Claude Code CLI from the npm registry (cargo feature `install`).
//!
//! [`install`] fetches the npm package `@anthropic-ai/claude-code-<platform>` at
//! [`crate::PINNED_CLI_VERSION`]: it reads `dist.tarball` and
//! `dist.integrity` from the registry's metadata, downloads the tarball over HTTPS (the
//! platform's trust store, proxies from `HTTPS_PROXY`/`ALL_PROXY`), checks its sha512
//! integrity, extracts `package/claude`, checks that it runs and reports the version, and moves
//! it into place atomically (a temporary file in the same directory, then a rename) at
//! `${CLAUDE_WIRE_CACHE:-~/.cache/claude-wire}/cli/<version>/claude`, the first place
//! [discovery](crate::cli::find_cli) looks after `CLAUDE_WIRE_CLI`. A CLI already there that
//! reports the version is kept. No Node.js or npm is needed.
//!
//! The same cache layout is written by `scripts/fetch-cli.sh` (the repository's CI path, via
//! `npm pack`), so either fills the cache for the other.
//!
//! ```no_run
//! let cli = claude_wire::cli::install()?; // blocking: call it from `spawn_blocking` in async code
//! println!("installed {}", cli.display());
//! # Ok::<_, claude_wire::Error>(())
//! ```

use super::discovery::{cache_root, cached_cli_path};
use super::platform::Platform;
use crate::error::InstallProblem;
use crate::{Error, Result, PINNED_CLI_VERSION};
use base64::Engine as _;
use sha2::{Digest, Sha512};
use std::io::{self, BufReader, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The npm registry the CLI is fetched from unless `npm_config_registry` names another.
pub const DEFAULT_REGISTRY: &str = "https://registry.npmjs.org";

/// The path of the executable inside the npm package's tarball.
const TARBALL_ENTRY: &str = "package/claude";

/// How long the downloaded CLI may take to answer `--version`.
const VERSION_TIMEOUT: Duration = Duration::from_secs(60);

/// Installs the pinned CLI for this platform into the cache of this process's environment and
/// returns its path (see the [module documentation](self)). Blocking.
pub fn install() -> Result<PathBuf> {
    Installer::from_env()?.run()
}

/// What to install, from where, to where. [`Installer::from_env`] gives the defaults; change
/// fields to install another version or platform, into another cache, or from a mirror.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installer {
    /// The CLI version (default [`crate::PINNED_CLI_VERSION`]).
    pub version: String,
    /// The platform whose package is fetched (default [`Platform::current`]).
    pub platform: Platform,
    /// The cache root; the CLI goes to `<cache_root>/cli/<version>/claude`.
    pub cache_root: PathBuf,
    /// The registry's base address (default [`DEFAULT_REGISTRY`], or `npm_config_registry`).
    /// Plain `http://` is accepted only for loopback addresses (tests).
    pub registry: String,
    /// Download and replace even when the cache already holds a working CLI of the version.
    pub force: bool,
}

/// A package version's `dist` entry in the registry's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dist {
    /// Address of the tarball.
    pub tarball: String,
    /// Subresource-integrity string of the tarball (`sha512-<base64>`, maybe more hashes).
    pub integrity: String,
}

impl Installer {
    /// The pinned version for this platform, into `$CLAUDE_WIRE_CACHE` (else
    /// `~/.cache/claude-wire`), from `$npm_config_registry` (else [`DEFAULT_REGISTRY`]).
    pub fn from_env() -> Result<Self> {
        let platform = Platform::current().ok_or_else(|| Error::CliInstall {
            package: format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH),
            version: PINNED_CLI_VERSION.to_string(),
            problem: Box::new(InstallProblem::UnsupportedPlatform),
        })?;
        let cache_root = cache_root().ok_or_else(|| {
            Error::InvalidOptions(
                "no cache directory for the CLI: set CLAUDE_WIRE_CACHE or HOME".into(),
            )
        })?;
        let registry = ["npm_config_registry", "NPM_CONFIG_REGISTRY"]
            .iter()
            .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
            .unwrap_or_else(|| DEFAULT_REGISTRY.to_string());
        Ok(Installer {
            version: PINNED_CLI_VERSION.to_string(),
            platform,
            cache_root,
            registry,
            force: false,
        })
    }

    /// Where the CLI goes: `<cache_root>/cli/<version>/claude`.
    pub fn destination(&self) -> PathBuf {
        cached_cli_path(&self.cache_root, &self.version)
    }

    /// The npm package fetched.
    pub fn package(&self) -> String {
        self.platform.cli_package()
    }

    /// Installs (unless a working CLI of the version is already there) and returns the path.
    pub fn run(&self) -> Result<PathBuf> {
        // The version names a directory of the cache: a version string, nothing else.
        let valid = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_');
        if !self.version.starts_with(|c: char| c.is_ascii_digit())
            || !self.version.chars().all(valid)
        {
            return Err(Error::InvalidOptions(format!(
                "not a Claude Code version: {:?}",
                self.version
            )));
        }
        let dest = self.destination();
        if !self.force && reports_version(&dest, &self.version).is_ok() {
            return Ok(dest);
        }
        let dist = self.resolve()?;
        let dir = dest.parent().expect("the destination has a directory");
        std::fs::create_dir_all(dir).map_err(|e| self.io(dir, e))?;
        // Removed when dropped, at the end of this function.
        let mut tarball = self.download(&dist, dir)?;
        tarball.rewind().map_err(|e| self.io(tarball.path(), e))?;
        install_tarball(BufReader::new(&mut tarball), &dest, Some(&self.version))
            .map_err(|problem| self.fail(problem))
    }

    /// Reads the version's `dist` from the registry's metadata for the package.
    pub fn resolve(&self) -> Result<Dist> {
        let url = format!(
            "{}/{}",
            self.registry.trim_end_matches('/'),
            self.package().replacen('/', "%2f", 1)
        );
        let mut response = self
            .get(&url)
            .header(
                "Accept",
                "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8",
            )
            .call()
            .map_err(|e| self.network(&url, e))?;
        match response.status().as_u16() {
            200 => {}
            404 => return Err(self.fail(InstallProblem::PackageNotFound { url })),
            status => {
                return Err(self.fail(InstallProblem::Network {
                    url,
                    message: format!("HTTP {status}"),
                }))
            }
        }
        let text = response
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_string()
            .map_err(|e| self.network(&url, e))?;
        let metadata: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
            self.fail(InstallProblem::BadPackage(format!(
                "metadata from {url} is not JSON: {e}"
            )))
        })?;
        dist_of(&metadata, &self.version).map_err(|problem| self.fail(problem))
    }

    /// Downloads the tarball into a temporary file in `dir`, checking its integrity.
    fn download(&self, dist: &Dist, dir: &Path) -> Result<tempfile::NamedTempFile> {
        let url = &dist.tarball;
        let expected = Integrity::parse(&dist.integrity).map_err(|p| self.fail(p))?;
        if !(url.starts_with("https://") || (url.starts_with("http://") && is_loopback(url))) {
            return Err(self.fail(InstallProblem::BadPackage(format!(
                "the tarball address {url} is not HTTPS"
            ))));
        }
        let response = self.get(url).call().map_err(|e| self.network(url, e))?;
        let status = response.status().as_u16();
        if status != 200 {
            return Err(self.fail(InstallProblem::Network {
                url: url.clone(),
                message: format!("HTTP {status}"),
            }));
        }
        let mut body = response.into_body().into_reader();
        let mut file = tempfile::Builder::new()
            .prefix(".download-")
            .suffix(".tgz")
            .tempfile_in(dir)
            .map_err(|e| self.io(dir, e))?;
        let mut hasher = Sha512::new();
        let mut buf = vec![0u8; 256 << 10];
        loop {
            let n = match body.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(self.fail(InstallProblem::Network {
                        url: url.clone(),
                        message: e.to_string(),
                    }))
                }
            };
            hasher.update(&buf[..n]);
            file.write_all(&buf[..n])
                .map_err(|e| self.io(file.path(), e))?;
        }
        file.flush().map_err(|e| self.io(file.path(), e))?;
        expected
            .check(&hasher.finalize())
            .map_err(|(expected, actual)| {
                self.fail(InstallProblem::Integrity {
                    url: url.clone(),
                    expected,
                    actual,
                })
            })?;
        Ok(file)
    }

    fn get(&self, url: &str) -> ureq::RequestBuilder<ureq::typestate::WithoutBody> {
        let tls = ureq::tls::TlsConfig::builder()
            .root_certs(ureq::tls::RootCerts::PlatformVerifier)
            .build();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .tls_config(tls)
            .https_only(!is_loopback(&self.registry))
            .http_status_as_error(false)
            .user_agent(format!("claude-wire/{}", crate::VERSION))
            .timeout_connect(Some(Duration::from_secs(30)))
            .timeout_recv_response(Some(Duration::from_secs(60)))
            .timeout_per_read(Some(Duration::from_secs(60)))
            .build()
            .into();
        agent.get(url)
    }

    fn fail(&self, problem: InstallProblem) -> Error {
        Error::CliInstall {
            package: self.package(),
            version: self.version.clone(),
            problem: Box::new(problem),
        }
    }

    fn network(&self, url: &str, error: ureq::Error) -> Error {
        self.fail(InstallProblem::Network {
            url: url.to_string(),
            message: error.to_string(),
        })
    }

    fn io(&self, path: &Path, error: io::Error) -> Error {
        self.fail(io_problem(path, error))
    }
}

fn io_problem(path: &Path, error: io::Error) -> InstallProblem {
    InstallProblem::Io {
        path: path.to_path_buf(),
        source: Arc::new(error),
    }
}

/// An `http://` address of this machine (`127.0.0.0/8`, `localhost`, `[::1]`).
fn is_loopback(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(':') && port.bytes().all(|b| b.is_ascii_digit()) => {
            host
        }
        _ => authority,
    };
    host == "localhost"
        || host == "[::1]"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The `dist` of `version` in a package's registry metadata.
pub fn dist_of(metadata: &serde_json::Value, version: &str) -> Result<Dist, InstallProblem> {
    let Some(entry) = metadata.get("versions").and_then(|v| v.get(version)) else {
        let latest = metadata
            .pointer("/dist-tags/latest")
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        return Err(InstallProblem::VersionNotFound { latest });
    };
    let field = |name: &str| {
        entry
            .get("dist")
            .and_then(|d| d.get(name))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .ok_or_else(|| InstallProblem::BadPackage(format!("no dist.{name} in the metadata")))
    };
    Ok(Dist {
        tarball: field("tarball")?,
        integrity: field("integrity")?,
    })
}

/// The sha512 digests of a subresource-integrity string (`sha512-<base64> ...`). Other
/// algorithms in the string are ignored; at least one sha512 is required.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Integrity {
    sha512: Vec<Vec<u8>>,
}

impl Integrity {
    /// Parses `sri`; an error when it holds no well-formed sha512 digest.
    pub fn parse(sri: &str) -> Result<Self, InstallProblem> {
        let sha512: Vec<Vec<u8>> = sri
            .split_whitespace()
            .filter_map(|item| item.strip_prefix("sha512-"))
            // An SRI hash may carry options after `?`.
            .filter_map(|b64| base64_std().decode(b64.split('?').next()?).ok())
            .filter(|digest| digest.len() == 64)
            .collect();
        if sha512.is_empty() {
            return Err(InstallProblem::BadPackage(format!(
                "the integrity {sri:?} has no sha512 digest"
            )));
        }
        Ok(Integrity { sha512 })
    }

    /// The integrity of `bytes`, as `sha512-<base64>`.
    pub fn of(bytes: &[u8]) -> String {
        sri(&Sha512::digest(bytes))
    }

    /// Checks a sha512 `digest` against the expected ones; on mismatch returns the expected and
    /// actual SRI strings.
    pub fn check(&self, digest: &[u8]) -> Result<(), (String, String)> {
        if self.sha512.iter().any(|d| d == digest) {
            Ok(())
        } else {
            let expected = self.sha512.iter().map(|d| sri(d)).collect::<Vec<_>>();
            Err((expected.join(" "), sri(digest)))
        }
    }

    /// Checks `bytes`.
    pub fn verify(&self, bytes: &[u8]) -> Result<(), (String, String)> {
        self.check(&Sha512::digest(bytes))
    }
}

fn base64_std() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

fn sri(digest: &[u8]) -> String {
    format!("sha512-{}", base64_std().encode(digest))
}

/// Installs the CLI from an npm package tarball (`.tgz`, already verified) at `dest`: extracts
/// `package/claude` into a temporary file beside `dest`, makes it executable (0755), checks it
/// reports `version` when given, then renames it over `dest`. Nothing is left behind on failure,
/// and a reader of `dest` sees either the old file or the whole new one.
pub fn install_tarball(
    tgz: impl Read,
    dest: &Path,
    version: Option<&str>,
) -> Result<PathBuf, InstallProblem> {
    let dir = dest.parent().ok_or_else(|| {
        InstallProblem::BadPackage(format!("{} has no directory", dest.display()))
    })?;
    std::fs::create_dir_all(dir).map_err(|e| io_problem(dir, e))?;
    let cli = extract_cli(tgz, dir)?;
    if let Some(version) = version {
        reports_version(&cli, version).map_err(InstallProblem::Broken)?;
    }
    cli.persist(dest).map_err(|e| io_problem(dest, e.error))?;
    Ok(dest.to_path_buf())
}

/// Extracts `package/claude` of a gzipped tarball into a temporary executable file in `dir`
/// (removed when dropped unless persisted).
pub fn extract_cli(tgz: impl Read, dir: &Path) -> Result<tempfile::TempPath, InstallProblem> {
    let bad = |e: io::Error| InstallProblem::BadPackage(format!("cannot read the tarball: {e}"));
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(tgz));
    for entry in archive.entries().map_err(bad)? {
        let mut entry = entry.map_err(bad)?;
        let path = entry.path().map_err(bad)?;
        if path != Path::new(TARBALL_ENTRY) {
            continue;
        }
        if !entry.header().entry_type().is_file() {
            return Err(InstallProblem::BadPackage(format!(
                "{TARBALL_ENTRY} in the tarball is not a regular file"
            )));
        }
        let mut file = tempfile::Builder::new()
            .prefix(".claude-")
            .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .tempfile_in(dir)
            .map_err(|e| io_problem(dir, e))?;
        io::copy(&mut entry, &mut file).map_err(bad)?;
        file.as_file()
            .sync_all()
            .map_err(|e| io_problem(file.path(), e))?;
        // Closed before anyone runs it (an open writer makes exec fail with ETXTBSY).
        return Ok(file.into_temp_path());
    }
    Err(InstallProblem::BadPackage(format!(
        "the tarball has no {TARBALL_ENTRY}"
    )))
}

/// Runs `<cli> --version` and checks the output starts with `version`; the error says why not.
pub fn reports_version(cli: &Path, version: &str) -> Result<(), String> {
    if !cli.is_file() {
        return Err(format!("{} does not exist", cli.display()));
    }
    let output = run_version(cli)?;
    let first = output.lines().next().unwrap_or("").trim();
    let reported = first.split_whitespace().next().unwrap_or("");
    if reported == version {
        Ok(())
    } else {
        Err(format!(
            "{} --version printed {first:?}, expected {version}",
            cli.display()
        ))
    }
}

fn run_version(cli: &Path) -> Result<String, String> {
    let describe = |e: io::Error| format!("cannot run {} --version: {e}", cli.display());
    let mut attempts = 0;
    let mut child = loop {
        let spawned = Command::new(cli)
            .arg("--version")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn();
        match spawned {
            // ETXTBSY: another thread's fork briefly held the file open for writing.
            Err(e) if e.raw_os_error() == Some(libc::ETXTBSY) && attempts < 20 => {
                attempts += 1;
                std::thread::sleep(Duration::from_millis(50));
            }
            other => break other.map_err(describe)?,
        }
    };
    let started = Instant::now();
    loop {
        match child.try_wait().map_err(describe)? {
            Some(status) => {
                let mut out = String::new();
                if let Some(mut stdout) = child.stdout.take() {
                    stdout.read_to_string(&mut out).map_err(describe)?;
                }
                return if status.success() {
                    Ok(out)
                } else {
                    Err(format!("{} --version failed ({status})", cli.display()))
                };
            }
            None if started.elapsed() > VERSION_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{} --version did not answer within {VERSION_TIMEOUT:?}",
                    cli.display()
                ));
            }
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// A gzipped tarball with `entries` (path, mode, contents), as `npm pack` makes them.
    pub(crate) fn tarball(entries: &[(&str, u32, &[u8])]) -> Vec<u8> {
        let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let mut builder = tar::Builder::new(gz);
        for (path, mode, data) in entries {
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(*mode);
            header.set_cksum();
            builder.append_data(&mut header, path, *data).unwrap();
        }
        builder.into_inner().unwrap().finish().unwrap()
    }

    fn fake_cli(version: &str) -> Vec<u8> {
        format!("#!/bin/sh\necho '{version} (Claude Code)'\n").into_bytes()
    }

    fn leftovers(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect()
    }

    #[test]
    fn integrity_accepts_the_matching_sha512_only() {
        let data = b"the tarball";
        let sri = Integrity::of(data);
        assert!(sri.starts_with("sha512-"));
        let integrity = Integrity::parse(&sri).unwrap();
        assert!(integrity.verify(data).is_ok());
        let (expected, actual) = integrity.verify(b"another tarball").unwrap_err();
        assert_eq!(expected, sri);
        assert_eq!(actual, Integrity::of(b"another tarball"));
        // Several hashes: any sha512 may match; weaker algorithms are ignored.
        let several = format!("sha1-AAAA {} sha512-{}?opt", Integrity::of(b"x"), &sri[7..]);
        assert!(Integrity::parse(&several).unwrap().verify(data).is_ok());
        // No sha512, or a malformed one, is refused rather than skipped.
        for bad in ["", "sha1-2cf1a28c", "sha512-not base64!", "sha512-AAAA"] {
            assert!(
                matches!(Integrity::parse(bad), Err(InstallProblem::BadPackage(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn known_registry_integrity_matches_npm() {
        // The registry's integrity of the pinned linux-x64 package, as `npm view` prints it.
        let npm = "sha512-9Gn+V7DtJ8M1nztP9CeDVl9g3RtrepI7rOFTyPRRnZe8D6zebIHKmC7OvBauucuAP0X0k85SDN/LPVZyjsGezQ==";
        let parsed = Integrity::parse(npm).unwrap();
        assert_eq!(parsed.sha512[0].len(), 64);
        assert_eq!(sri(&parsed.sha512[0]), npm);
    }

    #[test]
    fn dist_is_read_from_the_version_entry() {
        let metadata = serde_json::json!({
            "dist-tags": {"latest": "2.0.0"},
            "versions": {"1.0.0": {"dist": {"tarball": "https://r/p-1.0.0.tgz", "integrity": "sha512-x"}}}
        });
        assert_eq!(
            dist_of(&metadata, "1.0.0").unwrap(),
            Dist {
                tarball: "https://r/p-1.0.0.tgz".into(),
                integrity: "sha512-x".into()
            }
        );
        match dist_of(&metadata, "9.9.9") {
            Err(InstallProblem::VersionNotFound { latest }) => {
                assert_eq!(latest.as_deref(), Some("2.0.0"))
            }
            other => panic!("{other:?}"),
        }
        let no_integrity =
            serde_json::json!({"versions": {"1.0.0": {"dist": {"tarball": "https://r/x.tgz"}}}});
        assert!(matches!(
            dist_of(&no_integrity, "1.0.0"),
            Err(InstallProblem::BadPackage(m)) if m.contains("dist.integrity")
        ));
    }

    #[test]
    fn extracts_package_claude_as_an_executable() {
        let dir = tempfile::tempdir().unwrap();
        let tgz = tarball(&[
            ("package/package.json", 0o644, b"{}"),
            ("package/README.md", 0o644, b"readme"),
            ("package/claude", 0o644, &fake_cli("1.2.3")),
        ]);
        let cli = extract_cli(&tgz[..], dir.path()).unwrap();
        assert_eq!(std::fs::read(&cli).unwrap(), fake_cli("1.2.3"));
        let mode = std::fs::metadata(&cli).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o755);
        assert!(reports_version(&cli, "1.2.3").is_ok());
        // Dropped without persisting: the temporary file goes away.
        drop(cli);
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn a_tarball_without_the_cli_or_not_gzip_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let other = tarball(&[("package/cli.js", 0o644, b"x"), ("claude", 0o755, b"x")]);
        let err = extract_cli(&other[..], dir.path()).unwrap_err();
        assert!(err.to_string().contains("no package/claude"), "{err}");
        let err = extract_cli(&b"not gzip"[..], dir.path()).unwrap_err();
        assert!(matches!(err, InstallProblem::BadPackage(_)), "{err}");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn install_replaces_atomically_and_leaves_nothing_behind() {
        let cache = tempfile::tempdir().unwrap();
        let dest = cached_cli_path(cache.path(), "1.2.3");
        let tgz = tarball(&[("package/claude", 0o755, &fake_cli("1.2.3"))]);
        assert_eq!(
            install_tarball(&tgz[..], &dest, Some("1.2.3")).unwrap(),
            dest
        );
        assert!(reports_version(&dest, "1.2.3").is_ok());
        let dir = dest.parent().unwrap();
        assert!(leftovers(dir).is_empty());

        // A copy that reports another version is refused and the installed one stays.
        let wrong = tarball(&[("package/claude", 0o755, &fake_cli("9.9.9"))]);
        let err = install_tarball(&wrong[..], &dest, Some("1.2.3")).unwrap_err();
        assert!(
            matches!(&err, InstallProblem::Broken(m) if m.contains("9.9.9")),
            "{err}"
        );
        assert!(reports_version(&dest, "1.2.3").is_ok());
        assert!(leftovers(dir).is_empty());

        // A good one replaces the file by rename: a handle opened before still reads the old
        // contents whole (a new inode, never a half-written file).
        let mut before = std::fs::File::open(&dest).unwrap();
        let mut newer = fake_cli("1.2.3");
        newer.extend_from_slice(b"# newer\n");
        let tgz = tarball(&[("package/claude", 0o755, &newer)]);
        install_tarball(&tgz[..], &dest, Some("1.2.3")).unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), newer);
        let mut old = Vec::new();
        before.read_to_end(&mut old).unwrap();
        assert_eq!(old, fake_cli("1.2.3"));
        assert!(leftovers(dir).is_empty());
    }

    #[test]
    fn loopback_addresses() {
        assert!(is_loopback("http://127.0.0.1:8080/x"));
        assert!(is_loopback("http://localhost/x"));
        assert!(is_loopback("http://[::1]:9/x"));
        assert!(!is_loopback("http://example.invalid/x"));
        assert!(!is_loopback("https://127.0.0.1/x"));
        assert!(!is_loopback("http://127.0.0.1.example.invalid/x"));
    }
}
