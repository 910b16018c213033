"""Checking tool definitions (core.tool_schema) and the example tools (core.tool_examples)."""

from __future__ import annotations

import json
from random import Random
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from playground.core.request import Tool
from playground.core.tool_examples import EXAMPLE_TOOLS, ExampleTool, example_named, sample_result
from playground.core.tool_schema import (
    Problem,
    ToolDefinitionError,
    build_tool,
    locate,
    name_problems,
    parse_schema,
    path_text,
    schema_text,
)
from playground.sim import tools as sim_tools

GOOD = """{
  "type": "object",
  "properties": {
    "city": {"type": "string", "description": "The city"},
    "days": {"type": "integer", "minimum": 1},
    "tags": {"type": "array", "items": {"type": "string"}},
    "when": {"anyOf": [{"type": "string"}, {"type": "null"}]}
  },
  "required": ["city"],
  "additionalProperties": false
}"""


def test_a_good_schema_parses() -> None:
    value, problems = parse_schema(GOOD)
    assert problems == []
    assert value == json.loads(GOOD)


def test_a_json_syntax_error_has_its_line_and_column() -> None:
    text = '{\n  "type": "object",\n  "properties": {,}\n}'
    value, [problem] = parse_schema(text)
    assert value is None
    assert (problem.field, problem.line, problem.column) == ("schema", 3, 18)
    assert str(problem).startswith("line 3, column 18: not valid JSON: Expecting property name")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[1, 2]", "line 1, column 1: the parameters must be a JSON object, not an array."),
        (
            '{"properties": {}}',
            "line 1, column 1: type: missing: a tool's parameters are an object: "
            'add "type": "object".',
        ),
        (
            '{"type": "string"}',
            'line 1, column 2: type: must be "object" for a tool\'s parameters, not "string".',
        ),
        (
            '{\n  "type": "object",\n  "properties": {\n    "city": {"type": "strng"}\n  }\n}',
            'line 4, column 14: properties.city.type: "strng" is not a JSON schema type',
        ),
        (
            '{"type": "object",\n "properties": {"a": {"type": "string"}},\n'
            ' "required": ["a", "b"]}',
            'line 3, column 20: required[1]: "b" is not in properties.',
        ),
        (
            '{"type": "object", "properties": []}',
            "line 1, column 20: properties: must be an object of schemas, not an array.",
        ),
        (
            '{"type": "object", "properties": {"x": {"type": "array", "items": [{"type": 3}]}}}',
            "properties.x.items[0].type: 3 is not a JSON schema type",
        ),
        (
            '{"type": "object", "properties": {"x": {"enum": []}}}',
            "properties.x.enum: must be a non-empty array of the allowed values.",
        ),
        (
            '{"type": "object", "properties": {"x": "string"}}',
            "properties.x: a schema must be a JSON object, not a string.",
        ),
        (
            '{"type": "object", "required": "city"}',
            "required: must be an array of property names, not a string.",
        ),
        ('{"type": "object", "anyOf": {}}', "anyOf: must be a non-empty array of schemas."),
        ("", "Write the parameters' JSON schema"),
        ("[" * 100_000, "nested too deeply"),
    ],
)
def test_shape_problems_say_where_and_what(text: str, expected: str) -> None:
    value, problems = parse_schema(text)
    assert value is None
    assert any(expected in str(p) for p in problems), [str(p) for p in problems]


def test_every_problem_is_reported_not_just_the_first() -> None:
    text = '{"type": "object", "properties": {"a": {"type": "x"}, "b": {"type": "y"}}}'
    _, problems = parse_schema(text)
    assert [p.path for p in problems] == ["properties.a.type", "properties.b.type"]


def test_boolean_sub_schemas_are_allowed() -> None:
    _, problems = parse_schema('{"type": "object", "properties": {"anything": true}}')
    assert problems == []


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("", "Give the tool a name"),
        ("get weather", "without spaces"),
        ("x" * 65, "1–64"),
        ("naïve", "letters, digits"),
        ("get_weather", "already a tool"),
    ],
)
def test_names(name: str, words: str) -> None:
    [problem] = name_problems(name, others=["get_weather"])
    assert problem.field == "name" and words in problem.message


def test_build_tool_collects_every_problem() -> None:
    with pytest.raises(ToolDefinitionError) as caught:
        build_tool("bad name", "", "{")
    assert [p.field for p in caught.value.problems] == ["name", "schema"]
    tool = build_tool("  get_weather ", " Weather. ", GOOD)
    assert tool == Tool("get_weather", "Weather.", json.loads(GOOD))
    assert json.loads(schema_text(tool)) == json.loads(GOOD)


def test_problem_text() -> None:
    assert str(Problem("schema", "bad.", 2, 3, "a.b")) == "line 2, column 3: a.b: bad."
    assert str(Problem("name", "bad.")) == "bad."
    assert path_text(("properties", "a", "items", 0, "type")) == "properties.a.items[0].type"


_keys = st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=8)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(_keys, children, max_size=3),
    max_leaves=12,
)


def _paths(value: Any, path: tuple[str | int, ...] = ()) -> list[tuple[tuple[str | int, ...], Any]]:
    out = []
    if isinstance(value, dict):
        for key, child in value.items():
            out.append(((*path, key), child))
            out += _paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            out.append(((*path, index), child))
            out += _paths(child, (*path, index))
    return out


@given(st.dictionaries(_keys, _json, max_size=4), st.sampled_from([None, 2, 4]))
def test_locate_points_at_every_key_and_item(value: dict[str, Any], indent: int | None) -> None:
    """Each key's position is where its quoted name starts; each item's where its value does."""
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    lines = text.split("\n")
    places = locate(text)
    for path, child in _paths(value):
        line, column = places[path]
        rest = lines[line - 1][column - 1 :]
        if isinstance(path[-1], str):
            assert rest.startswith(json.dumps(path[-1], ensure_ascii=False)), (path, rest)
        else:
            first = json.dumps(child, ensure_ascii=False)[0]
            assert rest.startswith(first), (path, rest)


@pytest.mark.parametrize("example", EXAMPLE_TOOLS, ids=lambda e: e.tool.name)
def test_examples_are_valid_and_the_simulated_model_calls_them(example: ExampleTool) -> None:
    tool = example.tool
    assert build_tool(tool.name, tool.description, schema_text(tool)) == tool
    assert json.loads(example.sample_result)  # the sample is JSON
    assert sample_result(tool.name) == example.sample_result
    assert example_named(tool.name) is example
    # Offered every example, the simulated gateway's model picks this one for its prompt.
    everything = [e.tool for e in EXAMPLE_TOOLS]
    [chosen] = sim_tools.choose_tools(everything, example.prompt, None)
    assert chosen.name == tool.name
    arguments = json.loads(sim_tools.arguments_for(tool, example.prompt, Random(1)))
    assert set(tool.parameters["required"]) <= set(arguments)


def test_example_keys_are_distinct_single_letters() -> None:
    keys = [e.key for e in EXAMPLE_TOOLS]
    assert len(set(keys)) == len(keys) and all(len(k) == 1 and k.isalpha() for k in keys)
    assert {e.tool.name for e in EXAMPLE_TOOLS} >= {"get_weather", "search_docs"}
    assert sample_result("nope") == ""
