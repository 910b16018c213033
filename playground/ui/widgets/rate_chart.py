"""`RateChart`: tokens per second as bars that stand on zero.

Textual's `Sparkline` scales from the smallest value to the largest, so a steady 76–80 tok/s
drew as a comb of full and empty columns, and the lowest sample was always blank. Here the
bars start at zero and the tallest is the fastest moment: a steady stream is a flat block, a
stall a dip, a slow start a ramp.

While a run streams, its lane pushes a sample five times a second (`push`); when it ends, the
run's own profile, measured from its deltas, replaces them (`show`). Fewer samples than
columns are stretched across the width; more are averaged into it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from typing import cast

from textual.content import Content
from textual.widget import Widget

BARS = "▁▂▃▄▅▆▇█"
"""Eighths of a cell, from one to eight."""


def chart_lines(data: Sequence[float], width: int, height: int) -> list[str]:
    """`data` as `height` lines of `width` columns, top line first."""
    if width <= 0 or height <= 0:
        return []
    if not data:
        return [" " * width] * (height - 1) + [BARS[0] * width]
    data = list(data)
    n = len(data)
    columns: list[float] = []
    for i in range(width):
        start = i * n // width
        end = max((i + 1) * n // width, start + 1)
        part = data[start:end]
        columns.append(sum(part) / len(part))
    top = max(columns)
    eighths = [round(value / top * height * 8) if top > 0 else 0 for value in columns]
    lines = []
    for row in range(height):
        floor = (height - 1 - row) * 8
        cells = []
        for level in eighths:
            if row == height - 1:
                level = max(level, 1)  # the baseline always shows
            if level <= floor:
                cells.append(" ")
            elif level >= floor + 8:
                cells.append(BARS[-1])
            else:
                cells.append(BARS[level - floor - 1])
        lines.append("".join(cells))
    return lines


class RateChart(Widget):
    """Tokens per second over a run, as bars from zero."""

    DEFAULT_CSS = """
    RateChart { height: 3; color: $accent; }
    """

    SAMPLES = 60
    """How many live samples it keeps."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._data: deque[float] = deque(maxlen=self.SAMPLES)

    @property
    def data(self) -> list[float]:
        return list(self._data)

    def reset(self) -> None:
        self._data.clear()
        self.refresh()

    def push(self, tokens_per_s: float) -> None:
        """Add one live sample."""
        self._data.append(max(0.0, tokens_per_s))
        self.refresh()

    def show(self, rates: Sequence[float]) -> None:
        """Replace the samples with `rates` (a finished run's profile)."""
        self._data = deque((max(0.0, rate) for rate in rates), maxlen=max(self.SAMPLES, len(rates)))
        self.refresh()

    def render(self) -> Content:
        return Content("\n".join(chart_lines(self._data, self.size.width, self.size.height)))


class ShowsRates:
    """For a figures pane holding one `RateChart`: the rate methods `ui.lane.FiguresPane`
    asks for (the main screen's sidebar and a compare lane's figures share them)."""

    def _rate_chart(self) -> RateChart:
        return cast(Widget, self).query_one(RateChart)

    def reset_rates(self) -> None:
        self._rate_chart().reset()

    def push_rate(self, tokens_per_s: float) -> None:
        """Add one tokens-per-second sample to the chart."""
        self._rate_chart().push(tokens_per_s)

    def show_rates(self, rates: Sequence[float]) -> None:
        """Replace the samples with `rates` (a finished run's profile)."""
        self._rate_chart().show(rates)

    @property
    def rates(self) -> list[float]:
        return self._rate_chart().data
