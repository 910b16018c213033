"""The catalog fetcher over real loopback HTTP: shapes, errors, auth, and the concurrency bound
on per-model endpoint requests (counted by the server, not timed)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from playground.core.errors import (
    AuthError,
    GatewayError,
    ProtocolError,
    ServerError,
    Unreachable,
)
from playground.gateway.catalog_fetch import DEFAULT_CONCURRENCY, CatalogFetcher, EndpointsFetch

from support import catalog_payloads as payloads
from support.catalog_server import CatalogServerState, catalog_server, closed_port_url


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


async def test_models_and_endpoints_from_a_vercel_shaped_gateway(http: httpx.AsyncClient) -> None:
    state = CatalogServerState(
        models=payloads.vercel_models(),
        endpoints={"google/gemini-3-pro": payloads.vercel_endpoints()},
    )
    with catalog_server(state) as server:
        fetcher = CatalogFetcher(http, server.url, "vercel", {"Authorization": "Bearer k-123"})
        fetched = await fetcher.models()
        endpoints = await fetcher.endpoints("google/gemini-3-pro")
    assert fetched.skipped == payloads.VERCEL_MODELS_SKIPPED
    assert "google/gemini-3-pro" in {m.id for m in fetched.models}
    assert fetched.payload == payloads.vercel_models()  # raw, for the cache
    assert [e.provider for e in endpoints.endpoints] == ["google", "vertex"]
    assert endpoints.skipped == 2
    assert state.requests == ["/v1/models", "/v1/models/google/gemini-3-pro/endpoints"]
    assert state.authorization == ["Bearer k-123", "Bearer k-123"]


async def test_openrouter_routes(http: httpx.AsyncClient) -> None:
    state = CatalogServerState(
        models=payloads.openrouter_models(),
        endpoints={"openai/gpt-4.1-mini": payloads.openrouter_endpoints()},
    )
    with catalog_server(state, prefix="/api/v1") as server:
        fetcher = CatalogFetcher(http, server.url, "openrouter")
        models = await fetcher.models()
        (endpoint,) = (await fetcher.endpoints("openai/gpt-4.1-mini")).endpoints
    assert {m.id for m in models.models} == {"openai/gpt-4.1-mini", "openrouter/auto"}
    assert endpoint.throughput_p50 == pytest.approx(92.4)
    assert state.requests[-1] == "/api/v1/models/openai/gpt-4.1-mini/endpoints"


async def test_plain_servers_are_never_asked_for_endpoints(http: httpx.AsyncClient) -> None:
    state = CatalogServerState(models=payloads.vllm_models())
    with catalog_server(state) as server:
        fetcher = CatalogFetcher(http, server.url, "openai")
        (model,) = (await fetcher.models()).models
        result = await fetcher.endpoints(model.id)
    assert model.context_window == 131072 and model.prices is None
    assert result.endpoints == () and result.payload is None
    assert state.requests == ["/v1/models"]


async def test_endpoints_requests_are_concurrent_but_bounded(http: httpx.AsyncClient) -> None:
    ids = [f"creator/model-{i}" for i in range(20)]
    one = payloads.vercel_endpoints()
    # every request is held until six are in flight at once (or 5 s pass): a bound of six is
    # then observed exactly, without relying on timing
    state = CatalogServerState(
        models={"data": [{"id": i} for i in ids]},
        endpoints=dict.fromkeys(ids, one),
        hold_until=DEFAULT_CONCURRENCY,
    )
    with catalog_server(state) as server:
        fetcher = CatalogFetcher(http, server.url, "vercel")
        results = await fetcher.endpoints_many(ids)
    assert state.max_in_flight == DEFAULT_CONCURRENCY
    assert len(state.requests) == 20
    assert all(isinstance(r, EndpointsFetch) and len(r.endpoints) == 2 for r in results.values())


async def test_a_smaller_bound_is_honoured(http: httpx.AsyncClient) -> None:
    ids = [f"c/m{i}" for i in range(7)]
    state = CatalogServerState(
        endpoints=dict.fromkeys(ids, payloads.vercel_endpoints()), hold_until=2
    )
    with catalog_server(state) as server:
        fetcher = CatalogFetcher(http, server.url, "vercel", concurrency=2)
        await fetcher.endpoints_many(ids)
    assert state.max_in_flight == 2


async def test_one_failing_model_does_not_sink_the_others(http: httpx.AsyncClient) -> None:
    state = CatalogServerState(
        endpoints={"good/one": payloads.vercel_endpoints(), "bad/one": {"data": "nonsense"}}
    )
    with catalog_server(state) as server:
        fetcher = CatalogFetcher(http, server.url, "vercel")
        results = await fetcher.endpoints_many(["good/one", "bad/one", "missing/one"])
    assert isinstance(results["good/one"], EndpointsFetch)
    assert isinstance(results["bad/one"], ProtocolError)
    missing = results["missing/one"]
    assert isinstance(missing, EndpointsFetch) and missing.endpoints == ()  # 404: none listed


async def test_connection_refused_is_unreachable_with_a_reason(http: httpx.AsyncClient) -> None:
    fetcher = CatalogFetcher(http, closed_port_url(), "vercel")
    with pytest.raises(Unreachable) as caught:
        await fetcher.models()
    assert caught.value.detail == "connection refused"
    assert str(caught.value).startswith("Can't reach 127.0.0.1:")


@pytest.mark.parametrize(
    ("status", "body", "content_type", "error", "message"),
    [
        (
            401,
            b'{"error":{"message":"Invalid API key","type":"authentication_error"}}',
            "application/json",
            AuthError,
            "rejected the API key (401): Invalid API key",
        ),
        (503, b"<html><body>Bad gateway</body></html>", "text/html", ServerError, "(503)"),
        (500, b"", "text/plain", ServerError, "(500): the response had no body"),
        (200, b"<html>captive portal</html>", "text/html", ProtocolError, "not JSON"),
        (200, b'{"error": "flat"}', "application/json", ProtocolError, "not a model list"),
    ],
)
async def test_error_answers_become_typed_one_line_errors(
    http: httpx.AsyncClient,
    status: int,
    body: bytes,
    content_type: str,
    error: type[GatewayError],
    message: str,
) -> None:
    state = CatalogServerState(models=body, status=status, content_type=content_type)
    with catalog_server(state) as server:
        fetcher = CatalogFetcher(http, server.url, "vercel")
        with pytest.raises(error) as caught:
            await fetcher.models()
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
    if status >= 400:
        assert caught.value.status == status


async def test_error_messages_are_sanitized(http: httpx.AsyncClient) -> None:
    body = b'{"error":{"message":"bad \\u001b]52;c;SGk=\\u0007 key [bold]x[/]","type":"x"}}'
    state = CatalogServerState(models=body, status=403)
    with catalog_server(state) as server:
        fetcher = CatalogFetcher(http, server.url, "vercel")
        with pytest.raises(AuthError) as caught:
            await fetcher.models()
    text = str(caught.value)
    assert "\x1b" not in text and "\x07" not in text
    assert "[bold]x[/]" in text  # kept literally; never rendered as markup downstream
