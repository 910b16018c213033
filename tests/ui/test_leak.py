"""THE LEAK TEST (issue 7; RELIABILITY.md §5, §7 F8, X1, X2, X5): a whole session with a
distinctive fake key, then every file the app wrote (session, export, journal, debug log,
config, recent list, catalog cache, screenshots), the clipboard and a forced crash's output
are searched for the key. It is found nowhere; the files are private."""

from __future__ import annotations

import base64
import logging
import stat
from pathlib import Path

from textual.widgets import Input

from playground.sim.server import SimulatedGateway
from playground.sim.thread import GatewayThread
from playground.ui.screens.key import KeyScreen
from playground.ui.screens.session_files import PathScreen

from support.apps import finished, ready, send
from support.memkeyring import MemoryKeyring
from support.pty_app import CTRL_J, F12, PtyApp, app_environment, python
from support.session_apps import (
    FAKE_KEY,
    files_under,
    gateway_app,
    record_notifications,
    screen_of,
    until,
    use_keyring,
)

NEEDLES = (
    FAKE_KEY.encode(),
    FAKE_KEY[:-4].encode(),  # the key without the four characters the UI may show
    base64.b64encode(FAKE_KEY.encode()),  # how keyrings.alt would have stored it
    FAKE_KEY.encode("utf-16-le"),
)


def _leaks(data: bytes) -> list[bytes]:
    return [needle for needle in NEEDLES if needle in data]


def _crash_output(home: Path, key_file: Path) -> bytes:
    """Run the app in a pty with the key, send a prompt, crash it on purpose (F12)."""
    with GatewayThread(SimulatedGateway(key=FAKE_KEY, time_scale=0)) as gateway:
        command = python(
            str(Path(__file__).parents[1] / "support" / "crash_app.py"),
            gateway.url,
            str(key_file),
            "--debug-log",
        )
        with PtyApp(command, app_environment(home)) as app:
            app.wait_for_text(" models · ", 60)  # the catalog is shown: services are up
            app.type_text("hello")
            app.write(CTRL_J)
            app.wait_until(
                lambda: any(
                    r.status == 200
                    for r in gateway.gateway.records
                    if r.path.endswith("/chat/completions")
                ),
                60,
                "an authenticated run",
            )
            app.write(F12)
            app.wait_exit(60)
            assert "Secret('****')" in app.text()
            return app.output


async def test_a_whole_session_with_a_fake_key_leaves_it_nowhere(tmp_path: Path) -> None:
    home = tmp_path / "home"
    secrets = tmp_path / "secrets"  # the one place the key is on disk: our own key file
    secrets.mkdir()
    key_file = secrets / "key.txt"
    key_file.write_text(FAKE_KEY + "\n")
    assert _leaks(key_file.read_bytes())  # the search finds a key where there is one

    config = home / "playground" / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[defaults]\nmodel = "openai/gpt-4.1-mini"\n[logging]\ndebug_log = true\n')
    logging.getLogger("httpx").setLevel(logging.DEBUG)
    logging.getLogger("httpcore").setLevel(logging.DEBUG)
    shots = home / "shots"
    shots.mkdir(parents=True)
    session_file = home / "work" / "leak.session.json"
    export_file = home / "work" / "leak.md"
    journals: list[bytes] = []

    async with SimulatedGateway(seed=9, time_scale=0, key=FAKE_KEY) as gw:
        app = gateway_app(gw.url, home)
        notes = record_notifications(app)
        async with app.run_test(size=(160, 48)) as pilot:
            await ready(pilot)
            use_keyring(app, MemoryKeyring())
            await send(pilot, "Why is the sky blue?")  # no key yet: 401, the key screen
            await screen_of(pilot, KeyScreen)
            await pilot.press(*FAKE_KEY)
            app.save_screenshot(path=str(shots), filename="key-typed.svg")
            await pilot.press("enter")  # test, save in the keyring, use
            await until(pilot, lambda: not isinstance(app.screen, KeyScreen))
            await pilot.press("ctrl+r")
            await finished(pilot, 2)
            await send(pilot, "/sim 500-mid after=5\nAnd sunsets?")
            await finished(pilot, 3)
            await send(pilot, "/sim echo\nAuthorization: Bearer [@click=app.quit]x[/]")
            await finished(pilot, 4)
            assert [r.status for r in app.state.runs] == ["error", "ok", "interrupted", "ok"]  # type: ignore[union-attr]
            await pilot.press("f2")  # copy the answer
            assert app.clipboard and not _leaks(app.clipboard.encode())
            app.action_set_key()  # the key screen again, showing the current key's last four
            await screen_of(pilot, KeyScreen)
            app.save_screenshot(path=str(shots), filename="key-current.svg")
            await pilot.press("escape")
            app.save_screenshot(path=str(shots), filename="main.svg")

            journal = app.sessions.journal
            assert journal is not None and journal.flush() and journal.path is not None
            journals.append(journal.path.read_bytes())
            await pilot.press("ctrl+s")
            path_screen = await screen_of(pilot, PathScreen)
            path_screen.query_one("#path-input", Input).value = str(session_file)
            await pilot.press("enter")
            await until(pilot, lambda: session_file.exists())
            await pilot.press("ctrl+p")
            await pilot.press(*"Export to Markdown")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await screen_of(pilot, PathScreen)
            await pilot.press("enter")
            await until(pilot, lambda: export_file.exists())
            await send(pilot, "One more after saving")
            await finished(pilot, 5)
            assert journal.flush()
            journals.append(journal.path.read_bytes())
            await pilot.press("ctrl+q")
            await pilot.click("#choice-save")
            await until(pilot, lambda: not app.is_running)

    crash = _crash_output(home / "crash-home", key_file)

    written = files_under(home)
    names = {p.name for p in written}
    # What the session wrote, so the search below cannot pass for want of files.
    assert {"config.toml", "leak.session.json", "leak.md", "debug.log", "recent.json"} <= names
    assert {"key-typed.svg", "key-current.svg", "main.svg"} <= names
    log = (home / "playground" / "state" / "logs" / "debug.log").read_text()
    assert "HTTP Request: POST" in log and "/chat/completions" in log
    assert all(b'"t": "text"' in j or b'"t": "run"' in j for j in journals)

    found = {str(p): _leaks(p.read_bytes()) for p in written}
    assert {p: n for p, n in found.items() if n} == {}
    assert not any(_leaks(j) for j in journals)
    assert not _leaks(crash)
    assert not any(_leaks(n.encode()) for n in notes)

    # F8: the app's own files are private.
    for path in written:
        if path.parent.name in ("recovery", "logs", "sessions") or path.name in (
            "leak.session.json",
            "leak.md",
            "recent.json",
        ):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for folder in ("state/recovery", "state/logs"):
        assert stat.S_IMODE((home / "playground" / folder).stat().st_mode) == 0o700
