"""The simulated gateway's catalog: models, the providers that serve them, prices and speed.

Prices are written here in USD per **million** tokens (per thousand queries for web search),
as people read them, and served per token as decimal strings, as the gateway does
(PROTOCOL.md §2.3). The wire shapes live in `catalog_json`.

The seed model is ``openai/gpt-4.1-mini`` with the figures of the gateway's model page: on
``openai`` and ``azure``, $0.40/M in, $1.60/M out, $0.10/M cache reads, web search $10/K
(openai) and $14/K (azure), P50 TTFT 0.6 s (openai) and 0.7 s (azure), 92 tok/s on openai,
context 1,047,576 tokens (the real figure behind the page's "1M"), 32,768 output tokens,
released 2025-05-14.

The catalog also carries the odd cases a client must survive: an image model with no
``pricing.input``, ``perplexity/sonar`` with ``"pricing": {}``, types the client may not know
(``reranking``, ``transcription``), a transcription model with no context window, a model
with no ``tags``, and a deprecated model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from playground.core.pricing import MILLION, THOUSAND, Prices, Tier
from playground.sim.catalog_data import FRONTIER
from playground.sim.catalog_data_open import OPEN
from playground.sim.providers import Timing

ReasoningMode = Literal["none", "optional", "mandatory"]
"""``optional``: the model thinks when the request asks for ``reasoning``; ``mandatory``:
it always thinks (Gemini 2.5 Pro, DeepSeek R1)."""


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A model on one provider: what it costs and how fast it is."""

    provider: str
    timing: Timing
    prices: Prices
    """USD per token (per query for web search)."""
    context: int | None
    max_output: int | None
    implicit_caching: bool = False
    """Repeated prompt prefixes of 1,024 tokens or more come back as cached tokens."""
    uptime: tuple[float, float, float] = (100.0, 99.95, 99.9)
    """Percent over the last 15 minutes, hour and day."""
    published_prices: bool = True
    """False when the catalog shows no prices although requests are billed (Perplexity)."""
    request_price: Decimal = Decimal(0)
    """A fee per request, on top of the tokens (billed, never published here)."""
    supported_parameters: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Model:
    """One catalog entry and its endpoints, in the gateway's default routing order."""

    id: str
    name: str
    type: str
    description: str
    released: dt.date
    endpoints: tuple[Endpoint, ...]
    context: int | None = None
    max_output: int | None = None
    tags: tuple[str, ...] | None = ()
    """None: the entry has no ``tags`` key at all."""
    reasoning: ReasoningMode = "none"
    input_modalities: tuple[str, ...] = ("text",)
    output_modalities: tuple[str, ...] = ("text",)
    deprecated: dt.date | None = None
    knowledge: str | None = None
    pricing_override: Mapping[str, Any] | None = field(default=None)
    """The ``pricing`` object of ``/v1/models`` when it is not the first endpoint's prices."""

    @property
    def creator(self) -> str:
        return self.id.split("/", 1)[0]

    @property
    def chat(self) -> bool:
        """Whether ``/v1/chat/completions`` serves this model."""
        return self.type == "language"

    def endpoint(self, provider: str) -> Endpoint | None:
        return next((e for e in self.endpoints if e.provider == provider), None)


class Catalog:
    """The models the simulated gateway serves, by id."""

    def __init__(self, models: tuple[Model, ...]) -> None:
        self.models = models
        self._by_id = {m.id: m for m in models}

    def get(self, model_id: str) -> Model | None:
        return self._by_id.get(model_id)

    def __len__(self) -> int:
        return len(self.models)

    @classmethod
    def default(cls) -> Catalog:
        """The built-in catalog (a fresh object each call; it is cheap)."""
        return cls(tuple(_model(row) for row in (*FRONTIER, *OPEN)))


def per_token(per_million: str | None) -> Decimal | None:
    """``"0.40"`` dollars per million → ``Decimal("4.0E-7")`` dollars per token."""
    return None if per_million is None else Decimal(per_million) / MILLION


def _tiers(spec: Any) -> tuple[Tier, ...]:
    if not spec:
        return ()
    return tuple(Tier(cost=Decimal(cost) / MILLION, min=lo, max=hi) for lo, hi, cost in spec)


def _uptime(values: Any) -> tuple[float, float, float]:
    up15, up1h, up1d = values
    return float(up15), float(up1h), float(up1d)


def _endpoint(row: Mapping[str, Any], model: Mapping[str, Any]) -> Endpoint:
    price = row.get("price", model.get("price", {}))
    web = price.get("web")
    prices = Prices(
        input=per_token(price.get("in")),
        output=per_token(price.get("out")),
        cache_read=per_token(price.get("cache")),
        cache_write=per_token(price.get("write")),
        web_search=None if web is None else Decimal(web) / THOUSAND,
        input_tiers=_tiers(price.get("in_tiers")),
        output_tiers=_tiers(price.get("out_tiers")),
        cache_read_tiers=_tiers(price.get("cache_tiers")),
        cache_write_tiers=_tiers(price.get("write_tiers")),
    )
    ttft, ttft95, tps = row["t"]
    params = tuple(model.get("params", ()))
    tags = tuple(t for t in (model.get("tags") or ()) if t not in row.get("lacks", ()))
    caching = bool(row.get("caching", model.get("caching", False)))
    if caching:
        tags += ("implicit-caching",) if "implicit-caching" not in tags else ()
    return Endpoint(
        provider=row["p"],
        timing=Timing(ttft, ttft95, tps),
        prices=prices,
        context=row.get("ctx", model.get("ctx")),
        max_output=row.get("out", model.get("out")),
        implicit_caching=caching,
        uptime=_uptime(row.get("uptime", (100.0, 99.95, 99.9))),
        published_prices=bool(row.get("published", True)),
        request_price=Decimal(row.get("request", "0")),
        supported_parameters=params,
        tags=tags,
    )


def _model(row: Mapping[str, Any]) -> Model:
    tags = row.get("tags", ())
    if tags is not None and row.get("caching") and "implicit-caching" not in tags:
        tags = [*tags, "implicit-caching"]
    return Model(
        id=row["id"],
        name=row["name"],
        type=row.get("type", "language"),
        description=row["description"],
        released=dt.date.fromisoformat(row["released"]),
        endpoints=tuple(_endpoint(e, row) for e in row["endpoints"]),
        context=row.get("ctx"),
        max_output=row.get("out"),
        tags=None if tags is None else tuple(tags),
        reasoning=row.get("reasoning", "none"),
        input_modalities=tuple(row.get("inputs", ("text",))),
        output_modalities=tuple(row.get("outputs", ("text",))),
        deprecated=dt.date.fromisoformat(row["deprecated"]) if "deprecated" in row else None,
        knowledge=row.get("knowledge"),
        pricing_override=row.get("pricing"),
    )
