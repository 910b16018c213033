"""Recovery journal benchmark: what journaling a streaming run costs the event loop.

One command: ``/work/venv/bin/python bench/journal_stream.py`` (``--help`` for the knobs).

A `LiveRun` consumes a scripted stream of ``--deltas`` text deltas (default 20,000 of 4
characters, 100 per second of stream time, so the journal writes the partial text every
100 deltas, as it would once a second) with an ``asyncio.sleep(0)`` between deltas so the
loop turns as it does in the app. Three ways, ``--repeat`` rounds each (median reported):

- ``none``: no observer (the baseline);
- ``thread``: `SessionJournal` writing on its thread, as the app does;
- ``inline``: the same journal writing on the loop (append + fsync of each line).

For each: the wall time of the run, the time the loop spent inside the observer's callbacks
(total and the longest single call), and the longest loop stall seen by a ticker task that
wakes every millisecond while the stream runs. The thread's writes are flushed before the
clock stops, so the ``thread`` wall time includes finishing the journal.

Not a timed test: the machine is shared and noisy, so it reports; it does not assert.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from playground.core.events import Finished, Started, StreamEvent, TextDelta
from playground.core.request import ChatRequest, Message
from playground.core.run import Run, RunBuilder
from playground.core.session import SessionProfile, new_session
from playground.services.journal import SessionJournal
from playground.services.runs import LiveRun
from playground.store.paths import Paths

MS = 1_000_000


class Script:
    def __init__(self, deltas: int, per_second: int) -> None:
        self.deltas = deltas
        self.step_ns = 1_000_000_000 // per_second

    async def stream(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        t = 0
        yield Started(t)
        for index in range(self.deltas):
            t += self.step_ns
            yield TextDelta(t, f"w{index % 10}. ")
            await asyncio.sleep(0)
        yield Finished(t + MS, "stop", True)


class Timed:
    """Wraps an observer and measures each callback."""

    def __init__(self, inner: SessionJournal) -> None:
        self.inner = inner
        self.total = 0.0
        self.longest = 0.0
        self.calls = 0

    def _time(self, start: float) -> None:
        spent = time.perf_counter() - start
        self.total += spent
        self.longest = max(self.longest, spent)
        self.calls += 1

    def run_started(self, live: LiveRun) -> None:
        start = time.perf_counter()
        self.inner.run_started(live)
        self._time(start)

    def run_progressed(self, live: LiveRun) -> None:
        start = time.perf_counter()
        self.inner.run_progressed(live)
        self._time(start)

    def run_ended(self, run: Run) -> None:
        start = time.perf_counter()
        self.inner.run_ended(run)
        self._time(start)


@dataclass
class Round:
    wall_s: float
    observer_ms: float
    longest_call_ms: float
    longest_stall_ms: float
    calls: int


async def one_round(mode: str, deltas: int, per_second: int, folder: Path) -> Round:
    session = new_session(SessionProfile("vercel", "https://ai-gateway.vercel.sh/v1", "vercel"))
    observer: Timed | None = None
    journal: SessionJournal | None = None
    if mode != "none":
        journal = SessionJournal(Paths.under(folder), lambda: session, threaded=mode == "thread")
        journal.begin(session)
        observer = Timed(journal)
    request = ChatRequest("openai/gpt-4.1-mini", (Message("user", "Write a long essay."),))
    builder = RunBuilder(request, run_id=f"run_{mode}_{time.time_ns()}", started_at=time.time())
    live = LiveRun(Script(deltas, per_second), builder, clock=lambda: 0, observer=observer)

    stall = 0.0
    running = True

    async def ticker() -> None:
        nonlocal stall
        last = time.perf_counter()
        while running:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            stall = max(stall, now - last - 0.001)
            last = now

    tick = asyncio.create_task(ticker())
    start = time.perf_counter()
    await live.execute()
    running = False
    await tick
    if journal is not None:  # waiting for the writer blocks the loop: not part of the stall
        journal.flush(60)
    wall = time.perf_counter() - start
    if journal is not None:
        journal.discard()
        journal.close()
    return Round(
        wall,
        (observer.total if observer else 0.0) * 1000,
        (observer.longest if observer else 0.0) * 1000,
        stall * 1000,
        observer.calls if observer else 0,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deltas", type=int, default=20_000)
    parser.add_argument("--per-second", type=int, default=100, help="deltas per stream second")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rows: dict[str, list[Round]] = {"none": [], "thread": [], "inline": []}
    with tempfile.TemporaryDirectory() as tmp:
        for index in range(args.repeat):
            for mode in rows:  # interleaved, so drift on a shared machine hits all three
                folder = Path(tmp) / f"{mode}{index}"
                rows[mode].append(
                    asyncio.run(one_round(mode, args.deltas, args.per_second, folder))
                )
    print(
        f"{args.deltas:,} deltas, progress every {args.per_second} deltas, "
        f"median of {args.repeat} rounds"
    )
    print(
        f"{'mode':8} {'wall s':>8} {'in observer ms':>15} {'longest call ms':>16} "
        f"{'longest stall ms':>17} {'calls':>6}"
    )
    for mode, rounds in rows.items():

        def med(attr: str, rounds: list[Round] = rounds) -> float:
            return float(statistics.median(float(getattr(r, attr)) for r in rounds))

        print(
            f"{mode:8} {med('wall_s'):8.3f} {med('observer_ms'):15.2f} "
            f"{med('longest_call_ms'):16.3f} {med('longest_stall_ms'):17.2f} "
            f"{int(med('calls')):6d}"
        )


if __name__ == "__main__":
    main()
