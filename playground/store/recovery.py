"""The recovery journal: work since the last save survives a crash or a ``kill -9``
(RELIABILITY.md §4.3, §7 F9).

While a session is open the app appends to ``$STATE/recovery/<session-id>.jsonl`` (0600, in a
0700 folder), one JSON object per line, each write followed by ``fsync``:

- ``{"t": "session", …}``: the settings, conversation and unsent prompt (no runs), whenever
  they change, and where the session was last saved;
- ``{"t": "start", …}``: a run began (its request and settings);
- ``{"t": "text", …}``: the text that arrived since the last such line, about once a second
  while streaming (deltas with their offsets, so a long answer is written once, not again
  every second);
- ``{"t": "run", …}``: a run ended (ok, stopped, interrupted, failed), complete.

The journal is rewritten compactly (atomically) from time to time, and deleted after an
explicit save or a clean quit. Whatever a crash leaves is offered on the next start:
`pending` lists journals (``Recovered unsaved work from 14:02 (3 runs, 1 interrupted)``) and
`recover` rebuilds the session: prompt, settings, finished runs, and each run that was still
streaming as an ``interrupted`` run holding the text received. A torn last line (a crash in the
middle of a write) is skipped, never fatal.

A journal in use is locked (``flock``) so that a second instance of the app does not offer
the first one's live work as "recovered".
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from playground.core.run import ErrorInfo, Run
from playground.core.session import (
    Session,
    now_iso,
    session_from_dict,
    session_to_dict,
)
from playground.core.session_codec import SchemaError, decode, encode
from playground.store.atomic import FILE_MODE, atomic_write_text, ensure_private_dir
from playground.store.paths import Paths
from playground.store.sessions import SessionReadError, parse_session

try:  # POSIX only; on Windows a live journal is simply not locked
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

JOURNAL_SUFFIX = ".jsonl"
PROGRESS_INTERVAL_S = 1.0
"""How often the partial text of a streaming run is written."""
COMPACT_EVERY = 512
"""Lines appended before the journal is rewritten compactly."""

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
    if not _ID.match(session_id):
        raise ValueError(f"not a session id: {session_id!r}")
    return paths.recovery / f"{session_id}{JOURNAL_SUFFIX}"


def _line(obj: dict[str, Any]) -> bytes:
    # ensure_ascii: a lone surrogate in model text must not make the line unwritable.
    return (json.dumps(obj, ensure_ascii=True, allow_nan=False) + "\n").encode("ascii")


@dataclass(slots=True)
class _InFlight:
    start: dict[str, Any]
    text: str = ""
    reasoning: str = ""
    written_text: int = 0
    written_reasoning: int = 0
    last_write: float = 0.0


class RecoveryJournal:
    """The journal of one open session. Not thread-safe: call it from one task.

    Write failures (disk full, read-only folder) never raise into the caller: the method
    returns False and `last_error` says what happened, for a warning in the UI.

    Args:
        paths: The app's folders.
        session_id: The session's id (names the file).
        interval_s: Minimum time between two partial-text writes of one run.
        clock: A monotonic clock in seconds, for that interval.
        compact_every: Appended lines between two compactions.
    """

    def __init__(
        self,
        paths: Paths,
        session_id: str,
        *,
        interval_s: float = PROGRESS_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
        compact_every: int = COMPACT_EVERY,
    ) -> None:
        self.path = journal_path(paths, session_id)
        self.session_id = session_id
        self._interval = interval_s
        self._clock = clock
        self._compact_every = compact_every
        self._fd: int | None = None
        self._session_line: dict[str, Any] | None = None
        self._runs: dict[str, dict[str, Any]] = {}
        self._inflight: dict[str, _InFlight] = {}
        self._appended = 0
        self._adopted = False
        self.last_error: str | None = None
        """The last write failure, as a sentence; None while all is well."""

    # -- file handling -------------------------------------------------------------------------

    def _open(self) -> int:
        if self._fd is None:
            ensure_private_dir(self.path.parent)
            if not self._adopted:
                self._adopted = True
                if self.path.exists():
                    self._adopt_existing()
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
            if fcntl is not None:
                with contextlib.suppress(OSError):
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            self._fd = fd
        return self._fd

    def _adopt_existing(self) -> None:
        """Continue a journal left by an earlier process (a recovered session goes on under
        its id): take in what it holds, and rewrite it so that a torn line is gone."""
        state = _read(self.path)
        self._session_line = state.session_line
        self._runs = dict(state.runs)
        for run_id, flight in state.inflight.items():
            run = _interrupted(flight)
            if run is not None:
                self._runs[run_id] = {"t": "run", "at": now_iso(), "run": encode(run, Run)}
        self._rewrite()

    def _append(self, obj: dict[str, Any]) -> bool:
        try:
            fd = self._open()
            os.write(fd, _line(obj))
            os.fsync(fd)
        except OSError as exc:
            self.last_error = f"Couldn't write the recovery journal: {exc.strerror or exc}."
            return False
        self.last_error = None
        self._appended += 1
        if self._appended >= self._compact_every:
            self.compact()
        return True

    def close(self) -> None:
        """Stop writing and release the lock; the file stays (for recovery)."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None

    def discard(self) -> None:
        """Delete the journal: the work was saved, or the user quit cleanly."""
        self.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        self._session_line = None
        self._runs.clear()
        self._inflight.clear()
        self._appended = 0

    def __enter__(self) -> RecoveryJournal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- recording -----------------------------------------------------------------------------

    def record_session(self, session: Session, *, saved_to: Path | None = None) -> bool:
        """Journal the settings, conversation and draft of `session` (its runs are journaled
        one by one). `saved_to`: the file it was last saved to, if any."""
        line: dict[str, Any] = {
            "t": "session",
            "at": now_iso(),
            "session": session_to_dict(replace(session, runs=())),
        }
        if saved_to is not None:
            line["saved_to"] = os.path.abspath(saved_to)
        elif self._session_line is not None and "saved_to" in self._session_line:
            line["saved_to"] = self._session_line["saved_to"]
        self._session_line = line
        return self._append(line)

    def start_run(self, run: Run) -> bool:
        """A run began. `run` is its skeleton (``RunBuilder.build()`` before any event)."""
        line = {"t": "start", "at": now_iso(), "run": encode(run, Run)}
        self._inflight[run.id] = _InFlight(line, last_write=self._clock())
        return self._append(line)

    def progress(self, run_id: str, text: str, reasoning: str = "", *, force: bool = False) -> bool:
        """The text of run `run_id` so far. Written at most every `interval_s` (unless
        `force`), as the part that arrived since the last write. Returns whether it wrote."""
        flight = self._inflight.get(run_id)
        if flight is None:
            return False
        flight.text, flight.reasoning = text, reasoning
        now = self._clock()
        if not force and now - flight.last_write < self._interval:
            return False
        if len(text) == flight.written_text and len(reasoning) == flight.written_reasoning:
            return False
        line: dict[str, Any] = {
            "t": "text",
            "run_id": run_id,
            "offset": flight.written_text,
            "text": text[flight.written_text :],
        }
        if len(reasoning) != flight.written_reasoning:
            line["reasoning_offset"] = flight.written_reasoning
            line["reasoning"] = reasoning[flight.written_reasoning :]
        flight.last_write = now
        if not self._append(line):
            return False
        flight.written_text, flight.written_reasoning = len(text), len(reasoning)
        return True

    def finish_run(self, run: Run) -> bool:
        """A run ended, whatever its status: journal it whole."""
        self._inflight.pop(run.id, None)
        line = {"t": "run", "at": now_iso(), "run": encode(run, Run)}
        self._runs[run.id] = line
        return self._append(line)

    def compact(self) -> bool:
        """Rewrite the journal as its shortest equivalent (atomically)."""
        for flight in self._inflight.values():
            flight.written_text, flight.written_reasoning = len(flight.text), len(flight.reasoning)
        return self._rewrite()

    def _rewrite(self) -> bool:
        lines: list[bytes] = []
        if self._session_line is not None:
            lines.append(_line(self._session_line))
        lines.extend(_line(r) for r in self._runs.values())
        for run_id, flight in self._inflight.items():
            lines.append(_line(flight.start))
            if flight.text or flight.reasoning:
                lines.append(
                    _line(
                        {
                            "t": "text",
                            "run_id": run_id,
                            "offset": 0,
                            "text": flight.text,
                            "reasoning_offset": 0,
                            "reasoning": flight.reasoning,
                        }
                    )
                )
        try:
            atomic_write_text(self.path, b"".join(lines).decode("ascii"))
        except OSError as exc:
            self.last_error = f"Couldn't compact the recovery journal: {exc.strerror or exc}."
            return False
        # The file was replaced: the old descriptor (and its lock) point at the old inode.
        self.close()
        self._appended = 0
        self._open()
        return True


# -- reading -------------------------------------------------------------------------------


@dataclass(slots=True)
class _State:
    session_line: dict[str, Any] | None
    runs: dict[str, dict[str, Any]]
    inflight: dict[str, _InFlight]
    bad_lines: int


def _read(path: Path) -> _State:
    state = _State(None, {}, {}, 0)
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


def _apply(state: _State, obj: dict[str, Any]) -> None:
    kind = obj.get("t")
    run = obj.get("run")
    if kind == "session" and isinstance(obj.get("session"), dict):
        state.session_line = obj
    elif kind == "start" and isinstance(run, dict) and isinstance(run.get("id"), str):
        state.inflight[run["id"]] = _InFlight(obj)
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


def _interrupted(flight: _InFlight) -> Run | None:
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
        if not _ID.match(session_id) or _locked_elsewhere(path):
            continue
        try:
            state = _read(path)
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
    state = _read(path)
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
    journaled += [_interrupted(f) for f in state.inflight.values()]
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
