"""Provides `MarkdownTheme`: the Rich styles the block renderers paint with.

The answer view builds one from its component classes (so colours follow the app's theme
variables) and rebuilds it on a theme switch; `default_theme` is a fixed palette for rendering
outside a widget (tests, `render_whole` without a theme).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace

from rich.style import Style

CODE_THEME_VARIABLE = "playground-code-theme"
"""The app-theme variable naming the Pygments style for code under that theme (set by
``ui.themes.to_textual``; Textual's own themes have none)."""


@dataclass(frozen=True, slots=True)
class MarkdownTheme:
    """Styles for every Markdown element. Each is layered over `base` when painted."""

    base: Style
    """The view's own text style: colour and background of every cell."""
    headings: tuple[Style, Style, Style, Style, Style, Style]
    """``h1`` to ``h6``."""
    strong: Style
    emphasis: Style
    strike: Style
    code_inline: Style
    link: Style
    """Links to http(s) URLs; other links are shown as plain text."""
    quote: Style
    """Text inside a block quote."""
    quote_bar: Style
    bullet: Style
    """List markers (bullets and numbers)."""
    rule: Style
    """Thematic breaks and the line under ``h1``."""
    table_header: Style
    table_border: Style
    code_block: Style
    """Background and default colour of fenced code."""
    code_label: Style
    """The language label above fenced code."""
    code_theme: str = "monokai"
    """Pygments style for the colours of code tokens."""

    @classmethod
    def from_components(
        cls, base: Style, get: Callable[[str], Style], code_theme: str
    ) -> MarkdownTheme:
        """Build a theme from component styles named like the fields (``h1``…``h6``,
        ``code-inline`` for `code_inline`…), e.g. a widget's component classes.

        Args:
            base: The widget's own style.
            get: Returns the (partial) style of a component by name.
            code_theme: Pygments style name.
        """
        styles = {
            spec.name: get(spec.name.replace("_", "-"))
            for spec in fields(cls)
            if spec.name not in ("base", "headings", "code_theme")
        }
        headings = (get("h1"), get("h2"), get("h3"), get("h4"), get("h5"), get("h6"))
        return cls(base=base, headings=headings, code_theme=code_theme, **styles)

    def dimmed(self) -> MarkdownTheme:
        """The same theme with every style dimmed (for reasoning text)."""
        dim = Style(dim=True)
        changes: dict[str, object] = {}
        for spec in fields(self):
            value = getattr(self, spec.name)
            if isinstance(value, Style):
                changes[spec.name] = value + dim
            elif spec.name == "headings":
                changes[spec.name] = tuple(style + dim for style in value)
        return replace(self, **changes)  # type: ignore[arg-type]


def default_theme(code_theme: str = "monokai") -> MarkdownTheme:
    """A fixed dark palette, for rendering without a widget."""
    return MarkdownTheme(
        base=Style(color="#e0e0e0", bgcolor="#1e1e1e"),
        headings=(
            Style(color="#ffa62b", bold=True),
            Style(color="#ffa62b", bold=True),
            Style(color="#0178d4", bold=True),
            Style(color="#0178d4", bold=True, italic=True),
            Style(color="#0178d4", italic=True),
            Style(color="#0178d4", italic=True, dim=True),
        ),
        strong=Style(bold=True),
        emphasis=Style(italic=True),
        strike=Style(strike=True),
        code_inline=Style(color="#ffa62b", bgcolor="#2d2d2d"),
        link=Style(color="#58a6ff", underline=True),
        quote=Style(italic=True),
        quote_bar=Style(color="#0178d4"),
        bullet=Style(color="#ffa62b", bold=True),
        rule=Style(color="#555555"),
        table_header=Style(bold=True),
        table_border=Style(color="#555555"),
        code_block=Style(color="#e0e0e0", bgcolor="#272822"),
        code_label=Style(color="#9e9e9e", bgcolor="#272822", italic=True),
        code_theme=code_theme,
    )
