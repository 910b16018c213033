"""The sidebar shows a run's figures exactly, beside the published ones."""

from __future__ import annotations

from decimal import Decimal

from textual.app import App, ComposeResult
from textual.widgets import Static

from playground.core.run import Figures, Stalls, TokenCounts
from playground.core.totals import SessionTotals
from playground.ui.widgets.metrics_sidebar import MetricsSidebar, Published, describe_figures

FIGURES = Figures(
    status="ok",
    ttft_s=0.6123,
    decode_rate=92.44,
    total_s=2.5,
    tokens=TokenCounts(prompt=20, output=210, cached=1024),
    cost=Decimal("0.000344"),
    cost_source="gateway",
    gateway_cost=Decimal("0.000344"),
    computed_cost=Decimal("0.000344"),
    served_by="openai",
    fallbacks=("azure",),
    stalls=Stalls(1, 2.4),
)


def test_figures_read_as_the_definitions_say() -> None:
    text = describe_figures(FIGURES, published=Published("openai", 0.6, 92.0)).plain
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "Status ✓ ok" in lines
    assert "Served by openai" in lines and "after azure" in lines
    assert "TTFT 0.612 s client" in lines and "pub. P50 0.600 s" in lines
    assert "Output 210 tok" in lines and "cached 1,024" in lines
    assert "Decode 92.4 tok/s" in lines and "pub. P50 92.0 tok/s" in lines
    assert "Stalls 1 (longest 2.4 s)" in lines
    assert "Cost $0.000344 billed" in lines
    assert "computed $0.000344 (+$0)" in lines


def test_untrusted_provider_names_are_shown_literally() -> None:
    hostile = Figures(status="running", served_by="[@click=app.quit]x[/]\x1b]52;c;AAAA\x07")
    text = describe_figures(hostile).plain
    assert "[@click=app.quit]x[/]" in text and "\x1b" not in text


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield MetricsSidebar()


async def test_sidebar_updates_in_place() -> None:
    app = Host()
    async with app.run_test() as pilot:
        sidebar = app.query_one(MetricsSidebar)
        sidebar.show(FIGURES)
        sidebar.push_rate(90.0)
        sidebar.push_rate(95.0)
        sidebar.show_totals(SessionTotals(runs=2, output_tokens=420, cost=Decimal("0.000688")))
        await pilot.pause()
        figures = str(app.query_one("#metrics-figures", Static).render())
        totals = str(app.query_one("#metrics-totals", Static).render())
        assert sidebar.rates == [90.0, 95.0]
    assert "92.4 tok/s" in figures
    assert "$0.000688" in totals and "420 out" in totals


def test_before_any_output_the_cost_is_not_yet_a_figure_not_unknown() -> None:
    """An auto-routed run waiting for its first token has no provider, hence no prices yet:
    that is not "unknown prices"."""
    waiting = describe_figures(Figures(status="running")).plain
    assert "unknown" not in waiting and "Cost" in waiting
    ended = describe_figures(Figures(status="error")).plain
    assert "unknown prices" in ended
