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

import functools
import math
import typing
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal

from playground.core.session_codec_common import (
    SKIP,
    TAG,
    Extras,
    Loc,
    SchemaError,
    fields_of,
    identity_field,
    is_dataclass_type,
    is_union,
    item_step,
    render,
    tag_of,
)
from playground.core.session_decode import decode

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
    if is_union(tp):
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
    if is_union(tp):
        return _union_encoder(tp)
    origin = typing.get_origin(tp)
    if origin is tuple:
        return _tuple_encoder(typing.get_args(tp)[0])
    if origin in (dict, Mapping):
        return _mapping_encoder(typing.get_args(tp)[1])
    if is_dataclass_type(tp):
        return _dataclass_encoder(tp)
    return _identity


def _union_encoder(tp: Any) -> Encoder:
    members = [a for a in typing.get_args(tp) if a is not type(None)]
    tagged = sum(1 for a in members if is_dataclass_type(a)) > 1
    plan = [
        (_matcher(m), m, tag_of(m) if tagged and is_dataclass_type(m) else None) for m in members
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
    key_field = identity_field(item)

    def encode_tuple(value: Any, loc: Loc | None, extras: Extras | None) -> Any:
        child = _encoder(item)
        if loc is None:
            return [child(v, None, None) for v in value]
        return [child(v, (loc, item_step(i, v, key_field)), extras) for i, v in enumerate(value)]

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
        for f in fields_of(cls):
            v = getattr(value, f.name)
            if not f.required and _same(v, f.default):
                continue
            out[f.name] = _encoder(f.hint)(v, None if loc is None else (loc, f.name), extras)
        if loc is not None and extras:
            for key, v in extras.get(render(loc)[1], {}).items():
                out.setdefault(key, v)
        return out

    return encode_dataclass


def encode(value: Any, tp: Any, *, anchor: str = "", extras: Extras | None = None) -> Any:
    """`value` (of declared type `tp`) as a JSON value, with `extras` merged back in."""
    return _encoder(tp)(value, ("", anchor) if extras else None, extras)


__all__ = ["SKIP", "TAG", "Extras", "SchemaError", "decode", "encode", "tag_of"]
