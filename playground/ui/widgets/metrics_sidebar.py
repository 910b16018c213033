"""The metrics sidebar: a run's live figures beside the provider's published ones, and the
session's totals."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from playground.core import format as fmt
from playground.core.run import Figures, RunStatus
from playground.core.sanitize import safe_line
from playground.core.totals import SessionTotals
from playground.ui.widgets.rate_chart import RateChart, ShowsRates

STATUS_LABELS: dict[RunStatus, tuple[str, str]] = {
    "running": ("● streaming", "$accent"),
    "ok": ("✓ ok", "$success"),
    "stopped": ("■ stopped", "$warning"),
    "interrupted": ("⚠ interrupted", "$error"),
    "incomplete": ("… incomplete", "$warning"),
    "error": ("✗ error", "$error"),
}
"""How each run status reads and which theme colour it takes."""

LABEL_WIDTH = 11
MUTED = "$text-muted"


@dataclass(frozen=True, slots=True)
class Published:
    """What the gateway publishes for the provider a run went to (for comparison)."""

    provider: str
    ttft_p50_s: float | None = None
    throughput_p50: float | None = None


def _row(label: str, *value: str | tuple[str, str]) -> Content:
    return Content.assemble((label.ljust(LABEL_WIDTH - 1) + " ", MUTED), *value)


def _sub(label: str, value: str) -> Content:
    return Content.assemble((("  " + label).ljust(LABEL_WIDTH - 1) + " ", MUTED), (value, MUTED))


def describe_figures(
    figures: Figures | None,
    *,
    published: Published | None = None,
    retry_note: str = "",
    waiting_note: str = "",
) -> Content:
    """The live figures as lines of content (no markup: every value is plain text)."""
    if figures is None:
        return Content.assemble(("No run yet. Write a prompt and press ctrl+j.", MUTED))
    label, style = STATUS_LABELS[figures.status]
    lines: list[Content] = [_row("Status", (label, f"bold {style}"))]
    if retry_note:
        lines.append(_sub("", retry_note))
    if waiting_note:
        lines.append(_sub("", waiting_note))
    served = safe_line(figures.served_by or "–", 40)
    lines.append(_row("Served by", served))
    if figures.fallbacks:
        lines.append(_sub("after", safe_line(", ".join(figures.fallbacks), 40)))
    lines.append(_row("Elapsed", fmt.seconds(figures.total_s)))
    lines.append(_row("TTFT", fmt.seconds(figures.ttft_s), (" client", MUTED)))
    if published is not None and published.ttft_p50_s is not None:
        lines.append(_sub("pub. P50", fmt.seconds(published.ttft_p50_s)))
    tokens = figures.tokens
    lines.append(
        _row("Output", fmt.tokens(tokens.output, estimated=tokens.estimated), (" tok", MUTED))
    )
    if tokens.prompt is not None:
        lines.append(_sub("prompt", fmt.tokens(tokens.prompt, estimated=tokens.estimated)))
    if tokens.cached:
        lines.append(_sub("cached", fmt.tokens(tokens.cached)))
    if tokens.reasoning:
        lines.append(_sub("reasoning", fmt.tokens(tokens.reasoning)))
    lines.append(_row("Decode", fmt.rate(figures.decode_rate)))
    if published is not None and published.throughput_p50 is not None:
        lines.append(_sub("pub. P50", fmt.rate(published.throughput_p50)))
    stalls = figures.stalls
    stall_text = (
        "none" if not stalls.count else f"{stalls.count} (longest {stalls.longest_s:.1f} s)"
    )
    lines.append(_row("Stalls", stall_text))
    lines.extend(describe_cost(figures))
    if figures.retries:
        lines.append(_row("Retries", f"{figures.retries} (waited {figures.waited_s:.1f} s)"))
    return Content("\n").join(lines)


def describe_cost(figures: Figures) -> Iterable[Content]:
    """The cost rows: estimated while streaming, then billed or computed, and the difference."""
    source = figures.cost_source
    if figures.cost is None and figures.status == "running" and not figures.tokens.output:
        yield _row("Cost", fmt.NONE)  # nothing to cost yet (and, routed auto, no provider)
        return
    if figures.cost is None:
        yield _row("Cost", fmt.UNKNOWN, (" unknown prices", MUTED))
        return
    if source == "estimate":
        yield _row("Cost", "≈" + fmt.usd(figures.cost), (" estimate", MUTED))
        return
    yield _row(
        "Cost", fmt.usd(figures.cost), (" billed" if source == "gateway" else " computed", MUTED)
    )
    difference = figures.cost_difference
    if difference is not None and figures.computed_cost is not None:
        sign = "+" if difference >= 0 else ""
        yield _sub("computed", f"{fmt.usd(figures.computed_cost)} ({sign}{fmt.usd(difference)})")


def describe_totals(totals: SessionTotals) -> Content:
    cost = fmt.usd(totals.cost) if totals.runs else "$0"
    if totals.cost_unknown:
        cost += f" (+{totals.cost_unknown} unknown)"
    lines = [
        Content.assemble(("Session", "bold")),
        _row(
            "Runs", f"{totals.runs}", (f" · {totals.errors} failed", MUTED) if totals.errors else ""
        ),
        _row("Tokens", f"{totals.prompt_tokens:,} in · {totals.output_tokens:,} out"),
        _row("Cost", cost),
    ]
    return Content("\n").join(lines)


class MetricsSidebar(ShowsRates, Vertical):
    """Live figures of the run on screen, a sparkline of its tokens per second, and the
    session's totals. The screen pushes values in; the sidebar never reads a run itself."""

    DEFAULT_CSS = """
    MetricsSidebar {
        width: 34;
        padding: 0 1;
        border-left: vkey $foreground 10%;
    }
    MetricsSidebar #metrics-title { text-style: bold; margin-bottom: 1; }
    MetricsSidebar #metrics-figures { height: auto; }
    MetricsSidebar #metrics-rates { height: 3; margin: 1 0; }
    MetricsSidebar #metrics-rates-label { color: $text-muted; height: 1; }
    MetricsSidebar #metrics-totals { height: auto; margin-top: 1; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._shown: Content | None = None
        self._lines = 0

    def compose(self) -> ComposeResult:
        yield Static("Metrics", id="metrics-title")
        yield Static(describe_figures(None), id="metrics-figures")
        yield Static(Content.styled("tokens per second", MUTED), id="metrics-rates-label")
        yield RateChart(id="metrics-rates")
        yield Static(describe_totals(SessionTotals()), id="metrics-totals")

    def show(
        self,
        figures: Figures | None,
        *,
        published: Published | None = None,
        retry_note: str = "",
        waiting_note: str = "",
    ) -> None:
        """Show `figures` (None: nothing has run yet)."""
        content = describe_figures(
            figures, published=published, retry_note=retry_note, waiting_note=waiting_note
        )
        if content == self._shown:
            return
        lines = content.plain.count("\n") + 1
        # Same number of lines: repaint only, no layout pass (this runs 5 times a second
        # while streaming, and a layout pass re-measures the whole screen).
        self.query_one("#metrics-figures", Static).update(content, layout=lines != self._lines)
        self._shown, self._lines = content, lines

    def show_totals(self, totals: SessionTotals) -> None:
        self.query_one("#metrics-totals", Static).update(describe_totals(totals))
