"""A Textual `Visual` that lays itself out for the width it is given, and cell-exact helpers.

An `OptionList` asks each option's visual for its height at the list's width, and renders only
the options on screen. `FittedLines` answers the height from a callable (so a thousand rows
cost a thousand cheap calls, not a thousand layouts) and builds its lines only when drawn,
for exactly the width it gets: columns are dropped or a row folds onto two lines as the pane
narrows, and nothing ever wraps or overflows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

ELLIPSIS = "…"


def fit(text: str, width: int) -> str:
    """`text` cut to `width` terminal cells with an ellipsis, or padded with spaces to it."""
    if width <= 0:
        return ""
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + ELLIPSIS
    return text + " " * (width - length)


def fit_right(text: str, width: int) -> str:
    """`text` right-aligned in `width` cells (cut with an ellipsis when longer)."""
    if width <= 0:
        return ""
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + ELLIPSIS
    return " " * (width - length) + text


def truncate(content: Content, width: int) -> Content:
    """`content` cut to `width` cells with an ellipsis (never padded)."""
    return content.truncate(max(0, width), ellipsis=True)


class FittedLines(Visual):
    """Lines built for a given width by `build`, cached for the last width asked.

    `build(width)` must return lines no wider than `width` cells (use `fit`); `height(width)`,
    when given, must return how many lines `build(width)` would, without building them.
    """

    __slots__ = ("_build", "_cache", "_height", "_strips")

    def __init__(
        self,
        build: Callable[[int], Sequence[Content]],
        *,
        height: Callable[[int], int] | None = None,
    ) -> None:
        """Args:
        build: Lays the lines out for a width in cells.
        height: The line count at a width, when it can be had cheaper than by building.
        """
        self._build = build
        self._height = height
        self._cache: tuple[int, Sequence[Content]] | None = None
        self._strips: dict[Style, list[Strip]] = {}
        """Strips at the cached width, by base style (plain, highlighted, hovered)."""

    def lines(self, width: int) -> Sequence[Content]:
        """The lines at `width` (built once per width)."""
        cached = self._cache
        if cached is not None and cached[0] == width:
            return cached[1]
        lines = tuple(self._build(width))
        self._cache = (width, lines)
        self._strips.clear()
        return lines

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        # Lines are laid out to fit, so there is nothing to wrap: straight to segments,
        # skipping Content's wrapping pass (the list repaints these on every search).
        if width <= 0:
            return []
        lines = self.lines(width)
        strips = self._strips.get(style)
        if strips is None:
            get_style = options.get_style
            strips = self._strips[style] = [
                Strip(
                    [
                        Segment(text, part.rich_style)
                        for text, part in line.render(style, end="", parse_style=get_style)
                    ],
                    line.cell_length,
                )
                for line in lines
            ]
        return strips if height is None else strips[:height]

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return max((line.cell_length for line in self.lines(container_width)), default=0)

    def get_height(self, rules: RulesMap, width: int) -> int:
        if self._height is not None:
            return self._height(width)
        return len(self.lines(width))
