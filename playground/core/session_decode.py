"""Reading JSON values into the core's dataclasses, validating every value on the way.

One decoder closure is built per type, once, so a large session is read without walking type
hints again for every value. Errors name the place (``runs[3].figures.ttft_s: expected a
number or null, got a string``); unknown fields are collected into the extras table.
"""

from __future__ import annotations

import functools
import math
import typing
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from playground.core.session_codec_common import (
    TAG,
    Extras,
    Loc,
    Mismatch,
    SchemaError,
    expected,
    fields_of,
    identity_field,
    is_dataclass_type,
    is_union,
    item_step,
    json_type,
    render,
    tag_of,
)

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
    except Mismatch as exc:
        raise SchemaError(render(exc.loc)[0], exc.problem) from None


def _mismatch(tp: Any, data: Any, loc: Loc) -> Mismatch:
    return Mismatch(loc, f"expected {expected(tp)}, got {json_type(data)}")


@functools.cache
def _decoder(tp: Any) -> Decoder:
    if tp is Any:
        return lambda data, loc, extras: data
    if is_union(tp):
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
    if is_dataclass_type(tp):
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
    raise Mismatch(loc, f"expected a decimal number as a string, got {json_type(data)}")


def _literal_decoder(tp: Any) -> Decoder:
    allowed = typing.get_args(tp)

    def decode_literal(data: Any, loc: Loc, extras: Extras | None) -> Any:
        if not isinstance(data, bool) and data in allowed:
            return data
        raise _mismatch(tp, data, loc)

    return decode_literal


def _tuple_decoder(item: Any) -> Decoder:
    key_field = identity_field(item)

    def decode_tuple(data: Any, loc: Loc, extras: Extras | None) -> Any:
        if not isinstance(data, list):
            raise Mismatch(loc, f"expected a list, got {json_type(data)}")
        child = _decoder(item)
        return tuple(
            child(v, (loc, item_step(i, v, key_field)), extras) for i, v in enumerate(data)
        )

    return decode_tuple


def _mapping_decoder(item: Any) -> Decoder:
    def decode_mapping(data: Any, loc: Loc, extras: Extras | None) -> Any:
        if not isinstance(data, dict):
            raise Mismatch(loc, f"expected an object, got {json_type(data)}")
        child = _decoder(item)
        return {k: child(v, (loc, k), extras) for k, v in data.items()}

    return decode_mapping


def _union_decoder(tp: Any) -> Decoder:
    members = typing.get_args(tp)
    nullable = type(None) in members
    classes = [m for m in members if is_dataclass_type(m)]
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
                raise Mismatch((loc, TAG), f"expected one of {tags}, got {tag!r}")
            body = {k: v for k, v in data.items() if k != TAG}
            return _decoder(cls)(body, loc, extras)
        for member in others:
            try:
                return _decoder(member)(data, loc, extras)
            except Mismatch as exc:
                # A problem deeper inside a value that matched is the one to report; a
                # mismatch of this value itself means "try the next member".
                if exc.loc is not loc:
                    raise
        raise _mismatch(tp, data, loc)

    return decode_union


def _dataclass_decoder(cls: type) -> Decoder:
    def decode_dataclass(data: Any, loc: Loc, extras: Extras | None) -> Any:
        if not isinstance(data, dict):
            raise Mismatch(loc, f"expected an object, got {json_type(data)}")
        kwargs: dict[str, Any] = {}
        known = 0
        for f in fields_of(cls):
            if f.name in data:
                known += 1
                kwargs[f.name] = _decoder(f.hint)(data[f.name], (loc, f.name), extras)
            elif f.required:
                raise Mismatch((loc, f.name), "missing")
        if known != len(data) and extras is not None:
            names = {f.name for f in fields_of(cls)}
            unknown = {k: v for k, v in data.items() if k not in names}
            extras.setdefault(render(loc)[1], {}).update(unknown)
        try:
            return cls(**kwargs)
        except (TypeError, ValueError) as exc:
            raise Mismatch(loc, str(exc)) from None

    return decode_dataclass
