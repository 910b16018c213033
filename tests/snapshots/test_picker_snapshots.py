"""Snapshots of the model picker, the provider list and the catalog browser, on the bundled
catalog snapshot (with published figures for gpt-4.1-mini's two providers)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.pilot import Pilot
from textual.widgets import Input, Static

from playground.core.catalog import Catalog, Endpoint
from playground.store.catalog_cache import load_snapshot
from playground.ui.screens.catalog_browser import CatalogBrowser
from playground.ui.widgets.model_picker import ModelPicker
from playground.ui.widgets.provider_list import ProviderList

MODEL = "openai/gpt-4.1-mini"
STATUS = "17 models · offline: snapshot 2026-11-27"


def fixed_catalog() -> Catalog:
    catalog, _ = load_snapshot().parse()
    azure, openai = catalog.endpoints_of(MODEL) or ()
    bedrock = Endpoint(provider="bedrock", name="Amazon Bedrock", prices=azure.prices, status=1)
    return catalog.with_endpoints(
        MODEL,
        (
            replace(azure, throughput_p50=88.2, uptime_pct=99.95),
            replace(openai, uptime_pct=99.9),
            bedrock,
        ),
    )


class PaneHost(App[None]):
    """The main screen's left pane: the picker over the provider list, `width` columns."""

    CSS = """
    #left-pane { border-right: vkey $foreground 10%; }
    #model-picker { height: 1fr; }
    #provider-list { height: auto; max-height: 45%; border-top: hkey $foreground 10%; }
    """

    def __init__(self, width: int, *, pinned: str | None = "azure") -> None:
        super().__init__()
        self.catalog = fixed_catalog()
        self.pane_width = width
        self.pinned = pinned

    def compose(self) -> ComposeResult:
        with Horizontal():
            with Vertical(id="left-pane") as pane:
                pane.styles.width = self.pane_width
                yield ModelPicker(id="model-picker")
                yield ProviderList(id="provider-list")
            yield Static("conversation", id="center")

    def on_mount(self) -> None:
        picker = self.query_one(ModelPicker)
        picker.catalog = self.catalog
        picker.current = MODEL
        picker.status = STATUS
        self.query_one(ProviderList).show(MODEL, self.catalog.endpoints_of(MODEL), self.pinned)
        search = self.query_one("#model-search", Input)
        search.cursor_blink = False
        picker.focus_search()


class BrowserHost(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("main screen")

    def on_mount(self) -> None:
        self.push_screen(CatalogBrowser(fixed_catalog(), current=MODEL))


async def _settle(pilot: Pilot[None]) -> None:
    await pilot.pause(0.3)  # the picker's highlight settle and the browser's fill
    await pilot.pause()


def test_left_pane_at_38_columns(snap_compare: Callable[..., bool]) -> None:
    """You should see a one-line search box, "17 models · offline: snapshot 2026-11-27" cut
    with an ellipsis, then two-line model rows (id; context, price in/out and icons),
    gpt-4.1-mini marked ● and highlighted; under a rule, "Providers · 3 listed", auto, azure
    pinned (●) with ⟳$0.10 and "TTFT 0.70 s  88 tok/s  100.0% up", openai, and a dimmed
    "◌ Amazon Bedrock (inactive)"."""
    assert snap_compare(PaneHost(38), run_before=_settle, terminal_size=(80, 34))


def test_narrow_pane_after_typing_mini(snap_compare: Callable[..., bool]) -> None:
    """You should see "mini" in the search box, "5 matches · …", gpt-4.1-mini first and
    highlighted, ids cut with an ellipsis where needed, icons packed or dropped to fit 28
    columns, and "+ use 'mini' as a model id" after the matches."""

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press(*"mini")
        await _settle(pilot)

    assert snap_compare(PaneHost(28, pinned=None), run_before=run_before, terminal_size=(60, 34))


def test_wide_pane_rows_on_one_line(snap_compare: Callable[..., bool]) -> None:
    """You should see every model on one line (id, icons, context, price) and every provider
    on one line with labelled columns, "?" where a figure is not published."""
    assert snap_compare(PaneHost(110), run_before=_settle, terminal_size=(120, 34))


def test_catalog_browser_sorted_by_price(snap_compare: Callable[..., bool]) -> None:
    """You should see the "Model catalog" modal: a search box, capability toggles and a type
    selector on "language", then the table sorted by price ("In $/M ▲"), cheapest first and
    Sonar's unknown prices ("?") last, and the status line "15 of 15 models · by price · …"."""

    async def run_before(pilot: Pilot[None]) -> None:
        await _settle(pilot)
        browser = pilot.app.screen
        assert isinstance(browser, CatalogBrowser)
        browser.query_one("#browser-search", Input).cursor_blink = False
        browser.action_sort("price")
        await _settle(pilot)

    assert snap_compare(BrowserHost(), run_before=run_before, terminal_size=(160, 30))
