"""Comparing runs: two runs figure by figure, the plan and statistics of a repeat series, and
where two answers differ.

Everything here is computed from stored `Run` values, never from live state, so the figures
a saved session shows are the ones the app showed while it ran:

- `compare_figures` says, per figure, which lane did better (lower TTFT, total and cost,
  higher decode rate) and by what factor.
- `repeat_plan` interleaves the lanes (A B A B …) so that drift on the network or at the
  gateway hits every lane alike; an optional warm-up round comes first and is left out of
  the statistics (it pays for the connection and the client's first-request costs).
- `lane_stats` summarises a lane's runs of a series: min / P50 / P95 / max of TTFT, decode
  rate and total over the runs that ended ``ok``, the error count, and the mean cost per run
  in `Decimal`.

Where two answers differ is `core.answer_diff`.

Pure functions, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from playground.core.request import ChatRequest
from playground.core.run import Figures, Run
from playground.core.stats import Summary, summarize

Side = Literal["a", "b"]
"""The first or the second of two compared runs (lane A or lane B)."""

Direction = Literal["lower", "higher"]
"""Which way a figure is better."""

FigureKey = Literal["ttft", "decode", "total", "output", "cost"]


@dataclass(frozen=True, slots=True)
class FigureSpec:
    """One figure of the comparison strip."""

    key: FigureKey
    label: str
    better: Direction | None
    """None where neither value is better (output tokens: longer is not better)."""


COMPARED: tuple[FigureSpec, ...] = (
    FigureSpec("ttft", "TTFT (client)", "lower"),
    FigureSpec("decode", "Decode rate", "higher"),
    FigureSpec("total", "Total", "lower"),
    FigureSpec("output", "Output tokens", None),
    FigureSpec("cost", "Cost", "lower"),
)
"""The figures compared, in the order the strip and the headless table show them."""

Value = float | int | Decimal


@dataclass(frozen=True, slots=True)
class FigureComparison:
    """One figure of two runs, which one is better, and by how much."""

    spec: FigureSpec
    a: Value | None
    b: Value | None
    better: Side | None
    """None when the values are equal, one is missing, or the figure has no better side."""
    ratio: float | None
    """The larger value over the smaller (≥ 1); None when either is missing or not positive."""

    @property
    def key(self) -> FigureKey:
        return self.spec.key


@dataclass(frozen=True, slots=True)
class RunComparison:
    """Two runs' figures side by side (see `COMPARED`) and who served each."""

    figures: tuple[FigureComparison, ...]
    served_by: tuple[str | None, str | None]

    def get(self, key: FigureKey) -> FigureComparison:
        """The comparison of one figure."""
        for figure in self.figures:
            if figure.key == key:
                return figure
        raise KeyError(key)


def figure_value(figures: Figures, key: FigureKey) -> Value | None:
    """The value of one compared figure."""
    if key == "ttft":
        return figures.ttft_s
    if key == "decode":
        return figures.decode_rate
    if key == "total":
        return figures.total_s
    if key == "output":
        return figures.tokens.output
    return figures.cost


def compare_values(spec: FigureSpec, a: Value | None, b: Value | None) -> FigureComparison:
    """Compare one figure of two runs."""
    if a is None or b is None:
        return FigureComparison(spec, a, b, None, None)
    ratio = float(max(a, b)) / float(min(a, b)) if a > 0 and b > 0 else None
    better: Side | None = None
    if spec.better is not None and a != b:
        lower: Side = "a" if a < b else "b"
        better = lower if spec.better == "lower" else ("b" if lower == "a" else "a")
    return FigureComparison(spec, a, b, better, ratio)


SETTLED_EARLY: frozenset[FigureKey] = frozenset({"ttft"})
"""Figures that no longer change once known; the others move until the run ends."""


def compare_figures(a: Figures, b: Figures) -> RunComparison:
    """Compare two runs' figures (works on live snapshots as well as finished runs).

    While either run streams, only figures that are settled (TTFT) get a better side: a
    running total, token count or cost says nothing yet about which lane does better.
    """
    streaming = a.status == "running" or b.status == "running"
    figures: list[FigureComparison] = []
    for spec in COMPARED:
        compared = compare_values(spec, figure_value(a, spec.key), figure_value(b, spec.key))
        if streaming and spec.key not in SETTLED_EARLY:
            compared = FigureComparison(spec, compared.a, compared.b, None, None)
        figures.append(compared)
    return RunComparison(tuple(figures), (a.served_by, b.served_by))


@dataclass(frozen=True, slots=True)
class LaneTarget:
    """Where one lane sends: a model, pinned to a provider or (None) routed by the gateway."""

    lane: str
    model: str
    provider: str | None = None

    def request(self, base: ChatRequest) -> ChatRequest:
        """`base` sent to this lane's model and provider (the lanes share everything else)."""
        return base.with_model(self.model).pinned_to(self.provider)


# -- repeat mode ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunSlot:
    """Where one run belongs: its lane, its group, its place in a repeat series."""

    lane: str
    group: str = ""
    repeat_index: int | None = None
    """The run's position in its lane's series, 0-based, the warm-up (if any) being 0."""
    warmup: bool = False


MAX_REPEAT = 1000
"""The most runs per lane a repeat may plan (a typo of 10000 should not run for hours)."""


def repeat_plan(
    lanes: Sequence[str], n: int, *, warmup: bool = False, group: str = ""
) -> tuple[RunSlot, ...]:
    """The order of a repeat series: an optional warm-up round, then `n` rounds, each round
    running every lane once in the order given (A B A B …).

    Raises:
        ValueError: `n` is not between 1 and `MAX_REPEAT`, or `lanes` is empty or repeats a
            name.
    """
    if not 1 <= n <= MAX_REPEAT:
        raise ValueError(f"repeat count must be between 1 and {MAX_REPEAT}")
    if not lanes or len(set(lanes)) != len(lanes):
        raise ValueError("a repeat needs distinct lane names")
    slots: list[RunSlot] = []
    first = 0
    if warmup:
        slots.extend(RunSlot(lane, group, 0, warmup=True) for lane in lanes)
        first = 1
    for index in range(first, first + n):
        slots.extend(RunSlot(lane, group, index) for lane in lanes)
    return tuple(slots)


FAILED_STATUSES = frozenset({"error", "interrupted", "incomplete"})
"""Statuses counted as errors in repeat statistics (``stopped`` is the user's doing)."""


@dataclass(frozen=True, slots=True)
class LaneStats:
    """A lane's figures over a series of runs. Warm-up runs are counted in `warmups` and
    nowhere else; the figure summaries cover the runs that ended ``ok``."""

    lane: str
    model: str
    """The model the lane's runs asked for."""
    provider: str | None
    """The provider that served every run, else the one they were pinned to, else None."""
    runs: int
    """Measured runs (warm-ups excluded)."""
    ok: int
    errors: int
    """Runs that ended ``error``, ``interrupted`` or ``incomplete``."""
    stopped: int
    warmups: int
    ttft: Summary | None
    decode: Summary | None
    total: Summary | None
    cost_per_run: Decimal | None
    """Mean cost of the measured runs whose cost is known; None when none is."""
    cost_runs: int
    """How many runs that mean covers."""
    ttft_series: tuple[float | None, ...]
    """TTFT of each measured run in order (None where a run had no first token)."""
    served_by: tuple[str, ...]
    """Every provider that served a measured run, in order of first appearance."""


def lane_stats(runs: Iterable[Run], lane: str) -> LaneStats:
    """Statistics of `lane`'s runs among `runs` (pass one series' runs, e.g. one group)."""
    mine = [run for run in runs if run.lane == lane]
    measured = [run for run in mine if not run.warmup]
    ok = [run for run in measured if run.status == "ok"]
    costs = [run.figures.cost for run in measured if run.figures.cost is not None]
    served: list[str] = []
    for run in measured:
        provider = run.figures.served_by
        if provider and provider not in served:
            served.append(provider)
    reference = measured[0] if measured else (mine[0] if mine else None)
    pinned = reference.request.routing.pinned if reference is not None else None
    cost = sum(costs, Decimal(0)) / len(costs) if costs else None
    return LaneStats(
        lane=lane,
        model=reference.request.model if reference is not None else "",
        provider=served[0] if len(served) == 1 else pinned,
        runs=len(measured),
        ok=len(ok),
        errors=sum(1 for run in measured if run.status in FAILED_STATUSES),
        stopped=sum(1 for run in measured if run.status == "stopped"),
        warmups=len(mine) - len(measured),
        ttft=summarize(run.figures.ttft_s for run in ok),
        decode=summarize(run.figures.decode_rate for run in ok),
        total=summarize(run.figures.total_s for run in ok),
        cost_per_run=cost,
        cost_runs=len(costs),
        ttft_series=tuple(run.figures.ttft_s for run in measured),
        served_by=tuple(served),
    )


def lanes_of(runs: Iterable[Run]) -> tuple[str, ...]:
    """The lane names of `runs`, in order of first appearance."""
    seen: dict[str, None] = {}
    for run in runs:
        seen.setdefault(run.lane, None)
    return tuple(seen)


def repeat_stats(runs: Sequence[Run]) -> tuple[LaneStats, ...]:
    """`lane_stats` of every lane among `runs`, in order of first appearance."""
    return tuple(lane_stats(runs, lane) for lane in lanes_of(runs))


def group_runs(runs: Iterable[Run], group: str) -> tuple[Run, ...]:
    """The runs of one group (a compare send or a repeat series), in their stored order."""
    return tuple(run for run in runs if run.group == group)


def last_series(runs: Sequence[Run]) -> tuple[Run, ...]:
    """The runs of the most recent repeat series among `runs` (empty when there is none):
    what a saved session's repeat table is rebuilt from."""
    for run in reversed(runs):
        if run.repeat_index is not None and run.group:
            return group_runs(runs, run.group)
    return ()


__all__ = [
    "COMPARED",
    "FAILED_STATUSES",
    "MAX_REPEAT",
    "FigureComparison",
    "FigureSpec",
    "LaneStats",
    "LaneTarget",
    "RunComparison",
    "RunSlot",
    "compare_figures",
    "compare_values",
    "figure_value",
    "group_runs",
    "lane_stats",
    "lanes_of",
    "last_series",
    "repeat_plan",
    "repeat_stats",
]
