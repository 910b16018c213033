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
from playground.services import Services, StartOptions
from playground.services.diagnostics import Logging, logging_warning_detail, start_logging
from playground.services.session_state import SessionState
from playground.store.paths import Paths
from playground.ui.app_themes import AppThemes
from playground.ui.screens.main import MainScreen
from playground.ui.session_controller import SessionController
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
    debug_log: bool = False
    """``--debug-log``: write the redacted debug log (also ``[logging] debug_log``)."""


class PlaygroundApp(App[None]):
    """Gateway Playground."""

    TITLE = "Gateway Playground"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True, tooltip="Quit the app."),
        Binding(
            "ctrl+s",
            "save_session",
            "Save",
            id="save-session",
            show=False,
            tooltip="Save the session (asks for a file the first time).",
        ),
        Binding(
            "ctrl+o",
            "open_session",
            "Open",
            id="open-session",
            show=False,
            tooltip="Open a saved session.",
        ),
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
        self.sessions = SessionController(self)
        """Save, open, export, recovery and quitting (`ui.session_controller`)."""
        self.log_setup: Logging | None = None

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
        warning = logging_warning_detail(os.environ)
        if warning:
            self.notify(warning, severity="warning", timeout=12, markup=False)
        self.themes.install()
        self._start_services()

    @work(exclusive=True, group="start", exit_on_error=False)
    async def _start_services(self) -> None:
        launch = self.launch
        paths = launch.paths or Paths.default()
        self.log_setup = start_logging(paths, debug=launch.debug_log)
        try:
            services = await Services.start(
                launch.start,
                paths=paths,
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
        self.log_setup.register(services.key.secret if services.key is not None else None)
        if services.config.debug_log and self.log_setup.debug_log is None:
            self.log_setup.close()
            self.log_setup = start_logging(paths, debug=True)
            self.log_setup.register(services.key.secret if services.key is not None else None)
        self.state = self.sessions.start(services)
        for notice in (*services.notices, *self.log_setup.notices):
            self.notify(safe_line(notice, 400), timeout=12, markup=False)
        await self._main.ready.wait()
        self._main.attach(services, self.state)
        if services.needs_key:
            self.notify(
                safe_line(services.missing_key_message, 300), severity="warning", markup=False
            )
        await self.sessions.after_start(launch.session_file)

    async def on_unmount(self) -> None:
        self.sessions.close()
        if self.services is not None:
            await self.services.aclose()
        if self.log_setup is not None:
            self.log_setup.close()

    async def action_quit(self) -> None:
        """Quit; unsaved runs are saved (autosave) or asked about first."""
        self.run_worker(self.sessions.quit_flow(), group="quit", exclusive=True)

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

    def action_set_key(self, reason: str = "") -> None:
        """Open the key screen (badge, palette, a send without a key, a rejected key)."""
        if self.services is None:
            self.notify("Still starting: try again in a moment.", severity="warning")
            return
        from playground.ui.screens.key import KeyOutcome, KeyScreen

        if any(isinstance(screen, KeyScreen) for screen in self.screen_stack):
            return

        def done(outcome: KeyOutcome | None) -> None:
            if outcome is not None:
                self.gateway_changed()
                self.notify(
                    safe_line(outcome.message, 500),
                    title="API key",
                    severity="warning" if outcome.warning else "information",
                    timeout=10,
                    markup=False,
                )

        self.push_screen(KeyScreen(self.services, reason=reason), done)

    def offer_key(self, message: str) -> None:
        """A run was rejected (401/403): offer the key screen with the gateway's reason."""
        self.action_set_key(reason=message)

    def gateway_changed(self) -> None:
        """The key or the gateway changed: mask the new key in logs, show the new badge,
        load the new gateway's catalog, record runs against it."""
        services, state = self.services, self.state
        if services is None or state is None:
            return
        if self.log_setup is not None and services.key is not None:
            self.log_setup.register(services.key.secret)
        self.sessions.sync_profile()
        self._main.attach(services, state)

    def action_save_session(self) -> None:
        self.sessions.save()

    def action_save_session_as(self) -> None:
        self.sessions.save(ask=True)

    def action_open_session(self) -> None:
        self.sessions.open_dialog()

    def action_export_session(self) -> None:
        self.sessions.export()

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
        yield SystemCommand("Save session", "Save to its file (ctrl+s)", self.action_save_session)
        yield SystemCommand("Save session as…", "Save to a new file", self.action_save_session_as)
        yield SystemCommand(
            "Open session…", "A saved session or a recent one (ctrl+o)", self.action_open_session
        )
        yield SystemCommand(
            "Export to Markdown…",
            "Every run and its figures, for sharing",
            self.action_export_session,
        )
