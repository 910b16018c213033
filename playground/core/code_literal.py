"""JSON-shaped values written as source code literals: Python, JavaScript/TypeScript, JSON.

View code puts prompts, model names and tool schemas into generated programs, so every
string goes through `string_literal`, never an f-string: it is ``json.dumps`` output, which
is a valid string literal in all three languages, with every character that is not
printable escaped (``\\uXXXX``; beyond U+FFFF a surrogate pair for JSON and JavaScript,
``\\UXXXXXXXX`` for Python). That covers the C0 and C1 controls, ESC, DEL, U+2028 and
U+2029 (line breaks to JavaScript and to some editors), bidirectional overrides (the "Trojan
Source" trick) and zero-width characters: nothing in generated code can hide, reorder or
end a line, and the code is safe to print to a terminal as it is.

`render` lays a value out over several lines only when it does not fit on one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Dialect = Literal["python", "js", "json"]
"""Which language the literal is for: they differ in booleans, null and object keys."""

WIDTH = 88
"""Lines are kept to this width where a value can be broken."""

_JS_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
_JS_RESERVED = frozenset(
    {
        "await", "break", "case", "catch", "class", "const", "continue", "debugger", "default",
        "delete", "do", "else", "enum", "export", "extends", "false", "finally", "for",
        "function", "if", "import", "in", "instanceof", "let", "new", "null", "return",
        "static", "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void",
        "while", "with", "yield",
    }
)  # fmt: skip
"""Words that cannot be bare object keys in older engines: quoted instead."""


_DOTTED_NAME = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)*$")


@dataclass(frozen=True, slots=True)
class Expr:
    """Source code written as it is: a name or expression the generator made up
    (``process.env.AI_GATEWAY_API_KEY``), never text from a user or a model."""

    code: str

    def __post_init__(self) -> None:
        if not _DOTTED_NAME.match(self.code):
            raise ValueError(f"not a dotted name: {self.code!r}")


@dataclass(frozen=True, slots=True)
class Call:
    """A call in generated JavaScript: ``function(argument)``, or ``function()`` without
    one. The function name is the generator's; the argument is rendered as a literal."""

    function: str
    argument: Any = None
    has_argument: bool = True

    def __post_init__(self) -> None:
        if not _DOTTED_NAME.match(self.function):
            raise ValueError(f"not a function name: {self.function!r}")


def call(function: str, *argument: Any) -> Call:
    """``call("tool", {...})`` or ``call("Output.json")``."""
    if len(argument) > 1:
        raise TypeError("one argument at most")
    return Call(function, argument[0] if argument else None, bool(argument))


def _escape_unprintable(text: str, dialect: Dialect) -> str:
    if text.isprintable():
        return text  # one C-level scan: a megabyte of base64 (an attachment) stays fast
    out: list[str] = []
    for ch in text:
        if ch.isprintable():
            out.append(ch)
            continue
        code = ord(ch)
        if code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        elif dialect == "python":
            out.append(f"\\U{code:08x}")
        else:  # JSON and JavaScript spell an astral character as a UTF-16 surrogate pair
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
    return "".join(out)


def string_literal(text: str, dialect: Dialect = "json") -> str:
    """`text` as a double-quoted literal of `dialect`, with every non-printable character
    escaped (see the module docstring). The JSON form is also valid JavaScript."""
    return _escape_unprintable(json.dumps(text, ensure_ascii=False), dialect)


def _key(key: str, dialect: Dialect) -> str:
    if dialect == "js" and _JS_IDENTIFIER.match(key) and key not in _JS_RESERVED:
        return key
    return string_literal(key, dialect)


def _scalar(value: Any, dialect: Dialect) -> str:
    if value is None:
        return "None" if dialect == "python" else "null"
    if value is True:
        return "True" if dialect == "python" else "true"
    if value is False:
        return "False" if dialect == "python" else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("NaN and infinity have no JSON form")
        return repr(value)
    if isinstance(value, str):
        return string_literal(value, dialect)
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def compact(value: Any, dialect: Dialect) -> str:
    """`value` on one line."""
    if isinstance(value, Expr):
        return value.code
    if isinstance(value, Call):
        inside = compact(value.argument, dialect) if value.has_argument else ""
        return f"{value.function}({inside})"
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        items = ", ".join(f"{_key(k, dialect)}: {compact(v, dialect)}" for k, v in value.items())
        return f"{{ {items} }}" if dialect == "js" else f"{{{items}}}"
    if isinstance(value, Sequence) and not isinstance(value, str):
        return "[" + ", ".join(compact(v, dialect) for v in value) + "]"
    return _scalar(value, dialect)


def render(
    value: Any, dialect: Dialect, *, indent: int = 0, step: int = 4, column: int | None = None
) -> str:
    """`value` as a literal. Later lines are indented from `indent`; the value is broken
    over lines only when it would not fit in `WIDTH` from `column`.

    Args:
        value: A JSON-shaped value (mappings with string keys, sequences, scalars).
        dialect: The language.
        indent: The indentation of the line the literal starts on.
        step: Spaces per nesting level.
        column: Where the literal's first character is (default: `indent`).
    """
    one_line = compact(value, dialect)
    start = indent if column is None else column
    if isinstance(value, Call) and value.has_argument and start + len(one_line) > WIDTH:
        head = f"{value.function}("
        inside = render(value.argument, dialect, indent=indent, step=step, column=start + len(head))
        return f"{head}{inside})"
    if start + len(one_line) <= WIDTH or not isinstance(value, Mapping | list | tuple):
        return one_line
    if not value:  # {} and [] stay whole however long the line
        return one_line
    inner = " " * (indent + step)
    close = " " * indent
    trailing = "" if dialect == "json" else ","
    if isinstance(value, Mapping):
        parts = []
        for k, v in value.items():
            head = f"{inner}{_key(k, dialect)}: "
            parts.append(
                head + render(v, dialect, indent=indent + step, step=step, column=len(head))
            )
        return "{\n" + ",\n".join(parts) + f"{trailing}\n{close}}}"
    items = [f"{inner}{render(v, dialect, indent=indent + step, step=step)}" for v in value]
    return "[\n" + ",\n".join(items) + f"{trailing}\n{close}]"
