//! Turns `pinned.env` (the pinned versions, also read by `scripts/*.sh`) into compile-time
//! environment variables `CLAUDE_WIRE_PINNED_<KEY>` for the constants in `src/pinned.rs`.
//!
//! Also sets the cfg `claude_wire_test_install` when `CLAUDE_WIRE_TEST_INSTALL=1`: the test that
//! downloads the real CLI from the npm registry (`tests/cli_install.rs`) is ignored otherwise.

fn main() {
    println!("cargo:rerun-if-changed=pinned.env");
    println!("cargo::rustc-check-cfg=cfg(claude_wire_test_install)");
    println!("cargo:rerun-if-env-changed=CLAUDE_WIRE_TEST_INSTALL");
    if std::env::var("CLAUDE_WIRE_TEST_INSTALL").is_ok_and(|v| v == "1") {
        println!("cargo:rustc-cfg=claude_wire_test_install");
    }
    let text = std::fs::read_to_string("pinned.env").expect("core/pinned.env is readable");
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .unwrap_or_else(|| panic!("core/pinned.env: `{line}` is not KEY=value"));
        assert!(
            !value.is_empty() && !value.contains(|c: char| c.is_whitespace() || c == '"'),
            "core/pinned.env: the value of {key} must be a bare version"
        );
        println!("cargo:rustc-env=CLAUDE_WIRE_PINNED_{key}={value}");
    }
}
