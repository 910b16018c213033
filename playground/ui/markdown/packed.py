"""Provides `StyleTable`: rendered lines packed into tuples of strings and integers.

A long answer has tens of thousands of cached lines. Kept as lists of Rich `Segment`s (and
worse, as Textual `Strip`s, each with seven caches of its own), every one of them is an object
the cyclic garbage collector walks on each full collection, and those pauses (60–80 ms on a
busy 2-core box) were the longest gaps between paints while streaming. A packed line,
``(width, text, (length, style id, length, style id, …))``, holds only strings and integers,
so CPython stops tracking it after its first collection: the pause no longer grows with the
answer. The view unpacks only the lines on screen.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style

PackedLine = tuple[int, str, tuple[int, ...]]
"""(cell width, text, flattened (character count, style id) pairs)."""


class StyleTable:
    """Interns the styles of packed lines; packs and unpacks lines against them."""

    __slots__ = ("_ids", "_styles")

    def __init__(self) -> None:
        self._ids: dict[Style | None, int] = {}
        self._styles: list[Style | None] = []

    def pack(self, segments: list[Segment], width: int) -> PackedLine:
        """Pack a rendered line of `width` cells."""
        ids = self._ids
        spans: list[int] = []
        texts: list[str] = []
        for text, style, _ in segments:
            if not text:
                continue
            sid = ids.get(style)
            if sid is None:
                sid = ids[style] = len(self._styles)
                self._styles.append(style)
            if spans and spans[-1] == sid:
                spans[-2] += len(text)  # same style as the previous piece: merge
            else:
                spans += (len(text), sid)
            texts.append(text)
        return (width, "".join(texts), tuple(spans))

    def unpack(self, line: PackedLine) -> list[Segment]:
        """The segments of a packed line."""
        _, text, spans = line
        styles = self._styles
        segments = []
        start = 0
        for index in range(0, len(spans), 2):
            end = start + spans[index]
            segments.append(Segment(text[start:end], styles[spans[index + 1]]))
            start = end
        return segments
