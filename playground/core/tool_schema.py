"""Checking a tool definition the user wrote: its name, and its parameters' JSON schema.

The tool editor validates as the user types. A schema must be JSON (a syntax error is
reported at its line and column) and shaped like a JSON schema for function arguments:
an object with ``"type": "object"``, ``properties`` whose values are schemas, ``required``
naming only those properties, and the same rules in every nested schema. Shape problems are
reported at the line and column of the key at fault too, found by `locate` (the standard
``json`` module does not say where a value was).

Pure functions, no I/O.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from playground.core.request import Tool

NAME_RULE = re.compile(r"[A-Za-z0-9_-]{1,64}")
"""What OpenAI-compatible APIs accept as a function name."""
JSON_TYPES = ("object", "array", "string", "number", "integer", "boolean", "null")
MAX_DEPTH = 32
"""Deeper schemas than this are refused (and JSON nested past Python's recursion limit)."""

PathStep = str | int
Path = tuple[PathStep, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a tool definition, as a sentence a user can act on."""

    field: str
    """``name``, ``description`` or ``schema``: where to look."""
    message: str
    line: int | None = None
    """1-based line in the schema text, when the problem is in the schema."""
    column: int | None = None
    """1-based column."""
    path: str = ""
    """Where in the schema: ``properties.city.type``, ``required[1]``."""

    def __str__(self) -> str:
        where = f"line {self.line}, column {self.column}: " if self.line is not None else ""
        at = f"{self.path}: " if self.path else ""
        return f"{where}{at}{self.message}"


class ToolDefinitionError(ValueError):
    """A tool definition with problems; ``problems`` lists them all."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def path_text(path: Path) -> str:
    """``properties.city.type`` or ``required[1]`` for a path of keys and indexes."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


# -- where each key is -----------------------------------------------------------------------------

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+|\s+', re.DOTALL)


def locate(text: str) -> dict[Path, tuple[int, int]]:
    """The line and column (1-based) of every key and array item of the JSON `text`, by path;
    ``()`` is the top value. Meant for text that parses; on other text it does its best."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line_col(offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1

    positions: dict[Path, tuple[int, int]] = {}
    # Each frame: [is_object, current key or index, expecting a key].
    stack: list[list[Any]] = []

    def here() -> Path:
        return tuple(frame[1] for frame in stack if frame[1] is not None)

    def value_at(offset: int) -> None:
        if stack and not stack[-1][0]:  # an array item
            positions.setdefault(here(), line_col(offset))
        elif not stack:
            positions.setdefault((), line_col(offset))

    for match in _TOKEN.finditer(text):
        token = match.group()
        if token.isspace():
            continue
        offset = match.start()
        if token in "{[":
            value_at(offset)
            stack.append([token == "{", None if token == "{" else 0, token == "{"])
        elif token in "}]":
            if stack:
                stack.pop()
        elif token == ":":
            if stack:
                stack[-1][2] = False
        elif token == ",":
            if stack:
                frame = stack[-1]
                if frame[0]:
                    frame[2] = True
                else:
                    frame[1] += 1
        elif token.startswith('"') and stack and stack[-1][0] and stack[-1][2]:
            try:
                key = json.loads(token)
            except ValueError:
                key = token.strip('"')
            stack[-1][1] = key
            positions[here()] = line_col(offset)
        else:
            value_at(offset)
    return positions


# -- checking --------------------------------------------------------------------------------------


def parse_schema(text: str) -> tuple[Mapping[str, Any] | None, list[Problem]]:
    """The schema in `text`, and what is wrong with it (an empty list when it is good)."""
    if not text.strip():
        return None, [
            Problem(
                "schema",
                "Write the parameters' JSON schema, at least "
                '{"type": "object", "properties": {}}.',
            )
        ]
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [Problem("schema", f"not valid JSON: {exc.msg}.", exc.lineno, exc.colno)]
    except RecursionError:
        return None, [Problem("schema", "nested too deeply.", 1, 1)]
    found = list(_check_schema(value, (), top=True))
    if found:
        places = locate(text)
        return None, [_placed(p, places) for p in found]
    assert isinstance(value, dict)
    return value, []


def _placed(problem: tuple[Path, str], places: Mapping[Path, tuple[int, int]]) -> Problem:
    path, message = problem
    probe = path
    while probe not in places and probe:
        probe = probe[:-1]  # a missing key: point at the object that lacks it
    line, column = places.get(probe, (1, 1))
    return Problem("schema", message, line, column, path_text(path))


def _check_schema(value: Any, path: Path, *, top: bool = False) -> Iterable[tuple[Path, str]]:
    if len(path) > MAX_DEPTH:
        yield path, f"nested deeper than {MAX_DEPTH} levels."
        return
    if isinstance(value, bool) and not top:
        return  # true / false are valid schemas (anything / nothing)
    if not isinstance(value, dict):
        what = "the parameters" if top else "a schema"
        yield path, f"{what} must be a JSON object, not {_kind(value)}."
        return
    kind = value.get("type")
    if top:
        if kind is None:
            yield (
                (*path, "type"),
                'missing: a tool\'s parameters are an object: add "type": "object".',
            )
        elif kind != "object":
            yield (*path, "type"), f'must be "object" for a tool\'s parameters, not {_show(kind)}.'
    yield from _check_type(kind, path)
    properties = value.get("properties")
    if properties is not None:
        if not isinstance(properties, dict):
            yield (*path, "properties"), f"must be an object of schemas, not {_kind(properties)}."
        else:
            for key, sub in properties.items():
                yield from _check_schema(sub, (*path, "properties", key))
    yield from _check_required(value.get("required"), properties, path)
    if "items" in value:
        items = value["items"]
        if isinstance(items, list):  # the old tuple form
            for index, sub in enumerate(items):
                yield from _check_schema(sub, (*path, "items", index))
        else:
            yield from _check_schema(items, (*path, "items"))
    for keyword in ("anyOf", "oneOf", "allOf"):
        if keyword in value:
            options = value[keyword]
            if not isinstance(options, list) or not options:
                yield (*path, keyword), "must be a non-empty array of schemas."
            else:
                for index, sub in enumerate(options):
                    yield from _check_schema(sub, (*path, keyword, index))
    if "enum" in value and (not isinstance(value["enum"], list) or not value["enum"]):
        yield (*path, "enum"), "must be a non-empty array of the allowed values."
    if "description" in value and not isinstance(value["description"], str):
        yield (*path, "description"), f"must be a string, not {_kind(value['description'])}."
    extra = value.get("additionalProperties")
    if extra is not None and not isinstance(extra, bool | dict):
        yield (*path, "additionalProperties"), "must be true, false or a schema."
    elif isinstance(extra, dict):
        yield from _check_schema(extra, (*path, "additionalProperties"))


def _check_type(kind: Any, path: Path) -> Iterable[tuple[Path, str]]:
    if kind is None:
        return
    kinds = kind if isinstance(kind, list) else [kind]
    if not kinds:
        yield (*path, "type"), "must name at least one type."
    for item in kinds:
        if item not in JSON_TYPES:
            yield (
                (*path, "type"),
                f"{_show(item)} is not a JSON schema type (use one of {', '.join(JSON_TYPES)}).",
            )


def _check_required(required: Any, properties: Any, path: Path) -> Iterable[tuple[Path, str]]:
    if required is None:
        return
    if not isinstance(required, list):
        yield (*path, "required"), f"must be an array of property names, not {_kind(required)}."
        return
    known = properties if isinstance(properties, dict) else {}
    for index, name in enumerate(required):
        if not isinstance(name, str):
            yield (*path, "required", index), f"must be a property name, not {_kind(name)}."
        elif name not in known:
            yield (*path, "required", index), f"{_show(name)} is not in properties."


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


def name_problems(name: str, others: Iterable[str] = ()) -> list[Problem]:
    """What is wrong with a tool's name (`others`: the names of the other tools)."""
    if not name:
        return [Problem("name", "Give the tool a name, e.g. get_weather.")]
    if not NAME_RULE.fullmatch(name):
        return [Problem("name", "A name is 1–64 letters, digits, _ or -, without spaces.")]
    if name in set(others):
        return [Problem("name", f"There is already a tool named {name}.")]
    return []


def build_tool(name: str, description: str, schema: str, *, others: Iterable[str] = ()) -> Tool:
    """A `Tool` from what the user typed.

    Raises:
        ToolDefinitionError: with every problem found (name and schema).
    """
    name = name.strip()
    problems = name_problems(name, others)
    parameters, schema_problems = parse_schema(schema)
    problems += schema_problems
    if problems or parameters is None:
        raise ToolDefinitionError(problems)
    return Tool(name, description.strip(), parameters)


def schema_text(tool: Tool) -> str:
    """A tool's schema as the editor shows it: indented JSON."""
    return json.dumps(tool.parameters, indent=2, ensure_ascii=False)


__all__ = [
    "Problem",
    "ToolDefinitionError",
    "build_tool",
    "locate",
    "name_problems",
    "parse_schema",
    "path_text",
    "schema_text",
]
