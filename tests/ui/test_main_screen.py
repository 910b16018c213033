"""The playground screen, driven with Pilot against the simulated gateway over loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from textual.widgets import OptionList, Static

from playground.core import format as fmt
from playground.sim.server import SimulatedGateway
from playground.ui.app import PlaygroundApp
from playground.ui.widgets.answer_view import AnswerView
from playground.ui.widgets.conversation import AnswerTurn, Conversation, ErrorCard
from playground.ui.widgets.metrics_sidebar import MetricsSidebar
from playground.ui.widgets.provider_list import ProviderList
from playground.ui.widgets.top_bar import TopBar

from support.apps import finished, make_app, ready, send, wait_for


@pytest.fixture
async def gateway() -> AsyncIterator[SimulatedGateway]:
    async with SimulatedGateway(seed=7, time_scale=0.02) as gw:
        yield gw


def _text(widget: Static) -> str:
    return str(widget.render())


async def test_pick_model_and_provider_by_keyboard_then_send(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    app = make_app(gateway.url, tmp_path, model=None)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await ready(pilot)
        await pilot.press("ctrl+l")
        await pilot.press(*"gpt-4.1-mini")
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.model_id == "openai/gpt-4.1-mini")
        providers = screen.query_one(ProviderList)
        await wait_for(pilot, lambda: providers.endpoints)
        options = providers.query_one(OptionList)
        options.focus()
        await pilot.pause()
        endpoints = providers.endpoints or ()
        azure_row = 1 + [e.provider for e in endpoints].index("azure")  # row 0 is "auto"
        for _ in range(options.option_count):
            if options.highlighted == azure_row:
                break
            await pilot.press("down")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.provider == "azure")
        assert "azure" in _text(screen.query_one(TopBar).query_one("#top-target", Static))

        await send(pilot, "Why is the sky blue?")
        await finished(pilot, 1)
        assert app.state is not None
        [run] = app.state.runs
        assert run.status == "ok"
        assert run.request.routing.only == ("azure",)
        assert run.figures.served_by == "azure"
        assert gateway.records[-1].provider == "azure"


async def test_sidebar_shows_exactly_the_runs_figures(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    app = make_app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await ready(pilot)
        await send(pilot, "Why is the sky blue?")
        await finished(pilot, 1)
        assert app.state is not None
        run = app.state.runs[-1]
        figures = _text(screen.query_one(MetricsSidebar).query_one("#metrics-figures", Static))
        turn = screen.query_one(Conversation).last_answer
        assert turn is not None and turn.answer.text == run.text
        assert "Rayleigh" in run.text
    f = run.figures
    for shown in (
        fmt.seconds(f.ttft_s),
        fmt.rate(f.decode_rate),
        fmt.tokens(f.tokens.output),
        fmt.usd(f.cost),
        fmt.seconds(f.total_s),
        "openai",
    ):
        assert shown in figures, shown


async def test_escape_stops_the_stream_and_keeps_the_partial_answer(tmp_path: Path) -> None:
    async with SimulatedGateway(seed=7, time_scale=1.0) as gw:
        app = make_app(gw.url, tmp_path)
        async with app.run_test(size=(160, 48)) as pilot:
            screen = await ready(pilot)
            await send(pilot, "Write a long essay about the sea.")
            conversation = screen.query_one(Conversation)

            def streamed_text() -> str:
                turn = conversation.last_answer
                return turn.answer.text if turn is not None else ""

            await wait_for(pilot, streamed_text)
            await pilot.press("escape")
            await finished(pilot, 1)
            assert app.state is not None
            [run] = app.state.runs
            assert run.status == "stopped"
            assert run.text and run.text == streamed_text()
            turn = conversation.last_answer
            assert turn is not None
            card = turn.query_one(ErrorCard)
            assert "Stopped" in _text(card)
            # The server saw the connection close before the answer was complete.
            await wait_for(pilot, lambda: gw.records[-1].disconnected)


async def test_second_turn_carries_the_conversation(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    app = make_app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await send(pilot, "Why is the sky blue?")
        await finished(pilot, 1)
        await send(pilot, "And why are sunsets red?")
        await finished(pilot, 2)
        assert app.state is not None
        first, second = app.state.runs
        roles = [m.role for m in second.request.messages]
        assert roles == ["user", "assistant", "user"]
        assert second.request.messages[1].text == first.text
        assert len(app.screen.query(AnswerTurn)) == 2


async def test_rate_limit_then_mid_stream_error_shows_countdown_then_keeps_partial(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    app = make_app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await ready(pilot)
        await send(pilot, "/sim 429 retry-after=1, then 500-mid after=20\nWhy is the sky blue?")
        sidebar = screen.query_one(MetricsSidebar).query_one("#metrics-figures", Static)
        await wait_for(pilot, lambda: "retrying in" in _text(sidebar), seconds=10)
        await finished(pilot, 1)
        assert app.state is not None
        [run] = app.state.runs
        assert run.status == "interrupted"
        assert run.figures.retries == 1
        assert run.text  # the partial answer is kept
        turn = screen.query_one(Conversation).last_answer
        assert turn is not None and turn.answer.text == run.text
        card = _text(turn.query_one(ErrorCard))
        assert "interrupted" in card and "ctrl+r" in card


async def test_retry_as_a_new_run(gateway: SimulatedGateway, tmp_path: Path) -> None:
    app = make_app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await send(pilot, "/sim 503 body=html\nhello")
        await finished(pilot, 1)
        assert app.state is not None and app.state.runs[-1].status == "error"
        gateway_requests = len(gateway.records)
        await pilot.press("ctrl+r")
        await finished(pilot, 2)
        assert len(gateway.records) > gateway_requests
        assert app.state.runs[-1].request == app.state.runs[0].request


async def test_copy_answer_puts_the_raw_text_on_the_clipboard(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    app = make_app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await send(pilot, "Why is the sky blue?")
        await finished(pilot, 1)
        await pilot.press("f2")
        await pilot.pause()
        assert app.state is not None
        assert app.clipboard == app.state.runs[-1].text


async def test_command_palette_runs_an_action(gateway: SimulatedGateway, tmp_path: Path) -> None:
    app = make_app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await ready(pilot)
        await send(pilot, "Why is the sky blue?")
        await finished(pilot, 1)
        assert screen.query(AnswerTurn)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"New conversation")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: not screen.query(AnswerTurn))
        assert app.state is not None and app.state.messages == ()
        assert len(app.state.runs) == 1  # the run stays in the session


async def test_hostile_answer_is_shown_literally_and_clicking_it_does_nothing(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    hostile = (
        "Click [@click=app.quit]here[/] or [ @click=app.quit]here[/] [link=x]y[/link] [/] "
        "[bold \x1b]52;c;cHduZWQ=\x07 \x1b[2J \x9b31m \u202eevil"
    )
    app = make_app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await ready(pilot)
        await send(pilot, f"/sim echo\n{hostile}")
        await finished(pilot, 1)
        turn = screen.query_one(Conversation).last_answer
        assert turn is not None
        view = turn.answer
        assert view.text == hostile  # the raw text is kept for copying
        shown = "\n".join(
            "".join(segment.text for segment in line) for line in view.rendered_lines()
        )
        assert "[@click=app.quit]here[/]" in shown
        assert not any(c in shown for c in "\x1b\x9b\x07\u202e")
        for offset in range(0, 40, 3):
            await pilot.click(AnswerView, offset=(offset, 0))
            await pilot.click(AnswerView, offset=(offset, 1))
        await pilot.pause()
        assert app.is_running
        assert isinstance(app, PlaygroundApp)
