"""A compare lane's live figures in two lines, with a one-line sparkline of tokens per second:
the metrics sidebar folded to fit under half a screen."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from playground.core import format as fmt
from playground.core.run import Figures
from playground.core.sanitize import safe_line
from playground.ui.widgets.metrics_sidebar import STATUS_LABELS, Published
from playground.ui.widgets.rate_chart import RateChart, ShowsRates

MUTED = "$text-muted"
SEPARATOR = (" · ", MUTED)


def describe_lane_figures(
    figures: Figures | None,
    *,
    published: Published | None = None,
    retry_note: str = "",
    waiting_note: str = "",
) -> Content:
    """Two lines: status, served by, elapsed, output tokens and cost (and any note); then TTFT
    and decode rate with the published P50s beside (no markup: every value is plain text)."""
    if figures is None:
        return Content.styled("No run yet: write a prompt and press ctrl+j.", MUTED)
    label, style = STATUS_LABELS[figures.status]
    tokens = figures.tokens
    cost = fmt.usd(figures.cost)
    if figures.cost is not None and figures.cost_source == "estimate":
        cost = "≈" + cost
    first: list[str | tuple[str, str]] = [(label, f"bold {style}")]
    if figures.served_by:
        first += [SEPARATOR, safe_line(figures.served_by, 30)]
        if figures.fallbacks:
            first.append((" (fallback)", MUTED))
    first += [
        SEPARATOR,
        fmt.seconds(figures.total_s),
        SEPARATOR,
        fmt.tokens(tokens.output, estimated=tokens.estimated),
        (" tok", MUTED),
        SEPARATOR,
        cost,
    ]
    note = retry_note or waiting_note
    if note:
        first += [SEPARATOR, (safe_line(note, 80), "italic")]
    second: list[str | tuple[str, str]] = [("TTFT ", MUTED), fmt.seconds(figures.ttft_s)]
    if published is not None and published.ttft_p50_s is not None:
        second.append((f" (pub. {fmt.seconds(published.ttft_p50_s)})", MUTED))
    second += [SEPARATOR, fmt.rate(figures.decode_rate)]
    if published is not None and published.throughput_p50 is not None:
        second.append((f" (pub. {published.throughput_p50:.0f})", MUTED))
    return Content.assemble(*first, "\n", *second)


class LaneFigures(ShowsRates, Vertical):
    """Figures of the run a lane shows; the screen pushes them in (the `Lane` ticker does,
    five times a second while it streams)."""

    DEFAULT_CSS = """
    LaneFigures { height: auto; padding: 0 1; }
    LaneFigures > #lane-figures-text { height: 2; text-wrap: nowrap; text-overflow: ellipsis; }
    LaneFigures > RateChart { height: 1; margin-top: 0; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.figures: Figures | None = None
        """What is shown now."""

    def compose(self) -> ComposeResult:
        yield Static(describe_lane_figures(None), id="lane-figures-text")
        yield RateChart(id="lane-figures-rates")

    def show(
        self,
        figures: Figures | None,
        *,
        published: Published | None = None,
        retry_note: str = "",
        waiting_note: str = "",
    ) -> None:
        """Show `figures` (None: nothing has run yet)."""
        self.figures = figures
        # Two lines, always: no layout pass for a tick (five a second per lane).
        self.query_one("#lane-figures-text", Static).update(
            describe_lane_figures(
                figures, published=published, retry_note=retry_note, waiting_note=waiting_note
            ),
            layout=False,
        )
