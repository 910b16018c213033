"""Routing: only, order, model fallbacks, outages, and the routing metadata."""

from __future__ import annotations

from typing import Any

import pytest

from playground.sim.catalog import Catalog
from playground.sim.faults import OK, parse_step
from playground.sim.parse import parse_chat_body
from playground.sim.routing import Route, RoutingError, plan_for, resolve, routing_json

CATALOG = Catalog.default()


def route(model: str = "openai/gpt-4.1-mini", fault: str | None = None, **body: Any) -> Route:
    parsed = parse_chat_body(
        {"model": model, "messages": [{"role": "user", "content": "hi"}], **body}
    )
    return resolve(CATALOG, parsed.request, parse_step(fault) if fault else OK)


def gateway(**options: Any) -> dict[str, Any]:
    return {"providerOptions": {"gateway": options}}


def test_default_route_is_the_catalog_order() -> None:
    r = route()
    assert r.provider == "openai"
    assert r.resolved == "openai"
    assert r.model_attempts[0].plan == ("openai", "azure")


def test_only_pins_and_order_prefers() -> None:
    assert route(**gateway(only=["azure"])).provider == "azure"
    assert route(**gateway(order=["azure", "openai"])).provider == "azure"
    assert route(**gateway(order=["bedrock"])).provider == "openai"  # not a provider of it


def test_plan_keeps_unordered_providers_as_later_fallbacks() -> None:
    parsed = parse_chat_body(
        {
            "model": "meta/llama-3.3-70b",
            "messages": [{"role": "user", "content": "hi"}],
            **gateway(order=["bedrock", "groq"], only=["groq", "bedrock", "deepinfra"]),
        }
    )
    model = CATALOG.get("meta/llama-3.3-70b")
    assert model is not None
    assert plan_for(model, parsed.request) == ("bedrock", "groq", "deepinfra")


def test_unknown_model_is_model_not_found() -> None:
    with pytest.raises(RoutingError) as caught:
        route("nobody/nothing")
    assert (caught.value.status, caught.value.error_type) == (404, "model_not_found")
    assert caught.value.param == {"modelId": "nobody/nothing"}


def test_a_non_chat_model_is_a_bad_request() -> None:
    with pytest.raises(RoutingError) as caught:
        route("openai/text-embedding-3-small")
    assert caught.value.status == 400
    assert "embedding" in caught.value.message


def test_an_unknown_provider_in_only_is_a_bad_request() -> None:
    with pytest.raises(RoutingError) as caught:
        route(**gateway(only=["azzure"]))
    assert caught.value.status == 400
    assert caught.value.error_type == "invalid_request_error"
    assert "azzure" in caught.value.message


def test_a_known_provider_that_does_not_serve_the_model_leaves_none() -> None:
    with pytest.raises(RoutingError) as caught:
        route(**gateway(only=["groq"]))
    assert caught.value.status == 400
    assert "openai, azure" in caught.value.message


def test_outage_falls_back_to_the_next_provider() -> None:
    r = route(fault="outage")
    assert r.provider == "azure"
    assert r.resolved == "openai"
    attempts = r.model_attempts[0].attempts
    assert [(a.provider, a.success, a.status) for a in attempts] == [
        ("openai", False, 503),
        ("azure", True, 200),
    ]
    assert attempts[0].error and "503" in attempts[0].error


def test_outage_of_a_named_provider() -> None:
    r = route(fault="outage provider=azure status=500", **gateway(order=["azure"]))
    assert r.provider == "openai"
    assert r.model_attempts[0].attempts[0].status == 500


def test_model_fallback_when_every_provider_fails() -> None:
    r = route(fault="outage count=2", models=["anthropic/claude-haiku-4.5"])
    assert r.model.id == "anthropic/claude-haiku-4.5"
    assert r.original_model == "openai/gpt-4.1-mini"
    assert [m.success for m in r.model_attempts] == [False, True]
    assert r.provider == "anthropic"
    also = route(fault="outage count=2", **gateway(models=["anthropic/claude-haiku-4.5"]))
    assert also.model.id == "anthropic/claude-haiku-4.5"


def test_unknown_fallback_models_are_skipped() -> None:
    with pytest.raises(RoutingError) as caught:
        route(fault="outage count=2", models=["nobody/nothing"])
    assert caught.value.status == 503
    assert caught.value.error_type == "AI_APICallError"
    assert len(caught.value.attempts) == 1


def test_routing_metadata_has_the_gateways_shape() -> None:
    r = route(fault="outage")
    times = [(1000, 1300), (1300, 2000)]
    data = routing_json(
        r.original_model,
        r.model_attempts,
        final_provider=r.provider,
        times_ms=times,
        request_ids=["req_a", "req_b"],
    )
    assert data["originalModelId"] == "openai/gpt-4.1-mini"
    assert data["resolvedProvider"] == "openai"
    assert data["finalProvider"] == "azure"
    assert data["fallbacksAvailable"] == ["azure"]
    assert data["modelAttemptCount"] == 1
    assert data["totalProviderAttemptCount"] == 2
    failed, served = data["modelAttempts"][0]["providerAttempts"]
    assert failed["success"] is False and failed["statusCode"] == 503 and "error" in failed
    assert served == {
        "provider": "azure",
        "credentialType": "system",
        "success": True,
        "startTime": 1300,
        "endTime": 2000,
        "providerRequestId": "req_b",
        "statusCode": 200,
    }
    assert "openai(system) → azure(system)" in data["planningReasoning"]
