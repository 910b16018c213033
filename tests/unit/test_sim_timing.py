"""Provider timing: seeded draws around the published figures, and the absolute schedule."""

from __future__ import annotations

import math
import random
import statistics

import pytest

from playground.core.stats import percentile
from playground.sim.caching import PromptCache
from playground.sim.catalog import Catalog
from playground.sim.chat import Plan, plan_chat
from playground.sim.faults import OK, parse_step
from playground.sim.parse import parse_chat_body
from playground.sim.providers import GATEWAY_OVERHEAD_S, RATE_SIGMA, Timing, draw
from playground.sim.stream import schedule_for

CATALOG = Catalog.default()


def _plan(
    index: int, *, seed: int = 3, fault_spec: str | None = None, model: str = "openai/gpt-4.1-mini"
) -> Plan:
    body = parse_chat_body(
        {"model": model, "messages": [{"role": "user", "content": "Why is the sky blue?"}]}
    )
    fault = parse_step(fault_spec) if fault_spec else OK
    return plan_chat(
        body,
        catalog=CATALOG,
        cache=PromptCache(),
        fault=fault,
        seed=seed,
        index=index,
        user_text="Why is the sky blue?",
    )


def test_ttft_draws_have_the_published_median_and_p95() -> None:
    timing = Timing(0.6, 1.35, 92)
    rng = random.Random(42)
    draws = sorted(draw(timing, rng).ttft_s - GATEWAY_OVERHEAD_S for _ in range(4000))
    assert percentile(draws, 50) == pytest.approx(0.6, rel=0.05)
    assert percentile(draws, 95) == pytest.approx(1.35, rel=0.08)
    assert min(draws) > 0


def test_decode_rate_jitters_a_few_percent_around_the_median() -> None:
    timing = Timing(0.6, 1.35, 92)
    rng = random.Random(7)
    rates = [draw(timing, rng).tokens_per_s for _ in range(4000)]
    assert statistics.median(rates) == pytest.approx(92, rel=0.01)
    spread = statistics.pstdev(math.log(r) for r in rates)
    assert spread == pytest.approx(RATE_SIGMA, rel=0.1)


def test_the_tail_is_clipped_so_a_draw_never_looks_like_a_stall() -> None:
    timing = Timing(0.5, 1.0, 50)
    rng = random.Random(1)
    assert max(draw(timing, rng).ttft_s for _ in range(20000)) <= 4 * 1.0 + GATEWAY_OVERHEAD_S


def test_same_seed_and_request_index_give_the_same_timing() -> None:
    first = [_plan(i).draw for i in range(5)]
    again = [_plan(i).draw for i in range(5)]
    other = [_plan(i, seed=4).draw for i in range(5)]
    assert first == again
    assert first != other
    assert len({d.ttft_s for d in first}) == 5  # each request draws its own


def test_pacing_options_replace_the_draw_exactly() -> None:
    plan = _plan(0, fault_spec="ok ttft=0.25 rate=40")
    assert plan.draw.ttft_s == 0.25
    assert plan.draw.tokens_per_s == 40
    assert plan.ttft_s == 0.25


def test_the_schedule_is_absolute_and_scaled() -> None:
    plan = _plan(0, fault_spec="ok ttft=0.5 rate=100")
    schedule = schedule_for(plan, t0_ns=1_000_000_000, scale=0.1)
    assert schedule.first_token_ns == 1_000_000_000 + 50_000_000
    assert schedule.token_ns(0) == schedule.first_token_ns
    assert schedule.token_ns(10) - schedule.token_ns(0) == 10_000_000  # 10 tokens at 1,000/s
    assert schedule.token_ns(1000) - schedule.token_ns(0) == 1_000_000_000  # no drift
    assert schedule.first_token_ns > schedule.headers_ns > 1_000_000_000


def test_time_scale_zero_sends_everything_at_once() -> None:
    plan = _plan(0)
    schedule = schedule_for(plan, t0_ns=5, scale=0.0)
    assert schedule.headers_ns == schedule.first_token_ns == schedule.token_ns(500) == 5


def test_a_failed_provider_attempt_adds_to_the_ttft() -> None:
    plain = _plan(0)
    failed = _plan(0, fault_spec="outage")
    assert failed.route.provider == "azure"
    assert failed.ttft_s > failed.draw.ttft_s
    assert failed.route.failed_s > 0
    assert plain.route.failed_s == 0


def test_hidden_reasoning_is_thinking_time_before_the_first_token() -> None:
    body = parse_chat_body(
        {
            "model": "openai/gpt-5",
            "messages": [{"role": "user", "content": "Why do cats purr?"}],
            "reasoning": {"effort": "high", "exclude": True},
        }
    )
    plan = plan_chat(
        body,
        catalog=CATALOG,
        cache=PromptCache(),
        fault=OK,
        seed=0,
        index=0,
        user_text="Why do cats purr?",
    )
    assert plan.reasoning == ""  # not streamed...
    assert plan.reasoning_tokens > 100  # ...but generated and billed
    thinking = plan.reasoning_tokens / plan.draw.tokens_per_s
    assert plan.ttft_s == pytest.approx(plan.draw.ttft_s + thinking)


def test_the_fitted_rate_shrugs_off_one_late_token() -> None:
    from playground.sim.records import RequestRecord

    record = RequestRecord(0, "POST", "/v1/chat/completions", 0, authorization=False)
    interval = 2_500_000  # 400 tok/s
    record.token_times_ns = [k * interval for k in range(300)]
    record.token_times_ns[0] += 20_000_000  # the first wake-up was 20 ms late
    assert record.measured_tokens_per_s == pytest.approx(400 * 1.027, rel=0.005)
    assert record.fitted_tokens_per_s == pytest.approx(400, rel=0.002)
