"""The catalog client against the simulated gateway (a separate implementation of the same
wire shapes): every model and endpoint it serves parses without a skip, the seed model carries
the seed's figures, and the service caches what it fetched."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from playground.core.profile import SIMULATED, Profile
from playground.gateway.catalog_fetch import CatalogFetcher, EndpointsFetch
from playground.services.catalog import catalog_service_for
from playground.sim.server import SimulatedGateway
from playground.store.paths import Paths


@pytest.fixture
async def gateway() -> AsyncIterator[SimulatedGateway]:
    async with SimulatedGateway(time_scale=0) as gw:
        yield gw


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


async def test_every_model_and_endpoint_parses(
    gateway: SimulatedGateway, http: httpx.AsyncClient
) -> None:
    fetcher = CatalogFetcher(http, gateway.url, "vercel")
    fetched = await fetcher.models()
    assert fetched.skipped == 0
    assert len(fetched.models) >= 20
    assert len({m.creator for m in fetched.models}) >= 6
    results = await fetcher.endpoints_many(m.id for m in fetched.models)
    assert all(isinstance(r, EndpointsFetch) and r.skipped == 0 for r in results.values())
    with_providers = [r for r in results.values() if isinstance(r, EndpointsFetch) and r.endpoints]
    assert len(with_providers) >= 20


async def test_the_seed_model(gateway: SimulatedGateway, http: httpx.AsyncClient) -> None:
    fetcher = CatalogFetcher(http, gateway.url, "vercel")
    models = {m.id: m for m in (await fetcher.models()).models}
    mini = models["openai/gpt-4.1-mini"]
    assert mini.released == date(2025, 5, 14)
    assert {"file-input", "tool-use", "vision"} <= set(mini.tags)
    endpoints = {e.provider: e for e in (await fetcher.endpoints(mini.id)).endpoints}
    azure, openai = endpoints["azure"], endpoints["openai"]
    for endpoint in (azure, openai):
        assert endpoint.prices.input == Decimal("0.0000004")
        assert endpoint.prices.output == Decimal("0.0000016")
        assert endpoint.prices.cache_read == Decimal("0.0000001")
        assert endpoint.implicit_caching is True
    assert azure.prices.web_search == Decimal("0.014")
    assert openai.prices.web_search == Decimal("0.01")
    assert azure.ttft_p50_s == pytest.approx(0.7)
    assert openai.ttft_p50_s == pytest.approx(0.6)
    assert openai.throughput_p50 == pytest.approx(92)


async def test_service_search_and_cache(
    gateway: SimulatedGateway, http: httpx.AsyncClient, tmp_path: Path
) -> None:
    profile = Profile(SIMULATED, "vercel", gateway.url)
    service = catalog_service_for(profile, http, None, Paths.under(tmp_path))
    load = await service.load()
    assert load.source == "network" and load.skipped == 0
    assert load.catalog.search("mini")[0].id == "openai/gpt-4.1-mini"
    await service.fetch_endpoints(m.id for m in load.catalog)
    assert service.current is not None
    catalog = service.current.catalog
    assert all(catalog.endpoints_of(m.id) is not None for m in catalog)
    # a later process, on another port, reads the same cache (keyed "simulated")
    other = Profile(SIMULATED, "vercel", "http://127.0.0.1:9/v1")
    again = await catalog_service_for(other, http, None, Paths.under(tmp_path)).load()
    assert again.source == "cache"
    assert len(again.catalog.endpoints) == len(catalog.endpoints)
