"""Helpers for the Pilot tests of keys and sessions: the app on any gateway URL, notifications
kept for assertions, dialogs waited for."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from textual.pilot import Pilot
from textual.screen import Screen

from playground.services import StartOptions
from playground.services.keys import KeyService
from playground.store.keys import FileKeyStore, KeyringKeyStore
from playground.store.paths import Paths
from playground.ui.app import LaunchOptions, PlaygroundApp

from support.apps import wait_for

S = TypeVar("S", bound=Screen[Any])

FAKE_KEY = "sk-pgtest-CANARY-4e1d9b7a2c5f"
"""A distinctive fake key: searched for in every file and every output."""


def gateway_app(
    url: str,
    home: Path,
    *,
    start: StartOptions | None = None,
    model: str | None = "openai/gpt-4.1-mini",
    session_file: str | None = None,
    debug_log: bool = False,
) -> PlaygroundApp:
    """The app on the gateway at `url` (Vercel dialect), its files under `home`/playground."""
    return PlaygroundApp(
        LaunchOptions(
            start=start or StartOptions(gateway=url, kind="vercel", use_keyring=False),
            model=model,
            paths=Paths.under(home / "playground"),
            session_file=session_file,
            debug_log=debug_log,
        )
    )


def record_notifications(app: PlaygroundApp) -> list[str]:
    """Every message the app notifies from now on (Textual reaps them as they expire)."""
    seen: list[str] = []
    original = app.notify

    def notify(message: str, *args: Any, **kwargs: Any) -> None:
        seen.append(str(message))
        original(message, *args, **kwargs)

    app.notify = notify  # type: ignore[method-assign]
    return seen


def use_keyring(app: PlaygroundApp, backend: object, *, timeout_s: float = 10.0) -> None:
    """Give the running app's services a keyring backend (a double from keyring_doubles)."""
    services = app.services
    assert services is not None
    services.keys = KeyService(
        KeyringKeyStore(backend),
        FileKeyStore(services.paths.insecure_keys_file),
        timeout_s=timeout_s,
    )


async def screen_of(pilot: Pilot[Any], kind: type[S], *, seconds: float = 15.0) -> S:
    """Wait until a screen of `kind` is on top, and return it."""
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, kind), seconds=seconds)
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, kind)
    return screen


async def until(pilot: Pilot[Any], predicate: Callable[[], object], seconds: float = 15.0) -> None:
    await wait_for(pilot, predicate, seconds=seconds)


def files_under(root: Path) -> list[Path]:
    """Every regular file below `root`."""
    return sorted(p for p in root.rglob("*") if p.is_file())
