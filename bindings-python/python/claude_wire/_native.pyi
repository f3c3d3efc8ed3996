"""Type stubs of the native extension module (thin adapters over the claude-wire core).

Checked against the built module by ``mypy.stubtest`` in ``scripts/test-python.sh``: a name
added to, removed from or renamed in ``bindings-python/src`` fails ``make test`` until it is
mirrored here.
"""

from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Generator, Iterable
from typing import Any, final

from .transport import Transport
from .types import ClaudeAgentOptions, Message

__all__ = [
    "__version__",
    "PINNED_CLI_VERSION",
    "DEFAULT_SESSION_ID",
    "Ready",
    "MessageStream",
    "PromptSink",
    "Client",
    "Pool",
    "ModelServer",
    "InMemorySessionStore",
    "sessions_call",
    "sessions_call_store",
    "run_store_conformance",
    "query",
    "redact",
    "client_methods",
    "cli_env",
    "find_cli",
    "install_cli",
    "_replay",
    "_shutdown",
]

__version__: str
PINNED_CLI_VERSION: str
DEFAULT_SESSION_ID: str

@final
class Ready(Generator[None, object, Any]):
    """An already-complete awaitable: ``await`` evaluates to its value without suspending."""

    def __await__(self) -> Ready: ...
    def __iter__(self) -> Ready: ...
    def __next__(self) -> None: ...
    def send(self, _arg: object) -> None: ...
    def throw(self, typ: Any, val: Any = None, _tb: Any = None) -> None: ...  # type: ignore[override]
    def close(self) -> None: ...

@final
class MessageStream(AsyncIterator[Message]):
    """Messages of a session; dropping it stops the session and reaps the CLI."""

    def __aiter__(self) -> MessageStream: ...
    def __anext__(self) -> Awaitable[Message]: ...
    def aclose(self) -> Awaitable[None]: ...

@final
class PromptSink:
    """Receives the user messages of an async-iterable prompt."""

    def send(self, message: dict[str, Any]) -> None: ...
    def fail(self, text: str) -> None: ...
    def close(self) -> None: ...

def query(
    prompt: str | AsyncIterable[dict[str, Any]],
    options: ClaudeAgentOptions,
    transport: Transport | None = None,
) -> MessageStream: ...

@final
class Client:
    """The native side of ``ClaudeSDKClient``."""

    def __new__(cls, transport: Transport | None = None) -> Client: ...
    def connect(
        self,
        options: ClaudeAgentOptions,
        prompt: str | AsyncIterable[dict[str, Any]] | None = None,
    ) -> Awaitable[None]: ...
    def query(
        self, prompt: str | AsyncIterable[dict[str, Any]], session_id: str | None = None
    ) -> Awaitable[None]: ...
    def receive_messages(self) -> MessageStream: ...
    def receive_response(self) -> MessageStream: ...
    def control(
        self, request: dict[str, Any] | str, timeout: float | None = None
    ) -> Awaitable[Any]: ...
    def call(self, method: str, args: dict[str, Any]) -> Awaitable[Any]: ...
    def disconnect(self) -> Awaitable[None]: ...

@final
class Pool:
    """The native side of ``SessionPool``."""

    def __new__(
        cls, options: ClaudeAgentOptions, size: int = 1, idle_timeout: float | None = None
    ) -> Pool: ...
    def query(
        self,
        prompt: str | AsyncIterable[dict[str, Any]],
        options: ClaudeAgentOptions | None = None,
    ) -> MessageStream: ...
    def client(self, options: ClaudeAgentOptions | None = None) -> Awaitable[Client]: ...
    def stats(self) -> dict[str, Any]: ...
    def warm_pids(self) -> list[int]: ...
    def close(self) -> Awaitable[None]: ...

def client_methods() -> list[tuple[str, list[tuple[str, bool]], str]]: ...
def redact(value: Any) -> Any:
    """A copy of a JSON-like value with the values of secret-looking keys hidden (the core's
    rule)."""

def cli_env(base_url: str, scratch: str) -> list[tuple[str, str]]: ...
def find_cli(cli_path: str | None = None) -> str:
    """The Claude Code CLI a session with ``cli_path`` would run (raises ``CLINotFoundError``
    listing every place looked in)."""

def install_cli(version: str | None = None, force: bool = False) -> str:
    """Installs the Claude Code CLI (the pinned version by default) from the npm registry into
    the claude-wire cache and returns its path; blocking, Ctrl-C interrupts it."""

@final
class ModelServer:
    """The scripted Messages API server of the core."""

    def __new__(cls, script: list[dict[str, Any]] | dict[str, Any]) -> ModelServer: ...
    @property
    def url(self) -> str: ...
    def requests(self) -> list[dict[str, Any]]: ...
    def push(self, reply: dict[str, Any]) -> None: ...
    def close(self) -> None: ...

def _replay(frames: Iterable[dict[str, Any]], delay_ms: int = 0) -> MessageStream:
    """A stream over ``frames`` (dicts as the CLI prints them), parsed by the core, without a
    CLI; for tests and benchmarks of the conversion and iteration layers."""

def _shutdown() -> None:
    """The ``atexit`` hook: stops callbacks from runtime threads entering Python."""

@final
class InMemorySessionStore:
    """The core's in-memory session store (``claude_wire.InMemorySessionStore`` wraps it)."""

    def __new__(cls) -> InMemorySessionStore: ...
    def call(self, method: str, args: list[Any]) -> Awaitable[Any]: ...
    def get_entries(self, key: Any) -> list[Any]: ...
    def size(self) -> int: ...
    def clear(self) -> None: ...

def sessions_call(method: str, args: dict[str, Any]) -> Any:
    """Runs a session function on disk (``list_sessions``, ``fork_session``, ...)."""

def sessions_call_store(method: str, session_store: Any, args: dict[str, Any]) -> Awaitable[Any]:
    """Runs a session function over a session store."""

def run_store_conformance(make_store: Any, skip_optional: list[str]) -> Awaitable[None]:
    """Runs the session-store conformance contracts over stores from ``make_store``."""
