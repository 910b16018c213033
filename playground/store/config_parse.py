"""Reading config.toml's text into a `Config`, naming every value it could not use.

A wrong type or an out-of-range value becomes a `ConfigProblem` with its line (found by
scanning the text, since ``tomllib`` reports positions only for syntax errors), and the
default is used in its place. Unknown keys are collected with their paths, to be written back.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import fields
from typing import Any

from playground.core.profile import (
    BUILTIN_PROFILES,
    PROFILE_KINDS,
    Profile,
    guess_kind,
    normalize_base_url,
)
from playground.core.request import REASONING_EFFORTS, Params, validate_params
from playground.store.config_model import Config, ConfigProblem, Defaults, KeyPath

_TOML_POSITION = re.compile(r"^(?P<msg>.*?)\s*\(at line (?P<line>\d+), column (?P<col>\d+)\)$")
_TOML_END = re.compile(r"^(?P<msg>.*?)\s*\(at end of document\)$")


def describe_toml_error(exc: tomllib.TOMLDecodeError) -> str:
    text = str(exc)
    match = _TOML_POSITION.match(text)
    if match:
        return f"line {match['line']}, column {match['col']}: {match['msg']}"
    match = _TOML_END.match(text)
    if match:
        return f"at the end of the file: {match['msg']}"
    return text


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


class _Reader:
    """Turns the parsed TOML document into a `Config`, collecting problems and unknowns."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.problems: list[ConfigProblem] = []
        self.unknown: dict[KeyPath, Any] = {}

    def problem(self, path: KeyPath, message: str) -> None:
        # A missing key has no line of its own: point at its table instead.
        line = next(
            (n for i in range(len(path), 0, -1) if (n := line_of(self.lines, path[:i]))), None
        )
        self.problems.append(ConfigProblem(path, message, line))

    def keep_unknown(self, path: KeyPath, value: Any) -> None:
        self.unknown[path] = value

    def expect(self, path: KeyPath, value: Any, kind: str) -> Any:
        """`value` when it is of `kind` (str, int, number, bool, table, strings), else a
        problem and the marker `_BAD`."""
        ok = {
            "str": isinstance(value, str),
            "int": isinstance(value, int) and not isinstance(value, bool),
            "number": isinstance(value, int | float) and not isinstance(value, bool),
            "bool": isinstance(value, bool),
            "table": isinstance(value, dict),
            "strings": isinstance(value, list) and all(isinstance(v, str) for v in value),
        }[kind]
        if ok:
            return float(value) if kind == "number" else value
        expected = {
            "str": "a string",
            "int": "an integer",
            "number": "a number",
            "bool": "true or false",
            "table": "a table",
            "strings": "an array of strings",
        }[kind]
        self.problem(path, f"expected {expected}, got {_json_kind(value)}")
        return _BAD


_BAD = object()
_PARAM_FIELDS = frozenset(f.name for f in fields(Params))

_DEFAULT_KINDS: dict[str, str] = {
    "profile": "str",
    "model": "str",
    "provider": "str",
    "temperature": "number",
    "max_tokens": "int",
    "top_p": "number",
    "seed": "int",
    "stop": "strings",
    "frequency_penalty": "number",
    "presence_penalty": "number",
    "reasoning_effort": "str",
}


def _read_defaults(reader: _Reader, table: dict[str, Any]) -> Defaults:
    values: dict[str, Any] = {}
    for key, raw in table.items():
        path = ("defaults", key)
        kind = _DEFAULT_KINDS.get(key)
        if kind is None:
            reader.keep_unknown(path, raw)
            continue
        value = reader.expect(path, raw, kind)
        if value is _BAD:
            continue
        if key == "stop":
            value = tuple(value)
        if key == "reasoning_effort" and value not in REASONING_EFFORTS:
            reader.problem(path, "expected one of " + ", ".join(REASONING_EFFORTS))
            continue
        if key in _PARAM_FIELDS:
            trouble = validate_params(Params(**{key: value}))
            if trouble:
                reader.problem(path, trouble[0].rstrip("."))
                continue
        values[key] = value
    return Defaults(**values)


def _read_profile(reader: _Reader, name: str, table: dict[str, Any]) -> Profile | None:
    base = BUILTIN_PROFILES.get(name)
    kind, base_url, key_env = (base.kind, base.base_url, base.key_env) if base else (None, None, ())
    for key, raw in table.items():
        path = ("profiles", name, key)
        if key == "kind":
            value = reader.expect(path, raw, "str")
            if value is not _BAD and value not in PROFILE_KINDS:
                reader.problem(path, "expected one of " + ", ".join(PROFILE_KINDS))
            elif value is not _BAD:
                kind = value
        elif key == "base_url":
            value = reader.expect(path, raw, "str")
            if value is not _BAD:
                url = normalize_base_url(value)
                if not url.startswith(("http://", "https://")):
                    reader.problem(path, "expected an http:// or https:// URL")
                else:
                    base_url = url
        elif key == "key_env":
            if isinstance(raw, str):
                raw = [raw]
            value = reader.expect(path, raw, "strings")
            if value is not _BAD:
                key_env = tuple(value)
        else:
            reader.keep_unknown(path, raw)
    if base_url is None:
        reader.problem(("profiles", name, "base_url"), "missing")
        return None
    return Profile(name, kind or guess_kind(base_url), base_url, key_env)


def _read_doc(reader: _Reader, doc: dict[str, Any]) -> Config:
    values: dict[str, Any] = {}
    for key, raw in doc.items():
        path = (key,)
        if key == "theme":
            value = reader.expect(path, raw, "str")
            if value is not _BAD:
                values["theme"] = value
        elif key == "stall_threshold_s":
            value = reader.expect(path, raw, "number")
            if value is not _BAD and not value > 0:
                reader.problem(path, "expected a number of seconds above 0")
            elif value is not _BAD:
                values["stall_threshold_s"] = value
        elif key == "defaults":
            if reader.expect(path, raw, "table") is not _BAD:
                values["defaults"] = _read_defaults(reader, raw)
        elif key == "sessions":
            if reader.expect(path, raw, "table") is not _BAD:
                for sub, sub_raw in raw.items():
                    if sub == "autosave":
                        value = reader.expect(("sessions", sub), sub_raw, "bool")
                        if value is not _BAD:
                            values["autosave"] = value
                    else:
                        reader.keep_unknown(("sessions", sub), sub_raw)
        elif key == "logging":
            if reader.expect(path, raw, "table") is not _BAD:
                for sub, sub_raw in raw.items():
                    if sub == "debug_log":
                        value = reader.expect(("logging", sub), sub_raw, "bool")
                        if value is not _BAD:
                            values["debug_log"] = value
                    else:
                        reader.keep_unknown(("logging", sub), sub_raw)
        elif key == "keymap":
            if reader.expect(path, raw, "table") is not _BAD:
                keymap = {}
                for binding, keys in raw.items():
                    value = reader.expect(("keymap", binding), keys, "str")
                    if value is not _BAD:
                        keymap[binding] = value
                values["keymap"] = keymap
        elif key == "profiles":
            if reader.expect(path, raw, "table") is not _BAD:
                profiles = {}
                for name, table in raw.items():
                    if reader.expect(("profiles", name), table, "table") is _BAD:
                        continue
                    profile = _read_profile(reader, name, table)
                    if profile is not None:
                        profiles[name] = profile
                values["profiles"] = profiles
        else:
            reader.keep_unknown(path, raw)
    return Config(**values, unknown=dict(reader.unknown))


def parse_config(text: str) -> tuple[Config, tuple[ConfigProblem, ...]]:
    """Read config.toml's text.

    Raises:
        tomllib.TOMLDecodeError: not valid TOML.
    """
    doc = tomllib.loads(text)
    reader = _Reader(text)
    config = _read_doc(reader, doc)
    return config, tuple(reader.problems)


_HEADER_LINE = re.compile(r"^\s*\[\[?\s*(?P<name>[^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY_LINE = re.compile(r"""^\s*(?P<key>(?:"[^"]*"|'[^']*'|[A-Za-z0-9_.\- ]+?))\s*=""")


def _split_key(text: str) -> KeyPath:
    parts = re.findall(r""""([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+)""", text)
    return tuple(a or b or c for a, b, c in parts)


def line_of(lines: list[str], path: KeyPath) -> int | None:
    """The 1-based line where `path` is set, found by scanning headers and keys (good for
    the plain files people write; None when it cannot tell)."""
    table: KeyPath = ()
    for number, line in enumerate(lines, 1):
        header = _HEADER_LINE.match(line)
        if header:
            table = _split_key(header["name"])
            if table == path:
                return number
            continue
        key = _KEY_LINE.match(line)
        if key and (*table, *_split_key(key["key"])) == path:
            return number
    return None
