"""core.compare: comparing two runs, the repeat plan and statistics, and the word diff."""

from __future__ import annotations

import itertools
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from playground.core.answer_diff import diff_runs, word_diff, word_tokens
from playground.core.compare import (
    COMPARED,
    FigureSpec,
    compare_figures,
    compare_values,
    group_runs,
    lane_stats,
    last_series,
    repeat_plan,
    repeat_stats,
)
from playground.core.request import ChatRequest, Message, ToolCall
from playground.core.run import ErrorInfo, Figures, Run, RunStatus, TokenCounts
from playground.core.session import SessionProfile, new_session, session_from_dict, session_to_dict
from playground.core.stats import summarize

REQUEST = ChatRequest("openai/gpt-4.1-mini", (Message("user", "hi"),)).pinned_to("azure")


def make_run(
    lane: str = "A",
    *,
    status: RunStatus = "ok",
    ttft: float | None = 0.7,
    decode: float | None = 80.0,
    total: float | None = 3.0,
    output: int | None = 200,
    cost: Decimal | None = Decimal("0.00032"),
    served_by: str | None = "azure",
    group: str = "g1",
    repeat_index: int | None = 0,
    warmup: bool = False,
    text: str = "",
    finish_reason: str | None = "stop",
    tool_calls: tuple[ToolCall, ...] = (),
) -> Run:
    figures = Figures(
        status=status,
        ttft_s=ttft,
        decode_rate=decode,
        total_s=total,
        tokens=TokenCounts(prompt=10, output=output),
        cost=cost,
        cost_source="gateway" if cost is not None else None,
        served_by=served_by,
    )
    return Run(
        id=f"run_{lane}_{repeat_index}_{warmup}",
        request=REQUEST,
        started_at=0.0,
        text=text,
        reasoning="",
        tool_calls=tool_calls,
        finish_reason=finish_reason,
        figures=figures,
        error=ErrorInfo("server", "boom") if status == "error" else None,
        lane=lane,
        group=group,
        repeat_index=repeat_index,
        warmup=warmup,
    )


# -- comparing two runs ---------------------------------------------------------------------


def test_the_faster_lane_is_marked_on_every_figure_with_its_ratio() -> None:
    a = make_run("A", ttft=0.7, decode=78.0, total=4.0, cost=Decimal("0.0004")).figures
    b = make_run("B", ttft=0.6, decode=92.0, total=3.5, cost=Decimal("0.0004")).figures
    comparison = compare_figures(a, b)
    assert [f.key for f in comparison.figures] == [s.key for s in COMPARED]
    ttft = comparison.get("ttft")
    assert ttft.better == "b" and ttft.ratio == pytest.approx(0.7 / 0.6)
    decode = comparison.get("decode")
    assert decode.better == "b" and decode.ratio == pytest.approx(92 / 78)
    assert comparison.get("total").better == "b"
    assert comparison.get("cost").better is None  # equal
    assert comparison.get("cost").ratio == 1.0
    assert comparison.get("output").better is None  # longer is not better
    assert comparison.served_by == ("azure", "azure")


def test_while_a_lane_streams_only_its_settled_ttft_is_judged() -> None:
    """A running total or cost is not yet a result: a half-finished run is not 'cheaper'."""
    running = make_run("A", status="running", ttft=0.6, total=1.0, cost=Decimal("0.0001"))
    done = make_run("B", ttft=0.7, total=4.0, cost=Decimal("0.0004"))
    comparison = compare_figures(running.figures, done.figures)
    assert comparison.get("ttft").better == "a"
    for key in ("decode", "total", "cost"):
        figure = comparison.get(key)
        assert figure.better is None and figure.ratio is None
        assert figure.a is not None  # the values are still shown
    finished = compare_figures(
        make_run("A", ttft=0.6, total=1.0, cost=Decimal("0.0001")).figures, done.figures
    )
    assert finished.get("total").better == "a" and finished.get("cost").better == "a"


def test_a_missing_figure_marks_nothing() -> None:
    a = make_run(ttft=None).figures
    b = make_run(ttft=0.5).figures
    ttft = compare_figures(a, b).get("ttft")
    assert ttft.better is None and ttft.ratio is None


@given(
    a=st.floats(min_value=1e-6, max_value=1e6),
    b=st.floats(min_value=1e-6, max_value=1e6),
    direction=st.sampled_from(["lower", "higher"]),
)
def test_better_side_follows_the_direction_and_the_ratio_is_at_least_one(
    a: float, b: float, direction: str
) -> None:
    spec = FigureSpec("ttft", "x", "lower" if direction == "lower" else "higher")
    result = compare_values(spec, a, b)
    assert result.ratio is not None and result.ratio >= 1.0
    if a == b:
        assert result.better is None
    else:
        lower_is_a = a < b
        expected = (
            ("a" if lower_is_a else "b") if direction == "lower" else ("b" if lower_is_a else "a")
        )
        assert result.better == expected
    # Swapping the runs swaps the answer.
    swapped = compare_values(spec, b, a)
    assert swapped.ratio == result.ratio
    assert swapped.better == {"a": "b", "b": "a", None: None}[result.better]


# -- the repeat plan ------------------------------------------------------------------------


def test_repeat_plan_interleaves_the_lanes() -> None:
    plan = repeat_plan(["A", "B"], 3, group="g")
    assert [(s.lane, s.repeat_index, s.warmup) for s in plan] == [
        ("A", 0, False),
        ("B", 0, False),
        ("A", 1, False),
        ("B", 1, False),
        ("A", 2, False),
        ("B", 2, False),
    ]
    assert {s.group for s in plan} == {"g"}


def test_repeat_plan_puts_the_warm_up_round_first() -> None:
    plan = repeat_plan(["A", "B"], 2, warmup=True)
    assert [(s.lane, s.repeat_index, s.warmup) for s in plan] == [
        ("A", 0, True),
        ("B", 0, True),
        ("A", 1, False),
        ("B", 1, False),
        ("A", 2, False),
        ("B", 2, False),
    ]


@given(
    lanes=st.lists(st.sampled_from("ABCDE"), min_size=1, max_size=5, unique=True),
    n=st.integers(1, 40),
    warmup=st.booleans(),
)
def test_every_prefix_of_a_plan_is_balanced(lanes: list[str], n: int, warmup: bool) -> None:
    plan = repeat_plan(lanes, n, warmup=warmup)
    assert len(plan) == len(lanes) * (n + warmup)
    assert sum(not s.warmup for s in plan) == len(lanes) * n
    # At any point no lane is more than one run ahead of another: drift hits them alike.
    counts = dict.fromkeys(lanes, 0)
    for slot in plan:
        counts[slot.lane] += 1
        assert max(counts.values()) - min(counts.values()) <= 1
    for lane in lanes:
        indexes = [s.repeat_index for s in plan if s.lane == lane]
        assert indexes == list(range(n + warmup))


@pytest.mark.parametrize("n", [0, -1, 1001])
def test_repeat_plan_refuses_silly_counts(n: int) -> None:
    with pytest.raises(ValueError, match="between 1 and"):
        repeat_plan(["A", "B"], n)


def test_repeat_plan_refuses_duplicate_lanes() -> None:
    with pytest.raises(ValueError, match="distinct"):
        repeat_plan(["A", "A"], 2)


# -- repeat statistics ----------------------------------------------------------------------


def _series() -> list[Run]:
    runs = [make_run("A", ttft=5.0, repeat_index=0, warmup=True, cost=Decimal("1"))]
    runs.append(make_run("B", ttft=5.0, repeat_index=0, warmup=True, served_by="openai"))
    ttfts_a = [0.70, 0.65, 0.80, 0.72, 0.69]
    ttfts_b = [0.60, 0.58, 0.66, 0.61, 0.63]
    for i, (ta, tb) in enumerate(zip(ttfts_a, ttfts_b, strict=True), start=1):
        runs.append(make_run("A", ttft=ta, decode=78 + i, total=3 + ta, repeat_index=i))
        runs.append(
            make_run(
                "B",
                ttft=tb,
                decode=92 + i,
                total=2.5 + tb,
                repeat_index=i,
                served_by="openai",
                cost=Decimal("0.00031"),
            )
        )
    runs.append(
        make_run("A", status="error", ttft=None, decode=None, total=0.2, repeat_index=6, cost=None)
    )
    return runs


def test_lane_stats_leave_out_warm_ups_and_failures_and_count_errors() -> None:
    stats = lane_stats(_series(), "A")
    assert stats.runs == 6 and stats.warmups == 1
    assert stats.ok == 5 and stats.errors == 1 and stats.stopped == 0
    assert stats.ttft is not None
    assert stats.ttft.n == 5
    assert stats.ttft.min == 0.65 and stats.ttft.max == 0.80
    assert stats.ttft.p50 == 0.70
    assert stats.ttft == summarize([0.70, 0.65, 0.80, 0.72, 0.69])
    assert stats.ttft_series == (0.70, 0.65, 0.80, 0.72, 0.69, None)
    assert stats.provider == "azure" and stats.served_by == ("azure",)
    assert stats.model == "openai/gpt-4.1-mini"


def test_cost_per_run_is_an_exact_decimal_mean() -> None:
    runs = [
        make_run("A", cost=Decimal("0.000001"), repeat_index=0),
        make_run("A", cost=Decimal("0.000002"), repeat_index=1),
        make_run("A", cost=Decimal("0.000004"), repeat_index=2),
        make_run("A", cost=None, repeat_index=3),
    ]
    stats = lane_stats(runs, "A")
    assert stats.cost_per_run == Decimal("0.000007") / 3
    assert isinstance(stats.cost_per_run, Decimal)
    assert stats.cost_runs == 3


def test_statistics_from_a_saved_and_reloaded_session_equal_the_live_ones() -> None:
    runs = _series()
    live = repeat_stats(runs)
    session = new_session(SessionProfile("simulated", "http://127.0.0.1:1/v1"))
    for run in runs:
        session = session.with_run(run)
    reloaded = session_from_dict(session_to_dict(session))
    assert repeat_stats(last_series(reloaded.runs)) == live
    assert [s.lane for s in live] == ["A", "B"]


def test_last_series_is_the_most_recent_group_with_repeat_indexes() -> None:
    first = [make_run("A", group="g1"), make_run("B", group="g1")]
    single = [make_run("", group="", repeat_index=None)]
    second = [make_run("A", group="g2", repeat_index=0), make_run("B", group="g2")]
    compare_send = [make_run("A", group="g3", repeat_index=None)]
    runs = first + second + single + compare_send
    assert last_series(runs) == tuple(second)
    assert group_runs(runs, "g1") == tuple(first)
    assert last_series(single) == ()


def test_a_lane_without_runs_has_no_figures() -> None:
    stats = lane_stats([make_run("A")], "B")
    assert stats.runs == 0 and stats.ttft is None and stats.cost_per_run is None


# -- the diff -------------------------------------------------------------------------------

texts = st.lists(
    st.sampled_from([*"ab c\n\t.,'’-", "the", "sky", " ", "é", "語"]), max_size=60
).map("".join)


@given(text=st.text(max_size=200))
def test_word_tokens_join_back_into_the_text(text: str) -> None:
    assert "".join(word_tokens(text)) == text


@given(a=texts, b=texts)
def test_the_chunks_rebuild_both_texts(a: str, b: str) -> None:
    diff = word_diff(a, b)
    assert "".join(c.a for c in diff.chunks) == a
    assert "".join(c.b for c in diff.chunks) == b
    assert 0.0 <= diff.similarity <= 1.0
    for chunk in diff.chunks:
        if chunk.kind == "equal":
            keys = [[t.strip() for t in word_tokens(text)] for text in (chunk.a, chunk.b)]
            assert keys[0] == keys[1]
        if chunk.kind == "delete":
            assert chunk.b == ""
        if chunk.kind == "insert":
            assert chunk.a == ""


@given(text=texts)
def test_a_text_is_identical_to_itself(text: str) -> None:
    diff = word_diff(text, text)
    assert diff.identical and diff.similarity == 1.0


def test_word_diff_finds_the_changed_word_and_ignores_reflowed_whitespace() -> None:
    a = "The sky is blue because\nair scatters short waves."
    b = "The sky is blue because air scatters shorter waves."
    diff = word_diff(a, b)
    changed = [(c.kind, c.a.strip(), c.b.strip()) for c in diff.chunks if c.kind != "equal"]
    assert changed == [("replace", "short", "shorter")]
    assert diff.a_words == diff.b_words == 10  # nine words and the full stop
    assert diff.same_words == 9


def test_diff_runs_lists_finish_reason_tokens_and_tool_calls() -> None:
    a = make_run("A", text="Paris is sunny.", output=4, finish_reason="stop")
    b = make_run(
        "B",
        text="",
        output=12,
        finish_reason="tool_calls",
        tool_calls=(ToolCall("c1", "get_weather", '{"city": "Paris"}'),),
    )
    diff = diff_runs(a, b)
    by_label = {f.label: f for f in diff.fields}
    assert by_label["Finish reason"].a == "stop" and by_label["Finish reason"].b == "tool_calls"
    assert by_label["Output tokens"].a == "4" and by_label["Output tokens"].b == "12"
    assert by_label["Tool calls"].a == "0" and by_label["Tool calls"].b == "1"
    assert by_label["Tool call 1"].b == 'get_weather({"city": "Paris"})'
    assert by_label["Status"].same
    labels = [f.label for f in diff.differences]
    assert labels == ["Finish reason", "Output tokens", "Tool calls", "Tool call 1"]
    assert [c.kind for c in diff.words.chunks] == ["delete"]
    assert diff.reasoning is None


def test_diff_of_identical_runs_has_no_differences() -> None:
    run = make_run(text="Same answer.")
    diff = diff_runs(run, replace(run, lane="B"))
    assert diff.differences == () and diff.words.identical


def test_pairs_of_lanes_are_interleaved_in_stored_order() -> None:
    plan = repeat_plan(["A", "B"], 4)
    lanes = "".join(s.lane for s in plan)
    assert lanes == "ABABABAB"
    assert all(a != b for a, b in itertools.pairwise(lanes))
