"""Themes as data: what a ``themes/*.toml`` file says, checked before anything uses it.

A theme file names the colours of Textual's `Theme` fields and the Pygments style that
colours code::

    name = "playground-dark"
    description = "The default: cool greys, blue and amber."
    dark = true
    code_theme = "monokai"

    primary = "#5fa8ff"
    background = "#16181d"
    # … secondary, accent, foreground, surface, panel, warning, error, success, boost

    [variables]                     # Textual theme variables, e.g. the footer's keys
    "footer-key-foreground" = "#5fa8ff"

`parse_theme` turns the text into a `ThemeSpec` or raises `ThemeError` naming the file and
line of the first thing wrong, so a broken file is reported and skipped rather than half
applied. `store.themes` reads the files; `ui.themes.to_textual` is the one place a spec
becomes a Textual theme.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from playground.core.contrast import is_hex_color

THEME_COLORS: tuple[str, ...] = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "warning",
    "error",
    "success",
    "boost",
)
"""The colour fields of Textual's `Theme`, in the order a theme file usually lists them."""

REQUIRED_COLORS: tuple[str, ...] = ("primary",)
"""What Textual cannot derive: every other colour has a default computed from these."""

_OTHER_KEYS = ("name", "description", "dark", "code_theme", "variables")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,47}$")
_VARIABLE_NAME = re.compile(r"^[a-z][a-z0-9-]{0,63}$")
_PERCENT = re.compile(r"^\d{1,3}%$")
_STYLE_WORDS = frozenset(
    {"none", "not", "b", "bold", "d", "dim", "i", "italic", "u", "underline", "uu"}
    | {"overline", "r", "reverse", "s", "strike", "blink"}
)
"""Textual's text-style words, for the ``*-style`` variables."""

MAX_THEME_BYTES = 64 * 1024
"""A theme file is a few dozen lines; anything this large is not one."""


@dataclass(frozen=True, slots=True)
class ThemeSpec:
    """One theme, as its file describes it (colours normalised to lower case)."""

    name: str
    """What the palette lists and config.toml's ``theme`` names."""
    dark: bool
    """Whether it is a dark theme (Textual derives shades and ``auto`` text from it)."""
    colors: Mapping[str, str]
    """Textual `Theme` colour field → ``#rrggbb`` (fields left out get Textual's defaults)."""
    code_theme: str
    """The Pygments style that colours code blocks under this theme."""
    variables: Mapping[str, str] = field(default_factory=dict)
    """Textual theme variables (``footer-key-foreground``…), passed through."""
    description: str = ""
    source: str = ""
    """Where it was read from, for messages (a path as the user would type it)."""


class ThemeError(ValueError):
    """A theme file that cannot be used. ``str()`` names the file and line."""

    def __init__(self, source: str, line: int | None, message: str) -> None:
        self.source = source
        self.line = line
        self.message = message
        where = f"{source}, line {line}" if line else source
        super().__init__(f"{where}: {message}")


def parse_theme(
    text: str,
    *,
    source: str,
    default_name: str | None = None,
    code_styles: Collection[str] | None = None,
) -> ThemeSpec:
    """Read one theme file's text.

    Args:
        text: The TOML text.
        source: The file, as messages should name it.
        default_name: The name when the file has none (the file's stem).
        code_styles: The Pygments style names that exist; None skips that check.

    Raises:
        ThemeError: The text is not TOML, or a key is unknown, missing or of the wrong
            kind. The message names the line and says what would be right.
    """
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, message = _toml_position(str(exc))
        raise ThemeError(source, line, f"not valid TOML: {message}") from None
    lines = text.splitlines()

    def fail(key: str, message: str, table: str = "") -> ThemeError:
        return ThemeError(source, _line_of(lines, key, table), message)

    for key in doc:
        if key not in THEME_COLORS and key not in _OTHER_KEYS:
            hint = _suggest(key, (*THEME_COLORS, *_OTHER_KEYS))
            raise fail(key, f"unknown key {key!r}{hint}")

    name = doc.get("name", default_name)
    if not isinstance(name, str) or not _NAME.match(name):
        shown = "missing" if name is None else repr(name)
        raise fail(
            "name",
            f"name: {shown} is not a theme name (lower-case letters, digits, '-' and '_', "
            "at most 48)",
        )
    dark = doc.get("dark", True)
    if not isinstance(dark, bool):
        raise fail("dark", "dark: expected true or false")
    description = doc.get("description", "")
    if not isinstance(description, str):
        raise fail("description", "description: expected a string")

    colors: dict[str, str] = {}
    for key in THEME_COLORS:
        value = doc.get(key)
        if value is None:
            if key in REQUIRED_COLORS:
                raise ThemeError(source, None, f"{key}: missing (every theme names its {key})")
            continue
        if not isinstance(value, str) or not is_hex_color(value):
            raise fail(key, f"{key}: {value!r} is not a colour (write #rrggbb or #rgb)")
        colors[key] = value.lower()

    code_theme = doc.get("code_theme")
    if not isinstance(code_theme, str) or not code_theme:
        raise fail("code_theme", "code_theme: missing (a Pygments style such as 'monokai')")
    if code_styles is not None and code_theme not in code_styles:
        hint = _suggest(code_theme, code_styles)
        raise fail("code_theme", f"code_theme: {code_theme!r} is not a Pygments style{hint}")

    variables = _variables(doc.get("variables", {}), fail)
    return ThemeSpec(
        name=name,
        dark=dark,
        colors=colors,
        code_theme=code_theme,
        variables=variables,
        description=description.strip(),
        source=source,
    )


def _variables(raw: Any, fail: Callable[..., ThemeError]) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise fail("variables", "variables: expected a table ([variables])")
    out: dict[str, str] = {}
    for key, value in raw.items():
        if not _VARIABLE_NAME.match(key):
            raise fail(key, f"variables: {key!r} is not a variable name", "variables")
        style = key.endswith("-style")
        if not isinstance(value, str) or not _valid_variable_value(value, style=style):
            expected = (
                "text styles such as 'bold' or 'b reverse'"
                if style
                else "a colour (#rrggbb, optionally with an opacity such as '#88c0d0 35%'), "
                "'auto 87%' or 'transparent'"
            )
            raise fail(key, f"variables.{key}: {value!r} is not {expected}", "variables")
        out[key] = value.strip()
    return out


def _valid_variable_value(value: str, *, style: bool) -> bool:
    """What Textual's own themes put in variables: text-style words in the ``*-style``
    ones, a colour (with an optional opacity), ``auto NN%`` or ``transparent`` in the rest.
    Anything else would break the stylesheet when the theme is applied."""
    words = value.split()
    if not words:
        return False
    if style:
        return all(word in _STYLE_WORDS for word in words)
    if words == ["transparent"]:
        return True
    if is_hex_color(words[0]) or words[0] == "auto":
        return len(words) == 1 or (len(words) == 2 and bool(_PERCENT.match(words[1])))
    return False


def _suggest(word: str, choices: Collection[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


_TOML_POSITION = re.compile(r"^(?P<msg>.*?)\s*\(at line (?P<line>\d+), column \d+\)$")


def _toml_position(text: str) -> tuple[int | None, str]:
    match = _TOML_POSITION.match(text)
    if match:
        return int(match["line"]), match["msg"]
    return None, text.replace("(at end of document)", "at the end of the file").strip()


_HEADER = re.compile(r"^\s*\[\s*\"?(?P<name>[^\]\"]+)\"?\s*\]")
_KEY = re.compile(r"""^\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[A-Za-z0-9_-]+))\s*=""")


def _line_of(lines: list[str], key: str, table: str = "") -> int | None:
    """The 1-based line where `key` is set inside `table` ("" is the top level), found by
    scanning (``tomllib`` gives positions only for syntax errors); None when not found."""
    current = ""
    for number, line in enumerate(lines, 1):
        header = _HEADER.match(line)
        if header:
            current = header["name"].strip()
            if not table and current == key:
                return number
            continue
        match = _KEY.match(line)
        found = match and next(g for g in match.group("dq", "sq", "bare") if g is not None)
        if found == key and current == table:
            return number
    return None
