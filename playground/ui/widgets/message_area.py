"""The message box: a text area that notices when a paste is a file path.

Dropping a file on a terminal pastes its path. When a paste looks like nothing but paths
(`core.pasted.pasted_paths`), the area does not insert it: it posts `MessageArea.PathsPasted`
and the screen checks the disk, then offers to attach the files, or inserts the text after
all (`insert_pasted`). Any other paste is inserted as usual.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.message import Message
from textual.widgets import TextArea

from playground.core.pasted import pasted_paths


class MessageArea(TextArea):
    """A `TextArea` whose path-like pastes go to the screen first."""

    @dataclass
    class PathsPasted(Message):
        """The user pasted `text`, which looks like the paths of `paths`."""

        area: MessageArea
        text: str
        paths: list[str]

        @property
        def control(self) -> MessageArea:
            return self.area

    async def _on_paste(self, event: events.Paste) -> None:
        paths = None if self.read_only else pasted_paths(event.text)
        if paths:
            event.prevent_default()  # the TextArea's own handler would insert it
            event.stop()
            self.post_message(self.PathsPasted(self, event.text, paths))

    def insert_pasted(self, text: str) -> None:
        """Insert a paste that turned out to be text (replacing the selection, like a paste)."""
        result = self.replace(text, *self.selection)
        self.move_cursor(result.end_location)
        self.focus()
