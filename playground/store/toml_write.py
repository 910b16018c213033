"""A small TOML writer: what ``tomllib`` reads, written back so that it reads the same.

The standard library reads TOML but does not write it. The config file needs only plain
tables, scalars, arrays and the date-times a user may have typed, so this writes exactly that
(TOML 1.0): key/value pairs first, then sub-tables as ``[a.b]`` sections, arrays of tables as
``[[a.b]]``; keys are bare when they can be and quoted otherwise; strings are basic strings
with every control character escaped. ``tomllib.loads(dumps(doc)) == doc`` for every document
``tomllib`` can produce (checked by a property test). Comments are not preserved.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f]')


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _ESCAPES.get(char) or f"\\u{ord(char):04x}"


def format_string(text: str) -> str:
    """A TOML basic string."""
    return '"' + _NEEDS_ESCAPE.sub(_escape, text) + '"'


def format_key(key: str) -> str:
    """A key, bare when TOML allows it."""
    return key if _BARE_KEY.fullmatch(key) else format_string(key)


def format_value(value: Any) -> str:
    """A value on the right of ``=``: scalars, arrays, inline tables.

    Raises:
        TypeError: a value TOML cannot hold (None, for one).
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return format_string(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        inner = ", ".join(f"{format_key(k)} = {format_value(v)}" for k, v in value.items())
        return "{ " + inner + " }"
    if isinstance(value, Sequence):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    raise TypeError(f"TOML cannot hold {type(value).__name__}")


def _is_table_array(value: Any) -> bool:
    return (
        isinstance(value, Sequence)
        and not isinstance(value, str)
        and bool(value)
        and all(isinstance(v, Mapping) for v in value)
    )


def _header(path: Sequence[str]) -> str:
    return ".".join(format_key(k) for k in path)


def _table(out: list[str], path: tuple[str, ...], table: Mapping[str, Any], array: bool) -> None:
    plain = [
        (k, v) for k, v in table.items() if not isinstance(v, Mapping) and not _is_table_array(v)
    ]
    subtables = [(k, v) for k, v in table.items() if isinstance(v, Mapping)]
    arrays = [(k, v) for k, v in table.items() if _is_table_array(v)]
    if path and (array or plain or not table):
        if out:
            out.append("")
        out.append(f"[[{_header(path)}]]" if array else f"[{_header(path)}]")
    for key, value in plain:
        out.append(f"{format_key(key)} = {format_value(value)}")
    for key, value in subtables:
        _table(out, (*path, key), value, False)
    for key, items in arrays:
        for item in items:
            _table(out, (*path, key), item, True)


def dumps(doc: Mapping[str, Any], *, header: str = "") -> str:
    """`doc` as TOML text. `header` lines are written first as ``#`` comments."""
    out: list[str] = [f"# {line}".rstrip() for line in header.splitlines()]
    if out:
        out.append("")
    body: list[str] = []
    _table(body, (), doc, False)
    out.extend(body)
    return "\n".join(out).strip("\n") + "\n"
