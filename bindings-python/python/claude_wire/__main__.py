"""``python -m claude_wire``: set-up commands.

``install-cli`` fetches the Claude Code CLI this release is tested against from the npm registry
(no Node.js or npm needed), checks its integrity and installs it where claude_wire looks first,
``${CLAUDE_WIRE_CACHE:-~/.cache/claude-wire}/cli/<version>/claude``; it prints the path.
``find-cli`` prints the CLI a session would run.
"""

from __future__ import annotations

import argparse
import sys

from . import _native
from ._errors import ClaudeSDKError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m claude_wire", description="claude_wire set-up commands."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    install = commands.add_parser(
        "install-cli",
        help="install the Claude Code CLI from the npm registry",
        description=(
            "Download the Claude Code CLI from the npm registry, verify its sha512 integrity and "
            "install it into ${CLAUDE_WIRE_CACHE:-~/.cache/claude-wire}/cli/<version>/claude, "
            "the first place claude_wire looks (after cli_path and CLAUDE_WIRE_CLI). "
            "Prints the installed path."
        ),
    )
    install.add_argument(
        "--version",
        default=_native.PINNED_CLI_VERSION,
        help=f"the CLI version (default: {_native.PINNED_CLI_VERSION}, the tested one)",
    )
    install.add_argument(
        "--force", action="store_true", help="download again even if already installed"
    )
    find = commands.add_parser(
        "find-cli",
        help="print the Claude Code CLI a session would run",
        description="Print the Claude Code CLI a session would run, or every place looked in.",
    )
    find.add_argument("--cli-path", default=None, help="an explicit path to check")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "install-cli":
            print(f"Installing Claude Code {args.version} ...", file=sys.stderr)
            path = _native.install_cli(args.version, force=args.force)
        else:
            path = _native.find_cli(args.cli_path)
    except ClaudeSDKError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
