"""A model search in a dialog: the main screen's picker, for one compare lane."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from playground.core.catalog import Catalog
from playground.ui.widgets.model_picker import ModelPicker


class PickModelScreen(ModalScreen[str | None]):
    """Search the catalog and pick a model; dismissed with its id (None: cancelled)."""

    DEFAULT_CSS = """
    PickModelScreen { align: center middle; }
    PickModelScreen > Vertical {
        width: 80; max-width: 96%; height: 80%;
        background: $panel; border: thick $primary; padding: 0 1;
    }
    PickModelScreen #pick-model-title { height: 1; text-style: bold; }
    PickModelScreen ModelPicker { height: 1fr; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="pick-model-cancel", show=False)]

    def __init__(self, catalog: Catalog, current: str | None, *, title: str) -> None:
        super().__init__()
        self._catalog = catalog
        self._current = current
        self._title = title

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self._title), id="pick-model-title")
            yield ModelPicker(id="pick-model-picker")

    def on_mount(self) -> None:
        picker = self.query_one(ModelPicker)
        picker.catalog = self._catalog
        picker.current = self._current
        picker.status = f"{len(self._catalog):,} models"
        picker.focus_search()

    @on(ModelPicker.Selected)
    def _selected(self, event: ModelPicker.Selected) -> None:
        event.stop()
        self.dismiss(event.model.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
