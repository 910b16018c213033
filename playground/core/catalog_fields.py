"""Tolerant readers for catalog payload fields, and the price parser (pure, no I/O).

Gateways leave fields out, send numbers as strings, ``null`` where a list belongs, ``"-1"`` for
"varies". Each reader here turns one field into the value `core.catalog` wants, or into
None/empty when it cannot: a wrong type is unknown, never an exception.

The hot readers remember what they computed (price strings, price lists, string lists): a
catalog repeats the same few hundred values thousands of times, and the results are immutable
(`Decimal`, frozen `Prices`, tuples), so sharing them is safe. `clear_caches` forgets them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import MISSING, fields
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from playground.core.pricing import Prices, Tier, parse_price

T = TypeVar("T")


def parse_prices(value: object) -> Prices | None:
    """Prices from a ``pricing`` object in either naming (``input``/``output`` or
    ``prompt``/``completion``); None when there is no pricing object or nothing in it is a
    price (``"pricing": {}``)."""
    if not isinstance(value, dict) or not value:
        return None
    # Providers of a model family share price lists: a flat one (no tiers) is parsed once and
    # the frozen result shared. A list value makes the key unhashable: parse it fresh. So
    # does a boolean, which would hash like 0 or 1 and share their (different) result.
    if any(type(v) is bool for v in value.values()):
        return _parse_prices(value)
    try:
        key = tuple(value.items())
        return _PRICES_CACHE[key]
    except KeyError:
        prices = _parse_prices(value)
        if len(_PRICES_CACHE) >= _CACHE_LIMIT:
            _PRICES_CACHE.clear()
        _PRICES_CACHE[key] = prices
        return prices
    except TypeError:
        return _parse_prices(value)


_PRICES_CACHE: dict[tuple[tuple[str, object], ...], Prices | None] = {}
_new_prices: Callable[..., Prices]  # `fast_constructor(Prices)`, set at the end of the module


def clear_caches() -> None:
    """Forget the memoized prices and string lists (they only save time; a benchmark clears
    them so that every run is a cold parse)."""
    _PRICES_CACHE.clear()
    _PRICE_CACHE.clear()
    _STRINGS_CACHE.clear()


def _parse_prices(value: dict[str, Any]) -> Prices | None:
    get = value.get
    inp = get("input")
    out = get("output")
    tiered = _TIER_KEYS.intersection(value)  # usually empty: skip six lookups
    prices = _new_prices(
        input=price(get("prompt") if inp is None else inp),
        output=price(get("completion") if out is None else out),
        cache_read=price(get("input_cache_read")),
        cache_write=price(get("input_cache_write")),
        web_search=price(get("web_search")),
        input_tiers=tiers(first(value, "input_tiers", "prompt_tiers")) if tiered else (),
        output_tiers=tiers(first(value, "output_tiers", "completion_tiers")) if tiered else (),
        cache_read_tiers=tiers(get("input_cache_read_tiers")) if tiered else (),
        cache_write_tiers=tiers(get("input_cache_write_tiers")) if tiered else (),
    )
    if (
        prices.input is None
        and prices.output is None
        and prices.cache_read is None
        and prices.cache_write is None
        and prices.web_search is None
        and not (prices.input_tiers or prices.output_tiers)
    ):
        return None
    return prices


_TIER_KEYS = frozenset(
    (
        "input_tiers",
        "prompt_tiers",
        "output_tiers",
        "completion_tiers",
        "input_cache_read_tiers",
        "input_cache_write_tiers",
    )
)
_PRICE_CACHE: dict[str, Decimal | None] = {}
_CACHE_LIMIT = 4096
"""Entries kept by each memo below before it starts over (bounds memory on odd input)."""


def price(value: object) -> Decimal | None:
    """`parse_price`, remembered per string: a catalog repeats the same few hundred price
    strings thousands of times, and a `Decimal` is immutable, so sharing one is safe."""
    if value is None:
        return None
    if type(value) is not str:
        return parse_price(value)
    try:
        return _PRICE_CACHE[value]
    except KeyError:
        pass
    parsed = parse_price(value)
    if len(_PRICE_CACHE) >= _CACHE_LIMIT:
        _PRICE_CACHE.clear()
    _PRICE_CACHE[value] = parsed
    return parsed


def list_of(payload: object, key: str) -> list[Any] | None:
    if isinstance(payload, list):
        return payload
    if isinstance(payload, dict) and isinstance(payload.get(key), list):
        value: list[Any] = payload[key]
        return value
    return None


def first(entry: Mapping[str, Any], *keys: str) -> object:
    for key in keys:
        value = entry.get(key)
        if value is not None:
            return value
    return None


def id_of(entry: Mapping[str, Any]) -> str:
    value = entry.get("id")
    return value.strip() if isinstance(value, str) else ""


def creator_of(model_id: str) -> str:
    return model_id.split("/", 1)[0] if "/" in model_id else ""


def text(value: object) -> str:
    return value if isinstance(value, str) else ""


def mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


_STRINGS_CACHE: dict[tuple[object, ...], tuple[str, ...]] = {}


def strings(value: object) -> tuple[str, ...]:
    """A list of strings (others dropped, repeats removed, order kept); a lone string is a
    list of one. Lists repeat across a catalog (every endpoint of a family has the same
    ``supported_parameters``), so each distinct list is checked once and shared."""
    if type(value) is list:
        key = tuple(value)
        try:
            return _STRINGS_CACHE[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable element: not a list of strings anyway
            return tuple(dict.fromkeys(v for v in value if isinstance(v, str) and v))
        found = tuple(dict.fromkeys(v for v in key if isinstance(v, str) and v))
        if len(_STRINGS_CACHE) >= _CACHE_LIMIT:
            _STRINGS_CACHE.clear()
        _STRINGS_CACHE[key] = found
        return found
    if isinstance(value, str):
        return (value,) if value else ()
    if isinstance(value, tuple):
        return strings(list(value))
    return ()


def boolean(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def number(value: object) -> float | None:
    """A finite, non-negative number (numeric strings too); None otherwise."""
    if isinstance(value, float):
        result = value
    elif isinstance(value, int):
        if isinstance(value, bool):
            return None
        result = float(value)
    elif isinstance(value, str):
        try:
            result = float(value)
        except ValueError:
            return None
    else:
        return None
    return result if result >= 0 and math.isfinite(result) else None


def integer(value: object) -> int | None:
    if isinstance(value, int):
        return None if isinstance(value, bool) else value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def count(value: object) -> int | None:
    """A positive token count; zero, negatives and non-numbers are unknown."""
    result = integer(value)
    return result if result is not None and result > 0 else None


def ms_to_s(value: object) -> float | None:
    result = number(value)
    return None if result is None else result / 1000


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_MAX_ORDINAL = date.max.toordinal()


def epoch_date(value: object) -> date | None:
    """The UTC day of a unix time in seconds, or in milliseconds when it is too large to be
    seconds. (Day arithmetic rather than `datetime.fromtimestamp`: a third of the cost, and
    no platform limits on the range.)"""
    if value is None:
        return None
    seconds = number(value)
    if not seconds:
        return None
    if seconds > 1e11:  # seconds would be past the year 5000: it is milliseconds
        seconds /= 1000
    ordinal = _EPOCH_ORDINAL + int(seconds // 86400)
    return date.fromordinal(ordinal) if ordinal <= _MAX_ORDINAL else None


def iso_date(value: object) -> date | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return epoch_date(value)
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def tiers(value: object) -> tuple[Tier, ...]:
    """Tiers ``{cost, min, max}``; a tier without a usable cost is dropped."""
    if not isinstance(value, list):
        return ()
    found: list[Tier] = []
    for entry in value:
        if not isinstance(entry, dict):
            continue
        cost = price(entry.get("cost"))
        if cost is None:
            continue
        low = integer(entry.get("min"))
        high = integer(entry.get("max"))
        found.append(Tier(cost=cost, min=max(low or 0, 0), max=high))
    return tuple(sorted(found, key=lambda t: t.min))


def fast_constructor(cls: type[T]) -> Callable[..., T]:
    """A constructor for the frozen, slotted dataclass `cls` that takes the same arguments
    (keywords included, defaults the same) and builds the same immutable object at about half
    the cost.

    A frozen dataclass's generated ``__init__`` sets every field through
    ``object.__setattr__(self, "name", value)``, a name lookup per field; this one calls each
    slot's descriptor directly. The parser builds thousands of `Model`, `Endpoint` and
    `Prices` objects on a cold start, where that difference is a tenth of the time. The class
    stays frozen: only this constructor writes its slots, once.
    """
    params: list[str] = []
    factories: list[str] = []
    setters: list[str] = []
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls, "_MISSING": MISSING}
    for field in fields(cls):  # type: ignore[arg-type]
        name = field.name
        namespace[f"_set_{name}"] = getattr(cls, name).__set__
        setters.append(f"    _set_{name}(obj, {name})")
        if field.default is not MISSING:
            namespace[f"_default_{name}"] = field.default
            params.append(f"{name}=_default_{name}")
        elif field.default_factory is not MISSING:
            namespace[f"_factory_{name}"] = field.default_factory
            params.append(f"{name}=_MISSING")
            factories.append(f"    if {name} is _MISSING:\n        {name} = _factory_{name}()")
        else:
            params.append(name)
    body = [*factories, "    obj = _new(_cls)", *setters, "    return obj"]
    source = f"def make({', '.join(params)}):\n" + "\n".join(body) + "\n"
    exec(source, namespace)  # how dataclasses builds __init__, too
    make: Callable[..., T] = namespace["make"]
    make.__qualname__ = f"{cls.__qualname__}.fast"
    return make


_new_prices = fast_constructor(Prices)
