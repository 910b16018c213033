"""Running one request: the event stream folded into a `Run`, with stop and crash safety.

`LiveRun` is what a screen's worker or the CLI drives. It consumes the gateway's stream,
feeds a `RunBuilder`, hands every event to the caller (to paint) and to the recovery journal
(so a crash loses nothing), and always ends with a `Run`: finished, failed, or stopped when
the task was cancelled (Esc).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Protocol

from playground.core.errors import GatewayError
from playground.core.events import StreamEvent
from playground.core.request import ChatRequest
from playground.core.run import Run, RunBuilder
from playground.core.sanitize import safe_line

EventCallback = Callable[[StreamEvent], None]


class StreamSource(Protocol):
    """Anything that turns a request into a stream of events (the gateway client)."""

    def stream(self, request: ChatRequest) -> AsyncIterator[StreamEvent]: ...


class RunObserver(Protocol):
    """Told about a run as it goes (the recovery journal implements this)."""

    def run_started(self, live: LiveRun) -> None: ...

    def run_progressed(self, live: LiveRun) -> None: ...

    def run_ended(self, run: Run) -> None: ...


def new_run_id() -> str:
    """A short unique id, sortable by creation time."""
    return f"run_{time.time_ns() // 1_000_000:x}{uuid.uuid4().hex[:8]}"


class LiveRun:
    """One request on its way: its builder, and the coroutine that drives it.

    Args:
        source: The gateway client.
        builder: Collects the events (make it with the run's prices, lane and group).
        clock: `perf_counter_ns`, injectable for tests.
        observer: Journal or other watcher; told about progress at most every
            `progress_interval_s`.
    """

    def __init__(
        self,
        source: StreamSource,
        builder: RunBuilder,
        *,
        clock: Callable[[], int] = time.perf_counter_ns,
        observer: RunObserver | None = None,
        progress_interval_s: float = 1.0,
    ) -> None:
        self.source = source
        self.builder = builder
        self._clock = clock
        self._observer = observer
        self._progress_ns = int(progress_interval_s * 1e9)
        self._result: Run | None = None

    @property
    def request(self) -> ChatRequest:
        return self.builder.request

    @property
    def result(self) -> Run | None:
        """The run, once it has ended."""
        return self._result

    async def execute(self, on_event: EventCallback | None = None) -> Run:
        """Stream the request to its end and return the run.

        If the task is cancelled (the user pressed Esc, or the screen went away), the run is
        marked ``stopped`` with what had arrived, the HTTP stream is closed by the client's
        own cleanup, and `CancelledError` propagates as it must.
        """
        builder = self.builder
        observer = self._observer
        if observer is not None:
            observer.run_started(self)
        next_progress = self._clock() + self._progress_ns
        stream = self.source.stream(builder.request)
        try:
            async for event in stream:
                builder.observe(event)
                if on_event is not None:
                    on_event(event)
                if observer is not None and event.t_ns >= next_progress:
                    next_progress = event.t_ns + self._progress_ns
                    observer.run_progressed(self)
        except asyncio.CancelledError:
            builder.stop(self._clock())
            self._finish()
            raise
        except GatewayError as exc:  # the client reports failures as events; belt and braces
            builder.fail(exc, self._clock())
        except Exception as exc:  # a bug must not lose the partial answer
            builder.fail(
                GatewayError(f"Unexpected error: {safe_line(repr(exc), 200)}"), self._clock()
            )
        finally:
            await _aclose(stream)
        if not builder.done:
            builder.stop(self._clock())
        return self._finish()

    def stop(self) -> Run:
        """Mark the run stopped now (when its task is being cancelled) and return it."""
        if self._result is not None:
            return self._result
        self.builder.stop(self._clock())
        return self._finish()

    def _finish(self) -> Run:
        if self._result is None:
            self._result = self.builder.build()
            if self._observer is not None:
                self._observer.run_ended(self._result)
        return self._result


async def _aclose(stream: AsyncIterator[StreamEvent]) -> None:
    aclose = getattr(stream, "aclose", None)
    if aclose is not None:
        with contextlib.suppress(RuntimeError, GatewayError):
            await aclose()
