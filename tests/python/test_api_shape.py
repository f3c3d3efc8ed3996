"""The public API has the official SDK's names, fields, defaults and behaviours."""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import typing
from typing import Any

import pytest
from fake_cli import result_frame

import claude_wire
from claude_wire import (
    AssistantMessage,
    ClaudeAgentOptions,
    PermissionResultAllow,
    PermissionResultDeny,
    PermissionRuleValue,
    PermissionUpdate,
    ResultMessage,
    SystemMessage,
    TaskStartedMessage,
    TextBlock,
    ToolUseBlock,
)

official = pytest.importorskip("claude_agent_sdk")


def shared_names() -> list[str]:
    return sorted(set(official.__all__) & set(claude_wire.__all__))


def test_every_official_export_is_provided() -> None:
    assert [name for name in official.__all__ if name not in claude_wire.__all__] == []
    for name in claude_wire.__all__:
        assert hasattr(claude_wire, name), name


def test_every_public_name_of_the_official_types_module_is_provided() -> None:
    # `from claude_agent_sdk.types import X` works as `from claude_wire.types import X`: its
    # classes, TypedDicts and aliases (not what it imports for itself).
    import types

    import claude_wire.types as ours

    def own(name: str) -> bool:
        value = getattr(official.types, name)
        if name == "TYPE_CHECKING" or isinstance(value, types.ModuleType):
            return False
        if isinstance(value, (type, types.FunctionType)):
            return bool(value.__module__ == official.types.__name__)
        return True  # aliases and constants

    public = [n for n in dir(official.types) if not n.startswith("_") and own(n)]
    assert len(public) > 100
    # `McpServer` is `Any` at run time there, so the filter above leaves it out.
    assert [n for n in [*public, "McpServer"] if not hasattr(ours, n)] == []
    # Every TypedDict with the same keys, in the same order, required or not alike.
    for name in public:
        theirs = getattr(official.types, name)
        if isinstance(theirs, type) and typing.is_typeddict(theirs):
            mine = getattr(ours, name)
            assert list(mine.__annotations__) == list(theirs.__annotations__), name
            assert mine.__required_keys__ == theirs.__required_keys__, name


def dataclass_pairs() -> list[tuple[str, type, type]]:
    pairs = []
    for name in shared_names():
        ours, theirs = getattr(claude_wire, name), getattr(official, name)
        if dataclasses.is_dataclass(theirs) and isinstance(theirs, type):
            pairs.append((name, ours, theirs))
    return pairs


def default_of(f: dataclasses.Field) -> object:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return "<required>"


@pytest.mark.parametrize(
    ("name", "ours", "theirs"), dataclass_pairs(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_dataclass_fields_order_and_defaults_match(name: str, ours: type, theirs: type) -> None:
    assert dataclasses.is_dataclass(ours), name
    # claude_wire's own additions are keyword-only, after the official fields, and listed here.
    extras = [f for f in dataclasses.fields(ours) if f.kw_only]
    assert [f.name for f in extras] == OUR_EXTRA_FIELDS.get(name, [])
    mine = [(f.name, default_of(f)) for f in dataclasses.fields(ours) if not f.kw_only]
    ref = [(f.name, default_of(f)) for f in dataclasses.fields(theirs)]
    assert mine == ref
    assert getattr(ours, "__match_args__", None) == getattr(theirs, "__match_args__", None)


OUR_EXTRA_FIELDS = {"ClaudeAgentOptions": ["control_timeout", "stall_timeout", "callback_timeout"]}


@pytest.mark.parametrize(
    ("name", "ours", "theirs"), dataclass_pairs(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_dataclass_repr_equality_and_hash_match(name: str, ours: type, theirs: type) -> None:
    """Our dataclasses share one written ``__repr__``/``__eq__`` (``types._Record``) instead of
    the generated ones; the official SDK's are generated. They must not differ."""
    if name == "ClaudeAgentOptions":
        pytest.skip("its repr hides secrets (tested in test_errors)")
    fields = [f for f in dataclasses.fields(theirs) if f.init]
    values = {f.name: f"value {i}" for i, f in enumerate(fields)}
    a, b = ours(**values), theirs(**values)
    assert repr(a) == repr(b)
    assert (a == ours(**values)) == (b == theirs(**values))
    if fields:
        other = {**values, fields[0].name: "changed"}
        assert (a == ours(**other)) == (b == theirs(**other))
    assert (a == b) == (b == a) == False  # noqa: E712 - two classes never compare equal
    assert (ours.__hash__ is None) == (theirs.__hash__ is None)
    if fields:
        # A value that holds its own instance: the generated repr shows "..." there.
        setattr(a, fields[0].name, [a])
        setattr(b, fields[0].name, [b])
        assert repr(a) == repr(b)


def typeddict_pairs() -> list[tuple[str, type, type]]:
    pairs = []
    for name in shared_names():
        ours, theirs = getattr(claude_wire, name), getattr(official, name)
        if typing.is_typeddict(theirs):
            pairs.append((name, ours, theirs))
    return pairs


@pytest.mark.parametrize(
    ("name", "ours", "theirs"), typeddict_pairs(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_typeddict_keys_match(name: str, ours: type, theirs: type) -> None:
    assert typing.is_typeddict(ours), name
    assert ours.__required_keys__ == theirs.__required_keys__
    assert ours.__optional_keys__ == theirs.__optional_keys__


def test_system_message_subclasses_and_match_statements() -> None:
    started = TaskStartedMessage("task_started", {"raw": 1}, "t1", "desc", "u1", "s1")
    assert isinstance(started, SystemMessage)
    match started:
        case SystemMessage(subtype, data):
            assert (subtype, data) == ("task_started", {"raw": 1})
        case _:
            pytest.fail("SystemMessage pattern did not match")
    message = AssistantMessage([TextBlock("hi"), ToolUseBlock("t", "Bash", {"command": "ls"})], "m")
    match message:
        case AssistantMessage([TextBlock(text), ToolUseBlock(name=tool)], model):
            assert (text, tool, model) == ("hi", "Bash", "m")
        case _:
            pytest.fail("AssistantMessage pattern did not match")
    assert message == AssistantMessage(
        [TextBlock("hi"), ToolUseBlock("t", "Bash", {"command": "ls"})], "m"
    )
    assert "TextBlock(text='hi')" in repr(message)


def test_options_defaults_equal_official() -> None:
    mine, theirs = ClaudeAgentOptions(), official.ClaudeAgentOptions()
    for f in dataclasses.fields(theirs):
        if f.name == "debug_stderr":
            continue
        assert getattr(mine, f.name) == getattr(theirs, f.name), f.name


def test_permission_update_round_trip_matches_official() -> None:
    update = PermissionUpdate(
        "addRules",
        rules=[PermissionRuleValue("Bash", "npm test"), PermissionRuleValue("Read")],
        behavior="allow",
        destination="session",
    )
    theirs = official.PermissionUpdate(
        "addRules",
        rules=[
            official.types.PermissionRuleValue("Bash", "npm test"),
            official.types.PermissionRuleValue("Read"),
        ],
        behavior="allow",
    )
    assert update.to_dict() == theirs.to_dict()
    assert PermissionUpdate.from_dict(update.to_dict()) == update
    with pytest.raises(ValueError):
        PermissionUpdate("setMode").to_dict()
    with pytest.raises(ValueError):
        PermissionUpdate("bogus").to_dict()  # type: ignore[arg-type]


def test_permission_results() -> None:
    assert PermissionResultAllow().behavior == "allow"
    deny = PermissionResultDeny(message="no", interrupt=True)
    assert (deny.behavior, deny.message, deny.interrupt) == ("deny", "no", True)


def test_error_classes_have_official_names_attributes_and_hierarchy() -> None:
    for name in (
        "ClaudeSDKError",
        "CLIConnectionError",
        "CLINotFoundError",
        "ProcessError",
        "CLIJSONDecodeError",
        "ResultError",
    ):
        ours, theirs = getattr(claude_wire, name), getattr(official, name)
        for base in theirs.__mro__[1:]:
            if base.__module__.startswith("claude_agent_sdk"):
                assert issubclass(ours, getattr(claude_wire, base.__name__)), (name, base.__name__)
    err = claude_wire.ProcessError("Command failed", exit_code=2, stderr="boom")
    ref = official.ProcessError("Command failed", exit_code=2, stderr="boom")
    assert (err.exit_code, err.stderr, str(err)) == (ref.exit_code, ref.stderr, str(ref))
    nf = claude_wire.CLINotFoundError("Claude Code not found", "/x/claude")
    assert str(nf) == str(official.CLINotFoundError("Claude Code not found", "/x/claude"))
    decode = claude_wire.CLIJSONDecodeError("{bad", ValueError("x"))
    assert (decode.line, str(decode)) == (
        "{bad",
        str(official._errors.CLIJSONDecodeError("{bad", ValueError("x"))),
    )
    parse = claude_wire.MessageParseError("bad", {"type": "x"})
    assert parse.data == {"type": "x"}
    result = claude_wire.ResultError(
        "failed", {"subtype": "error_max_turns", "errors": [" a ", 3]}, exit_code=1
    )
    assert (result.subtype, result.errors, result.exit_code) == ("error_max_turns", ["a"], 1)
    assert issubclass(claude_wire.InvalidOptionsError, ValueError)


def test_client_and_query_signatures_match() -> None:
    ours = inspect.signature(claude_wire.ClaudeSDKClient.query)
    theirs = inspect.signature(official.ClaudeSDKClient.query)
    assert list(ours.parameters) == list(theirs.parameters)
    assert ours.parameters["session_id"].default == theirs.parameters["session_id"].default
    for method in (
        "connect",
        "receive_messages",
        "receive_response",
        "interrupt",
        "set_permission_mode",
        "set_model",
        "rewind_files",
        "get_mcp_status",
        "reconnect_mcp_server",
        "toggle_mcp_server",
        "stop_task",
        "get_context_usage",
        "get_server_info",
        "disconnect",
        "__aenter__",
        "__aexit__",
    ):
        mine_fn = getattr(claude_wire.ClaudeSDKClient, method)
        ref_fn = getattr(official.ClaudeSDKClient, method)
        mine, ref = inspect.signature(mine_fn), inspect.signature(ref_fn)
        assert list(mine.parameters) == list(ref.parameters), method
        # The control methods are made from the core's table: defaults and kind as well.
        assert [p.default for p in mine.parameters.values()] == [
            p.default for p in ref.parameters.values()
        ], method
        assert inspect.iscoroutinefunction(mine_fn) == inspect.iscoroutinefunction(ref_fn), method
    assert list(inspect.signature(claude_wire.query).parameters) == list(
        inspect.signature(official.query).parameters
    )


@pytest.mark.parametrize("sdk", [claude_wire, official], ids=["claude_wire", "official"])
async def test_client_methods_before_connect_raise_cli_connection_error(sdk: Any) -> None:
    client = sdk.ClaudeSDKClient()
    with pytest.raises(sdk.CLIConnectionError, match="Not connected"):
        await client.interrupt()
    with pytest.raises(sdk.CLIConnectionError, match="Not connected"):
        await client.query("hi")
    # An async iterator: the error comes with the first message, not with the call.
    messages = client.receive_messages()
    with pytest.raises(sdk.CLIConnectionError, match="Not connected"):
        await messages.__anext__()
    await client.disconnect()


@pytest.mark.parametrize("sdk", [claude_wire, official], ids=["claude_wire", "official"])
async def test_a_query_before_connect_does_not_read_its_prompt(sdk: Any) -> None:
    read: list[dict[str, Any]] = []

    async def prompts() -> Any:
        message = {"type": "user", "message": {"role": "user", "content": "hi"}}
        read.append(message)
        yield message

    client = sdk.ClaudeSDKClient()
    with pytest.raises(sdk.CLIConnectionError, match="Not connected"):
        await client.query(prompts())
    await asyncio.sleep(0.05)
    assert read == []


def test_result_message_fields() -> None:
    result = ResultMessage("success", 1, 2, False, 1, "s")
    assert result.structured_output is None and result.model_usage is None


def test_package_ships_type_information() -> None:
    from importlib import resources

    assert resources.files("claude_wire").joinpath("py.typed").is_file()
    assert resources.files("claude_wire").joinpath("_native.pyi").is_file()


@pytest.mark.parametrize(
    ("overrides", "warns"),
    [
        ({"allowed_tools": ["Read", "Bash(ls:*)"]}, True),
        ({"allowed_tools": ["Read(*)"]}, True),
        ({"allowed_tools": ["Bash(ls:*)"]}, False),
        ({"permission_mode": "bypassPermissions"}, True),
        ({"skills": "all"}, True),
        ({}, False),
    ],
)
def test_can_use_tool_shadowed_warning(overrides: dict, warns: bool) -> None:
    import warnings

    async def callback(*_: object) -> PermissionResultAllow:
        return PermissionResultAllow()

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        claude_wire.query(
            prompt="x", options=ClaudeAgentOptions(can_use_tool=callback, **overrides)
        )
    shadowed = [w for w in caught if issubclass(w.category, claude_wire.CanUseToolShadowedWarning)]
    assert bool(shadowed) == warns


async def test_tool_lists_may_be_sets_or_tuples(fake_options, tmp_path) -> None:
    # As the official SDK, which joins whatever iterable of names it is given.
    argv_file = tmp_path / "argv.txt"
    options = fake_options(
        [result_frame(session_id="s")],
        env={"FAKE_CLI_ARGV": str(argv_file)},
        allowed_tools={"Read"},
        disallowed_tools=("Bash", "Edit"),
    )
    _ = [m async for m in claude_wire.query(prompt="go", options=options)]
    argv = argv_file.read_text().splitlines()
    assert argv[argv.index("--allowedTools") + 1] == "Read"
    assert argv[argv.index("--disallowedTools") + 1] == "Bash,Edit"


@pytest.mark.parametrize("sdk", [claude_wire, official], ids=["ours", "official"])
async def test_client_reads_its_options_at_every_connect(sdk, fake_options, tmp_path) -> None:
    import dataclasses

    argv_file = tmp_path / "argv.txt"
    first = fake_options([], sdk=sdk, env={"FAKE_CLI_ARGV": str(argv_file)}, model="model-a")
    client = sdk.ClaudeSDKClient(first)
    await client.connect()
    await client.disconnect()
    argv = argv_file.read_text().splitlines()
    assert argv[argv.index("--model") + 1] == "model-a"

    client.options = dataclasses.replace(first, model="model-b")
    await client.connect()
    argv = argv_file.read_text().splitlines()
    assert argv[argv.index("--model") + 1] == "model-b"

    client.options = dataclasses.replace(first, model="model-c")
    if sdk is official:
        await client.disconnect()  # its reconnect would leave the running CLI behind
    await client.connect()  # ours: a reconnect, the session so far ends first
    await client.disconnect()
    argv = argv_file.read_text().splitlines()
    assert argv[argv.index("--model") + 1] == "model-c"
