"""The app's themes and the one saved in the config: read at start, saved on a switch.

This runs before `Services.start` (a theme has to be applied before the first paint), so it
reads config.toml on its own; it is a small file and the read never raises.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import lru_cache

from playground.core.theme import ThemeSpec
from playground.store.config import ConfigError, ConfigStore
from playground.store.paths import Paths
from playground.store.themes import load_themes


@dataclass(frozen=True, slots=True)
class ThemeSetup:
    """Everything the app needs to set up its themes."""

    themes: tuple[ThemeSpec, ...]
    """Shipped themes, then the user's."""
    problems: tuple[str, ...]
    """Theme files skipped, one sentence each."""
    saved: str | None
    """The theme config.toml names; None when it names none."""


class PygmentsStyles(Collection[str]):
    """The installed Pygments style names, checked lazily: a built-in name is found in
    Pygments' table without importing anything, a plugin's by asking Pygments for it.
    (``get_all_styles()`` imports every style module: over 100 ms before the first paint.)"""

    def __contains__(self, name: object) -> bool:
        from pygments.styles import STYLE_MAP, get_style_by_name
        from pygments.util import ClassNotFound

        if not isinstance(name, str):
            return False
        if name in STYLE_MAP:
            return True
        try:
            get_style_by_name(name)  # plugin styles, by entry point
        except ClassNotFound:
            return False
        return True

    def __iter__(self) -> Iterator[str]:
        from pygments.styles import STYLE_MAP

        return iter(sorted(STYLE_MAP))

    def __len__(self) -> int:
        from pygments.styles import STYLE_MAP

        return len(STYLE_MAP)


@lru_cache(maxsize=1)
def code_styles() -> Collection[str]:
    """The Pygments style names installed (a lazy collection: see `PygmentsStyles`)."""
    return PygmentsStyles()


def theme_setup(paths: Paths, *, styles: Collection[str] | None = None) -> ThemeSetup:
    """Read the shipped and user themes and the saved choice.

    Args:
        paths: The app's folders (the user's themes are in ``paths.user_themes``).
        styles: The Pygments style names that exist (default: those installed).
    """
    load = load_themes(paths.user_themes, code_styles=code_styles() if styles is None else styles)
    saved = ConfigStore(paths).load().config.theme
    return ThemeSetup(load.themes, load.problems, saved)


def save_theme(paths: Paths, name: str) -> None:
    """Save `name` as the theme in config.toml, keeping everything else in the file.

    Raises:
        ConfigError: The file could not be saved; the message says why and what to do.
    """
    store = ConfigStore(paths)
    loaded = store.load()
    if loaded.config.theme == name:
        return
    store.update(theme=name)


__all__ = [
    "ConfigError",
    "PygmentsStyles",
    "ThemeSetup",
    "code_styles",
    "save_theme",
    "theme_setup",
]
