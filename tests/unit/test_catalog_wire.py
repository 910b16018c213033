"""Parsing catalog payloads of every dialect, pitfalls included (PROTOCOL.md §2.3, §3, §4)."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.core.catalog import Endpoint, Model
from playground.core.catalog_fields import clear_caches, fast_constructor
from playground.core.catalog_wire import (
    CatalogShapeError,
    parse_endpoints,
    parse_models,
    parse_prices,
)
from playground.core.pricing import Prices, Tier

from support import catalog_payloads as payloads


def _by_id(payload: dict[str, Any], kind: Any = "vercel") -> dict[str, Any]:
    return {m.id: m for m in parse_models(payload, kind).models}


def test_vercel_documented_entry_with_tiers() -> None:
    model = _by_id(payloads.vercel_models())["google/gemini-3-pro"]
    assert model.name == "Gemini 3 Pro"
    assert model.creator == "google"
    assert model.type == "language"
    assert model.context_window == 1_000_000
    assert model.max_output == 64_000
    assert model.tags == ("file-input", "tool-use", "reasoning", "vision")
    assert model.released is None  # ``created`` is when the gateway added it, not a release
    prices = model.prices
    assert prices is not None
    assert prices.input == Decimal("0.000002")
    assert prices.output == Decimal("0.000012")
    assert prices.cache_read == Decimal("0.0000002")
    assert prices.cache_write == Decimal("0.000002")
    assert prices.input_tiers == (
        Tier(Decimal("0.000002"), 0, 200001),
        Tier(Decimal("0.000004"), 200001, None),
    )
    assert prices.output_tiers[1] == Tier(Decimal("0.000018"), 200001, None)
    assert prices.cache_read_tiers[1].cost == Decimal("0.0000004")


def test_vercel_live_entry() -> None:
    model = _by_id(payloads.vercel_models())["alibaba/qwen-3-14b"]
    assert model.released == date(2025, 4, 28)
    assert model.input_modalities == ("text",)
    assert model.output_modalities == ("text",)
    assert "reasoning" in model.supported_parameters
    assert model.prices is not None
    assert model.prices.input == Decimal("0.00000012")
    assert model.name == "Qwen3-14B"  # the first listing of a repeated id wins


def test_pitfall_pricing_without_input_is_unknown_not_zero() -> None:
    model = _by_id(payloads.vercel_models())["openai/gpt-image-1"]
    assert model.prices is not None
    assert model.prices.input is None
    assert model.prices.output == Decimal("0.00004")
    assert not model.prices.known


def test_pitfall_empty_pricing_object_is_no_prices() -> None:
    model = _by_id(payloads.vercel_models())["perplexity/sonar"]
    assert model.prices is None
    assert model.tags == ("web-search",)


def test_unknown_type_and_tag_are_kept() -> None:
    model = _by_id(payloads.vercel_models())["openai/gpt-realtime"]
    assert model.type == "realtime"
    assert model.tags == ("voice-duplex", "tool-use")


def test_no_tags_no_context_and_deprecation_in_milliseconds() -> None:
    model = _by_id(payloads.vercel_models())["openai/whisper-1"]
    assert model.tags == ()
    assert model.context_window is None
    assert model.max_output is None
    assert model.deprecated == date(2027, 1, 1)
    assert model.prices is None  # no known price key at all


def test_wrong_types_become_unknowns() -> None:
    model = _by_id(payloads.vercel_models())["acme/odd-1"]
    assert model.name == ""
    assert model.display_name == "acme/odd-1"
    assert model.context_window == 131072  # a numeric string is still a number
    assert model.max_output is None  # a boolean is not
    assert model.tags == ("vision",)
    assert model.released is None
    assert model.type == "language"
    assert model.prices is not None
    assert model.prices.input == Decimal("0.000001")
    assert model.prices.output is None
    assert model.prices.web_search is None  # "-1" means "varies": unknown


def test_malformed_entries_are_skipped_and_counted() -> None:
    parsed = parse_models(payloads.vercel_models(), "vercel")
    assert parsed.skipped == payloads.VERCEL_MODELS_SKIPPED
    assert len(parsed.models) == 7
    assert parsed.dialect == "vercel"


@pytest.mark.parametrize("payload", [None, "<html>", 42, {"object": "list"}, {"data": {"id": "x"}}])
def test_not_a_model_list_raises(payload: object) -> None:
    with pytest.raises(CatalogShapeError):
        parse_models(payload, "vercel")


def test_bare_list_is_accepted() -> None:
    parsed = parse_models([{"id": "a/b"}], "openai")
    assert [m.id for m in parsed.models] == ["a/b"]


def test_vercel_endpoints_documented_and_newer_fields() -> None:
    parsed = parse_endpoints(payloads.vercel_endpoints(), "vercel")
    assert parsed.model_id == "google/gemini-3-pro"
    assert parsed.skipped == 2
    google, vertex = parsed.endpoints
    assert google.provider == "google"
    assert google.name == ""  # same as the slug
    assert google.context == 1_000_000
    assert google.max_output == 64_000
    assert google.prices.input == Decimal("0.000002")
    assert google.prices.output_tiers[1].cost == Decimal("0.000018")
    assert google.prices.web_search == Decimal("0")
    assert google.status == 0 and google.active
    assert google.uptime_pct is None
    assert google.implicit_caching is False
    assert google.ttft_p50_s is None and google.throughput_p50 is None
    assert vertex.ttft_p50_s == pytest.approx(1.84)
    assert vertex.ttft_p95_s == pytest.approx(4.2105)
    assert vertex.throughput_p50 == pytest.approx(71.2)
    assert vertex.throughput_p95 == pytest.approx(120.0)
    assert vertex.uptime_pct == pytest.approx(99.91)  # the longest window published
    assert vertex.implicit_caching is True
    assert vertex.zdr is True


def test_endpoints_data_as_a_list_is_tolerated() -> None:
    entries = payloads.vercel_endpoints()["data"]["endpoints"]
    parsed = parse_endpoints({"data": entries}, "vercel")
    assert [e.provider for e in parsed.endpoints] == ["google", "vertex"]
    assert parsed.model_id is None


@pytest.mark.parametrize("payload", [None, [], {"data": None}, {"data": {"id": "x"}}])
def test_not_an_endpoints_answer_raises(payload: object) -> None:
    with pytest.raises(CatalogShapeError):
        parse_endpoints(payload, "vercel")


def test_openrouter_models() -> None:
    models = _by_id(payloads.openrouter_models(), "openrouter")
    mini = models["openai/gpt-4.1-mini"]
    assert mini.creator == "openai"
    assert mini.context_window == 1047576
    assert mini.max_output == 32768
    assert mini.released == date(2025, 4, 14)
    assert mini.deprecated == date(2026, 12, 31)
    assert mini.tags == ("file-input", "tool-use", "vision")  # derived: OpenRouter has none
    assert mini.prices is not None
    assert mini.prices.input == Decimal("0.0000004")
    assert mini.prices.output == Decimal("0.0000016")
    assert mini.prices.cache_read == Decimal("0.0000001")
    assert mini.prices.web_search == Decimal("0.01")
    auto = models["openrouter/auto"]
    assert auto.prices is None  # "-1" everywhere: prices vary, i.e. unknown
    assert auto.tags == ("reasoning",)
    assert auto.max_output is None


def test_openrouter_endpoints() -> None:
    (endpoint,) = parse_endpoints(payloads.openrouter_endpoints(), "openrouter").endpoints
    assert endpoint.provider == "openai"
    assert endpoint.name == "OpenAI"
    assert endpoint.ttft_p50_s == pytest.approx(0.612)
    assert endpoint.ttft_p95_s is None  # OpenRouter publishes p75/p90/p99, not p95
    assert endpoint.throughput_p50 == pytest.approx(92.4)
    assert endpoint.uptime_pct == pytest.approx(99.8)
    assert endpoint.quantization == "unknown"


def test_local_servers_context_and_no_prices() -> None:
    (vllm,) = parse_models(payloads.vllm_models(), "openai").models
    assert vllm.context_window == 131072
    assert vllm.prices is None
    assert vllm.creator == "vllm"
    (llama,) = parse_models(payloads.llamacpp_models(), "openai").models
    assert llama.context_window == 32768
    (ollama,) = parse_models(payloads.ollama_models(), "openai").models
    assert ollama.context_window is None
    assert ollama.prices is None
    assert ollama.type == "language"


def test_a_gateway_behind_a_plain_url_is_recognised() -> None:
    parsed = parse_models(payloads.vercel_models(), "openai")
    assert parsed.dialect == "vercel"
    assert {m.id: m for m in parsed.models}["google/gemini-3-pro"].prices is not None
    assert parse_models(payloads.openrouter_models(), "openai").dialect == "openrouter"
    assert parse_models(payloads.vllm_models(), "openai").dialect == "openai"


def test_parse_prices_accepts_both_namings() -> None:
    vercel = parse_prices({"input": "0.1", "output": "0.2"})
    openrouter = parse_prices({"prompt": "0.1", "completion": "0.2"})
    assert vercel == openrouter
    assert vercel is not None and vercel.input == Decimal("0.1")
    assert parse_prices({}) is None
    assert parse_prices("0.1") is None
    assert parse_prices({"discount": 0}) is None


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
_field = st.sampled_from(
    [
        "id",
        "name",
        "type",
        "tags",
        "pricing",
        "context_window",
        "max_tokens",
        "released",
        "deprecated_at",
        "modalities",
        "context_length",
        "top_provider",
        "architecture",
        "max_model_len",
        "meta",
        "supported_parameters",
    ]
)
_entry = st.dictionaries(_field, _json, max_size=8) | _json


@settings(max_examples=300, deadline=None)
@given(
    entries=st.lists(_entry, max_size=8), kind=st.sampled_from(["vercel", "openrouter", "openai"])
)
def test_any_entries_parse_without_raising_and_are_all_accounted_for(
    entries: list[Any], kind: Any
) -> None:
    parsed = parse_models({"data": entries}, kind)
    assert len(parsed.models) + parsed.skipped == len(entries)
    for model in parsed.models:
        assert model.id
        assert model.context_window is None or model.context_window > 0
        assert all(isinstance(t, str) for t in model.tags)


@settings(max_examples=200, deadline=None)
@given(
    entries=st.lists(
        st.dictionaries(
            _field
            | st.sampled_from(
                [
                    "tag",
                    "provider_name",
                    "latency_last_1h",
                    "throughput_last_1h",
                    "status",
                    "uptime_last_1d",
                ]
            ),
            _json,
            max_size=8,
        ),
        max_size=6,
    )
)
def test_any_endpoint_entries_parse_without_raising(entries: list[Any]) -> None:
    parsed = parse_endpoints({"data": {"endpoints": entries}}, "vercel")
    assert len(parsed.endpoints) + parsed.skipped == len(entries)
    for endpoint in parsed.endpoints:
        assert endpoint.provider
        assert endpoint.ttft_p50_s is None or endpoint.ttft_p50_s >= 0


def test_memoized_prices_never_mix_up_look_alike_values() -> None:
    clear_caches()
    assert parse_prices({"input": 1, "output": "2"}) == parse_prices({"input": 1, "output": "2"})
    assert parse_prices({"input": True, "output": "2"}) == Prices(output=Decimal(2))
    assert parse_prices({"input": 1, "output": "2"}) == Prices(input=Decimal(1), output=Decimal(2))
    tiered = {"input": "0.1", "input_tiers": [{"cost": "0.2", "min": 10}]}
    assert parse_prices(tiered) == parse_prices(dict(tiered))  # unhashable: parsed fresh


@settings(max_examples=200, deadline=None)
@given(
    pricing=st.dictionaries(
        st.sampled_from(
            ["input", "output", "prompt", "completion", "web_search", "input_cache_read"]
        ),
        _json,
        max_size=5,
    )
)
def test_memoized_and_fresh_price_parsing_agree(pricing: dict[str, Any]) -> None:
    first = parse_prices(pricing)
    clear_caches()
    assert parse_prices(pricing) == first


def test_the_fast_constructors_build_the_same_frozen_objects() -> None:
    new_endpoint = fast_constructor(Endpoint)
    new_model = fast_constructor(Model)
    new_prices = fast_constructor(Prices)
    assert new_endpoint("azure") == Endpoint("azure")
    assert new_endpoint("x", context=5, tags=("a",)) == Endpoint("x", context=5, tags=("a",))
    assert new_endpoint("a").prices is not new_endpoint("b").prices  # default_factory per call
    assert new_model("a/b", name="n", prices=None) == Model("a/b", name="n", prices=None)
    assert new_prices(output=Decimal(1)) == Prices(output=Decimal(1))
    endpoint = new_endpoint("azure")
    assert type(endpoint) is Endpoint
    with pytest.raises(FrozenInstanceError):
        endpoint.provider = "openai"  # type: ignore[misc]
    with pytest.raises(TypeError):
        new_endpoint()  # the required field is still required
