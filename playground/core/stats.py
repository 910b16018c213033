"""min / P50 / P95 / max over many runs, for repeat mode and headless comparisons."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Summary:
    """A distribution in five numbers. Percentiles interpolate linearly between order
    statistics (NumPy's default ``linear`` method), so P50 of an even count is the mean of the
    middle two."""

    n: int
    min: float
    p50: float
    p95: float
    max: float
    mean: float


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """The `q`-th percentile (0–100) of already sorted values, linear interpolation."""
    if not sorted_values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError("q must be within 0..100")
    position = (len(sorted_values) - 1) * q / 100
    lower = math.floor(position)
    upper = min(lower + 1, len(sorted_values) - 1)
    fraction = position - lower
    return sorted_values[lower] + (sorted_values[upper] - sorted_values[lower]) * fraction


def summarize(values: Iterable[float | None]) -> Summary | None:
    """Summary of the values that exist (None and NaN are left out); None if there are none."""
    kept = sorted(v for v in values if v is not None and not math.isnan(v))
    if not kept:
        return None
    return Summary(
        n=len(kept),
        min=kept[0],
        p50=percentile(kept, 50),
        p95=percentile(kept, 95),
        max=kept[-1],
        mean=math.fsum(kept) / len(kept),
    )
