"""The fault language and where faults come from."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from playground.sim import faults
from playground.sim.faults import (
    OK,
    FaultPlan,
    FaultSpecError,
    extract_directive,
    parse_spec,
    parse_step,
)


def test_the_documented_example_parses_into_two_steps() -> None:
    first, second = parse_spec("429 retry-after=2, then 500-mid")
    assert (first.kind, first.status, first.retry_after) == ("status", 429, "2")
    assert (second.kind, second.status, second.after) == ("mid-error", 500, 5)


@pytest.mark.parametrize(
    "spec",
    ["429, 200", "429; ok", "429 then ok", "429 , then ok", "429,then ok", "429 THEN ok"],
)
def test_every_separator_splits_steps(spec: str) -> None:
    steps = parse_spec(spec)
    assert [s.kind for s in steps] == ["status", "ok"]


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("ok", "ok"),
        ("200", "ok"),
        ("pace", "ok"),
        ("503", "status"),
        ("502-mid", "mid-error"),
        ("mid-error", "mid-error"),
        ("event-error", "event-error"),
        ("cut", "cut"),
        ("drop", "drop"),
        ("stall", "stall"),
        ("malformed", "malformed"),
        ("html-200", "html-200"),
        ("no-done", "no-done"),
        ("redirect", "redirect"),
        ("308", "redirect"),
        ("outage", "outage"),
    ],
)
def test_fault_names(word: str, kind: str) -> None:
    assert parse_step(word).kind == kind


def test_options_and_modifiers() -> None:
    step = parse_step("crlf bom comments stall after=3 seconds=1.5 every=2 ttft=0.2 rate=50")
    assert step.kind == "stall"
    assert step.modifiers == {"crlf", "bom", "comments"}
    assert (step.after, step.seconds, step.every, step.ttft_s, step.rate) == (3, 1.5, 2, 0.2, 50)
    assert step.has("bom") and not step.has("gzip")


def test_status_options() -> None:
    step = parse_step("503 body=html retry-after-ms=1500 retry-after-date=30 type=overloaded")
    assert (step.status, step.body, step.retry_after_ms) == (503, "html", "1500")
    assert step.retry_after_date_s == 30
    assert step.error_type == "overloaded"


def test_redirect_and_outage_defaults() -> None:
    assert parse_step("redirect").status == 307
    assert parse_step("redirect to=https://elsewhere.example/v1").location == (
        "https://elsewhere.example/v1"
    )
    outage = parse_step("outage count=2")
    assert (outage.status, outage.count, outage.provider) == (503, 2, None)
    assert parse_step("outage provider=azure status=500").provider == "azure"


def test_tokens_option_sets_the_answer_length() -> None:
    assert parse_step("ok tokens=300").tokens == 300


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "empty"),
        ("teapot", "unknown fault"),
        ("429 after=3", "does not apply"),
        ("cut 429", "one fault per step"),
        ("150", "cannot end a response"),
        ("stall seconds=soon", "expected a number"),
        ("cut after=-1", "must not be negative"),
        ("ok rate=0", "rate"),
        ("ok tokens=0", "tokens"),
        ("ok tokens=1000001", "tokens"),
        ("redirect to=ftp://x", "http"),
        ("429 body=xml", "body="),
        ("500-mid style=grpc", "style="),
        ("outage status=200", "300-599"),
        ("ok ttft=", "needs a value"),
    ],
)
def test_bad_specs_say_what_is_wrong(spec: str, message: str) -> None:
    with pytest.raises(FaultSpecError, match=message):
        parse_spec(spec)


@given(st.text(max_size=60))
def test_any_text_parses_or_raises_a_spec_error(spec: str) -> None:
    try:
        steps = parse_spec(spec)
    except FaultSpecError:
        return
    assert steps


def test_directive_is_taken_out_of_the_message() -> None:
    spec, rest = extract_directive("Why is the sky blue?\n/sim 429 retry-after=1, then ok")
    assert spec == "429 retry-after=1, then ok"
    assert rest == "Why is the sky blue?"
    assert extract_directive("no directive here") == (None, "no directive here")
    assert extract_directive("/SIM cut after=2\nhi")[0] == "cut after=2"
    assert extract_directive("/sim")[0] == "ok"
    assert extract_directive("see /sim in the docs")[0] is None


def test_sources_in_priority_order() -> None:
    plan = FaultPlan(parse_spec("503"))
    plan.inject(parse_spec("429"))
    assert plan.next_for("chat", header="500", directive="502").status == 500
    assert plan.next_for("chat", header=None, directive="502").status == 502
    assert plan.next_for("chat", header=None, directive=None).status == 429
    assert plan.next_for("chat", header=None, directive=None).status == 503
    assert plan.next_for("models", header=None, directive=None) is OK


def test_queued_faults_are_used_once_each_in_order() -> None:
    plan = FaultPlan()
    plan.inject(parse_spec("429, 500"), times=2)
    assert plan.pending == 4
    seen = [plan.next_for("chat", header=None, directive=None).status for _ in range(5)]
    assert seen == [429, 500, 429, 500, None]


def test_queued_faults_keep_to_their_route() -> None:
    plan = FaultPlan()
    plan.inject(parse_spec("503"), route="models")
    assert plan.next_for("chat", header=None, directive=None) is OK
    assert plan.next_for("models", header=None, directive=None).status == 503
    plan.inject(parse_spec("502"), route="any")
    assert plan.next_for("chat", header=None, directive=None).status == 502


def test_header_sequences_advance_per_request_and_start_over() -> None:
    plan = FaultPlan()
    spec = "429, 500-mid, ok"
    kinds = [plan.next_for("chat", header=spec, directive=None).kind for _ in range(4)]
    assert kinds == ["status", "mid-error", "ok", "status"]
    assert plan.next_for("chat", header="503", directive=None).status == 503  # its own cursor


def test_an_idle_sequence_resets() -> None:
    clock = [1000.0]
    plan = FaultPlan(clock=lambda: clock[0])
    assert plan.next_for("chat", header="429, ok", directive=None).kind == "status"
    clock[0] += faults.IDLE_RESET_S + 1
    assert plan.next_for("chat", header="429, ok", directive=None).kind == "status"
    assert plan.next_for("chat", header="429, ok", directive=None).kind == "ok"


def test_clear_forgets_queue_and_cursors_but_not_standing_faults() -> None:
    plan = FaultPlan(parse_spec("503"))
    plan.inject(parse_spec("429"))
    plan.next_for("chat", header="429, ok", directive=None)
    plan.clear()
    assert plan.pending == 0
    assert plan.next_for("chat", header="429, ok", directive=None).kind == "status"
    assert plan.next_for("chat", header=None, directive=None).status == 503


def test_a_bad_header_raises() -> None:
    with pytest.raises(FaultSpecError):
        FaultPlan().next_for("chat", header="nonsense", directive=None)
