"""Cancellation closes the connection at once (the server sees it go), and each time limit
(connect, first token, idle gap, total) ends a run with its own `Timeout` phase."""

from __future__ import annotations

import asyncio
import time
from contextlib import aclosing, suppress

import httpx

from playground.core.errors import Timeout
from playground.core.events import Failed, KeepAlive, TextDelta
from playground.core.profile import Profile
from playground.gateway.client import GatewayClient, Timeouts

from support.clienttools import (
    REQUEST,
    Sleeps,
    client_for,
    collect,
    figures_of,
    last,
    names,
    text_of,
)
from support.rawserver import (
    ROLE,
    SSE_HEADERS,
    RawServer,
    Send,
    Sleep,
    Step,
    WaitClose,
    chunk,
    event,
    head,
    http_chunk,
)

# Generous bounds: they only have to separate "closed at once" from "never closed", on a
# loaded two-core machine.
CLOSE_WITHIN_S = 2.0


def stalled_after(*payloads: object) -> list[Step]:
    """Headers and some events, then silence until the client hangs up."""
    return [
        Send(head(200, SSE_HEADERS)),
        *(Send(http_chunk(event(p))) for p in payloads),
        WaitClose(30),
    ]


async def test_cancelling_the_consumer_task_closes_the_connection() -> None:
    got_token = asyncio.Event()
    seen: list[object] = []

    async def consume(client: GatewayClient) -> None:
        async for item in client.stream(REQUEST):
            seen.append(item)
            if isinstance(item, TextDelta):
                got_token.set()

    async with RawServer() as server:
        server.add(stalled_after(ROLE, chunk("first")))
        async with client_for(server.profile()) as client:
            task = asyncio.create_task(consume(client))
            await asyncio.wait_for(got_token.wait(), 5)
            cancelled_at = time.perf_counter_ns()
            task.cancel()
            closed_at = await server.wait_client_close(0, within=CLOSE_WITHIN_S)
            assert task.cancelled() or task.done()
    assert closed_at is not None, "the server never saw the connection close"
    assert closed_at >= cancelled_at
    assert not any(isinstance(e, Failed) for e in seen)  # a cancel is not a gateway failure


async def test_closing_the_iterator_closes_the_connection() -> None:
    async with RawServer() as server:
        server.add(stalled_after(chunk("one")))
        async with client_for(server.profile()) as client:
            async with aclosing(client.stream(REQUEST)) as stream:
                async for item in stream:
                    if isinstance(item, TextDelta):
                        break  # the user pressed Esc
            closed_at = await server.wait_client_close(0, within=CLOSE_WITHIN_S)
    assert closed_at is not None


async def test_cancelling_while_waiting_to_retry_is_instant() -> None:
    async with RawServer() as server:
        server.add(
            [
                Send(
                    b"HTTP/1.1 503 Service Unavailable\r\n"
                    b"Retry-After: 30\r\nContent-Length: 0\r\n\r\n"
                )
            ]
        )
        client = GatewayClient(server.profile(), api_key=None)  # the real asyncio.sleep
        async with client:
            task = asyncio.create_task(collect(client))
            await asyncio.sleep(0.3)
            started = time.monotonic()
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
            assert time.monotonic() - started < 1.0


async def test_idle_gap_limit_after_tokens() -> None:
    async with RawServer() as server:
        server.add(stalled_after(ROLE, chunk("slow ")))
        timeouts = Timeouts(connect=5, first_token=10, idle=0.3)
        async with client_for(server.profile(), timeouts=timeouts) as client:
            events = await collect(client)
        closed_at = await server.wait_client_close(0, within=CLOSE_WITHIN_S)
    failed = last(events)
    assert isinstance(failed, Failed) and isinstance(failed.error, Timeout)
    assert failed.error.phase == "idle"
    assert (
        failed.error.message
        == f"The stream stalled after 1 tokens: no data from 127.0.0.1:{server.port} for 0.3 s"
    )
    assert text_of(events) == "slow "
    assert figures_of(events).status == "interrupted"
    assert closed_at is not None


async def test_comment_lines_keep_the_idle_timer_alive_but_not_the_first_token_timer() -> None:
    keepalive: list[Step] = [Send(http_chunk(b": OPENROUTER PROCESSING\n\n")), Sleep(0.1)] * 20
    async with RawServer() as server:
        server.add([Send(head(200, SSE_HEADERS)), *keepalive, WaitClose(30)])
        timeouts = Timeouts(connect=5, first_token=0.8, idle=0.5)
        sleeps = Sleeps()
        async with client_for(server.profile(), timeouts=timeouts, sleeps=sleeps) as client:
            events = await collect(client)
    failed = last(events)
    assert isinstance(failed, Failed) and isinstance(failed.error, Timeout)
    assert failed.error.phase == "first_token"  # not "idle": comments arrived every 0.1 s
    assert failed.error.message == (
        f"No answer from 127.0.0.1:{server.port} within 0.8 s (the time-to-first-token limit)"
    )
    assert sum(isinstance(e, KeepAlive) for e in events) >= 3
    assert len(server.requests) == 1 and sleeps.calls == []  # the model's pace: not retried


async def test_no_response_headers_within_the_idle_limit_is_retried() -> None:
    async with RawServer() as server:
        server.add([WaitClose(30)], [WaitClose(30)], [WaitClose(30)])
        timeouts = Timeouts(connect=5, first_token=10, idle=0.2)
        async with client_for(server.profile(), timeouts=timeouts) as client:
            events = await collect(client)
    failed = last(events)
    assert isinstance(failed, Failed) and isinstance(failed.error, Timeout)
    assert failed.error.phase == "idle"
    assert (
        failed.error.message
        == f"127.0.0.1:{server.port} did not answer within 0.2 s (no response headers)"
    )
    assert names(events).count("Retrying") == 2 and len(server.requests) == 3


async def test_total_limit_interrupts_a_slow_stream() -> None:
    slow: list[Step] = [Send(head(200, SSE_HEADERS))]
    for i in range(40):
        slow += [Send(http_chunk(event(chunk(f"t{i} ")))), Sleep(0.05)]
    async with RawServer() as server:
        server.add([*slow, WaitClose(30)])
        timeouts = Timeouts(connect=5, first_token=10, idle=10, total=0.6)
        async with client_for(server.profile(), timeouts=timeouts) as client:
            started = time.monotonic()
            events = await collect(client)
            elapsed = time.monotonic() - started
    failed = last(events)
    assert isinstance(failed, Failed) and isinstance(failed.error, Timeout)
    assert failed.error.phase == "total"
    assert failed.error.message.startswith("The request reached its 0.6 s time limit after ")
    assert 0.5 < elapsed < 1.6
    assert text_of(events).startswith("t0 t1 ")
    assert figures_of(events).status == "interrupted"


async def test_connect_timeout_is_retried_and_named() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        raise httpx.ConnectTimeout("timed out", request=request)

    sleeps = Sleeps()
    profile = Profile("p", "vercel", "https://gateway.test/v1")
    async with client_for(profile, transport=httpx.MockTransport(handler), sleeps=sleeps) as client:
        events = await collect(client)
    failed = last(events)
    assert isinstance(failed, Failed) and isinstance(failed.error, Timeout)
    assert failed.error.phase == "connect"
    assert failed.error.message == "Can't reach gateway.test: no connection within 5 s"
    assert calls == 3 and len(sleeps.calls) == 2


async def test_total_limit_longer_than_the_idle_limit() -> None:
    # Reads go unguarded while more than `idle` seconds remain, then under the deadline.
    steady: list[Step] = [Send(head(200, SSE_HEADERS))]
    for i in range(60):
        steady += [Send(http_chunk(event(chunk(f"t{i} ")))), Sleep(0.05)]
    async with RawServer() as server:
        server.add([*steady, WaitClose(30)])
        timeouts = Timeouts(connect=5, first_token=10, idle=0.3, total=1.0)
        async with client_for(server.profile(), timeouts=timeouts) as client:
            started = time.monotonic()
            events = await collect(client)
            elapsed = time.monotonic() - started
    failed = last(events)
    assert isinstance(failed, Failed) and isinstance(failed.error, Timeout)
    assert failed.error.phase == "total"
    assert 0.9 < elapsed < 2.0
    assert figures_of(events).status == "interrupted"
