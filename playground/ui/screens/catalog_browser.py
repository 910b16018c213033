"""The model catalog browser: every model in a table, searched, filtered and sorted.

A modal over the main screen. Focus starts in the search box, as in the picker: typing
filters, up/down/page keys move the table's cursor, enter returns the highlighted model's id,
escape returns None. Tab reaches the table, then the filters under it; with the table
focused, a letter sorts (p price, c context, t TTFT, s speed, r release, n name; again to
reverse), as does a click on a column header, and / goes back to the search. The capability
toggles keep only the models that have every capability ticked; the type selector shows
language models by default.

It is given a `Catalog` and does no I/O: a model whose endpoints are not fetched yet shows
"?" for its providers and published figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Checkbox, DataTable, Input, Select, Static

from playground.core import format as fmt
from playground.core.catalog import Catalog, Model, SortKey, capability_label
from playground.core.sanitize import safe_line
from playground.ui.widgets.capability_icons import ICON_SLOTS, IconSlot, icon_strip, slots_in_use
from playground.ui.widgets.model_picker import looks_like_id
from playground.ui.widgets.provider_list import short_rate, short_seconds

MUTED = "$text-muted"
ALL_TYPES = "*"
"""The type selector's value for "every type"."""


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the table."""

    key: str
    label: str
    sort: SortKey | None
    """What clicking its header sorts by; None: not sortable."""
    width: int
    """Cells, room for the label and its sort arrow; longer values are cut (so one long name
    cannot push every other column off screen)."""
    numeric: bool = False
    """Right-aligned."""


COLUMNS: tuple[Column, ...] = (
    Column("id", "Model", "name", 28),
    Column("name", "Name", "name", 16),
    Column("context", "Context", "context", 9, numeric=True),
    Column("input", "In $/M", "price", 8, numeric=True),
    Column("output", "Out $/M", "price", 8, numeric=True),
    Column("capabilities", "Caps", None, 8),
    Column("providers", "Providers", None, 16),
    Column("ttft", "TTFT P50", "ttft", 10, numeric=True),
    Column("throughput", "tok/s P50", "throughput", 11, numeric=True),
    Column("released", "Released", "release", 10),
)
"""The table's columns, in order. Published figures are each model's best endpoint's."""

SORTED_COLUMN: dict[SortKey, str] = {
    "name": "name",
    "context": "context",
    "price": "input",
    "ttft": "ttft",
    "throughput": "throughput",
    "release": "released",
}
"""The column whose header shows the sort arrow."""

NATURAL_ORDER: dict[SortKey, str] = {
    "price": "cheapest first",
    "context": "largest first",
    "ttft": "fastest first",
    "throughput": "fastest first",
    "release": "newest first",
    "name": "A to Z",
}
"""How each sort reads before it is reversed (the header shows ▲, then ▼)."""

SORT_KEYS: dict[str, SortKey] = {
    "p": "price",
    "c": "context",
    "t": "ttft",
    "s": "throughput",
    "r": "release",
    "n": "name",
}
"""Sort keys, active when the search box does not have focus."""

FIRST_ROWS = 60
"""Rows added at once after a search or sort: more than a screenful."""
ROWS_PER_STEP = 120
"""Rows added per step afterwards, between repaints, until every match is in."""
FILL_PAUSE_S = 0.04
"""The pause between steps: long enough that a frame is drawn (and keys are read) between."""

SEARCH_SETTLE_S = 0.08
"""Typing rebuilds the table after this pause, so a burst of keys costs one rebuild."""


def model_cells(model: Model, catalog: Catalog, slots: tuple[IconSlot, ...]) -> list[Text]:
    """The table cells of one model. Plain `Text`: a `str` cell would be parsed as markup."""
    prices = catalog.prices(model)
    endpoints = catalog.endpoints_of(model.id)
    tags = catalog.capabilities(model)
    glyphs = {tag for slot in slots for tag in slot.tags}
    extra = [safe_line(capability_label(t), 20) for t in tags if t not in glyphs]
    capabilities = " ".join(part for part in (icon_strip(tags, slots), *extra) if part).rstrip()
    if endpoints is None:
        providers = fmt.UNKNOWN
    elif not endpoints:
        providers = "none"
    else:
        providers = ", ".join(safe_line(e.provider, 30) for e in endpoints)
    ttft = catalog.best_ttft(model)
    throughput = catalog.best_throughput(model)
    values = {
        "id": safe_line(model.id, 80),
        "name": safe_line(model.name, 60) or "–",
        "context": fmt.context(catalog.context(model)),
        "input": fmt.per_million(prices.input if prices else None),
        "output": fmt.per_million(prices.output if prices else None),
        "capabilities": capabilities,
        "providers": safe_line(providers, 40),
        "ttft": fmt.UNKNOWN if ttft is None else short_seconds(ttft),
        "throughput": fmt.UNKNOWN if throughput is None else short_rate(throughput),
        "released": model.released.isoformat() if model.released else fmt.UNKNOWN,
    }
    return [
        Text(values[c.key], justify="right" if c.numeric else "left", no_wrap=True) for c in COLUMNS
    ]


class CatalogBrowser(ModalScreen[str | None]):
    """Browse the whole catalog; dismissed with the picked model's id, or None."""

    DEFAULT_CSS = """
    CatalogBrowser { align: center middle; }
    CatalogBrowser > #browser {
        width: 94%;
        height: 90%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    CatalogBrowser #browser-search { margin-bottom: 0; }
    CatalogBrowser #browser-filters { height: auto; }
    CatalogBrowser #browser-filters > Checkbox { margin-right: 1; }
    CatalogBrowser #browser-type { width: 22; }
    CatalogBrowser #browser-table { height: 1fr; }
    CatalogBrowser:focus-within #browser-table > .datatable--cursor {
        /* the search box drives the cursor: show it as focused while typing there too */
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    CatalogBrowser #browser-status {
        height: 1;
        color: $text-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="browser-close", tooltip="Close; pick nothing."),
        Binding("down", "cursor('down')", "Next", show=False, id="browser-down"),
        Binding("up", "cursor('up')", "Previous", show=False, id="browser-up"),
        Binding("pagedown", "cursor('page_down')", "Page down", show=False),
        Binding("pageup", "cursor('page_up')", "Page up", show=False),
        Binding("slash", "focus_search", "Search", show=False, id="browser-search"),
        *(
            Binding(key, f"sort('{sort}')", f"Sort by {sort}", show=False, id=f"sort-{sort}")
            for key, sort in SORT_KEYS.items()
        ),
    ]

    def __init__(self, catalog: Catalog, *, current: str | None = None) -> None:
        """Args:
        catalog: The models to browse.
        current: The model in use: the cursor starts on it.
        """
        super().__init__()
        self.catalog = catalog
        self.current = current
        self.sort: SortKey | None = None
        """The sort in effect; None: the search's rank, or the gateway's order."""
        self.reverse = False
        self.capabilities: set[IconSlot] = set()
        """Capabilities a model must all have to be listed."""
        self.model_type: str | None = "language"
        self._slots = slots_in_use(catalog.capabilities(m) for m in catalog)
        self._shown: tuple[Model, ...] = ()
        self._built: tuple[SortKey | None, bool] | None = None
        self._generation = 0
        self._filled = 0
        self._cell_cache: dict[str, list[Text]] = {}
        self._settle: Timer | None = None

    def compose(self) -> ComposeResult:
        types = sorted({m.type for m in self.catalog} | {"language"})
        with Vertical(id="browser") as frame:
            frame.border_title = "Model catalog"
            yield Input(placeholder="Search models…", id="browser-search")
            table: DataTable[Text] = DataTable(
                id="browser-table", cursor_type="row", zebra_stripes=True
            )
            yield table
            with Horizontal(id="browser-filters"):
                for slot in self._slots:
                    yield Checkbox(
                        Content(f"{slot.glyph} {slot.short}"),
                        compact=True,
                        id=f"cap-{ICON_SLOTS.index(slot)}",
                        tooltip=f"Only models with {slot.label}",
                    )
                yield Select(
                    [
                        (Text("all types"), ALL_TYPES),
                        *((Text(safe_line(t, 30)), t) for t in types),
                    ],
                    value="language",
                    allow_blank=False,
                    compact=True,
                    id="browser-type",
                )
            yield Static("", id="browser-status", markup=False)

    def on_mount(self) -> None:
        self._rebuild(keep=self.current)
        self.query_one("#browser-search", Input).focus()

    # -- actions --------------------------------------------------------------------------

    def action_close(self) -> None:
        self.dismiss(None)

    def action_focus_search(self) -> None:
        self.query_one("#browser-search", Input).focus()

    def action_cursor(self, direction: str) -> None:
        """Move the table's cursor while the search box keeps focus."""
        table = self._table
        if direction == "down":
            table.action_cursor_down()
        elif direction == "up":
            table.action_cursor_up()
        elif direction == "page_down":
            table.action_page_down()
        elif direction == "page_up":
            table.action_page_up()

    def action_sort(self, key: SortKey) -> None:
        """Sort by `key`; the same key again reverses the order."""
        if self.sort == key:
            self.reverse = not self.reverse
        else:
            self.sort, self.reverse = key, False
        self._rebuild()

    def pick(self) -> None:
        """Dismiss with the highlighted model's id (or with an id typed that the catalog
        does not list, when nothing matches)."""
        model_id = self.highlighted_id
        if model_id is None:
            typed = self.query_one("#browser-search", Input).value.strip()
            if not typed or not looks_like_id(typed):
                return
            model_id = typed
        self.dismiss(model_id)

    @property
    def shown(self) -> tuple[Model, ...]:
        """The models listed, in table order."""
        return self._shown

    @property
    def highlighted_id(self) -> str | None:
        table = self._table
        if not self._shown or table.row_count == 0:
            return None
        row = min(max(table.cursor_row, 0), len(self._shown) - 1)
        return self._shown[row].id

    # -- events ---------------------------------------------------------------------------

    @on(Input.Changed, "#browser-search")
    def _search_changed(self) -> None:
        if self._settle is not None:
            self._settle.stop()
        self._settle = self.set_timer(SEARCH_SETTLE_S, self._rebuild)

    @on(Input.Submitted, "#browser-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._flush()
        self.pick()

    @on(DataTable.RowSelected, "#browser-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.pick()

    @on(DataTable.HeaderSelected, "#browser-table")
    def _header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        sort = COLUMNS[event.column_index].sort
        if sort is not None:
            self.action_sort(sort)

    @on(Checkbox.Changed)
    def _capability_toggled(self, event: Checkbox.Changed) -> None:
        event.stop()
        slot = ICON_SLOTS[int((event.checkbox.id or "cap-0").removeprefix("cap-"))]
        if event.value:
            self.capabilities.add(slot)
        else:
            self.capabilities.discard(slot)
        self._rebuild()

    @on(Select.Changed, "#browser-type")
    def _type_changed(self, event: Select.Changed) -> None:
        event.stop()
        value = event.value
        model_type = None if value == ALL_TYPES or not isinstance(value, str) else value
        if model_type != self.model_type:  # the selector also reports its first value
            self.model_type = model_type
            self._rebuild()

    # -- the table ------------------------------------------------------------------------

    @property
    def _table(self) -> DataTable[Text]:
        return self.query_one("#browser-table", DataTable)

    def _flush(self) -> None:
        """Apply a search still waiting for its pause (enter right after typing)."""
        if self._settle is not None:
            self._settle.stop()
            self._settle = None
            self._rebuild()

    def _select(self) -> tuple[Model, ...]:
        catalog = self.catalog
        query = self.query_one("#browser-search", Input).value.strip()
        found = catalog.select(
            query=query, type=self.model_type, sort=self.sort, reverse=self.reverse
        )
        for slot in self.capabilities:
            found = tuple(m for m in found if slot.tags & set(catalog.capabilities(m)))
        return found

    def _rebuild(self, *, keep: str | None = None) -> None:
        """Show the models that pass the search and filters, in the sort's order, with the
        cursor on `keep` when it is among them (else on the first row).

        A `DataTable` measures every cell it is given, about a millisecond per row: a
        thousand rows at once would hold the screen for a second. So the rows up to the
        cursor and a screenful more go in now, and the rest in steps between repaints.
        """
        self._settle = None
        found = self._select()
        order = (self.sort, self.reverse)
        target = next((i for i, m in enumerate(found) if m.id == keep), 0)
        table = self._table
        if found != self._shown or order != self._built:
            self._shown, self._built = found, order
            self._generation += 1
            self._filled = 0
            table.clear(columns=True)
            for column in COLUMNS:
                table.add_column(self._label(column), width=column.width, key=column.key)
            self._add_rows(target + FIRST_ROWS)
            if self._filled < len(found):
                self._schedule_fill()
        table.move_cursor(row=target, animate=False)
        self._show_status()

    @property
    def filled(self) -> bool:
        """Whether the table holds every row of the current selection."""
        return self._filled >= len(self._shown)

    def _add_rows(self, count: int) -> None:
        rows = self._shown[self._filled : self._filled + count]
        self._table.add_rows(self._cells(m) for m in rows)
        self._filled += len(rows)

    def _fill_more(self, generation: int) -> None:
        if generation != self._generation or not self.is_attached:
            return  # a newer search or sort replaced these rows
        self._add_rows(ROWS_PER_STEP)
        if self._filled < len(self._shown):
            self._schedule_fill()

    def _schedule_fill(self) -> None:
        # A timer, not call_after_refresh: those callbacks run before the next frame is
        # drawn, so every step would land (and be measured) before anything is shown.
        generation = self._generation
        self.set_timer(FILL_PAUSE_S, lambda: self._fill_more(generation))

    def _cells(self, model: Model) -> list[Text]:
        cells = self._cell_cache.get(model.id)
        if cells is None:
            cells = self._cell_cache[model.id] = model_cells(model, self.catalog, self._slots)
        return cells

    def _label(self, column: Column) -> Text:
        label = column.label
        if self.sort is not None and SORTED_COLUMN[self.sort] == column.key:
            label += " ▼" if self.reverse else " ▲"
        return Text(label, justify="right" if column.numeric else "left")

    def _show_status(self) -> None:
        total = sum(1 for m in self.catalog if self.model_type in (None, m.type))
        parts = [f"{len(self._shown):,} of {total:,} models"]
        if self.sort is not None:
            order = "reversed" if self.reverse else NATURAL_ORDER[self.sort]
            parts.append(f"by {self.sort}, {order}")
        parts.append("enter pick · esc close · tab table · p c t s r n sort")
        self.query_one("#browser-status", Static).update(Content(" · ".join(parts)))
