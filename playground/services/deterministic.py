"""Deterministic runs, for snapshot tests and ``playground screenshots``: the real simulated
gateway, read one event at a time, with timestamps that are the same in every run.

The simulated gateway (fixed seed) makes the content deterministic; what is not is how many
bytes each socket read returns, and when. `RechunkingTransport` forwards every request over
loopback HTTP to the simulated gateway, then hands an event stream back one SSE event per
chunk, so the client reads the same chunks every time. The timestamps come from one of two
clocks:

- `PlannedClock`: the transport asks the gateway for its plan (``x-sim-virtual-time: 1``:
  the answer at once, each event with the time it would have left, see `sim.stream`) and
  sets the clock to those times as it hands the events over. The figures on screen are the
  ones a user would see against the simulated gateway (TTFT near the provider's published
  P50, its decode rate), the same in every run, and no test waits for them.
- `StepClock`: every reading is a fixed step after the previous one (every run looks alike;
  for tests that count readings).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextvars import ContextVar

import httpx

PLANNED_PREFIX = b": planned-us="
"""The gateway's comment line with an event's planned time (`sim.stream.PLANNED_PREFIX`)."""
PLANNED_HEADERS = "x-sim-planned-headers-us"
VIRTUAL_TIME_HEADER = "x-sim-virtual-time"


class StepClock:
    """``perf_counter_ns`` stand-in: each call is `step_ms` later than the previous one."""

    def __init__(self, *, start_ns: int = 1_000_000_000_000, step_ms: float = 11.0) -> None:
        self._now = start_ns
        self._step = int(step_ms * 1_000_000)

    def __call__(self) -> int:
        self._now += self._step
        return self._now


class PlannedClock:
    """``perf_counter_ns`` stand-in that `RechunkingTransport` moves to the gateway's planned
    times.

    Each asyncio task keeps its own time (a context variable), so two lanes streaming at once
    each see their own request's timeline; a task's first reading starts from the latest
    time any task has reached. Every reading is `step_us` after the previous one in its task,
    so time never stands still.
    """

    def __init__(self, *, start_ns: int = 1_000_000_000_000, step_us: int = 40) -> None:
        self._latest = start_ns
        self._step = step_us * 1000
        self._now: ContextVar[list[int]] = ContextVar(f"planned-clock-{id(self)}")

    def _cell(self) -> list[int]:
        cell = self._now.get(None)
        if cell is None:
            cell = [self._latest]
            self._now.set(cell)
        return cell

    def __call__(self) -> int:
        cell = self._cell()
        cell[0] += self._step
        self._latest = max(self._latest, cell[0])
        return cell[0]

    def peek(self) -> int:
        """The current task's time, without advancing it."""
        return self._cell()[0]

    def advance_to(self, t_ns: int) -> None:
        """Move the current task's time forward to `t_ns` (never back)."""
        cell = self._cell()
        cell[0] = max(cell[0], t_ns)
        self._latest = max(self._latest, cell[0])


class RechunkingTransport(httpx.AsyncBaseTransport):
    """Forwards to the real server, then replays event streams one event per chunk; with a
    `PlannedClock`, at the gateway's planned times."""

    def __init__(self, clock: PlannedClock | None = None) -> None:
        self._upstream = httpx.AsyncHTTPTransport()
        self._clock = clock

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        clock = self._clock
        t0 = 0
        if clock is not None:
            request.headers[VIRTUAL_TIME_HEADER] = "1"
            t0 = clock.peek()
        response = await self._upstream.handle_async_request(request)
        body = await response.aread()
        await response.aclose()
        headers = [
            (k, v)
            for k, v in response.headers.items()
            if k.lower() not in ("transfer-encoding", PLANNED_HEADERS)
        ]
        planned = response.headers.get(PLANNED_HEADERS)
        if clock is not None and planned is not None:
            clock.advance_to(t0 + int(planned) * 1000)
        if not response.headers.get("content-type", "").startswith("text/event-stream"):
            return httpx.Response(response.status_code, headers=headers, content=body)

        async def events() -> AsyncIterator[bytes]:
            for part in body.split(b"\n\n"):
                if not part.strip():
                    continue
                if part.startswith(PLANNED_PREFIX):
                    stamp, _, part = part.partition(b"\n")
                    if clock is not None:
                        clock.advance_to(t0 + int(stamp[len(PLANNED_PREFIX) :]) * 1000)
                yield part + b"\n\n"

        return httpx.Response(response.status_code, headers=headers, content=events())

    async def aclose(self) -> None:
        await self._upstream.aclose()
