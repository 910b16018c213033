"""Building the app for Pilot tests: the real app, the real simulated gateway over loopback,
files under `tmp_path`, the in-memory keyring."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from textual.pilot import Pilot

from playground.services import StartOptions
from playground.store.paths import Paths
from playground.ui.app import LaunchOptions, PlaygroundApp
from playground.ui.screens.main import MainScreen
from playground.ui.widgets.prompt_editor import PromptEditor


def make_app(
    gateway_url: str,
    home: Path,
    *,
    model: str | None = "openai/gpt-4.1-mini",
    provider: str | None = None,
    clock: Callable[[], int] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> PlaygroundApp:
    """The app on the simulated gateway at `gateway_url`, its files under `home`."""
    return PlaygroundApp(
        LaunchOptions(
            start=StartOptions(simulator_url=gateway_url, use_keyring=False),
            model=model,
            provider=provider,
            paths=Paths.under(home / "playground"),
            clock=clock,
            transport=transport,
        )
    )


async def wait_for(
    pilot: Pilot[Any], predicate: Callable[[], object], *, seconds: float = 15.0
) -> None:
    """Pause until `predicate()` is true (a single `pause()` is not enough for workers)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {predicate}")
        await pilot.pause(0.02)


async def ready(pilot: Pilot[Any]) -> MainScreen:
    """Wait until the services are attached and the catalog is shown."""
    app = pilot.app
    assert isinstance(app, PlaygroundApp)
    await wait_for(pilot, lambda: app.state is not None and len(app.screen_main.catalog) > 0)
    await pilot.pause()
    return app.screen_main


async def send(pilot: Pilot[Any], text: str) -> None:
    """Type `text` as the message and press ctrl+j."""
    screen = pilot.app.screen
    editor = screen.query_one(PromptEditor)
    editor.message = text
    editor.focus_message()
    await pilot.press("ctrl+j")


async def finished(pilot: Pilot[Any], runs: int) -> None:
    """Wait until the session holds `runs` runs and nothing streams."""
    app = pilot.app
    assert isinstance(app, PlaygroundApp)
    await wait_for(
        pilot,
        lambda: (
            app.state is not None and len(app.state.runs) >= runs and not app.screen_main.streaming
        ),
    )
    await pilot.pause()


async def steady(pilot: Pilot[Any]) -> None:
    """Stop every cursor from blinking (a snapshot must not catch it half-way)."""
    from textual.widgets import Input, TextArea

    for area in pilot.app.screen.query(TextArea):
        area.cursor_blink = False
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause(0.1)
