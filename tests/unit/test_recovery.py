"""The recovery journal: a crash or ``kill -9`` loses neither prompt nor partial answer
(RELIABILITY.md §4.3; §7 F2, F8, F9)."""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from playground.core.request import ChatRequest, Message, Params
from playground.core.run import ErrorInfo, Figures, Run
from playground.core.session import LaneSettings, Session, SessionProfile, new_session
from playground.store.paths import Paths
from playground.store.recovery import (
    CRASH_ERROR,
    JournalError,
    PendingRecovery,
    RecoveryJournal,
    discard,
    journal_path,
    pending,
    recover,
)
from playground.store.sessions import SessionStore


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _session() -> Session:
    profile = SessionProfile("vercel", "https://ai-gateway.vercel.sh/v1", "vercel", "keyring")
    lane = LaneSettings("", "openai/gpt-4.1-mini", params=Params(temperature=0.3))
    session = new_session(profile, lanes=(lane,))
    return dataclasses.replace(session, system="Be terse.", draft="And sunsets?")


def _skeleton(run_id: str, started_at: float = 1.0) -> Run:
    request = ChatRequest("openai/gpt-4.1-mini", (Message("user", f"question {run_id}"),))
    return Run(run_id, request, started_at, "", "", (), None, Figures("running"), lane="A")


def _finished(run_id: str, status: str = "ok", text: str = "done") -> Run:
    figures = Figures(status, ttft_s=0.5, total_s=1.0)  # type: ignore[arg-type]
    return dataclasses.replace(_skeleton(run_id), text=text, figures=figures, finish_reason="stop")


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return Paths.under(tmp_path / "app")


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_f8_journal_is_private(paths: Paths) -> None:
    with RecoveryJournal(paths, "s1") as journal:
        journal.record_session(_session())
    assert stat.S_IMODE(journal.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(journal.path.parent.stat().st_mode) == 0o700
    assert journal.path == paths.recovery / "s1.jsonl"


def test_partial_text_is_written_about_once_a_second_as_deltas(paths: Paths) -> None:
    clock = Clock()
    journal = RecoveryJournal(paths, "s1", clock=clock)
    journal.record_session(_session())
    journal.start_run(_skeleton("r1"))
    clock.now += 0.3
    assert not journal.progress("r1", "Hel")  # too soon
    clock.now += 0.8
    assert journal.progress("r1", "Hello wor", "think")
    clock.now += 0.5
    assert not journal.progress("r1", "Hello world")
    assert journal.progress("r1", "Hello world!", "think more", force=True)
    assert not journal.progress("r1", "Hello world!", "think more", force=True)  # nothing new
    text_lines = [line for line in _lines(journal.path) if line["t"] == "text"]
    assert [(t["offset"], t["text"]) for t in text_lines] == [(0, "Hello wor"), (9, "ld!")]
    assert [t.get("reasoning") for t in text_lines] == ["think", " more"]
    journal.close()


def test_recover_rebuilds_prompt_settings_and_partial_output(paths: Paths) -> None:
    clock = Clock()
    session = _session()
    journal = RecoveryJournal(paths, session.id, clock=clock)
    journal.record_session(session)
    journal.start_run(_skeleton("r1", 1.0))
    journal.finish_run(_finished("r1"))
    cut = dataclasses.replace(
        _finished("r2", "interrupted", "Half"), error=ErrorInfo("stream", "Lost.")
    )
    journal.start_run(_skeleton("r2", 2.0))
    journal.finish_run(cut)
    journal.start_run(_skeleton("r3", 3.0))
    clock.now += 2
    journal.progress("r3", "The sky is blu", "Let me think")
    journal.close()  # the process dies here: no finish_run for r3

    restored = recover(paths, session.id)
    assert (restored.id, restored.system, restored.draft) == (
        session.id,
        "Be terse.",
        "And sunsets?",
    )
    assert restored.lanes == session.lanes and restored.profile == session.profile
    first, second, third = restored.runs
    assert first == _finished("r1")
    assert second == cut
    assert (third.text, third.reasoning, third.status) == (
        "The sky is blu",
        "Let me think",
        "interrupted",
    )
    assert third.error == CRASH_ERROR
    assert third.request == _skeleton("r3").request


def test_pending_lists_crashed_work_with_a_summary(paths: Paths) -> None:
    clock = Clock()
    journal = RecoveryJournal(paths, "abc", clock=clock)
    journal.record_session(_session())
    for run_id in ("r1", "r2"):
        journal.start_run(_skeleton(run_id))
        journal.finish_run(_finished(run_id))
    journal.start_run(_skeleton("r3"))
    clock.now += 5
    journal.progress("r3", "partial")
    assert pending(paths) == []  # still in use: not offered to another instance
    journal.close()
    [found] = pending(paths)
    assert (found.session_id, found.runs, found.interrupted) == ("abc", 3, 1)
    stamp = datetime.fromtimestamp(found.modified).strftime("%H:%M")
    assert found.summary == f"Recovered unsaved work from {stamp} (3 runs, 1 interrupted)"


def test_summary_wording() -> None:
    old = datetime(2026, 1, 2, 14, 2).timestamp()
    assert (
        PendingRecovery("x", Path("x"), old, 1, 0, False).summary
        == "Recovered unsaved work from 2026-01-02 14:02 (1 run)"
    )
    assert "(an unsent prompt)" in PendingRecovery("x", Path("x"), old, 0, 0, True).summary


def test_empty_journals_are_not_offered(paths: Paths) -> None:
    session = dataclasses.replace(_session(), draft="")
    with RecoveryJournal(paths, "empty") as journal:
        journal.record_session(session)
    assert pending(paths) == []
    with RecoveryJournal(paths, "draft") as journal:
        journal.record_session(_session())
    assert [p.session_id for p in pending(paths)] == ["draft"]


def test_a_torn_last_line_is_ignored(paths: Paths) -> None:
    with RecoveryJournal(paths, "s1") as journal:
        journal.record_session(_session())
        journal.start_run(_skeleton("r1"))
        journal.finish_run(_finished("r1"))
    with journal.path.open("ab") as handle:
        handle.write(b'{"t": "run", "at": "2026-11-27T14:02:00+00:00", "run": {"id": "r2", "requ')
    restored = recover(paths, "s1")
    assert [r.id for r in restored.runs] == ["r1"]
    assert pending(paths)[0].runs == 1


def test_continuing_a_journal_after_a_crash_repairs_it(paths: Paths) -> None:
    clock = Clock()
    journal = RecoveryJournal(paths, "s1", clock=clock)
    journal.record_session(_session())
    journal.start_run(_skeleton("r1"))
    clock.now += 2
    journal.progress("r1", "cut sho")
    journal.close()
    with journal.path.open("ab") as handle:
        handle.write(b'{"t": "te')  # torn
    again = RecoveryJournal(paths, "s1", clock=clock)
    again.start_run(_skeleton("r2", 2.0))
    again.finish_run(_finished("r2"))
    again.close()
    assert all(line.strip() for line in again.path.read_text().splitlines())
    restored = recover(paths, "s1")
    assert [(r.id, r.status, r.text) for r in restored.runs] == [
        ("r1", "interrupted", "cut sho"),
        ("r2", "ok", "done"),
    ]


def test_compaction_keeps_the_same_content_in_fewer_lines(paths: Paths) -> None:
    clock = Clock()
    journal = RecoveryJournal(paths, "s1", clock=clock, compact_every=10_000)
    for _ in range(5):
        journal.record_session(_session())
    journal.start_run(_skeleton("r1"))
    text = ""
    for i in range(50):
        text += f"word{i} "
        clock.now += 1.5
        journal.progress("r1", text)
    journal.start_run(_skeleton("r0"))
    journal.finish_run(_finished("r0"))
    before = recover(paths, "s1")
    lines_before = len(journal.path.read_text().splitlines())
    assert journal.compact()
    assert len(journal.path.read_text().splitlines()) == 4  # session, r0, start r1, text r1
    assert lines_before > 50
    assert recover(paths, "s1") == before
    clock.now += 2
    journal.progress("r1", text + "more")  # appending goes on after a compaction
    journal.close()
    runs = {r.id: r for r in recover(paths, "s1").runs}
    assert runs["r1"].text == text + "more" and runs["r0"].text == "done"


def test_automatic_compaction(paths: Paths) -> None:
    clock = Clock()
    with RecoveryJournal(paths, "s1", clock=clock, compact_every=20) as journal:
        journal.record_session(_session())
        journal.start_run(_skeleton("r1"))
        for i in range(100):
            clock.now += 1.1
            journal.progress("r1", "x" * (i + 1))
        assert len(journal.path.read_text().splitlines()) < 25
    assert recover(paths, "s1").runs[0].text == "x" * 100


def test_discard_after_save_and_runs_saved_before_come_back(paths: Paths, tmp_path: Path) -> None:
    store = SessionStore(paths)
    session = _session().with_run(_finished("saved-1"))
    file = tmp_path / "s.session.json"
    session = store.save(session, file)
    journal = RecoveryJournal(paths, session.id)
    journal.record_session(session)
    journal.discard()  # an explicit save: nothing left to recover
    assert not journal.path.exists()
    journal.record_session(session, saved_to=file)
    journal.start_run(_skeleton("new-1", 5.0))
    journal.finish_run(_finished("new-1"))
    journal.close()
    restored = recover(paths, session.id)
    assert [r.id for r in restored.runs] == ["saved-1", "new-1"]
    discard(paths, session.id)
    assert pending(paths) == []


def test_f2_a_full_disk_does_not_break_the_session(
    paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = RecoveryJournal(paths, "s1")
    assert journal.record_session(_session())

    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("playground.store.recovery.os.write", full)
    assert not journal.finish_run(_finished("r1"))
    assert journal.last_error == "Couldn't write the recovery journal: No space left on device."
    monkeypatch.undo()
    assert journal.finish_run(_finished("r1"))
    assert journal.last_error is None
    journal.close()
    assert [r.id for r in recover(paths, "s1").runs] == ["r1"]


def test_ids_cannot_name_other_files(paths: Paths) -> None:
    for bad in ("../x", "a/b", "", "x" * 65, "a.b", "abc\n"):
        with pytest.raises(ValueError):
            journal_path(paths, bad)
    with pytest.raises(JournalError):
        recover(paths, "missing")


CHILD = textwrap.dedent(
    """
    import sys, time, dataclasses
    from pathlib import Path
    from playground.core.request import ChatRequest, Message
    from playground.core.run import Figures, Run
    from playground.core.session import LaneSettings, SessionProfile, new_session
    from playground.store.paths import Paths
    from playground.store.recovery import RecoveryJournal

    paths = Paths.under(Path(sys.argv[1]))
    profile = SessionProfile("vercel", "https://ai-gateway.vercel.sh/v1", "vercel")
    session = new_session(profile, lanes=(LaneSettings("", "openai/gpt-4.1-mini"),))
    session = dataclasses.replace(session, draft="my next question", system="Be kind.")
    journal = RecoveryJournal(paths, session.id, interval_s=0.05)
    journal.record_session(session)
    request = ChatRequest("openai/gpt-4.1-mini", (Message("user", "Tell me a story"),))
    journal.start_run(Run("r1", request, time.time(), "", "", (), None, Figures("running")))
    text = ""
    for i in range(100000):
        text += f"w{i} "
        if journal.progress("r1", text) and i > 50:
            print(session.id, flush=True)
        time.sleep(0.002)
    """
)


def test_f9_kill_9_mid_stream_offers_prompt_settings_and_partial_answer(paths: Paths) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(paths.state.parent)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    session_id = child.stdout.readline().strip()
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    child.stdout.close()
    [found] = pending(paths)
    assert found.session_id == session_id
    assert (found.runs, found.interrupted) == (1, 1)
    restored = recover(paths, session_id)
    assert (restored.draft, restored.system) == ("my next question", "Be kind.")
    [run] = restored.runs
    assert run.status == "interrupted" and run.error == CRASH_ERROR
    assert run.request.messages[0].text == "Tell me a story"
    words = run.text.split()
    assert len(words) > 50
    assert words == [f"w{i}" for i in range(len(words))]  # a prefix of what streamed, intact
