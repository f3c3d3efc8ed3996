//! The platforms the Claude Code CLI ships for, named as its npm packages name them.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// A platform with a native Claude Code build: the suffix of the npm packages
/// `@anthropic-ai/claude-code-<platform>` (the CLI) and `@anthropic-ai/claude-agent-sdk-<platform>`
/// (the copy the official TypeScript SDK ships), both holding the binary as `claude` at their
/// root.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Platform {
    /// `linux-x64` (glibc).
    LinuxX64,
    /// `linux-arm64` (glibc).
    LinuxArm64,
    /// `linux-x64-musl` (Alpine and other musl distributions).
    LinuxX64Musl,
    /// `linux-arm64-musl`.
    LinuxArm64Musl,
    /// `darwin-x64` (Intel macOS).
    DarwinX64,
    /// `darwin-arm64` (Apple silicon).
    DarwinArm64,
}

/// npm scope of the Claude Code packages.
const SCOPE: &str = "@anthropic-ai";

impl Platform {
    /// Every platform, in the order of [`Platform::as_str`]'s names.
    pub const ALL: [Platform; 6] = [
        Platform::LinuxX64,
        Platform::LinuxArm64,
        Platform::LinuxX64Musl,
        Platform::LinuxArm64Musl,
        Platform::DarwinX64,
        Platform::DarwinArm64,
    ];

    /// The platform this process runs on, or `None` where Claude Code has no native build we
    /// support (Windows, other CPUs). On Linux the C library is the system's, not ours: musl when
    /// the musl loader exists and the glibc one does not.
    pub fn current() -> Option<Platform> {
        let os = std::env::consts::OS;
        let arch = std::env::consts::ARCH;
        Some(match (os, arch) {
            ("linux", "x86_64") if is_musl("x86_64", "/lib64/ld-linux-x86-64.so.2") => {
                Platform::LinuxX64Musl
            }
            ("linux", "x86_64") => Platform::LinuxX64,
            ("linux", "aarch64") if is_musl("aarch64", "/lib/ld-linux-aarch64.so.1") => {
                Platform::LinuxArm64Musl
            }
            ("linux", "aarch64") => Platform::LinuxArm64,
            ("macos", "x86_64") => Platform::DarwinX64,
            ("macos", "aarch64") => Platform::DarwinArm64,
            _ => return None,
        })
    }

    /// The npm name of the platform: `linux-x64`, `linux-arm64-musl`, `darwin-arm64`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::LinuxX64 => "linux-x64",
            Platform::LinuxArm64 => "linux-arm64",
            Platform::LinuxX64Musl => "linux-x64-musl",
            Platform::LinuxArm64Musl => "linux-arm64-musl",
            Platform::DarwinX64 => "darwin-x64",
            Platform::DarwinArm64 => "darwin-arm64",
        }
    }

    /// The npm package of the CLI for this platform: `@anthropic-ai/claude-code-<platform>`.
    pub fn cli_package(self) -> String {
        format!("{SCOPE}/claude-code-{}", self.as_str())
    }

    /// The npm package holding the copy of the CLI the official TypeScript SDK ships:
    /// `@anthropic-ai/claude-agent-sdk-<platform>`.
    pub fn sdk_package(self) -> String {
        format!("{SCOPE}/claude-agent-sdk-{}", self.as_str())
    }
}

fn is_musl(arch: &str, glibc_loader: &str) -> bool {
    Path::new(&format!("/lib/ld-musl-{arch}.so.1")).exists() && !Path::new(glibc_loader).exists()
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Platform {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Platform::ALL
            .into_iter()
            .find(|p| p.as_str() == name)
            .ok_or_else(|| {
                let known: Vec<_> = Platform::ALL.iter().map(|p| p.as_str()).collect();
                format!(
                    "unknown platform {name:?} (expected one of {})",
                    known.join(", ")
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_name_the_packages() {
        for platform in Platform::ALL {
            assert_eq!(platform.as_str().parse::<Platform>(), Ok(platform));
        }
        assert_eq!(
            Platform::LinuxX64Musl.cli_package(),
            "@anthropic-ai/claude-code-linux-x64-musl"
        );
        assert_eq!(
            Platform::DarwinArm64.sdk_package(),
            "@anthropic-ai/claude-agent-sdk-darwin-arm64"
        );
        assert!("win32-x64"
            .parse::<Platform>()
            .unwrap_err()
            .contains("linux-x64"));
    }

    #[test]
    fn this_machine_has_a_platform() {
        if cfg!(all(
            any(target_os = "linux", target_os = "macos"),
            any(target_arch = "x86_64", target_arch = "aarch64")
        )) {
            assert!(Platform::current().is_some());
        }
    }
}
