"""The recovery journal wired to runs (`services.journal.SessionJournal`): what a crash leaves
behind is the prompt, the settings and the partial answer (RELIABILITY.md F9)."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from playground.core.events import Finished, Started, StreamEvent, TextDelta
from playground.core.request import ChatRequest, Params
from playground.core.run import RunBuilder
from playground.core.session import LaneSettings, Session, SessionProfile, new_session
from playground.services.journal import SessionJournal
from playground.services.runs import LiveRun
from playground.services.session_state import SessionState
from playground.store.paths import Paths
from playground.store.recovery import journal_path, pending, recover

MS = 1_000_000


class Script:
    """A stream source that yields text deltas 300 ms apart (on a fake clock), and can be told
    to hang before the end, like a gateway cut off by a crash."""

    def __init__(self, chunks: list[str], *, hang_after: int | None = None) -> None:
        self.chunks = chunks
        self.hang_after = hang_after
        self.reached = asyncio.Event()

    async def stream(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        t = 0
        yield Started(t)
        for index, chunk in enumerate(self.chunks):
            t += 300 * MS
            yield TextDelta(t, chunk)
            if self.hang_after is not None and index + 1 == self.hang_after:
                self.reached.set()
                await asyncio.Event().wait()
        yield Finished(t + MS, "stop", True)


def _session() -> Session:
    profile = SessionProfile("vercel", "https://ai-gateway.vercel.sh/v1", "vercel", None)
    session = new_session(profile, lanes=(LaneSettings("", "openai/gpt-4.1-mini"),))
    return dataclasses.replace(session, system="Be brief.")


def _live(state: SessionState, source: Script, journal: SessionJournal, text: str) -> LiveRun:
    request = state.request(text, model="openai/gpt-4.1-mini", params=Params(temperature=0.2))
    builder = RunBuilder(request, run_id=f"run_{len(state.runs)}", started_at=1000.0)
    return LiveRun(source, builder, clock=lambda: 0, observer=journal, progress_interval_s=0.5)


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return Paths.under(tmp_path / "app")


def _journal(paths: Paths, state: SessionState, *, threaded: bool) -> SessionJournal:
    journal = SessionJournal(paths, lambda: state.session, threaded=threaded)
    journal.begin(state.session)
    state._on_change = lambda s: journal.session_changed(s.session)
    return journal


@pytest.mark.parametrize("threaded", [False, True])
async def test_a_run_cut_off_mid_stream_is_recovered_with_prompt_settings_and_partial_text(
    paths: Paths, threaded: bool
) -> None:
    state = SessionState(_session())
    journal = _journal(paths, state, threaded=threaded)
    done = _live(state, Script(["The sky ", "is blue."]), journal, "Why is the sky blue?")
    state.record(await done.execute())

    source = Script(["Sunsets ", "are red ", "because ", "of dust."], hang_after=3)
    live = _live(state, source, journal, "And sunsets?")
    task = asyncio.create_task(live.execute())
    await source.reached.wait()
    assert journal.flush(10)
    # A crash now: nothing else runs (the task is abandoned, not cancelled).
    found = pending(paths)
    assert [p.session_id for p in found] == []  # the live journal is locked by us
    journal_file = journal_path(paths, state.session.id)
    journal.close()  # release the lock as a dead process would
    found = pending(paths)
    assert [(p.runs, p.interrupted) for p in found] == [(2, 1)]

    recovered = recover(paths, state.session.id)
    assert recovered.system == "Be brief."
    assert recovered.lanes == state.session.lanes
    first, cut = recovered.runs
    assert first == state.runs[0]
    assert cut.status == "interrupted"
    assert cut.request.messages[-1].text == "And sunsets?"
    # Progress goes out at most every 0.5 s of stream time: at 0.6 s (two deltas in), not at
    # 0.9 s; the third delta is what a crash at that moment loses.
    assert cut.text == "Sunsets are red "
    assert stat.S_IMODE(journal_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(journal_file.parent.stat().st_mode) == 0o700
    task.cancel()


async def test_the_session_line_comes_before_the_first_run(paths: Paths) -> None:
    state = SessionState(_session())
    journal = _journal(paths, state, threaded=False)
    live = _live(state, Script(["one"], hang_after=1), journal, "hello")
    task = asyncio.create_task(live.execute())
    await asyncio.sleep(0.05)
    journal.close()
    recovered = recover(paths, state.session.id)
    assert recovered.id == state.session.id
    assert [r.request.messages[-1].text for r in recovered.runs] == ["hello"]
    task.cancel()


async def test_saving_deletes_the_journal_and_later_work_points_at_the_saved_file(
    paths: Paths, tmp_path: Path
) -> None:
    from playground.store.sessions import SessionStore

    state = SessionState(_session())
    journal = _journal(paths, state, threaded=True)
    state.record(await _live(state, Script(["a"]), journal, "first").execute())
    assert journal.flush()
    file = journal_path(paths, state.session.id)
    assert file.exists()

    target = tmp_path / "mine.session.json"
    saved = SessionStore(paths).save(state.session, target)
    state.mark_saved(saved)
    journal.saved(saved, target)
    assert journal.flush()
    assert not file.exists()

    state.record(await _live(state, Script(["b"]), journal, "second").execute())
    journal.close()
    recovered = recover(paths, state.session.id)
    assert [r.text for r in recovered.runs] == ["a", "b"]  # the saved run comes from the file


async def test_discard_deletes_and_close_keeps(paths: Paths) -> None:
    state = SessionState(_session())
    journal = _journal(paths, state, threaded=True)
    state.record(await _live(state, Script(["a"]), journal, "first").execute())
    journal.close()
    file = journal_path(paths, state.session.id)
    assert file.exists()

    other = SessionJournal(paths, lambda: state.session, threaded=True)
    other.begin(state.session)
    other.discard()
    other.close()
    assert not file.exists()


async def test_a_journal_that_cannot_be_written_reports_it_and_never_raises(
    paths: Paths,
) -> None:
    paths.state.mkdir(parents=True)
    paths.recovery.write_text("a file where the folder should be")
    state = SessionState(_session())
    journal = _journal(paths, state, threaded=True)
    run = await _live(state, Script(["still ", "works"]), journal, "hi").execute()
    state.record(run)
    assert journal.flush()
    assert run.text == "still works"
    assert journal.last_error is not None and "journal" in journal.last_error
    journal.close()


async def test_a_session_that_is_not_the_journaled_one_is_ignored(paths: Paths) -> None:
    state = SessionState(_session())
    journal = _journal(paths, state, threaded=False)
    journal.session_changed(_session())  # another id: e.g. a late callback of a replaced session
    assert not paths.recovery.exists() or not os.listdir(paths.recovery)
