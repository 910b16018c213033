"""The attachments of the next message, as removable chips under it, with a line of notes.

Each chip reads ``✕ ◉ cat.png · PNG · 12.4 KB`` (``▤`` for a file), two to a row, cut at
the end when narrow (so the ✕ stays). Clicking a chip, or focusing it and pressing delete or
backspace, posts `AttachmentChips.Removed`; the editor drops the attachment. The notes line
says when the chosen model's catalog tags lack what the message carries. File names are
untrusted text: they pass through `safe_line` and are never markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from playground.core.media import IMAGE_TYPES, base64_size, size_text, text_label
from playground.core.request import FilePart, ImagePart
from playground.core.sanitize import safe_line

MUTED = "$text-muted"

AttachmentPart = ImagePart | FilePart


def part_label(part: AttachmentPart) -> str:
    """``PNG``, ``PDF``, ``Markdown``: what a part is, in one word."""
    if isinstance(part, ImagePart):
        return IMAGE_TYPES.get(part.media_type, "image").removesuffix(" image")
    if part.media_type == "application/pdf":
        return "PDF"
    return text_label(part.filename)


def part_size(part: AttachmentPart) -> int:
    """The attachment's size in bytes, from its base64 text."""
    return base64_size(len(part.data.rstrip("=")))


def chip_content(part: AttachmentPart) -> Content:
    """``✕ ◉ cat.png · PNG · 12.4 KB``."""
    glyph = "◉" if isinstance(part, ImagePart) else "▤"
    name = safe_line(part.filename or part.media_type, 40)
    return Content.assemble(
        ("✕ ", "bold $text-error"),
        (f"{glyph} ", "bold $text-accent"),
        name,
        (f" · {part_label(part)} · {size_text(part_size(part))}", MUTED),
    )


class Chip(Static, can_focus=True):
    """One attachment. Click it, or press delete, to remove it."""

    DEFAULT_CSS = """
    Chip {
        width: 1fr; height: 1; padding: 0 1; margin-right: 1;
        background: $boost; text-wrap: nowrap; text-overflow: ellipsis;
    }
    Chip:hover { background: $error 20%; }
    Chip:focus { background: $error 30%; text-style: bold; }
    """
    BINDINGS = [
        Binding("delete,backspace,x", "remove", "Remove", tooltip="Remove this attachment.")
    ]

    def __init__(self, part: AttachmentPart, index: int) -> None:
        super().__init__(chip_content(part))
        self.part = part
        self.index = index
        self.tooltip = Content("Remove this attachment (click, or delete)")

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.action_remove()

    def action_remove(self) -> None:
        parent = self.parent
        while parent is not None and not isinstance(parent, AttachmentChips):
            parent = parent.parent
        if isinstance(parent, AttachmentChips):
            parent.post_message(AttachmentChips.Removed(parent, self.index))


class AttachmentChips(Vertical):
    """The chips of the next message's attachments, and notes about them. Hidden when there
    is nothing to show."""

    DEFAULT_CSS = """
    AttachmentChips { height: auto; display: none; }
    AttachmentChips.-shown { display: block; }
    AttachmentChips > #chips {
        layout: grid; grid-size: 2; grid-columns: 1fr 1fr; grid-rows: 1; height: auto;
    }
    AttachmentChips > #chips.-empty { display: none; }
    AttachmentChips > #attachment-notes { height: auto; color: $text-warning; display: none; }
    AttachmentChips > #attachment-notes.-shown { display: block; }
    AttachmentChips > #attachment-notes.-note { color: $text-muted; }
    """

    @dataclass
    class Removed(Message):
        """The user removed the attachment at `index`."""

        chips: AttachmentChips
        index: int

        @property
        def control(self) -> AttachmentChips:
            return self.chips

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.parts: tuple[AttachmentPart, ...] = ()
        self._notes: tuple[tuple[str, str], ...] = ()

    def compose(self) -> ComposeResult:
        yield Container(id="chips", classes="-empty")
        yield Static("", id="attachment-notes")

    async def show(self, parts: Sequence[AttachmentPart]) -> None:
        """Show `parts` as chips (replacing what was shown)."""
        self.parts = tuple(parts)
        row = self.query_one("#chips", Container)
        await row.remove_children()
        await row.mount_all([Chip(part, index) for index, part in enumerate(self.parts)])
        row.set_class(not self.parts, "-empty")
        self._update_shown()

    def show_notes(self, notes: Sequence[tuple[str, str]]) -> None:
        """Show (severity, text) notes: ``warning`` in the warning colour, ``note`` muted."""
        if tuple(notes) == self._notes:
            return  # called on every keystroke in the message: nothing to repaint
        self._notes = tuple(notes)
        box = self.query_one("#attachment-notes", Static)
        lines = [("⚠ " if severity == "warning" else "ⓘ ") + text for severity, text in notes]
        box.update(Content("\n".join(lines)))
        box.set_class(bool(notes) and all(s == "note" for s, _ in notes), "-note")
        box.set_class(bool(notes), "-shown")
        self._update_shown()

    @property
    def notes(self) -> tuple[tuple[str, str], ...]:
        return self._notes

    def _update_shown(self) -> None:
        self.set_class(bool(self.parts or self._notes), "-shown")
