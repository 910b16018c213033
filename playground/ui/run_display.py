"""Paints one run while it streams: deltas into its answer view at once (the view batches its
own paints), and figures, a tokens-per-second sample and the retry countdown on a timer.

The main screen uses one `RunDisplay` per answer; compare mode uses one per lane. It is not a
widget: it ties a `LiveRun` (services) to the widgets that show it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from playground.core import format as fmt
from playground.core.events import (
    ReasoningDelta,
    Retrying,
    StreamEvent,
    TextDelta,
    ToolCallDelta,
)
from playground.core.run import NS, Figures, Run
from playground.core.sanitize import safe_line
from playground.services.runs import LiveRun
from playground.ui.widgets.answer_view import AnswerView

WAITING_NOTICE_S = 2.0
"""Say "waiting for the first token" once the wait is longer than this."""


@dataclass(frozen=True, slots=True)
class LiveFigures:
    """What a tick shows: the figures so far and the notes that go with them."""

    figures: Figures
    rate_sample: float | None
    """Tokens per second since the previous tick (None on the first tick)."""
    retry_note: str = ""
    waiting_note: str = ""


class RunDisplay:
    """Feeds one run's events to an `AnswerView`, and its figures to `on_tick`.

    Args:
        live: The run.
        view: Where its text goes.
        clock: ``perf_counter_ns`` (the same clock as the events).
    """

    def __init__(
        self,
        live: LiveRun,
        view: AnswerView,
        *,
        clock: Callable[[], int] = time.perf_counter_ns,
    ) -> None:
        self.live = live
        self.view = view
        self._clock = clock
        self._tools: dict[int, tuple[str, list[str]]] = {}
        self._last_tick_ns: int | None = None
        self._last_output = 0

    def on_event(self, event: StreamEvent) -> None:
        """The hot path: one call per event. Appends are buffered by the view."""
        if isinstance(event, TextDelta):
            self.view.append(event.text)
        elif isinstance(event, ReasoningDelta):
            self.view.append_reasoning(event.text)
        elif isinstance(event, ToolCallDelta):
            name, parts = self._tools.setdefault(event.index, (event.name or "", []))
            if event.name and not name:
                name = event.name
            parts.append(event.arguments)
            self._tools[event.index] = (name, parts)
            self.view.add_tool_call(event.index, name, "".join(parts))

    def tick(self) -> LiveFigures:
        """The figures now, with a rate sample since the last tick."""
        now = self._clock()
        builder = self.live.builder
        figures = builder.snapshot(now)
        output = figures.tokens.output or 0
        sample: float | None = None
        if self._last_tick_ns is not None and now > self._last_tick_ns:
            sample = (output - self._last_output) / ((now - self._last_tick_ns) / NS)
        self._last_tick_ns, self._last_output = now, output
        return LiveFigures(
            figures,
            sample,
            retry_note=retry_note(builder.retrying, now),
            waiting_note=waiting_note(figures, builder.has_tokens),
        )

    def final(self) -> Run:
        """The run, once it has ended (stopping it if it had not)."""
        return self.live.result or self.live.stop()


def retry_note(retrying: Retrying | None, now_ns: int) -> str:
    """``retrying in 3 s (rate limited (429))`` while a retry is pending."""
    if retrying is None:
        return ""
    left = max(0.0, retrying.delay_s - (now_ns - retrying.t_ns) / NS)
    reason = safe_line(retrying.error.message, 60)
    return f"retrying in {left:.0f} s · {reason}"


def waiting_note(figures: Figures, has_tokens: bool) -> str:
    """``waiting for the first token… 12 s`` once the wait is noticeable."""
    if has_tokens or figures.status != "running" or figures.total_s is None:
        return ""
    if figures.total_s < WAITING_NOTICE_S:
        return ""
    return f"waiting for the first token… {fmt.seconds(figures.total_s)}"
