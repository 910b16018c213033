"""Attach a file: a path input with shell-like completion, and a folder tree to pick from.

Type a path (``~`` works; tab completes, and lists the choices when there are several; the
right arrow accepts the greyed suggestion) and press enter, or pick a file in the tree. The
file is read by `services.attachments` in a worker: the dialog closes with the attachment, or
stays open with the reason it could not be attached, so the path can be fixed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, DirectoryTree, Input, Static

from playground.core.media import size_text
from playground.core.sanitize import safe_line
from playground.services.attachments import (
    MAX_FILE_BYTES,
    MAX_IMAGE_BYTES,
    Attachment,
    AttachmentError,
    Completion,
    expand,
)

Reader = Callable[[str], Awaitable[Attachment]]
Completer = Callable[[str], Awaitable[Completion]]

HINT = (
    f"Images (PNG, JPEG, GIF, WebP) up to {size_text(MAX_IMAGE_BYTES)}; PDF and UTF-8 text "
    f"files up to {size_text(MAX_FILE_BYTES)}. Tab completes, → accepts the suggestion."
)


class PathSuggester(Suggester):
    """Suggests the completion of the path typed so far (greyed; → accepts it)."""

    def __init__(self, complete: Completer) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self._complete = complete

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        completion = await self._complete(value)
        if completion.text != value:
            return completion.text
        if len(completion.candidates) == 1:
            head = value[: len(value) - len(value.rpartition("/")[2])]
            return head + completion.candidates[0]
        return None


class PathInput(Input):
    """An input whose tab completes the path instead of moving the focus."""

    BINDINGS = [Binding("tab", "complete", "Complete", show=False)]

    def action_complete(self) -> None:
        screen = self.screen
        if isinstance(screen, AttachScreen):
            screen.complete_now()


class AttachScreen(ModalScreen[Attachment | None]):
    """Dismisses with the attachment read, or None (Escape)."""

    DEFAULT_CSS = """
    AttachScreen { align: center middle; }
    AttachScreen > Vertical {
        width: 96; max-width: 95%; height: auto; max-height: 90%;
        background: $panel; border: thick $primary; padding: 0 1;
    }
    AttachScreen .title { text-style: bold; margin-bottom: 1; }
    AttachScreen #attach-candidates { color: $text-muted; height: auto; max-height: 4; }
    AttachScreen DirectoryTree { height: 14; margin-top: 1; }
    AttachScreen #attach-error { color: $text-error; height: auto; }
    AttachScreen #attach-hint { color: $text-muted; height: auto; margin-top: 1; }
    AttachScreen Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    AttachScreen Button { margin-left: 1; }
    """
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", show=False)]

    def __init__(
        self, read: Reader, complete: Completer, *, start: Path, initial: str = ""
    ) -> None:
        """
        Args:
            read: Reads a path into an attachment (raises `AttachmentError`).
            complete: Completes a path typed so far.
            start: The folder the tree shows first (the working folder).
            initial: Text to start the input with.
        """
        super().__init__()
        self._read = read
        self._complete = complete
        self._start = start
        self._initial = initial

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Attach an image or a file to the next message", classes="title")
            yield PathInput(
                self._initial,
                placeholder="~/Pictures/cat.png",
                suggester=PathSuggester(self._complete),
                id="attach-path",
            )
            yield Static("", id="attach-candidates")
            yield DirectoryTree(self._start, id="attach-tree")
            yield Static("", id="attach-error")
            yield Static(Content.styled(HINT, "$text-muted"), id="attach-hint")
            with Horizontal():
                yield Button("Cancel", id="attach-cancel")
                yield Button("Attach", id="attach-ok", variant="primary")

    def on_mount(self) -> None:
        self.query_one(PathInput).focus()

    # -- completing --------------------------------------------------------------------------

    def complete_now(self) -> None:
        """Complete the typed path (tab)."""
        self._complete_worker(self.query_one(PathInput).value)

    @work(group="complete", exclusive=True, exit_on_error=False)
    async def _complete_worker(self, typed: str) -> None:
        completion = await self._complete(typed)
        field = self.query_one(PathInput)
        if field.value != typed:
            return  # the user typed on: this completion is stale
        if completion.text != typed:
            field.value = completion.text
            field.cursor_position = len(completion.text)
        candidates = self.query_one("#attach-candidates", Static)
        if len(completion.candidates) > 1:
            shown = "  ".join(safe_line(name, 60) for name in completion.candidates[:40])
            more = len(completion.candidates) - 40
            candidates.update(Content(shown + (f"  … {more} more" if more > 0 else "")))
        else:
            candidates.update("")
        if completion.text.endswith("/") and len(completion.candidates) <= 1:
            self._show_folder(completion.text)

    def _show_folder(self, text: str) -> None:
        folder = expand(text, cwd=self._start)
        tree = self.query_one(DirectoryTree)
        if tree.path != folder:
            tree.path = folder

    # -- attaching -----------------------------------------------------------------------------

    @on(Input.Submitted, "#attach-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._attach_path(event.value)

    @on(Button.Pressed, "#attach-ok")
    def _ok(self, event: Button.Pressed) -> None:
        event.stop()
        self._attach_path(self.query_one(PathInput).value)

    @on(Button.Pressed, "#attach-cancel")
    def _cancel(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    @on(DirectoryTree.FileSelected)
    def _file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.query_one(PathInput).value = str(event.path)
        self._attach_path(str(event.path))

    def _attach_path(self, text: str) -> None:
        if not text.strip():
            self._show_error("Type a path, or pick a file in the tree.")
            return
        self._show_error("reading…", muted=True)
        self._read_worker(text)

    @work(group="read", exclusive=True, exit_on_error=False)
    async def _read_worker(self, text: str) -> None:
        try:
            attachment = await self._read(text)
        except AttachmentError as exc:
            self._show_error(str(exc))
            return
        except Exception as exc:  # an unexpected failure must not close the app
            self._show_error(f"Can't attach {text.strip()}: {exc}")
            return
        self.dismiss(attachment)

    def _show_error(self, text: str, *, muted: bool = False) -> None:
        style = "$text-muted" if muted else "$text-error"
        self.query_one("#attach-error", Static).update(Content.styled(safe_line(text, 400), style))
