"""`chart_lines`: bars that stand on zero, stretched or averaged to the width."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from playground.ui.widgets.rate_chart import BARS, chart_lines


def test_a_steady_rate_is_a_flat_block_not_a_comb() -> None:
    lines = chart_lines([76.0, 80.0, 78.0, 79.0, 77.0] * 6, width=30, height=3)
    assert len(lines) == 3 and all(len(line) == 30 for line in lines)
    assert " " not in lines[2] and " " not in lines[1]  # every column reaches past two rows
    assert set(lines[2]) == {BARS[-1]}


def test_a_stall_dips_to_the_baseline_and_empty_data_is_a_baseline() -> None:
    lines = chart_lines([100.0] * 10 + [0.0] * 10 + [100.0] * 10, width=30, height=2)
    assert lines[0][10:20] == " " * 10
    assert lines[1][10:20] == BARS[0] * 10
    assert lines[0][:10] == BARS[-1] * 10
    assert chart_lines([], width=5, height=2) == [" " * 5, BARS[0] * 5]


def test_few_samples_are_stretched_across_the_width() -> None:
    (line,) = chart_lines([50.0, 100.0], width=10, height=1)
    assert line == BARS[3] * 5 + BARS[7] * 5


@given(
    data=st.lists(st.floats(min_value=0, max_value=1e6), max_size=200),
    width=st.integers(min_value=1, max_value=80),
    height=st.integers(min_value=1, max_value=4),
)
def test_always_the_asked_size(data: list[float], width: int, height: int) -> None:
    lines = chart_lines(data, width, height)
    assert len(lines) == height and all(len(line) == width for line in lines)
