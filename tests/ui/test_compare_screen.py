"""The compare screen, driven with Pilot against the simulated gateway over loopback."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input, Static

from playground.core.compare import group_runs, lane_stats, last_series, repeat_stats
from playground.core.session import session_from_dict, session_to_dict
from playground.sim.server import SimulatedGateway
from playground.ui.app import PlaygroundApp
from playground.ui.screens.compare import CompareScreen
from playground.ui.screens.diff import DiffScreen
from playground.ui.widgets.comparison_strip import ComparisonStrip
from playground.ui.widgets.lane_figures import LaneFigures
from playground.ui.widgets.lane_turn import LaneTurn
from playground.ui.widgets.prompt_editor import PromptEditor
from playground.ui.widgets.repeat_panel import RepeatPanel

from support.apps import make_app, ready, wait_for

MODEL = "openai/gpt-4.1-mini"


@pytest.fixture
async def gateway() -> AsyncIterator[SimulatedGateway]:
    async with SimulatedGateway(seed=7, time_scale=0.02) as gw:
        yield gw


async def open_compare(pilot: Pilot[Any], message: str = "Why is the sky blue?") -> CompareScreen:
    """From the main screen: type `message`, press ctrl+t, wait for both lanes' providers."""
    main = await ready(pilot)
    main.query_one(PromptEditor).message = message
    await pilot.press("ctrl+t")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CompareScreen))
    screen = pilot.app.screen
    assert isinstance(screen, CompareScreen)
    await wait_for(pilot, lambda: screen.targets["B"].provider is not None)
    return screen


def chat_requests(gateway: SimulatedGateway) -> list[Any]:
    return [r for r in gateway.records if r.path.endswith("/chat/completions")]


def lane_text(screen: CompareScreen, lane: str) -> str:
    return screen.query_one(f"#lane-answer-{lane.lower()}").query_one(LaneTurn).answer.text


async def sent_and_done(pilot: Pilot[Any], screen: CompareScreen, runs: int) -> None:
    """Wait until the session holds `runs` runs and nothing streams."""
    app = pilot.app
    assert isinstance(app, PlaygroundApp)
    await wait_for(
        pilot,
        lambda: app.state is not None and len(app.state.runs) >= runs and not screen.streaming,
        seconds=30,
    )
    await pilot.pause()


async def test_ctrl_t_opens_compare_with_the_prompt_and_settings_carried_over(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    app = make_app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        main.query_one("#temperature", Input).value = "0.3"
        screen = await open_compare(pilot, "Compare me")
        editor = screen.query_one(PromptEditor)
        assert editor.message == "Compare me"
        assert editor.settings().params.temperature == 0.3
        a, b = screen.targets["A"], screen.targets["B"]
        assert a.model == b.model == MODEL
        assert {a.provider, b.provider} == {"azure", "openai"}  # the model's two providers
        await pilot.press("escape")  # nothing streams: Esc closes
        await wait_for(pilot, lambda: app.screen is main)


async def test_send_streams_both_lanes_together_and_records_the_runs(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    async with SimulatedGateway(seed=7, time_scale=0.3) as slow:
        app = make_app(slow.url, tmp_path)
        async with app.run_test(size=(160, 48)) as pilot:
            screen = await open_compare(pilot)
            screen.set_target("A", provider="azure")
            screen.set_target("B", provider="openai")
            await pilot.press("ctrl+j")
            await sent_and_done(pilot, screen, 2)
            assert app.state is not None
            a, b = sorted(app.state.runs, key=lambda r: r.lane)
            assert (a.lane, b.lane) == ("A", "B") and a.group == b.group
            assert a.figures.served_by == "azure" and b.figures.served_by == "openai"
            assert a.status == b.status == "ok"
            # They streamed together: each lane's first token came before the other's end.
            assert a.figures.ttft_s is not None and b.figures.ttft_s is not None
            assert a.figures.total_s is not None and b.figures.total_s is not None
            assert a.started_at + a.figures.ttft_s < b.started_at + b.figures.total_s - 0.5
            assert b.started_at + b.figures.ttft_s < a.started_at + a.figures.total_s - 0.5
            assert app.state.messages == ()  # compare runs never join the conversation
            assert lane_text(screen, "A") == a.text and lane_text(screen, "B") == b.text
            strip = screen.query_one(ComparisonStrip).comparison
            assert strip is not None and strip.get("ttft").a == a.figures.ttft_s
            figures = str(screen.query_one("#lane-figures-a", LaneFigures).children[0].render())
            assert "azure" in figures and "ok" in figures


async def test_the_faster_lane_is_marked_in_the_strip(tmp_path: Path) -> None:
    """Llama 3.3 on Cerebras (2,100 tok/s) against Bedrock (39 tok/s), on the real clock so
    that a stall of a loaded machine cannot turn the order round."""
    async with SimulatedGateway(seed=3, time_scale=1.0) as gw:
        app = make_app(gw.url, tmp_path)
        async with app.run_test(size=(160, 48)) as pilot:
            screen = await open_compare(pilot, "Tell me about llamas.\n/sim ok tokens=40")
            screen.set_target("A", model="meta/llama-3.3-70b", provider="cerebras")
            screen.set_target("B", model="meta/llama-3.3-70b", provider="bedrock")
            await pilot.press("ctrl+j")
            await sent_and_done(pilot, screen, 2)
            comparison = screen.query_one(ComparisonStrip).comparison
            assert comparison is not None
            decode = comparison.get("decode")
            assert decode.better == "a" and decode.ratio is not None and decode.ratio > 10
            assert comparison.get("total").better == "a"
            ttft = comparison.get("ttft")
            assert ttft.a is not None and ttft.b is not None
            assert ttft.better == ("a" if ttft.a < ttft.b else "b")
            shown = str(screen.query_one(ComparisonStrip).render())
            assert "✓" in shown and f"A {decode.ratio:.2f}×" in shown


async def test_one_lane_failing_leaves_the_other_to_finish(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    app = make_app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_compare(pilot)
        screen.set_target("A", provider="groq")  # a real provider that does not serve the model
        screen.set_target("B", provider="openai")
        await pilot.press("ctrl+j")
        await sent_and_done(pilot, screen, 2)
        assert app.state is not None
        runs = {r.lane: r for r in app.state.runs}
        assert runs["A"].status == "error" and runs["A"].error is not None
        assert runs["B"].status == "ok" and "Rayleigh" in runs["B"].text
        card = screen.query_one("#lane-answer-a").query_one(".answer-header", Static)
        assert card is not None
        error = screen.query_one("#lane-answer-a").query("ErrorCard.-shown")
        assert len(error) == 1
        assert not screen.query_one("#lane-answer-b").query("ErrorCard.-shown")


async def test_escape_stops_both_lanes_then_closes(tmp_path: Path) -> None:
    async with SimulatedGateway(seed=7, time_scale=1.0) as gw:
        app = make_app(gw.url, tmp_path)
        async with app.run_test(size=(160, 48)) as pilot:
            screen = await open_compare(pilot, "Write a long essay about the sea.")
            await pilot.press("ctrl+j")
            await wait_for(pilot, lambda: lane_text(screen, "A") and lane_text(screen, "B"))
            await pilot.press("escape")
            await sent_and_done(pilot, screen, 2)
            assert app.state is not None
            assert {r.status for r in app.state.runs} == {"stopped"}
            assert all(r.text for r in app.state.runs)  # what arrived is kept
            await wait_for(pilot, lambda: all(r.disconnected for r in chat_requests(gw)))
            assert isinstance(app.screen, CompareScreen)  # the first Esc only stopped
            await pilot.press("escape")
            await wait_for(pilot, lambda: not isinstance(app.screen, CompareScreen))


async def test_one_lane_is_stopped_then_retried_alone(tmp_path: Path) -> None:
    async with SimulatedGateway(seed=7, time_scale=1.0) as gw:
        app = make_app(gw.url, tmp_path)
        async with app.run_test(size=(160, 48)) as pilot:
            text = "Write about the sea.\n/sim ok ttft=0.05 rate=80 tokens=200"
            screen = await open_compare(pilot, text)
            await pilot.press("ctrl+j")
            await wait_for(pilot, lambda: screen.lanes["A"].streaming and lane_text(screen, "A"))
            # press(), not pilot.click(): Pilot waits for the screen to go idle before each
            # mouse event, and it never does while the lanes stream.
            screen.query_one("#lane-header-a #lane-stop", Button).press()
            await sent_and_done(pilot, screen, 2)
            assert app.state is not None
            runs = {r.lane: r for r in app.state.runs}
            assert runs["A"].status == "stopped" and runs["B"].status == "ok"
            assert runs["B"].figures.tokens.output == 200
            assert runs["A"].text and len(runs["A"].text) < len(runs["B"].text)
            requests_before = len(chat_requests(gw))
            await pilot.click("#lane-header-a #lane-retry")
            await sent_and_done(pilot, screen, 3)
            retried = app.state.runs[-1]
            assert retried.lane == "A" and retried.status == "ok"
            assert retried.request == runs["A"].request
            assert len(chat_requests(gw)) == requests_before + 1  # lane B did not run again


async def test_repeat_fills_the_table_from_the_recorded_runs(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    app = make_app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_compare(pilot, "Hello there!")
        screen.query_one("#repeat-n", Input).value = "3"
        screen.query_one("#repeat-warmup").value = True  # type: ignore[attr-defined]
        await pilot.press("ctrl+r")
        await sent_and_done(pilot, screen, 8)
        assert app.state is not None
        runs = app.state.runs
        assert [(r.lane, r.repeat_index, r.warmup) for r in runs] == [
            ("A", 0, True),
            ("B", 0, True),
            ("A", 1, False),
            ("B", 1, False),
            ("A", 2, False),
            ("B", 2, False),
            ("A", 3, False),
            ("B", 3, False),
        ]
        requested = [r.provider for r in chat_requests(gateway)]
        providers = (screen.targets["A"].provider, screen.targets["B"].provider)
        assert requested == list(providers) * 4  # interleaved A B A B at the gateway
        panel = screen.query_one(RepeatPanel)
        assert panel.stats == tuple(lane_stats(runs, lane) for lane in ("A", "B"))
        assert panel.stats[0].runs == 3 and panel.stats[0].warmups == 1
        saved = session_from_dict(json.loads(json.dumps(session_to_dict(app.state.session))))
        assert repeat_stats(last_series(saved.runs)) == panel.stats
        shown = str(panel.query_one("#repeat-lane-a", Static).render())
        assert "3 runs" in shown and "P50" in shown and "TTFT per run" in shown
        assert "done: 8 runs" in str(panel.query_one("#repeat-status", Static).render())


async def test_escape_cancels_a_repeat(tmp_path: Path) -> None:
    async with SimulatedGateway(seed=7, time_scale=1.0) as gw:
        app = make_app(gw.url, tmp_path)
        async with app.run_test(size=(160, 48)) as pilot:
            screen = await open_compare(pilot, "Write about the sea.\n/sim ok ttft=0.05 rate=100")
            screen.query_one("#repeat-n", Input).value = "5"
            await pilot.press("ctrl+r")
            assert app.state is not None
            state = app.state
            await wait_for(pilot, lambda: len(state.runs) >= 2 and lane_text(screen, "A"))
            await pilot.press("escape")
            await wait_for(pilot, lambda: not screen.streaming)
            done = len(state.runs)
            assert 3 <= done < 10 and state.runs[-1].status == "stopped"
            await pilot.pause(0.5)
            assert len(chat_requests(gw)) == done  # nothing started after Esc
            status = str(screen.query_one("#repeat-status", Static).render())
            assert f"stopped after {done} of 10 runs" in status
            group = state.runs[-1].group
            assert screen.query_one(RepeatPanel).stats == tuple(
                lane_stats(group_runs(state.runs, group), lane) for lane in ("A", "B")
            )


async def test_diff_view_shows_where_the_answers_differ(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    app = make_app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_compare(pilot, "Explain how caching works.")
        await pilot.press("f4")  # nothing ran yet: a notice, no diff
        await pilot.pause()
        assert not isinstance(app.screen, DiffScreen)
        await pilot.press("ctrl+j")
        await sent_and_done(pilot, screen, 2)
        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(app.screen, DiffScreen))
        diff_screen = app.screen
        assert isinstance(diff_screen, DiffScreen)
        await wait_for(pilot, lambda: diff_screen.diff is not None)
        assert diff_screen.diff is not None
        labels = [f.label for f in diff_screen.diff.fields]
        assert labels[:3] == ["Status", "Finish reason", "Output tokens"]
        assert not diff_screen.diff.words.identical  # the two providers answered differently
        shown = str(diff_screen.query_one("#diff-summary", Static).render())
        assert "% of the words are shared" in shown
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)


async def test_a_lanes_model_is_picked_from_the_search_dialog(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    app = make_app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_compare(pilot)
        await pilot.click("#lane-header-b #lane-model")
        await wait_for(pilot, lambda: app.screen is not screen)
        await pilot.press(*"gpt-4.1-nano")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.targets["B"].model == "openai/gpt-4.1-nano")
        assert app.screen is screen
        # Its providers are listed for the new model.
        await wait_for(pilot, lambda: screen.catalog.endpoints_of("openai/gpt-4.1-nano"))


async def test_palette_lists_the_compare_actions(gateway: SimulatedGateway, tmp_path: Path) -> None:
    app = make_app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_compare(pilot)
        titles = [c.title for c in screen.palette_commands()]
        for title in ("Send to both lanes", "Repeat ×N", "Diff the answers", "Stop lane A"):
            assert title in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Close compare")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, CompareScreen))


@pytest.mark.parametrize("size", [(160, 48), (100, 30)])
async def test_layout_fits(
    gateway: SimulatedGateway, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = make_app(gateway.url, tmp_path)
    async with app.run_test(size=size) as pilot:
        screen = await open_compare(pilot, "Hello there!")
        screen.query_one("#repeat-n", Input).value = "1"
        await pilot.press("ctrl+r")
        await sent_and_done(pilot, screen, 2)
        width, height = size
        for lane in ("a", "b"):
            answer = screen.query_one(f"#lane-answer-{lane}").region
            assert answer.width >= width // 2 - 2 and answer.height >= 8
            header = screen.query_one(f"#lane-header-{lane}").region
            assert header.height == 1 and header.right <= width
        editor = screen.query_one(PromptEditor).region
        assert editor.bottom <= height - 1  # the footer stays
        results = screen.query_one("#repeat-results").region
        assert results.height >= 7 and results.bottom <= editor.y
        strip = screen.query_one(ComparisonStrip)
        if height < 40:  # short: the table replaces the strip until ctrl+o
            assert not strip.display
            await pilot.press("ctrl+o")
            await pilot.pause()
            assert strip.display and strip.region.height >= 4
        else:
            assert strip.display and strip.region.height >= 4
