"""Run figures computed from events exactly as DESIGN.md's table defines them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from playground.core.errors import ConnectionLost, RateLimited
from playground.core.events import (
    Connected,
    Failed,
    Finished,
    KeepAlive,
    ProviderAttempt,
    ReasoningDelta,
    ResponseStarted,
    Retrying,
    Routed,
    Started,
    StreamEvent,
    TextDelta,
    ToolCallDelta,
    Usage,
)
from playground.core.pricing import Prices
from playground.core.request import ChatRequest, Message
from playground.core.run import RunBuilder, figures_of

MS = 1_000_000
REQUEST = ChatRequest("openai/gpt-4.1-mini", (Message("user", "Why is the sky blue?"),))
PRICES = Prices(
    input=Decimal("0.0000004"), output=Decimal("0.0000016"), cache_read=Decimal("0.0000001")
)


def _stream(*, tokens: int = 11, ttft_ms: int = 600, gap_ms: int = 10) -> list[StreamEvent]:
    t0 = 1_000 * MS
    events: list[StreamEvent] = [
        Started(t0),
        Connected(t0 + 20 * MS, reused=False),
        ResponseStarted(t0 + 300 * MS, 200),
    ]
    for k in range(tokens):
        events.append(TextDelta(t0 + (ttft_ms + k * gap_ms) * MS, f"tok{k} "))
    end = t0 + (ttft_ms + (tokens - 1) * gap_ms + 5) * MS
    events += [
        Routed(end, "openai", "openai", attempts=(ProviderAttempt("openai", True, 200),)),
        Usage(end, prompt_tokens=20, completion_tokens=tokens, cached_tokens=0),
        Finished(end + 1 * MS, "stop", saw_done=True, generation_id="gen_1"),
    ]
    return events


def test_figures_follow_the_definitions() -> None:
    figures = figures_of(REQUEST, _stream(), prices=PRICES)
    assert figures.status == "ok"
    assert figures.connect_s == pytest.approx(0.020)
    assert figures.ttfb_s == pytest.approx(0.300)
    assert figures.ttft_s == pytest.approx(0.600)
    # 11 tokens, first at 600 ms, last at 700 ms: (11 - 1) / 0.1 s
    assert figures.decode_rate == pytest.approx(100.0)
    assert figures.total_s == pytest.approx(0.706)
    assert figures.e2e_rate == pytest.approx(11 / 0.706)
    assert figures.tokens.output == 11 and not figures.tokens.estimated
    assert figures.served_by == "openai"
    assert figures.cost_source == "computed"
    assert figures.cost == Decimal("0.0000004") * 20 + Decimal("0.0000016") * 11


def test_reused_connection_has_zero_connect_time() -> None:
    events = _stream()
    events[1] = Connected(events[1].t_ns, reused=True)
    assert figures_of(REQUEST, events).connect_s == 0.0


def test_gateway_cost_is_preferred_and_compared_with_the_computed_one() -> None:
    events = _stream()
    usage_at = next(i for i, e in enumerate(events) if isinstance(e, Usage))
    events[usage_at] = Usage(
        events[usage_at].t_ns, prompt_tokens=20, completion_tokens=11, cost=Decimal("0.00003")
    )
    figures = figures_of(REQUEST, events, prices=PRICES)
    assert figures.cost == Decimal("0.00003") and figures.cost_source == "gateway"
    assert figures.computed_cost == Decimal("0.0000256")
    assert figures.cost_difference == Decimal("0.0000044")


def test_reasoning_and_tool_call_deltas_count_as_first_token() -> None:
    t0 = 0
    for first in (
        ReasoningDelta(t0 + 50 * MS, "We"),
        ToolCallDelta(t0 + 50 * MS, 0, "call_1", "lookup", ""),
    ):
        events: list[StreamEvent] = [Started(t0), first, Finished(t0 + 90 * MS, "stop", True)]
        assert figures_of(REQUEST, events).ttft_s == pytest.approx(0.050)


def test_without_usage_tokens_are_estimated_and_marked() -> None:
    events = [e for e in _stream() if not isinstance(e, Usage)]
    figures = figures_of(REQUEST, events)
    assert figures.tokens.estimated
    assert figures.tokens.output == sum(len(f"tok{k} ") for k in range(11)) // 4
    assert figures.cost is None


def test_status_of_each_ending() -> None:
    t0 = 0
    started: list[StreamEvent] = [Started(t0)]
    token: list[StreamEvent] = [TextDelta(t0 + MS, "Hi")]
    lost = ConnectionLost("connection lost after 1 token")

    def status(events: list[StreamEvent]) -> str:
        return figures_of(REQUEST, events).status

    assert status([*started, *token, Finished(2 * MS, None, saw_done=False)]) == "incomplete"
    assert status([*started, *token, Finished(2 * MS, None, saw_done=True)]) == "ok"
    assert status([*started, *token, Finished(2 * MS, "length", saw_done=False)]) == "ok"
    assert status([*started, *token, Failed(2 * MS, lost)]) == "interrupted"
    assert status([*started, Failed(2 * MS, lost)]) == "error"
    assert status([*started, *token]) == "running"

    builder = RunBuilder(REQUEST)
    for event in [*started, *token]:
        builder.observe(event)
    builder.stop(5 * MS)
    run = builder.build()
    assert run.status == "stopped" and run.text == "Hi"
    assert run.figures.total_s == pytest.approx(0.005)


def test_stalls_are_gaps_between_deltas_beyond_the_threshold() -> None:
    t0 = 0
    gaps_ms = [100, 2500, 50, 3100, 10]
    events: list[StreamEvent] = [Started(t0), TextDelta(t0 + 10 * MS, "a")]
    t = t0 + 10 * MS
    for gap in gaps_ms:
        t += gap * MS
        events.append(TextDelta(t, "b"))
        events.append(KeepAlive(t + MS))  # liveness does not hide a stall between deltas
    events.append(Finished(t + MS, "stop", True))
    figures = figures_of(REQUEST, events)
    assert figures.stalls.count == 2
    assert figures.stalls.longest_s == pytest.approx(3.1)


def test_figures_are_measured_from_the_last_attempt() -> None:
    error = RateLimited("Rate limited (429)", status=429)
    events: list[StreamEvent] = [
        Started(0),
        ResponseStarted(100 * MS, 429),
        Retrying(101 * MS, 1, 1.0, error),
        Started(1_101 * MS, attempt=1),
        ResponseStarted(1_201 * MS, 200),
        TextDelta(1_401 * MS, "Hello"),
        Finished(1_500 * MS, "stop", True),
    ]
    figures = figures_of(REQUEST, events)
    assert figures.retries == 1
    assert figures.waited_s == pytest.approx(1.101)
    assert figures.ttfb_s == pytest.approx(0.100)
    assert figures.ttft_s == pytest.approx(0.300)


def test_tool_calls_merge_by_index() -> None:
    builder = RunBuilder(REQUEST)
    for event in (
        Started(0),
        ToolCallDelta(1, 0, "call_a", "lookup_weather", ""),
        ToolCallDelta(2, 1, "call_b", "get_time", '{"tz":'),
        ToolCallDelta(3, 0, None, None, '{"city":'),
        ToolCallDelta(4, 0, None, None, '"Springfield"}'),
        ToolCallDelta(5, 1, None, None, '"UTC"}'),
        Finished(6, "tool_calls", True),
    ):
        builder.observe(event)
    calls = builder.build().tool_calls
    assert [(c.id, c.name, c.arguments) for c in calls] == [
        ("call_a", "lookup_weather", '{"city":"Springfield"}'),
        ("call_b", "get_time", '{"tz":"UTC"}'),
    ]


def test_fallback_attempts_are_reported() -> None:
    routed = Routed(
        0,
        "openai",
        "azure",
        attempts=(ProviderAttempt("azure", False, 503, "overloaded"), ProviderAttempt("openai")),
    )
    events: list[StreamEvent] = [Started(0), routed, Finished(1, "stop", True)]
    figures = figures_of(REQUEST, events)
    assert figures.served_by == "openai" and figures.fallbacks == ("azure",)


def test_live_snapshot_uses_now_for_elapsed() -> None:
    builder = RunBuilder(REQUEST)
    builder.observe(Started(0))
    builder.observe(TextDelta(200 * MS, "abcd"))
    live = builder.snapshot(now_ns=500 * MS)
    assert live.status == "running"
    assert live.total_s == pytest.approx(0.5)
    assert live.e2e_rate is None  # only defined once the run has ended
    assert live.tokens.output == 1 and live.tokens.estimated


def test_cost_is_estimated_while_streaming_then_computed_from_usage() -> None:
    looked_up: list[str | None] = []

    def lookup(provider: str | None) -> Prices | None:
        looked_up.append(provider)
        return PRICES if provider == "openai" else None

    builder = RunBuilder(REQUEST.pinned_to("openai"), price_lookup=lookup)
    events = _stream()
    for event in events[:5]:
        builder.observe(event)
    live = builder.snapshot(now_ns=events[4].t_ns)
    assert live.cost_source == "estimate" and live.cost is not None and live.cost > 0
    assert live.tokens.estimated and live.tokens.prompt == builder.prompt_estimate
    for event in events[5:]:
        builder.observe(event)
    final = builder.snapshot()
    assert final.cost_source == "computed"
    assert final.cost == Decimal("0.0000004") * 20 + Decimal("0.0000016") * 11
    assert looked_up[-1] == "openai"  # the provider that served it, from the routing metadata


def _paced(rate: float, seconds: float, *, start_ms: int = 500) -> RunBuilder:
    builder = RunBuilder(REQUEST)
    builder.observe(Started(0))
    n = int(rate * seconds)
    for k in range(n):
        builder.observe(TextDelta(start_ms * MS + round(k * 1e9 / rate), "x"))
    return builder


def test_the_rate_profile_is_the_streams_pace_in_200_ms_slices() -> None:
    builder = _paced(100, 2.0)
    profile = builder.rate_profile(None)
    assert 9 <= len(profile) <= 10
    assert all(r == pytest.approx(100, rel=0.06) for r in profile)
    # Two tokens per delta by the usage: the profile follows the token count.
    assert builder.rate_profile(400)[0] == pytest.approx(200, rel=0.06)


def test_a_long_stream_folds_into_at_most_the_slices_asked_for() -> None:
    profile = _paced(50, 120.0).rate_profile(None, most=60)
    assert len(profile) <= 60
    assert all(r == pytest.approx(50, rel=0.03) for r in profile)


def test_a_stall_shows_as_a_dip_and_a_lone_last_delta_as_no_spike() -> None:
    builder = RunBuilder(REQUEST)
    builder.observe(Started(0))
    times_ms = [*range(0, 1000, 10), *range(2000, 3000, 10), 3001]
    for t in times_ms:
        builder.observe(TextDelta(t * MS, "x"))
    profile = builder.rate_profile(None)
    assert min(profile) == 0.0  # the second without deltas
    assert max(profile) < 110  # 100 per second; the delta at 3,001 ms does not spike
    assert RunBuilder(REQUEST).rate_profile(None) == ()
