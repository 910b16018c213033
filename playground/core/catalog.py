"""The model catalog: models, the providers (endpoints) that serve them, search, filters, sorts.

A gateway lists hundreds of models (``GET /models``); each is served by one or more providers
that differ in price, latency and throughput (``GET /models/{id}/endpoints``, fetched on
demand). `Catalog` holds both, immutably: adding a model's endpoints returns a new catalog.

Everything here comes from the gateway and is **untrusted**: model ids, names, descriptions,
provider names, tags and types are kept raw (so that what is sent back to the gateway is exactly
what it listed) and must pass `playground.core.sanitize.safe_line` before they are displayed,
and never be parsed as markup.

"Unknown" is never "zero" or "none": a price the gateway does not publish is ``None``; a model
whose endpoints have not been fetched has ``endpoints_of(...) is None``, while a model the
gateway lists no endpoint for has ``()``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from playground.core.catalog_search import SearchIndex
from playground.core.pricing import MILLION, Prices

KNOWN_TYPES: tuple[str, ...] = (
    "language",
    "embedding",
    "image",
    "video",
    "transcription",
    "speech",
    "realtime",
    "reranking",
)
"""Model types the gateways document or were seen using (PROTOCOL.md §2.3). Other values are
kept as they come: an unknown type is shown, not dropped."""

IMPLICIT_CACHING = "implicit-caching"
"""The capability a model has when any of its endpoints caches repeated prompts by itself."""

CAPABILITY_LABELS: dict[str, str] = {
    "file-input": "files",
    "tool-use": "tools",
    "reasoning": "reason",
    "vision": "vision",
    "explicit-caching": "cache",
    IMPLICIT_CACHING: "autocache",
    "web-search": "web",
    "image-generation": "img-out",
}
"""A stable short label per known capability tag, for tables and narrow columns. The UI picks
icons; the CLI prints these."""


def capability_label(tag: str) -> str:
    """The short label of `tag`; an unknown tag is its own label (sanitize it before display)."""
    return CAPABILITY_LABELS.get(tag, tag)


@dataclass(frozen=True, slots=True)
class Model:
    """One model as the gateway lists it. Strings are raw gateway text: `safe_line` them."""

    id: str
    """``creator/model``: what is sent as ``model``."""
    name: str = ""
    """Display name; empty when the gateway gives none (use `display_name`)."""
    creator: str = ""
    """Who made it (``owned_by`` or the id's prefix)."""
    type: str = "language"
    """``language``, ``embedding``, ``image``… or whatever new type the gateway sends."""
    description: str = ""
    context_window: int | None = None
    """Tokens of context, prompt plus output; None when unknown."""
    max_output: int | None = None
    """The most output tokens one request may ask for; None when unknown."""
    tags: tuple[str, ...] = ()
    """Capability tags as the gateway spells them (``vision``, ``tool-use``…)."""
    released: date | None = None
    deprecated: date | None = None
    """When the gateway stops (or stopped) serving it; None when not announced."""
    input_modalities: tuple[str, ...] = ()
    output_modalities: tuple[str, ...] = ()
    prices: Prices | None = None
    """The listing's own prices (USD per token); None when the listing has none (local
    servers, ``"pricing": {}``)."""
    supported_parameters: tuple[str, ...] = ()

    @property
    def display_name(self) -> str:
        return self.name or self.id

    @property
    def slug(self) -> str:
        """The id without its creator prefix: ``gpt-4.1-mini``."""
        return self.id.rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One provider serving a model, with its prices and published figures. Strings are raw
    gateway text: `safe_line` them before display."""

    provider: str
    """The routing slug (``azure``): what ``order``/``only`` take."""
    name: str = ""
    """The provider's display name, when it differs from the slug."""
    context: int | None = None
    max_output: int | None = None
    prices: Prices = field(default_factory=Prices)
    """Per-token prices, tiers included; unknown fields are None."""
    ttft_p50_s: float | None = None
    """Published time to first token, median, seconds (measured from the provider's side)."""
    ttft_p95_s: float | None = None
    throughput_p50: float | None = None
    """Published decode speed, median, tokens per second."""
    throughput_p95: float | None = None
    uptime_pct: float | None = None
    status: int | None = None
    """The gateway's status code for the endpoint: 0 is active."""
    implicit_caching: bool | None = None
    zdr: bool | None = None
    """Zero data retention, where the gateway says."""
    supported_parameters: tuple[str, ...] = ()
    quantization: str | None = None
    tags: tuple[str, ...] = ()

    @property
    def display_name(self) -> str:
        return self.name or self.provider

    @property
    def active(self) -> bool:
        return self.status is None or self.status == 0


SortKey = Literal["price", "context", "ttft", "throughput", "release", "name"]
SORT_KEYS: tuple[SortKey, ...] = ("price", "context", "ttft", "throughput", "release", "name")
"""Sorts, each in its natural order: cheapest, largest context, fastest first token, highest
throughput, newest, A–Z. Unknown values always sort last."""


class Catalog:
    """An immutable set of models with the endpoints fetched so far."""

    __slots__ = ("_by_id", "_endpoints", "_index", "_models")

    def __init__(
        self,
        models: Iterable[Model] = (),
        endpoints: Mapping[str, tuple[Endpoint, ...]] | None = None,
        *,
        _index: SearchIndex | None = None,
    ) -> None:
        by_id: dict[str, Model] = {}
        for model in models:
            by_id.setdefault(model.id, model)  # the first listing of an id wins
        self._models = tuple(by_id.values())
        self._by_id = by_id
        self._endpoints: dict[str, tuple[Endpoint, ...]] = {
            k: tuple(v) for k, v in (endpoints or {}).items() if k in by_id
        }
        self._index = _index

    # -- the set ----------------------------------------------------------------------------

    @property
    def models(self) -> tuple[Model, ...]:
        """Every model, in the gateway's order."""
        return self._models

    def __len__(self) -> int:
        return len(self._models)

    def __iter__(self) -> Iterator[Model]:
        return iter(self._models)

    def __contains__(self, model_id: object) -> bool:
        return model_id in self._by_id

    def get(self, model_id: str) -> Model | None:
        return self._by_id.get(model_id)

    def endpoints_of(self, model_id: str) -> tuple[Endpoint, ...] | None:
        """The model's endpoints: None when not fetched yet (unknown), ``()`` when the gateway
        lists none."""
        return self._endpoints.get(model_id)

    @property
    def endpoints(self) -> Mapping[str, tuple[Endpoint, ...]]:
        """Endpoints by model id, for the models whose endpoints are known."""
        return dict(self._endpoints)

    def with_endpoints(self, model_id: str, endpoints: Iterable[Endpoint]) -> Catalog:
        """This catalog with `model_id`'s endpoints known (ignored for an unlisted id)."""
        return self.with_many_endpoints({model_id: tuple(endpoints)})

    def with_many_endpoints(self, endpoints: Mapping[str, tuple[Endpoint, ...]]) -> Catalog:
        merged = {**self._endpoints, **endpoints}
        return Catalog(self._models, merged, _index=self._index)

    def with_models(self, models: Iterable[Model]) -> Catalog:
        """A new listing; endpoints already known for models still listed are kept."""
        return Catalog(models, self._endpoints)

    # -- derived figures --------------------------------------------------------------------

    def capabilities(self, model: Model) -> tuple[str, ...]:
        """The model's tags, plus `IMPLICIT_CACHING` when one of its endpoints caches."""
        tags = model.tags
        endpoints = self._endpoints.get(model.id) or ()
        if IMPLICIT_CACHING not in tags and any(e.implicit_caching for e in endpoints):
            tags = (*tags, IMPLICIT_CACHING)
        return tags

    def prices(self, model: Model) -> Prices | None:
        """The listing's prices when it has known ones, else the cheapest endpoint's."""
        if model.prices is not None and model.prices.known:
            return model.prices
        priced = [e.prices for e in self._endpoints.get(model.id) or () if e.prices.known]
        if priced:
            return min(priced, key=lambda p: (p.input, p.output))
        return model.prices

    def prices_for(self, model_id: str, provider: str | None) -> Prices | None:
        """The prices of `provider` serving `model_id` (a `core.run.PriceLookup` once bound
        to a model); the model's prices when the provider is None or its endpoint unknown."""
        if provider is not None:
            for endpoint in self._endpoints.get(model_id) or ():
                if endpoint.provider == provider and endpoint.prices.known:
                    return endpoint.prices
        model = self._by_id.get(model_id)
        return self.prices(model) if model is not None else None

    def context(self, model: Model) -> int | None:
        """The model's context window, or the largest of its endpoints'."""
        if model.context_window is not None:
            return model.context_window
        sizes = [e.context for e in self._endpoints.get(model.id) or () if e.context]
        return max(sizes) if sizes else None

    def provider_count(self, model: Model) -> int | None:
        """How many providers serve it; None until its endpoints are known."""
        endpoints = self._endpoints.get(model.id)
        return None if endpoints is None else len(endpoints)

    def providers(self) -> tuple[str, ...]:
        """Every provider slug among the known endpoints, sorted."""
        return tuple(sorted({e.provider for eps in self._endpoints.values() for e in eps}))

    def best_ttft(self, model: Model) -> float | None:
        """The lowest published P50 time to first token among its endpoints, in seconds."""
        values = [e.ttft_p50_s for e in self._endpoints.get(model.id) or ()]
        known = [v for v in values if v is not None]
        return min(known) if known else None

    def best_throughput(self, model: Model) -> float | None:
        """The highest published P50 throughput among its endpoints, in tokens per second."""
        values = [e.throughput_p50 for e in self._endpoints.get(model.id) or ()]
        known = [v for v in values if v is not None]
        return max(known) if known else None

    # -- search, filter, sort ---------------------------------------------------------------

    def search(self, query: str, *, limit: int | None = None) -> tuple[Model, ...]:
        """Models matching `query` (fuzzy, over id and name), best first.

        Ranking, per word of the query: exact id/name > whole word (``mini`` in
        ``gpt-4.1-mini``) > prefix of id, slug or name > prefix of a word > substring >
        subsequence (``g41m``). Ties go alphabetically by id. An empty query matches all, in
        the gateway's order.
        """
        if not query.strip():
            return self._models[:limit] if limit is not None else self._models
        if self._index is None:
            self._index = SearchIndex((m.id, m.name) for m in self._models)
        ranked = self._index.rank(query)
        found = tuple(self._models[i] for i in ranked)
        return found[:limit] if limit is not None else found

    def filter(
        self,
        *,
        capability: str | None = None,
        provider: str | None = None,
        max_input_per_m: Decimal | None = None,
        max_output_per_m: Decimal | None = None,
        min_context: int | None = None,
        type: str | None = None,
        models: Iterable[Model] | None = None,
    ) -> tuple[Model, ...]:
        """The models (of `models`, default all) that pass every given filter.

        A model whose figure is unknown does not pass a filter on it: an unknown price is not
        cheap, and a model whose endpoints are not fetched is not known to have a provider.
        """
        checks: list[Callable[[Model], bool]] = []
        if type is not None:
            checks.append(lambda m: m.type == type)
        if capability is not None:
            checks.append(lambda m: capability in self.capabilities(m))
        if provider is not None:
            checks.append(
                lambda m: any(e.provider == provider for e in self._endpoints.get(m.id) or ())
            )
        if max_input_per_m is not None:
            limit_in = max_input_per_m / MILLION
            checks.append(lambda m: _price_at_most(self.prices(m), "input", limit_in))
        if max_output_per_m is not None:
            limit_out = max_output_per_m / MILLION
            checks.append(lambda m: _price_at_most(self.prices(m), "output", limit_out))
        if min_context is not None:
            checks.append(lambda m: (self.context(m) or 0) >= min_context)
        pool = self._models if models is None else tuple(models)
        return tuple(m for m in pool if all(check(m) for check in checks))

    def sort(
        self, key: SortKey, *, reverse: bool = False, models: Iterable[Model] | None = None
    ) -> tuple[Model, ...]:
        """The models (of `models`, default all) in `key`'s natural order (see `SORT_KEYS`),
        or the opposite with `reverse`; unknown values last either way, ties by id."""
        pool = self._models if models is None else tuple(models)
        value = self._sort_value(key)
        known = [(v, m) for m in pool if (v := value(m)) is not None]
        unknown = [m for m in pool if value(m) is None]
        known.sort(key=lambda pair: pair[1].id)  # stable: ties stay alphabetical
        known.sort(key=lambda pair: pair[0], reverse=reverse)
        return tuple(m for _, m in known) + tuple(unknown)

    def _sort_value(self, key: SortKey) -> Callable[[Model], _Comparable | None]:
        """A value that sorts ascending in `key`'s natural order; None for unknown."""
        if key == "price":

            def price(m: Model) -> _Comparable | None:
                p = self.prices(m)
                if p is None or p.input is None:
                    return None
                return (p.input, p.output if p.output is not None else Decimal("Infinity"))

            return price
        if key == "context":
            return lambda m: _negate(self.context(m))
        if key == "ttft":
            return self.best_ttft
        if key == "throughput":
            return lambda m: _negate(self.best_throughput(m))
        if key == "release":
            return lambda m: -m.released.toordinal() if m.released else None
        if key == "name":
            return lambda m: (m.display_name.casefold(), m.id)
        raise ValueError(f"unknown sort key {key!r}; use one of {', '.join(SORT_KEYS)}")

    def select(
        self,
        *,
        query: str = "",
        capability: str | None = None,
        provider: str | None = None,
        max_input_per_m: Decimal | None = None,
        max_output_per_m: Decimal | None = None,
        min_context: int | None = None,
        type: str | None = None,
        sort: SortKey | None = None,
        reverse: bool = False,
        limit: int | None = None,
    ) -> tuple[Model, ...]:
        """Search, then filter (as `filter`), then sort (the search rank is the order when
        `sort` is None), then cut to `limit`: what a model picker or ``playground models``
        shows."""
        found = self.search(query) if query.strip() else self._models
        kept = self.filter(
            capability=capability,
            provider=provider,
            max_input_per_m=max_input_per_m,
            max_output_per_m=max_output_per_m,
            min_context=min_context,
            type=type,
            models=found,
        )
        if sort is not None:
            kept = self.sort(sort, reverse=reverse, models=kept)
        return kept[:limit] if limit is not None else kept


_Comparable = int | float | str | tuple[object, ...]


def _negate(value: float | None) -> float | None:
    return None if value is None else -value


def _price_at_most(prices: Prices | None, which: str, limit: Decimal) -> bool:
    if prices is None:
        return False
    price: Decimal | None = getattr(prices, which)
    return price is not None and price <= limit
