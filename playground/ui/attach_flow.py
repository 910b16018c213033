"""Attaching files to the next message on the main screen: the dialog, pasted paths, the chips,
and the notes about what the chosen model takes.

Not a widget: the screen owns one `AttachFlow` and hands it the events that concern
attachments (the Attach button and binding, a paste that looks like paths, a change of model
or tools, a recorded run). Files are read by `services.attachments` in workers; the prompt
editor only shows the parts it is given.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import SystemCommand

from playground.core.media import size_text
from playground.core.request import FilePart, ImagePart
from playground.core.sanitize import safe_line
from playground.services import attachments
from playground.services.attachments import Attachment, AttachmentError
from playground.ui.screens.confirm import ConfirmScreen
from playground.ui.widgets.attachment_chips import AttachmentChips
from playground.ui.widgets.message_area import MessageArea
from playground.ui.widgets.prompt_editor import PromptEditor

if TYPE_CHECKING:
    from playground.ui.screens.main import MainScreen


class AttachFlow:
    """The attachments of the main screen's next message.

    Args:
        screen: The screen whose prompt editor holds the attachments.
        cwd: The folder relative paths start from (default: the working folder when used).
    """

    def __init__(self, screen: MainScreen, *, cwd: Path | None = None) -> None:
        self.screen = screen
        self._cwd = cwd
        self._warned_session_bytes = 0
        """The session size last warned about (each threshold once)."""

    @property
    def cwd(self) -> Path:
        return self._cwd or Path.cwd()

    @property
    def editor(self) -> PromptEditor:
        return self.screen.query_one(PromptEditor)

    # -- adding ------------------------------------------------------------------------------

    def open_dialog(self) -> None:
        """Show the attach dialog; what it reads is added to the next message."""
        from playground.ui.screens.attach import AttachScreen

        cwd = self.cwd

        async def read(text: str) -> Attachment:
            return await attachments.read(text, cwd=cwd)

        async def complete(text: str) -> attachments.Completion:
            return await attachments.complete(text, cwd=cwd)

        def attached(attachment: Attachment | None) -> None:
            if attachment is not None:
                self.screen.run_worker(self.add(attachment), group="attach", exit_on_error=False)
            self.editor.focus_message()

        self.screen.app.push_screen(AttachScreen(read, complete, start=cwd), attached)

    async def add(self, attachment: Attachment) -> None:
        """Add `attachment` to the next message (once: the same file twice is one part)."""
        editor = self.editor
        current = editor.attachments
        if any(_same(part, attachment.part) for part in current):
            self.screen.notify(
                f"{safe_line(attachment.name, 80)} is already attached.", markup=False, timeout=4
            )
            return
        await editor.set_attachments((*current, attachment.part))
        self.screen.notify(
            f"Attached {safe_line(attachment.path, 120)} ({attachment.label}, "
            f"{size_text(attachment.size)}).",
            markup=False,
            timeout=4,
        )
        self.refresh_notes()
        for severity, text in editor.query_one(AttachmentChips).notes:
            if severity == "warning":
                self.screen.notify(text, severity="warning", markup=False, timeout=8)

    async def attach_paths(self, paths: list[Path]) -> None:
        """Read and add `paths`; a file that cannot be attached is reported, the rest added."""
        for path in paths:
            try:
                attachment = await attachments.read(path, cwd=self.cwd)
            except AttachmentError as exc:
                self.screen.notify(
                    safe_line(str(exc), 400), title="Attach", severity="error", markup=False
                )
                continue
            await self.add(attachment)

    async def pasted(self, event: MessageArea.PathsPasted) -> None:
        """A paste looked like paths: offer to attach the files when they exist, else insert
        the text after all."""
        area = event.area
        files = await attachments.files_in_paste(event.text, cwd=self.cwd)
        if not files:
            area.insert_pasted(event.text)
            return
        names = ", ".join(safe_line(attachments.shown_path(f), 100) for f in files[:5])
        more = f" and {len(files) - 5} more" if len(files) > 5 else ""
        what = "this file" if len(files) == 1 else f"these {len(files)} files"
        question = (
            f"You pasted the path of {what}:\n\n{names}{more}\n\n"
            "Attach to the next message, or paste the path as text?"
        )

        def answered(attach: bool | None) -> None:
            if attach:
                self.screen.run_worker(self.attach_paths(files), group="attach")
            else:
                area.insert_pasted(event.text)

        self.screen.app.push_screen(AttachPastedQuestion(question), answered)

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Attach a file",
            "An image, PDF or text file for the next message (f5)",
            self.open_dialog,
        )

    # -- what the model takes ------------------------------------------------------------------

    def refresh_notes(self) -> None:
        """Say under the message when the model's catalog tags lack what it carries (images,
        files, tools); a note when nobody can tell. Never a block."""
        screen = self.screen
        if not screen.is_mounted:
            return
        editor = self.editor
        parts = editor.attachments
        tools = bool(screen.tool_flow.settings.tools)
        if screen.model_id is None or not (parts or tools) or not len(screen.catalog):
            editor.show_attachment_notes([])
            return
        notes = attachments.capability_notes(
            screen.catalog,
            screen.model_id,
            images=any(isinstance(p, ImagePart) for p in parts),
            files=any(isinstance(p, FilePart) for p in parts),
            tools=tools,
        )
        editor.show_attachment_notes([(n.severity, n.text) for n in notes])

    def after_record(self) -> None:
        """Warn once the session holds a lot of attachments (every run keeps its request)."""
        state = self.screen.state
        if state is None:
            return
        size = attachments.session_attachment_bytes(state.session)
        limit = attachments.SESSION_WARN_BYTES
        if size < limit or size < self._warned_session_bytes * 2:
            return
        self._warned_session_bytes = size
        self.screen.notify(
            f"This session now holds {size_text(size)} of attachments: every run keeps the "
            "request it sent, images and files included. Saving it will be slow and opening "
            "it asks first; a new conversation (ctrl+n) stops sending them again.",
            severity="warning",
            markup=False,
            timeout=15,
        )


class AttachPastedQuestion(ConfirmScreen):
    """Attach the pasted files, or paste the text? Attach is the default (enter)."""

    def __init__(self, question: str) -> None:
        super().__init__(question, yes="Attach", no="Paste as text", focus="yes")


def _same(a: ImagePart | FilePart, b: ImagePart | FilePart) -> bool:
    return type(a) is type(b) and a.filename == b.filename and a.data == b.data
