"""Every binding of the screen below and of the app, with what it does."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static


def _keys(app_keymap: dict[str, str], binding: Binding) -> str:
    keys = app_keymap.get(binding.id or "", binding.key)
    return ", ".join(part.strip() for part in keys.split(","))


class HelpScreen(ModalScreen[None]):
    """A table of bindings: keys, name, what it does, and its id (for keymap overrides)."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical {
        width: 110; max-width: 96%; height: 80%;
        background: $panel; border: thick $primary; padding: 0 1;
    }
    HelpScreen DataTable { height: 1fr; }
    HelpScreen .help-note { color: $text-muted; height: auto; margin: 1 0 0 0; }
    """
    BINDINGS = [
        Binding("escape,f1,q", "dismiss", "Close", show=False),
    ]

    def __init__(self, below: Screen[Any]) -> None:
        super().__init__()
        self._below = below

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content.styled("Keys", "bold"))
            yield DataTable(cursor_type="row", zebra_stripes=True)
            yield Static(
                Content(
                    "ctrl+p opens the command palette with every action. Rebind a key in "
                    'config.toml under [keymap] by the binding\'s id, e.g. send = "ctrl+j".'
                ),
                classes="help-note",
            )

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Keys", "Action", "What it does", "Id")
        keymap = dict(getattr(self.app, "_keymap", {}) or {})
        rows: list[tuple[str, str, str, str]] = []
        seen: set[str] = set()
        for source in (self._below, self.app):
            for binding in getattr(source, "BINDINGS", []):
                if not isinstance(binding, Binding) or (binding.id or binding.key) in seen:
                    continue
                seen.add(binding.id or binding.key)
                rows.append(
                    (
                        _keys(keymap, binding),
                        binding.description or binding.action,
                        binding.tooltip or "",
                        binding.id or "",
                    )
                )
        rows.append(("ctrl+p", "Palette", "Every action, searchable.", ""))
        for row in rows:
            table.add_row(*(Content(cell) for cell in row))
        table.focus()
