"""A type-driven mapping between the core's frozen dataclasses and JSON values.

The session format stores runs, requests and figures as they are defined in `core.run` and
`core.request`. Rather than a hand-written mapping per class (which drifts every time a field
is added), this walks the dataclasses' type hints:

- fields are written in declaration order (stable, diffable), and a field whose value equals
  its default is left out (readers fill the default back in);
- ``Decimal`` is written as a string (exact); floats as JSON numbers, which Python writes with
  ``repr`` and so read back bit for bit; non-finite floats as ``"inf"``, ``"-inf"``, ``"nan"``;
- tuples are lists; ``X | None`` is ``null`` or X; a union of several dataclasses (message
  parts) carries a ``"type"`` tag;
- reading validates every value against its type and names the place of the first problem:
  ``runs[3].figures.ttft_s: expected a number, got a string``;
- fields the reader does not know are collected, by *anchor*, into an extras table and written
  back on the next encode, so a file from a newer app survives a round trip. Anchors name list
  items by their ``id`` (or ``name``) when they have one, so they survive reordering.

Pure functions, no I/O.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import types
import typing
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
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
class _Field:
    name: str
    hint: Any
    required: bool
    default: Any


@functools.cache
def _fields(cls: type) -> tuple[_Field, ...]:
    hints = typing.get_type_hints(cls)
    out: list[_Field] = []
    for f in dataclasses.fields(cls):
        if not f.init or f.metadata.get(SKIP):
            continue
        if f.default is not dataclasses.MISSING:
            out.append(_Field(f.name, hints[f.name], False, f.default))
        elif f.default_factory is not dataclasses.MISSING:
            out.append(_Field(f.name, hints[f.name], False, f.default_factory()))
        else:
            out.append(_Field(f.name, hints[f.name], True, None))
    return tuple(out)


@functools.cache
def tag_of(cls: type) -> str:
    """The ``"type"`` tag of a dataclass in a union: ``TextPart`` → ``text``."""
    name = cls.__name__
    for suffix in ("Part",):
        if name.endswith(suffix) and name != suffix:
            name = name[: -len(suffix)]
    return name.lower()


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (Union, types.UnionType)


def _is_dataclass_type(tp: Any) -> bool:
    return isinstance(tp, type) and dataclasses.is_dataclass(tp)


def _json_type(value: Any) -> str:
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


def _expected(tp: Any) -> str:
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
    if _is_dataclass_type(tp) or typing.get_origin(tp) in (dict, Mapping):
        return "an object"
    if _is_union(tp):
        return " or ".join(dict.fromkeys(_expected(a) for a in typing.get_args(tp)))
    return "a JSON value"


@functools.cache
def _identity_field(tp: Any) -> str | None:
    """The field that identifies items of type `tp` in a list (``id``, else ``name``), when
    `tp` is a dataclass that has one; items without one are anchored by position."""
    if not _is_dataclass_type(tp):
        return None
    names = {f.name for f in _fields(tp)}
    return next((n for n in _IDENTITY_FIELDS if n in names), None)


def _item_anchor(anchor: str, index: int, value: Any, tp: Any) -> str:
    name = _identity_field(tp)
    if name is not None:
        key = value.get(name) if isinstance(value, dict) else getattr(value, name, None)
        if isinstance(key, str) and key:
            return f"{anchor}[{name}={key}]"
    return f"{anchor}[{index}]"


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


# -- encoding ----------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A free-form value (``Any``) as JSON: tuples become lists, mappings dicts."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


def _matches(value: Any, tp: Any) -> bool:
    if tp is Any:
        return True
    if tp is type(None):
        return value is None
    if tp is bool:
        return isinstance(value, bool)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if tp is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    origin = typing.get_origin(tp)
    if origin is Literal:
        return value in typing.get_args(tp)
    if origin is tuple:
        return isinstance(value, tuple)
    if origin in (dict, Mapping):
        return isinstance(value, Mapping)
    if _is_union(tp):
        return any(_matches(value, a) for a in typing.get_args(tp))
    return isinstance(tp, type) and isinstance(value, tp)


def encode(value: Any, tp: Any, *, anchor: str = "", extras: Extras | None = None) -> Any:
    """`value` (of declared type `tp`) as a JSON value, with `extras` merged back in."""
    if tp is Any:
        return _plain(value)
    if value is None:
        return None
    if _is_union(tp):
        members = [a for a in typing.get_args(tp) if a is not type(None)]
        tagged = sum(1 for a in members if _is_dataclass_type(a)) > 1
        for member in members:
            if _matches(value, member):
                encoded = encode(value, member, anchor=anchor, extras=extras)
                if tagged and _is_dataclass_type(member):
                    encoded = {TAG: tag_of(member), **encoded}
                return encoded
        raise TypeError(f"{anchor or 'value'}: {type(value).__name__} does not fit {tp}")
    if tp is float:
        return value if math.isfinite(value) else repr(float(value))
    if tp is Decimal:
        return str(value)
    origin = typing.get_origin(tp)
    if origin is tuple:
        (item,) = typing.get_args(tp)[:1]
        return [
            encode(v, item, anchor=_item_anchor(anchor, i, v, item), extras=extras)
            for i, v in enumerate(value)
        ]
    if origin in (dict, Mapping):
        _, item = typing.get_args(tp)
        return {
            str(k): encode(v, item, anchor=_join(anchor, str(k)), extras=extras)
            for k, v in value.items()
        }
    if _is_dataclass_type(tp):
        out: dict[str, Any] = {}
        for f in _fields(tp):
            v = getattr(value, f.name)
            if not f.required and _same(v, f.default):
                continue
            out[f.name] = encode(v, f.hint, anchor=_join(anchor, f.name), extras=extras)
        if extras:
            for key, v in extras.get(anchor, {}).items():
                out.setdefault(key, v)
        return out
    return value


def _same(value: Any, default: Any) -> bool:
    # -0.0 == 0.0, but leaving it out would read back as 0.0: keep the sign.
    if isinstance(value, float) and value == 0.0 and math.copysign(1.0, value) < 0:
        return False
    try:
        return bool(value == default) and type(value) is type(default)
    except Exception:
        return False


# -- decoding ----------------------------------------------------------------------------------


_FLOAT_WORDS = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan, "infinity": math.inf}


def decode(
    data: Any, tp: Any, *, path: str = "", anchor: str = "", extras: Extras | None = None
) -> Any:
    """Read `data` (a parsed JSON value) as type `tp`.

    Args:
        data: What ``json.loads`` gave.
        tp: The declared type.
        path: Where `data` is, for error messages (``runs[3].figures``).
        anchor: Where `data` is, for extras (list items by id).
        extras: Collects unknown fields; None ignores them.

    Raises:
        SchemaError: `data` does not fit `tp`.
    """
    if tp is Any:
        return data
    if tp is type(None):
        if data is None:
            return None
        raise SchemaError(path, f"expected null, got {_json_type(data)}")
    if _is_union(tp):
        return _decode_union(data, tp, path, anchor, extras)
    if tp is str:
        if isinstance(data, str):
            return data
    elif tp is bool:
        if isinstance(data, bool):
            return data
    elif tp is int:
        if isinstance(data, int) and not isinstance(data, bool):
            return data
    elif tp is float:
        if isinstance(data, int | float) and not isinstance(data, bool):
            return float(data)
        if isinstance(data, str) and data.lower() in _FLOAT_WORDS:
            return _FLOAT_WORDS[data.lower()]
    elif tp is Decimal:
        return _decode_decimal(data, path)
    else:
        origin = typing.get_origin(tp)
        if origin is Literal:
            if data in typing.get_args(tp) and not isinstance(data, bool):
                return data
        elif origin is tuple:
            if isinstance(data, list):
                item = typing.get_args(tp)[0]
                return tuple(
                    decode(
                        v,
                        item,
                        path=f"{path}[{i}]",
                        anchor=_item_anchor(anchor, i, v, item),
                        extras=extras,
                    )
                    for i, v in enumerate(data)
                )
        elif origin in (dict, Mapping):
            if isinstance(data, dict):
                _, item = typing.get_args(tp)
                return {
                    k: decode(v, item, path=_join(path, k), anchor=_join(anchor, k), extras=extras)
                    for k, v in data.items()
                }
        elif _is_dataclass_type(tp):
            if isinstance(data, dict):
                return _decode_dataclass(data, tp, path, anchor, extras)
        else:
            raise TypeError(f"session_codec cannot read type {tp!r}")
    raise SchemaError(path, f"expected {_expected(tp)}, got {_json_type(data)}")


def _decode_decimal(data: Any, path: str) -> Decimal:
    if isinstance(data, str):
        try:
            return Decimal(data.strip())
        except InvalidOperation:
            pass
    elif isinstance(data, int) and not isinstance(data, bool):
        return Decimal(data)
    elif isinstance(data, float):
        return Decimal(repr(data))  # a hand-edited file: the shortest repr, not the binary value
    raise SchemaError(path, f"expected a decimal number as a string, got {_json_type(data)}")


def _decode_union(data: Any, tp: Any, path: str, anchor: str, extras: Extras | None) -> Any:
    members = typing.get_args(tp)
    if data is None:
        if type(None) in members:
            return None
        raise SchemaError(path, f"expected {_expected(tp)}, got null")
    classes = [m for m in members if _is_dataclass_type(m)]
    if isinstance(data, dict) and len(classes) > 1:
        tag = data.get(TAG)
        for cls in classes:
            if tag == tag_of(cls):
                body = {k: v for k, v in data.items() if k != TAG}
                return _decode_dataclass(body, cls, path, anchor, extras)
        tags = ", ".join(repr(tag_of(c)) for c in classes)
        raise SchemaError(_join(path, TAG), f"expected one of {tags}, got {tag!r}")
    first_error: SchemaError | None = None
    for member in members:
        if member is type(None):
            continue
        try:
            return decode(data, member, path=path, anchor=anchor, extras=extras)
        except SchemaError as exc:
            # An error deeper than this value (inside the object that matched) is the one
            # to report; a mismatch of this value itself means "try the next member".
            if exc.path != path:
                raise
            first_error = first_error or exc
    raise SchemaError(path, f"expected {_expected(tp)}, got {_json_type(data)}") from first_error


def _decode_dataclass(
    data: dict[str, Any], cls: type, path: str, anchor: str, extras: Extras | None
) -> Any:
    kwargs: dict[str, Any] = {}
    known: set[str] = set()
    for f in _fields(cls):
        known.add(f.name)
        if f.name in data:
            kwargs[f.name] = decode(
                data[f.name],
                f.hint,
                path=_join(path, f.name),
                anchor=_join(anchor, f.name),
                extras=extras,
            )
        elif f.required:
            raise SchemaError(_join(path, f.name), "missing")
    unknown = {k: v for k, v in data.items() if k not in known}
    if unknown and extras is not None:
        extras.setdefault(anchor, {}).update(unknown)
    try:
        return cls(**kwargs)
    except (TypeError, ValueError) as exc:
        raise SchemaError(path, str(exc)) from None
