"""Run costs from catalog prices (as parsed from the wire), against hand-computed Decimals:
tiers by prompt size, cached input, cache writes, reasoning billed as output, web search."""

from __future__ import annotations

from decimal import Decimal

from playground.core.catalog import Catalog
from playground.core.catalog_wire import parse_endpoints, parse_models
from playground.core.events import Finished, Routed, Started, StreamEvent, TextDelta, Usage
from playground.core.pricing import Prices, estimate_cost, run_cost
from playground.core.request import ChatRequest, Message
from playground.core.run import figures_of
from playground.store.catalog_cache import load_snapshot

from support import catalog_payloads as payloads


def _snapshot() -> Catalog:
    catalog, _ = load_snapshot().parse()
    return catalog


def _gemini() -> Prices:
    model = {m.id: m for m in parse_models(payloads.vercel_models(), "vercel").models}
    prices = model["google/gemini-3-pro"].prices
    assert prices is not None
    return prices


def _endpoint_prices(catalog: Catalog, model_id: str, provider: str) -> Prices:
    prices = catalog.prices_for(model_id, provider)
    assert prices is not None
    return prices


def test_tiers_switch_at_the_documented_boundary() -> None:
    prices = _gemini()
    # 200,000 prompt tokens: the first tier ($2/M in, $12/M out)
    # 200,000 × 0.000002 = 0.4 ; 1,000 × 0.000012 = 0.012
    assert run_cost(prices, prompt_tokens=200_000, output_tokens=1_000) == Decimal("0.412")
    # 200,001 prompt tokens: the whole request at the top tier ($4/M in, $18/M out)
    # 200,001 × 0.000004 = 0.800004 ; 1,000 × 0.000018 = 0.018
    assert run_cost(prices, prompt_tokens=200_001, output_tokens=1_000) == Decimal("0.818004")


def test_tiered_cache_reads() -> None:
    prices = _gemini()
    # top tier, 300,000 prompt of which 100,000 cached:
    # 200,000 × 0.000004 = 0.8 ; 100,000 × 0.0000004 = 0.04 ; 10 × 0.000018 = 0.00018
    cost = run_cost(prices, prompt_tokens=300_000, cached_tokens=100_000, output_tokens=10)
    assert cost == Decimal("0.84018")


def test_endpoint_tiers_parsed_from_prompt_tiers() -> None:
    endpoint = parse_endpoints(payloads.vercel_endpoints(), "vercel").endpoints[0]
    assert run_cost(endpoint.prices, prompt_tokens=250_000, output_tokens=0) == Decimal("1.000")


def test_cached_input_at_the_cache_read_price() -> None:
    prices = _endpoint_prices(_snapshot(), "openai/gpt-4.1-mini", "openai")
    # 2,000 fresh × 0.0000004 = 0.0008 ; 8,000 cached × 0.0000001 = 0.0008 ;
    # 500 out × 0.0000016 = 0.0008
    cost = run_cost(prices, prompt_tokens=10_000, cached_tokens=8_000, output_tokens=500)
    assert cost == Decimal("0.0024")


def test_cache_writes_at_the_cache_write_price() -> None:
    prices = _endpoint_prices(_snapshot(), "anthropic/claude-sonnet-4.5", "anthropic")
    # 1,000 fresh × 0.000003 = 0.003 ; 4,000 written × 0.00000375 = 0.015 ;
    # 100 out × 0.000015 = 0.0015
    cost = run_cost(prices, prompt_tokens=5_000, cache_write_tokens=4_000, output_tokens=100)
    assert cost == Decimal("0.0195")


def test_web_search_per_query_differs_by_provider() -> None:
    catalog = _snapshot()
    azure = _endpoint_prices(catalog, "openai/gpt-4.1-mini", "azure")
    openai = _endpoint_prices(catalog, "openai/gpt-4.1-mini", "openai")
    # 1,000 × 0.0000004 = 0.0004 ; 100 × 0.0000016 = 0.00016 ; 3 × 0.014 = 0.042 (azure)
    assert run_cost(azure, prompt_tokens=1_000, output_tokens=100, web_searches=3) == Decimal(
        "0.04256"
    )
    # … 3 × 0.01 = 0.03 (openai)
    assert run_cost(openai, prompt_tokens=1_000, output_tokens=100, web_searches=3) == Decimal(
        "0.03056"
    )


def test_unknown_prices_give_unknown_cost_never_zero() -> None:
    catalog = _snapshot()
    sonar = catalog.get("perplexity/sonar")
    assert sonar is not None
    prices = catalog.prices(sonar)
    assert prices is None
    no_input = Prices(output=Decimal("0.00004"))
    assert run_cost(no_input, prompt_tokens=10, output_tokens=10) is None
    assert estimate_cost(no_input, prompt_tokens=10, max_output_tokens=10).max_cost is None


def test_pre_send_estimate_uses_max_tokens_as_the_upper_bound() -> None:
    prices = _endpoint_prices(_snapshot(), "openai/gpt-4.1-mini", "azure")
    estimate = estimate_cost(prices, prompt_tokens=1_000, max_output_tokens=32_768)
    # 1,000 × 0.0000004 = 0.0004 ; + 32,768 × 0.0000016 = 0.0524288
    assert estimate.prompt_cost == Decimal("0.0004")
    assert estimate.max_cost == Decimal("0.0528288")


def _events(provider: str, *, gateway_cost: Decimal | None) -> list[StreamEvent]:
    return [
        Started(0),
        TextDelta(1_000_000, "Hello"),
        Routed(2_000_000, served_by=provider),
        Usage(
            3_000_000,
            prompt_tokens=1_200,
            completion_tokens=300,  # 200 of them reasoning: billed as output
            reasoning_tokens=200,
            cached_tokens=1_024,
            cost=gateway_cost,
        ),
        Finished(4_000_000, "stop", True),
    ]


def test_a_run_is_priced_by_the_provider_that_served_it_reasoning_as_output() -> None:
    catalog = _snapshot()
    request = ChatRequest("openai/gpt-4.1-mini", (Message("user", "hi"),))
    prices = catalog.prices_for("openai/gpt-4.1-mini", "azure")
    figures = figures_of(request, _events("azure", gateway_cost=None), prices=prices)
    # 176 fresh × 0.0000004 = 0.0000704 ; 1,024 cached × 0.0000001 = 0.0001024 ;
    # 300 out (reasoning included) × 0.0000016 = 0.00048  → 0.0006528
    assert figures.cost == Decimal("0.0006528")
    assert figures.cost_source == "computed"


def test_the_gateway_cost_is_preferred_and_compared() -> None:
    catalog = _snapshot()
    request = ChatRequest("openai/gpt-4.1-mini", (Message("user", "hi"),))
    prices = catalog.prices_for("openai/gpt-4.1-mini", "openai")
    events = _events("openai", gateway_cost=Decimal("0.00066"))
    figures = figures_of(request, events, prices=prices)
    assert figures.cost == Decimal("0.00066")
    assert figures.cost_source == "gateway"
    assert figures.computed_cost == Decimal("0.0006528")
    assert figures.cost_difference == Decimal("0.0000072")
