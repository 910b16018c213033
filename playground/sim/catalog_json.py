"""The catalog in the gateway's wire shapes (PROTOCOL.md §2.3).

``GET /v1/models`` lists entries priced in USD per token as decimal strings (``input``,
``output``, ``input_cache_read``, ``input_cache_write``, ``web_search``, ``*_tiers``), and
``GET /v1/models/{creator}/{model}/endpoints`` returns ``data`` as an **object** whose
``endpoints[]`` use the OpenRouter-style keys (``prompt``, ``completion``) with uptime,
latency and throughput figures.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from typing import Any

from playground.core.pricing import Prices, Tier
from playground.sim.catalog import Catalog, Endpoint, Model

ADDED_TO_GATEWAY = 1755815280
"""``created`` of models older than the gateway's catalog (the real catalog shows this date
on many entries: it is when they were added, not when they were released)."""


def decimal_str(value: Decimal) -> str:
    """A price as the gateway writes it: plain notation, no exponent, no trailing zeros."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _epoch(day: dt.date) -> int:
    return calendar.timegm(day.timetuple())


def _tiers(tiers: tuple[Tier, ...]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for tier in tiers:
        entry: dict[str, Any] = {"cost": decimal_str(tier.cost), "min": tier.min}
        if tier.max is not None:
            entry["max"] = tier.max
        out.append(entry)
    return out


def model_pricing(prices: Prices) -> dict[str, Any]:
    """The ``pricing`` object of a ``/v1/models`` entry."""
    pricing: dict[str, Any] = {}
    for key, price, tiers in (
        ("input", prices.input, prices.input_tiers),
        ("output", prices.output, prices.output_tiers),
        ("input_cache_read", prices.cache_read, prices.cache_read_tiers),
        ("input_cache_write", prices.cache_write, prices.cache_write_tiers),
    ):
        if price is None:
            continue
        pricing[key] = decimal_str(price)
        if tiers:
            pricing[f"{key}_tiers"] = _tiers(tiers)
    if prices.web_search is not None:
        pricing["web_search"] = decimal_str(prices.web_search)
    return pricing


def model_entry(model: Model) -> dict[str, Any]:
    """One entry of ``GET /v1/models`` (also the body of ``GET /v1/models/{id}``)."""
    released = _epoch(model.released)
    entry: dict[str, Any] = {
        "id": model.id,
        "object": "model",
        "created": max(released, ADDED_TO_GATEWAY),
        "released": released,
        "owned_by": model.creator,
        "name": model.name,
        "description": model.description,
    }
    if model.context is not None:
        entry["context_window"] = model.context
    if model.max_output is not None:
        entry["max_tokens"] = model.max_output
    entry["type"] = model.type
    if model.tags is not None:
        entry["tags"] = list(model.tags)
    entry["supported_specifications"] = ["v2", "v3", "v4"]
    entry["modalities"] = {
        "input": list(model.input_modalities),
        "output": list(model.output_modalities),
    }
    first = model.endpoints[0]
    if first.supported_parameters:
        entry["supported_parameters"] = list(first.supported_parameters)
    if model.reasoning != "none":
        entry["reasoning_options"] = [
            {"type": "effort", "values": ["minimal", "low", "medium", "high"]}
            if model.reasoning == "optional"
            else {"type": "always"}
        ]
    if model.knowledge:
        entry["knowledge"] = model.knowledge
    if model.pricing_override is not None:
        entry["pricing"] = dict(model.pricing_override)
    else:
        entry["pricing"] = model_pricing(first.prices)
    if model.deprecated is not None:
        entry["deprecated_at"] = _epoch(model.deprecated) * 1000
    return entry


def models_list(catalog: Catalog) -> dict[str, Any]:
    """The body of ``GET /v1/models``."""
    return {"object": "list", "data": [model_entry(m) for m in catalog.models]}


def _modality(model: Model) -> str:
    return f"{'+'.join(model.input_modalities)}→{'+'.join(model.output_modalities)}"


def endpoint_pricing(endpoint: Endpoint) -> dict[str, Any]:
    """The ``pricing`` object of one ``/endpoints`` entry (``prompt``/``completion`` keys)."""
    if not endpoint.published_prices:
        return {}
    p = endpoint.prices
    pricing: dict[str, Any] = {}
    if p.input is not None:
        pricing["prompt"] = decimal_str(p.input)
        if p.input_tiers:
            pricing["prompt_tiers"] = _tiers(p.input_tiers)
    if p.output is not None:
        pricing["completion"] = decimal_str(p.output)
        if p.output_tiers:
            pricing["completion_tiers"] = _tiers(p.output_tiers)
    pricing.update({"request": "0", "image": "0", "image_output": "0"})
    pricing["web_search"] = decimal_str(p.web_search) if p.web_search is not None else "0"
    pricing["internal_reasoning"] = "0"
    if p.cache_read is not None:
        pricing["input_cache_read"] = decimal_str(p.cache_read)
        if p.cache_read_tiers:
            pricing["input_cache_read_tiers"] = _tiers(p.cache_read_tiers)
    if p.cache_write is not None:
        pricing["input_cache_write"] = decimal_str(p.cache_write)
        if p.cache_write_tiers:
            pricing["input_cache_write_tiers"] = _tiers(p.cache_write_tiers)
    pricing["discount"] = 0
    return pricing


def endpoint_entry(model: Model, endpoint: Endpoint) -> dict[str, Any]:
    """One element of ``data.endpoints``."""
    timing = endpoint.timing
    up15, up1h, up1d = endpoint.uptime
    entry: dict[str, Any] = {
        "name": f"{endpoint.provider} | {model.id}",
        "model_name": model.name,
        "context_length": endpoint.context,
        "pricing": endpoint_pricing(endpoint),
        "provider_name": endpoint.provider,
        "tag": endpoint.provider,
        "quantization": None,
        "max_completion_tokens": endpoint.max_output,
        "max_prompt_tokens": None,
        "supported_parameters": list(endpoint.supported_parameters),
        "status": 0,
        "uptime_last_15m": up15,
        "uptime_last_1h": up1h,
        "uptime_last_1d": up1d,
        "latency_last_1h": {
            "p50": round(timing.ttft_p50_s * 1000),
            "p95": round(timing.ttft_p95_s * 1000),
        },
        "supports_implicit_caching": endpoint.implicit_caching,
        "tags": list(endpoint.tags),
    }
    if model.chat:
        entry["throughput_last_1h"] = {
            "p50": round(float(timing.tokens_per_s), 1),
            "p95": round(float(timing.tokens_per_s_p95), 1),
        }
    else:
        entry["throughput_last_1h"] = None
    return entry


def endpoints_body(model: Model) -> dict[str, Any]:
    """The body of ``GET /v1/models/{creator}/{model}/endpoints``: ``data`` is an object."""
    data: dict[str, Any] = {
        "id": model.id,
        "name": model.name,
        "created": max(_epoch(model.released), ADDED_TO_GATEWAY),
        "description": model.description,
        "architecture": {
            "tokenizer": None,
            "instruct_type": None,
            "modality": _modality(model),
            "input_modalities": list(model.input_modalities),
            "output_modalities": list(model.output_modalities),
        },
    }
    if model.reasoning != "none":
        data["reasoning"] = {
            "mandatory": model.reasoning == "mandatory",
            "supports_max_tokens": True,
        }
    data["endpoints"] = [endpoint_entry(model, e) for e in model.endpoints]
    return {"data": data}
