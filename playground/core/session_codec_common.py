"""What the session codec's reader and writer share: field specs, type tests, locations and
the error type. See `core.session_codec` for the mapping itself."""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal, Union

Extras = dict[str, dict[str, Any]]
"""Unknown fields by anchor: ``{"runs[id=r1].figures": {"new_figure": 1.5}}``."""

SKIP = "session_codec.skip"
"""Field metadata key: a field the codec neither writes nor reads (in-memory state)."""

TAG = "type"
"""The key that names the class of a value in a union of several dataclasses."""

_IDENTITY_FIELDS = ("id", "name")


class SchemaError(ValueError):
    """A value does not fit the schema. `str()` is ``path: problem``."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}" if path else problem)
        self.path = path
        self.problem = problem


@dataclasses.dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    hint: Any
    required: bool
    default: Any


@functools.cache
def fields_of(cls: type) -> tuple[FieldSpec, ...]:
    hints = typing.get_type_hints(cls)
    out: list[FieldSpec] = []
    for f in dataclasses.fields(cls):
        if not f.init or f.metadata.get(SKIP):
            continue
        if f.default is not dataclasses.MISSING:
            out.append(FieldSpec(f.name, hints[f.name], False, f.default))
        elif f.default_factory is not dataclasses.MISSING:
            out.append(FieldSpec(f.name, hints[f.name], False, f.default_factory()))
        else:
            out.append(FieldSpec(f.name, hints[f.name], True, None))
    return tuple(out)


@functools.cache
def tag_of(cls: type) -> str:
    """The ``"type"`` tag of a dataclass in a union: ``TextPart`` → ``text``."""
    name = cls.__name__
    for suffix in ("Part",):
        if name.endswith(suffix) and name != suffix:
            name = name[: -len(suffix)]
    return name.lower()


def is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (Union, types.UnionType)


def is_dataclass_type(tp: Any) -> bool:
    return isinstance(tp, type) and dataclasses.is_dataclass(tp)


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def expected(tp: Any) -> str:
    if tp is type(None):
        return "null"
    if tp is str:
        return "a string"
    if tp is bool:
        return "true or false"
    if tp is int:
        return "an integer"
    if tp is float:
        return "a number"
    if tp is Decimal:
        return "a decimal number as a string"
    if typing.get_origin(tp) is Literal:
        return "one of " + ", ".join(repr(a) for a in typing.get_args(tp))
    if typing.get_origin(tp) is tuple:
        return "a list"
    if is_dataclass_type(tp) or typing.get_origin(tp) in (dict, Mapping):
        return "an object"
    if is_union(tp):
        return " or ".join(dict.fromkeys(expected(a) for a in typing.get_args(tp)))
    return "a JSON value"


@functools.cache
def identity_field(tp: Any) -> str | None:
    """The field that identifies items of type `tp` in a list (``id``, else ``name``), when
    `tp` is a dataclass that has one; items without one are anchored by position."""
    if not is_dataclass_type(tp):
        return None
    names = {f.name for f in fields_of(tp)}
    return next((n for n in _IDENTITY_FIELDS if n in names), None)


# -- locations ---------------------------------------------------------------------------------
#
# Where a value sits, built as a linked tuple while walking and rendered to text only when it
# is needed (an error, an unknown field, extras to merge back): ``(prefix_path, prefix_anchor)``
# at the root, ``(parent, step)`` below it, a step being a field name or ``(index, identity)``.

Loc = tuple[Any, ...]


def render(loc: Loc) -> tuple[str, str]:
    """``(path, anchor)``: ``runs[3].figures`` and ``runs[id=r3].figures``."""
    steps: list[Any] = []
    while len(loc) == 2 and isinstance(loc[0], tuple):
        loc, step = loc
        steps.append(step)
    path, anchor = loc
    for step in reversed(steps):
        if isinstance(step, str):
            path = f"{path}.{step}" if path else step
            anchor = f"{anchor}.{step}" if anchor else step
        else:
            index, identity = step
            path += f"[{index}]"
            anchor += f"[{identity or index}]"
    return path, anchor


def item_step(index: int, value: Any, key_field: str | None) -> tuple[int, str | None]:
    if key_field is not None:
        key = value.get(key_field) if isinstance(value, dict) else getattr(value, key_field, None)
        if isinstance(key, str) and key:
            return index, f"{key_field}={key}"
    return index, None


class Mismatch(Exception):
    """A mismatch at `loc`; turned into a `SchemaError` with a rendered path at the top."""

    def __init__(self, loc: Loc, problem: str) -> None:
        super().__init__(problem)
        self.loc = loc
        self.problem = problem
