"""The provider list: auto first, one row per endpoint with its figures, pinning by keyboard or
mouse, loading and empty states, and untrusted provider names shown literally."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList

from playground.core.catalog import Endpoint
from playground.core.pricing import Prices
from playground.store.catalog_cache import load_snapshot
from playground.ui.widgets.provider_list import ProviderList, endpoint_lines

MODEL = "openai/gpt-4.1-mini"
EVIL = "[@click=app.quit]x[/]\x1b]0;pwned\x07\x1b[2J"


def snapshot_endpoints() -> tuple[Endpoint, ...]:
    catalog, _ = load_snapshot().parse()
    endpoints = catalog.endpoints_of(MODEL)
    assert endpoints is not None
    azure, openai = endpoints
    return (
        replace(azure, throughput_p50=88.2, uptime_pct=99.95),
        replace(openai, uptime_pct=99.9),
    )


class ListHost(App[None]):
    """One provider list in a pane of `width` columns; records what it posts."""

    def __init__(self, *, width: int = 40) -> None:
        super().__init__()
        self.width = width
        self.picked: list[str | None] = []

    def compose(self) -> ComposeResult:
        with Vertical() as pane:
            pane.styles.width = self.width
            yield ProviderList()

    def on_provider_list_picked(self, event: ProviderList.Picked) -> None:
        assert event.control is event.provider_list
        self.picked.append(event.provider)


def lines(app: App[None]) -> list[str]:
    options = app.query_one(OptionList)
    return [options.render_line(y).text.rstrip() for y in range(options.size.height)]


def title(app: App[None]) -> str:
    return str(app.query_one("#provider-title").render())


async def test_loading_then_endpoints_then_none() -> None:
    app = ListHost()
    async with app.run_test() as pilot:
        providers = app.query_one(ProviderList)
        providers.show(MODEL, None)
        await pilot.pause()
        assert title(app) == "Providers · loading…"
        assert [line.strip() for line in lines(app)[:2]] == [
            "● auto  let the gateway route",
            "loading providers…",
        ]
        providers.show(MODEL, snapshot_endpoints())
        await pilot.pause()
        assert title(app) == "Providers · 2 listed"
        shown = lines(app)
        assert shown[1].strip().startswith("○ azure") and "$0.40/$1.60 ⟳$0.10" in shown[1]
        assert "TTFT 0.70 s  88 tok/s  100.0% up" in shown[2]  # 99.95 rounds as format does
        assert shown[3].strip().startswith("○ openai")
        assert "TTFT 0.60 s  92 tok/s  99.9% up" in shown[4]
        providers.show("perplexity/sonar", ())
        await pilot.pause()
        assert title(app) == "Providers · 0 listed"
        assert [line.strip() for line in lines(app)[:2]] == [
            "● auto  let the gateway route",
            "no provider listed",
        ]


async def test_keyboard_pins_azure_then_auto() -> None:
    app = ListHost()
    async with app.run_test() as pilot:
        providers = app.query_one(ProviderList)
        providers.show(MODEL, snapshot_endpoints())
        await pilot.pause()
        app.query_one(OptionList).focus()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.picked == ["azure"]
        assert providers.pinned == "azure"
        assert lines(app)[1].strip().startswith("● azure")
        assert lines(app)[0].strip().startswith("○ auto")
        await pilot.press("up", "enter")
        await pilot.pause()
        assert app.picked == ["azure", None]
        assert providers.pinned is None
        assert lines(app)[0].strip().startswith("● auto")


async def test_a_click_pins_and_the_screen_can_repin() -> None:
    app = ListHost()
    async with app.run_test() as pilot:
        providers = app.query_one(ProviderList)
        providers.show(MODEL, snapshot_endpoints(), "azure")
        await pilot.pause()
        assert app.query_one(OptionList).highlighted == 1  # the cursor starts on the pin
        await pilot.click(OptionList, offset=(4, 3))  # openai's first line
        await pilot.pause()
        assert app.picked == ["openai"]
        providers.show(MODEL, snapshot_endpoints(), "azure")  # the screen decides
        await pilot.pause()
        assert providers.pinned == "azure"
        assert app.picked == ["openai"]  # show() posts nothing


async def test_a_pinned_provider_the_model_does_not_list_is_still_shown() -> None:
    app = ListHost()
    async with app.run_test() as pilot:
        providers = app.query_one(ProviderList)
        providers.show(MODEL, snapshot_endpoints(), "groq")
        await pilot.pause()
        assert lines(app)[1].strip() == "● groq  not listed for this model"
        providers.show(MODEL, None, "groq")
        await pilot.pause()
        assert lines(app)[1].strip() == "● groq"
        assert lines(app)[2].strip() == "loading providers…"


async def test_an_error_is_shown_in_place_of_the_list() -> None:
    app = ListHost()
    async with app.run_test() as pilot:
        app.query_one(ProviderList).show(MODEL, (), None, error="HTTP 503\x1b[2J")
        await pilot.pause()
        assert lines(app)[1].strip().startswith("could not load providers: HTTP 503␛")


async def test_inactive_endpoints_are_marked_and_unknown_figures_are_left_out() -> None:
    inactive = Endpoint(provider="bedrock", name="Amazon Bedrock", status=1)
    app = ListHost(width=50)
    async with app.run_test() as pilot:
        app.query_one(ProviderList).show(MODEL, (inactive,))
        await pilot.pause()
        assert lines(app)[1].split() == ["◌", "Amazon", "Bedrock", "(inactive)", "?"]
        assert len(lines(app)) == 2  # auto, and a one-line row: nothing published


async def test_untrusted_provider_names_render_literally_and_click_safely() -> None:
    evil = Endpoint(provider="evil", name=EVIL, prices=Prices(input=Decimal("0.000001")))
    app = ListHost(width=120)
    async with app.run_test(size=(130, 20)) as pilot:
        app.query_one(ProviderList).show(MODEL, (evil,))
        await pilot.pause()
        row = lines(app)[1]
        assert "[@click=app.quit]x[/]␛␛" in row
        assert "\x1b" not in row and "\x07" not in row
        await pilot.click(OptionList, offset=(5, 1))
        await pilot.pause()
        assert app.is_running
    assert app.picked == ["evil"]  # the routing slug, not the display name


def test_wide_rows_show_every_column_with_unknowns_as_question_marks() -> None:
    _, openai = snapshot_endpoints()
    [row] = endpoint_lines(replace(openai, throughput_p50=None), pinned=True, width=100)
    assert row.plain.split() == [
        "●",
        "openai",
        "$0.40/$1.60",
        "cache",
        "$0.10",
        "TTFT",
        "0.60",
        "s",
        "?",
        "tok/s",
        "99.9%",
        "up",
    ]


@settings(max_examples=150, deadline=None)
@given(
    name=st.text(max_size=60),
    width=st.integers(min_value=20, max_value=160),
    pinned=st.booleans(),
    status=st.sampled_from([None, 0, 1]),
    figures=st.booleans(),
)
def test_rows_never_overflow_their_width(
    name: str, width: int, pinned: bool, status: int | None, figures: bool
) -> None:
    endpoint = Endpoint(
        provider="p",
        name=name,
        status=status,
        prices=Prices(input=Decimal("0.0000151"), output=Decimal("0.000075"), cache_read=None),
        ttft_p50_s=12.5 if figures else None,
        throughput_p50=1234.5 if figures else None,
        uptime_pct=100.0 if figures else None,
    )
    rows = endpoint_lines(endpoint, pinned=pinned, width=width)
    assert 1 <= len(rows) <= 2
    for row in rows:
        assert row.cell_length <= width
        assert "\x1b" not in row.plain
