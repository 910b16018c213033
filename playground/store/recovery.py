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
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from playground.core.run import Run
from playground.core.session import Session, now_iso, session_to_dict
from playground.core.session_codec import encode
from playground.store.atomic import FILE_MODE, atomic_write_text, ensure_private_dir
from playground.store.paths import Paths
from playground.store.recovery_read import (
    CRASH_ERROR,
    JOURNAL_SUFFIX,
    InFlight,
    JournalError,
    PendingRecovery,
    discard,
    interrupted_run,
    journal_path,
    pending,
    read_journal,
    recover,
)

try:  # POSIX only; on Windows a live journal is simply not locked
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

PROGRESS_INTERVAL_S = 1.0
"""How often the partial text of a streaming run is written."""
COMPACT_EVERY = 512
"""Lines appended before the journal is rewritten compactly."""


def _line(obj: dict[str, Any]) -> bytes:
    # ensure_ascii: a lone surrogate in model text must not make the line unwritable.
    return (json.dumps(obj, ensure_ascii=True, allow_nan=False) + "\n").encode("ascii")


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
        self._inflight: dict[str, InFlight] = {}
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
        state = read_journal(self.path)
        self._session_line = state.session_line
        self._runs = dict(state.runs)
        for run_id, flight in state.inflight.items():
            run = interrupted_run(flight)
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
        self._inflight[run.id] = InFlight(line, last_write=self._clock())
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


__all__ = [
    "COMPACT_EVERY",
    "CRASH_ERROR",
    "JOURNAL_SUFFIX",
    "PROGRESS_INTERVAL_S",
    "JournalError",
    "PendingRecovery",
    "RecoveryJournal",
    "discard",
    "journal_path",
    "pending",
    "recover",
]
