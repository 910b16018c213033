"""The catalog policy: cache first, refresh when stale, fall back offline (cache, then the
bundled snapshot), endpoints on demand and written through. HTTP is faked at the transport
(`httpx.MockTransport`) so the real fetcher and parser run; the clock is injected."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from playground.core.errors import ServerError, Unreachable
from playground.core.profile import Profile, ProfileKind
from playground.gateway.catalog_fetch import CatalogFetcher
from playground.services.catalog import (
    SIMULATED_CACHE_KEY,
    CatalogService,
    CatalogSource,
    cache_key_for,
    catalog_service_for,
)
from playground.store.catalog_cache import CatalogCache
from playground.store.paths import Paths

from support import catalog_payloads as payloads

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
KEY = "https://gw.test"


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


class Gateway:
    """A fake gateway behind `httpx.MockTransport`, with a switch to make it unreachable."""

    def __init__(self) -> None:
        self.models: Any = payloads.vercel_models()
        self.endpoints: dict[str, Any] = {"google/gemini-3-pro": payloads.vercel_endpoints()}
        self.down = False
        self.status = 200
        self.requests: list[str] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request.url.path)
        if self.down:
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        if self.status != 200:
            return httpx.Response(self.status, text="<html>oops</html>")
        path = request.url.path.removeprefix("/v1")
        if path == "/models":
            return httpx.Response(200, json=self.models)
        model_id = path.removeprefix("/models/").removesuffix("/endpoints")
        if model_id in self.endpoints:
            return httpx.Response(200, json=self.endpoints[model_id])
        return httpx.Response(404, json={"error": {"message": "nope", "type": "model_not_found"}})


@pytest.fixture
def gateway() -> Gateway:
    return Gateway()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def http(gateway: Gateway) -> Iterator[httpx.AsyncClient]:
    yield httpx.AsyncClient(transport=httpx.MockTransport(gateway.handler))


def service(
    http: httpx.AsyncClient,
    tmp_path: Path,
    clock: Clock,
    *,
    kind: ProfileKind = "vercel",
    lazy: list[int] | None = None,
) -> CatalogService:
    cache = CatalogCache(tmp_path / "catalog", clock=clock)
    fetcher = CatalogFetcher(http, "https://gw.test/v1", kind)
    if lazy is None:
        return CatalogService(cache, fetcher, key=KEY, origin=KEY, kind=kind, host="gw.test")

    async def factory() -> CatalogSource:
        lazy.append(1)
        return fetcher

    return CatalogService(
        cache, source_factory=factory, key=KEY, origin=KEY, kind=kind, host="gw.test"
    )


async def test_no_cache_fetches_and_saves(
    http: httpx.AsyncClient, tmp_path: Path, clock: Clock, gateway: Gateway
) -> None:
    load = await service(http, tmp_path, clock).load()
    assert load.source == "network"
    assert load.fetched_at == T0
    assert not load.offline and not load.stale
    assert load.skipped == payloads.VERCEL_MODELS_SKIPPED
    assert "google/gemini-3-pro" in load.catalog
    assert CatalogCache(tmp_path / "catalog").load(KEY) is not None
    assert gateway.requests == ["/v1/models"]


async def test_fresh_cache_answers_without_touching_the_network(
    http: httpx.AsyncClient, tmp_path: Path, clock: Clock, gateway: Gateway
) -> None:
    await service(http, tmp_path, clock).load()
    clock.now = T0 + timedelta(minutes=30)
    started: list[int] = []
    load = await service(http, tmp_path, clock, lazy=started).load()
    assert load.source == "cache" and not load.stale
    assert started == []  # the source (a client, a child process) was never even built
    assert gateway.requests == ["/v1/models"]


async def test_stale_cache_is_served_then_refreshed_in_the_background(
    http: httpx.AsyncClient, tmp_path: Path, clock: Clock, gateway: Gateway
) -> None:
    await service(http, tmp_path, clock).load()
    clock.now = T0 + timedelta(hours=2)
    gateway.models = {"object": "list", "data": [{"id": "new/model", "context_window": 10}]}
    svc = service(http, tmp_path, clock)
    load = await svc.load()
    assert load.source == "cache" and load.stale and svc.needs_refresh
    task = svc.refresh_in_background()
    assert svc.refresh_in_background() is task  # one refresh at a time
    refreshed = await task
    assert refreshed.source == "network"
    assert [m.id for m in refreshed.catalog] == ["new/model"]
    assert svc.current is refreshed and not svc.needs_refresh
    saved = CatalogCache(tmp_path / "catalog").load(KEY)
    assert saved is not None and saved.fetched_at == clock.now
    clock.now += timedelta(minutes=61)  # the app stayed open: the catalog ages in place
    assert svc.needs_refresh


async def test_offline_without_cache_uses_the_dated_snapshot(
    http: httpx.AsyncClient, tmp_path: Path, clock: Clock, gateway: Gateway
) -> None:
    gateway.down = True
    svc = service(http, tmp_path, clock)
    load = await svc.load()
    assert load.source == "snapshot" and load.offline
    assert load.snapshot_date == date(2026, 11, 27)
    assert isinstance(load.error, Unreachable)
    assert load.error_reason == "connection refused"
    assert str(load.error) == "Can't reach gw.test: connection refused"
    assert "openai/gpt-4.1-mini" in load.catalog
    # the snapshot's providers are there without a fetch, and it is never cached
    assert len(await svc.endpoints("openai/gpt-4.1-mini")) == 2
    assert CatalogCache(tmp_path / "catalog").load(KEY) is None
    # the network comes back: a refresh replaces the snapshot
    gateway.down = False
    assert (await svc.refresh_in_background()).source == "network"


async def test_offline_with_a_cache_keeps_it_and_says_so(
    http: httpx.AsyncClient, tmp_path: Path, clock: Clock, gateway: Gateway
) -> None:
    await service(http, tmp_path, clock).load()
    clock.now = T0 + timedelta(days=2)
    gateway.status = 503
    load = await service(http, tmp_path, clock).load(refresh=True)
    assert load.source == "cache" and load.offline and load.stale
    assert isinstance(load.error, ServerError)
    assert "google/gemini-3-pro" in load.catalog


async def test_plain_servers_get_no_snapshot(
    http: httpx.AsyncClient, tmp_path: Path, clock: Clock, gateway: Gateway
) -> None:
    gateway.down = True
    load = await service(http, tmp_path, clock, kind="openai").load()
    assert load.offline and len(load.catalog) == 0
    assert load.error is not None


async def test_endpoints_are_fetched_once_and_written_through(
    http: httpx.AsyncClient, tmp_path: Path, clock: Clock, gateway: Gateway
) -> None:
    svc = service(http, tmp_path, clock)
    await svc.load()
    assert svc.endpoints_to_fetch(["google/gemini-3-pro", "nobody/none"]) == ["google/gemini-3-pro"]
    endpoints = await svc.endpoints("google/gemini-3-pro")
    assert svc.endpoints_to_fetch(["google/gemini-3-pro"]) == []
    assert [e.provider for e in endpoints] == ["google", "vertex"]
    assert await svc.endpoints("google/gemini-3-pro") == endpoints
    assert gateway.requests.count("/v1/models/google/gemini-3-pro/endpoints") == 1
    # a 404 on the endpoints route: the gateway lists none (known), not unknown
    assert await svc.endpoints("perplexity/sonar") == ()
    # written through: a new process sees them without asking
    clock.now = T0 + timedelta(minutes=10)
    again = service(http, tmp_path, clock)
    catalog = (await again.load()).catalog
    assert [e.provider for e in catalog.endpoints_of("google/gemini-3-pro") or ()] == [
        "google",
        "vertex",
    ]
    assert catalog.endpoints_of("perplexity/sonar") == ()
    # stale endpoints are fetched again
    clock.now = T0 + timedelta(hours=3)
    await again.endpoints("google/gemini-3-pro")
    assert gateway.requests.count("/v1/models/google/gemini-3-pro/endpoints") == 2


async def test_endpoints_failure_with_nothing_known_raises(
    http: httpx.AsyncClient, tmp_path: Path, clock: Clock, gateway: Gateway
) -> None:
    svc = service(http, tmp_path, clock)
    await svc.load()
    gateway.down = True
    with pytest.raises(Unreachable):
        await svc.endpoints("google/gemini-3-pro")
    errors = await svc.fetch_endpoints(["google/gemini-3-pro", "alibaba/qwen-3-14b"])
    assert set(errors) == {"google/gemini-3-pro", "alibaba/qwen-3-14b"}


async def test_relisting_keeps_endpoints_of_models_still_listed(
    http: httpx.AsyncClient, tmp_path: Path, clock: Clock, gateway: Gateway
) -> None:
    svc = service(http, tmp_path, clock)
    await svc.load()
    await svc.endpoints("google/gemini-3-pro")
    refreshed = await svc.load(refresh=True)
    assert refreshed.catalog.endpoints_of("google/gemini-3-pro") is not None


async def test_a_gateway_behind_a_plain_url_gets_its_endpoints(
    http: httpx.AsyncClient, tmp_path: Path, clock: Clock, gateway: Gateway
) -> None:
    svc = service(http, tmp_path, clock, kind="openai")
    await svc.load()
    assert len(await svc.endpoints("google/gemini-3-pro")) == 2
    # and a new process, starting from the cache, knows the dialect before any model list
    clock.now = T0 + timedelta(minutes=5)
    again = service(http, tmp_path, clock, kind="openai")
    await again.load()
    assert len(await again.endpoints("alibaba/qwen-3-14b")) == 0
    assert "/v1/models/alibaba/qwen-3-14b/endpoints" in gateway.requests


async def test_aclose_cancels_a_running_refresh(tmp_path: Path, clock: Clock) -> None:
    gate = asyncio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        await gate.wait()
        return httpx.Response(200, json={"data": []})

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        svc = service(http, tmp_path, clock)
        task = svc.refresh_in_background()
        await asyncio.sleep(0)
        await svc.aclose()
        assert task.cancelled()


def test_factory_wiring_and_cache_keys(tmp_path: Path) -> None:
    profile = Profile("vercel", "vercel", "https://ai-gateway.vercel.sh/v1")
    svc = catalog_service_for(profile, httpx.AsyncClient(), None, Paths.under(tmp_path))
    assert svc.key == "https://ai-gateway.vercel.sh"
    assert svc.cache.folder == tmp_path / "cache" / "catalog"
    simulated = Profile("simulated", "vercel", "http://127.0.0.1:51234/v1")
    assert cache_key_for(simulated) == SIMULATED_CACHE_KEY
    with pytest.raises(TypeError):
        CatalogService(CatalogCache(tmp_path), key="k", origin="k", kind="vercel")
