"""Snapshots of the view-code screen under the shipped themes."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App
from textual.pilot import Pilot

from playground.services import simulated_profile
from playground.services.themes import code_styles
from playground.store.themes import load_themes
from playground.ui.screens.view_code import ViewCodeScreen
from playground.ui.themes import to_textual

from support.codegen_requests import full_request


class ViewCodeHost(App[None]):
    """A host app with the shipped themes, showing the view-code screen of the request that
    uses every feature."""

    def __init__(self, theme: str) -> None:
        super().__init__()
        self._theme = theme

    def on_mount(self) -> None:
        for spec in load_themes(None, code_styles=code_styles()).themes:
            self.register_theme(to_textual(spec))
        self.theme = self._theme
        profile = simulated_profile("http://127.0.0.1:8765/v1")
        self.push_screen(ViewCodeScreen.for_request(full_request(), profile, start="python"))


async def _settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.pause()


def test_view_code_python_tab(snap_compare: Callable[..., bool]) -> None:
    """You should see the Python tab active: the openai client reading $AI_GATEWAY_API_KEY,
    the messages with every hostile character escaped (\\u2028, \\u202e, \\u001b…), the
    parameters as keyword arguments and providerOptions/models/reasoning in extra_body, in
    monokai colours on the dark theme's panel."""
    assert snap_compare(
        ViewCodeHost("playground-dark"), run_before=_settle, terminal_size=(110, 48)
    )


def test_view_code_curl_tab_light(snap_compare: Callable[..., bool]) -> None:
    """You should see the curl tab on the light theme: the URL, the Authorization header
    with $AI_GATEWAY_API_KEY, and the JSON body inside single quotes, with each ' written as
    '"'"' so the shell cannot end the quote early."""

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press("3")
        await _settle(pilot)

    assert snap_compare(
        ViewCodeHost("playground-light"), run_before=run_before, terminal_size=(110, 48)
    )
