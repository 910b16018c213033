"""The simulated gateway's stratified TTFT draws: any ten runs of an endpoint show its
published P50, and the distribution over many runs is unchanged."""

from __future__ import annotations

import math
import random
from statistics import NormalDist

import pytest
from hypothesis import given
from hypothesis import strategies as st

from playground.core.stats import percentile
from playground.sim.caching import PromptCache
from playground.sim.catalog import Catalog
from playground.sim.chat import plan_chat
from playground.sim.faults import OK
from playground.sim.parse import parse_chat_body
from playground.sim.providers import (
    GATEWAY_OVERHEAD_S,
    STRATA,
    StratifiedDraws,
    Timing,
    draw,
)

AZURE = Timing(0.7, 1.6, 78)
OPENAI = Timing(0.6, 1.35, 92)
CATALOG = Catalog.default()


def tenth(timing: Timing, ttft_s: float) -> int:
    """Which tenth of `timing`'s TTFT distribution a draw fell in."""
    z = math.log((ttft_s - GATEWAY_OVERHEAD_S) / timing.ttft_p50_s) / timing.ttft_sigma
    return min(int(NormalDist().cdf(z) * STRATA), STRATA - 1)


def p50(values: list[float]) -> float:
    return percentile(sorted(values), 50)


@given(seed=st.integers(0, 10_000), start=st.integers(0, 40))
def test_any_ten_consecutive_draws_cover_every_tenth_once(seed: int, start: int) -> None:
    draws = StratifiedDraws(seed)
    rng = random.Random(seed)
    ttfts = [draws.draw("azure:m", AZURE, rng).ttft_s for _ in range(start + STRATA)]
    window = ttfts[start:]
    assert sorted(tenth(AZURE, t) for t in window) == list(range(STRATA))


@given(seed=st.integers(0, 10_000), start=st.integers(0, 40))
def test_ten_runs_give_the_published_p50_within_ten_percent(seed: int, start: int) -> None:
    draws = StratifiedDraws(seed)
    rng = random.Random(seed)
    for timing, key in ((AZURE, "azure:m"), (OPENAI, "openai:m")):
        ttfts = [draws.draw(key, timing, rng).ttft_s for _ in range(start + 10)]
        expected = timing.ttft_p50_s + GATEWAY_OVERHEAD_S
        assert p50(ttfts[start:]) == pytest.approx(expected, rel=0.10)


def test_independent_draws_would_not_and_that_is_why_the_gateway_stratifies() -> None:
    """The reason for the strata: with σ ≈ 0.5, ten independent draws miss the P50 by more
    than 10 % in a good share of series."""
    misses = 0
    for seed in range(200):
        rng = random.Random(seed)
        ttfts = [draw(AZURE, rng).ttft_s for _ in range(10)]
        if abs(p50(ttfts) / (AZURE.ttft_p50_s + GATEWAY_OVERHEAD_S) - 1) > 0.10:
            misses += 1
    assert misses > 50


def test_the_distribution_over_many_draws_is_unchanged() -> None:
    draws = StratifiedDraws(5)
    rng = random.Random(5)
    ttfts = sorted(
        draws.draw("openai:m", OPENAI, rng).ttft_s - GATEWAY_OVERHEAD_S for _ in range(4000)
    )
    assert percentile(ttfts, 50) == pytest.approx(0.6, rel=0.03)
    assert percentile(ttfts, 95) == pytest.approx(1.35, rel=0.05)
    assert max(ttfts) <= 4 * 1.35
    rates = [draws.draw("openai:m", OPENAI, rng).tokens_per_s for _ in range(2000)]
    assert percentile(sorted(rates), 50) == pytest.approx(92, rel=0.01)


def test_endpoints_keep_their_own_strata_when_requests_interleave() -> None:
    """A B A B …: each endpoint's ten requests still cover its ten slices."""
    cache = PromptCache()
    draws = StratifiedDraws(0)
    seen: dict[str, list[float]] = {"azure": [], "openai": []}
    for index in range(20):
        provider = "azure" if index % 2 == 0 else "openai"
        body = parse_chat_body(
            {
                "model": "openai/gpt-4.1-mini",
                "messages": [{"role": "user", "content": "Hi"}],
                "providerOptions": {"gateway": {"only": [provider]}},
            }
        )
        plan = plan_chat(
            body,
            catalog=CATALOG,
            cache=cache,
            fault=OK,
            seed=0,
            index=index,
            user_text="Hi",
            draws=draws,
        )
        assert plan.route.provider == provider
        seen[provider].append(plan.draw.ttft_s)
    assert sorted(tenth(AZURE, t) for t in seen["azure"]) == list(range(STRATA))
    assert sorted(tenth(OPENAI, t) for t in seen["openai"]) == list(range(STRATA))


def test_the_same_seed_and_sequence_give_the_same_timings() -> None:
    def series(seed: int) -> list[float]:
        draws = StratifiedDraws(seed)
        rng = random.Random(1)
        return [draws.draw("azure:m", AZURE, rng).ttft_s for _ in range(12)]

    assert series(3) == series(3)
    assert series(3) != series(4)
