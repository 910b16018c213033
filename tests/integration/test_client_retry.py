"""Retries over loopback: how many, how long (Retry-After honoured through an injected sleep),
none above the cap, and none once a token was shown (RELIABILITY.md §2.3, N4, N5, S9)."""

from __future__ import annotations

import email.utils
import re
from typing import Any

import pytest

from playground.core.errors import RateLimited, ServerError, StreamError
from playground.core.events import Failed, Finished, Retrying, Started, StreamEvent
from playground.gateway.client import RetryPolicy, Timeouts

from support.clienttools import Sleeps, client_for, collect, figures_of, last, names, text_of
from support.rawserver import ROLE, RawServer, Script, chunk, response, sse_script

OK = sse_script([ROLE, chunk("fine", finish="stop")])
RATE_LIMITED = {"error": {"message": "Too many requests", "type": "rate_limit_exceeded"}}


async def run(
    *scripts: Script, sleeps: Sleeps | None = None, **kwargs: Any
) -> tuple[list[StreamEvent], RawServer]:
    async with RawServer() as server:
        server.add(*scripts)
        async with client_for(server.profile(), sleeps=sleeps, **kwargs) as client:
            events = await collect(client)
    return events, server


@pytest.mark.parametrize(
    ("headers", "wait"),
    [({"Retry-After": "2"}, 2.0), ({"Retry-After": "0.5"}, 0.5), ({"retry-after-ms": "1500"}, 1.5)],
)
async def test_n4_retry_after_is_honoured(headers: dict[str, str], wait: float) -> None:
    sleeps = Sleeps()
    events, server = await run(response(429, RATE_LIMITED, headers=headers), OK, sleeps=sleeps)
    assert sleeps.calls == [wait]
    assert len(server.requests) == 2
    retrying = [e for e in events if isinstance(e, Retrying)]
    assert len(retrying) == 1
    assert (retrying[0].attempt, retrying[0].delay_s) == (1, wait)
    assert isinstance(retrying[0].error, RateLimited)
    assert names(events) == [
        "Started",
        "Connected",
        "ResponseStarted",
        "Retrying",
        "Started",
        "Connected",
        "ResponseStarted",
        "TextDelta",
        "Finished",
    ]
    figures = figures_of(events)
    assert (figures.status, figures.retries) == ("ok", 1)
    assert text_of(events) == "fine"


async def test_n4_retry_after_as_an_http_date() -> None:
    now = 1_790_000_000.0
    sleeps = Sleeps()
    date = email.utils.formatdate(now + 30, usegmt=True)
    await run(
        response(503, b"", headers={"Retry-After": date}), OK, sleeps=sleeps, wall_clock=lambda: now
    )
    assert sleeps.calls == [30.0]


async def test_n5_retry_after_above_the_cap_is_not_retried_and_says_when() -> None:
    sleeps = Sleeps()
    events, server = await run(
        response(429, RATE_LIMITED, headers={"Retry-After": "3600"}), sleeps=sleeps
    )
    failed = last(events)
    assert isinstance(failed, Failed) and isinstance(failed.error, RateLimited)
    assert re.fullmatch(
        r"Rate limited \(429\); retry after \d\d:\d\d: Too many requests", failed.error.message
    )
    assert failed.error.retry_after_s == 3600
    assert len(server.requests) == 1 and sleeps.calls == []


async def test_the_cap_is_configurable() -> None:
    sleeps = Sleeps()
    policy = RetryPolicy(max_retry_after_s=5)
    events, _ = await run(
        response(429, RATE_LIMITED, headers={"Retry-After": "6"}), sleeps=sleeps, retry=policy
    )
    assert isinstance(last(events), Failed) and sleeps.calls == []


async def test_5xx_backoff_and_at_most_two_retries() -> None:
    sleeps = Sleeps()
    failing = response(500, {"error": {"message": "boom"}})
    events, server = await run(failing, failing, failing, OK, sleeps=sleeps)
    failed = last(events)
    assert isinstance(failed, Failed) and isinstance(failed.error, ServerError)
    assert len(server.requests) == 3
    assert sleeps.calls == [0.5, 1.0]  # min(0.5 * 2**n, 8) with no jitter (random() = 0)
    assert [e.attempt for e in events if isinstance(e, Started)] == [0, 1, 2]
    assert figures_of(events).status == "error"


async def test_retries_are_configurable() -> None:
    failing = response(503, b"")
    events, server = await run(failing, OK, retry=RetryPolicy(max_retries=0))
    assert isinstance(last(events), Failed) and len(server.requests) == 1


async def test_s9_error_object_before_any_token_is_retried_silently() -> None:
    in_band = {
        "error": {"message": "Stream error occurred", "value": {"error_message": "upstream 503"}}
    }
    sleeps = Sleeps()
    events, server = await run(sse_script([ROLE, in_band], done=False), OK, sleeps=sleeps)
    assert len(server.requests) == 2
    retrying = next(e for e in events if isinstance(e, Retrying))
    assert isinstance(retrying.error, StreamError)
    assert (
        retrying.error.message
        == "The gateway reported an error before the answer started: upstream 503"
    )
    assert text_of(events) == "fine"  # one answer, never two spliced together
    assert isinstance(last(events), Finished)


async def test_a_cut_before_any_token_is_retried() -> None:
    events, server = await run(sse_script([ROLE], done=False, end=False), OK)
    assert len(server.requests) == 2
    assert text_of(events) == "fine"


async def test_nothing_is_retried_after_a_token() -> None:
    sleeps = Sleeps()
    events, server = await run(
        sse_script([chunk("one token"), {"error": {"message": "overloaded"}}], done=False),
        OK,
        sleeps=sleeps,
    )
    assert len(server.requests) == 1 and sleeps.calls == []
    failed = last(events)
    assert isinstance(failed, Failed)
    assert text_of(events) == "one token"
    events, server = await run(sse_script([chunk("cut")], done=False, end=False), OK)
    assert len(server.requests) == 1 and isinstance(last(events), Failed)


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404, 422])
async def test_never_retried_statuses(status: int) -> None:
    events, server = await run(
        response(status, {"error": {"message": "no"}}, headers={"x-should-retry": "true"}), OK
    )
    assert len(server.requests) == 1 and isinstance(last(events), Failed)


async def test_x_should_retry_false_stops_a_retry() -> None:
    events, server = await run(response(503, b"", headers={"x-should-retry": "false"}), OK)
    assert len(server.requests) == 1 and isinstance(last(events), Failed)


async def test_x_should_retry_true_retries_an_otherwise_final_status() -> None:
    events, server = await run(response(424, b"", headers={"x-should-retry": "true"}), OK)
    assert len(server.requests) == 2 and isinstance(last(events), Finished)


async def test_no_retry_that_would_outlast_the_total_limit() -> None:
    sleeps = Sleeps()
    events, server = await run(
        response(429, RATE_LIMITED, headers={"Retry-After": "30"}),
        OK,
        sleeps=sleeps,
        timeouts=Timeouts(total=5),
    )
    assert len(server.requests) == 1 and sleeps.calls == []
    assert isinstance(last(events), Failed)
