"""Deterministic runs, for snapshot tests and ``playground screenshots``: the real simulated
gateway, read one event at a time, timed by a clock that advances a fixed step per reading.

The simulated gateway (fixed seed) makes the content deterministic; what is not is how many
bytes each socket read returns. `RechunkingTransport` forwards every request over loopback
HTTP to the simulated gateway, then hands an event stream back one SSE event per chunk, so
the client reads the same chunks every time and `StepClock` gives every event the same
timestamp every time. The figures on screen are then the same in every run.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx


class StepClock:
    """``perf_counter_ns`` stand-in: each call is `step_ms` later than the previous one."""

    def __init__(self, *, start_ns: int = 1_000_000_000_000, step_ms: float = 11.0) -> None:
        self._now = start_ns
        self._step = int(step_ms * 1_000_000)

    def __call__(self) -> int:
        self._now += self._step
        return self._now


class RechunkingTransport(httpx.AsyncBaseTransport):
    """Forwards to the real server, then replays event streams one event per chunk."""

    def __init__(self) -> None:
        self._upstream = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._upstream.handle_async_request(request)
        body = await response.aread()
        await response.aclose()
        headers = [(k, v) for k, v in response.headers.items() if k.lower() != "transfer-encoding"]
        if not response.headers.get("content-type", "").startswith("text/event-stream"):
            return httpx.Response(response.status_code, headers=headers, content=body)

        async def events() -> AsyncIterator[bytes]:
            for part in body.split(b"\n\n"):
                if part.strip():
                    yield part + b"\n\n"

        return httpx.Response(response.status_code, headers=headers, content=events())

    async def aclose(self) -> None:
        await self._upstream.aclose()
