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


# -- locations ---------------------------------------------------------------------------------
#
# Where a value sits, built as a linked tuple while walking and rendered to text only when it
# is needed (an error, an unknown field, extras to merge back): ``(prefix_path, prefix_anchor)``
# at the root, ``(parent, step)`` below it, a step being a field name or ``(index, identity)``.

Loc = tuple[Any, ...]


def _render(loc: Loc) -> tuple[str, str]:
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


def _item_step(index: int, value: Any, key_field: str | None) -> tuple[int, str | None]:
    if key_field is not None:
        key = value.get(key_field) if isinstance(value, dict) else getattr(value, key_field, None)
        if isinstance(key, str) and key:
            return index, f"{key_field}={key}"
    return index, None


class _Bad(Exception):
    """A mismatch at `loc`; turned into a `SchemaError` with a rendered path at the top."""

    def __init__(self, loc: Loc, problem: str) -> None:
        super().__init__(problem)
        self.loc = loc
        self.problem = problem


# -- encoding ----------------------------------------------------------------------------------

Encoder = typing.Callable[[Any, "Loc | None", "Extras | None"], Any]
"""``encoder(value, loc, extras)``; `loc` is None when there are no extras to merge."""


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


def _matcher(tp: Any) -> typing.Callable[[Any], bool]:
    if tp is Any:
        return lambda v: True
    if tp is type(None):
        return lambda v: v is None
    if tp is bool:
        return lambda v: isinstance(v, bool)
    if tp is int:
        return lambda v: isinstance(v, int) and not isinstance(v, bool)
    if tp is float:
        return lambda v: isinstance(v, int | float) and not isinstance(v, bool)
    origin = typing.get_origin(tp)
    if origin is Literal:
        allowed = typing.get_args(tp)
        return lambda v: v in allowed
    if origin is tuple:
        return lambda v: isinstance(v, tuple)
    if origin in (dict, Mapping):
        return lambda v: isinstance(v, Mapping)
    if _is_union(tp):
        members = [_matcher(a) for a in typing.get_args(tp)]
        return lambda v: any(m(v) for m in members)
    return lambda v: isinstance(v, tp)


def _same(value: Any, default: Any) -> bool:
    # -0.0 == 0.0, but leaving it out would read back as 0.0: keep the sign.
    if isinstance(value, float) and value == 0.0 and math.copysign(1.0, value) < 0:
        return False
    try:
        return bool(value == default) and type(value) is type(default)
    except Exception:
        return False


def _identity(value: Any, loc: Loc | None, extras: Extras | None) -> Any:
    return value


def _encode_float(value: Any, loc: Loc | None, extras: Extras | None) -> Any:
    return value if math.isfinite(value) else repr(float(value))


def _encode_decimal(value: Any, loc: Loc | None, extras: Extras | None) -> Any:
    return str(value)


def _encode_any(value: Any, loc: Loc | None, extras: Extras | None) -> Any:
    return _plain(value)


@functools.cache
def _encoder(tp: Any) -> Encoder:
    if tp is Any:
        return _encode_any
    if tp is float:
        return _encode_float
    if tp is Decimal:
        return _encode_decimal
    if _is_union(tp):
        return _union_encoder(tp)
    origin = typing.get_origin(tp)
    if origin is tuple:
        return _tuple_encoder(typing.get_args(tp)[0])
    if origin in (dict, Mapping):
        return _mapping_encoder(typing.get_args(tp)[1])
    if _is_dataclass_type(tp):
        return _dataclass_encoder(tp)
    return _identity


def _union_encoder(tp: Any) -> Encoder:
    members = [a for a in typing.get_args(tp) if a is not type(None)]
    tagged = sum(1 for a in members if _is_dataclass_type(a)) > 1
    plan = [
        (_matcher(m), m, tag_of(m) if tagged and _is_dataclass_type(m) else None) for m in members
    ]

    def encode_union(value: Any, loc: Loc | None, extras: Extras | None) -> Any:
        if value is None:
            return None
        for matches, member, tag in plan:
            if matches(value):
                out = _encoder(member)(value, loc, extras)
                return {TAG: tag, **out} if tag is not None else out
        raise TypeError(f"{type(value).__name__} does not fit {tp}")

    return encode_union


def _tuple_encoder(item: Any) -> Encoder:
    key_field = _identity_field(item)

    def encode_tuple(value: Any, loc: Loc | None, extras: Extras | None) -> Any:
        child = _encoder(item)
        if loc is None:
            return [child(v, None, None) for v in value]
        return [child(v, (loc, _item_step(i, v, key_field)), extras) for i, v in enumerate(value)]

    return encode_tuple


def _mapping_encoder(item: Any) -> Encoder:
    def encode_mapping(value: Any, loc: Loc | None, extras: Extras | None) -> Any:
        child = _encoder(item)
        return {
            str(k): child(v, None if loc is None else (loc, str(k)), extras)
            for k, v in value.items()
        }

    return encode_mapping


def _dataclass_encoder(cls: type) -> Encoder:
    def encode_dataclass(value: Any, loc: Loc | None, extras: Extras | None) -> Any:
        out: dict[str, Any] = {}
        for f in _fields(cls):
            v = getattr(value, f.name)
            if not f.required and _same(v, f.default):
                continue
            out[f.name] = _encoder(f.hint)(v, None if loc is None else (loc, f.name), extras)
        if loc is not None and extras:
            for key, v in extras.get(_render(loc)[1], {}).items():
                out.setdefault(key, v)
        return out

    return encode_dataclass


def encode(value: Any, tp: Any, *, anchor: str = "", extras: Extras | None = None) -> Any:
    """`value` (of declared type `tp`) as a JSON value, with `extras` merged back in."""
    return _encoder(tp)(value, ("", anchor) if extras else None, extras)


# -- decoding ----------------------------------------------------------------------------------

Decoder = typing.Callable[[Any, Loc, "Extras | None"], Any]
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
    try:
        return _decoder(tp)(data, (path, anchor), extras)
    except _Bad as exc:
        raise SchemaError(_render(exc.loc)[0], exc.problem) from None


def _mismatch(tp: Any, data: Any, loc: Loc) -> _Bad:
    return _Bad(loc, f"expected {_expected(tp)}, got {_json_type(data)}")


@functools.cache
def _decoder(tp: Any) -> Decoder:
    if tp is Any:
        return lambda data, loc, extras: data
    if _is_union(tp):
        return _union_decoder(tp)
    if tp in (str, bool, type(None)):
        exact = tp

        def decode_exact(data: Any, loc: Loc, extras: Extras | None) -> Any:
            if type(data) is exact:
                return data
            raise _mismatch(exact, data, loc)

        return decode_exact
    if tp is int:
        return _decode_int
    if tp is float:
        return _decode_float
    if tp is Decimal:
        return _decode_decimal
    origin = typing.get_origin(tp)
    if origin is Literal:
        return _literal_decoder(tp)
    if origin is tuple:
        return _tuple_decoder(typing.get_args(tp)[0])
    if origin in (dict, Mapping):
        return _mapping_decoder(typing.get_args(tp)[1])
    if _is_dataclass_type(tp):
        return _dataclass_decoder(tp)
    raise TypeError(f"session_codec cannot read type {tp!r}")


def _decode_int(data: Any, loc: Loc, extras: Extras | None) -> Any:
    if isinstance(data, int) and not isinstance(data, bool):
        return data
    raise _mismatch(int, data, loc)


def _decode_float(data: Any, loc: Loc, extras: Extras | None) -> Any:
    if isinstance(data, int | float) and not isinstance(data, bool):
        return float(data)
    if isinstance(data, str) and data.lower() in _FLOAT_WORDS:
        return _FLOAT_WORDS[data.lower()]
    raise _mismatch(float, data, loc)


def _decode_decimal(data: Any, loc: Loc, extras: Extras | None) -> Any:
    if isinstance(data, str):
        try:
            return Decimal(data.strip())
        except InvalidOperation:
            pass
    elif isinstance(data, int) and not isinstance(data, bool):
        return Decimal(data)
    elif isinstance(data, float):
        return Decimal(repr(data))  # a hand-edited file: the shortest repr, not the binary value
    raise _Bad(loc, f"expected a decimal number as a string, got {_json_type(data)}")


def _literal_decoder(tp: Any) -> Decoder:
    allowed = typing.get_args(tp)

    def decode_literal(data: Any, loc: Loc, extras: Extras | None) -> Any:
        if not isinstance(data, bool) and data in allowed:
            return data
        raise _mismatch(tp, data, loc)

    return decode_literal


def _tuple_decoder(item: Any) -> Decoder:
    key_field = _identity_field(item)

    def decode_tuple(data: Any, loc: Loc, extras: Extras | None) -> Any:
        if not isinstance(data, list):
            raise _Bad(loc, f"expected a list, got {_json_type(data)}")
        child = _decoder(item)
        return tuple(
            child(v, (loc, _item_step(i, v, key_field)), extras) for i, v in enumerate(data)
        )

    return decode_tuple


def _mapping_decoder(item: Any) -> Decoder:
    def decode_mapping(data: Any, loc: Loc, extras: Extras | None) -> Any:
        if not isinstance(data, dict):
            raise _Bad(loc, f"expected an object, got {_json_type(data)}")
        child = _decoder(item)
        return {k: child(v, (loc, k), extras) for k, v in data.items()}

    return decode_mapping


def _union_decoder(tp: Any) -> Decoder:
    members = typing.get_args(tp)
    nullable = type(None) in members
    classes = [m for m in members if _is_dataclass_type(m)]
    by_tag = {tag_of(c): c for c in classes} if len(classes) > 1 else {}
    others = [m for m in members if m is not type(None)]

    def decode_union(data: Any, loc: Loc, extras: Extras | None) -> Any:
        if data is None:
            if nullable:
                return None
            raise _mismatch(tp, data, loc)
        if by_tag and isinstance(data, dict):
            tag = data.get(TAG)
            cls = by_tag.get(tag) if isinstance(tag, str) else None
            if cls is None:
                tags = ", ".join(repr(t) for t in by_tag)
                raise _Bad((loc, TAG), f"expected one of {tags}, got {tag!r}")
            body = {k: v for k, v in data.items() if k != TAG}
            return _decoder(cls)(body, loc, extras)
        for member in others:
            try:
                return _decoder(member)(data, loc, extras)
            except _Bad as exc:
                # A problem deeper inside a value that matched is the one to report; a
                # mismatch of this value itself means "try the next member".
                if exc.loc is not loc:
                    raise
        raise _mismatch(tp, data, loc)

    return decode_union


def _dataclass_decoder(cls: type) -> Decoder:
    def decode_dataclass(data: Any, loc: Loc, extras: Extras | None) -> Any:
        if not isinstance(data, dict):
            raise _Bad(loc, f"expected an object, got {_json_type(data)}")
        kwargs: dict[str, Any] = {}
        known = 0
        for f in _fields(cls):
            if f.name in data:
                known += 1
                kwargs[f.name] = _decoder(f.hint)(data[f.name], (loc, f.name), extras)
            elif f.required:
                raise _Bad((loc, f.name), "missing")
        if known != len(data) and extras is not None:
            names = {f.name for f in _fields(cls)}
            unknown = {k: v for k, v in data.items() if k not in names}
            extras.setdefault(_render(loc)[1], {}).update(unknown)
        try:
            return cls(**kwargs)
        except (TypeError, ValueError) as exc:
            raise _Bad(loc, str(exc)) from None

    return decode_dataclass
