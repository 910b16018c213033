"""Repeat ×N in compare mode: the controls (how many runs per lane, a warm-up round, start
and stop, progress), and the results: per lane, min / P50 / P95 / max of TTFT, decode rate and
total with the published P50 beside, the error count and cost per run, and a bar plot of TTFT
per run on one scale for both lanes.

The screen runs the series and pushes statistics in (`show_stats`), computed from the runs it
recorded (`core.compare.lane_stats`), so what is shown is what a saved session gives back.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, ProgressBar, Static

from playground.core import format as fmt
from playground.core.compare import MAX_REPEAT, LaneStats
from playground.core.sanitize import safe_line
from playground.core.stats import Summary
from playground.ui.widgets.metrics_sidebar import Published

MUTED = "$text-muted"
DEFAULT_N = 5
"""Runs per lane unless the user says otherwise."""
LABEL = 7
CELL = 9
BLOCKS = " ▁▂▃▄▅▆▇█"
PLOT_ROWS = 2


def compact_seconds(value: float | None) -> str:
    """``0.712s``: seconds in as few cells as a table allows."""
    if value is None or not math.isfinite(value):
        return fmt.NONE
    return f"{value:.3f}s" if value < 10 else f"{value:.1f}s"


def compact_rate(value: float | None) -> str:
    """``78.1`` tokens per second (the row says the unit)."""
    if value is None or not math.isfinite(value):
        return fmt.NONE
    return f"{value:,.0f}" if value >= 1000 else f"{value:.1f}"


def bar_rows(values: Sequence[float | None], top: float, *, rows: int = PLOT_ROWS) -> list[str]:
    """A bar per value, `rows` lines tall, on the scale 0…`top` (shared by both lanes, so
    bars compare across lanes). A run with no value (it failed) shows ``×``."""
    lines = [[] for _ in range(rows)]  # type: list[list[str]]
    steps = rows * 8
    for value in values:
        if value is None or top <= 0:
            for index in range(rows):
                lines[index].append("×" if index == rows - 1 else " ")
            continue
        level = max(1, min(steps, round(value / top * steps)))
        for index in range(rows):
            floor = (rows - 1 - index) * 8  # the eighths below this line
            lines[index].append(BLOCKS[max(0, min(8, level - floor))])
    return ["".join(line) for line in lines]


def spread_bars(line: str, width: int) -> str:
    """Widen each bar to two cells with a gap when there is room (easier to read)."""
    if len(line) * 3 <= width:
        return " ".join(ch * 2 for ch in line)
    return line


def _row(label: str, summary: Summary | None, render: object, pub: str, cell: int) -> Content:
    assert callable(render)
    cells = [fmt.NONE] * 4
    if summary is not None:
        cells = [render(summary.min), render(summary.p50), render(summary.p95), render(summary.max)]
    parts: list[str | tuple[str, str]] = [(label.ljust(LABEL), MUTED)]
    for index, text in enumerate(cells):
        parts.append((text.ljust(cell), "bold" if index == 1 else ""))
    parts.append((pub, MUTED))
    return Content.assemble(*parts)


def stats_content(
    stats: LaneStats | None,
    title: str,
    published: Published | None,
    *,
    top: float,
    width: int,
    compact: bool = False,
) -> Content:
    """One lane's results: heading, the table, and the TTFT plot (`compact`: the heading and
    the summary share a line, and the plot has no caption, for short terminals)."""
    head = Content.styled(safe_line(title, max(10, width)), "bold")
    if stats is None or stats.runs == 0:
        return Content.assemble(head, ("  no runs yet" if compact else "\nno runs yet", MUTED))
    summary = f"{stats.runs} run{'s' if stats.runs != 1 else ''} · {stats.errors} error"
    summary += "s" if stats.errors != 1 else ""
    if stats.stopped:
        summary += f" · {stats.stopped} stopped"
    summary += f" · {fmt.usd(stats.cost_per_run)}/run"
    if stats.warmups:
        summary += " · warm-up dropped"
    # Narrow lanes (100 columns for two) get narrower cells: "0.712s" still fits in 7.
    cell = max(7, min(CELL, (width - LABEL - 8) // 4))
    served = ", ".join(stats.served_by)
    if len(stats.served_by) > 1:
        summary += f" · served by {safe_line(served, 40)}"
    heading = (
        [Content.assemble(head, ("  " + summary, MUTED))]
        if compact
        else [
            head,
            Content.styled(summary, MUTED),
        ]
    )
    lines = [
        *heading,
        Content.assemble(
            ("".ljust(LABEL), ""),
            *((name.ljust(cell), MUTED) for name in ("min", "P50", "P95", "max")),
            ("pub." if cell < CELL else "pub. P50", MUTED),
        ),
        _row(
            "TTFT",
            stats.ttft,
            compact_seconds,
            compact_seconds(published.ttft_p50_s) if published else "",
            cell,
        ),
        _row(
            "tok/s",
            stats.decode,
            compact_rate,
            compact_rate(published.throughput_p50) if published else "",
            cell,
        ),
        _row("Total", stats.total, compact_seconds, "", cell),
    ]
    if not compact:
        lines.append(Content.styled(f"TTFT per run (bars to {compact_seconds(top)})", MUTED))
    labels = ["TTFT", "/run"] if compact else ["", ""]
    for label, line in zip(labels, bar_rows(stats.ttft_series, top), strict=True):
        bars = spread_bars(line, width - LABEL)
        lines.append(Content.assemble((label.ljust(LABEL), MUTED), (bars, "$accent")))
    return Content("\n").join(lines)


class RepeatPanel(Horizontal):
    """Controls on one row; the results of both lanes side by side below (once a series
    has run)."""

    DEFAULT_CSS = """
    RepeatPanel { height: auto; layout: vertical; padding: 0 1; border-top: hkey $foreground 10%; }
    RepeatPanel #repeat-controls { height: 1; }
    RepeatPanel #repeat-controls > .repeat-label { width: auto; padding: 0 1 0 0; }
    RepeatPanel #repeat-n { width: 7; }
    RepeatPanel #repeat-warmup { width: auto; margin: 0 1; }
    RepeatPanel #repeat-start { min-width: 12; }
    RepeatPanel ProgressBar { width: auto; margin: 0 1; display: none; }
    RepeatPanel ProgressBar.-shown { display: block; }
    RepeatPanel #repeat-status { width: 1fr; color: $text-muted; }
    RepeatPanel #repeat-results { height: auto; display: none; margin-top: 1; }
    RepeatPanel #repeat-results.-shown { display: block; }
    RepeatPanel .repeat-lane {
        width: 1fr; height: auto; padding: 0 1 0 0; text-wrap: nowrap; text-overflow: ellipsis;
    }
    """

    @dataclass
    class Requested(Message):
        """Start a series of `n` runs per lane (with a warm-up round first if `warmup`)."""

        panel: RepeatPanel
        n: int
        warmup: bool

        @property
        def control(self) -> RepeatPanel:
            return self.panel

    @dataclass
    class StopRequested(Message):
        """Stop the series under way."""

        panel: RepeatPanel

        @property
        def control(self) -> RepeatPanel:
            return self.panel

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.running = False
        self.compact = False
        """Short terminal: results in fewer lines (the screen sets it)."""
        self.stats: tuple[LaneStats, ...] = ()
        """What the results show."""
        self._titles: tuple[str, ...] = ()
        self._published: Mapping[str, Published | None] = {}

    def compose(self) -> ComposeResult:
        with Horizontal(id="repeat-controls"):
            yield Static("Repeat ×", classes="repeat-label")
            yield Input(
                str(DEFAULT_N),
                id="repeat-n",
                type="integer",
                compact=True,
                tooltip=f"Runs per lane, 1 to {MAX_REPEAT}",
            )
            yield Checkbox(
                "warm-up",
                False,
                id="repeat-warmup",
                compact=True,
                tooltip="Run one unmeasured round first (connection set-up, caches)",
            )
            yield Button("Repeat ^r", id="repeat-start", compact=True)
            yield ProgressBar(total=1, show_eta=False, id="repeat-progress")
            yield Static("interleaved A B A B…", id="repeat-status")
        with Horizontal(id="repeat-results"):
            yield Static("", id="repeat-lane-a", classes="repeat-lane")
            yield Static("", id="repeat-lane-b", classes="repeat-lane")

    # -- controls ------------------------------------------------------------------------------

    @property
    def count(self) -> int | None:
        """The N typed (None when it is not a whole number in range)."""
        try:
            n = int(self.query_one("#repeat-n", Input).value.strip() or "0")
        except ValueError:
            return None
        return n if 1 <= n <= MAX_REPEAT else None

    @property
    def warmup(self) -> bool:
        return self.query_one("#repeat-warmup", Checkbox).value

    def request(self) -> bool:
        """Post `Requested` (or say what is wrong with N). Returns whether it was posted."""
        n = self.count
        if n is None:
            self.show_status(f"Runs per lane must be a whole number from 1 to {MAX_REPEAT}.")
            return False
        self.post_message(self.Requested(self, n, self.warmup))
        return True

    def focus_count(self) -> None:
        """Put the cursor in N (its text selected, so typing replaces it)."""
        self.query_one("#repeat-n", Input).focus()

    def set_running(self, running: bool) -> None:
        """Switch the button between starting and stopping a series."""
        self.running = running
        button = self.query_one("#repeat-start", Button)
        button.label = "Stop esc" if running else "Repeat ^r"
        button.variant = "warning" if running else "default"

    def show_progress(self, done: int, total: int, note: str = "") -> None:
        bar = self.query_one(ProgressBar)
        bar.add_class("-shown")  # hidden until a series starts: idle, it would animate
        bar.update(total=total, progress=done)
        self.show_status(note or f"{done} of {total} runs")

    def show_status(self, text: str) -> None:
        self.query_one("#repeat-status", Static).update(Content(text))

    # -- results -------------------------------------------------------------------------------

    def show_stats(
        self,
        stats: Sequence[LaneStats],
        *,
        titles: Sequence[str],
        published: Mapping[str, Published | None],
    ) -> None:
        """Show each lane's statistics (in lane order), with `titles` as their headings."""
        self.stats = tuple(stats)
        self._titles = tuple(titles)
        self._published = dict(published)
        self.query_one("#repeat-results").add_class("-shown")
        self._paint()

    def on_resize(self) -> None:
        if self.stats:
            self._paint()

    def _paint(self) -> None:
        values = [v for s in self.stats for v in s.ttft_series if v is not None]
        top = max(values) if values else 0.0
        for index, widget_id in enumerate(("#repeat-lane-a", "#repeat-lane-b")):
            view = self.query_one(widget_id, Static)
            stats = self.stats[index] if index < len(self.stats) else None
            title = self._titles[index] if index < len(self._titles) else ""
            published = self._published.get(stats.lane) if stats is not None else None
            width = max(20, view.size.width or 48)
            view.update(
                stats_content(stats, title, published, top=top, width=width, compact=self.compact)
            )

    @on(Button.Pressed, "#repeat-start")
    def _start_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if self.running:
            self.post_message(self.StopRequested(self))
        else:
            self.request()

    @on(Input.Submitted, "#repeat-n")
    def _n_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.running:
            self.request()
