"""Snapshots of the compare screen after a repeat, at 160x48 and at 100x30.

Deterministic: the simulated gateway has a fixed seed, `RechunkingTransport` hands the client
one event per read and `PlannedClock` stamps each with the time the gateway planned for it, so
the figures are the ones a user sees and the same in every run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from playground.services.deterministic import PlannedClock, RechunkingTransport
from playground.sim.server import SimulatedGateway
from playground.ui.app import PlaygroundApp
from playground.ui.screens.compare import CompareScreen
from playground.ui.widgets.lane_figures import LaneFigures
from playground.ui.widgets.prompt_editor import PromptEditor

from support.apps import make_app, ready, wait_for


@pytest.fixture
def gateway() -> Iterator[str]:
    """A fresh gateway per snapshot: its state (request count, caches) must not depend on
    which test ran before on the same worker."""
    with SimulatedGateway.start_in_thread(seed=11, time_scale=0) as running:
        yield running.url


def _app(gateway: str, home: Path) -> PlaygroundApp:
    return make_app(
        gateway, home, clock=(clock := PlannedClock()), transport=RechunkingTransport(clock)
    )


async def _repeat_three(pilot: Pilot[None]) -> None:
    main = await ready(pilot)
    main.query_one(PromptEditor).message = "Hello there!"
    await pilot.press("ctrl+t")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CompareScreen))
    screen = pilot.app.screen
    assert isinstance(screen, CompareScreen)
    await wait_for(pilot, lambda: screen.targets["B"].provider is not None)
    screen.set_target("A", provider="azure")
    screen.set_target("B", provider="openai")
    screen.query_one("#repeat-n", Input).value = "3"
    await pilot.press("ctrl+r")
    app = pilot.app
    assert isinstance(app, PlaygroundApp)
    await wait_for(
        pilot, lambda: app.state is not None and len(app.state.runs) == 6 and not screen.streaming
    )
    # What is left is wall-clock: the tokens-per-second sparklines (sampled on a timer),
    # the toasts and the blinking cursor (nothing keeps focus for the picture).
    for figures in screen.query(LaneFigures):
        figures.reset_rates()
    app.clear_notifications()
    screen.set_focus(None)
    await pilot.pause(0.3)
    await pilot.pause()


def test_compare_after_a_repeat_at_160x48(
    snap_compare: Callable[..., bool], gateway: str, tmp_path: Path
) -> None:
    """You should see lane A (azure) and lane B (openai) with their last answers and figures,
    the comparison strip with ✓ on the better values and their ratios, "done: 6 runs", and
    under it each lane's table of min / P50 / P95 / max with the published P50 beside, the
    cost per run and a bar plot of TTFT per run."""
    assert snap_compare(_app(gateway, tmp_path), run_before=_repeat_three, terminal_size=(160, 48))


def test_compare_after_a_repeat_at_100x30(
    snap_compare: Callable[..., bool], gateway: str, tmp_path: Path
) -> None:
    """You should see the same at 100 columns: the title bar and the send row folded away,
    the repeat table (heading and summary on one line, narrower cells) in place of the strip."""
    assert snap_compare(_app(gateway, tmp_path), run_before=_repeat_three, terminal_size=(100, 30))
