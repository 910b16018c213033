"""The view-code screen in the app: f4 and the palette open it on the request a send would
make (or the last one sent), tabs switch languages, c copies exactly the generated program,
the key never appears, and a theme switch recolours the code."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static, TabbedContent

from playground.services import StartOptions
from playground.services.codegen import CodeTarget, curl_code, python_code
from playground.sim.server import SimulatedGateway
from playground.store.paths import Paths
from playground.ui.app import LaunchOptions, PlaygroundApp
from playground.ui.screens.main import MainScreen
from playground.ui.screens.view_code import ViewCodeScreen
from playground.ui.widgets.prompt_editor import PromptEditor

from support.apps import finished, ready, send, wait_for

FAKE_KEY = "sk-live-0123456789abcdef-SECRET"


@pytest.fixture
async def gateway() -> AsyncIterator[SimulatedGateway]:
    async with SimulatedGateway(seed=5, time_scale=0) as gw:
        yield gw


def _app(gateway_url: str, home: Path) -> tuple[PlaygroundApp, list[str]]:
    """The app on the simulated gateway (even with a key in the environment), with every
    text it copies kept in the list."""
    app = PlaygroundApp(
        LaunchOptions(
            start=StartOptions(simulator_url=gateway_url, simulated=True, use_keyring=False),
            model="openai/gpt-4.1-mini",
            paths=Paths.under(home / "playground"),
        )
    )
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign,assignment]
    return app, copied


async def _type(pilot: Pilot[Any], text: str) -> None:
    editor = pilot.app.screen.query_one(PromptEditor)
    editor.message = text
    editor.focus_message()
    await pilot.pause()


async def _view_code(pilot: Pilot[Any]) -> ViewCodeScreen:
    await pilot.press("f4")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ViewCodeScreen))
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ViewCodeScreen)
    return screen


async def test_f4_shows_the_draft_and_c_copies_the_exact_curl_command(
    gateway: SimulatedGateway, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AI_GATEWAY_API_KEY", FAKE_KEY)
    app, copied = _app(gateway.url, tmp_path)
    async with app.run_test(size=(140, 44)) as pilot:
        main = await ready(pilot)
        main.provider = "azure"
        prompt = 'It\'s "quoted" $(id) `uname`\nsecond line'
        await _type(pilot, prompt)
        request = main.current_request()
        assert request is not None and request.messages[-1].text == prompt
        assert request.routing.only == ("azure",)
        screen = await _view_code(pilot)
        assert screen.language == "typescript"

        await pilot.press("3")
        await wait_for(pilot, lambda: screen.language == "curl")
        await pilot.press("c")
        assert app.services is not None
        target = CodeTarget.for_profile(app.services.profile)
        assert copied == [curl_code(request, target)]
        assert gateway.url in copied[0]

        await pilot.press("2", "c")
        assert copied[-1] == python_code(request, target)
        for language, generated in screen.codes.items():
            assert FAKE_KEY not in generated.code, language
            shown = str(screen.query_one(f"#code-{language}", Static).render())
            assert FAKE_KEY not in shown

        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        assert main.query_one(PromptEditor).message == prompt  # nothing was sent or cleared
    assert [r for r in gateway.records if r.path.endswith("/chat/completions")] == []


async def test_with_an_empty_editor_it_shows_the_last_request_sent(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    app, _ = _app(gateway.url, tmp_path)
    async with app.run_test(size=(140, 44)) as pilot:
        main = await ready(pilot)
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)  # nothing to show yet: a notice instead

        await send(pilot, "Why is the sky blue?")
        await finished(pilot, 1)
        assert app.state is not None
        sent = app.state.runs[-1].request
        assert main.current_request() == sent
        screen = await _view_code(pilot)
        assert app.services is not None
        assert screen.codes["curl"].code == curl_code(
            sent, CodeTarget.for_profile(app.services.profile)
        )


async def test_the_palette_opens_it_and_a_theme_switch_recolours_it(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    app, _ = _app(gateway.url, tmp_path)
    async with app.run_test(size=(140, 44)) as pilot:
        await ready(pilot)
        await _type(pilot, "hello")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"view code")
        await pilot.pause(0.2)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ViewCodeScreen))
        screen = app.screen
        assert isinstance(screen, ViewCodeScreen)
        assert screen.query_one(TabbedContent).active == "tab-typescript"
        assert screen.code_style == "monokai"
        app.theme = "playground-light"
        await wait_for(pilot, lambda: screen.code_style == "friendly")
        app.theme = "playground-high-contrast"
        await wait_for(pilot, lambda: screen.code_style == "github-dark")


async def test_big_attachments_are_cut_short_on_screen_and_whole_when_copied(
    tmp_path: Path,
) -> None:
    import base64

    from textual.app import App

    from playground.core.profile import BUILTIN_PROFILES
    from playground.core.request import ChatRequest, ImagePart, Message, TextPart

    data = base64.b64encode(bytes(range(256)) * 12_000).decode()  # ~4 MB of base64
    request = ChatRequest(
        "openai/gpt-4.1-mini",
        (Message("user", (TextPart("What is this?"), ImagePart("image/png", data=data))),),
    )
    screen = ViewCodeScreen.for_request(request, BUILTIN_PROFILES["vercel"], start="curl")
    assert all(len(code.code) < 20_000 for code in screen.codes.values())
    assert "the copied program has them" in screen.codes["curl"].code

    copied: list[str] = []

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(screen)

    app = Host()
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign,assignment]
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("c")
        await wait_for(pilot, lambda: copied)
    assert data in copied[0]
    assert copied[0] == curl_code(request, CodeTarget.for_profile(BUILTIN_PROFILES["vercel"]))
