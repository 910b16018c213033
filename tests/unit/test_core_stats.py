"""min / P50 / P95 / max, checked against a reference implementation."""

from __future__ import annotations

import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from playground.core.stats import percentile, summarize


def test_known_values() -> None:
    summary = summarize([0.7, 0.6, None, 0.9, 0.5])
    assert summary is not None
    assert (summary.n, summary.min, summary.max) == (4, 0.5, 0.9)
    assert summary.p50 == pytest.approx(0.65)
    assert summary.p95 == pytest.approx(0.87)
    assert summarize([]) is None and summarize([None]) is None


@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=2, max_size=60))
def test_matches_the_standard_library(values: list[float]) -> None:
    ordered = sorted(values)
    # statistics.quantiles(method="inclusive") is the same linear interpolation
    cuts = statistics.quantiles(ordered, n=20, method="inclusive")
    assert percentile(ordered, 95) == pytest.approx(cuts[18], rel=1e-9, abs=1e-9)
    assert percentile(ordered, 50) == pytest.approx(statistics.median(ordered), rel=1e-9)
