"""Choosing session files: open (a path with completion, the recent sessions, a folder
tree) and save as / export (a path with completion).

The screens only choose a path; the app opens, saves and reports. File and folder names are
untrusted text (a shared folder can hold any name): they are shown through `safe_line` and
never as markup.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, DirectoryTree, Input, OptionList, Static
from textual.widgets.option_list import Option

from playground.core.sanitize import safe_line
from playground.store.paths import display_path
from playground.store.sessions import RecentEntry

MUTED = "$text-muted"
SESSION_SUFFIXES = (".json",)


def _entries_of(value: str) -> list[tuple[str, bool]]:
    """The (name, is_dir) entries of the folder `value` is in (``~`` expanded)."""
    expanded = os.path.expanduser(value)
    folder = expanded.rpartition(os.sep)[0] or ("/" if expanded.startswith("/") else ".")
    try:
        with os.scandir(folder) as scan:
            return [(e.name, e.is_dir()) for e in scan]
    except OSError:
        return []


def complete_path(value: str, entries: Iterable[tuple[str, bool]], suffixes: Sequence[str]) -> str:
    """The completion of `value` among `entries` (name, is_dir) of its folder: the first
    folder or file with one of `suffixes` that extends it, as `value` plus the rest; `value`
    itself when there is none. Hidden names only when the prefix asks for them."""
    prefix = os.path.expanduser(value).rpartition(os.sep)[2]
    for name, is_dir in sorted(entries, key=lambda e: (not e[1], e[0])):
        if not name.startswith(prefix) or (name.startswith(".") and not prefix.startswith(".")):
            continue
        if is_dir:
            return value + name[len(prefix) :] + os.sep
        if name.endswith(tuple(suffixes)) and name != prefix:
            return value + name[len(prefix) :]
    return value


class PathSuggester(Suggester):
    """Completes file system paths as you type (→ accepts), folders first."""

    def __init__(self, suffixes: Sequence[str] = SESSION_SUFFIXES) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.suffixes = tuple(suffixes)

    async def get_suggestion(self, value: str) -> str | None:
        if not value.strip():
            return None
        entries = await asyncio.to_thread(_entries_of, value)
        completed = complete_path(value, entries, self.suffixes)
        return completed if completed != value else None


class SessionTree(DirectoryTree):
    """Folders and JSON files; hidden ones left out."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            p
            for p in paths
            if not p.name.startswith(".") and (p.is_dir() or p.suffix in SESSION_SUFFIXES)
        ]


_DIALOG_CSS = """
    {name} {{ align: center middle; }}
    {name} > Vertical {{
        width: 110; max-width: 98%; height: auto; max-height: 95%; padding: 1 2;
        background: $panel; border: thick $primary;
    }}
    {name} .dialog-title {{ text-style: bold; margin-bottom: 1; }}
    {name} .dialog-note {{ color: $text-muted; }}
    {name} .dialog-error {{ color: $text-error; height: auto; }}
    {name} .dialog-buttons {{ height: auto; align-horizontal: right; margin-top: 1; }}
    {name} .dialog-buttons Button {{ margin-left: 1; }}
"""


class PathScreen(ModalScreen[Path | None]):
    """Ask for a file path (save as, export), prefilled, with completion.

    Args:
        title: What the path is for (``Save session as``).
        path: The proposed path.
        action: The button's label (``Save``).
        suffixes: File endings the completion offers.
        note: A line under the title.
    """

    DEFAULT_CSS = _DIALOG_CSS.format(name="PathScreen")
    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(
        self,
        title: str,
        path: Path,
        *,
        action: str = "Save",
        suffixes: Sequence[str] = SESSION_SUFFIXES,
        note: str = "",
    ) -> None:
        super().__init__()
        self._title = title
        self._path = path
        self._action = action
        self._suffixes = tuple(suffixes)
        self._note = note

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self._title), classes="dialog-title")
            if self._note:
                yield Static(Content(self._note), classes="dialog-note")
            yield Input(
                display_path(self._path),
                id="path-input",
                suggester=PathSuggester(self._suffixes),
            )
            yield Static(
                Content.styled("→ completes the path; ~ is your home folder.", MUTED),
                classes="dialog-note",
            )
            yield Static("", id="path-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="path-cancel")
                yield Button(self._action, id="path-ok", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#path-input", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#path-cancel")
    def _cancel(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    @on(Button.Pressed, "#path-ok")
    @on(Input.Submitted, "#path-input")
    def _ok(self, event: Button.Pressed | Input.Submitted) -> None:
        event.stop()
        text = self.query_one("#path-input", Input).value.strip()
        if not text:
            self.query_one("#path-error", Static).update(Content("Type a file name."))
            return
        path = Path(os.path.expanduser(text))
        if path.is_dir():
            self.query_one("#path-error", Static).update(
                Content(f"{safe_line(text, 100)} is a folder: add a file name.")
            )
            return
        self.dismiss(path)


class OpenSessionScreen(ModalScreen[Path | None]):
    """Pick a session to open: type a path (with completion), or pick a recent session, or
    browse the folder tree.

    Args:
        recent: Recent sessions, most recent first.
        root: The folder the tree starts at.
    """

    DEFAULT_CSS = (
        _DIALOG_CSS.format(name="OpenSessionScreen")
        + """
    OpenSessionScreen #open-lists { height: 20; margin-top: 1; }
    OpenSessionScreen #recent { width: 1fr; height: 1fr; }
    OpenSessionScreen SessionTree { width: 1fr; height: 1fr; margin-left: 1; }
    OpenSessionScreen .list-title { color: $text-muted; }
    """
    )
    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, recent: Sequence[RecentEntry], root: Path) -> None:
        super().__init__()
        self._recent = [e for e in recent if e.exists]
        self._root = root

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content("Open a session"), classes="dialog-title")
            yield Input(
                "",
                placeholder="Path to a .session.json file (→ completes)",
                id="open-path",
                suggester=PathSuggester(),
            )
            yield Static("", id="open-error", classes="dialog-error")
            with Horizontal(id="open-lists"):
                with Vertical(id="recent-box"):
                    yield Static(Content("Recent sessions"), classes="list-title")
                    yield OptionList(*self._recent_options(), id="recent")
                with Vertical(id="tree-box"):
                    yield Static(
                        Content(f"Files in {safe_line(display_path(self._root), 60)}"),
                        classes="list-title",
                    )
                    yield SessionTree(self._root, id="tree")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="open-cancel")
                yield Button("Open", id="open-ok", variant="primary")

    def _recent_options(self) -> list[Option]:
        if not self._recent:
            return [Option(Content.styled("No recent sessions yet.", MUTED), disabled=True)]
        options = []
        for index, entry in enumerate(self._recent):
            title = safe_line(entry.title or Path(entry.path).name, 50)
            runs = f"{entry.runs} run{'' if entry.runs == 1 else 's'}"
            where = safe_line(display_path(entry.path), 70)
            prompt = Content.assemble((title, "bold"), (f"  {runs}\n{where}", MUTED))
            options.append(Option(prompt, id=str(index)))
        return options

    def on_mount(self) -> None:
        self.query_one("#open-path", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#open-cancel")
    def _cancel(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    @on(OptionList.OptionSelected, "#recent")
    def _recent_picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.dismiss(Path(self._recent[int(event.option.id)].path))

    @on(OptionList.OptionHighlighted, "#recent")
    def _recent_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None:
            path = self._recent[int(event.option.id)].path
            self.query_one("#open-path", Input).value = display_path(path)

    @on(DirectoryTree.FileSelected)
    def _file_picked(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.query_one("#open-path", Input).value = display_path(event.path)
        self.dismiss(Path(event.path))

    @on(Button.Pressed, "#open-ok")
    @on(Input.Submitted, "#open-path")
    def _ok(self, event: Button.Pressed | Input.Submitted) -> None:
        event.stop()
        text = self.query_one("#open-path", Input).value.strip()
        error = self.query_one("#open-error", Static)
        if not text:
            error.update(Content("Type a path, or pick a session below."))
            return
        path = Path(os.path.expanduser(text))
        if path.is_dir():
            self.query_one("#tree", SessionTree).path = path
            error.update(Content(f"Showing {safe_line(text, 80)} below; pick a file."))
            return
        self.dismiss(path)


__all__ = ["OpenSessionScreen", "PathScreen", "PathSuggester", "SessionTree", "complete_path"]
