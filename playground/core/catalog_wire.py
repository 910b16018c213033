"""Catalog payloads as the gateways send them → `Model` and `Endpoint`. Pure functions, no I/O.

Three dialects (`ProfileKind`), one tolerant reader each (PROTOCOL.md §2.3, §3, §4):

- ``vercel``: ``{"object": "list", "data": [model…]}`` with ``context_window``, ``max_tokens``,
  ``tags``, ``released`` (unix s), ``deprecated_at`` (unix ms), ``modalities`` and ``pricing``
  with ``input``/``output``/``input_cache_read``/``input_cache_write``/``web_search`` and
  ``*_tiers``.
- ``openrouter``: ``{"data": [model…]}`` with ``context_length``, ``top_provider``,
  ``architecture``, ``pricing.prompt``/``completion`` and ``supported_parameters`` (from which
  the capability tags are derived: OpenRouter has none).
- ``openai`` (local servers): ids only, plus ``max_model_len`` (vLLM) or ``meta.n_ctx_train``
  (llama.cpp) as the context. No prices: unknown, never zero.

The endpoints route has one shape for Vercel and OpenRouter: ``{"data": {"id", …,
"endpoints": [endpoint…]}}`` (``data`` is an object there), prices keyed ``prompt``/
``completion``, figures in ``latency_last_1h``/``throughput_last_1h`` (Vercel) or
``…_last_30m`` (OpenRouter), in milliseconds and tokens per second.

Whatever is missing or of the wrong type becomes unknown (None); an entry without a usable id
(or provider) is skipped and counted, never fatal. Only a payload that is not a catalog at all
raises `CatalogShapeError`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from playground.core.catalog import IMPLICIT_CACHING, Endpoint, Model
from playground.core.pricing import Prices, Tier, parse_price
from playground.core.profile import ProfileKind


class CatalogShapeError(ValueError):
    """The payload is not a model list (or an endpoints answer) at all."""


@dataclass(frozen=True, slots=True)
class ParsedModels:
    """What `parse_models` made of a payload."""

    models: tuple[Model, ...]
    skipped: int = 0
    """Entries that were not models (no id, not an object, a repeated id)."""
    dialect: ProfileKind = "openai"
    """The dialect the entries are in: the `kind` asked for, except that an ``openai`` list
    whose entries carry Vercel or OpenRouter fields (a proxy in front of a gateway, or the
    simulated gateway behind ``--gateway``) is read, and reported, as that dialect."""


@dataclass(frozen=True, slots=True)
class ParsedEndpoints:
    """What `parse_endpoints` made of a payload."""

    endpoints: tuple[Endpoint, ...]
    skipped: int = 0
    """Entries that were not endpoints (no provider, not an object, a repeated provider)."""
    model_id: str | None = None
    """The model the payload says it describes, when it says."""


def parse_models(payload: object, kind: ProfileKind) -> ParsedModels:
    """The models of a ``GET /models`` payload in the `kind` dialect.

    Raises:
        CatalogShapeError: the payload holds no model list.
    """
    entries = _list_of(payload, "data")
    if entries is None:
        raise CatalogShapeError("the model list has no 'data' array")
    models: list[Model] = []
    seen: set[str] = set()
    skipped = 0
    dialects = {"vercel": 0, "openrouter": 0, "openai": 0}
    for entry in entries:
        if not isinstance(entry, dict) or not _id(entry):
            skipped += 1
            continue
        dialect = _sniff(entry) if kind == "openai" else kind
        dialects[dialect] += 1
        model = _PARSERS[dialect](entry)
        if model.id in seen:
            skipped += 1
            continue
        seen.add(model.id)
        models.append(model)
    found: ProfileKind = kind
    if kind == "openai" and models:
        found = "vercel" if dialects["vercel"] >= dialects["openrouter"] else "openrouter"
        if dialects["openai"] > dialects[found]:
            found = "openai"
    return ParsedModels(tuple(models), skipped, found)


_VERCEL_FIELDS = ("context_window", "tags", "released", "modalities")
_OPENROUTER_FIELDS = ("context_length", "architecture", "top_provider", "canonical_slug")


def _sniff(entry: dict[str, Any]) -> ProfileKind:
    """The dialect of one entry of a list served as plain OpenAI-compatible."""
    if any(f in entry for f in _VERCEL_FIELDS):
        return "vercel"
    if any(f in entry for f in _OPENROUTER_FIELDS):
        return "openrouter"
    pricing = entry.get("pricing")
    if isinstance(pricing, dict):
        return "openrouter" if "prompt" in pricing else "vercel"
    return "openai"


def parse_endpoints(payload: object, kind: ProfileKind) -> ParsedEndpoints:
    """The endpoints of a ``GET /models/{id}/endpoints`` payload (Vercel or OpenRouter;
    `kind` is accepted for symmetry and for dialects that may differ later).

    Raises:
        CatalogShapeError: the payload holds no endpoint list.
    """
    del kind  # both gateways share the shape (Vercel mirrors OpenRouter)
    model_id: str | None = None
    entries: list[Any] | None = None
    if isinstance(payload, dict):
        data = payload.get("data")
        if isinstance(data, dict):  # the documented shape: data is an object
            model_id = _id(data)
            entries = _list_of(data, "endpoints")
        elif isinstance(data, list):  # tolerated: data as the endpoint list itself
            entries = data
        elif isinstance(payload.get("endpoints"), list):
            model_id = _id(payload)
            entries = payload["endpoints"]
    if entries is None:
        raise CatalogShapeError("the endpoints answer has no 'endpoints' array")
    endpoints: list[Endpoint] = []
    seen: set[str] = set()
    skipped = 0
    for entry in entries:
        endpoint = _endpoint(entry) if isinstance(entry, dict) else None
        if endpoint is None or endpoint.provider in seen:
            skipped += 1
            continue
        seen.add(endpoint.provider)
        endpoints.append(endpoint)
    return ParsedEndpoints(tuple(endpoints), skipped, model_id)


def parse_prices(value: object) -> Prices | None:
    """Prices from a ``pricing`` object in either naming (``input``/``output`` or
    ``prompt``/``completion``); None when there is no pricing object or nothing in it is a
    price (``"pricing": {}``)."""
    if not isinstance(value, dict) or not value:
        return None
    # Providers of a model family share price lists: a flat one (no tiers) is parsed once and
    # the frozen result shared. A list value makes the key unhashable: parse it fresh.
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
    prices = Prices(
        input=_price(get("prompt") if inp is None else inp),
        output=_price(get("completion") if out is None else out),
        cache_read=_price(get("input_cache_read")),
        cache_write=_price(get("input_cache_write")),
        web_search=_price(get("web_search")),
        input_tiers=_tiers(_first(value, "input_tiers", "prompt_tiers")) if tiered else (),
        output_tiers=_tiers(_first(value, "output_tiers", "completion_tiers")) if tiered else (),
        cache_read_tiers=_tiers(get("input_cache_read_tiers")) if tiered else (),
        cache_write_tiers=_tiers(get("input_cache_write_tiers")) if tiered else (),
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


def _price(value: object) -> Decimal | None:
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
    price = parse_price(value)
    if len(_PRICE_CACHE) >= _CACHE_LIMIT:
        _PRICE_CACHE.clear()
    _PRICE_CACHE[value] = price
    return price


# -- models -------------------------------------------------------------------------------


def _vercel_model(entry: dict[str, Any]) -> Model:
    get = entry.get
    model_id = _id(entry)
    modalities = get("modalities")
    if type(modalities) is not dict:
        modalities = _EMPTY
    return Model(
        id=model_id,
        name=_str(get("name")),
        creator=_str(get("owned_by")) or _creator(model_id),
        type=_str(get("type")) or "language",
        description=_str(get("description")),
        context_window=_count(get("context_window")),
        max_output=_count(get("max_tokens")),
        tags=_strings(get("tags")),
        released=_epoch_date(get("released")),
        deprecated=_epoch_date(get("deprecated_at")),
        input_modalities=_strings(modalities.get("input")),
        output_modalities=_strings(modalities.get("output")),
        prices=parse_prices(get("pricing")),
        supported_parameters=_strings(get("supported_parameters")),
    )


def _openrouter_model(entry: dict[str, Any]) -> Model:
    model_id = _id(entry)
    architecture = _dict(entry.get("architecture"))
    top = _dict(entry.get("top_provider"))
    inputs = _strings(architecture.get("input_modalities"))
    outputs = _strings(architecture.get("output_modalities"))
    parameters = _strings(entry.get("supported_parameters"))
    return Model(
        id=model_id,
        name=_str(entry.get("name")),
        creator=_creator(model_id),
        type="image" if outputs and "text" not in outputs and "image" in outputs else "language",
        description=_str(entry.get("description")),
        context_window=_count(entry.get("context_length")) or _count(top.get("context_length")),
        max_output=_count(top.get("max_completion_tokens")),
        tags=_derived_tags(inputs, parameters),
        released=_epoch_date(entry.get("created")),
        deprecated=_iso_date(entry.get("expiration_date")),
        input_modalities=inputs,
        output_modalities=outputs,
        prices=parse_prices(entry.get("pricing")),
        supported_parameters=parameters,
    )


def _plain_model(entry: dict[str, Any]) -> Model:
    model_id = _id(entry)
    meta = _dict(entry.get("meta"))
    context = (
        _count(entry.get("max_model_len"))  # vLLM
        or _count(meta.get("n_ctx_train"))  # llama.cpp
        or _count(entry.get("context_length"))
        or _count(entry.get("context_window"))
    )
    return Model(
        id=model_id,
        name=_str(entry.get("name")),
        creator=_str(entry.get("owned_by")) or _creator(model_id),
        context_window=context,
        prices=None,  # local servers publish no prices: unknown, never zero
    )


_PARSERS = {
    "vercel": _vercel_model,
    "openrouter": _openrouter_model,
    "openai": _plain_model,
}


def _derived_tags(inputs: tuple[str, ...], parameters: tuple[str, ...]) -> tuple[str, ...]:
    """OpenRouter lists no capability tags; these follow from what a model accepts."""
    tags: list[str] = []
    if "file" in inputs:
        tags.append("file-input")
    if "tools" in parameters:
        tags.append("tool-use")
    if "reasoning" in parameters or "include_reasoning" in parameters:
        tags.append("reasoning")
    if "image" in inputs:
        tags.append("vision")
    return tuple(tags)


# -- endpoints ----------------------------------------------------------------------------

_UPTIME_FIELDS = (
    "uptime_last_1d",
    "uptime_last_1h",
    "uptime_last_30m",
    "uptime_last_15m",
    "uptime_last_5m",
)
"""Uptime windows, longest first: the figure shown is the longest one published."""


def _endpoint(entry: dict[str, Any]) -> Endpoint | None:
    # Written for speed (this runs once per provider of every model: thousands of times on a
    # cold start), with the same tolerance as the helpers below.
    get = entry.get
    slug = get("tag")
    name = get("provider_name")
    name = name if type(name) is str else ""
    if type(slug) is not str or not slug:
        slug = name
        if not slug:
            return None
    latency = get("latency_last_1h") or get("latency_last_30m")
    latency = latency if type(latency) is dict else _EMPTY
    throughput = get("throughput_last_1h") or get("throughput_last_30m")
    throughput = throughput if type(throughput) is dict else _EMPTY
    tags = _strings(get("tags"))
    zdr = get("zdr")
    if zdr is None:
        zdr = get("zero_data_retention")
    if type(zdr) is not bool:
        zdr = True if ("zdr" in tags or "zero-data-retention" in tags) else None
    implicit = get("supports_implicit_caching")
    if type(implicit) is not bool:
        implicit = True if IMPLICIT_CACHING in tags else None
    uptime = None
    for field in _UPTIME_FIELDS:
        value = get(field)
        if value is not None and (uptime := _number(value)) is not None:
            break
    quantization = get("quantization")
    return Endpoint(
        provider=slug,
        name=name if name != slug else "",
        context=_count(get("context_length")),
        max_output=_count(get("max_completion_tokens")),
        prices=parse_prices(get("pricing")) or _NO_PRICES,
        ttft_p50_s=_ms_to_s(latency.get("p50")),
        ttft_p95_s=_ms_to_s(latency.get("p95")),
        throughput_p50=_number(throughput.get("p50")),
        throughput_p95=_number(throughput.get("p95")),
        uptime_pct=uptime,
        status=_integer(get("status")),
        implicit_caching=implicit,
        zdr=zdr,
        supported_parameters=_strings(get("supported_parameters")),
        quantization=quantization if type(quantization) is str and quantization else None,
        tags=tags,
    )


_EMPTY: dict[str, Any] = {}
_NO_PRICES = Prices()


# -- tolerant field readers ---------------------------------------------------------------


def _list_of(payload: object, key: str) -> list[Any] | None:
    if isinstance(payload, list):
        return payload
    if isinstance(payload, dict) and isinstance(payload.get(key), list):
        value: list[Any] = payload[key]
        return value
    return None


def _first(entry: Mapping[str, Any], *keys: str) -> object:
    for key in keys:
        value = entry.get(key)
        if value is not None:
            return value
    return None


def _id(entry: Mapping[str, Any]) -> str:
    value = entry.get("id")
    return value.strip() if isinstance(value, str) else ""


def _creator(model_id: str) -> str:
    return model_id.split("/", 1)[0] if "/" in model_id else ""


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


_STRINGS_CACHE: dict[tuple[object, ...], tuple[str, ...]] = {}


def _strings(value: object) -> tuple[str, ...]:
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
        strings = tuple(dict.fromkeys(v for v in key if isinstance(v, str) and v))
        if len(_STRINGS_CACHE) >= _CACHE_LIMIT:
            _STRINGS_CACHE.clear()
        _STRINGS_CACHE[key] = strings
        return strings
    if isinstance(value, str):
        return (value,) if value else ()
    if isinstance(value, tuple):
        return _strings(list(value))
    return ()


def _bool(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def _number(value: object) -> float | None:
    """A finite, non-negative number (numeric strings too); None otherwise."""
    if isinstance(value, float):
        number = value
    elif isinstance(value, int):
        if isinstance(value, bool):
            return None
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return None
    else:
        return None
    return number if number >= 0 and math.isfinite(number) else None


def _integer(value: object) -> int | None:
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


def _count(value: object) -> int | None:
    """A positive token count; zero, negatives and non-numbers are unknown."""
    number = _integer(value)
    return number if number is not None and number > 0 else None


def _ms_to_s(value: object) -> float | None:
    number = _number(value)
    return None if number is None else number / 1000


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_MAX_ORDINAL = date.max.toordinal()


def _epoch_date(value: object) -> date | None:
    """The UTC day of a unix time in seconds, or in milliseconds when it is too large to be
    seconds. (Day arithmetic rather than `datetime.fromtimestamp`: a third of the cost, and
    no platform limits on the range.)"""
    if value is None:
        return None
    number = _number(value)
    if not number:
        return None
    if number > 1e11:  # seconds would be past the year 5000: it is milliseconds
        number /= 1000
    ordinal = _EPOCH_ORDINAL + int(number // 86400)
    return date.fromordinal(ordinal) if ordinal <= _MAX_ORDINAL else None


def _iso_date(value: object) -> date | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _epoch_date(value)
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _tiers(value: object) -> tuple[Tier, ...]:
    """Tiers ``{cost, min, max}``; a tier without a usable cost is dropped."""
    if not isinstance(value, list):
        return ()
    tiers: list[Tier] = []
    for entry in value:
        if not isinstance(entry, dict):
            continue
        cost = _price(entry.get("cost"))
        if cost is None:
            continue
        low = _integer(entry.get("min"))
        high = _integer(entry.get("max"))
        tiers.append(Tier(cost=cost, min=max(low or 0, 0), max=high))
    return tuple(sorted(tiers, key=lambda t: t.min))
