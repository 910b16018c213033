"""Provides `take_screenshots`: the app driven against the in-process simulated gateway, the
way a user would, with an SVG saved at each step worth showing.

Everything that could vary is fixed: the gateway's seed, the clock (`PlannedClock`: the
times the gateway planned, so the figures are the ones a user sees), how the stream is read
(`RechunkingTransport`, one event per read), the terminal size, the app's
files (a fresh temporary folder, so neither the user's config nor their themes show), and
the gateway's port where it is free. The app runs on the simulated gateway even when a key is
set in the environment, and no screenshot can show a key: the badge names the gateway and
view code names only the key's variable.

Each shot is a function here, named ``shoot_<what>``, taking the pilot and returning the
file stem and its SVG; `SHOTS` lists them in order.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from playground.core.request import Params
from playground.services import StartOptions
from playground.services.deterministic import PlannedClock, RechunkingTransport
from playground.sim.server import SimulatedGateway
from playground.store.atomic import atomic_write_text
from playground.store.paths import Paths
from playground.ui.app import LaunchOptions, PlaygroundApp
from playground.ui.screens.main import MainScreen
from playground.ui.screens.view_code import ViewCodeScreen
from playground.ui.widgets.model_picker import ModelPicker
from playground.ui.widgets.prompt_editor import PromptEditor, PromptSettings

SIZE = (160, 48)
"""Columns and rows of every screenshot."""
SEED = 8
"""The simulated gateway's seed (answers, timings, ids)."""
PREFERRED_PORT = 8765
"""The port the gateway asks for, so the URL in view code is the same from run to run (and
the same as ``playground sim``'s); any free port when it is taken."""
PROMPT = "Explain recursion"
"""Its answer has a heading, a list, a Python block and a table."""
SCREENSHOT_MODE = 0o644
"""Screenshots are committed and published: readable by everyone, unlike the app's files."""


@dataclass(frozen=True, slots=True)
class Shot:
    """One screenshot written."""

    name: str
    """The file stem, e.g. ``main``."""
    path: Path


Shooter = Callable[[Pilot[Any]], Awaitable[tuple[str, str] | None]]
"""Takes one screenshot: returns the file stem and the SVG (None: nothing to show)."""


async def _wait(pilot: Pilot[Any], predicate: Callable[[], object], seconds: float = 30) -> None:
    for _ in range(int(seconds / 0.02)):
        if predicate():
            return
        await pilot.pause(0.02)
    raise TimeoutError(f"the app did not reach the state for a screenshot: {predicate}")


async def _steady(pilot: Pilot[Any]) -> None:
    """No cursor caught mid-blink, nothing left to paint."""
    from textual.widgets import Input, TextArea

    for area in pilot.app.screen.query(TextArea):
        area.cursor_blink = False
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause(0.1)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _app(pilot: Pilot[Any]) -> PlaygroundApp:
    app = pilot.app
    assert isinstance(app, PlaygroundApp)
    return app


async def _export(pilot: Pilot[Any], name: str) -> tuple[str, str]:
    await _steady(pilot)
    return name, pilot.app.export_screenshot(title="Gateway Playground")


# -- the shots, in order ---------------------------------------------------------------------


async def shoot_main(pilot: Pilot[Any]) -> tuple[str, str]:
    """The main screen after an answer with code and a table, pinned to a provider, with a
    system prompt and two parameters set."""
    app = _app(pilot)
    await _wait(pilot, lambda: app.state is not None and len(app.screen_main.catalog) > 0)
    main = app.screen_main
    main.provider = "azure"
    editor = main.query_one(PromptEditor)
    editor.apply(
        PromptSettings(
            system="You are a patient teacher. Use one short example.",
            params=Params(temperature=0.7, max_tokens=1024),
        )
    )
    editor.message = PROMPT
    editor.focus_message()
    await pilot.press("ctrl+j")
    await _wait(
        pilot, lambda: app.state is not None and len(app.state.runs) == 1 and not main.streaming
    )
    return await _export(pilot, "main")


async def shoot_model_picker(pilot: Pilot[Any]) -> tuple[str, str]:
    """The model picker searching for ``mini``."""
    main = _app(pilot).screen_main
    picker = main.query_one(ModelPicker)
    await pilot.press("ctrl+l")
    await pilot.press(*"mini")
    await _wait(
        pilot,
        lambda: (
            picker.search_text == "mini"
            and bool(picker.shown)
            and all("mini" in model.id for model in picker.shown[:3])
        ),
    )
    name_svg = await _export(pilot, "model-picker")
    picker.action_clear_search()
    main.query_one(PromptEditor).focus_message()
    await pilot.pause()
    return name_svg


async def shoot_view_code(pilot: Pilot[Any]) -> tuple[str, str]:
    """View code of the request just sent, on its TypeScript tab."""
    await pilot.press("f4")
    await _wait(pilot, lambda: isinstance(pilot.app.screen, ViewCodeScreen))
    name_svg = await _export(pilot, "view-code")
    await pilot.press("escape")
    await _wait(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
    return name_svg


async def shoot_light_theme(pilot: Pilot[Any]) -> tuple[str, str]:
    """The same screen under the light theme."""
    app = _app(pilot)
    app.theme = "playground-light"
    await pilot.pause(0.2)
    name_svg = await _export(pilot, "theme-light")
    app.theme = "playground-dark"
    await pilot.pause()
    return name_svg


COMPARE_MODULE = "playground.ui.screens.compare"
"""The compare screen, built on its own branch; `shoot_compare` shoots it once it exists."""


def compare_screen_available() -> bool:
    """Whether the compare screen is part of this install."""
    import importlib.util

    return importlib.util.find_spec(COMPARE_MODULE) is not None


async def shoot_compare(pilot: Pilot[Any]) -> tuple[str, str] | None:
    """The compare screen, opened from the main screen with ctrl+t, azure against openai
    after a Repeat ×5 (ctrl+r), so the picture shows the P50/P95 table, as DESIGN.md
    describes it (None, and nothing written, while ``playground/ui/screens/compare.py``
    does not exist)."""
    if not compare_screen_available():
        return None
    from textual.widgets import Input

    from playground.ui.screens.compare import CompareScreen

    app = _app(pilot)
    await pilot.press("ctrl+t")
    await _wait(pilot, lambda: isinstance(app.screen, CompareScreen))
    screen = app.screen
    assert isinstance(screen, CompareScreen)
    screen.set_target("A", provider="azure")
    screen.set_target("B", provider="openai")
    screen.query_one(PromptEditor).message = "Why is the sky blue?"
    screen.query_one("#repeat-n", Input).value = "5"
    before = len(app.state.runs) if app.state is not None else 0
    await pilot.press("ctrl+r")
    await _wait(
        pilot,
        lambda: app.state is not None and len(app.state.runs) >= before + 10,
        seconds=60,
    )
    await _wait(pilot, lambda: not screen.streaming)
    screen.set_focus(None)
    return await _export(pilot, "compare")


SHOTS: tuple[Shooter, ...] = (
    shoot_main,
    shoot_model_picker,
    shoot_view_code,
    shoot_light_theme,
    shoot_compare,
)
"""The screenshots, in the order they are taken (each starts where the previous one ended)."""


async def take_screenshots(out: Path, *, log: Callable[[str], None] | None = None) -> list[Shot]:
    """Drive the app and write every screenshot into `out` (created if missing).

    Args:
        out: The folder for the ``.svg`` files.
        log: Called with one line per file written.

    Returns:
        The screenshots written, in order.
    """
    await asyncio.to_thread(out.mkdir, parents=True, exist_ok=True)
    shots: list[Shot] = []
    gateway = await _start_gateway()
    try:
        with tempfile.TemporaryDirectory(prefix="playground-screenshots-") as home:
            app = PlaygroundApp(
                LaunchOptions(
                    start=StartOptions(
                        simulator_url=gateway.url, simulated=True, use_keyring=False
                    ),
                    model="openai/gpt-4.1-mini",
                    paths=Paths.under(Path(home)),
                    clock=(clock := PlannedClock()),
                    transport=RechunkingTransport(clock),
                )
            )
            async with app.run_test(size=SIZE, notifications=False) as pilot:
                for shooter in SHOTS:
                    taken = await shooter(pilot)
                    if taken is None:
                        if log is not None and shooter is shoot_compare:
                            log("skipped compare.svg: the compare screen is not in this build")
                        continue
                    name, svg = taken
                    path = await asyncio.to_thread(
                        atomic_write_text, out / f"{name}.svg", svg, mode=SCREENSHOT_MODE
                    )
                    shots.append(Shot(name, path))
                    if log is not None:
                        log(f"wrote {path}")
    finally:
        await gateway.stop()
    return shots


async def _start_gateway() -> SimulatedGateway:
    """The simulated gateway, started on `PREFERRED_PORT`, or on any free port."""
    gateway = SimulatedGateway(seed=SEED, time_scale=0, port=PREFERRED_PORT)
    try:
        await gateway.start()
    except OSError:  # taken (a `playground sim` running, another screenshot run)
        gateway = SimulatedGateway(seed=SEED, time_scale=0)
        await gateway.start()
    return gateway
