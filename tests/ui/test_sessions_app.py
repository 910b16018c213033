"""Sessions in the app, driven with Pilot against the simulated gateway: save, open (also as
``playground FILE``), export, quit, and the F4, F5 and K7 cases of RELIABILITY.md §7."""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from textual.pilot import Pilot
from textual.widgets import Input, Static

from playground.core.request import Tool
from playground.core.session import Session
from playground.services import StartOptions
from playground.sim.server import SimulatedGateway
from playground.store.paths import Paths
from playground.store.sessions import SessionStore, session_bytes
from playground.ui.app import LaunchOptions, PlaygroundApp
from playground.ui.screens.choice import ChoiceScreen
from playground.ui.screens.confirm import ConfirmScreen
from playground.ui.screens.key import KeyScreen
from playground.ui.screens.session_files import OpenSessionScreen, PathScreen
from playground.ui.widgets.conversation import AnswerTurn, Conversation
from playground.ui.widgets.metrics_sidebar import MetricsSidebar
from playground.ui.widgets.prompt_editor import PromptEditor

from support.apps import finished, ready, send, wait_for
from support.session_apps import record_notifications, screen_of, until


@pytest.fixture
async def gateway() -> AsyncIterator[SimulatedGateway]:
    async with SimulatedGateway(seed=11, time_scale=0) as gw:
        yield gw


def sim_app(
    url: str, home: Path, *, session_file: Path | None = None, **start: Any
) -> PlaygroundApp:
    return PlaygroundApp(
        LaunchOptions(
            start=StartOptions(simulator_url=url, use_keyring=False, **start),
            model="openai/gpt-4.1-mini",
            paths=Paths.under(home / "playground"),
            session_file=str(session_file) if session_file else None,
        )
    )


def _text(widget: Static) -> str:
    return str(widget.render())


def _read(path: Path) -> str:
    return path.read_text()


async def _save_as(pilot: Pilot[Any], path: Path, *, key: str = "ctrl+s") -> None:
    await pilot.press(key)
    screen = await screen_of(pilot, PathScreen)
    screen.query_one("#path-input", Input).value = str(path)
    await pilot.press("enter")


async def _answer_and_save(pilot: Pilot[Any], path: Path) -> None:
    """Once the app is up: one answered run, saved to `path` (a new file), and saved."""
    app = pilot.app
    assert isinstance(app, PlaygroundApp)
    await ready(pilot)
    await send(pilot, "Why is the sky blue?")
    await finished(pilot, 1)
    await _save_as(pilot, path)
    await until(pilot, lambda: app.state is not None and not app.state.dirty)


async def _opened(pilot: Pilot[Any], runs: int) -> None:
    """Wait until a session of `runs` runs is installed and all its turns are on screen."""
    app = pilot.app
    assert isinstance(app, PlaygroundApp)
    conversation = app.screen_main.query_one(Conversation)
    await wait_for(
        pilot,
        lambda: (
            app.state is not None
            and len(app.state.runs) == runs
            and len(conversation.query(AnswerTurn)) == runs
        ),
    )
    await pilot.pause()


async def _record_compare_and_repeat(app: PlaygroundApp) -> None:
    """Runs as compare mode and repeat mode make them: lanes A and B sharing a group, and a
    repeat series (a warm-up, then numbered runs), streamed through the services."""
    services, state = app.services, app.state
    assert services is not None and state is not None
    compare = "cmp_" + uuid.uuid4().hex[:8]
    for lane, provider in (("A", "openai"), ("B", "azure")):
        request = state.request("Compare: why is the sky blue?", model="openai/gpt-4.1-mini",
                                provider=provider)  # fmt: skip
        run = await services.new_run(request, lane=lane, group=compare).execute()
        state.record(run, conversation=False)
    series = "rep_" + uuid.uuid4().hex[:8]
    request = state.request("Repeat: hello", model="openai/gpt-4.1-nano")
    for index, warmup in ((0, True), (0, False), (1, False)):
        run = await services.new_run(
            request, group=series, repeat_index=index, warmup=warmup
        ).execute()
        state.record(run, conversation=False)


async def test_round_trip_single_compare_repeat_and_interrupted_runs(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    target = tmp_path / "work" / "round trip.session.json"
    target.parent.mkdir()
    app = sim_app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await send(pilot, "Why is the sky blue?")
        await finished(pilot, 1)
        await _record_compare_and_repeat(app)
        assert app.state is not None
        app.state.set_tools((Tool("get_time", "The current time in a city."),), "auto")
        await send(pilot, "/sim 500-mid after=20\nAnd sunsets?")
        await finished(pilot, 7)
        assert app.state is not None
        statuses = [r.status for r in app.state.runs]
        assert statuses[-1] == "interrupted" and app.state.runs[-1].text
        await _save_as(pilot, target)
        await until(pilot, lambda: app.state is not None and not app.state.dirty)
        saved: Session = app.state.session
        assert app.sessions.path == target
    assert len(saved.runs) == 7
    assert {r.lane for r in saved.runs} == {"", "A", "B"}
    assert [r.repeat_index for r in saved.runs if r.group.startswith("rep_")] == [0, 0, 1]
    assert target.stat().st_mode & 0o777 == 0o600

    again = sim_app(gateway.url, tmp_path, session_file=target)
    async with again.run_test(size=(160, 48)) as pilot:
        await _opened(pilot, 7)
        assert again.state is not None
        loaded = again.state.session
        assert loaded.runs == saved.runs  # every run, exactly
        assert loaded.messages == saved.messages and loaded.lanes == saved.lanes
        assert not again.state.dirty
        screen = again.screen_main
        turns = screen.query_one(Conversation).query(AnswerTurn)
        assert [t.run_id for t in turns] == [r.id for r in saved.runs]
        await wait_for(pilot, lambda: all(t.answer.is_finished for t in turns))
        for turn, run in zip(turns, saved.runs, strict=True):
            assert turn.run == run
            assert turn.answer.text == run.text
        totals = _text(screen.query_one(MetricsSidebar).query_one("#metrics-totals", Static))
        assert "7" in totals and "1 failed" in totals
        assert screen.model_id == saved.lanes[0].model
        assert [t.name for t in screen.tool_flow.settings.tools] == ["get_time"]

        await pilot.press("ctrl+p")
        await pilot.press(*"Export to Markdown")
        await pilot.pause(0.3)
        await pilot.press("enter")
        path_screen = await screen_of(pilot, PathScreen)
        proposed = Path(path_screen.query_one("#path-input", Input).value)
        assert proposed == tmp_path / "work" / "round trip.md"
        await pilot.press("enter")
        await until(pilot, lambda: proposed.exists())
    text = _read(proposed)
    front = yaml.safe_load(text.split("---\n")[1])
    assert [r["id"] for r in front["runs"]] == [r.id for r in saved.runs]
    assert [r["status"] for r in front["runs"]] == [r.status for r in saved.runs]
    for run in saved.runs:
        assert run.text.splitlines()[0] in text


async def test_save_goes_to_the_same_file_and_quit_asks_about_unsaved_runs(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    target = tmp_path / "s.session.json"
    app = sim_app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await _answer_and_save(pilot, target)
        await send(pilot, "And sunsets?")
        await finished(pilot, 2)
        await pilot.press("ctrl+s")  # the second save does not ask where
        await until(pilot, lambda: app.state is not None and not app.state.dirty)
        assert len(SessionStore(Paths.under(tmp_path / "x")).load(target).runs) == 2

        await send(pilot, "One more")
        await finished(pilot, 3)
        await pilot.press("ctrl+q")
        choice = await screen_of(pilot, ChoiceScreen)
        assert "unsaved runs" in _text(choice.query_one("#choice-question", Static))
        await pilot.press("escape")  # Cancel: nothing happens
        await until(pilot, lambda: not isinstance(app.screen, ChoiceScreen))
        assert app.is_running
        await pilot.press("ctrl+q")
        await screen_of(pilot, ChoiceScreen)
        await pilot.click("#choice-save")
        await until(pilot, lambda: not app.is_running)
    assert len(SessionStore(Paths.under(tmp_path / "x")).load(target).runs) == 3
    assert not list((tmp_path / "playground" / "state" / "recovery").glob("*.jsonl"))


async def test_quit_with_autosave_saves_without_asking(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    config = tmp_path / "playground" / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[sessions]\nautosave = true\n")
    app = sim_app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await send(pilot, "Why is the sky blue?")
        await finished(pilot, 1)
        await pilot.press("ctrl+q")
        path_screen = await screen_of(pilot, PathScreen)  # the first save still asks where
        target = Path(path_screen.query_one("#path-input", Input).value)
        await pilot.press("enter")
        await until(pilot, lambda: not app.is_running)
    assert target.parent == tmp_path / "playground" / "data" / "sessions"
    assert len(SessionStore(Paths.under(tmp_path / "x")).load(target).runs) == 1


async def test_f4_a_corrupt_file_is_reported_with_line_and_column_and_left_untouched(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.session.json"
    bad.write_text('{\n  "format": "gateway-playground-session",\n  "schema_version": 2,\n}\n')
    before = bad.read_bytes()
    app = sim_app(gateway.url, tmp_path, session_file=bad)
    notes = record_notifications(app)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await until(pilot, lambda: any("bad.session.json" in n for n in notes))
        await send(pilot, "still usable")
        await finished(pilot, 1)
        await pilot.press("ctrl+s")
        path_screen = await screen_of(pilot, PathScreen)
        assert Path(path_screen.query_one("#path-input", Input).value) != bad
        await pilot.press("escape")
    message = next(n for n in notes if "bad.session.json" in n)
    assert "line 4, column 1" in message and "left untouched" in message
    assert bad.read_bytes() == before


async def test_f4_a_backup_beside_a_corrupt_file_is_offered(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    store = SessionStore(Paths.under(tmp_path / "x"))
    good = tmp_path / "good.session.json"
    app = sim_app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await _answer_and_save(pilot, good)
    shutil.copy(good, tmp_path / "good.session.json.v1.bak")
    good.write_text("{ not json")
    app = sim_app(gateway.url, tmp_path, session_file=good)
    async with app.run_test(size=(160, 48)) as pilot:
        confirm = await screen_of(pilot, ConfirmScreen)
        assert ".v1.bak" in _text(confirm.query_one("#question", Static))
        await pilot.click("#yes")
        await _opened(pilot, 1)
    assert good.read_text() == "{ not json"
    assert store.load(tmp_path / "good.session.json.v1.bak").runs


async def test_f5_a_newer_schema_opens_read_only_and_is_never_written(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    source = tmp_path / "made.session.json"
    app = sim_app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await _answer_and_save(pilot, source)
    doc = json.loads(source.read_text())
    doc["schema_version"] = 9
    doc["from_the_future"] = {"kept": True}
    newer = tmp_path / "newer.session.json"
    newer.write_text(json.dumps(doc, indent=2))
    before = newer.read_bytes()

    app = sim_app(gateway.url, tmp_path, session_file=newer)
    notes = record_notifications(app)
    async with app.run_test(size=(160, 48)) as pilot:
        await _opened(pilot, 1)
        assert app.state is not None and app.state.session.read_only
        await until(pilot, lambda: any("read-only" in n for n in notes))
        assert any("schema 9" in n for n in notes)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: any("can't be saved" in n for n in notes))
        assert not isinstance(app.screen, PathScreen)
    assert newer.read_bytes() == before


async def test_k7_a_session_from_another_host_asks_and_no_keeps_the_gateway(
    gateway: SimulatedGateway, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AI_GATEWAY_API_KEY", "sk-env-key-should-stay-home-0000")
    foreign = await _foreign_session(gateway, tmp_path, "https://gateway.attacker.example/v1")
    app = sim_app(gateway.url, tmp_path, session_file=foreign)
    async with app.run_test(size=(160, 48)) as pilot:
        confirm = await screen_of(pilot, ConfirmScreen)
        question = _text(confirm.query_one("#question", Static))
        assert "gateway.attacker.example" in question
        assert "No key is sent before you confirm" in question
        await pilot.click("#no")
        await _opened(pilot, 1)
        assert app.services is not None and app.services.profile.is_simulated
        await send(pilot, "Where does this go?")
        await finished(pilot, 2)
        assert gateway.records[-1].path.endswith("/chat/completions")
        assert app.state is not None and app.state.session.profile.name == "simulated"


async def test_k7_k8_switching_to_a_plain_http_host_never_sends_the_key(
    gateway: SimulatedGateway, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "playground" / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(
        '[profiles.lan]\nkind = "openai"\nbase_url = "http://10.1.2.3:8000/v1"\n'
        'key_env = ["LAN_KEY"]\n'
    )
    monkeypatch.setenv("LAN_KEY", "sk-lan-key-never-over-plain-http-0")
    foreign = await _foreign_session(gateway, tmp_path, "http://10.1.2.3:8000/v1")
    app = sim_app(gateway.url, tmp_path, session_file=foreign)
    async with app.run_test(size=(160, 48)) as pilot:
        confirm = await screen_of(pilot, ConfirmScreen)
        assert "unencrypted" in _text(confirm.query_one("#question", Static))
        await pilot.click("#yes")
        await _opened(pilot, 1)
        assert app.services is not None and app.services.profile.name == "lan"
        assert app.services.key is not None and app.services.key.found
        await send(pilot, "hello")
        await finished(pilot, 2)
        assert app.state is not None
        error = app.state.runs[-1].error
        assert error is not None and error.kind == "insecure"
        assert "unencrypted" in error.message


async def test_k7_yes_without_a_key_for_that_host_sends_nothing(
    gateway: SimulatedGateway, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AI_GATEWAY_API_KEY", "sk-env-key-should-stay-home-0000")
    foreign = await _foreign_session(gateway, tmp_path, "https://gateway.attacker.example/v1")
    app = sim_app(gateway.url, tmp_path, session_file=foreign)
    async with app.run_test(size=(160, 48)) as pilot:
        await screen_of(pilot, ConfirmScreen)
        await pilot.click("#yes")
        await _opened(pilot, 1)
        assert app.services is not None
        assert app.services.profile.host == "gateway.attacker.example"
        assert app.services.key is None or not app.services.key.found  # the env key stays home
        await send(pilot, "hello")
        await screen_of(pilot, KeyScreen)  # it asks for a key for that host instead
        assert app.state is not None and len(app.state.runs) == 1


async def _foreign_session(gateway: SimulatedGateway, home: Path, base_url: str) -> Path:
    """A session made here, edited to claim another gateway (as a shared file could)."""
    made = home / "made.session.json"
    app = sim_app(gateway.url, home)
    async with app.run_test(size=(160, 48)) as pilot:
        await _answer_and_save(pilot, made)
    doc = json.loads(made.read_text())
    doc["profile"] = {"name": "vercel", "base_url": base_url, "kind": "vercel"}
    foreign = home / "shared.session.json"
    foreign.write_text(json.dumps(doc))
    return foreign


async def test_open_dialog_lists_recent_sessions(gateway: SimulatedGateway, tmp_path: Path) -> None:
    first = tmp_path / "first.session.json"
    app = sim_app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await _answer_and_save(pilot, first)
        await pilot.press("ctrl+n")  # a new conversation; the session keeps its run
        before = app.state
        await pilot.press("ctrl+o")
        dialog = await screen_of(pilot, OpenSessionScreen)
        recent = dialog.query_one("#recent")
        recent.focus()
        await pilot.press("enter")
        await screen_of(pilot, ChoiceScreen)  # the new conversation is an unsaved change
        await pilot.click("#choice-discard")
        conversation = app.screen_main.query_one(Conversation)
        await until(pilot, lambda: app.state is not before and conversation.query(AnswerTurn))
        assert app.sessions.path == first
        assert len(conversation.query(AnswerTurn)) == 1
        assert "Why is the sky blue?" not in app.screen_main.query_one(PromptEditor).message


def test_the_saved_file_holds_no_key_field(tmp_path: Path) -> None:
    from playground.core.session import SessionProfile, new_session

    session = new_session(SessionProfile("vercel", "https://ai-gateway.vercel.sh/v1", "vercel",
                                         "env:AI_GATEWAY_API_KEY"))  # fmt: skip
    doc = json.loads(session_bytes(session))
    assert doc["profile"]["key_ref"] == "env:AI_GATEWAY_API_KEY"
    assert "key" not in doc["profile"] and "api_key" not in json.dumps(doc)


async def test_f2_a_failed_save_says_why_and_loses_nothing(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    app = sim_app(gateway.url, tmp_path)
    notes = record_notifications(app)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await send(pilot, "Why is the sky blue?")
        await finished(pilot, 1)
        await _save_as(pilot, blocker / "s.session.json")
        await until(pilot, lambda: any("Couldn't save" in n for n in notes))
        assert app.state is not None and app.state.dirty and len(app.state.runs) == 1
        assert app.sessions.path is None
        journal = app.sessions.journal
        assert journal is not None and journal.flush() and journal.path is not None
        assert journal.path.exists()  # the recovery journal still holds the run
        good = tmp_path / "s.session.json"
        await _save_as(pilot, good)  # saving again, elsewhere, works
        await until(pilot, lambda: app.state is not None and not app.state.dirty)
    message = next(n for n in notes if "Couldn't save" in n)
    assert "not-a-folder" in message and "nothing was lost" in message


async def test_playground_with_a_new_file_name_saves_there(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    target = tmp_path / "fresh.session.json"
    app = sim_app(gateway.url, tmp_path, session_file=target)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await send(pilot, "Why is the sky blue?")
        await finished(pilot, 1)
        await pilot.press("ctrl+s")  # no dialog: the file was named on the command line
        await until(pilot, lambda: target.exists())
        assert not isinstance(app.screen, PathScreen)
