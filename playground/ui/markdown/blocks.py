"""Provides `BlockSplitter`: streaming Markdown cut into top-level blocks, line by line.

The answer view renders a block once it is finished and caches its lines; only the open block
at the end is re-rendered as text arrives. That only works if a finished block can never change
again, so the splitter decides every boundary from the lines seen so far (plus, for list items
and indented code, the next non-blank line). It reads complete lines only: the line still being
typed is kept aside and shown through `BlockSplitter.preview`, never committed. Hence feeding a
text in any chunking gives exactly the blocks of feeding it whole, which is what makes the
streamed render equal the whole-text render (`render_whole`).

The rules follow CommonMark and markdown-it (which renders each block) closely enough that a
block boundary falls where markdown-it would end a top-level block: fences (including blank
lines inside them), ATX and setext headings, thematic breaks, block quotes with lazy
continuation, GFM tables (which may interrupt a paragraph), indented code, and lists. A list is
cut into its top-level items, each item a block with its nested content, so a long list is
cached item by item; ordered items carry their number so ``1. 1. 1.`` still counts 1, 2, 3.

Pure Python: no Rich, no Textual. Every line is passed through `safe_text` here, once, so an
escape sequence split across tokens is still neutralised (RELIABILITY.md §3).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from playground.core.sanitize import safe_text

BlockKind = Literal[
    "paragraph", "heading", "fence", "list_item", "quote", "table", "rule", "indented"
]

_FENCE_OPEN = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
_ATX = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_HR = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_QUOTE = re.compile(r"^ {0,3}>")
_BULLET = re.compile(r"^( {0,3})([-+*])([ \t]+|$)")
_ORDERED = re.compile(r"^( {0,3})(\d{1,9})([.)])([ \t]+|$)")
_DELIMITER_CELL = re.compile(r"^:?-+:?$")
_DELIMITER_ROW = re.compile(r"^ {0,3}[-:|][-:|\s]*$")


@dataclass(frozen=True, slots=True)
class Block:
    """One finished (or, from `preview`, provisional) top-level Markdown block."""

    index: int
    """Position in the document's block list; the open block gets the next free index."""
    kind: BlockKind
    lines: tuple[str, ...]
    """Sanitized source lines, without newlines; tabs kept (renderers expand them)."""
    gap_before: int
    """Blank source lines between the previous block and this one."""
    prev_kind: BlockKind | None
    """Kind of the previous block (None for the first): decides the margin above."""
    list_number: int | None = None
    """For ordered list items: the number to show, counting on from the previous item."""
    closed: bool = True
    """False for a fence whose closing line has not arrived (only from `preview`/`finish`)."""
    partial: bool = False
    """True when the last line is still being typed (only from `preview`)."""

    @property
    def text(self) -> str:
        """The block's Markdown source."""
        return "\n".join(self.lines)

    @property
    def margin_top(self) -> int:
        """Blank lines to draw above the block: none between tight list items or first."""
        if self.prev_kind is None:
            return 0
        if self.kind == "list_item" and self.prev_kind == "list_item" and self.gap_before == 0:
            return 0
        return 1


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _expand(line: str) -> str:
    # Block structure counts tabs as stops of 4 (CommonMark); stored lines keep their tabs.
    return line.expandtabs(4) if "\t" in line else line


def _table_cells(line: str) -> list[str]:
    """Cells of a table row, as markdown-it's `escapedSplit` counts them."""
    cells = re.split(r"(?<!\\)\|", line.strip())
    if cells and cells[0].strip() == "":
        cells.pop(0)
    if cells and cells[-1].strip() == "":
        cells.pop()
    return cells


def _is_delimiter_for(header: str, line: str) -> bool:
    """Whether `line` is a GFM table delimiter row matching `header`'s column count."""
    if not _DELIMITER_ROW.match(line) or "|" not in header or _indent(header) >= 4:
        return False
    stripped = line.strip()
    if stripped[0] == "-" and len(stripped) > 1 and stripped[1] in " \t":
        return False  # "- --" is a list item, not a delimiter row (markdown-it)
    columns = stripped.split("|")
    count = 0
    for i, column in enumerate(columns):
        cell = column.strip()
        if not cell:
            if i in (0, len(columns) - 1):
                continue
            return False
        if not _DELIMITER_CELL.match(cell):
            return False
        count += 1
    return count > 0 and count == len(_table_cells(header))


def _fence_open(line: str) -> tuple[str, int] | None:
    match = _FENCE_OPEN.match(line)
    if match is None:
        return None
    marker, info = match.group(2), match.group(3)
    if marker[0] == "`" and "`" in info:
        return None
    return marker[0], len(marker)


def _fence_closes(line: str, char: str, length: int) -> bool:
    stripped = line.strip()
    return _indent(line) < 4 and len(stripped) >= length and stripped == char * len(stripped)


def _list_marker(line: str) -> tuple[int, int | None, bool] | None:
    """Return (content indent, ordered number or None, empty item) for a list item line."""
    match = _ORDERED.match(line) or _BULLET.match(line)
    if match is None:
        return None
    ordered = match.re is _ORDERED
    number = int(match.group(2)) if ordered else None
    spaces = match.group(match.lastindex or 0)
    end = match.end()
    empty = end >= len(line)
    marker_end = end - len(spaces)
    # CommonMark: more than 4 spaces after the marker means indented code in the item.
    content_indent = marker_end + 1 if empty or len(spaces) > 4 else end
    return content_indent, number, empty


def _starts_block(line: str) -> bool:
    """Whether a line at container indent interrupts a paragraph-like block."""
    return bool(
        _ATX.match(line)
        or _fence_open(line)
        or _HR.match(line)
        or _QUOTE.match(line)
        or _list_marker(line)
    )


@dataclass(slots=True)
class _Open:
    """The block being built."""

    kind: BlockKind
    lines: list[str]
    gap_before: int
    fence: tuple[str, int] | None = None
    """(char, length) of an open fence: the block's own, or one inside a list item."""
    content_indent: int = 0
    pending_blank: int = 0
    """Blank lines held back: they belong to the block only if an indented line follows."""
    list_number: int | None = None
    ordered: bool = False

    def copy(self) -> _Open:
        return _Open(
            self.kind,
            list(self.lines),
            self.gap_before,
            self.fence,
            self.content_indent,
            self.pending_blank,
            self.list_number,
            self.ordered,
        )


@dataclass(slots=True)
class BlockSplitter:
    """Cuts streamed Markdown into `Block`s. Feed text with `feed`, end with `finish`."""

    blocks: list[Block] = field(default_factory=list)
    """Finished blocks, in order. Only ever appended to."""
    lines_seen: int = 0
    """Complete lines processed so far."""
    _open: _Open | None = None
    _blank: int = 0
    _partial: list[str] = field(default_factory=list)
    _last_kind: BlockKind | None = None
    _last_number: int | None = None
    """Number of the last ordered item, while an ordered list may continue."""
    _finished: bool = False
    _base: int = 0
    """Index of this splitter's first block (non-zero in `preview` clones)."""

    # ---- input

    def feed(self, text: str) -> int:
        """Add streamed text; return how many blocks were finished by it."""
        if self._finished:
            raise RuntimeError("feed() after finish()")
        before = len(self.blocks)
        if "\n" not in text:
            if text:
                self._partial.append(text)
            return 0
        self._partial.append(text)
        pieces = "".join(self._partial).split("\n")
        tail = pieces.pop()
        self._partial = [tail] if tail else []
        for raw in pieces:
            self._line(raw)
        return len(self.blocks) - before

    def finish(self) -> int:
        """Process the last, unterminated line and close the open block."""
        if self._finished:
            return 0
        before = len(self.blocks)
        if self._partial:
            self._line("".join(self._partial))
            self._partial = []
        self._close()
        self._finished = True
        return len(self.blocks) - before

    @property
    def partial_line(self) -> str:
        """The raw line still being typed (no newline yet)."""
        return "".join(self._partial)

    def preview(self) -> list[Block]:
        """Blocks that the open block and the line being typed would make if the text ended
        now. Marked `partial` (and `closed=False` for an open fence). Changes nothing."""
        if self._open is None and not self._partial:
            return []
        clone = BlockSplitter(
            blocks=[],
            lines_seen=self.lines_seen,
            _open=self._open.copy() if self._open is not None else None,
            _blank=self._blank,
            _last_kind=self._last_kind,
            _last_number=self._last_number,
            _base=len(self.blocks),
        )
        partial = bool(self._partial)
        if partial:
            clone._line("".join(self._partial))
        clone._close(partial=partial)
        return clone.blocks

    # ---- the state machine

    def _line(self, raw: str) -> None:
        if raw.endswith("\r"):
            raw = raw[:-1]
        clean = safe_text(raw)
        self.lines_seen += 1
        if "\n" in clean:  # a lone CR inside the line became a line break
            for piece in clean.split("\n"):
                self._step(piece)
        else:
            self._step(clean)

    def _step(self, line: str) -> None:
        current = self._open
        x = _expand(line)
        if current is None:
            if x.strip():
                self._start(line, x, self._blank)
                self._blank = 0
            else:
                self._blank += 1
            return
        handler = _HANDLERS[current.kind]
        handler(self, current, line, x)

    def _start(self, line: str, x: str, gap: int) -> None:
        fence = _fence_open(x)
        if fence is not None:
            self._open = _Open("fence", [line], gap, fence=fence)
        elif _ATX.match(x):
            self._emit(_Open("heading", [line], gap))
        elif _HR.match(x):
            self._emit(_Open("rule", [line], gap))
        elif _QUOTE.match(x):
            self._open = _Open("quote", [line], gap)
        elif (marker := _list_marker(x)) is not None:
            content_indent, number, _ = marker
            if number is not None and self._last_number is not None:
                number = self._last_number + 1
            self._open = _Open(
                "list_item",
                [line],
                gap,
                content_indent=content_indent,
                list_number=number,
                ordered=number is not None,
            )
            self._track_inner_fence(self._open, x[content_indent:])
        elif _indent(x) >= 4:
            self._open = _Open("indented", [line], gap)
        else:
            self._open = _Open("paragraph", [line], gap)

    def _emit(self, block: _Open, closed: bool = True, partial: bool = False) -> None:
        self.blocks.append(
            Block(
                index=self._base + len(self.blocks),
                kind=block.kind,
                lines=tuple(block.lines),
                gap_before=block.gap_before,
                prev_kind=self._last_kind,
                list_number=block.list_number,
                closed=closed,
                partial=partial,
            )
        )
        self._last_kind = block.kind
        # An ordered list continues over blank lines until any other block comes.
        self._last_number = block.list_number if block.ordered else None
        if block is self._open:
            self._open = None

    def _close(self, partial: bool = False) -> None:
        current = self._open
        if current is None:
            return
        closed = not (current.kind == "fence" and current.fence is not None)
        self._emit(current, closed=closed, partial=partial)

    def _finish_then_start(self, current: _Open, line: str, x: str, gap: int) -> None:
        self._emit(current)
        self._blank = 0
        self._start(line, x, gap)

    def _on_fence(self, current: _Open, line: str, x: str) -> None:
        current.lines.append(line)
        assert current.fence is not None
        if _fence_closes(x, *current.fence):
            current.fence = None
            self._emit(current)

    def _on_paragraph(self, current: _Open, line: str, x: str) -> None:
        if not x.strip():
            self._emit(current)
            self._blank = 1
            return
        if _SETEXT.match(x):
            current.lines.append(line)
            current.kind = "heading"
            self._emit(current)
            return
        if _is_delimiter_for(_expand(current.lines[-1]), x):
            header = current.lines.pop()
            if current.lines:
                self._emit(current)
            self._open = _Open("table", [header, line], 0 if current.lines else current.gap_before)
            return
        marker = _list_marker(x)
        interrupts = marker is not None and not marker[2] and marker[1] in (None, 1)
        if interrupts or (marker is None and _starts_block(x)):
            self._finish_then_start(current, line, x, 0)
            return
        current.lines.append(line)

    def _on_quote(self, current: _Open, line: str, x: str) -> None:
        if not x.strip():
            self._emit(current)
            self._blank = 1
        elif _QUOTE.match(x) or not _starts_block(x):
            current.lines.append(line)  # a quoted line, or a lazy continuation
        else:
            self._finish_then_start(current, line, x, 0)

    def _on_table(self, current: _Open, line: str, x: str) -> None:
        if not x.strip():
            self._emit(current)
            self._blank = 1
        elif _starts_block(x) or _indent(x) >= 4:
            self._finish_then_start(current, line, x, 0)
        else:
            current.lines.append(line)

    def _on_indented(self, current: _Open, line: str, x: str) -> None:
        if not x.strip():
            current.pending_blank += 1
        elif _indent(x) >= 4:
            current.lines.extend([""] * current.pending_blank)
            current.pending_blank = 0
            current.lines.append(line)
        else:
            gap, current.pending_blank = current.pending_blank, 0
            self._finish_then_start(current, line, x, gap)

    def _on_list_item(self, current: _Open, line: str, x: str) -> None:
        if not x.strip():
            current.pending_blank += 1
            return
        indent = _indent(x)
        inside = indent >= current.content_indent
        if current.pending_blank:
            if not inside:
                gap, current.pending_blank = current.pending_blank, 0
                self._finish_then_start(current, line, x, gap)
                return
            current.lines.extend([""] * current.pending_blank)
            current.pending_blank = 0
        elif not inside and (current.fence is not None or _starts_block(x)):
            self._finish_then_start(current, line, x, 0)
            return
        current.lines.append(line)  # nested content, or a lazy paragraph continuation
        if inside:
            self._track_inner_fence(current, x[current.content_indent :])

    @staticmethod
    def _track_inner_fence(current: _Open, content: str) -> None:
        if current.fence is None:
            current.fence = _fence_open(content)
        elif _fence_closes(content, *current.fence):
            current.fence = None


_HANDLERS = {
    "fence": BlockSplitter._on_fence,
    "paragraph": BlockSplitter._on_paragraph,
    "quote": BlockSplitter._on_quote,
    "table": BlockSplitter._on_table,
    "indented": BlockSplitter._on_indented,
    "list_item": BlockSplitter._on_list_item,
}


def split_blocks(text: str) -> list[Block]:
    """Split a whole text into blocks, exactly as streaming it would."""
    splitter = BlockSplitter()
    splitter.feed(text)
    splitter.finish()
    return splitter.blocks
