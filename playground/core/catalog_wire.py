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
from datetime import UTC, date, datetime
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
    if not isinstance(value, dict):
        return None
    prices = Prices(
        input=parse_price(_first(value, "input", "prompt")),
        output=parse_price(_first(value, "output", "completion")),
        cache_read=parse_price(value.get("input_cache_read")),
        cache_write=parse_price(value.get("input_cache_write")),
        web_search=parse_price(value.get("web_search")),
        input_tiers=_tiers(_first(value, "input_tiers", "prompt_tiers")),
        output_tiers=_tiers(_first(value, "output_tiers", "completion_tiers")),
        cache_read_tiers=_tiers(value.get("input_cache_read_tiers")),
        cache_write_tiers=_tiers(value.get("input_cache_write_tiers")),
    )
    return None if prices == _NO_PRICES else prices


_NO_PRICES = Prices()


# -- models -------------------------------------------------------------------------------


def _vercel_model(entry: dict[str, Any]) -> Model:
    model_id = _id(entry)
    modalities = entry.get("modalities")
    modalities = modalities if isinstance(modalities, dict) else {}
    return Model(
        id=model_id,
        name=_str(entry.get("name")),
        creator=_str(entry.get("owned_by")) or _creator(model_id),
        type=_str(entry.get("type")) or "language",
        description=_str(entry.get("description")),
        context_window=_count(entry.get("context_window")),
        max_output=_count(entry.get("max_tokens")),
        tags=_strings(entry.get("tags")),
        released=_epoch_date(entry.get("released")),
        deprecated=_epoch_date(entry.get("deprecated_at")),
        input_modalities=_strings(modalities.get("input")),
        output_modalities=_strings(modalities.get("output")),
        prices=parse_prices(entry.get("pricing")),
        supported_parameters=_strings(entry.get("supported_parameters")),
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
    slug = _str(entry.get("tag")) or _str(entry.get("provider_name"))
    if not slug:
        return None
    latency = _dict(_first(entry, "latency_last_1h", "latency_last_30m"))
    throughput = _dict(_first(entry, "throughput_last_1h", "throughput_last_30m"))
    tags = _strings(entry.get("tags"))
    zdr = _bool(_first(entry, "zdr", "zero_data_retention"))
    if zdr is None and ("zdr" in tags or "zero-data-retention" in tags):
        zdr = True
    implicit = _bool(entry.get("supports_implicit_caching"))
    if implicit is None and IMPLICIT_CACHING in tags:
        implicit = True
    uptime = next((u for f in _UPTIME_FIELDS if (u := _number(entry.get(f))) is not None), None)
    name = _str(entry.get("provider_name"))
    return Endpoint(
        provider=slug,
        name=name if name != slug else "",
        context=_count(entry.get("context_length")),
        max_output=_count(entry.get("max_completion_tokens")),
        prices=parse_prices(entry.get("pricing")) or Prices(),
        ttft_p50_s=_ms_to_s(latency.get("p50")),
        ttft_p95_s=_ms_to_s(latency.get("p95")),
        throughput_p50=_number(throughput.get("p50")),
        throughput_p95=_number(throughput.get("p95")),
        uptime_pct=uptime,
        status=_integer(entry.get("status")),
        implicit_caching=implicit,
        zdr=zdr,
        supported_parameters=_strings(entry.get("supported_parameters")),
        quantization=_str(entry.get("quantization")) or None,
        tags=tags,
    )


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


def _strings(value: object) -> tuple[str, ...]:
    """A list of strings (others dropped, repeats removed, order kept); a lone string is a
    list of one."""
    if isinstance(value, str):
        return (value,) if value else ()
    if not isinstance(value, list | tuple):
        return ()
    return tuple(dict.fromkeys(v for v in value if isinstance(v, str) and v))


def _bool(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def _number(value: object) -> float | None:
    """A finite, non-negative number (numeric strings too); None otherwise."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return None
    if not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) and number >= 0 else None


def _integer(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
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


def _epoch_date(value: object) -> date | None:
    """A unix time in seconds, or milliseconds when it is too large to be seconds."""
    number = _number(value)
    if number is None or number == 0:
        return None
    if number > 1e11:  # seconds would be past the year 5000: it is milliseconds
        number /= 1000
    try:
        return datetime.fromtimestamp(number, tz=UTC).date()
    except (OverflowError, OSError, ValueError):
        return None


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
        cost = parse_price(entry.get("cost"))
        if cost is None:
            continue
        low = _integer(entry.get("min"))
        high = _integer(entry.get("max"))
        tiers.append(Tier(cost=cost, min=max(low or 0, 0), max=high))
    return tuple(sorted(tiers, key=lambda t: t.min))
