"""Session files: atomic saves, errors that lose nothing, migrations on disk, the recent
list (RELIABILITY.md §4; §7 F2, F4–F8)."""

from __future__ import annotations

import dataclasses
import errno
import io
import json
import os
import shutil
import stat
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from playground.core.request import ChatRequest, Message
from playground.core.run import ErrorInfo, Figures, Run
from playground.core.session import LaneSettings, Session, SessionProfile, new_session
from playground.store.paths import Paths
from playground.store.sessions import (
    SessionReadError,
    SessionStore,
    SessionTooLarge,
    SessionWriteError,
    SessionWriteRefused,
    export_markdown,
    parse_session,
    session_json,
)

from support.session_strategies import sessions

FIXTURES = Path(__file__).parent / "session_fixtures"
STAMP = "2026-11-27T14:02:00+00:00"


def _run(run_id: str, status: str = "ok", text: str = "An answer.", **changes: Any) -> Run:
    request = ChatRequest("openai/gpt-4.1-mini", (Message("user", "Why is the sky blue?"),))
    figures = Figures(status, ttft_s=0.61, total_s=1.2, cost=Decimal("0.00042"))  # type: ignore[arg-type]
    run = Run(run_id, request, 1790000000.0, text, "", (), "stop", figures)
    return dataclasses.replace(run, **changes)


def _session(*runs: Run) -> Session:
    profile = SessionProfile("vercel", "https://ai-gateway.vercel.sh/v1", "vercel")
    session = new_session(profile, lanes=(LaneSettings("", "openai/gpt-4.1-mini"),))
    return dataclasses.replace(session, runs=runs)


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    return SessionStore(Paths.under(tmp_path / "app"), clock=lambda: STAMP)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_save_and_load_give_back_every_run(store: SessionStore, tmp_path: Path) -> None:
    runs = (
        _run("single"),
        _run("cmp-a", lane="A", group="g1"),
        _run("cmp-b", lane="B", group="g1"),
        _run("rep-0", lane="A", group="g2", repeat_index=0, warmup=True),
        _run("rep-1", lane="A", group="g2", repeat_index=1),
        _run("cut", "interrupted", "Half an ans", error=ErrorInfo("stream", "Connection lost.")),
    )
    path = tmp_path / "work" / "sky.session.json"
    saved = store.save(_session(*runs), path)
    assert saved.saved == STAMP
    loaded = store.load(path)
    assert loaded == saved
    assert loaded.runs == runs
    exported = export_markdown(loaded)
    for index, run in enumerate(runs, 1):
        assert f"## Run {index}: `openai/gpt-4.1-mini` ({run.status})" in exported
        assert f'id: "{run.id}"' in exported


def test_f8_new_files_are_0600_in_0700_folders(store: SessionStore, tmp_path: Path) -> None:
    path = store.default_path(_session())
    store.save(_session(_run("r")), path)
    assert path.parent == store.paths.sessions
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700
    assert _mode(store.paths.recent_file) == 0o600
    assert _mode(store.paths.state) == 0o700
    assert _mode(store.paths.data) == 0o700  # a parent the save created, not only the leaf


def test_f7_a_symlinked_session_keeps_its_link(store: SessionStore, tmp_path: Path) -> None:
    target = tmp_path / "real" / "a.session.json"
    store.save(_session(), target)
    link = tmp_path / "link.session.json"
    link.symlink_to(target)
    store.save(_session(_run("r1")), link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert len(store.load(target).runs) == 1


def test_f4_a_corrupt_file_is_reported_with_line_and_column_and_left_alone(
    store: SessionStore, tmp_path: Path
) -> None:
    good = session_json(_session()).splitlines()
    lines = [*good[:10], '  "title": "x"', '    "runs": []', "}"]
    path = tmp_path / "foo.json"
    path.write_text("\n".join(lines))
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    with pytest.raises(SessionReadError) as caught:
        store.load(path)
    assert str(caught.value) == (
        "Couldn't read session foo.json: line 12, column 5: Expecting ',' delimiter. "
        "The file was left untouched."
    )
    with pytest.raises(SessionWriteRefused, match="couldn't be read as a session"):
        store.save(_session(_run("new")), path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    store.save(_session(_run("new")), path, replace_unreadable=True)  # the user confirmed
    assert len(store.load(path).runs) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe{}", "it is not UTF-8 text (byte 0xff at offset 0)"),
        (b"", "line 1, column 1: Expecting value"),
        (b'{"format": "gateway-playground-session"', "line 1, column 40"),
        (b'{"hello": 1}', "not a Gateway Playground session"),
        (b"[1, 2]", "expected a JSON object at the top"),
        (b"[" * 100_000 + b"]" * 100_000, "Couldn't read session"),
    ],
)
def test_unreadable_files_get_one_clear_sentence(
    store: SessionStore, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.session.json"
    path.write_bytes(content)
    with pytest.raises(SessionReadError) as caught:
        store.load(path)
    assert message in str(caught.value)
    assert str(caught.value).endswith("The file was left untouched.")
    assert path.read_bytes() == content


def test_validation_errors_name_the_field(store: SessionStore, tmp_path: Path) -> None:
    doc = json.loads(session_json(_session(_run("a"), _run("b"), _run("c"), _run("d"))))
    doc["runs"][3]["figures"]["ttft_s"] = "soon"
    path = tmp_path / "foo.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(SessionReadError, match=r"foo.json: runs\[3\]\.figures\.ttft_s: expected"):
        store.load(path)


def test_a_missing_file(store: SessionStore, tmp_path: Path) -> None:
    with pytest.raises(SessionReadError, match=r"Couldn't open session nope\.json: No such file"):
        store.load(tmp_path / "nope.json")


def test_f5_a_newer_schema_opens_read_only_and_is_never_rewritten(
    store: SessionStore, tmp_path: Path
) -> None:
    doc = json.loads(session_json(_session(_run("r1"))))
    doc["schema_version"] = 9
    doc["future"] = {"kept": True}
    path = tmp_path / "future.session.json"
    path.write_text(json.dumps(doc))
    before = path.read_bytes()
    session = store.load(path)
    assert session.read_only and session.source_schema == 9
    with pytest.raises(SessionWriteRefused, match="newer version"):
        store.save(session, path)
    with pytest.raises(SessionWriteRefused, match="schema 9"):
        store.save(_session(), path)  # another session over it: refused too
    with pytest.raises(SessionWriteRefused):
        store.save(session, tmp_path / "elsewhere.session.json")
    assert path.read_bytes() == before
    assert not (tmp_path / "elsewhere.session.json").exists()


def test_f6_an_old_schema_is_backed_up_once_before_the_first_overwrite(
    store: SessionStore, tmp_path: Path
) -> None:
    path = tmp_path / "old.session.json"
    shutil.copy(FIXTURES / "v1.session.json", path)
    original = path.read_bytes()
    session = store.load(path)
    assert session.migrated
    assert path.read_bytes() == original  # loading never writes
    store.save(session, path)
    backup = tmp_path / "old.session.json.v1.bak"
    assert backup.read_bytes() == original
    assert _mode(backup) == 0o600
    assert json.loads(path.read_text())["schema_version"] == 2
    again = store.load(path)
    assert not again.migrated and again.runs == session.runs
    assert again.extra[""]["pinned_note"].startswith("a field")
    store.save(again, path)
    assert backup.read_bytes() == original
    assert SessionStore.backups_of(path) == [backup]


def test_an_old_file_is_backed_up_even_when_another_process_wrote_it(
    store: SessionStore, tmp_path: Path
) -> None:
    path = tmp_path / "old.session.json"
    shutil.copy(FIXTURES / "v1.session.json", path)
    store.save(_session(_run("x")), path)  # never loaded here: found out by reading it
    assert (tmp_path / "old.session.json.v1.bak").read_bytes() == (
        FIXTURES / "v1.session.json"
    ).read_bytes()


class _FullDisk(io.RawIOBase):
    def __init__(self, fd: int) -> None:
        os.close(fd)

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


def test_f2_disk_full_keeps_the_old_file_and_allows_a_retry(
    store: SessionStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.session.json"
    store.save(_session(_run("old")), path)
    before = path.read_bytes()
    monkeypatch.setattr("playground.store.atomic.os.fdopen", lambda fd, mode: _FullDisk(fd))
    session = _session(_run("old"), _run("new"))
    with pytest.raises(SessionWriteError) as caught:
        store.save(session, path)
    assert str(caught.value).startswith(
        f"Couldn't save to {path}: No space left on device. The session is still open"
    )
    assert path.read_bytes() == before
    assert list(tmp_path.glob(".tmp-*")) == []
    monkeypatch.undo()
    store.save(session, path)  # space again: the retry works
    assert len(store.load(path).runs) == 2


def test_f2_permission_denied_is_reported(
    store: SessionStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr("playground.store.atomic.tempfile.mkstemp", refuse)
    with pytest.raises(SessionWriteError, match=r"Couldn't save to .*: Permission denied\."):
        store.save(_session(), tmp_path / "ro" / "s.session.json")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores permissions")
def test_f2_a_read_only_folder(store: SessionStore, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "s.session.json"
    store.save(_session(), path)
    folder.chmod(0o500)
    try:
        with pytest.raises(SessionWriteError, match="Permission denied"):
            store.save(_session(_run("r")), path)
    finally:
        folder.chmod(0o700)
    assert store.load(path).runs == ()


def test_size_limit_asks_first(tmp_path: Path) -> None:
    small = SessionStore(Paths.under(tmp_path / "app"), max_bytes=2000)
    path = tmp_path / "big.session.json"
    small.save(_session(_run("r", text="x" * 5000)), path)
    with pytest.raises(
        SessionTooLarge, match=r"big.session.json is 5.\d KB, above the 2.0 KB limit"
    ) as caught:
        small.load(path)
    assert caught.value.size > 2000
    assert small.load(path, allow_large=True).runs[0].text == "x" * 5000


def test_lone_surrogates_survive_saving(store: SessionStore, tmp_path: Path) -> None:
    path = tmp_path / "odd.session.json"
    text = "broken pair \ud800 and emoji 🙂 and é"
    store.save(_session(_run("r", text=text)), path)
    assert store.load(path).runs[0].text == text
    path.read_bytes().decode("utf-8")  # still valid UTF-8 on disk


def test_plain_text_stays_readable_on_disk(store: SessionStore, tmp_path: Path) -> None:
    path = tmp_path / "fr.session.json"
    store.save(_session(_run("r", text="déjà vu 🙂")), path)
    assert "déjà vu 🙂" in path.read_text(encoding="utf-8")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sessions)
def test_any_session_survives_the_file_format(session: Session) -> None:
    assert parse_session(session_json(session).encode(), "x") == session


def test_recent_list(store: SessionStore, tmp_path: Path) -> None:
    a, b = tmp_path / "a.session.json", tmp_path / "b.session.json"
    store.save(dataclasses.replace(_session(_run("r")), title="First"), a)
    store.save(_session(), b)
    store.load(a)
    recent = store.recent()
    assert [e.path for e in recent] == [str(a), str(b)]
    assert (recent[0].title, recent[0].runs, recent[0].used) == ("First", 1, STAMP)
    b.unlink()
    assert [e.exists for e in store.recent()] == [True, False]
    store.forget(b)
    assert [e.path for e in store.recent()] == [str(a)]
    store.paths.recent_file.write_text("{garbage")
    assert store.recent() == []
    store.load(a)  # a damaged list is simply rebuilt
    assert [e.path for e in store.recent()] == [str(a)]


def test_recent_list_is_capped(store: SessionStore, tmp_path: Path) -> None:
    for i in range(25):
        store.save(_session(), tmp_path / f"{i}.session.json")
    assert len(store.recent()) == 20


def test_default_paths_never_clash(store: SessionStore) -> None:
    session = dataclasses.replace(_session(), title="Sky: blue/red?")
    first = store.default_path(session)
    assert first.name == "Sky-blue-red.session.json"
    store.save(session, first)
    assert store.default_path(session).name == "Sky-blue-red-2.session.json"
    untitled = store.default_path(dataclasses.replace(_session(), created=STAMP))
    assert untitled.name == "session-2026-11-27-140200.session.json"


def test_stale_temp_files_are_cleaned(store: SessionStore, tmp_path: Path) -> None:
    folder = tmp_path / "work"
    store.save(_session(), folder / "a.session.json")
    stale = folder / ".tmp-abc.part"
    stale.write_text("half")
    old = 1_000_000_000
    os.utime(stale, (old, old))
    fresh = folder / ".tmp-def.part"
    fresh.write_text("in progress")
    assert store.clean_stale_temps() == 1
    assert not stale.exists() and fresh.exists()
