"""Reading recovery journals: what a crash left behind, and the session it rebuilds.

`pending` lists journals that no running instance holds (``Recovered unsaved work from 14:02
(3 runs, 1 interrupted)``); `recover` rebuilds a session from one; `discard` deletes one. The
journal format is described in `store.recovery`. A torn or damaged line is skipped, never fatal.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from playground.core.run import ErrorInfo, Run
from playground.core.session import Session, session_from_dict
from playground.core.session_codec import SchemaError, decode
from playground.store.paths import Paths
from playground.store.sessions import SessionReadError, parse_session

try:  # POSIX only; on Windows a live journal is simply not locked
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

JOURNAL_SUFFIX = ".jsonl"
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

CRASH_ERROR = ErrorInfo(
    "crash",
    "The app stopped while this answer was streaming; this is the text received until then.",
)


class JournalError(Exception):
    """A journal could not be read at all (missing, or no usable session line)."""


def journal_path(paths: Paths, session_id: str) -> Path:
    """Where the journal of `session_id` lives.

    Raises:
        ValueError: `session_id` is not a plain id (it names a file).
    """
    if not _ID.fullmatch(session_id):
        raise ValueError(f"not a session id: {session_id!r}")
    return paths.recovery / f"{session_id}{JOURNAL_SUFFIX}"


@dataclass(slots=True)
class InFlight:
    start: dict[str, Any]
    text: str = ""
    reasoning: str = ""
    written_text: int = 0
    written_reasoning: int = 0
    last_write: float = 0.0


@dataclass(slots=True)
class JournalState:
    session_line: dict[str, Any] | None
    runs: dict[str, dict[str, Any]]
    inflight: dict[str, InFlight]
    bad_lines: int


def read_journal(path: Path) -> JournalState:
    state = JournalState(None, {}, {}, 0)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise JournalError(f"Couldn't read the recovery journal: {exc.strerror or exc}.") from None
    for chunk in raw.split(b"\n"):
        if not chunk.strip():
            continue
        try:
            obj = json.loads(chunk)
        except ValueError:  # a torn line from a crash mid-write (or damage): skip it
            state.bad_lines += 1
            continue
        if not isinstance(obj, dict):
            state.bad_lines += 1
            continue
        _apply(state, obj)
    return state


def _apply(state: JournalState, obj: dict[str, Any]) -> None:
    kind = obj.get("t")
    run = obj.get("run")
    if kind == "session" and isinstance(obj.get("session"), dict):
        state.session_line = obj
    elif kind == "start" and isinstance(run, dict) and isinstance(run.get("id"), str):
        state.inflight[run["id"]] = InFlight(obj)
    elif kind == "run" and isinstance(run, dict) and isinstance(run.get("id"), str):
        state.runs[run["id"]] = obj
        state.inflight.pop(run["id"], None)
    elif kind == "text":
        flight = state.inflight.get(obj.get("run_id", ""))
        if flight is None:
            return
        if obj.get("offset") == len(flight.text) and isinstance(obj.get("text"), str):
            flight.text += obj["text"]
        if obj.get("reasoning_offset") == len(flight.reasoning) and isinstance(
            obj.get("reasoning"), str
        ):
            flight.reasoning += obj["reasoning"]
    else:
        state.bad_lines += 1


def _decode_run(line: dict[str, Any]) -> Run | None:
    try:
        run = decode(line["run"], Run, path="run")
    except SchemaError:
        return None
    return run if isinstance(run, Run) else None


def interrupted_run(flight: InFlight) -> Run | None:
    run = _decode_run(flight.start)
    if run is None:
        return None
    figures = replace(run.figures, status="interrupted")
    return replace(run, text=flight.text, reasoning=flight.reasoning, figures=figures,
                   error=run.error or CRASH_ERROR)  # fmt: skip


@dataclass(frozen=True, slots=True)
class PendingRecovery:
    """Unsaved work a crashed (or killed) instance left behind."""

    session_id: str
    path: Path
    modified: float
    """When the journal was last written (Unix time)."""
    runs: int
    """Runs recorded, those cut short by the crash included."""
    interrupted: int
    """Runs that ended interrupted, or were still streaming at the crash."""
    has_draft: bool
    """Whether an unsent prompt was journaled."""

    @property
    def summary(self) -> str:
        """``Recovered unsaved work from 14:02 (3 runs, 1 interrupted)``."""
        when = datetime.fromtimestamp(self.modified)
        today = datetime.now().date() == when.date()
        stamp = when.strftime("%H:%M" if today else "%Y-%m-%d %H:%M")
        parts = [f"{self.runs} run{'' if self.runs == 1 else 's'}"]
        if self.interrupted:
            parts.append(f"{self.interrupted} interrupted")
        if not self.runs and self.has_draft:
            parts = ["an unsent prompt"]
        return f"Recovered unsaved work from {stamp} ({', '.join(parts)})"


def _locked_elsewhere(path: Path) -> bool:
    if fcntl is None:
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def pending(paths: Paths) -> list[PendingRecovery]:
    """Journals left by a crash, newest first. Journals in use by a running instance, and
    journals with nothing worth offering (no run, no draft, no conversation), are skipped."""
    folder = paths.recovery
    try:
        candidates = sorted(folder.glob(f"*{JOURNAL_SUFFIX}"))
    except OSError:
        return []
    found: list[PendingRecovery] = []
    for path in candidates:
        session_id = path.name[: -len(JOURNAL_SUFFIX)]
        if not _ID.fullmatch(session_id) or _locked_elsewhere(path):
            continue
        try:
            state = read_journal(path)
            modified = path.stat().st_mtime
        except (JournalError, OSError):
            continue
        doc = state.session_line.get("session", {}) if state.session_line else {}
        has_draft = bool(doc.get("draft")) or bool(doc.get("messages"))
        interrupted = len(state.inflight) + sum(
            1
            for r in state.runs.values()
            if r["run"].get("figures", {}).get("status") == "interrupted"
        )
        runs = len(state.runs) + len(state.inflight)
        if runs or has_draft:
            found.append(PendingRecovery(session_id, path, modified, runs, interrupted, has_draft))
    return sorted(found, key=lambda p: p.modified, reverse=True)


def recover(paths: Paths, session_id: str) -> Session:
    """Rebuild the session journaled under `session_id`: its settings, conversation and
    draft, each finished run, and each run cut short as ``interrupted`` with its partial text.

    When the journal says the session had been saved to a file that still holds it, the
    runs saved there come first.

    Raises:
        JournalError: no journal, or no usable session line in it.
    """
    path = journal_path(paths, session_id)
    state = read_journal(path)
    if state.session_line is None:
        raise JournalError("The recovery journal holds no session settings; nothing to restore.")
    try:
        session = session_from_dict(state.session_line["session"])
    except SchemaError as exc:
        raise JournalError(f"The recovery journal is damaged: {exc}.") from None
    runs: list[Run] = []
    saved_to = state.session_line.get("saved_to")
    if isinstance(saved_to, str):
        runs.extend(_runs_saved_in(Path(saved_to), session.id))
    seen = {r.id for r in runs}
    journaled = [_decode_run(line) for line in state.runs.values()]
    journaled += [interrupted_run(f) for f in state.inflight.values()]
    runs.extend(r for r in journaled if r is not None and r.id not in seen)
    runs.sort(key=lambda r: r.started_at)
    return replace(session, runs=tuple(runs))


def _runs_saved_in(path: Path, session_id: str) -> list[Run]:
    try:
        saved = parse_session(path.read_bytes(), path.name)
    except (OSError, SessionReadError):
        return []
    return list(saved.runs) if saved.id == session_id else []


def discard(paths: Paths, session_id: str) -> None:
    """Delete a pending journal (the user chose "Discard")."""
    with contextlib.suppress(FileNotFoundError):
        journal_path(paths, session_id).unlink()
