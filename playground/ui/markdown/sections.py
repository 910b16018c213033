"""Provides `Sections`: the parts of the answer view stacked into one line space.

The view is one scroll view over several parts (the reasoning header and text, the answer,
tool-call cards), each with its own line numbers; `Sections` maps a view line to a part and a
line within it, with one blank line between the reasoning, the answer and the cards.
"""

from __future__ import annotations

import bisect


class Sections:
    """Named parts of given heights, stacked top to bottom."""

    __slots__ = ("_names", "_starts", "height", "key")

    def __init__(self, parts: list[tuple[str, int]]) -> None:
        """
        Args:
            parts: (name, height) in display order; empty parts are left out, and a ``gap``
                line goes between ``reasoning…`` parts, ``answer`` and ``tools``.
        """
        self._names: list[str] = []
        self._starts: list[int] = []
        y = 0
        previous = ""
        for name, height in parts:
            if height <= 0:
                continue
            if previous and previous.split("-")[0] != name.split("-")[0]:
                self._names.append("gap")
                self._starts.append(y)
                y += 1
            self._names.append(name)
            self._starts.append(y)
            y += height
            previous = name
        self.height = y
        """Total lines."""
        self.key = (tuple(self._names), tuple(self._starts), y)
        """Equal for equal layouts (to tell whether anything moved)."""

    def start(self, name: str) -> int:
        """First line of part `name` (0 if absent)."""
        return self._starts[self._names.index(name)] if name in self._names else 0

    def find(self, y: int) -> tuple[str, int] | None:
        """The part holding view line `y` and the line within it, or None past the end."""
        if y < 0 or y >= self.height:
            return None
        index = bisect.bisect_right(self._starts, y) - 1
        return self._names[index], y - self._starts[index]
