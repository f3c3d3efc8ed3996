"""``@tool`` accepts the official schema forms and produces the same JSON Schema."""

import sys
from typing import Annotated, Any, Optional, Union

import pytest

from claude_wire import SdkMcpTool, ToolAnnotations, create_sdk_mcp_server, tool
from claude_wire._tool import input_json_schema

if sys.version_info >= (3, 11):
    from typing import NotRequired, TypedDict
else:
    from typing_extensions import NotRequired, TypedDict


class Point(TypedDict):
    x: float
    y: Annotated[float, "vertical"]
    label: NotRequired[str]


class Shape(TypedDict):
    points: list[Point]
    closed: bool


JSON_SCHEMA = {
    "type": "object",
    "properties": {"q": {"type": "string", "minLength": 1}},
    "required": ["q"],
}

FORMS: list[Any] = [
    {"a": float, "b": int, "name": str, "flag": bool},
    {"tags": list[str], "meta": dict[str, Any], "raw": list, "obj": dict},
    {"maybe": Optional[int], "either": Union[int, str], "new_union": int | None},  # noqa: UP045 - the forms under test
    {"described": Annotated[str, "what it is"]},
    {},
    Point,
    Shape,
    JSON_SCHEMA,
]


def test_dict_of_types() -> None:
    assert input_json_schema({"a": float, "n": int}) == {
        "type": "object",
        "properties": {"a": {"type": "number"}, "n": {"type": "integer"}},
        "required": ["a", "n"],
    }


def test_typeddict_with_optional_key_and_description() -> None:
    assert input_json_schema(Point) == {
        "type": "object",
        "properties": {
            "x": {"type": "number"},
            "y": {"type": "number", "description": "vertical"},
            "label": {"type": "string"},
        },
        "required": ["x", "y"],
    }


def test_json_schema_passes_through() -> None:
    assert input_json_schema(JSON_SCHEMA) is JSON_SCHEMA


@pytest.mark.parametrize("form", FORMS, ids=range(len(FORMS)))
def test_same_schema_as_official(form: Any) -> None:
    official = pytest.importorskip("claude_agent_sdk")
    decorated = official.tool("t", "d", form)(lambda args: None)
    assert input_json_schema(form) == official._build_input_schema(decorated)


async def test_decorator_and_server_config() -> None:
    @tool(
        "add",
        "Add numbers",
        {"a": float},
        annotations=ToolAnnotations(read_only_hint=True, maxResultSizeChars=9),
    )
    async def add(args: dict[str, Any]) -> dict[str, Any]:
        return {"content": [{"type": "text", "text": str(args["a"])}]}

    assert isinstance(add, SdkMcpTool)
    assert (add.name, add.description) == ("add", "Add numbers")
    assert await add.handler({"a": 1}) == {"content": [{"type": "text", "text": "1"}]}
    config = create_sdk_mcp_server("calc", tools=[add])
    assert config["type"] == "sdk" and config["name"] == "calc"
    server = config["instance"]
    assert server.version == "1.0.0"
    [definition] = server.tool_definitions()
    # Handed to the core as given; the core maps the hints and maxResultSizeChars (`_meta`).
    given = {k: v for k, v in definition["annotations"].items() if v is not None}
    assert given == {"readOnlyHint": True, "maxResultSizeChars": 9}
    assert definition["input_schema"]["properties"] == {"a": {"type": "number"}}


def test_the_mcp_packages_tool_annotations_are_accepted() -> None:
    mcp_types = pytest.importorskip("mcp.types")

    @tool("look", "Looks", {}, annotations=mcp_types.ToolAnnotations(readOnlyHint=True))
    async def look(args: dict[str, Any]) -> dict[str, Any]:
        return {"content": []}

    [definition] = create_sdk_mcp_server("eyes", tools=[look])["instance"].tool_definitions()
    assert definition["annotations"] == {"readOnlyHint": True}
