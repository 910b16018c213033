"""The Textual app: starts the services after the first paint, owns the session, the
palette's commands, the clipboard and the link confirmation.

The app paints its main screen at once and starts the services in a worker (the keyring may
take seconds to answer, and the simulated gateway is a child process): until they are ready
the badge says "connecting…" and a send says so.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from playground.core.sanitize import safe_line
from playground.core.session import SessionProfile
from playground.services import Services, StartOptions
from playground.services.session_state import SessionState
from playground.store.paths import Paths
from playground.ui.app_themes import AppThemes
from playground.ui.screens.main import MainScreen
from playground.ui.widgets.prompt_editor import PromptSettings

if TYPE_CHECKING:
    import httpx


@dataclass(frozen=True, slots=True)
class LaunchOptions:
    """How the app was asked to start."""

    start: StartOptions = StartOptions()  # noqa: RUF009 (frozen)
    model: str | None = None
    provider: str | None = None
    session_file: str | None = None
    paths: Paths | None = None
    """Where the app keeps its files (default: the platform's folders)."""
    clock: Callable[[], int] | None = None
    """The clock that stamps events (tests and screenshots fix it)."""
    transport: httpx.AsyncBaseTransport | None = None
    """An HTTP transport for the gateway client (tests and screenshots)."""


class PlaygroundApp(App[None]):
    """Gateway Playground."""

    TITLE = "Gateway Playground"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True, tooltip="Quit the app."),
    ]

    def __init__(self, launch: LaunchOptions = LaunchOptions()) -> None:
        super().__init__()
        self.launch = launch
        self.services: Services | None = None
        self.state: SessionState | None = None
        self._main = MainScreen(
            model=launch.model, provider=launch.provider, settings=PromptSettings()
        )
        self.themes = AppThemes(self, launch.paths or Paths.default())
        """The themes: registered on mount, the saved one restored, switches saved."""

    @property
    def screen_main(self) -> MainScreen:
        """The main screen (also when a dialog or another screen is on top)."""
        return self._main

    # -- start and stop ------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[None]:
        return self._main

    def on_ready(self) -> None:
        # Textual makes many short-lived objects per frame; a full garbage collection of the
        # long-lived ones (catalog, cached lines, modules) takes 60-100 ms on a loaded 2-core
        # box and was every paint gap over 100 ms while streaming (bench/README.md). Freezing
        # what exists once the app is up takes it out of those collections.
        gc.collect()
        gc.freeze()

    def on_mount(self) -> None:
        if os.environ.get("TEXTUAL", "") and "devtools" in os.environ.get("TEXTUAL", ""):
            self.notify(
                "Textual devtools are on: everything the app logs goes to a local socket.",
                severity="warning",
                markup=False,
            )
        self.themes.install()
        self._start_services()

    @work(exclusive=True, group="start", exit_on_error=False)
    async def _start_services(self) -> None:
        try:
            launch = self.launch
            services = await Services.start(
                launch.start,
                paths=launch.paths,
                transport=launch.transport,
                clock=launch.clock or time.perf_counter_ns,
            )
        except Exception as exc:
            self.notify(
                safe_line(str(exc) or type(exc).__name__, 300),
                title="Couldn't start",
                severity="error",
                timeout=30,
                markup=False,
            )
            return
        self.services = services
        profile = services.profile
        key_ref = services.key.key_ref if services.key is not None else None
        self.state = SessionState.new(
            SessionProfile(profile.name, profile.base_url, profile.kind, key_ref)
        )
        for notice in services.notices:
            self.notify(safe_line(notice, 400), timeout=12, markup=False)
        await self._main.ready.wait()
        self._main.attach(services, self.state)
        if services.needs_key:
            self.notify(
                safe_line(services.missing_key_message, 300), severity="warning", markup=False
            )

    async def on_unmount(self) -> None:
        if self.services is not None:
            await self.services.aclose()

    # -- shared actions ------------------------------------------------------------------------

    def copy_text(self, text: str, *, what: str) -> None:
        """Copy `text` to the clipboard (OSC 52 through Textual) and say so; never crash where
        the terminal has no clipboard."""
        try:
            self.copy_to_clipboard(text)
        except Exception:
            self.notify("Couldn't reach the clipboard from this terminal.", severity="warning")
            return
        self.notify(
            f"Copied {what} ({len(text):,} characters). Terminals that block OSC 52 "
            "(clipboard escape codes) will not have it.",
            markup=False,
            timeout=4,
        )

    def confirm_open_link(self, url: str, text: str) -> None:
        """Ask before opening a link from an answer: http and https only, full URL shown."""
        scheme = urlsplit(url).scheme.lower()
        if scheme not in ("http", "https"):
            self.notify("Only http and https links can be opened.", severity="warning")
            return
        from playground.ui.screens.confirm import ConfirmScreen

        def opened(yes: bool | None) -> None:
            if yes:
                self.open_url(url)

        shown = safe_line(text, 200)
        question = f"Open this link in your browser?\n\n{safe_line(url, 500)}"
        if shown and shown != url:
            question += f"\n\nThe link's text was: {shown}"
        self.push_screen(ConfirmScreen(question, yes="Open", no="Cancel"), opened)

    def action_compare(self) -> None:
        """Open compare mode with the main screen's model, provider, prompt and settings."""
        main = self._main
        if self.services is None or self.state is None:
            self.notify("Still starting: the gateway is not ready yet.", severity="warning")
            return
        from playground.ui.screens.compare import CompareScreen
        from playground.ui.widgets.metrics_sidebar import MetricsSidebar
        from playground.ui.widgets.prompt_editor import ParameterError, PromptEditor

        editor = main.query_one(PromptEditor)
        try:
            settings = editor.settings()
        except ParameterError:
            settings = PromptSettings()
        screen = CompareScreen(
            self.services,
            self.state,
            catalog=main.catalog,
            model=main.model_id or "openai/gpt-4.1-mini",
            provider=main.provider,
            settings=settings,
            message=editor.message,
        )
        state = self.state

        def closed(_: None) -> None:  # the runs made there count in the session's totals
            main.query_one(MetricsSidebar).show_totals(state.totals())

        self.push_screen(screen, closed)

    def action_set_key(self) -> None:
        if self.services is not None and self.services.needs_key:
            message = self.services.missing_key_message
        else:
            message = (
                "Set a key with `playground key set` in a shell, or the profile's environment "
                "variable, then restart."
            )
        self.notify(safe_line(message, 300), severity="information", markup=False)

    # -- the command palette ---------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's own commands (theme, keys, screenshot, quit), the screen's actions, and
        the app's."""
        yield from super().get_system_commands(screen)
        commands = getattr(screen, "palette_commands", None)
        if callable(commands):
            yield from commands()
        yield SystemCommand(
            "Set API key", "Enter or replace the gateway's key", self.action_set_key
        )
