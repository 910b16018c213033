"""Themes in the running app: switched from the palette's Theme command, code colours
following, the choice saved and restored, broken user themes reported and skipped."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from playground.sim.server import SimulatedGateway
from playground.store.config import ConfigStore
from playground.store.paths import Paths
from playground.ui.app import PlaygroundApp
from playground.ui.widgets.answer_view import AnswerView
from playground.ui.widgets.conversation import Conversation

from support.apps import finished, make_app, ready, send, wait_for


@pytest.fixture
async def gateway() -> AsyncIterator[SimulatedGateway]:
    async with SimulatedGateway(seed=3, time_scale=0) as gw:
        yield gw


def _recording(gateway_url: str, home: Path) -> tuple[PlaygroundApp, list[str]]:
    """The app, with every notice it shows kept in the list."""
    app = make_app(gateway_url, home)
    notices: list[str] = []
    notify = app.notify

    def recording_notify(message: str, **kwargs: Any) -> None:
        notices.append(str(message))
        notify(message, **kwargs)

    app.notify = recording_notify  # type: ignore[method-assign]
    return app, notices


def _paths(home: Path) -> Paths:
    return Paths.under(home / "playground")


def _color_of(view: AnswerView, word: str) -> str | None:
    """The colour the view paints `word` with (the first segment that is exactly it)."""
    for line in view.rendered_lines():
        for segment in line:
            if segment.text == word and segment.style is not None and segment.style.color:
                return str(segment.style.color.triplet.hex if segment.style.color.triplet else "")
    return None


async def _pick_theme(pilot: Pilot[Any], name: str) -> None:
    """ctrl+p, the "Theme" command, then the theme by name: what a user does."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*"theme")
    await pilot.pause(0.2)
    await pilot.press("enter")
    await pilot.pause(0.2)
    await pilot.press(*name)
    await pilot.pause(0.2)
    await pilot.press("enter")
    await wait_for(pilot, lambda: pilot.app.theme == name)


async def test_palette_switch_recolours_code_and_is_saved(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    app = make_app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await ready(pilot)
        assert app.theme == "playground-dark"
        await send(pilot, "Explain recursion")
        await finished(pilot, 1)
        turn = screen.query_one(Conversation).last_answer
        assert turn is not None
        view = turn.answer
        await wait_for(pilot, lambda: _color_of(view, "def") is not None)
        dark_def = _color_of(view, "def")
        assert view.markdown_theme.code_theme == "monokai"

        await _pick_theme(pilot, "playground-light")
        await wait_for(pilot, lambda: _color_of(view, "def") != dark_def)
        assert view.code_theme == "friendly"
        assert view.markdown_theme.code_theme == "friendly"
        assert _color_of(view, "def") == "#007020"  # friendly's keyword green
        assert dark_def == "#66d9ef"  # monokai's keyword blue

        store = ConfigStore(_paths(tmp_path))
        await wait_for(pilot, lambda: store.load().config.theme == "playground-light")

        # An answer view created after the switch follows the theme too ("auto").
        await send(pilot, "Explain recursion")
        await finished(pilot, 2)
        newest = screen.query_one(Conversation).last_answer
        assert newest is not None and newest.answer is not view
        assert newest.answer.markdown_theme.code_theme == "friendly"


async def test_the_saved_theme_is_restored_at_start(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    paths = _paths(tmp_path)
    paths.config.mkdir(parents=True)
    paths.config_file.write_text('theme = "playground-dusk"\n')
    app = make_app(gateway.url, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert app.theme == "playground-dusk"
        assert app.themes.code_theme == "dracula"
    assert ConfigStore(paths).load().config.theme == "playground-dusk"  # not rewritten


async def test_textual_builtin_themes_work_and_code_follows_their_darkness(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    app = make_app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await ready(pilot)
        await send(pilot, "Explain recursion")
        await finished(pilot, 1)
        turn = screen.query_one(Conversation).last_answer
        assert turn is not None
        await _pick_theme(pilot, "textual-light")
        assert turn.answer.code_theme == "auto"
        assert turn.answer.markdown_theme.code_theme == "friendly"
        await wait_for(
            pilot, lambda: ConfigStore(_paths(tmp_path)).load().config.theme == "textual-light"
        )


async def test_a_broken_user_theme_is_reported_and_the_others_work(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    themes = _paths(tmp_path).user_themes
    themes.mkdir(parents=True)
    (themes / "broken.toml").write_text(
        'name = "broken"\ncode_theme = "monokai"\nprimary = "#123456"\nbackground = "dark"\n'
    )
    (themes / "murky.toml").write_text(
        'name = "murky"\ncode_theme = "monokai"\nprimary = "#555555"\n'
        'foreground = "#606060"\nbackground = "#505050"\nsurface = "#505050"\n'
        'panel = "#505050"\n'
    )
    app, notices = _recording(gateway.url, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert "broken" not in app.available_themes
        assert "murky" in app.available_themes
        shown = "\n".join(notices)
        assert "broken.toml, line 4: background: 'dark' is not a colour" in shown
        assert "Theme 'murky' has text that is hard to read" in shown
        assert app.theme == "playground-dark"


async def test_an_unknown_saved_theme_falls_back_with_a_notice(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    paths = _paths(tmp_path)
    paths.config.mkdir(parents=True)
    paths.config_file.write_text('theme = "gone-theme"\n')
    app, notices = _recording(gateway.url, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert app.theme == "playground-dark"
        assert any("'gone-theme' in config.toml is not installed" in n for n in notices)


async def test_a_theme_textual_would_reject_is_caught_before_it_is_offered(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    """The last guard for themes from anywhere: their variables are tried against a copy of
    the app's stylesheet (choosing a theme the stylesheet rejects would end the app)."""
    from textual.theme import Theme

    from playground.ui.app_themes import stylesheet_problem

    app = make_app(gateway.url, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        css = Theme(name="x", primary="#123456", variables={"input-selection-background": "bold"})
        assert stylesheet_problem(app, css) == "Textual's stylesheet rejects its [variables]."
        color = Theme(name="z", primary="#123456", variables={"block-cursor-background": "bold"})
        problem = stylesheet_problem(app, color)
        assert problem is not None and problem.startswith("a colour Textual cannot read")
        fine = Theme(name="y", primary="#123456", variables={"block-cursor-background": "#ff0000"})
        assert stylesheet_problem(app, fine) is None
        assert app.theme == "playground-dark"  # the live stylesheet was not touched
