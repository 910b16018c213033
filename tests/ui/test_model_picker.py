"""The model picker: fuzzy search as you type, keyboard like a command palette, rows that fit
any pane, ids the catalog does not list, and untrusted names shown literally."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from decimal import Decimal
from typing import ClassVar

from hypothesis import given, settings
from hypothesis import strategies as st
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from playground.core.catalog import Catalog, Endpoint, Model
from playground.core.pricing import Prices
from playground.store.catalog_cache import load_snapshot
from playground.ui.widgets import model_picker
from playground.ui.widgets.capability_icons import ICON_SLOTS
from playground.ui.widgets.fitted_lines import FittedLines
from playground.ui.widgets.model_picker import ModelPicker, RowPlan, looks_like_id, model_lines

from support.synthetic_catalog import synthetic_catalog

EVIL_ID = "evil/[@click=app.quit]x[/]\x1b]52;c;aGk=\x07\x1b[2J"
EVIL_NAME = "[b]bold[/b] \x1b[31mred"


def snapshot_catalog() -> Catalog:
    catalog, _ = load_snapshot().parse()
    return catalog


class PickerHost(App[None]):
    """One picker in a left pane of `width` columns; records what it posts."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "outer_escape", "Outer")]

    def __init__(self, catalog: Catalog, *, width: int = 60, current: str | None = None) -> None:
        super().__init__()
        self.catalog = catalog
        self.width = width
        self.current = current
        self.selected: list[Model] = []
        self.highlighted: list[str] = []
        self.outer_escapes = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="left") as left:
            left.styles.width = self.width
            yield ModelPicker(id="picker")

    def on_mount(self) -> None:
        picker = self.query_one(ModelPicker)
        picker.catalog = self.catalog
        picker.current = self.current
        picker.status = "17 models · offline: snapshot 2026-11-27"
        picker.focus_search()

    def on_model_picker_selected(self, event: ModelPicker.Selected) -> None:
        self.selected.append(event.model)

    def on_model_picker_highlighted(self, event: ModelPicker.Highlighted) -> None:
        self.highlighted.append(event.model.id)

    def action_outer_escape(self) -> None:
        self.outer_escapes += 1


async def wait_for(pilot: Pilot[None], predicate: Callable[[], bool], limit: float = 5.0) -> None:
    """Pause until `predicate` holds (timers such as the highlight's settle must fire)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not predicate():
        assert loop.time() < deadline, "condition never held"
        await pilot.pause(0.02)


def screen_lines(option_list: OptionList) -> list[str]:
    return [option_list.render_line(y).text for y in range(option_list.size.height)]


# -- search and keyboard -----------------------------------------------------------------------


async def test_typing_mini_highlights_gpt_41_mini_first() -> None:
    app = PickerHost(snapshot_catalog())
    async with app.run_test() as pilot:
        await pilot.press(*"mini")
        picker = app.query_one(ModelPicker)
        assert picker.search_text == "mini"
        assert picker.shown[0].id == "openai/gpt-4.1-mini"
        assert picker.highlighted is not None
        assert picker.highlighted.id == "openai/gpt-4.1-mini"
        assert isinstance(app.focused, Input)  # the search box keeps focus
        await wait_for(pilot, lambda: bool(app.highlighted))
        assert app.highlighted[-1] == "openai/gpt-4.1-mini"


async def test_keyboard_only_selection_posts_selected() -> None:
    catalog = snapshot_catalog()
    app = PickerHost(catalog)
    async with app.run_test() as pilot:
        await pilot.press(*"claude", "down", "enter")
        await pilot.pause()
        expected = catalog.select(query="claude", type="language")[1]
        assert [m.id for m in app.selected] == [expected.id]
        assert app.selected[0] is expected  # the catalog's own model, with its prices
        assert isinstance(app.focused, Input)


async def test_arrows_and_pages_move_the_highlight_while_typing_goes_to_the_search() -> None:
    catalog = synthetic_catalog(1000)
    app = PickerHost(catalog)
    async with app.run_test(size=(80, 30)) as pilot:
        picker = app.query_one(ModelPicker)
        options = app.query_one(OptionList)
        assert options.highlighted == 0
        await pilot.press("pagedown")
        page = options.highlighted
        assert page is not None and page > 3
        await pilot.press("down", "down", "up")
        assert options.highlighted == page + 1
        await pilot.press("pageup")
        assert options.highlighted is not None and options.highlighted < page
        await pilot.press(*"gpt")
        assert picker.search_text == "gpt"
        assert options.highlighted == 0
        assert picker.shown == catalog.select(query="gpt", type="language")
        assert "gpt" in picker.shown[0].id


async def test_escape_clears_the_search_then_lets_escape_through() -> None:
    catalog = snapshot_catalog()
    app = PickerHost(catalog)
    async with app.run_test() as pilot:
        picker = app.query_one(ModelPicker)
        await pilot.press(*"gemini")
        assert len(picker.shown) == 2
        await pilot.press("escape")
        assert picker.search_text == ""
        assert len(picker.shown) == len(catalog.select(type="language"))
        assert app.outer_escapes == 0
        await pilot.press("escape")  # nothing left to clear: the screen's Esc still works
        assert app.outer_escapes == 1


async def test_a_typed_id_the_catalog_does_not_list_can_be_picked() -> None:
    app = PickerHost(snapshot_catalog())
    async with app.run_test() as pilot:
        picker = app.query_one(ModelPicker)
        await pilot.press(*"qwen2.5:7b")
        assert picker.shown == ()  # no catalog model matches…
        assert picker.highlighted is None  # …the highlight is on the typed-id row
        text = "\n".join(screen_lines(app.query_one(OptionList)))
        assert "use 'qwen2.5:7b' as a model id" in text
        await pilot.press("enter")
        await pilot.pause()
    assert [m.id for m in app.selected] == ["qwen2.5:7b"]
    assert app.selected[0].prices is None  # unknown, never zero


async def test_the_typed_id_row_comes_last_and_only_when_nothing_matches_exactly() -> None:
    app = PickerHost(snapshot_catalog())
    async with app.run_test() as pilot:
        options = app.query_one(OptionList)
        picker = app.query_one(ModelPicker)
        await pilot.press(*"mini")
        assert options.option_count == len(picker.shown) + 1
        last = options.get_option_at_index(options.option_count - 1).prompt
        assert isinstance(last, FittedLines)
        assert last.lines(40)[0].plain == "+ use 'mini' as a model id"
        app.query_one(Input).value = "openai/gpt-4.1-mini"
        await pilot.pause()
        assert options.option_count == len(picker.shown)  # an exact id: no extra row
        app.query_one(Input).value = "two words"
        await pilot.pause()
        assert not any("as a model id" in line for line in screen_lines(options))
        assert "no model matches 'two words'" in screen_lines(options)[0]
        await pilot.press("enter")  # nothing to pick
        await pilot.pause()
    assert app.selected == []


def test_what_looks_like_an_id() -> None:
    for text in ("llama3.2", "qwen2.5:7b", "org/model@rev", "gpt-4.1-mini", "a"):
        assert looks_like_id(text), text
    for text in ("two words", "", "-leading", "x" * 201, "tab\there", "quote'"):
        assert not looks_like_id(text), text


async def test_only_language_models_unless_told_otherwise() -> None:
    catalog = snapshot_catalog()
    app = PickerHost(catalog)
    async with app.run_test() as pilot:
        picker = app.query_one(ModelPicker)
        ids = {m.id for m in picker.shown}
        assert "openai/text-embedding-3-small" not in ids
        assert "bfl/flux-pro-1.1" not in ids
        picker.model_type = None
        await pilot.pause()
        assert {m.id for m in picker.shown} == {m.id for m in catalog}


async def test_status_line_and_match_count() -> None:
    app = PickerHost(snapshot_catalog())
    async with app.run_test() as pilot:
        status = app.query_one("#model-status")
        assert str(status.render()) == "17 models · offline: snapshot 2026-11-27"
        await pilot.press(*"gemini")
        assert str(status.render()) == "2 matches · 17 models · offline: snapshot 2026-11-27"
        app.query_one(ModelPicker).status = "loading models…"
        await pilot.pause()
        assert str(status.render()) == "2 matches · loading models…"


# -- the current model and catalog updates ---------------------------------------------------


async def test_current_model_is_marked_and_highlighted_when_the_search_is_empty() -> None:
    catalog = snapshot_catalog()
    app = PickerHost(catalog, current="openai/gpt-5")
    async with app.run_test() as pilot:
        picker = app.query_one(ModelPicker)
        options = app.query_one(OptionList)
        assert picker.highlighted is not None and picker.highlighted.id == "openai/gpt-5"
        marked = [line for line in screen_lines(options) if line.lstrip().startswith("●")]
        assert len(marked) == 1 and "openai/gpt-5 " in marked[0] + " "
        picker.current = "openai/gpt-4.1"
        await pilot.pause()
        marked = [line for line in screen_lines(options) if line.lstrip().startswith("●")]
        assert len(marked) == 1 and "openai/gpt-4.1 " in marked[0] + " "
        assert picker.highlighted is not None and picker.highlighted.id == "openai/gpt-4.1"


async def test_a_new_catalog_keeps_the_highlight_and_shows_what_endpoints_add() -> None:
    catalog = Catalog(
        [
            Model(id="local/alpha", context_window=None),
            Model(id="local/beta"),
            Model(id="local/gamma"),
        ]
    )
    app = PickerHost(catalog)
    async with app.run_test() as pilot:
        picker = app.query_one(ModelPicker)
        await pilot.press("down")
        assert picker.highlighted is not None and picker.highlighted.id == "local/beta"
        assert "?" in "".join(screen_lines(app.query_one(OptionList)))  # unknown price
        endpoint = Endpoint(
            provider="ollama",
            context=32_768,
            prices=Prices(input=Decimal("0.0000001"), output=Decimal("0.0000002")),
            implicit_caching=True,
        )
        picker.catalog = catalog.with_endpoints("local/beta", [endpoint])
        await pilot.pause()
        assert picker.highlighted is not None and picker.highlighted.id == "local/beta"
        beta = next(line for line in screen_lines(app.query_one(OptionList)) if "beta" in line)
        assert "33K" in beta and "$0.10/$0.20" in beta and "⟳" in beta


async def test_highlighted_is_posted_once_per_model_when_the_highlight_rests() -> None:
    app = PickerHost(snapshot_catalog(), current="openai/gpt-4.1-mini")
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.highlighted == ["openai/gpt-4.1-mini"])
        await pilot.press("down")
        await wait_for(pilot, lambda: len(app.highlighted) == 2)
        await pilot.press("up")
        await wait_for(pilot, lambda: len(app.highlighted) == 3)
        await pilot.press(*"gpt-4.1-mini")  # the first match stays the same model
        await pilot.pause(ModelPicker.HIGHLIGHT_SETTLE_S * 3)
    assert app.highlighted == ["openai/gpt-4.1-mini", "openai/gpt-4.1", "openai/gpt-4.1-mini"]


async def test_only_visible_rows_are_laid_out(monkeypatch: object) -> None:
    """A thousand models, a few searches: rows are formatted when drawn, not when listed."""
    built: list[str] = []
    original = model_picker.model_lines

    def counting(model: Model, *args: object, **kwargs: object) -> list[Content]:
        built.append(model.id)
        return original(model, *args, **kwargs)  # type: ignore[arg-type]

    setattr(model_picker, "model_lines", counting)  # noqa: B010
    try:
        app = PickerHost(synthetic_catalog(1000), width=40)
        async with app.run_test(size=(80, 24)) as pilot:
            for query in ("gpt", "mini", "claude"):
                app.query_one(Input).value = query
                await pilot.pause()
            rows_on_screen = app.query_one(OptionList).size.height
    finally:
        setattr(model_picker, "model_lines", original)  # noqa: B010
    # four lists (the empty search and three) of up to 926 models each; each draws at most
    # a screenful of two-line rows
    assert 0 < len(built) <= 4 * rows_on_screen // 2 + 4


# -- untrusted text ------------------------------------------------------------------------------


async def test_untrusted_ids_render_literally_and_clicking_them_is_harmless() -> None:
    evil = Model(id=EVIL_ID, name=EVIL_NAME, context_window=8192)
    catalog = Catalog([evil, Model(id="safe/model")])
    app = PickerHost(catalog, width=100)
    async with app.run_test(size=(110, 20)) as pilot:
        lines = screen_lines(app.query_one(OptionList))
        assert "evil/[@click=app.quit]x[/]␛␛" in lines[0]
        assert all("\x1b" not in line and "\x07" not in line for line in lines)
        await pilot.click(OptionList, offset=(6, 0))
        await pilot.pause()
        assert app.is_running
    assert [m.id for m in app.selected] == [EVIL_ID]  # what was listed goes back unchanged


# -- layout --------------------------------------------------------------------------------------


def _model(model_id: str, tags: tuple[str, ...]) -> Model:
    return Model(
        id=model_id,
        context_window=1_047_576,
        tags=tags,
        prices=Prices(input=Decimal("0.0000025"), output=Decimal("0.00001")),
    )


@settings(max_examples=150, deadline=None)
@given(
    model_id=st.text(min_size=1, max_size=80),
    width=st.integers(min_value=20, max_value=160),
    tags=st.lists(st.sampled_from([t for s in ICON_SLOTS for t in s.tags]), max_size=6),
    current=st.booleans(),
)
def test_rows_never_overflow_their_width(
    model_id: str, width: int, tags: list[str], current: bool
) -> None:
    model = _model(model_id, tuple(tags))
    catalog = Catalog([model])
    plan = RowPlan.for_catalog(catalog)
    lines = model_lines(model, catalog, plan, current=current, width=width)
    assert len(lines) == plan.height(width)
    for line in lines:
        assert line.cell_length <= width
        assert "\x1b" not in line.plain


def test_columns_drop_gracefully_as_the_pane_narrows() -> None:
    model = _model("anthropic/claude-sonnet-4.5", ("vision", "tool-use", "reasoning"))
    catalog = Catalog([model])
    plan = RowPlan.for_catalog(catalog)

    def row(width: int) -> list[str]:
        return [
            line.plain for line in model_lines(model, catalog, plan, current=False, width=width)
        ]

    wide = row(80)
    assert len(wide) == 1
    assert "anthropic/claude-sonnet-4.5" in wide[0]
    assert "1.05M" in wide[0] and "$2.50/$10.00" in wide[0] and "◉⚒✦" in wide[0]
    pane = row(34)  # the main screen's left pane
    assert pane[0].strip() == "anthropic/claude-sonnet-4.5"
    assert "1.05M" in pane[1] and "$2.50/$10.00" in pane[1] and "◉⚒✦" in pane[1]
    narrow = row(24)  # a 28-column pane
    assert narrow[0].strip() == "anthropic/claude-sonn…"  # 22 cells after the marker
    assert narrow[1] == "  1.05M $2.50/$10.00 ◉⚒✦"
    assert row(21)[1] == "  1.05M $2.50/$10.00"  # no room: the icons go first


def test_unknown_prices_are_question_marks_never_zero() -> None:
    model = Model(id="local/llama", prices=None)
    half = Model(id="local/half", prices=Prices(input=Decimal("0.000001")))
    catalog = Catalog([model, half])
    plan = RowPlan.for_catalog(catalog)
    text = model_lines(model, catalog, plan, current=False, width=80)[0].plain
    assert text.rstrip().endswith("?") and "$0" not in text
    text = model_lines(half, catalog, plan, current=False, width=80)[0].plain
    assert "$1.00/?" in text
