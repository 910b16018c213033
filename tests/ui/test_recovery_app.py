"""What a crash left behind is offered at the next start: Restore rebuilds the session on
screen, Discard deletes it, Later keeps it (RELIABILITY.md §4.3, F9). Also the X3 warning."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from textual.widgets import Static, TextArea

from playground.core.request import ChatRequest, Message, Params
from playground.core.run import Figures, Run
from playground.core.session import LaneSettings, SessionProfile, new_session
from playground.services import StartOptions
from playground.sim.server import SimulatedGateway
from playground.store.paths import Paths
from playground.store.recovery import RecoveryJournal, journal_path
from playground.ui.app import LaunchOptions, PlaygroundApp
from playground.ui.screens.choice import ChoiceScreen
from playground.ui.widgets.conversation import AnswerTurn, Conversation
from playground.ui.widgets.top_bar import TopBar

from support.apps import finished, ready, send
from support.session_apps import record_notifications, screen_of, until

PARTIAL = "The sea covers seventy-one percent of the planet, and"


@pytest.fixture
async def gateway() -> AsyncIterator[SimulatedGateway]:
    async with SimulatedGateway(seed=5, time_scale=0) as gw:
        yield gw


def _app(url: str, home: Path) -> PlaygroundApp:
    return PlaygroundApp(
        LaunchOptions(
            start=StartOptions(simulator_url=url, use_keyring=False),
            model="openai/gpt-4.1-mini",
            paths=Paths.under(home / "playground"),
        )
    )


def _crashed_session(home: Path, url: str) -> str:
    """A journal as a ``kill -9`` mid-stream leaves it: settings, one finished run, and one
    run that started and streamed part of its answer."""
    paths = Paths.under(home / "playground")
    lane = LaneSettings("", "openai/gpt-4.1-nano", params=Params(temperature=0.4))
    session = dataclasses.replace(
        new_session(SessionProfile("simulated", url, "vercel"), lanes=(lane,)),
        system="Answer like a sailor.",
    )
    asked = ChatRequest("openai/gpt-4.1-nano", (Message("user", "Why is the sky blue?"),))
    done = Run("run_a", asked, 1.0, "Because of Rayleigh.", "", (), "stop", Figures("ok"))
    cut = ChatRequest("openai/gpt-4.1-nano", (Message("user", "Tell me about the sea."),))
    skeleton = Run("run_b", cut, 2.0, "", "", (), None, Figures("running"))
    journal = RecoveryJournal(paths, session.id)
    journal.record_session(session)
    journal.start_run(dataclasses.replace(skeleton, id="run_a", request=asked, started_at=1.0))
    journal.finish_run(done)
    journal.start_run(skeleton)
    journal.progress("run_b", PARTIAL, force=True)
    journal.close()
    return session.id


async def test_restore_rebuilds_the_session_on_screen(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    session_id = _crashed_session(tmp_path, gateway.url)
    app = _app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        offer = await screen_of(pilot, ChoiceScreen)
        question = str(offer.query_one("#choice-question", Static).render())
        assert "Recovered unsaved work from" in question and "(2 runs, 1 interrupted)" in question
        await pilot.click("#choice-restore")
        conversation = app.screen_main.query_one(Conversation)
        await until(pilot, lambda: len(conversation.query(AnswerTurn)) == 2)
        assert app.state is not None and app.state.dirty
        assert app.state.session.id == session_id
        first, cut = app.state.runs
        assert first.text == "Because of Rayleigh." and first.status == "ok"
        assert cut.status == "interrupted" and cut.text == PARTIAL
        turn = conversation.query(AnswerTurn).last()
        await until(pilot, lambda: turn.answer.is_finished)
        assert turn.answer.text == PARTIAL
        screen = app.screen_main
        assert screen.model_id == "openai/gpt-4.1-nano"
        assert screen.query_one("#system-prompt", TextArea).text == "Answer like a sailor."
        # The restored session goes on under the same journal.
        await send(pilot, "Go on.")
        await finished(pilot, 3)
        assert app.sessions.journal is not None and app.sessions.journal.flush()
        journal = journal_path(app.services.paths, session_id)  # type: ignore[union-attr]
        assert journal.exists() and "Go on." in journal.read_text()


async def test_discard_deletes_the_journal_and_later_keeps_it(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    session_id = _crashed_session(tmp_path, gateway.url)
    journal = journal_path(Paths.under(tmp_path / "playground"), session_id)
    app = _app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await screen_of(pilot, ChoiceScreen)
        await pilot.click("#choice-later")
        await until(pilot, lambda: not isinstance(app.screen, ChoiceScreen))
        assert app.state is not None and app.state.runs == ()
    assert journal.exists()

    app = _app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await screen_of(pilot, ChoiceScreen)
        await pilot.click("#choice-discard")
        await until(pilot, lambda: not journal.exists())
        await ready(pilot)


async def test_a_clean_quit_leaves_nothing_to_recover_and_a_dirty_exit_does(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    recovery = tmp_path / "playground" / "state" / "recovery"
    app = _app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await send(pilot, "Why is the sky blue?")
        await finished(pilot, 1)
        # the app goes away without its quit action (as a crash would): the journal stays
    assert len(list(recovery.glob("*.jsonl"))) == 1

    app = _app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await screen_of(pilot, ChoiceScreen)
        await pilot.click("#choice-restore")
        await until(pilot, lambda: app.state is not None and len(app.state.runs) == 1)
        await pilot.press("ctrl+q")
        await screen_of(pilot, ChoiceScreen)
        await pilot.click("#choice-discard")
        await until(pilot, lambda: not app.is_running)
    assert list(recovery.glob("*.jsonl")) == []


@pytest.mark.parametrize(
    ("variable", "value", "shown"),
    [
        ("TEXTUAL", "debug,devtools", "devtools logging on"),
        ("TEXTUAL_LOG", "/tmp/t.log", "TEXTUAL_LOG"),
    ],
)
async def test_x3_textual_logging_is_warned_about_in_the_top_bar(
    gateway: SimulatedGateway,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    value: str,
    shown: str,
) -> None:
    app = _app(gateway.url, tmp_path)
    notes = record_notifications(app)
    monkeypatch.setenv(variable, value)  # after the app was built: Textual itself stays quiet
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        badge = app.screen_main.query_one(TopBar).query_one("#top-badge", Static)
        assert shown in str(badge.render())
    assert any("Keys are never logged" in n for n in notes)
