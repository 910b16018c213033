"""Snapshots of the playground screen: idle, a finished answer with code, an error.

The whole app runs against the simulated gateway (its own thread, fixed seed); the gateway
client reads one event per chunk (`RechunkingTransport`) and stamps them with the gateway's
planned times (`PlannedClock`), so every figure on screen is the same in every run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from playground.services.deterministic import PlannedClock, RechunkingTransport
from playground.sim.server import SimulatedGateway

from support.apps import finished, make_app, ready, send, steady

SIZE = (160, 48)
SnapCompare = Callable[..., bool]


@pytest.fixture
def gateway_url() -> Iterator[str]:
    """A fresh gateway per test: its timing draws depend on the requests it served before,
    and under xdist which tests ran before on a worker varies."""
    with SimulatedGateway.start_in_thread(seed=11, time_scale=0) as running:
        yield running.url


def _app(gateway_url: str, home: Path) -> Any:
    clock = PlannedClock()
    return make_app(gateway_url, home, clock=clock, transport=RechunkingTransport(clock))


def test_idle_screen(snap_compare: SnapCompare, gateway_url: str, tmp_path: Path) -> None:
    """You should see the model list with openai/gpt-4.1-mini selected, its two providers
    under it with their published figures, an empty conversation with the how-to line, the
    prompt editor, and "No run yet" in the metrics sidebar. The badge says Simulated gateway."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        await steady(pilot)

    assert snap_compare(_app(gateway_url, tmp_path), run_before=run_before, terminal_size=SIZE)


def test_finished_answer_with_code(
    snap_compare: SnapCompare, gateway_url: str, tmp_path: Path
) -> None:
    """You should see the merge-sort answer: a highlighted Python block, a heading and a
    bullet list, its one-line summary (✓ ok · openai · TTFT …), and the sidebar's final
    figures with the published P50 beside the measured TTFT and decode rate."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        await send(pilot, "Write a Python function that merges two sorted lists.")
        await finished(pilot, 1)
        await steady(pilot)

    assert snap_compare(_app(gateway_url, tmp_path), run_before=run_before, terminal_size=SIZE)


def test_error_state(snap_compare: SnapCompare, gateway_url: str, tmp_path: Path) -> None:
    """You should see the partial answer kept, marked interrupted, with a red error card
    (HTTP 500 in the stream) and the hint to retry with ctrl+r; the sidebar says
    "⚠ interrupted"."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        await send(pilot, "/sim 500-mid after=40\nWhy is the sky blue?")
        await finished(pilot, 1)
        await steady(pilot)

    assert snap_compare(_app(gateway_url, tmp_path), run_before=run_before, terminal_size=SIZE)


def test_narrow_terminal(snap_compare: SnapCompare, gateway_url: str, tmp_path: Path) -> None:
    """At 100x30 the model pane folds away (ctrl+b brings it back) and the conversation, the
    editor and a narrower sidebar share the width; nothing overlaps."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        await send(pilot, "Why is the sky blue?")
        await finished(pilot, 1)
        await steady(pilot)

    assert snap_compare(_app(gateway_url, tmp_path), run_before=run_before, terminal_size=(100, 30))
