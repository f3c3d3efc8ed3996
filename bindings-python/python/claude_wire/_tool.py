"""In-process MCP tools: the ``@tool`` decorator and ``create_sdk_mcp_server``.

This module only describes tools (name, description, JSON Schema, handler); the MCP protocol
itself (initialize, tools/list, tools/call, error results) is served by the Rust core.
"""

from __future__ import annotations

import sys
import types as _pytypes
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar, Union, get_args, get_origin

from .types import McpSdkServerConfig, _Record

if sys.version_info >= (3, 11):
    from typing import get_type_hints, is_typeddict
else:  # pragma: no cover - 3.10 only
    from typing_extensions import get_type_hints, is_typeddict

T = TypeVar("T")

_SNAKE_TO_WIRE = {
    "read_only_hint": "readOnlyHint",
    "destructive_hint": "destructiveHint",
    "idempotent_hint": "idempotentHint",
    "open_world_hint": "openWorldHint",
    "max_result_size_chars": "maxResultSizeChars",
}


class ToolAnnotations:
    """Hints about a tool (``readOnlyHint``, ``destructiveHint``, ...) plus ``maxResultSizeChars``.

    Accepts every hint in camelCase or snake_case; attributes use the camelCase wire names.
    """

    def __init__(self, **hints: Any) -> None:
        for snake, wire in _SNAKE_TO_WIRE.items():
            if snake in hints:
                hints.setdefault(wire, hints.pop(snake))
        self.title: str | None = hints.pop("title", None)
        self.readOnlyHint: bool | None = hints.pop("readOnlyHint", None)
        self.destructiveHint: bool | None = hints.pop("destructiveHint", None)
        self.idempotentHint: bool | None = hints.pop("idempotentHint", None)
        self.openWorldHint: bool | None = hints.pop("openWorldHint", None)
        self.maxResultSizeChars: int | None = hints.pop("maxResultSizeChars", None)
        self.extra: dict[str, Any] = hints

    def __repr__(self) -> str:
        shown = {k: v for k, v in vars(self).items() if v not in (None, {})}
        return f"ToolAnnotations({', '.join(f'{k}={v!r}' for k, v in shown.items())})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ToolAnnotations) and vars(self) == vars(other)


@dataclass(repr=False, eq=False)
class SdkMcpTool(_Record, Generic[T]):
    """A tool served in-process: name, description, input schema and async handler."""

    name: str
    description: str
    input_schema: type[T] | dict[str, Any]
    handler: Callable[[T], Awaitable[dict[str, Any]]]
    annotations: Any | None = None


def tool(
    name: str,
    description: str,
    input_schema: type | dict[str, Any],
    annotations: Any | None = None,
) -> Callable[[Callable[[Any], Awaitable[dict[str, Any]]]], SdkMcpTool[Any]]:
    """Declares an in-process tool.

    ``input_schema`` is a dict of parameter names to Python types (``{"a": float}``), a
    ``TypedDict`` class, or a full JSON Schema (a dict with ``"type"`` and ``"properties"``).
    ``Annotated[type, "text"]`` adds a description to a parameter. The decorated coroutine
    receives the arguments as a dict and returns ``{"content": [...], "is_error": bool}``.
    """

    def wrap(handler: Callable[[Any], Awaitable[dict[str, Any]]]) -> SdkMcpTool[Any]:
        return SdkMcpTool(name, description, input_schema, handler, annotations)

    return wrap


def _schema_of_type(py_type: Any) -> dict[str, Any]:
    origin = get_origin(py_type)
    if getattr(origin, "_name", None) in ("NotRequired", "Required", "ReadOnly"):
        return _schema_of_type(get_args(py_type)[0])
    if origin is Annotated:
        inner, *meta = get_args(py_type)
        schema = _schema_of_type(inner)
        text = next((m for m in meta if isinstance(m, str)), None)
        if text is not None:
            schema["description"] = text
        return schema
    simple = {str: "string", int: "integer", float: "number", bool: "boolean"}
    if py_type in simple:
        return {"type": simple[py_type]}
    if origin is Union or isinstance(py_type, _pytypes.UnionType):
        members = [a for a in get_args(py_type) if a is not type(None)]
        if len(members) == 1:
            return _schema_of_type(members[0])
        return {"anyOf": [_schema_of_type(a) for a in members]}
    if origin is list:
        args = get_args(py_type)
        return {"type": "array", "items": _schema_of_type(args[0])} if args else {"type": "array"}
    if origin is dict or py_type is dict:
        return {"type": "object"}
    if py_type is list:
        return {"type": "array"}
    if is_typeddict(py_type):
        return _schema_of_typeddict(py_type)
    return {"type": "string"}


def _schema_of_typeddict(cls: type) -> dict[str, Any]:
    hints = get_type_hints(cls, include_extras=True)
    props = {key: _schema_of_type(hint) for key, hint in hints.items()}
    schema: dict[str, Any] = {"type": "object", "properties": props}
    required = getattr(cls, "__required_keys__", set(props))
    if required:
        schema["required"] = sorted(required)
    return schema


def input_json_schema(declared: Any) -> dict[str, Any]:
    """The JSON Schema sent to the CLI for a tool's declared ``input_schema``."""
    if isinstance(declared, dict):
        if isinstance(declared.get("type"), str) and "properties" in declared:
            return declared
        props = {key: _schema_of_type(hint) for key, hint in declared.items()}
        return {"type": "object", "properties": props, "required": list(props)}
    if is_typeddict(declared):
        return _schema_of_typeddict(declared)
    return {"type": "object", "properties": {}}


def _annotations_json(annotations: Any) -> dict[str, Any] | None:
    """The annotations as given (a dict, our ``ToolAnnotations`` or the ``mcp`` package's
    pydantic one); the core maps the spellings."""
    if annotations is None or isinstance(annotations, dict):
        return annotations
    if hasattr(annotations, "model_dump"):
        dumped: dict[str, Any] = annotations.model_dump(by_alias=True, exclude_none=True)
        return dumped
    extra = getattr(annotations, "extra", None) or {}
    return {k: v for k, v in vars(annotations).items() if k != "extra"} | extra


class SdkMcpServer:
    """An in-process MCP server: a name, a version and tools (served by the native core)."""

    def __init__(self, name: str, version: str, tools: list[SdkMcpTool[Any]]) -> None:
        self.name = name
        self.version = version
        self.tools = list(tools)

    def tool_definitions(self) -> list[dict[str, Any]]:
        """Each tool as ``{name, description, input_schema, annotations, handler}``."""
        return [
            {
                "name": t.name,
                "description": t.description,
                "input_schema": input_json_schema(t.input_schema),
                "annotations": _annotations_json(t.annotations),
                "handler": t.handler,
            }
            for t in self.tools
        ]

    def __repr__(self) -> str:
        names = ", ".join(t.name for t in self.tools)
        return f"SdkMcpServer(name={self.name!r}, version={self.version!r}, tools=[{names}])"


def create_sdk_mcp_server(
    name: str, version: str = "1.0.0", tools: list[SdkMcpTool[Any]] | None = None
) -> McpSdkServerConfig:
    """Bundles tools into an in-process MCP server config for ``ClaudeAgentOptions.mcp_servers``."""
    return {"type": "sdk", "name": name, "instance": SdkMcpServer(name, version, tools or [])}
