"""Compare mode's engine: lanes that stream side by side, and repeat series, for the UI and
the CLI alike.

A `CompareRunner` runs one request per lane. `send` starts every lane at once and waits for
all of them; each lane streams in its own task, and whatever happens to one (an error, a
stop, a bug in the code that paints it) never reaches the other. `repeat` runs a series:
N runs per lane, interleaved A B A B … (`core.compare.repeat_plan`), one at a time so that
the lanes never compete for the client, with an optional warm-up round, a progress callback,
and a way to stop it.

Every run that ends, however it ends, is handed to `on_run` (the session records it) before
anything else happens, also when the task driving it is cancelled.

How a run is shown is the caller's business: the runner creates the `LiveRun` (with its
lane, group and repeat index) and hands it to an executor, which by default just executes
it; the UI's executor streams it into a lane's answer view.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from playground.core.compare import LaneStats, RunSlot, repeat_plan, repeat_stats
from playground.core.errors import GatewayError
from playground.core.events import StreamEvent
from playground.core.request import ChatRequest
from playground.core.run import Run
from playground.core.sanitize import safe_line
from playground.services.runs import LiveRun


class RunFactory(Protocol):
    """What makes runs (`Services`)."""

    def new_run(
        self,
        request: ChatRequest,
        *,
        lane: str = "",
        group: str = "",
        repeat_index: int | None = None,
        warmup: bool = False,
    ) -> LiveRun: ...


LaneExecutor = Callable[[LiveRun, RunSlot], Awaitable[Run]]
"""Drives one run to its end (and shows it, in the UI). Must return the run, or raise
`CancelledError` when cancelled."""

LaneEventCallback = Callable[[str, StreamEvent], None]
"""Told every event of every lane (the default executor's hook), with the lane's name."""


def new_group_id() -> str:
    """A short unique id for runs made together."""
    return f"grp_{time.time_ns() // 1_000_000:x}{uuid.uuid4().hex[:6]}"


@dataclass(frozen=True, slots=True)
class RepeatProgress:
    """Where a repeat series is."""

    done: int
    """Runs finished so far (warm-ups included)."""
    total: int
    """Runs planned (warm-ups included)."""
    slot: RunSlot | None
    """The run starting now; None once the series is over."""
    last: Run | None
    """The run that just ended, if any."""


@dataclass(frozen=True, slots=True)
class RepeatResult:
    """A finished (or stopped) repeat series."""

    group: str
    runs: tuple[Run, ...]
    """Every run of the series, warm-ups included, in the order they ran."""
    planned: int
    cancelled: bool
    """The series was stopped before its last run ended."""

    @property
    def stats(self) -> tuple[LaneStats, ...]:
        """Statistics per lane, computed from the runs (as a saved session computes them)."""
        return repeat_stats(self.runs)

    @property
    def all_ok(self) -> bool:
        return bool(self.runs) and all(run.status == "ok" for run in self.runs)


class CompareRunner:
    """Runs lanes side by side and repeat series through `factory` (the services).

    Args:
        factory: Makes each run (`Services.new_run`).
        execute: Drives a run (default: `LiveRun.execute`, events to `on_event`).
        on_run: Told every run that ended, whatever the ending.
        on_event: Every event of every lane, for the default executor.
    """

    def __init__(
        self,
        factory: RunFactory,
        *,
        execute: LaneExecutor | None = None,
        on_run: Callable[[Run], None] | None = None,
        on_event: LaneEventCallback | None = None,
    ) -> None:
        self._factory = factory
        self._execute = execute or self._default_execute
        self._on_run = on_run
        self._on_event = on_event
        self._current: dict[str, asyncio.Task[Run]] = {}
        self._repeating = False
        self._repeat_stop = False

    # -- state ---------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """Something streams, or a repeat series is under way."""
        return bool(self._current) or self._repeating

    @property
    def repeating(self) -> bool:
        return self._repeating

    def streaming(self, lane: str) -> bool:
        return lane in self._current

    # -- running -------------------------------------------------------------------------------

    async def run_one(self, slot: RunSlot, request: ChatRequest) -> Run:
        """Run `request` in `slot.lane` to its end and return the run. A run already going
        in that lane is stopped first (a lane shows one run at a time).

        `stop(lane)` ends the run early: it returns stopped, with what had arrived. If the
        calling task itself is cancelled, the run is recorded stopped and `CancelledError`
        propagates.
        """
        self.stop(slot.lane)
        live = self._factory.new_run(
            request,
            lane=slot.lane,
            group=slot.group,
            repeat_index=slot.repeat_index,
            warmup=slot.warmup,
        )
        # The run streams in a task of its own so that `stop(lane)` can cancel just it.
        inner = asyncio.ensure_future(self._execute(live, slot))
        self._current[slot.lane] = inner
        try:
            run = await inner
        except asyncio.CancelledError:
            run = live.result or live.stop()
            outer = asyncio.current_task()
            if outer is not None and outer.cancelling():
                self._ended(run)
                raise  # our caller was cancelled, not just this lane
        except Exception as exc:  # a bug in the executor must not take the other lane down
            run = live.result or _failed(live, exc)
        finally:
            if self._current.get(slot.lane) is inner:
                del self._current[slot.lane]
        self._ended(run)
        return run

    async def send(
        self, requests: Mapping[str, ChatRequest], *, group: str | None = None
    ) -> dict[str, Run]:
        """Run one request per lane, all at once, and return each lane's run.

        The lanes share a new group id (or `group`).
        """
        group = group or new_group_id()
        lanes = list(requests)
        runs = await asyncio.gather(
            *(self.run_one(RunSlot(lane, group), requests[lane]) for lane in lanes)
        )
        return dict(zip(lanes, runs, strict=True))

    async def repeat(
        self,
        requests: Mapping[str, ChatRequest],
        n: int,
        *,
        warmup: bool = False,
        on_progress: Callable[[RepeatProgress], None] | None = None,
        group: str | None = None,
    ) -> RepeatResult:
        """Run each lane's request `n` times, interleaved, one run at a time.

        `stop()` ends the series: the run under way returns stopped and no other starts.

        Raises:
            ValueError: `n` is out of range (`core.compare.MAX_REPEAT`).
        """
        group = group or new_group_id()
        plan = repeat_plan(list(requests), n, warmup=warmup, group=group)
        runs: list[Run] = []
        last: Run | None = None
        self._repeating, self._repeat_stop = True, False
        try:
            for slot in plan:
                if self._repeat_stop:
                    break
                if on_progress is not None:
                    on_progress(RepeatProgress(len(runs), len(plan), slot, last))
                last = await self.run_one(slot, requests[slot.lane])
                runs.append(last)
        finally:
            self._repeating = False
        if on_progress is not None:
            on_progress(RepeatProgress(len(runs), len(plan), None, last))
        cancelled = self._repeat_stop or len(runs) < len(plan)
        return RepeatResult(group, tuple(runs), len(plan), cancelled)

    def stop(self, lane: str | None = None) -> None:
        """Stop `lane`'s run (each stopped run is kept); with no lane, stop every lane and
        the repeat series."""
        if lane is None:
            if self._repeating:
                self._repeat_stop = True
            tasks = list(self._current.values())
        else:
            task = self._current.get(lane)
            tasks = [task] if task is not None else []
        for task in tasks:
            task.cancel()

    # -- inside ----------------------------------------------------------------------------------

    async def _default_execute(self, live: LiveRun, slot: RunSlot) -> Run:
        on_event = self._on_event
        if on_event is None:
            return await live.execute()
        lane = slot.lane
        return await live.execute(lambda event: on_event(lane, event))

    def _ended(self, run: Run) -> None:
        if self._on_run is not None:
            self._on_run(run)


def _failed(live: LiveRun, exc: Exception) -> Run:
    """End `live` as failed by an error of our own (never lose what had arrived)."""
    live.builder.fail(
        GatewayError(f"Unexpected error: {safe_line(repr(exc), 200)}"), time.perf_counter_ns()
    )
    return live.stop()


__all__ = [
    "CompareRunner",
    "LaneEventCallback",
    "LaneExecutor",
    "RepeatProgress",
    "RepeatResult",
    "RunFactory",
    "new_group_id",
]
