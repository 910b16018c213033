"""The key screen, driven with Pilot against the simulated gateway with a key (RELIABILITY.md
§7 K1–K8, X5): where it is reached from, what it says about storage, and that the key is
never shown."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import keyring
import pytest
from textual.widgets import Checkbox, Input, Static

from playground.core.secret import Secret
from playground.services import StartOptions
from playground.sim.server import SimulatedGateway
from playground.store.key_source import ARGV_WARNING, KeyArgs
from playground.store.keys import SERVICE
from playground.ui.screens.key import KeyScreen
from playground.ui.widgets.top_bar import TopBar

from support.apps import finished, ready, send
from support.keyring_doubles import LockedKeyring, PlaintextLookalike, SleepingKeyring, fail_keyring
from support.session_apps import (
    FAKE_KEY,
    gateway_app,
    record_notifications,
    screen_of,
    until,
    use_keyring,
)


@pytest.fixture
async def keyed() -> AsyncIterator[SimulatedGateway]:
    """A simulated gateway that wants `FAKE_KEY` (anything else gets 401)."""
    async with SimulatedGateway(seed=3, time_scale=0, key=FAKE_KEY) as gw:
        yield gw


def _text(widget: Static) -> str:
    return str(widget.render())


def _badge(app: object) -> str:
    screen = app.screen_main  # type: ignore[attr-defined]
    return _text(screen.query_one(TopBar).query_one("#top-badge", Static))


async def _enter_key(screen: KeyScreen, key: str = FAKE_KEY) -> None:
    screen.query_one("#key-input", Input).value = key


async def test_the_badge_and_the_palette_open_the_key_screen(
    keyed: SimulatedGateway, tmp_path: Path
) -> None:
    app = gateway_app(keyed.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.click("#top-badge")
        screen = await screen_of(pilot, KeyScreen)
        assert "127.0.0.1" in _text(screen.query_one("#key-title", Static))
        assert screen.query_one("#key-input", Input).password
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, KeyScreen))
        await pilot.press("ctrl+p")
        await pilot.press(*"Set API key")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await screen_of(pilot, KeyScreen)


async def test_a_401_offers_the_key_screen_and_the_key_then_works(
    keyed: SimulatedGateway, tmp_path: Path
) -> None:
    app = gateway_app(keyed.url, tmp_path)
    notes = record_notifications(app)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await send(pilot, "Why is the sky blue?")
        screen = await screen_of(pilot, KeyScreen)
        assert "401" in _text(screen.query_one("#key-reason", Static))
        use_keyring(app, fail_keyring())
        await pilot.press(*FAKE_KEY)  # typed, as a user would
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, KeyScreen))
        assert app.state is not None and app.state.runs[0].status == "error"
        await pilot.press("ctrl+r")
        await finished(pilot, 2)
        assert app.state.runs[-1].status == "ok"
        assert f"(…{FAKE_KEY[-4:]})" in _badge(app)
    assert any("accepted the key" in n for n in notes)
    assert not any(FAKE_KEY in n for n in notes)


async def test_k1_no_keyring_means_session_only_no_file_and_the_app_works(
    keyed: SimulatedGateway, tmp_path: Path
) -> None:
    app = gateway_app(keyed.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        use_keyring(app, fail_keyring())
        app.action_set_key()
        screen = await screen_of(pilot, KeyScreen)
        storage = screen.query_one("#key-storage", Static)
        await until(pilot, lambda: "session only" in _text(storage))
        assert "keyring.backends.fail.Keyring" in _text(storage)
        assert screen.query_one("#key-save", Checkbox).disabled
        await _enter_key(screen)
        await pilot.click("#key-use")
        await until(pilot, lambda: not isinstance(app.screen, KeyScreen))
        await until(pilot, lambda: "entered (this session only)" in _badge(app))
        await send(pilot, "Why is the sky blue?")
        await finished(pilot, 1)
        assert app.state is not None and app.state.runs[0].status == "ok"
        assert app.services is not None
        assert not app.services.paths.insecure_keys_file.exists()


async def test_k2_an_insecure_keyring_is_named_and_only_the_explicit_file_opt_in_saves(
    keyed: SimulatedGateway, tmp_path: Path
) -> None:
    app = gateway_app(keyed.url, tmp_path)
    notes = record_notifications(app)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        use_keyring(app, PlaintextLookalike())
        app.action_set_key()
        screen = await screen_of(pilot, KeyScreen)
        storage = screen.query_one("#key-storage", Static)
        await until(pilot, lambda: "unencrypted" in _text(storage))
        assert "keyrings.alt PlaintextKeyring" in _text(storage)
        assert screen.query_one("#key-save", Checkbox).disabled
        await _enter_key(screen)
        await pilot.click("#key-file")
        await pilot.click("#key-use")
        await until(pilot, lambda: not isinstance(app.screen, KeyScreen))
        assert app.services is not None
        path = app.services.paths.insecure_keys_file
        assert path.exists() and path.stat().st_mode & 0o777 == 0o600
        await until(pilot, lambda: "plaintext file" in _badge(app))
    assert any("in plain text" in n for n in notes)


async def test_k3_a_hanging_keyring_leaves_the_ui_responsive_and_falls_back_to_the_session(
    keyed: SimulatedGateway, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLAYGROUND_TEST_KEYRING_SLEEP", "30")
    app = gateway_app(keyed.url, tmp_path)
    notes = record_notifications(app)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        use_keyring(app, SleepingKeyring(), timeout_s=3)
        app.action_set_key()
        screen = await screen_of(pilot, KeyScreen)
        save = screen.query_one("#key-save", Checkbox)
        await until(pilot, lambda: save.value)  # it looks like a secure keyring
        await _enter_key(screen)
        await pilot.click("#key-use")
        status = screen.query_one("#key-status", Static)
        await until(pilot, lambda: "Saving" in _text(status))
        saving_since = time.monotonic()
        # The keyring is stuck in its thread; the UI still answers keys at once.
        focused = app.focused
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is not focused
        assert app.screen is screen and "Saving" in _text(status)  # still hanging meanwhile
        await until(pilot, lambda: not isinstance(app.screen, KeyScreen), seconds=20)
        assert time.monotonic() - saving_since < 15  # the deadline decided, not the keyring
        await until(pilot, lambda: "entered (this session only)" in _badge(app))
    assert any("didn't answer within 3 s" in n for n in notes)


async def test_k4_a_locked_keyring_keeps_the_key_for_the_session_and_names_the_cause(
    keyed: SimulatedGateway, tmp_path: Path
) -> None:
    app = gateway_app(keyed.url, tmp_path)
    notes = record_notifications(app)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        use_keyring(app, LockedKeyring())
        app.action_set_key()
        screen = await screen_of(pilot, KeyScreen)
        await until(pilot, lambda: screen.query_one("#key-save", Checkbox).value)
        await _enter_key(screen)
        await pilot.click("#key-use")
        await until(pilot, lambda: not isinstance(app.screen, KeyScreen))
        await send(pilot, "hello")
        await finished(pilot, 1)
        assert app.state is not None and app.state.runs[0].status == "ok"
    message = next(n for n in notes if "accepted the key" in n)
    assert "KeyringLocked" in message and "this session only" in message
    assert "Traceback" not in message


async def test_a_rejected_key_is_not_used(keyed: SimulatedGateway, tmp_path: Path) -> None:
    app = gateway_app(keyed.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        app.action_set_key()
        screen = await screen_of(pilot, KeyScreen)
        await _enter_key(screen, "sk-not-the-right-key-000000")
        await pilot.click("#key-use")
        status = screen.query_one("#key-status", Static)
        await until(pilot, lambda: "rejected" in _text(status))
        assert "not used" in _text(status)
        assert isinstance(app.screen, KeyScreen)
        assert app.services is not None and app.services.key is None


async def test_k5_the_environment_wins_over_the_keyring_and_the_badge_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_key = "sk-from-env-0000000000009f2c"
    monkeypatch.setenv("AI_GATEWAY_API_KEY", env_key)
    origin = "https://ai-gateway.vercel.sh"
    keyring.set_password(SERVICE, origin, "sk-from-keyring-0000000000abcd")
    try:
        app = gateway_app("", tmp_path, start=StartOptions(profile="vercel"))
        async with app.run_test(size=(160, 48)) as pilot:
            await until(pilot, lambda: app.state is not None)
            await pilot.pause()
            assert "env AI_GATEWAY_API_KEY (…9f2c)" in _badge(app)
            assert app.services is not None and app.services.key is not None
            assert app.services.key.secret == Secret(env_key)
    finally:
        keyring.delete_password(SERVICE, origin)


async def test_k6_a_key_on_the_command_line_works_with_a_warning(
    keyed: SimulatedGateway, tmp_path: Path
) -> None:
    start = StartOptions(
        gateway=keyed.url,
        kind="vercel",
        use_keyring=False,
        key_args=KeyArgs(argv_key=Secret(FAKE_KEY)),
    )
    app = gateway_app(keyed.url, tmp_path, start=start)
    notes = record_notifications(app)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await send(pilot, "hello")
        await finished(pilot, 1)
        assert app.state is not None and app.state.runs[0].status == "ok"
    assert any(ARGV_WARNING[:40] in n for n in notes)


async def test_x5_a_screenshot_with_the_key_typed_never_contains_it(
    keyed: SimulatedGateway, tmp_path: Path
) -> None:
    app = gateway_app(keyed.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        app.action_set_key()
        screen = await screen_of(pilot, KeyScreen)
        await pilot.press(*FAKE_KEY)
        await pilot.pause()
        assert screen.query_one("#key-input", Input).value == FAKE_KEY
        typed = app.save_screenshot(path=str(tmp_path), filename="typed.svg")
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, KeyScreen))
        used = app.save_screenshot(path=str(tmp_path), filename="used.svg")
    for svg in (typed, used):
        text = _read(svg)
        assert FAKE_KEY not in text and FAKE_KEY[:-4] not in text
    assert f"…{FAKE_KEY[-4:]}" in _read(used).replace("&#160;", " ")


def _read(path: str) -> str:
    return Path(path).read_text()
