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

from dataclasses import dataclass
from typing import Any

from playground.core.catalog import IMPLICIT_CACHING, Endpoint, Model
from playground.core.catalog_fields import (
    count,
    creator_of,
    epoch_date,
    fast_constructor,
    id_of,
    integer,
    iso_date,
    list_of,
    mapping,
    ms_to_s,
    number,
    parse_prices,
    strings,
    text,
)
from playground.core.pricing import Prices
from playground.core.profile import ProfileKind

__all__ = [
    "CatalogShapeError",
    "ParsedEndpoints",
    "ParsedModels",
    "parse_endpoints",
    "parse_models",
    "parse_prices",
]


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
    entries = list_of(payload, "data")
    if entries is None:
        raise CatalogShapeError("the model list has no 'data' array")
    models: list[Model] = []
    seen: set[str] = set()
    skipped = 0
    dialects = {"vercel": 0, "openrouter": 0, "openai": 0}
    for entry in entries:
        if not isinstance(entry, dict) or not id_of(entry):
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
            model_id = id_of(data)
            entries = list_of(data, "endpoints")
        elif isinstance(data, list):  # tolerated: data as the endpoint list itself
            entries = data
        elif isinstance(payload.get("endpoints"), list):
            model_id = id_of(payload)
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


# -- models -------------------------------------------------------------------------------


def _vercel_model(entry: dict[str, Any]) -> Model:
    get = entry.get
    model_id = id_of(entry)
    modalities = get("modalities")
    if type(modalities) is not dict:
        modalities = _EMPTY
    return _new_model(
        id=model_id,
        name=text(get("name")),
        creator=text(get("owned_by")) or creator_of(model_id),
        type=text(get("type")) or "language",
        description=text(get("description")),
        context_window=count(get("context_window")),
        max_output=count(get("max_tokens")),
        tags=strings(get("tags")),
        released=epoch_date(get("released")),
        deprecated=epoch_date(get("deprecated_at")),
        input_modalities=strings(modalities.get("input")),
        output_modalities=strings(modalities.get("output")),
        prices=parse_prices(get("pricing")),
        supported_parameters=strings(get("supported_parameters")),
    )


def _openrouter_model(entry: dict[str, Any]) -> Model:
    model_id = id_of(entry)
    architecture = mapping(entry.get("architecture"))
    top = mapping(entry.get("top_provider"))
    inputs = strings(architecture.get("input_modalities"))
    outputs = strings(architecture.get("output_modalities"))
    parameters = strings(entry.get("supported_parameters"))
    return _new_model(
        id=model_id,
        name=text(entry.get("name")),
        creator=creator_of(model_id),
        type="image" if outputs and "text" not in outputs and "image" in outputs else "language",
        description=text(entry.get("description")),
        context_window=count(entry.get("context_length")) or count(top.get("context_length")),
        max_output=count(top.get("max_completion_tokens")),
        tags=_derived_tags(inputs, parameters),
        released=epoch_date(entry.get("created")),
        deprecated=iso_date(entry.get("expiration_date")),
        input_modalities=inputs,
        output_modalities=outputs,
        prices=parse_prices(entry.get("pricing")),
        supported_parameters=parameters,
    )


def _plain_model(entry: dict[str, Any]) -> Model:
    model_id = id_of(entry)
    meta = mapping(entry.get("meta"))
    context = (
        count(entry.get("max_model_len"))  # vLLM
        or count(meta.get("n_ctx_train"))  # llama.cpp
        or count(entry.get("context_length"))
        or count(entry.get("context_window"))
    )
    return _new_model(
        id=model_id,
        name=text(entry.get("name")),
        creator=text(entry.get("owned_by")) or creator_of(model_id),
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
    tags = strings(get("tags"))
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
        if value is not None and (uptime := number(value)) is not None:
            break
    quantization = get("quantization")
    return _new_endpoint(
        provider=slug,
        name=name if name != slug else "",
        context=count(get("context_length")),
        max_output=count(get("max_completion_tokens")),
        prices=parse_prices(get("pricing")) or _NO_PRICES,
        ttft_p50_s=ms_to_s(latency.get("p50")),
        ttft_p95_s=ms_to_s(latency.get("p95")),
        throughput_p50=number(throughput.get("p50")),
        throughput_p95=number(throughput.get("p95")),
        uptime_pct=uptime,
        status=integer(get("status")),
        implicit_caching=implicit,
        zdr=zdr,
        supported_parameters=strings(get("supported_parameters")),
        quantization=quantization if type(quantization) is str and quantization else None,
        tags=tags,
    )


_EMPTY: dict[str, Any] = {}
_NO_PRICES = Prices()
_new_model = fast_constructor(Model)
_new_endpoint = fast_constructor(Endpoint)
