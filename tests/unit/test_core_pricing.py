"""Costs in Decimal, to the micro-dollar, against hand-computed values."""

from __future__ import annotations

from decimal import Decimal

import pytest

from playground.core.pricing import (
    Prices,
    Tier,
    estimate_cost,
    estimate_prompt_tokens,
    estimate_tokens,
    parse_price,
    run_cost,
)

D = Decimal
GPT_41_MINI = Prices(
    input=D("0.0000004"),
    output=D("0.0000016"),
    cache_read=D("0.0000001"),
    web_search=D("0.01"),
)
GEMINI_TIERED = Prices(
    input=D("0.000002"),
    output=D("0.000012"),
    cache_read=D("0.0000002"),
    input_tiers=(Tier(D("0.000002"), 0, 200_001), Tier(D("0.000004"), 200_001)),
    output_tiers=(Tier(D("0.000012"), 0, 200_001), Tier(D("0.000018"), 200_001)),
)


def test_plain_run_cost() -> None:
    # 1,000 in at $0.40/M + 500 out at $1.60/M = $0.0004 + $0.0008
    assert run_cost(GPT_41_MINI, prompt_tokens=1000, output_tokens=500) == D("0.0012")


def test_cached_input_is_billed_at_the_cache_read_price() -> None:
    cost = run_cost(GPT_41_MINI, prompt_tokens=2048, output_tokens=100, cached_tokens=1024)
    # 1,024 fresh × 0.4/M + 1,024 cached × 0.1/M + 100 × 1.6/M
    assert cost == D("0.0004096") + D("0.0001024") + D("0.00016")


def test_cache_writes_and_missing_cache_prices_fall_back_to_input() -> None:
    prices = Prices(input=D("0.000003"), output=D("0.000015"), cache_write=D("0.00000375"))
    cost = run_cost(prices, prompt_tokens=3000, output_tokens=0, cache_write_tokens=2000)
    assert cost == 1000 * D("0.000003") + 2000 * D("0.00000375")
    no_read_price = run_cost(prices, prompt_tokens=100, output_tokens=0, cached_tokens=100)
    assert no_read_price == 100 * D("0.000003")


def test_reasoning_is_billed_as_output_through_completion_tokens() -> None:
    # completion_tokens (e.g. 300) already includes 200 reasoning tokens
    assert run_cost(GPT_41_MINI, prompt_tokens=0, output_tokens=300) == D("0.00048")


def test_web_search_is_billed_per_query() -> None:
    assert run_cost(GPT_41_MINI, prompt_tokens=0, output_tokens=0, web_searches=3) == D("0.03")


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        (200_000, 200_000 * D("0.000002") + 1000 * D("0.000012")),
        (200_001, 200_001 * D("0.000004") + 1000 * D("0.000018")),
    ],
)
def test_tiers_are_chosen_by_prompt_size(prompt: int, expected: Decimal) -> None:
    assert run_cost(GEMINI_TIERED, prompt_tokens=prompt, output_tokens=1000) == expected


def test_unknown_prices_give_an_unknown_cost_never_zero() -> None:
    assert run_cost(Prices(), prompt_tokens=10, output_tokens=10) is None
    assert run_cost(Prices(input=D("0.000001")), prompt_tokens=10, output_tokens=10) is None
    estimate = estimate_cost(Prices(), prompt_tokens=10, max_output_tokens=100)
    assert estimate.prompt_cost is None and estimate.max_cost is None


def test_pre_send_estimate_uses_max_tokens_as_the_upper_bound() -> None:
    estimate = estimate_cost(GPT_41_MINI, prompt_tokens=1000, max_output_tokens=1000)
    assert estimate.prompt_cost == D("0.0004")
    assert estimate.max_cost == D("0.002")
    open_ended = estimate_cost(GPT_41_MINI, prompt_tokens=1000, max_output_tokens=None)
    assert open_ended.max_cost is None


def test_a_repeat_of_many_runs_adds_up_exactly() -> None:
    one = run_cost(GPT_41_MINI, prompt_tokens=17, output_tokens=333)
    assert one is not None
    assert sum([one] * 1000, D(0)) == one * 1000 == D("0.539600")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0.0000004", D("0.0000004")),
        (" 0.000012 ", D("0.000012")),
        (0, D("0")),
        (1.5e-06, D("0.0000015")),
        ("-1", None),
        ("", None),
        ("free", None),
        ("NaN", None),
        (None, None),
        (True, None),
        ({}, None),
    ],
)
def test_parse_price(raw: object, expected: Decimal | None) -> None:
    assert parse_price(raw) == expected


def test_token_estimates() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("a") == 1
    assert estimate_tokens("x" * 400) == 100
    assert estimate_prompt_tokens([]) == 0
    assert estimate_prompt_tokens(["x" * 40, "y" * 40]) == 10 + 4 + 10 + 4 + 3
