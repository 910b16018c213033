"""Provides `MarkdownDocument`: streamed Markdown as cached, line-addressed rendered blocks.

The answer view feeds text in and asks for lines by number. The document:

- splits the text into blocks as it arrives (`BlockSplitter`, cheap and linear);
- renders each finished block once per (width, theme) and keeps its lines, in the form the
  `to_line` factory the view passes makes (packed tuples there, `packed.StyleTable`);
- re-renders only the open tail (the open block and the line being typed) when it changed,
  with an open fence highlighted line by line through its `FenceState`, and throttles the tail
  when it is expensive (a huge open table) so it never takes more than about a third of the
  time;
- does that work in `layout` under a deadline, visible blocks first, so a 20,000-token burst or
  a resize of a long answer is spread over frames instead of freezing one.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from rich.segment import Segment

from playground.ui.markdown.blocks import Block, BlockSplitter
from playground.ui.markdown.render import MIN_WIDTH, FenceState, fence_language, render_block
from playground.ui.markdown.theme import MarkdownTheme

L = TypeVar("L")
"""The view's line type (a Textual `Strip` in the answer view)."""

LineFactory = Callable[[list[Segment], int], L]
"""Turns rendered segments and their cell width into the view's line type."""

_Key = tuple[int, MarkdownTheme]

_TAIL_SHARE = 2.0
"""The tail is re-rendered at most every `_TAIL_SHARE` times its last render cost."""

TAIL_WINDOW = 6_000
"""Characters of an open non-code block drawn while it streams. Wrapping is linear in the
block's length (a 100 KB paragraph takes ~0.5 s), so an unbroken paragraph, list item or
table that keeps growing is shown by its end, which is where a following reader looks; it is
drawn whole once it is finished."""


def tail_window(block: Block, limit: int = TAIL_WINDOW) -> Block:
    """The end of an open `block`, at most about `limit` characters, still valid Markdown of
    the same kind: a list item keeps its marker line, a table its header and delimiter rows,
    and a cut paragraph starts with ``…``."""
    if block.kind == "fence" or sum(map(len, block.lines)) <= limit:
        return block
    head: list[str] = []
    if block.kind == "table":
        head = list(block.lines[:2])
    elif block.kind == "list_item":
        head = [block.lines[0][: limit // 2]]
    budget = limit - sum(map(len, head))
    tail: list[str] = []
    for line in reversed(block.lines[len(head) :]):
        if len(line) > budget:
            if not tail:  # one huge line: keep its end, from a word boundary
                cut = line[-budget:]
                tail.append("…" + cut[cut.find(" ") + 1 :] if " " in cut else "…" + cut)
            break
        tail.append(line)
        budget -= len(line)
    if block.kind == "paragraph" and tail and not tail[-1].startswith("…"):
        tail[-1] = "…" + tail[-1].lstrip()
    return replace(block, lines=(*head, *reversed(tail)))


@dataclass(slots=True)
class _Entry(Generic[L]):
    """A finished block and its rendered lines (possibly for an older width or theme)."""

    block: Block
    lines: list[L]
    key: _Key | None = None


class MarkdownDocument(Generic[L]):
    """One streamed Markdown text, rendered block by block into cached lines."""

    def __init__(self, to_line: LineFactory[L]) -> None:
        """
        Args:
            to_line: Makes the view's line type from a rendered line.
        """
        self._to_line = to_line
        self._splitter = BlockSplitter()
        self._raw: list[str] = []
        self._fed = 0
        self._entries: list[_Entry[L]] = []
        self._starts: list[int] = []
        self._height = 0
        self._dirty_from = 0
        self._scan = 0
        self._key: _Key | None = None
        self._fences: dict[int, FenceState] = {}
        self._tail_lines: list[L] = []
        self._tail_cache: dict[int, tuple[list[Segment], L]] = {}
        """Tail lines by the identity of their segments: an open fence's lines are the same
        objects paint after paint, so each is converted to the view's line type once."""
        self._tail_dirty = False
        self._tail_key: _Key | None = None
        self._tail_cost = 0.0
        self._tail_at = 0.0
        self._finished = False
        self.shown_chars = 0
        """How many characters of the text the current lines show (all of it when idle)."""
        self.changed_from: int | None = None
        """First line that the last `layout` call changed (None: nothing changed)."""
        self._changed_entry: int | None = None

    # ---- text in

    def feed(self, text: str) -> None:
        """Add streamed text (already batched by the caller)."""
        if not text or self._finished:
            return
        self._raw.append(text)
        self._fed += len(text)
        if self._splitter.feed(text):
            self._add_finished()
        self._tail_dirty = True

    def finish(self) -> None:
        """The text is complete: the last line and the open block become finished blocks."""
        if self._finished:
            return
        self._finished = True
        self._splitter.finish()
        self._add_finished()
        self._tail_dirty = True

    def _add_finished(self) -> None:
        for block in self._splitter.blocks[len(self._entries) :]:
            self._entries.append(_Entry(block, []))

    @property
    def finished(self) -> bool:
        """Whether `finish` was called."""
        return self._finished

    @property
    def text(self) -> str:
        """The raw text fed so far, unsanitized."""
        if len(self._raw) > 1:
            self._raw = ["".join(self._raw)]
        return self._raw[0] if self._raw else ""

    @property
    def fed_chars(self) -> int:
        """Characters fed so far."""
        return self._fed

    def blocks(self) -> list[Block]:
        """Finished blocks, then the provisional blocks of the open tail."""
        return [*self._splitter.blocks, *self._splitter.preview()]

    # ---- lines out

    @property
    def line_count(self) -> int:
        """Lines currently rendered (finished blocks and the tail)."""
        return self._height + len(self._tail_lines)

    @property
    def up_to_date(self) -> bool:
        """Whether every block and the tail are rendered for the current text and key."""
        return self._scan >= len(self._entries) and not self._tail_dirty

    def line(self, y: int) -> L | None:
        """The rendered line `y`, or None past the end."""
        if y < 0:
            return None
        if y >= self._height:
            tail_y = y - self._height
            return self._tail_lines[tail_y] if tail_y < len(self._tail_lines) else None
        index = bisect.bisect_right(self._starts, y) - 1
        lines = self._entries[index].lines
        offset = y - self._starts[index]
        return lines[offset] if offset < len(lines) else None

    def layout(
        self,
        width: int,
        theme: MarkdownTheme,
        deadline: float,
        visible: tuple[int, int] | None = None,
        force: bool = False,
    ) -> bool:
        """Render what changed, until `deadline` (a `time.perf_counter()` value).

        Blocks in the `visible` line range come first, then the others in order, then the tail
        (only once every block before it is rendered, so it never shows out of place). At least
        one block is rendered per call, so work always progresses.

        Args:
            width: Render width in cells.
            theme: Styles.
            deadline: Stop starting new work after this time.
            visible: Lines on screen ``(first, end)``, rendered first after a resize.
            force: Render the tail even if it was rendered very recently (end of stream).

        Returns:
            True when everything is up to date (`up_to_date`).
        """
        key = (max(width, MIN_WIDTH), theme)
        if key != self._key:
            self._key = key
            self._scan = 0
            self._tail_dirty = True
        entries = self._entries
        progressed = False
        self._changed_entry = None
        self.changed_from = None
        if visible is not None and self._scan < len(entries) and self._starts:
            first = max(bisect.bisect_right(self._starts, visible[0]) - 1, 0)
            last = min(bisect.bisect_right(self._starts, visible[1]), len(self._starts))
            for index in range(first, last):
                if entries[index].key != key:
                    self._render_entry(index, key)
                    progressed = True
                    if time.perf_counter() > deadline:
                        break
        while self._scan < len(entries):
            if progressed and time.perf_counter() > deadline:
                break
            if entries[self._scan].key != key:
                self._render_entry(self._scan, key)
                progressed = True
            self._scan += 1
        self._fix_offsets()
        if self._changed_entry is not None:
            self.changed_from = self._starts[self._changed_entry]
        if self._scan >= len(entries) and self._tail_dirty:
            now = time.perf_counter()
            due = now - self._tail_at >= _TAIL_SHARE * self._tail_cost
            if force or self._finished or due or not progressed:
                self._render_tail(key)
                if self.changed_from is None:
                    self.changed_from = self._height
        if self.up_to_date:
            self.shown_chars = self._fed
        return self.up_to_date

    def _render_entry(self, index: int, key: _Key) -> None:
        entry = self._entries[index]
        block = entry.block
        fence = self._fences.pop(block.index, None) if block.kind == "fence" else None
        if fence is not None and fence.language != fence_language(block):
            fence = None  # made while the opening line was still being typed
        width, theme = key
        old = len(entry.lines)
        entry.lines = [
            self._to_line(line, width) for line in render_block(block, width, theme, fence)
        ]
        entry.key = key
        if len(entry.lines) != old:
            self._dirty_from = min(self._dirty_from, index)
        if self._changed_entry is None or index < self._changed_entry:
            self._changed_entry = index

    def _render_tail(self, key: _Key) -> None:
        started = time.perf_counter()
        width, theme = key
        to_line = self._to_line
        old_cache = self._tail_cache if self._tail_key == key else {}
        cache: dict[int, tuple[list[Segment], L]] = {}
        lines: list[L] = []
        for block in self._splitter.preview():
            block = tail_window(block)
            fence = None
            if block.kind == "fence":
                language = fence_language(block)
                fence = self._fences.get(block.index)
                if fence is None or fence.language != language:  # the opener was still typing
                    fence = self._fences[block.index] = FenceState(language)
            for segments in render_block(block, width, theme, fence):
                hit = old_cache.get(id(segments))
                if hit is not None and hit[0] is segments:
                    line = hit[1]
                else:
                    line = to_line(segments, width)
                cache[id(segments)] = (segments, line)
                lines.append(line)
        self._tail_lines = lines
        self._tail_cache = cache
        self._tail_key = key
        self._tail_dirty = False
        self._tail_at = time.perf_counter()
        self._tail_cost = self._tail_at - started

    def _fix_offsets(self) -> None:
        entries = self._entries
        start = min(self._dirty_from, len(self._starts))
        del self._starts[start:]
        y = self._starts[-1] + len(entries[start - 1].lines) if start else 0
        for entry in entries[start:]:
            self._starts.append(y)
            y += len(entry.lines)
        self._height = y
        self._dirty_from = len(entries)
