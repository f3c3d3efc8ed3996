"""A session store written by the real Claude Code CLI, for the session API tests and benches.

Runs real sessions (the pinned CLI, offline, against the scripted model server on 127.0.0.1)
with an isolated ``CLAUDE_CONFIG_DIR`` and isolated project directories, so the transcripts on
disk are exactly what the CLI writes. Then it copies that store and applies the official SDK's
mutations (rename, tag, fork, delete) to the copy.

Layout under ``root``::

    base/config/projects/<sanitised cwd>/<id>.jsonl   the CLI's sessions (never mutated)
    mutated/config/...                                a copy, mutated by claude_agent_sdk
    work/project-a        a git repository (most sessions)
    work/project-a-wt     a git worktree of project-a (one session)
    work/project-b        a second project (one session)
    env/                  the CLI's scratch directories
    fixture.json          what was made: paths, session ids by name, mutation results

Usable from pytest (``generate(root)``) and as a command line::

    python tests/sessions/make_fixture.py OUT_DIR
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import claude_wire
from claude_wire.testing import ModelServer, Reply, isolated_env, pinned_cli_path, text, tool_use

MODEL = "claude-fixture-model"
COMPACT_SUMMARY = "<summary>The user said hello twice and asked for a compaction.</summary>"


@dataclass
class Fixture:
    """What :func:`generate` made (also saved as ``fixture.json``)."""

    root: Path
    base_config: Path
    mutated_config: Path
    projects: dict[str, str]
    """Project name -> canonical cwd (``a``, ``a_wt`` (worktree of a), ``b``)."""
    sessions: dict[str, str]
    """Scenario name -> session id (see :data:`SCENARIOS`)."""
    session_project: dict[str, str]
    """Scenario name -> project name."""
    mutations: dict[str, Any] = field(default_factory=dict)
    """What the official SDK did to the mutated copy (:func:`apply_mutations`: fork ids, cut)."""

    def save(self) -> None:
        data = {k: str(v) if isinstance(v, Path) else v for k, v in asdict(self).items()}
        (self.root / "fixture.json").write_text(json.dumps(data, indent=2))

    @classmethod
    def load(cls, root: Path) -> Fixture:
        data = json.loads((root / "fixture.json").read_text())
        for key in ("root", "base_config", "mutated_config"):
            data[key] = Path(data[key])
        return cls(**data)

    def project_dir(self, config: Path, scenario: str) -> Path:
        """The CLI's directory holding ``scenario``'s transcript under ``config``."""
        [path] = (config / "projects").glob(f"*/{self.sessions[scenario]}.jsonl")
        return path.parent

    def transcript(self, config: Path, scenario: str) -> Path:
        return self.project_dir(config, scenario) / f"{self.sessions[scenario]}.jsonl"


@contextmanager
def config_dir(path: Path) -> Iterator[None]:
    """Points ``CLAUDE_CONFIG_DIR`` (read by the session functions of both SDKs) at ``path``."""
    old = os.environ.get("CLAUDE_CONFIG_DIR")
    os.environ["CLAUDE_CONFIG_DIR"] = str(path)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("CLAUDE_CONFIG_DIR", None)
        else:
            os.environ["CLAUDE_CONFIG_DIR"] = old


class Runner:
    """Runs real CLI sessions into one config directory."""

    def __init__(self, root: Path, config: Path, sdk: Any = claude_wire) -> None:
        cli = pinned_cli_path()
        if cli is None:
            raise RuntimeError("pinned CLI not fetched (scripts/fetch-cli.sh)")
        self.cli = str(cli)
        self.root = root
        self.config = config
        self.sdk = sdk

    def options(self, server: ModelServer, cwd: str, **overrides: Any) -> Any:
        env = isolated_env(server, self.root / "env")
        env["CLAUDE_CONFIG_DIR"] = str(self.config)
        if os.geteuid() == 0:
            env["IS_SANDBOX"] = "1"
        base: dict[str, Any] = {
            "cli_path": self.cli,
            "cwd": cwd,
            "env": env,
            "model": MODEL,
            "setting_sources": [],
            "permission_mode": "bypassPermissions",
        }
        base.update(overrides)
        return self.sdk.ClaudeAgentOptions(**base)

    async def run(
        self, cwd: str, prompts: list[str], replies: list[Reply], **overrides: Any
    ) -> str:
        """One CLI process; each prompt is a user turn sent after the previous result.
        Returns the session id."""
        with ModelServer(replies) as server:
            options = self.options(server, cwd, **overrides)
            session_id = ""
            async with self.sdk.ClaudeSDKClient(options=options) as client:
                for prompt in prompts:
                    await client.query(prompt)
                    async for message in client.receive_response():
                        if isinstance(message, self.sdk.ResultMessage):
                            if message.is_error:
                                raise RuntimeError(f"CLI turn failed: {message}")
                            session_id = message.session_id
        if not session_id:
            raise RuntimeError("no result from the CLI")
        return session_id

    async def collect(self, prompt: str | AsyncIterator[dict[str, Any]], options: Any) -> list[Any]:
        return [m async for m in self.sdk.query(prompt=prompt, options=options)]


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=fixture", "-c", "user.email=fixture@example.invalid", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def make_projects(work: Path) -> dict[str, str]:
    a, b, a_wt = work / "project-a", work / "project-b", work / "project-a-wt"
    for path in (a, b):
        path.mkdir(parents=True)
    (a / "notes.txt").write_text("fixture notes\nsecond line\n")
    projects = {"a": str(a.resolve()), "b": str(b.resolve())}
    if shutil.which("git"):
        git(a, "init", "-q", "-b", "main")
        git(a, "add", ".")
        git(a, "commit", "-q", "-m", "init")
        git(a, "worktree", "add", "-q", "-b", "feature", str(a_wt))
        projects["a_wt"] = str(a_wt.resolve())
    return projects


SCENARIOS = (
    "plain",
    "multi_turn",
    "tool",
    "resumed",
    "subagent",
    "compacted",
    "other_project",
    "worktree",
    "thinking",
)
"""The sessions in the base store (``worktree`` only when git is available)."""


async def run_scenarios(runner: Runner, projects: dict[str, str]) -> dict[str, str]:
    a = projects["a"]
    ids: dict[str, str] = {}
    ids["plain"] = await runner.run(a, ["Say hello"], [text("Hello there!")])
    ids["multi_turn"] = await runner.run(
        a,
        ["First question: what is 2+2?", "Second question: and 3+3?", "Thanks, bye"],
        [text("2+2 is 4."), text("3+3 is 6."), text("Goodbye!")],
    )
    ids["tool"] = await runner.run(
        a,
        ["Read notes.txt and run echo"],
        [
            tool_use("Read", {"file_path": f"{a}/notes.txt"}, text="Reading the notes."),
            tool_use("Bash", {"command": "echo fixture-bash", "description": "Print a word"}),
            text("The notes say 'fixture notes' and echo printed fixture-bash."),
        ],
    )
    first = await runner.run(a, ["Remember the word banana"], [text("Noted: banana.")])
    ids["resumed"] = await runner.run(
        a, ["What was the word?"], [text("The word was banana.")], resume=first
    )
    assert ids["resumed"] == first, "resume without fork keeps the session id"
    ids["subagent"] = await runner.run(
        a,
        ["Delegate a look around to a subagent"],
        [
            tool_use(
                "Agent",
                {
                    "description": "Look around",
                    "prompt": "SUBAGENT TASK: list what you see",
                    "subagent_type": "general-purpose",
                    "run_in_background": False,
                },
            ),
            {"text": "Subagent report: all quiet.", "when": {"user_text_contains": "SUBAGENT"}},
            {"text": "The subagent says all is quiet.", "when": {"has_tool_result": True}},
        ],
    )
    ids["compacted"] = await runner.run(
        a,
        ["Hello once", "Hello twice", "/compact", "After compaction: still there?"],
        [
            text("Hi once."),
            text("Hi twice."),
            {"text": COMPACT_SUMMARY, "when": {"kind": "compact"}},
            text("Yes, still here after compaction."),
        ],
    )
    ids["other_project"] = await runner.run(
        projects["b"], ["Hello from project b"], [text("Hi from b.")]
    )
    if "a_wt" in projects:
        ids["worktree"] = await runner.run(
            projects["a_wt"], ["Hello from the worktree"], [text("Hi from the worktree.")]
        )
    ids["thinking"] = await runner.run(
        a,
        ["Think first, then answer"],
        [{"thinking": "Let me think about this.", "text": "Thought it through."}],
    )
    return ids


MUTATION_INPUTS = {
    "rename": ("plain", ["Renamed plain session", "  Renamed again  "]),
    "tag": {"tool": ["important"], "multi_turn": ["first-tag", None]},
    "fork_title": "Forked at the second question",
    "delete": "other_project",
}
"""The mutations applied to a copy of the base store (same inputs for every SDK)."""


def apply_mutations(sdk: Any, fixture: Fixture, config: Path) -> dict[str, Any]:
    """rename (twice), tag (set, set then clear), fork (whole, and up to the second user prompt
    with a title), delete (with its directory): with ``sdk``'s functions on ``config``.
    Returns the fork ids and the message id the cut fork stops at."""
    s = fixture.sessions
    with config_dir(config):
        # The cut point is read with the official SDK so every SDK gets the same input.
        import claude_agent_sdk as official

        cut = official.get_session_messages(s["multi_turn"])[2].uuid
        name, titles = MUTATION_INPUTS["rename"]
        for title in titles:
            sdk.rename_session(s[name], title)
        for name, tags in MUTATION_INPUTS["tag"].items():
            for tag in tags:
                sdk.tag_session(s[name], tag, directory=fixture.projects["a"])
        fork_all = sdk.fork_session(s["tool"]).session_id
        fork_cut = sdk.fork_session(
            s["multi_turn"], up_to_message_id=cut, title=MUTATION_INPUTS["fork_title"]
        ).session_id
        deleted = MUTATION_INPUTS["delete"]
        sdk.delete_session(s[deleted], directory=fixture.projects["b"])
    return {"fork_all": fork_all, "fork_cut": fork_cut, "cut": cut}


def generate(root: Path) -> Fixture:
    """Makes the fixture under ``root`` (created; must not exist or be empty)."""
    root = root.resolve()
    root.mkdir(parents=True, exist_ok=True)
    base = root / "base" / "config"
    base.mkdir(parents=True)
    projects = make_projects(root / "work")
    runner = Runner(root, base)
    ids = asyncio.run(run_scenarios(runner, projects))
    session_project = {name: "a" for name in ids}
    session_project["other_project"] = "b"
    if "worktree" in ids:
        session_project["worktree"] = "a_wt"
    mutated = root / "mutated" / "config"
    shutil.copytree(base, mutated, symlinks=True)
    fixture = Fixture(root, base, mutated, projects, ids, session_project)
    import claude_agent_sdk

    fixture.mutations = apply_mutations(claude_agent_sdk, fixture, mutated)
    fixture.save()
    return fixture


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.split("Layout")[0].strip(), file=sys.stderr)
        print("\nusage: python tests/sessions/make_fixture.py OUT_DIR", file=sys.stderr)
        return 2
    start = time.monotonic()
    fixture = generate(Path(argv[0]))
    print(json.dumps(fixture.sessions, indent=2))
    print(f"fixture in {fixture.root} ({time.monotonic() - start:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
