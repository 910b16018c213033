"""Snapshots of the tool editor, and of a tool call in the conversation (the card with its
arguments and the results form) from a real run against the simulated gateway, made
deterministic by `playground.services.deterministic`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input, Static, TextArea

from playground.core.tool_examples import EXAMPLE_TOOLS
from playground.services.deterministic import PlannedClock, RechunkingTransport
from playground.sim.server import SimulatedGateway
from playground.ui.app import PlaygroundApp
from playground.ui.screens.tool_editor import ToolEditor, ToolSettings
from playground.ui.widgets.conversation import Conversation
from playground.ui.widgets.tool_results import ToolResultsForm

from support.apps import finished, make_app, ready, send, wait_for
from support.sim_thread import gateway_in_thread


class EditorHost(App[None]):
    """A plain screen under the tool editor, opened with two example tools."""

    def compose(self) -> ComposeResult:
        yield Static("main screen")

    def on_mount(self) -> None:
        tools = tuple(e.tool for e in EXAMPLE_TOOLS[:2])
        self.push_screen(ToolEditor(ToolSettings(tools, "auto")))


async def _settle_editor(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    for widget in pilot.app.screen.query("Input, TextArea"):
        if isinstance(widget, Input | TextArea):
            widget.cursor_blink = False
    await pilot.pause()


def test_tool_editor(snap_compare: Callable[..., bool]) -> None:
    """You should see "Tools: functions the model may call"; on the left the list with
    "get_weather  city, unit" highlighted and "search_docs  query, limit", New and Delete,
    three example buttons and the tool choice "auto: the model decides"; on the right the
    name get_weather, its description, its schema as numbered JSON lines, and "✓ The schema
    is valid."."""
    assert snap_compare(EditorHost(), run_before=_settle_editor, terminal_size=(120, 42))


@pytest.fixture
def gateway() -> Iterator[SimulatedGateway]:
    with gateway_in_thread(seed=7, time_scale=0) as gw:
        yield gw


def _tool_call_app(gateway: SimulatedGateway, home: Path) -> PlaygroundApp:
    return make_app(
        gateway.url, home, clock=(clock := PlannedClock()), transport=RechunkingTransport(clock)
    )


def test_tool_call_card_and_results_form(
    snap_compare: Callable[..., bool], gateway: SimulatedGateway, tmp_path: Path
) -> None:
    """You should see the user's "What's the weather in Paris?", the answer header
    "openai/gpt-4.1-mini › auto", a card "⚙ get_weather" with {"city": "Paris", "unit":
    "celsius"} pretty-printed and coloured, the run's summary line, and under it the form
    "The model called 1 tool…" with get_weather(city="Paris", unit="celsius"), an empty
    result field showing the sample as its placeholder, and Send results, Use the samples,
    Skip. The side panes are hidden."""
    app = _tool_call_app(gateway, tmp_path)

    async def run_tool_call(pilot: Pilot[Any]) -> None:
        screen = await ready(pilot)
        screen.tool_flow.apply(ToolSettings((EXAMPLE_TOOLS[0].tool,)))
        screen.action_toggle_metrics()
        await send(pilot, "What's the weather in Paris?")
        conversation = screen.query_one(Conversation)
        await wait_for(pilot, lambda: conversation.query(ToolResultsForm))
        await finished(pilot, 1)
        for widget in pilot.app.screen.query("Input, TextArea"):
            if isinstance(widget, Input | TextArea):
                widget.cursor_blink = False
        pilot.app.clear_notifications()
        await pilot.pause()
        conversation.scroll_end(animate=False)
        await pilot.pause()

    assert snap_compare(app, run_before=run_tool_call, terminal_size=(110, 40))
