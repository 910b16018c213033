"""The model picker: a search box over the catalog's models, like a command palette.

Focus stays in the search box: typing filters (fuzzy and ranked, `Catalog.search`), up/down
and page up/down move the highlight in the list below, enter picks, escape clears the search.
Each row shows the model id, its context window, its price in/out per million tokens (``?``
when unknown, never ``$0``) and one glyph per capability:

    ◉ vision  ▤ file input  ⚒ tool use  ✦ reasoning  ⌕ web search  ⟳ prompt caching  ▣ image output

A row is one line when the pane is wide enough for every column, two lines when it is not
(id and context, then price and icons), and it drops the icons before it would overflow, down
to a 28-column pane. A model id that the catalog does not list (a local server's model) can
still be picked from the last row, "use 'xyz' as a model id".

The screen pushes data in (`catalog`, `current`, `status`); the picker never fetches. It posts
`ModelPicker.Highlighted` once the highlight rests on a model (so the screen may prefetch its
providers without a request per keystroke) and `ModelPicker.Selected` when one is picked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from playground.core import format as fmt
from playground.core.catalog import Catalog, Model
from playground.core.pricing import Prices
from playground.core.sanitize import safe_line
from playground.ui.widgets.capability_icons import LEGEND, IconSlot, icon_strip, slots_in_use
from playground.ui.widgets.fitted_lines import FittedLines, fit, fit_right, truncate

MUTED = "$text-muted"

MARKER_WIDTH = 2
"""``● `` before the current model, two spaces before the others."""
PRICE_WIDTH_MAX = 15
"""The widest price column a catalog gets; a longer price takes cells from the id."""
ID_MIN_WIDTH = 22
"""The narrowest id column a one-line row accepts; below it, rows fold onto two lines."""

ID_PATTERN = re.compile(r"[\w][\w.:/@+\-]{0,199}")
"""What "looks like a model id": one word of id characters, as local servers name models
(``llama3.2``, ``qwen2.5:7b``, ``org/model@rev``)."""


def price_text(prices: Prices | None) -> str:
    """``$0.40/$1.60`` per million tokens in/out; ``?`` for each unknown side."""
    if prices is None:
        return fmt.UNKNOWN
    if prices.input is None and prices.output is None:
        return fmt.UNKNOWN
    return f"{fmt.per_million(prices.input)}/{fmt.per_million(prices.output)}"


def looks_like_id(text: str) -> bool:
    return ID_PATTERN.fullmatch(text) is not None


@dataclass(frozen=True, slots=True)
class RowPlan:
    """The column layout every row of one picker shares. Whether a row takes one line or two
    depends on the width only, the same for every row, so `OptionList` learns the height of
    a thousand rows without laying any out."""

    slots: tuple[IconSlot, ...] = ()
    """The icon columns this catalog needs (no web column if no model searches the web)."""
    context_width: int = 4
    """The widest context text in the catalog (``1.05M``)."""
    price_width: int = 11
    """The widest price text in the catalog, at most `PRICE_WIDTH_MAX`."""

    @classmethod
    def for_catalog(cls, catalog: Catalog) -> RowPlan:
        """Columns wide enough for every model of `catalog`."""
        slots = slots_in_use(catalog.capabilities(m) for m in catalog)
        contexts = (len(fmt.context(catalog.context(m))) for m in catalog)
        prices = (len(price_text(catalog.prices(m))) for m in catalog)
        return cls(
            slots=slots,
            context_width=max(contexts, default=4),
            price_width=min(PRICE_WIDTH_MAX, max(prices, default=1)),
        )

    def one_line(self, width: int) -> bool:
        icons = len(self.slots) + 1 if self.slots else 0
        fixed = MARKER_WIDTH + icons + 1 + self.context_width + 1 + self.price_width
        return width >= fixed + ID_MIN_WIDTH

    def height(self, width: int) -> int:
        return 1 if self.one_line(width) else 2


def model_lines(
    model: Model, catalog: Catalog, plan: RowPlan, *, current: bool, width: int
) -> list[Content]:
    """One model's row laid out for `width` cells.

    Wide: ``● id………… ◉▤⚒✦ ⟳   1M  $0.40/$1.60`` on one line. Narrower: the id alone on the
    first line, then context, price and icons (dropped when they do not fit) under it.
    """
    name = safe_line(model.id, 200)
    context = fmt.context(catalog.context(model))
    price = price_text(catalog.prices(model))
    icons = icon_strip(catalog.capabilities(model), plan.slots)
    marker = ("● ", "bold $accent") if current else ("  ", "")
    id_style = "bold" if current else ""
    context_cells = fit_right(context, max(plan.context_width, len(context)))
    if plan.one_line(width):
        price_cells = fit_right(price, max(plan.price_width, len(price)))
        icon_cells = (" " + icons) if plan.slots else ""
        id_width = width - MARKER_WIDTH - len(icon_cells) - len(context_cells) - len(price_cells)
        return [
            Content.assemble(
                marker,
                (fit(name, id_width - 2), id_style),
                (icon_cells, "$text-accent"),
                " ",
                (context_cells, MUTED),
                " ",
                (price_cells, MUTED),
            )
        ]
    first = Content.assemble(marker, (fit(name, width - MARKER_WIDTH), id_style))
    figures = f"{' ' * MARKER_WIDTH}{context_cells} {price.ljust(plan.price_width)}"
    room = width - len(figures)
    packed = icons.replace(" ", "")
    if packed and room <= len(icons):
        icons = packed  # no room for aligned slots: the glyphs alone, still right-aligned
    if packed and room > len(icons):
        second = Content.assemble(
            (figures, MUTED), " " * (room - len(icons)), (icons, "$text-accent")
        )
    else:
        second = truncate(Content.styled(figures.rstrip(), MUTED), width)
    return [truncate(first, width), second]


def model_row(model: Model, catalog: Catalog, plan: RowPlan, *, current: bool) -> FittedLines:
    """The visual of one model's row; nothing is formatted until it is drawn."""
    return FittedLines(
        lambda width: model_lines(model, catalog, plan, current=current, width=width),
        height=plan.height,
    )


def typed_id_row(text: str) -> FittedLines:
    """The last row: use what was typed as a model id."""
    shown = safe_line(text, 200)
    content = Content.assemble(
        ("+ ", "bold $accent"), "use ", (f"'{shown}'", "bold"), (" as a model id", MUTED)
    )
    return FittedLines(lambda width: [truncate(content, width)], height=lambda _: 1)


def notice_row(text: str) -> FittedLines:
    content = Content.styled(text, MUTED)
    return FittedLines(lambda width: [truncate(content, width)], height=lambda _: 1)


class ModelPicker(Vertical):
    """Search the catalog's models and pick one. Capability glyphs: see the module docstring
    (the list's tooltip shows the legend too)."""

    DEFAULT_CSS = """
    ModelPicker { height: 1fr; }
    ModelPicker > #model-search { margin: 0 1; }
    ModelPicker > #model-status {
        height: 1;
        padding: 0 1;
        color: $text-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    ModelPicker > #model-options {
        width: 100%;
        height: 1fr;
        border: none;
        padding: 0;
        scrollbar-size-vertical: 1;
    }
    ModelPicker > #model-options > .option-list--option { padding: 0 1; }
    ModelPicker:focus-within > #model-options > .option-list--option-highlighted {
        color: $block-cursor-foreground;
        background: $block-cursor-background;
        text-style: $block-cursor-text-style;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move('down')", "Next model", show=False, id="picker-down"),
        Binding("up", "move('up')", "Previous model", show=False, id="picker-up"),
        Binding("pagedown", "move('page_down')", "Page down", show=False, id="picker-page-down"),
        Binding("pageup", "move('page_up')", "Page up", show=False, id="picker-page-up"),
        Binding(
            "escape",
            "clear_search",
            "Clear search",
            show=False,
            id="picker-clear",
            tooltip="Clear the model search.",
        ),
    ]

    HIGHLIGHT_SETTLE_S = 0.15
    """How long the highlight must rest on a model before `Highlighted` is posted: typing
    moves it on every key, and the screen may fetch on each message."""

    catalog: reactive[Catalog] = reactive(Catalog, always_update=True, init=False)
    """The models on offer. Set by the screen; the picker never fetches."""
    current: reactive[str | None] = reactive(None, init=False)
    """The id of the model in use (marked ●, highlighted when the search is empty)."""
    status: reactive[str] = reactive("", init=False)
    """Where the catalog came from, one short line: ``312 models · cached 14:02``."""
    model_type: reactive[str | None] = reactive("language", init=False)
    """Only models of this type are listed (None: every type)."""

    @dataclass
    class Highlighted(Message):
        """The highlight rested on a catalog model (not on the typed-id row)."""

        picker: ModelPicker
        model: Model

        @property
        def control(self) -> ModelPicker:
            return self.picker

    @dataclass
    class Selected(Message):
        """The user picked a model: from the catalog, or an id typed that it does not list
        (then a bare `Model` with only its id)."""

        picker: ModelPicker
        model: Model

        @property
        def control(self) -> ModelPicker:
            return self.picker

    def __init__(
        self, *, id: str | None = None, classes: str | None = None, disabled: bool = False
    ) -> None:
        super().__init__(id=id, classes=classes, disabled=disabled)
        self._plan = RowPlan()
        self._options: dict[str, Option] = {}
        """Options built so far for this catalog, by model id: reused across searches."""
        self._shown: list[Model | str | None] = []
        """What each option of the list stands for: a model, a typed id, or a notice."""
        self._posted: str | None = None
        self._settle: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Search models…", id="model-search", compact=True)
        yield Static("", id="model-status", markup=False)
        options = OptionList(id="model-options", markup=False)
        options.can_focus = False  # the search box keeps focus, as in a command palette
        options.tooltip = LEGEND
        yield options

    def on_mount(self) -> None:
        self._reset_rows()
        self._refilter()

    # -- attributes down ------------------------------------------------------------------

    def watch_catalog(self) -> None:
        if self.is_mounted:
            self._reset_rows()
            self._refilter(keep=self._highlighted_id())

    def watch_current(self, old: str | None, new: str | None) -> None:
        if not self.is_mounted:
            return
        changed = {model_id for model_id in (old, new) if model_id is not None}
        listed: set[str] = set()
        option_list = self._option_list
        for index, shown in enumerate(self._shown):
            if isinstance(shown, Model) and shown.id in changed:
                # the same Option object keeps its place; only its drawing changes
                option_list.replace_option_prompt_at_index(index, self._row(shown))
                listed.add(shown.id)
        for model_id in changed - listed:
            self._options.pop(model_id, None)
        if not self.search_text.strip():
            self._highlight_id(new)

    def watch_status(self) -> None:
        if self.is_mounted:
            self._show_status()

    def watch_model_type(self) -> None:
        if self.is_mounted:
            self._refilter(keep=self._highlighted_id())

    @property
    def search_text(self) -> str:
        """The search text."""
        return self.query_one("#model-search", Input).value

    @property
    def shown(self) -> tuple[Model, ...]:
        """The catalog models listed now, in order."""
        return tuple(s for s in self._shown if isinstance(s, Model))

    @property
    def highlighted(self) -> Model | None:
        """The catalog model under the highlight (None on the typed-id row)."""
        index = self._option_list.highlighted
        if index is None or index >= len(self._shown):
            return None
        shown = self._shown[index]
        return shown if isinstance(shown, Model) else None

    def focus_search(self) -> None:
        self.query_one("#model-search", Input).focus()

    # -- actions --------------------------------------------------------------------------

    async def action_move(self, where: str) -> None:
        """Move the list's highlight (``down``, ``up``, ``page_down``, ``page_up``) while the
        search box keeps focus."""
        if where in ("down", "up"):
            where = f"cursor_{where}"
        await self._option_list.run_action(where)

    def action_clear_search(self) -> None:
        search = self.query_one("#model-search", Input)
        if not search.value:
            raise SkipAction()  # nothing to clear: let Esc mean something further up
        search.value = ""

    def pick_highlighted(self) -> None:
        """Pick what the highlight is on (enter in the search box does this)."""
        index = self._option_list.highlighted
        if index is not None:
            self._pick(index)

    # -- messages up ----------------------------------------------------------------------

    @on(Input.Changed, "#model-search")
    def _search_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._refilter()

    @on(Input.Submitted, "#model-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.pick_highlighted()

    @on(OptionList.OptionSelected, "#model-options")
    def _option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._pick(event.option_index)

    @on(OptionList.OptionHighlighted, "#model-options")
    def _option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if self._settle is not None:
            self._settle.stop()
        self._settle = self.set_timer(self.HIGHLIGHT_SETTLE_S, self._post_highlighted)

    def _post_highlighted(self) -> None:
        model = self.highlighted
        if model is not None and model.id != self._posted:
            self._posted = model.id
            self.post_message(self.Highlighted(self, model))

    def _pick(self, index: int) -> None:
        if index >= len(self._shown):
            return
        shown = self._shown[index]
        if isinstance(shown, Model):
            self.post_message(self.Selected(self, shown))
        elif isinstance(shown, str):
            self.post_message(self.Selected(self, self.catalog.get(shown) or Model(id=shown)))

    # -- the list -------------------------------------------------------------------------

    @property
    def _option_list(self) -> OptionList:
        return self.query_one("#model-options", OptionList)

    def _reset_rows(self) -> None:
        self._options.clear()
        self._plan = RowPlan.for_catalog(self.catalog)

    def _row(self, model: Model) -> FittedLines:
        return model_row(model, self.catalog, self._plan, current=model.id == self.current)

    def _option(self, model: Model) -> Option:
        option = self._options.get(model.id)
        if option is None:
            option = self._options[model.id] = Option(self._row(model))
        return option

    def _refilter(self, *, keep: str | None = None) -> None:
        """List the models matching the search; highlight `keep` if still listed, else the
        best match (or the current model when the search is empty)."""
        query = self.search_text.strip()
        found = self.catalog.select(query=query, type=self.model_type)
        shown: list[Model | str | None] = list(found)
        options = [self._option(m) for m in found]
        if query and looks_like_id(query) and query not in self.catalog:
            shown.append(query)
            options.append(Option(typed_id_row(query)))
        elif not shown:
            shown.append(None)
            text = f"no model matches '{safe_line(query, 60)}'" if query else "no models yet"
            options.append(Option(notice_row(text), disabled=True))
        option_list = self._option_list
        self._shown = shown
        if options != list(option_list.options):  # Options compare by identity: cheap
            option_list.set_options(options)
        target = keep if keep is not None else (None if query else self.current)
        if not self._highlight_id(target):
            option_list.highlighted = None if shown[0] is None else 0
        self._show_status()

    def _highlight_id(self, model_id: str | None) -> bool:
        if model_id is None:
            return False
        for index, shown in enumerate(self._shown):
            if isinstance(shown, Model) and shown.id == model_id:
                self._option_list.highlighted = index
                return True
        return False

    def _highlighted_id(self) -> str | None:
        model = self.highlighted
        return model.id if model is not None else None

    def _show_status(self) -> None:
        status = safe_line(self.status, 200)
        if self.search_text.strip():
            count = len(self.shown)
            found = f"{count:,} match" + ("" if count == 1 else "es")
            status = f"{found} · {status}" if status else found
        self.query_one("#model-status", Static).update(Content(status))
