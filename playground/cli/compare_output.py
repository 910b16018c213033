"""How ``playground run --compare/--models/--repeat`` writes: a line per run as it ends, the
comparison table and the repeat statistics on stderr, one answer per lane on stdout (or in
files), and the JSON of every run.

Every string that came from a gateway (answers, provider and model names) is sanitized for a
terminal; answers piped into a file or another program are written exactly as they came, as
single runs are.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from playground.core import format as fmt
from playground.core.catalog import Endpoint
from playground.core.compare import (
    COMPARED,
    FigureComparison,
    FigureSpec,
    LaneStats,
    LaneTarget,
    RunComparison,
    compare_figures,
    compare_values,
)
from playground.core.run import Run
from playground.core.sanitize import safe_line, safe_text
from playground.core.stats import Summary


def title(target: LaneTarget) -> str:
    """``A · openai/gpt-4.1-mini › azure`` (sanitized)."""
    route = safe_line(target.provider or "auto", 40)
    head = f"{target.lane} · " if target.lane else ""
    return f"{head}{safe_line(target.model, 80)} › {route}"


def short(target: LaneTarget, targets: Sequence[LaneTarget] = ()) -> str:
    """``A azure`` when the lanes differ by provider, ``A claude-haiku-4.5`` (the model's
    name without its creator) when they differ by model: for table heads and progress."""
    what = target.provider or "auto"
    if len({t.model for t in targets}) > 1:
        what = target.model.rsplit("/", 1)[-1] + (f"@{target.provider}" if target.provider else "")
    return f"{target.lane} {safe_line(what, 32)}".strip()


def _value_text(spec: FigureSpec, value: float | int | Decimal | None) -> str:
    if spec.key in ("ttft", "total"):
        return fmt.seconds(float(value) if value is not None else None)
    if spec.key == "decode":
        return fmt.rate(float(value) if value is not None else None)
    if spec.key == "output":
        return fmt.tokens(int(value) if value is not None else None)
    return fmt.usd(Decimal(value) if value is not None else None)


def better_text(comparison: FigureComparison, names: tuple[str, str]) -> str:
    """``B 1.16× faster`` — which lane did better and by how much (empty when neither)."""
    if comparison.better is None or comparison.ratio is None:
        return "same" if comparison.ratio == 1.0 else ""
    name = names[0] if comparison.better == "a" else names[1]
    word = {"ttft": "sooner", "decode": "faster", "total": "sooner", "cost": "cheaper"}.get(
        comparison.key, "better"
    )
    return f"{name} {comparison.ratio:.2f}× {word}"


def run_line(
    run: Run, target: LaneTarget, done: int, total: int, targets: Sequence[LaneTarget] = ()
) -> str:
    """One line on stderr as a run ends: ``[3/20] A azure ok · TTFT 0.612 s · …``."""
    f = run.figures
    parts = [f"[{done}/{total}]", short(target, targets), run.status]
    if run.warmup:
        parts.append("(warm-up)")
    details = [f"TTFT {fmt.seconds(f.ttft_s)}", fmt.rate(f.decode_rate)]
    details.append(f"total {fmt.seconds(f.total_s)}")
    if f.served_by and f.served_by != target.provider:
        details.append(f"served by {safe_line(f.served_by, 40)}")
    if run.error is not None:
        details.append(safe_line(run.error.message, 200))
    return " ".join(parts) + " · " + " · ".join(details)


def _table(columns: Sequence[str]) -> Any:
    from rich.table import Table

    table = Table(box=None, pad_edge=False, padding=(0, 2, 0, 0), header_style="bold")
    for index, column in enumerate(columns):
        if index == 0:
            table.add_column(column, style="dim", no_wrap=True, min_width=13)
        else:
            table.add_column(column, no_wrap=True)
    return table


def _text(value: str) -> Any:
    from rich.text import Text

    return Text(value)


def comparison_table(
    runs: Mapping[str, Run], targets: Sequence[LaneTarget]
) -> tuple[Any, RunComparison]:
    """The figures of two runs side by side, the better one marked."""
    a, b = (runs[t.lane] for t in targets)
    comparison = compare_figures(a.figures, b.figures)
    names = (targets[0].lane, targets[1].lane)
    table = _table(["", short(targets[0], targets), short(targets[1], targets), "better"])
    for figure in comparison.figures:
        mark_a = " ◀" if figure.better == "a" else ""
        mark_b = " ◀" if figure.better == "b" else ""
        table.add_row(
            _text(figure.spec.label),
            _text(_value_text(figure.spec, figure.a) + mark_a),
            _text(_value_text(figure.spec, figure.b) + mark_b),
            _text(better_text(figure, names)),
        )
    table.add_row(
        _text("Served by"),
        _text(safe_line(a.figures.served_by or fmt.NONE, 40)),
        _text(safe_line(b.figures.served_by or fmt.NONE, 40)),
        _text(""),
    )
    table.add_row(_text("Status"), _text(a.status), _text(b.status), _text(""))
    return table, comparison


def _summary_cells(summary: Summary | None, render: Callable[[float], str]) -> list[str]:
    if summary is None:
        return [fmt.NONE] * 4
    return [render(summary.min), render(summary.p50), render(summary.p95), render(summary.max)]


def _seconds(value: float) -> str:
    return fmt.seconds(value)


def _rate(value: float) -> str:
    return fmt.rate(value)


def stats_table(stats: LaneStats, target: LaneTarget, published: Endpoint | None) -> Any:
    """One lane's repeat statistics: min / P50 / P95 / max, published P50 beside."""
    table = _table(["", "min", "P50", "P95", "max", "published P50"])
    pub_ttft = published.ttft_p50_s if published else None
    pub_rate = published.throughput_p50 if published else None
    rows = (
        ("TTFT (client)", stats.ttft, _seconds, fmt.seconds(pub_ttft)),
        ("Decode rate", stats.decode, _rate, fmt.rate(pub_rate)),
        ("Total", stats.total, _seconds, ""),
    )
    for label, summary, render, pub in rows:
        table.add_row(*(_text(cell) for cell in [label, *_summary_cells(summary, render), pub]))
    return table


def stats_heading(stats: LaneStats, target: LaneTarget) -> str:
    """``A · openai/gpt-4.1-mini › azure: 10 runs, 0 errors, $0.000493 per run``."""
    parts = [f"{stats.runs} run{'s' if stats.runs != 1 else ''}"]
    parts.append(f"{stats.errors} error{'s' if stats.errors != 1 else ''}")
    if stats.stopped:
        parts.append(f"{stats.stopped} stopped")
    if stats.warmups:
        parts.append(f"{stats.warmups} warm-up dropped")
    cost = fmt.usd(stats.cost_per_run)
    parts.append(f"{cost} per run")
    served = ", ".join(safe_line(p, 30) for p in stats.served_by)
    if served and served != (target.provider or ""):
        parts.append(f"served by {served}")
    return f"{title(target)}: " + ", ".join(parts)


def p50_table(stats: Sequence[LaneStats], targets: Sequence[LaneTarget]) -> Any:
    """The lanes' P50s (and cost per run) compared, the better one marked."""
    a, b = stats
    names = (targets[0].lane, targets[1].lane)
    table = _table(["P50", short(targets[0], targets), short(targets[1], targets), "better"])
    pairs: list[tuple[FigureSpec, float | Decimal | None, float | Decimal | None]] = []
    for spec in COMPARED:
        if spec.key == "output":
            continue
        if spec.key == "cost":
            pairs.append(
                (FigureSpec("cost", "Cost per run", "lower"), a.cost_per_run, b.cost_per_run)
            )
            continue
        summary_a = getattr(a, spec.key)
        summary_b = getattr(b, spec.key)
        pairs.append(
            (
                spec,
                summary_a.p50 if summary_a is not None else None,
                summary_b.p50 if summary_b is not None else None,
            )
        )
    for spec, value_a, value_b in pairs:
        figure = compare_values(spec, value_a, value_b)
        table.add_row(
            _text(spec.label),
            _text(_value_text(spec, value_a) + (" ◀" if figure.better == "a" else "")),
            _text(_value_text(spec, value_b) + (" ◀" if figure.better == "b" else "")),
            _text(better_text(figure, names)),
        )
    return table


def lanes_line(targets: Sequence[LaneTarget]) -> str:
    """``A · openai/gpt-4.1-mini › azure  vs  B · openai/gpt-4.1-mini › openai``."""
    return "  vs  ".join(title(t) for t in targets)


def print_answers(
    runs: Mapping[str, Run], targets: Sequence[LaneTarget], *, out: IO[str] | None = None
) -> None:
    """One answer per lane on stdout, each under a ``## A · model › provider`` header."""
    stream = out or sys.stdout
    tty = stream.isatty()
    for index, target in enumerate(targets):
        run = runs.get(target.lane)
        if run is None:
            continue
        if index:
            stream.write("\n")
        status = "" if run.status == "ok" else f" ({run.status})"
        stream.write(f"## {title(target)}{status}\n\n")
        text = safe_text(run.text) if tty else run.text
        stream.write(text if text.endswith("\n") or not text else text + "\n")
    stream.flush()


def answer_files(
    runs: Mapping[str, Run], targets: Sequence[LaneTarget], folder: Path
) -> list[tuple[Path, str]]:
    """What ``--out DIR`` writes: one file per lane, ``A.md``, ``B.md`` (the answer only)."""
    files = []
    for target in targets:
        run = runs.get(target.lane)
        if run is not None:
            files.append((folder / f"{target.lane or 'answer'}.md", run.text))
    return files


def stats_json(stats: LaneStats, published: Endpoint | None) -> dict[str, Any]:
    """A lane's statistics as plain JSON values (added to ``--json`` beside the runs)."""

    def summary(value: Summary | None) -> dict[str, float] | None:
        if value is None:
            return None
        return {
            "n": value.n,
            "min": value.min,
            "p50": value.p50,
            "p95": value.p95,
            "max": value.max,
            "mean": value.mean,
        }

    return {
        "lane": stats.lane,
        "model": stats.model,
        "provider": stats.provider,
        "runs": stats.runs,
        "ok": stats.ok,
        "errors": stats.errors,
        "stopped": stats.stopped,
        "warmups": stats.warmups,
        "ttft_s": summary(stats.ttft),
        "decode_rate": summary(stats.decode),
        "total_s": summary(stats.total),
        "cost_per_run": str(stats.cost_per_run) if stats.cost_per_run is not None else None,
        "published": {
            "ttft_p50_s": published.ttft_p50_s if published else None,
            "throughput_p50": published.throughput_p50 if published else None,
        },
    }


__all__ = [
    "answer_files",
    "better_text",
    "comparison_table",
    "lanes_line",
    "p50_table",
    "print_answers",
    "run_line",
    "short",
    "stats_heading",
    "stats_json",
    "stats_table",
    "title",
]
