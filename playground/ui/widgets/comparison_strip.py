"""The comparison strip under compare mode's lanes: TTFT, decode rate, total, output tokens,
cost and served-by of the two runs on screen, the better value of each marked, and by how much
it is better.

    ┊ figure     TTFT (client)  Decode rate     Total      Output    Cost         Served by
    ┊ A azure    0.712 s        78.1 tok/s      4.101 s    305       $0.000493    azure
    ┊ B openai   0.612 s ✓      92.3 tok/s ✓    3.520 s ✓  298       $0.000481 ✓  openai
    ┊ better     B 1.16×        B 1.18×         B 1.17×    –         B 1.02×

Columns that do not fit are left out from the right. The screen pushes figures in (live while
the lanes stream); values are plain text, never markup.
"""

from __future__ import annotations

from decimal import Decimal

from textual.content import Content
from textual.widget import Widget

from playground.core import format as fmt
from playground.core.compare import COMPARED, FigureComparison, RunComparison, compare_figures
from playground.core.run import Figures
from playground.core.sanitize import safe_line

MUTED = "$text-muted"
BETTER = "bold $text-success"
LABEL_WIDTH = 12
COLUMN_WIDTHS = {"ttft": 15, "decode": 15, "total": 11, "output": 10, "cost": 13, "served": 14}
"""Cells are padded to these widths (a figure and its mark fit)."""


def figure_text(comparison: FigureComparison, value: float | int | Decimal | None) -> str:
    """One value as the strip shows it."""
    key = comparison.key
    if key in ("ttft", "total"):
        return fmt.seconds(float(value) if value is not None else None)
    if key == "decode":
        return fmt.rate(float(value) if value is not None else None)
    if key == "output":
        return fmt.tokens(int(value) if value is not None else None)
    return fmt.usd(Decimal(value) if value is not None else None)


def ratio_text(comparison: FigureComparison, names: tuple[str, str]) -> str:
    """``B 1.16×`` for the better lane; ``=`` when equal; ``–`` when nothing can be said."""
    if comparison.better is not None and comparison.ratio is not None:
        lane = names[0] if comparison.better == "a" else names[1]
        return f"{lane} {comparison.ratio:.2f}×"
    if comparison.ratio == 1.0 and comparison.spec.better is not None:
        return "="
    return fmt.NONE


def strip_content(
    comparison: RunComparison | None,
    names: tuple[str, str],
    labels: tuple[str, str],
    width: int,
) -> Content:
    """The strip's four lines at `width` cells."""
    keys = [spec.key for spec in COMPARED] + ["served"]
    used = LABEL_WIDTH
    shown: list[str] = []
    for key in keys:
        if used + COLUMN_WIDTHS[key] > width and shown:
            break
        shown.append(key)
        used += COLUMN_WIDTHS[key]
    headers: dict[str, str] = {spec.key: spec.label for spec in COMPARED}
    headers.update(decode="Decode rate", output="Output", served="Served by")

    def cell(text: str, key: str, style: str = "") -> tuple[str, str]:
        size = COLUMN_WIDTHS[key]
        return (text[: size - 1].ljust(size), style)

    head: list[str | tuple[str, str]] = [("".ljust(LABEL_WIDTH), "")]
    head += [cell(headers[key], key, "bold") for key in shown]
    rows: list[list[str | tuple[str, str]]] = [head]
    for side, label in zip(("a", "b"), labels, strict=True):
        row: list[str | tuple[str, str]] = [
            (safe_line(label, LABEL_WIDTH - 1).ljust(LABEL_WIDTH), "bold")
        ]
        for key in shown:
            if comparison is None:
                row.append(cell(fmt.NONE, key, MUTED))
            elif key == "served":
                served = comparison.served_by[0 if side == "a" else 1]
                row.append(cell(safe_line(served or fmt.NONE, 20), key))
            else:
                figure = comparison.get(key)  # type: ignore[arg-type]
                value = figure.a if side == "a" else figure.b
                text = figure_text(figure, value)
                if figure.better == side:
                    row.append(cell(text + " ✓", key, BETTER))
                else:
                    row.append(cell(text, key))
        rows.append(row)
    better: list[str | tuple[str, str]] = [("better".ljust(LABEL_WIDTH), MUTED)]
    for key in shown:
        if comparison is None or key == "served":
            better.append(cell("", key))
        else:
            better.append(cell(ratio_text(comparison.get(key), names), key, MUTED))  # type: ignore[arg-type]
    rows.append(better)
    return Content("\n").join(Content.assemble(*row) for row in rows)


class ComparisonStrip(Widget):
    """The two lanes' figures side by side; `show` pushes new ones in."""

    DEFAULT_CSS = """
    ComparisonStrip {
        height: 4;
        padding: 0 1;
        border-top: hkey $foreground 10%;
        box-sizing: content-box;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.comparison: RunComparison | None = None
        """What is shown (None until both lanes have figures)."""
        self._names: tuple[str, str] = ("A", "B")
        self._labels: tuple[str, str] = ("A", "B")

    def show(
        self,
        a: Figures | None,
        b: Figures | None,
        *,
        names: tuple[str, str] = ("A", "B"),
        labels: tuple[str, str] | None = None,
    ) -> None:
        """Compare `a` and `b` (either may be None: nothing is marked until both exist).

        Args:
            a: Lane A's figures, live or final.
            b: Lane B's.
            names: The lanes' names, for the ratio row (``B 1.16×``).
            labels: The rows' labels (``A azure``); default: the names.
        """
        empty = Figures(status="running")
        self.comparison = (
            None if a is None and b is None else compare_figures(a or empty, b or empty)
        )
        self._names = names
        self._labels = labels or names
        self.refresh()

    def render(self) -> Content:
        return strip_content(self.comparison, self._names, self._labels, self.size.width)
