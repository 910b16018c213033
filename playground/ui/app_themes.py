"""Provides `AppThemes`: the app's themes registered at start, the saved one restored, and
every switch (from the palette's "Theme" command or anywhere else) applied to code and saved.

A switch sets each `AnswerView.code_theme` to the theme's Pygments style (views created
later follow it through ``auto``), tells screens that show code (`ThemeAware`), and writes
``theme = "…"`` to config.toml off the UI thread. Saves are serialised: a burst of switches
writes the last one, never two writers racing on the file.
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol, runtime_checkable

from textual.app import App
from textual.color import ColorParseError
from textual.css.errors import StylesheetError
from textual.dom import DOMNode
from textual.theme import Theme

from playground.core.sanitize import safe_line
from playground.services.themes import ConfigError, ThemeSetup, save_theme, theme_setup
from playground.store.paths import Paths, display_path
from playground.ui.markdown.theme import CODE_THEME_VARIABLE
from playground.ui.themes import DEFAULT_THEME, contrast_checks, contrast_warning, to_textual
from playground.ui.widgets.answer_view import AnswerView


@runtime_checkable
class ThemeAware(Protocol):
    """A screen that paints with the theme's code style itself (view code)."""

    def theme_switched(self) -> None:
        """The app theme changed: repaint what depends on it."""


def stylesheet_problem(app: App[Any], theme: Theme) -> str | None:
    """Why Textual's stylesheet would not accept `theme`, or None when it does. A theme
    that breaks the stylesheet ends the app when chosen, so a user's theme is tried against
    a copy of the app's stylesheet first (20–80 ms)."""
    try:
        variables = theme.to_color_system().generate()
        contrast_checks(theme)  # parses every colour the checks use
    except (ColorParseError, ValueError) as exc:
        return f"a colour Textual cannot read ({exc})."
    sheet = app.stylesheet.copy()
    sheet.set_variables({**app.get_theme_variable_defaults(), **variables})
    try:
        sheet.reparse()
    except StylesheetError:
        return "Textual's stylesheet rejects its [variables]."
    return None


class AppThemes:
    """The themes of one app.

    Args:
        app: The app to register the themes with.
        paths: The app's folders (the user's themes, config.toml).
    """

    def __init__(self, app: App[Any], paths: Paths) -> None:
        self.app = app
        self.paths = paths
        self.setup: ThemeSetup | None = None
        self._wanted: str | None = None
        self._saving = False

    def install(self) -> None:
        """Register every theme, switch to the saved one (or the default) and start
        following switches. Problems are shown as notices; nothing here raises."""
        app = self.app
        setup = theme_setup(self.paths)
        self.setup = setup
        user_folder = display_path(self.paths.user_themes)
        for spec in setup.themes:
            theme = to_textual(spec)
            if spec.source.startswith(user_folder):  # a user's theme: try it before offering it
                problem = stylesheet_problem(app, theme)
                if problem is not None:
                    self._notify(f"Skipped theme {spec.source}: {problem}", "warning")
                    continue
                warning = contrast_warning(theme)
                if warning:
                    self._notify(warning, "information")
            app.register_theme(theme)
        for problem in setup.problems:
            self._notify(problem, "warning")
        wanted = setup.saved or DEFAULT_THEME
        if wanted not in app.available_themes:
            if setup.saved:
                self._notify(
                    f"The theme {setup.saved!r} in config.toml is not installed; using "
                    f"{DEFAULT_THEME!r}.",
                    "warning",
                )
            wanted = DEFAULT_THEME if DEFAULT_THEME in app.available_themes else app.theme
        app.theme = wanted
        app.watch(app, "theme", self._switched, init=False)

    @property
    def code_theme(self) -> str:
        """The value for `AnswerView.code_theme` under the current theme: the theme's
        Pygments style, or ``auto`` for a theme that names none (Textual's own)."""
        return self.app.current_theme.variables.get(CODE_THEME_VARIABLE, "auto")

    def apply_code_theme(self) -> None:
        """Give every answer view on every screen the current theme's code style."""
        style = self.code_theme
        for node in self._screens():
            for view in node.query(AnswerView):
                view.code_theme = style
            if isinstance(node, ThemeAware):
                node.theme_switched()

    def _screens(self) -> list[DOMNode]:
        app = self.app
        screens: list[DOMNode] = list(app.screen_stack)
        main = getattr(app, "screen_main", None)
        if isinstance(main, DOMNode) and main not in screens and main.is_attached:
            screens.append(main)
        return screens

    def _switched(self, name: str) -> None:
        self.apply_code_theme()
        self._wanted = name
        if not self._saving:
            self._saving = True
            self.app.run_worker(self._save_latest(), group="theme-save", exit_on_error=False)

    async def _save_latest(self) -> None:
        try:
            while self._wanted is not None:
                name, self._wanted = self._wanted, None
                try:
                    await asyncio.to_thread(save_theme, self.paths, name)
                except ConfigError as exc:
                    self._notify(str(exc), "warning", title="Theme not saved")
                except OSError as exc:  # a folder that cannot be created, a full disk
                    self._notify(
                        f"Couldn't save the theme: {exc.strerror or exc}.",
                        "warning",
                        title="Theme not saved",
                    )
        finally:
            self._saving = False

    def _notify(self, message: str, severity: str, *, title: str = "Themes") -> None:
        self.app.notify(
            safe_line(message, 500),
            title=title,
            severity=severity,  # type: ignore[arg-type]
            timeout=12,
            markup=False,
        )
