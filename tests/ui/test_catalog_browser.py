"""The catalog browser: every model in a table, searched, filtered, sorted by key or header
click; enter returns the model id, escape returns None; untrusted text stays text."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from decimal import Decimal

from rich.text import Text
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Checkbox, DataTable, Input, Select, Static
from textual.widgets.data_table import ColumnKey

from playground.core.catalog import Catalog, Model
from playground.core.pricing import Prices
from playground.store.catalog_cache import load_snapshot
from playground.ui.screens.catalog_browser import ALL_TYPES, COLUMNS, CatalogBrowser, model_cells
from playground.ui.widgets.capability_icons import ICON_SLOTS

from support.synthetic_catalog import synthetic_catalog

UNSET = object()


def snapshot_catalog() -> Catalog:
    catalog, _ = load_snapshot().parse()
    return catalog


class BrowserHost(App[None]):
    """Opens the browser on mount and keeps what it was dismissed with."""

    def __init__(self, catalog: Catalog, *, current: str | None = None) -> None:
        super().__init__()
        self.catalog = catalog
        self.current = current
        self.result: object = UNSET

    def compose(self) -> ComposeResult:
        yield Static("main screen")

    def on_mount(self) -> None:
        self.push_screen(CatalogBrowser(self.catalog, current=self.current), self._done)

    def _done(self, result: str | None) -> None:
        self.result = result


async def wait_for(pilot: Pilot[None], predicate: Callable[[], bool], limit: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not predicate():
        assert loop.time() < deadline, "condition never held"
        await pilot.pause(0.02)


async def opened(pilot: Pilot[None]) -> CatalogBrowser:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CatalogBrowser))
    browser = pilot.app.screen
    assert isinstance(browser, CatalogBrowser)
    await wait_for(pilot, lambda: browser.filled)
    return browser


def table_ids(browser: CatalogBrowser) -> list[str]:
    table = browser.query_one(DataTable)
    return [str(table.get_row_at(row)[0]) for row in range(table.row_count)]


async def settle(pilot: Pilot[None], browser: CatalogBrowser) -> None:
    """Let a search's pause pass and the table fill."""
    await pilot.pause(0.15)
    await wait_for(pilot, lambda: browser.filled)


async def test_escape_returns_none() -> None:
    app = BrowserHost(snapshot_catalog())
    async with app.run_test(size=(140, 40)) as pilot:
        await opened(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CatalogBrowser)
    assert app.result is None


async def test_typing_then_enter_returns_the_best_match() -> None:
    app = BrowserHost(snapshot_catalog())
    async with app.run_test(size=(140, 40)) as pilot:
        browser = await opened(pilot)
        assert isinstance(app.focused, Input)
        await pilot.press(*"mini", "enter")  # enter right after typing: no pause needed
        await pilot.pause()
        assert not isinstance(app.screen, CatalogBrowser)
        assert browser.shown[0].id == "openai/gpt-4.1-mini"
    assert app.result == "openai/gpt-4.1-mini"


async def test_arrows_from_the_search_box_move_the_cursor() -> None:
    catalog = snapshot_catalog()
    app = BrowserHost(catalog, current="openai/gpt-5")
    async with app.run_test(size=(140, 40)) as pilot:
        browser = await opened(pilot)
        assert browser.highlighted_id == "openai/gpt-5"  # starts on the model in use
        await pilot.press("down", "down", "up")
        expected = catalog.select(type="language")
        index = [m.id for m in expected].index("openai/gpt-5") + 1
        assert browser.highlighted_id == expected[index].id
        await pilot.press("enter")
        await pilot.pause()
    assert app.result == expected[index].id


async def test_sort_keys_in_the_table_and_again_to_reverse() -> None:
    catalog = snapshot_catalog()
    app = BrowserHost(catalog)
    async with app.run_test(size=(140, 40)) as pilot:
        browser = await opened(pilot)
        await pilot.press("p")  # in the search box, a letter is typed, not a sort
        assert browser.query_one(Input).value == "p"
        assert browser.sort is None
        browser.query_one(Input).value = ""
        await settle(pilot, browser)
        browser.query_one(DataTable).focus()
        await pilot.press("p")
        await settle(pilot, browser)
        by_price = catalog.sort("price", models=catalog.filter(type="language"))
        assert table_ids(browser) == [m.id for m in by_price]
        assert table_ids(browser)[0] == "alibaba/qwen-3-14b"  # the cheapest
        assert table_ids(browser)[-1] == "perplexity/sonar"  # unknown prices last
        label = browser.query_one(DataTable).columns[ColumnKey("input")].label
        assert str(label) == "In $/M ▲"
        await pilot.press("p")
        await settle(pilot, browser)
        reverse = catalog.sort("price", reverse=True, models=catalog.filter(type="language"))
        assert table_ids(browser) == [m.id for m in reverse]
        assert table_ids(browser)[-1] == "perplexity/sonar"  # unknown stays last
        await pilot.press("c")
        await settle(pilot, browser)
        assert browser.sort == "context" and not browser.reverse
        assert table_ids(browser)[0] == "google/gemini-2.5-flash"  # 1,048,576, first by id
        await pilot.press("slash")
        assert isinstance(app.focused, Input)


async def test_clicking_a_header_sorts_by_that_column() -> None:
    catalog = snapshot_catalog()
    app = BrowserHost(catalog)
    async with app.run_test(size=(160, 40)) as pilot:
        browser = await opened(pilot)
        table = browser.query_one(DataTable)
        index = [c.key for c in COLUMNS].index("released")
        x = sum(col.get_render_width(table) for col in table.ordered_columns[:index]) + 2
        await pilot.click(DataTable, offset=(x, 0))
        await settle(pilot, browser)
        assert browser.sort == "release"
        newest = catalog.sort("release", models=catalog.filter(type="language"))
        assert table_ids(browser) == [m.id for m in newest]


async def test_capability_toggles_and_the_type_selector_filter() -> None:
    catalog = snapshot_catalog()
    app = BrowserHost(catalog)
    async with app.run_test(size=(160, 40)) as pilot:
        browser = await opened(pilot)
        assert "openai/text-embedding-3-small" not in table_ids(browser)
        reasoning = next(s for s in ICON_SLOTS if s.short == "reasoning")
        web = next(s for s in ICON_SLOTS if s.short == "web")
        box = browser.query_one(f"#cap-{ICON_SLOTS.index(reasoning)}", Checkbox)
        await pilot.click(box)
        await settle(pilot, browser)
        assert box.value
        assert table_ids(browser)
        assert all("reasoning" in catalog.capabilities(m) for m in browser.shown)
        assert len(browser.shown) == len(catalog.filter(capability="reasoning", type="language"))
        browser.query_one(f"#cap-{ICON_SLOTS.index(web)}", Checkbox).value = True
        await settle(pilot, browser)
        assert table_ids(browser) == []  # no model reasons and searches the web
        browser.query_one(f"#cap-{ICON_SLOTS.index(web)}", Checkbox).value = False
        box.value = False
        browser.query_one(Select).value = ALL_TYPES
        await settle(pilot, browser)
        assert {m.id for m in browser.shown} == {m.id for m in catalog}
        browser.query_one(Select).value = "embedding"
        await settle(pilot, browser)
        assert table_ids(browser) == ["openai/text-embedding-3-small"]


async def test_a_thousand_models_fill_in_steps_and_a_search_replaces_them() -> None:
    catalog = synthetic_catalog(1000)
    app = BrowserHost(catalog)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, CatalogBrowser))
        browser = app.screen
        assert isinstance(browser, CatalogBrowser)
        table = browser.query_one(DataTable)
        assert 0 < table.row_count < len(browser.shown)  # the first rows first
        await wait_for(pilot, lambda: browser.filled)
        assert table.row_count == len(browser.shown) == len(catalog.filter(type="language"))
        await pilot.press(*"claude")
        await settle(pilot, browser)
        expected = catalog.select(query="claude", type="language")
        assert table_ids(browser) == [m.id for m in expected]


async def test_untrusted_text_is_shown_as_text() -> None:
    evil = Model(
        id="evil/[@click=app.quit]x[/]\x1b]52;c;aGk=\x07",
        name="[b]bold[/b]\x1b[2J",
        tags=("[red]tag[/red]",),
        prices=Prices(input=Decimal("0.000001"), output=Decimal("0.000002")),
    )
    catalog = Catalog([evil])
    cells = model_cells(evil, catalog, ())
    assert all(isinstance(cell, Text) for cell in cells)
    assert cells[0].plain == "evil/[@click=app.quit]x[/]␛"
    assert cells[1].plain == "[b]bold[/b]␛"
    assert cells[5].plain == "[red]tag[/red]"
    assert all(not cell.spans for cell in cells)  # nothing was parsed as markup
    app = BrowserHost(catalog)
    async with app.run_test(size=(160, 30)) as pilot:
        browser = await opened(pilot)
        assert browser.query_one(DataTable).row_count == 1
        await pilot.click(DataTable, offset=(5, 1))  # a click on the row under the cursor
        await pilot.pause()
        assert app.is_running
        assert not isinstance(app.screen, CatalogBrowser)
    assert app.result == evil.id  # the raw id, exactly as the gateway listed it


def test_cells_say_unknown_for_what_is_not_known() -> None:
    model = Model(id="local/llama", context_window=None, prices=None)
    cells = [cell.plain for cell in model_cells(model, Catalog([model]), ())]
    values = dict(zip([c.key for c in COLUMNS], cells, strict=True))
    assert values["input"] == values["output"] == "?"
    assert values["context"] == values["providers"] == values["ttft"] == "?"
    assert values["released"] == "?"
