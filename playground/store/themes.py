"""Reading theme files: the ones shipped with the app, then the user's own.

Shipped themes live in ``themes/`` at the top of the repository. A wheel installs them as
``playground/themes`` (pyproject's ``force-include``); an editable checkout has them beside
the package. `shipped_themes_dir` finds whichever exists. The user's themes folder is
``Paths.user_themes`` (``~/.config/gateway-playground/themes`` on Linux); a theme there with
the name of a shipped one replaces it.

A file that cannot be used is skipped with a problem that names it and the line at fault;
the other themes load regardless. Nothing here creates a folder.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import playground
from playground.core.sanitize import safe_line
from playground.core.theme import MAX_THEME_BYTES, ThemeError, ThemeSpec, parse_theme
from playground.store.paths import display_path

THEME_SUFFIX = ".toml"


@dataclass(frozen=True, slots=True)
class ThemeLoad:
    """What reading the theme folders found."""

    themes: tuple[ThemeSpec, ...]
    """Usable themes, shipped ones first, each name once (a user theme replaces a shipped
    one of the same name)."""
    problems: tuple[str, ...] = ()
    """One sentence per file skipped, naming the file and line."""


def shipped_themes_dir() -> Path | None:
    """The folder of the themes that come with the app: inside the installed package, or
    at the top of a source checkout. None if neither exists (a broken install)."""
    package = Path(playground.__file__).resolve().parent
    for candidate in (package / "themes", package.parent / "themes"):
        if candidate.is_dir():
            return candidate
    return None


def read_theme(path: Path, *, code_styles: Collection[str] | None = None) -> ThemeSpec:
    """Read and check one theme file.

    Args:
        path: The ``.toml`` file.
        code_styles: The Pygments style names that exist; None skips that check.

    Raises:
        ThemeError: The file cannot be read or is not a valid theme; the message names the
            file (and the line when there is one).
    """
    source = display_path(path)
    try:
        size = path.stat().st_size
        if size > MAX_THEME_BYTES:
            raise ThemeError(source, None, f"too large for a theme file ({size:,} bytes)")
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ThemeError(source, None, f"couldn't read it: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ThemeError(source, None, f"not UTF-8 text (at byte {exc.start})") from None
    return parse_theme(text, source=source, default_name=path.stem, code_styles=code_styles)


def _theme_files(folder: Path) -> list[Path]:
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    return [p for p in entries if p.suffix == THEME_SUFFIX and not p.name.startswith(".")]


def load_themes(
    user_folder: Path | None,
    *,
    shipped_folder: Path | None = None,
    code_styles: Collection[str] | None = None,
) -> ThemeLoad:
    """Every usable theme, and a problem for each file skipped.

    Args:
        user_folder: The user's themes folder (missing is fine); None reads shipped only.
        shipped_folder: Where the shipped themes are (default: `shipped_themes_dir`).
        code_styles: The Pygments style names that exist, to catch a misspelt
            ``code_theme``; None skips that check.
    """
    shipped = shipped_folder if shipped_folder is not None else shipped_themes_dir()
    themes: dict[str, ThemeSpec] = {}
    problems: list[str] = []
    if shipped is None:
        problems.append("The app's own themes are missing from this install.")
    folders = [f for f in (shipped, user_folder) if f is not None]
    for folder in folders:
        for path in _theme_files(folder):
            try:
                spec = read_theme(path, code_styles=code_styles)
            except ThemeError as exc:
                problems.append(f"Skipped theme {safe_line(str(exc), 400)}")
                continue
            themes[spec.name] = spec  # later folders (the user's) replace earlier ones
    return ThemeLoad(tuple(themes.values()), tuple(problems))
