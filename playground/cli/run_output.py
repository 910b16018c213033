"""How ``playground run`` writes: the answer on stdout as it streams, the figures on stderr.

On a terminal, the answer is sanitized (no escape sequence from a model reaches the TTY);
piped into a file or another program, it is written exactly as it came, so scripts get the
model's bytes. Reasoning and tool calls go to stderr, dimmed on a terminal.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from playground import __version__
from playground.core import format as fmt
from playground.core.catalog import Endpoint
from playground.core.events import (
    Failed,
    ReasoningDelta,
    Retrying,
    StreamEvent,
    TextDelta,
    ToolCallDelta,
)
from playground.core.run import Run
from playground.core.sanitize import safe_line, safe_text

DIM, RESET = "\x1b[2m", "\x1b[0m"


class StreamPrinter:
    """Writes a run's events as they arrive: text to `out`, everything else to `err`."""

    def __init__(self, out: IO[str] | None = None, err: IO[str] | None = None) -> None:
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self._out_tty = self.out.isatty()
        self._err_tty = self.err.isatty()
        self._in_reasoning = False
        self._wrote_text = False
        self._tool_names: dict[int, str] = {}

    def __call__(self, event: StreamEvent) -> None:
        if isinstance(event, TextDelta):
            self._end_reasoning()
            text = safe_text(event.text) if self._out_tty else event.text
            self.out.write(text)
            self.out.flush()
            self._wrote_text = bool(text) or self._wrote_text
        elif isinstance(event, ReasoningDelta):
            if self._err_tty:
                if not self._in_reasoning:
                    self.err.write(DIM + "Thinking: ")
                    self._in_reasoning = True
                self.err.write(safe_text(event.text))
                self.err.flush()
        elif isinstance(event, ToolCallDelta):
            self._end_reasoning()
            if event.name and event.index not in self._tool_names:
                self._tool_names[event.index] = event.name
                self.err.write(f"[tool call {safe_line(event.name, 80)}] ")
            self.err.write(safe_text(event.arguments))
            self.err.flush()
        elif isinstance(event, Retrying):
            self._end_reasoning()
            self.err.write(
                f"{safe_line(str(event.error), 200)} Retrying in {event.delay_s:.1f} s "
                f"(attempt {event.attempt + 1})…\n"
            )
            self.err.flush()
        elif isinstance(event, Failed):
            self._end_reasoning()

    def _end_reasoning(self) -> None:
        if self._in_reasoning:
            self.err.write(RESET + "\n")
            self._in_reasoning = False

    def finish(self) -> None:
        """End the answer with a newline, so the shell prompt starts on its own line."""
        self._end_reasoning()
        if self._tool_names:
            self.err.write("\n")
        if self._wrote_text:
            self.out.write("\n")
            self.out.flush()


@dataclass(frozen=True, slots=True)
class FigureRow:
    label: str
    value: str
    note: str = ""


def figure_rows(run: Run, published: Endpoint | None = None) -> list[FigureRow]:
    """The figures of one run, as label / value / note rows (plain text, sanitized)."""
    f = run.figures
    t = f.tokens
    served = safe_line(f.served_by or "–", 60)
    pinned = run.request.routing.pinned
    served_note = "pinned" if pinned and pinned == f.served_by else ""
    if f.fallbacks:
        served_note = "after " + safe_line(", ".join(f.fallbacks), 80)
    status = run.status + (f" ({safe_line(run.finish_reason, 30)})" if run.finish_reason else "")
    rows = [
        FigureRow("Model", safe_line(run.model or run.request.model, 80)),
        FigureRow("Served by", served, served_note),
        FigureRow("Status", status),
        FigureRow(
            "TTFT (client)",
            fmt.seconds(f.ttft_s),
            _published(published.ttft_p50_s if published else None, fmt.seconds),
        ),
        FigureRow(
            "Decode rate",
            fmt.rate(f.decode_rate),
            _published(published.throughput_p50 if published else None, fmt.rate),
        ),
        FigureRow("End-to-end", fmt.rate(f.e2e_rate)),
        FigureRow("Total", fmt.seconds(f.total_s), f"TTFB {fmt.seconds(f.ttfb_s)}"),
        FigureRow(
            "Tokens",
            f"{fmt.tokens(t.prompt, estimated=t.estimated)} in · "
            f"{fmt.tokens(t.output, estimated=t.estimated)} out",
            _token_note(run),
        ),
        FigureRow("Cost", _cost(run), _cost_note(run)),
    ]
    if f.stalls.count:
        rows.append(FigureRow("Stalls", str(f.stalls.count), f"longest {f.stalls.longest_s:.1f} s"))
    if f.retries:
        rows.append(FigureRow("Retries", str(f.retries), f"waited {f.waited_s:.1f} s"))
    if run.generation_id:
        rows.append(FigureRow("Generation", safe_line(run.generation_id, 80)))
    return rows


def _published(value: float | None, render: Any) -> str:
    return f"published P50 {render(value)}" if value is not None else ""


def _token_note(run: Run) -> str:
    t = run.figures.tokens
    parts = []
    if t.cached:
        parts.append(f"{t.cached:,} cached")
    if t.reasoning:
        parts.append(f"{t.reasoning:,} reasoning")
    if t.estimated:
        parts.append("estimated: no usage from the gateway")
    return ", ".join(parts)


def _cost(run: Run) -> str:
    f = run.figures
    text = fmt.usd(f.cost)
    return "≈" + text if f.cost_source == "estimate" else text


def _cost_note(run: Run) -> str:
    f = run.figures
    if f.cost is None:
        return "prices unknown"
    note = {"gateway": "reported by the gateway", "computed": "from the catalog's prices"}.get(
        f.cost_source or "", "estimated"
    )
    if f.cost_difference is not None and f.cost_difference != 0:
        note += f"; prices give {fmt.usd(f.computed_cost)}"
    return note


def print_figures(
    runs: Sequence[tuple[Run, Endpoint | None]], *, err: IO[str] | None = None
) -> None:
    """The figures table of one or more runs, on stderr."""
    from rich.table import Table
    from rich.text import Text

    from playground.cli.common import stderr_console

    console = stderr_console() if err is None else _console_on(err)
    for run, published in runs:
        table = Table(show_header=False, box=None, pad_edge=False, padding=(0, 2, 0, 0))
        table.add_column(style="dim", no_wrap=True, min_width=13)
        table.add_column(style="bold", no_wrap=True)
        table.add_column(style="dim", overflow="fold")
        for row in figure_rows(run, published):
            table.add_row(Text(row.label), Text(row.value), Text(row.note))
        console.print(table)
        if run.error is not None:
            console.print(Text("Error: " + safe_line(run.error.message, 1000), style="bold red"))


def _console_on(stream: IO[str]) -> Any:
    from rich.console import Console

    return Console(file=stream, markup=False, emoji=False, highlight=False)


def runs_json(runs: Sequence[Run], *, profile: str, base_url: str) -> dict[str, Any]:
    """Every run with its request, output and figures, in the session file's run encoding."""
    from playground.core.session_codec import encode

    return {
        "format": "gateway-playground-runs",
        "app_version": __version__,
        "profile": {"name": profile, "base_url": base_url},
        "runs": [encode(run, Run) for run in runs],
    }


def write_json(path: str, payload: dict[str, Any]) -> None:
    """Write `payload` to `path` atomically ("-" is stdout)."""
    text = json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    if path == "-":
        sys.stdout.write(text)
        return
    from pathlib import Path

    from playground.services.exports import write_user_file

    write_user_file(Path(path), text)
