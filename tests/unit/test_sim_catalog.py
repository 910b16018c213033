"""The simulated catalog: its content (the seed model's figures, the odd cases) and its wire
shapes, checked against PROTOCOL.md §2.3 and against the client's own parser."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from playground.core.catalog_wire import parse_endpoints, parse_models
from playground.sim.catalog import Catalog
from playground.sim.catalog_json import (
    decimal_str,
    endpoints_body,
    model_entry,
    models_list,
)
from playground.sim.providers import KNOWN_SLUGS, PROVIDERS

CATALOG = Catalog.default()
SEED = "openai/gpt-4.1-mini"


def test_at_least_twenty_models_from_many_creators() -> None:
    assert len(CATALOG) >= 20
    creators = {m.creator for m in CATALOG.models}
    assert {
        "openai",
        "anthropic",
        "google",
        "meta",
        "mistral",
        "deepseek",
        "xai",
        "alibaba",
    } <= creators
    assert {m.type for m in CATALOG.models} >= {"language", "embedding", "image"}


def test_every_model_has_one_to_four_known_providers() -> None:
    for model in CATALOG.models:
        assert 1 <= len(model.endpoints) <= 4, model.id
        providers = [e.provider for e in model.endpoints]
        assert len(set(providers)) == len(providers), model.id
        assert set(providers) <= set(PROVIDERS) <= KNOWN_SLUGS


def test_providers_have_distinct_speed_profiles() -> None:
    llama = CATALOG.get("meta/llama-3.3-70b")
    assert llama is not None
    rates = {e.provider: e.timing.tokens_per_s for e in llama.endpoints}
    assert rates["cerebras"] >= 1000 and rates["groq"] >= 1000
    assert rates["bedrock"] < 100 and rates["deepinfra"] < 100
    for model in CATALOG.models:
        for endpoint in model.endpoints:
            assert endpoint.timing.ttft_p95_s > endpoint.timing.ttft_p50_s > 0


def test_reasoning_models_exist() -> None:
    modes = {m.id: m.reasoning for m in CATALOG.models}
    assert "mandatory" in modes.values() and "optional" in modes.values()
    for model in CATALOG.models:
        if model.reasoning != "none":
            assert "reasoning" in (model.tags or ()), model.id


def test_the_seed_model_has_the_figures_of_its_page() -> None:
    seed = CATALOG.get(SEED)
    assert seed is not None
    entry = model_entry(seed)
    assert entry["context_window"] == 1_047_576
    assert entry["max_tokens"] == 32_768
    assert {"file-input", "tool-use", "vision", "implicit-caching"} <= set(entry["tags"])
    assert dt.datetime.fromtimestamp(entry["released"], dt.UTC).date() == dt.date(2025, 5, 14)
    assert entry["pricing"]["input"] == "0.0000004"
    assert entry["pricing"]["output"] == "0.0000016"
    assert entry["pricing"]["input_cache_read"] == "0.0000001"
    endpoints = {e["provider_name"]: e for e in endpoints_body(seed)["data"]["endpoints"]}
    assert set(endpoints) == {"azure", "openai"}
    for provider, web, ttft in (("azure", "0.014", 700), ("openai", "0.01", 600)):
        e = endpoints[provider]
        assert Decimal(e["pricing"]["prompt"]) * 1_000_000 == Decimal("0.40")
        assert Decimal(e["pricing"]["completion"]) * 1_000_000 == Decimal("1.60")
        assert Decimal(e["pricing"]["input_cache_read"]) * 1_000_000 == Decimal("0.10")
        assert Decimal(e["pricing"]["web_search"]) * 1000 == Decimal(web) * 1000
        assert e["latency_last_1h"]["p50"] == ttft
        assert e["context_length"] == 1_047_576
        assert e["max_completion_tokens"] == 32_768
        assert e["supports_implicit_caching"] is True
    assert endpoints["openai"]["throughput_last_1h"]["p50"] == 92
    assert endpoints["azure"]["throughput_last_1h"]["p50"] != 92


def test_the_odd_cases_are_there() -> None:
    entries = {e["id"]: e for e in models_list(CATALOG)["data"]}
    assert entries["perplexity/sonar"]["pricing"] == {}
    assert any("pricing" in e and "input" not in e["pricing"] for e in entries.values())
    assert any("tags" not in e for e in entries.values())
    assert any(
        e["type"] not in ("language", "embedding", "image", "video") for e in entries.values()
    )
    assert any("context_window" not in e for e in entries.values())
    deprecated = [e for e in entries.values() if "deprecated_at" in e]
    assert len(deprecated) == 1
    assert deprecated[0]["deprecated_at"] > 1_700_000_000_000  # milliseconds
    tiered = [e for e in entries.values() if "input_tiers" in e["pricing"]]
    assert tiered
    for tier_list in (tiered[0]["pricing"]["input_tiers"], tiered[0]["pricing"]["output_tiers"]):
        assert tier_list[0]["min"] == 0 and "max" in tier_list[0]
        assert "max" not in tier_list[-1]
    assert any("web_search" in e["pricing"] for e in entries.values())
    assert any("input_cache_write" in e["pricing"] for e in entries.values())


def test_every_entry_has_the_guaranteed_fields() -> None:
    guaranteed = {
        "id",
        "object",
        "created",
        "released",
        "owned_by",
        "name",
        "description",
        "type",
        "supported_specifications",
        "modalities",
        "pricing",
    }
    for entry in models_list(CATALOG)["data"]:
        assert guaranteed <= set(entry), entry["id"]
        assert entry["owned_by"] == entry["id"].split("/")[0]
        for key, value in entry["pricing"].items():
            if isinstance(value, str):
                assert Decimal(value) >= 0, (entry["id"], key)


@pytest.mark.parametrize("model", CATALOG.models, ids=lambda m: m.id)
def test_endpoints_shape(model: object) -> None:
    body = endpoints_body(model)  # type: ignore[arg-type]
    data = body["data"]
    assert isinstance(data, dict)
    assert data["id"] == model.id  # type: ignore[attr-defined]
    for e in data["endpoints"]:
        assert {
            "provider_name",
            "context_length",
            "max_completion_tokens",
            "pricing",
            "supported_parameters",
            "status",
            "uptime_last_15m",
            "uptime_last_1h",
            "uptime_last_1d",
            "latency_last_1h",
            "throughput_last_1h",
            "supports_implicit_caching",
            "tags",
        } <= set(e)
        assert e["status"] == 0
        assert 0 < e["latency_last_1h"]["p50"] < e["latency_last_1h"]["p95"]
        for key, value in e["pricing"].items():
            assert isinstance(value, str) or key in ("discount",) or key.endswith("_tiers")


def test_decimal_strings_have_no_exponent() -> None:
    assert decimal_str(Decimal("4E-7")) == "0.0000004"
    assert decimal_str(Decimal("0.010")) == "0.01"
    assert decimal_str(Decimal("0")) == "0"
    assert decimal_str(Decimal("12")) == "12"


def test_the_clients_parser_reads_the_whole_catalog() -> None:
    parsed = parse_models(models_list(CATALOG), "vercel")
    assert parsed.skipped == 0
    assert len(parsed.models) == len(CATALOG)
    seed = next(m for m in parsed.models if m.id == SEED)
    assert seed.context_window == 1_047_576
    assert seed.prices is not None and seed.prices.input == Decimal("0.0000004")
    sonar = next(m for m in parsed.models if m.id == "perplexity/sonar")
    assert sonar.prices is None or sonar.prices.input is None  # unknown, never zero


def test_the_clients_parser_reads_every_endpoint() -> None:
    for model in CATALOG.models:
        parsed = parse_endpoints(endpoints_body(model), "vercel")
        assert parsed.skipped == 0, model.id
        assert [e.provider for e in parsed.endpoints] == [e.provider for e in model.endpoints]
    seed = parse_endpoints(endpoints_body(CATALOG.get(SEED)), "vercel")  # type: ignore[arg-type]
    azure = next(e for e in seed.endpoints if e.provider == "azure")
    assert azure.prices.web_search == Decimal("0.014")
    assert azure.ttft_p50_s == pytest.approx(0.7)
    openai = next(e for e in seed.endpoints if e.provider == "openai")
    assert openai.throughput_p50 == pytest.approx(92)
